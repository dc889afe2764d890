#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The upstream kernel's generic NIC selftests (tools/testing/selftests/
# drivers/net and drivers/net/hw, HW mode: NETIF=...) run against our PF
# netdev and then against one of our VF netdevs (iovnet_vf), with the lab's
# link partner (netns "peer") as the netns remote.  Each upstream case is
# one KTAP case here, named "pf: FILE.CASE" or "vf: FILE.CASE":
#   upstream ok             -> ok
#   upstream SKIP / XFAIL   -> SKIP with upstream's reason (XFAIL means the
#                              device lacks the feature: not a pass)
#   upstream not ok         -> not ok, unless LAB_LIMITS below names the
#                              case as a known lab limit: SKIP with why
#   listed but not reported -> not ok (the upstream script died)
#
# The upstream tree (UPSTREAM_KSRC, read-only) is staged into a scratch
# directory in /tmp: the selftests' Python libraries, ynl and the netlink
# specs, and hw/csum.py's helper binary is built there.  A small Python
# launcher runs each upstream script unchanged; it first lists each
# script's cases (for the KTAP plan) and supplies the one attribute
# 6.12's NetDrvEpEnv lacks that 6.12's hw/csum.py uses (remote_ifname).
#
# Not run, and why (also printed as "# not run:" lines):
#   netcons_basic.sh            6.12's version ignores NETIF (netdevsim only)
#   hw/devlink_port_split.py    needs devlink ports that split; ours have none
#   hw/ethtool.sh, ethtool_extended_state.sh, ethtool_mm.sh, loopback.sh,
#   ethtool_rmon.sh, hw_stats_l3*.sh
#                               forwarding/lib.sh tests: NETIFS of two or
#                               four ports in the root netns cabled to each
#                               other (the lab's partner is a virtio NIC in
#                               a netns), mausezahn, lldptool, switch-only
#                               l3 stats, or NETIF_F_LOOPBACK
#
# Env: UPSTREAM_KSRC (default /usr/src/linux-source-6.12),
#      UPSTREAM_TESTS (default: the list below, paths under drivers/net),
#      UPSTREAM_TOOLS (default /opt/iovnet-lab/bin, searched first: ethtool),
#      UPSTREAM_TIMEOUT (s per upstream script, 240),
#      UPSTREAM_CSUM_RX_SECS (csum receive window, 4).
#      Both defaults are 4x on a kernel with lockdep.

. "$(dirname "$0")/lib.sh"

KSRC=${UPSTREAM_KSRC:-/usr/src/linux-source-6.12}
TESTS=${UPSTREAM_TESTS:-"ping.py stats.py queues.py hw/csum.py hw/rss_ctx.py hw/pp_alloc_fail.py"}
PY=/usr/bin/python3
VF_IP=192.168.77.3
VF_IP6=fd77::3
# Time limits are 4x on a debug kernel (lib.sh's time_bound), where starting
# a process under TCG takes seconds: upstream's 5 s wait for a listening
# socket (wait_port_listen) ran out before socat listened, and ping.py's
# test_tcp then waited for a connection that never came.
CASE_TIMEOUT=${UPSTREAM_TIMEOUT:-$(time_bound 240)}	# seconds per upstream script
CSUM_RX_SECS=${UPSTREAM_CSUM_RX_SECS:-$(time_bound 4)}
PORT_WAIT_SECS=$(time_bound 5)
# A directory searched first for commands: hw/rss_ctx.py needs an ethtool
# with --json for -x/-c (bookworm's 6.1 has not).  tools/lab/setup does not
# provide one (it takes only virtme-ng from trixie), so the case skips
# unless an admin puts a newer ethtool there.
UPSTREAM_TOOLS=${UPSTREAM_TOOLS:-/opt/iovnet-lab/bin}
[ -d "$UPSTREAM_TOOLS" ] && PATH=$UPSTREAM_TOOLS:$PATH

