#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Lesson 16 (docs/lessons/16-slub.md): memlab's own cache as SLUB shows it
# in /sys/kernel/slab/memlab-<size>/ and /proc/slabinfo, on each kernel.
# The test VMs boot with slab debugging for every cache but memlab-240
# (tests/rig/lib.sh: K_TEST), so memlab-240 is laid out as on a machine
# without slab debugging, memlab-200 as with it. Checked, from the kernel's
# own files:
#  - the boot line reached the kernel with its ';' block: memlab-240 has
#    no debug flag, memlab-200 all of FZPU;
#  - the per-CPU files each kernel has (cpu_partial, cpu_slabs,
#    slabs_cpu_partial; sheaf_capacity from 6.18), as the lesson lists them;
#  - a slab holds objs_per_slab = (PAGE_SIZE << order) / slab_size objects,
#    and slabinfo's columns are those files; the cache has no alias;
#  - what a CPU takes at once: before 7.0 a whole slab (cpu_partial by
#    SLUB's rule of the object size), from 7.0 a whole sheaf of
#    sheaf_capacity objects; a debugged cache takes one object at a time
#    (cpu_partial 0, no per-CPU slab, sheaf_capacity 0);
#  - slabinfo's active_objs is memlab's live count plus the free objects
#    the CPUs hold: within the per-CPU slabs' objects before 7.0, whole
#    sheaves from 7.0; freeing half leaves active_objs where it was; the
#    shrink file gives the CPUs' objects back and active_objs is the live
#    count; a debugged cache counts its live objects exactly throughout;
#  - before 7.0 the frees put slabs on a CPU's partial list, which
#    slabs_cpu_partial shows as "X(N)", X = N x objs_per_slab / 2.
# Under KASAN (the debug kernel) freed objects wait in its quarantine,
# still in use to the slab: there only the lower bounds hold.
# shellcheck disable=SC2016 # eval'd checks, in single quotes
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/ktap.sh"
# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"

PROD=240
DEBUGGED=200
SP=/sys/kernel/slab/memlab-$PROD
SD=/sys/kernel/slab/memlab-$DEBUGGED

PAGE=$(page_size)
NCPU=$(nproc)
rel=$(uname -r)
major=${rel%%.*}
minor=${rel#*.}
minor=${minor%%[!0-9]*}
ver=$((major * 100 + minor))
kasan=no
! grep -qw kasan_report /proc/kallsyms || kasan=yes

# slabinfo NAME: active_objs num_objs objsize objperslab pagesperslab
# num_slabs of cache NAME.
slabinfo() {
	awk -v n="$1" '$1 == n { print $2, $3, $4, $5, $6, $15 }' /proc/slabinfo
}
active() {
	slabinfo "memlab-$1" | cut -d' ' -f1
}
# kfence SIZE: the objects of memlab-SIZE that KFENCE holds now. Where it
# samples (the debug kernel; Debian's with kfence.sample_interval) an
# allocation now and then comes from KFENCE's own pool, outside the cache's
# slabs, and slabinfo does not count it: one of 100 did in a debug run.
kfence() {
	kf=/sys/kernel/debug/kfence/objects
	if [ -r $kf ]; then
		awk -v c="cache=memlab-$1" '
			/^kfence-#/ { if (o && !fr) n++; o = ($NF == c); fr = 0 }
			/^freed by task/ { fr = 1 }
			END { if (o && !fr) n++; print n + 0 }' $kf
	else
		echo 0
	fi
}
# live SIZE: memlab's live objects of memlab-SIZE (debugfs pools).
live() {
	awk -v n="memlab-$1" '$1 == n { print $5 }' "$DBG/pools"
}
# first FILE: the first word of a sysfs file ("105 N0=105" is 105).
first() {
	read -r _v _ <"$1"
	echo "$_v"
}
# flags DIR: the cache's four debug flags (sanity_checks red_zone poison
# store_user: FZPU).
flags() {
	echo "$(cat "$1/sanity_checks") $(cat "$1/red_zone") $(cat "$1/poison") $(cat "$1/store_user")"
}
# percpu_files DIR: the names of its per-CPU files, as the lesson lists them.
percpu_files() {
	for _f in "$1"/*cpu* "$1"/*sheaf*; do
		[ ! -e "$_f" ] || printf '%s\n' "${_f##*/}"
	done | sort | tr '\n' ' ' | sed 's/ $//'
}
# show SIZE: the cache's row and per-CPU files, as the lesson shows them.
show() {
	_files=$(for _f in $(percpu_files "/sys/kernel/slab/memlab-$1"); do
		printf '%s:%s ' "$_f" "$(cat "/sys/kernel/slab/memlab-$1/$_f")"
	done)
	ktap_print_msg "memlab-$1: slabinfo $(slabinfo "memlab-$1"), live $(live "$1"); $_files"
}

