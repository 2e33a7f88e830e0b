#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Build memlab.ko against one kernel tree, out of the source tree so that
# several kernels can be built side by side.
#
# usage: build-module.sh KDIR OUTDIR [make args...]
# Prints the path of memlab.ko on stdout.
set -eu
# shellcheck source=tests/rig/lib.sh
. "$(dirname "$0")/lib.sh"

kdir=$1
out=$2
shift 2
[ -d "$kdir" ] || die "no kernel build tree at $kdir"

mkdir -p "$out"
out=$(cd "$out" && pwd)
# Mirror the sources (only what Kbuild needs), keeping objects of unchanged files.
for d in src include; do
	mkdir -p "$out/$d"
	cp -pu "$MEMLAB_TOP/$d"/*.[ch] "$out/$d/" 2>/dev/null || true
done
cp -pu "$MEMLAB_TOP/Kbuild" "$out/Kbuild"
# Drop sources that were removed upstream.
for f in "$out"/src/*.c "$out"/include/*.h; do
	[ -e "$f" ] || continue
	[ -e "$MEMLAB_TOP/${f#"$out"/}" ] || rm -f "$f" "${f%.c}.o"
done

log="$out/build.log"
if ! make -C "$kdir" M="$out" "$@" modules >"$log" 2>&1; then
	tail -n 40 "$log" >&2
	die "build against $kdir failed (log: $log)"
fi
if grep -q 'warning:' "$log"; then
	grep 'warning:' "$log" >&2
	die "build against $kdir has warnings"
fi
printf '%s\n' "$out/memlab.ko"
