#!/bin/sh
# End-to-end: the "up next" queue and played marks. The command line
# (queue, queue add/--next, remove, move, clear, --json keys, mark of
# episodes and of a whole podcast; bad input refused with nothing
# changed; options before or after a command's own arguments);
# `podcue play --queue` on two short generated episodes served over
# loopback HTTP (the first plays to its end, then the second, both end
# played and out of the queue); and in tmux the queue view's keys and the
# TUI continuing with the queue, and with the podcast, at an episode's end.
. "$(dirname "$0")/../lib.sh"

W="$T/www"
mkdir -p "$W" "$XDG_CONFIG_HOME/podcue"
start_server "$W"
cat >"$XDG_CONFIG_HOME/podcue/config" <<'EOF'
set played_margin 1
set save_interval 1
EOF

rss "Queue Show" \
	"s1|First short|Wed, 14 May 2025 10:00:00 GMT|0:03|$BASE/s1.mp3" \
	"s2|Second short|Tue, 13 May 2025 10:00:00 GMT|0:03|$BASE/s2.mp3" \
	"s3|Third short|Mon, 12 May 2025 10:00:00 GMT|0:03|$BASE/s3.mp3" \
	"long|A long one|Sun, 11 May 2025 10:00:00 GMT|1:00|$BASE/long.mp3" >"$W/feed.xml"
rss "Other Show" \
	"o1|Other one|Sat, 10 May 2025 10:00:00 GMT|0:03|$BASE/s1.mp3" \
	"o2|Other two|Fri, 09 May 2025 10:00:00 GMT|0:03|$BASE/s2.mp3" >"$W/other.xml"
check "add two feeds" pc add "$BASE/feed.xml" "$BASE/other.xml"
id_of() { sq "SELECT id FROM episode WHERE guid = '$1'"; }
S1=$(id_of s1) S2=$(id_of s2) S3=$(id_of s3) LONG=$(id_of long) O1=$(id_of o1) O2=$(id_of o2)
OTHER=$(sq "SELECT id FROM podcast WHERE title = 'Other Show'")
# The queue as "episode_id,position ..." straight from the cache.
# wait_sql SQL VALUE SECONDS: waits until the query gives VALUE.
wait_sql() {
	deadline=$(( $(date +%s) + $3 ))
	until [ "$(sq "$1")" = "$2" ]; do
		[ "$(date +%s)" -ge "$deadline" ] && return 1
		sleep 0.2
	done
}
qrows() { sq "SELECT group_concat(episode_id || ',' || position, ' ') FROM (SELECT * FROM queue ORDER BY position)"; }

# ---- the command line ------------------------------------------------------

check "queue add appends" pc queue add "$S1" "$S2"
check "queue add --next puts episodes first, in the order given" pc queue add --next "$S3" "$LONG"
check "...the queue is S3 LONG S1 S2" test "$(qrows)" = "$S3,1 $LONG,2 $S1,3 $S2,4"
pc queue --json >"$T/q.json"
check "queue --json has position, episode_id, title, podcast_id" jq_py "$T/q.json" \
	"[sorted(e) for e in d] == [['episode_id', 'podcast_id', 'position', 'title']] * 4 and [(e['position'], e['episode_id'], e['title']) for e in d] == [(1, $S3, 'Third short'), (2, $LONG, 'A long one'), (3, $S1, 'First short'), (4, $S2, 'Second short')]"
pc queue >"$T/q.txt"
check "queue lists titles and podcasts as text" grep -q "2\\. .*A long one · Queue Show" "$T/q.txt"

check "queue move" pc queue move "$S2" 1
check "...moves it and shifts the others" test "$(qrows)" = "$S2,1 $S3,2 $LONG,3 $S1,4"
check "queue remove" pc queue remove "$S3" "$LONG"
check "...closes the gap" test "$(qrows)" = "$S2,1 $S1,2"

