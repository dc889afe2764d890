// SPDX-License-Identifier: GPL-2.0
/* Copyright (c) 2026 The iovnet authors */

/*
 * Ring and queue life cycle: allocation, programming, start, stop,
 * resize and the TX hang check.
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

static int iovnet_ring_alloc_desc(struct iovnet_ring *ring, size_t desc_size)
{
	ring->size = ALIGN(ring->count * desc_size, PAGE_SIZE);
	ring->desc = dma_alloc_coherent(ring->dev, ring->size, &ring->dma,
					GFP_KERNEL);
	return ring->desc ? 0 : -ENOMEM;
}

/*
 * A pool names its NAPI and may only be destroyed while that NAPI is
 * disabled. One built beside a running datapath (a resize that fails)
 * has its NAPI running: disable it for the moment, then poll once, since
 * an interrupt meanwhile masked the vector and found NAPI disabled.
 */
static void iovnet_rx_pool_destroy(struct iovnet_ring *ring)
{
	struct napi_struct *napi = &ring->qvec->napi;
	bool live = ring->qvec->port->running;

	if (live)
		napi_disable(napi);
	page_pool_destroy(ring->pp);
	ring->pp = NULL;
	if (live) {
		napi_enable(napi);
		local_bh_disable();
		napi_schedule(napi);
		local_bh_enable();
	}
}

static int iovnet_rx_ring_alloc(struct iovnet_port *port,
				struct iovnet_ring *ring)
{
	struct page_pool_params pp = {
		.flags = PP_FLAG_DMA_MAP | PP_FLAG_DMA_SYNC_DEV,
		.order = 0,
		.pool_size = ring->count,
		.nid = dev_to_node(ring->dev),
		.dev = ring->dev,
		.dma_dir = DMA_FROM_DEVICE,
		.offset = IOVNET_RX_HEADROOM,
		.max_len = IOVNET_RX_BUF_LEN,
	};
	int err;

	/*
	 * The only consumer, so pages freed in its poll recycle
	 * directly. The pool may be destroyed only while this NAPI is
	 * disabled: see iovnet_rx_pool_destroy().
	 */
	iovnet_pp_params_set_napi(&pp, &ring->qvec->napi);
	iovnet_pp_params_set_queue(&pp, port->netdev, ring->queue_index);

	BUILD_BUG_ON(IOVNET_RX_HEADROOM + IOVNET_RX_BUF_LEN +
		     SKB_DATA_ALIGN(sizeof(struct skb_shared_info)) > PAGE_SIZE);

	ring->rx_buf = kvcalloc(ring->count, sizeof(*ring->rx_buf), GFP_KERNEL);
	if (!ring->rx_buf)
		return -ENOMEM;

	err = iovnet_ring_alloc_desc(ring, sizeof(union iovnet_rx_desc));
	if (err)
		goto err_buf;

	ring->pp = page_pool_create(&pp);
	if (IS_ERR(ring->pp)) {
		err = PTR_ERR(ring->pp);
		ring->pp = NULL;
		goto err_desc;
	}

	/*
	 * Fill every descriptor but one: a full ring looks empty to HW. No
	 * doorbell: during a resize the queue's tail register still belongs
	 * to the running ring; configure() writes it when this ring goes in.
	 */
	iovnet_rx_fill(ring);
	if (ring->next_to_use != ring->count - 1) {
		err = -ENOMEM;
		iovnet_rx_flush(ring);
		iovnet_rx_pool_destroy(ring);
		goto err_desc;
	}
	return 0;

err_desc:
	dma_free_coherent(ring->dev, ring->size, ring->desc, ring->dma);
	ring->desc = NULL;
err_buf:
	kvfree(ring->rx_buf);
	ring->rx_buf = NULL;
	return err;
}

