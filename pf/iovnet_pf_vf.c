// SPDX-License-Identifier: GPL-2.0
/* Copyright (c) 2026 The iovnet authors */

/*
 * One VF's configuration as the PF keeps and enforces it. Two sides change
 * it: the administrator ("ip link set <pf> vf N ...", under RTNL) and the
 * tenant (mailbox requests, from the mailbox work). Both do so here and only
 * here, under pf->vf_lock, and iovnet_pf_vf_apply() writes the outcome to
 * the device. iovnet_pf_mbx.c only carries the messages; iovnet_pf_sriov.c
 * owns the device-wide VMDq tables.
 *
 * What a tenant may hold is bounded so that it cannot take what another
 * function needs: an address is owned once (PF address, PF secondary
 * addresses, each VF's primary and extra filters), and VLAN filters are
 * shared out so that the quotas add up to the 32 entries the device has.
 */

#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/rtnetlink.h>

#include "iovnet_pf.h"

/* EICR bit of VF @vf's MSI-X vector @k, as the device numbers them */
#define IOVNET_PF_VF_EICR_BIT(vf, k)	(22 - 3 * (vf) + (k))

/**
 * iovnet_pf_vf_init() - a VF as it starts: nothing asked, nothing assigned
 * @pf: the PF, under @pf->vf_lock, before @pf->num_vfs covers @vf
 * @vf: the VF
 */
void iovnet_pf_vf_init(struct iovnet_pf *pf, unsigned int vf)
{
	struct iovnet_pf_vf *v = &pf->vfs[vf];

	memset(v, 0, sizeof(*v));
	v->spoofchk = true;
	v->link_state = IFLA_VF_LINK_STATE_AUTO;
	v->max_frame = ETH_FRAME_LEN + ETH_FCS_LEN;
	v->tokens = IOVNET_PF_MBX_BURST;
	v->refill = jiffies;
	ratelimit_state_init(&v->log_rs, IOVNET_PF_VF_LOG_INTERVAL,
			     IOVNET_PF_VF_LOG_BURST);
}

/**
 * iovnet_pf_vf_warn() - log about a VF, rate-limited per VF
 * @pf: the PF
 * @vf: the VF
 * @fmt: printf format of the message, which follows "VF n: "
 *
 * Each VF has its own limit, so a noisy VF cannot mask another's lines.
 */
void iovnet_pf_vf_warn(struct iovnet_pf *pf, unsigned int vf,
		       const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	if (!__ratelimit(&pf->vfs[vf].log_rs))
		return;
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	dev_warn(&pf->pdev->dev, "VF %u: %pV", vf, &vaf);
	va_end(args);
}

/**
 * iovnet_pf_vf_spoofed() - count and report the VFs anti-spoofing stopped
 * @pf: the PF, under @pf->vf_lock
 * @wvbr: WVBR as read (read to clear): bit n for a VF n frame with a
 *	foreign source MAC, bit n + 8 for one on a VLAN VF n is not in
 */
void iovnet_pf_vf_spoofed(struct iovnet_pf *pf, u32 wvbr)
{
	unsigned int vf;

	/* All ones: the read went nowhere (device gone or in error), no news */
	if (wvbr == U32_MAX)
		return;
	for (vf = 0; vf < pf->num_vfs; vf++) {
		bool mac = wvbr & IOVNET_WVBR_MAC_SPOOF(vf);
		bool vlan = wvbr & IOVNET_WVBR_VLAN_SPOOF(vf);

		if (!mac && !vlan)
			continue;
		pf->vfs[vf].spoof_events++;
		if (pf->vfs[vf].said & IOVNET_PF_VF_SAID_SPOOF)
			continue;
		pf->vfs[vf].said |= IOVNET_PF_VF_SAID_SPOOF;
		iovnet_pf_vf_warn(pf, vf, "frames with a spoofed %s dropped (vf%u_spoof_events)\n",
				  mac && vlan ? "source MAC and VLAN" :
				  mac ? "source MAC" : "VLAN", vf);
	}
}

/* VLAN filters per VF that the device can always honour, whatever others do */
static unsigned int iovnet_pf_vf_vlan_share(const struct iovnet_pf *pf)
{
	return (IOVNET_VLVF_ENTRIES - IOVNET_PF_VLVF_PF_SHARE) / pf->num_vfs;
}

/**
 * iovnet_pf_vf_vlan_quota() - VLAN filters VF @vf may hold
 * @pf: the PF, with VFs
 * @vf: the VF
 *
 * Return: what its trust allows, at most its share of the device's entries.
 */
static unsigned int iovnet_pf_vf_vlan_quota(const struct iovnet_pf *pf,
					    unsigned int vf)
{
	unsigned int limit = pf->vfs[vf].trusted ?
			     IOVNET_PF_VF_MAX_VLANS_TRUSTED :
			     IOVNET_PF_VF_MAX_VLANS;

	return min(limit, iovnet_pf_vf_vlan_share(pf));
}

/**
 * iovnet_pf_vlan_pf_quota() - VLAN filters the PF keeps for itself
 * @pf: the PF, with VFs
 *
 * Return: its own share and whatever the VFs' shares leave over.
 */
unsigned int iovnet_pf_vlan_pf_quota(const struct iovnet_pf *pf)
{
	return IOVNET_VLVF_ENTRIES -
	       pf->num_vfs * iovnet_pf_vf_vlan_share(pf);
}

