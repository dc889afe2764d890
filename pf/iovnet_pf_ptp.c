// SPDX-License-Identifier: GPL-2.0
/* Copyright (c) 2026 The iovnet authors */

/*
 * The 82576's IEEE 1588 clock as a PTP hardware clock (/dev/ptpN).
 *
 * SYSTIM is a free-running 64-bit counter. The PF programs TIMINCA so that
 * it counts time in units of 2^-19 ns (an increment of 16 << 19 every 16 ns
 * tick) and never writes it: the clock's time is a timecounter over it, set
 * and stepped in software, while "adjfine" tunes the increment. The times
 * the device latches for PTP frames are SYSTIM values and convert the same
 * way. SYSTIM wraps after 2^45 ns (9.7 hours); the PTP core's worker reads
 * the clock every half hour, well within half of that.
 *
 * Hardware timestamps: the device latches one transmit time (TXSTMP) and one
 * receive time (RXSTMP), each held until its high word is read. One frame
 * at a time waits for its transmit time (not a TSO frame: every segment
 * would latch one); the PTP worker looks for it at once, then every tick,
 * and gives up after IOVNET_PF_PTP_TX_TIMEOUT. Received PTPv2 event messages
 * over Ethernet (EtherType 0x88f7, an ETQF filter) carry IOVNET_RXD_STAT_TS,
 * and the datapath reads their time from RXSTMP.
 */

#include <linux/ethtool.h>
#include <linux/net_tstamp.h>

#include "iovnet_pf.h"

#define IOVNET_PF_PTP_SHIFT		19
#define IOVNET_PF_PTP_INCVALUE		(16U << IOVNET_PF_PTP_SHIFT)
/* INCVALUE has 24 bits: at most (2^24 - 1) / 2^23 of the nominal rate */
#define IOVNET_PF_PTP_MAX_ADJ		999999880
#define IOVNET_PF_PTP_CHECK_PERIOD	(30 * 60 * HZ)
#define IOVNET_PF_PTP_TX_TIMEOUT	HZ
#define IOVNET_PF_PTP_TX_SPIN		2	/* jiffies */
/* A receive time nobody read for this long belongs to a frame the PF lost */
#define IOVNET_PF_PTP_RX_STALE		(2 * HZ)

static struct iovnet_pf *iovnet_pf_ptp_pf(struct ptp_clock_info *info)
{
	return container_of(info, struct iovnet_pf, ptp.info);
}

/* SYSTIM, under ptp.lock: reading the low word latches the high one */
static u64 iovnet_pf_ptp_read_systim(struct iovnet_pf *pf,
				     struct ptp_system_timestamp *sts)
{
	u32 lo, hi;

	ptp_read_system_prets(sts);
	lo = pf_rd32(pf, IOVNET_PF_SYSTIML);
	ptp_read_system_postts(sts);
	hi = pf_rd32(pf, IOVNET_PF_SYSTIMH);
	return (u64)hi << 32 | lo;
}

static u64
iovnet_pf_ptp_cc_read(IOVNET_CYCLECOUNTER_CONST struct cyclecounter *cc)
{
	struct iovnet_pf *pf = container_of(cc, struct iovnet_pf, ptp.cc);

	return iovnet_pf_ptp_read_systim(pf, NULL);
}

static void iovnet_pf_ptp_write_timinca(struct iovnet_pf *pf)
{
	pf_wr32(pf, IOVNET_PF_TIMINCA,
		FIELD_PREP(IOVNET_TIMINCA_INCPERIOD, 1) |
		FIELD_PREP(IOVNET_TIMINCA_INCVALUE, pf->ptp.incvalue));
}

/*
 * The increment for @scaled_ppm (parts per million, 16 fractional bits):
 * the nominal one is 2^23, so one step of it is 119 ppb.
 */
