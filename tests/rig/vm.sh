#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Boot one kernel with memlab's initramfs under QEMU and judge the run.
#
# usage: vm.sh -k KERNEL_IMAGE -i INITRD -o OUTDIR [-t SECONDS] [-a APPEND]
#              [-m test|demo|bench|shell] [-f TEST_FILTER]
#
# OUTDIR gets console.log (ttyS0) and results.ktap (ttyS1). The run fails on
# the host-side timeout, an abnormal QEMU exit, a guest that never reports
# "done", any line of the console that shows a kernel problem, and any
# "not ok" in the results. ACCEL=tcg|kvm|auto (default auto: KVM only where a
# KVM boot of this kernel has been seen to work, else TCG).
set -eu
# shellcheck source=tests/rig/lib.sh
. "$(dirname "$0")/lib.sh"

timeout_s=900
append=""
mode="test"
filter=""
while getopts k:i:o:t:a:m:f: opt; do
	case "$opt" in
	k) kimage=$OPTARG ;;
	i) initrd=$OPTARG ;;
	o) outdir=$OPTARG ;;
	t) timeout_s=$OPTARG ;;
	a) append=$OPTARG ;;
	m) mode=$OPTARG ;;
	f) filter=$OPTARG ;;
	*) die "usage: vm.sh -k KERNEL -i INITRD -o OUTDIR [-t S] [-a APPEND] [-m MODE] [-f FILTER]" ;;
	esac
done
[ -f "${kimage:-}" ] || die "vm.sh: no kernel image '${kimage:-}'"
[ -f "${initrd:-}" ] || die "vm.sh: no initramfs '${initrd:-}'"
[ -n "${outdir:-}" ] || die "vm.sh: -o OUTDIR is required"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 missing (apt-get install qemu-system-x86)"
mkdir -p "$outdir"
console=$outdir/console.log
results=$outdir/results.ktap

# A large log buffer: the tests read boot lines (mem auto-init) from dmesg
# after much else has been logged.
cmdline="console=ttyS0 log_buf_len=8M panic=-1 mlmode=$mode${filter:+ mltests=$filter} $append"
kvm_mark=$MEMLAB_CACHE/kvm.$(basename "$kimage")

qemu_args() {
	# $1: accel
	if [ "$1" = kvm ]; then
		echo "-accel kvm -cpu host"
	else
		echo "-accel tcg -cpu max"
	fi
}

# run_qemu ACCEL BOOT_LIMIT: 0 done, 1 failed, 2 no boot within BOOT_LIMIT
run_qemu() {
	: >"$console"
	: >"$results"
	# shellcheck disable=SC2046
	qemu-system-x86_64 $(qemu_args "$1") -smp 2 -m "${MEMLAB_VM_MEM:-2G}" \
		-display none -monitor none -no-reboot \
		-serial "file:$console" -serial "file:$results" \
		-kernel "$kimage" -initrd "$initrd" -append "$cmdline" \
		>"$outdir/qemu.log" 2>&1 &
	qpid=$!
	t=0
	booted=no
	while kill -0 "$qpid" 2>/dev/null; do
		if [ "$booted" = no ] && grep -q '^# memlab-guest: booted' "$results" 2>/dev/null; then
			booted=yes
		fi
		if [ "$booted" = no ] && [ "$t" -ge "$2" ]; then
			kill "$qpid" 2>/dev/null
			wait "$qpid" 2>/dev/null || true
			return 2
		fi
		if [ "$t" -ge "$timeout_s" ]; then
			kill "$qpid" 2>/dev/null
			wait "$qpid" 2>/dev/null || true
			say "$(basename "$kimage"): host-side timeout after ${timeout_s}s"
			echo "# memlab-host: timeout after ${timeout_s}s" >>"$results"
			return 1
		fi
		sleep 1
		t=$((t + 1))
	done
	qrc=0
	wait "$qpid" || qrc=$?
	grep -q '^# memlab-guest: booted' "$results" || booted=no
	if [ "$booted" = no ] && [ "$2" -lt "$timeout_s" ]; then
		return 2
	fi
	if [ "$qrc" -ne 0 ]; then
		say "$(basename "$kimage"): QEMU exited with status $qrc: $(tail -n 3 "$outdir/qemu.log")"
		return 1
	fi
	return 0
}

accel=${ACCEL:-auto}
if [ "$accel" = auto ]; then
	accel=tcg
	if [ -w /dev/kvm ] && [ -f "$kvm_mark.good" ]; then
		accel=kvm
	elif [ -w /dev/kvm ] && [ ! -f "$kvm_mark.bad" ]; then
		accel=probe
	fi
fi

start=$(now)
rc=0
case "$accel" in
probe)
	run_qemu kvm 30 || rc=$?
	if [ "$rc" -eq 2 ]; then
		mkdir -p "$MEMLAB_CACHE" && touch "$kvm_mark.bad"
		say "$(basename "$kimage"): no boot under KVM, using TCG from now on ($(tail -n 1 "$outdir/qemu.log"))"
		rc=0
		accel=tcg
		run_qemu tcg "$timeout_s" || rc=$?
	else
		mkdir -p "$MEMLAB_CACHE" && touch "$kvm_mark.good"
		accel=kvm
	fi
	;;
*)
	run_qemu "$accel" "$timeout_s" || rc=$?
	;;
esac
[ "$rc" -eq 2 ] && rc=1
echo "$accel $(($(now) - start))" >"$outdir/time"

# Judge the console: any sign of a kernel problem fails the run.
allow=$MEMLAB_TOP/tests/rig/console-allow.txt
grep -nE 'BUG:|WARNING:|Oops|Call Trace|KASAN|kmemleak|Objects remaining|sleeping function called from invalid context|UBSAN|Kernel panic|general protection fault|list_del corruption|Poison overwritten|Redzone' \
	"$console" | grep -vEf "$allow" >"$outdir/problems.txt" || true
if [ -s "$outdir/problems.txt" ]; then
	say "$(basename "$kimage"): kernel problems in the console log ($console):"
	head -n 20 "$outdir/problems.txt" >&2
	echo "not ok 1 console log shows kernel problems" >>"$results"
	rc=1
fi
if ! grep -q '^# memlab-guest: done' "$results"; then
	say "$(basename "$kimage"): the guest never finished (see $console)"
	echo "not ok 1 guest did not finish" >>"$results"
	rc=1
fi
if grep -q '^not ok' "$results"; then
	rc=1
fi
exit "$rc"
