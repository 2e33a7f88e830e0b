#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make kernels: for each of the rig's kernels, the version it uses and
# whether Debian has a newer one. 6.1 and 6.12 follow bookworm's metapackages
# (6.1's installed: apt upgrade brings a newer one, and deps.sh fetches its
# image; 6.12's candidate: deps.sh fetches its headers and image); 7.3 is
# pinned in lib.sh's rig_kernels, and a newer one in trixie-backports is only
# reported: change the pin to move to it. 6.12-rt follows its metapackage,
# the arm64 kernels the release of their amd64 sibling (the same ABI, fetched
# from Debian's arm64 archive). Nothing here changes what the tests
# use. Reads fresh package lists (apt-get update as root; trixie's through
# lists of the rig's own, see trixie_apt in lib.sh).
set -u
# shellcheck source=tests/rig/lib.sh
. "$(dirname "$0")/lib.sh"

# headers_of_meta TOOL...: the headers package that version $mver of the
# metapackage $meta depends on, as TOOL (apt-cache) shows it.
headers_of_meta() {
	"$@" show "$meta=$mver" 2>/dev/null | sed -n 's/^Depends: //p' | head -n 1 |
		tr ',' '\n' | sed -n 's/^ *\(linux-headers-[^ ]*\).*/\1/p' | head -n 1
}

if [ "$(id -u)" -eq 0 ]; then
	apt-get update -qq >/dev/null 2>&1 || say "apt-get update failed: using this machine's lists as they are"
fi
trixie_ok=yes
trixie_apt apt-get update -qq >/dev/null 2>&1 || trixie_ok=no

printf '%-14s %-42s %s\n' kernel "uses" "Debian"
rig_kernels | while read -r name src pkg; do
	case "$src" in
	host)
		meta=$pkg
		kver=$(kver_of_meta "$meta")
		mver=$(apt-cache policy "$meta" 2>/dev/null | sed -n 's/^ *Candidate: //p')
		newest=$(headers_of_meta apt-cache)
		if [ -z "$kver" ]; then
			used="(not installed: $meta)"
		else
			used="linux-headers-$kver"
		fi
		if [ -z "$newest" ]; then
			state="$meta has no candidate here"
		elif [ "$newest" = "linux-headers-$kver" ]; then
			state="up to date ($meta $mver, bookworm)"
		else
			state="newer: $newest ($meta $mver; apt-get upgrade, then deps.sh fetches its image)"
		fi
		;;
	deb)
		# Fetched into the cache (deps.sh): the one fetched, against the
		# metapackage's candidate.
		kver=
		[ ! -s "$(deb_record "$name")" ] || kver=$(head -n 1 "$(deb_record "$name")")
		newest=$(kver_of_candidate "$pkg")
		mver=$(apt-cache policy "$pkg" 2>/dev/null | sed -n 's/^ *Candidate: //p')
		if [ -z "$kver" ]; then
			used="(not fetched: deps.sh kernel $name)"
		else
			used="linux-headers-$kver (cache)"
		fi
		if [ -z "$newest" ]; then
			state="$pkg has no candidate here"
		elif [ "$newest" = "$kver" ]; then
			state="up to date ($pkg $mver, bookworm)"
		else
			state="newer: linux-headers-$newest ($pkg $mver; deps.sh fetches it)"
		fi
		;;
	trixie)
		used="$pkg (pinned)"
		if [ "$trixie_ok" = no ]; then
			state="cannot read trixie-backports from $(debian_mirror)"
		else
			meta=linux-headers-amd64
			mver=$(trixie_apt apt-cache madison "$meta" 2>/dev/null |
				awk -F' *[|] *' '$3 ~ /trixie-backports/ { print $2; exit }')
			newest=$(headers_of_meta trixie_apt apt-cache)
			have=$(trixie_apt apt-cache madison "$pkg" 2>/dev/null |
				awk -F' *[|] *' '$3 ~ /trixie-backports/ { print $2 }' | tr '\n' ' ')
			if [ -z "$have" ]; then
				state="the pinned package is no longer in trixie-backports: move the pin (newest: ${newest:-none})"
			elif [ -z "$newest" ] || [ "$newest" = "$pkg" ]; then
				state="up to date (trixie-backports: $pkg ${have% })"
			else
				state="newer: $newest in trixie-backports (the pin, ${have% }, is still there); move the pin in tests/rig/lib.sh to use it"
			fi
		fi
		;;
	arm64*)
		kver=$(kver_of_name "$name")
		if [ -z "$kver" ]; then
			used="(not set up: the headers of $pkg first)"
			state="follows $pkg's release"
		else
			used="linux-headers-$kver:arm64"
			if ! dpkg --print-foreign-architectures 2>/dev/null | grep -qx arm64; then
				state="follows $pkg ($kver); arm64's package lists are not here (deps.sh adds them)"
			elif [ -n "$(apt-cache madison "linux-headers-$kver:arm64" 2>/dev/null)" ]; then
				state="follows $pkg: in Debian's arm64 archive"
			else
				state="follows $pkg, but Debian's arm64 archive has no linux-headers-$kver"
			fi
			[ -f "$(kernel_dir "$kver")/.complete" ] || state="$state; not fetched yet (deps.sh kernel $name)"
		fi
		;;
	esac
	printf '%-14s %-42s %s\n' "$name" "$used" "$state"
done
for dv in 6.12 6.1; do
	name=debug
	[ "$dv" = 6.12 ] || name=debug-$dv
	printf '%-14s %-42s %s\n' "$name" \
		"linux-source-$dv $(dpkg-query -W -f='${Version}' "linux-source-$dv" 2>/dev/null || echo '(not installed)')" \
		"built by tests/rig/debug-kernel.sh $dv from bookworm's linux-source-$dv"
done
