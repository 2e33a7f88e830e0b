#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# debugfs "pagetable": one row per live allocation, and what lesson 2
# (docs/lessons/02-page-tables.md) says a learner sees in it: a kmalloc
# object in the direct map (on x86 under a 2M or 1G leaf, or a 4K one where
# the kernel split them; on arm64 under a page, rodata=full), vmalloc 4M as
# 4 MiB of pages in several runs, kvmalloc's 5 MiB mapped with pmd leaves on
# x86 (so its area is 6 MiB), an order-5 block as one run of 32 pages whose
# first pfn is a multiple of 32 (the pfn the kernel's mm_page_alloc event
# gives), per-CPU copies in the first chunk. Sizes follow the page size: 4K,
# 2M, 1G leaves with 4 KiB pages, 16K, 32M, 64G with 16 KiB ones.
# shellcheck disable=SC2016 # awk conditions and eval'd checks, in single quotes
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/ktap.sh"
# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"

PT=$DBG/pagetable
T=/sys/kernel/tracing
ps=$(page_size)
# A table is a page of 8-byte entries: each level up maps ps / 8 times more.
per=$((ps / 8))
# The leaves there can be: a page, a pmd's, a pud's (4K 2M 1G; 16K 32M 64G).
pg=$(size_name "$ps")
pmd=$(size_name $((ps * per)))
leaves="$pg $pmd $(size_name $((ps * per * per)))"
leaves_re="^($(echo "$leaves" | tr ' ' '|'))\$"
# Debian's kernels with 4 KiB pages map kvmalloc's 5 MiB with pmd leaves.
debian=no
case "$(uname -r)" in
*-amd64 | *-arm64) debian=yes ;;
esac

# rows STRATEGY: the pagetable rows of that strategy, without id.
rows() {
	awk -v s="$1" '$2 == s { $1 = ""; sub(/^ /, ""); print }' "$PT"
}

# all_rows STRATEGY AWK-CONDITION: every row of STRATEGY meets the condition
# (fields: $3 region, $4 leaf, $5 pages, $6 runs, $7 pfn), and there is one.
all_rows() {
	awk -v s="$1" '$2 == s { n++; if (!('"$2"')) { print "row: " $0; bad = 1 } }
		END { exit (bad || !n) }' "$PT"
}

ktap_print_header "debugfs pagetable: how each allocation is mapped"
ktap_set_plan 22

memlab_load demo=1 || exit 1
ktap_expect_eq "pagetable is mode 0400" 400 "$(stat -c %a "$PT")"
ktap_expect_eq "its header names the columns" "# id strategy region leaf pages runs pfn" \
	"$(head -n 1 "$PT")"
ktap_check "a user without the rights cannot read it" \
	eval '! as_nobody "cat $PT" >/dev/null 2>&1'
# The demonstration's vmalloc 1M: its runs, as the demo line counts them.
runs=$(dmesg | sed -n 's/.*demo vmalloc: .* physically in \([0-9]*\) separate runs.*/\1/p' | tail -n 1)
ktap_expect_eq "the demonstration's vmalloc area has the runs its kernel log line says" \
	"$runs" "$(rows vmalloc | awk '{ print $5; exit }')"
memlab_unload

memlab_load demo=0 || exit 1
[ -d $T/events/kmem ] || mount -t tracefs tracefs $T
ctl 'alloc kmalloc 100 64' >/dev/null
ktap_check "kmalloc 100: in the direct map, one page, one run" \
	all_rows kmalloc '$3 == "direct" && $4 ~ /'"$leaves_re"'/ && $5 == 1 && $6 == 1'
