#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Everything an admin and the tenants can do to the PF, at once (issue 21).
# Each command is bounded with timeout: one that has to be killed is a hang
# and fails its loop's case. The lab runner fails the run on any oops,
# WARN, lockdep or KASAN line in the kernel log (the lab kernel has no
# KASAN: a use-after-free that corrupts nothing visible passes here; the
# debug-kernel lane is where it shows).
#
# Phase 1 (CONC_SECS, default 45 s), in parallel:
#   knobs    ip link set PF vf N mac/vlan/trust/spoofchk/state/max_tx_rate,
#            random VF and knob: ndo_set_vf_* against pf->vfs being replaced
#            by the numvfs cycle, and against the mailbox work (vf_lock)
#   numvfs   sriov_numvfs 0 -> 7 -> 0: pf->vfs freed and allocated under the
#            ndo_set_vf_*/get_vf_config/get_vf_stats callers, the mailbox
#            work and the service task's VF counter fold
#   flr      VF FLRs (sysfs reset) and iovnet_vf bind/unbind of VFs 0-5: the
#            FLR path (handle_flr, scrub) against admin changes to the same
#            VF, VF probe/remove against numvfs
#   mbx      mbx_client flooding VF 6's mailbox: the mailbox work holding
#            vf_lock against everything that needs it
#   pfupdown PF down/up: switch of the PF pool's gates and apply() of every
#            VF against the knobs
#   pfcfg    ethtool -G, ethtool -C, MTU changes on the PF: PF reinit under
#            VF configuration
#   readers  ip link show / ip -s link show / ethtool -S on the PF: readers
#            of the VF array (vf config, vf stats) against its free
# Phase 2 (CONC_SECS / 3, at least 10 s): numvfs and the PF stay still; the
#   knob loop records every setting that succeeded while FLRs, rebinds, the
#   flood and the readers go on; afterwards ip link show must report, for
#   every VF, the admin's last setting of every knob (lost updates: FLR or
#   mailbox work overwriting what the admin set)
# Phase 3 (RMMOD_ROUNDS, default 1): rmmod iovnet_pf while a loop sets
#   "vf 0 trust on/off" and VF 6 floods its mailbox: sriov_remove frees
#   pf->vfs while ndo_set_vf_trust may hold a pointer into it (UAF).
#   rmmod must return, the module must go, the next insmod must work.
# Last: the PF passes traffic to the peer, and the kernel log is clean.

# Functions run in the background and through check: shellcheck cannot see
# the calls
# shellcheck disable=SC2317

. "$(dirname "$0")/lib.sh"

CONC_SECS=${CONC_SECS:-45}
RMMOD_ROUNDS=${RMMOD_ROUNDS:-1}
CMD_TMO=${CMD_TMO:-30}		# one ip/ethtool command (a hang if longer)
BATCH_TMO=${BATCH_TMO:-60}	# one ip -batch of 50 or 20 VF settings (< 20 s)
SLOW_SECS=${SLOW_SECS:-10}	# a command this slow is reported (not failed)
NUMVFS_TMO=${NUMVFS_TMO:-90}	# one sriov_numvfs write (7 VFs under TCG)
MBX=/tmp/mbx_client_conc
WORK=$(mktemp -d /tmp/sriov_concurrency.XXXXXX)
LOOPS="knobs numvfs flr mbx pfupdown pfcfg readers"