static int iovnet_tx_ring_alloc(struct iovnet_ring *ring)
{
	int err;

	ring->tx_buf = kvcalloc(ring->count, sizeof(*ring->tx_buf), GFP_KERNEL);
	if (!ring->tx_buf)
		return -ENOMEM;
	err = iovnet_ring_alloc_desc(ring, sizeof(union iovnet_tx_desc));
	if (err) {
		kvfree(ring->tx_buf);
		ring->tx_buf = NULL;
	}
	return err;
}

/* Free a ring's memory; TX buffers must have been flushed already */
static void iovnet_ring_free(struct iovnet_ring *ring)
{
	if (!ring)
		return;
	if (ring->pp) {
		iovnet_rx_flush(ring);
		iovnet_rx_pool_destroy(ring);
	}
	if (ring->desc)
		dma_free_coherent(ring->dev, ring->size, ring->desc, ring->dma);
	kvfree(ring->rx_buf);	/* or tx_buf: same pointer */
	kfree(ring);
}

/* A queue vector no reader can reach any more (or never could) */
static void iovnet_qvec_destroy(struct iovnet_qvec *qvec)
{
	cancel_work_sync(&qvec->dim.work);
	iovnet_ring_free(qvec->rx);
	iovnet_ring_free(qvec->tx);
	netif_napi_del(&qvec->napi);
	kfree(qvec);
}

static void iovnet_qvec_free(struct iovnet_port *port, unsigned int q)
{
	struct iovnet_qvec *qvec = port->qvecs[q];

	if (!qvec)
		return;

	/* Fold the counters into the base so they survive the rings */
	spin_lock_bh(&port->base_lock);
	iovnet_ring_retire(port, qvec->rx, false);
	iovnet_ring_retire(port, qvec->tx, true);
	port->qvecs[q] = NULL;
	spin_unlock_bh(&port->base_lock);

	iovnet_qvec_destroy(qvec);
}

/* A ring with its descriptors, buffers and (RX) filled page pool */
static struct iovnet_ring *iovnet_ring_create(struct iovnet_port *port,
					      struct iovnet_qvec *qvec,
					      unsigned int q, bool tx, u16 count)
{
	struct iovnet_ring *ring = kzalloc(sizeof(*ring), GFP_KERNEL);
	int err;

	if (!ring)
		return NULL;
	ring->qvec = qvec;
	ring->netdev = port->netdev;
	ring->dev = &port->pdev->dev;
	ring->queue_index = q;
	ring->count = count;
	ring->regs = port->hw + port->ops->queue_regs(port, q, tx);
	ring->tail = ring->regs + IOVNET_Q_TAIL;
	u64_stats_init(&ring->syncp);
	u64_stats_init(&ring->cp_syncp);

	err = tx ? iovnet_tx_ring_alloc(ring) : iovnet_rx_ring_alloc(port, ring);
	if (err) {
		kfree(ring);
		return NULL;
	}
	return ring;
}

static int iovnet_qvec_alloc(struct iovnet_port *port, unsigned int q)
{
	struct iovnet_qvec *qvec;

	qvec = kzalloc_obj(*qvec, GFP_KERNEL);
	if (!qvec)
		return -ENOMEM;
	qvec->port = port;
	qvec->vector = port->first_qvec_vector + q;
	qvec->eims = BIT(qvec->vector);
	qvec->irq = pci_irq_vector(port->pdev, qvec->vector);
	netif_napi_add(port->netdev, &qvec->napi, iovnet_napi_poll);
	INIT_WORK(&qvec->dim.work, iovnet_dim_work);
	qvec->dim.mode = DIM_CQ_PERIOD_MODE_START_FROM_EQE;
	/* Where iovnet_port_set_itr() starts the hardware */
	qvec->dim.profile_ix = NET_DIM_DEF_PROFILE_EQE;

	qvec->tx = iovnet_ring_create(port, qvec, q, true, port->tx_ring_count);
	qvec->rx = iovnet_ring_create(port, qvec, q, false,
				      port->rx_ring_count);
	if (!qvec->tx || !qvec->rx) {
		iovnet_qvec_destroy(qvec);
		return -ENOMEM;
	}

	/* Published whole: the statistics readers (service task, sysfs)
	 * do not take RTNL and follow qvecs[] to both rings under base_lock.
	 */
	spin_lock_bh(&port->base_lock);
	port->qvecs[q] = qvec;
	spin_unlock_bh(&port->base_lock);
	return 0;
}

