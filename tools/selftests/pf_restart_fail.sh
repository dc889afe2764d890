#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The PF datapath when bringing it up fails (issue 21, items 1, 3, 4):
#  - open with queue 0's MSI-X vector taken: the open fails with an errno
#    and leaves no queue enabled in the device (RXDCTL0/TXDCTL0.ENABLE,
#    dump words 23/27), so nothing can DMA into the freed rings;
#  - an MTU change whose restart fails twice (netif_set_real_num_queues
#    made to fail): the netdev stays up with no datapath, and ethtool
#    -C/-c, -G/-g, -S and stats must work on it without an oops, the
#    settings apply at the next up, and traffic passes again;
#  - a user's XPS mask survives down/up.
# Failures come from tests/fault/iovnet_fault.ko (a kretprobe and an IRQ
# holder: works on the lab's stock kernel), built here into build/fault.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tools/netlib.sh"

FAULT=/sys/kernel/debug/iovnet_fault
FAULT_DIR=$IOVNET_TOP/build/fault
RXDCTL0_WORD=23
TXDCTL0_WORD=27
DCTL_ENABLE=$((1 << 25))

cleanup() {
	if [ -d "$FAULT" ]; then
		echo none > "$FAULT/hold_irq"
		echo 0 > "$FAULT/fail_real_num_queues"
	fi
	module_loaded iovnet_fault && rmmod iovnet_fault
	[ -n "${PF_IF:-}" ] && ip link set "$PF_IF" mtu 1500 2>/dev/null
	netlib_cleanup
}
trap cleanup EXIT

fault_load() {
	local kdir
	kdir=/lib/modules/$(uname -r)/build
	module_loaded iovnet_fault && return 0
	insmod "$FAULT_DIR/iovnet_fault.ko" 2>/dev/null && return 0
	mkdir -p "$FAULT_DIR" &&
	cp "$IOVNET_TOP"/tests/fault/Kbuild "$IOVNET_TOP"/tests/fault/iovnet_fault.c \
		"$FAULT_DIR"/ &&
	make -s -C "$kdir" M="$FAULT_DIR" modules > "$FAULT_DIR/build.log" 2>&1 &&
	insmod "$FAULT_DIR/iovnet_fault.ko"
}

ktap_header 13

if ! fault_load; then
	ktap_info "iovnet_fault.ko neither loads nor builds (see build/fault/build.log)"
	for i in $(seq 13); do ktap_result skip "case $i" "no iovnet_fault.ko"; done
	ktap_finish
fi

dmesg_mark
pf_load && pf_up && wait_ping 10 >/dev/null || ktap_info "PF did not come up"
traffic_ok() { wait_ping 10 >/dev/null && ping_peer 10; }
check "PF up, traffic passes" traffic_ok

# --- item 1: the IRQ request fails at open ------------------------------

dctl_enabled() {	# WORD: true if ENABLE is set
	local w
	w=$(pf_reg_word "$1")
	ktap_info "dump word $1: 0x$w"
	(( 0x$w & DCTL_ENABLE ))
}

open_irq_taken() {
	local out
	ip link set "$PF_IF" down || return 1
	# Queue pair 0 is MSI-X entry 1 (0 is the "other" vector)
	echo "$LAB_PF_PCI 1" > "$FAULT/hold_irq" ||
		{ ktap_info "cannot hold MSI-X entry 1"; return 1; }
	if out=$(ip link set "$PF_IF" up 2>&1); then
		ktap_info "open succeeded with queue 0's vector taken"
		return 1
	fi
	ktap_info "open refused: $out"
}
check "open with queue 0's MSI-X vector taken fails with an errno" open_irq_taken
queues_disabled() {
	! dctl_enabled "$RXDCTL0_WORD" && ! dctl_enabled "$TXDCTL0_WORD"
}
check "after it no queue is left enabled (RXDCTL0/TXDCTL0.ENABLE clear)" queues_disabled

reopen() {
	echo none > "$FAULT/hold_irq" && pf_up && traffic_ok
}
check "vector released: open works, traffic passes" reopen

# --- item 3: a restart that fails leaves the netdev up without rings ------

mtu_restart_fails() {
	local out
	# The restart and the driver's retry with the old MTU both fail
	echo 2 > "$FAULT/fail_real_num_queues"
	if out=$(ip link set "$PF_IF" mtu 1600 2>&1); then
		ktap_info "MTU change succeeded despite the failures"
		return 1
	fi
	ktap_info "MTU change refused: $out"
	[ "$(cat "$FAULT/fail_real_num_queues")" = 0 ] &&
		ip link show "$PF_IF" | grep -q '[<,]UP[,>]'
}
check "MTU change whose restarts fail: errno, netdev left up" mtu_restart_fails

coalesce_no_datapath() {
	ethtool -C "$PF_IF" adaptive-rx off rx-usecs 40 tx-usecs 40 &&
	ethtool -c "$PF_IF" | grep -q '^rx-usecs:[[:space:]]*40$' &&
	ethtool -C "$PF_IF" adaptive-rx on
}
check "ethtool -C/-c on the up netdev without a datapath" coalesce_no_datapath

rings_no_datapath() {
	ethtool -G "$PF_IF" rx 512 tx 512 &&
	[ "$(ring cur RX)" = 512 ] && [ "$(ring cur TX)" = 512 ]
}
check "ethtool -G/-g on the up netdev without a datapath" rings_no_datapath

stats_no_datapath() {
	ethtool -S "$PF_IF" > /dev/null && ip -s link show "$PF_IF" > /dev/null
}
check "ethtool -S and stats64 on the up netdev without a datapath" stats_no_datapath

recover() {
	ethtool -C "$PF_IF" adaptive-rx off rx-usecs 40 tx-usecs 40 &&
	ip link set "$PF_IF" down && pf_up && traffic_ok &&
	[ "$(ring cur RX)" = 512 ] && [ "$(ring cur TX)" = 512 ] &&
	ethtool -c "$PF_IF" | grep -q '^rx-usecs:[[:space:]]*40$'
}
check "down/up brings it back with the new rings and interval, traffic passes" recover

restore() {
	ethtool -C "$PF_IF" adaptive-rx on && ethtool -G "$PF_IF" rx 256 tx 256 &&
	traffic_ok
}
check "settings back to the defaults under traffic" restore

# --- item 4: XPS is the user's once set --------------------------------

xps_kept() {
	local f=/sys/class/net/$PF_IF/queues/tx-0/xps_cpus before after
	[ -w "$f" ] || { ktap_info "no $f"; return 1; }
	before=$(cat "$f")
	echo 2 > "$f" || return 1
	ip link set "$PF_IF" down && pf_up || return 1
	after=$(cat "$f")
	ktap_info "tx-0 xps_cpus: driver's $before, set 2, after down/up $after"
	echo "$before" > "$f"
	[ $((16#$after)) = 2 ] && traffic_ok
}
check "a user's XPS mask survives down/up" xps_kept

check "TX/RX still right after it all (IPv4 pings)" traffic_ok
check "no oops, WARN or BUG in the kernel log" dmesg_clean

ktap_finish
