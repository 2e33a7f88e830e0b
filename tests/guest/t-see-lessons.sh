#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# What the lessons on fragmentation, tracepoints and per-CPU memory
# (docs/lessons/09-*, 11-*, 10-*; and the figures of lessons 3 and 4) say a
# learner sees, checked:
#  - free alloc_pages every 2 leaves every other page held, so freed pages
#    cannot merge with their buddies: buddyinfo's order-0 count and the
#    unusable index rise; memlab's pages are unmovable (they made pageblocks
#    Unmovable) and compaction leaves every one of them where it was;
#  - memlab's events and the kernel's agree on counts and sizes;
#  - a per-CPU allocation is one copy per possible CPU, in the first chunk,
#    and more chunks grow the Percpu line of meminfo;
#  - memlab-200's slab figures with and without slab debugging.
# shellcheck disable=SC2016 # awk programs and eval'd checks, in single quotes
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/ktap.sh"
# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"

PT=$DBG/pagetable
T=/sys/kernel/tracing
EX=/sys/kernel/debug/extfrag
compaction=no
[ -e /proc/sys/vm/compact_memory ] && compaction=yes

# Free order-0 pages of every zone, from buddyinfo; unmovable pageblocks of
# every zone, from pagetypeinfo; the largest order-1 unusable index.
order0() {
	awk '{ n += $5 } END { print n }' /proc/buddyinfo
}
unmovable_blocks() {
	awk '/^Number of blocks type/ { on = 1; next } on && /zone/ { n += $5 } END { print n }' /proc/pagetypeinfo
}
unmovable_order0() {
	awk '/type +Unmovable/ { n += $7 } END { print n }' /proc/pagetypeinfo
}
unusable1() {
	awk '{ if ($6 > m) m = $6 } END { print m + 0 }' "$EX/unusable_index"
}
vmstat() {
	awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat
}
pfns() {
	awk '$2 == "alloc_pages" && $5 == 1 { print $7 }' "$PT"
}
PAGE=$(page_size)
# The largest page order (the last column of buddyinfo) and the pages in a
# pageblock (512 with 4 KiB pages on x86-64, 2048 with 16 KiB on arm64).
MAXORDER=$(max_order)
PB=$(awk '/^Pages per block:/ { print $4; exit }' /proc/pagetypeinfo)

ktap_print_header "what the lessons on fragmentation, tracepoints and per-CPU memory show"
ktap_set_plan 26

# Fragmentation: some 400 MB of single pages, under the cap of 512 MiB:
# 100,000 pages of 4 KiB, 25,000 of 16 KiB (a tenth on the debug kernel).
# Not shortened on the other lanes (repeats): the per-CPU lists keep
# some of the freed pages, and with a tenth of them too few reach
# buddyinfo (6.1-arm64: 1917 of 5000).
pages=100000
[ ! -e /sys/kernel/debug/kmemleak ] || pages=10000
pages=$((pages * 4096 / PAGE))
half=$((pages / 2))
memlab_load demo=0 max_bytes=512M || exit 1
ub0=$(unmovable_blocks)
z0=$(order0)
ktap_print_msg "page size $PAGE, largest order $MAXORDER, $PB pages a pageblock"
ktap_expect_eq "alloc alloc_pages $PAGE $pages (one page each)" OK "$(ctl "alloc alloc_pages $PAGE $pages")"
ub1=$(unmovable_blocks)
blocks=$(pfns | awk -v pb="${PB:-1}" '{ print int($1 / pb) }' | sort -u | wc -l)
ktap_print_msg "unmovable pageblocks $ub0 -> $ub1; memlab's pages are in $blocks pageblocks"
# The debug kernel (a tinyconfig) has no compaction and does not move
# pageblocks between types the way Debian's kernels do.
if [ -e /sys/kernel/debug/kmemleak ]; then
	ktap_test_skip "memlab's pages made pageblocks Unmovable: not on the debug kernel"
else
	# Whether new pageblocks turn Unmovable depends on what earlier tests
	# left: their freed slabs leave free pages in Unmovable blocks, which
	# memlab's take first. Either way memlab's pages sit in Unmovable ones.
	ktap_check "memlab's pages are in Unmovable pageblocks: $ub1 of them, $blocks hold memlab's pages" \
		eval '[ "$ub1" -ge "$ub0" ] && [ "$ub1" -ge "$blocks" ]'
