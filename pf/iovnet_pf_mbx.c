// SPDX-License-Identifier: GPL-2.0
/* Copyright (c) 2026 The iovnet authors */

/*
 * The PF side of the mailbox: the transport. The "other" interrupt
 * (ICR.VMMB) only kicks a work item; the work reads which VFs raised a
 * request or were reset, serves at most one request per VF per pass, and
 * refuses anything that fails iovnet_mbx_validate() with a NACK, a per-VF
 * counter and a log line rate-limited per VF. Well-formed requests go to
 * iovnet_pf_vf.c, which decides; the reply carries its answer (and a status
 * code for VFs that asked for one).
 *
 * Everything a VF makes the PF do is charged to that VF's token bucket by
 * its cost, resets included, so a flooding VF gets no more than its share
 * of the PF's time; a VF that keeps its buffer locked, before a request or
 * before our reply, is tried less and less often.
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
/* How long a PF message the VF has not acknowledged keeps the buffer */
#define IOVNET_PF_MBX_UNREAD_WAIT	(HZ / 2)

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
 * breaks the VF's lock and takes the buffer in the same write (RVFU with
 * PFU), once per IOVNET_PF_MBX_MAX_HOLD.
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
		pf_wr32(pf, IOVNET_PF_MBX(vf),
			IOVNET_PF_MBX_RVFU | IOVNET_PF_MBX_PFU);
		v->busy_since = now;
		if (pf_rd32(pf, IOVNET_PF_MBX(vf)) & IOVNET_PF_MBX_PFU) {
			v->lock_fails = 0;
			return true;
		}
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
	struct iovnet_pf_vf *v = &pf->vfs[vf];
	unsigned int i;

	for (i = 0; i < words; i++)
		pf_wr32(pf, IOVNET_PF_VMBMEM(vf) + 4 * i,
			le32_to_cpu(msg->words[i]));
	/* An acknowledgment latched before now was for an earlier message */
	pf_wr32(pf, IOVNET_PF_MBVFICR,
		FIELD_PREP(IOVNET_MBVFICR_VFACK, BIT(vf)));
	pf_wr32(pf, IOVNET_PF_MBX(vf), IOVNET_PF_MBX_STS);
	v->unread = true;
	v->sent_at = jiffies;
}

/*
 * Whether a message of the PF's own making (not a reply) must wait: the
 * VF has not acknowledged the last one, a reply it may be about to read.
 * The wait ends IOVNET_PF_MBX_UNREAD_WAIT after that message or after the
 * notification was queued, whichever came first: neither a VF that never
 * acknowledges nor one that keeps asking holds a notification up longer.
 * Return: jiffies left to wait, 0 if it may be sent.
 */
static unsigned long iovnet_pf_mbx_unread_left(const struct iovnet_pf_vf *v,
					       unsigned long now)
{
	unsigned long from = time_before(v->sent_at, v->notify_since) ?
			     v->sent_at : v->notify_since;
	unsigned long until = from + IOVNET_PF_MBX_UNREAD_WAIT;

	return v->unread && time_in_range(now, from, until) ? until - now : 0;
}

/* Refill VF @v's bucket; true when it has credit left to be served */
static bool iovnet_pf_mbx_budget(struct iovnet_pf *pf, struct iovnet_pf_vf *v)
{
	unsigned long now = jiffies, rate = READ_ONCE(pf->mbx_per_sec);
	u64 add = div_u64((u64)(now - v->refill) * rate, HZ);

	if (!add)
		return v->tokens > 0;
	if (add >= 2 * IOVNET_PF_MBX_BURST) {
		add = 2 * IOVNET_PF_MBX_BURST;
		v->refill = now;
	} else {
		/* Only the time the tokens took: the fraction carries over */
		v->refill += div_u64(add * HZ, rate);
	}
	v->tokens = min_t(int, IOVNET_PF_MBX_BURST, v->tokens + (int)add);
	return v->tokens > 0;
}

/* What VF @v made the PF do; a debt delays its next service */
static void iovnet_pf_mbx_charge(struct iovnet_pf_vf *v, int cost)
{
	v->tokens = max(v->tokens - cost, -IOVNET_PF_MBX_BURST);
}

/* Jiffies until VF @v's bucket has credit again, at least one */
static unsigned long iovnet_pf_mbx_refill_in(struct iovnet_pf *pf,
					     const struct iovnet_pf_vf *v)
{
	unsigned long owed = v->tokens > 0 ? 0 : 1 - v->tokens;

	return max(1UL, DIV_ROUND_UP(owed * HZ, READ_ONCE(pf->mbx_per_sec)));
}

