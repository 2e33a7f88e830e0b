#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Fault injection (debug kernel): every allocation that memlab's load and
# each kind of control command make is failed once, the 1st, the 2nd, ...,
# until the operation runs through with nothing injected. Each must then
# fail cleanly (ENOMEM, all or nothing, nothing left behind) or succeed, and
# a kmemleak scan at the end must report nothing of memlab. Skipped where
# the kernel has no failslab/fail_page_alloc.
#
# Exactly the Nth allocation of one task fails through its fail-nth
# (/proc/thread-self/fail-nth): the kernel checks it first in should_fail(),
# for failslab and fail_page_alloc alike, and it counts only the calls of
# the task that armed it. (A fault attribute's "interval" cannot do this: its
# call counter is not reset between runs.) The helper fail-nth
# (tests/guest/fail-nth.c) arms it right before the one system call,
# finit_module() or a write to control, and reads it back after: 0 when the
# Nth allocation was failed, more when the call made fewer allocations, which
# is how "nothing injected" is told. (busybox insmod cannot be used: when
# finit_module() fails it retries with init_module(), which then succeeds.)
# The attributes are set so that they see every allocation (ignore-gfp-wait
# N, ignore-gfp-highmem N, min-order 0), never fail one of their own accord
# (probability 0; task-filter Y, and no task has make-it-fail) and say
# nothing (verbose 0).
#
# Time: each case first counts the allocations T its operation makes (N
# large, nothing failed); N then runs over 1..T+1, every one of them when T
# is at most MEMLAB_FI_BUDGET (default 40), else every k-th, k = T/budget
# rounded up (the loader's and KASAN's own allocations make T large for
# insmod), which keeps the test within a few minutes under KASAN and TCG.
# MEMLAB_FI_BUDGET=0 tries every N everywhere.
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/ktap.sh"
# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"

FS=/sys/kernel/debug/failslab
FP=/sys/kernel/debug/fail_page_alloc
KML=/sys/kernel/debug/kmemleak
FN=$(dirname "$0")/fail-nth
BUDGET=${MEMLAB_FI_BUDGET:-40}
# What a kernel problem looks like in dmesg: tests/rig/vm.sh's pattern for
# the console, and lockdep's reports.
BAD='BUG:|WARNING:|Oops|Call Trace|KASAN|kmemleak|Objects remaining|sleeping function called from invalid context|UBSAN|Kernel panic|general protection fault|list_del corruption|Poison overwritten|Redzone|possible recursive locking|inconsistent lock state'
# What an injected failure makes the kernel print, not a problem: lib.sh's
# FI_NOT_BAD (the loader's trace-event WARNs, allocation profiling's, and
# kmemleak's note).
NOT_BAD=$FI_NOT_BAD
# The reports whose back trace ("Call Trace:", the next one after them) an
# injected failure explains: the allocator's warn_alloc ("<comm>: vmalloc
# error: ...", "<comm>: page allocation failure: ..."), kmem_cache_create's
# dump_stack ("kmem_cache_create_usercopy(<name>) failed with error -12" in
# 6.1, "__kmem_cache_create_args(<name>) ..." in 6.12), and the WARNs above.
TRACED=': page allocation failure: order:|: vmalloc error: size |^(__)?kmem_cache_create(_usercopy|_args)?\(.*\) failed with error|'"${NOT_BAD%|*}"
# The console judge's window around each injected try and the rmmod after
# it (lib.sh's expect_begin): only those lines. Anything else a try makes
# the kernel print (an Oops, a KASAN report, "Objects remaining") fails the
# run.
WINDOW="^Call Trace:\$|$NOT_BAD"

ktap_print_header "fault injection: every allocation of load and commands fails once"
if [ ! -d "$FS" ] || [ ! -d "$FP" ] || [ ! -e /proc/thread-self/fail-nth ] || [ ! -x "$FN" ]; then
	ktap_set_plan 1
	ktap_test_skip "fault-injection sweep: this kernel has no failslab, fail_page_alloc or fail-nth (CONFIG_FAILSLAB, CONFIG_FAIL_PAGE_ALLOC, CONFIG_FAULT_INJECTION_DEBUG_FS)"
	ktap_finished
	exit 0
