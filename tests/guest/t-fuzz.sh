#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A random-command fuzzer: about 20,000 commands, valid and not, with the
# invariants checked after every batch; then unload leaves nothing behind.
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/ktap.sh"
# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"

# KASAN and friends make each command an order of magnitude slower.
if [ -e /sys/kernel/debug/kmemleak ]; then
	N=${MEMLAB_FUZZ_COMMANDS:-3000}
else
	N=${MEMLAB_FUZZ_COMMANDS:-20000}
fi
BATCH=500
SEED=${MEMLAB_FUZZ_SEED:-$(cut -d' ' -f1 /proc/uptime | tr -d .)}
ktap_print_header "random commands (seed $SEED)"
ktap_set_plan 4

memlab_load demo=0 max_bytes=16M || exit 1
awk -v n="$N" -v seed="$SEED" -v strategies="$STRATEGIES" 'BEGIN {
	srand(seed)
	ns = split(strategies " bogus", s, " ")
	nw = split("alloc free reset bench alloc alloc free xyz", verb, " ")
	nz = split("0 1 8 64 100 4096 4K 1M 5M 33K 16K 2G 18446744073709551616 -1 12Q 0x10", size, " ")
	for (i = 0; i < n; i++) {
		v = verb[int(rand() * nw) + 1]
		st = s[int(rand() * ns) + 1]
		sz = size[int(rand() * nz) + 1]
		if (rand() < 0.5) sz = int(rand() * 70000) + 1
		c = int(rand() * 40)
		opt = rand() < 0.2 ? " atomic" : ""
		if (v == "alloc") cmd = v " " st " " sz " " c opt
		else if (v == "free") cmd = rand() < 0.5 ? "free " st : (rand() < 0.1 ? "free all" : "free " int(rand() * 3000))
		else if (v == "bench") cmd = "bench " st " " sz " " int(rand() * 100) " " (rand() < 0.5 ? "pair" : "batch")
		else cmd = v (rand() < 0.3 ? " " st : "")
		if (rand() < 0.02) cmd = cmd " extra words"
		if (rand() < 0.01) cmd = sprintf("%c%c%s", 1 + int(rand() * 200), 9, cmd)
		print cmd
	}
}' >/tmp/fuzz.cmds

# Writes go without a fork each; their errors are collected and classified.
i=0
bad=0
: >/tmp/fuzz.err
while read -r cmd; do
	{ echo "$cmd" >"$CTL"; } 2>>/tmp/fuzz.err
	i=$((i + 1))
	if [ $((i % BATCH)) -eq 0 ] && ! check_invariants "$STATS" >/tmp/fuzz.bad; then
		bad=$((bad + 1))
		sed 's/^/# /' /tmp/fuzz.bad
	fi
done </tmp/fuzz.cmds
ktap_print_msg "$i commands: $(stat_field total allocs) allocations, $(stat_field total failures) failures, $(stat_field total live) live"
ktap_expect_eq "invariants held after every batch of $BATCH" 0 "$bad"
sed 's/.*write error: //' /tmp/fuzz.err | sort | uniq -c | sed 's/^/# /'
others=$(grep -vcE 'Invalid argument|Argument list too long|No space left on device|Cannot allocate memory|No such file or directory|Device or resource busy' /tmp/fuzz.err)
ktap_expect_eq "every failed command gave a contract errno" 0 "$others"
memlab_unload
ktap_check "no trace of memlab after unload" nothing_left
ktap_check "stats are gone with the module" [ ! -e "$STATS" ]
ktap_finished
