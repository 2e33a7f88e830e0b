#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The examples in /memlab/examples: memalloc.ko allocates, prints and frees
# one int; membugs.ko bug=... makes one memory bug where a tool of this
# kernel reports it (KASAN, else KFENCE when booted with
# kfence.sample_interval, else SLUB debugging when booted with
# slub_debug=FZPU, as the test VMs are; kmemleak for the leak), and refuses
# to (EOPNOTSUPP) where none would. Each report is checked, line by line,
# and the console judge (tests/rig/vm.sh) is told to expect it: the bug is
# made inside a "memlab-expect" window. Booted with both KFENCE and slab
# debugging (tests/host/t-membugs-debian.sh), the bugs are made for KFENCE,
# then KFENCE is switched off and they are made again, for SLUB.
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/ktap.sh"
# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"

EX=${MEMLAB_EXAMPLES:-/memlab/examples}
KML=/sys/kernel/debug/kmemleak

# What the kernel has, found independently of membugs (which must agree):
# KASAN's report function is in every KASAN kernel's symbols, kmemleak has
# its debugfs file.
if awk '$3 == "kasan_report" { found = 1; exit } END { exit !found }' /proc/kallsyms; then
	kasan=yes
else
	kasan=no
fi
if [ -e "$KML" ]; then
	kmemleak=yes
else
	kmemleak=no
fi
# KFENCE samples when its interval is not 0 (its parameter exists where the
# kernel has KFENCE: Debian's from 6.12). SLUB debugging: the kmalloc cache
# of a 13-byte object (the smallest kmalloc-N with N >= 13: kmalloc-16, or
# kmalloc-128 on 6.1's arm64) with consistency checks, red zones and poison.
KF=/sys/module/kfence/parameters/sample_interval
kfence_config=no
kfence=no
if [ -e "$KF" ]; then
	kfence_config=yes
	[ "$(cat "$KF")" = 0 ] || kfence=yes
fi
kcache=$(for c in /sys/kernel/slab/kmalloc-*; do echo "${c##*/kmalloc-}"; done |
	grep -x '[0-9][0-9]*' | sort -n | awk '$1 >= 13 { print "kmalloc-" $1; exit }')
slub=no
if [ -n "$kcache" ] &&
	[ "$(cat "/sys/kernel/slab/$kcache/sanity_checks" "/sys/kernel/slab/$kcache/red_zone" \
		"/sys/kernel/slab/$kcache/poison" 2>/dev/null | tr -d '\n')" = 111 ]; then
	slub=yes
fi
# The tool that must report membugs' bugs (but the leak), in membugs' order.
if [ "$kasan" = yes ]; then
	tool=KASAN
elif [ "$kfence" = yes ]; then
	tool=KFENCE
elif [ "$slub" = yes ]; then
	tool=SLUB
else
	tool=none
fi
# Without kasan_multi_shot KASAN reports only the first bug of a boot.
multishot=no
case " $(cat /proc/cmdline) " in
*" kasan_multi_shot "*) multishot=yes ;;
esac

# m=$(mark): a mark in the kernel log; since MARK: the lines after it.
mark() {
	dmesg_mark
}

since() {
	dmesg_since "$1" || ktap_print_msg "the mark '$1' is no longer in the kernel log"
}

# count FILE ERE: how many lines of FILE match ERE.
count() {
	grep -cE "$2" "$1"
}

# distinct FILE ERE: how many different lines of FILE match ERE. A failed
# init runs twice: busybox insmod tries finit_module, then init_module.
distinct() {
	grep -E "$2" "$1" | sort -u | wc -l
}

ktap_print_header "examples: memalloc.ko and membugs.ko (KASAN $kasan, kmemleak $kmemleak, kasan_multi_shot $multishot, KFENCE $kfence, SLUB debugging of ${kcache:-kmalloc-?} $slub: $tool reports)"
ktap_set_plan 21