fi

# The cases, in order: 2 loads, 14 allocs, 3 frees, reset, 3 benches.
# Each allocation site fails once: an alloc of 2 objects fails every site
# of the first (nothing to undo) and of the second (one to undo), a bench
# of 2 rounds both orders of its raw and tracked paths; a third object or
# round would only take the second's path again.
ALLOCS="kmalloc:100 kzalloc:100 vmalloc:16K kvmalloc:64K kmem_cache:200 alloc_pages:8K mempool:256 percpu:64"
BENCHES="kmalloc:64 kmem_cache:96 vmalloc:4K"
ktap_set_plan 28

t_start=$(cut -d. -f1 /proc/uptime)
SUMMARY=""

# Console: the allocation failures make the kernel print back traces
# (warn_alloc, kmem_cache_create's dump_stack), which the rig's console
# judge takes for problems. The console keeps its log level: each injected
# try runs inside a memlab-expect window that accepts those lines alone
# (WINDOW), and the test judges dmesg itself too (BAD, TRACED).
restore() {
	echo Y >"$FS/ignore-gfp-wait"
	echo Y >"$FP/ignore-gfp-wait"
	echo Y >"$FP/ignore-gfp-highmem"
	echo 1 >"$FP/min-order"
}
trap restore EXIT

for a in "$FS" "$FP"; do
	echo 0 >"$a/probability"
	echo 1 >"$a/interval"
	echo 0 >"$a/space"
	echo 1 >"$a/times"
	echo 0 >"$a/verbose"
	echo Y >"$a/task-filter"
	echo N >"$a/ignore-gfp-wait"
done
echo N >"$FP/ignore-gfp-highmem"
echo 0 >"$FP/min-order"
echo N >"$FS/cache-filter"

# dmesg_problems: what dmesg gained that shows a kernel problem; clears it.
# A "Call Trace:" is not one when it is the first after a report of an
# injected failure (TRACED).
dmesg_problems() {
	dmesg -c | sed 's/^\[ *[0-9.]*\] //' |
		awk -v bad="$BAD" -v notbad="$NOT_BAD" -v traced="$TRACED" '
		/^memlab-expect: / { next }
		$0 ~ traced { pending = 1 }
		/^Call Trace:$/ && pending { pending = 0; next }
		$0 ~ bad && $0 !~ notbad { print; if (++n == 20) exit }'
}

# try_fn ARGS...: the fail-nth helper inside a console window (WINDOW).
try_fn() {
	expect_begin "$WINDOW"
	"$FN" "$@"
	expect_end
}

# Areas of vmallocinfo whose caller no longer resolves (a module's code
# since unloaded) before the sweep: what is new after a try is memlab's.
awk '$3 ~ /^0x/ { print $1 }' /proc/vmallocinfo >/tmp/fi.raw-areas

# leftovers: what of memlab is in the kernel's lists, one line (for a try
# of insmod: loaded or not, and its caches and vmalloc areas). Once memlab
# is gone its areas' caller no longer resolves: a bare address that was
# not there before the sweep, since only memlab was loaded and unloaded
# since (a failed load's range is never in /proc/modules to be marked).
leftovers() {
	awk 'FILENAME == "/tmp/fi.raw-areas" { old[$1] = 1; next }
	     FILENAME == "/proc/modules" && $1 == "memlab" { m++ }
	     FILENAME == "/proc/slabinfo" && /^memlab-/ { c++ }
	     FILENAME == "/proc/vmallocinfo" && (/\[memlab\]/ || ($3 ~ /^0x/ && !($1 in old))) { a++ }
	     END { printf "module %d caches %d areas %d\n", m, c, a }' \
		/tmp/fi.raw-areas /proc/modules /proc/slabinfo /proc/vmallocinfo
}

