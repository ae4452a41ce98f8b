#!/bin/sh
# End-to-end: the download policies against the loopback server.
# auto_download (off by default; on for one podcast, a refresh downloads
# just the new episode), set-podcast (values, errors), keep_downloads
# (the newest N stay; an episode in the queue or in progress is never
# deleted), delete_played_after (the cache's timestamps moved back with
# sqlite3), download_cap_mb (played first, then the oldest), every
# deletion said; `remove` deletes the podcast's files and says how many;
# chapters embedded in a downloaded file read from the disk with the
# server stopped.
. "$(dirname "$0")/../lib.sh"

W="$T/www"
mkdir -p "$W" "$XDG_CONFIG_HOME/podcue"
start_server "$W"
SERVER=$!
DL="$XDG_DATA_HOME/podcue/downloads"
for f in 1 2 3 4 5; do head -c 100000 /dev/urandom >"$W/p$f.mp3"; done
for f in 1 2 3; do head -c 500000 /dev/urandom >"$W/c$f.mp3"; done

item() { echo "p$1|Pol $1|0$1 May 2025 10:00:00 GMT|0:03|$BASE/p$1.mp3"; }
rss "Policy Show" "$(item 3)" "$(item 2)" "$(item 1)" >"$W/pol.xml"
check "add the feed" pc add "$BASE/pol.xml"
id_of() { sq "SELECT id FROM episode WHERE guid = '$1'"; }
P1=$(id_of p1) P2=$(id_of p2) P3=$(id_of p3)
POD=$(sq "SELECT id FROM podcast WHERE title = 'Policy Show'")
nrows() { sq "SELECT count(*) FROM download"; }

# ---- auto_download ---------------------------------------------------------

rss "Policy Show" "$(item 4)" "$(item 3)" "$(item 2)" "$(item 1)" >"$W/pol.xml"
pc refresh >"$T/r1.out" 2>&1
check "auto_download is off by default: a refresh downloads nothing" \
	sh -c "test $? = 0 && test $(nrows) = 0 && ! grep -q downloading '$T/r1.out'"
P4=$(id_of p4)

pc set-podcast "$POD" auto_download maybe >"$T/sp.out" 2>&1
check "set-podcast refuses a bad value (exit 2)" \
	sh -c "test $? = 2 && grep -q 'bad value for auto_download' '$T/sp.out'"
pc set-podcast "$POD" nonsense 1 >/dev/null 2>&1
check "...and an unknown name" test $? = 2
pc set-podcast "$POD" auto_download on >"$T/sp.out"
check "set-podcast auto_download on, the others still the settings" \
	sh -c "grep -qx 'auto_download on' '$T/sp.out' && grep -qx 'keep_downloads 0 (the setting)' '$T/sp.out'"

rss "Policy Show" "$(item 5)" "$(item 4)" "$(item 3)" "$(item 2)" "$(item 1)" >"$W/pol.xml"
pc refresh >"$T/r2.out" 2>&1
st=$?
P5=$(id_of p5)
check "with auto_download on, a refresh downloads the new episode" \
	sh -c "test $st = 0 && grep -q 'downloading 1 new episode' '$T/r2.out' && cmp '$W/p5.mp3' '$DL/Policy Show/2025-05-05 Pol 5.mp3'"
check "...and only it (not the one the refresh before brought)" \
	test "$(sq "SELECT group_concat(episode_id) FROM download")" = "$P5"

cat >"$W/other.xml" <<EOF2
<rss version="2.0"><channel><title>Other Show</title>
<item><guid>o1</guid><title>Other</title><enclosure url="$BASE/p1.mp3" type="audio/mpeg" length="1"/></item>
</channel></rss>
EOF2
pc add "$BASE/other.xml" >/dev/null 2>&1
echo "set auto_download 1" >"$XDG_CONFIG_HOME/podcue/config"
pc refresh >/dev/null 2>&1
check "a podcast first fetched brings no new episodes to download" \
	test "$(sq "SELECT count(*) FROM download")" = 1
: >"$XDG_CONFIG_HOME/podcue/config"

