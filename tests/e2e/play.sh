#!/bin/sh
# End-to-end: `podcue play` on audio made by ffmpeg and served over loopback
# HTTP, driven in tmux: the status line, chapter keys, seeks, pause, quit
# with the position saved, resume, --chapter and --at, playing to the end,
# embedded chapters stored by a play, the terminal restored; and every way
# an enclosure can fail (404, refused connection, unknown host, not audio,
# a server that never answers, a file: URL in a remote feed), each with a
# readable message and exit status 1 within the network timeout.
. "$(dirname "$0")/../lib.sh"

if ! command -v ffmpeg >/dev/null 2>&1; then
	skip "play tests" "ffmpeg is not installed"
	finish
fi

W="$T/www"
mkdir -p "$W" "$XDG_CONFIG_HOME/podcue"
start_server "$W"
cat >"$XDG_CONFIG_HOME/podcue/config" <<'EOF'
set played_margin 5
set save_interval 1
set resume_rewind 3
set prev_chapter_grace 3
EOF
LOG="$XDG_STATE_HOME/podcue/podcue.log"

# 60 s MP3 with ID3 chapters at 0/20/40; the second title carries escape
# sequences (a colour and a window-title OSC) that must never reach the
# terminal. 30 s M4A with chapters at 0/10/20 that only libmpv can read.
esc=$(printf '\033') bel=$(printf '\007')
meta() { # meta TITLE... (chapters every $STEP ms)
	printf ';FFMETADATA1\ntitle=Test\n'
	i=0
	for t in "$@"; do
		printf '[CHAPTER]\nTIMEBASE=1/1000\nSTART=%d\nEND=%d\ntitle=%s\n' \
			$((i * STEP)) $(((i + 1) * STEP)) "$t"
		i=$((i + 1))
	done
}
STEP=20000 meta "Intro" "Middle ${esc}[31mred${esc}]2;PWNED${bel} part" "The end" >"$T/m1.txt"
STEP=10000 meta "Uno" "Dos" "Tres" >"$T/m2.txt"
if ffmpeg -nostdin -v error -y -f lavfi -i sine=frequency=440:duration=60 -i "$T/m1.txt" \
	-map 0:a -map_metadata 1 -map_chapters 1 -ac 1 -ar 22050 -c:a libmp3lame -b:a 32k \
	-id3v2_version 3 "$W/ep.mp3" &&
	ffmpeg -nostdin -v error -y -f lavfi -i sine=frequency=330:duration=30 -i "$T/m2.txt" \
		-map 0:a -map_metadata 1 -map_chapters 1 -ac 1 -ar 8000 -c:a aac -b:a 16k \
		-movflags +faststart "$W/emb.m4a"; then
	ok "generate audio with chapters"
else
	not_ok "generate audio with chapters"
	finish
fi
printf 'This is not audio at all.\n' >"$W/text.mp3"
# A loopback port nobody listens on.
DEAD=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

rss "Play Show" \
	"ep|Episode with chapters|Wed, 14 May 2025 10:00:00 GMT|1:00|$BASE/ep.mp3" \
	"emb|Chapters inside an M4A|Tue, 13 May 2025 10:00:00 GMT|0:30|$BASE/emb.m4a" \
	"404|Gone|Mon, 12 May 2025 10:00:00 GMT|1:00|$BASE/missing.mp3" \
	"refused|Refused|Sun, 11 May 2025 10:00:00 GMT|1:00|http://127.0.0.1:$DEAD/a.mp3" \
	"dns|Unknown host|Sat, 10 May 2025 10:00:00 GMT|1:00|http://no-such-host.invalid/a.mp3" \
	"text|Not audio|Fri, 09 May 2025 10:00:00 GMT|1:00|$BASE/text.mp3" \
	"hang|Stalls|Thu, 08 May 2025 10:00:00 GMT|1:00|$BASE/_/hang" \
	"local|Local file|Wed, 07 May 2025 10:00:00 GMT|1:00|file:///etc/passwd" >"$W/feed.xml"
check "add a feed with playable and broken enclosures" pc add "$BASE/feed.xml"
# The same audio with 12 Podlove chapters, 5 s apart, in a second feed.
{
	printf '<rss version="2.0" xmlns:psc="http://podlove.org/simple-chapters"><channel>'
	printf '<title>Many Chapters</title><item><guid>many</guid><title>Twelve parts</title>'
	printf '<enclosure url="%s/ep.mp3" type="audio/mpeg" length="1"/><psc:chapters>' "$BASE"
	for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
		printf '<psc:chapter start="00:00:%02d" title="Part %d"/>' $(((i - 1) * 5)) "$i"
	done
	printf '</psc:chapters></item></channel></rss>\n'
} >"$W/many.xml"
check "add a feed with twelve chapters" pc add "$BASE/many.xml"
id_of() { sqlite3 "$DB" "SELECT id FROM episode WHERE guid = '$1'"; }
EP=$(id_of ep)

