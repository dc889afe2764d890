/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (c) 2026 The iovnet authors */

#ifndef _IOVNET_VF_H_
#define _IOVNET_VF_H_

#include <linux/if_vlan.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/pci.h>
#include <linux/workqueue.h>

#include "iovnet_ethtool.h"
#include "iovnet_mbx.h"
#include "iovnet_txrx.h"

#define IOVNET_VF_DRV_NAME	"iovnet_vf"
#define IOVNET_VF_DEVICE_ID	0x10ca

/* MSI-X: one vector per queue pair, then one for the mailbox */
#define IOVNET_VF_MAX_QUEUES	2
#define IOVNET_VF_MBX_VECTOR	2
#define IOVNET_VF_NUM_VECTORS	3

/*
 * The service task's period: statistics, link and TX hang checks. Until
 * the first mailbox interrupt arrives it also polls the mailbox, faster:
 * QEMU's igb up to 10.0 raises a VF's mailbox cause on the wrong vector
 * (README, "The lab's QEMU"), so there it never does.
 */
#define IOVNET_VF_SERVICE_PERIOD	(2 * HZ)
#define IOVNET_VF_MBX_POLL_PERIOD	(HZ / 2)
/* Recovery retries back off up to this while the PF is away */
#define IOVNET_VF_RETRY_MIN		(HZ / 4)
#define IOVNET_VF_RETRY_MAX		(2 * HZ)

/* Extra unicast filters we ask the PF for before going promiscuous */
#define IOVNET_VF_MAX_UC		8

/*
 * Locking. Two locks, always taken in this order:
 *
 *   RTNL -> vf->mbx_lock -> vf->stats_lock
 *
 * vf->mbx_lock owns the mailbox and everything the VF has told the PF or
 * learnt from it (the handshake, pf_caps, the filters sent, the VLANs sent)
 * and the datapath's RUNNING state and carrier. It is held across mailbox
 * round trips, which can sleep for the mailbox timeout (2 s) when the PF
 * does not answer, so nothing that holds it takes RTNL, and the work that
 * runs on its own (service task, recovery, rx_mode_task) holds RTNL only
 * for netdev state and never across a round trip, nor while it waits for
 * mbx_lock (the recovery drops RTNL to wait): RTNL users elsewhere, and
 * the PF driver in the same kernel (which takes RTNL for its resets and
 * VF removal), never wait behind our mailbox.
 *
 * The ndos that must return the PF's answer (MAC, MTU, VLAN add, channels)
 * come with RTNL and take mbx_lock for one round trip. While a recovery
 * runs its handshake (IOVNET_VF_RECOVERING, set and cleared under RTNL and
 * mbx_lock, so stable for RTNL holders), they do not wait for it: they
 * change the netdev only and set IOVNET_VF_RESYNC, and the recovery does
 * the handshake again with the new settings. VLAN removal and receive
 * filters go through rx_mode_task. Remove, FLR and shutdown stop the work
 * items first (cancel_*_sync, without either lock held), then take RTNL.
 */
enum iovnet_vf_state {
	IOVNET_VF_DOWN,			/* netdev closed */
	IOVNET_VF_RUNNING,		/* datapath allocated and started */
	IOVNET_VF_REMOVING,		/* no new work (probe, remove, PCI reset) */
	IOVNET_VF_RESET_REQUESTED,	/* the service task redoes the handshake */
	IOVNET_VF_LINK_QUERY,		/* ask the PF for the link (GET_LINK) */
	IOVNET_VF_RECOVERING,		/* a handshake runs without RTNL */
	IOVNET_VF_RESYNC,		/* settings changed during RECOVERING */
	IOVNET_VF_NBITS,
};

/* Counters of the VF's pool, 32 bits in the device, widened here */
struct iovnet_vf_hw_stats {
	u64 gprc;
	u64 gptc;
	u64 gorc;
	u64 gotc;
	u64 mprc;
};

/**
 * struct iovnet_vf_rx_mode - receive filters, as wanted or as the PF has them
 * @mc_count: multicast hashes in @mc_hash, or more than fit
 * @mc_hash: 12-bit MTA hashes of the multicast list
 * @uc_count: extra unicast addresses in @uc, or more than fit
 * @uc: extra unicast addresses (macvlan, bridge FDB)
 * @promisc: IOVNET_MBX_PROMISC_* flags
 */
struct iovnet_vf_rx_mode {
	unsigned int mc_count;
	u16 mc_hash[IOVNET_MBX_MAX_MC_HASHES];
	unsigned int uc_count;
	u8 uc[IOVNET_VF_MAX_UC][ETH_ALEN];
	u8 promisc;
};

