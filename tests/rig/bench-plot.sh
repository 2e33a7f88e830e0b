#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Plot memlab-bench's CSV with gnuplot: the p50 of one allocation through
# the raw API against the size, both on log scales, one line per strategy,
# one PNG per pattern (OUTDIR/bench-pair.png, OUTDIR/bench-batch.png).
#
# usage: bench-plot.sh BENCH.CSV OUTDIR
set -eu
# shellcheck source=tests/rig/lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || die "usage: bench-plot.sh BENCH.CSV OUTDIR"
csv=$1
out=$2
[ -s "$csv" ] || die "bench-plot.sh: no CSV at $csv"
command -v gnuplot >/dev/null || die "gnuplot missing (apt-get install gnuplot-nox)"
head -n 1 "$csv" | grep -q '^strategy,size,pattern,' || die "bench-plot.sh: $csv is not memlab-bench's CSV"
mkdir -p "$out"
# The CSV's unit: ns, or insn when the bench counted instructions (icount).
unit=ns
head -n 1 "$csv" | grep -q 'raw_alloc_p50_insn' && unit="insn, instructions executed"

data=$(mktemp -d "${TMPDIR:-/tmp}/memlab-plot.XXXXXX")
trap 'rm -rf "$data"' EXIT

if gnuplot -e 'set terminal pngcairo' >/dev/null 2>&1; then
	term="pngcairo size 1000,650 font 'sans,10'"
else
	term="png size 1000,650"
fi

# Tick labels for the sizes present: 8, 512, 2K, 4M...
xtics=$(awk -F, 'NR > 1 && !seen[$2]++ { print $2 }' "$csv" | sort -n | awk '
	{
		v = $1; u = ""
		if (v >= 1048576 && v % 1048576 == 0) { v /= 1048576; u = "M" }
		else if (v >= 1024 && v % 1024 == 0) { v /= 1024; u = "K" }
		printf "%s\"%d%s\" %s", (NR > 1 ? ", " : ""), v, u, $1
	}')

patterns=$(awk -F, 'NR > 1 && !seen[$3]++ { print $3 }' "$csv")
for p in $patterns; do
	strategies=$(awk -F, -v p="$p" 'NR > 1 && $3 == p && !seen[$1]++ { print $1 }' "$csv")
	plots=""
	for s in $strategies; do
		# size, raw alloc p50 ns (column 7 of the CSV)
		awk -F, -v p="$p" -v s="$s" 'NR > 1 && $3 == p && $1 == s { print $2, $7 }' "$csv" |
			sort -n >"$data/$p-$s.dat"
		plots="$plots${plots:+, }'$data/$p-$s.dat' using 1:2 with linespoints lw 2 title '$s'"
	done
	gnuplot <<EOF
set terminal $term
set termoption noenhanced
set output '$out/bench-$p.png'
set title "memlab bench, $p pattern: p50 latency of one allocation (raw API)"
set logscale xy
set xlabel "size (bytes)"
set ylabel "p50 alloc latency ($unit)"
set xtics ($xtics)
set grid
set key outside right top
plot $plots
EOF
	say "plotted $out/bench-$p.png"
done
