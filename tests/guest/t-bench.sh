#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# bench: every strategy benches in both patterns and the bench file makes
# sense (raw and tracked paths, the timer's cost); the tracked path is
# memlab's real alloc and free, so each of its allocations counts once in
# allocs and frees, and a bench holds nothing afterwards; the cap (ENOSPC)
# and the size limits (E2BIG) refuse it cleanly; a signal interrupts it,
# rmmod is refused while it runs, and neither leaves anything behind;
# memlab-bench records the conditions of its figures (the kernel, page
# size, preemption, init_on_alloc and _free, slab merging, KFENCE,
# allocation profiling, icount) as the kernel says them, in every row.
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/ktap.sh"
# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"
B=$DBG/bench

ktap_print_header "bench"

# KMALLOC_MAX_SIZE: the largest block of pages (SLUB hands larger kmallocs
# to the page allocator), its order the last column of /proc/buddyinfo.
KMAX=$(($(page_size) << $(max_order)))
ktap_set_plan 75

# ok COMMAND: the write to control succeeds.
ok() {
	_got=$(ctl "$1")
	[ "$_got" = OK ] || ktap_print_msg "'$1': $_got"
	[ "$_got" = OK ]
}

# bench_sane STRATEGY PATTERN: the bench file shows a completed run of
# STRATEGY in PATTERN whose eight rows (raw and tracked, alloc and free, ns
# and cycles) have 0 < min <= p50 <= p99 <= max, and a timer cost row.
bench_sane() {
	awk -v s="$1" -v p="$2" '
	$1 == "state" { state = $2 }
	$1 == "strategy" { strategy = $2 }
	$1 == "pattern" { pattern = $2 }
	$1 == "cost" && $2 == "timer" && NF == 4 { timer = $3; tc = $4 }
	($1 == "raw" || $1 == "tracked") && NF == 7 {
		rows++
		if (!($4 > 0 && $4 <= $5 && $5 <= $6 && $6 <= $7))
			bad = bad " " $1 "/" $2 "/" $3 "=" $4 "," $5 "," $6 "," $7
	}
	END {
		why = ""
		if (state != "done") why = why " state=" state
		if (strategy != s || pattern != p) why = why " run=" strategy "/" pattern
		if (rows != 8) why = why " rows=" rows
		if (bad != "") why = why " not ordered:" bad
		if (!(timer > 0 && tc > 0)) why = why " cost timer=" timer " " tc
		if (why != "") { print "# bench file:" why; exit 1 }
	}' "$B"
}

# kmalloc_hist: the latency file's kmalloc rows, "lo hi count" a line.
kmalloc_hist() {
	awk '$1 == "kmalloc" && NF == 4 { print $2, $3, $4 }' "$DBG/latency"
}

# latency_matches_bench BEFORE: the kmalloc samples the latency file gained
# since BEFORE (kmalloc_hist's output, in a file) are those of the last
# bench's tracked allocations, timed by the same clock around the same
# allocator call as its raw path: their median bucket [lo, hi) holds the
# bench's raw alloc p50 (ns, or insn under icount), give or take a factor
# of 4 (the tracked path runs beside memlab's records, a TCG guest's clock
# is coarse). A histogram in the wrong unit, or samples counted in the wrong
# bucket, is off by far more; prints what it compared.
latency_matches_bench() {
	kmalloc_hist >/tmp/bench.hist1
	p50=$(awk '$1 == "raw" && $2 == "alloc" && ($3 == "ns" || $3 == "insn") { print $5; exit }' "$B")
	awk -v p50="${p50:-0}" '
	NR == FNR { before[$1] = $3; next }
	{ n = $3 - before[$1]; if (n > 0) { lo[++k] = $1; hi[k] = $2; c[k] = n; total += n } }
	END {
		for (i = 1; i <= k; i++) { run += c[i]; if (2 * run >= total) break }
		printf "# %d new kmalloc samples, median bucket [%d, %d); bench raw alloc p50 %d\n", total, lo[i], hi[i], p50
		exit !(total > 0 && p50 > 0 && lo[i] <= 4 * p50 && 4 * hi[i] > p50)
	}' "$1" /tmp/bench.hist1
}

