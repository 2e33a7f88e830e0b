#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make vm: an interactive root shell in a VM, on this terminal, with memlab
# built for that VM's kernel at /memlab/memlab.ko and memlab's scripts on
# PATH. KERNEL=6.1 (default), 6.12, 7.3 or debug (the debug kernel, with
# KASAN, booted with kmemleak=on). The kernel boots as Debian ships it (no
# slab debugging, init_on_alloc=1), plus VM_APPEND if set, e.g.
# VM_APPEND=init_on_alloc=0. No time limit: the VM runs until you leave it.
#
# Environment: KERNEL, VM_APPEND, MEMLAB_VM_MEM (default 2G),
# ACCEL=tcg|kvm|auto (auto: KVM only where the test rig has seen a KVM boot
# of this kernel work, else TCG as tests/rig/vm.sh runs it: one host thread
# for both vCPUs, the CPU of lib.sh's tcg_cpu; TCG_THREAD and TCG_CPU as
# there).
set -eu
# shellcheck source=tests/rig/lib.sh
. "$(dirname "$0")/lib.sh"

echo "memlab: make vm: leave the VM with 'exit' (it powers off), or press Ctrl-A then X to quit QEMU at once."

name=${KERNEL:-6.1}
sh "$MEMLAB_TOP/tests/rig/deps.sh" vm "$name"
kernel_load "$name" || exit 1
kimage=$K_IMAGE

dir=$MEMLAB_OUT/vm-$name
mkdir -p "$dir"
ko=$(sh "$MEMLAB_TOP/tests/rig/build-module.sh" "$K_KDIR" "$MEMLAB_OUT/build/$name")
sh "$MEMLAB_TOP/tests/rig/mkinitramfs.sh" "$dir/initramfs.cpio.gz" "$ko"

accel=${ACCEL:-auto}
if [ "$accel" = auto ]; then
	accel=tcg
	if [ -w /dev/kvm ] && [ -f "$MEMLAB_CACHE/kvm.$(basename "$kimage").good" ]; then
		accel=kvm
	fi
fi
case "$accel" in
kvm) cpu="-accel kvm -cpu host" ;;
tcg) cpu="-accel tcg,thread=${TCG_THREAD:-single} -cpu $(tcg_cpu)" ;;
*) die "ACCEL=$accel: use tcg, kvm or auto" ;;
esac

say "booting $K_DESC ($accel) with memlab; the kernel log is in dmesg, this terminal's output in $dir/console.log"
# ttyS0 (the console and the shell) is this terminal, multiplexed with
# QEMU's monitor (Ctrl-A C) so that Ctrl-A X quits, as -serial mon:stdio
# does (signal=off: Ctrl-C goes to the guest), and copied to console.log;
# ttyS1, where the guest's /init reports, goes to a file.
# loglevel=5, not quiet: the terminal shows warnings and worse (a WARNING,
# its Call Trace, a KASAN report), not every informational line.
# shellcheck disable=SC2086
exec qemu-system-x86_64 $cpu -smp 2 -m "${MEMLAB_VM_MEM:-2G}" \
	-display none -no-reboot \
	-chardev "stdio,id=con0,mux=on,signal=off,logfile=$dir/console.log" \
	-serial chardev:con0 -mon chardev=con0 -serial "file:$dir/guest.log" \
	-kernel "$kimage" -initrd "$dir/initramfs.cpio.gz" \
	-append "console=ttyS0 panic=-1 loglevel=5 mlmode=shell${K_VMAPPEND:+ $K_VMAPPEND} ${VM_APPEND:-}"
