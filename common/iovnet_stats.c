// SPDX-License-Identifier: GPL-2.0
/* Copyright (c) 2026 The iovnet authors */

/*
 * Statistics: per-ring counters, their sums, qstats and ethtool -S.
 */

#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/if_vlan.h>
#include <linux/interrupt.h>
#include <linux/iopoll.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/sctp.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/ip6_checksum.h>

#include "iovnet_calc.h"
#include "iovnet_priv.h"

static void iovnet_ring_stats_add(struct iovnet_ring_stats *sum,
				  const struct iovnet_ring_stats *s)
{
	const u64 *src = (const u64 *)s;
	u64 *dst = (u64 *)sum;
	unsigned int i;

	for (i = 0; i < sizeof(*s) / sizeof(u64); i++)
		dst[i] += src[i];
}

static void iovnet_ring_stats_read(struct iovnet_ring *ring,
				   struct iovnet_ring_stats *out)
{
	unsigned int start, cp_start;

	do {
		start = u64_stats_fetch_begin(&ring->syncp);
		cp_start = u64_stats_fetch_begin(&ring->cp_syncp);
		*out = ring->stats;
	} while (u64_stats_fetch_retry(&ring->syncp, start) ||
		 u64_stats_fetch_retry(&ring->cp_syncp, cp_start));
}

/**
 * iovnet_ring_retire() - fold a ring's counters into the port's base
 * @port: the port, its base_lock held
 * @ring: the ring about to go
 * @tx: a TX ring, else RX
 */
void iovnet_ring_retire(struct iovnet_port *port, struct iovnet_ring *ring,
			bool tx)
{
	struct iovnet_ring_stats s;

	iovnet_ring_stats_read(ring, &s);
	iovnet_ring_stats_add(tx ? &port->base_tx : &port->base_rx, &s);
}

/**
 * iovnet_port_sum() - counters of every ring, past and present
 * @port: the port
 * @rx: filled with the RX totals
 * @tx: filled with the TX totals
 */
void iovnet_port_sum(struct iovnet_port *port, struct iovnet_ring_stats *rx,
		     struct iovnet_ring_stats *tx)
{
	struct iovnet_ring_stats s;
	unsigned int q;

	spin_lock_bh(&port->base_lock);
	*rx = port->base_rx;
	*tx = port->base_tx;
	for (q = 0; q < IOVNET_MAX_QUEUES; q++) {
		struct iovnet_qvec *qvec = port->qvecs[q];

		if (!qvec)
			continue;
		iovnet_ring_stats_read(qvec->rx, &s);
		iovnet_ring_stats_add(rx, &s);
		iovnet_ring_stats_read(qvec->tx, &s);
		iovnet_ring_stats_add(tx, &s);
	}
	spin_unlock_bh(&port->base_lock);
}
EXPORT_SYMBOL_NS_GPL(iovnet_port_sum, IOVNET_NS);

/**
 * iovnet_port_read_hw_drops() - collect the RX queues' drop counters
 * @port: the port; the driver's periodic statistics work calls this
 *
 * RQDPC clears on read, so this is its only reader. A queue without a ring
 * has no drops to count; an all-ones read means the device is gone.
 */
void iovnet_port_read_hw_drops(struct iovnet_port *port)
{
	unsigned int q;
	u32 v;

	spin_lock_bh(&port->base_lock);
	for (q = 0; q < IOVNET_MAX_QUEUES; q++) {
		if (!port->qvecs[q])
			continue;
		v = readl(port->qvecs[q]->rx->regs + IOVNET_RXQ_DROPS);
		if (v != U32_MAX)
			port->rx_hw_drops[q] += v;
	}
	spin_unlock_bh(&port->base_lock);
}
EXPORT_SYMBOL_NS_GPL(iovnet_port_read_hw_drops, IOVNET_NS);

