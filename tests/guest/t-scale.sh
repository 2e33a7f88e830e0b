#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Scale: 100,000 and then 1,000,000 kmalloc-64 allocations, each with one
# command; the allocations file streams 1,000,000 live entries (seq_file, one
# page at a time: partial reads resume exactly); rmmod with them live frees
# everything. Prints the times (TCG figures) and the tracking memory per
# live allocation as KTAP diagnostics. A count whose records alone would
# take memlab over its cap is refused up front; a long alloc stops at a
# signal, leaving nothing.
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/ktap.sh"
# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"

# On the debug kernel a twentieth and a fiftieth, still three levels of
# memlab's xarray (64^2 < 20000).
SMALL=$(repeats 100000 5000)
BIG=$(repeats 1000000 20000)
# What each kmalloc(64) holds: 64, or 128 where kmalloc aligns to 128.
OBJ=$(kmalloc_bucket 64)
ktap_print_header "scale: $SMALL and $BIG live allocations"
ktap_set_plan 15

# now_cs: uptime in hundredths of a second.
now_cs() {
	awk '{ split($1, t, "."); print t[1] * 100 + t[2] }' /proc/uptime
}

# secs CENTISECONDS: "1.23" for 123.
secs() {
	printf '%d.%02d' $(($1 / 100)) $(($1 % 100))
}

# timed COMMAND: run a control command; its errno name in $r, the time it
# took (hundredths of a second) in $took.
timed() {
	_t0=$(now_cs)
	r=$(ctl "$1")
	took=$(($(now_cs) - _t0))
}

