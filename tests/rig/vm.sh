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
#
# A test that makes the kernel report a problem on purpose (examples/membugs.ko
# under KASAN, say) marks the window in which it expects that report, by
# writing two lines to /dev/kmsg, so that they reach the console in order
# with the kernel's own lines:
#
#	memlab-expect: begin <ERE>
#	memlab-expect: end
#
# Between a begin and its end, the problem lines that match <ERE> (an awk
# extended regular expression: the rest of the begin line, matched against
# the line without its timestamp, so "^BUG: KASAN: " anchors at the message)
# are not problems; they go to OUTDIR/expected.txt. Nothing else is
# accepted: no line outside a window, no line of a window that does not
# match its ERE. Keep windows short and EREs narrow: whatever matches in the
# window is accepted, whoever printed it. A window is judged once it is
# closed: a begin without an end (the test, or the guest, died before
# writing it) accepts nothing, and counts as a problem itself, as do an end
# without a begin, a begin inside an open window, a begin with no ERE, an
# ERE that awk rejects and any other "memlab-expect:" line. A window
# accepts; it does not require: the test checks itself that the report came
# (in dmesg). The markers go at /dev/kmsg's default level: a test must not
# lower the console log level (/proc/sys/kernel/printk) around a window.
#
# A kernel that crashes or hangs before user space (before the guest's
# "booted" line: no test has run, memlab is not loaded) is booted once
# more, and the run says so: the first boot's console is kept as
# console.boot1.log and its first problem goes to the results. Seen once
# in about twenty TCG boots of the 6.12 debug kernel: an interrupt taken
# during start_kernel()'s CPU setup, KASAN reports without end. A crash is
# told by BUG:, Oops or Kernel panic on the console; a hang by no "booted"
# line within MEMLAB_BOOT_LIMIT seconds (600).
set -eu
# shellcheck source=tests/rig/lib.sh
. "$(dirname "$0")/lib.sh"

timeout_s=900
boot_limit=${MEMLAB_BOOT_LIMIT:-600}
early_crash='^(\[ *[0-9.]+\] )?(BUG: |Oops|Kernel panic)'
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
# No longer than the run's own limit.
[ "$boot_limit" -le "$timeout_s" ] || boot_limit=$timeout_s
[ -f "${kimage:-}" ] || die "vm.sh: no kernel image '${kimage:-}'"
[ -f "${initrd:-}" ] || die "vm.sh: no initramfs '${initrd:-}'"
[ -n "${outdir:-}" ] || die "vm.sh: -o OUTDIR is required"
# The guest's architecture (kernel_load's K_ARCH, as uname -m names it): its
# QEMU, machine, TCG CPU and console. arm64's virt machine has one UART, the
# console (ttyAMA0): the results go to a second 16550 on PCI, which is ttyS1
# in the guest as on x86 (the first, ttyS0, is unused).
garch=${K_ARCH:-$(uname -m)}
case "$garch" in
aarch64)
	qemu="qemu-system-aarch64"
	qemu_pkg="qemu-system-arm"
	tty=ttyAMA0
	machine="-M virt"
	# Neoverse N1 (Armv8.2, 4, 16 and 64 KiB pages), not "max": max
	# has pointer authentication, whose QARMA keys TCG computes in
	# software at every signed return. On 6.1-arm64 one boot with
	# t-control took 205 s with max, 44 s with max,pauth-impdef=on,
	# 26 s with neoverse-n1 (t-control itself 74, 10 and 8 s).
	cpu=${TCG_CPU:-neoverse-n1}
	# A host thread for each vCPU (QEMU's own default for an arm64 guest
	# on an x86-64 host). With one thread for both, the idle vCPU waited
	# its turn behind the busy one: at boot, while the other cleared the
	# 2 GiB (init_on_free=1), the watchdog saw both CPUs stuck for 21-23 s
	# ("BUG: soft lockup"), on 6.1-arm64 and 6.12-arm64-16k alike. The
	# x86 guests' trouble with multi-threaded TCG (an int3 of text
	# patching, below) is x86's: arm64 patches its text under stop_machine
	# or with cache maintenance and a sync of all CPUs, which MTTCG keeps.
	tcg_thread=${TCG_THREAD:-multi}
	;;
