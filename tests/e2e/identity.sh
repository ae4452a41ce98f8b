#!/bin/sh
# End-to-end: identities hold. An episode whose guid changes on every
# refresh while its enclosure stays is the same episode (the cache does not
# grow, its played state stays); a guid reused by a new item neither
# duplicates the old episode nor splits its played state; concurrent
# `podcue add` of one URL all succeed with one subscription; a permanent
# redirect or itunes:new-feed-url onto another subscription's URL is a
# readable error on that feed, never a raw SQL error for the whole refresh.
. "$(dirname "$0")/../lib.sh"

W="$T/www"
mkdir -p "$W"
start_server "$W"
D1="Thu, 15 May 2025 10:00:00 GMT"
D2="Fri, 16 May 2025 10:00:00 GMT"

# ---- a rotating guid -----------------------------------------------------
rss "Rotating" "rot-1|Stable episode|$D1|1:00|$BASE/stable.mp3" >"$W/rot.xml"
pc add "$BASE/rot.xml" >/dev/null 2>&1
ep=$(sq "SELECT id FROM episode WHERE enclosure_url = '$BASE/stable.mp3'")
pc mark "$ep" played >/dev/null
n=2
while [ $n -le 4 ]; do
	rss "Rotating" "rot-$n|Stable episode|$D1|1:00|$BASE/stable.mp3" >"$W/rot.xml"
	pc refresh >/dev/null 2>&1
	n=$((n + 1))
done
check "a rotating guid does not grow the cache" \
	test "$(sq "SELECT count(*) FROM episode WHERE enclosure_url = '$BASE/stable.mp3'")" -eq 1
check "the episode keeps its id and played state" \
	test "$(sq "SELECT played FROM episode WHERE id = $ep AND guid = 'rot-4'")" = 1

# ---- a reused guid -------------------------------------------------------
rss "Reuse" "g|Episode A|$D1|1:00|$BASE/a.mp3" >"$W/reuse.xml"
pc add "$BASE/reuse.xml" >/dev/null 2>&1
a=$(sq "SELECT id FROM episode WHERE enclosure_url = '$BASE/a.mp3'")
pc mark "$a" played >/dev/null
# A new item takes the same guid, beside the old one.
rss "Reuse" "g|Episode B|$D2|1:00|$BASE/b.mp3" "g|Episode A|$D1|1:00|$BASE/a.mp3" \
	>"$W/reuse.xml"
pc refresh >/dev/null 2>&1
pid=$(sq "SELECT id FROM podcast WHERE url = '$BASE/reuse.xml'")
check "a reused guid beside its old item: two episodes" \
	test "$(sq "SELECT count(*) FROM episode WHERE podcast_id = $pid")" -eq 2
check "the old episode keeps its row and played state" \
	test "$(sq "SELECT played FROM episode WHERE id = $a AND enclosure_url = '$BASE/a.mp3'")" = 1
check "the new item is a new, unplayed episode" \
	test "$(sq "SELECT played FROM episode WHERE enclosure_url = '$BASE/b.mp3'")" = 0
# The old item leaves the feed; the new one keeps the guid alone.
rss "Reuse" "g|Episode B|$D2|1:00|$BASE/b.mp3" >"$W/reuse.xml"
pc refresh >/dev/null 2>&1
check "the guid alone again: still two episodes" \
	test "$(sq "SELECT count(*) FROM episode WHERE podcast_id = $pid")" -eq 2
check "the old episode is still played" test "$(sq "SELECT played FROM episode WHERE id = $a")" = 1
check "the new one is still unplayed" \
	test "$(sq "SELECT played FROM episode WHERE enclosure_url = '$BASE/b.mp3'")" = 0
# A guid taken over at once by a new item (new title, new enclosure).
rss "Reuse2" "h|Episode C|$D1|1:00|$BASE/c.mp3" >"$W/reuse2.xml"
pc add "$BASE/reuse2.xml" >/dev/null 2>&1
c=$(sq "SELECT id FROM episode WHERE enclosure_url = '$BASE/c.mp3'")
pc mark "$c" played >/dev/null
rss "Reuse2" "h|Episode D|$D2|1:00|$BASE/d.mp3" >"$W/reuse2.xml"
pc refresh >/dev/null 2>&1
check "a guid taken over by a new item does not turn the old episode into it" \
	test "$(sq "SELECT title || played FROM episode WHERE id = $c")" = "Episode C1"
check "the new item is unplayed" \
	test "$(sq "SELECT played FROM episode WHERE enclosure_url = '$BASE/d.mp3'")" = 0

# ---- concurrent adds -----------------------------------------------------
rss "Popular" "p1|Pop|$D1|1:00|$BASE/p.mp3" >"$W/pop.xml"
: >"$T/adds"
k=0
pids=""
while [ $k -lt 6 ]; do
	(pc add "$BASE/pop.xml" >"$T/add$k.out" 2>"$T/add$k.err"; echo "$?" >>"$T/adds") &
	pids="$pids $!"
	k=$((k + 1))
