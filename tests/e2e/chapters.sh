#!/bin/sh
# End-to-end: chapters from show notes, Podlove PSC and Podcasting 2.0 JSON
# files fetched by the engine, merged, with past-the-end flags and hostile
# chapter URLs refused.
. "$(dirname "$0")/../lib.sh"

W="$T/www"
mkdir -p "$W/ch"
start_server "$W"

cat >"$W/ch/full.json" <<'EOF2'
{"version":"1.2.0","chapters":[
 {"startTime":0,"title":"Cold open"},
 {"startTime":12.5,"title":"Sponsor","toc":false},
 {"startTime":61.25,"title":"Main topic","url":"https://example.org/topic"},
 {"startTime":600,"endTime":700,"title":"Wrap-up"}]}
EOF2
cat >"$W/ch/placeholder.json" <<'EOF2'
{"version":"1.2.0","chapters":[{"startTime":0,"title":"Episode"}]}
EOF2
cat >"$W/feed.xml" <<EOF2
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"
 xmlns:podcast="https://podcastindex.org/namespace/1.0"
 xmlns:psc="http://podlove.org/simple-chapters"
 xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Chapter Show</title>
<item><guid>glued</guid><title>Run together</title><pubDate>Wed, 14 May 2025 10:00:00 GMT</pubDate>
<itunes:duration>1:05:00</itunes:duration>
<description>Follow us: https://example.org/showChapters00:00 - Intro01:27 - Lev's self-taught journey04:50 - Transition to Postgres1:01:03 - Where to find Lev</description></item>
<item><guid>json</guid><title>JSON wins</title><pubDate>Tue, 13 May 2025 10:00:00 GMT</pubDate>
<itunes:duration>15:00</itunes:duration>
<podcast:chapters url="ch/full.json" type="application/json+chapters"/>
<content:encoded><![CDATA[<p>00:00 - Intro</p><p>01:01 - Topic</p><p>10:00 - End</p>]]></content:encoded></item>
<item><guid>placeholder</guid><title>Placeholder loses</title><pubDate>Mon, 12 May 2025 10:00:00 GMT</pubDate>
<podcast:chapters url="ch/placeholder.json" type="application/json"/>
<content:encoded><![CDATA[<ul><li>0:00 – Hello</li><li>0:20 – Meet Marcel</li><li>(12:30) Deep dive</li><li>[1:02:03] Goodbye</li></ul>]]></content:encoded></item>
<item><guid>psc</guid><title>Podlove</title><pubDate>Sun, 11 May 2025 10:00:00 GMT</pubDate>
<itunes:duration>30:00</itunes:duration>
<psc:chapters version="1.2"><psc:chapter start="00:00:00.000" title="Start"/><psc:chapter start="00:03:07.250" title=""/><psc:chapter start="00:45:00" title="Bonus from the video cut"/></psc:chapters>
<description>00:00 Start
03:07 Filled from the notes
08:00 Notes only</description></item>
<item><guid>evil</guid><title>Hostile chapters URL</title><pubDate>Sat, 10 May 2025 10:00:00 GMT</pubDate>
<podcast:chapters url="file:///etc/passwd" type="application/json+chapters"/></item>
<item><guid>ms</guid><title>Milliseconds</title><pubDate>Thu, 08 May 2025 10:00:00 GMT</pubDate>
<psc:chapters version="1.2"><psc:chapter start="00:00:00" title="One"/><psc:chapter start="00:00:57.734" title="Two"/><psc:chapter start="00:01:02.1" title="Three"/></psc:chapters></item>
<item><guid>prose</guid><title>No chapters</title><pubDate>Fri, 09 May 2025 10:00:00 GMT</pubDate>
<description>We start at 19:00 sharp. The match ended 3:2 on a 16:9 screen.</description></item>
</channel></rss>
EOF2

check "add a feed with chapters in every shape" pc add "$BASE/feed.xml"
id_of() { sqlite3 "$DB" "SELECT id FROM episode WHERE guid = '$1'"; }

