#!/bin/sh
# End-to-end: everyday listening. A saved position survives a server that
# ignores Range requests (resume, --at, --chapter and chapter keys, in
# `podcue play` and in the TUI); the player's status line, speed per
# podcast, volume and mute, :seek, counts, the sleep timer, and a failed
# play's message.
. "$(dirname "$0")/../lib.sh"

if ! command -v ffmpeg >/dev/null 2>&1 || ! have_tmux; then
	skip "listening tests" "ffmpeg or tmux is not installed"
	finish
fi

W="$T/www"
mkdir -p "$W" "$XDG_CONFIG_HOME/podcue"
start_server "$W"
cat >"$XDG_CONFIG_HOME/podcue/config" <<'EOF'
set played_margin 5
set save_interval 1
set resume_rewind 3
EOF

# 60 s MP3 with chapters at 0/20/40.
printf ';FFMETADATA1\ntitle=Test\n' >"$T/m.txt"
for i in 0 1 2; do
	printf '[CHAPTER]\nTIMEBASE=1/1000\nSTART=%d\nEND=%d\ntitle=Part %d\n' \
		$((i * 20000)) $(((i + 1) * 20000)) $((i + 1)) >>"$T/m.txt"
done
if ffmpeg -nostdin -v error -y -f lavfi -i sine=frequency=440:duration=60 -i "$T/m.txt" \
	-map 0:a -map_metadata 1 -map_chapters 1 -ac 1 -ar 22050 -c:a libmp3lame -b:a 32k \
	-id3v2_version 3 "$W/ep.mp3"; then
	ok "generate audio with chapters"
else
	not_ok "generate audio with chapters"
	finish
fi
# /_/norange/ serves files as python's http.server does: no Range support.
rss "Range Show" \
	"nr|No range here|Wed, 14 May 2025 10:00:00 GMT|1:00|$BASE/_/norange/ep.mp3" \
	"ok|Ranges work|Tue, 13 May 2025 10:00:00 GMT|1:00|$BASE/ep.mp3" >"$W/feed.xml"
check "add a feed whose audio server ignores Range" pc add "$BASE/feed.xml"
id_of() { sqlite3 "$DB" "SELECT id FROM episode WHERE guid = '$1'"; }
NR=$(id_of nr)
saved() { sqlite3 "$DB" "SELECT coalesce(position, 'none') FROM episode WHERE id = $1"; }
set_saved() { sqlite3 "$DB" "UPDATE episode SET position = $2, played = 0 WHERE id = $1"; }

# play_start ARGS...: podcue play in a 100x10 pane; shows EXIT=<status>.
play_start() {
	tui_stop
	cat >"$T/run.sh" <<EOF
"$PODCUE" --db "$DB" --mpv-option ao=null ${PLAY_OPTS:-} play "\$@"
echo "EXIT=\$?"
exec sleep 600
EOF
	tui_run_script "$@"
}

# pos_check NAME LO HI: the shown position reaches [LO, HI] within 10 s.
pos_check() {
	TUI_MARK=1
	deadline=$(($(date +%s) + 10))
	while :; do
		p=$(pos_of)
		if [ -n "$p" ] && [ "$p" -ge "$2" ] && [ "$p" -le "$3" ]; then
			ok "$1"
			return
		fi
		if [ "$(date +%s)" -ge "$deadline" ]; then
			not_ok "$1" "expected a position in [$2, $3]" "$(sed 's/^/| /' "$T/screen")"
			return
		fi
		sleep 0.1
	done
}

# saved_check NAME ID PYEXPR: the saved position p (None when none)
# satisfies PYEXPR.
saved_check() {
	v=$(saved "$2")
	if python3 -c "import sys; p = None if '$v' == 'none' else float('$v'); sys.exit(not ($3))"; then
		ok "$1"
	else
		not_ok "$1" "saved position: $v, expected $3"
	fi
}

# ---- 1. A saved position is never destroyed ----------------------------

