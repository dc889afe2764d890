/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (c) 2026 The iovnet authors */

/*
 * Inside the datapath library: what its files (the hot path, ring life
 * cycle, moderation, statistics) share and the drivers never call.
 */

#ifndef _IOVNET_PRIV_H_
#define _IOVNET_PRIV_H_

#include <linux/interrupt.h>

#include "iovnet_txrx.h"

static inline unsigned int iovnet_ring_unused(const struct iovnet_ring *ring)
{
	u16 ntc = ring->next_to_clean, ntu = ring->next_to_use;

	return (ntc > ntu ? 0 : ring->count) + ntc - ntu - 1;
}

static inline void iovnet_ring_advance(const struct iovnet_ring *ring, u16 *idx)
{
	if (++(*idx) == ring->count)
		*idx = 0;
}

static inline struct netdev_queue *iovnet_txq(const struct iovnet_ring *ring)
{
	return netdev_get_tx_queue(ring->netdev, ring->queue_index);
}

/* iovnet_txrx.c */
void iovnet_tx_flush(struct iovnet_ring *ring);
bool iovnet_rx_fill(struct iovnet_ring *ring);
void iovnet_rx_flush(struct iovnet_ring *ring);
int iovnet_napi_poll(struct napi_struct *napi, int budget);
irqreturn_t iovnet_qvec_irq(int irq, void *data);

/* iovnet_itr.c */
void iovnet_itr_update(struct iovnet_qvec *qvec);
void iovnet_dim_work(struct work_struct *work);
void iovnet_port_write_itr(struct iovnet_port *port);

/* iovnet_stats.c */
void iovnet_ring_retire(struct iovnet_port *port, struct iovnet_ring *ring,
			bool tx);

#endif /* _IOVNET_PRIV_H_ */
