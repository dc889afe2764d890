#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the lab guest (started by tools/bench/run): "make bench" for
# one driver pair:
#
#   ours   iovnet_pf + iovnet_vf (the copies tools/bench/run made)
#   stock  the stock igb (bound at boot, "tools/lab/run --stock") + igbvf
#
# and, if tools/bench/run added it (LAB_QEMU_EXTRA), the same VF<->peer runs
# from a second virtio-net NIC on the lab's wire, as the ceiling.
#
# ours and stock run exactly the same commands; only the module names
# differ.  Every figure is a raw file under OUTDIR (timestamps from
# $EPOCHREALTIME, /proc/stat, /proc/meminfo, iperf3 JSON, netdev
# statistics); bench.py turns them into numbers on the host.
#
# Usage: sriov.sh OUTDIR ours|stock SECONDS VLAN_CYCLES SCALE PF_KO VF_KO [FLAGS]
#   SCALE: the VF counts of the scale runs, comma-separated ("1,2,4,7")
#   FLAGS, comma-separated:
#     pf     first run tools/bench/guest.sh (the PF datapath scenarios) into
#            OUTDIR/pf
#     quick  leave out the peer->VF TCP run, watch a stock VF for 5 s (not
#            10) before rebinding it
set -u
# shellcheck source=tools/selftests/lib.sh
. "$(dirname "$0")/../selftests/lib.sh"