# Upstream cases that can fail for a reason of the lab, not of our driver:
# "FILE.CASE" -> "REGEX|reason" (split at the last "|": the REGEX may
# alternate, the reason has none).  A failed case becomes SKIP (reason) only
# if every failure line it printed ("Check failed ...", an exception's
# last line) matches REGEX; any other failure keeps it "not ok".
declare -A LAB_LIMITS=(
	[pp_alloc_fail.test_pp_alloc]="Traffic seems low|the case first checks that the peer's flood reaches 15000 received packets/s and stops there; under TCG the netdev under test receives a few hundred to a few thousand, 338-589 on the debug kernel (on the lab kernel, which has no fail_function, the case is not started at all)"
	[stats.pkt_byte_sum]="KeyError: [0-9]+|has no attribute with value|6.12's YNL and netlink specs (the staged tree) cannot decode a newer kernel's rt-link reply (7.2 adds attribute 67); the case passes on 6.12, where tree and kernel match"
	[stats.qstat_by_ifindex]="KeyError: [0-9]+|has no attribute with value|the same YNL decode failure, left behind by the case before on the shared netlink socket (KeyError on the next sequence number); passes on 6.12"
	[rss_ctx.test_hitless_key_update]='Check failed [0-9.]+ >= 0\.2|under TCG with iperf3 at full load "ethtool -X hkey" takes longer than the 0.2 s of wall time the case allows (the RSS key write itself does not reset the device)'
)

NOT_RUN=(
	"netcons_basic.sh: 6.12's version ignores NETIF and tests two netdevsim devices"
	"hw/devlink_port_split.py: needs devlink ports that can split (an 82576 function is one port; iovnet registers no devlink port)"
	"hw/ethtool.sh hw/ethtool_extended_state.sh hw/loopback.sh: forwarding/lib.sh with two cabled ports in the root netns (the partner is a virtio NIC in netns peer); loopback.sh needs NETIF_F_LOOPBACK"
	"hw/ethtool_rmon.sh: two cabled ports in the root netns and mausezahn (not installed)"
	"hw/ethtool_mm.sh: MAC merge (802.3br) and lldptool; the 82576 has no MAC merge layer"
	"hw/hw_stats_l3.sh hw/hw_stats_l3_gre.sh: four ports and switch L3 HW stats (mlxsw)"
)

work=
vf_on=0
rmem_max=$(sysctl -n net.core.rmem_max)
cleanup() {
	if [ "$vf_on" = 1 ]; then
		vf_unbind 0 2>/dev/null
		vfs_disable 2>/dev/null
	fi
	sysctl -qw "net.core.rmem_max=$rmem_max"
	[ -n "$work" ] && rm -rf "$work"
}
trap cleanup EXIT
# hw/csum.py's receiver asks for a 4 MB socket buffer to queue its burst of
# 100 packets; the guest's default rmem_max (208 KB) caps that at 416 KB,
# which 100 of our RX skbs (a page each) can overflow while the receiver
# is slow to read under TCG: "missing packets at pf_packet: 98 < 100"
sysctl -qw net.core.rmem_max=$((4 << 20))

# --- stage the upstream tree ----------------------------------------------