ktap_print_header "SLUB on this kernel: memlab's own caches in /sys/kernel/slab"
ktap_set_plan 15
ktap_print_msg "kernel $rel, page size $PAGE, $NCPU CPUs, KASAN $kasan; boot line: $(cat /proc/cmdline)"

memlab_load demo=0 || exit 1
ctl "alloc kmem_cache $DEBUGGED" >/dev/null
ctl "alloc kmem_cache $PROD" >/dev/null

# 1. The boot line: slab debugging for all but memlab-240.
case " $(cat /proc/cmdline) " in
*" slub_debug=FZPU;-,memlab-$PROD "* | *" slab_debug=FZPU;-,memlab-$PROD "*)
	ktap_expect_eq "the boot line's ';-,memlab-$PROD' reached the kernel: memlab-$PROD has no debug flag, memlab-$DEBUGGED all four" \
		"0 0 0 0 1 1 1 1" "$(flags $SP) $(flags $SD)"
	;;
*)
	ktap_test_skip "memlab-$PROD alone without slab debugging: not booted as the test VMs are"
	;;
esac

# 2. The per-CPU files, by kernel: sheaf_capacity from 6.18, where sheaves
# came; 7.0 took the per-CPU slabs away but kept their files (all 0).
want="cpu_partial cpu_slabs slabs_cpu_partial"
[ "$ver" -lt 618 ] || want="cpu_partial cpu_slabs sheaf_capacity slabs_cpu_partial"
ktap_expect_eq "the per-CPU files of $rel" "$want" "$(percpu_files $SP)"

# 3. The slab: as many slots of slab_size as PAGE_SIZE << order holds,
# slabinfo's columns those files, and no other cache merged in.
for s in $PROD $DEBUGGED; do
	S=/sys/kernel/slab/memlab-$s
	size=$(cat "$S/slab_size")
	order=$(cat "$S/order")
	per=$(cat "$S/objs_per_slab")
	slab=$((PAGE << order))
	ktap_print_msg "memlab-$s: slab_size $size, order $order ($slab bytes), objs_per_slab $per, $((slab - per * size)) bytes left over"
	# shellcheck disable=SC2046 # the row's numbers, as words
	set -- $(slabinfo "memlab-$s")
	ktap_expect_eq "memlab-$s: objs_per_slab is (PAGE_SIZE << order) / slab_size; slabinfo's objsize, objperslab, pagesperslab; aliases" \
		"$((slab / size)) $size $((slab / size)) $((1 << order)) 0" \
		"$per $3 $4 $5 $(cat "$S/aliases")"
done

# 4. What a CPU takes at once. cpu_partial: SLUB's count by slab_size
# (mm/slub.c set_cpu_partial) before 7.0, 0 from 7.0 and for a debugged
# cache. sheaf_capacity from 7.0: 60 objects under 256 bytes, 26 under
# 1 KiB, 12 under a page, 4 above, raised (by less than as many again) to
# fill the kmalloc bucket the sheaf is allocated from; 0 when debugged.
size=$(cat $SP/slab_size)
if [ "$size" -ge "$PAGE" ]; then
	part=6 base=4
