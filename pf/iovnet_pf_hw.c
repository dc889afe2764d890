// SPDX-License-Identifier: GPL-2.0
/* Copyright (c) 2026 The iovnet authors */

#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/if_vlan.h>
#include <linux/iopoll.h>
#include <linux/mii.h>

#include "iovnet_calc.h"
#include "iovnet_pf.h"

/* MDI control: the internal PHY answers at address 1 */
#define IOVNET_MDIC_DATA	GENMASK(15, 0)
#define IOVNET_MDIC_REG		GENMASK(20, 16)
#define IOVNET_MDIC_PHY		GENMASK(25, 21)
#define IOVNET_MDIC_OP		GENMASK(27, 26)
#define  IOVNET_MDIC_OP_WRITE	1
#define  IOVNET_MDIC_OP_READ	2
#define IOVNET_MDIC_READY	BIT(28)
#define IOVNET_MDIC_ERROR	BIT(30)
#define IOVNET_PHY_ADDR		1

/*
 * Device queue of the PF's queue pair @q. With VFs the PF owns pool N (N =
 * number of VFs), whose queues are N and N + 8: the device does a queue's
 * DMA as VF (queue % 8) whenever that VF exists.
 */
static unsigned int iovnet_pf_hw_queue(const struct iovnet_port *port,
				       unsigned int q)
{
	const struct iovnet_pf *pf = container_of(port, struct iovnet_pf, port);

	if (!pf->num_vfs)
		return q;
	return iovnet_pf_pool(pf) + 8 * q;
}

static u32 iovnet_pf_queue_regs(const struct iovnet_port *port, unsigned int q,
				bool tx)
{
	unsigned int hwq = iovnet_pf_hw_queue(port, q);

	return tx ? IOVNET_PF_TXQ_BASE(hwq) : IOVNET_PF_RXQ_BASE(hwq);
}

/* Queue q's causes live in IVAR(q % 8): bytes 0/1 for q < 8, else 2/3 */
static void iovnet_pf_map_queue(struct iovnet_port *port, unsigned int q,
				unsigned int vector)
{
	unsigned int hwq = iovnet_pf_hw_queue(port, q);
	unsigned int shift = hwq < 8 ? 0 : 16;
	u32 ivar, entry = vector | IOVNET_IVAR_VALID;

	ivar = iovnet_rd32(port, IOVNET_IVAR(hwq % 8));
	ivar &= ~(0xffffU << shift);
	ivar |= (entry | entry << 8) << shift;
	iovnet_wr32(port, IOVNET_IVAR(hwq % 8), ivar);
}

/*
 * XOFF frames counted since the last call, or STATUS.TXOFF now: the
 * counters are folded in by the service task, just before it asks.
 */
static bool iovnet_pf_tx_paused(struct iovnet_port *port)
{
	struct iovnet_pf *pf = container_of(port, struct iovnet_pf, port);
	bool moved;
	u64 xoff;

	spin_lock_bh(&pf->stats_lock);
	xoff = pf->hw_stats.xoffrxc;
	spin_unlock_bh(&pf->stats_lock);
	moved = xoff != pf->tx_hang_xoff;
	pf->tx_hang_xoff = xoff;
	return moved || (pf_rd32(pf, IOVNET_STATUS) & IOVNET_STATUS_TXOFF);
}

const struct iovnet_port_ops iovnet_pf_port_ops = {
	.queue_regs = iovnet_pf_queue_regs,
	.map_queue = iovnet_pf_map_queue,
	.tx_paused = iovnet_pf_tx_paused,
	.tx_tstamp = iovnet_pf_ptp_tx_tstamp,
	.rx_tstamp = iovnet_pf_ptp_rx_tstamp,
};

static int iovnet_pf_mdic(struct iovnet_pf *pf, u32 op, u32 reg, u16 *data)
{
	u32 mdic;
	int err;

	pf_wr32(pf, IOVNET_MDIC, FIELD_PREP(IOVNET_MDIC_DATA, *data) |
		FIELD_PREP(IOVNET_MDIC_REG, reg) |
		FIELD_PREP(IOVNET_MDIC_PHY, IOVNET_PHY_ADDR) |
		FIELD_PREP(IOVNET_MDIC_OP, op));
	err = readl_poll_timeout(pf->hw + IOVNET_MDIC, mdic,
				 mdic & IOVNET_MDIC_READY, 50, 10000);
	if (err)
		return err;
	if (mdic & IOVNET_MDIC_ERROR)
		return -EIO;
	*data = FIELD_GET(IOVNET_MDIC_DATA, mdic);
	return 0;
}

