// SPDX-License-Identifier: GPL-2.0
/* Copyright (c) 2026 The iovnet authors */

/*
 * SR-IOV: creating VFs, the VMDq pools they receive and transmit through,
 * and the administrator's per-VF settings ("ip link set <pf> vf N ...").
 *
 * With N VFs the device runs in VMDq mode: VF n owns pool n (queues n and
 * n + 8), the PF owns pool N. Each pool's unicast filters are RAR entries
 * with its pool bit, its VLANs are VLVF entries with its pool bit, and its
 * receive policy is its VMOLR. The MTA is shared: a pool with VMOLR.ROMPE
 * takes every multicast frame that hits the union of all pools' hashes.
 */

#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/rtnetlink.h>
#include <linux/unaligned.h>

#include "iovnet_calc.h"
#include "iovnet_pf.h"

/* EICR bit of VF @vf's MSI-X vector @k, as the device numbers them */
#define IOVNET_PF_VF_EICR_BIT(vf, k)	(22 - 3 * (vf) + (k))

static void iovnet_pf_vf_counters_read(struct iovnet_pf *pf, unsigned int vf,
				       u32 *raw)
{
	raw[IOVNET_VF_CNT_RX_PACKETS] = pf_rd32(pf, IOVNET_PF_PVFGPRC(vf));
	raw[IOVNET_VF_CNT_TX_PACKETS] = pf_rd32(pf, IOVNET_PF_PVFGPTC(vf));
	raw[IOVNET_VF_CNT_RX_BYTES] = pf_rd32(pf, IOVNET_PF_PVFGORC(vf));
	raw[IOVNET_VF_CNT_TX_BYTES] = pf_rd32(pf, IOVNET_PF_PVFGOTC(vf));
	raw[IOVNET_VF_CNT_MULTICAST] = pf_rd32(pf, IOVNET_PF_PVFMPRC(vf));
}

/**
 * iovnet_pf_vf_update_stats() - fold the pool counters into 64 bits
 * @pf: the PF
 *
 * The pool counters wrap at 32 bits and are never cleared, so the 32-bit
 * difference since the last read is always the traffic in between, as long
 * as we look at least once per wrap (the service task does).
 */
void iovnet_pf_vf_update_stats(struct iovnet_pf *pf)
{
	u32 raw[IOVNET_VF_CNT_NUM];
	unsigned int vf, i;

	spin_lock_bh(&pf->vf_stats_lock);
	for (vf = 0; vf < pf->num_vfs; vf++) {
		struct iovnet_pf_vf *v = &pf->vfs[vf];

		iovnet_pf_vf_counters_read(pf, vf, raw);
		for (i = 0; i < IOVNET_VF_CNT_NUM; i++)
			iovnet_calc_fold_counter(&v->cnt[i], &v->cnt_last[i],
						 raw[i]);
	}
	spin_unlock_bh(&pf->vf_stats_lock);
}

/**
 * iovnet_pf_vlvf_set() - add or remove a pool from a VLAN filter entry
 * @pf: the PF
 * @vid: VLAN ID
 * @pool: the pool
 * @on: add or remove
 *
 * Keeps the global VFTA bit in step: set while any pool wants @vid.
 *
 * Return: 0, or -ENOSPC when all entries hold other VLANs.
 */
int iovnet_pf_vlvf_set(struct iovnet_pf *pf, u16 vid, unsigned int pool,
		       bool on)
{
	int i, match = -1, free = -1;
	u32 vlvf, pools;

	for (i = 0; i < IOVNET_VLVF_ENTRIES; i++) {
		vlvf = pf_rd32(pf, IOVNET_PF_VLVF(i));
		if (!(vlvf & IOVNET_VLVF_VIEN)) {
			if (free < 0)
				free = i;
			continue;
		}
		if (FIELD_GET(IOVNET_VLVF_VLANID, vlvf) == vid) {
			match = i;
			break;
		}
	}

	if (match < 0) {
		if (!on)
			return 0;
		if (free < 0)
			return -ENOSPC;
		match = free;
		vlvf = IOVNET_VLVF_VIEN | FIELD_PREP(IOVNET_VLVF_VLANID, vid);
	}

	pools = FIELD_GET(IOVNET_VLVF_POOLSEL, vlvf);
	if (on)
		pools |= BIT(pool);
	else
		pools &= ~BIT(pool);

	if (pools) {
		vlvf &= ~IOVNET_VLVF_POOLSEL;
		vlvf |= FIELD_PREP(IOVNET_VLVF_POOLSEL, pools);
		pf_wr32(pf, IOVNET_PF_VLVF(match), vlvf);
		iovnet_pf_set_vfta(pf, vid, true);
	} else {
		pf_wr32(pf, IOVNET_PF_VLVF(match), 0);
		iovnet_pf_set_vfta(pf, vid, false);
	}
	return 0;
}

