#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The examples in /memlab/examples: memalloc.ko allocates, prints and frees
# one int; membugs.ko bug=... makes one memory bug for KASAN or kmemleak to
# report, and refuses to (EOPNOTSUPP) on a kernel that has neither, as
# Debian's. On the debug kernel each report is checked, line by line, and
# the console judge (tests/rig/vm.sh) is told to expect it: the bug is made
# inside a "memlab-expect" window.
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

ktap_print_header "examples: memalloc.ko and membugs.ko (KASAN $kasan, kmemleak $kmemleak, kasan_multi_shot $multishot)"
ktap_set_plan 15

# ---- memalloc -----------------------------------------------------------
# Its kmalloc, seen by the kmem:kmalloc tracepoint as lesson 0 shows it:
# 4 bytes asked, the kmalloc-8 slot given (8 bytes; with slab debugging the
# slot's red zones and tracking too, its slab_size).
T=/sys/kernel/tracing
echo >"$T/trace"
echo 1 >"$T/events/kmem/kmalloc/enable"
m=$(mark)
ktap_expect_eq "memalloc: insmod succeeds" OK "$(insmod_errno "$EX/memalloc.ko")"
echo 0 >"$T/events/kmem/kmalloc/enable"
slot=$(cat /sys/kernel/slab/kmalloc-8/slab_size 2>/dev/null || echo 8)
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
# Each try is in a window for the one line a failed kmemleak allocation may
# print (t-faultinject's).
FS=/sys/kernel/debug/failslab
FN=$(dirname "$0")/fail-nth
name="memalloc: a failed kmalloc fails the load with ENOMEM and one line"
if [ ! -d "$FS" ] || [ ! -e /proc/thread-self/fail-nth ] || [ ! -x "$FN" ]; then
	ktap_test_skip "$name: this kernel has no failslab or fail-nth (CONFIG_FAILSLAB, CONFIG_FAULT_INJECTION_DEBUG_FS)"
