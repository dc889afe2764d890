#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The PF driver loads alone, binds the 82576, reads its MAC, sets up MSI-X,
# brings the link up and reports it through sysfs and ethtool.

. "$(dirname "$0")/lib.sh"

ktap_header 10

check "insmod iovnet_pf" pf_load
check "bound to $LAB_PF_PCI" \
	test "$(basename "$(readlink "/sys/bus/pci/devices/$LAB_PF_PCI/driver")")" = iovnet_pf
check "netdev carries the permanent MAC $LAB_PF_MAC" \
	test "$(ethtool -P "$PF_IF" | awk '{print $3}')" = "$LAB_PF_MAC"
drvinfo=$(ethtool -i "$PF_IF")
ktap_info "$(tr '\n' ' ' <<<"$drvinfo")"
drvinfo_ok() {
	grep -qx 'driver: iovnet_pf' <<<"$drvinfo" &&
	grep -q '^version: .' <<<"$drvinfo" &&
	grep -qx "bus-info: $LAB_PF_PCI" <<<"$drvinfo"
}
check "ethtool -i: driver, version and bus-info" drvinfo_ok
check "link up with carrier within 10 s" pf_up
ks=$(ethtool "$PF_IF")
ks_ok() {
	grep -q 'Speed: 1000Mb/s' <<<"$ks" && grep -q 'Duplex: Full' <<<"$ks" &&
	grep -q 'Link detected: yes' <<<"$ks"
}
check "ethtool reports 1000Mb/s full duplex, link detected" ks_ok
nvec=$(grep -c "$LAB_PF_PCI-other\|$PF_IF-TxRx-" /proc/interrupts)
ktap_info "MSI-X vectors in use: $nvec"
check "one link/other vector plus one per queue pair" \
	test "$nvec" -eq $(( 1 + $(ls -d /sys/class/net/"$PF_IF"/queues/rx-* | wc -l) ))
check "no module parameters" test ! -d /sys/module/iovnet_pf/parameters
combined=$(ethtool -l "$PF_IF" | awk '/^Combined:/ {v = $2} END {print v}')
ktap_info "combined channels: $combined"
check "netdev queues match the combined channels" \
	test "$(ls -d /sys/class/net/"$PF_IF"/queues/rx-* | wc -l)" = "$combined"
cpus=$(nproc)
check "combined channels by default: one per CPU, at most 8 ($cpus CPUs)" \
	test "$combined" -eq $((cpus < 8 ? cpus : 8))

ktap_finish