*)
	qemu="qemu-system-x86_64"
	qemu_pkg="qemu-system-x86"
	tty=ttyS0
	machine=
	cpu=$(tcg_cpu)
	tcg_thread=${TCG_THREAD:-single}
	;;
esac
command -v "$qemu" >/dev/null || die "$qemu missing (apt-get install $qemu_pkg)"
mkdir -p "$outdir"
console=$outdir/console.log
results=$outdir/results.ktap

# A large log buffer: the tests read boot lines (mem auto-init) from dmesg
# after much else has been logged.
cmdline="console=$tty log_buf_len=8M panic=-1 mlmode=$mode${filter:+ mltests=$filter} $append"
kvm_mark=$MEMLAB_CACHE/kvm.$(basename "$kimage")

# ICOUNT=1 (TCG only): the guest's clocks, its TSC too, advance one ns per
# guest instruction (-icount shift=0), whatever the host does; one CPU,
# since with two the guest does not reach user space.
qemu_args() {
	# $1: accel
	if [ "$1" = kvm ]; then
		echo "$machine -accel kvm -cpu host -smp 2"
	elif [ "${ICOUNT:-0}" = 1 ]; then
		echo "$machine -accel tcg -cpu $cpu -smp 1 -icount shift=0,sleep=off"
	else
		# On x86, one host thread runs both vCPUs in turn (TCG_THREAD=multi:
		# one each). Under multi-threaded TCG, 6.12 and 7.3 oopsed on an
		# int3 that text patching (a static key, a tracepoint switched on)
		# had left, executed by the other vCPU after the patching had ended.
		echo "$machine -accel tcg,thread=$tcg_thread -cpu $cpu -smp 2"
	fi
}

# host_result WHY: the host's verdict, a failure, after the guest's own
# results and outside any test's plan (tests/rig/lib.sh: ktap_problems).
host_result() {
	printf '# memlab-host: the run\nnot ok 1 %s\n' "$1" >>"$results"
}

# run_qemu ACCEL BOOT_LIMIT: 0 done, 1 failed, 2 no boot within BOOT_LIMIT
run_qemu() {
	: >"$console"
	: >"$results"
	rq_accel=$1
	rq_limit=$2
	if [ "$garch" = aarch64 ]; then
		set -- -serial "file:$console" -chardev null,id=ml0 -device pci-serial,chardev=ml0 \
			-chardev "file,id=ml1,path=$results" -device pci-serial,chardev=ml1
	else
		set -- -serial "file:$console" -serial "file:$results"
	fi
	# shellcheck disable=SC2046
	"$qemu" $(qemu_args "$rq_accel") -m "${MEMLAB_VM_MEM:-2G}" \
		-display none -monitor none -no-reboot "$@" \
		-kernel "$kimage" -initrd "$initrd" -append "$cmdline" \
		>"$outdir/qemu.log" 2>&1 &
	qpid=$!
	t=0
	booted=no
	while kill -0 "$qpid" 2>/dev/null; do
		if [ "$booted" = no ] && grep -q '^# memlab-guest: booted' "$results" 2>/dev/null; then
			booted=yes
		fi
		if [ "$booted" = no ] && { [ "$t" -ge "$rq_limit" ] ||
			grep -qaE "$early_crash" "$console"; }; then
			kill "$qpid" 2>/dev/null
			wait "$qpid" 2>/dev/null || true
			return 2
		fi
		if [ "$t" -ge "$timeout_s" ]; then
			kill "$qpid" 2>/dev/null
			wait "$qpid" 2>/dev/null || true
			say "$(basename "$kimage"): host-side timeout after ${timeout_s}s"
			host_result "host-side timeout after ${timeout_s}s"
			return 1
		fi
		sleep 1
		t=$((t + 1))
	done
	qrc=0
	wait "$qpid" || qrc=$?
	if grep -q '^# memlab-guest: booted' "$results"; then
		booted=yes
	else
		booted=no
	fi
	if [ "$booted" = no ] && [ "$rq_limit" -lt "$timeout_s" ]; then
		return 2
	fi
	if [ "$qrc" -ne 0 ]; then
		say "$(basename "$kimage"): QEMU exited with status $qrc: $(tail -n 3 "$outdir/qemu.log")"
		host_result "QEMU exited with status $qrc"
		return 1
	fi
	return 0
}

