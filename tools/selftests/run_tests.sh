#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run iovnet selftests inside the lab guest and print KTAP: one top-level
# result per script, each script's own KTAP nested under it.
#
# Usage: run_tests.sh [TEST...]   (default: every test in TEST_PROGS order)
# The per-test timeout is settings' unless kselftest_override_timeout (the
# kselftest runner's name for it) gives one, as the long load suites need.

dir=$(cd "$(dirname "$0")" && pwd)
if [ $# -eq 0 ]; then
	set -- $(sed -n 's/^TEST_PROGS := //p' "$dir/Makefile")
fi
timeout=${kselftest_override_timeout:-$(sed -n 's/^timeout=//p' "$dir/settings")}

echo "KTAP version 1"
echo "1..$#"
n=0 failed=0
for t in "$@"; do
	n=$((n + 1))
	echo "# selftests: iovnet: $t"
	t0=$SECONDS
	timeout --foreground "$timeout" "$dir/$t" 2>&1 | sed -u 's/^/  /'
	rc=${PIPESTATUS[0]}
	# Leave the next test a clean slate: no module of ours loaded.
	for m in iovnet_vf iovnet_pf iovnet_lib; do
		[ -d /sys/module/$m ] && rmmod $m 2>/dev/null
	done
	echo "# $t: $((SECONDS - t0))s"
	if [ "$rc" -eq 0 ]; then
		echo "ok $n selftests: iovnet: $t"
	elif [ "$rc" -eq 4 ]; then
		echo "ok $n selftests: iovnet: $t # SKIP"
	else
		[ "$rc" -eq 124 ] && echo "# $t: timed out after ${timeout}s"
		echo "not ok $n selftests: iovnet: $t # exit=$rc"
		failed=$((failed + 1))
	fi
done
[ "$failed" -eq 0 ]
