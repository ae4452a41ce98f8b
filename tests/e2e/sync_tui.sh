#!/bin/sh
# End-to-end: sync in the interface (tmux) against tests/sync_server.py.
# At start the TUI syncs on its own: a position another device uploaded
# shows in the episode's row and "synced: ..." on the status line. U syncs
# again; a server answering 500 slowly: "syncing" on the status bar while
# keys keep working, then the failure on the message line; a reply that
# quotes the password: blanked; a server that is gone: a failure too, the
# TUI still answering keys; :sync. Playback that stops syncs again (the
# stopped position goes up without a key). q during a sync that waits on
# the server quits at once (the sync is cancelled). The
# password (read from the password file) appears nowhere: not on screen,
# not in the log.
. "$(dirname "$0")/../lib.sh"

if ! have_tmux; then
	skip "sync in the interface" "tmux is not installed"
	finish
fi
W="$T/www"
mkdir -p "$W" "$XDG_CONFIG_HOME/podcue"
echo "set mpv_option ao=null" >"$XDG_CONFIG_HOME/podcue/config"
start_server "$W"
have_audio=0
if command -v ffmpeg >/dev/null 2>&1 &&
	ffmpeg -nostdin -v error -y -f lavfi -i sine=frequency=440:duration=60 -ac 1 -ar 22050 \
		-c:a libmp3lame -b:a 32k "$W/e2.mp3" 2>/dev/null; then
	have_audio=1
fi
rss "Sync Show" \
	"g1|Phone Heard This|Wed, 14 May 2025 10:00:00 GMT|1:00|$BASE/e1.mp3" \
	"g2|Played Here|Tue, 13 May 2025 10:00:00 GMT|1:00|$BASE/e2.mp3" >"$W/feed.xml"
FEED="$BASE/feed.xml"
check "add a feed" pc add "$FEED"

PW='tui-Secr3t-Pw'
SLOG="$T/sync.log"
: >"$SLOG"
python3 "$ROOT/tests/sync_server.py" --user alice --password "$PW" --port-file "$T/sport" \
	--log "$SLOG" >"$T/sync.out" 2>&1 &
SPID=$!
SERVER_PIDS="$SERVER_PIDS $SPID"
i=0
while [ ! -s "$T/sport" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
SBASE="http://127.0.0.1:$(cat "$T/sport")"
ctl() { curl -s -X POST --data "$2" "$SBASE/_ctl/$1" >/dev/null; }
check "setup" env PODCUE_SYNC_PASSWORD="$PW" "$PODCUE" --db "$DB" sync setup "$SBASE" \
	--user alice --device desk
# The password file, as a typed password leaves it: the TUI reads it.
printf '%s\n' "$PW" >"$XDG_CONFIG_HOME/podcue/sync-password"
chmod 600 "$XDG_CONFIG_HOME/podcue/sync-password"

NOW=$(date -u +%s)
ctl actions "[{\"podcast\":\"$FEED\",\"episode\":\"$BASE/e1.mp3\",\"device\":\"phone\",\"action\":\"play\",\"timestamp\":$NOW,\"started\":0,\"position\":21,\"total\":60}]"

tui_start 120 24
tui_check "at start the interface syncs: the phone's position shows" "35%" 20
tui_check_still "...and the status line says what moved" "synced: 1 up, 1 down" 5
check "...the subscription went up" grep -q '"path": "/api/2/subscriptions/alice/desk.json", "status": 200, "auth": "cookie", "body": "{\\"add\\"' "$SLOG"
tui_screen >"$T/first.screen"
tui_wait_gone "synced:" 15
check "...the success line goes after a few seconds" sh -c "! grep -q 'synced:' '$T/screen'"

# U: a sync now; the server slow, then failing.
ctl mode '{"mode": "500", "delay": 3}'
tui_keys U
tui_check "U syncs: 'syncing' on the status bar while it runs" "syncing" 10
tui_keys l
tui_check_selected "keys keep working while the sync waits on the server" "Phone Heard This" 5
tui_check "a failure shows on the message line" "sync failed: login: the server answered HTTP 500" 30
tui_keys j
tui_check_selected "keys work after the failure" "Played Here" 5

# A server that echoes the password: blanked out of the message.
ctl mode '{"mode": "echo"}'
tui_keys U
tui_check "a reply that quotes the password: the failure shows it blanked" "near '\"***')" 30
tui_screen >"$T/echo.screen"
tui_keys k
tui_check_selected "keys work after it" "Phone Heard This" 5

# The server gone altogether.
ctl mode '{"mode": "normal"}'
kill "$SPID"
wait "$SPID" 2>/dev/null
tui_keys U
tui_check "a server that is gone: a failure on the message line" "sync failed: " 30
tui_keys j
tui_check_selected "keys work after that failure too" "Played Here" 5
tui_keys :
tui_keys -l sync
tui_keys Enter
tui_check ":sync syncs too" "sync failed: " 30

# Playback that stops syncs (the stopped position goes up by itself).
if [ $have_audio = 1 ]; then
	: >"$SLOG"
	python3 "$ROOT/tests/sync_server.py" --user alice --password "$PW" --port-file "$T/sport2" \
		--log "$SLOG" >"$T/sync.out" 2>&1 &
	SERVER_PIDS="$SERVER_PIDS $!"
	i=0
	while [ ! -s "$T/sport2" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	SBASE2="http://127.0.0.1:$(cat "$T/sport2")"
	sq "UPDATE sync_state SET server = '$SBASE2'"
	tui_keys Enter
	tui_check "Enter plays the episode" "▶" 20
	sleep 2 # the position must move past the resume point: a real position to send
	tui_keys s
	tui_check "s stops it, and a sync follows by itself" "synced: 1 up" 30
	curl -s "$SBASE2/_ctl/state" >"$T/state.json"
	check "playback that stops syncs: the stopped position went up" jq_py "$T/state.json" \
		"[(a['action'], a['device'], a['position'] > 0) for a in d['actions'] if a['episode'] == '$BASE/e2.mp3'] == [('play', 'desk', True)]"
else
	skip "playback that stops syncs" "ffmpeg cannot make audio"
fi

# Quitting during a sync that waits on the server: at once, not after it.
if [ $have_audio = 1 ]; then
	curl -s -X POST --data '{"mode": "normal", "delay": 120}' "$SBASE2/_ctl/mode" >/dev/null
	tui_keys U
	tui_check "a sync that waits on the server" "syncing" 10
	tui_keys q
	poll_start 15
	while tui_running && poll_more; do :; done
	check "q quits at once, the sync cancelled" sh -c "! [ \"\$(tmux -S '$T/tmux.sock' display-message -p -t t '#{pane_dead}')\" = 0 ]"
else
	tui_keys q
fi
tui_wait_gone "Sync Show" 10
LOG="$XDG_STATE_HOME/podcue/podcue.log"
check "the log has the failures" grep -q "sync failed" "$LOG"
check "the password is in no log, screen or server log of podcue's words" sh -c \
	"! grep -q -- '$PW' '$LOG' '$T/pane.raw' '$T/first.screen' '$T/echo.screen' '$T/screen'"
finish
