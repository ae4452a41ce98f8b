#!/bin/sh
# End-to-end: deleting downloads never loses what it must not.
# A cache row whose path leads outside the download folder, or is a
# symlink, is forgotten and its file kept (said) by delete and remove;
# remove refuses, deleting nothing, when any file of the podcast is still
# downloading (its .part locked); a remove whose cache write fails keeps
# the files; a cleanup keeps the file `podcue play` is playing (said).
. "$(dirname "$0")/../lib.sh"

W="$T/www"
mkdir -p "$W" "$XDG_CONFIG_HOME/podcue" "$T/precious"
start_server "$W"
DL="$XDG_DATA_HOME/podcue/downloads"
S="$DL/Safe Show"
for f in 1 2 3; do head -c 50000 /dev/urandom >"$W/s$f.mp3"; done
item() { echo "s$1|Safe $1|0$1 May 2025 10:00:00 GMT|0:03|$BASE/s$1.mp3"; }
rss "Safe Show" "$(item 3)" "$(item 2)" "$(item 1)" >"$W/safe.xml"
check "add the feed" pc add "$BASE/safe.xml"
id_of() { sq "SELECT id FROM episode WHERE guid = '$1'"; }
S1=$(id_of s1) S2=$(id_of s2) S3=$(id_of s3)
POD=$(sq "SELECT id FROM podcast WHERE title = 'Safe Show'")
check "download three episodes" pc download "$S1" "$S2" "$S3"
echo thesis >"$T/precious/thesis.txt"
echo notes >"$T/precious/notes.txt"
OUTSIDE="$S/../../../../../../../../../../../..$T/precious/thesis.txt"
ln -s "$T/precious/notes.txt" "$S/evil.mp3"
# row EPISODE PATH [STATE]: the cache says EPISODE's file is PATH.
row() {
	sq "DELETE FROM download WHERE episode_id = $1;
	    INSERT INTO download (episode_id, state, bytes, path, updated)
	    VALUES ($1, '${3:-done}', 6, '$2', strftime('%s','now'))"
}

# ---- delete: only inside the download folder, never through a link ---------

row "$S1" "$OUTSIDE"
pc delete "$S1" >"$T/d1.out" 2>"$T/d1.err"
check "delete of a row leading outside the download folder keeps the file" \
	sh -c "test \"\$(cat '$T/precious/thesis.txt')\" = thesis"
check "...says so, and forgets the row" \
	sh -c "grep -q 'kept .*thesis.txt: outside the download folder' '$T/d1.err' && test $(sq "SELECT count(*) FROM download WHERE episode_id = $S1") = 0"
row "$S2" "$S/evil.mp3"
pc delete "$S2" >"$T/d2.out" 2>"$T/d2.err"
check "delete of a row that is a symlink keeps the file it points to (said)" \
	sh -c "test \"\$(cat '$T/precious/notes.txt')\" = notes && grep -q 'kept .*evil.mp3: a symbolic link' '$T/d2.err'"

# ---- remove refuses before deleting anything -------------------------------

# An older episode still downloading: another process holds its .part.
cat >"$T/flock.py" <<'EOF'
import fcntl, os, sys, time
f = open(sys.argv[1], "a")
fcntl.flock(f, fcntl.LOCK_EX)
open(sys.argv[2], "w").close()
while not os.path.exists(sys.argv[3]):
    time.sleep(0.02)
EOF
row "$S1" "$S/2025-05-01 Safe 1.mp3" running
rm -f "$T/fl.ready" "$T/fl.release"
python3 "$T/flock.py" "$S/2025-05-01 Safe 1.mp3.part" "$T/fl.ready" "$T/fl.release" &
FLPID=$!
poll_start 10
until [ -e "$T/fl.ready" ]; do poll_more || break; done
pc remove "$POD" >"$T/r1.out" 2>&1
st=$?
check "remove refuses while an older episode is downloading" \
	sh -c "test $st = 1 && grep -q 'episode $S1 is downloading' '$T/r1.out'"
