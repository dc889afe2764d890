#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Offloads, each switched with ethtool -K and each checked on the wire:
# RX checksum (corrupted UDP/TCP from the peer are flagged and dropped, good
# ones pass as verified), TX checksum (the peer sees valid sums), TSO over
# IPv4 and IPv6 (large skbs on the PF, MSS-sized segments at the peer), GRO,
# VLAN insertion/stripping and the hardware VLAN filter.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tools/netlib.sh"

cleanup() {
	pns ip link del pv10 2>/dev/null
	pns ip link del pv20 2>/dev/null
	pns ethtool -K peer0 gro on 2>/dev/null
	netlib_cleanup
}
trap cleanup EXIT

ktap_header 26

pf_load && pf_up && wait_ping 10 >/dev/null || ktap_info "PF did not come up"
ping -q -6 -c 1 -W 2 "$PEER_IP6" >/dev/null
pns ip neigh replace "$PF_IP" lladdr "$LAB_PF_MAC" dev peer0
pns ip -6 neigh replace "$PF_IP6" lladdr "$LAB_PF_MAC" dev peer0

# ethtool -K name, ethtool -k name
OFFLOADS="rx:rx-checksumming tx:tx-checksumming tso:tcp-segmentation-offload
	rxvlan:rx-vlan-offload txvlan:tx-vlan-offload rx-vlan-filter:rx-vlan-filter
	rxhash:receive-hashing gro:generic-receive-offload"

