#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A PF TX hang, detected, reset, recovered and counted.  Clearing Bus
# Master Enable in the PF's PCI command register (setpci) while a ping
# flood runs to the link partner stalls the model's TX path: QEMU's igb
# still advances the TX head, but its descriptor reads and write-backs
# (and MSI-X messages) go nowhere, so no descriptor ever comes back done,
# the ring fills and the stack stops the queue.  The kernel's TX watchdog
# must fire (queues/tx-N/tx_timeout), the driver must count it
# (ethtool -S tx_timeouts) and reset its datapath (ethtool -S resets);
# once bus mastering is back, traffic must flow again within a bound,
# with no further timeouts.  One queue pair (ethtool -L combined 1) keeps
# it deterministic: descriptors the model consumed while bus mastering
# was off never complete, so a queue that sent a few packets in that
# window and then went quiet would stall only much later; with one queue
# the flood fills it, and any second timeout comes at once.
#
# The watchdog's "NETDEV WATCHDOG" line is expected here: the test
# brackets it with "iovnet-selftest: expect ... begin/end" lines in the
# kernel log.

. "$(dirname "$0")/lib.sh"

FLOOD='' EXPECTING=0 CHANNELS=''
cleanup() {
	[ -n "$FLOOD" ] && kill "$FLOOD" 2>/dev/null
	[ -n "${PF_BDF:-}" ] && setpci -s "$PF_BDF" COMMAND=4:4 2>/dev/null
	[ $EXPECTING = 1 ] && kmsg "iovnet-selftest: expect NETDEV WATCHDOG end"
	[ -n "$CHANNELS" ] && ethtool -L "$PF_IF" combined "$CHANNELS"
}
trap cleanup EXIT

kmsg() { echo "$*" >/dev/kmsg 2>/dev/null; }

# Sum of the stack's per-queue TX timeout counters
txq_timeouts() {
	local f s=0
	for f in /sys/class/net/"$PF_IF"/queues/tx-*/tx_timeout; do
		s=$((s + $(cat "$f")))
	done
	echo $s
}

pf_estat() {	# KEY: a driver counter of ethtool -S
	ethtool -S "$PF_IF" | awk -v k="$1:" '$1 == k { print $2; f = 1 } END { exit !f }'
}

bme() {	# prints 1 if Bus Master Enable is set in the PF's command register
	echo $(( (0x$(setpci -s "$PF_BDF" COMMAND) >> 2) & 1 ))
}

gt() {	# gt COMMAND VALUE: COMMAND's output is greater than VALUE
	local v
	v=$($1) && [ "$v" -gt "$2" ]
}

ping1() { ping -q -c 1 -W 1 "$PEER_IP" >/dev/null 2>&1; }

# One round of traffic with no new TX timeout: 20 pings, none lost
clean_round() {
	local t
	t=$(txq_timeouts)
	ping_peer 20 && [ "$(txq_timeouts)" = "$t" ]
}

ktap_header 14

pf_load && pf_up && wait_ping 20 || { echo "Bail out! PF did not come up"; exit 1; }
PF_BDF=$LAB_PF_PCI
CHANNELS=$(ethtool -l "$PF_IF" | awk '/^Current/ { c = 1 } c && /^Combined:/ { print $2 }')
ethtool -L "$PF_IF" combined 1 && wait_ping 20
check "the driver exposes tx_timeouts and resets (ethtool -S)" \
	sh -c "ethtool -S $PF_IF | grep -q ' tx_timeouts:' && ethtool -S $PF_IF | grep -q ' resets:'"
check "PF -> partner before the hang: 20 pings" ping_peer 20

to0=$(txq_timeouts)
et0=$(pf_estat tx_timeouts)
rs0=$(pf_estat resets)
dmesg_mark
kmsg "iovnet-selftest: expect NETDEV WATCHDOG begin"
EXPECTING=1

# The flood keeps the TX ring busy through the stall (ping -f sends at
# least 100 packets a second even when no reply comes back)
ping -f -q -w 300 "$PEER_IP" >/tmp/tx-hang-ping.log 2>&1 &
FLOOD=$!
tx0=$(pf_stat tx_packets)
wait_for 10 gt "pf_stat tx_packets" $((tx0 + 100))

t_stall=$(date +%s%N)
setpci -s "$PF_BDF" COMMAND=0:4
check "Bus Master Enable cleared" test "$(bme)" = 0

ms=$(time_until 30 gt txq_timeouts "$to0")
# Bus mastering back as soon as the hang is seen: the reset may come
# before or after it (then a second timeout follows)
setpci -s "$PF_BDF" COMMAND=4:4
check "the stack's TX watchdog fires within 30 s of the stall (${ms} ms)" \
	gt txq_timeouts "$to0"
check "Bus Master Enable set again" test "$(bme)" = 1
t_fix=$(date +%s%N)
check "the driver counts the timeout (ethtool -S tx_timeouts)" \
	gt "pf_estat tx_timeouts" "$et0"
ms=$(time_until 10 gt "pf_estat resets" "$rs0")
check "the driver resets its datapath within 10 s of the timeout (${ms} ms)" \
	gt "pf_estat resets" "$rs0"

ms=$(time_until 40 ping1)
check "the partner answers again within 40 s of bus mastering (${ms} ms)" ping1
kill -INT "$FLOOD"
wait "$FLOOD"
FLOOD=
ms=$(time_until 60 clean_round)
check "a clean round (20 pings, no loss, no new timeout) within 60 s (${ms} ms)" \
	test $? -eq 0
ktap_info "stall to recovery: $(( ($(date +%s%N) - t_stall) / 1000000 )) ms," \
	"bus mastering to recovery: $(( ($(date +%s%N) - t_fix) / 1000000 )) ms;" \
	"tx_timeout (stack): $((  $(txq_timeouts) - to0 )), tx_timeouts (driver):" \
	"$(( $(pf_estat tx_timeouts) - et0 )), resets: $(( $(pf_estat resets) - rs0 ))"
ktap_info "flood: $(grep -o '[0-9]* packets transmitted, [0-9]* received' /tmp/tx-hang-ping.log)"
check "driver and stack counted the same number of timeouts" \
	test $(( $(pf_estat tx_timeouts) - et0 )) -eq $(( $(txq_timeouts) - to0 ))
kmsg "iovnet-selftest: expect NETDEV WATCHDOG end"
EXPECTING=0

# After recovery: real traffic, and no further watchdog firing during it
to1=$(txq_timeouts)
check "after recovery: 100 pings, no loss" ping_peer 100
bps=$(iperf_to_peer 5)
ktap_info "after recovery: iperf3 TCP PF -> partner $(( ${bps:-0} / 1000000 )) Mbit/s"
check "after recovery: iperf3 TCP moves data" test "${bps:-0}" -gt 1000000
check "no TX timeout after recovery (during 100 pings and 5 s of TCP)" \
	test "$(txq_timeouts)" = "$to1"
check "no oops, WARN or lockdep report" dmesg_clean
ktap_finish
