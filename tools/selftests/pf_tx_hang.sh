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
# with no further timeouts.  One queue pair of 64 TX descriptors
# (ethtool -L combined 1, -G tx 64) keeps it deterministic: the flood
# fills the ring long before it fills its socket's send buffer.
#
# Completions after the hang: descriptors the device consumed while bus
# mastering was off never come back done, and TX completions are taken
# in order.  After the reset (bus mastering still off) the test sends 3
# pings into the dead device, then turns bus mastering back on: new
# packets go out and are answered, but the ring's completions stay stuck
# behind those 3 until something resets it.  The stack's watchdog only
# fires once the queue is full, so the driver must notice a ring whose
# completions stopped by itself ("TX completions resume", via BQL
# inflight); TCP, whose small queues wait for completions, needs it.
# A driver with such a check may also catch the stall itself before the
# stack's watchdog does: either detection counts.
#
# Each hang goes to the devlink health reporter "tx_hang" (when the
# kernel has devlink): its error and recover counts follow the driver's
# detections, its dump shows the rings; with auto_recover off a hang is
# reported and left alone until "devlink health recover".
#
# The watchdog's "NETDEV WATCHDOG" line is expected here: the test
# brackets it with "iovnet-selftest: expect ... begin/end" lines in the
# kernel log.

. "$(dirname "$0")/lib.sh"

