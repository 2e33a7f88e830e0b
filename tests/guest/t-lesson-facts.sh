#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# What the lessons say about the kernel, checked against the running kernel
# (issue 22): the kmalloc a module imports on each kernel, what T and
# __ksymtab_ mean in /proc/kallsyms, where a module's memory comes from,
# KMALLOC_MAX_SIZE and init_on_alloc in the demonstration's lines, the
# buddy's and parent's page frame numbers, the kmalloc cache families,
# vmalloc in atomic context, the Percpu line of meminfo, and the order of
# memlab's trace events beside the kernel's; and (issue 24) what lessons
# 2 to 10 say differs on arm64 and with 16 KiB pages: the largest order and
# KMALLOC_MAX_SIZE, the kmalloc buckets, the pageblock, the page-table
# levels and leaf sizes, the direct map page by page, the per-CPU first
# chunk. Nothing here assumes a page size or an architecture: what is
# x86-64's or arm64's alone is skipped elsewhere.
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/ktap.sh"
# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"

EX=${MEMLAB_EXAMPLES:-/memlab/examples}/memalloc.ko
T=/sys/kernel/tracing
PT=$DBG/pagetable

ktap_print_header "the lessons' statements about the kernel"
ktap_set_plan 22

PAGE=$(page_size)
MAXORDER=$(max_order)
rel=$(uname -r)
major=${rel%%.*}
minor=${rel#*.}
minor=${minor%%[!0-9]*}
ver=$((major * 100 + minor))
ktap_print_msg "kernel $rel ($(uname -m)), page size $PAGE, largest order $MAXORDER"

# Real addresses in /proc/modules, kallsyms and vmallocinfo for root
# (%pK), whatever the boot's hashing; put back at the end.
kptr=$(cat /proc/sys/kernel/kptr_restrict)
trap 'echo "$kptr" >/proc/sys/kernel/kptr_restrict' EXIT
echo 1 >/proc/sys/kernel/kptr_restrict

# below A B: hex address A is below B (as 16-digit strings: busybox's
# arithmetic is signed, and kernel addresses have the top bit set).
below() {
	awk -v a="x$(hex16 "$1")" -v b="x$(hex16 "$2")" 'BEGIN { exit !(a < b) }'
}

# Lesson 0: the kmalloc that kmalloc() becomes, by release: kmalloc_trace
# from 6.1 to 6.9, kmalloc_trace_noprof in 6.10, __kmalloc_cache_noprof
# from 6.11 (commit a0a44d9175b3). The module must import exactly that one
# of the three, and the kernel export exactly that one.
if [ "$ver" -le 609 ]; then
	want=kmalloc_trace
elif [ "$ver" -eq 610 ]; then
	want=kmalloc_trace_noprof
else
	want=__kmalloc_cache_noprof
fi
names='kmalloc_trace|kmalloc_trace_noprof|__kmalloc_cache_noprof'
ktap_expect_eq "lesson 0: memalloc.ko imports $want, and no other of the three names" \
	"$want" "$(strings "$EX" | grep -xE "$names" | sort -u | tr '\n' ' ' | sed 's/ $//')"
# One read of kallsyms, kept: the checks below used to read it five times,
# and on 6.12-arm64-16k under TCG three reads outlasted the test's 600 s.
cat /proc/kallsyms >/tmp/kallsyms
awk '{ print $3 }' /tmp/kallsyms >/tmp/ksyms
# A kernel built without CONFIG_KALLSYMS_ALL (Debian's 6.1 for arm64) lists
# its code in kallsyms, not its data, nor any __ksymtab_ entry: of data (D,
# B) only the sections' bounds, whose names begin with _ (__start_rodata).
# With it, thousands (not init_task by name: 7.3 does not list it as D).
data=$(awk '$2 ~ /^[DdBb]$/ && $3 !~ /^_/' /tmp/kallsyms | wc -l)
if [ "$data" -gt 100 ]; then
	ktap_expect_eq "lesson 0: the kernel exports $want, and no other of the three (__ksymtab_)" \
		"__ksymtab_$want" \
		"$(grep -xE "__ksymtab_($names)" /tmp/ksyms | sort -u | tr '\n' ' ' | sed 's/ $//')"

	# Lesson 0: kfree and _printk are T and exported; most T symbols are not.
	awk '$2 == "T" { t[$3] = 1 } $3 ~ /^__ksymtab_/ { x[substr($3, 11)] = 1 }
		END { for (s in t) if (s in x) e++; else n++; print e + 0, n + 0 }' \
		/tmp/kallsyms >/tmp/t-exp
	read -r exported unexported </tmp/t-exp
	ktap_print_msg "T symbols: $exported exported (__ksymtab_), $unexported not"
	ktap_expect_eq "lesson 0: kfree and _printk are T, each with a __ksymtab_ entry" "T T 2" \
		"$(awk '$3 == "kfree" { print $2 }' /tmp/kallsyms | head -n 1) $(awk '$3 == "_printk" { print $2 }' /tmp/kallsyms | head -n 1) $(grep -cxE '__ksymtab_(kfree|_printk)' /tmp/ksyms)"
	ktap_check "lesson 0: most T symbols are not exported ($unexported not, $exported exported)" \
		[ "$unexported" -gt "$exported" -a "$exported" -gt 0 ]
else
	ktap_print_msg "kallsyms lists $data data symbols: this kernel is built without CONFIG_KALLSYMS_ALL"
	ktap_expect_eq "lesson 0: without KALLSYMS_ALL, kallsyms has kfree and _printk as T and no __ksymtab_ entry" \
		"T T 0" \
		"$(awk '$3 == "kfree" { print $2 }' /tmp/kallsyms | head -n 1) $(awk '$3 == "_printk" { print $2 }' /tmp/kallsyms | head -n 1) $(grep -c '^__ksymtab_' /tmp/ksyms)"
	ktap_test_skip "lesson 0: the exported kmalloc's __ksymtab_ entry needs CONFIG_KALLSYMS_ALL"
	ktap_test_skip "lesson 0: T symbols with and without __ksymtab_ need CONFIG_KALLSYMS_ALL"
fi

# Lesson 0: a module's memory. The kernel allocates it with module_alloc()
# before 6.10 and with execmem_alloc() from 6.10: the running kernel has
# the one function and not the other. /proc/vmallocinfo lists the area
# that holds memlab's code (its caller is the module loader's). From 6.15
# an x86-64 module's code sits in execmem's ROX cache, an area of 2 MiB
# pages that other modules' code shares; before, in an area of its own.
memlab_load demo=0 || exit 1
base=$(hex16 "$(awk '$1 == "memlab" { print $6 }' /proc/modules)")
area=$(awk -v a="x$base" '$1 ~ /^0x/ {
		split($1, r, "-"); lo = substr(r[1], 3); hi = substr(r[2], 3)
		while (length(lo) < 16) lo = "0" lo; while (length(hi) < 16) hi = "0" hi
		if ("x" lo <= a && a < "x" hi) { print $2, $3; exit }
	}' /proc/vmallocinfo)
ktap_print_msg "memlab's code at $base, in a vmallocinfo area of ${area:-(none)}"
if [ "$ver" -lt 610 ]; then
	want="module_alloc listed"
else
	want="execmem_alloc listed"
fi
have=$(awk '$3 == "module_alloc" || $3 == "execmem_alloc" { print $3 }' /proc/kallsyms | sort -u | tr '\n' ' ')
ktap_expect_eq "lesson 0: module memory comes from ${want% *}, and vmallocinfo lists memlab's code" \
	"$want" "${have}${area:+listed}"
areasize=${area%% *}
if [ "$(uname -m)" = x86_64 ] && [ "$ver" -ge 615 ]; then
	ktap_check "lesson 0: from 6.15 memlab's code is in execmem's ROX cache, an area of 2 MiB or more ($areasize)" \
		[ "${areasize:-0}" -ge $((2 << 20)) ]
else
	ktap_check "lesson 0: before 6.15 (or off x86-64) memlab's code has an area of its own, under 2 MiB ($areasize)" \
		[ "${areasize:-0}" -gt 0 -a "${areasize:-0}" -lt $((2 << 20)) ]
fi
echo 'alloc vmalloc 64K' >"$CTL"
varea=$(hex16 "$(awk '/ml_vmalloc_alloc/ { split($1, r, "-"); print r[1]; exit }' /proc/vmallocinfo)")
kend=$(hex16 "$(awk '$3 == "_end" { print $1; exit }' /proc/kallsyms)")
ktext=$(hex16 "$(awk '$3 == "_text" { print $1; exit }' /proc/kallsyms)")
# module_area_apart: memlab's code above the kernel's image, its vmalloc
# area below the image (and a real address, not one kptr_restrict hides).
module_area_apart() {
	below "$kend" "$base" && below "$varea" "$ktext" && [ "$varea" != 0000000000000000 ]
}
if [ "$(uname -m)" = x86_64 ]; then
	ktap_print_msg "kernel image $ktext-$kend, memlab's code $base, a vmalloc area $varea"
	ktap_check "lesson 0: on x86-64 memlab's code is above the kernel's image, its vmalloc area below" \
		module_area_apart
else
	ktap_test_skip "lesson 0: the module area above the kernel's image is x86-64's"
fi

# Lesson 11: the kernel's kmalloc events come before memlab's memlab_alloc
# (both objects are made before either is recorded), memlab_free before
# the kernel's kfree.
[ -d $T/events/kmem ] || mount -t tracefs tracefs $T
echo 0 >$T/tracing_on
echo >$T/set_event
: >$T/trace
echo $$ >$T/set_event_pid
echo 'bytes_req == 100' >$T/events/kmem/kmalloc/filter
for e in kmem/kmalloc kmem/kfree memlab; do
	echo 1 >"$T/events/$e/enable"
done
echo 1 >$T/tracing_on
echo 'alloc kmalloc 100 2' >"$CTL"
ids=$(awk '$2 == "kmalloc" && $3 == 100 { printf "%s ", $1 }' "$DBG/allocations")
for id in $ids; do
	echo "free $id" >"$CTL"
done
echo 0 >$T/tracing_on
order=$(awk '/ kmalloc: call_site=ml_kmalloc_alloc/ { printf "kmalloc," }
	/ memlab_alloc: / { printf "memlab_alloc," }
	/ memlab_free: / { printf "memlab_free," }
	/ kfree: call_site=ml_/ { printf "kfree," }' $T/trace)
echo >$T/set_event
echo >$T/set_event_pid
echo 0 >$T/events/kmem/kmalloc/filter
echo 1 >$T/tracing_on
ktap_expect_eq "lesson 11: the order of events" \
	"kmalloc,kmalloc,memlab_alloc,memlab_alloc,memlab_free,kfree,memlab_free,kfree," "$order"

# Lesson 2: an order-5 block is aligned on 32 pages; its buddy (pfn ^ 32)
# and itself are the two halves of the order-6 parent at pfn & ~63.
echo "alloc alloc_pages $((PAGE << 5))" >"$CTL"
pfn=$(awk '$2 == "alloc_pages" { print $7; exit }' "$PT")
size=32
buddy=$((pfn ^ size))
parent=$((pfn & ~(2 * size - 1)))
ktap_print_msg "order-5 block at pfn $pfn: buddy $buddy, parent $parent"
ktap_check "lesson 2: the block and its buddy are the two halves of the parent at pfn & ~63" \
	[ $((pfn % size)) -eq 0 -a "$parent" -eq "$((pfn < buddy ? pfn : buddy))" \
	-a $((parent + 2 * size)) -eq $((pfn > buddy ? pfn + size : buddy + size)) ]

# Lessons 0, 4, 8: kmalloc-N is one family of several. Every family the
# kernel made has the same buckets as the plain one: kmalloc-cg-N with
# memory cgroups, kmalloc-rcl-N, dma-kmalloc-N with ZONE_DMA, and the
# kmalloc-rnd-NN-N copies with CONFIG_RANDOM_KMALLOC_CACHES.
ls /sys/kernel/slab >/tmp/slabs
fams=$(sed -n 's/^\(kmalloc-cg\|kmalloc-rcl\|dma-kmalloc\|kmalloc-rnd-[0-9][0-9]\)-[0-9]*k\{0,1\}$/\1/p' /tmp/slabs | sort -u | tr '\n' ' ')
plain=$(grep -cE '^kmalloc-[0-9]+k?$' /tmp/slabs)
ktap_print_msg "plain kmalloc buckets: $plain; other families: ${fams:-none}"
bad=
for f in $fams; do
	n=$(grep -cE "^$f-[0-9]+k?\$" /tmp/slabs)
	[ "$n" -ge 2 ] || bad="$bad $f($n)"
done
ktap_check "lessons 0, 4, 8: there are kmalloc families beside kmalloc-N, each with its buckets${bad:+ (too few:$bad)}" \
	[ -n "$fams" -a -z "$bad" -a "$plain" -ge 2 ]

# Lesson 5 and 7: memlab refuses atomic vmalloc and kvmalloc on every kernel.
ktap_expect_eq "lesson 7: 'atomic' vmalloc and kvmalloc are refused (EINVAL) on this kernel too" \
	"EINVAL EINVAL" "$(ctl 'alloc vmalloc 4K atomic') $(ctl 'alloc kvmalloc 4K atomic')"

# Lesson 10: Percpu is the populated pages times the units, not whole
# chunks. The chunks added after the first are vmalloc areas
# (pcpu_get_vm_areas, all units of a chunk). memlab allocates per-CPU
# memory until the kernel adds a chunk: had Percpu counted whole chunks, the
# allocation that made the chunk would grow it by the chunk's span at least;
# it grows by the pages populated for it, whole pages, far fewer.
pcpu_chunks() {
	awk '/pcpu_get_vm_areas/ { s += $2 } END { print s + 0 }' /proc/vmallocinfo
}
# Up to 256 allocations (8 MiB a CPU): the chunks that earlier tests left
# may hold more than 2 MiB a CPU free (the 6.1 debug kernel's made no new
# chunk in 64), and a chunk may span that much.
i=0
dc=0
got=OK
while [ "$i" -lt 256 ] && [ "$dc" -eq 0 ] && [ "$got" = OK ]; do
	p0=$(($(meminfo_kb Percpu) * 1024))
	c0=$(pcpu_chunks)
	got=$(ctl 'alloc percpu 32K')
	dp=$(($(meminfo_kb Percpu) * 1024 - p0))
	dc=$(($(pcpu_chunks) - c0))
	i=$((i + 1))
done
ktap_print_msg "the allocation of 32 KiB a CPU that made a chunk (allocation $i, $got): Percpu grew $dp bytes, the chunk spans $dc"
ktap_check "lesson 10: Percpu grows by whole pages, fewer than the new chunk spans" \
	[ "$dc" -gt 0 -a "$dp" -gt 0 -a $((dp % PAGE)) -eq 0 -a "$dp" -lt "$dc" ]
memlab_unload

# Lessons 2 and 5: the demonstration's lines name KMALLOC_MAX_SIZE, the
# largest block of pages (SLUB hands kmallocs above two pages to the page
# allocator), and init_on_alloc's exceptions.
dmesg -c >/dev/null
memlab_load || exit 1
log=$(dmesg)
kmax=$((PAGE << MAXORDER))
if [ "$kmax" -lt 5242880 ]; then
	ktap_check "lesson 2: the 5 MiB kvmalloc names KMALLOC_MAX_SIZE, $kmax bytes here" \
		grep -q "demo kvmalloc: asked 5242880 bytes: vmalloc served it .*above KMALLOC_MAX_SIZE ($kmax bytes)" <<EOF
$log
EOF
else
	ktap_test_skip "lesson 2: KMALLOC_MAX_SIZE ($kmax) is above the demonstration's 5 MiB here"
fi
# Slab debugging poisons kmalloc's caches (the test VMs): then the line
# that says it is not printed, and the module's own text is checked.
zeroes='init_on_alloc=1, which zeroes new allocations (not in caches with a constructor, SLAB_TYPESAFE_BY_RCU caches or poisoned caches)'
strings "$KO" >/tmp/ko-strings
if grep -q 'demo kzalloc: kmalloc.s bytes were all zero too: this kernel runs with init_on_alloc=1' <<EOF
$log
EOF
then
	ktap_check "lesson 5: init_on_alloc=1 is said to spare constructor, TYPESAFE_BY_RCU and poisoned caches" \
		grep -q "$zeroes" <<EOF
$log
EOF
else
	ktap_check "lesson 5: memlab.ko says init_on_alloc=1 spares constructor, TYPESAFE_BY_RCU and poisoned caches" \
		grep -q "$zeroes" /tmp/ko-strings
fi
memlab_unload

# Issue 24: what lessons 2, 3, 4, 5, 9 and 10 say a learner sees
# differently on arm64 and with 16 KiB pages. The figures the lessons name
# for each page size are written here once; the running kernel must have
# them (a page size not named here fails: its lesson text is missing).
pshift=$(page_shift "$PAGE")
# A page table is one page of 8-byte entries: bits of index per level.
bits=$((pshift - 3))
arch=$(uname -m)
case $PAGE in
4096) lesson_order=10 lesson_leaves="4K 2M 1G" lesson_pb=512 ;;
16384) lesson_order=11 lesson_leaves="16K 32M 64G" lesson_pb=2048 ;;
*) lesson_order=none lesson_leaves=none lesson_pb=none ;;
esac

