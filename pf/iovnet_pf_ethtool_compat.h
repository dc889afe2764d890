/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (c) 2026 The iovnet authors */

/*
 * The PF's RSS ethtool ops on kernels whose ethtool_ops differ from 6.12's,
 * as thin wrappers around the handlers in iovnet_pf_ethtool.c (which are
 * written against 6.12), chosen by the probes of common/compat-gen.sh:
 *  - before 6.8, get_rxfh/set_rxfh took the table, key and hash function
 *    as arguments (no struct ethtool_rxfh_param, no extack);
 *  - later kernels (7.2 among them) ask get_rxfh_fields/set_rxfh_fields
 *    for the flow hash fields (ETHTOOL_GRXFH/SRXFH) and get_rx_ring_count
 *    for ETHTOOL_GRXRINGS, no longer get_rxnfc/set_rxnfc: without them
 *    "ethtool -N rx-flow-hash" and even "ethtool -X" would fail there.
 * Include it once, from iovnet_pf_ethtool.c only.
 */

#ifndef _IOVNET_PF_ETHTOOL_COMPAT_H_
#define _IOVNET_PF_ETHTOOL_COMPAT_H_

#include <linux/ethtool.h>
#include <linux/netdevice.h>

#include "compat.h"

static int iovnet_pf_get_rxfh(struct net_device *netdev,
			      struct ethtool_rxfh_param *rxfh);
static int iovnet_pf_set_rxfh(struct net_device *netdev,
			      struct ethtool_rxfh_param *rxfh,
			      struct netlink_ext_ack *extack);
static int iovnet_pf_get_rxnfc(struct net_device *netdev,
			       struct ethtool_rxnfc *nfc, u32 *rule_locs);
static int iovnet_pf_set_rxnfc(struct net_device *netdev,
			       struct ethtool_rxnfc *nfc);

IOVNET_DEFINE_GET_RXFH_OP(iovnet_pf_get_rxfh)

#ifdef IOVNET_NEED_ETHTOOL_RXFH_PARAM
static int iovnet_pf_set_rxfh_old(struct net_device *netdev,
				  const u32 *indir, const u8 *key,
				  const u8 hfunc)
{
	struct ethtool_rxfh_param rxfh = {
		.indir = (u32 *)indir,
		.key = (u8 *)key,
		.hfunc = hfunc,
	};

	return iovnet_pf_set_rxfh(netdev, &rxfh, NULL);
}

#define IOVNET_PF_SET_RXFH	iovnet_pf_set_rxfh_old
#else
#define IOVNET_PF_SET_RXFH	iovnet_pf_set_rxfh
#endif

#ifdef IOVNET_HAVE_ETHTOOL_RXFH_FIELDS
static int iovnet_pf_get_rxfh_fields(struct net_device *netdev,
				     struct ethtool_rxfh_fields *fields)
{
	struct ethtool_rxnfc nfc = {
		.cmd = ETHTOOL_GRXFH,
		.flow_type = fields->flow_type,
	};
	int err;

	err = iovnet_pf_get_rxnfc(netdev, &nfc, NULL);
	if (!err)
		fields->data = nfc.data;
	return err;
}

static int iovnet_pf_set_rxfh_fields(struct net_device *netdev,
				     const struct ethtool_rxfh_fields *fields,
				     struct netlink_ext_ack *extack)
{
	struct ethtool_rxnfc nfc = {
		.cmd = ETHTOOL_SRXFH,
		.flow_type = fields->flow_type,
		.data = fields->data,
	};

	return iovnet_pf_set_rxnfc(netdev, &nfc);
}

#define IOVNET_PF_RXFH_FIELDS_OPS				\
	.get_rxfh_fields	= iovnet_pf_get_rxfh_fields,	\
	.set_rxfh_fields	= iovnet_pf_set_rxfh_fields,
#else
#define IOVNET_PF_RXFH_FIELDS_OPS
#endif

#ifdef IOVNET_HAVE_ETHTOOL_RX_RING_COUNT
static u32 iovnet_pf_get_rx_ring_count(struct net_device *netdev)
{
	struct ethtool_rxnfc nfc = { .cmd = ETHTOOL_GRXRINGS };

	return iovnet_pf_get_rxnfc(netdev, &nfc, NULL) ? 0 : nfc.data;
}

#define IOVNET_PF_RX_RING_COUNT_OPS				\
	.get_rx_ring_count	= iovnet_pf_get_rx_ring_count,
#else
#define IOVNET_PF_RX_RING_COUNT_OPS
#endif

#endif /* _IOVNET_PF_ETHTOOL_COMPAT_H_ */
