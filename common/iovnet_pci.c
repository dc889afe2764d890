// SPDX-License-Identifier: GPL-2.0
/* Copyright (c) 2026 The iovnet authors */

#include <linux/etherdevice.h>

#include "iovnet_pci.h"

/**
 * iovnet_pci_netdev_alloc() - enable a function and give it a netdev
 * @pdev: the PF or VF
 * @drv_name: owner of the BAR reservation, as /proc/iomem shows it
 * @priv_size: size of the driver's private area in the netdev
 * @max_queues: TX and RX queues the netdev may ever use
 * @hw: set to the mapping of BAR 0 (the register file)
 *
 * Enables memory decoding and bus mastering with a 64-bit DMA mask,
 * reserves and maps BAR 0, then allocates an Ethernet netdev parented to
 * @pdev.  The caller owns the driver data of @pdev.
 *
 * Return: the netdev, or an ERR_PTR() with everything undone.
 */
struct net_device *iovnet_pci_netdev_alloc(struct pci_dev *pdev,
					   const char *drv_name,
					   size_t priv_size,
					   unsigned int max_queues,
					   u8 __iomem **hw)
{
	struct net_device *netdev;
	int err;

	err = pci_enable_device_mem(pdev);
	if (err)
		return ERR_PTR(err);

	err = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (err) {
		dev_err(&pdev->dev, "no usable DMA configuration\n");
		goto err_disable;
	}

	err = pci_request_mem_regions(pdev, drv_name);
	if (err)
		goto err_disable;
	pci_set_master(pdev);

	*hw = pci_iomap(pdev, 0, 0);
	if (!*hw) {
		err = -EIO;
		goto err_regions;
	}

	netdev = alloc_etherdev_mq(priv_size, max_queues);
	if (!netdev) {
		err = -ENOMEM;
		goto err_unmap;
	}
	SET_NETDEV_DEV(netdev, &pdev->dev);
	return netdev;

err_unmap:
	pci_iounmap(pdev, *hw);
err_regions:
	pci_release_mem_regions(pdev);
err_disable:
	pci_disable_device(pdev);
	return ERR_PTR(err);
}
EXPORT_SYMBOL_NS_GPL(iovnet_pci_netdev_alloc, IOVNET_NS);

/**
 * iovnet_pci_netdev_free() - undo iovnet_pci_netdev_alloc()
 * @pdev: the PF or VF
 * @netdev: its netdev, no longer registered
 * @hw: the mapping of BAR 0
 *
 * The function may already be disabled: a PF shutting down takes its VFs
 * down with it, and a VF's own shutdown may have run before.
 */
void iovnet_pci_netdev_free(struct pci_dev *pdev, struct net_device *netdev,
			    u8 __iomem *hw)
{
	free_netdev(netdev);
	pci_iounmap(pdev, hw);
	pci_release_mem_regions(pdev);
	if (pci_is_enabled(pdev))
		pci_disable_device(pdev);
}
EXPORT_SYMBOL_NS_GPL(iovnet_pci_netdev_free, IOVNET_NS);
