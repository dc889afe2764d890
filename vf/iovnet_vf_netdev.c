// SPDX-License-Identifier: GPL-2.0
/* Copyright (c) 2026 The iovnet authors */

#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/if_vlan.h>
#include <linux/rtnetlink.h>

#include "iovnet_vf.h"

#define IOVNET_VF_FRAME_OVERHEAD	(ETH_HLEN + ETH_FCS_LEN + VLAN_HLEN)

static u32 iovnet_vf_queue_regs(const struct iovnet_port *port, unsigned int q,
				bool tx)
{
	return tx ? IOVNET_VF_TXQ_BASE(q) : IOVNET_VF_RXQ_BASE(q);
}

/* VTIVAR: RX of queue q in byte 2q, TX in byte 2q + 1 */
static void iovnet_vf_map_queue(struct iovnet_port *port, unsigned int q,
				unsigned int vector)
{
	struct iovnet_vf *vf = container_of(port, struct iovnet_vf, port);
	u32 entry = vector | IOVNET_IVAR_VALID;

	vf->vtivar &= ~(0xffffU << (16 * q));
	vf->vtivar |= (entry | entry << 8) << (16 * q);
	vf_wr32(vf, IOVNET_VF_IVAR, vf->vtivar);
}

static const struct iovnet_port_ops iovnet_vf_port_ops = {
	.queue_regs = iovnet_vf_queue_regs,
	.map_queue = iovnet_vf_map_queue,
};

/* Requests, under mbx_lock; each returns what iovnet_vf_mbx_request() does */

static int iovnet_vf_send_mac(struct iovnet_vf *vf, u8 info, const u8 *addr)
{
	union iovnet_mbx_msg msg;

	iovnet_mbx_init(&msg, IOVNET_MBX_SET_MAC, info);
	if (addr)
		ether_addr_copy(msg.mac.addr, addr);
	return iovnet_vf_mbx_request(vf, &msg);
}

static int iovnet_vf_send_lpe(struct iovnet_vf *vf, unsigned int mtu)
{
	union iovnet_mbx_msg msg;

	iovnet_mbx_init(&msg, IOVNET_MBX_SET_LPE, 0);
	msg.lpe.max_frame = cpu_to_le32(max_t(u32, mtu + IOVNET_VF_FRAME_OVERHEAD,
					      IOVNET_MBX_MIN_FRAME));
	return iovnet_vf_mbx_request(vf, &msg);
}

static int iovnet_vf_send_vlan(struct iovnet_vf *vf, u16 vid, bool add)
{
	union iovnet_mbx_msg msg;

	iovnet_mbx_init(&msg, IOVNET_MBX_SET_VLAN, add ? IOVNET_MBX_VLAN_ADD : 0);
	msg.vlan.vid = cpu_to_le32(vid);
	return iovnet_vf_mbx_request(vf, &msg);
}

/**
 * iovnet_vf_pf_link() - take the link from a GET_LINK reply or CTRL_LINK
 * @vf: the VF
 * @link: the message
 */
void iovnet_vf_pf_link(struct iovnet_vf *vf, const struct iovnet_mbx_link *link)
{
	u32 flags = le32_to_cpu(link->flags);

	vf->pf_link_up = flags & IOVNET_MBX_LINK_UP;
	vf->pf_link_speed = vf->pf_link_up ? le32_to_cpu(link->speed) : 0;
	vf->pf_link_duplex = flags & IOVNET_MBX_LINK_FULL_DUPLEX ?
			     DUPLEX_FULL : DUPLEX_HALF;
}

/**
 * iovnet_vf_query_link() - ask a PF that offers it for the link
 * @vf: the VF, under @vf->mbx_lock
 */
void iovnet_vf_query_link(struct iovnet_vf *vf)
{
	union iovnet_mbx_msg msg;

	if (!(vf->pf_caps & IOVNET_MBX_CAP_LINK))
		return;
	iovnet_mbx_init(&msg, IOVNET_MBX_GET_LINK, 0);
	if (!iovnet_vf_mbx_request(vf, &msg))
		iovnet_vf_pf_link(vf, &msg.link);
}

/**
 * iovnet_vf_link_update() - set the carrier from the PF's view of the link
 * @vf: the VF, under @vf->mbx_lock (which orders it with the datapath)
 *
 * Up needs the handshake, a running datapath, the port's link (VF STATUS
 * mirrors the PF's) and, where the PF reports it, the VF's own link state.
 */
void iovnet_vf_link_update(struct iovnet_vf *vf)
{
	u32 status = vf_rd32(vf, IOVNET_STATUS);
	bool up;

	lockdep_assert_held(&vf->mbx_lock);
	up = test_bit(IOVNET_VF_RUNNING, vf->state) && READ_ONCE(vf->cts) &&
	     (status & IOVNET_STATUS_LU) &&
	     (!(vf->pf_caps & IOVNET_MBX_CAP_LINK) || vf->pf_link_up);
	if (up == vf->link_up)
		return;
	vf->link_up = up;
	if (up) {
		netdev_info(vf->netdev, "link up, %u Mbps\n",
			    vf->pf_caps & IOVNET_MBX_CAP_LINK ?
			    vf->pf_link_speed : iovnet_status_speed(status));
		netif_carrier_on(vf->netdev);
	} else {
		netdev_info(vf->netdev, "link down\n");
		netif_carrier_off(vf->netdev);
	}
}

