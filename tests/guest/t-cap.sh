#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The cap bounds what the kernel hands out for memlab, measured by the
# kernel's own figures, not memlab's counters:
#  - kmem_cache objects above SLUB's largest slab order each get a slab of
#    their own (/proc/slabinfo: num_slabs x pagesperslab pages);
#  - kvmalloc's areas from PMD_SIZE up are rounded to huge pages, with their
#    page arrays (/proc/vmallocinfo: pages= of memlab's areas);
#  - records whose ids leave one survivor per 64 (Slab, caches dropped).
# A command whose real cost does not fit is refused (ENOSPC) up front; what
# fits stays within the cap, and memlab's used_bytes + overhead_bytes match
# the kernel's figure within the tolerance each case states.
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/ktap.sh"
# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"

ktap_print_header "cap: what the kernel hands out stays under cap_bytes"
ktap_set_plan 7
PAGE=$(page_size)

# slab_bytes NAME: the bytes of cache NAME's slabs, 0 when it has none.
slab_bytes() {
	awk -v n="$1" -v p="$PAGE" '$1 == n { b = $15 * $6 * p } END { print b + 0 }' /proc/slabinfo
}

# vm_bytes: the pages of memlab's vmalloc areas (vmallocinfo), in bytes.
vm_bytes() {
	awk -v p="$PAGE" '/\[memlab\]/ { for (i = 1; i <= NF; i++) if ($i ~ /^pages=/) n += substr($i, 7) }
		END { print n * p }' /proc/vmallocinfo
}

held() {
	echo $(($(stat_used) + $(stat_overhead)))
}

memlab_load demo=0 || exit 1
CAP=$(stat_cap)
ktap_print_msg "cap_bytes $CAP, page size $PAGE"

# 1. kmem_cache 2049K: each object has a slab of its own.
K=$((2049 * 1024))
r=$(ctl "alloc kmem_cache 2049K 31")
s31=$(slab_bytes "memlab-$K")
ktap_print_msg "alloc kmem_cache 2049K 31: $r; memlab-$K slabs $s31 bytes; used + overhead $(held)"
refused() {
	[ "$1" = ENOSPC ] && [ "$2" -le "$CAP" ] && [ "$(stat_field total live)" -eq 0 ] &&
		check_invariants "$STATS"
}
ktap_check "alloc kmem_cache 2049K 31: its slabs would exceed the cap, refused up front" \
	refused "$r" "$s31"
ctl "free all" >/dev/null
ctl "alloc kmem_cache 2049K" >/dev/null
per=$(held)
n=$(((CAP - 65536) / per))
ctl "free all" >/dev/null
r=$(ctl "alloc kmem_cache 2049K $n")
sn=$(slab_bytes "memlab-$K")
h=$(held)
ktap_print_msg "alloc kmem_cache 2049K $n: $r; slabs $sn bytes ($((sn / n)) per object); used + overhead $h"
# memlab's figure covers the slabs; beyond them only the records (1 KiB
# each at most).
matches() {
	[ "$1" = OK ] && [ "$2" -le "$CAP" ] && [ "$2" -le "$3" ] && [ "$3" -le $(($2 + $4 * 1024)) ] &&
		check_invariants "$STATS"
}
ktap_check "alloc kmem_cache 2049K $n: the slabs stay within the cap, used + overhead covers them" \
	matches "$r" "$sn" "$h" "$n"
ctl "free all" >/dev/null
ktap_expect_eq "free all: the cache and its slabs are gone" 0 "$(slab_bytes "memlab-$K")"

# 2. kvmalloc of 4 KiB more than KMALLOC_MAX_SIZE (PAGE_SIZE << the largest
# order: 4100K with 4 KiB pages, 32 MiB + 4K with 16 KiB): vmalloc'ed,
# rounded to huge pages where the kernel maps them so, with a page array of
# its own. A cap of 15 of them at least (16 KiB pages: about 480 MiB).
KV=$(((PAGE << $(max_order)) + 4096))
if [ $((15 * KV)) -gt "$CAP" ]; then
	memlab_unload
	memlab_load demo=0 max_bytes=$((15 * KV)) || exit 1
	CAP=$(stat_cap)
	ktap_print_msg "kvmalloc $KV: cap_bytes $CAP"