/* Store a VF's MAC where ndo_set_rx_mode can also look at it */
static void iovnet_pf_vf_store_mac(struct iovnet_pf *pf, unsigned int vf,
				   const u8 *addr)
{
	netif_addr_lock_bh(pf->netdev);
	ether_addr_copy(pf->vfs[vf].mac, addr);
	netif_addr_unlock_bh(pf->netdev);
}

/**
 * iovnet_pf_vf_owns_mac() - does some VF receive on @addr?
 * @pf: the PF, under the PF netdev's address lock
 * @addr: the address
 *
 * Return: true when a VF's primary or extra filter is @addr.
 */
bool iovnet_pf_vf_owns_mac(struct iovnet_pf *pf, const u8 *addr)
{
	unsigned int i, num_vfs = READ_ONCE(pf->num_vfs);

	for (i = 0; i < num_vfs; i++)
		if (ether_addr_equal(addr, pf->vfs[i].mac))
			return true;
	for (i = 0; i < ARRAY_SIZE(pf->rar_vf_uc_owner); i++)
		if (pf->rar_vf_uc_owner[i] &&
		    ether_addr_equal(addr, pf->rar_vf_uc_addr[i]))
			return true;
	return false;
}

/**
 * iovnet_pf_mac_in_use() - is an address some other function's?
 * @pf: the PF, under @pf->vf_lock
 * @vf: the VF asking, or -1 for the administrator setting one
 * @addr: the address
 *
 * Return: true when the PF (its own or a secondary address, such as a
 * macvlan's) or another VF (primary or extra filter) receives on @addr.
 */
static bool iovnet_pf_mac_in_use(struct iovnet_pf *pf, int vf, const u8 *addr)
{
	struct net_device *netdev = pf->netdev;
	struct netdev_hw_addr *ha;
	bool used = false;
	unsigned int i;

	netif_addr_lock_bh(netdev);
	if (ether_addr_equal(addr, netdev->dev_addr))
		used = true;
	netdev_for_each_uc_addr(ha, netdev)
		if (ether_addr_equal(addr, ha->addr))
			used = true;
	for (i = 0; i < pf->num_vfs; i++)
		if (i != vf && ether_addr_equal(addr, pf->vfs[i].mac))
			used = true;
	for (i = 0; i < ARRAY_SIZE(pf->rar_vf_uc_owner); i++)
		if (pf->rar_vf_uc_owner[i] && pf->rar_vf_uc_owner[i] != vf + 1 &&
		    ether_addr_equal(addr, pf->rar_vf_uc_addr[i]))
			used = true;
	netif_addr_unlock_bh(netdev);
	return used;
}

/**
 * iovnet_pf_vf_free_extra_macs() - drop a VF's extra unicast filters
 * @pf: the PF, under @pf->vf_lock
 * @vf: the VF
 */
static void iovnet_pf_vf_free_extra_macs(struct iovnet_pf *pf, unsigned int vf)
{
	static const u8 zero[ETH_ALEN];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(pf->rar_vf_uc_owner); i++) {
		if (pf->rar_vf_uc_owner[i] != vf + 1)
			continue;
		netif_addr_lock_bh(pf->netdev);
		pf->rar_vf_uc_owner[i] = 0;
		eth_zero_addr(pf->rar_vf_uc_addr[i]);
		netif_addr_unlock_bh(pf->netdev);
		iovnet_pf_set_rar(pf, IOVNET_PF_RAR_VF_UC_FIRST + i, zero,
				  false);
	}
}

/* Give VF @vf one more unicast filter; -ENOSPC past its share */
static int iovnet_pf_vf_add_extra_mac(struct iovnet_pf *pf, unsigned int vf,
				      const u8 *addr)
{
	unsigned int i, mine = 0;
	int free = -1;

	for (i = 0; i < ARRAY_SIZE(pf->rar_vf_uc_owner); i++) {
		if (pf->rar_vf_uc_owner[i] == vf + 1)
			mine++;
		else if (!pf->rar_vf_uc_owner[i] && free < 0)
			free = i;
	}
	if (mine >= IOVNET_PF_VF_MAX_EXTRA_MACS || free < 0)
		return -ENOSPC;
	netif_addr_lock_bh(pf->netdev);
	pf->rar_vf_uc_owner[free] = vf + 1;
	ether_addr_copy(pf->rar_vf_uc_addr[free], addr);
	netif_addr_unlock_bh(pf->netdev);
	iovnet_pf_set_rar_pool(pf, IOVNET_PF_RAR_VF_UC_FIRST + free, addr, vf);
	return 0;
}

/* Drop the VLANs the VF asked for; its port VLAN is the admin's and stays */
static void iovnet_pf_vf_clear_vlans(struct iovnet_pf *pf, unsigned int vf)
{
	struct iovnet_pf_vf *v = &pf->vfs[vf];
	unsigned int vid;

	for_each_set_bit(vid, v->vlans, VLAN_N_VID)
		iovnet_pf_vlvf_set(pf, vid, vf, false);
	bitmap_zero(v->vlans, VLAN_N_VID);
	v->num_vlans = 0;
}

/**
 * iovnet_pf_vf_apply() - program everything the device holds for a VF
 * @pf: the PF, under @pf->vf_lock
 * @vf: the VF
 *
 * Idempotent: used after a handshake, a setting change and a PF restart.
 */
