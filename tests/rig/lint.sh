#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make lint: a W=1 build with warnings as errors and sparse (C=2) on each
# Debian kernel of the rig (6.1, 6.12, 7.3, 6.12-rt, 6.1-arm64 and
# 6.12-arm64-16k; 7.3's in the trixie build root where this host is not
# trixie, sparse included; the arm64 ones cross-built), checkpatch.pl
# --strict on src/, include/ and tests/kunit/, and
# the shell linter on every shell script. Exits non-zero on any finding.
set -u
# shellcheck source=tests/rig/lib.sh
. "$(dirname "$0")/lib.sh"

# KERNELS (default: rig_kernels, the Debian kernels above) names fewer.
lint_kernels=${KERNELS:-$(rig_kernels | cut -d' ' -f1 | tr '\n' ' ')}
sh "$MEMLAB_TOP/tests/rig/deps.sh" lint || exit 1
if [ -n "${KERNELS:-}" ]; then
	# shellcheck disable=SC2086
	sh "$MEMLAB_TOP/tests/rig/deps.sh" kernel $KERNELS || exit 1
fi
fail=0

step() {
	printf 'memlab: lint: %s ... ' "$1" >&2
}

verdict() {
	if [ "$1" -eq 0 ]; then
		echo ok >&2
	else
		echo FAILED >&2
		fail=1
	fi
}

mkdir -p "$MEMLAB_OUT/lint"
for k in $lint_kernels; do
	if ! kernel_load "$k" build 2>"$MEMLAB_OUT/lint/kernel-$k.err"; then
		step "kernel $k"
		verdict 1
		cat "$MEMLAB_OUT/lint/kernel-$k.err" >&2
		continue
	fi
	step "W=1 -Werror build against $k"
	sh "$MEMLAB_TOP/tests/rig/build-module.sh" "$K_KDIR" "$MEMLAB_OUT/lint/w1-$k" \
		W=1 KCFLAGS=-Werror >/dev/null
	verdict $?
	step "sparse (C=2) against $k"
	sh "$MEMLAB_TOP/tests/rig/build-module.sh" "$K_KDIR" "$MEMLAB_OUT/lint/sparse-$k" \
		C=2 >/dev/null
	verdict $?
done

# checkpatch.pl comes with the kernel source, not with the headers.
cp_dir=$MEMLAB_CACHE/checkpatch
if [ ! -f "$cp_dir/scripts/checkpatch.pl" ]; then
	tarball=/usr/src/linux-source-6.1.tar.xz
	[ -f "$tarball" ] || die "no $tarball: apt-get install linux-source-6.1"
	say "extracting checkpatch.pl from $tarball"
	rm -rf "$cp_dir.tmp"
	mkdir -p "$cp_dir.tmp"
	tar -xJf "$tarball" -C "$cp_dir.tmp" --strip-components=1 \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch || die "cannot extract checkpatch.pl"
	rm -rf "$cp_dir"
	mv "$cp_dir.tmp" "$cp_dir"
fi
step "checkpatch.pl --strict on src/, include/, tests/kunit/, examples/ and its exercises"
perl "$cp_dir/scripts/checkpatch.pl" --strict --no-tree --terse --show-types \
	--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG \
	-f "$MEMLAB_TOP"/src/*.c "$MEMLAB_TOP"/include/*.h "$MEMLAB_TOP"/tests/kunit/*.c "$MEMLAB_TOP"/examples/*.c "$MEMLAB_TOP"/examples/*.h \
	"$MEMLAB_TOP"/examples/exercises/*/*.c >"$MEMLAB_OUT/lint/checkpatch.txt" 2>&1
r=$?
verdict $r
[ "$r" -eq 0 ] || grep -vE '^total:' "$MEMLAB_OUT/lint/checkpatch.txt" >&2

step "shellcheck on every shell script"
shell_scripts() {
	grep -rlE '^#!.*(/sh|busybox sh|bash)' scripts tests .ci 2>/dev/null | sort
}
# shellcheck disable=SC2046
(cd "$MEMLAB_TOP" && shellcheck -x -S style $(shell_scripts)) \
	>"$MEMLAB_OUT/lint/shellcheck.txt" 2>&1
r=$?
verdict $r
[ "$r" -eq 0 ] || cat "$MEMLAB_OUT/lint/shellcheck.txt" >&2

if [ -f "$MEMLAB_TOP/tests/rig/lint-docs.sh" ] && [ -f "$MEMLAB_TOP/README.zh-CN.md" ]; then
	step "every page and its Chinese twin in step (README, lessons, reference, testing, exercises)"
	sh "$MEMLAB_TOP/tests/rig/lint-docs.sh"
	verdict $?
fi

if [ "$fail" -ne 0 ]; then
	say "lint: FAILED"
	exit 1
fi
say "lint: all clean"