# ---- memalloc -----------------------------------------------------------
# Its kmalloc, seen by the kmem:kmalloc tracepoint as lesson 0 shows it:
# 4 bytes asked, the slot of the smallest kmalloc cache given (8 bytes in
# kmalloc-8; with slab debugging the slot's red zones and tracking too, its
# slab_size).
T=/sys/kernel/tracing
# Whatever earlier tests left: no filter on the event, tracing on.
echo 0 >"$T/events/kmem/kmalloc/filter"
echo 1 >"$T/tracing_on"
echo >"$T/trace"
echo 1 >"$T/events/kmem/kmalloc/enable"
m=$(mark)
ktap_expect_eq "memalloc: insmod succeeds" OK "$(insmod_errno "$EX/memalloc.ko")"
echo 0 >"$T/events/kmem/kmalloc/enable"
# The smallest kmalloc cache: kmalloc-8, or kmalloc-128 where kmalloc
# aligns to 128 bytes (Debian's 6.1 for arm64).
b=$(kmalloc_bucket 4)
slot=$(cat "/sys/kernel/slab/kmalloc-$b/slab_size" 2>/dev/null || echo "$b")
grep 'bytes_req=4 ' "$T/trace" | head -n 3 | sed 's/^ */# trace: /'
ktap_check "memalloc: kmem:kmalloc saw bytes_req=4 bytes_alloc=$slot" \
	grep -q "bytes_req=4 bytes_alloc=$slot " "$T/trace"
since "$m" >/tmp/ex.log
ktap_check "memalloc: dmesg shows the int it allocated, once" \
	test "$(count /tmp/ex.log '^memalloc: allocated an int at [0-9a-f]+, it holds 42$')" = 1
m=$(mark)
if loaded memalloc && rmmod memalloc; then
	since "$m" >/tmp/ex.log
	ktap_check "memalloc: rmmod says goodbye" has_line /tmp/ex.log '^memalloc: goodbye$'
else
	ktap_test_fail "memalloc: rmmod says goodbye (not loaded, or rmmod failed)"
fi

# When its kmalloc fails, memalloc fails to load with ENOMEM and one line
# (the contract). fail-nth (tests/guest/fail-nth.c) fails exactly the Nth
# allocation of one finit_module: the load's allocations are counted once,
# then failed one at a time from the last back. Those after memalloc's (the
# loader's, once init has run) are ones the load survives; the first that
# fails it is memalloc's own, which says so. failslab counts GFP_KERNEL
# allocations only with ignore-gfp-wait off, and stays quiet with verbose 0.
# Only the kmalloc cache that serves memalloc's 4 bytes fails (failslab's
# cache filter, where that cache takes its failslab flag: not merged with
# another): the count is then the load's few allocations from it. Counted
# over every cache, the 6.12 debug kernel's moved by tens between loads
# (allocation profiling's tag vectors come and go with slabs), and a walk
# back from the last went past memalloc's kmalloc without failing it.
# Each try is in a window for what an injected failure makes the kernel
# itself print (lib.sh's FI_NOT_BAD, with the back traces of its WARNs).
FS=/sys/kernel/debug/failslab
FN=$(dirname "$0")/fail-nth
name="memalloc: a failed kmalloc fails the load with ENOMEM and one line"
if [ ! -d "$FS" ] || [ ! -e /proc/thread-self/fail-nth ] || [ ! -x "$FN" ]; then
	ktap_test_skip "$name: this kernel has no failslab or fail-nth (CONFIG_FAILSLAB, CONFIG_FAULT_INJECTION_DEBUG_FS)"
