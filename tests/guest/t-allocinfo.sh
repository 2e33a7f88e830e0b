#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# /proc/allocinfo (memory allocation profiling, CONFIG_MEM_ALLOC_PROFILING:
# the debug kernel) beside memlab's own counters. Each line is "bytes calls
# file:line [module] func:name": what is live now from that call site.
# Each strategy allocates at a site of its own (its strat_*.c), so each has
# its line, whose figures must be memlab's as the kernel charges them:
#  - a slab object (kmalloc, kzalloc, kmem_cache, mempool's elements, a
#    small kvmalloc): one call, its cache's slab_size (the object with its
#    debugging metadata), not the object size memlab counts;
#  - pages (alloc_pages, kmalloc above the slab caches): one call a
#    block, PAGE_SIZE << order, as memlab counts;
#  - a vmalloc area: one call per page (order 0, or a huge page) and its
#    bytes, plus its page array, charged to the same site: kmalloc'ed up to
#    a page, else vmalloc'ed (its pages, and an array of its own);
#  - a vmalloc area: one call per page, huge pages split into theirs, and
#    their bytes, plus its page array, charged to the same site: kmalloc'ed
#    up to a page, else vmalloc'ed (its pages, and an array of its own);
#  - percpu: one call, the size times the possible CPUs, as memlab counts,
#    but only in the chunks added after boot: the first chunk, set up
#    before there is anything to tag, has no tags (pcpu_alloc_first_chunk()).
# memlab's own bookkeeping has lines of its own: the records (track.c: one
# call and the record cache's slab_size each) and each mempool's reserve
# (pool.c: the mempool and its elements). From those, and the index's share
# per record, overhead_bytes is what memlab says. After unload, no line of
# memlab's is left, and the kernel never says that memlab "has N allocated
# at module unload".
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/ktap.sh"
# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"

AI=/proc/allocinfo

ktap_print_header "/proc/allocinfo: memlab's call sites beside its counters"
if [ ! -r $AI ]; then
	ktap_set_plan 1
	ktap_test_skip "allocinfo (no /proc/allocinfo: this kernel has no CONFIG_MEM_ALLOC_PROFILING; the debug kernel has it)"
	ktap_finished
	exit 0
fi
ktap_set_plan 18

ps=$(page_size)
ncpu=$(awk '{ n = split($0, a, ","); c = 0; for (i = 1; i <= n; i++) { if (split(a[i], r, "-") == 2) c += r[2] - r[1] + 1; else c++ } print c }' /sys/devices/system/cpu/possible)

# site FILE: "bytes calls" of memlab's allocinfo lines from FILE (a file
# name, strat_kmalloc.c), summed over its lines.
site() {
	awk -v f="$1" '$4 == "[memlab]" && ($3 ~ ("^" f ":") || $3 ~ ("/" f ":")) { b += $1; c += $2 }
		END { print b + 0, c + 0 }' $AI
}

# slab_size CACHE / object_size CACHE: what allocinfo charges for one
# object of CACHE, and what its user gets.
slab_size() {
	cat "/sys/kernel/slab/$1/slab_size"
}
object_size() {
	cat "/sys/kernel/slab/$1/object_size"
}

# kcache BYTES: the kmalloc cache that kmalloc(BYTES) takes from, by its
# name in /proc/slabinfo (kmalloc-128, kmalloc-4k).
kcache() {
	awk -v b="$1" '$1 ~ /^kmalloc-[0-9]+k?$/ {
		n = substr($1, 9)
		if (n ~ /k$/) n = substr(n, 1, length(n) - 1) * 1024
		n += 0
		if (n >= b && (m == 0 || n < m)) { m = n; name = $1 }
	} END { print name }' /proc/slabinfo
}

# check_site NAME FILE CALLS BYTES: FILE's line holds CALLS calls and BYTES.
check_site() {
	ktap_print_msg "$1: $(grep -F "/$2:" $AI | tr -s ' ' | sed 's|/[^ ]*/||' | tr '\n' ';')"
	ktap_expect_eq "$1: $2's line, bytes and calls" "$4 $3" "$(site "$2")"
}

# vm_charge PAGES: "bytes calls" that a vmalloc area of PAGES pages charges
# to its caller: its pages, and its page array, kmalloc'ed up to a page and
# else vmalloc'ed (__vmalloc_area_node()).
vm_charge() {
	_b=$(($1 * ps))
	_c=$1
	_arr=$(($1 * 8))
	if [ "$_arr" -le "$ps" ]; then
		_b=$((_b + $(slab_size "$(kcache "$_arr")")))
		_c=$((_c + 1))
	else
		read -r _ab _ac <<EOF
$(vm_charge $(((_arr + ps - 1) / ps)))
EOF
		_b=$((_b + _ab))
		_c=$((_c + _ac))
	fi
	echo "$_b $_c"
}

memlab_load demo=0 || exit 1
ktap_check "memlab's call sites are in allocinfo, named [memlab]" grep -q '\[memlab\]' $AI

