/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (c) 2026 The iovnet authors */

/*
 * Intel 82576 register and descriptor definitions used by both the PF and
 * the VF driver. Offsets and bit positions are from the 82576 datasheet.
 * Registers that only one function has are prefixed IOVNET_PF_ or IOVNET_VF_
 * where the name alone would be ambiguous.
 */

#ifndef _IOVNET_REGS_H_
#define _IOVNET_REGS_H_

#include <linux/bitfield.h>
#include <linux/bits.h>
#include <linux/types.h>

/* General control and status (PF; the VF has the same offsets) */
#define IOVNET_CTRL			0x00000
#define  IOVNET_CTRL_FD			BIT(0)
#define  IOVNET_CTRL_GIO_MASTER_DIS	BIT(2)
#define  IOVNET_CTRL_SLU		BIT(6)
#define  IOVNET_CTRL_FRCSPD		BIT(11)
#define  IOVNET_CTRL_FRCDPX		BIT(12)
#define  IOVNET_CTRL_RST		BIT(26)
#define  IOVNET_CTRL_RFCE		BIT(27)
#define  IOVNET_CTRL_TFCE		BIT(28)
#define  IOVNET_CTRL_VME		BIT(30)
#define  IOVNET_CTRL_PHY_RST		BIT(31)

#define IOVNET_STATUS			0x00008
#define  IOVNET_STATUS_FD		BIT(0)
#define  IOVNET_STATUS_LU		BIT(1)
#define  IOVNET_STATUS_TXOFF		BIT(4)	/* paused by an XOFF */
#define  IOVNET_STATUS_SPEED		GENMASK(7, 6)
#define   IOVNET_STATUS_SPEED_10	0
#define   IOVNET_STATUS_SPEED_100	1
#define  IOVNET_STATUS_GIO_MASTER_EN	BIT(19)

#define IOVNET_EECD			0x00010
#define  IOVNET_EECD_AUTO_RD		BIT(9)
/*
 * The NVM holds 2^(EE_SIZE + 6) 16-bit words; EERD's 14-bit address
 * reaches the first 2^14 of them
 */
#define  IOVNET_EECD_SIZE_EX		GENMASK(14, 11)
#define  IOVNET_NVM_WORDS_SHIFT_BASE	6
#define  IOVNET_NVM_WORDS_SHIFT_MAX	14
#define IOVNET_EERD			0x00014
#define  IOVNET_EERD_START		BIT(0)
#define  IOVNET_EERD_DONE		BIT(1)
#define  IOVNET_EERD_ADDR		GENMASK(15, 2)
#define  IOVNET_EERD_DATA		GENMASK(31, 16)

#define IOVNET_CTRL_EXT			0x00018
#define  IOVNET_CTRL_EXT_PFRSTD		BIT(14)
#define  IOVNET_CTRL_EXT_DRV_LOAD	BIT(28)

#define IOVNET_MDIC			0x00020

/* Flow control: the pause frame's address and type, timer and thresholds */
#define IOVNET_FCAL			0x00028
#define IOVNET_FCAH			0x0002c
#define IOVNET_FCT			0x00030
#define  IOVNET_FC_ADDR_LOW		0x00c28001	/* 01:80:c2:00:00:01 */
#define  IOVNET_FC_ADDR_HIGH		0x0100
#define  IOVNET_FC_TYPE			0x8808
#define IOVNET_FCTTV			0x00170
#define  IOVNET_FC_PAUSE_TIME		0xffff	/* slot times an XOFF asks */
#define IOVNET_FCRTL			0x02160
#define  IOVNET_FCRTL_XONE		BIT(31)
#define IOVNET_FCRTH			0x02168
#define  IOVNET_FCRT_MASK		GENMASK(15, 4)	/* bytes, 16-byte units */
#define IOVNET_RXPBS			0x02404
#define  IOVNET_RXPBS_SIZE		GENMASK(6, 0)	/* KB */

