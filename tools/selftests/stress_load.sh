#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Load suites (issue #8): many repetitions of the SR-IOV life events while
# traffic runs, each one checked, with the figures printed as
# "# stress: <what>: <numbers>" lines:
#  - sriov_numvfs 0 -> 7 -> 0 while the PF pings the partner (every 20th
#    cycle with iovnet_vf bound to all 7 VFs), then the pool gates
#  - PF reconfigurations (ring resize, channel count, MTU) under two
#    iovnet_vf tenants: each recovers alone within a bound
#  - wire flaps: carrier of the PF and of a VF follows, time to first ping
#  - VF FLRs with traffic: the VF recovers, the other VF barely notices
#  - rmmod/insmod of iovnet_vf, and of iovnet_pf under bound VFs
#  - a VF unbound while the PF gives it a new MAC and port VLAN, then bound
#    again: it uses them
# Counts come from STRESS_* variables (the issue's values by default), e.g.
#   env STRESS_NUMVFS_CYCLES=3 STRESS_FLAPS=2 ... run_tests.sh stress_load.sh

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tools/netlib.sh"

NUMVFS_CYCLES=${STRESS_NUMVFS_CYCLES:-100}
PF_RESETS=${STRESS_PF_RESETS:-20}
FLAPS=${STRESS_FLAPS:-50}
FLRS=${STRESS_FLRS:-50}
RELOADS=${STRESS_RELOADS:-50}
PF_RELOADS=${STRESS_PF_RELOADS:-50}
REBINDS=${STRESS_REBINDS:-5}
BOUND_EVERY=${STRESS_BOUND_EVERY:-20}	# numvfs cycles with all 7 VFs bound
# Bounds (ms unless said otherwise)
RECOVER_S=20		# a VF reaches the partner again within this
PF_GAP_MS=5000		# longest silence of the PF's ping during the numvfs cycles
OTHER_LOSS_PCT=5	# loss of the other VF's ping during the FLRs

MAC0=02:00:00:00:00:80 MAC1=02:00:00:00:00:81
T0_IP=192.168.77.30 T1_IP=192.168.77.31

