#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Load and unload: the module's files appear and vanish, modinfo is complete.
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/ktap.sh"
KO=${MEMLAB_KO:-/memlab/memlab.ko}

ktap_print_header "load and unload"
ktap_set_plan 12

for round in 1 2; do
	ktap_check "round $round: insmod" insmod "$KO"
	ktap_check "round $round: /proc/memlab appears" test -d /proc/memlab
	ktap_check "round $round: /sys/kernel/debug/memlab appears" test -d /sys/kernel/debug/memlab
	ktap_check "round $round: rmmod" rmmod memlab
	ktap_check "round $round: /proc/memlab vanishes" test ! -e /proc/memlab
	ktap_check "round $round: /sys/kernel/debug/memlab vanishes" test ! -e /sys/kernel/debug/memlab
done
ktap_finished