/* LED0 (link/activity) mode: forced on or off for "ethtool -p" */
#define IOVNET_LEDCTL			0x00e00
#define  IOVNET_LEDCTL_LED0_MODE	GENMASK(3, 0)
#define  IOVNET_LEDCTL_LED0_BLINK	BIT(7)
#define  IOVNET_LEDCTL_MODE_ON		0xe
#define  IOVNET_LEDCTL_MODE_OFF		0xf
#define IOVNET_VET			0x00038

/*
 * Interrupt causes and masks, at the offsets the 82576 shares with earlier
 * parts (QEMU's model decodes them only here, e1000x_regs.h:134-138).
 */
#define IOVNET_ICR			0x000c0
#define IOVNET_ICS			0x000c8
#define IOVNET_IMS			0x000d0
#define IOVNET_IMC			0x000d8
#define IOVNET_IAM			0x000e0
#define  IOVNET_ICR_LSC			BIT(2)
#define  IOVNET_ICR_RXSEQ		BIT(3)
#define  IOVNET_ICR_VMMB		BIT(8)
#define  IOVNET_ICR_DOUTSYNC		BIT(28)
#define  IOVNET_ICR_DRSTA		BIT(30)
#define IOVNET_GPIE			0x01514
#define  IOVNET_GPIE_NSICR		BIT(0)
#define  IOVNET_GPIE_MSIX_MODE		BIT(4)
#define  IOVNET_GPIE_EIAME		BIT(30)
#define  IOVNET_GPIE_PBA		BIT(31)

/* Extended (per MSI-X vector) interrupt registers: same offsets on the VF */
#define IOVNET_EICS			0x01520
#define IOVNET_EIMS			0x01524
#define IOVNET_EIMC			0x01528
#define IOVNET_EIAC			0x0152c
#define IOVNET_EIAM			0x01530
#define IOVNET_EICR			0x01580
#define IOVNET_EITR(v)			(0x01680 + 4 * (v))
#define  IOVNET_EITR_INTERVAL		GENMASK(14, 2)	/* in 1 us units */
#define  IOVNET_EITR_CNT_IGNR		BIT(31)

/*
 * IVAR: the PF maps queue q through IVAR(q % 8); RX of queues 0-7 in byte 0,
 * TX in byte 1, RX of queues 8-15 in byte 2 and TX in byte 3. The VF has a
 * single IVAR at the same offset covering its two queue pairs.
 */
#define IOVNET_IVAR(n)			(0x01700 + 4 * (n))
#define IOVNET_IVAR_MISC		0x01740
#define  IOVNET_IVAR_VALID		BIT(7)
#define  IOVNET_IVAR_MISC_OTHER		GENMASK(15, 8)

/* Receive control */
#define IOVNET_RCTL			0x00100
#define  IOVNET_RCTL_EN			BIT(1)
#define  IOVNET_RCTL_SBP		BIT(2)
#define  IOVNET_RCTL_UPE		BIT(3)
#define  IOVNET_RCTL_MPE		BIT(4)
#define  IOVNET_RCTL_LPE		BIT(5)
#define  IOVNET_RCTL_MO			GENMASK(13, 12)
#define  IOVNET_RCTL_BAM		BIT(15)
#define  IOVNET_RCTL_VFE		BIT(18)
#define  IOVNET_RCTL_CFIEN		BIT(19)
#define  IOVNET_RCTL_DPF		BIT(22)
#define  IOVNET_RCTL_PMCF		BIT(23)
#define  IOVNET_RCTL_SECRC		BIT(26)

#define IOVNET_RXCSUM			0x05000
#define  IOVNET_RXCSUM_IPOFL		BIT(8)
#define  IOVNET_RXCSUM_TUOFL		BIT(9)
#define  IOVNET_RXCSUM_CRCOFL		BIT(11)
#define  IOVNET_RXCSUM_PCSD		BIT(13)
#define IOVNET_RLPML			0x05004
#define IOVNET_MTA(n)			(0x05200 + 4 * (n))
#define  IOVNET_MTA_REGS		128
/* RAR entries 0-15 and 16-23 sit in two separate blocks */
#define IOVNET_RAL_LO(n)		(0x05400 + 8 * (n))
#define IOVNET_RAL_HI(n)		(0x054e0 + 8 * ((n) - 16))
#define IOVNET_RAH_LO(n)		(IOVNET_RAL_LO(n) + 4)

