#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Rings, coalescing, rx-copybreak and jumbo frames: ethtool -g/-G within
# 64..4096, -c/-C, --set-tunable rx-copybreak, MTU 9000 end to end; out-of-range values refused with the old
# configuration still running; ring and channel changes while a TCP stream
# runs, and traffic afterwards.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tools/netlib.sh"

cleanup() {
	pns ip link set peer0 mtu 1500 2>/dev/null
	netlib_cleanup
}
trap cleanup EXIT

ktap_header 31

log0=$(dmesg | wc -l)
pf_load && pf_up && wait_ping 10 >/dev/null || ktap_info "PF did not come up"
traffic_ok() { wait_ping 10 >/dev/null && ping_peer 20; }

# --- rings -----------------------------------------------------------------

rx0=$(ring cur RX) tx0=$(ring cur TX)
ktap_info "rings: max RX $(ring max RX) TX $(ring max TX), current RX $rx0 TX $tx0"
check "ethtool -g: at most 4096 descriptors each way" \
	test "$(ring max RX)" = 4096 -a "$(ring max TX)" = 4096

set_rings() {	# RX TX
	timeout 120 ethtool -G "$PF_IF" rx "$1" tx "$2" || return 1
	[ "$(ring cur RX)" = "$1" ] && [ "$(ring cur TX)" = "$2" ] ||
		{ ktap_info "-G rx $1 tx $2 reads back rx $(ring cur RX) tx $(ring cur TX)"; return 1; }
	traffic_ok || { ktap_info "-G rx $1 tx $2: no traffic afterwards"; return 1; }
}
check "-G rx 512 tx 1024: reads back, traffic passes" set_rings 512 1024
check "-G rx 64 tx 64 (smallest): reads back, traffic passes" set_rings 64 64
check "-G rx 4096 tx 4096 (largest): reads back, traffic passes" set_rings 4096 4096

odd_size() {
	local out r t
	if out=$(ethtool -G "$PF_IF" rx 100 tx 100 2>&1); then
		r=$(ring cur RX) t=$(ring cur TX)
		ktap_info "-G rx 100 tx 100 accepted as rx $r tx $t"
		for v in "$r" "$t"; do
			[ $((v % 8)) -eq 0 ] && [ "$v" -ge 96 ] && [ "$v" -le 104 ] || return 1
		done
	else
		ktap_info "-G rx 100 tx 100 refused: $(tr '\n' ' ' <<<"$out")"
		[ -n "$out" ] && [ "$(ring cur RX)" = 4096 ] && [ "$(ring cur TX)" = 4096 ] || return 1
	fi
	traffic_ok
}
check "-G rx 100 tx 100 (not a multiple of 8): refused or rounded to one" odd_size

ethtool -G "$PF_IF" rx 256 tx 512 >/dev/null
refused "-G rx 8192 (above the maximum) refused" ethtool -G "$PF_IF" rx 8192
refused "-G tx 8192 (above the maximum) refused" ethtool -G "$PF_IF" tx 8192
refused "-G rx 32 tx 32 (below 64) refused" ethtool -G "$PF_IF" rx 32 tx 32
check "after the refusals: still rx 256 tx 512, traffic passes" \
	eval '[ "$(ring cur RX)" = 256 ] && [ "$(ring cur TX)" = 512 ] && traffic_ok'

# --- coalescing ---------------------------------------------------------------

