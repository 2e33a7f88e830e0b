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

# used_bytes / cap_bytes / overhead_bytes / reserved_bytes from the cap
# line of stats.
stat_used() {
	awk '/^# cap_bytes/ { print $5 }' "$STATS"
}

stat_overhead() {
	awk '/^# cap_bytes/ { print $7 }' "$STATS"
}

stat_reserved() {
	awk '/^# cap_bytes/ { print $9 }' "$STATS"
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
		cap = $3; used = $5; overhead = $7; reserved = $9; capline = 1
		if ($4 != "used_bytes" || $6 != "overhead_bytes" || $8 != "reserved_bytes" || NF != 9)
			{ print "cap line: " $0; bad = 1 }
		for (i = 3; i <= 9; i += 2)
			if ($i !~ /^[0-9]+$/) { print "cap line, not a number: " $0; bad = 1 }
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
		if (used + overhead + reserved > cap) {
			print "used_bytes " used " + overhead_bytes " overhead " + reserved_bytes " reserved " > cap_bytes " cap
			bad = 1
		}
		exit bad
	}' "${1:-$STATS}"
}

# repeats FULL SHORT: how many times a test repeats one path: FULL on the
# reference lane, SHORT on the others (the rig boots them with "mlshort=1":
# tests/rig/check.sh) and on the debug kernel (the one with kmemleak), whose
# checkers (KASAN, kmemleak, lockdep) make each allocation some fifty times
# slower. The path is the same on every lane; only the long repetition, which
# cannot differ by kernel, runs once.
repeats() {
	if [ -e /sys/kernel/debug/kmemleak ] || grep -qw mlshort=1 /proc/cmdline; then
		echo "$2"
	else
		echo "$1"
	fi
}

# kmalloc_bucket BYTES: the object size of the kmalloc cache that
# kmalloc(BYTES) takes from, as /proc/slabinfo lists the caches: the
# smallest kmalloc-<n> of n >= BYTES. (Debian's 6.1 for arm64 has no cache
# under kmalloc-128: its kmalloc aligns to 128 bytes, for DMA.)
kmalloc_bucket() {
	awk -v b="$1" '$1 ~ /^kmalloc-[0-9]+$/ { n = substr($1, 9) + 0
		if (n >= b && (m == 0 || n < m)) m = n } END { print m }' /proc/slabinfo
}

