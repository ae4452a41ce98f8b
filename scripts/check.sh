#!/bin/sh
# make check: three builds, then every test in one pool (tests/run.sh):
#
#   gcc -O2 (-Werror)           the unit tests, and the end-to-end scripts
#                               that kill processes over large caches
#   clang ASan+UBSan (-Werror)  the unit tests and every other end-to-end
#                               script, on the real binary
#   clang TSan                  the tests that run threads
#
# Every check runs against a real build at least once, and every one but
# the three durability scripts under the sanitizers. The end-to-end scripts
# are not repeated on the gcc build: they drive the same code the ASan+UBSan
# build runs, which is the stricter of the two, and running them twice was
# half of make check's time.
#
# make check-quick (--quick): the gcc build only, and every test once on it;
# a developer's loop, not the gate (no sanitizers).
set -u
cd "$(dirname "$0")/.." || exit 2
# A plain selection is ignored by the three passes (the gate runs every
# test); say so at once, not after the builds.
if [ "${1:-}" != --quick ] && [ -n "${TESTS:-}${EXCLUDE:-}" ]; then
	echo "make check: TESTS and EXCLUDE are ignored here (they select for one build);" \
		"use TESTS_gcc, TESTS_asan, TESTS_tsan (EXCLUDE_...), make check-quick, or" \
		"tests/run.sh BUILD" >&2
	unset TESTS EXCLUDE
fi
JOBS=$(nproc 2>/dev/null || echo 2)
BL=$(mktemp)
# Checks that do not depend on the build under test (the generated demo
# audio's) leave a stamp here when they pass, and run once per make check.
PODCUE_CHECK_STAMPS=$(mktemp -d)
export PODCUE_CHECK_STAMPS
trap 'rm -rf "$BL" "$BL".* "$PODCUE_CHECK_STAMPS"' EXIT

# The threaded tests: the player's event thread (test_playback), curl's
# resolver threads and the fetcher (test_fetch), sqlite from several
# connections (test_db), the background writer (test_dbwriter), and the
# refresh pipeline, the TUI's worker, downloads and sync, which only the
# real binary runs. Left out: bookmarks.sh (a playing TUI saving through
# its writer, as locked.sh and transcript.sh drive it, and at TSan's pace
# the longest script of the suite), hostile.sh (its threaded part is the
# fetcher's aborts, bombs, loops and timeouts, which test_fetch drives on
# this build; the rest is parsing, on one thread, and under ASan), crash.sh (its two refreshes at once
# outlast the busy timeout at TSan's pace) and test_player, whose
# test_start_past_end needs the file's duration at load time, which at
# TSan's pace libmpv can report only later (the start past the end is then
# not clamped); test_playback drives the same event thread.
TSAN_TESTS="test_db test_fetch test_playback test_dbwriter feeds tui robust fair download locked sync_tui dlview dlsafe_tui transcript"
# Run on the gcc build only: they kill refreshes and indexing with kill -9
# and race processes for the cache over feeds of thousands of episodes, so
# what they check is the cache's durability, which does not depend on the
# build; a killed process reports no sanitizer findings, and at ASan's pace
# they are the most expensive scripts of the suite. The code they drive
# runs under ASan in test_db_store, test_db_index, feeds.sh and search.sh.
GCC_E2E="crash batches bgindex"

# The TSan build needs only the binaries its tests run.
tsan_targets="build/tsan/podcue"
for t in $TSAN_TESTS; do
	case $t in test_*) tsan_targets="$tsan_targets build/tsan/tests/$t" ;; esac
done

# build NAME ARGS...: one build, its output kept in $BL.NAME (shown when it
# fails); its status in $BL.NAME.rc.
build() {
	name=$1
	shift
	make --no-print-directory -j"$JOBS" "$@" >"$BL.$name" 2>&1
	echo $? >"$BL.$name.rc"
}

quick=0
[ "${1:-}" = --quick ] && quick=1
t0=$(date +%s)
if [ $quick = 1 ]; then
	echo "== build: gcc; the demo's audio (quick: no sanitizers)"
	build gcc CC=gcc BUILD=build CFLAGS="-O2 -g -Werror" unit &
else
	echo "== builds: gcc, clang+ASan+UBSan, clang+TSan; the demo's audio"
	build gcc CC=gcc BUILD=build CFLAGS="-O2 -g -Werror" unit &
	build asan CC=clang BUILD=build/asan SAN=1 CFLAGS="-Werror" unit &
	build tsan CC=clang BUILD=build/tsan SAN=thread CFLAGS="-Werror" $tsan_targets &
fi
# The demo's audio (a minute of CPU on a fresh clone) is made beside the
# builds, into the cache e2e/demo.sh copies it from, so that it does not
# compete with the tests that wait on a player or a terminal. If it fails
# here, e2e/demo.sh makes it again and reports why.
DEMO_DIR="$BL.demo" DEMO_AUDIO_CACHE="$(pwd)/build/demo-audio-cache" \
	sh scripts/demo.sh --audio-only >"$BL.demo.out" 2>&1 &
wait
echo "builds done in $(($(date +%s) - t0)) s"

if [ $quick = 1 ]; then
	if [ "$(cat "$BL.gcc.rc")" != 0 ]; then
		tail -30 "$BL.gcc"
		echo "not ok - gcc build failed"
		echo "0 passed, 1 failed, 0 skipped"
		exit 1
	fi
	sh tests/run.sh build gcc
	exit
fi

passes="" broken=0
# pass NAME LABEL BUILD: adds a pass when its build succeeded; else shows why.
pass() {
	if [ "$(cat "$BL.$1.rc" 2>/dev/null)" = 0 ]; then
		passes="$passes $1=$3"
	else
		tail -30 "$BL.$1"
		echo "not ok - $2 build failed"
		broken=$((broken + 1))
	fi
}
pass gcc gcc build
pass asan "clang sanitizer" build/asan
pass tsan "clang ThreadSanitizer" build/tsan

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$(pwd)/tests/lsan.supp:print_suppressions=0"
export TSAN_OPTIONS="halt_on_error=0 second_deadlock_stack=1 suppressions=$(pwd)/tests/tsan.supp"
export EXCLUDE_asan="$GCC_E2E"
TESTS_gcc="$GCC_E2E $(cd tests/unit && ls test_*.c | sed 's/\.c$//' | tr '\n' ' ')"
export TESTS_gcc
export TESTS_tsan="$TSAN_TESTS"
echo "== tests: gcc (units; $GCC_E2E), clang+ASan+UBSan (all else), clang+TSan (threaded)"
R=$BL.result
echo none >"$R"
rc=0
if [ -n "$passes" ]; then
	# shellcheck disable=SC2086 # one word per pass
	RESULT_FILE=$R sh tests/run.sh $passes || rc=1
else
	echo "0 0 0" >"$R"
fi
# The last line counts a build that failed as one failed check, and a run
# that failed without counting a failure (it ended before its result, or
# its status disagrees) as one more; then tests/run.sh's own last line,
# if any, is not the last.
read -r p f s <"$R"
own=0
if [ "$p" = none ]; then
	echo "not ok - tests/run.sh ended before its result"
	p=0 f=1 s=0 own=1
elif [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
	echo "not ok - tests/run.sh failed"
	f=1 own=1
fi
[ $broken -gt 0 ] && own=1
[ $own = 1 ] && echo "$p passed, $((f + broken)) failed, $s skipped"
[ $((f + broken)) -eq 0 ]
