// SPDX-License-Identifier: GPL-2.0
/* Copyright (c) 2026 The iovnet authors */

/*
 * KUnit tests of the logic both drivers take from common/: mailbox message
 * validation, message encoding, the multicast hash, RSS table packing, the
 * 32-bit counter folding, the TX rate factor and the RX per-buffer
 * decision. They include the very headers the drivers build from, so they
 * test the drivers' own code.
 *
 * Run: insmod iovnet_kunit.ko on a kernel with CONFIG_KUNIT (see
 * tools/debug/check); results in dmesg and /sys/kernel/debug/kunit/.
 */

#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/etherdevice.h>
#include <linux/module.h>
#include <linux/stddef.h>

#include "iovnet_calc.h"
#include "iovnet_mbx.h"
#include "iovnet_regs.h"

/* ---------------------------------------------------------------------- */
/* Mailbox validation: one table row per request                           */
/* ---------------------------------------------------------------------- */

/* Field a row sets after word 0 */
enum iovnet_kt_field {
	KT_NONE,
	KT_MAC,		/* @val32 picks one of kt_macs[] */
	KT_MC,		/* @val32 hashes: see kt_fill_mc() */
	KT_VLAN,
	KT_LPE,
	KT_RSS,
	KT_JUNK,	/* every word after word 0 set to @val32 */
};

struct iovnet_kt_mbx_case {
	const char *name;
	u16 id;
	u8 info;
	u32 flags;
	enum iovnet_kt_field field;
	u32 val32;
	int bad_hash_at;	/* SET_MULTICAST: hash index set to 0x1000, or -1 */
	int want;
};

static const u8 kt_macs[][ETH_ALEN] = {
	{ 0x52, 0x54, 0x00, 0x12, 0x34, 0x60 },	/* 0: unicast, valid */
	{ 0, 0, 0, 0, 0, 0 },			/* 1: zero */
	{ 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 },	/* 2: multicast */
	{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },	/* 3: broadcast */
	{ 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 },	/* 4: locally administered */
	{ 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 },	/* 5: IPv6 multicast */
};

#define KT_MAC_OK	0
#define KT_MAC_ZERO	1
#define KT_MAC_MCAST	2
#define KT_MAC_BCAST	3
#define KT_MAC_LOCAL	4
#define KT_MAC_MCAST6	5

#define ROW(n, i, inf, fl, f, v, bad, w) \
	{ .name = n, .id = i, .info = inf, .flags = fl, .field = f, \
	  .val32 = v, .bad_hash_at = bad, .want = w }
#define ROW0(n, i, inf, w)		ROW(n, i, inf, 0, KT_NONE, 0, -1, w)
#define ROWF(n, i, inf, f, v, w)	ROW(n, i, inf, 0, f, v, -1, w)

