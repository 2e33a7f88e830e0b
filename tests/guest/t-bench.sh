#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# bench: every strategy benches in both patterns and the bench file makes
# sense (three paths, the cost rows, the folds amortized as the commands
# fold); a bench holds nothing afterwards and leaves the counters and the
# latency histogram as they were; the cap (ENOSPC) and the size limits
# (E2BIG) refuse it cleanly; a signal interrupts it, rmmod is refused while
# it runs, and neither leaves anything behind.
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/ktap.sh"
# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"
B=$DBG/bench

ktap_print_header "bench"
ktap_set_plan 57

# ok COMMAND: the write to control succeeds.
ok() {
	_got=$(ctl "$1")
	[ "$_got" = OK ] || ktap_print_msg "'$1': $_got"
	[ "$_got" = OK ]
}

# bench_sane STRATEGY PATTERN: the bench file shows a completed run of
# STRATEGY in PATTERN whose twelve rows (raw, counted, nolatency) have
# 0 < min <= p50 <= p99 <= max, with its five cost rows, the three overhead
# figures, and the folds of a round as an alloc command of batch objects
# and the free of them make them (1 + ceil(batch / 32)), amortized per object.
bench_sane() {
	awk -v s="$1" -v p="$2" '
	$1 == "state" { state = $2 }
	$1 == "strategy" { strategy = $2 }
	$1 == "pattern" { pattern = $2 }
	$1 == "batch" { batch = $2 }
	$1 == "folds_per_round" { folds = $2 }
	$1 == "cpu_mhz_estimate" { mhz = $2 }
	$1 == "cost" && NF == 4 && $3 ~ /^[0-9]+$/ { cost[$2] = $3; costs++ }
	$1 ~ /^overhead_/ { ovh[$1] = $2 }
	($1 == "raw" || $1 == "counted" || $1 == "nolatency") && NF == 7 {
		rows++
		if (!($4 > 0 && $4 <= $5 && $5 <= $6 && $6 <= $7))
			bad = bad " " $1 "/" $2 "/" $3 "=" $4 "," $5 "," $6 "," $7
	}
	END {
		why = ""
		if (state != "done") why = why " state=" state
		if (strategy != s || pattern != p) why = why " run=" strategy "/" pattern
		if (rows != 12) why = why " rows=" rows
		if (bad != "") why = why " not ordered:" bad
		if (!(mhz > 0)) why = why " cpu_mhz_estimate=" mhz
		if (costs != 5) why = why " cost rows=" costs
		split("timer latency_clock latency_record stats_fold stats_fold_per_object", k, " ")
		for (i = 1; i <= 5; i++)
			if (!(k[i] in cost)) why = why " no cost " k[i]
		if (!(cost["timer"] > 0)) why = why " timer=" cost["timer"]
		want = 1 + int((batch + 31) / 32)
		if (folds != want) why = why " folds_per_round=" folds "(want " want ")"
		# Integer division: within one ns of stats_fold x folds / batch.
		f = cost["stats_fold"] * want / batch
		if (cost["stats_fold_per_object"] > f || cost["stats_fold_per_object"] < f - 1)
			why = why " stats_fold_per_object=" cost["stats_fold_per_object"] "(want " f ")"
		split("overhead_alloc_pct overhead_free_pct overhead_pct overhead_nolatency_pct overhead_with_fold_pct", o, " ")
		for (i = 1; i <= 5; i++)
			if (ovh[o[i]] !~ /^-?[0-9]+\.[0-9]$/) why = why " " o[i] "=" ovh[o[i]]
		if (why != "") { print "# bench file:" why; exit 1 }
	}' "$B"
}

# kmalloc_latency_sane: the latency file counts kmalloc allocations, none
# of them 2^20 ns (a millisecond) or more: a kmalloc from the per-CPU cache
# never takes that long, a clock scaled wrongly would.
kmalloc_latency_sane() {
	awk '$1 == "kmalloc" && NF == 4 { n += $4; if ($3 > 16777216) far += $4 }
	END { exit !(n >= 1 && far == 0) }' "$DBG/latency"
}

# What must not change: the counters, the used bytes, the latency histogram.
snapshot() {
	cat "$STATS" "$DBG/latency"
}

memlab_objects() {
	n=$(grep -c '^memlab-' /proc/slabinfo)
	v=$(grep -c '\[memlab\]' /proc/vmallocinfo)
	echo "slab caches $n, vmalloc areas $v"
}

