// SPDX-License-Identifier: GPL-2.0
/* Copyright (c) 2026 The iovnet authors */

/*
 * devlink: what the device is ("devlink dev info"), the runtime parameter
 * mbx_rate_per_vf (each VF's steady mailbox rate), and the health
 * reporters "tx_hang" and "mailbox". A TX hang, seen by the stack's
 * watchdog or by the service task's check of the rings, is reported here
 * with a snapshot of the rings as its dump; the reporter's recover asks the service task for the
 * datapath reset that follows, so with auto-recover off a hung PF stays as
 * it is for the user to look at and to recover ("devlink health recover").
 *
 * The "mailbox" reporter gets each episode of a VF throttled for flooding
 * the mailbox, with the VF's counters as its dump, and goes back to
 * healthy when no VF is throttled any more; there is nothing to recover
 * (the VF is served again as its budget refills).
 *
 * Lock order: RTNL (tx_hang reports under it) or @pf->vf_lock (mailbox
 * reports), then devlink's locks; no callback here takes RTNL or
 * @pf->vf_lock: they read what they show without them.
 */

#include <net/devlink.h>

#include "compat.h"
#include "iovnet_devlink.h"
#include "iovnet_pf.h"

static struct iovnet_pf *iovnet_pf_from_devlink(struct devlink *devlink)
{
	return *(struct iovnet_pf **)devlink_priv(devlink);
}

static int iovnet_pf_devlink_info_get(struct devlink *devlink,
				      struct devlink_info_req *req,
				      struct netlink_ext_ack *extack)
{
	struct iovnet_pf *pf = iovnet_pf_from_devlink(devlink);
	char buf[32];
	u8 dsn[8];
	int err;

	err = iovnet_devlink_info_pci(req, pf->pdev, IOVNET_PF_DRV_NAME);
	if (err)
		return err;
	/* The PCIe serial number if the device has one, else its NVM MAC */
	put_unaligned_be64(pci_get_dsn(pf->pdev), dsn);
	if (memchr_inv(dsn, 0, sizeof(dsn)))
		snprintf(buf, sizeof(buf), "%8phD", dsn);
	else
		snprintf(buf, sizeof(buf), "%6phD", pf->perm_addr);
	return devlink_info_serial_number_put(req, buf);
}

/* Runtime parameters, driver specific */
enum iovnet_pf_devlink_param_id {
	IOVNET_PF_DEVLINK_PARAM_MBX_RATE = DEVLINK_PARAM_GENERIC_ID_MAX + 1,
};

static int iovnet_pf_param_mbx_rate_get(struct devlink *devlink,
					struct devlink_param_gset_ctx *ctx,
					struct netlink_ext_ack *extack)
{
	struct iovnet_pf *pf = iovnet_pf_from_devlink(devlink);

	ctx->val.vu32 = READ_ONCE(pf->mbx_per_sec);
	return 0;
}

/* Taken at each VF's next refill; validate has bounded the value */
static int iovnet_pf_param_mbx_rate_set(struct devlink *devlink,
					struct devlink_param_gset_ctx *ctx,
					struct netlink_ext_ack *extack)
{
	struct iovnet_pf *pf = iovnet_pf_from_devlink(devlink);

	WRITE_ONCE(pf->mbx_per_sec, ctx->val.vu32);
	return 0;
}

static int iovnet_pf_param_mbx_rate_validate(struct devlink *devlink,
					     union devlink_param_value val,
					     struct netlink_ext_ack *extack)
{
	if (val.vu32 < IOVNET_PF_MBX_PER_SEC_MIN ||
	    val.vu32 > IOVNET_PF_MBX_PER_SEC_MAX) {
		NL_SET_ERR_MSG_FMT_MOD(extack,
				       "mbx_rate_per_vf %u: from %u to %u requests a second",
				       val.vu32, IOVNET_PF_MBX_PER_SEC_MIN,
				       IOVNET_PF_MBX_PER_SEC_MAX);
		return -ERANGE;
	}
	return 0;
}

IOVNET_DEVLINK_PARAM_GET_OP(iovnet_pf_param_mbx_rate)
IOVNET_DEVLINK_PARAM_SET_OP(iovnet_pf_param_mbx_rate)
IOVNET_DEVLINK_PARAM_VALIDATE_OP(iovnet_pf_param_mbx_rate)

static const struct devlink_param iovnet_pf_devlink_params[] = {
	DEVLINK_PARAM_DRIVER(IOVNET_PF_DEVLINK_PARAM_MBX_RATE,
			     "mbx_rate_per_vf", DEVLINK_PARAM_TYPE_U32,
			     BIT(DEVLINK_PARAM_CMODE_RUNTIME),
			     iovnet_pf_param_mbx_rate_get_op,
			     iovnet_pf_param_mbx_rate_set_op,
			     iovnet_pf_param_mbx_rate_validate_op),
};