static u32 iovnet_pf_ptp_incvalue(long scaled_ppm)
{
	u64 delta = div64_u64((u64)abs(scaled_ppm) * IOVNET_PF_PTP_INCVALUE,
			      1000000ULL << 16);
	u64 inc = scaled_ppm < 0 ? IOVNET_PF_PTP_INCVALUE - delta :
				   IOVNET_PF_PTP_INCVALUE + delta;

	return clamp_t(u64, inc, 1, IOVNET_TIMINCA_INCVALUE);
}

static int iovnet_pf_ptp_adjfine(struct ptp_clock_info *info, long scaled_ppm)
{
	struct iovnet_pf *pf = iovnet_pf_ptp_pf(info);
	unsigned long flags;

	if (iovnet_pf_offline(pf))
		return -EIO;
	spin_lock_irqsave(&pf->ptp.lock, flags);
	pf->ptp.incvalue = iovnet_pf_ptp_incvalue(scaled_ppm);
	iovnet_pf_ptp_write_timinca(pf);
	spin_unlock_irqrestore(&pf->ptp.lock, flags);
	return 0;
}

static int iovnet_pf_ptp_adjtime(struct ptp_clock_info *info, s64 delta)
{
	struct iovnet_pf *pf = iovnet_pf_ptp_pf(info);
	unsigned long flags;

	if (iovnet_pf_offline(pf))
		return -EIO;
	spin_lock_irqsave(&pf->ptp.lock, flags);
	timecounter_adjtime(&pf->ptp.tc, delta);
	spin_unlock_irqrestore(&pf->ptp.lock, flags);
	return 0;
}

static int iovnet_pf_ptp_gettimex64(struct ptp_clock_info *info,
				    struct timespec64 *ts,
				    struct ptp_system_timestamp *sts)
{
	struct iovnet_pf *pf = iovnet_pf_ptp_pf(info);
	unsigned long flags;
	u64 ns;

	/* A device in error recovery reads all ones: no time is better */
	if (iovnet_pf_offline(pf))
		return -EIO;
	spin_lock_irqsave(&pf->ptp.lock, flags);
	ns = timecounter_cyc2time(&pf->ptp.tc,
				  iovnet_pf_ptp_read_systim(pf, sts));
	spin_unlock_irqrestore(&pf->ptp.lock, flags);
	*ts = ns_to_timespec64(ns);
	return 0;
}

static int iovnet_pf_ptp_settime64(struct ptp_clock_info *info,
				   const struct timespec64 *ts)
{
	struct iovnet_pf *pf = iovnet_pf_ptp_pf(info);
	unsigned long flags;

	if (iovnet_pf_offline(pf))
		return -EIO;
	spin_lock_irqsave(&pf->ptp.lock, flags);
	timecounter_init(&pf->ptp.tc, &pf->ptp.cc, timespec64_to_ns(ts));
	spin_unlock_irqrestore(&pf->ptp.lock, flags);
	return 0;
}

static int iovnet_pf_ptp_enable(struct ptp_clock_info *info,
				struct ptp_clock_request *rq, int on)
{
	return -EOPNOTSUPP;
}

/* A SYSTIM value the device latched, as the clock's time */
static ktime_t iovnet_pf_ptp_latched(struct iovnet_pf *pf, u32 lo, u32 hi)
{
	unsigned long flags;
	u64 ns;

	spin_lock_irqsave(&pf->ptp.lock, flags);
	ns = timecounter_cyc2time(&pf->ptp.tc, (u64)hi << 32 | lo);
	spin_unlock_irqrestore(&pf->ptp.lock, flags);
	return ns_to_ktime(ns);
}

/*
 * Hand the waiting frame its transmit time once the device latched it, or
 * give up on it. Return: true while it still waits.
 */
