#!/bin/sh
# End-to-end: downloads against the loopback server. A plain download
# (identity encoding, the exact bytes, `downloads --json` and `show --json`
# fields), one from a server without Range; a connection cut mid-body,
# then resumed (the server log shows a Range + If-Range request answered
# 206, the file byte-identical); a file changed between attempts (If-Range
# brings the whole new file, never a mix); a server announcing more than
# it sends (failed, never done); kill -9 mid-transfer, then resumed with
# the rest of the cache untouched; a title with "../", '/', an escape
# sequence and a newline (the file stays in its podcast's folder, named
# safely), two episodes with one name (unique), a size cap, a file: URL
# refused; `delete`; playback of the downloaded file with the server
# stopped, and back to streaming (said in the log) when the file is gone.
. "$(dirname "$0")/../lib.sh"

W="$T/www"
mkdir -p "$W" "$XDG_CONFIG_HOME/podcue"
start_server "$W"
SERVER=$!
LOG="$XDG_STATE_HOME/podcue/podcue.log"
DL="$XDG_DATA_HOME/podcue/downloads/Download Show"

head -c 1500000 /dev/urandom >"$W/a.mp3"
head -c 700000 /dev/urandom >"$W/b.bin"
head -c 900000 /dev/urandom >"$W/c.bin"
head -c 800000 /dev/urandom >"$W/e.bin"
head -c 400000 /dev/urandom >"$W/d.bin"
head -c 3000000 /dev/urandom >"$W/k.bin"
head -c 2000000 /dev/urandom >"$W/big.bin"
head -c 1000 /dev/urandom >"$W/h.mp3"
have_ffmpeg=0
if command -v ffmpeg >/dev/null 2>&1 &&
	ffmpeg -v error -f lavfi -i "sine=frequency=440:duration=2" -c:a libmp3lame \
		"$W/p.mp3" 2>/dev/null; then
	have_ffmpeg=1
else
	cp "$W/h.mp3" "$W/p.mp3"
fi

D="Wed, 14 May 2025 10:00:00 GMT"
rss "Download Show" \
	"a|Plain one|$D|0:03|$BASE/a.mp3" \
	"b|No range|Tue, 13 May 2025 10:00:00 GMT|0:03|$BASE/_/norange/b.bin" \
	"c|Cut short|Mon, 12 May 2025 10:00:00 GMT|0:03|$BASE/_/cut/c.bin?at=300000" \
	"e|Changed between|Sun, 11 May 2025 10:00:00 GMT|0:03|$BASE/_/cut/e.bin?at=200000" \
	"d|Liar|Sat, 10 May 2025 10:00:00 GMT|0:03|$BASE/_/lie/d.bin?extra=5000" \
	"k|Killed|Fri, 09 May 2025 10:00:00 GMT|0:03|$BASE/_/cut/k.bin?at=3000000&amp;rate=400000" \
	"h|Hostile|Thu, 08 May 2025 10:00:00 GMT|0:03|$BASE/h.mp3" \
	"t1|Same name|Wed, 07 May 2025 10:00:00 GMT|0:03|$BASE/h.mp3?1" \
	"t2|Same name|Wed, 07 May 2025 10:00:00 GMT|0:03|$BASE/h.mp3?2" \
	"big|Big|Tue, 06 May 2025 10:00:00 GMT|0:03|$BASE/big.bin" \
	"u|Unsized|Tue, 06 May 2025 09:00:00 GMT|0:03|$BASE/_/huge?mb=3" \
	"f|Local file|Mon, 05 May 2025 10:00:00 GMT|0:03|file:///etc/passwd" \
	"r1|Slow one|Sun, 04 May 2025 09:00:00 GMT|0:03|$BASE/_/norange/d.bin?rate=800000&amp;n=1" \
	"r2|Slow two|Sun, 04 May 2025 08:00:00 GMT|0:03|$BASE/_/norange/d.bin?rate=800000&amp;n=2" \
	"r3|Slow three|Sun, 04 May 2025 07:00:00 GMT|0:03|$BASE/_/norange/d.bin?rate=800000&amp;n=3" \
	"z|Zed|Sat, 01 Mar 2025 10:00:00 GMT|0:03|$BASE/_/norange/k.bin?rate=500000" \
	"p|Playable|Sun, 04 May 2025 10:00:00 GMT|0:02|$BASE/p.mp3" >"$W/feed.xml"
