#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Plot memlab-bench's CSV with gnuplot: the p50 of one allocation through
# the raw API against the size, both on log scales, one line per strategy,
# one PNG per pattern (OUTDIR/bench-pair.png, OUTDIR/bench-batch.png).
# Each title says what the figures were made under: the CSV's columns
# after tracked_over_raw (memlab-bench's kernel, arch, page_size, preempt,
# init_on_alloc, init_on_free, slab_merge, kfence, alloc_profiling, icount),
# which must be the same in every row.
#
# usage: bench-plot.sh BENCH.CSV OUTDIR
#        bench-plot.sh --conditions CSV   (those columns as "# NAME VALUE"
#                                          lines, a last column "boot" left
#                                          out: bench.sh's repeat.csv)
set -eu
# shellcheck source=tests/rig/lib.sh
. "$(dirname "$0")/lib.sh"

# conditions CSV: "# NAME VALUE", one line per condition column; fails,
# saying which, where the rows differ or a row lacks one.
conditions() {
	awk -F, '
	NR == 1 {
		for (i = 1; i <= NF; i++) {
			if (from && $i != "boot") name[++n] = i SUBSEP $i
			if ($i == "tracked_over_raw") from = 1
		}
		nf = NF
		next
	}
	{
		if (NF != nf) { printf "row %d has %d fields, the header %d\n", NR, NF, nf; bad = 1; exit }
		for (k = 1; k <= n; k++) {
			split(name[k], c, SUBSEP)
			if (!(k in v)) v[k] = $c[1]
			else if (v[k] != $c[1]) {
				printf "%s differs between rows: \"%s\" and \"%s\" (row %d)\n", c[2], v[k], $c[1], NR
				bad = 1
				exit
			}
		}
	}
	END {
		if (bad) exit 1
		if (!n) { print "no condition columns after tracked_over_raw (a CSV from before memlab-bench recorded them)"; exit 1 }
		for (k = 1; k <= n; k++) { split(name[k], c, SUBSEP); printf "# %s %s\n", c[2], (k in v) ? v[k] : "unknown" }
	}' "$1"
}

if [ $# -eq 2 ] && [ "$1" = --conditions ]; then
	[ -s "$2" ] || die "bench-plot.sh: no CSV at $2"
	c=$(conditions "$2") || die "bench-plot.sh: $2: $c"
	printf '%s\n' "$c"
	exit 0
fi
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
# What the figures were made under, for the title: two lines of
# "name value, ...", the first five conditions and the rest.
cond=$(conditions "$csv") || die "bench-plot.sh: $csv: $cond"
cond_title=$(printf '%s\n' "$cond" | sed 's/^# //' | awk '
	{ line = line (NR % 5 == 1 ? "" : ", ") $0 }
	NR % 5 == 0 { print line; line = "" }
	END { if (line != "") print line }' | sed 's/"/'"'"'/g' | awk '{ printf "%s%s", (NR > 1 ? "\\n" : ""), $0 }')

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
set title "memlab bench, $p pattern: p50 latency of one allocation (raw API)\n$cond_title"
set logscale xy
set xlabel "size (bytes)"
set ylabel "p50 alloc latency ($unit)"
set xtics ($xtics)
set grid
set key outside right top
plot $plots
EOF
	say "plotted $out/bench-$p.png, titled: $(printf '%s' "$cond_title" | sed 's/\\n/, /g')"
done
