#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers shared by pf_rss.sh, pf_offloads.sh, pf_rings.sh and pf_stats.sh,
# sourced after lib.sh: ethtool parsing, packet captures, iperf3 runs with a
# server in netns "peer", refused-configuration checks.

TOOLS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# python3 -S: no site module, much faster to start in the lab guest
PKT="python3 -S $TOOLS_DIR/pkt.py"
SCRATCH=$(mktemp -d /tmp/iovnet-test.XXXXXX)

# Run a command in the peer's network namespace only (cheaper than
# "ip netns exec", which also remounts /sys; use "peer" for sysfs)
pns() { nsenter --net=/run/netns/"$PEER_NS" "$@"; }

# ethtool -S value of KEY (exact name); empty if there is no such key
estat() {	# KEY
	ethtool -S "$PF_IF" 2>/dev/null |
		awk -v k="$1" '{ sub(/^ +/, "") } $1 == k ":" { print $2; f = 1 } END { exit !f }'
}

# estat, 0 when the key is missing (the check on the key itself says so)
estat0() { estat "$1" || echo 0; }

# estat_ge KEY VALUE: the counter has reached VALUE (for wait_for)
estat_ge() { local v; v=$(estat "$1") && [ "$v" -ge "$2" ]; }

# every key of ethtool -S, one a line
estat_keys() { ethtool -S "$PF_IF" 2>/dev/null | awk -F: 'NR > 1 { gsub(/ /, "", $1); print $1 }'; }

# value of NAME in "ethtool -S --groups GROUP..." (e.g. eth-mac-FramesReceivedOK)
std_stat() {	# NAME GROUP...
	local name=$1
	shift
	ethtool -S "$PF_IF" --groups "$@" 2>/dev/null |
		awk -v k="$name" '{ sub(/^ +/, "") } $1 == k ":" { print $2; f = 1 } END { exit !f }'
}

# sum of the per-queue counters rx|tx over queues 0..N-1
queue_sum() {	# rx|tx N
	ethtool -S "$PF_IF" 2>/dev/null | awk -v d="$1" -v n="$2" '
		{ sub(/^ +/, "") }
		$1 ~ "^" d "_queue_[0-9]+_packets:$" {
			q = $1; sub("^" d "_queue_", "", q); sub(/_packets:$/, "", q)
			if (q + 0 < n + 0) s += $2
		}
		END { print s + 0 }'
}

num_queues() { ls -d /sys/class/net/"$PF_IF"/queues/rx-* 2>/dev/null | wc -l; }

# Combined channels: "max" or "cur" from ethtool -l
channels() {	# max|cur
	ethtool -l "$PF_IF" 2>/dev/null | awk -v w="$1" '
		/^Pre-set maximums/ { s = "max" } /^Current hardware/ { s = "cur" }
		/^Combined:/ && s == w { print $2 }'
}

# Ring sizes from ethtool -g: max|cur rx|tx
ring() {	# max|cur RX|TX
	ethtool -g "$PF_IF" 2>/dev/null | awk -v w="$1" -v k="$2:" '
		/^Pre-set maximums/ { s = "max" } /^Current hardware/ { s = "cur" }
		$1 == k && s == w { print $2 }'
}

# The RSS indirection table, entries separated by spaces
rss_table() {
	ethtool -x "$PF_IF" 2>/dev/null | awk '
		/^RSS hash key/ { exit } /^ *[0-9]+:/ { for (i = 2; i <= NF; i++) printf "%s ", $i }'
}

rss_key() { ethtool -x "$PF_IF" 2>/dev/null | awk '/^RSS hash key/ { getline; print; exit }'; }

# Feature state from ethtool -k: on|off (the "[fixed]" mark is dropped)
feature() { ethtool -k "$PF_IF" 2>/dev/null | awk -v k="$1:" '$1 == k { print $2 }'; }

# feature_fixed NAME: true if ethtool -k marks it [fixed]
feature_fixed() { ethtool -k "$PF_IF" 2>/dev/null | grep -q "^$1: .*\[fixed\]"; }

# nstat counter, absolute, in the root namespace or with "peer" in the peer's
snmp() {	# NAME [peer]
	local cmd=(nstat -asz "$1")
	[ "${2:-}" = peer ] && cmd=(pns "${cmd[@]}")
	"${cmd[@]}" 2>/dev/null | awk -v k="$1" '$1 == k { print $2; f = 1 } END { if (!f) print 0 }'
}

snmp_ge() { [ "$(snmp "$1" "${3:-}")" -ge "$2" ]; }	# NAME VALUE [peer]

# refused DESCRIPTION COMMAND...: the command fails and says why
refused() {
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then
		ktap_info "$desc: accepted ($*)"
		ktap_result fail "$desc"
		return
	fi
	ktap_info "$desc: $(tr '\n' ' ' <<<"$out")"
	if [ -n "$out" ]; then
		ktap_result ok "$desc"
	else
		ktap_result fail "$desc"
	fi
}

