#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The alloc options nowait (GFP_NOWAIT) and account (__GFP_ACCOUNT):
#  - every refusal: atomic with nowait, each option twice, the count after
#    an option, leak and bench, nowait with vmalloc and kvmalloc where the
#    kernel's vmalloc cannot do without sleeping (before 6.19), account with
#    the mempool, account on a kernel without memory cgroups (the debug
#    kernel); a refused command changes nothing and logs its reason;
#  - what they make: nowait allocations show context nowait; account
#    allocations are charged to the writer's memory cgroup, as the kernel's
#    own figures say: the group's memory.stat (kernel, and slab, vmalloc,
#    percpu by strategy) and the kmalloc-cg-N caches of /proc/slabinfo;
#    without account nothing is charged and the plain kmalloc caches grow;
#  - memory.max: an account allocation over it is ENOMEM, all or nothing
#    (failures +1, nothing else changed), both a GFP_KERNEL one of a costly
#    order (no OOM killer for those) and a nowait one (which never
#    reclaims).
# shellcheck disable=SC2016 # sh -c programs, in single quotes
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/ktap.sh"
# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"

ktap_print_header "gfp: the nowait and account options"
PLAN=48
ktap_set_plan $PLAN

PAGE=$(page_size)
KMAX=$((PAGE << $(max_order)))
rel=$(uname -r)
major=${rel%%.*}
minor=${rel#*.}
minor=${minor%%[!0-9]*}
ver=$((major * 100 + minor))
CG=/sys/fs/cgroup
G=$CG/memlab-gfp
# Memory cgroups: the memory controller in cgroup v2's root (mounted here
# if the VM's init did not; /proc/cgroups no longer lists it on 7.x).
memcg=no
grep -q "^[^ ]* $CG cgroup2 " /proc/mounts || mount -t cgroup2 none "$CG" 2>/dev/null
grep -qw memory "$CG/cgroup.controllers" 2>/dev/null && memcg=yes
ktap_print_msg "kernel $rel, page size $PAGE, memory cgroups: $memcg"

memlab_load demo=0 max_bytes=512M || exit 1

# expect ERRNO COMMAND [REASON]: the write fails (or not) as said; a failed
# one changes nothing in the stats and logs REASON (when given) in its one
# "memlab: control:" line.
expect() {
	_before=$(grep -v '^# memlab' "$STATS")
	_m=$(dmesg_mark)
	_got=$(ctl "$2")
	_log=$(dmesg_since "$_m" | grep 'memlab: control: ')
	if [ "$1" != OK ] && [ "$_got" != OK ] && [ -z "$_log" ]; then
		# The line is rate-limited (10 in 5 s): once more, after 5 s.
		sleep 5
		_m=$(dmesg_mark)
		_got=$(ctl "$2")
		_log=$(dmesg_since "$_m" | grep 'memlab: control: ')
	fi
	if [ "$_got" != "$1" ]; then
		ktap_print_msg "'$2': expected $1, got $_got ($_log)"
		ktap_test_fail "'$2' gives $1"
	elif [ "$1" != OK ] && [ "$_before" != "$(grep -v '^# memlab' "$STATS")" ]; then
		ktap_print_msg "'$2' failed but changed the stats"
		ktap_test_fail "'$2' gives $1"
	elif [ -n "${3:-}" ] && [ "$_log" != "memlab: control: $3 ($1)" ]; then
		ktap_print_msg "'$2': the log says '$_log', not 'memlab: control: $3 ($1)'"
		ktap_test_fail "'$2' gives $1"
	else
		ktap_test_pass "'$2' gives $1${3:+: $3}"
	fi
}

# Refusals of the grammar, on every kernel.
expect EINVAL "alloc kmalloc 64 atomic nowait" "atomic and nowait: two contexts at once"
expect EINVAL "alloc kmalloc 64 2 nowait account atomic" "atomic and nowait: two contexts at once"
expect EINVAL "alloc kmalloc 64 nowait nowait" "too many arguments"
expect EINVAL "alloc kmalloc 64 account reclaimable account" "too many arguments"
expect EINVAL "alloc kmalloc 64 nowait 3" "count must come before the options"
expect EINVAL "alloc kmalloc 64 nowaitx" "unknown option"
expect EINVAL "leak kmalloc 64 nowait" "leak takes no option"
expect EINVAL "bench kmalloc 64 account" "unknown option"
expect E2BIG "alloc kmalloc $((KMAX + 1)) nowait"
expect ENOSPC "alloc kmalloc 4096 10000000 nowait"

# nowait with vmalloc and kvmalloc: as this kernel's vmalloc can (memlab: 7.0 on;
# 6.19 brought it, with no name in the headers to tell).
if [ "$ver" -ge 700 ]; then
	expect OK "alloc vmalloc 64K nowait"
	expect OK "alloc kvmalloc 1M nowait"
else
	expect EINVAL "alloc vmalloc 64K nowait" "nowait with a strategy that sleeps on this kernel"
	expect EINVAL "alloc kvmalloc 1M nowait" "nowait with a strategy that sleeps on this kernel"
fi
ctl "free all" >/dev/null

# nowait with the others: made, and listed with context nowait.
ok=
for s in kmalloc kzalloc kmem_cache alloc_pages mempool percpu; do
	ok="$ok $(ctl "alloc $s 256 2 nowait")"
done
ktap_expect_eq "nowait allocates with every other strategy" \
	" OK OK OK OK OK OK" "$ok"
ktap_expect_eq "... and the allocations file shows their context nowait" 12 \
	"$(awk '$5 == "nowait"' "$DBG/allocations" | wc -l)"
expect OK "alloc kmalloc 64 reclaimable nowait"
ctl "free all" >/dev/null

# Under pressure, against the watermarks of /proc/zoneinfo. memhog holds
# all but 64 MiB of what is available; nothing else is reclaimable (caches
# dropped, no swap). Then, in blocks of order 4 (no per-CPU lists: each one
# leaves the zone's free count), as much as takes the zones a quarter of
# the largest zone's min below their min watermarks:
#  - nowait is ENOMEM: GFP_NOWAIT stops at min;
#  - atomic is made, and leaves the zone below min: GFP_ATOMIC may go down
#    to 3/8 of it;
#  - GFP_KERNEL for 16 MiB more than is free above min is made too, by
#    reclaim: memlab's reclaimable allocations are what the kernel finds.
# Not on the debug kernel: KASAN's quarantine holds freed memory back.
# zones: "name free min low high protection-for-GFP_KERNEL" per zone.
zones() {
	awk '$1 == "Node" { z = $4; n++; name[n] = z }
		$1 == "pages" && $2 == "free" { f[n] = $3 }
		$1 == "min" { m[n] = $2 } $1 == "low" { l[n] = $2 } $1 == "high" { h[n] = $2 }
		$1 == "protection:" { gsub(/[(),]/, " "); p[n] = $0 }
		END {
			for (i = 1; i <= n; i++)
				if (name[i] == "Normal") ni = i - 1
			for (i = 1; i <= n; i++) {
				split(p[i], a, " ")
				print name[i], f[i], m[i], l[i], h[i], a[2 + ni] + 0
			}
		}' /proc/zoneinfo
}
# headroom NUM DEN: the pages GFP_KERNEL-class allocations may take before
# every zone is at NUM/DEN of its min (plus its protection).
headroom() {
	zones | awk -v a="$1" -v b="$2" '{ r = $2 - int($3 * a / b) - $6; if (r > 0) n += r } END { print n + 0 }'
}
# big FIELD: a field of the zone with the largest min (2 free, 3 min).
big() {
	zones | awk -v k="$1" '$3 > m { m = $3; v = $k } END { print v }'
}
vmstat() {
	awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat
}
# stalls: how many times allocations entered direct reclaim, in any zone.
stalls() {
	awk '$1 ~ /^allocstall_/ { n += $2 } END { print n + 0 }' /proc/vmstat
}
if [ -e /sys/kernel/debug/kmemleak ]; then
	for c in nowait atomic "no OOM kill" kernel; do
		ktap_test_skip "under pressure, $c: not on the debug kernel (KASAN's quarantine)"
	done
else
	ctl "free all" >/dev/null
	# THP on madvise: khugepaged leaves memhog alone (collapsing its
	# pages would free and take pages while we count), and min_free_kbytes
	# stays as THP raised it. PREEMPT_RT has no THP (no file).
	thp=/sys/kernel/mm/transparent_hugepage/enabled
	thp0=
	if [ -e "$thp" ]; then
		thp0=$(sed 's/.*\[\(.*\)\].*/\1/' "$thp")
		echo madvise >"$thp"
	fi
	settle
	hog=$(($(meminfo_kb MemAvailable) / 1024 - 64))
	memhog_start "$hog" 600
	if ! kill -0 "$hog_pid" 2>/dev/null; then
		# The OOM killer took it (6.12-arm64-16k once: its zones' min is
		# 160 MiB): once more, leaving the min watermarks too.
		ktap_print_msg "memhog of $hog MiB did not last: $(cat /tmp/hog.out)"
		settle
		minmb=$(awk -v p="$PAGE" '$1 == "min" { m += $2 } END { print int(m * p / 1048576) }' /proc/zoneinfo)
		hog=$(($(meminfo_kb MemAvailable) / 1024 - 64 - minmb))
		memhog_start "$hog" 600
	fi
	B=$((PAGE << 4))
	min=$(big 3)
	h=$(headroom 1 1)
	n=$(((h + min / 4 + 15) / 16))
	ktap_print_msg "memhog: $(cat /tmp/hog.out); zones (free min low high protection):$(zones | tr '\n' ';'); $n blocks of $B: $((n * 16)) pages, above min $h, above 3/8 min $(headroom 3 8)"
	st0=$(stalls)
	got=$(ctl "alloc alloc_pages $B $n nowait")
	st1=$(stalls)
	ktap_expect_eq "nowait: $n blocks, a quarter of min more than is free above min: ENOMEM, without direct reclaim (allocstall +$((st1 - st0)))" \
		"ENOMEM 0" "$got $((st1 - st0))"
	# Below min every allocation that may wait must reclaim, and with
	# nothing to reclaim the OOM killer would end memhog: so no fork
	# (echo is the shell's own) until the blocks are given back.
	if echo "alloc alloc_pages $B $n atomic" >"$CTL" 2>/dev/null; then
		echo "free alloc_pages" >"$CTL"
		got=OK
	else
		got=failed
	fi
	st2=$(stalls)
	ktap_print_msg "atomic: $got; allocstall +$((st2 - st1)); $(cat /tmp/hog.out)"
	ktap_check "atomic: the same $n blocks are made ($got), $((n * 16 - h)) pages more than there were above min, without direct reclaim" \
		[ "$got" = OK -a "$st2" -eq "$st1" ]
	ktap_check "... and memhog is still there: no OOM kill" kill -0 "$hog_pid"
	# Pages the shrinker can give back: half of what is above min (whole
	# pages, whatever slab debugging adds to objects); then ask for what
	# is left above min and a quarter more.
	h=$(headroom 1 1)
	ctl "alloc alloc_pages $PAGE $((h / 2)) reclaimable" >/dev/null
	r0=$(awk '/^# shrinker/ { print $6 }' "$STATS")
	sc0=$(vmstat slabs_scanned)
	m=$((h / 2 + h / 8))
	st0=$(stalls)
	got=$(ctl "alloc alloc_pages $PAGE $m")
	r1=$(awk '/^# shrinker/ { print $6 }' "$STATS")
	ktap_print_msg "GFP_KERNEL: alloc alloc_pages $PAGE $m: $got; allocstall +$(($(stalls) - st0)), slabs_scanned +$(($(vmstat slabs_scanned) - sc0)), memlab reclaimed +$((r1 - r0))"
	ktap_check "GFP_KERNEL: $m pages, more than were free above min, are made by reclaim ($got, memlab's shrinker freed $((r1 - r0)))" \
		[ "$got" = OK -a "$r1" -gt "$r0" ]
	ctl "free all" >/dev/null
	kill "$hog_pid" 2>/dev/null
	wait "$hog_pid" 2>/dev/null
	[ -z "$thp0" ] || echo "$thp0" >"$thp"
fi

# account: refused for the mempool everywhere; on a kernel without memory
# cgroups refused for every strategy.
if [ "$memcg" = yes ]; then
	expect EINVAL "alloc mempool 256 account" "account with a strategy the kernel does not charge"
else
	expect EINVAL "alloc mempool 256 account" "account: this kernel charges no memory cgroup"
fi
if [ "$memcg" = no ]; then
	got=
	for s in kmalloc kzalloc vmalloc kvmalloc kmem_cache alloc_pages percpu; do
		got="$got $(ctl "alloc $s 4K account")"
	done
	ktap_expect_eq "no memory cgroups: account is refused for every strategy" \
		" EINVAL EINVAL EINVAL EINVAL EINVAL EINVAL EINVAL" "$got"
	expect EINVAL "alloc kmalloc 64 account" "account: this kernel charges no memory cgroup"
	# The rest is about charging: skipped on the debug kernel (no
	# CONFIG_MEMCG), failed on a Debian kernel, which has memory cgroups.
	rest=$((PLAN - KTAP_TESTNO - 1))
	while [ "$rest" -gt 0 ]; do
		if [ -e /sys/kernel/debug/kmemleak ]; then
			ktap_test_skip "charging a memory cgroup: no CONFIG_MEMCG on the debug kernel"
		else
			ktap_test_fail "charging a memory cgroup: a Debian kernel without memory cgroups"
		fi
		rest=$((rest - 1))
	done
	memlab_unload
	ktap_check "nothing left" nothing_left
	ktap_finished
	exit
fi
expect OK "alloc kmalloc 64 2 account atomic"
expect ENOSPC "alloc kmalloc 4096 10000000 account"
ctl "free all" >/dev/null

# A memory cgroup of our own, the memory controller on for the root's
# children.
echo +memory >"$CG/cgroup.subtree_control"
[ -d "$G" ] || mkdir "$G"
ktap_check "a cgroup v2 group with the memory controller ($G)" \
	[ -f "$G/memory.stat" -a -f "$G/memory.max" ]

# gctl COMMAND: write it from a shell that first moves itself into the
# group, as a learner's shell would be in it; prints the errno name.
gctl() {
	errno_name "$(sh -c 'echo $$ >"$1/cgroup.procs" && echo "$2" >"$3"' gctl "$G" "$1" "$CTL" 2>&1)"
}
# mstat KEY: a line of the group's memory.stat, in bytes.
mstat() {
	awk -v k="$1" '$1 == k { print $2 }' "$G/memory.stat"
}
# active NAME_ERE: the active objects of the caches whose name matches.
active() {
	awk -v re="^($1)\$" '$1 ~ re { n += $2 } END { print n + 0 }' /proc/slabinfo
}
# grown KEY FROM AT_LEAST: wait (up to 5 s: memory cgroups' statistics are
# flushed every 2 s) until the group's KEY has grown by AT_LEAST bytes;
# prints the growth.
grown() {
	_i=0
	while :; do
		_d=$(($(mstat "$1") - $2))
		if [ "$_d" -ge "$3" ] || [ "$_i" -ge 50 ]; then
			break
		fi
		sleep 0.1
		_i=$((_i + 1))
	done
	echo "$_d"
}

# kmalloc with account: charged to the group as slab, from kmalloc-cg-256.
settle
n=4000
ss=$(cat /sys/kernel/slab/kmalloc-cg-256/slab_size)
k0=$(mstat kernel)
s0=$(mstat slab)
cg0=$(active kmalloc-cg-256)
pl0=$(active 'kmalloc-256|kmalloc-rnd-[0-9]+-256')
ktap_expect_eq "'alloc kmalloc 256 $n account' from the group" OK "$(gctl "alloc kmalloc 256 $n account")"
ds=$(grown slab "$s0" $((n * 256)))
dk=$(grown kernel "$k0" $((n * 256)))
dcg=$(($(active kmalloc-cg-256) - cg0))
dpl=$(($(active 'kmalloc-256|kmalloc-rnd-[0-9]+-256') - pl0))
ktap_print_msg "memory.stat slab +$ds, kernel +$dk; kmalloc-cg-256 (slab_size $ss) +$dcg active, kmalloc-256 +$dpl"
ktap_check "the group's slab grew by $n objects of kmalloc-cg-256's slab_size ($ss) and their cgroup pointers: +$ds" \
	[ "$ds" -ge $((n * 256)) -a "$ds" -le $((n * (ss + 8) + (256 << 10))) ]
ktap_check "the group's kernel line grew as much: +$dk" \
	[ "$dk" -ge $((n * 256)) -a "$dk" -le $((n * (ss + 8) + (1 << 20))) ]
ktap_check "kmalloc-cg-256 has $n more active objects (+$dcg), the plain kmalloc-256 not (+$dpl)" \
	[ "$dcg" -ge $((n * 3 / 4)) -a "$dpl" -lt $((n / 4)) ]
ctl "free kmalloc" >/dev/null
ktap_check "freed, the group's slab is back (+$(($(mstat slab) - s0)))" \
	[ $(($(mstat slab) - s0)) -lt $((n * 256 / 4)) ]

# The same without account: nothing charged, the plain caches grow.
s0=$(mstat slab)
cg0=$(active kmalloc-cg-256)
pl0=$(active 'kmalloc-256|kmalloc-rnd-[0-9]+-256')
ktap_expect_eq "'alloc kmalloc 256 $n' from the group" OK "$(gctl "alloc kmalloc 256 $n")"
sleep 2
ds=$(($(mstat slab) - s0))
dcg=$(($(active kmalloc-cg-256) - cg0))
dpl=$(($(active 'kmalloc-256|kmalloc-rnd-[0-9]+-256') - pl0))
ktap_print_msg "without account: memory.stat slab +$ds; kmalloc-cg-256 +$dcg, kmalloc-256 +$dpl"
ktap_check "without account the group's slab does not grow by them (+$ds)" \
	[ "$ds" -lt $((n * 256 / 4)) ]
ktap_check "... and the plain kmalloc-256 has them (+$dpl), kmalloc-cg-256 not (+$dcg)" \
	[ "$dpl" -ge $((n * 3 / 4)) -a "$dcg" -lt $((n / 4)) ]
ctl "free all" >/dev/null

# Each strategy that takes account: its bytes in the group's kernel line,
# and in the line of its kind.
ncpu=$(awk '{ n = split($0, a, ","); c = 0; for (i = 1; i <= n; i++) { if (split(a[i], r, "-") == 2) c += r[2] - r[1] + 1; else c++ } print c }' /sys/devices/system/cpu/possible)
# charged STRATEGY SIZE COUNT LINE BYTES: the command from the group, then
# LINE and kernel each grew by 3/4 of BYTES at least: 7.3 flushes a
# group's statistics lazily, some 64 pages per CPU may lag behind (a run
# saw 28 of 32 kvmalloc'ed 64 KiB blocks); nothing charged is 0. With
# larger pages those 64 pages are more: the bound is then BYTES less 64
# pages, half of BYTES at least (16 KiB pages: a run's kernel line showed
# 1474560 of vmalloc's 2097152).
charged_min() {
	_m=$(($1 * 3 / 4))
	[ $(($1 - 64 * PAGE)) -ge "$_m" ] || _m=$(($1 - 64 * PAGE))
	[ "$_m" -ge $(($1 / 2)) ] || _m=$(($1 / 2))
	echo "$_m"
}
charged() {
	# The baseline after the flush that follows the last free (every 2 s):
	# read before it, it still held the freed bytes, and the growth came
	# out short by them (16 KiB pages: kmem_cache's "slab +-88776" after
	# kzalloc's 1 MB had gone).
	sleep 3
	_k0=$(mstat kernel)
	_l0=$(mstat "$4")
	_got=$(gctl "alloc $1 $2 $3 account")
	_dl=$(grown "$4" "$_l0" "$5")
	_dk=$(grown kernel "$_k0" "$5")
	ktap_print_msg "alloc $1 $2 $3 account: $_got; memory.stat $4 +$_dl, kernel +$_dk (of $5)"
	_min=$(charged_min "$5")
	ktap_check "alloc $1 $2 $3 account is charged to the group: $4 and kernel grow by $_min of $5 bytes at least" \
		[ "$_got" = OK -a "$_dl" -ge "$_min" -a "$_dk" -ge "$_min" ]
	ctl "free $1" >/dev/null
}
charged kzalloc 512 2000 slab $((2000 * 512))
charged kmem_cache 200 2000 slab $((2000 * 200))
charged vmalloc 1M 2 vmalloc $((2 << 20))
charged percpu 64 256 percpu $((256 * 64 * ncpu))
charged alloc_pages "$((PAGE << 4))" 4 kernel $((4 * (PAGE << 4)))
# kvmalloc: 64 KiB come from kmalloc (pages of the slab's big sizes); 16
# MiB from vmalloc when kmalloc cannot, and always from 4 MiB + 1 on.
charged kvmalloc 64K 64 kernel $((64 << 16))
charged kvmalloc $((KMAX + PAGE)) 1 vmalloc $((KMAX + PAGE))

# memory.max: a group that may hold little more than it does. Over it, an
# account allocation is ENOMEM and all or nothing: nothing held, only
# failures counts it. GFP_KERNEL of a costly order (above order 3) gets
# the group's reclaim but no OOM killer; nowait gets neither.
max0=$(cat "$G/memory.max")
echo $(($(cat "$G/memory.current") + (1 << 20))) >"$G/memory.max"
counters() {
	awk '/^# cap_bytes/ { print; next } /^#/ { next } { print $1, $2, $3, $5, $6, $7 }' "$STATS"
}
# over_max STRATEGY SIZE COUNT OPTIONS MAX: ENOMEM, failures + 1, nothing
# else changed (counters, latency, allocations); with MAX "grew",
# memory.events' max grew (the kernel reclaimed in the group first; a
# nowait charge gives up before that, and is only printed).
over_max() {
	_c0=$(counters)
	_lat0=$(cat "$DBG/latency")
	_f0=$(stat_field "$1" failures)
	_e0=$(awk '$1 == "max" { print $2 }' "$G/memory.events")
	_got=$(gctl "alloc $1 $2 $3 $4")
	_e1=$(awk '$1 == "max" { print $2 }' "$G/memory.events")
	ktap_print_msg "memory.max $(cat "$G/memory.max"), current $(cat "$G/memory.current"): alloc $1 $2 $3 $4: $_got; memory.events max +$((_e1 - _e0))"
	ktap_expect_eq "over memory.max, 'alloc $1 $2 $3 $4' is ENOMEM, counted in failures" \
		"ENOMEM 1" "$_got $(($(stat_field "$1" failures) - _f0))"
	_ok=0
	[ "$_lat0" = "$(cat "$DBG/latency")" ] || { ktap_print_msg "the latency file changed"; _ok=1; }
	[ "$_c0" = "$(counters)" ] || { ktap_print_msg "the counters changed"; _ok=1; }
	[ "$(live_allocations)" -eq 0 ] || { ktap_print_msg "allocations are live"; _ok=1; }
	if [ "$5" = grew ]; then
		[ "$_e1" -gt "$_e0" ] || { ktap_print_msg "memory.events max did not grow"; _ok=1; }
	fi
	ktap_check "... and holds nothing, changes no other counter${5:+; memory.events max: $5}" \
		[ "$_ok" -eq 0 ]
}
over_max alloc_pages "$((PAGE << 4))" 64 account grew
over_max kmalloc 256 20000 "nowait account" ""
over_max percpu 4K 200 "nowait account" ""
# GFP_ATOMIC (__GFP_HIGH) is charged over memory.max rather than fail:
# the group has no reserve of its own for atomic allocations.
got=$(gctl "alloc kmalloc 256 8000 atomic account")
cur=$(cat "$G/memory.current")
ktap_print_msg "alloc kmalloc 256 8000 atomic account: $got; memory.current $cur, memory.max $(cat "$G/memory.max")"
ktap_check "atomic account goes over memory.max instead of failing ($got, current $cur)" \
	[ "$got" = OK -a "$cur" -gt "$(cat "$G/memory.max")" ]
ctl "free all" >/dev/null
echo "$max0" >"$G/memory.max"
ktap_expect_eq "under the old memory.max again, the same command is made" OK \
	"$(gctl "alloc kmalloc 256 2000 nowait account")"
ctl "free all" >/dev/null

rmdir "$G"
ktap_check "the stats keep their invariants" check_invariants
memlab_unload
ktap_check "nothing left" nothing_left
ktap_finished
