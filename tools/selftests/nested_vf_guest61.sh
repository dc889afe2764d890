#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# nested_vf.sh with Debian 12's 6.1 kernel in the nested guest and the
# iovnet_vf.ko built for it (tools/kernels/build): a tenant on an older
# kernel than the host's, under this host's 6.12 and our PF.  Skips when
# the 6.1 image or its build is missing.

NESTED_GUEST=6.1 exec "$(dirname "$0")/nested_vf.sh"
