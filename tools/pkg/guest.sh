#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run in the lab by tools/pkg/check: load iovnet_pf the way a user would
# (modprobe, from the modules installed on the host, which the guest sees
# through the shared root) and print what was loaded, as KEY=VALUE lines.
set -u

modprobe iovnet_pf || echo "modprobe=failed"
echo "path=$(modinfo -n iovnet_pf 2>/dev/null)"
echo "lib_path=$(modinfo -n iovnet_lib 2>/dev/null)"
echo "srcversion=$(cat /sys/module/iovnet_pf/srcversion 2>/dev/null)"
echo "lib_srcversion=$(cat /sys/module/iovnet_lib/srcversion 2>/dev/null)"
# The 82576 binds to it (the lab keeps igb off): poll, probing may be async
drv=
for _ in $(seq 100); do
	drv=$(basename "$(readlink "/sys/bus/pci/devices/$LAB_PF_PCI/driver" 2>/dev/null)" 2>/dev/null)
	[ "$drv" = iovnet_pf ] && break
	sleep 0.1
done
echo "driver=$drv"
