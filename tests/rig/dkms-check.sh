#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# DKMS builds memlab for the rig's Debian kernels: copy the tree to
# /usr/src/memlab-<ver>, dkms add, dkms build -k <kver> for each kernel's
# headers, check the module it built (and that it was built for that kernel),
# then dkms remove --all and the copy. Kernels built in a build root (7.3's
# in the trixie root, on a host that is not trixie) get all of that in there,
# with the root's own dkms. Needs root and dkms. KTAP on stdout. Takes about
# half a minute per kernel.
#
# usage: dkms-check.sh   (KERNELS: default the rig's Debian kernels of this
# host's architecture)
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/../guest/ktap.sh"
# shellcheck source=tests/rig/lib.sh
. "$(dirname "$0")/lib.sh"

ver=$(sed -n 's/^#define MEMLAB_VERSION[[:space:]]*"\(.*\)"/\1/p' "$MEMLAB_TOP/include/memlab.h")
kernels=${KERNELS:-$(rig_kernels | cut -d' ' -f1 | tr '\n' ' ')}
log=${TMPDIR:-/tmp}/memlab-dkms-check.$$

# The places where dkms runs: "-" for this machine, else a build root; and
# which kernels each builds.
places=
for k in $kernels; do
	! is_debug "$k" || continue
	! is_cross "$k" || continue
	p=-
	! needs_root "$k" || p=$(trixie_root)
	case " $places " in
	*" $p "*) ;;
	*) places="$places $p" ;;
	esac
done
kernels_of() {
	for ko_k in $kernels; do
		! is_debug "$ko_k" || continue
		ko_p=-
		! needs_root "$ko_k" || ko_p=$(trixie_root)
		[ "$ko_p" != "$1" ] || printf '%s ' "$ko_k"
	done
}

ktap_print_header "DKMS builds memlab $ver"
plan=1
for p in $places; do
	n=$(kernels_of "$p" | wc -w)
	plan=$((plan + 2 + 4 * n))
done
ktap_set_plan "$plan"

bail() {
	ktap_print_msg "$*"
	ktap_test_fail "$*"
	ktap_finished
	exit 1
}
[ "$(id -u)" -eq 0 ] || bail "dkms-check.sh must run as root"

# show_log FILE: its last lines, as KTAP comments.
show_log() {
	tail -n 20 "$1" 2>/dev/null | sed 's/^/# /'
}

# at PLACE CMD...: CMD on this machine or in that build root.
at() {
	at_p=$1
	shift
	if [ "$at_p" = - ]; then
		"$@"
	else
		in_root "$at_p" "" "$@"
	fi
}

# prefix PLACE: the host path of that place's /.
prefix() {
	[ "$1" = - ] || printf '%s' "$1"
}

# Debian's dkms makes a signing key (MOK) on first use: if this run made
# it, remove it again. "place:yes|no" per place.
mok_was_there=
for p in $places; do
	w=no
	[ ! -e "$(prefix "$p")/var/lib/dkms/mok.key" ] || w=yes
	mok_was_there="$mok_was_there $p:$w"
done

# clean_place PLACE: leave no trace, but never remove a memlab that this
# script did not add.
clean_place() {
	cp_r=$(prefix "$1")
	if [ -f "$cp_r/usr/src/memlab-$ver/.memlab-dkms-check" ]; then
		at "$1" dkms remove "memlab/$ver" --all >/dev/null 2>&1
		rm -rf "$cp_r/usr/src/memlab-$ver"
	fi
}
cleanup() {
	for p in $places; do
		clean_place "$p"
		case " $mok_was_there " in
		*" $p:no "*) rm -f "$(prefix "$p")/var/lib/dkms/mok.key" "$(prefix "$p")/var/lib/dkms/mok.pub" ;;
		esac
	done
	rm -f "$log"
}
trap cleanup EXIT
trap 'exit 1' HUP INT PIPE TERM