cleanup() {
	local f
	for f in "$SCRATCH"/*.ppid; do
		[ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null
	done
	tenants_cleanup
	peer ip link del peer0.30 2>/dev/null
	peer ip link del peer0.31 2>/dev/null
	module_loaded iovnet_vf && rmmod iovnet_vf
	if module_loaded iovnet_pf; then
		vfs_disable 2>/dev/null
		[ -n "${PF_IF:-}" ] && ip link set "$PF_IF" mtu 1500 2>/dev/null
		rmmod iovnet_pf
	fi
	echo 1 > "$(pf_sysfs)/sriov_drivers_autoprobe" 2>/dev/null
	netlib_cleanup
}
trap cleanup EXIT

# --- local helpers ----------------------------------------------------------

nsx() { local ns=$1; shift; nsenter --net=/run/netns/"$ns" "$@"; }	# NS CMD...
ms_now() { local t=${EPOCHREALTIME/[.,]/}; echo $((t / 1000)); }
# ping the partner once from NS ("-" is the root namespace)
reaches() {	# NS [DST]
	local dst=${2:-$PEER_IP}
	if [ "$1" = - ]; then
		ping -q -c 1 -W 1 "$dst" >/dev/null 2>&1
	else
		nsx "$1" ping -q -c 1 -W 1 "$dst" >/dev/null 2>&1
	fi
}
both_reach() { reaches t0 && reaches t1; }
ns_carrier() { nsx "$1" ip -o link show dev "$2" 2>/dev/null | grep -q LOWER_UP; }	# NS IF
ns_no_carrier() { nsx "$1" ip -o link show dev "$2" 2>/dev/null | grep -q NO-CARRIER; }
vf_estat() { nsx "$1" ethtool -S "$2" 2>/dev/null | awk -v k="$3:" '$1 == k { print $2 }'; }	# NS IF KEY
vf_netdev() { ls "/sys/bus/pci/devices/$(vf_bdf "$1")/net" 2>/dev/null; }	# IDX
vf_has_netdev() { [ -n "$(vf_netdev "$1")" ]; }

# "n N min A median B max C ms" of the numbers given
stats() {
	printf '%s\n' "$@" | grep -E '^[0-9]+$' | sort -n | awk '
		{ a[NR] = $1 }
		END {
			if (!NR) { print "n 0"; exit }
			printf "n %d min %d median %d max %d ms\n", NR, a[1], a[int((NR + 1) / 2)], a[NR]
		}'
}

stress() { ktap_info "stress: $*"; }

# The QEMU monitor; python3 -S starts much faster in the guest
mon() {
	if head -n 1 "$LAB_MONITOR" 2>/dev/null | grep -q python3; then
		python3 -S "$LAB_MONITOR" "$@"
	else
		"$LAB_MONITOR" "$@"
	fi
}

# Background ping with timestamps: bg_ping NAME NS|- PING-ARGS...
bg_ping() {
	local name=$1 ns=$2 pre=()
	shift 2
	[ "$ns" != - ] && pre=(nsenter --net=/run/netns/"$ns")
	ms_now >"$SCRATCH/$name.start"
	"${pre[@]}" ping -D -W 1 "$@" >"$SCRATCH/$name.ping" 2>&1 &
	echo $! >"$SCRATCH/$name.ppid"
}

# Stop it; prints "SENT RECEIVED LONGEST-SILENCE-MS" (the silence counts
# from the start and up to the stop too)
bg_stop() {	# NAME
	local pid end
	pid=$(cat "$SCRATCH/$1.ppid" 2>/dev/null) || { echo "0 0 0"; return 1; }
	end=$(ms_now)
	kill -INT "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rm -f "$SCRATCH/$1.ppid"
	awk -v s="$(cat "$SCRATCH/$1.start")" -v e="$end" '
		/bytes from/ {
			t = substr($1, 2, length($1) - 2) * 1000
			if (!p) p = s
			if (t - p > m) m = t - p
			p = t
		}
		/packets transmitted/ { tx = $1; rx = $4 }
		END {
			if (!p) p = s
			if (e - p > m) m = e - p
			printf "%d %d %d\n", tx, rx, m
		}' "$SCRATCH/$1.ping"
}

# Bind VF IDX to iovnet_vf, give it to tenant NS with ADDR, wait for carrier
vf_tenant() {	# IDX NS ADDR
	local dev
	dev=$(vf_bind "$1" iovnet_vf) && [ -n "$dev" ] || return 1
	tenant "$2" "$dev" "$3" || return 1
	eval "VF$1=$dev"
	wait_for 20 ns_carrier "$2" "$dev"
}

# Bind VFs 0..N-1 to iovnet_vf all at once, wait for their netdevs
bind_all() {	# N
	local i dev
	for i in $(seq 0 $(($1 - 1))); do
		dev=/sys/bus/pci/devices/$(vf_bdf "$i")
		echo iovnet_vf > "$dev/driver_override" &&
			echo "${dev##*/}" > /sys/bus/pci/drivers_probe || return 1
	done
	all_netdevs() {
		for i in $(seq 0 $(($1 - 1))); do
			vf_has_netdev "$i" || return 1
		done
	}
	wait_for 20 all_netdevs "$1" || return 1
	udev_settle
	return 0
}

ns_dev() { ip -n "$1" -o link show 2>/dev/null | awk -F': ' '$2 != "lo" { sub(/@.*/, "", $2); print $2; exit }'; }

# VF 0 into t0 and VF 1 into t1 at once (binding them first, or after
# iovnet_vf probed them by itself); sets VF0 and VF1
tenants_up() {	# bind|probed
	local fn=vf_tenant p0 r1
	[ "$1" = probed ] && fn=vf_retenant
	$fn 0 t0 "$T0_IP" &
	p0=$!
	$fn 1 t1 "$T1_IP"
	r1=$?
	wait "$p0" && [ "$r1" = 0 ] || return 1
	VF0=$(ns_dev t0) VF1=$(ns_dev t1)
	[ -n "$VF0" ] && [ -n "$VF1" ]
}

# After iovnet_vf probed VF IDX by itself: hand its new netdev to NS again
vf_retenant() {	# IDX NS ADDR
	local dev
	wait_for 20 vf_has_netdev "$1" || return 1
	udev_settle
	dev=$(vf_netdev "$1")
	tenant "$2" "$dev" "$3" || return 1
	eval "VF$1=$dev"
	wait_for 20 ns_carrier "$2" "$dev"
}

# STRESS_TRACE=FILE: a timestamped trace of every command, to find slow steps
if [ -n "${STRESS_TRACE:-}" ]; then
	PS4='+ $EPOCHREALTIME '
	exec 2>"$STRESS_TRACE"
	set -x
