#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The learner's scripts: memlab-load, memlab-stats, memlab-unload,
# memlab-demo and memlab-bench exit 0 when they succeed, and otherwise
# non-zero with exactly one line on stderr that says why; memlab-bench
# writes the CSV that docs/bench.md documents.
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/ktap.sh"
KO=${MEMLAB_KO:-/memlab/memlab.ko}
S=/memlab/scripts
T=/tmp/t-scripts
rm -rf "$T"
mkdir -p "$T"
unset MEMLAB_KO

# try COMMAND...: run it, keeping its stdout, stderr and status.
try() {
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
}

# refused DESCRIPTION PATTERN: the last try failed with one line matching PATTERN.
refused() {
	lines=$(wc -l <"$T/err" | tr -d ' ')
	if [ "$rc" -ne 0 ] && [ "$lines" -eq 1 ] && grep -qE "$2" "$T/err"; then
		ktap_test_pass "$1"
	else
		ktap_print_msg "$1: status $rc, $lines line(s) on stderr, expected one matching '$2':"
		sed 's/^/# err: /' "$T/err"
		sed 's/^/# out: /' "$T/out"
		ktap_test_fail "$1"
	fi
}

# worked DESCRIPTION PATTERN: the last try exited 0 and printed PATTERN.
worked() {
	if [ "$rc" -eq 0 ] && grep -qE "$2" "$T/out"; then
		ktap_test_pass "$1"
	else
		ktap_print_msg "$1: status $rc, expected 0 and output matching '$2':"
		sed 's/^/# err: /' "$T/err"
		tail -n 20 "$T/out" | sed 's/^/# out: /'
		ktap_test_fail "$1"
	fi
}

loaded() {
	grep -q '^memlab ' /proc/modules
}

# as_nobody COMMAND...: run a script as user nobody (uid 65534).
as_nobody() {
	su nobody -s /bin/sh -c "$*"
}

ktap_print_header "memlab-load, memlab-stats, memlab-unload, memlab-demo, memlab-bench"
ktap_set_plan 52

try memlab-stats
refused "memlab-stats before load says memlab is not loaded" 'not loaded'
try memlab-bench -s kmalloc -z 64 -p pair -i 100
refused "memlab-bench before load says memlab is not loaded" '^memlab-bench: memlab is not loaded'
try memlab-unload
refused "memlab-unload before load says memlab is not loaded" 'not loaded'

try as_nobody "$S/memlab-load"
refused "memlab-load as nobody is refused: root" '^memlab-load: must run as root'
try as_nobody "$S/memlab-unload"
refused "memlab-unload as nobody is refused: root" '^memlab-unload: must run as root'
try as_nobody "$S/memlab-demo"
refused "memlab-demo as nobody is refused: root" '^memlab-demo: must run as root'
try as_nobody "$S/memlab-bench"
refused "memlab-bench as nobody is refused: root" '^memlab-bench: must run as root'

try memlab-load max_bytes=1
refused "max_bytes=1 is refused with memlab's reason from the kernel log" \
	'memlab: invalid parameter max_bytes=1: must be between'
try memlab-load demo=maybe
refused "demo=maybe is refused with memlab's reason" 'invalid parameter demo=maybe'
try memlab-load mempool_min=0
refused "mempool_min=0 is refused with memlab's reason" 'invalid parameter mempool_min=0'
try memlab-load colour=blue
refused "an unknown parameter is refused, naming the known ones" "unknown parameter 'colour'.*max_bytes"
try memlab-load max_bytes
refused "a word that is not param=value is refused" 'not param=value'
ktap_check "after the refusals memlab is not loaded" test ! -e /proc/memlab

MEMLAB_KO=/nonexistent/memlab.ko
export MEMLAB_KO
try memlab-load
unset MEMLAB_KO
refused "MEMLAB_KO naming no file is refused" 'MEMLAB_KO=/nonexistent/memlab.ko: no such file'

# A module built for another kernel: a copy whose vermagic says 9.1.0-...
cp "$KO" "$T/other.ko"
off=$(strings -t d "$T/other.ko" | awk '$2 ~ /^vermagic=/ { print $1; exit }')
printf 9 | dd of="$T/other.ko" bs=1 seek=$((off + 9)) conv=notrunc 2>/dev/null
other=$(modinfo -F vermagic "$T/other.ko" | cut -d' ' -f1 | sed 's/[.+]/\\&/g')
MEMLAB_KO=$T/other.ko
export MEMLAB_KO
try memlab-load
unset MEMLAB_KO
refused "a module built for another kernel is refused, saying how to rebuild" \
	"was built for kernel $other, this is [^ ]*: rebuild it with make clean && make KDIR="

