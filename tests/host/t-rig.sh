#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Host-side tests of the VM rig itself: a failing guest test, a guest that
# panics, one that hangs and one whose console shows a warning must each make
# the run fail; a passing guest must make it pass. So must a warning inside a
# memlab-expect window that accepts it, and not one outside the window, one
# the window's ERE does not match, or one in a window never closed.
#
# usage: t-rig.sh KERNEL_IMAGE MEMLAB.KO WORKDIR
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/../guest/ktap.sh"
# shellcheck source=tests/rig/lib.sh
. "$(dirname "$0")/../rig/lib.sh"

kimage=$1
ko=$2
work=$3
rig=$MEMLAB_TOP/tests/rig
mkdir -p "$work"

ktap_print_header "the VM rig judges runs"
ktap_set_plan 8

# case NAME EXPECT(pass|fail) FILTER TIMEOUT [LOG_PATTERN...]: the run must
# EXPECT, and say (on stderr) something matching each LOG_PATTERN.
rig_case() {
	name=$1
	expect=$2
	filter=$3
	limit=$4
	shift 4
	sh "$rig/mkinitramfs.sh" "$work/$name.cpio.gz" "$ko" "$MEMLAB_TOP"/tests/host/guest/t-zz-*.sh
	if sh "$rig/vm.sh" -k "$kimage" -i "$work/$name.cpio.gz" -o "$work/$name" \
		-t "$limit" -f "$filter" 2>"$work/$name.err"; then
		got=pass
	else
		got=fail
	fi
	missing=
	for pattern in "$@"; do
		grep -qE "$pattern" "$work/$name.err" || missing=$pattern
	done
	if [ "$got" != "$expect" ]; then
		ktap_print_msg "$name: expected the run to $expect, it did $got"
		sed 's/^/# /' "$work/$name.err"
		ktap_test_fail "$name"
	elif [ -n "$missing" ]; then
		ktap_print_msg "$name: failed, but not saying '$missing':"
		sed 's/^/# /' "$work/$name.err"
		ktap_test_fail "$name"
	else
		ktap_test_pass "$name"
	fi
}

rig_case "a passing guest passes" pass t-load 120
rig_case "a failing guest test fails the run" fail t-zz-fail 120
rig_case "a guest panic fails the run" fail t-zz-panic 120 'Kernel panic|never finished'
rig_case "a hanging guest fails on the host timeout" fail t-zz-hang 15 'timeout'
rig_case "a WARNING in the console fails the run" fail t-zz-warn 120 'kernel problems'
rig_case "a WARNING that a memlab-expect window accepts passes" pass t-zz-expect-ok 120
rig_case "a WARNING outside the window, or not matching it, fails the run" fail t-zz-expect-outside 120 \
	'^[0-9]+:\[ *[0-9.]+\] WARNING: .*rig self-test, not matching' '^[0-9]+:\[ *[0-9.]+\] WARNING: .*rig self-test, expected'
rig_case "a memlab-expect window never closed accepts nothing" fail t-zz-expect-open 120 \
	'memlab-expect: a begin without an end' '^[0-9]+:\[ *[0-9.]+\] WARNING: .*rig self-test, expected'
ktap_finished