[ $# -ge 7 ] || { echo "usage: $0 OUTDIR ours|stock SECONDS VLAN_CYCLES SCALE PF_KO VF_KO [FLAGS]" >&2; exit 2; }
out=$1 kind=$2 secs=$3 vlan_cycles=$4 scale=$5 pf_ko=$6 vf_ko=$7 flags=,${8:-},
do_pf= quick=
[[ $flags == *,pf,* ]] && do_pf=1
[[ $flags == *,quick,* ]] && quick=1
NVF=7
rr_bin=$IOVNET_TOP/build/bench/tcp_rr	# built by tools/bench/run
VIRTIO_MAC=52:54:00:12:34:58
ADMIN_MAC=02:00:00:00:07:0	# + VF index
NEW_MAC=02:00:00:00:07:a0
OBSERVE=10			# seconds the stock VF gets to follow a MAC change
[ -n "$quick" ] && OBSERVE=5

say() { printf 'bench: %s\n' "$*"; }
now_us() { echo "${EPOCHREALTIME/./}"; }
ms_since() { echo $(( ($(now_us) - $1) / 1000 )); }
# Commands in a netns without "ip netns exec"'s /sys remount (much cheaper
# under TCG); only what needs the namespace's /sys uses tns.
nsx() { local ns=$1; shift; nsenter --net="/run/netns/$ns" "$@"; }
ns_carrier() { [[ $(ip -n "$1" link show "$2" 2>/dev/null) == *LOWER_UP* ]]; }
ns_mac() {	# NS IFACE
	local l
	l=$(ip -n "$1" -br link show "$2" 2>/dev/null) || return 1
	set -- $l
	echo "$3"
}

rm -rf "$out"
mkdir -p "$out" || exit 1

# Setup failed: the reason goes to OUTDIR/setup-error, the run stops.
die() {
	say "FAILED: $*"
	printf '%s\n' "$*" >>"$out/setup-error"
	dmesg | tail -n 30 >"$out/dmesg-tail"
	exit 1
}
# Something failed but the rest can run: OUTDIR/failures, one a line,
# "SECTION: what (log lines in OUTDIR/SECTION/...)".
fail() {
	say "FAILED: $*"
	printf '%s\n' "$*" >>"$out/failures"
}

# A snapshot for a timing window: clock, CPU and memory (builtins only, so
# the snapshot itself costs almost nothing).
snap() {	# DIR
	mkdir -p "$1"
	printf '%s\n' "$(</proc/stat)" >"$1/stat"
	now_us >"$1/time_us"
	printf '%s\n' "$(</proc/meminfo)" >"$1/meminfo"
}

echo "kind=$kind" >"$out/facts"

# Leave no VF bound: the guest powers off next, and the PF's shutdown
# should not have to tear down bound VFs.
cleanup() {
	tenants_cleanup 2>/dev/null
	[ -n "${PF_IF:-}" ] && vfs_disable 2>/dev/null
}
trap cleanup EXIT

# ------------------------------------------------------------ the PF

# The ceiling NIC: in netns v0, up before anything else is measured
VIO_IF=
if VIO_IF=$(netdev_by_mac "$VIRTIO_MAC"); then
	ip netns add v0
	if tenant v0 "$VIO_IF" 192.168.77.30 && wait_for 20 ns_carrier v0 "$VIO_IF" &&
	   wait_for 20 nsx v0 ping -q -c 1 -W 1 "$PEER_IP" >/dev/null; then
		nsx v0 ethtool -k "$VIO_IF" >"$out/virtio-ethtool-k" 2>&1
		echo "virtio_if=$VIO_IF" >>"$out/facts"
	else
		fail "virtio: the second virtio NIC $VIO_IF cannot reach the link partner"
		VIO_IF=
	fi
fi

{
	if [ "${LAB_STOCK:-0}" = 1 ]; then
		[ "$kind" = stock ] || die "booted --stock but asked for $kind"
		PF_IF=${LAB_PF_IF:-}
		[ -n "$PF_IF" ] || die "stock igb did not create a netdev"
		vf_drv=igbvf
		modprobe igbvf || die "modprobe igbvf failed"
	else
		[ "$kind" = ours ] || die "booted without --stock but asked for $kind"
		if [ -n "$do_pf" ]; then
			# The PF datapath scenarios of make bench-datapath, same boot
			say "PF datapath scenarios (tools/bench/guest.sh)"
			"$(dirname "$0")/guest.sh" "$out/pf" "$secs" "$pf_ko" ||
				fail "pf: tools/bench/guest.sh failed (see pf/)"
		fi
		# (no PF memory figure after guest.sh has loaded it)
		[ -n "$do_pf" ] || snap "$out/mem/pf-before"
		iovnet_insmod "$pf_ko" 2>"$out/insmod-pf.err" || module_loaded iovnet_pf || die "insmod $pf_ko: $(cat "$out/insmod-pf.err")"
		PF_KO=$pf_ko pf_load || die "iovnet_pf did not create its netdev"
		vf_drv=iovnet_vf
		iovnet_insmod "$vf_ko" 2>"$out/insmod-vf.err" || die "insmod $vf_ko: $(cat "$out/insmod-vf.err")"
	fi
	if [ -n "$do_pf" ] && [ "$kind" = stock ]; then
		say "PF datapath scenarios (tools/bench/guest.sh)"
		"$(dirname "$0")/guest.sh" "$out/pf" "$secs" ||
			fail "pf: tools/bench/guest.sh failed (see pf/)"
	fi
	pf_up || die "no carrier on $PF_IF"
	snap "$out/mem/pf-up"
	wait_ping 20 >/dev/null || die "link partner unreachable from the PF"
	pf_drv=$(basename "$(readlink "$(pf_sysfs)/driver")")
	{
		echo "pf_if=$PF_IF"
		echo "pf_driver=$pf_drv"
	} >>"$out/facts"
}
{
	echo "vf_driver=$vf_drv"
	echo "kernel=$(uname -r)"
	echo "accel=${LAB_ACCEL:-}"
	echo "cpus=$(nproc)"
	echo "clk_tck=$(getconf CLK_TCK)"
	echo "guest_cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
	echo "iperf3=$(iperf3 --version | head -n 1)"
	echo "secs=$secs"
	echo "nvf=$NVF"
} >>"$out/facts"
# Loaded size of every module involved (text + data, as the kernel holds it)
for m in iovnet_pf iovnet_vf igb igbvf virtio_net; do
	[ -r "/sys/module/$m/coresize" ] && echo "$m=$(cat "/sys/module/$m/coresize")"
done >"$out/module-coresize"
say "$kind: PF ${pf_drv:-none}, VF driver $vf_drv, accel ${LAB_ACCEL:-?}, $(nproc) CPUs, ${secs} s per iperf3 run"

# ------------------------------------------------------------ iperf3

srv_pidfile() { echo "/tmp/bench-srv-$1.pid"; }

# Fresh one-shot iperf3 server in NS on IP:PORT.
srv_start() {	# NS IP PORT
	rm -f "$(srv_pidfile "$3")" "/tmp/bench-srv-$3.log"
	nsx "$1" iperf3 -s -1 -D -B "$2" -p "$3" -I "$(srv_pidfile "$3")" \
		--logfile "/tmp/bench-srv-$3.log" || return 1
	wait_for 5 nsx "$1" sh -c "ss -ltnH 'sport = :$3' | grep -q ."
}

srv_stop() {	# PORT
	local pid
	pid=$(cat "$(srv_pidfile "$1")" 2>/dev/null) || return 0
	if ! wait_for 5 sh -c "! kill -0 $pid"; then
		kill "$pid" 2>/dev/null
		wait_for 5 sh -c "! kill -0 $pid" || kill -9 "$pid" 2>/dev/null
	fi
	rm -f "$(srv_pidfile "$1")"
}

# IRQ numbers of the PCI function behind a netdev in NS (MSI-X or INTx)
ns_irqs() {	# NS IFACE
	local d
	d=$(tns "$1" readlink -f "/sys/class/net/$2/device") || return 0
	# virtio: the netdev's device is virtioN, its parent the PCI function
	[ -e "$d/irq" ] || [ -d "$d/msi_irqs" ] || d=$(dirname "$d")
	if [ -d "$d/msi_irqs" ] && [ -n "$(ls "$d/msi_irqs")" ]; then
		ls "$d/msi_irqs" | tr '\n' ' '
	else
		cat "$d/irq"
	fi
}

# Netdev counters as "rx_packets:N" lines (from rtnetlink, not sysfs)
ns_stats() {	# NS IFACE
	ip -n "$1" -j -s link show dev "$2" | jq -r '.[0].stats64 |
		(.rx | to_entries[] | "rx_\(.key):\(.value)"),
		(.tx | to_entries[] | "tx_\(.key):\(.value)")'
}

# The layout bench.py's parse_sample() reads: "pf" is the client's netdev,
# "peer" the server's.
scen_counters() {	# DIR CNS CIF SNS SIF
	mkdir -p "$1"
	cat /proc/interrupts >"$1/interrupts"
	cat /proc/softirqs >"$1/softirqs"
	ns_stats "$2" "$3" >"$1/pf-stats"
	ns_stats "$4" "$5" >"$1/peer-stats"
}

# DIR/before or DIR/after of one run.  /proc/stat and the clock are read
# last before and first after it, so the window holds little else.
scen_snap() {	# before|after DIR CNS CIF SNS SIF
	local at=$2/$1
	mkdir -p "$at"
	if [ "$1" = before ]; then
		scen_counters "$at" "$3" "$4" "$5" "$6"
		date +%s.%N >"$at/time"
		cat /proc/stat >"$at/stat"
	else
		cat /proc/stat >"$at/stat"
		date +%s.%N >"$at/time"
		scen_counters "$at" "$3" "$4" "$5" "$6"
	fi
}

# One iperf3 run from CLIENT_NS to a fresh server; raw files in DIR.
# With --rr instead of iperf3 options: a tcp_rr run (1-byte request and
# response, tools/bench/tcp_rr.c) against a one-shot tcp_rr server.
scenario() {	# NAME CNS CIF SNS SIF SIP iperf3-options... | --rr
	local name=$1 cns=$2 cif=$3 sns=$4 sif=$5 sip=$6 d rc
	shift 6
	d=$out/${dp_dir:-dp}/$name
	mkdir -p "$d"
	{
		echo "clk_tck=$(getconf CLK_TCK)"
		echo "cpus=$(nproc)"
		echo "pf_irqs=$(ns_irqs "$cns" "$cif")"
		echo "peer_irqs=$(ns_irqs "$sns" "$sif")"
	} >"$d/facts"
	if [ "${1:-}" = --rr ]; then
		scenario_rr "$d" "$cns" "$cif" "$sns" "$sif" "$sip"
		return
	fi
	if ! srv_start "$sns" "$sip" 5201; then
		echo "iperf3 server in netns $sns did not start" >"$d/error"
		cp /tmp/bench-srv-5201.log "$d/server.log" 2>/dev/null
		say "  $name FAILED: $(cat "$d/error")"
		return
	fi
	echo "iperf3 -c $sip -t $secs -J $* (netns $cns -> $sns)" >"$d/command"
	scen_snap before "$d" "$cns" "$cif" "$sns" "$sif"
	nsx "$cns" timeout $((secs + 30)) iperf3 -c "$sip" -t "$secs" -J \
		--connect-timeout 5000 "$@" >"$d/iperf3.json" 2>"$d/iperf3.err"
	rc=$?
	scen_snap after "$d" "$cns" "$cif" "$sns" "$sif"
	echo "$rc" >"$d/rc"
	srv_stop 5201
	cp /tmp/bench-srv-5201.log "$d/server.log" 2>/dev/null
	say "  $name: $(jq -r 'if .error then "FAILED: " + .error
		elif .start.test_start.protocol == "UDP" then
		  "\((.end.sum.packets - .end.sum.lost_packets) / .end.sum.seconds / 1000 * 10 | floor / 10) kpps received, \(.end.sum.lost_percent | floor) % lost"
		else "\(.end.sum_received.bits_per_second / 1e6 | floor) Mbit/s" end' \
		"$d/iperf3.json" 2>/dev/null || echo "FAILED: iperf3 exit $rc: $(tail -n 1 "$d/iperf3.err")")"
}

scenario_rr() {	# DIR CNS CIF SNS SIF SIP
	local d=$1 cns=$2 cif=$3 sns=$4 sif=$5 sip=$6 rc pid
	rm -f /tmp/bench-rr-server.log
	# nsenter execs the server: $! is its pid (nsx would add a subshell)
	nsenter --net="/run/netns/$sns" "$rr_bin" -s -B "$sip" -p 5202 \
		>/tmp/bench-rr-server.log 2>&1 &
	pid=$!
	if ! wait_for 5 nsx "$sns" sh -c "ss -ltnH 'sport = :5202' | grep -q ."; then
		echo "tcp_rr server in netns $sns did not start" >"$d/error"
		kill "$pid" 2>/dev/null
		cp /tmp/bench-rr-server.log "$d/server.log" 2>/dev/null
		say "  $(basename "$d") FAILED: $(cat "$d/error")"
		return
	fi
	echo "tcp_rr -c $sip -p 5202 -t $secs (netns $cns -> $sns)" >"$d/command"
	scen_snap before "$d" "$cns" "$cif" "$sns" "$sif"
	nsx "$cns" timeout $((secs + 30)) "$rr_bin" -c "$sip" -p 5202 -t "$secs" \
		>"$d/rr.json" 2>"$d/rr.err"
	rc=$?
	scen_snap after "$d" "$cns" "$cif" "$sns" "$sif"
	echo "$rc" >"$d/rc"
	wait_for 5 sh -c "! kill -0 $pid" || kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	cp /tmp/bench-rr-server.log "$d/server.log" 2>/dev/null
	say "  $(basename "$d"): $(jq -r '"\(.per_second | floor) transactions/s, latency p50 \(.latency_us.p50) us, p99 \(.latency_us.p99) us"' \
		"$d/rr.json" 2>/dev/null || echo "FAILED: tcp_rr exit $rc: $(tail -n 1 "$d/rr.err")")"
}

# 18-byte payload + 8 UDP + 20 IP + 14 Ethernet + 4 FCS = 64-byte frames
UDP64=(-u -l 18 -b 0)

# ------------------------------------------------------------ 1a: bring-up

# Stage timestamps: OUTDIR/bringup/stages, "name ms_since_t0"
cp_dir=$out/bringup
mkdir -p "$cp_dir"
stage() { echo "$1 $(ms_since "$t0")" >>"$cp_dir/stages"; }

all_carrier() {
	local i
	for i in $(seq 0 $((NVF - 1))); do
		ns_carrier "t$i" "${VF[i]}" || return 1
	done
}
# ping the link partner from a tenant, once
tping() { nsx "$1" ping -q -c 1 -W 1 "$PEER_IP" >/dev/null 2>&1; }

say "1a: echo $NVF > sriov_numvfs -> $NVF VFs with administrative MACs on $vf_drv, each in its netns, pinging the link partner"
echo 0 >"$(pf_sysfs)/sriov_drivers_autoprobe"
declare -a VF
snap "$cp_dir/before"
t0=$(now_us)
echo "$NVF" >"$(pf_sysfs)/sriov_numvfs" 2>"$cp_dir/numvfs.err" || die "echo $NVF > sriov_numvfs: $(cat "$cp_dir/numvfs.err")"
stage numvfs
# The PF settles (the stock igb may bounce its link when SR-IOV turns on)
wait_for 20 carrier_is "$PF_IF" 1 || fail "bringup: PF carrier not back within 20 s after sriov_numvfs"
stage pf_settled
for i in $(seq 0 $((NVF - 1))); do
	ip link set "$PF_IF" vf "$i" mac "$ADMIN_MAC$i" 2>>"$cp_dir/mac.err" ||
		fail "bringup: ip link set $PF_IF vf $i mac $ADMIN_MAC$i: $(tail -n 1 "$cp_dir/mac.err")"
done
stage admin_macs
# vf_bind of lib.sh, with the driver's probe timed: the write to
# drivers_probe returns when the probe has finished.
bind_timed() {	# INDEX DRIVER
	local bdf dev t
	bdf=$(vf_bdf "$1") || return 1
	dev=/sys/bus/pci/devices/$bdf
	[ -e "$dev/driver" ] && echo "$bdf" > "$dev/driver/unbind"
	echo "$2" > "$dev/driver_override" || return 1
	t=$(now_us)
	echo "$bdf" > /sys/bus/pci/drivers_probe || return 1
	echo "$1 $(( ($(now_us) - t) / 1000 ))" >>"$cp_dir/probe_ms"
	wait_for 10 sh -c "ls $dev/net 2>/dev/null | grep -q ." || return 1
	udevadm settle -t 10 2>/dev/null
	ls "$dev/net"
}
for i in $(seq 0 $((NVF - 1))); do
	VF[i]=$(bind_timed "$i" "$vf_drv" 2>>"$cp_dir/bind.err") || die "VF $i: $vf_drv created no netdev within 10 s"
done
stage bind
for i in $(seq 0 $((NVF - 1))); do
	ip netns add "t$i"
	nsx "t$i" sysctl -qw net.ipv4.conf.all.arp_notify=1
	ip link set "${VF[i]}" netns "t$i" &&
	ip -n "t$i" addr add "192.168.77.$((10 + i))/24" dev "${VF[i]}" ||
		die "cannot move ${VF[i]} to netns t$i"
done
stage netns
snap "$cp_dir/pre-ifup"
for i in $(seq 0 $((NVF - 1))); do
	ip -n "t$i" link set "${VF[i]}" up || die "ip link set ${VF[i]} up failed"
done
stage ifup
snap "$cp_dir/post-ifup"
wait_for 30 all_carrier || fail "bringup: not every VF has carrier 30 s after ifup"
stage carrier
for i in $(seq 0 $((NVF - 1))); do
	wait_for 30 tping "t$i" || fail "bringup: VF $i (${VF[i]}, netns t$i) cannot ping the link partner within 30 s"
done
stage ping
snap "$cp_dir/after"
for i in $(seq 0 $((NVF - 1))); do
	a=$(ns_mac "t$i" "${VF[i]}")
	echo "$i ${VF[i]} $a $(nsx "t$i" ethtool -l "${VF[i]}" 2>/dev/null | awk '/^Combined:/ { c = $2 } END { print c + 0 }')" >>"$cp_dir/vfs"
	[ "$a" = "$ADMIN_MAC$i" ] || fail "bringup: VF $i netdev has MAC $a, not the administrative $ADMIN_MAC$i"
done
nsx t0 ethtool -g "${VF[0]}" >"$cp_dir/vf0-ethtool-g" 2>&1
nsx t0 ethtool -i "${VF[0]}" >"$cp_dir/vf0-ethtool-i" 2>&1
nsx t0 ethtool -k "${VF[0]}" >"$out/ethtool-k" 2>&1
say "  stages (ms from the write): $(tr '\n' ' ' <"$cp_dir/stages")"

# ------------------------------------------------------------ 1b: MAC change

mc=$out/macchange
mkdir -p "$mc"
vf0_has() { [ "$(ns_mac t0 "${VF[0]}")" = "$1" ]; }
vf0_flows() { vf0_has "$NEW_MAC" && tping t0; }
say "1b: live administrative MAC change on VF 0 (${ADMIN_MAC}0 -> $NEW_MAC)"
wait_for 10 tping t0 || fail "macchange: VF 0 does not ping before the change"
snap "$mc/before"
t0=$(now_us)
ip link set "$PF_IF" vf 0 mac "$NEW_MAC" 2>"$mc/set.err" || fail "macchange: ip link set vf 0 mac: $(cat "$mc/set.err")"
echo "set $(ms_since "$t0")" >>"$mc/stages"
if wait_for "$OBSERVE" vf0_has "$NEW_MAC"; then
	echo "netdev_mac $(ms_since "$t0")" >>"$mc/stages"
	if wait_for 30 tping t0; then
		echo "traffic $(ms_since "$t0")" >>"$mc/stages"
		echo automatic >"$mc/mode"
	else
		fail "macchange: VF 0 took $NEW_MAC but cannot ping the link partner within 30 s"
	fi
else
	echo "no_follow_${OBSERVE}s $(ms_since "$t0")" >>"$mc/stages"
	{
		echo "after ${OBSERVE} s the VF netdev still has $(ns_mac t0 "${VF[0]}")"
		tping t0 && echo "ping to the link partner: ok" || echo "ping to the link partner: fails"
	} >"$mc/observed"
	say "  $vf_drv did not take the new MAC within ${OBSERVE} s: rebinding (the admin's procedure)"
	# The procedure: unbind, bind, back into its netns, address, up, ping
	t1=$(now_us)
	vf_unbind 0
	ip netns del t0
	VF[0]=$(vf_bind 0 "$vf_drv" 2>>"$mc/bind.err") || die "macchange: rebind of VF 0 created no netdev"
	echo "rebind_bind $(ms_since "$t1")" >>"$mc/stages"
	ip netns add t0
	nsx t0 sysctl -qw net.ipv4.conf.all.arp_notify=1
	tenant t0 "${VF[0]}" 192.168.77.10 || die "macchange: cannot move ${VF[0]} to t0"
	if wait_for 30 ns_carrier t0 "${VF[0]}" && wait_for 30 tping t0; then
		echo "rebind_traffic $(ms_since "$t1")" >>"$mc/stages"
		if vf0_has "$NEW_MAC"; then
			echo rebind >"$mc/mode"
		else
			fail "macchange: after the rebind VF 0 has $(ns_mac t0 "${VF[0]}"), not $NEW_MAC"
		fi
	else
		fail "macchange: no traffic within 30 s after the rebind"
	fi
fi
snap "$mc/after"
say "  $(cat "$mc/mode" 2>/dev/null || echo FAILED): $(tr '\n' ' ' <"$mc/stages")"

# ------------------------------------------------------------ 1c: VLAN requests

vl=$out/vlan
mkdir -p "$vl"
say "1c: $vlan_cycles VLAN add/remove cycles on VF 1 (${VF[1]}): $((2 * vlan_cycles)) requests"
for c in $(seq 1 "$vlan_cycles"); do
	vid=$(( (c - 1) % 4000 + 10 ))
	echo "link add link ${VF[1]} name v$vid type vlan id $vid"
	echo "link del v$vid"
done >"$vl/batch"
[ "$kind" = ours ] && pf_vf_stat 1 mbx_msgs >"$vl/mbx_before"
snap "$vl/before"
ip -n t1 -force -batch "$vl/batch" >"$vl/out" 2>"$vl/err"
echo $? >"$vl/rc"
snap "$vl/after"
[ "$kind" = ours ] && pf_vf_stat 1 mbx_msgs >"$vl/mbx_after"
grep -c . "$vl/err" >"$vl/errors"
echo "$vlan_cycles" >"$vl/cycles"
[ "$(cat "$vl/rc")" = 0 ] || fail "vlan: ip -batch exit $(cat "$vl/rc"): $(head -n 2 "$vl/err" | tr '\n' ' ')"
say "  $(( ($(cat "$vl/after/time_us") - $(cat "$vl/before/time_us")) / 1000 )) ms, $(cat "$vl/errors") error line(s)"

# ------------------------------------------------------------ 2: datapath

say "2: VF datapath (${secs} s per run)"
wait_for 10 tping t0
wait_for 10 tping t1
scenario vf_vf_tcp1 t0 "${VF[0]}" t1 "${VF[1]}" 192.168.77.11
scenario vf_vf_udp64 t0 "${VF[0]}" t1 "${VF[1]}" 192.168.77.11 "${UDP64[@]}"
scenario vf_peer_tcp1_tx t0 "${VF[0]}" peer peer0 "$PEER_IP"
[ -n "$quick" ] || scenario vf_peer_tcp1_rx t0 "${VF[0]}" peer peer0 "$PEER_IP" -R
scenario vf_peer_udp64_tx t0 "${VF[0]}" peer peer0 "$PEER_IP" "${UDP64[@]}"
scenario vf_vf_rr t0 "${VF[0]}" t1 "${VF[1]}" 192.168.77.11 --rr
scenario vf_peer_rr t0 "${VF[0]}" peer peer0 "$PEER_IP" --rr

if [ -n "$VIO_IF" ]; then
	say "2v: the same VF<->peer runs from the virtio-net NIC $VIO_IF (netns v0)"
	dp_dir=dp-virtio
	scenario vf_peer_tcp1_tx v0 "$VIO_IF" peer peer0 "$PEER_IP"
	[ -n "$quick" ] || scenario vf_peer_tcp1_rx v0 "$VIO_IF" peer peer0 "$PEER_IP" -R
	scenario vf_peer_udp64_tx v0 "$VIO_IF" peer peer0 "$PEER_IP" "${UDP64[@]}"
	scenario vf_peer_rr v0 "$VIO_IF" peer peer0 "$PEER_IP" --rr
	dp_dir=dp
fi

# ------------------------------------------------------------ 3: scale

say "3: scale: TCP 1 stream from each of K VFs at once to the link partner"
for k in ${scale//,/ }; do
	d=$out/scale/k$k
	mkdir -p "$d"
	ok=1
	for i in $(seq 0 $((k - 1))); do
		srv_start peer "$PEER_IP" $((5301 + i)) || { ok=0; echo "iperf3 server :$((5301 + i)) did not start" >"$d/error"; }
	done
	if [ $ok = 1 ]; then
		snap "$d/before"
		pids=()
		for i in $(seq 0 $((k - 1))); do
			nsx "t$i" timeout $((secs + 30)) iperf3 -c "$PEER_IP" -p $((5301 + i)) -t "$secs" -J \
				--connect-timeout 5000 >"$d/vf$i.json" 2>"$d/vf$i.err" &
			pids+=($!)
		done
		for i in $(seq 0 $((k - 1))); do
			wait "${pids[i]}"
			echo $? >"$d/vf$i.rc"
		done
		snap "$d/after"
	fi
	for i in $(seq 0 $((k - 1))); do
		srv_stop $((5301 + i))
	done
	say "  K=$k: $(for i in $(seq 0 $((k - 1))); do
		jq -r '(.end.sum_received.bits_per_second // 0) / 1e6 | floor' "$d/vf$i.json" 2>/dev/null || echo FAILED
	done | tr '\n' ' ')Mbit/s"
done

echo done >"$out/complete"
exit 0
