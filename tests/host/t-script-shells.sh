#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The learner's scripts run under dash and bash, not only busybox (the
# contract): each script parses under each shell, and each refusal that the
# host can reach for real (not root, not loaded, a bad argument, a module
# built for another kernel, a parameter memlab refuses at load) exits
# non-zero with its one line on stderr under dash, bash and busybox sh
# alike; -h prints the usage on stdout and exits 0. id, modinfo, insmod and
# dmesg are stand-ins on PATH where the host has no memlab to load (not
# under busybox, whose sh prefers its own applets: the guest's t-scripts.sh
# covers busybox).
# KTAP on stdout.
#
# usage: t-script-shells.sh
# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/../guest/ktap.sh"
# shellcheck source=tests/rig/lib.sh
. "$(dirname "$0")/../rig/lib.sh"

S=$MEMLAB_TOP/scripts
T=$(mktemp -d "${TMPDIR:-/tmp}/memlab-shells.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

shells=""
for sh in dash bash "busybox sh"; do
	if command -v "${sh%% *}" >/dev/null 2>&1; then
		shells="$shells${shells:+:}$sh"
	fi
done

# Stand-ins. user/: id says uid 1000. bin/: a module file whose vermagic is
# $FAKE_VERMAGIC, parameters as memlab's, an insmod that fails and writes
# memlab's reason to the fake kernel log, as the kernel does.
mkdir -p "$T/user" "$T/bin"
cat >"$T/user/id" <<'EOF'
#!/bin/sh
echo 1000
EOF
cat >"$T/bin/modinfo" <<'EOF'
#!/bin/sh
case "$1 $2" in
"-F vermagic") echo "$FAKE_VERMAGIC SMP preempt mod_unload modversions" ;;
"-F parm") printf '%s\n' "demo:run the demonstration (bool)" "max_bytes:cap (ulong)" \
	"mempool_min:reserve (uint)" "demo_order:order (uint)" ;;
*) exit 1 ;;
esac
EOF
cat >"$T/bin/insmod" <<'EOF'
#!/bin/sh
echo "[   12.345678] memlab: invalid parameter max_bytes=1: must be between 1048576 and 1073741824" >>"$FAKE_DMESG"
echo "insmod: ERROR: could not insert module $1: Invalid parameters" >&2
exit 1
EOF
cat >"$T/bin/dmesg" <<'EOF'
#!/bin/sh
cat "$FAKE_DMESG"
EOF
chmod +x "$T/user/id" "$T/bin/"*
printf 'not a module\n' >"$T/memlab.ko"
FAKE_DMESG=$T/dmesg
export FAKE_DMESG

# Where the host itself stops the scripts earlier, some cases cannot run.
loaded=no
grep -q '^memlab ' /proc/modules 2>/dev/null && loaded=yes
lockdown=$(sed -n 's/.*\[\([a-z]*\)\].*/\1/p' /sys/kernel/security/lockdown 2>/dev/null)
modoff=$(cat /proc/sys/kernel/modules_disabled 2>/dev/null || echo 0)
root=no
[ "$(id -u)" -eq 0 ] && root=yes

