// SPDX-License-Identifier: GPL-2.0
/* Copyright (c) 2026 The iovnet authors */

#include <linux/ethtool.h>
#include <linux/linkmode.h>

#include "iovnet_ethtool.h"
#include "iovnet_vf.h"

static void iovnet_vf_get_drvinfo(struct net_device *netdev,
				  struct ethtool_drvinfo *info)
{
	struct iovnet_vf *vf = netdev_priv(netdev);

	strscpy(info->driver, IOVNET_VF_DRV_NAME, sizeof(info->driver));
	strscpy(info->bus_info, pci_name(vf->pdev), sizeof(info->bus_info));
	/* The PF is our firmware: what it speaks and granted (0: stock) */
	snprintf(info->fw_version, sizeof(info->fw_version),
		 "mbx %u caps 0x%x", READ_ONCE(vf->pf_version),
		 READ_ONCE(vf->pf_caps));
}

/* The VF has no PHY: it reports what the PF (or the shared STATUS) says */
static int iovnet_vf_get_link_ksettings(struct net_device *netdev,
					struct ethtool_link_ksettings *ks)
{
	struct iovnet_vf *vf = netdev_priv(netdev);
	u32 status;

	ethtool_link_ksettings_zero_link_mode(ks, supported);
	ethtool_link_ksettings_zero_link_mode(ks, advertising);
	ks->base.port = PORT_OTHER;
	ks->base.autoneg = AUTONEG_DISABLE;
	ks->base.speed = SPEED_UNKNOWN;
	ks->base.duplex = DUPLEX_UNKNOWN;
	if (!netif_carrier_ok(netdev))
		return 0;

	if (vf->pf_caps & IOVNET_MBX_CAP_LINK) {
		ks->base.speed = vf->pf_link_speed;
		ks->base.duplex = vf->pf_link_duplex;
		return 0;
	}
	status = vf_rd32(vf, IOVNET_STATUS);
	ks->base.speed = iovnet_status_speed(status);
	ks->base.duplex = status & IOVNET_STATUS_FD ? DUPLEX_FULL : DUPLEX_HALF;
	return 0;
}

static void iovnet_vf_get_ringparam(struct net_device *netdev,
				    struct ethtool_ringparam *ring,
				    struct kernel_ethtool_ringparam *kring,
				    struct netlink_ext_ack *extack)
{
	struct iovnet_vf *vf = netdev_priv(netdev);

	iovnet_ethtool_get_ringparam(&vf->port, ring);
}

static int iovnet_vf_set_ringparam(struct net_device *netdev,
				   struct ethtool_ringparam *ring,
				   struct kernel_ethtool_ringparam *kring,
				   struct netlink_ext_ack *extack)
{
	struct iovnet_vf *vf = netdev_priv(netdev);
	int err;

	/* The service task looks at the rings under mbx_lock, not RTNL */
	mutex_lock(&vf->mbx_lock);
	err = iovnet_ethtool_set_ringparam(&vf->port, ring,
					   test_bit(IOVNET_VF_RUNNING,
						    vf->state), extack);
	mutex_unlock(&vf->mbx_lock);
	return err;
}

static void iovnet_vf_get_channels(struct net_device *netdev,
				   struct ethtool_channels *ch)
{
	struct iovnet_vf *vf = netdev_priv(netdev);

	iovnet_ethtool_get_channels(&vf->port, ch);
}

static int iovnet_vf_set_channels(struct net_device *netdev,
				  struct ethtool_channels *ch)
{
	struct iovnet_vf *vf = netdev_priv(netdev);

	/* The core has checked the counts against get_channels() */
	if (ch->rx_count || ch->tx_count || ch->other_count != 1)
		return -EINVAL;
	if (ch->combined_count == vf->port.num_queues)
		return 0;
	return iovnet_vf_set_queues(vf, ch->combined_count);
}

/*
 * RSS: the device has one key and one redirection table for every pool, the
 * PF's. A PF of ours tells a VF that the administrator allowed to see them
 * ("ip link set PF vf N query_rss on"); nothing here can change them. Any
 * user may run "ethtool -x", so an answer serves for a second: a loop of
 * them does not spend the VF's mailbox budget at the PF.
 */