pc chapters "$(id_of glued)" --json >"$T/c.json"
check "run-together notes: every start and title" \
	jq_py "$T/c.json" '[(c["start"], c["title"], c["source"]) for c in d["chapters"]] == [(0, "Intro", "notes"), (87, "Lev'"'"'s self-taught journey", "notes"), (290, "Transition to Postgres", "notes"), (3663, "Where to find Lev", "notes")]'
check "chapters --json has the contract fields" \
	jq_py "$T/c.json" 'd["episode_id"] > 0 and d["duration"] == 3900 and all(set(("start","end","title","source","url","past_end")) <= set(c) for c in d["chapters"])'
check "ends come from the next chapter and the duration" \
	jq_py "$T/c.json" '[c["end"] for c in d["chapters"]] == [87, 290, 3663, 3900] and not any(c["past_end"] for c in d["chapters"])'

pc chapters "$(id_of json)" --json >"$T/c.json"
check "a JSON chapters file beats notes; fractions and urls kept" \
	jq_py "$T/c.json" '[(c["start"], c["title"], c["source"], c["url"]) for c in d["chapters"] if not c["hidden"]] == [(0, "Cold open", "json", None), (61.25, "Main topic", "json", "https://example.org/topic"), (600, "Wrap-up", "json", None)]'
check "toc:false chapters are included as hidden" \
	jq_py "$T/c.json" '[(c["start"], c["hidden"]) for c in d["chapters"] if c["hidden"]] == [(12.5, True)]'
check "endTime is honoured" jq_py "$T/c.json" '[c["end"] for c in d["chapters"] if c["title"] == "Wrap-up"] == [700]'
check "the chapters file was fetched during refresh" \
	python3 -c 'import json,sys; sys.exit(not any(json.loads(l)["path"] == "/ch/full.json" for l in open(sys.argv[1])))' "$HTTPLOG"

pc chapters "$(id_of placeholder)" --json >"$T/c.json"
check "a richer notes list beats a one-chapter placeholder" \
	jq_py "$T/c.json" '[(c["start"], c["title"], c["source"]) for c in d["chapters"]] == [(0, "Hello", "notes"), (20, "Meet Marcel", "notes"), (750, "Deep dive", "notes"), (3723, "Goodbye", "notes")]'

pc chapters "$(id_of psc)" --json >"$T/c.json"
check "Podlove chapters with milliseconds; a missing title filled from the notes" \
	jq_py "$T/c.json" '[(c["start"], c["title"], c["source"]) for c in d["chapters"]] == [(0, "Start", "psc"), (187.25, "Filled from the notes", "psc"), (2700, "Bonus from the video cut", "psc")]'
check "a chapter past the known duration is kept and flagged" \
	jq_py "$T/c.json" '[c["past_end"] for c in d["chapters"]] == [False, False, True]'
pc chapters "$(id_of psc)" >"$T/c.txt"
check "text output marks the chapter past the end" grep -q "45:00.*past the end" "$T/c.txt"

pc chapters "$(id_of ms)" --json >"$T/c.json"
check "JSON numbers are written as the decimals they were read from" \
	sh -c 'grep -q "\"start\": 57.734,\$" "$1" && grep -q "\"start\": 62.1,\$" "$1" && ! grep -q "[0-9]\.[0-9]*0000000" "$1"' _ "$T/c.json"

pc chapters "$(id_of evil)" --json >"$T/c.json" 2>"$T/err"
check "a file: chapters URL from a remote feed is refused with a message" grep -qi "unsupported URL scheme" "$T/err"
check "...and yields no chapters" jq_py "$T/c.json" 'd["chapters"] == []'
pc chapters "$(id_of prose)" --json >"$T/c.json"
check "times in prose are not chapters" jq_py "$T/c.json" 'd["chapters"] == []'

# The placeholder file grows into a real list; a stale placeholder is
# fetched again, a good file is not.
cat >"$W/ch/placeholder.json" <<'EOF2'
{"version":"1.2.0","chapters":[{"startTime":0,"title":"A"},{"startTime":30,"title":"B"},{"startTime":60,"title":"C"},{"startTime":90,"title":"D"},{"startTime":120,"title":"E"}]}
EOF2
sqlite3 "$DB" "UPDATE episode SET chapters_fetched = chapters_fetched - 86400"
: >"$HTTPLOG"
check "refresh again" pc refresh
check "a stale placeholder is fetched again; a good file is not" \
	python3 -c 'import json,sys; p=[json.loads(l)["path"] for l in open(sys.argv[1])]; sys.exit(not ("/ch/placeholder.json" in p and "/ch/full.json" not in p))' "$HTTPLOG"