check "add the feed" pc add "$BASE/feed.xml"
id_of() { sq "SELECT id FROM episode WHERE guid = '$1'"; }
A=$(id_of a) B=$(id_of b) C=$(id_of c) E=$(id_of e) L=$(id_of d) K=$(id_of k) H=$(id_of h)
Z=$(id_of z) T1=$(id_of t1) T2=$(id_of t2) BIG=$(id_of big) F=$(id_of f) P=$(id_of p) U=$(id_of u)
# reqs PATH-PART: the server log lines of requests whose path contains it.
reqs() { grep -F "\"path\": \"$1" "$HTTPLOG"; }

# ---- a plain download ------------------------------------------------------

pc download "$A" >"$T/a.out" 2>&1
st=$?
check "download exits 0" test "$st" = 0
check "...the file is byte-identical, named DATE TITLE.EXT in the podcast's folder" \
	cmp "$W/a.mp3" "$DL/2025-05-14 Plain one.mp3"
check "...no .part is left" test ! -e "$DL/2025-05-14 Plain one.mp3.part"
check "...plain lines when not on a terminal" grep -q "^episode $A: done, 1500000 bytes: " "$T/a.out"
reqs /a.mp3 >"$T/a.log"
check "...audio is not asked compressed (Accept-Encoding: identity)" \
	python3 -c "import json,sys; r=[json.loads(l) for l in open('$T/a.log')]; sys.exit(not r or any(x['accept_encoding'] != 'identity' for x in r))"
pc downloads --json >"$T/dl.json"
check "downloads --json has exactly the documented fields" jq_py "$T/dl.json" \
	"d == [{'episode_id': $A, 'state': 'done', 'bytes': 1500000, 'total': 1500000, 'path': '$DL/2025-05-14 Plain one.mp3', 'error': None}]"
pc show "$A" --json >"$T/show.json"
check "show --json has download_path" jq_py "$T/show.json" "d['download_path'] == '$DL/2025-05-14 Plain one.mp3'"
pc show "$B" --json >"$T/show.json"
check "...null when not downloaded" jq_py "$T/show.json" "d['download_path'] is None"
pc download "$A" >"$T/a2.out" 2>&1
check "downloading it again says it is there, fetches nothing" \
	sh -c "grep -q 'already downloaded' '$T/a2.out' && test \$(grep -c '\"path\": \"/a.mp3' '$HTTPLOG') = 1"

pc download "$B" >/dev/null 2>&1
check "a server without Range: downloaded whole" cmp "$W/b.bin" "$DL/2025-05-13 No range.bin"

# Three from one host with download_jobs 3: two at a time.
pc download "$(id_of r1)" "$(id_of r2)" "$(id_of r3)" >/dev/null 2>&1
st=$?
reqs "/_/norange/d.bin?rate" >"$T/r.log"
check "three downloads from one host run at most two at a time, and two do" \
	sh -c "test $st = 0 && python3 -c \"import json,sys; r=[json.loads(l) for l in open('$T/r.log')]; sys.exit(not (len(r) == 3 and max(x['active'] for x in r) == 2 and max(x['t0'] for x in r) > min(x['t1'] for x in r) + 0.2))\""

# ---- a cut, then a resume --------------------------------------------------

pc download "$C" >"$T/c.out" 2>"$T/c.err"
st=$?
check "a connection cut mid-body: exit 1, the reason on stderr" \
	sh -c "test $st = 1 && grep -q 'connection closed early' '$T/c.err'"
check "...the partial file is kept, no final file" \
	sh -c "test \$(stat -c %s '$DL/2025-05-12 Cut short.bin.part') = 300000 && test ! -e '$DL/2025-05-12 Cut short.bin'"
check "...the cache says failed, never done" test "$(sq "SELECT state FROM download WHERE episode_id = $C")" = failed
pc download "$C" >"$T/c2.out" 2>&1
st=$?
check "the next download resumes and completes" test "$st" = 0
check "...byte-identical" cmp "$W/c.bin" "$DL/2025-05-12 Cut short.bin"
reqs /_/cut/c.bin | tail -1 >"$T/c.log"
check "...the server saw Range from the cut with If-Range, and answered 206" jq_py "$T/c.log" \
	"d['range'] == 'bytes=300000-' and d['status'] == 206 and d['if_range'].startswith('\"')"
check "...and said so" grep -q "resuming from byte 300000" "$T/c2.out"