coal() { ethtool -c "$PF_IF" 2>/dev/null | awk -v k="$1:" '$1 == k { print $2 }'; }
ktap_info "coalescing: $(ethtool -c "$PF_IF" 2>/dev/null | grep -E '^(Adaptive|rx-usecs|tx-usecs)' | tr '\n' ' ')"
coal_shown() {
	[[ "$(coal rx-usecs)" =~ ^[0-9]+$ ]] && [[ "$(coal tx-usecs)" =~ ^[0-9]+$ ]] &&
	ethtool -c "$PF_IF" | grep -Eq '^Adaptive RX: (on|off)'
}
check "ethtool -c: rx-usecs, tx-usecs and adaptive RX shown" coal_shown
check "-C rx-usecs 50 reads back 50" eval 'ethtool -C "$PF_IF" rx-usecs 50 && [ "$(coal rx-usecs)" = 50 ]'
refused "-C rx-usecs 100000 (out of range) refused" ethtool -C "$PF_IF" rx-usecs 100000
check "after the refusal: rx-usecs still 50, traffic passes" \
	eval '[ "$(coal rx-usecs)" = 50 ] && traffic_ok'

# Adaptive moderation: a vector with sparse traffic (about a packet per
# interrupt, at most 8,000 packets a second) runs unthrottled, and goes
# back to DIM once its traffic batches.  All RX on queue 0, whose EITR is
# dump word 253 (vector 1).
eitr_q0() { echo $(( (16#$(pf_reg_word 253) >> 2) & 0x1fff )); }
sparse_unthrottled() {
	local pid rc=0
	pns ping -q -i 0.02 -c 500 "$PF_IP" >/dev/null &
	pid=$!
	wait_for 10 eval '[ "$(eitr_q0)" = 0 ]' || rc=1
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	ktap_info "queue 0 EITR interval under 50 pings/s: $(eitr_q0) us"
	return $rc
}
bulk_throttled() {
	local pid rc=0
	iperf_to_peer 8 -R >/dev/null &
	pid=$!
	wait_for 10 eval '[ "$(eitr_q0)" != 0 ]' || rc=1
	ktap_info "queue 0 EITR interval under a TCP stream: $(eitr_q0) us"
	wait "$pid"
	return $rc
}
ethtool -C "$PF_IF" adaptive-rx on && ethtool -X "$PF_IF" equal 1 ||
	ktap_info "adaptive-rx on / -X equal 1 failed"
check "adaptive: 50 pings/s run queue 0 unthrottled (EITR 0)" sparse_unthrottled
check "adaptive: a TCP stream hands queue 0 back to DIM (EITR > 0)" bulk_throttled
# Turning adaptive off while DIM is busy: a poll or a DIM work that read
# the old setting must not write its interval over the fixed one
# afterwards (nothing would correct it). 30 us is none of DIM's values.
adaptive_off_sticks() {
	local pid i j v bad=
	iperf_to_peer 40 -R >/dev/null &
	pid=$!
	for ((i = 0; i < 25; i++)); do
		ethtool -C "$PF_IF" adaptive-rx on || { bad="adaptive-rx on failed"; break; }
		wait_for 5 eval '[ "$(eitr_q0)" != 30 ]' >/dev/null
		ethtool -C "$PF_IF" adaptive-rx off rx-usecs 30 || { bad="adaptive-rx off failed"; break; }
		for ((j = 0; j < 8; j++)); do
			v=$(eitr_q0)
			[ "$v" = 30 ] || { bad="switch $((i + 1)), read $((j + 1)): EITR $v us, not 30"; break; }
		done
		[ -z "$bad" ] || break
	done
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	ktap_info "adaptive on/off under a TCP stream, $i switches: ${bad:-EITR 30 us after each}"
	[ -z "$bad" ] && ethtool -c "$PF_IF" | grep -Eq '^Adaptive RX: +off' && traffic_ok
}
check "adaptive off under a TCP stream: EITR keeps the fixed 30 us after each of 25 switches" \
	adaptive_off_sticks
ethtool -C "$PF_IF" adaptive-rx on
ethtool -X "$PF_IF" default

# --- rx-copybreak ---------------------------------------------------------------

copybreak() { ethtool --get-tunable "$PF_IF" rx-copybreak 2>/dev/null | awk '$1 == "rx-copybreak:" { print $2 }'; }
# COUNT pings of SIZE payload bytes with a byte pattern: ping names any
# reply whose data came back changed; prints how far rx_copybreak moved
copied_pings() {	# COUNT SIZE
	local c0 out
	c0=$(estat0 rx_copybreak)
	out=$(ping -c "$1" -i 0.02 -W 2 -s "$2" -p a55a0ff0 "$PEER_IP" 2>&1) ||
		{ ktap_info "ping -s $2: $(tail -n 2 <<<"$out" | tr '\n' ' ')"; return 1; }
	grep -qi "wrong data" <<<"$out" && { ktap_info "ping -s $2: $(grep -i -m1 'wrong data' <<<"$out")"; return 1; }
	echo $(( $(estat0 rx_copybreak) - c0 ))
}
# copy_case SET VALUE SIZE OP MIN: rx-copybreak reads VALUE (after setting
# it when SET is "set"); 50 pings of SIZE payload bytes move rx_copybreak
# by OP MIN (-ge 50: all copied, -eq 0: none)
copy_case() {
	local d
	if [ "$1" = set ]; then
		ethtool --set-tunable "$PF_IF" rx-copybreak "$2" || return 1
	fi
	[ "$(copybreak)" = "$2" ] || { ktap_info "rx-copybreak reads '$(copybreak)', not $2"; return 1; }
	# On failure $d holds copied_pings' ktap_info lines: pass them on
	d=$(copied_pings 50 "$3") || { printf '%s\n' "$d"; return 1; }
	ktap_info "rx-copybreak $2: 50 pings of $(($3 + 42))-byte frames, rx_copybreak +$d"
	[ "$d" "$4" "$5" ]
}
check "rx-copybreak 256 by default: small frames are copied, intact" copy_case get 256 56 -ge 50
check "rx-copybreak 1024: 942-byte frames are copied, payload intact" copy_case set 1024 900 -ge 50
check "rx-copybreak 0: nothing copied, pings pass" copy_case set 0 56 -eq 0
refused "rx-copybreak 1025 (above 1024) refused" ethtool --set-tunable "$PF_IF" rx-copybreak 1025
check "after the refusal: rx-copybreak still 0, traffic passes" \
	eval '[ "$(copybreak)" = 0 ] && traffic_ok'
ethtool --set-tunable "$PF_IF" rx-copybreak 256 || ktap_info "cannot restore rx-copybreak 256"

# --- jumbo frames --------------------------------------------------------------

jumbo_ping() {	# [-6]: 10 pings of a 9000-byte IP packet, no fragmentation
	if [ "${1:-}" = -6 ]; then
		wait_for 10 ping -6 -q -c 1 -W 1 -s 8952 -M "do" "$PEER_IP6" >/dev/null &&
		ping -6 -q -c 10 -i 0.05 -W 2 -s 8952 -M "do" "$PEER_IP6" >/dev/null
	else
		wait_for 10 ping -q -c 1 -W 1 -s 8972 -M "do" "$PEER_IP" >/dev/null &&
		ping -q -c 10 -i 0.05 -W 2 -s 8972 -M "do" "$PEER_IP" >/dev/null
	fi
}
mtu9000() {
	ip link set "$PF_IF" mtu 9000 && pns ip link set peer0 mtu 9000 &&
	wait_for 10 carrier_is "$PF_IF" 1 && jumbo_ping
}
check "MTU 9000 on both ends: 9000-byte IPv4 pings pass unfragmented" mtu9000
check "MTU 9000: 9000-byte IPv6 pings pass unfragmented" jumbo_ping -6
too_big() {
	local out
	out=$(ping -c 1 -W 1 -s 9000 -M "do" "$PEER_IP" 2>&1) && return 1
	ktap_info "ping -s 9000 -M do: $(grep -i 'error' <<<"$out" | head -2 | tr '\n' ' ')"
	grep -qi 'message too long' <<<"$out"
}
check "ping -s 9000 -M do (above the MTU) fails cleanly: message too long" too_big
jumbo_iperf() {
	local a b
	a=$(iperf_bytes "$PEER_IP" 3) && b=$(iperf_bytes "$PEER_IP" 3 -R) || return 1
	ktap_info "iperf3 at MTU 9000: $a bytes PF -> peer, $b bytes peer -> PF"
	[ "$a" -gt 0 ] && [ "$b" -gt 0 ]
}
check "MTU 9000: iperf3 TCP both ways" jumbo_iperf
refused "MTU 9195 refused" ip link set "$PF_IF" mtu 9195
check "after the refusal: MTU still 9000, jumbo pings pass" \
	eval '[ "$(cat /sys/class/net/$PF_IF/mtu)" = 9000 ] && jumbo_ping'
mtu1500() {
	ip link set "$PF_IF" mtu 1500 && pns ip link set peer0 mtu 1500 &&
	wait_for 10 carrier_is "$PF_IF" 1 && traffic_ok
}
check "back to MTU 1500: traffic passes" mtu1500

# --- changes under load --------------------------------------------------------

max=$(channels max)
tx_ge() { [ "$(pf_stat tx_packets)" -ge "$1" ]; }
# A 90 s stream PF -> peer, ended by its pid once the four changes are done;
# after each change the PF must send another 500 packets within 15 s (the
# stream resumed; TCP alone would do that in well under a second).
under_load() {
	local ok=1 c t pid t0
	peer_iperf_server || return 1
	t0=$(pf_stat tx_bytes)
	timeout 150 iperf3 -c "$PEER_IP" -t 90 -J --connect-timeout 5000 \
		>"$SCRATCH/load.json" 2>&1 &
	pid=$!
	echo $pid >"$SCRATCH/load.pid"
	t=$(pf_stat tx_packets)
	wait_for 15 tx_ge $((t + 1000)) || { ktap_info "the stream did not start"; ok=0; }
	for c in "-G rx 512 tx 512" "-L combined 1" "-G rx 1024 tx 256" "-L combined ${max:-2}"; do
		# shellcheck disable=SC2086
		timeout 120 ethtool ${c%% *} "$PF_IF" ${c#* } || { ktap_info "ethtool $c failed"; ok=0; }
		t=$(pf_stat tx_packets)
		if wait_for 15 tx_ge $((t + 500)); then
			ktap_info "ethtool $c: the stream resumed"
		else
			ktap_info "ethtool $c: the stream did not resume within 15 s"
			dp_diag
			ok=0
		fi
	done
	kill -INT "$pid" 2>/dev/null
	wait_for 20 sh -c "! kill -0 $pid"
	wait "$pid"
	ktap_info "the stream ended (exit $?): the PF sent $(( ($(pf_stat tx_bytes) - t0) / 1000000 )) MB"
	rm -f "$SCRATCH/load.pid"
	[ $ok = 1 ]
}
check "-G twice and -L twice during a TCP stream: accepted, the stream resumes each time" under_load
after_load() {
	local a
	traffic_ok || return 1
	a=$(iperf_bytes "$PEER_IP" 3) || return 1
	ktap_info "iperf3 after the changes: $a bytes"
	[ "$a" -gt 0 ]
}
check "afterwards: ping and a short iperf3 pass" after_load
ethtool -G "$PF_IF" rx "${rx0:-256}" tx "${tx0:-256}" >/dev/null 2>&1

bad=$(dmesg | tail -n +$((log0 + 1)) | grep -E 'NETDEV WATCHDOG|transmit queue .* timed out|WARNING:|BUG:|Call Trace:|iovnet.*(hang|timeout)')
[ -n "$bad" ] && ktap_info "kernel log: $(head -3 <<<"$bad" | tr '\n' ' ')"
check "kernel log: no TX timeout, WARNING or BUG during this test" test -z "$bad"

ktap_finish
