#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Rig self-test: the guest hangs.
sleep 100000