# What a bench must leave as it was: what is live, its bytes, the cap line.
snapshot() {
	awk '/^# cap_bytes/ { print; next } /^#/ { next } { print $1, $5, $6, $7 }' "$STATS"
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

# memlab-bench records what shapes its figures: each condition as the
# running kernel says it, read here another way (the boot log init kept
# before any test cleared it, /proc/sys/kernel, the files themselves).
# One run of memlab-bench --meta serves every meta NAME (each run reads
# the kernel log and /sys/kernel/slab: slow on the debug kernel).
meta_all=$(memlab-bench --meta 2>/tmp/bench.meta.err)
meta() {
	printf '%s\n' "$meta_all" | sed -n "s/^# $1 //p"
}
expect_preempt() {
	_v=$(cat /proc/sys/kernel/version)
	_rt=
	case " $_v " in *" PREEMPT_RT "*) _rt="rt " ;; esac
	[ "$(cat /sys/kernel/realtime 2>/dev/null)" = 1 ] && _rt="rt "
	if [ -r /sys/kernel/debug/sched/preempt ]; then
		echo "$_rt$(tr ' ' '\n' </sys/kernel/debug/sched/preempt | sed -n 's/^(\(.*\))$/\1/p') (dynamic)"
		return
	fi
	# No debugfs file: the log's last "Dynamic Preempt:", the version's word.
	_m=$(dmesg | awk '/Dynamic Preempt: / { m = $NF } END { print m }')
	case " $_v " in
	*" PREEMPT_RT "* | *" PREEMPT_DYNAMIC "*) [ -n "$_m" ] && echo "$_rt$_m (dynamic)" || echo "${_rt:-unknown}" ;;
	*" PREEMPT_LAZY "*) echo lazy ;;
	*" PREEMPT "*) echo full ;;
	*) echo "none or voluntary" ;;
	esac
}
expect_heap() {
	_l=$(grep 'mem auto-init: stack:' /tmp/boot-dmesg.txt | tail -n 1)
	case "$_l" in
	*"heap $1:on"*) echo on ;;
	*"heap $1:off"*) echo off ;;
	*) echo "no mem auto-init line in the boot log" ;;
	esac
}
expect_merge() {
	for _f in /sys/kernel/slab/*; do
		[ -L "$_f" ] && { echo on; return; }
	done
	echo off
}
expect_kfence() {
	_k=/sys/module/kfence/parameters/sample_interval
	if [ ! -e "$_k" ]; then echo "not built"; elif [ "$(cat "$_k")" -eq 0 ]; then echo off; else echo "$(cat "$_k") ms"; fi
}
expect_profiling() {
	if [ -e /proc/sys/vm/mem_profiling ]; then
		[ "$(cat /proc/sys/vm/mem_profiling)" = 1 ] && echo on || echo off
	elif [ -e /proc/allocinfo ]; then
		echo unknown
	else
		echo "not built"
	fi
}
# icount: unknown unless the command line (make bench) says it, memlab
# being loaded here with icount=0.
expect_icount() {
	case " $(cat /proc/cmdline) " in
	*" MEMLAB_BENCH_ICOUNT=1 "*) echo on ;;
	*" MEMLAB_BENCH_ICOUNT=0 "*) echo off ;;
	*) echo unknown ;;
	esac
}
arch=$(cat /proc/sys/kernel/arch 2>/dev/null || uname -m)
# For the record: what this kernel says.
memlab-bench --meta
ktap_expect_eq "memlab-bench --meta: ten '# NAME VALUE' lines, no value empty" \
	"kernel arch page_size preempt init_on_alloc init_on_free slab_merge kfence alloc_profiling icount" \
	"$(memlab-bench --meta | awk '$1 == "#" && NF >= 3 { printf "%s%s", (NR > 1 ? " " : ""), $2 }')"
ktap_expect_eq "--meta: kernel is /proc/sys/kernel/osrelease" "$(cat /proc/sys/kernel/osrelease)" "$(meta kernel)"
ktap_expect_eq "--meta: arch is the kernel's" "$arch" "$(meta arch)"
ktap_expect_eq "--meta: page_size is the kernel's" "$(page_size)" "$(meta page_size)"
ktap_expect_eq "--meta: preempt as sched/preempt or the kernel's version says" "$(expect_preempt)" "$(meta preempt)"
ktap_expect_eq "--meta: init_on_alloc as the boot log's mem auto-init line says" "$(expect_heap alloc)" "$(meta init_on_alloc)"
ktap_expect_eq "--meta: init_on_free as the boot log's mem auto-init line says" "$(expect_heap free)" "$(meta init_on_free)"
ktap_expect_eq "--meta: slab_merge on where /sys/kernel/slab has aliases (links)" "$(expect_merge)" "$(meta slab_merge)"
ktap_expect_eq "--meta: kfence as its sample_interval says" "$(expect_kfence)" "$(meta kfence)"
ktap_expect_eq "--meta: alloc_profiling as vm.mem_profiling says (not built where absent)" "$(expect_profiling)" "$(meta alloc_profiling)"
ktap_expect_eq "--meta: icount as the command line says (else unknown, memlab's icount=0)" "$(expect_icount)" "$(meta icount)"
ktap_expect_eq "MEMLAB_BENCH_ICOUNT=0: icount off" "# icount off" \
	"$(env MEMLAB_BENCH_ICOUNT=0 memlab-bench --meta | grep '^# icount ')"
# refused_one DESCRIPTION PATTERN COMMAND...: fails with one line on stderr.
refused_one() {
	_d=$1 _p=$2
	shift 2
	if "$@" >/tmp/bench.meta.out 2>/tmp/bench.meta.err; then
		ktap_test_fail "$_d: exit status 0"
	elif [ "$(wc -l </tmp/bench.meta.err)" -eq 1 ] && grep -q "$_p" /tmp/bench.meta.err; then
		ktap_test_pass "$_d"
	else
		sed 's/^/# err: /' /tmp/bench.meta.err
		ktap_test_fail "$_d"
	fi
}
refused_one "MEMLAB_BENCH_ICOUNT=1 with memlab loaded icount=0 is refused, one line" \
	'^memlab-bench: MEMLAB_BENCH_ICOUNT=1 but memlab was loaded with icount=0' \
	env MEMLAB_BENCH_ICOUNT=1 memlab-bench --meta
refused_one "MEMLAB_BENCH_ICOUNT=yes is refused, one line" \
	'^memlab-bench: MEMLAB_BENCH_ICOUNT=yes: 0 or 1' env MEMLAB_BENCH_ICOUNT=yes memlab-bench --meta
# Every row of a run ends with the same ten, under the header's names; the
# same lines go to stderr before the first run.
MEMLAB_BENCH_ICOUNT=0 memlab-bench --meta >/tmp/bench.meta
MEMLAB_BENCH_ICOUNT=0 memlab-bench -s "kmalloc kmem_cache" -z 64 -p pair -i 100 -o /tmp/bench.csv \
	2>/tmp/bench.run.err
rows_meta() {
	awk -F, 'NR == 1 { for (i = 21; i <= NF; i++) n[i] = $i; next }
	{ r = ""; for (i = 21; i <= NF; i++) r = r "# " n[i] " " $i "\n"; printf "%s", r; rows++ }
	END { if (rows != 2) print "rows: " rows }' /tmp/bench.csv | sort | uniq -c |
		awk '{ c = $1; sub(/^ *[0-9]+ /, ""); print c, $0 }'
}
ktap_expect_eq "each CSV row ends with the --meta values, under their names" \
	"$(sed 's/^/2 /' /tmp/bench.meta | sort)" "$(rows_meta | sort)"
ktap_expect_eq "... and stderr shows them before the first run" \
	"$(cat /tmp/bench.meta)" "$(sed -n '/^\[1\//q; /^# /p' /tmp/bench.run.err)"

# Something live, so that "unchanged" means something.
ktap_check "alloc kmalloc 100 3" ok "alloc kmalloc 100 3"
ktap_check "alloc kmem_cache 4096 2" ok "alloc kmem_cache 4096 2"
before=$(snapshot)

# Every strategy, both patterns: 1000 iterations (a fifth on the debug kernel).
n=$(repeats 1000 200)
for s in $STRATEGIES; do
	for p in pair batch; do
		if ok "bench $s 4096 $n $p"; then
			ktap_check "bench $s 4096 $n $p: results make sense" bench_sane "$s" "$p"
		else
			ktap_test_fail "bench $s 4096 $n $p: results make sense"
		fi
	done
done
ktap_expect_eq "after the benches, what is live is unchanged" "$before" "$(snapshot)"
ktap_check "free all" ok "free all"
ktap_expect_eq "after the benches, nothing of memlab in slabinfo or vmallocinfo" \
	"slab caches 0, vmalloc areas 0" "$(memlab_objects)"
# A tenth on the debug kernel: the same path, counted the same way.
iters=$(repeats 20000 2000)
warm=$((iters / 10))
a0=$(stat_field kmalloc allocs)
f0=$(stat_field kmalloc frees)
timed0=$(awk '$1 == "kmalloc" { n += $4 } END { print n + 0 }' "$DBG/latency")
kmalloc_hist >/tmp/bench.hist0
ktap_check "a kmalloc 64 pair bench of $iters iterations" ok "bench kmalloc 64 $iters pair"
ktap_expect_eq "the bench file shows its iterations and warm-up" "$iters $warm 1" \
	"$(awk '$1 == "iterations" { i = $2 } $1 == "warmup" { w = $2 }
		$1 == "batch" { b = $2 } END { print i, w, b }' "$B")"
n=$((iters + warm))
ktap_expect_eq "its tracked path made and freed $n kmalloc allocations, each timed" \
	"$n $n $n" "$(($(stat_field kmalloc allocs) - a0)) $(($(stat_field kmalloc frees) - f0)) \
$(($(awk '$1 == "kmalloc" { n += $4 } END { print n + 0 }' "$DBG/latency") - timed0))"
# The whole file into the log, for the record.
sed 's/^#*/# /' "$B"
# The latency file's clock is the same: an allocation records once, in ns buckets.
ktap_check "the latency file's samples of that bench have the bench's raw p50 for median" \
	latency_matches_bench /tmp/bench.hist0
ktap_check "alloc kmalloc 64 1" ok "alloc kmalloc 64 1"
ktap_expect_eq "... which the latency file counts once more" \
	$((timed0 + n + 1)) "$(awk '$1 == "kmalloc" { n += $4 } END { print n + 0 }' "$DBG/latency")"

# A signal interrupts a bench: everything is freed, nothing else changes.
before=$(snapshot)
dmesg -c >/dev/null
start_bench "bench vmalloc 64K 1000000 pair"
ktap_check "a long vmalloc bench shows state running" wait_running
kill "$bench_pid"
{ wait "$bench_pid"; } 2>/dev/null
ktap_check "once killed, the bench file shows the last completed run again" \
	grep -qx 'state done' "$B"
# The kill lands between two operations or inside one: vmalloc gives up
# when a fatal signal is pending (most of the time under KASAN), and that
# is EINTR too, not the allocator's ENOMEM (the 6.12 debug kernel's was).
dmesg | grep 'memlab: control: ' | sed 's/^/# dmesg: /'
ktap_check "dmesg says the bench was interrupted (EINTR)" \
	sh -c "dmesg | grep -q 'memlab: control: interrupted (EINTR)'"
ktap_expect_eq "the interrupted bench left nothing live" "$before" "$(snapshot)"
ktap_expect_eq "the interrupted bench left nothing in vmallocinfo" \
	"slab caches 0, vmalloc areas 0" "$(memlab_objects)"
start_bench "bench kmem_cache 2048 1000000 batch"
ktap_check "a long kmem_cache batch bench shows state running" wait_running
ktap_expect_eq "while it runs, its cache memlab-2048 is in slabinfo" 1 \
	"$(grep -c '^memlab-2048 ' /proc/slabinfo)"
# What it holds back shows on the cap line: its histograms at least.
reserved_shown() {
	cp "$STATS" /tmp/bench.stats
	_r=$(awk '/^# cap_bytes/ { print $9 }' /tmp/bench.stats)
	ktap_print_msg "while the bench runs: $(grep '^# cap_bytes' /tmp/bench.stats)"
	[ "${_r:-0}" -ge 262144 ] && check_invariants /tmp/bench.stats
}
ktap_check "... reserved_bytes shows what it holds back (256 KiB or more), invariants hold" \
	reserved_shown
kill -KILL "$bench_pid"
{ wait "$bench_pid"; } 2>/dev/null
ktap_expect_eq "the interrupted kmem_cache bench left nothing in slabinfo" \
	"slab caches 0, vmalloc areas 0" "$(memlab_objects)"
ktap_expect_eq "... and stats unchanged" "$before" "$(snapshot)"

# The cap and the limits.
ktap_check "rmmod" memlab_unload
# A bench's histograms (some 300 KiB) are reserved under the cap as it runs.
ktap_check "insmod demo=0 max_bytes=1M" memlab_load demo=0 max_bytes=1M
ktap_check "alloc vmalloc 256K" ok "alloc vmalloc 256K"
ok "bench kmalloc 64 100 pair"
before=$(snapshot)
bench_before=$(cat "$B")
ktap_expect_eq "bench vmalloc 768K pair over the cap: ENOSPC" ENOSPC \
	"$(ctl "bench vmalloc 768K 10 pair")"
ktap_expect_eq "bench kmem_cache 64K batch of 100 over the cap: ENOSPC" ENOSPC \
	"$(ctl "bench kmem_cache 64K 100 batch")"
ktap_expect_eq "bench percpu 33K over the percpu limit: E2BIG" E2BIG \
	"$(ctl "bench percpu 33K")"
ktap_expect_eq "bench kmalloc $((KMAX + 1)) over KMALLOC_MAX_SIZE: E2BIG" E2BIG \
	"$(ctl "bench kmalloc $((KMAX + 1)) 10")"
ktap_expect_eq "bench vmalloc 2M over the cap's limit: E2BIG" E2BIG \
	"$(ctl "bench vmalloc 2M 10")"
ktap_expect_eq "bench kmem_cache $((KMAX + 1)) over KMALLOC_MAX_SIZE: E2BIG" E2BIG \
	"$(ctl "bench kmem_cache $((KMAX + 1)) 10")"
ktap_expect_eq "the refused benches left nothing live" "$before" "$(snapshot)"
ktap_expect_eq "... nor the bench file" "$bench_before" "$(cat "$B")"
ktap_expect_eq "... and left no cache behind" "slab caches 0, vmalloc areas 1" "$(memlab_objects)"
ktap_expect_eq "bench vmalloc 256K 2 batch: 512K held at once, less room left: ENOSPC" ENOSPC \
	"$(ctl "bench vmalloc 256K 2 batch")"
ktap_check "bench vmalloc 128K 2 batch: 256K held at once, fits" \
	ok "bench vmalloc 128K 2 batch"

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
