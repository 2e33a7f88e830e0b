#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Write ml_table.h, the parser's strategy table for the host's unit tests
# and fuzzer, from src/ itself, so that they cannot drift from the module:
#  - the order, from src/strategy.c's table ([ML_X] = &ml_x_ops);
#  - each token, may_sleep, leak_seen, nowait_refused and accounted, from
#    that ops structure (a flag may be a compat.h name of the model: 6.1's
#    vmalloc, which refuses GFP_NOWAIT);
#  - each limit, the return expression of its .limit function, evaluated
#    with the kernel's constants of one machine: x86_64 with 4 KiB pages,
#    largest page order 10, KMALLOC_MAX_SIZE = PAGE_SIZE << that order
#    (SLUB), memlab's default cap (ML_MAX_BYTES_DEFAULT in src/main.c).
# A name the model below does not know, a limit function that is more than
# one return, or a strategy missing from the table stops the generation
# with a line saying which: teach the model, do not copy the table.
#
# Usage: sh tests/unit/gen-table.sh [SRC_DIR] >ml_table.h

set -u

src=${1:-$(cd "$(dirname "$0")/../../src" && pwd)} || exit 1
[ -f "$src/strategy.c" ] || {
	echo "gen-table: no strategy.c in $src" >&2
	exit 1
}

