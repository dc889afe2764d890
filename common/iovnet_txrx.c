// SPDX-License-Identifier: GPL-2.0
/* Copyright (c) 2026 The iovnet authors */

/*
 * The hot path: transmit, receive and NAPI polling.
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

static void iovnet_tx_unmap(struct iovnet_ring *ring,
			    struct iovnet_tx_buffer *buf)
{
	if (!dma_unmap_len(buf, len))
		return;
	if (buf->map_page)
		dma_unmap_page(ring->dev, dma_unmap_addr(buf, dma),
			       dma_unmap_len(buf, len), DMA_TO_DEVICE);
	else
		dma_unmap_single(ring->dev, dma_unmap_addr(buf, dma),
				 dma_unmap_len(buf, len), DMA_TO_DEVICE);
	dma_unmap_len_set(buf, len, 0);
}

/*
 * Returns true when the ring was cleaned completely, false when @limit ran
 * out first and NAPI should poll again.
 */
static bool iovnet_clean_tx(struct iovnet_ring *ring, int napi_budget)
{
	unsigned int pkts = 0, bytes = 0, todo = ring->count / 2;
	u16 ntc = ring->next_to_clean;
	bool done = false;

	while (todo--) {
		struct iovnet_tx_buffer *buf = &ring->tx_buf[ntc];
		union iovnet_tx_desc *eop;

		/* Pairs with the release in iovnet_tx_map() */
		eop = smp_load_acquire(&buf->eop);
		if (!eop || !(le32_to_cpu(READ_ONCE(eop->wb.status)) &
			      IOVNET_TXD_STAT_DD)) {
			done = true;
			break;
		}

		buf->eop = NULL;
		pkts += buf->gso_segs;
		bytes += buf->bytecount;
		napi_consume_skb(buf->skb, napi_budget);
		buf->skb = NULL;

		for (;;) {
			iovnet_tx_unmap(ring, buf);
			if (eop == (union iovnet_tx_desc *)ring->desc + ntc)
				break;
			iovnet_ring_advance(ring, &ntc);
			buf = &ring->tx_buf[ntc];
		}
		iovnet_ring_advance(ring, &ntc);
	}
	ring->next_to_clean = ntc;

	u64_stats_update_begin(&ring->cp_syncp);
	ring->stats.packets += pkts;
	ring->stats.bytes += bytes;
	if (!netif_txq_completed_wake(iovnet_txq(ring), pkts, bytes,
				      iovnet_ring_unused(ring),
				      IOVNET_TX_WAKE_THRESH))
		ring->stats.tx.wake++;
	u64_stats_update_end(&ring->cp_syncp);

	return done;
}

/**
 * iovnet_tx_flush() - drop whatever is still on a stopped TX ring
 * @ring: the ring, its queue disabled and its NAPI too
 */
void iovnet_tx_flush(struct iovnet_ring *ring)
{
	u16 i;

	for (i = 0; i < ring->count; i++) {
		struct iovnet_tx_buffer *buf = &ring->tx_buf[i];

		iovnet_tx_unmap(ring, buf);
		dev_kfree_skb_any(buf->skb);
		buf->skb = NULL;
		buf->eop = NULL;
	}
	ring->next_to_use = 0;
	ring->next_to_clean = 0;
	netdev_tx_reset_queue(iovnet_txq(ring));
}

static unsigned int iovnet_tx_desc_count(const struct sk_buff *skb)
{
	unsigned int i, count;

	count = DIV_ROUND_UP(skb_headlen(skb), IOVNET_TX_MAX_DATA);
	for (i = 0; i < skb_shinfo(skb)->nr_frags; i++)
		count += DIV_ROUND_UP(skb_frag_size(&skb_shinfo(skb)->frags[i]),
				      IOVNET_TX_MAX_DATA);
	return count;
}

struct iovnet_tx_offload {
	u32 cmd;		/* extra DCMD bits for every data descriptor */
	u32 olinfo;		/* POPTS and PAYLEN */
	u32 vlan_macip_lens;
	u32 type_tucmd;
	u32 mss_l4len;
	unsigned int bytecount;	/* bytes on the wire, headers repeated */
	unsigned short gso_segs;
	bool need_ctx;
};

