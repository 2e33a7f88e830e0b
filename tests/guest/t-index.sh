#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# debugfs "index": memlab's own xarray, as a tree. Grown to 1, 64, 65 and
# 4096 records, its height and nodes per level must be those a radix tree
# of the kernel's node size needs for the ids the allocations file lists
# (computed here from the ids alone): 64 slots a node, or 16 where the
# kernel is built small (CONFIG_BASE_SMALL, as the debug kernel's
# tinyconfig is), told by the size of a radix_tree_node object, and its entries the live allocations. Its nodes are checked
# against the kernel's count: each node is a radix_tree_node object, which
# the kmem:kmem_cache_alloc tracepoint sees allocated by lib/xarray.c
# (call_site xas_* / __xa_*) in the writing shell; and /proc/slabinfo's
# radix_tree_node count grows by as many, give or take the objects of the
# slabs the CPUs hold.
# shellcheck disable=SC2016 # awk programs in single quotes
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/ktap.sh"
# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"

IX=$DBG/index
T=/sys/kernel/tracing
EV=$T/events/kmem

# expected BITS: the shape a radix tree of 2^BITS slots a node has for the
# ids on stdin, in the file's own format: height, nodes, entries, then
# "level shift nodes used". Height h: the fewest levels of BITS bits that
# hold the largest id (0 when the only id is 0, kept in the head). The
# nodes of a level at shift s are the distinct id / 2^(s + BITS); what they
# use, the distinct id / 2^s.
expected() {
	sort -n | awk -v bits="$1" '
	BEGIN { fan = 1; for (i = 0; i < bits; i++) fan *= 2 }
	function powfan(k,   r) { r = 1; while (k-- > 0) r *= fan; return r }
	{ id[n++] = $1; if ($1 > max) max = $1 }
	END {
		h = 0
		if (n && max > 0) {
			h = 1
			while (max >= powfan(h))
				h++
		}
		total = 0
		for (l = 1; l <= h; l++) {
			s = bits * (h - l)
			split("", up); split("", down)
			nodes[l] = 0; used[l] = 0
			for (i = 0; i < n; i++) {
				u = int(id[i] / powfan(s / bits + 1))
				d = int(id[i] / powfan(s / bits))
				if (!(u in up)) { up[u] = 1; nodes[l]++ }
				if (!(d in down)) { down[d] = 1; used[l]++ }
			}
			total += nodes[l]
		}
		printf "height %d\nnodes %d\nentries %d\n# level shift nodes used\n", h, total, n
		for (l = 1; l <= h; l++)
			printf "%d %d %d %d\n", l, bits * (h - l), nodes[l], used[l]
	}'
}

ids() {
	awk '!/^#/ { print $1 }' "$DBG/allocations"
}

# slab_active: radix_tree_node's active objects in /proc/slabinfo.
slab_active() {
	awk '$1 == "radix_tree_node" { print $2 }' /proc/slabinfo
}

# per_slab: its objects per slab.
per_slab() {
	awk '$1 == "radix_tree_node" { print $5 }' /proc/slabinfo
}

# The kernel's node: 64 slots (6 bits), or 16 (4 bits) built small; a
# 64-slot radix_tree_node is 576 bytes, a 16-slot one about 200 (the
# object's own size: slabinfo's column adds slab debugging's red zones).
osize=$(cat /sys/kernel/slab/radix_tree_node/object_size 2>/dev/null ||
	awk '$1 == "radix_tree_node" { print $4 }' /proc/slabinfo)
bits=6
[ "$osize" -ge 512 ] || bits=4
fan=$((1 << bits))

ktap_print_header "debugfs index: memlab's xarray as a tree ($fan slots a node)"
ktap_set_plan 13

memlab_load demo=0 || exit 1
ktap_expect_eq "index is mode 0400" 400 "$(stat -c %a "$IX")"
ktap_expect_eq "empty: height 0, no nodes, no entries" \
	"$(printf 'height 0\nnodes 0\nentries 0\n# level shift nodes used')" "$(cat "$IX")"

# Each step grows the index to N records with one command, written by this
# shell (the tracepoints are filtered on its pid).
traced=no
if [ -d "$EV/kmem_cache_alloc" ] && [ -d "$EV/kmem_cache_free" ]; then
	traced=yes
	# On, whatever an earlier test left (t-crosscheck turns it off).
	trace_on=$(cat "$T/tracing_on")
	echo 1 >"$T/tracing_on"
	for e in kmem_cache_alloc kmem_cache_free; do
		echo "common_pid == $$" >"$EV/$e/filter"
	done
