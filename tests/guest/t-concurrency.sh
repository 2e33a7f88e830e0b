#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Several writers allocating and freeing and readers of stats and
# allocations, all at once for a bounded time: the invariants hold at every
# read; "free <id>" of ids that an alloc under way has reserved but not yet
# published frees nothing and loses nothing; then rmmod with thousands live
# leaves nothing behind.
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/ktap.sh"
# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"

SECONDS_RUN=${MEMLAB_STRESS_SECONDS:-15}
ktap_print_header "concurrency"
ktap_set_plan 12

settle
slab0=$(meminfo_kb SUnreclaim)
vm0=$(meminfo_kb VmallocUsed)
memlab_load demo=0 max_bytes=32M || exit 1
end=$(($(cut -d. -f1 /proc/uptime) + SECONDS_RUN))

# writer N: allocs and frees of every kind until the end; each command's
# kind and errno (ctl's name) go to /tmp/errnos.N, one a line, as
# "<kind> <strategy> <count> <errno>".
writer() {
	i=0
	while [ "$(cut -d. -f1 /proc/uptime)" -lt "$end" ]; do
		for s in $STRATEGIES; do
			echo "alloc $s 20 $(ctl "alloc $s $((64 + i % 4096)) 20")"
			[ "$s" = vmalloc ] || [ "$s" = kvmalloc ] ||
				echo "atomic $s 5 $(ctl "alloc $s 128 5 atomic")"
		done
		id=$(awk -v n="$i" '!/^#/ && NR % 7 == n % 7 { print $1; exit }' "$DBG/allocations")
		[ -z "$id" ] || echo "free-id - 0 $(ctl "free $id")"
		if [ $((i % 5)) -eq 4 ]; then
			s=$(echo "$STRATEGIES" | cut -d' ' -f$((i % 8 + 1)))
			echo "free $s 0 $(ctl "free $s")"
		fi
		i=$((i + 1))
	done >"/tmp/errnos.$1"
}

reader() {
	n=0
	while [ "$(cut -d. -f1 /proc/uptime)" -lt "$end" ]; do
		cat "$STATS" >"/tmp/stats.$1"
		if ! check_invariants "/tmp/stats.$1" >"/tmp/bad.$1"; then
			cp "/tmp/stats.$1" "/tmp/badstats.$1"
			echo "bad" >>"/tmp/fail.$1"
		fi
		wc -l <"$DBG/allocations" >/dev/null
		n=$((n + 1))
	done
	echo "$n" >"/tmp/reads.$1"
}

rm -f /tmp/fail.* /tmp/reads.* /tmp/errnos.*
writer 1 & w1=$!
writer 2 & w2=$!
writer 3 & w3=$!
reader 1 & r1=$!
reader 2 & r2=$!
wait $w1 $w2 $w3 $r1 $r2
reads=$(cat /tmp/reads.1 /tmp/reads.2 | awk '{ s += $1 } END { print s }')
ktap_print_msg "$reads reads of stats in ${SECONDS_RUN}s, $(stat_field total allocs) allocations, $(stat_field total frees) frees"
if [ -e /tmp/fail.1 ] || [ -e /tmp/fail.2 ]; then
	cat /tmp/bad.* /tmp/badstats.* 2>/dev/null | sed 's/^/# /'
	ktap_test_fail "invariants held at every one of $reads reads"
else
	ktap_test_pass "invariants held at every one of $reads reads"
fi
cat /tmp/errnos.1 /tmp/errnos.2 /tmp/errnos.3 >/tmp/errnos
ktap_print_msg "the writers' commands, by kind and errno: $(awk '{ print $1, $4 }' /tmp/errnos | sort | uniq -c | tr -s ' \n' ' ')"
# The errnos the contract gives these commands here: an alloc may find the
# cap full (ENOSPC), an atomic one the kernel out of atomic memory (ENOMEM);
# a free <id> may lose its id to another writer (ENOENT). Nothing else.
ktap_expect_eq "the writers saw only the errnos their commands can have" "" \
	"$(awk '!($1 == "alloc" && ($4 == "OK" || $4 == "ENOSPC")) &&
		!($1 == "atomic" && ($4 == "OK" || $4 == "ENOSPC" || $4 == "ENOMEM")) &&
		!($1 == "free-id" && ($4 == "OK" || $4 == "ENOENT")) &&
		!($1 == "free" && $4 == "OK")' /tmp/errnos | sort | uniq -c | tr -s ' \n' ' ')"