/**
 * iovnet_port_resize() - change the ring sizes
 * @port: the port, under RTNL
 * @tx_count: descriptors per TX ring
 * @rx_count: descriptors per RX ring
 *
 * A port whose datapath does not run only takes the sizes for its next
 * start. On a running one all new rings are allocated before the old ones
 * are touched, so a failed allocation leaves it running as it was.
 *
 * Return: 0 or -ENOMEM.
 */
int iovnet_port_resize(struct iovnet_port *port, u16 tx_count, u16 rx_count)
{
	struct iovnet_ring *tx[IOVNET_MAX_QUEUES] = {};
	struct iovnet_ring *rx[IOVNET_MAX_QUEUES] = {};
	unsigned int q;

	if (!port->running) {
		port->tx_ring_count = tx_count;
		port->rx_ring_count = rx_count;
		return 0;
	}

	for (q = 0; q < port->num_queues; q++) {
		struct iovnet_qvec *qvec = port->qvecs[q];

		tx[q] = iovnet_ring_create(port, qvec, q, true, tx_count);
		rx[q] = iovnet_ring_create(port, qvec, q, false, rx_count);
		if (!tx[q] || !rx[q])
			goto err;
	}

	iovnet_port_stop(port);
	spin_lock_bh(&port->base_lock);
	for (q = 0; q < port->num_queues; q++) {
		struct iovnet_qvec *qvec = port->qvecs[q];

		iovnet_ring_retire(port, qvec->tx, true);
		iovnet_ring_retire(port, qvec->rx, false);
		swap(qvec->tx, tx[q]);
		swap(qvec->rx, rx[q]);
	}
	spin_unlock_bh(&port->base_lock);
	port->tx_ring_count = tx_count;
	port->rx_ring_count = rx_count;

	/* tx[] and rx[] now hold the old rings, stopped and drained */
	for (q = 0; q < port->num_queues; q++) {
		iovnet_ring_free(tx[q]);
		iovnet_ring_free(rx[q]);
	}
	iovnet_port_configure(port, port->rx_buf_len);
	iovnet_port_start(port);
	return 0;

err:
	for (q = 0; q < port->num_queues; q++) {
		iovnet_ring_free(tx[q]);
		iovnet_ring_free(rx[q]);
	}
	return -ENOMEM;
}
EXPORT_SYMBOL_NS_GPL(iovnet_port_resize, IOVNET_NS);

/**
 * iovnet_port_init() - set up the datapath state of a netdev
 * @port: the port, first in the netdev's private area
 * @netdev: its netdev
 * @pdev: the PCI function that owns rings and vectors
 * @hw: mapped BAR0
 * @ops: function specific hooks
 * @max_queues: queue pairs the function may use
 * @first_qvec_vector: MSI-X entry of queue pair 0
 */
void iovnet_port_init(struct iovnet_port *port, struct net_device *netdev,
		      struct pci_dev *pdev, u8 __iomem *hw,
		      const struct iovnet_port_ops *ops, unsigned int max_queues,
		      unsigned int first_qvec_vector)
{
	port->netdev = netdev;
	port->pdev = pdev;
	port->hw = hw;
	port->ops = ops;
	port->max_queues = max_queues;
	port->num_queues = max_queues;
	port->first_qvec_vector = first_qvec_vector;
	port->tx_ring_count = IOVNET_DEFAULT_RING;
	port->rx_ring_count = IOVNET_DEFAULT_RING;
	port->adaptive_itr = true;
	port->rx_copybreak = IOVNET_RX_COPYBREAK_DEF;
	spin_lock_init(&port->base_lock);
}
EXPORT_SYMBOL_NS_GPL(iovnet_port_init, IOVNET_NS);

