#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Install what a make target needs, idempotently, saying what it fetches and
# why: Debian packages; the trixie build root for 7.3's headers
# (tests/rig/trixie-root.sh) where this host is not trixie; and the kernel
# images matching the headers, fetched as .debs and extracted into the cache
# (never installed into /boot). So are the headers of the kernels whose
# headers package depends on its image (lib.sh's "deb" kernels: 6.12,
# 6.12-rt) and of the arm64 ones: apt installs no linux-image-* here.
#
# usage: deps.sh [check]        what make check needs, for KERNELS (default
#                               all: 6.1 6.12 7.3 6.12-rt 6.1-arm64
#                               6.12-arm64-16k debug debug-6.1)
#        deps.sh --lint         make check's and make lint's (CI)
#        deps.sh lint           make lint's only
#        deps.sh demo|vm|bench [KERNEL]   one kernel's (default KERNEL, 6.1)
#        deps.sh kernel NAME...           those kernels' headers and images
set -eu
# shellcheck source=tests/rig/lib.sh
. "$(dirname "$0")/lib.sh"

mode=${1:-check}
[ $# -eq 0 ] || shift
what=$mode

# The lists of what is wanted: packages with why, kernels, and the trixie
# root's extra packages.
pkgs_file=$(mktemp "${TMPDIR:-/tmp}/memlab-deps.XXXXXX")
# The kernel images' fetch, while apt installs the packages (fetch_images).
fetch_pid=
cleanup() {
	rm -f "$pkgs_file" "$pkgs_file.why"
	[ -z "$fetch_pid" ] || kill "$fetch_pid" 2>/dev/null || true
}
trap cleanup EXIT
kernels=
images=
root_extra=
deb_updated=

# kver_to_be NAME: the release of kernel NAME's headers, as kver_of_name
# says, or, while they are not installed yet, the release that installing
# them brings (the candidate of their metapackage; apt-get update first). A
# deb kernel's is its metapackage's candidate, which follows Debian's
# updates as an installed metapackage would, else the one fetched.
kver_to_be() {
	case "$(kernel_field "$1" 2)" in
	deb) v=$(kver_of_candidate "$(kernel_field "$1" 3)") ;;
	*) v= ;;
	esac
	[ -n "$v" ] || v=$(kver_of_name "$1")
	if [ -z "$v" ] && [ "$(kernel_field "$1" 2)" = host ]; then
		v=$(kver_of_candidate "$(kernel_field "$1" 3)")
	fi
	printf '%s\n' "$v"
}

# deb_deps KVER: what Debian's linux-headers-KVER depends on, less the
# kernel image (and linux-base, which only the image's scripts need): its
# -common headers, its linux-kbuild, its gcc.
deb_deps() {
	apt-cache show --no-all-versions "linux-headers-$1" 2>/dev/null | sed -n 's/^Depends: //p' |
		head -n 1 | tr ',' '\n' | sed 's/|.*//; s/(.*//; s/:any//; s/ //g' |
		grep -v '^linux-image-' | grep -vx 'linux-base' | grep . | tr '\n' ' ' | sed 's/ $//'
}

# need "PACKAGES" WHY
need() {
	printf '%s|%s\n' "$1" "$2" >>"$pkgs_file"
}

