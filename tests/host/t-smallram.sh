#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Boot a kernel in a VM with 127 MiB of RAM (less than 128 once the kernel has its share) and run tests/guest/t-smallram.sh
# there: memlab's default cap on a machine with less than 128 MiB. KTAP on
# stdout (the guest's).
#
# usage: t-smallram.sh KERNEL_IMAGE MEMLAB.KO WORKDIR
# shellcheck source=tests/rig/lib.sh
. "$(dirname "$0")/../rig/lib.sh"

[ $# -eq 3 ] || die "usage: t-smallram.sh KERNEL_IMAGE MEMLAB.KO WORKDIR"
mkdir -p "$3"
# Without trace-cmd and the tests' helpers, which its one test does not
# use: unpacked, they would leave the kernel too little memory to boot in.
# memlab.ko without its debug information, as modules_install's
# INSTALL_MOD_STRIP makes it: with it (4 MiB once compat.h took in
# memcontrol.h) the kernel ran out of memory unpacking the initramfs.
# Beside it no examples either (mkinitramfs.sh takes them from the ko's
# directory): the one test does not load them.
objcopy --strip-debug "$2" "$3/memlab.ko" || die "cannot strip $2 (objcopy, from binutils)"
MEMLAB_TRACE_CMD=0 MEMLAB_HELPERS="" sh "$MEMLAB_TOP/tests/rig/mkinitramfs.sh" "$3/initramfs.cpio.gz" "$3/memlab.ko" || exit 1
MEMLAB_VM_MEM=${SMALLRAM_MEM:-127M} sh "$MEMLAB_TOP/tests/rig/vm.sh" -k "$1" -i "$3/initramfs.cpio.gz" \
	-o "$3" -t 300 -f t-smallram
rc=$?
tr -d '\r' <"$3/results.ktap" | grep -v '^# memlab-'
exit "$rc"
