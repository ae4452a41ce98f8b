#!/bin/sh
# End-to-end: subscribe, refresh, conditional GET, gzip, redirects, failures,
# OPML, JSON output and state preservation, against a loopback HTTP server.
. "$(dirname "$0")/../lib.sh"

W="$T/www"
mkdir -p "$W"
start_server "$W"

D1="Wed, 14 May 2025 10:00:00 +0000"
D2="Tue, 06 May 2025 10:00:00 +0000"
D3="Fri, 18 Apr 2025 10:00:00 GMT"
rss "Database School" \
	"ep-3|Durable Objects|$D1|1:15:00|$BASE/a3.mp3" \
	"ep-2|Hacking Postgres|$D2|7200|$BASE/a2.mp3" \
	"ep-1|Prisma|$D3|89:00|$BASE/a1.mp3" >"$W/a.xml"
rss "Second Show" "s-1|Only one|$D1|10:00|$BASE/s1.mp3" >"$W/b.xml"
rss "Moved Show" "m-1|Moved ep|$D1|10:00|$BASE/m1.mp3" >"$W/moved.xml"
rss "Temp Show" "t-1|Temp ep|$D1|10:00|$BASE/t1.mp3" >"$W/temp.xml"

# --- add -------------------------------------------------------------------
check "add subscribes and fetches" pc add "$BASE/a.xml"
pc podcasts --json >"$T/p.json"
check "podcasts --json lists the feed with 3 episodes" \
	jq_py "$T/p.json" 'len(d) == 1 and d[0]["episodes"] == 3 and d[0]["title"] == "Database School" and d[0]["last_error"] is None and d[0]["last_refresh"].endswith("Z")'
check "podcasts --json has the contract fields" \
	jq_py "$T/p.json" 'all(k in d[0] for k in ("id","title","url","episodes","last_refresh","last_error"))'

pc episodes 1 --json >"$T/e.json"
check "episodes --json: newest first, contract fields" \
	jq_py "$T/e.json" '[e["title"] for e in d] == ["Durable Objects","Hacking Postgres","Prisma"] and all(k in d[0] for k in ("id","podcast_id","title","guid","published","duration","enclosure_url","enclosure_type","played","position"))'
check "episodes --json: ISO 8601 dates, durations in seconds" \
	jq_py "$T/e.json" 'd[0]["published"] == "2025-05-14T10:00:00Z" and d[0]["duration"] == 4500 and d[1]["duration"] == 7200 and d[2]["duration"] == 5340 and d[0]["played"] is False and d[0]["position"] is None'

# --- conditional GET ----------------------------------------------------------
: >"$HTTPLOG"
check "refresh of an unchanged feed succeeds" pc refresh
check "second refresh sends If-None-Match and gets 304" \
	python3 -c 'import json,sys; L=[json.loads(l) for l in open(sys.argv[1])]; a=[l for l in L if l["path"]=="/a.xml"]; sys.exit(not (a and a[-1]["if_none_match"] and a[-1]["status"]==304))' "$HTTPLOG"
check "requests advertise gzip" \
	python3 -c 'import json,sys; L=[json.loads(l) for l in open(sys.argv[1])]; sys.exit(not all("gzip" in (l.get("accept_encoding") or "") for l in L))' "$HTTPLOG"

# --- state survives refresh; vanished episodes stay ----------------------------
sqlite3 "$DB" "UPDATE episode SET played = 1, position = 123.5 WHERE guid = 'ep-2'"
sleep 1.1 # a new mtime, so a new ETag/Last-Modified
rss "Database School" \
	"ep-4|New one|Thu, 22 May 2025 10:00:00 +0000|30:00|$BASE/a4.mp3" \
	"ep-3|Durable Objects (edited)|$D1|1:15:00|$BASE/a3.mp3" \
	"ep-2|Hacking Postgres|$D2|7200|$BASE/a2.mp3" >"$W/a.xml"
check "refresh picks up a changed feed" pc refresh 1
pc episodes 1 --json >"$T/e.json"
check "new episode added, edited title updated, vanished episode kept" \
	jq_py "$T/e.json" '[e["title"] for e in d] == ["New one","Durable Objects (edited)","Hacking Postgres","Prisma"]'
check "played state and position survive a refresh" \
	jq_py "$T/e.json" '[(e["played"], e["position"]) for e in d if e["guid"] == "ep-2"] == [(True, 123.5)]'

# --- redirects -----------------------------------------------------------------
check "add through a 301 chain" pc add "$BASE/_/redirect/301/3/moved.xml"
pc podcasts --json >"$T/p.json"
check "a 301 chain updates the stored URL" \
	jq_py "$T/p.json" '[p["url"] for p in d if p["title"] == "Moved Show"] == ["'"$BASE"'/moved.xml"]'
