// SPDX-License-Identifier: GPL-2.0
/* Copyright (c) 2026 The iovnet authors */

#include <linux/ethtool.h>
#include <linux/linkmode.h>

#include "iovnet_ethtool.h"
#include "iovnet_pf.h"
#include "iovnet_pf_ethtool_compat.h"

/* ethtool -t */

enum iovnet_pf_test {
	IOVNET_PF_TEST_REG,
	IOVNET_PF_TEST_LINK,
	IOVNET_PF_TEST_IRQ,
	IOVNET_PF_TESTS,
};

static const char iovnet_pf_test_names[][ETH_GSTRING_LEN] = {
	[IOVNET_PF_TEST_REG] = "Register test  (offline)",
	[IOVNET_PF_TEST_LINK] = "Link test   (on/offline)",
	[IOVNET_PF_TEST_IRQ] = "Interrupt test (online)",
};

static void iovnet_pf_get_drvinfo(struct net_device *netdev,
				  struct ethtool_drvinfo *info)
{
	struct iovnet_pf *pf = netdev_priv(netdev);

	strscpy(info->driver, IOVNET_PF_DRV_NAME, sizeof(info->driver));
	strscpy(info->bus_info, pci_name(pf->pdev), sizeof(info->bus_info));
}

static int iovnet_pf_get_link_ksettings(struct net_device *netdev,
					struct ethtool_link_ksettings *ks)
{
	struct iovnet_pf *pf = netdev_priv(netdev);
	static const int modes[] = {
		ETHTOOL_LINK_MODE_10baseT_Half_BIT,
		ETHTOOL_LINK_MODE_10baseT_Full_BIT,
		ETHTOOL_LINK_MODE_100baseT_Half_BIT,
		ETHTOOL_LINK_MODE_100baseT_Full_BIT,
		ETHTOOL_LINK_MODE_1000baseT_Full_BIT,
		ETHTOOL_LINK_MODE_Autoneg_BIT,
		ETHTOOL_LINK_MODE_TP_BIT,
		ETHTOOL_LINK_MODE_Pause_BIT,
		ETHTOOL_LINK_MODE_Asym_Pause_BIT,
	};
	unsigned int i;

	ethtool_link_ksettings_zero_link_mode(ks, supported);
	for (i = 0; i < ARRAY_SIZE(modes); i++)
		linkmode_set_bit(modes[i], ks->link_modes.supported);
	linkmode_copy(ks->link_modes.advertising, ks->link_modes.supported);
	/* Pause as iovnet_pf_phy_start() advertises it */
	linkmode_mod_bit(ETHTOOL_LINK_MODE_Pause_BIT,
			 ks->link_modes.advertising, pf->fc_rx);
	linkmode_mod_bit(ETHTOOL_LINK_MODE_Asym_Pause_BIT,
			 ks->link_modes.advertising, pf->fc_rx != pf->fc_tx);

	ks->base.port = PORT_TP;
	ks->base.phy_address = 1;
	ks->base.autoneg = AUTONEG_ENABLE;
	if (netif_carrier_ok(netdev)) {
		ks->base.speed = pf->link_speed;
		ks->base.duplex = pf->link_duplex;
	} else {
		ks->base.speed = SPEED_UNKNOWN;
		ks->base.duplex = DUPLEX_UNKNOWN;
	}
	return 0;
}

static void iovnet_pf_get_ringparam(struct net_device *netdev,
				    struct ethtool_ringparam *ring,
				    struct kernel_ethtool_ringparam *kring,
				    struct netlink_ext_ack *extack)
{
	struct iovnet_pf *pf = netdev_priv(netdev);

	iovnet_ethtool_get_ringparam(&pf->port, ring);
}

static int iovnet_pf_set_ringparam(struct net_device *netdev,
				   struct ethtool_ringparam *ring,
				   struct kernel_ethtool_ringparam *kring,
				   struct netlink_ext_ack *extack)
{
	struct iovnet_pf *pf = netdev_priv(netdev);

	/* Not netif_running(): a failed restart leaves the netdev up, no rings */
	return iovnet_ethtool_set_ringparam(&pf->port, ring,
					    iovnet_pf_running(pf), extack);
}

static void iovnet_pf_get_channels(struct net_device *netdev,
				   struct ethtool_channels *ch)
{
	struct iovnet_pf *pf = netdev_priv(netdev);