static const struct devlink_ops iovnet_pf_devlink_ops = {
	.info_get = iovnet_pf_devlink_info_get,
};

/* Asks for the reset; the service task does it, under RTNL */
static int iovnet_pf_tx_hang_recover(struct devlink_health_reporter *reporter,
				     void *ctx, struct netlink_ext_ack *extack)
{
	struct iovnet_pf *pf = devlink_health_reporter_priv(reporter);

	if (test_bit(IOVNET_PF_REMOVING, pf->state)) {
		NL_SET_ERR_MSG_MOD(extack, "the PF is being removed");
		return -ENODEV;
	}
	set_bit(IOVNET_PF_RESET_REQUESTED, pf->state);
	iovnet_pf_service_schedule(pf);
	return 0;
}

static void iovnet_pf_tx_hang_put(struct devlink_fmsg *fmsg,
				  const struct iovnet_pf_tx_hang *hang)
{
	unsigned int q;

	devlink_fmsg_string_pair_put(fmsg, "reason", hang->why);
	if (hang->queue != U32_MAX)
		devlink_fmsg_u32_pair_put(fmsg, "watchdog_queue", hang->queue);
	devlink_fmsg_arr_pair_nest_start(fmsg, "rings");
	for (q = 0; q < hang->num_queues; q++) {
		devlink_fmsg_obj_nest_start(fmsg);
		devlink_fmsg_u32_pair_put(fmsg, "queue", q);
		devlink_fmsg_u32_pair_put(fmsg, "next_to_use",
					  hang->rings[q].next_to_use);
		devlink_fmsg_u32_pair_put(fmsg, "next_to_clean",
					  hang->rings[q].next_to_clean);
		devlink_fmsg_u32_pair_put(fmsg, "head", hang->rings[q].head);
		devlink_fmsg_u32_pair_put(fmsg, "tail", hang->rings[q].tail);
		devlink_fmsg_obj_nest_end(fmsg);
	}
	devlink_fmsg_arr_pair_nest_end(fmsg);
}

/*
 * The rings at the report (@ctx), or, for a dump the user asks for, at the
 * last hang: the rings themselves may be freed under us without RTNL
 */
static int iovnet_pf_tx_hang_dump(struct devlink_health_reporter *reporter,
				  struct devlink_fmsg *fmsg, void *ctx,
				  struct netlink_ext_ack *extack)
{
	struct iovnet_pf *pf = devlink_health_reporter_priv(reporter);
	struct iovnet_pf_tx_hang hang;

	if (ctx) {
		hang = *(struct iovnet_pf_tx_hang *)ctx;
	} else {
		spin_lock_bh(&pf->health_lock);
		hang = pf->tx_hang_last;
		spin_unlock_bh(&pf->health_lock);
	}
	if (!hang.why) {
		NL_SET_ERR_MSG_MOD(extack, "no TX hang seen yet");
		return -ENODATA;
	}
	iovnet_pf_tx_hang_put(fmsg, &hang);
	return 0;
}

static int
iovnet_pf_tx_hang_diagnose(struct devlink_health_reporter *reporter,
			   struct devlink_fmsg *fmsg,
			   struct netlink_ext_ack *extack)
{
	struct iovnet_pf *pf = devlink_health_reporter_priv(reporter);

	devlink_fmsg_bool_pair_put(fmsg, "running", iovnet_pf_running(pf));
	devlink_fmsg_u32_pair_put(fmsg, "queues",
				  READ_ONCE(pf->port.num_queues));
	devlink_fmsg_u64_pair_put(fmsg, "tx_timeouts",
				  READ_ONCE(pf->tx_timeouts));
	devlink_fmsg_u64_pair_put(fmsg, "tx_stalls", READ_ONCE(pf->tx_stalls));
	devlink_fmsg_u64_pair_put(fmsg, "resets", READ_ONCE(pf->resets));
	return 0;
}

static const struct devlink_health_reporter_ops iovnet_pf_tx_hang_ops = {
	.name = "tx_hang",
	.recover = iovnet_pf_tx_hang_recover,
	.dump = iovnet_pf_tx_hang_dump,
	.diagnose = iovnet_pf_tx_hang_diagnose,
};

/**
 * iovnet_pf_tx_hang_report() - report a TX hang to devlink health
 * @pf: the PF
 * @why: what saw it
 * @queue: the queue the stack's watchdog named, or U32_MAX
 *
 * Called by the service task under RTNL, which keeps the rings in place
 * while they are read. Devlink dumps them and, with auto-recover on (the
 * default), calls the reporter's recover at once.
 */