/* Receive filters */

static void iovnet_vf_rx_mode_want(struct iovnet_vf *vf,
				   struct iovnet_vf_rx_mode *want)
{
	struct net_device *netdev = vf->netdev;
	unsigned int mc = 0, uc = 0;
	struct netdev_hw_addr *ha;
	unsigned int flags;

	memset(want, 0, sizeof(*want));
	/*
	 * The handshake in probe runs before register_netdev(), which is
	 * what initialises the address lists' lock; the lists are empty then.
	 */
	if (netdev->reg_state != NETREG_UNINITIALIZED) {
		netif_addr_lock_bh(netdev);
		netdev_for_each_mc_addr(ha, netdev) {
			if (mc < IOVNET_MBX_MAX_MC_HASHES)
				want->mc_hash[mc] = iovnet_mbx_mc_hash(ha->addr);
			mc++;
		}
		netdev_for_each_uc_addr(ha, netdev) {
			if (uc < IOVNET_VF_MAX_UC)
				ether_addr_copy(want->uc[uc], ha->addr);
			uc++;
		}
		netif_addr_unlock_bh(netdev);
	}

	/*
	 * What does not fit in the filters needs a promiscuous mode. The flags
	 * are read without RTNL: a change schedules this work again.
	 */
	flags = READ_ONCE(netdev->flags);
	if ((flags & IFF_PROMISC) || uc > IOVNET_VF_MAX_UC)
		want->promisc = IOVNET_MBX_PROMISC_ALL;
	else if ((flags & IFF_ALLMULTI) || mc > IOVNET_MBX_MAX_MC_HASHES)
		want->promisc = IOVNET_MBX_PROMISC_MULTICAST;
	want->mc_count = min_t(unsigned int, mc, IOVNET_MBX_MAX_MC_HASHES);
	want->uc_count = min_t(unsigned int, uc, IOVNET_VF_MAX_UC);
}

static bool iovnet_vf_mc_equal(const struct iovnet_vf_rx_mode *a,
			       const struct iovnet_vf_rx_mode *b)
{
	return a->mc_count == b->mc_count &&
	       !memcmp(a->mc_hash, b->mc_hash, a->mc_count * sizeof(u16));
}

static bool iovnet_vf_uc_equal(const struct iovnet_vf_rx_mode *a,
			       const struct iovnet_vf_rx_mode *b)
{
	return a->uc_count == b->uc_count &&
	       !memcmp(a->uc, b->uc, a->uc_count * ETH_ALEN);
}

/*
 * Not asked again: the PF refused exactly this before. Any other request
 * in between forgets the refusal, so asking again later is possible (the
 * administrator may have trusted the VF meanwhile).
 */
static bool iovnet_vf_refused(struct iovnet_vf *vf, u8 kind, bool same)
{
	if (!same)
		vf->rx_refused_valid &= ~kind;
	return (vf->rx_refused_valid & kind) && same;
}

/*
 * Why the PF said no, for the log. Only a PF that granted CAP_STATUS says;
 * from a stock one a refusal is almost always a missing trust.
 */
static const char *iovnet_vf_nack_reason(const struct iovnet_vf *vf, int err)
{
	if (!(vf->pf_caps & IOVNET_MBX_CAP_STATUS))
		return "VF not trusted?";
	switch (err) {
	case -ENOSPC:
		return "no filter left for this VF";
	case -EADDRINUSE:
		return "address in use by another function";
	case -EINVAL:
		return "invalid request";
	case -EAGAIN:
		return "the PF is busy";
	case -EOPNOTSUPP:
		return "not supported by the PF";
	default:
		return "not allowed for this VF";
	}
}

static void iovnet_vf_refuse(struct iovnet_vf *vf, u8 kind, const char *what,
			     int err)
{
	vf->rx_refused_valid |= kind;
	if (net_ratelimit())
		netdev_err(vf->netdev,
			   "the PF refused %s (%s); not asking again until it changes\n",
			   what, iovnet_vf_nack_reason(vf, err));
}

static int iovnet_vf_sync_mc(struct iovnet_vf *vf,
			     const struct iovnet_vf_rx_mode *want)
{
	union iovnet_mbx_msg msg;
	unsigned int i;
	int err;

	if (iovnet_vf_refused(vf, IOVNET_VF_REFUSED_MC,
			      iovnet_vf_mc_equal(want, &vf->rx_refused)) ||
	    iovnet_vf_mc_equal(want, &vf->rx_sent))
		return 0;

	iovnet_mbx_init(&msg, IOVNET_MBX_SET_MULTICAST, want->mc_count);
	for (i = 0; i < want->mc_count; i++)
		msg.mc.hash[i] = cpu_to_le16(want->mc_hash[i]);
	err = iovnet_vf_mbx_request(vf, &msg);
	if (!err) {
		vf->rx_sent.mc_count = want->mc_count;
		memcpy(vf->rx_sent.mc_hash, want->mc_hash, sizeof(want->mc_hash));
		vf->rx_refused_valid &= ~IOVNET_VF_REFUSED_MC;
	} else if (iovnet_vf_mbx_nacked(err)) {
		vf->rx_refused.mc_count = want->mc_count;
		memcpy(vf->rx_refused.mc_hash, want->mc_hash,
		       sizeof(want->mc_hash));
		iovnet_vf_refuse(vf, IOVNET_VF_REFUSED_MC, "the multicast list",
				 err);
	}
	return err;
}

