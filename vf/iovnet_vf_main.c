// SPDX-License-Identifier: GPL-2.0
/* Copyright (c) 2026 The iovnet authors */

#include <linux/etherdevice.h>
#include <linux/interrupt.h>
#include <linux/module.h>
#include <linux/rtnetlink.h>

#include "iovnet_calc.h"
#include "iovnet_pci.h"
#include "iovnet_vf.h"

/**
 * iovnet_vf_service_schedule() - run the service task after @delay
 * @vf: the VF
 * @delay: jiffies; an earlier pending run is not postponed
 *
 * Callable from any context.
 */
void iovnet_vf_service_schedule(struct iovnet_vf *vf, unsigned long delay)
{
	if (test_bit(IOVNET_VF_REMOVING, vf->state))
		return;
	if (delay)
		queue_delayed_work(system_dfl_wq, &vf->service_task, delay);
	else
		mod_delayed_work(system_dfl_wq, &vf->service_task, 0);
}

/* Pool counters: 32 bits that wrap and do not clear on read */
static const u32 iovnet_vf_hw_regs[] = {
	IOVNET_VF_GPRC, IOVNET_VF_GPTC, IOVNET_VF_GORC, IOVNET_VF_GOTC,
	IOVNET_VF_MPRC,
};

static_assert(sizeof(struct iovnet_vf_hw_stats) ==
	      ARRAY_SIZE(iovnet_vf_hw_regs) * sizeof(u64));
static_assert(sizeof_field(struct iovnet_vf, hw_last) ==
	      ARRAY_SIZE(iovnet_vf_hw_regs) * sizeof(u32));

/**
 * iovnet_vf_update_hw_stats() - fold the pool counters in before they wrap
 * @vf: the VF
 */
void iovnet_vf_update_hw_stats(struct iovnet_vf *vf)
{
	u64 *acc = (u64 *)&vf->hw_stats;
	unsigned int i;
	u32 v;

	/* A PF reset zeroes them: wait for the rebase after the handshake */
	if (!READ_ONCE(vf->cts))
		return;
	iovnet_port_read_hw_drops(&vf->port);
	spin_lock_bh(&vf->stats_lock);
	for (i = 0; i < ARRAY_SIZE(iovnet_vf_hw_regs); i++) {
		v = vf_rd32(vf, iovnet_vf_hw_regs[i]);
		iovnet_calc_fold_counter(&acc[i], &vf->hw_last[i], v);
	}
	spin_unlock_bh(&vf->stats_lock);
}

/**
 * iovnet_vf_rebase_hw_stats() - start counting from the current values
 * @vf: the VF, after a handshake (the counters may have been reset)
 */
void iovnet_vf_rebase_hw_stats(struct iovnet_vf *vf)
{
	unsigned int i;

	spin_lock_bh(&vf->stats_lock);
	for (i = 0; i < ARRAY_SIZE(iovnet_vf_hw_regs); i++)
		vf->hw_last[i] = vf_rd32(vf, iovnet_vf_hw_regs[i]);
	spin_unlock_bh(&vf->stats_lock);
}

/* Interrupts */

static irqreturn_t iovnet_vf_mbx_irq(int irq, void *data)
{
	struct iovnet_vf *vf = data;

	/* EICR reads are not reliable on the VF: just go and look */
	WRITE_ONCE(vf->mbx_irqs, vf->mbx_irqs + 1);
	iovnet_vf_service_schedule(vf, 0);
	return IRQ_HANDLED;
}

static int iovnet_vf_irq_init(struct iovnet_vf *vf)
{
	int nvec, err;

	nvec = pci_alloc_irq_vectors(vf->pdev, IOVNET_VF_NUM_VECTORS,
				     IOVNET_VF_NUM_VECTORS, PCI_IRQ_MSIX);
	if (nvec < 0) {
		dev_err(&vf->pdev->dev, "cannot get %u MSI-X vectors: %d\n",
			IOVNET_VF_NUM_VECTORS, nvec);
		return nvec;
	}
	snprintf(vf->mbx_irq_name, sizeof(vf->mbx_irq_name), "%s-mbx",
		 dev_name(&vf->pdev->dev));
	err = request_irq(pci_irq_vector(vf->pdev, IOVNET_VF_MBX_VECTOR),
			  iovnet_vf_mbx_irq, 0, vf->mbx_irq_name, vf);
	if (err)
		pci_free_irq_vectors(vf->pdev);
	return err;
}

