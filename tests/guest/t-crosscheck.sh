#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# memlab's counters equal what the kernel itself shows: the kmem tracepoints,
# /proc/slabinfo, /proc/vmallocinfo and /proc/meminfo.
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/ktap.sh"
# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"

T=/sys/kernel/tracing
PAGE=$(page_size)
# The call site of memlab's kmalloc, kzalloc and kmem_cache allocations:
# each strategy's alloc() in its strat_*.c.
site() {
	echo "call_site=ml_$1_alloc[+]"
}

# trace_start EVENT [FILTER]: trace one event of this shell only.
# trace_stop puts the event's filter and tracing_on back as the boot had
# them, for the tests after this one.
trace_start() {
	traced_event=$1
	echo 0 >$T/tracing_on
	echo >$T/set_event
	: >$T/trace
	echo $$ >$T/set_event_pid
	echo "${2:-0}" >"$T/events/$1/filter"
	echo 1 >"$T/events/$1/enable"
	echo 1 >$T/tracing_on
}

trace_stop() {
	echo 0 >$T/tracing_on
	echo >$T/set_event
	echo >$T/set_event_pid
	echo 0 >"$T/events/$traced_event/filter"
	cat $T/trace >/tmp/trace.txt
	echo 1 >$T/tracing_on
}

# trace_sum PATTERN: "count bytes_req bytes_alloc" of the traced events whose
# line matches PATTERN.
trace_sum() {
	awk -v pat="$1" '
		/^#/ || $0 !~ pat { next }
		{
			n++
			for (i = 1; i <= NF; i++) {
				if ($i ~ /^bytes_req=/) { sub(/^bytes_req=/, "", $i); req += $i }
				else if ($i ~ /^bytes_alloc=/) { sub(/^bytes_alloc=/, "", $i); alloc += $i }
			}
		}
		END { printf "%d %d %d\n", n, req, alloc }' /tmp/trace.txt
}

# slab_slots STRATEGY: what the tracepoint says memlab's live allocations of
# STRATEGY take: a slab object takes its cache's slot (slabinfo's objsize,
# larger than the bucket under slub_debug), a large kmalloc its pages (SLUB
# hands kmallocs above two pages to the page allocator).
slab_slots() {
	awk -v s="$1" -v big=$((2 * PAGE)) '
		FILENAME ~ /slabinfo/ {
			name = $1
			sub(/^kmalloc-(rnd-[0-9]+-)?/, "", name)
			if ($1 ~ /^kmalloc-/ && !(name in slot)) slot[name] = $4
			next
		}
		$2 == s {
			b = $4
			name = b >= 1024 ? (b / 1024) "k" : b
			total += (b > big) ? b : slot[name]
		}
		END { print total }' /proc/slabinfo "$DBG/allocations"
}

# meminfo_var FIELD: sets MEMINFO to a /proc/meminfo value in kB, without
# forking (a new process's stack is vmalloc'ed and would blur VmallocUsed).
meminfo_var() {
	while read -r key val _; do
		if [ "$key" = "$1:" ]; then
			MEMINFO=$val
			return
		fi
	done </proc/meminfo
}

# counters STRATEGY: "allocs bytes_req bytes_alloc" from stats.
counters() {
	echo "$(stat_field "$1" allocs) $(stat_field "$1" bytes_req) $(stat_field "$1" bytes_alloc)"
}

ktap_print_header "memlab's counters against the kernel's own views"
ktap_set_plan 21

# KMALLOC_MAX_SIZE (4 MiB with 4 KiB pages, 32 MiB with 16 KiB), and a cap
# with room for a kvmalloc above it, which may be rounded up to a huge page
# (32 MiB with 16 KiB pages): 64 MiB, or four times KMALLOC_MAX_SIZE.
kmax=$((PAGE << $(max_order)))
cap=$((64 << 20))
[ "$cap" -ge $((4 * kmax)) ] || cap=$((4 * kmax))
memlab_load demo=0 max_bytes=$cap || exit 1
[ -d $T/events/kmem ] || mount -t tracefs tracefs $T

# kmalloc: small objects from a bucket, a large one from the page allocator.
trace_start kmem/kmalloc
printf 'alloc kmalloc 100 20\n' >"$CTL"
printf 'alloc kmalloc 16K 3\n' >"$CTL"
trace_stop
got=$(trace_sum "$(site kmalloc)")
ktap_expect_eq "kmalloc: the kmalloc tracepoint's count and bytes_req" \
	"$(counters kmalloc | cut -d' ' -f1-2)" "$(echo "$got" | cut -d' ' -f1-2)"