/**
 * iovnet_pf_phy_start() - advertise, restart autonegotiation
 * @pf: the PF, under RTNL (or in probe, or PCI error recovery)
 *
 * Keeps the speeds advertised and advertises the pause the administrator
 * asked for, forced or not, as the partner should see it (IEEE 802.3
 * annex 28B: PAUSE for both directions, ASM_DIR alone for sending only,
 * both for receiving only). At init, for "ethtool -r" and "ethtool -A";
 * the link comes back by interrupt.
 *
 * Return: 0 or a negative errno from the MDIO access.
 */
int iovnet_pf_phy_start(struct iovnet_pf *pf)
{
	u16 adv, bmcr;
	int err;

	err = iovnet_pf_mdic(pf, IOVNET_MDIC_OP_READ, MII_ADVERTISE, &adv);
	if (err)
		return err;
	adv &= ~(ADVERTISE_PAUSE_CAP | ADVERTISE_PAUSE_ASYM);
	if (pf->fc_rx)
		adv |= ADVERTISE_PAUSE_CAP;
	if (pf->fc_rx != pf->fc_tx)
		adv |= ADVERTISE_PAUSE_ASYM;
	err = iovnet_pf_mdic(pf, IOVNET_MDIC_OP_WRITE, MII_ADVERTISE, &adv);
	if (err)
		return err;

	err = iovnet_pf_mdic(pf, IOVNET_MDIC_OP_READ, MII_BMCR, &bmcr);
	if (err)
		return err;
	bmcr &= ~(BMCR_PDOWN | BMCR_ISOLATE);
	bmcr |= BMCR_ANENABLE | BMCR_ANRESTART;
	err = iovnet_pf_mdic(pf, IOVNET_MDIC_OP_WRITE, MII_BMCR, &bmcr);
	pf->fc_pending = !err;
	return err;
}

/*
 * Pause in force after a link up: what was forced, or what autonegotiation
 * resolved from both sides' advertisements (802.3 annex 28B), kept within
 * what the administrator asked for.
 */
static void iovnet_pf_fc_resolve(struct iovnet_pf *pf, bool *rx, bool *tx)
{
	u16 adv, lpa;

	*rx = pf->fc_rx;
	*tx = pf->fc_tx;
	/* Pause frames are a full-duplex mechanism (802.3 annex 31B) */
	if (pf->link_duplex != DUPLEX_FULL) {
		*rx = false;
		*tx = false;
		return;
	}
	if (!pf->fc_autoneg)
		return;
	if (iovnet_pf_mdic(pf, IOVNET_MDIC_OP_READ, MII_ADVERTISE, &adv) ||
	    iovnet_pf_mdic(pf, IOVNET_MDIC_OP_READ, MII_LPA, &lpa)) {
		*rx = false;
		*tx = false;
		return;
	}
	if ((adv & ADVERTISE_PAUSE_CAP) && (lpa & LPA_PAUSE_CAP))
		return;			/* symmetric: as asked */
	*rx = (adv & ADVERTISE_PAUSE_CAP) && (adv & ADVERTISE_PAUSE_ASYM) &&
	      (lpa & LPA_PAUSE_ASYM) && pf->fc_rx;
	*tx = !(adv & ADVERTISE_PAUSE_CAP) && (adv & ADVERTISE_PAUSE_ASYM) &&
	      (lpa & LPA_PAUSE_CAP) && (lpa & LPA_PAUSE_ASYM) && pf->fc_tx;
}

/**
 * iovnet_pf_fc_setup() - program flow control for the link that came up
 * @pf: the PF, under RTNL
 *
 * XOFF goes out when the receive packet buffer fills past the smaller of
 * 90% of it and all of it but two largest frames (room for what is still
 * in flight), XON 10% below that.
 */