static inline u32 IOVNET_RAL(unsigned int n)
{
	return n < 16 ? IOVNET_RAL_LO(n) : IOVNET_RAL_HI(n);
}

static inline u32 IOVNET_RAH(unsigned int n)
{
	return IOVNET_RAL(n) + 4;
}

#define  IOVNET_RAH_POOLSEL		GENMASK(25, 18)
#define  IOVNET_RAH_AV			BIT(31)
#define  IOVNET_RAR_ENTRIES		24
#define IOVNET_VFTA(n)			(0x05600 + 4 * (n))
#define  IOVNET_VFTA_REGS		128

/* Multiple receive queues: RSS and VMDq */
#define IOVNET_MRQC			0x05818
#define  IOVNET_MRQC_MRQE		GENMASK(2, 0)
#define   IOVNET_MRQC_MRQE_RSS		2
#define   IOVNET_MRQC_MRQE_VMDQ		3
#define   IOVNET_MRQC_MRQE_VMDQ_RSS	5
#define  IOVNET_MRQC_RSS_IPV4_TCP	BIT(16)
#define  IOVNET_MRQC_RSS_IPV4		BIT(17)
#define  IOVNET_MRQC_RSS_IPV6_TCP_EX	BIT(18)
#define  IOVNET_MRQC_RSS_IPV6_EX	BIT(19)
#define  IOVNET_MRQC_RSS_IPV6		BIT(20)
#define  IOVNET_MRQC_RSS_IPV6_TCP	BIT(21)
#define  IOVNET_MRQC_RSS_IPV4_UDP	BIT(22)
#define  IOVNET_MRQC_RSS_IPV6_UDP	BIT(23)
#define IOVNET_RETA(n)			(0x05c00 + 4 * (n))
#define  IOVNET_RETA_REGS		32
#define  IOVNET_RETA_SIZE		128
/* VMDq with RSS (MRQC 0x5): an entry's bit 3 selects the pool's 2nd queue */
#define  IOVNET_RETA_VMDQ_QUEUE1	BIT(3)
#define  IOVNET_RETA_QUEUE1_BYTES	0x01010101	/* bit 0 of 4 entries */
#define  IOVNET_RETA_VMDQ_SPREAD	0x08000800	/* entries 0, 1, 0, 1 */
#define IOVNET_RSSRK(n)			(0x05c80 + 4 * (n))
#define  IOVNET_RSS_KEY_SIZE		40

/* Transmit control */
#define IOVNET_TCTL			0x00400
#define  IOVNET_TCTL_EN			BIT(1)
#define  IOVNET_TCTL_PSP		BIT(3)
#define  IOVNET_TCTL_CT			GENMASK(11, 4)
#define  IOVNET_TCTL_COLD		GENMASK(21, 12)
#define  IOVNET_TCTL_RTLC		BIT(24)

/*
 * Queue registers. The PF's queue n lives at a 0x40 stride; the VF sees its
 * own two queues at a 0x100 stride. The layout inside a queue's block is the
 * same, so the datapath programs a ring through its block base only.
 */
#define IOVNET_PF_RXQ_BASE(n)		(0x0c000 + 0x40 * (n))
#define IOVNET_PF_TXQ_BASE(n)		(0x0e000 + 0x40 * (n))
#define IOVNET_VF_RXQ_BASE(n)		(0x02800 + 0x100 * (n))
#define IOVNET_VF_TXQ_BASE(n)		(0x03800 + 0x100 * (n))