	iovnet_ethtool_get_channels(&pf->port, ch);
}

static int iovnet_pf_set_channels(struct net_device *netdev,
				  struct ethtool_channels *ch)
{
	struct iovnet_pf *pf = netdev_priv(netdev);
	unsigned int old = pf->port.num_queues;
	bool running = iovnet_pf_running(pf);
	int err;

	/* The core has checked the counts against get_channels() */
	if (ch->rx_count || ch->tx_count || ch->other_count != 1)
		return -EINVAL;
	if (ch->combined_count == old)
		return 0;

	/* The queue count may only change while no queue runs */
	if (running)
		iovnet_pf_down(pf);
	pf->port.num_queues = ch->combined_count;
	if (!netif_is_rxfh_configured(netdev))
		iovnet_pf_rss_default_reta(pf);
	if (!running)
		return 0;
	err = iovnet_pf_up(pf);
	if (err) {
		/* Go back to what ran before rather than stay down */
		pf->port.num_queues = old;
		if (!netif_is_rxfh_configured(netdev))
			iovnet_pf_rss_default_reta(pf);
		if (iovnet_pf_up(pf))
			netdev_err(netdev, "cannot restart with %u queues\n", old);
	}
	return err;
}

static u32 iovnet_pf_get_rxfh_key_size(struct net_device *netdev)
{
	return IOVNET_RSS_KEY_SIZE;
}

static u32 iovnet_pf_get_rxfh_indir_size(struct net_device *netdev)
{
	return IOVNET_RETA_SIZE;
}

static int iovnet_pf_get_rxfh(struct net_device *netdev,
			      struct ethtool_rxfh_param *rxfh)
{
	struct iovnet_pf *pf = netdev_priv(netdev);
	unsigned int i;

	rxfh->hfunc = ETH_RSS_HASH_TOP;
	if (rxfh->indir)
		for (i = 0; i < IOVNET_RETA_SIZE; i++)
			rxfh->indir[i] = pf->reta[i];
	if (rxfh->key)
		memcpy(rxfh->key, pf->rss_key, IOVNET_RSS_KEY_SIZE);
	return 0;
}

static int iovnet_pf_set_rxfh(struct net_device *netdev,
			      struct ethtool_rxfh_param *rxfh,
			      struct netlink_ext_ack *extack)
{
	struct iovnet_pf *pf = netdev_priv(netdev);
	unsigned int i;

	if (rxfh->hfunc != ETH_RSS_HASH_NO_CHANGE &&
	    rxfh->hfunc != ETH_RSS_HASH_TOP) {
		NL_SET_ERR_MSG_MOD(extack, "only the Toeplitz hash is supported");
		return -EOPNOTSUPP;
	}
	/* The core has checked every entry against the RX ring count */
	if (rxfh->indir)
		for (i = 0; i < IOVNET_RETA_SIZE; i++)
			pf->reta[i] = rxfh->indir[i];
	if (rxfh->key)
		memcpy(pf->rss_key, rxfh->key, IOVNET_RSS_KEY_SIZE);
	iovnet_pf_configure_rss(pf);
	return 0;
}

static int iovnet_pf_get_rss_hash_opts(struct iovnet_pf *pf,
				       struct ethtool_rxnfc *nfc)
{
	nfc->data = 0;
	switch (nfc->flow_type) {
	case TCP_V4_FLOW:
	case TCP_V6_FLOW:
		nfc->data = RXH_L4_B_0_1 | RXH_L4_B_2_3;
		fallthrough;
	case IPV4_FLOW:
	case IPV6_FLOW:
		nfc->data |= RXH_IP_SRC | RXH_IP_DST;
		return 0;
	case UDP_V4_FLOW:
		if (pf->rss_flags & IOVNET_PF_RSS_UDP4)
			nfc->data = RXH_L4_B_0_1 | RXH_L4_B_2_3;
		nfc->data |= RXH_IP_SRC | RXH_IP_DST;
		return 0;
	case UDP_V6_FLOW:
		if (pf->rss_flags & IOVNET_PF_RSS_UDP6)
			nfc->data = RXH_L4_B_0_1 | RXH_L4_B_2_3;
		nfc->data |= RXH_IP_SRC | RXH_IP_DST;
		return 0;
	default:
		return -EINVAL;
	}
}

