#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Every script a learner runs from scripts/ (the lessons put it on PATH) is
# executable: on disk, and in a git checkout also in git's index (mode
# 100755), so that a fresh clone runs it. Outside git (a release tarball, a
# downloaded archive) only the files on disk can be checked. A tree with no
# script to check fails, saying so. KTAP on stdout.
#
# usage: t-git-modes.sh
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/../guest/ktap.sh"
# shellcheck source=tests/rig/lib.sh
. "$(dirname "$0")/../rig/lib.sh"

# In a git checkout of memlab itself, not a tree unpacked inside some other
# repository: git's top-level is memlab's.
in_git=no
top=$(git -C "$MEMLAB_TOP" rev-parse --show-toplevel 2>/dev/null) &&
	[ "$(cd "$top" && pwd -P)" = "$(cd "$MEMLAB_TOP" && pwd -P)" ] && in_git=yes

if [ "$in_git" = yes ]; then
	ktap_print_header "scripts/ is executable in git and on disk"
	list=$(git -C "$MEMLAB_TOP" ls-files -s scripts | awk '{ print $1, $4 }')
else
	ktap_print_header "scripts/ is executable on disk (not a git checkout: no index to check)"
	list=$(cd "$MEMLAB_TOP" && find scripts -type f 2>/dev/null | LC_ALL=C sort | sed 's/^/- /')
fi
n=$(printf '%s\n' "$list" | grep -c .)
if [ "$n" -eq 0 ]; then
	ktap_set_plan 1
	ktap_test_fail "scripts/ has a script to check (found none in $MEMLAB_TOP/scripts)"
	ktap_finished
	exit 1
fi
if [ "$in_git" = yes ]; then
	ktap_set_plan $((2 * n))
else
	ktap_set_plan "$n"
fi
while read -r mode path; do
	[ "$mode" = - ] || ktap_expect_eq "$path is mode 100755 in git" 100755 "$mode"
	ktap_check "$path is executable on disk" test -x "$MEMLAB_TOP/$path"
done <<EOF2
$list
EOF2
ktap_finished