# Lessons 3 and 5: the largest block is order 10 (4 MiB) with 4 KiB pages,
# order 11 (32 MiB) with 16 KiB; KMALLOC_MAX_SIZE is that block, and memlab
# refuses one byte more (E2BIG) for kmalloc and alloc_pages, not that size.
memlab_load demo=0 || exit 1
ktap_expect_eq "lessons 3, 5: with $PAGE-byte pages the largest order is $lesson_order, and buddyinfo's last column is it" \
	"$lesson_order" "$MAXORDER"
over="$(ctl "alloc kmalloc $((kmax + 1))") $(ctl "alloc alloc_pages $((kmax + 1))")"
at=$(ctl "alloc kmalloc $kmax")
ctl 'free kmalloc' >/dev/null
at="$at $(ctl "alloc alloc_pages $kmax")"
ctl 'free alloc_pages' >/dev/null
ktap_print_msg "KMALLOC_MAX_SIZE $kmax: one byte more gives '$over', the size itself '$at'"
case "$at" in
*E2BIG*) at_ok=no ;;
*) at_ok=yes ;;
esac
ktap_check "lessons 3, 5: E2BIG starts one byte above $kmax bytes (page size << $MAXORDER)" \
	[ "$over" = "E2BIG E2BIG" -a "$at_ok" = yes ]

