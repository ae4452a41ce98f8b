#!/bin/sh
# bench/scale.sh - podcue at scale (issue 21), called by bench/run.sh; can
# be run alone: BUILD=build sh bench/scale.sh. About 5 minutes on an idle
# 2-core machine, most of it generating the million-episode cache (7
# minutes of that alone at a load average of 12).
#
#   1. A feed of SCALE_BIG (5,000) episodes (bench/gen_library.py, notes
#      with chapter lists): podcue's cold import, then a refresh after one
#      new item appeared; newsboat on the same feed beside it. While a
#      second cold import stores the feed, another process (Python's
#      sqlite3, BEGIN IMMEDIATE, 5 s busy timeout) asks for the write lock:
#      how long it waited.
#   2. A cache of SCALE_PODCASTS x SCALE_EPISODES (2,000 x 500 = 1,000,000)
#      episodes written directly by bench/gen_cache.py: cache size per
#      episode, first paint of the TUI and its peak memory
#      (bench/first_paint.py), `podcue search` of a rare word, a common
#      word and a 4-letter prefix (whole command, median of 5), and
#      `podcue episodes` (text and --json) of every episode: time and peak
#      memory.
#   3. SCALE_FEEDS (1,000) feeds of which 5 are on hosts that accept the
#      connection and never answer (127.0.0.2-6): `podcue refresh` with
#      stall_timeout 5, against the timeout; newsboat beside it
#      (download-timeout 5). Then the interface refreshes the same feeds
#      (r) while keys go to it (bench/refresh_keys.py): how long each
#      answer took, against the same keys with nothing running.
# Prints a table: figure, peer, goal, met/MISSED.
#
# Knobs: BUILD (build), SCALE_BIG (5000), SCALE_PODCASTS (2000),
# SCALE_EPISODES (500), SCALE_FEEDS (1000), SCALE_NEWSBOAT (1; 0 skips it),
# SCALE_PARTS ("1 2 3": which of the parts above run), SCALE_KEEP_LIB (0; 1
# keeps the million-episode cache in $BUILD/bench for the next run).
set -eu

cd "$(dirname "$0")/.."
TOP=$(pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) B=$BUILD ;; *) B=$TOP/$BUILD ;; esac
PODCUE=$B/podcue
BIG=${SCALE_BIG:-5000}
NP=${SCALE_PODCASTS:-2000}
NE=${SCALE_EPISODES:-500}
NF=${SCALE_FEEDS:-1000}
USE_NB=${SCALE_NEWSBOAT:-1}
STALL=5
[ -x "$PODCUE" ] || { echo "scale: $PODCUE is missing" >&2; exit 1; }
command -v newsboat >/dev/null 2>&1 || USE_NB=0

TMP=$(mktemp -d "${TMPDIR:-/tmp}/podcue-scale.XXXXXX")
PIDS=
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null || :; done
	for p in $PIDS; do wait "$p" 2>/dev/null || :; done
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP
mkdir -p "$TMP/home/.config" "$TMP/home/.local/share" "$TMP/logs" "$TMP/www"
HOME=$TMP/home
XDG_CONFIG_HOME=$TMP/home/.config
XDG_DATA_HOME=$TMP/home/.local/share
export HOME XDG_CONFIG_HOME XDG_DATA_HOME
say() { printf '%s\n' "$*" >&2; }
: >"$TMP/rows"
# row FIGURE VALUE PEER GOAL MET: one line of the table.
row() { printf '%s\t%s\t%s\t%s\t%s\n' "$@" >>"$TMP/rows"; }

