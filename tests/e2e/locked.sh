#!/bin/sh
# End-to-end: the interface never waits on the cache. Another process
# (python3's sqlite3, as a cron `podcue refresh` storing a big feed would)
# holds the cache's write lock while, in tmux, the keys run: moving, m
# (mark played), e (queue), and on a playing episode pause and seek. Each
# answers at once (well inside the 10 s busy timeout a write on the UI
# thread used to wait), the screen shows the new state while the cache
# does not have it yet, and the status line counts the changes held back.
# Once the lock is gone they land, in order. Quitting while locked waits
# (saying so) and saves once the lock goes; a lock that outlasts the wait
# ends with the changes that were not saved named on stderr.
. "$(dirname "$0")/../lib.sh"

if ! have_tmux; then
	skip "locked cache tests" "tmux is not installed"
	finish
fi
W="$T/www"
mkdir -p "$W" "$XDG_CONFIG_HOME/podcue"
start_server "$W"
cat >"$XDG_CONFIG_HOME/podcue/config" <<'EOF'
set save_interval 1
set resume_rewind 0
EOF
AUDIO=0
if command -v ffmpeg >/dev/null 2>&1 &&
	ffmpeg -nostdin -v error -y -f lavfi -i sine=frequency=440:duration=120 -ac 1 -ar 8000 \
		-c:a libmp3lame -b:a 16k "$W/long.mp3"; then
	AUDIO=1
fi
rss "Lock Show" \
	"a|Alpha episode|Wed, 14 May 2025 10:00:00 GMT|2:00|$BASE/long.mp3" \
	"b|Bravo episode|Tue, 13 May 2025 10:00:00 GMT|2:00|$BASE/long.mp3" \
	"c|Charlie episode|Mon, 12 May 2025 10:00:00 GMT|2:00|$BASE/long.mp3" >"$W/feed.xml"
check "subscribe" pc add "$BASE/feed.xml"
id_of() { sq "SELECT id FROM episode WHERE guid = '$1'"; }
A=$(id_of a) B=$(id_of b) C=$(id_of c)
check "the cache is in WAL mode (readers never wait for a writer)" \
	test "$(sq 'PRAGMA journal_mode')" = wal

# wait_sql SQL VALUE SECONDS: waits until the query gives VALUE.
wait_sql() {
	poll_start "$3"
	until [ "$(sq "$1")" = "$2" ]; do poll_more || return 1; done
}
sql_check() { # sql_check NAME SQL VALUE [SECONDS]
	if wait_sql "$2" "$3" "${4:-20}"; then ok "$1"; else not_ok "$1" "$2 gave $(sq "$2"), not $3"; fi
}

tui_start 120 24 --mpv-option ao=null
tui_check_still "the interface starts" "Podcasts (1)"
tui_keys Enter
tui_check_selected "Enter moves to the episodes" "Alpha episode"
if [ "$AUDIO" = 1 ]; then
	tui_keys Enter
	tui_check "Alpha plays" "▶ 0:0" 15
fi

# ---- keys while another process holds the lock -------------------------------
# Each check allows 5 s (a loaded machine), half the busy timeout that a
# write on the UI thread waited before it gave up.
if lock_start 60; then ok "another process holds the write lock"; else not_ok "take the lock"; fi
tui_keys j
tui_check_selected "j moves the selection at once" "Bravo episode" 5
tui_keys m
tui_check "m says marked played at once" "marked played" 5
tui_check_line "...and Bravo's row shows it played (no unplayed dot)" 3 "^[^●]* Bravo episode" 5
# (Positions saved while playing may be counted already.)
tui_check_still "...the status line counts the changes held back by the lock" \
	"unsaved (cache locked)" 5
check "...which the cache does not have yet" test "$(sq "SELECT played FROM episode WHERE id = $B")" = 0
tui_keys e
tui_check "e queues at once" "queued (1 in the queue)" 5
tui_keys j E
tui_check "E puts Charlie first at once" "plays next (2 in the queue)" 5
tui_keys Q
tui_check "the queue view shows the queue not stored yet" "  1. Charlie episode" 5
tui_check_still "...with Bravo second" "  2. Bravo episode" 5
tui_keys Escape
tui_check "Esc leaves the queue view" "Podcasts (1)" 5
if [ "$AUDIO" = 1 ]; then
	tui_keys Space
	tui_check "Space pauses at once" "⏸" 5
	before=$(pos_of)
	tui_keys Right
	poll_start 5
	while :; do
		now=$(pos_of)
		[ -n "$now" ] && [ -n "$before" ] && [ "$now" -gt "$before" ] && break
		poll_more || break
	done
	if [ -n "$now" ] && [ -n "$before" ] && [ "$now" -gt "$before" ]; then
		ok "Right seeks at once ($before s -> $now s)"
	else
		not_ok "Right seeks at once" "position $before -> $now"
	fi
	PAUSED_AT=$now