void iovnet_pf_tx_hang_report(struct iovnet_pf *pf, const char *why,
			      u32 queue)
{
	struct devlink_health_reporter *reporter;
	struct iovnet_port *port = &pf->port;
	struct iovnet_pf_tx_hang hang = {
		.why = why,
		.queue = queue,
	};
	unsigned int q;

	ASSERT_RTNL();
	if (port->running) {
		hang.num_queues = port->num_queues;
		for (q = 0; q < port->num_queues; q++) {
			struct iovnet_ring *ring = port->qvecs[q]->tx;

			hang.rings[q].next_to_use = READ_ONCE(ring->next_to_use);
			hang.rings[q].next_to_clean =
				READ_ONCE(ring->next_to_clean);
			hang.rings[q].head = readl(ring->regs + IOVNET_Q_HEAD);
			hang.rings[q].tail = readl(ring->regs + IOVNET_Q_TAIL);
		}
	}
	spin_lock_bh(&pf->health_lock);
	pf->tx_hang_last = hang;
	spin_unlock_bh(&pf->health_lock);

	reporter = READ_ONCE(pf->tx_hang_reporter);
	if (reporter)
		devlink_health_report(reporter, why, &hang);
	else
		set_bit(IOVNET_PF_RESET_REQUESTED, pf->state);
}

static void iovnet_pf_mbx_event_put(struct devlink_fmsg *fmsg,
				    const struct iovnet_pf_mbx_event *e)
{
	devlink_fmsg_u32_pair_put(fmsg, "vf", e->vf);
	devlink_fmsg_u64_pair_put(fmsg, "msgs", e->msgs);
	devlink_fmsg_u64_pair_put(fmsg, "nacks", e->nacks);
	devlink_fmsg_u64_pair_put(fmsg, "invalid", e->invalid);
	devlink_fmsg_u64_pair_put(fmsg, "throttled", e->throttled);
	devlink_fmsg_u64_pair_put(fmsg, "busy", e->busy);
	devlink_fmsg_u64_pair_put(fmsg, "resets", e->resets);
}

/* The VF's counters now; a racing update shows one side or the other */
static void iovnet_pf_mbx_event_read(struct iovnet_pf *pf, unsigned int vf,
				     struct iovnet_pf_mbx_event *e)
{
	const struct iovnet_pf_vf *v = &pf->vfs[vf];

	e->vf = vf;
	e->msgs = READ_ONCE(v->msgs);
	e->nacks = READ_ONCE(v->nacks);
	e->invalid = READ_ONCE(v->invalid);
	e->throttled = READ_ONCE(v->throttled);
	e->busy = READ_ONCE(v->busy);
	e->resets = READ_ONCE(v->resets);
}

static int iovnet_pf_mbx_dump(struct devlink_health_reporter *reporter,
			      struct devlink_fmsg *fmsg, void *ctx,
			      struct netlink_ext_ack *extack)
{
	struct iovnet_pf *pf = devlink_health_reporter_priv(reporter);
	struct iovnet_pf_mbx_event e;

	if (ctx) {
		e = *(struct iovnet_pf_mbx_event *)ctx;
	} else {
		spin_lock_bh(&pf->health_lock);
		e = pf->mbx_last;
		spin_unlock_bh(&pf->health_lock);
	}
	if (!e.throttled) {
		NL_SET_ERR_MSG_MOD(extack, "no VF throttled yet");
		return -ENODATA;
	}
	iovnet_pf_mbx_event_put(fmsg, &e);
	return 0;
}

/* Every VF's mailbox counters, and whether it is throttled now */
static int iovnet_pf_mbx_diagnose(struct devlink_health_reporter *reporter,
				  struct devlink_fmsg *fmsg,
				  struct netlink_ext_ack *extack)
{
	struct iovnet_pf *pf = devlink_health_reporter_priv(reporter);
	unsigned int vf, num_vfs = READ_ONCE(pf->num_vfs);
	unsigned long masked = READ_ONCE(pf->mbx_irq_masked);
	struct iovnet_pf_mbx_event e;

	devlink_fmsg_u64_pair_put(fmsg, "irqs_throttled",
				  READ_ONCE(pf->mbx_irqs_throttled));
	devlink_fmsg_arr_pair_nest_start(fmsg, "vfs");
	for (vf = 0; vf < num_vfs; vf++) {
		iovnet_pf_mbx_event_read(pf, vf, &e);
		devlink_fmsg_obj_nest_start(fmsg);
		iovnet_pf_mbx_event_put(fmsg, &e);
		devlink_fmsg_bool_pair_put(fmsg, "throttling",
					   test_bit(vf, &masked));
		devlink_fmsg_obj_nest_end(fmsg);
	}
	devlink_fmsg_arr_pair_nest_end(fmsg);
	return 0;
}

