#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Every script a learner runs from scripts/ (README puts it on PATH) is
# executable in git, mode 100755, so a fresh clone runs it. KTAP on stdout.
#
# usage: t-git-modes.sh
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/../guest/ktap.sh"
# shellcheck source=tests/rig/lib.sh
. "$(dirname "$0")/../rig/lib.sh"

files=$(git -C "$MEMLAB_TOP" ls-files -s scripts)
ktap_print_header "scripts/ is executable in git"
ktap_set_plan "$(printf '%s\n' "$files" | grep -c .)"
while read -r mode _ _ path; do
	ktap_expect_eq "$path is mode 100755 in git" 100755 "$mode"
done <<EOF2
$files
EOF2
ktap_finished