check "add through 301 then 302" pc add "$BASE/_/redirect-mixed/b.xml"
pc podcasts --json >"$T/p.json"
check "a temporary hop keeps the subscribed URL" \
	jq_py "$T/p.json" '[p["url"] for p in d if p["title"] == "Second Show"] == ["'"$BASE"'/_/redirect-mixed/b.xml"]'
check "remove by a former URL (alias) works" pc remove "$BASE/_/redirect/301/3/moved.xml"

# --- failures on one feed never stop the others -----------------------------------
pc add "$BASE/temp.xml" >"$T/out" 2>"$T/err"
check "add a feed that will go away" test $? -eq 0
check "add counts 1 episode in the singular" grep -q "Temp Show (1 episode)$" "$T/out"
pc refresh "$BASE/temp.xml" 2>"$T/err"
check "the summary of one feed is singular" grep -q "^1 feed: 0 updated, 1 unchanged, 0 failed; 0 new episodes$" "$T/err"
rm "$W/temp.xml"
printf '<html><body><h1>Welcome</h1></body></html>' >"$W/broken.xml"
# Truncated mid-document: what is recoverable is ingested.
printf '<rss><channel><title>Truncated</title><item><guid>t1</guid><title>Kept</title></item><item><title>Cut' >"$W/trunc.xml"
sqlite3 "$DB" "INSERT INTO podcast (url, added) VALUES ('$BASE/broken.xml', 0), ('$BASE/_/garbage', 0), ('$BASE/_/hang', 0), ('http://127.0.0.1:9/refused.xml', 0), ('$BASE/trunc.xml', 0)"
cat >"$T/fast.conf" <<EOC
set stall_timeout 2
set feed_timeout 6
set connect_timeout 2
EOC
sqlite3 "$DB" "UPDATE podcast SET last_refresh = 1000000000 WHERE url = '$BASE/temp.xml'"
start=$(date +%s)
"$PODCUE" --db "$DB" --config "$T/fast.conf" refresh >"$T/out" 2>"$T/err"
st=$?
end=$(date +%s)
if [ $st -ne 0 ]; then ok "refresh exits non-zero when a feed fails"; else not_ok "refresh exits non-zero when a feed fails"; fi
check "a server that never answers times out within the limit" test $((end - start)) -le 15
check "summary names the 404" grep -q "temp.xml.*404" "$T/err"
check "summary names the hang as a timeout" grep -qi "_/hang.*tim" "$T/err"
check "summary names the refused connection" grep -qi "refused" "$T/err"
check "summary names the HTML page as not a feed" grep -qi "broken.xml.*not a podcast feed" "$T/err"
check "summary names binary garbage" grep -qi "_/garbage.*\(feed\|XML\)" "$T/err"
check "summary line counts the failures" grep -q "8 feeds: .* 5 failed" "$T/err"
pc podcasts --json >"$T/p.json"
check "errors are recorded on their feeds; good feeds are clean" \
	jq_py "$T/p.json" 'sorted(bool(p["last_error"]) for p in d) == [False] * 3 + [True] * 5 and [p["episodes"] for p in d if p["title"] == "Temp Show"] == [1]'
check "a failed fetch does not count as refreshed" \
	jq_py "$T/p.json" '[p["last_refresh"] for p in d if p["title"] == "Temp Show"] == ["2001-09-09T01:46:40Z"] and [p["last_refresh"] for p in d if p["url"].endswith("/_/garbage")] == [None]'
pc podcasts >"$T/p.txt"
check "...and the list says never for a feed never fetched" grep -q "never.*_/garbage" "$T/p.txt"
check "a truncated feed ingests what is recoverable" \
	jq_py "$T/p.json" '[(p["episodes"], p["last_error"]) for p in d if p["title"] == "Truncated"] == [(2, None)]'
check "piped refresh draws no progress bar" sh -c '! grep -q "$(printf "\r")" "$1"' _ "$T/err"

# --- add failures are reported and not subscribed ----------------------------------
if pc add "$BASE/nothing-here.xml" 2>"$T/err"; then
	not_ok "add of a 404 fails"
else
	ok "add of a 404 fails"
fi
check "add of a 404 says so" grep -q "404" "$T/err"
pc podcasts --json >"$T/p.json"
check "a failed add leaves no subscription" jq_py "$T/p.json" 'not any("nothing-here" in p["url"] for p in d)'
if pc add "ftp://127.0.0.1/feed.xml" 2>"$T/err"; then not_ok "non-http scheme refused"; else ok "non-http scheme refused"; fi

