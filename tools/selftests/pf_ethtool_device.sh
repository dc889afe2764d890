#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The PF's device-level ethtool operations:
#  - ethtool -e reads the NVM through EERD: as long as EECD says, words 0-2
#    the permanent MAC (low byte first), words 0x00-0x3f summing to 0xBABA
#    (the 82576's NVM checksum rule); a range read at an odd offset agrees
#    with the whole read; ethtool -E is refused and changes nothing.
#  - ethtool -p blinks LED0: while it runs LEDCTL (register dump word 261)
#    shows LED0 forced on (mode 0xe) and off (0xf); after, LEDCTL is what
#    it was.
#  - ethtool -r restarts autonegotiation: its end comes as a link interrupt,
#    and traffic flows; refused while the PF is down.

. "$(dirname "$0")/lib.sh"

ktap_header 15
dmesg_mark
pf_load && pf_up && wait_ping 20 || { echo "Bail out! PF did not come up"; exit 1; }

# --- NVM ----------------------------------------------------------------------------
NVM=$(mktemp)
BLINK=''
cleanup() {
	rm -f "$NVM"
	[ -n "$BLINK" ] && kill "$BLINK" 2>/dev/null
}
trap cleanup EXIT

ethtool -e "$PF_IF" raw on > "$NVM"
len=$(stat -c %s "$NVM")
ktap_info "ethtool -e: $len bytes"
word() { od -An -tu2 -v --endian=little -j $(( $1 * 2 )) -N 2 "$NVM" | tr -d ' '; }
nvm_ok() {
	local i m=''
	# 2^(EE_SIZE + 6) words, EE_SIZE from 0 to 9: a power of two of bytes
	[ "$len" -ge 128 ] && [ $(( len & (len - 1) )) -eq 0 ] || return 1
	for i in 0 1 2; do
		m+=$(printf '%02x:%02x:' $(( $(word $i) & 0xff )) $(( $(word $i) >> 8 )))
	done
	ktap_info "NVM words 0-2: ${m%:}"
	[ "${m%:}" = "$(cat "/sys/class/net/$PF_IF/address")" ]
}
check "ethtool -e: a power-of-two NVM ($len bytes), words 0-2 the MAC" nvm_ok
sum=0
for i in $(seq 0 63); do
	sum=$(( (sum + $(word "$i")) & 0xffff ))
done
ktap_info "NVM words 0x00-0x3f sum to $(printf 0x%04x $sum)"
check "ethtool -e: words 0x00-0x3f sum to 0xBABA" test "$sum" -eq $((0xbaba))
part_ok() {
	cmp -s <(ethtool -e "$PF_IF" offset 7 length 9 raw on) \
	       <(tail -c +8 "$NVM" | head -c 9)
}
check "ethtool -e offset 7 length 9: the same bytes as the whole read" part_ok
refused_ok() {
	! ethtool -E "$PF_IF" magic 0x10c98086 offset 0 value 0x12 2>/dev/null &&
	cmp -s <(ethtool -e "$PF_IF" raw on) "$NVM"
}
check "ethtool -E: refused, the NVM unchanged" refused_ok

# --- LED ----------------------------------------------------------------------------
led_mode_is() { [ $(( 16#$(pf_reg_word 261) & 0xf )) -eq "$1" ]; }
ledctl0=$(pf_reg_word 261)
ethtool -p "$PF_IF" 4 &
BLINK=$!
check "ethtool -p: LED0 forced on (LEDCTL mode 0xe) while it runs" \
	wait_for 4 led_mode_is 14
check "ethtool -p: LED0 forced off (LEDCTL mode 0xf) while it runs" \
	wait_for 4 led_mode_is 15
wait "$BLINK"
BLINK=''
check "ethtool -p done: LEDCTL as before (0x$ledctl0)" \
	test "$(pf_reg_word 261)" = "$ledctl0"

# --- autonegotiation ------------------------------------------------------------------
# The model takes the link down without an interrupt and raises LSC when
# autonegotiation completes 500 ms later (e1000x_restart_autoneg,
# igb_autoneg_timer): the restart shows as a link interrupt
others() { awk '/-other$/ {s = 0; for (i = 2; i <= NF - 3; i++) s += $i; print s}' /proc/interrupts; }
o0=$(others)
ethtool -r "$PF_IF"
restarted() { [ "$(others)" -gt "$o0" ] && carrier_is "$PF_IF" 1; }
ms=$(time_until 10 restarted)
an_ok() { restarted && wait_ping 20; }
check "ethtool -r: autonegotiation done by interrupt within 10 s (${ms} ms), traffic flows" \
	an_ok

# --- pause (ethtool -A) -----------------------------------------------------------------
# ethtool -a, and CTRL's RFCE (bit 27) and TFCE (bit 28) in the register dump
# (word 0): what is in force. The model's partner advertises symmetric
# pause (igb_phy_reg_init: ANLPAR PAUSE), so autonegotiation resolves to
# what was asked; forced settings go to the MAC as they are.
pause_is() {	# AUTONEG RX TX
	local a ctrl
	a=$(ethtool -a "$PF_IF" | awk '/^Autonegotiate:/ {a = $2} /^RX:/ {r = $2} /^TX:/ {t = $2} END {print a, r, t}')
	ctrl=$(( 16#$(pf_reg_word 0) ))
	[ "$a" = "$1 $2 $3" ] &&
	[ $(( ctrl >> 27 & 1 )) -eq "$([ "$2" = on ] && echo 1 || echo 0)" ] &&
	[ $(( ctrl >> 28 & 1 )) -eq "$([ "$3" = on ] && echo 1 || echo 0)" ]
}
pause_shown() { ethtool -a "$PF_IF" | tr -s ' \t\n' ' '; }
check "ethtool -a: pause autonegotiated, RX and TX on by default ($(pause_shown))" \
	pause_is on on on
pause_set() {	# AUTONEG RX TX: set it, wait until it is in force
	ethtool -A "$PF_IF" autoneg "$1" rx "$2" tx "$3" &&
	wait_for 10 pause_is "$1" "$2" "$3" && wait_ping 20
}
holds() {	# SECONDS COMMAND...: true all along
	local end=$((SECONDS + $1))
	shift
	while [ "$SECONDS" -lt "$end" ]; do
		"$@" || return 1
		sleep 0.2
	done
}
check "ethtool -A autoneg off rx off tx off: in force, traffic flows" pause_set off off off
check "ethtool -A autoneg off rx on tx off: RFCE only" pause_set off on off
# From nothing in force: the model sets RFCE and TFCE itself when the
# negotiation completes, so RX alone, and staying so, is the driver's
# resolution (partner: PAUSE; us: PAUSE and ASM_DIR)
renegotiated() {	# RX TX
	pause_set off off off && pause_set on "$1" "$2" && holds 3 pause_is on "$1" "$2"
}
check "ethtool -A autoneg on rx on tx off: renegotiated, RX only, and it holds" \
	renegotiated on off
check "ethtool -A autoneg on rx on tx on: renegotiated, both, and it holds" \
	renegotiated on on

ip link set "$PF_IF" down
down_refused() { ! ethtool -r "$PF_IF" 2>/dev/null; }
check "ethtool -r on a PF that is down: refused" down_refused
pf_up
final_ok() { wait_ping 20 && dmesg_clean; }
check "the partner answers; no oops, WARN or lockdep report" final_ok
ktap_finish
