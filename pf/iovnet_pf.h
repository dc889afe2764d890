/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (c) 2026 The iovnet authors */

#ifndef _IOVNET_PF_H_
#define _IOVNET_PF_H_

#include <linux/if_link.h>
#include <linux/if_vlan.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/pci.h>
#include <linux/ptp_clock_kernel.h>
#include <linux/ratelimit.h>
#include <linux/timecounter.h>
#include <linux/workqueue.h>

#include "iovnet_ethtool.h"
#include "iovnet_mbx.h"
#include "iovnet_txrx.h"

#define IOVNET_PF_DRV_NAME	"iovnet_pf"
#define IOVNET_PF_DEVICE_ID	0x10c9

/* MSI-X entry 0 serves link and mailbox causes; queue pairs follow */
#define IOVNET_PF_OTHER_VECTOR	0
#define IOVNET_PF_MAX_VECTORS	(1 + IOVNET_PF_MAX_QUEUES)

#define IOVNET_PF_SERVICE_PERIOD	(2 * HZ)

/**
 * struct iovnet_pf_ptp - the IEEE 1588 clock (iovnet_pf_ptp.c)
 * @info: what the PTP core calls
 * @clock: the registered PHC, NULL without one
 * @lock: protects @tc and the two-word reads of SYSTIM
 * @cc: SYSTIM as a cycle counter
 * @tc: the clock's time, over @cc
 * @incvalue: TIMINCA's increment as "adjfine" last set it, for after a reset
 * @tx_on: transmit timestamps asked for (HWTSTAMP_TX_ON; under RTNL)
 * @rx_filter: the HWTSTAMP_FILTER_* in force (under RTNL)
 * @tx_skb: the frame whose transmit time the device is to latch; set and
 *	cleared by whoever holds IOVNET_PF_PTP_TX_BUSY
 * @tx_start: when @tx_skb went to the device
 * @tx_timeouts: transmit times the device never latched
 * @tx_skipped: frames sent without their time: another one was waiting
 * @rx_read_at: when the datapath last read a receive time (jiffies)
 * @rx_free_at: when the PTP worker last saw RXSTMP free, or freed it
 * @rx_cleared: receive times latched for frames no queue of the PF got
 */
struct iovnet_pf_ptp {
	struct ptp_clock_info info;
	struct ptp_clock *clock;
	spinlock_t lock;	/* see above */
	struct cyclecounter cc;
	struct timecounter tc;
	u32 incvalue;
	bool tx_on;
	int rx_filter;
	struct sk_buff *tx_skb;
	unsigned long tx_start;
	atomic64_t tx_timeouts;
	atomic64_t tx_skipped;
	unsigned long rx_read_at;
	unsigned long rx_free_at;
	u64 rx_cleared;
};

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

/*
 * Receive address registers in SR-IOV mode: the PF's own address, one
 * primary entry per VF, then a range for the PF's extra unicast addresses
 * and one for the extra filters trusted VFs ask for.
 */
#define IOVNET_PF_RAR_VF_FIRST		1
#define IOVNET_PF_RAR_PF_UC_FIRST	(IOVNET_PF_RAR_VF_FIRST + IOVNET_MAX_VFS)
#define IOVNET_PF_RAR_VF_UC_FIRST	16
#define IOVNET_PF_RAR_VF_UC_NUM		(IOVNET_RAR_ENTRIES - \
					 IOVNET_PF_RAR_VF_UC_FIRST)
#define IOVNET_PF_VF_MAX_EXTRA_MACS	4

/*
 * VLAN filters (VLVF entries) one VF may hold, untrusted and trusted. With
 * VFs the PF keeps IOVNET_PF_VLVF_PF_SHARE entries for its own VLANs and
 * the VFs share the rest equally (iovnet_pf_vf_vlan_quota()), so the
 * quotas add up to what the device has: no VF can take an entry that the
 * admin's port VLAN or the PF needs.
 */
#define IOVNET_PF_VF_MAX_VLANS		8
#define IOVNET_PF_VF_MAX_VLANS_TRUSTED	24
#define IOVNET_PF_VLVF_PF_SHARE		8

/*
 * Mailbox flood control: a token bucket per VF, a burst, then a steady
 * rate. Each request costs by what it makes the PF do; a VF reset (its
 * VF_RESET message, an FLR or a CTRL.RST) rewrites the VF's filters.
 */