static const struct iovnet_kt_mbx_case iovnet_kt_mbx_cases[] = {
	/* Requests without arguments */
	ROW0("reset", IOVNET_MBX_VF_RESET, 0, 0),
	ROW0("reset info 1", IOVNET_MBX_VF_RESET, 1, -EINVAL),
	ROW0("reset info 0xff", IOVNET_MBX_VF_RESET, 0xff, -EINVAL),
	ROWF("reset junk after word 0", IOVNET_MBX_VF_RESET, 0, KT_JUNK,
	     0xdeadbeef, 0),
	ROW0("get_caps", IOVNET_MBX_GET_CAPS, 0, 0),
	ROW0("get_caps info 1", IOVNET_MBX_GET_CAPS, 1, -EINVAL),
	ROW0("get_caps info 0x80", IOVNET_MBX_GET_CAPS, 0x80, -EINVAL),
	ROWF("get_caps junk after word 0", IOVNET_MBX_GET_CAPS, 0, KT_JUNK,
	     0xffffffff, 0),
	ROW0("get_link", IOVNET_MBX_GET_LINK, 0, 0),
	ROW0("get_link info 2", IOVNET_MBX_GET_LINK, 2, -EINVAL),
	ROW0("get_link info 0xff", IOVNET_MBX_GET_LINK, 0xff, -EINVAL),
	ROW0("get_rss", IOVNET_MBX_GET_RSS, 0, 0),
	ROW0("get_rss info 1", IOVNET_MBX_GET_RSS, 1, -EINVAL),

	/* Flags are the PF's: no request may carry one */
	ROW("reset with ACK", IOVNET_MBX_VF_RESET, 0, IOVNET_MBX_ACK,
	    KT_NONE, 0, -1, -EINVAL),
	ROW("reset with NACK", IOVNET_MBX_VF_RESET, 0, IOVNET_MBX_NACK,
	    KT_NONE, 0, -1, -EINVAL),
	ROW("reset with CTS", IOVNET_MBX_VF_RESET, 0, IOVNET_MBX_CTS,
	    KT_NONE, 0, -1, -EINVAL),
	ROW("set_mac with ACK", IOVNET_MBX_SET_MAC, 0, IOVNET_MBX_ACK,
	    KT_MAC, KT_MAC_OK, -1, -EINVAL),
	ROW("set_multicast with CTS", IOVNET_MBX_SET_MULTICAST, 0,
	    IOVNET_MBX_CTS, KT_NONE, 0, -1, -EINVAL),
	ROW("set_vlan with NACK", IOVNET_MBX_SET_VLAN, 0, IOVNET_MBX_NACK,
	    KT_VLAN, 10, -1, -EINVAL),
	ROW("set_lpe with all flags", IOVNET_MBX_SET_LPE, 0, IOVNET_MBX_FLAGS,
	    KT_LPE, 1518, -1, -EINVAL),
	ROW("set_promisc with ACK", IOVNET_MBX_SET_PROMISC, 0,
	    IOVNET_MBX_ACK, KT_NONE, 0, -1, -EINVAL),
	ROW("get_caps with CTS", IOVNET_MBX_GET_CAPS, 0, IOVNET_MBX_CTS,
	    KT_NONE, 0, -1, -EINVAL),
	ROW("get_link with ACK", IOVNET_MBX_GET_LINK, 0, IOVNET_MBX_ACK,
	    KT_NONE, 0, -1, -EINVAL),
	ROW("set_rss with NACK", IOVNET_MBX_SET_RSS, 0, IOVNET_MBX_NACK,
	    KT_RSS, 1, -1, -EINVAL),
	ROW("get_rss with ACK", IOVNET_MBX_GET_RSS, 0, IOVNET_MBX_ACK,
	    KT_NONE, 0, -1, -EINVAL),

	/* IDs the PF does not take from a VF */
	ROW0("id 0", 0x0000, 0, -EOPNOTSUPP),
	ROW0("id 7", 0x0007, 0, -EOPNOTSUPP),
	ROW0("id 0xff", 0x00ff, 0, -EOPNOTSUPP),
	ROW0("pf_control from a VF", IOVNET_MBX_PF_CONTROL, 0, -EOPNOTSUPP),
	ROW0("id 0x1ff", 0x01ff, 0, -EOPNOTSUPP),
	ROW0("id 0x204", 0x0204, 0, -EOPNOTSUPP),
	ROW0("id 0x8000", 0x8000, 0, -EOPNOTSUPP),
	ROW0("id 0xffff", 0xffff, 0, -EOPNOTSUPP),
	ROW("unknown id with flags", 0x0042, 0, IOVNET_MBX_ACK, KT_NONE, 0,
	    -1, -EINVAL),

	/* SET_MAC */
	ROWF("set_mac primary", IOVNET_MBX_SET_MAC, IOVNET_MBX_MAC_PRIMARY,
	     KT_MAC, KT_MAC_OK, 0),
	ROWF("set_mac primary local", IOVNET_MBX_SET_MAC,
	     IOVNET_MBX_MAC_PRIMARY, KT_MAC, KT_MAC_LOCAL, 0),
	ROWF("set_mac primary zero (the VF lets it go)", IOVNET_MBX_SET_MAC,
	     IOVNET_MBX_MAC_PRIMARY, KT_MAC, KT_MAC_ZERO, 0),
	ROWF("set_mac primary multicast", IOVNET_MBX_SET_MAC,
	     IOVNET_MBX_MAC_PRIMARY, KT_MAC, KT_MAC_MCAST, -EINVAL),
	ROWF("set_mac primary ipv6 multicast", IOVNET_MBX_SET_MAC,
	     IOVNET_MBX_MAC_PRIMARY, KT_MAC, KT_MAC_MCAST6, -EINVAL),
	ROWF("set_mac primary broadcast", IOVNET_MBX_SET_MAC,
	     IOVNET_MBX_MAC_PRIMARY, KT_MAC, KT_MAC_BCAST, -EINVAL),
	ROWF("set_mac filter add", IOVNET_MBX_SET_MAC,
	     IOVNET_MBX_MAC_FILTER_ADD, KT_MAC, KT_MAC_OK, 0),
	ROWF("set_mac filter add zero", IOVNET_MBX_SET_MAC,
	     IOVNET_MBX_MAC_FILTER_ADD, KT_MAC, KT_MAC_ZERO, -EINVAL),
	ROWF("set_mac filter add multicast", IOVNET_MBX_SET_MAC,
	     IOVNET_MBX_MAC_FILTER_ADD, KT_MAC, KT_MAC_MCAST, -EINVAL),
	ROWF("set_mac filter add broadcast", IOVNET_MBX_SET_MAC,
	     IOVNET_MBX_MAC_FILTER_ADD, KT_MAC, KT_MAC_BCAST, -EINVAL),
	ROWF("set_mac filter clear ignores the address", IOVNET_MBX_SET_MAC,
	     IOVNET_MBX_MAC_FILTER_CLR, KT_MAC, KT_MAC_ZERO, 0),
	ROWF("set_mac filter clear with junk", IOVNET_MBX_SET_MAC,
	     IOVNET_MBX_MAC_FILTER_CLR, KT_JUNK, 0xffffffff, 0),
	ROWF("set_mac info 3", IOVNET_MBX_SET_MAC, 3, KT_MAC, KT_MAC_OK,
	     -EINVAL),
	ROWF("set_mac info 0x80", IOVNET_MBX_SET_MAC, 0x80, KT_MAC, KT_MAC_OK,
	     -EINVAL),
	ROWF("set_mac info 0xff", IOVNET_MBX_SET_MAC, 0xff, KT_MAC, KT_MAC_OK,
	     -EINVAL),

	/* SET_MULTICAST: info = number of hashes */
	ROW0("set_multicast none", IOVNET_MBX_SET_MULTICAST, 0, 0),
	ROWF("set_multicast one", IOVNET_MBX_SET_MULTICAST, 1, KT_MC, 0x010,
	     0),
	ROWF("set_multicast 30 max hashes", IOVNET_MBX_SET_MULTICAST,
	     IOVNET_MBX_MAX_MC_HASHES, KT_MC, IOVNET_MBX_MC_HASH_MAX, 0),
	ROWF("set_multicast 31 hashes", IOVNET_MBX_SET_MULTICAST,
	     IOVNET_MBX_MAX_MC_HASHES + 1, KT_MC, 0, -EINVAL),
	ROWF("set_multicast 0xff hashes", IOVNET_MBX_SET_MULTICAST, 0xff,
	     KT_MC, 0, -EINVAL),
	ROW("set_multicast hash 0x1000 first", IOVNET_MBX_SET_MULTICAST, 5, 0,
	    KT_MC, 1, 0, -EINVAL),
	ROW("set_multicast hash 0x1000 last", IOVNET_MBX_SET_MULTICAST, 5, 0,
	    KT_MC, 1, 4, -EINVAL),
	ROW("set_multicast hash 0x1000 at 29", IOVNET_MBX_SET_MULTICAST, 30,
	    0, KT_MC, 1, 29, -EINVAL),
	ROW("set_multicast bad hash past the count", IOVNET_MBX_SET_MULTICAST,
	    5, 0, KT_MC, 1, 5, 0),
	ROWF("set_multicast hash 0xffff", IOVNET_MBX_SET_MULTICAST, 1, KT_MC,
	     0xffff, -EINVAL),

	/* SET_VLAN */
	ROWF("set_vlan remove 0", IOVNET_MBX_SET_VLAN, 0, KT_VLAN, 0, 0),
	ROWF("set_vlan add 1", IOVNET_MBX_SET_VLAN, IOVNET_MBX_VLAN_ADD,
	     KT_VLAN, 1, 0),
	ROWF("set_vlan add 4095", IOVNET_MBX_SET_VLAN, IOVNET_MBX_VLAN_ADD,
	     KT_VLAN, VLAN_N_VID - 1, 0),
	ROWF("set_vlan add 4096", IOVNET_MBX_SET_VLAN, IOVNET_MBX_VLAN_ADD,
	     KT_VLAN, VLAN_N_VID, -EINVAL),
	ROWF("set_vlan remove 4096", IOVNET_MBX_SET_VLAN, 0, KT_VLAN,
	     VLAN_N_VID, -EINVAL),
	ROWF("set_vlan vid 0x10000", IOVNET_MBX_SET_VLAN, IOVNET_MBX_VLAN_ADD,
	     KT_VLAN, 0x10000, -EINVAL),
	ROWF("set_vlan vid 0xffffffff", IOVNET_MBX_SET_VLAN, 0, KT_VLAN,
	     0xffffffff, -EINVAL),
	ROWF("set_vlan info 2", IOVNET_MBX_SET_VLAN, 2, KT_VLAN, 10, -EINVAL),
	ROWF("set_vlan info 3", IOVNET_MBX_SET_VLAN, 3, KT_VLAN, 10, -EINVAL),
	ROWF("set_vlan info 0xff", IOVNET_MBX_SET_VLAN, 0xff, KT_VLAN, 10,
	     -EINVAL),

	/* SET_LPE: frame size with header and FCS */
	ROWF("set_lpe min frame", IOVNET_MBX_SET_LPE, 0, KT_LPE,
	     IOVNET_MBX_MIN_FRAME, 0),
	ROWF("set_lpe 1518", IOVNET_MBX_SET_LPE, 0, KT_LPE, 1518, 0),
	ROWF("set_lpe 1522", IOVNET_MBX_SET_LPE, 0, KT_LPE, 1522, 0),
	ROWF("set_lpe max frame", IOVNET_MBX_SET_LPE, 0, KT_LPE,
	     IOVNET_MBX_MAX_FRAME, 0),
	ROWF("set_lpe min frame - 1", IOVNET_MBX_SET_LPE, 0, KT_LPE,
	     IOVNET_MBX_MIN_FRAME - 1, -EINVAL),
	ROWF("set_lpe max frame + 1", IOVNET_MBX_SET_LPE, 0, KT_LPE,
	     IOVNET_MBX_MAX_FRAME + 1, -EINVAL),
	ROWF("set_lpe 0", IOVNET_MBX_SET_LPE, 0, KT_LPE, 0, -EINVAL),
	ROWF("set_lpe 0xffffffff", IOVNET_MBX_SET_LPE, 0, KT_LPE, 0xffffffff,
	     -EINVAL),
	ROWF("set_lpe 0x80000000", IOVNET_MBX_SET_LPE, 0, KT_LPE, 0x80000000,
	     -EINVAL),
	ROWF("set_lpe info 1", IOVNET_MBX_SET_LPE, 1, KT_LPE, 1518, -EINVAL),

	/* SET_PROMISC */
	ROW0("set_promisc off", IOVNET_MBX_SET_PROMISC, 0, 0),
	ROW0("set_promisc unicast", IOVNET_MBX_SET_PROMISC,
	     IOVNET_MBX_PROMISC_UNICAST, 0),
	ROW0("set_promisc multicast", IOVNET_MBX_SET_PROMISC,
	     IOVNET_MBX_PROMISC_MULTICAST, 0),
	ROW0("set_promisc all", IOVNET_MBX_SET_PROMISC,
	     IOVNET_MBX_PROMISC_ALL, 0),
	ROW0("set_promisc info 4", IOVNET_MBX_SET_PROMISC, 4, -EINVAL),
	ROW0("set_promisc info 7", IOVNET_MBX_SET_PROMISC, 7, -EINVAL),
	ROW0("set_promisc info 0x80", IOVNET_MBX_SET_PROMISC, 0x80, -EINVAL),
	ROW0("set_promisc info 0xff", IOVNET_MBX_SET_PROMISC, 0xff, -EINVAL),

	/* SET_RSS */
	ROWF("set_rss off", IOVNET_MBX_SET_RSS, 0, KT_RSS, 0, 0),
	ROWF("set_rss on", IOVNET_MBX_SET_RSS, 0, KT_RSS, 1, 0),
	ROWF("set_rss 2", IOVNET_MBX_SET_RSS, 0, KT_RSS, 2, -EINVAL),
	ROWF("set_rss 0x100", IOVNET_MBX_SET_RSS, 0, KT_RSS, 0x100, -EINVAL),
	ROWF("set_rss 0xffffffff", IOVNET_MBX_SET_RSS, 0, KT_RSS, 0xffffffff,
	     -EINVAL),
	ROWF("set_rss info 1", IOVNET_MBX_SET_RSS, 1, KT_RSS, 1, -EINVAL),
	ROWF("set_rss info 0xff", IOVNET_MBX_SET_RSS, 0xff, KT_RSS, 0,
	     -EINVAL),
};