changeable() {
	local o bad=
	for o in $OFFLOADS; do
		{ [ -n "$(feature "${o#*:}")" ] && ! feature_fixed "${o#*:}"; } || bad="$bad ${o#*:}"
	done
	[ -z "$bad" ] || { ktap_info "missing or [fixed]:$bad"; return 1; }
}
check "ethtool -k: all 8 offloads present and changeable" changeable

toggles() {
	local o bad=
	for o in $OFFLOADS; do
		{ ethtool -K "$PF_IF" "${o%%:*}" off 2>/dev/null; [ "$(feature "${o#*:}")" = off ]; } &&
		{ ethtool -K "$PF_IF" "${o%%:*}" on 2>/dev/null; [ "$(feature "${o#*:}")" = on ]; } ||
			bad="$bad ${o%%:*}"
	done
	ethtool -K "$PF_IF" tx on tso on 2>/dev/null
	[ -z "$bad" ] || { ktap_info "did not toggle off and on:$bad"; return 1; }
}
check "ethtool -K: each offload goes off and back on" toggles
ktap_info "$(ethtool -k "$PF_IF" | grep -E '^(rx|tx|tcp-seg|generic-rec|receive-h)[a-z-]*:' | tr '\n' ' ')"
wait_ping 10 >/dev/null

# --- RX checksum -------------------------------------------------------------

N=50
# csum_burst PROTO QUALITY DST: N packets from the peer; sets dBAD dOK, dERR
# (the stack's InCsumErrors for that protocol) and dFIN (closed-port
# datagrams or resets: good packets the stack took)
csum_burst() {
	local proto=$1 q=$2 dst=$3 ctr fin b0 o0 e0 d0
	case $proto:$dst in
	udp:*:*) ctr=Udp6InCsumErrors fin=Udp6NoPorts ;;
	udp:*) ctr=UdpInCsumErrors fin=UdpNoPorts ;;
	tcp:*) ctr=TcpInCsumErrors fin=TcpOutRsts ;;
	esac
	b0=$(estat0 rx_csum_bad) o0=$(estat0 rx_csum_unnecessary) e0=$(snmp $ctr) d0=$(snmp $fin)
	pns $PKT csum "$proto" "$q" "$dst" 5999 $N >/dev/null || ktap_info "sender failed"
	# the stack has seen them all: as checksum errors, or as datagrams to
	# a closed port / SYNs answered with a reset
	if [ "$q" = bad ]; then
		wait_for 10 snmp_ge $ctr $((e0 + N))
	else
		wait_for 10 snmp_ge $fin $((d0 + N))
	fi
	dBAD=$(( $(estat0 rx_csum_bad) - b0 )) dOK=$(( $(estat0 rx_csum_unnecessary) - o0 ))
	dERR=$(( $(snmp $ctr) - e0 )) dFIN=$(( $(snmp $fin) - d0 ))
	ktap_info "$N $q $proto to $dst: rx_csum_bad +$dBAD rx_csum_unnecessary +$dOK $ctr +$dERR" \
		"$fin +$dFIN"
}

ethtool -K "$PF_IF" rx on
csum_burst udp bad "$PF_IP"
check "rx on: corrupted UDP/IPv4 counted in rx_csum_bad and dropped by the stack" \
	test "$dBAD" -ge $N -a "$dERR" -ge $N
csum_burst udp bad "$PF_IP6"
check "rx on: corrupted UDP/IPv6 counted in rx_csum_bad and dropped by the stack" \
	test "$dBAD" -ge $N -a "$dERR" -ge $N
csum_burst tcp bad "$PF_IP"
check "rx on: corrupted TCP/IPv4 counted in rx_csum_bad and dropped by the stack" \
	test "$dBAD" -ge $N -a "$dERR" -ge $N
good_all() {
	local ok=0 p
	for p in "udp $PF_IP" "udp $PF_IP6" "tcp $PF_IP" "tcp $PF_IP6"; do
		set -- $p
		csum_burst "$1" good "$2"
		[ "$dOK" -ge $N ] && [ "$dBAD" -eq 0 ] && [ "$dERR" -eq 0 ] && [ "$dFIN" -ge $N ] &&
			ok=$((ok + 1))
	done
	[ $ok -eq 4 ]
}
check "rx on: good UDP/TCP over IPv4/IPv6 counted in rx_csum_unnecessary, none bad" good_all

ethtool -K "$PF_IF" rx off
csum_burst udp bad "$PF_IP"
check "rx off: rx_csum_bad stays, the stack still drops corrupted UDP" \
	test "$dBAD" -eq 0 -a "$dERR" -ge $N
csum_burst udp good "$PF_IP"
check "rx off: rx_csum_unnecessary stays, the good datagrams still arrive" \
	test "$dOK" -eq 0 -a "$dFIN" -ge $N
ethtool -K "$PF_IF" rx on

# --- TX checksum ---------------------------------------------------------------

# udp_to_peer NAME: N datagrams to the peer over IPv4 and N over IPv6, captured
# at the peer; sets dTX (tx_csum_offload), nOK/nBAD (sums tcpdump judged) and
# dERR (the peer stack's checksum errors)
udp_to_peer() {
	local t0 e0
	t0=$(estat0 tx_csum_offload)
	e0=$(( $(snmp UdpInCsumErrors peer) + $(snmp Udp6InCsumErrors peer) ))
	cap_start "$1" "$PEER_NS" peer0 -s 0 udp port 5998 ||
		ktap_info "capture did not start"
	$PKT flows "$PEER_IP" 5998 1 $N >/dev/null
	$PKT flows "$PEER_IP6" 5998 1 $N >/dev/null
	wait_for 10 cap_count_ge "$1" $((2 * N))
	cap_stop "$1"
	dTX=$(( $(estat0 tx_csum_offload) - t0 ))
	nOK=$(cap_read "$1" -vv | grep -c 'udp sum ok')
	nBAD=$(cap_read "$1" -vv | grep -c 'bad udp cksum')
	dERR=$(( $(snmp UdpInCsumErrors peer) + $(snmp Udp6InCsumErrors peer) - e0 ))
	ktap_info "$((2 * N)) UDP datagrams to the peer: tx_csum_offload +$dTX," \
		"peer saw $nOK with good sums, $nBAD bad, peer InCsumErrors +$dERR"
}

ethtool -K "$PF_IF" tx on
udp_to_peer txon
check "tx on: tx_csum_offload counts the offloaded UDP datagrams" test "$dTX" -ge $((2 * N))
check "tx on: the peer receives every datagram with a valid checksum" \
	test "$nOK" -eq $((2 * N)) -a "$nBAD" -eq 0 -a "$dERR" -eq 0
ethtool -K "$PF_IF" tx off
udp_to_peer txoff
check "tx off: tx_csum_offload stays, the peer still gets valid sums" \
	test "$dTX" -eq 0 -a "$nOK" -eq $((2 * N)) -a "$nBAD" -eq 0
ethtool -K "$PF_IF" tx on tso on

# --- TSO -------------------------------------------------------------------------

pns ethtool -K peer0 gro off 2>/dev/null
pns ethtool -K peer0 lro off 2>/dev/null
ktap_info "peer0: $(pns ethtool -k peer0 | grep -E '^(generic-receive|large-receive)' | tr '\n' ' ')"
peer_err0=$(snmp TcpInCsumErrors peer)

# stream NAME DST: 2 s of TCP PF -> peer captured at the peer; sets dTSO,
# dTSOB (tx_tso_packets/bytes), BYTES (received), MAXLEN, FULL (segments
# of exactly the MSS)
stream() {
	local name=$1 dst=$2 mss p0 b0
	case $dst in *:*) mss=$(( $(cat /sys/class/net/"$PF_IF"/mtu) - 72 )) ;;
		     *) mss=$(( $(cat /sys/class/net/"$PF_IF"/mtu) - 52 )) ;; esac
	p0=$(estat0 tx_tso_packets) b0=$(estat0 tx_tso_bytes)
	cap_start "$name" "$PEER_NS" peer0 -s 160 -c 1000 tcp dst port 5201 ||
		ktap_info "capture did not start"
	BYTES=$(iperf_bytes "$dst" 2) || BYTES=0
	cap_stop "$name"
	dTSO=$(( $(estat0 tx_tso_packets) - p0 )) dTSOB=$(( $(estat0 tx_tso_bytes) - b0 ))
	read -r MAXLEN FULL <<<"$(cap_tcp_lens "$name" "$mss")"
	MSS=$mss
	ktap_info "TCP to $dst: $BYTES bytes, tx_tso_packets +$dTSO tx_tso_bytes +$dTSOB" \
		"(avg $((dTSOB / (dTSO ? dTSO : 1)))), at the peer: largest payload $MAXLEN," \
		"$FULL of the MSS $mss"
}
tso_used() { [ "$BYTES" -gt 0 ] && [ "$dTSO" -gt 0 ] && [ $((dTSOB / dTSO)) -gt 1500 ]; }
mss_sized() { [ "$BYTES" -gt 0 ] && [ "$MAXLEN" -le "$MSS" ] && [ "$FULL" -ge 100 ]; }

ethtool -K "$PF_IF" tso on
stream tso4 "$PEER_IP"
check "tso on, IPv4: tx_tso_packets moves, TSO skbs average above 1500 bytes" tso_used
check "tso on, IPv4: the peer receives MSS-sized segments" mss_sized
stream tso6 "$PEER_IP6"
check "tso on, IPv6: tx_tso_packets moves, TSO skbs average above 1500 bytes" tso_used
check "tso on, IPv6: the peer receives MSS-sized segments" mss_sized
ethtool -K "$PF_IF" tso off
stream notso "$PEER_IP"
check "tso off: tx_tso_packets stays, the stream still flows in MSS segments" \
	test "$dTSO" -eq 0 -a "$BYTES" -gt 0 -a "$MAXLEN" -le "$MSS"
ethtool -K "$PF_IF" tso on
peer_err=$(( $(snmp TcpInCsumErrors peer) - peer_err0 ))
check "the peer saw no TCP checksum errors in the streams (+$peer_err)" test "$peer_err" -eq 0
pns ethtool -K peer0 gro on 2>/dev/null

# --- GRO -------------------------------------------------------------------------

# rx_stream NAME: 2 s of TCP peer -> PF captured on the PF (after GRO)
rx_stream() {
	cap_start "$1" - "$PF_IF" -s 160 -c 1000 tcp src port 5201 ||
		ktap_info "capture did not start"
	BYTES=$(iperf_bytes "$PEER_IP" 2 -R) || BYTES=0
	cap_stop "$1"
	read -r MAXLEN _ <<<"$(cap_tcp_lens "$1" 0)"
	ktap_info "TCP from the peer: $BYTES bytes, largest packet the PF stack saw: $MAXLEN"
}
ethtool -K "$PF_IF" gro on
rx_stream groon
check "gro on: the stack gets segments merged beyond the MSS" \
	test "$BYTES" -gt 0 -a "$MAXLEN" -gt 1448
ethtool -K "$PF_IF" gro off
rx_stream grooff
check "gro off: the stack gets each segment as it came (<= 1448)" \
	test "$BYTES" -gt 0 -a "$MAXLEN" -le 1448 -a "$MAXLEN" -gt 0
ethtool -K "$PF_IF" gro on

# --- VLAN ------------------------------------------------------------------------

ip link add link "$PF_IF" name iovv10 type vlan id 10
ip addr add 192.168.10.1/24 dev iovv10
ip link set iovv10 up
pns ip link add link peer0 name pv10 type vlan id 10
pns ip addr add 192.168.10.2/24 dev pv10
pns ip link set pv10 up
ethtool -K "$PF_IF" rx-vlan-filter on 2>/dev/null

vlan_ping() {	# RXVLAN TXVLAN
	ethtool -K "$PF_IF" rxvlan "$1" txvlan "$2" 2>/dev/null
	[ "$(feature rx-vlan-offload)" = "$1" ] && [ "$(feature tx-vlan-offload)" = "$2" ] || return 1
	wait_for 10 ping -q -c 1 -W 1 192.168.10.2 >/dev/null &&
	ping -q -c 20 -i 0.02 -W 2 192.168.10.2 >/dev/null
}
for rv in on off; do
	for tv in on off; do
		check "VLAN 10: 20 pings, no loss, with rxvlan $rv txvlan $tv" vlan_ping $rv $tv
	done
done
ethtool -K "$PF_IF" rxvlan on txvlan on

pns ip link add link peer0 name pv20 type vlan id 20
pns ip addr add 192.168.20.2/24 dev pv20
pns ip link set pv20 up
pns ip neigh replace 192.168.20.1 lladdr "$LAB_PF_MAC" dev pv20 nud permanent

# vid20 NAME: the peer sends 20 pings tagged VID 20 to the PF's MAC, then one
# on VLAN 10 as a marker; sets N20 (VID 20 frames the PF's tcpdump saw) and
# SENT20 (frames the peer sent on VLAN 20)
pv20_tx() { pns ip -s link show dev pv20 | awk '$1 == "TX:" { getline; print $2; exit }'; }
vid20() {
	local t0
	cap_start "$1" - "$PF_IF" -p || ktap_info "capture did not start"
	t0=$(pv20_tx)
	pns ping -q -c 20 -i 0.02 -W 1 192.168.20.1 >/dev/null
	SENT20=$(( $(pv20_tx) - t0 ))
	pns ping -q -c 1 -W 2 192.168.10.1 >/dev/null
	wait_for 10 cap_count_ge "$1" 1 vlan 10 and icmp
	cap_stop "$1"
	N20=$(cap_count "$1" vlan 20)
	ktap_info "peer sent $SENT20 frames on VLAN 20, the PF saw $N20" \
		"(marker on VLAN 10 seen: $(cap_count "$1" vlan 10 and icmp))"
}
ethtool -K "$PF_IF" rx-vlan-filter on 2>/dev/null
vid20 filt_on
check "rx-vlan-filter on: VID 20 (no VLAN device) dropped by the hardware" \
	test "$(feature rx-vlan-filter)" = on -a "$SENT20" -ge 20 -a "$N20" -eq 0 \
	     -a "$(cap_count filt_on vlan 10 and icmp)" -ge 1
ethtool -K "$PF_IF" rx-vlan-filter off 2>/dev/null
vid20 filt_off
check "rx-vlan-filter off: the same VID 20 frames reach the PF" \
	test "$(feature rx-vlan-filter)" = off -a "$N20" -ge 20
ethtool -K "$PF_IF" rx-vlan-filter on 2>/dev/null

ip link del iovv10
check "traffic passes with every offload back on" sh -c "ping -q -c 20 -i 0.02 -W 2 $PEER_IP >/dev/null"

ktap_finish
