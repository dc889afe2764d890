#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Statistics: ip -s link counters move by at least the traffic sent and
# never go backwards across down/up, ethtool -G and -L; ethtool -S carries
# the driver's fixed keys and per-queue counters; the standard eth-mac and
# rmon groups come from the MAC and move with traffic.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tools/netlib.sh"
trap netlib_cleanup EXIT

ktap_header 16

pf_load && pf_up && wait_ping 10 >/dev/null || ktap_info "PF did not come up"
traffic_ok() { wait_ping 10 >/dev/null && ping_peer 20; }

# ip -s link counter: rx|tx packets|bytes
link_stat() {
	ip -s link show dev "$PF_IF" | awk -v d="$1" -v u="$2" '
		$1 == "RX:" || $1 == "TX:" { for (i = 2; i <= NF; i++) col[tolower(substr($1, 1, 2)), $i] = i - 1; hdr = tolower(substr($1, 1, 2)); next }
		hdr != "" { if (hdr == d) print $col[d, u]; hdr = "" }'
}

FIXED="rx_csum_unnecessary rx_csum_bad rx_alloc_fail rx_frame_errors rx_copybreak tx_tso_packets
	tx_tso_bytes tx_csum_offload tx_queue_stops tx_queue_wakes tx_dropped tx_timeouts
	rx_no_buffer rx_missed rx_undersize rx_oversize"
keys=$(estat_keys)
missing=
for k in $FIXED; do grep -qx "$k" <<<"$keys" || missing="$missing $k"; done
[ -n "$missing" ] && ktap_info "missing:$missing"
check "ethtool -S: the 16 driver-specific keys" test -z "$missing"

q=$(num_queues)
perq() {
	local i bad=
	for ((i = 0; i < q; i++)); do
		estat "rx_queue_${i}_packets" >/dev/null || bad="$bad rx_queue_${i}_packets"
		estat "tx_queue_${i}_packets" >/dev/null || bad="$bad tx_queue_${i}_packets"
	done
	estat "rx_queue_${q}_packets" >/dev/null && bad="$bad rx_queue_${q}_packets(extra)"
	[ -z "$bad" ] || { ktap_info "per-queue keys:$bad"; return 1; }
}
check "ethtool -S: rx/tx_queue_N_packets for each of the $q queues, none beyond" perq

# --- counters move with traffic ----------------------------------------------

rxp=$(link_stat rx packets) txp=$(link_stat tx packets)
rxq=$(queue_sum rx "$q") txq=$(queue_sum tx "$q")
ping_peer 200
drxp=$(( $(link_stat rx packets) - rxp )) dtxp=$(( $(link_stat tx packets) - txp ))
drxq=$(( $(queue_sum rx "$q") - rxq )) dtxq=$(( $(queue_sum tx "$q") - txq ))
ktap_info "200 pings: ip -s link rx +$drxp tx +$dtxp; per-queue sums rx +$drxq tx +$dtxq"
check "200 pings: ip -s link rx and tx packets moved by at least 200" \
	test "$drxp" -ge 200 -a "$dtxp" -ge 200
check "200 pings: the per-queue counters moved by at least 200 each way" \
	test "$drxq" -ge 200 -a "$dtxq" -ge 200

txb=$(link_stat tx bytes)
sent=$(iperf_bytes "$PEER_IP" 3) || sent=0
dtxb=$(( $(link_stat tx bytes) - txb ))
ktap_info "iperf3 PF -> peer: $sent bytes received, tx_bytes +$dtxb"
check "iperf3 PF -> peer: tx bytes moved by at least the bytes delivered" \
	test "$sent" -gt 0 -a "$dtxb" -ge "$sent"
rxb=$(link_stat rx bytes)
got=$(iperf_bytes "$PEER_IP" 3 -R) || got=0
drxb=$(( $(link_stat rx bytes) - rxb ))
ktap_info "iperf3 peer -> PF: $got bytes received, rx_bytes +$drxb"
check "iperf3 peer -> PF: rx bytes moved by at least the bytes delivered" \
	test "$got" -gt 0 -a "$drxb" -ge "$got"