fi

PLAN=26
ktap_header $PLAN
T_ALL=$(ms_now)
dmesg_mark

pf_load && pf_up && wait_ping 20 || { echo "Bail out! PF did not come up"; exit 1; }
check "the PF reaches the link partner" ping_peer 10
module_loaded igbvf && rmmod igbvf

# --- 1. sriov_numvfs 0 -> 7 -> 0 under PF traffic ---------------------------

t=$(ms_now)
bg_ping pf - -i 0.01 "$PEER_IP"
wait_for 10 grep -q 'bytes from' "$SCRATCH/pf.ping"
done_cycles=0 errors=0 bound_cycles=0 bound_ok=0
iovnet_insmod "$VF_KO" || errors=$((errors + 1))
all7_up() {
	local i d
	for i in 0 1 2 3 4 5 6; do
		d=$(vf_netdev "$i")
		[ -n "$d" ] && carrier_is "$d" 1 || return 1
	done
}
for i in $(seq "$NUMVFS_CYCLES"); do
	if ! vfs_enable 7 || [ ! -e "$(pf_sysfs)/virtfn6" ]; then
		errors=$((errors + 1))
		vfs_disable 2>/dev/null
		continue
	fi
	if [ $((i % BOUND_EVERY)) = 0 ] || { [ "$i" = "$NUMVFS_CYCLES" ] && [ "$bound_cycles" = 0 ]; }; then
		bound_cycles=$((bound_cycles + 1))
		ok=1
		bind_all 7 || ok=0
		for v in 0 1 2 3 4 5 6; do
			ip link set "$(vf_netdev "$v")" up || ok=0
		done
		if [ $ok = 1 ] && wait_for 20 all7_up; then
			bound_ok=$((bound_ok + 1))
		else
			ktap_info "cycle $i: not all 7 VFs bound and up"
			errors=$((errors + 1))
		fi
	fi
	if vfs_disable && [ ! -e "$(pf_sysfs)/virtfn0" ]; then
		done_cycles=$((done_cycles + 1))
	else
		errors=$((errors + 1))
	fi
done
read -r sent rcvd gap < <(bg_stop pf)
secs=$(( ($(ms_now) - t) / 1000 ))
stress "numvfs 0->7->0: cycles $done_cycles/$NUMVFS_CYCLES (bound to iovnet_vf: $bound_ok/$bound_cycles), errors $errors, $secs s"
stress "numvfs PF ping: sent $sent received $rcvd lost $((sent - rcvd)), longest silence $gap ms"
check "$NUMVFS_CYCLES cycles 0 -> 7 -> 0, $bound_cycles with all 7 VFs bound and up, no error" \
	test "$done_cycles" = "$NUMVFS_CYCLES" -a "$errors" = 0 -a "$bound_ok" = "$bound_cycles"
check "the PF's ping never silent for ${PF_GAP_MS} ms during the cycles" \
	test "$rcvd" -gt 0 -a "$gap" -lt "$PF_GAP_MS"
vfs_enable 7
check "7 VFs, none bound: VFRE and VFTE open only the PF's pool 7" \
	test "$(pf_reg_word 18)" = 00000080 -a "$(pf_reg_word 19)" = 00000080
vfs_disable
check "no VFs: VFRE and VFTE all open" \
	test "$(pf_reg_word 18)" = 000000ff -a "$(pf_reg_word 19)" = 000000ff
pf_traffic() { wait_ping 20 && ping_peer 20; }
check "the PF passes traffic after the cycles" pf_traffic

# --- 2. PF reconfigurations under two VF tenants ---------------------------

vfs_enable 2
ip link set "$PF_IF" vf 0 mac $MAC0
ip link set "$PF_IF" vf 1 mac $MAC1
tenants_up bind
check "VF 0 and VF 1 on iovnet_vf in t0/t1 ($VF0, $VF1) reach the partner" \
	wait_for 20 both_reach