static int iovnet_pf_get_rxnfc(struct net_device *netdev,
			       struct ethtool_rxnfc *nfc, u32 *rule_locs)
{
	struct iovnet_pf *pf = netdev_priv(netdev);

	switch (nfc->cmd) {
	case ETHTOOL_GRXRINGS:
		nfc->data = pf->port.num_queues;
		return 0;
	case ETHTOOL_GRXFH:
		return iovnet_pf_get_rss_hash_opts(pf, nfc);
	default:
		return -EOPNOTSUPP;
	}
}

static int iovnet_pf_set_rss_hash_opts(struct iovnet_pf *pf,
				       struct ethtool_rxnfc *nfc)
{
	const u64 sd = RXH_IP_SRC | RXH_IP_DST;
	const u64 sdfn = sd | RXH_L4_B_0_1 | RXH_L4_B_2_3;
	u32 flag;

	switch (nfc->flow_type) {
	case TCP_V4_FLOW:
	case TCP_V6_FLOW:
		return nfc->data == sdfn ? 0 : -EINVAL;
	case IPV4_FLOW:
	case IPV6_FLOW:
		return nfc->data == sd ? 0 : -EINVAL;
	case UDP_V4_FLOW:
		flag = IOVNET_PF_RSS_UDP4;
		break;
	case UDP_V6_FLOW:
		flag = IOVNET_PF_RSS_UDP6;
		break;
	default:
		return -EINVAL;
	}

	if (nfc->data == sdfn)
		pf->rss_flags |= flag;
	else if (nfc->data == sd)
		pf->rss_flags &= ~flag;
	else
		return -EINVAL;
	iovnet_pf_configure_rss(pf);
	return 0;
}

static int iovnet_pf_set_rxnfc(struct net_device *netdev,
			       struct ethtool_rxnfc *nfc)
{
	if (nfc->cmd != ETHTOOL_SRXFH)
		return -EOPNOTSUPP;
	return iovnet_pf_set_rss_hash_opts(netdev_priv(netdev), nfc);
}

/*
 * Driver-specific counters, after the datapath's; standard ones are in
 * stats64, qstats and the ethtool groups.
 */
static const char iovnet_pf_stat_names[][ETH_GSTRING_LEN] = {
	"tx_timeouts",
	"resets",
	"rx_no_buffer",
	"rx_missed",
	"rx_undersize",
	"rx_oversize",
	"mbx_irqs_throttled",
	"tx_hwtstamp_timeouts",
	"tx_hwtstamp_skipped",
	"rx_hwtstamp_cleared",
};

static void iovnet_pf_stat_values(struct iovnet_pf *pf, u64 *v)
{
	struct iovnet_pf_hw_stats *hw = &pf->hw_stats;
	u64 *start = v;

	*v++ = pf->tx_timeouts;
	*v++ = pf->resets;
	iovnet_pf_update_hw_stats(pf);
	spin_lock_bh(&pf->stats_lock);
	*v++ = hw->rnbc;
	*v++ = hw->mpc;
	*v++ = hw->ruc;
	*v++ = hw->roc;
	spin_unlock_bh(&pf->stats_lock);
	*v++ = READ_ONCE(pf->mbx_irqs_throttled);
	*v++ = atomic64_read(&pf->ptp.tx_timeouts);
	*v++ = atomic64_read(&pf->ptp.tx_skipped);
	*v++ = READ_ONCE(pf->ptp.rx_cleared);
	WARN_ON_ONCE(v - start != ARRAY_SIZE(iovnet_pf_stat_names));
}

/* Per-VF mailbox counters: vfN_<name>, for each VF */
static const char * const iovnet_pf_vf_stat_names[] = {
	"mbx_msgs", "mbx_nacks", "mbx_invalid", "mbx_throttled", "mbx_busy",
	"resets", "spoof_events",
};

static void iovnet_pf_vf_stat_values(struct iovnet_pf *pf, u64 **data)
{
	unsigned int vf;

	mutex_lock(&pf->vf_lock);
	for (vf = 0; vf < pf->num_vfs; vf++) {
		const struct iovnet_pf_vf *v = &pf->vfs[vf];

		*(*data)++ = v->msgs;
		*(*data)++ = v->nacks;
		*(*data)++ = v->invalid;
		*(*data)++ = v->throttled;
		*(*data)++ = v->busy;
		*(*data)++ = v->resets;
		*(*data)++ = v->spoof_events;
	}
	mutex_unlock(&pf->vf_lock);
}