# CASE lines: name|needs|env|script and arguments|status|stderr pattern,
# pattern "" for none. needs: - always, root (the host's own uid is 0),
# unloaded (memlab not loaded here), load (root, unloaded, no lockdown).
cat >"$T/cases" <<'EOF'
memlab-load as a user is refused: root|-|PATH=$T/user:$PATH|memlab-load|1|^memlab-load: must run as root
memlab-unload as a user is refused: root|-|PATH=$T/user:$PATH|memlab-unload|1|^memlab-unload: must run as root
memlab-demo as a user is refused: root|-|PATH=$T/user:$PATH|memlab-demo|1|^memlab-demo: must run as root
memlab-bench as a user is refused: root|-|PATH=$T/user:$PATH|memlab-bench|1|^memlab-bench: must run as root
memlab-load with a word that is not param=value|root|-|memlab-load max_bytes|1|^memlab-load: 'max_bytes' is not param=value
memlab-load with MEMLAB_KO naming no file|load|MEMLAB_KO=/nonexistent/memlab.ko|memlab-load|1|^memlab-load: MEMLAB_KO=/nonexistent/memlab.ko: no such file
memlab-load of a module for another kernel says how to rebuild|load|MEMLAB_KO=$T/memlab.ko FAKE_VERMAGIC=9.9.9-other PATH=$T/bin:$PATH|memlab-load|1|^memlab-load: .*memlab.ko was built for kernel 9.9.9-other, this is [^ ]*: rebuild it with make clean && make KDIR=
memlab-load of a module without vermagic|load|MEMLAB_KO=$T/memlab.ko FAKE_VERMAGIC=|memlab-load|1|cannot read its vermagic
memlab-load of an unknown parameter names the known ones|load|MEMLAB_KO=$T/memlab.ko FAKE_VERMAGIC=$(uname -r) PATH=$T/bin:$PATH|memlab-load colour=blue|1|^memlab-load: unknown parameter 'colour'; memlab takes: demo max_bytes mempool_min demo_order$
memlab-load gives memlab's reason from the kernel log|load|MEMLAB_KO=$T/memlab.ko FAKE_VERMAGIC=$(uname -r) PATH=$T/bin:$PATH|memlab-load max_bytes=1|1|^memlab-load: loading .*memlab.ko failed: memlab: invalid parameter max_bytes=1: must be between
memlab-load -h prints the usage|-|-|memlab-load -h|0|
memlab-unload with an argument is refused|-|-|memlab-unload now|1|^memlab-unload: takes no arguments
memlab-unload when memlab is not loaded|unloaded|-|memlab-unload|1|^memlab-unload: memlab is not loaded
memlab-unload -h prints the usage|-|-|memlab-unload -h|0|
memlab-stats when memlab is not loaded|unloaded|-|memlab-stats|1|^memlab-stats: memlab is not loaded
memlab-stats --watch 0 is refused|-|-|memlab-stats --watch 0|2|^memlab-stats: --watch takes a whole number of seconds
memlab-stats with an unknown option prints the usage|-|-|memlab-stats --bogus|2|^memlab-stats: usage: memlab-stats
memlab-stats -h prints the usage|-|-|memlab-stats -h|0|
memlab-bench with an unknown pattern|-|-|memlab-bench -p sideways|1|^memlab-bench: unknown pattern sideways
memlab-bench with an unknown strategy|-|-|memlab-bench -s slab|1|^memlab-bench: unknown strategy slab
memlab-bench --min-ids with no number|-|-|memlab-bench --min-ids many|1|^memlab-bench: --min-ids .*needs a number
memlab-bench when memlab is not loaded|unloaded|-|memlab-bench -s kmalloc -z 64|1|^memlab-bench: memlab is not loaded
memlab-bench -h prints the usage|-|-|memlab-bench -h|0|
memlab-demo with two arguments prints the usage|-|-|memlab-demo a b|1|^memlab-demo: usage: memlab-demo
memlab-demo with a missing module says so|root|-|memlab-demo /nonexistent.ko|1|^memlab-demo: /nonexistent.ko: no such file
memlab-demo -h prints the usage|-|-|memlab-demo -h|0|
EOF

nscripts=$(find "$S" -maxdepth 1 -type f -name 'memlab-*' | wc -l | tr -d ' ')
ncases=$(grep -c . "$T/cases")
ktap_print_header "scripts/ under dash, bash and busybox sh"
ktap_set_plan $((nscripts * 3 + ncases * 3))

