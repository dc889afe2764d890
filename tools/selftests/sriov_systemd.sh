#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# systemd as a host configures SR-IOV (issue 24): a udev .link file with
# SR-IOVVirtualFunctions= creates the VFs when the PF appears, and
# systemd-networkd's [SR-IOV] sections set each VF's MAC, VLAN (with its
# protocol), spoof check, trust, link state and RSS query, at start and
# again after a PF driver reload.  networkd sends one RTM_SETLINK per
# setting and only logs errors, so the check reads every setting back and
# looks at networkd's log: a section for a VF that does not exist fails
# with a reason and changes nothing else.
#
# The lab guest does not run systemd as init: udevd runs (virtme-init
# starts it) and takes the .link file from /run/systemd/network on an "add"
# event (udevadm trigger, or the PF's own at insmod); systemd-networkd is
# started here as a plain process (it drops to the systemd-network user
# itself) and stopped at the end.  Version: what the machine has (254 from
# bookworm-backports here).

. "$(dirname "$0")/lib.sh"

NETDIR=/run/systemd/network
LINK=$NETDIR/50-iovnet-sriov.link
NETWORK=$NETDIR/50-iovnet-sriov.network
NETWORKD=/lib/systemd/systemd-networkd
LOG=$(mktemp /tmp/networkd.XXXXXX)
SAVE=${LAB_DIR:-/tmp}/${LAB_NAME:-lab}-networkd.log
ND=
VID=10
VF0_MAC=02:00:00:00:5d:00 VF1_MAC=02:00:00:00:5d:01

networkd_stop() {
	[ -n "$ND" ] && kill "$ND" 2>/dev/null && wait "$ND" 2>/dev/null
	ND=
}

cleanup() {
	networkd_stop
	cp "$LOG" "$SAVE" 2>/dev/null
	rm -f "$LINK" "$NETWORK" "$LOG" "$LOG.bad"
	udevadm control --reload 2>/dev/null
	vf_test_cleanup $VID
	pf_load && pf_up
}
trap cleanup EXIT

if [ ! -x "$NETWORKD" ]; then
	echo "1..0 # SKIP no systemd-networkd ($NETWORKD)"
	exit 4
fi

ktap_header 11
ktap_info "systemd: $("$NETWORKD" --version 2>/dev/null | head -n 1)"

pf_load && pf_up && wait_ping 20 || { echo "Bail out! PF did not come up"; exit 1; }
# iovnet_vf registered first takes the VFs as they appear (igbvf would
# otherwise be loaded by udev for their modalias, and bind first if loaded)
module_loaded igbvf && rmmod igbvf
module_loaded iovnet_vf || iovnet_insmod "$VF_KO" || { echo "Bail out! no iovnet_vf"; exit 1; }
vfs_disable
# A host's default, which other tests in this boot may have turned off
echo 1 > "$(pf_sysfs)/sriov_drivers_autoprobe"
peer_vlan $VID 192.168.80.2/24
dmesg_mark
MARK0=$DMESG_MARK

# --- udev: the .link file creates the VFs ----------------------------------
mkdir -p "$NETDIR"
# The default link's naming policy, or the PF would keep the kernel's eth0
cat > "$LINK" <<EOF
[Match]
Driver=iovnet_pf

[Link]
NamePolicy=keep kernel database onboard slot path
AlternativeNamesPolicy=database onboard slot path
MACAddressPolicy=persistent
SR-IOVVirtualFunctions=3
EOF
udevadm control --reload
numvfs() { [ "$(cat "$(pf_sysfs)/sriov_numvfs")" = "$1" ]; }
link_applied() {
	udevadm trigger -c add "/sys/class/net/$PF_IF" && udev_settle && wait_for 20 numvfs 3
}
check "udev .link SR-IOVVirtualFunctions=3: 3 VFs on the PF's add event" link_applied
vf_drv() { basename "$(readlink "/sys/bus/pci/devices/$(vf_bdf "$1")/driver")"; }
all_ours() { [ "$(vf_drv 0)$(vf_drv 1)$(vf_drv 2)" = iovnet_vfiovnet_vfiovnet_vf ]; }
check "iovnet_vf binds the three VFs" wait_for 20 all_ours

