#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Rig self-test: a memlab-expect window that is never closed accepts
# nothing, and fails the run.
echo "memlab-expect: begin ^WARNING: CPU: 0 PID: 1 at memlab rig self-test, expected$" >/dev/kmsg
echo "WARNING: CPU: 0 PID: 1 at memlab rig self-test, expected" >/dev/kmsg
echo "KTAP version 1"
echo "1..1"
echo "ok 1 everything looks fine to the guest"
