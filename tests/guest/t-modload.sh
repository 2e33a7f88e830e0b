#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Module loading, seen (docs/lessons/13-module-loading.md): memexport.ko
# exports memexport_alloc() with EXPORT_SYMBOL_GPL, memimport.ko calls it at
# load. Every claim of the lesson, held to the kernel: the refused insmod
# (ENOENT, "Unknown symbol" in dmesg), modinfo's depends, /proc/modules' use
# count and "used by", the refused rmmod (EAGAIN), modules.dep after
# depmod, modprobe's load order, the GPL-only mark of the export in
# memexport.ko, and on a kernel with CONFIG_MODVERSIONS the CRC that
# memimport.ko carries for the symbol, the same as memexport.ko's, and the
# refusal of a copy whose CRC disagrees. The .ko files are read as the ELF
# files they are (od), independently of the lesson's shortcut, which must
# agree.
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/ktap.sh"
# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"

EX=${MEMLAB_EXAMPLES:-/memlab/examples}
EXP=$EX/memexport.ko
IMP=$EX/memimport.ko
T=/tmp/t-modload
rm -rf "$T"
mkdir -p "$T"

# unload_both: leave neither module loaded, whatever a check left.
unload_both() {
	! loaded memimport || rmmod memimport
	! loaded memexport || rmmod memexport
}

# modcmd COMMAND ARG...: run insmod/rmmod/modprobe; prints OK or the errno
# behind busybox's message (its moderror(): ENOENT is "unknown symbol in
# module, or unknown parameter").
modcmd() {
	_err=$("$@" 2>&1)
	case "$_err" in
	"") echo OK ;;
	*"unknown symbol in module"*) echo ENOENT ;;
	*"Resource temporarily unavailable"*) echo EAGAIN ;;
	*"Device or resource busy"*) echo EBUSY ;;
	*"Invalid argument"*) echo EINVAL ;;
	*"invalid module format"*) echo ENOEXEC ;;
	*"wrong symbol version"*) echo ESRCH ;;
	*) echo "OTHER($_err)" ;;
	esac
}

# modules_field MODULE FIELD: a field of MODULE's /proc/modules line (2
# size, 3 use count, 4 used by, 5 state).
modules_field() {
	awk -v m="$1" -v f="$2" '$1 == m { print $f }' /proc/modules
}

# ---- reading the .ko files as ELF (64-bit little-endian, as on x86-64
# and arm64) ------------------------------------------------------------

# bytes FILE OFFSET COUNT: COUNT bytes of FILE from OFFSET, one decimal a line.
bytes() {
	od -A n -v -t u1 -j "$2" -N "$3" "$1" | tr -s '[:blank:]' '\n' | grep .
}

# le FILE OFFSET COUNT: the little-endian number of COUNT bytes at OFFSET.
le() {
	bytes "$@" | awk '{ b[n++] = $1 } END { v = 0; for (i = n - 1; i >= 0; i--) v = v * 256 + b[i]; printf "%.0f\n", v }'
}

# is_elf64le FILE
is_elf64le() {
	[ "$(bytes "$1" 0 6 | tr '\n' ' ')" = "127 69 76 70 2 1 " ]
}

# elf_section FILE NAME: "offset size" of FILE's section NAME; status 1
# when FILE has no such section. Section headers are 64 bytes: the name's
# offset in the section-name table at 0, sh_offset at 24, sh_size at 32.
elf_section() {
	_shoff=$(le "$1" 40 8)
	_shnum=$(le "$1" 60 2)
	_shstrndx=$(le "$1" 62 2)
	_stroff=$(le "$1" $((_shoff + _shstrndx * 64 + 24)) 8)
	_strsize=$(le "$1" $((_shoff + _shstrndx * 64 + 32)) 8)
	{
		bytes "$1" "$_shoff" $((_shnum * 64))
		echo names
		bytes "$1" "$_stroff" "$_strsize"
	} | awk -v want="$2" -v n="$_shnum" '
		function num(at, len,   v, i) {
			v = 0
			for (i = len - 1; i >= 0; i--) v = v * 256 + h[at + i]
			return v
		}
		$1 == "names" { names = 1; next }
		!names { h[nh++] = $1; next }
		{ s[ns++] = $1 }
		END {
			for (i = 0; i < n; i++) {
				name = ""
				for (j = num(i * 64, 4); j < ns && s[j] != 0; j++)
					name = name sprintf("%c", s[j])
				if (name == want) {
					printf "%.0f %.0f\n", num(i * 64 + 24, 8), num(i * 64 + 32, 8)
					exit 0
				}
			}
			exit 1
		}'
}

