#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# DPDK's igb VF PMD on a VF of our PF (issue 24, item 2), as a user of
# Debian's dpdk 22.11 drives it: VF 0 with an administrative MAC, bound to
# vfio-pci (needs tools/lab/run --iommu), hugepages, and dpdk-testpmd
# driven on its stdin in icmpecho mode, answering the link partner's pings.
# Checks the probe (admin MAC), link, RX/TX both ways, a port VLAN set and
# cleared while it runs, what a DPDK user must do after a live admin MAC
# change (the PMD is not told: see README, "Clients"), the PF's log during
# the session, and the hand-back to iovnet_vf. testpmd's output is saved
# as build/lab/$LAB_NAME-testpmd.log.

. "$(dirname "$0")/lib.sh"

TESTPMD=$(command -v dpdk-testpmd)
if [ -z "$TESTPMD" ]; then
	echo "1..0 # SKIP no dpdk-testpmd (Debian's dpdk-dev: make setup)"
	exit 4
fi
iommus=$(echo /sys/class/iommu/*)
if [ ! -e "${iommus%% *}" ]; then
	echo "1..0 # SKIP needs an IOMMU for vfio-pci: tools/lab/run --iommu"
	exit 4
fi

MAC0=02:00:00:00:0d:01 MAC0B=02:00:00:00:0d:02 MAC0C=02:00:00:00:0d:03
DPDK_IP=192.168.77.60 VLAN=20 VLAN_PEER=10.20.0.2 VLAN_DPDK=10.20.0.60
# testpmd's first output and each command's answer; TCG is slow
TMO=$(time_bound 120)
# Warn-level lines of iovnet_pf allowed in the session: 0 measured (session
# 14). Its refusals are right (promiscuous for an untrusted VF, the old MAC
# replayed at port start, SET_MAC 00:00:00:00:00:00 at close) and say so
# once at info level or only at debug level.
PF_WARN_MAX=${PF_WARN_MAX:-0}
WORK=$(mktemp -d /tmp/vf_dpdk.XXXXXX)
LOG=$WORK/testpmd.log
SAVE=${LAB_DIR:-/tmp}/${LAB_NAME:-vf_dpdk}-testpmd.log
TPID=
HUGE=$WORK/huge

cleanup() {
	exec 3>&-
	if [ -n "$TPID" ] && kill -0 "$TPID" 2>/dev/null; then
		kill "$TPID" 2>/dev/null
		wait "$TPID" 2>/dev/null
	fi
	cp "$LOG" "$SAVE" 2>/dev/null
	umount "$HUGE" 2>/dev/null
	echo 0 > /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages 2>/dev/null
	vf_test_cleanup $VLAN
	rm -rf "$WORK"
}
trap cleanup EXIT

# --- testpmd on a FIFO ------------------------------------------------------

tp_alive() { [ -n "$TPID" ] && kill -0 "$TPID" 2>/dev/null; }
tp_mark() { TP_MARK=$(wc -c < "$LOG"); }
tp_since() { tail -c +$((TP_MARK + 1)) "$LOG"; }
# A line matching ERE since the mark
tp_saw() { tp_since | grep -qE "$1"; }
# The prompt after the mark: testpmd finished the command
tp_prompt() { tp_since | grep -q 'testpmd> '; }
tp_done() { tp_prompt || ! tp_alive; }
# Send a command and wait for its prompt; its output is tp_since
tp() {	# COMMAND...
	tp_mark
	tp_alive && echo "$*" >&3 || return 1
	wait_for "$TMO" tp_done
	tp_prompt
}
tp_info() {	# TITLE: testpmd's output since the mark, one info line
	ktap_info "$1: $(tp_since | grep -v '^testpmd> $' | tr -s ' \n' ' ' | cut -c 1-400)"
}
port_mac() {	# testpmd's "MAC address" of port 0, lower case
	tp "show port info 0" >/dev/null &&
	tp_since | sed -n 's/^MAC address: *//p' | tr 'A-F' 'a-f'
}
port_link_up() { tp "show port info 0" && tp_saw '^Link status: up'; }
port_stat() {	# RX|TX: packets of port 0
	tp "show port stats 0" >/dev/null &&
	tp_since | sed -n "s/^ *$1-packets: *\([0-9]*\).*/\1/p"
}

# The link partner pings ADDR (through its interface DEV), neighbour
# entry fresh, until answered
peer_reaches() {	# ADDR [DEV]
	peer ip neigh flush dev "${2:-peer0}" 2>/dev/null
	peer ping -q -c 1 -W 1 "$1" >/dev/null 2>&1
}
peer_lladdr() {	# ADDR: the partner's neighbour entry for ADDR
	peer ip neigh show "$1" | sed -n 's/.* lladdr \([0-9a-f:]*\).*/\1/p'
}

# --- kernel log -------------------------------------------------------------