static int iovnet_pf_get_sset_count(struct net_device *netdev, int sset)
{
	struct iovnet_pf *pf = netdev_priv(netdev);

	switch (sset) {
	case ETH_SS_STATS:
		return IOVNET_RING_STATS + ARRAY_SIZE(iovnet_pf_stat_names) +
		       iovnet_queue_stats_count(&pf->port) +
		       pf->num_vfs * ARRAY_SIZE(iovnet_pf_vf_stat_names);
	case ETH_SS_TEST:
		return IOVNET_PF_TESTS;
	default:
		return -EOPNOTSUPP;
	}
}

static void iovnet_pf_get_strings(struct net_device *netdev, u32 sset, u8 *data)
{
	struct iovnet_pf *pf = netdev_priv(netdev);
	unsigned int i, vf;

	switch (sset) {
	case ETH_SS_STATS:
		iovnet_ring_stats_strings(&data);
		for (i = 0; i < ARRAY_SIZE(iovnet_pf_stat_names); i++)
			ethtool_puts(&data, iovnet_pf_stat_names[i]);
		iovnet_queue_stats_strings(&pf->port, &data);
		for (vf = 0; vf < pf->num_vfs; vf++)
			for (i = 0; i < ARRAY_SIZE(iovnet_pf_vf_stat_names); i++)
				ethtool_sprintf(&data, "vf%u_%s", vf,
						iovnet_pf_vf_stat_names[i]);
		break;
	case ETH_SS_TEST:
		for (i = 0; i < IOVNET_PF_TESTS; i++)
			ethtool_puts(&data, iovnet_pf_test_names[i]);
		break;
	}
}

static void iovnet_pf_get_ethtool_stats(struct net_device *netdev,
					struct ethtool_stats *stats, u64 *data)
{
	struct iovnet_pf *pf = netdev_priv(netdev);

	iovnet_ring_stats_values(&pf->port, &data);
	iovnet_pf_stat_values(pf, data);
	data += ARRAY_SIZE(iovnet_pf_stat_names);
	iovnet_queue_stats_values(&pf->port, &data);
	iovnet_pf_vf_stat_values(pf, &data);
}

static void iovnet_pf_get_eth_mac_stats(struct net_device *netdev,
					struct ethtool_eth_mac_stats *mac)
{
	struct iovnet_pf *pf = netdev_priv(netdev);
	struct iovnet_pf_hw_stats *hw = &pf->hw_stats;

	iovnet_pf_update_hw_stats(pf);
	spin_lock_bh(&pf->stats_lock);
	mac->FramesTransmittedOK = hw->gptc;
	mac->SingleCollisionFrames = hw->scc;
	mac->MultipleCollisionFrames = hw->mcc;
	mac->FramesReceivedOK = hw->gprc;
	mac->FrameCheckSequenceErrors = hw->crcerrs;
	mac->AlignmentErrors = hw->algnerrc;
	mac->OctetsTransmittedOK = hw->gotc;
	mac->FramesWithDeferredXmissions = hw->dc;
	mac->LateCollisions = hw->latecol;
	mac->FramesAbortedDueToXSColls = hw->ecol;
	mac->OctetsReceivedOK = hw->gorc;
	mac->MulticastFramesXmittedOK = hw->mptc;
	mac->BroadcastFramesXmittedOK = hw->bptc;
	mac->MulticastFramesReceivedOK = hw->mprc;
	mac->BroadcastFramesReceivedOK = hw->bprc;
	spin_unlock_bh(&pf->stats_lock);
}

/*
 * Flow control: what is in force (RFCE/TFCE) while the link is up, what
 * the administrator asked for otherwise.
 */
static void iovnet_pf_get_pauseparam(struct net_device *netdev,
				     struct ethtool_pauseparam *pause)
{
	struct iovnet_pf *pf = netdev_priv(netdev);
	u32 ctrl = pf_rd32(pf, IOVNET_CTRL);

	pause->autoneg = pf->fc_autoneg ? AUTONEG_ENABLE : AUTONEG_DISABLE;
	if (pf->link_up && (pf_rd32(pf, IOVNET_STATUS) & IOVNET_STATUS_LU)) {
		pause->rx_pause = !!(ctrl & IOVNET_CTRL_RFCE);
		pause->tx_pause = !!(ctrl & IOVNET_CTRL_TFCE);
	} else {
		pause->rx_pause = pf->fc_rx;
		pause->tx_pause = pf->fc_tx;
	}
}