# kmalloc_traced: "alloc kmalloc 100" from this shell (the events are
# filtered on its pid, $$: call it as a command, not in a $(...) subshell,
# whose writes come from another pid), and KM_ADDR set to the object's
# address as the kernel's kmem:kmalloc event prints it with nohash-ptr: hex
# without 0x, or empty. The trace options are put back as they were.
kmalloc_traced() {
	_t=/sys/kernel/tracing
	[ -d $_t/events/kmem ] || mount -t tracefs tracefs $_t
	_hash=$(grep -c '^hash-ptr' $_t/trace_options)
	echo 0 >$_t/tracing_on
	echo >$_t/set_event
	: >$_t/trace
	echo nohash-ptr >$_t/trace_options
	echo $$ >$_t/set_event_pid
	echo 'bytes_req == 100' >$_t/events/kmem/kmalloc/filter
	echo 1 >$_t/events/kmem/kmalloc/enable
	echo 1 >$_t/tracing_on
	echo 'alloc kmalloc 100' >"$CTL"
	echo 0 >$_t/tracing_on
	echo 0 >$_t/events/kmem/kmalloc/enable
	echo 0 >$_t/events/kmem/kmalloc/filter
	echo >$_t/set_event_pid
	[ "$_hash" -eq 0 ] || echo hash-ptr >$_t/trace_options
	echo 1 >$_t/tracing_on
	# shellcheck disable=SC2034 # the caller reads it
	KM_ADDR=$(sed -n 's/.*kmalloc: .*call_site=ml_kmalloc_alloc.* ptr=\(0x\)\{0,1\}\([0-9a-f]*\) .*/\2/p' $_t/trace | tail -n 1)
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

# page_size: the running kernel's page size, in bytes (KernelPageSize of a
# mapping; else a tmpfs block, which is one page).
page_size() {
	_ps=$(awk '/^KernelPageSize:/ { print $2 * 1024; exit }' /proc/self/smaps 2>/dev/null)
	echo "${_ps:-$(stat -f -c %S /tmp)}"
}

# page_shift [PAGE_SIZE]: log2 of the page size (of this one's, by default).
page_shift() {
	_ps=${1:-$(page_size)}
	_sh=0
	while [ $((1 << _sh)) -lt "$_ps" ]; do
		_sh=$((_sh + 1))
	done
	echo "$_sh"
}

# max_order: the largest page order the buddy allocator hands out, from the
# columns of /proc/buddyinfo (orders 0 to max).
max_order() {
	awk '{ print NF - 5; exit }' /proc/buddyinfo
}

# meminfo_kb FIELD: a /proc/meminfo value in kB.
meminfo_kb() {
	awk -v f="$1:" '$1 == f { print $2 }' /proc/meminfo
}

# Where memlab's code and areas were while it was loaded. Once it is
# unloaded the kernel can no longer name it: a kmemleak backtrace frame or a
# vmallocinfo caller in memlab prints as a bare address. So every load is
# marked while memlab is there, and those addresses are attributed to it
# later, in this test or any later one of the same boot.
RANGES=/tmp/memlab-ranges
AREAS=/tmp/memlab-areas

# hex16 ADDR: ADDR (hex, with or without 0x) as 16 lower-case digits, which
# then compare as strings the way they compare as numbers.
hex16() {
	_h=$(printf '%s' "${1#0x}" | tr 'A-F' 'a-f')
	while [ "${#_h}" -lt 16 ]; do
		_h=0$_h
	done
	printf '%s\n' "$_h"
}

# memlab_mark [MODULE]: while memlab (or MODULE, a module built of memlab's
# code: memlab_kunit) is loaded, add its module range (/proc/modules: base,
# size) to RANGES, and its vmalloc areas now to AREAS.
memlab_mark() {
	read -r _base _size <<EOF
$(awk -v m="${1:-memlab}" '$1 == m { print $6, $2 }' /proc/modules)
EOF
	[ -n "$_size" ] || return 1
	_b=$(hex16 "$_base")
	# The end, base + size, with the carry done by hand: busybox's
	# arithmetic is signed, and kernel addresses have the top bit set.
	_lo=$((0x${_b#????????} + _size))
	_hi=$((0x${_b%????????} + _lo / 4294967296))
	_e=$(printf '%08x%08x' $((_hi % 4294967296)) $((_lo % 4294967296)))
	case "$_b" in
	0000000000000000) return 1 ;; # kptr_restrict hides it
	esac
	grep -qx "$_b $_e" "$RANGES" 2>/dev/null || echo "$_b $_e" >>"$RANGES"
	awk -v m="[${1:-memlab}]" 'index($0, m) { print $1 }' /proc/vmallocinfo >>"$AREAS"
}

# memlab_addr_owned ADDR: ADDR lies in a range memlab had (memlab_mark).
memlab_addr_owned() {
	[ -s "$RANGES" ] || return 1
	awk -v a="x$(hex16 "$1")" '"x" $1 <= a && a < "x" $2 { found = 1 }
		END { exit !found }' "$RANGES"
}

# memlab_owned_lines FILE: the lines of FILE that name [memlab] or hold an
# address (0x + 16 digits) in a range memlab had.
memlab_owned_lines() {
	[ -f "$1" ] || return 0
	awk -v rf="$RANGES" '
	BEGIN { while ((getline l < rf) > 0) { split(l, r, " "); lo[++n] = "x" r[1]; hi[n] = "x" r[2] } }
	{
		hit = /\[memlab\]/
		s = $0
		while (!hit && match(s, /0x[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]/)) {
			a = "x" substr(s, RSTART + 2, 16)
			s = substr(s, RSTART + RLENGTH)
			for (i = 1; i <= n; i++)
				if (lo[i] <= a && a < hi[i])
					hit = 1
		}
		if (hit)
			print
	}' "$1"
}

# memlab_kmemleak_records FILE: the whole records of a kmemleak report FILE
# ("unreferenced object" to the end of its backtrace) that have a frame in
# memlab, named or by its address range.
memlab_kmemleak_records() {
	awk '/^unreferenced object/ { n++ } n { print n "\t" $0 }' "$1" >/tmp/kml-numbered
	memlab_owned_lines /tmp/kml-numbered | cut -f1 | sort -un >/tmp/kml-hits
	awk -F '\t' 'FILENAME == "/tmp/kml-hits" { want[$1] = 1; next }
		want[$1] { sub(/^[0-9]+\t/, ""); print }' /tmp/kml-hits /tmp/kml-numbered
}

# nothing_left: after unload, nothing of memlab's: no memlab-* cache, no
# /proc or debugfs directory, and no vmalloc area that was memlab's (one of
# the areas it had when last marked, or any whose caller lies in memlab's
# code) unless the kernel has since given that range to someone else.
# Prints what it finds.
nothing_left() {
	_left=$(
		grep '^memlab-' /proc/slabinfo
		[ ! -e /proc/memlab ] || echo "/proc/memlab is still there"
		[ ! -e "$DBG" ] || echo "$DBG is still there"
		awk '$3 ~ /^0x/' /proc/vmallocinfo >/tmp/vm-raw
		memlab_owned_lines /tmp/vm-raw
		grep '\[memlab\]' /proc/vmallocinfo
		if [ -s "$AREAS" ]; then
			awk 'FILENAME == ARGV[1] { a[$1] = 1; next } ($1 in a) && $3 ~ /^0x/' \
				"$AREAS" /proc/vmallocinfo
		fi
	)
	[ -z "$_left" ] && return 0
	printf '%s\n' "$_left" | sort -u | head -n 20 | sed 's/^/# left after unload: /'
	return 1
}

memlab_load() {
	insmod "$KO" "$@" || return
	memlab_mark memlab
	return 0
}

memlab_unload() {
	memlab_mark memlab
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

# What an injected allocation failure (fail-nth: t-faultinject,
# t-zzy-examples) makes the kernel itself print, none of it a problem of
# the module under test: the WARNs of the loader's trace events when the
# fields of a module's tracepoints cannot be allocated (event_define_fields)
# and, once such a module is unloaded, of its half-made event files
# (event_file_put, 6.12); allocation profiling's WARN when it cannot
# allocate the vector that tags a slab's objects (6.12); and kmemleak's note
# that it scans a whole object when it cannot allocate a scan area.
# shellcheck disable=SC2034 # used by the tests that source this file
FI_NOT_BAD='^WARNING: CPU: [0-9]+ PID: [0-9]+ at (kernel/trace/trace_events\.c:[0-9]+ event_(define_fields|file_put)|mm/slub\.c:[0-9]+ alloc_tagging_slab_alloc_hook)\+|^kmemleak: Cannot allocate a scan area, scanning the full object$'

# rmmod_leaker NAME FUNC SIZE: rmmod NAME, which leaked one SIZE-byte
# kmalloc object in FUNC on purpose. With allocation profiling on
# (/proc/sys/vm/mem_profiling 1) the kernel WARNs at unload for each call
# site of the module whose bytes are still allocated (lib/alloc_tag.c): the
# leak seen a second way, inside a console window. FUNC's line must then
# say one object of the kmalloc cache for SIZE: its slab_size bytes, what
# the tag counts. Prints what it found; status 0 when rmmod worked and,
# with profiling on, FUNC's line is right.
rmmod_leaker() {
	_m=$(dmesg_mark)
	expect_begin '^WARNING: CPU: [0-9]+ PID: [0-9]+ at lib/alloc_tag\.c:[0-9]+ alloc_tag_module_unload\+|^Call Trace:$'
	rmmod "$1"
	_rc=$?
	expect_end
	if [ "$_rc" -ne 0 ]; then
		ktap_print_msg "rmmod $1 failed"
		return 1
	fi
	mem_profiling || return 0
	_c=kmalloc-$(kmalloc_bucket "$3")
	_b=$(cat "/sys/kernel/slab/$_c/slab_size" 2>/dev/null)
	_l=$(dmesg_since "$_m" | grep -E " module $1 func:$2 has [0-9]+ allocated at module unload\$")
	ktap_print_msg "allocation profiling at rmmod: ${_l:-nothing of $2}"
	[ -n "$_b" ] && case "$_l" in
	*" has $_b allocated at module unload") return 0 ;;
	esac
	ktap_print_msg "... not one object of $_c (${_b:-no slab_size} bytes)"
	return 1
}

# mem_profiling: whether allocation profiling counts now (/proc/allocinfo).
mem_profiling() {
	[ "$(cat /proc/sys/vm/mem_profiling 2>/dev/null)" = 1 ]
}

# m=$(dmesg_mark): writes a unique line to the kernel log and prints it,
# for dmesg_since. (Counting dmesg's lines instead stops working once the
# ring buffer is full, as it is late in a long run: the count stays put.)
dmesg_mark() {
	_m="memlab-mark: $(cat /proc/sys/kernel/random/uuid)"
	echo "$_m" >/dev/kmsg
	echo "$_m"
}

# dmesg_since MARK: the kernel log after MARK's line, without timestamps;
# nothing, and status 1, when the mark is no longer in the buffer.
dmesg_since() {
	dmesg | sed 's/^\[ *[0-9.]*\] //' | awk -v m="$1" '
		found { print; next }
		$0 == m { found = 1 }
		END { exit !found }'
}

# insmod_errno KO [PARAM...]: insmod; prints OK or the errno insmod reports.
insmod_errno() {
	_err=$(insmod "$@" 2>&1)
	case "$_err" in
	"") echo OK ;;
	*"Operation not supported"*) echo EOPNOTSUPP ;;
	*"Invalid argument"*) echo EINVAL ;;
	*"Cannot allocate memory"*) echo ENOMEM ;;
	*) echo "OTHER($_err)" ;;
	esac
}

