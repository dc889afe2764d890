#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Allocation failures in the driver's control paths (debug kernel only:
# needs CONFIG_FAILSLAB, CONFIG_FAIL_PAGE_ALLOC and their debugfs files;
# skips otherwise).  For each operation that calls into iovnet -- PF probe
# (bind), open, ring resize (ethtool -G), channel change (ethtool -L), MTU
# change, VF enable (sriov_numvfs) and VF driver probe (bind to iovnet_vf)
# -- the Nth slab or page allocation made by the task doing it fails, for
# N = 1..K (FAULT_K, default 8: enough to reach the second queue pair of
# a ring resize, after the first new RX ring is filled), one
# failure per attempt.  The probes (PF and VF bind) count their points P
# first and take all of them, or K spread over them if there are more
# (spread_points; see the scoping below).  Each attempt must either fail
# with an errno and leave the previous state intact, or succeed; either
# way the next attempt without injection must succeed and the device
# must pass traffic afterwards.
#
# Scoping: /proc/thread-self/fail-nth (Documentation/fault-injection/
# fault-injection.rst, "Systematic faults using fail-nth") arms the Nth
# fault point of one task only.  A small Python helper opens everything
# it needs first, then arms fail-nth and makes the one system call that
# reaches the driver (a sysfs write, SIOCSIFFLAGS, SIOCSIFMTU, or
# SIOCETHTOOL), so exec and setup allocations are not counted; PCI probe
# from a sysfs bind runs in the writing task (numa_node is -1 in the lab,
# so pci_call_probe does not hop to another CPU's worker).  failslab and
# fail_page_alloc count only with ignore-gfp-wait=N (GFP_KERNEL
# allocations); probability stays 0, so nothing else fails.  verbose=1
# logs one line per fault (verbose=2 would dump stacks, which the lab's
# kernel log check treats as a failure).
#
# With CONFIG_FAULT_INJECTION_STACKTRACE_FILTER, fail-nth counts only
# allocations with a return address in the module under test on the stack
# (require-start/-end set to its code: Documentation/fault-injection/
# fault-injection.rst), so N = 1..K are the driver's own first K
# allocations rather than the system call's (kernfs buffers, driver core)
# -- without it the first points are mostly outside the driver.  The
# probes (PF and VF bind) go further: the stack is looked at only
# FAULT_DEPTH frames deep (stacktrace-depth, default 8), so only
# allocations the driver makes itself or one or two helpers below it
# count, not the thousands pci_enable_device(), register_netdev() and
# sysfs make on its behalf: 22 points for the PF probe and 20-21 for the
# VF probe on the debug kernel, MSI-X setup left out (the PF probe: 4 at
# depth 5, 107 at 10, 3050 at 32, with MSI-X setup).  A
# probe with at most FAULT_ALL (default K) such points has every one of
# them fail in turn, else K spread over them; at least one of them must
# make the probe fail with an errno.
#
# FAULT_OPS="probe open rings channels mtu vfprobe vfenable-pfdown
# vfenable-pfup" (default: all) picks the sweeps; the others are skipped.
# FAULT_K, FAULT_DEPTH and FAULT_ALL set K, the probes' stack depth and
# their all-points limit.
#
# Output: "# fault: OP N=n ..." lines (the errno the operation returned,
# which injector fired), then a summary per operation.

. "$(dirname "$0")/lib.sh"

DBG=/sys/kernel/debug
K=${FAULT_K:-8}
DEPTH=${FAULT_DEPTH:-8}
ALL=${FAULT_ALL:-$K}
FNTH=/tmp/iovnet-fnth.py

if [ ! -d $DBG/failslab ] || [ ! -d $DBG/fail_page_alloc ] ||
   [ ! -e /proc/self/fail-nth ]; then
	echo "KTAP version 1"
	echo "1..0 # SKIP no failslab/fail_page_alloc/fail-nth (not a fault-injection kernel)"
	exit 4
fi

cat >"$FNTH" <<'EOF'
# fnth.py N OP ARGS...: arm fail-nth = N for this thread, make the one
# system call of OP, disarm; print "err=ERRNO left=L" (L = 0: the Nth
# fault point was reached and failed; L > 0: OP has fewer than N).
import array, errno, fcntl, os, socket, struct, sys

