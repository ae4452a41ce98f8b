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
set -u
BUILD=${1:?usage: tests/run.sh BUILD_DIR [LABEL]}
LABEL=${2:-$BUILD}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
export PODCUE="$ROOT/$BUILD/podcue"
export CMOCKA_MESSAGE_OUTPUT=TAP
export PODCUE_ROOT="$ROOT"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

pass=0 fail=0 skip=0

# count FILE STATUS NAME: tallies one program's TAP output.
# cmocka's TAP writes a skipped test as "not ok N # SKIP name": a SKIP
# directive makes any test line a skip, never a pass or a failure.
count() {
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
	printf '%-28s %3d passed %3d failed %3d skipped\n' "$3" "$p" "$f" "$s"
}

for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	"$t" >"$OUT/$name.log" 2>&1
	st=$?
	count "$OUT/$name.log" "$st" "$name"
	[ "$st" -ne 0 ] && sed 's/^/    | /' "$OUT/$name.log" | tail -40
done

for t in tests/e2e/*.sh; do
	[ -f "$t" ] || continue
	name=$(basename "$t" .sh)
	sh "$t" >"$OUT/$name.log" 2>&1
	st=$?
	count "$OUT/$name.log" "$st" "e2e/$name"
	if [ "$st" -ne 0 ]; then
		sed 's/^/    | /' "$OUT/$name.log" | tail -60
	fi
done

echo "$LABEL: $pass passed, $fail failed, $skip skipped"
echo "$pass $fail $skip" >"${RESULT_FILE:-/dev/null}"
[ "$fail" -eq 0 ]
