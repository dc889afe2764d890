#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# VFs whose BARs lie above 4 GiB work (issue 23).  The lanes that run this
# place them there: the stock-PF boot puts the igb on q35's root bus
# (tools/lab/run --igb-bus root, as QEMU's own documentation shows it) and
# the two-host boot gives the guests 4 GiB of memory (the firmware then
# opens a 64-bit window on the root port).  Debian's QEMU 10.0 maps such a
# VF BAR at its address truncated to 32 bits, so every VF read returns 0
# ("PF still in reset state", random MACs); the lab's QEMU carries the fix
# (tools/qemu/patches/0001).  Under whichever PF the boot has (the stock
# igb with --stock, else iovnet_pf): the VF BARs are above 4 GiB, a VF's
# STATUS reads back through its BAR, iovnet_vf and the stock igbvf both
# take the administrative MAC, get carrier and reach the link partner.

. "$(dirname "$0")/lib.sh"

if [ "${LAB_STOCK:-0}" = 1 ]; then
	PF_IF=${LAB_PF_IF:?}
	PF_DRIVER=igb
else
	pf_load || { echo "Bail out! iovnet_pf did not load"; exit 1; }
	PF_DRIVER=iovnet_pf
fi
modprobe igbvf || { echo "Bail out! no igbvf module"; exit 1; }
iovnet_insmod "$VF_KO" || { echo "Bail out! iovnet_vf did not load"; exit 1; }
MAC0=02:00:00:00:00:50 MAC1=02:00:00:00:00:51

cleanup() {
	tenants_cleanup
	module_loaded iovnet_vf && rmmod iovnet_vf
	vfs_disable 2>/dev/null
}
trap cleanup EXIT

ktap_header 8

pf_up || { echo "Bail out! PF has no carrier"; exit 1; }
check "2 VFs enabled under $PF_DRIVER, none bound" vfs_enable 2
ip link set "$PF_IF" vf 0 mac $MAC0
ip link set "$PF_IF" vf 1 mac $MAC1

# First line of resource: BAR0's start, end and flags
bar0=$(head -n 1 "/sys/bus/pci/devices/$(vf_bdf 0)/resource" | cut -d' ' -f1)
ktap_info "VF 0 BAR0 at $bar0 (VF BAR0 of the PF: $(setpci -s "$LAB_PF_PCI" 0x188.L)$(setpci -s "$LAB_PF_PCI" 0x184.L))"
check "the VF BARs lie above 4 GiB" test $((bar0)) -ge $((1 << 32))

# STATUS (0x0008) through the VF's own BAR, memory decoding on: the model
# keeps bit 31 set in every VF's STATUS, so 0 means the read went nowhere
vf_status() {
	python3 - "$(vf_bdf 0)" <<'EOF'
import mmap, os, sys
dev = "/sys/bus/pci/devices/" + sys.argv[1]
open(dev + "/enable", "w").write("1")
try:
    fd = os.open(dev + "/resource0", os.O_RDONLY | os.O_SYNC)
    m = mmap.mmap(fd, 0x1000, mmap.MAP_SHARED, mmap.PROT_READ)
    print("0x%08x" % memoryview(m).cast("I")[0x8 // 4])
finally:
    open(dev + "/enable", "w").write("0")
EOF
}
status=$(vf_status)
check "VF 0 STATUS reads through its BAR ($status, not 0)" \
	test "$(( ${status:-0} & (1 << 31) ))" -ne 0

VF0=$(vf_bind 0 iovnet_vf) && VF1=$(vf_bind 1 igbvf)
check "iovnet_vf binds VF 0 ($VF0), igbvf VF 1 ($VF1)" \
	test -n "$VF0" -a -n "$VF1"
check "both have their administrative MACs" \
	test "$(cat "/sys/class/net/$VF0/address") $(cat "/sys/class/net/$VF1/address")" = "$MAC0 $MAC1"
tenant t0 "$VF0" 192.168.77.60 && tenant t1 "$VF1" 192.168.77.61
check "both get carrier within 30 s" \
	wait_for 30 sh -c "[ \"\$(ip netns exec t0 cat /sys/class/net/$VF0/carrier)\$(ip netns exec t1 cat /sys/class/net/$VF1/carrier)\" = 11 ]"
check "iovnet_vf on VF 0 reaches the link partner" \
	wait_for 20 tping t0 -c 1 -W 1 "$PEER_IP"
check "igbvf on VF 1 reaches the link partner" \
	wait_for 20 tping t1 -c 1 -W 1 "$PEER_IP"

ktap_finish