static int iovnet_vf_sync_uc(struct iovnet_vf *vf,
			     const struct iovnet_vf_rx_mode *want)
{
	unsigned int i;
	int err = 0;

	if (iovnet_vf_refused(vf, IOVNET_VF_REFUSED_UC,
			      iovnet_vf_uc_equal(want, &vf->rx_refused)) ||
	    iovnet_vf_uc_equal(want, &vf->rx_sent))
		return 0;

	/* The PF keeps no list we could edit: clear and add them all again */
	if (vf->rx_sent.uc_count) {
		err = iovnet_vf_send_mac(vf, IOVNET_MBX_MAC_FILTER_CLR, NULL);
		if (err)
			goto out;
		vf->rx_sent.uc_count = 0;
	}
	for (i = 0; i < want->uc_count; i++) {
		err = iovnet_vf_send_mac(vf, IOVNET_MBX_MAC_FILTER_ADD,
					 want->uc[i]);
		if (err)
			goto out;
		ether_addr_copy(vf->rx_sent.uc[i], want->uc[i]);
		vf->rx_sent.uc_count = i + 1;
	}
	vf->rx_refused_valid &= ~IOVNET_VF_REFUSED_UC;
out:
	if (iovnet_vf_mbx_nacked(err)) {
		vf->rx_refused.uc_count = want->uc_count;
		memcpy(vf->rx_refused.uc, want->uc, sizeof(want->uc));
		iovnet_vf_refuse(vf, IOVNET_VF_REFUSED_UC,
				 "extra unicast addresses", err);
	}
	return err;
}

static int iovnet_vf_sync_promisc(struct iovnet_vf *vf,
				  const struct iovnet_vf_rx_mode *want)
{
	union iovnet_mbx_msg msg;
	int err;

	if (iovnet_vf_refused(vf, IOVNET_VF_REFUSED_PROMISC,
			      want->promisc == vf->rx_refused.promisc) ||
	    want->promisc == vf->rx_sent.promisc)
		return 0;

	iovnet_mbx_init(&msg, IOVNET_MBX_SET_PROMISC, want->promisc);
	err = iovnet_vf_mbx_request(vf, &msg);
	if (!err) {
		vf->rx_sent.promisc = want->promisc;
		vf->rx_refused_valid &= ~IOVNET_VF_REFUSED_PROMISC;
	} else if (iovnet_vf_mbx_nacked(err)) {
		vf->rx_refused.promisc = want->promisc;
		iovnet_vf_refuse(vf, IOVNET_VF_REFUSED_PROMISC,
				 want->promisc & IOVNET_MBX_PROMISC_UNICAST ?
				 "promiscuous mode" : "all-multicast mode", err);
	}
	return err;
}

/* Bring the PF's filters in line with the netdev; a refusal is not an error */
static int iovnet_vf_sync_rx_mode(struct iovnet_vf *vf)
{
	struct iovnet_vf_rx_mode want;
	int err;

	iovnet_vf_rx_mode_want(vf, &want);
	err = iovnet_vf_sync_mc(vf, &want);
	if (!err || iovnet_vf_mbx_nacked(err))
		err = iovnet_vf_sync_uc(vf, &want);
	if (!err || iovnet_vf_mbx_nacked(err))
		err = iovnet_vf_sync_promisc(vf, &want);
	return iovnet_vf_mbx_nacked(err) ? 0 : err;
}

/* Tell the PF about VLANs the stack removed (they may free its filters) */
static int iovnet_vf_sync_vlans(struct iovnet_vf *vf)
{
	unsigned int vid;
	int err;

	for_each_set_bit(vid, vf->sent_vlans, VLAN_N_VID) {
		if (test_bit(vid, vf->active_vlans))
			continue;
		err = iovnet_vf_send_vlan(vf, vid, false);
		if (err && !iovnet_vf_mbx_nacked(err))
			return err;
		clear_bit(vid, vf->sent_vlans);
	}
	return 0;
}

/**
 * iovnet_vf_rx_mode_task() - push receive filters and VLAN removals
 * @work: the VF's rx_mode_task
 *
 * Runs without RTNL: the round trips may wait for a slow PF.
 */
void iovnet_vf_rx_mode_task(struct work_struct *work)
{
	struct iovnet_vf *vf = container_of(work, struct iovnet_vf,
					    rx_mode_task);

	mutex_lock(&vf->mbx_lock);
	/* Without a handshake the recovery pushes them all */
	if (vf->cts && !iovnet_vf_sync_vlans(vf))
		iovnet_vf_sync_rx_mode(vf);
	mutex_unlock(&vf->mbx_lock);
}

static void iovnet_vf_set_rx_mode(struct net_device *netdev)
{
	struct iovnet_vf *vf = netdev_priv(netdev);

	/* Atomic context here, and the mailbox sleeps */
	if (!test_bit(IOVNET_VF_REMOVING, vf->state))
		queue_work(system_dfl_wq, &vf->rx_mode_task);
}