n, op, args = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
SIOCGIFFLAGS, SIOCSIFFLAGS, SIOCSIFMTU, SIOCETHTOOL = 0x8913, 0x8914, 0x8922, 0x8946
ETHTOOL_GRINGPARAM, ETHTOOL_SRINGPARAM = 0x10, 0x11
ETHTOOL_GCHANNELS, ETHTOOL_SCHANNELS = 0x3c, 0x3d

def ifreq(name, data):
    return bytearray(struct.pack('16s', name.encode()) + data.ljust(24, b'\0'))

def ethtool(sock, name, words):
    buf = array.array('I', words)
    req = bytearray(struct.pack('16sQ', name.encode(), buf.buffer_info()[0]).ljust(40, b'\0'))
    return buf, req

call = None
if op == 'write':		# write PATH VALUE
    fd = os.open(args[0], os.O_WRONLY)
    data = args[1].encode()
    call = lambda: os.write(fd, data)
elif op in ('ifup', 'mtu', 'rings', 'channels'):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    name = args[0]
    if op == 'ifup':
        req = ifreq(name, b'')
        fcntl.ioctl(s, SIOCGIFFLAGS, req, True)
        flags = struct.unpack_from('H', req, 16)[0] | 1
        struct.pack_into('H', req, 16, flags)
        call = lambda: fcntl.ioctl(s, SIOCSIFFLAGS, req, True)
    elif op == 'mtu':
        req = ifreq(name, struct.pack('i', int(args[1])))
        call = lambda: fcntl.ioctl(s, SIOCSIFMTU, req, True)
    elif op == 'rings':	# rings IF RX TX
        buf, req = ethtool(s, name, [ETHTOOL_GRINGPARAM] + [0] * 8)
        fcntl.ioctl(s, SIOCETHTOOL, req, True)
        buf[0] = ETHTOOL_SRINGPARAM
        buf[5], buf[8] = int(args[1]), int(args[2])
        call = lambda: fcntl.ioctl(s, SIOCETHTOOL, req, True)
    else:			# channels IF COMBINED
        buf, req = ethtool(s, name, [ETHTOOL_GCHANNELS] + [0] * 8)
        fcntl.ioctl(s, SIOCETHTOOL, req, True)
        buf[0] = ETHTOOL_SCHANNELS
        buf[8] = int(args[1])
        call = lambda: fcntl.ioctl(s, SIOCETHTOOL, req, True)
else:
    sys.exit('fnth.py: unknown op ' + op)

ctl = os.open('/proc/thread-self/fail-nth', os.O_WRONLY)
rd = os.open('/proc/thread-self/fail-nth', os.O_RDONLY)
arm, disarm = str(n).encode(), b'0'
err = 0
os.write(ctl, arm)
try:
    call()
except OSError as e:
    err = e.errno
left = os.read(rd, 16)
os.write(ctl, disarm)
print('err=%d left=%d' % (err, int(left)))
EOF

knob() { echo "$3" >"$DBG/$1/$2"; }
SAVED=
for f in failslab fail_page_alloc; do
	for k in probability interval times space verbose task-filter ignore-gfp-wait \
		 require-start require-end reject-start reject-end stacktrace-depth; do
		[ -e "$DBG/$f/$k" ] && SAVED+="$f/$k=$(cat $DBG/$f/$k) "
	done
done