void iovnet_pf_vf_apply(struct iovnet_pf *pf, unsigned int vf)
{
	struct iovnet_pf_vf *v = &pf->vfs[vf];
	u32 vmolr, ivar;

	/* A new configuration: a spoofed frame is news again */
	v->said &= ~IOVNET_PF_VF_SAID_SPOOF;
	if (is_valid_ether_addr(v->mac))
		iovnet_pf_set_rar_pool(pf, IOVNET_PF_RAR_VF_FIRST + vf, v->mac,
				       vf);
	else
		iovnet_pf_set_rar(pf, IOVNET_PF_RAR_VF_FIRST + vf, v->mac,
				  false);

	vmolr = IOVNET_VMOLR_BAM | IOVNET_VMOLR_STRVLAN | IOVNET_VMOLR_LPE |
		FIELD_PREP(IOVNET_VMOLR_RLPML, v->max_frame +
			   (v->port_vlan ? VLAN_HLEN : 0));
	/* Behind a port VLAN the VF only sees frames tagged with it */
	if (!v->port_vlan)
		vmolr |= IOVNET_VMOLR_AUPE;
	if (v->mc_count || (v->promisc & IOVNET_MBX_PROMISC_MULTICAST))
		vmolr |= IOVNET_VMOLR_ROMPE;
	if (v->promisc & IOVNET_MBX_PROMISC_MULTICAST)
		vmolr |= IOVNET_VMOLR_MPME;
	if (v->promisc & IOVNET_MBX_PROMISC_UNICAST)
		vmolr |= IOVNET_VMOLR_ROPE;
	if (v->rss)
		vmolr |= IOVNET_VMOLR_RSSE;
	pf_wr32(pf, IOVNET_PF_VMOLR(vf), vmolr);

	if (v->port_vlan) {
		pf_wr32(pf, IOVNET_PF_VMVIR(vf),
			FIELD_PREP(IOVNET_VMVIR_VLANA,
				   IOVNET_VMVIR_VLANA_DEFAULT) |
			FIELD_PREP(IOVNET_VMVIR_VID, v->port_vlan |
				   v->port_qos << VLAN_PRIO_SHIFT));
		/* Within the VF's share, so an entry is always there */
		if (iovnet_pf_vlvf_set(pf, v->port_vlan, vf, true))
			iovnet_pf_vf_warn(pf, vf, "no VLAN filter left for port VLAN %u\n",
					  v->port_vlan);
	} else {
		pf_wr32(pf, IOVNET_PF_VMVIR(vf), 0);
	}

	/*
	 * Queue n + 8's causes sit in IVAR(n) bytes 2/3, which the VF routes
	 * through its VTIVAR when its queues start; that write replaces what
	 * is set here. Pre-routing them to the VF's vector 1, where iovnet_vf
	 * serves its second queue pair, is kept for QEMU's igb up to 10.0,
	 * which ignores those VTIVAR bytes (tools/qemu/patches 0006): there a
	 * VF's second queue would otherwise never interrupt.
	 */
	ivar = pf_rd32(pf, IOVNET_IVAR(vf)) & 0xffff;
	if (v->rss) {
		u32 entry = IOVNET_IVAR_VALID | IOVNET_PF_VF_EICR_BIT(vf, 1);

		ivar |= (entry | entry << 8) << 16;
	}
	pf_wr32(pf, IOVNET_IVAR(vf), ivar);

	iovnet_pf_set_rate(pf, vf);
	iovnet_pf_set_anti_spoof(pf);
	iovnet_pf_pool_gates(pf);
}

/*
 * Forget what a VF asked for and keep what was assigned: after an FLR or
 * before its reset handshake. Stops the pool; iovnet_pf_vf_apply() starts
 * it again.
 */
static void iovnet_pf_vf_scrub(struct iovnet_pf *pf, unsigned int vf)
{
	struct iovnet_pf_vf *v = &pf->vfs[vf];
	static const u8 zero[ETH_ALEN];

	v->cts = false;
	v->reset_asked = false;
	v->mac_offered = false;
	v->running = false;
	v->ext = false;
	v->caps = 0;
	v->rss = false;
	v->promisc = 0;
	v->max_frame = ETH_FRAME_LEN + ETH_FCS_LEN;
	iovnet_pf_vf_store_mac(pf, vf, v->admin_mac ? v->admin_addr : zero);

	iovnet_pf_pool_gates(pf);
	iovnet_pf_vf_free_extra_macs(pf, vf);
	iovnet_pf_vf_clear_vlans(pf, vf);

	netif_addr_lock_bh(pf->netdev);
	v->mc_count = 0;
	iovnet_pf_set_rx_mode(pf->netdev);
	netif_addr_unlock_bh(pf->netdev);
}

/**
 * iovnet_pf_vf_flr() - a VF was reset (FLR or its own CTRL.RST)
 * @pf: the PF, under @pf->vf_lock
 * @vf: the VF
 *
 * The device has closed the VF's pool; forget what the VF asked for until
 * it does its reset handshake.
 */
void iovnet_pf_vf_flr(struct iovnet_pf *pf, unsigned int vf)
{
	pf->vfs[vf].resets++;
	/* The VF programs its interrupt routes again after a reset */
	pf_wr32(pf, IOVNET_IVAR(vf), 0);
	iovnet_pf_vf_scrub(pf, vf);
	dev_dbg(&pf->pdev->dev, "VF %u reset\n", vf);
}

/**
 * iovnet_pf_vf_reset_msg() - serve a VF_RESET request: the handshake
 * @pf: the PF, under @pf->vf_lock
 * @vf: the VF
 * @reply: the reply to fill in
 *
 * Return: the reply's length in words.
 */
