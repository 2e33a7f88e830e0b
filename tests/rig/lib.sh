#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Shared helpers of the host-side test rig (sourced, POSIX sh).

MEMLAB_TOP=${MEMLAB_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
MEMLAB_CACHE=${MEMLAB_CACHE:-${HOME:-/root}/.cache/memlab}
MEMLAB_OUT=${MEMLAB_OUT:-$MEMLAB_TOP/out}
export MEMLAB_TOP MEMLAB_CACHE MEMLAB_OUT

say() {
	printf 'memlab: %s\n' "$*" >&2
}

die() {
	say "$*"
	exit 1
}

# The Debian kernel release behind a headers metapackage, e.g.
# linux-headers-amd64 -> 6.1.0-56-amd64.
kver_of_meta() {
	dpkg-query -W -f='${Depends}' "$1" 2>/dev/null |
		tr ',' '\n' | sed -n 's/^ *linux-headers-\([^ ]*\).*/\1/p' | head -n 1
}

# The rig's kernels, one a line: name, where its headers come from, their
# package. "host" is this machine's Debian archive (bookworm), whose
# metapackage follows Debian's updates; "deb" is that archive too, but its
# headers depend on their kernel's image, which apt would put into /boot:
# they are fetched as .debs (the metapackage's candidate) and unpacked into
# the cache instead, their -common and linux-kbuild (no image) installed;
# "trixie" is trixie-backports, whose package is pinned here, and nowhere
# else: `make kernels` says when Debian has a newer one. An arm64 kernel's
# source is its Debian flavour (arm64: 4 KiB pages, arm64-16k) and its third
# field the amd64 kernel whose release it follows: the same ABI, so that it
# shares that kernel's linux-headers-*-common and linux-kbuild. Its headers
# and image are fetched as .debs of Debian's arm64 archive into the cache
# (deps.sh), built against with the cross compiler, booted with
# qemu-system-aarch64. The debug kernels are built by
# tests/rig/debug-kernel.sh from Debian's kernel source; kernel_load knows
# them too: "debug" from linux-source-6.12, with the witnesses only it has
# (allocation profiling, the page-table dump, page_owner), and "debug-6.1"
# from linux-source-6.1, whose lane runs memlab's KUnit suites alone (6.1's
# side of compat.h, in the kernel).
rig_kernels() {
	printf '%s\n' \
		"6.1 host linux-headers-amd64" \
		"6.12 deb linux-headers-6.12-amd64" \
		"7.3 trixie linux-headers-7.3.4+deb13-amd64" \
		"6.12-rt deb linux-headers-6.12-rt-amd64" \
		"6.1-arm64 arm64 6.1" \
		"6.12-arm64-16k arm64-16k 6.12"
}

# The reference lane: the one kernel where make check also runs the work
# that cannot differ by kernel (the long repetitions, the rig's self-tests).
export REFERENCE_LANE=6.1

# Every kernel name that make check runs by default, and that KERNEL= and
# KERNELS= take.
rig_kernel_names() {
	printf '%s\n' "$(rig_kernels | cut -d' ' -f1 | tr '\n' ' ')debug debug-6.1"
}

# is_debug NAME: NAME is one of the debug kernels.
is_debug() {
	case "$1" in
	debug | debug-6.1) return 0 ;;
	esac
	return 1
}

# kernel_field NAME FIELD: field 2 (source) or 3 (package) of NAME's line.
kernel_field() {
	rig_kernels | awk -v n="$1" -v f="$2" '$1 == n { print $f }'
}

# is_cross NAME: NAME is an arm64 kernel (a Debian arm64 flavour).
is_cross() {
	case "$(kernel_field "$1" 2)" in
	arm64*) return 0 ;;
	esac
	return 1
}

# kver_of_candidate META: the release that this machine's apt would install
# for the headers metapackage META (its candidate), or nothing.
kver_of_candidate() {
	apt-cache show --no-all-versions "$1" 2>/dev/null | sed -n 's/^Depends: //p' |
		tr ',' '\n' | sed -n 's/^ *linux-headers-\([^ ]*\).*/\1/p' | head -n 1
}

# deb_record NAME: the file where deps.sh records the release of deb kernel
# NAME whose headers it unpacked into the cache.
deb_record() {
	printf '%s/kernels/%s.release\n' "$MEMLAB_CACHE" "$1"
}