#define IOVNET_PF_MBX_BURST		64
/* The steady rate: devlink param mbx_rate_per_vf, within these bounds */
#define IOVNET_PF_MBX_PER_SEC		2000
#define IOVNET_PF_MBX_PER_SEC_MIN	100
#define IOVNET_PF_MBX_PER_SEC_MAX	100000
#define IOVNET_PF_MBX_COST_MSG		1
#define IOVNET_PF_MBX_COST_RESET	16

/* Kernel log lines about one VF: a burst per interval, per VF */
#define IOVNET_PF_VF_LOG_INTERVAL	(5 * HZ)
#define IOVNET_PF_VF_LOG_BURST		10

/* PF_CONTROL messages a VF is owed */
#define IOVNET_PF_NOTIFY_RESET		BIT(0)
#define IOVNET_PF_NOTIFY_LINK		BIT(1)

/* The 82576 pool counters, accumulated to 64 bits across 32-bit wraps */
enum iovnet_pf_vf_counter {
	IOVNET_VF_CNT_RX_PACKETS,
	IOVNET_VF_CNT_TX_PACKETS,
	IOVNET_VF_CNT_RX_BYTES,
	IOVNET_VF_CNT_TX_BYTES,
	IOVNET_VF_CNT_MULTICAST,
	IOVNET_VF_CNT_NUM,
};

/**
 * struct iovnet_pf_vf - what the PF knows and enforces for one VF
 *
 * Changed only in iovnet_pf_vf.c (the configuration, under @pf->vf_lock)
 * and iovnet_pf_mbx.c (the mailbox transport fields, under the same lock).
 * @mac (and the VF's extra filters in struct iovnet_pf) are also written
 * under the PF netdev's address lock, which ndo_set_rx_mode holds when it
 * keeps the PF's secondary addresses apart from the VFs'.
 *
 * @mac: the VF's MAC (administrative, or the one the VF registered)
 * @admin_mac: the administrator set @admin_addr
 * @admin_addr: the administrator's MAC for the VF
 * @port_vlan: administrative VLAN ID, 0 for none
 * @port_qos: priority of @port_vlan
 * @spoofchk: MAC and VLAN anti-spoof enabled
 * @trusted: may override its MAC, add filters, go promiscuous
 * @rss_query: may read the device's RSS key and redirection table
 * @link_state: IFLA_VF_LINK_STATE_*
 * @max_tx_rate: transmit limit in Mb/s, 0 for none
 * @cts: the VF completed the reset handshake ("clear to send")
 * @reset_asked: the PF told the VF to redo its handshake, and it has not yet
 * @mac_offered: the last reset reply gave the VF its administrative MAC
 * @running: the VF's pool is open (from its handshake to its next reset)
 * @ext: the VF asked for the iovnet extensions (GET_CAPS)
 * @caps: IOVNET_MBX_CAP_* in force for this VF
 * @rss: the VF uses both queues of its pool
 * @max_frame: largest frame the VF asked to receive
 * @promisc: IOVNET_MBX_PROMISC_* in force
 * @mc_count: number of @mc_hash entries
 * @mc_hash: multicast hashes the VF asked for
 * @vlans: VLAN IDs the VF asked for
 * @num_vlans: bits set in @vlans
 * @said: IOVNET_PF_VF_SAID_* refusals already logged at info level
 * @log_rs: rate limit of this VF's kernel log lines
 * @tokens: mailbox cost the VF may still spend (negative: in debt)
 * @refill: jiffies of the last @tokens refill
 * @notify: IOVNET_PF_NOTIFY_* messages waiting for the mailbox
 * @notify_since: jiffies the oldest of those was queued
 * @unread: the PF's last message is in the buffer, not yet acknowledged
 * @sent_at: jiffies the PF wrote that message
 * @lock_fails: consecutive failures to take the buffer from the VF
 * @busy_since: jiffies of the first of those failures
 * @retry_at: jiffies before which the PF leaves the VF's buffer alone
 * @msgs: mailbox messages received
 * @nacks: requests refused (policy or malformed)
 * @invalid: malformed requests
 * @throttling: over budget; its mailbox interrupt is masked until it is not
 * @throttled: times the VF went over its budget (episodes, not passes)
 * @throttle_reported: jiffies of the last episode reported to devlink
 * @busy: times the PF found the VF holding its buffer
 * @resets: VF_RESET handshakes and FLRs
 * @spoof_events: times the device dropped frames the VF sent with a
 *	source MAC or VLAN not its own (WVBR; one per interrupt, not per frame)
 * @cnt: 64-bit pool counters
 * @cnt_last: last raw value of each pool counter
 */