/* Queue pairs: two only when the PF spreads the pool's RX over both */
static int iovnet_vf_config_rss(struct iovnet_vf *vf)
{
	unsigned int want = min_t(unsigned int, READ_ONCE(vf->req_queues),
				  vf->port.max_queues);
	union iovnet_mbx_msg msg;
	int err;

	if (vf->pf_caps & IOVNET_MBX_CAP_RSS) {
		iovnet_mbx_init(&msg, IOVNET_MBX_SET_RSS, 0);
		msg.rss.enable = cpu_to_le32(want > 1);
		err = iovnet_vf_mbx_request(vf, &msg);
		if (iovnet_vf_mbx_nacked(err) && want > 1) {
			netdev_warn(vf->netdev,
				    "the PF refused RSS: using one queue pair\n");
			want = 1;
		} else if (err && !iovnet_vf_mbx_nacked(err)) {
			return err;
		}
	}
	vf->granted_queues = want;
	return 0;
}

/* Datapath */

static void iovnet_vf_disable_queues(struct iovnet_vf *vf)
{
	unsigned int q;

	for (q = 0; q < vf->port.num_queues; q++) {
		writel(0, vf->port.qvecs[q]->rx->regs + IOVNET_Q_DCTL);
		writel(0, vf->port.qvecs[q]->tx->regs + IOVNET_Q_DCTL);
	}
}

/**
 * iovnet_vf_datapath_up() - allocate, program and start the rings
 * @vf: the VF, under RTNL and @vf->mbx_lock, after the handshake
 *
 * Return: 0 or a negative errno; on error the datapath stays down.
 */
int iovnet_vf_datapath_up(struct iovnet_vf *vf)
{
	struct iovnet_port *port = &vf->port;
	int err;

	err = iovnet_port_alloc(port);
	if (err)
		return err;
	err = netif_set_real_num_queues(vf->netdev, port->num_queues,
					port->num_queues);
	if (err)
		goto err_free;

	vf->vtivar = 0;
	iovnet_port_configure(port, IOVNET_RX_BUF_LEN);
	err = iovnet_port_request_irqs(port);
	if (err)
		goto err_disable;

	iovnet_port_start(port);
	set_bit(IOVNET_VF_RUNNING, vf->state);
	/* The carrier comes from the service task, which looks right away */
	iovnet_vf_service_schedule(vf, 0);
	return 0;

err_disable:
	iovnet_vf_disable_queues(vf);
err_free:
	iovnet_port_free(port);
	return err;
}

/**
 * iovnet_vf_datapath_down() - stop the rings and free them
 * @vf: the VF, under RTNL and @vf->mbx_lock
 */
void iovnet_vf_datapath_down(struct iovnet_vf *vf)
{
	struct iovnet_port *port = &vf->port;

	netif_carrier_off(vf->netdev);
	vf->link_up = false;
	if (!test_and_clear_bit(IOVNET_VF_RUNNING, vf->state)) {
		netif_tx_stop_all_queues(vf->netdev);
		return;
	}
	iovnet_port_stop(port);
	iovnet_port_free_irqs(port);
	iovnet_port_free(port);
}

/**
 * iovnet_vf_set_queues() - change the number of queue pairs
 * @vf: the VF, under RTNL
 * @count: 1 or 2, within what get_channels() allowed
 *
 * Return: 0 or a negative errno.
 */
int iovnet_vf_set_queues(struct iovnet_vf *vf, unsigned int count)
{
	bool running;
	int err = 0;

	/* A running recovery would not see it: have it start over */
	if (test_bit(IOVNET_VF_RECOVERING, vf->state)) {
		WRITE_ONCE(vf->req_queues, count);
		set_bit(IOVNET_VF_RESYNC, vf->state);
		return 0;
	}

	mutex_lock(&vf->mbx_lock);
	running = test_bit(IOVNET_VF_RUNNING, vf->state);
	if (running)
		iovnet_vf_datapath_down(vf);
	WRITE_ONCE(vf->req_queues, count);
	/* Without a handshake the recovery tells the PF */
	if (vf->cts)
		err = iovnet_vf_config_rss(vf);
	else
		vf->granted_queues = min_t(unsigned int, count,
					   vf->port.max_queues);
	if (!err)
		vf->port.num_queues = vf->granted_queues;
	if (running && !err)
		err = iovnet_vf_datapath_up(vf);
	if (err)
		iovnet_vf_request_reset(vf, "a failed queue change");
	mutex_unlock(&vf->mbx_lock);
	return err;
}

/* Handshake and recovery */

/* The PF decides our MAC: tell the stack it changed */
static void iovnet_vf_take_mac(struct iovnet_vf *vf, const u8 *addr)
{
	struct net_device *netdev = vf->netdev;

	ether_addr_copy(netdev->perm_addr, addr);
	if (ether_addr_equal(netdev->dev_addr, addr))
		return;
	eth_hw_addr_set(netdev, addr);
	netdev->addr_assign_type = NET_ADDR_PERM;
	if (netdev->reg_state == NETREG_REGISTERED) {
		netdev_info(netdev, "the PF assigned MAC address %pM\n", addr);
		call_netdevice_notifiers(NETDEV_CHANGEADDR, netdev);
	}
}