static int iovnet_tx_tso(struct sk_buff *skb, struct iovnet_tx_offload *off)
{
	unsigned int l4_off, hdr_len, paylen;
	struct tcphdr *th;
	int err;

	err = skb_cow_head(skb, 0);
	if (err)
		return err;

	l4_off = skb_transport_offset(skb);
	th = tcp_hdr(skb);
	hdr_len = l4_off + __tcp_hdrlen(th);
	paylen = skb->len - l4_off;

	/*
	 * The device fills in the per-segment lengths and checksums; it wants
	 * the IP length fields zero and a pseudo-header sum without length.
	 */
	if (skb_shinfo(skb)->gso_type & SKB_GSO_TCPV4) {
		struct iphdr *iph = ip_hdr(skb);

		iph->tot_len = 0;
		iph->check = 0;
		off->type_tucmd |= IOVNET_TXCTX_TUCMD_IPV4;
		off->olinfo |= IOVNET_TXD_POPTS_IXSM;
	} else {
		ipv6_hdr(skb)->payload_len = 0;
	}
	csum_replace_by_diff(&th->check, (__force __wsum)htonl(paylen));

	off->type_tucmd |= FIELD_PREP(IOVNET_TXCTX_TUCMD_L4T,
				      IOVNET_TXCTX_L4T_TCP);
	off->mss_l4len = FIELD_PREP(IOVNET_TXCTX_MSS, skb_shinfo(skb)->gso_size) |
			 FIELD_PREP(IOVNET_TXCTX_L4LEN, __tcp_hdrlen(th));
	off->olinfo |= IOVNET_TXD_POPTS_TXSM |
		       FIELD_PREP(IOVNET_TXD_PAYLEN, skb->len - hdr_len);
	off->cmd |= IOVNET_TXD_CMD_TSE;
	off->need_ctx = true;

	off->gso_segs = skb_shinfo(skb)->gso_segs;
	off->bytecount += (off->gso_segs - 1) * hdr_len;
	return 0;
}

/* Asks the device for the L4 checksum, or computes it here when it can't */
static int iovnet_tx_csum(struct sk_buff *skb, struct iovnet_tx_offload *off)
{
	u32 l4t;

	switch (skb->csum_offset) {
	case offsetof(struct tcphdr, check):
		l4t = IOVNET_TXCTX_L4T_TCP;
		break;
	case offsetof(struct udphdr, check):
		l4t = IOVNET_TXCTX_L4T_UDP;
		break;
	case offsetof(struct sctphdr, checksum):
		if (skb_csum_is_sctp(skb)) {
			l4t = IOVNET_TXCTX_L4T_SCTP;
			break;
		}
		fallthrough;
	default:
		return skb_checksum_help(skb);
	}

	off->type_tucmd |= FIELD_PREP(IOVNET_TXCTX_TUCMD_L4T, l4t);
	if (vlan_get_protocol(skb) == htons(ETH_P_IP))
		off->type_tucmd |= IOVNET_TXCTX_TUCMD_IPV4;
	off->olinfo |= IOVNET_TXD_POPTS_TXSM;
	off->need_ctx = true;
	return 0;
}

static void iovnet_tx_write_ctx(struct iovnet_ring *ring,
				const struct sk_buff *skb,
				const struct iovnet_tx_offload *off)
{
	struct iovnet_tx_ctx_desc *ctx;
	u32 maclen, iplen = 0;
	u16 ntu = ring->next_to_use;

	maclen = skb_network_offset(skb);
	if (skb->ip_summed == CHECKSUM_PARTIAL)
		iplen = skb_checksum_start_offset(skb) - maclen;

	ctx = (struct iovnet_tx_ctx_desc *)ring->desc + ntu;
	ctx->vlan_macip_lens = cpu_to_le32(off->vlan_macip_lens |
					   FIELD_PREP(IOVNET_TXCTX_MACLEN, maclen) |
					   FIELD_PREP(IOVNET_TXCTX_IPLEN, iplen));
	ctx->seqnum_seed = 0;
	ctx->type_tucmd_mlhl = cpu_to_le32(off->type_tucmd |
					   IOVNET_TXD_CMD_DEXT |
					   FIELD_PREP(IOVNET_TXD_DTYP,
						      IOVNET_TXD_DTYP_CTXT));
	ctx->mss_l4len_idx = cpu_to_le32(off->mss_l4len);

	iovnet_ring_advance(ring, &ring->next_to_use);
}