# libmpv reads forward through the stream to the target.
set_saved "$NR" NULL
play_start "$NR" --at 20
tui_check "no Range: --at 20 shows the chapter at 20 s" "ch 2/3 · Part 2"
pos_check "...and the position reached 20 s" 20 30
tui_keys q
tui_check "...q exits 0" "EXIT=0"
saved_check "...the saved position is at or past 20 s" "$NR" "p is not None and p >= 20"

set_saved "$NR" 33
play_start "$NR"
pos_check "no Range: resume starts at the saved position (less the rewind)" 30 40
tui_keys q
tui_wait "EXIT=0" >/dev/null
saved_check "...and the saved position is at or past the target" "$NR" "p is not None and p >= 29.99"

set_saved "$NR" NULL
play_start "$NR" --chapter 3
tui_check "no Range: --chapter 3 starts at chapter 3" "ch 3/3 · Part 3"
pos_check "...and plays there" 40 50
tui_keys q
tui_wait "EXIT=0" >/dev/null
saved_check "...and saves a position in it" "$NR" "p is not None and p >= 39.5"

# Where libmpv truly cannot seek (force-seekable=no), podcue says so and
# keeps the saved position.
export PLAY_OPTS="--mpv-option force-seekable=no"
set_saved "$NR" 33
play_start "$NR"
tui_check "cannot seek: resume says so on the status line" "cannot seek"
tui_check_still "...naming the place kept" "cannot seek: 0:33 stays saved"
sleep 3 # it plays on from 0:00 for a while (save_interval is 1 s)
tui_keys q
tui_wait "EXIT=0" >/dev/null
saved_check "...and the saved position is unchanged after 3 s of play and q" "$NR" "p == 33"

set_saved "$NR" NULL
play_start "$NR" --at 25
tui_check "cannot seek: --at says so" "cannot seek: 0:25 stays saved"
tui_wait "▶ 0:03" >/dev/null
tui_keys q
tui_wait "EXIT=0" >/dev/null
saved_check "...and saves no earlier position" "$NR" "p is None"

set_saved "$NR" 12
play_start "$NR" --chapter 2
tui_check "cannot seek: --chapter 2 says so" "cannot seek: 0:19 stays saved"
tui_keys q
tui_wait "EXIT=0" >/dev/null
saved_check "...and keeps the saved position" "$NR" "p == 12"

# Without a cache libmpv cannot even seek within what it read.
PLAY_OPTS="$PLAY_OPTS --mpv-option cache=no"
set_saved "$NR" NULL
play_start "$NR"
tui_check "cannot seek: a play from the start shows chapter 1" "ch 1/3 · Part 1"
pos_check "...and plays" 2 5
tui_keys Space
tui_check "...paused" "paused"
was=$(pos_of)
tui_keys n
tui_check "n that cannot seek says so" "cannot seek"
tui_check_still "...and changes nothing: the chapter" "ch 1/3 · Part 1"
check "...and the position" test "$(pos_of)" = "$was"
tui_keys 3 c
sleep 1
tui_check_still "a chapter jump (3c) that cannot seek changes nothing either" "ch 1/3 · Part 1"
check "...nor the position" test "$(pos_of)" = "$was"
tui_keys q
tui_wait "EXIT=0" >/dev/null
saved_check "...and the position saved is the one really played" "$NR" "p is not None and abs(p - $was) < 1.5"
tui_stop
export PLAY_OPTS="--mpv-option force-seekable=no"

# The TUI, the same way: the episode is played with Enter.
set_saved "$NR" 33
tui_start 100 24 --mpv-option ao=null --mpv-option force-seekable=no
tui_wait "No range here" >/dev/null
tui_keys l
tui_wait "No range here" >/dev/null
tui_keys Enter
tui_check "TUI, cannot seek: resume says so" "cannot seek: 0:33 stays saved"
sleep 2
tui_keys q
deadline=$(($(date +%s) + 10))
while tui_running && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.1; done
saved_check "...and the saved position is unchanged after quitting" "$NR" "p == 33"
unset PLAY_OPTS

