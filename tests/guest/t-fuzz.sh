#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A random-command fuzzer: about 20,000 commands, valid and not (every
# command of the contract, its options, and garbage), with the invariants
# checked after every batch; then unload gives back everything still live,
# the leaked allocations too, and leaves nothing behind.
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/ktap.sh"
# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"

N=${MEMLAB_FUZZ_COMMANDS:-$(repeats 20000 3000)}
SEED=${MEMLAB_FUZZ_SEED:-$(cut -d' ' -f1 /proc/uptime | tr -d .)}
ktap_print_header "random commands (seed $SEED)"
ktap_set_plan 5

memlab_load demo=0 max_bytes=16M || exit 1
# The commands and the checks in a static C helper: one write(2) each, no
# shell in between (tests/guest/fuzz-ctl.c).
"$(dirname "$0")/fuzz-ctl" "$N" "$SEED" >/tmp/fuzz.out 2>&1
rc=$?
sed 's/^/# /' /tmp/fuzz.out
ktap_print_msg "$N commands: $(stat_field total allocs) allocations, $(stat_field total failures) failures, $(stat_field total live) live"
ktap_expect_eq "fuzz-ctl ran through, invariants held after every batch of 500" \
	"0 commands $N broken 0" "$rc $(tail -n 1 /tmp/fuzz.out | cut -d' ' -f1-4)"
ktap_expect_eq "every failed command gave a contract errno" 0 \
	"$(tail -n 1 /tmp/fuzz.out | cut -d' ' -f6)"
# Its random leak commands left objects that only memlab can free: unload
# must give back every live allocation, the leaked ones with the rest, so
# that nothing of memlab's is left for kmemleak (t-zzz-kmemleak) to find.
live=$(stat_field total live)
bytes=$(stat_used)
leaked=$(awk '!/^#/ && $5 == "leaked"' "$DBG/allocations" | wc -l)
ktap_print_msg "before unload: $live live, $leaked of them leaked, $bytes bytes"
dmesg -c >/dev/null
memlab_unload
ktap_expect_eq "unload reclaims every live allocation, the leaked ones too" \
	"memlab: unloaded: reclaimed $live allocations, $bytes bytes" \
	"$(dmesg | sed -n 's/^\[ *[0-9.]*\] //; /^memlab: unloaded: /p')"
ktap_check "no trace of memlab after unload" nothing_left
ktap_check "stats are gone with the module" [ ! -e "$STATS" ]
ktap_finished
