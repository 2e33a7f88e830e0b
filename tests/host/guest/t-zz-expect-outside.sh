#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Rig self-test: a memlab-expect window accepts only its own lines: the same
# warning after its end, and one inside that its ERE does not match, each
# fail the run.
echo "memlab-expect: begin ^WARNING: CPU: 0 PID: 1 at memlab rig self-test, expected$" >/dev/kmsg
echo "WARNING: CPU: 0 PID: 1 at memlab rig self-test, expected" >/dev/kmsg
echo "WARNING: CPU: 0 PID: 1 at memlab rig self-test, not matching" >/dev/kmsg
echo "memlab-expect: end" >/dev/kmsg
echo "WARNING: CPU: 0 PID: 1 at memlab rig self-test, expected" >/dev/kmsg
echo "KTAP version 1"
echo "1..1"
echo "ok 1 everything looks fine to the guest"
