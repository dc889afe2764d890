#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Tenant isolation under our PF: what a VF (or a careless admin) can take
# from the PF and from other VFs (issue 21, the outside audit). Hostile VFs
# are mbx_client (mbx_client.c, built here) on VFs with no driver; VFs that
# must pass traffic get iovnet_vf in their own netns.
#
#  1. MAC ownership: a VF (untrusted with no admin MAC, or trusted) cannot
#     take the MAC of a macvlan on the PF; the admin cannot give VF 1 the
#     MAC of VF 0, of the macvlan or of the PF (EADDRINUSE, with a message)
#  2. max_tx_rate covers both TX queues of the VF (SKIP: the model has no
#     RTTBCNRC, see below)
#  3. VLVF (32 entries) exhaustion by 7 VFs leaves room for an admin port
#     VLAN and for the PF's own VLAN; a port-VLAN VF's reset does not let
#     another VF take its VLVF entry
#  4. trust off takes back what trust gave: the admin MAC, the VLANs
#     beyond an untrusted VF's 8, promiscuous mode
#  5. VLAN 4095 from the mailbox is refused; VLAN 0 takes no VLVF entry
#  6. a VF resetting itself in a loop (CTRL.RST) is budgeted by the PF
#     (counters show it) and the other VFs' mailbox round trips stay bounded
#
# What the fix is expected to answer with (the tests accept these errnos):
# EADDRINUSE for a MAC that belongs to another function, ENOSPC for a quota
# or a full table, EPERM for policy; a mailbox refusal is a NACK.

# Functions run through check and wait_for: shellcheck cannot see the calls
# shellcheck disable=SC2317

. "$(dirname "$0")/lib.sh"

MBX=/tmp/mbx_client_tenant
MV_MAC=02:00:00:aa:bb:01
MV_IP=192.168.77.50
WORK=$(mktemp -d /tmp/sriov_tenant.XXXXXX)
PEER_VIDS="20 300 400"
# Case 6: how long VF 0 storms (CTRL.RST writes back to back: 0.7-3
# million a second in the lab, of which the PF's work sees some 800 resets
# a second), and the round trips measured on VF 1 meanwhile (500 take 1-2 s
# idle)
STORM_SECS=${STORM_SECS:-8}
RTT_N=${RTT_N:-500}
# Bound on VF 1's 99th percentile GET_LINK round trip while VF 0 storms.
# Measured in the lab (TCG, 2 cores, code of aa458b9): idle p99 13 ms on a
# quiet host, 26 ms with other guests running (max 105-250 ms); under a
# 15 s storm p99 12-20 ms, max 115-150 ms. The PF's work serves one request
# per VF per pass, so a neighbour storming should cost VF 1 a few passes at
# most: 200 ms is 8-15 times the p99 figures and a tenth of the 2 s after
# which VF drivers give up on a reply.
RTT_P99_BOUND_MS=${RTT_P99_BOUND_MS:-200}