# ---- failures: no terminal needed (stdin is not a tty) ---------------------

# play_fail NAME GUID PATTERN [MAXSECONDS] [ARGS...]: exit 1, a message
# matching PATTERN on stderr, within MAXSECONDS.
play_fail() {
	name=$1 guid=$2 pat=$3 max=5
	shift 3
	if [ $# -gt 0 ]; then
		max=$1
		shift
	fi
	t0=$(date +%s.%N)
	timeout 60 "$PODCUE" --db "$DB" --mpv-option ao=null "$@" play "$(id_of "$guid")" \
		</dev/null >"$T/out" 2>"$T/err"
	st=$?
	took=$(python3 -c "import sys; print(round($(date +%s.%N) - $t0, 1))")
	if [ "$st" -eq 1 ] && grep -qiE "$pat" "$T/err" &&
		python3 -c "import sys; sys.exit(not $took <= $max)" &&
		! grep -q "$(printf '\033')" "$T/err" && ! grep -q Sanitizer "$T/err"; then
		ok "$name ($took s): $(head -c 120 "$T/err")"
	else
		not_ok "$name" "exit $st after $took s (limit $max)" "$(cat "$T/err")"
	fi
}
play_fail "404 gives a readable message" 404 "404"
play_fail "a refused connection gives a readable message" refused "refused"
play_fail "an unknown host gives a readable message" dns "resolve"
play_fail "a file that is not audio is refused" text "not an audio file"
play_fail "a stalled server fails after network-timeout" hang "no answer within 2 s" 7 \
	--mpv-option network-timeout=2
play_fail "a file: enclosure in a remote feed is refused" local "only http and https"
check "...and nothing was saved for them" \
	test "$(sqlite3 "$DB" "SELECT count(*) FROM episode WHERE position IS NOT NULL OR played")" = 0
if ! grep -q "mpv: \[" "$LOG" 2>/dev/null; then
	not_ok "libmpv's messages go to the log file" "$(tail -3 "$LOG" 2>&1)"
else
	ok "libmpv's messages go to the log file"
fi
"$PODCUE" --db "$DB" play >/dev/null 2>&1
check "a missing episode argument is a usage error (2)" test $? -eq 2
"$PODCUE" --db "$DB" play "$EP" --chapter 2 --at 5 >/dev/null 2>&1
check "--chapter with --at is a usage error (2)" test $? -eq 2
"$PODCUE" --db "$DB" play 99999 >/dev/null 2>"$T/err"
check "an unknown episode fails with a message" \
	sh -c 'test $0 -eq 1 && grep -q "no such episode" "$1"' $? "$T/err"

# The M4A's chapters are invisible to the ID3 reader; only a play finds them.
pc chapters "$(id_of emb)" --json >"$T/c.json"
check "before playing, the M4A has no embedded chapters" \
	jq_py "$T/c.json" 'not any(c["source"] == "embedded" for c in d["chapters"])'

# Plays the end of an episode with stdin not a tty: exits 0 at the end,
# without busy-waiting on stdin (CPU time is measured).
cat >"$T/cpu.py" <<'EOF'
import resource, subprocess, sys, time
t = time.time()
rc = subprocess.call(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                     stderr=open(sys.argv[0] + ".err", "w"), timeout=60)
u = resource.getrusage(resource.RUSAGE_CHILDREN)
print(rc, round(time.time() - t, 1), round(u.ru_utime + u.ru_stime, 2))
EOF
set -- $(python3 "$T/cpu.py" "$PODCUE" --db "$DB" --mpv-option ao=null play "$(id_of emb)" --at 26)
if [ "${1:-x}" = 0 ] && python3 -c "import sys; sys.exit(not ($2 < 15 and $3 < 2))"; then
	ok "playing to the end exits 0 (took $2 s, CPU $3 s, stdin not a tty)"
else
	not_ok "playing to the end exits 0" "exit ${1:-?}, ${2:-?} s, CPU ${3:-?} s" \
		"$(cat "$T/cpu.py.err")"
fi
pc show "$(id_of emb)" --json >"$T/s.json"
check "...and marks it played with no position" jq_py "$T/s.json" 'd["played"] is True and d["position"] is None'
pc chapters "$(id_of emb)" --json >"$T/c.json"
check "the chapters libmpv found in the file are stored as embedded" \
	jq_py "$T/c.json" '[(round(c["start"]), c["title"], c["source"]) for c in d["chapters"]] == [(0, "Uno", "embedded"), (10, "Dos", "embedded"), (20, "Tres", "embedded")]'

# SIGTERM saves the position (save_interval is 600 here, so only the
# signal can have saved it) and exits 128 + 15. The start lies outside
# played_margin (30 s of this 60 s file): from 0:30 on, the episode counts
# as played and keeps no position, which is not what this checks.
printf 'set save_interval 600\n' >"$T/slow.conf"
: >"$LOG"
"$PODCUE" --db "$DB" --config "$T/slow.conf" --mpv-option ao=null play "$EP" --at 12 \
	</dev/null >/dev/null 2>&1 &
pid=$!
i=0
while ! grep -q "AO: \[null\]" "$LOG" 2>/dev/null && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill -TERM "$pid"
wait "$pid"
st=$?
pc show "$EP" --json >"$T/s.json"
if [ "$st" -eq 143 ] && jq_py "$T/s.json" 'd["position"] is not None and 11 <= d["position"] < 25 and not d["played"]' >/dev/null; then
	ok "SIGTERM saves the position and exits 143"
else
	not_ok "SIGTERM saves the position and exits 143" "exit $st" "$(cat "$T/s.json" | grep position)"
fi
sqlite3 "$DB" "UPDATE episode SET position = NULL, played = 0"

# ---- interactive, in tmux ------------------------------------------------

if ! have_tmux; then
	skip "interactive play tests" "tmux is not installed"
	finish
fi

# play_start ARGS...: runs podcue play in a 100x10 pane; when it exits the
# pane shows EXIT=<status> and the terminal's icanon/echo flags.
play_start() {
	tui_stop
	cat >"$T/run.sh" <<EOF
"$PODCUE" --db "$DB" --mpv-option ao=null ${PLAY_OPTS:-} play "\$@"
echo "EXIT=\$?"
stty -a | tr ' ;' '\n\n' | grep -x -e icanon -e -icanon -e echo -e -echo | tr '\n' ' '
echo TTY-DONE
exec sleep 600
EOF
	tui_run_script "$@"
}

# wait_pos LO HI [SECONDS]: waits until the shown position is in [LO, HI].
wait_pos() {
	deadline=$(($(date +%s) + ${3:-10}))
	while :; do
		p=$(pos_of)
		[ -n "$p" ] && [ "$p" -ge "$1" ] && [ "$p" -le "$2" ] && return 0
		[ "$(date +%s)" -ge "$deadline" ] && return 1
		sleep 0.1
	done
}

# first_status: the first status line painted while playing, from the raw
# pane log, so a loaded machine that reads the screen late still sees where
# playback started (the screen may have moved on by then).
first_status() {
	perl -pe 's/\e\[[0-9;?]*[A-Za-z]//g; s/\e[()][0-9A-Za-z]//g; s/\e[=>]//g' "$T/pane.raw" |
		grep -ao '▶ [0-9:]* / [^▶⏸…]*' | head -1
}

# start_check NAME LO HI [TEXT]: that first status line shows a position in
# [LO, HI] (and TEXT).
start_check() {
	deadline=$(($(date +%s) + 20))
	while st=$(first_status) && [ -z "$st" ] && [ "$(date +%s)" -lt "$deadline" ]; do
		sleep 0.1
	done
	p=$(printf '%s\n' "$st" | python3 -c '
import re, sys
m = re.search(r"▶ (?:(\d+):)?(\d+):(\d\d) /", sys.stdin.read())
if m:
    h, mi, s = m.groups()
    print(int(h or 0) * 3600 + int(mi) * 60 + int(s))')
	if [ -n "$p" ] && [ "$p" -ge "$2" ] && [ "$p" -le "$3" ] &&
		case $st in *"${4:-}"*) true ;; *) false ;; esac; then
		ok "$1"
	else
		not_ok "$1" "expected the first position painted in [$2, $3]${4:+ with $4}" "first status: $st"
	fi
}