struct iovnet_pf_vf {
	u8 mac[ETH_ALEN];
	bool admin_mac;
	u8 admin_addr[ETH_ALEN];
	u16 port_vlan;
	u8 port_qos;
	bool spoofchk;
	bool trusted;
	bool rss_query;
	int link_state;
	u32 max_tx_rate;

	bool cts;
	bool reset_asked;
	bool mac_offered;
	bool running;
	bool ext;
	u32 caps;
	bool rss;
	u16 max_frame;
	u8 promisc;
	u8 mc_count;
	u16 mc_hash[IOVNET_MBX_MAX_MC_HASHES];
	unsigned long vlans[BITS_TO_LONGS(VLAN_N_VID)];
	unsigned int num_vlans;
	u8 said;
	struct ratelimit_state log_rs;

	int tokens;
	unsigned long refill;
	u8 notify;
	unsigned long notify_since;
	bool unread;
	unsigned long sent_at;
	unsigned int lock_fails;
	unsigned long busy_since;
	unsigned long retry_at;
	u64 msgs;
	u64 nacks;
	u64 invalid;
	bool throttling;
	u64 throttled;
	unsigned long throttle_reported;
	u64 busy;
	u64 resets;
	u64 spoof_events;

	u64 cnt[IOVNET_VF_CNT_NUM];
	u32 cnt_last[IOVNET_VF_CNT_NUM];
};

/* Refusals an ordinary client hits on every start: logged once per VF */
#define IOVNET_PF_VF_SAID_PROMISC	BIT(0)
#define IOVNET_PF_VF_SAID_MAC		BIT(1)
#define IOVNET_PF_VF_SAID_RSS_QUERY	BIT(2)
/* Spoofed frames: said once per configuration the PF applies, then counted */
#define IOVNET_PF_VF_SAID_SPOOF		BIT(3)

enum iovnet_pf_state {
	IOVNET_PF_DOWN,		/* datapath not running */
	IOVNET_PF_TX_DRAINING,	/* going down, TX still completing */
	IOVNET_PF_REMOVING,	/* no new work may be scheduled */
	IOVNET_PF_IO_ERROR,	/* PCI error recovery under way */
	IOVNET_PF_RESET_REQUESTED,	/* the service task restarts the PF */
	IOVNET_PF_TX_TIMEOUT,	/* the stack's TX watchdog fired: the service
				 * task reports the hang (process context)
				 */
	IOVNET_PF_SPOOF_EVENT,	/* DOUTSYNC: the mailbox task reads WVBR */
	IOVNET_PF_PTP_TX_BUSY,	/* a frame waits for its transmit time */
	IOVNET_PF_NBITS,
};

/**
 * struct iovnet_pf_tx_hang - the TX rings as the service task found a hang
 * @why: what saw it: the stack's watchdog or the service task's check
 * @queue: the queue the watchdog named, or U32_MAX
 * @num_queues: entries of @rings in use
 * @rings: per queue, the driver's and the device's view of the ring
 * @rings.next_to_use: next descriptor the driver fills
 * @rings.next_to_clean: next descriptor the driver waits for
 * @rings.head: TDH, the device's next descriptor
 * @rings.tail: TDT as the driver last wrote it
 */
struct iovnet_pf_tx_hang {
	const char *why;
	u32 queue;
	u32 num_queues;
	struct {
		u16 next_to_use;
		u16 next_to_clean;
		u32 head;
		u32 tail;
	} rings[IOVNET_PF_MAX_QUEUES];
};

/**
 * struct iovnet_pf_mbx_event - a VF's mailbox counters as it was throttled
 * @vf: the VF
 * @msgs: requests served
 * @nacks: requests refused
 * @invalid: malformed requests
 * @throttled: throttle episodes, this one included
 * @busy: times the VF held the mailbox too long
 * @resets: resets served
 */
