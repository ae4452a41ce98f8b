#!/bin/sh
# End-to-end: transcripts (podcast:transcript) served by the test server:
# `podcue transcript` in every format (SRT, WebVTT, word-level JSON, HTML),
# a mislabelled type, hostile files (escape sequences, too deep, too big, a
# refused scheme), several tags per item (the preferred one first, the next
# when it fails), conditional GET and a failed fetch retried later; search
# hits in transcripts (`podcue search --json`); and in tmux, a transcript
# hit that plays from its second and the transcript view following
# playback (T).
. "$(dirname "$0")/../lib.sh"

FIX="$ROOT/tests/fixtures/transcripts"
W="$T/www"
mkdir -p "$W/tx"
cp "$FIX"/* "$W/tx/"
start_server "$W"

# A transcript too deep to parse and one too big to fetch.
python3 -c 'print("[" * 100000 + "]" * 100000)' >"$W/tx/deep.json"
python3 -c '
import sys
with open(sys.argv[1], "w") as f:
    f.write("WEBVTT\n\n")
    for i in range(200000):
        f.write("00:00:%02d.000 --> 00:00:%02d.500\nfiller words to make it big %d\n\n" % (i % 60, i % 60, i))
' "$W/tx/huge.vtt"

item() { # item GUID TITLE ENCLOSURE TRANSCRIPT-TAGS
	printf '<item><guid>%s</guid><title>%s</title><pubDate>Wed, 14 May 2025 10:00:00 GMT</pubDate>' "$1" "$2"
	printf '<itunes:duration>1:00</itunes:duration><enclosure url="%s" type="audio/mpeg" length="1"/>' "$3"
	printf '%s</item>\n' "$4"
}
tag() { printf '<podcast:transcript url="%s" type="%s"/>' "$1" "$2"; }
{
	printf '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"'
	printf ' xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"'
	printf ' xmlns:podcast="https://podcastindex.org/namespace/1.0"><channel><title>Tidepool</title>\n'
	item srt "SRT episode" "$BASE/ep.mp3" "$(tag tx/spec.srt application/x-subrip)"
	item vtt "VTT episode" "$BASE/ep.mp3" "$(tag tx/spec.vtt text/vtt)"
	item json "JSON episode" "$BASE/ep.mp3" "$(tag tx/words.json application/json)"
	item html "HTML episode" "$BASE/ep.mp3" "$(tag tx/spec.html text/html)"
	item mislabel "Mislabelled episode" "$BASE/ep.mp3" "$(tag tx/spec.srt text/vtt)$(tag tx/phrases.json text/plain)"
	item several "Several transcripts" "$BASE/ep.mp3" "$(tag tx/spec.html text/html)$(tag tx/missing.json application/json)$(tag tx/spec.vtt text/vtt)"
	item esc "Escapes" "$BASE/ep.mp3" "$(tag tx/escapes.vtt text/vtt)"
	item deep "Deep" "$BASE/ep.mp3" "$(tag tx/deep.json application/json)"
	item huge "Huge" "$BASE/ep.mp3" "$(tag tx/huge.vtt text/vtt)"
	item file "Local file" "$BASE/ep.mp3" "$(tag file:///etc/passwd text/plain)"
	item gone "Gone" "$BASE/ep.mp3" "$(tag tx/later.srt application/srt)"
	item none "No transcript" "$BASE/ep.mp3" ""
	printf '</channel></rss>\n'
} >"$W/feed.xml"
check "add a feed with transcripts" pc add "$BASE/feed.xml"
id_of() { sq "SELECT id FROM episode WHERE guid = '$1'"; }
gets() { grep -c "\"path\": \"/tx/$1\"" "$HTTPLOG"; }

pc transcript "$(id_of srt)" --json >"$T/t.json"
check "SRT: the JSON contract, speakers from 'Name:'" jq_py "$T/t.json" \
	'[(s["start"], s["end"], s["speaker"]) for s in d] == [(0, 2.5, "Maya"), (2.5, 5.25, "Maya"), (5.25, 9, "Ravi"), (9, 12.75, "Ravi")] and d[2]["text"] == "Thanks Maya, I brought three logbooks from Orkney."'
pc transcript "$(id_of vtt)" --json >"$T/t.json"
check "WebVTT: voice tags, markup and entities" jq_py "$T/t.json" \
	'[(s["start"], s["speaker"], s["text"]) for s in d][:2] == [(0, "Maya", "Welcome back to Tidepool, the show about small harbours."), (4, "Ravi", "I brought three logbooks & a barometer.")]'
pc transcript "$(id_of json)" --json >"$T/t.json"
check "JSON: 25 words merged into 3 readable segments, split at the speaker" jq_py "$T/t.json" \
	'[(s["start"], s["end"], s["speaker"]) for s in d] == [(0.5, 6.1, "Maya"), (6.3, 8.9, "Maya"), (9.2, 10.9, "Ravi")] and d[1]["text"] == "They kept logbooks of every storm."'
pc transcript "$(id_of html)" --json >"$T/t.json"
check "HTML: cite, time and p" jq_py "$T/t.json" \
	'[(s["start"], s["speaker"]) for s in d] == [(0, "Maya"), (9, "Ravi"), (3723, "Maya")]'
pc transcript "$(id_of html)" >"$T/t.txt"
check "text output: time, speaker, text" grep -q '^ *0:09  Ravi: I brought three logbooks from Orkney.$' "$T/t.txt"
pc transcript "$(id_of mislabel)" --json >"$T/t.json"
check "mislabelled: an SRT served as text/vtt (preferred to text/plain) is read as SRT" jq_py "$T/t.json" \
	'len(d) == 4 and d[0]["speaker"] == "Maya" and d[3]["end"] == 12.75'
check "...(its format)" test "$(sq "SELECT format FROM transcript_file WHERE episode_id = $(id_of mislabel)")" = srt
sq "UPDATE transcript_file SET url = 'x' WHERE episode_id = $(id_of mislabel)"
sq "DELETE FROM transcript WHERE episode_id = $(id_of mislabel) AND url LIKE '%spec.srt'"
pc transcript "$(id_of mislabel)" --json >"$T/t.json"
check "...and JSON served as text/plain is read as JSON" jq_py "$T/t.json" \
	'[s["speaker"] for s in d] == ["Maya", "Ravi", None] and d[2]["start"] == 14'

pc transcript "$(id_of several)" --json >"$T/t.json" 2>"$T/err"
check "several tags: the missing JSON (404) is passed over for the VTT" jq_py "$T/t.json" \
	'len(d) == 4 and d[1]["text"] == "I brought three logbooks & a barometer."'
check "...the HTML one was not needed" test "$(gets spec.html)" = 1

pc transcript "$(id_of esc)" >"$T/t.txt"
check "escape sequences never reach the terminal" sh -c "! grep -q \"\$(printf '\\033')\" '$T/t.txt'"
check "...the words stay" grep -q "Hello clipboard red text" "$T/t.txt"

pc transcript "$(id_of deep)" >"$T/t.txt" 2>"$T/err"
check "too deep JSON: exit 1 with a reason" sh -c "test $? -eq 1 && grep -q 'nesting deeper' '$T/err'"
pc transcript "$(id_of huge)" >"$T/t.txt" 2>"$T/err"
check "too big a file: exit 1 with a reason" sh -c "test $? -eq 1 && grep -qi 'too large\|larger\|exceed' '$T/err'"
pc transcript "$(id_of file)" >"$T/t.txt" 2>"$T/err"
check "a file: URL in a remote feed is refused" sh -c "test $? -eq 1 && grep -q 'unsupported URL scheme' '$T/err'"
pc transcript "$(id_of none)" >"$T/t.txt" 2>"$T/err"
check "no transcript listed: exit 1" sh -c "test $? -eq 1 && grep -q 'lists no transcript' '$T/err'"
pc transcript 99999 >/dev/null 2>&1
check "an unknown episode: exit 1" test $? -eq 1
pc transcript >/dev/null 2>&1
check "no episode: usage error (2)" test $? -eq 2

# Conditional GET; a failure is retried only after a while.
n0=$(gets spec.srt)
pc transcript "$(id_of srt)" >/dev/null
check "a stored transcript is not fetched again at once" test "$(gets spec.srt)" = "$n0"
sq "UPDATE transcript_file SET fetched = fetched - 8 * 86400 WHERE episode_id = $(id_of srt)"
pc transcript "$(id_of srt)" --json >"$T/t.json"
check "a week later it is revalidated with If-None-Match (304) and kept" sh -c \
	"tail -1 '$HTTPLOG' | grep -q '\"status\": 304' && test \$(wc -l <'$HTTPLOG') -gt 0"
check "...the segments are still there" jq_py "$T/t.json" 'len(d) == 4'
pc transcript "$(id_of gone)" >/dev/null 2>&1
check "a missing file fails" test "$(gets later.srt)" = 1
cp "$FIX/spec.srt" "$W/tx/later.srt"
pc transcript "$(id_of gone)" >/dev/null 2>&1
check "...and is not asked for again at once" test "$(gets later.srt)" = 1
sq "UPDATE transcript_file SET fetched = fetched - 3700 WHERE episode_id = $(id_of gone)"
pc transcript "$(id_of gone)" --json >"$T/t.json"
check "...but an hour later it is, and succeeds" jq_py "$T/t.json" 'len(d) == 4'

check "a refresh keeps the stored transcripts" pc refresh
pc transcript "$(id_of json)" --json >"$T/t.json"
check "...(read back after the refresh)" jq_py "$T/t.json" 'len(d) == 3'

# ---- search ------------------------------------------------------------------
pc search barometer --json >"$T/s.json"
check "transcript hits, newest episode first: kind, episode, start and the words around it" jq_py "$T/s.json" \
	'[(h["kind"], h["episode_id"], h["start"]) for h in d] == [("transcript", '"$(id_of several)"', 4), ("transcript", '"$(id_of vtt)"', 4)] and all(h["title"].startswith("\u2026") and "barometer" in h["title"] for h in d)'
pc search winter gale --json >"$T/s.json"
check "several words, from the merged JSON words" jq_py "$T/s.json" \
	'any(h["kind"] == "transcript" and h["episode_id"] == '"$(id_of json)"' and h["start"] == 9.2 for h in d)'
pc search barometer >"$T/s.txt"
check "text output of a transcript hit" grep -q "0:04  Tidepool — …I brought three logbooks & a barometer.… (in VTT episode)" "$T/s.txt"
check "removing the podcast removes its transcripts from search" pc remove "$BASE/feed.xml"
pc search barometer --json >"$T/s.json"
check "...(no hit left)" jq_py "$T/s.json" 'd == []'
check "...and no segment left" test "$(sq 'SELECT count(*) FROM transcript_segment')" = 0

# ---- the interface: a search hit plays from its second; the view follows ----
if ! have_tmux || ! command -v ffmpeg >/dev/null 2>&1; then
	skip "transcripts in the interface" "tmux or ffmpeg is not installed"
	finish
fi
ffmpeg -nostdin -v error -y -f lavfi -i sine=frequency=440:duration=120 -ac 1 -ar 22050 \
	-c:a libmp3lame -b:a 32k "$W/talk.mp3" || { not_ok "generate audio"; finish; }
# Segments every 6 s from 0 s (long enough for a loaded machine to see
# each); "zeppelin" only in the one at 24 s.
python3 - "$W/tx/talk.vtt" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("WEBVTT\n\n")
    for i in range(20):
        words = "the zeppelin lands at noon" if i == 4 else "segment number %d" % i
        a, b = 6 * i, 6 * i + 6
        f.write("00:%02d:%02d.000 --> 00:%02d:%02d.000\n<v Host>%s\n\n" % (a // 60, a % 60, b // 60, b % 60, words))
PY
printf 'WEBVTT\n\n00:00:06.000 --> 00:00:09.000\nthe brothers montgolfier flew first\n' >"$W/tx/talk2.vtt"
{
	printf '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"'
	printf ' xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"'
	printf ' xmlns:podcast="https://podcastindex.org/namespace/1.0"><channel><title>Airships</title>\n'
	item balloon "Balloon talk" "$BASE/talk.mp3" "$(tag tx/talk2.vtt text/vtt)"
	item talk "Airship talk" "$BASE/talk.mp3" "$(tag tx/talk.vtt text/vtt)"
	printf '</channel></rss>\n'
} >"$W/talk.xml"
check "add a feed with a playable episode and its transcript" pc add "$BASE/talk.xml"
TALK=$(id_of talk)
check "fetch its transcript" pc transcript "$TALK"

tui_start 160 30 --mpv-option ao=null
tui_check "the interface starts" "Airships"
tui_keys l
tui_check_selected "l selects the first episode" "Balloon talk"
poll_start 15
while [ "$(gets talk2.vtt)" = 0 ] && poll_more; do :; done
check "the interface fetches the transcript of the episode on screen" test "$(gets talk2.vtt)" = 1
tui_keys /
tui_keys -l montgolfier
tui_keys Enter
tui_check "...and then it can be searched" "tx 0:06"
tui_keys Escape
tui_keys /
tui_keys -l zeppelin
tui_keys Enter
tui_check "/ finds the transcript segment" "tx 0:24"
tui_check_still "...with the words around the hit" "…the zeppelin lands at noon…"
t_play=$(date +%s)
tui_keys Enter
tui_check "Enter on the hit plays" "/ 2:00"
tui_keys Space
tui_check "pause" "⏸"
p=$(pos_of)
# The status line shows whole seconds (floored): 23 is 23.x, within a
# second of 24 (an MP3 seek lands on a frame, ~50 ms here); then it played
# for as long as the pause took to arrive, a few seconds on a loaded
# machine.
hi=$((25 + $(date +%s) - t_play))
if [ -n "$p" ] && [ "$p" -ge 23 ] && [ "$p" -le "$hi" ]; then
	ok "...within a second of the segment's time (at $p s, the hit is at 24 s)"
else
	not_ok "...within a second of the segment's time" "position: '$p' (want 23-$hi)" "$(cat "$T/screen")"
fi
tui_keys T
tui_check "T opens the transcript view on the playing episode" "Transcript: Airship talk (20)"
tui_check_selected "the playing segment is selected" "0:24  Host: the zeppelin lands at noon"
tui_check_still "...and marked as playing" "▶    0:24  Host: the zeppelin"
tui_keys Space
tui_check_selected "as playback goes on, the view follows: the next segment" "0:30  Host: segment number 5" 20
tui_check_selected "...and the one after" "0:36  Host: segment number 6" 20
# Paused, so the view does not follow on to 0:42 before Enter reaches the
# segment g selects, however slow the machine.
tui_keys Space
tui_check "pause again" "⏸"
tui_keys g
tui_check_selected "g moves to the first segment" "0:00  Host: segment number 0"
tui_keys Enter
tui_keys Space
tui_check_selected "Enter seeks there: the view follows from the start" "0:06  Host: segment number 1" 20
p=$(pos_of)
if [ -n "$p" ] && [ "$p" -lt 24 ]; then
	ok "...the position went back (at $p s)"
else
	not_ok "...the position went back" "position: '$p'" "$(cat "$T/screen")"
fi
tui_keys T
tui_check "T closes the view" 'Search "zeppelin" (1)'
tui_keys q

finish
