/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace BIT() and GENMASK() for common/ headers (64-bit long) */
#ifndef _IOVNET_TOOLS_LINUX_BITS_H
#define _IOVNET_TOOLS_LINUX_BITS_H

#define BIT(n)		(1ul << (n))
#define GENMASK(h, l)	((~0ul << (l)) & (~0ul >> (63 - (h))))

#endif