# kver for a kernel name (6.1, 6.12, 7.3), empty when it is not one of
# rig_kernels or, for a host kernel, when its headers are missing. 7.3's is
# pinned: it is known before anything is installed. A deb kernel's is the
# one deps.sh fetched, else (not fetched yet) its metapackage's candidate.
kver_of_name() {
	case "$(kernel_field "$1" 2)" in
	host) kver_of_meta "$(kernel_field "$1" 3)" ;;
	deb)
		if [ -s "$(deb_record "$1")" ]; then
			head -n 1 "$(deb_record "$1")"
		else
			kver_of_candidate "$(kernel_field "$1" 3)"
		fi
		;;
	trixie) kernel_field "$1" 3 | sed 's/^linux-headers-//' ;;
	arm64*)
		_k=$(kver_of_name "$(kernel_field "$1" 3)")
		[ -z "$_k" ] || printf '%s-%s\n' "${_k%-amd64}" "$(kernel_field "$1" 2)"
		;;
	esac
}

# This machine's Debian codename (bookworm, trixie, ...).
host_codename() {
	sed -n 's/^VERSION_CODENAME=//p' /etc/os-release 2>/dev/null | tr -d '"' | head -n 1
}

# A trixie kernel's headers need trixie's libc: on any other host they live in
# a trixie build root in the cache, made by tests/rig/trixie-root.sh, and
# everything built against them is built in there (chroot).
trixie_root() {
	printf '%s/roots/trixie\n' "$MEMLAB_CACHE"
}

# needs_root NAME: yes when NAME's kernel is built inside a build root here.
needs_root() {
	[ "$(kernel_field "$1" 2)" = trixie ] && [ "$(host_codename)" != trixie ]
}

# The Debian mirror that this machine's apt uses (the first source of its own
# release, one-line or deb822 format); MEMLAB_DEBIAN_MIRROR overrides it.
debian_mirror() {
	if [ -n "${MEMLAB_DEBIAN_MIRROR:-}" ]; then
		printf '%s\n' "$MEMLAB_DEBIAN_MIRROR"
		return
	fi
	m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
		sed 's/\[[^]]*\]//' | awk -v c="$(host_codename)" '$1 == "deb" && $3 == c { print $2; exit }')
	[ -n "$m" ] || m=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk -v c="$(host_codename)" '
		function flush() { if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " c " ") && enabled != "no" && uri != "") { print uri; found = 1; exit } types = suites = uri = enabled = "" }
		/^[ \t]*$/ { flush(); next }
		tolower($1) == "types:" { types = substr($0, index($0, ":") + 1); sub(/^ +/, "", types) }
		tolower($1) == "suites:" { suites = substr($0, index($0, ":") + 1); sub(/^ +/, "", suites) }
		tolower($1) == "uris:" { uri = $2 }
		tolower($1) == "enabled:" { enabled = tolower($2) }
		END { if (!found) flush() }')
	printf '%s\n' "${m:-http://deb.debian.org/debian}"
}

# trixie_apt apt-get|apt-cache ARGS...: that tool on Debian trixie and
# trixie-backports, from this machine and without root, through sources and
# lists of its own in the cache (the host's apt configuration, lists and
# cache are not touched). Run "trixie_apt apt-get update" first.
trixie_apt() {
	tool=$1
	shift
	ta=$MEMLAB_CACHE/apt-trixie
	mkdir -p "$ta/lists/partial" "$ta/cache/archives/partial" "$ta/parts"
	m=$(debian_mirror)
	printf 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s %s main\n' \
		"$m" trixie "$m" trixie-backports >"$ta/sources.list"
	"$tool" -o Dir::Etc::SourceList="$ta/sources.list" -o Dir::Etc::SourceParts="$ta/parts" \
		-o Dir::State::Lists="$ta/lists" -o Dir::Cache="$ta/cache" \
		-o Debug::NoLocking=1 -o APT::Get::List-Cleanup=0 "$@"
}