pos_check() {
	if wait_pos "$2" "$3" "${4:-10}"; then
		ok "$1"
	else
		not_ok "$1" "expected a position in [$2, $3]" "$(sed 's/^/| /' "$T/screen")"
	fi
}

play_start "$EP"
tui_check "the episode title is shown" "Episode with chapters"
tui_check "the status line shows elapsed / duration" " / 1:00"
tui_check "...and the chapter" "ch 1/3 · Intro"
# Paused from here, so each position below is where a key put it, however
# slow the machine (seeks and jumps keep the pause).
tui_keys Space
tui_check "Space pauses" "paused"
tui_keys n
tui_check "n moves to the next chapter" "ch 2/3 · Middle red part"
if grep -q "$(printf '\033')\]2;" "$T/pane.raw" || grep -q "$(printf '\033')\[31m" "$T/pane.raw" ||
	grep -q PWNED "$T/pane.raw"; then
	not_ok "escape sequences in a chapter title never reach the terminal"
else
	ok "escape sequences in a chapter title never reach the terminal"
fi
pos_check "...to the chapter's start" 19 21
tui_keys Right
pos_check "Right seeks forward seek_step" 29 31
tui_keys S-Left
pos_check "S-Left seeks back seek_step_big (not before 0)" 0 0
tui_check "...into the first chapter" "ch 1/3 · Intro"
tui_keys 3
tui_check "a lone digit jumps to that chapter (once the count is complete)" "ch 3/3 · The end"
tui_keys p
tui_check "p within the grace period goes to the chapter before" "ch 2/3"
tui_keys c
tui_check "c without a count says what to do" "chapter number first"
tui_keys -
tui_check "- lowers the volume by volume_step" "vol 95"
tui_keys ]
tui_check "] raises the speed by speed_step" "1.1x"
tui_keys S-Right
pos_check "S-Right seeks forward seek_step_big (not past the end)" 58 59
pc show "$EP" --json >"$T/s.json"
check "within played_margin of the end it counts as played" jq_py "$T/s.json" 'd["played"] is True'
tui_keys Left
pos_check "Left seeks back seek_step" 48 49
tui_keys q
tui_check "q exits 0" "EXIT=0"
tui_check "...and restores the terminal" "icanon echo TTY-DONE"
pc show "$EP" --json >"$T/s.json"
check "...with the position saved (and played undone by the seek back)" \
	jq_py "$T/s.json" 'd["played"] is False and 48 <= d["position"] < 50'
