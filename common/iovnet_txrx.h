/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (c) 2026 The iovnet authors */

/*
 * The datapath shared by the PF and VF netdevs: descriptor rings, NAPI,
 * page_pool RX, BQL TX with checksum/TSO/VLAN offloads, and queue stats.
 *
 * Each driver's netdev private area starts with a struct iovnet_port, so
 * the netdev callbacks here work for both functions. The drivers only say
 * where a queue's register block lives and which MSI-X vector serves it.
 */

#ifndef _IOVNET_TXRX_H_
#define _IOVNET_TXRX_H_

#include <linux/dim.h>
#include <linux/netdevice.h>
#include <linux/pci.h>
#include <linux/u64_stats_sync.h>
#include <net/netdev_queues.h>

#include "compat.h"
#include "iovnet_regs.h"

#define IOVNET_MAX_QUEUES	IOVNET_PF_MAX_QUEUES

/*
 * RX buffers are whole pages from the ring's page_pool. The device writes at
 * most IOVNET_RX_BUF_LEN bytes after the headroom; the tail keeps room for
 * the skb_shared_info that build_skb() places at the end of the page.
 */
#define IOVNET_RX_HEADROOM	(NET_SKB_PAD + NET_IP_ALIGN)
#define IOVNET_RX_BUF_LEN	3072

/*
 * A frame this short is copied into a small skb and its page stays in the
 * ring: a whole page per 64-byte frame would fill a socket's receive buffer
 * sixteen times sooner than the data does (ethtool rx-copybreak tunable).
 */
#define IOVNET_RX_COPYBREAK_DEF	256
#define IOVNET_RX_COPYBREAK_MAX	1024

/* One data descriptor carries at most this much; bigger buffers are split */
#define IOVNET_TX_MAX_DATA	SZ_32K
/* Worst case for one skb: a context descriptor, a split head, one per frag */
#define IOVNET_TX_DESC_NEEDED	(MAX_SKB_FRAGS + 4)
#define IOVNET_TX_WAKE_THRESH	(2 * IOVNET_TX_DESC_NEEDED)
#define IOVNET_RX_REFILL_BATCH	16
/* A TX ring that completes nothing for this long, with work in flight, is hung */
#define IOVNET_TX_HANG_PERIOD	(2 * HZ)

struct iovnet_tx_buffer {
	struct sk_buff *skb;		/* set on the first buffer of a packet */
	union iovnet_tx_desc *eop;	/* last descriptor of that packet */
	unsigned int bytecount;		/* bytes on the wire, for BQL */
	unsigned short gso_segs;
	DEFINE_DMA_UNMAP_ADDR(dma);
	DEFINE_DMA_UNMAP_LEN(len);
	bool map_page;			/* mapped with skb_frag_dma_map() */
};

struct iovnet_rx_buffer {
	struct page *page;
};

struct iovnet_ring_stats {
	u64 packets;
	u64 bytes;
	union {
		struct {
			u64 csum_unnecessary;
			u64 csum_bad;
			u64 alloc_fail;
			u64 frame_err;
			u64 copybreak;
		} rx;
		struct {
			u64 needs_csum;
			u64 tso_packets;
			u64 tso_bytes;
			u64 stop;
			u64 wake;
			u64 drops;
		} tx;
	};
};

struct iovnet_qvec;

struct iovnet_ring {
	struct iovnet_qvec *qvec;
	struct net_device *netdev;
	struct device *dev;		/* DMA device */
	void *desc;
	union {
		struct iovnet_tx_buffer *tx_buf;
		struct iovnet_rx_buffer *rx_buf;
	};
	struct page_pool *pp;		/* RX only */
	struct sk_buff *skb;		/* RX frame spanning several buffers */
	bool discard;			/* RX: drop buffers up to the next EOP */
	u8 __iomem *regs;		/* the queue's register block */
	u8 __iomem *tail;
	u16 count;
	u16 queue_index;
	u16 next_to_use;
	u16 next_to_clean;
	u16 hang_ntc;			/* TX: next_to_clean at the last check */
	bool hang_busy;			/* TX: work was pending at the last check */
	dma_addr_t dma;
	unsigned int size;