#define IOVNET_Q_BAL			0x00
#define IOVNET_Q_BAH			0x04
#define IOVNET_Q_LEN			0x08
#define IOVNET_RXQ_SRRCTL		0x0c
#define  IOVNET_SRRCTL_BSIZEPKT		GENMASK(6, 0)	/* 1 KiB units */
#define  IOVNET_SRRCTL_BSIZEHDR		GENMASK(11, 8)	/* 64 B units */
#define  IOVNET_SRRCTL_DESCTYPE		GENMASK(27, 25)
#define   IOVNET_SRRCTL_DESCTYPE_ADV_ONEBUF 1
#define  IOVNET_SRRCTL_DROP_EN		BIT(31)
#define IOVNET_Q_HEAD			0x10
#define IOVNET_Q_TAIL			0x18
#define IOVNET_Q_DCTL			0x28
#define  IOVNET_DCTL_PTHRESH		GENMASK(4, 0)
#define  IOVNET_DCTL_HTHRESH		GENMASK(12, 8)
#define  IOVNET_DCTL_WTHRESH		GENMASK(20, 16)
#define  IOVNET_DCTL_ENABLE		BIT(25)
#define  IOVNET_DCTL_SWFLSH		BIT(26)
#define IOVNET_RXQ_DROPS		0x30	/* RQDPC, clears on read */

/* Virtualisation (PF only) */
#define IOVNET_PF_VT_CTL		0x0581c
#define  IOVNET_VT_CTL_DEF_PL		GENMASK(9, 7)
#define  IOVNET_VT_CTL_DIS_DEF_PL	BIT(29)
#define  IOVNET_VT_CTL_VM_REPL_EN	BIT(30)
#define IOVNET_PF_VMOLR(n)		(0x05ad0 + 4 * (n))
#define  IOVNET_VMOLR_RLPML		GENMASK(13, 0)
#define  IOVNET_VMOLR_LPE		BIT(16)
#define  IOVNET_VMOLR_RSSE		BIT(17)
#define  IOVNET_VMOLR_AUPE		BIT(24)
#define  IOVNET_VMOLR_ROMPE		BIT(25)
#define  IOVNET_VMOLR_ROPE		BIT(26)
#define  IOVNET_VMOLR_BAM		BIT(27)
#define  IOVNET_VMOLR_MPME		BIT(28)
#define  IOVNET_VMOLR_STRVLAN		BIT(30)
#define IOVNET_PF_VLVF(n)		(0x05d00 + 4 * (n))
#define  IOVNET_VLVF_VLANID		GENMASK(11, 0)
#define  IOVNET_VLVF_POOLSEL		GENMASK(19, 12)
#define  IOVNET_VLVF_VIEN		BIT(31)
#define  IOVNET_VLVF_ENTRIES		32
#define IOVNET_PF_VMVIR(n)		(0x03700 + 4 * (n))
#define  IOVNET_VMVIR_VID		GENMASK(15, 0)
#define  IOVNET_VMVIR_VLANA		GENMASK(31, 30)
#define   IOVNET_VMVIR_VLANA_DEFAULT	1
#define IOVNET_PF_DTXSWC		0x03500
#define  IOVNET_DTXSWC_MAC_SPOOF	GENMASK(7, 0)
#define  IOVNET_DTXSWC_VLAN_SPOOF	GENMASK(15, 8)
#define  IOVNET_DTXSWC_LOOPBACK_EN	BIT(31)
#define IOVNET_PF_VFRE			0x00c8c
#define IOVNET_PF_VFTE			0x00c90
#define IOVNET_PF_QDE			0x02408
#define IOVNET_PF_WVBR			0x03554	/* read to clear */
#define  IOVNET_WVBR_MAC_SPOOF(vf)	BIT(vf)
#define  IOVNET_WVBR_VLAN_SPOOF(vf)	BIT((vf) + 8)
#define IOVNET_PF_RPLOLR		0x05af0
#define IOVNET_PF_UTA(n)		(0x0a000 + 4 * (n))
#define IOVNET_PF_RTTDQSEL		0x03604
#define IOVNET_PF_RTTBCNRC		0x036b0
#define  IOVNET_RTTBCNRC_RF_DEC		GENMASK(13, 0)	/* 1/16384 units */
#define  IOVNET_RTTBCNRC_RF_INT		GENMASK(23, 14)
#define  IOVNET_RTTBCNRC_RS_ENA		BIT(31)
#define  IOVNET_RTTBCNRC_RF_SHIFT	14

/*
 * IEEE 1588 (PF only). SYSTIM advances by TIMINCA's INCVALUE every
 * INCPERIOD ticks of 16 ns; one PTP frame's time is latched in TXSTMP or
 * RXSTMP (with its source and sequence in RXSATR) until software reads the
 * high word.
 */
