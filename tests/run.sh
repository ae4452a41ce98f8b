#!/bin/sh
# Runs every unit test binary and end-to-end script against one build and
# prints "N passed, N failed, N skipped" for it.
#
#   tests/run.sh BUILD_DIR [LABEL]
#
# Unit tests speak TAP (cmocka with CMOCKA_MESSAGE_OUTPUT=TAP); end-to-end
# scripts print TAP-like "ok - name" / "not ok - name" / "ok - name # SKIP why"
# lines. A program that crashes or exits non-zero without reporting a
# failure counts as one failure, so a crash can never pass silently.
#
# The end-to-end scripts run TEST_JOBS at a time (default 3; each has its own
# directory, port and tmux socket), beside the unit tests, which run one after
# another; every program's output is collected and reported in a fixed order.
# Generated demo audio is kept in build/demo-audio-cache for every build
# (scripts/demo.sh keys it by its inputs). TESTS="tui play test_db" runs
# only the named programs; EXCLUDE="crash" runs all but those.
set -u
BUILD=${1:?usage: tests/run.sh BUILD_DIR [LABEL]}
LABEL=${2:-$BUILD}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
# The system's programs first (python3, sqlite3, tmux as scripts/install-deps.sh
# installs them): a version manager's shims cost a dozen processes a call.
export PATH="/usr/bin:/bin:$PATH"
export PODCUE="$ROOT/$BUILD/podcue"
export CMOCKA_MESSAGE_OUTPUT=TAP
export PODCUE_ROOT="$ROOT"
export DEMO_AUDIO_CACHE="${DEMO_AUDIO_CACHE:-$ROOT/build/demo-audio-cache}"
JOBS=${TEST_JOBS:-3}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

pass=0 fail=0 skip=0 cpu_total=0
t_start=$(date +%s)

# cpu_of TIMES: whole seconds of user + system time of the children, from
# the shell's `times` output (its second line: "0m1.25s 0m0.50s").
cpu_of() {
	sed -n 2p "$1" 2>/dev/null | awk '{
		t = 0
		for (i = 1; i <= 2; i++) { split($i, a, "m"); sub("s", "", a[2]); t += a[1] * 60 + a[2] }
		printf "%d", t + 0.5 }'
}

# count FILE STATUS NAME: tallies one program's TAP output (and shows how
# long it ran, from FILE's .secs beside it).
# cmocka's TAP writes a skipped test as "not ok N # SKIP name": a SKIP
# directive makes any test line a skip, never a pass or a failure.
count() {
	[ -f "$1" ] || : >"$1"
	p=$(grep -E '^ok ' "$1" | grep -vc '# SKIP')
	s=$(grep -E '^(not )?ok .*# SKIP' "$1" | wc -l)
	f=$(grep -E '^not ok ' "$1" | grep -vc '# SKIP')
	if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $3 exited with status $2"
		f=1
	fi
	grep -E '^(not ok|ok .*# SKIP)' "$1" | sed "s|^|  $3: |"
	grep -E '^# SKIP' "$1" | sort -u | sed "s|^|  $3: |"
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
	secs=$(cat "${1%.log}.secs" 2>/dev/null)
	cpu=$(cpu_of "${1%.log}.times")
	cpu_total=$((cpu_total + cpu))
	printf '%-28s %3d passed %3d failed %3d skipped %4s s %4s s CPU\n' "$3" "$p" "$f" "$s" \
		"${secs:-?}" "$cpu"
}

wanted() {
	case " ${EXCLUDE:-} " in *" $1 "*) return 1 ;; esac
	[ -z "${TESTS:-}" ] || case " $TESTS " in *" $1 "*) true ;; *) false ;; esac
}

units=""
for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] && wanted "$(basename "$t")" && units="$units $t"
done
# Longest first, so the slowest script does not start last.
e2e=""
for name in crash batches bgindex demo robust play listen queue sync tui bookmarks download mpris mouse failsafe hostile feeds chapters search docs config; do
	[ -f "tests/e2e/$name.sh" ] && e2e="$e2e $name"
done
for t in tests/e2e/*.sh; do
	name=$(basename "$t" .sh)
	case " $e2e " in *" $name "*) ;; *) e2e="$e2e $name" ;; esac
done
sel=""
for name in $e2e; do wanted "$name" && sel="$sel $name"; done
e2e=$sel

# run_job NAME COMMAND...: writes NAME.log, then NAME.rc with the exit
# status; a job whose status never arrives (its shell was killed) counts as
# status 1. Under ThreadSanitizer (TSAN_OPTIONS set) each job's reports go to
# files of its own (not into a TUI's screen), and each report is a failure.
run_job() {
	name=$1
	shift
	t0=$(date +%s)
	(
		if [ -n "${TSAN_OPTIONS:-}" ]; then
			TSAN_OPTIONS="$TSAN_OPTIONS log_path=$OUT/$name.tsan" "$@" >"$OUT/$name.log" 2>&1
		else
			"$@" >"$OUT/$name.log" 2>&1
		fi
		st=$?
		times >"$OUT/$name.times" # the CPU time of this job's processes
		exit $st
	)
	st=$?
	for f in "$OUT/$name.tsan".*; do
		[ -f "$f" ] || continue
		echo "not ok - ThreadSanitizer report (${f##*/})"
		sed 's/^/#   /' "$f" | head -80
	done >>"$OUT/$name.log"
	echo $(($(date +%s) - t0)) >"$OUT/$name.secs"
	echo $st >"$OUT/$name.rc"
}

# Scripts that time processes racing for the cache (two refreshes at once
# within the busy timeout) run alone first: beside three other programs on
# two cores, a sanitizer build can outlast the timeout for want of CPU.
SOLO="crash"
rest="" solo=0
for name in $e2e; do
	case " $SOLO " in
	*" $name "*) run_job "e2e-$name" sh "tests/e2e/$name.sh"; solo=$((solo + 1)) ;;
	*) rest="$rest $name" ;;
	esac
done

(
	for t in $units; do
		run_job "$(basename "$t")" "$t"
	done
) &
# count_done: how many e2e jobs have finished (a glob: no process per poll).
count_done() {
	set -- "$OUT"/e2e-*.rc
	[ -e "$1" ] && echo $# || echo 0
}
started=$solo # their .rc files are already there
for name in $rest; do
	while [ $((started - $(count_done))) -ge "$JOBS" ]; do
		sleep 0.2
	done
	run_job "e2e-$name" sh "tests/e2e/$name.sh" &
	started=$((started + 1))
done
wait

status_of() { st=$(cat "$OUT/$1.rc" 2>/dev/null); echo "${st:-1}"; }

for t in $units; do
	name=$(basename "$t")
	st=$(status_of "$name")
	count "$OUT/$name.log" "$st" "$name"
	[ "$st" -ne 0 ] && sed 's/^/    | /' "$OUT/$name.log" | tail -40
done

for t in tests/e2e/*.sh; do
	name=$(basename "$t" .sh)
	case " $e2e " in *" $name "*) ;; *) continue ;; esac
	st=$(status_of "e2e-$name")
	count "$OUT/e2e-$name.log" "$st" "e2e/$name"
	if [ "$st" -ne 0 ]; then
		sed 's/^/    | /' "$OUT/e2e-$name.log" | tail -60
	fi
done

echo "$LABEL: $pass passed, $fail failed, $skip skipped ($(($(date +%s) - t_start)) s, $cpu_total s CPU)"
echo "$pass $fail $skip" >"${RESULT_FILE:-/dev/null}"
[ "$fail" -eq 0 ]
