#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Install what memlab needs, idempotently: Debian packages, and the kernel
# images matching the installed headers, fetched as .debs and extracted into
# the cache (never installed into /boot).
#
# usage: deps.sh [--lint]   (--lint adds the static checkers)
set -eu
# shellcheck source=tests/rig/lib.sh
. "$(dirname "$0")/lib.sh"

PKGS="build-essential bc flex bison libelf-dev libssl-dev kmod cpio gzip xz-utils
zstd qemu-system-x86 busybox-static linux-headers-amd64 linux-headers-6.12-amd64
linux-source-6.1 clang libclang-rt-14-dev gnuplot-nox tmux python3 dkms"
LINT_PKGS="sparse shellcheck"

want="$PKGS"
[ "${1:-}" = "--lint" ] && want="$want $LINT_PKGS"

installed() {
	dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null | grep -q ' installed$'
}

missing=""
for p in $want; do
	installed "$p" || missing="$missing $p"
done

if [ -n "$missing" ]; then
	if ! command -v apt-get >/dev/null 2>&1 || [ "$(id -u)" -ne 0 ]; then
		die "missing packages; as root run: apt-get install$missing"
	fi
	say "installing:$missing"
	apt-get update -qq >/dev/null || die "apt-get update failed"
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		$missing >"${TMPDIR:-/tmp}/memlab-apt.log" 2>&1 ||
		die "apt-get install failed, see ${TMPDIR:-/tmp}/memlab-apt.log"
fi

# Kernel images: the version must equal the headers'.
mkdir -p "$MEMLAB_CACHE/debs"
rig_kernels | while read -r name meta; do
	kver=$(kver_of_meta "$meta")
	[ -n "$kver" ] || die "no headers for kernel $name ($meta)"
	dir=$(kernel_dir "$kver")
	[ -f "$dir/.complete" ] && continue
	say "fetching kernel image $kver"
	deb_dir=$(mktemp -d "$MEMLAB_CACHE/debs/dl.XXXXXX")
	(cd "$deb_dir" && apt-get download -qq "linux-image-$kver-unsigned" \
		>/dev/null 2>&1) || {
		(apt-get update -qq && cd "$deb_dir" &&
			apt-get download -qq "linux-image-$kver-unsigned") >/dev/null 2>&1 ||
			die "cannot download linux-image-$kver-unsigned"
	}
	rm -rf "$dir.tmp"
	mkdir -p "$dir.tmp"
	dpkg -x "$deb_dir"/linux-image-*.deb "$dir.tmp"
	# Only the kernel and its config are used; the modules tree is 400 MB.
	rm -rf "$dir.tmp/lib" "$dir.tmp/usr" "$deb_dir"
	[ -f "$dir.tmp/boot/vmlinuz-$kver" ] || die "no vmlinuz in linux-image-$kver-unsigned"
	rm -rf "$dir"
	mv "$dir.tmp" "$dir"
	touch "$dir/.complete"
done
