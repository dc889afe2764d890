#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Per-VF administration with 2 VFs (no VF driver bound): valid settings take
# effect and read back (ip link and the device registers); a table of invalid
# "ip link set <pf> vf ..." commands is refused, each followed by a check
# that nothing changed (the vf lines of "ip -d link show" and the VT
# registers of "ethtool -d": DTXSWC, VFRE, VFTE, VMOLR/VMVIR of every pool,
# every VLVF entry and RAR 1-23). Commands that reach the driver must leave
# its message in the kernel log.
#
# iproute2 6.1 refuses some of the table itself (vlan 4096, an unknown
# state...): those rows count, and the same values are also sent by a small
# raw-netlink sender (rawvf below) so that the driver's own checks are hit.
# (qos 8 does reach the driver through ip.)

. "$(dirname "$0")/lib.sh"

NVFS=2
VF0_MAC=02:00:00:00:00:10
VF1_MAC=02:00:00:00:01:01

# ---------------------------------------------------------------------------
# Helpers (prefixed sbi_ so they cannot clash with lib.sh)

sbi_pf_dev() { echo "/sys/bus/pci/devices/$LAB_PF_PCI"; }

sbi_cleanup() {
	local v
	for v in $(ip -o link show type vlan 2>/dev/null |
		   sed -n 's/^[0-9]*: \(sbi[0-9]*\)@.*/\1/p'); do
		ip link del "$v" 2>/dev/null
	done
	[ -n "$LAB_PF_PCI" ] && echo 0 > "$(sbi_pf_dev)/sriov_numvfs" 2>/dev/null
}
trap sbi_cleanup EXIT

# All VT words of the register dump (not the EITR words from 252, which
# moderation rewrites with the traffic), "index=value" per word
sbi_regs() {
	ethtool -d "$PF_IF" raw on | od -An -tx4 -v -w4 |
		awk '{ n = NR - 1 } n >= 17 && n <= 19 || n >= 30 && n <= 251 { print n "=" $1 }'
}

sbi_word() {	# N
	ethtool -d "$PF_IF" raw on | od -An -tx4 -v -w4 -j $(($1 * 4)) -N 4 | tr -d ' '
}

sbi_vf_lines() { ip -d link show dev "$PF_IF" | sed -n 's/^ *\(vf [0-9].*\)/\1/p'; }

sbi_vf_line() {	# VF
	sbi_vf_lines | awk -v vf="$1" '$1 == "vf" && $2 == vf'
}

sbi_state() { sbi_vf_lines; sbi_regs; }

