/* SPDX-License-Identifier: GPL-2.0 */
/* The uapi VLAN header plus the kernel's VLAN_N_VID, for common/ headers */
#ifndef _IOVNET_TOOLS_LINUX_IF_VLAN_H
#define _IOVNET_TOOLS_LINUX_IF_VLAN_H

#include_next <linux/if_vlan.h>

#define VLAN_N_VID	4096

#endif