# in_root ROOT DIR CMD...: run CMD inside the build root ROOT (chroot), with
# the host directory DIR (absolute, or empty for none) bind-mounted at the
# same path in there, and /proc. The mounts are made in a mount namespace of
# the command's own (unshare), so that none outlives it, however it ends.
in_root() {
	[ -f "$1/.complete" ] || [ -n "${MEMLAB_ROOT_SETUP:-}" ] ||
		die "no build root at $1 (run: sh tests/rig/trixie-root.sh)"
	[ "$(id -u)" -eq 0 ] || die "building in $1 needs root (chroot)"
	command -v unshare >/dev/null 2>&1 || die "unshare is missing (apt-get install util-linux)"
	cp -L /etc/resolv.conf "$1/etc/resolv.conf" 2>/dev/null || true
	[ -z "$2" ] || mkdir -p "$1$2"
	# unshare makes every mount of the new namespace private, from / down:
	# where / is not a mount point (this host is itself a chroot), it cannot.
	# Then the root is made a private mount of its own here, once (a bind
	# mount on itself, which stays and is harmless), and the namespace
	# keeps that: the mounts made in there reach no other namespace either.
	ir_prop=private
	if ! unshare -m --propagation private true 2>/dev/null; then
		if ! mountpoint -q "$1" && ! mount --bind "$1" "$1"; then
			say "cannot make a private mount namespace here (/ is not a mount point, as in a chroot), nor bind-mount $1 on itself: from outside the chroot, run mount --bind <the chroot> <the chroot>, then chroot again"
			return 1
		fi
		mount --make-private "$1" || return 1
		ir_prop=unchanged
	fi
	# shellcheck disable=SC2016
	unshare -m --propagation "$ir_prop" -- sh -c '
		set -e
		r=$1
		d=$2
		shift 2
		mount -t proc proc "$r/proc"
		[ -c "$r/dev/null" ] || mount --rbind /dev "$r/dev"
		[ -z "$d" ] || mount --bind "$d" "$r$d"
		exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
			DEBIAN_FRONTEND=noninteractive chroot "$r" "$@"' in_root "$@"
	ir_rc=$?
	# The mount point, empty again, is not kept.
	[ -z "$2" ] || rmdir "$1$2" 2>/dev/null || true
	return "$ir_rc"
}

# kernel_load NAME [build]: the facts about kernel NAME (6.1, 6.12, 7.3,
# debug, ...), as variables; fails with a message when NAME is unknown or not set
# up (run tests/rig/deps.sh first; for debug, this builds the debug kernel
# once). With "build", only what building against it needs: no image.
#   K_NAME   the name           K_KVER   its release (uname -r)
#   K_KDIR   its build tree, a host path (inside K_ROOT when there is one)
#   K_ROOT   the build root that builds against it, or empty: on the host
#   K_IMAGE  the kernel image that QEMU boots
#   K_SLAB   its slab debugging option (slub_debug on 6.1, slab_debug later)
#   K_TEST   what the test VMs add to its command line
#   K_VMAPPEND  what make vm and make demo add (the debug kernel: kmemleak=on)
#   K_DESC   how to say which kernel it is ("Debian's 6.1.0-57-amd64")
#   K_ARCH   its architecture, as uname -m names it (x86_64, aarch64)
kernel_load() {
	K_NAME=$1
	K_ROOT=
	K_VMAPPEND=
	K_ARCH=x86_64
	case "$1" in
	debug | debug-6.1)
		_dv=6.12
		[ "$1" = debug ] || _dv=6.1
		K_KDIR=$(sh "$MEMLAB_TOP/tests/rig/debug-kernel.sh" "$_dv") ||
			{ say "cannot build the debug kernel $1 (tests/rig/debug-kernel.sh $_dv)"; return 1; }
		K_KVER=$(cat "$K_KDIR/include/config/kernel.release" 2>/dev/null)
		K_IMAGE=$K_KDIR/arch/x86/boot/bzImage
		K_VMAPPEND="kmemleak=on kasan_multi_shot"
		K_DESC="the debug kernel ($K_KVER, KASAN and kmemleak)"
		if [ "$1" = debug ]; then
			# page_owner records stacks only when booted with it.
			K_VMAPPEND="$K_VMAPPEND page_owner=on"
			K_DESC="the debug kernel ($K_KVER, KASAN, kmemleak, allocation profiling, page_owner)"
		fi
		;;
	*)
		if [ -z "$(kernel_field "$1" 2)" ]; then
			say "unknown kernel '$1' (use one of: $(rig_kernel_names))"
			return 1
		fi
		K_KVER=$(kver_of_name "$1")
		[ -n "$K_KVER" ] ||
			{ say "no headers for kernel $1 ($(kernel_field "$1" 3)): run sh tests/rig/deps.sh"; return 1; }
		K_KDIR=/usr/src/linux-headers-$K_KVER
		[ "$(kernel_field "$1" 2)" != deb ] || K_KDIR=$(kernel_dir "$K_KVER")$K_KDIR
		if is_cross "$1"; then
			K_KDIR=$(kernel_dir "$K_KVER")$K_KDIR
			K_ARCH=aarch64
		fi
		if needs_root "$1"; then
			K_ROOT=$(trixie_root)
			K_KDIR=$K_ROOT$K_KDIR
		fi
		K_IMAGE=$(kernel_dir "$K_KVER")/boot/vmlinuz-$K_KVER
		K_DESC="Debian's $K_KVER"
		;;
	esac
	[ -d "$K_KDIR" ] || { say "no build tree for kernel $1 at $K_KDIR: run sh tests/rig/deps.sh"; return 1; }
	[ "${2:-}" = build ] || [ -f "$K_IMAGE" ] ||
		{ say "no kernel image $K_IMAGE: run sh tests/rig/deps.sh"; return 1; }
	case "$K_KVER" in
	[1-5].* | 6.[0-7] | 6.[0-7][.-]*) K_SLAB=slub_debug=FZPU ;;
	*) K_SLAB=slab_debug=FZPU ;;
	esac
	# One cache keeps no slab debugging: memlab-240 (";-,NAME" switches it
	# off for NAME alone, Documentation/mm/slub.rst). A debugged cache gets
	# no per-CPU slabs or sheaves; lesson 16 and t-slub show those.
	K_TEST="$K_SLAB;-,memlab-240 init_on_free=1${K_VMAPPEND:+ $K_VMAPPEND}"
	export K_NAME K_KVER K_KDIR K_ROOT K_IMAGE K_SLAB K_TEST K_VMAPPEND K_DESC K_ARCH
}