# probe STATE COUNTERS [BEFORE_STATE BEFORE_COUNTERS]: one read of
# everything a try of a command checks, in one process (each fork costs
# under KASAN and TCG). Writes the state (what is live: rows' live,
# bytes_req, bytes_alloc, used_bytes, the allocations but their ages,
# memlab's caches and areas) to STATE and allocs, frees, peak of each row
# to COUNTERS. Prints one line: the total failures; whether STATE and
# COUNTERS are as in the BEFORE files ("same" or "changed", "-" without
# them); the invariants' first problem, or "ok".
probe() {
	awk -v state="$1" -v counters="$2" -v bstate="${3:-}" -v bcounters="${4:-}" \
		-v paired="${PAIRED:-0}" '
	function same(file, a, n,   i, l) {
		if (file == "")
			return "-"
		i = 0
		while ((getline l <file) > 0)
			if (++i > n || l != a[i]) {
				close(file)
				return "changed"
			}
		close(file)
		return i == n ? "same" : "changed"
	}
	function st(l) { st_l[++st_n] = l; print l >state }
	FNR == 1 { file++ }
	file == 1 && /^# cap_bytes/ {
		cap = $3; used = $5; overhead = $7; reserved = $9; st($0)
		if ($8 != "reserved_bytes" || NF != 9) bad = bad " cap line"
		next
	}
	file == 1 && /^#/ { next }
	file == 1 {
		st($1 " " $5 " " $6 " " $7)
		co_l[++co_n] = $1 " " (paired ? $2 - $3 : $2 " " $3) " " $8
		print co_l[co_n] >counters
		if (NF != 8 || $5 != $2 - $3 || $7 < $6 || $8 < $7) bad = bad " row " $1
		if ($1 == "total") { tot = $7; fail = $4
			for (i = 2; i <= 7; i++) if ($i != sum[i]) bad = bad " total col " i
		} else { rows++; for (i = 2; i <= 7; i++) sum[i] += $i }
		next
	}
	file == 2 && !/^#/ { $6 = ""; st($0); next }
	file == 3 && /^memlab-/ { c++ }
	file == 4 && /\[memlab\]/ { a++ }
	END {
		st("caches " (c + 0) " areas " (a + 0))
		close(state)
		close(counters)
		if (rows != 8) bad = bad " rows " rows
		if (used != tot) bad = bad " used_bytes " used " != " tot
		if (used + overhead + reserved > cap) bad = bad " used_bytes + overhead_bytes + reserved_bytes > cap_bytes"
		print fail + 0, same(bstate, st_l, st_n), same(bcounters, co_l, co_n), (bad == "" ? "ok" : "broken:" bad)
	}' "$STATS" "$DBG/allocations" /proc/slabinfo /proc/vmallocinfo
}

# note N TEXT: one finding of the case (the first 10 are shown).
note() {
	notes=$((notes + 1))
	[ "$notes" -le 10 ] && ktap_print_msg "$case_name: N=$1: $2"
	case_ok=no
}

# plan_case T: the stride for an operation that makes T allocations. The
# kernel log of the counting run that found T (nothing injected) is the
# case's first to judge.
plan_case() {
	count_problems=$(dmesg_problems)
	stride=1
	if [ "$BUDGET" -gt 0 ] && [ "$1" -gt "$BUDGET" ]; then
		stride=$((($1 + BUDGET - 1) / BUDGET))
	fi
	failed=0
	survived=0
	tries=0
	maxn=0
	notes=0
	case_ok=yes
	[ -z "$count_problems" ] || note count "kernel problem in the counting run: $count_problems"
	case_t0=$(cut -d. -f1 /proc/uptime)
}

# case_dmesg: the case's kernel log must show no problem.
case_dmesg() {
	p=$(dmesg_problems)
	[ -n "$p" ] && note "$n" "kernel problem: $p"
}

# finish_case: the case's result; its N is the largest N that was failed.
finish_case() {
	case_dmesg
	[ "$stride" -gt 1 ] && every="every ${stride}th N" || every="every N"
	ktap_print_msg "N=$maxn $case_name (counted $count allocations; $every; $failed failed with ENOMEM, $survived succeeded anyway, ran through at N=$n; $tries tries in $(($(cut -d. -f1 /proc/uptime) - case_t0))s)"
	SUMMARY="$SUMMARY
#   $case_name: N=$maxn"
	if [ "$case_ok" = yes ]; then
		ktap_test_pass "$case_name: each allocation failed in turn is handled"
	else
		ktap_test_fail "$case_name: each allocation failed in turn is handled"
	fi
}

