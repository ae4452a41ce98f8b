#!/bin/sh
# End-to-end crash safety of the cache.
#
# A library of 40 feeds x 150 episodes is served and refreshed; played
# flags and positions are set with the sqlite3 CLI (setup only). Then, for
# several generations of changed feeds, a refresh is killed with SIGKILL at
# a random moment (seeded: CRASH_SEED=N reproduces a run). After every kill:
# the cache passes PRAGMA integrity_check, every episode ever cached is
# still there, played flags and positions are intact, and each feed is
# either wholly at its old generation or wholly at its new one (one
# transaction per feed). A normal refresh then completes. Finally two
# refreshes run at once while a reader lists episodes in a loop: nobody
# sees "database is locked", and no work is lost.
. "$(dirname "$0")/../lib.sh"

SEED=${CRASH_SEED:-$(date +%s)}
echo "# crash.sh seed $SEED (rerun with CRASH_SEED=$SEED)"
NFEEDS=40
NEPS=150
KILLS=6

W="$T/www"
mkdir -p "$W"
start_server "$W"

# gen.py DIR GEN: writes f00.xml..f39.xml for generation GEN. Base episode
# e of feed f has guid f-e; generation g adds f-gG-0..4 and edits the
# titles of a few base episodes; from generation 2 on, the oldest base
# episodes leave the feed (they must stay in the cache).
cat >"$T/gen.py" <<'PY'
import os, sys
d, gen, nfeeds, neps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
def item(guid, title, day, notes):
    return ("<item><guid isPermaLink=\"false\">%s</guid><title>%s</title>"
            "<pubDate>%s</pubDate><itunes:duration>%d:00</itunes:duration>"
            "<enclosure url=\"https://media.example/%s.mp3\" type=\"audio/mpeg\" length=\"1000\"/>"
            "<description><![CDATA[<p>%s</p><p>00:00 - Intro</p><p>05:00 - Middle</p>"
            "<p>10:00 - End</p>]]></description></item>\n"
            % (guid, title, day, 20 + len(guid) % 40, guid, notes))
for f in range(nfeeds):
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
           'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel>'
           "<title>Feed %02d gen %d</title><link>https://example.org/%d</link>\n" % (f, gen, f)]
    for g in range(gen, 0, -1):
        for k in range(5):
            out.append(item("%d-g%d-%d" % (f, g, k), "Gen %d new %d" % (g, k),
                            "Sat, %02d Jan 2026 10:%02d:00 GMT" % (g % 28 + 1, k), "new"))
    drop = max(0, gen - 1) * 10
    for e in range(neps - 1, drop - 1, -1):
        title = "Episode %d of %d" % (e, f)
        if e % 17 == gen % 17:
            title += " (edited in %d)" % gen
        day = "%s, %02d %s 2025 10:00:00 GMT" % (
            ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")[e % 7], e % 28 + 1,
            ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct")[e % 10])
        out.append(item("%d-%d" % (f, e), title, day, "Show notes %d " % e * 8))
    out.append("</channel></rss>\n")
    tmp = os.path.join(d, "f%02d.xml.tmp" % f)
    open(tmp, "w").write("".join(out))
    os.replace(tmp, os.path.join(d, "f%02d.xml" % f))
PY
gen() { python3 "$T/gen.py" "$W" "$1" $NFEEDS $NEPS; }

# snapshot FILE: every cached episode with its played flag and position.
snapshot() {
	sqlite3 "$DB" "SELECT podcast_id || '|' || key || '|' || played || '|' || coalesce(position, '')
		FROM episode ORDER BY podcast_id, key" >"$1"
}

# verify LABEL BEFORE: the checks after a kill, against snapshot BEFORE.
verify() {
	label=$1
	ic=$(sqlite3 "$DB" "PRAGMA integrity_check" 2>&1)
	[ "$ic" = ok ] || { not_ok "$label: integrity_check" "$ic"; return; }
	snapshot "$T/after"
	lost=$(python3 - "$2" "$T/after" <<'PY'
import sys
def load(p):
    return {tuple(l.split("|")[:2]): l.rstrip("\n").split("|")[2:] for l in open(p) if l.strip()}
before, after = load(sys.argv[1]), load(sys.argv[2])
gone = [k for k in before if k not in after]
changed = [k for k in before if k in after and before[k] != after[k]]
print("%d gone %d changed %s" % (len(gone), len(changed), (gone + changed)[:3]))
PY
)
	case $lost in
	"0 gone 0 changed"*) ;;
	*) not_ok "$label: cached episodes and their state survive" "$lost"; return ;;
	esac
	ok "$label: integrity ok, nothing lost, played/positions intact"
}

# gens_ok GEN: every feed's title says GEN and holds its 5 new episodes of
# every generation up to GEN (prints the offenders).
gens_ok() {
	sqlite3 "$DB" "SELECT p.title FROM podcast p WHERE p.title NOT LIKE '% gen $1'
		OR (SELECT count(*) FROM episode e WHERE e.podcast_id = p.id AND e.key GLOB '*-g*-*') != 5 * $1"
}