/* MBVFIMR: the mailbox and reset interrupts of every VF not throttled */
static void iovnet_pf_mbx_irq_apply(struct iovnet_pf *pf)
{
	u32 vfs = pf->num_vfs ? GENMASK(pf->num_vfs - 1, 0) : 0;

	pf_wr32(pf, IOVNET_PF_MBVFIMR, vfs & ~pf->mbx_irq_masked);
}

/*
 * VF @vf is over its budget. Its requests and resets stay latched in
 * MBVFICR and VFLRE, which every pass reads, so its interrupt is masked
 * until it is served again: a flooding VF then costs the PF one pass per
 * refill, not one per message it writes.
 */
static void iovnet_pf_mbx_throttle(struct iovnet_pf *pf, unsigned int vf)
{
	struct iovnet_pf_vf *v = &pf->vfs[vf];

	if (v->throttling)
		return;
	v->throttling = true;
	WRITE_ONCE(pf->mbx_irq_masked, pf->mbx_irq_masked | BIT(vf));
	iovnet_pf_mbx_irq_apply(pf);
	if (!v->throttled++)
		dev_warn(&pf->pdev->dev, "VF %u: mailbox flood, throttled\n",
			 vf);
	else
		iovnet_pf_vf_warn(pf, vf, "mailbox flood, throttled\n");
	/*
	 * A flooding VF is throttled again at each refill, a few hundred
	 * times a second: devlink hears of it at most once a second
	 */
	if (v->throttled == 1 ||
	    time_after(jiffies, v->throttle_reported + HZ)) {
		v->throttle_reported = jiffies;
		iovnet_pf_mbx_report(pf, vf);
	}
}

static void iovnet_pf_mbx_unthrottle(struct iovnet_pf *pf, unsigned int vf)
{
	struct iovnet_pf_vf *v = &pf->vfs[vf];

	if (!v->throttling)
		return;
	v->throttling = false;
	WRITE_ONCE(pf->mbx_irq_masked, pf->mbx_irq_masked & ~BIT(vf));
	iovnet_pf_mbx_irq_apply(pf);
	if (!pf->mbx_irq_masked)
		iovnet_pf_mbx_healthy(pf);
}

/**
 * iovnet_pf_mbx_start() - the mailbox after VFs came, went or were reset
 * @pf: the PF, under @pf->vf_lock, @pf->num_vfs set
 *
 * Forgets what waited for flood control and unmasks every VF's mailbox
 * interrupt: the hardware's reset value of MBVFIMR is not relied on.
 */
