#!/bin/sh
# bench/run.sh - `make bench`: podcue against the raw limit and newsboat.
# Never part of `make check`. POSIX sh + python3 (stdlib only).
#
# Expects $BUILD/podcue and $BUILD/bench/{rawlimit,chapnotes_bench,
# search_bench,chapter_jump} (BUILD from the environment, default build;
# `make BUILD=dir bench` builds them there first and passes BUILD on).
#
# What it does, all under one mktemp -d directory (removed at exit):
#   1. starts tests/httpd.py on 127.0.0.1 (ETag, Last-Modified, gzip;
#      stopped at exit) and generates seeded libraries with
#      bench/gen_library.py: 300 feeds x 100 episodes (headline) and 300 x 10;
#   2. per repetition: podcue cold refresh (fresh cache, `podcue import`),
#      warm refresh (all 304), refresh after 30 of 300 feeds gained one item,
#      the raw limit (build/bench/rawlimit), and the 300 x 10 case;
#   3. newsboat on the same feeds (installed with apt-get when missing and
#      run as root; otherwise its columns are skipped with a note);
#   4. first paint of the TUI at 10, 10,000 and 100,000 episodes: each
#      library is generated, served, and put into a podcue cache by `podcue
#      import` and into a newsboat cache by `newsboat -x reload`; then
#      bench/first_paint.py times podcue (PODCUE_EXIT_AFTER_PAINT=1) and
#      newsboat (until "Your feeds" appears) on a 120x40 pty with
#      TERM=tmux-256color, with CPU time and peak RSS;
#   5. search latency on search_bench's own 500 x 200 library (100,000
#      episodes), chapter-jump latency (chapter_jump), and chapter
#      extraction throughput (chapnotes_bench);
#   6. prints one table: median (min-max) wall time, CPU (user+sys of the
#      child, from wait4) and peak RSS, ratios, goals and whether each is met.
#
# Knobs (environment): BUILD (build), BENCH_REPS (3), BENCH_NB_REPS (2),
# BENCH_FEEDS (300), BENCH_EPISODES (100), BENCH_SEED (1), BENCH_PAINT_RUNS
# (7), BENCH_NB_PAINT_RUNS (3; 2 for the largest library), BENCH_PAINT
# ("1x10 50x200 500x200": podcasts x episodes per first-paint library),
# BENCH_SEARCH ("500 200"; "" skips search_bench), BENCH_NEWSBOAT (1; 0
# skips newsboat).
set -eu

cd "$(dirname "$0")/.."
TOP=$(pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) B=$BUILD ;; *) B=$TOP/$BUILD ;; esac
PODCUE=$B/podcue
RAW=$B/bench/rawlimit
CHB=$B/bench/chapnotes_bench
SEARCHB=$B/bench/search_bench
JUMPB=$B/bench/chapter_jump
REPS=${BENCH_REPS:-3}
NB_REPS=${BENCH_NB_REPS:-2}
FEEDS=${BENCH_FEEDS:-300}
EPS=${BENCH_EPISODES:-100}
SEED=${BENCH_SEED:-1}
PAINT_RUNS=${BENCH_PAINT_RUNS:-7}
NB_PAINT_RUNS=${BENCH_NB_PAINT_RUNS:-3}
PAINT_LIBS=${BENCH_PAINT-1x10 50x200 500x200}
SEARCH_ARGS=${BENCH_SEARCH-500 200}
USE_NB=${BENCH_NEWSBOAT:-1}
SMALL_EPS=10
CHANGED=$((FEEDS / 10))
[ "$CHANGED" -ge 1 ] || CHANGED=1

for b in "$PODCUE" "$RAW" "$CHB" "$SEARCHB" "$JUMPB"; do
	if [ ! -x "$b" ]; then
		echo "bench: $b is missing (run: make BUILD=$BUILD bench)" >&2
		exit 1
	fi
