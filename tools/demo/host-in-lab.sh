#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Rehearse "tools/demo/run --host" in a lab guest: the lab's igb stands in
# for a real 82576 (bound to the stock igb with --stock, so the unbind and
# rebind are exercised too) and the virtio link partner for the peer's NIC.
#
#   tools/lab/run --stock --name demo-host -- tools/demo/host-in-lab.sh
#
# Results go to build/demo-host/ (not build/demo/).
set -u
# Give the link partner back to the root namespace, as on a real host
ip -n peer link set peer0 netns 1 || exit 1
ip netns del peer
exec "$(dirname "$0")/run" --host --no-build --peer peer0 --out build/demo-host