static int iovnet_pf_set_pauseparam(struct net_device *netdev,
				    struct ethtool_pauseparam *pause)
{
	struct iovnet_pf *pf = netdev_priv(netdev);
	int err;

	pf->fc_autoneg = pause->autoneg == AUTONEG_ENABLE;
	pf->fc_rx = pause->rx_pause;
	pf->fc_tx = pause->tx_pause;
	if (!pf->fc_autoneg) {
		if (pf->link_up)
			iovnet_pf_fc_setup(pf);
		return 0;
	}
	/* The partner learns the new advertisement from a new negotiation */
	err = iovnet_pf_phy_start(pf);
	if (err)
		netdev_err(netdev, "pause: PHY does not answer: %d\n", err);
	return err;
}

static void iovnet_pf_get_pause_stats(struct net_device *netdev,
				      struct ethtool_pause_stats *stats)
{
	struct iovnet_pf *pf = netdev_priv(netdev);
	struct iovnet_pf_hw_stats *hw = &pf->hw_stats;

	iovnet_pf_update_hw_stats(pf);
	spin_lock_bh(&pf->stats_lock);
	stats->tx_pause_frames = hw->xontxc + hw->xofftxc;
	stats->rx_pause_frames = hw->xonrxc + hw->xoffrxc;
	spin_unlock_bh(&pf->stats_lock);
}

static const struct ethtool_rmon_hist_range iovnet_pf_rmon_ranges[] = {
	{    0,   64 },
	{   65,  127 },
	{  128,  255 },
	{  256,  511 },
	{  512, 1023 },
	{ 1024, IOVNET_MAX_FRAME },
	{}
};

static void iovnet_pf_get_rmon_stats(struct net_device *netdev,
				     struct ethtool_rmon_stats *rmon,
				     const struct ethtool_rmon_hist_range **ranges)
{
	struct iovnet_pf *pf = netdev_priv(netdev);
	struct iovnet_pf_hw_stats *hw = &pf->hw_stats;

	iovnet_pf_update_hw_stats(pf);
	spin_lock_bh(&pf->stats_lock);
	rmon->undersize_pkts = hw->ruc;
	rmon->oversize_pkts = hw->roc;
	rmon->fragments = hw->rfc;
	rmon->jabbers = hw->rjc;
	rmon->hist[0] = hw->prc64;
	rmon->hist[1] = hw->prc127;
	rmon->hist[2] = hw->prc255;
	rmon->hist[3] = hw->prc511;
	rmon->hist[4] = hw->prc1023;
	rmon->hist[5] = hw->prc1522;
	rmon->hist_tx[0] = hw->ptc64;
	rmon->hist_tx[1] = hw->ptc127;
	rmon->hist_tx[2] = hw->ptc255;
	rmon->hist_tx[3] = hw->ptc511;
	rmon->hist_tx[4] = hw->ptc1023;
	rmon->hist_tx[5] = hw->ptc1522;
	spin_unlock_bh(&pf->stats_lock);
	*ranges = iovnet_pf_rmon_ranges;
}

/* Registers worth seeing when triaging: control, interrupts, queue 0, VT */
static const u32 iovnet_pf_dump_regs[] = {
	IOVNET_CTRL, IOVNET_STATUS, IOVNET_CTRL_EXT, IOVNET_RCTL, IOVNET_TCTL,
	IOVNET_RXCSUM, IOVNET_RLPML, IOVNET_MRQC, IOVNET_GPIE, IOVNET_IMS, IOVNET_IAM,
	IOVNET_EIMS, IOVNET_EIAC, IOVNET_IVAR_MISC, IOVNET_IVAR(0),
	IOVNET_IVAR(1), IOVNET_PF_VT_CTL, IOVNET_PF_DTXSWC, IOVNET_PF_VFRE,
	IOVNET_PF_VFTE, IOVNET_PF_MBVFIMR, IOVNET_RAL_LO(0), IOVNET_RAH_LO(0),
	IOVNET_PF_RXQ_BASE(0) + IOVNET_Q_DCTL,
	IOVNET_PF_RXQ_BASE(0) + IOVNET_Q_HEAD,
	IOVNET_PF_RXQ_BASE(0) + IOVNET_Q_TAIL,
	IOVNET_PF_RXQ_BASE(0) + IOVNET_RXQ_SRRCTL,
	IOVNET_PF_TXQ_BASE(0) + IOVNET_Q_DCTL,
	IOVNET_PF_TXQ_BASE(0) + IOVNET_Q_HEAD,
	IOVNET_PF_TXQ_BASE(0) + IOVNET_Q_TAIL,
};

