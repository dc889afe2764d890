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

#include "compat.h"
#include "iovnet_calc.h"
#include "iovnet_pf.h"

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

	if (iovnet_pf_offline(pf))
		return;
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

/**
 * iovnet_pf_vf_mta() - add the VFs' multicast hashes to an MTA image
 * @pf: the PF, under the netdev address lock
 * @mta: the table being built
 */
void iovnet_pf_vf_mta(struct iovnet_pf *pf, u32 *mta)
{
	unsigned int vf, i, num_vfs = READ_ONCE(pf->num_vfs);

	/* The VFs' hashes change under the address lock too */
	for (vf = 0; vf < num_vfs; vf++) {
		const struct iovnet_pf_vf *v = &pf->vfs[vf];

		for (i = 0; i < v->mc_count; i++)
			mta[v->mc_hash[i] >> 5] |= BIT(v->mc_hash[i] & 31);
	}
}

static bool iovnet_pf_vf_enabled(const struct iovnet_pf_vf *v)
{
	return v->running && v->link_state != IFLA_VF_LINK_STATE_DISABLE;
}

/**
 * iovnet_pf_pool_gates() - open and close every pool's RX and TX gate
 * @pf: the PF, under @pf->vf_lock, with VFs
 *
 * The only writer of VFRE and VFTE: each gate follows from the PF's and
 * the VFs' states, so no writer can put back a gate another one closed.
 */
void iovnet_pf_pool_gates(struct iovnet_pf *pf)
{
	unsigned int vf, pf_pool = BIT(iovnet_pf_pool(pf));
	u32 rx = 0, tx;

	lockdep_assert_held(&pf->vf_lock);
	for (vf = 0; vf < pf->num_vfs; vf++)
		if (iovnet_pf_vf_enabled(&pf->vfs[vf]))
			rx |= BIT(vf);
	tx = rx;
	if (iovnet_pf_running(pf))
		rx |= pf_pool;
	/* Going down, the PF's TX completes before its gate closes */
	if (iovnet_pf_running(pf) ||
	    test_bit(IOVNET_PF_TX_DRAINING, pf->state))
		tx |= pf_pool;
	pf_wr32(pf, IOVNET_PF_VFRE, rx);
	pf_wr32(pf, IOVNET_PF_VFTE, tx);
}

/**
 * iovnet_pf_set_anti_spoof() - MAC and VLAN anti-spoof of every VF
 * @pf: the PF, under @pf->vf_lock
 */
void iovnet_pf_set_anti_spoof(struct iovnet_pf *pf)
{
	u32 dtxswc = IOVNET_DTXSWC_LOOPBACK_EN;
	unsigned int vf;

	for (vf = 0; vf < pf->num_vfs; vf++)
		if (pf->vfs[vf].spoofchk)
			dtxswc |= FIELD_PREP(IOVNET_DTXSWC_MAC_SPOOF, BIT(vf)) |
				  FIELD_PREP(IOVNET_DTXSWC_VLAN_SPOOF, BIT(vf));
	pf_wr32(pf, IOVNET_PF_DTXSWC, dtxswc);
}

/**
 * iovnet_pf_set_rate() - the administrator's TX limit of one VF
 * @pf: the PF, under @pf->vf_lock
 * @vf: the VF
 *
 * The limiter works per queue, and a VF can enable both queues of its pool
 * whether or not it asked for RSS: both are always limited. A VF using
 * both gets half the limit on each; one that did not ask for RSS gets the
 * whole limit on its first queue and the device's lowest rate on the
 * second, so the pool never exceeds the limit by more than that.
 */