int iovnet_pf_vf_reset_msg(struct iovnet_pf *pf, unsigned int vf,
			   union iovnet_mbx_msg *reply)
{
	struct iovnet_pf_vf *v = &pf->vfs[vf];
	bool has_mac;

	v->resets++;
	iovnet_pf_vf_scrub(pf, vf);
	v->cts = true;
	v->running = true;
	iovnet_pf_vf_apply(pf, vf);

	/* The reset reply carries no CTS: the stock VF matches it exactly */
	has_mac = is_valid_ether_addr(v->mac);
	iovnet_mbx_init(reply, IOVNET_MBX_VF_RESET, 0);
	reply->hdr.word0 |= cpu_to_le32(has_mac ? IOVNET_MBX_ACK :
					IOVNET_MBX_NACK);
	if (has_mac)
		ether_addr_copy(reply->mac.addr, v->mac);
	v->mac_offered = has_mac && v->admin_mac;
	return sizeof(reply->mac) / 4;
}

static int iovnet_pf_vf_set_mac(struct iovnet_pf *pf, unsigned int vf,
				const union iovnet_mbx_msg *req)
{
	struct iovnet_pf_vf *v = &pf->vfs[vf];
	const u8 *addr = req->mac.addr;

	switch (iovnet_mbx_msg_info(req)) {
	case IOVNET_MBX_MAC_FILTER_CLR:
		iovnet_pf_vf_free_extra_macs(pf, vf);
		return 0;
	case IOVNET_MBX_MAC_FILTER_ADD:
		if (!v->trusted) {
			iovnet_pf_vf_warn(pf, vf, "untrusted, may not add MAC filters\n");
			return -EPERM;
		}
		if (iovnet_pf_mac_in_use(pf, vf, addr)) {
			iovnet_pf_vf_warn(pf, vf, "MAC filter %pM belongs to another function\n",
					  addr);
			return -EADDRINUSE;
		}
		return iovnet_pf_vf_add_extra_mac(pf, vf, addr);
	default:
		break;
	}

	if (ether_addr_equal(addr, v->mac))
		return 0;
	/*
	 * All zeros: the VF has no address, or lets its own go (DPDK's PMD
	 * does on close). An administrative MAC stays: the NACK makes stock
	 * igbvf take the one its reset reply gave it.
	 */
	if (is_zero_ether_addr(addr)) {
		if (v->admin_mac)
			return -EPERM;
		iovnet_pf_vf_store_mac(pf, vf, addr);
		iovnet_pf_vf_apply(pf, vf);
		return 0;
	}
	if (v->admin_mac && !v->trusted) {
		/*
		 * Right after the reset reply gave it the administrative MAC,
		 * igbvf still sends the one it had: expected, not worth a line.
		 * Otherwise clients ask at every start: say it once per VF.
		 */
		if (v->mac_offered) {
			v->mac_offered = false;
			dev_dbg(&pf->pdev->dev, "VF %u: keeps its administrative MAC %pM\n",
				vf, v->mac);
		} else if (!(v->said & IOVNET_PF_VF_SAID_MAC)) {
			v->said |= IOVNET_PF_VF_SAID_MAC;
			dev_info(&pf->pdev->dev,
				 "VF %u: untrusted, keeps its administrative MAC %pM (asked for %pM)\n",
				 vf, v->mac, addr);
		}
		return -EPERM;
	}
	if (iovnet_pf_mac_in_use(pf, vf, addr)) {
		iovnet_pf_vf_warn(pf, vf, "MAC %pM belongs to another function\n",
				  addr);
		return -EADDRINUSE;
	}
	iovnet_pf_vf_store_mac(pf, vf, addr);
	iovnet_pf_vf_apply(pf, vf);
	return 0;
}

static int iovnet_pf_vf_set_multicast(struct iovnet_pf *pf, unsigned int vf,
				      const union iovnet_mbx_msg *req)
{
	struct iovnet_pf_vf *v = &pf->vfs[vf];
	unsigned int i, n = iovnet_mbx_msg_info(req);

	netif_addr_lock_bh(pf->netdev);
	for (i = 0; i < n; i++)
		v->mc_hash[i] = le16_to_cpu(req->mc.hash[i]);
	v->mc_count = n;
	iovnet_pf_set_rx_mode(pf->netdev);
	netif_addr_unlock_bh(pf->netdev);
	iovnet_pf_vf_apply(pf, vf);
	return 0;
}