/**
 * iovnet_vf_irq_enable() - route and unmask the mailbox vector
 * @vf: the VF
 *
 * A PF reset clears the VF's interrupt registers too, so this runs after
 * every handshake. Queue vectors are unmasked when the datapath starts.
 */
void iovnet_vf_irq_enable(struct iovnet_vf *vf)
{
	u32 all = GENMASK(IOVNET_VF_NUM_VECTORS - 1, 0);

	/* A cause bit left set would keep its vector from firing again */
	vf_wr32(vf, IOVNET_EIAC, all);
	vf_wr32(vf, IOVNET_EICR, all);
	vf_wr32(vf, IOVNET_VF_IVAR_MISC,
		IOVNET_IVAR_VALID | IOVNET_VF_MBX_VECTOR);
	vf_wr32(vf, IOVNET_EIMS, BIT(IOVNET_VF_MBX_VECTOR));
}

static void iovnet_vf_irq_disable(struct iovnet_vf *vf)
{
	unsigned int v;

	vf_wr32(vf, IOVNET_EIMC, GENMASK(IOVNET_VF_NUM_VECTORS - 1, 0));
	vf_rd32(vf, IOVNET_STATUS);
	for (v = 0; v < IOVNET_VF_NUM_VECTORS; v++)
		synchronize_irq(pci_irq_vector(vf->pdev, v));
}

static void iovnet_vf_irq_fini(struct iovnet_vf *vf)
{
	free_irq(pci_irq_vector(vf->pdev, IOVNET_VF_MBX_VECTOR), vf);
	pci_free_irq_vectors(vf->pdev);
}

/* Service task */

static void iovnet_vf_service_task(struct work_struct *work)
{
	struct iovnet_vf *vf = container_of(to_delayed_work(work),
					    struct iovnet_vf, service_task);
	unsigned long next = READ_ONCE(vf->mbx_irqs) ?
			     IOVNET_VF_SERVICE_PERIOD : IOVNET_VF_MBX_POLL_PERIOD;

	/*
	 * Queued by an interrupt or a request that tested REMOVING just
	 * before remove set it, after remove's cancel: the devlink reporter
	 * and the netdev may be going.
	 */
	if (test_bit(IOVNET_VF_REMOVING, vf->state))
		return;

	iovnet_vf_mbx_poll(vf);
	iovnet_vf_update_hw_stats(vf);

	/* Takes RTNL itself, and only around netdev changes */
	if (test_bit(IOVNET_VF_RESET_REQUESTED, vf->state)) {
		if (time_after_eq(jiffies, vf->retry_at))
			iovnet_vf_recover(vf);
		if (test_bit(IOVNET_VF_RESET_REQUESTED, vf->state) &&
		    time_before(vf->retry_at, jiffies + next))
			next = max_t(long, vf->retry_at - jiffies, 1);
	}

	/* Carrier and TX queue state need no RTNL; mbx_lock orders the datapath */
	mutex_lock(&vf->mbx_lock);
	if (test_and_clear_bit(IOVNET_VF_LINK_QUERY, vf->state))
		iovnet_vf_query_link(vf);
	iovnet_vf_link_update(vf);
	if (test_bit(IOVNET_VF_RUNNING, vf->state) &&
	    !test_bit(IOVNET_VF_RESET_REQUESTED, vf->state) && vf->link_up &&
	    iovnet_port_tx_hung(&vf->port, IOVNET_TX_HANG_PERIOD)) {
		netdev_warn(vf->netdev, "TX completions stopped, resetting\n");
		iovnet_vf_request_reset(vf, "TX completions stopped");
	}
	mutex_unlock(&vf->mbx_lock);

	iovnet_vf_service_schedule(vf, next);
}

/* PCI */