void iovnet_pf_set_rate(struct iovnet_pf *pf, unsigned int vf)
{
	const struct iovnet_pf_vf *v = &pf->vfs[vf];
	u32 speed = iovnet_pf_limiter_speed(pf);
	u32 first, second;

	if (v->rss) {
		first = iovnet_calc_rttbcnrc(speed, 2, v->max_tx_rate);
		second = first;
	} else {
		first = iovnet_calc_rttbcnrc(speed, 1, v->max_tx_rate);
		second = v->max_tx_rate ? IOVNET_RTTBCNRC_RS_ENA |
					  IOVNET_CALC_RF_MAX : 0;
	}
	pf_wr32(pf, IOVNET_PF_RTTDQSEL, vf);
	pf_wr32(pf, IOVNET_PF_RTTBCNRC, first);
	pf_wr32(pf, IOVNET_PF_RTTDQSEL, vf + 8);
	pf_wr32(pf, IOVNET_PF_RTTBCNRC, second);
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
	u32 vmolr;

	/* VMDq with RSS in MRQC, and the shared key and table */
	iovnet_pf_configure_rss(pf);
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
	iovnet_pf_rmw(pf, IOVNET_RCTL, IOVNET_RCTL_MO | IOVNET_RCTL_SBP,
		      IOVNET_RCTL_BAM | IOVNET_RCTL_SECRC | IOVNET_RCTL_LPE |
		      IOVNET_RCTL_VFE | IOVNET_RCTL_EN);
	iovnet_pf_rmw(pf, IOVNET_TCTL, 0, IOVNET_TCTL_EN);

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
	netif_addr_lock_bh(pf->netdev);
	memset(pf->rar_vf_uc_owner, 0, sizeof(pf->rar_vf_uc_owner));
	memset(pf->rar_vf_uc_addr, 0, sizeof(pf->rar_vf_uc_addr));
	netif_addr_unlock_bh(pf->netdev);
	for (i = 0; i < ARRAY_SIZE(pf->rar_vf_uc_owner); i++)
		iovnet_pf_set_rar(pf, IOVNET_PF_RAR_VF_UC_FIRST + i, zero,
				  false);
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

/*
 * Take the PF's datapath through a queue layout change, under RTNL. Sets
 * @pf->num_vfs, which is why both RTNL and @pf->vf_lock are held then.
 */
static int iovnet_pf_switch_mode(struct iovnet_pf *pf, unsigned int num_vfs)
{
	struct iovnet_port *port = &pf->port;
	bool running = netif_running(pf->netdev);
	unsigned int vf, vid, pf_vlans = 0;
	int err = 0;

	ASSERT_RTNL();
	if (running)
		iovnet_pf_down(pf);

	/*
	 * The pools move: no queue may keep an interrupt route from the old
	 * layout. QEMU's igb up to 10.0 ORs a VF's VTIVAR into these
	 * registers rather than replacing them (tools/qemu/patches 0006), so
	 * there stale bits would misroute a VF's queues.
	 */
	for (vf = 0; vf < IOVNET_POOLS; vf++)
		pf_wr32(pf, IOVNET_IVAR(vf), 0);

	mutex_lock(&pf->vf_lock);
	if (!num_vfs) {
		iovnet_pf_vmdq_clear(pf);
		WRITE_ONCE(pf->num_vfs, 0);
		iovnet_pf_mbx_start(pf);
		for (vid = 0; vid < IOVNET_VFTA_REGS; vid++)
			pf_wr32(pf, IOVNET_VFTA(vid), 0);
		for_each_set_bit(vid, pf->active_vlans, VLAN_N_VID)
			iovnet_pf_set_vfta(pf, vid, true);
		/* The pool layout limited us to two queue pairs */
		port->max_queues = pf->num_vectors - 1;
		iovnet_pf_rmw(pf, IOVNET_RCTL, ~0U, 0);
		iovnet_pf_rmw(pf, IOVNET_TCTL, ~0U, IOVNET_TCTL_PSP);
	} else {
		for (vf = 0; vf < num_vfs; vf++)
			iovnet_pf_vf_init(pf, vf);
		WRITE_ONCE(pf->num_vfs, num_vfs);
		iovnet_pf_mbx_start(pf);
		for (vf = 0; vf < num_vfs; vf++)
			iovnet_pf_vf_counters_read(pf, vf,
						   pf->vfs[vf].cnt_last);
		/* Queues pool and pool + 8 are the only ones the PF keeps */
		port->max_queues = min_t(unsigned int, pf->num_vectors - 1, 2);
		port->num_queues = min(port->num_queues, port->max_queues);
		iovnet_pf_rss_default_reta(pf);
		iovnet_pf_set_rar_pool(pf, 0, pf->netdev->dev_addr,
				       iovnet_pf_pool(pf));
		/* Past its share the PF's VLANs would take the VFs' entries */
		for_each_set_bit(vid, pf->active_vlans, VLAN_N_VID) {
			if (pf_vlans++ < iovnet_pf_vlan_pf_quota(pf) &&
			    !iovnet_pf_vlvf_set(pf, vid, iovnet_pf_pool(pf), true))
				continue;
			netdev_warn(pf->netdev, "VLAN %u: beyond the PF's %u VLAN filters with %u VFs, not received\n",
				    vid, iovnet_pf_vlan_pf_quota(pf), num_vfs);
		}
		iovnet_pf_vmdq_configure(pf);
	}
	mutex_unlock(&pf->vf_lock);

	if (running)
		err = iovnet_pf_up(pf);
	return err;
}

/**
 * iovnet_pf_sriov_restore() - program VMDq again after a device reset
 * @pf: the PF, under RTNL, datapath down
 *
 * The VFs keep their administrative settings; what each asked for is gone
 * with the reset, and each redoes its handshake when it sees the PF back.
 */
void iovnet_pf_sriov_restore(struct iovnet_pf *pf)
{
	unsigned int vf, vid, pf_vlans = 0;

	ASSERT_RTNL();
	mutex_lock(&pf->vf_lock);
	/* Tell the VFs the link again, whatever it was before */
	pf->vf_link_up = false;
	iovnet_pf_mbx_start(pf);
	if (pf->num_vfs) {
		/*
		 * The reset zeroed the pool counters: fold from zero, or the
		 * next read would add the 32-bit distance back to the old value
		 */
		spin_lock_bh(&pf->vf_stats_lock);
		for (vf = 0; vf < pf->num_vfs; vf++)
			iovnet_pf_vf_counters_read(pf, vf,
						   pf->vfs[vf].cnt_last);
		spin_unlock_bh(&pf->vf_stats_lock);
		for (vf = 0; vf < pf->num_vfs; vf++)
			iovnet_pf_vf_flr(pf, vf);
		iovnet_pf_set_rar_pool(pf, 0, pf->netdev->dev_addr,
				       iovnet_pf_pool(pf));
		for_each_set_bit(vid, pf->active_vlans, VLAN_N_VID)
			if (pf_vlans++ < iovnet_pf_vlan_pf_quota(pf))
				iovnet_pf_vlvf_set(pf, vid, iovnet_pf_pool(pf),
						   true);
		iovnet_pf_vmdq_configure(pf);
	} else {
		for_each_set_bit(vid, pf->active_vlans, VLAN_N_VID)
			iovnet_pf_set_vfta(pf, vid, true);
	}
	mutex_unlock(&pf->vf_lock);
}

static int iovnet_pf_sriov_enable(struct iovnet_pf *pf, int num_vfs)
{
	int err;

	rtnl_lock();
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
	rtnl_unlock();
	return err;
}

static int iovnet_pf_sriov_disable(struct iovnet_pf *pf)
{
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
	rtnl_unlock();
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
	/* The device answers nothing until the AER core has reset it */
	if (test_bit(IOVNET_PF_IO_ERROR, pf->state)) {
		dev_err_ratelimited(&pdev->dev,
				    "PCI error recovery in progress: VFs not changed\n");
		return -EBUSY;
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
	/* Unbinding the VF drivers takes RTNL: not held here */
	pci_disable_sriov(pf->pdev);
	cancel_delayed_work_sync(&pf->mbx_task);
	rtnl_lock();
	mutex_lock(&pf->vf_lock);
	WRITE_ONCE(pf->num_vfs, 0);
	mutex_unlock(&pf->vf_lock);
	rtnl_unlock();
}

