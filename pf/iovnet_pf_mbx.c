// SPDX-License-Identifier: GPL-2.0
/* Copyright (c) 2026 The iovnet authors */

/*
 * The PF side of the mailbox. The "other" interrupt (ICR.VMMB) only kicks
 * a work item; the work reads which VFs raised a request or were reset,
 * serves at most one request per VF per pass, and refuses anything that
 * fails iovnet_mbx_validate() or the VF's permissions with a NACK, a
 * per-VF counter and a rate-limited log line. A token bucket per VF keeps a
 * flooding VF from taking more than its share of the PF's time, and a VF
 * that keeps its buffer locked is tried less and less often.
 */

#include <linux/delay.h>
#include <linux/etherdevice.h>
#include <linux/ethtool.h>

#include "iovnet_pf.h"

/* Tries to take the buffer from a VF that is using it, then a later pass */
#define IOVNET_PF_MBX_LOCK_TRIES	10
/* Longest wait between passes that try a VF holding its buffer */
#define IOVNET_PF_MBX_MAX_BACKOFF	(HZ / 4)
/* How long a VF may hold its buffer before the PF breaks its lock (RVFU) */
#define IOVNET_PF_MBX_MAX_HOLD		HZ

static bool iovnet_pf_mbx_lock(struct iovnet_pf *pf, unsigned int vf)
{
	unsigned int i;

	for (i = 0; i < IOVNET_PF_MBX_LOCK_TRIES; i++) {
		pf_wr32(pf, IOVNET_PF_MBX(vf), IOVNET_PF_MBX_PFU);
		if (pf_rd32(pf, IOVNET_PF_MBX(vf)) & IOVNET_PF_MBX_PFU)
			return true;
		usleep_range(20, 50);
	}
	return false;
}

static void iovnet_pf_mbx_read(struct iovnet_pf *pf, unsigned int vf,
			       union iovnet_mbx_msg *msg)
{
	unsigned int i;

	for (i = 0; i < IOVNET_MBX_WORDS; i++)
		msg->words[i] = cpu_to_le32(pf_rd32(pf, IOVNET_PF_VMBMEM(vf) +
						    4 * i));
}

/*
 * Take VF @vf's buffer for a request or a notification. A VF found holding
 * it is left alone for a while that doubles with each miss, up to
 * IOVNET_PF_MBX_MAX_BACKOFF: one that never lets go costs the PF a few
 * tries a second, not one every tick. After IOVNET_PF_MBX_MAX_HOLD the PF
 * also breaks the VF's lock (RVFU), once per IOVNET_PF_MBX_MAX_HOLD.
 */
static bool iovnet_pf_mbx_claim(struct iovnet_pf *pf, unsigned int vf)
{
	struct iovnet_pf_vf *v = &pf->vfs[vf];
	unsigned long now = jiffies;

	if (iovnet_pf_mbx_lock(pf, vf)) {
		v->lock_fails = 0;
		return true;
	}
	v->busy++;
	if (!v->lock_fails++)
		v->busy_since = now;
	v->retry_at = now + min_t(unsigned long, IOVNET_PF_MBX_MAX_BACKOFF,
				  BIT(min(v->lock_fails - 1, 16U)));
	if (time_after_eq(now, v->busy_since + IOVNET_PF_MBX_MAX_HOLD)) {
		dev_warn_ratelimited(&pf->pdev->dev,
				     "VF %u: holds the mailbox, breaking its lock\n",
				     vf);
		pf_wr32(pf, IOVNET_PF_MBX(vf), IOVNET_PF_MBX_RVFU);
		v->busy_since = now;
	}
	return false;
}

/* Jiffies the PF leaves VF @v's buffer alone for (iovnet_pf_mbx_claim) */
static unsigned long iovnet_pf_mbx_backoff_left(const struct iovnet_pf_vf *v,
						unsigned long now)
{
	if (!v->lock_fails || !time_before(now, v->retry_at))
		return 0;
	return v->retry_at - now;
}

/* Write @words words and raise STS; the write also releases PFU */
static void iovnet_pf_mbx_send(struct iovnet_pf *pf, unsigned int vf,
			       const union iovnet_mbx_msg *msg,
			       unsigned int words)
{
	unsigned int i;

	for (i = 0; i < words; i++)
		pf_wr32(pf, IOVNET_PF_VMBMEM(vf) + 4 * i,
			le32_to_cpu(msg->words[i]));
	pf_wr32(pf, IOVNET_PF_MBX(vf), IOVNET_PF_MBX_STS);
}