static bool iovnet_pf_ptp_tx_poll(struct iovnet_pf *pf)
{
	struct skb_shared_hwtstamps hwts = {};
	/* Pairs with the release in iovnet_pf_ptp_tx_tstamp(): tx_start too */
	struct sk_buff *skb = smp_load_acquire(&pf->ptp.tx_skb);
	bool latched;
	u32 lo, hi;

	if (!skb)
		return false;
	latched = pf_rd32(pf, IOVNET_PF_TSYNCTXCTL) & IOVNET_TSYNCTXCTL_VALID;
	if (!latched && time_before(jiffies, pf->ptp.tx_start +
				    IOVNET_PF_PTP_TX_TIMEOUT))
		return true;
	lo = pf_rd32(pf, IOVNET_PF_TXSTMPL);
	hi = pf_rd32(pf, IOVNET_PF_TXSTMPH);	/* frees TXSTMP */
	if (latched) {
		hwts.hwtstamp = iovnet_pf_ptp_latched(pf, lo, hi);
		skb_tstamp_tx(skb, &hwts);
	} else {
		atomic64_inc(&pf->ptp.tx_timeouts);
		net_warn_ratelimited("%s: no transmit timestamp after %u ms\n",
				     netdev_name(pf->netdev),
				     jiffies_to_msecs(IOVNET_PF_PTP_TX_TIMEOUT));
	}
	WRITE_ONCE(pf->ptp.tx_skb, NULL);
	clear_bit_unlock(IOVNET_PF_PTP_TX_BUSY, pf->state);
	dev_kfree_skb_any(skb);
	return false;
}

/*
 * The device latches the time of every PTP event frame it receives, also
 * of one that no queue of the PF takes (a VF's, one the filters drop), and
 * latches no other until RXSTMPH is read: a time left unread for
 * IOVNET_PF_PTP_RX_STALE is freed here. Return: true while receive
 * timestamps are on (look again in a second).
 */
static bool iovnet_pf_ptp_rx_unstick(struct iovnet_pf *pf)
{
	unsigned long since;

	if (READ_ONCE(pf->ptp.rx_filter) == HWTSTAMP_FILTER_NONE)
		return false;
	if (!(pf_rd32(pf, IOVNET_PF_TSYNCRXCTL) & IOVNET_TSYNCRXCTL_VALID)) {
		pf->ptp.rx_free_at = jiffies;
		return true;
	}
	since = READ_ONCE(pf->ptp.rx_read_at);
	if (time_after(pf->ptp.rx_free_at, since))
		since = pf->ptp.rx_free_at;
	if (time_after(jiffies, since + IOVNET_PF_PTP_RX_STALE)) {
		pf_rd32(pf, IOVNET_PF_RXSTMPH);
		pf->ptp.rx_free_at = jiffies;
		WRITE_ONCE(pf->ptp.rx_cleared, pf->ptp.rx_cleared + 1);
	}
	return true;
}

/*
 * The PTP core's worker: a waiting transmit time every tick, a receive time
 * nobody reads every second, and a read of the clock now and then so that
 * the timecounter sees every wrap of SYSTIM
 */
static long iovnet_pf_ptp_aux_work(struct ptp_clock_info *info)
{
	struct iovnet_pf *pf = iovnet_pf_ptp_pf(info);
	long next = IOVNET_PF_PTP_CHECK_PERIOD;
	unsigned long flags;

	/* Error recovery: look again soon, iovnet_pf_ptp_reset() kicks too */
	if (iovnet_pf_offline(pf))
		return HZ;
	spin_lock_irqsave(&pf->ptp.lock, flags);
	timecounter_read(&pf->ptp.tc);
	spin_unlock_irqrestore(&pf->ptp.lock, flags);
	if (iovnet_pf_ptp_rx_unstick(pf))
		next = HZ;
	/*
	 * A frame waiting for its time: the device latches it as the frame
	 * leaves, so look again at once for IOVNET_PF_PTP_TX_SPIN (ptp4l
	 * waits 1 ms by default), then every tick
	 */
	if (iovnet_pf_ptp_tx_poll(pf))
		next = time_before(jiffies, pf->ptp.tx_start +
				   IOVNET_PF_PTP_TX_SPIN) ? 0 : 1;
	return next;
}

