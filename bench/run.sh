#!/bin/sh
# bench/run.sh - `make bench`: podcue refresh against the raw limit and
# newsboat, and show-note chapter extraction throughput. Never part of
# `make check`. POSIX sh + python3 (stdlib only).
#
# Expects ./build/podcue, ./build/bench/rawlimit and
# ./build/bench/chapnotes_bench (the Makefile builds them first).
#
# What it does:
#   1. starts tests/httpd.py on 127.0.0.1 (stopped at exit),
#   2. generates a seeded library with bench/gen_library.py into a mktemp -d
#      directory: 300 feeds x 100 episodes (headline) and 300 x 10,
#   3. times, per repetition: podcue cold refresh (fresh DB, `podcue import`),
#      warm refresh (all 304), refresh after 30 of 300 feeds gained one item,
#      the raw limit (build/bench/rawlimit), and the 300 x 10 case,
#   4. newsboat (only when installed) on the same feeds,
#   5. build/bench/chapnotes_bench on every generated note and on 1 MB notes,
#   6. prints one table: median (min-max) wall time, CPU (user+sys of the
#      child, from wait4) and peak RSS, ratios, goals and whether each is met.
#
# Knobs (environment): BENCH_REPS (3), BENCH_NB_REPS (2), BENCH_FEEDS (300),
# BENCH_EPISODES (100), BENCH_SEED (1).
set -eu

cd "$(dirname "$0")/.."
TOP=$(pwd)
PODCUE=$TOP/build/podcue
RAW=$TOP/build/bench/rawlimit
CHB=$TOP/build/bench/chapnotes_bench
REPS=${BENCH_REPS:-3}
NB_REPS=${BENCH_NB_REPS:-2}
FEEDS=${BENCH_FEEDS:-300}
EPS=${BENCH_EPISODES:-100}
SEED=${BENCH_SEED:-1}
SMALL_EPS=10
CHANGED=$((FEEDS / 10))
[ "$CHANGED" -ge 1 ] || CHANGED=1

for b in "$PODCUE" "$RAW" "$CHB"; do
	if [ ! -x "$b" ]; then
		echo "bench: $b is missing (run: make bench)" >&2
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

say() { printf '%s\n' "$*" >&2; }

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
freshdb() {
	rm -f "$@" "$1-wal" "$1-shm" "$1-journal"
	sync
}

BIG_OPML=$TMP/www/big/feeds.opml
BIG_URLS=$TMP/www/big/urls.txt
SMALL_OPML=$TMP/www/small/feeds.opml
SMALL_URLS=$TMP/www/small/urls.txt
PDB=$TMP/podcue.db
PCONF=$TMP/podcue.conf

# Warm-up (untimed): server code paths and page cache.
"$RAW" "$BIG_URLS" "$TMP/warmup.db" 2>"$TMP/logs/warmup.log" || :
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

# ---- newsboat (never installed by this script) -----------------------------
NB=none
if command -v newsboat >/dev/null 2>&1; then
	NB=$(newsboat --version 2>/dev/null | head -n 1 | cut -d' ' -f1-2)
	NBC=$TMP/nb.cache
	NBX="newsboat -x reload -C $TMP/newsboat.conf -u"
	say "bench: $NB, $NB_REPS repetitions"
	r=1
	while [ "$r" -le "$NB_REPS" ]; do
		freshdb "$NBC"
		rm -f "$NBC.lock"
		measure nb_cold_big $NBX "$BIG_URLS" -c "$NBC"
		freshdb "$TMP/nb10.cache"
		measure nb_cold_small $NBX "$SMALL_URLS" -c "$TMP/nb10.cache"
		r=$((r + 1))
	done
	# newsboat stores validators only from its second fetch of a feed
	# (newsboat issue #2734), so one untimed reload first.
	$NBX "$BIG_URLS" -c "$NBC" >"$TMP/logs/nb_prime.log" 2>&1 || :
	r=1
	while [ "$r" -le "$NB_REPS" ]; do
		measure nb_warm_big $NBX "$BIG_URLS" -c "$NBC"
		r=$((r + 1))
	done
	r=1
	while [ "$r" -le "$NB_REPS" ]; do
		bump "n$r"
		measure nb_changed_big $NBX "$BIG_URLS" -c "$NBC"
		r=$((r + 1))
	done
	restore
fi

# ---- chapter extraction ----------------------------------------------------
say "bench: chapnotes_bench"
measure chapnotes "$CHB" "$TMP/www/big/feeds"

T_END=$(date +%s)
LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- report ----------------------------------------------------------------
python3 - "$TMP" "$FEEDS" "$EPS" "$SMALL_EPS" "$CHANGED" "$REPS" "$NB_REPS" "$NB" \
	"$LOAD0" "$LOAD1" "$((T_END - T_START))" <<'EOF'