static bool iovnet_pf_mbx_take_token(struct iovnet_pf_vf *v)
{
	unsigned long now = jiffies;
	unsigned long add = (now - v->refill) * IOVNET_PF_MBX_PER_SEC / HZ;

	if (add) {
		v->tokens = min_t(unsigned long, IOVNET_PF_MBX_BURST,
				  v->tokens + add);
		v->refill = now;
	}
	if (!v->tokens)
		return false;
	v->tokens--;
	return true;
}

static int iovnet_pf_vf_reset_msg(struct iovnet_pf *pf, unsigned int vf,
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
			dev_warn_ratelimited(&pf->pdev->dev,
					     "VF %u: untrusted, may not add MAC filters\n",
					     vf);
			return -EPERM;
		}
		if (iovnet_pf_mac_in_use(pf, vf, addr))
			return -EADDRINUSE;
		return iovnet_pf_vf_add_extra_mac(pf, vf, addr);
	default:
		break;
	}

	if (ether_addr_equal(addr, v->mac))
		return 0;
	if (v->admin_mac && !v->trusted) {
		dev_warn_ratelimited(&pf->pdev->dev,
				     "VF %u: untrusted, may not replace its administrative MAC %pM with %pM\n",
				     vf, v->mac, addr);
		return -EPERM;
	}
	if (iovnet_pf_mac_in_use(pf, vf, addr)) {
		dev_warn_ratelimited(&pf->pdev->dev,
				     "VF %u: MAC %pM belongs to another function\n",
				     vf, addr);
		return -EADDRINUSE;
	}
	ether_addr_copy(v->mac, addr);
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
	unsigned int limit;
	int err;

	/* Removing what is not there always succeeds, port VLAN or not */
	if (add == test_bit(vid, v->vlans))
		return 0;
	if (v->port_vlan) {
		dev_warn_ratelimited(&pf->pdev->dev,
				     "VF %u: has port VLAN %u, its own VLAN %u refused\n",
				     vf, v->port_vlan, vid);
		return -EPERM;
	}
	if (!add) {
		iovnet_pf_vlvf_set(pf, vid, vf, false);
		clear_bit(vid, v->vlans);
		v->num_vlans--;
		return 0;
	}

	limit = v->trusted ? IOVNET_PF_VF_MAX_VLANS_TRUSTED :
			     IOVNET_PF_VF_MAX_VLANS;
	if (v->num_vlans >= limit) {
		dev_warn_ratelimited(&pf->pdev->dev,
				     "VF %u: VLAN %u refused, already %u VLANs\n",
				     vf, vid, v->num_vlans);
		return -ENOSPC;
	}
	err = iovnet_pf_vlvf_set(pf, vid, vf, true);
	if (err) {
		dev_warn_ratelimited(&pf->pdev->dev,
				     "VF %u: VLAN %u refused, no filter left\n",
				     vf, vid);
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
		dev_warn_ratelimited(&pf->pdev->dev,
				     "VF %u: frame size %u beyond the device's %u\n",
				     vf, max_frame, IOVNET_MAX_FRAME);
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
		dev_warn_ratelimited(&pf->pdev->dev,
				     "VF %u: untrusted, promiscuous mode refused\n",
				     vf);
		return -EPERM;
	}
	v->promisc = want;
	iovnet_pf_vf_apply(pf, vf);
	return 0;
}

static unsigned int iovnet_pf_vf_link_msg(struct iovnet_pf *pf,
					  unsigned int vf,
					  union iovnet_mbx_msg *msg)
{
	u32 flags = 0, speed = 0;

	if (iovnet_pf_vf_link_up(pf, vf)) {
		u32 status = pf_rd32(pf, IOVNET_STATUS);

		flags = IOVNET_MBX_LINK_UP;
		if (status & IOVNET_STATUS_FD)
			flags |= IOVNET_MBX_LINK_FULL_DUPLEX;
		switch (FIELD_GET(IOVNET_STATUS_SPEED, status)) {
		case IOVNET_STATUS_SPEED_10:
			speed = SPEED_10;
			break;
		case IOVNET_STATUS_SPEED_100:
			speed = SPEED_100;
			break;
		default:
			speed = SPEED_1000;
			break;
		}
	}
	msg->link.flags = cpu_to_le32(flags);
	msg->link.speed = cpu_to_le32(speed);
	return sizeof(msg->link) / 4;
}

/*
 * Serve one well-formed request from a VF that did its handshake. Fills in
 * the reply body and returns its length in words, or a negative errno.
 */
