/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (c) 2026 The iovnet authors */

/*
 * The PF<->VF mailbox protocol, defined once for both drivers.
 *
 * The mailbox is 16 32-bit words per VF, shared through VMBMEM. Word 0 of
 * every message carries a message ID, an 8-bit "info" argument and the
 * ACK/NACK/CTS flags; the words that follow depend on the ID. IDs 0x01-0x06
 * and 0x0100 and their layouts are those of the stock igb/igbvf protocol, so
 * either side interoperates with the stock driver of the other. IDs from
 * IOVNET_MBX_EXT_FIRST on are iovnet extensions: a VF uses them only after
 * IOVNET_MBX_GET_CAPS was acknowledged (a stock PF NACKs unknown IDs), and a
 * PF sends its own extended messages only to a VF that asked.
 *
 * Messages are kept in memory as little-endian words; the drivers convert
 * each word when copying it to or from the mailbox registers, so byte
 * arrays (MAC addresses, 16-bit hashes) have the same layout on any host.
 *
 * Exchange: the VF takes the buffer lock, writes a request and raises REQ.
 * The PF reads it, acknowledges (the VF sees PFACK), and writes its reply:
 * the request's word 0 with ACK or NACK added, and CTS once the VF has done
 * the reset handshake (the reset reply itself carries no CTS). The PF writes
 * unsolicited IOVNET_MBX_PF_CONTROL messages the same way.
 *
 * Why a request was refused: the stock protocol has only NACK. A VF that
 * asks for IOVNET_MBX_CAP_STATUS in its GET_CAPS request (and is granted it)
 * gets an enum iovnet_mbx_status in word 0 bits 28:24 of every reply; bits
 * the stock protocol leaves zero, so nothing changes for a VF that did not
 * ask.
 */

#ifndef _IOVNET_MBX_H_
#define _IOVNET_MBX_H_

#include <linux/bitfield.h>
#include <linux/build_bug.h>
#include <linux/errno.h>
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/types.h>

#define IOVNET_MBX_WORDS		16

/* Word 0 */
#define IOVNET_MBX_ID			GENMASK(15, 0)
#define IOVNET_MBX_INFO			GENMASK(23, 16)
#define IOVNET_MBX_STATUS		GENMASK(28, 24)	/* CAP_STATUS replies */
#define IOVNET_MBX_CTS			BIT(29)	/* the VF completed reset */
#define IOVNET_MBX_NACK			BIT(30)
#define IOVNET_MBX_ACK			BIT(31)
#define IOVNET_MBX_FLAGS		(IOVNET_MBX_STATUS | IOVNET_MBX_CTS | \
					 IOVNET_MBX_NACK | IOVNET_MBX_ACK)

/**
 * enum iovnet_mbx_id - message IDs (word 0 bits 15:0)
 * @IOVNET_MBX_VF_RESET: VF -> PF, the VF reset itself; reply: MAC or NACK
 * @IOVNET_MBX_SET_MAC: VF -> PF, primary MAC (info 0) or extra unicast
 *	filters (info IOVNET_MBX_MAC_FILTER_*)
 * @IOVNET_MBX_SET_MULTICAST: VF -> PF, info = number of hashes (<= 30)
 * @IOVNET_MBX_SET_VLAN: VF -> PF, add (info bit 0) or remove one VLAN
 * @IOVNET_MBX_SET_LPE: VF -> PF, largest frame the VF wants to receive
 * @IOVNET_MBX_SET_PROMISC: VF -> PF, info = IOVNET_MBX_PROMISC_* wanted
 * @IOVNET_MBX_PF_CONTROL: PF -> VF, unsolicited. Without CTS and with NACK
 *	it tells the VF to redo the reset handshake; with CTS, info says what
 *	changed (IOVNET_MBX_CTRL_*)
 * @IOVNET_MBX_EXT_FIRST: first ID of the iovnet extensions
 * @IOVNET_MBX_GET_CAPS: VF -> PF, the VF's version and the capabilities it
 *	wants (zero from a version 1 VF); reply: what the PF offers and grants
 * @IOVNET_MBX_GET_LINK: VF -> PF, the link as this VF should see it
 * @IOVNET_MBX_SET_RSS: VF -> PF, spread the pool's RX over both queues
 * @IOVNET_MBX_GET_RSS: VF -> PF, the RSS key and redirection table in force
 *	for the VF's pool; refused unless the administrator allowed this VF
 *	to see them ("ip link set PF vf N query_rss on")
 */
