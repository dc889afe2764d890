#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Our VF under the stock igb PF (lab booted with --stock): iovnet_vf loads
# alone, takes the administrative MAC or registers a random one, falls back
# to the stock protocol (one queue pair), follows the link, reaches the
# link partner, the PF and the other VF, carries TCP both ways, does VLANs
# and jumbo frames through the mailbox, refuses a MAC the PF did not allow,
# takes a new administrative MAC at its next reset (the stock igb does not
# tell the VF), recovers by itself from a PF reset (ring resize, down/up),
# and unloads cleanly under traffic. Prints the "igb+ours" column of the
# interop matrix (lib.sh: mcheck).

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tools/netlib.sh"

if [ "${LAB_STOCK:-0}" != 1 ] || [ -z "${LAB_PF_IF:-}" ]; then
	echo "1..0 # SKIP needs the stock igb as PF (tools/lab/run --stock)"
	exit 4
fi
PF_IF=$LAB_PF_IF

cleanup() {
	vf_test_cleanup 10
	ip link set "$PF_IF" mtu 1500 2>/dev/null
	netlib_cleanup
}
trap cleanup EXIT

ktap_header 40

MAC0=02:00:00:00:00:30 MAC1B=02:00:00:00:00:31 NEW0=02:00:00:00:00:32
CELL=igb+ours

check "stock igb drives the PF" \
	test "$(basename "$(readlink "$(pf_sysfs)/driver")")" = igb
pf_up || { echo "Bail out! PF has no carrier"; exit 1; }
check "2 VFs enabled, none bound" vfs_enable 2
ip link set "$PF_IF" vf 0 mac $MAC0
check "insmod iovnet_vf with iovnet_lib only (no iovnet_pf)" \
	eval 'iovnet_insmod "$VF_KO" && ! lsmod | grep -q "^iovnet_pf "'
check "no module parameters" test ! -d /sys/module/iovnet_vf/parameters

VF0=$(vf_bind 0 iovnet_vf) && VF1=$(vf_bind 1 iovnet_vf)
check "iovnet_vf binds VF 0 and VF 1 ($VF0, $VF1)" \
	test -n "$VF0" -a -n "$VF1"
mcheck $CELL mac "VF 0 has the administrative MAC $MAC0" \
	test "$(cat "/sys/class/net/$VF0/address")" = $MAC0
# udev may give a random-address netdev another random address: the PF
# must follow either way
mac1_registered() {
	local mac
	mac=$(cat "/sys/class/net/$VF1/address") &&
	ip link show "$PF_IF" | grep -q "vf 1 .*link/ether $mac"
}
check "VF 1 (no administrative MAC) registered its random MAC with the PF" \
	wait_for 10 mac1_registered
drvinfo_ok() {
	local info
	info=$(ethtool -i "$VF0") &&
	grep -qx 'driver: iovnet_vf' <<<"$info" &&
	grep -qx "bus-info: $(vf_bdf 0)" <<<"$info"
}
check "ethtool -i: iovnet_vf at $(vf_bdf 0)" drvinfo_ok
# Combined channels, pre-set maximum and current: "1 1" under a stock PF
combined() { ethtool -l "$1" | awk '/^Combined:/ { printf "%s%s", s, $2; s = " " }'; }
check "stock PF: one queue pair (ethtool -l)" test "$(combined "$VF0")" = "1 1"

tenant t0 "$VF0" 192.168.77.10 && tenant t1 "$VF1" 192.168.77.11
ms=$(time_until 20 tenant_carrier t0 "$VF0")
mcheck $CELL link "VF 0 carrier within 20 s (${ms} ms)" tenant_carrier t0 "$VF0"
wait_for 20 tenant_carrier t1 "$VF1"
ks_ok() {
	local ks
	ks=$(tns t0 ethtool "$VF0") &&
	grep -q 'Speed: 1000Mb/s' <<<"$ks" && grep -q 'Link detected: yes' <<<"$ks"
}
check "ethtool: 1000Mb/s from the PF's STATUS, link detected" ks_ok
# No extensions from a stock PF, so no status codes (refusals stay EPERM)
check "stock PF: ethtool -i firmware-version \"mbx 0 caps 0x0\" (no extensions)" \
	sh -c "ip netns exec t0 ethtool -i $VF0 | grep -qx 'firmware-version: mbx 0 caps 0x0'"

