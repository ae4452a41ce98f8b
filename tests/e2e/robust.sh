#!/bin/sh
# End-to-end: crash safety and concurrent use with the interface running —
# a TUI browsing while `podcue refresh` runs in another process, kill -9
# during playback (the position survives, at most save_interval lost), and
# a TUI session under valgrind (no invalid access, no definite leak).
. "$(dirname "$0")/../lib.sh"

if ! have_tmux; then
	skip "robustness tests" "tmux is not installed"
	finish
fi

W="$T/www"
mkdir -p "$W"
start_server "$W"
have_audio=0
if command -v ffmpeg >/dev/null 2>&1 &&
	ffmpeg -v error -y -f lavfi -i "sine=frequency=330:duration=60" -ac 1 -ar 22050 \
		-c:a libmp3lame -b:a 32k "$W/long.mp3"; then
	have_audio=1
fi
i=1
while [ $i -le 12 ]; do
	rss "Show $i" \
		"s$i-1|Episode one of $i|Thu, 15 May 2025 10:00:00 GMT|1:00|$BASE/long.mp3" \
		"s$i-2|Episode two of $i|Wed, 14 May 2025 10:00:00 GMT|1:00|$BASE/long.mp3" \
		"s$i-3|Episode three of $i|Tue, 13 May 2025 10:00:00 GMT|1:00|$BASE/long.mp3" \
		>"$W/show$i.xml"
	echo "$BASE/show$i.xml"
	i=$((i + 1))
done >"$T/urls"
pc add $(cat "$T/urls") >/dev/null 2>&1
before=$(sq 'SELECT count(*) FROM episode')
check "the library was built" test "$before" -eq 36

# ---- a TUI browses while other processes refresh ------------------------
tui_start 120 30
tui_wait "Podcasts (12)" 10
: >"$T/refresh.err"
(
	n=0
	while [ $n -lt 4 ]; do
		# Touch every feed so each refresh really rewrites them.
		for f in "$W"/show*.xml; do
			sed -i "s|<description>A test feed</description>|<description>A test feed $n</description>|" "$f"
		done
		"$PODCUE" --db "$DB" refresh >/dev/null 2>>"$T/refresh.err"
		n=$((n + 1))
	done
) &
bg=$!
k=0
while kill -0 $bg 2>/dev/null && [ $k -lt 200 ]; do
	tui_keys j j N N k r
	sleep 0.05
	k=$((k + 1))
done
wait $bg
check "refreshes beside a browsing TUI never hit 'database is locked'" \
	sh -c "! grep -qi 'locked\|busy' '$T/refresh.err'"
tui_keys g
if tui_screen | grep -qi "locked\|busy\|cannot read"; then
	not_ok "the TUI shows no database error while others write" "$(cat "$T/screen")"
else
	ok "the TUI shows no database error while others write"
fi
if tui_running; then ok "the TUI kept running"; else not_ok "the TUI kept running"; fi
tui_keys q
tui_stop
after=$(sq 'SELECT count(*) FROM episode')
check "no episode was lost" test "$after" -eq "$before"
check "integrity_check is ok" sh -c "[ \"\$(sqlite3 -cmd '.timeout 10000' '$DB' 'PRAGMA integrity_check')\" = ok ]"

