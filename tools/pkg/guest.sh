#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run in the lab by tools/pkg/check, against the modules installed on the
# host (the guest shares its root), printing KEY=VALUE lines.
#   guest.sh install   modprobe iovnet_pf, as a user would after make install
#   guest.sh dkms      (lab --stock, iovnet-dkms installed) igb has the port
#                      after boot; iovnet-bind moves it to iovnet_pf and
#                      back to igb, and refuses a device that is no 82576
set -u

driver_of() {	# ADDR
	local l
	l=$(readlink "/sys/bus/pci/devices/$1/driver" 2>/dev/null) && basename "$l"
}

# Poll until ADDR's driver is DRIVER (probing may be asynchronous): 10 s
wait_driver() {	# ADDR DRIVER
	local i
	for i in $(seq 100); do
		[ "$(driver_of "$1")" = "$2" ] && return 0
		[ "$i" = 100 ] || sleep 0.1
	done
	return 1
}

loaded() {
	echo "path=$(modinfo -n iovnet_pf 2>/dev/null)"
	echo "lib_path=$(modinfo -n iovnet_lib 2>/dev/null)"
	echo "build_id=$(build_id iovnet_pf)"
	echo "lib_build_id=$(build_id iovnet_lib)"
}

# The loaded module's GNU build ID (the modules carry no srcversion: they
# have no MODULE_VERSION): the note is a 12-byte header, "GNU\0", the ID
build_id() {	# MODULE
	od -An -v -tx1 -j16 "/sys/module/$1/notes/.note.gnu.build-id" 2>/dev/null | tr -d ' \n'
}

case ${1:-} in
install)
	modprobe iovnet_pf || echo "modprobe=failed"
	loaded
	wait_driver "$LAB_PF_PCI" iovnet_pf
	echo "driver=$(driver_of "$LAB_PF_PCI")"
	;;
dkms)
	wait_driver "$LAB_PF_PCI" igb
	echo "boot_driver=$(driver_of "$LAB_PF_PCI")"
	echo "boot_loaded=$(test -d /sys/module/iovnet_pf && echo yes || echo no)"
	bind=/usr/sbin/iovnet-bind	# the package's
	"$bind" iovnet "$LAB_PF_PCI"
	echo "bind_rc=$?"
	loaded
	wait_driver "$LAB_PF_PCI" iovnet_pf
	echo "driver=$(driver_of "$LAB_PF_PCI")"
	"$bind" status
	"$bind" stock "$LAB_PF_PCI"
	echo "stock_rc=$?"
	wait_driver "$LAB_PF_PCI" igb
	echo "back_driver=$(driver_of "$LAB_PF_PCI")"
	# The link partner's virtio NIC: not an 82576, must be left alone
	other=$(grep -l '^0x1af4$' /sys/bus/pci/devices/*/vendor | head -n 1)
	other=$(basename "$(dirname "$other")")
	echo "other=$other"
	before=$(driver_of "$other")
	"$bind" iovnet "$other" 2>&1
	echo "other_rc=$?"
	echo "other_kept=$([ -n "$before" ] && [ "$(driver_of "$other")" = "$before" ] && echo yes || echo no)"
	;;
*)
	echo "usage: guest.sh install|dkms" >&2
	exit 2 ;;
esac
