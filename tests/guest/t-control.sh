#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The control file: every errno of the contract, bad input, the size limits
# of the running kernel (page size, largest page order), the cap, all or
# nothing, and the allocations file. Permissions: t-perms.sh.
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/ktap.sh"
# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"

ktap_print_header "control: commands, errors, limits, cap"
ktap_set_plan 48

PAGE=$(page_size)
# The largest block of pages, and KMALLOC_MAX_SIZE: the same size (SLUB
# hands larger kmallocs to the page allocator, up to its largest order).
PMAX=$((PAGE << $(max_order)))
KMAX=$PMAX
# The cap: 8 MiB, or room for two of the largest kmem_cache objects.
CAP=$((8 << 20))
[ "$CAP" -ge $((2 * KMAX)) ] || CAP=$((2 * KMAX))
ktap_print_msg "page size $PAGE, largest order $(max_order): KMALLOC_MAX_SIZE and the alloc_pages limit $KMAX; cap $CAP"

memlab_load demo=0 max_bytes=$CAP || exit 1

# expect ERRNO COMMAND: the write fails (or not) as said, and a failed one
# changes nothing and logs one "memlab: control:" line.
expect() {
	before=$(grep -v '^# memlab' "$STATS")
	dmesg -c >/dev/null
	got=$(ctl "$2")
	after=$(grep -v '^# memlab' "$STATS")
	if [ "$got" != "$1" ]; then
		ktap_print_msg "'$2': expected $1, got $got"
		ktap_test_fail "'$2' gives $1"
	elif [ "$1" != OK ] && [ "$before" != "$after" ]; then
		ktap_print_msg "'$2' failed but changed the stats"
		ktap_test_fail "'$2' gives $1"
	elif [ "$1" != OK ] && [ "$(dmesg | grep -c 'memlab: control: ')" -gt 1 ]; then
		# Rate-limited: at most one line, none once the burst is spent.
		ktap_print_msg "'$2': dmesg has $(dmesg | grep -c 'memlab: control: ') control lines"
		ktap_test_fail "'$2' gives $1"
	else
		ktap_test_pass "'$2' gives $1"
	fi
}

# Success, and what it made.
expect OK "alloc kmalloc 64 10"
ktap_expect_eq "alloc made 10 live kmalloc allocations" 10 "$(stat_field kmalloc live)"
expect OK "alloc kmalloc 64 atomic"
ktap_expect_eq "atomic allocations show context atomic" 1 \
	"$(awk '$5 == "atomic"' "$DBG/allocations" | wc -l)"
# echo retries a short write with the rest, which would be a bad command.
ktap_check "a successful write returns its full length" sh -c "printf 'alloc percpu 8' >$CTL"

# EINVAL: grammar. The first refusal's dmesg line gives the reason.
dmesg -c >/dev/null
ctl "alloc slab 64" >/dev/null
ktap_check "a refusal logs 'memlab: control: <reason>'" \
	sh -c "dmesg | grep -q 'memlab: control: unknown strategy'"
expect EINVAL "allocate kmalloc 64"
expect EINVAL "alloc slab 64"
expect EINVAL "alloc kmalloc 12Q"
expect EINVAL "alloc kmalloc 0"
expect EINVAL "alloc kmalloc 64 0"
expect EINVAL "alloc kmalloc 64 1 now"
expect EINVAL "alloc vmalloc 4096 atomic"
expect EINVAL "alloc kvmalloc 4096 atomic"
expect EINVAL "alloc kmalloc -64"
expect EINVAL "alloc kmalloc 64 -1"
expect EINVAL "alloc kmalloc 18446744073709551616"
expect EINVAL "free 99999999999999999999999"
expect EINVAL ""
long=$(printf '%0300d' 0)
expect EINVAL "alloc kmalloc $long"
ktap_expect_eq "binary garbage gives EINVAL" EINVAL \
	"$(errno_name "$({ printf 'alloc\001\377\000kmalloc 64' | dd of="$CTL" bs=64; } 2>&1 | grep -v records)")"