import os, re, statistics, sys

tmp, feeds, eps, seps, changed, reps, nbreps, nb, load0, load1, secs = sys.argv[1:]
feeds, eps, seps, changed = int(feeds), int(eps), int(seps), int(changed)

runs = {}
for line in open(os.path.join(tmp, "results")):
    lab, wall, cpu, rss, scpu, rc, e0, e1 = line.split()
    runs.setdefault(lab, []).append((float(wall), float(cpu), int(rss), float(scpu), int(rc),
                                     float(e0), float(e1)))

# Server request log: which requests fell inside each run.
import json
reqs = []
try:
    for l in open(os.path.join(tmp, "http.log")):
        try:
            r = json.loads(l)
        except ValueError:
            continue
        reqs.append((r["t0"], r["t1"], r["path"]))
except OSError:
    pass

def phases(label):
    """Per run: (seconds from start to the last feed response, number of
    chapter-file requests, seconds from the first chapter request to the end)."""
    out = []
    for x in runs.get(label, []):
        e0, e1 = x[5], x[6]
        inside = [r for r in reqs if e0 <= r[0] <= e1]
        fe = [r[1] for r in inside if "/feeds/" in r[2]]
        ch = [r[0] for r in inside if "/chapters/" in r[2]]
        out.append((max(fe) - e0 if fe else 0.0, len(ch), e1 - min(ch) if ch else 0.0))
    return out

def log(label):
    try:
        return open(os.path.join(tmp, "logs", label + ".log"), errors="replace").read()
    except OSError:
        return ""

def med(label, k=0):
    v = [x[k] for x in runs.get(label, [])]
    return statistics.median(v) if v else None

def fails(label):
    return sum(1 for x in runs.get(label, []) if x[4] != 0)

def wall_cell(label):
    v = [x[0] for x in runs.get(label, [])]
    if not v:
        return "-"
    return "%.2f s (%.2f–%.2f)" % (statistics.median(v), min(v), max(v))

def cpu_cell(label):
    m = med(label, 1)
    return "-" if m is None else "%.2f s" % m

def rss_cell(label):
    m = med(label, 2)
    return "-" if m is None else "%.0f MB" % (m / 1024)

def ratio(a, b, x=None):
    x, y = med(a) if x is None else x, med(b)
    if x is None or y is None or y == 0:
        return "-"
    return "%.2f×" % (x / y)

def sizes(path):
    m = re.search(r"([0-9.]+) MB of XML", open(path).read())
    return m.group(1) if m else "?"

big_mb = sizes(os.path.join(tmp, "gen_big.txt"))
small_mb = sizes(os.path.join(tmp, "gen_small.txt"))
have_nb = nb != "none"

rows = []
def row(name, label, raw="-", nbr="-", goal="", met=""):
    if fails(label):
        met = (met + " " if met else "") + "(%d failed runs)" % fails(label)
    rows.append((name, wall_cell(label), cpu_cell(label), rss_cell(label), raw, nbr, goal, met))

big = "%d×%d" % (feeds, eps)
small = "%d×%d" % (feeds, seps)
nbcol = (lambda a, b: ratio(a, b)) if have_nb else (lambda a, b: "n/a")

cold, rawb = med("cold_big"), med("raw_big")
ok = cold is not None and rawb and cold <= 2 * rawb and not fails("cold_big")
row("podcue cold refresh " + big, "cold_big", ratio("cold_big", "raw_big"),
    nbcol("cold_big", "nb_cold_big"), "within 2× of the raw limit", "met" if ok else "MISSED")
warm = med("warm_big")
ok = warm is not None and warm < 0.5 and not fails("warm_big")
ph = phases("cold_big")
if ph and any(p[0] for p in ph):
    v = [p[0] for p in ph]
    m = statistics.median(v)
    rows.append(("  its feed phase (server log), %.0f chapter files after" %
                 statistics.median(p[1] for p in ph),
                 "%.2f s (%.2f–%.2f)" % (m, min(v), max(v)), "-", "-",
                 ratio(None, "raw_big", m), "-", "(diagnostic)", ""))
row("podcue warm refresh %s (all 304)" % big, "warm_big", "n/a",
    nbcol("warm_big", "nb_warm_big"), "under 0.5 s", "met" if ok else "MISSED")
row("podcue refresh, %d of %d feeds +1 item" % (changed, feeds), "changed_big", "n/a",
    nbcol("changed_big", "nb_changed_big"))
row("podcue cold refresh " + small, "cold_small", ratio("cold_small", "raw_small"),
    nbcol("cold_small", "nb_cold_small"))
