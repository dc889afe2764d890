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
 */

#include <linux/ethtool.h>

#include "iovnet_pf.h"

#define IOVNET_PF_PTP_SHIFT		19
#define IOVNET_PF_PTP_INCVALUE		(16U << IOVNET_PF_PTP_SHIFT)
/* INCVALUE has 24 bits: at most (2^24 - 1) / 2^23 of the nominal rate */
#define IOVNET_PF_PTP_MAX_ADJ		999999880
#define IOVNET_PF_PTP_CHECK_PERIOD	(30 * 60 * HZ)

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

static u64 iovnet_pf_ptp_cc_read(const struct cyclecounter *cc)
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

/* Keeps the timecounter from missing a wrap of SYSTIM */
static long iovnet_pf_ptp_aux_work(struct ptp_clock_info *info)
{
	struct iovnet_pf *pf = iovnet_pf_ptp_pf(info);
	unsigned long flags;

	if (!iovnet_pf_offline(pf)) {
		spin_lock_irqsave(&pf->ptp.lock, flags);
		timecounter_read(&pf->ptp.tc);
		spin_unlock_irqrestore(&pf->ptp.lock, flags);
	}
	return IOVNET_PF_PTP_CHECK_PERIOD;
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

/**
 * iovnet_pf_ptp_reset() - start SYSTIM counting after a device reset
 * @pf: the PF
 *
 * The clock keeps its frequency adjustment and takes the system's time:
 * what it counted before the reset is gone with SYSTIM.
 */
void iovnet_pf_ptp_reset(struct iovnet_pf *pf)
{
	unsigned long flags;

	spin_lock_irqsave(&pf->ptp.lock, flags);
	iovnet_pf_ptp_write_timinca(pf);
	timecounter_init(&pf->ptp.tc, &pf->ptp.cc, ktime_get_real_ns());
	spin_unlock_irqrestore(&pf->ptp.lock, flags);
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
	if (pf->ptp.clock)
		ptp_clock_unregister(pf->ptp.clock);
	pf->ptp.clock = NULL;
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
	info->phc_index = pf->ptp.clock ? ptp_clock_index(pf->ptp.clock) : -1;
	return 0;
}
