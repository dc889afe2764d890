/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace Ethernet address helpers for common/ headers */
#ifndef _IOVNET_TOOLS_LINUX_ETHERDEVICE_H
#define _IOVNET_TOOLS_LINUX_ETHERDEVICE_H

#include <linux/if_ether.h>
#include <linux/types.h>
#include <string.h>

static inline bool is_zero_ether_addr(const u8 *addr)
{
	return !(addr[0] | addr[1] | addr[2] | addr[3] | addr[4] | addr[5]);
}

/* Unicast and not all zeroes, as the kernel's helper defines it */
static inline bool is_valid_ether_addr(const u8 *addr)
{
	return !(addr[0] & 1) &&
	       (addr[0] | addr[1] | addr[2] | addr[3] | addr[4] | addr[5]);
}

#endif