cc_stop_all() {
	local pid
	touch "$WORK/stop"
	for pid in $(cat "$WORK"/*.pid 2>/dev/null); do
		kill "$pid" 2>/dev/null
	done
	rm -f "$WORK"/*.pid
}

cc_cleanup() {
	cc_stop_all
	tenants_cleanup
	module_loaded iovnet_vf && rmmod iovnet_vf
	[ -w "$(pf_sysfs)/sriov_numvfs" ] && vfs_disable 2>/dev/null
	rm -rf "$WORK"
}
trap cc_cleanup EXIT

# One bounded command of loop LOOP: counted; a timeout is a hang; one that
# took longer than SLOW_SECS is logged with its time in LOOP.slow
cc_cmd() {	# LOOP SECONDS CMD...
	local loop=$1 tmo=$2 rc t0 ms
	shift 2
	t0=$(date +%s%N)
	timeout -k 5 "$tmo" "$@" >/dev/null 2>&1
	rc=$?
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	echo >> "$WORK/$loop.n"
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		echo "$(date +%T) $*" >> "$WORK/$loop.hang"
	fi
	[ "$ms" -gt $((SLOW_SECS * 1000)) ] &&
		echo "$(date +%T) ${ms} ms rc=$rc: $*" >> "$WORK/$loop.slow"
	return "$rc"
}

cc_vf_dev() {	# INDEX: /sys/bus/pci/devices/BDF of VF INDEX, if it exists
	local l
	l=$(readlink "$(pf_sysfs)/virtfn$1" 2>/dev/null) || return 1
	echo "/sys/bus/pci/devices/$(basename "$l")"
}

cc_running() { [ ! -e "$WORK/stop" ]; }

# --- the loops ----------------------------------------------------------------

# A random knob on a random VF: "ip link set PF vf N KNOB VALUE" arguments
# in $KNOB_ARGS, the knob and value in $KNOB and $VAL. VF v's MACs are
# 02:00:00:cc:0v:XX, so two VFs never collide.
cc_random_knob() {
	local states=(auto enable disable) onoff=(off on) vf
	vf=$((RANDOM % 7))
	case $((RANDOM % 6)) in
	0) KNOB=mac; printf -v VAL '02:00:00:cc:%02x:%02x' "$vf" $((RANDOM % 256)) ;;
	1) KNOB=vlan VAL=$((RANDOM % 3 ? RANDOM % 4094 + 1 : 0)) ;;
	2) KNOB=trust VAL=${onoff[RANDOM % 2]} ;;
	3) KNOB=spoofchk VAL=${onoff[RANDOM % 2]} ;;
	4) KNOB=state VAL=${states[RANDOM % 3]} ;;
	*) KNOB=max_tx_rate VAL=$((RANDOM % 2 ? RANDOM % 1000 + 1 : 0)) ;;
	esac
	KNOB_VF=$vf
}

# Phase 1: batches of 50 random knob changes, one ip process each (-force:
# go on after an error), so the requests come back to back even under TCG
loop_knobs() {
	local _
	while cc_running; do
		: > "$WORK/knobs.batch"
		for _ in $(seq 1 50); do
			cc_random_knob
			echo "link set $PF_IF vf $KNOB_VF $KNOB $VAL" >> "$WORK/knobs.batch"
		done
		cc_cmd knobs "$BATCH_TMO" ip -force -batch "$WORK/knobs.batch"
	done
}

# Phase 2: one command at a time; what succeeded is kept in
# $WORK/cfg.VF.KNOB
loop_knobs_record() {
	while cc_running; do
		cc_random_knob
		if cc_cmd knobs "$CMD_TMO" ip link set "$PF_IF" vf "$KNOB_VF" "$KNOB" "$VAL"; then
			echo "$VAL" > "$WORK/cfg.$KNOB_VF.$KNOB"
		fi
	done
}

loop_numvfs() {
	while cc_running; do
		cc_cmd numvfs "$NUMVFS_TMO" sh -c "echo 0 > $(pf_sysfs)/sriov_numvfs"
		cc_running || break
		cc_cmd numvfs "$NUMVFS_TMO" sh -c "echo 7 > $(pf_sysfs)/sriov_numvfs"
	done
}

# FLR a VF, or bind it to iovnet_vf, or unbind it (VFs 0-5)
loop_flr() {
	local vf dev
	while cc_running; do
		vf=$((RANDOM % 6))
		dev=$(cc_vf_dev "$vf") || { cc_cmd flr 5 true; continue; }
		case $((RANDOM % 3)) in
		0) cc_cmd flr "$CMD_TMO" sh -c "echo 1 > $dev/reset" ;;
		1) cc_cmd flr "$CMD_TMO" sh -c "echo iovnet_vf > $dev/driver_override &&
			echo ${dev##*/} > /sys/bus/pci/drivers_probe" ;;
		*) cc_cmd flr "$CMD_TMO" sh -c "[ ! -e $dev/driver ] ||
			echo ${dev##*/} > $dev/driver/unbind" ;;
		esac
	done
}

