#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# leak: allocations memlab keeps no visible reference to. On every kernel
# they are counted, listed as "leaked" and given back by free and unload;
# the strategies kmemleak would not report are refused. On a kernel with
# kmemleak (the debug kernel) a scan reports each one, with memlab in the
# backtrace, and after "free all" a new scan finds nothing of memlab's.
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/ktap.sh"
# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"

KML=/sys/kernel/debug/kmemleak
ktap_print_header "leak, and kmemleak"
ktap_set_plan 13

memlab_load demo=0 || exit 1
ktap_expect_eq "leak kmalloc 1K 3" OK "$(ctl "leak kmalloc 1K 3")"
ktap_expect_eq "counted: 3 live kmalloc of 1024 bytes" "3 3072" \
	"$(stat_field kmalloc live) $(stat_field kmalloc bytes_alloc)"
ktap_expect_eq "listed with context leaked" 3 \
	"$(awk '!/^#/ && $2 == "kmalloc" && $5 == "leaked"' "$DBG/allocations" | wc -l)"
dmesg -c >/dev/null
ktap_expect_eq "leak alloc_pages 4K: EINVAL, kmemleak does not track pages" EINVAL \
	"$(ctl "leak alloc_pages 4K")"
ktap_check "... and the reason is logged" sh -c \
	"dmesg | grep -q \"memlab: control: kmemleak does not report this strategy's leaks (EINVAL)\""
ktap_expect_eq "leak percpu 64: EINVAL" EINVAL "$(ctl "leak percpu 64")"

if [ -e "$KML" ]; then
	# kmemleak reports an object older than its minimum age (5 s) that a
	# scan finds no pointer to, and whose contents the scan before saw
	# unchanged: scan, wait, scan.
	expect_begin '^kmemleak: [0-9]+ new suspected memory leaks \(see /sys/kernel/debug/kmemleak\)$'
	echo scan >"$KML"
	sleep 6
	echo scan >"$KML"
	expect_end
	cat "$KML" >/tmp/kml.txt
	# The records of objects of 1024 bytes whose backtrace names memlab.
	n=$(awk '/^unreferenced object/ { if (hit) n++; hit = 0; big = / \(size 1024\):$/ }
		big && /\[memlab\]/ { hit = 1 }
		END { if (hit) n++; print n + 0 }' /tmp/kml.txt)
	ktap_expect_eq "kmemleak reports the 3 objects, memlab in their backtraces" 3 "$n"
	sed -n '1,/^$/p' /tmp/kml.txt | head -n 16 | sed 's/^/# /'
else
	ktap_test_skip "kmemleak reports the 3 objects: this kernel has no kmemleak"
fi

ktap_expect_eq "free all gives them back" "OK 0" "$(ctl "free all") $(stat_field total live)"
if [ -e "$KML" ]; then
	# One scan: what memlab still holds was there for the two above, which
	# took its checksums, so this one would report it if it were lost.
	echo scan >"$KML"
	ktap_check "after free all, a new scan finds nothing of memlab's" \
		sh -c "! grep -q '\[memlab\]' '$KML'"
	echo clear >"$KML"
else
	ktap_test_skip "after free all, a new scan finds nothing: this kernel has no kmemleak"
fi

ktap_expect_eq "leak kmalloc 1K 2, leak vmalloc 64K" "OK OK" \
	"$(ctl "leak kmalloc 1K 2") $(ctl "leak vmalloc 64K")"
dmesg -c >/dev/null
memlab_unload
ktap_check "unload reclaims the leaked ones too" sh -c \
	"dmesg | grep -q 'memlab: unloaded: reclaimed 3 allocations, $((2 * 1024 + 65536)) bytes'"
ktap_check "nothing left" nothing_left
ktap_finished