static void iovnet_kt_mbx_desc(const struct iovnet_kt_mbx_case *c,
			       char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(iovnet_kt_mbx, iovnet_kt_mbx_cases, iovnet_kt_mbx_desc);

static void kt_fill_mc(union iovnet_mbx_msg *msg, u16 hash, int bad_at)
{
	unsigned int i;

	for (i = 0; i < IOVNET_MBX_MAX_MC_HASHES; i++)
		msg->mc.hash[i] = cpu_to_le16(hash);
	if (bad_at >= 0)
		msg->mc.hash[bad_at] = cpu_to_le16(IOVNET_MBX_MC_HASH_MAX + 1);
}

static void iovnet_kt_mbx_validate(struct kunit *test)
{
	const struct iovnet_kt_mbx_case *c = test->param_value;
	union iovnet_mbx_msg msg;
	unsigned int i;

	iovnet_mbx_init(&msg, c->id, c->info);
	msg.hdr.word0 |= cpu_to_le32(c->flags);
	switch (c->field) {
	case KT_MAC:
		ether_addr_copy(msg.mac.addr, kt_macs[c->val32]);
		break;
	case KT_MC:
		kt_fill_mc(&msg, c->val32, c->bad_hash_at);
		break;
	case KT_VLAN:
		msg.vlan.vid = cpu_to_le32(c->val32);
		break;
	case KT_LPE:
		msg.lpe.max_frame = cpu_to_le32(c->val32);
		break;
	case KT_RSS:
		msg.rss.enable = cpu_to_le32(c->val32);
		break;
	case KT_JUNK:
		for (i = 1; i < IOVNET_MBX_WORDS; i++)
			msg.words[i] = cpu_to_le32(c->val32);
		break;
	case KT_NONE:
		break;
	}
	KUNIT_EXPECT_EQ(test, iovnet_mbx_validate(&msg), c->want);
}

/* Every known request, sent with each flag, is refused */
static void iovnet_kt_mbx_flags_all_ids(struct kunit *test)
{
	static const u16 ids[] = {
		IOVNET_MBX_VF_RESET, IOVNET_MBX_SET_MAC,
		IOVNET_MBX_SET_MULTICAST, IOVNET_MBX_SET_VLAN,
		IOVNET_MBX_SET_LPE, IOVNET_MBX_SET_PROMISC,
		IOVNET_MBX_GET_CAPS, IOVNET_MBX_GET_LINK, IOVNET_MBX_SET_RSS,
		IOVNET_MBX_GET_RSS,
	};
	static const u32 flags[] = {
		IOVNET_MBX_ACK, IOVNET_MBX_NACK, IOVNET_MBX_CTS,
		IOVNET_MBX_ACK | IOVNET_MBX_CTS,
	};
	union iovnet_mbx_msg msg;
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(ids); i++) {
		for (j = 0; j < ARRAY_SIZE(flags); j++) {
			iovnet_mbx_init(&msg, ids[i], 0);
			msg.lpe.max_frame = cpu_to_le32(1518);
			msg.hdr.word0 |= cpu_to_le32(flags[j]);
			KUNIT_EXPECT_EQ_MSG(test, iovnet_mbx_validate(&msg),
					    -EINVAL, "id %#x flags %#x",
					    ids[i], flags[j]);
		}
	}
}

/* Only the ten request IDs are served: sweep the whole 16-bit space */
static void iovnet_kt_mbx_unknown_ids(struct kunit *test)
{
	union iovnet_mbx_msg msg;
	unsigned int id, known = 0;
	int err;

	for (id = 0; id <= 0xffff; id++) {
		iovnet_mbx_init(&msg, id, 0);
		/* Arguments valid for any ID that reads them */
		ether_addr_copy(msg.mac.addr, kt_macs[KT_MAC_OK]);
		err = iovnet_mbx_validate(&msg);
		if (err == -EOPNOTSUPP)
			continue;
		known++;
		KUNIT_EXPECT_TRUE_MSG(test,
				      (id >= IOVNET_MBX_VF_RESET &&
				       id <= IOVNET_MBX_SET_PROMISC) ||
				      (id >= IOVNET_MBX_GET_CAPS &&
				       id <= IOVNET_MBX_GET_RSS),
				      "id %#x accepted (%d)", id, err);
	}
	KUNIT_EXPECT_EQ(test, known, 10U);
}

/* SET_MULTICAST with 0..30 valid hashes passes, 31..255 fails */
static void iovnet_kt_mbx_mc_count_sweep(struct kunit *test)
{
	union iovnet_mbx_msg msg;
	unsigned int n;

	for (n = 0; n <= 0xff; n++) {
		iovnet_mbx_init(&msg, IOVNET_MBX_SET_MULTICAST, n);
		kt_fill_mc(&msg, 0xabc, -1);
		KUNIT_EXPECT_EQ_MSG(test, iovnet_mbx_validate(&msg),
				    n <= IOVNET_MBX_MAX_MC_HASHES ? 0 : -EINVAL,
				    "count %u", n);
	}
}

/* SET_LPE accepts exactly [MIN_FRAME, MAX_FRAME] */
static void iovnet_kt_mbx_lpe_sweep(struct kunit *test)
{
	union iovnet_mbx_msg msg;
	u32 f;

	for (f = 0; f <= IOVNET_MBX_MAX_FRAME + 64; f++) {
		iovnet_mbx_init(&msg, IOVNET_MBX_SET_LPE, 0);
		msg.lpe.max_frame = cpu_to_le32(f);
		KUNIT_EXPECT_EQ_MSG(test, iovnet_mbx_validate(&msg),
				    f >= IOVNET_MBX_MIN_FRAME &&
				    f <= IOVNET_MBX_MAX_FRAME ? 0 : -EINVAL,
				    "frame %u", f);
	}
}

/* Every info value of every argument-less request but 0 fails */
static void iovnet_kt_mbx_info_sweep(struct kunit *test)
{
	static const u16 ids[] = {
		IOVNET_MBX_VF_RESET, IOVNET_MBX_GET_CAPS, IOVNET_MBX_GET_LINK,
		IOVNET_MBX_SET_LPE, IOVNET_MBX_SET_RSS, IOVNET_MBX_GET_RSS,
	};
	union iovnet_mbx_msg msg;
	unsigned int i, info;

	for (i = 0; i < ARRAY_SIZE(ids); i++) {
		for (info = 0; info <= 0xff; info++) {
			iovnet_mbx_init(&msg, ids[i], info);
			/* A valid frame size, or RSS on */
			msg.words[1] = cpu_to_le32(ids[i] == IOVNET_MBX_SET_LPE ?
						   1518 : 1);
			KUNIT_EXPECT_EQ_MSG(test, iovnet_mbx_validate(&msg),
					    info ? -EINVAL : 0,
					    "id %#x info %#x", ids[i], info);
		}
	}
}