ph = phases("cold_small")
if ph and any(p[0] for p in ph):
    v = [p[0] for p in ph]
    m = statistics.median(v)
    rows.append(("  its feed phase (server log), %.0f chapter files after" %
                 statistics.median(p[1] for p in ph),
                 "%.2f s (%.2f–%.2f)" % (m, min(v), max(v)), "-", "-",
                 ratio(None, "raw_small", m), "-", "(diagnostic)", ""))
row("raw limit cold " + big, "raw_big", "1.00×")
row("raw limit cold " + small, "raw_small", "1.00×")
if have_nb:
    row("newsboat cold " + big, "nb_cold_big", ratio("nb_cold_big", "raw_big"), "1.00×")
    row("newsboat warm %s (all 304)" % big, "nb_warm_big", "n/a", "1.00×")
    row("newsboat, %d of %d feeds +1 item" % (changed, feeds), "nb_changed_big", "n/a", "1.00×")
    row("newsboat cold " + small, "nb_cold_small", ratio("nb_cold_small", "raw_small"), "1.00×")
else:
    rows.append(("newsboat: not installed (apt-get install newsboat to compare)",
                 "-", "-", "-", "-", "-", "", ""))

# chapnotes_bench: "RESULT key median min max unit"
res = {}
for m in re.finditer(r"^RESULT (\S+) (\S+) (\S+) (\S+) (\S+)$", log("chapnotes"), re.M):
    res[m.group(1)] = tuple(float(m.group(i)) for i in (2, 3, 4))
cb_cpu, cb_rss = cpu_cell("chapnotes"), rss_cell("chapnotes")
def crow(name, key, goal=True):
    if key not in res:
        rows.append((name, "-", "-", "-", "-", "-", "", "no result"))
        return
    a, lo, hi = res[key]
    ok = a < 50.0
    rows.append((name, "%.2f ms (%.2f–%.2f)" % (a, lo, hi), "-", "-", "-", "-",
                 "1 MB show note parses in milliseconds (< 50 ms)" if goal else "",
                 ("met" if ok else "MISSED") if goal else ""))
if "all_notes" in res:
    a, lo, hi = res["all_notes"]
    mbps = res.get("all_notes_mbps", (0,))[0]
    rows.append(("chapnotes_parse, all %d generated notes (%.0f MB/s)" % (feeds * eps, mbps),
                 "%.0f ms (%.0f–%.0f)" % (a, lo, hi), "-", "-", "-", "-", "", ""))
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
      "--jobs 8; podcue/raw %s runs, newsboat %s runs" % (big, big_mb, small, small_mb, reps,
      nbreps if have_nb else "0"))
print("machine: %d CPUs, load average %s at start, %s at end; bench took %s s" % (
    os.cpu_count(), load0, load1, secs))
print()
print(line(hdr))
print("|" + "|".join("-" * (x + 2) for x in w) + "|")
for r in rows:
    print(line(r))
print()
print("CPU = user+sys of the measured process (wait4), median; peak RSS = its ru_maxrss, median.")
print("Raw limit = build/bench/rawlimit: libcurl multi (8 at once, gzip), xmlReadMemory,")
print("title/guid/enclosure only, one SQLite transaction; no notes, no chapters, no conditional GET.")
print("ratio = median wall / median wall; n/a = the raw limit has no conditional-GET counterpart.")
print("podcue's refresh also fetches the Podcasting 2.0 chapter files of the newest episodes")
print("(after all feeds, same engine); the raw limit and newsboat do not. The feed-phase row")
print("ends at the last feed response in the server's request log.")
print("chapnotes_bench process as a whole (feed parsing, html_to_text, all cases): CPU %s, peak RSS %s."
      % (cb_cpu, cb_rss))

def srv(label):
    v = [x[3] for x in runs.get(label, []) if x[3] >= 0]
    return "%.2f s" % statistics.median(v) if v else "-"
print()
print("loopback server (python, gzip level 9) CPU per run, median: podcue cold %s, raw limit %s,"
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
print("  %s" % last(r"rawlimit: [^\n]*", "raw_big"))
print("  %s" % last(r"rawlimit: [^\n]*", "raw_small"))
print()
print("podcue cold refresh phases (server log, median): ")
for lab, name in (("cold_big", big), ("cold_small", small)):
    ph = phases(lab)
    if ph:
        print("  %s: feeds done after %.2f s, then %d chapter files in %.2f s (%.1f ms each)" % (
            name, statistics.median(p[0] for p in ph), statistics.median(p[1] for p in ph),
            statistics.median(p[2] for p in ph),
            statistics.median(1e3 * p[2] / p[1] for p in ph if p[1]) if any(p[1] for p in ph) else 0))
out = log("chapnotes")
print()
print("chapnotes_bench:")
for l in out.splitlines():
    if not l.startswith("RESULT"):
        print("  " + l)
EOF
