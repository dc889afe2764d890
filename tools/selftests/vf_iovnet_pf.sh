#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Our VF under our PF: the extensions (capabilities, two queue pairs with
# RSS requested, link from the PF), tenants in their own namespaces, TCP on
# both TX queues, channels, trust and promiscuous mode, a live
# administrative MAC change under traffic, a guest VLAN, jumbo frames, and
# recovery from a wire flap, a PF ring resize, an FLR and a PF down/up, each
# within a measured bound; RTNL users not held up by the VF while the PF
# answers its mailbox slowly; with CAP_STATUS, the PF's reasons (ENOSPC,
# EADDRINUSE) reach the user; finally rmmod during traffic. Prints the
# "ours+ours" column of the interop matrix (lib.sh: mcheck).

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tools/netlib.sh"

# The PF's MSI-X function mask (Message Control bit 14): while it is set
# the PF serves its mailbox only from its 2 s service task
pf_msix_mask() { setpci -s "$LAB_PF_PCI" CAP_MSIX+2.w=4000:4000; }
pf_msix_unmask() { setpci -s "$LAB_PF_PCI" CAP_MSIX+2.w=0000:4000; }

cleanup() {
	pf_msix_unmask 2>/dev/null
	ip link set dev lo alias "" 2>/dev/null
	vf_test_cleanup 10
	netlib_cleanup
}
trap cleanup EXIT

vf_estat() { tns_estat t0 "$VF0" "$1"; }	# KEY (of VF 0)
combined() { tns t0 ethtool -l "$VF0" | awk '/^Combined:/ { printf "%s%s", s, $2; s = " " }'; }
vf0_carrier() { tenant_carrier t0 "$VF0"; }
vf0_no_carrier() { ! tenant_carrier t0 "$VF0"; }
vf0_reaches_peer() { tping t0 -c 1 -W 1 "$PEER_IP"; }

ktap_header 45

pf_load && pf_up || { echo "Bail out! PF did not come up"; exit 1; }
MAC0=02:00:00:00:00:50 MAC0B=02:00:00:00:00:51
CELL=ours+ours

check "2 VFs enabled, none bound" vfs_enable 2
ip link set "$PF_IF" vf 0 mac $MAC0
check "insmod iovnet_vf" iovnet_insmod "$VF_KO"
VF0=$(vf_bind 0 iovnet_vf) && VF1=$(vf_bind 1 iovnet_vf)
check "iovnet_vf binds VF 0 and VF 1 ($VF0, $VF1)" test -n "$VF0" -a -n "$VF1"
mcheck $CELL mac "VF 0 has the administrative MAC" \
	test "$(cat "/sys/class/net/$VF0/address")" = $MAC0
tenant t0 "$VF0" 192.168.77.10 && tenant t1 "$VF1" 192.168.77.11
ms=$(time_until 20 vf0_carrier)
mcheck $CELL link "VF 0 carrier within 20 s (${ms} ms)" vf0_carrier
wait_for 20 tenant_carrier t1 "$VF1"
check "our PF: 2 queue pairs (ethtool -l maximum and current)" \
	test "$(combined)" = "2 2"
check "ethtool: speed from the PF's GET_LINK" \
	sh -c "ip netns exec t0 ethtool $VF0 | grep -q 'Speed: 1000Mb/s'"

check "VF 0 -> link partner: first ping within 20 s" wait_for 20 vf0_reaches_peer
mcheck $CELL ping "VF 0 -> link partner: 100 pings, no loss" \
	tping t0 -c 100 -i 0.02 -W 2 "$PEER_IP"