check "...and deletes nothing: the newer finished file stays" \
	sh -c "test -e '$S/2025-05-03 Safe 3.mp3' && test $(sq "SELECT count(*) FROM download WHERE episode_id = $S3") = 1"
: >"$T/fl.release"
wait "$FLPID"

# ---- a remove whose cache write fails keeps the files ----------------------

lock_start 60 || not_ok "take the lock"
pc remove "$POD" >"$T/r2.out" 2>&1
st=$?
lock_release
check "a remove that cannot write the cache fails" test "$st" = 1
check "...and keeps the podcast's files" \
	sh -c "test -e '$S/2025-05-03 Safe 3.mp3' && test $(sq "SELECT count(*) FROM podcast WHERE id = $POD") = 1"

# ---- remove: only inside the download folder -------------------------------

row "$S1" "$OUTSIDE"
row "$S2" "$S/evil.mp3"
pc remove "$POD" >"$T/r3.out" 2>"$T/r3.err"
st=$?
check "remove of rows leading outside or through a link keeps those files" \
	sh -c "test $st = 0 && test \"\$(cat '$T/precious/thesis.txt')\" = thesis && test \"\$(cat '$T/precious/notes.txt')\" = notes"
check "...says so" \
	sh -c "grep -q 'kept .*thesis.txt: outside the download folder' '$T/r3.err' && grep -q 'kept .*evil.mp3: a symbolic link' '$T/r3.err'"
check "...and deletes the podcast's own file" \
	sh -c "test ! -e '$S/2025-05-03 Safe 3.mp3' && grep -qx 'deleted 1 downloaded file' '$T/r3.out' && test $(sq "SELECT count(*) FROM podcast WHERE id = $POD") = 0"

# ---- a cleanup keeps the file being played ---------------------------------

if ! command -v ffmpeg >/dev/null 2>&1; then
	skip "a cleanup keeps the file being played" "ffmpeg is not installed"
	finish
fi
ffmpeg -nostdin -v error -y -f lavfi -i sine=frequency=440:duration=120 -ac 1 -ar 8000 \
	-c:a libmp3lame -b:a 16k "$W/long.mp3"
rss "Play Show" "pl|Played one|01 Jun 2025 10:00:00 GMT|2:00|$BASE/long.mp3" >"$W/play.xml"
pc add "$BASE/play.xml" >/dev/null
PL=$(id_of pl)
PF="$DL/Play Show/2025-06-01 Played one.mp3"
pc download "$PL" >/dev/null 2>&1
pc mark "$PL" played >/dev/null
echo "set delete_played_after 1" >"$XDG_CONFIG_HOME/podcue/config"
LOG="$XDG_STATE_HOME/podcue/podcue.log"
tui_start 100 10 --mpv-option ao=null play "$PL"
poll_start 20
until grep -q "episode $PL: playing the downloaded file" "$LOG" 2>/dev/null; do poll_more || break; done
old="UPDATE download SET updated = strftime('%s','now') - 3 * 86400 WHERE episode_id = $PL;
     UPDATE episode SET played = 1, last_played = (strftime('%s','now') - 3 * 86400) * 1000 WHERE id = $PL"
sq "$old"
pc downloads --cleanup >"$T/c1.out" 2>&1
check "a cleanup keeps the played file \`podcue play\` is playing" test -e "$PF"
check "...and says why" grep -q "kept episode $PL (played over 1 day ago): it is being played" "$T/c1.out"
tui_stop
poll_start 10
while tm has-session -t t 2>/dev/null; do poll_more || break; done
sq "$old"
pc downloads --cleanup >"$T/c2.out" 2>&1
check "...played no more, the next cleanup deletes it" \
	sh -c "test ! -e '$PF' && grep -q 'deleted episode $PL' '$T/c2.out'"
finish
