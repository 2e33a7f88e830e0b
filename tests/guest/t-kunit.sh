#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# memlab's KUnit tests (debug kernel only): load memlab_kunit.ko, which runs
# its suites as it loads, re-emit each suite's KTAP from debugfs as subtests,
# unload it. Skipped where the kernel has no KUnit (Debian's 6.1 and 6.12,
# for which memlab_kunit.ko is not built).
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/ktap.sh"

KUNIT_KO=${MEMLAB_KUNIT_KO:-/memlab/memlab_kunit.ko}
KUNIT_DIR=/sys/kernel/debug/kunit
SUITES="memlab_parse memlab_track memlab_stats"

ktap_print_header "KUnit: memlab's parser, tracking and counters in the kernel"
if [ ! -f "$KUNIT_KO" ]; then
	ktap_set_plan 1
	ktap_test_skip "KUnit suites (no memlab_kunit.ko: it is built only for the debug kernel, which has CONFIG_KUNIT)"
	ktap_finished
	exit 0
fi
ktap_set_plan 5

ktap_check "insmod memlab_kunit.ko (runs the suites)" insmod "$KUNIT_KO"
for s in $SUITES; do
	r=$KUNIT_DIR/$s/results
	if [ ! -r "$r" ]; then
		ktap_test_fail "$s (no $r)"
		continue
	fi
	# The file is "KTAP version 1", "1..1", the suite as an indented
	# subtest, then "ok 1 <suite>": keep the subtest, number the verdict
	# here.
	awk 'NR > 2 && /^[ \t]/' "$r"
	if grep -q '^ *not ok' "$r" || ! grep -q "^ok 1 $s\$" "$r"; then
		ktap_test_fail "$s"
	else
		ktap_test_pass "$s"
	fi
done
ktap_check "rmmod memlab_kunit" rmmod memlab_kunit
ktap_finished
