#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The exercises in /memlab/examples/exercises: each has a starting module
# and a solution, and its README asks the learner to predict what the
# kernel will show. Here each prediction is checked against the kernel's
# own view, not the modules' words: the kmem:kmalloc and kmem:kfree
# tracepoints and /sys/kernel/slab (which cache), /sys/module/<name>
# (sections, coresize), /proc/vmallocinfo (where kvmalloc's memory came
# from), kmemleak (the leak) and the kernel log (sleeping in atomic
# context). The checks that need the debug kernel's tools (kmemleak,
# CONFIG_DEBUG_ATOMIC_SLEEP) check instead, elsewhere, that the starting
# module refuses to make a bug that nothing would report. The reports made
# on purpose are made inside memlab-expect windows; nothing is left loaded.
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/ktap.sh"
# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"

EX=${MEMLAB_EXAMPLES:-/memlab/examples}/exercises
T=/sys/kernel/tracing
KML=/sys/kernel/debug/kmemleak
PAGE=$(page_size)

# What the kernel has, found independently of the modules (which must
# agree): kmemleak has its debugfs file; CONFIG_DEBUG_ATOMIC_SLEEP defines
# __might_resched().
if [ -e "$KML" ]; then
	kmemleak=yes
else
	kmemleak=no
fi
if awk '$3 == "__might_resched" { f = 1; exit } END { exit !f }' /proc/kallsyms; then
	atomic_sleep=yes
else
	atomic_sleep=no
fi

ktap_print_header "exercises: predictions against the kernel (page $PAGE, kmemleak $kmemleak, DEBUG_ATOMIC_SLEEP $atomic_sleep)"
ktap_set_plan 16

# unload NAME: rmmod NAME if it is loaded; a failed rmmod is noted, and
# fails the last test.
unload_failed=
unload() {
	loaded "$1" || return 0
	rmmod "$1" || unload_failed="$unload_failed $1"
}

# Every load of a module that should load; the last test checks them.
load_failed=
expect_loaded() {
	[ "$2" = OK ] && loaded "$1" && return 0
	load_failed="$load_failed $1($2)"
	return 1
}

# distinct FILE ERE: how many different lines of FILE match ERE (a failed
# init runs twice: busybox insmod tries finit_module, then init_module).
distinct() {
	grep -E "$2" "$1" | sort -u | wc -l
}

# kmalloc_cache SIZE: "name slab_size" of the kmalloc cache that serves
# SIZE bytes: the smallest plain kmalloc-<N> cache (not -cg-, -rcl-, dma-
# or -rnd-) whose object_size is at least SIZE. Caches that the kernel
# does not make (kmalloc-8 where KMALLOC_MIN_SIZE is 16 or more, kmalloc-96
# and kmalloc-192 where it is over 32 or 64) are not in /sys/kernel/slab.
kmalloc_cache() {
	for _d in /sys/kernel/slab/kmalloc-[0-9]*; do
		[ -r "$_d/object_size" ] || continue
		echo "$(cat "$_d/object_size") ${_d##*/} $(cat "$_d/slab_size")"
	done | sort -n | awk -v s="$1" '$1 >= s { print $2, $3; exit }'
}

# trace_load KO: load KO with the kmem:kmalloc and kmem:kfree events on;
# prints insmod's result. The trace is read into /tmp/ex.trace at once,
# while the module is loaded, so that its call sites print as its names.
trace_on=$(cat "$T/tracing_on" 2>/dev/null || echo 0)
trace_load() {
	echo 1 >"$T/tracing_on"
	echo >"$T/trace"
	echo 1 >"$T/events/kmem/kmalloc/enable"
	echo 1 >"$T/events/kmem/kfree/enable"
	_r=$(insmod_errno "$1")
	echo 0 >"$T/events/kmem/kmalloc/enable"
	echo 0 >"$T/events/kmem/kfree/enable"
	cat "$T/trace" >/tmp/ex.trace
	echo >"$T/trace"
	echo "$trace_on" >"$T/tracing_on"
	echo "$_r"
}

# traced EVENT FUNC MODULE: the trace lines of EVENT (kmalloc, kfree)
# whose call site is FUNC in MODULE, or a part of FUNC that the compiler
# split off (FUNC.cold: GCC moves the paths that call printk(), which is
# __cold, out of line).
traced() {
	grep -E "$1: call_site=$2(\.[a-z0-9.]+)?\+0x[0-9a-f]+/0x[0-9a-f]+ \[$3\] " /tmp/ex.trace
}

