#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# VF creation and removal: every count from 1 to 7 and back, the PF's
# pool and queues moving with it, cycles while the PF passes traffic,
# and the device left exactly as it was after the first cycle.

. "$(dirname "$0")/lib.sh"

CYCLES=${SRIOV_CYCLES:-20}
trap 'vfs_disable 2>/dev/null; kill $pingpid 2>/dev/null' EXIT

ktap_header 11

pf_load || { echo "Bail out! iovnet_pf does not load"; exit 1; }
pf_up || { echo "Bail out! PF has no carrier"; exit 1; }
wait_ping 20

pool_bit() { echo $(( (0x$(pf_reg_word 18) >> $1) & 1 )); }

# VT state: DTXSWC, VFRE, VFTE, pools, VLVF, RAR 1-23
vt_state() {
	local i
	for i in 17 18 19 $(seq 30 123); do
		pf_reg_word "$i"
	done | tr '\n' ' '
}

ok_counts=0
for n in 1 2 3 4 5 6 7; do
	vfs_enable "$n" && [ -e "$(pf_sysfs)/virtfn$((n - 1))" ] &&
		[ ! -e "$(pf_sysfs)/virtfn$n" ] && [ "$(pool_bit "$n")" = 1 ] &&
		ping_peer 5 && vfs_disable && ok_counts=$((ok_counts + 1))
done
check "1..7 VFs: each count created, PF in pool N, PF traffic, removed" \
	test $ok_counts = 7

check "8 VFs refused (pool 7 is the PF's)" \
	sh -c "! echo 8 > $(pf_sysfs)/sriov_numvfs"
vfs_enable 2
check "2 -> 3 without going through 0 refused" \
	sh -c "! echo 3 > $(pf_sysfs)/sriov_numvfs"
check "still 2 VFs after the refusal" test -e "$(pf_sysfs)/virtfn1" -a ! -e "$(pf_sysfs)/virtfn2"
check "ethtool -l: at most 2 queue pairs with VFs" \
	sh -c "ethtool -l $PF_IF | awk '/^Pre-set/,/^Current/' | grep -q 'Combined:[[:space:]]*2'"
check "PF traffic with VFs" ping_peer 20
vfs_disable

vfs_enable 7 && vfs_disable
first=$(vt_state)
ping -q -i 0.05 -W 1 "$PEER_IP" >/tmp/sriov-ping.log 2>&1 &
pingpid=$!
t0=$(date +%s%N)
done_cycles=0
for i in $(seq "$CYCLES"); do
	vfs_enable 7 && vfs_disable || break
	done_cycles=$i
done
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
kill -INT $pingpid; wait $pingpid
ktap_info "$done_cycles cycles 0 -> 7 -> 0 in $ms ms; PF ping: $(grep -o '[0-9]* received' /tmp/sriov-ping.log)"
check "$CYCLES cycles 0 -> 7 -> 0 while the PF passes traffic" \
	test "$done_cycles" = "$CYCLES"
check "the PF's ping kept getting answers through the cycles" \
	grep -q ' [1-9][0-9]* received' /tmp/sriov-ping.log
check "device VT state identical to the first cycle's" \
	test "$(vt_state)" = "$first"
check "VFRE/VFTE all open again without VFs" \
	test "$(pf_reg_word 18)" = 000000ff -a "$(pf_reg_word 19)" = 000000ff
check "PF traffic after the cycles" wait_ping 20
ktap_finish
