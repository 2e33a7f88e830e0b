#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run the in-guest tests (t-*.sh beside this file, or those whose name
# contains $1, or one of its comma-separated parts), each in its own shell
# with a time limit.
dir=$(dirname "$0")
filter=${1:-}
# Each test's time limit: twice as long on the debug kernel (kmemleak's
# file is there), whose checkers slow it most (t-faultinject took 333 s of
# its 600 under a loaded host once, and was killed at 600 s once).
limit=600
[ ! -e /sys/kernel/debug/kmemleak ] || limit=1200
limit=${MEMLAB_TEST_TIMEOUT:-$limit}

# picked NAME: NAME contains the filter, or one of its comma-separated
# parts (t-scale,t-atomic).
picked() {
	_rest=$filter,
	while [ -n "$_rest" ]; do
		case "$1" in
		*"${_rest%%,*}"*) return 0 ;;
		esac
		_rest=${_rest#*,}
	done
	return 1
}

for t in "$dir"/t-*.sh; do
	name=$(basename "$t" .sh)
	picked "$name" || continue
	echo "# memlab-test: $name"
	start=$(cut -d. -f1 /proc/uptime)
	timeout "$limit" sh "$t" >/tmp/test.out 2>&1
	rc=$?
	cat /tmp/test.out
	end=$(cut -d. -f1 /proc/uptime)
	if [ "$rc" -ne 0 ] && ! grep -q '^not ok' /tmp/test.out; then
		echo "not ok 999 $name exited with status $rc"
	fi
	echo "# memlab-test: $name took $((end - start))s"
	# A test must leave memlab unloaded for the next one.
	if grep -q '^memlab ' /proc/modules; then
		echo "not ok 998 $name left memlab loaded"
		rmmod memlab
	fi
done
