#!/bin/sh
# End-to-end: nothing fails silently (issue 16) — servers that answer
# badly get messages that say what happened; an 11 MB text node keeps every
# item; absurd numbers and dates from a feed are kept in range.
. "$(dirname "$0")/../lib.sh"

W="$T/www"
mkdir -p "$W"
start_server "$W"

# ---- misbehaving servers --------------------------------------------------
rm -f "$T/rawport"
python3 "$ROOT/tests/rawhttpd.py" --port-file "$T/rawport" >"$T/raw.out" 2>&1 &
SERVER_PIDS="$SERVER_PIDS $!"
i=0
while [ ! -s "$T/rawport" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
RAW="http://127.0.0.1:$(cat "$T/rawport")"

# add_says NAME URL TEXT: `podcue add URL` fails and says TEXT.
add_says() {
	pc add "$2" >"$T/add.out" 2>"$T/add.err"
	rc=$?
	check "$1" sh -c '[ "$1" -ne 0 ] && grep -qF "$2" "$3"' _ "$rc" "$3" "$T/add.err"
}
add_says "a reply without a status line says so" "$RAW/nostatus" "server sent no HTTP status line"
add_says "a header line of a megabyte says so" "$RAW/bighead" "response headers too large"
add_says "a lying Content-Encoding says so" "$RAW/liegzip" \
	'the body is not the "gzip" the server'"'"'s Content-Encoding says'

# ---- an 11 MB description in item 2 of 3 ----------------------------------
python3 - "$W/big.xml" <<'PY'
import sys
with open(sys.argv[1], "w") as fh:
    fh.write('<?xml version="1.0"?>\n<rss version="2.0"><channel><title>Big node</title>'
             '<item><guid>b1</guid><title>First</title></item>'
             '<item><guid>b2</guid><title>Second</title><description><![CDATA[')
    fh.write(("words " * 1000 + "\n") * 1900)
    fh.write(']]></description></item><item><guid>b3</guid><title>Third</title></item>'
             '</channel></rss>\n')
PY
pc add "$BASE/big.xml" >"$T/big.out" 2>&1
check "a feed with an 11 MB text node keeps all three items" \
	test "$(sq "SELECT count(*) FROM episode WHERE guid IN ('b1','b2','b3')")" -eq 3
check "the 11 MB text node is whole" \
	test "$(sq "SELECT length(notes_html) FROM episode WHERE guid = 'b2'")" -ge 11000000

# ---- absurd numbers and dates ---------------------------------------------
nines=$(python3 -c 'print("9" * 400)')
{
	printf '<?xml version="1.0"?>\n<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel><title>Odd numbers</title>\n'
	printf '<item><guid>o-inf</guid><title>Infinite</title><itunes:duration>%s</itunes:duration><pubDate>Mon, 01 Jan 20245 10:00:00 GMT</pubDate><enclosure url="%s/a.mp3" type="audio/mpeg" length="%s"/></item>\n' "$nines" "$BASE" "$nines"
	printf '<item><guid>o-far</guid><title>Far future</title><itunes:duration>99999:00:00</itunes:duration><pubDate>Sat, 13 Sep 275760 00:00:00 GMT</pubDate></item>\n'
	printf '<item><guid>o-ok</guid><title>Ordinary</title><itunes:duration>1:00:00</itunes:duration><pubDate>Wed, 04 Jun 2025 10:00:00 GMT</pubDate></item>\n'
	printf '</channel></rss>\n'
} >"$W/odd.xml"
pc add "$BASE/odd.xml" >/dev/null 2>&1
pid=$(sq "SELECT id FROM podcast WHERE url LIKE '%odd.xml'")
pc episodes "$pid" --json >"$T/odd.json" 2>"$T/odd.err"
check "--json keeps the duration field, null for an absurd one" jq_py "$T/odd.json" \
	'[e.get("duration", "missing") for e in sorted(d["episodes"] if isinstance(d, dict) else d, key=lambda e: e["title"])] == [None, None, 3600.0]'
check "absurd dates are no date, and the ordinary episode sorts first" jq_py "$T/odd.json" \
	'[e["title"] for e in (d["episodes"] if isinstance(d, dict) else d)][0] == "Ordinary"'
check "no year 20245 or 275760 anywhere" sh -c '! grep -qE "20245|275760" "$1"' _ "$T/odd.json"

finish
