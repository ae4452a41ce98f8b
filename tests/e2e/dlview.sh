#!/bin/sh
# End-to-end in tmux: the downloads view (w). It lists downloads with
# state, size, percent and errors; the status line shows overall progress
# and speed while one runs; D cancels and downloads again; x (this view's
# own key) deletes a file, while x elsewhere is still queue-remove; Enter
# plays the downloaded file; Esc and w go back; a refresh downloads the
# new episode of a podcast with auto_download on; removing the podcast
# deletes its files.
. "$(dirname "$0")/../lib.sh"

if ! have_tmux; then
	skip "the downloads view" "tmux is not installed"
	finish
fi
W="$T/www"
mkdir -p "$W"
start_server "$W"
LOG="$XDG_STATE_HOME/podcue/podcue.log"
DL="$XDG_DATA_HOME/podcue/downloads/View Show"
head -c 3000000 /dev/urandom >"$W/s.bin"
head -c 400000 /dev/urandom >"$W/d.bin"
if ! ffmpeg -v error -f lavfi -i "sine=frequency=440:duration=2" -c:a libmp3lame \
	"$W/f.mp3" 2>/dev/null; then
	head -c 1000 /dev/urandom >"$W/f.mp3"
fi
rss "View Show" \
	"s|Slow one|Wed, 14 May 2025 10:00:00 GMT|0:03|$BASE/_/norange/s.bin?rate=250000" \
	"b|Broken one|Tue, 13 May 2025 10:00:00 GMT|0:03|$BASE/_/lie/d.bin?extra=5000" \
	"f|Fine one|Mon, 12 May 2025 10:00:00 GMT|0:02|$BASE/f.mp3" >"$W/feed.xml"
check "add the feed" pc add "$BASE/feed.xml"
id_of() { sq "SELECT id FROM episode WHERE guid = '$1'"; }
S=$(id_of s) B=$(id_of b) F=$(id_of f)
pc download "$F" >/dev/null 2>&1
pc download "$B" >/dev/null 2>&1
check "one download done, one failed" \
	test "$(sq "SELECT group_concat(state, ',') FROM (SELECT state FROM download ORDER BY episode_id)")" = "failed,done"

line_of() { tui_capture; grep -F -- "$1" "$T/screen" | head -1; }
tui_start 150 30 --mpv-option ao=null
if ! tui_wait "Fine one" 15; then
	not_ok "the interface shows the episodes" "$(tui_screen)"
	finish
fi
tui_keys w
tui_check "w opens the downloads view" "Downloads (2, "
check "...a failed row with its error" \
	sh -c "printf '%s' \"\$1\" | grep -q 'Broken one · View Show — connection closed early.*failed'" - "$(line_of "Broken one")"
check "...a done row with its size" \
	sh -c "printf '%s' \"\$1\" | grep -q 'Fine one · View Show.*done  *0\.0 MiB'" - "$(line_of "Fine one")"
tui_keys Escape
tui_wait_gone "Downloads (2, " 5
check "Esc goes back" sh -c '! grep -q "Downloads (" "$1"' - "$T/screen"

# The slow one, from the episode list: it runs, the status line shows it.
tui_keys l g
tui_keys D
tui_check "D downloads the selected episode" "downloading episode $S"
tui_check "the status line shows overall progress and speed" "MiB/s" 20
check "...with the running count and percent" \
	sh -c "grep -Eq '↓1 [0-9]+% [0-9.]+ MiB/s' '$T/screen'"
tui_keys w
tui_check "the view lists it running with a percent" "Slow one · View Show" 10
check "...running, n%, bytes of total" \
	sh -c "printf '%s' \"\$1\" | grep -Eq 'running +[0-9]+% +[0-9.]+/2\.9 MiB'" - "$(line_of "Slow one")"
tui_keys g D
tui_check "D in the view cancels the running one" "episode $S: cancelled"
check "...the row says failed, cancelled" \
	sh -c "printf '%s' \"\$1\" | grep -q 'cancelled.*failed'" - "$(line_of "Slow one")"
tui_keys D
tui_check "D again downloads it again (resumed)" "downloading episode $S"
tui_check "...to the end" "episode $S downloaded" 40
check "...byte-identical" cmp "$W/s.bin" "$DL/2025-05-14 Slow one.bin"

# x deletes in this view only.
tui_keys G
tui_wait "Fine one" 5
tui_keys x
tui_check "x in the view deletes the selected file" "episode $F: download deleted"
rows="$(sq "SELECT count(*) FROM download WHERE episode_id = $F")/$(sq "SELECT count(*) FROM episode WHERE id = $F")"
check "...the file and its row are gone, the episode stays" \
	sh -c "test ! -e '$DL/2025-05-12 Fine one.mp3' && test '$rows' = 0/1"
tui_check_still "...and the view lists the two left" "Downloads (2, "
check "...without it" test -z "$(line_of "Fine one")"
tui_keys w
tui_wait_gone "Downloads (" 5
tui_keys x
tui_check "x outside the view is still queue-remove" "not in the queue"
check "...and deletes nothing" test -e "$DL/2025-05-14 Slow one.bin"

# Enter plays the downloaded file.
tui_keys w G
tui_wait "Slow one" 5
tui_keys Enter
n=0
while ! grep -q "episode $S: playing the downloaded file" "$LOG" 2>/dev/null && [ $n -lt 100 ]; do
	sleep 0.1
	n=$((n + 1))
done
check "Enter in the view plays the downloaded file" grep -q "episode $S: playing the downloaded file" "$LOG"

# A refresh in the interface downloads the new episode of a podcast with
# auto_download on.
pc set-podcast "$(sq "SELECT id FROM podcast")" auto_download on >/dev/null
head -c 300000 /dev/urandom >"$W/n.bin"
rss "View Show" \
	"n|New one|Thu, 15 May 2025 10:00:00 GMT|0:03|$BASE/n.bin" \
	"s|Slow one|Wed, 14 May 2025 10:00:00 GMT|0:03|$BASE/_/norange/s.bin?rate=250000" \
	"b|Broken one|Tue, 13 May 2025 10:00:00 GMT|0:03|$BASE/_/lie/d.bin?extra=5000" \
	"f|Fine one|Mon, 12 May 2025 10:00:00 GMT|0:02|$BASE/f.mp3" >"$W/feed.xml"
tui_keys s r
n=0
while [ -z "$(id_of n)" ] && [ $n -lt 300 ]; do
	sleep 0.1
	n=$((n + 1))
done
N=$(id_of n)
tui_wait "episode $N downloaded" 30
check "a refresh with auto_download on downloads the new episode" \
	cmp "$W/n.bin" "$DL/2025-05-15 New one.bin"
check "...and says so" grep -q "downloading 1 new episode (auto_download)" "$T/pane.raw"

# Removing the podcast in the interface deletes its files and says so.
files=$(find "$DL" -type f | wc -l)
tui_keys h h g d
tui_wait "Remove \"View Show\"" 10
tui_keys y
tui_check "d y removes the podcast and deletes its $files downloaded files" \
	"unsubscribed; $files downloaded files deleted" 20
check "...its folder is gone" test ! -e "$DL"
tui_stop
finish
