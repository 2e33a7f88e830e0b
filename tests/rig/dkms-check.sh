#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# DKMS builds memlab for both kernels: copy the tree to /usr/src/memlab-<ver>,
# dkms add, dkms build -k <kver> for Debian's 6.1 and 6.12 headers, check the
# module it built (and that it was built for that kernel), then dkms remove
# --all and the copy. Needs root and dkms. KTAP on stdout. Takes about a
# minute (two module builds).
#
# usage: dkms-check.sh
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/../guest/ktap.sh"
# shellcheck source=tests/rig/lib.sh
. "$(dirname "$0")/lib.sh"

ver=$(sed -n 's/^#define MEMLAB_VERSION[[:space:]]*"\(.*\)"/\1/p' "$MEMLAB_TOP/include/memlab.h")
src=/usr/src/memlab-$ver
mark=$src/.memlab-dkms-check
tree=/var/lib/dkms/memlab/$ver
kernels="6.1 6.12"
log=${TMPDIR:-/tmp}/memlab-dkms-check.$$

ktap_print_header "DKMS builds memlab $ver"
ktap_set_plan 11

bail() {
	ktap_print_msg "$*"
	ktap_test_fail "$*"
	ktap_finished
	exit 1
}
[ "$(id -u)" -eq 0 ] || bail "dkms-check.sh must run as root"
command -v dkms >/dev/null 2>&1 || bail "dkms is missing (apt-get install dkms)"

# show_log FILE: its last lines, as KTAP comments.
show_log() {
	tail -n 20 "$1" 2>/dev/null | sed 's/^/# /'
}

# Debian's dkms makes a signing key (MOK) on first use: if this run made
# it, remove it again.
mok_was_there=no
[ ! -e /var/lib/dkms/mok.key ] || mok_was_there=yes

# Leave no trace, but never remove a memlab that this script did not add.
cleanup() {
	if [ -f "$mark" ]; then
		dkms remove "memlab/$ver" --all >/dev/null 2>&1
		rm -rf "$src"
	fi
	if [ "$mok_was_there" = no ]; then
		rm -f /var/lib/dkms/mok.key /var/lib/dkms/mok.pub
	fi
	rm -f "$log"
}
trap cleanup EXIT
trap 'exit 1' HUP INT PIPE TERM
if [ -e "$src" ] && [ ! -f "$mark" ]; then
	bail "$src exists and is not this test's: remove it (dkms remove memlab/$ver --all) first"
fi
cleanup

conf=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$MEMLAB_TOP/dkms.conf")
ktap_expect_eq "dkms.conf's PACKAGE_VERSION is MEMLAB_VERSION" "$ver" "$conf"

mkdir -p "$src"
touch "$mark"
cp -r "$MEMLAB_TOP/Kbuild" "$MEMLAB_TOP/Makefile" "$MEMLAB_TOP/dkms.conf" \
	"$MEMLAB_TOP/src" "$MEMLAB_TOP/include" "$src/"
if dkms add "memlab/$ver" >"$log" 2>&1; then
	ktap_test_pass "dkms add memlab/$ver"
else
	show_log "$log"
	ktap_test_fail "dkms add memlab/$ver"
fi

for k in $kernels; do
	kver=$(kver_of_name "$k")
	if [ -z "$kver" ] || [ ! -d "/lib/modules/$kver/build" ]; then
		ktap_print_msg "no headers for kernel $k at /lib/modules/$kver/build"
		ktap_test_fail "dkms build -k ${kver:-$k}"
		ktap_test_fail "the module built for ${kver:-$k}"
		ktap_test_fail "it was built for ${kver:-$k}"
		ktap_test_fail "dkms signed it"
		continue
	fi
	t0=$(now)
	if dkms build "memlab/$ver" -k "$kver" >"$log" 2>&1; then
		ktap_test_pass "dkms build -k $kver ($(($(now) - t0))s)"
	else
		show_log "$log"
		show_log "$tree/build/make.log"
		ktap_test_fail "dkms build -k $kver"
	fi
	ko=$(find "$tree/$kver" -name 'memlab.ko*' 2>/dev/null | head -n 1)
	if [ -n "$ko" ]; then
		ktap_test_pass "the module built for $kver: ${ko#"$tree/"}"
	else
		ktap_test_fail "the module built for $kver"
	fi
	magic=$(modinfo -F vermagic "${ko:-/nonexistent}" 2>/dev/null)
	ktap_expect_eq "it was built for $kver" "$kver" "${magic%% *}"
	signer=$(modinfo -F signer "${ko:-/nonexistent}" 2>/dev/null)
	ktap_check "dkms signed it (signer: ${signer:-none}), for Secure Boot with its MOK" \
		test -n "$signer"
done

if dkms remove "memlab/$ver" --all >"$log" 2>&1 && [ ! -e "$tree" ]; then
	ktap_test_pass "dkms remove --all leaves nothing in /var/lib/dkms"
else
	show_log "$log"
	ktap_test_fail "dkms remove --all leaves nothing in /var/lib/dkms"
fi
rm -rf "$src"
ktap_finished
