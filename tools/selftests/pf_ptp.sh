#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The PF's IEEE 1588 clock (PHC, /dev/ptpN), driven with phc_probe.c:
#  - registered under the PF's PCI device, named by ethtool -T;
#  - counts at the system's rate; settime, a step either way and a
#    frequency offset either way do what they say (measured against
#    CLOCK_MONOTONIC), an offset beyond max_adj is refused;
#  - PTP_SYS_OFFSET_EXTENDED brackets each read;
#  - hardware timestamps: ethtool -T, SIOCSHWTSTAMP's filters, and ptp4l
#    with the PF a hardware-timestamping slave of the link partner: the
#    servo locks and the PHC ends up on the master's time; phc2sys keeps
#    the PHC on CLOCK_REALTIME;
#  - keeps its time across the PF going down and up, goes with rmmod and
#    comes back with the module.

. "$(dirname "$0")/lib.sh"

ktap_header 24
dmesg_mark
pf_load && pf_up && wait_ping 20 || { echo "Bail out! PF did not come up"; exit 1; }

PROBE=$(mktemp -d)/phc_probe
cleanup() { rm -rf "$(dirname "$PROBE")"; }
trap 'cleanup' EXIT
build_ok() {
	local out
	out=$(gcc -Wall -Wextra -O2 -o "$PROBE" "$(dirname "$0")/phc_probe.c" 2>&1)
	[ -z "$out" ] || ktap_info "$out"
	[ -x "$PROBE" ] && [ -z "$out" ]
}
check "phc_probe builds without a warning" build_ok