fi
# A pageblock is PB pages: they fill at least pages / PB of them.
ktap_check "$pages pages lie in at least $(((pages + PB - 1) / PB)) pageblocks of $PB pages" \
	[ "$blocks" -ge $(((pages + PB - 1) / PB)) ]
pfns >/tmp/pfns.all
u0=$(unmovable_order0)
[ -e "$EX/unusable_index" ] && i0=$(unusable1)
ktap_expect_eq "free alloc_pages every 2" OK "$(ctl 'free alloc_pages every 2')"
ktap_expect_eq "half of them are left" "$half" "$(stat_field alloc_pages live)"
ktap_expect_eq "the odd ids went, the even ones stay" 0 \
	"$(awk '$2 == "alloc_pages" && $1 % 2 { n++ } END { print n + 0 }' "$PT")"
pfns >/tmp/pfns.kept
# Freed pages reach the buddy lists through the per-CPU lists, which keep
# up to their high mark; from 6.7 the kernel lowers a mark left unused
# each second (decay_pcp_high), so the rest come within seconds (the 6.12
# debug kernel's lists kept 3288 of 5000 at first).
waited=0
while [ $(($(order0) - z0)) -lt $((half / 2)) ] && [ "$waited" -lt 30 ]; do
	sleep 1
	waited=$((waited + 1))
