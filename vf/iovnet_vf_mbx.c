// SPDX-License-Identifier: GPL-2.0
/* Copyright (c) 2026 The iovnet authors */

/*
 * Mailbox client. V2PMAILBOX clears PFSTS, PFACK and RSTD when it is read,
 * so every read goes through iovnet_vf_mbx_fetch(), which keeps them in
 * vf->mbx_bits until they are consumed. All of it runs under vf->mbx_lock,
 * which the callers of iovnet_vf_mbx_request() hold for their whole
 * operation; see the lock order in iovnet_vf.h.
 */

#include <linux/iopoll.h>

#include "iovnet_vf.h"

#define IOVNET_VF_MBX_R2C	(IOVNET_VF_MBX_PFSTS | IOVNET_VF_MBX_PFACK | \
				 IOVNET_VF_MBX_RSTD)
/* A PF under emulation can take tens of milliseconds per message */
#define IOVNET_VF_MBX_TIMEOUT	(2 * HZ)
#define IOVNET_VF_MBX_LOCK_TRIES	200
#define IOVNET_VF_RSTI_TIMEOUT_US	(200 * USEC_PER_MSEC)
/* Unsolicited messages handled per poll: a PF cannot flood us */
#define IOVNET_VF_MBX_DRAIN_MAX	4

static u32 iovnet_vf_mbx_fetch(struct iovnet_vf *vf)
{
	u32 v = vf_rd32(vf, IOVNET_VF_MBX);

	vf->mbx_bits |= v & IOVNET_VF_MBX_R2C;
	vf->mbx_last = v;
	return v;
}

/* Own the buffer: VFU set and the PF not holding it */
static int iovnet_vf_mbx_lock_buf(struct iovnet_vf *vf)
{
	unsigned int i;
	u32 v;

	for (i = 0; i < IOVNET_VF_MBX_LOCK_TRIES; i++) {
		vf_wr32(vf, IOVNET_VF_MBX, IOVNET_VF_MBX_VFU);
		v = iovnet_vf_mbx_fetch(vf);
		if ((v & (IOVNET_VF_MBX_VFU | IOVNET_VF_MBX_PFU)) ==
		    IOVNET_VF_MBX_VFU)
			return 0;
		/* Any write without VFU lets go, should both have raced */
		vf_wr32(vf, IOVNET_VF_MBX, 0);
		if (v & IOVNET_VF_MBX_RSTI)
			return -ENODEV;
		usleep_range(500, 1000);
	}
	return -ETIMEDOUT;
}

static int iovnet_vf_mbx_send(struct iovnet_vf *vf,
			      const union iovnet_mbx_msg *msg)
{
	unsigned int i;
	int err;

	err = iovnet_vf_mbx_lock_buf(vf);
	if (err)
		return err;
	for (i = 0; i < IOVNET_MBX_WORDS; i++)
		vf_wr32(vf, IOVNET_VF_VMBMEM + 4 * i, le32_to_cpu(msg->words[i]));
	/* REQ without VFU: raises the request and releases the buffer */
	vf_wr32(vf, IOVNET_VF_MBX, IOVNET_VF_MBX_REQ);
	vf->mbx_tx++;
	return 0;
}

static int iovnet_vf_mbx_recv(struct iovnet_vf *vf, union iovnet_mbx_msg *msg)
{
	unsigned int i;
	int err;

	err = iovnet_vf_mbx_lock_buf(vf);
	if (err)
		return err;
	for (i = 0; i < IOVNET_MBX_WORDS; i++)
		msg->words[i] = cpu_to_le32(vf_rd32(vf, IOVNET_VF_VMBMEM + 4 * i));
	/* ACK without VFU: tells the PF we read it and releases the buffer */
	vf_wr32(vf, IOVNET_VF_MBX, IOVNET_VF_MBX_ACK);
	vf->mbx_rx++;
	return 0;
}

/* Wait for one of @bits; a PF reset ends the wait early */
static int iovnet_vf_mbx_wait(struct iovnet_vf *vf, u32 bits,
			      unsigned long deadline)
{
	unsigned int polls = 0;
	u32 v;

	for (;;) {
		v = iovnet_vf_mbx_fetch(vf);
		if (vf->mbx_bits & bits)
			return 0;
		if ((v & IOVNET_VF_MBX_RSTI) ||
		    (vf->cts && (vf->mbx_bits & IOVNET_VF_MBX_RSTD)))
			return -ENODEV;
		if (time_after(jiffies, deadline))
			return -ETIMEDOUT;
		/* Microseconds on hardware, milliseconds under emulation */
		if (polls++ < 10)
			usleep_range(20, 50);
		else
			usleep_range(500, 1000);
	}
}

/**
 * iovnet_vf_request_reset() - have the service task redo the handshake
 * @vf: the VF
 * @reason: what went wrong, for the recovery's log line
 *
 * Callable from any context. Requests stop until the handshake is redone.
 */
