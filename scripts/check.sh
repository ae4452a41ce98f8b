#!/bin/sh
# make check: build and test three times: everything with gcc (-Werror),
# everything with clang under AddressSanitizer + UndefinedBehaviorSanitizer
# (-Werror), and the tests that run threads with clang under
# ThreadSanitizer; then print the combined "N passed, N failed" line.
#
# The sanitizer builds compile in the background while the gcc build's
# tests run (those mostly wait on players, servers and terminals).
set -u
cd "$(dirname "$0")/.." || exit 2
JOBS=$(nproc 2>/dev/null || echo 2)
R1=$(mktemp) R2=$(mktemp) R3=$(mktemp) BL=$(mktemp)
# Checks that do not depend on the build under test (the generated demo
# audio's) leave a stamp here when they pass, and run once per make check.
PODCUE_CHECK_STAMPS=$(mktemp -d)
export PODCUE_CHECK_STAMPS
trap 'rm -rf "$R1" "$R2" "$R3" "$BL" "$BL".* "$PODCUE_CHECK_STAMPS"' EXIT
echo "0 1 0" >"$R1"
echo "0 1 0" >"$R2"
echo "0 1 0" >"$R3"

# The threaded tests: the player's event thread (test_playback), curl's
# resolver threads and the fetcher (test_fetch), sqlite from several
# connections (test_db), and the refresh pipeline and the TUI's worker,
# which only the real binary runs (feeds, tui, robust, hostile: add,
# refresh and import). Left out: crash.sh (its two refreshes at once
# outlast the busy timeout at TSan's pace) and test_player, whose
# test_start_past_end needs the file's duration at load time, which at
# TSan's pace libmpv can report only later (the start past the end is then
# not clamped); test_playback drives the same event thread.
TSAN_TESTS="test_db test_fetch test_playback test_dbwriter feeds tui robust hostile fair download locked sync_tui dlview dlsafe_tui transcript bookmarks"

# build NAME ARGS...: one sanitizer build, niced so the tests running
# beside it keep their pace; its output is kept in $BL.NAME for a failure.
build() {
	name=$1
	shift
	nice -n 10 make --no-print-directory -j"$JOBS" "$@" >"$BL.$name" 2>&1
}

# The TSan build needs only the binaries its tests run.
tsan_targets="build/tsan/podcue"
for t in $TSAN_TESTS; do
	case $t in test_*) tsan_targets="$tsan_targets build/tsan/tests/$t" ;; esac
done

echo "== gcc build"
if make --no-print-directory -j"$JOBS" CC=gcc BUILD=build CFLAGS="-O2 -g -Werror" unit; then
	gcc_ok=1
else
	gcc_ok=0
	echo "not ok - gcc build failed"
fi

# The sanitizer builds, one after the other, beside the gcc tests.
(
	build asan CC=clang BUILD=build/asan SAN=1 CFLAGS="-Werror" unit
	echo $? >"$BL.asan.rc"
	build tsan CC=clang BUILD=build/tsan SAN=thread CFLAGS="-Werror" $tsan_targets
	echo $? >"$BL.tsan.rc"
) &
builds=$!

[ $gcc_ok = 1 ] && RESULT_FILE=$R1 sh tests/run.sh build "gcc" | tee "$BL.gcc.out"
wait $builds

# built NAME LABEL: 0 when the sanitizer build NAME succeeded; else shows why.
built() {
	[ "$(cat "$BL.$1.rc" 2>/dev/null)" = 0 ] && return 0
	tail -30 "$BL.$1" 2>/dev/null
	echo "not ok - $2 build failed"
	return 1
}

echo "== clang + ASan + UBSan build"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$(pwd)/tests/lsan.supp:print_suppressions=0"
# crash.sh, batches.sh and bgindex.sh run in the gcc pass only: they kill
# refreshes and indexing with kill -9 and race processes for the cache over
# feeds of thousands of episodes, so what they check is the cache's
# durability, which does not depend on the build; a killed process reports
# no sanitizer findings, and at ASan's pace they are the most expensive
# scripts of the suite (each over two minutes). The code they drive runs
# under ASan in test_db_store, test_db_index, feeds.sh and search.sh.
if built asan "clang sanitizer"; then
	echo "(crash.sh, batches.sh, bgindex.sh: in the gcc pass only)"
	EXCLUDE="crash batches bgindex" RESULT_FILE=$R2 sh tests/run.sh build/asan "clang+asan+ubsan" |
		tee "$BL.asan.out"
fi
unset ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS

echo "== clang + TSan build (threaded tests)"
if built tsan "clang ThreadSanitizer"; then
	TSAN_OPTIONS="halt_on_error=0 second_deadlock_stack=1 suppressions=$(pwd)/tests/tsan.supp" \
		TESTS=$TSAN_TESTS RESULT_FILE=$R3 sh tests/run.sh build/tsan "clang+tsan" | tee "$BL.tsan.out"
fi

read -r p1 f1 s1 <"$R1"
read -r p2 f2 s2 <"$R2"
read -r p3 f3 s3 <"$R3"
# The failures again, last: a log cut to its tail still names them.
for b in gcc asan tsan; do
	grep -E '^(  [^ ]+: )?not ok' "$BL.$b.out" 2>/dev/null | grep -v '# SKIP' | sed "s/^ */  $b /"
done | head -40 >"$BL.failed"
if [ -s "$BL.failed" ]; then
	echo
	echo "failed checks (build, program, check):"
	cat "$BL.failed"
fi
echo
echo "$((p1 + p2 + p3)) passed, $((f1 + f2 + f3)) failed, $((s1 + s2 + s3)) skipped"
[ $((f1 + f2 + f3)) -eq 0 ]