#define IOVNET_PF_SYSTIML		0x0b600	/* reading it latches SYSTIMH */
#define IOVNET_PF_SYSTIMH		0x0b604
#define IOVNET_PF_TIMINCA		0x0b608
#define  IOVNET_TIMINCA_INCVALUE	GENMASK(23, 0)
#define  IOVNET_TIMINCA_INCPERIOD	GENMASK(31, 24)
#define IOVNET_PF_TSYNCTXCTL		0x0b614
#define  IOVNET_TSYNCTXCTL_VALID	BIT(0)
#define  IOVNET_TSYNCTXCTL_EN		BIT(4)
#define IOVNET_PF_TXSTMPL		0x0b618
#define IOVNET_PF_TXSTMPH		0x0b61c	/* reading it frees TXSTMP */
#define IOVNET_PF_TSYNCRXCTL		0x0b620
#define  IOVNET_TSYNCRXCTL_VALID	BIT(0)
#define  IOVNET_TSYNCRXCTL_TYPE		GENMASK(3, 1)
#define   IOVNET_TSYNCRXCTL_TYPE_EVENT_V2 5	/* every PTPv2 event message */
#define  IOVNET_TSYNCRXCTL_EN		BIT(4)
#define IOVNET_PF_RXSTMPL		0x0b624
#define IOVNET_PF_RXSTMPH		0x0b628	/* reading it frees RXSTMP */
#define IOVNET_PF_RXSATRL		0x0b62c
#define IOVNET_PF_RXSATRH		0x0b630
#define IOVNET_PF_TSYNCRXCFG		0x05f50
/* EtherType filters: one marks PTP over Ethernet frames for timestamping */
#define IOVNET_PF_ETQF(n)		(0x05cb0 + 4 * (n))
#define  IOVNET_ETQF_ETYPE		GENMASK(15, 0)
#define  IOVNET_ETQF_FILTER_EN		BIT(26)
#define  IOVNET_ETQF_1588		BIT(30)
#define IOVNET_PF_ETQF_PTP		3	/* the filter the PF uses */

/* Mailbox, PF side: one 16-word buffer and one control register per VF */
#define IOVNET_PF_VMBMEM(vf)		(0x00800 + 0x40 * (vf))
#define IOVNET_PF_MBX(vf)		(0x00c00 + 4 * (vf))
#define  IOVNET_PF_MBX_STS		BIT(0)
#define  IOVNET_PF_MBX_ACK		BIT(1)
#define  IOVNET_PF_MBX_VFU		BIT(2)
#define  IOVNET_PF_MBX_PFU		BIT(3)
#define  IOVNET_PF_MBX_RVFU		BIT(4)
#define IOVNET_PF_MBVFICR		0x00c80
#define  IOVNET_MBVFICR_VFREQ		GENMASK(7, 0)
#define  IOVNET_MBVFICR_VFACK		GENMASK(23, 16)
#define IOVNET_PF_MBVFIMR		0x00c84
#define IOVNET_PF_VFLRE			0x00c88

/* Mailbox, VF side */
#define IOVNET_VF_VMBMEM		0x00800
#define IOVNET_VF_MBX			0x00c40
#define  IOVNET_VF_MBX_REQ		BIT(0)
#define  IOVNET_VF_MBX_ACK		BIT(1)
#define  IOVNET_VF_MBX_VFU		BIT(2)
#define  IOVNET_VF_MBX_PFU		BIT(3)
#define  IOVNET_VF_MBX_PFSTS		BIT(4)
#define  IOVNET_VF_MBX_PFACK		BIT(5)
#define  IOVNET_VF_MBX_RSTI		BIT(6)
#define  IOVNET_VF_MBX_RSTD		BIT(7)
#define IOVNET_MBX_WORDS		16

/*
 * Interrupt mapping, VF side: VTIVAR holds RX/TX of queue 0 in bytes 0/1
 * and of queue 1 in bytes 2/3; VTIVAR_MISC's byte 0 names the mailbox
 * vector. Entries are IOVNET_IVAR_VALID | vector.
 */
