#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Bad configuration is refused with a message and changes nothing.

. "$(dirname "$0")/lib.sh"

ktap_header 8

pf_load && pf_up && wait_ping 10 || ktap_info "PF did not come up"
mtu0=$(cat "/sys/class/net/$PF_IF/mtu")
mac0=$(cat "/sys/class/net/$PF_IF/address")

# refused DESCRIPTION PATTERN COMMAND...: fails, and says PATTERN
refused() {
	local desc=$1 pat=$2 out
	shift 2
	if out=$("$@" 2>&1); then
		ktap_info "$desc: accepted"
		ktap_result fail "$desc"
		return
	fi
	ktap_info "$desc: $out"
	if grep -qi "$pat" <<<"$out"; then
		ktap_result ok "$desc"
	else
		ktap_result fail "$desc"
	fi
}

refused "MTU above the 9216-byte frame limit" "mtu greater than device maximum" \
	ip link set "$PF_IF" mtu 9195
refused "MTU below 68" "mtu less than device minimum" \
	ip link set "$PF_IF" mtu 67
refused "multicast MAC address" "cannot assign" \
	ip link set "$PF_IF" address 01:00:5e:00:00:01
refused "all-zero MAC address" "cannot assign" \
	ip link set "$PF_IF" address 00:00:00:00:00:00
check "MTU unchanged" test "$(cat "/sys/class/net/$PF_IF/mtu")" = "$mtu0"
check "MAC unchanged" test "$(cat "/sys/class/net/$PF_IF/address")" = "$mac0"
check "largest MTU accepted (9194)" sh -c "ip link set $PF_IF mtu 9194 && ip link set $PF_IF mtu $mtu0"
check "traffic still passes" sh -c "ping -q -c 1 -W 5 $PEER_IP >/dev/null && ping -q -c 20 -i 0.02 -W 2 $PEER_IP >/dev/null"

ktap_finish