#define IOVNET_VF_RSS_CONFIG_TTL	HZ

static bool iovnet_vf_rss_query(struct iovnet_vf *vf)
{
	return READ_ONCE(vf->pf_caps) & IOVNET_MBX_CAP_RSS_QUERY;
}

static u32 iovnet_vf_get_rxfh_key_size(struct net_device *netdev)
{
	struct iovnet_vf *vf = netdev_priv(netdev);

	return iovnet_vf_rss_query(vf) ? IOVNET_MBX_RSS_KEY_LEN : 0;
}

static u32 iovnet_vf_get_rxfh_indir_size(struct net_device *netdev)
{
	struct iovnet_vf *vf = netdev_priv(netdev);

	return iovnet_vf_rss_query(vf) ? IOVNET_MBX_RSS_TABLE_LEN : 0;
}

static int iovnet_vf_get_rxfh(struct net_device *netdev,
			      struct ethtool_rxfh_param *rxfh)
{
	struct iovnet_vf *vf = netdev_priv(netdev);
	const struct iovnet_mbx_rss_config *rc;
	union iovnet_mbx_msg msg;
	unsigned int i;
	int err;

	rxfh->hfunc = ETH_RSS_HASH_TOP;
	if (!rxfh->indir && !rxfh->key)
		return 0;
	/* Not while a recovery's handshake decides what the PF grants */
	if (test_bit(IOVNET_VF_RECOVERING, vf->state))
		return -EBUSY;

	mutex_lock(&vf->mbx_lock);
	err = 0;
	if (!iovnet_vf_rss_query(vf)) {
		err = -EOPNOTSUPP;
	} else if (!vf->rss_config_at ||
		   time_after(jiffies, vf->rss_config_at +
			      IOVNET_VF_RSS_CONFIG_TTL)) {
		iovnet_mbx_init(&msg, IOVNET_MBX_GET_RSS, 0);
		err = iovnet_vf_mbx_request(vf, &msg);
		if (!err) {
			vf->rss_config = msg.rss_config;
			vf->rss_config_at = jiffies ?: 1;
		}
	}
	if (!err)
		msg.rss_config = vf->rss_config;
	mutex_unlock(&vf->mbx_lock);
	if (err == -EPERM)
		netdev_info_once(netdev,
				 "the PF does not let this VF read its RSS key and table (its administrator can: query_rss on)\n");
	if (err)
		return err;

	rc = &msg.rss_config;
	if (rxfh->key)
		memcpy(rxfh->key, rc->key, IOVNET_MBX_RSS_KEY_LEN);
	/* With one queue pair the pool does not spread: every entry is 0 */
	if (rxfh->indir)
		for (i = 0; i < IOVNET_MBX_RSS_TABLE_LEN; i++)
			rxfh->indir[i] = netdev->real_num_rx_queues > 1 &&
					 (rc->queue[i / 8] & BIT(i % 8));
	return 0;
}

IOVNET_DEFINE_GET_RXFH_OP(iovnet_vf_get_rxfh)

static u32 iovnet_vf_get_rx_ring_count(struct net_device *netdev)
{
	return netdev->real_num_rx_queues;
}

#ifndef IOVNET_HAVE_ETHTOOL_RX_RING_COUNT
/* Before 7.x ethtool asked get_rxnfc for the ring count that -x shows */
static int iovnet_vf_get_rxnfc(struct net_device *netdev,
			       struct ethtool_rxnfc *nfc, u32 *rule_locs)
{
	if (nfc->cmd != ETHTOOL_GRXRINGS)
		return -EOPNOTSUPP;
	nfc->data = iovnet_vf_get_rx_ring_count(netdev);
	return 0;
}
#endif

/* Driver counters; the per-queue ones follow */
static const char iovnet_vf_stat_names[][ETH_GSTRING_LEN] = {
	"tx_timeouts",
	"vf_rx_packets",
	"vf_tx_packets",
	"vf_rx_bytes",
	"vf_tx_bytes",
	"vf_rx_multicast",
	"mbx_tx",
	"mbx_rx",
	"mbx_nacks",
	"mbx_timeouts",
	"mbx_events",
	"mbx_irqs",
	"recoveries",
};

