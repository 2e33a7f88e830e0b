#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make demo as a learner runs it, on a machine that cannot load modules: it
# says it runs in a VM with the chosen kernel, shows the 15 steps of
# memlab-demo to the end and exits 0; the VM's whole console (every kernel
# line, a WARNING too: no quiet boot) shows no kernel problem, as
# tests/rig/vm.sh judges it. KTAP on stdout.
#
# usage: t-make-demo.sh [KERNEL] [WORKDIR]   (KERNEL 6.12 by default: 6.1 is
# the default of make demo itself, which the in-guest tests cover; any name
# of lib.sh's kernel_load: 6.1, 6.12, 7.3, debug)
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/../guest/ktap.sh"
# shellcheck source=tests/rig/lib.sh
. "$(dirname "$0")/../rig/lib.sh"

kernel=${1:-6.12}
work=${2:-$MEMLAB_OUT/make-demo-test}
mkdir -p "$work"
out=$work/make-demo.out

ktap_print_header "make demo KERNEL=$kernel"
ktap_set_plan 6

MEMLAB_DEMO_VM=1 MEMLAB_OUT=$work make -s -C "$MEMLAB_TOP" demo KERNEL="$kernel" >"$out" 2>&1
rc=$?
# make demo has set the kernel up: what it should say is known now.
desc=$kernel
! kernel_load "$kernel" 2>/dev/null || desc=$K_DESC

says_where() {
	grep -qF "running the demo in a VM with $desc" "$out"
}
ktap_check "make demo says it runs in a VM with $desc" says_where
ktap_expect_eq "the 15 steps show" 15 "$(grep -c '^== Step [0-9]* of 15: ' "$out")"
ktap_check "memlab-demo runs to the end" grep -q '^memlab-demo: done, every step worked' "$out"
ktap_expect_eq "make demo exits with status 0" 0 "$rc"
# vm.sh's judgement of the demo VM's console (tests/rig/demo.sh's -o).
vmdir=$work/demo-$kernel
ktap_check "the console keeps the kernel's informational lines (memlab's load line)" \
	grep -qE '^\[ *[0-9.]+\] memlab: loaded: ' "$vmdir/console.log"
if [ -f "$vmdir/problems.txt" ] && [ ! -s "$vmdir/problems.txt" ]; then
	ktap_test_pass "the demo VM's console shows no kernel problem"
else
	sed 's/^/# problem: /' "$vmdir/problems.txt" 2>/dev/null | head -n 20
	ktap_test_fail "the demo VM's console shows no kernel problem (see $vmdir/problems.txt)"
fi
if [ "$KTAP_CNT_FAIL" -gt 0 ]; then
	ktap_print_msg "make demo's output:"
	sed 's/^/# | /' "$out"
fi
ktap_finished
