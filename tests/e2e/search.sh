#!/bin/sh
# End-to-end: `podcue search` over feeds served by the test server: episode
# titles, show notes, chapters from the notes and from a Podcasting 2.0
# JSON file (duplicates collapsed, toc:false hidden), text and --json
# output, user text that looks like search syntax, the exit statuses
# (0 hits, 1 none, 2 usage) and an index that follows refresh and remove.
. "$(dirname "$0")/../lib.sh"

W="$T/www"
mkdir -p "$W/ch"
start_server "$W"

cat >"$W/ch/pg.json" <<'EOF2'
{"version":"1.2.0","chapters":[
 {"startTime":0,"title":"Intro"},
 {"startTime":330,"title":"Vacuum deep dive (full)"},
 {"startTime":750,"title":"Wrap up"},
 {"startTime":900,"title":"Sponsor","toc":false}]}
EOF2
write_feed() {
	cat >"$W/feed.xml" <<EOF2
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"
 xmlns:podcast="https://podcastindex.org/namespace/1.0">
<channel><title>Search Show</title>
<item><guid>pg</guid><title>$1</title><pubDate>Wed, 14 May 2025 10:00:00 GMT</pubDate>
<itunes:duration>20:00</itunes:duration>
<podcast:chapters url="ch/pg.json" type="application/json+chapters"/>
<description>00:00 Intro
05:30 Vacuum deep dive
12:30 Questions</description></item>
<item><guid>cafe</guid><title>Crème brûlée at the café</title><pubDate>Tue, 13 May 2025 10:00:00 GMT</pubDate>
<description>We taste desserts with a pastry chef.</description></item>
<item><guid>k8s</guid><title>Kubernetes "the hard way"</title><pubDate>Mon, 12 May 2025 10:00:00 GMT</pubDate>
<description>Clusters from scratch.</description></item>
</channel></rss>
EOF2
}
write_feed "Postgres internals"
rss "Other Show" \
	"o1|Vacuum cleaners reviewed|Sun, 11 May 2025 10:00:00 GMT|10:00|$BASE/o1.mp3" \
	"o2|Gardening|Sat, 10 May 2025 10:00:00 GMT|10:00|$BASE/o2.mp3" >"$W/other.xml"

check "add a feed with chapters in the notes and a JSON chapters file" pc add "$BASE/feed.xml"
check "add a second feed" pc add "$BASE/other.xml"
id_of() { sqlite3 "$DB" "SELECT id FROM episode WHERE guid = '$1'"; }
PG=$(id_of pg)

pc search vacuum --json >"$T/s.json"
check "search --json exits 0 with hits" test $? -eq 0
check "--json is an array of hits with the contract fields" \
	jq_py "$T/s.json" 'isinstance(d, list) and len(d) > 0 and all(set(("kind","episode_id","title","start","podcast_id","podcast_title","episode_title")) <= set(h) and h["kind"] in ("episode","chapter") and isinstance(h["episode_id"], int) for h in d)'
check "a chapter hit carries its start" \
	jq_py "$T/s.json" '[(h["episode_id"], h["start"], h["episode_title"], h["podcast_title"]) for h in d if h["kind"] == "chapter"] == [('"$PG"', 330, "Postgres internals", "Search Show")]'
check "episode hits have start null (title match and notes match)" \
	jq_py "$T/s.json" 'sorted(h["title"] for h in d if h["kind"] == "episode" and h["start"] is None) == ["Postgres internals", "Vacuum cleaners reviewed"]'
check "the same chapter from the notes and the JSON file is one hit, the JSON one" \
	jq_py "$T/s.json" '[h["title"] for h in d if h["kind"] == "chapter"] == ["Vacuum deep dive (full)"]'

# libcurl is opened when a command first fetches, not at every start: the
# dynamic loader's log names each library as it loads (LD_DEBUG=files).
LD_DEBUG=files LD_DEBUG_OUTPUT="$T/ld-search" pc search vacuum >/dev/null 2>&1
check "a search never loads libcurl" \
	sh -c '[ -n "$(ls "$1".* 2>/dev/null)" ] && ! grep -q "file=libcurl" "$1".*' sh "$T/ld-search"