/* Drop every VLAN filter entry of @pool */
static void iovnet_pf_vlvf_clear_pool(struct iovnet_pf *pf, unsigned int pool)
{
	unsigned int i;

	for (i = 0; i < IOVNET_VLVF_ENTRIES; i++) {
		u32 vlvf = pf_rd32(pf, IOVNET_PF_VLVF(i));

		if ((vlvf & IOVNET_VLVF_VIEN) &&
		    (FIELD_GET(IOVNET_VLVF_POOLSEL, vlvf) & BIT(pool)))
			iovnet_pf_vlvf_set(pf, FIELD_GET(IOVNET_VLVF_VLANID,
							 vlvf), pool, false);
	}
}

/**
 * iovnet_pf_vf_mta() - add the VFs' multicast hashes to an MTA image
 * @pf: the PF, under the netdev address lock
 * @mta: the table being built
 */
void iovnet_pf_vf_mta(struct iovnet_pf *pf, u32 *mta)
{
	unsigned int vf, i;

	for (vf = 0; vf < pf->num_vfs; vf++) {
		const struct iovnet_pf_vf *v = &pf->vfs[vf];

		for (i = 0; i < v->mc_count; i++)
			mta[v->mc_hash[i] >> 5] |= BIT(v->mc_hash[i] & 31);
	}
}

static bool iovnet_pf_vf_enabled(const struct iovnet_pf_vf *v)
{
	return v->running && v->link_state != IFLA_VF_LINK_STATE_DISABLE;
}

/* RX and TX gates of every pool, from the PF and VF states */
static void iovnet_pf_pool_gates(struct iovnet_pf *pf)
{
	u32 pools = 0;
	unsigned int vf;

	for (vf = 0; vf < pf->num_vfs; vf++)
		if (iovnet_pf_vf_enabled(&pf->vfs[vf]))
			pools |= BIT(vf);
	if (!test_bit(IOVNET_PF_DOWN, pf->state))
		pools |= BIT(iovnet_pf_pool(pf));
	pf_wr32(pf, IOVNET_PF_VFRE, pools);
	pf_wr32(pf, IOVNET_PF_VFTE, pools);
}

static void iovnet_pf_set_anti_spoof(struct iovnet_pf *pf)
{
	u32 dtxswc = IOVNET_DTXSWC_LOOPBACK_EN;
	unsigned int vf;

	for (vf = 0; vf < pf->num_vfs; vf++)
		if (pf->vfs[vf].spoofchk)
			dtxswc |= FIELD_PREP(IOVNET_DTXSWC_MAC_SPOOF, BIT(vf)) |
				  FIELD_PREP(IOVNET_DTXSWC_VLAN_SPOOF, BIT(vf));
	pf_wr32(pf, IOVNET_PF_DTXSWC, dtxswc);
}

/*
 * The rate limiter works per queue; a VF using both queues of its pool gets
 * half of its limit on each.
 */
