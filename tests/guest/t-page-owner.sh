#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# page_owner (CONFIG_PAGE_OWNER, booted with page_owner=on: the debug
# kernel) beside memlab's alloc_pages. The kernel records, for every page
# it hands out, the order, the gfp flags and the stack of the allocation;
# /sys/kernel/debug/page_owner prints the record of each allocated block,
# from the page frame number its file offset names (read_page_owner():
# lesson 3 reads one with dd). For each of memlab's blocks:
#  - the record at its first page frame (pagetable's pfn) is that frame's;
#  - its order is the block's (pagetable's pages, a power of two);
#  - its stack names memlab's strategy function, ml_alloc_pages_alloc;
#  - its other pages have no record of their own: the head's covers them,
#    and a read from one of them goes on to a later block's.
# Freed, the block's first frame has no memlab record any more.
# shellcheck disable=SC2016 # eval'd checks, in single quotes
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/ktap.sh"
# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"

PO=/sys/kernel/debug/page_owner
PT=$DBG/pagetable

# record PFN: page_owner's first record from page frame PFN on.
record() {
	dd if=$PO bs=4096 count=1 skip="$1" iflag=skip_bytes 2>/dev/null
}

# record_pfn TEXT: the page frame number a record is of, in decimal.
record_pfn() {
	_p=$(printf '%s\n' "$1" | sed -n 's/^PFN \(0x[0-9a-f]*\) .*/\1/p')
	echo $((${_p:-0}))
}

ktap_print_header "page_owner: the kernel's record of memlab's page allocations"
if [ ! -r $PO ] || [ -z "$(record 0)" ]; then
	ktap_set_plan 1
	ktap_test_skip "page_owner (no records in $PO: the kernel needs CONFIG_PAGE_OWNER and page_owner=on; the debug kernel has both)"
	ktap_finished
	exit 0
fi
ktap_set_plan 9

ps=$(page_size)
memlab_load demo=0 || exit 1
ctl "alloc alloc_pages $((8 * ps)) 2" >/dev/null
ids=$(awk '$2 == "alloc_pages" { print $1 }' "$PT")
for id in $ids; do
	pfn=$(awk -v id="$id" '$1 == id { print $7 }' "$PT")
	pages=$(awk -v id="$id" '$1 == id { print $5 }' "$PT")
	order=0
	while [ $((1 << order)) -lt "$pages" ]; do
		order=$((order + 1))
	done
	rec=$(record "$pfn")
	printf '%s\n' "$rec" | sed 's/^/# /'
	ktap_expect_eq "block $id: the record read from its first frame is that frame's" \
		"$pfn" "$(record_pfn "$rec")"
	ktap_expect_eq "block $id: the record's order is the block's ($pages pages)" \
		"order $order," "$(printf '%s\n' "$rec" | head -n 1 | grep -o 'order [0-9]*,')"
	ktap_check "block $id: its stack names memlab's strategy function" \
		eval 'printf "%s\n" "$rec" | grep -q "^ *ml_alloc_pages_alloc+.*\[memlab\]"'
	tails=
	i=1
	while [ "$i" -lt "$pages" ]; do
		got=$(record_pfn "$(record $((pfn + i)))")
		# 0: no block is allocated past it.
		[ "$got" -eq 0 ] || [ "$got" -ge $((pfn + pages)) ] || tails="$tails $((pfn + i)):$got"
		i=$((i + 1))
	done
	ktap_expect_eq "block $id: its $((pages - 1)) other pages have no record of their own" "" "$tails"
done
first=$(awk '$2 == "alloc_pages" { print $7; exit }' "$PT")
ctl "free alloc_pages" >/dev/null
after=$(record "$first")
ktap_print_msg "after free, from frame $first on: $(printf '%s\n' "$after" | sed -n 2p)"
ktap_check "freed, its first frame has no record of memlab's" \
	eval '[ "$(record_pfn "$after")" != "$first" ] || ! printf "%s\n" "$after" | grep -q "\[memlab\]"'
memlab_unload
ktap_finished
