#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/demo/run --host: prepare a real machine the way the lab guest is
# prepared (tools/lab/guest-init), and give everything back afterwards.
# host_setup exports LAB_PF_PCI, LAB_PF_MAC, LAB_TOP for scenario.sh.

HOST_PF_DRV=''		# the PF's driver before the run (e.g. igb)
HOST_PEER_IF=''		# the link partner's original name
HOST_PF_INSMOD=0	# we loaded iovnet_pf

_host_pci_driver() {	# PCI
	local l
	l=$(readlink "/sys/bus/pci/devices/$1/driver" 2>/dev/null) && basename "$l"
}

# The 82576 PFs on this machine, one PCI address a line
_host_82576() {
	local d
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor" 2>/dev/null):$(cat "$d/device" 2>/dev/null)" = 0x8086:0x10c9 ] &&
			basename "$d"
	done
}

host_setup() {	# PF_PCI|"" PEER_IF
	local pf=$1 peer_if=$2 cands peer_pci d i
	for c in ip ethtool iperf3 tcpdump nsenter python3 ping; do
		command -v "$c" >/dev/null || { echo "demo: $c is missing" >&2; return 1; }
	done
	[ -e "/sys/class/net/$peer_if" ] || { echo "demo: no netdev $peer_if" >&2; return 1; }
	if ip netns list | awk '{ print $1 }' | grep -qx peer; then
		echo "demo: netns peer exists already; remove it first" >&2
		return 1
	fi
	for i in t1 t2 t3 t4; do
		if ip netns list | awk '{ print $1 }' | grep -qx "$i"; then
			echo "demo: netns $i exists already; the demo's tenants need the name" >&2
			return 1
		fi
	done
	peer_pci=$(basename "$(readlink -f "/sys/class/net/$peer_if/device" 2>/dev/null)" 2>/dev/null)
	if [ -z "$pf" ]; then
		cands=$(_host_82576 | grep -vx "${peer_pci:-none}")
		if [ "$(grep -c . <<<"$cands")" != 1 ]; then
			echo "demo: found 82576 PFs: $(_host_82576 | tr '\n' ' ')- choose one with --pf" >&2
			return 1
		fi
		pf=$cands
	fi
	d=/sys/bus/pci/devices/$pf
	[ "$(cat "$d/device" 2>/dev/null)" = 0x10c9 ] ||
		{ echo "demo: $pf is not an 82576 PF (8086:10c9)" >&2; return 1; }
	[ "$pf" != "$peer_pci" ] || { echo "demo: $peer_if is the PF itself" >&2; return 1; }
	if [ "$(cat "$d/sriov_numvfs" 2>/dev/null)" != 0 ]; then
		echo "demo: $pf has VFs already; remove them first" >&2
		return 1
	fi

	HOST_PF_DRV=$(_host_pci_driver "$pf")
	if [ "$HOST_PF_DRV" != iovnet_pf ]; then
		[ -n "$HOST_PF_DRV" ] && echo "$pf" > "$d/driver/unbind"
		echo iovnet_pf > "$d/driver_override"
		if [ -d /sys/module/iovnet_pf ]; then
			echo "$pf" > /sys/bus/pci/drivers_probe
		else
			{ [ -d /sys/module/iovnet_lib ] ||
			  insmod "$top/iovnet_lib.ko"; } &&
			insmod "$top/iovnet_pf.ko" || return 1
			HOST_PF_INSMOD=1
		fi
	fi
	for i in $(seq 100); do
		ls "$d/net" 2>/dev/null | grep -q . && break
		sleep 0.1
	done
	LAB_PF_MAC=$(cat "$d"/net/*/address 2>/dev/null | head -1)
	[ -n "$LAB_PF_MAC" ] || { echo "demo: iovnet_pf made no netdev for $pf" >&2; return 1; }
	LAB_PF_PCI=$pf
	LAB_TOP=$top
	export LAB_PF_PCI LAB_PF_MAC LAB_TOP

	# The link partner, as tools/lab/guest-init sets it up in the lab
	HOST_PEER_IF=$peer_if
	ip netns add peer || return 1
	ip link set "$peer_if" netns peer name peer0 || return 1
	ip -n peer link set lo up
	ip -n peer addr add 192.168.77.2/24 dev peer0
	ip -n peer addr add fd77::2/64 dev peer0 nodad
	ip -n peer link set peer0 up
}

host_restore() {
	local d
	if [ -n "$HOST_PEER_IF" ] && ip netns list | awk '{ print $1 }' | grep -qx peer; then
		ip -n peer link del peer0.10 2>/dev/null
		ip -n peer link del peer0.20 2>/dev/null
		ip -n peer addr flush dev peer0 2>/dev/null
		ip -n peer link set peer0 down 2>/dev/null
		ip -n peer link set peer0 netns 1 name "$HOST_PEER_IF" 2>/dev/null ||
			echo "demo: could not move peer0 back as $HOST_PEER_IF" >&2
		ip netns del peer
	fi
	[ -n "${LAB_PF_PCI:-}" ] || return 0
	d=/sys/bus/pci/devices/$LAB_PF_PCI
	echo 0 > "$d/sriov_numvfs" 2>/dev/null
	echo 1 > "$d/sriov_drivers_autoprobe" 2>/dev/null
	[ -d /sys/module/iovnet_vf ] && rmmod iovnet_vf
	if [ -n "$HOST_PF_DRV" ] && [ "$HOST_PF_DRV" != iovnet_pf ]; then
		echo "$LAB_PF_PCI" > "$d/driver/unbind" 2>/dev/null
		echo > "$d/driver_override"
		[ "$HOST_PF_INSMOD" = 1 ] && rmmod iovnet_pf 2>/dev/null
		echo "$LAB_PF_PCI" > "/sys/bus/pci/drivers/$HOST_PF_DRV/bind" 2>/dev/null ||
			echo "demo: could not rebind $LAB_PF_PCI to $HOST_PF_DRV" >&2
	else
		echo > "$d/driver_override"
		[ "$HOST_PF_INSMOD" = 1 ] && rmmod iovnet_pf 2>/dev/null
	fi
	return 0
}