check "VF 0 -> link partner: first ping within 20 s" \
	wait_for 20 tping t0 -c 1 -W 1 "$PEER_IP"
mcheck $CELL ping "VF 0 -> link partner: 100 pings, no loss" \
	tping t0 -c 100 -i 0.02 -W 2 "$PEER_IP"
ip addr replace "$PF_IP/24" dev "$PF_IF"
check "VF 0 -> PF: ping" wait_for 20 tping t0 -c 1 -W 1 "$PF_IP"
check "VF 0 -> VF 1: ping (the PF's local switch)" \
	wait_for 20 tping t0 -c 1 -W 1 192.168.77.11

tx0=$(tns_estat t0 "$VF0" vf_tx_packets)
peer_iperf_server
bytes=$(tns t0 timeout 40 iperf3 -c "$PEER_IP" -t 5 -J --connect-timeout 5000 |
	python3 -S -c 'import json,sys; print(int(json.load(sys.stdin)["end"]["sum_received"]["bytes"]))')
ktap_info "iperf3 TCP VF 0 -> partner, 5 s: $(( ${bytes:-0} * 8 / 5000000 )) Mbit/s"
mcheck $CELL tcp "iperf3 TCP VF 0 -> partner moves data" test "${bytes:-0}" -gt 1000000
peer_iperf_server
bytes=$(tns t0 timeout 40 iperf3 -c "$PEER_IP" -t 5 -R -J --connect-timeout 5000 |
	python3 -S -c 'import json,sys; print(int(json.load(sys.stdin)["end"]["sum_received"]["bytes"]))')
ktap_info "iperf3 TCP partner -> VF 0, 5 s: $(( ${bytes:-0} * 8 / 5000000 )) Mbit/s"
mcheck $CELL tcp "iperf3 TCP partner -> VF 0 moves data" test "${bytes:-0}" -gt 1000000
tx1=$(tns_estat t0 "$VF0" vf_tx_packets)
ktap_info "VF 0 pool counter vf_tx_packets +$((tx1 - tx0)); TSO packets $(tns_estat t0 "$VF0" tx_tso_packets)"
check "pool counters (VFGPTC, widened) follow the traffic" \
	test $((tx1 - tx0)) -gt 1000
check "TSO used for the TCP stream" test "$(tns_estat t0 "$VF0" tx_tso_packets)" -gt 0

# MAC: VF 1 may change its own, VF 0's is the administrator's
tns t1 ip link set "$VF1" address $MAC1B
check "VF 1 changes its MAC, the PF follows" \
	sh -c "ip link show $PF_IF | grep -q 'vf 1 .*link/ether $MAC1B'"
# Without arp_notify the stack announces nothing: forget the old address
tns t0 ip neigh flush dev "$VF0"
check "VF 0 -> VF 1 with VF 1's new MAC" \
	wait_for 20 tping t0 -c 1 -W 1 192.168.77.11
refused "VF 0 cannot override the administrative MAC" \
	tns t0 ip link set "$VF0" address 02:00:00:00:00:3f
check "VF 0 kept $MAC0" test "$(tns t0 cat "/sys/class/net/$VF0/address")" = $MAC0

# Live administrative MAC change: the stock igb moves the VF's RAR entry
# but sends the VF nothing ("Reload the VF driver"), so the VF takes the
# new MAC at its next reset handshake: here an FLR, which iovnet_vf
# recovers from by itself (no rebind needed, unlike the stock igbvf)
ip link set "$PF_IF" vf 0 mac $NEW0
echo 1 > "/sys/bus/pci/devices/$(vf_bdf 0)/reset"
vf0_new_mac() { [ "$(tns t0 cat "/sys/class/net/$VF0/address")" = $NEW0 ]; }
ms=$(time_until 20 vf0_new_mac)
mcheck -l FLR $CELL live-mac "new MAC $NEW0 set at the stock PF: VF 0 shows it after an FLR (${ms} ms)" \
	vf0_new_mac