/*
 * After the table come the VMDq pools: VMOLR and VMVIR of pools 0-7
 * (words 30-45), VLVF 0-31 (46-77) and RAL/RAH of RAR 1-23 (78-123), then
 * (from dump version 2) the multicast table MTA 0-127 (words 124-251): a
 * 12-bit multicast hash h is bit h % 32 of word 124 + h / 32.  Version 3
 * adds the throttling interval EITR of the PF's MSI-X vectors 0-8 (words
 * 252-260; queue pair q uses vector 1 + q), to see what moderation chose.
 * Version 4 adds LEDCTL (word 261), which "ethtool -p" drives. Version 5
 * adds the IEEE 1588 setup: TIMINCA, TSYNCTXCTL, TSYNCRXCTL and the PTP
 * EtherType filter (words 262-265); the latched times are not read, as
 * that would free them.
 */
#define IOVNET_PF_DUMP_VERSION	5
#define IOVNET_PF_DUMP_WORDS	(ARRAY_SIZE(iovnet_pf_dump_regs) + \
				 2 * IOVNET_POOLS + IOVNET_VLVF_ENTRIES + \
				 2 * (IOVNET_RAR_ENTRIES - 1) + IOVNET_MTA_REGS + \
				 IOVNET_PF_MAX_VECTORS + 1 + 4)

static int iovnet_pf_get_regs_len(struct net_device *netdev)
{
	return IOVNET_PF_DUMP_WORDS * sizeof(u32);
}

static void iovnet_pf_get_regs(struct net_device *netdev,
			       struct ethtool_regs *regs, void *p)
{
	struct iovnet_pf *pf = netdev_priv(netdev);
	u32 *buf = p;
	unsigned int i;

	regs->version = IOVNET_PF_DUMP_VERSION;
	for (i = 0; i < ARRAY_SIZE(iovnet_pf_dump_regs); i++)
		*buf++ = pf_rd32(pf, iovnet_pf_dump_regs[i]);
	for (i = 0; i < IOVNET_POOLS; i++) {
		*buf++ = pf_rd32(pf, IOVNET_PF_VMOLR(i));
		*buf++ = pf_rd32(pf, IOVNET_PF_VMVIR(i));
	}
	for (i = 0; i < IOVNET_VLVF_ENTRIES; i++)
		*buf++ = pf_rd32(pf, IOVNET_PF_VLVF(i));
	for (i = 1; i < IOVNET_RAR_ENTRIES; i++) {
		*buf++ = pf_rd32(pf, IOVNET_RAL(i));
		*buf++ = pf_rd32(pf, IOVNET_RAH(i));
	}
	for (i = 0; i < IOVNET_MTA_REGS; i++)
		*buf++ = pf_rd32(pf, IOVNET_MTA(i));
	for (i = 0; i < IOVNET_PF_MAX_VECTORS; i++)
		*buf++ = pf_rd32(pf, IOVNET_EITR(i));
	*buf++ = pf_rd32(pf, IOVNET_LEDCTL);
	*buf++ = pf_rd32(pf, IOVNET_PF_TIMINCA);
	*buf++ = pf_rd32(pf, IOVNET_PF_TSYNCTXCTL);
	*buf++ = pf_rd32(pf, IOVNET_PF_TSYNCRXCTL);
	*buf++ = pf_rd32(pf, IOVNET_PF_ETQF(IOVNET_PF_ETQF_PTP));
}

/* "ethtool -r": the link drops and comes back by interrupt */
static int iovnet_pf_nway_reset(struct net_device *netdev)
{
	struct iovnet_pf *pf = netdev_priv(netdev);

	if (!netif_running(netdev))
		return -EAGAIN;
	return iovnet_pf_phy_start(pf);
}