# versions_crc FILE SYMBOL: the CRC that FILE's __versions section holds
# for SYMBOL (entries of 64 bytes: an unsigned long CRC, then the name), as
# 0x%08x; status 1 when it holds none.
versions_crc() {
	_sec=$(elf_section "$1" __versions) || return 1
	bytes "$1" "${_sec% *}" "${_sec#* }" | awk -v want="$2" '
		{ b[n++] = $1 }
		END {
			for (e = 0; e + 64 <= n; e += 64) {
				name = ""
				for (j = e + 8; j < e + 64 && b[j] != 0; j++)
					name = name sprintf("%c", b[j])
				if (name != want)
					continue
				# In two halves: %x of busybox awk stops at 0x7fffffff.
				printf "0x%04x%04x\n", b[e + 2] + 256 * b[e + 3], b[e] + 256 * b[e + 1]
				exit 0
			}
			exit 1
		}'
}

# export_crc FILE: the 32-bit CRC of the one symbol FILE exports, from its
# __kcrctab_gpl (or __kcrctab: the CRC does not depend on the license), as
# 0x%08x.
export_crc() {
	_sec=$(elf_section "$1" __kcrctab_gpl) || _sec=$(elf_section "$1" __kcrctab) || return 1
	printf '0x%08x\n' "$(le "$1" "${_sec% *}" 4)"
}

# modversions: this kernel checks CRCs (CONFIG_MODVERSIONS): the vermagic
# that the examples were built with says so.
modinfo "$IMP" >"$T/modinfo-imp"
modinfo "$EXP" >"$T/modinfo-exp"
case " $(awk '$1 == "vermagic:" { $1 = ""; print }' "$T/modinfo-imp") " in
*" modversions "*) modversions=yes ;;
*) modversions=no ;;
esac
elf=yes
is_elf64le "$IMP" && is_elf64le "$EXP" || elf=no

ktap_print_header "module loading: memexport.ko and memimport.ko (modversions $modversions)"
ktap_set_plan 23
unload_both

# ---- modinfo ------------------------------------------------------------
ktap_expect_eq "modinfo memimport.ko says depends: memexport" memexport \
	"$(awk '$1 == "depends:" { print $2 }' "$T/modinfo-imp")"
ktap_expect_eq "modinfo memexport.ko depends on nothing" "" \
	"$(awk '$1 == "depends:" { print $2 }' "$T/modinfo-exp")"

# ---- insmod memimport alone ---------------------------------------------
m=$(dmesg_mark)
ktap_expect_eq "insmod memimport.ko alone fails with ENOENT" ENOENT "$(modcmd insmod "$IMP")"
dmesg_since "$m" >"$T/log"
ktap_check "... dmesg says: memimport: Unknown symbol memexport_alloc (err -2)" \
	has_line "$T/log" '^memimport: Unknown symbol memexport_alloc \(err -2\)$'
ktap_check "... and memimport is not loaded" sh -c '! grep -q "^memimport " /proc/modules'
unload_both

# ---- insmod both, in order ----------------------------------------------
m=$(dmesg_mark)
r1=$(modcmd insmod "$EXP")
r2=$(modcmd insmod "$IMP")
ktap_expect_eq "insmod memexport.ko, then memimport.ko, both load" "OK OK" "$r1 $r2"
dmesg_since "$m" >"$T/log"
# The bucket memexport_alloc(100) reports is the smallest kmalloc cache
# (kmalloc-<bytes>, kmalloc-<n>k) of at least 100 bytes.
bucket=$(awk '$1 ~ /^kmalloc-[0-9]+k?$/ {
		s = substr($1, 9); b = s + 0; if (s ~ /k$/) b *= 1024
		if (b >= 100 && (min == "" || b < min)) min = b
	} END { print min }' /proc/slabinfo)
