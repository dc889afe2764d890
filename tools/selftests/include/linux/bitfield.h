/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace FIELD_PREP() and FIELD_GET() for common/ headers */
#ifndef _IOVNET_TOOLS_LINUX_BITFIELD_H
#define _IOVNET_TOOLS_LINUX_BITFIELD_H

#include <linux/bits.h>

#define IOVNET_FIELD_SHIFT(mask)	(__builtin_ffsll(mask) - 1)
#define FIELD_PREP(mask, val) \
	(((typeof(mask))(val) << IOVNET_FIELD_SHIFT(mask)) & (mask))
#define FIELD_GET(mask, reg) \
	((typeof(mask))(((reg) & (mask)) >> IOVNET_FIELD_SHIFT(mask)))

#endif
