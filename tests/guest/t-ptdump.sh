#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# memlab's pagetable and pagewalk files against the kernel's own dump of
# its page tables, /sys/kernel/debug/page_tables/kernel
# (CONFIG_PTDUMP_DEBUGFS: the debug kernel). A dump line is a range of
# addresses mapped alike: "0x<start>-0x<end> <size> <flags> <level>", the
# flags blank where nothing is mapped (x86's dump_pagetables.c). For three
# allocations, at addresses the kernel gives (as t-pagewalk.sh finds them):
#  - the line holding the address has the level of memlab's leaf (pte for
#    a page, pmd for 2M, pud for 1G) and is mapped, writable, not executable;
#  - a vmalloc area's pages, all of them, are in one such line of ptes, and
#    its guard page, just past them, is not mapped.
# shellcheck disable=SC2016 # eval'd checks, in single quotes
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/ktap.sh"
# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"

PTD=/sys/kernel/debug/page_tables/kernel
PT=$DBG/pagetable
DUMP=/tmp/ptdump

ktap_print_header "the kernel's page-table dump beside memlab's pagetable and pagewalk"
if [ ! -r $PTD ]; then
	ktap_set_plan 1
	ktap_test_skip "page-table dump (no $PTD: this kernel has no CONFIG_PTDUMP_DEBUGFS; the debug kernel has it)"
	ktap_finished
	exit 0
fi
ktap_set_plan 11

ps=$(page_size)

# field ID N: field N of pagetable's row of allocation ID.
field() {
	awk -v id="$1" -v n="$2" '$1 == id { print $n; exit }' "$PT"
}

# dump_line ADDR [section]: the dump's line whose range holds ADDR (a
# number); with "section", the name of the part of the dump it is in
# ("---[ vmalloc() Area ]---").
dump_line() {
	awk -v a="x$(hex16 "$(printf '%x' "$1")")" -v what="${2:-line}" '
		/^---\[ .* \]---$/ { sec = substr($0, 6, length($0) - 10) }
		/^0x[0-9a-f]+-0x[0-9a-f]+ / {
			split($1, r, "-")
			lo = "x" substr(r[1], 3); hi = "x" substr(r[2], 3)
			if (lo <= a && a < hi) { print (what == "section" ? sec : $0); exit }
		}' "$DUMP"
}

# level_of LEAF: the dump's name for the level of a leaf of that size.
level_of() {
	case "$1" in
	"$(size_name "$ps")") echo pte ;;
	"$(size_name $((ps << (page_bits))))") echo pmd ;;
	"$(size_name $((ps << (2 * page_bits))))") echo pud ;;
	*) echo "?" ;;
	esac
}
# Bits of index per level: a table is one page of 8-byte entries.
page_bits=$(($(page_shift "$ps") - 3))

# check_mapped NAME ID ADDR: ADDR's line is mapped at the level of ID's
# leaf, writable, not executable.
check_mapped() {
	_l=$(dump_line "$3")
	ktap_print_msg "$1: $(grep "^$2 " "$PT"); dump: $_l"
	_want=$(level_of "$(field "$2" 4)")
	ktap_expect_eq "$1: the dump's level is memlab's leaf ($(field "$2" 4))" "$_want" "${_l##* }"
	ktap_check "$1: mapped, writable, not executable (RW, NX)" \
		eval 'case "$_l" in *" RW "*" NX "*) true ;; *) false ;; esac'
}

memlab_load demo=0 || exit 1
T=/sys/kernel/tracing
[ -d $T/events/kmem ] || mount -t tracefs tracefs $T
kptr=$(cat /proc/sys/kernel/kptr_restrict)

kmalloc_traced
km_id=$(awk '$2 == "kmalloc" { print $1; exit }' "$PT")
ctl "alloc vmalloc $((3 * ps))" >/dev/null
vm_id=$(awk '$2 == "vmalloc" { print $1; exit }' "$PT")
ctl "alloc alloc_pages $((8 * ps))" >/dev/null
ap_id=$(awk '$2 == "alloc_pages" { print $1; exit }' "$PT")
echo 1 >/proc/sys/kernel/kptr_restrict
vm_hex=$(awk '/ml_vmalloc_alloc/ { split($1, r, "-"); print r[1]; exit }' /proc/vmallocinfo)
echo "$kptr" >/proc/sys/kernel/kptr_restrict
t0=$(date +%s)
cat $PTD >$DUMP
ktap_print_msg "the dump: $(wc -l <$DUMP) lines, read in $(($(date +%s) - t0)) s"

ktap_check "memlab's kmalloc object, vmalloc area and pages are at known addresses" \
	[ -n "$KM_ADDR" -a -n "$vm_hex" -a -n "$km_id" -a -n "$vm_id" -a -n "$ap_id" ]
km_addr=$((0x${KM_ADDR:-0}))
check_mapped "kmalloc 100" "$km_id" "$km_addr"

# The block's address: the kmalloc object's page plus the distance between
# their page frames (the direct map is linear).
ap_addr=$(((km_addr & ~(ps - 1)) + ($(field "$ap_id" 7) - $(field "$km_id" 7)) * ps))
check_mapped "alloc_pages $((8 * ps))" "$ap_id" "$ap_addr"

vm=$((vm_hex))
check_mapped "vmalloc $((3 * ps))" "$vm_id" "$vm"
ktap_expect_eq "vmalloc: its last page is in the same line as its first" \
	"$(dump_line "$vm")" "$(dump_line $((vm + 2 * ps)))"
guard=$(dump_line $((vm + 3 * ps)))
ktap_print_msg "the guard page's line: $guard"
ktap_check "vmalloc: the guard page past its pages is not mapped" \
	eval 'case "$guard" in *" RW "* | *" ro "*) false ;; "") false ;; *) true ;; esac'
ktap_expect_eq "vmalloc: the dump has it in its vmalloc area, where pagetable's region is vmalloc" \
	"vmalloc() Area vmalloc" "$(dump_line "$vm" section) $(field "$vm_id" 3)"

# Freed, the area's pages are unmapped: the dump no longer has them.
ctl "free $vm_id" >/dev/null
cat $PTD >$DUMP
gone=$(dump_line "$vm")
ktap_print_msg "after free $vm_id: $gone"
ktap_check "vmalloc: freed, its pages are no longer mapped" \
	eval 'case "$gone" in *" RW "* | *" ro "*) false ;; *) true ;; esac'
memlab_unload
ktap_finished