# judge_windows EXPECTED: filter grep -n lines of the console (problems and
# memlab-expect markers) on stdin; print the problems on stdout, append the
# accepted lines to EXPECTED. Exits non-zero only if awk itself fails.
judge_windows() {
	awk -v expected="$1" '
	function text(l) {
		sub(/\r+$/, "", l)
		return l
	}
	# Lines held back in the open window, accepted only if it closes.
	function spill(why) {
		print start ":memlab-expect: " why " (window begun here, ERE: " re ")"
		for (i = 0; i < held; i++)
			print pend[i]
		held = 0
		open = 0
	}
	{
		l = text($0)
		num = l
		sub(/:.*/, "", num)
	}
	l ~ /^[0-9]+:(\[ *[0-9.]+\] )?memlab-expect: begin( |$)/ {
		if (open)
			spill("a begin inside an open window, at line " num)
		rest = l
		sub(/^[0-9]+:(\[ *[0-9.]+\] )?memlab-expect: begin ?/, "", rest)
		if (rest == "") {
			print num ":memlab-expect: a begin with no ERE"
			next
		}
		re = rest
		start = num
		open = 1
		held = 0
		next
	}
	l ~ /^[0-9]+:(\[ *[0-9.]+\] )?memlab-expect: end$/ {
		if (!open) {
			print num ":memlab-expect: an end without a begin"
			next
		}
		for (i = 0; i < held; i++)
			print pend[i] >>expected
		held = 0
		open = 0
		next
	}
	l ~ /^[0-9]+:(\[ *[0-9.]+\] )?memlab-expect: / {
		print l
		next
	}
	{
		body = l
		sub(/^[0-9]+:(\[ *[0-9.]+\] )?/, "", body)
		if (open && body ~ re)
			pend[held++] = l
		else
			print l
	}
	END {
		if (open)
			spill("a begin without an end")
	}'
}

accel=${ACCEL:-auto}
[ "${ICOUNT:-0}" = 1 ] && accel=tcg
# KVM runs a guest of the host's own architecture only.
[ "$garch" = "$(uname -m)" ] || accel=tcg
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
	run_qemu "$accel" "$boot_limit" || rc=$?
	if [ "$rc" -eq 2 ]; then
		cp "$console" "$outdir/console.boot1.log"
		why=$(grep -aE -m 1 "$early_crash" "$console" | sed 's/^\[ *[0-9.]*\] //' || true)
		why=${why:-no user space within ${boot_limit}s}
		say "$(basename "$kimage"): the kernel did not reach user space ($why); booting it once more (the first boot's console: $outdir/console.boot1.log)"
		rc=0
		run_qemu "$accel" "$boot_limit" || rc=$?
		echo "# memlab-host: the first boot did not reach user space ($why): booted once more" >>"$results"
	fi
	;;
esac
if [ "$rc" -eq 2 ]; then
	say "$(basename "$kimage"): the kernel did not reach user space"
	host_result "the kernel did not reach user space"
	rc=1
fi
echo "$accel $(($(now) - start))" >"$outdir/time"

# Judge the console: any sign of a kernel problem fails the run, but for
# the lines that a test's memlab-expect window accepts (see the header).
allow=$MEMLAB_TOP/tests/rig/console-allow.txt
problem='BUG:|WARNING:|Oops|Call Trace|KASAN|kmemleak|Objects remaining|sleeping function called from invalid context|UBSAN|Kernel panic|general protection fault|list_del corruption|Poison overwritten|Redzone'
marker='^(\[ *[0-9.]+\] )?memlab-expect: '
: >"$outdir/expected.txt"
if ! grep -naE "$problem|$marker" "$console" | grep -vEf "$allow" |
	judge_windows "$outdir/expected.txt" >"$outdir/problems.txt"; then
	echo "0:memlab-expect: the console judge itself failed (a bad ERE in a begin?)" >>"$outdir/problems.txt"
fi
if [ -s "$outdir/problems.txt" ]; then
	say "$(basename "$kimage"): kernel problems in the console log ($console):"
	head -n 20 "$outdir/problems.txt" >&2
	host_result "console log shows kernel problems"
	rc=1
fi
if ! grep -q '^# memlab-guest: done' "$results"; then
	say "$(basename "$kimage"): the guest never finished (see $console)"
	host_result "guest did not finish"
	rc=1
fi
if grep -q '^not ok' "$results"; then
	rc=1
fi
exit "$rc"
