#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run the in-guest tests (t-*.sh beside this file, or those whose name
# contains $1), each in its own shell with a time limit.
dir=$(dirname "$0")
filter=${1:-}
limit=${MEMLAB_TEST_TIMEOUT:-600}

for t in "$dir"/t-*.sh; do
	name=$(basename "$t" .sh)
	case "$name" in
	*"$filter"*) ;;
	*) continue ;;
	esac
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