static void iovnet_vf_stat_values(struct iovnet_vf *vf, u64 *v)
{
	struct iovnet_vf_hw_stats *hw = &vf->hw_stats;
	u64 *start = v;

	*v++ = vf->tx_timeouts;
	iovnet_vf_update_hw_stats(vf);
	spin_lock_bh(&vf->stats_lock);
	*v++ = hw->gprc;
	*v++ = hw->gptc;
	*v++ = hw->gorc;
	*v++ = hw->gotc;
	*v++ = hw->mprc;
	spin_unlock_bh(&vf->stats_lock);
	*v++ = vf->mbx_tx;
	*v++ = vf->mbx_rx;
	*v++ = vf->mbx_nacks;
	*v++ = vf->mbx_timeouts;
	*v++ = vf->mbx_events;
	*v++ = READ_ONCE(vf->mbx_irqs);
	*v++ = vf->recoveries;
	WARN_ON_ONCE(v - start != ARRAY_SIZE(iovnet_vf_stat_names));
}

static int iovnet_vf_get_sset_count(struct net_device *netdev, int sset)
{
	struct iovnet_vf *vf = netdev_priv(netdev);

	if (sset != ETH_SS_STATS)
		return -EOPNOTSUPP;
	return IOVNET_RING_STATS + ARRAY_SIZE(iovnet_vf_stat_names) +
	       iovnet_queue_stats_count(&vf->port);
}

static void iovnet_vf_get_strings(struct net_device *netdev, u32 sset, u8 *data)
{
	struct iovnet_vf *vf = netdev_priv(netdev);
	unsigned int i;

	if (sset != ETH_SS_STATS)
		return;
	iovnet_ring_stats_strings(&data);
	for (i = 0; i < ARRAY_SIZE(iovnet_vf_stat_names); i++)
		ethtool_puts(&data, iovnet_vf_stat_names[i]);
	iovnet_queue_stats_strings(&vf->port, &data);
}

static void iovnet_vf_get_ethtool_stats(struct net_device *netdev,
					struct ethtool_stats *stats, u64 *data)
{
	struct iovnet_vf *vf = netdev_priv(netdev);

	iovnet_ring_stats_values(&vf->port, &data);
	iovnet_vf_stat_values(vf, data);
	data += ARRAY_SIZE(iovnet_vf_stat_names);
	iovnet_queue_stats_values(&vf->port, &data);
}

static const struct ethtool_ops iovnet_vf_ethtool_ops = {
	.supported_coalesce_params = IOVNET_COALESCE_PARAMS,
	.get_drvinfo		= iovnet_vf_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_link_ksettings	= iovnet_vf_get_link_ksettings,
	.get_ringparam		= iovnet_vf_get_ringparam,
	.set_ringparam		= iovnet_vf_set_ringparam,
	.get_channels		= iovnet_vf_get_channels,
	.set_channels		= iovnet_vf_set_channels,
	.get_coalesce		= iovnet_ethtool_get_coalesce,
	.set_coalesce		= iovnet_ethtool_set_coalesce,
	.get_tunable		= iovnet_ethtool_get_tunable,
	.set_tunable		= iovnet_ethtool_set_tunable,
	.get_rxfh_key_size	= iovnet_vf_get_rxfh_key_size,
	.get_rxfh_indir_size	= iovnet_vf_get_rxfh_indir_size,
	.get_rxfh		= iovnet_vf_get_rxfh_op,
#ifdef IOVNET_HAVE_ETHTOOL_RX_RING_COUNT
	.get_rx_ring_count	= iovnet_vf_get_rx_ring_count,
#else
	.get_rxnfc		= iovnet_vf_get_rxnfc,
#endif
	.get_sset_count		= iovnet_vf_get_sset_count,
	.get_strings		= iovnet_vf_get_strings,
	.get_ethtool_stats	= iovnet_vf_get_ethtool_stats,
};

/**
 * iovnet_vf_set_ethtool_ops() - attach the VF's ethtool operations
 * @netdev: the VF netdev
 */
void iovnet_vf_set_ethtool_ops(struct net_device *netdev)
{
	netdev->ethtool_ops = &iovnet_vf_ethtool_ops;
}