st_cleanup() {
	local pid
	for pid in $(cat "$WORK"/*.pid 2>/dev/null); do
		kill "$pid" 2>/dev/null
	done
	ip netns del mvns 2>/dev/null
	ip link del pf400 2>/dev/null
	vf_test_cleanup $PEER_VIDS
	rm -rf "$WORK"
}
trap st_cleanup EXIT

# --- helpers (st_ prefix) --------------------------------------------------

st_mac_words() {	# MAC: the two mailbox words of a SET_MAC
	local b
	IFS=: read -r -a b <<<"$1"
	printf '0x%s%s%s%s 0x%s%s' "${b[3]}" "${b[2]}" "${b[1]}" "${b[0]}" \
		"${b[5]}" "${b[4]}"
}

# One mailbox message from VF INDEX; prints the client's output
st_send() {	# INDEX WORDS...
	local i=$1
	shift
	timeout 20 "$MBX" "$(vf_bdf "$i")" send "$@"
}

# SET_MAC from VF INDEX: W0 (ID and info), then the MAC's two words
st_send_mac() {	# INDEX W0 MAC
	local w1 w2
	read -r w1 w2 <<<"$(st_mac_words "$3")"
	st_send "$1" "$2" "$w1" "$w2"
}

st_w0() { sed -n 's/^reply: \(0x[0-9a-f]*\).*/\1/p' <<<"$1"; }

st_acked() {	# CLIENT-OUTPUT
	local w
	w=$(st_w0 "$1")
	[ -n "$w" ] && (( (w >> 31) & 1 )) && ! (( (w >> 30) & 1 ))
}

st_nacked() {	# CLIENT-OUTPUT
	local w
	w=$(st_w0 "$1")
	[ -n "$w" ] && (( (w >> 30) & 1 )) && ! (( (w >> 31) & 1 ))
}

# CTRL.RST and the reset handshake of VF INDEX (NACK without a MAC: that
# still completes the handshake)
st_handshake() {	# INDEX
	local out
	out=$(timeout 20 "$MBX" "$(vf_bdf "$1")" reset)
	grep -Eq '^result: (ACK|NACK)$' <<<"$out" ||
		{ ktap_info "VF $1 handshake: $(tr '\n' ' ' <<<"$out")"; return 1; }
}

# MAC the PF reports for VF INDEX (ip link show)
st_ipl_mac() {	# INDEX
	ip link show "$PF_IF" | sed -n "s/^ *vf $1 .*link\/ether \([0-9a-f:]*\).*/\1/p"
}

st_ipl_line() {	# INDEX
	ip link show "$PF_IF" | grep -E "^ *vf $1 "
}

# The register dump as one hex word a line
st_words() { ethtool -d "$PF_IF" raw on | od -An -tx4 -v -w4 | tr -d ' '; }

# The MAC in RAR 1 + VF (dump words 78 + 2 VF and 79 + 2 VF), and whether
# its Address Valid bit is set ("MAC valid" or "MAC invalid")
st_rar_vf() {	# VF
	local ral rah
	mapfile -t w < <(st_words)
	ral=$((16#${w[$((78 + 2 * $1))]})) rah=$((16#${w[$((79 + 2 * $1))]}))
	printf '%02x:%02x:%02x:%02x:%02x:%02x %s\n' $((ral & 255)) \
		$((ral >> 8 & 255)) $((ral >> 16 & 255)) $((ral >> 24 & 255)) \
		$((rah & 255)) $((rah >> 8 & 255)) \
		"$( ((rah >> 31 & 1)) && echo valid || echo invalid)"
}

# VLANs of pool POOL in VLVF, one per line
st_pool_vlans() {	# POOL
	local w
	for w in $(st_words | sed -n '47,78p'); do
		w=$((16#$w))
		(( (w >> 31) & 1 && (w >> (12 + $1)) & 1 )) && echo $((w & 0xfff))
	done
}

st_vlvf_used() {
	local w n=0
	for w in $(st_words | sed -n '47,78p'); do
		(( (16#$w >> 31) & 1 )) && n=$((n + 1))
	done
	echo "$n"
}

# VF INDEX adds VLANs FIRST, FIRST+1, ... until the PF refuses one or MAX
# were added; prints how many it got
st_fill_vlans() {	# INDEX FIRST MAX
	local i=$1 vid=$2 n=0 out
	while [ "$n" -lt "$3" ]; do
		out=$(st_send "$i" 0x00010004 "$vid")
		st_acked "$out" || break
		n=$((n + 1)) vid=$((vid + 1))
	done
	echo "$n"
}

# Run CMD..., capture stdout+stderr in $ST_OUT, its status in $ST_RC
st_run() {
	ST_OUT=$("$@" 2>&1)
	ST_RC=$?
}

# An admin command that must fail with ERRNO-TEXT (strerror) in its output
st_refused() {	# ERRNO-TEXT CMD...
	local want=$1
	shift
	st_run timeout 20 "$@"
	ktap_info "$*: rc=$ST_RC: $(tr '\n' ' ' <<<"$ST_OUT")"
	[ "$ST_RC" -ne 0 ] && grep -q "$want" <<<"$ST_OUT"
}

st_fresh_vfs() {	# N: 0 then N VFs, none bound
	vf_test_cleanup $PEER_VIDS
	vfs_enable "$1" && wait_for 10 test -e "$(pf_sysfs)/virtfn$(($1 - 1))"
}

ktap_header 41

# --- setup -------------------------------------------------------------------

check "mbx_client builds without a warning" mbx_client_build "$MBX"

setup() {
	pf_load && pf_up && wait_ping 10 || return 1
	modprobe 8021q 2>/dev/null
	st_fresh_vfs 7
}
check "PF up, peer answers, 7 VFs without drivers" setup
dmesg_mark

# --- 1. MAC ownership ---------------------------------------------------------
ktap_info "1. a VF cannot take the MAC of a macvlan on the PF"

macvlan() {
	ip netns add mvns &&
	ip link add link "$PF_IF" name mv0 address "$MV_MAC" type macvlan mode bridge &&
	ip link set mv0 netns mvns &&
	ip -n mvns addr add "$MV_IP/24" dev mv0 &&
	ip -n mvns link set lo up &&
	ip -n mvns link set mv0 up &&
	wait_for 10 peer ping -q -c 1 -W 1 "$MV_IP" >/dev/null
}
check "macvlan mv0 ($MV_MAC) on the PF answers the peer" macvlan

mv_reached() {	# peer's pings to mv0 arrive at mv0
	local rx0 rx1
	peer ip neigh flush dev peer0 >/dev/null 2>&1
	rx0=$(ip netns exec mvns cat /sys/class/net/mv0/statistics/rx_packets)
	peer ping -q -c 10 -i 0.05 -W 2 "$MV_IP" >/dev/null || return 1
	rx1=$(ip netns exec mvns cat /sys/class/net/mv0/statistics/rx_packets)
	ktap_info "mv0 rx_packets +$((rx1 - rx0)) for 10 pings"
	[ $((rx1 - rx0)) -ge 10 ]
}

st_handshake 2
out=$(st_send_mac 2 0x0002 "$MV_MAC")
ktap_info "VF 2 (untrusted, no admin MAC) SET_MAC $MV_MAC: $(tr '\n' ' ' <<<"$out")"
check "untrusted VF without admin MAC: SET_MAC of the macvlan's MAC is NACKed" \
	st_nacked "$out"
ktap_info "ip link: $(st_ipl_line 2)"
check "ip link show PF does not list VF 2 with the macvlan's MAC" \
	test "$(st_ipl_mac 2)" != "$MV_MAC"
check "peer -> macvlan MAC still reaches mv0 (10/10)" mv_reached
# VF 2 lets go of whatever it got: its reset handshake forgets its MAC
st_handshake 2

ip link set "$PF_IF" vf 3 trust on
st_handshake 3
out=$(st_send_mac 3 0x00020002 "$MV_MAC")
ktap_info "VF 3 (trusted) SET_MAC filter add $MV_MAC: $(tr '\n' ' ' <<<"$out")"
check "trusted VF: an extra MAC filter for the macvlan's MAC is NACKed" \
	st_nacked "$out"
out=$(st_send_mac 3 0x0002 "$MV_MAC")
ktap_info "VF 3 (trusted) SET_MAC primary $MV_MAC: $(tr '\n' ' ' <<<"$out")"
check "trusted VF: SET_MAC primary = the macvlan's MAC is NACKed" \
	st_nacked "$out"
check "ip link show PF does not list VF 3 with the macvlan's MAC" \
	test "$(st_ipl_mac 3)" != "$MV_MAC"
check "peer -> macvlan MAC still reaches mv0 after the trusted VF tried" mv_reached
st_handshake 3

VF0_MAC=02:00:00:00:01:00
ip link set "$PF_IF" vf 0 mac "$VF0_MAC"
vf1_mac0=$(st_ipl_mac 1)
check "admin: vf 1 mac = VF 0's MAC is refused (EADDRINUSE)" \
	st_refused "Address already in use" ip link set "$PF_IF" vf 1 mac "$VF0_MAC"
check "admin: vf 1 mac = the macvlan's MAC is refused (EADDRINUSE)" \
	st_refused "Address already in use" ip link set "$PF_IF" vf 1 mac "$MV_MAC"
check "admin: vf 1 mac = the PF's own MAC is refused (EADDRINUSE)" \
	st_refused "Address already in use" ip link set "$PF_IF" vf 1 mac "$LAB_PF_MAC"
vf1_unchanged() {
	ktap_info "vf 1 MAC now $(st_ipl_mac 1), was $vf1_mac0"
	[ "$(st_ipl_mac 1)" = "$vf1_mac0" ]
}
check "admin: VF 1's MAC unchanged after the refusals" vf1_unchanged
ip netns del mvns

# --- 2. max_tx_rate on both queues -------------------------------------------
ktap_info "2. max_tx_rate holds for both TX queues of a VF"

ip link set "$PF_IF" vf 0 max_tx_rate 100
check "vf 0 max_tx_rate 100 is reported by ip link" \
	sh -c "ip link show $PF_IF | grep -E '^ *vf 0 ' | grep -q 'max_tx_rate 100Mbps'"
# Queue vf + 8 must get the limit too (a VF can transmit on it without
# asking for RSS). The observable would be RTTBCNRC behind RTTDQSEL = 8,
# but the PF's register dump (version 5, pf/iovnet_pf_ethtool.c) does not
# carry RTTBCNRC, and QEMU's igb drops RTTBCNRC writes and reads 0
# (README, model limits: igb_core.c:4249-4250, 4267-4270); nor does the
# model limit TX rates, so throughput shows nothing either.
ktap_result skip "RTTBCNRC of VF 0's queues 0 and 8 both hold the limit" \
	"no observable: RTTBCNRC is not in the register dump and QEMU's igb drops it"

# --- 3. VLVF exhaustion --------------------------------------------------------
ktap_info "3. VLAN filter (VLVF, 32 entries) exhaustion by the VFs"

st_fresh_vfs 7
fill_all() {
	local i n total=0
	for i in 0 1 2 3 4 5 6; do
		st_handshake "$i" || return 1
		n=$(st_fill_vlans "$i" $((1000 + 40 * i)) 40)
		total=$((total + n))
		ktap_info "VF $i got $n VLANs"
	done
	ktap_info "VFs hold $total VLANs; VLVF entries in use: $(st_vlvf_used)/32"
	[ "$total" -gt 0 ]
}
check "7 VFs add VLANs over the mailbox until refused" fill_all
check "then: admin port VLAN 300 for VF 6 is accepted" \
	ip link set "$PF_IF" vf 6 vlan 300
check "then: VLAN 400 on the PF itself (pf400) can be created and set up" \
	sh -c "ip link add link $PF_IF name pf400 type vlan id 400 &&
	       ip addr add 192.168.40.1/24 dev pf400 && ip link set pf400 up"
pf_vlan_filter() {
	local p
	p=$(vlvf_pools 400)
	ktap_info "VLVF pools of VLAN 400: $p"
	(( (p >> 7) & 1 ))
}
check "then: VLAN 400 steers to the PF's pool 7 (VLVF)" pf_vlan_filter
peer_vlan 400 192.168.40.2/24
check "then: PF <-> peer ping on VLAN 400" \
	wait_for 10 ping -q -c 1 -W 1 192.168.40.2
st_vf_module() { module_loaded iovnet_vf || iovnet_insmod "$VF_KO"; }
port_vlan_traffic() {
	local ifc
	st_vf_module || return 1
	ifc=$(vf_bind 6 iovnet_vf) || return 1
	tenant t6 "$ifc" 192.168.30.6 || return 1
	peer_vlan 300 192.168.30.2/24 || return 1
	wait_for 20 tping t6 -c 1 -W 1 192.168.30.2
}
check "then: VF 6 (iovnet_vf, port VLAN 300) <-> peer ping" port_vlan_traffic

ktap_info "3b. a port-VLAN VF's reset does not free its VLVF entry for others"
st_fresh_vfs 7
ip link set "$PF_IF" vf 5 vlan 20
st_handshake 5
vf5_has_20() { (( ($(vlvf_pools 20) >> 5) & 1 )); }
check "VF 5: port VLAN 20 is in VLVF with pool 5" vf5_has_20
resets0=$(pf_vf_stat 5 resets)
timeout 20 "$MBX" "$(vf_bdf 5)" rstloop 1 >/dev/null
vf5_reset_seen() { [ "$(pf_vf_stat 5 resets)" -gt "$resets0" ]; }
check "VF 5 resets itself (CTRL.RST): vf5_resets grows" wait_for 5 vf5_reset_seen
fill_others() {
	local i n total=0
	for i in 0 1 2 3 4 6; do
		st_handshake "$i" || return 1
		n=$(st_fill_vlans "$i" $((1000 + 40 * i)) 40)
		total=$((total + n))
	done
	ktap_info "VFs 0-4, 6 took $total VLANs; VLVF in use $(st_vlvf_used)/32"
}
fill_others
vf5_kept() {
	local p
	p=$(vlvf_pools 20)
	ktap_info "VLVF pools of VLAN 20: $p"
	(( (p >> 5) & 1 ))
}
check "after VF 5's reset and the others' fill, VLAN 20 still has pool 5" vf5_kept
vf5_traffic() {
	local ifc
	st_vf_module || return 1
	ifc=$(vf_bind 5 iovnet_vf) || return 1
	tenant t5 "$ifc" 192.168.20.5 || return 1
	peer_vlan 20 192.168.20.2/24 || return 1
	wait_for 20 tping t5 -c 1 -W 1 192.168.20.2
}
check "VF 5 (iovnet_vf, port VLAN 20) still reaches the peer on VLAN 20" vf5_traffic
ip link del pf400 2>/dev/null

# --- 4. revoking trust ---------------------------------------------------------
ktap_info "4. trust off takes back what trust gave"

# One VF: its share of the VLAN filters (24) is then above the trusted
# quota (24) and the untrusted one (8), so trust is what decides; with 7
# VFs each may hold 3 whatever its trust.
st_fresh_vfs 1
M0=02:00:00:00:04:00
M1=02:00:00:00:04:01
trusted_setup() {
	local n out
	ip link set "$PF_IF" vf 0 mac "$M0" &&
	ip link set "$PF_IF" vf 0 trust on || return 1
	out=$(timeout 20 "$MBX" "$(vf_bdf 0)" reset)
	grep -qx "mac: $M0" <<<"$out" || return 1
	out=$(st_send_mac 0 0x0002 "$M1")
	st_acked "$out" || { ktap_info "SET_MAC M1: $out"; return 1; }
	n=$(st_fill_vlans 0 2000 12)
	out=$(st_send 0 0x00030006)
	st_acked "$out" || { ktap_info "SET_PROMISC: $out"; return 1; }
	ktap_info "trusted VF 0: MAC $(st_ipl_mac 0), $n VLANs," \
		"VMOLR $(st_words | sed -n 31p)"
	[ "$n" -eq 12 ] && [ "$(st_ipl_mac 0)" = "$M1" ]
}
check "trusted VF 0 (admin MAC $M0) took MAC $M1, 12 VLANs, promiscuous" trusted_setup
ip link set "$PF_IF" vf 0 trust off
ktap_info "after trust off: $(st_ipl_line 0)"
check "trust off: ip link reports VF 0's admin MAC $M0 again" \
	test "$(st_ipl_mac 0)" = "$M0"
rar_m0() {
	local r
	r=$(st_rar_vf 0)
	ktap_info "RAR 1 (VF 0): $r"
	[ "$r" = "$M0 valid" ]
}
check "trust off: RAR 1 (VF 0) holds $M0" rar_m0
vlans_cut() {
	local n
	n=$(st_pool_vlans 0 | wc -l)
	ktap_info "VF 0 VLANs in VLVF after trust off: $n ($(st_pool_vlans 0 | tr '\n' ' '))"
	[ "$n" -le 8 ]
}
check "trust off: VF 0 holds at most 8 VLANs (the untrusted quota) in VLVF" vlans_cut
promisc_off() {
	local v
	v=$((16#$(st_words | sed -n 31p)))
	(( !(v >> 26 & 1) && !(v >> 28 & 1) ))
}
check "trust off: VMOLR of pool 0 has neither ROPE nor MPME" promisc_off

# --- 5. VLAN 0 and 4095 ------------------------------------------------------
ktap_info "5. VLAN 0 and 4095 from the mailbox"

st_fresh_vfs 2

st_handshake 1
out=$(st_send 1 0x00010004 4095)
ktap_info "VF 1 SET_VLAN add 4095: $(tr '\n' ' ' <<<"$out")"
check "SET_VLAN add 4095 (reserved) is NACKed" st_nacked "$out"
no_4095() { ! (( ($(vlvf_pools 4095) >> 1) & 1 )); }
check "no VLVF entry for VLAN 4095 with pool 1" no_4095
out=$(st_send 1 0x00010004 0)
ktap_info "VF 1 SET_VLAN add 0: $(tr '\n' ' ' <<<"$out")"
no_vid0() {
	local p
	p=$(vlvf_pools 0)
	ktap_info "VLVF pools of VLAN 0: $p"
	! (( (p >> 1) & 1 ))
}
check "SET_VLAN add 0 takes no VLVF entry for pool 1 (priority tags need none)" no_vid0

# --- 6. reset storm --------------------------------------------------------------
ktap_info "6. VF 0 resets itself in a loop; VF 1's mailbox stays responsive"

st_fresh_vfs 7
st_handshake 1
rtt_field() { sed -n "s/.* $2=\([0-9]*\).*/\1/p" <<<" $1"; }
idle=$(timeout 120 "$MBX" "$(vf_bdf 1)" rtt "$RTT_N" | grep '^rtt: n=')
ktap_info "VF 1 idle: $idle"
check "VF 1 round trips, idle: all ACKed" \
	test "$(rtt_field "$idle" ack)" = "$RTT_N"
r0=$(pf_vf_stat 0 resets) t0=$(pf_vf_stat 0 mbx_throttled)
ktap_info "VF 0 before: resets=$r0 mbx_throttled=$t0"
pf_estat() { ethtool -S "$PF_IF" | awk -v k="$1:" '$1 == k { print $2 }'; }
# The PF's "other" interrupt (mailbox, resets, link): all CPUs' counts
other_irqs() {
	awk -v n="$LAB_PF_PCI-other" '$NF == n { s = 0; for (i = 2; i < NF; i++) if ($i ~ /^[0-9]+$/) s += $i; print s }' /proc/interrupts
}
i0=$(other_irqs) s0=$(date +%s%N) m0=$(pf_estat mbx_irqs_throttled)
timeout $((STORM_SECS + 30)) "$MBX" "$(vf_bdf 0)" rstloop 1 "$STORM_SECS" \
	> "$WORK/rstloop.out" 2>&1 &
storm_pid=$!
echo "$storm_pid" > "$WORK/rstloop.pid"
storm_on() { [ "$(pf_vf_stat 0 resets)" -gt "$r0" ]; }
wait_for 5 storm_on || ktap_info "the PF has not seen VF 0's storm within 5 s"
storm=$(timeout 120 "$MBX" "$(vf_bdf 1)" rtt "$RTT_N" | grep '^rtt: n=')
# the measurement counts only if the storm lasted all through it
overlap=0
kill -0 "$storm_pid" 2>/dev/null && overlap=1
wait "$storm_pid"
rm -f "$WORK/rstloop.pid"
ktap_info "VF 0: $(cat "$WORK/rstloop.out")"
ktap_info "VF 1 under the storm: $storm"
r1=$(pf_vf_stat 0 resets) t1=$(pf_vf_stat 0 mbx_throttled)
i1=$(other_irqs) s1=$(date +%s%N)
ktap_info "VF 0 after: resets=$r1 (+$((r1 - r0))) mbx_throttled=$t1 (+$((t1 - t0)))"
irq_rate=$(( (${i1:-0} - ${i0:-0}) * 1000000000 / (s1 - s0) ))
m1=$(pf_estat mbx_irqs_throttled)
ktap_info "PF other interrupts during the storm: $(( ${i1:-0} - ${i0:-0} )) in $(( (s1 - s0) / 1000000 )) ms, $irq_rate/s; $(( m1 - m0 )) of them raised by the throttled VF alone, left to its refill pass (mbx_irqs_throttled)"
ktap_info "PF counters of VF 0: $(ethtool -S "$PF_IF" | grep -E ' vf0_' | tr -s ' ' | tr '\n' ' ')"
check "storm: the PF saw VF 0's resets (vf0_resets grew)" test "$r1" -gt "$r0"
# Budgeted: the PF says so in its per-VF counters (mbx_throttled, or a
# counter of its own for refused or deferred resets: vf0_*throttl*/*budget*)
budgeted() {
	local extra
	[ "$t1" -gt "$t0" ] && return 0
	extra=$(ethtool -S "$PF_IF" | awk '$1 ~ /^vf0_.*(throttl|budget|deferred)/ && $2 > 0')
	[ -n "$extra" ] && ktap_info "budget counters: $extra"
	[ -n "$extra" ]
}
check "storm: VF 0's resets were budgeted (vf0_mbx_throttled or a reset budget counter grew)" budgeted
# While VF 0 is throttled its interrupts buy no mailbox pass: the model
# ignores MBVFIMR, so the PF's handler leaves them to the refill pass
irqs_left() { [ -n "$m0" ] && [ -n "$m1" ] && [ "$m1" -gt "$m0" ]; }
check "storm: the throttled VF's own interrupts were left to its refill pass (mbx_irqs_throttled grew)" irqs_left
rtt_bounded() {
	local p99
	p99=$(rtt_field "$storm" p99_us)
	[ "$overlap" = 1 ] || { ktap_info "the storm ended before the measurement"; return 1; }
	[ -n "$p99" ] && [ "$(rtt_field "$storm" timeout)" = 0 ] &&
	[ "$p99" -le $(( $(time_bound "$RTT_P99_BOUND_MS") * 1000 )) ]
}
check "storm: VF 1 GET_LINK p99 <= ${RTT_P99_BOUND_MS} ms, no timeout" rtt_bounded
check "storm: PF <-> peer still pings" ping_peer 10

check "no WARN, BUG or oops in the kernel log" dmesg_clean
ktap_info "took ${SECONDS}s"
ktap_finish