static int iovnet_vf_restore_vlans(struct iovnet_vf *vf)
{
	unsigned int vid;
	int err;

	bitmap_zero(vf->sent_vlans, VLAN_N_VID);
	for_each_set_bit(vid, vf->active_vlans, VLAN_N_VID) {
		err = iovnet_vf_send_vlan(vf, vid, true);
		if (iovnet_vf_mbx_nacked(err)) {
			netdev_warn(vf->netdev, "the PF refused VLAN %u (%s)\n",
				    vid, iovnet_vf_nack_reason(vf, err));
			continue;
		}
		if (err)
			return err;
		set_bit(vid, vf->sent_vlans);
	}
	return 0;
}

static void iovnet_vf_take_caps(struct iovnet_vf *vf,
				const union iovnet_mbx_msg *msg)
{
	u32 max_frame = le32_to_cpu(msg->caps.max_frame);
	u32 version = le32_to_cpu(msg->caps.version);

	/* A PF older than we can talk to: as under a stock PF */
	if (version < IOVNET_MBX_VERSION_MIN) {
		if (vf->pf_version != version)
			netdev_info(vf->netdev,
				    "the PF's mailbox protocol version %u is older than %u: no extensions\n",
				    version, IOVNET_MBX_VERSION_MIN);
		vf->pf_version = version;
		WRITE_ONCE(vf->pf_caps, 0);
		vf->pf_max_frame = IOVNET_MBX_MAX_FRAME;
		return;
	}
	vf->pf_version = version;
	/* What it offers of what we asked for */
	WRITE_ONCE(vf->pf_caps, le32_to_cpu(msg->caps.caps) & IOVNET_MBX_CAPS);
	if (max_frame < ETH_MIN_MTU + IOVNET_VF_FRAME_OVERHEAD ||
	    max_frame > IOVNET_MBX_MAX_FRAME)
		max_frame = IOVNET_MBX_MAX_FRAME;
	vf->pf_max_frame = max_frame;
}

/* Settings the handshake pushes, taken from the netdev (under RTNL once
 * registered): the handshake itself runs without RTNL.
 */
static void iovnet_vf_snapshot(struct iovnet_vf *vf)
{
	struct net_device *netdev = vf->netdev;

	if (!is_valid_ether_addr(netdev->dev_addr))
		eth_hw_addr_random(netdev);
	ether_addr_copy(vf->want_mac, netdev->dev_addr);
	vf->want_mtu = READ_ONCE(netdev->mtu);
}

/*
 * Reset, identify the PF, restore every setting: takes the administrative
 * MAC address (or registers @want_mac), the PF's extensions, and restores
 * MTU, VLANs, receive filters and RSS. Under mbx_lock, without RTNL, with
 * the datapath down; what it learnt reaches the netdev in
 * iovnet_vf_handshake_apply(). Returns 0, or a negative errno when the PF
 * is not ready or stopped answering (the service task tries again).
 */
static int iovnet_vf_handshake(struct iovnet_vf *vf)
{
	struct net_device *netdev = vf->netdev;
	union iovnet_mbx_msg msg;
	int err;

	lockdep_assert_held(&vf->mbx_lock);
	err = iovnet_vf_mbx_reset(vf, &msg);
	if (err && err != -EPERM)
		return err;

	vf->admin_mac = !err && is_valid_ether_addr(msg.mac.addr);
	if (vf->admin_mac) {
		ether_addr_copy(vf->pf_mac, msg.mac.addr);
	} else {
		err = iovnet_vf_send_mac(vf, IOVNET_MBX_MAC_PRIMARY,
					 vf->want_mac);
		if (iovnet_vf_mbx_nacked(err))
			netdev_warn(netdev, "the PF refused MAC address %pM\n",
				    vf->want_mac);
		else if (err)
			return err;
	}
	iovnet_vf_irq_enable(vf);
	iovnet_vf_rebase_hw_stats(vf);

	/*
	 * Our version and what we want; a stock PF refuses what it does not
	 * know: no extensions then.
	 */
	iovnet_mbx_init(&msg, IOVNET_MBX_GET_CAPS, 0);
	msg.caps.version = cpu_to_le32(IOVNET_MBX_VERSION);
	msg.caps.caps = cpu_to_le32(IOVNET_MBX_CAPS);
	err = iovnet_vf_mbx_request(vf, &msg);
	if (!err) {
		iovnet_vf_take_caps(vf, &msg);
	} else if (iovnet_vf_mbx_nacked(err)) {
		vf->pf_version = 0;
		WRITE_ONCE(vf->pf_caps, 0);
		vf->pf_max_frame = IOVNET_MBX_MAX_FRAME;
	} else {
		return err;
	}
	vf->port.max_queues = vf->pf_caps & IOVNET_MBX_CAP_RSS ?
			      IOVNET_VF_MAX_QUEUES : 1;

	err = iovnet_vf_send_lpe(vf, vf->want_mtu);
	if (iovnet_vf_mbx_nacked(err))
		netdev_warn(netdev, "the PF refused frames for MTU %u (%s)\n",
			    vf->want_mtu, iovnet_vf_nack_reason(vf, err));
	else if (err)
		return err;

	err = iovnet_vf_restore_vlans(vf);
	if (err)
		return err;

	/* The PF forgot our filters with the reset */
	memset(&vf->rx_sent, 0, sizeof(vf->rx_sent));
	vf->rx_refused_valid = 0;
	err = iovnet_vf_sync_rx_mode(vf);
	if (err)
		return err;

	err = iovnet_vf_config_rss(vf);
	if (err)
		return err;

	vf->pf_link_up = false;
	iovnet_vf_query_link(vf);
	return vf->cts ? 0 : -EIO;
}