enum iovnet_mbx_id {
	IOVNET_MBX_VF_RESET		= 0x0001,
	IOVNET_MBX_SET_MAC		= 0x0002,
	IOVNET_MBX_SET_MULTICAST	= 0x0003,
	IOVNET_MBX_SET_VLAN		= 0x0004,
	IOVNET_MBX_SET_LPE		= 0x0005,
	IOVNET_MBX_SET_PROMISC		= 0x0006,
	IOVNET_MBX_PF_CONTROL		= 0x0100,
	IOVNET_MBX_EXT_FIRST		= 0x0200,
	IOVNET_MBX_GET_CAPS		= IOVNET_MBX_EXT_FIRST,
	IOVNET_MBX_GET_LINK		= 0x0201,
	IOVNET_MBX_SET_RSS		= 0x0202,
	IOVNET_MBX_GET_RSS		= 0x0203,
};

/* SET_MAC info */
#define IOVNET_MBX_MAC_PRIMARY		0
#define IOVNET_MBX_MAC_FILTER_CLR	1	/* drop every extra filter */
#define IOVNET_MBX_MAC_FILTER_ADD	2	/* add one extra filter */

/* SET_MULTICAST: hashes are the 12 MTA bits of the stock hash type 0 */
#define IOVNET_MBX_MAX_MC_HASHES	30
#define IOVNET_MBX_MC_HASH_MAX		0xfff

/* SET_VLAN info */
#define IOVNET_MBX_VLAN_ADD		BIT(0)

/* SET_LPE: frame size includes the Ethernet header and FCS */
#define IOVNET_MBX_MIN_FRAME		(ETH_ZLEN + ETH_FCS_LEN)
#define IOVNET_MBX_MAX_FRAME		9728

/* SET_PROMISC info */
#define IOVNET_MBX_PROMISC_UNICAST	BIT(0)
#define IOVNET_MBX_PROMISC_MULTICAST	BIT(1)
#define IOVNET_MBX_PROMISC_ALL		(IOVNET_MBX_PROMISC_UNICAST | \
					 IOVNET_MBX_PROMISC_MULTICAST)

/* PF_CONTROL info (with CTS) */
#define IOVNET_MBX_CTRL_PING		0	/* stock: nothing changed */
#define IOVNET_MBX_CTRL_LINK		1	/* link changed, see words 1-2 */

/*
 * Extensions: protocol version and capability bits. Version 1 VFs send an
 * empty GET_CAPS and use what the reply offers. From version 2 the VF also
 * names what it wants, and capabilities that change the PF's replies
 * (CAP_STATUS) are granted only when asked for.
 */
#define IOVNET_MBX_VERSION		2
#define IOVNET_MBX_VERSION_MIN		1	/* oldest the other side accepts */
#define IOVNET_MBX_CAP_LINK		BIT(0)	/* GET_LINK and CTRL_LINK */
#define IOVNET_MBX_CAP_RSS		BIT(1)	/* SET_RSS */
#define IOVNET_MBX_CAP_STATUS		BIT(2)	/* replies carry a status */
#define IOVNET_MBX_CAP_RSS_QUERY	BIT(3)	/* GET_RSS */
#define IOVNET_MBX_CAPS			(IOVNET_MBX_CAP_LINK | \
					 IOVNET_MBX_CAP_RSS | \
					 IOVNET_MBX_CAP_STATUS | \
					 IOVNET_MBX_CAP_RSS_QUERY)

