#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Carrier follows the wire: QEMU's set_link on the igb drops and restores
# the link; the PF reports it within bounded, measured times.

. "$(dirname "$0")/lib.sh"

FLAPS=5
ktap_header $((2 * FLAPS + 3))

pf_load && pf_up && wait_ping 10 || ktap_info "PF did not come up"
check "carrier up before the flaps" carrier_is "$PF_IF" 1

for i in $(seq $FLAPS); do
	$LAB_MONITOR set_link igb0 off >/dev/null
	ms=$(time_until 2 carrier_is "$PF_IF" 0)
	check "flap $i: carrier off within 2 s (${ms} ms)" test $? -eq 0
	$LAB_MONITOR set_link igb0 on >/dev/null
	ms=$(time_until 5 carrier_is "$PF_IF" 1)
	check "flap $i: carrier on within 5 s (${ms} ms)" test $? -eq 0
done
traffic_after() { wait_ping 10 && ping_peer 20; }
check "traffic passes after the flaps" traffic_after
other=$(awk '/-other$/ {s = 0; for (i = 2; i <= NF - 3; i++) s += $i; print s}' /proc/interrupts)
ktap_info "link/other interrupts: $other"
check "link changes arrive by interrupt" test "${other:-0}" -ge $((2 * FLAPS))

ktap_finish