# The code of loaded modules, "START END": their executable sections'
# addresses (/sys/module/M/sections) and sizes (the .ko's ELF headers),
# init code left out (freed, and placed apart); for several modules, the
# span from the lowest to the highest (the failslab filter takes one
# range).  Arguments: MODULE KO [MODULE KO...]
TEXTRANGE=/tmp/iovnet-textrange.py
cat >"$TEXTRANGE" <<'EOF2'
import os, struct, sys
lo = hi = None
for mod, ko in zip(sys.argv[1::2], sys.argv[2::2]):
    elf = open(ko, 'rb').read()
    shoff, = struct.unpack_from('<Q', elf, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from('<HHH', elf, 0x3a)
    shdr = [struct.unpack_from('<IIQQQQ', elf, shoff + i * shentsize) for i in range(shnum)]
    names = shdr[shstrndx][4]
    found = False
    for name_off, _, flags, _, _, size in shdr:
        name = elf[names + name_off:elf.index(b'\0', names + name_off)].decode()
        path = '/sys/module/%s/sections/%s' % (mod, name)
        if not flags & 0x4 or not size or name.startswith('.init') or not os.path.exists(path):
            continue
        start = int(open(path).read(), 16)
        if not start:
            continue
        found = True
        lo = start if lo is None else min(lo, start)
        hi = start + size if hi is None else max(hi, start + size)
    if not found:
        sys.exit('no code addresses for ' + mod)
print('%d %d' % (lo, hi))
EOF2
# scope MODULES KOS [DEPTH]: count only allocations made under the code of
# MODULES (a list, with their .ko files in KOS), within DEPTH stack frames
# of the allocator (default 32, the kernel's: anywhere below that code).
# The PF's and VF's control paths run partly in iovnet_lib (rings,
# ethtool ops), so the sweeps after the probes scope to both modules.
SCOPED=0
scope() {
	local r depth=${3:-32} args=() m k
	local -a mods kos
	[ -e "$DBG/failslab/require-start" ] || return 0
	read -r -a mods <<<"$1"
	read -r -a kos <<<"$2"
	for m in "${!mods[@]}"; do
		k=${kos[$m]}
		args+=("${mods[$m]}" "$k")
	done
	r=$(python3 -S "$TEXTRANGE" "${args[@]}") || { ktap_info "fault: cannot scope to $1: $r"; return 1; }
	for f in failslab fail_page_alloc; do
		knob $f require-start "${r% *}"
		knob $f require-end "${r#* }"
		knob $f stacktrace-depth "$depth"
	done
	SCOPED=1
	ktap_info "fault: fail-nth counts allocations under $1's code ($(printf '%#x-%#x' "${r% *}" "${r#* }")), $depth frames deep"
}
cleanup() {
	local kv
	for kv in $SAVED; do
		echo "${kv#*=}" >"$DBG/${kv%%=*}" 2>/dev/null
	done
	tenants_cleanup
	module_loaded iovnet_vf && rmmod iovnet_vf
	[ -e "$(pf_sysfs)/sriov_numvfs" ] && vfs_disable 2>/dev/null
	rm -f "$FNTH" "$TEXTRANGE" "$SYMRANGE"
}
trap cleanup EXIT

# A kernel function's code, "START END": its address and the next
# function's, from /proc/kallsyms
SYMRANGE=/tmp/iovnet-symrange.py
cat >"$SYMRANGE" <<'EOF3'
import sys
addrs, start = [], None
for line in open('/proc/kallsyms'):
    f = line.split()
    if f[1] in 'tTwW':
        a = int(f[0], 16)
        addrs.append(a)
        if f[2] == sys.argv[1] and len(f) == 3:
            start = a
if not start:
    sys.exit('no address for ' + sys.argv[1])
print('%d %d' % (start, min(a for a in addrs if a > start)))
EOF3
# reject FUNCTION: allocations under FUNCTION never count, in any sweep
reject() {
	local r
	[ -e "$DBG/failslab/reject-start" ] || return 0
	r=$(python3 -S "$SYMRANGE" "$1") || { ktap_info "fault: cannot leave out $1: $r"; return 1; }
	for f in failslab fail_page_alloc; do
		knob $f reject-start "${r% *}"
		knob $f reject-end "${r#* }"
	done
	ktap_info "fault: allocations under $1 never fail ($(printf '%#x-%#x' "${r% *}" "${r#* }"))"
}

for f in failslab fail_page_alloc; do
	knob $f probability 0		# nothing fails but fail-nth's Nth
	knob $f interval 1
	knob $f times -1
	knob $f space 0
	knob $f verbose 1
	knob $f task-filter Y
	knob $f ignore-gfp-wait N	# GFP_KERNEL allocations count too
done

FI_MARK=0 DEAD=0
fi_mark() { FI_MARK=$(dmesg | wc -l); }
# which injector logged the fault since fi_mark (none: a __GFP_NOWARN one)
fi_which() {
	dmesg | tail -n +$((FI_MARK + 1)) | sed -n 's/^.*name \(fail[a-z_]*\), interval.*$/\1/p' |
		sort -u | tr '\n' ' ' | sed 's/ $//'
}

# attempt N OP ARGS...: one armed attempt; sets ERR and LEFT, logs it
attempt() {
	local n=$1 res
	shift
	fi_mark
	res=$(python3 -S "$FNTH" "$n" "$@" 2>&1)
	ERR=$(sed -n 's/^err=\([0-9]*\) .*/\1/p' <<<"$res")
	LEFT=$(sed -n 's/.* left=\([0-9]*\)$/\1/p' <<<"$res")
	if [ -z "$ERR" ] || [ -z "$LEFT" ]; then
		ktap_info "fault: $OP N=$n helper failed: $res"
		ERR=-1 LEFT=1
		return
	fi
	local what=ok
	[ "$ERR" = 0 ] || what="errno $ERR"
	if [ "$LEFT" = 0 ]; then
		INJ=$((INJ + 1))
		[ "$ERR" = 0 ] || FAILED=$((FAILED + 1))
		ktap_info "fault: $OP N=$n injected (${FI_WHICH:-$(fi_which)}) -> $what"
	else
		ktap_info "fault: $OP N=$n not reached: $OP makes $((n - LEFT)) fault points -> $what"
	fi
}

# spread_points P: all of an operation's P fault points if there are at
# most SWEEP_ALL (default K), else K of them: the first K/2, then K/2
# spread evenly over the rest up to the last one.
spread_points() {
	local p=$1 h=$((K / 2)) i
	if [ "$p" -le "${SWEEP_ALL:-$K}" ]; then
		seq 1 "$p"
		return
	fi
	seq 1 "$h"
	for i in $(seq 1 $((K - h))); do
		echo $((h + i * (p - h) / (K - h)))
	done
}

# sweep OP STEP: runs "STEP N" for N = 1..K (SWEEP_K) until the operation
# makes fewer than N fault points; with SWEEP_SPREAD=1 it first counts
# the operation's points P with an attempt that cannot reach its N, then
# runs the K of spread_points P.  STEP does the attempt and its checks and
# returns non-zero on a broken invariant.  One check per operation; with
# SWEEP_MUST_FAIL=1 it also needs one injected fault to have made the
# operation fail with an errno.
sweep() {	# OP DESCRIPTION STEP
	local n ns range bad=0 t0 desc=$2 step=$3 big=1000000 fails=0
	OP=$1 INJ=0 FAILED=0
	if [ -n "${FAULT_OPS:-}" ] && [[ " $FAULT_OPS " != *" $OP "* ]]; then
		ktap_result skip "$desc" "not in FAULT_OPS"
		ktap_result skip "$OP: no oops" "not in FAULT_OPS"
		return 0
	fi
	t0=$(date +%s%N)
	dmesg_mark
	ns=$(seq 1 "${SWEEP_K:-$K}")
	range=1..${SWEEP_K:-$K}
	if [ "${SWEEP_SPREAD:-0}" = 1 ]; then
		WHY=
		if ! $step $big || [ "$ERR" != 0 ]; then
			bad=$((bad + 1))
			ktap_info "fault: $OP: BROKEN without a fault: ${WHY:-errno $ERR}"
		fi
		ns=$(spread_points $((big - LEFT)))
		range=$(paste -s -d, <<<"$ns")
		ktap_info "fault: $OP makes $((big - LEFT)) fault points; N = $range"
	fi
	for n in $ns; do
		if ! $step "$n"; then
			bad=$((bad + 1))
			ktap_info "fault: $OP N=$n: BROKEN: $WHY"
		fi
		[ "$LEFT" = 0 ] && [ "$DEAD" = 0 ] || break
	done
	if [ "$DEAD" = 0 ] && [ -n "${SWEEP_END:-}" ] && ! $SWEEP_END; then
		bad=$((bad + 1))
		ktap_info "fault: $OP: BROKEN after the sweep: $WHY"
	fi
	ktap_info "fault: $OP: $INJ faults injected, $FAILED made it fail, $bad broken, $(( ($(date +%s%N) - t0) / 1000000 )) ms"
	[ "${SWEEP_MUST_FAIL:-0}" = 1 ] || fails=-1
	check "$desc: Nth allocation fails for N=$range ($INJ injected, $FAILED errors, state kept)" \
		sh -c "[ $bad -eq 0 ] && [ $INJ -gt 0 ] && [ $FAILED -gt $fails ]"
	check "$OP: no oops, WARN, KASAN or lockdep report" dmesg_clean
}

pf_traffic() { wait_for 20 ping -q -c 1 -W 1 "$PEER_IP" >/dev/null; }
is_up() { ip link show "$PF_IF" | grep -q '[<,]UP[,>]'; }
pf_bound() { [ "$(basename "$(readlink "$(pf_sysfs)/driver" 2>/dev/null)")" = iovnet_pf ]; }
rings() { ethtool -g "$PF_IF" | awk '/^Current/ { c = 1 } c && /^(RX|TX):/ { printf "%s ", $2 }'; }
combined() { ethtool -l "$PF_IF" | awk '/^Current/ { c = 1 } c && /^Combined:/ { print $2 }'; }
mtu() { cat "/sys/class/net/$PF_IF/mtu"; }
numvfs() { cat "$(pf_sysfs)/sriov_numvfs"; }

ktap_header 19
T_START=$(date +%s)
# 6.12's MSI-X setup cannot fail cleanly in one place: when
# msix_setup_interrupts() fails, pci_free_msi_irqs() unmaps the MSI-X table
# and clears dev->msix_base (drivers/pci/msi/msi.c:695-696, 917-920), then
# msix_capability_init() unmaps it again (msi.c:763-764), and iounmap(NULL)
# WARNs (arch/x86/mm/ioremap.c:461).  A PCI core bug, not the driver's:
# the probes' MSI-X allocations are left out of the sweeps.
reject __pci_enable_msix_range
ktap_info "kernel $(uname -r); K=$K, probes $DEPTH frames deep, all points up to $ALL; PF numa_node $(cat "/sys/bus/pci/devices/$LAB_PF_PCI/numa_node" 2>/dev/null || echo "none (no CONFIG_NUMA)")"
pf_load && pf_up && wait_ping 20 || { echo "Bail out! PF did not come up"; exit 1; }
check "PF passes traffic before any fault" ping_peer 10

# --- PF probe (bind) ------------------------------------------------------
scope iovnet_pf "$PF_KO" "$DEPTH"
BDF=$LAB_PF_PCI
echo "$BDF" >/sys/bus/pci/drivers/iovnet_pf/unbind
step_probe() {
	attempt "$1" write /sys/bus/pci/drivers/iovnet_pf/bind "$BDF"
	if [ "$ERR" != 0 ]; then
		pf_bound && { WHY="bind failed (errno $ERR) but the PF is bound"; return 1; }
		[ -z "$(ls "$(pf_sysfs)/net" 2>/dev/null)" ] ||
			{ WHY="failed probe left a netdev"; return 1; }
		echo "$BDF" >/sys/bus/pci/drivers/iovnet_pf/bind 2>/dev/null ||
			{ WHY="bind without injection fails after the fault"; return 1; }
	fi
	pf_bound || { WHY="PF not bound after a successful bind"; return 1; }
	wait_for 10 netdev_by_mac "$LAB_PF_MAC" >/dev/null ||
		{ WHY="no PF netdev after the (re)bind"; return 1; }
	echo "$BDF" >/sys/bus/pci/drivers/iovnet_pf/unbind
}
probe_end() {
	echo "$BDF" >/sys/bus/pci/drivers/iovnet_pf/bind
	PF_IF= && pf_load && pf_up && wait_ping 20 ||
		{ WHY="no PF traffic after the probe faults"; return 1; }
}
SWEEP_END=probe_end SWEEP_SPREAD=1 SWEEP_ALL=$ALL SWEEP_MUST_FAIL=$SCOPED
sweep probe "PF probe (bind to iovnet_pf)" step_probe
SWEEP_END='' SWEEP_SPREAD=0 SWEEP_ALL='' SWEEP_MUST_FAIL=0
scope "iovnet_pf iovnet_lib" "$PF_KO $LIB_KO"
pf_bound || { echo "$BDF" >/sys/bus/pci/drivers/iovnet_pf/bind; PF_IF= && pf_load && pf_up && wait_ping 20; }

# --- open -----------------------------------------------------------------
step_open() {
	ip link set "$PF_IF" down
	attempt "$1" ifup "$PF_IF"
	if [ "$ERR" != 0 ]; then
		is_up && { WHY="open failed (errno $ERR) but the link is up"; return 1; }
		ip link set "$PF_IF" up || { WHY="open without injection fails"; return 1; }
	fi
	pf_traffic || {
		# A fault in the core's qdisc setup (after our ndo_open) leaves
		# noop queues: a plain down/up must cure it
		ip link set "$PF_IF" down && ip link set "$PF_IF" up && pf_traffic
	} || { WHY="no traffic after open"; return 1; }
}
sweep open "open (ip link set up)" step_open

# --- ring resize ------------------------------------------------------------
step_rings() {
	local old new=512
	old=$(rings)
	[ "$old" = "512 512 " ] && new=256
	attempt "$1" rings "$PF_IF" $new $new
	if [ "$ERR" != 0 ]; then
		[ "$(rings)" = "$old" ] || { WHY="failed resize changed the rings to $(rings)"; return 1; }
		is_up && pf_traffic || { WHY="old rings do not pass traffic after a failed resize"; return 1; }
		ethtool -G "$PF_IF" rx $new tx $new || { WHY="resize without injection fails"; return 1; }
	fi
	[ "$(rings)" = "$new $new " ] || { WHY="rings $(rings), not $new"; return 1; }
	pf_traffic || { WHY="no traffic on the new rings"; return 1; }
}
sweep rings "ring resize (ethtool -G)" step_rings
ethtool -G "$PF_IF" rx 256 tx 256

# --- channels ---------------------------------------------------------------
step_channels() {
	local old new=1
	old=$(combined)
	[ "$old" = 1 ] && new=2
	attempt "$1" channels "$PF_IF" $new
	if [ "$ERR" != 0 ]; then
		[ "$(combined)" = "$old" ] || { WHY="failed ethtool -L left $(combined) queues"; return 1; }
		pf_traffic || { WHY="no traffic after a failed ethtool -L"; return 1; }
		ethtool -L "$PF_IF" combined $new || { WHY="ethtool -L without injection fails"; return 1; }
	fi
	[ "$(combined)" = "$new" ] || { WHY="$(combined) queues, not $new"; return 1; }
	pf_traffic || { WHY="no traffic with $new queues"; return 1; }
}
sweep channels "channel change (ethtool -L)" step_channels

# --- MTU --------------------------------------------------------------------
step_mtu() {
	local old new=1500
	old=$(mtu)
	[ "$old" = 1500 ] && new=9000
	attempt "$1" mtu "$PF_IF" $new
	if [ "$ERR" != 0 ]; then
		if ! pf_traffic; then
			# netif_running with a freed datapath: the next
			# ndo_stop/reinit would stop it again (NULL qvecs)
			DEAD=1
			WHY="failed MTU change (errno $ERR) left the PF up without a datapath (carrier $(cat "/sys/class/net/$PF_IF/carrier"), MTU $(mtu)); not touching it: a down would stop it twice"
			return 1
		fi
		[ "$(mtu)" = "$old" ] || { WHY="failed MTU change left MTU $(mtu), not $old"; return 1; }
		ip link set "$PF_IF" mtu $new || { WHY="MTU change without injection fails"; return 1; }
	fi
	[ "$(mtu)" = "$new" ] || { WHY="MTU $(mtu), not $new"; return 1; }
	pf_traffic || { WHY="MTU $new: no traffic after the change"; return 1; }
}
sweep mtu "MTU change (ip link set mtu)" step_mtu
if [ $DEAD = 1 ]; then
	# Everything from here would stop the dead datapath again
	for t in "VF driver probe" "VF driver probe: no oops" "VF 0 -> partner" \
		 "VF enable, PF down" "VF enable, PF down: no oops" \
		 "VF enable, PF up" "VF enable, PF up: no oops" "PF traffic after all the faults"; do
		ktap_result skip "$t" "the PF datapath is gone after a failed MTU change (driver bug)"
	done
	trap - EXIT
	for kv in $SAVED; do echo "${kv#*=}" >"$DBG/${kv%%=*}" 2>/dev/null; done
	ktap_finish
fi
ip link set "$PF_IF" mtu 1500

# --- VF driver probe (bind to iovnet_vf) -------------------------------------
vfs_enable 2 && iovnet_insmod "$VF_KO"
scope iovnet_vf "$VF_KO" "$DEPTH"
VFBDF=$(vf_bdf 0)
echo iovnet_vf >"/sys/bus/pci/devices/$VFBDF/driver_override"
vf_bound() { [ "$(basename "$(readlink "/sys/bus/pci/devices/$VFBDF/driver" 2>/dev/null)")" = iovnet_vf ]; }
vf_carrier() { wait_for 20 sh -c "cat /sys/bus/pci/devices/$VFBDF/net/*/carrier | grep -q 1"; }
step_vfprobe() {
	attempt "$1" write /sys/bus/pci/drivers/iovnet_vf/bind "$VFBDF"
	if [ "$ERR" != 0 ]; then
		vf_bound && { WHY="bind failed (errno $ERR) but the VF is bound"; return 1; }
		echo "$VFBDF" >/sys/bus/pci/drivers/iovnet_vf/bind 2>/dev/null ||
			{ WHY="VF bind without injection fails"; return 1; }
	fi
	vf_bound || { WHY="VF not bound"; return 1; }
	[ -n "$(ls "/sys/bus/pci/devices/$VFBDF/net" 2>/dev/null)" ] ||
		{ WHY="VF bound without a netdev"; return 1; }
	echo "$VFBDF" >/sys/bus/pci/drivers/iovnet_vf/unbind
}
SWEEP_SPREAD=1 SWEEP_ALL=$ALL SWEEP_MUST_FAIL=$SCOPED
sweep vfprobe "VF driver probe (bind to iovnet_vf)" step_vfprobe
SWEEP_SPREAD=0 SWEEP_ALL='' SWEEP_MUST_FAIL=0
VF0=$(vf_bind 0 iovnet_vf) && tenant t0 "$VF0" 192.168.77.10
check "VF 0 -> partner after the VF probe faults" \
	wait_for 30 tns t0 ping -q -c 1 -W 1 "$PEER_IP"
tenants_cleanup
rmmod iovnet_vf
vfs_disable

# --- VF enable (sriov_numvfs), PF down, then PF up -------------------------
# With the PF up, enabling VFs switches the PF's queue layout (down, up):
# a fault there must leave the PF running as before.
step_vfs() {
	attempt "$1" write "$(pf_sysfs)/sriov_numvfs" 2
	if [ "$ERR" != 0 ]; then
		[ "$(numvfs)" = 0 ] && [ ! -e "$(pf_sysfs)/virtfn0" ] ||
			{ WHY="failed VF enable left $(numvfs) VFs"; return 1; }
		[ "$VF_PF_UP" = 0 ] || pf_traffic ||
			{ WHY="PF without traffic after a failed VF enable"; return 1; }
		echo 2 >"$(pf_sysfs)/sriov_numvfs" || { WHY="VF enable without injection fails"; return 1; }
	fi
	[ "$(numvfs)" = 2 ] && [ -e "$(pf_sysfs)/virtfn1" ] || { WHY="not 2 VFs"; return 1; }
	[ "$VF_PF_UP" = 0 ] || pf_traffic || { WHY="PF without traffic with 2 VFs"; return 1; }
	vfs_disable
}
echo 0 >"$(pf_sysfs)/sriov_drivers_autoprobe"
scope "iovnet_pf iovnet_lib" "$PF_KO $LIB_KO"
# The PCI core's pci_iov_add_virtfn() cannot fail cleanly: device_add()
# failing in pci_device_add() only WARNs (drivers/pci/probe.c:2654) and
# leaves the VF's BAR resources claimed, so the next enable hits
# BUG_ON(rc) at drivers/pci/iov.c:333, then a use-after-free.  That is
# the core's limit, not the driver's: its allocations never fail here
# (MSI-X setup is not on this path).  Which N reaches it depends on how
# many allocations the driver makes first (session 13's CI crashed at
# N=3 once the VF array stopped being allocated), so it is left out by
# address rather than by a count.
reject pci_iov_add_virtfn
ip link set "$PF_IF" down
VF_PF_UP=0
sweep vfenable-pfdown "VF enable (sriov_numvfs = 2, PF down)" step_vfs
vfs_disable
ip link set "$PF_IF" up && wait_ping 20
VF_PF_UP=1
sweep vfenable-pfup "VF enable (sriov_numvfs = 2, PF up)" step_vfs
vfs_disable
check "PF passes traffic after all the faults" ping_peer 20
ktap_info "fault_inject: $(( $(date +%s) - T_START )) s in all, K=$K, $([ $SCOPED = 1 ] && echo "fail-nth scoped to the module under test" || echo "fail-nth not scoped (no stacktrace filter)")"
ktap_finish
