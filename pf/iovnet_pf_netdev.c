// SPDX-License-Identifier: GPL-2.0
/* Copyright (c) 2026 The iovnet authors */

#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/if_vlan.h>
#include <linux/net_tstamp.h>
#include <linux/uaccess.h>

#include "iovnet_calc.h"
#include "iovnet_pf.h"

/*
 * Stop our receiving (@rx) or transmitting, as the state bits now say.
 * With VFs they keep the device's receiver and transmitter: only our
 * pool's gates close, and iovnet_pf_pool_gates() is their one writer.
 */
static void iovnet_pf_close(struct iovnet_pf *pf, bool rx)
{
	if (pf->num_vfs) {
		mutex_lock(&pf->vf_lock);
		iovnet_pf_pool_gates(pf);
		mutex_unlock(&pf->vf_lock);
	} else if (rx) {
		iovnet_pf_rmw(pf, IOVNET_RCTL, IOVNET_RCTL_EN, 0);
	} else {
		iovnet_pf_rmw(pf, IOVNET_TCTL, IOVNET_TCTL_EN, 0);
	}
}

/**
 * iovnet_pf_up() - allocate, program and start the datapath
 * @pf: the PF, under RTNL
 *
 * Return: 0 or a negative errno; on error the datapath stays down.
 */
int iovnet_pf_up(struct iovnet_pf *pf)
{
	struct iovnet_port *port = &pf->port;
	int err;

	err = iovnet_port_alloc(port);
	if (err)
		return err;

	err = netif_set_real_num_queues(pf->netdev, port->num_queues,
					port->num_queues);
	if (err)
		goto err_free;

	/*
	 * Everything that can fail comes before the first ring is enabled:
	 * the error path then frees memory no queue can DMA into.
	 */
	err = iovnet_port_request_irqs(port);
	if (err)
		goto err_free;

	iovnet_port_configure(port, IOVNET_RX_BUF_LEN);
	iovnet_pf_configure_tx(pf);
	/*
	 * With VFs, configure_rx opens the pool gates from our state: we must
	 * count as up by then, or our pool stays closed until some VF message
	 * happens to recompute the gates (a quiet igbvf never sends one).
	 */
	clear_bit(IOVNET_PF_DOWN, pf->state);
	iovnet_pf_configure_rx(pf);

	iovnet_port_start(port);
	/* Carrier comes from the service task, which looks right away */
	mod_delayed_work(system_dfl_wq, &pf->service_task, 0);
	return 0;

err_free:
	iovnet_port_free(port);
	return err;
}

/**
 * iovnet_pf_down() - stop the datapath and free its rings
 * @pf: the PF, under RTNL, up
 */
void iovnet_pf_down(struct iovnet_pf *pf)
{
	struct iovnet_port *port = &pf->port;

	/* A failed iovnet_pf_up() has already taken the datapath apart */
	if (test_and_set_bit(IOVNET_PF_DOWN, pf->state))
		return;
	netif_carrier_off(pf->netdev);
	pf->link_up = false;

	/* RX closes now; TX once the rings have given back their buffers */
	set_bit(IOVNET_PF_TX_DRAINING, pf->state);
	iovnet_pf_close(pf, true);
	iovnet_port_stop(port);
	clear_bit(IOVNET_PF_TX_DRAINING, pf->state);
	iovnet_pf_close(pf, false);
	iovnet_port_free_irqs(port);
	iovnet_port_free(port);
}

static int iovnet_pf_open(struct net_device *netdev)
{
	struct iovnet_pf *pf = netdev_priv(netdev);

	netif_carrier_off(netdev);
	return iovnet_pf_up(pf);
}

static int iovnet_pf_stop(struct net_device *netdev)
{
	iovnet_pf_down(netdev_priv(netdev));
	return 0;
}