ktap_expect_eq "kmalloc: the tracepoint's bytes_alloc is the slots of memlab's buckets" \
	"$(slab_slots kmalloc)" "$(echo "$got" | cut -d' ' -f3)"
ktap_expect_eq "kmalloc: bytes_alloc is the buckets, 20 x 128 + 3 x 16 KiB" \
	$((20 * 128 + 3 * 16384)) "$(stat_field kmalloc bytes_alloc)"

trace_start kmem/kmalloc
printf 'alloc kzalloc 700 10\n' >"$CTL"
trace_stop
got=$(trace_sum "$(site kzalloc)")
ktap_expect_eq "kzalloc: the kmalloc tracepoint's count and bytes_req" \
	"$(counters kzalloc | cut -d' ' -f1-2)" "$(echo "$got" | cut -d' ' -f1-2)"
ktap_expect_eq "kzalloc: the tracepoint's bytes_alloc is the slots of memlab's buckets" \
	"$(slab_slots kzalloc)" "$(echo "$got" | cut -d' ' -f3)"

# kmem_cache: the tracepoint, and the slabinfo row of memlab-200.
trace_start kmem/kmem_cache_alloc
printf 'alloc kmem_cache 200 30\n' >"$CTL"
trace_stop
got=$(trace_sum "$(site kmem_cache)")
ktap_expect_eq "kmem_cache: the tracepoint's count and bytes_req" \
	"$(counters kmem_cache | cut -d' ' -f1-2)" "$(echo "$got" | cut -d' ' -f1-2)"
row=$(grep '^memlab-200 ' /proc/slabinfo)
# KFENCE (the debug kernel) serves a sampled allocation now and then from
# its own pool, which slabinfo does not count: those are in its objects file.
kfence_live() {
	awk '/^kfence-#/ { if (obj) n++; obj = / cache=memlab-200$/; next }
		/^freed by task/ { obj = 0 }
		END { if (obj) n++; print n + 0 }' /sys/kernel/debug/kfence/objects 2>/dev/null || echo 0
}
ktap_expect_eq "kmem_cache: memlab-200's active_objs in /proc/slabinfo (and KFENCE's)" \
	"$(stat_field kmem_cache live)" "$(($(echo "$row" | awk '{ print $2 }') + $(kfence_live)))"
ktap_expect_eq "kmem_cache: the tracepoint's bytes_alloc is slabinfo's objsize" \
	"$(($(echo "$row" | awk '{ print $4 }') * 30))" "$(echo "$got" | cut -d' ' -f3)"
ktap_print_msg "memlab-200 takes $(echo "$row" | awk '{ print $4 }') bytes a slot for 200-byte objects (kmem_cache_size is 200)"

# alloc_pages: mm_page_alloc events of that order (4 with 4 KiB pages, 2
# with 16 KiB).
o=0
while [ $((PAGE << o)) -lt 65536 ]; do
	o=$((o + 1))
done
trace_start kmem/mm_page_alloc "order == $o"
printf 'alloc alloc_pages 64K 5\n' >"$CTL"
trace_stop
ktap_expect_eq "alloc_pages: mm_page_alloc events of order $o" \
	"$(stat_field alloc_pages allocs)" "$(trace_sum "order=$o " | cut -d' ' -f1)"
ktap_expect_eq "alloc_pages: bytes_alloc is 5 x 64 KiB" 327680 "$(stat_field alloc_pages bytes_alloc)"

# mempool: its elements come from kmalloc, the reserve's too.
min=$(cat /sys/module/memlab/parameters/mempool_min)
trace_start kmem/kmalloc
printf 'alloc mempool 300 6\n' >"$CTL"
trace_stop
# Elements of 300 bytes take the 512-byte bucket; the pool's own bookkeeping
# (the pool and its array of reserved elements) is kmalloc'ed from mempool_*.
got=$(trace_sum 'call_site=mempool_.* bytes_req=512 ')
ktap_expect_eq "mempool: 512-byte kmalloc events are the 6 elements plus the $min in reserve" \
	$((6 + min)) "$(echo "$got" | cut -d' ' -f1)"
ktap_expect_eq "mempool: bytes_alloc is 6 elements of 512 bytes" 3072 "$(stat_field mempool bytes_alloc)"

