// SPDX-License-Identifier: GPL-2.0
/* Copyright (c) 2026 The iovnet authors */

#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/module.h>
#include <linux/rtnetlink.h>

#include "iovnet_pci.h"
#include "iovnet_pf.h"

static int iovnet_pf_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct net_device *netdev;
	struct iovnet_pf *pf;
	u8 __iomem *hw;
	int err;

	netdev = iovnet_pci_netdev_alloc(pdev, IOVNET_PF_DRV_NAME, sizeof(*pf),
					 IOVNET_PF_MAX_QUEUES, &hw);
	if (IS_ERR(netdev))
		return PTR_ERR(netdev);
	pf = netdev_priv(netdev);
	pf->pdev = pdev;
	pf->netdev = netdev;
	pf->hw = hw;
	pci_set_drvdata(pdev, pf);
	spin_lock_init(&pf->stats_lock);
	spin_lock_init(&pf->vf_stats_lock);
	spin_lock_init(&pf->reg_lock);
	spin_lock_init(&pf->health_lock);
	pf->mbx_per_sec = IOVNET_PF_MBX_PER_SEC;
	mutex_init(&pf->vf_lock);
	INIT_DELAYED_WORK(&pf->service_task, iovnet_pf_service_task);
	INIT_DELAYED_WORK(&pf->mbx_task, iovnet_pf_mbx_task);
	set_bit(IOVNET_PF_DOWN, pf->state);

	iovnet_port_init(&pf->port, netdev, pdev, pf->hw, &iovnet_pf_port_ops,
			 IOVNET_PF_MAX_QUEUES, IOVNET_PF_OTHER_VECTOR + 1);

	err = iovnet_pf_hw_reset(pf);
	if (err)
		goto err_free;

	iovnet_pf_hw_read_mac(pf);
	if (is_valid_ether_addr(pf->perm_addr)) {
		eth_hw_addr_set(netdev, pf->perm_addr);
		ether_addr_copy(netdev->perm_addr, pf->perm_addr);
	} else {
		dev_warn(&pdev->dev, "no valid MAC address, using a random one\n");
		eth_hw_addr_random(netdev);
	}

	/* Pause both ways if the link partner agrees, as the 82576's NVM has it */
	pf->fc_autoneg = true;
	pf->fc_rx = true;
	pf->fc_tx = true;
	err = iovnet_pf_hw_init(pf);
	if (err) {
		dev_err(&pdev->dev, "PHY does not answer: %d\n", err);
		goto err_free;
	}

	err = iovnet_pf_irq_init(pf);
	if (err)
		goto err_free;
	netdev_rss_key_fill(pf->rss_key, sizeof(pf->rss_key));
	iovnet_pf_rss_default_reta(pf);
	iovnet_pf_netdev_setup(pf);
	iovnet_pf_ptp_init(pf);
	/* At most 7: pool 7 is the PF's (sriov_totalvfs says what we accept) */
	err = pci_sriov_set_totalvfs(pdev, IOVNET_MAX_VFS);
	if (err)
		goto err_irq;

	/* Ready for ndo_open before the netdev can be seen */
	netif_carrier_off(netdev);
	iovnet_pf_irq_enable(pf);
	err = register_netdev(netdev);
	if (err)
		goto err_irq;
	err = iovnet_pf_devlink_register(pf);
	if (err)
		goto err_netdev;

	queue_delayed_work(system_dfl_wq, &pf->service_task, 0);
	/* What PCI error recovery restores after a reset */
	pci_save_state(pdev);
	/* The mailbox is served from now on: VFs may stop waiting (RSTD) */
	pf_wr32(pf, IOVNET_CTRL_EXT,
		pf_rd32(pf, IOVNET_CTRL_EXT) | IOVNET_CTRL_EXT_PFRSTD);

	netdev_info(netdev, "Intel 82576 PF at %s, %pM, %u queue pairs\n",
		    pci_name(pdev), netdev->dev_addr, pf->port.max_queues);
	return 0;

err_netdev:
	unregister_netdev(netdev);
err_irq:
	iovnet_pf_ptp_fini(pf);
	iovnet_pf_irq_disable(pf);
	cancel_delayed_work_sync(&pf->service_task);
	iovnet_pf_irq_fini(pf);
err_free:
	iovnet_pci_netdev_free(pdev, netdev, hw);
	return err;
}

/* Leave the device quiet and tell firmware no driver owns it any more */
static void iovnet_pf_quiesce(struct iovnet_pf *pf)
{
	iovnet_pf_irq_disable(pf);
	cancel_delayed_work_sync(&pf->service_task);
	cancel_delayed_work_sync(&pf->mbx_task);
	iovnet_pf_hw_reset(pf);
	pf_wr32(pf, IOVNET_CTRL_EXT,
		pf_rd32(pf, IOVNET_CTRL_EXT) &
		~(IOVNET_CTRL_EXT_DRV_LOAD | IOVNET_CTRL_EXT_PFRSTD));
}

static void iovnet_pf_remove(struct pci_dev *pdev)
{
	struct iovnet_pf *pf = pci_get_drvdata(pdev);

	/* The VF drivers go first, while the mailbox still answers them */
	iovnet_pf_sriov_remove(pf);
	set_bit(IOVNET_PF_REMOVING, pf->state);
	/* Once cancelled, the service task sees REMOVING: it reports no more */
	cancel_delayed_work_sync(&pf->service_task);
	iovnet_pf_devlink_unregister(pf);
	unregister_netdev(pf->netdev);
	iovnet_pf_ptp_fini(pf);
	iovnet_pf_quiesce(pf);
	iovnet_pf_irq_fini(pf);
	iovnet_pci_netdev_free(pdev, pf->netdev, pf->hw);
}

