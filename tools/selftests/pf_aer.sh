#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# PCI errors on the PF with VFs alive and tenants running.  QEMU injects
# AER errors with pcie_aer_inject_error on the monitor.  They are injected
# at PCIe root port rp0, above the igb: QEMU's igb model never sets up its
# error-reporting enables (Device Control bits 3:0 are read-only zero, no
# pcie_cap_deverr_init() in hw/net/igb.c), so an error injected at the igb
# is recorded in its AER status but never reported.  An error the root port
# reports makes the AER core recover every function below it, which is
# the path the drivers' handlers serve:
#  - a correctable one (receiver error): counted by the AER core, nothing else: no
#    recovery, the tenants' traffic goes on;
#  - a non-fatal uncorrectable one (UNSUP, non-fatal by the default
#    severity): iovnet_pf's error_detected / slot_reset / resume bring the
#    PF back, the VFs come back with the administrator's configuration
#    (MAC, port VLAN, spoof check, link state) and traffic;
#  - no fatal one: the AER core answers it with a secondary bus reset of
#    the root port, after which QEMU's root port never reports Data Link
#    Layer Link Active, so the PCI core gives up ("Data Link Layer Link
#    Active not set in 100 msec", "subordinate device reset failed") and
#    the igb is left unusable for the rest of the boot (README, model
#    limits).
# Each case is timed from the injection to the tenants' first ping.

. "$(dirname "$0")/lib.sh"

cleanup() { vf_test_cleanup 20; }
trap cleanup EXIT

# The root port above the PF: where the errors are injected and counted
RP=$(basename "$(dirname "$(readlink -f "$(pf_sysfs)")")")
aer_total() {	# FILE (aer_dev_correctable, _nonfatal, _fatal)
	awk '$1 ~ /^TOTAL_ERR/ { print $2 }' "/sys/bus/pci/devices/$RP/$1" 2>/dev/null
}
grew() { [ "$(aer_total "$1")" -gt "$2" ]; }	# FILE BEFORE
logged() { dmesg | tail -n +$((DMESG_MARK + 1)) | grep -q -- "$1"; }
both_reach() {
	tping t0 -c 1 -W 1 "$PEER_IP" && tping t1 -c 1 -W 1 10.20.0.2
}
vf_line() {	# VF: its line in "ip link show PF"
	ip link show "$PF_IF" | grep -E "^\s+vf $1 "
}
admin_kept() {
	vf_line 0 | grep -q 'link/ether 02:00:00:00:00:a0' &&
	vf_line 0 | grep -q 'spoof checking off' &&
	vf_line 1 | grep -q 'link/ether 02:00:00:00:00:a1' &&
	vf_line 1 | grep -q 'vlan 20' &&
	vf_line 1 | grep -q 'link-state enable'
}
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
# VF's packet and byte counters as the PF reports them (ndo_get_vf_stats)
vf_counters() {
	ip -j -s link show "$PF_IF" | python3 -c '
import json, sys
s = json.load(sys.stdin)[0]["vfinfo_list"][int(sys.argv[1])]["stats"]
def get(d, way, what):
    # {"rx": {"packets": n}} or "rx_packets": n, whichever ip prints
    sub = d.get(way)
    for k in (what, way + "_" + what):
        if isinstance(sub, dict) and k in sub:
            return sub[k]
    for k in (way + "_" + what, what + "_" + way):
        if k in d:
            return d[k]
    sys.exit("no %s %s in %s" % (way, what, json.dumps(d)))
print(get(s, "rx", "packets"), get(s, "tx", "packets"), get(s, "rx", "bytes"), get(s, "tx", "bytes"))' "$1"
}
# Each counter went on from where it was: no 32-bit wrap folded in when
# the reset zeroed the pool counters (BEFORE AFTER, four numbers each)
counters_carried() {
	local -a b a
	local i

	read -r -a b <<<"$1"
	read -r -a a <<<"$2"

	ktap_info "VF 0 counters (rx/tx packets, bytes) before $1, after $2"
	for i in 0 1 2 3; do
		[ "${a[$i]}" -ge "${b[$i]}" ] && [ $(( a[i] - b[i] )) -lt $(( 1 << 31 )) ] || return 1
	done
}

# A non-fatal or fatal error: recovered, and everyone back (CASE TYPE)
recovery_case() {
	local what=$1 err=$2 t0 c0

	dmesg_mark
	c0=$(vf_counters 0)
	t0=$(date +%s%N)
	check "$what: injected ($err at the root port)" "$LAB_MONITOR" pcie_aer_inject_error rp0 "$err"
	check "$what: iovnet_pf recovered" wait_for 60 logged "recovered from a PCI error"
	check "$what: the PF reaches the link partner again" wait_ping 30
	check "$what: both tenants reach the partner again (VF 1 through port VLAN 20)" \
		wait_for 60 both_reach
	ktap_info "$what: injection to both tenants answering: $(ms_since "$t0") ms"
	check "$what: the administrator's VF settings are as they were" admin_kept
	check "$what: sriov_numvfs still 2" test "$(cat "$(pf_sysfs)/sriov_numvfs")" = 2
	check "$what: VF 0's counters carried across the reset, no 32-bit jump" \
		counters_carried "$c0" "$(vf_counters 0)"
	check "$what: no AER recovery failure logged" sh -c '! dmesg | tail -n +'$((DMESG_MARK + 1))' | grep -q "recovery failed"'
	check "$what: kernel log clean" dmesg_clean
}

ktap_header 14

pf_load && pf_up && wait_ping 20 || { echo "Bail out! PF did not come up"; exit 1; }
if [ ! -e "/sys/bus/pci/devices/$RP/aer_dev_correctable" ]; then
	for i in $(seq 14); do
		ktap_result skip "AER case $i" "the guest kernel does not report AER for the PF"
	done
	ktap_finish
	exit 0
fi
vfs_enable 2 && iovnet_insmod "$VF_KO" || { echo "Bail out! no VFs"; exit 1; }
ip link set "$PF_IF" vf 0 mac 02:00:00:00:00:a0 spoofchk off
ip link set "$PF_IF" vf 1 mac 02:00:00:00:00:a1 vlan 20 state enable
peer_vlan 20 10.20.0.2/24
VF0=$(vf_bind 0 iovnet_vf) && VF1=$(vf_bind 1 iovnet_vf) &&
	tenant t0 "$VF0" 192.168.77.40 && tenant t1 "$VF1" 10.20.0.41
check "two iovnet_vf tenants reach the partner (VF 1 through port VLAN 20)" \
	wait_for 60 both_reach

# Correctable: counted, and nothing else happens
dmesg_mark
cor=$(aer_total aer_dev_correctable)
check "correctable: injected (receiver error at the root port)" \
	"$LAB_MONITOR" pcie_aer_inject_error -c rp0 0x1
check "correctable: counted by the AER core ($cor before)" \
	wait_for 30 grew aer_dev_correctable "$cor"
check "correctable: no recovery started" sh -c '! dmesg | tail -n +'$((DMESG_MARK + 1))' | grep -q "iovnet_pf.*PCI error"'
check "correctable: tenants and PF kept talking" sh -c 'both_reach() { ip netns exec t0 ping -q -c 3 -W 1 '"$PEER_IP"' >/dev/null && ip netns exec t1 ping -q -c 3 -W 1 10.20.0.2 >/dev/null; }; both_reach && ping -q -c 3 -W 1 '"$PEER_IP"' >/dev/null'

recovery_case "non-fatal" UNSUP

ktap_finish
