#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# modinfo shows description, license and version.
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/ktap.sh"
KO=${MEMLAB_KO:-/memlab/memlab.ko}

ktap_print_header "modinfo fields"
ktap_set_plan 4
ktap_expect_eq "license is GPL" "GPL" "$(modinfo -F license "$KO")"
ktap_check "description is set" test -n "$(modinfo -F description "$KO")"
ktap_check "version is set" test -n "$(modinfo -F version "$KO")"
ktap_expect_eq "name is memlab" "memlab" "$(modinfo -F name "$KO")"
ktap_finished
