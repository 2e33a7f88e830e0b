#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make bench: run memlab-bench in a VM (KERNEL=6.1 by default, or 6.12, 7.3) and
# bring its results back into out/bench/: bench.csv (the matrix), repeat.csv
# (kmalloc and kmem_cache, 64 B pair, run 5 times in each of 3 boots), one
# PNG per pattern, goals.txt. Prints the table, what memlab's tracking adds
# (tracked/raw, kmalloc and kmem_cache at 64 B) and how well the p50s
# repeat (within a boot and between boots). Reported, not asserted:
# figures under emulation are not bare-metal figures (docs/bench.md).
#
# ICOUNT=1 boots the bench VMs with QEMU's -icount shift=0 (one CPU): the
# guest's clocks count instructions, and every figure is in insn, not ns.
#
# What the figures were made under (the kernel and its architecture, page
# size, preemption model, init_on_alloc and init_on_free, slab merging,
# KFENCE, allocation profiling, icount): memlab-bench reads each from the
# guest's kernel and ends every CSV row with them; this script checks that
# every row of both CSVs says the same, that the kernel is the one booted
# and icount what it booted with (MEMLAB_BENCH_ICOUNT=0 or 1 on the kernel
# command line tells the guest), prints them over the table and goals.txt
# as "# NAME VALUE" lines, and the plots carry them in their titles.
#
# Environment: KERNEL (6.1), ICOUNT (0), BENCH_ITERATIONS (10000, the matrix's),
# BENCH_REPEAT (5), BENCH_REPEAT_ITERATIONS (20000, each repeated run's:
# 5 x 2 runs hand out 220000 ids), BENCH_MIN_IDS (262144: memlab-bench
# --min-ids, through the environment of the guest's init, see below; 0 for
# none), BENCH_BOOTS (3), BENCH_SIZES (the matrix's sizes, in bytes,
# separated by spaces: all of memlab-bench's by default; "64 4096" is the
# least that goals.txt needs), BENCH_TIMEOUT (seconds, 2400), ACCEL (see
# vm.sh).
#
# Why several boots: under TCG the repeats of one boot can agree with each
# other and not with another boot's (the boots' medians 3 to 60 % apart in
# docs/bench.md's runs, on a shared host); under icount three boots give
# the same counts, and the boots are how goals.txt shows it. The repeats
# run first in every boot, the matrix after them in the first.
#
# Why BENCH_MIN_IDS: the tracked path's cost grows with the ids memlab has
# handed out (its xarray gains a level at each power of 64: under icount,
# kmem_cache 64 B tracked alloc 2922 insn before 64^3 ids, 3551 after, on
# 6.1). The repeats of a boot hand out 220000 ids, the matrix hundreds of
# thousands more: without it the matrix's first rows (kmalloc, kzalloc) are
# timed a level below the rest, and their tracked/raw do not compare.
# With it every run of every boot starts at 64^3 ids or beyond, and the
# full matrix at the default iterations (some 2.3 million ids at most)
# stays below 64^4. The kernel passes an unknown NAME=VALUE
# of its command line to init as an environment variable; memlab-bench
# reads MEMLAB_BENCH_MIN_IDS from there.
set -eu
# shellcheck source=tests/rig/lib.sh
. "$(dirname "$0")/lib.sh"