static void iovnet_pf_set_rate(struct iovnet_pf *pf, unsigned int vf)
{
	const struct iovnet_pf_vf *v = &pf->vfs[vf];
	u32 speed = pf->link_up ? pf->link_speed : SPEED_1000;
	unsigned int queues = v->rss ? 2 : 1, q;
	u32 bcnrc = iovnet_calc_rttbcnrc(speed, queues, v->max_tx_rate);

	for (q = 0; q < 2; q++) {
		pf_wr32(pf, IOVNET_PF_RTTDQSEL, vf + 8 * q);
		pf_wr32(pf, IOVNET_PF_RTTBCNRC, q < queues ? bcnrc : 0);
	}
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
		if (iovnet_pf_vlvf_set(pf, v->port_vlan, vf, true))
			dev_warn_ratelimited(&pf->pdev->dev,
					     "VF %u: no VLAN filter left for port VLAN %u\n",
					     vf, v->port_vlan);
	} else {
		pf_wr32(pf, IOVNET_PF_VMVIR(vf), 0);
	}

	/*
	 * Queue n + 8's causes sit in IVAR(n) bytes 2/3. The datasheet has the
	 * VF route them through its VTIVAR, but QEMU's model ignores those
	 * bytes (igb_core.c:2621), so the PF points them at the VF's vector 1,
	 * which is where our VF driver serves its second queue pair.
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

/**
 * iovnet_pf_vf_free_extra_macs() - drop a VF's extra unicast filters
 * @pf: the PF, under @pf->vf_lock
 * @vf: the VF
 */
void iovnet_pf_vf_free_extra_macs(struct iovnet_pf *pf, unsigned int vf)
{
	static const u8 zero[ETH_ALEN];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(pf->rar_vf_uc_owner); i++) {
		if (pf->rar_vf_uc_owner[i] != vf + 1)
			continue;
		pf->rar_vf_uc_owner[i] = 0;
		iovnet_pf_set_rar(pf, IOVNET_PF_RAR_VF_UC_FIRST + i, zero,
				  false);
	}
}

/**
 * iovnet_pf_vf_add_extra_mac() - give a VF one more unicast filter
 * @pf: the PF, under @pf->vf_lock
 * @vf: the VF
 * @addr: the address
 *
 * Return: 0, or -ENOSPC when the VF has its share or the range is full.
 */
int iovnet_pf_vf_add_extra_mac(struct iovnet_pf *pf, unsigned int vf,
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
	pf->rar_vf_uc_owner[free] = vf + 1;
	iovnet_pf_set_rar_pool(pf, IOVNET_PF_RAR_VF_UC_FIRST + free, addr, vf);
	return 0;
}

/**
 * iovnet_pf_mac_in_use() - is an address some other function's?
 * @pf: the PF, under @pf->vf_lock
 * @vf: the VF asking
 * @addr: the address
 *
 * Return: true when the PF or another VF receives on @addr.
 */
bool iovnet_pf_mac_in_use(struct iovnet_pf *pf, unsigned int vf,
			  const u8 *addr)
{
	unsigned int i;

	if (ether_addr_equal(addr, pf->netdev->dev_addr))
		return true;
	for (i = 0; i < pf->num_vfs; i++)
		if (i != vf && ether_addr_equal(addr, pf->vfs[i].mac))
			return true;
	for (i = 0; i < ARRAY_SIZE(pf->rar_vf_uc_owner); i++) {
		u32 idx = IOVNET_PF_RAR_VF_UC_FIRST + i, ral, rah;

		if (!pf->rar_vf_uc_owner[i] || pf->rar_vf_uc_owner[i] == vf + 1)
			continue;
		ral = pf_rd32(pf, IOVNET_RAL(idx));
		rah = pf_rd32(pf, IOVNET_RAH(idx));
		if (get_unaligned_le32(addr) == ral &&
		    get_unaligned_le16(addr + 4) == (rah & 0xffff))
			return true;
	}
	return false;
}

/**
 * iovnet_pf_vf_link_up() - the link as VF @vf should see it
 * @pf: the PF
 * @vf: the VF
 *
 * Return: the administrative state, or the PF's link in "auto".
 */
bool iovnet_pf_vf_link_up(struct iovnet_pf *pf, unsigned int vf)
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
 * iovnet_pf_vf_scrub() - forget what a VF asked for, keep what was assigned
 * @pf: the PF, under @pf->vf_lock
 * @vf: the VF, after an FLR or before its reset handshake
 *
 * Stops the pool; iovnet_pf_vf_apply() starts it again.
 */