done
for p in $pids; do wait "$p"; done
check "concurrent adds of one URL all succeed" test "$(grep -vc '^0$' "$T/adds")" -eq 0
check "no add reports a constraint error" sh -c "! cat '$T'/add*.err | grep -qi 'constraint\|unique'"
check "one subscription" test "$(sq "SELECT count(*) FROM podcast WHERE url = '$BASE/pop.xml'")" -eq 1

# ---- moves onto another subscription -------------------------------------
rss "Target" "t1|Target one|$D1|1:00|$BASE/t.mp3" >"$W/target.xml"
rss "Other" "o1|Other one|$D1|1:00|$BASE/o1.mp3" >"$W/other.xml"
rss "Mover" "m1|Mover one|$D1|1:00|$BASE/m.mp3" >"$W/mover.xml"
pc add "$BASE/target.xml" "$BASE/other.xml" "$BASE/mover.xml" >/dev/null 2>&1
sq "INSERT INTO podcast (url, title, added) VALUES
    ('$BASE/_/redirect/301/1/target.xml', 'Redirected', 0)"
# mover.xml names target.xml as its new home.
sed "s|<channel>|<channel><itunes:new-feed-url>$BASE/target.xml</itunes:new-feed-url>|" \
	"$W/mover.xml" >"$W/mover.tmp" && mv "$W/mover.tmp" "$W/mover.xml"
rss "Other" "o2|Other two|$D2|1:00|$BASE/o2.mp3" "o1|Other one|$D1|1:00|$BASE/o1.mp3" >"$W/other.xml"
pc refresh >"$T/out" 2>"$T/err"
check "no raw SQL error" sh -c "! grep -qi 'constraint\|unique\|cache error' '$T/err'"
check "the other feeds are stored" \
	test "$(sq "SELECT count(*) FROM episode WHERE guid = 'o2'")" -eq 1
check "the redirected feed names the clash" \
	grep -q "Redirected.*moved to $BASE/target.xml.*already subscribed" "$T/err"
check "the new-feed-url names the clash" \
	grep -q "Mover.*moved to $BASE/target.xml.*already subscribed" "$T/err"
check "the error is kept on the redirected feed" \
	test "$(sq "SELECT count(*) FROM podcast WHERE title = 'Redirected'
	            AND last_error LIKE '%already subscribed%'")" -eq 1
check "the error is kept on the feed with a new-feed-url" \
	test "$(sq "SELECT count(*) FROM podcast WHERE url = '$BASE/mover.xml'
	            AND last_error LIKE '%already subscribed%'")" -eq 1
check "both keep their URLs" \
	test "$(sq "SELECT count(*) FROM podcast WHERE url IN ('$BASE/mover.xml',
	            '$BASE/_/redirect/301/1/target.xml', '$BASE/target.xml')")" -eq 3

# ---- an import killed midway ---------------------------------------------
# The first outline hangs and, one feed at a time, holds up the others:
# the import is killed once every feed is subscribed, none fetched.
{
	printf '<?xml version="1.0"?>\n<opml version="2.0"><body>\n'
	printf '<outline type="rss" text="A hang" xmlUrl="http://localhost:%s/_/hang"/>\n' "$PORT"
	k=1
	while [ $k -le 4 ]; do
		rss "Imported $k" "imp$k|Imported one|$D1|1:00|$BASE/imp$k.mp3" >"$W/imp$k.xml"
		printf '<outline type="rss" text="Imported %s" xmlUrl="%s/imp%s.xml"/>\n' $k "$BASE" $k
		k=$((k + 1))
	done
	printf '</body></opml>\n'
} >"$T/import.opml"
printf 'set jobs 1\nset stall_timeout 2\n' >"$T/slow.conf"
# The killed import's hang outlasts any slow machine; the second one's
# gives up after 2 s.
printf 'set jobs 1\nset stall_timeout 60\n' >"$T/hold.conf"
"$PODCUE" --db "$DB" --config "$T/hold.conf" import "$T/import.opml" >/dev/null 2>&1 &
imp=$!
k=0
while [ "$(sq "SELECT count(*) FROM podcast WHERE url LIKE '%imp%' OR url LIKE '%hang'")" -lt 5 ] &&
	[ $k -lt 100 ]; do
	sleep 0.05
	k=$((k + 1))
done
kill -9 $imp 2>/dev/null
wait $imp 2>/dev/null
check "the killed import subscribed every feed" \
	test "$(sq "SELECT count(*) FROM podcast WHERE url LIKE '%/imp_.xml'")" -eq 4
check "and fetched none" \
	test "$(sq "SELECT count(*) FROM podcast WHERE url LIKE '%/imp_.xml' AND last_refresh IS NOT NULL")" -eq 0
"$PODCUE" --db "$DB" --config "$T/slow.conf" import "$T/import.opml" >"$T/out" 2>"$T/err"
check "a second import fetches the feeds never fetched" \
	test "$(sq "SELECT count(*) FROM episode WHERE guid LIKE 'imp%'")" -eq 4
check "and says how many it fetched" grep -q "fetching 5 feeds subscribed before but never fetched" "$T/out"
finish
