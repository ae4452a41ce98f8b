#!/bin/sh
# fuzz/run.sh - runs libFuzzer targets one after another (one job each, so
# a shared machine keeps its other cores) and prints a summary table.
#
#   sh fuzz/run.sh FUZZ_DIR SECONDS TARGET...
#
# FUZZ_DIR holds the fuzz_TARGET binaries (see the Makefile's fuzz rules).
# Each target gets a seed corpus in FUZZ_DIR/corpus-TARGET, refilled from
# the project's own fixtures on every run (never committed; what libFuzzer
# adds there is kept between runs). Crash/leak/timeout/OOM inputs land in
# FUZZ_DIR as TARGET-crash-<sha1> etc.; the full log is FUZZ_DIR/TARGET.log.
# A crasher is kept for good by copying it to tests/fixtures/fuzz/ as
# TARGET-<what>.<ext>, where test_hostile replays it in every test build.
#
# Exit status: 0 when no target found anything, 1 otherwise.
set -u
DIR=${1:?usage: fuzz/run.sh FUZZ_DIR SECONDS TARGET...}
SECS=${2:?usage: fuzz/run.sh FUZZ_DIR SECONDS TARGET...}
shift 2
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2

# seeds TARGET: the fixture files that seed TARGET's corpus.
seeds() {
	case $1 in
	feed) ls tests/fixtures/feeds/* assets/demo/*.xml ;;
	chapnotes) ls tests/fixtures/notes/*.txt ;;
	chapjson) ls tests/fixtures/chapters/* assets/demo/chapters/* ;;
	opml) ls tests/fixtures/opml/* ;;
	html | text) ls tests/fixtures/notes/*.txt tests/fixtures/feeds/* ;;
	id3chap) ;; # its seeds are the id3chap- files below
	esac 2>/dev/null
	ls tests/fixtures/fuzz/"$1"-* 2>/dev/null
}

# artifacts TARGET: how many findings of TARGET are in DIR.
artifacts() {
	ls "$DIR/$1"-crash-* "$DIR/$1"-leak-* "$DIR/$1"-timeout-* "$DIR/$1"-oom-* \
		2>/dev/null | wc -l
}

found=0
report="$DIR/summary.txt"
printf '%-10s %8s %12s %8s  %s\n' target seconds execs findings log >"$report"
for t in "$@"; do
	bin="$DIR/fuzz_$t"
	[ -x "$bin" ] || { echo "fuzz: no binary $bin" >&2; found=1; continue; }
	corpus="$DIR/corpus-$t"
	mkdir -p "$corpus"
	for f in $(seeds "$t"); do
		[ -f "$f" ] && cp "$f" "$corpus/seed-$(basename "$f")"
	done
	case $t in
	feed | opml) dict=fuzz/xml.dict ;;
	html | text) dict=fuzz/html.dict ;;
	*) dict=fuzz/$t.dict ;;
	esac
	[ -f "$dict" ] && dict="-dict=$dict" || dict=""
	before=$(artifacts "$t")
	start=$(date +%s)
	echo "fuzz: $t for $SECS s ..."
	# shellcheck disable=SC2086
	"$bin" -max_total_time="$SECS" -timeout=25 -rss_limit_mb=2560 \
		-print_final_stats=1 -artifact_prefix="$DIR/$t-" $dict \
		"$corpus" >"$DIR/$t.log" 2>&1
	end=$(date +%s)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$DIR/$t.log" | tail -1)
	new=$(($(artifacts "$t") - before))
	[ "$new" -gt 0 ] && found=1
	printf '%-10s %8d %12s %8d  %s\n' "$t" $((end - start)) "${execs:-?}" "$new" \
		"$DIR/$t.log" >>"$report"
	if [ "$new" -gt 0 ]; then
		grep -m1 -E '^==[0-9]+==ERROR|runtime error|^SUMMARY' "$DIR/$t.log" | sed 's/^/  /'
	fi
done
echo
cat "$report"
ls "$DIR"/*-crash-* "$DIR"/*-leak-* "$DIR"/*-timeout-* "$DIR"/*-oom-* 2>/dev/null |
	sed 's/^/artifact: /'
exit "$found"