# E2BIG, ENOSPC, ENOENT, EBUSY.
# The limits, at their boundary: one byte more is E2BIG.
expect E2BIG "alloc kmalloc $((KMAX + 1))"
expect E2BIG "alloc percpu 33K"
expect E2BIG "alloc alloc_pages $((PMAX + 1))"
expect E2BIG "alloc vmalloc $((CAP + 1))"
# At the limit itself, not E2BIG: the largest block is made (or, memory
# being fragmented, the allocator says no).
got=$(ctl "alloc alloc_pages $PMAX")
ktap_check "alloc alloc_pages $PMAX, the largest order, is within the limit ($got)" \
	sh -c "[ '$got' = OK ] || [ '$got' = ENOMEM ]"
ctl "free alloc_pages" >/dev/null
# kmem_cache up to KMALLOC_MAX_SIZE, like kmalloc: the largest cache must be
# creatable also under slab debugging (and, on 6.1, without SLAB_NO_MERGE).
expect E2BIG "alloc kmem_cache $((KMAX + 1))"
expect OK "alloc kmem_cache $KMAX"
ktap_expect_eq "the largest kmem_cache object has its cache memlab-$KMAX" 1 \
	"$(grep -c "^memlab-$KMAX " /proc/slabinfo)"
expect OK "free kmem_cache"
expect ENOSPC "alloc vmalloc $CAP"
expect ENOSPC "alloc kmalloc 4096 18446744073709551615"
expect ENOENT "free 424242"
expect EBUSY "reset"

# The cap bounds the allocations and their records: fill it, then one
# allocation more is refused. One 8-byte kmalloc tells what a record takes,
# and what the object itself costs: its bucket, kmalloc-8, or kmalloc-128
# where kmalloc's smallest bucket is a DMA cache line (arm64 before 6.5).
ctl "free all" >/dev/null
ctl "alloc kmalloc 8" >/dev/null
track=$(stat_overhead)
one=$(($(stat_used) + track))
ktap_print_msg "one kmalloc 8 costs $(stat_used) bytes and a record of $track"
room=$(($(stat_cap) - $(stat_used) - track))
# The area's page array and vm_struct are charged beside its pages: 64 KiB
# left for them.
expect OK "alloc vmalloc $(((room - 2 * track - 65536) / PAGE * PAGE))"
room=$(($(stat_cap) - $(stat_used) - $(stat_overhead)))
expect OK "alloc kmalloc 8 $((room / one))"
ktap_expect_eq "used_bytes + overhead_bytes is within one record of cap_bytes" yes \
	"$([ $(($(stat_cap) - $(stat_used) - $(stat_overhead))) -lt "$one" ] && echo yes)"
expect ENOSPC "alloc kmalloc 8"
# All or nothing: a command that cannot fit whole makes nothing.
ctl "free all" >/dev/null
expect ENOSPC "alloc kmalloc 4096 $((CAP / 4096 + 1000))"
ktap_expect_eq "nothing live after the refused command" 0 "$(stat_field total live)"

# free by strategy, by id, all; reset when nothing is live.
ctl "alloc kmalloc 32 5" >/dev/null
ctl "alloc percpu 32 5" >/dev/null
expect OK "free percpu"
ktap_expect_eq "free percpu leaves kmalloc" "0 5" \
	"$(stat_field percpu live) $(stat_field kmalloc live)"
id=$(awk '!/^#/ { print $1; exit }' "$DBG/allocations")
expect OK "free $id"
expect ENOENT "free $id"
expect OK "free all"
expect OK "reset"
ktap_expect_eq "reset zeroes the counters" "0 0" "$(stat_field total allocs) $(stat_field total frees)"

memlab_unload
ktap_check "nothing left after unload" nothing_left
ktap_finished