/*
 * What a handshake learnt, into the netdev: under RTNL (or before
 * registration) and not under mbx_lock, as the notifiers of a MAC change may
 * call our ndos (a bond with fail_over_mac sets the slaves' MAC).
 */
static void iovnet_vf_handshake_apply(struct iovnet_vf *vf)
{
	if (vf->admin_mac)
		iovnet_vf_take_mac(vf, vf->pf_mac);
	vf->netdev->max_mtu = vf->pf_max_frame - IOVNET_VF_FRAME_OVERHEAD;
}

/**
 * iovnet_vf_probe_handshake() - the first handshake, before registration
 * @vf: the VF, its netdev not registered yet
 *
 * Return: 0, or a negative errno when the PF is not ready (the service
 * task tries again).
 */
int iovnet_vf_probe_handshake(struct iovnet_vf *vf)
{
	int err;

	mutex_lock(&vf->mbx_lock);
	iovnet_vf_snapshot(vf);
	err = iovnet_vf_handshake(vf);
	mutex_unlock(&vf->mbx_lock);
	if (!err) {
		vf->port.num_queues = vf->granted_queues;
		iovnet_vf_handshake_apply(vf);
	}
	return err;
}

/*
 * RTNL and then mbx_lock, without holding RTNL while mbx_lock is busy with
 * a round trip (the rx_mode work's, say): wait for it with RTNL dropped.
 */
static void iovnet_vf_lock_both(struct iovnet_vf *vf)
{
	for (;;) {
		rtnl_lock();
		if (mutex_trylock(&vf->mbx_lock))
			return;
		rtnl_unlock();
		mutex_lock(&vf->mbx_lock);
		mutex_unlock(&vf->mbx_lock);
	}
}

/**
 * iovnet_vf_recover() - take the VF down, redo the handshake, come back
 * @vf: the VF, with a recovery requested; from the service task, without
 *	RTNL or @vf->mbx_lock
 *
 * RTNL is held only to stop the datapath and to start it again, not across
 * the handshake's round trips (iovnet_vf.h). On failure the next attempt is
 * scheduled with a growing back-off, so a PF that is away sees at most one
 * reset request every few seconds.
 */
void iovnet_vf_recover(struct iovnet_vf *vf)
{
	unsigned long delay = vf->retry_delay;
	unsigned long start = vf->reset_start;
	const char *reason = vf->reset_reason;
	bool learnt, recovered = false;
	int err;

	/* An episode's first attempt: devlink health hears of it */
	if (!delay && !vf->recovery_reported) {
		vf->recovery_reported = true;
		iovnet_vf_recovery_report(vf, reason);
	}
	iovnet_vf_lock_both(vf);
	iovnet_vf_datapath_down(vf);
	clear_bit(IOVNET_VF_RESET_REQUESTED, vf->state);
	clear_bit(IOVNET_VF_RESYNC, vf->state);
	set_bit(IOVNET_VF_RECOVERING, vf->state);
	iovnet_vf_snapshot(vf);
	mutex_unlock(&vf->mbx_lock);
	rtnl_unlock();

	mutex_lock(&vf->mbx_lock);
	err = iovnet_vf_handshake(vf);
	mutex_unlock(&vf->mbx_lock);

	iovnet_vf_lock_both(vf);
	clear_bit(IOVNET_VF_RECOVERING, vf->state);
	learnt = !err;
	/* With RTNL again: ethtool -S sizes its buffer by it */
	if (learnt)
		vf->port.num_queues = vf->granted_queues;
	if (!err && test_bit(IOVNET_VF_RESYNC, vf->state)) {
		/* The stack changed a setting meanwhile: once more with it */
		set_bit(IOVNET_VF_RESET_REQUESTED, vf->state);
		vf->retry_at = jiffies;
		goto out;
	}
	if (!err && !test_bit(IOVNET_VF_DOWN, vf->state))
		err = iovnet_vf_datapath_up(vf);
	if (err || test_bit(IOVNET_VF_RESET_REQUESTED, vf->state)) {
		if (err && test_bit(IOVNET_VF_RUNNING, vf->state))
			iovnet_vf_datapath_down(vf);
		set_bit(IOVNET_VF_RESET_REQUESTED, vf->state);
		vf->reset_start = start;
		vf->reset_reason = reason;
		/* Once per episode: a PF away for long must not fill the log */
		if (err && !delay)
			netdev_warn(vf->netdev,
				    "recovery from %s failed (%d, mailbox %#x), retrying\n",
				    reason ?: "a reset", err, vf->mbx_last);
		/*
		 * From where this episode was, not from the fresh request the
		 * failed handshake itself made: the back-off must grow.
		 */
		vf->retry_delay = clamp(2 * delay,
					(unsigned long)IOVNET_VF_RETRY_MIN,
					(unsigned long)IOVNET_VF_RETRY_MAX);
		vf->retry_at = jiffies + vf->retry_delay;
		goto out;
	}

	vf->recoveries++;
	vf->recovery_reported = false;
	recovered = true;
	vf->retry_delay = 0;
	netdev_info(vf->netdev, "recovered from %s in %u ms\n",
		    reason ?: "a reset", jiffies_to_msecs(jiffies - start));
out:
	mutex_unlock(&vf->mbx_lock);
	if (learnt)
		iovnet_vf_handshake_apply(vf);
	rtnl_unlock();
	if (recovered)
		iovnet_vf_recovery_done(vf);
}

