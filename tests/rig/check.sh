#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make check: the whole test suite. Host tests of the parser and of the rig,
# then, for each kernel, build memlab.ko, boot it with the in-guest tests and
# bring the results back. The last line is "N passed, N failed".
#
# The suite is a few jobs (the host stages, one per kernel, DKMS), which
# CHECK_JOBS workers (default: the host's CPUs) take in turn, the longest
# first: a TCG VM keeps one host CPU busy, so two kernels boot side by side
# on two CPUs. The results are printed in one order whatever the timing.
#
# Environment: KERNELS (default all: "6.1 6.12 7.3 6.12-rt 6.1-arm64
# 6.12-arm64-16k debug debug-6.1", the names lib.sh's
# kernel_load knows, or "none" for the host stages alone; debug and
# debug-6.1 are the debug kernels that tests/rig/debug-kernel.sh builds
# once and caches, the second's lane running KUnit alone),
# CHECK_JOBS (how many jobs at once), FUZZ_SECONDS
# (60), MEMLAB_TESTS (only in-guest tests whose name contains it),
# CHECK_SLOWEST (10, how many of the slowest in-guest tests the time
# summary at the end lists), CHECK_FAILED_LINES (40, how many lines of
# the list of failures printed last), CHECK_HOST (0: no host stages).
set -u
# shellcheck source=tests/rig/lib.sh
. "$(dirname "$0")/lib.sh"

kernels=${KERNELS:-$(rig_kernel_names)}
# KERNELS=none: the host stages alone (tests/host/t-outside-git.sh).
[ "$kernels" != none ] || kernels=
jobs_n=${CHECK_JOBS:-$(nproc 2>/dev/null || echo 1)}
case "$jobs_n" in
'' | *[!0-9]* | 0) die "CHECK_JOBS=$jobs_n: must be a number of jobs, 1 or more" ;;
esac
KERNELS=${kernels:-none} sh "$MEMLAB_TOP/tests/rig/deps.sh" check || exit 1

out=$MEMLAB_OUT/check
rm -rf "$out"
mkdir -p "$out/records" "$out/jobs"
total_start=$(now)

# record NAME KTAP_FILE SECONDS [guest]: count the file's results into the
# job's records ($out/records/<job>-<n>: the summary line, "passed failed
# skipped", "seconds name"), in the order of the job's stages. Only
# top-level results count. Each reason why the file does not add up
# (ktap_problems: no plan, fewer results than planned, with "guest" no done
# marker) is one more failure, named on the summary line.
record() {
	p=$(tr -d '\r' <"$2" | grep -cE '^ok [0-9]+')
	s=$(tr -d '\r' <"$2" | grep -cE '^ok [0-9]+.*# SKIP')
	f=$(tr -d '\r' <"$2" | grep -cE '^not ok [0-9]+')
	ktap_problems "$2" "${4:-}" >"$2.problems"
	f=$((f + $(grep -c . "$2.problems")))
	why=$(sed 's/$/;/' "$2.problems" | tr '\n' ' ' | sed 's/; $//')
	p=$((p - s))
	rec_n=$((rec_n + 1))
	line=$(printf '%-22s %5d passed, %d failed, %d skipped  (%ss)%s' "$1" "$p" "$f" "$s" "$3" \
		"${why:+  [$why]}")
	printf '%s\n%s\n%s\n' "$line" "$p $f $s" "$3 $1" >"$out/records/$job-$rec_n"
	echo "$line" >&2
	{
		tr -d '\r' <"$2" | grep -E '^not ok'
		sed 's/^/not ok: /' "$2.problems"
	} | sed "s|^|    $1: |" | tee "$out/records/$job-$rec_n.failed" >&2
}

# stage NAME COMMAND...: run a host-side KTAP producer, record its results.
stage() {
	name=$1
	shift
	say "== $name"
	t0=$(now)
	"$@" >"$out/$name.ktap" 2>"$out/$name.err"
	rc=$?
	if [ "$rc" -ne 0 ] && ! grep -q '^ *not ok' "$out/$name.ktap"; then
		tail -n 20 "$out/$name.err" >&2
		echo "not ok 1 $name exited with status $rc" >>"$out/$name.ktap"
	fi
	record "$name" "$out/$name.ktap" $(($(now) - t0))
}

