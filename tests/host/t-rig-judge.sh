#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make check judged by itself: each way a kernel's suite can fail to run
# must turn make check red, in its own records and its last line, not only
# in vm.sh's exit status. make check runs here on one kernel (6.1) with no
# host stages, and a stand-in QEMU (tests/host/fake/) that writes the serial
# files as a guest would: a suite that ran (the control), one that printed
# half its plan, none at all, no done marker, a QEMU that exited with status
# 3, a kernel that crashed before user space once (booted again: passes) or
# every time; and a C compiler that fails (tests/host/fake-cc/), as one new warning
# under -Werror would, so that no initramfs is made.
#
# usage: t-rig-judge.sh WORKDIR
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/../guest/ktap.sh"
# shellcheck source=tests/rig/lib.sh
. "$(dirname "$0")/../rig/lib.sh"

work=$1
fake=$MEMLAB_TOP/tests/host/fake
mkdir -p "$work"
ktap_print_header "make check fails when a suite did not run"
ktap_set_plan 8

# judge NAME EXPECT(pass|fail) REASON [VAR=VALUE...]: make check on the
# stand-in, under those variables; it must EXPECT, in its exit status, its
# last line and kernel-6.1's record, which, with the failures it lists,
# must name REASON (an ERE) when it fails.
judge() {
	name=$1
	expect=$2
	reason=$3
	shift 3
	o=$work/$(printf '%s' "$name" | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9' '-')
	# The same MEMLAB_OUT for all: memlab.ko is built once.
	env PATH="$fake:$PATH" MEMLAB_OUT="$work/out" KERNELS=6.1 CHECK_JOBS=1 CHECK_HOST=0 \
		MEMLAB_TESTS=t-fake ACCEL=tcg "$@" sh "$MEMLAB_TOP/tests/rig/check.sh" >"$o.out" 2>"$o.err"
	rc=$?
	last=$(tail -n 1 "$o.out")
	rec=$(grep '^kernel-6.1 ' "$work/out/check/summary.txt" 2>/dev/null)
	why=$(grep -E '^kernel-6.1 |^    kernel-6.1: ' "$o.err")
	case "$last" in
	*" passed, 0 failed"*) said=pass ;;
	*" passed, "[1-9]*" failed"*) said=fail ;;
	*) said="no summary line" ;;
	esac
	got=fail
	[ "$rc" -eq 0 ] && [ "$said" = pass ] && got=pass
	if [ "$got" = "$expect" ] && { [ "$said" = pass ] || [ "$rc" -ne 0 ]; } &&
		{ [ "$expect" = pass ] || printf '%s\n' "$why" | grep -qE "$reason"; }; then
		ktap_test_pass "$name"
	else
		ktap_print_msg "$name: expected $expect, got exit $rc, last line '$last'"
		ktap_print_msg "kernel-6.1's record: '$rec' (should name: $reason)"
		printf '%s\n' "$why" | sed 's/^/# /'
		tail -n 15 "$o.err" | sed 's/^/# /'
		ktap_test_fail "$name"
	fi
}

judge "a suite that ran in full passes" pass "" FAKE_GUEST=good
judge "a guest that prints half its plan fails" fail "2 results for a plan of 4" FAKE_GUEST=half
judge "a guest that prints no plan fails" fail "no KTAP plan" FAKE_GUEST=noplan
judge "a guest without its done marker fails" fail "no done marker" FAKE_GUEST=nodone
judge "QEMU exiting with status 3 fails" fail "QEMU exited with status 3" FAKE_GUEST=good FAKE_QEMU_RC=3
rm -f "$work/crash1.mark"
judge "a kernel that crashed before user space once is booted again, and passes" pass "" \
	FAKE_GUEST=crash1 FAKE_MARK="$work/crash1.mark"
judge "a kernel that crashes before user space each time fails" fail "did not reach user space" FAKE_GUEST=crash
fake="$MEMLAB_TOP/tests/host/fake-cc:$fake"
judge "no initramfs (the guest helpers do not build) fails" fail "make the initramfs for 6.1" FAKE_GUEST=good
ktap_finished
