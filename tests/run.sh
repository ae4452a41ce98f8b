#!/bin/sh
# Runs the unit test binaries and end-to-end scripts against one build, or
# against several builds in one pool, and prints "N passed, N failed,
# N skipped".
#
#   tests/run.sh BUILD_DIR [LABEL]       every program against one build
#   tests/run.sh LABEL=BUILD_DIR ...     one pass per build, one pool
#
# Unit tests speak TAP (cmocka with CMOCKA_MESSAGE_OUTPUT=TAP); end-to-end
# scripts print TAP-like "ok - name" / "not ok - name" / "ok - name # SKIP why"
# lines. A program that crashes or exits non-zero without reporting a
# failure counts as one failure, so a crash can never pass silently.
#
# Programs run TEST_JOBS at a time (default 4), from every pass at once:
# each end-to-end script has its own directory, port and tmux socket, and
# most of their time is spent waiting on players, servers and terminals, so
# one pool keeps both cores busy where passes one after another would leave
# them idle at each pass's tail. The longest scripts start first. Output is
# collected and reported per pass in a fixed order.
#
# Selection: TESTS="tui play test_db" runs only the named programs,
# EXCLUDE="crash" all but those; with several passes, TESTS_<LABEL> and
# EXCLUDE_<LABEL> select for one pass. Generated demo audio is kept in
# build/demo-audio-cache for every build (scripts/demo.sh keys it by its
# inputs).
set -u
[ $# -ge 1 ] || { echo "usage: tests/run.sh BUILD_DIR [LABEL] | LABEL=BUILD_DIR..." >&2; exit 2; }
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
# The system's programs first (python3, sqlite3, tmux as scripts/install-deps.sh
# installs them): a version manager's shims cost a dozen processes a call.
export PATH="/usr/bin:/bin:$PATH"
export CMOCKA_MESSAGE_OUTPUT=TAP
export PODCUE_ROOT="$ROOT"
export DEMO_AUDIO_CACHE="${DEMO_AUDIO_CACHE:-$ROOT/build/demo-audio-cache}"
JOBS=${TEST_JOBS:-4}
OUT=$(mktemp -d) || exit 2
trap 'rm -rf "$OUT"' EXIT
trap 'exit 1' INT TERM HUP # dash runs the EXIT trap only on an exit
t_start=$(date +%s)

# The passes: "LABEL BUILD" lines in $OUT/passes, in the order reported
# (LABEL names files and variables: letters, digits and _ only). A single
# pass is labelled "pass"; its name for the report is in $name1.
single=0
case $1 in
*=*)
	[ -z "${TESTS:-}${EXCLUDE:-}" ] ||
		echo "tests/run.sh: TESTS and EXCLUDE are ignored with several passes;" \
			"select with TESTS_<LABEL> and EXCLUDE_<LABEL>" >&2
	for spec in "$@"; do
		case ${spec%%=*} in
		*[!A-Za-z0-9_]* | "") echo "tests/run.sh: bad pass label: ${spec%%=*}" >&2; exit 2 ;;
		esac
		case " ${seen:-} " in
		*" ${spec%%=*} "*) echo "tests/run.sh: pass label used twice: ${spec%%=*}" >&2; exit 2 ;;
		esac
		seen="${seen:-} ${spec%%=*}"
		echo "${spec%%=*} ${spec#*=}"
	done
	;;
*)
	single=1
	name1=${2:-$1}
	echo "pass $1"
	;;
esac >"$OUT/passes" || exit 2

# sel_var KIND LABEL: the selection (TESTS or EXCLUDE) for one pass.
sel_var() {
	if [ $single = 1 ]; then
		eval "echo \"\${$1:-}\""
	else
		eval "echo \"\${$1_$2:-}\""
	fi
}

# wanted LABEL NAME: whether pass LABEL runs program NAME.
wanted() {
	case " $(sel_var EXCLUDE "$1") " in *" $2 "*) return 1 ;; esac
	tests=$(sel_var TESTS "$1")
	[ -z "$tests" ] || case " $tests " in *" $2 "*) true ;; *) false ;; esac
}