# field NAME LINE: the value of NAME=... in a trace line.
field() {
	printf '%s\n' "$2" | sed -n "s/.* $1=\([^ ]*\).*/\1/p"
}

# ---- 00-kmalloc-size ----------------------------------------------------
# kmalloc_served EXNAME SIZE: EXNAME's init kmalloc()s SIZE bytes; the
# kmem:kmalloc event must show them served by the cache kmalloc_cache
# names (bytes_alloc is that cache's slab_size: its object size, plus
# the debug kernel's red zones and metadata). Also notes whether the
# same pointer went to kmem:kfree from the same function, in freed_ok.
freed_ok=yes
kmalloc_served() {
	_ko=$EX/00-kmalloc-size/$1.ko
	read -r _cache _slab <<EOF
$(kmalloc_cache "$2")
EOF
	_m=$(dmesg_mark)
	_got=$(trace_load "$_ko")
	expect_loaded "$1" "$_got"
	_line=$(traced kmalloc "$1_init" "$1" | head -n 1)
	unload "$1"
	dmesg_since "$_m" | grep "^$1: " | sed 's/^/# dmesg: /'
	_req=$(field bytes_req "$_line")
	_alloc=$(field bytes_alloc "$_line")
	_ptr=$(field ptr "$_line")
	ktap_print_msg "$1: $_line"
	if [ -n "$_cache" ] && [ "$_req" = "$2" ] && [ "$_alloc" = "$_slab" ]; then
		ktap_test_pass "$1: kmalloc($2) is served by $_cache (kmem:kmalloc bytes_alloc=$_alloc, its slab_size)"
	else
		ktap_print_msg "want bytes_req=$2 bytes_alloc=$_slab (cache '$_cache'); insmod: $_got"
		ktap_test_fail "$1: kmalloc($2) is served by the smallest kmalloc cache of at least $2 bytes"
	fi
	if [ -z "$_ptr" ] || ! traced kfree "$1_init" "$1" | grep -q " ptr=$_ptr\( \|$\)"; then
		ktap_print_msg "$1: no kmem:kfree of ptr=$_ptr from $1_init"
		freed_ok=no
	fi
}
kmalloc_served ex00_start 4
kmalloc_served ex00_solution 9
ktap_expect_eq "ex00_start, ex00_solution: each kfree()s what it kmalloc'd (kmem:kfree of the same ptr)" yes "$freed_ok"

# ---- 01-static-array ----------------------------------------------------
# core_of NAME: load NAME, note its coresize in cs and whether it has a
# .bss section (/sys/module/NAME/sections/.bss) in bss; unload it.
core_of() {
	_got=$(insmod_errno "$EX/01-static-array/$1.ko")
	expect_loaded "$1" "$_got"
	cs=$(cat "/sys/module/$1/coresize" 2>/dev/null)
	_secs=
	for _s in "/sys/module/$1/sections"/.[!.]*; do
		[ -e "$_s" ] && _secs="$_secs ${_s##*/}"
	done
	ktap_print_msg "$1: coresize $cs, sections$_secs"
	bss=no
	[ -e "/sys/module/$1/sections/.bss" ] && bss=yes
	unload "$1"
}
core_of ex01_start
cs_start=$cs bss_start=$bss
core_of ex01_solution
cs_sol=$cs bss_sol=$bss
ktap_print_msg "ex01_start: coresize $cs_start, .bss $bss_start; ex01_solution: coresize $cs_sol, .bss $bss_sol"
ktap_expect_eq "ex01_solution: the zeroed 64 KiB array is in .bss (/sys/module/ex01_solution/sections/.bss)" yes "$bss_sol"
case "$cs_start$cs_sol" in
*[!0-9]* | "")
	ktap_test_fail "ex01: coresize grows by 64 KiB, in whole pages (no coresize: '$cs_start' '$cs_sol')"
	;;
*)
	grow=$((cs_sol - cs_start))
	# 64 KiB of array, less ex01_start's 64 bytes; the code and strings
	# that differ may round up to one more page in each of text, rodata
	# and data.
	if [ "$grow" -ge $((65536 - PAGE)) ] && [ "$grow" -le $((65536 + 3 * PAGE)) ]; then
		ktap_test_pass "ex01: coresize grows by $grow bytes ($((grow / PAGE)) pages of $PAGE): 64 KiB in whole pages"
	else
		ktap_test_fail "ex01: coresize grows by $grow bytes, not 64 KiB give or take 3 pages of $PAGE"
	fi
	;;