# Bad input: a message, a non-zero exit, nothing changed.
before=$(qrows)
refused() { # refused NAME PATTERN ARGS...: exit != 0, PATTERN on stderr, queue as before
	name=$1 pat=$2
	shift 2
	pc "$@" >"$T/out" 2>"$T/err"
	st=$?
	if [ "$st" -ne 0 ] && grep -qE "$pat" "$T/err" && [ "$(qrows)" = "$before" ]; then
		ok "$name (exit $st: $(head -c 100 "$T/err"))"
	else
		not_ok "$name" "exit $st, queue $(qrows) (was $before)" "$(cat "$T/err")"
	fi
}
refused "queue add of an unknown episode adds none" "no such episode: 99999" queue add "$S3" 99999
refused "queue add of something not an id" "not an episode id" queue add "$S3" abc
refused "queue remove of an episode not queued removes none" "$S3 is not in the queue" \
	queue remove "$S1" "$S3"
refused "queue move past the end" "position 3 is outside the queue \\(1 to 2\\)" queue move "$S1" 3
refused "queue move to 0" "position 0 is outside" queue move "$S1" 0
refused "queue move of an episode not queued" "not in the queue" queue move "$S3" 1
refused "queue move to a position that is no number" "usage" queue move "$S1" first
refused "queue with an unknown sub-command" "usage" queue shuffle
refused "mark without a state" "usage" mark "$S3"
refused "mark of an unknown episode" "no such episode: 99999" mark "$S3" 99999 played
check "...and marked nothing" test "$(sq "SELECT played FROM episode WHERE id = $S3")" = 0

check "mark EPISODE... played" pc mark "$S3" "$LONG" played
check "...marks them" test "$(sq "SELECT group_concat(played) FROM episode WHERE id IN ($S3, $LONG)")" = "1,1"
check "mark EPISODE unplayed (state first)" pc mark unplayed "$LONG"
check "...unmarks it" test "$(sq "SELECT played FROM episode WHERE id = $LONG")" = 0
check "mark --podcast played" pc mark --podcast "$OTHER" played
check "...marks every episode of that podcast, no other" test \
	"$(sq "SELECT group_concat(played, '') FROM (SELECT played FROM episode ORDER BY id)")" \
	"=" "$(sq "SELECT group_concat(CASE WHEN podcast_id = $OTHER OR id = $S3 THEN 1 ELSE 0 END, '') FROM (SELECT * FROM episode ORDER BY id)")"
check "mark played --podcast URL (state first)" pc mark played --podcast "$BASE/other.xml"
check "mark --podcast PODCAST unplayed" pc mark --podcast "$OTHER" unplayed
check "...unmarks them" test "$(sq "SELECT sum(played) FROM episode WHERE podcast_id = $OTHER")" = 0
pc mark --podcast 4242 played >/dev/null 2>"$T/err"
check "mark --podcast of an unknown podcast fails" sh -c "test $? -eq 1 && grep -q 'no such podcast' '$T/err'"

# Global options after the command's own arguments, for every command.
"$PODCUE" queue --json --db "$DB" >"$T/q2.json" 2>&1
check "queue --json --db DB reads that cache" jq_py "$T/q2.json" "[e['episode_id'] for e in d] == [$S2, $S1]"
check "episodes PODCAST --db DB" sh -c "'$PODCUE' episodes '$OTHER' --db '$DB' | grep -q 'Other two'"
check "show EPISODE --json --db DB" sh -c "'$PODCUE' show '$S1' --json --db '$DB' | grep -q 'First short'"
check "podcasts --config FILE --db DB" sh -c "'$PODCUE' podcasts --config '$XDG_CONFIG_HOME/podcue/config' --db '$DB' | grep -q 'Other Show'"
check "chapters EPISODE --json --db DB" sh -c "'$PODCUE' chapters '$S1' --json --db '$DB' | grep -q '\"episode_id\": $S1'"
check "refresh PODCAST --db DB --jobs 2" sh -c "'$PODCUE' refresh '$OTHER' --db '$DB' --jobs 2 >/dev/null"
check "search WORD --db DB" sh -c "'$PODCUE' search Third --db '$DB' | grep -q 'Third short'"
check "mark EPISODE --db DB played" sh -c "'$PODCUE' mark '$S3' --db '$DB' unplayed && test \"\$(sqlite3 '$DB' 'SELECT played FROM episode WHERE id = $S3')\" = 0"
"$PODCUE" --db "$DB" play "$S1" --mpv-option noequals >/dev/null 2>"$T/err"
check "--mpv-option after play's arguments is parsed as the global option" \
	sh -c "test $? -eq 2 && grep -q 'expects KEY=VALUE' '$T/err'"
