#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Rig self-test: a warning inside a memlab-expect window that accepts it
# (tests/rig/vm.sh) does not fail the run.
echo "memlab-expect: begin ^WARNING: CPU: 0 PID: 1 at memlab rig self-test, expected$" >/dev/kmsg
echo "WARNING: CPU: 0 PID: 1 at memlab rig self-test, expected" >/dev/kmsg
echo "memlab-expect: end" >/dev/kmsg
echo "KTAP version 1"
echo "1..1"
echo "ok 1 the warning was expected"