static const struct devlink_health_reporter_ops iovnet_pf_mbx_ops = {
	.name = "mailbox",
	.dump = iovnet_pf_mbx_dump,
	.diagnose = iovnet_pf_mbx_diagnose,
};

/**
 * iovnet_pf_mbx_report() - report a VF throttled for flooding the mailbox
 * @pf: the PF, under @pf->vf_lock
 * @vf: the VF, whose throttle episode just began
 */
void iovnet_pf_mbx_report(struct iovnet_pf *pf, unsigned int vf)
{
	struct devlink_health_reporter *reporter;
	struct iovnet_pf_mbx_event e;

	lockdep_assert_held(&pf->vf_lock);
	iovnet_pf_mbx_event_read(pf, vf, &e);
	spin_lock_bh(&pf->health_lock);
	pf->mbx_last = e;
	spin_unlock_bh(&pf->health_lock);
	reporter = READ_ONCE(pf->mbx_reporter);
	if (reporter)
		devlink_health_report(reporter, "VF throttled: mailbox flood",
				      &e);
}

/**
 * iovnet_pf_mbx_healthy() - no VF is throttled any more
 * @pf: the PF, under @pf->vf_lock
 */
void iovnet_pf_mbx_healthy(struct iovnet_pf *pf)
{
	struct devlink_health_reporter *reporter;

	lockdep_assert_held(&pf->vf_lock);
	reporter = READ_ONCE(pf->mbx_reporter);
	if (reporter)
		devlink_health_reporter_state_update(reporter,
						     DEVLINK_HEALTH_REPORTER_STATE_HEALTHY);
}

/**
 * iovnet_pf_devlink_register() - create and register the PF's devlink
 * @pf: the PF, its netdev registered
 *
 * Return: 0 or a negative errno.
 */
int iovnet_pf_devlink_register(struct iovnet_pf *pf)
{
	struct devlink_health_reporter *reporter, *mbx;
	struct devlink *devlink;
	int err;

	devlink = devlink_alloc(&iovnet_pf_devlink_ops, sizeof(pf),
				&pf->pdev->dev);
	if (!devlink)
		return -ENOMEM;
	*(struct iovnet_pf **)devlink_priv(devlink) = pf;

	/*
	 * No grace period: each hang is recovered, as without devlink, as
	 * long as the reporter was healthy (devlink's rule: after a recover
	 * refused or left to the user, the next one is the user's too)
	 */
	reporter = iovnet_devlink_health_reporter_create(devlink,
							 &iovnet_pf_tx_hang_ops,
							 pf);
	if (IS_ERR(reporter)) {
		devlink_free(devlink);
		return PTR_ERR(reporter);
	}
	mbx = iovnet_devlink_health_reporter_create(devlink, &iovnet_pf_mbx_ops,
						    pf);
	if (IS_ERR(mbx)) {
		err = PTR_ERR(mbx);
		goto err_tx_hang;
	}
	/* Before devlink_register(): 6.1 wants it so */
	err = devlink_params_register(devlink, iovnet_pf_devlink_params,
				      ARRAY_SIZE(iovnet_pf_devlink_params));
	if (err)
		goto err_mbx;
	pf->devlink = devlink;
	devlink_register(devlink);
	/*
	 * Published once registered (a report notifies user space): the
	 * service task may already run, and reads each pointer once
	 */
	WRITE_ONCE(pf->tx_hang_reporter, reporter);
	WRITE_ONCE(pf->mbx_reporter, mbx);
	return 0;

err_mbx:
	devlink_health_reporter_destroy(mbx);
err_tx_hang:
	devlink_health_reporter_destroy(reporter);
	devlink_free(devlink);
	return err;
}

/**
 * iovnet_pf_devlink_unregister() - undo iovnet_pf_devlink_register()
 * @pf: the PF, its VFs gone (no mailbox reports), IOVNET_PF_REMOVING set
 *	and the service task cancelled since (no TX hang reports)
 */
void iovnet_pf_devlink_unregister(struct iovnet_pf *pf)
{
	if (!pf->devlink)
		return;
	devlink_unregister(pf->devlink);
	devlink_params_unregister(pf->devlink, iovnet_pf_devlink_params,
				  ARRAY_SIZE(iovnet_pf_devlink_params));
	devlink_health_reporter_destroy(pf->mbx_reporter);
	WRITE_ONCE(pf->mbx_reporter, NULL);
	devlink_health_reporter_destroy(pf->tx_hang_reporter);
	WRITE_ONCE(pf->tx_hang_reporter, NULL);
	devlink_free(pf->devlink);
	pf->devlink = NULL;
}
