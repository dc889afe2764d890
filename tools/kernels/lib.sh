# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The kernels iovnet is built against (make kernels, tools/check): sourced
# by tools/kernels/setup and tools/kernels/build.
#
# A kernel is a series ("6.1") and the newest tree of it found:
#  - installed headers, /lib/modules/<series>.*/build (Debian packages);
#  - or a lab kernel built from source, $KERNELS_CACHE/lab-<series>/<key>/
#    build (tools/kernels/lab-kernel), whose <key> has the stamp file: the
#    modules then match a kernel the lab boots;
#  - or a prepared source tree, $KERNELS_CACHE/<version>/linux-source-<series>
#    (tools/kernels/setup), that has its stamp file.

# The series, oldest first: Debian 12's own, the lab's, the newest Debian's
KERNELS=${IOVNET_KERNELS:-"6.1 6.12 7.2"}
KERNELS_CACHE=${IOVNET_KERNELS_CACHE:-/var/cache/iovnet-kernels}
KERNEL_STAMP=.iovnet-prepared

# SERIES: print the tree to build against, or fail
kernel_kdir() {
	local d

	d=$(ls -d /lib/modules/"$1".*/build 2>/dev/null | sort -V | tail -n 1)
	if [ -z "$d" ]; then
		d=$(kernel_lab_build "$1")
	fi
	if [ -z "$d" ]; then
		d=$(ls -d "$KERNELS_CACHE"/*/linux-source-"$1"/$KERNEL_STAMP 2>/dev/null |
		    sort -V | tail -n 1)
		d=${d%/"$KERNEL_STAMP"}
	fi
	[ -n "$d" ] && [ -e "$d/Makefile" ] && echo "$d"
}

# SERIES: print the finished lab kernel build tree of tools/kernels/lab-kernel
kernel_lab_build() {
	local d

	d=$(ls -td "$KERNELS_CACHE"/lab-"$1"/*/$KERNEL_STAMP 2>/dev/null | head -n 1)
	d=${d%/"$KERNEL_STAMP"}
	[ -n "$d" ] && [ -e "$d/build/arch/x86/boot/bzImage" ] && echo "$d/build"
}

# SERIES: print the image tools/lab/run --kernel SERIES boots, or fail: the
# newest /boot/vmlinuz-<series>.* whose modules are installed in
# /lib/modules/<release> (the lab guest loads igb, igbvf and 8021q from
# there), else a lab kernel of tools/kernels/lab-kernel (its modules: see
# tools/kernels/build and tools/lab/guest-init).
kernel_image() {
	local i rel

	for i in $(ls -1 /boot/vmlinuz-"$1".* 2>/dev/null | sort -rV); do
		rel=${i#/boot/vmlinuz-}
		[ -e "/lib/modules/$rel/modules.dep" ] && { echo "$i"; return 0; }
	done
	i=$(kernel_lab_build "$1") && echo "$i/arch/x86/boot/bzImage"
}

# KDIR: print a sparse this kernel accepts (its scripts/checker-valid.sh,
# 6.x and later): the host's, else one tools/kernels/setup built from sid's
# source into $KERNELS_CACHE/sparse-<version>/ (bookworm's 0.6.4 lacks
# __typeof_unqual__, which 7.x's headers use).  Fails when there is none.
kernel_sparse() {
	local chk s

	chk=$1/scripts/checker-valid.sh
	[ -e "$chk" ] || chk=$1/source/scripts/checker-valid.sh
	for s in sparse $(ls -d "$KERNELS_CACHE"/sparse-*/sparse 2>/dev/null | sort -rV); do
		command -v "$s" >/dev/null || continue
		if [ ! -e "$chk" ] || [ "$(sh "$chk" "$s" 2>/dev/null)" = 1 ]; then
			echo "$s"
			return 0
		fi
	done
	return 1
}

# The kernel release of a tree
kernel_release() {
	sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$1/include/generated/utsrelease.h" 2>/dev/null
}

# "SERIES KDIR" for each kernel present
kernel_list() {
	local s d

	for s in $KERNELS; do
		d=$(kernel_kdir "$s") && echo "$s $d"
	done
	return 0
}