# --- networkd: [SR-IOV] sections -------------------------------------------
write_network() {
	cat > "$NETWORK" <<EOF
[Match]
Name=$PF_IF

[Network]
Address=$PF_IP/24
LinkLocalAddressing=no
IPv6AcceptRA=no
KeepConfiguration=yes

[SR-IOV]
VirtualFunction=0
MACAddress=$VF0_MAC
VLANId=$VID
VLANProtocol=802.1Q
MACSpoofCheck=yes
Trust=no
LinkState=auto
QueryReceiveSideScaling=yes

[SR-IOV]
VirtualFunction=1
MACAddress=$VF1_MAC
MACSpoofCheck=no
Trust=yes
LinkState=no
QueryReceiveSideScaling=no
EOF
}
networkd_start() {
	"$NETWORKD" >>"$LOG" 2>&1 &
	ND=$!
}
vf_line() { ip -d link show dev "$PF_IF" | grep -E "^ +vf $1 "; }
vf0_set() {
	vf_line 0 | grep -q "link/ether $VF0_MAC .*vlan $VID, spoof checking on, link-state auto, trust off, query_rss on"
}
vf1_set() {
	vf_line 1 | grep -q "link/ether $VF1_MAC .*spoof checking off, link-state disable, trust on, query_rss off"
}
both_set() { vf0_set && vf1_set; }
write_network
networkd_start
t0=$(date +%s%N)
time_until 60 both_set >/dev/null
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
ktap_info "after networkd (${ms} ms): $(vf_line 0)"
ktap_info "$(vf_line 1)"
check "networkd: VF 0 MAC, VLAN $VID (802.1Q), spoof check on, trust off, link auto, query_rss on" vf0_set
check "networkd: VF 1 MAC, spoof check off, trust on, link disabled, query_rss off" vf1_set

# VF 0 as the settings make it: the admin MAC, the port VLAN to the partner
vf0_dev() { ls "/sys/bus/pci/devices/$(vf_bdf 0)/net" 2>/dev/null; }
vf0_reaches() {
	local dev
	dev=$(vf0_dev) && tenant t0 "$dev" 192.168.80.10 &&
	[ "$(tns t0 cat "/sys/class/net/$dev/address")" = $VF0_MAC ] &&
	wait_for 20 tping t0 -c 1 -W 1 192.168.80.2
}
check "VF 0 in a namespace: MAC $VF0_MAC, reaches the partner through VLAN $VID" vf0_reaches
vf0_rss() {
	local out
	out=$(tns t0 ethtool -x "$(tns t0 ls /sys/class/net | grep -v lo | head -n 1)") &&
	grep -q "^RSS hash key:" <<<"$out"
}
check "VF 0: ethtool -x reads the RSS key (QueryReceiveSideScaling=yes)" vf0_rss
tenants_cleanup

# --- A setting the PF refuses: reported, nothing else changes ----------------
networkd_stop
cat >> "$NETWORK" <<EOF

[SR-IOV]
VirtualFunction=5
MACAddress=02:00:00:00:5d:05
EOF
BAD=$LOG.bad
dmesg_mark
"$NETWORKD" >"$BAD" 2>&1 &
ND=$!
bad_logged() { grep -qiE "SR-IOV.*(invalid argument|failed)|failed.*SR-IOV" "$BAD"; }
wait_for 60 bad_logged
ktap_info "networkd: $(grep -iE 'SR-IOV' "$BAD" | head -n 2 | tr '\n' ' ')"
ktap_info "PF: $(dmesg | tail -n "+$DMESG_MARK" | grep -m1 'VF 5')"
bad_refused() {
	bad_logged && dmesg | tail -n "+$DMESG_MARK" | grep -q "VF 5 does not exist (3 VFs)" &&
	vf0_set && vf1_set && numvfs 3
}
check "a section for VF 5 (of 3): networkd logs the failure, the PF says why, VFs 0-1 unchanged" bad_refused
networkd_stop
cp "$BAD" "$SAVE.bad" 2>/dev/null
rm -f "$BAD"
write_network

# --- PF driver reload: udev and networkd do it all again --------------------
networkd_start
reloaded() {
	rmmod iovnet_pf && iovnet_insmod "$PF_KO" && pf_load &&
	udev_settle && wait_for 30 numvfs 3
}
t0=$(date +%s%N)
check "rmmod/insmod iovnet_pf: udev's .link creates the 3 VFs again" reloaded
time_until 60 both_set >/dev/null
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
check "networkd sets VF 0 and VF 1 again after the reload (${ms} ms from rmmod)" both_set

# --- Logs (the start and the reload; the VF 5 run is kept apart) -------------
networkd_stop
cp "$LOG" "$SAVE"
errs=$(grep -iE "SR-IOV|virtual function" "$LOG" | grep -iE "fail|error|invalid|ignor" | head -n 5)
[ -n "$errs" ] && ktap_info "networkd: $errs"
check "networkd's log: no SR-IOV failure at start or after the reload ($SAVE)" test -z "$errs"
check "PF's log: no refusal or warning but the VF 5 one" \
	sh -c '! dmesg | tail -n +'"$((MARK0 + 1))"' | grep -v "VF 5" | grep -E "iovnet_pf.*(refused|may not|malformed|throttled)"'

ktap_finish