static const struct ptp_clock_info iovnet_pf_ptp_info = {
	.owner		= THIS_MODULE,
	.name		= IOVNET_PF_DRV_NAME,
	.max_adj	= IOVNET_PF_PTP_MAX_ADJ,
	.adjfine	= iovnet_pf_ptp_adjfine,
	.adjtime	= iovnet_pf_ptp_adjtime,
	.gettimex64	= iovnet_pf_ptp_gettimex64,
	.settime64	= iovnet_pf_ptp_settime64,
	.enable		= iovnet_pf_ptp_enable,
	.do_aux_work	= iovnet_pf_ptp_aux_work,
};

/* Program the timestamping iovnet_pf_hwtstamp_set() chose */
static void iovnet_pf_ptp_apply(struct iovnet_pf *pf)
{
	bool rx_on = pf->ptp.rx_filter != HWTSTAMP_FILTER_NONE;

	pf_wr32(pf, IOVNET_PF_TSYNCTXCTL,
		pf->ptp.tx_on ? IOVNET_TSYNCTXCTL_EN : 0);
	pf_wr32(pf, IOVNET_PF_ETQF(IOVNET_PF_ETQF_PTP),
		rx_on ? FIELD_PREP(IOVNET_ETQF_ETYPE, ETH_P_1588) |
			IOVNET_ETQF_FILTER_EN | IOVNET_ETQF_1588 : 0);
	pf_wr32(pf, IOVNET_PF_TSYNCRXCTL,
		rx_on ? IOVNET_TSYNCRXCTL_EN |
			FIELD_PREP(IOVNET_TSYNCRXCTL_TYPE,
				   IOVNET_TSYNCRXCTL_TYPE_EVENT_V2) : 0);
	/* A time latched before belongs to no frame we know: free it */
	pf_rd32(pf, IOVNET_PF_RXSTMPH);
}

/**
 * iovnet_pf_ptp_tx_tstamp() - a frame asks for its transmit time
 * @port: the PF's datapath
 * @skb: the frame, in ndo_start_xmit
 *
 * Return: true when the device is to latch its time: it is the only frame
 * waiting for one.
 */
bool iovnet_pf_ptp_tx_tstamp(struct iovnet_port *port, struct sk_buff *skb)
{
	struct iovnet_pf *pf = container_of(port, struct iovnet_pf, port);

	if (!READ_ONCE(pf->ptp.tx_on))
		return false;
	/* Each segment would latch a time: only the first one is this frame's */
	if (skb_is_gso(skb) ||
	    test_and_set_bit_lock(IOVNET_PF_PTP_TX_BUSY, pf->state)) {
		atomic64_inc(&pf->ptp.tx_skipped);
		return false;
	}
	/* A time latched for a frame given up on is not this one's */
	pf_rd32(pf, IOVNET_PF_TXSTMPH);
	skb_shinfo(skb)->tx_flags |= SKBTX_IN_PROGRESS;
	pf->ptp.tx_start = jiffies;
	/* The worker reads tx_start after it sees the frame */
	smp_store_release(&pf->ptp.tx_skb, skb_get(skb));
	ptp_schedule_worker(pf->ptp.clock, 0);
	return true;
}

/**
 * iovnet_pf_ptp_rx_tstamp() - attach the receive time the device latched
 * @port: the PF's datapath
 * @skb: a frame whose descriptor says its time is in RXSTMP
 */