#define IOVNET_VF_IVAR			0x01700
#define IOVNET_VF_IVAR_MISC		0x01740

/* MAC statistics (PF; clear on read) */
#define IOVNET_CRCERRS			0x04000
#define IOVNET_ALGNERRC			0x04004
#define IOVNET_RXERRC			0x0400c
#define IOVNET_MPC			0x04010
#define IOVNET_SCC			0x04014
#define IOVNET_ECOL			0x04018
#define IOVNET_MCC			0x0401c
#define IOVNET_LATECOL			0x04020
#define IOVNET_COLC			0x04028
#define IOVNET_DC			0x04030
#define IOVNET_RLEC			0x04040
#define IOVNET_XONRXC			0x04048
#define IOVNET_XONTXC			0x0404c
#define IOVNET_XOFFRXC			0x04050
#define IOVNET_XOFFTXC			0x04054
#define IOVNET_PRC64			0x0405c
#define IOVNET_PRC127			0x04060
#define IOVNET_PRC255			0x04064
#define IOVNET_PRC511			0x04068
#define IOVNET_PRC1023			0x0406c
#define IOVNET_PRC1522			0x04070
#define IOVNET_GPRC			0x04074
#define IOVNET_BPRC			0x04078
#define IOVNET_MPRC			0x0407c
#define IOVNET_GPTC			0x04080
#define IOVNET_GORCL			0x04088
#define IOVNET_GORCH			0x0408c
#define IOVNET_GOTCL			0x04090
#define IOVNET_GOTCH			0x04094
#define IOVNET_RNBC			0x040a0
#define IOVNET_RUC			0x040a4
#define IOVNET_RFC			0x040a8
#define IOVNET_ROC			0x040ac
#define IOVNET_RJC			0x040b0
#define IOVNET_TORL			0x040c0
#define IOVNET_TORH			0x040c4
#define IOVNET_TOTL			0x040c8
#define IOVNET_TOTH			0x040cc
#define IOVNET_TPR			0x040d0
#define IOVNET_TPT			0x040d4
#define IOVNET_PTC64			0x040d8
#define IOVNET_PTC127			0x040dc
#define IOVNET_PTC255			0x040e0
#define IOVNET_PTC511			0x040e4
#define IOVNET_PTC1023			0x040e8
#define IOVNET_PTC1522			0x040ec
#define IOVNET_MPTC			0x040f0
#define IOVNET_BPTC			0x040f4
#define IOVNET_TSCTC			0x040f8
#define IOVNET_TSCTFC			0x040fc

/* Per-pool statistics seen by the PF (not cleared on read, wrap at 32 bits) */
#define IOVNET_PF_PVFGPRC(vf)		(0x10010 + 0x100 * (vf))
#define IOVNET_PF_PVFGPTC(vf)		(0x10014 + 0x100 * (vf))
#define IOVNET_PF_PVFGORC(vf)		(0x10018 + 0x100 * (vf))
#define IOVNET_PF_PVFGOTC(vf)		(0x10034 + 0x100 * (vf))
#define IOVNET_PF_PVFMPRC(vf)		(0x1003c + 0x100 * (vf))

/* The same counters as the VF sees them for its own pool */
#define IOVNET_VF_GPRC			0x00f10
#define IOVNET_VF_GPTC			0x00f14
#define IOVNET_VF_GORC			0x00f18
#define IOVNET_VF_GOTC			0x00f34
#define IOVNET_VF_MPRC			0x00f3c

/* Advanced receive descriptor, as written by software and by the device */
union iovnet_rx_desc {
	struct {
		__le64 pkt_addr;
		__le64 hdr_addr;
	} read;
	struct {
		__le32 info;		/* RSS type, packet type, header info */
		__le32 rss_hash;
		__le32 status_error;
		__le16 length;
		__le16 vlan;
	} wb;
};

