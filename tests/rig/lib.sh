#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Shared helpers of the host-side test rig (sourced, POSIX sh).

MEMLAB_TOP=${MEMLAB_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
MEMLAB_CACHE=${MEMLAB_CACHE:-${HOME:-/root}/.cache/memlab}
MEMLAB_OUT=${MEMLAB_OUT:-$MEMLAB_TOP/out}
export MEMLAB_TOP MEMLAB_CACHE MEMLAB_OUT

say() {
	printf 'memlab: %s\n' "$*" >&2
}

die() {
	say "$*"
	exit 1
}

# The Debian kernel release behind a headers metapackage, e.g.
# linux-headers-amd64 -> 6.1.0-56-amd64.
kver_of_meta() {
	dpkg-query -W -f='${Depends}' "$1" 2>/dev/null |
		tr ',' '\n' | sed -n 's/^ *linux-headers-\([^ ]*\).*/\1/p' | head -n 1
}

# Kernels the rig knows: "name metapackage". The debug kernel is separate.
rig_kernels() {
	printf '%s\n' "6.1 linux-headers-amd64" "6.12 linux-headers-6.12-amd64"
}

# kver for a kernel name (6.1, 6.12), empty when its headers are missing.
kver_of_name() {
	rig_kernels | while read -r name meta; do
		if [ "$name" = "$1" ]; then
			kver_of_meta "$meta"
		fi
	done
}

kernel_dir() {
	printf '%s/kernels/%s\n' "$MEMLAB_CACHE" "$1"
}

# Seconds since the epoch, for timing stages.
now() {
	date +%s
}