done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/podcue-bench.XXXXXX")
SRV=
cleanup() {
	if [ -n "$SRV" ]; then
		kill "$SRV" 2>/dev/null || :
		wait "$SRV" 2>/dev/null || :
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# Nothing from the user's home: podcue and newsboat see an empty one.
mkdir -p "$TMP/home/.config" "$TMP/home/.local/share" "$TMP/home/.cache" "$TMP/logs"
HOME=$TMP/home
XDG_CONFIG_HOME=$TMP/home/.config
XDG_DATA_HOME=$TMP/home/.local/share
XDG_CACHE_HOME=$TMP/home/.cache
export HOME XDG_CONFIG_HOME XDG_DATA_HOME XDG_CACHE_HOME
: >"$TMP/notes"

say() { printf '%s\n' "$*" >&2; }
note() { printf '%s\n' "$*" >>"$TMP/notes"; say "bench: $*"; }
# measure LABEL CMD...: runs CMD (output to $TMP/logs/LABEL.log), appends
# "LABEL wall cpu maxrss_kb server_cpu rc t_start t_end" to $TMP/results.
# wall is from fork to wait4, cpu/maxrss are that child's own rusage,
# server_cpu is the loopback server's CPU time during the run (from /proc),
# t_start/t_end are epoch seconds (to match the server's request log).
MEASURE='
import os, sys, time
results, label, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
log = os.path.join(os.path.dirname(results), "logs", label + ".log")
srv = int(os.environ.get("BENCH_SRV_PID") or 0)
tck = os.sysconf("SC_CLK_TCK")
def srv_cpu():
    try:
        with open("/proc/%d/stat" % srv) as fh:
            f = fh.read().rsplit(")", 1)[1].split()
        return (int(f[11]) + int(f[12])) / tck
    except (OSError, ValueError, IndexError):
        return -1.0
s0 = srv_cpu()
fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
e0 = time.time()
t0 = time.monotonic()
pid = os.fork()
if pid == 0:
    try:
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.execvp(cmd[0], cmd)
    finally:
        os._exit(127)
_, st, ru = os.wait4(pid, 0)
wall = time.monotonic() - t0
e1 = time.time()
s1 = srv_cpu()
os.close(fd)
rc = os.waitstatus_to_exitcode(st)
with open(results, "a") as fh:
    fh.write("%s %.4f %.4f %d %.3f %d %.4f %.4f\n" % (label, wall, ru.ru_utime + ru.ru_stime,
             ru.ru_maxrss, (s1 - s0) if s0 >= 0 and s1 >= 0 else -1, rc, e0, e1))
sys.stderr.write("  %-14s %7.3f s wall %7.3f s cpu%s\n" % (label, wall,
                 ru.ru_utime + ru.ru_stime, "" if rc == 0 else "  (exit %d)" % rc))
'
measure() {
	python3 -c "$MEASURE" "$TMP/results" "$@" || :
}

# ---- server ----------------------------------------------------------------
mkdir -p "$TMP/www"
# The request log (one JSON line per request, with start/end times) lets
# the report split a podcue refresh into its feed and chapter-file phases.
python3 tests/httpd.py --root "$TMP/www" --port 0 --port-file "$TMP/port" \
	--log "$TMP/http.log" &
SRV=$!
BENCH_SRV_PID=$SRV
export BENCH_SRV_PID
i=0
while [ ! -s "$TMP/port" ]; do
	i=$((i + 1))
	if [ "$i" -gt 100 ] || ! kill -0 "$SRV" 2>/dev/null; then
		say "bench: tests/httpd.py did not start"
		exit 1
	fi
	sleep 0.1 2>/dev/null || sleep 1
done
BASE=http://127.0.0.1:$(cat "$TMP/port")

LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
T_START=$(date +%s)

# ---- library -----------------------------------------------------------------
say "bench: generating ${FEEDS}x${EPS} and ${FEEDS}x${SMALL_EPS} libraries (seed $SEED) in $TMP"
python3 bench/gen_library.py --out "$TMP/www/big" --base-url "$BASE/big/" \
	--feeds "$FEEDS" --episodes "$EPS" --seed "$SEED" 2>"$TMP/gen_big.txt"
python3 bench/gen_library.py --out "$TMP/www/small" --base-url "$BASE/small/" \
	--feeds "$FEEDS" --episodes "$SMALL_EPS" --seed "$SEED" 2>"$TMP/gen_small.txt"
mkdir -p "$TMP/orig"
cp -p "$TMP/www/big/feeds/"*.xml "$TMP/orig/"
printf 'set jobs 8\n' >"$TMP/podcue.conf"
printf 'reload-threads 8\n' >"$TMP/newsboat.conf"
# Flush the generated files now, so no run pays for their writeback.
sync

bump() { # bump TAG: CHANGED feeds gain one new item (new body, new ETag)
	python3 bench/gen_library.py --out "$TMP/www/big" --base-url "$BASE/big/" \
		--feeds "$FEEDS" --episodes "$EPS" --seed "$SEED" --bump "$CHANGED" --tag "$1"
}
restore() { # the original files, same bytes and mtime (so the same ETag)
	cp -p "$TMP/orig/"*.xml "$TMP/www/big/feeds/"
}
freshdb() { # freshdb FILE...: databases (and their -wal, -shm, -journal, .lock) gone
	for f in "$@"; do
		rm -f "$f" "$f-wal" "$f-shm" "$f-journal" "$f.lock"
	done
	sync
}

BIG_OPML=$TMP/www/big/feeds.opml
BIG_URLS=$TMP/www/big/urls.txt
SMALL_OPML=$TMP/www/small/feeds.opml
SMALL_URLS=$TMP/www/small/urls.txt
PDB=$TMP/podcue.db
PCONF=$TMP/podcue.conf

# Warm-up (untimed): server code paths and page cache.
# The server compresses each file version once; this also fills that cache.
"$RAW" "$BIG_URLS" "$TMP/warmup.db" 2>"$TMP/logs/warmup.log" || :
freshdb "$TMP/warmup.db"
"$RAW" "$SMALL_URLS" "$TMP/warmup.db" 2>>"$TMP/logs/warmup.log" || :
freshdb "$TMP/warmup.db"

# ---- podcue and the raw limit, interleaved per repetition ------------------
say "bench: podcue and raw limit, $REPS repetitions"
r=1
while [ "$r" -le "$REPS" ]; do
	freshdb "$PDB"
	measure cold_big "$PODCUE" --db "$PDB" --config "$PCONF" import "$BIG_OPML"
	measure warm_big "$PODCUE" --db "$PDB" --config "$PCONF" refresh --jobs 8
	bump "r$r"
	measure changed_big "$PODCUE" --db "$PDB" --config "$PCONF" refresh --jobs 8
	restore
	freshdb "$PDB"
	measure raw_big "$RAW" -j 8 "$BIG_URLS" "$TMP/raw.db"
	freshdb "$TMP/raw.db"
	measure cold_small "$PODCUE" --db "$PDB" --config "$PCONF" import "$SMALL_OPML"
	freshdb "$PDB"
	measure raw_small "$RAW" -j 8 "$SMALL_URLS" "$TMP/raw.db"
	freshdb "$TMP/raw.db"
	r=$((r + 1))
done

# ---- newsboat ----------------------------------------------------------------
# Installed here when missing and we are root (Debian package); otherwise
# the newsboat columns are skipped with a note.
NB=none
if [ "$USE_NB" = 1 ] && ! command -v newsboat >/dev/null 2>&1; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		say "bench: installing newsboat (apt-get)"
		{ DEBIAN_FRONTEND=noninteractive apt-get install -y -q newsboat ||
			{ apt-get update -q && DEBIAN_FRONTEND=noninteractive \
				apt-get install -y -q newsboat; }; } >"$TMP/logs/apt.log" 2>&1 ||
			note "newsboat could not be installed (see apt-get); its columns are skipped"
	else
		note "newsboat is not installed and this is not root: its columns are skipped"
	fi
fi
if [ "$USE_NB" = 1 ] && command -v newsboat >/dev/null 2>&1; then
	NB=$(newsboat --version 2>/dev/null | head -n 1 | cut -d' ' -f1-2)
fi
[ "$USE_NB" = 1 ] || note "BENCH_NEWSBOAT=0: newsboat skipped"
NBCONF=$TMP/newsboat.conf
if [ "$NB" != none ]; then
	NBC=$TMP/nb.cache
	say "bench: $NB, $NB_REPS repetitions"
	r=1
	while [ "$r" -le "$NB_REPS" ]; do
		freshdb "$NBC"
		rm -f "$NBC.lock"
		measure nb_cold_big newsboat -x reload -C "$NBCONF" -u "$BIG_URLS" -c "$NBC"
		freshdb "$TMP/nb10.cache"
		measure nb_cold_small newsboat -x reload -C "$NBCONF" -u "$SMALL_URLS" -c "$TMP/nb10.cache"
		r=$((r + 1))
	done
	# newsboat stores validators only from its second fetch of a feed
	# (newsboat issue #2734), so one untimed reload first.
	newsboat -x reload -C "$NBCONF" -u "$BIG_URLS" -c "$NBC" >"$TMP/logs/nb_prime.log" 2>&1 || :
	r=1
	while [ "$r" -le "$NB_REPS" ]; do
		measure nb_warm_big newsboat -x reload -C "$NBCONF" -u "$BIG_URLS" -c "$NBC"
		r=$((r + 1))
	done
	r=1
	while [ "$r" -le "$NB_REPS" ]; do
		bump "n$r"
		measure nb_changed_big newsboat -x reload -C "$NBCONF" -u "$BIG_URLS" -c "$NBC"
		r=$((r + 1))
	done
	restore
	freshdb "$NBC" "$TMP/nb10.cache"
fi

# ---- first paint of the TUI ----------------------------------------------------
# paint LABEL RUNS ARGS... : bench/first_paint.py, one JSON line kept as
# "LABEL {json}" in $TMP/paint (nothing on failure: the log says why).
paint() {
	label=$1
	runs=$2
	shift 2
	if python3 bench/first_paint.py --runs "$runs" --env TERM=tmux-256color "$@" \
		>"$TMP/logs/$label.json" 2>"$TMP/logs/$label.log"; then
		printf '%s %s\n' "$label" "$(cat "$TMP/logs/$label.json")" >>"$TMP/paint"
		say "  $label $(cat "$TMP/logs/$label.json")"
	else
		note "$label failed: $(tail -n 3 "$TMP/logs/$label.log" | tr '\n' ' ')"
	fi
}
: >"$TMP/paint"
largest=
for lib in $PAINT_LIBS; do largest=$lib; done
for lib in $PAINT_LIBS; do
	np=${lib%x*}
	ne=${lib#*x}
	n=$((np * ne))
	say "bench: first paint, $np x $ne = $n episodes"
	python3 bench/gen_library.py --out "$TMP/www/p$n" --base-url "$BASE/p$n/" \
		--feeds "$np" --episodes "$ne" --seed "$SEED" 2>"$TMP/gen_p$n.txt"
	sync
	# The caches, each filled by its program's own refresh of the same feeds
	# (timed once: the figures of the largest go into the table).
	measure "import_p$n" "$PODCUE" --db "$TMP/p$n.db" --config "$PCONF" import \
		"$TMP/www/p$n/feeds.opml"
	paint "paint_pc_$n" "$PAINT_RUNS" --expect "Podcasts (" -- \
		"$PODCUE" --db "$TMP/p$n.db" --config "$PCONF"
	if [ "$NB" != none ]; then
		measure "nbload_p$n" newsboat -x reload -C "$NBCONF" -u "$TMP/www/p$n/urls.txt" -c "$TMP/nb_p$n.cache"
		runs=$NB_PAINT_RUNS
		if [ "$lib" = "$largest" ] && [ "$runs" -gt 2 ]; then
			runs=2 # about 40 s a run at 100,000 episodes
		fi
		paint "paint_nb_$n" "$runs" --until "Your feeds" --timeout 300 -- \
			newsboat -C "$NBCONF" -u "$TMP/www/p$n/urls.txt" \
			-c "$TMP/nb_p$n.cache"
	fi
	# The next library needs the room more than this one.
	freshdb "$TMP/p$n.db" "$TMP/nb_p$n.cache"
	rm -rf "$TMP/www/p$n"
done
printf '%s\n' "$PAINT_LIBS" >"$TMP/paint_libs"

# ---- search, chapter jumps, chapter extraction ---------------------------------
if [ -n "$SEARCH_ARGS" ]; then
	say "bench: search_bench $SEARCH_ARGS (builds its own library)"
	# shellcheck disable=SC2086 # two numbers
	measure search "$SEARCHB" $SEARCH_ARGS "$TMP"
fi
say "bench: chapter_jump"
measure chapjump "$JUMPB"
say "bench: chapnotes_bench"
measure chapnotes "$CHB" "$TMP/www/big/feeds"
say "bench: transcript search (own figures below)" && sh "$TOP/bench/transcript_search.sh" "$B" >&2

T_END=$(date +%s)
LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- report ----------------------------------------------------------------
python3 - "$TMP" "$FEEDS" "$EPS" "$SMALL_EPS" "$CHANGED" "$REPS" "$NB_REPS" "$NB" \
	"$LOAD0" "$LOAD1" "$((T_END - T_START))" "$PAINT_RUNS" "$NB_PAINT_RUNS" \
	"$SEARCH_ARGS" <<'EOF'
import json, os, re, statistics, sys

(tmp, feeds, eps, seps, changed, reps, nbreps, nb, load0, load1, secs, paint_runs,
 nb_paint_runs, search_args) = sys.argv[1:]
feeds, eps, seps, changed = int(feeds), int(eps), int(seps), int(changed)
have_nb = nb != "none"

def read(name):
    try:
        return open(os.path.join(tmp, name), errors="replace").read()
    except OSError:
        return ""

def log(label):
    return read(os.path.join("logs", label + ".log"))

runs = {}
for line in read("results").splitlines():
    lab, wall, cpu, rss, scpu, rc, e0, e1 = line.split()
    runs.setdefault(lab, []).append((float(wall), float(cpu), int(rss), float(scpu), int(rc),
                                     float(e0), float(e1)))
paint = {}
for line in read("paint").splitlines():
    lab, js = line.split(" ", 1)
    paint[lab] = json.loads(js)
libs = []
for lib in read("paint_libs").split():
    np_, ne = (int(x) for x in lib.split("x"))
    libs.append((np_, ne, np_ * ne))

# Server request log: which requests fell inside each run.
reqs = []
for l in read("http.log").splitlines():
    try:
        r = json.loads(l)
        reqs.append((r["t0"], r["t1"], r["path"]))
    except (ValueError, KeyError):
        continue

def phases(label):
    """Per run: (seconds from start to the last feed response, number of
    chapter-file requests, first chapter request and last chapter
    response in seconds from the start)."""
    out = []
    for x in runs.get(label, []):
        e0, e1 = x[5], x[6]
        inside = [r for r in reqs if e0 <= r[0] <= e1]
        fe = [r[1] for r in inside if "/feeds/" in r[2]]
        ch = [r for r in inside if "/chapters/" in r[2]]
        out.append((max(fe) - e0 if fe else 0.0, len(ch),
                    min(r[0] for r in ch) - e0 if ch else 0.0,
                    max(r[1] for r in ch) - e0 if ch else 0.0))
    return out

def med(label, k=0):
    v = [x[k] for x in runs.get(label, [])]
    return statistics.median(v) if v else None

def fails(label):
    return sum(1 for x in runs.get(label, []) if x[4] != 0)

def wall_cell(label):
    v = [x[0] for x in runs.get(label, [])]
    if not v:
        return "-"
    if len(v) == 1:
        return "%.2f s (1 run)" % v[0]
    return "%.2f s (%.2f–%.2f)" % (statistics.median(v), min(v), max(v))

def cpu_cell(label):
    m = med(label, 1)
    return "-" if m is None else "%.2f s" % m

def mb(kib):
    return "%.1f MB" % (kib / 1024) if kib < 100 * 1024 else "%.0f MB" % (kib / 1024)

def rss_cell(label):
    m = med(label, 2)
    return "-" if m is None else mb(m)

def ratio(a, b, x=None):
    x, y = med(a) if x is None else x, med(b)
    if x is None or y is None or y == 0:
        return "-"
    return "%.2f×" % (x / y)

def faster(x, y):
    """x's time against y's, as the ratio cell of a faster x."""
    if x is None or y is None or x <= 0 or y <= 0:
        return "-"
    if y / x >= 2:
        return "%.3g× (%.0f× faster)" % (x / y, y / x)
    return "%.2f×" % (x / y)

def sizes(name):
    m = re.search(r"([0-9.]+) MB of XML", read(name))
    return m.group(1) if m else "?"

def results(label):
    """RESULT key median min max unit lines of a log."""
    res = {}
    for m in re.finditer(r"^RESULT (\S+) (\S+) (\S+) (\S+) (\S+)$", log(label), re.M):
        res[m.group(1)] = tuple(float(m.group(i)) for i in (2, 3, 4))
    return res

rows = []
def add(*cells):
    rows.append(tuple(cells) + ("",) * (8 - len(cells)))

def row(name, label, raw="-", nbr="-", goal="", met=""):
    if fails(label):
        met = (met + " " if met else "") + "(%d failed runs)" % fails(label)
    add(name, wall_cell(label), cpu_cell(label), rss_cell(label), raw, nbr, goal, met)

def yes(ok):
    return "met" if ok else "MISSED"

big = "%d×%d" % (feeds, eps)
small = "%d×%d" % (feeds, seps)
nbcol = (lambda a, b: ratio(a, b)) if have_nb else (lambda a, b: "n/a")

# -- refresh
cold, rawb, nbcold = med("cold_big"), med("raw_big"), med("nb_cold_big")
row("podcue cold refresh " + big, "cold_big", ratio("cold_big", "raw_big"),
    faster(cold, nbcold) if have_nb else "n/a", "within 2× of the raw limit",
    yes(cold is not None and rawb and cold <= 2 * rawb and not fails("cold_big")))
if have_nb:
    add("  the same against newsboat", "", "", "", "", faster(cold, nbcold),
        "at least 5× faster than newsboat",
        yes(cold is not None and nbcold is not None and nbcold >= 5 * cold))
ph = phases("cold_big")
if ph and any(p[0] for p in ph):
    v = [p[0] for p in ph]
    add("  its last feed answered (server log; %.0f chapter files alongside)" %
        statistics.median(p[1] for p in ph),
        "%.2f s (%.2f–%.2f)" % (statistics.median(v), min(v), max(v)), "-", "-",
        ratio(None, "raw_big", statistics.median(v)), "-", "(diagnostic)")
warm = med("warm_big")
row("podcue warm refresh %s (all 304)" % big, "warm_big", "n/a",
    nbcol("warm_big", "nb_warm_big"), "under 0.5 s",
    yes(warm is not None and warm < 0.5 and not fails("warm_big")))
row("podcue refresh, %d of %d feeds +1 item" % (changed, feeds), "changed_big", "n/a",
    nbcol("changed_big", "nb_changed_big"))
row("podcue cold refresh " + small, "cold_small", ratio("cold_small", "raw_small"),
    nbcol("cold_small", "nb_cold_small"))
row("raw limit cold " + big, "raw_big", "1.00×")
row("raw limit cold " + small, "raw_small", "1.00×")
if have_nb:
    row("newsboat cold " + big, "nb_cold_big", ratio("nb_cold_big", "raw_big"), "1.00×")
    row("newsboat warm %s (all 304)" % big, "nb_warm_big", "n/a", "1.00×")
    row("newsboat, %d of %d feeds +1 item" % (changed, feeds), "nb_changed_big", "n/a", "1.00×")
    row("newsboat cold " + small, "nb_cold_small", ratio("nb_cold_small", "raw_small"), "1.00×")
else:
    add("newsboat: not run (see the notes below)", "-", "-", "-", "-", "-")

# -- first paint
def pcell(lab):
    p = paint.get(lab)
    if not p:
        return "-", "-", "-"
    return ("%.1f ms (%.1f–%.1f)" % (p["median_ms"], p["min_ms"], p["max_ms"]),
            "%.1f ms" % p["cpu_ms"], mb(p["peak_rss_kib"]))

def pmed(lab):
    p = paint.get(lab)
    return p["median_ms"] if p else None

first = libs[0][2] if libs else None
lastn = libs[-1][2] if libs else None
for np_, ne, n in libs:
    pc, nbl = "paint_pc_%d" % n, "paint_nb_%d" % n
    w, c, r = pcell(pc)
    x, y = pmed(pc), pmed(nbl)
    # The goals are about the largest library (a start-up of ~10 ms is all
    # either program does at 10 episodes).
    goal = have_nb and n == lastn
    add("podcue first paint, %s episodes (%d×%d)" % (format(n, ","), np_, ne), w, c, r, "n/a",
        faster(x, y) if have_nb else "n/a",
        "at least 10× faster than newsboat" if goal else "",
        yes(x is not None and y is not None and y >= 10 * x) if goal else "")
    if n == lastn:
        add("  the same, time", w, "", "", "", "", "under 50 ms", yes(x is not None and x < 50))
        if first is not None and first != n:
            x0 = pmed("paint_pc_%d" % first)
            d = None if x is None or x0 is None else x - x0
            add("  the same, minus first paint at %s episodes" % format(first, ","),
                "-" if d is None else "%+.1f ms" % d, "", "", "", "",
                "no more than 10 ms slower", yes(d is not None and d <= 10))
        peak = [paint[l]["peak_rss_kib"] for l in paint if l.startswith("paint_pc_")]
        add("  peak RSS of the TUI, largest of all sizes", "", "",
            mb(max(peak)) if peak else "-", "", "", "peak memory under 30 MB",
            yes(bool(peak) and max(peak) < 30 * 1024))
if have_nb:
    for np_, ne, n in libs:
        w, c, r = pcell("paint_nb_%d" % n)
        add("newsboat first paint, %s episodes" % format(n, ","), w, c, r, "n/a", "1.00×")
if libs:
    np_, ne, n = libs[-1]
    row("podcue cold import %d×%d (builds the %s-episode cache)" % (np_, ne, format(n, ",")),
        "import_p%d" % n, "n/a",
        faster(med("import_p%d" % n), med("nbload_p%d" % n)) if have_nb else "n/a")
    if have_nb:
        row("newsboat reload %d×%d (builds its cache)" % (np_, ne), "nbload_p%d" % n, "n/a",
            "1.00×")

# -- search
sr = results("search")
if search_args:
    qs = {k: v for k, v in sr.items() if k.startswith("search_") and k != "search_all"}
    npod, neps = (int(x) for x in search_args.split())
    nm = format(npod * neps, ",")
    if "search_all" in sr:
        a, lo, hi = sr["search_all"]
        add("search at %s episodes: %d queries × 21 runs" % (nm, len(qs)),
            "%.2f ms (%.2f–%.2f)" % (a, lo, hi), "-", "-", "-", "n/a")
    if qs:
        k = max(qs, key=lambda q: qs[q][0])
        a, lo, hi = qs[k]
        add("  slowest query (%s)" % k[len("search_"):], "%.2f ms (%.2f–%.2f)" % (a, lo, hi),
            "-", "-", "-", "n/a", "under 20 ms (every query)", yes(a < 20))
    else:
        add("search_bench: no result (see its log)", "-", "-", "-", "-", "-")

# -- chapter jumps
cj = results("chapjump")
for key, name in (("local_m4a", "local M4A"), ("local_mp3", "local MP3"),
                  ("http_m4a", "loopback HTTP M4A"), ("http_mp3", "loopback HTTP MP3")):
    v = cj.get("chapter_jump_" + key)
    if v:
        add("chapter jump, %s (seek to PLAYER_EV_SEEKED)" % name,
            "%.2f ms (%.2f–%.2f)" % v, "-", "-", "-", "n/a")
if not cj:
    add("chapter_jump: no result (see its log)", "-", "-", "-", "-", "-")

# -- chapter extraction
res = results("chapnotes")
def crow(name, key, goal=True):
    if key not in res:
        add(name, "-", "-", "-", "-", "-", "", "no result")
        return
    a, lo, hi = res[key]
    add(name, "%.2f ms (%.2f–%.2f)" % (a, lo, hi), "-", "-", "-", "n/a",
        "1 MB show note parses in milliseconds (< 50 ms)" if goal else "",
        yes(a < 50.0) if goal else "")
if "all_notes" in res:
    a, lo, hi = res["all_notes"]
    mbps = res.get("all_notes_mbps", (0,))[0]
    add("chapter extraction, all %d generated notes (%.0f MB/s)" % (feeds * eps, mbps),
        "%.0f ms (%.0f–%.0f)" % (a, lo, hi), "-", "-", "-", "n/a")
crow("chapnotes_parse, 1 MB note: list + prose", "note_1mb")
crow("chapnotes_parse, 1 MB note: glued one line", "note_1mb_glued")
crow("chapnotes_parse, 1 MB note: prose only", "note_1mb_prose")
crow("html_to_text + chapnotes_parse, 1 MB HTML note", "note_1mb_html", goal=False)

hdr = ("workload", "wall median (min–max)", "CPU", "peak RSS", "ratio to raw limit",
       "ratio to newsboat", "goal", "met?")
w = [max(len(r[i]) for r in rows + [hdr]) for i in range(len(hdr))]
def line(r):
    return "| " + " | ".join(c.ljust(w[i]) for i, c in enumerate(r)) + " |"

print()
print("podcue bench: %s feeds (%s MB of RSS) and %s (%s MB), loopback tests/httpd.py, "
      "--jobs 8; podcue/raw %s runs, newsboat %s runs" % (big, sizes("gen_big.txt"), small,
      sizes("gen_small.txt"), reps, nbreps if have_nb else "0"))
print("first paint: podcue %s runs a size, newsboat %s (2 at the largest); %s" % (
      paint_runs, nb_paint_runs, nb if have_nb else "newsboat not run"))
print("machine: %d CPUs, load average %s at start, %s at end; bench took %s s" % (
    os.cpu_count(), load0, load1, secs))
print()
print(line(hdr))
print("|" + "|".join("-" * (x + 2) for x in w) + "|")
for r in rows:
    print(line(r))
print()
print("CPU = user+sys of the measured process (wait4), median; peak RSS = its ru_maxrss, median")
print("  (first paint: max over runs). Ratios: median wall / median wall, \"N× faster\" its")
print("  inverse; n/a = no counterpart (the raw limit has no conditional GET, TUI or search).")
print("Raw limit = rawlimit: libcurl multi (8 at once, gzip), xmlReadMemory, title/guid/enclosure")
print("  only, one SQLite transaction; no notes, chapters, search index or conditional GET.")
print("podcue's refresh also fetches the Podcasting 2.0 chapter files of the 5 newest episodes of")
print("  each podcast (same fetcher, queued as each feed is stored); raw limit and newsboat do not.")
print("First paint: bench/first_paint.py on a 120x40 pty, TERM=tmux-256color; podcue with")
print("  PODCUE_EXIT_AFTER_PAINT=1 (fork to exit after its first screen), newsboat until")
print("  \"Your feeds\" is on screen. Each library: gen_library.py, served by httpd.py, loaded")
print("  into each program's cache by its own refresh (podcue import, newsboat -x reload).")
if search_args:
    print("Search: search_bench %s builds its own cache through db.h (Zipf-distributed words,"
          % search_args)
    print("  chapters, played states), reopens it and times db_search, limit 50, 21 runs a query.")
print("Chapter jump: chapter_jump, 60-minute files with a chapter a minute, 30 jumps each, ao=null.")

def srv(label):
    v = [x[3] for x in runs.get(label, []) if x[3] >= 0]
    return "%.2f s" % statistics.median(v) if v else "-"
print()
print("loopback server (python; gzip level 9 once per file version, then cached) CPU per run, median: podcue cold %s, raw limit %s,"
      % (srv("cold_big"), srv("raw_big")))
print("  podcue warm %s, podcue changed %s%s" % (srv("warm_big"), srv("changed_big"),
      (", newsboat cold %s" % srv("nb_cold_big")) if have_nb else ""))

def last(pattern, label):
    m = re.findall(pattern, log(label))
    return m[-1] if m else "(no summary)"
print()
print("checks (last run of each):")
summ = r"\d+ feeds: [^\n]*"
print("  podcue cold %s: %s" % (big, last(summ, "cold_big")))
print("  podcue warm %s: %s" % (big, last(summ, "warm_big")))
print("  podcue changed: %s" % last(summ, "changed_big"))
print("  podcue cold %s: %s" % (small, last(summ, "cold_small")))
for np_, ne, n in libs:
    print("  podcue import %d×%d: %s" % (np_, ne, last(summ, "import_p%d" % n)))
print("  %s" % last(r"rawlimit: [^\n]*", "raw_big"))
print("  %s" % last(r"rawlimit: [^\n]*", "raw_small"))
print()
print("podcue cold refresh, from the server's request log (median):")
for lab, name in (("cold_big", big), ("cold_small", small)):
    ph = phases(lab)
    if ph:
        print("  %s: last feed answered at %.2f s; %d chapter files, first requested at %.2f s,"
              " last answered at %.2f s" % (name, statistics.median(p[0] for p in ph),
              statistics.median(p[1] for p in ph), statistics.median(p[2] for p in ph),
              statistics.median(p[3] for p in ph)))
notes = read("notes").strip()
if notes:
    print()
    print("notes:")
    for l in notes.splitlines():
        print("  " + l)
for lab, title in (("search", "search_bench"), ("chapjump", "chapter_jump"),
                   ("chapnotes", "chapnotes_bench")):
    out = [l for l in log(lab).splitlines() if not l.startswith("RESULT")]
    if out:
        print()
        print(title + ":")
        for l in out:
            print("  " + l)
EOF
BUILD=$BUILD sh bench/lockwait.sh || echo "lockwait: failed (exit $?)"
BUILD=$BUILD sh bench/download.sh || note "bench/download.sh failed"
sh "$TOP/bench/ingest_mem.sh" "$B" || echo "ingest memory: bench/ingest_mem.sh failed (goal MISSED)"
sh "$TOP/bench/bgindex.sh" "$PODCUE" "$PCONF" "$BIG_OPML" "$TMP" || echo "bgindex: bench/bgindex.sh failed (goal MISSED)" # issue 21: index in the background
[ "${BENCH_SCALE:-1}" = 0 ] || BUILD=$BUILD sh bench/scale.sh # issue 21: 5,000-episode feed, 1,000,000-episode cache, hanging hosts (~5 min)
