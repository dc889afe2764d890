// SPDX-License-Identifier: GPL-2.0
/* Copyright (c) 2026 The iovnet authors */

/*
 * Interrupt moderation: fixed intervals, DIM, and unthrottled vectors.
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

static void iovnet_write_itr(struct iovnet_qvec *qvec, u16 usecs)
{
	iovnet_wr32(qvec->port, IOVNET_EITR(qvec->vector),
		    FIELD_PREP(IOVNET_EITR_INTERVAL, usecs) |
		    IOVNET_EITR_CNT_IGNR);
}

static u64 iovnet_qvec_packets(const struct iovnet_qvec *qvec)
{
	return qvec->rx->stats.packets + qvec->tx->stats.packets;
}

/*
 * Throttling pays only when it batches.  Over each window of
 * IOVNET_ITR_WINDOW_IRQS interrupts, a vector that took fewer than two
 * packets per interrupt, and no more than IOVNET_UNTHROTTLED_MAX_RATE
 * packets a second, is carrying request/response or sparse traffic: any
 * interval only delays it, and DIM, comparing rates that barely move,
 * wanders up its whole profile table.  Such a vector runs unthrottled with
 * DIM idle; once a window shows batching or a higher packet rate, DIM takes
 * over again from its default profile, where it starts at port up.
 * Bounding the packet rate bounds the interrupt rate of running unthrottled.
 */
#define IOVNET_ITR_WINDOW_IRQS		64

#define IOVNET_UNTHROTTLED_MAX_RATE	8000

static void iovnet_itr_restart_dim(struct iovnet_qvec *qvec)
{
	struct dim *dim = &qvec->dim;
	struct dim_cq_moder moder;

	dim->profile_ix = NET_DIM_DEF_PROFILE_EQE;
	dim->tune_state = DIM_GOING_RIGHT;
	dim->state = DIM_START_MEASURE;
	moder = net_dim_get_rx_moderation(dim->mode, dim->profile_ix);
	iovnet_write_itr(qvec, moder.usec);
}

/**
 * iovnet_itr_update() - adaptive moderation at the end of a NAPI poll
 * @qvec: the queue vector, in its NAPI poll, with adaptive moderation on
 *
 * Decides over each window whether the vector runs unthrottled (see
 * IOVNET_ITR_WINDOW_IRQS), and otherwise feeds DIM a sample.
 */
void iovnet_itr_update(struct iovnet_qvec *qvec)
{
	u16 irqs = qvec->irqs - qvec->win_irqs;
	u64 pkts = iovnet_qvec_packets(qvec);
	struct dim_sample sample;
	u64 win_pkts;
	bool sparse;
	ktime_t now;

	if (irqs >= IOVNET_ITR_WINDOW_IRQS) {
		now = ktime_get();
		win_pkts = pkts - qvec->win_pkts;
		sparse = win_pkts < 2 * irqs &&
			 ktime_to_ns(ktime_sub(now, qvec->win_start)) >=
			 (s64)win_pkts * (NSEC_PER_SEC / IOVNET_UNTHROTTLED_MAX_RATE);
		/* WRITE_ONCE: iovnet_dim_work() reads the flag unlocked */
		if (sparse && !qvec->itr_unthrottled) {
			WRITE_ONCE(qvec->itr_unthrottled, true);
			iovnet_write_itr(qvec, 0);
		} else if (!sparse && qvec->itr_unthrottled) {
			WRITE_ONCE(qvec->itr_unthrottled, false);
			iovnet_itr_restart_dim(qvec);
		}
		qvec->win_irqs = qvec->irqs;
		qvec->win_pkts = pkts;
		qvec->win_start = now;
	}
	if (qvec->itr_unthrottled)
		return;

	/* Feed DIM the traffic both rings of the vector carried */
	dim_update_sample(qvec->irqs, pkts,
			  qvec->rx->stats.bytes + qvec->tx->stats.bytes,
			  &sample);
	iovnet_net_dim(&qvec->dim, &sample);
}

/**
 * iovnet_dim_work() - apply the interval DIM chose
 * @work: the work item of the queue vector's struct dim
 */
void iovnet_dim_work(struct work_struct *work)
{
	struct dim *dim = container_of(work, struct dim, work);
	struct iovnet_qvec *qvec = container_of(dim, struct iovnet_qvec, dim);
	struct dim_cq_moder moder;

	moder = net_dim_get_rx_moderation(dim->mode, dim->profile_ix);
	/* A window may have just stopped throttling this vector */
	if (!READ_ONCE(qvec->itr_unthrottled))
		iovnet_write_itr(qvec, moder.usec);
	dim->state = DIM_START_MEASURE;
}

/**
 * iovnet_port_write_itr() - program the interval into every queue vector
 * @port: the port, configured or running
 *
 * Restarts the unthrottled-window bookkeeping with it.
 */
void iovnet_port_write_itr(struct iovnet_port *port)
{
	u16 usecs = port->itr_usecs;
	unsigned int q;

	if (READ_ONCE(port->adaptive_itr))
		usecs = net_dim_get_def_rx_moderation(DIM_CQ_PERIOD_MODE_START_FROM_EQE).usec;
	for (q = 0; q < port->num_queues; q++) {
		struct iovnet_qvec *qvec = port->qvecs[q];

		WRITE_ONCE(qvec->itr_unthrottled, false);
		qvec->win_irqs = qvec->irqs;
		qvec->win_pkts = iovnet_qvec_packets(qvec);
		qvec->win_start = ktime_get();
		iovnet_write_itr(qvec, usecs);
	}
}

/**
 * iovnet_port_set_itr() - apply a new throttling setting
 * @port: the port, under RTNL
 *
 * Programs every vector when the datapath runs; otherwise the next start
 * programs the setting, since there are no vectors to write to.
 */
void iovnet_port_set_itr(struct iovnet_port *port)
{
	unsigned int q;

	if (!port->running)
		return;
	/*
	 * A poll or a DIM work that looked at adaptive_itr before the change
	 * would write its own interval after ours, and with adaptive
	 * moderation turned off nothing would correct it: let them finish.
	 */
	for (q = 0; q < port->num_queues; q++) {
		napi_disable(&port->qvecs[q]->napi);
		cancel_work_sync(&port->qvecs[q]->dim.work);
	}
	iovnet_port_write_itr(port);
	for (q = 0; q < port->num_queues; q++)
		napi_enable(&port->qvecs[q]->napi);
	/* An interrupt meanwhile masked its vector and found NAPI disabled */
	local_bh_disable();
	for (q = 0; q < port->num_queues; q++)
		napi_schedule(&port->qvecs[q]->napi);
	local_bh_enable();
}
EXPORT_SYMBOL_NS_GPL(iovnet_port_set_itr, IOVNET_NS);
