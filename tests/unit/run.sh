#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Build the command parser's host unit tests with AddressSanitizer and
# UBSan, run them and print their KTAP. The last line is
# "# parse: N passed, M failed"; the exit status is non-zero on any failure.
#
# Usage: sh tests/unit/run.sh      (CC overrides the compiler, default cc)

set -u

here=$(cd "$(dirname "$0")" && pwd) || exit 1
root=$(cd "$here/../.." && pwd) || exit 1
cc=${CC:-cc}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/memlab-unit.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The strategy table comes from src/ at each run (gen-table.sh): no copy
# to drift from the module.
if ! sh "$here/gen-table.sh" "$root/src" >"$tmp/ml_table.h" 2>"$tmp/build.log" ||
	! "$cc" -g -O1 -Wall -Wextra -Werror \
		-fsanitize=address,undefined -fno-sanitize-recover=all \
		-I"$tmp" -I"$root/include" -I"$root/tests/unit" -o "$tmp/parse_test" \
		"$here/parse_test.c" "$root/src/parse.c" >>"$tmp/build.log" 2>&1; then
	echo "KTAP version 1"
	echo "1..1"
	echo "not ok 1 - parse_test builds (ml_table.h from src/, then the test)"
	sed 's/^/# /' "$tmp/build.log"
	echo "# parse: 0 passed, 1 failed"
	exit 1
fi

ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
	"$tmp/parse_test" >"$tmp/out"
rc=$?
cat "$tmp/out"
if [ "$rc" -ne 0 ] && ! grep -q '^# parse: [0-9]* passed, [0-9]* failed$' "$tmp/out"; then
	# Killed by a sanitizer before its summary: count that as a failure.
	echo "# parse_test exited with status $rc"
	echo "# parse: $(grep -c '^ok ' "$tmp/out") passed, 1 failed"
fi
exit "$rc"