# What the counters say is what the writers were told: every allocation of
# a successful alloc counted once, every ENOMEM a failure.
ktap_expect_eq "allocs and failures are what the writers' commands made and were refused" \
	"$(awk '$4 == "OK" && $3 > 0 { a += $3 } $4 == "ENOMEM" { f++ } END { print a + 0, f + 0 }' /tmp/errnos)" \
	"$(stat_field total allocs) $(stat_field total failures)"
ktap_expect_eq "every strategy was allocated, and some free <id> went through" \
	"$STRATEGIES yes" \
	"$(for s in $STRATEGIES; do awk -v s="$s" '$2 == s && $4 == "OK" && $3 > 0 { print s; exit }' /tmp/errnos; done | tr '\n' ' ')$(grep -q '^free-id - 0 OK$' /tmp/errnos && echo yes)"

# free <id> racing an alloc: the ids a big alloc reserves are hammered
# while it runs. A reserved id is not live: ENOENT, and the alloc publishes
# every one of its records.
ctl "free all" >/dev/null
ctl "alloc kmalloc 8" >/dev/null
next=$(awk '!/^#/ { id = $1 } END { print id + 1 }' "$DBG/allocations")
ctl "free all" >/dev/null
# A quarter on the debug kernel: there the alloc lasts as long, in time, as
# 20000 do elsewhere, which is what the hammering needs.
n=$(repeats 20000 5000)
ctl "alloc kmem_cache 64 $n" >/tmp/race.rc &
ap=$!
hits=0
while kill -0 "$ap" 2>/dev/null; do
	i=$next
	while [ "$i" -lt $((next + n)) ] && kill -0 "$ap" 2>/dev/null; do
		echo "free $i" >"$CTL" 2>/dev/null && hits=$((hits + 1))
		i=$((i + 97))
	done
done
wait "$ap"
ktap_print_msg "alloc kmem_cache 64 $n: $(cat /tmp/race.rc); $hits frees of its ids succeeded while it ran"
ktap_expect_eq "the racing alloc published all it made, less what was freed once live" \
	"$((n - hits)) $((n - hits))" "$(stat_field kmem_cache live) $(live_allocations)"
ctl "free all" >/dev/null
ktap_expect_eq "free all leaves nothing live, no record pinned" "0 0" \
	"$(stat_field total live) $(stat_overhead)"
ktap_check "and the memlab-64 cache is gone" sh -c "! grep -q '^memlab-64 ' /proc/slabinfo"

# Thousands live, then unload.
ctl "alloc kmalloc 32 3000" >/dev/null
ctl "alloc kmem_cache 96 2000" >/dev/null
live=$(stat_field total live)
used=$(stat_used)
ktap_check "thousands live before unload ($live)" [ "$live" -ge 5000 ]
ktap_expect_eq "allocations lists them all" "$live" "$(live_allocations)"
dmesg -c >/dev/null
memlab_unload
ktap_check "the summary reclaims them all" \
	grep -q "memlab: unloaded: reclaimed $live allocations, $used bytes" <<EOF2
$(dmesg)
EOF2
ktap_check "nothing left in slabinfo and vmallocinfo" nothing_left
settle
slab1=$(meminfo_kb SUnreclaim)
vm1=$(meminfo_kb VmallocUsed)
ktap_print_msg "SUnreclaim $slab0 -> $slab1 kB, VmallocUsed $vm0 -> $vm1 kB"
back() {
	[ $((slab1 - slab0)) -lt 512 ] && [ $((vm1 - vm0)) -lt 256 ]
}
ktap_check "meminfo back to its level (SUnreclaim within 512 kB, VmallocUsed 256 kB)" back
ktap_finished
