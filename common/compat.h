/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (c) 2026 The iovnet authors */

/* The one place for differences between the kernels iovnet builds on */

#ifndef _IOVNET_COMPAT_H_
#define _IOVNET_COMPAT_H_

#include <linux/compiler.h>
#include <net/page_pool/types.h>

/*
 * Tie a page_pool to the NAPI instance that recycles into it, after the
 * pool was created. Newer kernels have page_pool_enable_direct_recycling()
 * for this; in 6.12 the pool only ever reads p.napi with READ_ONCE().
 * Call it while @napi is disabled.
 */
static inline void iovnet_pp_attach_napi(struct page_pool *pool,
					 struct napi_struct *napi)
{
	WRITE_ONCE(pool->p.napi, napi);
}

#endif /* _IOVNET_COMPAT_H_ */