	/* TX: xmit (under the queue's lock) and completion (NAPI) count at
	 * once, so each has its own sequence: one shared by two writers
	 * could be left odd on 32-bit SMP, and its readers spin forever.
	 */
	struct u64_stats_sync syncp;	/* RX; TX: xmit */
	struct u64_stats_sync cp_syncp;	/* TX: completion */
	struct iovnet_ring_stats stats;
};

struct iovnet_qvec {
	struct napi_struct napi;
	struct iovnet_port *port;
	struct iovnet_ring *tx;
	struct iovnet_ring *rx;
	u32 eims;			/* our bit in EIMS/EIMC */
	u16 vector;			/* MSI-X entry */
	u16 irqs;			/* interrupts seen, for DIM */
	int irq;
	struct dim dim;			/* adaptive moderation */
	bool itr_unthrottled;		/* DIM idle, EITR 0: see iovnet_itr_update() */
	u16 win_irqs;			/* ->irqs when the window opened */
	u64 win_pkts;			/* packets when the window opened */
	ktime_t win_start;
	char name[IFNAMSIZ + 16];
};

struct iovnet_port;

/**
 * struct iovnet_port_ops - what the datapath asks of the PF or VF driver
 * @queue_regs: offset of queue @q's RX or TX register block in BAR0
 * @map_queue: route queue @q's RX and TX causes to MSI-X entry @vector
 * @tx_paused: did the link partner pause our transmitter (flow control)
 *	since the last call, or is it paused now? NULL where pause frames
 *	cannot be seen (a VF)
 * @tx_tstamp: the stack wants @skb's transmission timestamped: true when
 *	the device is to latch its time (IOVNET_TXD_MAC_TSTAMP). NULL where
 *	the function has no clock (a VF)
 * @rx_tstamp: the device latched the receive time of @skb's frame
 *	(IOVNET_RXD_STAT_TS): attach it. NULL where it cannot (a VF)
 */
struct iovnet_port_ops {
	u32 (*queue_regs)(const struct iovnet_port *port, unsigned int q,
			  bool tx);
	void (*map_queue)(struct iovnet_port *port, unsigned int q,
			  unsigned int vector);
	bool (*tx_paused)(struct iovnet_port *port);
	bool (*tx_tstamp)(struct iovnet_port *port, struct sk_buff *skb);
	void (*rx_tstamp)(struct iovnet_port *port, struct sk_buff *skb);
};

/**
 * struct iovnet_port - the datapath of one netdev (first in its priv area)
 * @netdev: the netdev
 * @pdev: PCI function that owns the rings and vectors
 * @hw: mapped BAR0
 * @ops: function specific hooks
 * @num_queues: queue pairs in use (one MSI-X vector each)
 * @max_queues: queue pairs the function may use
 * @first_qvec_vector: MSI-X entry of queue pair 0
 * @tx_ring_count: descriptors per TX ring
 * @rx_ring_count: descriptors per RX ring
 * @itr_usecs: interrupt throttling interval, 0 for none
 * @adaptive_itr: DIM picks the interval from the traffic
 * @rx_copybreak: received frames up to this long are copied, see
 *	IOVNET_RX_COPYBREAK_DEF
 * @rx_buf_len: bytes the device may write into one RX buffer
 * @rx_vlans: when set, the VLAN IDs whose stripped tag a received frame
 *	keeps; the tag of any other VLAN (a port VLAN the PF inserts and
 *	strips on the VF's behalf) is dropped, so the stack sees the frame
 *	untagged
 * @qvecs: queue vectors, each owning one TX and one RX ring
 * @allocated: @qvecs[0..@num_queues) exist (iovnet_port_alloc() .. free())
 * @irqs_held: their interrupts are requested
 * @enabled: their rings may be enabled in the device, which may then DMA
 *	into them (iovnet_port_configure() .. iovnet_port_disable())
 * @running: the datapath runs: NAPI enabled, queues started
 *	(iovnet_port_start() .. iovnet_port_stop()). Helpers that touch
 *	@qvecs test this, never netif_running(): a failed restart leaves the
 *	netdev up with no rings.
 * @xps_queues: queue count XPS was last set up for by the driver; the
 *	driver's default is applied again only when the count changes, so a
 *	user's XPS setting survives down/up
 * @tx_hang_checked: jiffies of the last iovnet_port_tx_hung() look
 * @base_lock: protects @base_rx, @base_tx and @rx_hw_drops
 * @base_rx: RX counters of rings that no longer exist
 * @base_tx: TX counters of rings that no longer exist
 * @rx_hw_drops: frames each RX queue dropped for want of descriptors
 *	(RQDPC; every ring sets SRRCTL.DROP_EN), kept per queue index so they
 *	outlive the rings
 */