# measure LABEL CMD...: "wall cpu maxrss_kb rc" of CMD into $TMP/m.LABEL
measure() {
	python3 - "$TMP/m.$1" "$TMP/logs/$1.log" "$@" <<'PY' || :
import os, sys, time
out, log, label, cmd = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
# posix_spawn, not fork + exec: a forked copy of Python costs the child
# ~7 ms of wall and CPU before exec, which wait4 would count as podcue's.
t0 = time.monotonic()
pid = os.posix_spawnp(cmd[0], cmd, os.environ,
                      file_actions=[(os.POSIX_SPAWN_DUP2, fd, 1), (os.POSIX_SPAWN_DUP2, fd, 2)])
_, st, ru = os.wait4(pid, 0)
wall = time.monotonic() - t0
open(out, "w").write("%.3f %.3f %d %d\n" % (wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss,
                                           os.waitstatus_to_exitcode(st)))
sys.stderr.write("  %-16s %8.3f s wall %8.3f s cpu %7.1f MB\n"
                 % (label, wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024))
PY
}
m() { cut -d' ' -f"$2" "$TMP/m.$1" 2>/dev/null || echo nan; }
# nbm LABEL FIELD: newsboat's figure, or why there is none.
nbm() { if [ "$USE_NB" = 1 ]; then echo "newsboat $(m "$1" "$2") s"; else echo "newsboat not run"; fi; }
# goal A OP B: "met" or "MISSED" (A and B numbers; OP lt or le).
goal() { python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print('met' if a==a and (a<b if sys.argv[3]=='lt' else a<=b) else 'MISSED')" "$1" "$3" "$2"; }
mb() { python3 -c "print('%.1f MB' % ($1 / 1024))"; }

python3 tests/httpd.py --root "$TMP/www" --port 0 --port-file "$TMP/port" \
	--log "$TMP/http.log" >"$TMP/logs/httpd.log" 2>&1 &
PIDS="$PIDS $!"
i=0
while [ ! -s "$TMP/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
BASE=http://127.0.0.1:$(cat "$TMP/port")
printf 'set jobs 8\n' >"$TMP/podcue.conf"
printf 'set jobs 8\nset stall_timeout %s\nset connect_timeout %s\n' "$STALL" "$STALL" \
	>"$TMP/podcue-hang.conf"
printf 'reload-threads 8\n' >"$TMP/newsboat.conf"
printf 'reload-threads 8\ndownload-timeout %s\n' "$STALL" >"$TMP/newsboat-hang.conf"
PC="$PODCUE --config $TMP/podcue.conf"
# warm URL...: fetches each once, untimed: the server compresses each file
# version once (seconds for a 17 MB feed), as a static host would have.
warm() { for u in "$@"; do curl -s --compressed -o /dev/null "$u" || :; done; }

# ---- 1. one feed of BIG episodes -------------------------------------------
case " ${SCALE_PARTS:-1 2 3} " in *" 1 "*) ;; *) BIG=0 ;; esac
if [ "$BIG" -gt 0 ]; then
say "scale: a feed of $BIG episodes"
python3 bench/gen_library.py --out "$TMP/www/big" --base-url "$BASE/big/" --feeds 1 \
	--episodes "$BIG" --seed 1 2>/dev/null
cp -p "$TMP/www/big/feeds/"*.xml "$TMP/big-orig.xml"
warm $(cat "$TMP/www/big/urls.txt")
measure big_cold $PC --db "$TMP/big.db" import "$TMP/www/big/feeds.opml"
# The same items in a changed body (a comment at the end): what the parse
# of the feed costs a refresh when nothing needs storing.
for f in "$TMP/www/big/feeds/"*.xml; do echo '<!-- touched -->' >>"$f"; done
warm $(cat "$TMP/www/big/urls.txt")
measure big_parse $PC --db "$TMP/big.db" refresh
python3 bench/gen_library.py --out "$TMP/www/big" --base-url "$BASE/big/" --feeds 1 \
	--episodes "$BIG" --seed 1 --bump 1 --tag s1 2>/dev/null
warm $(cat "$TMP/www/big/urls.txt")
measure big_plus1 $PC --db "$TMP/big.db" refresh
echo "# $(tail -n 1 "$TMP/logs/big_plus1.log")" >&2
if [ "$USE_NB" = 1 ]; then
	cp -p "$TMP/big-orig.xml" "$TMP/www/big/feeds/"
	warm $(cat "$TMP/www/big/urls.txt")
	measure nb_big_cold newsboat -x reload -C "$TMP/newsboat.conf" -u "$TMP/www/big/urls.txt" \
		-c "$TMP/nb_big.cache"
	python3 bench/gen_library.py --out "$TMP/www/big" --base-url "$BASE/big/" --feeds 1 \
		--episodes "$BIG" --seed 1 --bump 1 --tag s2 2>/dev/null
	warm $(cat "$TMP/www/big/urls.txt")
	measure nb_big_plus1 newsboat -x reload -C "$TMP/newsboat.conf" -u "$TMP/www/big/urls.txt" \
		-c "$TMP/nb_big.cache"
