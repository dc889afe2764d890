#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the lab guest (started by tools/bench/datapath): bring up the
# PF -- iovnet_pf by default, the stock igb with "tools/lab/run --stock" --
# and run every datapath scenario against the link partner, saving raw
# counters around each run and a parsed OUTDIR/boot.json.
#
# Usage: guest.sh OUTDIR SECONDS [IOVNET_PF_KO]
#   (the module to load, default the checkout's iovnet_pf.ko: datapath
#   passes a copy so that a rebuild during the benchmark does not change it)
set -u
# shellcheck source=tools/selftests/lib.sh
. "$(dirname "$0")/../selftests/lib.sh"

[ $# -eq 2 ] || [ $# -eq 3 ] || { echo "usage: $0 OUTDIR SECONDS [IOVNET_PF_KO]" >&2; exit 2; }
out=$1 secs=$2 ko=${3:-$IOVNET_TOP/iovnet_pf.ko}
bench_py=(/usr/bin/python3 "$IOVNET_TOP/tools/bench/bench.py")
srv_pid=/tmp/bench-iperf3-server.pid
rr_bin=$IOVNET_TOP/build/bench/tcp_rr	# built by tools/bench/datapath or run

say() { printf 'bench: %s\n' "$*"; }

# Setup failed: record why (boot.json says so) and stop.
die() {
	say "FAILED: $*"
	printf '%s\n' "$*" >"$out/setup-error"
	"${bench_py[@]}" boot "$out" >/dev/null
	exit 1
}

rm -rf "$out"
mkdir -p "$out" || exit 1

# The adapter: the stock igb already has its netdev ($LAB_PF_IF, set by
# guest-init); ours is loaded here.  Everything after this is the same.
if [ "${LAB_STOCK:-0}" = 1 ]; then
	PF_IF=${LAB_PF_IF:-}
	[ -n "$PF_IF" ] || die "stock igb did not create a netdev"
else
	if ! module_loaded iovnet_pf; then
		iovnet_insmod "$ko" || die "insmod $ko failed"
	fi
	pf_load || die "iovnet_pf did not load"
fi
pf_up || die "no carrier on $PF_IF within 10 s"
wait_ping 20 >/dev/null || die "link partner $PEER_IP unreachable from $PF_IF"

# IRQ numbers of a PCI function (MSI/MSI-X, or its INTx line).
pci_irqs() {	# PCI_ADDRESS
	local d=/sys/bus/pci/devices/$1
	local irqs
	irqs=$(find "$d/msi_irqs" -mindepth 1 -maxdepth 1 -printf '%f ' 2>/dev/null)
	if [ -n "$irqs" ]; then
		echo "$irqs"
	else
		cat "$d/irq"
	fi
}

# The link partner's PCI function: virtio-net, 1af4:1000 with subsystem 1
# (transitional) or 1af4:1041 (modern).
peer_pci() {
	local d id
	for d in /sys/bus/pci/devices/*; do
		id="$(cat "$d/vendor"):$(cat "$d/device"):$(cat "$d/subsystem_device")"
		case $id in
		0x1af4:0x1000:0x0001|0x1af4:0x1041:*) basename "$d"; return 0 ;;
		esac
	done
	return 1
}

# Lab and driver facts, raw; bench.py parses them.
{
	echo "pf_if=$PF_IF"
	echo "pf_pci=$LAB_PF_PCI"
	echo "stock=${LAB_STOCK:-0}"
	echo "accel=${LAB_ACCEL:-}"
	echo "kernel=$(uname -r)"
	echo "cpus=$(nproc)"
	echo "clk_tck=$(getconf CLK_TCK)"
	echo "guest_cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
	echo "iperf3=$(iperf3 --version | head -n 1)"
	echo "mtu=$(cat "/sys/class/net/$PF_IF/mtu")"
	echo "speed=$(cat "/sys/class/net/$PF_IF/speed" 2>/dev/null)"
	echo "pf_irqs=$(pci_irqs "$LAB_PF_PCI")"
	pp=$(peer_pci) && echo "peer_pci=$pp" && echo "peer_irqs=$(pci_irqs "$pp")"
	echo "secs=$secs"
	if [ "${LAB_STOCK:-0}" != 1 ]; then
		echo "module=$ko"
		echo "module_sha256=$(sha256sum "$ko" | cut -c1-16)"
	fi
	mod=$(basename "$(readlink "/sys/class/net/$PF_IF/device/driver/module")")
	echo "module_name=$mod"
	echo "module_srcversion=$(cat "/sys/module/$mod/srcversion" 2>/dev/null)"
} >"$out/facts"
ethtool -i "$PF_IF" >"$out/ethtool-i" 2>&1
ethtool -l "$PF_IF" >"$out/ethtool-l" 2>&1
ethtool -c "$PF_IF" >"$out/ethtool-c" 2>&1
ethtool -g "$PF_IF" >"$out/ethtool-g" 2>&1
ethtool -k "$PF_IF" >"$out/ethtool-k" 2>&1
tc qdisc show dev "$PF_IF" >"$out/qdisc" 2>&1
peer ethtool -k peer0 >"$out/peer-ethtool-k" 2>&1
say "$(sed -n 's/^driver: //p' "$out/ethtool-i") on $PF_IF ($LAB_PF_PCI), accel ${LAB_ACCEL:-?}, $(nproc) CPUs, ${secs} s per run"

# Counters around a run.  /proc/stat and the clock are read last before
# and first after the run, so the window holds as little else as possible.
snap_before() {	# DIR
	snap_counters "$1"
	date +%s.%N >"$1/time"
	cat /proc/stat >"$1/stat"
}
snap_after() {	# DIR
	mkdir -p "$1"
	cat /proc/stat >"$1/stat"
	date +%s.%N >"$1/time"
	snap_counters "$1"
}
snap_counters() {	# DIR
	mkdir -p "$1"
	cat /proc/interrupts >"$1/interrupts"
	cat /proc/softirqs >"$1/softirqs"
	grep -H . "/sys/class/net/$PF_IF/statistics/"* | sed 's|.*/||' >"$1/pf-stats"
	peer sh -c 'grep -H . /sys/class/net/peer0/statistics/*' | sed 's|.*/||' >"$1/peer-stats"
	ethtool -S "$PF_IF" >"$1/pf-ethtool-S" 2>&1
}

port_listening() { peer ss -ltnH "sport = :5201" | grep -q .; }
rr_listening() { peer ss -ltnH "sport = :5202" | grep -q .; }

stop_server() {
	local pid
	pid=$(cat "$srv_pid" 2>/dev/null) || return 0
	# -1 makes it exit after its one test; give it time, then end it.
	if ! wait_for 5 sh -c "! kill -0 $pid"; then
		kill "$pid" 2>/dev/null
		wait_for 5 sh -c "! kill -0 $pid" || kill -9 "$pid" 2>/dev/null
	fi
	rm -f "$srv_pid"
}

# One scenario: fresh one-shot iperf3 server on the peer, counters around
# the client, then bench.py turns the files into DIR/sample.json.
run_scenario() {	# NAME iperf3-client-options...
	local d=$out/$1 rc
	shift
	say "$(basename "$d"): iperf3 -t $secs${*:+ $*}"
	mkdir -p "$d"
	stop_server
	wait_for 10 sh -c '! ip netns exec peer ss -ltnH "sport = :5201" | grep -q .'
	rm -f /tmp/bench-iperf3-server.log
	if ! peer iperf3 -s -1 -D -B "$PEER_IP" -I "$srv_pid" \
	     --logfile /tmp/bench-iperf3-server.log ||
	   ! wait_for 5 port_listening; then
		echo "iperf3 server on the peer did not start" >"$d/error"
		cp /tmp/bench-iperf3-server.log "$d/server.log" 2>/dev/null
		"${bench_py[@]}" sample "$d" "$out/facts"
		return
	fi
	echo "iperf3 -c $PEER_IP -t $secs -J $*" >"$d/command"
	snap_before "$d/before"
	timeout $((secs + 30)) iperf3 -c "$PEER_IP" -t "$secs" -J \
		--connect-timeout 5000 "$@" >/tmp/bench-client.json 2>/tmp/bench-client.err
	rc=$?
	snap_after "$d/after"
	echo "$rc" >"$d/rc"
	cp /tmp/bench-client.json "$d/iperf3.json"
	cp /tmp/bench-client.err "$d/iperf3.err"
	stop_server
	cp /tmp/bench-iperf3-server.log "$d/server.log" 2>/dev/null
	"${bench_py[@]}" sample "$d" "$out/facts"
}

run_scenario tcp1_tx
run_scenario tcp1_rx -R
run_scenario tcp4_tx -P 4
run_scenario tcp4_rx -P 4 -R
# 18-byte payload + 8 UDP + 20 IP + 14 Ethernet + 4 FCS = 64-byte frames
run_scenario udp64_tx -u -l 18 -b 0

# TCP_RR: one 1-byte request, one 1-byte answer, the next request after it
# (tools/bench/tcp_rr.c); a one-shot server in the peer netns on port 5202.
run_rr() {	# NAME
	local d=$out/$1 rc pid
	say "$1: tcp_rr -t $secs (1-byte request and response)"
	mkdir -p "$d"
	rm -f /tmp/bench-rr-server.log
	# ip netns exec execs the server: $! is its pid
	ip netns exec "$PEER_NS" "$rr_bin" -s -B "$PEER_IP" -p 5202 \
		>/tmp/bench-rr-server.log 2>&1 &
	pid=$!
	if ! wait_for 5 rr_listening; then
		echo "tcp_rr server on the peer did not start" >"$d/error"
		kill "$pid" 2>/dev/null
		cp /tmp/bench-rr-server.log "$d/server.log" 2>/dev/null
		"${bench_py[@]}" sample "$d" "$out/facts"
		return
	fi
	echo "tcp_rr -c $PEER_IP -p 5202 -t $secs" >"$d/command"
	snap_before "$d/before"
	timeout $((secs + 30)) "$rr_bin" -c "$PEER_IP" -p 5202 -t "$secs" \
		>"$d/rr.json" 2>"$d/rr.err"
	rc=$?
	snap_after "$d/after"
	echo "$rc" >"$d/rc"
	wait_for 5 sh -c "! kill -0 $pid" || kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	cp /tmp/bench-rr-server.log "$d/server.log" 2>/dev/null
	"${bench_py[@]}" sample "$d" "$out/facts"
}
run_rr tcp_rr

"${bench_py[@]}" boot "$out" || exit 1