void iovnet_vf_request_reset(struct iovnet_vf *vf, const char *reason)
{
	WRITE_ONCE(vf->cts, false);
	if (!test_and_set_bit(IOVNET_VF_RESET_REQUESTED, vf->state)) {
		vf->reset_reason = reason;
		vf->reset_start = jiffies;
		vf->retry_delay = 0;
		vf->retry_at = jiffies;
	}
	iovnet_vf_service_schedule(vf, 0);
}

/* A message the PF sent on its own, or one that is not our reply */
static void iovnet_vf_mbx_event(struct iovnet_vf *vf,
				const union iovnet_mbx_msg *msg)
{
	u32 word0 = iovnet_mbx_word0(msg);

	vf->mbx_events++;
	/*
	 * Without CTS the PF no longer counts us as reset (it lost or revoked
	 * the handshake, e.g. after a new administrative MAC): redo it. Before
	 * our handshake is done this is just the PF catching up.
	 */
	if (!(word0 & IOVNET_MBX_CTS)) {
		if (vf->cts)
			iovnet_vf_request_reset(vf, "a reset request from the PF");
		return;
	}
	if (iovnet_mbx_msg_id(msg) != IOVNET_MBX_PF_CONTROL)
		return;

	if (iovnet_mbx_msg_info(msg) == IOVNET_MBX_CTRL_LINK &&
	    (vf->pf_caps & IOVNET_MBX_CAP_LINK))
		iovnet_vf_pf_link(vf, &msg->link);
	else if (vf->pf_caps & IOVNET_MBX_CAP_LINK)
		set_bit(IOVNET_VF_LINK_QUERY, vf->state);
	/* A stock PF pings on link changes: look at the link now */
	iovnet_vf_service_schedule(vf, 0);
}

/* Read and handle what the PF wrote on its own */
static void iovnet_vf_mbx_drain(struct iovnet_vf *vf)
{
	union iovnet_mbx_msg msg;
	unsigned int i;

	for (i = 0; i < IOVNET_VF_MBX_DRAIN_MAX; i++) {
		if (!(vf->mbx_bits & IOVNET_VF_MBX_PFSTS))
			return;
		vf->mbx_bits &= ~IOVNET_VF_MBX_PFSTS;
		if (iovnet_vf_mbx_recv(vf, &msg)) {
			/* The PF holds the buffer: try again next time */
			vf->mbx_bits |= IOVNET_VF_MBX_PFSTS;
			return;
		}
		iovnet_vf_mbx_event(vf, &msg);
		iovnet_vf_mbx_fetch(vf);
	}
}

/*
 * The errno of a NACK: what the status code names when the PF granted
 * CAP_STATUS, -EPERM otherwise (the stock protocol says no more). The reset
 * and GET_CAPS replies come before the grant of this handshake.
 */
static int iovnet_vf_mbx_nack_errno(struct iovnet_vf *vf, u16 id, u32 word0)
{
	if (!(vf->pf_caps & IOVNET_MBX_CAP_STATUS) ||
	    id == IOVNET_MBX_VF_RESET || id == IOVNET_MBX_GET_CAPS)
		return -EPERM;
	return iovnet_mbx_status_to_errno(word0);
}

/*
 * One request and its reply, in @msg. Returns 0 for ACK, the NACK's errno
 * (iovnet_vf_mbx_nack_errno()), -EIO for a reply without CTS when
 * @need_cts, -ETIMEDOUT or -ENODEV when the PF did not answer; those ask
 * for a recovery rather than a retry.
 */
static int iovnet_vf_mbx_xfer(struct iovnet_vf *vf, union iovnet_mbx_msg *msg,
			      bool need_cts)
{
	u16 id = iovnet_mbx_msg_id(msg);
	union iovnet_mbx_msg reply;
	unsigned long deadline;
	u32 word0;
	int err;

	lockdep_assert_held(&vf->mbx_lock);

	/* Our request would overwrite a message the PF left for us */
	iovnet_vf_mbx_fetch(vf);
	iovnet_vf_mbx_drain(vf);
	vf->mbx_bits &= ~IOVNET_VF_MBX_PFACK;

	err = iovnet_vf_mbx_send(vf, msg);
	if (err)
		goto fail;

	deadline = jiffies + IOVNET_VF_MBX_TIMEOUT;
	err = iovnet_vf_mbx_wait(vf, IOVNET_VF_MBX_PFACK | IOVNET_VF_MBX_PFSTS,
				 deadline);
	if (err)
		goto fail;
	for (;;) {
		err = iovnet_vf_mbx_wait(vf, IOVNET_VF_MBX_PFSTS, deadline);
		if (err)
			goto fail;
		vf->mbx_bits &= ~IOVNET_VF_MBX_PFSTS;
		err = iovnet_vf_mbx_recv(vf, &reply);
		if (err)
			goto fail;
		word0 = iovnet_mbx_word0(&reply);
		if (iovnet_mbx_msg_id(&reply) == id &&
		    (word0 & (IOVNET_MBX_ACK | IOVNET_MBX_NACK)))
			break;
		iovnet_vf_mbx_event(vf, &reply);
	}
	vf->mbx_bits &= ~IOVNET_VF_MBX_PFACK;
	*msg = reply;

	if (need_cts && !(word0 & IOVNET_MBX_CTS)) {
		iovnet_vf_request_reset(vf, "a PF reply without CTS");
		return -EIO;
	}
	if (word0 & IOVNET_MBX_NACK) {
		vf->mbx_nacks++;
		return iovnet_vf_mbx_nack_errno(vf, id, word0);
	}
	return 0;

fail:
	if (err == -ETIMEDOUT) {
		vf->mbx_timeouts++;
		iovnet_vf_request_reset(vf, "a mailbox timeout");
	} else {
		iovnet_vf_request_reset(vf, "a PF reset");
	}
	return err;
}