else
	fs_wait=$(cat "$FS/ignore-gfp-wait")
	fs_verbose=$(cat "$FS/verbose")
	echo N >"$FS/ignore-gfp-wait"
	echo 0 >"$FS/verbose"
	r=$("$FN" 100000 load "$EX/memalloc.ko")
	total=$((100000 - ${r#* }))
	rmmod memalloc 2>/dev/null
	result="" n=$total tries="" misses=0
	: >/tmp/ex.log
	while [ "$n" -gt 0 ]; do
		m=$(mark)
		expect_begin '^kmemleak: Cannot allocate a scan area, scanning the full object$'
		r=$("$FN" "$n" load "$EX/memalloc.ko")
		expect_end
		result=${r% *}
		since "$m" >/tmp/ex.log
		tries="$tries $n:$result"
		if [ "$result" = OK ]; then
			rmmod memalloc
		elif grep -q '^memalloc: ' /tmp/ex.log || [ "$misses" -ge 8 ]; then
			break
		else
			# A failure before memalloc's init ran: the count moved by
			# one or two between loads (the debug kernel's own
			# allocations now and then: 203 counted, then every try from
			# 203 to 197 loaded and 196 failed before init). Go on back,
			# a few tries at most.
			misses=$((misses + 1))
		fi
		n=$((n - 1))
	done
	echo "$fs_wait" >"$FS/ignore-gfp-wait"
	echo "$fs_verbose" >"$FS/verbose"
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
	# $1: the detector the bug needs (KASAN or kmemleak)
	if [ "$kasan" = no ] && [ "$kmemleak" = no ]; then
		echo "this kernel has neither KASAN \(CONFIG_KASAN\) nor kmemleak \(CONFIG_DEBUG_KMEMLEAK\) to report it"
	elif [ "$1" = KASAN ]; then
		echo "it needs KASAN \(CONFIG_KASAN\), which this kernel does not have"
	else
		echo "it needs kmemleak \(CONFIG_DEBUG_KMEMLEAK\), which this kernel does not have"
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
	title="^BUG: KASAN: $2 in $3\+0x[0-9a-f]+/0x[0-9a-f]+( \[membugs\])?$"
	if [ "$kasan" = no ]; then
		refused "$bug" "$(refuse_reason KASAN)"
		return
	fi
	if [ "$kasan_reports" -ge 1 ] && [ "$multishot" = no ]; then
		ktap_test_skip "membugs bug=$bug: KASAN's report (KASAN reports one bug per boot: boot with kasan_multi_shot)"
		ktap_test_skip "membugs bug=$bug: rmmod works (not loaded)"
		return
	fi
	kasan_reports=$((kasan_reports + 1))
	m=$(mark)
	expect_begin "^BUG: KASAN: $2 in $3\+0x[0-9a-f]+/0x[0-9a-f]+( \[membugs\])?$|^Call Trace:$"
	got=$(insmod_errno "$EX/membugs.ko" "bug=$bug")
	expect_end
	since "$m" >/tmp/ex.log
	# The report, from its first rule to its last.
	awk '/^====================/ { n++; if (n <= 2) print; next } n == 1' /tmp/ex.log >/tmp/ex.report
	ok=yes
	[ "$got" = OK ] || {
		ktap_print_msg "insmod gave $got"
		ok=no
	}
	loaded membugs || ok=no
	has_line /tmp/ex.log "^membugs: bug=$bug made: " || ok=no
	[ "$(count /tmp/ex.report '^====================')" = 2 ] || {
		ktap_print_msg "the report is not between two rules of ="
		ok=no
	}
	[ "$(count /tmp/ex.report '^BUG: KASAN: ')" = 1 ] || ok=no
	has_line /tmp/ex.report "$title" || ok=no
	has_line /tmp/ex.report "$4" || ok=no
	has_line /tmp/ex.report "^ membugs_$bug\+0x[0-9a-f]+/0x[0-9a-f]+ \[membugs\]$" || ok=no
	has_line /tmp/ex.report '^Allocated by task [0-9]+:$' || ok=no
	if [ "$bug" != oob ]; then
		has_line /tmp/ex.report '^Freed by task [0-9]+:$' || ok=no
	fi
	if [ "$ok" = yes ]; then
		grep -E "$title|$4" /tmp/ex.report | sed 's/^/# /'
		ktap_test_pass "membugs bug=$bug: KASAN reports $2, membugs_$bug in the stack"
	else
		sed 's/^/#   /' /tmp/ex.log | head -n 80
		ktap_test_fail "membugs bug=$bug: KASAN reports $2, membugs_$bug in the stack"
	fi
	if loaded membugs; then
		ktap_check "membugs bug=$bug: rmmod works" rmmod membugs
	else
		ktap_test_fail "membugs bug=$bug: rmmod works (not loaded)"
	fi
}

addr='[0-9a-f]{16}'
kasan_bug oob slab-out-of-bounds membugs_oob \
	"^Write of size 1 at addr $addr by task insmod/[0-9]+$"
kasan_bug uaf use-after-free membugs_uaf \
	"^Read of size 1 at addr $addr by task insmod/[0-9]+$"
# KASAN names the function that caught the second free: in 6.1, the slab
# allocator's __kmem_cache_free() (kfree() in later kernels). membugs is
# further down the stack.
kasan_bug double_free double-free '(__kmem_cache_free|kfree)' \
	"^Free of addr $addr by task insmod/[0-9]+$"

# ---- membugs under kmemleak ----------------------------------------------
# The leaked object is found once it is older than kmemleak's minimum age
# (5 s) and unchanged since the scan before: scan, wait, scan. Then it is
# cleared (kmemleak no longer reports it), so that the suite's last kmemleak
# check (t-zzz-kmemleak) does not see it; clearing must hide nothing else of
# memlab's.
if [ "$kmemleak" = no ]; then
	refused leak "$(refuse_reason kmemleak)"
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
		if (rec ~ /\] membugs_leak\+0x/)
			print rec >mine
		else if (rec ~ /memlab|\] 0xffffffff[a-f][0-9a-f]+/)
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
	has_line /tmp/ex.kml.mine '^    \[<[0-9a-f]+>\] membugs_leak\+0x[0-9a-f]+/0x[0-9a-f]+ \[membugs\]$' || ok=no
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
	if loaded membugs; then
		ktap_check "membugs bug=leak: rmmod works" rmmod membugs
	else
		ktap_test_fail "membugs bug=leak: rmmod works (not loaded)"
	fi
fi
ktap_finished
