#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Rig self-test: a guest test that fails on purpose.
echo "KTAP version 1"
echo "1..1"
echo "not ok 1 this guest test fails on purpose"
exit 1
