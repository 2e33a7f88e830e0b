#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Last of the suite: on a kernel with kmemleak (the debug kernel), a scan
# must report nothing of memlab's, whichever test of this boot made it.
# Skipped where there is none.
#
# memlab is unloaded by now, so a frame of its code prints as a bare
# address, not as "[memlab]": a record is memlab's when a frame of its
# backtrace lies in an address range memlab had while it was loaded
# (memlab_mark in lib.sh notes every load's range for the whole boot), or
# still names it. No test clears a report it did not attribute to itself,
# so whatever earlier tests left of memlab's is still listed here.
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/ktap.sh"
# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"

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
if ! { echo scan >"$KML"; } 2>/dev/null; then
	ktap_test_fail "kmemleak reports nothing of memlab (kmemleak refused the second scan)"
	ktap_finished
	exit 1
fi
cat "$KML" >/tmp/kmemleak.txt
memlab_kmemleak_records /tmp/kmemleak.txt >/tmp/kmemleak.memlab
ktap_print_msg "memlab had these address ranges in this boot: $(tr '\n' ',' <"$RANGES" 2>/dev/null)"
ktap_print_msg "kmemleak lists $(grep -c '^unreferenced object' /tmp/kmemleak.txt) unreferenced objects in all, $(grep -c '^unreferenced object' /tmp/kmemleak.memlab) of memlab's"
# The whole suite loads memlab many times: there, no range means that a
# frame of memlab's could not be told (memlab_mark failed, or kptr_restrict
# hid the base). A filtered run (mltests=) may not have loaded it at all.
case " $(cat /proc/cmdline) " in
*" mltests="*) filtered=yes ;;
*) filtered=no ;;
esac
if [ ! -s "$RANGES" ] && [ "$filtered" = no ]; then
	ktap_test_fail "kmemleak reports nothing of memlab (no address range of memlab's was marked in this boot)"
elif [ -s /tmp/kmemleak.memlab ]; then
	sed 's/^/# /' /tmp/kmemleak.memlab | head -n 60
	ktap_test_fail "kmemleak reports nothing of memlab"
else
	ktap_test_pass "kmemleak reports nothing of memlab"
fi
ktap_finished