/**
 * iovnet_pf_reinit() - restart a running datapath with the current settings
 * @pf: the PF, under RTNL
 *
 * Return: 0 or the errno of the restart (the port is then down).
 */
int iovnet_pf_reinit(struct iovnet_pf *pf)
{
	int err;

	if (!netif_running(pf->netdev))
		return 0;
	iovnet_pf_down(pf);
	err = iovnet_pf_up(pf);
	if (err)
		netdev_err(pf->netdev, "cannot restart the datapath: %d\n", err);
	return err;
}

/**
 * iovnet_pf_rss_default_reta() - spread the redirection table evenly
 * @pf: the PF
 */
void iovnet_pf_rss_default_reta(struct iovnet_pf *pf)
{
	iovnet_calc_reta_default(pf->reta, IOVNET_RETA_SIZE,
				 pf->port.num_queues);
}

static int iovnet_pf_change_mtu(struct net_device *netdev, int new_mtu)
{
	struct iovnet_pf *pf = netdev_priv(netdev);
	unsigned int old_mtu = netdev->mtu;
	int err;

	/* The core has checked min_mtu/max_mtu and answered with extack */
	WRITE_ONCE(netdev->mtu, new_mtu);
	err = iovnet_pf_reinit(pf);
	if (err) {
		/* Run on with the old MTU rather than stay down */
		WRITE_ONCE(netdev->mtu, old_mtu);
		iovnet_pf_reinit(pf);
	}
	return err;
}

static int iovnet_pf_vlan_filter(struct net_device *netdev, u16 vid, bool on)
{
	struct iovnet_pf *pf = netdev_priv(netdev);
	int err = 0;

	mutex_lock(&pf->vf_lock);
	/*
	 * With VFs the VLAN must also steer to the PF's pool, within the PF's
	 * share of the filters (the VFs' shares are theirs).
	 */
	if (pf->num_vfs && on && !test_bit(vid, pf->active_vlans) &&
	    bitmap_weight(pf->active_vlans, VLAN_N_VID) >=
	    iovnet_pf_vlan_pf_quota(pf))
		err = -ENOSPC;
	else if (pf->num_vfs)
		err = iovnet_pf_vlvf_set(pf, vid, iovnet_pf_pool(pf), on);
	else
		iovnet_pf_set_vfta(pf, vid, on);
	if (!err)
		assign_bit(vid, pf->active_vlans, on);
	mutex_unlock(&pf->vf_lock);
	if (err)
		netdev_err(netdev, "VLAN %u: the PF's %u VLAN filters are in use (%u VFs hold the rest)\n",
			   vid, iovnet_pf_vlan_pf_quota(pf), pf->num_vfs);
	return err;
}

static int iovnet_pf_vlan_rx_add_vid(struct net_device *netdev,
				     __be16 proto, u16 vid)
{
	return iovnet_pf_vlan_filter(netdev, vid, true);
}

static int iovnet_pf_vlan_rx_kill_vid(struct net_device *netdev,
				      __be16 proto, u16 vid)
{
	return iovnet_pf_vlan_filter(netdev, vid, false);
}

static void iovnet_pf_tx_timeout(struct net_device *netdev,
				 unsigned int txqueue)
{
	struct iovnet_pf *pf = netdev_priv(netdev);

	pf->tx_timeouts++;
	WRITE_ONCE(pf->tx_hang_queue, txqueue);
	netdev_warn(netdev, "TX queue %u timed out\n", txqueue);
	/* Reported from the service task: devlink's health reports sleep */
	set_bit(IOVNET_PF_TX_TIMEOUT, pf->state);
	iovnet_pf_service_schedule(pf);
}

