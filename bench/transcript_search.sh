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
# search_bench's own queries (the words of its vocabulary), as it printed them.
python3 - "$DIR/before.txt" >"$DIR/queries" <<'PY'
import re, sys
for line in open(sys.argv[1]):
    m = re.match(r"  search .*? '(.*)' \[\d+\]", line)
    if m:
        print(m.group(1))
PY
runq() { # runq OUT: the queries on the cache, one argument each
	set -- "$1"
	while IFS= read -r q; do set -- "$@" "$q"; done <"$DIR/queries"
	out=$1
	shift
	"$B/bench/transcript_bench" --search "$CACHE" "$@" | tee "$out"
}
echo "without transcripts (the peer):"
runq "$DIR/q_before.txt"
"$B/bench/transcript_bench" "$CACHE" "$NTX" "$NSEG" "$NW" | tee "$DIR/store.txt"
echo "with transcripts:"
runq "$DIR/q_after.txt"

python3 - "$DIR/q_before.txt" "$DIR/q_after.txt" "$GOAL_MS" "$(cut -d' ' -f1-3 /proc/loadavg)" <<'PY'
import sys
def res(path):
    r = {}
    for line in open(path):
        f = line.split()
        if f[:1] == ["RESULT"]:
            r[f[1]] = (float(f[2]), float(f[3]))
    return r
b, a, goal, load = res(sys.argv[1]), res(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
wa, ca = max(v[0] for v in a.values()), max(v[1] for v in a.values())
wb, cb = max(v[0] for v in b.values()), max(v[1] for v in b.values())
print("slowest query median, with transcripts: %.2f ms CPU (%.2f ms wall); without (peer): "
      "%.2f ms CPU (%.2f ms wall); load average %s" % (ca, wa, cb, wb, load))
print("transcripts add per query (CPU, median): " + ", ".join(
    "%s %+.1f ms" % (k, a[k][1] - b[k][1]) for k in a if k in b))
print("goal: search under %.0f ms with 10,000 transcripts: %s (CPU time; wall %s)"
      % (goal, "goal met" if ca < goal else "goal MISSED", "met" if wa < goal else "missed"))
PY
