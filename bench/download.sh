#!/bin/sh
# bench/download.sh - podcue's download throughput and CPU per GiB on
# loopback beside curl fetching the same file (part of `make bench`; runs
# alone too: sh bench/download.sh, BUILD from the environment).
#
# The server is a small python one using sendfile(2) (zero-copy, threads),
# not tests/httpd.py, so that the server is not the limit: the raw limit is
# what curl gets. One file of BENCH_DL_MB MiB (512) is fetched
# BENCH_DL_REPS times (3) by each, interleaved, each run into the same
# folder on disk (deleted after each run): `podcue download EPISODE` (its
# whole path: the cache, the .part, the rename, the fsync) against
# `curl -s -o FILE URL` (no fsync), and as a diagnostic curl followed by
# `sync FILE` (as durable as podcue's file). Wall time and CPU (user+sys of the
# child, wait4) per run; median throughput and CPU per GiB are compared.
# Goal: at least 90% of curl's throughput with no more CPU per GiB.
set -eu

cd "$(dirname "$0")/.."
TOP=$(pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) B=$BUILD ;; *) B=$TOP/$BUILD ;; esac
PODCUE=$B/podcue
MB=${BENCH_DL_MB:-512}
REPS=${BENCH_DL_REPS:-3}
[ -x "$PODCUE" ] || { echo "bench/download: $PODCUE is missing" >&2; exit 1; }
command -v curl >/dev/null 2>&1 || { echo "bench/download: curl is not installed" >&2; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/podcue-dlbench.XXXXXX")
SRV=
cleanup() {
	[ -z "$SRV" ] || { kill "$SRV" 2>/dev/null || :; wait "$SRV" 2>/dev/null || :; }
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP
mkdir -p "$TMP/www" "$TMP/home/.config" "$TMP/home/.local/share" "$TMP/out"
export HOME=$TMP/home XDG_CONFIG_HOME=$TMP/home/.config XDG_DATA_HOME=$TMP/home/.local/share
printf 'set download_dir %s\n' "$TMP/out" >"$TMP/podcue.conf"

echo "bench/download: ${MB} MiB file, $REPS runs each" >&2
head -c "$((MB * 1048576))" /dev/urandom >"$TMP/www/big.mp3"

python3 - "$TMP/www" "$TMP/port" <<'PY' &
import http.server, os, socketserver, sys
root, portfile = sys.argv[1], sys.argv[2]
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a):
        pass
    def do_GET(self):
        path = os.path.join(root, os.path.basename(self.path.split("?")[0]))
        try:
            f = open(path, "rb")
        except OSError:
            self.send_error(404)
            return
        with f:
            size = os.fstat(f.fileno()).st_size
            self.send_response(200)
            self.send_header("Content-Length", str(size))
            self.send_header("Content-Type", "audio/mpeg")
            self.send_header("ETag", '"%x"' % size)
            self.end_headers()
            self.wfile.flush()
            self.connection.sendfile(f)
class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
s = S(("127.0.0.1", 0), H)
open(portfile + ".tmp", "w").write(str(s.server_address[1]))
os.rename(portfile + ".tmp", portfile)
s.serve_forever()
PY
SRV=$!
i=0
while [ ! -s "$TMP/port" ]; do
	i=$((i + 1))
	[ "$i" -le 100 ] || { echo "bench/download: the server did not start" >&2; exit 1; }
	sleep 0.1
done
BASE=http://127.0.0.1:$(cat "$TMP/port")
printf '<rss version="2.0"><channel><title>Bench</title><item><guid>big</guid><title>Big</title><enclosure url="%s/big.mp3" type="audio/mpeg" length="1"/></item></channel></rss>\n' \
	"$BASE" >"$TMP/www/feed.xml"
pc() { "$PODCUE" --db "$TMP/cache.db" --config "$TMP/podcue.conf" "$@"; }
pc add "$BASE/feed.xml" >/dev/null
EP=$(pc episodes --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')

# run LABEL CMD...: appends "LABEL wall cpu rc" to $TMP/results.
run() {
	python3 - "$TMP/results" "$@" <<'PY'
import os, sys, time
results, label, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
t0 = time.monotonic()
pid = os.fork()
if pid == 0:
    fd = os.open(os.devnull, os.O_WRONLY)
    os.dup2(fd, 1)
    os.execvp(cmd[0], cmd)
_, st, ru = os.wait4(pid, 0)
wall = time.monotonic() - t0
cpu = ru.ru_utime + ru.ru_stime
with open(results, "a") as fh:
    fh.write("%s %.4f %.4f %d\n" % (label, wall, cpu, os.waitstatus_to_exitcode(st)))
sys.stderr.write("  %-7s %7.3f s wall %7.3f s cpu\n" % (label, wall, cpu))
PY
}

# Warm-up (untimed): the file into the page cache.
cat "$TMP/www/big.mp3" >/dev/null
r=1
while [ "$r" -le "$REPS" ]; do
	run curl curl -s -o "$TMP/out/curl.mp3" "$BASE/big.mp3"
	cmp -s "$TMP/www/big.mp3" "$TMP/out/curl.mp3" || echo "bench/download: curl's copy differs" >&2
	rm -f "$TMP/out/curl.mp3"
	# The same made durable as podcue makes its file (a diagnostic).
	run curl+fsync sh -c 'curl -s -o "$1" "$2" && sync "$1"' - "$TMP/out/curl.mp3" "$BASE/big.mp3"
	rm -f "$TMP/out/curl.mp3"
	run podcue "$PODCUE" --db "$TMP/cache.db" --config "$TMP/podcue.conf" download "$EP"
	f=$(find "$TMP/out/Bench" -type f -name '*.mp3' | head -n 1)
	cmp -s "$TMP/www/big.mp3" "$f" || echo "bench/download: podcue's copy differs" >&2
	pc delete "$EP" >/dev/null
	r=$((r + 1))
done

python3 - "$TMP/results" "$MB" "$(cut -d' ' -f1-3 /proc/loadavg)" <<'PY'
import os, statistics, sys
results, mb, load = sys.argv[1], int(sys.argv[2]), sys.argv[3]
runs = {}
for line in open(results):
    lab, wall, cpu, rc = line.split()
    runs.setdefault(lab, []).append((float(wall), float(cpu), int(rc)))
gib = mb / 1024
def fig(lab):
    v = runs.get(lab, [])
    ok = [x for x in v if x[2] == 0]
    if not ok:
        return None
    w = statistics.median(x[0] for x in ok)
    c = statistics.median(x[1] for x in ok)
    return mb / w, c / gib, min(mb / x[0] for x in ok), max(mb / x[0] for x in ok), len(v) - len(ok)
p, c = fig("podcue"), fig("curl")
print()
print("download bench: one %d MiB file over loopback (python sendfile server), %d runs each,"
      " %d CPUs, load %s" % (mb, len(runs.get("curl", [])), os.cpu_count(), load))
print("| workload | throughput median (min–max) | CPU per GiB | ratio to curl | goal | met? |")
print("|---|---|---|---|---|---|")
def row(name, f, ratio, goal, met):
    if not f:
        print("| %s | failed | - | - | %s | MISSED |" % (name, goal))
        return
    print("| %s | %.0f MiB/s (%.0f–%.0f)%s | %.2f s | %s | %s | %s |" % (
        name, f[0], f[2], f[3], " (%d failed)" % f[4] if f[4] else "", f[1], ratio, goal, met))
if p and c:
    tr, cr = p[0] / c[0], p[1] / c[1]
    row("podcue download", p, "%.2f× throughput, %.2f× CPU/GiB" % (tr, cr),
        ">= 0.90× curl's throughput, <= 1.00× its CPU/GiB",
        "goal met" if tr >= 0.9 and cr <= 1.0 and not p[4] else "goal MISSED")
else:
    row("podcue download", p, "-", ">= 0.90× curl", "goal MISSED")
row("curl -o (the raw limit)", c, "1.00×", "", "")
s = fig("curl+fsync")
if s and c:
    row("curl -o, then sync FILE (as durable as podcue's; diagnostic)", s,
        "%.2f× throughput" % (s[0] / c[0]), "", "")
    if p:
        print("podcue against curl+sync: %.2f× throughput, %.2f× CPU/GiB" % (p[0] / s[0], p[1] / s[1]))
print("podcue: `podcue download` whole (cache rows, .part, fsync, rename); curl: no fsync.")
PY