tui_stop
tui_start 100 24 --mpv-option ao=null
tui_wait "No range here" >/dev/null
tui_keys l
tui_wait "No range here" >/dev/null
tui_keys Enter
tui_check "TUI, no Range: resume reaches the saved position" "ch 2/3 · Part 2"
pos_check "...and plays there" 30 40
tui_keys q
deadline=$(($(date +%s) + 10))
while tui_running && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.1; done
saved_check "...and the position saved is at or past it" "$NR" "p is not None and p >= 29.99"
tui_stop

# ---- 4. The player ------------------------------------------------------
# A cache of its own: two podcasts, one with five episodes and one whose
# audio is missing.
DB="$T/cache2.db"
rss "Alpha Show" \
	"a1|Alpha one|Wed, 14 May 2025 10:00:00 GMT|1:00|$BASE/ep.mp3" \
	"a2|Alpha two|Tue, 13 May 2025 10:00:00 GMT|1:00|$BASE/ep.mp3" \
	"a3|Alpha three|Mon, 12 May 2025 10:00:00 GMT|1:00|$BASE/ep.mp3" \
	"a4|Alpha four|Sun, 11 May 2025 10:00:00 GMT|1:00|$BASE/ep.mp3" \
	"gone|Alpha gone|Sat, 10 May 2025 10:00:00 GMT|1:00|$BASE/missing.mp3" >"$W/alpha.xml"
rss "Beta Show" \
	"b1|Beta one|Wed, 14 May 2025 10:00:00 GMT|1:00|$BASE/ep.mp3" >"$W/beta.xml"
check "add two more podcasts" pc add "$BASE/alpha.xml" "$BASE/beta.xml"
A1=$(id_of a1) B1=$(id_of b1)
printf 'set speed 1.5\n' >>"$XDG_CONFIG_HOME/podcue/config"

play_start "$A1"
tui_check "the status line names podcast and episode" "Alpha Show · Alpha one"
tui_check_still "...besides the chapter" "ch 1/3 · Part 1"
tui_check_still "a podcast with no speed of its own plays at the speed setting" "1.5x"
tui_keys ]
tui_check "] raises the speed" "1.6x"
tui_keys q
tui_wait "EXIT=0" >/dev/null
check "...and the speed is remembered for the podcast" \
	test "$(sqlite3 "$DB" "SELECT speed FROM podcast WHERE title = 'Alpha Show'")" = 1.6
play_start "$(id_of a2)"
tui_check "another episode of that podcast plays at its speed" "1.6x"
tui_keys BSpace
tui_check "Backspace resets to 1.0x" "1.0x"
tui_keys q
tui_wait "EXIT=0" >/dev/null
play_start "$B1"
tui_check "another podcast plays at the speed setting" "1.5x"
tui_keys + + + + + +
tui_check "volume goes up to 130" "vol 130"
tui_keys +
sleep 0.5
tui_check_still "...and no further" "vol 130"
tui_keys M
tui_check "M mutes" "vol 130 muted"
tui_keys M
tui_wait_gone "muted" >/dev/null && ok "M again unmutes" || not_ok "M again unmutes" "$(cat "$T/screen")"
# Paused, and from the start, so each seek lands at a known second however
# long the steps above took on a loaded machine. A count and the key that
# takes it are sent at once: alone, a count jumps after a second.
tui_keys Space
tui_check "Space pauses" "paused"
tui_keys S-Left
pos_check "S-Left goes back seek_step_big, not before the start" 0 0
tui_keys 3 Right
pos_check "a count multiplies a seek key (3 Right: 30 s)" 29 31
tui_keys 2 Left
pos_check "...as it does going back (2 Left: 20 s)" 9 11
tui_keys 2
tui_check_shown "a pending count is shown on the status line" "[2]"
tui_check "...then jumps to that chapter" "ch 2/3 · Part 2"
tui_keys q
tui_wait "EXIT=0" >/dev/null

