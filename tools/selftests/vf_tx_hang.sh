#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A DMA stall of one VF: detected and recovered by iovnet_vf alone, and
# felt by nobody else.  Two iovnet_vf tenants (VF 0 in t0, VF 1 in t1)
# under our PF.  Clearing Bus Master Enable in VF 0's own PCI command
# register while t0 floods the link partner stops VF 0's DMA only: QEMU's
# igb does a queue's descriptor and buffer DMA, and sends its MSI-X
# messages, through the PCI function of the pool that owns the queue
# (pcie_sriov_get_vf_at_index(core->owner, idx % 8), hw/net/igb_core.c:843,
# 888, 1914; msix_notify on the VF, igb_core.c:124), so VF 0's ring fills
# and nothing comes back done.  Then:
#  - VF 0's driver notices (the stack's TX watchdog, or its own check of
#    a ring that stopped completing) and recovers itself, counted in
#    ethtool -S (tx_timeouts, recoveries);
#  - meanwhile VF 1 and the PF ping the partner with no loss and no
#    timeout of their own;
#  - once bus mastering is back, VF 0 passes traffic again (ping, TCP).
# One queue pair of 64 TX descriptors on VF 0 (ethtool -L combined 1,
# -G tx 64) makes the flood fill its ring at once.  The watchdog's
# "NETDEV WATCHDOG" line is expected: it is bracketed with
# "iovnet-selftest: expect tx-watchdog begin/end" in the kernel log.

. "$(dirname "$0")/lib.sh"

FLOOD='' VF0_BDF='' EXPECTING=0
cleanup() {
	[ -n "$FLOOD" ] && kill -9 "$FLOOD" 2>/dev/null
	[ -n "$VF0_BDF" ] && setpci -s "$VF0_BDF" COMMAND=4:4 2>/dev/null
	[ $EXPECTING = 1 ] && kmsg "iovnet-selftest: expect tx-watchdog end"
	vf_test_cleanup
}
trap cleanup EXIT

kmsg() { echo "$*" >/dev/kmsg 2>/dev/null; }
gt() { local v; v=$($1) && [ "$v" -gt "$2" ]; }	# COMMAND VALUE

# The stack's TX timeouts of a tenant's netdev, all queues
txq_timeouts() {	# NS IFACE
	tns "$1" sh -c "cat /sys/class/net/$2/queues/tx-*/tx_timeout" |
		awk '{ s += $1 } END { print s + 0 }'
}
vf0_events() {	# the driver's tx_timeouts + recoveries of VF 0
	echo $(( $(tns_estat t0 "$VF0" tx_timeouts) + $(tns_estat t0 "$VF0" recoveries) ))
}
vf0_recoveries() { tns_estat t0 "$VF0" recoveries; }
bme() { echo $(( (0x$(setpci -s "$VF0_BDF" COMMAND) >> 2) & 1 )); }
vf0_ping() { tping t0 -c 1 -W 1 "$PEER_IP"; }
vf0_tcp() { local b; b=$(iperf_ns_to_peer t0 3) && [ "$b" -gt 1000000 ]; }

ktap_header 13

pf_load && pf_up && wait_ping 20 || { echo "Bail out! PF did not come up"; exit 1; }
vfs_enable 2 && iovnet_insmod "$VF_KO" || { echo "Bail out! no VFs"; exit 1; }
ip link set "$PF_IF" vf 0 mac 02:00:00:00:00:70
ip link set "$PF_IF" vf 1 mac 02:00:00:00:00:71
VF0=$(vf_bind 0 iovnet_vf) && VF1=$(vf_bind 1 iovnet_vf) &&
	tenant t0 "$VF0" 192.168.77.30 && tenant t1 "$VF1" 192.168.77.31
VF0_BDF=$(vf_bdf 0)
tns t0 ethtool -L "$VF0" combined 1 && tns t0 ethtool -G "$VF0" tx 64
both_reach() { tping t0 -c 1 -W 1 "$PEER_IP" && tping t1 -c 1 -W 1 "$PEER_IP"; }
check "two iovnet_vf tenants reach the link partner ($VF0 on 1 queue pair, 64 TX descriptors)" \
	wait_for 30 both_reach
