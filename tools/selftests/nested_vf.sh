#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A VF inside a guest: in the lab guest (tools/lab/run --iommu: emulated
# intel-iommu), our PF enables a VF with an administrative MAC and a port
# VLAN, the VF is bound to vfio-pci and passed to a nested QEMU guest (the
# same 6.12 kernel, an initramfs built here with busybox and iovnet_vf.ko,
# tools/selftests/nested/init).  In there iovnet_vf, with nothing but its
# VF, gets the MAC from the PF over the mailbox and pings the link partner,
# whose address exists only on its VLAN subinterface.  The nested guest's
# serial console is build/lab/$LAB_NAME-nested-console.log.
#
# NESTED_GUEST=SERIES boots another kernel in the nested guest, with the
# VF driver built for it by tools/kernels/build: a tenant's kernel is not
# the host's (nested_vf_guest61.sh: a 6.1 guest under this 6.12 host).

. "$(dirname "$0")/lib.sh"

# The nested guest's kernel and the directory of the modules built for it
GUEST_KERNEL=/boot/vmlinuz-$(uname -r)
[ -r "$GUEST_KERNEL" ] || GUEST_KERNEL=$(ls /boot/vmlinuz-6.12* | sort -V | tail -n 1)
GUEST_MODDIR=$IOVNET_MODDIR
rel=${GUEST_KERNEL#/boot/vmlinuz-}
if [ -n "${NESTED_GUEST:-}" ]; then
	# shellcheck source=tools/kernels/lib.sh
	. "$IOVNET_TOP/tools/kernels/lib.sh"
	GUEST_KERNEL=$(kernel_image "$NESTED_GUEST")
	case $GUEST_KERNEL in
	/boot/*) rel=${GUEST_KERNEL#/boot/vmlinuz-} ;;
	*) rel=$(kernel_release "${GUEST_KERNEL%/arch/x86/boot/bzImage}") ;;
	esac
	GUEST_MODDIR=$IOVNET_TOP/build/kernels/$NESTED_GUEST/tree
	[ "$(modinfo -F vermagic "$GUEST_MODDIR/iovnet_vf.ko" 2>/dev/null | cut -d' ' -f1)" = "${rel:-none}" ] ||
		GUEST_MODDIR=
	if [ -z "$GUEST_KERNEL" ] || [ -z "$GUEST_MODDIR" ]; then
		echo "1..0 # SKIP no $NESTED_GUEST kernel image, or no iovnet_vf.ko built for it (make kernels)"
		exit 4
	fi
fi

iommus=$(echo /sys/class/iommu/*)
if [ ! -e "${iommus%% *}" ]; then
	echo "1..0 # SKIP needs an IOMMU: tools/lab/run --iommu"
	exit 4
fi

VF_MAC=02:00:00:00:0e:01 VLAN=30
NESTED_IP=192.168.78.10 PEER_VIP=192.168.78.2
# Nested TCG inside TCG boots in about 70 s on an idle machine and took
# 400 s on a busy one (load 7 on 2 cores).  The nested QEMU is killed after
# NESTED_TIMEOUT seconds, and the waits below end with it, so the test stays
# within run_tests.sh's 600 s.
NESTED_TIMEOUT=${NESTED_TIMEOUT:-540}
WORK=$(mktemp -d /tmp/nested.XXXXXX)
# The console is written a byte at a time: keep it in RAM, copy it at the end.
CON=$WORK/console.log
SAVE=${LAB_DIR:-/tmp}/${LAB_NAME:-nested}-nested-console.log
QPID=

cleanup() {
	[ -n "$QPID" ] && kill "$QPID" 2>/dev/null && wait "$QPID" 2>/dev/null
	cp "$CON" "$SAVE" 2>/dev/null
	local bdf
	bdf=$(vf_bdf 0 2>/dev/null)
	if [ -n "$bdf" ] && [ -e "/sys/bus/pci/devices/$bdf/driver" ]; then
		echo "$bdf" > "/sys/bus/pci/devices/$bdf/driver/unbind"
	fi
	vfs_disable 2>/dev/null
	peer ip link del pv$VLAN 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT

T0=$(now_ms)

ktap_header 12
ktap_info "nested guest kernel: $GUEST_KERNEL, modules: $GUEST_MODDIR"

pf_load && pf_up || { echo "Bail out! PF did not come up"; exit 1; }
ktap_info "IOMMU: ${iommus//\/sys\/class\/iommu\//}"
peer ip link add link peer0 name pv$VLAN type vlan id $VLAN
peer ip addr add $PEER_VIP/24 dev pv$VLAN
peer ip link set pv$VLAN up

check "1 VF with MAC $VF_MAC and port VLAN $VLAN" \
	sh -c "echo 0 > $(pf_sysfs)/sriov_drivers_autoprobe &&
	       echo 1 > $(pf_sysfs)/sriov_numvfs &&
	       ip link set $PF_IF vf 0 mac $VF_MAC vlan $VLAN"
BDF=$(vf_bdf 0)
GROUP=$(basename "$(readlink "/sys/bus/pci/devices/$BDF/iommu_group")")
ktap_info "VF 0: $BDF, IOMMU group $GROUP:" \
	"$(ls "/sys/kernel/iommu_groups/$GROUP/devices" | tr '\n' ' ')"

# vfio-pci takes the VF (and only it: a group shared with the PF is not viable)
check "VF bound to vfio-pci, alone in IOMMU group $GROUP (/dev/vfio/$GROUP)" vf_bind_vfio "$BDF"

check "initramfs built (busybox, iovnet_lib.ko, iovnet_vf.ko, init)" \
	nested_initramfs "$GUEST_MODDIR" "$WORK"
ktap_info "initramfs: $(( $(stat -c %s "$WORK/initramfs.cpio") / 1024 )) KiB"

rm -f "$SAVE"
mbx0=$(pf_vf_stat 0 mbx_msgs)
T1=$(now_ms)
timeout -k 5 "$NESTED_TIMEOUT" qemu-system-x86_64 -machine q35 -accel tcg -cpu max \
	-m 256 -smp 1 -nodefaults -display none -no-reboot \
	-serial "file:$CON" -monitor none \
	-kernel "$GUEST_KERNEL" -initrd "$WORK/initramfs.cpio" \
	-append "console=ttyS0 panic=-1 mitigations=off nested_addr=$NESTED_IP/24 nested_peer=$PEER_VIP" \
	-device "vfio-pci,host=$BDF" > "$WORK/qemu.log" 2>&1 &
QPID=$!

booted() { grep -q '^NESTED: booted' "$CON" 2>/dev/null; }
result() { grep -q '^NESTED-RESULT:' "$CON" 2>/dev/null; }
# until the line, or QEMU ends (or is killed by timeout) without it
booted_or_gone() { booted || ! kill -0 "$QPID"; }
result_or_gone() { result || ! kill -0 "$QPID"; }
time_until "$NESTED_TIMEOUT" booted_or_gone >/dev/null
ms=$(( $(now_ms) - T1 ))
check "nested guest boots $rel with the VF assigned (${ms} ms)" \
	grep -q "^NESTED: booted $rel " "$CON"
[ -s "$WORK/qemu.log" ] && ktap_info "qemu: $(head -n 5 "$WORK/qemu.log")"
booted || ktap_info "nested console, last lines: $(tail -n 5 "$CON")"
wait_for "$NESTED_TIMEOUT" result_or_gone
wait "$QPID"
qrc=$?
QPID=
T2=$(now_ms)
R=$(sed -n 's/^NESTED-RESULT: //p' "$CON" | tr -d '\r')
ktap_info "nested guest: $R"
field() { sed -n "s/.*\<$1=\([^ ]*\).*/\1/p" <<<"$R"; }

check "nested guest: insmod iovnet_vf.ko, a netdev on the VF ($(field dev))" \
	test "$(field insmod)" = 0 -a "$(field dev)" != none -a -n "$(field dev)"
check "nested guest: the VF has the PF's administrative MAC ($(field mac))" \
	test "$(field mac)" = $VF_MAC
check "nested guest: carrier from the PF ($(field carrier_ms) ms)" test "$(field carrier)" = 1
check "nested guest: pings the link partner on VLAN $VLAN ($(field ping_ms) ms to the first answer)" \
	test "$(field ping)" = 0
mbx1=$(pf_vf_stat 0 mbx_msgs)
check "the PF served the nested VF's mailbox (vf0_mbx_msgs $mbx0 -> $mbx1)" \
	test "${mbx1:-0}" -gt "${mbx0:-0}"
check "nested guest powered off by itself (qemu exit $qrc)" \
	sh -c "[ $qrc = 0 ] && grep -q '^NESTED: done' '$CON'"
bad=$(grep -nE "$(. "$IOVNET_TOP/tools/lab/lib.sh"; echo "$LAB_BAD_LOG")" "$CON" | head -n 5)
[ -n "$bad" ] && ktap_info "nested kernel log: $bad"
check "nested guest kernel log free of oops/WARN/BUG" test -z "$bad"
check "link partner saw the VF's frames tagged with VLAN $VLAN" \
	sh -c "[ \$(ip netns exec $PEER_NS cat /sys/class/net/pv$VLAN/statistics/rx_packets) -gt 0 ]"

ktap_info "time: setup $((T1 - T0)) ms, nested guest $((T2 - T1)) ms, total $(( $(now_ms) - T0 )) ms"
ktap_finish