else
	fs_wait=$(cat "$FS/ignore-gfp-wait")
	fs_verbose=$(cat "$FS/verbose")
	fs_filter=$(cat "$FS/cache-filter")
	echo N >"$FS/ignore-gfp-wait"
	echo 0 >"$FS/verbose"
	fcache=/sys/kernel/slab/kmalloc-$b/failslab
	if echo 1 >"$fcache" 2>/dev/null; then
		echo Y >"$FS/cache-filter"
		ktap_print_msg "only ${fcache%/failslab} fails (failslab's cache filter)"
	else
		ktap_print_msg "every cache may fail: ${fcache%/failslab} takes no failslab flag"
		fcache=
	fi
	r=$("$FN" 100000 load "$EX/memalloc.ko")
	total=$((100000 - ${r#* }))
	rmmod memalloc 2>/dev/null
	# The walk starts a few above the count, which moved by one between
	# loads (18 counted, 19 in the loads after: memalloc's kmalloc was the
	# 19th, after sysfs's names and KUnit's filter of the module's suites).
	# A try above the load's own count injects nothing and loads.
	result="" n=$((total + 3)) tries="" misses=0
	: >/tmp/ex.log
	while [ "$n" -gt 0 ]; do
		m=$(mark)
		expect_begin "^Call Trace:\$|$FI_NOT_BAD"
		r=$("$FN" "$n" load "$EX/memalloc.ko")
		expect_end
		result=${r% *}
		since "$m" >/tmp/ex.log
		tries="$tries $n:$result"
		if [ "$result" = OK ]; then
			rmmod memalloc
		elif grep -q '^memalloc: ' /tmp/ex.log || [ "$misses" -ge 64 ]; then
			break
		else
			# A failure before memalloc's init ran: the count moved by
			# one or two between loads (the debug kernel's own
			# allocations now and then: 203 counted, then every try from
			# 203 to 197 loaded and 196 failed before init), or the
			# loader's own, before init, came later in the count (a run
			# failed 196, 193, then every other one from 66 down). Go on
			# back, 64 such failures at most.
			misses=$((misses + 1))
		fi
		n=$((n - 1))
	done
	echo "$fs_wait" >"$FS/ignore-gfp-wait"
	echo "$fs_verbose" >"$FS/verbose"
	echo "$fs_filter" >"$FS/cache-filter"
	[ -z "$fcache" ] || echo 0 >"$fcache"
	ktap_print_msg "the load makes $total allocations; failing each from the last back, the load gave:$tries"
	ktap_print_msg "memalloc's lines after the last try:"
	grep '^memalloc: ' /tmp/ex.log | sed 's/^/#   /'
	if [ "$result" = ENOMEM ] && [ "$(count /tmp/ex.log '^memalloc: ')" = 1 ] &&
		has_line /tmp/ex.log '^memalloc: cannot allocate 4 bytes$' && ! loaded memalloc; then
		ktap_test_pass "$name"
	else
		ktap_test_fail "$name"
	fi
fi

# ---- membugs: bad parameters ---------------------------------------------
for p in "" bug=nonsense; do
	m=$(mark)
	# shellcheck disable=SC2086 # no parameter at all for ""
	got=$(insmod_errno "$EX/membugs.ko" $p)
	since "$m" >/tmp/ex.log
	want=${p#bug=}
	[ -n "$want" ] || want="\(missing\)"
	if [ "$got" = EINVAL ] && ! loaded membugs &&
		has_line /tmp/ex.log "^membugs: invalid parameter bug=$want: must be oob, uaf, double_free or leak$" &&
		[ "$(distinct /tmp/ex.log '^membugs: ')" = 1 ]; then
		ktap_test_pass "membugs ${p:-without bug=}: EINVAL and one line"
	else
		ktap_print_msg "insmod gave $got"
		ktap_test_fail "membugs ${p:-without bug=}: EINVAL and one line"
	fi
	loaded membugs && rmmod membugs
done

# refused BUG REASON: membugs bug=BUG fails with EOPNOTSUPP and one line.
refused() {
	m=$(mark)
	got=$(insmod_errno "$EX/membugs.ko" "bug=$1")
	since "$m" >/tmp/ex.log
	if [ "$got" = EOPNOTSUPP ] &&
		has_line /tmp/ex.log "^membugs: bug=$1 not made: $2$" &&
		[ "$(distinct /tmp/ex.log '^membugs: ')" = 1 ]; then
		ktap_test_pass "membugs bug=$1: refused with EOPNOTSUPP and one line"
	else
		ktap_print_msg "insmod gave $got"
		ktap_test_fail "membugs bug=$1: refused with EOPNOTSUPP and one line"
	fi
	if loaded membugs; then
		ktap_test_fail "membugs bug=$1: not loaded after the refusal"
		rmmod membugs
	else
		ktap_test_pass "membugs bug=$1: not loaded after the refusal"
	fi
}

refuse_reason() {
	# $1: leak, or any other bug
	if [ "$1" = leak ]; then
		echo "only kmemleak \(CONFIG_DEBUG_KMEMLEAK\) reports a leak, and this kernel does not have it: no boot option adds it"
	elif [ "$kfence_config" = yes ]; then
		echo "nothing in this kernel would report it: boot it with kfence.sample_interval=100 \(KFENCE\) or slub_debug=FZPU \(SLUB debugging\)"
	else
		echo "nothing in this kernel would report it: boot it with slub_debug=FZPU \(SLUB debugging\)"
	fi
}

# membugs_make BUG WINDOW MADE: insmod membugs bug=BUG inside a window of
# the ERE WINDOW; the kernel log since then in /tmp/ex.log, its report
# (from the first rule of = to the second) in /tmp/ex.report. ok=no unless
# insmod succeeded, membugs stays loaded and its line says "bug=BUG made: "
# then MADE (an ERE).
membugs_make() {
	m=$(mark)
	expect_begin "$2"
	got=$(insmod_errno "$EX/membugs.ko" "bug=$1")
	expect_end
	since "$m" >/tmp/ex.log
	awk '/^====================/ { n++; if (n <= 2) print; next } n == 1' /tmp/ex.log >/tmp/ex.report
	ok=yes
	[ "$got" = OK ] || {
		ktap_print_msg "insmod gave $got"
		ok=no
	}
	loaded membugs || ok=no
	has_line /tmp/ex.log "^membugs: bug=$1 made: $3" || ok=no
}

# membugs_one_report TOOL: ok=no unless /tmp/ex.report is one report of
# TOOL (KASAN, KFENCE) between two rules of =, with the title $title.
membugs_one_report() {
	[ "$(count /tmp/ex.report '^====================')" = 2 ] || {
		ktap_print_msg "the report is not between two rules of ="
		ok=no
	}
	[ "$(count /tmp/ex.report "^BUG: $1: ")" = 1 ] || ok=no
	has_line /tmp/ex.report "$title" || ok=no
}

# membugs_verdict DESC FILE SHOW RMMOD: DESC passes if ok, with FILE's
# lines matching SHOW, else fails with the log; then "RMMOD" (rmmod
# membugs) must work.
membugs_verdict() {
	if [ "$ok" = yes ]; then
		grep -E "$3" "$2" | sed 's/^/# /'
		ktap_test_pass "$1"
	else
		sed 's/^/#   /' /tmp/ex.log | head -n 80
		ktap_test_fail "$1"
	fi
	if loaded membugs; then
		ktap_check "$4" rmmod membugs
	else
		ktap_test_fail "$4 (not loaded)"
	fi
}

# ---- membugs under KASAN -------------------------------------------------
# kasan_bug BUG TYPE FUNCTION ACCESS: load membugs bug=BUG inside a window;
# the report must be there, whole: its title naming TYPE and FUNCTION (the
# frame KASAN blames), the ACCESS line, membugs_BUG in the stack, the
# allocation and free stacks through membugs, and its two rules.
kasan_reports=0
kasan_bug() {
	bug=$1
	# 6.1 says use-after-free, later kernels name the memory too:
	# slab-use-after-free.
	title="^BUG: KASAN: ([a-z]+-)?$2 in $3\+0x[0-9a-f]+/0x[0-9a-f]+( \[membugs\])?$"
	if [ "$kasan_reports" -ge 1 ] && [ "$multishot" = no ]; then
		ktap_test_skip "membugs bug=$bug: KASAN's report (KASAN reports one bug per boot: boot with kasan_multi_shot)"
		ktap_test_skip "membugs bug=$bug: rmmod works (not loaded)"
		return
	fi
	kasan_reports=$((kasan_reports + 1))
	membugs_make "$bug" "$title|^Call Trace:$" ""
	membugs_one_report KASAN
	has_line /tmp/ex.report "$4" || ok=no
	has_line /tmp/ex.report "^ membugs_$bug\+0x[0-9a-f]+/0x[0-9a-f]+ \[membugs\]$" || ok=no
	has_line /tmp/ex.report '^Allocated by task [0-9]+:$' || ok=no
	if [ "$bug" != oob ]; then
		has_line /tmp/ex.report '^Freed by task [0-9]+:$' || ok=no
	fi
	membugs_verdict "membugs bug=$bug: KASAN reports $2, membugs_$bug in the stack" \
		/tmp/ex.report "$title|$4" "membugs bug=$bug: rmmod works"
}

# ---- membugs under KFENCE ------------------------------------------------
# kfence_bug BUG TITLE FIRST: load membugs bug=BUG inside a window; KFENCE's
# report must be there, whole: between two rules, its title "BUG: KFENCE:
# TITLE in membugs_BUG", its FIRST line naming the kfence object, the
# object's line (13 bytes, its kmalloc cache), who allocated and freed it,
# membugs_BUG in the stack. The use-after-free read faults: KFENCE prints
# the registers and a Call Trace too.
kfence_bug() {
	bug=$1
	title="^BUG: KFENCE: $2 in membugs_$bug\+0x[0-9a-f]+/0x[0-9a-f]+ \[membugs\]$"
	membugs_make "$bug" "$title|^Call Trace:$" ".* \\(one that KFENCE guards\\)$"
	membugs_one_report KFENCE
	has_line /tmp/ex.report "^$3 0x[0-9a-f]+.* \(in kfence-#[0-9]+\):$" || ok=no
	has_line /tmp/ex.report "^kfence-#[0-9]+: 0x[0-9a-f]+-0x[0-9a-f]+, size=13, cache=$kcache$" || ok=no
	has_line /tmp/ex.report '^allocated by task [0-9]+ on cpu [0-9]+ at ' || ok=no
	has_line /tmp/ex.report '^freed by task [0-9]+ on cpu [0-9]+ at ' || ok=no
	has_line /tmp/ex.report "^ membugs_$bug\+0x[0-9a-f]+/0x[0-9a-f]+ \[membugs\]$" || ok=no
	membugs_verdict "membugs bug=$bug: KFENCE reports $2, membugs_$bug in the stack" \
		/tmp/ex.report "$title|^$3 |^kfence-#" "membugs bug=$bug: rmmod works"
}

# ---- membugs under SLUB debugging ----------------------------------------
# slub_bug BUG WHAT [SKIP]: load membugs bug=BUG inside a window; SLUB's
# report must be there: "BUG <cache> (Tainted: ...): ..." naming WHAT (in
# the title on 6.1, "[WHAT] 0x...-0x... @offset=..." before it from 6.12),
# who allocated the object (SLUB's owner tracking), membugs_BUG in the
# stack. The lines of the report that the console judge takes for
# problems: the red zone's dump and fix, the poison's, the Call Trace, and
# (from 6.12) a WARNING in mm/slub.c (object_err). With SKIP, both tests
# skip, saying why.
slub_ere='^BUG kmalloc-[0-9]+ \(.*\): (Right Redzone overwritten|Poison overwritten|Object already free|Object corrupt)$'
slub_ere="$slub_ere"'|^\[(Right Redzone|Poison) overwritten\] 0x[0-9a-f]+-0x[0-9a-f]+ @offset=[0-9]+\. First byte 0x78 instead of 0x(cc|6b)$'
slub_ere="$slub_ere"'|^Redzone +[0-9a-f]+: |^FIX kmalloc-[0-9]+: Restoring (Right Redzone|Poison) 0x[0-9a-f]+-0x[0-9a-f]+=0x(cc|6b)$'
slub_ere="$slub_ere"'|^WARNING: .*mm/slub\.c:[0-9]+ |^Call Trace:$'
slub_bug() {
	bug=$1
	if [ -n "${3:-}" ]; then
		ktap_test_skip "membugs bug=$bug: SLUB debugging reports $2 ($3)"
		ktap_test_skip "membugs bug=$bug: rmmod works after SLUB's report ($3)"
		return
	fi
	membugs_make "$bug" "$slub_ere" ".* \\($kcache, which SLUB debugs\\)$"
	[ "$(count /tmp/ex.log "^BUG $kcache \(.*\): ")" = 1 ] || {
		ktap_print_msg "not one SLUB report on $kcache"
		ok=no
	}
	has_line /tmp/ex.log "^BUG $kcache \(.*\): $2$|^\[$2\] " || ok=no
	has_line /tmp/ex.log "^Allocated in membugs_alloc\+0x[0-9a-f]+/0x[0-9a-f]+ \[membugs\] age=" || ok=no
	has_line /tmp/ex.log "^ membugs_$bug\+0x[0-9a-f]+/0x[0-9a-f]+ \[membugs\]$" || ok=no
	membugs_verdict "membugs bug=$bug: SLUB debugging reports $2" \
		/tmp/ex.log "^BUG $kcache |^\[$2\] |^FIX $kcache: " \
		"membugs bug=$bug: rmmod works after SLUB's report"
}

addr='[0-9a-f]{16}'
case "$tool" in
KASAN)
	kasan_bug oob slab-out-of-bounds membugs_oob \
		"^Write of size 1 at addr $addr by task insmod/[0-9]+$"
	kasan_bug uaf use-after-free membugs_uaf \
		"^Read of size 1 at addr $addr by task insmod/[0-9]+$"
	# KASAN names the function that caught the second free: in 6.1, the
	# slab allocator's __kmem_cache_free() (kfree() in later kernels, and
	# in 6.12 the caller of kfree(), membugs_double_free itself). membugs
	# is further down the stack.
	kasan_bug double_free double-free '(__kmem_cache_free|kfree|membugs_double_free)' \
		"^Free of addr $addr by task insmod/[0-9]+$"
	;;
KFENCE)
	# The byte past the object is one of KFENCE's canary bytes, which it
	# checks at kfree(); the read after free faults on the freed object's
	# page; the second kfree() finds the object free.
	kfence_bug oob "memory corruption" "Corrupted memory at"
	kfence_bug uaf "use-after-free read" "Use-after-free read at"
	kfence_bug double_free "invalid free" "Invalid free of"
	;;
SLUB)
	slub_bug oob "Right Redzone overwritten"
	# A slab that SLUB's check finds inconsistent is disabled, and every
	# later free into it warns for the rest of the boot (6.12-arm64-16k,
	# a busy kmalloc-16: "10 slabs counted but counter=11"): in the test
	# boots, which go on, the use-after-free is left to the boot of its own.
	slub_bug uaf "Poison overwritten" "in tests/host/t-membugs-debian.sh's boot only"
	# Before 6.12 kfree() cut the slab's free list before SLUB's check saw
	# the double free (include/compat.h): membugs refuses it there.
	case "$(uname -r)" in
	[1-5].* | 6.[0-9].* | 6.1[01].*)
		refused double_free "this kernel's SLUB debugging sees a double free only after kfree\(\) has cut the slab's free list, and no boot option changes that \(KASAN would report it\)"
		;;
	*) slub_bug double_free "Object already free" ;;
	esac
	;;