ktap_print_msg "kmalloc leaves: $(rows kmalloc | awk '{ print $3 }' | sort | uniq -c | tr -s ' \n' ' ')"
# Where the kernel changed the permissions of some pages (a module's code,
# through its alias in the direct map), it split the 2M entries into 4K
# ones: after a suite of module loads an object may sit under either. Each
# leaf must be one the kernel's own count has: DirectMap4k, 2M or 1G of
# /proc/meminfo is not zero for it. arm64 has no such count; Debian's map
# their direct map page by page (rodata=full, unless the command line
# says otherwise), so every leaf there is a page.
leaves_counted() {
	if [ "$(uname -m)" != x86_64 ]; then
		grep -q 'rodata=' /proc/cmdline ||
			[ "$(rows kmalloc | awk '{ print $3 }' | sort -u)" = "$pg" ]
		return
	fi
	rows kmalloc | awk '{ print $3 }' | sort -u | while read -r leaf; do
		case "$leaf" in
		4K) f=DirectMap4k ;;
		2M) f=DirectMap2M ;;
		1G) f=DirectMap1G ;;
		*) return 1 ;;
		esac
		[ "$(meminfo_kb "$f")" -gt 0 ] || return 1
	done
}
ktap_print_msg "$(grep ^DirectMap /proc/meminfo | tr -s ' \n' ' ')"
ktap_check "kmalloc 100: each leaf is a page size the direct map has (DirectMap in meminfo; pages on arm64)" \
	leaves_counted
ctl 'free kmalloc' >/dev/null
ctl "alloc kmalloc $((4 * ps)) 2" >/dev/null
ktap_check "kmalloc $((4 * ps)): 4 pages in one run" all_rows kmalloc '$3 == "direct" && $5 == 4 && $6 == 1'

ctl 'alloc vmalloc 4M' >/dev/null
vpages=$((4194304 / ps))
ktap_check "vmalloc 4M: $vpages $pg pages in the vmalloc area" \
	all_rows vmalloc '$3 == "vmalloc" && $4 == "'"$pg"'" && $5 == '"$vpages"
ktap_print_msg "vmalloc 4M: $(rows vmalloc)"
# Before 7.x vmalloc takes single pages; 7.3 takes larger blocks when it can.
case "$(uname -r)" in
[0-6].*) ktap_check "vmalloc 4M: its pages form several physical runs" all_rows vmalloc '$6 > 1 && $6 <= '"$vpages" ;;
*) ktap_check "vmalloc 4M: its pages form 1 to $vpages physical runs" all_rows vmalloc '$6 >= 1 && $6 <= '"$vpages" ;;
esac

ctl 'alloc kvmalloc 5M' >/dev/null
# The area, and the array of its page pointers (same caller, smaller).
area=$(grep 'ml_kvmalloc_alloc+.*\[memlab\]' /proc/vmallocinfo | awk '{ print $2 }' | sort -n | tail -n 1)
leaf=$(rows kvmalloc | awk '{ print $3 }')
ktap_print_msg "kvmalloc 5M: $(rows kvmalloc), area $area"
# With pmd leaves (2M with 4 KiB pages) its area is rounded up to them and
# its pages are 3 blocks at most; with page leaves it is 5 MiB.
kvpages=$((5242880 / ps))
pmd_bytes=$((ps * per))
kv_area_ok() {
	[ "$leaf $area" = "$pmd $(((5242880 + pmd_bytes - 1) / pmd_bytes * pmd_bytes + ps))" ] ||
		[ "$leaf $area" = "$pg $((5242880 + ps))" ]
}
# kvmalloc tries kmalloc first: 5 MiB is above KMALLOC_MAX_SIZE (a block of
# the largest order) with 4 KiB pages, not with 16 KiB ones (32 MiB).
kmax=$((ps << $(max_order)))
if [ 5242880 -gt "$kmax" ]; then
	ktap_check "kvmalloc 5M: $kvpages pages in the vmalloc area, 3 runs at most with $pmd leaves" \
		all_rows kvmalloc '$3 == "vmalloc" && $5 == '"$kvpages"' && ($4 != "'"$pmd"'" || $6 <= 3)'
	ktap_check "kvmalloc 5M: a $pmd leaf and an area of whole ${pmd}s (plus the guard page), or $pg and 5 MiB" \
		kv_area_ok