# Lockdown, as Secure Boot sets it: an unsigned module is refused. The
# lockdown file is faked on a tmpfs over securityfs's mount point.
if [ -d /sys/kernel/security ] && mount -t tmpfs lockdown /sys/kernel/security; then
	echo 'none [integrity] confidentiality' >/sys/kernel/security/lockdown
	try memlab-load
	umount /sys/kernel/security
	refused "under lockdown=integrity an unsigned module is refused, saying why" \
		'lockdown is \[integrity\].*unsigned'
else
	ktap_test_skip "under lockdown=integrity an unsigned module is refused: no securityfs in this kernel"
fi
if loaded; then
	rmmod memlab
fi

try memlab-load
worked "memlab-load loads memlab and prints its load line" '^memlab: loaded: version'
ktap_check "/proc/memlab/stats exists" test -r /proc/memlab/stats
try memlab-load
refused "loading twice is refused" 'already loaded.*memlab-unload'

try memlab-stats --raw
cat /proc/memlab/stats >"$T/raw"
ktap_check "memlab-stats --raw prints the file unchanged" cmp -s "$T/out" "$T/raw"

try memlab-stats
worked "memlab-stats exits 0 and shows the table" '^strategy +allocs +frees +failures +live +bytes_req +bytes_alloc +peak_bytes_alloc$'
# Lines 2-11: the header, the eight strategies in order, total; all aligned.
rows=$(sed -n '2,11p' "$T/out" | awk '{ printf "%s ", $1 }')
ktap_expect_eq "the table has the 10 rows in order" \
	"strategy kmalloc kzalloc vmalloc kvmalloc kmem_cache alloc_pages mempool percpu total " "$rows"
widths=$(sed -n '2,11p' "$T/out" | awk '{ print length($0) }' | sort -u | wc -l | tr -d ' ')
ktap_expect_eq "the 10 rows have the same width" 1 "$widths"
# Counts as in the file, byte columns in B, KiB, MiB or GiB.
sed -n '3,11p' "$T/out" >"$T/table"
bad=$(awk '
	NR == FNR { n[$1] = $2 " " $3 " " $4 " " $5; next }
	!/^#/ && n[$1] != $2 " " $3 " " $4 " " $5 { print "counts of " $1 }
' "$T/table" "$T/raw")
bad=$bad$(awk '{ for (i = 6; i <= 10; i += 2) if ($(i + 1) !~ /^(B|KiB|MiB|GiB)$/ || $i !~ /^[0-9]+(\.[0-9])?$/) print "size " $0 }' "$T/table")
ktap_expect_eq "counts match the file and sizes are human-readable" "" "$bad"
ktap_check "the cap line shows max_bytes in MiB" grep -q '^used .* of the 64 MiB cap (max_bytes)' "$T/out"

# Six seconds for two draws: a loaded host slows each draw of the guest's
# table to seconds (two runs drew once in three).
try timeout 6 memlab-stats --watch 1
clears=$(grep -c "$(printf '\033')\[H" "$T/out")
if [ "$clears" -ge 2 ] && grep -q '^strategy ' "$T/out"; then
	ktap_test_pass "memlab-stats --watch 1 clears and redraws the table each second"
else
	ktap_print_msg "--watch drew $clears times"
	ktap_test_fail "memlab-stats --watch 1 clears and redraws the table each second"
fi
try memlab-stats --watch 0
refused "memlab-stats --watch 0 is refused" 'whole number of seconds'
try memlab-stats --bogus
refused "memlab-stats with an unknown option prints the usage" 'usage: memlab-stats'
try as_nobody "$S/memlab-stats"
worked "memlab-stats works for a user who is not root" '^total '

# memlab-bench: the CSV documented in docs/bench.md, one row per run.
BENCH_HEADER="strategy,size,pattern,iterations,batch,raw_alloc_min_ns,raw_alloc_p50_ns,raw_alloc_p99_ns,raw_alloc_max_ns,raw_free_p50_ns,raw_free_p99_ns,tracked_alloc_p50_ns,tracked_alloc_p99_ns,tracked_free_p50_ns,tracked_free_p99_ns,raw_alloc_p50_cycles,tracked_alloc_p50_cycles,timer_ns,timer_cycles,tracked_over_raw,kernel,arch,page_size,preempt,init_on_alloc,init_on_free,slab_merge,kfence,alloc_profiling,icount"
# bench_rows FILE: "strategy size pattern iterations" of each row whose 30
# fields are all there, the figures numbers, the ratio with two decimals
# (the ten conditions after it: t-bench.sh).
bench_rows() {
	awk -F, 'NR > 1 {
		ok = NF == 30
		for (i = 4; i <= 19; i++) if ($i !~ /^[0-9]+$/) ok = 0
		if ($20 !~ /^[0-9]+\.[0-9][0-9]$/) ok = 0
		if (ok) printf "%s %s %s %s;", $1, $2, $3, $4
	}' "$1"
}
# 1000 iterations (500 above 4 KiB), a fifth of that on the debug kernel,
# whose checkers make each allocation some fifty times slower.
i1=1000
[ -e /sys/kernel/debug/kmemleak ] && i1=200
i2=$((i1 / 2))
try memlab-bench -s "kmalloc kmem_cache" -z "64 8192" -p pair -i "$i1" -o "$T/bench.csv"
ktap_expect_eq "memlab-bench runs a small matrix: exit status" 0 "$rc"
ktap_expect_eq "memlab-bench writes the documented CSV header" "$BENCH_HEADER" \
	"$(head -n 1 "$T/bench.csv")"