esac

# ---- 05-overflow --------------------------------------------------------
# SIZE_MAX / 16 + 2 items of 16 bytes: SIZE_MAX + 1 + 16, which wraps to 16
# (64-bit kernels: size_t is 64 bits).
size_max=18446744073709551615
nr=1152921504606846977
m=$(dmesg_mark)
got=$(trace_load "$EX/05-overflow/ex05_overflow_start.ko")
expect_loaded ex05_overflow_start "$got"
param=$(cat /sys/module/ex05_overflow_start/parameters/nr_items 2>/dev/null)
unload ex05_overflow_start
dmesg_since "$m" >/tmp/ex.log
grep '^ex0' /tmp/ex.log | sed 's/^/# dmesg: /'
line=$(traced kmalloc ex05_overflow_start_init ex05_overflow_start | head -n 1)
ptr=$(field ptr "$line")
ktap_print_msg "ex05_overflow_start: $line"
if [ "$param" = "$nr" ] && [ "$(field bytes_req "$line")" = 16 ] &&
	has_line /tmp/ex.log "^ex05_overflow_start: $nr items of 16 bytes: plain multiplication gives 16 bytes, kmalloc returned an object$" &&
	traced kfree ex05_overflow_start_init ex05_overflow_start | grep -q " ptr=$ptr\( \|$\)"; then
	ktap_test_pass "ex05_overflow_start: $nr x 16 wraps to 16: kmem:kmalloc bytes_req=16, the object given (and freed)"
else
	ktap_print_msg "nr_items '$param', insmod $got"
	ktap_test_fail "ex05_overflow_start: $nr x 16 wraps to 16: kmem:kmalloc bytes_req=16, the object given (and freed)"
fi

m=$(dmesg_mark)
got=$(trace_load "$EX/05-overflow/ex05_overflow_solution.ko")
expect_loaded ex05_overflow_solution "$got"
unload ex05_overflow_solution
dmesg_since "$m" >/tmp/ex.log
grep '^ex0' /tmp/ex.log | sed 's/^/# dmesg: /'
traced kmalloc ex05_overflow_solution_init ex05_overflow_solution >/tmp/ex.sol
sed 's/^/# ex05_overflow_solution: /' /tmp/ex.sol
# Whatever the allocator was asked for from the solution, it was never a
# wrapped (small) size: only SIZE_MAX, struct_size()'s saturation.
small=$(awk -v max="bytes_req=$size_max" '{ for (i = 1; i <= NF; i++) if ($i ~ /^bytes_req=/ && $i != max) print }' /tmp/ex.sol)
if [ -z "$small" ] &&
	has_line /tmp/ex.log "^ex05_overflow_solution: kmalloc_array\($nr, 16\) returned NULL$"; then
	ktap_test_pass "ex05_overflow_solution: kmalloc_array() returns NULL, and asks the allocator for nothing"
else
	ktap_print_msg "allocations of a wrapped size: ${small:-none}"
	ktap_test_fail "ex05_overflow_solution: kmalloc_array() returns NULL, and asks the allocator for nothing"
fi
ktap_check "ex05_overflow_solution: struct_size() is SIZE_MAX, and kmalloc() of it returns NULL" \
	has_line /tmp/ex.log "^ex05_overflow_solution: struct_size\(table, items, $nr\) is $size_max \(SIZE_MAX\), kmalloc returned NULL$"

# ---- 05-kvmalloc-8m -----------------------------------------------------
# KMALLOC_MAX_SIZE is the biggest block the page allocator has: a page
# shifted by the largest order (/proc/buddyinfo).
kmax=$((PAGE << $(max_order)))
eight=8388608
if [ "$eight" -gt "$kmax" ]; then
	want="returned NULL"
else
	want="returned an object"
fi
m=$(dmesg_mark)
got=$(insmod_errno "$EX/05-kvmalloc-8m/ex05_kvmalloc_start.ko")
expect_loaded ex05_kvmalloc_start "$got"
unload ex05_kvmalloc_start
dmesg_since "$m" >/tmp/ex.log
grep '^ex0' /tmp/ex.log | sed 's/^/# dmesg: /'
ktap_check "ex05_kvmalloc_start: kmalloc(8 MiB) $want (KMALLOC_MAX_SIZE $kmax = $PAGE << max order)" \
	has_line /tmp/ex.log "^ex05_kvmalloc_start: kmalloc\(8 MiB\) $want \(KMALLOC_MAX_SIZE is $kmax bytes\)$"