pf_dev_re() { echo "iovnet_pf $LAB_PF_PCI"; }
# iovnet_pf's lines since the mark at levels LEVELS (dmesg -l)
pf_log() {	# LEVELS
	dmesg -l "$1" | grep -F "$(pf_dev_re)" | tail -n +$((PF_LOG_MARK + 1))
}
pf_log_all_count() { dmesg -l "$1" | grep -cF "$(pf_dev_re)"; }

ktap_header 16

if ! { pf_load && pf_up; }; then
	echo "Bail out! PF did not come up"
	exit 1
fi
check "2 VFs, VF 0 with admin MAC $MAC0" \
	sh -c "echo 0 > $(pf_sysfs)/sriov_drivers_autoprobe &&
	       echo 2 > $(pf_sysfs)/sriov_numvfs &&
	       ip link set $PF_IF vf 0 mac $MAC0"
BDF=$(vf_bdf 0)
GROUP=$(basename "$(readlink "/sys/bus/pci/devices/$BDF/iommu_group")")
hugepages() {
	local nr=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
	echo 96 > "$nr" && [ "$(cat "$nr")" -ge 64 ] &&
	mkdir -p "$HUGE" && mount -t hugetlbfs -o pagesize=2M nodev "$HUGE"
}
vfio_and_huge() { vf_bind_vfio "$BDF" && hugepages; }
check "VF 0 ($BDF) on vfio-pci (IOMMU group $GROUP), 2 MiB hugepages mounted" vfio_and_huge

# Where the PF's log for this session starts
PF_LOG_MARK_WARN=$(pf_log_all_count err,warn)
PF_LOG_MARK_INFO=$(pf_log_all_count info,notice)

# testpmd: main lcore 0 reads the commands, lcore 1 forwards (icmpecho:
# answers ARP and ICMP echo requests, whatever the address asked for).
mkfifo "$WORK/in"
# A command sent after testpmd died fails instead of killing us
trap '' PIPE
T0=$(date +%s%N)
# stdbuf: its printf output line by line, as the prompts come
stdbuf -oL "$TESTPMD" -l 0-1 -n 1 --in-memory --huge-dir "$HUGE" -m 128 -a "$BDF" -- \
	-i --nb-cores=1 --total-num-mbufs=2048 --forward-mode=icmpecho \
	< "$WORK/in" > "$LOG" 2>&1 &
TPID=$!
exec 3> "$WORK/in"
TP_MARK=0
wait_for "$TMO" tp_done
ms=$(( ($(date +%s%N) - T0) / 1000000 ))
probed() { tp_alive && tp_prompt && grep -q 'net_e1000_igb_vf' "$LOG"; }
check "testpmd starts, the igb VF PMD probes VF 0 (${ms} ms to the prompt)" probed
if ! probed; then
	ktap_info "testpmd: $(tail -n 8 "$LOG" | tr '\n' ' ')"
	echo "Bail out! testpmd did not start"
	exit 1
fi
mac=$(port_mac)
check "PMD: port 0 has the admin MAC ($mac)" test "$mac" = $MAC0
check "PMD: link up within 30 s" wait_for 30 port_link_up

tp start > /dev/null
check "partner -> PMD: ping $DPDK_IP answered (icmpecho) within 30 s" \
	wait_for 30 peer_reaches $DPDK_IP
check "partner's ARP entry for $DPDK_IP is the admin MAC" \
	test "$(peer_lladdr $DPDK_IP)" = $MAC0
rx0=$(port_stat RX) tx0=$(port_stat TX)
peer ping -q -c 20 -i 0.05 -W 2 $DPDK_IP > /dev/null 2>&1
rx1=$(port_stat RX) tx1=$(port_stat TX)
ktap_info "port 0 stats over 20 pings: RX $rx0 -> $rx1, TX $tx0 -> $tx1"
check "20 pings: port 0 RX and TX counters move by >= 20 each" \
	test $((rx1 - rx0)) -ge 20 -a $((tx1 - tx0)) -ge 20

# A port VLAN set while testpmd runs: the PF tags and strips, the PMD sees
# untagged frames
peer_vlan $VLAN "$VLAN_PEER/24"
ip link set "$PF_IF" vf 0 vlan $VLAN
check "port VLAN $VLAN (set live): partner's peer0.$VLAN -> PMD answered" \
	wait_for 30 peer_reaches $VLAN_DPDK peer0.$VLAN
no_untagged() { ! peer ping -q -c 2 -i 0.2 -W 1 $DPDK_IP >/dev/null 2>&1; }
check "port VLAN $VLAN: untagged pings no longer reach the PMD" no_untagged
ip link set "$PF_IF" vf 0 vlan 0
check "port VLAN cleared: untagged pings answered again" \
	wait_for 30 peer_reaches $DPDK_IP

# (a) A live admin MAC change. The PF tells the VF with PF_CONTROL + NACK
# (word 0 0x40000100); DPDK 22.11's PMD raises RTE_ETH_EVENT_INTR_RESET
# only for the bare 0x00000100 (igbvf_mbx_process), so testpmd is not told.
tp_mark
ip link set "$PF_IF" vf 0 mac $MAC0B
wait_for 5 tp_saw 'reset event'
reset_line=$(tp_since | grep -m1 'reset event')
ktap_info "live MAC change: testpmd printed ${reset_line:-no reset event within 5 s}"
mac=$(port_mac)
ktap_info "live MAC change: show port info says $mac; partner reaches it: $(wait_for 5 peer_reaches $DPDK_IP && echo yes || echo no)"