# vmalloc: /proc/vmallocinfo lines whose caller is memlab, and VmallocUsed.
# others_kb: the pages of every vmalloc area but memlab's, in kB. Read
# before and after the two reads of VmallocUsed, it takes out what other
# work allocated or freed meanwhile: other processes' kernel stacks (16 kB
# each, vmalloc'ed) come and go (7.3 freed 48 to 80 kB of them during each
# of three measurements in a row). The reads' own processes blur it by a
# stack or two.
others_kb() {
	awk -v kb=$((PAGE / 1024)) '!/\[memlab\]/ && match($0, / pages=[0-9]+/) {
		n += substr($0, RSTART + 7, RLENGTH - 7) } END { print n * kb }' /proc/vmallocinfo
}
# vm_alloc: alloc vmalloc 1M 4, with VmallocUsed (vm0, vm1) and others_kb
# (o0, o1) around it.
vm_alloc() {
	o0=$(others_kb)
	meminfo_var VmallocUsed
	vm0=$MEMINFO
	printf 'alloc vmalloc 1M 4\n' >"$CTL"
	meminfo_var VmallocUsed
	vm1=$MEMINFO
	o1=$(others_kb)
}
vm_alloc
info=$(grep 'ml_vmalloc_alloc+.*\[memlab\]' /proc/vmallocinfo)
ktap_expect_eq "vmalloc: one /proc/vmallocinfo line per allocation, caller memlab" \
	"$(stat_field vmalloc live)" "$(printf '%s\n' "$info" | grep -c .)"
ktap_expect_eq "vmalloc: vmallocinfo's pages add up to bytes_alloc" \
	"$(stat_field vmalloc bytes_alloc)" \
	"$(printf '%s\n' "$info" | sed -n 's/.*pages=\([0-9]*\).*/\1/p' | awk -v p="$PAGE" '{ s += $1 * p } END { print s }')"
# A measurement that other work still disturbed by more than two stacks is
# taken again (free, allocate), three times at most.
vm_delta_ok() {
	try=1
	while :; do
		d=$((vm1 - vm0 - (o1 - o0) - $(stat_field vmalloc bytes_alloc) / 1024))
		ktap_print_msg "VmallocUsed grew by $((vm1 - vm0)) kB, the areas not memlab's by $((o1 - o0)) kB, for $(($(stat_field vmalloc bytes_alloc) / 1024)) kB"
		[ "$d" -le 32 ] && [ "$d" -ge -32 ] && return 0
		[ "$try" -lt 3 ] || return 1
		try=$((try + 1))
		printf 'free vmalloc\n' >"$CTL"
		vm_alloc
	done
}
ktap_check "vmalloc: VmallocUsed grew by bytes_alloc, within two kernel stacks" vm_delta_ok

# kvmalloc: a small one is kmalloc's, a huge one vmalloc's.
trace_start kmem/kmalloc
printf 'alloc kvmalloc 1000 8\n' >"$CTL"
trace_stop
ktap_expect_eq "kvmalloc: small ones show as kmalloc events from kvmalloc" \
	"$(counters kvmalloc | cut -d' ' -f1-2) $(slab_slots kvmalloc)" "$(trace_sum 'call_site=(ml_kvmalloc_alloc|_*kvmalloc_node)')"
# Above KMALLOC_MAX_SIZE: 5 MiB, or a quarter more than it.
huge=$((kmax + kmax / 4))
printf 'alloc kvmalloc %s 1\n' "$huge" >"$CTL"
pages=$(grep 'ml_kvmalloc_alloc+.*\[memlab\]' /proc/vmallocinfo |
	sed -n 's/.*pages=\([0-9]*\).*/\1/p' | sort -n | tail -n 1)
ktap_check "kvmalloc: one of $huge bytes, above KMALLOC_MAX_SIZE ($kmax), is a vmalloc area of memlab's (pages=${pages:-none} of $PAGE bytes)" \
	[ "${pages:-0}" -ge $((huge / PAGE)) ]

# percpu: the percpu allocator's own tracepoint.
possible=$(awk -F- '{ print ($2 == "" ? 1 : $2 + 1) }' /sys/devices/system/cpu/possible)
trace_start percpu/percpu_alloc_percpu "size == 100"
printf 'alloc percpu 100 7\n' >"$CTL"
trace_stop
ktap_expect_eq "percpu: percpu_alloc_percpu events" 7 "$(trace_sum 'percpu_alloc_percpu' | cut -d' ' -f1)"
ktap_expect_eq "percpu: bytes_alloc is size x possible CPUs" $((7 * 100 * possible)) \
	"$(stat_field percpu bytes_alloc)"

ktap_check "the invariants hold" check_invariants
memlab_unload
ktap_check "nothing left after unload" nothing_left
ktap_finished