host_stages() {
	stage parser-unit sh "$MEMLAB_TOP/tests/unit/run.sh"
	stage parser-fuzz sh "$MEMLAB_TOP/tests/fuzz/run.sh" "${FUZZ_SECONDS:-60}"
	stage rig-kernels env KERNELS="$kernels" sh "$MEMLAB_TOP/tests/host/t-kernel-facts.sh"
	stage git-modes sh "$MEMLAB_TOP/tests/host/t-git-modes.sh"
	stage rig-judge sh "$MEMLAB_TOP/tests/host/t-rig-judge.sh" "$out/rig-judge"
	stage outside-git sh "$MEMLAB_TOP/tests/host/t-outside-git.sh" "$out/outside-git"
	stage in-a-chroot sh "$MEMLAB_TOP/tests/host/t-chroot.sh"
	stage script-shells sh "$MEMLAB_TOP/tests/host/t-script-shells.sh"
	stage bench-meta sh "$MEMLAB_TOP/tests/host/t-bench-meta.sh"
}

# guest_run NAME KDIR KIMAGE APPEND: the in-guest suite on one kernel.
guest_run() {
	name=$1
	say "== kernel $name: build, boot, test"
	t0=$(now)
	dir=$out/$name
	mkdir -p "$dir"
	if ! ko=$(sh "$MEMLAB_TOP/tests/rig/build-module.sh" "$2" "$MEMLAB_OUT/build/$name" 2>"$dir/build.err"); then
		cat "$dir/build.err" >&2
		echo "not ok 1 build memlab.ko for $name" >"$dir/results.ktap"
		record "kernel-$name" "$dir/results.ktap" $(($(now) - t0))
		return
	fi
	# Every command of the lesson pages (docs/lessons/) becomes one in-guest test, run first:
	# the other tests clear the kernel log, which the lessons read.
	if ! sh "$MEMLAB_TOP/tests/rig/readme-commands.sh" >"$dir/t-0-readme.sh" 2>"$dir/readme.err"; then
		printf '#!/bin/sh\necho "not ok 1 lessons: %s"\n' \
			"$(tail -n 1 "$dir/readme.err")" >"$dir/t-0-readme.sh"
	fi
	# The blocks for the debug kernel's tools run late: a KASAN report turns
	# lockdep off for the rest of the boot.
	if ! sh "$MEMLAB_TOP/tests/rig/readme-commands.sh" --debug >"$dir/t-zzx-readme-debug.sh" \
		2>"$dir/readme-debug.err"; then
		printf '#!/bin/sh\necho "not ok 1 lessons, debug blocks: %s"\n' \
			"$(tail -n 1 "$dir/readme-debug.err")" >"$dir/t-zzx-readme-debug.sh"
	fi
	# The debug kernels have KUnit: their initramfs also gets memlab_kunit.ko,
	# which tests/guest/t-kunit.sh loads (elsewhere that test skips).
	kunit_ko=
	if is_debug "$name" && ! kunit_ko=$(MEMLAB_MODULE=kunit sh "$MEMLAB_TOP/tests/rig/build-module.sh" \
		"$2" "$MEMLAB_OUT/build/$name-kunit" 2>"$dir/build-kunit.err"); then
		cat "$dir/build-kunit.err" >&2
		echo "not ok 1 build memlab_kunit.ko for $name" >"$dir/kunit-build.ktap"
		record "kunit-build-$name" "$dir/kunit-build.ktap" 0
		kunit_ko=
	fi
	# The host-side limit of the whole in-guest suite: the debug kernel's
	# checkers make it several times slower (1826 s beside one other VM,
	# over 3000 s at a load of 8), and TCG runs arm64's code slower than
	# x86's (6.1-arm64's suite took 1135 s at a load of 8).
	vm_timeout=1500
	if is_debug "$name"; then
		vm_timeout=4500
	elif is_cross "$name"; then
		vm_timeout=3000
	fi
	# A rig step that fails fails the stage, with its reason: the suite did
	# not run, whatever the guest printed before.
	if ! sh "$MEMLAB_TOP/tests/rig/mkinitramfs.sh" "$dir/initramfs.cpio.gz" "$ko" "$dir/t-0-readme.sh" \
		"$dir/t-zzx-readme-debug.sh" \
		${kunit_ko:+"$kunit_ko"} 2>"$dir/initramfs.err"; then
		cat "$dir/initramfs.err" >&2
		printf '# memlab-host: mkinitramfs.sh failed\nnot ok 1 make the initramfs for %s: %s\n' \
			"$name" "$(tail -n 1 "$dir/initramfs.err")" >"$dir/results.ktap"
		record "kernel-$name" "$dir/results.ktap" $(($(now) - t0))
		return
	fi
	# The long repetitions (t-scale's million, t-fuzz's 20,000 commands)
	# test what cannot differ by kernel: they run on the reference lane,
	# the other lanes boot with "mlshort=1" (tests/guest/lib.sh: repeats).
	append=$4
	[ "$name" = "$REFERENCE_LANE" ] || append="$append mlshort=1"
	# The 6.1 debug kernel's lane runs memlab's KUnit suites alone: what
	# only it checks is 6.1's side of compat.h in the kernel, under KASAN;
	# the rest, the debug kernel of 6.12 and the 6.1 lane check.
	tests=${MEMLAB_TESTS:-}
	[ "$name" != debug-6.1 ] || tests=${MEMLAB_TESTS:-t-kunit}
	vm_rc=0
	sh "$MEMLAB_TOP/tests/rig/vm.sh" -k "$3" -i "$dir/initramfs.cpio.gz" -o "$dir" \
		-t "${VM_TIMEOUT:-$vm_timeout}" -a "$append" -f "$tests" || vm_rc=$?
	if [ "$vm_rc" -ne 0 ] && ! tr -d '\r' <"$dir/results.ktap" | grep -q '^not ok'; then
		printf '# memlab-host: vm.sh\nnot ok 1 vm.sh exited with status %s\n' "$vm_rc" >>"$dir/results.ktap"
	fi
	record "kernel-$name" "$dir/results.ktap" $(($(now) - t0)) guest
	if [ "$name" = "$REFERENCE_LANE" ] && [ -z "${MEMLAB_TESTS:-}" ]; then
		stage rig-selftest sh "$MEMLAB_TOP/tests/host/t-rig.sh" "$3" "$ko" "$out/rig"
		stage vm-shell sh "$MEMLAB_TOP/tests/host/t-vm-shell.sh" 6.1 "$out/vm-shell"
		stage make-demo sh "$MEMLAB_TOP/tests/host/t-make-demo.sh" 6.12 "$out/make-demo"
		stage make-targets sh "$MEMLAB_TOP/tests/host/t-make-targets.sh" 6.1 "$out/make-targets"
		stage small-machine sh "$MEMLAB_TOP/tests/host/t-smallram.sh" "$3" "$ko" "$out/smallram"
		stage membugs-debian sh "$MEMLAB_TOP/tests/host/t-membugs-debian.sh" 6.12 "$out/membugs-debian"
	fi
	# make vm KERNEL=6.1-arm64: the cross-built module, booted in
	# qemu-system-aarch64, driven as a learner drives it.
	if [ "$name" = 6.1-arm64 ] && [ -z "${MEMLAB_TESTS:-}" ]; then
		stage vm-shell-arm64 sh "$MEMLAB_TOP/tests/host/t-vm-shell.sh" 6.1-arm64 "$out/vm-shell-arm64"
	fi
	# make vm KERNEL=debug, the leak lessons' shell, as a learner drives it.
	if [ "$name" = debug ] && [ -z "${MEMLAB_TESTS:-}" ]; then
		stage vm-shell-debug sh "$MEMLAB_TOP/tests/host/t-vm-shell.sh" debug "$out/vm-shell-debug"
	fi
}