struct iovnet_pf_mbx_event {
	u32 vf;
	u64 msgs;
	u64 nacks;
	u64 invalid;
	u64 throttled;
	u64 busy;
	u64 resets;
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
 * @fc_autoneg: pause follows autonegotiation ("ethtool -A autoneg on")
 * @fc_rx: the administrator wants pause frames obeyed
 * @fc_tx: the administrator wants pause frames sent
 * @fc_pending: a renegotiation runs; resolve pause once it completes
 * @stats_lock: protects @hw_stats
 * @hw_stats: accumulated MAC counters
 * @tx_hang_xoff: XOFF frames received, as at the last TX hang look
 * @rss_key: RSS hash key
 * @reta: RSS redirection table (queue per entry)
 * @rss_flags: IOVNET_PF_RSS_* hash field choices
 * @active_vlans: VLAN IDs the stack asked to receive
 * @other_irqs: interrupts taken on the link/mailbox vector
 * @tx_timeouts: TX hangs the stack's watchdog saw
 * @tx_stalls: TX rings whose completions stopped, seen by the service task
 * @tx_hang_queue: the queue of the stack's last TX timeout
 * @resets: datapath restarts done for recovery
 * @reg_lock: read-modify-write of RCTL and TCTL, which the netdev paths
 *	(RTNL), ndo_set_rx_mode (address lock) and VMDq setup (@vf_lock) share
 * @vf_lock: serialises VF configuration, the VMDq tables and the mailbox;
 *	taken under RTNL where both are needed, never the other way round
 * @vfs: per-VF state; entries [0, @num_vfs) are live. Never freed while the
 *	PF exists, so a reader that raced a change of @num_vfs reads stale
 *	values, never freed memory
 * @num_vfs: VFs enabled; the PF then owns pool @num_vfs. Written under
 *	RTNL and @vf_lock both: holding either keeps it stable
 * @vf_stats_lock: protects the @vfs counters
 * @mbx_task: mailbox and VF reset work
 * @mbx_pending: VFs whose request waits for flood control
 * @flr_pending: VFs whose reset waits for flood control
 * @mbx_irq_masked: VFs whose mailbox interrupt is masked (MBVFIMR) while
 *	they are throttled
 * @mbx_irqs_throttled: mailbox interrupts raised only by throttled VFs,
 *	left to the pass that waits for their refill
 * @mbx_per_sec: each VF's steady mailbox rate, in requests a second
 *	(devlink param mbx_rate_per_vf; read without a lock)
 * @rar_vf_uc_owner: VF (+1) owning each extra-filter RAR entry, 0 when free
 * @rar_vf_uc_addr: the address of each extra-filter RAR entry
 * @vf_link_up: the link as last reported to the VFs
 * @devlink: the devlink instance, NULL without CONFIG_NET_DEVLINK
 * @tx_hang_reporter: devlink health reporter "tx_hang"
 * @mbx_reporter: devlink health reporter "mailbox"
 * @health_lock: protects @tx_hang_last and @mbx_last
 * @tx_hang_last: the rings at the last TX hang, for the reporter's dump
 * @mbx_last: the last VF throttled, for the mailbox reporter's dump
 * @ledctl_saved: LEDCTL while "ethtool -p" blinks LED0
 * @ptp: the IEEE 1588 clock
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
	bool fc_autoneg;
	bool fc_rx;
	bool fc_tx;
	bool fc_pending;

	spinlock_t stats_lock;	/* see above */
	struct iovnet_pf_hw_stats hw_stats;
	u64 tx_hang_xoff;

	u8 rss_key[IOVNET_RSS_KEY_SIZE];
	u8 reta[IOVNET_RETA_SIZE];
	u32 rss_flags;
	unsigned long active_vlans[BITS_TO_LONGS(VLAN_N_VID)];
	unsigned long other_irqs;
	u64 tx_timeouts;
	u64 tx_stalls;
	u32 tx_hang_queue;
	u64 resets;

	spinlock_t reg_lock;	/* see above */
	struct mutex vf_lock;	/* see above */
	struct iovnet_pf_vf vfs[IOVNET_MAX_VFS];
	unsigned int num_vfs;
	spinlock_t vf_stats_lock;	/* see above */
	struct delayed_work mbx_task;
	unsigned long mbx_pending;
	unsigned long flr_pending;
	unsigned long mbx_irq_masked;
	u64 mbx_irqs_throttled;
	u32 mbx_per_sec;
	u8 rar_vf_uc_owner[IOVNET_PF_RAR_VF_UC_NUM];
	u8 rar_vf_uc_addr[IOVNET_PF_RAR_VF_UC_NUM][ETH_ALEN];
	bool vf_link_up;