# Killed between the last byte and the rename: the whole file is the .part.
mv "$DL/2025-05-12 Cut short.bin" "$DL/2025-05-12 Cut short.bin.part"
sq "UPDATE download SET state = 'running' WHERE episode_id = $C"
pc download "$C" >/dev/null 2>&1
st=$?
check "a whole .part (killed before the rename) completes without a transfer" \
	sh -c "test $st = 0 && cmp '$W/c.bin' '$DL/2025-05-12 Cut short.bin' && test ! -e '$DL/2025-05-12 Cut short.bin.part'"
reqs /_/cut/c.bin | tail -1 >"$T/c.log"
check "...the server answered its Range with 416" jq_py "$T/c.log" "d['range'] == 'bytes=900000-' and d['status'] == 416"

# ---- the file changed between attempts ------------------------------------

pc download "$E" >/dev/null 2>&1
head -c 850000 /dev/urandom >"$W/e.bin"
touch -d '2030-01-01' "$W/e.bin"
pc download "$E" >"$T/e.out" 2>&1
st=$?
check "a changed file: If-Range brings the whole new file (exit 0)" test "$st" = 0
check "...identical to the new version, no mix" cmp "$W/e.bin" "$DL/2025-05-11 Changed between.bin"
check "...said it started over" grep -q "starting over from 0" "$T/e.out"
reqs /_/cut/e.bin | tail -1 >"$T/e.log"
check "...the server answered the If-Range with 200" jq_py "$T/e.log" \
	"d['range'] == 'bytes=200000-' and d['status'] == 200"

# ---- a server lying about the length --------------------------------------

pc download "$L" >/dev/null 2>"$T/l.err"
st=$?
check "a server announcing more than it sends: exit 1" test "$st" = 1
pc download 99999 >/dev/null 2>&1
check "an unknown episode: exit 1" test $? = 1
sq "UPDATE episode SET enclosure_url = '$BASE/nothere.mp3' WHERE id = $T1"
pc download "$T1" >/dev/null 2>"$T/404.err"
st=$?
check "a 404: exit 1, HTTP 404 said, no file or partial left" \
	sh -c "test $st = 1 && grep -q 'HTTP 404' '$T/404.err' && test -z \"\$(find '$DL' -name '*Same name*')\""
pc delete "$T1" >/dev/null
sq "UPDATE episode SET enclosure_url = '$BASE/h.mp3?1' WHERE id = $T1"
lstate=$(sq "SELECT state FROM download WHERE episode_id = $L")
check "...not done, no final file" sh -c "test '$lstate' = failed && test ! -e '$DL/2025-05-10 Liar.bin'"
pc downloads --json >"$T/dl.json"
check "...downloads --json shows the error, no path" jq_py "$T/dl.json" \
	"[(x['state'], x['path'], 'closed early' in x['error']) for x in d if x['episode_id'] == $L] == [('failed', None, True)]"

# ---- kill -9, then resume --------------------------------------------------