# Lesson 4: the largest kmalloc bucket is two pages (kmalloc-8k, or
# kmalloc-32k with 16 KiB pages); the smallest is kmalloc-8, but
# kmalloc-128 on arm64 before 6.5 (ARCH_KMALLOC_MINALIGN was the 128-byte
# cache line then, for DMA without cache coherence).
sizes=$(sed -n 's/^kmalloc-\([0-9]*\)\(k\{0,1\}\)$/\1 \2/p' /tmp/slabs |
	awk '{ print $1 * ($2 == "k" ? 1024 : 1) }' | sort -n)
smallest=8
[ "$arch" = aarch64 ] && [ "$ver" -lt 605 ] && smallest=128
ktap_print_msg "kmalloc buckets: $(echo "$sizes" | tr '\n' ' ')"
ktap_expect_eq "lesson 4: the buckets run from kmalloc-$smallest to two pages ($((2 * PAGE)) bytes)" \
	"$smallest $((2 * PAGE))" "$(echo "$sizes" | head -n 1) $(echo "$sizes" | tail -n 1)"

# Lessons 3 and 9: a pageblock is what one leaf a level above the page
# maps (HPAGE_PMD_ORDER): 512 pages of 4 KiB, 2048 of 16 KiB; a kernel
# without huge pages (the debug kernel) makes it the largest order.
pb=$(awk '/^Pages per block:/ { print $4; exit }' /proc/pagetypeinfo)
pbo=$(awk '/^Page block order:/ { print $4; exit }' /proc/pagetypeinfo)
if [ -d /sys/kernel/mm/hugepages ]; then
	want=$lesson_pb