static int iovnet_vf_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct net_device *netdev;
	struct iovnet_vf *vf;
	u8 __iomem *hw;
	int err;

	netdev = iovnet_pci_netdev_alloc(pdev, IOVNET_VF_DRV_NAME, sizeof(*vf),
					 IOVNET_VF_MAX_QUEUES, &hw);
	if (IS_ERR(netdev))
		return PTR_ERR(netdev);
	vf = netdev_priv(netdev);
	vf->pdev = pdev;
	vf->netdev = netdev;
	vf->hw = hw;
	pci_set_drvdata(pdev, vf);
	mutex_init(&vf->mbx_lock);
	spin_lock_init(&vf->stats_lock);
	spin_lock_init(&vf->health_lock);
	INIT_DELAYED_WORK(&vf->service_task, iovnet_vf_service_task);
	INIT_WORK(&vf->rx_mode_task, iovnet_vf_rx_mode_task);
	set_bit(IOVNET_VF_DOWN, vf->state);
	/* Nothing may run the service task before the netdev exists */
	set_bit(IOVNET_VF_REMOVING, vf->state);

	iovnet_vf_netdev_setup(vf);

	err = iovnet_vf_irq_init(vf);
	if (err)
		goto err_free;

	/* A PF still resetting is no reason to fail: the service task retries */
	err = iovnet_vf_probe_handshake(vf);
	if (err) {
		dev_info(&pdev->dev, "PF not ready (%d, mailbox %#x), will retry\n",
			 err, vf->mbx_last);
		iovnet_vf_request_reset(vf, "a PF not ready at probe");
	}

	/* Ready for ndo_open before the netdev can be seen */
	netif_carrier_off(netdev);
	err = register_netdev(netdev);
	if (err)
		goto err_irq;
	err = iovnet_vf_devlink_register(vf);
	if (err)
		goto err_netdev;
	/* What PCI error recovery restores */
	pci_save_state(pdev);

	clear_bit(IOVNET_VF_REMOVING, vf->state);
	iovnet_vf_service_schedule(vf, 0);

	netdev_info(netdev, "Intel 82576 VF at %s, %pM%s, %s PF, %u queue pair(s)\n",
		    pci_name(pdev), netdev->dev_addr,
		    vf->admin_mac ? " (from the PF)" : "",
		    vf->pf_caps ? "iovnet" : "stock", vf->port.max_queues);
	return 0;

err_netdev:
	unregister_netdev(netdev);
err_irq:
	iovnet_vf_irq_disable(vf);
	iovnet_vf_irq_fini(vf);
err_free:
	mutex_destroy(&vf->mbx_lock);
	iovnet_pci_netdev_free(pdev, netdev, hw);
	return err;
}

/* Stop all work and leave the function quiet, with its pool disabled */
static void iovnet_vf_quiesce(struct iovnet_vf *vf)
{
	set_bit(IOVNET_VF_REMOVING, vf->state);
	cancel_delayed_work_sync(&vf->service_task);
	cancel_work_sync(&vf->rx_mode_task);
	iovnet_vf_irq_disable(vf);
	/*
	 * Hand the next driver cleared interrupt routes and auto-masks: QEMU's
	 * model keeps VTIVAR and VTEIAM across a VF reset, so a driver that
	 * read-modify-writes VTIVAR, as igbvf does, would inherit our vectors
	 * (and, up to QEMU 10.0, which ORs every write into the PF's IVAR, mix
	 * them with its own).
	 */
	vf->vtivar = 0;
	vf_wr32(vf, IOVNET_VF_IVAR, 0);
	vf_wr32(vf, IOVNET_VF_IVAR_MISC, 0);
	vf_wr32(vf, IOVNET_EIAM, 0);
	/* The reset also tells the PF we are gone (it sees a VF reset) */
	WRITE_ONCE(vf->cts, false);
	vf_wr32(vf, IOVNET_CTRL, IOVNET_CTRL_RST);
}

