#!/bin/sh
# End-to-end: the interface's config commands and key contexts in tmux —
# mistakes in the config file shown on screen and logged, :set and :bind
# alone, :set NAME, :set reaching the background refreshes, keys bound for
# the search results, and pane bindings in the help. Each check waits for
# text that only the action it follows can put on screen.
. "$(dirname "$0")/../lib.sh"

if ! have_tmux; then
	skip "tui config tests" "tmux is not installed"
	finish
fi

W="$T/www"
mkdir -p "$W"
start_server "$W"

rss "Alpha Show" \
	"a1|Widgets explained|Wed, 14 May 2025 10:00:00 GMT|0:15|$BASE/a1.mp3" \
	"a2|Second thoughts|Tue, 13 May 2025 10:00:00 GMT|30:00|$BASE/a2.mp3" >"$W/alpha.xml"
rss "Moved Show" "m1|Moved one|Thu, 01 May 2025 10:00:00 GMT|5:00|$BASE/m1.mp3" >"$W/moved.xml"
# A feed behind one temporary redirect: its URL stays the redirecting one.
pc add "$BASE/alpha.xml" "$BASE/_/redirect/302/1/moved.xml" >/dev/null 2>&1

LOG="$XDG_STATE_HOME/podcue/podcue.log"
cat >"$T/seams.conf" <<'CONF'
set no_such_setting 3
bind search v newest
bind episodes Q help
CONF

tui_start 100 24 --config "$T/seams.conf"
tui_check "a config mistake is shown in the interface" "unknown setting 'no_such_setting'"
# Polled like the screen (it failed once, unexplained, in a full run under
# load); on failure the log itself is shown.
poll_start 10
until grep -q "config: .*unknown setting 'no_such_setting'" "$LOG" 2>/dev/null; do
	poll_more || break
done
if grep -q "config: .*unknown setting 'no_such_setting'" "$LOG" 2>/dev/null; then
	ok "a config mistake is written to the log"
else
	not_ok "a config mistake is written to the log" "log: $LOG" "$(ls -R "$T/home" | head -20)" \
		"$(tail -20 "$LOG" 2>&1 | sed 's/^/log| /')"
fi

# :set and :bind alone explain themselves; :set NAME shows the value.
tui_keys : set Enter
tui_check ":set alone explains set and names the settings" "set NAME VALUE changes a setting"
tui_keys : "set max_redirects" Enter
tui_check ":set NAME shows the value" "max_redirects 8"
tui_keys : bind Enter
tui_check ":bind alone explains its usage" "usage: bind PANE KEY COMMAND"
tui_keys : "set no_such_thing" Enter
tui_check ":set with an unknown NAME says so" "unknown setting 'no_such_thing'"

# :set reaches the background thread's copy of the settings: with no
# redirects allowed, the refresh of the redirected feed fails.
tui_keys : "set max_redirects 0" Enter
tui_check ":set NAME VALUE is accepted" "ok: set max_redirects 0"
tui_keys r
tui_check ":set applies to the next background refresh" "1 failed" 20

# The help names keys bound for one pane, on its first screen.
tui_keys '?'
tui_check "? opens the help" "podcue keys"
tui_check "the help shows a key bound for one pane" "Q (episodes)"
tui_check "the help shows a key bound for the search results" "v (search)"
tui_keys q
tui_check "q closes the help" "Podcasts (2)"

# A key bound for the search results works there, and only there.
tui_keys / Widgets Enter
tui_check "a search lists its hits" 'Search "Widgets"'
tui_keys v
tui_check "a key bound with bind search runs in the search results" "Newest episodes ("
tui_keys v
tui_check "outside the search results that key is not bound" "v is not bound to a command"

tui_keys q
tui_stop
finish
