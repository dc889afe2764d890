#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Kubernetes' sriov-cni pattern (issue 24), as its ADD and DEL steps drive
# the PF over netlink, with iovnet_vf bound to the VF all along:
#   ADD: remember the VF's admin settings; admin MAC, read back and
#        checked; VLAN, spoof check, trust, link state; the VF netdev's own
#        MAC set to the same address; the netdev down, moved into the pod's
#        namespace, renamed, MTU set, up;
#   DEL: the netdev down, renamed back, moved back to the host; VLAN 0,
#        spoof check on, trust off, link state auto, and the admin MAC
#        restored to what it was: 00:00:00:00:00:00 on a fresh VF, which
#        the PF must accept and show back while the driver is bound.
# Two pods take the VF in turn, the second with another MAC and a VLAN;
# each reaches the link partner, and the PF's log has no refusal for it.

. "$(dirname "$0")/lib.sh"

cleanup() { vf_test_cleanup 30; }
trap cleanup EXIT

VF=0
vf_line() { ip link show "$PF_IF" | grep -E "^\s+vf $VF "; }
admin_mac() { vf_line | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'; }
ns_mac() { tns "$1" cat "/sys/class/net/$2/address"; }	# NS IFACE
host_mac() { cat "/sys/class/net/$1/address"; }
pod_mac_is() { [ "$(ns_mac "$1" net1)" = "$2" ]; }	# POD MAC

# ADD: POD MAC IP [VID] (VID: the pod's traffic goes through a port VLAN)
cni_add() {
	local pod=$1 mac=$2 ip=$3 vid=${4:-0}
	ip link set "$PF_IF" vf $VF vlan "$vid" &&
	ip link set "$PF_IF" vf $VF mac "$mac" || return 1
	[ "$(admin_mac)" = "$mac" ] || { ktap_info "admin MAC reads $(admin_mac)"; return 1; }
	ip link set "$PF_IF" vf $VF spoofchk on trust off state auto &&
	ip link set "$VFDEV" address "$mac" &&
	ip link set "$VFDEV" down &&
	ip netns add "$pod" &&
	ip link set "$VFDEV" netns "$pod" &&
	tns "$pod" ip link set "$VFDEV" name net1 &&
	tns "$pod" ip link set net1 mtu 1450 &&
	tns "$pod" ip addr add "$ip/24" dev net1 &&
	tns "$pod" ip link set net1 up
}

# DEL: POD
cni_del() {
	local pod=$1
	tns "$pod" ip link set net1 down &&
	tns "$pod" ip link set net1 name "$VFDEV" &&
	tns "$pod" ip link set "$VFDEV" netns 1 &&
	ip netns del "$pod" &&
	ip link set "$PF_IF" vf $VF vlan 0 spoofchk on trust off state auto &&
	ip link set "$PF_IF" vf $VF mac "$SAVED_MAC"
}

ktap_header 15

pf_load && pf_up && wait_ping 20 || { echo "Bail out! PF did not come up"; exit 1; }
vfs_enable 2 && iovnet_insmod "$VF_KO" || { echo "Bail out! no VFs"; exit 1; }
VFDEV=$(vf_bind $VF iovnet_vf)
check "iovnet_vf bound to VF $VF ($VFDEV)" test -n "$VFDEV"
SAVED_MAC=$(admin_mac) PERM=$(host_mac "$VFDEV")
ktap_info "VF $VF before any pod: admin MAC $SAVED_MAC, netdev $VFDEV with $PERM"
dmesg_mark

# --- pod A: plain -------------------------------------------------------------
check "pod A: ADD (admin MAC set and read back, netdev moved, renamed, MTU 1450, up)" \
	cni_add podA 02:00:00:00:0c:01 192.168.77.61
check "pod A: net1 carries the pod's MAC" \
	wait_for 20 pod_mac_is podA 02:00:00:00:0c:01
check "pod A: MTU 1450" test "$(tns podA cat /sys/class/net/net1/mtu)" = 1450
check "pod A: reaches the link partner" wait_for 30 tping podA -c 1 -W 1 "$PEER_IP"
check "pod A: DEL (moved back, renamed, admin settings reset)" cni_del podA
check "after pod A: the PF shows the admin MAC restored ($SAVED_MAC)" \
	test "$(admin_mac)" = "$SAVED_MAC"
# The netdev keeps the address it had; the PF took the admin MAC away
check "after pod A: the VF netdev is back in the host namespace" \
	test -e "/sys/class/net/$VFDEV"

# --- pod B: another MAC and a port VLAN, on the VF pod A left -------------------
peer_vlan 30 10.30.0.2/24
check "pod B: ADD with VLAN 30 on the VF pod A used" \
	cni_add podB 02:00:00:00:0c:02 10.30.0.62 30
check "pod B: net1 carries pod B's MAC" \
	wait_for 20 pod_mac_is podB 02:00:00:00:0c:02
check "pod B: reaches the partner through VLAN 30" wait_for 30 tping podB -c 1 -W 1 10.30.0.2
check "pod B: DEL" cni_del podB
after_b() {
	vf_line | grep -q vlan && { ktap_info "still a VLAN: $(vf_line)"; return 1; }
	[ "$(admin_mac)" = "$SAVED_MAC" ]
}
check "after pod B: admin MAC $SAVED_MAC and no VLAN" after_b

# The VF stays usable after both pods: a third ADD passes traffic at once
third_pod() {
	cni_add podC 02:00:00:00:0c:03 192.168.77.63 &&
	wait_for 30 tping podC -c 1 -W 1 "$PEER_IP"
}
check "after both pods: the VF passes traffic in a third pod" third_pod
check "no refusal or warning in the PF's log for the whole pattern" \
	sh -c '! dmesg | tail -n +'$((DMESG_MARK + 1))' | grep -E "iovnet_pf.*(refused|may not|malformed|throttled)"'

ktap_finish
