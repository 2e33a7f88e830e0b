#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# On a machine with less than 128 MiB of RAM, max_bytes' default of 64 MiB
# would be more than half of it: memlab lowers it to half, says so at load,
# and refuses max_bytes=64M as it refuses any value above half. Elsewhere
# the test skips (tests/host/t-smallram.sh boots a VM that small).
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/ktap.sh"
# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"

ktap_print_header "max_bytes on a small machine"
ktap_set_plan 4
mem_kb=$(meminfo_kb MemTotal)
if [ "$mem_kb" -ge 131072 ]; then
	for t in "default lowered" "cap is half of RAM" "load line says so" "64M refused"; do
		ktap_test_skip "$t: this machine has $mem_kb kB, 128 MiB or more"
	done
	ktap_finished
	exit 0
fi
# MemTotal is totalram_pages in kB: half of it in bytes is memlab's bound.
half=$((mem_kb * 1024 / 2))
dmesg -c >/dev/null
ktap_check "insmod demo=0 on $mem_kb kB of RAM" memlab_load demo=0
ktap_expect_eq "cap_bytes is half of RAM" "$half" "$(stat_cap)"
ktap_check "the load says the default was lowered" sh -c \
	"dmesg | grep -q 'memlab: max_bytes lowered from its default 67108864 to $half, half of this machine.s RAM'"
memlab_unload
if insmod "$KO" demo=0 max_bytes=64M 2>/dev/null; then
	memlab_unload
	ktap_test_fail "max_bytes=64M is refused: above half of RAM"
else
	ktap_test_pass "max_bytes=64M is refused: above half of RAM"
fi
ktap_finished