static int iovnet_pf_vf_set_vlan(struct iovnet_pf *pf, unsigned int vf,
				 const union iovnet_mbx_msg *req)
{
	struct iovnet_pf_vf *v = &pf->vfs[vf];
	bool add = iovnet_mbx_msg_info(req) & IOVNET_MBX_VLAN_ADD;
	u16 vid = le32_to_cpu(req->vlan.vid);
	unsigned int quota;
	int err;

	/* Untagged traffic needs no filter; VID 4095 is reserved */
	if (!vid)
		return 0;
	if (vid == VLAN_N_VID - 1) {
		iovnet_pf_vf_warn(pf, vf, "VLAN %u is reserved, refused\n", vid);
		return -EINVAL;
	}
	/* Removing what is not there always succeeds, port VLAN or not */
	if (add == test_bit(vid, v->vlans))
		return 0;
	if (v->port_vlan) {
		iovnet_pf_vf_warn(pf, vf, "has port VLAN %u, its own VLAN %u refused\n",
				  v->port_vlan, vid);
		return -EPERM;
	}
	if (!add) {
		iovnet_pf_vlvf_set(pf, vid, vf, false);
		clear_bit(vid, v->vlans);
		v->num_vlans--;
		return 0;
	}

	quota = iovnet_pf_vf_vlan_quota(pf, vf);
	if (v->num_vlans >= quota) {
		iovnet_pf_vf_warn(pf, vf, "VLAN %u refused: holds %u, its quota\n",
				  vid, v->num_vlans);
		return -ENOSPC;
	}
	err = iovnet_pf_vlvf_set(pf, vid, vf, true);
	if (err) {
		/* The quotas add up to the device's entries: cannot happen */
		iovnet_pf_vf_warn(pf, vf, "VLAN %u refused, no filter left\n",
				  vid);
		return err;
	}
	set_bit(vid, v->vlans);
	v->num_vlans++;
	return 0;
}

static int iovnet_pf_vf_set_lpe(struct iovnet_pf *pf, unsigned int vf,
				const union iovnet_mbx_msg *req)
{
	u32 max_frame = le32_to_cpu(req->lpe.max_frame);

	if (max_frame > IOVNET_MAX_FRAME) {
		iovnet_pf_vf_warn(pf, vf, "frame size %u beyond the device's %u\n",
				  max_frame, IOVNET_MAX_FRAME);
		return -EINVAL;
	}
	pf->vfs[vf].max_frame = max_frame;
	iovnet_pf_vf_apply(pf, vf);
	return 0;
}

static int iovnet_pf_vf_set_promisc(struct iovnet_pf *pf, unsigned int vf,
				    const union iovnet_mbx_msg *req)
{
	struct iovnet_pf_vf *v = &pf->vfs[vf];
	u8 want = iovnet_mbx_msg_info(req);

	if (want && !v->trusted) {
		/* Right to refuse, and clients ask at every start: say it once */
		if (!(v->said & IOVNET_PF_VF_SAID_PROMISC)) {
			v->said |= IOVNET_PF_VF_SAID_PROMISC;
			dev_info(&pf->pdev->dev,
				 "VF %u: untrusted, promiscuous mode refused\n",
				 vf);
		}
		return -EPERM;
	}
	v->promisc = want;
	iovnet_pf_vf_apply(pf, vf);
	return 0;
}

/* What the VF is told in GET_CAPS: version, capabilities, frame limit */
static int iovnet_pf_vf_get_caps(struct iovnet_pf *pf, unsigned int vf,
				 const union iovnet_mbx_msg *req,
				 union iovnet_mbx_msg *reply)
{
	struct iovnet_pf_vf *v = &pf->vfs[vf];
	u32 version = le32_to_cpu(req->caps.version);

	v->ext = true;
	/* Version 1 VFs send nothing and get what version 1 offered */
	v->caps = IOVNET_MBX_CAP_LINK | IOVNET_MBX_CAP_RSS;
	if (version >= 2)
		v->caps |= le32_to_cpu(req->caps.caps) & IOVNET_MBX_CAPS;
	reply->caps.version = cpu_to_le32(IOVNET_MBX_VERSION);
	reply->caps.caps = cpu_to_le32(v->caps);
	reply->caps.max_frame = cpu_to_le32(IOVNET_MAX_FRAME);
	return sizeof(reply->caps) / 4;
}

/**
 * iovnet_pf_vf_link_up() - the link as VF @vf should see it
 * @pf: the PF
 * @vf: the VF
 *
 * Return: the administrative state, or the PF's link in "auto".
 */
static bool iovnet_pf_vf_link_up(struct iovnet_pf *pf, unsigned int vf)
{
	switch (pf->vfs[vf].link_state) {
	case IFLA_VF_LINK_STATE_ENABLE:
		return true;
	case IFLA_VF_LINK_STATE_DISABLE:
		return false;
	default:
		return pf_rd32(pf, IOVNET_STATUS) & IOVNET_STATUS_LU;
	}
}

/**
 * iovnet_pf_vf_link_msg() - fill in a GET_LINK reply or CTRL_LINK message
 * @pf: the PF, under @pf->vf_lock
 * @vf: the VF
 * @msg: the message, word 0 already set
 *
 * Return: the message's length in words.
 */
unsigned int iovnet_pf_vf_link_msg(struct iovnet_pf *pf, unsigned int vf,
				   union iovnet_mbx_msg *msg)
{
	u32 flags = 0, speed = 0;

	if (iovnet_pf_vf_link_up(pf, vf)) {
		u32 status = pf_rd32(pf, IOVNET_STATUS);

		flags = IOVNET_MBX_LINK_UP;
		if (status & IOVNET_STATUS_FD)
			flags |= IOVNET_MBX_LINK_FULL_DUPLEX;
		speed = iovnet_status_speed(status);
	}
	msg->link.flags = cpu_to_le32(flags);
	msg->link.speed = cpu_to_le32(speed);
	return sizeof(msg->link) / 4;
}

static_assert(IOVNET_MBX_RSS_KEY_LEN == IOVNET_RSS_KEY_SIZE);
static_assert(IOVNET_MBX_RSS_TABLE_LEN == IOVNET_RETA_SIZE);

/*
 * GET_RSS: the key and, per redirection table entry, the queue of the pool
 * it picks, as the device holds them (in VMDq mode bit 3 of an entry selects
 * a pool's second queue: iovnet_pf_vmdq_configure()).
 */
