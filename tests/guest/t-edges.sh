#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Edges: a parameter given without a value gets memlab's own line (a bare
# yes/no parameter means yes, as the kernel's own bool parameters do); a
# write whose bytes the kernel cannot read is EFAULT with memlab's dmesg
# line, and changes nothing; the pool workqueue, whose work is queued from
# reclaim, has its rescuer thread (WQ_MEM_RECLAIM); a command that the
# allocator refuses after some of its allocations were made changes nothing
# but "failures": no latency sample, no allocation, no counter.
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/ktap.sh"
# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"

H=$(dirname "$0")
ktap_print_header "edges: bare parameters, unreadable writes, the pool workqueue's rescuer, failed commands"
ktap_set_plan 10

# bare PARAM: insmod with PARAM alone must fail with EINVAL and exactly one
# memlab line (busybox insmod tries twice: each try's lines are the same).
for p in max_bytes mempool_min demo_order; do
	dmesg -c >/dev/null
	err=$(insmod "$KO" "$p" 2>&1)
	rc=$?
	lines=$(dmesg | grep -c "memlab: invalid parameter $p: it needs a value ($p=...)")
	# The kernel's own message would be "memlab: `' invalid for parameter `max_bytes'".
	other=$(dmesg | grep -c 'invalid for parameter')
	if [ "$rc" -ne 0 ] && [ "$(errno_name "$err")" = EINVAL ] && [ "$lines" -ge 1 ] && [ "$other" -eq 0 ]; then
		ktap_test_pass "insmod memlab.ko $p: EINVAL, memlab says it needs a value"
	else
		ktap_print_msg "rc $rc, insmod said '$err'; dmesg: $(dmesg | tail -n 3 | tr '\n' '|')"
		grep -q '^memlab ' /proc/modules && rmmod memlab
		ktap_test_fail "insmod memlab.ko $p: EINVAL, memlab says it needs a value"
	fi
done
dmesg -c >/dev/null
ktap_check "insmod memlab.ko demo icount: loads, both on" sh -c \
	"insmod '$KO' demo icount && [ \"\$(cat /sys/module/memlab/parameters/demo)\" = Y ] &&
	[ \"\$(cat /sys/module/memlab/parameters/icount)\" = Y ]"
grep -q '^memlab ' /proc/modules || memlab_load demo=0 || exit 1
memlab_mark memlab

before=$(cat "$STATS")
dmesg -c >/dev/null
ktap_expect_eq "a write from unreadable memory: EFAULT" EFAULT "$("$H/badwrite" "$CTL")"
ktap_check "... memlab says why in one dmesg line" sh -c \
	"[ \"\$(dmesg | grep -c '^\[[ 0-9.]*\] memlab: control: cannot read the command from the writer.s memory (EFAULT)\$')\" -eq 1 ]"
ktap_expect_eq "... and changes nothing in the stats" "$before" "$(cat "$STATS")"

# The rescuer is named after the workqueue: "memlab_pool", or from 6.9 on
# "kworker/R-memlab_pool" (which comm may cut at 15 characters).
ktap_check "the pool workqueue has a rescuer thread (WQ_MEM_RECLAIM)" \
	sh -c "grep -qxE 'memlab_pool|kworker/R-memla(b_pool)?' /proc/[0-9]*/comm"
memlab_unload

# A command the allocator refuses half way. memhog takes all but 384 MiB
# of what is available; then alloc_pages of the largest block, as many as
# half of RAM (the largest cap) holds, must run out: the first ones are
# made, the next fails (ENOMEM), and the ones made are freed. The latency
# file, allocs, frees, what is live and the cap line are as before; only
# failures counts it.
PMAX=$(($(page_size) << $(max_order)))
half=$(($(meminfo_kb MemTotal) * 1024 / 2))
memlab_load demo=0 max_bytes=$half || exit 1
n=$((half / PMAX - 1))
settle
hog=$(($(meminfo_kb MemAvailable) / 1024 - 384))
memhog_start "$hog" 60
lat0=$(cat "$DBG/latency")
f0=$(stat_field alloc_pages failures)
counters() {
	awk '/^# cap_bytes/ { print; next } /^#/ { next } { print $1, $2, $3, $5, $6, $7 }' "$STATS"
}
c0=$(counters)
free0=$(meminfo_kb MemFree)
got=$(ctl "alloc alloc_pages $PMAX $n")
kill "$hog_pid" 2>/dev/null
wait "$hog_pid" 2>/dev/null
ktap_print_msg "memhog: $(cat /tmp/hog.out); MemFree $free0 kB; alloc alloc_pages $PMAX $n: $got"
ktap_expect_eq "alloc alloc_pages $PMAX $n with $((free0 / 1024)) MiB free: ENOMEM, counted in failures" \
	"ENOMEM 1" "$got $(($(stat_field alloc_pages failures) - f0))"
unchanged() {
	_ok=0
	[ "$lat0" = "$(cat "$DBG/latency")" ] || { ktap_print_msg "the latency file changed"; _ok=1; }
	[ "$c0" = "$(counters)" ] || { ktap_print_msg "the counters changed: $(counters | tr '\n' '|')"; _ok=1; }
	[ "$(live_allocations)" -eq 0 ] || { ktap_print_msg "allocations are live"; _ok=1; }
	return $_ok
}
ktap_check "... and changes nothing else: latency file, counters, allocations" unchanged
memlab_unload
ktap_finished