static int iovnet_pf_set_mac(struct net_device *netdev, void *p)
{
	struct iovnet_pf *pf = netdev_priv(netdev);
	struct sockaddr *addr = p;
	bool taken;
	int err;

	err = eth_prepare_mac_addr_change(netdev, p);
	if (err)
		return err;
	/* An address is received by one function only */
	mutex_lock(&pf->vf_lock);
	netif_addr_lock_bh(netdev);
	taken = pf->num_vfs && iovnet_pf_vf_owns_mac(pf, addr->sa_data);
	netif_addr_unlock_bh(netdev);
	if (taken) {
		mutex_unlock(&pf->vf_lock);
		netdev_err(netdev, "%pM is a VF's address\n", addr->sa_data);
		return -EADDRINUSE;
	}
	eth_commit_mac_addr_change(netdev, p);
	/* RAR 0 with its pool, as ndo_set_rx_mode writes it */
	netif_addr_lock_bh(netdev);
	iovnet_pf_set_rx_mode(netdev);
	netif_addr_unlock_bh(netdev);
	mutex_unlock(&pf->vf_lock);
	return 0;
}

static int iovnet_pf_set_features(struct net_device *netdev,
				  netdev_features_t features)
{
	struct iovnet_pf *pf = netdev_priv(netdev);
	netdev_features_t changed = netdev->features ^ features;

	netdev->features = features;
	if (netif_running(netdev) &&
	    (changed & (NETIF_F_RXCSUM | NETIF_F_HW_VLAN_CTAG_RX |
			NETIF_F_HW_VLAN_CTAG_FILTER | NETIF_F_RXHASH))) {
		/* These change only what RX reports or filters: no reset */
		iovnet_pf_configure_rx(pf);
	}
	return 1;
}

static void iovnet_pf_get_stats64(struct net_device *netdev,
				  struct rtnl_link_stats64 *stats)
{
	struct iovnet_pf *pf = netdev_priv(netdev);
	struct iovnet_pf_hw_stats *hw = &pf->hw_stats;

	iovnet_get_stats64(netdev, stats);

	spin_lock_bh(&pf->stats_lock);
	stats->multicast = hw->mprc;
	stats->collisions = hw->colc;
	stats->rx_crc_errors = hw->crcerrs;
	stats->rx_frame_errors = hw->algnerrc;
	stats->rx_length_errors = hw->ruc + hw->roc + hw->rlec;
	stats->rx_missed_errors += hw->mpc;
	stats->rx_errors += hw->crcerrs + hw->algnerrc + hw->rxerrc +
			    hw->ruc + hw->roc + hw->rlec;
	stats->tx_aborted_errors = hw->ecol;
	stats->tx_window_errors = hw->latecol;
	stats->tx_errors = hw->ecol + hw->latecol;
	spin_unlock_bh(&pf->stats_lock);
}

#ifdef IOVNET_HAVE_NDO_HWTSTAMP_SET
static int iovnet_pf_ndo_hwtstamp_set(struct net_device *netdev,
				      struct kernel_hwtstamp_config *cfg,
				      struct netlink_ext_ack *extack)
{
	return iovnet_pf_hwtstamp_set(netdev_priv(netdev), cfg->tx_type,
				      &cfg->rx_filter, extack);
}

static int iovnet_pf_ndo_hwtstamp_get(struct net_device *netdev,
				      struct kernel_hwtstamp_config *cfg)
{
	iovnet_pf_hwtstamp_get(netdev_priv(netdev), &cfg->tx_type,
			       &cfg->rx_filter);
	return 0;
}
#else
/* Kernels before 6.6 pass the timestamping configuration as an ioctl */
static int iovnet_pf_eth_ioctl(struct net_device *netdev, struct ifreq *ifr,
			       int cmd)
{
	struct iovnet_pf *pf = netdev_priv(netdev);
	struct hwtstamp_config cfg;
	int err;

	switch (cmd) {
	case SIOCSHWTSTAMP:
		if (copy_from_user(&cfg, ifr->ifr_data, sizeof(cfg)))
			return -EFAULT;
		if (cfg.flags)
			return -EINVAL;
		err = iovnet_pf_hwtstamp_set(pf, cfg.tx_type, &cfg.rx_filter,
					     NULL);
		if (err)
			return err;
		break;
	case SIOCGHWTSTAMP:
		memset(&cfg, 0, sizeof(cfg));
		iovnet_pf_hwtstamp_get(pf, &cfg.tx_type, &cfg.rx_filter);
		break;
	default:
		return -EOPNOTSUPP;
	}
	return copy_to_user(ifr->ifr_data, &cfg, sizeof(cfg)) ? -EFAULT : 0;
}
#endif

