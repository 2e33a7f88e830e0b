#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Module parameters: described in modinfo, read-only in sysfs, and a bad
# value makes insmod fail with EINVAL and one dmesg line naming it; numbers
# are decimal; the cap bounds the mempools' reserves and the records.
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/ktap.sh"
# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"

# demo_order: one above the largest page order of this kernel (the last
# column of /proc/buddyinfo: 10 on x86-64), the first one refused.
BAD="max_bytes=1 max_bytes=1023K max_bytes=abc max_bytes=1T max_bytes=-5 mempool_min=0 mempool_min=1025 demo_order=$(($(max_order) + 1)) demo_order=x demo=maybe mempool_min=0x10 mempool_min=4k"
ktap_print_header "module parameters"
ktap_set_plan 31

for p in demo max_bytes mempool_min demo_order icount; do
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

# The largest page order itself is accepted: the refusal above is the boundary.
maxorder=$(max_order)
ktap_check "insmod demo_order=$maxorder demo=0 (the largest order)" memlab_load demo_order="$maxorder" demo=0
memlab_unload

# Decimal only: 010 is ten, not eight.
ktap_check "insmod mempool_min=010 demo=0" memlab_load mempool_min=010 demo=0
ktap_expect_eq "mempool_min=010 is 10" 10 "$(cat /sys/module/memlab/parameters/mempool_min)"
memlab_unload

# A mempool's reserve is under the cap: 1024 elements of 1 MiB are refused
# before the kernel is asked for them (no page allocation failure).
dmesg -c >/dev/null
memlab_load mempool_min=1024 demo=0
ktap_expect_eq "mempool_min=1024: alloc mempool 1M is ENOSPC" ENOSPC "$(ctl "alloc mempool 1M")"
ktap_check "the refusal names the reserve, and nothing else is logged" sh -c \
	"dmesg | grep -q \"memlab: control: the mempool's reserve would take memlab over cap_bytes (ENOSPC)\" &&
	! dmesg | grep -qiE 'page allocation failure|call trace|warning'"
ktap_expect_eq "nothing made, nothing pinned" "0 0 0" \
	"$(stat_field total allocs) $(stat_used) $(stat_overhead)"
memlab_unload

# The records are under the cap too: 2 Mi allocations of 8 bytes take far
# more than 16 MiB once tracked.
memlab_load max_bytes=16M demo=0
ktap_expect_eq "max_bytes=16M: alloc kmalloc 8 2097152 is ENOSPC" ENOSPC \
	"$(ctl "alloc kmalloc 8 2097152")"
ktap_expect_eq "no allocation, no record" "0 0" "$(stat_field total allocs) $(stat_overhead)"
memlab_unload

# kvmalloc's 5 PMDs (10 MiB with 4 KiB pages, 160 MiB with 16 KiB) take
# 5 PMDs (vmalloc maps them with huge pages), not the 8 of a page order
# (6.1's kmalloc_size_roundup() rounds any size up), under a cap of 8 PMDs.
PMD=$(($(page_size) * $(page_size) / 8))
memlab_load demo=0 max_bytes=$((8 * PMD))
ktap_expect_eq "alloc kvmalloc $((5 * PMD)) under a cap of $((8 * PMD))" OK "$(ctl "alloc kvmalloc $((5 * PMD))")"
ktap_expect_eq "kvmalloc $((5 * PMD)): bytes_alloc $((5 * PMD))" $((5 * PMD)) "$(stat_field kvmalloc bytes_alloc)"
memlab_unload
ktap_finished