# Procedure 1: port stop/start (the PMD's start resets the VF and learns
# the new MAC from the PF, but the port keeps its old address)
tp stop > /dev/null
tp "port stop 0" > /dev/null
tp "port start 0" > /dev/null
wait_for 30 port_link_up
tp start > /dev/null
mac=$(port_mac)
ktap_info "after port stop/start: show port info says $mac; partner reaches it: $(wait_for 10 peer_reaches $DPDK_IP && echo yes || echo no) ($(peer_lladdr $DPDK_IP))"

# Procedure 1b: the application sets the new MAC itself (ethdev's
# default MAC, which a port start replays; testpmd's own copy, which its
# icmpecho answers ARP with, is read at port start)
tp stop > /dev/null
tp "mac_addr set 0 $MAC0B" > /dev/null
tp_info "mac_addr set 0 $MAC0B"
tp "port stop 0" > /dev/null
tp "port start 0" > /dev/null
wait_for 30 port_link_up
tp start > /dev/null
mac=$(port_mac)
ktap_info "after mac_addr set and port stop/start: show port info says $mac; partner reaches it: $(wait_for 10 peer_reaches $DPDK_IP && echo yes || echo no) ($(peer_lladdr $DPDK_IP))"

# Procedure 2, after a second change: detach and attach: the PMD probes
# anew (port detach closes the port, its SET_MAC 00:00:00:00:00:00
# included) and takes the MAC of the PF's reset reply
ip link set "$PF_IF" vf 0 mac $MAC0C
tp stop > /dev/null
tp "port stop 0" > /dev/null
tp "port detach 0" > /dev/null
tp_info "port detach 0"
tp "port attach $BDF" > /dev/null
tp_info "port attach $BDF"
tp "port start 0" > /dev/null
tp_info "port start 0"
wait_for 30 port_link_up
tp start > /dev/null
mac=$(port_mac)
check "live MAC change, then port stop/detach/attach/start: port 0 shows $MAC0C ($mac)" \
	test "$mac" = $MAC0C
reaches_new_mac() {
	wait_for 30 peer_reaches $DPDK_IP && [ "$(peer_lladdr $DPDK_IP)" = $MAC0C ]
}
check "... and the partner reaches it at $MAC0C" reaches_new_mac

tp stop > /dev/null
tp_mark
echo quit >&3
exec 3>&-
gone() { ! tp_alive; }
wait_for 60 gone
trc=timeout
gone && { wait "$TPID"; trc=$?; TPID=; }
ktap_info "testpmd: $(tail -n 4 "$LOG" | tr -s ' \n' ' ')"
check "quit: testpmd exits within 60 s, status 0 ($trc)" test "$trc" = 0

# (b) The PF's log for the whole session
warns=$(pf_log_all_count err,warn) infos=$(pf_log_all_count info,notice)
ktap_info "iovnet_pf log during the session: $((warns - PF_LOG_MARK_WARN)) warn/err lines, $((infos - PF_LOG_MARK_INFO)) info lines:"
dmesg -l err,warn,info,notice | grep -F "$(pf_dev_re)" | tail -n +$((PF_LOG_MARK_INFO + PF_LOG_MARK_WARN + 1)) |
	while IFS= read -r l; do ktap_info "  $l"; done
# After each live MAC change the PMD keeps sending with the old MAC until
# it restarts its port: the device drops those frames (anti-spoofing), and
# the PF says so once per change; everything else stays quiet
spoofs=$(dmesg -l err,warn | grep -F "$(pf_dev_re)" | tail -n +$((PF_LOG_MARK_WARN + 1)) |
	grep -c 'frames with a spoofed source MAC dropped')
check "PF log: at most $PF_WARN_MAX warn-level lines in the session besides $spoofs spoof lines ($((warns - PF_LOG_MARK_WARN)))" \
	test $((warns - PF_LOG_MARK_WARN - spoofs)) -le "$PF_WARN_MAX" -a "$spoofs" -le 2

# Hand-back: the VF to iovnet_vf, with the current admin MAC, to the partner
iovnet_insmod "$VF_KO"
VF0=$(vf_bind 0 iovnet_vf)
vf0_reaches_peer() { tping t0 -c 1 -W 1 "$PEER_IP"; }
handback() {
	[ -n "$VF0" ] && tenant t0 "$VF0" 192.168.77.10 &&
	[ "$(tns t0 cat "/sys/class/net/$VF0/address")" = $MAC0C ] &&
	wait_for 30 vf0_reaches_peer
}
check "hand-back: iovnet_vf binds VF 0 ($VF0), has $MAC0C, reaches the partner" handback

ktap_finish