# loaded NAME: module NAME is in /proc/modules.
loaded() {
	grep -q "^$1 " /proc/modules
}

# has_line FILE ERE: FILE has a line matching ERE; shows FILE when not.
has_line() {
	grep -qE "$2" "$1" && return 0
	ktap_print_msg "no line matching '$2' in:"
	sed 's/^/#   /' "$1" | head -n 60
	return 1
}

# size_name BYTES: 4K, 2M, 1G, 16K, 32M, 64G, ... as the files print sizes.
size_name() {
	_n=$(($1 >> 10))
	set -- K M G T P
	while [ "$_n" -ge 1024 ] && [ $((_n % 1024)) -eq 0 ]; do
		_n=$((_n >> 10))
		shift
	done
	echo "$_n$1"
}

# memhog_start MIB SECONDS: tests/guest/memhog holds MIB MiB for SECONDS in
# the background (its pid in hog_pid); returns once it holds them, or it
# ended, or after a minute. What it said is in /tmp/hog.out, emptied first:
# the background job truncates it only once it runs, and an earlier test's
# "holding" line would end the wait at once (6.12 counted on nothing held).
memhog_start() {
	: >/tmp/hog.out
	"$(dirname "$0")/memhog" "$1" "$2" >/tmp/hog.out 2>&1 &
	hog_pid=$!
	mh_i=0
	while [ "$mh_i" -lt 600 ] && ! grep -q holding /tmp/hog.out && kill -0 "$hog_pid" 2>/dev/null; do
		sleep 0.1
		mh_i=$((mh_i + 1))
	done
}
