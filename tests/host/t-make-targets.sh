#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make install, make clean and make bench as a learner runs them, on a copy
# of the tree (make clean removes out/): install puts memlab.ko under
# INSTALL_MOD_PATH for KDIR's release and runs depmod there; clean leaves
# exactly the files of the tree; bench, cut down to one boot, one size and
# a few iterations, brings back its CSV, with the columns docs/bench.md
# documents, and a PNG per pattern; booted with ICOUNT=1 (QEMU's icount),
# the bench file's rows are in insn in place of ns (the contract), and
# every row of both CSVs, goals.txt and each plot's title carry what the
# figures were made under: this kernel, icount on, the rest as the guest's
# memlab-bench read them, the same everywhere. KTAP on stdout.
#
# usage: t-make-targets.sh [KERNEL] [WORKDIR]   (KERNEL 6.1 by default)
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/../guest/ktap.sh"
# shellcheck source=tests/rig/lib.sh
. "$(dirname "$0")/../rig/lib.sh"

kernel=${1:-6.1}
work=${2:-$MEMLAB_OUT/make-targets}
rm -rf "$work"
mkdir -p "$work/tree" "$work/root"
tree=$work/tree

ktap_print_header "make install, make clean, make bench (KERNEL=$kernel)"
ktap_set_plan 14

kernel_load "$kernel" || die "no kernel $kernel"
# The 7.3 headers build only in the trixie root: name a host-built kernel.
[ -z "${K_ROOT:-}" ] || die "KERNEL=$kernel builds in a build root; use 6.1 or 6.12"
krel=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' "$K_KDIR/include/generated/utsrelease.h")

# The tree's files, as a clone has them (the working copy, uncommitted
# edits included); outside a git checkout (a tarball), every file but the
# rig's own out/.
tree_files() {
	top=$(git -C "$MEMLAB_TOP" rev-parse --show-toplevel 2>/dev/null)
	if [ -n "$top" ] && [ "$(cd "$top" && pwd -P)" = "$(cd "$MEMLAB_TOP" && pwd -P)" ]; then
		git ls-files --cached --others --exclude-standard
	else
		find . -path ./out -prune -o -type f -print | sed 's|^\./||'
	fi
}
(cd "$MEMLAB_TOP" && tree_files |
	while IFS= read -r f; do [ -f "$f" ] && printf '%s\n' "$f"; done |
	cpio -pdm --quiet "$tree") || die "cannot copy the tree"
(cd "$tree" && find . -type f | sort) >"$work/files.before"

# make, as a learner types it, against KDIR's headers on this host.
mk() {
	make -C "$tree" KDIR="$K_KDIR" "$@"
}

# ---- make install ------------------------------------------------------
mk -s install INSTALL_MOD_PATH="$work/root" >"$work/install.out" 2>&1
rc=$?
ktap_expect_eq "make install exits 0" 0 "$rc"
[ "$rc" -eq 0 ] || sed 's/^/# | /' "$work/install.out" | tail -n 20
ko=$(find "$work/root/lib/modules/$krel" -name memlab.ko 2>/dev/null | head -n 1)
ktap_check "memlab.ko lands under INSTALL_MOD_PATH/lib/modules/$krel (${ko#"$work/root"})" test -n "$ko"
ktap_check "depmod ran for $krel: modules.dep names memlab.ko" \
	grep -qE '(^|/)memlab\.ko:' "$work/root/lib/modules/$krel/modules.dep"
ktap_check "the installed memlab.ko is the one built (vermagic $krel)" \
	sh -c "modinfo -F vermagic '$ko' | grep -q '^$krel '"