# want_kernel NAME [image]: its headers (and its image with "image").
want_kernel() {
	case " $(rig_kernel_names) " in
	*" $1 "*) ;;
	*) die "unknown kernel '$1' (use one of: $(rig_kernel_names))" ;;
	esac
	case " $kernels " in
	*" $1 "*) ;;
	*) kernels="$kernels $1" ;;
	esac
	if [ "${2:-}" = image ]; then
		case " $images " in
		*" $1 "*) ;;
		*) images="$images $1" ;;
		esac
	fi
	case "$1" in
	debug)
		need "bc flex bison libelf-dev libssl-dev linux-source-6.12" \
			"to build the debug kernel from Debian's 6.12 source (tests/rig/debug-kernel.sh)"
		;;
	debug-6.1)
		need "bc flex bison libelf-dev libssl-dev linux-source-6.1" \
			"to build the 6.1 debug kernel from Debian's 6.1 source (tests/rig/debug-kernel.sh 6.1)"
		;;
	*)
		if is_cross "$1"; then
			need "gcc-aarch64-linux-gnu libc6-dev-arm64-cross" \
				"to cross-build memlab.ko and the initramfs's static helpers for $1"
			need qemu-system-arm "to boot $1 (qemu-system-aarch64)"
			# The amd64 headers of its release: its headers use their
			# -common and linux-kbuild.
			want_kernel "$(kernel_field "$1" 3)"
		elif [ "$(kernel_field "$1" 2)" = deb ]; then
			v=$(kver_to_be "$1")
			if [ -z "$v" ] && [ "$(id -u)" -eq 0 ] && [ -z "$deb_updated" ]; then
				deb_updated=yes
				apt-get update -qq >/dev/null 2>&1 || die "apt-get update failed"
				v=$(kver_to_be "$1")
			fi
			[ -n "$v" ] || die "no candidate for $(kernel_field "$1" 3) in this machine's apt sources (as root: apt-get update)"
			need "$(deb_deps "$v")" \
				"the -common headers and linux-kbuild of Debian's $1 ($v); its own headers are unpacked into the cache, since their package depends on the kernel image"
		elif [ "$(kernel_field "$1" 2)" = host ]; then
			need "$(kernel_field "$1" 3)" "the headers of Debian's $1, to build memlab.ko for it"
		elif needs_root "$1"; then
			need debootstrap "to make the trixie build root that $1's headers need (trixie's libc)"
		fi
		;;
	esac
}

base() {
	need "build-essential kmod xz-utils zstd" "to build memlab.ko (make, gcc) and read modules (modinfo)"
}

# What make demo, make vm and make bench build with: make and a C compiler
# (the kernel headers bring the gcc the kernel was built with), and static
# libc for the initramfs's small helpers. Not build-essential (g++, dpkg-dev
# and its perl), nor kmod and the decompressors, which only the host's own
# modules need.
base_vm() {
	need "make gcc libc6-dev" "to build memlab.ko (make, gcc) and the initramfs's static helpers (libc6-dev)"
}

vm() {
	need "qemu-system-x86 busybox-static cpio gzip" "to boot a VM (QEMU) with memlab in its initramfs (busybox, cpio)"
}

check_deps() {
	base
	vm
	need "clang libclang-rt-14-dev" "the bounded libFuzzer run of the command parser"
	need "tmux python3" "to drive make vm as a learner would (tests/host/t-vm-shell.sh)"
	need trace-cmd "a trace parser (libtraceevent) in the test VMs, reading memlab's events as trace tools do (tests/guest/t-trace-fmt.sh)"
	need dkms "the DKMS build of the module"
	root_extra="$root_extra dkms openssl"
	for k in ${KERNELS:-$(rig_kernel_names)}; do
		[ "$k" = none ] || want_kernel "$k" image
	done
	# The host stages of make check run make vm on 6.1 and make demo on 6.12.
	case " ${KERNELS:-6.1} " in
	*" 6.1 "*) want_kernel 6.1 image && want_kernel 6.12 image ;;
	esac
}

lint_deps() {
	base
	need "sparse" "make lint's sparse (C=2) pass"
	need "shellcheck" "make lint's check of every shell script"
	need "linux-source-6.1" "make lint's checkpatch.pl, which comes with the kernel source"
	root_extra="$root_extra sparse"
	for k in $(rig_kernels | cut -d' ' -f1); do
		want_kernel "$k"
	done
}

case "$mode" in
check) check_deps ;;
--lint)
	what="check and make lint"
	check_deps
	lint_deps
	;;
