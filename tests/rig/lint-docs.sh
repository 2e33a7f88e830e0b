#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Every English page and its Chinese twin (NAME.md and NAME.zh-CN.md, side
# by side) must stay in step: the same sections (the sequence of #, ## and
# ### headings), the same commands and output (every fenced code block, byte
# for byte, in order, but for the comments of ```sh blocks) and the same
# parameters, files, commands and errors (the `code` in the first column of
# every table row, in order); and each must link the other (a Markdown link
# to the twin's file name). The pairs: README.md, each lesson page
# (docs/lessons/[0-9][0-9]-*.md), docs/reference.md, docs/testing.md, and
# examples/exercises/*/README.md where they exist; an English page of these
# without its twin is a difference too.
# Prints what differs and exits 1 when they are not in step.
#
# usage: lint-docs.sh [EN.md ZH.md]   (one pair; by default all of them)
set -u
# shellcheck source=tests/rig/lib.sh
. "$(dirname "$0")/lib.sh"

if [ $# -eq 2 ]; then
	for f in "$1" "$2"; do
		[ -f "$f" ] || die "lint-docs: no $f"
	done
elif [ $# -ne 0 ]; then
	die "usage: lint-docs.sh [EN.md ZH.md]"
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/memlab-lint-docs.XXXXXX")
trap 'rm -rf "$work"' EXIT

# headings FILE: the level of each ## and ### heading outside code blocks,
# with its number among the headings, and its text for the message.
headings() {
	awk '
	/^```/ { fence = !fence; next }
	fence { next }
	/^### / { print "###\t" substr($0, 5); next }
	/^## / { print "##\t" substr($0, 4); next }
	/^# / { print "#\t" substr($0, 3) }
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
# compare WHAT KIND: run KIND on both files of the pair $en $zh, report the
# difference.
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
	# Every page has headings; a page may have no code block or table.
	if [ "$2" = headings ] && [ ! -s "$work/en.cmp" ]; then
		say "lint-docs: $(rel "$en") has no $1"
		fail=1
	elif ! cmp -s "$work/en.cmp" "$work/zh.cmp"; then
		say "lint-docs: $(rel "$en") and $(rel "$zh") have different $1:"
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

# rel FILE: FILE's path from the top of the tree, for messages.
rel() {
	case "$1" in
	"$MEMLAB_TOP"/*) echo "${1#"$MEMLAB_TOP"/}" ;;
	*) echo "$1" ;;
	esac
}

# links FILE TWIN: FILE must link TWIN, by its file name (they are side by side).
links() {
	if ! grep -qF "]($(basename "$2"))" "$1"; then
		say "lint-docs: $(rel "$1") has no link to its twin ($(basename "$2"))"
		fail=1
	fi
}

# pair EN ZH: the two pages must be in step.
pair() {
	en=$1
	zh=$2
	compare "sections (#, ## and ### headings)" headings
	compare "commands and output (code blocks)" blocks
	compare "parameters, files, commands and errors (first column of the tables)" table_keys
	links "$en" "$zh"
	links "$zh" "$en"
}

if [ $# -eq 2 ]; then
	pair "$1" "$2"
	exit "$fail"
fi
# Every page that must have a twin, English first; a missing page of the
# fixed ones, or a missing twin, is a difference.
for en in "$MEMLAB_TOP/README.md" "$MEMLAB_TOP"/docs/lessons/[0-9][0-9]-*.md \
	"$MEMLAB_TOP/docs/reference.md" "$MEMLAB_TOP/docs/testing.md" \
	"$MEMLAB_TOP"/examples/exercises/*/README.md; do
	case "$en" in
	*.zh-CN.md) continue ;;
	*'*'*) continue ;; # a glob that matched nothing
	esac
	zh=${en%.md}.zh-CN.md
	if [ ! -f "$en" ]; then
		say "lint-docs: no $(rel "$en")"
		fail=1
	elif [ ! -f "$zh" ]; then
		say "lint-docs: $(rel "$en") has no twin $(rel "$zh")"
		fail=1
	else
		pair "$en" "$zh"
	fi
done
# A Chinese page without its English one.
for zh in "$MEMLAB_TOP"/docs/lessons/[0-9][0-9]-*.zh-CN.md "$MEMLAB_TOP"/examples/exercises/*/README.zh-CN.md; do
	[ -f "$zh" ] || continue
	if [ ! -f "${zh%.zh-CN.md}.md" ]; then
		say "lint-docs: $(rel "$zh") has no English page $(rel "${zh%.zh-CN.md}.md")"
		fail=1
	fi
done
exit "$fail"