static int iovnet_pf_vf_get_rss(struct iovnet_pf *pf, unsigned int vf,
				union iovnet_mbx_msg *reply)
{
	struct iovnet_mbx_rss_config *rc = &reply->rss_config;
	struct iovnet_pf_vf *v = &pf->vfs[vf];
	unsigned int i, n;
	u32 reta;

	if (!(v->caps & IOVNET_MBX_CAP_RSS_QUERY))
		return -EOPNOTSUPP;
	if (!v->rss_query) {
		/* The administrator's choice, and asked at each ethtool -x */
		if (!(v->said & IOVNET_PF_VF_SAID_RSS_QUERY)) {
			v->said |= IOVNET_PF_VF_SAID_RSS_QUERY;
			dev_info(&pf->pdev->dev,
				 "VF %u: RSS query refused (query_rss off)\n",
				 vf);
		}
		return -EPERM;
	}
	for (i = 0; i < IOVNET_RSS_KEY_SIZE / 4; i++)
		put_unaligned_le32(pf_rd32(pf, IOVNET_RSSRK(i)), &rc->key[4 * i]);
	memset(rc->queue, 0, sizeof(rc->queue));
	for (i = 0; i < IOVNET_RETA_REGS; i++) {
		reta = pf_rd32(pf, IOVNET_RETA(i));
		for (n = 4 * i; n < 4 * i + 4; n++, reta >>= 8)
			if (reta & IOVNET_RETA_VMDQ_QUEUE1)
				rc->queue[n / 8] |= BIT(n % 8);
	}
	return sizeof(*rc) / 4;
}

/**
 * iovnet_pf_vf_request() - serve one well-formed request
 * @pf: the PF, under @pf->vf_lock
 * @vf: the VF, past its reset handshake
 * @req: the request, checked by iovnet_mbx_validate()
 * @reply: a copy of @req, to fill in
 *
 * Return: the reply's length in words, or a negative errno for a refusal.
 */
int iovnet_pf_vf_request(struct iovnet_pf *pf, unsigned int vf,
			 const union iovnet_mbx_msg *req,
			 union iovnet_mbx_msg *reply)
{
	struct iovnet_pf_vf *v = &pf->vfs[vf];
	int err;

	lockdep_assert_held(&pf->vf_lock);
	switch (iovnet_mbx_msg_id(req)) {
	case IOVNET_MBX_SET_MAC:
		err = iovnet_pf_vf_set_mac(pf, vf, req);
		return err ?: sizeof(req->mac) / 4;
	case IOVNET_MBX_SET_MULTICAST:
		err = iovnet_pf_vf_set_multicast(pf, vf, req);
		break;
	case IOVNET_MBX_SET_VLAN:
		err = iovnet_pf_vf_set_vlan(pf, vf, req);
		return err ?: sizeof(req->vlan) / 4;
	case IOVNET_MBX_SET_LPE:
		err = iovnet_pf_vf_set_lpe(pf, vf, req);
		break;
	case IOVNET_MBX_SET_PROMISC:
		err = iovnet_pf_vf_set_promisc(pf, vf, req);
		break;
	case IOVNET_MBX_GET_CAPS:
		return iovnet_pf_vf_get_caps(pf, vf, req, reply);
	case IOVNET_MBX_GET_LINK:
		return iovnet_pf_vf_link_msg(pf, vf, reply);
	case IOVNET_MBX_SET_RSS:
		v->rss = le32_to_cpu(req->rss.enable);
		iovnet_pf_vf_apply(pf, vf);
		return sizeof(req->rss) / 4;
	case IOVNET_MBX_GET_RSS:
		return iovnet_pf_vf_get_rss(pf, vf, reply);
	default:
		/* iovnet_mbx_validate() let through an ID we do not serve */
		return -EOPNOTSUPP;
	}
	return err ?: 1;
}

/**
 * iovnet_pf_vf_link_changed() - tell the VFs when the PF link moved
 * @pf: the PF, under @pf->vf_lock
 *
 * Called from the service task, which the link interrupt kicks.
 */
void iovnet_pf_vf_link_changed(struct iovnet_pf *pf)
{
	bool up = pf_rd32(pf, IOVNET_STATUS) & IOVNET_STATUS_LU;
	unsigned int vf;

	lockdep_assert_held(&pf->vf_lock);
	if (up == pf->vf_link_up)
		return;
	pf->vf_link_up = up;
	for (vf = 0; vf < pf->num_vfs; vf++) {
		const struct iovnet_pf_vf *v = &pf->vfs[vf];

		iovnet_pf_set_rate(pf, vf);
		if (v->cts && v->ext &&
		    v->link_state == IFLA_VF_LINK_STATE_AUTO)
			iovnet_pf_mbx_notify(pf, vf, IOVNET_PF_NOTIFY_LINK);
	}
}

/*
 * The administrator's side: ndo_set_vf_* and ndo_get_vf_*. The lookup is
 * under @pf->vf_lock, which @pf->num_vfs is written under: the VF stays
 * while the lock is held, whether or not the caller holds RTNL.
 */
static struct iovnet_pf_vf *iovnet_pf_vf_get(struct iovnet_pf *pf, int vf)
{
	lockdep_assert_held(&pf->vf_lock);
	if (vf < 0 || vf >= pf->num_vfs) {
		netdev_err(pf->netdev, "VF %d does not exist (%u VFs)\n", vf,
			   pf->num_vfs);
		return NULL;
	}
	return &pf->vfs[vf];
}