static const struct net_device_ops iovnet_pf_netdev_ops = {
	.ndo_open		= iovnet_pf_open,
	.ndo_stop		= iovnet_pf_stop,
	.ndo_start_xmit		= iovnet_start_xmit,
	.ndo_features_check	= iovnet_features_check,
	.ndo_set_rx_mode	= iovnet_pf_set_rx_mode,
	.ndo_set_mac_address	= iovnet_pf_set_mac,
	.ndo_validate_addr	= eth_validate_addr,
	.ndo_change_mtu		= iovnet_pf_change_mtu,
	.ndo_set_features	= iovnet_pf_set_features,
	.ndo_get_stats64	= iovnet_pf_get_stats64,
	.ndo_vlan_rx_add_vid	= iovnet_pf_vlan_rx_add_vid,
	.ndo_vlan_rx_kill_vid	= iovnet_pf_vlan_rx_kill_vid,
	.ndo_tx_timeout		= iovnet_pf_tx_timeout,
	.ndo_set_vf_mac		= iovnet_pf_set_vf_mac,
	.ndo_set_vf_vlan	= iovnet_pf_set_vf_vlan,
	.ndo_set_vf_rate	= iovnet_pf_set_vf_rate,
	.ndo_set_vf_spoofchk	= iovnet_pf_set_vf_spoofchk,
	.ndo_set_vf_trust	= iovnet_pf_set_vf_trust,
	.ndo_set_vf_rss_query_en = iovnet_pf_set_vf_rss_query_en,
	.ndo_set_vf_link_state	= iovnet_pf_set_vf_link_state,
	.ndo_get_vf_config	= iovnet_pf_get_vf_config,
	.ndo_get_vf_stats	= iovnet_pf_get_vf_stats,
#ifdef IOVNET_HAVE_NDO_HWTSTAMP_SET
	.ndo_hwtstamp_get	= iovnet_pf_ndo_hwtstamp_get,
	.ndo_hwtstamp_set	= iovnet_pf_ndo_hwtstamp_set,
#else
	.ndo_eth_ioctl		= iovnet_pf_eth_ioctl,
#endif
};

static void iovnet_pf_link_update(struct iovnet_pf *pf)
{
	struct net_device *netdev = pf->netdev;
	bool up = iovnet_pf_link_check(pf);

	if (up == pf->link_up) {
		iovnet_pf_fc_check(pf);
		return;
	}
	pf->link_up = up;
	if (up) {
		pf->fc_pending = false;
		iovnet_pf_fc_setup(pf);
		netdev_info(netdev, "link up, %u Mbps, %s duplex\n",
			    pf->link_speed,
			    pf->link_duplex == DUPLEX_FULL ? "full" : "half");
		netif_carrier_on(netdev);
	} else {
		netdev_info(netdev, "link down\n");
		netif_carrier_off(netdev);
	}
}

/**
 * iovnet_pf_service_schedule() - run the service task now
 * @pf: the PF
 *
 * Nothing is scheduled once remove has begun: it cancels the task once.
 */
void iovnet_pf_service_schedule(struct iovnet_pf *pf)
{
	if (!test_bit(IOVNET_PF_REMOVING, pf->state))
		mod_delayed_work(system_dfl_wq, &pf->service_task, 0);
}

