#!/bin/sh
# End-to-end: the mouse in the TUI (tmux; SGR reports typed into the pane
# as raw bytes, as a terminal sends them): a click selects a row and
# focuses its pane, the wheel scrolls the pane under the pointer, a double
# click plays, a click on the timeline seeks there, a click on a chapter
# mark of the timeline or on a chapter line jumps to that chapter; with
# `set mouse off` a click does nothing.
. "$(dirname "$0")/../lib.sh"

if ! have_tmux || ! command -v ffmpeg >/dev/null 2>&1; then
	skip "mouse tests" "tmux or ffmpeg is not installed"
	finish
fi

W="$T/www"
mkdir -p "$W" "$XDG_CONFIG_HOME/podcue"
start_server "$W"
printf 'set mpv_option ao=null\n' >"$XDG_CONFIG_HOME/podcue/config"
{
	printf ';FFMETADATA1\ntitle=Test\n'
	i=0
	for t in "Intro" "Middle part" "The long end"; do
		printf '[CHAPTER]\nTIMEBASE=1/1000\nSTART=%d\nEND=%d\ntitle=%s\n' \
			$((i * 20000)) $(((i + 1) * 20000)) "$t"
		i=$((i + 1))
	done
} >"$T/meta.txt"
if ffmpeg -nostdin -v error -y -f lavfi -i sine=frequency=440:duration=60 -i "$T/meta.txt" \
	-map 0:a -map_metadata 1 -map_chapters 1 -ac 1 -ar 8000 -c:a libmp3lame -b:a 8k \
	-id3v2_version 3 "$W/ch.mp3"; then
	ok "generate audio"
else
	not_ok "generate audio"
	finish
fi
rss "A Show" "a1|First of A|Wed, 14 May 2025 10:00:00 GMT|1:00|$BASE/ch.mp3" >"$W/a.xml"
rss "Mouse Show" \
	"m1|Chaptered episode|Wed, 14 May 2025 10:00:00 GMT|1:00|$BASE/ch.mp3" \
	"m2|Second episode|Tue, 13 May 2025 10:00:00 GMT|1:00|$BASE/ch.mp3" >"$W/m.xml"
check "add two feeds" pc add "$BASE/a.xml" "$BASE/m.xml"

# at TEXT: "X Y" (1-based cell) of the first TEXT on screen.
at() {
	tui_screen >/dev/null
	python3 - "$T/screen" "$1" <<'PY'
import sys
for y, line in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    x = line.find(sys.argv[2])
    if x >= 0:
        print(x + 1, y)
        break
PY
}
# report B X Y [m]: one SGR report, as a terminal sends it.
report() { printf '\033[<%d;%d;%d%s' "$1" "$2" "$3" "${4:-M}"; }
# sgr B X Y [m]: one report typed into the pane.
sgr() { tui_mark; tm send-keys -t t -l "$(report "$@")"; }
# click X Y [TIMES]: press and release, TIMES times in one burst (a double
# click arrives within the terminal's interval however slow the machine).
click() {
	burst=""
	i=0
	while [ $i -lt "${3:-1}" ]; do
		burst="$burst$(report 0 "$1" "$2")$(report 0 "$1" "$2" m)"
		i=$((i + 1))
	done
	tui_mark
	tm send-keys -t t -l "$burst"
}
click_on() { # click_on TEXT [TIMES]
	set -- "$1" "${2:-1}" $(at "$1")
	[ -n "${4:-}" ] || { echo "not on screen: $1" >&2; return; }
	click "$3" "$4" "$2"
}

tui_start 100 24
tui_wait "Mouse Show" || not_ok "the TUI started" "$(tui_screen)"
flags() { tm display-message -p -t t '#{mouse_standard_flag}#{mouse_sgr_flag}'; }
check "podcue asked the terminal for SGR mouse reports" [ "$(flags)" = 11 ]
click_on "Mouse Show"
tui_check_selected "a click selects a podcast" "Mouse Show"
tui_check "... and its episodes show" "Chaptered episode"
click_on "Second episode"
tui_check_selected "a click in the episodes pane selects there" "Second episode"
tui_keys k
tui_check_selected "... and focuses it (k moves in the episodes pane)" "Chaptered episode"
set -- $(at "Chaptered episode")
sgr 65 "$1" "$2"
tui_check_selected "the wheel scrolls the pane under the pointer" "Second episode"
set -- $(at "A Show")
sgr 64 "$1" "$2"
tui_check "the wheel up in the podcasts pane selects A Show" "A Show (1)"
click_on "Mouse Show"
tui_check "back to the Mouse Show" "Chaptered episode"
click_on "Chaptered episode" 2
tui_check "a double click plays" "ch 1/3 · Intro"
tui_keys Space # paused, so positions hold still however slow the machine
tui_check "paused" "paused"
# The timeline is the row under the panes (the status line follows it).
TL=$(( $(grep -n '▶\|⏸\|…' "$T/screen" | tail -1 | cut -d: -f1) - 1 ))
click 51 "$TL"
tui_check "a click mid-timeline seeks to the middle" "ch 2/3 · Middle part"
check "... to 0:30" sh -c "grep -q '0:30 /' '$T/screen'"
click 67 "$TL" # 40 s of 60 on 100 columns: the mark of chapter 3
tui_check "a click on a chapter mark jumps to the chapter" "ch 3/3 · The long end"
click_on "Intro"
tui_check "a click on a chapter line jumps to it" "ch 1/3 · Intro"
tui_keys : "set mouse off" Enter
tui_wait "ok: set mouse off"
check "set mouse off: the terminal sends no reports" [ "$(flags)" = 00 ]
click_on "A Show"
sleep 0.3 # nothing to wait for: the claim is that nothing happens
check "with mouse off a click selects nothing" sh -c "! tm capture-pane -t t -p -e | grep -qP '\e\[7m(?:\e\[[0-9;]*m)*A Show' 2>/dev/null"
tui_keys q
tui_stop
finish
