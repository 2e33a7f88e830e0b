#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# debugfs "pagewalk": the page-table walk of each allocation's first page,
# checked against the virtual address itself. The address comes from the
# kernel, not from memlab: a kmalloc object's from the kmem:kmalloc event
# (trace option nohash-ptr), a vmalloc area's from /proc/vmallocinfo (read
# with kptr_restrict=1, which shows root the addresses), an alloc_pages
# block's from its page frame number and the direct map's offset, which the
# kmalloc object gives (its address against its pfn). At each level i from
# the top the index must be (addr >> shift_i) & (entries - 1), where a
# table has PAGE_SIZE / 8 entries and the top one what is left of the
# address's bits; the walk stops at the leaf, whose size names the leaf
# column, the same as pagetable's.
# shellcheck disable=SC2016 # awk programs and eval'd checks, in single quotes
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/ktap.sh"
# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"

PW=$DBG/pagewalk
PT=$DBG/pagetable
T=/sys/kernel/tracing

ps=$(page_size)
pshift=$(page_shift "$ps")
# Bits of index per level: a table is one page of 8-byte entries.
bits=$((pshift - 3))

# field FILE ID N: field N of FILE's row of allocation ID.
field() {
	awk -v id="$2" -v n="$3" '$1 == id { print $n; exit }' "$1"
}

# va_bits ADDR: the bits of the kernel's virtual addresses. x86-64: 48, or
# 57 with la57 (5 levels). arm64 puts its linear map (the direct map) in the
# lower half of the kernel's range, so a direct-map address has its bit
# VA_BITS - 1 clear and every bit above it set: its highest clear bit.
va_bits() {
	case "$(uname -m)" in
	x86_64)
		if grep -qw la57 /proc/cpuinfo; then echo 57; else echo 48; fi
		;;
	*)
		_b=63
		while [ "$_b" -gt 0 ] && [ $((($1 >> _b) & 1)) -eq 1 ]; do
			_b=$((_b - 1))
		done
		echo $((_b + 1))
		;;
	esac
}

# split ADDR LEVELS DEPTH: the index at each of the DEPTH levels from the
# top of a walk of LEVELS levels, joined by '/', from ADDR itself; then a
# blank and the size of the leaf at that depth.
split() {
	_shift=$((pshift + bits * ($2 - 1)))
	_width=$((vabits - _shift))
	_out=
	_i=0
	while [ "$_i" -lt "$3" ]; do
		_idx=$((($1 >> _shift) & ((1 << _width) - 1)))
		_out=$_out${_out:+/}$_idx
		_leaf=$((1 << _shift))
		_shift=$((_shift - bits))
		_width=$bits
		_i=$((_i + 1))
	done
	echo "$_out $(size_name "$_leaf")"
}

# check_row NAME ID ADDR: the row of ID against ADDR.
check_row() {
	levels=$(field "$PW" "$2" 3)
	index=$(field "$PW" "$2" 4)
	leaf=$(field "$PW" "$2" 5)
	depth=$(echo "$index" | awk -F/ '{ print NF }')
	ktap_print_msg "$1: address $(printf '%x' "$3"), row: $(grep "^$2 " "$PW")"
	ktap_expect_eq "$1: levels as the kernel has them" "$want_levels" "$levels"
	ktap_expect_eq "$1: each level's index and the leaf, from the address itself" \
		"$(split "$3" "$levels" "$depth")" "$index $leaf"
	ktap_expect_eq "$1: the leaf is pagetable's" "$(field "$PT" "$2" 4)" "$leaf"
}

ktap_print_header "debugfs pagewalk: the page-table walk, level by level"
ktap_set_plan 14

memlab_load demo=0 || exit 1
ktap_expect_eq "pagewalk is mode 0400" 400 "$(stat -c %a "$PW")"
ktap_expect_eq "its header names the columns" "# id strategy levels index leaf" \
	"$(head -n 1 "$PW")"
ktap_check "a user without the rights cannot read it" \
	eval '! as_nobody "cat $PW" >/dev/null 2>&1'

[ -d $T/events/kmem ] || mount -t tracefs tracefs $T
kptr=$(cat /proc/sys/kernel/kptr_restrict)

# kmalloc: the address from the kernel's own event.
kmalloc_traced
kptr_hex=$KM_ADDR
km_id=$(awk '$2 == "kmalloc" { print $1; exit }' "$PT")
if [ -z "$kptr_hex" ] || [ -z "$km_id" ]; then
	ktap_print_msg "no kmem:kmalloc event from memlab, or no kmalloc row: $(tail -n 3 $T/trace)"
	km_addr=0
else
	km_addr=$((0x$kptr_hex))
fi
vabits=$(va_bits "$km_addr")
# As many levels as it takes to cover those bits, bits per level each.
want_levels=$(((vabits - pshift + bits - 1) / bits))
ktap_print_msg "$(uname -m), page size $ps, $vabits-bit virtual addresses: $want_levels levels expected"
check_row "kmalloc 100" "$km_id" "$km_addr"

# vmalloc: the area's start in /proc/vmallocinfo.
ctl "alloc vmalloc $((3 * ps))" >/dev/null
echo 1 >/proc/sys/kernel/kptr_restrict
vm_hex=$(awk '/ml_vmalloc_alloc/ { split($1, r, "-"); print r[1]; exit }' /proc/vmallocinfo)
echo "$kptr" >/proc/sys/kernel/kptr_restrict
vm_id=$(awk '$2 == "vmalloc" { print $1; exit }' "$PT")
check_row "vmalloc $((3 * ps))" "$vm_id" "$((vm_hex))"

# alloc_pages: the direct map is linear, so the block's address is the
# kmalloc object's page plus the distance between their page frames.
ctl "alloc alloc_pages $((8 * ps))" >/dev/null
ap_id=$(awk '$2 == "alloc_pages" { print $1; exit }' "$PT")
km_pfn=$(field "$PT" "$km_id" 7)
ap_pfn=$(field "$PT" "$ap_id" 7)
ap_addr=$(((km_addr & ~(ps - 1)) + (ap_pfn - km_pfn) * ps))
check_row "alloc_pages $((8 * ps))" "$ap_id" "$ap_addr"

ktap_expect_eq "one row per live allocation, in the order of allocations" \
	"$(awk '!/^#/ { print $1, $2 }' "$DBG/allocations")" "$(awk '!/^#/ { print $1, $2 }' "$PW")"
ktap_check "no address in it" eval '! grep -qiE "0x|[0-9a-f]{12}" "$PW"'
memlab_unload
ktap_finished