# Above 4 KiB the iterations go down: i1 x 4096 / 8192.
ktap_expect_eq "one complete row per run, fewer iterations above 4 KiB" \
	"kmalloc 64 pair $i1;kmalloc 8192 pair $i2;kmem_cache 64 pair $i1;kmem_cache 8192 pair $i2;" \
	"$(bench_rows "$T/bench.csv")"
ktap_expect_eq "memlab-bench shows one progress line per run" 4 \
	"$(grep -c '^\[[1-4]/4\] .* tracked/raw [0-9]' "$T/err")"
try memlab-bench --repeat 3 kmalloc 64 "$i2"
ktap_expect_eq "--repeat 3: three rows on stdout" \
	"kmalloc 64 pair $i2;kmalloc 64 pair $i2;kmalloc 64 pair $i2;" "$(bench_rows "$T/out")"
ktap_check "--repeat reports the spread of the p50s and of tracked/raw" \
	sh -c "grep -q '^raw_alloc_p50_ns over 3 runs: median [0-9]*, .* spread +-' '$T/err' &&
		grep -q '^tracked_over_raw over 3 runs: median [0-9]*\.[0-9][0-9], ' '$T/err'"
try memlab-bench -s kmalloc -z 64 -p sideways
refused "an unknown pattern is refused" '^memlab-bench: unknown pattern sideways'
# --min-ids: ids handed out up to N before the first run, untimed. The id
# memlab hands out next shows on an allocation of its own, freed at once.
ML=/sys/kernel/debug/memlab
last_id() {
	echo "alloc kmalloc 8" >"$ML/control"
	awk '!/^#/ && $1 + 0 > m { m = $1 + 0 } END { print m + 0 }' "$ML/allocations"
}
mi=$(last_id)
echo "free $mi" >"$ML/control"
mi=$((mi + 3000))
try memlab-bench --min-ids "$mi" -s kmalloc -z 64 -p pair -i 100
last=$(last_id)
echo "free $last" >"$ML/control"
# memlab gives out the lowest free id: the next id stays where it was, and
# --min-ids says it has nothing to do (where ids only grew, it handed them
# out up to N first).
min_ids_ok() {
	[ "$rc" -eq 0 ] && [ "$(bench_rows "$T/out")" = "kmalloc 64 pair 100;" ] || return 1
	if [ "$last" -le "$((mi - 3000))" ]; then
		grep -q "the next id stays [0-9]*: memlab gives out the lowest free id" "$T/err"
	else
		grep -q "handing out ids up to $mi" "$T/err" && [ "$last" -gt "$mi" ]
	fi
}
ktap_check "--min-ids $mi: ids handed out up to it first, or none where ids are reused; then the run ($rc, next id $last)" min_ids_ok
try memlab-bench --min-ids many
refused "--min-ids with no number is refused" '^memlab-bench: --min-ids .*needs a number'

try memlab-unload
worked "memlab-unload prints the summary line" '^memlab: unloaded: reclaimed [0-9]+ allocations, [0-9]+ bytes$'
if [ "$rc" -eq 0 ] && ! loaded && grep -q '^nothing left behind' "$T/out"; then
	ktap_test_pass "memlab-unload unloads and finds nothing left"
else
	ktap_test_fail "memlab-unload unloads and finds nothing left"
fi

# Something left behind: a slab cache that outlives the module.
memlab-load demo=0 >/dev/null
{ cat /proc/slabinfo; echo 'memlab-4242 1 1 4248 1 2 : tunables 0 0 0 : slabdata 1 1 0'; } >"$T/slabinfo"
mount -o bind "$T/slabinfo" /proc/slabinfo
try memlab-unload
umount /proc/slabinfo
refused "memlab-unload fails when a memlab cache is left in /proc/slabinfo" 'left behind after unload: slab caches: memlab-4242'