/* ---------------------------------------------------------------------- */
/* Encoding                                                                */
/* ---------------------------------------------------------------------- */

static void iovnet_kt_init_clears(struct kunit *test)
{
	union iovnet_mbx_msg msg;
	unsigned int i;

	memset(&msg, 0xa5, sizeof(msg));
	iovnet_mbx_init(&msg, IOVNET_MBX_SET_VLAN, 1);
	for (i = 1; i < IOVNET_MBX_WORDS; i++)
		KUNIT_EXPECT_EQ_MSG(test, le32_to_cpu(msg.words[i]), 0U,
				    "word %u", i);
	KUNIT_EXPECT_EQ(test, iovnet_mbx_word0(&msg), 0x00010004U);
}

/* ID and info round-trip through word 0 for every value */
static void iovnet_kt_init_roundtrip(struct kunit *test)
{
	static const u16 ids[] = { 0, 1, 6, 0x100, 0x200, 0x202, 0xffff };
	union iovnet_mbx_msg msg;
	unsigned int i, info;

	for (i = 0; i < ARRAY_SIZE(ids); i++) {
		for (info = 0; info <= 0xff; info++) {
			iovnet_mbx_init(&msg, ids[i], info);
			KUNIT_EXPECT_EQ(test, iovnet_mbx_msg_id(&msg), ids[i]);
			KUNIT_EXPECT_EQ(test, iovnet_mbx_msg_info(&msg), info);
			KUNIT_EXPECT_EQ(test, iovnet_mbx_word0(&msg) &
					IOVNET_MBX_FLAGS, 0U);
			KUNIT_EXPECT_EQ(test, iovnet_mbx_word0(&msg),
					(u32)ids[i] | info << 16);
		}
	}
}

/* Flags added to a reply leave ID and info readable */
static void iovnet_kt_reply_flags(struct kunit *test)
{
	union iovnet_mbx_msg msg;

	iovnet_mbx_init(&msg, IOVNET_MBX_SET_MULTICAST, 30);
	msg.hdr.word0 |= cpu_to_le32(IOVNET_MBX_ACK | IOVNET_MBX_CTS);
	KUNIT_EXPECT_EQ(test, iovnet_mbx_msg_id(&msg), IOVNET_MBX_SET_MULTICAST);
	KUNIT_EXPECT_EQ(test, iovnet_mbx_msg_info(&msg), 30);
	KUNIT_EXPECT_EQ(test, iovnet_mbx_word0(&msg), 0xa01e0003U);

	iovnet_mbx_init(&msg, IOVNET_MBX_PF_CONTROL, 0);
	msg.hdr.word0 |= cpu_to_le32(IOVNET_MBX_NACK);
	KUNIT_EXPECT_EQ(test, iovnet_mbx_word0(&msg), 0x40000100U);
	/* A reply never passes as a request */
	KUNIT_EXPECT_NE(test, iovnet_mbx_validate(&msg), 0);
}

/* Words are little-endian in memory whatever the host */
static void iovnet_kt_word0_bytes(struct kunit *test)
{
	union iovnet_mbx_msg msg;
	const u8 *b = (const u8 *)&msg;

	iovnet_mbx_init(&msg, IOVNET_MBX_SET_RSS, 0x7e);
	msg.hdr.word0 |= cpu_to_le32(IOVNET_MBX_ACK);
	KUNIT_EXPECT_EQ(test, b[0], 0x02);
	KUNIT_EXPECT_EQ(test, b[1], 0x02);
	KUNIT_EXPECT_EQ(test, b[2], 0x7e);
	KUNIT_EXPECT_EQ(test, b[3], 0x80);
}

/* VF_RESET reply: MAC in bytes 4..9, multicast filter type in word 3 */
static void iovnet_kt_reset_reply_layout(struct kunit *test)
{
	union iovnet_mbx_msg msg;
	const u8 *b = (const u8 *)&msg;

	iovnet_mbx_init(&msg, IOVNET_MBX_VF_RESET, 0);
	msg.hdr.word0 |= cpu_to_le32(IOVNET_MBX_ACK);
	ether_addr_copy(msg.mac.addr, kt_macs[KT_MAC_OK]);
	KUNIT_EXPECT_MEMEQ(test, &b[4], kt_macs[KT_MAC_OK], ETH_ALEN);
	KUNIT_EXPECT_EQ(test, b[10], 0);
	KUNIT_EXPECT_EQ(test, b[11], 0);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(msg.words[3]), 0U);
	KUNIT_EXPECT_EQ(test, offsetof(struct iovnet_mbx_mac, mc_filter_type),
			12);
	KUNIT_EXPECT_EQ(test, sizeof(msg.mac) / 4, 4);
	/* The MAC spans words 1 and 2 as the stock VF reads it */
	KUNIT_EXPECT_EQ(test, le32_to_cpu(msg.words[1]), 0x12005452U);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(msg.words[2]) & 0xffff, 0x6034U);
}

/* SET_MULTICAST: hash i in bytes 4 + 2i, little-endian */
static void iovnet_kt_mc_layout(struct kunit *test)
{
	union iovnet_mbx_msg msg;
	const u8 *b = (const u8 *)&msg;
	unsigned int i;

	iovnet_mbx_init(&msg, IOVNET_MBX_SET_MULTICAST,
			IOVNET_MBX_MAX_MC_HASHES);
	for (i = 0; i < IOVNET_MBX_MAX_MC_HASHES; i++)
		msg.mc.hash[i] = cpu_to_le16(0x100 + i);
	for (i = 0; i < IOVNET_MBX_MAX_MC_HASHES; i++) {
		KUNIT_EXPECT_EQ(test, b[4 + 2 * i], (u8)(i & 0xff));
		KUNIT_EXPECT_EQ(test, b[5 + 2 * i], 0x01);
	}
	/* 30 hashes fill the 16 words exactly */
	KUNIT_EXPECT_EQ(test, offsetof(struct iovnet_mbx_multicast,
				       hash[IOVNET_MBX_MAX_MC_HASHES]),
			4 * IOVNET_MBX_WORDS);
	KUNIT_EXPECT_EQ(test, iovnet_mbx_validate(&msg), 0);
}

/* One-argument messages keep it in word 1 */
static void iovnet_kt_word1_layouts(struct kunit *test)
{
	union iovnet_mbx_msg msg;

	iovnet_mbx_init(&msg, IOVNET_MBX_SET_VLAN, IOVNET_MBX_VLAN_ADD);
	msg.vlan.vid = cpu_to_le32(100);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(msg.words[1]), 100U);
	iovnet_mbx_init(&msg, IOVNET_MBX_SET_LPE, 0);
	msg.lpe.max_frame = cpu_to_le32(9018);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(msg.words[1]), 9018U);
	iovnet_mbx_init(&msg, IOVNET_MBX_SET_RSS, 0);
	msg.rss.enable = cpu_to_le32(1);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(msg.words[1]), 1U);
}

/* GET_CAPS reply: version, capabilities, largest frame in words 1-3 */
static void iovnet_kt_caps_reply(struct kunit *test)
{
	union iovnet_mbx_msg msg;

	iovnet_mbx_init(&msg, IOVNET_MBX_GET_CAPS, 0);
	msg.hdr.word0 |= cpu_to_le32(IOVNET_MBX_ACK | IOVNET_MBX_CTS);
	msg.caps.version = cpu_to_le32(IOVNET_MBX_VERSION);
	msg.caps.caps = cpu_to_le32(IOVNET_MBX_CAPS);
	msg.caps.max_frame = cpu_to_le32(IOVNET_MBX_MAX_FRAME);
	/*
	 * Version 2 added the status code, then the RSS query (a capability
	 * bit, no new version); the bits are the wire contract
	 */
	KUNIT_EXPECT_EQ(test, le32_to_cpu(msg.words[1]), 2U);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(msg.words[2]), 0xfU);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(msg.words[3]), 9728U);
	KUNIT_EXPECT_EQ(test, sizeof(msg.caps) / 4, 4);
	KUNIT_EXPECT_EQ(test, IOVNET_MBX_VERSION_MIN, 1);
	/* Each capability has its own bit */
	KUNIT_EXPECT_EQ(test, IOVNET_MBX_CAP_LINK & IOVNET_MBX_CAP_RSS, 0);
	KUNIT_EXPECT_EQ(test, IOVNET_MBX_CAP_STATUS &
			(IOVNET_MBX_CAP_LINK | IOVNET_MBX_CAP_RSS), 0);
	KUNIT_EXPECT_EQ(test, IOVNET_MBX_CAP_RSS_QUERY &
			(IOVNET_MBX_CAP_LINK | IOVNET_MBX_CAP_RSS |
			 IOVNET_MBX_CAP_STATUS), 0);
	/* GET_RSS reply: the key in bytes 4-43, a bit per entry in 44-59 */
	KUNIT_EXPECT_EQ(test, offsetof(struct iovnet_mbx_rss_config, key), 4);
	KUNIT_EXPECT_EQ(test, offsetof(struct iovnet_mbx_rss_config, queue),
			44);
}