/*
 * Maps and writes the data descriptors. @first is the packet's first slot
 * (its context descriptor, if any): it carries the skb and the last
 * descriptor for the cleaner, while each slot carries its own mapping.
 */
static int iovnet_tx_map(struct iovnet_ring *ring, struct sk_buff *skb,
			 struct iovnet_tx_buffer *first,
			 const struct iovnet_tx_offload *off)
{
	u32 cmd = off->cmd | IOVNET_TXD_CMD_DEXT | IOVNET_TXD_CMD_IFCS |
		  FIELD_PREP(IOVNET_TXD_DTYP, IOVNET_TXD_DTYP_DATA);
	unsigned int nr_frags = skb_shinfo(skb)->nr_frags, f = 0;
	u16 first_idx = ring->next_to_use, ntu = first_idx;
	struct iovnet_tx_buffer *buf = &ring->tx_buf[ntu];
	unsigned int size = skb_headlen(skb);
	union iovnet_tx_desc *desc = NULL;
	dma_addr_t dma;

	dma = dma_map_single(ring->dev, skb->data, size, DMA_TO_DEVICE);
	buf->map_page = false;

	for (;;) {
		if (dma_mapping_error(ring->dev, dma))
			goto unwind;
		dma_unmap_len_set(buf, len, size);
		dma_unmap_addr_set(buf, dma, dma);

		while (size) {
			unsigned int chunk = min(size, IOVNET_TX_MAX_DATA);

			desc = (union iovnet_tx_desc *)ring->desc + ntu;
			desc->read.addr = cpu_to_le64(dma);
			desc->read.cmd_type_len = cpu_to_le32(cmd | chunk);
			desc->read.olinfo_status = cpu_to_le32(off->olinfo);
			dma += chunk;
			size -= chunk;
			if (size)
				iovnet_ring_advance(ring, &ntu);
		}

		if (f == nr_frags)
			break;

		iovnet_ring_advance(ring, &ntu);
		buf = &ring->tx_buf[ntu];
		size = skb_frag_size(&skb_shinfo(skb)->frags[f]);
		dma = skb_frag_dma_map(ring->dev, &skb_shinfo(skb)->frags[f],
				       0, size, DMA_TO_DEVICE);
		buf->map_page = true;
		f++;
	}

	desc->read.cmd_type_len |= cpu_to_le32(IOVNET_TXD_CMD_EOP |
					       IOVNET_TXD_CMD_RS);
	iovnet_ring_advance(ring, &ntu);
	ring->next_to_use = ntu;
	first->skb = skb;
	/* The cleaner may look at @first once it sees @eop: publish last */
	smp_store_release(&first->eop, desc);
	return 0;

unwind:
	for (;;) {
		buf = &ring->tx_buf[ntu];
		iovnet_tx_unmap(ring, buf);
		if (ntu == first_idx)
			break;
		ntu = ntu ? ntu - 1 : ring->count - 1;
	}
	return -ENOMEM;
}