else
	want=$((1 << MAXORDER))
fi
ktap_expect_eq "lessons 3, 9: a pageblock is $want pages, 'Pages per block' and 2 ^ 'Page block order' alike" \
	"$want $want" "$pb $((1 << ${pbo:-0}))"

# Lesson 2: the levels. x86-64 has 4, or 5 with la57; arm64 as many as
# its virtual addresses need at $bits bits a level. arm64's direct map is
# the lower half of the kernel's range: a kmalloc object's address has its
# bit VA_BITS - 1 clear and every bit above set (48 bits: 4 levels with
# 4 KiB pages; 52 or 48 with 16 KiB: 4; 47: 3). The address is the
# kernel's own, from the kmem:kmalloc event (nohash-ptr). A leaf one level
# up maps PAGE << bits (2M, 32M), two levels up PAGE << 2 * bits (1G, 64G).
kmalloc_traced
kaddr=$KM_ADDR
echo "alloc vmalloc $((4 * PAGE))" >"$CTL"
echo "alloc alloc_pages $((8 * PAGE))" >"$CTL"
if [ "$arch" = x86_64 ]; then
	if grep -qw la57 /proc/cpuinfo; then levels=5; else levels=4; fi
else
	ka=$((0x${kaddr:-0}))
	vabits=63
	while [ "$vabits" -gt 0 ] && [ $(((ka >> vabits) & 1)) -eq 1 ]; do
		vabits=$((vabits - 1))
	done
	vabits=$((vabits + 1))
	levels=$(((vabits - pshift + bits - 1) / bits))
	ktap_print_msg "a kmalloc object at ${kaddr:-(none)}: $vabits-bit virtual addresses, $levels levels of $bits bits"
