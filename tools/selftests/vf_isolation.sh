#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Three iovnet_vf tenants under our PF, what keeps them apart and what they
# share: multicast join/leave seen in the PF's MTA and group traffic
# reaching only while someone is a member; port VLANs (two tenants on
# VLAN 10, one on VLAN 20: the other VLAN sees nothing, and a VF cannot
# add its own VLAN under a port VLAN); a guest VLAN through the mailbox
# (VLVF follows add and delete); the PF driver unloaded under bound VFs and
# loaded again (iovnet_vf probes the new VFs by itself); finally rmmod
# iovnet_vf while iperf3 runs.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tools/netlib.sh"

CELL=ours+ours

cleanup() {
	vf_test_cleanup 10 20 30
	netlib_cleanup
}
trap cleanup EXIT

no_ping() { ! tping "$@"; }
vf_addr() { tns "$1" cat "/sys/class/net/$2/address"; }	# NS IFACE
vlvf_has_pool() { [ $(( ($(vlvf_pools "$1") >> $2) & 1 )) = 1 ]; }	# VID POOL
vlvf_lacks_pool() { ! vlvf_has_pool "$@"; }
mta_is() { [ "$(mta_bit "$1")" = "$2" ]; }	# MAC 0|1
pf_vf_stat_gt() { [ "$(pf_vf_stat "$1" "$2")" -gt "$3" ]; }	# VF NAME VALUE
# COUNT UDP datagrams from the partner to multicast group GROUP
peer_mcast() {	# GROUP COUNT
	pns python3 -S -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(sys.argv[3]))
for i in range(int(sys.argv[2])):
    s.sendto(b"iovnet-mc" * 8, (sys.argv[1], 9))' "$1" "$2" "$PEER_IP"
}

ktap_header 35

pf_load && pf_up || { echo "Bail out! PF did not come up"; exit 1; }
MAC=(02:00:00:00:00:60 02:00:00:00:00:61 02:00:00:00:00:62)

check "3 VFs enabled, none bound" vfs_enable 3
for i in 0 1 2; do
	ip link set "$PF_IF" vf $i mac "${MAC[$i]}"
done
iovnet_insmod "$VF_KO"
VF0=$(vf_bind 0 iovnet_vf) && VF1=$(vf_bind 1 iovnet_vf) && VF2=$(vf_bind 2 iovnet_vf)
check "iovnet_vf binds VF 0-2 ($VF0, $VF1, $VF2)" test -n "$VF0" -a -n "$VF1" -a -n "$VF2"
tenant t0 "$VF0" 192.168.77.20 && tenant t1 "$VF1" 192.168.77.21 &&
	tenant t2 "$VF2" 192.168.77.22
all_reach_peer() {
	wait_for 20 tping t0 -c 1 -W 1 "$PEER_IP" &&
	wait_for 20 tping t1 -c 1 -W 1 "$PEER_IP" &&
	wait_for 20 tping t2 -c 1 -W 1 "$PEER_IP"
}
check "three tenants reach the link partner" all_reach_peer

# --- Multicast ------------------------------------------------------------
# A group 239.127.16.B (MAC 01:00:5e:7f:10:B) whose MTA bit nobody holds yet
GRP="" GIP=""
for b in 65 66 67 68 69 70 71 72; do
	m=$(printf '01:00:5e:7f:10:%02x' "$b")
	if [ "$(mta_bit "$m")" = 0 ]; then
		GRP=$m GIP=239.127.16.$b
		break
	fi
done
check "a multicast group with a free MTA bit ($GRP, hash $(mc_hash "${GRP:-0:0:0:0:0:0}"))" \
	test -n "$GRP"
tns t0 ip maddr add "$GRP" dev "$VF0"
check "VF 0 joins $GRP: the PF's MTA bit is set" wait_for 10 mta_is "$GRP" 1
mc0=$(tns_estat t0 "$VF0" vf_rx_multicast)
cap_start mc0 t0 "$VF0" -p -Q in udp and dst host "$GIP"
peer_mcast "$GIP" 20
check "group traffic from the partner reaches VF 0 (20 datagrams)" \
	wait_for 10 cap_count_ge mc0 20