netdev_tx_t iovnet_start_xmit(struct sk_buff *skb, struct net_device *netdev)
{
	struct iovnet_port *port = netdev_priv(netdev);
	struct iovnet_ring *ring = port->qvecs[skb_get_queue_mapping(skb)]->tx;
	struct iovnet_tx_offload off = {
		.bytecount = max_t(unsigned int, skb->len, ETH_ZLEN),
		.gso_segs = 1,
	};
	u16 start = ring->next_to_use;
	struct iovnet_tx_buffer *first;
	int err = 0;

	if (unlikely(iovnet_tx_desc_count(skb) + 1 > iovnet_ring_unused(ring))) {
		/* The stop threshold makes this unreachable; be safe anyway */
		netif_tx_stop_queue(iovnet_txq(ring));
		goto drop;
	}

	if (skb_vlan_tag_present(skb)) {
		off.cmd |= IOVNET_TXD_CMD_VLE;
		off.vlan_macip_lens = FIELD_PREP(IOVNET_TXCTX_VLAN,
						 skb_vlan_tag_get(skb));
		off.need_ctx = true;
	}
	if (skb_is_gso(skb))
		err = iovnet_tx_tso(skb, &off);
	else if (skb->ip_summed == CHECKSUM_PARTIAL)
		err = iovnet_tx_csum(skb, &off);
	if (err)
		goto drop;
	if (!skb_is_gso(skb))
		off.olinfo |= FIELD_PREP(IOVNET_TXD_PAYLEN, skb->len);

	if (unlikely(skb_shinfo(skb)->tx_flags & SKBTX_HW_TSTAMP) &&
	    port->ops->tx_tstamp && port->ops->tx_tstamp(port, skb))
		off.cmd |= IOVNET_TXD_MAC_TSTAMP;

	first = &ring->tx_buf[start];
	if (off.need_ctx)
		iovnet_tx_write_ctx(ring, skb, &off);

	first->bytecount = off.bytecount;
	first->gso_segs = off.gso_segs;
	if (iovnet_tx_map(ring, skb, first, &off)) {
		ring->next_to_use = start;
		goto drop;
	}
	/* Before the doorbell: the cleaner may free the skb right after it */
	skb_tx_timestamp(skb);

	u64_stats_update_begin(&ring->syncp);
	if (skb_is_gso(skb)) {
		ring->stats.tx.tso_packets++;
		ring->stats.tx.tso_bytes += skb->len;
	} else if (off.olinfo & IOVNET_TXD_POPTS_TXSM) {
		ring->stats.tx.needs_csum++;
	}
	if (!netif_txq_maybe_stop(iovnet_txq(ring), iovnet_ring_unused(ring),
				  IOVNET_TX_DESC_NEEDED, IOVNET_TX_WAKE_THRESH))
		ring->stats.tx.stop++;
	u64_stats_update_end(&ring->syncp);

	if (__netdev_tx_sent_queue(iovnet_txq(ring), off.bytecount,
				   netdev_xmit_more()))
		writel(ring->next_to_use, ring->tail);

	return NETDEV_TX_OK;

drop:
	dev_kfree_skb_any(skb);
	u64_stats_update_begin(&ring->syncp);
	ring->stats.tx.drops++;
	u64_stats_update_end(&ring->syncp);
	return NETDEV_TX_OK;
}
EXPORT_SYMBOL_NS_GPL(iovnet_start_xmit, IOVNET_NS);

netdev_features_t iovnet_features_check(struct sk_buff *skb,
					struct net_device *netdev,
					netdev_features_t features)
{
	unsigned int maclen = skb_network_offset(skb);

	/* The context descriptor has 7 bits of MAC and 9 bits of IP length */
	if (unlikely(maclen > FIELD_MAX(IOVNET_TXCTX_MACLEN)))
		features &= ~(NETIF_F_CSUM_MASK | NETIF_F_GSO_MASK);
	else if (skb->ip_summed == CHECKSUM_PARTIAL &&
		 skb_checksum_start_offset(skb) - maclen >
		 FIELD_MAX(IOVNET_TXCTX_IPLEN))
		features &= ~(NETIF_F_CSUM_MASK | NETIF_F_GSO_MASK);

	/* Tunnels: the device knows only one level of headers */
	if (skb->encapsulation)
		features &= ~(NETIF_F_CSUM_MASK | NETIF_F_GSO_MASK);

	return vlan_features_check(skb, features);
}
EXPORT_SYMBOL_NS_GPL(iovnet_features_check, IOVNET_NS);