ktap_check "the examples are installed beside it, in examples/ (memalloc, memimport, an exercise)" \
	test -n "$(find "${ko%/*}/examples" -name 'memalloc.ko*' 2>/dev/null)" -a \
	-n "$(find "${ko%/*}/examples" -name 'memimport.ko*' 2>/dev/null)" -a \
	-n "$(find "${ko%/*}/examples" -name 'ex00_start.ko*' 2>/dev/null)"

# ---- make clean --------------------------------------------------------
ktap_check "make built memlab.ko and the examples" \
	test -f "$tree/memlab.ko" -a -f "$tree/examples/memalloc.ko"
mk -s clean >"$work/clean.out" 2>&1
rc=$?
(cd "$tree" && find . -type f | sort) >"$work/files.after"
extra=$(comm -13 "$work/files.before" "$work/files.after" | tr '\n' ' ')
gone=$(comm -23 "$work/files.before" "$work/files.after" | tr '\n' ' ')
ktap_expect_eq "make clean exits 0" 0 "$rc"
ktap_expect_eq "make clean leaves no build product (files the tree did not have)" "" "$extra"
ktap_expect_eq "make clean removes none of the tree's own files" "" "$gone"

# ---- make bench, cut down ----------------------------------------------
t0=$(now)
MEMLAB_OUT=$work/out KERNEL=$kernel ICOUNT=1 BENCH_BOOTS=1 BENCH_REPEAT=2 BENCH_REPEAT_ITERATIONS=200 \
	BENCH_ITERATIONS=200 BENCH_SIZES="64 4096" BENCH_MIN_IDS=0 \
	make -s -C "$tree" bench >"$work/bench.out" 2>&1
rc=$?
ktap_print_msg "make bench ICOUNT=1 (1 boot, 64 and 4096 B, 200 iterations) took $(($(now) - t0)) s"
ktap_expect_eq "make bench exits 0" 0 "$rc"
[ "$rc" -eq 0 ] || sed 's/^/# | /' "$work/bench.out" | tail -n 30
csv=$work/out/bench/bench.csv
# Under icount the figures are instructions: the _ns columns are _insn
# (docs/bench.md).
header=$(sed -n 's/^csv_header="\(.*\)"$/\1/p' "$MEMLAB_TOP/scripts/memlab-bench" |
	sed 's/_ns,/_insn,/g; s/_ns$/_insn/')
# A row per strategy, size and pattern: 8 x 2 x 2 (percpu takes both sizes).
rows=$(awk -F, -v n="$(printf '%s' "$header" | awk -F, '{ print NF }')" '
	NR > 1 && NF == n && $2 ~ /^(64|4096)$/ && $3 ~ /^(pair|batch)$/ { r++ }
	END { print r + 0 }' "$csv" 2>/dev/null)
pngs=0
for p in "$work/out/bench/"*.png; do
	[ -f "$p" ] && [ "$(head -c 4 "$p" | tail -c 3)" = PNG ] && pngs=$((pngs + 1))
done
if [ "$(head -n 1 "$csv" 2>/dev/null)" = "$header" ] && [ "$rows" -eq 32 ] && [ "$pngs" -ge 2 ]; then
	ktap_test_pass "make bench brings back bench.csv (the documented header, _insn under icount, 32 rows) and a PNG per pattern"
else
	ktap_print_msg "bench.csv: header '$(head -n 1 "$csv" 2>/dev/null)', $rows complete rows of 32; $pngs PNG files:"
	find "$work/out/bench" -maxdepth 1 -type f 2>&1 | sed 's/^/# /'
	ktap_test_fail "make bench brings back bench.csv (the documented header, _insn under icount, 32 rows) and a PNG per pattern"
fi
# The bench file of the repeats, as init copies it into the results.
rows=$(grep -cE '^# bench [a-z_]+ 64 pair: (raw|tracked) (alloc|free) insn [0-9]' \
	"$work/out/bench/results.ktap" 2>/dev/null)
ns=$(grep -cE '^# bench [a-z_]+ 64 pair: (raw|tracked) (alloc|free) ns ' \
	"$work/out/bench/results.ktap" 2>/dev/null)
if [ "${rows:-0}" -ge 4 ] && [ "${ns:-0}" -eq 0 ]; then
	ktap_test_pass "under icount the bench file's rows are in insn ($rows rows), none in ns"
else
	ktap_print_msg "bench rows in insn: ${rows:-0}, in ns: ${ns:-0}:"
	grep '^# bench ' "$work/out/bench/results.ktap" 2>/dev/null | head -n 12
	ktap_test_fail "under icount the bench file's rows are in insn, none in ns"
fi
# The conditions: the same ten in every row of both CSVs (bench-plot.sh
# --conditions fails otherwise), the kernel this one, icount on; goals.txt
# opens with them, and each plot's title shows them.
cond=$(sh "$MEMLAB_TOP/tests/rig/bench-plot.sh" --conditions "$csv" 2>&1)
rcond=$(sh "$MEMLAB_TOP/tests/rig/bench-plot.sh" --conditions "$work/out/bench/repeat.csv" 2>&1)
names=$(printf '%s\n' "$cond" | awk '$1 == "#" { printf "%s%s", (NR > 1 ? " " : ""), $2 }')
if [ "$names" = "kernel arch page_size preempt init_on_alloc init_on_free slab_merge kfence alloc_profiling icount" ] &&
	[ "$cond" = "$rcond" ] && printf '%s\n' "$cond" | grep -qx "# kernel $krel" &&
	printf '%s\n' "$cond" | grep -qx "# icount on" && ! printf '%s\n' "$cond" | grep -q ' $'; then
	printf '%s\n' "$cond"
	ktap_test_pass "bench.csv and repeat.csv: every row ends with the ten conditions, the same, kernel $krel, icount on"
else
	printf '%s\n' "bench.csv:" "$cond" "repeat.csv:" "$rcond" | sed 's/^/# /'
	ktap_test_fail "bench.csv and repeat.csv: every row ends with the ten conditions, the same, kernel $krel, icount on"
fi
title=$(printf '%s\n' "$cond" | sed 's/^# //' | tr '\n' , | sed 's/,$//; s/,/, /g')
if [ "$(head -n 10 "$work/out/bench/goals.txt" 2>/dev/null)" = "$cond" ] &&
	[ "$(grep -c "plotted .*bench-[a-z]*\.png, titled: $title\$" "$work/bench.out" 2>/dev/null)" -ge 2 ]; then
	ktap_test_pass "goals.txt opens with them, each plot's title shows them"
else
	ktap_print_msg "goals.txt, then the plots' lines, expected '$title':"
	head -n 12 "$work/out/bench/goals.txt" 2>&1 | sed 's/^/# /'
	grep 'plotted' "$work/bench.out" 2>&1 | sed 's/^/# /'
	ktap_test_fail "goals.txt opens with them, each plot's title shows them"
fi
ktap_finished
