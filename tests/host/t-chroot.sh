#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make check inside a chroot, where / is not a mount point: the build root's
# in_root (tests/rig/lib.sh) must still run a command in a root of its own,
# and leave no mount behind. The chroot is the trixie build root (a Debian
# root with util-linux), entered in a mount namespace of this test's own,
# with memlab's tree bind-mounted; the root in_root enters in there is a
# busybox one. Skipped where this host has no trixie build root.
#
# usage: t-chroot.sh
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/../guest/ktap.sh"
# shellcheck source=tests/rig/lib.sh
. "$(dirname "$0")/../rig/lib.sh"

ktap_print_header "the build root works from inside a chroot"
ktap_set_plan 3
chr=$(trixie_root)
if [ ! -f "$chr/.complete" ] || [ "$(id -u)" -ne 0 ]; then
	for t in "/ is not a mount point in the chroot" "in_root runs a command there" "no mount is left"; do
		ktap_test_skip "$t: no trixie build root here, or not root"
	done
	ktap_finished
	exit 0
fi
inner=/tmp/memlab-chroot-test.$$
rm -rf "$chr$inner"
mkdir -p "$chr$inner/root/bin" "$chr$inner/root/proc" "$chr$inner/root/dev" "$chr$inner/top"
cp /bin/busybox "$chr$inner/root/bin/" && ln -s busybox "$chr$inner/root/bin/sh" || exit 1
: >"$chr$inner/root/.complete"
cat >"$chr$inner/run.sh" <<EOF2
MEMLAB_TOP=$inner/top
MEMLAB_CACHE=$inner/cache
. $inner/top/tests/rig/lib.sh
if unshare -m --propagation private true 2>/dev/null; then echo "private: yes"; else echo "private: no"; fi
in_root $inner/root "" /bin/sh -c 'echo "in the root: \$(/bin/busybox cat /proc/self/mountinfo | /bin/busybox wc -l) mounts"'
echo "in_root: \$?"
EOF2
# The chroot's own mounts, in a namespace that goes with this command.
# shellcheck disable=SC2016
unshare -m --propagation private sh -c '
	c=$1
	i=$2
	mount --bind "$MEMLAB_TOP" "$c$i/top" && mount -t proc proc "$c/proc" &&
		mount --rbind /dev "$c/dev" && chroot "$c" /bin/sh "$i/run.sh"' t-chroot "$chr" "$inner" \
	>/tmp/memlab-chroot.out 2>&1
sed 's/^/# /' /tmp/memlab-chroot.out
ktap_expect_eq "/ is not a mount point in the chroot: unshare cannot make it private" "private: no" \
	"$(grep '^private:' /tmp/memlab-chroot.out)"
ktap_check "in_root runs a command in its root from inside the chroot" \
	grep -qx 'in_root: 0' /tmp/memlab-chroot.out
ktap_expect_eq "no mount is left in this namespace" 0 "$(grep -c "$inner" /proc/self/mountinfo)"
rm -rf "${chr:?}$inner"
ktap_finished
