#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Make the test VM's initramfs: busybox, memlab.ko, the examples, the
# scripts and the in-guest tests.
#
# usage: mkinitramfs.sh OUT.cpio.gz MEMLAB.KO [EXTRA ...]
# An EXTRA that is a .ko (memlab_kunit.ko) goes beside memlab.ko in /memlab,
# any other is one more in-guest test. The examples' modules, which kbuild
# builds beside MEMLAB.KO (DIR/memlab.ko: DIR/examples/*.ko), go to
# /memlab/examples/ with their sources (examples/*.[ch]), for a learner to read;
# the exercises' (examples/exercises/*/) to /memlab/examples/exercises/*/.
set -eu
# shellcheck source=tests/rig/lib.sh
. "$(dirname "$0")/lib.sh"

out=$1
ko=$2
shift 2
bb=/bin/busybox
cc=cc
# A guest of another architecture (MEMLAB_GUEST_ARCH, else kernel_load's
# K_ARCH, as uname -m names it: aarch64 for the arm64 kernels): its
# busybox-static, which deps.sh fetches into the cache, and its cross
# compiler for the helpers.
guest_arch=${MEMLAB_GUEST_ARCH:-${K_ARCH:-$(uname -m)}}
if [ "$guest_arch" != "$(uname -m)" ]; then
	bb=$(guest_busybox "$guest_arch")
	cc=$(guest_cc "$guest_arch")
	[ -f "$bb" ] || die "no busybox for $guest_arch at $bb: run sh tests/rig/deps.sh"
	command -v "$cc" >/dev/null || die "no $cc: run sh tests/rig/deps.sh"
elif [ ! -x "$bb" ] || ! "$bb" --list | grep -qx setpriv; then
	die "busybox-static is needed (apt-get install busybox-static)"
fi
file "$bb" 2>/dev/null | grep -q dynamically && die "$bb is not static: apt-get install busybox-static"

root=$(mktemp -d "${TMPDIR:-/tmp}/memlab-initramfs.XXXXXX")
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/etc" "$root/memlab/scripts" "$root/memlab/tests" "$root/memlab/examples"
cp "$bb" "$root/bin/busybox"
cp "$MEMLAB_TOP/tests/guest/init" "$root/init"
chmod 755 "$root/init"
cp "$ko" "$root/memlab/memlab.ko"
for f in "$(dirname "$ko")"/examples/*.ko "$MEMLAB_TOP"/examples/*.[ch]; do
	[ -f "$f" ] && cp "$f" "$root/memlab/examples/"
done
# The exercises: each directory with its modules, sources and READMEs.
for d in "$MEMLAB_TOP"/examples/exercises/*/; do
	[ -d "$d" ] || continue
	e=$(basename "$d")
	mkdir -p "$root/memlab/examples/exercises/$e"
	for f in "$(dirname "$ko")/examples/exercises/$e"/*.ko "$d"*.c "$d"*.md; do
		if [ -f "$f" ]; then cp "$f" "$root/memlab/examples/exercises/$e/"; fi
	done
done
for f in "$MEMLAB_TOP"/scripts/memlab-*; do
	[ -f "$f" ] && cp "$f" "$root/memlab/scripts/"
done
cp "$MEMLAB_TOP"/tests/guest/*.sh "$root/memlab/tests/"
# The tests' helpers, static: the guest has no libc. MEMLAB_HELPERS names
# fewer ("" for none: the 127 MiB machine of tests/host/t-smallram.sh).
for h in ${MEMLAB_HELPERS-fail-nth memhog fuzz-ctl badwrite}; do
	"$cc" -static -Os -s -Wall -Werror -o "$root/memlab/tests/$h" "$MEMLAB_TOP/tests/guest/$h.c" ||
		die "cannot build tests/guest/$h.c (a C compiler and static libc are needed)"
done
# trace-cmd, where the host has it, with the libraries it loads: a real
# trace parser (libtraceevent) for tests/guest/t-trace-fmt.sh, which reads
# memlab's events as perf and trace-cmd users do. The host's binary serves
# a guest of the host's architecture only. MEMLAB_TRACE_CMD=0 leaves it out
# (the 127 MiB machine of tests/host/t-smallram.sh).
tc=$(command -v trace-cmd 2>/dev/null || true)
if [ -n "$tc" ] && [ "${MEMLAB_TRACE_CMD:-1}" != 0 ] && [ "$guest_arch" = "$(uname -m)" ]; then
	mkdir -p "$root/usr/bin"
	cp "$tc" "$root/usr/bin/trace-cmd"
	ldd "$tc" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' |
		while read -r lib; do
			mkdir -p "$root$(dirname "$lib")"
			cp -L "$lib" "$root$lib"
		done
fi
for f in "$@"; do
	case "$f" in
	*.ko) cp "$f" "$root/memlab/" ;;
	*) cp "$f" "$root/memlab/tests/" ;;
	esac
done
chmod 755 "$root" "$root"/memlab/scripts/* "$root"/memlab/tests/* 2>/dev/null || true
cat >"$root/etc/passwd" <<PASSWD
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/sh
PASSWD
cat >"$root/etc/group" <<GROUP
root:x:0:
nogroup:x:65534:
GROUP
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