SAVED=$(python3 -c 'import json,sys; print(int(json.load(open(sys.argv[1]))["position"]))' "$T/s.json")

play_start "$EP"
start_check "playing again resumes resume_rewind seconds before it" $((SAVED - 4)) $((SAVED - 2))
tui_keys q
tui_check "q exits 0 again" "EXIT=0"

play_start "$EP" --chapter 3
tui_check "--chapter 3 starts at chapter 3" "ch 3/3 · The end"
start_check "...at its start" 39 41
tui_keys q
tui_wait "EXIT=0" >/dev/null

play_start "$EP" --at 12
# The first position painted may be 11.9 s, shown as 0:11.
start_check "--at 12 starts at 12 s" 11 13
start_check "...in the first chapter" 11 13 "ch 1/3"
tui_keys q
tui_wait "EXIT=0" >/dev/null

# A typed count waits for more digits (or c), then jumps (KEY_COUNT_WAIT_MS).
play_start "$(id_of many)"
tui_check "many chapters: the status counts them" "ch 1/12 · Part 1"
tui_keys Space # chapter 12 starts 5 s before the end: paused, it cannot end
tui_check "...paused" "paused"
tui_keys 1 2
tui_check "1 2 jumps to chapter 12" "ch 12/12 · Part 12"
tui_keys 5
tui_check "5 alone jumps" "ch 5/12 · Part 5"
tui_keys 1
tui_check_shown "1 waits for a second digit" "[1]"
tui_check "...then jumps to chapter 1" "ch 1/12 · Part 1"
tui_keys q
tui_wait "EXIT=0" >/dev/null

# SIGWINCH: the line is refitted to the new width.
play_start "$EP" --at 30
tui_check "a long status line fits 100 columns" "ch 2/3 · Middle red part"
tui_resize 40 10 2>/dev/null
if tui_wait "…" 10 && ! tui_screen | grep -q "Middle red part" &&
	[ "$(tui_screen | python3 -c 'import sys; print(max(len(l.rstrip("\n")) for l in sys.stdin))')" -le 40 ]; then
	ok "after a resize to 40 columns the line is cut to fit"
else
	not_ok "after a resize to 40 columns the line is cut to fit" "$(sed 's/^/| /' "$T/screen")"
fi
tui_keys q
tui_wait "EXIT=0" >/dev/null

# No sound card: ALSA cannot open a device; playback goes on silently, says
# so, and ALSA's own messages (written to fd 2) stay out of the terminal.
if [ -r /proc/asound/cards ] && ! grep -q "no soundcards" /proc/asound/cards; then
	skip "no audio device" "this machine has a sound card"
else
	PLAY_OPTS="--mpv-option ao=alsa" play_start "$EP" --at 5
	tui_check "without an audio device the status says so" "no audio device"
	pos_check "...and playback goes on" 6 20
	if tui_screen | grep -qi "alsa"; then
		not_ok "ALSA's messages stay out of the terminal" "$(cat "$T/screen")"
	else
		ok "ALSA's messages stay out of the terminal"
	fi
	check "...they went to the log file" grep -q "ALSA lib" "$LOG"
	tui_keys q
	tui_wait "EXIT=0" >/dev/null
fi

# Terminal-side errors still leave the terminal sane.
play_start "$(id_of 404)"
tui_check "a failed play exits 1 in the terminal too" "EXIT=1"
tui_check "...with the message on the screen" "404"
tui_check "...and the terminal restored" "icanon echo TTY-DONE"
tui_stop

finish
