#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The debug-kernel lane inside the lab guest (started by tools/debug/check
# through tools/lab/run): KUnit, the selftest suite, then a kmemleak scan.
# Prints KTAP: one top-level result per stage, the stage's own KTAP nested.
#
# Usage: guest.sh MODDIR [TEST...]
#   MODDIR holds iovnet_pf.ko, iovnet_vf.ko and iovnet_kunit.ko built for
#   the running kernel; TEST... selftest scripts (default: all).
# Writes MODDIR/../kmemleak.log (every report, ours or not) and
# MODDIR/../kunit.log.

moddir=$1
shift
out=$(dirname "$moddir")
top=${LAB_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
dbg=/sys/kernel/debug
start=$(date +%s.%N)
n=0 failed=0

echo "KTAP version 1"
echo "1..4"
echo "# debug-lane: kernel $(uname -r), command started at host time $start, uptime $(cut -d' ' -f1 /proc/uptime)s"

stage() {	# ok|fail NAME [COMMENT]
	n=$((n + 1))
	if [ "$1" = ok ]; then
		echo "ok $n $2${3:+ # $3}"
	else
		failed=$((failed + 1))
		echo "not ok $n $2${3:+ # $3}"
	fi
}

# --- 1. the checkers are there ----------------------------------------
# virtme-init links /lib/modules/$(uname -r) into the kernel tree, which
# is cached under /var/cache, where it then mounts a tmpfs
# (virtme/guest/virtme-init:50-52, 94): the link points nowhere, and
# nothing loads (8021q for "ip link add type vlan", igbvf).  Link the copy
# tools/debug/check installed in build/debug/modroot instead.
kver=$(uname -r)
if [ ! -e "/lib/modules/$kver/modules.dep" ] &&
   [ -e "$out/modroot/lib/modules/$kver/modules.dep" ]; then
	ln -sfn "$out/modroot/lib/modules/$kver" "/lib/modules/$kver"
fi
missing=
modprobe -q 8021q || missing+=" modules(8021q)"
for f in "$dbg/kmemleak" "$dbg/kunit" "$dbg/fail_function" "$dbg/failslab" \
	 "$dbg/fail_page_alloc" /proc/lockdep; do
	[ -e "$f" ] || missing+=" $f"
done
dmesg | grep -q 'KernelAddressSanitizer initialized' || missing+=" KASAN"
# One report anywhere (even in early boot, before our modules) turns lock
# debugging off for the rest of the boot: lockdep would then watch nothing.
grep -Eq '^ *debug_locks: +1$' /proc/lockdep_stats 2>/dev/null ||
	missing+=" lockdep-active(debug_locks=0:$(dmesg | grep -m1 -E 'BUG:|WARNING:' | tr -s ' ' | cut -c1-80))"
if [ -z "$missing" ]; then
	stage ok "debug kernel: lockdep, KASAN, kmemleak, KUnit, fault injection, modules present"
else
	stage fail "debug kernel: lockdep, KASAN, kmemleak, KUnit, fault injection, modules present" "missing:$missing"
fi

# --- 2. KUnit -----------------------------------------------------------
# Each suite runs when the module loads; its KTAP stays in debugfs while
# the module is loaded.
t0=$(date +%s%N)
: >"$out/kunit.log"
if insmod "$moddir/iovnet_kunit.ko"; then
	for s in "$dbg"/kunit/iovnet_*/results; do
		[ -r "$s" ] && cat "$s" >>"$out/kunit.log"
	done
	rmmod iovnet_kunit
else
	echo "# insmod iovnet_kunit.ko failed" >>"$out/kunit.log"
fi
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
sed 's/^/  /' "$out/kunit.log"
# Leaf results.  KTAP indents a subtest's header one level (4 spaces)
# deeper than the result line that closes it: that line (a suite, or a
# parameterised case) is not a leaf and is not counted.
read -r kp kf ks <<<"$(awk '
	/^ *# Subtest:/ { closer[index($0, "#") - 4] = 1; next }
	/^ *(not )?ok [0-9]+ / {
		col = match($0, /[^ ]/)
		if (closer[col]) { closer[col] = 0; next }
		if ($0 ~ /# SKIP/) s++
		else if ($0 ~ /^ *not ok/) f++
		else p++
	}
	END { print p + 0, f + 0, s + 0 }' "$out/kunit.log")"
echo "# kunit: $kp passed, $kf failed, $ks skipped (in ${ms} ms)"
if [ "$kf" -eq 0 ] && [ "$kp" -gt 0 ] && grep -q '^ok [0-9]* iovnet_mbx' "$out/kunit.log" &&
   grep -q '^ok [0-9]* iovnet_calc' "$out/kunit.log"; then
	stage ok "kunit: iovnet_mbx and iovnet_calc" "$kp cases passed"
else
	stage fail "kunit: iovnet_mbx and iovnet_calc" "$kp passed, $kf failed"
fi

# --- 3. the selftest suite ------------------------------------------------
t0=$(date +%s)
# Everything runs 2-4x slower here than on the lab kernel: 600 s
# (settings) is too short for the longer scripts.
kselftest_override_timeout=${DEBUG_TEST_TIMEOUT:-1800} IOVNET_MODDIR=$moddir \
	"$top/tools/selftests/run_tests.sh" "$@" 2>&1 | sed -u 's/^/  /'
rc=${PIPESTATUS[0]}
echo "# selftests: $(( $(date +%s) - t0 ))s"
if [ "$rc" -eq 0 ]; then
	stage ok "selftests on the debug kernel"
else
	stage fail "selftests on the debug kernel" "exit=$rc"
fi

# --- 4. kmemleak ------------------------------------------------------------
# Our modules are unloaded by now (run_tests.sh leaves none behind): a block
# they leaked has no owner left.  An object must be a few seconds old before
# kmemleak reports it, and a second scan settles what the first one found.
for m in iovnet_vf iovnet_pf; do
	[ -d /sys/module/$m ] && rmmod $m
done
if [ ! -w "$dbg/kmemleak" ]; then
	stage fail "kmemleak: nothing leaked by iovnet" "no $dbg/kmemleak"
elif dmesg | grep -q 'Kernel memory leak detector disabled'; then
	stage fail "kmemleak: nothing leaked by iovnet" "kmemleak disabled itself: see dmesg"
else
	sleep 6	# kmemleak's minimum object age (5 s): there is no event to poll
	echo scan >"$dbg/kmemleak"
	echo scan >"$dbg/kmemleak"
	cat "$dbg/kmemleak" >"$out/kmemleak.log"
	# One report per "unreferenced object" block.  Ours: it names an
	# iovnet symbol, or its backtrace has an address in module space that
	# no longer resolves (a module unloaded since: ours are the ones the
	# suite loads and unloads).
	read -r total ours <<<"$(awk '
		function done() { if (inblk) { t++; if (mine) o++ } inblk = 0; mine = 0 }
		/^unreferenced object/ { done(); inblk = 1; next }
		inblk && /iovnet/ { mine = 1 }
		inblk && /\[<ffffffffc[0-9a-f]+>\] 0xffffffffc[0-9a-f]+$/ { mine = 1 }
		END { done(); print t + 0, o + 0 }' "$out/kmemleak.log")"
	echo "# kmemleak: $total unreferenced objects, $ours from iovnet (reports in $out/kmemleak.log)"
	if [ "$ours" -eq 0 ]; then
		# Others are reported, not ours to fail on: keep them out of the
		# lab's own end-of-run scan.
		[ "$total" -eq 0 ] || echo clear >"$dbg/kmemleak"
		stage ok "kmemleak: nothing leaked by iovnet" "$total other objects"
	else
		sed -n '/^unreferenced object/,/^$/p' "$out/kmemleak.log" | head -n 60 | sed 's/^/# /'
		stage fail "kmemleak: nothing leaked by iovnet" "$ours objects"
	fi
fi

echo "# debug-lane: guest stages took $(( $(date +%s) - ${start%.*} ))s"
[ "$failed" -eq 0 ]
