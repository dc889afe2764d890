/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (c) 2026 The iovnet authors */

/* The one place for differences between the kernels iovnet builds on */

#ifndef _IOVNET_COMPAT_H_
#define _IOVNET_COMPAT_H_

/*
 * IOVNET_NS, the symbol namespace of iovnet_lib's exports for
 * EXPORT_SYMBOL_NS_GPL() and MODULE_IMPORT_NS(), comes from Kbuild, which
 * knows the kernel's version: a bare token that those macros stringify up
 * to 6.12, a string literal from 6.13 on.
 */
#ifndef IOVNET_NS
#error "IOVNET_NS is defined by iovnet's Kbuild"
#endif

#endif /* _IOVNET_COMPAT_H_ */