pc chapters "$(id_of placeholder)" --json >"$T/c.json"
check "the grown JSON list now wins" jq_py "$T/c.json" '[c["title"] for c in d["chapters"]] == ["A","B","C","D","E"] and d["chapters"][0]["source"] == "json"'
sqlite3 "$DB" "UPDATE episode SET chapters_fetched = NULL WHERE guid = 'json'"
: >"$HTTPLOG"
pc chapters "$(id_of json)" --json >/dev/null
check "a refetch sends If-None-Match and gets 304" \
	python3 -c 'import json,sys; L=[json.loads(l) for l in open(sys.argv[1])]; a=[l for l in L if l["path"]=="/ch/full.json"]; sys.exit(not (a and a[-1]["if_none_match"] and a[-1]["status"]==304))' "$HTTPLOG"

# Show notes of other podcasts: numbered links must not leak into titles,
# a stray time keeps the list (with a warning), hours:minutes by duration.
cat >"$W/other.xml" <<'EOF2'
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"
 xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Other Shows</title>
<item><guid>links</guid><title>Links in titles</title><itunes:duration>50:00</itunes:duration>
<content:encoded><![CDATA[<p>Topics:</p><p>00:00 Hello and <a href="https://example.org/blog">the blog</a>
04:10 Slides (<a href="https://example.org/s">Slides</a>, <a href="https://example.org/v">Video</a>)
14:20 <a href="https://example.org/x">Guests</a> and links
20:00 Goodbye</p>]]></content:encoded></item>
<item><guid>stray</guid><title>Stray time</title><itunes:duration>1:00:00</itunes:duration>
<description>0:00:00 Welcome
0:10:00 First part
0:25:00 Second part
7:00 Mistyped
0:38:00 Third part
0:50:00 Farewell</description></item>
<item><guid>hm</guid><title>Two hours</title><itunes:duration>2:01:00</itunes:duration>
<description><![CDATA[<p>Begrüßung : 00:00 - 00:05</p><p>Erstes Thema : 00:05 - 00:40</p><p>Zweites Thema : 00:40 - 01:30</p><p>Verabschiedung : 01:58</p>]]></description></item>
</channel></rss>
EOF2
check "add a feed with other podcasts' note shapes" pc add "$BASE/other.xml"
pc chapters "$(id_of links)" --json >"$T/c.json"
check "titles keep a link's words, never its number; source lines read" \
	jq_py "$T/c.json" '[(c["start"], c["title"]) for c in d["chapters"]] == [(0, "Hello and the blog"), (250, "Slides (Slides, Video)"), (860, "Guests and links"), (1200, "Goodbye")] and d["warnings"] == []'
pc show "$(id_of links)" --json >"$T/s.json"
check "...while the reading text keeps its numbered links" \
	jq_py "$T/s.json" '"the blog [1]" in d["notes"]'
pc chapters "$(id_of stray)" --json >"$T/c.json"
check "a stray time keeps the list and the entry as written" \
	jq_py "$T/c.json" 'sorted(c["start"] for c in d["chapters"]) == [0, 420, 600, 1500, 2280, 3000] and any(c["title"] == "Mistyped" for c in d["chapters"])'
check "...and the list carries a warning" \
	jq_py "$T/c.json" 'len(d["warnings"]) == 1 and "7:00" in d["warnings"][0] and "out of order" in d["warnings"][0]'
pc chapters "$(id_of stray)" >"$T/c.txt"
check "...shown in the text listing too" grep -q 'note: 7:00 "Mistyped" is out of order in the notes' "$T/c.txt"
pc chapters "$(id_of hm)" --json >"$T/c.json"
check "titles before their times, ranges, hours:minutes from the duration" \
	jq_py "$T/c.json" '[(c["start"], c["title"]) for c in d["chapters"]] == [(0, "Begrüßung"), (300, "Erstes Thema"), (2400, "Zweites Thema"), (7080, "Verabschiedung")]'

