#!/bin/sh
# End-to-end: the full-screen interface in tmux on a cache built here —
# navigation, details with chapters, a feed error, search with a chapter
# hit that plays, help, resize down to a tiny terminal, add and remove,
# background refresh, the newest and unplayed views, hostile titles, key
# bindings from the config.
. "$(dirname "$0")/../lib.sh"

if ! have_tmux; then
	skip "tui tests" "tmux is not installed"
	finish
fi

W="$T/www"
mkdir -p "$W"
start_server "$W"

# 15 s of audio: chapters at 0, 5 and 10 s come from the show notes.
if command -v ffmpeg >/dev/null 2>&1; then
	ffmpeg -v error -y -f lavfi -i "sine=frequency=440:duration=15" -ac 1 -ar 22050 \
		-c:a libmp3lame -b:a 32k "$W/ep1.mp3" || true
fi

# Raw control bytes are not valid XML, but character references inside
# CDATA reach the title decoder: the escape sequences arrive in the cache.
cat >"$W/alpha.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">
<channel><title>Alpha Show</title><link>https://example.org/</link>
<description>Alpha describes itself.</description>
<item><guid>a1</guid><title>Widgets explained</title>
<pubDate>Wed, 14 May 2025 10:00:00 GMT</pubDate><itunes:duration>0:15</itunes:duration>
<enclosure url="$BASE/ep1.mp3" type="audio/mpeg" length="60000"/>
<description>Chapters00:00 - Intro00:05 - Deep dive into gizmos00:10 - Wrap-up</description></item>
<item><guid>a2</guid><title>Second thoughts</title>
<pubDate>Tue, 13 May 2025 10:00:00 GMT</pubDate><itunes:duration>30:00</itunes:duration>
<enclosure url="$BASE/missing.mp3" type="audio/mpeg" length="1000"/>
<description>Plain notes about nothing in particular.</description></item>
<item><guid>a3</guid><title><![CDATA[Evil &#27;]2;PWNED&#7;title &#27;[31mred&#27;[0m end]]></title>
<pubDate>Mon, 12 May 2025 10:00:00 GMT</pubDate>
<description><![CDATA[Bell&#7; and &#27;[2J clear]]></description></item>
</channel></rss>
EOF
rss "Beta 宽字符 Show 🎧" \
	"b1|全角文字のとても長いエピソードタイトルが切り詰められるかどうか確認する|Thu, 15 May 2025 10:00:00 GMT|10:00|$BASE/b1.mp3" \
	"b2|Emoji 🎙️ episode|Fri, 09 May 2025 10:00:00 GMT|5:00|$BASE/b2.mp3" >"$W/beta.xml"
rss "Gamma Broken" "g1|Gamma one|Thu, 01 May 2025 10:00:00 GMT|5:00|$BASE/g1.mp3" >"$W/gamma.xml"

pc add "$BASE/alpha.xml" "$BASE/beta.xml" "$BASE/gamma.xml" >/dev/null 2>&1
rm "$W/gamma.xml" # its next refresh fails with a 404
pc refresh >/dev/null 2>&1

tui_start 120 30 --mpv-option ao=null
tui_check "first paint lists the podcasts" "Podcasts (3)"
tui_check "podcasts are listed by title" "Alpha Show"
tui_check "the first podcast's episodes are shown" "Widgets explained"
tui_check "a feed with an error has a marker" "! Gamma Broken"

# Navigation: down to Beta, its episodes follow the selection.
tui_keys j
tui_check "j selects the next podcast and its episodes follow" "Emoji"
if grep -q "全角文字" "$T/screen" && ! grep -q "確認する" "$T/screen"; then
	ok "a wide title is truncated by display width"
else
	not_ok "a wide title is truncated by display width" "$(cat "$T/screen")"
fi
tui_keys G
tui_check "G goes to the last podcast; its error shows in details" "! HTTP 404"
tui_keys g Tab
tui_check "Tab focuses the episodes; details show the episode" "Chapters (3)"
tui_check "chapters from the show notes are listed" "Deep dive into gizmos"
# The cursor (reverse video) goes from the title down to the last chapter.
tui_keys l j j j j j j
tui_check_selected "l moves into details and j moves within them" "Wrap-up"

# Hostile title: shown without its escape sequences, none reach the tty.
tui_keys h j j
tui_check_selected "a title with escape sequences is shown cleanly" "Evil title red end"
sleep 0.3
if grep -q "PWNED" "$T/pane.raw"; then
	not_ok "escape sequences from a feed never reach the terminal" "$(grep -c PWNED "$T/pane.raw")"
else
	ok "escape sequences from a feed never reach the terminal"
fi
title=$(tm display-message -p -t t '#{pane_title}')
case $title in
*PWNED*) not_ok "the feed cannot set the terminal title" "$title" ;;
*) ok "the feed cannot set the terminal title" ;;
esac

# Help comes from the command table.
tui_keys '?'
tui_check "? opens the help" "podcue keys"
tui_keys G
tui_check "help scrolls to the playback commands" "next-chapter"
tui_keys q
tui_check "q closes the help, not podcue" "Podcasts (3)"

# Newest episodes across podcasts, and the unplayed filter.
tui_keys N
tui_check "N lists the newest episodes of every podcast" "Newest episodes (6)"
tui_keys N
tui_check "N again goes back to the podcast" "Alpha Show (3)"
tui_keys g m
tui_check "m marks the selected episode played" "marked played"
tui_keys u
tui_check "u shows only unplayed episodes" "Alpha Show (2, unplayed)"
tui_keys u g m
tui_check "m again marks it unplayed" "marked unplayed"

# Resize: two panes, one pane, too small, and back.
# Each layout is checked on the header line, which tmux's own cut of the
# old screen to the new size cannot produce: only podcue's repaint can.
tui_resize 70 20
tui_check_line "a 70-column terminal shows two panes" 1 '^Alpha Show \(3\) +│Episode *$'
tui_resize 40 12
tui_check_line "a 40-column terminal shows the focused pane alone" 1 '^Alpha Show \(3\) *$'
if grep -q "│" "$T/screen"; then
	not_ok "only one pane fits in 40 columns" "$(cat "$T/screen")"
else
	ok "only one pane fits in 40 columns"
fi
tui_resize 12 3
tui_check "a tiny terminal says so" "too small"
tui_resize 120 30
tui_check_line "growing again restores the panes" 1 '^Podcasts \(3\) +│Alpha Show \(3\) +│Episode *$'
if tui_running; then ok "resizing never crashes"; else not_ok "resizing never crashes"; fi

# Search: a chapter hit plays its episode from that chapter.
tui_keys /
tui_keys -l gizmos
tui_keys Enter
tui_check "/ searches chapter titles" 'Search "gizmos"'
tui_check "a chapter hit shows its start" "ch 0:05"
if [ -s "$W/ep1.mp3" ]; then
	tui_keys Enter
	tui_check_line "Enter on a chapter hit plays from that chapter" 29 '^▶ .*· Deep dive into gizmos'
	tui_check "the status line shows the chapter playing" "ch 2/3"
	# Paused before the 15 s episode can end; jumps keep the pause.
	tui_keys Space
	tui_check "Space pauses" "⏸"
	tui_keys n
	tui_check "n jumps to the next chapter" "ch 3/3"
	tui_keys 1
	tui_check "a digit jumps to that chapter" "ch 1/3"
	tui_keys ']'
	tui_check "] plays faster" "1.1x"
	tui_keys s
	tui_check "s stops: the status line goes back to the library" "podcue · 3 podcasts"
else
	skip "Enter on a chapter hit plays from that chapter" "ffmpeg could not make audio"
fi
tui_keys Escape
tui_check "Esc leaves the search" "Alpha Show (3)"

# Add a feed (a local file) and remove it again, with confirmation.
rss "Delta Local" "d1|Delta one|Thu, 01 May 2025 10:00:00 GMT|5:00|$BASE/d1.mp3" >"$T/delta.xml"
tui_keys h a
tui_keys -l "$T/delta.xml"
tui_keys Enter
tui_check "a subscribes to a feed in the background" "subscribed"
tui_check "the subscription counts its 1 episode in the singular" "(1 episode)"
tui_check "the new podcast is listed" "Podcasts (4)"
# Delta sorts between Beta and Gamma.
tui_keys g j j
tui_check "the new podcast's episodes are browsable" "Delta one"
tui_check "its details count 1 episode in the singular" "1 episode, 1 unplayed"
tui_keys d
tui_check "d asks before removing" "Remove \"Delta Local\""
tui_check "the question counts 1 episode in the singular" "and its 1 episode? (y/n)"
tui_keys n
tui_check "answering n keeps it" "kept"
tui_keys d y
tui_check "answering y removes it" "Podcasts (3)"
# A feed that fails on its first fetch is reported and not kept.
tui_keys a
tui_keys -l "$BASE/_/status/404"
tui_keys Enter
tui_check "a failing add says it did not subscribe" "not subscribed"
if pc podcasts | grep -q "_/status/404"; then
	not_ok "a failing add leaves no subscription behind"
else
	ok "a failing add leaves no subscription behind"
fi
tui_check_still "the podcast list is unchanged after a failing add" "Podcasts (3)"

# Background refresh: a new episode appears while browsing.
sed 's|<item><guid>a1</guid>|<item><guid>a0</guid><title>Fresh off the press</title><pubDate>Thu, 15 May 2025 10:00:00 GMT</pubDate></item><item><guid>a1</guid>|' \
	"$W/alpha.xml" >"$W/alpha.new" && mv "$W/alpha.new" "$W/alpha.xml"
tui_keys g r
tui_check "r refreshes in the background and reports" "refreshed 3 feeds"
tui_check "the new episode shows up" "Fresh off the press"
tui_keys Down
tui_check "keys still work after a refresh" "Emoji"

tui_keys q
i=0
while tui_running && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
if tui_running; then not_ok "q quits"; else ok "q quits"; fi
tui_stop

# Bindings and colours from the config file.
printf 'bind common x quit\ncolor selected yellow blue bold\nbind episodes Q help\n' >"$T/keys.conf"
tui_start 100 24 --config "$T/keys.conf"
tui_check "the TUI starts with a custom config" "Podcasts (3)"
tui_keys x
i=0
while tui_running && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
if tui_running; then not_ok "a key bound in the config runs its command"; else ok "a key bound in the config runs its command"; fi
tui_stop

# An empty cache: a hint instead of an empty screen, and keys that need a
# selection say so instead of failing.
DB="$T/empty.db"
tui_start 100 24
tui_check "an empty cache shows how to add a feed" "press a to add a feed"
tui_keys d
tui_check "d with nothing selected explains itself" "select a podcast to remove"
tui_keys Enter m
tui_check "m with nothing selected explains itself" "no episode selected"
tui_keys q
tui_stop
DB="$T/cache.db"

"$PODCUE" --db "$DB" </dev/null >"$T/out" 2>&1
check "without a terminal podcue says it needs one" grep -q "needs a terminal" "$T/out"
finish