t=$(ms_now)
bg_ping f0 t0 -i 0.01 "$PEER_IP"
bg_ping f1 t1 -i 0.01 "$PEER_IP"
rx0=$(ring cur RX) tx0=$(ring cur TX) ch0=$(channels cur)
op_err=0 late=0 rec=() pfrec=()
for i in $(seq "$PF_RESETS"); do
	case $((i % 3)) in
	1) if [ "$(ring cur RX)" = 512 ]; then r=256; else r=512; fi
	   op="ethtool -G rx $r tx $r"
	   timeout 120 ethtool -G "$PF_IF" rx $r tx $r || op_err=$((op_err + 1)) ;;
	2) if [ "$(channels cur)" = 1 ]; then c=2; else c=1; fi
	   op="ethtool -L combined $c"
	   timeout 120 ethtool -L "$PF_IF" combined "$c" || op_err=$((op_err + 1)) ;;
	0) if [ "$(cat "/sys/class/net/$PF_IF/mtu")" = 1500 ]; then m=2000; else m=1500; fi
	   op="mtu $m"
	   ip link set "$PF_IF" mtu $m || op_err=$((op_err + 1)) ;;
	esac
	ms=$(time_until $RECOVER_S both_reach) || {
		late=$((late + 1))
		ktap_info "reset $i ($op): the VFs did not reach the partner within $RECOVER_S s"
	}
	rec+=("$ms")
	ms=$(time_until $RECOVER_S reaches -) || late=$((late + 1))
	pfrec+=("$ms")
done
read -r s0 r0 g0 < <(bg_stop f0)
read -r s1 r1 g1 < <(bg_stop f1)
secs=$(( ($(ms_now) - t) / 1000 ))
stress "pf resets: $PF_RESETS done, op errors $op_err, late recoveries $late, $secs s"
stress "pf resets VF recovery: $(stats "${rec[@]}")"
stress "pf resets PF recovery: $(stats "${pfrec[@]}")"
stress "pf resets VF ping -i 0.01: VF 0 sent $s0 lost $((s0 - r0)) longest silence $g0 ms; VF 1 sent $s1 lost $((s1 - r1)) longest silence $g1 ms"
check "$PF_RESETS PF reconfigurations (-G / -L / MTU) all accepted" test "$op_err" = 0
check "after each, both VFs and the PF reach the partner within $RECOVER_S s" test "$late" = 0
check "the VFs' pings were answered during the reconfigurations" test "$r0" -gt 0 -a "$r1" -gt 0
ethtool -G "$PF_IF" rx "${rx0:-256}" tx "${tx0:-256}" 2>/dev/null
ethtool -L "$PF_IF" combined "${ch0:-2}" 2>/dev/null
ip link set "$PF_IF" mtu 1500

# --- 3. wire flaps ----------------------------------------------------------

t=$(ms_now)
off_err=0 on_err=0 ping_err=0 c_pf=() c_vf=() p_vf=() p_pf=()
pf_off_vf_off() { carrier_is "$PF_IF" 0 && ns_no_carrier t0 "$VF0"; }
for i in $(seq "$FLAPS"); do
	mon set_link wire0-pf off >/dev/null
	wait_for 10 pf_off_vf_off || { off_err=$((off_err + 1)); ktap_info "flap $i: carrier stayed on"; }
	mon set_link wire0-pf on >/dev/null
	t1=$(ms_now)
	wait_for 20 carrier_is "$PF_IF" 1 && c_pf+=($(( $(ms_now) - t1 ))) || on_err=$((on_err + 1))
	wait_for 20 ns_carrier t0 "$VF0" && c_vf+=($(( $(ms_now) - t1 ))) || on_err=$((on_err + 1))
	wait_for 20 reaches t0 && p_vf+=($(( $(ms_now) - t1 ))) || ping_err=$((ping_err + 1))
	wait_for 20 reaches - && p_pf+=($(( $(ms_now) - t1 ))) || ping_err=$((ping_err + 1))
done
secs=$(( ($(ms_now) - t) / 1000 ))
stress "flaps: $FLAPS done, carrier-off misses $off_err, carrier-on misses $on_err, ping misses $ping_err, $secs s"
stress "flaps PF carrier after on: $(stats "${c_pf[@]}")"
stress "flaps VF carrier after on: $(stats "${c_vf[@]}")"
stress "flaps VF first ping after on: $(stats "${p_vf[@]}")"
stress "flaps PF first ping after on: $(stats "${p_pf[@]}")"
check "$FLAPS flaps: PF and VF 0 carrier off within 10 s of each off" test "$off_err" = 0
check "$FLAPS flaps: PF and VF 0 carrier on within 20 s of each on" test "$on_err" = 0
check "$FLAPS flaps: VF 0 and the PF reach the partner within 20 s of each on" test "$ping_err" = 0