static bool iovnet_rx_alloc(struct iovnet_ring *ring, u16 idx)
{
	union iovnet_rx_desc *desc = (union iovnet_rx_desc *)ring->desc + idx;
	struct iovnet_rx_buffer *buf = &ring->rx_buf[idx];
	struct page *page = buf->page;

	if (!page) {
		page = page_pool_dev_alloc_pages(ring->pp);
		if (unlikely(!page))
			return false;
		buf->page = page;
	}

	desc->read.pkt_addr = cpu_to_le64(page_pool_get_dma_addr(page) +
					  IOVNET_RX_HEADROOM);
	/* Also clears the DD bit the device wrote last time round */
	desc->read.hdr_addr = 0;
	return true;
}

/**
 * iovnet_rx_fill() - give every unused RX descriptor a buffer
 * @ring: the RX ring
 *
 * Writes no doorbell: the caller does, or configure() does.
 *
 * Return: true if any descriptor got one.
 */
bool iovnet_rx_fill(struct iovnet_ring *ring)
{
	unsigned int todo = iovnet_ring_unused(ring);
	u16 ntu = ring->next_to_use;

	while (todo--) {
		if (!iovnet_rx_alloc(ring, ntu)) {
			u64_stats_update_begin(&ring->syncp);
			ring->stats.rx.alloc_fail++;
			u64_stats_update_end(&ring->syncp);
			break;
		}
		iovnet_ring_advance(ring, &ntu);
	}
	if (ntu == ring->next_to_use)
		return false;
	ring->next_to_use = ntu;
	return true;
}

static void iovnet_rx_refill(struct iovnet_ring *ring)
{
	/* writel() orders the descriptor writes before the doorbell */
	if (iovnet_rx_fill(ring))
		writel(ring->next_to_use, ring->tail);
}

struct iovnet_rx_counts {
	unsigned int pkts;
	unsigned int bytes;
	unsigned int csum_unnecessary;
	unsigned int csum_bad;
	unsigned int frame_err;
	unsigned int alloc_fail;
	unsigned int copybreak;
};

static void iovnet_rx_offloads(struct iovnet_ring *ring,
			       const union iovnet_rx_desc *desc,
			       struct sk_buff *skb, u32 staterr,
			       struct iovnet_rx_counts *cnt)
{
	struct net_device *netdev = ring->netdev;
	u32 info = le32_to_cpu(desc->wb.info);
	u32 ptype = FIELD_GET(IOVNET_RXD_INFO_PTYPE, info);

	if ((netdev->features & NETIF_F_RXHASH) &&
	    FIELD_GET(IOVNET_RXD_INFO_RSSTYPE, info))
		skb_set_hash(skb, le32_to_cpu(desc->wb.rss_hash),
			     ptype & (IOVNET_RXD_PTYPE_TCP |
				      IOVNET_RXD_PTYPE_UDP) ?
			     PKT_HASH_TYPE_L4 : PKT_HASH_TYPE_L3);

	skb_checksum_none_assert(skb);
	if ((netdev->features & NETIF_F_RXCSUM) &&
	    (staterr & (IOVNET_RXD_STAT_L4CS | IOVNET_RXD_STAT_UDPCS |
			IOVNET_RXD_STAT_IPCS))) {
		if (staterr & (IOVNET_RXD_ERR_L4E | IOVNET_RXD_ERR_IPE)) {
			cnt->csum_bad++;
		} else if (staterr & (IOVNET_RXD_STAT_L4CS |
				      IOVNET_RXD_STAT_UDPCS)) {
			skb->ip_summed = CHECKSUM_UNNECESSARY;
			cnt->csum_unnecessary++;
		}
	}

	if ((netdev->features & NETIF_F_HW_VLAN_CTAG_RX) &&
	    (staterr & IOVNET_RXD_STAT_VP)) {
		const unsigned long *vlans = ring->qvec->port->rx_vlans;
		u16 tci = le16_to_cpu(desc->wb.vlan);

		if (!vlans || test_bit(tci & VLAN_VID_MASK, vlans))
			__vlan_hwaccel_put_tag(skb, htons(ETH_P_8021Q), tci);
	}

	if (unlikely(staterr & IOVNET_RXD_STAT_TS)) {
		const struct iovnet_port_ops *ops = ring->qvec->port->ops;

		if (ops->rx_tstamp)
			ops->rx_tstamp(ring->qvec->port, skb);
	}