fi
row "cold import, 1 feed x $BIG (CPU)" "$(m big_cold 2) s" \
	"$(nbm nb_big_cold 2)" "-" ""
row "  same items, body changed: refresh CPU (the parse)" "$(m big_parse 2) s" "-" "-" ""
LIM=$(python3 -c "print('%.2f' % ($(m big_parse 2) * 1.2 + 0.02))")
row "  then 1 new item: refresh CPU" "$(m big_plus1 2) s" "$(nbm nb_big_plus1 2)" \
	"the parse + one insert (under $LIM s)" "$(goal "$(m big_plus1 2)" le "$LIM")"

# Another writer while a fresh import stores the feed.
cat >"$TMP/writer.py" <<'PY'
import sqlite3, sys, time
db, n = sys.argv[1], int(sys.argv[2])
end = time.monotonic() + 300
while time.monotonic() < end:
    try:
        c = sqlite3.connect(db, timeout=5, isolation_level=None)
        k = c.execute("SELECT count(*) FROM episode").fetchone()[0]
        c.close()
        if k > 0:
            break
    except sqlite3.Error:
        pass
    time.sleep(0.005)
worst, tries, during, waits = 0.0, 0, 0, []
while True:
    c = sqlite3.connect(db, timeout=5, isolation_level=None)
    t0 = time.monotonic()
    try:
        c.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:
        print("nan 0 0"); sys.exit(0)
    w = time.monotonic() - t0
    k = c.execute("SELECT count(*) FROM episode").fetchone()[0]
    c.execute("COMMIT")
    c.close()
    if k >= n:
        break
    worst, tries, during = max(worst, w), tries + 1, during + 1
    waits.append(w)
    time.sleep(0.05)