/*
 * Status codes (word 0 bits 28:24): every errno the PF sends comes back as
 * the same errno on the VF, an unknown code reads as -EPERM, and the code
 * never spills into the stock bits (ACK/NACK/CTS, message ID).
 */
static void iovnet_kt_status_roundtrip(struct kunit *test)
{
	static const int errs[] = { -EINVAL, -ENOSPC, -EADDRINUSE, -EAGAIN,
				    -EOPNOTSUPP, -EPERM };
	u32 word0;
	int i;

	for (i = 0; i < ARRAY_SIZE(errs); i++) {
		word0 = FIELD_PREP(IOVNET_MBX_STATUS,
				   iovnet_mbx_status_from_errno(errs[i]));
		KUNIT_EXPECT_EQ(test, iovnet_mbx_status_to_errno(word0), errs[i]);
		KUNIT_EXPECT_EQ(test, word0 & (IOVNET_MBX_ACK | IOVNET_MBX_NACK |
					       IOVNET_MBX_CTS | IOVNET_MBX_ID), 0U);
	}
	KUNIT_EXPECT_EQ(test, iovnet_mbx_status_from_errno(0), IOVNET_MBX_ST_OK);
	KUNIT_EXPECT_EQ(test, iovnet_mbx_status_from_errno(-EBUSY),
			IOVNET_MBX_ST_AGAIN);
	KUNIT_EXPECT_EQ(test, iovnet_mbx_status_from_errno(-ENOMEM),
			IOVNET_MBX_ST_PERM);
	word0 = FIELD_PREP(IOVNET_MBX_STATUS, 31);
	KUNIT_EXPECT_EQ(test, iovnet_mbx_status_to_errno(word0), -EPERM);
}

/* GET_LINK reply and CTRL_LINK: flags in word 1, speed in word 2 */
static void iovnet_kt_link_reply(struct kunit *test)
{
	union iovnet_mbx_msg msg;

	iovnet_mbx_init(&msg, IOVNET_MBX_PF_CONTROL, IOVNET_MBX_CTRL_LINK);
	msg.hdr.word0 |= cpu_to_le32(IOVNET_MBX_CTS);
	msg.link.flags = cpu_to_le32(IOVNET_MBX_LINK_UP |
				     IOVNET_MBX_LINK_FULL_DUPLEX);
	msg.link.speed = cpu_to_le32(1000);
	KUNIT_EXPECT_EQ(test, iovnet_mbx_word0(&msg), 0x20010100U);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(msg.words[1]), 3U);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(msg.words[2]), 1000U);
	KUNIT_EXPECT_EQ(test, sizeof(msg.link) / 4, 3);
}

/* The stock protocol's numbers, which interoperability depends on */
static void iovnet_kt_stock_ids(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, IOVNET_MBX_VF_RESET, 0x01);
	KUNIT_EXPECT_EQ(test, IOVNET_MBX_SET_MAC, 0x02);
	KUNIT_EXPECT_EQ(test, IOVNET_MBX_SET_MULTICAST, 0x03);
	KUNIT_EXPECT_EQ(test, IOVNET_MBX_SET_VLAN, 0x04);
	KUNIT_EXPECT_EQ(test, IOVNET_MBX_SET_LPE, 0x05);
	KUNIT_EXPECT_EQ(test, IOVNET_MBX_SET_PROMISC, 0x06);
	KUNIT_EXPECT_EQ(test, IOVNET_MBX_PF_CONTROL, 0x100);
	KUNIT_EXPECT_EQ(test, IOVNET_MBX_ACK, 0x80000000UL);
	KUNIT_EXPECT_EQ(test, IOVNET_MBX_NACK, 0x40000000UL);
	KUNIT_EXPECT_EQ(test, IOVNET_MBX_CTS, 0x20000000UL);
}

/* ---------------------------------------------------------------------- */
/* Multicast hash                                                          */
/* ---------------------------------------------------------------------- */