# Packet capture in the background: cap_start NAME NS|- IFACE [tcpdump args]
# (NS "-" is the root namespace).  Returns once tcpdump is listening.
cap_start() {
	local name=$1 ns=$2 ifc=$3 pre=()
	shift 3
	[ "$ns" != - ] && pre=(nsenter --net=/run/netns/"$ns")
	rm -f "$SCRATCH/$name.pcap" "$SCRATCH/$name.err"
	"${pre[@]}" tcpdump -i "$ifc" -nn -U -w "$SCRATCH/$name.pcap" "$@" \
		2>"$SCRATCH/$name.err" &
	echo $! >"$SCRATCH/$name.pid"
	wait_for 10 grep -q 'listening on' "$SCRATCH/$name.err"
}

# Stop a capture (if it did not stop itself with -c) and wait for it
cap_stop() {	# NAME
	local pid
	pid=$(cat "$SCRATCH/$1.pid" 2>/dev/null) || return 0
	kill -INT "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rm -f "$SCRATCH/$1.pid"
}

# Decode a capture: cap_read NAME [tcpdump -r options and filter]
cap_read() {
	local name=$1
	shift
	tcpdump -r "$SCRATCH/$name.pcap" -nn "$@" 2>/dev/null
}

cap_count() { cap_read "$1" "${@:2}" | grep -c .; }

cap_count_ge() { [ "$(cap_count "$1" "${@:3}")" -ge "$2" ]; }	# NAME N [filter]

# TCP payload lengths in a capture, one pass: prints the largest and how
# many were exactly LEN
cap_tcp_lens() {	# NAME LEN [filter]
	cap_read "$1" "${@:3}" | awk -v l="$2" '
		/ length [0-9]+$/ { if ($NF > m) m = $NF; if ($NF == l) n++ }
		END { print m + 0, n + 0 }'
}

# One iperf3 server in the peer, started afresh (the previous one, if any,
# is ended by its pid)
peer_iperf_server() {
	local pidf=$SCRATCH/iperf3-peer.pid
	[ -s "$pidf" ] && kill "$(cat "$pidf")" 2>/dev/null
	rm -f "$pidf"
	pns iperf3 -s -1 -D -I "$pidf" --logfile "$SCRATCH/iperf3-peer.log" || return 1
	wait_for 5 pns sh -c "ss -ltn | grep -q ':5201 '"
}

# iperf3 client on the PF to DST (the peer's v4 or v6 address) for SECONDS;
# prints bytes received by the receiver.  Extra options go to iperf3
# (e.g. -R: the peer sends).
iperf_bytes() {	# DST SECONDS [iperf3 options]
	local dst=$1 secs=$2 out
	shift 2
	peer_iperf_server || return 1
	out=$(timeout $((secs + 30)) iperf3 -c "$dst" -t "$secs" -J \
	      --connect-timeout 5000 "$@") ||
		{ ktap_info "iperf3 failed: $(tail -c 300 <<<"$out" | tr '\n' ' ')" >&2; return 1; }
	python3 -S -c 'import json,sys; print(int(json.load(sys.stdin)["end"]["sum_received"]["bytes"]))' <<<"$out"
}

# Datapath state for a failure report: per-queue counters, BQL, qdisc,
# queue interrupts
dp_diag() {
	local q
	ktap_info "carrier $(cat /sys/class/net/"$PF_IF"/carrier 2>/dev/null)," \
		"operstate $(cat /sys/class/net/"$PF_IF"/operstate 2>/dev/null);" \
		"last kernel lines: $(dmesg | grep -F "$PF_IF" | tail -3 | tr -s ' \n' ' ')"
	ktap_info "queues: $(ethtool -S "$PF_IF" 2>/dev/null | grep -E '_queue_[0-9]+_' | tr -s ' \n' ' ')"
	for q in /sys/class/net/"$PF_IF"/queues/tx-*; do
		ktap_info "${q##*/}: bql inflight $(cat "$q/byte_queue_limits/inflight" 2>/dev/null)" \
			"limit $(cat "$q/byte_queue_limits/limit" 2>/dev/null)"
	done
	ktap_info "qdisc: $(tc -s qdisc show dev "$PF_IF" 2>/dev/null | grep -E 'backlog|requeues' | tr -s ' \n' ' ')"
	ktap_info "irqs: $(grep -E "$PF_IF-TxRx|$LAB_PF_PCI" /proc/interrupts | awk '{ s = 0; for (i = 2; i <= NF - 3; i++) s += $i; printf "%s=%d ", $NF, s }')"
}

# Stop helpers and forget the PF's neighbour entries at the peer, so the
# next test starts without stale state.
netlib_cleanup() {
	local f
	for f in "$SCRATCH"/*.pid; do
		[ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null
	done
	rm -rf "$SCRATCH"
	pns ip neigh del "$PF_IP" dev peer0 2>/dev/null
	pns ip -6 neigh del "$PF_IP6" dev peer0 2>/dev/null
}