before=$(sq "SELECT group_concat(episode_id || state || bytes || coalesce(path, ''), ' ') FROM download WHERE episode_id <> $K")
ep_before=$(sq "SELECT group_concat(id || played || coalesce(position, ''), ' ') FROM episode")
"$PODCUE" --db "$DB" download "$K" >/dev/null 2>&1 &
pid=$!
i=0
part="$DL/2025-05-09 Killed.bin.part"
while [ $i -lt 100 ] && [ "$(stat -c %s "$part" 2>/dev/null || echo 0)" -lt 400000 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill -9 "$pid"
wait "$pid" 2>/dev/null
have=$(stat -c %s "$part" 2>/dev/null || echo 0)
pc downloads --json >"$T/dl.json"
check "downloads --json shows a killed download as interrupted, not running" jq_py "$T/dl.json" \
	"[(x['state'], x['error']) for x in d if x['episode_id'] == $K] == [('failed', 'interrupted (download again to resume)')]"
check "kill -9 mid-transfer leaves a partial file ($have bytes)" \
	sh -c "test $have -gt 0 && test $have -lt 3000000 && test ! -e '$DL/2025-05-09 Killed.bin'"
check "...and nothing else in the cache changed" \
	sh -c "test \"$(sq "SELECT group_concat(episode_id || state || bytes || coalesce(path, ''), ' ') FROM download WHERE episode_id <> $K")\" = \"$before\" && test \"$(sq "SELECT group_concat(id || played || coalesce(position, ''), ' ') FROM episode")\" = \"$ep_before\""
pc download "$K" >"$T/k.out" 2>&1
st=$?
check "the next run resumes from the partial file" \
	sh -c "test $st = 0 && grep -q 'resuming from byte $have' '$T/k.out'"
check "...byte-identical" cmp "$W/k.bin" "$DL/2025-05-09 Killed.bin"
reqs /_/cut/k.bin | tail -1 >"$T/k.log"
check "...with a 206 from where the file ended" jq_py "$T/k.log" \
	"d['range'] == 'bytes=$have-' and d['status'] == 206"

# Two processes never write one partial file.
pc delete "$K" >/dev/null
"$PODCUE" --db "$DB" download "$K" >/dev/null 2>&1 &
pid=$!
i=0
while [ $i -lt 100 ] && [ "$(stat -c %s "$part" 2>/dev/null || echo 0)" -lt 100000 ]; do
	sleep 0.1
	i=$((i + 1))
done
pc downloads --json >"$T/dl.json"
check "...while one runs, downloads --json says running" jq_py "$T/dl.json" \
	"[x['state'] for x in d if x['episode_id'] == $K] == ['running']"
pc download "$K" >/dev/null 2>"$T/k2.err"
st=$?
kill -9 "$pid"
wait "$pid" 2>/dev/null
check "a second podcue downloading the same episode is refused" \
	sh -c "test $st = 1 && grep -q 'another podcue' '$T/k2.err'"
pc download "$K" >/dev/null 2>&1
check "...and the next run still ends byte-identical" cmp "$W/k.bin" "$DL/2025-05-09 Killed.bin"

# ---- hostile names, collisions, caps, schemes -------------------------------

esc=$(printf '\033')
sq "UPDATE episode SET title = '../../../evil' || char(27) || '[31m/x' || char(10) || 'y' WHERE id = $H"
pc download "$H" >/dev/null 2>&1
check "a title with ../, /, an escape sequence and a newline: downloaded" \
	test "$(sq "SELECT state FROM download WHERE episode_id = $H")" = done
hp=$(sq "SELECT path FROM download WHERE episode_id = $H")
check "...inside its podcast's folder, named safely ($hp)" \
	sh -c "test \"\$(dirname \"\$1\")\" = \"$DL\" && test -f \"\$1\"" - "$hp"
check "...no control byte, no '..' in the name" \
	sh -c "! printf '%s' \"\$1\" | grep -q \"[$esc[:cntrl:]]\" && ! basename \"\$1\" | grep -qF .." - "$hp"
check "...nothing was written outside the downloads folder" \
	test "$(find "$XDG_DATA_HOME" "$T" -name '*evil*' | grep -vc "^$DL/")" = 0
pc download "$T1" "$T2" >/dev/null 2>&1
check "two episodes with one name get two files" \
	sh -c "test -f '$DL/2025-05-07 Same name.mp3' && test -f '$DL/2025-05-07 Same name (2).mp3'"
printf 'set max_download_mb 1\n' >"$T/cap.conf"
pc --config "$T/cap.conf" download "$BIG" >/dev/null 2>"$T/big.err"
st=$?
check "a file over max_download_mb is refused" \
	sh -c "test $st = 1 && grep -q 'too large' '$T/big.err' && test ! -e '$DL/2025-05-06 Big.bin'"
# A full disk: a 1 MiB tmpfs as the download folder (needs root).
MNT="$T/full"
mkdir -p "$MNT"
if mount -t tmpfs -o size=1m tmpfs "$MNT" 2>/dev/null; then
	trap 'umount "$MNT" 2>/dev/null; cleanup' EXIT INT TERM
	printf 'set download_dir %s\n' "$MNT" >"$T/full.conf"
	pc delete "$BIG" >/dev/null 2>&1 # forget the refused one's name
	pc --config "$T/full.conf" download "$BIG" >/dev/null 2>"$T/full.err"
	st=$?
	check "a file larger than the free space is refused before the transfer" \
		sh -c "test $st = 1 && grep -q 'not enough free space' '$T/full.err'"
	pc --config "$T/full.conf" download "$U" >/dev/null 2>"$T/full.err"
	st=$?
	upart=$(find "$MNT" -name '*.part' -size +1k | head -1)
	check "a disk that fills up mid-transfer: a clear error, the partial kept" \
		sh -c "test $st = 1 && grep -q 'disk full' '$T/full.err' && test -n '$upart'"
	check "...never done" test "$(sq "SELECT state FROM download WHERE episode_id = $U")" = failed
	umount "$MNT"
else
	skip "a full disk" "cannot mount a tmpfs (not root)"
fi
pc download "$F" >/dev/null 2>"$T/f.err"
st=$?
check "a file: enclosure is refused" sh -c "test $st = 1 && grep -q 'only http and https' '$T/f.err'"
pc download --podcast nosuch >/dev/null 2>&1
check "download --podcast of an unknown podcast: exit 1" test $? = 1
pc download abc >/dev/null 2>&1
check "download with a bad id: exit 2" test $? = 2

# ---- marks in the interface's episode list ---------------------------------

if have_tmux; then
	tui_start 150 45
	if tui_wait "Liar" 15; then
		# line_of TITLE: the screen line of an episode row.
		line_of() { grep -F -- "$1" "$T/screen" | head -1; }
		tui_screen >/dev/null
		check "the episode list marks a downloaded episode ↓" \
			sh -c "printf '%s' \"\$1\" | grep -q '↓ *0:03'" - "$(line_of "Plain one")"
		check "...a failed one ↓!" sh -c "printf '%s' \"\$1\" | grep -q '↓!'" - "$(line_of "Liar")"
		check "...and none on one never downloaded" \
			sh -c "! printf '%s' \"\$1\" | grep -q '↓'" - "$(line_of "Local file")"
		# D downloads the selected episode without stopping the interface;
		# D again cancels (the partial kept); D once more completes it.
		tui_keys l G
		tui_wait "Zed" 5
		tui_keys D
		tui_check "D downloads the selected episode" "downloading episode $Z"
		tui_keys D
		tui_check "D again cancels it" "episode $Z: cancelled"
		state=$(sq "SELECT state || ',' || error FROM download WHERE episode_id = $Z")
		check "...the cache says failed, cancelled" test "$state" = "failed,cancelled"
		tui_screen >/dev/null
		check "...the list marks it ↓!" sh -c "printf '%s' \"\$1\" | grep -q '↓!'" - "$(line_of "2025-03-01  Zed")"
		tui_keys D
		tui_check "D once more downloads it to the end" "episode $Z downloaded" 30
		check "...byte-identical" cmp "$W/k.bin" "$DL/2025-03-01 Zed.bin"
	else
		not_ok "the interface shows the episodes" "$(tui_screen)"
	fi
	tui_stop
else
	skip "marks in the episode list" "tmux is not installed"
fi

# ---- delete, and playing what is on disk -----------------------------------

pc delete "$A" >/dev/null
rows="$(sq "SELECT count(*) FROM download WHERE episode_id = $A")/$(sq "SELECT count(*) FROM episode WHERE id = $A")"
check "delete removes the file and the row, keeps the episode" \
	sh -c "test ! -e '$DL/2025-05-14 Plain one.mp3' && test '$rows' = 0/1"
pc delete "$A" >/dev/null 2>&1
check "...a second delete: exit 1" test $? = 1

pc download --podcast "$(sq "SELECT id FROM podcast")" --latest 1 >/dev/null 2>&1
check "download --podcast --latest 1 downloads the newest episode" \
	test -f "$DL/2025-05-14 Plain one.mp3"

if [ "$have_ffmpeg" = 1 ]; then
	pc download "$P" >/dev/null 2>&1
	pp=$(sq "SELECT path FROM download WHERE episode_id = $P")
	rm -f "$pp"
	timeout 60 "$PODCUE" --db "$DB" --mpv-option ao=null play "$P" </dev/null >/dev/null 2>&1
	played=$(sq "SELECT played FROM episode WHERE id = $P")
	check "a downloaded file that is gone: played from the URL, said in the log" \
		sh -c "grep -q 'is gone; streaming' '$LOG' && test '$played' = 1"
	sq "UPDATE episode SET played = 0, position = NULL WHERE id = $P"
	pc download "$P" >/dev/null 2>&1
	kill "$SERVER"
	wait "$SERVER" 2>/dev/null
	timeout 60 "$PODCUE" --db "$DB" --mpv-option ao=null play "$P" </dev/null >"$T/p.out" 2>&1
	st=$?
	played=$(sq "SELECT played FROM episode WHERE id = $P")
	check "with the server stopped, a downloaded episode plays to its end" \
		sh -c "test $st = 0 && test '$played' = 1 && grep -q 'playing the downloaded file' '$LOG'"
else
	skip "playback of a downloaded episode" "ffmpeg is not installed"
fi
finish