# --- standard groups -----------------------------------------------------------

std=$(ethtool -S "$PF_IF" --groups eth-mac rmon 2>&1)
ktap_info "$(grep -cE '^ *(eth-mac|rmon|rx-rmon|tx-rmon)-' <<<"$std") standard counters in eth-mac and rmon"
std_keys() {
	local k
	for k in FramesTransmittedOK FramesReceivedOK OctetsTransmittedOK OctetsReceivedOK; do
		grep -q "eth-mac-$k: [0-9]" <<<"$std" || { ktap_info "no eth-mac-$k"; return 1; }
	done
	grep -q '^ *rx-rmon-etherStatsPkts' <<<"$std" && grep -q '^ *tx-rmon-etherStatsPkts' <<<"$std" ||
		{ ktap_info "no rmon rx/tx size histogram"; return 1; }
}
check "ethtool -S --groups eth-mac rmon: frames, octets and size histograms" std_keys

# sum of the rmon rx|tx histogram buckets
hist() { ethtool -S "$PF_IF" --groups rmon 2>/dev/null | awk -v p="$1-rmon-etherStatsPkts" '{ sub(/^ +/, "") } index($1, p) == 1 { s += $2 } END { print s + 0 }'; }
frx=$(std_stat eth-mac-FramesReceivedOK eth-mac) ftx=$(std_stat eth-mac-FramesTransmittedOK eth-mac)
hrx=$(hist rx) htx=$(hist tx)
ping_peer 100
mac_moved() {
	[ $(( $(std_stat eth-mac-FramesReceivedOK eth-mac) - ${frx:-0} )) -ge 100 ] &&
	[ $(( $(std_stat eth-mac-FramesTransmittedOK eth-mac) - ${ftx:-0} )) -ge 100 ]
}
hist_moved() { [ $(( $(hist rx) - hrx )) -ge 100 ] && [ $(( $(hist tx) - htx )) -ge 100 ]; }
wait_for 5 mac_moved
ktap_info "100 pings: FramesReceivedOK +$(( $(std_stat eth-mac-FramesReceivedOK eth-mac) - ${frx:-0} ))" \
	"FramesTransmittedOK +$(( $(std_stat eth-mac-FramesTransmittedOK eth-mac) - ${ftx:-0} ))" \
	"rmon rx +$(( $(hist rx) - hrx )) tx +$(( $(hist tx) - htx ))"
check "eth-mac FramesReceivedOK/FramesTransmittedOK move with 100 pings" mac_moved
check "rmon rx/tx size histograms move with 100 pings" hist_moved

# The model counts the peer's frames under 60 bytes as undersized (README,
# "Limits of QEMU's igb model"): 42-byte echo requests move rx_undersize.
u0=$(estat0 rx_undersize)
pns ping -q -c 50 -i 0.02 -W 2 -s 0 "$PF_IP" >/dev/null
wait_for 5 estat_ge rx_undersize $((u0 + 50))
ktap_info "50 42-byte frames from the peer: rx_undersize +$(( $(estat0 rx_undersize) - u0 ))"
check "rx_undersize counts the peer's 50 short frames (RUC)" estat_ge rx_undersize $((u0 + 50))

# --- never backwards -------------------------------------------------------------