fi
ktap_print_msg "pagewalk: $(grep -v '^#' "$DBG/pagewalk" | tr '\n' ';')"
ktap_expect_eq "lesson 2: pagewalk's rows have $levels levels ($arch, $PAGE-byte pages)" \
	"$levels" "$(awk '!/^#/ { print $3 }' "$DBG/pagewalk" | sort -u | tr '\n' ' ' | sed 's/ $//')"
leaves=$(awk -v p="$PAGE" '!/^#/ {
		n = split($4, i, "/"); s = p; for (k = n; k < $3; k++) s *= p / 8
		u = "K"; s /= 1024; while (s >= 1024) { s /= 1024; u = (u == "K") ? "M" : (u == "M") ? "G" : "T" }
		if (s u != $5) bad = bad " " $1 ":" $5 "!=" s u
	} END { print bad }' "$DBG/pagewalk")
# shellcheck disable=SC2016 # evaluated by ktap_check
ktap_check "lesson 2: leaves are $lesson_leaves: the page, PAGE << $bits, PAGE << $((2 * bits))${leaves:+ (wrong:$leaves)}" \
	eval '[ -z "$leaves" ] && [ "$(size_name "$PAGE") $(size_name $((PAGE << bits))) $(size_name $((PAGE << (2 * bits))))" = "$lesson_leaves" ]'