static int iovnet_pf_mbx_dispatch(struct iovnet_pf *pf, unsigned int vf,
				  const union iovnet_mbx_msg *req,
				  union iovnet_mbx_msg *reply)
{
	struct iovnet_pf_vf *v = &pf->vfs[vf];
	int err;

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
		v->ext = true;
		reply->caps.version = cpu_to_le32(IOVNET_MBX_VERSION);
		reply->caps.caps = cpu_to_le32(IOVNET_MBX_CAPS);
		reply->caps.max_frame = cpu_to_le32(IOVNET_MAX_FRAME);
		return sizeof(reply->caps) / 4;
	case IOVNET_MBX_GET_LINK:
		return iovnet_pf_vf_link_msg(pf, vf, reply);
	case IOVNET_MBX_SET_RSS:
		v->rss = le32_to_cpu(req->rss.enable);
		iovnet_pf_vf_apply(pf, vf);
		return sizeof(req->rss) / 4;
	default:
		/* iovnet_mbx_validate() let through an ID we do not serve */
		return -EOPNOTSUPP;
	}
	return err ?: 1;
}

static void iovnet_pf_mbx_request(struct iovnet_pf *pf, unsigned int vf)
{
	struct iovnet_pf_vf *v = &pf->vfs[vf];
	union iovnet_mbx_msg req, reply;
	u32 word0, flags;
	int len, err;

	if (!iovnet_pf_mbx_claim(pf, vf)) {
		/* The VF holds the buffer: serve the request later */
		set_bit(vf, &pf->mbx_pending);
		return;
	}
	iovnet_pf_mbx_read(pf, vf, &req);
	/* Acknowledge: the VF may stop waiting for its request to be read */
	pf_wr32(pf, IOVNET_PF_MBX(vf), IOVNET_PF_MBX_ACK);
	v->msgs++;

	word0 = iovnet_mbx_word0(&req);
	memset(&reply, 0, sizeof(reply));
	err = iovnet_mbx_validate(&req);
	if (err) {
		v->invalid++;
		dev_warn_ratelimited(&pf->pdev->dev,
				     "VF %u: malformed message %#010x refused: %d\n",
				     vf, word0, err);
		len = err;
		word0 &= IOVNET_MBX_ID | IOVNET_MBX_INFO;
	} else if (iovnet_mbx_msg_id(&req) == IOVNET_MBX_VF_RESET) {
		len = iovnet_pf_vf_reset_msg(pf, vf, &reply);
		goto send;
	} else if (!v->cts) {
		dev_warn_ratelimited(&pf->pdev->dev,
				     "VF %u: message %#06x before its reset handshake refused\n",
				     vf, iovnet_mbx_msg_id(&req));
		len = -EAGAIN;
	} else {
		reply = req;
		len = iovnet_pf_mbx_dispatch(pf, vf, &req, &reply);
	}

	flags = len < 0 ? IOVNET_MBX_NACK : IOVNET_MBX_ACK;
	if (len < 0) {
		v->nacks++;
		len = 1;
	}
	if (v->cts)
		flags |= IOVNET_MBX_CTS;
	reply.hdr.word0 = cpu_to_le32(word0 | flags);
send:
	if (!iovnet_pf_mbx_lock(pf, vf)) {
		dev_warn_ratelimited(&pf->pdev->dev,
				     "VF %u: took the mailbox before our reply\n",
				     vf);
		return;
	}
	iovnet_pf_mbx_send(pf, vf, &reply, len);
}

/* Send the PF_CONTROL messages VF @vf is owed, if the buffer is free */
static void iovnet_pf_mbx_send_notify(struct iovnet_pf *pf, unsigned int vf)
{
	struct iovnet_pf_vf *v = &pf->vfs[vf];
	union iovnet_mbx_msg msg;
	unsigned int len = 1;

	/* A request not yet read sits in the buffer: serve it first */
	if (pf_rd32(pf, IOVNET_PF_MBVFICR) & BIT(vf))
		return;
	if (!iovnet_pf_mbx_claim(pf, vf))
		return;

	if (v->notify & IOVNET_PF_NOTIFY_RESET) {
		/* No CTS and a NACK: every VF driver reads that as "reset" */
		iovnet_mbx_init(&msg, IOVNET_MBX_PF_CONTROL, 0);
		msg.hdr.word0 |= cpu_to_le32(IOVNET_MBX_NACK);
		v->cts = false;
	} else {
		iovnet_mbx_init(&msg, IOVNET_MBX_PF_CONTROL,
				IOVNET_MBX_CTRL_LINK);
		msg.hdr.word0 |= cpu_to_le32(IOVNET_MBX_CTS);
		len = iovnet_pf_vf_link_msg(pf, vf, &msg);
	}
	v->notify = 0;
	iovnet_pf_mbx_send(pf, vf, &msg, len);
}

