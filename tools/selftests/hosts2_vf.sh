#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Two hosts on one wire (tools/lab/run --hosts 2; this script runs in host A
# and drives host B through $LAB_HOST_B): each host loads iovnet_pf and
# iovnet_vf and gives VFs port VLANs.  VFs on host A reach VFs on host B on
# the same VLAN and not across VLANs; a VF "moved" from host A to host B
# (unbound and its MAC and VLAN cleared on A, the same MAC and VLAN given to
# a VF on B) is reachable again from host A, host B and the link partner
# within a measured bound.
#
#   VLAN 10: A0 10.77.0.11 (moves to B2), A2 .13, B0 .21, link partner .2
#   VLAN 20: A1 10.77.0.12, B1 .22
# All in one IP subnet, so only the VLAN keeps them apart.

. "$(dirname "$0")/lib.sh"

if [ -z "${LAB_HOST_B:-}" ]; then
	echo "1..0 # SKIP needs two hosts: tools/lab/run --hosts 2"
	exit 4
fi

NET=10.77.0
MAC_A0=02:00:0a:00:00:01 MAC_A1=02:00:0a:00:00:02 MAC_A2=02:00:0a:00:00:03
MAC_B0=02:00:0b:00:00:01 MAC_B1=02:00:0b:00:00:02
# Host B's shell prelude: the selftest helpers, its PF loaded, as PF_IF.
BLIB=". tools/selftests/lib.sh; PF_IP=192.168.77.3 PF_IP6=fd77::3;"
BLIB+=" pf_load >/dev/null || { echo 'host B: no PF' >&2; exit 1; };"

hb() { $LAB_HOST_B "$BLIB $*"; }

cleanup() {
	tenants_cleanup
	module_loaded iovnet_vf && rmmod iovnet_vf
	vfs_disable 2>/dev/null
	peer ip link del pv10 2>/dev/null
	hb 'tenants_cleanup; module_loaded iovnet_vf && rmmod iovnet_vf; vfs_disable' \
		>/dev/null 2>&1
}
trap cleanup EXIT

reaches() { tping "$1" -c 1 -W 1 "$NET.$2"; }	# NS HOSTPART
# Host B side: NS reaches HOSTPART
b_reaches() { hb "ip netns exec $1 ping -q -c 1 -W 1 $NET.$2 >/dev/null"; }
# No answer to 3 pings, 1 s apart (the same-VLAN checks are the control)
isolated() { ! tping "$1" -c 3 -i 1 -W 1 "$NET.$2"; }

# Give VF IDX an administrative MAC and port VLAN, bind iovnet_vf, move it
# to namespace NS with 10.77.0.HOSTPART, wait for its carrier.  Runs on
# either host (host B: through hb).
VF_SETUP='vf_setup() {
	local dev
	ip link set "$PF_IF" vf "$1" mac "$2" vlan "$3" || return 1
	dev=$(vf_bind "$1" iovnet_vf) && [ -n "$dev" ] || return 1
	tenant "$4" "$dev" "'$NET'.$5" || return 1
	wait_for 30 tenant_carrier "$4" "$dev"
};'
eval "$VF_SETUP"

ktap_header 15

pf_load && pf_up || { echo "Bail out! host A: PF did not come up"; exit 1; }
hb 'pf_up' || { echo "Bail out! host B: PF did not come up"; exit 1; }
t0=$(date +%s%N)
$LAB_HOST_B true
ktap_info "\$LAB_HOST_B round trip: $(( ($(date +%s%N) - t0) / 1000000 )) ms"
ktap_info "host A: PF $PF_IF ($LAB_PF_PCI); host B: $(hb 'echo "PF $PF_IF ($LAB_PF_PCI)"')"
check "the wire joins the hosts: host A's PF reaches host B's PF" \
	wait_for 30 sh -c "ping -q -c 1 -W 1 192.168.77.3 >/dev/null"

peer ip link add link peer0 name pv10 type vlan id 10
peer ip addr add "$NET.2/24" dev pv10
peer ip link set pv10 up

check "host A: 3 VFs enabled" vfs_enable 3
iovnet_insmod "$VF_KO"
a_ok=1
vf_setup 0 $MAC_A0 10 ha0 11 || a_ok=0
vf_setup 1 $MAC_A1 20 ha1 12 || a_ok=0
vf_setup 2 $MAC_A2 10 ha2 13 || a_ok=0
check "host A: VF 0 (VLAN 10), VF 1 (VLAN 20), VF 2 (VLAN 10) bound, carrier" test $a_ok = 1

check "host B: 3 VFs enabled, VF 0 (VLAN 10) and VF 1 (VLAN 20) bound, carrier" \
	hb "$VF_SETUP vfs_enable 3 && iovnet_insmod \$VF_KO &&
	    vf_setup 0 $MAC_B0 10 hb0 21 && vf_setup 1 $MAC_B1 20 hb1 22"

check "VLAN 10: A0 -> B0 across the wire" wait_for 30 reaches ha0 21
check "VLAN 10: B0 -> A0 (host B's side)" b_reaches hb0 11
check "VLAN 20: A1 -> B1 across the wire" wait_for 30 reaches ha1 22
check "VLAN 10: B0 -> the link partner's VLAN 10 (on host A's side)" \
	hb "wait_for 30 ip netns exec hb0 ping -q -c 1 -W 1 $NET.2 >/dev/null"
check "VLAN 10 -> 20 isolated: A0 gets no answer from B1" isolated ha0 22
check "VLAN 20 -> 10 isolated: A1 gets no answer from B0" isolated ha1 21
check "before the move: A2 and the link partner reach A0" \
	sh -c "ip netns exec ha2 ping -q -c 1 -W 2 $NET.11 >/dev/null &&
	       ip netns exec $PEER_NS ping -q -c 1 -W 2 $NET.11 >/dev/null"

# The move: A0 leaves host A (driver unbound, MAC and VLAN cleared), the
# same MAC and VLAN arrive on host B's VF 2 in a fresh namespace.  A2's
# and the partner's neighbour entries for .11 stay: the frames must now
# leave host A's switch for the wire.
t0=$(date +%s%N)
vf_unbind 0
ip link set "$PF_IF" vf 0 mac 00:00:00:00:00:00 vlan 0
ip netns del ha0
t1=$(date +%s%N)
check "host B: VF 2 takes A0's MAC and VLAN 10, bound, carrier" \
	hb "$VF_SETUP vf_setup 2 $MAC_A0 10 hb2 11"
t2=$(date +%s%N)
wait_for 60 reaches ha2 11
t3=$(date +%s%N)
ms() { echo $(( ($2 - $1) / 1000000 )); }
ktap_info "move: removed on A $(ms $t0 $t1) ms, set up on B $(ms $t1 $t2) ms," \
	"A2 reaches it $(ms $t2 $t3) ms later; total $(ms $t0 $t3) ms"
check "moved VF reachable from host A's VLAN 10 within 60 s ($(ms $t0 $t3) ms)" \
	test $(( (t3 - t0) / 1000000 )) -lt 60000 -a "$(tping ha2 -c 1 -W 2 "$NET.11"; echo $?)" = 0
check "moved VF reachable from host B's VLAN 10 and the link partner" \
	sh -c "$LAB_HOST_B 'ip netns exec hb0 ping -q -c 1 -W 2 $NET.11 >/dev/null' &&
	       ip netns exec $PEER_NS ping -q -c 1 -W 2 $NET.11 >/dev/null"
check "moved VF still isolated from VLAN 20 (A1)" isolated ha1 11

ktap_finish