check "VF 0 -> VF 1" wait_for 20 tping t0 -c 1 -W 1 192.168.77.11
check "VF 0 -> PF" wait_for 20 tping t0 -c 1 -W 1 "$PF_IP"
# The shared datapath's rx-copybreak: small frames copied on the VF too
vf_copied() {
	local c0 d
	[ "$(tns t0 ethtool --get-tunable "$VF0" rx-copybreak | awk '$1 == "rx-copybreak:" { print $2 }')" = 256 ] ||
		return 1
	c0=$(vf_estat rx_copybreak) || return 1
	tping t0 -c 20 -i 0.02 -W 2 "$PEER_IP" || return 1
	d=$(( $(vf_estat rx_copybreak) - c0 ))
	ktap_info "VF 0: 20 ping replies, rx_copybreak +$d"
	[ "$d" -ge 20 ]
}
check "VF 0: rx-copybreak 256 by default, ping replies copied" vf_copied

# A guest VLAN through the mailbox (SET_VLAN), to the partner's VLAN 10
peer_vlan 10 10.10.0.2/24
tenant_vlan t0 "$VF0" vlan10 10 10.10.0.10/24
mcheck $CELL vlan "guest VLAN 10: VF 0 <-> partner's tagged interface" \
	wait_for 20 tping t0 -c 1 -W 1 10.10.0.2

q0=$(vf_estat tx_queue_0_packets) q1=$(vf_estat tx_queue_1_packets)
peer_iperf_server
bytes=$(tns t0 timeout 40 iperf3 -c "$PEER_IP" -t 5 -P 4 -J --connect-timeout 5000 |
	python3 -S -c 'import json,sys; print(int(json.load(sys.stdin)["end"]["sum_received"]["bytes"]))')
ktap_info "iperf3 TCP VF 0 -> partner, 4 streams, 5 s: $(( ${bytes:-0} * 8 / 5000000 )) Mbit/s"
mcheck $CELL tcp "iperf3 TCP VF 0 -> partner moves data" test "${bytes:-0}" -gt 1000000
q0=$(( $(vf_estat tx_queue_0_packets) - q0 )) q1=$(( $(vf_estat tx_queue_1_packets) - q1 ))
ktap_info "TX packets per queue during iperf3: q0 +$q0, q1 +$q1"
# Which queue a stream takes follows the CPU its sender runs on (XPS maps
# CPU n to queue pair n), and one iperf3 process may stay on one CPU: a
# sender pinned to each CPU must leave on that CPU's queue.
q0=$(vf_estat tx_queue_0_packets) q1=$(vf_estat tx_queue_1_packets)
tns t0 taskset -c 0 ping -q -c 200 -i 0.005 "$PEER_IP" >/dev/null 2>&1 &
tns t0 taskset -c 1 ping -q -c 200 -i 0.005 "$PEER_IP" >/dev/null 2>&1
wait $!
q0=$(( $(vf_estat tx_queue_0_packets) - q0 )) q1=$(( $(vf_estat tx_queue_1_packets) - q1 ))
ktap_info "TX packets per queue, a ping pinned to each CPU: q0 +$q0, q1 +$q1"
check "both TX queues carry traffic (a sender on each CPU)" test "$q0" -ge 200 -a "$q1" -ge 200