# ... and a vmalloc area. After unload, an area memlab left behind shows
# its caller as a bare address, in the range memlab's code had
# (/proc/modules: base, size), as the kernel prints an unloaded caller.
# The copy laid over /proc/vmallocinfo adds two such areas: one whose
# caller lies at the start of memlab's range, which memlab-unload must
# count, and one just past its end (another module's), which it must not.
# addr_plus HEX N: HEX + N as 0x and 16 digits, the carry done by hand
# (busybox's arithmetic is signed, kernel addresses have the top bit set).
addr_plus() {
	_h=$(printf '%16s' "${1#0x}" | tr ' A-F' '0a-f')
	_l=$((0x${_h#????????} + $2))
	printf '0x%08x%08x\n' $(((0x${_h%????????} + _l / 4294967296) % 4294967296)) $((_l % 4294967296))
}
memlab-load demo=0 >/dev/null
read -r base size <<EOF
$(awk '$1 == "memlab" { print $6, $2 }' /proc/modules)
EOF
{
	cat /proc/vmallocinfo
	echo "0xffffc90000f00000-0xffffc90000f03000   12288 $(addr_plus "$base" 16) pages=2 vmalloc N0=2"
	echo "0xffffc90000f04000-0xffffc90000f07000   12288 $(addr_plus "$base" "$size") pages=2 vmalloc N0=2"
} >"$T/vmallocinfo"
ktap_print_msg "memlab at $base, $size bytes; the two areas added:"
tail -n 2 "$T/vmallocinfo" | sed 's/^/# /'
mount -o bind "$T/vmallocinfo" /proc/vmallocinfo
try memlab-unload
umount /proc/vmallocinfo
refused "memlab-unload fails when a vmalloc area called from memlab's range is left" \
	'left behind after unload: 1 vmalloc areas'

# Where kptr_restrict=2 hides every address, from root too, memlab-unload
# cannot see memlab's range: it says the areas went unchecked.
kr=$(cat /proc/sys/kernel/kptr_restrict)
memlab-load demo=0 >/dev/null
echo 2 >/proc/sys/kernel/kptr_restrict
try memlab-unload
echo "$kr" >/proc/sys/kernel/kptr_restrict
worked "under kptr_restrict=2 memlab-unload says the vmalloc areas went unchecked" \
	'^nothing left behind: .*vmalloc areas not checked: kptr_restrict'

# Where debugfs is not mounted, memlab-load mounts it.
umount /sys/kernel/debug
try memlab-load demo=0
worked "memlab-load mounts debugfs when it is not mounted" '^memlab-load: mounted debugfs'
ktap_check "... and the control file is there" test -e /sys/kernel/debug/memlab/control
rmmod memlab

# With no memlab.ko at hand, the module installed for this kernel, by modprobe.
kdir=/lib/modules/$(uname -r)
mkdir -p "$kdir/extra"
cp "$KO" "$kdir/extra/memlab.ko"
depmod
mv "$KO" "$T/saved.ko"
try memlab-load demo=0
mv "$T/saved.ko" "$KO"
worked "memlab-load loads the installed module with modprobe" '^memlab: loaded: version'
rmmod memlab 2>/dev/null
rm -f "$kdir/extra/memlab.ko"
depmod

try memlab-demo /nonexistent.ko
refused "memlab-demo with a missing module says so" 'nonexistent.ko: no such file'

try memlab-demo "$KO"
worked "memlab-demo runs to the end" '^memlab-demo: done, every step worked'
steps=$(grep -c '^== Step [0-9]* of 15: ' "$T/out")
ktap_expect_eq "memlab-demo shows its 15 steps" 15 "$steps"
if [ ! -s "$T/err" ] && ! loaded; then
	ktap_test_pass "memlab-demo writes nothing on stderr and leaves memlab unloaded"
else
	sed 's/^/# err: /' "$T/err"
	ktap_test_fail "memlab-demo writes nothing on stderr and leaves memlab unloaded"
fi
ktap_print_msg "memlab-demo's output:"
sed 's/^/# | /' "$T/out"

memlab-load demo=0 >/dev/null
try memlab-demo "$KO"
refused "memlab-demo while memlab is loaded fails at step 1" 'step 1 failed: memlab-load: memlab is already loaded'
ktap_check "... and leaves the loaded module alone" loaded
rmmod memlab
ktap_finished