void iovnet_pf_ptp_rx_tstamp(struct iovnet_port *port, struct sk_buff *skb)
{
	struct iovnet_pf *pf = container_of(port, struct iovnet_pf, port);
	u32 lo, hi;

	if (!(pf_rd32(pf, IOVNET_PF_TSYNCRXCTL) & IOVNET_TSYNCRXCTL_VALID))
		return;
	lo = pf_rd32(pf, IOVNET_PF_RXSTMPL);
	hi = pf_rd32(pf, IOVNET_PF_RXSTMPH);	/* frees RXSTMP */
	WRITE_ONCE(pf->ptp.rx_read_at, jiffies);
	if (READ_ONCE(pf->ptp.rx_filter) != HWTSTAMP_FILTER_NONE)
		skb_hwtstamps(skb)->hwtstamp = iovnet_pf_ptp_latched(pf, lo, hi);
}

/**
 * iovnet_pf_hwtstamp_set() - choose which frames get hardware timestamps
 * @pf: the PF, under RTNL
 * @tx_type: HWTSTAMP_TX_*
 * @rx_filter: HWTSTAMP_FILTER_*; set to the filter put in force
 * @extack: why a choice is refused
 *
 * Return: 0, -EOPNOTSUPP without a PHC, -ERANGE for what the 82576 cannot
 * timestamp.
 */
int iovnet_pf_hwtstamp_set(struct iovnet_pf *pf, int tx_type, int *rx_filter,
			   struct netlink_ext_ack *extack)
{
	if (!pf->ptp.clock) {
		NL_SET_ERR_MSG_MOD(extack, "no PTP hardware clock");
		return -EOPNOTSUPP;
	}
	if (tx_type != HWTSTAMP_TX_OFF && tx_type != HWTSTAMP_TX_ON) {
		NL_SET_ERR_MSG_MOD(extack, "transmit timestamps are on or off");
		return -ERANGE;
	}
	switch (*rx_filter) {
	case HWTSTAMP_FILTER_NONE:
		break;
	case HWTSTAMP_FILTER_PTP_V2_L2_EVENT:
	case HWTSTAMP_FILTER_PTP_V2_L2_SYNC:
	case HWTSTAMP_FILTER_PTP_V2_L2_DELAY_REQ:
		*rx_filter = HWTSTAMP_FILTER_PTP_V2_L2_EVENT;
		break;
	default:
		NL_SET_ERR_MSG_MOD(extack,
				   "receive timestamps: PTPv2 event messages over Ethernet only (ptpv2-l2-event)");
		return -ERANGE;
	}
	WRITE_ONCE(pf->ptp.tx_on, tx_type == HWTSTAMP_TX_ON);
	WRITE_ONCE(pf->ptp.rx_filter, *rx_filter);
	if (!iovnet_pf_offline(pf))
		iovnet_pf_ptp_apply(pf);
	/* The worker looks after RXSTMP from now on */
	ptp_schedule_worker(pf->ptp.clock, 0);
	return 0;
}

/**
 * iovnet_pf_hwtstamp_get() - the hardware timestamping in force
 * @pf: the PF, under RTNL
 * @tx_type: set to HWTSTAMP_TX_ON or _OFF
 * @rx_filter: set to the HWTSTAMP_FILTER_* in force
 */
void iovnet_pf_hwtstamp_get(struct iovnet_pf *pf, int *tx_type,
			    int *rx_filter)
{
	*tx_type = pf->ptp.tx_on ? HWTSTAMP_TX_ON : HWTSTAMP_TX_OFF;
	*rx_filter = pf->ptp.rx_filter;
}

/**
 * iovnet_pf_ptp_reset() - start SYSTIM counting after a device reset
 * @pf: the PF
 *
 * The clock keeps its frequency adjustment and takes the system's time:
 * what it counted before the reset is gone with SYSTIM. The hardware
 * timestamping chosen before is programmed again.
 */
void iovnet_pf_ptp_reset(struct iovnet_pf *pf)
{
	unsigned long flags;

	spin_lock_irqsave(&pf->ptp.lock, flags);
	iovnet_pf_ptp_write_timinca(pf);
	timecounter_init(&pf->ptp.tc, &pf->ptp.cc, ktime_get_real_ns());
	spin_unlock_irqrestore(&pf->ptp.lock, flags);
	iovnet_pf_ptp_apply(pf);
	/* A frame that waited through the reset lost its time: let it go */
	if (pf->ptp.clock)
		ptp_schedule_worker(pf->ptp.clock, 0);
}

