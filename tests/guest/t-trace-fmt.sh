#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# memlab's tracepoints as trace tools read them. perf and trace-cmd
# (libtraceevent) evaluate an event's print fmt themselves: it may call no
# memlab function. trace-cmd (copied into the initramfs from the host, see
# tests/rig/mkinitramfs.sh) records memlab_alloc and memlab_free around one
# allocation of each strategy, and its report must print each as
# strategy=<the token of its stats row>. Where the initramfs has no
# trace-cmd, those checks skip.
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/ktap.sh"
# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"

T=/sys/kernel/tracing
EV=$T/events/memlab
ktap_print_header "memlab's tracepoints, read by a trace parser"
ktap_set_plan 5

memlab_load demo=0 || exit 1
# A call in print fmt: a name followed by "(", other than the kernel's own
# helpers, which libtraceevent knows (__print_symbolic, __get_str, ...).
calls=$(sed -n 's/^print fmt: //p' "$EV/memlab_alloc/format" "$EV/memlab_free/format" |
	grep -oE '[A-Za-z_][A-Za-z0-9_]*\(' | grep -v '^__' | sort -u | tr '\n' ' ')
ktap_expect_eq "print fmt of both events calls no function a trace tool lacks" "" "$calls"
sed -n 's/^print fmt: /# print fmt: /p' "$EV/memlab_alloc/format"

if ! command -v trace-cmd >/dev/null 2>&1; then
	for t in "trace-cmd records the events" "its report names each strategy's allocation by its token" \
		"and each free"; do
		ktap_test_skip "$t: no trace-cmd in this initramfs"
	done
else
	# Tracing on again at the end, as the other tests expect it.
	trace_was=$(cat $T/tracing_on)
	echo 0 >$T/tracing_on
	: >$T/trace
	echo 1 >$EV/enable
	echo 1 >$T/tracing_on
	for s in $STRATEGIES; do
		ctl "alloc $s 64" >/dev/null
	done
	ctl "free all" >/dev/null
	echo 0 >$T/tracing_on
	echo 0 >$EV/enable
	echo "$trace_was" >$T/tracing_on
	trace-cmd extract -o /tmp/memlab-trace.dat >/tmp/trace-cmd.out 2>&1
	trace-cmd report -i /tmp/memlab-trace.dat >/tmp/trace-report.txt 2>>/tmp/trace-cmd.out
	ktap_check "trace-cmd records the events" grep -q 'memlab_alloc:' /tmp/trace-report.txt
	grep -m 2 'memlab_' /tmp/trace-report.txt | sed 's/^ */# /'
	# Each strategy once, by the token of its stats row, with the figures
	# the stats have for it while it was live.
	named() {
		for s in $STRATEGIES; do
			grep -qE "$1: +id=[0-9]+ strategy=$s bytes_req=64 bytes_alloc=[0-9]+\$" \
				/tmp/trace-report.txt || { echo "# no $1 of $s"; return 1; }
		done
	}
	ktap_check "its report names each strategy's allocation by its token" named memlab_alloc
	ktap_check "and each free" named memlab_free
	grep -E 'FAILED|error|Error' /tmp/trace-cmd.out /tmp/trace-report.txt | head -n 5 | sed 's/^/# /'
fi
memlab_unload
ktap_check "nothing left" nothing_left
ktap_finished
