#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# KTAP output for memlab's in-guest tests, after the kernel's
# tools/testing/selftests/kselftest/ktap_helpers.sh (sourced, POSIX sh).

KTAP_TESTNO=0
KTAP_CNT_PASS=0
KTAP_CNT_FAIL=0
KTAP_CNT_SKIP=0

ktap_print_header() {
	echo "KTAP version 1"
	[ -n "${1:-}" ] && echo "# $1"
	return 0
}

ktap_print_msg() {
	echo "# $*"
}

ktap_set_plan() {
	echo "1..$1"
}

ktap_test_pass() {
	KTAP_TESTNO=$((KTAP_TESTNO + 1))
	KTAP_CNT_PASS=$((KTAP_CNT_PASS + 1))
	echo "ok $KTAP_TESTNO $*"
}

ktap_test_fail() {
	KTAP_TESTNO=$((KTAP_TESTNO + 1))
	KTAP_CNT_FAIL=$((KTAP_CNT_FAIL + 1))
	echo "not ok $KTAP_TESTNO $*"
}

ktap_test_skip() {
	KTAP_TESTNO=$((KTAP_TESTNO + 1))
	KTAP_CNT_SKIP=$((KTAP_CNT_SKIP + 1))
	echo "ok $KTAP_TESTNO $* # SKIP"
}

# ktap_check DESCRIPTION COMMAND...: pass when COMMAND succeeds.
ktap_check() {
	_desc=$1
	shift
	if "$@"; then
		ktap_test_pass "$_desc"
	else
		ktap_test_fail "$_desc"
	fi
}

# ktap_expect_eq DESCRIPTION EXPECTED ACTUAL
ktap_expect_eq() {
	if [ "$2" = "$3" ]; then
		ktap_test_pass "$1"
	else
		ktap_print_msg "$1: expected '$2', got '$3'"
		ktap_test_fail "$1"
	fi
}

ktap_finished() {
	echo "# Totals: pass:$KTAP_CNT_PASS fail:$KTAP_CNT_FAIL skip:$KTAP_CNT_SKIP"
	[ "$KTAP_CNT_FAIL" -eq 0 ]
}