# --- show ------------------------------------------------------------------------------
cat >"$W/notes.xml" <<EOF2
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Notes Show</title>
<item><guid>n-1</guid><title>Rich notes</title>
<enclosure url="$BASE/n1.mp3" type="audio/mpeg" length="5"/>
<content:encoded><![CDATA[<p>Hello <b>world</b>, see <a href="https://example.org/a">this</a>.</p><ul><li>00:00 - Intro</li><li>05:30 - Middle part</li><li>12:00 - End</li></ul>]]></content:encoded>
</item></channel></rss>
EOF2
check "add a feed with HTML notes" pc add "$BASE/notes.xml"
nid=$(sqlite3 "$DB" "SELECT id FROM episode WHERE guid = 'n-1'")
pc show "$nid" --json >"$T/s.json"
check "show --json has notes as text and numbered links" \
	jq_py "$T/s.json" '"Hello world, see this [1]." in d["notes"] and d["links"] == ["https://example.org/a"] and "00:00 - Intro" in d["notes"]'
check "show --json includes the episode fields" \
	jq_py "$T/s.json" 'all(k in d for k in ("id","podcast_id","title","guid","published","duration","enclosure_url","enclosure_type","played","position","notes","links"))'
pc show "$nid" >"$T/s.txt"
check "show prints notes and the link list" sh -c 'grep -q "^\[1\] https://example.org/a" "$1" && grep -q "Rich notes" "$1"' _ "$T/s.txt"
if pc show 99999 2>/dev/null; then not_ok "show of a missing episode fails"; else ok "show of a missing episode fails"; fi

# --- OPML -------------------------------------------------------------------------------
pc export "$T/out.opml"
check "export writes OPML 2.0 with every feed" \
	python3 -c 'import sys,xml.etree.ElementTree as E; r=E.parse(sys.argv[1]).getroot(); o=[x.get("xmlUrl") for x in r.iter("outline") if x.get("xmlUrl")]; sys.exit(not (r.get("version")=="2.0" and len(o)==9))' "$T/out.opml"
check "export - writes to stdout" sh -c '"$PODCUE" --db "$1" export - | grep -q "<opml"' _ "$DB"
DB2="$T/second.db"
check "import subscribes to every feed" sh -c '"$PODCUE" --db "$1" --config "$4" import "$2" >/dev/null 2>&1; "$PODCUE" --db "$1" podcasts --json >"$3"; true' _ "$DB2" "$T/out.opml" "$T/p2.json" "$T/fast.conf"
check "imported feeds were fetched, failures kept subscribed" jq_py "$T/p2.json" 'len(d) == 9 and sum(p["episodes"] for p in d) == 7'

# The outline's title names a feed that has none, or cannot be fetched,
# until the feed gives one; export writes it back.
printf '<rss version="2.0"><channel><item><guid>u-1</guid><title>Untitled ep</title></item></channel></rss>' >"$W/untitled.xml"
cat >"$T/titles.opml" <<EOF2
<opml version="2.0"><body>
<outline text="Named In OPML" xmlUrl="$BASE/untitled.xml"/>
<outline text="Gone Show" xmlUrl="$BASE/gone.xml"/>
<outline text="Old Name" xmlUrl="$BASE/b.xml"/>
</body></opml>
EOF2
DB3="$T/third.db"
"$PODCUE" --db "$DB3" import "$T/titles.opml" >/dev/null 2>&1
"$PODCUE" --db "$DB3" podcasts --json >"$T/p3.json"
check "import keeps the OPML title of a feed without one, or that failed" \
	jq_py "$T/p3.json" 'sorted((p["title"] or "", p["episodes"]) for p in d) == [("Gone Show", 0), ("Named In OPML", 1), ("Second Show", 1)]'
"$PODCUE" --db "$DB3" export "$T/titles-out.opml"
check "...and export writes it, not the URL" \
	python3 -c 'import sys,xml.etree.ElementTree as E; r=E.parse(sys.argv[1]).getroot(); o=sorted(x.get("text") or "" for x in r.iter("outline")); sys.exit(o != ["Gone Show", "Named In OPML", "Second Show"])' "$T/titles-out.opml"

# --- XDG and concurrency ---------------------------------------------------------------
check "without --db the cache goes to \$XDG_DATA_HOME/podcue" \
	sh -c '"$PODCUE" add "$1" >/dev/null 2>&1 && test -s "$XDG_DATA_HOME/podcue/podcue.db"' _ "$BASE/b.xml"
"$PODCUE" --db "$DB" --config "$T/fast.conf" refresh >/dev/null 2>"$T/c1" &
p1=$!
"$PODCUE" --db "$DB" --config "$T/fast.conf" refresh >/dev/null 2>"$T/c2" &
p2=$!
wait $p1
wait $p2
check "two refreshes at once: no 'database is locked'" sh -c '! grep -qi "locked\|busy" "$1" "$2"' _ "$T/c1" "$T/c2"
check "cache integrity after concurrent refreshes" sh -c 'test "$(sqlite3 "$1" "PRAGMA integrity_check")" = ok' _ "$DB"
check "schema is versioned and in WAL mode" \
	sh -c 'test "$(sqlite3 "$1" "PRAGMA user_version")" -ge 1 && test "$(sqlite3 "$1" "PRAGMA journal_mode")" = wal' _ "$DB"

finish
