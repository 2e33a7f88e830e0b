#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# membugs.ko on a Debian kernel (6.12 by default), booted as a learner
# would boot it to see a bug reported (CONTRACT.md's membugs paragraph):
#
#   1. with kfence.sample_interval=100 and slub_debug=FZPU: each bug is made
#      on an object that KFENCE guards, and KFENCE reports it; then, KFENCE
#      switched off, each is made again, for SLUB debugging to report;
#   2. with neither: each refuses to load (EOPNOTSUPP), in one kernel log
#      line that names both boot options.
#
# Each boot runs tests/guest/t-zzy-examples.sh, which finds the tools of
# the boot itself and checks every report line by line, inside a
# memlab-expect window; vm.sh judges the console (any report outside a
# window fails the boot). The test VMs of make check boot with slab
# debugging on, so there t-zzy-examples checks SLUB's reports on every
# kernel. KTAP on stdout: the two boots' results, one after the other.
#
# usage: t-membugs-debian.sh [KERNEL] [WORKDIR]
# shellcheck source=tests/rig/lib.sh
. "$(dirname "$0")/../rig/lib.sh"

kernel=${1:-6.12}
work=${2:-$MEMLAB_OUT/membugs-debian}
mkdir -p "$work"
kernel_load "$kernel" || exit 1
# A build directory of its own: the kernel lanes of make check build
# into $MEMLAB_OUT/build/<kernel> at the same time.
ko=$(sh "$MEMLAB_TOP/tests/rig/build-module.sh" "$K_KDIR" "$work/build") || exit 1
sh "$MEMLAB_TOP/tests/rig/mkinitramfs.sh" "$work/initramfs.cpio.gz" "$ko" || exit 1

rc=0
# boot NAME APPEND: t-zzy-examples in a VM booted with APPEND; its results,
# named after the boot, on stdout.
boot() {
	vm_rc=0
	sh "$MEMLAB_TOP/tests/rig/vm.sh" -k "$K_IMAGE" -i "$work/initramfs.cpio.gz" -o "$work/$1" \
		-t 900 -a "$2" -f t-zzy-examples || vm_rc=$?
	tr -d '\r' <"$work/$1/results.ktap" |
		sed "s|^# memlab-test: t-zzy-examples\$|# memlab-test: t-zzy-examples($1)|"
	if [ "$vm_rc" -ne 0 ]; then
		rc=1
		if ! tr -d '\r' <"$work/$1/results.ktap" | grep -q '^not ok'; then
			printf '# memlab-host: %s\nnot ok 1 %s: vm.sh exited with status %s (see %s)\n' \
				"$1" "$1" "$vm_rc" "$work/$1"
		fi
	fi
}

boot kfence-slub "kfence.sample_interval=100 slub_debug=FZPU"
boot plain ""
exit "$rc"
