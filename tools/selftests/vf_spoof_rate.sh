#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Two promises shown by traffic (issue 23), under the lab's QEMU, whose
# model enforces them as the 82576 does (tools/qemu/patches 0003, 0004):
#  - spoofchk: frames a VF sends with a source MAC not its own, or on a
#    VLAN it is not in, reach neither the link partner nor another VF;
#    the PF counts the event (vfN_spoof_events, from WVBR on ICR.DOUTSYNC)
#    and says why, rate-limited.  With spoofchk off they pass.  The same
#    for the stock igbvf under our PF.
#  - max_tx_rate: a VF limited to 100 Mbit/s sends at most ~105 Mbit/s to
#    the partner over both of its TX queues (RTTBCNRC on queues n and
#    n + 8); without the limit it is back to full rate.
# Frames are raw broadcasts of EtherType 0x88b5 (tools/pkt.py l2send),
# counted by packet sockets on the partner and on the other VF.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tools/netlib.sh"

if [ "${LAB_QEMU:-patched}" = distro ]; then
	echo "1..0 # SKIP Debian's QEMU enforces neither anti-spoofing nor the rate limiter (tools/lab/run --qemu patched)"
	exit 4
fi

PKT=$(dirname "$0")/tools/pkt.py
MAC0=02:00:00:00:00:70 MAC1=02:00:00:00:00:71 FORGED=02:00:00:00:00:7e
N=40

cleanup() {
	pns ip link set peer0 promisc off 2>/dev/null
	vf_test_cleanup 10
	netlib_cleanup
}
trap cleanup EXIT

ktap_header 16

pf_load && pf_up || { echo "Bail out! PF did not come up"; exit 1; }
modprobe igbvf || { echo "Bail out! no igbvf module"; exit 1; }
check "2 VFs enabled, none bound" vfs_enable 2
ip link set "$PF_IF" vf 0 mac $MAC0
ip link set "$PF_IF" vf 1 mac $MAC1
iovnet_insmod "$VF_KO"
VF0=$(vf_bind 0 iovnet_vf) && VF1=$(vf_bind 1 iovnet_vf)
tenant t0 "$VF0" 192.168.77.70 && tenant t1 "$VF1" 192.168.77.71
check "iovnet_vf on VF 0 ($VF0) and VF 1 ($VF1), both with carrier" \
	wait_for 30 sh -c "[ \"\$(ip netns exec t0 cat /sys/class/net/$VF0/carrier)\$(ip netns exec t1 cat /sys/class/net/$VF1/carrier)\" = 11 ]"

# SENDER-NS SENDER-IF SRC VLAN TAG: send $N frames, print "partner other-VF"
# counts.  The other VF is VF 1 when VF 0 sends and VF 0 otherwise.
l2_through() {
	local ns=$1 dev=$2 src=$3 vlan=$4 tag=$5 ons=t1 odev=$VF1 p o
	[ "$ns" = t1 ] && ons=t0 odev=$VF0
	# Each listener stops when it has all $N frames, or after 8 s
	pns python3 "$PKT" l2count peer0 "$tag" 8 "$SCRATCH/p.$tag.ready" $N >"$SCRATCH/p.$tag" &
	p=$!
	tns "$ons" python3 "$PKT" l2count "$odev" "$tag" 8 "$SCRATCH/o.$tag.ready" $N >"$SCRATCH/o.$tag" &
	o=$!
	# Both listeners bound before the first frame
	wait_for 10 test -e "$SCRATCH/p.$tag.ready" -a -e "$SCRATCH/o.$tag.ready" ||
		ktap_info "a listener was not ready after 10 s"
	tns "$ns" python3 "$PKT" l2send "$dev" "$src" "$vlan" "$N" "$tag" >/dev/null
	wait "$p" "$o"
	echo "$(cat "$SCRATCH/p.$tag") $(cat "$SCRATCH/o.$tag")"
}
spoof_events() { pf_vf_stat "$1" spoof_events; }

read -r np no <<<"$(l2_through t0 "$VF0" $MAC0 0 own)"
ktap_info "VF 0, its own MAC: partner got ${np:-?}/$N, VF 1 ${no:-?}/$N"
check "control: frames with VF 0's own MAC reach the partner and VF 1" \
	test "${np:-0}" -eq $N -a "${no:-0}" -eq $N

e0=$(spoof_events 0)
dmesg_mark
read -r np no <<<"$(l2_through t0 "$VF0" $FORGED 0 forged)"
ktap_info "VF 0, forged MAC $FORGED: partner got ${np:-?}/$N, VF 1 ${no:-?}/$N"
check "spoofchk on: forged source MAC reaches neither the partner nor VF 1" \
	test "${np:-1}" -eq 0 -a "${no:-1}" -eq 0
check "the PF counted it (vf0_spoof_events $e0 -> $(spoof_events 0))" \
	wait_for 5 sh -c "[ \$(ethtool -S $PF_IF | awk '\$1 == \"vf0_spoof_events:\" { print \$2 }') -gt $e0 ]"
check "and said why" wait_for 5 sh -c \
	"dmesg | tail -n +$((DMESG_MARK + 1)) | grep -q 'VF 0: frames with a spoofed source MAC dropped'"