waits.sort()
print("%.3f %d %.3f" % (worst, tries, waits[len(waits) // 2] if waits else float("nan")))
PY
cp -p "$TMP/big-orig.xml" "$TMP/www/big/feeds/"
warm $(cat "$TMP/www/big/urls.txt")
$PC --db "$TMP/big2.db" import "$TMP/www/big/feeds.opml" >"$TMP/logs/big2.log" 2>&1 &
IMP=$!
python3 "$TMP/writer.py" "$TMP/big2.db" "$BIG" >"$TMP/writer.out" 2>&1 || :
wait "$IMP" || :
read -r worst tries medw <"$TMP/writer.out" || worst=nan
say "  another writer during the store: longest wait $worst s, median $medw s over $tries tries"
row "another process's write while $BIG episodes store: longest wait, median ($tries tries)" \
	"$worst s, $medw s" "one transaction: the whole store ($(m big_cold 1) s wall)" "under 1 s" \
	"$([ "${tries:-0}" -gt 0 ] && goal "$worst" lt 1 || echo "n/a (no try during the store)")"

fi

# ---- 2. a million episodes ------------------------------------------------
case " ${SCALE_PARTS:-1 2 3} " in *" 2 "*) ;; *) NP=0 ;; esac
if [ "$NP" -gt 0 ]; then
N=$((NP * NE))
say "scale: a cache of $NP x $NE = $N episodes (bench/gen_cache.py)"
# SCALE_KEEP_LIB=1 keeps the generated cache in the build directory
# (about 1.2 GB) and uses it again next time: generating it takes minutes.
if [ "${SCALE_KEEP_LIB:-0}" = 1 ]; then LIB=$B/bench/scale-lib-${NP}x$NE.db; else LIB=$TMP/lib.db; fi
if [ -s "$LIB" ] && [ -s "$LIB.words" ]; then
	say "  (the cache kept in $LIB)"
	cp "$LIB.words" "$TMP/words.json"
else
	rm -f "$LIB" "$LIB-wal" "$LIB-shm"
	python3 bench/gen_cache.py --db "$LIB" --podcue "$PODCUE" --podcasts "$NP" \
		--episodes "$NE" >"$TMP/words.json" 2>"$TMP/logs/gen_cache.log"
	cat "$TMP/logs/gen_cache.log" >&2
	[ "${SCALE_KEEP_LIB:-0}" = 1 ] && cp "$TMP/words.json" "$LIB.words"
fi
w() { python3 -c "import json; print(json.load(open('$TMP/words.json'))['$1'])"; }
SIZE=$(stat -c %s "$LIB")
PER=$((SIZE / N))
NOTES=$(sqlite3 "$LIB" "SELECT (sum(length(notes_html)) + sum(length(notes_text))) / count(*),
	sum(length(notes_html)) / count(*) FROM episode" 2>/dev/null | tr '|' ' ')
row "cache size, $N episodes" "$((SIZE / 1048576)) MB, $PER bytes/episode" \
	"notes as HTML+text $(echo "$NOTES" | cut -d' ' -f1) B/ep, of which HTML $(echo "$NOTES" | cut -d' ' -f2)" \
	"(reported)" ""
python3 bench/first_paint.py --runs 5 --env TERM=tmux-256color --expect "Podcasts (" -- \
	$PC --db "$LIB" >"$TMP/paint.json" 2>"$TMP/logs/paint.log" || :
pm() { python3 -c "import json; d=json.load(open('$TMP/paint.json')); print(d['$1'])" 2>/dev/null || echo nan; }
say "  first paint $(cat "$TMP/paint.json" 2>/dev/null)"
row "first paint at $N episodes (median, min of 5)" "$(pm median_ms) ms, $(pm min_ms) ms" "-" \
	"under 50 ms (min)" "$(goal "$(pm min_ms)" lt 50)"
row "  peak memory of the TUI" "$(mb "$(pm peak_rss_kib)")" "-" "under 30 MB" \
	"$(goal "$(pm peak_rss_kib)" lt 30720)"
for q in rare common prefix; do
	word=$(w "$q")
	for r in 1 2 3 4 5; do
		measure "search_${q}_$r" $PC --db "$LIB" search "$word"
	done
	med=$(for r in 1 2 3 4 5; do m "search_${q}_$r" 1; done | sort -n | sed -n 3p)
	min=$(for r in 1 2 3 4 5; do m "search_${q}_$r" 1; done | sort -n | sed -n 1p)
	cpu=$(for r in 1 2 3 4 5; do m "search_${q}_$r" 2; done | sort -n | sed -n 3p)
	ms=$(python3 -c "print('%.1f ms, %.1f ms; CPU %.1f ms' % ($med * 1000, $min * 1000, $cpu * 1000))")
	row "podcue search, $q word '$word' (whole command: median, min of 5)" "$ms" "-" \
		"under 50 ms (min)" "$(goal "$(python3 -c "print($min * 1000)")" lt 50)"
done
# The search itself, in-process (db_search as the interface runs it, limit
# 50, median of 21): the whole command above adds the process start-up.
"$B/bench/search_bench" --db "$LIB" "$(w rare)" "$(w common)" "$(w prefix)" \
	>"$TMP/logs/inproc.log" 2>&1 || :
cat "$TMP/logs/inproc.log" >&2
for q in rare common prefix; do
	case $q in rare) k=1 ;; common) k=2 ;; prefix) k=3 ;; esac
	set -- $(sed -n "s/^RESULT query_$k //p" "$TMP/logs/inproc.log") nan nan
	row "  the search alone, in-process, $q word (median, min of 21)" "$1 ms, $2 ms" "-" \
		"under 50 ms" "$(goal "$1" lt 50)"
done
for r in 1 2 3 4 5; do measure "startup_$r" $PC --version; done
st=$(for r in 1 2 3 4 5; do m "startup_$r" 1; done | sort -n | sed -n 1p)
row "  (podcue --version, start-up alone: min of 5)" "$(python3 -c "print('%.1f ms' % ($st * 1000))")" \
	"-" "-" ""
measure episodes $PC --db "$LIB" episodes
measure episodes_json $PC --db "$LIB" episodes --json
lines=$(wc -l <"$TMP/logs/episodes.log")
row "podcue episodes, all $N ($lines lines)" "$(m episodes 1) s, $(mb "$(m episodes 3)")" "-" \
	"bounded memory (under 30 MB)" "$(goal "$(m episodes 3)" lt 30720)"
row "podcue episodes --json, all" "$(m episodes_json 1) s, $(mb "$(m episodes_json 3)")" "-" \
	"bounded memory (under 30 MB)" "$(goal "$(m episodes_json 3)" lt 30720)"
rm -f "$TMP/logs/episodes.log" "$TMP/logs/episodes_json.log"
[ "${SCALE_KEEP_LIB:-0}" = 1 ] || rm -f "$LIB" "$LIB-wal" "$LIB-shm"

fi