lint) lint_deps ;;
demo | vm | bench)
	k=${1:-${KERNEL:-6.1}}
	what="make $mode KERNEL=$k"
	base_vm
	vm
	[ "$mode" != bench ] || need gnuplot-nox "to plot the benchmark's figures (PNG)"
	want_kernel "$k" image
	;;
kernel)
	base
	for k in "$@"; do
		want_kernel "$k" image
	done
	;;
*) die "usage: deps.sh [check|--lint|lint|demo|vm|bench [KERNEL]|kernel NAME...]" ;;
esac
[ "$what" = "$mode" ] && [ "$mode" = check ] && what="make check (kernels:${kernels})"
[ "$what" = lint ] && what="make lint"

installed() {
	dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null | grep -q ' installed$'
}

apt_log=${TMPDIR:-/tmp}/memlab-apt.log

# apt_install ARGS...: apt-get install, without questions nor Recommends,
# waiting for another apt, its output in apt_log. dpkg unpacks without its
# fsync of every file before renaming it (--force-unsafe-io, as Debian's
# container images and CI runners do): that unpack is most of a first make
# demo's time (the 17,000 files of the kernel headers), and a crash in the
# middle of it only means running this again.
apt_install() {
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		-o DPkg::Lock::Timeout=600 -o Dpkg::Options::=--force-unsafe-io "$@" >>"$apt_log" 2>&1 ||
		die "apt-get install failed, see $apt_log"
}