# VLAN anti-spoofing: VF 0 joins VLAN 10 through the mailbox, not 20.
# The partner listens promiscuously: virtio-net drops frames of VLANs its
# driver did not register, which would hide VLAN 20 whatever the VF did.
pns ip link set peer0 promisc on
peer_vlan 10 10.10.0.2/24
tenant_vlan t0 "$VF0" vlan10 10 10.10.0.70/24
read -r np no <<<"$(l2_through t0 "$VF0" $MAC0 10 vlan10)"
ktap_info "VF 0 on its VLAN 10: partner got ${np:-?}/$N"
check "control: tagged frames on VF 0's VLAN 10 reach the partner" test "${np:-0}" -eq $N
dmesg_mark
read -r np no <<<"$(l2_through t0 "$VF0" $MAC0 20 vlan20)"
ktap_info "VF 0 on VLAN 20 (not its own): partner got ${np:-?}/$N"
check "spoofchk on: frames on a VLAN VF 0 is not in are dropped" test "${np:-1}" -eq 0
check "the PF said it was the VLAN" wait_for 5 sh -c \
	"dmesg | tail -n +$((DMESG_MARK + 1)) | grep -q 'VF 0: frames with a spoofed VLAN dropped'"

ip link set "$PF_IF" vf 0 spoofchk off
read -r np no <<<"$(l2_through t0 "$VF0" $FORGED 0 forged-off)"
ktap_info "spoofchk off, forged MAC: partner got ${np:-?}/$N, VF 1 ${no:-?}/$N"
check "spoofchk off: forged source MAC passes" test "${np:-0}" -eq $N -a "${no:-0}" -eq $N
read -r np no <<<"$(l2_through t0 "$VF0" $MAC0 20 vlan20-off)"
ktap_info "spoofchk off, VLAN 20: partner got ${np:-?}/$N"
check "spoofchk off: foreign VLAN passes" test "${np:-0}" -eq $N
ip link set "$PF_IF" vf 0 spoofchk on

# The stock igbvf under our PF, on VF 1
VF1=$(vf_bind 1 igbvf)
tenant t1 "$VF1" 192.168.77.71
wait_for 30 tenant_carrier t1 "$VF1"
e1=$(spoof_events 1)
read -r np no <<<"$(l2_through t1 "$VF1" $FORGED 0 igbvf-forged)"
ktap_info "igbvf on VF 1, forged MAC: partner got ${np:-?}/$N, VF 0 ${no:-?}/$N"
check "igbvf: forged source MAC reaches neither the partner nor VF 0" \
	test "${np:-1}" -eq 0 -a "${no:-1}" -eq 0
check "the PF counted VF 1's event" wait_for 5 sh -c \
	"[ \$(ethtool -S $PF_IF | awk '\$1 == \"vf1_spoof_events:\" { print \$2 }') -gt $e1 ]"
read -r np no <<<"$(l2_through t1 "$VF1" $MAC1 0 igbvf-own)"
check "igbvf: its own MAC passes" test "${np:-0}" -eq $N

# max_tx_rate over both TX queues: two TCP flows, one iperf3 server each
# on the partner, steered to TX queue 0 and 1 by tc (clsact egress,
# skbedit queue_mapping).  Neither XPS nor the flow hash can pin them:
# TCP sends from whichever CPU takes the ACKs, and the CI run of session
# 17 saw both flows end up on queue 0.
tns t0 tc qdisc add dev "$VF0" clsact
for q in 0 1; do
	tns t0 tc filter add dev "$VF0" egress protocol ip flower ip_proto tcp \
		dst_port 530$((q + 1)) action skbedit queue_mapping $q
done
two_senders() {	# SECONDS: prints Mbit/s received in all, and q0 q1 deltas
	local t=$1 q0 q1 a b
	q0=$(tns_estat t0 "$VF0" tx_queue_0_packets) q1=$(tns_estat t0 "$VF0" tx_queue_1_packets)
	pns iperf3 -s -1 -D -p 5301 --logfile "$SCRATCH/i1.log"
	pns iperf3 -s -1 -D -p 5302 --logfile "$SCRATCH/i2.log"
	wait_for 5 pns sh -c "ss -ltn | grep -q ':5302 '"
	tns t0 timeout $((t + 20)) iperf3 -c "$PEER_IP" -p 5301 -t "$t" -J \
		--connect-timeout 5000 >"$SCRATCH/c1.json" &
	tns t0 timeout $((t + 20)) iperf3 -c "$PEER_IP" -p 5302 -t "$t" -J \
		--connect-timeout 5000 >"$SCRATCH/c2.json"
	wait
	a=$(python3 -S -c 'import json,sys; print(int(json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"]))' "$SCRATCH/c1.json" 2>/dev/null)
	b=$(python3 -S -c 'import json,sys; print(int(json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"]))' "$SCRATCH/c2.json" 2>/dev/null)
	echo "$(( (${a:-0} + ${b:-0}) / 1000000 )) $(( $(tns_estat t0 "$VF0" tx_queue_0_packets) - q0 )) $(( $(tns_estat t0 "$VF0" tx_queue_1_packets) - q1 ))"
}
ip link set "$PF_IF" vf 0 max_tx_rate 100
read -r mbps q0 q1 <<<"$(two_senders 8)"
ktap_info "VF 0 limited to 100 Mbit/s, two senders: ${mbps:-?} Mbit/s (TX queue packets q0 +${q0:-?}, q1 +${q1:-?})"
check "max_tx_rate 100: both TX queues used, at most 105 Mbit/s in all" \
	test "${q0:-0}" -gt 100 -a "${q1:-0}" -gt 100 -a "${mbps:-999}" -le 105 -a "${mbps:-0}" -ge 50
limited=${mbps:-0}
ip link set "$PF_IF" vf 0 max_tx_rate 0
read -r mbps q0 q1 <<<"$(two_senders 8)"
ktap_info "VF 0 without a limit: ${mbps:-?} Mbit/s"
check "max_tx_rate 0: back to full rate (more than 1.5x the limited $limited Mbit/s)" \
	test "$(( ${mbps:-0} * 2 ))" -gt "$(( limited * 3 ))"

ktap_finish
