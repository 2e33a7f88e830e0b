#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Make (once) and keep the Debian trixie build root in which the rig builds
# against trixie-backports kernels (7.3) on a host that is not trixie: their
# headers need trixie's libc. debootstrap --variant=minbase trixie from the
# mirror this machine's apt uses, then, inside it: make, gcc and the kernel's
# headers from trixie-backports (the package pinned in lib.sh's
# rig_kernels). It stays in $MEMLAB_CACHE/roots/trixie (marker .complete);
# later runs reuse it and only install what they add.
#
# usage: trixie-root.sh [PACKAGE...]   (more packages to have in it: sparse,
# dkms). Prints the root's path. Needs root (debootstrap, chroot).
set -eu
# shellcheck source=tests/rig/lib.sh
. "$(dirname "$0")/lib.sh"

root=$(trixie_root)
headers=$(kernel_field 7.3 3)

# in_root's apt-get, without questions, waiting for another apt in the root.
root_apt() {
	in_root "$root" "" apt-get -o DPkg::Lock::Timeout=600 -y -q --no-install-recommends "$@"
}

# missing_in_root PACKAGE...: those not installed in the root.
missing_in_root() {
	for p in "$@"; do
		dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q ' installed$' || printf ' %s' "$p"
	done
}

if [ -f "$root/.complete" ]; then
	extra=$(missing_in_root "$@")
	if [ -n "$extra" ]; then
		say "trixie build root: installing$extra"
		# shellcheck disable=SC2086
		{ root_apt install $extra && root_apt clean; } >"$root.log" 2>&1 ||
			{ tail -n 20 "$root.log" >&2; die "cannot install$extra in $root (log: $root.log)"; }
	fi
	printf '%s\n' "$root"
	exit 0
fi

[ "$(id -u)" -eq 0 ] || die "making the trixie build root needs root (debootstrap, chroot)"
command -v debootstrap >/dev/null 2>&1 || die "debootstrap is missing (apt-get install debootstrap)"
mkdir -p "$(dirname "$root")"
# One maker at a time: a second one waits, then finds the root made.
exec 9>"$root.lock"
if command -v flock >/dev/null 2>&1 && ! flock -n 9; then
	say "waiting for another trixie-root.sh (lock $root.lock)"
	flock 9
	[ -f "$root/.complete" ] && exec sh "$0" "$@"
fi

t0=$(now)
mirror=$(debian_mirror)
log=$root.log
: >"$log"
if [ ! -f "$root/.debootstrap" ]; then
	say "making a Debian trixie build root for the trixie-backports kernels, once: debootstrap from $mirror into $root (a few minutes)"
	rm -rf "$root"
	debootstrap --variant=minbase trixie "$root" "$mirror" >>"$log" 2>&1 ||
		{ tail -n 20 "$log" >&2; die "debootstrap trixie failed (log: $log)"; }
	touch "$root/.debootstrap"
fi
export MEMLAB_ROOT_SETUP=1
printf 'deb %s trixie main\ndeb %s trixie-backports main\n' "$mirror" "$mirror" \
	>"$root/etc/apt/sources.list"
# No service starts in the root, and no documentation is kept.
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"
printf 'path-exclude /usr/share/doc/*\npath-exclude /usr/share/man/*\npath-exclude /usr/share/locale/*\n' \
	>"$root/etc/dpkg/dpkg.cfg.d/memlab-nodoc"
say "trixie build root: installing make, gcc and $headers (trixie-backports)"
{
	root_apt update &&
		root_apt install make gcc libc6-dev kmod xz-utils "$@" &&
		root_apt install -t trixie-backports "$headers" &&
		root_apt clean
} >>"$log" 2>&1 || { tail -n 20 "$log" >&2; die "cannot set up the trixie build root (log: $log)"; }
[ -d "$root/usr/src/$headers" ] || die "no /usr/src/$headers in the trixie build root"
touch "$root/.complete"
say "trixie build root ready in $(($(now) - t0))s: $root ($(du -sh "$root" | cut -f1))"
printf '%s\n' "$root"