static u64 iovnet_port_hw_drops(struct iovnet_port *port, unsigned int from)
{
	u64 sum = 0;
	unsigned int q;

	spin_lock_bh(&port->base_lock);
	for (q = from; q < IOVNET_MAX_QUEUES; q++)
		sum += port->rx_hw_drops[q];
	spin_unlock_bh(&port->base_lock);
	return sum;
}

/**
 * iovnet_get_stats64() - software counters of every ring, past and present
 * @netdev: the netdev
 * @stats: filled in; the driver adds its hardware counters
 */
void iovnet_get_stats64(struct net_device *netdev,
			struct rtnl_link_stats64 *stats)
{
	struct iovnet_port *port = netdev_priv(netdev);
	struct iovnet_ring_stats rx, tx;

	iovnet_port_sum(port, &rx, &tx);
	stats->rx_packets = rx.packets;
	stats->rx_bytes = rx.bytes;
	stats->rx_errors = rx.rx.frame_err;
	stats->rx_crc_errors = 0;
	stats->rx_dropped = rx.rx.alloc_fail;
	stats->rx_missed_errors = iovnet_port_hw_drops(port, 0);
	stats->tx_packets = tx.packets;
	stats->tx_bytes = tx.bytes;
	stats->tx_dropped = tx.tx.drops;
}
EXPORT_SYMBOL_NS_GPL(iovnet_get_stats64, IOVNET_NS);

#ifdef IOVNET_HAVE_NETDEV_STAT_OPS
static void iovnet_qstat_rx(const struct iovnet_ring_stats *s,
			    struct netdev_queue_stats_rx *rx)
{
	rx->packets = s->packets;
	rx->bytes = s->bytes;
	rx->alloc_fail = s->rx.alloc_fail;
	rx->csum_unnecessary = s->rx.csum_unnecessary;
	rx->csum_bad = s->rx.csum_bad;
	rx->hw_drops = s->rx.frame_err;
}

static void iovnet_qstat_tx(const struct iovnet_ring_stats *s,
			    struct netdev_queue_stats_tx *tx)
{
	tx->packets = s->packets;
	tx->bytes = s->bytes;
	tx->needs_csum = s->tx.needs_csum;
	tx->hw_gso_packets = s->tx.tso_packets;
	tx->hw_gso_bytes = s->tx.tso_bytes;
	tx->stop = s->tx.stop;
	tx->wake = s->tx.wake;
	tx->hw_drops = s->tx.drops;
}
#endif

/* Counters of queue @idx's current ring, zero when it has none */
static void iovnet_queue_ring_stats(struct iovnet_port *port, unsigned int idx,
				    bool tx, struct iovnet_ring_stats *s)
{
	struct iovnet_qvec *qvec;

	memset(s, 0, sizeof(*s));
	spin_lock_bh(&port->base_lock);
	qvec = port->qvecs[idx];
	if (qvec)
		iovnet_ring_stats_read(tx ? qvec->tx : qvec->rx, s);
	spin_unlock_bh(&port->base_lock);
}

#ifdef IOVNET_HAVE_NETDEV_STAT_OPS
static void iovnet_get_queue_stats_rx(struct net_device *netdev, int idx,
				      struct netdev_queue_stats_rx *rx)
{
	struct iovnet_port *port = netdev_priv(netdev);
	struct iovnet_ring_stats s;

	iovnet_queue_ring_stats(port, idx, false, &s);
	iovnet_qstat_rx(&s, rx);
	spin_lock_bh(&port->base_lock);
	rx->hw_drop_overruns = port->rx_hw_drops[idx];
	spin_unlock_bh(&port->base_lock);
	rx->hw_drops += rx->hw_drop_overruns;
}

static void iovnet_get_queue_stats_tx(struct net_device *netdev, int idx,
				      struct netdev_queue_stats_tx *tx)
{
	struct iovnet_ring_stats s;

	iovnet_queue_ring_stats(netdev_priv(netdev), idx, true, &s);
	iovnet_qstat_tx(&s, tx);
}