/**
 * iovnet_vf_mbx_nacked() - was this the PF's refusal rather than no answer?
 * @err: what iovnet_vf_mbx_request() returned
 *
 * Return: true for the errno of a NACK.
 */
bool iovnet_vf_mbx_nacked(int err)
{
	switch (err) {
	case -EPERM:
	case -EINVAL:
	case -ENOSPC:
	case -EADDRINUSE:
	case -EAGAIN:
	case -EOPNOTSUPP:
		return true;
	default:
		return false;
	}
}

/**
 * iovnet_vf_mbx_request() - send a request to the PF and wait for the reply
 * @vf: the VF, after the handshake, under @vf->mbx_lock
 * @msg: the request; the reply on return (also for a NACK)
 *
 * Sleeps up to the mailbox timeout: never call it under RTNL from work that
 * runs on its own (iovnet_vf.h).
 *
 * Return: 0 when the PF acknowledged; when it refused, -EPERM or, with
 * IOVNET_MBX_CAP_STATUS, the errno its status names
 * (iovnet_vf_mbx_nacked() is true for these); -ENODEV when no handshake is
 * in force; another negative errno when the PF did not answer properly (a
 * recovery is then already scheduled).
 */
int iovnet_vf_mbx_request(struct iovnet_vf *vf, union iovnet_mbx_msg *msg)
{
	lockdep_assert_held(&vf->mbx_lock);
	if (!vf->cts)
		return -ENODEV;
	return iovnet_vf_mbx_xfer(vf, msg, true);
}

/**
 * iovnet_vf_mbx_reset() - reset the VF and do the mailbox reset handshake
 * @vf: the VF, datapath stopped, under @vf->mbx_lock
 * @reply: the PF's VF_RESET reply on return
 *
 * Return: 0 when the PF assigned a MAC address (in @reply), -EPERM when it
 * answered without one, another negative errno when it is not ready.
 */
int iovnet_vf_mbx_reset(struct iovnet_vf *vf, union iovnet_mbx_msg *reply)
{
	u32 v;
	int err;

	lockdep_assert_held(&vf->mbx_lock);
	WRITE_ONCE(vf->cts, false);
	/* What the PF granted ends with our reset; GET_CAPS asks again */
	WRITE_ONCE(vf->pf_caps, 0);
	vf->rss_config_at = 0;
	vf_wr32(vf, IOVNET_CTRL, IOVNET_CTRL_RST);
	/* Give the device, and the PF's view of our reset, time to settle */
	usleep_range(10000, 20000);
	/* RSTI stays set while the PF itself is resetting */
	err = read_poll_timeout(iovnet_vf_mbx_fetch, v,
				!(v & IOVNET_VF_MBX_RSTI), 1000,
				IOVNET_VF_RSTI_TIMEOUT_US, false, vf);
	if (err)
		return -ENODEV;
	/* Whatever the PF said before our reset is stale now */
	vf->mbx_bits = 0;

	iovnet_mbx_init(reply, IOVNET_MBX_VF_RESET, 0);
	err = iovnet_vf_mbx_xfer(vf, reply, false);
	if (!err || err == -EPERM)
		WRITE_ONCE(vf->cts, true);
	return err;
}

/**
 * iovnet_vf_mbx_poll() - look for PF resets and unsolicited messages
 * @vf: the VF
 *
 * Called from the service task and after a mailbox interrupt.
 */
void iovnet_vf_mbx_poll(struct iovnet_vf *vf)
{
	u32 v;

	mutex_lock(&vf->mbx_lock);
	v = iovnet_vf_mbx_fetch(vf);
	if (vf->cts && ((v & IOVNET_VF_MBX_RSTI) ||
			(vf->mbx_bits & IOVNET_VF_MBX_RSTD))) {
		vf->mbx_bits &= ~IOVNET_VF_MBX_RSTD;
		iovnet_vf_request_reset(vf, "a PF reset");
	}
	iovnet_vf_mbx_drain(vf);
	mutex_unlock(&vf->mbx_lock);
}