struct iovnet_port {
	struct net_device *netdev;
	struct pci_dev *pdev;
	u8 __iomem *hw;
	const struct iovnet_port_ops *ops;
	u16 num_queues;
	u16 max_queues;
	u16 first_qvec_vector;
	u16 tx_ring_count;
	u16 rx_ring_count;
	u16 itr_usecs;
	bool adaptive_itr;
	u32 rx_copybreak;
	u32 rx_buf_len;
	const unsigned long *rx_vlans;
	struct iovnet_qvec *qvecs[IOVNET_MAX_QUEUES];
	bool allocated;
	bool irqs_held;
	bool enabled;
	bool running;
	u16 xps_queues;
	unsigned long tx_hang_checked;

	spinlock_t base_lock;	/* see above */
	struct iovnet_ring_stats base_rx;
	struct iovnet_ring_stats base_tx;
	u64 rx_hw_drops[IOVNET_MAX_QUEUES];
};

static inline u32 iovnet_rd32(const struct iovnet_port *port, u32 reg)
{
	return readl(port->hw + reg);
}

static inline void iovnet_wr32(const struct iovnet_port *port, u32 reg,
			       u32 val)
{
	writel(val, port->hw + reg);
}

static inline void iovnet_flush(const struct iovnet_port *port)
{
	readl(port->hw + IOVNET_STATUS);
}

void iovnet_port_init(struct iovnet_port *port, struct net_device *netdev,
		      struct pci_dev *pdev, u8 __iomem *hw,
		      const struct iovnet_port_ops *ops, unsigned int max_queues,
		      unsigned int first_qvec_vector);
int iovnet_port_alloc(struct iovnet_port *port);
void iovnet_port_free(struct iovnet_port *port);
void iovnet_port_configure(struct iovnet_port *port, u32 rx_buf_len);
void iovnet_port_disable(struct iovnet_port *port);
int iovnet_port_request_irqs(struct iovnet_port *port);
void iovnet_port_free_irqs(struct iovnet_port *port);
void iovnet_port_start(struct iovnet_port *port);
void iovnet_port_stop(struct iovnet_port *port);
u32 iovnet_port_eims(const struct iovnet_port *port);
void iovnet_port_set_itr(struct iovnet_port *port);
int iovnet_port_resize(struct iovnet_port *port, u16 tx_count, u16 rx_count);
bool iovnet_port_tx_hung(struct iovnet_port *port, unsigned long period);
void iovnet_port_sum(struct iovnet_port *port, struct iovnet_ring_stats *rx,
		     struct iovnet_ring_stats *tx);
unsigned int iovnet_queue_stats_count(const struct iovnet_port *port);
void iovnet_queue_stats_strings(const struct iovnet_port *port, u8 **data);
void iovnet_queue_stats_values(struct iovnet_port *port, u64 **data);

netdev_tx_t iovnet_start_xmit(struct sk_buff *skb, struct net_device *netdev);
netdev_features_t iovnet_features_check(struct sk_buff *skb,
					struct net_device *netdev,
					netdev_features_t features);
void iovnet_port_read_hw_drops(struct iovnet_port *port);
void iovnet_get_stats64(struct net_device *netdev,
			struct rtnl_link_stats64 *stats);
extern const struct netdev_stat_ops iovnet_stat_ops;

#endif /* _IOVNET_TXRX_H_ */