# ---- kill -9 during playback ---------------------------------------------
if [ $have_audio = 1 ]; then
	ep=$(sq "SELECT id FROM episode WHERE guid = 's1-1'")
	sq "UPDATE episode SET played = 1 WHERE guid = 's2-1';
		UPDATE episode SET position = 42.5 WHERE guid = 's3-1'"
	: >"$T/pane.raw"
	tui_new_screen
	tm -f /dev/null new-session -d -s t -x 100 -y 10 \
		"env LANG=C.UTF-8 $PODCUE --db $DB --mpv-option ao=null play $ep" \; \
		set-option -t t remain-on-exit on
	# Killed at 0:08 or just past it (a second on screen: a loaded machine
	# may read it late), with the position it was killed at.
	poll_start 20
	while at=$(pos_of) && { [ -z "$at" ] || [ "$at" -lt 8 ]; } && poll_more; do :; done
	if [ -n "$at" ] && [ "$at" -ge 8 ]; then
		pid=$(tm display-message -p -t t '#{pane_pid}')
		kill -9 "$pid"
		sleep 0.3
		pos=$(sq "SELECT coalesce(position, -1) FROM episode WHERE id = $ep")
		# save_interval is 5 s: at most that, and the second on screen, lost.
		check "kill -9 while playing keeps the position (lost at most save_interval)" \
			python3 -c "import sys; p=float('$pos'); sys.exit(0 if $at - 5.5 <= p <= $at + 1.5 else 1)"
		echo "# position after kill -9 at 0:$at: $pos"
		check "other played states survive" \
			test "$(sq "SELECT played FROM episode WHERE guid = 's2-1'")" = 1
		check "other positions survive" \
			test "$(sq "SELECT position FROM episode WHERE guid = 's3-1'")" = 42.5
		check "integrity_check is ok after kill -9 in playback" \
			sh -c "[ \"\$(sqlite3 -cmd '.timeout 10000' '$DB' 'PRAGMA integrity_check')\" = ok ]"
	else
		not_ok "playback reached 0:08" "$(cat "$T/screen")"
	fi
	tui_stop
else
	skip "kill -9 during playback" "ffmpeg could not make audio"
fi

# ---- valgrind --------------------------------------------------------------
if grep -q __asan_init "$PODCUE" 2>/dev/null; then
	skip "TUI session under valgrind" "this is the AddressSanitizer build (valgrind runs on the plain one)"
elif grep -q __tsan_init "$PODCUE" 2>/dev/null; then
	skip "TUI session under valgrind" "this is the ThreadSanitizer build (valgrind runs on the plain one)"
elif command -v valgrind >/dev/null 2>&1; then
	REAL=$PODCUE
	# The wrapper records valgrind's exit status itself, so the check does
	# not depend on tmux keeping the dead pane around.
	printf '#!/bin/sh\nvalgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite --log-file="%s" "%s" "$@"\necho $? >"%s"\n' \
		"$T/vg.log" "$REAL" "$T/vg.status" >"$T/vg.sh"
	PODCUE="sh $T/vg.sh"
	rss "Valgrind Added" "v1|Added under valgrind|Thu, 15 May 2025 10:00:00 GMT|1:00|$BASE/long.mp3" >"$T/vg.xml"
	tui_start 120 30
	if tui_wait "Podcasts (12)" 90; then
		tui_keys j j Tab j l j j h N N u u '?'
		tui_check "under valgrind: help" "podcue keys" 30
		tui_keys G q /
		tui_keys -l episode
		tui_keys Enter
		tui_check "under valgrind: search" 'Search "episode"' 30
		tui_keys j Escape r
		tui_check "under valgrind: background refresh" "refreshed 12 feeds" 60
		tui_resize 50 12
		tui_resize 10 3
		tui_resize 120 30
		tui_keys a
		tui_keys -l "$T/vg.xml"
		tui_keys Enter
		tui_check "under valgrind: add a feed" "Podcasts (13)" 60
		tui_keys :
		tui_keys -l "bind common x quit"
		tui_keys Enter x
		k=0
		# valgrind is slow to tear down on a loaded machine: allow a minute.
		while [ ! -s "$T/vg.status" ] && [ $k -lt 600 ]; do sleep 0.1; k=$((k + 1)); done
		status=$(cat "$T/vg.status" 2>/dev/null)
		if [ "$status" = 0 ]; then
			ok "a TUI session under valgrind ends cleanly"
		else
			not_ok "a TUI session under valgrind ends cleanly" "exit status '$status'" \
				"$(tui_screen)"
		fi
		if [ -s "$T/vg.log" ]; then
			not_ok "valgrind reports no invalid access and no definite leak" "$(head -30 "$T/vg.log")"
		else
			ok "valgrind reports no invalid access and no definite leak"
		fi
	else
		not_ok "the TUI starts under valgrind" "$(cat "$T/screen")"
	fi
	tui_stop
	PODCUE=$REAL
else
	skip "TUI session under valgrind" "valgrind is not installed"
fi
finish
