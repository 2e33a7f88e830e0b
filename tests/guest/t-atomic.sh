#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Lesson 7 (docs/lessons/07-atomic.md): what memlab's `atomic` runs in, as
# its kernel-log line says once per load, checked against the kernel's own
# word on its preemption model (/sys/kernel/realtime, `uname -v`):
#  - elsewhere, spin_lock() disables preemption: preempt_count 0x1 from a
#    process's write, "atomic context"; a kernel built without preemption
#    (no PREEMPT in `uname -v`) may keep no count, and says so;
#  - on PREEMPT_RT, spin_lock() is a sleeping lock: preempt_count 0x0, and
#    the line says so.
# The line comes once per load, at the first `atomic` command, not for
# other contexts.
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/ktap.sh"
# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"

LINE='memlab: atomic: allocating with GFP_ATOMIC under a spinlock'

# has_line_of TEXT STRING: TEXT holds STRING.
has_line_of() {
	case "$1" in
	*"$2"*) return 0 ;;
	esac
	ktap_print_msg "expected '$2'"
	return 1
}

ktap_print_header "memlab: what atomic context is on this kernel"
ktap_set_plan 7

# The kernel's own word: /sys/kernel/realtime exists (and reads 1) only on
# PREEMPT_RT kernels; `uname -v` names the model too.
rt=no
[ "$(cat /sys/kernel/realtime 2>/dev/null)" != 1 ] || rt=yes
case "$(uname -v)" in
*PREEMPT_RT*) uname_rt=yes ;;
*) uname_rt=no ;;
esac
ktap_check "the kernel's two views of PREEMPT_RT agree (realtime $rt, uname -v $uname_rt)" \
	[ "$rt" = "$uname_rt" ]

# atomic_lines MARK: memlab's atomic lines logged since MARK.
atomic_lines() {
	dmesg_since "$1" | grep -F "$LINE"
}

if ! memlab_load demo=0; then
	ktap_test_fail "memlab loads"
	ktap_finished
	exit
fi
m=$(dmesg_mark)
ktap_expect_eq "a process-context alloc" OK "$(ctl 'alloc kmalloc 64 5')"
ktap_expect_eq "no atomic line for it" 0 "$(atomic_lines "$m" | grep -c .)"

ktap_expect_eq "alloc kmalloc 256 10 atomic" OK "$(ctl 'alloc kmalloc 256 10 atomic')"
ktap_expect_eq "alloc alloc_pages 8K 2 atomic" OK "$(ctl 'alloc alloc_pages 8K 2 atomic')"
lines=$(atomic_lines "$m")
ktap_print_msg "${lines:-no atomic line}"
ktap_expect_eq "one atomic line for the two atomic commands" 1 "$(echo "$lines" | grep -c .)"

# `uname -v` names the preemption model built in: PREEMPT (full),
# PREEMPT_DYNAMIC or PREEMPT_RT, each of which keeps a preempt count; with
# none of them (voluntary or no preemption) the kernel may keep none: the
# spinlock then leaves the count at 0 (Debian's 6.1 for arm64), unless a
# debugging option (DEBUG_ATOMIC_SLEEP, the debug kernel's) keeps it.
count=0x1
case "$(uname -v)" in
*PREEMPT_RT*) model=PREEMPT_RT count=0x0 ;;
*PREEMPT*) model=preemptible ;;
*)
	model="not preemptible"
	! has_line_of "$lines" 'preempt_count 0x0,' 2>/dev/null >/dev/null || count=0x0
	;;
esac
case "$model $count" in
PREEMPT_RT*) want='preempt_count 0x0, interrupts on: PREEMPT_RT: spin_lock() is a sleeping lock' ;;
"not preemptible 0x0") want='preempt_count 0x0, interrupts on: this kernel keeps no preempt count' ;;
*) want='preempt_count 0x1, interrupts on: atomic context' ;;
esac
ktap_check "it says what this kernel's spinlock makes of the context ($model, $(uname -v | cut -d' ' -f1-4))" \
	has_line_of "$lines" "$want"
memlab_unload
ktap_finished
