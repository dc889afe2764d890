#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers of the demo scenario (tools/demo/scenario.sh), sourced after
# tools/selftests/lib.sh: narration, expectations that are recorded (not
# fatal), results as JSON lines, cheap namespace commands, register and
# per-VF counter readers.

DEMO_OUT=${DEMO_OUT:-$IOVNET_TOP/build/demo}
DEMO_REC=$DEMO_OUT/records.jsonl
DEMO_T0=$(date +%s%N)
DEMO_STEP=
demo_failed=0

elapsed() { echo $(( ($(date +%s%N) - DEMO_T0) / 1000000 )); }

# A numbered step of the story, with the time since the start
step() {
	local ms
	ms=$(elapsed)
	DEMO_STEP=$*
	printf '\n[%3d.%ds] == %s\n' $((ms / 1000)) $((ms % 1000 / 100)) "$*"
}

note() { printf '          %s\n' "$*"; }

# Show a command, then run it (what the admin types)
run() {
	printf '          $ %s\n' "$*"
	"$@"
}

# Show "ip CMD" lines, then run them in one ip process (stops at the
# first failure)
ip_batch() {	# "CMD"...
	local c
	for c in "$@"; do
		printf '          $ ip %s\n' "$c"
	done
	printf '%s\n' "$@" | ip -batch -
}

# --- results as JSON lines, merged by report.py collect -------------------