# The end-to-end scripts, longest first (as measured under ASan) so that the
# slowest does not start last; the demo builds its audio on a fresh clone.
# Unit tests come after these and before the short scripts.
LONG="demo bookmarks listen queue play bgindex batches download locked transcript hostile \
mpris dlview sync feeds robust sync_tui dlsafe failsafe_fs dlsafe_tui tui"
# Scripts that time processes racing for the cache (two refreshes at once
# within the busy timeout) run alone, before the pool starts: beside other
# programs on two cores, a sanitizer build can outlast the timeout for want
# of CPU.
SOLO="crash"

# The job list: "LABEL KIND NAME" lines, in starting order.
{
	for name in $SOLO $LONG; do
		[ -f "tests/e2e/$name.sh" ] || continue
		while read -r label build; do
			wanted "$label" "$name" && echo "$label e2e $name"
		done <"$OUT/passes"
	done
	while read -r label build; do
		for t in "$build"/tests/test_*; do
			[ -x "$t" ] && wanted "$label" "${t##*/}" && echo "$label unit ${t##*/}"
		done
	done <"$OUT/passes"
	for t in tests/e2e/*.sh; do
		name=$(basename "$t" .sh)
		case " $SOLO $LONG " in *" $name "*) continue ;; esac
		while read -r label build; do
			wanted "$label" "$name" && echo "$label e2e $name"
		done <"$OUT/passes"
	done
} >"$OUT/jobs"

build_of() {
	while read -r label build; do
		[ "$label" = "$1" ] && echo "$build"
	done <"$OUT/passes"
}

# run_job LABEL KIND NAME: runs one program against pass LABEL's build and
# writes LABEL.NAME.log, then .rc with the exit status; a job whose status
# never arrives (its shell was killed) counts as status 1. Under
# ThreadSanitizer (TSAN_OPTIONS set) each job's reports go to files of its
# own (not into a TUI's screen), and each report is a failure.
run_job() {
	label=$1 kind=$2 name=$3
	build=$(build_of "$label")
	f="$OUT/$label.$name"
	t0=$(date +%s)
	(
		case $build in
		/*) PODCUE="$build/podcue" ;;
		*) PODCUE="$ROOT/$build/podcue" ;;
		esac
		export PODCUE
		if [ "$kind" = unit ]; then
			set -- "$build/tests/$name"
		else
			set -- sh "tests/e2e/$name.sh"
		fi
		if [ -n "${TSAN_OPTIONS:-}" ]; then
			TSAN_OPTIONS="$TSAN_OPTIONS log_path=$f.tsan" "$@" >"$f.log" 2>&1
		else
			"$@" >"$f.log" 2>&1
		fi
		st=$?
		times >"$f.times" # the CPU time of this job's processes
		exit $st
	)
	st=$?
	for r in "$f.tsan".*; do
		[ -f "$r" ] || continue
		echo "not ok - ThreadSanitizer report (${r##*/})"
		sed 's/^/#   /' "$r" | head -80
	done >>"$f.log"
	echo $(($(date +%s) - t0)) >"$f.secs"
	echo $st >"$f.rc"
}