/* Netdev operations */

static int iovnet_vf_open(struct net_device *netdev)
{
	struct iovnet_vf *vf = netdev_priv(netdev);
	int err = 0;

	netif_carrier_off(netdev);
	netif_tx_stop_all_queues(netdev);
	clear_bit(IOVNET_VF_DOWN, vf->state);
	/* A running recovery starts the datapath when it is done */
	if (test_bit(IOVNET_VF_RECOVERING, vf->state))
		return 0;
	mutex_lock(&vf->mbx_lock);
	/* Without the PF the recovery starts the datapath once it is back */
	if (vf->cts) {
		err = iovnet_vf_datapath_up(vf);
		if (err)
			set_bit(IOVNET_VF_DOWN, vf->state);
	}
	mutex_unlock(&vf->mbx_lock);
	return err;
}

static int iovnet_vf_stop(struct net_device *netdev)
{
	struct iovnet_vf *vf = netdev_priv(netdev);

	set_bit(IOVNET_VF_DOWN, vf->state);
	/* A running recovery stopped the datapath and sees DOWN */
	if (test_bit(IOVNET_VF_RECOVERING, vf->state))
		return 0;
	mutex_lock(&vf->mbx_lock);
	iovnet_vf_datapath_down(vf);
	mutex_unlock(&vf->mbx_lock);
	return 0;
}

static int iovnet_vf_set_mac(struct net_device *netdev, void *p)
{
	struct iovnet_vf *vf = netdev_priv(netdev);
	struct sockaddr *addr = p;
	int err;

	if (!is_valid_ether_addr(addr->sa_data))
		return -EADDRNOTAVAIL;
	if (ether_addr_equal(netdev->dev_addr, addr->sa_data))
		return 0;

	if (test_bit(IOVNET_VF_RECOVERING, vf->state)) {
		set_bit(IOVNET_VF_RESYNC, vf->state);
		err = -ENODEV;
	} else {
		mutex_lock(&vf->mbx_lock);
		err = iovnet_vf_send_mac(vf, IOVNET_MBX_MAC_PRIMARY,
					 addr->sa_data);
		mutex_unlock(&vf->mbx_lock);
	}
	if (iovnet_vf_mbx_nacked(err)) {
		if (!net_ratelimit())
			return err;
		if (err == -EADDRINUSE && (vf->pf_caps & IOVNET_MBX_CAP_STATUS))
			netdev_err(netdev,
				   "MAC address %pM is in use by another function, keeping %pM\n",
				   addr->sa_data, netdev->dev_addr);
		else
			netdev_err(netdev,
				   "the PF refused MAC address %pM (%s), keeping %pM\n",
				   addr->sa_data,
				   iovnet_vf_nack_reason(vf, err),
				   netdev->dev_addr);
		return err;
	}
	/* A PF that is away gets it with the next handshake */
	eth_hw_addr_set(netdev, addr->sa_data);
	return 0;
}

static int iovnet_vf_change_mtu(struct net_device *netdev, int new_mtu)
{
	struct iovnet_vf *vf = netdev_priv(netdev);
	int err;

	if (test_bit(IOVNET_VF_RECOVERING, vf->state)) {
		set_bit(IOVNET_VF_RESYNC, vf->state);
		err = -ENODEV;
	} else {
		/* RX buffers chain, so only the PF's frame limit changes */
		mutex_lock(&vf->mbx_lock);
		err = iovnet_vf_send_lpe(vf, new_mtu);
		mutex_unlock(&vf->mbx_lock);
	}
	if (iovnet_vf_mbx_nacked(err)) {
		netdev_err(netdev, "the PF refused frames for MTU %d (%s)\n",
			   new_mtu, iovnet_vf_nack_reason(vf, err));
		/* A stock PF gives no reason: too large, as ever */
		return vf->pf_caps & IOVNET_MBX_CAP_STATUS ? err : -EINVAL;
	}
	WRITE_ONCE(netdev->mtu, new_mtu);
	return 0;
}

static int iovnet_vf_vlan_rx_add_vid(struct net_device *netdev,
				     __be16 proto, u16 vid)
{
	struct iovnet_vf *vf = netdev_priv(netdev);
	int err;

	if (test_bit(IOVNET_VF_RECOVERING, vf->state)) {
		set_bit(IOVNET_VF_RESYNC, vf->state);
		err = -ENODEV;
	} else {
		mutex_lock(&vf->mbx_lock);
		/* Removals still queued free the PF's filters first */
		err = vf->cts ? iovnet_vf_sync_vlans(vf) : 0;
		if (!err)
			err = iovnet_vf_send_vlan(vf, vid, true);
		if (!err)
			set_bit(vid, vf->sent_vlans);
		mutex_unlock(&vf->mbx_lock);
	}
	if (iovnet_vf_mbx_nacked(err)) {
		/* VLAN 0 is added on every up: stay quiet about it */
		if (!vid)
			return 0;
		if (!net_ratelimit())
			return err;
		if (!(vf->pf_caps & IOVNET_MBX_CAP_STATUS))
			netdev_err(netdev,
				   "the PF refused VLAN %u (port VLAN set?)\n",
				   vid);
		else if (err == -ENOSPC)
			netdev_err(netdev,
				   "the PF has no VLAN filter left for this VF: VLAN %u refused\n",
				   vid);
		else
			netdev_err(netdev, "the PF refused VLAN %u (%s)\n",
				   vid, iovnet_vf_nack_reason(vf, err));
		return err;
	}
	/* A PF that is away gets it with the next handshake */
	set_bit(vid, vf->active_vlans);
	return 0;
}