fi
have=0
slab0=$(slab_active)
for n in 1 64 65 4096; do
	if [ "$traced" = yes ]; then
		echo >"$T/trace"
		echo 1 >"$EV/kmem_cache_alloc/enable"
		echo 1 >"$EV/kmem_cache_free/enable"
	fi
	nodes_before=$(awk '$1 == "nodes" { print $2 }' "$IX")
	echo "alloc kmalloc 8 $((n - have))" >"$CTL" || ktap_print_msg "alloc of $((n - have)) failed"
	have=$n
	if [ "$traced" = yes ]; then
		echo 0 >"$EV/kmem_cache_alloc/enable"
		echo 0 >"$EV/kmem_cache_free/enable"
	fi
	ids >/tmp/ix.ids
	expected "$bits" </tmp/ix.ids >/tmp/ix.want
	cat "$IX" >/tmp/ix.got
	ktap_print_msg "$n records, ids $(head -n 1 /tmp/ix.ids) .. $(tail -n 1 /tmp/ix.ids):"
	sed 's/^/#   /' /tmp/ix.got
	if cmp -s /tmp/ix.want /tmp/ix.got; then
		ktap_test_pass "$n records: the tree a $fan-way radix tree needs for their ids"
	else
		ktap_print_msg "expected:"
		sed 's/^/#   /' /tmp/ix.want
		ktap_test_fail "$n records: the tree a $fan-way radix tree needs for their ids"
	fi
	# The nodes made: radix_tree_node objects allocated from lib/xarray.c
	# by this shell, less those it gave back (xas_nomem's spare).
	if [ "$traced" = yes ]; then
		made=$(awk '
			/kmem_cache_alloc: / && / call_site=_*xas?_/ {
				if (match($0, / ptr=[0-9a-fx]+/)) { p[substr($0, RSTART + 5, RLENGTH - 5)] = 1; a++ } }
			/kmem_cache_free: / && match($0, / ptr=[0-9a-fx]+/) {
				if (substr($0, RSTART + 5, RLENGTH - 5) in p) f++ }
			END { print a - f }' "$T/trace")
		nodes_now=$(awk '$1 == "nodes" { print $2 }' "$IX")
		if ! ktap_expect_eq "$n records: the nodes added are the radix_tree_node objects the kernel allocated" \
			"$made" "$((nodes_now - nodes_before))"; then
			ktap_print_msg "the trace's kmem_cache_alloc/free events not from memlab's own code:"
			grep -E 'kmem_cache_(alloc|free): ' "$T/trace" | grep -v '\[memlab\]' | grep -v 'call_site=ml_' |
				head -n 20 | sed 's/^/#   /'
		fi
	else
		ktap_test_skip "$n records: the nodes against kmem:kmem_cache_alloc: no such tracepoint"
	fi
done
for e in kmem_cache_alloc kmem_cache_free; do
	[ "$traced" = no ] || echo 0 >"$EV/$e/filter"
done
[ "$traced" = no ] || echo "$trace_on" >"$T/tracing_on"

# slabinfo: counts whole slabs of the CPUs as active, so it follows the
# nodes within a slab's objects per CPU and one more slab.
slab1=$(slab_active)
nodes=$(awk '$1 == "nodes" { print $2 }' "$IX")
slack=$(($(per_slab) * ($(nproc) + 1)))
grown=$((slab1 - slab0))
ktap_print_msg "radix_tree_node active objects $slab0 -> $slab1 (+$grown), index nodes $nodes, slack $slack"
# Under KASAN a freed object waits in its quarantine, still active to the
# slab: the spare nodes the xarray allocated and gave back count too, so
# only the lower bound holds there.
if awk '$3 == "kasan_report" { found = 1; exit } END { exit !found }' /proc/kallsyms; then
	ktap_check "slabinfo's radix_tree_node grew by at least the index's nodes, less $slack (KASAN's quarantine keeps freed nodes active)" \
		test "$grown" -ge $((nodes - slack))
else
	ktap_check "slabinfo's radix_tree_node grew by the index's nodes, within $slack" \
		test "$grown" -ge $((nodes - slack)) -a "$grown" -le $((nodes + slack))
fi

# Freed, the index is empty again; the kernel frees its nodes.
ctl "free all" >/dev/null
ktap_expect_eq "after free all: height 0, no nodes, no entries" \
	"$(printf 'height 0\nnodes 0\nentries 0\n# level shift nodes used')" "$(cat "$IX")"
ktap_check "unload" memlab_unload