# The sleep timer in podcue play.
play_start "$A1" --at 15 --sleep chapter
tui_check "--sleep chapter is shown" "sleep: end of chapter"
tui_check "...and pauses at the end of the chapter" "⏸"
pos_check "...at its end" 19 21
tui_wait_gone "sleep:" >/dev/null && ok "...and is then off" || not_ok "...and is then off" "$(cat "$T/screen")"
tui_keys q
tui_wait "EXIT=0" >/dev/null
play_start "$A1" --at 5 --sleep 4s
tui_check "--sleep 4s counts down" "sleep 0:0"
tui_check "...and pauses when due" "⏸"
# The timer starts with the command, before the file has loaded (a second
# or two on a loaded machine), so "about 4 s" of play is 2 to 6.
pos_check "...after about 4 s" 7 11
tui_keys q
tui_wait "EXIT=0" >/dev/null
play_start "$A1" --sleep soon
tui_check "a bad --sleep is refused" "usage: sleep 30m"
tui_stop

# The TUI: commands with arguments, counts, the sleep timer, a failed play.
# Nothing in progress or played before: it opens on the podcast list, not
# in Continue or on the last played episode.
sqlite3 "$DB" "UPDATE episode SET position = NULL, last_played = NULL, played = 0"
tui_start 100 24 --mpv-option ao=null
tui_wait "Alpha Show" >/dev/null
tui_keys l
tui_wait "Alpha four" >/dev/null
tui_keys Enter
tui_check "TUI: Enter plays, and the status line names it" "Alpha Show · Alpha one"
# A count alone jumps after KEY_COUNT_WAIT_MS (1 s), so a count and the key
# that takes it are sent at once: a loaded machine may let more than a
# second pass between two sends.
tui_keys 2 j
tui_check_selected "TUI: 2j moves two rows while playing" "Alpha three"
sleep 1.2
tui_capture
if grep -qF "ch 1/3 · Part 1" "$T/screen"; then
	ok "...and jumps to no chapter, a second later"
else
	not_ok "...and jumps to no chapter, a second later" "$(sed 's/^/| /' "$T/screen")"
fi
tui_keys 2
tui_check "TUI: a count being typed shows on the status line" "[2] ▶"
tui_check "...alone, it jumps to that chapter" "ch 2/3 · Part 2"
tui_keys Space # paused, the seeks land exactly
tui_check "TUI: paused" "paused"
tui_keys : "seek 0:45" Enter
pos_check "TUI: :seek 0:45 goes there" 45 45
tui_keys : "seek -30" Enter
pos_check "TUI: :seek -30 goes back 30 s" 15 15
tui_keys : "seek +10" Enter
pos_check "TUI: :seek +10 goes forward 10 s" 25 25
# Still paused: the end-of-chapter timer set below cannot come due (at
# 0:40) between two of its checks, however slow the machine.
tui_keys : "seek soon" Enter
tui_check "TUI: :seek with no time says how" "usage: seek 1:23:45"
tui_keys : "pause 5" Enter
tui_check "TUI: an argument is never taken as a count (:pause 5)" "pause takes no argument"
tui_keys : "down 2x" Enter
tui_check "TUI: :down 2x is refused, not read as 2" "down takes only a count"
tui_keys Z
tui_check "TUI: Z sets the sleep timer to the end of the chapter" "sleep: end of chapter"
tui_keys Z
tui_check "TUI: Z again: the end of the episode" "sleep: end of episode"
tui_keys Z
tui_check "TUI: Z again: 15 minutes" "sleep 15:00"
tui_keys 4 5 Z
tui_check "TUI: 45Z: 45 minutes" "sleep 45:00"
tui_keys : "sleep off" Enter
tui_wait_gone "sleep 4" >/dev/null && ok "TUI: :sleep off" || not_ok "TUI: :sleep off" "$(cat "$T/screen")"
tui_keys : "seek 0:05" Enter
pos_check "TUI: :seek 0:05" 5 5
tui_keys Space
tui_check "TUI: Space plays on" "▶ 0:0"
tui_keys : "sleep 3s" Enter
tui_check "TUI: :sleep 3s pauses when due" "⏸"
tui_keys G Enter
tui_check "TUI: a failed play says why" "404"
n=$(grep -c "404" "$T/screen")
check "...once (not on the status line too)" test "$n" = 1
tui_keys k
tui_wait_gone "404" >/dev/null && ok "...and the message clears on the next key" ||
	not_ok "...and the message clears on the next key" "$(cat "$T/screen")"
tui_stop

finish