void iovnet_pf_fc_setup(struct iovnet_pf *pf)
{
	u32 pbs = FIELD_GET(IOVNET_RXPBS_SIZE, pf_rd32(pf, IOVNET_RXPBS)) * 1024;
	u32 high, ctrl;
	bool rx, tx;

	iovnet_pf_fc_resolve(pf, &rx, &tx);
	high = min(pbs * 9 / 10, pbs - 2 * IOVNET_MAX_FRAME);
	if (pbs <= 2 * IOVNET_MAX_FRAME)
		tx = false;	/* no room to ask in time */
	pf_wr32(pf, IOVNET_FCRTH, tx ? high & IOVNET_FCRT_MASK : 0);
	pf_wr32(pf, IOVNET_FCRTL, tx ? ((high - high / 10) & IOVNET_FCRT_MASK) |
		IOVNET_FCRTL_XONE : 0);

	ctrl = pf_rd32(pf, IOVNET_CTRL) & ~(IOVNET_CTRL_RFCE | IOVNET_CTRL_TFCE);
	if (rx)
		ctrl |= IOVNET_CTRL_RFCE;
	if (tx)
		ctrl |= IOVNET_CTRL_TFCE;
	pf_wr32(pf, IOVNET_CTRL, ctrl);
}

/**
 * iovnet_pf_fc_check() - resolve pause after a renegotiation the link kept
 * @pf: the PF, under RTNL, from the service task
 *
 * A renegotiation need not take the link down as the driver sees it
 * (QEMU's model drops STATUS.LU for 500 ms without a link interrupt), so
 * no link-up event would resolve what it agreed.
 */
void iovnet_pf_fc_check(struct iovnet_pf *pf)
{
	u16 bmsr;

	if (!pf->fc_pending || !pf->link_up ||
	    iovnet_pf_mdic(pf, IOVNET_MDIC_OP_READ, MII_BMSR, &bmsr) ||
	    !(bmsr & BMSR_ANEGCOMPLETE))
		return;
	pf->fc_pending = false;
	iovnet_pf_fc_setup(pf);
}

/**
 * iovnet_pf_hw_reset() - quiesce the device and reset its MAC
 * @pf: the PF
 *
 * Return: 0 or -EIO when the device does not come out of reset.
 */
int iovnet_pf_hw_reset(struct iovnet_pf *pf)
{
	u32 val;
	int err;

	pf_wr32(pf, IOVNET_IMC, ~0U);
	pf_wr32(pf, IOVNET_EIMC, ~0U);
	pf_wr32(pf, IOVNET_RCTL, 0);
	pf_wr32(pf, IOVNET_TCTL, IOVNET_TCTL_PSP);
	pf_flush(pf);
	/* Let DMA in flight finish before the master is disabled */
	usleep_range(10000, 11000);

	pf_wr32(pf, IOVNET_CTRL,
		pf_rd32(pf, IOVNET_CTRL) | IOVNET_CTRL_GIO_MASTER_DIS);
	if (readl_poll_timeout(pf->hw + IOVNET_STATUS, val,
			       !(val & IOVNET_STATUS_GIO_MASTER_EN), 100, 10000))
		dev_dbg(&pf->pdev->dev, "master requests still pending\n");

	pf_wr32(pf, IOVNET_CTRL, pf_rd32(pf, IOVNET_CTRL) | IOVNET_CTRL_RST);
	/* The datasheet asks for 1 ms before the device is accessed again */
	usleep_range(1000, 2000);
	err = readl_poll_timeout(pf->hw + IOVNET_CTRL, val,
				 !(val & IOVNET_CTRL_RST), 100, 100000);
	if (err) {
		dev_err(&pf->pdev->dev, "device did not leave reset\n");
		return -EIO;
	}
	/*
	 * Real parts set EECD.AUTO_RD once the NVM words are loaded; the QEMU
	 * model never does, so this is a bounded wait and not an error.
	 */
	if (readl_poll_timeout(pf->hw + IOVNET_EECD, val,
			       val & IOVNET_EECD_AUTO_RD, 100, 10000))
		dev_dbg(&pf->pdev->dev, "no NVM auto-read done indication\n");

	pf_wr32(pf, IOVNET_IMC, ~0U);
	pf_wr32(pf, IOVNET_EIMC, ~0U);
	pf_rd32(pf, IOVNET_ICR);
	return 0;
}

/**
 * iovnet_pf_nvm_words() - size of the NVM
 * @pf: the PF
 *
 * Return: the number of 16-bit words EECD says the NVM holds, as far as
 * EERD can read them.
 */
unsigned int iovnet_pf_nvm_words(struct iovnet_pf *pf)
{
	unsigned int shift = FIELD_GET(IOVNET_EECD_SIZE_EX,
				       pf_rd32(pf, IOVNET_EECD)) +
			     IOVNET_NVM_WORDS_SHIFT_BASE;

	return 1U << min(shift, IOVNET_NVM_WORDS_SHIFT_MAX);
}