/* "ethtool -p": LED0 forced on and off twice a second, then restored */
static int iovnet_pf_set_phys_id(struct net_device *netdev,
				 enum ethtool_phys_id_state state)
{
	struct iovnet_pf *pf = netdev_priv(netdev);
	u32 ledctl = pf->ledctl_saved & ~(IOVNET_LEDCTL_LED0_MODE |
					   IOVNET_LEDCTL_LED0_BLINK);

	switch (state) {
	case ETHTOOL_ID_ACTIVE:
		pf->ledctl_saved = pf_rd32(pf, IOVNET_LEDCTL);
		return 2;
	case ETHTOOL_ID_ON:
		pf_wr32(pf, IOVNET_LEDCTL, ledctl |
			FIELD_PREP(IOVNET_LEDCTL_LED0_MODE,
				   IOVNET_LEDCTL_MODE_ON));
		break;
	case ETHTOOL_ID_OFF:
		pf_wr32(pf, IOVNET_LEDCTL, ledctl |
			FIELD_PREP(IOVNET_LEDCTL_LED0_MODE,
				   IOVNET_LEDCTL_MODE_OFF));
		break;
	case ETHTOOL_ID_INACTIVE:
		pf_wr32(pf, IOVNET_LEDCTL, pf->ledctl_saved);
		break;
	}
	return 0;
}

static int iovnet_pf_get_eeprom_len(struct net_device *netdev)
{
	struct iovnet_pf *pf = netdev_priv(netdev);

	return iovnet_pf_nvm_words(pf) * sizeof(u16);
}

/* "ethtool -e": the NVM read word by word through EERD, little-endian */
static int iovnet_pf_get_eeprom(struct net_device *netdev,
				struct ethtool_eeprom *ee, u8 *bytes)
{
	struct iovnet_pf *pf = netdev_priv(netdev);
	u32 end = ee->offset + ee->len;
	u32 off;
	u16 word;
	int err;

	ee->magic = pf->pdev->vendor | (u32)pf->pdev->device << 16;
	for (off = ee->offset & ~1U; off < end; off += 2) {
		err = iovnet_pf_nvm_read(pf, off / 2, &word);
		if (err)
			return err;
		/* The word's low byte sits at the even address */
		if (off >= ee->offset)
			bytes[off - ee->offset] = word & 0xff;
		if (off + 1 >= ee->offset && off + 1 < end)
			bytes[off + 1 - ee->offset] = word >> 8;
	}
	return 0;
}

/*
 * Write patterns to registers that hold no live state while the test runs
 * (the base and length of the last queue, which is never in use during an
 * offline test) and read them back. Returns the number of mismatches.
 */
static u64 iovnet_pf_test_registers(struct iovnet_pf *pf)
{
	static const u32 patterns[] = { 0x5a5a5a5a, 0xa5a5a5a5, 0xffffffff, 0 };
	const struct {
		u32 reg;
		u32 mask;
	} regs[] = {
		{ IOVNET_PF_RXQ_BASE(IOVNET_PF_MAX_QUEUES - 1) + IOVNET_Q_BAL,
		  0xffffff80 },
		{ IOVNET_PF_RXQ_BASE(IOVNET_PF_MAX_QUEUES - 1) + IOVNET_Q_BAH,
		  0xffffffff },
		{ IOVNET_PF_RXQ_BASE(IOVNET_PF_MAX_QUEUES - 1) + IOVNET_Q_LEN,
		  0x000fff80 },
		{ IOVNET_PF_TXQ_BASE(IOVNET_PF_MAX_QUEUES - 1) + IOVNET_Q_BAL,
		  0xffffff80 },
		{ IOVNET_PF_TXQ_BASE(IOVNET_PF_MAX_QUEUES - 1) + IOVNET_Q_BAH,
		  0xffffffff },
	};
	unsigned int r, p;
	u64 bad = 0;

	for (r = 0; r < ARRAY_SIZE(regs); r++) {
		u32 saved = pf_rd32(pf, regs[r].reg);

		for (p = 0; p < ARRAY_SIZE(patterns); p++) {
			u32 want = patterns[p] & regs[r].mask;

			pf_wr32(pf, regs[r].reg, want);
			if ((pf_rd32(pf, regs[r].reg) & regs[r].mask) != want)
				bad++;
		}
		pf_wr32(pf, regs[r].reg, saved);
	}
	return bad;
}

