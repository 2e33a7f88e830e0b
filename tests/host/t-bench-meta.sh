#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# memlab-bench records what shapes its figures: each condition (kernel,
# arch, page_size, preempt, init_on_alloc, init_on_free, slab_merge,
# kfence, alloc_profiling, icount) follows what the kernel says, from every
# source it reads, in the order it prefers them, and is "unknown" where
# nothing says; each CSV row ends with them. Run on a stand-in kernel: a
# directory of /proc and /sys files (MEMLAB_BENCH_ROOT) and stand-ins for
# uname, dmesg, getconf and id on PATH, under dash and bash (busybox sh
# prefers its own applets to PATH: the guest's t-bench.sh checks the real
# kernel); the cases under the first of them, a run's CSV under both. Also: a die inside memlab-bench's per_object, which runs in
# $(...), ends the script. KTAP on stdout.
#
# usage: t-bench-meta.sh
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/../guest/ktap.sh"
# shellcheck source=tests/rig/lib.sh
. "$(dirname "$0")/../rig/lib.sh"

bench=$MEMLAB_TOP/scripts/memlab-bench
T=$(mktemp -d "${TMPDIR:-/tmp}/memlab-bench-meta.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
unset MEMLAB_DEBUGFS

shells=""
for sh in dash bash; do
	command -v "$sh" >/dev/null 2>&1 && shells="$shells $sh"
done
[ -n "$shells" ] || die "t-bench-meta.sh: neither dash nor bash"

# Stand-ins: uname says FAKE_R, FAKE_M, FAKE_V (uname fails where FAKE_V is
# "fail"); dmesg prints $R/dmesg (fails where it is absent: a restricted
# log); getconf says FAKE_PAGE (fails where empty); id says 0.
mkdir -p "$T/bin"
cat >"$T/bin/uname" <<'EOF'
#!/bin/sh
[ "$FAKE_V" = fail ] && exit 1
case "$1" in
-r) echo "$FAKE_R" ;;
-m) echo "$FAKE_M" ;;
-v) echo "$FAKE_V" ;;
*) exit 1 ;;
esac
EOF
cat >"$T/bin/dmesg" <<'EOF'
#!/bin/sh
cat "$MEMLAB_BENCH_ROOT/dmesg"
EOF
cat >"$T/bin/getconf" <<'EOF'
#!/bin/sh
[ -n "$FAKE_PAGE" ] && echo "$FAKE_PAGE"
EOF
printf '#!/bin/sh\necho 0\n' >"$T/bin/id"
chmod +x "$T/bin/"*

# base: Debian's 6.1 as the bench VM boots it: PREEMPT_DYNAMIC (voluntary,
# from the log: no debugfs), the mem auto-init line, a merged slab cache,
# KFENCE built and off, no allocation profiling, memlab not loaded.
base() {
	R=$T/root
	rm -rf "$R"
	mkdir -p "$R/proc/self" "$R/proc/sys/vm" "$R/sys/module/kfence/parameters" \
		"$R/sys/kernel/slab/:a-0000192" "$R/sys/kernel/slab/kmalloc-64" "$R/boot"
	echo "console=ttyS0 panic=-1" >"$R/proc/cmdline"
	printf 'Size:                  4 kB\nKernelPageSize:        4 kB\n' >"$R/proc/self/smaps"
	echo 0 >"$R/sys/module/kfence/parameters/sample_interval"
	ln -s ":a-0000192" "$R/sys/kernel/slab/dentry"
	cat >"$R/dmesg" <<'EOF'
[    0.000000] Linux version 6.1.0-57-amd64
[    0.041000] Dynamic Preempt: voluntary
[    0.052000] mem auto-init: stack:all(zero), heap alloc:on, heap free:off
EOF
	FAKE_R=6.1.0-57-amd64 FAKE_M=x86_64 FAKE_PAGE=4096
	FAKE_V="#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-3 (2026-11-01)"
	unset MEMLAB_BENCH_ICOUNT
}

