#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The PF's IEEE 1588 clock (PHC, /dev/ptpN), driven with phc_probe.c:
#  - registered under the PF's PCI device, named by ethtool -T;
#  - counts at the system's rate; settime, a step either way and a
#    frequency offset either way do what they say (measured against
#    CLOCK_MONOTONIC), an offset beyond max_adj is refused;
#  - PTP_SYS_OFFSET_EXTENDED brackets each read;
#  - keeps its time across the PF going down and up, goes with rmmod and
#    comes back with the module.

. "$(dirname "$0")/lib.sh"

ktap_header 15
dmesg_mark
pf_load && pf_up && wait_ping 20 || { echo "Bail out! PF did not come up"; exit 1; }

PROBE=$(mktemp -d)/phc_probe
cleanup() { rm -rf "$(dirname "$PROBE")"; }
trap cleanup EXIT
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
	[ $(( b - a - want )) -lt 20000000 ] && [ $(( want - (b - a) )) -lt 20000000 ]
}
check "adjtime +5 s: the clock steps 5 s forward" moves_by 5000000000 step 5000000000
check "adjtime -3.5 s: the clock steps 3.5 s back" moves_by -3500000000 step -3500000000

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

downup_ok() {
	local a b
	a=$(offset) && ip link set "$PF_IF" down && pf_up && b=$(offset) || return 1
	ktap_info "down and up moved the clock by $((b - a)) ns"
	[ $(( b - a )) -lt 5000000 ] && [ $(( a - b )) -lt 5000000 ]
}
check "the PF down and up: the clock keeps its time (+-5 ms)" downup_ok

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