cap_stop mc0
mc_moved() { [ $(( $(tns_estat t0 "$VF0" vf_rx_multicast) - mc0 )) -ge 20 ]; }
check "VF 0's multicast counter counts them" wait_for 10 mc_moved
ktap_info "vf_rx_multicast +$(( $(tns_estat t0 "$VF0" vf_rx_multicast) - mc0 ))"
n1=$(pf_vf_stat 1 mbx_msgs)
tns t1 ip maddr add "$GRP" dev "$VF1"
wait_for 10 pf_vf_stat_gt 1 mbx_msgs "$n1"
n0=$(pf_vf_stat 0 mbx_msgs)
tns t0 ip maddr del "$GRP" dev "$VF0"
wait_for 10 pf_vf_stat_gt 0 mbx_msgs "$n0"
check "VF 0 leaves, VF 1 still a member: the MTA bit stays set" mta_is "$GRP" 1
tns t1 ip maddr del "$GRP" dev "$VF1"
check "the last member leaves: the MTA bit is cleared" wait_for 10 mta_is "$GRP" 0
# The partner sends the group's datagrams, then pings VF 0: once the echo
# request is in, the datagrams before it had their chance to arrive
cap_start mc1 t0 "$VF0" -p -Q in "(udp and dst host $GIP) or (icmp and src host $PEER_IP)"
ptx=$(peer cat /sys/class/net/peer0/statistics/tx_packets)
peer_mcast "$GIP" 20
pns ping -q -c 1 -W 2 192.168.77.20 >/dev/null
wait_for 10 cap_count_ge mc1 1 icmp
cap_stop mc1
ptx=$(( $(peer cat /sys/class/net/peer0/statistics/tx_packets) - ptx ))
n=$(cap_count mc1 udp)
check "after the leave VF 0 gets none of the group's traffic ($n of 20; partner sent $ptx frames)" \
	test "$n" -eq 0 -a "$ptx" -ge 21 -a "$(cap_count mc1 icmp)" -ge 1

# --- Port VLANs: VF 0 and VF 1 on VLAN 10, VF 2 on VLAN 20 ----------------
ip link set "$PF_IF" vf 0 vlan 10 && ip link set "$PF_IF" vf 1 vlan 10 &&
	ip link set "$PF_IF" vf 2 vlan 20
tns t0 ip addr add 10.10.0.20/24 dev "$VF0"
tns t1 ip addr add 10.10.0.21/24 dev "$VF1"
tns t2 ip addr add 10.10.0.22/24 dev "$VF2"
tns t2 ip addr add 10.20.0.22/24 dev "$VF2"
peer_vlan 20 10.20.0.2/24
cap_start v10 t1 "$VF1" -p -Q in icmp and src host 10.10.0.20
mcheck $CELL vlan "VLAN 10: VF 0 -> VF 1" wait_for 30 tping t0 -c 1 -W 1 10.10.0.21
check "VF 1 saw VF 0's echo requests" wait_for 5 cap_count_ge v10 1
cap_stop v10
check "VLAN 20: VF 2 -> partner's tagged VLAN 20 interface" \
	wait_for 30 tping t2 -c 1 -W 1 10.20.0.2
tns t0 ip neigh flush dev "$VF0"
tns t1 ip neigh flush dev "$VF1"
cap_start v20 t2 "$VF2" -p -Q in host 10.10.0.20 or host 10.10.0.21
mcheck $CELL vlan "VLAN 10 -> VLAN 20: VF 0 cannot reach VF 2" \
	no_ping t0 -c 3 -i 0.3 -W 1 10.10.0.22
check "VLAN 10 -> VLAN 20: VF 1 cannot reach VF 2" \
	no_ping t1 -c 3 -i 0.3 -W 1 10.10.0.22
cap_stop v20
n=$(cap_count v20)
check "VF 2 received nothing from VLAN 10 ($n frames captured)" test "$n" -eq 0
refused "port VLAN 10: VF 0 cannot add its own VLAN 30" \
	tns t0 ip link add link "$VF0" name v30 type vlan id 30
check "port VLAN 10: no VLVF entry for VLAN 30 leaked" test "$(vlvf_pools 30)" = 0

# --- Guest VLAN through the mailbox: VF 2 without a port VLAN --------------
ip link set "$PF_IF" vf 2 vlan 0
peer_vlan 30 10.30.0.2/24
wait_for 30 tping t2 -c 1 -W 1 "$PEER_IP"
tenant_vlan t2 "$VF2" v30 30 10.30.0.22/24
check "guest VLAN 30: VLVF holds VF 2's pool" wait_for 10 vlvf_has_pool 30 2
mcheck $CELL vlan "guest VLAN 30: VF 2 <-> partner's tagged interface" \
	wait_for 20 tping t2 -c 1 -W 1 10.30.0.2
tns t2 ip link del v30
check "guest VLAN 30 deleted: VF 2's pool bit leaves VLVF" \
	wait_for 10 vlvf_lacks_pool 30 2