# Packages: the missing ones, each group once, with why.
missing=""
why=""
while IFS='|' read -r list reason; do
	m=""
	for p in $list; do
		case " $missing " in
		*" $p "*) ;;
		*) installed "$p" || m="$m $p" ;;
		esac
	done
	if [ -n "$m" ]; then
		missing="$missing$m"
		why="$why
  ${m# }: $reason"
	fi
done <"$pkgs_file"

# fetch_mb PACKAGES...: what apt would download to install them (with the
# dependencies they bring), in MB, one decimal.
fetch_mb() {
	apt-get install -y -qq --no-install-recommends --print-uris "$@" 2>/dev/null |
		awk '$2 ~ /\.deb$/ && $3 ~ /^[0-9]+$/ { b += $3 } END { printf "%.1f", b / 1048576 }'
}

# fetch_images: the kernel images of $images that the cache lacks. The
# version must equal the headers' (kver_to_be: also while apt is still
# installing them). Bookworm's are in linux-image-<kver>-unsigned
# (boot/vmlinuz-<kver>); trixie's 7.x in linux-binary-unsigned-<kver>
# (usr/lib/modules/<kver>/vmlinuz.unsigned), fetched through lists of the
# rig's own (trixie_apt). Either way the cache has
# <kernel_dir>/boot/vmlinuz-<kver>.
fetch_images() {
	mkdir -p "$MEMLAB_CACHE/debs"
	for k in $images; do
		! is_debug "$k" || continue
		! is_cross "$k" || continue
		kver=$(kver_to_be "$k")
		[ -n "$kver" ] || die "no headers for kernel $k ($(kernel_field "$k" 3))"
		dir=$(kernel_dir "$kver")
		[ -f "$dir/.complete" ] && continue
		deb_dir=$(mktemp -d "$MEMLAB_CACHE/debs/dl.XXXXXX")
		if [ "$(kernel_field "$k" 2)" = trixie ]; then
			pkg=linux-binary-unsigned-$kver
			say "fetching kernel image $kver ($pkg, trixie-backports) into $dir, for $what"
			trixie_apt apt-get update -qq >/dev/null 2>&1 || die "cannot read trixie's package lists from $(debian_mirror)"
			(cd "$deb_dir" && trixie_apt apt-get download -qq "$pkg" >/dev/null 2>&1) ||
				die "cannot download $pkg"
			rm -rf "$dir.tmp"
			mkdir -p "$dir.tmp/boot" "$dir.tmp/x"
			# Only the kernel is used; the modules tree is hundreds of MB.
			dpkg-deb --fsys-tarfile "$deb_dir"/"$pkg"_*.deb |
				tar -x -C "$dir.tmp/x" --wildcards '*/vmlinuz.unsigned'
			mv "$dir.tmp/x/usr/lib/modules/$kver/vmlinuz.unsigned" "$dir.tmp/boot/vmlinuz-$kver" 2>/dev/null ||
				die "no usr/lib/modules/$kver/vmlinuz.unsigned in $pkg"
			rm -rf "$dir.tmp/x" "$deb_dir"
		else
			pkg=linux-image-$kver-unsigned
			size=$(apt-cache show "$pkg" 2>/dev/null | sed -n 's/^Size: //p' | head -n 1)
			say "fetching kernel image $kver ($pkg${size:+, $((size / 1048576)) MB}) into $dir, for $what: QEMU boots its vmlinuz, the one file kept"
			(cd "$deb_dir" && apt-get download -qq "$pkg" >/dev/null 2>&1) || {
				(apt-get update -qq && cd "$deb_dir" && apt-get download -qq "$pkg") >/dev/null 2>&1 ||
					die "cannot download $pkg"
			}
			rm -rf "$dir.tmp"
			mkdir -p "$dir.tmp"
			# Only the kernel and its config are used: those two files are
			# unpacked, not the 400 MB of modules.
			# They come first in the archive: tar stops there (--occurrence)
			# rather than decompress all of it (16 s against 0.5 s here), and
			# dpkg-deb, cut short, is not heard.
			dpkg-deb --fsys-tarfile "$deb_dir"/linux-image-*.deb 2>/dev/null |
				tar -x --occurrence=1 -C "$dir.tmp" "./boot/vmlinuz-$kver" "./boot/config-$kver" ||
				die "cannot unpack boot/vmlinuz-$kver from $pkg"
			rm -rf "$deb_dir"
		fi
		[ -f "$dir.tmp/boot/vmlinuz-$kver" ] || die "no vmlinuz in $pkg"
		# Into the kernel's directory, beside what it has (a deb kernel's
		# headers).
		mkdir -p "$dir/boot"
		mv -f "$dir.tmp/boot/"* "$dir/boot/"
		rm -rf "$dir.tmp"
		touch "$dir/.complete"
	done
}

# fetch_headers: for each deb kernel of $kernels whose headers the cache
# lacks, Debian's linux-headers-<kver> fetched as a .deb and unpacked into
# <kernel_dir>/usr/src/linux-headers-<kver> (apt-get install would bring
# the kernel image into /boot: the package depends on it). Its Makefile
# includes /usr/src/linux-headers-<release>-common, and its scripts and
# tools are /usr/lib/linux-kbuild-<release>'s (both installed, deb_deps):
# the relative links to those are made absolute. lib.sh's kver_of_name
# reads the release from deb_record.
fetch_headers() {
	mkdir -p "$MEMLAB_CACHE/debs"
	for k in $kernels; do
		[ "$(kernel_field "$k" 2)" = deb ] || continue
		kver=$(kver_to_be "$k")
		[ -n "$kver" ] || die "no headers for kernel $k ($(kernel_field "$k" 3))"
		dir=$(kernel_dir "$kver")
		if [ ! -f "$dir/.headers" ]; then
			pkg=linux-headers-$kver
			size=$(apt-cache show --no-all-versions "$pkg" 2>/dev/null | sed -n 's/^Size: //p' | head -n 1)
			say "fetching $pkg${size:+ ($((size / 1048576)) MB)} into $dir, for $what: unpacked there, not installed (it depends on the kernel image)"
			deb_dir=$(mktemp -d "$MEMLAB_CACHE/debs/dl.XXXXXX")
			(cd "$deb_dir" && apt-get download -qq "$pkg" >/dev/null 2>&1) || {
				(apt-get update -qq && cd "$deb_dir" && apt-get download -qq "$pkg") >/dev/null 2>&1 ||
					die "cannot download $pkg"
			}
			rm -rf "$dir.hdr"
			mkdir -p "$dir.hdr"
			dpkg-deb -x "$deb_dir"/"$pkg"_*.deb "$dir.hdr" || die "cannot unpack $pkg"
			rm -rf "$deb_dir"
			h=$dir.hdr/usr/src/linux-headers-$kver
			[ -f "$h/Makefile" ] || die "no usr/src/linux-headers-$kver/Makefile in $pkg"
			for l in scripts tools; do
				t=$(readlink "$h/$l") || die "no $l link in $pkg"
				# ../../lib/linux-kbuild-<release>/scripts, from /usr/src/<dir>.
				case "$t" in
				../../*) t=/usr/${t#../../} ;;
				esac
				[ -d "$t" ] || die "no $t: linux-kbuild of $kver is not installed"
				ln -sfn "$t" "$h/$l"
			done
			inc=$(sed -n 's/^include //p' "$h/Makefile" | head -n 1)
			[ -z "$inc" ] || [ -f "$inc" ] || die "no $inc: the -common headers of $kver are not installed"
			mkdir -p "$dir/usr/src"
			rm -rf "$dir/usr/src/linux-headers-$kver"
			mv "$h" "$dir/usr/src/"
			rm -rf "$dir.hdr"
			touch "$dir/.headers"
		fi
		printf '%s\n' "$kver" >"$(deb_record "$k")"
	done
}

# fetch_cross: for each arm64 kernel of $kernels that the cache lacks, its
# headers and its image, fetched as .debs of Debian's arm64 archive (dpkg
# --add-architecture arm64 adds its package lists, nothing is installed)
# and unpacked into the cache, <kernel_dir>/usr/src/linux-headers-<kver>
# and <kernel_dir>/boot/vmlinuz-<kver>. The headers' scripts and tools are
# this host's linux-kbuild of the same release (amd64 programs that build
# for any architecture). And busybox-static:arm64's busybox, for the
# initramfs (guest_busybox).
fetch_cross() {
	for k in $kernels; do
		is_cross "$k" || continue
		kver=$(kver_of_name "$k")
		sib=$(kver_of_name "$(kernel_field "$k" 3)")
		[ -n "$kver" ] || die "no headers for kernel $(kernel_field "$k" 3), whose release $k follows"
		dir=$(kernel_dir "$kver")
		bb=$(guest_busybox aarch64)
		[ -f "$dir/.complete" ] && [ -f "$bb" ] && continue
		if ! dpkg --print-foreign-architectures | grep -qx arm64; then
			[ "$(id -u)" -eq 0 ] || die "as root run: dpkg --add-architecture arm64 && apt-get update"
			say "adding arm64 to dpkg's architectures (its package lists), for $what"
			dpkg --add-architecture arm64
			apt-get update -qq >/dev/null || die "apt-get update failed"
		fi
		deb_dir=$(mktemp -d "$MEMLAB_CACHE/debs/dl.XXXXXX")
		pkgs="linux-headers-$kver:arm64 linux-image-$kver-unsigned:arm64 busybox-static:arm64"
		say "fetching $pkgs into $dir, for $what"
		# shellcheck disable=SC2086
		(cd "$deb_dir" && apt-get download -qq $pkgs >/dev/null 2>&1) || {
			(apt-get update -qq && cd "$deb_dir" && apt-get download -qq $pkgs) >/dev/null 2>&1 ||
				die "cannot download $pkgs"
		}
		rm -rf "$dir.tmp"
		mkdir -p "$dir.tmp"
		dpkg-deb -x "$deb_dir"/linux-headers-*.deb "$dir.tmp"
		h=$dir.tmp/usr/src/linux-headers-$kver
		sibdir=/usr/src/linux-headers-$sib
		[ "$(kernel_field "$(kernel_field "$k" 3)" 2)" != deb ] || sibdir=$(kernel_dir "$sib")$sibdir
		for l in scripts tools; do
			t=$(readlink -f "$sibdir/$l") ||
				die "no $sibdir/$l: the amd64 headers of $k's release"
			ln -sfn "$t" "$h/$l"
		done
		dpkg-deb --fsys-tarfile "$deb_dir"/linux-image-*.deb 2>/dev/null |
			tar -x --occurrence=1 -C "$dir.tmp" "./boot/vmlinuz-$kver" "./boot/config-$kver" ||
			die "cannot unpack boot/vmlinuz-$kver"
		mkdir -p "$(dirname "$bb")"
		dpkg-deb --fsys-tarfile "$deb_dir"/busybox-static_*.deb | tar -x -O ./bin/busybox >"$bb.tmp" ||
			die "cannot unpack busybox-static:arm64"
		chmod 755 "$bb.tmp"
		mv "$bb.tmp" "$bb"
		rm -rf "$deb_dir" "$dir"
		mv "$dir.tmp" "$dir"
		touch "$dir/.complete"
	done
}

if [ -n "$missing" ]; then
	if ! command -v apt-get >/dev/null 2>&1 || [ "$(id -u)" -ne 0 ]; then
		die "missing packages; as root run: apt-get install$missing"
	fi
	apt-get update -qq >/dev/null || die "apt-get update failed"
	# Each group's download: what it adds to the groups before it.
	sized=""
	so_far=""
	prev=0
	total=0
	printf '%s\n' "$why" >"$pkgs_file.why"
	while IFS= read -r line; do
		[ -n "$line" ] || continue
		list=${line%%:*}
		list=${list#"${list%%[! ]*}"}
		# shellcheck disable=SC2086
		total=$(fetch_mb $so_far $list)
		add=$(awk -v a="$total" -v b="$prev" 'BEGIN { printf "%.1f", a - b }')
		sized="$sized
  $list ($add MB):${line#*:}"
		so_far="$so_far $list"
		prev=$total
	done <"$pkgs_file.why"
	rm -f "$pkgs_file.why"
	say "installing, for $what ($total MB to download):$sized"
	: >"$apt_log"
	# The packages' download first; then, while dpkg unpacks and configures
	# them, the kernel images' (in the background: one waits for the network,
	# the other for the CPU and the disk).
	# shellcheck disable=SC2086
	apt_install --download-only $missing
	(
		trap - EXIT
		fetch_images
	) &
	fetch_pid=$!
	# shellcheck disable=SC2086
	apt_install $missing
	rc=0
	wait "$fetch_pid" || rc=$?
	fetch_pid=
	[ "$rc" -eq 0 ] || die "fetching the kernel images failed (see above)"
fi

# Headers of the trixie-backports kernels: in the build root, or, on trixie,
# on this machine from trixie-backports.
for k in $kernels; do
	[ "$(kernel_field "$k" 2)" = trixie ] || continue
	pkg=$(kernel_field "$k" 3)
	if needs_root "$k"; then
		# shellcheck disable=SC2086
		sh "$MEMLAB_TOP/tests/rig/trixie-root.sh" $root_extra >/dev/null
	elif ! installed "$pkg"; then
		[ "$(id -u)" -eq 0 ] || die "missing packages; as root run: apt-get install -t trixie-backports $pkg"
		if ! apt-cache policy 2>/dev/null | grep -q 'a=trixie-backports'; then
			src=/etc/apt/sources.list.d/memlab-trixie-backports.list
			say "adding trixie-backports to apt's sources ($src), for $pkg"
			printf 'deb %s trixie-backports main\n' "$(debian_mirror)" >"$src"
		fi
		say "installing, for $what: $pkg (trixie-backports): the headers of Debian's $k"
		apt-get update -qq >/dev/null || die "apt-get update failed"
		: >"$apt_log"
		apt_install -t trixie-backports "$pkg"
	fi
done

# What the background fetch did not do: all of them when no package was
# missing, and any whose headers' release changed with the install. Then
# the headers that are unpacked into the cache (their -common and kbuild
# installed above), and the arm64 kernels, which use those of their amd64
# sibling.
fetch_images
fetch_headers
fetch_cross
