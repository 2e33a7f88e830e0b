#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Helpers of memlab's in-guest tests (sourced after ktap.sh, POSIX sh).

KO=${MEMLAB_KO:-/memlab/memlab.ko}
STATS=/proc/memlab/stats
DBG=/sys/kernel/debug/memlab
CTL=$DBG/control
# shellcheck disable=SC2034 # used by the tests that source this file
STRATEGIES="kmalloc kzalloc vmalloc kvmalloc kmem_cache alloc_pages mempool percpu"

# ctl COMMAND: write one command to control; prints the errno name
# (OK on success) on stdout.
ctl() {
	_err=$({ echo "$1" >"$CTL"; } 2>&1)
	errno_name "$_err"
}

# errno_name MESSAGE: the errno behind a shell's "write error: ..." text.
errno_name() {
	case "$1" in
	"") echo OK ;;
	*"Invalid argument"*) echo EINVAL ;;
	*"Argument list too long"*) echo E2BIG ;;
	*"No space left on device"*) echo ENOSPC ;;
	*"Cannot allocate memory"* | *"Out of memory"*) echo ENOMEM ;;
	*"No such file or directory"*) echo ENOENT ;;
	*"Device or resource busy"*) echo EBUSY ;;
	*"Permission denied"*) echo EACCES ;;
	*"Interrupted"*) echo EINTR ;;
	*) echo "OTHER($1)" ;;
	esac
}

# stat_field ROW COLUMN: one counter of /proc/memlab/stats; ROW is a
# strategy or "total", COLUMN one of allocs frees failures live bytes_req
# bytes_alloc peak_bytes_alloc.
stat_field() {
	awk -v row="$1" -v col="$2" '
		/^# strategy/ { for (i = 2; i <= NF; i++) idx[$i] = i - 1 }
		$1 == row { print $(idx[col]); exit }' "$STATS"
}

# used_bytes / cap_bytes / overhead_bytes from the last line of stats.
stat_used() {
	awk '/^# cap_bytes/ { print $5 }' "$STATS"
}

stat_overhead() {
	awk '/^# cap_bytes/ { print $7 }' "$STATS"
}

stat_cap() {
	awk '/^# cap_bytes/ { print $3 }' "$STATS"
}

# check_invariants [FILE]: the contract's invariants on one read of stats;
# prints what is wrong and fails, or prints nothing.
check_invariants() {
	awk '
	/^# strategy/ { hdr = 1; next }
	/^# cap_bytes/ {
		cap = $3; used = $5; overhead = $7; capline = 1
		if ($4 != "used_bytes" || $6 != "overhead_bytes" || NF != 7) { print "cap line: " $0; bad = 1 }
		next
	}
	/^#/ { next }
	{
		if (NF != 8) { print "bad row: " $0; bad = 1; next }
		for (i = 2; i <= 8; i++)
			if ($i !~ /^[0-9]+$/) { print "not a number: " $0; bad = 1 }
		if ($5 != $2 - $3) { print "live != allocs - frees: " $0; bad = 1 }
		if ($7 < $6) { print "bytes_alloc < bytes_req: " $0; bad = 1 }
		if ($8 < $7) { print "peak < bytes_alloc: " $0; bad = 1 }
		if ($1 == "total") {
			for (i = 2; i <= 7; i++)
				if ($i != sum[i]) { print "total column " i " is not the sum"; bad = 1 }
			tot_alloc = $7; tot = 1
		} else {
			rows++
			for (i = 2; i <= 7; i++) sum[i] += $i
		}
	}
	END {
		if (!hdr || !capline || !tot || rows != 8) { print "format: hdr " hdr " cap " capline " total " tot " rows " rows; bad = 1 }
		if (used != tot_alloc) { print "used_bytes " used " != total bytes_alloc " tot_alloc; bad = 1 }
		if (used + overhead > cap) { print "used_bytes " used " + overhead_bytes " overhead " > cap_bytes " cap; bad = 1 }
		exit bad
	}' "${1:-$STATS}"
}

# repeats FULL DEBUG: how many times a test repeats one path: FULL, or
# DEBUG on the debug kernel (the one with kmemleak), whose checkers (KASAN,
# kmemleak, lockdep) make each allocation some fifty times slower; the
# path is the same.
repeats() {
	if [ -e /sys/kernel/debug/kmemleak ]; then
		echo "$2"
	else
		echo "$1"
	fi
}

# settle: give back what caches hold but do not use (page cache, dentries,
# empty slabs), so that before/after comparisons of meminfo see real growth.
settle() {
	echo 3 >/proc/sys/vm/drop_caches
	for f in /sys/kernel/slab/*/shrink; do
		echo 1 >"$f" 2>/dev/null
	done
}

# as_nobody COMMAND: run a shell command as an unprivileged user.
as_nobody() {
	su -s /bin/sh nobody -c "$1"
}

# meminfo_kb FIELD: a /proc/meminfo value in kB.
meminfo_kb() {
	awk -v f="$1:" '$1 == f { print $2 }' /proc/meminfo
}

# nothing_left: after unload, no memlab-* cache and no memlab vmalloc area.
nothing_left() {
	! grep -q '^memlab-' /proc/slabinfo && ! grep -q '\[memlab\]' /proc/vmallocinfo
}

memlab_load() {
	insmod "$KO" "$@"
}

memlab_unload() {
	rmmod memlab
}

# live_allocations: lines of the allocations file, header excluded.
live_allocations() {
	grep -vc '^#' "$DBG/allocations"
}

# expect_begin ERE / expect_end: the console lines matching ERE that the
# kernel prints in between are expected, not problems (tests/rig/vm.sh).
expect_begin() {
	echo "memlab-expect: begin $1" >/dev/kmsg
}

expect_end() {
	echo "memlab-expect: end" >/dev/kmsg
}
