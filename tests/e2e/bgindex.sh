#!/bin/sh
# End-to-end: the search index of show notes is built after the store,
# resumably (search_pending, db_index.c, index_run.c).
#
# A feed of NEPS episodes is served; each episode's notes hold a word of
# its own (uniqNx) and a chapter list ("Middle part N").
# 1. `podcue add` stores it, then indexes it ("indexing NEPS episodes for
#    search" on stderr); it is killed with SIGKILL as soon as indexing
#    starts. The cache is intact (SQLite's and FTS5's integrity checks),
#    every episode is stored, some are still pending, and a search finds
#    the notes word and the chapter of an indexed and of a pending episode
#    alike. The next `podcue refresh` resumes: it indexes exactly what
#    was left, leaves nothing pending, and the answers are the same.
# 2. A refresh arrives while another process indexes: the feed gains one
#    item and a second `podcue refresh` stores it while the first
#    `podcue add` is indexing. Both finish; nothing is pending, the index
#    is intact, and the new episode and an old one are found.
# 3. SIGINT while `podcue add` indexes stops it cleanly between batches
#    (it says how many are left); the TUI then indexes the rest between
#    its jobs, and its status bar shows "indexing for search n/m".
. "$(dirname "$0")/../lib.sh"

NEPS=${BGINDEX_EPISODES:-8000}
W="$T/www"
mkdir -p "$W"
start_server "$W"

python3 "$ROOT/tests/bigfeed.py" "$W/a.xml" "$NEPS" a 0 --uniq

# wait_for FILE TEXT [SECONDS]: until TEXT is in FILE (or the deadline).
wait_for() {
	poll_start "${3:-300}"
	while ! grep -q "$2" "$1" 2>/dev/null; do
		poll_more || return 1
	done
}
pending() { sq "SELECT count(*) FROM search_pending"; }
fts_ok() { sq "INSERT INTO search_fts (search_fts) VALUES ('integrity-check')" && \
	[ "$(sq 'PRAGMA integrity_check')" = ok ]; }
# found QUERY EXPECTED: `podcue search QUERY` prints exactly one hit whose
# line holds EXPECTED.
found() {
	pc search "$1" >"$T/s.out" 2>"$T/s.err" || return 1
	[ "$(wc -l <"$T/s.out")" -eq 1 ] && grep -q "$2" "$T/s.out"
}
# chapter QUERY TITLE: one of the hits is the chapter TITLE (the episode,
# whose notes hold the same words, is another).
chapter() {
	pc search "$1" >"$T/s.out" 2>"$T/s.err" && grep -q "$2 (in Episode" "$T/s.out"
}
answers() { # the answers to a few queries, for comparison
	# indexed, and pending but read (see above), episodes. The hits are
	# compared, not their order: of several words the rarer weighs more,
	# by counts taken from the index, which grow as it fills (two hits of
	# nearly equal rank may trade places, as with any new episode).
	for q in uniq$((NEPS - 3))x "middle part $((NEPS - 4))" uniq$((NEPS - 2000))x \
		"middle part $((NEPS - 3000))" "words about episode $((NEPS - 3500))"; do
		echo "== $q"
		pc search "$q" 2>/dev/null | sort
	done
}

# ---- 1. kill -9 while indexing, then resume -------------------------------
# podcue itself in the background (not the pc function: $! would be a
# subshell, and kill -9 would leave podcue running).
"$PODCUE" --db "$DB" add "$BASE/a.xml" >"$T/add.out" 2>"$T/add.err" &
P=$!
if wait_for "$T/add.err" "indexing $NEPS episodes for search"; then
	kill -9 "$P" 2>/dev/null
	wait "$P" 2>/dev/null
	ok "add stores, then says it indexes $NEPS episodes"
else
	kill -9 "$P" 2>/dev/null
	not_ok "add stores, then says it indexes $NEPS episodes" "$(cat "$T/add.err")"
fi
left=$(pending)
check "the cache is intact after kill -9 during indexing" fts_ok
check "every episode was stored before indexing" \
	test "$(sq 'SELECT count(*) FROM episode')" -eq "$NEPS"
if [ "$left" -gt 0 ] && [ "$left" -le "$NEPS" ]; then
	ok "the kill left episodes pending ($left of $NEPS)"
else
	not_ok "the kill left episodes pending" "pending: $left"
fi
# The indexer takes the lowest ids first (the feed's newest episodes), a
# search reads the 4,000 lowest pending ones: the lowest pending id is
# read, not indexed.
old=$(sq "SELECT e.title FROM episode e JOIN search_pending p ON p.eid = e.id ORDER BY e.id LIMIT 1")
check "a pending episode's notes word is found ($old)" found "uniq${old#Episode }x" "$old"
check "a pending episode's chapter is found" chapter "middle part ${old#Episode }" \
	"Middle part ${old#Episode }"
newest=$((NEPS - 1))
check "the newest episode's notes word is found" found "uniq${newest}x" "Episode $newest"
if [ "$left" -gt 4000 ]; then # the rest is said to be pending, not missed silently
	pc search "uniq0x" >/dev/null 2>"$T/s.err"
	check "a search says how many pending episodes it did not read" \
		grep -q "$((left - 4000)) episodes not indexed yet were not searched" "$T/s.err"
fi
# The notes of a pending episode are derived with its index rows: until
# then it is raw, and whoever reads it derives it in memory.
raw=$(sq "SELECT count(*) FROM search_pending WHERE raw")
if [ "$raw" -gt 0 ]; then
	ok "the kill left episodes whose notes are not derived yet ($raw)"