static void iovnet_pf_shutdown(struct pci_dev *pdev)
{
	struct iovnet_pf *pf = pci_get_drvdata(pdev);

	iovnet_pf_sriov_remove(pf);
	set_bit(IOVNET_PF_REMOVING, pf->state);
	rtnl_lock();
	netif_device_detach(pf->netdev);
	if (netif_running(pf->netdev))
		dev_close(pf->netdev);
	rtnl_unlock();
	iovnet_pf_quiesce(pf);
	pci_disable_device(pdev);
}

/*
 * PCI error recovery (AER). The VFs stay enabled: the PCI core restores the
 * SR-IOV capability with the PF's state, their drivers recover on their
 * own, and the PF programs their administrative settings again.
 */
static pci_ers_result_t iovnet_pf_io_error_detected(struct pci_dev *pdev,
						    pci_channel_state_t state)
{
	struct iovnet_pf *pf = pci_get_drvdata(pdev);

	dev_warn(&pdev->dev, "PCI error (channel state %d), recovering\n",
		 state);
	set_bit(IOVNET_PF_IO_ERROR, pf->state);
	set_bit(IOVNET_PF_REMOVING, pf->state);
	rtnl_lock();
	netif_device_detach(pf->netdev);
	iovnet_pf_down(pf);
	rtnl_unlock();
	iovnet_pf_irq_disable(pf);
	cancel_delayed_work_sync(&pf->service_task);
	cancel_delayed_work_sync(&pf->mbx_task);
	if (state == pci_channel_io_perm_failure)
		return PCI_ERS_RESULT_DISCONNECT;
	pci_disable_device(pdev);
	return PCI_ERS_RESULT_NEED_RESET;
}

static pci_ers_result_t iovnet_pf_io_slot_reset(struct pci_dev *pdev)
{
	struct iovnet_pf *pf = pci_get_drvdata(pdev);

	if (pci_enable_device_mem(pdev)) {
		dev_err(&pdev->dev, "cannot re-enable the device after a reset\n");
		return PCI_ERS_RESULT_DISCONNECT;
	}
	pci_set_master(pdev);
	pci_restore_state(pdev);
	pci_save_state(pdev);
	if (iovnet_pf_hw_reset(pf) || iovnet_pf_hw_init(pf)) {
		dev_err(&pdev->dev, "the device does not come back from its reset\n");
		return PCI_ERS_RESULT_DISCONNECT;
	}
	iovnet_pf_ptp_reset(pf);
	return PCI_ERS_RESULT_RECOVERED;
}

static void iovnet_pf_io_resume(struct pci_dev *pdev)
{
	struct iovnet_pf *pf = pci_get_drvdata(pdev);
	int err = 0;

	iovnet_pf_irq_configure(pf);
	rtnl_lock();
	iovnet_pf_sriov_restore(pf);
	if (netif_running(pf->netdev))
		err = iovnet_pf_up(pf);
	netif_device_attach(pf->netdev);
	rtnl_unlock();
	clear_bit(IOVNET_PF_REMOVING, pf->state);
	clear_bit(IOVNET_PF_IO_ERROR, pf->state);
	iovnet_pf_irq_enable(pf);
	pf_wr32(pf, IOVNET_CTRL_EXT,
		pf_rd32(pf, IOVNET_CTRL_EXT) | IOVNET_CTRL_EXT_PFRSTD);
	queue_delayed_work(system_dfl_wq, &pf->service_task, 0);
	iovnet_pf_mbx_schedule(pf);
	if (err)
		netdev_err(pf->netdev, "recovered, but the datapath did not restart: %d\n",
			   err);
	else
		netdev_info(pf->netdev, "recovered from a PCI error\n");
}

static const struct pci_error_handlers iovnet_pf_err_handler = {
	.error_detected	= iovnet_pf_io_error_detected,
	.slot_reset	= iovnet_pf_io_slot_reset,
	.resume		= iovnet_pf_io_resume,
};

/*
 * The 82576 family's copper PFs: the same MAC, internal PHY (MDIC address
 * 1) and SR-IOV block, so one programming serves them all. 0x10c9 (dual
 * copper) is lab-tested; 0x10e8 (quad copper), 0x1526 (quad copper ET2)
 * and 0x150a (NS copper) are claimed from the datasheet. The fiber and
 * SerDes parts (0x10e6, 0x10e7, 0x150d, 0x1518) link through the SerDes/PCS
 * and an SFP or backplane, which this driver never programs (it brings the
 * link up through the copper PHY only): they are not listed, so the stock
 * igb keeps them and iovnet_pf is never loaded for them.
 */
static const struct pci_device_id iovnet_pf_pci_tbl[] = {
	{ PCI_VDEVICE(INTEL, IOVNET_PF_DEVICE_ID) },	/* 82576 copper */
	{ PCI_VDEVICE(INTEL, 0x10e8) },		/* 82576 quad copper */
	{ PCI_VDEVICE(INTEL, 0x1526) },		/* 82576 quad copper ET2 */
	{ PCI_VDEVICE(INTEL, 0x150a) },		/* 82576NS copper */
	{ }
};
MODULE_DEVICE_TABLE(pci, iovnet_pf_pci_tbl);

static struct pci_driver iovnet_pf_driver = {
	.name		= IOVNET_PF_DRV_NAME,
	.id_table	= iovnet_pf_pci_tbl,
	.probe		= iovnet_pf_probe,
	.remove		= iovnet_pf_remove,
	.shutdown	= iovnet_pf_shutdown,
	.sriov_configure = iovnet_pf_sriov_configure,
	.err_handler	= &iovnet_pf_err_handler,
};
module_pci_driver(iovnet_pf_driver);

MODULE_DESCRIPTION("Intel 82576 SR-IOV physical function driver");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(IOVNET_NS);