# ids_ok FILE N: the allocations listing FILE has a header and N entries
# whose ids are strictly increasing (so unique); prints what is wrong.
ids_ok() {
	awk -v n="$2" '
		NR == 1 { if ($0 !~ /^# id /) { print "no header"; bad = 1 }; next }
		{ if ($1 + 0 <= last) { print "id " $1 " after " last; bad = 1; exit }
		  last = $1 + 0; c++ }
		END { if (c != n) { print c " entries, expected " n; bad = 1 }; exit bad }' "$1"
}

settle
slab0=$(meminfo_kb Slab)
memlab_load demo=0 max_bytes=768M || exit 1

timed "alloc kmalloc 64 $SMALL"
ktap_check "alloc kmalloc 64 $SMALL in one command ($r)" [ "$r" = OK ]
ktap_print_msg "TCG: alloc of $SMALL kmalloc-64 took $(secs "$took")s"

cat "$DBG/allocations" >/tmp/alloc.cat
ktap_check "allocations lists $SMALL entries, ids increasing" ids_ok /tmp/alloc.cat "$SMALL"

# Reads of 100 bytes cut records in the middle: seq_file must resume
# exactly where the last read stopped, the listing coming out the same.
dd if="$DBG/allocations" of=/tmp/alloc.dd bs=100 2>/dev/null
cut -d' ' -f1-5 /tmp/alloc.cat >/tmp/a.cat
cut -d' ' -f1-5 /tmp/alloc.dd >/tmp/a.dd
ktap_check "100-byte reads give the same listing as cat" cmp -s /tmp/a.cat /tmp/a.dd
rm -f /tmp/alloc.cat /tmp/alloc.dd /tmp/a.cat /tmp/a.dd

# What one record costs memlab (overhead_bytes per live allocation).
per_record=$(($(stat_overhead) / SMALL))
timed "free kmalloc"
freed_all() {
	[ "$r" = OK ] && [ "$(stat_field kmalloc live)" -eq 0 ]
}
ktap_check "free kmalloc frees all $SMALL ($r)" freed_all
ktap_print_msg "TCG: free of $SMALL kmalloc-64 took $(secs "$took")s"

# Tracking records are under the cap: a count whose records would take
# memlab over it is refused up front, nothing made.
dmesg -c >/dev/null
f0=$(stat_field total failures)
timed "alloc kmalloc 8 30000000"
untrackable() {
	[ "$r" = ENOSPC ] && [ "$(stat_field total live)" -eq 0 ] &&
		[ "$(stat_field total failures)" -eq "$f0" ] && [ "$(stat_overhead)" -eq 0 ] &&
		dmesg | grep -q 'memlab: control: would take used_bytes + overhead_bytes over cap_bytes (ENOSPC)'
}
ktap_check "30,000,000 records would not fit: ENOSPC up front, nothing made ($r)" untrackable

# A long alloc stops at a signal (EINTR) and undoes what it made. The
# signal comes once the slab has grown by a quarter of the allocations'
# own size (16 MiB at most): the command is under way. The writer dies of
# the signal (a shell that traps it would not say: busybox retries a write
# that returns EINTR); memlab's dmesg line says how the command ended. As
# many as fit under the cap with their records (what one costs: the
# overhead of the first alloc above), up to four times BIG.
long=$((BIG * 4))
fit=$(($(stat_cap) / 2 / (OBJ + per_record)))
[ "$long" -le "$fit" ] || long=$fit
grow=$((long * OBJ / 4 / 1024))
[ "$grow" -le 16384 ] || grow=16384
dmesg -c >/dev/null
sh -c 'echo "$1" >"$2"' long "alloc kmalloc 64 $long" "$CTL" 2>/dev/null &
pid=$!
s0=$(meminfo_kb Slab)
i=0
while [ "$i" -lt 300 ] && [ "$(meminfo_kb Slab)" -lt $((s0 + grow)) ]; do
	sleep 0.1
	i=$((i + 1))
done
grew=$(($(meminfo_kb Slab) - s0))
kill -TERM "$pid"
wait "$pid"
rc=$?
said=$(dmesg | grep 'memlab: control: ' | sed 's/^\[[^]]*\] //')
ktap_print_msg "alloc kmalloc 64 $long: Slab grew $grew kB in $i tenths of a second; TERM: status $rc, dmesg '$said'"
under_way() {
	[ "$grew" -ge "$grow" ] && [ "$rc" -eq 143 ] &&
		[ "$said" = "memlab: control: interrupted (EINTR)" ]
}
ktap_check "an alloc of $long was under way (Slab grew by $grow kB or more), and TERM stopped it: EINTR" under_way
interrupted() {
	[ "$(stat_field total live)" -eq 0 ] && [ "$(stat_field total bytes_alloc)" -eq 0 ] &&
		[ "$(live_allocations)" -eq 0 ] && check_invariants "$STATS"
}
ktap_check "the alloc of $long, interrupted, leaves nothing live" interrupted
ctl "free all" >/dev/null

timed "alloc kmalloc 64 $BIG"
ktap_check "alloc kmalloc 64 $BIG in one command ($r)" [ "$r" = OK ]
ktap_print_msg "TCG: alloc of $BIG kmalloc-64 took $(secs "$took")s"

big_counted() {
	[ "$(stat_field kmalloc live)" -eq "$BIG" ] &&
		[ "$(stat_field kmalloc bytes_alloc)" -eq $((BIG * OBJ)) ] && check_invariants "$STATS"
}
ktap_check "stats: live $BIG, bytes_alloc $((BIG * OBJ)) (kmalloc-$OBJ), invariants hold" big_counted

# Tracking memory: what the slab grew by, beyond the allocations themselves
# (OBJ bytes each, in kmalloc-64 or the smallest cache above), per live
# allocation. Slab
# debugging (slub_debug=FZPU: red zones, owner tracking) inflates it.
slab1=$(meminfo_kb Slab)
track=$(((slab1 - slab0) * 1024 / BIG - OBJ))
ktap_print_msg "tracking memory: about $track bytes per live allocation (Slab grew $((slab1 - slab0)) kB for $BIG; boot args: $(cat /proc/cmdline)); memlab charges $(($(stat_overhead) / BIG)) (overhead_bytes)"
# kmemleak keeps a record of its own for each of the two objects: the debug
# kernel's bound is higher.
track_max=1024
[ -e /sys/kernel/debug/kmemleak ] && track_max=2048
track_bounded() {
	[ "$track" -gt 0 ] && [ "$track" -lt "$track_max" ]
}
ktap_check "tracking memory per allocation is under $track_max bytes ($track)" track_bounded

t0=$(now_cs)
n=$(grep -vc '^#' "$DBG/allocations")
t1=$(now_cs)
ktap_print_msg "TCG: reading $n entries of allocations took $(secs $((t1 - t0)))s"
ktap_check "allocations reads out $BIG live entries ($n)" [ "$n" -eq "$BIG" ]

# A reader that reads a little, then stops: no lock may be left held (the
# next command must go through).
head -n 3 "$DBG/allocations" >/dev/null
timed "free $(awk '!/^#/ { print $1; exit }' "$DBG/allocations")"
ktap_check "a partial read leaves nothing held: free <id> works ($r)" [ "$r" = OK ]

t0=$(now_cs)
rmmod memlab
rc=$?
t1=$(now_cs)
ktap_print_msg "TCG: rmmod with $((BIG - 1)) live took $(secs $((t1 - t0)))s"
ktap_check "rmmod with $((BIG - 1)) live" [ "$rc" -eq 0 ]
summary_ok() {
	dmesg | grep -q "memlab: unloaded: reclaimed $((BIG - 1)) allocations, $(((BIG - 1) * OBJ)) bytes"
}
ktap_check "the unload summary counts them all" summary_ok

settle
slab2=$(meminfo_kb Slab)
ktap_print_msg "Slab: $slab0 kB before load, $slab2 kB after unload"
all_back() {
	nothing_left && [ "$slab2" -lt $((slab0 + 2048)) ]
}
ktap_check "nothing left: no memlab cache or vmalloc area, Slab back within 2 MiB" all_back

ktap_finished
