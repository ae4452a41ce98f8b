#!/bin/sh
# End-to-end: MPRIS 2 on a private session bus (dbus-run-session), driven
# with playerctl, busctl and dbus-send while the TUI runs in tmux: the
# player is listed; status, play-pause, next and previous (chapters: the
# status line and the Position property move), position 120 (clamped to the
# episode), metadata (episode, podcast, chapter title); PropertiesChanged
# seen by dbus-monitor when a chapter changes; `podcue play` on the bus too;
# Next falls back to the queue on an episode without chapters (empty: nothing;
# queued: it plays); media_keys_next episode; and without a session bus podcue runs as before
# with one line in the log.
if [ -z "${PODCUE_MPRIS_BUS:-}" ] && command -v dbus-run-session >/dev/null 2>&1; then
	PODCUE_MPRIS_BUS=1 exec dbus-run-session -- sh "$0" "$@" 2>/dev/null
fi
. "$(dirname "$0")/../lib.sh"

for tool in ffmpeg playerctl busctl dbus-monitor dbus-send; do
	if ! command -v $tool >/dev/null 2>&1; then
		skip "mpris tests" "$tool is not installed (scripts/install-deps.sh)"
		finish
	fi
done
if [ "${PODCUE_MPRIS_BUS:-}" != 1 ] || [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
	# Never the user's own bus: only the private one of dbus-run-session.
	skip "mpris tests" "no private session bus (dbus-run-session is missing or failed)"
	finish
fi
if ! have_tmux; then
	skip "mpris tests" "tmux is not installed"
	finish
fi
if ! strings "$PODCUE" | grep -q org.mpris.MediaPlayer2.podcue; then
	skip "mpris tests" "podcue was built without libsystemd (MPRIS=0)"
	finish
fi

W="$T/www"
mkdir -p "$W" "$XDG_CONFIG_HOME/podcue"
start_server "$W"
LOG="$XDG_STATE_HOME/podcue/podcue.log"
printf 'set save_interval 1\nset prev_chapter_grace 3\nset mpv_option ao=null\n' \
	>"$XDG_CONFIG_HOME/podcue/config"

# 200 s of audio with chapters at 0, 20 and 40 s (ID3), and 30 s without.
{
	printf ';FFMETADATA1\ntitle=Test\n'
	i=0
	for t in "Intro" "Middle part" "The long end"; do
		printf '[CHAPTER]\nTIMEBASE=1/1000\nSTART=%d\nEND=%d\ntitle=%s\n' \
			$((i * 20000)) $(((i + 1) * 20000)) "$t"
		i=$((i + 1))
	done
} >"$T/meta.txt"
if ffmpeg -nostdin -v error -y -f lavfi -i sine=frequency=440:duration=200 -i "$T/meta.txt" \
	-map 0:a -map_metadata 1 -map_chapters 1 -ac 1 -ar 8000 -c:a libmp3lame -b:a 8k \
	-id3v2_version 3 "$W/ch.mp3" &&
	ffmpeg -nostdin -v error -y -f lavfi -i sine=frequency=330:duration=30 -ac 1 -ar 8000 \
		-c:a libmp3lame -b:a 8k "$W/plain.mp3"; then
	ok "generate audio"
else
	not_ok "generate audio"
	finish
fi
rss "Desk Show" \
	"ch|Chaptered episode|Wed, 14 May 2025 10:00:00 GMT|3:20|$BASE/ch.mp3" \
	"plain|Plain episode|Tue, 13 May 2025 10:00:00 GMT|0:30|$BASE/plain.mp3" |
	sed 's|<description>A test feed</description>|&<itunes:image href="https://example.org/art.png"/>|' \
		>"$W/feed.xml"
check "add the feed" pc add "$BASE/feed.xml"
id_of() { sqlite3 "$DB" "SELECT id FROM episode WHERE guid = '$1'"; }
CH=$(id_of ch)
PLAIN=$(id_of plain)

pctl() { playerctl -p podcue "$@" 2>&1; }
prop() { # prop NAME: busctl's answer for a Player property
	busctl --user get-property org.mpris.MediaPlayer2.podcue /org/mpris/MediaPlayer2 \
		org.mpris.MediaPlayer2.Player "$1" 2>&1
}
# wait_for NAME SECONDS COMMAND...: passes once COMMAND succeeds.
wait_for() {
	name=$1 secs=$2
	shift 2
	deadline=$(( $(date +%s) + secs ))
	while ! "$@" >"$T/wait.out" 2>&1; do
		if [ "$(date +%s)" -ge "$deadline" ]; then
			not_ok "$name" "command: $*" "$(tail -5 "$T/wait.out")"
			return 1
		fi
		sleep 0.1
	done
	ok "$name"
}
listed() { playerctl -l 2>/dev/null | grep -qx podcue; }
status_is() { [ "$(pctl status)" = "$1" ]; }
meta_is() { [ "$(pctl metadata "$1")" = "$2" ]; }
# position_in LOW HIGH: the Position property (seconds) lies in [LOW, HIGH).
position_in() {
	us=$(prop Position | awk '{print $2}')
	[ -n "$us" ] && [ "$us" -ge $(($1 * 1000000)) ] && [ "$us" -lt $(($2 * 1000000)) ]
}

# ---- the TUI on the bus ----
tui_start 100 24
tui_wait "Desk Show" || not_ok "the TUI started" "$(tui_screen)"
wait_for "the player is listed by playerctl -l" 10 listed
check "idle: playerctl status says Stopped" status_is Stopped
check "identity and desktop entry" sh -c "busctl --user get-property org.mpris.MediaPlayer2.podcue \
/org/mpris/MediaPlayer2 org.mpris.MediaPlayer2 DesktopEntry | grep -qx 's \"podcue\"'"

# Select the chaptered episode; Play over the bus plays the selection.
tui_keys l
tui_check_selected "the first episode selected" "Chaptered episode"
pctl play >/dev/null
tui_check "MPRIS Play plays the selected episode" "ch 1/3 · Intro"
wait_for "playerctl status says Playing" 10 status_is Playing
check "busctl reads PlaybackStatus" sh -c "busctl --user get-property \
org.mpris.MediaPlayer2.podcue /org/mpris/MediaPlayer2 org.mpris.MediaPlayer2.Player \
PlaybackStatus | grep -qx 's \"Playing\"'"
check "metadata: xesam:title is the episode" meta_is xesam:title "Chaptered episode"
check "metadata: xesam:album is the podcast" meta_is xesam:album "Desk Show"
check "metadata: the chapter title" meta_is podcue:chapter "Intro"
trackid_ok() { prop Metadata | grep -qF "\"mpris:trackid\" o \"/org/podcue/episode/$CH\""; }
check "metadata: the track id names the episode" trackid_ok
check "metadata: xesam:url is the enclosure" meta_is xesam:url "$BASE/ch.mp3"
check "metadata: mpris:artUrl is the feed's art" meta_is mpris:artUrl "https://example.org/art.png"
check "metadata: xesam:artist is the podcast" meta_is xesam:artist "Desk Show"
check "metadata: mpris:length in microseconds" sh -c \
	"[ \"\$(playerctl -p podcue metadata mpris:length)\" -ge 199000000 ]"

pctl play-pause >/dev/null
wait_for "play-pause pauses" 10 status_is Paused
tui_check "the status line says paused" "paused"
pctl play-pause >/dev/null
wait_for "play-pause resumes" 10 status_is Playing
# Paused from here on, so positions hold still however slow the machine.
pctl pause >/dev/null
wait_for "pause pauses" 10 status_is Paused

# Next: the next chapter, with PropertiesChanged on the bus.
timeout 8 dbus-monitor --session \
	"type='signal',interface='org.freedesktop.DBus.Properties',member='PropertiesChanged',path='/org/mpris/MediaPlayer2'" \
	>"$T/monitor.out" 2>&1 &
MON=$!
timeout 8 dbus-monitor --session "type='signal',member='Seeked'" >"$T/seeked.out" 2>&1 &
MON2=$!
# dbus-monitor is ready (a monitor with its match rule in place) once it
# prints the NameLost that BecomeMonitor brings; a loaded machine may take
# longer than a fixed sleep.
poll_start 5
until grep -q "member=NameLost" "$T/monitor.out" && grep -q "member=NameLost" "$T/seeked.out"; do
	poll_more || break
done
pctl next >/dev/null
tui_check "next: the status line shows chapter 2" "ch 2/3 · Middle part"
wait_for "next: Position is at the start of chapter 2" 10 position_in 20 21
wait_for "next: metadata names chapter 2" 10 meta_is podcue:chapter "Middle part"
wait_for "dbus-monitor saw PropertiesChanged with the new chapter" 10 \
	grep -q '"Middle part"' "$T/monitor.out"
wait_for "dbus-monitor saw Seeked" 10 grep -q 'member=Seeked' "$T/seeked.out"
kill $MON $MON2 2>/dev/null
wait $MON $MON2 2>/dev/null

pctl next >/dev/null
tui_check "next again: chapter 3" "ch 3/3 · The long end"
wait_for "Position is at the start of chapter 3" 10 position_in 40 41
check "CanGoNext is false in the last chapter (no queue yet)" sh -c \
	"busctl --user get-property org.mpris.MediaPlayer2.podcue /org/mpris/MediaPlayer2 \
org.mpris.MediaPlayer2.Player CanGoNext | grep -qx 'b false'"
# Previous past the grace period goes to the start of this chapter; right
# after, to the one before.
pctl position 45 >/dev/null
wait_for "position 45 seeks" 10 position_in 45 46
pctl previous >/dev/null
wait_for "previous: back to the start of chapter 3" 10 position_in 40 41
pctl previous >/dev/null
tui_check "previous again: chapter 2" "ch 2/3 · Middle part"
wait_for "previous: Position is at the start of chapter 2" 10 position_in 20 21

pctl position 120 >/dev/null
wait_for "position 120: Position says 120 s" 10 position_in 120 121
tui_check "position 120: the status line" "2:00 / 3:20"
check "Seek by -100 s (dbus-send)" dbus-send --session --print-reply \
	--dest=org.mpris.MediaPlayer2.podcue /org/mpris/MediaPlayer2 \
	org.mpris.MediaPlayer2.Player.Seek int64:-100000000
wait_for "after Seek: Position is 20 s" 10 position_in 20 21
busctl --user set-property org.mpris.MediaPlayer2.podcue /org/mpris/MediaPlayer2 \
	org.mpris.MediaPlayer2.Player Volume d 0.5
tui_check "writable Volume: the status line says vol 50" "vol 50"
busctl --user set-property org.mpris.MediaPlayer2.podcue /org/mpris/MediaPlayer2 \
	org.mpris.MediaPlayer2.Player Rate d 1.5
tui_check "writable Rate: the status line says 1.5x" "1.5x"
check "SetPosition with a stale track id is ignored" dbus-send --session --print-reply \
	--dest=org.mpris.MediaPlayer2.podcue /org/mpris/MediaPlayer2 \
	org.mpris.MediaPlayer2.Player.SetPosition objpath:/org/podcue/episode/999999 int64:150000000
sleep 0.3 # nothing to wait for: the claim is that nothing happens
check "... the position did not jump to 150 s" position_in 20 21

pctl stop >/dev/null
wait_for "stop: status Stopped" 10 status_is Stopped
tui_check "stop: the status line is gone" "Desk Show"
check "stop saved the position" sh -c "[ \"\$(sqlite3 '$DB' \
'SELECT position > 15 FROM episode WHERE id = $CH')\" = 1 ]"
# Back to 0:05 (still in progress), so the plays of it below resume with
# 15 s of chapter 1 ahead, not 3: its "ch 1/3" is caught however slow the
# machine.
sq "UPDATE episode SET position = 5 WHERE id = $CH"

# The plain episode: no chapters, so Next falls back to the queue (empty
# at first: nothing happens and CanGoNext is false).
tui_keys j
tui_check_selected "the plain episode selected" "Plain episode"
pctl play >/dev/null
wait_for "the plain episode plays" 10 meta_is xesam:title "Plain episode"
check "no chapter in the metadata" sh -c "! playerctl -p podcue metadata podcue:chapter"
check "CanGoNext is false without chapters or a queue" sh -c \
	"busctl --user get-property org.mpris.MediaPlayer2.podcue /org/mpris/MediaPlayer2 \
org.mpris.MediaPlayer2.Player CanGoNext | grep -qx 'b false'"
pctl next >/dev/null
sleep 0.3 # nothing to wait for: the claim is that it keeps playing
check "next without chapters keeps the episode playing" meta_is xesam:title "Plain episode"
# With an episode in the queue, Next without chapters plays it.
check "queue the chaptered episode" "$PODCUE" --db "$DB" queue add "$CH"
pctl next >/dev/null
wait_for "next without chapters plays the front of the queue" 10 \
	meta_is xesam:title "Chaptered episode"
tui_check "... and the status line says so" "ch 1/3"
pctl pause >/dev/null
wait_for "paused again" 10 status_is Paused
"$PODCUE" --db "$DB" queue clear >/dev/null

check "Quit over the bus (dbus-send) ends the TUI" dbus-send --session --print-reply \
	--dest=org.mpris.MediaPlayer2.podcue /org/mpris/MediaPlayer2 org.mpris.MediaPlayer2.Quit
wait_gone() { ! tui_running; }
wait_for "... and podcue exits" 10 wait_gone
tui_stop

# ---- `podcue play` on the bus, with media_keys_next episode ----
"$PODCUE" --db "$DB" --mpv-option ao=null play "$CH" --at 1 </dev/null >"$T/play.out" 2>&1 &
PLAY=$!
wait_for "podcue play is listed" 10 listed
wait_for "podcue play: status Playing" 10 status_is Playing
pctl next >/dev/null
wait_for "podcue play: next goes to chapter 2" 10 position_in 20 40
pctl stop >/dev/null
wait_for "podcue play: stop ends it" 10 sh -c "! kill -0 $PLAY 2>/dev/null"
wait $PLAY
echo "set media_keys_next episode" >>"$XDG_CONFIG_HOME/podcue/config"
"$PODCUE" --db "$DB" --mpv-option ao=null play "$CH" --at 1 </dev/null >"$T/play.out" 2>&1 &
PLAY=$!
wait_for "media_keys_next episode: podcue play is listed" 10 listed
wait_for "media_keys_next episode: playing" 10 status_is Playing
pctl next >/dev/null
sleep 0.3 # nothing to wait for: the claim is that it does not jump
check "media_keys_next episode: next does not jump chapters" position_in 0 15
pctl stop >/dev/null
wait $PLAY

# ---- without a session bus ----
NOBUS="$T/nobus"
mkdir -p "$NOBUS"
: >"$LOG"
env -u DBUS_SESSION_BUS_ADDRESS XDG_RUNTIME_DIR="$NOBUS" \
	"$PODCUE" --db "$DB" --mpv-option ao=null play "$PLAIN" --at 25 </dev/null >"$T/nobus.out" 2>&1
rc=$?
check "no bus: podcue play plays to the end (exit 0)" [ "$rc" = 0 ]
check "no bus: one line in the log" sh -c "[ \"\$(grep -c 'mpris: media keys off: no session bus' '$LOG')\" = 1 ]"
check "no bus: the episode was marked played" sh -c "[ \"\$(sqlite3 '$DB' \
'SELECT played FROM episode WHERE id = $PLAIN')\" = 1 ]"
sed -i '/^set media_keys_next/d' "$XDG_CONFIG_HOME/podcue/config"
tm -f /dev/null new-session -d -s t -x 100 -y 24 \
	"env -u DBUS_SESSION_BUS_ADDRESS XDG_RUNTIME_DIR=$NOBUS LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=tmux-256color $PODCUE --db $DB" \; \
	set-option -t t remain-on-exit on
tui_new_screen
tui_check "no bus: the TUI starts (in Continue: an episode is in progress)" "Continue"
tui_check_selected "no bus: the episode in progress selected" "Chaptered episode"
tui_keys C
tui_check "no bus: keys work (C goes back to the podcast)" "Desk Show (2"
tui_check "... listing its episodes" "Plain episode"
tui_keys Enter
tui_check "no bus: Enter plays" "ch 1/3"
tui_keys q
wait_for "no bus: q quits" 10 wait_gone
tui_stop
check "no bus: the TUI logged it once" sh -c "[ \"\$(grep -c 'mpris: media keys off' '$LOG')\" = 2 ]"
finish
