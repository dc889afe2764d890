#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Down/up and rmmod/insmod cycles with traffic in between: the PF comes back
# every time, counters survive down/up, and page pools drain on teardown.

. "$(dirname "$0")/lib.sh"

ktap_header 5

pf_load && pf_up && wait_ping 10 || ktap_info "PF did not come up"

updown() {
	local i
	for i in $(seq 20); do
		ip link set "$PF_IF" down || return 1
		ip link set "$PF_IF" up || return 1
		wait_for 10 carrier_is "$PF_IF" 1 || { ktap_info "cycle $i: no carrier"; return 1; }
		wait_ping 10 || { ktap_info "cycle $i: no ping"; return 1; }
		ping_peer 20 || { ktap_info "cycle $i: ping loss"; return 1; }
	done
}
tx0=$(pf_stat tx_packets)
check "20 down/up cycles, ping after each" updown
tx1=$(pf_stat tx_packets)
ktap_info "tx_packets $tx0 -> $tx1 across the cycles"
check "counters survive down/up (never go backwards)" test "$tx1" -ge $((tx0 + 20 * 20))

reload() {
	local i bps
	for i in $(seq 5); do
		pf_unload || { ktap_info "cycle $i: rmmod failed"; return 1; }
		pf_load || { ktap_info "cycle $i: insmod failed"; return 1; }
		pf_up || { ktap_info "cycle $i: no carrier"; return 1; }
		wait_ping 10 || { ktap_info "cycle $i: no ping"; return 1; }
		bps=$(iperf_to_peer 2) || { ktap_info "cycle $i: iperf3 failed"; return 1; }
		ktap_info "cycle $i: $((bps / 1000000)) Mbit/s"
	done
}
check "5 rmmod/insmod cycles with traffic" reload
check "rmmod with traffic queued" sh -c "
	ping -f -c 2000 $PEER_IP >/dev/null 2>&1 &
	rmmod iovnet_pf; rc=\$?; wait; exit \$rc"
check "no page_pool left behind" sh -c "! dmesg | grep -q 'stalled pool shutdown'"

ktap_finish
