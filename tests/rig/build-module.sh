#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Build memlab.ko against one kernel tree, out of the source tree so that
# several kernels can be built side by side.
#
# usage: build-module.sh KDIR OUTDIR [make args...]
# Prints the path of memlab.ko on stdout. With MEMLAB_MODULE=kunit it builds
# memlab_kunit.ko instead (tests/kunit/Kbuild: the KUnit tests with their own
# copies of memlab's sources; needs a kernel with CONFIG_KUNIT), in OUTDIR,
# which must not be one that memlab.ko is built in.
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
kbuild=$MEMLAB_TOP/Kbuild
ko=memlab.ko
if [ "${MEMLAB_MODULE:-memlab}" = kunit ]; then
	grep -q '^CONFIG_KUNIT=[ym]' "$kdir/.config" 2>/dev/null ||
		die "$kdir has no CONFIG_KUNIT: memlab_kunit.ko is for the debug kernel"
	mkdir -p "$out/tests/kunit"
	cp -pu "$MEMLAB_TOP"/tests/kunit/*.c "$out/tests/kunit/"
	kbuild=$MEMLAB_TOP/tests/kunit/Kbuild
	ko=memlab_kunit.ko
fi
cp -pu "$kbuild" "$out/Kbuild"
# Drop sources that were removed upstream.
for f in "$out"/src/*.c "$out"/include/*.h "$out"/tests/kunit/*.c; do
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
printf '%s\n' "$out/$ko"
