#!/bin/sh
# End-to-end: what you were listening to, and reading on any width. In
# `podcue episodes` (text and --json) and in the TUI, in tmux: episodes in
# progress marked with how far in (podcast lists, Continue, search hits);
# the Continue list (last played first) that podcue opens in; the cursor
# on the last played episode at start; goto-playing; Space resuming with
# nothing playing; the cursor back where it was after newest and search;
# search hits in two columns with chapter times aligned; pane widths that
# follow the screen, the content and the settings; a podcast's own order,
# remembered in the cache, and the oldest_first setting.
. "$(dirname "$0")/../lib.sh"

if ! have_tmux; then
	skip "continue tests" "tmux is not installed"
	finish
fi
if ! command -v ffmpeg >/dev/null 2>&1; then
	skip "continue tests" "ffmpeg is not installed"
	finish
fi

W="$T/www"
mkdir -p "$W" "$XDG_CONFIG_HOME/podcue"
start_server "$W"
CONF="$XDG_CONFIG_HOME/podcue/config"
cat >"$CONF" <<'EOF'
set played_margin 5
set save_interval 1
set resume_rewind 0
EOF
ffmpeg -nostdin -v error -y -f lavfi -i sine=frequency=440:duration=60 -ac 1 -ar 22050 \
	-c:a libmp3lame -b:a 32k "$W/ep.mp3" || { not_ok "generate audio"; finish; }

LONG="A very long episode title that goes on and on well past twenty-eight columns of text"
cat >"$W/alpha.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">
<channel><title>Alpha</title><link>https://example.org/</link><description>A</description>
<item><guid>a1</guid><title>Morning walk</title>
<pubDate>Wed, 14 May 2025 10:00:00 GMT</pubDate><itunes:duration>1:00</itunes:duration>
<enclosure url="$BASE/ep.mp3" type="audio/mpeg" length="240000"/>
<description>Chapters
00:00 - Intro
00:20 - Zebra crossing</description></item>
<item><guid>a2</guid><title>Long haul</title>
<pubDate>Tue, 13 May 2025 10:00:00 GMT</pubDate><itunes:duration>2:00:00</itunes:duration>
<enclosure url="$BASE/missing.mp3" type="audio/mpeg" length="1000"/>
<description>Chapters
00:00:00 - Zebra start
01:00:00 - Zebra finale</description></item>
<item><guid>a3</guid><title>$LONG</title>
<pubDate>Mon, 12 May 2025 10:00:00 GMT</pubDate><itunes:duration>30:00</itunes:duration>
<enclosure url="$BASE/missing.mp3" type="audio/mpeg" length="1000"/>
<description>Nothing here.</description></item>
</channel></rss>
EOF
rss "Beta" \
	"b1|Beta first|Sat, 10 May 2025 10:00:00 GMT|1:00|$BASE/ep.mp3" \
	"b2|Beta second|Sun, 11 May 2025 10:00:00 GMT|1:00|$BASE/ep.mp3" >"$W/beta.xml"
pc add "$BASE/alpha.xml" "$BASE/beta.xml" >/dev/null 2>&1

# ---- the text listing --------------------------------------------------
b1=$(sq "SELECT id FROM episode WHERE guid = 'b1'")
pc episodes >"$T/before.txt"
sq "UPDATE episode SET position = 15, last_played = 1 WHERE id = $b1"
pc episodes >"$T/after.txt"
if ! grep -q "%" "$T/before.txt" && grep -q "^ *$b1 .* 25%  Beta first" "$T/after.txt"; then
	ok "episodes: an episode in progress shows how far in"
else
	not_ok "episodes: an episode in progress shows how far in" "$(cat "$T/before.txt" "$T/after.txt")"
fi
pc episodes --json >"$T/ep.json"
check "episodes --json: progress in percent, null when not started" \
	jq_py "$T/ep.json" "all((e['progress'] == 25) == (e['id'] == $b1) and
		(e['progress'] is None or e['id'] == $b1) for e in d)"
check "episodes --json: last_played is a time" \
	jq_py "$T/ep.json" "[e['last_played'] for e in d if e['id'] == $b1] == ['1970-01-01T00:00:00Z']"

# ---- the first screen: Continue -----------------------------------------
tui_start 200 40 --mpv-option ao=null
tui_check "podcue opens in the Continue list when something is in progress" \
	"Continue listening (1)"
tui_check_selected "the cursor starts on the last played episode" "Beta: Beta first"
tui_check_still "an episode in progress is marked with how far in" "◐ 2025-05-10  Beta: Beta first"
tui_check_still "its row says how far of how long" "25% of 1:00"

tui_keys C
tui_check "C leaves the Continue list for the episode's podcast" "Beta (2)"
tui_check_selected "the cursor is on that episode in its podcast" "◐ 2025-05-10  Beta first"

# ---- wide screens ---------------------------------------------------------
tui_keys h k Enter
tui_check "a long title is shown whole on a wide screen" "$LONG"
# Counted in characters: the line is UTF-8, and awk may count bytes.
sep=$(sed -n 1p "$T/screen" | python3 -c 'import sys; l = sys.stdin.read(); print(l.index("│"), l.index("│", l.index("│") + 1))')
set -- $sep
if [ "$1" -le 20 ]; then
	ok "the podcasts pane is as wide as its titles, not its 22% share"
else
	not_ok "the podcasts pane is as wide as its titles, not its 22% share" "separator at $1"
