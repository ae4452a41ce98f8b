#!/bin/sh
# bench/transcript_search.sh - search over titles, notes, chapters AND
# transcripts of 100,000 episodes, 10,000 of them with a transcript.
#
#   sh bench/transcript_search.sh [BUILD]     (BUILD default: build)
#
# 1. search_bench 500 200 builds its 100,000-episode cache (titles, notes,
#    chapters) and measures its queries: the peer figures, no transcripts;
# 2. transcript_bench gives every tenth episode a transcript (225 segments
#    of 20 words: half an hour in 8 s segments, words drawn from the
#    notes), stored as `podcue transcript` stores them;
# 3. search_bench --db measures the same queries on that cache, now with
#    transcript hits merged in.
# Prints each query's median (ms) beside the peer and the goal: every
# median under 20 ms. Knobs: TX_BENCH_TRANSCRIPTS (10000), TX_BENCH_SEGMENTS
# (225), TX_BENCH_WORDS (20), TMPDIR.
set -eu
cd "$(dirname "$0")/.."
B=${1:-${BUILD:-build}}
NTX=${TX_BENCH_TRANSCRIPTS:-10000}
NSEG=${TX_BENCH_SEGMENTS:-225}
NW=${TX_BENCH_WORDS:-20}
GOAL_MS=20
DIR=$(mktemp -d "${TMPDIR:-/tmp}/podcue-tx-bench.XXXXXX")
trap 'rm -rf "$DIR"' EXIT INT TERM

echo "transcript search bench: 500 x 200 episodes, $NTX transcripts of $NSEG x $NW words"
SEARCH_BENCH_KEEP=1 "$B/bench/search_bench" 500 200 "$DIR" >"$DIR/before.txt"
CACHE=$(sed -n 's/^kept //p' "$DIR/before.txt")
[ -n "$CACHE" ] || { echo "no cache kept"; cat "$DIR/before.txt"; exit 1; }
"$B/bench/transcript_bench" "$CACHE" "$NTX" "$NSEG" "$NW" | tee "$DIR/store.txt"
"$B/bench/search_bench" --db "$CACHE" >"$DIR/after.txt"

python3 - "$DIR/before.txt" "$DIR/after.txt" "$GOAL_MS" <<'PY'
import sys
def results(path):
    r, labels = {}, {}
    for line in open(path):
        f = line.split()
        if f[:1] == ["RESULT"] and f[1].startswith("search_") and f[1] != "search_all":
            r[f[1]] = float(f[2])
        elif line.startswith("  search"):
            labels.setdefault("order", []).append(line.strip())
    return r
before, after, goal = results(sys.argv[1]), results(sys.argv[2]), float(sys.argv[3])
print("%-22s %12s %24s" % ("query (median of 21)", "with tx", "without tx (peer)"))
for k in after:
    print("%-22s %9.2f ms %21.2f ms" % (k, after[k], before.get(k, float("nan"))))
worst = max(after.values())
print("worst median with transcripts: %.2f ms (without: %.2f ms); goal < %.0f ms: %s"
      % (worst, max(before.values()), goal, "goal met" if worst < goal else "goal MISSED"))
PY