# --- 4. VF FLRs with traffic ------------------------------------------------

wait_for 20 both_reach
t=$(ms_now)
bg_ping f0 t0 -i 0.05 "$PEER_IP"
bg_ping f1 t1 -i 0.01 "$PEER_IP"
wait_for 10 grep -q 'bytes from' "$SCRATCH/f1.ping"
flr_err=0 rec=()
for i in $(seq "$FLRS"); do
	r=$(vf_estat t0 "$VF0" recoveries)
	t1=$(ms_now)
	echo 1 > "/sys/bus/pci/devices/$(vf_bdf 0)/reset" || flr_err=$((flr_err + 1))
	recovered() { [ "$(vf_estat t0 "$VF0" recoveries)" -gt "${r:-0}" ] && reaches t0; }
	if wait_for $RECOVER_S recovered; then
		rec+=($(( $(ms_now) - t1 )))
	else
		flr_err=$((flr_err + 1))
		ktap_info "FLR $i: VF 0 did not recover within $RECOVER_S s (recoveries ${r:-?} -> $(vf_estat t0 "$VF0" recoveries))"
	fi
done
read -r s0 r0 g0 < <(bg_stop f0)
read -r s1 r1 g1 < <(bg_stop f1)
secs=$(( ($(ms_now) - t) / 1000 ))
loss1=$(( s1 ? (s1 - r1) * 1000 / s1 : 1000 ))
stress "flrs: $FLRS done, errors $flr_err, $secs s"
stress "flrs VF 0 recovery (counter up and a ping answered): $(stats "${rec[@]}")"
stress "flrs VF 0 ping -i 0.05: sent $s0 lost $((s0 - r0)) longest silence $g0 ms"
stress "flrs VF 1 ping -i 0.01: sent $s1 lost $((s1 - r1)) ($((loss1 / 10)).$((loss1 % 10))%) longest silence $g1 ms"
check "$FLRS FLRs of VF 0: each recovered and reached the partner within $RECOVER_S s" \
	test "$flr_err" = 0
check "VF 1's ping during the FLRs: under $OTHER_LOSS_PCT% lost" \
	test "$s1" -gt 0 -a "$loss1" -lt $((OTHER_LOSS_PCT * 10))

# --- 5. module reloads -------------------------------------------------------

t=$(ms_now)
bg_ping pf - -i 0.05 "$PEER_IP"
rl_err=0 rec=()
for i in $(seq "$RELOADS"); do
	bg_ping f0 t0 -i 0.01 "$PEER_IP"
	rmmod iovnet_vf || rl_err=$((rl_err + 1))
	bg_stop f0 >/dev/null
	t1=$(ms_now)
	iovnet_insmod "$VF_KO" || rl_err=$((rl_err + 1))
	if tenants_up probed && wait_for $RECOVER_S both_reach; then
		rec+=($(( $(ms_now) - t1 )))
	else
		rl_err=$((rl_err + 1))
		ktap_info "iovnet_vf reload $i: VFs not back within the bound"
	fi
done
secs=$(( ($(ms_now) - t) / 1000 ))
stress "iovnet_vf reloads: $RELOADS done, errors $rl_err, $secs s ($(( RELOADS ? secs * 1000 / RELOADS : 0 )) ms a cycle)"
stress "iovnet_vf reloads insmod to both VFs reaching the partner: $(stats "${rec[@]}")"
check "$RELOADS rmmod/insmod iovnet_vf with traffic: both VFs back each time" test "$rl_err" = 0

t=$(ms_now)
pl_err=0 rec=()
for i in $(seq "$PF_RELOADS"); do
	bg_ping f0 t0 -i 0.01 "$PEER_IP"
	timeout 60 rmmod iovnet_pf || pl_err=$((pl_err + 1))
	bg_stop f0 >/dev/null
	tenants_cleanup
	t1=$(ms_now)
	if pf_load && pf_up && vfs_enable 2 &&
	   ip link set "$PF_IF" vf 0 mac $MAC0 && ip link set "$PF_IF" vf 1 mac $MAC1 &&
	   tenants_up bind &&
	   wait_for $RECOVER_S both_reach && wait_for $RECOVER_S reaches -; then
		rec+=($(( $(ms_now) - t1 )))
	else
		pl_err=$((pl_err + 1))
		ktap_info "iovnet_pf reload $i: PF or VFs not back within the bound"
	fi