/**
 * struct iovnet_vf_recovery - a recovery episode as it began
 * @reason: why it was asked for
 * @mbx_last: the mailbox's last word then
 * @recoveries: recoveries completed before it
 */
struct iovnet_vf_recovery {
	const char *reason;
	u32 mbx_last;
	u64 recoveries;
};

/**
 * struct iovnet_vf - one 82576 virtual function
 * @port: datapath state, first so netdev_priv() is also the port
 * @pdev: the PCI device
 * @netdev: the VF netdev
 * @hw: mapped BAR0
 * @state: enum iovnet_vf_state bits
 * @mbx_irq_name: name of the mailbox interrupt
 * @service_task: mailbox poll, link, statistics and recovery
 * @rx_mode_task: pushes the receive filters to the PF (it sleeps)
 * @mbx_lock: owns the mailbox and the PF-facing state (lock order above)
 * @mbx_bits: read-to-clear V2PMAILBOX bits seen and not yet consumed
 * @mbx_last: V2PMAILBOX as last read, for the report of a failed handshake
 * @cts: the PF answered our reset: it is clear to send requests
 * @pf_caps: IOVNET_MBX_CAP_* the PF granted, 0 for a stock PF
 * @rss_config: the PF's last GET_RSS reply, for "ethtool -x"
 * @rss_config_at: jiffies of @rss_config, 0 when there is none
 * @pf_version: mailbox protocol version in the PF's GET_CAPS reply
 * @pf_max_frame: largest frame the PF accepts in SET_LPE
 * @pf_link_up: link as the PF reports it (IOVNET_MBX_CAP_LINK)
 * @pf_link_speed: Mb/s as the PF reports it
 * @pf_link_duplex: DUPLEX_* as the PF reports it
 * @link_up: carrier as last set
 * @admin_mac: the PF assigned our MAC address
 * @pf_mac: the MAC address the PF assigned in the last handshake
 * @want_mac: the MAC address the handshake registers without @admin_mac
 * @want_mtu: the MTU the handshake asks frames for
 * @req_queues: queue pairs asked for with ethtool -L
 * @granted_queues: queue pairs the last SET_RSS left us; the handshake
 *	runs without RTNL, so port.num_queues (which sizes ethtool -S under
 *	RTNL) takes it only where RTNL is held
 * @vtivar: VTIVAR as programmed (the register is write-mostly)
 * @active_vlans: VLAN IDs the stack added, restored after a reset
 * @sent_vlans: VLAN IDs the PF filters for us (rx_mode_task removes the
 *	ones no longer in @active_vlans)
 * @rx_sent: receive filters the PF accepted
 * @rx_refused: receive filters the PF refused (not asked again)
 * @rx_refused_valid: @rx_refused holds a refused request, by kind
 * @retry_delay: next recovery attempt's back-off
 * @retry_at: jiffies of the next recovery attempt
 * @reset_reason: why the pending recovery was asked for
 * @reset_start: jiffies when the pending recovery was asked for
 * @recovery_reported: devlink heard of the episode under way (the
 *	handshake redone for a setting the stack changed meanwhile is the
 *	same episode)
 * @stats_lock: protects @hw_stats and @hw_last
 * @hw_stats: accumulated pool counters
 * @hw_last: last raw reading of each pool counter
 * @mbx_tx: requests sent to the PF
 * @mbx_rx: messages read from the PF
 * @mbx_nacks: requests the PF refused
 * @mbx_timeouts: requests the PF did not answer in time
 * @mbx_events: unsolicited PF messages handled
 * @mbx_irqs: mailbox interrupts taken
 * @recoveries: completed recoveries
 * @tx_timeouts: TX hangs seen (each triggers a recovery)
 * @devlink: the devlink instance, NULL without CONFIG_NET_DEVLINK
 * @recovery_reporter: devlink health reporter "recovery"
 * @health_lock: protects @recovery_last
 * @recovery_last: the last recovery episode, for the reporter's dump
 */
struct iovnet_vf {
	struct iovnet_port port;
	struct pci_dev *pdev;
	struct net_device *netdev;
	u8 __iomem *hw;
	DECLARE_BITMAP(state, IOVNET_VF_NBITS);
	char mbx_irq_name[IFNAMSIZ + 16];
	struct delayed_work service_task;
	struct work_struct rx_mode_task;

	struct mutex mbx_lock;	/* see above */
	u32 mbx_bits;
	u32 mbx_last;
	bool cts;
	u32 pf_caps;
	struct iovnet_mbx_rss_config rss_config;
	unsigned long rss_config_at;
	u32 pf_version;
	u32 pf_max_frame;
	bool pf_link_up;
	u32 pf_link_speed;
	u8 pf_link_duplex;
	bool link_up;
	bool admin_mac;
	u8 pf_mac[ETH_ALEN];
	u8 want_mac[ETH_ALEN];
	unsigned int want_mtu;

