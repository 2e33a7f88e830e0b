#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Fuzz the command parser with libFuzzer, AddressSanitizer and UBSan for a
# bounded time, on a scratch copy of the seed corpus (the seeds in the tree
# are left untouched). Prints KTAP: its plan, then "ok 1 parse_fuzz" or
# "not ok 1 parse_fuzz", and exits non-zero when the fuzzer found a crash or
# could not run. A crashing input is kept in the scratch directory, whose
# path is printed.
#
# Usage: sh tests/fuzz/run.sh [seconds]     (default 30; CLANG overrides clang)

set -u

secs=${1:-30}
case $secs in
'' | *[!0-9]*)
	echo "usage: $0 [seconds]" >&2
	exit 2
	;;
esac

here=$(cd "$(dirname "$0")" && pwd) || exit 1
root=$(cd "$here/../.." && pwd) || exit 1
clang=${CLANG:-clang}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/memlab-fuzz.XXXXXX") || exit 1
keep=0
cleanup() {
	if [ "$keep" -eq 0 ]; then
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# One result, planned: make check counts a stage without a plan as failed.
echo "KTAP version 1"
echo "1..1"

fail() {
	keep=1
	echo "# $1"
	echo "# output kept in $tmp"
	echo "not ok 1 parse_fuzz"
	exit 1
}

# The strategy table comes from src/ at each run (tests/unit/gen-table.sh).
if ! sh "$root/tests/unit/gen-table.sh" "$root/src" >"$tmp/ml_table.h" 2>"$tmp/build.log" ||
	! "$clang" -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-Wall -Wextra -Werror -I"$tmp" -I"$root/include" -I"$root/tests/unit" -o "$tmp/parse_fuzz" \
		"$here/parse_fuzz.c" "$root/src/parse.c" >>"$tmp/build.log" 2>&1; then
	sed 's/^/# /' "$tmp/build.log"
	fail "parse_fuzz does not build"
fi

mkdir "$tmp/corpus" "$tmp/artifacts" || fail "cannot make the scratch directories"
if [ -d "$here/corpus" ]; then
	cp "$here/corpus/"* "$tmp/corpus/" 2>/dev/null
fi

"$tmp/parse_fuzz" -max_len=512 -max_total_time="$secs" -timeout=10 \
	-rss_limit_mb=2048 -print_final_stats=1 \
	-artifact_prefix="$tmp/artifacts/" "$tmp/corpus" >"$tmp/fuzz.log" 2>&1
rc=$?

if [ "$rc" -ne 0 ]; then
	tail -n 40 "$tmp/fuzz.log" | sed 's/^/# /'
	for f in "$tmp/artifacts/"*; do
		[ -f "$f" ] && echo "# crashing input: $f"
	done
	fail "libFuzzer exited with status $rc"
fi

grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb):' "$tmp/fuzz.log" |
	sed 's/^/# /'
echo "ok 1 parse_fuzz"
