// SPDX-License-Identifier: GPL-2.0
/* Copyright (c) 2026 The iovnet authors */

/*
 * iovnet_lib.ko: the datapath, ethtool and PCI helpers that iovnet_pf and
 * iovnet_vf share, exported in namespace IOVNET. One copy, so both drivers
 * can be built in and either loads without the other.
 */

#include <linux/module.h>

MODULE_DESCRIPTION("Intel 82576 (iovnet) datapath shared by the PF and VF drivers");
MODULE_LICENSE("GPL");
