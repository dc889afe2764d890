/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace stand-ins for the kernel names that common/iovnet_mbx.h and
 * common/iovnet_regs.h use, so the selftest tools compile those headers
 * as they are instead of keeping a second copy of the protocol.
 */
#ifndef _IOVNET_TOOLS_LINUX_TYPES_H
#define _IOVNET_TOOLS_LINUX_TYPES_H

#include_next <linux/types.h>
#include <endian.h>
#include <stdbool.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

#define cpu_to_le16(x)	((__le16)htole16(x))
#define le16_to_cpu(x)	le16toh((uint16_t)(x))
#define cpu_to_le32(x)	((__le32)htole32(x))
#define le32_to_cpu(x)	le32toh((uint32_t)(x))

#endif
