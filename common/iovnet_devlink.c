// SPDX-License-Identifier: GPL-2.0
/* Copyright (c) 2026 The iovnet authors */

/* devlink pieces the PF and the VF share */

#include <net/devlink.h>

#include "iovnet_devlink.h"

/**
 * iovnet_devlink_info_pci() - what both functions say in "devlink dev info"
 * @req: the info request
 * @pdev: the function
 * @drv_name: the driver, which kernels before 6.2 want told
 *
 * The fixed versions asic.id (PCI device ID) and asic.rev (revision).
 *
 * Return: 0 or a negative errno.
 */
int iovnet_devlink_info_pci(struct devlink_info_req *req,
			    struct pci_dev *pdev, const char *drv_name)
{
	char buf[8];
	int err;

#ifdef IOVNET_HAVE_DEVLINK_INFO_DRIVER_NAME_PUT
	err = devlink_info_driver_name_put(req, drv_name);
	if (err)
		return err;
#endif
	snprintf(buf, sizeof(buf), "0x%04x", pdev->device);
	err = devlink_info_version_fixed_put(req,
					     DEVLINK_INFO_VERSION_GENERIC_ASIC_ID,
					     buf);
	if (err)
		return err;
	snprintf(buf, sizeof(buf), "0x%02x", pdev->revision);
	return devlink_info_version_fixed_put(req,
					      DEVLINK_INFO_VERSION_GENERIC_ASIC_REV,
					      buf);
}
EXPORT_SYMBOL_NS_GPL(iovnet_devlink_info_pci, IOVNET_NS);