/**
 * iovnet_pf_service_task() - periodic and interrupt-triggered slow work
 * @work: the service task's work item
 *
 * Follows the link, folds the MAC counters in before they can wrap.
 */
void iovnet_pf_service_task(struct work_struct *work)
{
	struct iovnet_pf *pf = container_of(to_delayed_work(work),
					    struct iovnet_pf, service_task);

	iovnet_pf_update_hw_stats(pf);
	mutex_lock(&pf->vf_lock);
	if (pf->num_vfs) {
		iovnet_pf_vf_update_stats(pf);
		iovnet_pf_vf_link_changed(pf);
		/* Also a safety net for a mailbox interrupt that got lost */
		iovnet_pf_mbx_schedule(pf);
	}
	mutex_unlock(&pf->vf_lock);

	rtnl_lock();
	/*
	 * A hang goes to the tx_hang health reporter, whose recover (unless
	 * the user turned auto-recover off) requests the reset done below
	 */
	if (test_and_clear_bit(IOVNET_PF_TX_TIMEOUT, pf->state) &&
	    !test_bit(IOVNET_PF_REMOVING, pf->state)) {
		iovnet_pf_tx_hang_report(pf, "tx timeout",
					 READ_ONCE(pf->tx_hang_queue));
	} else if (!test_bit(IOVNET_PF_DOWN, pf->state) && pf->link_up &&
		   !test_bit(IOVNET_PF_REMOVING, pf->state) &&
		   iovnet_port_tx_hung(&pf->port, IOVNET_TX_HANG_PERIOD)) {
		pf->tx_stalls++;
		netdev_warn(pf->netdev, "TX completions stopped\n");
		iovnet_pf_tx_hang_report(pf, "tx completions stopped", U32_MAX);
	}
	if (test_and_clear_bit(IOVNET_PF_RESET_REQUESTED, pf->state) &&
	    !test_bit(IOVNET_PF_REMOVING, pf->state)) {
		pf->resets++;
		iovnet_pf_reinit(pf);
	}
	if (!test_bit(IOVNET_PF_DOWN, pf->state))
		iovnet_pf_link_update(pf);
	rtnl_unlock();

	if (!test_bit(IOVNET_PF_REMOVING, pf->state))
		queue_delayed_work(system_dfl_wq, &pf->service_task,
				   IOVNET_PF_SERVICE_PERIOD);
}

/**
 * iovnet_pf_netdev_setup() - fill in the PF netdev before registration
 * @pf: the PF
 *
 * Return: 0.
 */
int iovnet_pf_netdev_setup(struct iovnet_pf *pf)
{
	struct net_device *netdev = pf->netdev;
	netdev_features_t csum_tso = NETIF_F_SG | NETIF_F_IP_CSUM |
				     NETIF_F_IPV6_CSUM | NETIF_F_TSO |
				     NETIF_F_TSO6;

	netdev->netdev_ops = &iovnet_pf_netdev_ops;
	iovnet_set_stat_ops(netdev, &iovnet_stat_ops);
	iovnet_pf_set_ethtool_ops(netdev);
	netdev->watchdog_timeo = 5 * HZ;

	netdev->hw_features = csum_tso | NETIF_F_RXCSUM | NETIF_F_RXHASH |
			      NETIF_F_HW_VLAN_CTAG_RX |
			      NETIF_F_HW_VLAN_CTAG_TX |
			      NETIF_F_HW_VLAN_CTAG_FILTER;
	netdev->features = netdev->hw_features | NETIF_F_HIGHDMA;
	netdev->vlan_features = csum_tso | NETIF_F_HIGHDMA;
	netdev->priv_flags |= IFF_UNICAST_FLT | IFF_LIVE_ADDR_CHANGE;

	netdev->min_mtu = ETH_MIN_MTU;
	netdev->max_mtu = IOVNET_MAX_FRAME - ETH_HLEN - ETH_FCS_LEN - VLAN_HLEN;
	return 0;
}