# Where KFENCE samples (the debug kernel), it may take the object: it
# hands out exactly the bytes asked, and ksize() says 100. Its objects
# file then holds the record, with memexport_alloc in the allocation stack.
got=$(sed -n 's/^memimport: memexport_alloc(100) returned \([0-9]*\): kmalloc gave \1 bytes for 100$/\1/p' "$T/log")
kf=/sys/kernel/debug/kfence/objects
if [ "$got" = 100 ] && [ -r $kf ] && grep -q ' memexport_alloc+0x' $kf; then
	ktap_print_msg "KFENCE took memexport_alloc's object: ksize() is the 100 bytes asked"
	bucket=100
fi
ktap_check "... memimport says memexport_alloc(100) returned $bucket (the kmalloc bucket)" \
	has_line "$T/log" "^memimport: memexport_alloc\\(100\\) returned $bucket: kmalloc gave $bucket bytes for 100\$"

# ---- who uses whom --------------------------------------------------------
ktap_expect_eq "/proc/modules: memexport has 1 user, memimport" "1 memimport," \
	"$(modules_field memexport 3) $(modules_field memexport 4)"
ktap_expect_eq "/proc/modules: memimport has 0 users" "0 -" \
	"$(modules_field memimport 3) $(modules_field memimport 4)"
ktap_expect_eq "/sys/module/memexport/holders/ holds memimport" memimport \
	"$(cd /sys/module/memexport/holders/ 2>&1 && echo *)"
ktap_check "lsmod: memexport ... 1 memimport" \
	sh -c 'lsmod | grep -qE "^memexport +[0-9]+ +1 memimport\$"'

# ---- rmmod memexport is refused -------------------------------------------
ktap_expect_eq "rmmod memexport while memimport is loaded fails with EAGAIN" EAGAIN \
	"$(modcmd rmmod memexport)"
ktap_expect_eq "... and memexport is still loaded, Live" Live "$(modules_field memexport 5)"

m=$(dmesg_mark)
r1=$(modcmd rmmod memimport)
r2=$(modcmd rmmod memexport)
dmesg_since "$m" | grep -E '^mem(ex|im)port: goodbye$' | tr '\n' ' ' >"$T/bye"
ktap_expect_eq "rmmod memimport, then memexport: both go, in that order" \
	"OK OK memimport: goodbye memexport: goodbye " "$r1 $r2 $(cat "$T/bye")"
unload_both

# ---- the export is GPL-only ----------------------------------------------
# Up to 6.x a GPL-only export goes into __ksymtab_gpl; from 7.0 there is
# one __ksymtab, and a flag byte per symbol in __kflagstab (bit 0:
# KSYM_FLAG_GPL_ONLY).
name="memexport.ko exports memexport_alloc GPL-only"
if [ "$elf" = no ]; then
	ktap_test_skip "$name: not a 64-bit little-endian ELF file"
elif sec=$(elf_section "$EXP" __kflagstab); then
	flags=$(le "$EXP" "${sec% *}" 1)
	ktap_expect_eq "$name (__kflagstab: flags $flags, bit 0 set)" 1 $((flags & 1))
else
	gpl=$(elf_section "$EXP" __ksymtab_gpl) || gpl=none
	plain=$(elf_section "$EXP" __ksymtab) || plain=none
	ktap_print_msg "__ksymtab_gpl: $gpl; __ksymtab: $plain (offset size)"
	ktap_expect_eq "$name (in __ksymtab_gpl, no __ksymtab)" "gpl plain=none" \
		"$([ "$gpl" = none ] || echo gpl) plain=$plain"
fi

# ---- CRCs: CONFIG_MODVERSIONS -------------------------------------------
crc_imp=$(versions_crc "$IMP" memexport_alloc) || crc_imp=none
if [ "$elf" = no ]; then
	ktap_test_skip "memimport.ko has a __versions section where modversions is in vermagic: not a 64-bit little-endian ELF file"
else
	ktap_expect_eq "memimport.ko carries a CRC for memexport_alloc exactly when vermagic says modversions" \
		"$modversions" "$([ "$crc_imp" != none ] && echo yes || echo no)"