void iovnet_pf_vf_scrub(struct iovnet_pf *pf, unsigned int vf)
{
	struct iovnet_pf_vf *v = &pf->vfs[vf];

	v->cts = false;
	v->running = false;
	v->ext = false;
	v->rss = false;
	v->promisc = 0;
	v->max_frame = ETH_FRAME_LEN + ETH_FCS_LEN;
	if (!v->admin_mac)
		eth_zero_addr(v->mac);

	iovnet_pf_pool_gates(pf);
	iovnet_pf_vf_free_extra_macs(pf, vf);
	iovnet_pf_vlvf_clear_pool(pf, vf);
	bitmap_zero(v->vlans, VLAN_N_VID);
	v->num_vlans = 0;

	netif_addr_lock_bh(pf->netdev);
	v->mc_count = 0;
	iovnet_pf_set_rx_mode(pf->netdev);
	netif_addr_unlock_bh(pf->netdev);
}

/**
 * iovnet_pf_vmdq_configure() - the device-wide part of VMDq mode
 * @pf: the PF, with VFs
 *
 * Receive and transmit stay enabled while VFs exist, whether or not the
 * PF's own netdev is up: the PF only opens and closes its pool.
 */
void iovnet_pf_vmdq_configure(struct iovnet_pf *pf)
{
	struct net_device *netdev = pf->netdev;
	unsigned int pool = iovnet_pf_pool(pf), vf;
	u32 vmolr, rctl;

	pf_wr32(pf, IOVNET_MRQC, FIELD_PREP(IOVNET_MRQC_MRQE,
					    IOVNET_MRQC_MRQE_VMDQ_RSS) |
		IOVNET_MRQC_RSS_IPV4 | IOVNET_MRQC_RSS_IPV4_TCP |
		IOVNET_MRQC_RSS_IPV6 | IOVNET_MRQC_RSS_IPV6_TCP);
	/* Unmatched unicast goes to the PF; broadcast/multicast to all */
	pf_wr32(pf, IOVNET_PF_VT_CTL, FIELD_PREP(IOVNET_VT_CTL_DEF_PL, pool) |
		IOVNET_VT_CTL_VM_REPL_EN);
	/* Multicast frames take their VLAN stripping from here */
	pf_wr32(pf, IOVNET_PF_RPLOLR, IOVNET_VMOLR_STRVLAN);

	vmolr = IOVNET_VMOLR_AUPE | IOVNET_VMOLR_BAM | IOVNET_VMOLR_ROMPE |
		IOVNET_VMOLR_LPE |
		FIELD_PREP(IOVNET_VMOLR_RLPML, netdev->mtu + ETH_HLEN +
			   ETH_FCS_LEN + VLAN_HLEN);
	if (netdev->features & NETIF_F_HW_VLAN_CTAG_RX)
		vmolr |= IOVNET_VMOLR_STRVLAN;
	if (pf->port.num_queues > 1)
		vmolr |= IOVNET_VMOLR_RSSE;
	if (netdev->flags & IFF_PROMISC)
		vmolr |= IOVNET_VMOLR_ROPE | IOVNET_VMOLR_MPME;
	else if (netdev->flags & IFF_ALLMULTI)
		vmolr |= IOVNET_VMOLR_MPME;
	pf_wr32(pf, IOVNET_PF_VMOLR(pool), vmolr);
	pf_wr32(pf, IOVNET_PF_VMVIR(pool), 0);

	/* Each pool checks its own frame size; the global limit is the top */
	pf_wr32(pf, IOVNET_RLPML, IOVNET_MBX_MAX_FRAME);
	rctl = pf_rd32(pf, IOVNET_RCTL);
	rctl &= ~(IOVNET_RCTL_MO | IOVNET_RCTL_SBP);
	rctl |= IOVNET_RCTL_BAM | IOVNET_RCTL_SECRC | IOVNET_RCTL_LPE |
		IOVNET_RCTL_VFE | IOVNET_RCTL_EN;
	pf_wr32(pf, IOVNET_RCTL, rctl);
	pf_wr32(pf, IOVNET_TCTL, pf_rd32(pf, IOVNET_TCTL) | IOVNET_TCTL_EN);

	for (vf = 0; vf < pf->num_vfs; vf++)
		iovnet_pf_vf_apply(pf, vf);
	iovnet_pf_pool_gates(pf);
}

