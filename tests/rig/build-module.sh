#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Build memlab.ko against one kernel tree, out of the source tree so that
# several kernels can be built side by side.
#
# usage: build-module.sh KDIR OUTDIR [make args...]
# KDIR may be in a build root of the cache (7.3's headers in the trixie root,
# see kernel_load in lib.sh): then make runs in there. Prints the path of
# memlab.ko on stdout (examples/' modules, where the tree has them, are built
# beside it, in OUTDIR/examples/). With MEMLAB_MODULE=kunit it builds
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
# mirror SRC DIR: copy SRC into DIR when its contents differ, with a new
# time, so that make rebuilds what depends on it; an unchanged file keeps
# its copy and its objects. (Not by time: a source older than the copy, from
# another tree built into the same OUTDIR, would be missed.)
mirror() {
	cmp -s "$1" "$2/${1##*/}" || cp "$1" "$2/"
}
# Mirror the sources (only what Kbuild needs: *.c, *.h and Kbuild files of
# src/, include/ and, where the tree has them, examples/ and the exercises'
# directories, examples/exercises/*/).
for d in "$MEMLAB_TOP"/src "$MEMLAB_TOP"/include "$MEMLAB_TOP"/examples \
	"$MEMLAB_TOP"/examples/exercises "$MEMLAB_TOP"/examples/exercises/*/; do
	d=${d%/}
	d=${d#"$MEMLAB_TOP"/}
	[ -d "$MEMLAB_TOP/$d" ] || continue
	mkdir -p "$out/$d"
	for f in "$MEMLAB_TOP/$d"/*.[ch] "$MEMLAB_TOP/$d/Kbuild"; do
		[ ! -e "$f" ] || mirror "$f" "$out/$d"
	done
done
kbuild=$MEMLAB_TOP/Kbuild
ko=memlab.ko
if [ "${MEMLAB_MODULE:-memlab}" = kunit ]; then
	grep -q '^CONFIG_KUNIT=[ym]' "$kdir/.config" 2>/dev/null ||
		die "$kdir has no CONFIG_KUNIT: memlab_kunit.ko is for the debug kernel"
	mkdir -p "$out/tests/kunit"
	for f in "$MEMLAB_TOP"/tests/kunit/*.c; do
		mirror "$f" "$out/tests/kunit"
	done
	kbuild=$MEMLAB_TOP/tests/kunit/Kbuild
	ko=memlab_kunit.ko
fi
cmp -s "$kbuild" "$out/Kbuild" || cp "$kbuild" "$out/Kbuild"
# Drop sources that were removed upstream.
for f in "$out"/src/*.[ch] "$out"/include/*.[ch] "$out"/examples/*.[ch] "$out"/examples/Kbuild \
	"$out"/examples/exercises/Kbuild "$out"/examples/exercises/*/*.[ch] "$out"/examples/exercises/*/Kbuild \
	"$out"/tests/kunit/*.c; do
	[ -e "$f" ] || continue
	# kbuild's own: the modules' .mod.c it generates beside their sources.
	case "$f" in *.mod.c) continue ;; esac
	[ -e "$MEMLAB_TOP/${f#"$out"/}" ] || rm -f "$f" "${f%.c}.o"
done

# A kernel whose headers are in a build root (7.3's, in the trixie root on a
# host that is not trixie) is built in there: OUTDIR is bind-mounted at the
# same path inside, so that paths in messages and the .ko's path hold on
# both sides; the mount goes with the command (lib.sh's in_root).
# An arm64 kernel's tree, on a host that is not arm64: built with the cross
# compiler (gcc-aarch64-linux-gnu).
if grep -q '^CONFIG_ARM64=y' "$kdir/.config" 2>/dev/null && [ "$(uname -m)" != aarch64 ]; then
	set -- ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- "$@"
fi
root=$(root_of_kdir "$kdir")
log="$out/build.log"
if [ -n "$root" ]; then
	set -- in_root "$root" "$out" make -C "${kdir#"$root"}" M="$out" "$@" modules
else
	set -- make -C "$kdir" M="$out" "$@" modules
fi
if ! "$@" >"$log" 2>&1; then
	tail -n 40 "$log" >&2
	die "build against $kdir failed (log: $log)"
fi
if grep -q 'warning:' "$log"; then
	grep 'warning:' "$log" >&2
	die "build against $kdir has warnings"
fi
printf '%s\n' "$out/$ko"