m=$(dmesg_mark)
got=$(insmod_errno "$EX/05-kvmalloc-8m/ex05_kvmalloc_solution.ko")
expect_loaded ex05_kvmalloc_solution "$got"
grep ' ex05_kvmalloc_solution_init+0x[0-9a-f]*/0x[0-9a-f]* \[ex05_kvmalloc_solution\] ' /proc/vmallocinfo >/tmp/ex.vm
unload ex05_kvmalloc_solution
dmesg_since "$m" >/tmp/ex.log
grep '^ex0' /tmp/ex.log | sed 's/^/# dmesg: /'
sed 's/^/# vmallocinfo: /' /tmp/ex.vm
# An area of 8 MiB and its guard page, of 8 MiB of pages. (The other area
# with the same caller, if any, is vmalloc's array of pointers to those
# pages: 8 bytes each, too many for one page, so vmalloc()ed too.)
area=$(awk -v sz=$((eight + PAGE)) -v pages=$((eight / PAGE)) \
	'$2 == sz && index($0, " pages=" pages " ") { print $1 }' /tmp/ex.vm)
from=$(sed -n 's/^ex05_kvmalloc_solution: kvmalloc(8 MiB) returned an object from \(.*\)$/\1/p' /tmp/ex.log)
if [ "$eight" -gt "$kmax" ]; then
	if [ "$from" = vmalloc ] && [ "$(printf '%s\n' "$area" | grep -c .)" = 1 ]; then
		ktap_test_pass "ex05_kvmalloc_solution: kvmalloc(8 MiB) falls back to vmalloc: vmallocinfo shows $((eight + PAGE)) bytes, pages=$((eight / PAGE)), caller ex05_kvmalloc_solution_init"
	else
		ktap_print_msg "the module says: '${from:-nothing}'"
		ktap_test_fail "ex05_kvmalloc_solution: kvmalloc(8 MiB) falls back to vmalloc, seen in vmallocinfo"
	fi
else
	# kmalloc may give 8 MiB here: either source is right, if vmallocinfo agrees.
	if { [ "$from" = vmalloc ] && [ -n "$area" ]; } || { [ "$from" = kmalloc ] && [ ! -s /tmp/ex.vm ]; }; then
		ktap_test_pass "ex05_kvmalloc_solution: kvmalloc(8 MiB) from $from (8 MiB is within KMALLOC_MAX_SIZE here), as vmallocinfo shows"
	else
		ktap_test_fail "ex05_kvmalloc_solution: kvmalloc(8 MiB) from '$from', and vmallocinfo disagrees"
	fi
fi
# After rmmod the areas are gone: none at those addresses any more, unless
# someone else's (a caller that is a named function, not a bare address).
if [ -s /tmp/ex.vm ]; then
	left=$(awk 'FILENAME == ARGV[1] { a[$1] = 1; next } ($1 in a) && $3 ~ /^0x/' /tmp/ex.vm /proc/vmallocinfo)
	ktap_expect_eq "ex05_kvmalloc_solution: rmmod frees its vmalloc areas ($(awk '{ print $1 }' /tmp/ex.vm | tr '\n' ' ' | sed 's/ $//'))" "" "$left"
else
	ktap_test_skip "ex05_kvmalloc_solution: rmmod frees the area (no vmalloc area was made)"
fi

# ---- 06-leak --------------------------------------------------------------
# kml_scan: scan, wait past kmemleak's minimum age (5 s), scan, inside a
# window for the line that announces new reports.
kml_scan() {
	expect_begin '^kmemleak: [0-9]+ new suspected memory leaks \(see /sys/kernel/debug/kmemleak\)$'
	{ echo scan >"$KML"; } 2>/dev/null
	sleep 6
	{ echo scan >"$KML"; } 2>/dev/null
	expect_end
}

# records_of FILE FUNC: the whole records of kmemleak report FILE with a
# backtrace frame in FUNC.
records_of() {
	awk -v f=" $2+0x" '
	function flush() { if (rec != "" && index(rec, f)) print rec; rec = "" }
	/^unreferenced object/ { flush(); rec = $0; next }
	{ if (rec != "") rec = rec "\n" $0 }
	END { flush() }' "$1"
}