static void iovnet_vf_remove(struct pci_dev *pdev)
{
	struct iovnet_vf *vf = pci_get_drvdata(pdev);

	set_bit(IOVNET_VF_REMOVING, vf->state);
	cancel_delayed_work_sync(&vf->service_task);
	/* The service task, the only reporter, no longer runs */
	iovnet_vf_devlink_unregister(vf);
	unregister_netdev(vf->netdev);
	iovnet_vf_quiesce(vf);
	iovnet_vf_irq_fini(vf);
	/* A late queueing (see the service task's REMOVING test) is gone too */
	cancel_delayed_work_sync(&vf->service_task);
	mutex_destroy(&vf->mbx_lock);
	iovnet_pci_netdev_free(pdev, vf->netdev, vf->hw);
}

static void iovnet_vf_shutdown(struct pci_dev *pdev)
{
	struct iovnet_vf *vf = pci_get_drvdata(pdev);

	set_bit(IOVNET_VF_REMOVING, vf->state);
	cancel_delayed_work_sync(&vf->service_task);
	rtnl_lock();
	netif_device_detach(vf->netdev);
	if (netif_running(vf->netdev))
		dev_close(vf->netdev);
	rtnl_unlock();
	iovnet_vf_quiesce(vf);
	pci_disable_device(pdev);
}

/* Function level reset (sysfs "reset"): stop before, recover after */
static void iovnet_vf_reset_prepare(struct pci_dev *pdev)
{
	struct iovnet_vf *vf = pci_get_drvdata(pdev);

	set_bit(IOVNET_VF_REMOVING, vf->state);
	cancel_delayed_work_sync(&vf->service_task);
	cancel_work_sync(&vf->rx_mode_task);
	rtnl_lock();
	mutex_lock(&vf->mbx_lock);
	iovnet_vf_datapath_down(vf);
	WRITE_ONCE(vf->cts, false);
	mutex_unlock(&vf->mbx_lock);
	rtnl_unlock();
	iovnet_vf_irq_disable(vf);
}

static void iovnet_vf_reset_done(struct pci_dev *pdev)
{
	struct iovnet_vf *vf = pci_get_drvdata(pdev);

	clear_bit(IOVNET_VF_REMOVING, vf->state);
	iovnet_vf_request_reset(vf, "a function level reset");
}

/*
 * PCI error recovery (AER) below the PF's port: stop as for an FLR, and
 * start over with a new handshake once the PF is back.
 */
static pci_ers_result_t iovnet_vf_io_error_detected(struct pci_dev *pdev,
						    pci_channel_state_t state)
{
	iovnet_vf_reset_prepare(pdev);
	if (state == pci_channel_io_perm_failure)
		return PCI_ERS_RESULT_DISCONNECT;
	return PCI_ERS_RESULT_NEED_RESET;
}

static pci_ers_result_t iovnet_vf_io_slot_reset(struct pci_dev *pdev)
{
	pci_restore_state(pdev);
	pci_save_state(pdev);
	return PCI_ERS_RESULT_RECOVERED;
}

static void iovnet_vf_io_resume(struct pci_dev *pdev)
{
	struct iovnet_vf *vf = pci_get_drvdata(pdev);

	clear_bit(IOVNET_VF_REMOVING, vf->state);
	iovnet_vf_request_reset(vf, "PCI error recovery");
}

static const struct pci_error_handlers iovnet_vf_err_handler = {
	.error_detected	= iovnet_vf_io_error_detected,
	.slot_reset	= iovnet_vf_io_slot_reset,
	.resume		= iovnet_vf_io_resume,
	.reset_prepare	= iovnet_vf_reset_prepare,
	.reset_done	= iovnet_vf_reset_done,
};

static const struct pci_device_id iovnet_vf_pci_tbl[] = {
	{ PCI_VDEVICE(INTEL, IOVNET_VF_DEVICE_ID) },
	{ }
};
MODULE_DEVICE_TABLE(pci, iovnet_vf_pci_tbl);

static struct pci_driver iovnet_vf_driver = {
	.name		= IOVNET_VF_DRV_NAME,
	.id_table	= iovnet_vf_pci_tbl,
	.probe		= iovnet_vf_probe,
	.remove		= iovnet_vf_remove,
	.shutdown	= iovnet_vf_shutdown,
	.err_handler	= &iovnet_vf_err_handler,
};
module_pci_driver(iovnet_vf_driver);

MODULE_DESCRIPTION("Intel 82576 SR-IOV virtual function driver");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(IOVNET_NS);