/**
 * iovnet_port_alloc() - allocate queue vectors, rings and RX buffers
 * @port: the port, not allocated
 *
 * The first step of bringing a datapath up: see iovnet_port_start() for
 * the order of the others.
 *
 * Return: 0 or a negative errno; on error nothing is left allocated.
 */
int iovnet_port_alloc(struct iovnet_port *port)
{
	unsigned int q;
	int err;

	if (WARN_ON_ONCE(port->allocated))
		return -EBUSY;
	for (q = 0; q < port->num_queues; q++) {
		err = iovnet_qvec_alloc(port, q);
		if (err) {
			while (q--)
				iovnet_qvec_free(port, q);
			return err;
		}
	}
	port->allocated = true;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(iovnet_port_alloc, IOVNET_NS);

/**
 * iovnet_port_free() - take the datapath apart from wherever it got to
 * @port: the port
 *
 * The one unwind for every error path and for going down: it stops the
 * datapath if it runs, disables the queues (and waits until the device
 * says so, before any memory it may DMA into goes away), releases the
 * interrupts, then frees what iovnet_port_alloc() allocated. Each step is
 * skipped when it has not been done or was undone already, so calling
 * iovnet_port_stop() and iovnet_port_free_irqs() first is fine too.
 */
void iovnet_port_free(struct iovnet_port *port)
{
	unsigned int q;

	iovnet_port_stop(port);
	iovnet_port_disable(port);
	iovnet_port_free_irqs(port);
	for (q = 0; q < IOVNET_MAX_QUEUES; q++)
		iovnet_qvec_free(port, q);
	port->allocated = false;
}
EXPORT_SYMBOL_NS_GPL(iovnet_port_free, IOVNET_NS);

static int iovnet_ring_wait_enable(struct iovnet_ring *ring, bool on)
{
	u32 dctl;

	return readl_poll_timeout(ring->regs + IOVNET_Q_DCTL, dctl,
				  !!(dctl & IOVNET_DCTL_ENABLE) == on, 10, 10000);
}

static void iovnet_ring_wait_disable(struct iovnet_ring *ring, unsigned int q)
{
	/* A device that is gone reads all ones: nothing to wait for or say */
	if (iovnet_ring_wait_enable(ring, false) &&
	    readl(ring->regs + IOVNET_Q_DCTL) != U32_MAX)
		netdev_warn(ring->netdev, "%s queue %u did not disable\n",
			    ring->pp ? "RX" : "TX", q);
}

static void iovnet_ring_program(struct iovnet_ring *ring)
{
	writel(0, ring->regs + IOVNET_Q_DCTL);
	writel(lower_32_bits(ring->dma), ring->regs + IOVNET_Q_BAL);
	writel(upper_32_bits(ring->dma), ring->regs + IOVNET_Q_BAH);
	writel(ring->count * sizeof(union iovnet_tx_desc),
	       ring->regs + IOVNET_Q_LEN);
	writel(0, ring->regs + IOVNET_Q_HEAD);
	writel(0, ring->regs + IOVNET_Q_TAIL);
}

/**
 * iovnet_port_configure() - program every ring into the device
 * @port: the port, rings allocated, interrupts best requested already
 * @rx_buf_len: bytes the device may write into one RX buffer
 *
 * Enables the queues: from here the device may DMA into the rings, and
 * only iovnet_port_disable() (or iovnet_port_free(), which calls it) makes
 * freeing them safe. Also routes each queue pair to its MSI-X vector.
 * Interrupts stay masked.
 */
void iovnet_port_configure(struct iovnet_port *port, u32 rx_buf_len)
{
	unsigned int q;

	if (WARN_ON_ONCE(!port->allocated))
		return;
	port->rx_buf_len = rx_buf_len;
	port->enabled = true;
	for (q = 0; q < port->num_queues; q++) {
		struct iovnet_qvec *qvec = port->qvecs[q];
		struct iovnet_ring *tx = qvec->tx, *rx = qvec->rx;

		iovnet_ring_program(tx);
		writel(IOVNET_DCTL_ENABLE |
		       FIELD_PREP(IOVNET_DCTL_PTHRESH, 8) |
		       FIELD_PREP(IOVNET_DCTL_HTHRESH, 1) |
		       FIELD_PREP(IOVNET_DCTL_WTHRESH, 1),
		       tx->regs + IOVNET_Q_DCTL);
		if (iovnet_ring_wait_enable(tx, true))
			netdev_warn(port->netdev, "TX queue %u did not enable\n", q);

		iovnet_ring_program(rx);
		writel(FIELD_PREP(IOVNET_SRRCTL_BSIZEPKT, rx_buf_len / SZ_1K) |
		       FIELD_PREP(IOVNET_SRRCTL_DESCTYPE,
				  IOVNET_SRRCTL_DESCTYPE_ADV_ONEBUF) |
		       IOVNET_SRRCTL_DROP_EN,
		       rx->regs + IOVNET_RXQ_SRRCTL);
		writel(IOVNET_DCTL_ENABLE |
		       FIELD_PREP(IOVNET_DCTL_PTHRESH, 8) |
		       FIELD_PREP(IOVNET_DCTL_HTHRESH, 8) |
		       FIELD_PREP(IOVNET_DCTL_WTHRESH, 4),
		       rx->regs + IOVNET_Q_DCTL);
		if (iovnet_ring_wait_enable(rx, true))
			netdev_warn(port->netdev, "RX queue %u did not enable\n", q);
		writel(rx->next_to_use, rx->tail);

		port->ops->map_queue(port, q, qvec->vector);
	}
	iovnet_port_write_itr(port);
}
EXPORT_SYMBOL_NS_GPL(iovnet_port_configure, IOVNET_NS);

/**
 * iovnet_port_disable() - disable every queue and wait until it is
 * @port: the port
 *
 * Clears RXDCTL/TXDCTL.ENABLE and polls each until the device reports the
 * queue disabled: only then may the descriptors and buffers it DMAs into be
 * freed. Does nothing if the queues are not enabled.
 */
void iovnet_port_disable(struct iovnet_port *port)
{
	unsigned int q;

	if (!port->enabled)
		return;
	for (q = 0; q < port->num_queues; q++) {
		writel(0, port->qvecs[q]->rx->regs + IOVNET_Q_DCTL);
		writel(0, port->qvecs[q]->tx->regs + IOVNET_Q_DCTL);
	}
	iovnet_flush(port);
	for (q = 0; q < port->num_queues; q++) {
		iovnet_ring_wait_disable(port->qvecs[q]->rx, q);
		iovnet_ring_wait_disable(port->qvecs[q]->tx, q);
	}
	port->enabled = false;
}
EXPORT_SYMBOL_NS_GPL(iovnet_port_disable, IOVNET_NS);

/**
 * iovnet_port_request_irqs() - request one interrupt per queue vector
 * @port: the port, allocated, its queues not yet enabled
 *
 * Comes before iovnet_port_configure(), so that its failure leaves nothing
 * in the device to undo. The vectors stay masked until iovnet_port_start();
 * an interrupt before then finds NAPI disabled and does nothing.
 *
 * Return: 0 or a negative errno; on error no interrupt is held.
 */
int iovnet_port_request_irqs(struct iovnet_port *port)
{
	bool set_xps = port->xps_queues != port->num_queues;
	unsigned int q;
	int err;

	if (WARN_ON_ONCE(!port->allocated || port->irqs_held))
		return -EINVAL;
	for (q = 0; q < port->num_queues; q++) {
		struct iovnet_qvec *qvec = port->qvecs[q];

		snprintf(qvec->name, sizeof(qvec->name), "%s-TxRx-%u",
			 port->netdev->name, q);
		err = request_irq(qvec->irq, iovnet_qvec_irq, 0, qvec->name,
				  qvec);
		if (err) {
			while (q--) {
				irq_update_affinity_hint(port->qvecs[q]->irq, NULL);
				free_irq(port->qvecs[q]->irq, port->qvecs[q]);
			}
			return err;
		}
		netif_napi_set_irq(&qvec->napi, qvec->irq);
		/* Queue pair q lives on CPU q: its IRQ there, its TX from there */
		irq_update_affinity_hint(qvec->irq,
					 cpumask_of(q % num_online_cpus()));
		/*
		 * XPS only when the queue count is new (first open, channel
		 * change): a user's own setting must survive down/up.
		 */
		if (set_xps)
			netif_set_xps_queue(port->netdev,
					    cpumask_of(q % num_online_cpus()), q);
	}
	port->xps_queues = port->num_queues;
	port->irqs_held = true;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(iovnet_port_request_irqs, IOVNET_NS);

/**
 * iovnet_port_free_irqs() - release the queue vectors' interrupts
 * @port: the port, stopped
 *
 * Does nothing if they are not held.
 */
void iovnet_port_free_irqs(struct iovnet_port *port)
{
	unsigned int q;

	if (!port->irqs_held)
		return;
	for (q = 0; q < port->num_queues; q++) {
		irq_update_affinity_hint(port->qvecs[q]->irq, NULL);
		free_irq(port->qvecs[q]->irq, port->qvecs[q]);
	}
	port->irqs_held = false;
}
EXPORT_SYMBOL_NS_GPL(iovnet_port_free_irqs, IOVNET_NS);

/**
 * iovnet_port_eims() - EIMS bits of all queue vectors in use
 * @port: the port
 *
 * Return: the mask.
 */
u32 iovnet_port_eims(const struct iovnet_port *port)
{
	return GENMASK(port->first_qvec_vector + port->num_queues - 1,
		       port->first_qvec_vector);
}
EXPORT_SYMBOL_NS_GPL(iovnet_port_eims, IOVNET_NS);

/**
 * iovnet_port_start() - let traffic flow
 * @port: the port, configured and with its interrupts requested
 *
 * Bringing a datapath up takes, in this order: iovnet_port_alloc(),
 * iovnet_port_request_irqs(), iovnet_port_configure() (plus whatever the
 * driver programs around the queues), iovnet_port_start(). Only the first
 * two can fail; iovnet_port_free() undoes any prefix of the sequence.
 */
void iovnet_port_start(struct iovnet_port *port)
{
	unsigned int q;

	if (WARN_ON_ONCE(!port->enabled || !port->irqs_held || port->running))
		return;
	for (q = 0; q < port->num_queues; q++) {
		struct iovnet_qvec *qvec = port->qvecs[q];

		napi_enable(&qvec->napi);
		netif_queue_set_napi(port->netdev, q, NETDEV_QUEUE_TYPE_RX,
				     &qvec->napi);
		netif_queue_set_napi(port->netdev, q, NETDEV_QUEUE_TYPE_TX,
				     &qvec->napi);
	}
	/*
	 * Each queue vector masks itself when its message goes out (EIAM; the
	 * PF also sets GPIE.EIAME), so no interrupt comes while NAPI polls;
	 * iovnet_napi_poll() unmasks it when done.
	 */
	iovnet_wr32(port, IOVNET_EIAM, iovnet_port_eims(port));
	iovnet_wr32(port, IOVNET_EIMS, iovnet_port_eims(port));
	/*
	 * Wake, not just start, the queues in use: after a restart (ring
	 * resize) their qdisc may hold packets queued while we were stopped,
	 * and only a wake reschedules it. The others have no ring, so they are
	 * only started: the netdev watchdog checks every queue, and one left
	 * stopped would read as a TX hang.
	 */
	for (q = 0; q < port->netdev->num_tx_queues; q++) {
		struct netdev_queue *txq = netdev_get_tx_queue(port->netdev, q);

		if (q < port->num_queues)
			netif_tx_wake_queue(txq);
		else
			netif_tx_start_queue(txq);
	}
	port->running = true;
}
EXPORT_SYMBOL_NS_GPL(iovnet_port_start, IOVNET_NS);

/**
 * iovnet_port_stop() - stop traffic and take back every buffer
 * @port: the port
 *
 * Disables the queues (waiting until the device has) and leaves the rings
 * allocated, empty of TX work, so they can be freed or restarted. Does
 * nothing if the datapath does not run.
 */
void iovnet_port_stop(struct iovnet_port *port)
{
	unsigned int q;

	if (!port->running)
		return;
	port->running = false;
	netif_tx_disable(port->netdev);

	iovnet_wr32(port, IOVNET_EIMC, iovnet_port_eims(port));
	iovnet_port_disable(port);

	for (q = 0; q < port->num_queues; q++) {
		struct iovnet_qvec *qvec = port->qvecs[q];

		synchronize_irq(qvec->irq);
		netif_queue_set_napi(port->netdev, q, NETDEV_QUEUE_TYPE_RX,
				     NULL);
		netif_queue_set_napi(port->netdev, q, NETDEV_QUEUE_TYPE_TX,
				     NULL);
		napi_disable(&qvec->napi);
	}
	/*
	 * A NAPI poll that ran before napi_disable() may have woken a queue
	 * (TX completions): stop them again, now that nothing can wake them,
	 * or the stack keeps calling start_xmit while the rings are freed.
	 */
	netif_tx_disable(port->netdev);
	for (q = 0; q < port->num_queues; q++)
		iovnet_tx_flush(port->qvecs[q]->tx);
}
EXPORT_SYMBOL_NS_GPL(iovnet_port_stop, IOVNET_NS);

/**
 * iovnet_port_tx_hung() - is a TX ring no longer completing its work?
 * @port: the port, started
 * @period: the least time between two looks, in jiffies
 *
 * For the service task, which may call it as often as it likes: a ring
 * is hung when it had descriptors in flight at the previous look, at
 * least @period ago, and has completed none since, unless the link
 * partner paused us in between (ops->tx_paused). The stack's watchdog
 * sees only a full (stopped) queue; a ring stuck behind a descriptor that
 * will never come back done, with its queue not full, would otherwise
 * stay stuck.
 *
 * Return: true if a ring is hung.
 */
bool iovnet_port_tx_hung(struct iovnet_port *port, unsigned long period)
{
	bool hung = false, paused;
	unsigned int q;

	if (!port->running)
		return false;
	/* A look right after the last one would catch rings mid-completion */
	if (time_before(jiffies, port->tx_hang_checked + period))
		return false;
	port->tx_hang_checked = jiffies;
	/* Asked only when looking: the answer covers the time since the last look */
	paused = port->ops->tx_paused && port->ops->tx_paused(port);

	for (q = 0; q < port->num_queues; q++) {
		struct iovnet_ring *ring = port->qvecs[q]->tx;
		u16 ntc = READ_ONCE(ring->next_to_clean);
		bool busy = ntc != READ_ONCE(ring->next_to_use);

		if (busy && ring->hang_busy && ntc == ring->hang_ntc && !paused)
			hung = true;
		ring->hang_busy = busy;
		ring->hang_ntc = ntc;
	}
	return hung;
}
EXPORT_SYMBOL_NS_GPL(iovnet_port_tx_hung, IOVNET_NS);