fi
SEP2=$2

# ---- playing, then the marks and the Continue order ----------------------
tui_keys g Enter
tui_check "Enter plays" "/ 1:00"
# Two seconds in (0:02 is on screen for only a second: wait for it or past).
poll_start 15
while p=$(pos_of) && { [ -z "$p" ] || [ "$p" -lt 2 ]; } && poll_more; do :; done
tui_keys s
tui_check_line "after stopping, the row shows how far in" 2 '│◐ 2025-05-14  Morning walk .* [0-9]+% of 1:00'
tui_keys C
tui_check "C lists the episodes in progress" "Continue listening (2)"
tui_check_line "the one played last comes first" 2 '│◐ 2025-05-14  Alpha: Morning walk'
tui_check_line "the one played before comes next" 3 '│◐ 2025-05-10  Beta: Beta first'
tui_keys Escape
tui_check "Esc leaves the Continue list" "Alpha (3)"
tui_check_selected "back on the episode the cursor was on" "◐ 2025-05-14  Morning walk"

# Space with nothing playing resumes the last episode in progress.
tui_keys Space
tui_check "Space with nothing playing resumes the last one in progress" "resuming Morning walk"
tui_check_line "it plays" 2 '│▶ 2025-05-14  Morning walk'
# From another podcast, P goes to the playing episode.
tui_keys h j
tui_check "another podcast is shown" "Beta (2)"
tui_keys P
tui_check "P shows the playing episode's podcast" "Alpha (3)"
tui_check_selected "P puts the cursor on the playing episode" "▶ 2025-05-14  Morning walk"
tui_keys s

# ---- search hits ----------------------------------------------------------
tui_keys G
tui_check_selected "the cursor goes to the last episode" "$LONG"
tui_keys /
tui_keys -l zebra
tui_keys Enter
tui_check "search finds the chapters and episodes" 'Search "zebra" (5)'
tui_screen >/dev/null
cols=$(grep " ch " "$T/screen" | python3 -c '
import sys
print(" ".join(str(l.index("Zebra")) for l in sys.stdin))')
set -- $cols
if [ $# -eq 3 ] && [ "$1" = "$2" ] && [ "$2" = "$3" ]; then
	ok "chapter hits start their titles in one column (times aligned)"
else
	not_ok "chapter hits start their titles in one column (times aligned)" "$(cat "$T/screen")"
fi
if grep -q "ch 1:00:00  Zebra finale  *Long haul" "$T/screen" &&
	grep -q "ch    0:00  Zebra start  *Long haul" "$T/screen"; then
	ok "a chapter hit shows its episode's title beside its own"
else
	not_ok "a chapter hit shows its episode's title beside its own" "$(cat "$T/screen")"
fi
if grep -q "◐ ch    0:20  Zebra crossing  *Morning walk  *[0-9]*%" "$T/screen"; then
	ok "a hit in an episode in progress is marked with how far in"
else
	not_ok "a hit in an episode in progress is marked with how far in" "$(cat "$T/screen")"
fi
tui_keys Escape
tui_check "Esc leaves the search" "Alpha (3)"
tui_check_selected "the cursor is back where it was before the search" "$LONG"
tui_keys N
tui_check "N lists the newest episodes" "Newest episodes (5)"
tui_keys N
tui_check_selected "after the newest list, the cursor is back where it was" "$LONG"

# ---- a podcast's own order -----------------------------------------------
tui_keys O
tui_check "o lists the podcast oldest first" "Alpha (3, oldest first)"
tui_check_line "the oldest episode comes first" 2 "│  2025-05-12  A very long|│● 2025-05-12  A very long"
tui_keys j
tui_check_selected "the cursor moves in the new order" "Long haul"
tui_keys q
i=0
while tui_running && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
tui_stop
pc episodes "$(sq "SELECT id FROM podcast WHERE title = 'Alpha'")" --json >"$T/alpha.json"
check "podcue episodes lists a podcast in its own order too" \
	jq_py "$T/alpha.json" "d[0]['title'].startswith('A very long') and d[-1]['title'] == 'Morning walk'"

# Remembered in the cache; the setting orders the others; a narrower
# episodes share moves the separator.
cat >>"$CONF" <<'EOF'
set oldest_first 1
set episodes_width 30
EOF
sq "UPDATE episode SET played = 1 WHERE position > 0"
tui_start 200 40 --mpv-option ao=null
tui_check "with nothing in progress, podcue opens on the last played episode's podcast" \
	"Alpha (3, oldest first)"
tui_check_selected "with the cursor on the last played episode" "Morning walk"
sep=$(tui_screen | sed -n 1p | python3 -c 'import sys; l = sys.stdin.read(); print(l.index("│", l.index("│") + 1))')
if [ "$sep" -lt "$SEP2" ]; then
	ok "episodes_width narrows the episodes pane"
else
	not_ok "episodes_width narrows the episodes pane" "$sep, was $SEP2"
fi
tui_keys h j
tui_check "oldest_first orders a podcast without an order of its own" "Beta (2, oldest first)"
tui_check_line "oldest first: Beta first on top" 2 "│  2025-05-10  Beta first"
tui_keys Enter O
tui_check "O flips it back for this podcast" "newest first"
tui_check_line "newest first: Beta second on top" 2 "│● 2025-05-11  Beta second"
tui_keys q
tui_stop
finish