*)
	for bug in oob uaf double_free; do
		refused "$bug" "$(refuse_reason "$bug")"
	done
	;;
esac

# Booted with KFENCE and slab debugging both: with KFENCE switched off
# (sample_interval 0), the same bugs again, for SLUB.
why=
if [ "$tool" != KFENCE ] || [ "$slub" = no ]; then
	why="for a boot with both kfence.sample_interval and slub_debug=FZPU"
elif ! echo 0 >"$KF"; then
	why="KFENCE could not be switched off"
fi
slub_bug oob "Right Redzone overwritten" "$why"
slub_bug uaf "Poison overwritten" "$why"
slub_bug double_free "Object already free" "$why"

# ---- membugs under kmemleak ----------------------------------------------
# The leaked object is found once it is older than kmemleak's minimum age
# (5 s) and unchanged since the scan before: scan, wait, scan. Then it is
# cleared (kmemleak no longer reports it), so that the suite's last kmemleak
# check (t-zzz-kmemleak) does not see it; clearing must hide nothing else of
# memlab's.
if [ "$kmemleak" = no ]; then
	refused leak "$(refuse_reason leak)"
else
	m=$(mark)
	expect_begin '^kmemleak: [0-9]+ new suspected memory leaks \(see /sys/kernel/debug/kmemleak\)$'
	got=$(insmod_errno "$EX/membugs.ko" bug=leak)
	echo scan >"$KML"
	sleep 6
	echo scan >"$KML"
	cat "$KML" >/tmp/ex.kml
	since "$m" >/tmp/ex.log
	# One record per unreferenced object; ours has membugs_leak in its
	# back trace, any other must not involve memlab (a frame named so, or
	# one that no longer resolves: in a module since unloaded).
	awk -v mine=/tmp/ex.kml.mine -v other=/tmp/ex.kml.memlab '
	function flush() {
		if (rec == "")
			return
		if (rec ~ / membugs_leak\+0x/)
			print rec >mine
		else if (rec ~ /memlab| 0xffffffff[a-f][0-9a-f]+/)
			print rec >other
		rec = ""
	}
	/^unreferenced object/ { flush(); rec = $0; next }
	{ if (rec != "") rec = rec "\n" $0 }
	END { flush() }' /tmp/ex.kml
	touch /tmp/ex.kml.mine /tmp/ex.kml.memlab
	echo clear >"$KML"
	expect_end
	ok=yes
	[ "$got" = OK ] || {
		ktap_print_msg "insmod gave $got"
		ok=no
	}
	has_line /tmp/ex.log '^membugs: bug=leak made: ' || ok=no
	has_line /tmp/ex.log '^kmemleak: [0-9]+ new suspected memory leaks \(see /sys/kernel/debug/kmemleak\)$' || ok=no
	[ "$(count /tmp/ex.kml.mine '^unreferenced object')" = 1 ] || {
		ktap_print_msg "not one record with membugs_leak in /tmp/ex.kml:"
		sed 's/^/#   /' /tmp/ex.kml | head -n 60
		ok=no
	}
	has_line /tmp/ex.kml.mine '^unreferenced object 0x[0-9a-f]+ \(size 16\):$' || ok=no
	has_line /tmp/ex.kml.mine '^  comm "insmod", pid [0-9]+, jiffies [0-9]+' || ok=no
	has_line /tmp/ex.kml.mine '^    6d 65 6d 62 75 67 73 20 6c 65 61 6b 00 ' || ok=no
	# A frame: "[<address>] function" up to 6.1, the function alone later.
	has_line /tmp/ex.kml.mine '^    (\[<[0-9a-f]+>\] )?membugs_leak\+0x[0-9a-f]+/0x[0-9a-f]+ \[membugs\]$' || ok=no
	if [ -s /tmp/ex.kml.memlab ]; then
		ktap_print_msg "kmemleak also reports objects of memlab's, which clear would hide:"
		sed 's/^/#   /' /tmp/ex.kml.memlab | head -n 40
		ok=no
	fi
	if grep -q membugs_leak "$KML"; then
		ktap_print_msg "kmemleak still lists the leak after clear"
		ok=no
	fi
	if [ "$ok" = yes ]; then
		sed 's/^/# /' /tmp/ex.kml.mine
		ktap_test_pass "membugs bug=leak: kmemleak reports it"
	else
		ktap_test_fail "membugs bug=leak: kmemleak reports it"
	fi
	# Where allocation profiling is on, rmmod reports the leak again: the
	# bytes still allocated at membugs_alloc_slab's kmalloc.
	if loaded membugs; then
		ktap_check "membugs bug=leak: rmmod works (and allocation profiling, where on, reports the leak)" \
			rmmod_leaker membugs membugs_alloc_slab 13
	else
		ktap_test_fail "membugs bug=leak: rmmod works (not loaded)"
	fi
fi
ktap_finished