LC_ALL=C awk -v src="$src" '
function die(msg) {
	print "gen-table: " msg > "/dev/stderr"
	failed = 1
	exit 1
}
# body(file, start_re): the lines from the first matching start_re to the
# first line that closes it ("}" or "};" at the start of a line).
function body(file, start_re,   line, in_it, out) {
	in_it = 0
	out = ""
	while ((getline line < file) > 0) {
		if (!in_it && line ~ start_re) {
			in_it = 1
			continue
		}
		if (in_it && line ~ /^}/)
			break
		if (in_it)
			out = out line "\n"
	}
	close(file)
	return in_it ? out : "-"
}
# field(text, name): the value of ".name = value," in an initializer.
function field(text, name,   n, i, l, line) {
	n = split(text, l, "\n")
	for (i = 1; i <= n; i++) {
		line = l[i]
		if (line ~ "^[ \t]*\\." name "[ \t]*=") {
			sub("^[ \t]*\\." name "[ \t]*=[ \t]*", "", line)
			sub(/,[ \t]*$/, "", line)
			return line
		}
	}
	return ""
}
# host(expr): expr with every kernel name replaced by its value in the model;
# dies on a name the model does not know.
function host(expr, what,   rest, id, out) {
	out = ""
	rest = expr
	while (match(rest, /[A-Za-z_][A-Za-z_0-9]*/)) {
		id = substr(rest, RSTART, RLENGTH)
		out = out substr(rest, 1, RSTART - 1)
		rest = substr(rest, RSTART + RLENGTH)
		if (id in model)
			out = out model[id]
		else if (id ~ /^SZ_[0-9]+[KMG]$/)
			out = out "(" substr(id, 4, length(id) - 4) "ULL * " unit[substr(id, length(id))] ")"
		else if (id ~ /^(u64|unsigned|long|int)$/)
			out = out (id == "u64" ? "unsigned long long" : id)
		else
			die(what ": the host model has no value for " id " (tests/unit/gen-table.sh)")
	}
	return out rest
}
BEGIN {
	unit["K"] = "1024"; unit["M"] = "1048576"; unit["G"] = "1073741824"
	model["PAGE_SIZE"] = "4096ULL"
	model["ML_MAX_PAGE_ORDER"] = "10"
	model["KMALLOC_MAX_SIZE"] = "(4096ULL << 10)"
	model["INT_MAX"] = "2147483647"
	model["min_t"] = "ML_HOST_MIN_T"
	model["max_t"] = "ML_HOST_MAX_T"
	model["ML_VMALLOC_BLOCKS"] = "true"
	nflags = split("may_sleep leak_seen nowait_refused accounted", flags, " ")

	# The default cap, from src/main.c.
	def = ""
	while ((getline line < (src "/main.c")) > 0)
		if (line ~ /^#define[ \t]+ML_MAX_BYTES_DEFAULT[ \t]/) {
			def = line
			sub(/^#define[ \t]+ML_MAX_BYTES_DEFAULT[ \t]+/, "", def)
		}
	close(src "/main.c")
	if (def == "")
		die("no ML_MAX_BYTES_DEFAULT in " src "/main.c")
	model["ml_max_bytes"] = "(" host(def, "ML_MAX_BYTES_DEFAULT") ")"

	# The strategies, as the enum in include/memlab_parse.h orders them.
	n = 0
	tbl = body(src "/strategy.c", "ml_strategies\\[ML_NR_STRATEGIES\\] = \\{")
	if (tbl == "-")
		die("no ml_strategies[] table in " src "/strategy.c")
	split(tbl, l, "\n")
	for (i = 1; i in l; i++) {
		if (l[i] !~ /\[ML_[A-Z_]+\][ \t]*=[ \t]*&ml_[a-z_]+_ops/)
			continue
		match(l[i], /ML_[A-Z_]+/)
		idx[++n] = substr(l[i], RSTART, RLENGTH)
		match(l[i], /ml_[a-z_]+_ops/)
		ops[n] = substr(l[i], RSTART, RLENGTH)
	}
	if (n == 0)
		die("the table in " src "/strategy.c names no strategy")

	cmd = "ls \"" src "\"/*.c"
	while ((cmd | getline f) > 0)
		files[++nf] = f
	close(cmd)

	for (s = 1; s <= n; s++) {
		b = "-"
		for (j = 1; j <= nf && b == "-"; j++)
			b = body(files[j], "^const struct ml_strategy_ops " ops[s] " = \\{")
		if (b == "-")
			die("no definition of " ops[s] " in " src)
		name[s] = field(b, "name")
		if (name[s] !~ /^"[a-z_]+"$/)
			die(ops[s] ": .name is not a plain token: " name[s])
		for (k = 1; k <= nflags; k++) {
			fl = flags[k]
			v = field(b, fl)
			sub(/,?[ \t]*\/\*.*$/, "", v)
			if (v in model)
				v = model[v]
			if (v != "" && v != "true" && v != "false")
				die(ops[s] ": ." fl " is not true, false or a name of the model: " v)
			flag[fl, s] = v == "true"
		}
		fn = field(b, "limit")
		if (fn !~ /^[a-z_0-9]+$/)
			die(ops[s] ": .limit is not a function name: " fn)
		lb = "-"
		for (j = 1; j <= nf && lb == "-"; j++)
			lb = body(files[j], "^(static )?u64 " fn "\\(void\\)$")
		if (lb == "-")
			die(ops[s] ": no definition of " fn "(void) in " src)
		# One statement, "return EXPR;", between the braces.
		gsub(/\n/, " ", lb)
		sub(/^[ \t]*\{[ \t]*/, "", lb)
		if (lb !~ /^return [^;]*;[ \t]*$/)
			die(fn ": not one return statement, which this generator evaluates: " lb)
		sub(/^return /, "", lb)
		sub(/;[ \t]*$/, "", lb)
		limit[s] = host(lb, fn)
		limsrc[s] = lb
	}

	print "/* SPDX-License-Identifier: GPL-2.0 */"
	print "/*"
	print " * Generated from " "src/ by tests/unit/gen-table.sh: do not edit, do not commit."
	print " * The parser\047s strategy table as the kernel fills it (strategy.c), with"
	print " * the limits of x86_64 with 4 KiB pages and memlab\047s default cap."
	print " */"
	print "#ifndef ML_TABLE_H"
	print "#define ML_TABLE_H"
	print ""
	print "#define ML_HOST_MIN_T(t, a, b) ((t)(a) < (t)(b) ? (t)(a) : (t)(b))"
	print "#define ML_HOST_MAX_T(t, a, b) ((t)(a) > (t)(b) ? (t)(a) : (t)(b))"
	print "#define ML_TABLE_NR " n
	print ""
	printf "#define ML_TABLE_TOKENS \\\n\t.name = {"
	for (s = 1; s <= n; s++)
		printf " [%s] = %s,", idx[s], name[s]
	printf " }, \\\n\t.may_sleep = {"
	for (s = 1; s <= n; s++)
		if (flag["may_sleep", s])
			printf " [%s] = true,", idx[s]
	for (k = 2; k <= nflags; k++) {
		printf " }, \\\n\t.%s = {", flags[k]
		for (s = 1; s <= n; s++)
			if (flag[flags[k], s])
				printf " [%s] = true,", idx[s]
	}
	print " }"
	print ""
	printf "#define ML_TABLE_LIMITS \\\n\t.limit = { \\\n"
	for (s = 1; s <= n; s++)
		printf "\t\t[%s] = (%s), /* %s */ \\\n", idx[s], limit[s], limsrc[s]
	print "\t}"
	print ""
	print "#endif"
}
END { if (failed) exit 1 }
' </dev/null