done
z1=$(order0)
u1=$(unmovable_order0)
ktap_print_msg "buddyinfo order 0: $z0 -> $z1; pagetypeinfo Unmovable order 0: $u0 -> $u1 (after ${waited}s)"
ktap_check "buddyinfo's order-0 column grew by at least $((half / 2)) pages" [ $((z1 - z0)) -ge $((half / 2)) ]
ktap_check "on the Unmovable free lists" [ $((u1 - u0)) -ge $((half / 2)) ]
# The freed pages whose buddy (pfn ^ 1) is still held cannot merge.
pinned=$(awk 'NR == FNR { kept[$1] = 1; next } !($1 in kept) { f++; b = ($1 % 2) ? $1 - 1 : $1 + 1; if (b in kept) p++ }
	END { print p + 0, f + 0 }' /tmp/pfns.kept /tmp/pfns.all)
ktap_print_msg "freed pages whose buddy memlab still holds: $pinned"
ktap_check "most freed pages have their buddy still held" \
	eval 'set -- $pinned; [ $(($1 * 2)) -ge "$2" ] && [ "$2" -eq "$half" ]'
# Of all the pfns left, most are 2 above the one before (the first ones
# come from the per-CPU lists and the scraps earlier tests left, the rest
# from whole free blocks).
gaps=$(awk 'NR > 1 && $1 - p == 2 { g++ } { p = $1 } END { print g + 0 }' /tmp/pfns.kept)
ktap_check "the pfns left go up by 2 ($gaps of $half)" [ $((gaps * 2)) -ge "$half" ]
if [ -e "$EX/unusable_index" ]; then
	i1=$(unusable1)
	ktap_print_msg "unusable_index at order 1: $i0 -> $i1"
	ktap_check "the unusable index at order 1 rose by at least 0.05" \
		eval '[ "$(awk -v a="$i0" -v b="$i1" "BEGIN { print (b - a >= 0.05) }")" = 1 ]'
else
	ktap_test_skip "the unusable index (this kernel has no $EX)"
fi
ktap_expect_eq "a block of the largest order ($MAXORDER) is still there to take" OK \
	"$(ctl "alloc alloc_pages $((PAGE << MAXORDER))")"
if [ "$compaction" = yes ]; then
	m0=$(vmstat compact_migrate_scanned)
	echo 1 >/proc/sys/vm/compact_memory
	m1=$(vmstat compact_migrate_scanned)
	ktap_print_msg "compact_migrate_scanned $m0 -> $m1"
	ktap_check "compaction ran (compact_migrate_scanned grew)" [ "$m1" -gt "$m0" ]
	pfns >/tmp/pfns.after
	ktap_check "compaction moved none of memlab's pages" cmp -s /tmp/pfns.kept /tmp/pfns.after
else
	ktap_test_skip "compaction ran (no CONFIG_COMPACTION)"
	ktap_test_skip "compaction moved none of memlab's pages (no CONFIG_COMPACTION)"
fi
memlab_unload

# Tracepoints: memlab's events beside the kernel's.
memlab_load demo=0 || exit 1
[ -d $T/events/kmem ] || mount -t tracefs tracefs $T
echo 0 >$T/tracing_on
echo >$T/set_event
: >$T/trace
echo $$ >$T/set_event_pid
echo 'bytes_req == 100' >$T/events/kmem/kmalloc/filter
echo 'order == 5' >$T/events/kmem/mm_page_alloc/filter
echo 'order == 5' >$T/events/kmem/mm_page_free/filter
echo 'size == 64' >$T/events/percpu/percpu_alloc_percpu/filter
for e in kmem/kmalloc kmem/kfree kmem/mm_page_alloc kmem/mm_page_free \
	percpu/percpu_alloc_percpu percpu/percpu_free_percpu memlab; do
	echo 1 >"$T/events/$e/enable"
done
echo 1 >$T/tracing_on
# Written by this shell itself (set_event_pid), not by ctl's subshell.
echo 'alloc kmalloc 100 2' >"$CTL"
echo "alloc alloc_pages $((PAGE << 5))" >"$CTL"
echo 'alloc percpu 64' >"$CTL"
pagepfn=$(awk '$2 == "alloc_pages" { print $7 }' "$PT")
slot=$(awk '$1 == "kmalloc-128" { print $4 }' /proc/slabinfo)
echo 'free all' >"$CTL"
echo 0 >$T/tracing_on
grep -v '^#' $T/trace >/tmp/trace.txt
echo >$T/set_event
echo >$T/set_event_pid
for e in kmem/kmalloc kmem/mm_page_alloc kmem/mm_page_free percpu/percpu_alloc_percpu; do
	echo 0 >"$T/events/$e/filter"
done
echo 1 >$T/tracing_on
# field NAME [LINE-PATTERN]: the values of NAME= in the trace lines matching.
field() {
	awk -v f="$1=" -v pat="${2:-.}" '$0 ~ pat { for (i = 1; i <= NF; i++) if (index($i, f) == 1) print substr($i, length(f) + 1) }' /tmp/trace.txt
}
ev() {
	grep -cE "$1" /tmp/trace.txt
}
ktap_expect_eq "memlab_alloc and memlab_free: 4 each, as the counters" "4 4 4 4" \
	"$(ev ' memlab_alloc: ') $(ev ' memlab_free: ') $(stat_field total allocs) $(stat_field total frees)"
ktap_expect_eq "kmalloc: 2 events from memlab, bytes_req 100 each, as memlab's" "100 100" \
	"$(field bytes_req 'kmalloc: call_site=ml_kmalloc_alloc' | tr '\n' ' ' | sed 's/ $//')"
ktap_expect_eq "kmalloc: the kernel's bytes_alloc is the kmalloc-128 slot, memlab's the bucket" \
	"$slot $slot 128 128" \
	"$(field bytes_alloc 'kmalloc: call_site=ml_kmalloc_alloc' | tr '\n' ' ')$(field bytes_alloc 'memlab_alloc: .*strategy=kmalloc' | tr '\n' ' ' | sed 's/ $//')"
ptrs=$(field ptr 'kmalloc: call_site=ml_kmalloc_alloc' | sort | tr '\n' ' ')
ktap_expect_eq "kfree: both objects given back (the same hashed ptr)" "$ptrs" \
	"$(for p in $ptrs; do field ptr 'kfree: ' | grep -x "$p"; done | sort | tr '\n' ' ')"
ktap_expect_eq "alloc_pages: one order-5 mm_page_alloc, unmovable, at the pagetable's pfn, and its mm_page_free" \
	"1 0 $pagepfn 1 $((PAGE << 5))" \
	"$(ev 'mm_page_alloc: ') $(field migratetype mm_page_alloc) $(printf '%d' "$(field pfn mm_page_alloc)") $(ev 'mm_page_free: ') $(field bytes_alloc 'strategy=alloc_pages' | head -n 1)"
# memlab's own percpu_alloc_percpu: the kernel may allocate per-CPU memory
# in the same window (7.3 did, for a slab cache's per-CPU parts). Its
# call_site is memlab's function, or the kernel's wrapper where pcpu_alloc()
# is not inlined into __alloc_percpu_gfp() (6.1-arm64): only memlab asks for
# 64 bytes from this shell.
PCPU='percpu_alloc_percpu: call_site=(ml_percpu_alloc|__alloc_percpu_gfp)[+ ]'
kb=$(field bytes_alloc "$PCPU")
mb=$(field bytes_alloc 'memlab_alloc: .*strategy=percpu')
ktap_print_msg "percpu_alloc_percpu bytes_alloc $kb, memlab's $mb"
grep -F 'percpu_alloc_percpu:' /tmp/trace.txt | sed 's/^ *//; s/^/  /' | head -n 3 | while read -r l; do
	ktap_print_msg "$l"
done
ktap_check "percpu: one event of size 64; its bytes_alloc is memlab's, or that plus memcg's 8 bytes per 4" \
	eval '[ "$(ev "$PCPU")" = 1 ] && { [ "$kb" = "$mb" ] || [ "$kb" = $((mb + 64 / 4 * 8)) ]; }'
pp=$(field ptr "$PCPU")
ktap_expect_eq "percpu: and one percpu_free_percpu of the same (hashed) ptr" 1 \
	"$(field ptr percpu_free_percpu | grep -cx "${pp:-none}")"
memlab_unload

# Per-CPU memory.
possible=$(awk -F- '{ print ($2 == "" ? 1 : $2 + 1) }' /sys/devices/system/cpu/possible)
# The first chunk is embedded, or made of pages ("percpu: 8 16K pages/cpu").
ktap_check "the boot line of the first chunk names a reserve for modules (r...)" \
	eval '{ cat /tmp/boot-dmesg.txt 2>/dev/null; dmesg; } | grep -qE "percpu: (Embedded|[0-9]+ $((PAGE >> 10))K pages).* r[1-9][0-9]* "'
memlab_load demo=0 || exit 1
meminfo_kb Percpu >/tmp/percpu0
ctl 'alloc percpu 64' >/dev/null
ktap_expect_eq "percpu 64: bytes_alloc is 64 x $possible possible CPUs" $((64 * possible)) \
	"$(stat_field percpu bytes_alloc)"
ktap_check "percpu 64: in the first chunk (percpu) or a later one (vmalloc)" \
	eval 'awk "\$2 == \"percpu\" { print \$3 }" "$PT" | grep -qxE "percpu|vmalloc"'
ctl 'alloc percpu 8K 32' >/dev/null
p1=$(meminfo_kb Percpu)
ktap_print_msg "Percpu $(cat /tmp/percpu0) kB -> $p1 kB; regions: $(awk '$2 == "percpu" { print $3 }' "$PT" | sort | uniq -c | tr -s ' \n' ' ')"
# Percpu grows by the chunks they need, unless empty chunks that earlier
# allocations left are there to take them (the allocator keeps some; 7.3,
# after the suite's other tests, had enough).
ktap_check "percpu 8K x 32: in chunks of the vmalloc area, and Percpu did not shrink" \
	eval '[ "$p1" -ge "$(cat /tmp/percpu0)" ] && grep -q " percpu vmalloc " "$PT"'
memlab_unload

# Lesson 4's figures: memlab-200 with and without slab debugging.
memlab_load demo=0 || exit 1
ctl 'alloc kmem_cache 200 100' >/dev/null
S=/sys/kernel/slab/memlab-200
got="$(cat $S/slab_size) $(cat $S/objs_per_slab)"
# The slot, as lesson 4 explains it: the object rounded to the cache's
# alignment; with slab debugging (FZPU) also a red zone on each side, the
# free pointer after the object (poisoning fills it) and two tracking
# records (struct track: 32 bytes on a 64-bit kernel), a word each. A slab
# is PAGE << order bytes (the order SLUB chose, from sysfs): as many slots
# as fit. 296 and 13 with 4 KiB pages, 200 and 20 without debugging.
align=$(cat $S/align)
slot=200
[ "$(cat $S/red_zone)" != 1 ] || slot=$((200 + 4 * 8 + 2 * 32))
slot=$(((slot + align - 1) / align * align))
want="$slot $(((PAGE << $(cat $S/order)) / slot))"
if grep -qw kasan_report /proc/kallsyms; then
	# KASAN keeps its own metadata in each slot too (312 bytes here).
	ktap_test_skip "memlab-200's slots: lesson 4's figures are Debian's, without KASAN ($got)"
elif [ "$(cat $S/red_zone)" = 1 ]; then
	ktap_expect_eq "memlab-200 with slab debugging: slot and slots a slab as lesson 4 says ($want)" "$want" "$got"
else
	ktap_expect_eq "memlab-200 without slab debugging: slot and slots a slab as lesson 4 says ($want)" "$want" "$got"
fi
memlab_unload
ktap_finished