# --- PF driver unloaded under bound VFs, loaded again ----------------------
# Our PF resets the device only when its driver goes and comes back (PF
# down/up and ring changes touch only the PF's own pool while VFs exist):
# this is the "pf-reset" case of the matrix that really resets the VFs
dmesg_mark
t=$(date +%s%N)
timeout 60 rmmod iovnet_pf
rc=$? ms=$(( ($(date +%s%N) - t) / 1000000 ))
check "rmmod iovnet_pf with 3 bound iovnet_vf VFs: done within 20 s (${ms} ms)" \
	test "$rc" = 0 -a "$ms" -lt 20000
vfs_gone() {
	! tns t0 test -e "/sys/class/net/$VF0" && ! tns t1 test -e "/sys/class/net/$VF1" &&
	! tns t2 test -e "/sys/class/net/$VF2"
}
check "the VF devices and netdevs are gone, iovnet_vf stays loaded" \
	sh -c "! ls -d /sys/bus/pci/devices/*/physfn >/dev/null 2>&1 && [ -d /sys/module/iovnet_vf ]"
check "the tenants' VF netdevs are gone" vfs_gone
check "no oops/WARN in the kernel log during the unload" dmesg_clean
tenants_cleanup
# Nothing else may take the new VFs: iovnet_vf has to find them itself
module_loaded igbvf && rmmod igbvf
t=$(date +%s%N)
pf_load && pf_up &&
	echo 1 > "$(pf_sysfs)/sriov_drivers_autoprobe" &&
	echo 2 > "$(pf_sysfs)/sriov_numvfs"
vf_driver() { basename "$(readlink "/sys/bus/pci/devices/$(vf_bdf "$1")/driver")"; }
vf_netdev() { ls "/sys/bus/pci/devices/$(vf_bdf "$1")/net" 2>/dev/null; }
bound_both() { [ "$(vf_driver 0)" = iovnet_vf ] && [ "$(vf_driver 1)" = iovnet_vf ] &&
	       [ -n "$(vf_netdev 0)" ] && [ -n "$(vf_netdev 1)" ]; }
mcheck $CELL pf-reset "insmod iovnet_pf, 2 VFs: iovnet_vf probes both by itself" \
	wait_for "$(time_bound 20)" bound_both
ktap_info "VFs bound $(( ($(date +%s%N) - t) / 1000000 )) ms after insmod"
ip link set "$PF_IF" vf 0 mac "${MAC[0]}"
# by its PCI device: udev may be renaming the netdev meanwhile
vf0_admin_mac() { [ "$(cat /sys/bus/pci/devices/"$(vf_bdf 0)"/net/*/address)" = "${MAC[0]}" ]; }
ms=$(time_until 10 vf0_admin_mac)
check "VF 0 takes its administrative MAC (${ms} ms)" vf0_admin_mac
udev_settle
VF0=$(vf_netdev 0) VF1=$(vf_netdev 1)
tenant t0 "$VF0" 192.168.77.20 && tenant t1 "$VF1" 192.168.77.21
peer ip neigh flush dev peer0 2>/dev/null
bound=$(time_bound 30)
wait_for "$bound" tping t0 -c 1 -W 1 "$PEER_IP"
ms=$(( ($(date +%s%N) - t) / 1000000 ))
mcheck $CELL pf-reset "PF reloaded: VF 0 reaches the partner ${ms} ms after insmod (bound $bound s)" \
	sh -c "[ $ms -lt $((bound * 1000)) ] && ip netns exec t0 ping -q -c 3 -i 0.2 -W 2 $PEER_IP >/dev/null"
check "VF 0 -> VF 1 after the reload" wait_for 20 tping t0 -c 1 -W 1 192.168.77.21
check "no oops/WARN in the kernel log during the reload" dmesg_clean

# --- rmmod iovnet_vf while iperf3 runs -------------------------------------
dmesg_mark
peer_iperf_server
tns t0 timeout 60 iperf3 -c "$PEER_IP" -t 30 -P 2 --connect-timeout 5000 >/dev/null 2>&1 &
BG=$!
tx_started() { [ "$(tns t0 cat "/sys/class/net/$VF0/statistics/tx_packets")" -gt 2000 ]; }
check "iperf3 VF 0 -> partner running" wait_for 20 tx_started
t=$(date +%s%N)
timeout 30 rmmod iovnet_vf
rc=$? ms=$(( ($(date +%s%N) - t) / 1000000 ))
check "rmmod iovnet_vf under iperf3: done within 10 s (${ms} ms)" \
	test "$rc" = 0 -a "$ms" -lt 10000
check "VF 0's netdev is gone from its tenant" sh -c "! ip netns exec t0 test -e /sys/class/net/$VF0"
kill "$BG" 2>/dev/null
wait "$BG" 2>/dev/null
BG=
check "no oops/WARN in the kernel log during the unload" dmesg_clean
check "PF still reaches the partner" wait_ping 20

ktap_finish