# ---- keep_downloads, never the queue or in progress -----------------------

pc download "$P1" "$P2" "$P3" >/dev/null 2>&1
pc set-podcast "$POD" keep_downloads 2 >/dev/null
check "set-podcast keep_downloads 2" \
	test "$(sq "SELECT keep_downloads FROM download_policy WHERE podcast_id = $POD")" = 2
pc queue add "$P2" >/dev/null
sq "UPDATE episode SET position = 30, played = 0 WHERE id = $P1"
pc downloads --cleanup >"$T/k1.out" 2>&1
check "keep 2: nothing goes while the older two are queued or in progress" \
	sh -c "test $? = 0 && test ! -s '$T/k1.out' && test -e '$DL/Policy Show/2025-05-01 Pol 1.mp3' && test -e '$DL/Policy Show/2025-05-02 Pol 2.mp3'"
pc queue remove "$P2" >/dev/null
pc downloads --cleanup >"$T/k2.out" 2>&1
check "out of the queue, the older one goes (said); the one in progress stays" \
	sh -c "grep -qx 'deleted episode $P2 (keep_downloads 2): $DL/Policy Show/2025-05-02 Pol 2.mp3' '$T/k2.out' && test ! -e '$DL/Policy Show/2025-05-02 Pol 2.mp3' && test -e '$DL/Policy Show/2025-05-01 Pol 1.mp3' && test \$(wc -l <'$T/k2.out') = 1"
check "...the newest two stay" \
	sh -c "test -e '$DL/Policy Show/2025-05-05 Pol 5.mp3' && test -e '$DL/Policy Show/2025-05-03 Pol 3.mp3'"
check "...the episode itself stays, its download row goes" test \
	"$(sq "SELECT count(*) FROM episode WHERE id = $P2"),$(sq "SELECT count(*) FROM download WHERE episode_id = $P2")" = "1,0"
sq "UPDATE episode SET position = NULL WHERE id = $P1"
pc downloads --cleanup >"$T/k3.out" 2>&1
check "no longer in progress: it goes too" grep -q "deleted episode $P1 (keep_downloads 2)" "$T/k3.out"
pc set-podcast "$POD" keep_downloads default >/dev/null

# ---- delete_played_after ---------------------------------------------------

pc set-podcast "$POD" delete_played_after 3 >/dev/null
pc mark "$P5" played >/dev/null
pc downloads --cleanup >"$T/d1.out" 2>&1
check "played today: kept (3 days)" sh -c "test ! -s '$T/d1.out' && test -e '$DL/Policy Show/2025-05-05 Pol 5.mp3'"
sq "UPDATE download SET updated = strftime('%s','now') - 2 * 86400 WHERE episode_id IN ($P5, $P3)"
sq "UPDATE episode SET last_played = (strftime('%s','now') - 2 * 86400) * 1000 WHERE id = $P5"
pc downloads --cleanup >"$T/d2.out" 2>&1
check "played 2 days ago: kept" test ! -s "$T/d2.out"
sq "UPDATE download SET updated = strftime('%s','now') - 4 * 86400 WHERE episode_id IN ($P5, $P3)"
sq "UPDATE episode SET last_played = (strftime('%s','now') - 4 * 86400) * 1000 WHERE id = $P5"
pc downloads --cleanup >"$T/d3.out" 2>&1
check "played 4 days ago: deleted (said); an unplayed one as old stays" \
	sh -c "grep -qx 'deleted episode $P5 (played over 3 days ago): $DL/Policy Show/2025-05-05 Pol 5.mp3' '$T/d3.out' && test \$(wc -l <'$T/d3.out') = 1 && test -e '$DL/Policy Show/2025-05-03 Pol 3.mp3'"
pc set-podcast "$POD" delete_played_after default >/dev/null

# ---- download_cap_mb -------------------------------------------------------

rss "Cap Show" "c3|Cap 3|03 Jun 2025 10:00:00 GMT|0:03|$BASE/c3.mp3" \
	"c2|Cap 2|02 Jun 2025 10:00:00 GMT|0:03|$BASE/c2.mp3" \
	"c1|Cap 1|01 Jun 2025 10:00:00 GMT|0:03|$BASE/c1.mp3" >"$W/cap.xml"