elif [ "$size" -ge 1024 ]; then
	part=24 base=12
elif [ "$size" -ge 256 ]; then
	part=52 base=26
else
	part=120 base=60
fi
cap=0
[ ! -e $SP/sheaf_capacity ] || cap=$(cat $SP/sheaf_capacity)
if [ "$ver" -lt 700 ]; then
	ktap_expect_eq "memlab-$PROD: cpu_partial is SLUB's $part for a $size-byte slot; memlab-$DEBUGGED's 0 (debugged)" \
		"$part 0" "$(cat $SP/cpu_partial) $(cat $SD/cpu_partial)"
else
	ktap_print_msg "memlab-$PROD: sheaf_capacity $cap (base $base); memlab-$DEBUGGED: $(cat $SD/sheaf_capacity)"
	ktap_check "memlab-$PROD: sheaf_capacity $cap is $base or up to twice that; memlab-$DEBUGGED's 0 (debugged); cpu_partial, cpu_slabs, slabs_cpu_partial 0 for both" \
		eval '[ "$cap" -ge "$base" ] && [ "$cap" -lt $((2 * base)) ] &&
			[ "$(cat $SD/sheaf_capacity) $(cat $SP/cpu_partial) $(cat $SD/cpu_partial)" = "0 0 0" ] &&
			[ "$(first $SP/cpu_slabs) $(first $SD/cpu_slabs) $(first $SP/slabs_cpu_partial)" = "0 0 0(0)" ]'
fi
# The unit a CPU takes from the slabs: a slab's objects, or a sheaf's.
unit=$(cat $SP/objs_per_slab)
what="a whole slab, objs_per_slab"
if [ "$ver" -ge 700 ]; then
	unit=$cap
	what="a whole sheaf, sheaf_capacity"
fi
show $PROD
show $DEBUGGED
ktap_expect_eq "one object each: memlab-$PROD's active_objs is $what ($unit); memlab-$DEBUGGED's 1" \
	"1 $unit 1 1" "$(live $PROD) $(active $PROD) $(live $DEBUGGED) $(active $DEBUGGED)"

# 5. 100 objects each.
ctl "alloc kmem_cache $PROD 99" >/dev/null
ctl "alloc kmem_cache $DEBUGGED 99" >/dev/null
show $PROD
show $DEBUGGED
# shellcheck disable=SC2046 # the row's numbers, as words
set -- $(slabinfo memlab-$PROD)
# objects: all objects but the free ones of the slabs on the node's
# partial list (partial slabs, objects_partial of them in use).
per=$(cat $SP/objs_per_slab)
nodefree=$(($(first $SP/partial) * per - $(first $SP/objects_partial)))
ktap_expect_eq "memlab-$PROD: slabinfo is the cache's files: active_objs objects = total_objects less the $nodefree free on the node's partial list, num_objs total_objects, num_slabs slabs; num_objs = num_slabs x objs_per_slab" \
	"$1 $1 $2 $6 $(($6 * per))" \
	"$(first $SP/objects) $(($(first $SP/total_objects) - nodefree)) $(first $SP/total_objects) $(first $SP/slabs) $2"
a=$(active $PROD)
l=$(live $PROD)
ktap_print_msg "memlab-$PROD: active_objs $a, live $l"
if [ "$ver" -lt 700 ]; then
	# The CPUs' slabs: cpu_slabs, which counts a CPU's partial slabs only
	# when it has a slab to allocate from, and slabs_cpu_partial's "(N)"
	# (which cpu_slabs may have counted too: a bound, not a count).
	cpuslabs=$(first $SP/cpu_slabs)
	partial=$(first $SP/slabs_cpu_partial | sed 's/.*(\([0-9]*\))/\1/')
	held=$(((cpuslabs + partial) * $(cat $SP/objs_per_slab)))
	ktap_check "100 live: active_objs $a is the live count and free objects of the CPUs' $cpuslabs + $partial slabs (at most $held)" \
		eval '[ "$l" = 100 ] && [ "$a" -ge "$l" ] && [ $((a - l)) -le "$held" ]'
