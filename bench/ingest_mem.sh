#!/bin/sh
# bench/ingest_mem.sh - peak memory of `podcue add` on one large feed.
#
# Generates two feeds of about INGEST_MB (28) MB each: "long notes" (items
# with twelve HTML paragraphs and a chapter list in the notes) and "short
# items" (one paragraph: many more, smaller items, the harder case for a
# DOM), serves them with tests/httpd.py on 127.0.0.1 (gzip-compressed, as
# a static host would) and runs `podcue add` of each into a fresh cache
# under /usr/bin/time -v, then the same for a tiny feed (the baseline).
# Prints, per shape, the peak RSS, the peak over the baseline as a
# multiple of the feed's size, and whether the goal of issue 16 (at most
# 3x the feed's size plus a constant, the baseline) is met. Needs
# /usr/bin/time (GNU time).
# Usage: sh bench/ingest_mem.sh [BUILD]   (default build)
set -eu
cd "$(dirname "$0")/.."
TOP=$(pwd)
BUILD=${1:-${BUILD:-build}}
case $BUILD in /*) B=$BUILD ;; *) B=$TOP/$BUILD ;; esac
MB=${INGEST_MB:-28}
TMP=$(mktemp -d)
SRV=
trap '[ -n "$SRV" ] && kill "$SRV" 2>/dev/null; rm -rf "$TMP"' EXIT INT TERM
mkdir -p "$TMP/www"
python3 - "$TMP/www" "$MB" <<'PY'
import sys, os
root, mb = sys.argv[1], int(sys.argv[2])
head = ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/">\n'
        '<channel><title>%s</title><link>https://example.org/</link>\n'
        '<description>bench</description>\n')
def item(i, NP):
    notes = "".join("<p>Paragraph %d of episode %d: some words about the topic "
                    "with <a href=\"https://example.org/%d/%d\">a link</a>.</p>"
                    % (k, i, i, k) for k in range(NP))
    chap = "".join("<p>%02d:%02d Chapter %d</p>" % (k, 7 * k % 60, k) for k in range(6))
    return ('<item><guid isPermaLink="false">ep-%d</guid><title>Episode %d</title>'
            '<pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate>'
            '<itunes:duration>01:02:03</itunes:duration>'
            '<enclosure url="https://example.org/e%d.mp3" type="audio/mpeg" length="1000"/>'
            '<description><![CDATA[%s]]></description>'
            '<content:encoded><![CDATA[%s%s]]></content:encoded></item>\n'
            % (i, i, i, notes[:400], notes, chap))
def write(name, target, NP=1):
    with open(os.path.join(root, name), "w") as fh:
        fh.write(head % name)
        n = 0
        i = 0
        while n < target:
            s = item(i, NP)
            fh.write(s)
            n += len(s)
            i += 1
        fh.write("</channel></rss>\n")
write("long.rss", mb * 1000 * 1000, 12)
write("short.rss", mb * 1000 * 1000, 1)
write("tiny.rss", 1)
PY
python3 tests/httpd.py --root "$TMP/www" --port 0 --port-file "$TMP/port" \
	>"$TMP/httpd.out" 2>&1 &
SRV=$!
i=0
while [ ! -s "$TMP/port" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
BASE=http://127.0.0.1:$(cat "$TMP/port")

# peak_kb NAME: max RSS in KiB of `podcue add` of NAME into a fresh cache.
peak_kb() {
	rm -f "$TMP/c.db" "$TMP/c.db-wal" "$TMP/c.db-shm"
	HOME=$TMP XDG_CONFIG_HOME=$TMP/cfg /usr/bin/time -v "$B/podcue" --db "$TMP/c.db" \
		add "$BASE/$1" >"$TMP/out" 2>"$TMP/time" || {
		cat "$TMP/out" "$TMP/time" >&2
		echo 0
		return
	}
	sed -n 's/.*Maximum resident set size (kbytes): //p' "$TMP/time"
}
tiny=$(peak_kb tiny.rss)
for shape in long short; do
	size=$(wc -c <"$TMP/www/$shape.rss")
	big=$(peak_kb "$shape.rss")
	python3 - "$shape" "$size" "$tiny" "$big" <<'PY'
import sys
shape, size, tiny, big = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
mb = size / 1e6
extra = (big - tiny) * 1024 / 1e6
ratio = extra / mb if mb else 0
print("ingest memory (%s items): podcue add of a %.1f MB feed peaks at %.1f MB RSS, "
      "%.1f MB over a tiny feed's %.1f MB = %.2fx the feed (goal <= 3x: %s)"
      % (shape, mb, big * 1024 / 1e6, extra, tiny * 1024 / 1e6, ratio,
         "goal met" if big and ratio <= 3 else "goal MISSED"))
PY
done
