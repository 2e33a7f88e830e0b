#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The rig's facts about its kernels (lib.sh): the names, what kernel_load
# says of each Debian kernel among KERNELS (build tree, image, slab debugging
# option, build root), that the release it names is the one its build tree
# builds for and its image boots (a module built there loads there), and
# that a command run in a build root leaves no mount behind, whether it
# succeeds or fails. Needs what
# deps.sh installs for those kernels. KTAP on stdout; no VM.
#
# usage: t-kernel-facts.sh   (KERNELS: default the rig's Debian kernels;
# debug is left out, kernel_load would build it)
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/../guest/ktap.sh"
# shellcheck source=tests/rig/lib.sh
. "$(dirname "$0")/../rig/lib.sh"

kernels=
for k in ${KERNELS:-$(rig_kernels | cut -d' ' -f1)}; do
	is_debug "$k" || kernels="$kernels $k"
done
# Four checks a kernel, a fifth where a build root is used.
plan=3
for k in $kernels; do
	plan=$((plan + 4))
	! needs_root "$k" || plan=$((plan + 1))
done

ktap_print_header "the rig's kernels (lib.sh)"
ktap_set_plan "$plan"

ktap_expect_eq "the kernel names" "6.1 6.12 7.3 6.12-rt 6.1-arm64 6.12-arm64-16k debug debug-6.1" "$(rig_kernel_names)"
refuses_unknown() {
	! (kernel_load nosuch) 2>/dev/null
}
ktap_check "an unknown name is refused" refuses_unknown
case "$(debian_mirror)" in
http://?* | https://?*) ktap_test_pass "the Debian mirror is $(debian_mirror)" ;;
*) ktap_test_fail "the Debian mirror: '$(debian_mirror)'" ;;
esac

# mounts_under DIR: how many mounts there are at or below DIR.
mounts_under() {
	awk -v d="$1" '$2 == d || index($2, d "/") == 1' /proc/mounts | wc -l
}

# uts_release KDIR: the release a module built in KDIR is made for (its
# vermagic), from the build tree itself.
uts_release() {
	sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$1/include/generated/utsrelease.h" 2>/dev/null
}

# image_release IMAGE RELEASE: IMAGE is a Debian kernel of RELEASE: its
# version string ("<release> (debian-kernel@...) #1 SMP ...", plain text in
# an x86 bzImage's setup header; a gzip'd Image, arm64's, is unpacked first).
image_release() {
	if gzip -t "$1" 2>/dev/null; then
		gzip -dc "$1" | LC_ALL=C grep -aqF "Linux version $2 ("
	else
		LC_ALL=C grep -aqF "$2 (" "$1"
	fi
}

# kernel_there NAME: kernel_load's release is of NAME (6.12-rt: a
# 6.12.x-rt-<arch> one; 6.12-arm64-16k: 6.12.x-arm64-16k), its build tree
# and image are there.
kernel_there() {
	_v=${1%%-*}
	_flavour=${1#"$_v"}
	case "$K_KVER" in
	"$_v".*"$_flavour" | "$_v".*"$_flavour"-*) [ -f "$K_KDIR/Makefile" ] && [ -f "$K_IMAGE" ] ;;
	*) return 1 ;;
	esac
}

for k in $kernels; do
	if ! kernel_load "$k" 2>/dev/null; then
		ktap_print_msg "kernel_load $k: $(kernel_load "$k" 2>&1)"
		ktap_test_fail "kernel_load $k"
		ktap_test_fail "$k: its slab debugging option"
		ktap_test_fail "$k: built in the right place"
		ktap_test_fail "$k: its build tree and image are of one release"
		! needs_root "$k" || ktap_test_fail "$k: a build root leaves no mount behind"
		continue
	fi
	# The name is the release's version: 7.3 is a 7.3.x, not whatever the
	# pin was last set to.
	ktap_check "kernel_load $k: $K_KVER, a $k release; its build tree and image are there" \
		kernel_there "$k"
	# Renamed in 6.8.
	want=slab_debug=FZPU
	case "$k" in
	6.1 | 6.1-*) want=slub_debug=FZPU ;;
	esac
	ktap_expect_eq "$k: its slab debugging option" "$want" "$K_SLAB"
	if needs_root "$k"; then
		ktap_check "$k: built in the trixie build root ($K_ROOT)" \
			test "$K_ROOT" = "$(trixie_root)" -a "$(root_of_kdir "$K_KDIR")" = "$K_ROOT"
		d=$(mktemp -d "${TMPDIR:-/tmp}/memlab-t-kernel-facts.XXXXXX")
		in_root "$K_ROOT" "$d" sh -c "touch '$d/ran'" 2>/dev/null
		in_root "$K_ROOT" "$d" false 2>/dev/null
		rc=$?
		ktap_check "$k: commands ran in the root (status $rc of false kept) and left no mount behind" \
			test -f "$d/ran" -a "$rc" -ne 0 -a "$(mounts_under "$K_ROOT")" -eq 0
		rm -rf "$d"
	else
		ktap_check "$k: built on this machine" test -z "$K_ROOT" -a -z "$(root_of_kdir "$K_KDIR")"
	fi
	uts=$(uts_release "$K_KDIR")
	one_release() {
		[ "$uts" = "$K_KVER" ] && image_release "$K_IMAGE" "$K_KVER"
	}
	ktap_check "$k: its build tree builds for $K_KVER (UTS_RELEASE '$uts') and its image is $K_KVER" \
		one_release
done
ktap_finished