/**
 * enum iovnet_mbx_status - why the PF refused a request (word 0 bits 28:24)
 * @IOVNET_MBX_ST_OK: served
 * @IOVNET_MBX_ST_PERM: not allowed for this VF (trust, port VLAN, policy)
 * @IOVNET_MBX_ST_INVAL: malformed request
 * @IOVNET_MBX_ST_NOSPC: the VF's share of filters, or the device's, is used
 * @IOVNET_MBX_ST_ADDRINUSE: the MAC address belongs to another function
 * @IOVNET_MBX_ST_AGAIN: not now (before the reset handshake, throttled)
 * @IOVNET_MBX_ST_NOTSUPP: unknown request
 */
enum iovnet_mbx_status {
	IOVNET_MBX_ST_OK		= 0,
	IOVNET_MBX_ST_PERM		= 1,
	IOVNET_MBX_ST_INVAL		= 2,
	IOVNET_MBX_ST_NOSPC		= 3,
	IOVNET_MBX_ST_ADDRINUSE		= 4,
	IOVNET_MBX_ST_AGAIN		= 5,
	IOVNET_MBX_ST_NOTSUPP		= 6,
};

/* GET_LINK reply and CTRL_LINK flags */
#define IOVNET_MBX_LINK_UP		BIT(0)
#define IOVNET_MBX_LINK_FULL_DUPLEX	BIT(1)

/* Generic view: word 0 and the words that follow */
struct iovnet_mbx_hdr {
	__le32 word0;
};

/* VF_RESET reply; SET_MAC request (primary or extra filter) and reply */
struct iovnet_mbx_mac {
	__le32 word0;
	u8 addr[ETH_ALEN];
	u8 pad[2];
	__le32 mc_filter_type;	/* reset reply only: always 0 */
};

struct iovnet_mbx_multicast {
	__le32 word0;
	__le16 hash[IOVNET_MBX_MAX_MC_HASHES];
};

struct iovnet_mbx_vlan {
	__le32 word0;
	__le32 vid;
};

struct iovnet_mbx_lpe {
	__le32 word0;
	__le32 max_frame;
};

/* GET_CAPS request (version and caps the VF wants) and reply */
struct iovnet_mbx_caps {
	__le32 word0;
	__le32 version;
	__le32 caps;
	__le32 max_frame;	/* reply only: largest frame SET_LPE accepts */
};

/* GET_LINK reply and PF_CONTROL/CTRL_LINK */
struct iovnet_mbx_link {
	__le32 word0;
	__le32 flags;
	__le32 speed;		/* Mb/s, 0 when down */
};

struct iovnet_mbx_rss {
	__le32 word0;
	__le32 enable;
};

/* GET_RSS reply: the device's RSS key and, per redirection table entry, the
 * queue of the pool (0: the first, 1: the second) that entry sends to.
 */
#define IOVNET_MBX_RSS_KEY_LEN		40
#define IOVNET_MBX_RSS_TABLE_LEN	128
struct iovnet_mbx_rss_config {
	__le32 word0;
	u8 key[IOVNET_MBX_RSS_KEY_LEN];
	u8 queue[IOVNET_MBX_RSS_TABLE_LEN / 8];	/* entry n: bit n */
};

/**
 * union iovnet_mbx_msg - one mailbox buffer
 * @words: the raw words, as copied to and from VMBMEM
 * @hdr: word 0 only
 * @mac: VF_RESET reply, SET_MAC
 * @mc: SET_MULTICAST
 * @vlan: SET_VLAN
 * @lpe: SET_LPE
 * @caps: GET_CAPS reply
 * @link: GET_LINK reply, PF_CONTROL/CTRL_LINK
 * @rss: SET_RSS
 * @rss_config: GET_RSS reply
 */
