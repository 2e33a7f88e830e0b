#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make vm: an interactive root shell in a VM, on this terminal, with memlab
# built for that VM's kernel at /memlab/memlab.ko and memlab's scripts on
# PATH. KERNEL=6.1 (default), 6.12, 7.3 or debug (the debug kernel, with
# KASAN, booted with kmemleak=on), or a lane: 6.12-rt, 6.1-arm64,
# 6.12-arm64-16k (qemu-system-aarch64, TCG on a host that is not arm64). The kernel boots as Debian ships it (no
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

# The guest's QEMU, machine and console (as tests/rig/vm.sh has them): on
# arm64 the virt machine, whose one UART is the console (ttyAMA0); the
# guest's /init reports to ttyS1, the second 16550 on PCI.
if [ "$K_ARCH" = aarch64 ]; then
	qemu="qemu-system-aarch64"
	machine="-M virt"
	tty=ttyAMA0
	tcpu=${TCG_CPU:-max}
	set -- -chardev null,id=ml0 -device pci-serial,chardev=ml0 \
		-chardev "file,id=ml1,path=$dir/guest.log" -device pci-serial,chardev=ml1
else
	qemu="qemu-system-x86_64"
	machine=
	tty=ttyS0
	tcpu=$(tcg_cpu)
	set -- -serial "file:$dir/guest.log"
fi
accel=${ACCEL:-auto}
if [ "$accel" = auto ]; then
	accel=tcg
	if [ -w /dev/kvm ] && [ "$K_ARCH" = "$(uname -m)" ] &&
		[ -f "$MEMLAB_CACHE/kvm.$(basename "$kimage").good" ]; then
		accel=kvm
	fi
fi
case "$accel" in
kvm) cpu="$machine -accel kvm -cpu host" ;;
tcg) cpu="$machine -accel tcg,thread=${TCG_THREAD:-single} -cpu $tcpu" ;;
*) die "ACCEL=$accel: use tcg, kvm or auto" ;;
esac

say "booting $K_DESC ($accel) with memlab; the kernel log is in dmesg, this terminal's output in $dir/console.log"
# The console (ttyS0, ttyAMA0 on arm64) and the shell are this terminal, multiplexed with
# QEMU's monitor (Ctrl-A C) so that Ctrl-A X quits, as -serial mon:stdio
# does (signal=off: Ctrl-C goes to the guest), and copied to console.log;
# ttyS1, where the guest's /init reports, goes to a file.
# loglevel=5, not quiet: the terminal shows warnings and worse (a WARNING,
# its Call Trace, a KASAN report), not every informational line.
# shellcheck disable=SC2086
exec "$qemu" $cpu -smp 2 -m "${MEMLAB_VM_MEM:-2G}" \
	-display none -no-reboot \
	-chardev "stdio,id=con0,mux=on,signal=off,logfile=$dir/console.log" \
	-serial chardev:con0 -mon chardev=con0 "$@" \
	-kernel "$kimage" -initrd "$dir/initramfs.cpio.gz" \
	-append "console=$tty panic=-1 loglevel=5 mlmode=shell${K_VMAPPEND:+ $K_VMAPPEND} ${VM_APPEND:-}"
