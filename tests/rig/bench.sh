#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make bench: run memlab-bench in a VM (KERNEL=6.1 by default, or 6.12) and
# bring its results back into out/bench/: bench.csv (the matrix), repeat.csv
# (kmalloc and kmem_cache, 64 B pair, run 5 times in the same boot), one PNG
# per pattern, goals.txt. Prints the table and how the figures compare with
# the goals: counting overhead within 5% and p50 reproducible within +-10%.
# The goals are reported, not asserted: figures under emulation are not
# bare-metal figures (docs/bench.md).
#
# Environment: KERNEL (6.1), BENCH_ITERATIONS (10000), BENCH_REPEAT (5),
# BENCH_TIMEOUT (seconds, 2400), ACCEL (see vm.sh).
set -eu
# shellcheck source=tests/rig/lib.sh
. "$(dirname "$0")/lib.sh"

sh "$MEMLAB_TOP/tests/rig/deps.sh"
name=${KERNEL:-6.1}
kver=$(kver_of_name "$name")
[ -n "$kver" ] || die "unknown KERNEL=$name (use 6.1 or 6.12)"
out=$MEMLAB_OUT/bench
mkdir -p "$out"
rm -f "$out"/*.csv "$out"/*.png "$out/goals.txt"

say "building memlab for $kver"
ko=$(sh "$MEMLAB_TOP/tests/rig/build-module.sh" "/usr/src/linux-headers-$kver" "$MEMLAB_OUT/build/$name")
sh "$MEMLAB_TOP/tests/rig/mkinitramfs.sh" "$out/initramfs.cpio.gz" "$ko"
append="quiet mlbenchiters=${BENCH_ITERATIONS:-10000} mlbenchrepeat=${BENCH_REPEAT:-5}"
say "running the benchmark in a VM with Debian's $kver (a few minutes under TCG)"
: >"$out/results.ktap"
sh "$MEMLAB_TOP/tests/rig/vm.sh" -m bench -k "$(kernel_dir "$kver")/boot/vmlinuz-$kver" \
	-i "$out/initramfs.cpio.gz" -o "$out" -t "${BENCH_TIMEOUT:-2400}" -a "$append" &
vm=$!
sleep 1
# Progress: every line but the CSV rows and the rig's markers.
tail -n +1 -f "$out/results.ktap" --pid="$vm" | tr -d '\r' |
	grep -vE '^# memlab-|^[a-z_]+,[0-9s]' >&2 || true
rc=0
wait "$vm" || rc=$?
[ "$rc" -eq 0 ] || die "the bench VM failed; its console is in $out/console.log"
status=0
if ! grep -q '^# memlab-guest: bench exit 0' "$out/results.ktap"; then
	say "some of the bench failed in the VM (see $out/results.ktap); reporting what ran"
	status=1
fi

# extract NAME: the lines between "# memlab-file: NAME" and "# memlab-end".
extract() {
	tr -d '\r' <"$out/results.ktap" | awk -v f="$1" '
		$0 == "# memlab-file: " f { on = 1; next }
		on && $0 == "# memlab-end" { exit }
		on { print }' >"$out/$1"
	[ "$(wc -l <"$out/$1")" -gt 1 ] || die "no $1 in $out/results.ktap"
}
extract bench.csv
extract repeat.csv

sh "$MEMLAB_TOP/tests/rig/bench-plot.sh" "$out/bench.csv" "$out"

echo
echo "memlab bench on $kver ($(cut -d' ' -f1 "$out/time") $(cut -d' ' -f2 "$out/time")s); p50 and p99 in ns:"
awk -F, '
	NR == 1 {
		printf "%-11s %8s %-5s %6s %9s %9s %9s %9s %9s %9s %8s\n", "strategy", "size",
			"pat", "iters", "raw_a50", "raw_a99", "raw_f50", "cnt_a50", "cnt_a99",
			"cnt_f50", "ovh%"
		next
	}
	{
		printf "%-11s %8s %-5s %6s %9s %9s %9s %9s %9s %9s %8s\n", $1, $2, $3, $4,
			$7, $8, $10, $12, $13, $14, $22
	}' "$out/bench.csv"

# The goals, from the repeated runs (and the matrix for the overhead).
goals() {
	echo "Goals (reported, not asserted; figures under TCG emulation, see docs/bench.md):"
	for s in kmalloc kmem_cache; do
		awk -F, -v s="$s" 'NR > 1 && $1 == s { print $22 }' "$out/repeat.csv" | sort -n |
			awk -v s="$s" '
			{ x[NR] = $1 }
			END {
				if (!NR) { printf "  overhead %s: no runs\n", s; exit }
				m = (NR % 2) ? x[(NR + 1) / 2] : (x[NR / 2] + x[NR / 2 + 1]) / 2
				printf "  counting overhead, %s 64 B pair: median %.1f%% over %d runs (min %s, max %s); target <= 5%%: %s\n",
					s, m, NR, x[1], x[NR], (m <= 5 ? "met" : "MISSED")
			}'
		awk -F, -v s="$s" 'NR > 1 && $1 == s && $3 == "pair" { printf "%s:%s%% ", $2, $22 }' \
			"$out/bench.csv" | awk -v s="$s" 'NF { print "    matrix, " s " pair, size:overhead " $0 }'
	done
	for s in kmalloc kmem_cache; do
		for col in 7:raw 12:counted; do
			awk -F, -v s="$s" -v c="${col%%:*}" 'NR > 1 && $1 == s { print $c }' "$out/repeat.csv" |
				sort -n | awk -v s="$s" -v what="${col#*:}" '
				{ x[NR] = $1 }
				END {
					if (!NR) exit
					m = (NR % 2) ? x[(NR + 1) / 2] : (x[NR / 2] + x[NR / 2 + 1]) / 2
					d = 0
					for (i = 1; i <= NR; i++) { e = x[i] - m; if (e < 0) e = -e; if (e > d) d = e }
					d = m ? 100 * d / m : 0
					printf "  reproducibility, %s 64 B pair, %s alloc p50: median %d ns, %d..%d over %d runs, +-%.1f%%; target +-10%%: %s\n",
						s, what, m, x[1], x[NR], NR, d, (d <= 10 ? "met" : "MISSED")
				}'
		done
	done
}
echo
goals | tee "$out/goals.txt"
echo
say "results in $out: bench.csv, repeat.csv, goals.txt and $(cd "$out" && echo bench-*.png)"
exit "$status"