phc_dev() {
	local p
	p=$(ls -d "/sys/class/net/$PF_IF/device/ptp/ptp"* 2>/dev/null | head -n 1)
	[ -n "$p" ] && echo "/dev/${p##*/}"
}
PHC=$(phc_dev)
registered_ok() {
	local idx=${PHC#/dev/ptp} t
	[ -n "$PHC" ] && [ -c "$PHC" ] || return 1
	t=$(ethtool -T "$PF_IF")
	ktap_info "$PHC, clock_name $(cat "/sys/class/ptp/ptp$idx/clock_name")," \
		"ethtool -T: $(grep -iE 'clock|provider' <<<"$t" | tr -s ' ' | tr '\n' ' ')"
	[ "$(cat "/sys/class/ptp/ptp$idx/clock_name")" = iovnet_pf ] &&
	grep -qE "(PTP Hardware Clock|provider index): $idx\$" <<<"$t"
}
check "a PHC under the PF's PCI device, named by ethtool -T" registered_ok
[ -n "$PHC" ] || { echo "Bail out! no PHC"; exit 1; }

# The value after KEY in phc_probe's output
val() { awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }'; }
caps_ok() {
	local m
	m=$("$PROBE" "$PHC" caps | val max_adj)
	ktap_info "max_adj $m ppb"
	[ "$m" = 999999880 ]
}
check "max_adj: 999999880 ppb (24-bit increment, nominal 2^23)" caps_ok

# The clock's rate against CLOCK_MONOTONIC, in ppm, over 1 s
rate() { "$PROBE" "$PHC" rate 1000 | val rate_ppm; }
# |rate - WANT| < TOL, in ppm
rate_is() {	# WANT TOL
	local r
	r=$(rate)
	ktap_info "rate ${r} ppm (want $1 +- $2)"
	awk -v r="$r" -v w="$1" -v t="$2" 'BEGIN { d = r - w; exit !(r != "" && d < t && -d < t) }'
}
check "the clock counts at the system's rate (+-1000 ppm)" rate_is 0 1000

set_ok() {
	local t
	t=$("$PROBE" "$PHC" set 1000000000 get | val time)
	ktap_info "set 1000000000 s, read $t ns"
	[ -n "$t" ] && [ "$t" -ge 1000000000000000000 ] && [ "$t" -lt 1000000002000000000 ]
}
check "settime: read back within 2 s of what was set" set_ok

offset() { "$PROBE" "$PHC" offset | val offset_ns; }
# The offset to CLOCK_MONOTONIC moves by WANT ns (+- 20 ms) across OP...
moves_by() {	# WANT OP...
	local want=$1 a b
	shift
	a=$(offset) && "$PROBE" "$PHC" "$@" && b=$(offset) || return 1
	ktap_info "$* moved the clock by $((b - a)) ns"
	[ $(( b - a - want )) -lt 1000000 ] && [ $(( want - (b - a) )) -lt 1000000 ]
}
check "adjtime +5 s: the clock steps 5 s forward (+-1 ms)" moves_by 5000000000 step 5000000000
check "adjtime -3.5 s: the clock steps 3.5 s back (+-1 ms)" moves_by -3500000000 step -3500000000

# A new frequency changes the rate from now on, not the time (TIMINCA
# leaves SYSTIM where it is: the lab's QEMU patch 0012). +-1000 ppm drifts
# a few us while phc_probe starts; the model's old arithmetic jumped by
# about 2 ms per second of the guest's uptime.
check "adjfine +-1000 ppm: the clock does not jump (+-1 ms)" \
	eval 'moves_by 0 freq 1000000 && moves_by 0 freq -1000000 && moves_by 0 freq 0'
check "adjfine +10%: the clock runs 100000 ppm fast (+-3000)" \
	eval '"$PROBE" "$PHC" freq 100000000 && rate_is 100000 3000'
check "adjfine -10%: the clock runs 100000 ppm slow (+-3000)" \
	eval '"$PROBE" "$PHC" freq -100000000 && rate_is -100000 3000'
check "adjfine 0: back to the system's rate" \
	eval '"$PROBE" "$PHC" freq 0 && rate_is 0 1000'
beyond_refused() {
	! "$PROBE" "$PHC" freq 1000000000 2>/dev/null && rate_is 0 1000
}
check "adjfine beyond max_adj: refused, the rate unchanged" beyond_refused

sysoff_ok() {
	local out off win
	out=$("$PROBE" "$PHC" set-real sysoff 9) || return 1
	off=$(val sysoff_ns <<<"$out")
	win=$(val window_ns <<<"$out")
	ktap_info "PTP_SYS_OFFSET_EXTENDED: clock - realtime ${off} ns, widest window ${win} ns"
	[ "${off#-}" -lt 5000000 ] && [ "$win" -lt 5000000 ]
}
check "PTP_SYS_OFFSET_EXTENDED: each read bracketed, within 5 ms of the time set" sysoff_ok

# --- hardware timestamps ------------------------------------------------------
caps_hw_ok() {
	local t
	t=$(ethtool -T "$PF_IF")
	grep -q 'hardware-transmit' <<<"$t" && grep -q 'hardware-receive' <<<"$t" &&
	grep -q 'hardware-raw-clock' <<<"$t" &&
	grep -qE 'ptpv2-l2-event' <<<"$t"
}
check "ethtool -T: hardware transmit/receive/raw, TX on/off, RX ptpv2-l2-event" caps_hw_ok
hwstamp() { hwstamp_ctl -i "$PF_IF" "$@" 2>&1; }
filters_ok() {
	local out
	# PTPv2 over Ethernet, Sync only: the PF timestamps every event message
	out=$(hwstamp -t 1 -r 10) || return 1
	ktap_info "hwstamp_ctl -t 1 -r 10: $(tr '\n' ' ' <<<"$out")"
	grep -qE 'rx_filter 9' <<<"$out" || return 1
	# every frame, and PTP over UDP, are not what the 82576 can do
	! hwstamp -t 1 -r 1 >/dev/null && ! hwstamp -t 1 -r 12 >/dev/null &&
	hwstamp | grep -q 'rx_filter 9' && hwstamp -t 0 -r 0 >/dev/null &&
	hwstamp | grep -q 'rx_filter 0'
}
check "SIOCSHWTSTAMP: L2 Sync widened to L2 events, ALL and UDP refused (config unchanged)" filters_ok

txts_ok() {
	local out
	hwstamp -t 1 -r 9 >/dev/null && out=$("$PROBE" "$PHC" txts "$PF_IF" 10) || return 1
	ktap_info "$out"
	[ "$(val got <<<"$out")" = 10 ] && [ "$(val inside <<<"$out")" = 10 ]
}
check "10 PTP frames sent: 10 transmit times, each between the clock's reads around the send" txts_ok

# ptp4l: the partner (software timestamps, the system clock) is the master,
# the PF (hardware timestamps) a slave: its PHC follows over the wire, and so
# ends near CLOCK_REALTIME. The PF sends Delay_Req (a transmit time) and
# receives Sync (a receive time).
PTPDIR=$(dirname "$PROBE")
# Under TCG the time ptp4l reads CLOCK_MONOTONIC at varies by tens of ms
# from frame to frame: its sanity check of the clock's rate against it
# (20% by default) would call that a fault, so it is off.
cat > "$PTPDIR/ptp4l.conf" <<'CONF'
[global]
network_transport	L2
tx_timestamp_timeout	200
logSyncInterval		-1
logMinDelayReqInterval	-1
logAnnounceInterval	-1
announceReceiptTimeout	3
sanity_freq_limit	0
summary_interval	-1
CONF
PTP_PIDS=''
ptp_stop() {
	[ -n "$PTP_PIDS" ] && kill $PTP_PIDS 2>/dev/null && wait $PTP_PIDS 2>/dev/null
	PTP_PIDS=''
}
cleanup() { ptp_stop; rm -rf "$PTPDIR"; }
# Offsets of the last N "master offset" lines in LOG, in state s2
s2_offsets() {	# LOG N
	awk '/master offset/ && $5 == "s2" { print $4 }' "$1" | tail -n "$2"
}
# Locked and settled: 24 offsets (12 s) in state s2. Right after it enters
# s2 the servo still swings by a few ms (seen in CI: -2.7 ms at the 8th)
locked() {	# LOG
	[ "$(s2_offsets "$1" 24 | wc -l)" -ge 24 ]
}
within() {	# BOUND VALUES...
	local b=$1 v
	shift
	for v in "$@"; do
		[ "${v#-}" -le "$b" ] || return 1
	done
}
rxts_ok() {
	local out
	peer ptp4l -i peer0 -S -m -f "$PTPDIR/ptp4l.conf" --priority1 1 \
		> "$PTPDIR/master.log" 2>&1 &
	PTP_PIDS+=" $!"
	out=$("$PROBE" "$PHC" rxts "$PF_IF" 5) || return 1
	ktap_info "$out"
	[ "$(val got <<<"$out")" = 5 ] && [ "$(val inside <<<"$out")" = 5 ]
}
check "5 Sync frames from the partner's ptp4l: 5 receive times, each before the clock's read after" rxts_ok
slave_ok() {
	local t offs
	"$PROBE" "$PHC" step 250000000 freq 0 || return 1	# 250 ms off to start
	ptp4l -i "$PF_IF" -H -s -m -f "$PTPDIR/ptp4l.conf" > "$PTPDIR/slave.log" 2>&1 &
	PTP_PIDS+=" $!"
	t=$(time_until "$(time_bound 90)" locked "$PTPDIR/slave.log")
	offs=$(s2_offsets "$PTPDIR/slave.log" 8 | tr '\n' ' ')
	ktap_info "slave settled (24 offsets in s2) after ${t} ms; last 8 offsets (ns): $offs"
	ktap_info "path delay (ns): $(awk '/master offset/ { print $10 }' "$PTPDIR/slave.log" | tail -n 3 | tr '\n' ' ')"
	grep -iE 'timed out|timestamp|fault' "$PTPDIR/slave.log" "$PTPDIR/master.log" |
		head -n 3 | while read -r l; do ktap_info "$l"; done
	locked "$PTPDIR/slave.log" && within 3000000 $offs && return 0
	tail -n 6 "$PTPDIR/slave.log" | while read -r l; do ktap_info "$l"; done
	return 1
}
check "ptp4l -H slave of the partner: settles in s2, last 8 offsets within 3 ms" slave_ok
tracked_ok() {
	local off
	off=$("$PROBE" "$PHC" sysoff 9 | val sysoff_ns)
	ktap_info "PHC - CLOCK_REALTIME after the servo: ${off} ns (it began 250 ms off)"
	within 5000000 "$off"
}
check "the PHC followed the master: within 5 ms of the system clock" tracked_ok
estat() { ethtool -S "$PF_IF" | awk -v k="$1:" '$1 == k { print $2 }'; }
no_tx_lost_ok() {
	ktap_info "tx_hwtstamp_timeouts $(estat tx_hwtstamp_timeouts)," \
		"tx_hwtstamp_skipped $(estat tx_hwtstamp_skipped)," \
		"rx_hwtstamp_cleared $(estat rx_hwtstamp_cleared)"
	! grep -qiE 'timed out while polling|missing timestamp|received .* without timestamp' \
		"$PTPDIR/slave.log" && [ "$(estat tx_hwtstamp_timeouts)" = 0 ]
}
check "no timestamp missing in the slave's log, tx_hwtstamp_timeouts 0" no_tx_lost_ok
ptp_stop

# phc2sys the other way round: the PHC follows CLOCK_REALTIME
# (PTP_SYS_OFFSET_EXTENDED, adjfine, adjtime)
phc2sys_offsets() {	# LOG N: the last N offsets in state s2
	awk '{ for (i = 1; i < NF - 1; i++) if ($i == "offset" && $(i + 2) == "s2") print $(i + 1) }' \
		"$1" | tail -n "$2"
}
phc2sys_locked() { [ "$(phc2sys_offsets "$1" 8 | wc -l)" -ge 8 ]; }
phc2sys_ok() {
	local t offs
	"$PROBE" "$PHC" step 100000000 || return 1	# 100 ms off to start
	phc2sys -s CLOCK_REALTIME -c "$PHC" -O 0 -R 4 -m > "$PTPDIR/phc2sys.log" 2>&1 &
	PTP_PIDS+=" $!"
	t=$(time_until "$(time_bound 60)" phc2sys_locked "$PTPDIR/phc2sys.log")
	offs=$(phc2sys_offsets "$PTPDIR/phc2sys.log" 8 | tr '\n' ' ')
	ptp_stop
	ktap_info "phc2sys locked (s2, 8 offsets) after ${t} ms; last offsets (ns): $offs"
	phc2sys_locked "$PTPDIR/phc2sys.log" && within 100000 $offs
}
check "phc2sys: the PHC follows CLOCK_REALTIME (s2, offsets within 100 us)" phc2sys_ok

downup_ok() {
	local a b
	# ptp4l leaves its last frequency behind
	"$PROBE" "$PHC" freq 0 && hwstamp -t 1 -r 9 >/dev/null || return 1
	a=$(offset) && ip link set "$PF_IF" down && pf_up && b=$(offset) || return 1
	ktap_info "down and up moved the clock by $((b - a)) ns; $(hwstamp | tr '\n' ' ')"
	[ $(( b - a )) -lt 5000000 ] && [ $(( a - b )) -lt 5000000 ] &&
	hwstamp | grep -q 'rx_filter 9'
}
check "the PF down and up: the clock keeps its time (+-5 ms) and its timestamping" downup_ok

reload_ok() {
	local old=$PHC
	pf_unload && [ ! -e "$old" ] || return 1
	pf_load && pf_up && PHC=$(phc_dev) && [ -c "$PHC" ] || return 1
	rate_is 0 1000
}
check "rmmod takes the PHC away; the reloaded PF has one, counting" reload_ok

final_ok() { wait_ping 20 && dmesg_clean; }
check "the partner answers; no oops, WARN or lockdep report" final_ok
ktap_finish