else
	ktap_check "100 live: active_objs $a is whole sheaves of $unit, less than a sheaf a CPU ($NCPU) above the live count" \
		eval '[ "$l" = 100 ] && [ $((a % unit)) = 0 ] && [ "$a" -ge "$l" ] && [ $((a - l)) -lt $((unit * NCPU)) ]'
fi
k=$(kfence $DEBUGGED)
ktap_expect_eq "memlab-$DEBUGGED (debugged): active_objs and KFENCE's $k are the live count, 100" \
	"100 100" "$(live $DEBUGGED) $(($(active $DEBUGGED) + k))"

# 6. Freeing half: the freed objects stay with the CPUs.
ctl "free kmem_cache every 2" >/dev/null
show $PROD
show $DEBUGGED
ktap_expect_eq "after freeing half of memlab-$PROD: 50 live, active_objs still $a (the CPUs keep what was freed)" \
	"50 $a" "$(live $PROD) $(active $PROD)"
# Before 7.0 the slabs that were full went onto the freeing CPU's partial
# list: slabs_cpu_partial "X(N)", N slabs and X = N x objs_per_slab / 2,
# SLUB's estimate of their free objects. From 7.0 there is no such list.
read -r scp _ <$SP/slabs_cpu_partial
n=$(echo "$scp" | sed 's/.*(\([0-9]*\))/\1/')
# Under KASAN the freed objects are still in its quarantine, not back in
# their slabs: no slab need have moved yet.
some=no
[ "$n" -eq 0 ] && [ "$kasan" = no ] || some=yes
if [ "$ver" -lt 700 ]; then
	ktap_expect_eq "slabs_cpu_partial $scp: some slabs on a CPU's partial list, and half their objects as the estimate" \
		"yes $((n * $(cat $SP/objs_per_slab) / 2))($n)" "$some $scp"
else
	ktap_expect_eq "slabs_cpu_partial: no CPU has a partial list from 7.0" "0(0)" "$scp"
fi
d=$(($(active $DEBUGGED) + $(kfence $DEBUGGED)))
if [ "$kasan" = yes ]; then
	ktap_check "memlab-$DEBUGGED (debugged): 50 live, active_objs and KFENCE's $d no fewer (KASAN's quarantine holds freed objects)" \
		eval '[ "$(live $DEBUGGED)" = 50 ] && [ "$d" -ge 50 ]'
else
	ktap_expect_eq "memlab-$DEBUGGED (debugged): 50 live, active_objs and KFENCE's 50 at once" "50 50" "$(live $DEBUGGED) $d"
fi

# 7. shrink: the CPUs give their objects back to the slabs.
echo 1 >$SP/shrink
show $PROD
# KFENCE may hold one of them too, which slabinfo does not count (the debug
# kernel's active_objs was 49 for 50 live).
a=$(($(active $PROD) + $(kfence $PROD)))
if [ "$kasan" = yes ]; then
	ktap_check "after shrink: memlab-$PROD's active_objs and KFENCE's $a no fewer than the 50 live (KASAN's quarantine)" \
		test "$a" -ge 50
else
	ktap_expect_eq "after shrink: memlab-$PROD's active_objs and KFENCE's are the live count, 50" "50 50" "$(live $PROD) $a"
fi

ctl "free kmem_cache" >/dev/null
ktap_expect_eq "free kmem_cache: both caches are gone" "" "$(slabinfo memlab-$PROD)$(slabinfo memlab-$DEBUGGED)"
ktap_check "unload" memlab_unload
ktap_finished
