#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make demo: the guided demonstration, on this machine when it can load
# modules, otherwise in a VM (KERNEL=6.1 by default, or 6.12, 7.3, debug:
# the names of lib.sh's kernel_load).
set -eu
# shellcheck source=tests/rig/lib.sh
. "$(dirname "$0")/lib.sh"

host_can_load() {
	[ "$(id -u)" -eq 0 ] || return 1
	[ -d "/lib/modules/$(uname -r)/build" ] || return 1
	[ -r /proc/modules ] || return 1
	[ "$(cat /proc/sys/kernel/modules_disabled 2>/dev/null || echo 1)" = 0 ]
}

if [ "${MEMLAB_DEMO_VM:-0}" = 0 ] && host_can_load; then
	say "running the demo on this machine ($(uname -r))"
	ko=$(sh "$MEMLAB_TOP/tests/rig/build-module.sh" "/lib/modules/$(uname -r)/build" \
		"$MEMLAB_OUT/build/host")
	exec sh "$MEMLAB_TOP/scripts/memlab-demo" "$ko"
fi

name=${KERNEL:-6.1}
sh "$MEMLAB_TOP/tests/rig/deps.sh" demo "$name"
kernel_load "$name" || exit 1
say "this machine cannot load modules: running the demo in a VM with $K_DESC"
dir=$MEMLAB_OUT/demo-$name
mkdir -p "$dir"
# One compiler a CPU: the module's files build side by side.
ko=$(sh "$MEMLAB_TOP/tests/rig/build-module.sh" "$K_KDIR" "$MEMLAB_OUT/build/$name" \
	-j"$(nproc 2>/dev/null || echo 2)")
sh "$MEMLAB_TOP/tests/rig/mkinitramfs.sh" "$dir/initramfs.cpio.gz" "$ko"
: >"$dir/results.ktap"
# No "quiet": the console (a file, not shown) keeps every kernel line, a
# WARNING too, for vm.sh's judge; the demo's own output is on ttyS1.
sh "$MEMLAB_TOP/tests/rig/vm.sh" -m demo -k "$K_IMAGE" \
	-i "$dir/initramfs.cpio.gz" -o "$dir" -t 600 -a "${K_VMAPPEND:-}" &
vm=$!
sleep 1
tail -n +1 -f "$dir/results.ktap" --pid="$vm" | grep -v '^# memlab-guest:' || true
rc=0
wait "$vm" || rc=$?
[ "$rc" -eq 0 ] || die "the demo VM failed; its console is in $dir/console.log"
grep -q '^# memlab-guest: demo exit 0' "$dir/results.ktap" || die "the demo failed"
