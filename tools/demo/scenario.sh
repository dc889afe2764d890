#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The demo scenario, run inside the lab guest: load the PF, show its link,
# pass traffic to the link partner and report what was measured.
set -u
. "$(dirname "$0")/../selftests/lib.sh"

step() { printf '\n== %s\n' "$*"; }
fail() { printf 'demo: FAILED: %s\n' "$*"; exit 1; }

step "load iovnet_pf"
pf_load || fail "iovnet_pf did not load"
ethtool -i "$PF_IF" | sed -n '1,2p;5p'

step "bring $PF_IF up"
ms=$(time_until 10 sh -c "ip link set $PF_IF up && ip addr replace $PF_IP/24 dev $PF_IF && [ \$(cat /sys/class/net/$PF_IF/carrier) = 1 ]") ||
	fail "no carrier"
ethtool "$PF_IF" | grep -E 'Speed|Duplex|Link detected'
echo "carrier after ${ms} ms"
ip -br addr show dev "$PF_IF"

step "ping the link partner"
wait_ping 10 >/dev/null || fail "peer unreachable"
ping -q -c 50 -i 0.02 "$PEER_IP" | tail -2

step "iperf3 TCP, 5 s each way"
tx=$(iperf_to_peer 5) || fail "iperf3 PF -> peer"
rx=$(iperf_to_peer 5 -R) || fail "iperf3 peer -> PF"

step "summary"
printf '%-28s %s\n' "driver" "iovnet_pf on $LAB_PF_PCI" \
	"lab" "QEMU igb, $LAB_ACCEL" \
	"link" "$(cat /sys/class/net/$PF_IF/speed) Mb/s, carrier in ${ms} ms" \
	"TCP PF -> peer" "$((tx / 1000000)) Mbit/s" \
	"TCP peer -> PF" "$((rx / 1000000)) Mbit/s" \
	"rx/tx packets" "$(pf_stat rx_packets) / $(pf_stat tx_packets)"