loop_mbx() {
	local dev
	while cc_running; do
		dev=$(cc_vf_dev 6) || { cc_cmd mbx 5 true; continue; }
		cc_cmd mbx "$CMD_TMO" "$MBX" "${dev##*/}" flood 2
	done
}

loop_pfupdown() {
	while cc_running; do
		cc_cmd pfupdown "$CMD_TMO" ip link set "$PF_IF" down
		cc_cmd pfupdown "$CMD_TMO" ip link set "$PF_IF" up
	done
}

loop_pfcfg() {
	local n
	while cc_running; do
		n=$((RANDOM % 2 ? 256 : 512))
		cc_cmd pfcfg "$CMD_TMO" ethtool -G "$PF_IF" rx "$n" tx "$n"
		cc_cmd pfcfg "$CMD_TMO" ethtool -C "$PF_IF" rx-usecs $((RANDOM % 2 ? 0 : 50))
		cc_cmd pfcfg "$CMD_TMO" ip link set "$PF_IF" mtu $((RANDOM % 2 ? 1500 : 3000))
	done
}

loop_readers() {
	while cc_running; do
		cc_cmd readers "$CMD_TMO" ip link show "$PF_IF"
		cc_cmd readers "$CMD_TMO" ip -s link show "$PF_IF"
		cc_cmd readers "$CMD_TMO" ethtool -S "$PF_IF"
	done
}

cc_start() {	# LOOP [ARGS...]
	local l=$1
	shift
	"loop_$l" "$@" &
	echo $! > "$WORK/$l.pid"
}