# snapshot FILE: every counter that must only grow, "name value" a line
snapshot() {
	{
		for d in rx tx; do for u in packets bytes; do
			echo "link_${d}_$u $(link_stat $d $u)"
		done; done
		ethtool -S "$PF_IF" 2>/dev/null | awk -v keys="$FIXED" '
			BEGIN { n = split(keys, k); for (i = 1; i <= n; i++) want[k[i] ":"] = 1 }
			{ sub(/^ +/, "") } ($1 in want) { sub(/:$/, "", $1); print $1, $2 }'
		ethtool -S "$PF_IF" --groups eth-mac rmon 2>/dev/null |
			awk '{ sub(/^ +/, "") } $1 ~ /^(eth-mac|rmon|rx-rmon|tx-rmon)-/ && $2 ~ /^[0-9]+$/ { sub(/:$/, "", $1); print $1, $2 }'
	} >"$1"
}
# forward ACTION...: counters after ACTION (and 20 pings) >= before, and
# the link counters moved by the pings
forward() {
	local back
	snapshot "$SCRATCH/a"
	"$@" || { ktap_info "$*: failed"; return 1; }
	traffic_ok || { ktap_info "$*: no traffic afterwards"; return 1; }
	snapshot "$SCRATCH/b"
	back=$(awk 'NR == FNR { a[$1] = $2; next } ($1 in a) && $2 < a[$1] { printf "%s %s->%s ", $1, a[$1], $2 }' \
		"$SCRATCH/a" "$SCRATCH/b")
	[ -z "$back" ] || { ktap_info "went backwards: $back"; return 1; }
	[ "$(awk '$1 == "link_tx_packets" { print $2 }' "$SCRATCH/b")" -ge \
	  $(( $(awk '$1 == "link_tx_packets" { print $2 }' "$SCRATCH/a") + 20 )) ]
}
downup() {
	ip link set "$PF_IF" down && ip link set "$PF_IF" up && wait_for 10 carrier_is "$PF_IF" 1
}
check "no counter goes backwards across link down/up" forward downup
check "no counter goes backwards across ethtool -G rx 512 tx 512" \
	forward ethtool -G "$PF_IF" rx 512 tx 512
max=$(channels max)
check "no counter goes backwards across ethtool -L combined 1" \
	forward ethtool -L "$PF_IF" combined 1
check "no counter goes backwards across ethtool -L combined ${max:-2}" \
	forward ethtool -L "$PF_IF" combined "${max:-2}"

# --- readers without RTNL while the rings are rebuilt -------------------------
# sysfs statistics and the service task reach the rings through the queue
# vectors under base_lock only, not RTNL: a vector they can see must have
# both its rings (a vector published before its RX ring existed was a NULL
# dereference in session 18's CI). 4096-descriptor RX rings make each
# rebuild long; builtin reads make the reader fast.
stats_reader() {	# STOPFILE
	local f=/sys/class/net/$PF_IF/statistics/rx_missed_errors n=0 v
	while [ ! -e "$1" ]; do
		read -r v <"$f" && n=$((n + 1))
	done
	echo "$n" >"$1.reads"
}
rebuilds_under_readers() {
	local stop=$SCRATCH/reader.stop i reads ok=1
	rm -f "$stop" "$stop.reads"
	ethtool -G "$PF_IF" rx 4096 tx 4096 || return 1
	stats_reader "$stop" &
	stats_reader "$stop" &
	for ((i = 0; i < 6; i++)); do
		ip link set "$PF_IF" down && ip link set "$PF_IF" up || ok=0
	done
	ethtool -G "$PF_IF" rx 256 tx 256 || ok=0
	ethtool -G "$PF_IF" rx 4096 tx 4096 || ok=0
	touch "$stop"
	wait
	reads=$(cat "$stop.reads" 2>/dev/null)
	ethtool -G "$PF_IF" rx 512 tx 512 || ok=0
	ktap_info "6 down/up and 2 ring resizes at 4096 descriptors under a sysfs statistics reader: its last reader made ${reads:-no} reads"
	[ "$ok" = 1 ] && [ "${reads:-0}" -gt 0 ] && traffic_ok
}
check "statistics read without RTNL while the rings are rebuilt (down/up, ethtool -G)" \
	rebuilds_under_readers

zero=
for k in tx_timeouts tx_dropped rx_alloc_fail rx_frame_errors rx_csum_bad; do
	v=$(estat "$k") || v=missing
	[ "$v" = 0 ] || zero="$zero $k=$v"
done
ktap_info "tx_queue_stops $(estat0 tx_queue_stops) tx_queue_wakes $(estat0 tx_queue_wakes)"
[ -n "$zero" ] && ktap_info "non-zero:$zero"
check "no TX timeouts, drops, allocation failures, frame or checksum errors" test -z "$zero"

ktap_finish