/**
 * iovnet_pf_ptp_init() - start the clock and register it as a PHC
 * @pf: the PF, its device reset and initialised
 *
 * A PF without a PHC (no PTP support in the kernel, or its registration
 * failed) works on, with software timestamps only.
 */
void iovnet_pf_ptp_init(struct iovnet_pf *pf)
{
	struct ptp_clock *clock;

	spin_lock_init(&pf->ptp.lock);
	pf->ptp.info = iovnet_pf_ptp_info;
	pf->ptp.cc.read = iovnet_pf_ptp_cc_read;
	pf->ptp.cc.mask = CYCLECOUNTER_MASK(64);
	pf->ptp.cc.mult = 1;
	pf->ptp.cc.shift = IOVNET_PF_PTP_SHIFT;
	pf->ptp.incvalue = IOVNET_PF_PTP_INCVALUE;
	pf->ptp.rx_filter = HWTSTAMP_FILTER_NONE;
	iovnet_pf_ptp_reset(pf);

	clock = ptp_clock_register(&pf->ptp.info, &pf->pdev->dev);
	if (IS_ERR(clock)) {
		dev_warn(&pf->pdev->dev, "no PTP hardware clock: %ld\n",
			 PTR_ERR(clock));
		return;
	}
	pf->ptp.clock = clock;
	if (clock)
		ptp_schedule_worker(clock, IOVNET_PF_PTP_CHECK_PERIOD);
}

/**
 * iovnet_pf_ptp_fini() - unregister the PHC
 * @pf: the PF, its netdev unregistered (no ethtool call can see the clock)
 */
void iovnet_pf_ptp_fini(struct iovnet_pf *pf)
{
	/* Stops the worker: a frame still waiting is nobody's now */
	if (pf->ptp.clock)
		ptp_clock_unregister(pf->ptp.clock);
	pf->ptp.clock = NULL;
	if (pf->ptp.tx_skb) {
		dev_kfree_skb_any(pf->ptp.tx_skb);
		pf->ptp.tx_skb = NULL;
		clear_bit_unlock(IOVNET_PF_PTP_TX_BUSY, pf->state);
	}
}

/**
 * iovnet_pf_get_ts_info() - ethtool -T
 * @netdev: the PF's netdev
 * @info: filled with the timestamping the PF offers and its PHC
 *
 * Return: 0.
 */
int iovnet_pf_get_ts_info(struct net_device *netdev,
			  struct kernel_ethtool_ts_info *info)
{
	struct iovnet_pf *pf = netdev_priv(netdev);

	info->so_timestamping = SOF_TIMESTAMPING_TX_SOFTWARE |
				SOF_TIMESTAMPING_RX_SOFTWARE |
				SOF_TIMESTAMPING_SOFTWARE;
	info->phc_index = -1;
	if (!pf->ptp.clock)
		return 0;
	info->so_timestamping |= SOF_TIMESTAMPING_TX_HARDWARE |
				 SOF_TIMESTAMPING_RX_HARDWARE |
				 SOF_TIMESTAMPING_RAW_HARDWARE;
	info->phc_index = ptp_clock_index(pf->ptp.clock);
	info->tx_types = BIT(HWTSTAMP_TX_OFF) | BIT(HWTSTAMP_TX_ON);
	info->rx_filters = BIT(HWTSTAMP_FILTER_NONE) |
			   BIT(HWTSTAMP_FILTER_PTP_V2_L2_EVENT) |
			   BIT(HWTSTAMP_FILTER_PTP_V2_L2_SYNC) |
			   BIT(HWTSTAMP_FILTER_PTP_V2_L2_DELAY_REQ);
	return 0;
}