# RX side of RSS (issue 23): the PF puts the VF's pool in VMDq + RSS mode
# (MRQC 101b, VMOLR.RSSE) with the shared table's bit 3 picking the pool's
# queue; 16 TCP flows from the partner then land on both RX queues.  With
# one queue pair asked for, the PF clears RSSE and all land on queue 0.
# Debian's QEMU computes no RSS hash in VMDq mode (tools/qemu/patches/0002).
# Prints "q0 q1": RX packets per queue during 16 flows partner -> VF 0.
rxq() { local v; v=$(vf_estat "rx_queue_$1_packets"); echo "${v:-0}"; }
rx_spread() {
	local r0 r1 bytes
	r0=$(rxq 0) r1=$(rxq 1)
	peer_iperf_server >/dev/null || return 1
	bytes=$(tns t0 timeout 40 iperf3 -c "$PEER_IP" -t 3 -P 16 -R -J --connect-timeout 5000 |
		python3 -S -c 'import json,sys; print(int(json.load(sys.stdin)["end"]["sum_received"]["bytes"]))')
	[ "${bytes:-0}" -gt 100000 ] || return 1
	echo "$(( $(rxq 0) - r0 )) $(( $(rxq 1) - r1 ))"
}
# Interrupts of VF 0's queue vectors, "TxRx-0 TxRx-1" ("0 0" if none)
vf_irqs() {
	local q n out=
	for q in 0 1; do
		n=$(awk -v name="$VF0-TxRx-$q" '$NF == name {
			for (i = 2; i < NF; i++) if ($i ~ /^[0-9]+$/) s += $i; print s + 0 }' \
			/proc/interrupts)
		out="$out${n:-0} "
	done
	echo "${out% }"
}
# Why a spread failed: what the PF programmed (RXCSUM, MRQC, IVAR0,
# VMOLR of VF 0's pool) and whether VF 0's second vector ran
rss_diag() {	# IRQS_BEFORE
	ktap_info "PF RXCSUM $(pf_reg_word 5) MRQC $(pf_reg_word 7) IVAR0 $(pf_reg_word 14) VMOLR0 $(pf_reg_word 30)"
	ktap_info "VF 0 queue interrupts before: $1, after: $(vf_irqs); rx_alloc_fail $(vf_estat rx_alloc_fail)"
	ktap_info "PF on VF 0: $(ethtool -S "$PF_IF" | grep -E '^ *vf0_' | tr -s ' \n' ' ')"
	ktap_info "VF 0: combined $(combined), recoveries $(vf_estat recoveries)"
	dmesg | grep -E 'iovnet|igb' | tail -8 | while read -r l; do ktap_info "$l"; done
}
if [ "${LAB_QEMU:-}" = distro ]; then
	ktap_result skip "16 TCP flows partner -> VF 0 spread over both RX queues" \
		"Debian's QEMU: no RSS in VMDq mode"
	ktap_result skip "one queue pair: 16 flows all on RX queue 0" \
		"Debian's QEMU: no RSS in VMDq mode"
else
	irq0=$(vf_irqs)
	read -r rq0 rq1 <<<"$(rx_spread)"
	ktap_info "RX packets per queue, 16 flows partner -> VF 0: q0 +${rq0:-?}, q1 +${rq1:-?}"
	# Each queue at least 5%: with 16 flows hashed over an even table,
	# one queue empty has odds of 2 in 65536
	spread=no
	[ "${rq0:-0}" -gt 0 ] && [ "${rq1:-0}" -gt 0 ] &&
		[ "$(( ${rq0:-0} * 20 ))" -ge "$(( ${rq0:-0} + ${rq1:-0} ))" ] &&
		[ "$(( ${rq1:-0} * 20 ))" -ge "$(( ${rq0:-0} + ${rq1:-0} ))" ] &&
		spread=yes
	[ "$spread" = yes ] || rss_diag "$irq0"
	check "16 TCP flows partner -> VF 0 spread over both RX queues" \
		test "$spread" = yes
fi
tns t0 ethtool -L "$VF0" combined 1
check "ethtool -L combined 1" test "$(combined)" = "2 1"
check "traffic on one queue pair" wait_for 20 vf0_reaches_peer
if [ "${LAB_QEMU:-}" != distro ]; then
	read -r rq0 rq1 <<<"$(rx_spread)"
	ktap_info "RX packets per queue, one queue pair: q0 +${rq0:-?}, q1 +${rq1:-?}"
	check "one queue pair: 16 flows all on RX queue 0" \
		test "${rq0:-0}" -gt 100 -a "${rq1:-1}" -eq 0
fi
tns t0 ethtool -L "$VF0" combined 2
check "ethtool -L combined 2" test "$(combined)" = "2 2"

