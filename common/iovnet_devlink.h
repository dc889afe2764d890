/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (c) 2026 The iovnet authors */

#ifndef _IOVNET_DEVLINK_H_
#define _IOVNET_DEVLINK_H_

#include <linux/pci.h>

#include "compat.h"

struct devlink_info_req;

int iovnet_devlink_info_pci(struct devlink_info_req *req,
			    struct pci_dev *pdev, const char *drv_name);

#endif /* _IOVNET_DEVLINK_H_ */