for p in $places; do
	r=$(prefix "$p")
	where=
	[ "$p" = - ] || where=" (in the build root $p)"
	[ -x "$r/usr/sbin/dkms" ] || bail "dkms is missing$where (sh tests/rig/deps.sh)"
	if [ -e "$r/usr/src/memlab-$ver" ] && [ ! -f "$r/usr/src/memlab-$ver/.memlab-dkms-check" ]; then
		bail "$r/usr/src/memlab-$ver exists and is not this test's: remove it (dkms remove memlab/$ver --all) first"
	fi
	clean_place "$p"
done

conf=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$MEMLAB_TOP/dkms.conf")
ktap_expect_eq "dkms.conf's PACKAGE_VERSION is MEMLAB_VERSION" "$ver" "$conf"

for p in $places; do
	r=$(prefix "$p")
	src=$r/usr/src/memlab-$ver
	tree=$r/var/lib/dkms/memlab/$ver
	where=
	[ "$p" = - ] || where=" in $(basename "$p")'s build root"
	mkdir -p "$src"
	touch "$src/.memlab-dkms-check"
	cp -r "$MEMLAB_TOP/Kbuild" "$MEMLAB_TOP/Makefile" "$MEMLAB_TOP/dkms.conf" \
		"$MEMLAB_TOP/src" "$MEMLAB_TOP/include" "$src/"
	[ ! -d "$MEMLAB_TOP/examples" ] || cp -r "$MEMLAB_TOP/examples" "$src/"
	if at "$p" dkms add "memlab/$ver" >"$log" 2>&1; then
		ktap_test_pass "dkms add memlab/$ver$where"
	else
		show_log "$log"
		ktap_test_fail "dkms add memlab/$ver$where"
	fi

	for k in $(kernels_of "$p"); do
		kver=
		kdir=
		if kernel_load "$k" build >"$log" 2>&1; then
			kver=$K_KVER
			kdir=$K_KDIR
		fi
		# The headers where the rig keeps them: /lib/modules/<kver>/build
		# only for a kernel whose image is installed, which 6.12's is not
		# (deps.sh unpacks its headers into the cache, no image in /boot).
		if [ -z "$kver" ] || [ ! -d "$kdir" ]; then
			ktap_print_msg "no headers for kernel $k at ${kdir:-?}"
			ktap_test_fail "dkms build -k ${kver:-$k}"
			ktap_test_fail "the module built for ${kver:-$k}"
			ktap_test_fail "it was built for ${kver:-$k}"
			ktap_test_fail "dkms signed it"
			continue
		fi
		t0=$(now)
		if at "$p" dkms build "memlab/$ver" -k "$kver" --kernelsourcedir "${kdir#"$r"}" >"$log" 2>&1; then
			ktap_test_pass "dkms build -k $kver$where ($(($(now) - t0))s)"
		else
			show_log "$log"
			show_log "$tree/build/make.log"
			ktap_test_fail "dkms build -k $kver$where"
		fi
		ko=$(find "$tree/$kver" -name 'memlab.ko*' 2>/dev/null | head -n 1)
		if [ -n "$ko" ]; then
			ktap_test_pass "the module built for $kver: ${ko#"$tree/"}"
		else
			ktap_test_fail "the module built for $kver"
		fi
		# The root's own modinfo: it reads whatever compression its kernels use.
		magic=$(at "$p" modinfo -F vermagic "${ko#"$r"}" 2>/dev/null)
		ktap_expect_eq "it was built for $kver" "$kver" "${magic%% *}"
		signer=$(at "$p" modinfo -F signer "${ko#"$r"}" 2>/dev/null)
		ktap_check "dkms signed it (signer: ${signer:-none}), for Secure Boot with its MOK" \
			test -n "$signer"
	done

	if at "$p" dkms remove "memlab/$ver" --all >"$log" 2>&1 && [ ! -e "$tree" ]; then
		ktap_test_pass "dkms remove --all leaves nothing in /var/lib/dkms$where"
	else
		show_log "$log"
		ktap_test_fail "dkms remove --all leaves nothing in /var/lib/dkms$where"
	fi
	rm -rf "$src"
done
ktap_finished