#define IOVNET_RXD_INFO_RSSTYPE		GENMASK(3, 0)
#define IOVNET_RXD_INFO_PTYPE		GENMASK(16, 4)
#define  IOVNET_RXD_PTYPE_IPV4		BIT(0)
#define  IOVNET_RXD_PTYPE_IPV4_EX	BIT(1)
#define  IOVNET_RXD_PTYPE_IPV6		BIT(2)
#define  IOVNET_RXD_PTYPE_IPV6_EX	BIT(3)
#define  IOVNET_RXD_PTYPE_TCP		BIT(4)
#define  IOVNET_RXD_PTYPE_UDP		BIT(5)
#define  IOVNET_RXD_PTYPE_SCTP		BIT(6)

#define IOVNET_RXD_STAT_DD		BIT(0)
#define IOVNET_RXD_STAT_EOP		BIT(1)
#define IOVNET_RXD_STAT_VP		BIT(3)
#define IOVNET_RXD_STAT_UDPCS		BIT(4)
#define IOVNET_RXD_STAT_L4CS		BIT(5)
#define IOVNET_RXD_STAT_IPCS		BIT(6)
#define IOVNET_RXD_STAT_TS		BIT(16)	/* time in RXSTMP (PF) */
#define IOVNET_RXD_STAT_LB		BIT(18)
#define IOVNET_RXD_ERR_L4E		BIT(29)
#define IOVNET_RXD_ERR_IPE		BIT(30)
#define IOVNET_RXD_ERR_FRAME		(BIT(24) | BIT(25) | BIT(26) | \
					 BIT(28) | BIT(31))

/* Advanced transmit descriptors: data and context */
union iovnet_tx_desc {
	struct {
		__le64 addr;
		__le32 cmd_type_len;
		__le32 olinfo_status;
	} read;
	struct {
		__le64 rsvd;
		__le32 nxtseq_seed;
		__le32 status;
	} wb;
};

struct iovnet_tx_ctx_desc {
	__le32 vlan_macip_lens;
	__le32 seqnum_seed;
	__le32 type_tucmd_mlhl;
	__le32 mss_l4len_idx;
};

#define IOVNET_TXD_DTALEN		GENMASK(15, 0)
#define IOVNET_TXD_DTYP			GENMASK(23, 20)
#define  IOVNET_TXD_DTYP_CTXT		2
#define  IOVNET_TXD_DTYP_DATA		3
#define IOVNET_TXD_MAC_TSTAMP		BIT(19)	/* latch the time in TXSTMP */
#define IOVNET_TXD_CMD_EOP		BIT(24)
#define IOVNET_TXD_CMD_IFCS		BIT(25)
#define IOVNET_TXD_CMD_RS		BIT(27)
#define IOVNET_TXD_CMD_DEXT		BIT(29)
#define IOVNET_TXD_CMD_VLE		BIT(30)
#define IOVNET_TXD_CMD_TSE		BIT(31)

#define IOVNET_TXD_STAT_DD		BIT(0)
#define IOVNET_TXD_POPTS_IXSM		BIT(8)
#define IOVNET_TXD_POPTS_TXSM		BIT(9)
#define IOVNET_TXD_PAYLEN		GENMASK(31, 14)

#define IOVNET_TXCTX_IPLEN		GENMASK(8, 0)
#define IOVNET_TXCTX_MACLEN		GENMASK(15, 9)
#define IOVNET_TXCTX_VLAN		GENMASK(31, 16)
#define IOVNET_TXCTX_TUCMD_IPV4		BIT(10)
#define IOVNET_TXCTX_TUCMD_L4T		GENMASK(12, 11)
#define  IOVNET_TXCTX_L4T_UDP		0
#define  IOVNET_TXCTX_L4T_TCP		1
#define  IOVNET_TXCTX_L4T_SCTP		2
#define IOVNET_TXCTX_L4LEN		GENMASK(15, 8)
#define IOVNET_TXCTX_MSS		GENMASK(31, 16)

/* Device limits */
#define IOVNET_MAX_FRAME		9216
#define IOVNET_MIN_RING			64
#define IOVNET_MAX_RING			4096
#define IOVNET_RING_ALIGN		8	/* descriptors per 128 bytes */
#define IOVNET_DEFAULT_RING		256
#define IOVNET_PF_MAX_QUEUES		8
#define IOVNET_POOLS			8
#define IOVNET_MAX_VFS			7

#endif /* _IOVNET_REGS_H_ */
