#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Rig self-test: the guest kernel panics.
echo c >/proc/sysrq-trigger