pns ip neigh flush dev peer0
ms=$(time_until 20 tping t0 -c 1 -W 1 "$PEER_IP")
mcheck -l FLR $CELL live-mac "VF 0 reaches the partner with the new MAC (${ms} ms)" \
	tping t0 -c 3 -i 0.2 -W 2 "$PEER_IP"

# VLAN filter through the mailbox (SET_VLAN)
peer_vlan 10 10.10.0.2/24
tenant_vlan t0 "$VF0" vlan10 10 10.10.0.10/24
mcheck $CELL vlan "VLAN 10: VF 0 <-> partner's tagged interface" \
	wait_for 20 tping t0 -c 1 -W 1 10.10.0.2

# Jumbo frames through SET_LPE
ip link set "$PF_IF" mtu 9000
wait_for 20 carrier_is "$PF_IF" 1
wait_for 20 tenant_carrier t0 "$VF0"
check "VF 0 MTU 9000 accepted" tns t0 ip link set "$VF0" mtu 9000
mcheck $CELL mtu9000 "9000-byte frames VF 0 <-> PF" \
	wait_for 20 tping t0 -c 3 -M do -s 8972 -W 2 "$PF_IP"
tns t0 ip link set "$VF0" mtu 1500

# Cable pulled at the PF: the VF's carrier follows the shared STATUS.LU
vf0_carrier() { tenant_carrier t0 "$VF0"; }
vf0_no_carrier() { ! tenant_carrier t0 "$VF0"; }
"$LAB_MONITOR" set_link wire0-pf off >/dev/null
ms=$(time_until 10 vf0_no_carrier)
check "wire down: VF 0 carrier off within 10 s (${ms} ms)" vf0_no_carrier
"$LAB_MONITOR" set_link wire0-pf on >/dev/null
ms=$(time_until 20 vf0_carrier)
check "wire up: VF 0 carrier back within 20 s (${ms} ms)" vf0_carrier

# PF ring resize: the stock igb resets the device (and with it the VFs)
rec0=$(tns_estat t0 "$VF0" recoveries)
ethtool -G "$PF_IF" rx 512 tx 512
recovered() {
	[ "$(tns_estat t0 "$VF0" recoveries)" -gt "$rec0" ] &&
	tping t0 -c 1 -W 1 "$PEER_IP"
}
ms=$(time_until 40 recovered)
mcheck $CELL pf-reset "PF ring resize (ethtool -G): VF 0 recovers, reaches the partner within 40 s (${ms} ms)" \
	recovered

# A PF reset (down/up resets the device): the VF recovers by itself
rec0=$(tns_estat t0 "$VF0" recoveries)
ip link set "$PF_IF" down
check "PF down: VF 0 loses carrier within 10 s" wait_for 10 vf0_no_carrier
ip link set "$PF_IF" up
ms=$(time_until 40 tping t0 -c 1 -W 1 "$PEER_IP")
mcheck $CELL pf-reset "PF up: VF 0 reaches the partner again (${ms} ms)" \
	tping t0 -c 3 -i 0.2 -W 2 "$PEER_IP"
check "the VF counted a recovery" \
	test "$(tns_estat t0 "$VF0" recoveries)" -gt "$rec0"
mcheck $CELL pf-reset "VLAN 10 restored after the recovery" \
	wait_for 20 tping t0 -c 1 -W 1 10.10.0.2

# Unload under traffic
tping t0 -f -w 30 "$PEER_IP" >/dev/null 2>&1 &
BG=$!
wait_for 10 sh -c "[ \$(ip netns exec t0 cat /sys/class/net/$VF0/statistics/tx_packets) -gt 1000 ]"
check "rmmod iovnet_vf during traffic" rmmod iovnet_vf
kill "$BG" 2>/dev/null
wait "$BG" 2>/dev/null
BG=
check "both VF netdevs are gone" \
	sh -c "! ip netns exec t0 test -e /sys/class/net/$VF0 &&
	       ! ip netns exec t1 test -e /sys/class/net/$VF1"
check "VFs disabled" vfs_disable
check "PF still reaches the partner" wait_ping 20

ktap_finish