"$PODCUE" --db "$DB" queue add "$S3" -- --db 2>"$T/err" >/dev/null
check "-- ends the global options (what follows is the command's)" \
	sh -c "test $? -eq 2 && test \"\$(sqlite3 '$DB' 'SELECT count(*) FROM queue')\" = 2"

printf 'set continue sideways\n' >"$T/bad.conf"
pc --config "$T/bad.conf" queue >/dev/null 2>"$T/err"
check "set continue takes only queue, podcast or off" \
	grep -q "continue: sideways is not one of queue, podcast, off" "$T/err"

check "queue clear" pc queue clear
check "...empties it" test "$(sq 'SELECT count(*) FROM queue')" = 0
pc play --queue --mpv-option ao=null </dev/null >/dev/null 2>"$T/err"
check "play --queue with an empty queue fails with a message" \
	sh -c "test $? -eq 1 && grep -q 'the queue is empty' '$T/err'"

# ---- play --queue -------------------------------------------------------

if ! command -v ffmpeg >/dev/null 2>&1; then
	skip "play --queue and the TUI's continue" "ffmpeg is not installed"
	finish
fi
gen() { # gen FILE FREQ SECONDS
	ffmpeg -nostdin -v error -y -f lavfi -i "sine=frequency=$2:duration=$3" -ac 1 -ar 22050 \
		-c:a libmp3lame -b:a 32k "$W/$1"
}
if gen s1.mp3 440 3 && gen s2.mp3 550 3 && gen s3.mp3 660 3 && gen long.mp3 330 60; then
	ok "generate short audio"
else
	not_ok "generate short audio"
	finish
fi

check "queue the two short episodes" pc queue add "$S2" "$S1"
: >"$HTTPLOG"
t0=$(date +%s)
timeout 60 "$PODCUE" play --queue --db "$DB" --mpv-option ao=null </dev/null >"$T/out" 2>"$T/err"
st=$?
took=$(( $(date +%s) - t0 ))
if [ "$st" -eq 0 ] && [ "$took" -ge 5 ]; then
	ok "play --queue plays both to their end and exits 0 (took $took s)"
else
	not_ok "play --queue plays both to their end and exits 0" "exit $st after $took s" "$(cat "$T/err")"