	skb->protocol = eth_type_trans(skb, netdev);
}

/*
 * Attach one received buffer to the frame being built. On NULL the buffer
 * and the frame built so far are gone and @cnt says why: the caller drops
 * the rest of the frame, up to its EOP.
 */
static struct sk_buff *iovnet_rx_add(struct iovnet_ring *ring,
				     struct sk_buff *skb, struct page *page,
				     unsigned int len, enum iovnet_rx_step step,
				     struct iovnet_rx_counts *cnt)
{
	void *va = page_address(page);

	switch (step) {
	case IOVNET_RX_HEAD:
		net_prefetch(va + IOVNET_RX_HEADROOM);
		skb = napi_build_skb(va, PAGE_SIZE);
		if (unlikely(!skb)) {
			cnt->alloc_fail++;
			break;
		}
		skb_mark_for_recycle(skb);
		skb_reserve(skb, IOVNET_RX_HEADROOM);
		__skb_put(skb, len);
		return skb;
	case IOVNET_RX_FRAG:
		skb_add_rx_frag(skb, skb_shinfo(skb)->nr_frags, page,
				IOVNET_RX_HEADROOM, len, PAGE_SIZE);
		return skb;
	default:	/* IOVNET_RX_OVERFLOW */
		/*
		 * More buffers than an skb holds: a frame longer than the
		 * device was told to accept. The skb's pages go back to the
		 * pool with it (marked for recycle).
		 */
		dev_kfree_skb_any(skb);
		cnt->frame_err++;
		break;
	}
	page_pool_put_full_page(ring->pp, page, true);
	return NULL;
}

/* Copy a short frame out of its buffer, which the device may then reuse */
static struct sk_buff *iovnet_rx_copy(struct iovnet_ring *ring,
				      struct page *page, unsigned int len)
{
	void *data = page_address(page) + IOVNET_RX_HEADROOM;
	struct sk_buff *skb;

	net_prefetch(data);
	skb = napi_alloc_skb(&ring->qvec->napi, len);
	if (likely(skb))
		skb_put_data(skb, data, len);
	dma_sync_single_range_for_device(ring->dev,
					 page_pool_get_dma_addr(page),
					 IOVNET_RX_HEADROOM, len,
					 page_pool_get_dma_dir(ring->pp));
	return skb;
}

