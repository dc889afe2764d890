# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers for tools/lab/run (sourced, not executed).

LAB_KVER_PREFIX=6.12

lab_log() { printf 'lab: %s\n' "$*" >&2; }
lab_die() { printf 'lab: error: %s\n' "$*" >&2; exit 2; }

# Newest installed Debian 6.12 kernel image.
lab_kernel_image() {
	ls -1 /boot/vmlinuz-${LAB_KVER_PREFIX}.* 2>/dev/null | sort -V | tail -n 1
}

lab_qemu_version() {
	qemu-system-x86_64 --version | sed -n '1s/^QEMU emulator version \([^ ]*\).*/\1/p'
}

# Quote one word for a POSIX shell.
lab_quote() {
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

# Decide between KVM and TCG: "kvm" or "tcg (reason)" on stdout.
#
# Opening /dev/kvm is not enough (nested hosts may offer a KVM that cannot run
# a normal guest), so boot KERNEL with no root file system and expect it to
# reach its "Kernel panic" line.  The answer is cached in CACHE, keyed by
# everything it depends on.
lab_probe_accel() {
	local kernel=$1 cache=$2 key out log
	key="$(uname -r) $(stat -c %n:%Y "$kernel" "$(command -v qemu-system-x86_64)" | tr '\n' ' ')"
	if [ -f "$cache" ] && [ "$(sed -n 1p "$cache")" = "$key" ]; then
		sed -n 2p "$cache"
		return
	fi
	if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
		out="tcg (/dev/kvm not usable)"
	else
		log=$(mktemp)
		timeout -k 5 30 qemu-system-x86_64 -M q35 -accel kvm -cpu host -m 256 \
			-display none -monitor none -no-reboot -serial "file:$log.con" \
			-kernel "$kernel" -append 'console=ttyS0 panic=-1 root=/dev/lab-none' \
			>"$log" 2>&1 </dev/null
		if grep -q 'Kernel panic' "$log.con" 2>/dev/null; then
			out=kvm
		elif [ -s "$log" ]; then
			out="tcg (kvm probe: $(grep -m1 . "$log" | sed 's/^qemu-system-x86_64: //'))"
		else
			out="tcg (kvm probe: guest did not boot within 30s)"
		fi
		rm -f "$log" "$log.con"
	fi
	printf '%s\n%s\n' "$key" "$out" >"$cache.$$"
	mv "$cache.$$" "$cache"
	echo "$out"
}

# lab_report_trace BAD: the first report's RIP and stack frames, from the
# log the first line of BAD (lab_scan_log's output) names. CI keeps only
# what the run printed, not build/lab: without these lines a crash there
# cannot be told from another.
lab_report_trace() {
	local first=${1%%$'\n'*} f n
	f=${first%%:*}
	n=${first#*:}
	n=${n%%:*}
	[ -f "$f" ] && [ "$n" -gt 0 ] 2>/dev/null || return 0
	sed -n "$n,$((n + 80))p" "$f" |
		grep -m 40 -E 'RIP: |Call Trace|<(IRQ|TASK)>|\+0x[0-9a-f]+/0x[0-9a-f]+' |
		sed 's/^/lab:   trace: /'
}

# Report kernel log lines that mean the kernel is unhappy.  Prints them as
# FILE:LINE: TEXT and returns 1 if there is any.
LAB_BAD_LOG='Oops|BUG:|WARNING:|-+\[ cut here \]-+|Call Trace:|Kernel panic|'\
'general protection fault|possible circular locking|inconsistent lock state|'\
'possible recursive locking|suspicious RCU usage|KASAN:|UBSAN:|KFENCE:|'\
'kmemleak:.*suspected memory leak|unreferenced object 0x|soft lockup|'\
'hard LOCKUP|rcu: INFO: .* stall|blocked for more than [0-9]+ seconds|'\
'refcount_t: |list_(add|del) corruption|sysrq: Trigger a crash|NETDEV WATCHDOG|'\
'work func iovnet_[a-z_]+ .*enqueued on deprecated workqueue'
lab_scan_log() {
	local f
	for f in "$@"; do
		[ -f "$f" ] || continue
		# A test that provokes a TX hang on purpose brackets the
		# watchdog's report with "iovnet-selftest: expect tx-watchdog
		# begin" and "... end" lines: only those reports are let through.
		if awk '/iovnet-selftest: expect tx-watchdog begin/ { e = 1 }
			/iovnet-selftest: expect tx-watchdog end/ { e = 0 }
			!(e && /NETDEV WATCHDOG: .* timed out/) { print FNR ":" $0 }' "$f" |
		   grep -m 20 -E "^[0-9]+:.*($LAB_BAD_LOG)" | sed "s|^|$f:|" | grep .; then
			return 1
		fi
	done
	return 0
}