# RSS query ("ip link set PF vf N query_rss on"): the device has one key and
# one redirection table for every pool, the PF's; a VF reads them only when
# its administrator allows it.  Both functions run two queue pairs here, so
# the VF's table is the PF's entry for entry: 0s if the PF left the table
# unshifted in VMDq mode (bit 3 picks a pool's second queue).
rxfh_key() { sed -n '/^RSS hash key:/{n;p;}'; }
rxfh_table() { awk '/^ *[0-9]+: / { for (i = 2; i <= NF; i++) printf "%s ", $i }'; }
vf_query_rss() { ip -d link show dev "$PF_IF" | grep -E "^ *vf 0 .*query_rss $1"; }
rss_refused() {
	vf_query_rss off >/dev/null || { ktap_info "ip link: $(ip link show dev "$PF_IF" | grep ' vf 0 ')"; return 1; }
	out=$(tns t0 ethtool -x "$VF0" 2>&1) && { ktap_info "ethtool -x: $out"; return 1; }
	ktap_info "VF 0 ethtool -x: $(head -n 1 <<<"$out")"
	dmesg | tail -n "+$((DMESG_MARK + 1))" | grep -q "VF 0: RSS query refused (query_rss off)"
}
rss_same_as_pf() {
	local pf vf pft vft

	pf=$(ethtool -x "$PF_IF") && vf=$(tns t0 ethtool -x "$VF0") || return 1
	pft=$(rxfh_table <<<"$pf") vft=$(rxfh_table <<<"$vf")
	ktap_info "VF 0 key $(rxfh_key <<<"$vf" | cut -c1-23)..., table ${vft:0:32}..."
	[ "$(wc -w <<<"$vft")" = 128 ] && [ "$vft" = "$pft" ] &&
		grep -qw 1 <<<"$vft" && grep -qw 0 <<<"$vft" &&
		[ -n "$(rxfh_key <<<"$vf")" ] && [ "$(rxfh_key <<<"$vf")" = "$(rxfh_key <<<"$pf")" ]
}
dmesg_mark
check "query_rss off (the default): the VF's ethtool -x is refused, the PF says why" rss_refused
ip link set "$PF_IF" vf 0 query_rss on
rss_granted() { vf_query_rss on >/dev/null && rss_same_as_pf; }
check "query_rss on: the VF's ethtool -x shows the PF's key and table, both queues" rss_granted
# A PF on one queue pair (its pool without RSS) still leaves the VFs a
# table that spreads over both of their queues
vf_spreads() {
	local t
	t=$(tns t0 ethtool -x "$VF0" | rxfh_table)
	grep -qw 1 <<<"$t" && grep -qw 0 <<<"$t"
}
# The VF keeps an answer for 1 s: spread all along 3 s is the new table
pf_one_queue() {
	local end
	ethtool -L "$PF_IF" combined 1 && wait_for 10 vf_spreads || return 1
	end=$((SECONDS + 3))
	while [ "$SECONDS" -lt "$end" ]; do
		vf_spreads || return 1
		sleep 0.5
	done
}
check "PF ethtool -L combined 1: the VF's table still spreads its two queues" pf_one_queue
ethtool -L "$PF_IF" combined 2
ip link set "$PF_IF" vf 0 query_rss off
dmesg_mark
# The VF keeps an answer for a second (any user may run ethtool -x)
check "query_rss off again: refused again (the VF's answer lives 1 s)" wait_for 5 rss_refused

# Promiscuous mode: refused once while untrusted, granted when trusted
n0=$(vf_estat mbx_nacks)
tns t0 ip link set "$VF0" promisc on
wait_for 10 sh -c "[ \$(ip netns exec t0 ethtool -S $VF0 | awk '\$1 == \"mbx_nacks:\" { print \$2 }') -gt $n0 ]"
tns t0 ip link set "$VF0" allmulticast on
tns t0 ip link set "$VF0" allmulticast off
n1=$(vf_estat mbx_nacks)
check "untrusted: promiscuous mode refused, and not asked again" \
	test "$n1" -eq $((n0 + 1))
ip link set "$PF_IF" vf 0 trust on
m0=$(vf_estat mbx_tx)
tns t0 ip link set "$VF0" promisc off
tns t0 ip link set "$VF0" promisc on
asked_again() { [ "$(vf_estat mbx_tx)" -gt "$m0" ]; }
promisc_granted() { wait_for 10 asked_again && [ "$(vf_estat mbx_nacks)" -eq "$n1" ]; }
check "trusted: promiscuous mode asked again and granted" promisc_granted
tns t0 ip link set "$VF0" promisc off
ip link set "$PF_IF" vf 0 trust off