# Each script parses under dash and bash (-n), and shellcheck finds it
# portable for each (-s dash, -s bash: what it would do differently there).
for f in "$S"/memlab-*; do
	n=${f##*/}
	for sh in dash bash; do
		if ! command -v "$sh" >/dev/null 2>&1; then
			ktap_test_skip "$n parses under $sh: no $sh on this host"
		else
			ktap_check "$n parses under $sh (-n)" "$sh" -n "$f"
		fi
	done
	if ! command -v shellcheck >/dev/null 2>&1; then
		ktap_test_skip "shellcheck -s dash and -s bash on $n: no shellcheck"
	elif out=$(shellcheck -S warning -s dash "$f" 2>&1 && shellcheck -S warning -s bash "$f" 2>&1); then
		ktap_test_pass "shellcheck -s dash and -s bash on $n"
	else
		printf '%s\n' "$out" | sed 's/^/# /'
		ktap_test_fail "shellcheck -s dash and -s bash on $n"
	fi
done

# run SHELL ENV SCRIPT ARGS...: the script under SHELL, in a fresh
# environment, stdout and stderr kept apart.
run() {
	_sh=$1 _env=$2 _f=$3
	shift 3
	: >"$FAKE_DMESG"
	# shellcheck disable=SC2086 # the shell may be two words (busybox sh)
	(
		[ "$_env" = - ] || eval "export $_env"
		cd "$T" && exec $_sh "$S/$_f" "$@"
	) >"$T/out" 2>"$T/err"
}

IFS_SAVE=$IFS
while IFS='|' read -r name needs env cmd want pat; do
	IFS=$IFS_SAVE
	why=""
	case "$needs" in
	root) [ "$root" = yes ] || why="the host does not run this as root" ;;
	unloaded) [ "$loaded" = no ] || why="memlab is loaded on this host" ;;
	load)
		if [ "$root" = no ]; then
			why="the host does not run this as root"
		elif [ "$loaded" = yes ]; then
			why="memlab is loaded on this host"
		elif [ "$modoff" = 1 ]; then
			why="this host refuses module loading"
		elif [ "$lockdown" = integrity ] || [ "$lockdown" = confidentiality ]; then
			why="this host is under lockdown"
		fi
		;;
	esac
	oldifs=$IFS
	IFS=:
	for sh in $shells; do
		IFS=$oldifs
		if [ -n "$why" ]; then
			ktap_test_skip "$sh: $name: $why"
			continue
		fi
		# busybox sh runs its own applets (id, modinfo, dmesg) before PATH:
		# the stand-ins cannot stand in there. The guest's t-scripts.sh
		# runs these cases under busybox for real.
		case "$sh $env" in
		busybox*PATH=*)
			ktap_test_skip "$sh: $name: busybox prefers its applets to the stand-ins on PATH"
			continue
			;;
		esac
		# shellcheck disable=SC2086 # the words of the case
		run "$sh" "$(eval "echo \"$env\"")" $cmd
		rc=$?
		lines=$(wc -l <"$T/err" | tr -d ' ')
		if [ "$want" = 0 ]; then
			if [ "$rc" -eq 0 ] && [ "$lines" -eq 0 ] && grep -q '^usage: ' "$T/out"; then
				ktap_test_pass "$sh: $name"
				continue
			fi
		elif [ "$rc" -eq "$want" ] && [ "$lines" -eq 1 ] && grep -qE "$pat" "$T/err"; then
			ktap_test_pass "$sh: $name"
			continue
		fi
		ktap_print_msg "$sh: $cmd: status $rc (expected $want), $lines line(s) on stderr, expected ${pat:-none}:"
		sed 's/^/# err: /' "$T/err"
		sed 's/^/# out: /' "$T/out"
		ktap_test_fail "$sh: $name"
	done
	IFS=$oldifs
	# A shell that is missing still counts its case, as a skip.
	for sh in dash bash "busybox sh"; do
		case ":$shells:" in
		*":$sh:"*) ;;
		*) ktap_test_skip "$sh: $name: no ${sh%% *} on this host" ;;
		esac
	done
done <"$T/cases"
ktap_finished