_json_str() {	# STRING -> JSON string
	local s=$1
	s=${s//\\/\\\\}
	s=${s//\"/\\\"}
	s=${s//$'\n'/\\n}
	s=${s//$'\t'/\\t}
	printf '"%s"' "$s"
}

# A JSON value: numbers, true/false as they are, anything else a string
_json_val() {
	if [[ $1 =~ ^-?[0-9]+(\.[0-9]+)?$ || $1 == true || $1 == false ]]; then
		printf '%s' "$1"
	else
		_json_str "$1"
	fi
}

# rec_t TENANT KEY VALUE: a cell of the tenant table
rec_t() {
	printf '{"kind":"tenant","tenant":%s,"key":%s,"value":%s}\n' \
		"$(_json_str "$1")" "$(_json_str "$2")" "$(_json_val "$3")" >>"$DEMO_REC"
}

# rec_f KEY VALUE: a fact about the run
rec_f() {
	printf '{"kind":"fact","key":%s,"value":%s}\n' \
		"$(_json_str "$1")" "$(_json_val "$2")" >>"$DEMO_REC"
}

# expect DESCRIPTION COMMAND...: an expectation, recorded; a failure is
# reported and remembered, and the story goes on
expect() {
	local desc=$1 ok=true
	shift
	if "$@"; then
		printf '          ok    %s\n' "$desc"
	else
		ok=false
		demo_failed=$((demo_failed + 1))
		printf '          FAIL  %s\n' "$desc"
	fi
	printf '{"kind":"check","step":%s,"name":%s,"ok":%s}\n' \
		"$(_json_str "$DEMO_STEP")" "$(_json_str "$desc")" "$ok" >>"$DEMO_REC"
	[ "$ok" = true ]
}

# The story cannot go on: record it and stop
die() {
	demo_failed=$((demo_failed + 1))
	printf '          FAIL  %s (cannot go on)\n' "$*"
	printf '{"kind":"check","step":%s,"name":%s,"ok":false}\n' \
		"$(_json_str "$DEMO_STEP")" "$(_json_str "$* (fatal)")" >>"$DEMO_REC"
	exit 1
}

# --- namespaces -----------------------------------------------------------

# Run a command in netns NS (network namespace only: cheaper than
# "ip netns exec", which also remounts /sys)
tn() {	# NS COMMAND...
	local ns=$1
	shift
	nsenter --net=/run/netns/"$ns" "$@"
}

# NS reaches ADDR with one ping within a second
reach() {	# NS ADDR
	tn "$1" ping -q -c 1 -W 1 "$2" >/dev/null 2>&1
}

# NS does not reach ADDR: 3 pings in 2 s, none answered
no_reach() {	# NS ADDR
	! tn "$1" ping -q -c 3 -i 0.5 -w 2 "$2" >/dev/null 2>&1
}

# carrier of IF in netns NS (LOWER_UP in the link flags)
ns_carrier() {	# NS IF
	ip -n "$1" -o link show dev "$2" 2>/dev/null | grep -q 'LOWER_UP'
}
ns_no_carrier() {	# NS IF
	ip -n "$1" -o link show dev "$2" 2>/dev/null | grep -q 'NO-CARRIER'
}

# Packets lost of COUNT pings from NS to ADDR, 50 ms apart ("" if ping
# printed no statistics)
ping_loss() {	# NS ADDR COUNT
	tn "$1" ping -q -c "$3" -i 0.05 -W 2 "$2" 2>/dev/null |
		sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) received.*/\1 \2/p' |
		awk '{ print $1 - $2 }'
}

# --- VFs -----------------------------------------------------------------

# Bind VFs IDX... to DRIVER (driver_override, then one probe each) and
# print their netdevs, one a line in the order given, once udev named them
vfs_bind_all() {	# DRIVER IDX...
	local drv=$1 i dev
	shift
	for i in "$@"; do
		dev=/sys/bus/pci/devices/$(vf_bdf "$i")
		[ -e "$dev/driver" ] && basename "$dev" > "$dev/driver/unbind"
		echo "$drv" > "$dev/driver_override" &&
		basename "$dev" > /sys/bus/pci/drivers_probe || return 1
	done
	for i in "$@"; do
		dev=/sys/bus/pci/devices/$(vf_bdf "$i")
		wait_for 10 sh -c "ls $dev/net 2>/dev/null | grep -q ." || return 1
	done
	udevadm settle -t 10 2>/dev/null
	for i in "$@"; do
		ls "/sys/bus/pci/devices/$(vf_bdf "$i")/net"
	done
}

# --- the PF's registers and per-VF counters -------------------------------

# The PF's register dump (ethtool -d raw on) as decimal words in DEMO_REGS
# (see Documentation/iovnet.rst for the word numbers)
DEMO_REGS=()
regs_snap() {
	mapfile -t DEMO_REGS < <(ethtool -d "$PF_IF" raw on | od -An -tu4 -v -w4 | tr -d ' ')
}

hex() { printf '0x%08x' "$1"; }

# The administrative settings of every VF as "ip -j link" shows them, one
# line each: vf mac vlan qos spoofchk trust link_state max_tx_rate
vf_admin_all() {
	ip -j link show dev "$PF_IF" | jq -r '.[0].vfinfo_list // [] | .[] |
		((.vlan_list // [{}])[0]) as $v |
		[.vf, .address, ($v.vlan // 0), ($v.qos // 0), .spoofchk, .trust,
		 .link_state, (.rate.max_tx // .max_tx_rate // 0)] | map(tostring) | join(" ")'
}

# One VF's line of vf_admin_all, without the index
vf_admin() {	# VF
	vf_admin_all | awk -v n="$1" '$1 == n { $1 = ""; sub(/^ /, ""); print }'
}

# Per-VF pool counters from "ip -s link show PF", one line per VF:
# vf rx_packets rx_bytes tx_packets tx_bytes (from the VF's side)
vf_counters_all() {
	ip -j -s link show dev "$PF_IF" | jq -r '.[0].vfinfo_list // [] | .[] | .stats as $s |
		[.vf, ($s.rx.packets // $s.rx.rx_packets), ($s.rx.bytes // $s.rx.rx_bytes),
		 ($s.tx.packets // $s.tx.tx_packets), ($s.tx.bytes // $s.tx.tx_bytes)] |
		map(tostring) | join(" ")'
}

# tx_packets tx_bytes rx_packets of IF in netns NS
ns_counters() {	# NS IF
	ip -n "$1" -j -s link show dev "$2" |
		jq -r '.[0].stats64 | "\(.tx.packets) \(.tx.bytes) \(.rx.packets)"'
}

# The MAC address of IF in netns NS
ns_mac() {	# NS IF
	ip -n "$1" -br link show dev "$2" | awk '{ print $3 }'
}

# One 32-bit register of the PF's BAR 0, read (never written) through
# sysfs; empty if the BAR cannot be mapped
bar0_read() {	# OFFSET
	python3 -S -c '
import ctypes, mmap, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_SYNC)
m = mmap.mmap(fd, 0x10000, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
print(ctypes.c_uint32.from_buffer(m, int(sys.argv[2], 0)).value)
' "$(pf_sysfs)/resource0" "$1" 2>/dev/null
}