	struct devlink *devlink;
	struct devlink_health_reporter *tx_hang_reporter;
	struct devlink_health_reporter *mbx_reporter;
	spinlock_t health_lock;	/* see above */
	struct iovnet_pf_tx_hang tx_hang_last;
	struct iovnet_pf_mbx_event mbx_last;
	u32 ledctl_saved;
	struct iovnet_pf_ptp ptp;
};

/* The PF's pool: the one after the VFs' */
static inline unsigned int iovnet_pf_pool(const struct iovnet_pf *pf)
{
	return pf->num_vfs;
}

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

/* The PF's datapath runs: rings, vectors and NAPI exist */
static inline bool iovnet_pf_running(const struct iovnet_pf *pf)
{
	return !test_bit(IOVNET_PF_DOWN, pf->state);
}

/* iovnet_pf_hw.c */
int iovnet_pf_hw_reset(struct iovnet_pf *pf);
int iovnet_pf_hw_init(struct iovnet_pf *pf);
void iovnet_pf_hw_read_mac(struct iovnet_pf *pf);
int iovnet_pf_phy_start(struct iovnet_pf *pf);
void iovnet_pf_fc_setup(struct iovnet_pf *pf);
void iovnet_pf_fc_check(struct iovnet_pf *pf);
unsigned int iovnet_pf_nvm_words(struct iovnet_pf *pf);
int iovnet_pf_nvm_read(struct iovnet_pf *pf, u16 word, u16 *data);
void iovnet_pf_set_rar(struct iovnet_pf *pf, unsigned int idx, const u8 *addr,
		       bool valid);
void iovnet_pf_set_rar_pool(struct iovnet_pf *pf, unsigned int idx,
			    const u8 *addr, unsigned int pool);
void iovnet_pf_configure_rx(struct iovnet_pf *pf);
void iovnet_pf_configure_tx(struct iovnet_pf *pf);
void iovnet_pf_configure_rss(struct iovnet_pf *pf);
void iovnet_pf_set_rx_mode(struct net_device *netdev);
void iovnet_pf_set_vfta(struct iovnet_pf *pf, u16 vid, bool on);
void iovnet_pf_rmw(struct iovnet_pf *pf, u32 reg, u32 clear, u32 set);
u32 iovnet_pf_limiter_speed(struct iovnet_pf *pf);
bool iovnet_pf_link_check(struct iovnet_pf *pf);
bool iovnet_pf_offline(struct iovnet_pf *pf);
void iovnet_pf_update_hw_stats(struct iovnet_pf *pf);
extern const struct iovnet_port_ops iovnet_pf_port_ops;

/* iovnet_pf_irq.c */
int iovnet_pf_irq_init(struct iovnet_pf *pf);
void iovnet_pf_irq_fini(struct iovnet_pf *pf);
void iovnet_pf_irq_configure(struct iovnet_pf *pf);
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

/* iovnet_pf_sriov.c: SR-IOV enable/disable and the device-wide VMDq tables */
int iovnet_pf_sriov_configure(struct pci_dev *pdev, int num_vfs);
void iovnet_pf_sriov_remove(struct iovnet_pf *pf);
void iovnet_pf_sriov_restore(struct iovnet_pf *pf);
void iovnet_pf_vmdq_configure(struct iovnet_pf *pf);
void iovnet_pf_vf_mta(struct iovnet_pf *pf, u32 *mta);
int iovnet_pf_vlvf_set(struct iovnet_pf *pf, u16 vid, unsigned int pool,
		       bool on);
void iovnet_pf_pool_gates(struct iovnet_pf *pf);
void iovnet_pf_set_anti_spoof(struct iovnet_pf *pf);
void iovnet_pf_set_rate(struct iovnet_pf *pf, unsigned int vf);
void iovnet_pf_vf_update_stats(struct iovnet_pf *pf);

/* iovnet_pf_vf.c: each VF's configuration, from the admin and the tenant */
void iovnet_pf_vf_init(struct iovnet_pf *pf, unsigned int vf);
__printf(3, 4)
void iovnet_pf_vf_warn(struct iovnet_pf *pf, unsigned int vf,
		       const char *fmt, ...);
unsigned int iovnet_pf_vlan_pf_quota(const struct iovnet_pf *pf);
bool iovnet_pf_vf_owns_mac(struct iovnet_pf *pf, const u8 *addr);
void iovnet_pf_vf_apply(struct iovnet_pf *pf, unsigned int vf);
void iovnet_pf_vf_flr(struct iovnet_pf *pf, unsigned int vf);
void iovnet_pf_vf_spoofed(struct iovnet_pf *pf, u32 wvbr);
int iovnet_pf_vf_reset_msg(struct iovnet_pf *pf, unsigned int vf,
			   union iovnet_mbx_msg *reply);