union iovnet_mbx_msg {
	__le32 words[IOVNET_MBX_WORDS];
	struct iovnet_mbx_hdr hdr;
	struct iovnet_mbx_mac mac;
	struct iovnet_mbx_multicast mc;
	struct iovnet_mbx_vlan vlan;
	struct iovnet_mbx_lpe lpe;
	struct iovnet_mbx_caps caps;
	struct iovnet_mbx_link link;
	struct iovnet_mbx_rss rss;
	struct iovnet_mbx_rss_config rss_config;
};

static_assert(sizeof(struct iovnet_mbx_mac) == 16);
static_assert(sizeof(struct iovnet_mbx_multicast) == 64);
static_assert(sizeof(struct iovnet_mbx_vlan) == 8);
static_assert(sizeof(struct iovnet_mbx_lpe) == 8);
static_assert(sizeof(struct iovnet_mbx_caps) == 16);
static_assert(sizeof(struct iovnet_mbx_link) == 12);
static_assert(sizeof(struct iovnet_mbx_rss) == 8);
static_assert(sizeof(struct iovnet_mbx_rss_config) == 60);
static_assert(sizeof(union iovnet_mbx_msg) == 4 * IOVNET_MBX_WORDS);

static inline u32 iovnet_mbx_word0(const union iovnet_mbx_msg *msg)
{
	return le32_to_cpu(msg->hdr.word0);
}

static inline u16 iovnet_mbx_msg_id(const union iovnet_mbx_msg *msg)
{
	return FIELD_GET(IOVNET_MBX_ID, iovnet_mbx_word0(msg));
}

static inline u8 iovnet_mbx_msg_info(const union iovnet_mbx_msg *msg)
{
	return FIELD_GET(IOVNET_MBX_INFO, iovnet_mbx_word0(msg));
}

/**
 * iovnet_mbx_init() - start a message
 * @msg: the buffer, cleared here
 * @id: enum iovnet_mbx_id
 * @info: the 8-bit argument of word 0
 */
static inline void iovnet_mbx_init(union iovnet_mbx_msg *msg, u16 id, u8 info)
{
	memset(msg, 0, sizeof(*msg));
	msg->hdr.word0 = cpu_to_le32(FIELD_PREP(IOVNET_MBX_ID, id) |
				     FIELD_PREP(IOVNET_MBX_INFO, info));
}

/**
 * iovnet_mbx_status_from_errno() - the status code for a PF-side errno
 * @err: 0 or a negative errno from the PF's handling of a request
 *
 * Return: the enum iovnet_mbx_status to put in the reply.
 */
static inline u8 iovnet_mbx_status_from_errno(int err)
{
	switch (err) {
	case 0:
		return IOVNET_MBX_ST_OK;
	case -EINVAL:
		return IOVNET_MBX_ST_INVAL;
	case -ENOSPC:
		return IOVNET_MBX_ST_NOSPC;
	case -EADDRINUSE:
		return IOVNET_MBX_ST_ADDRINUSE;
	case -EAGAIN:
	case -EBUSY:
		return IOVNET_MBX_ST_AGAIN;
	case -EOPNOTSUPP:
		return IOVNET_MBX_ST_NOTSUPP;
	default:
		return IOVNET_MBX_ST_PERM;
	}
}

/**
 * iovnet_mbx_status_to_errno() - the errno a VF reports for a reply
 * @word0: word 0 of a NACKed reply from a PF that granted CAP_STATUS
 *
 * Return: the negative errno the status names (-EPERM for a status this
 * side does not know).
 */
static inline int iovnet_mbx_status_to_errno(u32 word0)
{
	switch (FIELD_GET(IOVNET_MBX_STATUS, word0)) {
	case IOVNET_MBX_ST_INVAL:
		return -EINVAL;
	case IOVNET_MBX_ST_NOSPC:
		return -ENOSPC;
	case IOVNET_MBX_ST_ADDRINUSE:
		return -EADDRINUSE;
	case IOVNET_MBX_ST_AGAIN:
		return -EAGAIN;
	case IOVNET_MBX_ST_NOTSUPP:
		return -EOPNOTSUPP;
	default:
		return -EPERM;
	}
}