/**
 * iovnet_pf_nvm_read() - read one NVM word through EERD
 * @pf: the PF
 * @word: the word's index
 * @data: where the word goes
 *
 * Return: 0, or -ETIMEDOUT when the read does not complete.
 */
int iovnet_pf_nvm_read(struct iovnet_pf *pf, u16 word, u16 *data)
{
	u32 eerd;
	int err;

	pf_wr32(pf, IOVNET_EERD, FIELD_PREP(IOVNET_EERD_ADDR, word) |
		IOVNET_EERD_START);
	err = readl_poll_timeout(pf->hw + IOVNET_EERD, eerd,
				 eerd & IOVNET_EERD_DONE, 5, 10000);
	if (err)
		return err;
	*data = FIELD_GET(IOVNET_EERD_DATA, eerd);
	return 0;
}

/**
 * iovnet_pf_hw_read_mac() - read the permanent MAC address
 * @pf: the PF, just reset
 *
 * After reset the device has loaded RAR0 from its NVM; the NVM itself is
 * the fallback. Leaves @pf->perm_addr zero when neither is valid.
 */
void iovnet_pf_hw_read_mac(struct iovnet_pf *pf)
{
	u32 ral = pf_rd32(pf, IOVNET_RAL(0)), rah = pf_rd32(pf, IOVNET_RAH(0));
	u8 addr[ETH_ALEN];
	unsigned int i;
	u16 word;

	addr[0] = ral;
	addr[1] = ral >> 8;
	addr[2] = ral >> 16;
	addr[3] = ral >> 24;
	addr[4] = rah;
	addr[5] = rah >> 8;
	if (is_valid_ether_addr(addr)) {
		ether_addr_copy(pf->perm_addr, addr);
		return;
	}

	for (i = 0; i < ETH_ALEN / 2; i++) {
		if (iovnet_pf_nvm_read(pf, i, &word))
			return;
		addr[2 * i] = word;
		addr[2 * i + 1] = word >> 8;
	}
	if (is_valid_ether_addr(addr))
		ether_addr_copy(pf->perm_addr, addr);
}

/**
 * iovnet_pf_set_rar() - program a receive address register
 * @pf: the PF
 * @idx: RAR entry
 * @addr: the address
 * @valid: whether the entry matches at all
 */
void iovnet_pf_set_rar(struct iovnet_pf *pf, unsigned int idx, const u8 *addr,
		       bool valid)
{
	u32 ral = addr[0] | addr[1] << 8 | addr[2] << 16 | addr[3] << 24;
	u32 rah = addr[4] | addr[5] << 8;

	/* Clear AV first so the entry never matches half written */
	pf_wr32(pf, IOVNET_RAH(idx), 0);
	pf_wr32(pf, IOVNET_RAL(idx), ral);
	if (valid)
		pf_wr32(pf, IOVNET_RAH(idx), rah | IOVNET_RAH_AV);
}

/**
 * iovnet_pf_set_rar_pool() - program a valid RAR entry steering to a pool
 * @pf: the PF
 * @idx: RAR entry
 * @addr: the address
 * @pool: the pool (VMDq mode) that receives frames for @addr
 */
void iovnet_pf_set_rar_pool(struct iovnet_pf *pf, unsigned int idx,
			    const u8 *addr, unsigned int pool)
{
	u32 ral = addr[0] | addr[1] << 8 | addr[2] << 16 | addr[3] << 24;
	u32 rah = addr[4] | addr[5] << 8;

	pf_wr32(pf, IOVNET_RAH(idx), 0);
	pf_wr32(pf, IOVNET_RAL(idx), ral);
	pf_wr32(pf, IOVNET_RAH(idx), rah | IOVNET_RAH_AV |
		FIELD_PREP(IOVNET_RAH_POOLSEL, BIT(pool)));
}

/**
 * iovnet_pf_hw_init() - bring a freshly reset device to a known state
 * @pf: the PF
 *
 * Clears every filter, tells firmware a driver owns the device and starts
 * link autonegotiation. Does not enable RX or TX.
 *
 * Return: 0 or a negative errno.
 */
