#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The PF pulled out from under its VFs: with 3 VFs bound to iovnet_vf and
# traffic on the PF and on a VF, QEMU's "device_del igb0" unplugs the igb
# from its PCIe root port (rp0).  Every command must finish within a bound
# (time_bound: four times as long on a debug kernel), the PF, its VFs and
# their netdevs must go away without an oops, the modules must unload;
# then "device_add" puts the igb back, iovnet_pf probes it and the PF and
# a VF pass traffic again.  Timed.  Leaves the lab as it found it (the igb
# plugged in, no module loaded).

. "$(dirname "$0")/lib.sh"

BG=
cleanup() {
	local p
	for p in $BG; do
		kill "$p" 2>/dev/null
	done
	tenants_cleanup
	module_loaded iovnet_vf && rmmod iovnet_vf
	[ -e "$(pf_sysfs)" ] && vfs_disable 2>/dev/null
	# Put the igb back if the test stopped while it was unplugged
	if ! qemu_has_igb; then
		module_loaded iovnet_pf || iovnet_insmod "$PF_KO"
		$LAB_MONITOR device_add "$IGB_DEV" >/dev/null
		wait_for 60 test -e "$(pf_sysfs)/driver"
	fi
}
trap cleanup EXIT

IGB_DEV="igb,id=igb0,bus=rp0,netdev=wire0-pf,mac=$LAB_PF_MAC"
NVFS=3

ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

# QEMU's view: is a device with id igb0 in the PCI tree?
qemu_has_igb() { timeout 20 $LAB_MONITOR info pci | grep -q '"igb0"'; }
qemu_no_igb() { ! qemu_has_igb; }

pf_gone() { [ ! -e "$(pf_sysfs)" ]; }
vfs_gone() {
	local b
	for b in $VF_BDFS; do
		[ -e "/sys/bus/pci/devices/$b" ] && return 1
	done
	return 0
}
netdevs_gone() {
	[ ! -e "/sys/class/net/$PF_IF" ] || return 1
	local i
	for i in $(seq 0 $((NVFS - 1))); do
		tns "t$i" test -e "/sys/class/net/${VF_IF[$i]}" && return 1
	done
	return 0
}
pf_bound() { [ "$(basename "$(readlink "$(pf_sysfs)/driver")")" = iovnet_pf ]; }
ping1() { ping -q -c 1 -W 1 "$PEER_IP" >/dev/null 2>&1; }
vf0_reaches_peer() { tns t0 ping -q -c 1 -W 1 "$PEER_IP" >/dev/null 2>&1; }

# On q35, QEMU (since 6.1) hot-unplugs a root port's device through ACPI,
# not native PCIe hotplug (the guest logs "_OSC: platform does not
# support [PCIeHotplug ...]"): the kernel needs acpiphp
# (CONFIG_HOTPLUG_PCI_ACPI), which lists the PF's slot in
# /sys/bus/pci/slots.  Without it device_del is never acted on.
if ! grep -qx "${LAB_PF_PCI%.*}" /sys/bus/pci/slots/*/address 2>/dev/null; then
	echo "KTAP version 1"
	echo "1..0 # SKIP no hotplug slot for ${LAB_PF_PCI%.*} in /sys/bus/pci/slots (the kernel lacks CONFIG_HOTPLUG_PCI_ACPI)"
	exit 4
fi

ktap_header 16

pf_load && pf_up && wait_ping 20 || { echo "Bail out! PF did not come up"; exit 1; }
check "the igb is in QEMU's PCI tree as igb0" qemu_has_igb

vfs_enable $NVFS
iovnet_insmod "$VF_KO"
VF_IF=() VF_BDFS=
for i in $(seq 0 $((NVFS - 1))); do
	VF_BDFS+=" $(vf_bdf "$i")"
	VF_IF[i]=$(vf_bind "$i" iovnet_vf)
	tenant "t$i" "${VF_IF[i]}" "192.168.77.$((10 + i))"
done
check "$NVFS VFs bound to iovnet_vf, each in its own namespace" \
	test "$(ip netns list | grep -c '^t[0-9]')" = $NVFS
check "VF 0 -> partner before the removal" wait_for 30 vf0_reaches_peer

# Traffic while the device goes: a ping flood from the PF, pings from VF 0
ping -q -i 0.01 -w 300 "$PEER_IP" >/dev/null 2>&1 &
BG+=" $!"
tns t0 ping -q -i 0.05 -w 300 "$PEER_IP" >/dev/null 2>&1 &
BG+=" $!"

dmesg_mark
t0=$(date +%s%N)
out=$($LAB_MONITOR device_del igb0)
rc=$?
check "device_del igb0 accepted by QEMU ($(ms_since "$t0") ms)" \
	test $rc -eq 0 -a -z "$out"
b=$(time_bound 60)
ms=$(time_until "$b" pf_gone)
check "the PF leaves the guest's PCI tree within $b s (${ms} ms after device_del returned)" pf_gone
check "its VFs went with it" vfs_gone
ms=$(time_until "$(time_bound 10)" netdevs_gone)
check "the PF and VF netdevs are gone (${ms} ms later)" netdevs_gone
ms=$(time_until "$(time_bound 30)" qemu_no_igb)
check "QEMU has deleted igb0 (${ms} ms later)" qemu_no_igb
ktap_info "unplug: $(ms_since "$t0") ms from device_del to QEMU done"

for p in $BG; do
	kill "$p" 2>/dev/null
	wait "$p" 2>/dev/null
done
BG=
tenants_cleanup
t1=$(date +%s%N)
check "rmmod iovnet_vf after the removal" timeout 30 rmmod iovnet_vf
check "rmmod iovnet_pf after the removal ($(ms_since "$t1") ms for both)" \
	timeout 30 rmmod iovnet_pf
check "no oops, WARN or lockdep report during the removal" dmesg_clean

# Back in: the driver is loaded first, so the hotplug probes it
iovnet_insmod "$PF_KO"
t0=$(date +%s%N)
out=$($LAB_MONITOR device_add "$IGB_DEV")
rc=$?
[ -n "$out" ] && ktap_info "device_add: $out"
check "device_add igb0 accepted by QEMU" test $rc -eq 0 -a -z "$out"
b=$(time_bound 60)
ms=$(time_until "$b" pf_bound)
check "the PF is back at $LAB_PF_PCI and bound to iovnet_pf within $b s (${ms} ms after device_add returned)" pf_bound
PF_IF=
pf_load && pf_up
ms=$(time_until "$(time_bound 30)" ping1)
check "PF -> partner after the re-plug (first answer after ${ms} ms)" ping_peer 50
ktap_info "re-plug: $(ms_since "$t0") ms from device_add to PF traffic"

vfs_enable 2
iovnet_insmod "$VF_KO"
VF_IF[0]=$(vf_bind 0 iovnet_vf)
tenant t0 "${VF_IF[0]}" 192.168.77.10
check "a VF again after the re-plug: VF 0 -> partner" wait_for "$(time_bound 30)" vf0_reaches_peer
check "no oops, WARN or lockdep report after the re-plug" dmesg_clean
tenants_cleanup
rmmod iovnet_vf
vfs_disable
ktap_finish