static void iovnet_get_base_stats(struct net_device *netdev,
				  struct netdev_queue_stats_rx *rx,
				  struct netdev_queue_stats_tx *tx)
{
	struct iovnet_port *port = netdev_priv(netdev);
	struct iovnet_ring_stats brx, btx;
	unsigned int q;

	spin_lock_bh(&port->base_lock);
	brx = port->base_rx;
	btx = port->base_tx;
	/* Rings beyond the active queues still count towards the total */
	for (q = netdev->real_num_rx_queues; q < IOVNET_MAX_QUEUES; q++) {
		struct iovnet_ring_stats s;

		if (!port->qvecs[q])
			continue;
		iovnet_ring_stats_read(port->qvecs[q]->rx, &s);
		iovnet_ring_stats_add(&brx, &s);
		iovnet_ring_stats_read(port->qvecs[q]->tx, &s);
		iovnet_ring_stats_add(&btx, &s);
	}
	spin_unlock_bh(&port->base_lock);
	iovnet_qstat_rx(&brx, rx);
	iovnet_qstat_tx(&btx, tx);
	rx->hw_drop_overruns =
		iovnet_port_hw_drops(port, netdev->real_num_rx_queues);
	rx->hw_drops += rx->hw_drop_overruns;
}

const struct netdev_stat_ops iovnet_stat_ops = {
	.get_queue_stats_rx = iovnet_get_queue_stats_rx,
	.get_queue_stats_tx = iovnet_get_queue_stats_tx,
	.get_base_stats = iovnet_get_base_stats,
};
EXPORT_SYMBOL_NS_GPL(iovnet_stat_ops, IOVNET_NS);
#endif

/* ethtool -S: per-queue counters, after the driver's own */

static const char * const iovnet_queue_stat_names[] = {
	"packets", "bytes",
};

/**
 * iovnet_queue_stats_count() - number of per-queue ethtool statistics
 * @port: the port
 *
 * Return: the count, for the queues in use.
 */
unsigned int iovnet_queue_stats_count(const struct iovnet_port *port)
{
	/* RX queues add their drop counter */
	return (2 * ARRAY_SIZE(iovnet_queue_stat_names) + 1) * port->num_queues;
}
EXPORT_SYMBOL_NS_GPL(iovnet_queue_stats_count, IOVNET_NS);

/**
 * iovnet_queue_stats_strings() - names of the per-queue ethtool statistics
 * @port: the port
 * @data: where ethtool_sprintf() goes on from
 */
void iovnet_queue_stats_strings(const struct iovnet_port *port, u8 **data)
{
	static const char * const dir[] = { "tx", "rx" };
	unsigned int d, q, i;

	for (d = 0; d < ARRAY_SIZE(dir); d++)
		for (q = 0; q < port->num_queues; q++) {
			for (i = 0; i < ARRAY_SIZE(iovnet_queue_stat_names); i++)
				ethtool_sprintf(data, "%s_queue_%u_%s", dir[d], q,
						iovnet_queue_stat_names[i]);
			if (d == 1)
				ethtool_sprintf(data, "rx_queue_%u_hw_drops", q);
		}
}
EXPORT_SYMBOL_NS_GPL(iovnet_queue_stats_strings, IOVNET_NS);

/**
 * iovnet_queue_stats_values() - values of the per-queue ethtool statistics
 * @port: the port
 * @data: where to go on writing
 */
void iovnet_queue_stats_values(struct iovnet_port *port, u64 **data)
{
	struct iovnet_ring_stats s;
	unsigned int q, d;

	for (d = 0; d < 2; d++) {
		for (q = 0; q < port->num_queues; q++) {
			iovnet_queue_ring_stats(port, q, d == 0, &s);
			*(*data)++ = s.packets;
			*(*data)++ = s.bytes;
			if (d == 1) {
				spin_lock_bh(&port->base_lock);
				*(*data)++ = port->rx_hw_drops[q];
				spin_unlock_bh(&port->base_lock);
			}
		}
	}
}
EXPORT_SYMBOL_NS_GPL(iovnet_queue_stats_values, IOVNET_NS);