# meta SHELL: memlab-bench --meta on the stand-in kernel, under SHELL;
# stdout into $T/out, stderr into $T/err, status in rc.
meta() {
	env PATH="$T/bin:$PATH" MEMLAB_BENCH_ROOT="$R" FAKE_R="$FAKE_R" FAKE_M="$FAKE_M" \
		FAKE_V="$FAKE_V" FAKE_PAGE="$FAKE_PAGE" ${MEMLAB_BENCH_ICOUNT+MEMLAB_BENCH_ICOUNT="$MEMLAB_BENCH_ICOUNT"} \
		"$1" "$bench" --meta >"$T/out" 2>"$T/err"
	rc=$?
}

# The cases: "description|setup (shell commands on $R)|NAME|expected value".
cat >"$T/cases" <<'EOF'
kernel from uname -r|:|kernel|6.1.0-57-amd64
kernel follows uname -r|FAKE_R=7.3.4+deb13-amd64|kernel|7.3.4+deb13-amd64
kernel unknown where uname fails|FAKE_V=fail|kernel|unknown
a comma in a value becomes ; (the CSV's)|FAKE_R=6.1,odd|kernel|6.1;odd
arch from uname -m|FAKE_M=aarch64|arch|aarch64
page_size from KernelPageSize|:|page_size|4096
page_size follows KernelPageSize (16 KiB pages)|sed -i 's/KernelPageSize: *4 kB/KernelPageSize:       16 kB/' $R/proc/self/smaps|page_size|16384
page_size from getconf without smaps|rm $R/proc/self/smaps; FAKE_PAGE=8192|page_size|8192
page_size unknown where neither says|rm $R/proc/self/smaps; FAKE_PAGE=|page_size|unknown
preempt from the log's Dynamic Preempt line|:|preempt|voluntary (dynamic)
preempt: the log's last Dynamic Preempt line|echo '[ 9.0] Dynamic Preempt: full' >>$R/dmesg|preempt|full (dynamic)
preempt: debugfs sched/preempt before the log|mkdir -p $R/sys/kernel/debug/sched; echo 'none voluntary (full) lazy' >$R/sys/kernel/debug/sched/preempt|preempt|full (dynamic)
preempt: rt from /sys/kernel/realtime, with the dynamic mode|mkdir -p $R/sys/kernel/debug/sched; echo 'none voluntary full (lazy)' >$R/sys/kernel/debug/sched/preempt; echo 1 >$R/sys/kernel/realtime|preempt|rt lazy (dynamic)
preempt: rt from uname -v alone|rm $R/dmesg; FAKE_V='#1 SMP PREEMPT_RT Debian'|preempt|rt
preempt: full from uname -v's PREEMPT|rm $R/dmesg; FAKE_V='#1 SMP PREEMPT Debian'|preempt|full
preempt: a version without PREEMPT, from the config|FAKE_V='#1 SMP Debian'; echo CONFIG_PREEMPT_VOLUNTARY=y >$R/boot/config-$FAKE_R|preempt|voluntary
preempt: none from the config|FAKE_V='#1 SMP Debian'; printf '# CONFIG_PREEMPT_VOLUNTARY is not set\nCONFIG_PREEMPT_NONE=y\n' >$R/boot/config-$FAKE_R|preempt|none
preempt: a version without PREEMPT, no config|FAKE_V='#1 SMP Debian'|preempt|none or voluntary
preempt: dynamic with neither debugfs nor the log|rm $R/dmesg|preempt|unknown
preempt unknown where uname fails|rm $R/dmesg; FAKE_V=fail|preempt|unknown
init_on_alloc from the mem auto-init line|:|init_on_alloc|on
init_on_alloc follows the line|sed -i 's/heap alloc:on/heap alloc:off/' $R/dmesg|init_on_alloc|off
init_on_alloc: the line before the command line|echo 'console=ttyS0 init_on_alloc=0' >$R/proc/cmdline|init_on_alloc|on
init_on_alloc: without the line, the command line|rm $R/dmesg; echo 'console=ttyS0 init_on_alloc=0' >$R/proc/cmdline; echo CONFIG_INIT_ON_ALLOC_DEFAULT_ON=y >$R/boot/config-$FAKE_R|init_on_alloc|off
init_on_alloc: without the line, the config's default|rm $R/dmesg; echo CONFIG_INIT_ON_ALLOC_DEFAULT_ON=y >$R/boot/config-$FAKE_R|init_on_alloc|on
init_on_alloc: the config's default off|rm $R/dmesg; echo '# CONFIG_INIT_ON_ALLOC_DEFAULT_ON is not set' >$R/boot/config-$FAKE_R|init_on_alloc|off
init_on_alloc: page_poison takes precedence, unknown|rm $R/dmesg; echo 'page_poison=1 init_on_alloc=1' >$R/proc/cmdline|init_on_alloc|unknown
init_on_alloc unknown where nothing says|rm $R/dmesg|init_on_alloc|unknown
init_on_free from the mem auto-init line|:|init_on_free|off
init_on_free follows the line|sed -i 's/heap free:off/heap free:on/' $R/dmesg|init_on_free|on
init_on_free: without the line, the command line|rm $R/dmesg; echo 'init_on_free=1' >$R/proc/cmdline|init_on_free|on
slab_merge on where a cache is a link|:|slab_merge|on
slab_merge off where no cache is|rm $R/sys/kernel/slab/dentry|slab_merge|off
slab_merge: no slab sysfs, slab_nomerge|rm -r $R/sys/kernel/slab; echo slab_nomerge >$R/proc/cmdline|slab_merge|off
slab_merge: no slab sysfs, the config|rm -r $R/sys/kernel/slab; echo CONFIG_SLAB_MERGE_DEFAULT=y >$R/boot/config-$FAKE_R|slab_merge|on
slab_merge unknown where nothing says|rm -r $R/sys/kernel/slab|slab_merge|unknown
kfence off at sample_interval 0|:|kfence|off
kfence follows sample_interval|echo 100 >$R/sys/module/kfence/parameters/sample_interval|kfence|100 ms
kfence not built|rm -r $R/sys/module/kfence|kfence|not built
kfence unknown without /sys/module|rm -r $R/sys/module|kfence|unknown
alloc_profiling not built|:|alloc_profiling|not built
alloc_profiling on|echo 1 >$R/proc/sys/vm/mem_profiling; : >$R/proc/allocinfo|alloc_profiling|on
alloc_profiling off|echo 0 >$R/proc/sys/vm/mem_profiling; : >$R/proc/allocinfo|alloc_profiling|off
alloc_profiling: allocinfo without the sysctl, unknown|: >$R/proc/allocinfo|alloc_profiling|unknown
alloc_profiling unknown without /proc/sys/vm|rm -r $R/proc/sys/vm|alloc_profiling|unknown
icount unknown where nothing says|:|icount|unknown
icount from MEMLAB_BENCH_ICOUNT=1|MEMLAB_BENCH_ICOUNT=1|icount|on
icount from MEMLAB_BENCH_ICOUNT=0|MEMLAB_BENCH_ICOUNT=0|icount|off
icount from the command line's MEMLAB_BENCH_ICOUNT|echo 'console=ttyS0 MEMLAB_BENCH_ICOUNT=1' >$R/proc/cmdline|icount|on
icount: the environment before the command line|echo 'MEMLAB_BENCH_ICOUNT=1' >$R/proc/cmdline; MEMLAB_BENCH_ICOUNT=0|icount|off
icount from memlab's icount=Y|mkdir -p $R/sys/module/memlab/parameters; echo Y >$R/sys/module/memlab/parameters/icount|icount|on
icount: memlab's icount=N says nothing|mkdir -p $R/sys/module/memlab/parameters; echo N >$R/sys/module/memlab/parameters/icount|icount|unknown
EOF
# Refusals: "description|setup|stderr pattern".
cat >"$T/refusals" <<'EOF'
MEMLAB_BENCH_ICOUNT=1 with memlab loaded icount=0|MEMLAB_BENCH_ICOUNT=1; mkdir -p $R/sys/module/memlab/parameters; echo N >$R/sys/module/memlab/parameters/icount|^memlab-bench: MEMLAB_BENCH_ICOUNT=1 but memlab was loaded with icount=0
MEMLAB_BENCH_ICOUNT=0 with memlab loaded icount=1|MEMLAB_BENCH_ICOUNT=0; mkdir -p $R/sys/module/memlab/parameters; echo Y >$R/sys/module/memlab/parameters/icount|^memlab-bench: MEMLAB_BENCH_ICOUNT=0 but memlab was loaded with icount=1
MEMLAB_BENCH_ICOUNT=2|MEMLAB_BENCH_ICOUNT=2|^memlab-bench: MEMLAB_BENCH_ICOUNT=2: 0 or 1
EOF

nshells=$(echo "$shells" | wc -w)
ncases=$(grep -c . "$T/cases")
nref=$(grep -c . "$T/refusals")
ktap_print_header "memlab-bench: the conditions of its figures, on a stand-in kernel ($shells )"
ktap_set_plan $((ncases + nref + nshells * 3))

# The cases under the first shell (each runs the script once).
for sh in $(echo "$shells" | awk "{ print \$1 }"); do
	while IFS='|' read -r desc setup name want; do
		base
		eval "$setup"
		meta "$sh"
		got=$(sed -n "s/^# $name //p" "$T/out")
		lines=$(grep -c '^# [a-z_]* .' "$T/out")
		if [ "$rc" -eq 0 ] && [ "$got" = "$want" ] && [ "$lines" -eq 10 ] && [ ! -s "$T/err" ]; then
			ktap_test_pass "$sh: $desc: $name $want"
		else
			ktap_print_msg "$sh: $desc: status $rc, $name '$got', expected '$want', $lines lines:"
			sed 's/^/# out: /' "$T/out"
			sed 's/^/# err: /' "$T/err"
			ktap_test_fail "$sh: $desc: $name $want"
		fi
	done <"$T/cases"
	while IFS='|' read -r desc setup pattern; do
		base
		eval "$setup"
		meta "$sh"
		if [ "$rc" -ne 0 ] && [ "$(wc -l <"$T/err")" -eq 1 ] && grep -q "$pattern" "$T/err"; then
			ktap_test_pass "$sh: $desc is refused, one line"
		else
			ktap_print_msg "$sh: $desc: status $rc, expected one line matching '$pattern':"
			sed 's/^/# err: /' "$T/err"
			ktap_test_fail "$sh: $desc is refused, one line"
		fi
	done <"$T/refusals"
done

for sh in $shells; do
	# A stand-in memlab: stats with its cap line, control a plain file,
	# a bench file that shows one done run of kmalloc 64 pair 10.
	base
	D=$R/sys/kernel/debug/memlab
	mkdir -p "$R/proc/memlab" "$D" "$R/sys/devices/system/cpu"
	printf '# strategy allocs frees failures live bytes_req bytes_alloc peak_bytes_alloc\n# cap_bytes 268435456 used_bytes 0 overhead_bytes 0 reserved_bytes 0\n' \
		>"$R/proc/memlab/stats"
	echo 0-1 >"$R/sys/devices/system/cpu/possible"
	mkdir -p "$R/sys/module/memlab/parameters"
	echo Y >"$R/sys/module/memlab/parameters/icount"
	echo 'Node 0, zone   Normal   1 1 1 1 1 1 1 1 1 1 1' >"$R/proc/buddyinfo"
	: >"$D/control"
	echo '# id strategy size bytes_alloc context' >"$D/allocations"
	cat >"$D/bench" <<'EOF'
state done
strategy kmalloc
size 64
pattern pair
iterations 10
batch 1
cost timer 50 20
raw alloc ns 100 200 300 400
raw alloc cycles 100 200 300 400
raw free ns 100 150 300 400
raw free cycles 100 150 300 400
tracked alloc ns 900 1000 1100 1200
tracked alloc cycles 900 1000 1100 1200
tracked free ns 500 600 700 800
tracked free cycles 500 600 700 800
EOF
	run_bench() {
		env PATH="$T/bin:$PATH" MEMLAB_BENCH_ROOT="$R" FAKE_R="$FAKE_R" FAKE_M="$FAKE_M" \
			FAKE_V="$FAKE_V" FAKE_PAGE="$FAKE_PAGE" MEMLAB_BENCH_ICOUNT=1 \
			"$sh" "$bench" -o "$T/csv" "$@" >"$T/out" 2>"$T/err"
		rc=$?
	}
	run_bench -s kmalloc -z 64 -p pair -i 10
	env PATH="$T/bin:$PATH" MEMLAB_BENCH_ROOT="$R" FAKE_R="$FAKE_R" FAKE_M="$FAKE_M" \
		FAKE_V="$FAKE_V" FAKE_PAGE="$FAKE_PAGE" MEMLAB_BENCH_ICOUNT=1 \
		"$sh" "$bench" --meta >"$T/meta"
	want=$(sed 's/^# [a-z_]* //' "$T/meta" | tr '\n' , | sed 's/,$//')
	got=$(awk -F, 'NR == 2 { for (i = 21; i <= NF; i++) printf "%s%s", (i > 21 ? "," : ""), $i }' "$T/csv")
	names=$(head -n 1 "$T/csv" | cut -d, -f21-)
	if [ "$rc" -eq 0 ] && [ "$got" = "$want" ] && [ "$(wc -l <"$T/csv")" -eq 2 ] &&
		[ "$names" = "$(sed 's/^# \([a-z_]*\) .*/\1/' "$T/meta" | tr '\n' , | sed 's/,$//')" ]; then
		ktap_test_pass "$sh: a CSV row ends with the ten conditions, under their names"
	else
		ktap_print_msg "$sh: status $rc; row's last fields '$got', --meta '$want'; CSV:"
		sed 's/^/# csv: /' "$T/csv"
		sed 's/^/# err: /' "$T/err"
		ktap_test_fail "$sh: a CSV row ends with the ten conditions, under their names"
	fi
	ktap_expect_eq "$sh: stderr shows them before the first run" "$(cat "$T/meta")" \
		"$(sed -n '/^\[1\//q; /^# /p' "$T/err")"
	# per_object, in $(...), measures one allocation of a batch object: here
	# the allocation never shows in allocations, and its die must end the
	# script, not only the $(...): no run after it, no CSV row.
	run_bench -s kmalloc -z 64 -p batch -i 10
	if [ "$rc" -ne 0 ] && [ "$(grep -c . "$T/err")" -eq 11 ] &&
		[ "$(tail -n 1 "$T/err")" = "memlab-bench: cannot free the allocation that measured kmalloc 64 (id not found)" ] &&
		[ "$(wc -l <"$T/csv")" -eq 1 ]; then
		ktap_test_pass "$sh: a die in per_object ends memlab-bench: its one error line, no run"
	else
		ktap_print_msg "$sh: status $rc, $(wc -l <"$T/csv") CSV lines; stderr:"
		sed 's/^/# err: /' "$T/err"
		ktap_test_fail "$sh: a die in per_object ends memlab-bench: its one error line, no run"
	fi
done
ktap_finished