ctl "alloc kmalloc 100 5" >/dev/null
small=$((5 * $(slab_size "$(kcache 100)")))
check_site "kmalloc 100, 5 times" strat_kmalloc.c 5 "$small"
# Above the slab caches kmalloc takes pages: charged as memlab counts them.
before=$(stat_field kmalloc bytes_alloc)
ctl "alloc kmalloc $((5 * ps))" >/dev/null
large=$(($(stat_field kmalloc bytes_alloc) - before))
check_site "kmalloc $((5 * ps)) too, pages ($large bytes)" strat_kmalloc.c 6 $((small + large))

ctl "alloc kzalloc 3000 2" >/dev/null
check_site "kzalloc 3000, twice ($(kcache 3000))" strat_kzalloc.c 2 $((2 * $(slab_size "$(kcache 3000)")))

ctl "alloc mempool 200 2" >/dev/null
check_site "mempool 200, twice ($(kcache 200))" strat_mempool.c 2 $((2 * $(slab_size "$(kcache 200)")))

ctl "alloc alloc_pages $((2 * ps)) 2" >/dev/null
check_site "alloc_pages $((2 * ps)), twice" strat_alloc_pages.c 2 $((4 * ps))
ktap_expect_eq "alloc_pages: memlab's bytes_alloc is allocinfo's bytes" \
	"$(stat_field alloc_pages bytes_alloc)" "$(site strat_alloc_pages.c | cut -d' ' -f1)"

# percpu: the first chunk's allocations have no tag, later chunks' have.
ctl "alloc percpu 8K 8" >/dev/null
later=$(awk '$2 == "percpu" && $3 == "vmalloc"' "$DBG/pagetable" | wc -l)
ktap_print_msg "percpu 8K, 8 times: $later in chunks added after boot"
check_site "percpu 8K, 8 times ($ncpu possible CPUs): those in later chunks" strat_percpu.c \
	"$later" $((later * 8192 * ncpu))

# Memlab's bookkeeping: a record for each live allocation, and the
# mempool's reserve (with the mempool itself: one more call).
live=$(stat_field total live)
check_site "the records of $live live allocations (ml_obj)" track.c "$live" $((live * $(slab_size ml_obj)))
read -r rb rc <<EOF
$(awk '$4 == "[memlab]" && $5 == "func:ml_pool_create_mempool" { print $1, $2 }' $AI)
EOF
reserve=$(awk '$2 == "mempool" { n += $6 } END { print n + 0 }' "$DBG/pools")
ktap_print_msg "pool.c, ml_pool_create_mempool: $rb bytes, $rc calls; the pools' reserves: $reserve elements"
ktap_expect_eq "pool.c's mempool line: the mempool and its $reserve reserved elements" \
	$((reserve + 1)) "${rc:-0}"
# What memlab counts for those: a record's object, its share of the index's
# nodes (one node of radix_tree_node per 64 ids), the reserve's elements.
node=$(object_size radix_tree_node)
want=$((live * ($(object_size ml_obj) + (node + 63) / 64) + (${rc:-1} - 1) * $(object_size "$(kcache 200)")))
ktap_expect_eq "overhead_bytes: the records (track.c's calls), their index share, the reserve (pool.c's)" \
	"$want" "$(stat_overhead)"

ctl "alloc kmem_cache 200 3" >/dev/null
check_site "kmem_cache 200, 3 times (memlab-200)" strat_kmem_cache.c 3 $((3 * $(slab_size memlab-200)))

ctl "alloc vmalloc $((2 * ps + 100)) 2" >/dev/null
read -r vb vc <<EOF
$(vm_charge 3)
EOF
check_site "vmalloc $((2 * ps + 100)), twice: 3 pages and their array each" strat_vmalloc.c \
	$((2 * vc)) $((2 * vb))

# kvmalloc: a slab object, then an area of huge pages (kvmalloc allows
# them), which the kernel splits into pages: one call each, as vmalloc's.
ctl "alloc kvmalloc 100" >/dev/null
kv=$(slab_size "$(kcache 100)")
check_site "kvmalloc 100 (a slab object)" strat_kvmalloc.c 1 "$kv"
ctl "alloc kvmalloc 5M" >/dev/null
pages=$(awk '/ml_kvmalloc_alloc/ { for (i = 1; i <= NF; i++) if ($i ~ /^pages=/) print substr($i, 7) }' /proc/vmallocinfo | sort -n | tail -n 1)
read -r kb kc <<EOF
$(vm_charge "${pages:-0}")
EOF
check_site "kvmalloc 5M (an area of $pages pages)" strat_kvmalloc.c $((kc + 1)) $((kb + kv))

ctl "free all" >/dev/null
ktap_expect_eq "after free all, the strategies' and records' lines are empty" "0 0" \
	"$(for f in strat_kmalloc.c strat_kzalloc.c strat_vmalloc.c strat_kvmalloc.c \
		strat_kmem_cache.c strat_alloc_pages.c strat_mempool.c strat_percpu.c track.c; do
		site $f; done | sort -u | tr '\n' ';' | sed 's/;$//')"

mark=$(dmesg_mark)
memlab_unload
ktap_expect_eq "after unload, no line of memlab's in allocinfo" "" \
	"$(grep '\[memlab\]' $AI)"
ktap_expect_eq "nor does the kernel say memlab had anything at unload" "" \
	"$(dmesg_since "$mark" | grep 'module memlab .*allocated at module unload')"
ktap_finished