FLOOD='' EXPECTING=0 CHANNELS='' TXRING=''
cleanup() {
	[ -n "$FLOOD" ] && kill -9 "$FLOOD" 2>/dev/null
	[ -n "${PF_BDF:-}" ] && setpci -s "$PF_BDF" COMMAND=4:4 2>/dev/null
	[ $EXPECTING = 1 ] && kmsg "iovnet-selftest: expect tx-watchdog end"
	[ -n "$CHANNELS" ] && ethtool -L "$PF_IF" combined "$CHANNELS"
	[ -n "$TXRING" ] && ethtool -G "$PF_IF" tx "$TXRING"
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

inflight() { cat "/sys/class/net/$PF_IF/queues/tx-0/byte_queue_limits/inflight"; }
drained() { [ "$(inflight)" = 0 ]; }
tcp_ok() { local b; b=$(iperf_to_peer 3) && [ "$b" -gt 1000000 ]; }

ktap_header 19

DL=pci/$LAB_PF_PCI
# jget EXPR: EXPR (Python, on the JSON document d) of standard input
jget() { python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"; }
reporter() { devlink -j health show "$DL" reporter tx_hang | jget "d['health']['$DL'][0]$1"; }
diagnose() { devlink -j health diagnose "$DL" reporter tx_hang | jget "d$1"; }
dl_errors() { reporter "['error']"; }
hangs_seen() { echo $(( $(diagnose "['tx_timeouts']") + $(diagnose "['tx_stalls']") )); }
# dlcheck DESCRIPTION COMMAND...: a check that needs devlink
dlcheck() {
	if [ "$HAVE_DL" = 1 ]; then
		check "$@"
	else
		ktap_result skip "$1" "no devlink on this kernel"
	fi
}

pf_load && pf_up && wait_ping 20 || { echo "Bail out! PF did not come up"; exit 1; }
PF_BDF=$LAB_PF_PCI
CHANNELS=$(ethtool -l "$PF_IF" | awk '/^Current/ { c = 1 } c && /^Combined:/ { print $2 }')
TXRING=$(ethtool -g "$PF_IF" | awk '/^Current/ { c = 1 } c && /^TX:/ { print $2 }')
ethtool -L "$PF_IF" combined 1 && ethtool -G "$PF_IF" tx 64 && wait_ping 20
check "the driver exposes tx_timeouts and resets (ethtool -S)" \
	sh -c "ethtool -S $PF_IF | grep -q ' tx_timeouts:' && ethtool -S $PF_IF | grep -q ' resets:'"
check "PF -> partner before the hang: 20 pings" ping_peer 20

HAVE_DL=0
devlink dev show "$DL" >/dev/null 2>&1 && HAVE_DL=1
if [ "$HAVE_DL" = 1 ]; then
	dl_err0=$(reporter "['error']") dl_rec0=$(reporter "['recover']")
	hangs0=$(hangs_seen)
fi

to0=$(txq_timeouts)
et0=$(pf_estat tx_timeouts)
rs0=$(pf_estat resets)
dmesg_mark
kmsg "iovnet-selftest: expect tx-watchdog begin"
EXPECTING=1

# The flood fills the TX ring once nothing completes (ping -f sends at
# least 100 packets a second even when no reply comes back)
ping -f -q -w 300 "$PEER_IP" >/dev/null 2>&1 &
FLOOD=$!
tx0=$(pf_stat tx_packets)
wait_for 10 gt "pf_stat tx_packets" $((tx0 + 100))

t_stall=$(date +%s%N)
setpci -s "$PF_BDF" COMMAND=0:4
check "Bus Master Enable cleared" test "$(bme)" = 0
# Detected by the stack's watchdog (queue stopped for 5 s) or by the
# driver's own check of a ring that stopped completing, whichever first
detected() { gt txq_timeouts "$to0" || gt "pf_estat resets" "$rs0"; }
ms=$(time_until 30 detected)
kill -9 "$FLOOD"
wait "$FLOOD" 2>/dev/null
FLOOD=
check "the hang is detected within 30 s of the stall (${ms} ms; stack tx_timeout +$(( $(txq_timeouts) - to0 )))" \
	detected
check "the driver counted it (ethtool -S tx_timeouts +$(( $(pf_estat tx_timeouts) - et0 )), the stack's watchdog; resets +$(( $(pf_estat resets) - rs0 )))" \
	sh -c "[ $(pf_estat tx_timeouts) -gt $et0 ] || [ $(pf_estat resets) -gt $rs0 ]"
ms=$(time_until 10 gt "pf_estat resets" "$rs0")
check "the driver resets its datapath within 10 s of the detection (${ms} ms)" \
	gt "pf_estat resets" "$rs0"

# Reported and recovered. While bus mastering stays off the hang comes
# back after every reset, so the counts move: read them in the reverse of
# the order the driver moves them (detection, report, recover), so that a
# sample never shows more recoveries than reports or reports than hangs.
dl_counts() {	# sets R E H: recoveries, reports, detections since the start
	R=$(( $(reporter "['recover']") - dl_rec0 ))
	E=$(( $(dl_errors) - dl_err0 ))
	H=$(( $(hangs_seen) - hangs0 ))
}
dl_reported() {
	dl_counts
	[ "$R" -ge 1 ] && [ "$R" -le "$E" ] && [ "$E" -le "$H" ]
}
if [ "$HAVE_DL" = 1 ]; then
	wait_for 10 dl_reported
	ktap_info "devlink tx_hang: reported $E, recovered $R; driver detections $H"
fi
dlcheck "devlink health: the hang reported to tx_hang and recovered" dl_reported
dl_dump_ok() {
	local d
	d=$(devlink -j health dump show "$DL" reporter tx_hang) || return 1
	ktap_info "dump: $(cut -c1-200 <<<"$d")"
	[ "$(jget "d['reason'] in ('tx timeout', 'tx completions stopped') and len(d['rings'])" <<<"$d")" = 1 ]
}
dlcheck "devlink health dump: the reason, and the one ring's state" dl_dump_ok

# 3 packets into the still dead device, then bus mastering back
ping -q -c 3 -i 0.2 -W 1 "$PEER_IP" >/dev/null 2>&1
lost=$(inflight)
setpci -s "$PF_BDF" COMMAND=4:4
t_fix=$(date +%s%N)
check "Bus Master Enable set again" test "$(bme)" = 1
ms=$(time_until 10 ping1)
check "the partner answers again within 10 s of bus mastering (${ms} ms)" ping1
# Light traffic (2 pings a second, far from filling the ring) meanwhile
ping -q -i 0.5 -w 60 "$PEER_IP" >/dev/null 2>&1 &
FLOOD=$!
ms=$(time_until 15 drained)
check "TX completions resume within 15 s under light traffic (${ms} ms; ${lost} bytes were in flight)" \
	drained
kill "$FLOOD"
wait "$FLOOD" 2>/dev/null
FLOOD=
ms=$(time_until 60 tcp_ok)
check "TCP moves data again within 60 s of bus mastering (${ms} ms)" tcp_ok
# Quiet now: every detection was reported once and every report recovered
# (grace period 0)
dl_all() { dl_counts; [ "$R" -eq "$E" ] && [ "$E" -eq "$H" ]; }
if [ "$HAVE_DL" = 1 ]; then
	wait_for 10 dl_all
	ktap_info "devlink tx_hang after the hang: reported $E, recovered $R; driver detections $H"
fi
dlcheck "devlink health: each detection reported once, each report recovered" dl_all
ktap_info "stall to recovery: $(( ($(date +%s%N) - t_stall) / 1000000 )) ms," \
	"bus mastering to recovery: $(( ($(date +%s%N) - t_fix) / 1000000 )) ms;" \
	"tx_timeout (stack): $((  $(txq_timeouts) - to0 )), tx_timeouts (driver):" \
	"$(( $(pf_estat tx_timeouts) - et0 )), resets: $(( $(pf_estat resets) - rs0 ))"
check "driver and stack counted the same number of timeouts" \
	test $(( $(pf_estat tx_timeouts) - et0 )) -eq $(( $(txq_timeouts) - to0 ))
kmsg "iovnet-selftest: expect tx-watchdog end"
EXPECTING=0

# --- auto_recover off: a hang is reported and left for the user ---------------------
manual_hang() {
	local e0
	devlink health set "$DL" reporter tx_hang auto_recover false || return 1
	e0=$(dl_errors) rs1=$(pf_estat resets)
	kmsg "iovnet-selftest: expect tx-watchdog begin"
	EXPECTING=1
	ping -f -q -w 300 "$PEER_IP" >/dev/null 2>&1 &
	FLOOD=$!
	wait_for 10 gt "pf_stat tx_packets" $(( $(pf_stat tx_packets) + 100 ))
	setpci -s "$PF_BDF" COMMAND=0:4
	# reported, and still not reset after a second report (a service period later)
	wait_for 60 gt dl_errors $((e0 + 1)) || return 1
	ktap_info "auto_recover off: $(dl_errors) errors, state $(reporter "['state']"), resets +$(( $(pf_estat resets) - rs1 ))"
	[ "$(pf_estat resets)" -eq "$rs1" ] && [ "$(reporter "['state']")" = error ]
}
dlcheck "auto_recover off: the hang is reported twice, the PF is not reset" manual_hang
[ -n "$FLOOD" ] && { kill -9 "$FLOOD"; wait "$FLOOD" 2>/dev/null; FLOOD=; }
setpci -s "$PF_BDF" COMMAND=4:4
manual_recover() {
	devlink health recover "$DL" reporter tx_hang || return 1
	wait_for 10 gt "pf_estat resets" "$rs1" && wait_for 30 tcp_ok &&
		[ "$(reporter "['state']")" = healthy ]
}
dlcheck "devlink health recover: the PF resets, TCP moves data, reporter healthy" manual_recover
[ "$HAVE_DL" = 1 ] && devlink health set "$DL" reporter tx_hang auto_recover true
kmsg "iovnet-selftest: expect tx-watchdog end"
EXPECTING=0

# After recovery: real traffic, and no further watchdog firing during it
to1=$(txq_timeouts)
check "after recovery: 100 pings, no loss" ping_peer 100
bps=$(iperf_to_peer 5)
ktap_info "after recovery: iperf3 TCP PF -> partner $(( ${bps:-0} / 1000000 )) Mbit/s"
check "after recovery: iperf3 TCP moves data, no TX timeout (100 pings, 5 s TCP)" \
	test "${bps:-0}" -gt 1000000 -a "$(txq_timeouts)" = "$to1"
check "no oops, WARN or lockdep report" dmesg_clean
ktap_finish
