#!/bin/sh
# End-to-end: the show notes' links in the TUI (tmux). `2o` and `o` + the
# prompt run a stub $BROWSER with exactly the URL as its one argument (no
# shell: shell syntax in the URL stays text); file: and javascript: links
# are refused with a message and start nothing; Enter on a link line opens
# it instead of playing; `y` copies the selected link through OSC 52 (tmux
# with set-clipboard on keeps it in a paste buffer); a long link is one
# line cut with "…". (The mouse is tests/e2e/mouse.sh.)
. "$(dirname "$0")/../lib.sh"

if ! have_tmux; then
	skip "link tests" "tmux is not installed"
	finish
fi

W="$T/www"
mkdir -p "$W" "$XDG_CONFIG_HOME/podcue"
start_server "$W"
printf 'set mpv_option ao=null\n' >"$XDG_CONFIG_HOME/podcue/config"

LONG="https://example.org/a/very/long/path/that/does/not/fit/in/the/details/pane/at/all/$(printf 'x%.0s' $(seq 1 80))"
SHELLY='https://example.org/q?a=1&b=$(touch${IFS}PWNED);echo${IFS}x`id`'
cat >"$W/feed.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Link Show</title><link>https://example.org/</link>
<item><guid>links</guid><title>Episode with links</title>
<pubDate>Wed, 14 May 2025 10:00:00 GMT</pubDate>
<enclosure url="$BASE/none.mp3" type="audio/mpeg" length="1"/>
<description><![CDATA[<p>Long <a href="$LONG">one</a>, odd <a href="$(echo "$SHELLY" | sed 's/&/\&amp;/g')">two</a>,
local <a href="file:///etc/passwd">three</a>, mail <a href="mailto:host@example.org">four</a>.</p>]]></description>
</item></channel></rss>
EOF
check "add a feed with links" pc add "$BASE/feed.xml"
EP=$(sqlite3 "$DB" "SELECT id FROM episode WHERE guid = 'links'")
check "the parser kept four links" [ "$(sqlite3 "$DB" "SELECT count(*) FROM episode_link WHERE episode_id = $EP")" = 4 ]
# The notes parser drops javascript: links; an older cache may hold one.
sqlite3 "$DB" "INSERT INTO episode_link VALUES ($EP, 5, 'JavaScript:alert(1)')"

# The stub browser records its arguments, one per line, after their count.
cat >"$T/browser" <<EOF
#!/bin/sh
{ echo "\$#"; for a in "\$@"; do printf '%s\n' "\$a"; done; } >"$T/opened.\$\$"
mv "$T/opened.\$\$" "$T/opened"
EOF
chmod +x "$T/browser"
export BROWSER="$T/browser"
cd "$T" || exit 1 # where a shell would have made PWNED

opened_is() { # opened_is URL: the browser ran once since the last check, with URL alone
	deadline=$(( $(date +%s) + 10 ))
	while [ ! -s "$T/opened" ] && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.1; done
	printf '1\n%s\n' "$1" >"$T/want"
	cmp -s "$T/want" "$T/opened" || { cat "$T/opened"; return 1; }
	rm -f "$T/opened"
}

tui_start 100 30
tui_wait "Link Show" || not_ok "the TUI started" "$(tui_screen)"
tui_keys l
tui_check "the details show the links" "[4] mailto:host@example.org"
check "a long link is one line cut with …" sh -c "grep -q '\[1\] https://example.org/a/.*…\$' '$T/screen' && grep -q '^ *│*.*│\[2\]' '$T/screen'"
tui_keys 2 o
tui_check "2o says it opened link 2" "opened link 2"
check "2o ran \$BROWSER with exactly the URL as one argument" opened_is "$SHELLY"
check "no shell ran the URL's \$(...)" [ ! -e "$T/PWNED" ]
tui_keys o
tui_check "o alone asks for the number" "open link number:"
tui_keys 1 Enter
tui_check "o 1 Enter opens link 1" "opened link 1"
check "o 1 Enter ran \$BROWSER with the long URL" opened_is "$LONG"
tui_keys 3 o
tui_check "a file: link is refused with a message" "refused: file:"
tui_keys 5 o
tui_check "a javascript: link is refused with a message" "refused: JavaScript:"
tui_keys 9 o
tui_check "a link that does not exist" "no link 9 (there are 5)"
sleep 0.3 # the stub would have written by now
check "refused links started nothing" [ ! -e "$T/opened" ]

# Enter on a link line in the details opens it and does not play.
tui_keys l G k
tui_check_selected "the mailto line selected" "[4] mailto:host@example.org"
tui_keys Enter
tui_check "Enter on a link line opens it" "opened link 4"
check "... with the mailto URL" opened_is "mailto:host@example.org"
check "... and plays nothing" sh -c "! grep -q '▶' '$T/screen'"

# y copies the selected link through OSC 52 into tmux's paste buffer.
tm set-option -g set-clipboard on
tm delete-buffer 2>/dev/null
tui_keys y
tui_check "y says it copied link 4" "copied link 4"
copied() { [ "$(tm show-buffer 2>/dev/null)" = "mailto:host@example.org" ]; }
deadline=$(( $(date +%s) + 5 ))
while ! copied && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.1; done
check "the terminal (tmux) got the link through OSC 52" copied
tui_keys : "set osc52 off" Enter
tui_keys y
tui_check "with osc52 off, y says copying is off" "copying is off"
tui_keys q
tui_stop
finish