else
	skip "pause and seek while locked" "ffmpeg is not installed"
fi
if lock_held; then ok "...all while the other process held the lock"; else
	not_ok "...all while the other process held the lock" "it let go early"; fi
check "...and nothing reached the cache meanwhile" \
	test "$(sq "SELECT count(*) FROM queue"),$(sq "SELECT played FROM episode WHERE id = $B")" = "0,0"

# ---- the lock goes: everything lands, in order -----------------------------
lock_release
sql_check "once the lock is gone, the played mark lands" \
	"SELECT played FROM episode WHERE id = $B" 1
sql_check "...and the queue edits, in order (Charlie, then Bravo)" \
	"SELECT group_concat(episode_id, ' ') FROM (SELECT episode_id FROM queue ORDER BY position)" "$C $B"
if [ "$AUDIO" = 1 ]; then
	# The pause saved Alpha's position; the seek after it is saved with the
	# next save (Space again, or quitting).
	sql_check "...and the position saved by the pause" \
		"SELECT position IS NOT NULL AND position > 0 FROM episode WHERE id = $A" 1
fi
tui_check "the status line says the cache is free again" "the cache is free again" 10
tui_wait_gone "unsaved (cache locked)" 10
if grep -qF "unsaved (cache locked)" "$T/screen"; then
	not_ok "...and the count of changes held back goes" "$(cat "$T/screen")"
else ok "...and the count of changes held back goes"; fi
pc episodes --json >"$T/eps.json"
check "podcue episodes --json agrees: Bravo played, Charlie not" jq_py "$T/eps.json" \
	"{e['id']: e['played'] for e in d}[$B] is True and {e['id']: e['played'] for e in d}[$C] is False"

# ---- a write that fails for good is said on the status line ---------------
sq "CREATE TRIGGER no_marks BEFORE UPDATE OF played ON episode BEGIN SELECT RAISE(ABORT, 'refused by a trigger'); END"
tui_keys m
tui_check "a mark the cache refuses is said on the status line" \
	"could not save: marked played: Charlie episode" 10
tui_check_still "...with the reason" "refused by a trigger" 5
tui_check_still "...and Charlie's row shows it unplayed again" "● Charlie episode" 10
sq "DROP TRIGGER no_marks"

# ---- quitting while locked: waits, saying so, and saves ---------------------
if lock_start 60; then ok "the lock is taken again"; else not_ok "take the lock again"; fi
tui_keys k m
tui_check "m on Bravo again marks it unplayed at once" "marked unplayed" 5
tui_keys q
tui_check "q while locked says it waits to save" "saving" 5
if tui_running; then ok "...and waits"; else not_ok "...and waits" "it exited"; fi
lock_release
poll_start 15
while tui_running; do poll_more || break; done
if tui_running; then not_ok "podcue quits once the lock is gone" "still running"; else
	ok "podcue quits once the lock is gone"; fi
check "...with the change saved" test "$(sq "SELECT played FROM episode WHERE id = $B")" = 0
if [ "$AUDIO" = 1 ]; then
	check "...and the position quitting saved (the seek past the pause)" \
		test "$(sq "SELECT CAST(position AS INT) >= $PAUSED_AT FROM episode WHERE id = $A")" = 1
fi
tui_stop

# ---- podcue play: keys answer while locked, the position lands after ---------
if [ "$AUDIO" = 1 ]; then
	sq "UPDATE episode SET position = NULL WHERE id = $C"
	cat >"$T/run.sh" <<EOF
"$PODCUE" --db "$DB" --mpv-option ao=null play $C
echo "EXIT=\$?"
exec sleep 600
EOF
	tui_run_script
	tui_check "podcue play plays Charlie" "▶ 0:0" 15
	if lock_start 60; then ok "the lock is taken for podcue play"; else not_ok "take the lock"; fi
	tui_keys Space
	tui_check "Space pauses at once while locked" "paused" 5
	tui_keys Right
	tui_check "Right seeks at once while locked" "0:1" 5
	tui_keys q
	tui_check "q says it waits to save the position" "saving 1 change" 10
	check "...which the cache does not have yet" \
		test "$(sq "SELECT position IS NULL FROM episode WHERE id = $C")" = 1
	lock_release
	tui_check "podcue play exits once the lock is gone" "EXIT=0" 15
	check "...with the position saved" \
		test "$(sq "SELECT position > 0 FROM episode WHERE id = $C")" = 1
	tui_stop
fi