/* Back to a single-pool device: forget every VF filter */
static void iovnet_pf_vmdq_clear(struct iovnet_pf *pf)
{
	static const u8 zero[ETH_ALEN];
	unsigned int i;

	for (i = IOVNET_PF_RAR_VF_FIRST; i < IOVNET_PF_RAR_PF_UC_FIRST; i++)
		iovnet_pf_set_rar(pf, i, zero, false);
	for (i = 0; i < ARRAY_SIZE(pf->rar_vf_uc_owner); i++) {
		pf->rar_vf_uc_owner[i] = 0;
		iovnet_pf_set_rar(pf, IOVNET_PF_RAR_VF_UC_FIRST + i, zero,
				  false);
	}
	for (i = 0; i < IOVNET_VLVF_ENTRIES; i++)
		pf_wr32(pf, IOVNET_PF_VLVF(i), 0);
	for (i = 0; i < IOVNET_POOLS; i++) {
		pf_wr32(pf, IOVNET_PF_VMOLR(i), 0);
		pf_wr32(pf, IOVNET_PF_VMVIR(i), 0);
		pf_wr32(pf, IOVNET_PF_RTTDQSEL, i);
		pf_wr32(pf, IOVNET_PF_RTTBCNRC, 0);
		pf_wr32(pf, IOVNET_PF_RTTDQSEL, i + 8);
		pf_wr32(pf, IOVNET_PF_RTTBCNRC, 0);
	}
	pf_wr32(pf, IOVNET_PF_DTXSWC, 0);
	pf_wr32(pf, IOVNET_PF_VT_CTL, 0);
	pf_wr32(pf, IOVNET_PF_VFRE, GENMASK(IOVNET_POOLS - 1, 0));
	pf_wr32(pf, IOVNET_PF_VFTE, GENMASK(IOVNET_POOLS - 1, 0));
}

/* Take the PF's datapath through a queue layout change */
static int iovnet_pf_switch_mode(struct iovnet_pf *pf, unsigned int num_vfs)
{
	struct iovnet_port *port = &pf->port;
	bool running = netif_running(pf->netdev);
	unsigned int vf, vid;
	int err = 0;

	if (running)
		iovnet_pf_down(pf);

	/*
	 * The pools move: no queue may keep an interrupt route from the old
	 * layout. A VF's VTIVAR only ORs its entries into these registers
	 * (QEMU: igb_core.c:2597-2624), so stale bits would misroute it.
	 */
	for (vf = 0; vf < IOVNET_POOLS; vf++)
		pf_wr32(pf, IOVNET_IVAR(vf), 0);

	mutex_lock(&pf->vf_lock);
	if (!num_vfs) {
		iovnet_pf_vmdq_clear(pf);
		pf->num_vfs = 0;
		for (vid = 0; vid < IOVNET_VFTA_REGS; vid++)
			pf_wr32(pf, IOVNET_VFTA(vid), 0);
		for_each_set_bit(vid, pf->active_vlans, VLAN_N_VID)
			iovnet_pf_set_vfta(pf, vid, true);
		/* The pool layout limited us to two queue pairs */
		port->max_queues = pf->num_vectors - 1;
		pf_wr32(pf, IOVNET_RCTL, 0);
		pf_wr32(pf, IOVNET_TCTL, IOVNET_TCTL_PSP);
	} else {
		pf->num_vfs = num_vfs;
		for (vf = 0; vf < num_vfs; vf++)
			iovnet_pf_vf_counters_read(pf, vf,
						   pf->vfs[vf].cnt_last);
		/* Queues pool and pool + 8 are the only ones the PF keeps */
		port->max_queues = min_t(unsigned int, pf->num_vectors - 1, 2);
		port->num_queues = min(port->num_queues, port->max_queues);
		iovnet_pf_rss_default_reta(pf);
		iovnet_pf_set_rar_pool(pf, 0, pf->netdev->dev_addr,
				       iovnet_pf_pool(pf));
		for_each_set_bit(vid, pf->active_vlans, VLAN_N_VID)
			if (iovnet_pf_vlvf_set(pf, vid, iovnet_pf_pool(pf), true))
				netdev_warn(pf->netdev, "VLAN %u: no filter left in VMDq mode\n",
					    vid);
		iovnet_pf_vmdq_configure(pf);
	}
	mutex_unlock(&pf->vf_lock);

	if (running)
		err = iovnet_pf_up(pf);
	return err;
}