fi
if [ "$modversions" = no ] || [ "$elf" = no ]; then
	for c in "memimport's CRC for memexport_alloc is memexport.ko's (__kcrctab_gpl)" \
		"the lesson's strings/od shortcut reads the same CRC" \
		"a copy of memimport.ko with another CRC fails to load with EINVAL" \
		"... dmesg says: disagrees about version of symbol memexport_alloc"; do
		ktap_test_skip "$c: no CONFIG_MODVERSIONS on $(uname -r)"
	done
else
	crc_exp=$(export_crc "$EXP") || crc_exp=none
	ktap_expect_eq "memimport's CRC for memexport_alloc is memexport.ko's (__kcrctab_gpl)" \
		"$crc_exp" "$crc_imp"
	# The lesson's way: the first "memexport_alloc" string of the file is
	# the name in __versions; the CRC is the 8 bytes before it.
	off=$(strings -t d "$IMP" | awk '$2 == "memexport_alloc" { print $1; exit }')
	short=0x$(od -A n -t x4 -j $((off - 8)) -N 4 "$IMP" | tr -d ' ')
	ktap_expect_eq "the lesson's strings/od shortcut reads the same CRC" "$crc_imp" "$short"
	# A copy whose CRC disagrees, as from a build against another
	# memexport: its low byte changed.
	sec=$(elf_section "$IMP" __versions)
	at=$(bytes "$IMP" "${sec% *}" "${sec#* }" | awk '
		{ b[n++] = $1 }
		END {
			for (e = 0; e + 64 <= n; e += 64) {
				name = ""
				for (j = e + 8; j < e + 64 && b[j] != 0; j++)
					name = name sprintf("%c", b[j])
				if (name == "memexport_alloc") { print e; exit }
			}
		}')
	cp "$IMP" "$T/memimport-badcrc.ko"
	if [ -n "$at" ]; then
		at=$((${sec% *} + at))
		low=$(le "$IMP" "$at" 1)
		printf '%b' "\\0$(printf '%03o' $(((low + 1) % 256)))" |
			dd of="$T/memimport-badcrc.ko" bs=1 seek="$at" conv=notrunc 2>/dev/null
	fi
	ktap_print_msg "CRC $crc_imp, the copy's $(versions_crc "$T/memimport-badcrc.ko" memexport_alloc)"
	insmod "$EXP"
	m=$(dmesg_mark)
	ktap_expect_eq "a copy of memimport.ko with another CRC fails to load with EINVAL" EINVAL \
		"$(modcmd insmod "$T/memimport-badcrc.ko")"
	dmesg_since "$m" >"$T/log"
	ktap_check "... dmesg says: disagrees about version of symbol memexport_alloc" \
		has_line "$T/log" '^memimport: disagrees about version of symbol memexport_alloc$'
	unload_both
fi

# ---- depmod and modprobe -------------------------------------------------
# As the lesson does: the two modules in this kernel's module tree, then
# depmod; afterwards the tree is as it was (depmod again).
kdir=/lib/modules/$(uname -r)
mkdir -p "$kdir/extra"
cp "$EXP" "$IMP" "$kdir/extra/"
depmod
ktap_expect_eq "depmod: modules.dep has extra/memimport.ko: extra/memexport.ko" \
	"extra/memimport.ko: extra/memexport.ko|extra/memexport.ko:" \
	"$(grep -E '^extra/mem(ex|im)port\.ko:' "$kdir/modules.dep" | sort -r | tr '\n' '|' | sed 's/|$//')"
m=$(dmesg_mark)
r=$(modcmd modprobe memimport)
dmesg_since "$m" | grep -E '^mem(ex|im)port: ' | sed 's/:.*//' | tr '\n' ' ' >"$T/order"
ktap_expect_eq "modprobe memimport loads memexport first, then memimport" \
	"OK memexport memimport " "$r $(cat "$T/order")"
r=$(modcmd modprobe -r memimport)
ktap_expect_eq "modprobe -r memimport unloads both" "OK no no" \
	"$r $(loaded memimport && echo yes || echo no) $(loaded memexport && echo yes || echo no)"
unload_both
rm -f "$kdir/extra/memexport.ko" "$kdir/extra/memimport.ko"
rmdir "$kdir/extra" 2>/dev/null
depmod

ktap_finished
