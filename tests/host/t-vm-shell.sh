#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make vm, driven like a learner would: in tmux, wait for the guest's shell
# prompt, type "memlab-load && memlab-stats && memlab-unload", check that the
# stats table and the unload summary show, write a line at the level of a
# WARNING to /dev/kmsg and check that it reaches the console, type "exit"
# and check that the VM ends and make returns 0. Then the console, as make
# vm keeps it ($MEMLAB_OUT/vm-KERNEL/console.log), is judged as tests/rig/
# vm.sh judges a test VM's: any line that shows a kernel problem fails.
# Every wait is bounded. KTAP on stdout.
#
# usage: t-vm-shell.sh [KERNEL] [WORKDIR]   (KERNEL 6.1 by default; any name
# of lib.sh's kernel_load: 6.1, 6.12, 7.3, debug, 6.1-arm64, ...)
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/../guest/ktap.sh"
# shellcheck source=tests/rig/lib.sh
. "$(dirname "$0")/../rig/lib.sh"

kernel=${1:-6.1}
work=${2:-$MEMLAB_OUT/vm-shell-test}
# A TCG boot takes 20 s on an idle machine; make check's other VMs can make
# it minutes (a run with the load at 12 waited over 120 s), and keys typed
# before the shell reads them are lost.
limit=${VM_SHELL_WAIT:-400}
sock=memlab-t-vm-shell-$$
pane=$work/pane.txt
mkdir -p "$work"

ktap_print_header "make vm in tmux ($kernel)"
ktap_set_plan 9

if ! command -v tmux >/dev/null 2>&1; then
	ktap_print_msg "tmux is missing (apt-get install tmux)"
	for t in 1 2 3 4 5 6 7 8 9; do
		ktap_test_fail "make vm in tmux: test $t (no tmux)"
	done
	ktap_finished
	exit 1
fi

tm() {
	tmux -L "$sock" "$@"
}

cleanup() {
	tm kill-server 2>/dev/null
}
trap cleanup EXIT
trap 'exit 1' HUP INT PIPE TERM

# The whole pane, scrollback included, joined lines.
capture() {
	tm capture-pane -p -J -S - -t vm >"$pane" 2>/dev/null
}

# wait_for ERE SECONDS: until the pane shows a line matching ERE; gives up
# at once when make vm has ended.
wait_for() {
	t=0
	while [ "$t" -lt "$2" ]; do
		capture
		grep -qE "$1" "$pane" && return 0
		grep -q '^memlab-vm-exit=' "$pane" && return 1
		sleep 1
		t=$((t + 1))
	done
	return 1
}

# check DESCRIPTION ERE SECONDS
check() {
	if wait_for "$2" "$3"; then
		ktap_test_pass "$1"
	else
		ktap_print_msg "$1: no line matching '$2' within $3s; the pane:"
		awk NF "$pane" | tail -n 40 | sed 's/^/# | /'
		ktap_test_fail "$1"
	fi
}

console=$MEMLAB_OUT/vm-$kernel/console.log
rm -f "$console"
tm new-session -d -s vm -x 180 -y 50 \
	"cd '$MEMLAB_TOP' && MEMLAB_OUT='$MEMLAB_OUT' KERNEL='$kernel' make vm; echo \"memlab-vm-exit=\$?\"; sleep 600"
tm set-option -t vm history-limit 5000 >/dev/null

check "make vm first says how to leave the VM" "leave the VM with 'exit'.*Ctrl-A" 30
if wait_for '^[/~][^ ]* # $' "$limit"; then
	ktap_test_pass "the guest's shell prompt appears"
else
	ktap_print_msg "no guest prompt within ${limit}s; the pane:"
	awk NF "$pane" | tail -n 40 | sed 's/^/# | /'
	ktap_test_fail "the guest's shell prompt appears"
fi

tm send-keys -t vm 'memlab-load && memlab-stats && memlab-unload' Enter
check "the stats table shows" '^total +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ ' "$limit"
check "the unload summary shows" '^memlab: unloaded: reclaimed [0-9]+ allocations, [0-9]+ bytes' "$limit"
# /dev/kmsg gives a line without a level the default one, a WARNING's: on
# the console it shows with its timestamp (the typed command has none;
# the kernel may print it in the middle of the echo of what was typed). A
# quiet boot would keep it, and every WARNING, off the console.
tm send-keys -t vm "echo 't-vm-shell: a line at the level of a WARNING' >/dev/kmsg" Enter
check "a line at a WARNING's level reaches the console" '\[ *[0-9.]+\] t-vm-shell: a line at the level of a WARNING' "$limit"

tm send-keys -t vm 'exit' Enter
check "exit ends the VM" '^memlab-vm-exit=' 60
if grep -q '^memlab-vm-exit=0$' "$pane"; then
	ktap_test_pass "make vm exits with status 0"
else
	ktap_print_msg "make vm: $(grep '^memlab-vm-exit=' "$pane")"
	ktap_test_fail "make vm exits with status 0"
fi
capture

# The console as make vm kept it, judged with vm.sh's pattern of a kernel
# problem and the rig's list of lines that are not (console-allow.txt).
problem=$(sed -n "s/^problem='\(.*\)'\$/\1/p" "$MEMLAB_TOP/tests/rig/vm.sh")
if [ -s "$console" ] && grep -q '^total  *[0-9]' "$console"; then
	ktap_test_pass "make vm keeps the console in $console"
else
	ktap_test_fail "make vm keeps the console in $console (missing, or without the stats table)"
fi
if [ -z "$problem" ]; then
	ktap_test_fail "the console shows no kernel problem (no pattern found in tests/rig/vm.sh)"
elif [ -s "$console" ]; then
	tr -d '\r' <"$console" | grep -naE "$problem" |
		grep -vEf "$MEMLAB_TOP/tests/rig/console-allow.txt" >"$work/problems.txt"
	if [ -s "$work/problems.txt" ]; then
		sed 's/^/# problem: /' "$work/problems.txt" | head -n 20
		ktap_test_fail "the console shows no kernel problem"
	else
		ktap_test_pass "the console shows no kernel problem"
	fi
else
	ktap_test_fail "the console shows no kernel problem (no console log)"
fi
ktap_finished
