#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# libvirt (issue 24) hands a VF of our PF to a guest as an administrator
# would: a <network> of the PF's VFs (forward mode='hostdev' managed='yes',
# <pf dev='PF'/>) and a transient domain whose interface comes from it,
# with a MAC and a VLAN tag.  libvirt picks a free VF, sets its MAC and
# VLAN through the PF (IFLA_VF_MAC, IFLA_VF_VLAN), takes it from iovnet_vf
# to vfio-pci and starts QEMU.  The nested guest (this kernel, nested/init)
# loads iovnet_vf, gets that MAC and pings the link partner on the VLAN.
# While it runs, virsh domifstat reads the VF's counters (IFLA_VF_STATS),
# and the interface is unplugged (detach-device: libvirt gives the VF back
# to iovnet_vf with the MAC and VLAN it had before) and plugged again
# (attach-device: the nested iovnet_vf takes it).  When the guest has
# stopped, libvirt has given the VF back again.
#
# Runs in the lab with an IOMMU (tools/lab/run --iommu; tools/check
# --libvirt-only).  The lab's root is read-only, so libvirtd runs as a
# plain process with its configuration and state on tmpfs: QEMU as root,
# no cgroups, namespaces or security driver, QEMU's output to files.

. "$(dirname "$0")/lib.sh"

if ! command -v libvirtd >/dev/null || ! command -v virsh >/dev/null; then
	echo "1..0 # SKIP libvirt is not installed (make setup installs it)"
	exit 4