m=$(dmesg_mark)
got=$(insmod_errno "$EX/06-leak/ex06_start.ko")
if [ "$kmemleak" = no ]; then
	dmesg_since "$m" >/tmp/ex.log
	grep '^ex0' /tmp/ex.log | sed 's/^/# dmesg: /'
	if [ "$got" = EOPNOTSUPP ] && ! loaded ex06_start &&
		has_line /tmp/ex.log '^ex06_start: no leak made: this kernel has no leak detector \(CONFIG_DEBUG_KMEMLEAK\) to report it$' &&
		[ "$(distinct /tmp/ex.log '^ex06_start: ')" = 1 ]; then
		ktap_test_pass "ex06_start: refused (EOPNOTSUPP, one line): no kmemleak here to report its leak"
	else
		ktap_print_msg "insmod gave $got"
		ktap_test_fail "ex06_start: refused (EOPNOTSUPP, one line): no kmemleak here to report its leak"
	fi
	unload ex06_start
else
	expect_loaded ex06_start "$got"
	kml_scan
	cat "$KML" >/tmp/ex.kml
	records_of /tmp/ex.kml ex06_start_init >/tmp/ex.kml.mine
	ok=yes
	[ "$(grep -c '^unreferenced object' /tmp/ex.kml.mine)" = 1 ] || {
		ktap_print_msg "not one record with ex06_start_init in the report:"
		sed 's/^/#   /' /tmp/ex.kml | head -n 60
		ok=no
	}
	# The size kmemleak records: on 6.1 the object size of the cache that
	# served the 4 bytes (kmalloc-8's 8), in later kernels the 4 asked for.
	osz=$(cat "/sys/kernel/slab/$(kmalloc_cache 4 | cut -d' ' -f1)/object_size" 2>/dev/null)
	has_line /tmp/ex.kml.mine "^unreferenced object 0x[0-9a-f]+ \\(size (4|${osz:-4})\\):\$" || ok=no
	has_line /tmp/ex.kml.mine '^  comm "insmod", pid [0-9]+, jiffies [0-9]+' || ok=no
	has_line /tmp/ex.kml.mine '^    2a 00 00 00 ' || ok=no
	# Up to 6.1 a frame starts with its address, hashed, or
	# "(____ptrval____)" before the kernel has the entropy to hash
	# pointers; later ones ("backtrace (crc ...)") with the function.
	has_line /tmp/ex.kml.mine '^    (\[<[^>]+>\] )?ex06_start_init\+0x[0-9a-f]+/0x[0-9a-f]+ \[ex06_start\]$' || ok=no
	# Take this record off kmemleak's list (clear: it is reported no
	# more), so that no later test meets it, when it would print the
	# module as a bare address that memlab may have by then. clear acts on
	# every record listed now: only when none of them is memlab's, which
	# t-zzz-kmemleak must still see.
	memlab_kmemleak_records /tmp/ex.kml >/tmp/ex.kml.memlab
	others=$(($(grep -c '^unreferenced object' /tmp/ex.kml) - $(grep -c '^unreferenced object' /tmp/ex.kml.mine)))
	if [ -s /tmp/ex.kml.memlab ]; then
		ktap_print_msg "kmemleak also lists memlab's objects: not cleared, for t-zzz-kmemleak to see"
	else
		[ "$others" -eq 0 ] || ktap_print_msg "clear also takes $others other record(s), none of memlab's, off the list"
		echo clear >"$KML"
		if grep -q ' ex06_start_init+0x' "$KML"; then
			ktap_print_msg "kmemleak still lists the leak after clear"
			ok=no
		fi
	fi
	# Where allocation profiling is on, rmmod reports the leak again.
	if loaded ex06_start; then
		rmmod_leaker ex06_start ex06_start_init 4 || ok=no
		! loaded ex06_start || unload_failed="$unload_failed ex06_start"
	fi
	if [ "$ok" = yes ]; then
		sed 's/^/# /' /tmp/ex.kml.mine
		ktap_test_pass "ex06_start: kmemleak reports the int (2a 00 00 00) allocated in ex06_start_init (and allocation profiling, where on, at rmmod)"
	else
		ktap_test_fail "ex06_start: kmemleak reports the int (2a 00 00 00) allocated in ex06_start_init (and allocation profiling, where on, at rmmod)"
	fi
fi

got=$(insmod_errno "$EX/06-leak/ex06_solution.ko")
expect_loaded ex06_solution "$got"
if [ "$kmemleak" = no ]; then
	unload ex06_solution
	ktap_test_skip "ex06_solution: kmemleak reports nothing of it (no kmemleak in this kernel)"