# Stop the loops and wait for them, at most SECONDS: a loop still there
# is stuck in a command that timeout could not kill (a kernel hang)
cc_stop() {	# SECONDS
	local f pid deadline=$((SECONDS + $1)) left=
	touch "$WORK/stop"
	for f in "$WORK"/*.pid; do
		[ -e "$f" ] || continue
		pid=$(cat "$f")
		while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do
			wait_for 1 sh -c "! kill -0 $pid"
		done
		if kill -0 "$pid" 2>/dev/null; then
			left+=" $(basename "$f" .pid)"
			kill "$pid" 2>/dev/null
		else
			wait "$pid" 2>/dev/null
		fi
	done
	rm -f "$WORK"/*.pid
	[ -z "$left" ] && return 0
	ktap_info "loops still running after ${1}s:$left"
	return 1
}

cc_count() { [ -e "$WORK/$1.n" ] && wc -l < "$WORK/$1.n" || echo 0; }
cc_hangs() { [ -e "$WORK/$1.hang" ] && wc -l < "$WORK/$1.hang" || echo 0; }

cc_reset_counts() { rm -f "$WORK"/*.n "$WORK"/*.hang "$WORK"/*.slow "$WORK"/cfg.* "$WORK/stop"; }

no_hang() {	# LOOP
	local h
	[ -e "$WORK/$1.slow" ] &&
		ktap_info "$1: slow: $(head -3 "$WORK/$1.slow" | tr '\n' ';')"
	h=$(cc_hangs "$1")
	ktap_info "$1: $(cc_count "$1") commands, $h timed out"
	[ "$h" -eq 0 ] || { ktap_info "$(head -3 "$WORK/$1.hang" | tr '\n' ';')"; return 1; }
	[ "$(cc_count "$1")" -gt 0 ]
}

# The PF as the next phase wants it: loaded, up, 7 VFs with no driver
cc_settle() {
	pf_load || return 1
	ip link set "$PF_IF" mtu 1500
	pf_up || return 1
	if [ "$(cat "$(pf_sysfs)/sriov_numvfs")" != 7 ]; then
		echo 0 > "$(pf_sysfs)/sriov_numvfs"
		echo 0 > "$(pf_sysfs)/sriov_drivers_autoprobe" &&
		echo 7 > "$(pf_sysfs)/sriov_numvfs" || return 1
	fi
	wait_for 10 test -e "$(pf_sysfs)/virtfn6"
}

ktap_header 19

# --- setup ---------------------------------------------------------------------

check "mbx_client builds without a warning" mbx_client_build "$MBX"
setup() {
	pf_load && pf_up && wait_ping 10 || return 1
	module_loaded iovnet_vf || iovnet_insmod "$VF_KO" || return 1
	vfs_enable 7 && wait_for 10 test -e "$(pf_sysfs)/virtfn6"
}
check "PF up, iovnet_vf loaded, 7 VFs" setup
dmesg_mark

# --- phase 1 ---------------------------------------------------------------------
ktap_info "phase 1: everything at once for ${CONC_SECS}s (at ${SECONDS}s)"
cc_reset_counts
for l in $LOOPS; do
	cc_start "$l"
done
# The phase lasts CONC_SECS, cut short if a loop dies (it never should)
cc_loop_died() {
	local pid
	for pid in $(cat "$WORK"/*.pid); do
		kill -0 "$pid" 2>/dev/null || return 0
	done
	return 1
}
wait_for "$CONC_SECS" cc_loop_died && ktap_info "a loop died early"
check "phase 1: every loop stopped within 120 s of being told (no stuck command)" cc_stop 120
ktap_info "phase 1 loops stopped at ${SECONDS}s"
for l in $LOOPS; do
	check "phase 1: $l: ran, no command timed out" no_hang "$l"
done
check "phase 1: PF settles (loaded, up, 7 VFs)" cc_settle
check "phase 1: PF <-> peer ping afterwards (within 10 s)" wait_ping 10

# --- phase 2 ---------------------------------------------------------------------
P2=$((CONC_SECS / 3 > 10 ? CONC_SECS / 3 : 10))
ktap_info "phase 2: knobs recorded for ${P2}s under FLRs, rebinds, flood, readers (at ${SECONDS}s)"
cc_reset_counts
cc_start knobs_record
cc_start flr
cc_start mbx
cc_start readers
wait_for "$P2" cc_loop_died && ktap_info "a loop died early"
check "phase 2: every loop stopped within 120 s" cc_stop 120
check "phase 2: no knob command timed out" no_hang knobs

# What the admin set last, as ip link show would print it
cfg_matches() {	# VF
	local vf=$1 line v bad=
	line=$(ip link show "$PF_IF" | grep -E "^ *vf $vf ")
	v=$(cat "$WORK/cfg.$vf.mac" 2>/dev/null) &&
		{ grep -q "link/ether $v " <<<"$line" || bad+=" mac=$v"; }
	v=$(cat "$WORK/cfg.$vf.vlan" 2>/dev/null) && if [ "$v" = 0 ]; then
		grep -q ' vlan ' <<<"$line" && bad+=" vlan=0"
	else
		grep -q " vlan $v," <<<"$line" || bad+=" vlan=$v"
	fi
	v=$(cat "$WORK/cfg.$vf.trust" 2>/dev/null) &&
		{ grep -q "trust $v" <<<"$line" || bad+=" trust=$v"; }
	v=$(cat "$WORK/cfg.$vf.spoofchk" 2>/dev/null) &&
		{ grep -q "spoof checking $v" <<<"$line" || bad+=" spoofchk=$v"; }
	v=$(cat "$WORK/cfg.$vf.state" 2>/dev/null) &&
		{ grep -q "link-state $v" <<<"$line" || bad+=" state=$v"; }
	v=$(cat "$WORK/cfg.$vf.max_tx_rate" 2>/dev/null) && if [ "$v" = 0 ]; then
		grep -q 'max_tx_rate' <<<"$line" && bad+=" max_tx_rate=0"
	else
		grep -q "max_tx_rate ${v}Mbps" <<<"$line" || bad+=" max_tx_rate=$v"
	fi
	[ -z "$bad" ] && return 0
	ktap_info "VF $vf: admin set$bad; ip link: $(sed 's/^ *//' <<<"$line")"
	return 1
}
all_cfg() {
	local vf bad=0 n
	n=$(ls "$WORK"/cfg.* 2>/dev/null | wc -l)
	ktap_info "$n VF settings recorded"
	for vf in 0 1 2 3 4 5 6; do
		cfg_matches "$vf" || bad=$((bad + 1))
	done
	[ "$n" -gt 0 ] && [ "$bad" -eq 0 ]
}
check "phase 2: ip link show reports the admin's last setting of every knob, every VF" all_cfg