# count_done: how many jobs have finished (a glob: no process per poll).
count_done() {
	set -- "$OUT"/*.rc
	[ -e "$1" ] && echo $# || echo 0
}

njobs=$(wc -l <"$OUT/jobs")
[ $single = 1 ] || echo "running $njobs programs of $(wc -l <"$OUT/passes") builds, $JOBS at a time"
started=0
while read -r label kind name; do
	case " $SOLO " in
	*" $name "*)
		run_job "$label" "$kind" "$name" </dev/null
		started=$((started + 1))
		continue
		;;
	esac
	while [ $((started - $(count_done))) -ge "$JOBS" ]; do
		sleep 0.2
	done
	run_job "$label" "$kind" "$name" </dev/null &
	started=$((started + 1))
done <"$OUT/jobs"
wait

# cpu_of TIMES: whole seconds of user + system time of the children, from
# the shell's `times` output (its second line: "0m1.25s 0m0.50s").
cpu_of() {
	sed -n 2p "$1" 2>/dev/null | awk '{
		t = 0
		for (i = 1; i <= 2; i++) { split($i, a, "m"); sub("s", "", a[2]); t += a[1] * 60 + a[2] }
		printf "%d", t + 0.5 }'
}

# count LABEL NAME SHOWN: tallies one program's TAP output (and shows how
# long it ran). cmocka's TAP writes a skipped test as "not ok N # SKIP
# name": a SKIP directive makes any test line a skip, never a pass or a
# failure. Failed checks are also listed in $OUT/failed.
count() {
	f="$OUT/$1.$2"
	disp=$1
	[ $single = 1 ] && disp=$name1
	[ -f "$f.log" ] || : >"$f.log"
	st=$(cat "$f.rc" 2>/dev/null)
	st=${st:-1}
	p=$(grep -E '^ok ' "$f.log" | grep -vc '# SKIP')
	s=$(grep -E '^(not )?ok .*# SKIP' "$f.log" | wc -l)
	f_=$(grep -E '^not ok ' "$f.log" | grep -vc '# SKIP')
	if [ "$st" -ne 0 ] && [ "$f_" -eq 0 ]; then
		echo "not ok - $3 exited with status $st"
		echo "  $disp $3: not ok - exited with status $st" >>"$OUT/failed"
		f_=1
	fi
	# Each failed check with the first lines of why: CI may show only the
	# tail of the output, where this list is printed again.
	# The first failure of a program keeps a whole screen; later ones (often
	# its consequences) keep three lines.
	awk -v who="  $disp $3: " '/^not ok / && !/# SKIP/ { n = 0; p = 1; print who $0; k++; next }
		p && /^#/ && n++ < (k == 1 ? 30 : 3) { print "      " $0; next } { p = 0 }
		/^#log\| / && l++ < 60 { print "      " $0 }' \
		"$f.log" >>"$OUT/failed"
	grep -E '^(not ok|ok .*# SKIP)' "$f.log" | sed "s|^|  $3: |"
	grep -E '^# SKIP' "$f.log" | sort -u | sed "s|^|  $3: |"
	pass=$((pass + p)) fail=$((fail + f_)) skip=$((skip + s))
	cpu=$(cpu_of "$f.times")
	cpu_total=$((cpu_total + cpu))
	printf '%-28s %3d passed %3d failed %3d skipped %4s s %4s s CPU\n' "$3" "$p" "$f_" "$s" \
		"$(cat "$f.secs" 2>/dev/null || echo '?')" "$cpu"
	if [ "$st" -ne 0 ]; then
		# Each failed check with the lines that say why, then the end.
		awk '/^not ok / && !/# SKIP/ { n = 0; p = 1; print; next }
			p && /^#/ && n++ < 60 { print; next } { p = 0 }' "$f.log" | sed 's/^/    | /'
		echo "    | ..."
		sed 's/^/    | /' "$f.log" | tail -15
	fi
}

: >"$OUT/failed"
tp=0 tf=0 ts=0
while read -r label build; do
	pass=0 fail=0 skip=0 cpu_total=0
	[ $single = 1 ] || echo "== $label ($build)"
	# A selected name that matches no program is a failure, so a renamed
	# test can never drop out of a selection silently.
	for name in $(sel_var TESTS "$label"); do
		grep -q "^$label [a-z0-9]* $name\$" "$OUT/jobs" && continue
		echo "not ok - no program named $name for $build"
		echo "  $label $name: not ok - no such program" >>"$OUT/failed"
		fail=$((fail + 1))
	done
	for kind in unit e2e; do
		while read -r l k name; do
			[ "$l" = "$label" ] && [ "$k" = $kind ] || continue
			case $kind in
			unit) count "$label" "$name" "$name" ;;
			e2e) count "$label" "$name" "e2e/$name" ;;
			esac
		done <"$OUT/jobs"
	done
	[ $single = 1 ] && label=$name1
	echo "$label: $pass passed, $fail failed, $skip skipped ($cpu_total s CPU)"
	tp=$((tp + pass)) tf=$((tf + fail)) ts=$((ts + skip))
done <"$OUT/passes"

if [ -s "$OUT/failed" ]; then
	# The failures again, last: a log cut to its tail still names them.
	echo
	echo "failed checks (build, program, check):"
	head -200 "$OUT/failed"
fi
echo
echo "$tp passed, $tf failed, $ts skipped ($(($(date +%s) - t_start)) s)"
echo "$tp $tf $ts" >"${RESULT_FILE:-/dev/null}"
[ "$tf" -eq 0 ]
