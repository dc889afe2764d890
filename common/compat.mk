# SPDX-License-Identifier: GPL-2.0
#
# Kernel differences, probed from the target kernel's headers: include this
# at the end of a Kbuild file that builds objects including common/compat.h.
# It generates $(obj)/iovnet_compat_gen.h with common/compat-gen.sh before
# any of the file's objects (obj-m/obj-y and their parts) is compiled.

iovnet-compat-dir := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))

ccflags-y += -I$(obj)
clean-files += iovnet_compat_gen.h

filechk_iovnet_compat = $(CONFIG_SHELL) $(iovnet-compat-dir)/compat-gen.sh \
			$(srctree) $(objtree)

$(obj)/iovnet_compat_gen.h: $(iovnet-compat-dir)/compat-gen.sh FORCE
	$(call filechk,iovnet_compat)

iovnet-compat-users := $(foreach m,$(obj-m) $(obj-y),$(m) $($(m:.o=-y)))
$(addprefix $(obj)/,$(iovnet-compat-users)): $(obj)/iovnet_compat_gen.h