# A cache whose notes chapters were found by an older finder reads its
# notes again at the next refresh, even for feeds that did not change.
notes_count() { sqlite3 "$DB" "SELECT count(*) FROM chapter WHERE source = 'notes'"; }
before=$(notes_count)
check "the cache records the finder's version" \
	test "$(sqlite3 "$DB" 'SELECT version FROM notes_finder')" -ge 2
sqlite3 "$DB" "DELETE FROM chapter WHERE source = 'notes'"
pc refresh >/dev/null 2>&1
check "a current cache is not read again" test "$(notes_count)" -eq 0
sqlite3 "$DB" "UPDATE notes_finder SET version = 1"
pc refresh >/dev/null 2>&1
check "an older finder's cache is read again at refresh" test "$(notes_count)" -eq "$before"
pc chapters "$(id_of stray)" --json >"$T/c.json"
check "...with the chapters the finder finds now" \
	jq_py "$T/c.json" 'len(d["chapters"]) == 6 and all(c["source"] == "notes" for c in d["chapters"])'

# Chapters inside the media file (ID3v2 CHAP), read from the file's head
# with an HTTP Range request, without playing it.
cat >"$T/meta.txt" <<'EOF2'
;FFMETADATA1
[CHAPTER]
TIMEBASE=1/1000
START=0
END=20000
title=Embedded intro
[CHAPTER]
TIMEBASE=1/1000
START=20000
END=41500
title=Søren’s café ☕
[CHAPTER]
TIMEBASE=1/1000
START=41500
END=60000
title=Embedded end
EOF2
if ffmpeg -loglevel error -f lavfi -i sine=frequency=440:duration=60 -i "$T/meta.txt" \
	-map_metadata 1 -map_chapters 1 -id3v2_version 3 -c:a libmp3lame -b:a 32k "$W/emb.mp3"; then
	ok "generate an MP3 with embedded chapters"
else
	not_ok "generate an MP3 with embedded chapters"
fi
cat >"$W/emb.xml" <<EOF2
<rss version="2.0"><channel><title>Embedded Show</title>
<item><guid>emb</guid><title>Embedded</title><enclosure url="emb.mp3" type="audio/mpeg" length="1"/></item>
<item><guid>gone-notes</guid><title>Notes, media gone</title><enclosure url="gone.mp3" type="audio/mpeg" length="1"/>
<description>00:00 Hello
05:00 Goodbye</description></item>
<item><guid>gone-bare</guid><title>Nothing, media gone</title><enclosure url="gone.mp3" type="audio/mpeg" length="1"/></item>
</channel></rss>
EOF2
check "add a feed whose media carries chapters" pc add "$BASE/emb.xml"
: >"$HTTPLOG"
pc chapters "$(id_of emb)" --json >"$T/c.json"
check "embedded chapters are read without playing" \
	jq_py "$T/c.json" '[(round(c["start"], 3), c["title"], c["source"]) for c in d["chapters"]] == [(0, "Embedded intro", "embedded"), (20, "Søren’s café ☕", "embedded"), (41.5, "Embedded end", "embedded")]'
check "...with an HTTP Range request for the head of the file" \
	python3 -c 'import json,sys; L=[json.loads(l) for l in open(sys.argv[1])]; a=[l for l in L if l["path"]=="/emb.mp3"]; sys.exit(not (len(a)==1 and (a[0]["range"] or "").startswith("bytes=0-")))' "$HTTPLOG"
: >"$HTTPLOG"
pc chapters "$(id_of emb)" --json >/dev/null
check "the media file is probed only once" sh -c '! grep -q emb.mp3 "$1"' _ "$HTTPLOG"
pc chapters "$(id_of gone-notes)" >/dev/null 2>"$T/err"
pc chapters "$(id_of gone-notes)" >/dev/null 2>>"$T/err"
check "with chapters from the notes the media file is not probed, and no error shows" \
	sh -c '! grep -q gone.mp3 "$1" && ! test -s "$2"' _ "$HTTPLOG" "$T/err"
pc chapters "$(id_of gone-bare)" >/dev/null 2>"$T/err"
check "with no chapters from anywhere, the media file's error is shown" grep -q "media file: .*404" "$T/err"

finish
