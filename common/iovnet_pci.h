/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (c) 2026 The iovnet authors */

/*
 * PCI bring-up shared by the PF and the VF: both are memory-only functions
 * with 64-bit DMA, registers in BAR 0 and one multi-queue netdev each.
 */

#ifndef _IOVNET_PCI_H_
#define _IOVNET_PCI_H_

#include <linux/netdevice.h>
#include <linux/pci.h>

#include "compat.h"

struct net_device *iovnet_pci_netdev_alloc(struct pci_dev *pdev,
					   const char *drv_name,
					   size_t priv_size,
					   unsigned int max_queues,
					   u8 __iomem **hw);
void iovnet_pci_netdev_free(struct pci_dev *pdev, struct net_device *netdev,
			    u8 __iomem *hw);

#endif /* _IOVNET_PCI_H_ */
