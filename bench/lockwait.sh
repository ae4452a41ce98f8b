#!/bin/sh
# bench/lockwait.sh - the TUI's longest key response while another process
# holds the cache's write lock for 10 s (goal: under 100 ms). Called from
# bench/run.sh; runs alone too: BUILD=build sh bench/lockwait.sh.
#
# Sets up a cache with one podcast of 8 episodes (a 2-minute MP3 made by
# ffmpeg, served by tests/httpd.py over loopback), then bench/lockwait.py
# drives podcue on a pseudo-terminal and times its answers to keys, first
# with no lock (the peer), then while another process holds the write
# lock; the method is described at the top of bench/lockwait.py.
set -eu
cd "$(dirname "$0")/.."
TOP=$(pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) B=$BUILD ;; *) B=$TOP/$BUILD ;; esac
PODCUE=$B/podcue
for p in python3 ffmpeg; do
	if ! command -v $p >/dev/null 2>&1; then
		echo "lockwait: skipped ($p is not installed)"
		exit 0
	fi
done
TMP=$(mktemp -d "${TMPDIR:-/tmp}/podcue-lockwait.XXXXXX")
SRV=
cleanup() {
	[ -n "$SRV" ] && { kill "$SRV" 2>/dev/null || :; wait "$SRV" 2>/dev/null || :; }
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

export HOME="$TMP/home" XDG_DATA_HOME="$TMP/home/data" XDG_CONFIG_HOME="$TMP/home/config" \
	XDG_STATE_HOME="$TMP/home/state"
mkdir -p "$TMP/www" "$XDG_CONFIG_HOME/podcue"
printf 'set resume_rewind 0\n' >"$XDG_CONFIG_HOME/podcue/config"
ffmpeg -nostdin -v error -y -f lavfi -i sine=frequency=440:duration=120 -ac 1 -ar 8000 \
	-c:a libmp3lame -b:a 16k "$TMP/www/a.mp3"
python3 tests/httpd.py --port 0 --port-file "$TMP/port" --root "$TMP/www" >/dev/null 2>&1 &
SRV=$!
i=0
while [ ! -s "$TMP/port" ] && [ "$i" -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
PORT=$(cat "$TMP/port")
BASE="http://127.0.0.1:$PORT"
{
	printf '<?xml version="1.0"?><rss version="2.0"><channel><title>Bench</title>\n'
	for i in 1 2 3 4 5 6 7 8; do
		printf '<item><guid>g%s</guid><title>Episode %s</title>' "$i" "$i"
		printf '<pubDate>Wed, %02d May 2025 10:00:00 GMT</pubDate>' "$((20 - i))"
		printf '<enclosure url="%s/a.mp3" type="audio/mpeg" length="1000"/></item>\n' "$BASE"
	done
	printf '</channel></rss>\n'
} >"$TMP/www/feed.xml"
DB="$TMP/cache.db"
"$PODCUE" --db "$DB" add "$BASE/feed.xml" >/dev/null || { echo "lockwait: cannot subscribe"; exit 1; }
python3 bench/lockwait.py "$PODCUE" "$DB"