# ---- module init ------------------------------------------------------
# insmod_case NAME PARAMS: finit_module() with the Nth allocation failing,
# until it loads with nothing injected. A failed load must say ENOMEM and
# leave nothing behind; one that went through anyway (a lesson skipped, a
# fallback) must hold. The next try is the next normal load.
insmod_case() {
	case_name=$1
	r=$("$FN" 1000000 load "$KO" "$2")
	count=$((1000000 - ${r#* }))
	[ "${r% *}" = OK ] && memlab_unload
	plan_case "$count"
	n=1
	while :; do
		r=$(try_fn "$n" load "$KO" "$2")
		res=${r% *}
		left=${r#* }
		tries=$((tries + 1))
		if [ "$res" = OK ]; then
			check_invariants "$STATS" >/tmp/fi.inv ||
				note "$n" "loaded, but the stats break invariants: $(head -n 1 /tmp/fi.inv)"
			# The trace events of a load whose fields were not all
			# allocated WARN again at rmmod (6.12): in the window.
			expect_begin "$WINDOW"
			memlab_unload || note "$n" "rmmod failed"
			expect_end
			[ "$left" -gt 0 ] && break
			survived=$((survived + 1))
			maxn=$n
		else
			failed=$((failed + 1))
			maxn=$n
			[ "$res" = ENOMEM ] || note "$n" "insmod failed with $res, not ENOMEM"
			[ "$left" -eq 0 ] || note "$n" "insmod failed ($res) with nothing injected"
			[ -e /proc/memlab ] && note "$n" "insmod failed but /proc/memlab is left"
		fi
		l=$(leftovers)
		if [ "$l" != "module 0 caches 0 areas 0" ]; then
			note "$n" "after the try: $l"
			rmmod memlab 2>/dev/null
		fi
		if [ "$tries" -gt $((count / stride + 50)) ]; then
			note "$n" "still injecting far past the $count allocations counted"
			break
		fi
		n=$((n + stride))
	done
	# After the last failed load, a plain one.
	if memlab_load demo=0 && memlab_unload && nothing_left; then :; else
		note "$n" "a plain insmod/rmmod after the sweep failed"
	fi
	finish_case
}

# The log so far is earlier tests' (the console judge has it): each case
# judges its own, from its counting run on.
dmesg -c >/dev/null
insmod_case "insmod demo=0" demo=0
insmod_case "insmod (defaults: demo=1)" ""

# ---- control commands -------------------------------------------------
memlab_load demo=0 max_bytes=64M || exit 1

# first_id: the id of the first live allocation, for CMD's "@ID".
first_id() {
	awk '!/^#/ { print $1; exit }' "$DBG/allocations"
}

# ctl_case NAME SETUP CMD UNDO: before each try SETUP (a command, or "-"),
# then CMD with the Nth allocation of the write failing, until it succeeds
# with nothing injected; after a success UNDO (or "-"). A failure must be
# ENOMEM, leave what is live as it was (state), add at most one to
# failures, leave allocs, frees and the peaks as they were (what it made and
# undid is not counted), and leave the invariants true.
ctl_case() {
	case_name=$1
	# A bench's tracked allocations are real ones: a failed bench may have
	# made and freed some first, so allocs and frees may grow, alike.
	case "$3" in
	bench\ *) PAIRED=1 ;;
	*) PAIRED=0 ;;
	esac
	[ "$2" = - ] || ctl "$2" >/dev/null
	c=$3
	case "$c" in
	*@ID) c="${c%@ID}$(first_id)" ;;
	esac
	r=$("$FN" 1000000 write "$CTL" "$c")
	count=$((1000000 - ${r#* }))
	[ "${r% *}" = OK ] && [ "$4" != - ] && ctl "$4" >/dev/null
	[ "$2" = - ] || ctl "free all" >/dev/null
	plan_case "$count"
	n=1
	stale=yes
	while :; do
		if [ "$2" != - ] && ! { echo "$2" >"$CTL"; } 2>/dev/null; then
			note "$n" "setup '$2' failed"
			break
		fi
		if [ "$stale" = yes ]; then
			pr=$(probe /tmp/fi.before /tmp/fi.c0)
			f0=${pr%% *}
		fi
		stale=no
		c=$3
		case "$c" in
		*@ID) c="${c%@ID}$(first_id)" ;;
		esac
		r=$(try_fn "$n" write "$CTL" "$c")
		res=${r% *}
		left=${r#* }
		tries=$((tries + 1))
		pr=$(probe /tmp/fi.state /tmp/fi.counters /tmp/fi.before /tmp/fi.c0)
		f1=${pr%% *}
		pr=${pr#* }
		same_state=${pr%% *}
		pr=${pr#* }
		same_counters=${pr%% *}
		pr=${pr#* }
		[ "$pr" = ok ] || note "$n" "invariants $pr"
		if [ "$res" = OK ]; then
			# The undo's write in this shell: no fork (ctl takes two).
			[ "$4" = - ] || { echo "$4" >"$CTL"; } 2>/dev/null || note "$n" "undo '$4' failed"
			stale=yes
			[ "$left" -gt 0 ] && break
			survived=$((survived + 1))
			maxn=$n
		elif [ "$res" = ENOMEM ]; then
			failed=$((failed + 1))
			maxn=$n
			[ "$left" -eq 0 ] || note "$n" "ENOMEM with nothing injected"
			if [ "$same_state" != same ]; then
				note "$n" "failed but changed: $(diff /tmp/fi.before /tmp/fi.state | grep '^[-+][^-+]' | tr '\n' ' ')"
				stale=yes
			fi
			if [ "$same_counters" != same ]; then
				note "$n" "the failed command changed allocs, frees or peak: $(diff /tmp/fi.c0 /tmp/fi.counters | grep '^[-+][^-+]' | tr '\n' ' ')"
				stale=yes
			fi
			df=$((f1 - f0))
			[ "$df" -le 1 ] || note "$n" "failures grew by $df"
			[ "$df" -eq 0 ] || stale=yes
			[ "$2" = - ] || { { echo "free all" >"$CTL"; } 2>/dev/null; stale=yes; }
		else
			note "$n" "'$c' gave $res, not ENOMEM or OK"
			ctl "free all" >/dev/null
			stale=yes
		fi
		if [ "$tries" -gt $((count / stride + 50)) ]; then
			note "$n" "still injecting far past the $count allocations counted"
			break
		fi
		n=$((n + stride))
	done
	finish_case
}

for a in $ALLOCS; do
	s=${a%%:*}
	size=${a#*:}
	ctl_case "alloc $s $size 2" - "alloc $s $size 2" "free all"
	case "$s" in
	vmalloc | kvmalloc) ;;
	*) ctl_case "alloc $s $size 2 atomic" - "alloc $s $size 2 atomic" "free all" ;;
	esac
done
ctl_case "free <strategy>" "alloc kmem_cache 200 3" "free kmem_cache" -
ctl_case "free all" "alloc mempool 256 3" "free all" -
ctl_case "free <id>" "alloc kmalloc 100" "free @ID" -
ctl_case "reset" - "reset" -
for b in $BENCHES; do
	ctl_case "bench ${b%%:*} ${b#*:} 2" - "bench ${b%%:*} ${b#*:} 2" -
done

ktap_check "control: nothing live after the sweep" test "$(stat_field total live)" = 0
ktap_check "control: rmmod works" memlab_unload
ktap_check "control: nothing left after rmmod" nothing_left
p=$(dmesg_problems)
[ -z "$p" ] || ktap_print_msg "kernel problem after the last case: $p"
ktap_expect_eq "the kernel log shows no problem from the last case to rmmod" "" "$p"

# ---- kmemleak ----------------------------------------------------------
# An object is memlab's if its back trace goes through memlab: a frame named
# so, or in an address range memlab had (lib.sh's memlab_mark), or one that
# no longer resolves, in module space (a failed load's code, whose range
# was never in /proc/modules; only memlab was loaded since the sweep began).
# One kind is the kernel's own, not memlab's: 6.1's sysfs_slab_add() does
# not free the kobject's name when adding it to sysfs fails, so each
# kmem_cache_create() failed there (for ml_obj or memlab-<size>) leaks it.
# The test's own objects are those the fail-nth helper allocated (comm
# "fail-nth"). kmemleak's "clear" forgets every report at once, so it is
# written only when every record is this test's own and none is memlab's:
# then the kernel's leaks above do not reach t-zzz-kmemleak, and nothing
# else is hidden from it.
if [ -e "$KML" ]; then
	# Objects younger than a few seconds are not reported: scan, wait,
	# scan; kmemleak's line that announces them is this test's to judge.
	expect_begin '^kmemleak: [0-9]+ new suspected memory leaks \(see /sys/kernel/debug/kmemleak\)$'
	scanned=yes
	{ echo scan >"$KML"; } 2>/dev/null || scanned=no
	sleep 6
	{ echo scan >"$KML"; } 2>/dev/null || scanned=no
	expect_end
	if [ "$scanned" = no ]; then
		# It turns itself off when it cannot allocate its own records.
		dmesg | grep 'kmemleak:' | tail -n 3 | sed 's/^/# /'
		ktap_test_fail "kmemleak reports nothing of memlab (kmemleak refused to scan: it is off)"
	else
		cat "$KML" >/tmp/fi.kml
		memlab_kmemleak_records /tmp/fi.kml >/tmp/fi.kml.ranged
		: >/tmp/fi.kml.memlab
		: >/tmp/fi.kml.others
		awk '
		function flush() {
			if (rec == "")
				return
			n++
			own = rec ~ /\n  comm "fail-nth", pid /
			if (!own) {
				others++
				print rec >"/tmp/fi.kml.others"
			}
			if (head in ranged || rec ~ /\[memlab\]|\] 0xffffffff[a-f][0-9a-f]+/) {
				if (own && rec ~ /sysfs_slab_add/)
					kernel++
				else {
					mine++
					print rec >"/tmp/fi.kml.memlab"
				}
			}
			rec = ""
		}
		FILENAME == ARGV[1] { if (/^unreferenced object/) ranged[$0] = 1; next }
		/^unreferenced object/ { flush(); rec = $0; head = $0; next }
		{ if (rec != "") rec = rec "\n" $0 }
		END { flush(); print n + 0, mine + 0, kernel + 0, others + 0 }' \
			/tmp/fi.kml.ranged /tmp/fi.kml >/tmp/fi.kml.counts
		read -r kml_all kml_memlab kml_kernel kml_others </tmp/fi.kml.counts
		ktap_print_msg "kmemleak: $kml_all unreferenced objects in all, $kml_memlab of memlab, $kml_kernel the kernel's sysfs_slab_add() leak on a failed kmem_cache_create(), $kml_others not made by this test"
		if [ "$kml_memlab" -eq 0 ] && [ "$kml_others" -eq 0 ]; then
			[ "$kml_all" -eq 0 ] || echo clear >"$KML"
		else
			ktap_print_msg "kmemleak's reports are not cleared: not all are this test's, or some are memlab's (t-zzz-kmemleak judges them)"
			[ "$kml_others" -eq 0 ] || sed 's/^/# not this test'"'"'s: /' /tmp/fi.kml.others | head -n 30
		fi
		if [ "$kml_memlab" -ne 0 ]; then
			sed 's/^/# /' /tmp/fi.kml.memlab | head -n 60
			ktap_test_fail "kmemleak reports nothing of memlab"
		else
			ktap_test_pass "kmemleak reports nothing of memlab"
		fi
	fi
else
	ktap_test_skip "kmemleak reports nothing of memlab (no kmemleak in this kernel)"
fi
ktap_print_msg "largest N failed, per case:$SUMMARY"
ktap_print_msg "fault injection took $(($(cut -d. -f1 /proc/uptime) - t_start))s"
ktap_finished