# --- phase 3 ---------------------------------------------------------------------
ktap_info "phase 3: rmmod iovnet_pf against vf 0 trust on/off and a flooding VF 6 (at ${SECONDS}s)"

# 20 trust changes of VF 0 per ip process: as many ndo_set_vf_trust calls
# as possible while rmmod frees pf->vfs. The batch stops at its first error
# (no -force): once the PF is gone each further command would look the name
# up through SIOCGIFINDEX, which has the kernel try to load the module
# "netdev-NAME" (dev_load -> request_module): a second each in the lab,
# 3 s on the debug kernel, so 20 of them outlived BATCH_TMO there.
loop_trust() {
	local _
	for _ in $(seq 1 10); do
		echo "link set $PF_IF vf 0 trust on"
		echo "link set $PF_IF vf 0 trust off"
	done > "$WORK/trust.batch"
	while cc_running; do
		cc_cmd trust "$BATCH_TMO" ip -batch "$WORK/trust.batch"
	done
}
rmmod_race() {
	local r rc t0 ms p stopped fails=0
	for r in $(seq 1 "$RMMOD_ROUNDS"); do
		cc_settle || { ktap_info "round $r: PF did not settle"; return 1; }
		cc_reset_counts
		cc_start trust
		cc_start mbx
		# both loops under way: a first batch of trust changes done
		wait_for 20 sh -c "[ \$(cat $WORK/trust.n 2>/dev/null | wc -l) -ge 1 ]"
		t0=$(date +%s%N)
		timeout -k 5 120 rmmod iovnet_pf
		rc=$?
		ms=$(( ($(date +%s%N) - t0) / 1000000 ))
		touch "$WORK/stop"	# no new batch from here on
		# A batch under way ends within seconds once the PF is gone;
		# one still there after 20 s: where it waits (kernel side)
		if ! wait_for 20 sh -c '! pgrep -x ip >/dev/null'; then
			for p in $(pgrep -x ip); do
				ktap_info "ip $p still running after rmmod: state" \
					"$(awk '/^State/ {print $2}' "/proc/$p/status" 2>/dev/null)," \
					"wchan $(cat "/proc/$p/wchan" 2>/dev/null);" \
					"stack: $(tr '\n' ' ' < "/proc/$p/stack" 2>/dev/null | cut -c1-300)"
			done
		fi
		# a batch under way is bounded by BATCH_TMO: wait for it
		stopped=yes
		cc_stop $((BATCH_TMO + 15)) || { stopped=no; fails=$((fails + 1)); }
		[ -e "$WORK/trust.slow" ] &&
			ktap_info "slow trust batches: $(tr '\n' ';' < "$WORK/trust.slow")"
		ktap_info "round $r: rmmod rc=$rc in $ms ms, module" \
			"$(module_loaded iovnet_pf && echo still loaded || echo gone);" \
			"trust batches $(cc_count trust), timed out $(cc_hangs trust);" \
			"loops stopped: $stopped"
		[ "$rc" -eq 0 ] && ! module_loaded iovnet_pf &&
			[ "$(cc_hangs trust)" -eq 0 ] || fails=$((fails + 1))
	done
	[ "$fails" -eq 0 ]
}
check "phase 3: $RMMOD_ROUNDS rounds: rmmod returns and unloads, no trust command hangs" rmmod_race
check "phase 3: iovnet_pf loads again, PF up, 7 VFs" cc_settle

# --- afterwards ---------------------------------------------------------------------
final_ping() { wait_ping 10 && ping_peer 20; }
check "PF <-> peer: answers within 10 s, then 20 pings, no loss" final_ping
check "no WARN, BUG, oops or lockdep report in the kernel log" dmesg_clean
ktap_info "took ${SECONDS}s"
ktap_finish