/* Raise a link cause by software and wait for the vector to fire */
static u64 iovnet_pf_test_irq(struct iovnet_pf *pf)
{
	unsigned long before = READ_ONCE(pf->other_irqs);
	unsigned int i;

	pf_wr32(pf, IOVNET_ICS, IOVNET_ICR_LSC);
	for (i = 0; i < 100; i++) {
		if (READ_ONCE(pf->other_irqs) != before)
			return 0;
		usleep_range(1000, 2000);
	}
	return 1;
}

static void iovnet_pf_self_test(struct net_device *netdev,
				struct ethtool_test *test, u64 *data)
{
	struct iovnet_pf *pf = netdev_priv(netdev);
	bool running = iovnet_pf_running(pf);

	memset(data, 0, IOVNET_PF_TESTS * sizeof(*data));

	if (test->flags & ETH_TEST_FL_OFFLINE) {
		/* Nothing may use the rings while registers change */
		if (running)
			iovnet_pf_down(pf);
		data[IOVNET_PF_TEST_REG] = iovnet_pf_test_registers(pf);
		if (running && iovnet_pf_up(pf))
			data[IOVNET_PF_TEST_REG]++;
	}
	data[IOVNET_PF_TEST_LINK] = !(pf_rd32(pf, IOVNET_STATUS) &
				      IOVNET_STATUS_LU);
	data[IOVNET_PF_TEST_IRQ] = iovnet_pf_test_irq(pf);

	if (data[IOVNET_PF_TEST_REG] || data[IOVNET_PF_TEST_LINK] ||
	    data[IOVNET_PF_TEST_IRQ])
		test->flags |= ETH_TEST_FL_FAILED;
}

static const struct ethtool_ops iovnet_pf_ethtool_ops = {
	.supported_coalesce_params = IOVNET_COALESCE_PARAMS,
	.get_drvinfo		= iovnet_pf_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_link_ksettings	= iovnet_pf_get_link_ksettings,
	.get_ringparam		= iovnet_pf_get_ringparam,
	.set_ringparam		= iovnet_pf_set_ringparam,
	.get_channels		= iovnet_pf_get_channels,
	.set_channels		= iovnet_pf_set_channels,
	.get_rxfh_key_size	= iovnet_pf_get_rxfh_key_size,
	.get_rxfh_indir_size	= iovnet_pf_get_rxfh_indir_size,
	.get_rxfh		= iovnet_pf_get_rxfh_op,
	.set_rxfh		= IOVNET_PF_SET_RXFH,
	IOVNET_PF_RXFH_FIELDS_OPS
	IOVNET_PF_RX_RING_COUNT_OPS
	.get_rxnfc		= iovnet_pf_get_rxnfc,
	.set_rxnfc		= iovnet_pf_set_rxnfc,
	.get_coalesce		= iovnet_ethtool_get_coalesce,
	.set_coalesce		= iovnet_ethtool_set_coalesce,
	.get_tunable		= iovnet_ethtool_get_tunable,
	.set_tunable		= iovnet_ethtool_set_tunable,
	.get_sset_count		= iovnet_pf_get_sset_count,
	.get_strings		= iovnet_pf_get_strings,
	.get_ethtool_stats	= iovnet_pf_get_ethtool_stats,
	.get_pauseparam		= iovnet_pf_get_pauseparam,
	.set_pauseparam		= iovnet_pf_set_pauseparam,
	.get_pause_stats	= iovnet_pf_get_pause_stats,
	.get_eth_mac_stats	= iovnet_pf_get_eth_mac_stats,
	.get_rmon_stats		= iovnet_pf_get_rmon_stats,
	.get_regs_len		= iovnet_pf_get_regs_len,
	.get_regs		= iovnet_pf_get_regs,
	.nway_reset		= iovnet_pf_nway_reset,
	.set_phys_id		= iovnet_pf_set_phys_id,
	.get_eeprom_len		= iovnet_pf_get_eeprom_len,
	.get_eeprom		= iovnet_pf_get_eeprom,
	.get_ts_info		= iovnet_pf_get_ts_info,
	.self_test		= iovnet_pf_self_test,
};

/**
 * iovnet_pf_set_ethtool_ops() - attach the PF's ethtool operations
 * @netdev: the PF netdev
 */
void iovnet_pf_set_ethtool_ops(struct net_device *netdev)
{
	netdev->ethtool_ops = &iovnet_pf_ethtool_ops;
}
