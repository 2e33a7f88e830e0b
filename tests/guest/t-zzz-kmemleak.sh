#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Last of the suite: on a kernel with kmemleak (the debug kernel), a scan
# must report nothing that involves memlab. Skipped where there is none.
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/ktap.sh"

KML=/sys/kernel/debug/kmemleak
ktap_print_header "kmemleak"
ktap_set_plan 1
if [ ! -e "$KML" ]; then
	ktap_test_skip "kmemleak reports nothing of memlab (no kmemleak in this kernel)"
	ktap_finished
	exit 0
fi
# Objects younger than a few seconds are not reported: scan, wait, scan.
# A kmemleak that turned itself off (it does when it cannot allocate its
# own records, as fault injection may make it) refuses the scan: that fails.
if ! { echo scan >"$KML"; } 2>/dev/null; then
	dmesg | grep 'kmemleak:' | tail -n 3 | sed 's/^/# /'
	ktap_test_fail "kmemleak reports nothing of memlab (kmemleak refused to scan: it is off)"
	ktap_finished
	exit 1
fi
sleep 6
echo scan >"$KML"
cat "$KML" >/tmp/kmemleak.txt
ktap_print_msg "kmemleak lists $(grep -c '^unreferenced object' /tmp/kmemleak.txt) unreferenced objects in all"
if grep -q memlab /tmp/kmemleak.txt; then
	sed 's/^/# /' /tmp/kmemleak.txt | head -n 60
	ktap_test_fail "kmemleak reports nothing of memlab"
else
	ktap_test_pass "kmemleak reports nothing of memlab"
fi
ktap_finished
