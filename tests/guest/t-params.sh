#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Module parameters: described in modinfo, read-only in sysfs, and a bad
# value makes insmod fail with EINVAL and one dmesg line naming it;
# latency=0 turns the latency histogram off and nothing else.
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/ktap.sh"
# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"

BAD="max_bytes=1 max_bytes=1023K max_bytes=abc max_bytes=1T max_bytes=-5 mempool_min=0 mempool_min=1025 demo_order=11 demo_order=x demo=maybe latency=2"
ktap_print_header "module parameters"
ktap_set_plan 26

for p in demo max_bytes mempool_min demo_order latency; do
	ktap_check "modinfo describes $p" sh -c "modinfo -F parm '$KO' | grep -q '^$p:..'"
done

for arg in $BAD; do
	name=${arg%%=*}
	dmesg -c >/dev/null
	err=$(insmod "$KO" "$arg" 2>&1)
	rc=$?
	# busybox insmod tries finit_module, then init_module: one line each try.
	lines=$(dmesg | grep "memlab: .*$name" | sed 's/^\[[^]]*\] //' | sort -u | wc -l)
	if [ "$rc" -ne 0 ] && ! grep -q '^memlab ' /proc/modules && [ "$lines" -eq 1 ] &&
		case "$err" in *"Invalid"* | *"invalid"*) true ;; *) false ;; esac; then
		ktap_test_pass "insmod $arg refused with EINVAL and one dmesg line"
	else
		ktap_print_msg "rc=$rc, insmod said '$err', $lines dmesg lines: $(dmesg | grep memlab)"
		grep -q '^memlab ' /proc/modules && rmmod memlab
		ktap_test_fail "insmod $arg refused with EINVAL and one dmesg line"
	fi
done

ktap_check "insmod max_bytes=2M demo=0" memlab_load max_bytes=2M demo=0
ktap_expect_eq "cap_bytes follows max_bytes" 2097152 "$(stat_cap)"
ktap_expect_eq "parameters are read-only in sysfs" "-r--r--r--" \
	"$(stat -c %A /sys/module/memlab/parameters/max_bytes)"
ktap_expect_eq "demo=0 allocates nothing at load" 0 "$(stat_field total allocs)"
memlab_unload

# latency=0: counted as ever, timed never; the latency file says so.
# timed_allocations: the sum of the latency file's counts.
timed_allocations() {
	awk '!/^#/ { n += $4 } END { print n + 0 }' "$DBG/latency"
}
ktap_check "insmod latency=0 demo=0" memlab_load latency=0 demo=0
ktap_expect_eq "sysfs shows latency=0" N "$(cat /sys/module/memlab/parameters/latency)"
ktap_expect_eq "alloc kmalloc 64 5 with latency=0" OK "$(ctl "alloc kmalloc 64 5")"
ktap_expect_eq "latency=0: the 5 allocations are counted, none is timed" "5 0" \
	"$(stat_field kmalloc allocs) $(timed_allocations)"
ktap_check "latency=0: the latency file says recording is off" \
	grep -q '^# latency recording is off (latency=0)' "$DBG/latency"
memlab_unload
memlab_load demo=0
ctl "alloc kmalloc 64 5" >/dev/null
ktap_expect_eq "by default the same 5 allocations are timed" 5 "$(timed_allocations)"
memlab_unload
ktap_finished