fi
order=$(python3 -c "
import json, sys
seen = []
for l in open('$HTTPLOG'):
    p = json.loads(l)['path'].lstrip('/')
    if p.endswith('.mp3') and p not in seen: seen.append(p)
print(' '.join(seen))")
check "...the first in the queue, then the second ($order)" test "$order" = "s2.mp3 s1.mp3"
check "...both are played, with no saved position" test \
	"$(sq "SELECT group_concat(played || ':' || ifnull(position, '-')) FROM episode WHERE id IN ($S1, $S2)")" = "1:-,1:-"
check "...and both left the queue" test "$(sq 'SELECT count(*) FROM queue')" = 0

# Stopped in the middle: the episode stays queued with its position.
check "queue the long episode" pc queue add "$LONG"
# Interrupted once it has played a second or more (saved every second),
# not at a fixed time: on a loaded machine the load alone can take seconds.
"$PODCUE" --db "$DB" --mpv-option ao=null play --queue </dev/null >/dev/null 2>&1 &
qp=$!
poll_start 30
while [ "$(sq "SELECT coalesce(position, 0) >= 1 FROM episode WHERE id = $LONG")" != 1 ] &&
	poll_more; do :; done
kill -INT $qp 2>/dev/null
wait $qp
check "play --queue stopped midway leaves the episode queued" test "$(qrows)" = "$LONG,1"
check "...with its position saved" test "$(sq "SELECT position >= 1 FROM episode WHERE id = $LONG")" = 1
pc queue clear

# A sleep timer waiting for the end of the episode ends the run there.
check "queue both short episodes again" pc queue add "$S1" "$S2"
timeout 60 "$PODCUE" --db "$DB" --mpv-option ao=null play --queue --sleep episode </dev/null >/dev/null 2>&1
check "play --queue --sleep episode stops after the first (the second stays queued)" \
	test "$(qrows)" = "$S2,1"
pc queue clear

# ---- the TUI -------------------------------------------------------------

if ! have_tmux; then
	skip "queue view tests" "tmux is not installed"
	finish
fi
pc mark --podcast "$(sq "SELECT id FROM podcast WHERE title = 'Queue Show'")" unplayed >/dev/null
# Nothing in progress and nothing played yet: the interface opens on the
# podcast list (not in Continue, not on the last played episode).
sq "UPDATE episode SET position = NULL, last_played = NULL" >/dev/null

tui_start 120 24 --mpv-option ao=null
tui_check_still "the interface starts" "Podcasts (2)"
# Episodes of Queue Show, newest first: First, Second, Third, A long one.
tui_keys j Enter
tui_check_selected "Enter moves to the episodes" "First short"
tui_keys e
tui_check "e queues the selected episode" "queued (1 in the queue)"
check "...into the cache" test "$(qrows)" = "$S1,1"
tui_keys j j e
tui_check "e again appends" "queued (2 in the queue)"
tui_keys k E
tui_check "E puts the selected episode first" "plays next (3 in the queue)"
check "...in the cache: Second, First, Third" test "$(qrows)" = "$S2,1 $S1,2 $S3,3"
tui_keys Q
tui_check "Q opens the queue view" "Up next (3)"
tui_check_still "...listing the queue in order" "  1. Second short · Queue Show"
tui_check_still "...with the third in third place" "  3. Third short · Queue Show"
tui_keys J
tui_check "J moves the selected entry down" "  2. Second short · Queue Show"
check "...in the cache: First, Second, Third" test "$(qrows)" = "$S1,1 $S2,2 $S3,3"
tui_keys K
tui_check "K moves the selection (which followed it) back up" "  1. Second short · Queue Show"
tui_keys G x
tui_check "x takes the selected episode out" "Up next (2)"
check "...of the cache's queue too" test "$(qrows)" = "$S2,1 $S1,2"
tui_keys Escape
tui_check "Esc leaves the queue view" "Podcasts (2)"
tui_keys Q
tui_check "Q opens it again" "Up next (2)"

# Auto-advance: Enter plays the first; at its end the second plays, and
# both leave the queue, played.
tui_keys g Enter
tui_check "Enter in the queue view plays the selected episode" "▶  1. Second short" 15
tui_check "...which leaves the queue at its end, the next playing" "▶  1. First short" 20
tui_check "...and the queue empties at the end of the last" "Up next (0)" 20
check "...both are played" test "$(sq "SELECT sum(played) FROM episode WHERE id IN ($S1, $S2)")" = 2
tui_keys Q
tui_check "Q closes the queue view" "Podcasts (2)"

# continue podcast: the next newer episode of the same podcast follows.
pc mark "$S1" "$S2" unplayed >/dev/null
tui_keys : "set continue podcast" Enter
tui_check ":set continue podcast" "ok: set continue podcast"
# Third short is the oldest short one: Second, then First follow it; the
# newest (First) ends the chain, and the older long one never plays.
tui_keys G k Enter
tui_check "the selected episode plays" "Queue Show · Third short" 15
if wait_sql "SELECT group_concat(played, '') FROM (SELECT played FROM episode WHERE podcast_id = (SELECT podcast_id FROM episode WHERE id = $S1) ORDER BY published DESC)" 1110 30; then
	ok "with continue podcast the next newer episodes play after it, then nothing"
else
	not_ok "with continue podcast the next newer episodes play after it, then nothing" "played: $(sq "SELECT group_concat(title || '=' || played) FROM episode")"
fi
if tui_wait_gone "▶ 0:" 10; then
	ok "...and playback stops after the newest"
else
	not_ok "...and playback stops after the newest" "$(cat "$T/screen")"
fi
tui_keys s
tui_keys q
tui_stop
finish