/* A setting the VF driver must learn about: make it redo its handshake */
static void iovnet_pf_vf_changed(struct iovnet_pf *pf, unsigned int vf)
{
	iovnet_pf_vf_apply(pf, vf);
	if (pf->vfs[vf].cts)
		iovnet_pf_mbx_notify(pf, vf, IOVNET_PF_NOTIFY_RESET);
}

int iovnet_pf_set_vf_mac(struct net_device *netdev, int vf, u8 *mac)
{
	struct iovnet_pf *pf = netdev_priv(netdev);
	bool admin = !is_zero_ether_addr(mac);
	struct iovnet_pf_vf *v;
	int err = 0;

	if (admin && !is_valid_ether_addr(mac)) {
		netdev_err(netdev, "VF %d: %pM is not a unicast address\n", vf,
			   mac);
		return -EINVAL;
	}

	mutex_lock(&pf->vf_lock);
	v = iovnet_pf_vf_get(pf, vf);
	if (!v) {
		err = -EINVAL;
	} else if (admin == v->admin_mac && ether_addr_equal(mac, v->admin_addr)) {
		/* Nothing the VF sees changes: no reset for it */
	} else if (admin && iovnet_pf_mac_in_use(pf, vf, mac)) {
		netdev_err(netdev, "VF %d: MAC %pM is in use by the PF or another VF\n",
			   vf, mac);
		err = -EADDRINUSE;
	} else {
		v->admin_mac = admin;
		ether_addr_copy(v->admin_addr, mac);
		iovnet_pf_vf_store_mac(pf, vf, mac);
		v->said &= ~IOVNET_PF_VF_SAID_MAC;
		iovnet_pf_vf_changed(pf, vf);
		netdev_info(netdev, "VF %d: MAC %pM%s\n", vf, mac,
			    admin ? "" : " (cleared, the VF picks its own)");
	}
	mutex_unlock(&pf->vf_lock);
	return err;
}

int iovnet_pf_set_vf_vlan(struct net_device *netdev, int vf, u16 vlan, u8 qos,
			  __be16 proto)
{
	struct iovnet_pf *pf = netdev_priv(netdev);
	struct iovnet_pf_vf *v;
	int err = 0;

	if (proto != htons(ETH_P_8021Q)) {
		netdev_err(netdev, "VF %d: only 802.1Q port VLANs are supported\n",
			   vf);
		return -EPROTONOSUPPORT;
	}
	if (vlan >= VLAN_N_VID - 1 || qos > 7) {
		netdev_err(netdev, "VF %d: VLAN %u qos %u out of range (1-4094, 0-7)\n",
			   vf, vlan, qos);
		return -EINVAL;
	}
	if (!vlan && qos) {
		netdev_err(netdev, "VF %d: a priority needs a VLAN ID\n", vf);
		return -EINVAL;
	}

	mutex_lock(&pf->vf_lock);
	v = iovnet_pf_vf_get(pf, vf);
	if (!v) {
		err = -EINVAL;
		goto out;
	}
	/* Nothing the VF sees changes: no reset for it */
	if (vlan == v->port_vlan && qos == v->port_qos)
		goto out;
	/*
	 * The VF's own VLANs and the old port VLAN give way first: the port
	 * VLAN then takes one entry of the VF's share, which is always there.
	 */
	iovnet_pf_vf_clear_vlans(pf, vf);
	if (v->port_vlan && v->port_vlan != vlan)
		iovnet_pf_vlvf_set(pf, v->port_vlan, vf, false);
	if (vlan && iovnet_pf_vlvf_set(pf, vlan, vf, true)) {
		netdev_err(netdev, "VF %d: all %d VLAN filters are in use\n",
			   vf, IOVNET_VLVF_ENTRIES);
		vlan = 0;
		qos = 0;
		err = -ENOSPC;
	}
	v->port_vlan = vlan;
	v->port_qos = qos;
	iovnet_pf_vf_changed(pf, vf);
out:
	mutex_unlock(&pf->vf_lock);
	return err;
}

int iovnet_pf_set_vf_rate(struct net_device *netdev, int vf, int min_rate,
			  int max_rate)
{
	struct iovnet_pf *pf = netdev_priv(netdev);
	u32 speed = iovnet_pf_limiter_speed(pf);
	struct iovnet_pf_vf *v;

	if (min_rate) {
		netdev_err(netdev, "VF %d: min_tx_rate is not supported: the 82576 has no guaranteed minimum\n",
			   vf);
		return -EOPNOTSUPP;
	}
	if (max_rate < 0 || max_rate > speed) {
		netdev_err(netdev, "VF %d: max_tx_rate %d is beyond the link speed (%u Mb/s)\n",
			   vf, max_rate, speed);
		return -EINVAL;
	}

	mutex_lock(&pf->vf_lock);
	v = iovnet_pf_vf_get(pf, vf);
	if (v) {
		v->max_tx_rate = max_rate;
		iovnet_pf_set_rate(pf, vf);
	}
	mutex_unlock(&pf->vf_lock);
	return v ? 0 : -EINVAL;
}

int iovnet_pf_set_vf_spoofchk(struct net_device *netdev, int vf, bool on)
{
	struct iovnet_pf *pf = netdev_priv(netdev);
	struct iovnet_pf_vf *v;

	mutex_lock(&pf->vf_lock);
	v = iovnet_pf_vf_get(pf, vf);
	if (v) {
		v->spoofchk = on;
		iovnet_pf_set_anti_spoof(pf);
	}
	mutex_unlock(&pf->vf_lock);
	return v ? 0 : -EINVAL;
}

