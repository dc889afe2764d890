#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IEEE 1588 across the two-host wire (tools/lab/run --hosts 2; this script
# runs in host A and drives host B through $LAB_HOST_B): ptp4l with hardware
# timestamps on both PFs, host B's the master, host A's a slave: the slave
# locks and its offsets stay within bounds measured here. (The two guests'
# system clocks start from a 1 s RTC, so they cannot tell whether the PHCs
# agree: the servo's offsets do.)

. "$(dirname "$0")/lib.sh"

if [ -z "${LAB_HOST_B:-}" ]; then
	echo "1..0 # SKIP needs two hosts: tools/lab/run --hosts 2"
	exit 4
fi

BLIB=". tools/selftests/lib.sh; PF_IP=192.168.77.3 PF_IP6=fd77::3;"
BLIB+=" pf_load >/dev/null || { echo 'host B: no PF' >&2; exit 1; };"
hb() { $LAB_HOST_B "$BLIB $*"; }

WORK=$(mktemp -d)
CONF=/tmp/iovnet-hosts2-ptp4l.conf
PID=''
cleanup() {
	[ -n "$PID" ] && { kill "$PID"; wait "$PID"; } 2>/dev/null
	hb "pkill -f 'ptp4l -i' ; rm -f $CONF /tmp/iovnet-hosts2-ptp4l.log" >/dev/null 2>&1
	rm -rf "$WORK"
}
trap cleanup EXIT

ktap_header 4
pf_load && pf_up || { echo "Bail out! host A: PF did not come up"; exit 1; }
hb 'pf_up' || { echo "Bail out! host B: PF did not come up"; exit 1; }

# The same settings on both hosts (TCG: see pf_ptp.sh for sanity_freq_limit)
PTP4L_CONF='[global]
network_transport	L2
tx_timestamp_timeout	200
logSyncInterval		-1
logMinDelayReqInterval	-1
logAnnounceInterval	-1
announceReceiptTimeout	3
sanity_freq_limit	0
summary_interval	-1'
printf '%s\n' "$PTP4L_CONF" > "$CONF"
hb "printf '%s\n' '$PTP4L_CONF' > $CONF" || { echo "Bail out! host B: no config"; exit 1; }

master_ok() {
	hb "setsid ptp4l -i \$PF_IF -H -m -f $CONF --priority1 1 \
		> /tmp/iovnet-hosts2-ptp4l.log 2>&1 < /dev/null & sleep 0.5; pgrep -f 'ptp4l -i' > /dev/null"
}
check "host B: ptp4l -H runs as a master on its PF" master_ok

s2_offsets() {	# N: the last N offsets in state s2 of host A's slave
	awk '/master offset/ && $5 == "s2" { print $4 }' "$WORK/slave.log" | tail -n "$1"
}
# Settled: 32 offsets (16 s) in state s2; the servo swings by up to 15 ms
# as it enters s2 (seen in CI), so the last 16 are judged
locked() { [ "$(s2_offsets 32 | wc -l)" -ge 32 ]; }
within() {	# BOUND VALUES...
	local b=$1 v
	shift
	for v in "$@"; do
		[ "${v#-}" -le "$b" ] || return 1
	done
}
OFFS=''
slave_ok() {
	local t
	ptp4l -i "$PF_IF" -H -s -m -f "$CONF" > "$WORK/slave.log" 2>&1 &
	PID=$!
	t=$(time_until "$(time_bound 90)" locked)
	OFFS=$(s2_offsets 16 | tr '\n' ' ')
	ktap_info "host A's slave settled (32 offsets in s2) after ${t} ms; last 16 (ns): $OFFS"
	ktap_info "path delay (ns): $(awk '/master offset/ { print $10 }' "$WORK/slave.log" | tail -n 4 | tr '\n' ' ')"
	locked && return 0
	tail -n 6 "$WORK/slave.log" | while read -r l; do ktap_info "$l"; done
	return 1
}
check "host A: ptp4l -H slave of host B settles (32 offsets in s2)" slave_ok
# Two TCG guests share 2 cores: when each processes a frame varies by
# milliseconds, and the servo's offsets with it (measured: median 0.8 ms,
# one of 16 at 5.3 ms)
spread_ok() {
	local med
	med=$(printf '%s\n' $OFFS | tr -d - | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
	ktap_info "median |offset| ${med} ns"
	[ -n "$med" ] && [ "$med" -le 3000000 ] && within 20000000 $OFFS
}
check "host A's last 16 offsets: median within 3 ms, all within 20 ms" spread_ok

{ kill "$PID"; wait "$PID"; } 2>/dev/null
PID=''
final_ok() { dmesg_clean && hb 'dmesg_mark() { :; }; DMESG_MARK=0; dmesg_clean'; }
check "no oops, WARN or lockdep report on either host" final_ok
ktap_finish