int iovnet_pf_hw_init(struct iovnet_pf *pf)
{
	static const u8 zero[ETH_ALEN];
	unsigned int i;
	u32 ctrl;

	for (i = 1; i < IOVNET_RAR_ENTRIES; i++)
		iovnet_pf_set_rar(pf, i, zero, false);
	for (i = 0; i < IOVNET_MTA_REGS; i++)
		pf_wr32(pf, IOVNET_MTA(i), 0);
	for (i = 0; i < IOVNET_VFTA_REGS; i++)
		pf_wr32(pf, IOVNET_VFTA(i), 0);

	pf_wr32(pf, IOVNET_CTRL_EXT,
		pf_rd32(pf, IOVNET_CTRL_EXT) | IOVNET_CTRL_EXT_DRV_LOAD);

	/* Autonegotiated speed and duplex, link forced up at the MAC */
	ctrl = pf_rd32(pf, IOVNET_CTRL);
	ctrl &= ~(IOVNET_CTRL_FRCSPD | IOVNET_CTRL_FRCDPX |
		  IOVNET_CTRL_GIO_MASTER_DIS);
	ctrl |= IOVNET_CTRL_SLU;
	pf_wr32(pf, IOVNET_CTRL, ctrl);

	/* The pause frame's address and type, and the time an XOFF asks for */
	pf_wr32(pf, IOVNET_FCAL, IOVNET_FC_ADDR_LOW);
	pf_wr32(pf, IOVNET_FCAH, IOVNET_FC_ADDR_HIGH);
	pf_wr32(pf, IOVNET_FCT, IOVNET_FC_TYPE);
	pf_wr32(pf, IOVNET_FCTTV, IOVNET_FC_PAUSE_TIME);

	return iovnet_pf_phy_start(pf);
}

/**
 * iovnet_pf_configure_tx() - global transmit setup
 * @pf: the PF
 */
void iovnet_pf_configure_tx(struct iovnet_pf *pf)
{
	iovnet_pf_rmw(pf, IOVNET_TCTL, ~0U, IOVNET_TCTL_EN | IOVNET_TCTL_PSP |
		      IOVNET_TCTL_RTLC | FIELD_PREP(IOVNET_TCTL_CT, 0xf) |
		      FIELD_PREP(IOVNET_TCTL_COLD, 0x3f));
}

/**
 * iovnet_pf_rmw() - change some bits of RCTL or TCTL
 * @pf: the PF
 * @reg: IOVNET_RCTL or IOVNET_TCTL
 * @clear: bits to clear
 * @set: bits to set after that
 *
 * The netdev paths (RTNL), ndo_set_rx_mode (address lock only) and the VMDq
 * setup (vf_lock) all change these registers: under @pf->reg_lock no one
 * writes back a value another changed in between.
 */
void iovnet_pf_rmw(struct iovnet_pf *pf, u32 reg, u32 clear, u32 set)
{
	spin_lock_bh(&pf->reg_lock);
	pf_wr32(pf, reg, (pf_rd32(pf, reg) & ~clear) | set);
	spin_unlock_bh(&pf->reg_lock);
}

/**
 * iovnet_pf_configure_rss() - program RSS key, redirection table and hashes
 * @pf: the PF
 *
 * The one writer of RSSRK, RETA and MRQC, in both modes: RSS over the PF's
 * queues without VFs, VMDq with RSS (two queues per pool) with them.
 */
void iovnet_pf_configure_rss(struct iovnet_pf *pf)
{
	u32 mrqe = 0, mrqc = 0;
	unsigned int i;

	for (i = 0; i < IOVNET_RSS_KEY_SIZE / 4; i++)
		pf_wr32(pf, IOVNET_RSSRK(i),
			iovnet_calc_reg_word(pf->rss_key, i));
	if (pf->num_vfs) {
		/*
		 * Bit 3 of an entry picks a pool's second queue, for the PF's
		 * pool and the VFs' alike (one table); the PF's table holds 0
		 * or 1 then. A PF on one queue (its pool without RSSE) leaves
		 * the VFs an even spread.
		 */
		for (i = 0; i < IOVNET_RETA_REGS; i++)
			pf_wr32(pf, IOVNET_RETA(i), pf->port.num_queues > 1 ?
				(iovnet_calc_reg_word(pf->reta, i) &
				 IOVNET_RETA_QUEUE1_BYTES) *
				IOVNET_RETA_VMDQ_QUEUE1 :
				IOVNET_RETA_VMDQ_SPREAD);
		mrqe = IOVNET_MRQC_MRQE_VMDQ_RSS;
	} else {
		for (i = 0; i < IOVNET_RETA_REGS; i++)
			pf_wr32(pf, IOVNET_RETA(i),
				iovnet_calc_reg_word(pf->reta, i));
		if (pf->port.num_queues > 1)
			mrqe = IOVNET_MRQC_MRQE_RSS;
	}

	if (mrqe) {
		mrqc = FIELD_PREP(IOVNET_MRQC_MRQE, mrqe) |
		       IOVNET_MRQC_RSS_IPV4 | IOVNET_MRQC_RSS_IPV4_TCP |
		       IOVNET_MRQC_RSS_IPV6 | IOVNET_MRQC_RSS_IPV6_TCP;
		if (pf->rss_flags & IOVNET_PF_RSS_UDP4)
			mrqc |= IOVNET_MRQC_RSS_IPV4_UDP;
		if (pf->rss_flags & IOVNET_PF_RSS_UDP6)
			mrqc |= IOVNET_MRQC_RSS_IPV6_UDP;
	}
	pf_wr32(pf, IOVNET_MRQC, mrqc);
}