# halfway: feeds not wholly at one generation (their title's generation
# and the number of generation episodes stored disagree).
halfway() {
	sqlite3 "$DB" "SELECT p.title FROM podcast p WHERE
		(SELECT count(*) FROM episode e WHERE e.podcast_id = p.id AND e.key GLOB '*-g*-*')
		!= 5 * CAST(substr(p.title, 13) AS INTEGER)"
}

# ---- the library ------------------------------------------------------------
gen 0
{
	printf '<opml version="2.0"><body>\n'
	i=0
	while [ $i -lt $NFEEDS ]; do
		printf '<outline text="f%d" xmlUrl="%s/f%02d.xml"/>\n' $i "$BASE" $i
		i=$((i + 1))
	done
	printf '</body></opml>\n'
} >"$T/lib.opml"
t0=$(date +%s)
check "import 40 feeds x 150 episodes" pc import "$T/lib.opml"
check "6,000 episodes cached" test "$(sqlite3 "$DB" "SELECT count(*) FROM episode")" -eq $((NFEEDS * NEPS))
sqlite3 "$DB" "UPDATE episode SET played = 1 WHERE id % 7 = 0;
	UPDATE episode SET position = (id % 300) * 1.5 + 0.25 WHERE id % 5 = 0;"
snapshot "$T/before"

# How long a full refresh of changed feeds takes here (gcc or ASan build):
# kills land between 2% and 80% of it.
gen 1
s=$(python3 -c 'import time; print(int(time.time() * 1000))')
check "a refresh of 40 changed feeds" pc refresh
e=$(python3 -c 'import time; print(int(time.time() * 1000))')
FULL=$((e - s))
echo "# a full refresh takes $FULL ms"
check "generation 1 stored everywhere" test -z "$(gens_ok 1)"
verify "after a normal refresh" "$T/before"

DELAYS=$(python3 -c "
import random
r = random.Random($SEED)
print(' '.join(str(max(5, int($FULL * r.uniform(0.02, 0.8)))) for _ in range($KILLS)))")
g=1
for d in $DELAYS; do
	g=$((g + 1))
	snapshot "$T/before"
	gen $g
	"$PODCUE" --db "$DB" refresh >/dev/null 2>"$T/killed.err" &
	pid=$!
	sleep "$(awk "BEGIN { printf \"%.3f\", $d / 1000 }")"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	verify "kill -9 after $d ms (generation $g)" "$T/before"
	echo "# killed after $d ms: $(sqlite3 "$DB" "SELECT count(*) FROM podcast WHERE title LIKE '% gen $g'") of $NFEEDS feeds had reached generation $g"
	h=$(halfway)
	if [ -z "$h" ]; then ok "kill -9 after $d ms: every feed wholly old or wholly new"; else
		not_ok "kill -9 after $d ms: every feed wholly old or wholly new" "$h"; fi
done

snapshot "$T/before"
check "a normal refresh completes after the kills" pc refresh
check "every feed reached generation $g" test -z "$(gens_ok $g)"
verify "after the final refresh" "$T/before"
check "episodes that left the feeds are still cached" \
	test "$(sqlite3 "$DB" "SELECT count(*) FROM episode WHERE key NOT GLOB '*-g*'")" -eq $((NFEEDS * NEPS))

# ---- two refreshes and a reader at once -------------------------------------
g=$((g + 1))
gen $g
snapshot "$T/before"
: >"$T/reader.err"
(
	n=0
	while [ ! -f "$T/stop" ] && [ $n -lt 400 ]; do
		"$PODCUE" --db "$DB" episodes --json >"$T/reader.json" 2>>"$T/reader.err" ||
			echo "reader exit $?" >>"$T/reader.err"
		python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$T/reader.json" \
			2>>"$T/reader.err" || echo "reader: bad JSON" >>"$T/reader.err"
		n=$((n + 1))
	done
) &
rpid=$!
"$PODCUE" --db "$DB" refresh >/dev/null 2>"$T/c1.err" &
p1=$!
"$PODCUE" --db "$DB" refresh >/dev/null 2>"$T/c2.err" &
p2=$!
wait $p1
s1=$?
wait $p2
s2=$?
touch "$T/stop"
wait $rpid
check "two refreshes at once both succeed" test "$s1$s2" = 00
check "no 'database is locked' reaches the user" \
	sh -c '! grep -qi "locked\|busy" "$1" "$2" "$3"' _ "$T/c1.err" "$T/c2.err" "$T/reader.err"
check "the reader never failed" sh -c '! test -s "$1"' _ "$T/reader.err"
check "no work lost: every feed at generation $g" test -z "$(gens_ok $g)"
verify "after concurrent refreshes" "$T/before"
echo "# crash.sh took $(($(date +%s) - t0)) s"

finish