pc add "$BASE/cap.xml" >/dev/null
C1=$(id_of c1) C2=$(id_of c2) C3=$(id_of c3)
pc download "$C1" "$C2" "$C3" >/dev/null 2>&1
pc mark "$C3" played >/dev/null
echo "set download_cap_mb 1" >"$XDG_CONFIG_HOME/podcue/config"
# 3 x 500000 + 100000 (Pol 3, downloaded "4 days ago") on disk; the cap is
# 1048576: the played one goes, then the oldest download.
pc downloads --cleanup >"$T/c.out" 2>&1
check "over the cap: the played one goes first, then the oldest, until under" \
	sh -c "grep -q 'deleted episode $C3 (over download_cap_mb 1)' '$T/c.out' && grep -q 'deleted episode $P3 (over download_cap_mb 1)' '$T/c.out' && test \$(wc -l <'$T/c.out') = 2 && test -e '$DL/Cap Show/2025-06-02 Cap 2.mp3' && test -e '$DL/Cap Show/2025-06-01 Cap 1.mp3'"
pc downloads --cleanup >"$T/c2.out" 2>&1
check "...under the cap, a cleanup deletes nothing" test ! -s "$T/c2.out"
: >"$XDG_CONFIG_HOME/podcue/config"

# ---- remove ----------------------------------------------------------------

pc download "$P1" >/dev/null 2>&1
: >"$DL/Policy Show/2025-05-04 Pol 4.mp3.part"
sq "INSERT INTO download (episode_id, state, bytes, path, updated) VALUES ($P4, 'failed', 0, '$DL/Policy Show/2025-05-04 Pol 4.mp3', 0)"
pc remove "$POD" >"$T/rm.out" 2>&1
check "remove deletes the podcast's downloaded and partial files, and says how many" \
	sh -c "test $? = 0 && grep -qx 'deleted 2 downloaded files' '$T/rm.out' && test ! -e '$DL/Policy Show'"
check "...the other podcasts' files stay" test -e "$DL/Cap Show/2025-06-02 Cap 2.mp3"

# ---- chapters from the downloaded file, no network ------------------------

if command -v ffmpeg >/dev/null 2>&1; then
	cat >"$T/meta.txt" <<'EOF2'
;FFMETADATA1
[CHAPTER]
TIMEBASE=1/1000
START=0
END=2000
title=Local intro
[CHAPTER]
TIMEBASE=1/1000
START=2000
END=4000
title=Local end
EOF2
	ffmpeg -loglevel error -f lavfi -i sine=frequency=440:duration=4 -i "$T/meta.txt" \
		-map_metadata 1 -map_chapters 1 -id3v2_version 3 -c:a libmp3lame -b:a 32k "$W/emb.mp3"
	rss "Chapter Show" "emb|Embedded|01 Jul 2025 10:00:00 GMT|0:04|$BASE/emb.mp3" >"$W/ch.xml"
	pc add "$BASE/ch.xml" >/dev/null
	EMB=$(id_of emb)
	pc download "$EMB" >/dev/null 2>&1
	kill "$SERVER"
	wait "$SERVER" 2>/dev/null
	pc chapters "$EMB" --json >"$T/ch.json" 2>"$T/ch.err"
	check "chapters embedded in the downloaded file, with the server stopped" jq_py "$T/ch.json" \
		'[(c["start"], c["title"], c["source"]) for c in d["chapters"]] == [(0, "Local intro", "embedded"), (2, "Local end", "embedded")]'
	check "...read from the disk: the server saw one request for the file, no Range" \
		sh -c "test \$(grep -c '\"path\": \"/emb.mp3' '$HTTPLOG') = 1 && ! grep '\"path\": \"/emb.mp3' '$HTTPLOG' | grep -q 'bytes=' && test ! -s '$T/ch.err'"
else
	skip "chapters from the downloaded file" "no ffmpeg"
fi
finish