/**
 * iovnet_pf_configure_rx() - global receive setup from the netdev state
 * @pf: the PF
 *
 * Enables the receiver; the rings must already be programmed.
 */
void iovnet_pf_configure_rx(struct iovnet_pf *pf)
{
	struct net_device *netdev = pf->netdev;
	u32 rctl, rxcsum, ctrl;

	/* PCSD puts the RSS hash where the packet checksum would be */
	rxcsum = IOVNET_RXCSUM_PCSD | IOVNET_RXCSUM_CRCOFL;
	if (netdev->features & NETIF_F_RXCSUM)
		rxcsum |= IOVNET_RXCSUM_IPOFL | IOVNET_RXCSUM_TUOFL;
	pf_wr32(pf, IOVNET_RXCSUM, rxcsum);

	ctrl = pf_rd32(pf, IOVNET_CTRL);
	if (netdev->features & NETIF_F_HW_VLAN_CTAG_RX)
		ctrl |= IOVNET_CTRL_VME;
	else
		ctrl &= ~IOVNET_CTRL_VME;
	pf_wr32(pf, IOVNET_CTRL, ctrl);

	if (pf->num_vfs) {
		mutex_lock(&pf->vf_lock);
		iovnet_pf_vmdq_configure(pf);
		mutex_unlock(&pf->vf_lock);
		netif_addr_lock_bh(netdev);
		iovnet_pf_set_rx_mode(netdev);
		netif_addr_unlock_bh(netdev);
		return;
	}
	iovnet_pf_configure_rss(pf);

	pf_wr32(pf, IOVNET_RLPML, netdev->mtu + ETH_HLEN + ETH_FCS_LEN +
		VLAN_HLEN);
	rctl = IOVNET_RCTL_BAM | IOVNET_RCTL_SECRC;
	if (netdev->mtu > ETH_DATA_LEN)
		rctl |= IOVNET_RCTL_LPE;
	iovnet_pf_rmw(pf, IOVNET_RCTL, IOVNET_RCTL_MO | IOVNET_RCTL_SBP |
		      IOVNET_RCTL_LPE, rctl);

	/* ndo_set_rx_mode runs under the address lock; so must this call */
	netif_addr_lock_bh(netdev);
	iovnet_pf_set_rx_mode(netdev);
	netif_addr_unlock_bh(netdev);
	iovnet_pf_rmw(pf, IOVNET_RCTL, 0, IOVNET_RCTL_EN);
}

/**
 * iovnet_pf_set_rx_mode() - sync unicast, multicast and promiscuous state
 * @netdev: the PF netdev
 */
