#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# memlab's KUnit tests (debug kernel only): load memlab_kunit.ko, which runs
# its suites as it loads, re-emit each suite's KTAP from debugfs as subtests,
# unload it. Skipped where the kernel has no KUnit (Debian's 6.1 and 6.12,
# for which memlab_kunit.ko is not built).
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/ktap.sh"
# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"

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

# suite_ok SUITE FILE: the suite's KTAP says it passed, with every case it
# planned run and none failed; prints what it found, or what is wrong.
suite_ok() {
	awk -v s="$1" '
	NR <= 2 { next }
	# The suite'"'"'s own plan and cases, one level in (parameterised cases
	# have their own subtests, deeper).
	/^[ \t]+1\.\.[0-9]+$/ && depth == "" {
		match($0, /^[ \t]+/); depth = RLENGTH; plan = $1; sub(/^1\.\./, "", plan); next
	}
	/^[ \t]*not ok [0-9]+/ { bad++ }
	depth != "" && match($0, /^[ \t]+/) && RLENGTH == depth && /^[ \t]+(not )?ok [0-9]+/ { cases++ }
	$0 == "ok 1 " s { top = 1 }
	END {
		if (plan == "") { print "no plan of cases"; exit 1 }
		if (bad) { print bad " failed"; exit 1 }
		if (cases != plan) { print cases " of " plan " cases ran"; exit 1 }
		if (!top) { print "no \"ok 1 " s "\""; exit 1 }
		print cases " cases passed"
	}' "$2"
}

ktap_check "insmod memlab_kunit.ko (runs the suites)" insmod "$KUNIT_KO"
for s in $SUITES; do
	r=$KUNIT_DIR/$s/results
	if [ ! -r "$r" ]; then
		ktap_test_fail "$s (no $r)"
		continue
	fi
	# The file is "KTAP version 1", "1..1", the suite as an indented
	# subtest, then "ok 1 <suite>". The subtest goes to the log as
	# diagnostics ("# " before each line): check.sh counts every line that
	# looks like a result, and a suite's cases are not results of this
	# test. The verdict, numbered here: no case failed, as many cases ran
	# as the suite planned, and the suite itself passed.
	sed 's/^/# /' "$r"
	if ! why=$(suite_ok "$s" "$r"); then
		ktap_print_msg "$s: $why"
		ktap_test_fail "$s"
	else
		ktap_test_pass "$s: $why"
	fi
done
# Its code is memlab's: a leak it made is attributed by its range too.
memlab_mark memlab_kunit
ktap_check "rmmod memlab_kunit" rmmod memlab_kunit
ktap_finished
