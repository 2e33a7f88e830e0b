#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The load-time demonstration, /proc/memlab/stats and its invariants, the
# allocations file, and an unload that leaves nothing behind.
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/ktap.sh"
# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"

ktap_print_header "demo, stats format and invariants"
ktap_set_plan 25

# A first load and unload warms up what any module load leaves behind
# (sysfs, kernfs, caches), so the before/after comparison sees only memlab.
insmod "$KO" && memlab_unload
settle
slab0=$(meminfo_kb SUnreclaim)
vm0=$(meminfo_kb VmallocUsed)
dmesg -c >/dev/null
ktap_check "insmod with demo=1 (the default)" memlab_load
log=$(dmesg)

# Every row of the contract, in order.
rows=$(grep -v '^#' "$STATS" | awk '{ printf "%s ", $1 }')
ktap_expect_eq "stats rows in the contract's order" "$STRATEGIES total " "$rows"
ktap_expect_eq "stats header" \
	"# strategy allocs frees failures live bytes_req bytes_alloc peak_bytes_alloc" \
	"$(sed -n 2p "$STATS")"
ktap_check "stats first line names memlab and its version" grep -q '^# memlab [0-9]' "$STATS"
ktap_check "the contract's invariants hold" check_invariants
# The default cap: 64 MiB, or half of RAM on a smaller machine (MemTotal is
# the kernel's totalram_pages, in kB; the cap is never under 1 MiB).
half=$(($(meminfo_kb MemTotal) * 1024 / 2))
cap=$((64 << 20))
[ "$half" -ge "$cap" ] || cap=$half
[ "$cap" -ge $((1 << 20)) ] || cap=$((1 << 20))
ktap_expect_eq "cap_bytes is max_bytes' default: 64 MiB, or half of MemTotal if less ($cap)" \
	"$cap" "$(stat_cap)"

# One lesson per strategy, saying what was asked and what was given.
for s in $STRATEGIES; do
	printf '%s\n' "$log" | grep -q "memlab: demo $s: " || missing="$missing $s"
done
ktap_expect_eq "a demo lesson for every strategy" "" "${missing:-}"
ktap_check "kmalloc 100 B lands in the 128 B bucket" \
	grep -q 'demo kmalloc: asked 100 bytes, got 128' <<EOF2
$log
EOF2
ktap_check "vmalloc 1 MiB is $((1048576 / $(page_size))) pages, with its physical runs counted" \
	grep -qE "demo vmalloc: asked 1048576 bytes, got $((1048576 / $(page_size))) pages .* physically in [0-9]+ separate runs" <<EOF2
$log
EOF2
ktap_check "alloc_pages order 3 is 8 contiguous pages" \
	grep -q 'demo alloc_pages: order 3 gave 2^3 = 8 physically contiguous pages' <<EOF2
$log
EOF2
ktap_check "kzalloc's zeroing is verified" grep -q 'all 100 bytes are zero: verified' <<EOF2
$log
EOF2
ktap_check "init_on_alloc is explained" grep -q 'demo kzalloc: kmalloc.s bytes were .*init_on_alloc' <<EOF2
$log
EOF2
ktap_check "kvmalloc says which backend served it" \
	grep -qE 'demo kvmalloc: asked [0-9]+ bytes: (kmalloc|vmalloc) served it' <<EOF2
$log
EOF2
ktap_check "mempool shows its reserve" grep -qE 'demo mempool: .* keeps 4 elements' <<EOF2
$log
EOF2
ncpu=$(grep -c '^processor' /proc/cpuinfo)
possible=$(awk -F- '{ print ($2 == "" ? 1 : $2 + 1) }' /sys/devices/system/cpu/possible)
ktap_check "percpu has one copy per possible CPU ($possible)" \
	grep -q "got one copy per possible CPU: $possible copies" <<EOF2
$log
EOF2
ktap_print_msg "$ncpu online CPUs, $possible possible"

# kmem_cache: the lesson's objects per slab is the objperslab of slabinfo.
said=$(printf '%s\n' "$log" | sed -n 's/.*demo kmem_cache: .*: \([0-9]*\) objects per slab.*/\1/p')
row=$(grep '^memlab-200 ' /proc/slabinfo)
ktap_expect_eq "kmem_cache objects per slab match /proc/slabinfo" \
	"$(echo "$row" | awk '{ print $5 }')" "$said"
ktap_expect_eq "memlab-200 active objects equal memlab's live kmem_cache count" \
	"$(stat_field kmem_cache live)" "$(echo "$row" | awk '{ print $2 }')"

# The demo's allocations stay live, each listed with context init.
live=$(stat_field total live)
ktap_expect_eq "allocations lists every live allocation" "$live" "$(live_allocations)"
ktap_expect_eq "allocations header" "# id strategy bytes_req bytes_alloc context age_ms" \
	"$(head -n 1 "$DBG/allocations")"
ktap_expect_eq "demo allocations have context init" "$live" \
	"$(awk '$5 == "init"' "$DBG/allocations" | wc -l)"
# Every file memlab makes, bench's too (a small bench fills it): none shows
# a raw kernel address (hashed %p, %pK only). Each must be read whole: one
# that cannot be read fails, as does finding too few files. A raw address is
# a word of 16 hex digits in the upper half (ffff8880..., or ff11... where
# the page tables have 5 levels, as under the rig's CPU model); a hashed
# one is 32 bits, printed 00000000xxxxxxxx.
RAW='(^|[^0-9a-fA-F])[a-f][0-9a-f]{15}([^0-9a-fA-F]|$)'
ctl "bench kmalloc 64 100" >/dev/null
raw_addresses() {
	find /proc/memlab "$DBG" -type f >/tmp/stats.files 2>/dev/null
	_n=0
	_bad=
	while read -r _f; do
		_n=$((_n + 1))
		if ! cat "$_f" >/tmp/stats.one 2>/dev/null; then
			_bad="$_bad $_f:unreadable"
		elif grep -qE "$RAW" /tmp/stats.one; then
			_bad="$_bad $_f:$(grep -m1 -oE "$RAW" /tmp/stats.one | tr -d ' ')"
		fi
	done </tmp/stats.files
	# At least the seven files memlab has had since the pagetable file.
	[ "$_n" -ge 7 ] || _bad="$_bad only-$_n-files"
	echo "$_n files${_bad:+:$_bad}"
}
got=$(raw_addresses)
ktap_expect_eq "no file of memlab shows a raw kernel address, and each reads whole" \
	"$(wc -l </tmp/stats.files | tr -d ' ') files" "$got"

used=$(stat_used)
dmesg -c >/dev/null
ktap_check "rmmod with the demo live" memlab_unload
ktap_check "unload summary reclaims every allocation and byte" \
	grep -q "memlab: unloaded: reclaimed $live allocations, $used bytes" <<EOF2
$(dmesg)
EOF2
ktap_check "nothing left in slabinfo or vmallocinfo" nothing_left
settle
slab1=$(meminfo_kb SUnreclaim)
vm1=$(meminfo_kb VmallocUsed)
ktap_print_msg "SUnreclaim ${slab0} -> ${slab1} kB, VmallocUsed ${vm0} -> ${vm1} kB"
back_to_level() {
	[ $((slab1 - slab0)) -lt 256 ] && [ $((vm1 - vm0)) -lt 256 ]
}
ktap_check "unreclaimable slab and VmallocUsed back to their level, within 256 kB" back_to_level
ktap_finished