# Live administrative MAC change while TCP runs
peer_iperf_server
tns t0 timeout 60 iperf3 -c "$PEER_IP" -t 20 --connect-timeout 5000 >/dev/null 2>&1 &
BG=$!
wait_for 10 sh -c "[ \$(ip netns exec t0 cat /sys/class/net/$VF0/statistics/tx_packets) -gt 0 ]"
ip link set "$PF_IF" vf 0 mac $MAC0B
ms=$(time_until 10 sh -c "[ \$(ip netns exec t0 cat /sys/class/net/$VF0/address) = $MAC0B ]")
mcheck $CELL live-mac "live MAC change: the VF shows the new MAC within 10 s (${ms} ms)" \
	test "$(tns t0 cat "/sys/class/net/$VF0/address")" = $MAC0B
wait "$BG" 2>/dev/null
BG=
pns ip neigh flush dev peer0
ms=$(time_until 20 vf0_reaches_peer)
mcheck $CELL live-mac "traffic resumes with the new MAC (${ms} ms)" vf0_reaches_peer

ip link set "$PF_IF" mtu 9000
tns t0 ip link set "$VF0" mtu 9000
mcheck $CELL mtu9000 "9000-byte frames VF 0 <-> PF" \
	wait_for 20 tping t0 -c 3 -M do -s 8972 -W 2 "$PF_IP"
tns t0 ip link set "$VF0" mtu 1500
ip link set "$PF_IF" mtu 1500

mbx0=$(vf_estat mbx_irqs)
"$LAB_MONITOR" set_link wire0-pf off >/dev/null
ms=$(time_until 10 vf0_no_carrier)
check "wire down: VF 0 carrier off within 10 s (${ms} ms)" vf0_no_carrier
"$LAB_MONITOR" set_link wire0-pf on >/dev/null
ms=$(time_until 20 vf0_carrier)
check "wire up: VF 0 carrier back within 20 s (${ms} ms)" vf0_carrier
# The PF's link messages come by the VF's mailbox vector (VTIVAR_MISC),
# so iovnet_vf stops polling its mailbox (tools/qemu/patches 0005)
if [ "${LAB_QEMU:-}" = distro ]; then
	ktap_result skip "the PF's link messages reached VF 0 by its mailbox interrupt" \
		"Debian's QEMU raises a VF's mailbox cause on the wrong vector"
else
	mbx1=$(vf_estat mbx_irqs)
	check "the PF's link messages reached VF 0 by its mailbox interrupt (mbx_irqs +$(( ${mbx1:-0} - ${mbx0:-0} )))" \
		test "${mbx1:-0}" -gt "${mbx0:-0}"
fi

ethtool -G "$PF_IF" rx 512 tx 512
ms=$(time_until 20 vf0_reaches_peer)
mcheck $CELL pf-reset "PF ring resize: VF 0 traffic within 20 s (${ms} ms)" vf0_reaches_peer

