#!/bin/sh
# End-to-end: a big feed is stored in short transactions.
#
# A feed of NEPS episodes (show notes with a chapter list each) is served.
# 1. While `podcue add` stores it, another process (Python's sqlite3, as
#    a cron job or a second program would) takes the write lock with
#    BEGIN IMMEDIATE and a 5 s busy timeout (three tries): it gets it while the feed is
#    still half stored (the episode count it reads inside its own write
#    transaction is below NEPS), i.e. without waiting for the whole feed.
# 2. A second podcue storing the same kind of feed is killed with SIGKILL
#    midway: the cache is intact, every stored episode is whole (its notes
#    chapters are there, or it is stored raw: its notes are derived with
#    its index rows, db_derive.c), the feed's validators are not stored,
#    and the next refresh fetches the feed in full (200, not 304) and
#    completes it, every episode's chapters stored.
# 3. A refresh of the unchanged feed with one new item at the top stores
#    one episode ("1 new").
. "$(dirname "$0")/../lib.sh"

NEPS=${BATCH_EPISODES:-12000}
W="$T/www"
mkdir -p "$W"
start_server "$W"

python3 "$ROOT/tests/bigfeed.py" "$W/a.xml" "$NEPS" a 0
python3 "$ROOT/tests/bigfeed.py" "$W/b.xml" "$NEPS" b 0

# ---- 1. another writer while a big feed stores --------------------------
cat >"$T/writer.py" <<'PY'
import sqlite3, sys, time
db, n = sys.argv[1], int(sys.argv[2])
deadline = time.monotonic() + 120
# Wait until the store has begun (its first batch is committed).
while time.monotonic() < deadline:
    try:
        c = sqlite3.connect(db, timeout=3, isolation_level=None)
        k = c.execute("SELECT count(*) FROM episode").fetchone()[0]
        c.close()
        if k > 0:
            break
    except sqlite3.Error:
        pass
    time.sleep(0.01)
# Up to three tries of 5 s each (a machine under heavy load can stretch
# one wait): any that gets the lock while the feed is half stored passes.
for attempt in range(3):
    c = sqlite3.connect(db, timeout=5, isolation_level=None)
    t0 = time.monotonic()
    try:
        c.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as e:
        print("# try %d failed after %.3f s: %s" % (attempt + 1, time.monotonic() - t0, e))
        c.close()
        continue
    waited = time.monotonic() - t0
    k = c.execute("SELECT count(*) FROM episode").fetchone()[0]
    c.execute("CREATE TABLE IF NOT EXISTS other_writer (x)")
    c.execute("INSERT INTO other_writer VALUES (1)")
    c.execute("COMMIT")
    print("waited %.3f s; %d of %d episodes stored then" % (waited, k, n))
    sys.exit(0 if k < n else 2)
sys.exit(1)
PY
"$PODCUE" --db "$DB" add "$BASE/a.xml" >"$T/add.out" 2>&1 &
ADD=$!
python3 "$T/writer.py" "$DB" "$NEPS" >"$T/writer.out" 2>&1
wrc=$?
wait "$ADD"
arc=$?
sed 's/^/# /' "$T/writer.out"
if [ "$wrc" = 0 ]; then
	ok "another process wrote while the big feed was half stored"
else
	not_ok "another process wrote while the big feed was half stored" \
		"$(cat "$T/writer.out")"
fi
if [ "$arc" = 0 ] && [ "$(sq 'SELECT count(*) FROM episode')" = "$NEPS" ]; then
	ok "the big feed was stored whole"
else
	not_ok "the big feed was stored whole" "exit $arc" "$(tail -3 "$T/add.out")" \
		"$(sq 'SELECT count(*) FROM episode')"
fi
[ "$(sq 'SELECT count(*) FROM other_writer')" = 1 ] &&
	ok "the other process's write is kept" ||
	not_ok "the other process's write is kept"

# ---- 2. SIGKILL between batches -----------------------------------------
# podcue itself in the background (not the pc function, whose subshell
# would take the SIGKILL while podcue went on storing).
"$PODCUE" --db "$DB" add "$BASE/b.xml" >"$T/addb.out" 2>&1 &
ADD=$!
i=0
while [ "$(sq "SELECT count(*) FROM episode e JOIN podcast p ON p.id = e.podcast_id
	WHERE p.url LIKE '%b.xml'")" -lt 500 ] && [ $i -lt 1200 ] && kill -0 "$ADD" 2>/dev/null; do
	sleep 0.05
	i=$((i + 1))
done
kill -9 "$ADD" 2>/dev/null
wait "$ADD" 2>/dev/null
check "podcue is gone after the SIGKILL" sh -c "! kill -0 $ADD 2>/dev/null"
PB="(SELECT id FROM podcast WHERE url LIKE '%b.xml')"
nb=$(sq "SELECT count(*) FROM episode WHERE podcast_id = $PB")
echo "# killed with $nb of $NEPS episodes of b.xml stored"
if [ "$nb" -gt 0 ] && [ "$nb" -lt "$NEPS" ]; then
	ok "killed midway through the store"
else
	not_ok "killed midway through the store" "$nb stored"
fi
check "integrity after the kill" test "$(sq 'PRAGMA integrity_check')" = ok
check "every stored episode is whole (its notes chapters are there, or it is raw)" test \
	"$(sq "SELECT count(*) FROM episode e WHERE podcast_id = $PB AND
		(SELECT count(*) FROM chapter c WHERE c.episode_id = e.id AND c.source = 'notes') != 3
		AND e.id NOT IN (SELECT eid FROM search_pending WHERE raw)")" = 0
check "no validators stored before the last batch" test \
	"$(sq "SELECT count(*) FROM podcast WHERE id = $PB AND etag IS NULL
		AND last_modified IS NULL AND content_hash IS NULL")" = 1
check "the next refresh succeeds" sh -c "'$PODCUE' --db '$DB' refresh >'$T/ref1.out' 2>&1"
nb=$(sq "SELECT count(*) FROM episode WHERE podcast_id = $PB")
if [ "$nb" = "$NEPS" ]; then
	ok "the next refresh completes the feed"
else
	not_ok "the next refresh completes the feed" "$nb stored" "$(cat "$T/ref1.out")" \
		"$(sq "SELECT id, url, last_error FROM podcast")"
fi
# a.xml answers 304; b.xml, with no validators stored, is fetched and stored.
check "the next refresh fetched it in full (not a 304)" grep -q "1 updated, 1 unchanged" "$T/ref1.out"
check "after it every episode has its notes chapters" test \
	"$(sq "SELECT count(*) FROM episode e WHERE podcast_id = $PB AND
		(SELECT count(*) FROM chapter c WHERE c.episode_id = e.id AND c.source = 'notes') != 3")" = 0
check "validators stored after the last batch" test \
	"$(sq "SELECT count(*) FROM podcast WHERE id = $PB AND etag IS NOT NULL")" = 1
check "search finds an episode stored after the kill" sh -c \
	"'$PODCUE' --db '$DB' search 'Middle part $((NEPS - 1))' | grep -q 'Episode $((NEPS - 1))'"

# ---- 3. one new item among many -------------------------------------------
python3 "$ROOT/tests/bigfeed.py" "$W/a.xml" "$NEPS" a 1
pc refresh >"$T/ref.out" 2>&1
check "one new item among $NEPS: one episode stored" test \
	"$(sq 'SELECT count(*) FROM episode WHERE podcast_id = 1')" = $((NEPS + 1))
check "the refresh says one new" grep -q "1 new" "$T/ref.out"

finish
