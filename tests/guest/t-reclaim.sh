#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Reclaimable allocations and memlab's shrinker: drop_caches calls it and it
# frees them, oldest first, counted as frees, the others untouched; real
# memory pressure (a process taking more than is available) calls it
# without any drop_caches; it races a writer, drop_caches and rmmod, and
# the unload still reclaims everything (lockdep watches on the debug kernel).
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/ktap.sh"
# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"

ktap_print_header "reclaimable allocations and the shrinker"
ktap_set_plan 13

# shrinker_line: "reclaimable N reclaimed M" from stats.
shrinker_line() {
	awk '/^# shrinker / { print $3, $4, $5, $6 }' "$STATS"
}

memlab_load demo=0 max_bytes=256M || exit 1
ktap_expect_eq "stats has the shrinker line, nothing reclaimable yet" \
	"reclaimable 0 reclaimed 0" "$(shrinker_line)"
ctl "alloc kmalloc 4K 100" >/dev/null
ktap_expect_eq "alloc kmalloc 4K 2000 reclaimable" OK "$(ctl "alloc kmalloc 4K 2000 reclaimable")"
ktap_expect_eq "2000 reclaimable live" "reclaimable 2000 reclaimed 0" "$(shrinker_line)"

# drop_caches=2 calls every shrinker until it gives back no more.
dmesg -c >/dev/null
echo 2 >/proc/sys/vm/drop_caches
ktap_expect_eq "drop_caches: the shrinker freed them all" "reclaimable 0 reclaimed 2000" \
	"$(shrinker_line)"
ktap_expect_eq "... counted as frees; the 100 others still live" "2100 2000 100" \
	"$(stat_field kmalloc allocs) $(stat_field kmalloc frees) $(stat_field kmalloc live)"
ktap_check "... and the invariants hold" check_invariants
ktap_check "dmesg has the shrinker's line" sh -c \
	"dmesg | grep -q 'memlab: shrinker: asked for [0-9]*, freed [0-9]*; [0-9]* reclaimable left, [0-9]* reclaimed since load'"

# Freed by a command, a reclaimable allocation leaves the shrinker's list.
ctl "alloc kmalloc 4K 300 reclaimable" >/dev/null
ctl "free all" >/dev/null
ktap_expect_eq "free all takes the reclaimable ones off the shrinker's list" \
	"reclaimable 0 reclaimed 2000" "$(shrinker_line)"

# Real pressure: a process takes more than is available; the kernel finds
# the pages by reclaiming, and asks memlab's shrinker without drop_caches.
# Not under KASAN: its quarantine holds freed objects back, the pages do not
# come back soon enough, and the OOM killer would end memhog instead.
if grep -qw kasan_report /proc/kallsyms; then
	ktap_test_skip "memhog took more than was available: not under KASAN (its quarantine)"
	ktap_test_skip "under that pressure the shrinker freed memlab's allocations: not under KASAN"
else
	ctl "alloc kmalloc 4K 20000 reclaimable" >/dev/null
	# 48 MiB more than MemAvailable: below the watermarks, kswapd and direct
	# reclaim must find the pages, and only the shrinkers have them to give.
	avail=$(meminfo_kb MemAvailable)
	hog=$((avail / 1024 + 48))
	scan0=$(awk '$1 ~ /^pgscan_(kswapd|direct)$/ { n += $2 } END { print n + 0 }' /proc/vmstat)
	r0=$(shrinker_line | cut -d' ' -f4)
	slabs0=$(awk '$1 == "slabs_scanned" { print $2 }' /proc/vmstat)
	"$(dirname "$0")/memhog" "$hog" 1 >/tmp/hog.out 2>&1
	hogrc=$?
	scan1=$(awk '$1 ~ /^pgscan_(kswapd|direct)$/ { n += $2 } END { print n + 0 }' /proc/vmstat)
	r1=$(shrinker_line | cut -d' ' -f4)
	slabs1=$(awk '$1 == "slabs_scanned" { print $2 }' /proc/vmstat)
	ktap_print_msg "memhog $hog MiB with $avail kB available: $(cat /tmp/hog.out); pgscan +$((scan1 - scan0)), slabs_scanned +$((slabs1 - slabs0)), memlab reclaimed +$((r1 - r0))"
	ktap_expect_eq "memhog took more than was available and held it" 0 "$hogrc"
	ktap_check "under that pressure the shrinker freed memlab's reclaimable allocations" [ "$r1" -gt "$r0" ]
	ctl "free all" >/dev/null
fi

# The shrinker, a writer and rmmod at once.
end=$(($(cut -d. -f1 /proc/uptime) + 8))
(while [ "$(cut -d. -f1 /proc/uptime)" -lt "$end" ]; do echo 2 >/proc/sys/vm/drop_caches; done) &
dropper=$!
(while [ "$(cut -d. -f1 /proc/uptime)" -lt "$end" ]; do
	# Once memlab is gone, the control file is too: the shell's own
	# message about it is dropped with the command's.
	{ echo "alloc kmem_cache 192 50 reclaimable" >"$CTL"; } 2>/dev/null
	{ echo "alloc mempool 128 20 reclaimable" >"$CTL"; } 2>/dev/null
	{ echo "free kmem_cache every 3" >"$CTL"; } 2>/dev/null
done) &
writer=$!
sleep 4
dmesg -c >/dev/null
tries=0
while ! rmmod memlab 2>/dev/null; do
	tries=$((tries + 1))
	[ "$tries" -lt 200 ] || break
done
wait "$dropper" "$writer"
ktap_check "rmmod while the shrinker and a writer run ($tries refused while in use)" \
	sh -c "! grep -q '^memlab ' /proc/modules"
ktap_check "the unload summary was printed" sh -c "dmesg | grep -q 'memlab: unloaded: reclaimed [0-9]* allocations, [0-9]* bytes'"
ktap_check "nothing left: no memlab cache or vmalloc area" nothing_left
grep -q '^memlab ' /proc/modules && rmmod memlab
ktap_finished
