#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The pools file: one row per live pool, a mempool's reserve beside its
# minimum. On a kernel with fault injection (the debug kernel) the reserve
# is really drawn down: with failslab failing this shell's allocations that
# may not sleep, each mempool allocation comes from the reserve, which falls
# 4, 3, 2, 1, 0, the next one fails (ENOMEM); freed, the elements refill the
# reserve before any memory goes back to the allocator; an element is counted
# where it is, in the reserve (overhead_bytes) or handed out (used_bytes),
# never in both. One mempool per element size: requests that round to the
# same kmalloc bucket share it.
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/ktap.sh"
# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"

P=$DBG/pools
FS=/sys/kernel/debug/failslab
ktap_print_header "pools, and the mempool reserve"
ktap_set_plan 12

# row NAME: a pool's row without its name.
row() {
	awk -v n="$1" '$1 == n { $1 = ""; print substr($0, 2) }' "$P"
}
reserve() {
	awk '$1 == "mempool-256" { print $6 }' "$P"
}

memlab_load demo=0 mempool_min=4 || exit 1
ktap_expect_eq "pools is 0400 and has its header" "400 # name strategy size elem_size live reserve min" \
	"$(stat -c %a "$P") $(head -n 1 "$P")"
ctl "alloc kmem_cache 200 3" >/dev/null
ctl "alloc mempool 256 1" >/dev/null
ktap_expect_eq "memlab-200: a kmem_cache of 200-byte objects, 3 live" "kmem_cache 200 200 3 - -" \
	"$(row memlab-200)"
ktap_expect_eq "mempool-256: 1 live, 4 in reserve of a minimum of 4" "mempool 256 256 1 4 4" \
	"$(row mempool-256)"
ctl "free kmem_cache" >/dev/null
ktap_expect_eq "the kmem_cache pool goes with its last object" "" "$(row memlab-200)"
# One record, what a kmalloc adds to overhead_bytes; the rest of
# overhead_bytes is the reserve, 4 elements of 256 bytes.
o1=$(stat_overhead)
ctl "alloc kmalloc 8" >/dev/null
track=$(($(stat_overhead) - o1))
ctl "free kmalloc" >/dev/null
ktap_expect_eq "the reserve is charged to the cap: 4 x 256 in overhead_bytes" 1024 \
	$((o1 - track))

if [ -d "$FS" ] && [ -e /proc/self/make-it-fail ]; then
	echo 100 >"$FS/probability"
	echo 1 >"$FS/interval"
	echo -1 >"$FS/times"
	echo 0 >"$FS/verbose"
	echo Y >"$FS/task-filter"
	echo Y >"$FS/ignore-gfp-wait"
	# Only the writer fails, and only where it may not sleep: memlab's
	# records (GFP_KERNEL) are made, mempool_alloc()'s try without reclaim
	# fails, and the reserve serves.
	failing() {
		sh -c 'echo 1 >/proc/self/make-it-fail; echo "$1" >"$2"' _ "$1" "$CTL" 2>&1
	}
	seen=$(reserve)
	held0=$(($(stat_used) + $(stat_overhead)))
	for _ in 1 2 3 4; do
		failing "alloc mempool 256" >/dev/null
		seen="$seen $(reserve)"
	done
	held1=$(($(stat_used) + $(stat_overhead)))
	f0=$(stat_field mempool failures)
	got=$(errno_name "$(failing "alloc mempool 256")")
	echo 0 >"$FS/probability"
	echo N >"$FS/task-filter"
	ktap_expect_eq "the reserve falls 4 3 2 1 0 as the allocator says no" "4 3 2 1 0" "$seen"
	# The four elements moved from the reserve to used_bytes: only their
	# records are new.
	ktap_expect_eq "elements out of the reserve leave overhead_bytes as they enter used_bytes" \
		$((4 * track)) $((held1 - held0))
	ktap_expect_eq "then the next fails: ENOMEM, counted" "ENOMEM 1" \
		"$got $(($(stat_field mempool failures) - f0))"
	refill=""
	for id in $(awk '!/^#/ && $2 == "mempool" { print $1 }' "$DBG/allocations" | tail -n 4); do
		ctl "free $id" >/dev/null
		refill="$refill $(reserve)"
	done
	ktap_expect_eq "freed, the elements refill the reserve first: 1 2 3 4" " 1 2 3 4" "$refill"
	ktap_expect_eq "the first allocation is still live" 1 "$(stat_field mempool live)"
else
	for t in "the reserve falls" "counted once" "the next fails" "the reserve refills" "the first still live"; do
		ktap_test_skip "$t: this kernel has no fault injection (failslab)"
	done
fi

# One pool per element size: 1000 bytes round to the 1024-byte bucket, the
# element size of the pool that "alloc mempool 1024" uses too.
ctl "free all" >/dev/null
ctl "alloc mempool 1000" >/dev/null
ctl "alloc mempool 1024" >/dev/null
ktap_expect_eq "mempool 1000 and 1024 share one pool, mempool-1024, 2 live, one reserve" \
	"1 mempool 1024 1024 2 4 4" \
	"$(grep -c '^mempool-' "$P") $(row mempool-1024)"
memlab_unload
ktap_check "nothing left" nothing_left
ktap_finished
