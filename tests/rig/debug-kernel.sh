#!/bin/sh
# Build (or reuse) a memlab debug kernel: `make tinyconfig` of Debian's
# linux-source-<VERSION> plus tests/debug.config, plus
# tests/debug-<VERSION>.config where there is one (6.12's witnesses:
# allocation profiling, the page-table dump, page_owner).
#
# Usage: debug-kernel.sh [VERSION]   (6.12, the default, or 6.1)
#
# Prints, as its only stdout line, the absolute path of the O= build
# directory: usable as KDIR for external modules
# (make -C "$dir" M=... modules) and containing arch/x86/boot/bzImage.
# Progress and errors go to stderr.
#
# Cache: ${MEMLAB_CACHE:-$HOME/.cache/memlab}
#   src/linux-source-<VERSION>/        extracted once per package version
#   debug-kernel/<hash>/               one build per (fragments, version)
set -eu

version=${1:-6.12}
case $version in
6.1 | 6.12) ;;
*)
    printf 'debug-kernel: error: no debug kernel of version %s (6.1 or 6.12)\n' "$version" >&2
    exit 1
    ;;
esac
PKG=linux-source-$version
TARBALL=/usr/src/$PKG.tar.xz

say() { printf 'debug-kernel: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

here=$(cd "$(dirname "$0")" && pwd -P)
repo=$(cd "$here/../.." && pwd -P)
fragment=$repo/tests/debug.config
[ -f "$fragment" ] || die "missing config fragment $fragment"
extra=$repo/tests/debug-$version.config
[ -f "$extra" ] || extra=

ver=$(dpkg-query -W -f='${Version}' "$PKG" 2>/dev/null || true)
status=$(dpkg-query -W -f='${db:Status-Status}' "$PKG" 2>/dev/null || true)
if [ -z "$ver" ] || [ "$status" != installed ] || [ ! -f "$TARBALL" ]; then
    say "package $PKG is not installed (need $TARBALL)"
    exit 1
fi

cache=${MEMLAB_CACHE:-${HOME:?HOME is not set}/.cache/memlab}
mkdir -p "$cache/src" "$cache/debug-kernel"
cache=$(cd "$cache" && pwd -P)

# One builder at a time per cache (a second caller waits, then finds
# the result cached).
if command -v flock >/dev/null 2>&1; then
    exec 9>"$cache/.debug-kernel.lock"
    if ! flock -n 9; then
        say "waiting for another debug-kernel.sh (lock $cache/.debug-kernel.lock)"
        flock 9
    fi
fi

tmp=
cleanup() { if [ -n "$tmp" ]; then rm -rf "$tmp"; fi; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- source tree ------------------------------------------------------
src=$cache/src/$PKG
stamp=$src/.memlab-pkg-version
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$ver" ]; then
    say "extracting $TARBALL ($PKG $ver)"
    # Leftovers of a killed extraction (we hold the lock: none is live).
    rm -rf "$cache/src/.extract."*
    tmp=$(mktemp -d "$cache/src/.extract.XXXXXX")
    tar -xJf "$TARBALL" -C "$tmp" || die "extracting $TARBALL failed"
    [ -d "$tmp/$PKG" ] || die "$TARBALL has no top-level $PKG/"
    printf '%s\n' "$ver" >"$tmp/$PKG/.memlab-pkg-version"
    if [ -e "$src" ]; then
        # Stale or incomplete: move aside first so the rename is atomic.
        mv "$src" "$tmp/old"
    fi
    mv "$tmp/$PKG" "$src"
    rm -rf "$tmp"
    tmp=
fi

# ---- build directory --------------------------------------------------
hash=$({ cat "$fragment" ${extra:+"$extra"}; printf '%s\n' "$ver"; } | sha256sum | cut -c1-16)
out=$cache/debug-kernel/$hash
done_stamp=$out/.memlab-build-complete
bzimage=$out/arch/x86/boot/bzImage
log=$out/build.log

if [ -f "$done_stamp" ] && [ -f "$bzimage" ]; then
    say "cached $out"
    printf '%s\n' "$out"
    exit 0
fi

mkdir -p "$out"
rm -f "$done_stamp"
: >"$log"

fail() {
    say "error: $1 (log: $log)"
    tail -n 30 "$log" >&2
    exit 1
}

say "configuring $out"
cat "$fragment" ${extra:+"$extra"} >"$out/memlab-debug.config"
{
    make -C "$src" O="$out" tinyconfig &&
        "$src/scripts/kconfig/merge_config.sh" -m -O "$out" \
            "$out/.config" "$out/memlab-debug.config" &&
        make -C "$src" O="$out" olddefconfig
} >>"$log" 2>&1 || fail "configuring failed"

# Every setting in the fragment must have survived olddefconfig; a
# missing one means an unmet Kconfig dependency (or a typo).
bad=0
while IFS= read -r line; do
    case $line in
    CONFIG_*=*)
        sym=${line%%=*}
        if ! grep -qxF -- "$line" "$out/.config"; then
            got=$(grep -E "^$sym=|^# $sym is not set" "$out/.config" || echo "absent")
            say "  not applied: $line  (.config has: $got)"
            bad=1
        fi
        ;;
    "# CONFIG_"*" is not set")
        sym=${line#"# "}
        sym=${sym%" is not set"}
        if got=$(grep "^$sym=" "$out/.config"); then
            say "  not applied: $line  (.config has: $got)"
            bad=1
        fi
        ;;
    esac
done <"$out/memlab-debug.config"
[ "$bad" = 0 ] || die "settings of $fragment${extra:+ and $extra} did not survive into $out/.config (unmet Kconfig dependency?)"

say "building $out (log: $log)"
make -C "$src" O="$out" -j"$(nproc)" >>"$log" 2>&1 || fail "build failed"
[ -f "$bzimage" ] || fail "build produced no $bzimage"
[ -f "$out/Module.symvers" ] || fail "build produced no Module.symvers"

date >"$done_stamp"
printf '%s\n' "$out"
