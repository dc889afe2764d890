// SPDX-License-Identifier: GPL-2.0
/* Copyright (c) 2026 The iovnet authors */

#include <linux/netlink.h>

#include "iovnet_ethtool.h"

/**
 * iovnet_ethtool_get_ringparam() - report the ring sizes
 * @port: the port
 * @ring: filled in
 */
void iovnet_ethtool_get_ringparam(const struct iovnet_port *port,
				  struct ethtool_ringparam *ring)
{
	ring->rx_max_pending = IOVNET_MAX_RING;
	ring->tx_max_pending = IOVNET_MAX_RING;
	ring->rx_pending = port->rx_ring_count;
	ring->tx_pending = port->tx_ring_count;
}
EXPORT_SYMBOL_NS_GPL(iovnet_ethtool_get_ringparam, IOVNET_NS);

/**
 * iovnet_ethtool_set_ringparam() - change the ring sizes
 * @port: the port
 * @ring: what was asked (the core has checked the maximums)
 * @running: ignored: the port knows whether its datapath runs (a netdev
 *	can be up with none, after a failed restart); kept until the
 *	drivers stop passing it
 * @extack: where a refusal is explained
 *
 * Sizes are rounded up to the device's 128-byte granularity. A running
 * datapath is resized in place and keeps its old rings when the new ones
 * cannot be allocated; otherwise the next start uses the new sizes.
 *
 * Return: 0, -EINVAL or -ENOMEM.
 */
int iovnet_ethtool_set_ringparam(struct iovnet_port *port,
				 const struct ethtool_ringparam *ring,
				 bool running, struct netlink_ext_ack *extack)
{
	u16 rx = ALIGN(ring->rx_pending, IOVNET_RING_ALIGN);
	u16 tx = ALIGN(ring->tx_pending, IOVNET_RING_ALIGN);

	if (ring->rx_mini_pending || ring->rx_jumbo_pending) {
		NL_SET_ERR_MSG_MOD(extack, "only rx and tx rings exist");
		return -EINVAL;
	}
	if (ring->rx_pending < IOVNET_MIN_RING ||
	    ring->tx_pending < IOVNET_MIN_RING) {
		NL_SET_ERR_MSG_FMT_MOD(extack, "rings need at least %u descriptors",
				       IOVNET_MIN_RING);
		return -EINVAL;
	}
	if (rx == port->rx_ring_count && tx == port->tx_ring_count)
		return 0;
	if (iovnet_port_resize(port, tx, rx)) {
		NL_SET_ERR_MSG_MOD(extack, "no memory for the new rings, old rings kept");
		return -ENOMEM;
	}
	return 0;
}
EXPORT_SYMBOL_NS_GPL(iovnet_ethtool_set_ringparam, IOVNET_NS);

/**
 * iovnet_ethtool_get_channels() - report the queue pairs
 * @port: the port
 * @ch: filled in: combined queue pairs plus the one "other" vector
 */
void iovnet_ethtool_get_channels(const struct iovnet_port *port,
				 struct ethtool_channels *ch)
{
	ch->max_combined = port->max_queues;
	ch->combined_count = port->num_queues;
	ch->max_other = 1;
	ch->other_count = 1;
}
EXPORT_SYMBOL_NS_GPL(iovnet_ethtool_get_channels, IOVNET_NS);

/**
 * iovnet_ethtool_get_coalesce() - ethtool -c, for PF and VF
 * @netdev: the netdev, whose private area starts with its iovnet_port
 * @ec: filled in
 * @kec: unused
 * @extack: unused
 *
 * Return: 0.
 */
int iovnet_ethtool_get_coalesce(struct net_device *netdev,
				struct ethtool_coalesce *ec,
				struct kernel_ethtool_coalesce *kec,
				struct netlink_ext_ack *extack)
{
	struct iovnet_port *port = netdev_priv(netdev);

	ec->rx_coalesce_usecs = port->itr_usecs;
	ec->tx_coalesce_usecs = port->itr_usecs;
	ec->use_adaptive_rx_coalesce = port->adaptive_itr;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(iovnet_ethtool_get_coalesce, IOVNET_NS);

/**
 * iovnet_ethtool_set_coalesce() - ethtool -C, for PF and VF
 * @netdev: the netdev, whose private area starts with its iovnet_port
 * @ec: what was asked
 * @kec: unused
 * @extack: where a refusal is explained
 *
 * One vector serves a queue pair, so rx-usecs and tx-usecs are one value.
 * A running datapath takes the setting at once, a stopped one at its next
 * start (iovnet_port_set_itr() knows which).
 *
 * Return: 0 or -EINVAL.
 */
int iovnet_ethtool_set_coalesce(struct net_device *netdev,
				struct ethtool_coalesce *ec,
				struct kernel_ethtool_coalesce *kec,
				struct netlink_ext_ack *extack)
{
	struct iovnet_port *port = netdev_priv(netdev);
	u32 usecs = ec->rx_coalesce_usecs;