name=${KERNEL:-6.1}
sh "$MEMLAB_TOP/tests/rig/deps.sh" bench "$name"
kernel_load "$name" || exit 1
kver=$K_KVER
out=$MEMLAB_OUT/bench
mkdir -p "$out"
rm -f "$out"/*.csv "$out"/*.png "$out/goals.txt"

say "building memlab for $kver"
ko=$(sh "$MEMLAB_TOP/tests/rig/build-module.sh" "$K_KDIR" "$MEMLAB_OUT/build/$name")
sh "$MEMLAB_TOP/tests/rig/mkinitramfs.sh" "$out/initramfs.cpio.gz" "$ko"
boots=${BENCH_BOOTS:-3}
case "$boots" in
'' | *[!0-9]* | 0) die "BENCH_BOOTS=$boots: must be a number of boots, 1 or more" ;;
esac
append="mlbenchiters=${BENCH_ITERATIONS:-10000} mlbenchrepeat=${BENCH_REPEAT:-5}"
append="$append mlbenchrepiters=${BENCH_REPEAT_ITERATIONS:-20000}"
min_ids=${BENCH_MIN_IDS:-262144}
case "$min_ids" in
'' | *[!0-9]*) die "BENCH_MIN_IDS=$min_ids: must be a number of ids, 0 for none" ;;
esac
append="$append MEMLAB_BENCH_MIN_IDS=$min_ids"
if [ -n "${BENCH_SIZES:-}" ]; then
	case "$BENCH_SIZES" in
	*[!0-9\ ]*) die "BENCH_SIZES=$BENCH_SIZES: must be sizes in bytes, separated by spaces" ;;
	esac
	append="$append mlbenchsizes=$(echo "$BENCH_SIZES" | tr -s ' ' | sed 's/^ //; s/ $//' | tr ' ' ,)"
fi
unit=ns
icount=off
if [ "${ICOUNT:-0}" = 1 ]; then
	append="$append mlicount=1"
	unit=insn
	icount=on
	say "ICOUNT=1: one CPU under -icount shift=0: every figure is instructions executed (insn), not time"
fi
# Whether the machine counts instructions, for memlab-bench to record: the
# guest cannot tell by itself.
append="$append MEMLAB_BENCH_ICOUNT=$([ "$icount" = on ] && echo 1 || echo 0)"
status=0

# boot N DIR [APPEND]: one bench VM, its console and results into DIR.
boot() {
	say "boot $1 of $boots: the benchmark in a VM with $K_DESC${3:+ ($3)}"
	mkdir -p "$2"
	: >"$2/results.ktap"
	sh "$MEMLAB_TOP/tests/rig/vm.sh" -m bench -k "$K_IMAGE" \
		-i "$out/initramfs.cpio.gz" -o "$2" -t "${BENCH_TIMEOUT:-2400}" -a "$append ${3:-}" &
	vm=$!
	sleep 1
	# Progress: every line but the CSV rows and the rig's markers.
	tail -n +1 -f "$2/results.ktap" --pid="$vm" | tr -d '\r' |
		grep -vE '^# memlab-|^[a-z_]+,[0-9s]' >&2 || true
	rc=0
	wait "$vm" || rc=$?
	[ "$rc" -eq 0 ] || die "the bench VM failed; its console is in $2/console.log"
	if ! grep -q '^# memlab-guest: bench exit 0' "$2/results.ktap"; then
		say "some of the bench failed in the VM (see $2/results.ktap); reporting what ran"
		status=1
	fi
}

# extract DIR NAME: the lines between "# memlab-file: NAME" and "# memlab-end"
# of DIR/results.ktap, into DIR/NAME.
extract() {
	tr -d '\r' <"$1/results.ktap" | awk -v f="$2" '
		$0 == "# memlab-file: " f { on = 1; next }
		on && $0 == "# memlab-end" { exit }
		on { print }' >"$1/$2"
	[ "$(wc -l <"$1/$2")" -gt 1 ] || die "no $2 in $1/results.ktap"
}

say "a few minutes under TCG: the matrix in the first boot, 64 B repeated in each"
# The host's load, for reading the figures: the VMs' CPUs are threads on it.
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
boot 1 "$out"
extract "$out" bench.csv
extract "$out" repeat.csv
mv "$out/repeat.csv" "$out/repeat-boot1.csv"
n=2
while [ "$n" -le "$boots" ]; do
	rm -rf "${out:?}/boot$n"
	boot "$n" "$out/boot$n" mlbenchmatrix=0
	extract "$out/boot$n" repeat.csv
	mv "$out/boot$n/repeat.csv" "$out/repeat-boot$n.csv"
	n=$((n + 1))
done
# repeat.csv: every boot's runs, with the boot in a last column.
{
	head -n 1 "$out/repeat-boot1.csv" | sed 's/$/,boot/'
	n=1
	while [ "$n" -le "$boots" ]; do
		tail -n +2 "$out/repeat-boot$n.csv" | sed "s/\$/,$n/"
		rm -f "$out/repeat-boot$n.csv"
		n=$((n + 1))
	done
} >"$out/repeat.csv"

# What the figures were made under: the same in every row of both CSVs
# (bench-plot.sh --conditions fails otherwise), the kernel booted, icount
# as booted.
cond=$(sh "$MEMLAB_TOP/tests/rig/bench-plot.sh" --conditions "$out/bench.csv") || exit 1
rcond=$(sh "$MEMLAB_TOP/tests/rig/bench-plot.sh" --conditions "$out/repeat.csv") || exit 1
[ "$cond" = "$rcond" ] || die "bench.csv and repeat.csv were not made under the same conditions:
$cond
against
$rcond"
cond_of() {
	printf '%s\n' "$cond" | sed -n "s/^# $1 //p"
}
[ "$(cond_of kernel)" = "$kver" ] || die "the CSV says kernel '$(cond_of kernel)', the VM booted $kver"
[ "$(cond_of icount)" = "$icount" ] ||
	die "the CSV says icount '$(cond_of icount)', the VM was booted with ICOUNT=${ICOUNT:-0} ($icount)"

sh "$MEMLAB_TOP/tests/rig/bench-plot.sh" "$out/bench.csv" "$out"

echo
echo "memlab bench on $kver ($(cut -d' ' -f1 "$out/time") $(cut -d' ' -f2 "$out/time")s), made under:"
printf '%s\n' "$cond"
echo "p50 and p99 in $unit:"
awk -F, '
	NR == 1 {
		printf "%-11s %8s %-5s %6s %9s %9s %9s %9s %9s %9s %8s\n", "strategy", "size",
			"pat", "iters", "raw_a50", "raw_a99", "raw_f50", "trk_a50", "trk_a99",
			"trk_f50", "trk/raw"
		next
	}
	{
		printf "%-11s %8s %-5s %6s %9s %9s %9s %9s %9s %9s %8s\n", $1, $2, $3, $4,
			$7, $8, $10, $12, $13, $14, $20
	}' "$out/bench.csv"

# From the repeated runs. repeat.csv's columns: 1 strategy, 7 raw alloc p50,
# 12 tracked alloc p50, 20 tracked_over_raw (alloc + free, net of the
# timer), the last (NF) the boot.
goals() {
	if [ "$unit" = insn ]; then
		echo "Figures in instructions (QEMU -icount shift=0, one CPU), see docs/bench.md (reported, not asserted):"
	else
		echo "Figures under TCG emulation, see docs/bench.md (reported, not asserted):"
	fi
	for s in kmalloc kmem_cache; do
		awk -F, -v s="$s" "$awk_median"'
		NR > 1 && $1 == s { all[++n] = $20; v[$NF, ++k[$NF]] = $20; if ($NF > nb) nb = $NF }
		END {
			if (!n) { printf "  tracked/raw, %s: no runs\n", s; exit }
			m = median(all, n)
			per = ""
			for (b = 1; b <= nb; b++) {
				for (i = 1; i <= k[b]; i++) one[i] = v[b, i]
				per = per sprintf(" %.2f", median(one, k[b]))
			}
			printf "  tracked/raw, %s 64 B pair (alloc + free): median %.2f over %d runs in %d boots (min %s, max %s; each boot:%s)\n",
				s, m, n, nb, all[1], all[n], per
		}' "$out/repeat.csv"
	done
	# What memlab adds, per strategy, at 64 B and 4 KiB (the matrix, pair).
	awk -F, 'NR > 1 && $3 == "pair" && ($2 == 64 || $2 == 4096) { r[$1] = r[$1] sprintf(" %s B: %s", $2, $20) }
		END { for (s in r) printf "  tracked/raw, %s pair:%s\n", s, r[s] }' "$out/bench.csv" | sort
	# Within one boot, the largest distance of a run from the boot's median.
	for s in kmalloc kmem_cache; do
		for col in 7:raw 12:tracked; do
			awk -F, -v s="$s" -v c="${col%%:*}" -v what="${col#*:}" -v unit="$unit" "$awk_median"'
			NR > 1 && $1 == s { v[$NF, ++k[$NF]] = $c; if ($NF > nb) nb = $NF }
			END {
				if (!nb) exit
				worst = 0; per = ""; lo = ""; hi = ""
				for (b = 1; b <= nb; b++) {
					for (i = 1; i <= k[b]; i++) one[i] = v[b, i]
					m = median(one, k[b])
					d = 0
					for (i = 1; i <= k[b]; i++) { e = one[i] - m; if (e < 0) e = -e; if (e > d) d = e }
					d = m ? 100 * d / m : 0
					if (d > worst) worst = d
					per = per sprintf(" %d %s +-%.1f%%", m, unit, d)
					if (lo == "" || m < lo) lo = m
					if (hi == "" || m > hi) hi = m
				}
				printf "  repeatability, %s 64 B pair, %s alloc p50 within a boot: worst +-%.1f%% (each boot:%s)\n",
					s, what, worst, per
				if (nb > 1)
					printf "    between boots, the boots'"'"' medians: %d..%d %s (%.1f%% apart)\n", lo, hi, unit, lo ? 100 * (hi - lo) / lo : 0
			}' "$out/repeat.csv"
		done
	done
}
# An awk function: the median of a[1..n], which it sorts.
awk_median='
function median(a, n,   i, j, t) {
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
	return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}'
echo
{
	printf '%s\n' "$cond"
	goals
	# memlab hands out the lowest free id (issue 23): memlab-bench's
	# --min-ids finds nothing to do, and every run's records take the same
	# low ids whatever ran before.
	echo "  ids: memlab gives out the lowest free id, so every timed run uses the same few ids (BENCH_MIN_IDS=$min_ids had nothing to do)"
	echo "  host: $(nproc) CPUs, load average (1, 5, 15 min) $load_before before," \
		"$(cut -d' ' -f1-3 /proc/loadavg) after (the bench VM's own 2 vCPUs count in it)"
} | tee "$out/goals.txt"
echo
say "results in $out: bench.csv, repeat.csv, goals.txt and $(cd "$out" && echo bench-*.png)"
exit "$status"