# VF 0's devlink (in the host's namespace, whichever holds its netdev):
# its "recovery" reporter hears of the FLR's recovery
VF_DL=pci/$(vf_bdf 0)
jget() { python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"; }
vf_rep() { devlink -j health show "$VF_DL" reporter recovery | jget "d['health']['$VF_DL'][0]$1"; }
HAVE_DL=0
devlink dev show "$VF_DL" >/dev/null 2>&1 && HAVE_DL=1
vf_info_ok() {
	local info
	info=$(devlink -j dev info "$VF_DL") || return 1
	[ "$(jget "d['info']['$VF_DL']['driver'], d['info']['$VF_DL']['versions']['fixed']['asic.id']" <<<"$info")" = "iovnet_vf 0x10ca" ]
}
if [ "$HAVE_DL" = 1 ]; then
	check "VF 0 devlink dev info: driver iovnet_vf, asic.id 0x10ca" vf_info_ok
	re0=$(vf_rep "['error']")
	devlink health dump clear "$VF_DL" reporter recovery
else
	ktap_result skip "VF 0 devlink dev info" "no devlink on this kernel"
fi

r0=$(vf_estat recoveries)
echo 1 > "/sys/bus/pci/devices/$(vf_bdf 0)/reset"
ms=$(time_until 20 vf0_reaches_peer)
check "FLR: VF 0 recovers and reaches the partner within 20 s (${ms} ms)" \
	test "$(vf_estat recoveries)" -gt "$r0" -a "$ms" -lt 20000
vf_reported() {
	local dump
	[ "$(vf_rep "['error']")" -gt "$re0" ] && [ "$(vf_rep "['state']")" = healthy ] ||
		return 1
	dump=$(devlink -j health dump show "$VF_DL" reporter recovery) || return 1
	ktap_info "VF 0 recovery dump: $dump"
	[ "$(jget "d['reason']" <<<"$dump")" = "a function level reset" ]
}
if [ "$HAVE_DL" = 1 ]; then
	check "devlink health (VF 0): the FLR's recovery reported, healthy once back, the dump says why" \
		wait_for 10 vf_reported
else
	ktap_result skip "devlink health (VF 0) recovery reporter" "no devlink on this kernel"
fi

ip link set "$PF_IF" down
ip link set "$PF_IF" up
ms=$(time_until 30 vf0_reaches_peer)
mcheck $CELL pf-reset "PF down/up: VF 0 reaches the partner within 30 s (${ms} ms)" \
	vf0_reaches_peer
mcheck $CELL pf-reset "guest VLAN 10 restored after the PF down/up" \
	wait_for 20 tping t0 -c 1 -W 1 10.10.0.2

# A slow PF (issue 21). With the PF's MSI-X masked, each VF request waits
# for the PF's next service tick (up to 2 s) or times out and the VF
# recovers. The VF's own work (receive filters, link, recovery) must not
# hold RTNL across those waits. Each round changes VF 0's multicast list
# (its rx_mode work asks the PF) and at once times an RTNL user that needs
# nothing of ours; the median of the rounds, not the worst, is held to the
# bound, as other guests on the host make single samples noisy. Before the
# fix the median was the PF's tick (about 1 s), after it the host's noise.
# The RTNL user is an alias on lo: it exists on every kernel (the debug
# kernel has no dummy driver), and a command naming a missing device would
# time the kernel's modprobe of "netdev-NAME" instead (3 s there).
rtnl_round() {	# N: prints the ms "ip link set lo alias" took (99999: it failed)
	local a t0 rc
	a=01:00:5e:00:01:$(printf %02x "$1")
	tns t0 ip maddr add "$a" dev "$VF0"
	t0=$(date +%s%N)
	ip link set dev lo alias "iovnet-rtnl-$1"
	rc=$?
	[ "$rc" -eq 0 ] && echo $(( ($(date +%s%N) - t0) / 1000000 )) || echo 99999
	tns t0 ip maddr del "$a" dev "$VF0"
}
vf0_mtu_ms() {	# MTU: VF 0's MTU change (a round trip to the PF), in ms
	local t0
	t0=$(date +%s%N)
	tns t0 ip link set "$VF0" mtu "$1"
	echo $(( ($(date +%s%N) - t0) / 1000000 ))
}
bound=$(time_bound 800)
pf_msix_mask
# Evidence the PF is slow (the second change waits a whole tick)
m1=$(vf0_mtu_ms 1400) m2=$(vf0_mtu_ms 1500)
ktap_info "PF MSI-X masked: VF 0 MTU changes took $m1 and $m2 ms"
check "PF MSI-X masked: the PF is slow (a VF MTU change >= 500 ms)" \
	test "$m1" -ge 500 -o "$m2" -ge 500
samples=$(for i in 1 2 3 4 5 6 7 8; do rtnl_round "$i"; done)
median=$(sort -n <<<"$samples" | sed -n 4p)
ktap_info "RTNL user right after a VF 0 multicast change, slow PF (ms): $(tr '\n' ' ' <<<"$samples")"
# Only the lab kernel can tell (medians about 105 ms there): on the debug
# kernel (KASAN, lockdep, TCG) the samples were 1.9-4.0 s in every run,
# as long as the PF's tick, so no bound tells a wait for the PF from the
# kernel's own slowness
if [ -e /proc/lockdep_stats ]; then
	ktap_result skip "slow PF: RTNL users not held up by VF 0's mailbox (median ${median} ms)" \
		"debug kernel: RTNL users take as long as the PF's tick; timed on the lab kernel"
else
	check "slow PF: RTNL users not held up by VF 0's mailbox (median ${median} ms < ${bound} ms)" \
		test "${median:-99999}" -lt "$bound"
fi
pf_msix_unmask
ip link set dev lo alias ""
ms=$(time_until 30 vf0_reaches_peer)
check "PF MSI-X unmasked: VF 0 reaches the partner within 30 s (${ms} ms)" \
	vf0_reaches_peer

# Why the PF refused (CAP_STATUS): the VF reports the PF's reason. The PF's
# GET_CAPS reply is shown in ethtool -i: "firmware-version: mbx V caps C".
pf_grants_status() {
	local caps
	caps=$(tns t1 ethtool -i "$VF1" | awk '$1 == "firmware-version:" { print $5 }')
	[ -n "$caps" ] && (( caps & 4 ))
}
dmesg_mark
vlan_quota() {	# VLANs on VF 1 until the PF refuses one: ENOSPC, named
	local vid err
	for vid in $(seq 200 263); do
		if err=$(tns t1 ip link add link "$VF1" name "v$vid" type vlan id "$vid" 2>&1); then
			VLANS_MADE="$VLANS_MADE v$vid"
			continue
		fi
		ktap_info "VF 1: VLAN $vid refused after $((vid - 200)): $err"
		echo "$err" | grep -q "No space left on device" &&
			dmesg | tail -n "+$DMESG_MARK" | grep -q "no VLAN filter left"
		return
	done
	ktap_info "VF 1: 64 VLANs and no refusal"
	return 1
}
VLANS_MADE=
vlans_del() {
	local v
	for v in $VLANS_MADE; do
		tns t1 ip link del "$v"
	done
}
mac_in_use() {	# VF 0's MAC on VF 1: EADDRINUSE, named, VF 1 keeps its own
	local own err
	own=$(tns t1 cat "/sys/class/net/$VF1/address")
	err=$(tns t1 ip link set "$VF1" address "$MAC0B" 2>&1) && return 1
	ktap_info "VF 1 asked for VF 0's MAC: $err"
	echo "$err" | grep -q "Address already in use" &&
		dmesg | tail -n "+$DMESG_MARK" | grep -q "in use by another function" &&
		[ "$(tns t1 cat "/sys/class/net/$VF1/address")" = "$own" ]
}
if pf_grants_status; then
	check "CAP_STATUS: a VLAN beyond VF 1's share fails with ENOSPC and says why" \
		vlan_quota
	vlans_del
	check "CAP_STATUS: VF 0's MAC on VF 1 fails with EADDRINUSE and says why" \
		mac_in_use
else
	why="the PF did not grant CAP_STATUS ($(tns t1 ethtool -i "$VF1" | awk -F': ' '$1 == "firmware-version" { print $2 }'))"
	ktap_result skip "CAP_STATUS: a VLAN beyond VF 1's share fails with ENOSPC" "$why"
	ktap_result skip "CAP_STATUS: VF 0's MAC on VF 1 fails with EADDRINUSE" "$why"
fi

tping t0 -f -w 30 "$PEER_IP" &
BG=$!
wait_for 10 sh -c "[ \$(ip netns exec t0 cat /sys/class/net/$VF0/statistics/tx_packets) -gt 1000 ]"
check "rmmod iovnet_vf during traffic" rmmod iovnet_vf
kill "$BG" 2>/dev/null
wait "$BG" 2>/dev/null
BG=
check "PF still reaches the partner" wait_ping 20

ktap_finish
