#!/bin/sh
# make check: build and test twice, once with gcc (-Werror) and once with
# clang under AddressSanitizer + UndefinedBehaviorSanitizer (-Werror), then
# print the combined "N passed, N failed" line.
set -u
cd "$(dirname "$0")/.." || exit 2
JOBS=$(nproc 2>/dev/null || echo 2)
R1=$(mktemp) R2=$(mktemp)
trap 'rm -f "$R1" "$R2"' EXIT
echo "0 1 0" >"$R1"
echo "0 1 0" >"$R2"

echo "== gcc build"
if make --no-print-directory -j"$JOBS" CC=gcc BUILD=build CFLAGS="-O2 -g -Werror" unit; then
	RESULT_FILE=$R1 sh tests/run.sh build "gcc"
else
	echo "not ok - gcc build failed"
fi

echo "== clang + ASan + UBSan build"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$(pwd)/tests/lsan.supp:print_suppressions=0"
if make --no-print-directory -j"$JOBS" CC=clang BUILD=build/asan SAN=1 CFLAGS="-Werror" unit; then
	RESULT_FILE=$R2 sh tests/run.sh build/asan "clang+asan+ubsan"
else
	echo "not ok - clang sanitizer build failed"
fi

read -r p1 f1 s1 <"$R1"
read -r p2 f2 s2 <"$R2"
echo
echo "$((p1 + p2)) passed, $((f1 + f2)) failed, $((s1 + s2)) skipped"
[ $((f1 + f2)) -eq 0 ]