int iovnet_pf_vf_request(struct iovnet_pf *pf, unsigned int vf,
			 const union iovnet_mbx_msg *req,
			 union iovnet_mbx_msg *reply);
unsigned int iovnet_pf_vf_link_msg(struct iovnet_pf *pf, unsigned int vf,
				   union iovnet_mbx_msg *msg);
void iovnet_pf_vf_link_changed(struct iovnet_pf *pf);
int iovnet_pf_set_vf_mac(struct net_device *netdev, int vf, u8 *mac);
int iovnet_pf_set_vf_vlan(struct net_device *netdev, int vf, u16 vlan, u8 qos,
			  __be16 proto);
int iovnet_pf_set_vf_rate(struct net_device *netdev, int vf, int min_rate,
			  int max_rate);
int iovnet_pf_set_vf_spoofchk(struct net_device *netdev, int vf, bool on);
int iovnet_pf_set_vf_trust(struct net_device *netdev, int vf, bool on);
int iovnet_pf_set_vf_rss_query_en(struct net_device *netdev, int vf, bool on);
int iovnet_pf_set_vf_link_state(struct net_device *netdev, int vf, int state);
int iovnet_pf_get_vf_config(struct net_device *netdev, int vf,
			    struct ifla_vf_info *ivi);
int iovnet_pf_get_vf_stats(struct net_device *netdev, int vf,
			   struct ifla_vf_stats *stats);

/* iovnet_pf_mbx.c: the mailbox transport */
void iovnet_pf_mbx_task(struct work_struct *work);
void iovnet_pf_mbx_schedule(struct iovnet_pf *pf);
void iovnet_pf_mbx_irq(struct iovnet_pf *pf);
void iovnet_pf_mbx_start(struct iovnet_pf *pf);
void iovnet_pf_mbx_notify(struct iovnet_pf *pf, unsigned int vf, u8 what);

/* iovnet_pf_ptp.c */
void iovnet_pf_ptp_init(struct iovnet_pf *pf);
void iovnet_pf_ptp_reset(struct iovnet_pf *pf);
void iovnet_pf_ptp_fini(struct iovnet_pf *pf);
int iovnet_pf_get_ts_info(struct net_device *netdev,
			  struct kernel_ethtool_ts_info *info);
bool iovnet_pf_ptp_tx_tstamp(struct iovnet_port *port, struct sk_buff *skb);
void iovnet_pf_ptp_rx_tstamp(struct iovnet_port *port, struct sk_buff *skb);
int iovnet_pf_hwtstamp_set(struct iovnet_pf *pf, int tx_type, int *rx_filter,
			   struct netlink_ext_ack *extack);
void iovnet_pf_hwtstamp_get(struct iovnet_pf *pf, int *tx_type,
			    int *rx_filter);

/* iovnet_pf_ethtool.c */
void iovnet_pf_set_ethtool_ops(struct net_device *netdev);

/* iovnet_pf_devlink.c */
#if IS_ENABLED(CONFIG_NET_DEVLINK)
int iovnet_pf_devlink_register(struct iovnet_pf *pf);
void iovnet_pf_devlink_unregister(struct iovnet_pf *pf);
void iovnet_pf_tx_hang_report(struct iovnet_pf *pf, const char *why,
			      u32 queue);
void iovnet_pf_mbx_report(struct iovnet_pf *pf, unsigned int vf);
void iovnet_pf_mbx_healthy(struct iovnet_pf *pf);
#else
static inline int iovnet_pf_devlink_register(struct iovnet_pf *pf)
{
	return 0;
}

static inline void iovnet_pf_devlink_unregister(struct iovnet_pf *pf)
{
}

/* Without devlink a hang is recovered at once, as the reporter would */
static inline void iovnet_pf_tx_hang_report(struct iovnet_pf *pf,
					    const char *why, u32 queue)
{
	set_bit(IOVNET_PF_RESET_REQUESTED, pf->state);
}

static inline void iovnet_pf_mbx_report(struct iovnet_pf *pf,
					unsigned int vf)
{
}

static inline void iovnet_pf_mbx_healthy(struct iovnet_pf *pf)
{
}
#endif

#endif /* _IOVNET_PF_H_ */
