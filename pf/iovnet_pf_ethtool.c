// SPDX-License-Identifier: GPL-2.0
/* Copyright (c) 2026 The iovnet authors */

#include <linux/ethtool.h>
#include <linux/linkmode.h>

#include "iovnet_pf.h"

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
	};
	unsigned int i;

	ethtool_link_ksettings_zero_link_mode(ks, supported);
	for (i = 0; i < ARRAY_SIZE(modes); i++)
		linkmode_set_bit(modes[i], ks->link_modes.supported);
	linkmode_copy(ks->link_modes.advertising, ks->link_modes.supported);

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

	ring->rx_max_pending = IOVNET_MAX_RING;
	ring->tx_max_pending = IOVNET_MAX_RING;
	ring->rx_pending = pf->port.rx_ring_count;
	ring->tx_pending = pf->port.tx_ring_count;
}

static void iovnet_pf_get_channels(struct net_device *netdev,
				   struct ethtool_channels *ch)
{
	struct iovnet_pf *pf = netdev_priv(netdev);

	ch->max_combined = pf->port.max_queues;
	ch->combined_count = pf->port.num_queues;
	ch->max_other = 1;
	ch->other_count = 1;
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

static int iovnet_pf_get_regs_len(struct net_device *netdev)
{
	return sizeof(iovnet_pf_dump_regs);
}

static void iovnet_pf_get_regs(struct net_device *netdev,
			       struct ethtool_regs *regs, void *p)
{
	struct iovnet_pf *pf = netdev_priv(netdev);
	u32 *buf = p;
	unsigned int i;

	regs->version = 1;
	for (i = 0; i < ARRAY_SIZE(iovnet_pf_dump_regs); i++)
		buf[i] = pf_rd32(pf, iovnet_pf_dump_regs[i]);
}

static const struct ethtool_ops iovnet_pf_ethtool_ops = {
	.get_drvinfo		= iovnet_pf_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_link_ksettings	= iovnet_pf_get_link_ksettings,
	.get_ringparam		= iovnet_pf_get_ringparam,
	.get_channels		= iovnet_pf_get_channels,
	.get_regs_len		= iovnet_pf_get_regs_len,
	.get_regs		= iovnet_pf_get_regs,
};

/**
 * iovnet_pf_set_ethtool_ops() - attach the PF's ethtool operations
 * @netdev: the PF netdev
 */
void iovnet_pf_set_ethtool_ops(struct net_device *netdev)
{
	netdev->ethtool_ops = &iovnet_pf_ethtool_ops;
}