done
read -r sent rcvd gap < <(bg_stop pf)
secs=$(( ($(ms_now) - t) / 1000 ))
stress "iovnet_pf reloads with 2 bound VFs: $PF_RELOADS done, errors $pl_err, $secs s ($(( PF_RELOADS ? secs * 1000 / PF_RELOADS : 0 )) ms a cycle)"
stress "iovnet_pf reloads insmod to PF and both VFs reaching the partner: $(stats "${rec[@]}")"
stress "reloads PF ping -i 0.05: sent $sent lost $((sent - rcvd))"
check "$PF_RELOADS rmmod/insmod iovnet_pf under 2 bound VFs with traffic: all back each time" \
	test "$pl_err" = 0
check "the PF's ping got answers across the reloads" test "${rcvd:-0}" -gt 0

# --- 6. VF unbound, reconfigured by the PF, bound again ---------------------

pns ip link add link peer0 name peer0.30 type vlan id 30
pns ip addr add 10.30.0.2/24 dev peer0.30
pns ip link set peer0.30 up
pns ip link add link peer0 name peer0.31 type vlan id 31
pns ip addr add 10.31.0.2/24 dev peer0.31
pns ip link set peer0.31 up
t=$(ms_now)
mac_err=0 vlan_err=0 bind_err=0 rec=()
pf_vf_line() { ip link show dev "$PF_IF" | grep -E "^ *vf $1 "; }
for i in $(seq "$REBINDS"); do
	vid=$((30 + i % 2))
	mac=$(printf '02:00:00:00:%02x:%02x' "$vid" "$i")
	vf_unbind 0
	ip netns del t0 2>/dev/null
	ip link set "$PF_IF" vf 0 mac "$mac" vlan "$vid" || bind_err=$((bind_err + 1))
	t1=$(ms_now)
	if ! vf_tenant 0 t0 "10.$vid.0.$((10 + i))"; then
		bind_err=$((bind_err + 1))
		continue
	fi
	[ "$(nsx t0 ip -o link show dev "$VF0" | grep -o 'link/ether [^ ]*' | cut -d' ' -f2)" = "$mac" ] ||
		{ mac_err=$((mac_err + 1)); ktap_info "rebind $i: VF 0 has not the MAC $mac"; }
	pf_vf_line 0 | grep -q "vlan $vid" || vlan_err=$((vlan_err + 1))
	if wait_for $RECOVER_S reaches t0 "10.$vid.0.2"; then
		rec+=($(( $(ms_now) - t1 )))
	else
		vlan_err=$((vlan_err + 1))
		ktap_info "rebind $i: VF 0 does not reach the partner on VLAN $vid"
	fi
done
secs=$(( ($(ms_now) - t) / 1000 ))
stress "rebinds with new admin MAC/VLAN: $REBINDS done, bind errors $bind_err, MAC errors $mac_err, VLAN errors $vlan_err, $secs s"
stress "rebinds bind to first ping on the port VLAN: $(stats "${rec[@]}")"
check "$REBINDS rebinds: VF 0 bound again each time" test "$bind_err" = 0
check "each rebind: VF 0 uses the MAC the PF set while it was unbound" test "$mac_err" = 0
check "each rebind: VF 0 reaches the partner on the new port VLAN" test "$vlan_err" = 0
ip link set "$PF_IF" vf 0 vlan 0

# --- end: everything undone -------------------------------------------------

check "no oops/WARN in the kernel log" dmesg_clean
tenants_cleanup
pns ip link del peer0.30
pns ip link del peer0.31
rmmod iovnet_vf
vfs_disable
check "cleanup: VFs disabled" test ! -e "$(pf_sysfs)/virtfn0"
rmmod iovnet_pf
check "cleanup: iovnet_vf and iovnet_pf unloaded" \
	sh -c '! [ -d /sys/module/iovnet_vf ] && ! [ -d /sys/module/iovnet_pf ]'
check "cleanup: only the partner's namespace left" \
	test "$(ip netns list | awk '{ print $1 }' | tr '\n' ' ')" = "peer "
check "cleanup: the partner has only peer0 besides lo" \
	test "$(peer ip -o link show | grep -vc ': lo:')" = 1
echo 1 > "$(pf_sysfs)/sriov_drivers_autoprobe"
stress "total: $(( ($(ms_now) - T_ALL) / 1000 )) s"
ktap_finish
