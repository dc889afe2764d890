// SPDX-License-Identifier: GPL-2.0
/* Copyright (c) 2026 The iovnet authors */

/*
 * devlink on the VF: "devlink dev info", and the "recovery" health
 * reporter. Each recovery episode (the reset handshake redone after a PF
 * reset, an FLR, a TX hang, a PF that stopped answering) is reported when
 * it begins, with why and the mailbox's last word as its dump, and the
 * reporter is healthy again once the VF is back. The VF recovers on its
 * own, so there is no recover operation.
 *
 * Reports come from the service task without locks held; the callbacks
 * take none of the driver's locks.
 */

#include <net/devlink.h>

#include "compat.h"
#include "iovnet_devlink.h"
#include "iovnet_vf.h"

static struct iovnet_vf *iovnet_vf_from_devlink(struct devlink *devlink)
{
	return *(struct iovnet_vf **)devlink_priv(devlink);
}

static int iovnet_vf_devlink_info_get(struct devlink *devlink,
				      struct devlink_info_req *req,
				      struct netlink_ext_ack *extack)
{
	struct iovnet_vf *vf = iovnet_vf_from_devlink(devlink);

	return iovnet_devlink_info_pci(req, vf->pdev, IOVNET_VF_DRV_NAME);
}

static const struct devlink_ops iovnet_vf_devlink_ops = {
	.info_get = iovnet_vf_devlink_info_get,
};

static void iovnet_vf_recovery_put(struct devlink_fmsg *fmsg,
				   const struct iovnet_vf_recovery *r)
{
	devlink_fmsg_string_pair_put(fmsg, "reason", r->reason);
	devlink_fmsg_u32_pair_put(fmsg, "mailbox", r->mbx_last);
	devlink_fmsg_u64_pair_put(fmsg, "recoveries", r->recoveries);
}

static int iovnet_vf_recovery_dump(struct devlink_health_reporter *reporter,
				   struct devlink_fmsg *fmsg, void *ctx,
				   struct netlink_ext_ack *extack)
{
	struct iovnet_vf *vf = devlink_health_reporter_priv(reporter);
	struct iovnet_vf_recovery r;

	if (ctx) {
		r = *(struct iovnet_vf_recovery *)ctx;
	} else {
		spin_lock_bh(&vf->health_lock);
		r = vf->recovery_last;
		spin_unlock_bh(&vf->health_lock);
	}
	if (!r.reason) {
		NL_SET_ERR_MSG_MOD(extack, "no recovery yet");
		return -ENODATA;
	}
	iovnet_vf_recovery_put(fmsg, &r);
	return 0;
}

static int
iovnet_vf_recovery_diagnose(struct devlink_health_reporter *reporter,
			    struct devlink_fmsg *fmsg,
			    struct netlink_ext_ack *extack)
{
	struct iovnet_vf *vf = devlink_health_reporter_priv(reporter);

	devlink_fmsg_bool_pair_put(fmsg, "recovering",
				   test_bit(IOVNET_VF_RESET_REQUESTED,
					    vf->state));
	devlink_fmsg_u64_pair_put(fmsg, "recoveries",
				  READ_ONCE(vf->recoveries));
	devlink_fmsg_u64_pair_put(fmsg, "mbx_timeouts",
				  READ_ONCE(vf->mbx_timeouts));
	devlink_fmsg_u64_pair_put(fmsg, "tx_timeouts",
				  READ_ONCE(vf->tx_timeouts));
	return 0;
}

static const struct devlink_health_reporter_ops iovnet_vf_recovery_ops = {
	.name = "recovery",
	.dump = iovnet_vf_recovery_dump,
	.diagnose = iovnet_vf_recovery_diagnose,
};

/**
 * iovnet_vf_recovery_report() - a recovery episode begins
 * @vf: the VF, from the service task
 * @reason: why it was asked for
 */
void iovnet_vf_recovery_report(struct iovnet_vf *vf, const char *reason)
{
	struct devlink_health_reporter *reporter;
	struct iovnet_vf_recovery r = {
		.reason = reason ?: "a reset",
		.mbx_last = READ_ONCE(vf->mbx_last),
		.recoveries = READ_ONCE(vf->recoveries),
	};

	spin_lock_bh(&vf->health_lock);
	vf->recovery_last = r;
	spin_unlock_bh(&vf->health_lock);
	reporter = READ_ONCE(vf->recovery_reporter);
	if (reporter)
		devlink_health_report(reporter, r.reason, &r);
}

/**
 * iovnet_vf_recovery_done() - the VF is back
 * @vf: the VF, from the service task
 */
void iovnet_vf_recovery_done(struct iovnet_vf *vf)
{
	struct devlink_health_reporter *reporter;

	reporter = READ_ONCE(vf->recovery_reporter);
	if (reporter)
		devlink_health_reporter_state_update(reporter,
						     DEVLINK_HEALTH_REPORTER_STATE_HEALTHY);
}

/**
 * iovnet_vf_devlink_register() - create and register the VF's devlink
 * @vf: the VF, its netdev registered, the service task not started
 *
 * Return: 0 or a negative errno.
 */
int iovnet_vf_devlink_register(struct iovnet_vf *vf)
{
	struct devlink_health_reporter *reporter;
	struct devlink *devlink;

	devlink = devlink_alloc(&iovnet_vf_devlink_ops, sizeof(vf),
				&vf->pdev->dev);
	if (!devlink)
		return -ENOMEM;
	*(struct iovnet_vf **)devlink_priv(devlink) = vf;
	reporter = iovnet_devlink_health_reporter_create(devlink,
							 &iovnet_vf_recovery_ops,
							 vf);
	if (IS_ERR(reporter)) {
		devlink_free(devlink);
		return PTR_ERR(reporter);
	}
	vf->devlink = devlink;
	devlink_register(devlink);
	WRITE_ONCE(vf->recovery_reporter, reporter);
	return 0;
}

/**
 * iovnet_vf_devlink_unregister() - undo iovnet_vf_devlink_register()
 * @vf: the VF, IOVNET_VF_REMOVING set and the service task cancelled
 *	since, so that nothing reports any more
 */
void iovnet_vf_devlink_unregister(struct iovnet_vf *vf)
{
	if (!vf->devlink)
		return;
	devlink_unregister(vf->devlink);
	devlink_health_reporter_destroy(vf->recovery_reporter);
	WRITE_ONCE(vf->recovery_reporter, NULL);
	devlink_free(vf->devlink);
	vf->devlink = NULL;
}
