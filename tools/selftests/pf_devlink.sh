#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The PF's devlink instance: "devlink dev info" says what the device is
# (driver, serial number, ASIC ID and revision, checked against sysfs and
# lspci), the "tx_hang" health reporter is there and healthy, diagnoses
# the datapath as ethtool sees it, refuses a dump before any hang with a
# reason, takes a recover of a healthy reporter as the no-op it is, takes
# auto_recover and grace_period settings, takes the runtime parameter
# mbx_rate_per_vf within its range and refuses it outside, and the
# instance goes with the module and comes back with it. The hang itself
# and what devlink reports of it: pf_tx_hang.sh.

. "$(dirname "$0")/lib.sh"

ktap_header 16
dmesg_mark

pf_load && pf_up && wait_ping 20 || { echo "Bail out! PF did not come up"; exit 1; }
DL=pci/$LAB_PF_PCI
if ! devlink dev show "$DL" >/dev/null 2>&1; then
	# A kernel without CONFIG_NET_DEVLINK (the debug lane's) has none
	for i in $(seq 1 16); do
		ktap_result skip "devlink case $i" "no devlink instance for $DL on this kernel"
	done
	ktap_finish
fi

# jget EXPR: EXPR (Python, on the JSON document d) of standard input
jget() { python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"; }
info() { devlink -j dev info "$DL" | jget "d['info']['$DL']$1"; }
reporter() { devlink -j health show "$DL" reporter tx_hang | jget "d['health']['$DL'][0]$1"; }
diagnose() { devlink -j health diagnose "$DL" reporter tx_hang | jget "d$1"; }
pf_estat() {	# KEY: a driver counter of ethtool -S
	ethtool -S "$PF_IF" | awk -v k="$1:" '$1 == k { print $2; f = 1 } END { exit !f }'
}
gt() { local v; v=$($1) && [ "$v" -gt "$2" ]; }

# --- dev info -----------------------------------------------------------------
check "devlink dev info: driver iovnet_pf" test "$(info "['driver']")" = iovnet_pf
dsn=$(lspci -s "$LAB_PF_PCI" -vv 2>/dev/null | awk '/Device Serial Number/ { print $NF }')
want=${dsn:-$(tr : - < "/sys/class/net/$PF_IF/address")}
serial=$(info "['serial_number']")
ktap_info "serial number $serial (lspci DSN: ${dsn:-none})"
check "devlink dev info: serial number is the PCIe DSN, or the MAC without one" \
	test "${serial,,}" = "${want,,}"
check "devlink dev info: asic.id is the PCI device ID ($(cat "$(pf_sysfs)/device"))" \
	test "$(info "['versions']['fixed']['asic.id']")" = "$(cat "$(pf_sysfs)/device")"
check "devlink dev info: asic.rev is the PCI revision ($(cat "$(pf_sysfs)/revision"))" \
	test "$(info "['versions']['fixed']['asic.rev']")" = "$(cat "$(pf_sysfs)/revision")"

# --- the tx_hang reporter ---------------------------------------------------------
ktap_info "tx_hang: $(devlink health show "$DL" reporter tx_hang | tr -s ' \n' ' ')"
# (iproute2 6.1 lists a device's reporters only with those of all devices)
reporters() { devlink -j health show | jget "' '.join(sorted(r['reporter'] + ':' + r['state'] for r in d['health']['$DL']))"; }
check "health: reporters mailbox and tx_hang, healthy; tx_hang auto-recovers" \
	test "$(reporters) $(reporter "['auto_recover']")" = "mailbox:healthy tx_hang:healthy True"
queues=$(ethtool -l "$PF_IF" | awk '/^Current/ { c = 1 } c && /^Combined:/ { print $2 }')
check "health diagnose: running, $queues queues, resets as ethtool -S says" \
	test "$(diagnose "['running']") $(diagnose "['queues']") $(diagnose "['resets']")" = \
	"True $queues $(pf_estat resets)"
dump_refused() {
	local out rc
	out=$(devlink health dump show "$DL" reporter tx_hang 2>&1)
	rc=$?
	ktap_info "dump before any hang: rc=$rc: $out"
	[ "$rc" -ne 0 ] && grep -q 'no TX hang seen yet' <<<"$out"
}
check "health dump before any hang: refused, and says why" dump_refused

# A recover asked of a healthy reporter has nothing to do: devlink takes
# it and calls nobody (pf_tx_hang.sh recovers a real hang by hand)
rs0=$(pf_estat resets)
rc0=$(reporter "['recover']")
healthy_recover() {
	devlink health recover "$DL" reporter tx_hang &&
	[ "$(reporter "['recover']")" -eq "$rc0" ] &&
	[ "$(reporter "['state']")" = healthy ]
}
check "health recover of a healthy reporter: accepted, nothing recovered" healthy_recover
no_reset() { [ "$(pf_estat resets)" -eq "$rs0" ] && wait_ping 20; }
check "health recover: no datapath reset (resets $rs0), the partner answers" no_reset
devlink health set "$DL" reporter tx_hang auto_recover false grace_period 5000
check "health set: auto_recover off and a grace period of 5 s taken" \
	test "$(reporter "['auto_recover']") $(reporter "['grace_period']")" = "False 5000"
devlink health set "$DL" reporter tx_hang auto_recover true grace_period 0

# --- runtime parameter ----------------------------------------------------------
param() { devlink -j dev param show "$DL" name mbx_rate_per_vf | jget "d['param']['$DL'][0]['values'][0]['value']"; }
param_set() { devlink dev param set "$DL" name mbx_rate_per_vf value "$1" cmode runtime; }
check "param mbx_rate_per_vf: 2000 by default" test "$(param)" = 2000
set_500() { param_set 500 && [ "$(param)" = 500 ]; }
check "param mbx_rate_per_vf: 500 taken at runtime" set_500
refused() {	# VALUE: refused with the range, the value left as it was
	local out
	out=$(param_set "$1" 2>&1) && return 1
	ktap_info "mbx_rate_per_vf $1: $out"
	# (kernels before 6.3 have no formatted extack: the range is logged)
	{ grep -q 'from 100 to 100000' <<<"$out" ||
	  dmesg | tail -n 3 | grep -q 'from 100 to 100000'; } && [ "$(param)" = 500 ]
}
both_refused() { refused 99 && refused 100001; }
check "param mbx_rate_per_vf: 99 and 100001 refused with the range, 500 kept" both_refused
param_set 2000

# --- the instance follows the module ------------------------------------------------
pf_unload
check "rmmod: the devlink instance is gone" \
	sh -c "! devlink dev show $DL >/dev/null 2>&1"
back() {
	devlink dev show "$DL" >/dev/null 2>&1 &&
	[ "$(reporter "['state']")" = healthy ] && wait_ping 20
}
pf_load && pf_up
check "insmod: the instance is back, reporter healthy, the partner answers" back
check "no oops, WARN or lockdep report" dmesg_clean
ktap_finish