static int iovnet_vf_vlan_rx_kill_vid(struct net_device *netdev,
				      __be16 proto, u16 vid)
{
	struct iovnet_vf *vf = netdev_priv(netdev);

	/* No answer to wait for: the rx_mode work tells the PF */
	clear_bit(vid, vf->active_vlans);
	if (!test_bit(IOVNET_VF_REMOVING, vf->state))
		queue_work(system_dfl_wq, &vf->rx_mode_task);
	return 0;
}

static void iovnet_vf_tx_timeout(struct net_device *netdev,
				 unsigned int txqueue)
{
	struct iovnet_vf *vf = netdev_priv(netdev);

	vf->tx_timeouts++;
	netdev_warn(netdev, "TX queue %u timed out, resetting\n", txqueue);
	iovnet_vf_request_reset(vf, "a TX timeout");
}

static void iovnet_vf_get_stats64(struct net_device *netdev,
				  struct rtnl_link_stats64 *stats)
{
	struct iovnet_vf *vf = netdev_priv(netdev);

	iovnet_get_stats64(netdev, stats);
	spin_lock_bh(&vf->stats_lock);
	stats->multicast = vf->hw_stats.mprc;
	spin_unlock_bh(&vf->stats_lock);
}

static const struct net_device_ops iovnet_vf_netdev_ops = {
	.ndo_open		= iovnet_vf_open,
	.ndo_stop		= iovnet_vf_stop,
	.ndo_start_xmit		= iovnet_start_xmit,
	.ndo_features_check	= iovnet_features_check,
	.ndo_set_rx_mode	= iovnet_vf_set_rx_mode,
	.ndo_set_mac_address	= iovnet_vf_set_mac,
	.ndo_validate_addr	= eth_validate_addr,
	.ndo_change_mtu		= iovnet_vf_change_mtu,
	.ndo_get_stats64	= iovnet_vf_get_stats64,
	.ndo_vlan_rx_add_vid	= iovnet_vf_vlan_rx_add_vid,
	.ndo_vlan_rx_kill_vid	= iovnet_vf_vlan_rx_kill_vid,
	.ndo_tx_timeout		= iovnet_vf_tx_timeout,
};

/**
 * iovnet_vf_netdev_setup() - fill in the netdev and the datapath state
 * @vf: the VF, before registration
 */
void iovnet_vf_netdev_setup(struct iovnet_vf *vf)
{
	struct net_device *netdev = vf->netdev;
	netdev_features_t csum_tso = NETIF_F_SG | NETIF_F_IP_CSUM |
				     NETIF_F_IPV6_CSUM | NETIF_F_TSO |
				     NETIF_F_TSO6;

	iovnet_port_init(&vf->port, netdev, vf->pdev, vf->hw,
			 &iovnet_vf_port_ops, IOVNET_VF_MAX_QUEUES, 0);
	/* One queue pair until the PF says it spreads RX over two */
	vf->port.max_queues = 1;
	vf->port.num_queues = 1;
	vf->granted_queues = 1;
	/*
	 * Only the VLANs the stack asked for keep their tag on receive: under
	 * a port VLAN the PF strips the tag, the device still reports it, and
	 * the stack would drop the frame as another VLAN's.
	 */
	vf->port.rx_vlans = vf->active_vlans;
	vf->req_queues = IOVNET_VF_MAX_QUEUES;

	netdev->netdev_ops = &iovnet_vf_netdev_ops;
	iovnet_set_stat_ops(netdev, &iovnet_stat_ops);
	iovnet_vf_set_ethtool_ops(netdev);
	netdev->watchdog_timeo = 5 * HZ;

	/* VLAN stripping is the PF's choice (per pool), so it is fixed here */
	netdev->hw_features = csum_tso | NETIF_F_RXCSUM | NETIF_F_RXHASH |
			      NETIF_F_HW_VLAN_CTAG_TX;
	netdev->features = netdev->hw_features | NETIF_F_HIGHDMA |
			   NETIF_F_HW_VLAN_CTAG_RX |
			   NETIF_F_HW_VLAN_CTAG_FILTER;
	netdev->vlan_features = csum_tso | NETIF_F_HIGHDMA;
	netdev->priv_flags |= IFF_UNICAST_FLT | IFF_LIVE_ADDR_CHANGE;

	netdev->min_mtu = ETH_MIN_MTU;
	netdev->max_mtu = IOVNET_MBX_MAX_FRAME - IOVNET_VF_FRAME_OVERHEAD;
}