/**
 * iovnet_pf_mbx_notify() - queue a PF_CONTROL message for a VF
 * @pf: the PF, under @pf->vf_lock
 * @vf: the VF
 * @what: IOVNET_PF_NOTIFY_RESET (the VF must redo its handshake) or
 *	IOVNET_PF_NOTIFY_LINK (its link changed; only for VFs that asked)
 *
 * The mailbox work sends it once the VF's buffer is free.
 */
void iovnet_pf_mbx_notify(struct iovnet_pf *pf, unsigned int vf, u8 what)
{
	pf->vfs[vf].notify |= what;
	iovnet_pf_mbx_schedule(pf);
}

/**
 * iovnet_pf_mbx_handle_flr() - a VF was reset (FLR or its own CTRL.RST)
 * @pf: the PF, under @pf->vf_lock
 * @vf: the VF
 *
 * The device has closed the VF's pool; forget what the VF asked for until
 * it does its reset handshake.
 */
void iovnet_pf_mbx_handle_flr(struct iovnet_pf *pf, unsigned int vf)
{
	struct iovnet_pf_vf *v = &pf->vfs[vf];

	v->resets++;
	v->notify = 0;
	v->lock_fails = 0;
	/* The VF programs its interrupt routes again after a reset */
	pf_wr32(pf, IOVNET_IVAR(vf), 0);
	iovnet_pf_vf_scrub(pf, vf);
	dev_dbg(&pf->pdev->dev, "VF %u reset\n", vf);
}

/**
 * iovnet_pf_mbx_schedule() - run the mailbox work soon
 * @pf: the PF
 */
void iovnet_pf_mbx_schedule(struct iovnet_pf *pf)
{
	/*
	 * Unbound: a VF driver in the same kernel may busy-wait for our reply
	 * with bottom halves off on the CPU that took the interrupt.
	 */
	if (!test_bit(IOVNET_PF_REMOVING, pf->state))
		mod_delayed_work(system_unbound_wq, &pf->mbx_task, 0);
}

/**
 * iovnet_pf_mbx_task() - serve VF resets, requests and notifications
 * @work: the mailbox work item
 */
void iovnet_pf_mbx_task(struct work_struct *work)
{
	struct iovnet_pf *pf = container_of(to_delayed_work(work),
					    struct iovnet_pf, mbx_task);
	unsigned long pending, flr, delay = ULONG_MAX;
	unsigned int vf;
	u32 icr;

	mutex_lock(&pf->vf_lock);
	if (!pf->num_vfs)
		goto out;

	icr = pf_rd32(pf, IOVNET_PF_MBVFICR);
	flr = pf_rd32(pf, IOVNET_PF_VFLRE) & GENMASK(pf->num_vfs - 1, 0);
	pf_wr32(pf, IOVNET_PF_MBVFICR, icr);
	pf_wr32(pf, IOVNET_PF_VFLRE, flr);

	for_each_set_bit(vf, &flr, pf->num_vfs)
		iovnet_pf_mbx_handle_flr(pf, vf);

	pending = pf->mbx_pending | FIELD_GET(IOVNET_MBVFICR_VFREQ, icr);
	pending &= GENMASK(pf->num_vfs - 1, 0);
	pf->mbx_pending = 0;
	for_each_set_bit(vf, &pending, pf->num_vfs) {
		struct iovnet_pf_vf *v = &pf->vfs[vf];

		if (iovnet_pf_mbx_backoff_left(v, jiffies)) {
			set_bit(vf, &pf->mbx_pending);
			continue;
		}
		if (!iovnet_pf_mbx_take_token(v)) {
			if (!v->throttled++ || net_ratelimit())
				dev_warn(&pf->pdev->dev,
					 "VF %u: mailbox flood, throttled\n",
					 vf);
			set_bit(vf, &pf->mbx_pending);
			continue;
		}
		iovnet_pf_mbx_request(pf, vf);
	}

	for (vf = 0; vf < pf->num_vfs; vf++) {
		struct iovnet_pf_vf *v = &pf->vfs[vf];

		if (v->notify && !iovnet_pf_mbx_backoff_left(v, jiffies))
			iovnet_pf_mbx_send_notify(pf, vf);
		/* Left waiting: next tick, or when the VF's back-off ends */
		if (v->notify || test_bit(vf, &pf->mbx_pending))
			delay = min(delay,
				    iovnet_pf_mbx_backoff_left(v, jiffies) ?: 1);
	}
out:
	mutex_unlock(&pf->vf_lock);
	/*
	 * queue_, not mod_delayed_work(): a kick that came in meanwhile must
	 * not be pushed back to a backing-off VF's time.
	 */
	if (delay != ULONG_MAX && !test_bit(IOVNET_PF_REMOVING, pf->state))
		queue_delayed_work(system_unbound_wq, &pf->mbx_task, delay);
}