fi
v0=$(meminfo_kb VmallocUsed)
r=$(ctl "alloc kvmalloc $KV 15")
a15=$(vm_bytes)
ktap_print_msg "alloc kvmalloc $KV 15: $r; memlab's vmalloc areas $a15 bytes; VmallocUsed +$(($(meminfo_kb VmallocUsed) - v0)) kB"
ktap_check "alloc kvmalloc $KV 15: its areas would exceed the cap, refused up front" \
	refused "$r" "$a15"
ctl "free all" >/dev/null
ctl "alloc kvmalloc $KV" >/dev/null
a1=$(vm_bytes)
per=$(held)
n=$(((CAP - 65536) / per))
ctl "free all" >/dev/null
r=$(ctl "alloc kvmalloc $KV $n")
an=$(vm_bytes)
h=$(held)
ktap_print_msg "one kvmalloc $KV: $a1 bytes of areas; alloc kvmalloc $KV $n: $r; areas $an bytes; used + overhead $h; VmallocUsed +$(($(meminfo_kb VmallocUsed) - v0)) kB"
ktap_check "alloc kvmalloc $KV $n: the areas stay within the cap, used + overhead covers them" \
	matches "$r" "$an" "$h" "$n"
ctl "free all" >/dev/null
memlab_unload

# 3. 1500 rounds of one kmalloc kept and 63 kzalloc freed, under a 1 MiB
# cap. What the kernel hands out (Slab, caches dropped, before and after)
# stays within the cap, and the index's nodes (radix_tree_node) grow by the
# few that 1500 dense ids need, not by one per round (ids that only grew
# left one live record in each 64-slot node: 1500 nodes, some 860 KiB).
# memlab counts its records and objects without the slab debugging's red
# zones and tracking (slub_debug=FZPU in the test VMs makes an 8-byte
# object take over 100): the per-cache figures are printed beside its own.
# caches: the slab bytes of the caches the rounds use, one line.
caches() {
	awk -v p="$PAGE" '$1 == "radix_tree_node" || $1 == "ml_obj" || $1 == "kmalloc-8" {
		printf "%s %d ", $1, $15 * $6 * p }' /proc/slabinfo
}

memlab_load demo=0 max_bytes=1M || exit 1
settle
slab0=$(meminfo_kb Slab)
c0=$(caches)
n0=$(slab_bytes radix_tree_node)
rounds=$(repeats 1500 300)
i=0
bad=0
while [ "$i" -lt "$rounds" ]; do
	[ "$(ctl "alloc kmalloc 8")" = OK ] || bad=$((bad + 1))
	ctl "alloc kzalloc 8 63" >/dev/null
	ctl "free kzalloc" >/dev/null
	i=$((i + 1))
done
h=$(held)
settle
grew=$((($(meminfo_kb Slab) - slab0) * 1024))
ktap_print_msg "$rounds rounds ($bad refused): Slab grew $grew bytes; used + overhead $h; live $(stat_field total live)"
ktap_print_msg "slab bytes before: $c0; after: $(caches)"
nodes=$(($(slab_bytes radix_tree_node) - n0))
# Slab debugging's own bytes (red zones, tracking) for the live objects of
# the two caches the rounds keep, which memlab does not count: a kernel
# without slub_debug hands out none of them.
dbg_extra() {
	_x=0
	for c in ml_obj kmalloc-8; do
		_ss=$(cat "/sys/kernel/slab/$c/slab_size" 2>/dev/null || echo 0)
		_os=$(cat "/sys/kernel/slab/$c/object_size" 2>/dev/null || echo 0)
		_x=$((_x + rounds * (_ss - _os)))
	done
	echo "$_x"
}
extra=$(dbg_extra)
within() {
	[ "$grew" -le $(((1 << 20) + extra)) ] && [ "$nodes" -le 65536 ] && check_invariants "$STATS"
}
ktap_check "$rounds rounds: Slab grew within the 1 MiB cap (+ $extra bytes of slab debugging's own), the index's nodes by $nodes bytes (64 KiB at most)" \
	within
memlab_unload
ktap_check "nothing left" nothing_left
ktap_finished