# kernel_job NAME: set kernel NAME up, then its in-guest suite.
kernel_job() {
	! is_debug "$1" || say "== kernel $1: set up (the first time, this builds it: several minutes)"
	if ! kernel_load "$1" 2>"$out/kernel-$1.err"; then
		cat "$out/kernel-$1.err" >&2
		echo "not ok 1 set up kernel $1: $(tail -n 1 "$out/kernel-$1.err")" >"$out/kernel-$1.ktap"
		record "kernel-$1" "$out/kernel-$1.ktap" 0
		return
	fi
	guest_run "$1" "$K_KDIR" "$K_IMAGE" "$K_TEST"
}

# DKMS: add, build against the headers of the Debian kernels among KERNELS
# (not the debug kernel, nor the arm64 ones: DKMS builds for this host's
# architecture), remove.
dkms_kernels=
for k in $kernels; do
	is_debug "$k" || is_cross "$k" || dkms_kernels="$dkms_kernels $k"
done
dkms_job() {
	stage dkms env KERNELS="${dkms_kernels# }" sh "$MEMLAB_TOP/tests/rig/dkms-check.sh"
}

# The jobs: "<order>:<what>", <order> being where their results are printed.
# The longest go first: the debug kernel's, then the arm64 ones (TCG
# translates their code to x86's), then the others; the host stages and
# DKMS last, as fillers.
n=10
long_jobs=
cross_jobs=
all_jobs=
for k in $kernels; do
	n=$((n + 1))
	if [ "$k" = debug ]; then
		long_jobs="$n:kernel:$k"
	elif is_cross "$k"; then
		cross_jobs="$cross_jobs $n:kernel:$k"
	else
		all_jobs="$all_jobs $n:kernel:$k"
	fi