# VLVF words (46-77) that are valid and hold POOL
sbi_vlvf_of_pool() {	# POOL
	ethtool -d "$PF_IF" raw on | od -An -tx4 -v -w4 | sed -n '47,78p' |
		while read -r w; do
			w=$((16#$w))
			(( (w >> 31) & 1 && (w >> (12 + $1)) & 1 )) &&
				printf 'vid %d\n' $((w & 0xfff))
		done
}

# Raw RTM_SETLINK with one IFLA_VF_* attribute: reaches the driver with
# values iproute2 will not send. Exit 0 when the kernel accepts.
rawvf() {	# mac VF MAC | vlan VF VID QOS | vlanlist VF VID QOS PROTO |
		# rate VF MIN MAX | txrate VF RATE | state VF STATE |
		# spoofchk VF 0|1 | trust VF 0|1
	python3 - "$PF_IF" "$@" <<'EOF'
import errno, os, socket, struct, sys

dev, kind, args = sys.argv[1], sys.argv[2], sys.argv[3:]

def nla(t, payload):
    n = 4 + len(payload)
    return struct.pack("=HH", n, t) + payload + b"\0" * ((4 - n % 4) % 4)

u = lambda i: int(args[i], 0)
if kind == "mac":
    mac = bytes(int(x, 16) for x in args[1].split(":"))
    attr = nla(1, struct.pack("=I", u(0)) + mac.ljust(32, b"\0"))
elif kind == "vlan":
    attr = nla(2, struct.pack("=III", u(0), u(1), u(2)))
elif kind == "vlanlist":
    info = struct.pack("=IIIH2x", u(0), u(1), u(2), socket.htons(u(3)))
    attr = nla(12, nla(1, info))
elif kind == "txrate":
    attr = nla(3, struct.pack("=II", u(0), u(1)))
elif kind == "spoofchk":
    attr = nla(4, struct.pack("=II", u(0), u(1)))
elif kind == "state":
    attr = nla(5, struct.pack("=II", u(0), u(1)))
elif kind == "rate":
    attr = nla(6, struct.pack("=III", u(0), u(1), u(2)))
elif kind == "trust":
    attr = nla(9, struct.pack("=II", u(0), u(1)))
else:
    sys.exit("rawvf: unknown kind " + kind)

body = struct.pack("=BxHiII", socket.AF_UNSPEC, 0, socket.if_nametoindex(dev), 0, 0)
body += nla(22, nla(1, attr))          # IFLA_VFINFO_LIST { IFLA_VF_INFO { attr } }
hdr = struct.pack("=IHHII", 16 + len(body), 19, 0x5, 1, 0)   # RTM_SETLINK, REQUEST|ACK
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
s.send(hdr + body)
resp = s.recv(65536)
err = struct.unpack("=i", resp[16:20])[0]
if err:
    print("RTNETLINK answers: " + os.strerror(-err))
    sys.exit(2)
EOF
}

# Mark the kernel log so a case's own driver message can be found
sbi_mark() { echo "sriov_bad_input: case $1" > /dev/kmsg; }

sbi_log_since() {	# CASE
	dmesg | sed -n "/sriov_bad_input: case $1\$/,\$p" | tail -n +2
}

# ---------------------------------------------------------------------------
# The table of invalid commands: LEVEL|PATTERN|ARGS
#   drv   the driver refuses and logs PATTERN (extended regex)
#   core  the kernel's rtnetlink refuses before the driver (VF index
#         >= INT_MAX, max_tx_rate below min_tx_rate as ints, attributes
#         the driver has no ndo for)
#   ip    iproute2 refuses to send it
# ARGS follow "ip link set $PF_IF vf", or, starting with "raw ", rawvf.

TABLE=$(cat <<'EOF'
drv|VF 7 does not exist \(2 VFs\)|7 mac 02:00:00:00:07:01
drv|VF 99 does not exist|99 mac 02:00:00:00:63:01
drv|VF 2 does not exist|2 mac 02:00:00:00:02:01
drv|VF 7 does not exist|7 vlan 10
drv|VF 99 does not exist|99 vlan 10 qos 3
drv|VF 7 does not exist|7 spoofchk off
drv|VF 2 does not exist|2 spoofchk off
drv|VF 7 does not exist|7 trust on
drv|VF 7 does not exist|7 state enable
drv|VF 7 does not exist|7 max_tx_rate 100 min_tx_rate 0
drv|VF 7 does not exist|7 rate 100
drv|VF 0: 01:00:5e:00:00:01 is not a unicast address|0 mac 01:00:5e:00:00:01
drv|VF 0: ff:ff:ff:ff:ff:ff is not a unicast address|0 mac ff:ff:ff:ff:ff:ff
drv|VF 1: 33:33:00:00:00:01 is not a unicast address|1 mac 33:33:00:00:00:01
drv|VF 1: 03:00:00:00:00:01 is not a unicast address|1 mac 03:00:00:00:00:01
drv|VF 0: a priority needs a VLAN ID|0 vlan 0 qos 3
drv|VF 0: only 802.1Q port VLANs are supported|0 vlan 10 proto 802.1ad
drv|VF 1: only 802.1Q port VLANs are supported|1 vlan 20 qos 1 proto 802.1ad
drv|VF 0: min_tx_rate is not supported|0 min_tx_rate 10
drv|VF 1: min_tx_rate is not supported|1 max_tx_rate 100 min_tx_rate 50
drv|VF 0: max_tx_rate 1001 is beyond the link speed|0 max_tx_rate 1001
drv|VF 1: max_tx_rate 100000 is beyond the link speed|1 max_tx_rate 100000
drv|VF 0: max_tx_rate 2000 is beyond the link speed|0 rate 2000
drv|VF 0: VLAN 10 qos 8 out of range|0 vlan 10 qos 8
drv|VF 0: VLAN 4096 qos 0 out of range|raw vlan 0 4096 0
drv|VF 0: VLAN 65535 qos 0 out of range|raw vlan 0 65535 0
drv|VF 0: VLAN 10 qos 8 out of range|raw vlan 0 10 8
drv|VF 1: VLAN 4096 qos 7 out of range|raw vlanlist 1 4096 7 0x8100
drv|VF 1: only 802.1Q port VLANs are supported|raw vlanlist 1 10 0 0x0800
drv|VF 0: VLAN 4095 qos 0 out of range|0 vlan 4095
drv|VF 0: unknown link state 3|raw state 0 3
drv|VF 1: unknown link state -1|raw state 1 0xffffffff
drv|VF 1: max_tx_rate 1001 is beyond the link speed|raw rate 1 0 1001
drv|VF 2147483646 does not exist|raw mac 2147483646 02:00:00:00:07:02
drv|VF 0: 01:00:00:00:00:00 is not a unicast address|raw mac 0 01:00:00:00:00:00
core||-1 mac 02:00:00:00:07:01
core||raw mac 2147483647 02:00:00:00:07:03
core||raw rate 0 0 0xffffffff
drv|VF 7 does not exist|7 query_rss on
core||0 node_guid 00:11:22:33:44:55:66:77
core||1 port_guid 00:11:22:33:44:55:66:77
ip||0 vlan 4096
ip||0 vlan -1
ip||0 qos 3
ip||0 vlan 10 proto ip
ip||0 state foo
ip||0 trust yes
ip||0 spoofchk maybe
ip||0 mac zz:00:00:00:00:01
ip||0 mac 02:00:00:00:00
ip||0 max_tx_rate -1
ip||7 max_tx_rate 100
ip||abc mac 02:00:00:00:07:04
EOF
)

nrows=$(grep -c '|' <<<"$TABLE")
ndrv=$(grep -c '^drv|' <<<"$TABLE")
# setup 3, valid 16, table 2 per row + 1 per drv row, full VLVF 4, cleanup 4
ktap_header $((3 + 16 + 2 * nrows + ndrv + 4 + 4))

# ---------------------------------------------------------------------------
ktap_info "setup: PF up, $NVFS VFs, no VF driver"

pf_ready() { pf_load && pf_up && wait_ping 10; }
check "PF loaded and up, the peer answers" pf_ready
vfs_on() {
	echo 0 > "$(sbi_pf_dev)/sriov_numvfs" &&
	echo 0 > "$(sbi_pf_dev)/sriov_drivers_autoprobe" &&
	echo "$NVFS" > "$(sbi_pf_dev)/sriov_numvfs" &&
	wait_for 10 test -e "$(sbi_pf_dev)/virtfn$((NVFS - 1))"
}
check "$NVFS VFs enabled with autoprobe off" vfs_on
no_vf_driver() {
	local i
	for i in $(seq 0 $((NVFS - 1))); do
		[ ! -e "$(sbi_pf_dev)/virtfn$i/driver" ] || return 1
	done
	[ "$(sbi_vf_lines | wc -l)" -eq "$NVFS" ]
}
check "no driver on the VFs, ip link shows $NVFS vf lines" no_vf_driver

# ---------------------------------------------------------------------------
ktap_info "valid settings: applied and read back"

# ok_set DESCRIPTION VERIFY_COMMAND -- IP_ARGS...
ok_set() {
	local desc=$1 verify=$2 out
	shift 3
	if ! out=$(ip link set "$PF_IF" vf "$@" 2>&1); then
		ktap_info "ip link set $PF_IF vf $*: $out"
		ktap_result fail "$desc"
		return
	fi
	if eval "$verify"; then
		ktap_result ok "$desc"
	else
		ktap_info "vf line: $(sbi_vf_line "${1%% *}")"
		ktap_result fail "$desc"
	fi
}

# RAL/RAH a VF's primary MAC must have in RAR 1 + VF (pool bit 18 + VF)
rar_is() {	# VF MAC
	local b ral rah
	IFS=: read -ra b <<<"$2"
	ral=$(printf '%02x%02x%02x%02x' $((16#${b[3]})) $((16#${b[2]})) $((16#${b[1]})) $((16#${b[0]})))
	rah=$(printf '%08x' $(( 0x80000000 | 1 << (18 + $1) | 16#${b[5]} << 8 | 16#${b[4]} )))
	[ "$(sbi_word $((78 + 2 * $1)))" = "$ral" ] &&
	[ "$(sbi_word $((79 + 2 * $1)))" = "$rah" ] ||
	{ ktap_info "RAR $(($1 + 1)): $(sbi_word $((78 + 2 * $1))) $(sbi_word $((79 + 2 * $1))), want $ral $rah"; false; }
}

# DTXSWC anti-spoof bits of VF: MAC bit VF, VLAN bit 8 + VF
spoof_bits() {	# VF 0|1
	local w=$((16#$(sbi_word 17)))
	[ $(( (w >> $1) & 1 )) -eq "$2" ] && [ $(( (w >> (8 + $1)) & 1 )) -eq "$2" ] ||
	{ ktap_info "DTXSWC $(sbi_word 17)"; false; }
}

ok_set "vf 0 mac $VF0_MAC: ip link and RAR 1" \
	'sbi_vf_line 0 | grep -q "link/ether $VF0_MAC" && rar_is 0 $VF0_MAC' -- 0 mac "$VF0_MAC"
ok_set "vf 1 mac $VF1_MAC: ip link and RAR 2" \
	'sbi_vf_line 1 | grep -q "link/ether $VF1_MAC" && rar_is 1 $VF1_MAC' -- 1 mac "$VF1_MAC"
ok_set "vf 0 vlan 4094 qos 7 (largest): VMVIR(0) and a VLVF entry" \
	'sbi_vf_line 0 | grep -q "vlan 4094, qos 7" && [ "$(sbi_word 31)" = 4000effe ] &&
	 sbi_vlvf_of_pool 0 | grep -qx "vid 4094"' -- 0 vlan 4094 qos 7
ok_set "vf 0 vlan 10 qos 3: VMVIR(0) 4000600a, VLVF has 10 and not 4094" \
	'sbi_vf_line 0 | grep -q "vlan 10, qos 3" && [ "$(sbi_word 31)" = 4000600a ] &&
	 [ "$(sbi_vlvf_of_pool 0)" = "vid 10" ]' -- 0 vlan 10 qos 3
ok_set "vf 1 spoofchk off: ip link and DTXSWC bits 1, 9 clear" \
	'sbi_vf_line 1 | grep -q "spoof checking off" && spoof_bits 1 0 && spoof_bits 0 1' -- 1 spoofchk off
ok_set "vf 0 spoofchk off: DTXSWC bits 0, 8 clear" \
	'sbi_vf_line 0 | grep -q "spoof checking off" && spoof_bits 0 0' -- 0 spoofchk off
ok_set "vf 0 spoofchk on: DTXSWC bits 0, 8 set, VF 1's still clear" \
	'sbi_vf_line 0 | grep -q "spoof checking on" && spoof_bits 0 1 && spoof_bits 1 0' -- 0 spoofchk on
ok_set "vf 0 trust on" 'sbi_vf_line 0 | grep -q "trust on"' -- 0 trust on
ok_set "vf 0 trust off" 'sbi_vf_line 0 | grep -q "trust off"' -- 0 trust off
ok_set "vf 1 state disable" 'sbi_vf_line 1 | grep -q "link-state disable"' -- 1 state disable
ok_set "vf 1 state auto" 'sbi_vf_line 1 | grep -q "link-state auto"' -- 1 state auto
ok_set "vf 1 state enable" 'sbi_vf_line 1 | grep -q "link-state enable"' -- 1 state enable
ok_set "vf 1 max_tx_rate 1000 (link speed)" \
	'sbi_vf_line 1 | grep -q "max_tx_rate 1000Mbps"' -- 1 max_tx_rate 1000
ok_set "vf 1 max_tx_rate 100" 'sbi_vf_line 1 | grep -q "max_tx_rate 100Mbps"' -- 1 max_tx_rate 100
ok_set "vf 0 max_tx_rate 0 min_tx_rate 0 (no limit)" \
	'! sbi_vf_line 0 | grep -q "max_tx_rate"' -- 0 max_tx_rate 0 min_tx_rate 0
vf_pools_open() {
	# VFs without a driver never did a handshake: their pools stay closed
	local w=$((16#$(sbi_word 18)))
	[ $((w & 3)) -eq 0 ] && [ "$(sbi_word 18)" = "$(sbi_word 19)" ] ||
	{ ktap_info "VFRE $(sbi_word 18) VFTE $(sbi_word 19)"; false; }
}
check "VFRE/VFTE: pools of driverless VFs stay closed" vf_pools_open

# ---------------------------------------------------------------------------
ktap_info "invalid commands: refused, nothing changed"
ktap_info "baseline: $(sbi_vf_lines | tr '\n' '|')"

n=0
after=$(sbi_state)
while IFS='|' read -r level pat args; do
	[ -n "$level" ] || continue
	n=$((n + 1))
	# the state after the previous row is this row's "before"
	before=$after
	sbi_mark "$n"
	if [ "${args%% *}" = raw ]; then
		cmd="rawvf ${args#raw }"
		# shellcheck disable=SC2086
		out=$(rawvf ${args#raw } 2>&1)
	else
		cmd="ip link set $PF_IF vf $args"
		# shellcheck disable=SC2086
		out=$(ip link set "$PF_IF" vf $args 2>&1)
	fi
	rc=$?
	desc="[$level] $cmd"
	ktap_info "$cmd: exit $rc: $(tr '\n' ' ' <<<"$out")"
	check "refused: $desc" test "$rc" -ne 0
	if [ "$level" = drv ]; then
		log=$(sbi_log_since "$n")
		if grep -qE "$pat" <<<"$log"; then
			ktap_result ok "driver says '$pat'"
		else
			ktap_info "kernel log since the command: $(tr '\n' ' ' <<<"$log")"
			ktap_result fail "driver says '$pat'"
		fi
	fi
	after=$(sbi_state)
	if [ "$before" = "$after" ]; then
		ktap_result ok "unchanged after: $desc"
	else
		ktap_info "changed: $(diff <(echo "$before") <(echo "$after") | grep '^[<>]' | tr '\n' ' ')"
		ktap_result fail "unchanged after: $desc"
	fi
done <<<"$TABLE"

# ---------------------------------------------------------------------------
ktap_info "the PF's own VLANs stop at its share of the filters: the admin's port VLANs always fit"

# VF 0 and VF 1 share VLAN 10's entry. With 2 VFs each VF may hold 12 VLAN
# filters and the PF 8 (32 - 2 * 12): the PF's VLANs are refused past those.
ip link set "$PF_IF" vf 1 vlan 10
modprobe 8021q 2>/dev/null
n=$((n + 1))
sbi_mark "$n"
fill_pf_vlans() {
	local vid
	for vid in $(seq 100 140); do
		ip link add link "$PF_IF" name "sbi$vid" type vlan id "$vid" 2>/dev/null ||
			break
	done
	ktap_info "the PF took VLANs 100-$((vid - 1)), refused $vid; $(sbi_vlvf_count) VLVF entries valid"
	[ "$vid" -lt 140 ] && [ "$(sbi_vlvf_count)" -lt 32 ]
}
sbi_vlvf_count() {
	ethtool -d "$PF_IF" raw on | od -An -tx4 -v -w4 | sed -n '47,78p' | grep -c '^ *[89a-f]'
}
check "the PF's own VLANs refused before the VFs' filters are touched" fill_pf_vlans
log=$(sbi_log_since "$n")
if grep -qE "the PF's 8 VLAN filters are in use" <<<"$log"; then
	ktap_result ok "driver says 'the PF's 8 VLAN filters are in use'"
else
	ktap_info "kernel log since the command: $(tr '\n' ' ' <<<"$log")"
	ktap_result fail "driver says 'the PF's 8 VLAN filters are in use'"
fi
check "vf 0 vlan 20 qos 1 accepted with the PF's share used" \
	ip link set "$PF_IF" vf 0 vlan 20 qos 1
check "VMVIR(0) 40002014 and VLVF has 20 for pool 0" \
	sh -c '[ "$0" = 40002014 ] && [ "$1" = "vid 20" ]' "$(sbi_word 31)" "$(sbi_vlvf_of_pool 0)"
for v in $(seq 100 140); do ip link del "sbi$v" 2>/dev/null; done
ip link set "$PF_IF" vf 1 vlan 0

# ---------------------------------------------------------------------------
ktap_info "back to defaults"

ok_set "vf 0 vlan 0: VMVIR(0) 0, no VLVF entry for pool 0" \
	'! sbi_vf_line 0 | grep -q "vlan " && [ "$(sbi_word 31)" = 00000000 ] &&
	 [ -z "$(sbi_vlvf_of_pool 0)" ]' -- 0 vlan 0
ok_set "vf 0 mac 00:00:00:00:00:00 clears it: RAR 1 not valid" \
	'sbi_vf_line 0 | grep -q "link/ether 00:00:00:00:00:00" &&
	 [ $(( 16#$(sbi_word 79) >> 31 )) -eq 0 ]' -- 0 mac 00:00:00:00:00:00
ok_set "vf 1 spoofchk on, state auto, max_tx_rate 0" \
	'sbi_vf_line 1 | grep -q "spoof checking on, link-state auto" &&
	 ! sbi_vf_line 1 | grep -q max_tx_rate && spoof_bits 1 1' \
	-- 1 spoofchk on state auto max_tx_rate 0
check "VFs removed" sh -c "echo 0 > $(sbi_pf_dev)/sriov_numvfs && [ -z \"\$(ip -d link show dev $PF_IF | grep '^ *vf ')\" ]"

ktap_info "took ${SECONDS}s"
ktap_finish