void iovnet_pf_mbx_start(struct iovnet_pf *pf)
{
	unsigned int vf;

	lockdep_assert_held(&pf->vf_lock);
	pf->mbx_pending = 0;
	pf->flr_pending = 0;
	WRITE_ONCE(pf->mbx_irq_masked, 0);
	for (vf = 0; vf < pf->num_vfs; vf++) {
		pf->vfs[vf].throttling = false;
		pf->vfs[vf].unread = false;
	}
	iovnet_pf_mbx_irq_apply(pf);
	iovnet_pf_mbx_healthy(pf);
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
	/* A VF that writes a request is done with our last message */
	v->unread = false;
	v->msgs++;

	word0 = iovnet_mbx_word0(&req);
	memset(&reply, 0, sizeof(reply));
	err = iovnet_mbx_validate(&req);
	if (err) {
		v->invalid++;
		iovnet_pf_vf_warn(pf, vf, "malformed message %#010x refused: %d\n",
				  word0, err);
		len = err;
		word0 &= IOVNET_MBX_ID | IOVNET_MBX_INFO;
	} else if (iovnet_mbx_msg_id(&req) == IOVNET_MBX_VF_RESET) {
		iovnet_pf_mbx_charge(v, IOVNET_PF_MBX_COST_RESET -
				     IOVNET_PF_MBX_COST_MSG);
		len = iovnet_pf_vf_reset_msg(pf, vf, &reply);
		goto send;
	} else if (!v->cts) {
		/*
		 * Expected after the PF asked for a new handshake: the VF learns
		 * of it from this very NACK (stock igbvf does).
		 */
		if (v->reset_asked)
			dev_dbg(&pf->pdev->dev, "VF %u: message %#06x while asked to reset\n",
				vf, iovnet_mbx_msg_id(&req));
		else
			iovnet_pf_vf_warn(pf, vf, "message %#06x before its handshake refused\n",
					  iovnet_mbx_msg_id(&req));
		len = -EAGAIN;
	} else {
		reply = req;
		len = iovnet_pf_vf_request(pf, vf, &req, &reply);
	}

	flags = len < 0 ? IOVNET_MBX_NACK : IOVNET_MBX_ACK;
	if (v->caps & IOVNET_MBX_CAP_STATUS)
		flags |= FIELD_PREP(IOVNET_MBX_STATUS,
				    iovnet_mbx_status_from_errno(min(len, 0)));
	if (len < 0) {
		v->nacks++;
		len = 1;
	}
	if (v->cts)
		flags |= IOVNET_MBX_CTS;
	reply.hdr.word0 = cpu_to_le32(word0 | flags);
send:
	/* A VF that takes the buffer back before our reply pays for it */
	if (!iovnet_pf_mbx_claim(pf, vf)) {
		iovnet_pf_mbx_charge(v, IOVNET_PF_MBX_COST_RESET);
		iovnet_pf_vf_warn(pf, vf, "took the mailbox before our reply\n");
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

	/*
	 * A request not yet read sits in the buffer: serve it first. One that
	 * waits for flood control or for its reset is no longer in MBVFICR
	 * (this pass cleared it) but is still in the buffer.
	 */
	if (test_bit(vf, &pf->mbx_pending) || test_bit(vf, &pf->flr_pending))
		return;
	/* Nor may it overwrite a reply the VF has not read yet */
	if (iovnet_pf_mbx_unread_left(v, jiffies))
		return;
	if (!iovnet_pf_mbx_claim(pf, vf))
		return;
	/*
	 * Only with the buffer ours can no request come in: one that came
	 * before the claim is in MBVFICR now. Give the buffer back to it.
	 */
	if (pf_rd32(pf, IOVNET_PF_MBVFICR) & BIT(vf)) {
		pf_wr32(pf, IOVNET_PF_MBX(vf), 0);
		return;
	}

	if (v->notify & IOVNET_PF_NOTIFY_RESET) {
		/* No CTS and a NACK: every VF driver reads that as "reset" */
		iovnet_mbx_init(&msg, IOVNET_MBX_PF_CONTROL, 0);
		msg.hdr.word0 |= cpu_to_le32(IOVNET_MBX_NACK);
		v->cts = false;
		v->reset_asked = true;
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
	struct iovnet_pf_vf *v = &pf->vfs[vf];

	if (!v->notify)
		v->notify_since = jiffies;
	v->notify |= what;
	iovnet_pf_mbx_schedule(pf);
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
		mod_delayed_work(system_dfl_wq, &pf->mbx_task, 0);
}

/**
 * iovnet_pf_mbx_irq() - the "other" interrupt saw a mailbox cause
 * @pf: the PF
 *
 * A throttled VF's interrupt is masked in MBVFIMR, but a device that
 * raises it anyway (QEMU's model never looks at MBVFIMR) must not buy a
 * flooding VF a pass per message: when only throttled VFs are asking, the
 * pass already queued for their refill serves them. Their bits stay
 * latched in MBVFICR and VFLRE until that pass reads them.
 */
void iovnet_pf_mbx_irq(struct iovnet_pf *pf)
{
	unsigned int num_vfs = READ_ONCE(pf->num_vfs);
	unsigned long masked = READ_ONCE(pf->mbx_irq_masked);
	u32 icr, who;

	if (num_vfs && masked) {
		icr = pf_rd32(pf, IOVNET_PF_MBVFICR);
		who = FIELD_GET(IOVNET_MBVFICR_VFREQ, icr) |
		      FIELD_GET(IOVNET_MBVFICR_VFACK, icr) |
		      pf_rd32(pf, IOVNET_PF_VFLRE);
		who &= GENMASK(num_vfs - 1, 0);
		if (who && !(who & ~masked)) {
			WRITE_ONCE(pf->mbx_irqs_throttled,
				   pf->mbx_irqs_throttled + 1);
			return;
		}
	}
	iovnet_pf_mbx_schedule(pf);
}

/**
 * iovnet_pf_mbx_task() - serve VF resets, requests and notifications
 * @work: the mailbox work item
 */
void iovnet_pf_mbx_task(struct work_struct *work)
{
	struct iovnet_pf *pf = container_of(to_delayed_work(work),
					    struct iovnet_pf, mbx_task);
	unsigned long pending, flr, acks, wait, delay = ULONG_MAX;
	unsigned int vf;
	u32 icr;

	mutex_lock(&pf->vf_lock);
	/* Read (and so clear) WVBR even if the VFs went meanwhile */
	if (test_and_clear_bit(IOVNET_PF_SPOOF_EVENT, pf->state))
		iovnet_pf_vf_spoofed(pf, pf_rd32(pf, IOVNET_PF_WVBR));
	if (!pf->num_vfs)
		goto out;

	icr = pf_rd32(pf, IOVNET_PF_MBVFICR);
	flr = pf_rd32(pf, IOVNET_PF_VFLRE) & GENMASK(pf->num_vfs - 1, 0);
	pf_wr32(pf, IOVNET_PF_MBVFICR, icr);
	pf_wr32(pf, IOVNET_PF_VFLRE, flr);

	/* The VFs that read what the PF wrote them last */
	acks = FIELD_GET(IOVNET_MBVFICR_VFACK, icr);
	for_each_set_bit(vf, &acks, pf->num_vfs)
		pf->vfs[vf].unread = false;

	/* A reset rewrites the VF's filters: it costs like one, whatever sent it */
	pf->flr_pending |= flr;
	flr = pf->flr_pending;
	for_each_set_bit(vf, &flr, pf->num_vfs) {
		struct iovnet_pf_vf *v = &pf->vfs[vf];

		if (!iovnet_pf_mbx_budget(pf, v)) {
			iovnet_pf_mbx_throttle(pf, vf);
			continue;
		}
		iovnet_pf_mbx_unthrottle(pf, vf);
		clear_bit(vf, &pf->flr_pending);
		iovnet_pf_mbx_charge(v, IOVNET_PF_MBX_COST_RESET);
		v->notify = 0;
		v->unread = false;
		v->lock_fails = 0;
		iovnet_pf_vf_flr(pf, vf);
	}

	pending = pf->mbx_pending | FIELD_GET(IOVNET_MBVFICR_VFREQ, icr);
	pending &= GENMASK(pf->num_vfs - 1, 0);
	pf->mbx_pending = 0;
	for_each_set_bit(vf, &pending, pf->num_vfs) {
		struct iovnet_pf_vf *v = &pf->vfs[vf];

		/* A request after a reset waits until the reset is served */
		if (test_bit(vf, &pf->flr_pending) ||
		    iovnet_pf_mbx_backoff_left(v, jiffies)) {
			set_bit(vf, &pf->mbx_pending);
			continue;
		}
		if (!iovnet_pf_mbx_budget(pf, v)) {
			iovnet_pf_mbx_throttle(pf, vf);
			set_bit(vf, &pf->mbx_pending);
			continue;
		}
		iovnet_pf_mbx_unthrottle(pf, vf);
		iovnet_pf_mbx_charge(v, IOVNET_PF_MBX_COST_MSG);
		iovnet_pf_mbx_request(pf, vf);
	}

	for (vf = 0; vf < pf->num_vfs; vf++) {
		struct iovnet_pf_vf *v = &pf->vfs[vf];

		if (v->notify && !iovnet_pf_mbx_backoff_left(v, jiffies))
			iovnet_pf_mbx_send_notify(pf, vf);
		/*
		 * Left waiting: next tick, or when the VF's back-off ends, or
		 * when its bucket has credit again, or when its wait for an
		 * acknowledgment ends. The acknowledgment's interrupt comes
		 * first, as a rule; a pass every 50 ms covers a lost one.
		 */
		if (v->notify || test_bit(vf, &pf->mbx_pending) ||
		    test_bit(vf, &pf->flr_pending)) {
			wait = iovnet_pf_mbx_backoff_left(v, jiffies) ?: 1;
			if (wait == 1 && v->notify &&
			    !test_bit(vf, &pf->mbx_pending) &&
			    !test_bit(vf, &pf->flr_pending))
				wait = clamp(iovnet_pf_mbx_unread_left(v, jiffies),
					     1UL, (unsigned long)max(HZ / 20, 1));
			if (v->throttling)
				wait = max(wait, iovnet_pf_mbx_refill_in(pf, v));
			delay = min(delay, wait);
		}
	}
out:
	mutex_unlock(&pf->vf_lock);
	/*
	 * queue_, not mod_delayed_work(): a kick that came in meanwhile must
	 * not be pushed back to a backing-off VF's time.
	 */
	if (delay != ULONG_MAX && !test_bit(IOVNET_PF_REMOVING, pf->state))
		queue_delayed_work(system_dfl_wq, &pf->mbx_task, delay);
}