/**
 * iovnet_mbx_mc_hash() - the 12-bit MTA hash the protocol carries
 * @addr: a multicast MAC address
 *
 * Return: bits 47:36 of the address, the 82576's default MTA hash.
 */
static inline u16 iovnet_mbx_mc_hash(const u8 *addr)
{
	return ((addr[4] >> 4) | ((u16)addr[5] << 4)) & IOVNET_MBX_MC_HASH_MAX;
}

/**
 * iovnet_mbx_validate() - check a VF request before the PF acts on it
 * @msg: the request as read from the mailbox
 *
 * Checks the ID, the info argument and every field the ID defines, so the
 * dispatcher only sees well-formed requests. What a VF may do in its
 * current state (trust, port VLAN, reset handshake) is the PF's policy and
 * is checked there.
 *
 * Return: 0 when well formed, -EOPNOTSUPP for an unknown ID, -EINVAL for a
 * bad argument.
 */
static inline int iovnet_mbx_validate(const union iovnet_mbx_msg *msg)
{
	u32 word0 = iovnet_mbx_word0(msg);
	u8 info = iovnet_mbx_msg_info(msg);
	unsigned int i;
	u32 val;

	/* Flags are the PF's to set; a request carries none */
	if (word0 & IOVNET_MBX_FLAGS)
		return -EINVAL;

	switch (iovnet_mbx_msg_id(msg)) {
	case IOVNET_MBX_VF_RESET:
	case IOVNET_MBX_GET_CAPS:
	case IOVNET_MBX_GET_LINK:
	case IOVNET_MBX_GET_RSS:
		return info ? -EINVAL : 0;
	case IOVNET_MBX_SET_MAC:
		if (info == IOVNET_MBX_MAC_FILTER_CLR)
			return 0;
		/* All zeros: the VF has no address (or lets its own go) */
		if (info == IOVNET_MBX_MAC_PRIMARY &&
		    is_zero_ether_addr(msg->mac.addr))
			return 0;
		if (info != IOVNET_MBX_MAC_PRIMARY &&
		    info != IOVNET_MBX_MAC_FILTER_ADD)
			return -EINVAL;
		return is_valid_ether_addr(msg->mac.addr) ? 0 : -EINVAL;
	case IOVNET_MBX_SET_MULTICAST:
		if (info > IOVNET_MBX_MAX_MC_HASHES)
			return -EINVAL;
		for (i = 0; i < info; i++)
			if (le16_to_cpu(msg->mc.hash[i]) > IOVNET_MBX_MC_HASH_MAX)
				return -EINVAL;
		return 0;
	case IOVNET_MBX_SET_VLAN:
		if (info & ~IOVNET_MBX_VLAN_ADD)
			return -EINVAL;
		return le32_to_cpu(msg->vlan.vid) < VLAN_N_VID ? 0 : -EINVAL;
	case IOVNET_MBX_SET_LPE:
		if (info)
			return -EINVAL;
		val = le32_to_cpu(msg->lpe.max_frame);
		return val >= IOVNET_MBX_MIN_FRAME &&
		       val <= IOVNET_MBX_MAX_FRAME ? 0 : -EINVAL;
	case IOVNET_MBX_SET_PROMISC:
		return info & ~IOVNET_MBX_PROMISC_ALL ? -EINVAL : 0;
	case IOVNET_MBX_SET_RSS:
		if (info)
			return -EINVAL;
		return le32_to_cpu(msg->rss.enable) <= 1 ? 0 : -EINVAL;
	default:
		return -EOPNOTSUPP;
	}
}

#endif /* _IOVNET_MBX_H_ */