static void iovnet_kt_mc_hash_vectors(struct kunit *test)
{
	static const struct {
		u8 addr[ETH_ALEN];
		u16 hash;
	} v[] = {
		{ { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 }, 0x010 },
		{ { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 }, 0x010 },
		{ { 0x33, 0x33, 0xff, 0x12, 0x34, 0x56 }, 0x563 },
		{ { 0x01, 0x00, 0x5e, 0x7f, 0xff, 0xfa }, 0xfaf },
		{ { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e }, 0x0e0 },
		{ { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, 0xfff },
		{ { 0x01, 0x00, 0x00, 0x00, 0x0f, 0x00 }, 0x000 },
		{ { 0x01, 0x00, 0x00, 0x00, 0x10, 0x00 }, 0x001 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(v); i++)
		KUNIT_EXPECT_EQ_MSG(test, iovnet_mbx_mc_hash(v[i].addr),
				    v[i].hash, "%pM", v[i].addr);
}

/* Only bits 47:36 count: bytes 0-3 and the low nibble of byte 4 do not */
static void iovnet_kt_mc_hash_ignores_low_bits(struct kunit *test)
{
	u8 a[ETH_ALEN] = { 0x01, 0x00, 0x5e, 0x01, 0x20, 0x34 };
	u16 h = iovnet_mbx_mc_hash(a);
	unsigned int i;

	for (i = 0; i < 4; i++) {
		a[i] ^= 0xff;
		KUNIT_EXPECT_EQ(test, iovnet_mbx_mc_hash(a), h);
	}
	a[4] ^= 0x0f;
	KUNIT_EXPECT_EQ(test, iovnet_mbx_mc_hash(a), h);
	a[4] ^= 0x10;
	KUNIT_EXPECT_NE(test, iovnet_mbx_mc_hash(a), h);
}

/* The 4096 values of bits 47:36 map one to one onto the 4096 hashes */
static void iovnet_kt_mc_hash_bijective(struct kunit *test)
{
	unsigned long *seen;
	u8 a[ETH_ALEN] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x00 };
	unsigned int v;
	u16 h;

	seen = kunit_kzalloc(test, BITS_TO_LONGS(IOVNET_MBX_MC_HASH_MAX + 1) *
			     sizeof(long), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, seen);
	for (v = 0; v <= IOVNET_MBX_MC_HASH_MAX; v++) {
		a[4] = (v & 0xf) << 4 | 0x5;
		a[5] = v >> 4;
		h = iovnet_mbx_mc_hash(a);
		KUNIT_ASSERT_LE(test, h, IOVNET_MBX_MC_HASH_MAX);
		KUNIT_EXPECT_FALSE_MSG(test, test_bit(h, seen),
				       "hash %#x twice", h);
		__set_bit(h, seen);
	}
	KUNIT_EXPECT_EQ(test, bitmap_weight(seen, IOVNET_MBX_MC_HASH_MAX + 1),
			IOVNET_MBX_MC_HASH_MAX + 1);
}

/* Whatever a VF hashes, the PF's validation accepts */
static void iovnet_kt_mc_hash_validates(struct kunit *test)
{
	union iovnet_mbx_msg msg;
	u8 a[ETH_ALEN] = { 0x33, 0x33, 0, 0, 0, 0 };
	unsigned int v;

	for (v = 0; v <= 0xffff; v += 7) {
		a[4] = v & 0xff;
		a[5] = v >> 8;
		iovnet_mbx_init(&msg, IOVNET_MBX_SET_MULTICAST, 1);
		msg.mc.hash[0] = cpu_to_le16(iovnet_mbx_mc_hash(a));
		KUNIT_EXPECT_EQ_MSG(test, iovnet_mbx_validate(&msg), 0,
				    "%pM", a);
	}
}

/* ---------------------------------------------------------------------- */
/* RSS key and redirection table                                           */
/* ---------------------------------------------------------------------- */

static void iovnet_kt_reta_default_one(struct kunit *test, unsigned int q)
{
	unsigned int count[16] = { 0 };
	u8 reta[IOVNET_RETA_SIZE];
	unsigned int i;

	memset(reta, 0xff, sizeof(reta));
	iovnet_calc_reta_default(reta, IOVNET_RETA_SIZE, q);
	for (i = 0; i < IOVNET_RETA_SIZE; i++) {
		KUNIT_ASSERT_LT_MSG(test, reta[i], q, "entry %u", i);
		KUNIT_EXPECT_EQ(test, reta[i], i % q);
		count[reta[i]]++;
	}
	/* Even: no queue has more than one entry more than another */
	for (i = 0; i < q; i++) {
		KUNIT_EXPECT_GE(test, count[i], IOVNET_RETA_SIZE / q);
		KUNIT_EXPECT_LE(test, count[i], DIV_ROUND_UP(IOVNET_RETA_SIZE, q));
	}
}

static void iovnet_kt_reta_default(struct kunit *test)
{
	unsigned int q;

	for (q = 1; q <= 16; q++)
		iovnet_kt_reta_default_one(test, q);
}

static void iovnet_kt_reta_default_no_queue(struct kunit *test)
{
	u8 reta[IOVNET_RETA_SIZE];
	unsigned int i;

	memset(reta, 0xff, sizeof(reta));
	iovnet_calc_reta_default(reta, IOVNET_RETA_SIZE, 0);
	for (i = 0; i < IOVNET_RETA_SIZE; i++)
		KUNIT_EXPECT_EQ(test, reta[i], 0);
}

/* Entries past @size are left alone */
static void iovnet_kt_reta_default_size(struct kunit *test)
{
	u8 reta[8];

	memset(reta, 0xee, sizeof(reta));
	iovnet_calc_reta_default(reta, 4, 2);
	KUNIT_EXPECT_EQ(test, reta[3], 1);
	KUNIT_EXPECT_EQ(test, reta[4], 0xee);
}

static void iovnet_kt_key_words(struct kunit *test)
{
	u8 key[IOVNET_RSS_KEY_SIZE];
	unsigned int i;

	for (i = 0; i < sizeof(key); i++)
		key[i] = i;
	KUNIT_EXPECT_EQ(test, iovnet_calc_reg_word(key, 0), 0x03020100U);
	KUNIT_EXPECT_EQ(test, iovnet_calc_reg_word(key, 1), 0x07060504U);
	KUNIT_EXPECT_EQ(test, iovnet_calc_reg_word(key, 9), 0x27262524U);
	/* Ten RSSRK registers hold the whole key */
	KUNIT_EXPECT_EQ(test, IOVNET_RSS_KEY_SIZE / 4, 10);
}

/* Packing then unpacking gives the key back, byte for byte */
static void iovnet_kt_key_roundtrip(struct kunit *test)
{
	u8 key[IOVNET_RSS_KEY_SIZE], back[IOVNET_RSS_KEY_SIZE];
	unsigned int i;

	for (i = 0; i < sizeof(key); i++)
		key[i] = (u8)(i * 37 + 11);
	for (i = 0; i < IOVNET_RSS_KEY_SIZE / 4; i++)
		put_unaligned_le32(iovnet_calc_reg_word(key, i), &back[4 * i]);
	KUNIT_EXPECT_MEMEQ(test, back, key, sizeof(key));
}

static void iovnet_kt_reta_words(struct kunit *test)
{
	u8 reta[IOVNET_RETA_SIZE];
	unsigned int i;

	iovnet_calc_reta_default(reta, IOVNET_RETA_SIZE, 2);
	for (i = 0; i < IOVNET_RETA_REGS; i++)
		KUNIT_EXPECT_EQ(test, iovnet_calc_reg_word(reta, i),
				0x01000100U);
	iovnet_calc_reta_default(reta, IOVNET_RETA_SIZE, 4);
	for (i = 0; i < IOVNET_RETA_REGS; i++)
		KUNIT_EXPECT_EQ(test, iovnet_calc_reg_word(reta, i),
				0x03020100U);
	iovnet_calc_reta_default(reta, IOVNET_RETA_SIZE, 1);
	for (i = 0; i < IOVNET_RETA_REGS; i++)
		KUNIT_EXPECT_EQ(test, iovnet_calc_reg_word(reta, i), 0U);
	/* 32 registers of four entries cover the table */
	KUNIT_EXPECT_EQ(test, IOVNET_RETA_REGS * 4, IOVNET_RETA_SIZE);
	reta[IOVNET_RETA_SIZE - 1] = 7;
	KUNIT_EXPECT_EQ(test, iovnet_calc_reg_word(reta, IOVNET_RETA_REGS - 1),
			0x07000000U);
}

/* The tables are byte arrays inside a struct: any alignment works */
static void iovnet_kt_reg_word_unaligned(struct kunit *test)
{
	u8 buf[12] = { 0, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88 };

	KUNIT_EXPECT_EQ(test, iovnet_calc_reg_word(&buf[1], 0), 0x44332211U);
	KUNIT_EXPECT_EQ(test, iovnet_calc_reg_word(&buf[1], 1), 0x88776655U);
}

/* ---------------------------------------------------------------------- */
/* 32-bit counter folding                                                  */
/* ---------------------------------------------------------------------- */

struct iovnet_kt_fold_case {
	const char *name;
	u64 total;
	u32 last;
	u32 raw;
	u64 want;
};

static const struct iovnet_kt_fold_case iovnet_kt_fold_cases[] = {
	{ "no change", 5, 100, 100, 5 },
	{ "forward", 0, 100, 150, 50 },
	{ "from zero", 0, 0, 0xffffffff, 0xffffffff },
	{ "wrap by one", 0, 0xffffffff, 0, 1 },
	{ "wrap", 10, 0xfffffff0, 0x10, 0x2a },
	{ "wrap almost all the way", 0, 5, 4, 0xffffffff },
	{ "half way", 0, 0, 0x80000000, 0x80000000 },
	{ "total above 32 bits", 0x100000000ULL, 1, 2, 0x100000001ULL },
	{ "total near u64 max", U64_MAX - 1, 0, 1, U64_MAX },
};

static void iovnet_kt_fold_desc(const struct iovnet_kt_fold_case *c,
				char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(iovnet_kt_fold, iovnet_kt_fold_cases, iovnet_kt_fold_desc);

static void iovnet_kt_fold(struct kunit *test)
{
	const struct iovnet_kt_fold_case *c = test->param_value;
	u64 total = c->total;
	u32 last = c->last;

	iovnet_calc_fold_counter(&total, &last, c->raw);
	KUNIT_EXPECT_EQ(test, total, c->want);
	KUNIT_EXPECT_EQ(test, last, c->raw);
}

/* A register followed across many wraps adds up past 2^32 exactly */
static void iovnet_kt_fold_many_wraps(struct kunit *test)
{
	u64 total = 0, truth = 0;
	u32 reg = 0xfffff000, last = reg;
	unsigned int i;

	for (i = 0; i < 1000; i++) {
		u32 step = 0x7fffffffU - i * 4099;

		reg += step;
		truth += step;
		iovnet_calc_fold_counter(&total, &last, reg);
	}
	KUNIT_EXPECT_EQ(test, total, truth);
	KUNIT_EXPECT_GT(test, total, (u64)U32_MAX * 100);
}

/* Folding twice at the same value adds nothing */
static void iovnet_kt_fold_idempotent(struct kunit *test)
{
	u64 total = 0;
	u32 last = 0;

	iovnet_calc_fold_counter(&total, &last, 1234);
	iovnet_calc_fold_counter(&total, &last, 1234);
	iovnet_calc_fold_counter(&total, &last, 1234);
	KUNIT_EXPECT_EQ(test, total, 1234ULL);
}

/* ---------------------------------------------------------------------- */
/* TX rate factor (RTTBCNRC)                                               */
/* ---------------------------------------------------------------------- */

#define KT_RF(i, d)	((u32)(i) << IOVNET_RTTBCNRC_RF_SHIFT | (d))
#define KT_ENA		IOVNET_RTTBCNRC_RS_ENA

struct iovnet_kt_rate_case {
	const char *name;
	u32 speed;
	unsigned int queues;
	u32 rate;
	u32 want;
};

static const struct iovnet_kt_rate_case iovnet_kt_rate_cases[] = {
	{ "no limit", 1000, 1, 0, 0 },
	{ "no limit, two queues", 1000, 2, 0, 0 },
	{ "line rate", 1000, 1, 1000, KT_ENA | KT_RF(1, 0) },
	{ "half", 1000, 1, 500, KT_ENA | KT_RF(2, 0) },
	{ "a tenth", 1000, 1, 100, KT_ENA | KT_RF(10, 0) },
	{ "300 of 1000", 1000, 1, 300, KT_ENA | KT_RF(3, 5461) },
	{ "three quarters", 1000, 1, 750, KT_ENA | KT_RF(1, 5461) },
	{ "999 of 1000", 1000, 1, 999, KT_ENA | KT_RF(1, 16) },
	{ "1 Mb/s", 1000, 1, 1, KT_ENA | KT_RF(1000, 0) },
	{ "two queues share 100", 1000, 2, 100, KT_ENA | KT_RF(20, 0) },
	{ "two queues share line rate", 1000, 2, 1000, KT_ENA | KT_RF(2, 0) },
	{ "two queues at 1 Mb/s: clamped", 1000, 2, 1,
	  KT_ENA | IOVNET_CALC_RF_MAX },
	{ "two queues at 2 Mb/s", 1000, 2, 2, KT_ENA | KT_RF(1000, 0) },
	{ "100 Mb/s link, 10", 100, 1, 10, KT_ENA | KT_RF(10, 0) },
	{ "10 Mb/s link, 1", 10, 1, 1, KT_ENA | KT_RF(10, 0) },
	{ "above link speed: clamped to 1.0", 100, 1, 1000,
	  KT_ENA | KT_RF(1, 0) },
	{ "no link speed: clamped to 1.0", 0, 1, 100, KT_ENA | KT_RF(1, 0) },
	{ "zero queues count as one", 1000, 0, 500, KT_ENA | KT_RF(2, 0) },
	{ "huge rate", 1000, 1, U32_MAX, KT_ENA | KT_RF(1, 0) },
	{ "huge speed: clamped", U32_MAX, 2, 1, KT_ENA | IOVNET_CALC_RF_MAX },
};

static void iovnet_kt_rate_desc(const struct iovnet_kt_rate_case *c,
				char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(iovnet_kt_rate, iovnet_kt_rate_cases, iovnet_kt_rate_desc);

static void iovnet_kt_rate(struct kunit *test)
{
	const struct iovnet_kt_rate_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, iovnet_calc_rttbcnrc(c->speed, c->queues, c->rate),
			c->want);
}

/*
 * Every limit a VF can be given on a 1 Gb/s link, with one or two queues:
 * the register only holds RS_ENA and the factor, the factor never falls
 * below 1.0, a higher limit never gets a higher factor, and where the
 * factor is not clamped the rate it gives is within 0.1% of the limit.
 */
static void iovnet_kt_rate_sweep(struct kunit *test)
{
	const u32 mask = KT_ENA | IOVNET_CALC_RF_MAX;
	unsigned int q;
	u32 rate;

	for (q = 1; q <= 2; q++) {
		u32 prev = U32_MAX;

		for (rate = 1; rate <= 1000; rate++) {
			u32 w = iovnet_calc_rttbcnrc(1000, q, rate);
			u32 rf = w & IOVNET_CALC_RF_MAX;
			u64 got;

			KUNIT_EXPECT_EQ(test, w & ~mask, 0U);
			KUNIT_EXPECT_TRUE(test, w & KT_ENA);
			KUNIT_EXPECT_GE(test, rf, IOVNET_CALC_RF_ONE);
			KUNIT_EXPECT_LE(test, rf, prev);
			prev = rf;
			if (rf == IOVNET_CALC_RF_MAX)
				continue;
			/* Over all queues, in 1/1000 Mb/s */
			got = div_u64(1000ULL * q * 1000 << IOVNET_RTTBCNRC_RF_SHIFT,
				      rf);
			KUNIT_EXPECT_LE_MSG(test, got, rate * 1000ULL + rate,
					    "rate %u queues %u", rate, q);
			KUNIT_EXPECT_GE_MSG(test, got, rate * 1000ULL,
					    "rate %u queues %u", rate, q);
		}
	}
}

/* ---------------------------------------------------------------------- */
/* RX: what cleaning does with each buffer (iovnet_calc_rx_step)           */
/* ---------------------------------------------------------------------- */

#define KT_FRAGS	17	/* MAX_SKB_FRAGS of a default config */

static void iovnet_kt_rx_step_table(struct kunit *test)
{
	/* discard wins over everything */
	KUNIT_EXPECT_EQ(test, iovnet_calc_rx_step(true, true, KT_FRAGS, KT_FRAGS,
						  60, 256, true), IOVNET_RX_DISCARD);
	KUNIT_EXPECT_EQ(test, iovnet_calc_rx_step(true, false, 0, KT_FRAGS,
						  60, 256, true), IOVNET_RX_DISCARD);
	/* a whole short frame is copied, a short first buffer is not */
	KUNIT_EXPECT_EQ(test, iovnet_calc_rx_step(false, false, 0, KT_FRAGS,
						  256, 256, true), IOVNET_RX_COPY);
	KUNIT_EXPECT_EQ(test, iovnet_calc_rx_step(false, false, 0, KT_FRAGS,
						  257, 256, true), IOVNET_RX_HEAD);
	KUNIT_EXPECT_EQ(test, iovnet_calc_rx_step(false, false, 0, KT_FRAGS,
						  60, 256, false), IOVNET_RX_HEAD);
	KUNIT_EXPECT_EQ(test, iovnet_calc_rx_step(false, false, 0, KT_FRAGS,
						  60, 0, true), IOVNET_RX_HEAD);
	/* further buffers: a fragment while there is a slot */
	KUNIT_EXPECT_EQ(test, iovnet_calc_rx_step(false, true, 0, KT_FRAGS,
						  60, 256, true), IOVNET_RX_FRAG);
	KUNIT_EXPECT_EQ(test, iovnet_calc_rx_step(false, true, KT_FRAGS - 1,
						  KT_FRAGS, 3072, 256, false),
			IOVNET_RX_FRAG);
	KUNIT_EXPECT_EQ(test, iovnet_calc_rx_step(false, true, KT_FRAGS,
						  KT_FRAGS, 3072, 256, false),
			IOVNET_RX_OVERFLOW);
	KUNIT_EXPECT_EQ(test, iovnet_calc_rx_step(false, true, KT_FRAGS,
						  KT_FRAGS, 3072, 256, true),
			IOVNET_RX_OVERFLOW);
}

/* The ring as iovnet_clean_rx() keeps it between buffers */
struct iovnet_kt_rx {
	bool discard;
	bool have_skb;
	unsigned int nr_frags;
	unsigned int skb_pages;		/* pages the skb being built holds */
	unsigned int pages_back;	/* pages returned to the pool */
	unsigned int delivered;
	unsigned int frame_err;
};

/* One buffer, bookkept the way the driver does after each step */
static enum iovnet_rx_step kt_rx_buffer(struct iovnet_kt_rx *r, bool eop)
{
	enum iovnet_rx_step step;

	step = iovnet_calc_rx_step(r->discard, r->have_skb, r->nr_frags,
				   KT_FRAGS, 3072, 256, eop);
	switch (step) {
	case IOVNET_RX_DISCARD:
		r->pages_back++;
		break;
	case IOVNET_RX_COPY:
		r->have_skb = true;	/* the page stays in the ring */
		break;
	case IOVNET_RX_HEAD:
		r->have_skb = true;
		r->skb_pages = 1;
		break;
	case IOVNET_RX_FRAG:
		r->nr_frags++;
		r->skb_pages++;
		break;
	case IOVNET_RX_OVERFLOW:
		/* the skb with its pages, and this page, go back */
		r->pages_back += r->skb_pages + 1;
		r->skb_pages = 0;
		r->have_skb = false;
		r->nr_frags = 0;
		r->frame_err++;
		r->discard = true;
		break;
	}
	if (eop) {
		if (r->have_skb)
			r->delivered++;
		r->have_skb = false;
		r->nr_frags = 0;
		r->skb_pages = 0;
		r->discard = false;
	}
	return step;
}

/*
 * A frame of KT_FRAGS + 4 buffers: head, KT_FRAGS fragments, then the
 * overflow, after which the rest up to EOP is dropped; every page of it
 * goes back, one frame error, and the next frame is received whole.
 */
static void iovnet_kt_rx_overflow_frame(struct kunit *test)
{
	const unsigned int n = KT_FRAGS + 4;
	struct iovnet_kt_rx r = {};
	unsigned int i;

	for (i = 0; i < n; i++) {
		enum iovnet_rx_step step = kt_rx_buffer(&r, i == n - 1);
		enum iovnet_rx_step want;

		if (i == 0)
			want = IOVNET_RX_HEAD;
		else if (i <= KT_FRAGS)
			want = IOVNET_RX_FRAG;
		else if (i == KT_FRAGS + 1)
			want = IOVNET_RX_OVERFLOW;
		else
			want = IOVNET_RX_DISCARD;
		KUNIT_EXPECT_EQ_MSG(test, step, want, "buffer %u", i);
	}
	KUNIT_EXPECT_EQ(test, r.pages_back, n);
	KUNIT_EXPECT_EQ(test, r.frame_err, 1U);
	KUNIT_EXPECT_EQ(test, r.delivered, 0U);
	KUNIT_EXPECT_FALSE(test, r.discard);

	/* the next frame, of three buffers, is whole */
	KUNIT_EXPECT_EQ(test, kt_rx_buffer(&r, false), IOVNET_RX_HEAD);
	KUNIT_EXPECT_EQ(test, kt_rx_buffer(&r, false), IOVNET_RX_FRAG);
	KUNIT_EXPECT_EQ(test, kt_rx_buffer(&r, true), IOVNET_RX_FRAG);
	KUNIT_EXPECT_EQ(test, r.delivered, 1U);
	KUNIT_EXPECT_EQ(test, r.pages_back, n);
}

/* Overflow on the EOP buffer itself: nothing is left to discard after it */
static void iovnet_kt_rx_overflow_at_eop(struct kunit *test)
{
	struct iovnet_kt_rx r = {};
	unsigned int i;

	for (i = 0; i <= KT_FRAGS; i++)
		kt_rx_buffer(&r, false);
	KUNIT_EXPECT_EQ(test, kt_rx_buffer(&r, true), IOVNET_RX_OVERFLOW);
	KUNIT_EXPECT_EQ(test, r.pages_back, KT_FRAGS + 2);
	KUNIT_EXPECT_FALSE(test, r.discard);
	/* the next frame, one buffer (longer than copybreak), is whole */
	KUNIT_EXPECT_EQ(test, kt_rx_buffer(&r, true), IOVNET_RX_HEAD);
	KUNIT_EXPECT_EQ(test, r.delivered, 1U);
}

/* A frame of exactly 1 + KT_FRAGS buffers still fits */
static void iovnet_kt_rx_full_frame(struct kunit *test)
{
	struct iovnet_kt_rx r = {};
	unsigned int i;

	for (i = 0; i <= KT_FRAGS; i++)
		KUNIT_EXPECT_NE(test, kt_rx_buffer(&r, i == KT_FRAGS),
				IOVNET_RX_OVERFLOW);
	KUNIT_EXPECT_EQ(test, r.delivered, 1U);
	KUNIT_EXPECT_EQ(test, r.frame_err, 0U);
	KUNIT_EXPECT_EQ(test, r.pages_back, 0U);
}

/* ---------------------------------------------------------------------- */

static struct kunit_case iovnet_mbx_test_cases[] = {
	KUNIT_CASE_PARAM(iovnet_kt_mbx_validate, iovnet_kt_mbx_gen_params),
	KUNIT_CASE(iovnet_kt_mbx_flags_all_ids),
	KUNIT_CASE(iovnet_kt_mbx_unknown_ids),
	KUNIT_CASE(iovnet_kt_mbx_mc_count_sweep),
	KUNIT_CASE(iovnet_kt_mbx_lpe_sweep),
	KUNIT_CASE(iovnet_kt_mbx_info_sweep),
	KUNIT_CASE(iovnet_kt_init_clears),
	KUNIT_CASE(iovnet_kt_init_roundtrip),
	KUNIT_CASE(iovnet_kt_reply_flags),
	KUNIT_CASE(iovnet_kt_word0_bytes),
	KUNIT_CASE(iovnet_kt_reset_reply_layout),
	KUNIT_CASE(iovnet_kt_mc_layout),
	KUNIT_CASE(iovnet_kt_word1_layouts),
	KUNIT_CASE(iovnet_kt_caps_reply),
	KUNIT_CASE(iovnet_kt_status_roundtrip),
	KUNIT_CASE(iovnet_kt_link_reply),
	KUNIT_CASE(iovnet_kt_stock_ids),
	KUNIT_CASE(iovnet_kt_mc_hash_vectors),
	KUNIT_CASE(iovnet_kt_mc_hash_ignores_low_bits),
	KUNIT_CASE(iovnet_kt_mc_hash_bijective),
	KUNIT_CASE(iovnet_kt_mc_hash_validates),
	{}
};

static struct kunit_suite iovnet_mbx_test_suite = {
	.name = "iovnet_mbx",
	.test_cases = iovnet_mbx_test_cases,
};

static struct kunit_case iovnet_calc_test_cases[] = {
	KUNIT_CASE(iovnet_kt_reta_default),
	KUNIT_CASE(iovnet_kt_reta_default_no_queue),
	KUNIT_CASE(iovnet_kt_reta_default_size),
	KUNIT_CASE(iovnet_kt_key_words),
	KUNIT_CASE(iovnet_kt_key_roundtrip),
	KUNIT_CASE(iovnet_kt_reta_words),
	KUNIT_CASE(iovnet_kt_reg_word_unaligned),
	KUNIT_CASE_PARAM(iovnet_kt_fold, iovnet_kt_fold_gen_params),
	KUNIT_CASE(iovnet_kt_fold_many_wraps),
	KUNIT_CASE(iovnet_kt_fold_idempotent),
	KUNIT_CASE_PARAM(iovnet_kt_rate, iovnet_kt_rate_gen_params),
	KUNIT_CASE(iovnet_kt_rate_sweep),
	KUNIT_CASE(iovnet_kt_rx_step_table),
	KUNIT_CASE(iovnet_kt_rx_overflow_frame),
	KUNIT_CASE(iovnet_kt_rx_overflow_at_eop),
	KUNIT_CASE(iovnet_kt_rx_full_frame),
	{}
};

static struct kunit_suite iovnet_calc_test_suite = {
	.name = "iovnet_calc",
	.test_cases = iovnet_calc_test_cases,
};

kunit_test_suites(&iovnet_mbx_test_suite, &iovnet_calc_test_suite);

MODULE_DESCRIPTION("KUnit tests of the iovnet mailbox protocol and register arithmetic");
MODULE_LICENSE("GPL");
