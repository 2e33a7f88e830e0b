#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# leak: allocations memlab keeps no visible reference to. On every kernel
# they are counted, listed as "leaked" and given back by free and unload;
# the strategies kmemleak would not report are refused. On a kernel with
# kmemleak (the debug kernel) a scan reports exactly this test's objects,
# with memlab in their backtraces, and free all takes them off its list.
#
# This test never writes "clear" to kmemleak: its own objects leave
# kmemleak's list when memlab frees them, and any other record (an earlier
# test's leak, which may be memlab's) stays for t-zzz-kmemleak to judge.
# Its objects are told from everyone else's by the process that made them:
# kmemleak records the pid of the task that allocated, and each leak
# command here is written by a shell of its own whose pid is known.
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/ktap.sh"
# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"

KML=/sys/kernel/debug/kmemleak
ktap_print_header "leak, and kmemleak"
ktap_set_plan 12

# leak_as_own COMMAND PIDFILE: write COMMAND to control from a shell of
# its own, whose pid goes to PIDFILE; prints the errno name as ctl does.
leak_as_own() {
	_err=$(sh -c 'echo $$ >"$1"; echo "$2" >"$3"' sh "$2" "$1" "$CTL" 2>&1)
	errno_name "${_err#sh: }"
}

# kml_scan: scan, wait past kmemleak's minimum age (5 s), scan, inside a
# window for the line that announces new reports. Fails if kmemleak
# refuses a scan (it turns itself off when it runs out of records).
kml_scan() {
	expect_begin '^kmemleak: [0-9]+ new suspected memory leaks \(see /sys/kernel/debug/kmemleak\)$'
	_ok=yes
	{ echo scan >"$KML"; } 2>/dev/null || _ok=no
	sleep 6
	{ echo scan >"$KML"; } 2>/dev/null || _ok=no
	expect_end
	[ "$_ok" = yes ] || dmesg | grep 'kmemleak:' | tail -n 3 | sed 's/^/# /'
	[ "$_ok" = yes ]
}

# by_pid FILE PID: the whole records of the kmemleak report FILE whose
# object PID allocated.
by_pid() {
	awk -v pid="$2" '
	/^unreferenced object/ { head = $0; getline; mine = $0 ~ (", pid " pid ","); if (mine) print head }
	mine' "$1"
}

# records FILE: how many records FILE holds.
records() {
	grep -c '^unreferenced object' "$1"
}

memlab_load demo=0 || exit 1
ktap_expect_eq "leak kmalloc 1K 3" OK "$(leak_as_own "leak kmalloc 1K 3" /tmp/leak.pid)"
pid=$(cat /tmp/leak.pid)
ktap_expect_eq "counted: 3 live kmalloc of 1024 bytes" "3 3072" \
	"$(stat_field kmalloc live) $(stat_field kmalloc bytes_alloc)"
ktap_expect_eq "listed with context leaked" 3 \
	"$(awk '!/^#/ && $2 == "kmalloc" && $5 == "leaked"' "$DBG/allocations" | wc -l)"
dmesg -c >/dev/null
ktap_expect_eq "leak alloc_pages 4K: EINVAL, kmemleak does not track pages" EINVAL \
	"$(ctl "leak alloc_pages 4K")"
ktap_check "... and the reason is logged" sh -c \
	"dmesg | grep -q \"memlab: control: kmemleak does not report this strategy's leaks (EINVAL)\""
ktap_expect_eq "leak percpu 64: EINVAL" EINVAL "$(ctl "leak percpu 64")"

if [ -e "$KML" ]; then
	if kml_scan; then
		cat "$KML" >/tmp/kml.txt
		by_pid /tmp/kml.txt "$pid" >/tmp/kml.own
		memlab_kmemleak_records /tmp/kml.txt >/tmp/kml.memlab
		# This test's records: all three of 1024 bytes, each with a frame
		# in memlab; and no other record made by that shell.
		mine=$(by_pid /tmp/kml.memlab "$pid" | grep -c '^unreferenced object 0x[0-9a-f]* (size 1024):$')
		ktap_print_msg "kmemleak lists $(records /tmp/kml.txt) records, $(records /tmp/kml.memlab) of memlab's, $(records /tmp/kml.own) of pid $pid (this test's leak command)"
		if [ "$(records /tmp/kml.own) $mine" = "3 3" ]; then
			sed -n '1,/^$/p' /tmp/kml.own | head -n 16 | sed 's/^/# /'
			ktap_test_pass "kmemleak reports exactly the 3 objects, memlab in their backtraces"
		else
			sed 's/^/#   /' /tmp/kml.own | head -n 60
			ktap_test_fail "kmemleak reports exactly the 3 objects, memlab in their backtraces (pid $pid: $(records /tmp/kml.own) records, $mine of 1024 bytes through memlab)"
		fi
		# Another test's leak is not this test's to clear: it stays.
		others=$(($(records /tmp/kml.memlab) - mine))
		[ "$others" -eq 0 ] ||
			ktap_print_msg "kmemleak also lists $others records of memlab's that are not this test's; they stay for t-zzz-kmemleak"
	else
		ktap_test_fail "kmemleak reports exactly the 3 objects (kmemleak refused to scan: it is off)"
	fi
else
	ktap_test_skip "kmemleak reports the 3 objects: this kernel has no kmemleak"
fi

ktap_expect_eq "free all gives them back" "OK 0" "$(ctl "free all") $(stat_field total live)"
if [ -e "$KML" ]; then
	# A reported object stays listed until it is freed (or cleared, which
	# no test does to another's): free all must have taken the 3 off the
	# list. No scan needed, and each costs half a minute here.
	cat "$KML" >/tmp/kml.txt
	ktap_expect_eq "after free all, kmemleak lists none of the 3" 0 \
		"$(by_pid /tmp/kml.txt "$pid" | records -)"
else
	ktap_test_skip "after free all, kmemleak lists none of the 3: this kernel has no kmemleak"
fi

ktap_expect_eq "leak kmalloc 1K 2, leak vmalloc 64K" "OK OK" \
	"$(ctl "leak kmalloc 1K 2") $(ctl "leak vmalloc 64K")"
dmesg -c >/dev/null
memlab_unload
ktap_check "unload reclaims the leaked ones too" sh -c \
	"dmesg | grep -q 'memlab: unloaded: reclaimed 3 allocations, $((2 * 1024 + 65536)) bytes'"
ktap_check "nothing left" nothing_left
# Were they really freed, not only forgotten? t-zzz-kmemleak's scans, at
# the end of the suite, report anything of memlab's left, by its range.
ktap_finished