static int iovnet_pf_sriov_enable(struct iovnet_pf *pf, int num_vfs)
{
	struct iovnet_pf_vf *vfs;
	unsigned int vf;
	int err;

	vfs = kcalloc(num_vfs, sizeof(*vfs), GFP_KERNEL);
	if (!vfs)
		return -ENOMEM;
	for (vf = 0; vf < num_vfs; vf++) {
		vfs[vf].spoofchk = true;
		vfs[vf].link_state = IFLA_VF_LINK_STATE_AUTO;
		vfs[vf].max_frame = ETH_FRAME_LEN + ETH_FCS_LEN;
		vfs[vf].tokens = IOVNET_PF_MBX_BURST;
		vfs[vf].refill = jiffies;
	}

	rtnl_lock();
	pf->vfs = vfs;
	err = iovnet_pf_switch_mode(pf, num_vfs);
	rtnl_unlock();
	if (err)
		goto err_mode;

	/* Probing VF drivers takes RTNL, so this runs without it */
	err = pci_enable_sriov(pf->pdev, num_vfs);
	if (err) {
		dev_err(&pf->pdev->dev, "cannot enable %d VFs: %d\n", num_vfs,
			err);
		goto err_mode;
	}
	dev_info(&pf->pdev->dev, "%d VFs enabled, PF in pool %u\n", num_vfs,
		 iovnet_pf_pool(pf));
	return num_vfs;

err_mode:
	rtnl_lock();
	iovnet_pf_switch_mode(pf, 0);
	pf->vfs = NULL;
	rtnl_unlock();
	kfree(vfs);
	return err;
}

static int iovnet_pf_sriov_disable(struct iovnet_pf *pf)
{
	struct iovnet_pf_vf *vfs = pf->vfs;

	if (!pf->num_vfs)
		return 0;
	if (pci_vfs_assigned(pf->pdev)) {
		dev_warn(&pf->pdev->dev,
			 "VFs are assigned to guests, not disabling them\n");
		return -EPERM;
	}
	pci_disable_sriov(pf->pdev);
	cancel_delayed_work_sync(&pf->mbx_task);

	rtnl_lock();
	iovnet_pf_switch_mode(pf, 0);
	pf->vfs = NULL;
	pf->mbx_pending = 0;
	rtnl_unlock();
	kfree(vfs);
	dev_info(&pf->pdev->dev, "VFs disabled\n");
	return 0;
}

/**
 * iovnet_pf_sriov_configure() - the sriov_numvfs sysfs write
 * @pdev: the PF
 * @num_vfs: VFs wanted, 0 to remove them
 *
 * Return: @num_vfs on success, else a negative errno.
 */
int iovnet_pf_sriov_configure(struct pci_dev *pdev, int num_vfs)
{
	struct iovnet_pf *pf = pci_get_drvdata(pdev);

	if (num_vfs > IOVNET_MAX_VFS) {
		dev_err(&pdev->dev, "at most %d VFs: pool %d is the PF's\n",
			IOVNET_MAX_VFS, IOVNET_MAX_VFS);
		return -ERANGE;
	}
	if (!num_vfs)
		return iovnet_pf_sriov_disable(pf);
	if (pf->num_vfs)
		return -EBUSY;	/* the PCI core goes through 0 first */
	return iovnet_pf_sriov_enable(pf, num_vfs);
}

/**
 * iovnet_pf_sriov_remove() - the PF goes away: so do its VFs
 * @pf: the PF
 */
void iovnet_pf_sriov_remove(struct iovnet_pf *pf)
{
	if (!pf->num_vfs)
		return;
	pci_disable_sriov(pf->pdev);
	cancel_delayed_work_sync(&pf->mbx_task);
	mutex_lock(&pf->vf_lock);
	pf->num_vfs = 0;
	mutex_unlock(&pf->vf_lock);
	kfree(pf->vfs);
	pf->vfs = NULL;
}

/* Common checks of the ndo_set_vf_* calls; callers hold RTNL */
static struct iovnet_pf_vf *iovnet_pf_vf_get(struct iovnet_pf *pf, int vf)
{
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
	struct iovnet_pf_vf *v = &pf->vfs[vf];

	iovnet_pf_vf_apply(pf, vf);
	if (v->cts)
		iovnet_pf_mbx_notify(pf, vf, IOVNET_PF_NOTIFY_RESET);
}

