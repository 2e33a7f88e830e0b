#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Module parameters: described in modinfo, read-only in sysfs, and a bad
# value makes insmod fail with EINVAL and one dmesg line naming it.
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/ktap.sh"
# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"

BAD="max_bytes=1 max_bytes=1023K max_bytes=abc max_bytes=1T max_bytes=-5 mempool_min=0 mempool_min=1025 demo_order=11 demo_order=x demo=maybe"
ktap_print_header "module parameters"
ktap_set_plan 18

for p in demo max_bytes mempool_min demo_order; do
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
ktap_finished