else
	ktap_check "kvmalloc 5M, under KMALLOC_MAX_SIZE ($kmax): kmalloc served it, in the direct map, one run" \
		all_rows kvmalloc '$3 == "direct" && $6 == 1'
	ktap_expect_eq "kvmalloc 5M, under KMALLOC_MAX_SIZE: no vmalloc area" "" "$area"
fi
if [ "$debian" = yes ]; then
	ktap_expect_eq "kvmalloc 5M: Debian's kernels map it with $pmd leaves" "$pmd" "$leaf"
else
	ktap_test_skip "kvmalloc 5M: $pmd leaves (Debian's kernels with 4 KiB pages only; this one gave $leaf)"
fi

echo 0 >$T/tracing_on
echo >$T/set_event
: >$T/trace
echo $$ >$T/set_event_pid
echo 'order == 5' >$T/events/kmem/mm_page_alloc/filter
echo 1 >$T/events/kmem/mm_page_alloc/enable
echo 1 >$T/tracing_on
echo "alloc alloc_pages $((32 * ps)) 4" >"$CTL"
echo 0 >$T/tracing_on
echo >$T/set_event
echo >$T/set_event_pid
echo 0 >$T/events/kmem/mm_page_alloc/filter
echo 1 >$T/tracing_on
ktap_check "alloc_pages $((32 * ps)): 32 pages in one run, the first pfn a multiple of 32" \
	all_rows alloc_pages '$3 == "direct" && $5 == 32 && $6 == 1 && $7 % 32 == 0'
ktap_print_msg "alloc_pages $((32 * ps)): $(rows alloc_pages | tr '\n' ';')"
traced=$(sed -n 's/.*mm_page_alloc: .* pfn=0x\([0-9a-f]*\) order=5 .*/\1/p' $T/trace |
	while read -r h; do printf '%d\n' "0x$h"; done | sort -n | tr '\n' ' ')
ktap_expect_eq "alloc_pages $((32 * ps)): the pfns are those of the kernel's mm_page_alloc events" \
	"$traced" "$(rows alloc_pages | awk '{ print $6 }' | sort -n | tr '\n' ' ')"

ctl 'alloc kmem_cache 200 3' >/dev/null
ctl 'alloc mempool 1000 2' >/dev/null
ktap_check "kmem_cache and mempool objects are in the direct map" \
	eval 'all_rows kmem_cache "\$3 == \"direct\" && \$6 == 1" && all_rows mempool "\$3 == \"direct\" && \$5 == 1"'

ctl 'alloc percpu 64 3' >/dev/null
ktap_print_msg "percpu 64: $(rows percpu | tr '\n' ';')"
ktap_check "percpu 64: the first CPU's copy, one page, in a chunk" \
	all_rows percpu '$3 ~ /^(percpu|vmalloc)$/ && $5 == 1 && $6 == 1'

ktap_expect_eq "one row per live allocation, the ids and strategies of allocations" \
	"$(awk '!/^#/ { print $1, $2 }' "$DBG/allocations")" "$(awk '!/^#/ { print $1, $2 }' "$PT")"
ktap_check "no address in it" eval '! grep -qiE "0x|[0-9a-f]{12}" "$PT"'
ktap_check "the invariants hold" check_invariants
ctl 'free all' >/dev/null

# A large file streams one row at a time: 100,000 rows (a tenth on the
# debug kernel).
rows_n=$(repeats 100000 10000)
ctl "alloc kmalloc 8 $rows_n" >/dev/null
t0=$(cut -d' ' -f1 /proc/uptime)
n=$(grep -vc '^#' "$PT")
t1=$(cut -d' ' -f1 /proc/uptime)
ktap_print_msg "$rows_n rows read in $(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }') s"
ktap_expect_eq "$rows_n allocations, $rows_n rows" "$rows_n" "$n"
ktap_check "a read of $rows_n rows takes under 60 s" \
	eval '[ "$(awk -v a="$t0" -v b="$t1" "BEGIN { print (b - a < 60) }")" = 1 ]'
memlab_unload
ktap_check "nothing left after unload" nothing_left
ktap_finished