void iovnet_pf_set_rx_mode(struct net_device *netdev)
{
	struct iovnet_pf *pf = netdev_priv(netdev);
	unsigned int num_vfs = READ_ONCE(pf->num_vfs);
	unsigned int i, rar, rar_end, pool = num_vfs;
	u32 mta[IOVNET_MTA_REGS] = {};
	struct netdev_hw_addr *ha;
	bool uc_promisc = false;
	u32 rctl = 0;

	/* With VFs, the PF keeps to its own range of RAR entries */
	rar = num_vfs ? IOVNET_PF_RAR_PF_UC_FIRST : 1;
	rar_end = num_vfs ? IOVNET_PF_RAR_VF_UC_FIRST : IOVNET_RAR_ENTRIES;
	iovnet_pf_set_rar_pool(pf, 0, netdev->dev_addr, pool);
	if (netdev_uc_count(netdev) <= rar_end - rar) {
		netdev_for_each_uc_addr(ha, netdev) {
			/* An address is received by one function only */
			if (num_vfs && iovnet_pf_vf_owns_mac(pf, ha->addr)) {
				netdev_warn_once(netdev, "%pM is a VF's address: not received by the PF\n",
						 ha->addr);
				continue;
			}
			iovnet_pf_set_rar_pool(pf, rar++, ha->addr, pool);
		}
	} else {
		uc_promisc = true;
	}
	for (; rar < rar_end; rar++)
		iovnet_pf_set_rar(pf, rar, netdev->dev_addr, false);

	if (uc_promisc || (netdev->flags & IFF_PROMISC))
		rctl |= IOVNET_RCTL_UPE;
	if (netdev->flags & (IFF_PROMISC | IFF_ALLMULTI))
		rctl |= IOVNET_RCTL_MPE;
	/*
	 * A promiscuous port sees every VLAN too; in VMDq mode the filter
	 * stays on, as it is what steers tagged frames to their pools.
	 */
	if (num_vfs ||
	    ((netdev->features & NETIF_F_HW_VLAN_CTAG_FILTER) &&
	     !(netdev->flags & IFF_PROMISC)))
		rctl |= IOVNET_RCTL_VFE;

	if (num_vfs) {
		u32 vmolr = pf_rd32(pf, IOVNET_PF_VMOLR(pool));

		vmolr &= ~(IOVNET_VMOLR_ROPE | IOVNET_VMOLR_MPME);
		if (rctl & IOVNET_RCTL_UPE)
			vmolr |= IOVNET_VMOLR_ROPE;
		if (rctl & IOVNET_RCTL_MPE)
			vmolr |= IOVNET_VMOLR_MPME;
		pf_wr32(pf, IOVNET_PF_VMOLR(pool), vmolr);
	}

	netdev_for_each_mc_addr(ha, netdev) {
		u32 hash = iovnet_mbx_mc_hash(ha->addr);

		mta[hash >> 5] |= BIT(hash & 31);
	}
	iovnet_pf_vf_mta(pf, mta);
	for (i = 0; i < IOVNET_MTA_REGS; i++)
		pf_wr32(pf, IOVNET_MTA(i), mta[i]);

	iovnet_pf_rmw(pf, IOVNET_RCTL, IOVNET_RCTL_UPE | IOVNET_RCTL_MPE |
		      IOVNET_RCTL_VFE, rctl);
}

/**
 * iovnet_pf_set_vfta() - add or remove a VLAN ID in the VLAN filter table
 * @pf: the PF
 * @vid: VLAN ID
 * @on: whether frames tagged @vid pass
 */
void iovnet_pf_set_vfta(struct iovnet_pf *pf, u16 vid, bool on)
{
	u32 reg = IOVNET_VFTA(vid / 32), vfta = pf_rd32(pf, reg);

	if (on)
		vfta |= BIT(vid % 32);
	else
		vfta &= ~BIT(vid % 32);
	pf_wr32(pf, reg, vfta);
}

/**
 * iovnet_pf_limiter_speed() - the link speed the VF rate limiters use
 * @pf: the PF
 *
 * Read from the device: pf->link_speed belongs to the service task, which
 * updates it only after it has applied a link change to the VFs.
 *
 * Return: the link's speed, SPEED_1000 while the link is down.
 */
u32 iovnet_pf_limiter_speed(struct iovnet_pf *pf)
{
	u32 status = pf_rd32(pf, IOVNET_STATUS);

	return status & IOVNET_STATUS_LU ? iovnet_status_speed(status) :
					   SPEED_1000;
}

/**
 * iovnet_pf_link_check() - read link state into @pf
 * @pf: the PF
 *
 * Return: true when the link is up.
 */
bool iovnet_pf_link_check(struct iovnet_pf *pf)
{
	u32 status = pf_rd32(pf, IOVNET_STATUS);

	if (!(status & IOVNET_STATUS_LU))
		return false;

	pf->link_speed = iovnet_status_speed(status);
	pf->link_duplex = status & IOVNET_STATUS_FD ? DUPLEX_FULL : DUPLEX_HALF;
	return true;
}

static u64 iovnet_pf_rd64(struct iovnet_pf *pf, u32 lo, u32 hi)
{
	u64 val = pf_rd32(pf, lo);

	/* Reading the high half clears the pair */
	return val | (u64)pf_rd32(pf, hi) << 32;
}

/**
 * iovnet_pf_offline() - whether register reads would be all ones
 * @pf: the PF
 *
 * Between a PCI error and its recovery the device answers every read with
 * all ones; the AER core calls us only some time after the error, so the
 * flag alone leaves a window: STATUS, never all ones on a live 82576,
 * closes it. Counters folded from such reads would gain up to 4G a read.
 *
 * Return: true if the device cannot be read now.
 */