LD_DEBUG=files LD_DEBUG_OUTPUT="$T/ld-refresh" pc refresh >/dev/null 2>&1
check "a refresh loads libcurl when it fetches" \
	sh -c 'grep -q "file=libcurl.*dynamically loaded" "$1".*' sh "$T/ld-refresh"
if have_tmux; then
	tm -f /dev/null new-session -d -s ld -x 100 -y 30 \
		"env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=tmux-256color PODCUE_EXIT_AFTER_PAINT=1 LD_DEBUG=files LD_DEBUG_OUTPUT=$T/ld-tui $PODCUE --db $DB"
	poll_start 20
	while tm has-session -t ld 2>/dev/null && poll_more; do :; done
	check "the interface paints its first screen without loading libcurl" \
		sh -c '[ -n "$(ls "$1".* 2>/dev/null)" ] && ! grep -q "file=libcurl" "$1".*' sh "$T/ld-tui"
else
	skip "the interface paints its first screen without loading libcurl" "tmux not installed"
fi

pc search vacuum >"$T/s.txt"
check "text output: a chapter line with its time and episode" \
	grep -q "^ *$PG      5:30  Search Show — Vacuum deep dive (full) (in Postgres internals)$" "$T/s.txt"
check "text output: an episode line without a time" \
	grep -q "^ *[0-9][0-9]*            Other Show — Vacuum cleaners reviewed$" "$T/s.txt"

pc search questions --json >"$T/s.json"
check "a notes chapter with no JSON twin is found" \
	jq_py "$T/s.json" '[(h["title"], h["start"]) for h in d if h["kind"] == "chapter"] == [("Questions", 750)]'
pc search sponsor --json >"$T/s.json"
check "a toc:false chapter is not a hit (exit 1)" test $? -eq 1
check "...and --json prints an empty array" jq_py "$T/s.json" 'd == []'

pc search CREME brulee --json >"$T/s.json"
check "case and accents are ignored; words are joined" \
	jq_py "$T/s.json" '[h["title"] for h in d] == ["Crème brûlée at the café"]'
pc search vac --json >"$T/s.json"
check "the last word matches as a prefix" \
	jq_py "$T/s.json" 'any(h["title"] == "Vacuum cleaners reviewed" for h in d)'

pc search '"the hard' --json >"$T/s.json" 2>"$T/err"
check "a query with a quote character finds the episode" \
	jq_py "$T/s.json" '[h["title"] for h in d] == ["Kubernetes \"the hard way\""]'
check "...without any error" test ! -s "$T/err"
pc search 'NEAR(kubernetes' OR '-clusters*' 'title:' >"$T/s.txt" 2>"$T/err"
rc=$?
check "search syntax is plain text: operators are words (here: no hit, exit 1)" test $rc -eq 1
check "...and never an error" test ! -s "$T/err"
pc search -- -kubernetes >"$T/s.txt"
check "after --, a word may start with a dash" grep -q 'Kubernetes "the hard way"' "$T/s.txt"

pc search zyxwvut >"$T/s.txt" 2>"$T/err"
rc=$?
check "no hits: exit status 1" test $rc -eq 1
check "no hits: nothing printed" test ! -s "$T/s.txt" -a ! -s "$T/err"
pc search '!!! ☕' >/dev/null 2>"$T/err"
rc=$?
check "a query with no word in it: no hits (exit 1), no error" test $rc -eq 1 -a ! -s "$T/err"
for args in "" "--json" "'   '" "--bogus vacuum"; do
	eval "pc search $args" >/dev/null 2>"$T/err"
	rc=$?
	check "usage error (exit 2): search $args" test $rc -eq 2
done
check "usage error names the command" grep -q "usage: podcue search" "$T/err"

# The index follows refresh (a re-titled episode) and remove.
write_feed "Postgres internals, revised"
check "refresh after the episode was re-titled" pc refresh
pc search revised --json >"$T/s.json"
check "the new title is found" jq_py "$T/s.json" '[h["title"] for h in d] == ["Postgres internals, revised"]'
pc search vacuum --json >"$T/s.json"
check "chapter hits show the new episode title" \
	jq_py "$T/s.json" '[h["episode_title"] for h in d if h["kind"] == "chapter"] == ["Postgres internals, revised"]'
check "remove the second feed" pc remove "$BASE/other.xml"
pc search cleaners >/dev/null
rc=$?
check "a removed podcast leaves no hits" test $rc -eq 1

finish
