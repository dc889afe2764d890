// SPDX-License-Identifier: GPL-2.0
/* Copyright (c) 2026 The iovnet authors */

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
#include <net/page_pool/helpers.h>

#include "iovnet_calc.h"
#include "iovnet_txrx.h"

static unsigned int iovnet_ring_unused(const struct iovnet_ring *ring)
{
	u16 ntc = ring->next_to_clean, ntu = ring->next_to_use;

	return (ntc > ntu ? 0 : ring->count) + ntc - ntu - 1;
}

static void iovnet_ring_advance(const struct iovnet_ring *ring, u16 *idx)
{
	if (++(*idx) == ring->count)
		*idx = 0;
}

static struct netdev_queue *iovnet_txq(const struct iovnet_ring *ring)
{
	return netdev_get_tx_queue(ring->netdev, ring->queue_index);
}

/* TX */

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

	u64_stats_update_begin(&ring->syncp);
	ring->stats.packets += pkts;
	ring->stats.bytes += bytes;
	if (!netif_txq_completed_wake(iovnet_txq(ring), pkts, bytes,
				      iovnet_ring_unused(ring),
				      IOVNET_TX_WAKE_THRESH))
		ring->stats.tx.wake++;
	u64_stats_update_end(&ring->syncp);

	return done;
}

/* Drop whatever is still on a stopped ring */
static void iovnet_tx_flush(struct iovnet_ring *ring)
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

/* RX */

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

/* Give every unused descriptor a buffer; true if any got one */
static bool iovnet_rx_fill(struct iovnet_ring *ring)
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

static void iovnet_rx_flush(struct iovnet_ring *ring)
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

/* NAPI and interrupts */

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

static void iovnet_itr_update(struct iovnet_qvec *qvec)
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
	net_dim(&qvec->dim, sample);
}

static void iovnet_dim_work(struct work_struct *work)
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

static int iovnet_napi_poll(struct napi_struct *napi, int budget)
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
		if (qvec->port->adaptive_itr)
			iovnet_itr_update(qvec);
		iovnet_wr32(qvec->port, IOVNET_EIMS, qvec->eims);
	}

	return min(work, budget - 1);
}

static irqreturn_t iovnet_qvec_irq(int irq, void *data)
{
	struct iovnet_qvec *qvec = data;

	/*
	 * Mask the vector here rather than trusting EIAM auto-masking, which
	 * QEMU's model does not implement; NAPI unmasks it when done.
	 */
	iovnet_wr32(qvec->port, IOVNET_EIMC, qvec->eims);
	qvec->irqs++;
	napi_schedule_irqoff(&qvec->napi);
	return IRQ_HANDLED;
}

/* Ring and queue vector life cycle */

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
		/*
		 * The only consumer, so pages freed in its poll recycle
		 * directly. The pool may be destroyed only while this NAPI is
		 * disabled: see iovnet_rx_pool_destroy().
		 */
		.napi = &ring->qvec->napi,
		.netdev = port->netdev,
		.dma_dir = DMA_FROM_DEVICE,
		.offset = IOVNET_RX_HEADROOM,
		.max_len = IOVNET_RX_BUF_LEN,
		.queue_idx = ring->queue_index,
	};
	int err;

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
	unsigned int start;

	do {
		start = u64_stats_fetch_begin(&ring->syncp);
		*out = ring->stats;
	} while (u64_stats_fetch_retry(&ring->syncp, start));
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

/* Fold a ring's counters into the base; caller holds base_lock */
static void iovnet_ring_retire(struct iovnet_port *port,
			       struct iovnet_ring *ring, bool tx)
{
	struct iovnet_ring_stats s;

	iovnet_ring_stats_read(ring, &s);
	iovnet_ring_stats_add(tx ? &port->base_tx : &port->base_rx, &s);
}

static void iovnet_qvec_free(struct iovnet_port *port, unsigned int q)
{
	struct iovnet_qvec *qvec = port->qvecs[q];

	if (!qvec)
		return;

	/* Fold the counters into the base so they survive the rings */
	spin_lock_bh(&port->base_lock);
	if (qvec->rx)
		iovnet_ring_retire(port, qvec->rx, false);
	if (qvec->tx)
		iovnet_ring_retire(port, qvec->tx, true);
	port->qvecs[q] = NULL;
	spin_unlock_bh(&port->base_lock);

	cancel_work_sync(&qvec->dim.work);
	iovnet_ring_free(qvec->rx);
	iovnet_ring_free(qvec->tx);
	netif_napi_del(&qvec->napi);
	kfree(qvec);
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

	qvec = kzalloc(sizeof(*qvec), GFP_KERNEL);
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
	port->qvecs[q] = qvec;

	qvec->tx = iovnet_ring_create(port, qvec, q, true, port->tx_ring_count);
	qvec->rx = iovnet_ring_create(port, qvec, q, false,
				      port->rx_ring_count);
	if (!qvec->tx || !qvec->rx) {
		iovnet_qvec_free(port, q);
		return -ENOMEM;
	}
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

/* Program the throttling interval into every vector, ready or running */
static void iovnet_port_write_itr(struct iovnet_port *port)
{
	u16 usecs = port->itr_usecs;
	unsigned int q;

	if (port->adaptive_itr)
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

/**
 * iovnet_port_set_itr() - apply a new throttling setting
 * @port: the port, under RTNL
 *
 * Programs every vector when the datapath runs; otherwise the next start
 * programs the setting, since there are no vectors to write to.
 */
void iovnet_port_set_itr(struct iovnet_port *port)
{
	if (port->running)
		iovnet_port_write_itr(port);
}

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

/* Statistics */

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
	stats->tx_packets = tx.packets;
	stats->tx_bytes = tx.bytes;
	stats->tx_dropped = tx.tx.drops;
}

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

static void iovnet_get_queue_stats_rx(struct net_device *netdev, int idx,
				      struct netdev_queue_stats_rx *rx)
{
	struct iovnet_ring_stats s;

	iovnet_queue_ring_stats(netdev_priv(netdev), idx, false, &s);
	iovnet_qstat_rx(&s, rx);
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
}

const struct netdev_stat_ops iovnet_stat_ops = {
	.get_queue_stats_rx = iovnet_get_queue_stats_rx,
	.get_queue_stats_tx = iovnet_get_queue_stats_tx,
	.get_base_stats = iovnet_get_base_stats,
};

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
	return 2 * port->num_queues * ARRAY_SIZE(iovnet_queue_stat_names);
}

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
		for (q = 0; q < port->num_queues; q++)
			for (i = 0; i < ARRAY_SIZE(iovnet_queue_stat_names); i++)
				ethtool_sprintf(data, "%s_queue_%u_%s", dir[d], q,
						iovnet_queue_stat_names[i]);
}

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
		}
	}
}

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
