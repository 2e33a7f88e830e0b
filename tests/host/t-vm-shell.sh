#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make vm, driven like a learner would: in tmux, wait for the guest's shell
# prompt, type "memlab-load && memlab-stats && memlab-unload", check that the
# stats table and the unload summary show, type "exit" and check that the
# VM ends and make returns 0. Every wait is bounded. KTAP on stdout.
#
# usage: t-vm-shell.sh [KERNEL] [WORKDIR]   (KERNEL 6.1 by default; any name
# of lib.sh's kernel_load: 6.1, 6.12, 7.3, debug)
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/../guest/ktap.sh"
# shellcheck source=tests/rig/lib.sh
. "$(dirname "$0")/../rig/lib.sh"

kernel=${1:-6.1}
work=${2:-$MEMLAB_OUT/vm-shell-test}
limit=${VM_SHELL_WAIT:-120}
sock=memlab-t-vm-shell-$$
pane=$work/pane.txt
mkdir -p "$work"

ktap_print_header "make vm in tmux ($kernel)"
ktap_set_plan 6

if ! command -v tmux >/dev/null 2>&1; then
	ktap_print_msg "tmux is missing (apt-get install tmux)"
	for t in 1 2 3 4 5 6; do
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

tm new-session -d -s vm -x 180 -y 50 \
	"cd '$MEMLAB_TOP' && KERNEL='$kernel' make vm; echo \"memlab-vm-exit=\$?\"; sleep 600"
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

tm send-keys -t vm 'exit' Enter
check "exit ends the VM" '^memlab-vm-exit=' 60
if grep -q '^memlab-vm-exit=0$' "$pane"; then
	ktap_test_pass "make vm exits with status 0"
else
	ktap_print_msg "make vm: $(grep '^memlab-vm-exit=' "$pane")"
	ktap_test_fail "make vm exits with status 0"
fi
capture
ktap_finished
