#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make check works in a tree that is not a git checkout, as a release
# tarball or a downloaded archive gives it: `git archive HEAD` unpacked in a
# fresh directory runs make check's host stages (KERNELS=none), which build
# the parser's tests and memlab.ko and judge a stand-in kernel stage there.
# Its last line must say they all passed. Inside such a tree (no .git) there
# is nothing to archive: the case skips, saying so.
#
# usage: t-outside-git.sh WORKDIR
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/../guest/ktap.sh"
# shellcheck source=tests/rig/lib.sh
. "$(dirname "$0")/../rig/lib.sh"

work=$1
ktap_print_header "make check outside a git checkout"
ktap_set_plan 2
top=$(git -C "$MEMLAB_TOP" rev-parse --show-toplevel 2>/dev/null)
if [ -z "$top" ] || [ "$(cd "$top" && pwd -P)" != "$(cd "$MEMLAB_TOP" && pwd -P)" ]; then
	ktap_test_skip "git archive HEAD unpacks with no .git: this tree is not a git checkout, nothing to archive"
	ktap_test_skip "its host stages pass: this tree is not a git checkout"
	ktap_finished
	exit 0
fi
rm -rf "$work"
mkdir -p "$work/tree"
if git -C "$MEMLAB_TOP" archive HEAD | tar -x -C "$work/tree" && [ ! -e "$work/tree/.git" ] &&
	[ -f "$work/tree/Makefile" ]; then
	ktap_test_pass "git archive HEAD unpacks with no .git"
else
	ktap_test_fail "git archive HEAD unpacks with no .git"
	ktap_test_fail "its host stages pass: no tree"
	ktap_finished
	exit 1
fi
# Its own out/, cache shared (packages and kernels are the host's).
env -u MEMLAB_TOP -u MEMLAB_OUT KERNELS=none CHECK_JOBS=1 FUZZ_SECONDS=5 \
	sh "$work/tree/tests/rig/check.sh" >"$work/check.out" 2>"$work/check.err"
rc=$?
last=$(tail -n 1 "$work/check.out")
ktap_print_msg "outside git, make check's host stages: $last (exit $rc)"
if [ "$rc" -eq 0 ] && printf '%s\n' "$last" | grep -qE '^[1-9][0-9]* passed, 0 failed'; then
	ktap_test_pass "its host stages pass"
else
	grep -E 'passed, [0-9]+ failed|not ok' "$work/check.err" | sed 's/^/# /' | head -n 30
	ktap_test_fail "its host stages pass"
fi
ktap_finished