	/* The value that changed wins */
	if (ec->rx_coalesce_usecs == port->itr_usecs) {
		usecs = ec->tx_coalesce_usecs;
	} else if (ec->tx_coalesce_usecs != port->itr_usecs &&
		   ec->tx_coalesce_usecs != ec->rx_coalesce_usecs) {
		NL_SET_ERR_MSG_MOD(extack,
				   "rx-usecs and tx-usecs share one vector and must match");
		return -EINVAL;
	}
	if (usecs > IOVNET_MAX_ITR_USECS) {
		NL_SET_ERR_MSG_FMT_MOD(extack, "at most %lu usecs",
				       IOVNET_MAX_ITR_USECS);
		return -EINVAL;
	}
	/*
	 * A fixed interval given on its own turns adaptive moderation off.
	 * WRITE_ONCE: NAPI reads it unlocked (see iovnet_port_set_itr()).
	 */
	if (usecs != port->itr_usecs &&
	    ec->use_adaptive_rx_coalesce == port->adaptive_itr)
		WRITE_ONCE(port->adaptive_itr, false);
	else
		WRITE_ONCE(port->adaptive_itr, ec->use_adaptive_rx_coalesce);
	port->itr_usecs = usecs;
	iovnet_port_set_itr(port);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(iovnet_ethtool_set_coalesce, IOVNET_NS);

/**
 * iovnet_ethtool_get_tunable() - ethtool --get-tunable, for PF and VF
 * @netdev: the netdev, whose private area starts with its iovnet_port
 * @tuna: which tunable
 * @data: where its value goes
 *
 * Return: 0, or -EOPNOTSUPP for a tunable the driver does not have.
 */
int iovnet_ethtool_get_tunable(struct net_device *netdev,
			       const struct ethtool_tunable *tuna, void *data)
{
	struct iovnet_port *port = netdev_priv(netdev);

	if (tuna->id != ETHTOOL_RX_COPYBREAK)
		return -EOPNOTSUPP;
	*(u32 *)data = port->rx_copybreak;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(iovnet_ethtool_get_tunable, IOVNET_NS);

/**
 * iovnet_ethtool_set_tunable() - ethtool --set-tunable, for PF and VF
 * @netdev: the netdev, whose private area starts with its iovnet_port
 * @tuna: which tunable
 * @data: its new value
 *
 * rx-copybreak takes effect from the next NAPI poll; 0 turns copying off.
 *
 * Return: 0, -EINVAL for a value out of range, or -EOPNOTSUPP.
 */
int iovnet_ethtool_set_tunable(struct net_device *netdev,
			       const struct ethtool_tunable *tuna,
			       const void *data)
{
	struct iovnet_port *port = netdev_priv(netdev);
	u32 copybreak = *(const u32 *)data;

	if (tuna->id != ETHTOOL_RX_COPYBREAK)
		return -EOPNOTSUPP;
	/* The ioctl has no extack: say why in the log */
	if (copybreak > IOVNET_RX_COPYBREAK_MAX) {
		if (net_ratelimit())
			netdev_info(netdev, "rx-copybreak is at most %u bytes\n",
				    IOVNET_RX_COPYBREAK_MAX);
		return -EINVAL;
	}
	WRITE_ONCE(port->rx_copybreak, copybreak);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(iovnet_ethtool_set_tunable, IOVNET_NS);

/**
 * iovnet_status_speed() - the link speed a STATUS value reports
 * @status: STATUS, the PF's or a VF's (which mirrors it)
 *
 * Return: SPEED_10, SPEED_100 or SPEED_1000; meaningful with STATUS.LU set.
 */
u32 iovnet_status_speed(u32 status)
{
	switch (FIELD_GET(IOVNET_STATUS_SPEED, status)) {
	case IOVNET_STATUS_SPEED_10:
		return SPEED_10;
	case IOVNET_STATUS_SPEED_100:
		return SPEED_100;
	default:
		return SPEED_1000;
	}
}
EXPORT_SYMBOL_NS_GPL(iovnet_status_speed, IOVNET_NS);

static const char iovnet_ring_stat_names[IOVNET_RING_STATS][ETH_GSTRING_LEN] = {
	"rx_csum_unnecessary",
	"rx_csum_bad",
	"rx_alloc_fail",
	"rx_frame_errors",
	"rx_copybreak",
	"tx_tso_packets",
	"tx_tso_bytes",
	"tx_csum_offload",
	"tx_queue_stops",
	"tx_queue_wakes",
	"tx_dropped",
};

/**
 * iovnet_ring_stats_strings() - names of the datapath counters
 * @data: where ethtool_puts() goes on from
 */
void iovnet_ring_stats_strings(u8 **data)
{
	unsigned int i;

	for (i = 0; i < IOVNET_RING_STATS; i++)
		ethtool_puts(data, iovnet_ring_stat_names[i]);
}
EXPORT_SYMBOL_NS_GPL(iovnet_ring_stats_strings, IOVNET_NS);

/**
 * iovnet_ring_stats_values() - the datapath counters, summed over rings
 * @port: the port
 * @data: where to go on writing
 */
void iovnet_ring_stats_values(struct iovnet_port *port, u64 **data)
{
	struct iovnet_ring_stats rx, tx;
	u64 *v = *data;

	iovnet_port_sum(port, &rx, &tx);
	*v++ = rx.rx.csum_unnecessary;
	*v++ = rx.rx.csum_bad;
	*v++ = rx.rx.alloc_fail;
	*v++ = rx.rx.frame_err;
	*v++ = rx.rx.copybreak;
	*v++ = tx.tx.tso_packets;
	*v++ = tx.tx.tso_bytes;
	*v++ = tx.tx.needs_csum;
	*v++ = tx.tx.stop;
	*v++ = tx.tx.wake;
	*v++ = tx.tx.drops;
	WARN_ON_ONCE(v - *data != IOVNET_RING_STATS);
	*data = v;
}
EXPORT_SYMBOL_NS_GPL(iovnet_ring_stats_values, IOVNET_NS);