# ---- marks while locked: heard chapters, b, X --------------------------------
# Bravo gets three chapters; it plays while another process holds the lock.
# The first chapter shows heard (✓), X (nothing selected in the details)
# skips the chapter playing, b bookmarks with a note: each answers at once,
# the screen shows it, playback follows the skip, and the cache has none of
# it until the lock goes.
if [ "$AUDIO" = 1 ]; then
	sq "UPDATE episode SET position = NULL, last_played = NULL, played = 0"
	sq "DELETE FROM heard; DELETE FROM bookmark; DELETE FROM chapter_skip"
	sq "INSERT INTO chapter (episode_id, source, n, start, title) VALUES
		($B, 'psc', 0, 0, 'Opening'), ($B, 'psc', 1, 6, 'Middle'), ($B, 'psc', 2, 100, 'Closing')"
	tui_start 160 30 --mpv-option ao=null
	tui_check_still "the interface starts for the marks" "Podcasts (1)"
	tui_keys Enter j
	tui_check_selected "Bravo is selected" "Bravo episode"
	tui_keys Enter
	tui_check "Bravo plays" "▶ 0:0" 15
	if lock_start 90; then ok "the lock is taken for the marks"; else not_ok "take the lock"; fi
	tui_check "playing on while locked, the opening chapter shows heard" "✓    0:00  Opening" 30
	# X takes the chapter playing: wait for the middle one.
	poll_start 20
	until [ "$(pos_of)" -ge 7 ] 2>/dev/null; do poll_more || break; done
	tui_keys X
	tui_check "X skips the chapter playing at once while locked (marked in the list)" \
		"Middle  [skip]" 5
	tui_check "...and playback passes over it at once" "▶ 1:4" 10
	tui_keys b
	tui_check "b asks for a note at once while locked" "bookmark note (Enter: none):" 5
	tui_keys -l "locked note"
	tui_keys Enter
	tui_check "...and bookmarks at once" "bookmarked at 1:4" 5
	tui_check_still "...shown in the chapter list at once" "◆ locked note" 5
	if lock_held; then ok "...all while the other process held the lock"; else
		not_ok "...all while the other process held the lock" "it let go early"; fi
	check "...and none of them reached the cache meanwhile" test \
		"$(sq "SELECT (SELECT count(*) FROM heard) || ',' || (SELECT count(*) FROM bookmark) || ',' || (SELECT count(*) FROM chapter_skip)")" = "0,0,0"
	lock_release
	sql_check "once the lock is gone, what was heard lands (the opening and more)" \
		"SELECT count(*) FROM heard WHERE episode_id = $B AND start <= 0.5 AND end_time >= 5" 1
	sql_check "...and the bookmark, with its note" \
		"SELECT count(*) FROM bookmark WHERE episode_id = $B AND note = 'locked note' AND at >= 100" 1
	sql_check "...and the skip of the middle chapter" \
		"SELECT start || ',' || skip FROM chapter_skip WHERE episode_id = $B" "6.0,1"
	tui_check "the status line says the cache is free again" "the cache is free again" 10
	tui_check_still "the bookmark stays in the chapter list once stored" "◆ locked note" 5
	tui_keys q
	poll_start 15
	while tui_running; do poll_more || break; done
	if tui_running; then not_ok "podcue quits" "still running"; else ok "podcue quits"; fi
	tui_stop
	sq "DELETE FROM chapter WHERE episode_id = $B"
fi

# ---- a lock that outlasts the wait: what was not saved is named -------------
sq "UPDATE episode SET position = NULL, last_played = NULL" # not in Continue
tui_start 120 24
tui_check_still "the interface starts again" "Podcasts (1)"
tui_keys Enter j j
tui_check_selected "Charlie is selected" "Charlie episode"
if lock_start 60; then ok "the lock is taken a third time"; else not_ok "take the lock a third time"; fi
tui_keys m q
tui_check "q says it waits to save" "saving 1 change" 5
poll_start 30
while tui_running; do poll_more || break; done
# What the terminal got after the screen ended (with the lines scrolled
# into tmux's history).
said() {
	poll_start 10
	while :; do
		tm capture-pane -t t -p -S -100 >"$T/screen" 2>/dev/null
		grep -qF -- "$1" "$T/screen" && return 0
		poll_more || return 1
	done
}
if ! tui_running && said "cache stayed locked by another process; not saved:" &&
	said "  marked played: Charlie episode"; then
	ok "after the wait podcue exits naming what it could not save"
else
	not_ok "after the wait podcue exits naming what it could not save" "$(cat "$T/screen")"
fi
lock_release
check "...which indeed the cache does not have" \
	test "$(sq "SELECT played FROM episode WHERE id = $C")" = 0
tui_stop
finish
