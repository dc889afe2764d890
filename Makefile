# SPDX-License-Identifier: GPL-2.0
#
# Out-of-tree build and the two commands of the README:
#   make          build iovnet_pf.ko and iovnet_vf.ko against $(KDIR)
#   make demo     run the main job in the QEMU lab
#   make check    every test: static checks, then the lab selftests
#   make bench [QUICK=1]   ours vs the stock igb/igbvf pair, side by side
#   make bench-datapath [QUICK=1]   the PF datapath part of it alone
#   make check-debug [TESTS="a.sh b.sh"]   KUnit and the selftests (default
#                      all) on a debug kernel (CI runs a timed subset)
#   make check-slow    make check plus a VF in a nested guest (3-9 min more)
#   make check-nested  the nested-guest lane alone (CI runs it after make check)
#   make check-stress  the load suites with the issue's counts (18-24 min)
#   make kernels       build W=1 against Debian's 6.1, the lab's 6.12 and sid's
#                      7.2, installing what is missing (make setup-kernels)
#   make install [KVER=...]   modules_install into /lib/modules/KVER/updates
#                      and depmod; make uninstall removes them again
#   make deb           build/iovnet-dkms_<version>_all.deb (DKMS, debian/)
#   make check-pkg     the .deb and make install on this machine, each seen
#                      loading in the lab, then removed (also in make check)
#   make check-kernels those builds, then the core selftests in the lab on
#                      each bootable kernel but 6.12 (6.1: ~10 min)
#   make check-clients DPDK's igb VF PMD on a VF (also in make check)
#   make check-libvirt libvirt's hostdev network, a nested guest (by hand)
#
# KDIR defaults to the headers of the lab's Debian 6.12 kernel, else the
# running kernel's; KVER=<release> means KDIR=/lib/modules/<release>/build.
# Point KDIR at any other kernel tree to build for real 82576 hardware.

LAB_KDIR := $(lastword $(sort $(wildcard /lib/modules/6.12.*/build)))
ifdef KVER
KDIR ?= /lib/modules/$(KVER)/build
endif
KDIR ?= $(or $(LAB_KDIR),$(wildcard /lib/modules/$(shell uname -r)/build))
# The release the modules are for, as the tree itself says
KRELEASE = $(or $(KVER),$(shell cat $(KDIR)/include/config/kernel.release 2>/dev/null))
IOVNET_MODULES := iovnet_lib iovnet_pf iovnet_vf
KBUILD_FLAGS := CONFIG_IOVNET_PF=m CONFIG_IOVNET_VF=m
# A prepared source tree has no Module.symvers: modpost cannot check symbols
KBUILD_FLAGS += $(if $(wildcard $(KDIR)/Module.symvers),,KBUILD_MODPOST_WARN=1)

.PHONY: all modules install uninstall deb check-pkg clean setup check check-static check-slow check-nested check-stress check-debug demo bench bench-datapath kernels setup-kernels help

all: modules

modules:
	@test -n "$(KDIR)" || { echo "no kernel headers: run 'make setup' or set KDIR"; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) $(KBUILD_FLAGS) modules

# INSTALL_MOD_PATH (a staging root) is honoured as by the kernel's own
# modules_install; depmod then works on that root. A distribution's headers
# have no signing key: then modules_install is not asked to sign.
install: modules
	@test -n "$(KRELEASE)" || { echo "cannot tell the kernel release of '$(KDIR)': set KVER"; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) $(KBUILD_FLAGS) INSTALL_MOD_DIR=updates \
		$(if $(wildcard $(KDIR)/certs/signing_key.pem),,CONFIG_MODULE_SIG_ALL=) modules_install
	depmod $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) -a $(KRELEASE)

uninstall:
	@test -n "$(KRELEASE)" || { echo "cannot tell the kernel release of '$(KDIR)': set KVER"; exit 1; }
	rm -f $(foreach m,$(IOVNET_MODULES),$(INSTALL_MOD_PATH)/lib/modules/$(KRELEASE)/updates/$(m).ko*)
	depmod $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) -a $(KRELEASE)

deb:
	tools/pkg/deb

check-pkg:
	tools/check --pkg-only

clean:
	@if [ -n "$(KDIR)" ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi
	rm -rf pf/shared vf/shared iovnet_compat_gen.h build/lab build/check build/kernels build/deb build/iovnet-dkms_*

setup:
	tools/lab/setup

check:
	tools/check

check-slow:
	tools/check --slow

check-nested:
	tools/check --nested-only

check-stress:
	tools/check --stress-only

check-clients:
	tools/check --clients-only

check-libvirt:
	tools/check --libvirt-only

check-static:
	tools/check --static-only

kernels: setup-kernels
	tools/kernels/build

setup-kernels:
	tools/kernels/setup

.PHONY: check-kernels
check-kernels: setup-kernels
	tools/kernels/check

check-debug:
	tools/debug/check $(TESTS)

demo:
	tools/demo/run

bench:
	tools/bench/run $(if $(QUICK),--quick)

bench-datapath:
	tools/bench/datapath $(if $(QUICK),--quick)

help:
	@sed -n '3,24p' Makefile
