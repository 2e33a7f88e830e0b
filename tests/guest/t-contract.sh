#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Contract items that no other test checks: reading control prints the
# command summary; the bench's unit is insn in place of ns when memlab is
# told the machine counts instructions (icount=1), ns otherwise; and every
# kernel log line memlab prints, over a busy load-to-unload run, starts
# "memlab: ".
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/ktap.sh"
# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"
ML=$DBG
T=/tmp/t-contract
rm -rf "$T"
mkdir -p "$T"

ktap_print_header "contract: control's summary, the bench's insn unit, dmesg's prefix"
ktap_set_plan 11

# cmd TEXT: one write to control, its failure kept quiet (some are meant to).
cmd() {
	printf '%s' "$1" >"$ML/control" 2>/dev/null
}

# ---- dmesg: a busy run from load to unload ----------------------------
before=$(dmesg_mark)
# A refused parameter, then a load with the demonstration.
insmod "$KO" max_bytes=1 2>/dev/null
insmod "$KO" || ktap_print_msg "insmod failed"

# ---- control's summary (CONTRACT.md: reading control prints it) ---------
cat "$ML/control" >"$T/summary" 2>"$T/summary.err"
missing=""
for form in 'alloc <strategy> <size> \[<count>\]' 'leak <strategy> <size> \[<count>\]' \
	'free <strategy>' 'free all' 'free <id>' '^reset$' \
	'bench <strategy> <size> \[<iterations>\] \[pair\|batch\]' 'atomic' 'reclaimable' \
	'K, M or G'; do
	grep -qE "$form" "$T/summary" || missing="$missing [$form]"
done
ktap_expect_eq "reading control prints every command and option of the contract" "" "$missing"
missing=""
for s in $STRATEGIES; do
	grep -q "^# strategies:.* $s\( \|$\)" "$T/summary" || missing="$missing $s"
done
ktap_expect_eq "the summary names the eight strategies" "" "$missing"
# nowait and account are in the contract: where memlab takes them, the
# summary must name them too.
for opt in nowait account; do
	if cmd "alloc kmalloc 64 1 $opt"; then
		cmd "free kmalloc"
		ktap_check "the summary names the option $opt, which memlab takes" grep -qw "$opt" "$T/summary"
	else
		ktap_test_skip "the summary names the option $opt: memlab refuses it (not implemented)"
	fi
done

# Every strategy allocates and frees; every errno of the contract's table
# that a command can give; a leak; reclaimable objects and a shrink; two
# benches; reset; the unload's summary.
for s in $STRATEGIES; do
	size=4096
	[ "$s" = percpu ] && size=64
	cmd "alloc $s $size 2"
	cmd "free $s"
done
cmd "bogus"                          # EINVAL
cmd "alloc kmalloc 1G"               # E2BIG
cmd "alloc vmalloc 64 1 atomic"      # EINVAL, may sleep
cmd "free 999999999"                 # ENOENT
cap=$(awk '$2 == "cap_bytes" { print $3 }' /proc/memlab/stats)
cmd "alloc vmalloc $cap"             # ENOSPC
cmd "alloc kmalloc 64"
cmd "reset"                          # EBUSY
cmd "leak kmalloc 64 2" || cmd "leak vmalloc 4096"
cmd "alloc kmalloc 4096 50 reclaimable"
echo 2 >/proc/sys/vm/drop_caches
cmd "bench kmalloc 64 100"
cmd "bench vmalloc 4096 50 batch"
cmd "free all"
cmd "reset"
rmmod memlab || ktap_print_msg "rmmod failed"

dmesg_since "$before" >"$T/log" || ktap_print_msg "the mark is no longer in the kernel log"
ktap_print_msg "$(wc -l <"$T/log" | tr -d ' ') kernel log lines from load to unload"
# Lines of another source that may fall in the window; a memlab line
# without its prefix would not look like these.
OTHER='^(kmemleak|random|clocksource|workqueue|hrtimer|rcu|audit|printk|sched|Lockdown|debugfs|perf|kauditd_printk_skb): '
# drop_caches, written above, logs "sh (pid): drop_caches: 2" itself.
bad=$(grep -vE '^memlab: ' "$T/log" | grep -vE "$OTHER" | grep -vE '^[^ ]+ \([0-9]+\): drop_caches: [0-9]+$')
ktap_expect_eq "every kernel log line from load to unload starts 'memlab: '" "" "$bad"
# The run did print what the contract says it prints, so the window is real.
ktap_check "... the window holds the refused parameter's line" grep -q '^memlab: invalid parameter max_bytes=1' "$T/log"
n=$(grep -c '^memlab: control: ' "$T/log")
ktap_check "... and the refused commands' lines ($n)" test "$n" -ge 5
ktap_check "... and the unload's summary line" \
	grep -qE '^memlab: unloaded: reclaimed [0-9]+ allocations, [0-9]+ bytes$' "$T/log"

# ---- the bench's unit -------------------------------------------------
# bench_units ICOUNT: the units of the bench file's rows (path op unit ...)
# after one small bench, with memlab loaded with icount=ICOUNT.
bench_units() {
	insmod "$KO" demo=0 icount="$1" || return
	cmd "bench kmalloc 64 100"
	awk '($1 == "raw" || $1 == "tracked") && ($2 == "alloc" || $2 == "free") { print $3 }' \
		"$ML/bench" | sort -u | tr '\n' ' '
	rmmod memlab
}
u1=$(bench_units 1)
u0=$(bench_units 0)
ktap_print_msg "units with icount=1: $u1; with icount=0: $u0"
case " $u1" in
*" insn "*) case " $u1" in *" ns "*) ok=no ;; *) ok=yes ;; esac ;;
*) ok=no ;;
esac
ktap_expect_eq "icount=1: the bench's rows are in insn in place of ns" yes "$ok"
case " $u0" in
*" ns "*) case " $u0" in *" insn "*) ok=no ;; *) ok=yes ;; esac ;;
*) ok=no ;;
esac
ktap_expect_eq "icount=0: the bench's rows are in ns, not insn" yes "$ok"
ktap_check "/sys/module/memlab is gone after the last unload" test ! -e /sys/module/memlab
ktap_finished
