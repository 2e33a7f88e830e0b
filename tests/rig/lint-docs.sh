#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# README.md and README.zh-CN.md must stay in step: the same sections (the
# sequence of ## and ### headings), the same commands (every fenced code
# block, byte for byte, in order, but for the comments of ```sh blocks) and the same parameters, files, commands
# and errors (the `code` in the first column of every table row, in order).
# Prints what differs and exits 1 when they are not in step.
#
# usage: lint-docs.sh [README.md README.zh-CN.md]
set -u
# shellcheck source=tests/rig/lib.sh
. "$(dirname "$0")/lib.sh"

en=${1:-$MEMLAB_TOP/README.md}
zh=${2:-$MEMLAB_TOP/README.zh-CN.md}
for f in "$en" "$zh"; do
	[ -f "$f" ] || die "lint-docs: no $f"
done
work=$(mktemp -d "${TMPDIR:-/tmp}/memlab-lint-docs.XXXXXX")
trap 'rm -rf "$work"' EXIT

# headings FILE: the level of each ## and ### heading outside code blocks,
# with its number among the headings, and its text for the message.
headings() {
	awk '
	/^```/ { fence = !fence; next }
	fence { next }
	/^### / { print "###\t" substr($0, 5); next }
	/^## / { print "##\t" substr($0, 4) }
	' "$1"
}

# blocks FILE: every fenced code block, fences included, in order. In a
# ```sh block a comment (a # outside quotes, at the start of a word) may be
# translated: it is left out, with the blanks before it.
blocks() {
	awk '
	function uncomment(l,    i, c, q, out) {
		q = ""
		for (i = 1; i <= length(l); i++) {
			c = substr(l, i, 1)
			if (q == "" && c == "#" && (i == 1 || substr(l, i - 1, 1) ~ /[ \t]/)) {
				sub(/[ \t]+$/, "", out)
				return out
			}
			if (q != "\047" && c == "\\") {
				out = out c substr(l, i + 1, 1)
				i++
				continue
			}
			if (q == "" && (c == "\047" || c == "\"")) q = c
			else if (c == q) q = ""
			out = out c
		}
		return out
	}
	/^```/ { print; sh = !fence && $0 == "```sh"; fence = !fence; if (!fence) print "----"; next }
	fence && sh { print uncomment($0); next }
	fence { print }
	' "$1"
}

# table_keys FILE: the `code` spans of the first cell of each table row.
table_keys() {
	awk '
	/^```/ { fence = !fence; next }
	fence || !/^\|/ || /^\|[ :|-]*$/ { next }
	{
		split($0, cell, "|")
		c = cell[2]
		keys = ""
		while (match(c, /`[^`]*`/)) {
			keys = keys (keys == "" ? "" : " ") substr(c, RSTART, RLENGTH)
			c = substr(c, RSTART + RLENGTH)
		}
		if (keys != "")
			print keys
	}
	' "$1"
}

fail=0
# compare WHAT KIND: run KIND on both files, report the difference.
compare() {
	for lang in en zh; do
		if [ "$lang" = en ]; then f=$en; else f=$zh; fi
		case "$2" in
		headings) headings "$f" ;;
		blocks) blocks "$f" ;;
		table_keys) table_keys "$f" ;;
		esac >"$work/$lang"
	done
	if [ "$2" = headings ]; then
		cut -f1 "$work/en" >"$work/en.cmp"
		cut -f1 "$work/zh" >"$work/zh.cmp"
	else
		cp "$work/en" "$work/en.cmp"
		cp "$work/zh" "$work/zh.cmp"
	fi
	if [ ! -s "$work/en.cmp" ]; then
		say "lint-docs: $(basename "$en") has no $1"
		fail=1
	elif ! cmp -s "$work/en.cmp" "$work/zh.cmp"; then
		say "lint-docs: $(basename "$en") and $(basename "$zh") have different $1:"
		if [ "$2" = headings ]; then
			# Side by side, so that the missing or extra section shows.
			awk -F'\t' 'NR == FNR { en[FNR] = $0; n = FNR; next }
				{ zh[FNR] = $0; m = FNR }
				END { for (i = 1; i <= (n > m ? n : m); i++)
					printf "%3d  %-50.50s | %s\n", i, en[i], zh[i] }' \
				"$work/en" "$work/zh" >&2
		else
			diff "$work/en.cmp" "$work/zh.cmp" | head -n 40 >&2
		fi
		fail=1
	fi
}

compare "sections (## and ### headings)" headings
compare "commands (code blocks)" blocks
compare "parameters, files, commands and errors (first column of the tables)" table_keys
exit "$fail"