int iovnet_pf_set_vf_mac(struct net_device *netdev, int vf, u8 *mac)
{
	struct iovnet_pf *pf = netdev_priv(netdev);
	struct iovnet_pf_vf *v = iovnet_pf_vf_get(pf, vf);

	if (!v)
		return -EINVAL;
	if (!is_zero_ether_addr(mac) && !is_valid_ether_addr(mac)) {
		netdev_err(netdev, "VF %d: %pM is not a unicast address\n", vf,
			   mac);
		return -EINVAL;
	}

	mutex_lock(&pf->vf_lock);
	ether_addr_copy(v->mac, mac);
	v->admin_mac = !is_zero_ether_addr(mac);
	iovnet_pf_vf_changed(pf, vf);
	mutex_unlock(&pf->vf_lock);
	netdev_info(netdev, "VF %d: MAC %pM%s\n", vf, mac,
		    v->admin_mac ? "" : " (cleared, the VF picks its own)");
	return 0;
}

int iovnet_pf_set_vf_vlan(struct net_device *netdev, int vf, u16 vlan, u8 qos,
			  __be16 proto)
{
	struct iovnet_pf *pf = netdev_priv(netdev);
	struct iovnet_pf_vf *v = iovnet_pf_vf_get(pf, vf);

	if (!v)
		return -EINVAL;
	if (proto != htons(ETH_P_8021Q)) {
		netdev_err(netdev, "VF %d: only 802.1Q port VLANs are supported\n",
			   vf);
		return -EPROTONOSUPPORT;
	}
	if (vlan > VLAN_VID_MASK || qos > 7) {
		netdev_err(netdev, "VF %d: VLAN %u qos %u out of range (1-4095, 0-7)\n",
			   vf, vlan, qos);
		return -EINVAL;
	}
	if (!vlan && qos) {
		netdev_err(netdev, "VF %d: a priority needs a VLAN ID\n", vf);
		return -EINVAL;
	}

	mutex_lock(&pf->vf_lock);
	/* Take the new filter first: a refusal must leave everything as it was */
	if (vlan && iovnet_pf_vlvf_set(pf, vlan, vf, true)) {
		mutex_unlock(&pf->vf_lock);
		netdev_err(netdev, "VF %d: all %d VLAN filters are in use\n",
			   vf, IOVNET_VLVF_ENTRIES);
		return -ENOSPC;
	}
	/* The old port VLAN and the VF's own VLANs no longer apply */
	iovnet_pf_vlvf_clear_pool(pf, vf);
	bitmap_zero(v->vlans, VLAN_N_VID);
	v->num_vlans = 0;
	/* Cannot fail: clearing the pool left this entry or a free one */
	if (vlan)
		iovnet_pf_vlvf_set(pf, vlan, vf, true);
	v->port_vlan = vlan;
	v->port_qos = qos;
	iovnet_pf_vf_changed(pf, vf);
	mutex_unlock(&pf->vf_lock);
	return 0;
}

int iovnet_pf_set_vf_rate(struct net_device *netdev, int vf, int min_rate,
			  int max_rate)
{
	struct iovnet_pf *pf = netdev_priv(netdev);
	struct iovnet_pf_vf *v = iovnet_pf_vf_get(pf, vf);
	u32 speed = pf->link_up ? pf->link_speed : SPEED_1000;

	if (!v)
		return -EINVAL;
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
	v->max_tx_rate = max_rate;
	iovnet_pf_set_rate(pf, vf);
	mutex_unlock(&pf->vf_lock);
	return 0;
}

int iovnet_pf_set_vf_spoofchk(struct net_device *netdev, int vf, bool on)
{
	struct iovnet_pf *pf = netdev_priv(netdev);
	struct iovnet_pf_vf *v = iovnet_pf_vf_get(pf, vf);

	if (!v)
		return -EINVAL;
	mutex_lock(&pf->vf_lock);
	v->spoofchk = on;
	iovnet_pf_set_anti_spoof(pf);
	mutex_unlock(&pf->vf_lock);
	return 0;
}