bool iovnet_pf_offline(struct iovnet_pf *pf)
{
	return test_bit(IOVNET_PF_IO_ERROR, pf->state) ||
	       pci_channel_offline(pf->pdev) ||
	       pf_rd32(pf, IOVNET_STATUS) == U32_MAX;
}

/**
 * iovnet_pf_update_hw_stats() - fold the clear-on-read MAC counters in
 * @pf: the PF
 */
void iovnet_pf_update_hw_stats(struct iovnet_pf *pf)
{
	struct iovnet_pf_hw_stats *s = &pf->hw_stats;

	if (iovnet_pf_offline(pf))
		return;
	iovnet_port_read_hw_drops(&pf->port);
	spin_lock_bh(&pf->stats_lock);
	s->crcerrs += pf_rd32(pf, IOVNET_CRCERRS);
	s->algnerrc += pf_rd32(pf, IOVNET_ALGNERRC);
	s->rxerrc += pf_rd32(pf, IOVNET_RXERRC);
	s->mpc += pf_rd32(pf, IOVNET_MPC);
	s->scc += pf_rd32(pf, IOVNET_SCC);
	s->ecol += pf_rd32(pf, IOVNET_ECOL);
	s->mcc += pf_rd32(pf, IOVNET_MCC);
	s->latecol += pf_rd32(pf, IOVNET_LATECOL);
	s->colc += pf_rd32(pf, IOVNET_COLC);
	s->dc += pf_rd32(pf, IOVNET_DC);
	s->rlec += pf_rd32(pf, IOVNET_RLEC);
	s->xonrxc += pf_rd32(pf, IOVNET_XONRXC);
	s->xontxc += pf_rd32(pf, IOVNET_XONTXC);
	s->xoffrxc += pf_rd32(pf, IOVNET_XOFFRXC);
	s->xofftxc += pf_rd32(pf, IOVNET_XOFFTXC);
	s->prc64 += pf_rd32(pf, IOVNET_PRC64);
	s->prc127 += pf_rd32(pf, IOVNET_PRC127);
	s->prc255 += pf_rd32(pf, IOVNET_PRC255);
	s->prc511 += pf_rd32(pf, IOVNET_PRC511);
	s->prc1023 += pf_rd32(pf, IOVNET_PRC1023);
	s->prc1522 += pf_rd32(pf, IOVNET_PRC1522);
	s->gprc += pf_rd32(pf, IOVNET_GPRC);
	s->bprc += pf_rd32(pf, IOVNET_BPRC);
	s->mprc += pf_rd32(pf, IOVNET_MPRC);
	s->gptc += pf_rd32(pf, IOVNET_GPTC);
	s->gorc += iovnet_pf_rd64(pf, IOVNET_GORCL, IOVNET_GORCH);
	s->gotc += iovnet_pf_rd64(pf, IOVNET_GOTCL, IOVNET_GOTCH);
	s->rnbc += pf_rd32(pf, IOVNET_RNBC);
	s->ruc += pf_rd32(pf, IOVNET_RUC);
	s->rfc += pf_rd32(pf, IOVNET_RFC);
	s->roc += pf_rd32(pf, IOVNET_ROC);
	s->rjc += pf_rd32(pf, IOVNET_RJC);
	s->tor += iovnet_pf_rd64(pf, IOVNET_TORL, IOVNET_TORH);
	s->tot += iovnet_pf_rd64(pf, IOVNET_TOTL, IOVNET_TOTH);
	s->tpr += pf_rd32(pf, IOVNET_TPR);
	s->tpt += pf_rd32(pf, IOVNET_TPT);
	s->ptc64 += pf_rd32(pf, IOVNET_PTC64);
	s->ptc127 += pf_rd32(pf, IOVNET_PTC127);
	s->ptc255 += pf_rd32(pf, IOVNET_PTC255);
	s->ptc511 += pf_rd32(pf, IOVNET_PTC511);
	s->ptc1023 += pf_rd32(pf, IOVNET_PTC1023);
	s->ptc1522 += pf_rd32(pf, IOVNET_PTC1522);
	s->mptc += pf_rd32(pf, IOVNET_MPTC);
	s->bptc += pf_rd32(pf, IOVNET_BPTC);
	s->tsctc += pf_rd32(pf, IOVNET_TSCTC);
	s->tsctfc += pf_rd32(pf, IOVNET_TSCTFC);
	spin_unlock_bh(&pf->stats_lock);
}