int iovnet_pf_set_vf_trust(struct net_device *netdev, int vf, bool on)
{
	struct iovnet_pf *pf = netdev_priv(netdev);
	struct iovnet_pf_vf *v;

	mutex_lock(&pf->vf_lock);
	v = iovnet_pf_vf_get(pf, vf);
	if (v && v->trusted != on) {
		v->trusted = on;
		v->said = 0;
		/*
		 * Losing trust takes back all that only trust allowed: the
		 * administrative MAC returns, promiscuous mode and the extra
		 * filters go, and the VF's VLANs go too (it adds them again
		 * after the reset it is sent, within an untrusted VF's quota).
		 */
		if (!on) {
			if (v->admin_mac)
				iovnet_pf_vf_store_mac(pf, vf, v->admin_addr);
			v->promisc = 0;
			iovnet_pf_vf_free_extra_macs(pf, vf);
			iovnet_pf_vf_clear_vlans(pf, vf);
			iovnet_pf_vf_changed(pf, vf);
		}
	}
	mutex_unlock(&pf->vf_lock);
	return v ? 0 : -EINVAL;
}

int iovnet_pf_set_vf_rss_query_en(struct net_device *netdev, int vf, bool on)
{
	struct iovnet_pf *pf = netdev_priv(netdev);
	struct iovnet_pf_vf *v;

	mutex_lock(&pf->vf_lock);
	v = iovnet_pf_vf_get(pf, vf);
	if (v && v->rss_query != on) {
		v->rss_query = on;
		v->said &= ~IOVNET_PF_VF_SAID_RSS_QUERY;
	}
	mutex_unlock(&pf->vf_lock);
	return v ? 0 : -EINVAL;
}

int iovnet_pf_set_vf_link_state(struct net_device *netdev, int vf, int state)
{
	struct iovnet_pf *pf = netdev_priv(netdev);
	struct iovnet_pf_vf *v;

	if (state != IFLA_VF_LINK_STATE_AUTO &&
	    state != IFLA_VF_LINK_STATE_ENABLE &&
	    state != IFLA_VF_LINK_STATE_DISABLE) {
		netdev_err(netdev, "VF %d: unknown link state %d\n", vf, state);
		return -EINVAL;
	}
	mutex_lock(&pf->vf_lock);
	v = iovnet_pf_vf_get(pf, vf);
	if (v && v->link_state != state) {
		v->link_state = state;
		iovnet_pf_pool_gates(pf);
		/* A VF that follows link events is told; others start over */
		if (v->cts)
			iovnet_pf_mbx_notify(pf, vf, v->ext ?
					     IOVNET_PF_NOTIFY_LINK :
					     IOVNET_PF_NOTIFY_RESET);
	}
	mutex_unlock(&pf->vf_lock);
	return v ? 0 : -EINVAL;
}

int iovnet_pf_get_vf_config(struct net_device *netdev, int vf,
			    struct ifla_vf_info *ivi)
{
	struct iovnet_pf *pf = netdev_priv(netdev);
	struct iovnet_pf_vf *v;

	mutex_lock(&pf->vf_lock);
	v = iovnet_pf_vf_get(pf, vf);
	if (v) {
		ivi->vf = vf;
		ether_addr_copy(ivi->mac, v->mac);
		ivi->vlan = v->port_vlan;
		ivi->qos = v->port_qos;
		ivi->vlan_proto = htons(ETH_P_8021Q);
		ivi->spoofchk = v->spoofchk;
		ivi->trusted = v->trusted;
		ivi->rss_query_en = v->rss_query;
		ivi->linkstate = v->link_state;
		ivi->max_tx_rate = v->max_tx_rate;
		ivi->min_tx_rate = 0;
	}
	mutex_unlock(&pf->vf_lock);
	return v ? 0 : -EINVAL;
}

int iovnet_pf_get_vf_stats(struct net_device *netdev, int vf,
			   struct ifla_vf_stats *stats)
{
	struct iovnet_pf *pf = netdev_priv(netdev);
	struct iovnet_pf_vf *v;

	mutex_lock(&pf->vf_lock);
	v = iovnet_pf_vf_get(pf, vf);
	if (v) {
		iovnet_pf_vf_update_stats(pf);
		spin_lock_bh(&pf->vf_stats_lock);
		stats->rx_packets = v->cnt[IOVNET_VF_CNT_RX_PACKETS];
		stats->tx_packets = v->cnt[IOVNET_VF_CNT_TX_PACKETS];
		/* The device counts 4 bytes of FCS per frame; the stack not */
		stats->rx_bytes = v->cnt[IOVNET_VF_CNT_RX_BYTES] -
				  ETH_FCS_LEN * v->cnt[IOVNET_VF_CNT_RX_PACKETS];
		stats->tx_bytes = v->cnt[IOVNET_VF_CNT_TX_BYTES] -
				  ETH_FCS_LEN * v->cnt[IOVNET_VF_CNT_TX_PACKETS];
		stats->multicast = v->cnt[IOVNET_VF_CNT_MULTICAST];
		spin_unlock_bh(&pf->vf_stats_lock);
	}
	mutex_unlock(&pf->vf_lock);
	return v ? 0 : -EINVAL;
}