check "VF 0 exposes tx_timeouts and recoveries (ethtool -S)" \
	sh -c "[ -n '$(tns_estat t0 "$VF0" tx_timeouts)' ] && [ -n '$(tns_estat t0 "$VF0" recoveries)' ]"

dmesg_mark
ev0=$(vf0_events) rc0=$(vf0_recoveries)
to0=$(txq_timeouts t0 "$VF0") to1=$(txq_timeouts t1 "$VF1")
pfto0=$(ethtool -S "$PF_IF" | awk '$1 == "tx_timeouts:" { print $2 }')
kmsg "iovnet-selftest: expect tx-watchdog begin"
EXPECTING=1
ip netns exec t0 ping -f -q -w 300 "$PEER_IP" >/dev/null 2>&1 &
FLOOD=$!
setpci -s "$VF0_BDF" COMMAND=0:4
check "Bus Master Enable cleared in VF 0's command register" test "$(bme)" = 0
t_stall=$(date +%s%N)
# The neighbours talk while VF 0 is stalled and recovering: 15 s of pings
tping t1 -c 300 -i 0.05 -W 2 "$PEER_IP" & NB_VF=$!
ping -q -c 300 -i 0.05 -W 2 "$PEER_IP" >/dev/null 2>&1 & NB_PF=$!
detected() { gt vf0_events "$ev0" || gt "txq_timeouts t0 $VF0" "$to0"; }
ms=$(time_until 30 detected)
check "VF 0's stall is detected within 30 s (${ms} ms; stack tx_timeout +$(( $(txq_timeouts t0 "$VF0") - to0 )))" \
	detected
ms=$(time_until 20 gt vf0_recoveries "$rc0")
check "VF 0's driver recovers its datapath within 20 s of detection (${ms} ms)" \
	gt vf0_recoveries "$rc0"
kill -9 "$FLOOD"
wait "$FLOOD" 2>/dev/null
FLOOD=
wait $NB_VF
check "VF 1 -> partner during VF 0's stall: 300 pings, no loss" test $? = 0
wait $NB_PF
check "PF -> partner during VF 0's stall: 300 pings, no loss" test $? = 0
check "no TX timeout on VF 1 or the PF" \
	test "$(txq_timeouts t1 "$VF1")" = "$to1" -a \
	"$(ethtool -S "$PF_IF" | awk '$1 == "tx_timeouts:" { print $2 }')" = "$pfto0"

setpci -s "$VF0_BDF" COMMAND=4:4
t_fix=$(date +%s%N)
check "Bus Master Enable set again" test "$(bme)" = 1
# The verdict is time_until's own: a recovery still finishing may restart
# the datapath right after the first answer, and a second ping would fail
ms=$(time_until 30 vf0_ping)
rc=$?
check "VF 0 -> partner again within 30 s of bus mastering (${ms} ms)" test $rc = 0
ms=$(time_until 60 vf0_tcp)
rc=$?
check "VF 0 TCP to the partner moves data within 60 s (${ms} ms)" test $rc = 0
kmsg "iovnet-selftest: expect tx-watchdog end"
EXPECTING=0
ktap_info "stall to recovery: $(( (t_fix - t_stall) / 1000000 )) ms with bus mastering off," \
	"$(( ($(date +%s%N) - t_fix) / 1000000 )) ms after it came back;" \
	"VF 0 tx_timeout (stack) +$(( $(txq_timeouts t0 "$VF0") - to0 ))," \
	"tx_timeouts + recoveries (driver) +$(( $(vf0_events) - ev0 ))"
check "after recovery: VF 0 100 pings, no loss" tping t0 -c 100 -i 0.02 -W 2 "$PEER_IP"
check "no oops, WARN or lockdep report" dmesg_clean
ktap_finish
