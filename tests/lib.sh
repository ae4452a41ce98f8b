# Shared helpers for the end-to-end scripts (sourced, POSIX sh).
#
# Each script drives the real binary ($PODCUE) and prints one TAP-like line
# per check: "ok - name", "not ok - name", or "ok - name # SKIP reason".
# Everything a script creates lives under $T, removed on exit; servers it
# starts are stopped on exit.

set -u
: "${PODCUE:?PODCUE must point at the binary}"
ROOT=${PODCUE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
T=$(mktemp -d "${TMPDIR:-/tmp}/podcue-e2e.XXXXXX")
export HOME="$T/home" XDG_DATA_HOME="$T/home/data" XDG_CONFIG_HOME="$T/home/config" \
	XDG_STATE_HOME="$T/home/state"
mkdir -p "$HOME"
DB="$T/cache.db"
FAILED=0
SERVER_PIDS=""

cleanup() {
	[ -S "$T/tmux.sock" ] && tmux -S "$T/tmux.sock" kill-server 2>/dev/null
	for p in $SERVER_PIDS; do kill "$p" 2>/dev/null; done
	for p in $SERVER_PIDS; do wait "$p" 2>/dev/null; done
	sanitizer_reports
	log_tails
	rm -rf "$T"
}

# log_tails: after a failure, the end of each podcue log, as "#log|" lines
# that tests/run.sh repeats in its summary: what podcue did around a
# failed check, when only a CI log remains.
log_tails() {
	[ "$FAILED" = 0 ] && return
	find "$T" -name podcue.log -type f 2>/dev/null | while read -r f; do
		echo "#log| ${f#"$T"/}, last lines:"
		tail -n 25 "$f" | cut -c1-160 | sed 's/^/#log| /'
	done
}

# sanitizer_reports: the interface sends stderr to its log file, so a
# sanitizer's report on a TUI session lands there, not on the screen; each
# log holding one is a failure, shown (a session that died so otherwise
# shows only as checks that time out on a frozen screen).
sanitizer_reports() {
	find "$T" -name podcue.log -type f 2>/dev/null | while read -r f; do
		grep -qE '^(==[0-9]+==ERROR: |[^ ]+:[0-9]+:[0-9]+: runtime error: |WARNING: ThreadSanitizer)' "$f" ||
			continue
		echo "not ok - sanitizer report in ${f#"$T"/}"
		grep -vE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T' "$f" | head -60 | sed 's/^/#   /'
	done
}
trap cleanup EXIT INT TERM

ok() { echo "ok - $1"; }
not_ok() {
	echo "not ok - $1"
	shift
	# Every line of a reason is marked, so a summary of "#" lines keeps a
	# whole screen dump.
	for reason in "$@"; do printf '%s\n' "$reason" | sed 's/^/#   /'; done
	FAILED=1
}
skip() { echo "ok - $1 # SKIP $2"; }

# check NAME COMMAND...: passes when the command exits 0.
check() {
	name=$1
	shift
	if "$@" >"$T/check.out" 2>&1; then
		ok "$name"
	else
		not_ok "$name" "command: $*" "$(tail -5 "$T/check.out")"
	fi
}

# sq SQL...: the sqlite3 shell on the test cache, waiting (like podcue) up
# to 10 s for a writer instead of failing with "database is locked".
sq() { sqlite3 -cmd '.timeout 10000' "$DB" "$@"; }

# pc ARGS...: runs podcue on the test cache.
pc() { "$PODCUE" --db "$DB" "$@"; }

# jq_py FILE EXPR: evaluates a Python expression with d = the parsed JSON of
# FILE; exits 0 when it is true. Prints the value on failure.
jq_py() {
	python3 - "$1" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
v = eval(sys.argv[2], {"d": d})
if v is not True:
    print("expression:", sys.argv[2], "->", repr(v)[:400])
    sys.exit(1)
PY
}

# start_server ROOTDIR: starts tests/httpd.py on a free loopback port; sets
# PORT, BASE (http://127.0.0.1:PORT) and HTTPLOG (one JSON line a request).
start_server() {
	HTTPLOG="$T/http.log"
	: >"$HTTPLOG"
	rm -f "$T/port"
	python3 "$ROOT/tests/httpd.py" --root "$1" --port 0 --port-file "$T/port" \
		--log "$HTTPLOG" >"$T/httpd.out" 2>&1 &
	SERVER_PIDS="$SERVER_PIDS $!"
	i=0
	while [ ! -s "$T/port" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	PORT=$(cat "$T/port" 2>/dev/null)
	[ -n "$PORT" ] || { not_ok "test server started" "$(cat "$T/httpd.out")"; exit 1; }
	BASE="http://127.0.0.1:$PORT"
}

# rss TITLE ITEMS...: writes an RSS 2.0 feed to stdout; each ITEM is
# "guid|title|pubDate|duration|enclosure".
rss() {
	title=$1
	shift
	printf '<?xml version="1.0" encoding="UTF-8"?>\n'
	printf '<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">\n'
	printf '<channel><title>%s</title><link>https://example.org/</link>\n' "$title"
	printf '<description>A test feed</description>\n'
	for it in "$@"; do
		IFS='|' read -r g t d du enc <<EOT
$it
EOT
		printf '<item><guid isPermaLink="false">%s</guid><title>%s</title>' "$g" "$t"
		printf '<pubDate>%s</pubDate><itunes:duration>%s</itunes:duration>' "$d" "$du"
		printf '<enclosure url="%s" type="audio/mpeg" length="1000"/>' "$enc"
		printf '<description>Notes for %s</description></item>\n' "$t"
	done
	printf '</channel></rss>\n'
}

# ---- driving the TUI in tmux -----------------------------------------------
# A private tmux server (socket under $T) runs one session "t". The pane's
# screen is read with capture-pane; waits poll it with a deadline, so a slow
# machine costs time, never a false failure.

have_tmux() { command -v tmux >/dev/null 2>&1; }
tm() { tmux -u -S "$T/tmux.sock" "$@"; }

# tui_start COLS ROWS ARGS...: runs podcue (on the test cache, UTF-8 locale)
# with ARGS in a COLSxROWS pane; everything written to the pane is also
# logged raw to $T/pane.raw.
tui_start() {
	cols=$1 rows=$2
	shift 2
	: >"$T/pane.raw"
	tui_new_screen
	tm -f /dev/null new-session -d -s t -x "$cols" -y "$rows" \
		"env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=tmux-256color $PODCUE --db $DB $*" \; \
		set-option -t t remain-on-exit on \; \
		pipe-pane -t t -o "cat >>'$T/pane.raw'"
}

# A check must observe the change it claims, so each action remembers the
# screen from before it ($T/before): the first action after a check (keys, a
# resize) saves it, and tui_check refuses TEXT that was already there (such
# a check could never fail). Text meant to stay on screen is checked with
# tui_check_still.
TUI_MARK=1

# tui_new_screen: a new session starts from an empty screen (call it when
# starting one without tui_start).
tui_new_screen() {
	: >"$T/before"
	: >"$T/before.e"
	TUI_MARK=0
	RAW_MARK=0
}

# tui_mark: saves the screen as the one from before the next action.
tui_mark() {
	if [ "$TUI_MARK" = 1 ]; then
		tm capture-pane -t t -p -e >"$T/before.e" 2>/dev/null
		sed 's/\x1b\[[0-9;]*m//g' "$T/before.e" >"$T/before"
		RAW_MARK=$(wc -c <"$T/pane.raw" 2>/dev/null || echo 0)
		TUI_MARK=0
	fi
}

# tui_keys KEY...: tmux send-keys names (Enter, Down, C-l, "text" -l, ...).
tui_keys() { tui_mark; tm send-keys -t t "$@"; }

# tui_resize COLS ROWS: resizes the pane (podcue gets SIGWINCH).
tui_resize() { tui_mark; tm resize-window -t t -x "$1" -y "$2"; }

# tui_screen: the visible pane as text (also saved in $T/screen).
tui_screen() { tui_capture; cat "$T/screen"; }
tui_capture() { tm capture-pane -t t -p >"$T/screen" 2>/dev/null; }

# poll_start SECONDS, then `poll_more || give up` after each failed look:
# a deadline counted in polls 0.1 s apart, so a poll costs no process to
# read the clock (the suite polls thousands of times; a slow poll only
# makes the deadline later, never earlier).
poll_start() { _polls=$(( ${1:-10} * 10 )); }
poll_more() {
	[ "$_polls" -gt 0 ] || return 1
	_polls=$((_polls - 1))
	sleep 0.1
}

# lock_start MAX_SECONDS: another process (python3's sqlite3, as a refresh
# storing a feed would) takes the cache's write lock, writes, and holds it
# until lock_release or MAX_SECONDS; $LOCKPID is its pid. Fails when it
# did not get the lock within 10 s. lock_held: it still holds it.
lock_start() {
	rm -f "$T/lock.ready" "$T/lock.release"
	python3 - "$DB" "$T/lock.ready" "$T/lock.release" "$1" <<'PY' &
import os, sqlite3, sys, time
db, ready, release, most = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
c = sqlite3.connect(db, isolation_level=None, timeout=30)
c.execute("BEGIN IMMEDIATE")
c.execute("UPDATE podcast SET description = coalesce(description, '') || ''")
open(ready, "w").close()
end = time.time() + most
while time.time() < end and not os.path.exists(release):
    time.sleep(0.02)
c.execute("COMMIT")
PY
	LOCKPID=$!
	poll_start 10
	until [ -e "$T/lock.ready" ]; do poll_more || break; done
	[ -e "$T/lock.ready" ]
}
lock_held() { kill -0 "$LOCKPID" 2>/dev/null && [ ! -e "$T/lock.release" ]; }
lock_release() { : >"$T/lock.release"; wait "$LOCKPID" 2>/dev/null; }

# tui_wait TEXT [SECONDS]: waits until TEXT (fixed string) is on screen.
tui_wait() {
	poll_start "${2:-10}"
	while :; do
		tui_capture
		grep -qF -- "$1" "$T/screen" && return 0
		# tui_check_shown: or painted to the pane since the last action.
		[ "${TUI_WAIT_RAW:-0}" = 1 ] &&
			tail -c +$((${RAW_MARK:-0} + 1)) "$T/pane.raw" 2>/dev/null | grep -aqF -- "$1" &&
			return 0
		poll_more || return 1
	done
}

# tui_wait_gone TEXT [SECONDS]: waits until TEXT is no longer on screen.
tui_wait_gone() {
	poll_start "${2:-10}"
	while :; do
		tui_capture
		grep -qF -- "$1" "$T/screen" || return 0
		poll_more || return 1
	done
}

# tui_check NAME TEXT [SECONDS]: one test line for "TEXT shows up" after
# the last action; TEXT must not have been on the screen before it.
tui_check() {
	TUI_MARK=1
	if grep -qF -- "$2" "$T/before"; then
		not_ok "$1" "already on screen before the action: $2" "$(sed 's/^/| /' "$T/before")"
		return
	fi
	tui_check_still "$@"
}

# tui_check_still NAME TEXT [SECONDS]: one test line for "TEXT is on
# screen", with no claim that the last action brought it.
tui_check_still() {
	TUI_MARK=1
	if tui_wait "$2" "${3:-10}"; then
		ok "$1"
	else
		not_ok "$1" "expected on screen: $2" "$(sed 's/^/| /' "$T/screen")"
	fi
}

# tui_check_shown NAME TEXT [SECONDS]: as tui_check, for TEXT shown only
# briefly (a count's second): it may be on screen, or painted to the pane
# since the last action (podcue play writes each status line whole), so a
# loaded machine that looks late still sees it.
tui_check_shown() {
	TUI_WAIT_RAW=1
	tui_check "$@"
	TUI_WAIT_RAW=0
}

# tui_check_line NAME N REGEX [SECONDS]: one test line for "screen line N
# matches the extended REGEX" after the last action; line N of the screen
# from before it must not have matched.
tui_check_line() {
	TUI_MARK=1
	if sed -n "$2p" "$T/before" | grep -qE -- "$3"; then
		not_ok "$1" "line $2 matched before the action: $3" "$(sed 's/^/| /' "$T/before")"
		return
	fi
	poll_start "${4:-10}"
	while :; do
		tui_capture
		sed -n "$2p" "$T/screen" | grep -qE -- "$3" && { ok "$1"; return; }
		if ! poll_more; then
			not_ok "$1" "expected line $2 to match: $3" "$(sed 's/^/| /' "$T/screen")"
			return
		fi
	done
}

# selected TEXT: reads a screen with attributes (capture-pane -e) on stdin;
# 0 when TEXT is drawn in reverse video (the cursor's row).
selected() {
	grep -qP "\e\[(?:0;)?7m(?:\e\[(?!0|27m|m)[0-9;]*m|[^\e])*\Q$1\E"
}

# tui_check_selected NAME TEXT [SECONDS]: one test line for "the cursor
# (reverse video) moved onto TEXT" with the last action; it was not there
# before.
tui_check_selected() {
	TUI_MARK=1
	if selected "$2" <"$T/before.e"; then
		not_ok "$1" "already selected before the action: $2" "$(sed 's/^/| /' "$T/before")"
		return
	fi
	poll_start "${3:-10}"
	while :; do
		tm capture-pane -t t -p -e >"$T/screen.e" 2>/dev/null
		selected "$2" <"$T/screen.e" && { ok "$1"; return; }
		if ! poll_more; then
			not_ok "$1" "expected selected: $2" "$(sed 's/\x1b\[[0-9;]*m//g; s/^/| /' "$T/screen.e")"
			return
		fi
	done
}

# tui_run_script ARGS...: runs `sh $T/run.sh ARGS` (the caller writes it)
# in a fresh 100x10 pane, its raw output kept in $T/pane.raw.
tui_run_script() {
	: >"$T/pane.raw"
	tui_new_screen
	tm -f /dev/null new-session -d -s t -x 100 -y 10 \
		"env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=tmux-256color sh '$T/run.sh' $*" \; \
		pipe-pane -t t -o "cat >>'$T/pane.raw'"
}

# pos_of: the elapsed seconds on a playing status line (empty when none).
# awk, not python: it runs on every poll of a wait.
pos_of() {
	tui_screen | awk 'match($0, /(▶|⏸|…) ([0-9]+:)?[0-9]+:[0-9][0-9] \//) {
		split(substr($0, RSTART, RLENGTH), w, " ")
		k = split(w[2], a, ":")
		t = 0
		for (i = 1; i <= k; i++) t = t * 60 + a[i]
		print t
		exit }'
}

# tui_running: 0 while podcue runs in the pane (the pane stays after it
# exits so its last screen can be read).
tui_running() { [ "$(tm display-message -p -t t '#{pane_dead}' 2>/dev/null)" = 0 ]; }

# tui_stop: ends the session (and podcue, if it still runs).
tui_stop() { tm kill-session -t t 2>/dev/null; }

finish() { exit "$FAILED"; }
