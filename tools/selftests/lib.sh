#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers for the iovnet selftests: KTAP output, polling with a
# timeout (never a bare sleep), and lab plumbing (load the PF, find its
# netdev, talk to the link partner in netns "peer").

IOVNET_TOP=${LAB_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
PF_IP=192.168.77.1
PF_IP6=fd77::1
PEER_IP=192.168.77.2
PEER_IP6=fd77::2
PEER_NS=peer
# Where the modules under test are: those built for the running kernel.
# The checkout's top level (make: the lab's 6.12) or, on another kernel
# (tools/lab/run --kernel 6.1), tools/kernels/build's build of it, found
# by vermagic; IOVNET_MODDIR overrides (the debug-kernel lane sets it).
iovnet_moddir() {
	local rel d

	rel=$(uname -r)
	for d in "$IOVNET_TOP" "$IOVNET_TOP"/build/kernels/*/tree; do
		[ -e "$d/iovnet_pf.ko" ] || continue
		if [ "$(modinfo -F vermagic "$d/iovnet_pf.ko" 2>/dev/null | cut -d' ' -f1)" = "$rel" ]; then
			echo "$d"
			return 0
		fi
	done
	echo "$IOVNET_TOP"
}
IOVNET_MODDIR=${IOVNET_MODDIR:-$(iovnet_moddir)}
export IOVNET_MODDIR
PF_KO=$IOVNET_MODDIR/iovnet_pf.ko
VF_KO=$IOVNET_MODDIR/iovnet_vf.ko
LIB_KO=$IOVNET_MODDIR/iovnet_lib.ko

ktap_pass=0
ktap_fail=0
ktap_skip=0
ktap_num=0

ktap_header() {	# PLAN
	echo "KTAP version 1"
	echo "1..$1"
}

ktap_info() { printf '# %s\n' "$*"; }

ktap_result() {	# ok|fail|skip DESCRIPTION [REASON]
	ktap_num=$((ktap_num + 1))
	case $1 in
	ok) ktap_pass=$((ktap_pass + 1)); echo "ok $ktap_num $2" ;;
	fail) ktap_fail=$((ktap_fail + 1)); echo "not ok $ktap_num $2" ;;
	skip) ktap_skip=$((ktap_skip + 1)); echo "ok $ktap_num $2 # SKIP ${3:-}" ;;
	esac
}

# check DESCRIPTION COMMAND...: one test case whose verdict is COMMAND's status
check() {
	local desc=$1
	shift
	if "$@"; then
		ktap_result ok "$desc"
	else
		ktap_result fail "$desc"
	fi
}

ktap_finish() {
	echo "# Totals: pass:$ktap_pass fail:$ktap_fail xfail:0 xpass:0 skip:$ktap_skip error:0"
	[ "$ktap_fail" -eq 0 ]
	exit $?
}

# Poll COMMAND every 50 ms until it succeeds or SECONDS pass.
wait_for() {	# SECONDS COMMAND...
	local deadline=$(( $(date +%s%N) + ${1%.*} * 1000000000 ))
	shift
	while ! "$@" 2>/dev/null; do
		[ "$(date +%s%N)" -lt "$deadline" ] || return 1
		sleep 0.05
	done
}

# Milliseconds taken by wait_for; prints them, fails like wait_for.
time_until() {	# SECONDS COMMAND...
	local t0 rc
	t0=$(date +%s%N)
	wait_for "$@"
	rc=$?
	echo $(( ($(date +%s%N) - t0) / 1000000 ))
	return $rc
}

# A time bound measured on the lab kernel, for the running kernel: a
# debug kernel (lockdep, KASAN, kmemleak) runs everything, udev included,
# several times slower, so it gets four times as long.
time_bound() {	# SECONDS
	if [ -e /proc/lockdep_stats ]; then
		echo $(( $1 * 4 ))
	else
		echo "$1"
	fi
}

netdev_by_mac() {	# MAC
	local d
	for d in /sys/class/net/*; do
		[ "$(cat "$d/address" 2>/dev/null)" = "$1" ] && { basename "$d"; return 0; }
	done
	return 1
}

carrier_is() {	# IFACE 0|1
	[ "$(cat "/sys/class/net/$1/carrier" 2>/dev/null)" = "$2" ]
}

peer() { ip netns exec "$PEER_NS" "$@"; }

module_loaded() { [ -d "/sys/module/$1" ]; }

# Wait until udev has handled its queue, so netdevs carry their final
# names.  A debug kernel's udev, behind on a run of binds, can take over
# 10 s: a name read before that (eth0) goes stale when udev renames it.
udev_settle() { udevadm settle -t 60 2>/dev/null; }

# insmod a driver module (iovnet_pf.ko or iovnet_vf.ko) with the library
# both need, iovnet_lib.ko, loaded first if it is not; it is never
# unloaded here (rmmod of a driver leaves it, as modprobe -r would not).
iovnet_insmod() {	# KO
	if ! module_loaded iovnet_lib; then
		insmod "$(dirname "$1")/iovnet_lib.ko" || return 1
	fi
	insmod "$1"
}

# Load iovnet_pf (if needed) and set PF_IF to its netdev, once udev has
# given it its final name.
pf_load() {
	if ! module_loaded iovnet_pf; then
		iovnet_insmod "$PF_KO" || return 1
	fi
	udev_settle
	wait_for 10 netdev_by_mac "$LAB_PF_MAC" >/dev/null || return 1
	PF_IF=$(netdev_by_mac "$LAB_PF_MAC")
	[ -n "$PF_IF" ]
}

pf_unload() {
	module_loaded iovnet_pf || return 0
	rmmod iovnet_pf
}

# Addresses, link up, carrier within 10 s.
pf_up() {
	ip addr replace "$PF_IP/24" dev "$PF_IF" &&
	ip addr replace "$PF_IP6/64" dev "$PF_IF" nodad &&
	ip link set "$PF_IF" up &&
	wait_for 10 carrier_is "$PF_IF" 1
}

ping_peer() {	# COUNT [extra ping options]
	local count=$1
	shift
	ping -q -c "$count" -i 0.02 -W 2 "$@" "$PEER_IP" >/dev/null
}

# ping until the peer answers (after a link change the neighbour may be stale)
wait_ping() {	# SECONDS
	wait_for "$1" ping -q -c 1 -W 1 "$PEER_IP" >/dev/null
}

pf_stat() {	# STATISTIC
	cat "/sys/class/net/$PF_IF/statistics/$1"
}

# A short iperf3 run to the partner from namespace NS (empty: this one);
# prints the receiver's bits per second.
iperf_ns_to_peer() {	# NS SECONDS [iperf3 options]
	local ns=$1 secs=$2 out
	shift 2
	peer iperf3 -s -1 -D -B "$PEER_IP" --logfile /tmp/iperf3-peer.log || return 1
	wait_for 5 peer sh -c "ss -ltn | grep -q ':5201 '" || return 1
	out=$(timeout $((secs + 20)) ${ns:+ip netns exec "$ns"} iperf3 -c "$PEER_IP" \
	      -t "$secs" -J --connect-timeout 5000 "$@") || return 1
	python3 -c 'import json,sys; print(int(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]))' <<<"$out"
}

iperf_to_peer() { iperf_ns_to_peer "" "$@"; }	# SECONDS [iperf3 options]

# --- SR-IOV helpers -------------------------------------------------------

pf_sysfs() { echo "/sys/bus/pci/devices/$LAB_PF_PCI"; }

# Enable N VFs without binding any driver to them.
vfs_enable() {	# N
	echo 0 > "$(pf_sysfs)/sriov_drivers_autoprobe" &&
	echo "$1" > "$(pf_sysfs)/sriov_numvfs"
}

vfs_disable() { echo 0 > "$(pf_sysfs)/sriov_numvfs"; }

vf_bdf() {	# INDEX
	basename "$(readlink "$(pf_sysfs)/virtfn$1")"
}

# Bind VF INDEX to DRIVER (igbvf or iovnet_vf) and print its netdev name.
vf_bind() {	# INDEX DRIVER
	local bdf dev
	bdf=$(vf_bdf "$1") || return 1
	dev=/sys/bus/pci/devices/$bdf
	[ -e "$dev/driver" ] && echo "$bdf" > "$dev/driver/unbind"
	echo "$2" > "$dev/driver_override" &&
	echo "$bdf" > /sys/bus/pci/drivers_probe || return 1
	wait_for 10 sh -c "ls $dev/net 2>/dev/null | grep -q ." || return 1
	udev_settle
	ls "$dev/net"
}

# Hand VF BDF to vfio-pci (for DPDK or a nested guest): true once it is
# bound, alone in its IOMMU group (a group shared with the PF is not
# viable) and the group's device node exists.
vf_bind_vfio() {	# BDF
	local dev=/sys/bus/pci/devices/$1 group
	group=$(basename "$(readlink "$dev/iommu_group")") || return 1
	modprobe vfio-pci &&
	echo vfio-pci > "$dev/driver_override" &&
	echo "$1" > /sys/bus/pci/drivers_probe &&
	[ "$(basename "$(readlink "$dev/driver")")" = vfio-pci ] &&
	[ "$(ls "/sys/kernel/iommu_groups/$group/devices")" = "$1" ] &&
	[ -c "/dev/vfio/$group" ]
}

vf_unbind() {	# INDEX
	local dev
	dev=/sys/bus/pci/devices/$(vf_bdf "$1")
	[ -e "$dev/driver" ] && echo "$(basename "$dev")" > "$dev/driver/unbind"
	echo > "$dev/driver_override"
}

# Move IFACE into a new netns NS with ADDR/24, bring it up.
tenant() {	# NS IFACE ADDR
	ip netns add "$1" 2>/dev/null
	ip link set "$2" netns "$1" &&
	ip -n "$1" addr add "$3/24" dev "$2" &&
	ip -n "$1" link set "$2" up
}

tenant_carrier() {	# NS IFACE
	[ "$(ip netns exec "$1" cat "/sys/class/net/$2/carrier" 2>/dev/null)" = 1 ]
}

tns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# Build the raw mailbox client (mbx_client.c) into PATH: the protocol and
# register names are common/'s, through include/. Fails on any warning.
mbx_client_build() {	# PATH
	local out
	out=$(gcc -Wall -Wextra -O2 -I"$(dirname "$0")/include" -I"$IOVNET_TOP/common" \
		-o "$1" "$(dirname "$0")/mbx_client.c" 2>&1)
	[ -z "$out" ] || ktap_info "$out"
	[ -x "$1" ] && [ -z "$out" ]
}

# Ping quietly from a tenant namespace; the status is ping's.
tping() {	# NS ping-arguments...
	local ns=$1
	shift
	ip netns exec "$ns" ping -q "$@" >/dev/null 2>&1
}

# Value of KEY in `ethtool -S IFACE` run in namespace NS.
tns_estat() {	# NS IFACE KEY
	tns "$1" ethtool -S "$2" | awk -v k="$3:" '$1 == k { print $2 }'
}

# A VLAN link peer0.VID on the link partner, with ADDR (vf_test_cleanup
# deletes it).
peer_vlan() {	# VID ADDR/24
	peer ip link add link peer0 name "peer0.$1" type vlan id "$1" &&
	peer ip addr add "$2" dev "peer0.$1" &&
	peer ip link set "peer0.$1" up
}

# A VLAN link NAME on IFACE in tenant namespace NS, with ADDR.
tenant_vlan() {	# NS IFACE NAME VID ADDR/24
	tns "$1" ip link add link "$2" name "$3" type vlan id "$4" &&
	tns "$1" ip addr add "$5" dev "$3" &&
	tns "$1" ip link set "$3" up
}

# What a VF test leaves behind: its background job ($BG), the tenant
# namespaces, the peer's VLAN links peer0.VID, iovnet_vf and the VFs.
vf_test_cleanup() {	# [VID...]
	local vid
	[ -n "${BG:-}" ] && kill "$BG" 2>/dev/null
	tenants_cleanup
	for vid in "$@"; do
		peer ip link del "peer0.$vid" 2>/dev/null
	done
	module_loaded iovnet_vf && rmmod iovnet_vf
	[ -w "$(pf_sysfs)/sriov_numvfs" ] && vfs_disable 2>/dev/null
}

tenants_cleanup() {
	local ns
	for ns in $(ip netns list | awk '{print $1}'); do
		[ "$ns" = "$PEER_NS" ] || ip netns del "$ns"
	done
}

# Word N of the PF's register dump (see Documentation/iovnet.rst)
pf_reg_word() {	# N
	ethtool -d "$PF_IF" raw on | od -An -tx4 -v -w4 -j $(( $1 * 4 )) -N 4 |
		tr -d ' '
}

pf_vf_stat() {	# VF NAME
	ethtool -S "$PF_IF" | awk -v k="vf$1_$2:" '$1 == k { print $2 }'
}

# VLVF entry pools for VLAN VID: the POOLSEL bits (pool n is bit n) of the
# valid entry that holds VID, 0 if none does
vlvf_pools() {	# VID
	local w
	for w in $(ethtool -d "$PF_IF" raw on | od -An -tx4 -v -w4 | sed -n '47,78p'); do
		w=$((16#$w))
		if (( (w >> 31) & 1 && (w & 0xfff) == $1 )); then
			echo $(( (w >> 12) & 0xff ))
			return 0
		fi
	done
	echo 0
}

# The 82576's default multicast hash of MAC (bits 47:36) and its MTA bit
# in the PF's register dump (MTA n is word 124 + n)
mc_hash() {	# MAC
	local b
	IFS=: read -r -a b <<<"$1"
	echo $(( ((16#${b[4]} >> 4) | (16#${b[5]} << 4)) & 0xfff ))
}

mta_bit() {	# MAC: prints 0 or 1
	local h
	h=$(mc_hash "$1")
	echo $(( (16#$(pf_reg_word $((124 + h / 32))) >> (h % 32)) & 1 ))
}

# --- kernel log -----------------------------------------------------------

# dmesg_mark; ...; dmesg_clean: no oops/WARN/BUG/lockdep/call trace was
# logged since the mark (prints the first such lines otherwise)
dmesg_mark() { DMESG_MARK=$(dmesg | wc -l); }

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# The initramfs of a nested guest (nested/init): busybox, iovnet_lib.ko
# and iovnet_vf.ko from MODDIR; written to WORK/initramfs.cpio
nested_initramfs() {	# MODDIR WORK
	mkdir -p "$2/root/bin" &&
	cp /bin/busybox "$2/root/bin/busybox" &&
	strip --strip-debug -o "$2/root/iovnet_lib.ko" "$1/iovnet_lib.ko" &&
	strip --strip-debug -o "$2/root/iovnet_vf.ko" "$1/iovnet_vf.ko" &&
	cp "$IOVNET_TOP/tools/selftests/nested/init" "$2/root/init" &&
	(cd "$2/root" && find . | cpio -o -H newc --quiet > "$2/initramfs.cpio") &&
	[ -s "$2/initramfs.cpio" ]
}

dmesg_clean() {
	local bad
	bad=$(dmesg | tail -n +$((DMESG_MARK + 1)) |
	      grep -E 'WARNING:|BUG:|Oops|Call Trace|lockdep|KASAN|UBSAN|general protection|hung_task|soft lockup|refcount_t' |
	      head -n 5)
	[ -z "$bad" ] && return 0
	ktap_info "kernel log: $(tr '\n' ' ' <<<"$bad")"
	return 1
}

# --- interop matrix -------------------------------------------------------
#
# The interop matrix (tools/check assembles it) has one column per
# PF + VF pairing and one row per feature:
#   cells:    ours+ours (iovnet_pf + iovnet_vf), ours+igbvf (iovnet_pf +
#             stock igbvf), igb+ours (stock igb + iovnet_vf)
#   features: link mac ping tcp vlan mtu9000 live-mac pf-reset
# mcheck is "check" that also prints "# matrix: CELL FEATURE ok|FAIL"; with
# -l LABEL a passing case prints LABEL instead of ok (e.g. "rebind" where
# the stock driver needs one). A feature may be covered by several cases:
# tools/check shows FAIL if any of them failed.
mcheck() {	# [-l LABEL] CELL FEATURE DESCRIPTION COMMAND...
	local label=ok cell feat desc
	if [ "$1" = -l ]; then
		label=$2
		shift 2
	fi
	cell=$1 feat=$2 desc=$3
	shift 3
	if "$@"; then
		ktap_result ok "$desc"
		ktap_info "matrix: $cell $feat $label"
	else
		ktap_result fail "$desc"
		ktap_info "matrix: $cell $feat FAIL"
	fi
}