# Lesson 2: Debian's arm64 kernels map the direct map page by page
# (rodata=full), so a kmalloc object and an alloc_pages block sit under a
# leaf of one page; x86-64 keeps 2M and 1G leaves where it can.
if [ "$arch" = aarch64 ]; then
	ktap_expect_eq "lesson 2: on arm64 (rodata=full) direct-map rows have a leaf of one page" \
		"$(size_name "$PAGE")" \
		"$(awk '$3 == "direct" { print $4 }' "$PT" | sort -u | tr '\n' ' ' | sed 's/ $//')"
else
	ktap_test_skip "lesson 2: the direct map page by page (rodata=full) is arm64's"
fi
memlab_unload

# Lesson 10: the first chunk is whole pages: "Embedded N pages/cpu sS rR
# dD uU" with S + R + D = N pages, D at least 28 KiB; on arm64 a unit is
# just those pages (x86-64 rounds units up to share 2 MiB leaves).
# The boot's lines as the test VMs keep them (tests/guest/init), or dmesg.
pcpu=$({ cat /tmp/boot-dmesg.txt 2>/dev/null; dmesg; } | sed -n 's/.*percpu: Embedded \([0-9]*\) pages\/cpu s\([0-9]*\) r\([0-9]*\) d\([0-9]*\) u\([0-9]*\).*/\1 \2 \3 \4 \5/p' | head -n 1)
if [ -n "$pcpu" ]; then
	echo "$pcpu" >/tmp/pcpu
	read -r p_n p_s p_r p_d p_u </tmp/pcpu
	set -- "$p_n" "$p_s" "$p_r" "$p_d" "$p_u"
	ktap_print_msg "first chunk: $1 pages of $PAGE a CPU, static $2, reserved $3, dynamic $4, unit $5"
	if [ "$arch" = aarch64 ]; then unit=$(($1 * PAGE)); else unit=$5; fi
	ktap_check "lesson 10: s + r + d fill the $1 pages of the first chunk, d >= 28 KiB, unit $5" \
		[ $(($2 + $3 + $4)) -eq $(($1 * PAGE)) -a "$4" -ge 28672 -a "$5" -eq "$unit" -a $(($5 % PAGE)) -eq 0 ]
else
	ktap_test_skip "lesson 10: the boot's 'percpu: Embedded' line has left the kernel log"
fi

ktap_finished
