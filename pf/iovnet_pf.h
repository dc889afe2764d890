/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (c) 2026 The iovnet authors */

#ifndef _IOVNET_PF_H_
#define _IOVNET_PF_H_

#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/pci.h>
#include <linux/workqueue.h>

#include "iovnet_txrx.h"

#define IOVNET_PF_DRV_NAME	"iovnet_pf"
#define IOVNET_PF_DEVICE_ID	0x10c9

/* MSI-X entry 0 serves link and mailbox causes; queue pairs follow */
#define IOVNET_PF_OTHER_VECTOR	0
#define IOVNET_PF_MAX_VECTORS	(1 + IOVNET_PF_MAX_QUEUES)

#define IOVNET_PF_SERVICE_PERIOD	(2 * HZ)

/* MAC counters the service task accumulates (the device clears on read) */
struct iovnet_pf_hw_stats {
	u64 crcerrs;
	u64 algnerrc;
	u64 rxerrc;
	u64 mpc;
	u64 scc;
	u64 ecol;
	u64 mcc;
	u64 latecol;
	u64 colc;
	u64 dc;
	u64 rlec;
	u64 xonrxc;
	u64 xontxc;
	u64 xoffrxc;
	u64 xofftxc;
	u64 prc64;
	u64 prc127;
	u64 prc255;
	u64 prc511;
	u64 prc1023;
	u64 prc1522;
	u64 gprc;
	u64 bprc;
	u64 mprc;
	u64 gptc;
	u64 gorc;
	u64 gotc;
	u64 rnbc;
	u64 ruc;
	u64 rfc;
	u64 roc;
	u64 rjc;
	u64 tor;
	u64 tot;
	u64 tpr;
	u64 tpt;
	u64 ptc64;
	u64 ptc127;
	u64 ptc255;
	u64 ptc511;
	u64 ptc1023;
	u64 ptc1522;
	u64 mptc;
	u64 bptc;
	u64 tsctc;
	u64 tsctfc;
};

enum iovnet_pf_state {
	IOVNET_PF_DOWN,		/* datapath not running */
	IOVNET_PF_REMOVING,	/* no new work may be scheduled */
	IOVNET_PF_RESET_REQUESTED,	/* the service task restarts the PF */
	IOVNET_PF_NBITS,
};

/* Hash UDP on ports too (TCP always is) */
#define IOVNET_PF_RSS_UDP4	BIT(0)
#define IOVNET_PF_RSS_UDP6	BIT(1)

/**
 * struct iovnet_pf - one 82576 physical function
 * @port: datapath state, first so netdev_priv() is also the port
 * @pdev: the PCI device
 * @netdev: the PF netdev
 * @hw: mapped BAR0
 * @num_vectors: MSI-X vectors allocated
 * @other_irq_name: name of the link/mailbox interrupt
 * @perm_addr: MAC address read from the device after reset
 * @state: enum iovnet_pf_state bits
 * @service_task: link, statistics and reset work outside IRQ context
 * @link_up: carrier as last reported
 * @link_speed: SPEED_* of the last link up
 * @link_duplex: DUPLEX_* of the last link up
 * @stats_lock: protects @hw_stats
 * @hw_stats: accumulated MAC counters
 * @rss_key: RSS hash key
 * @reta: RSS redirection table (queue per entry)
 * @rss_flags: IOVNET_PF_RSS_* hash field choices
 * @active_vlans: VLAN IDs the stack asked to receive
 * @other_irqs: interrupts taken on the link/mailbox vector
 * @tx_timeouts: TX hangs seen (each triggers a reset)
 * @resets: datapath restarts done for recovery
 */
struct iovnet_pf {
	struct iovnet_port port;
	struct pci_dev *pdev;
	struct net_device *netdev;
	u8 __iomem *hw;
	unsigned int num_vectors;
	char other_irq_name[IFNAMSIZ + 16];
	u8 perm_addr[ETH_ALEN];
	DECLARE_BITMAP(state, IOVNET_PF_NBITS);
	struct delayed_work service_task;
	bool link_up;
	u32 link_speed;
	u8 link_duplex;

	spinlock_t stats_lock;	/* see above */
	struct iovnet_pf_hw_stats hw_stats;

	u8 rss_key[IOVNET_RSS_KEY_SIZE];
	u8 reta[IOVNET_RETA_SIZE];
	u32 rss_flags;
	unsigned long active_vlans[BITS_TO_LONGS(VLAN_N_VID)];
	unsigned long other_irqs;
	u64 tx_timeouts;
	u64 resets;
};

static inline u32 pf_rd32(const struct iovnet_pf *pf, u32 reg)
{
	return readl(pf->hw + reg);
}

static inline void pf_wr32(const struct iovnet_pf *pf, u32 reg, u32 val)
{
	writel(val, pf->hw + reg);
}

static inline void pf_flush(const struct iovnet_pf *pf)
{
	readl(pf->hw + IOVNET_STATUS);
}

/* iovnet_pf_hw.c */
int iovnet_pf_hw_reset(struct iovnet_pf *pf);
int iovnet_pf_hw_init(struct iovnet_pf *pf);
void iovnet_pf_hw_read_mac(struct iovnet_pf *pf);
void iovnet_pf_set_rar(struct iovnet_pf *pf, unsigned int idx, const u8 *addr,
		       bool valid);
void iovnet_pf_configure_rx(struct iovnet_pf *pf);
void iovnet_pf_configure_tx(struct iovnet_pf *pf);
void iovnet_pf_configure_rss(struct iovnet_pf *pf);
void iovnet_pf_set_rx_mode(struct net_device *netdev);
void iovnet_pf_set_vfta(struct iovnet_pf *pf, u16 vid, bool on);
bool iovnet_pf_link_check(struct iovnet_pf *pf);
void iovnet_pf_update_hw_stats(struct iovnet_pf *pf);
extern const struct iovnet_port_ops iovnet_pf_port_ops;

/* iovnet_pf_irq.c */
int iovnet_pf_irq_init(struct iovnet_pf *pf);
void iovnet_pf_irq_fini(struct iovnet_pf *pf);
void iovnet_pf_irq_enable(struct iovnet_pf *pf);
void iovnet_pf_irq_disable(struct iovnet_pf *pf);

/* iovnet_pf_netdev.c */
int iovnet_pf_netdev_setup(struct iovnet_pf *pf);
void iovnet_pf_service_schedule(struct iovnet_pf *pf);
void iovnet_pf_service_task(struct work_struct *work);
int iovnet_pf_reinit(struct iovnet_pf *pf);
int iovnet_pf_up(struct iovnet_pf *pf);
void iovnet_pf_down(struct iovnet_pf *pf);
void iovnet_pf_rss_default_reta(struct iovnet_pf *pf);

/* iovnet_pf_ethtool.c */
void iovnet_pf_set_ethtool_ops(struct net_device *netdev);

#endif /* _IOVNET_PF_H_ */