stage() {
	local st=$KSRC/tools/testing/selftests d=$work/tools/testing/selftests
	[ -d "$st/drivers/net/lib/py" ] || { ktap_info "no $st/drivers/net"; return 1; }
	mkdir -p "$d/drivers/net" "$d/net/lib" "$work/tools/net" \
		"$work/Documentation/netlink" || return 1
	cp -r "$st/drivers/net/lib" "$st/drivers/net/hw" "$d/drivers/net/" &&
	cp "$st"/drivers/net/*.py "$st/drivers/net/README.rst" "$d/drivers/net/" &&
	cp -r "$st/net/lib/py" "$st/net/lib/csum.c" "$d/net/lib/" &&
	cp "$st/kselftest.h" "$d/" &&
	cp -r "$KSRC/tools/net/ynl" "$work/tools/net/" &&
	cp -r "$KSRC/Documentation/netlink/specs" "$work/Documentation/netlink/" ||
		return 1
	# hw/csum.py's helper, where it looks for it (net/lib/csum).  Its
	# receiver (-R) listens for a fixed window (-L, 1 or 2 s) that starts
	# before csum.py has started the sender; under TCG starting the sender
	# (ip netns exec, bash, csum) alone can take that long, so the receiver
	# gets CSUM_RX_SECS instead.  Packets and checks are unchanged.
	gcc -O2 -I"$d" -o "$d/net/lib/csum.bin" "$d/net/lib/csum.c" || return 1
	cat > "$d/net/lib/csum" <<EOF || return 1
#!/bin/bash
# upstream_nic.sh: csum with a receive window of $CSUM_RX_SECS s
args=() rx=0
while [ \$# -gt 0 ]; do
	case \$1 in
	-L) shift ;;
	-R) rx=1; args+=("\$1") ;;
	*) args+=("\$1") ;;
	esac
	shift
done
[ \$rx = 1 ] && args+=(-L $CSUM_RX_SECS)
exec "\$(dirname "\$0")/csum.bin" "\${args[@]}"
EOF
	chmod +x "$d/net/lib/csum" || return 1
	cat > "$work/launch.py" <<'EOF'
# Run one upstream selftest unchanged; HU_LIST=1 only prints its cases.
import json, os, runpy, subprocess, sys

script = os.path.abspath(sys.argv[1])
sys.argv = [script]
sys.path.insert(0, os.path.dirname(script))
sys.dont_write_bytecode = True
import lib.py as L

if os.environ.get("HU_LIST"):
    def lister(cases=None, globs=None, case_pfx=None, args=()):
        cases = list(cases or [])
        if globs and case_pfx:
            for key, value in globs.items():
                if callable(value) and any(key.startswith(p) for p in case_pfx):
                    cases.append(value)
        for c in cases:
            print("CASE", c.__name__)
        sys.stdout.flush()
        os._exit(0)
    L.ksft_run = lister

# hw/csum.py of 6.12 uses cfg.remote_ifname, which 6.12's NetDrvEpEnv does
# not set (later kernels do): the remote's netdev that has REMOTE_V4/V6.
if hasattr(L, "NetDrvEpEnv"):
    orig_init = L.NetDrvEpEnv.__init__

    def init(self, *args, **kwargs):
        orig_init(self, *args, **kwargs)
        if hasattr(self, "remote_ifname") or not self.remote:
            return
        out = L.cmd("ip -j addr show", host=self.remote).stdout
        for dev in json.loads(out):
            addrs = [a["local"] for a in dev.get("addr_info", [])]
            if self.remote_v4 in addrs or self.remote_v6 in addrs:
                self.remote_ifname = dev["ifname"]
                return
    L.NetDrvEpEnv.__init__ = init

# Upstream waits 5 s for a socket to listen; a debug kernel under TCG can
# take longer just to start the listener (HU_PORT_WAIT: our bound).
port_wait = float(os.environ.get("HU_PORT_WAIT", "5"))
if hasattr(L, "wait_port_listen"):
    orig_wait = L.wait_port_listen

    def wait_port_listen(*args, **kwargs):
        kwargs.setdefault("deadline", port_wait)
        return orig_wait(*args, **kwargs)
    L.wait_port_listen = wait_port_listen

runpy.run_path(script, run_name="__main__")
EOF
}

upstream() {	# TEST [HU_LIST=1]: run drivers/net/TEST with our env
	env -u DISRUPTIVE "${@:2}" NETIF="$UP_IF" LOCAL_V4="$UP_V4" REMOTE_V4="$PEER_IP" \
		LOCAL_V6="$UP_V6" REMOTE_V6="$PEER_IP6" REMOTE_TYPE=netns \
		REMOTE_ARGS="$PEER_NS" HU_PORT_WAIT="$PORT_WAIT_SECS" \
		PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
		timeout -k 10 "$CASE_TIMEOUT" "$PY" "$work/launch.py" \
		"$work/tools/testing/selftests/drivers/net/$1"
}

# Why TEST cannot run in this lab (prints the reason), or nothing
lab_blocker() {	# TEST
	case $1 in
	stats.py | queues.py | hw/pp_alloc_fail.py)
		# qstats, queue and page_pool introspection: the "netdev"
		# generic netlink family (6.2 on; 6.1 has none)
		if ! genl ctrl get name netdev >/dev/null 2>&1; then
			echo "kernel $(uname -r) has no netdev generic netlink family (no qstats, queue or page_pool introspection there), which $1 reads"
			return 0
		fi ;;&
	hw/pp_alloc_fail.py)
		mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug 2>/dev/null
		[ -d /sys/kernel/debug/fail_function ] ||
			echo "kernel $(uname -r) lacks CONFIG_FUNCTION_ERROR_INJECTION/CONFIG_FAIL_FUNCTION (the debug-lane kernel has them); the test also needs 15000 rx packets/s, which TCG does not reach" ;;
	hw/rss_ctx.py)
		if ! ethtool --json -c "$UP_IF" >/dev/null 2>&1; then
			echo "$(ethtool --version) has no --json for -c/-x (ethtool 6.14 from trixie has; set UPSTREAM_TOOLS to its directory)"
		elif ! ethtool -x "$UP_IF" >/dev/null 2>&1; then
			echo "not applicable: $UP_IF ($(ethtool -i "$UP_IF" | sed -n 's/^driver: //p')) has no RSS key/indirection table via ethtool (ethtool -x: $(ethtool -x "$UP_IF" 2>&1 | tail -n 1))"
		fi ;;
	esac
}

# Before each upstream script: the addresses again (upstream's check_down
# downs the device; with keep_addr_on_down the IPv6 address survives, but
# a script that died midway may have left the link down)
readdress() {
	sysctl -qw "net.ipv6.conf.$UP_IF.keep_addr_on_down=1"
	ip link set "$UP_IF" up &&
	ip addr replace "$UP_V4/24" dev "$UP_IF" &&
	ip addr replace "$UP_V6/64" dev "$UP_IF" nodad &&
	wait_for 10 carrier_is "$UP_IF" 1 &&
	wait_for 10 ping -q -c 1 -W 1 -I "$UP_IF" "$PEER_IP" >/dev/null
}

# --- translate one upstream script's KTAP into our cases --------------------

# CASE failed printing DIAG: print the lab reason and succeed if LAB_LIMITS
# explains every failure line in DIAG
lab_limit() {	# CASE DIAG
	local entry=${LAB_LIMITS[$1]:-} bad known
	[ -n "$entry" ] || return 1
	bad=$(grep -E 'Check failed|Exception\| [A-Za-z_.]+(Error|Exception|Failure|Ex): ' <<<"$2")
	[ -n "$bad" ] || return 1
	known=$(grep -E -- "${entry%|*}" <<<"$bad")
	[ "$bad" = "$known" ] || return 1
	echo "${entry##*|}"
}

run_target() {	# TARGET ("pf" or "vf"): every TESTS entry against UP_IF
	local tgt=$1 t t1 out rc line name n cases reason diag
	for t in $TESTS; do
		ktap_info "[$tgt] $t: NETIF=$UP_IF LOCAL_V4=$UP_V4 LOCAL_V6=$UP_V6 remote netns $PEER_NS"
		reason=$(lab_blocker "$t")
		if [ -n "$reason" ]; then
			for n in ${CASES[$t]}; do
				ktap_result skip "$tgt: $n" "lab: $reason"
			done
			continue
		fi
		readdress || ktap_info "[$tgt] $UP_IF: addresses or the peer did not come back"
		t1=$(date +%s)
		out=$(upstream "$t" 2>&1)
		rc=$?
		ktap_info "[$tgt] $t: exit $rc after $(( $(date +%s) - t1 )) s"
		declare -A seen=()
		diag=
		while IFS= read -r line; do
			case $line in
			"KTAP version"* | 1..* | "# Totals:"*) ;;
			"#"*)
				printf '# [%s] %s\n' "$tgt" "${line#\# }"
				diag+=$line$'\n' ;;
			"ok "* | "not ok "*)
				name=${line#not }
				name=${name#ok }
				name=${name#* }
				reason=
				case $name in *" # "*) reason=${name#* # }; name=${name%% # *} ;; esac
				seen[$name]=1
				if [ "${line#not }" != "$line" ]; then
					if reason=$(lab_limit "$name" "$diag"); then
						ktap_result skip "$tgt: $name" "lab: $reason"
					else
						ktap_result fail "$tgt: $name"
					fi
				elif [ -n "$reason" ]; then
					ktap_result skip "$tgt: $name" "${reason#SKIP }"
				else
					ktap_result ok "$tgt: $name"
				fi
				diag= ;;
			*) printf '# [%s] %s\n' "$tgt" "$line" ;;
			esac
		done <<<"$out"
		cases=${CASES[$t]}
		for n in $cases; do
			[ -n "${seen[$n]:-}" ] && continue
			ktap_result fail "$tgt: $n"
			ktap_info "[$tgt] $n: not reported by $t (exit $rc)"
		done
		unset seen
	done
}

# --- setup: PF, staging, case lists ----------------------------------------

work=$(mktemp -d /tmp/upstream_nic.XXXXXX)
setup_err=
stage || setup_err="staging $KSRC into $work failed"
pf_ok=0
if pf_load && pf_up && wait_ping 10; then
	pf_ok=1
fi
UP_IF=$PF_IF UP_V4=$PF_IP UP_V6=$PF_IP6

# Every TESTS entry's cases, in its order; the plan is their sum per target
# plus the setup cases.
declare -A CASES=()
total=0
if [ -z "$setup_err" ] && [ "$pf_ok" = 1 ]; then
	for t in $TESTS; do
		base=$(basename "$t" .py)
		CASES[$t]=$(upstream "$t" HU_LIST=1 2>/dev/null |
			    sed -n "s/^CASE /$base./p")
		# A script this kernel cannot run may not even list its
		# cases (it opens a netlink family first): one case, skipped
		[ -z "${CASES[$t]}" ] && [ -n "$(lab_blocker "$t")" ] && CASES[$t]=$base
		n=$(wc -w <<<"${CASES[$t]}")
		[ "$n" -gt 0 ] || setup_err="could not list the cases of $t"
		total=$((total + n))
	done
fi

ktap_header $((4 + 2 * total))
dmesg_mark
for r in "${NOT_RUN[@]}"; do ktap_info "not run: $r"; done
[ -n "$setup_err" ] && ktap_info "$setup_err"
check "setup: upstream selftests staged from $KSRC, cases listed" test -z "$setup_err"
check "pf: $PF_IF up with $PF_IP, the peer answers" test "$pf_ok" = 1
[ -n "$setup_err" ] || [ "$pf_ok" = 0 ] && ktap_finish

t0=$(date +%s)
run_target pf
ktap_info "pf: $(( $(date +%s) - t0 )) s"

# --- the VF: iovnet_vf in the root netns, the PF only its uplink ----------

vf_setup() {
	ip addr flush dev "$PF_IF" scope global || return 1
	{ module_loaded iovnet_vf || iovnet_insmod "$VF_KO"; } ||
		{ ktap_info "insmod $VF_KO failed"; return 1; }
	vfs_enable 1 || { ktap_info "could not enable a VF"; return 1; }
	vf_on=1
	VF_IF=$(vf_bind 0 iovnet_vf)
	if [ -z "$VF_IF" ]; then
		ktap_info "VF 0 did not bind to iovnet_vf"
		return 1
	fi
	UP_IF=$VF_IF UP_V4=$VF_IP UP_V6=$VF_IP6
	readdress || { ktap_info "$VF_IF: no carrier or the peer does not answer"; return 1; }
}
if vf_setup; then
	ktap_result ok "vf: $VF_IF (iovnet_vf) up with $VF_IP, the peer answers"
	t0=$(date +%s)
	run_target vf
	ktap_info "vf: $(( $(date +%s) - t0 )) s"
else
	ktap_result fail "vf: VF 0 bound to iovnet_vf, up with $VF_IP, the peer answers"
	for t in $TESTS; do
		for n in ${CASES[$t]}; do
			ktap_result fail "vf: $n"
		done
	done
fi

check "kernel log free of oops/WARN/lockdep/call traces" dmesg_clean
ktap_info "upstream_nic.sh: $SECONDS s"
ktap_finish