# wait_running: until the bench file says a run is under way (20 s at most).
wait_running() {
	i=0
	while [ "$i" -lt 200 ]; do
		grep -qx 'state running' "$B" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# start_bench COMMAND: run it in the background, a process of its own.
start_bench() {
	sh -c 'echo "$1" >"$2"' bench "$1" "$CTL" 2>/dev/null &
	bench_pid=$!
}

ktap_check "insmod demo=0" memlab_load demo=0
ktap_expect_eq "bench and latency files are 0400" "400 400" \
	"$(stat -c %a "$B") $(stat -c %a "$DBG/latency")"
ktap_check "before any run the bench file says state none" grep -qx 'state none' "$B"

# Something live, so that "unchanged" means something.
ktap_check "alloc kmalloc 100 3" ok "alloc kmalloc 100 3"
ktap_check "alloc kmem_cache 4096 2" ok "alloc kmem_cache 4096 2"
before=$(snapshot)

for s in $STRATEGIES; do
	for p in pair batch; do
		if ok "bench $s 4096 1000 $p"; then
			ktap_check "bench $s 4096 1000 $p: results make sense" bench_sane "$s" "$p"
		else
			ktap_test_fail "bench $s 4096 1000 $p: results make sense"
		fi
	done
done
ktap_expect_eq "after the benches, stats and latency are unchanged" "$before" "$(snapshot)"
ktap_check "free all" ok "free all"
ktap_expect_eq "after the benches, nothing of memlab in slabinfo or vmallocinfo" \
	"slab caches 0, vmalloc areas 0" "$(memlab_objects)"
ktap_check "a kmalloc 64 pair bench of 20000 iterations" ok "bench kmalloc 64 20000 pair"
ktap_expect_eq "the bench file shows its iterations and warm-up" "20000 2000 1" \
	"$(awk '$1 == "iterations" { i = $2 } $1 == "warmup" { w = $2 }
		$1 == "batch" { b = $2 } END { print i, w, b }' "$B")"
# The whole file into the log: the cost rows and the three paths, for the record.
sed 's/^#*/# /' "$B"
ktap_check "the bench file names the latency clock: get_cycles or sched_clock" \
	grep -Eqx 'latency_clock_source (get_cycles|sched_clock)' "$B"
# The latency file's clock is the same: an allocation records once, in ns buckets.
ktap_check "alloc kmalloc 64 1" ok "alloc kmalloc 64 1"
ktap_check "the latency file counts it in a bucket below 2^24 ns" kmalloc_latency_sane

# A signal interrupts a bench: everything is freed, nothing else changes.
before=$(snapshot)
dmesg -c >/dev/null
start_bench "bench vmalloc 64K 1000000 pair"
ktap_check "a long vmalloc bench shows state running" wait_running
kill "$bench_pid"
{ wait "$bench_pid"; } 2>/dev/null
ktap_check "once killed, the bench file shows the last completed run again" \
	grep -qx 'state done' "$B"
ktap_check "dmesg says the bench was interrupted (EINTR)" \
	sh -c "dmesg | grep -q 'memlab: control: interrupted (EINTR)'"
ktap_expect_eq "the interrupted bench left stats and latency unchanged" "$before" "$(snapshot)"
ktap_expect_eq "the interrupted bench left nothing in vmallocinfo" \
	"slab caches 0, vmalloc areas 0" "$(memlab_objects)"
start_bench "bench kmem_cache 2048 1000000 batch"
ktap_check "a long kmem_cache batch bench shows state running" wait_running
ktap_expect_eq "while it runs, its cache memlab-2048 is in slabinfo" 1 \
	"$(grep -c '^memlab-2048 ' /proc/slabinfo)"
kill -KILL "$bench_pid"
{ wait "$bench_pid"; } 2>/dev/null
ktap_expect_eq "the interrupted kmem_cache bench left nothing in slabinfo" \
	"slab caches 0, vmalloc areas 0" "$(memlab_objects)"
ktap_expect_eq "... and stats unchanged" "$before" "$(snapshot)"

# The cap and the limits.
ktap_check "rmmod" memlab_unload
ktap_check "insmod demo=0 max_bytes=1M" memlab_load demo=0 max_bytes=1M
ktap_check "alloc vmalloc 512K" ok "alloc vmalloc 512K"
ok "bench kmalloc 64 100 pair"
before=$(snapshot)
bench_before=$(cat "$B")
ktap_expect_eq "bench vmalloc 768K pair over the cap: ENOSPC" ENOSPC \
	"$(ctl "bench vmalloc 768K 10 pair")"
ktap_expect_eq "bench kmem_cache 64K batch of 100 over the cap: ENOSPC" ENOSPC \
	"$(ctl "bench kmem_cache 64K 100 batch")"
ktap_expect_eq "bench percpu 33K over the percpu limit: E2BIG" E2BIG \
	"$(ctl "bench percpu 33K")"
ktap_expect_eq "bench kmalloc 5M over KMALLOC_MAX_SIZE: E2BIG" E2BIG \
	"$(ctl "bench kmalloc 5M 10")"
ktap_expect_eq "bench vmalloc 2M over the cap's limit: E2BIG" E2BIG \
	"$(ctl "bench vmalloc 2M 10")"
ktap_expect_eq "bench kmem_cache 4M + 1 over KMALLOC_MAX_SIZE: E2BIG" E2BIG \
	"$(ctl "bench kmem_cache 4194305 10")"
ktap_expect_eq "the refused benches changed neither stats nor latency" "$before" "$(snapshot)"
ktap_expect_eq "... nor the bench file" "$bench_before" "$(cat "$B")"
ktap_expect_eq "... and left no cache behind" "slab caches 0, vmalloc areas 1" "$(memlab_objects)"
ktap_expect_eq "bench vmalloc 256K 4 batch: 1M held at once, 512K room: ENOSPC" ENOSPC \
	"$(ctl "bench vmalloc 256K 4 batch")"
ktap_check "bench vmalloc 256K 2 batch: 512K held at once, fits exactly" \
	ok "bench vmalloc 256K 2 batch"

# rmmod is refused while a bench runs, and works once it is over.
start_bench "bench vmalloc 64K 1000000 pair"
ktap_check "a long bench runs again" wait_running
if msg=$(rmmod memlab 2>&1); then
	ktap_test_fail "rmmod is refused while the bench runs"
else
	ktap_print_msg "$msg"
	ktap_test_pass "rmmod is refused while the bench runs"
fi
ktap_check "... and memlab is still loaded" grep -q '^memlab ' /proc/modules
kill "$bench_pid"
{ wait "$bench_pid"; } 2>/dev/null
ktap_check "rmmod once the bench is interrupted" memlab_unload
ktap_expect_eq "after rmmod, nothing of memlab in slabinfo or vmallocinfo" \
	"slab caches 0, vmalloc areas 0" "$(memlab_objects)"
ktap_finished