	unsigned int req_queues;
	unsigned int granted_queues;
	u32 vtivar;
	unsigned long active_vlans[BITS_TO_LONGS(VLAN_N_VID)];
	unsigned long sent_vlans[BITS_TO_LONGS(VLAN_N_VID)];
	struct iovnet_vf_rx_mode rx_sent;
	struct iovnet_vf_rx_mode rx_refused;
	u8 rx_refused_valid;

	unsigned long retry_delay;
	unsigned long retry_at;
	const char *reset_reason;
	unsigned long reset_start;
	bool recovery_reported;

	spinlock_t stats_lock;	/* see above */
	struct iovnet_vf_hw_stats hw_stats;
	u32 hw_last[5];

	u64 mbx_tx;
	u64 mbx_rx;
	u64 mbx_nacks;
	u64 mbx_timeouts;
	u64 mbx_events;
	unsigned long mbx_irqs;
	u64 recoveries;
	u64 tx_timeouts;

	struct devlink *devlink;
	struct devlink_health_reporter *recovery_reporter;
	spinlock_t health_lock;	/* see above */
	struct iovnet_vf_recovery recovery_last;
};

/* rx_refused_valid bits */
#define IOVNET_VF_REFUSED_MC		BIT(0)
#define IOVNET_VF_REFUSED_UC		BIT(1)
#define IOVNET_VF_REFUSED_PROMISC	BIT(2)

static inline u32 vf_rd32(const struct iovnet_vf *vf, u32 reg)
{
	return readl(vf->hw + reg);
}

static inline void vf_wr32(const struct iovnet_vf *vf, u32 reg, u32 val)
{
	writel(val, vf->hw + reg);
}

/* iovnet_vf_mbx.c */
int iovnet_vf_mbx_request(struct iovnet_vf *vf, union iovnet_mbx_msg *msg);
bool iovnet_vf_mbx_nacked(int err);
int iovnet_vf_mbx_reset(struct iovnet_vf *vf, union iovnet_mbx_msg *reply);
void iovnet_vf_mbx_poll(struct iovnet_vf *vf);
void iovnet_vf_request_reset(struct iovnet_vf *vf, const char *reason);

/* iovnet_vf_main.c */
void iovnet_vf_service_schedule(struct iovnet_vf *vf, unsigned long delay);
void iovnet_vf_irq_enable(struct iovnet_vf *vf);
void iovnet_vf_update_hw_stats(struct iovnet_vf *vf);
void iovnet_vf_rebase_hw_stats(struct iovnet_vf *vf);

/* iovnet_vf_netdev.c */
void iovnet_vf_netdev_setup(struct iovnet_vf *vf);
int iovnet_vf_probe_handshake(struct iovnet_vf *vf);
void iovnet_vf_recover(struct iovnet_vf *vf);
void iovnet_vf_link_update(struct iovnet_vf *vf);
void iovnet_vf_query_link(struct iovnet_vf *vf);
void iovnet_vf_pf_link(struct iovnet_vf *vf, const struct iovnet_mbx_link *link);
void iovnet_vf_rx_mode_task(struct work_struct *work);
int iovnet_vf_datapath_up(struct iovnet_vf *vf);
void iovnet_vf_datapath_down(struct iovnet_vf *vf);
int iovnet_vf_set_queues(struct iovnet_vf *vf, unsigned int count);

/* iovnet_vf_devlink.c */
#if IS_ENABLED(CONFIG_NET_DEVLINK)
int iovnet_vf_devlink_register(struct iovnet_vf *vf);
void iovnet_vf_devlink_unregister(struct iovnet_vf *vf);
void iovnet_vf_recovery_report(struct iovnet_vf *vf, const char *reason);
void iovnet_vf_recovery_done(struct iovnet_vf *vf);
#else
static inline int iovnet_vf_devlink_register(struct iovnet_vf *vf)
{
	return 0;
}

static inline void iovnet_vf_devlink_unregister(struct iovnet_vf *vf)
{
}

static inline void iovnet_vf_recovery_report(struct iovnet_vf *vf,
					     const char *reason)
{
}

static inline void iovnet_vf_recovery_done(struct iovnet_vf *vf)
{
}
#endif

/* iovnet_vf_ethtool.c */
void iovnet_vf_set_ethtool_ops(struct net_device *netdev);

#endif /* _IOVNET_VF_H_ */