else
	kml_scan
	cat "$KML" >/tmp/ex.kml
	unload ex06_solution
	records_of /tmp/ex.kml ex06_solution_init >/tmp/ex.kml.mine
	if [ -s /tmp/ex.kml.mine ]; then
		sed 's/^/#   /' /tmp/ex.kml.mine | head -n 30
		ktap_test_fail "ex06_solution: kmemleak reports nothing of it"
	else
		ktap_test_pass "ex06_solution: kmemleak reports nothing of it"
	fi
fi

# ---- 07-sleep-in-atomic -------------------------------------------------
bug='^BUG: sleeping function called from invalid context at '
m=$(dmesg_mark)
if [ "$atomic_sleep" = no ]; then
	got=$(insmod_errno "$EX/07-sleep-in-atomic/ex07_start.ko")
	dmesg_since "$m" >/tmp/ex.log
	grep '^ex0' /tmp/ex.log | sed 's/^/# dmesg: /'
	if [ "$got" = EOPNOTSUPP ] && ! loaded ex07_start &&
		has_line /tmp/ex.log '^ex07_start: no bug made: this kernel has no CONFIG_DEBUG_ATOMIC_SLEEP to report it$' &&
		[ "$(distinct /tmp/ex.log '^ex07_start: ')" = 1 ]; then
		ktap_test_pass "ex07_start: refused (EOPNOTSUPP, one line): no CONFIG_DEBUG_ATOMIC_SLEEP here to report its bug"
	else
		ktap_print_msg "insmod gave $got"
		ktap_test_fail "ex07_start: refused (EOPNOTSUPP, one line): no CONFIG_DEBUG_ATOMIC_SLEEP here to report its bug"
	fi
	unload ex07_start
else
	expect_begin "$bug|^Call Trace:\$"
	got=$(insmod_errno "$EX/07-sleep-in-atomic/ex07_start.ko")
	expect_end
	expect_loaded ex07_start "$got"
	unload ex07_start
	dmesg_since "$m" >/tmp/ex.log
	grep '^ex0' /tmp/ex.log | sed 's/^/# dmesg: /'
	ok=yes
	[ "$(grep -cE "$bug" /tmp/ex.log)" = 1 ] || ok=no
	has_line /tmp/ex.log "$bug" || ok=no
	has_line /tmp/ex.log '^in_atomic\(\): 1, irqs_disabled\(\): 0, non_block: 0, pid: [0-9]+, name: insmod$' || ok=no
	has_line /tmp/ex.log '^ ex07_start_init\+0x[0-9a-f]+/0x[0-9a-f]+ \[ex07_start\]$' || ok=no
	if [ "$ok" = yes ]; then
		grep -E "$bug|^in_atomic|ex07_lock|^ ex07_start_init" /tmp/ex.log | sed 's/^/# /'
		ktap_test_pass "ex07_start: BUG: sleeping function called from invalid context, in ex07_start_init"
	else
		ktap_test_fail "ex07_start: BUG: sleeping function called from invalid context, in ex07_start_init"
	fi
fi

m=$(dmesg_mark)
got=$(insmod_errno "$EX/07-sleep-in-atomic/ex07_solution.ko")
expect_loaded ex07_solution "$got"
unload ex07_solution
dmesg_since "$m" >/tmp/ex.log
grep '^ex0' /tmp/ex.log | sed 's/^/# dmesg: /'
if [ "$atomic_sleep" = no ]; then
	ktap_test_skip "ex07_solution: no sleeping-in-atomic report (no CONFIG_DEBUG_ATOMIC_SLEEP in this kernel)"
elif grep -qE "$bug" /tmp/ex.log; then
	sed 's/^/#   /' /tmp/ex.log | head -n 30
	ktap_test_fail "ex07_solution: no sleeping-in-atomic report"
else
	ktap_test_pass "ex07_solution: no sleeping-in-atomic report"
fi

# ---- all ------------------------------------------------------------------
still=$(awk '$1 ~ /^ex0[0-9]_/ { print $1 }' /proc/modules | tr '\n' ' ')
if [ -z "$load_failed$unload_failed$still" ]; then
	ktap_test_pass "every module that should load loads, and unloads; none is left loaded"
else
	ktap_print_msg "failed to load:${load_failed:- none}; rmmod failed:${unload_failed:- none}; still loaded: ${still:-none}"
	for mod in $still; do
		rmmod "$mod"
	done
	ktap_test_fail "every module that should load loads, and unloads; none is left loaded"
fi
ktap_finished
