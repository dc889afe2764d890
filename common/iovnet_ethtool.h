/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (c) 2026 The iovnet authors */

/*
 * ethtool operations on the shared datapath, used as they are by the PF and
 * the VF: ring sizes, channel counts, tunables and the datapath's own
 * counters.
 */

#ifndef _IOVNET_ETHTOOL_H_
#define _IOVNET_ETHTOOL_H_

#include <linux/bitfield.h>
#include <linux/ethtool.h>

#include "iovnet_txrx.h"

/* Datapath counters at the start of ethtool -S, before the driver's own */
#define IOVNET_RING_STATS	11

/* EITR's interval field holds 13 bits of microseconds */
#define IOVNET_MAX_ITR_USECS	FIELD_MAX(IOVNET_EITR_INTERVAL)

/* What both drivers' ethtool_ops.supported_coalesce_params must say */
#define IOVNET_COALESCE_PARAMS	(ETHTOOL_COALESCE_USECS | \
				 ETHTOOL_COALESCE_USE_ADAPTIVE_RX)

void iovnet_ethtool_get_ringparam(const struct iovnet_port *port,
				  struct ethtool_ringparam *ring);
int iovnet_ethtool_set_ringparam(struct iovnet_port *port,
				 const struct ethtool_ringparam *ring,
				 bool running, struct netlink_ext_ack *extack);
void iovnet_ethtool_get_channels(const struct iovnet_port *port,
				 struct ethtool_channels *ch);
int iovnet_ethtool_get_coalesce(struct net_device *netdev,
				struct ethtool_coalesce *ec,
				struct kernel_ethtool_coalesce *kec,
				struct netlink_ext_ack *extack);
int iovnet_ethtool_set_coalesce(struct net_device *netdev,
				struct ethtool_coalesce *ec,
				struct kernel_ethtool_coalesce *kec,
				struct netlink_ext_ack *extack);
int iovnet_ethtool_get_tunable(struct net_device *netdev,
			       const struct ethtool_tunable *tuna, void *data);
int iovnet_ethtool_set_tunable(struct net_device *netdev,
			       const struct ethtool_tunable *tuna,
			       const void *data);
u32 iovnet_status_speed(u32 status);
void iovnet_ring_stats_strings(u8 **data);
void iovnet_ring_stats_values(struct iovnet_port *port, u64 **data);

#endif /* _IOVNET_ETHTOOL_H_ */