done
all_jobs="$long_jobs$cross_jobs$all_jobs"
# CHECK_HOST=0 leaves the host stages out (tests/host/t-rig-judge.sh runs
# make check inside make check, on a stand-in QEMU, for one kernel stage).
[ "${CHECK_HOST:-1}" = 0 ] || all_jobs="$all_jobs 00:host"
[ -n "${MEMLAB_TESTS:-}" ] || [ -z "$dkms_kernels" ] || all_jobs="$all_jobs 99:dkms"

# worker: take the next job nobody has taken (mkdir is atomic), run it.
worker() {
	for j in $all_jobs; do
		mkdir "$out/jobs/$j" 2>/dev/null || continue
		job=${j%%:*}
		rec_n=0
		case "${j#*:}" in
		host) host_stages ;;
		dkms) dkms_job ;;
		kernel:*) kernel_job "${j#*:kernel:}" ;;
		esac
		: >"$out/jobs/$j/done"
	done
}

[ "$jobs_n" -le 1 ] || say "$jobs_n jobs at once (CHECK_JOBS)"
i=0
while [ "$i" -lt "$jobs_n" ]; do
	worker &
	i=$((i + 1))
done
wait
for j in $all_jobs; do
	[ ! -e "$out/jobs/$j/done" ] || continue
	job=${j%%:*}
	rec_n=99
	echo "not ok 1 the job ${j#*:} did not finish" >"$out/jobs/$j.ktap"
	record "job-${j#*:}" "$out/jobs/$j.ktap" 0
done
# The records, in their order: the summary, the counts, the stages' times.
summary=$out/summary.txt
for r in $(find "$out/records" -type f ! -name '*.failed' | sed 's|.*/||' | sort -t- -k1,1n -k2,2n); do
	sed -n 1p "$out/records/$r" >>"$summary"
	sed -n 2p "$out/records/$r" >>"$out/counts"
	sed -n 3p "$out/records/$r" >>"$out/times"
done
echo >&2
cat "$summary" >&2

passed=0
failed=0
skipped=0
while read -r p f s; do
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
done <"$out/counts"
total=$(($(now) - total_start))
# Where the time went: each stage, slowest first, then the slowest in-guest
# tests of all kernels (tests/guest/run.sh's "took Ns" lines).
{
	echo "time per stage, slowest first:"
	sort -rn "$out/times" | awk '{ printf "  %-20s %5ds\n", $2, $1 }'
	echo "slowest in-guest tests:"
	for k in $kernels; do
		[ -f "$out/$k/results.ktap" ] || continue
		tr -d '\r' <"$out/$k/results.ktap" |
			sed -n "s/^# memlab-test: \(.*\) took \([0-9]*\)s\$/\2 $k \1/p"
	done | sort -rn | head -n "${CHECK_SLOWEST:-10}" | awk '{ printf "  %-20s %5ds\n", $2 " " $3, $1 }'
} | tee -a "$summary" >&2
sum=$(awk '{ s += $1 } END { print s + 0 }' "$out/times")
printf '%-22s %5s  (%ss, %dm%02ds; the stages add up to %ss)\n' "total time" "" "$total" \
	$((total / 60)) $((total % 60)) "$sum" |
	tee -a "$summary" >&2
say "make check took ${total}s; results in $out"
# What failed comes last, where a log's tail shows it.
if [ "$failed" -gt 0 ]; then
	echo "what failed (the KTAP files in $out say more):"
	for r in $(find "$out/records" -type f ! -name '*.failed' | sed 's|.*/||' | sort -t- -k1,1n -k2,2n); do
		cat "$out/records/$r.failed"
	done | head -n "${CHECK_FAILED_LINES:-40}"
fi
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