# ---- 3. many feeds, five hanging hosts --------------------------------------
case " ${SCALE_PARTS:-1 2 3} " in *" 3 "*) ;; *) NF=0 ;; esac
if [ "$NF" -gt 0 ]; then
NG=$((NF - 5))
say "scale: $NG feeds and 5 hanging hosts"
cat >"$TMP/hang.py" <<'PY'
import socket, sys, threading, time
port = int(sys.argv[1])
held = []
def serve(host):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, port))
    s.listen(64)
    while True:
        c, _ = s.accept()
        held.append(c)  # read nothing, answer nothing
for k in range(2, 7):
    threading.Thread(target=serve, args=("127.0.0.%d" % k,), daemon=True).start()
open(sys.argv[2], "w").write("ok\n")
time.sleep(100000)
PY
HP=$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])")
python3 "$TMP/hang.py" "$HP" "$TMP/hang.ready" >"$TMP/logs/hang.log" 2>&1 &
PIDS="$PIDS $!"
i=0
while [ ! -s "$TMP/hang.ready" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
python3 bench/gen_library.py --out "$TMP/www/many" --base-url "$BASE/many/" --feeds "$NG" \
	--episodes 3 --seed 2 2>/dev/null
cp "$TMP/www/many/urls.txt" "$TMP/many_urls.txt"
{
	sed '/<\/body>/d' "$TMP/www/many/feeds.opml"
	for k in 2 3 4 5 6; do
		printf '  <outline type="rss" text="hang %s" xmlUrl="http://127.0.0.%s:%s/feed.xml"/>\n' "$k" "$k" "$HP"
		printf 'http://127.0.0.%s:%s/feed.xml\n' "$k" "$HP" >>"$TMP/many_urls.txt"
	done
	echo '</body></opml>'
} >"$TMP/many.opml"
warm $(cat "$TMP/www/many/urls.txt")
PC="$PODCUE --config $TMP/podcue-hang.conf"
measure many_import $PC --db "$TMP/many.db" import "$TMP/many.opml"
measure many_refresh $PC --db "$TMP/many.db" refresh
echo "# $(tail -n 1 "$TMP/logs/many_refresh.log")" >&2
if [ "$USE_NB" = 1 ]; then
	newsboat -x reload -C "$TMP/newsboat-hang.conf" -u "$TMP/many_urls.txt" -c "$TMP/nb_many.cache" \
		>/dev/null 2>&1 || :
	measure nb_many newsboat -x reload -C "$TMP/newsboat-hang.conf" -u "$TMP/many_urls.txt" \
		-c "$TMP/nb_many.cache"
fi
row "import of $NF feeds, 5 hanging (stall_timeout $STALL s)" "$(m many_import 1) s" \
	"-" "-" ""
row "refresh of $NF feeds, 5 hanging" "$(m many_refresh 1) s" "$(nbm nb_many 1)" \
	"within the timeout + 3 s ($((STALL + 3)) s)" "$(goal "$(m many_refresh 1)" le $((STALL + 3)))"
# The interface during the same refresh: keys answered while it runs.
python3 bench/refresh_keys.py "$PODCUE" "$TMP/podcue-hang.conf" "$TMP/many.db" $((STALL + 30)) \
	>"$TMP/logs/refresh_keys.log" 2>&1 || :
cat "$TMP/logs/refresh_keys.log" >&2
set -- $(sed -n 's/^RESULT refresh_keys //p' "$TMP/logs/refresh_keys.log") nan 0 nan nan nan nan
row "TUI during that refresh (r): keys answered, longest answer (median)" \
	"$2 keys, $4 ms ($3 ms); refresh $1 s" "idle: $6 ms ($5 ms)" "under 100 ms" \
	"$( [ "$2" -gt 0 ] && goal "$4" lt 100 || echo MISSED)"

fi

# ---- report --------------------------------------------------------------------
echo
echo "podcue scale bench (issue 21); machine: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "(latency goals are judged on the best of 5 runs: a loaded machine inflates the median)"
python3 - "$TMP/rows" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
hdr = ["figure", "podcue", "peer / before", "goal", "met?"]
w = [max(len(r[i]) for r in rows + [hdr]) for i in range(5)]
fmt = "| " + " | ".join("%%-%ds" % x for x in w) + " |"
print(fmt % tuple(hdr))
print("|" + "|".join("-" * (x + 2) for x in w) + "|")
for r in rows:
    print(fmt % tuple(r))
PY