else
	not_ok "the kill left episodes whose notes are not derived yet" "raw: $raw"
fi
rid=$(sq "SELECT eid FROM search_pending WHERE raw ORDER BY eid DESC LIMIT 1")
check "a raw episode's notes text is not stored yet" \
	test "$(sq "SELECT notes_text IS NULL FROM episode WHERE id = $rid")" = 1
pc chapters "$rid" --json >"$T/raw-ch.json" 2>/dev/null
pc show "$rid" --json >"$T/raw-show.json" 2>/dev/null
check "a raw episode's chapters are read from its notes" \
	jq_py "$T/raw-ch.json" '[c["source"] for c in d["chapters"]] == ["notes"] * 3'
check "a raw episode's notes text and links are read from its notes" \
	jq_py "$T/raw-show.json" '"uniq'"$rid"'" in d["notes"] or ("uniq" in d["notes"] and d["links"] and d["links"][0].startswith("https://example.org/e/"))'
answers >"$T/before.txt"
pc refresh >"$T/re.out" 2>"$T/re.err"
if [ "$left" -gt 500 ]; then
	check "the next refresh resumes with what was left ($left)" \
		grep -q "indexing $left episodes for search" "$T/re.err"
fi
check "nothing is pending after the next refresh" test "$(pending)" -eq 0
check "every episode's notes are derived and stored" test \
	"$(sq "SELECT count(*) FROM episode WHERE notes_text IS NULL OR NOT EXISTS (SELECT 1 FROM chapter c WHERE c.episode_id = episode.id AND c.source = 'notes')")" -eq 0
pc chapters "$rid" --json >"$T/der-ch.json" 2>/dev/null
pc show "$rid" --json >"$T/der-show.json" 2>/dev/null
same() { test -s "$1" && cmp -s "$1" "$2"; }
check "a raw episode's chapters read the same before and after it is derived" \
	same "$T/raw-ch.json" "$T/der-ch.json"
check "a raw episode's notes and links read the same before and after it is derived" \
	same "$T/raw-show.json" "$T/der-show.json"
check "the index is intact after resuming" fts_ok
check "the index holds every episode once" test \
	"$(sq "SELECT count(*) FROM search_fts WHERE search_fts MATCH 'words'")" -eq "$NEPS"
answers >"$T/after.txt"
if cmp -s "$T/before.txt" "$T/after.txt"; then
	ok "search answers the same before and after indexing"
else
	not_ok "search answers the same before and after indexing" \
		"$(diff "$T/before.txt" "$T/after.txt" | head -8)"
fi

# ---- 2. a refresh arrives while indexing runs -----------------------------
rm -f "$DB" "$DB-wal" "$DB-shm"
"$PODCUE" --db "$DB" add "$BASE/a.xml" >"$T/add2.out" 2>"$T/add2.err" &
P=$!
if wait_for "$T/add2.err" "indexing $NEPS episodes for search"; then
	python3 "$ROOT/tests/bigfeed.py" "$W/a.xml" "$NEPS" a 1 --uniq
	pc refresh >"$T/re2.out" 2>"$T/re2.err"
	rc2=$?
	wait "$P"
	rc1=$?
	check "both processes succeed (refresh $rc2, add $rc1)" test "$rc1$rc2" = 00
	check "the refresh stored the new episode" grep -q "1 new episode" "$T/re2.err"
else
	kill -9 "$P" 2>/dev/null
	not_ok "add reached indexing" "$(cat "$T/add2.err")"
fi
check "nothing is pending after both" test "$(pending)" -eq 0
check "the index is intact after both" fts_ok
check "the new episode is found" found "uniq${NEPS}x" "Episode $NEPS"
check "an old episode's chapter is found" chapter "middle part 3" "Middle part 3"
check "the index holds every episode once" test \
	"$(sq "SELECT count(*) FROM search_fts WHERE search_fts MATCH 'words'")" -eq $((NEPS + 1))
# ---- 3. Ctrl-C stops indexing cleanly; the TUI indexes the rest -----------
rm -f "$DB" "$DB-wal" "$DB-shm"
"$PODCUE" --db "$DB" add "$BASE/a.xml" >"$T/add3.out" 2>"$T/add3.err" &
P=$!
wait_for "$T/add3.err" "indexing $((NEPS + 1)) episodes for search" && kill -INT "$P"
wait "$P"
rc=$?
left=$(pending)
check "SIGINT stops indexing cleanly (exit $rc, $left left)" \
	grep -q "$left episodes not indexed for search yet" "$T/add3.err"
check "the cache is intact after SIGINT" fts_ok
if ! have_tmux; then
	skip "the TUI indexes what is left, with progress" "no tmux"
elif [ "$left" -eq 0 ]; then
	skip "the TUI indexes what is left, with progress" "SIGINT came after the last batch"
else
	tui_start 120 40
	poll_start 300
	while [ "$(pending)" -ne 0 ] && poll_more; do :; done
	check "the TUI indexes what is left" test "$(pending)" -eq 0
	# Every screen the pane saw is logged: the progress was on it.
	check "the TUI's status bar showed the progress" grep -q "indexing for search" "$T/pane.raw"
	check "the index is intact after the TUI" fts_ok
	check "the index holds every episode once (TUI)" test \
		"$(sq "SELECT count(*) FROM search_fts WHERE search_fts MATCH 'words'")" -eq $((NEPS + 1))
	tui_stop
fi
finish