fi
iommus=$(echo /sys/class/iommu/*)
if [ ! -e "${iommus%% *}" ]; then
	echo "1..0 # SKIP needs an IOMMU: tools/lab/run --iommu"
	exit 4
fi

GUEST_KERNEL=/boot/vmlinuz-$(uname -r)
[ -r "$GUEST_KERNEL" ] || GUEST_KERNEL=$(ls /boot/vmlinuz-6.12* | sort -V | tail -n 1)
GUEST_MAC=02:00:00:00:0e:31 HOST_MAC=02:00:00:00:0e:30 VLAN=31
NESTED_IP=192.168.79.10 PEER_VIP=192.168.79.2
DOM=iovnet-l2 NET=iovnet-vfs
# Nested TCG inside TCG: see nested_vf.sh
NESTED_TIMEOUT=${NESTED_TIMEOUT:-420}
HOLD=120	# seconds the nested guest stays up after its result line
WORK=$(mktemp -d /tmp/libvirt.XXXXXX)
CON=$WORK/console.log
SAVE=${LAB_DIR:-/tmp}/${LAB_NAME:-libvirt}-libvirt-console.log
LOGSAVE=${LAB_DIR:-/tmp}/${LAB_NAME:-libvirt}-libvirtd.log
STATE_DIRS="/etc/libvirt /var/lib/libvirt /var/cache/libvirt /var/log/libvirt /run/libvirt"
LVPID=
V() { virsh -q -c qemu:///system "$@"; }

cleanup() {
	V destroy $DOM >/dev/null 2>&1
	V net-destroy $NET >/dev/null 2>&1
	[ -n "$LVPID" ] && kill "$LVPID" 2>/dev/null && wait "$LVPID" 2>/dev/null
	cp "$CON" "$SAVE" 2>/dev/null
	cat "$WORK/libvirtd.out" /var/log/libvirt/libvirtd.log > "$LOGSAVE" 2>/dev/null
	local d
	for d in $STATE_DIRS; do
		mountpoint -q "$d" && umount "$d"
	done
	module_loaded iovnet_vf && rmmod iovnet_vf
	vfs_disable 2>/dev/null
	peer ip link del peer0.$VLAN 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT

T0=$(now_ms)

ktap_header 13

pf_load && pf_up || { echo "Bail out! PF did not come up"; exit 1; }
peer_vlan $VLAN $PEER_VIP/24
modprobe vfio-pci
iovnet_insmod "$VF_KO"
vf_on_iovnet() { [ "$(basename "$(readlink "/sys/bus/pci/devices/$1/driver")")" = iovnet_vf ]; }
# One VF, so that libvirt's pick is known
check "1 VF on iovnet_vf with the host's MAC $HOST_MAC" \
	sh -c "echo 1 > $(pf_sysfs)/sriov_numvfs && ip link set $PF_IF vf 0 mac $HOST_MAC"
BDF=$(vf_bdf 0)
wait_for 20 vf_on_iovnet "$BDF"

# libvirtd, its configuration and state on tmpfs
start_libvirtd() {
	local d
	for d in $STATE_DIRS; do
		mkdir -p "$d" 2>/dev/null
		mount -t tmpfs -o mode=0755 tmpfs "$d" || return 1
	done
	cat > /etc/libvirt/qemu.conf <<-EOF
	user = "root"
	group = "root"
	dynamic_ownership = 0
	remember_owner = 0
	security_driver = "none"
	cgroup_controllers = [ ]
	namespaces = [ ]
	stdio_handler = "file"
	EOF
	cat > /etc/libvirt/libvirtd.conf <<-EOF
	unix_sock_group = "root"
	unix_sock_rw_perms = "0700"
	auth_unix_ro = "none"
	auth_unix_rw = "none"
	log_outputs = "3:file:/var/log/libvirt/libvirtd.log"
	EOF
	libvirtd --config /etc/libvirt/libvirtd.conf --pid-file "$WORK/libvirtd.pid" \
		>"$WORK/libvirtd.out" 2>&1 &
	LVPID=$!
	# "virsh list" needs no QEMU capabilities yet (probing them takes a
	# while under TCG; virsh create waits for that)
	wait_for 60 V list >/dev/null
}
check "libvirtd $(libvirtd --version | awk '{ print $NF }') answers on qemu:///system" start_libvirtd

cat > "$WORK/net.xml" <<EOF
<network>
  <name>$NET</name>
  <forward mode='hostdev' managed='yes'>
    <pf dev='$PF_IF'/>
  </forward>
</network>
EOF
check "network $NET: hostdev, the VFs of $PF_IF" V net-create "$WORK/net.xml"

nested_initramfs "$IOVNET_MODDIR" "$WORK" || ktap_info "initramfs not built"
cat > "$WORK/iface.xml" <<EOF
<interface type='network'>
  <mac address='$GUEST_MAC'/>
  <source network='$NET'/>
  <vlan>
    <tag id='$VLAN'/>
  </vlan>
</interface>
EOF
cat > "$WORK/dom.xml" <<EOF
<domain type='qemu'>
  <name>$DOM</name>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <kernel>$GUEST_KERNEL</kernel>
    <initrd>$WORK/initramfs.cpio</initrd>
    <cmdline>console=ttyS0 panic=-1 mitigations=off nested_addr=$NESTED_IP/24 nested_peer=$PEER_VIP nested_hold=$HOLD</cmdline>
  </os>
  <features>
    <acpi/>
  </features>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>destroy</on_reboot>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <controller type='usb' model='none'/>
    <serial type='file'>
      <source path='$CON'/>
      <target port='0'/>
    </serial>
$(cat "$WORK/iface.xml")
    <memballoon model='none'/>
  </devices>
</domain>
EOF
T1=$(now_ms)
out=$(V create "$WORK/dom.xml" 2>&1)
rc=$?
[ $rc = 0 ] || ktap_info "virsh create: $out"
vf0_line() { ip link show dev "$PF_IF" | grep -E '^ *vf 0 '; }
ktap_info "while it runs: $(vf0_line | sed 's/^ *//'); VF 0 on $(basename "$(readlink "/sys/bus/pci/devices/$BDF/driver")")"
check "virsh create: libvirt gave VF 0 the MAC and VLAN $VLAN and bound it to vfio-pci" \
	sh -c "[ $rc = 0 ] && ip link show dev $PF_IF | grep -E '^ *vf 0 ' | grep -q 'link/ether $GUEST_MAC.*vlan $VLAN' &&
	       [ \"\$(basename \"\$(readlink /sys/bus/pci/devices/$BDF/driver)\")\" = vfio-pci ]"

result() { grep -q '^NESTED-RESULT:' "$CON" 2>/dev/null; }
running() { V domstate $DOM 2>/dev/null | grep -q running; }
result_or_gone() { result || ! running; }
wait_for "$NESTED_TIMEOUT" result_or_gone
T2=$(now_ms)
R=$(sed -n 's/^NESTED-RESULT: //p' "$CON" 2>/dev/null | tr -d '\r')
ktap_info "nested guest ($(( (T2 - T1) / 1000 )) s): ${R:-no result; console: $(tail -n 3 "$CON" 2>/dev/null | tr '\r\n' '  ')}"
field() { sed -n "s/.*\<$1=\([^ ]*\).*/\1/p" <<<"$R"; }
check "nested guest: iovnet_vf has libvirt's MAC ($(field mac))" test "$(field mac)" = $GUEST_MAC
check "nested guest: pings the partner on VLAN $VLAN ($(field ping_ms) ms to the first answer)" \
	test "$(field ping)" = 0

# domifstat on a hostdev interface reads the VF's counters from the PF
stats=$(V domifstat $DOM $GUEST_MAC 2>&1)
ktap_info "domifstat: $(tr '\n' ' ' <<<"$stats")"
rx=$(awk '$2 == "rx_packets" { print $3 }' <<<"$stats")
tx=$(awk '$2 == "tx_packets" { print $3 }' <<<"$stats")
check "virsh domifstat: the VF's packets both ways (rx ${rx:-?}, tx ${tx:-?})" \
	test "${rx:-0}" -gt 0 -a "${tx:-0}" -gt 0

# Unplug: the nested guest ejects the VF (ACPI hotplug), libvirt gives it
# back.  Plug: libvirt takes it again and the nested iovnet_vf probes it,
# which the PF sees as the VF's mailbox traffic.
vf0_taken() {
	vf0_line | grep -q "link/ether $GUEST_MAC.*vlan $VLAN" &&
		[ "$(basename "$(readlink "/sys/bus/pci/devices/$BDF/driver")")" = vfio-pci ]
}
restored() {
	vf0_line | grep -q "link/ether $HOST_MAC" && ! vf0_line | grep -q ' vlan ' &&
		vf_on_iovnet "$BDF"
}
t=$(now_ms)
out=$(V detach-device $DOM "$WORK/iface.xml" 2>&1) || ktap_info "detach-device: $out"
wait_for 60 restored
check "virsh detach-device: libvirt gave VF 0 back to iovnet_vf with its MAC ($(( $(now_ms) - t )) ms)" restored
mbx0=$(pf_vf_stat 0 mbx_msgs)
t=$(now_ms)
out=$(V attach-device $DOM "$WORK/iface.xml" 2>&1) || ktap_info "attach-device: $out"
plugged() { vf0_taken && [ "$(pf_vf_stat 0 mbx_msgs)" -gt "${mbx0:-0}" ]; }
wait_for 60 plugged
check "virsh attach-device: VF 0 taken again, the nested iovnet_vf at it (vf0_mbx_msgs $mbx0 -> $(pf_vf_stat 0 mbx_msgs), $(( $(now_ms) - t )) ms)" plugged

# Each check below holds only for a domain that was started
started() { [ "$rc" = 0 ]; }
gone() { ! V domstate $DOM >/dev/null 2>&1; }
check "the nested guest powered off and the domain is gone" \
	eval 'started && wait_for $((HOLD + 60)) gone'
T3=$(now_ms)
wait_for 30 restored
ktap_info "after: $(vf0_line | sed 's/^ *//'); VF 0 on $(basename "$(readlink "/sys/bus/pci/devices/$BDF/driver")")"
check "libvirt gave VF 0 back: on iovnet_vf, MAC $HOST_MAC, no VLAN" \
	eval 'started && restored'
check "iovnet_vf on VF 0 has its MAC again" \
	eval "started && wait_for 20 sh -c \"ip -br link | grep -qi '$HOST_MAC'\""
bad=$(grep -nE "$(. "$IOVNET_TOP/tools/lab/lib.sh"; echo "$LAB_BAD_LOG")" "$CON" | head -n 5)
[ -n "$bad" ] && ktap_info "nested kernel log: $bad"
check "nested guest kernel log free of oops/WARN/BUG" \
	eval 'started && test -s "$CON" -a -z "$bad"'

ktap_info "time: setup $((T1 - T0)) ms, guest to its result $((T2 - T1)) ms, to its end $((T3 - T2)) ms, total $(( $(now_ms) - T0 )) ms"
ktap_finish