int iovnet_pf_set_vf_trust(struct net_device *netdev, int vf, bool on)
{
	struct iovnet_pf *pf = netdev_priv(netdev);
	struct iovnet_pf_vf *v = iovnet_pf_vf_get(pf, vf);

	if (!v)
		return -EINVAL;
	mutex_lock(&pf->vf_lock);
	if (v->trusted != on) {
		v->trusted = on;
		/* Losing trust takes back what only trust allowed */
		if (!on) {
			v->promisc = 0;
			iovnet_pf_vf_free_extra_macs(pf, vf);
			iovnet_pf_vf_changed(pf, vf);
		}
	}
	mutex_unlock(&pf->vf_lock);
	return 0;
}

int iovnet_pf_set_vf_link_state(struct net_device *netdev, int vf, int state)
{
	struct iovnet_pf *pf = netdev_priv(netdev);
	struct iovnet_pf_vf *v = iovnet_pf_vf_get(pf, vf);

	if (!v)
		return -EINVAL;
	if (state != IFLA_VF_LINK_STATE_AUTO &&
	    state != IFLA_VF_LINK_STATE_ENABLE &&
	    state != IFLA_VF_LINK_STATE_DISABLE) {
		netdev_err(netdev, "VF %d: unknown link state %d\n", vf, state);
		return -EINVAL;
	}
	mutex_lock(&pf->vf_lock);
	if (v->link_state != state) {
		v->link_state = state;
		iovnet_pf_pool_gates(pf);
		/* A VF that follows link events is told; others start over */
		if (v->cts)
			iovnet_pf_mbx_notify(pf, vf, v->ext ?
					     IOVNET_PF_NOTIFY_LINK :
					     IOVNET_PF_NOTIFY_RESET);
	}
	mutex_unlock(&pf->vf_lock);
	return 0;
}

int iovnet_pf_get_vf_config(struct net_device *netdev, int vf,
			    struct ifla_vf_info *ivi)
{
	struct iovnet_pf *pf = netdev_priv(netdev);
	struct iovnet_pf_vf *v = iovnet_pf_vf_get(pf, vf);

	if (!v)
		return -EINVAL;
	mutex_lock(&pf->vf_lock);
	ivi->vf = vf;
	ether_addr_copy(ivi->mac, v->mac);
	ivi->vlan = v->port_vlan;
	ivi->qos = v->port_qos;
	ivi->vlan_proto = htons(ETH_P_8021Q);
	ivi->spoofchk = v->spoofchk;
	ivi->trusted = v->trusted;
	ivi->linkstate = v->link_state;
	ivi->max_tx_rate = v->max_tx_rate;
	ivi->min_tx_rate = 0;
	mutex_unlock(&pf->vf_lock);
	return 0;
}

int iovnet_pf_get_vf_stats(struct net_device *netdev, int vf,
			   struct ifla_vf_stats *stats)
{
	struct iovnet_pf *pf = netdev_priv(netdev);
	struct iovnet_pf_vf *v = iovnet_pf_vf_get(pf, vf);

	if (!v)
		return -EINVAL;
	iovnet_pf_vf_update_stats(pf);
	spin_lock_bh(&pf->vf_stats_lock);
	stats->rx_packets = v->cnt[IOVNET_VF_CNT_RX_PACKETS];
	stats->tx_packets = v->cnt[IOVNET_VF_CNT_TX_PACKETS];
	/* The device counts 4 bytes of FCS per frame; the stack does not */
	stats->rx_bytes = v->cnt[IOVNET_VF_CNT_RX_BYTES] -
			  ETH_FCS_LEN * v->cnt[IOVNET_VF_CNT_RX_PACKETS];
	stats->tx_bytes = v->cnt[IOVNET_VF_CNT_TX_BYTES] -
			  ETH_FCS_LEN * v->cnt[IOVNET_VF_CNT_TX_PACKETS];
	stats->multicast = v->cnt[IOVNET_VF_CNT_MULTICAST];
	spin_unlock_bh(&pf->vf_stats_lock);
	return 0;
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
	if (up != pf->vf_link_up) {
		pf->vf_link_up = up;
		for (vf = 0; vf < pf->num_vfs; vf++) {
			iovnet_pf_set_rate(pf, vf);
			if (pf->vfs[vf].cts && pf->vfs[vf].ext &&
			    pf->vfs[vf].link_state == IFLA_VF_LINK_STATE_AUTO)
				iovnet_pf_mbx_notify(pf, vf,
						     IOVNET_PF_NOTIFY_LINK);
		}
	}
}