static int iovnet_clean_rx(struct iovnet_ring *ring, int budget)
{
	unsigned int copybreak = READ_ONCE(ring->qvec->port->rx_copybreak);
	struct iovnet_rx_counts cnt = {};
	struct sk_buff *skb = ring->skb;
	bool discard = ring->discard;
	u16 ntc = ring->next_to_clean;
	unsigned int cleaned = 0;

	while (cnt.pkts < budget) {
		union iovnet_rx_desc *desc = (union iovnet_rx_desc *)ring->desc + ntc;
		struct iovnet_rx_buffer *buf = &ring->rx_buf[ntc];
		enum iovnet_rx_step step;
		struct page *page;
		unsigned int len;
		u32 staterr;

		staterr = le32_to_cpu(READ_ONCE(desc->wb.status_error));
		if (!(staterr & IOVNET_RXD_STAT_DD))
			break;
		/* Read the rest of the descriptor only after DD */
		dma_rmb();

		len = le16_to_cpu(desc->wb.length);
		page = buf->page;
		page_pool_dma_sync_for_cpu(ring->pp, page, 0, len);

		step = iovnet_calc_rx_step(discard, !!skb,
					   skb ? skb_shinfo(skb)->nr_frags : 0,
					   MAX_SKB_FRAGS, len, copybreak,
					   staterr & IOVNET_RXD_STAT_EOP);
		if (step == IOVNET_RX_DISCARD) {
			buf->page = NULL;
			page_pool_put_full_page(ring->pp, page, true);
		} else if (step == IOVNET_RX_COPY) {
			/* The page stays in the ring for the next frame */
			skb = iovnet_rx_copy(ring, page, len);
			if (!skb) {
				cnt.alloc_fail++;
				discard = true;
			} else {
				cnt.copybreak++;
			}
		} else {
			buf->page = NULL;
			skb = iovnet_rx_add(ring, skb, page, len, step, &cnt);
			/* Counted there; drop the rest of the frame */
			discard = !skb;
		}

		iovnet_ring_advance(ring, &ntc);
		if (++cleaned >= IOVNET_RX_REFILL_BATCH) {
			ring->next_to_clean = ntc;
			iovnet_rx_refill(ring);
			cleaned = 0;
		}

		if (!(staterr & IOVNET_RXD_STAT_EOP))
			continue;

		if (discard || unlikely(staterr & IOVNET_RXD_ERR_FRAME)) {
			dev_kfree_skb_any(skb);
			cnt.frame_err += !discard;
			skb = NULL;
			discard = false;
			continue;
		}

		iovnet_rx_offloads(ring, desc, skb, staterr, &cnt);
		skb_record_rx_queue(skb, ring->queue_index);
		cnt.pkts++;
		cnt.bytes += skb->len;
		napi_gro_receive(&ring->qvec->napi, skb);
		skb = NULL;
	}

	ring->next_to_clean = ntc;
	ring->skb = skb;
	ring->discard = discard;
	if (cleaned)
		iovnet_rx_refill(ring);

	u64_stats_update_begin(&ring->syncp);
	ring->stats.packets += cnt.pkts;
	ring->stats.bytes += cnt.bytes;
	ring->stats.rx.csum_unnecessary += cnt.csum_unnecessary;
	ring->stats.rx.csum_bad += cnt.csum_bad;
	ring->stats.rx.frame_err += cnt.frame_err;
	ring->stats.rx.alloc_fail += cnt.alloc_fail;
	ring->stats.rx.copybreak += cnt.copybreak;
	u64_stats_update_end(&ring->syncp);

	return cnt.pkts;
}

/**
 * iovnet_rx_flush() - give back every buffer of a stopped RX ring
 * @ring: the ring, its queue disabled and its NAPI too
 */
void iovnet_rx_flush(struct iovnet_ring *ring)
{
	u16 i;

	dev_kfree_skb_any(ring->skb);
	ring->skb = NULL;
	ring->discard = false;
	for (i = 0; i < ring->count; i++) {
		if (!ring->rx_buf[i].page)
			continue;
		page_pool_put_full_page(ring->pp, ring->rx_buf[i].page, false);
		ring->rx_buf[i].page = NULL;
	}
	ring->next_to_use = 0;
	ring->next_to_clean = 0;
}

/**
 * iovnet_napi_poll() - clean a queue vector's TX and RX rings
 * @napi: the vector's NAPI
 * @budget: RX frames it may take; 0 (netpoll) for TX completions only
 *
 * Return: the RX work done, or @budget to be polled again.
 */
int iovnet_napi_poll(struct napi_struct *napi, int budget)
{
	struct iovnet_qvec *qvec = container_of(napi, struct iovnet_qvec, napi);
	bool tx_done;
	int work;

	tx_done = iovnet_clean_tx(qvec->tx, budget);
	/* Budget 0 comes from netpoll: TX completions only */
	if (unlikely(!budget))
		return 0;

	work = iovnet_clean_rx(qvec->rx, budget);
	if (!tx_done || work == budget)
		return budget;

	if (likely(napi_complete_done(napi, work))) {
		if (READ_ONCE(qvec->port->adaptive_itr))
			iovnet_itr_update(qvec);
		iovnet_wr32(qvec->port, IOVNET_EIMS, qvec->eims);
	}

	return min(work, budget - 1);
}

/**
 * iovnet_qvec_irq() - a queue vector's MSI-X interrupt
 * @irq: its Linux IRQ
 * @data: the queue vector
 *
 * Return: IRQ_HANDLED.
 */
irqreturn_t iovnet_qvec_irq(int irq, void *data)
{
	struct iovnet_qvec *qvec = data;

	/* EIAM has masked the vector already (iovnet_port_start()) */
	qvec->irqs++;
	napi_schedule_irqoff(&qvec->napi);
	return IRQ_HANDLED;
}