# root_of_kdir KDIR: the build root that KDIR is in, or nothing.
root_of_kdir() {
	case "$1" in
	"$MEMLAB_CACHE"/roots/*/*)
		r=${1#"$MEMLAB_CACHE"/roots/}
		printf '%s/roots/%s\n' "$MEMLAB_CACHE" "${r%%/*}"
		;;
	esac
}

kernel_dir() {
	printf '%s/kernels/%s\n' "$MEMLAB_CACHE" "$1"
}

# tcg_cpu: the CPU model of a TCG guest (TCG_CPU overrides it). Without
# ERMS and FSRM: with them the kernel clears and copies memory with "rep
# stosb"/"rep movsb", which TCG runs, and icount counts, one byte per step;
# without, it moves 8 bytes an instruction (6.1's test VM boots in 8 s
# instead of 15, see docs/testing.md).
tcg_cpu() {
	echo "${TCG_CPU:-max,-erms,-fsrm}"
}

# ktap_problems FILE [guest]: why the KTAP in FILE does not add up, one
# reason a line; nothing when it does. Only top-level lines count ("ok N",
# "not ok N", "1..N"): indented ones are a test's own sub-results. Each
# in-guest test (from a "# memlab-test: NAME" line on) must print as many
# results as its plan, as must a host stage's one KTAP document. FILE must
# have a plan and a result at all, and with "guest", the guest's done marker
# ("# memlab-guest: done"). What the host appends after "# memlab-host:" is
# its own verdict, outside any test's plan.
ktap_problems() {
	tr -d '\r' <"$1" | awk -v guest="${2:-}" '
	function close_doc() {
		if (!indoc)
			return
		if (plan == "")
			print doc ": no KTAP plan"
		else if (res != plan)
			print doc ": " res " results for a plan of " plan
		indoc = 0
	}
	function open_doc(name) {
		close_doc()
		doc = name
		plan = ""
		res = 0
		indoc = 1
	}
	/^# memlab-test: [^ ]+$/ { open_doc($3); next }
	/^# memlab-host:/ { close_doc(); host = 1; next }
	/^# memlab-guest: done/ { done = 1; next }
	host { next }
	/^1\.\.[0-9]+/ {
		if (!indoc || plan != "")
			open_doc(indoc ? doc " (a second plan)" : "the results")
		plan = substr($1, 4) + 0
		plans++
		next
	}
	/^(not )?ok [0-9]+/ {
		if (!indoc)
			open_doc("the results")
		res++
		results++
	}
	END {
		close_doc()
		if (!plans)
			print "no KTAP plan at all"
		if (!results)
			print "no results at all"
		if (guest && !done)
			print "no done marker: the guest never finished"
	}'
}

# guest_busybox ARCH / guest_cc ARCH: for a guest of another architecture
# than this host's (ARCH as uname -m names it), its static busybox (from
# Debian's busybox-static of that architecture, which deps.sh fetches into
# the cache) and the cross compiler of its static helpers.
guest_busybox() {
	printf '%s/guest/%s/busybox\n' "$MEMLAB_CACHE" "$1"
}

guest_cc() {
	printf '%s-linux-gnu-gcc\n' "$1"
}

# Seconds since the epoch, for timing stages.
now() {
	date +%s
}
