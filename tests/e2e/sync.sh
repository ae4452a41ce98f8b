#!/bin/sh
# End-to-end: sync with a gpodder-compatible server. Against the project's
# own small server (tests/sync_server.py, loopback): setup (a wrong
# password refused with a clear message and nothing stored; the session
# cookie; the password file mode 0600 when typed on a terminal), a first
# push of the subscription and of local positions and played marks as play
# actions with started/position/total, a second sync that changes nothing,
# a pull of another device's actions (matched by enclosure URL and by
# guid), conflicts either way (a newer local change kept, a newer remote
# one applied), a pulled subscription fetched, bad servers (401, 500,
# garbage JSON, a dropped connection, a huge reply) failing with a clear
# message and nothing local changed, status, off, the Nextcloud paths. Then
# the same core against oPodSync (../shared/interop/opodsync) when it and
# php are present.
. "$(dirname "$0")/../lib.sh"

W="$T/www"
mkdir -p "$W" "$XDG_CONFIG_HOME/podcue"
echo "set played_margin 5" >"$XDG_CONFIG_HOME/podcue/config"
start_server "$W"
rss "Sync Show" \
	"g1|One|Wed, 14 May 2025 10:00:00 GMT|1:00|$BASE/e1.mp3" \
	"g2|Two|Tue, 13 May 2025 10:00:00 GMT|1:00|$BASE/e2.mp3" \
	"g3|Three|Mon, 12 May 2025 10:00:00 GMT|1:00|$BASE/e3.mp3" \
	"g4|Four|Sun, 11 May 2025 10:00:00 GMT|1:00|$BASE/e4.mp3" >"$W/feed.xml"
rss "Other Show" "o1|Other|Sat, 10 May 2025 10:00:00 GMT|1:00|$BASE/o1.mp3" >"$W/other.xml"
FEED="$BASE/feed.xml"
check "add a feed" pc add "$FEED"

PW='s3cret-Pa55'
SLOG="$T/sync.log"
: >"$SLOG"
python3 "$ROOT/tests/sync_server.py" --user alice --password "$PW" --port-file "$T/sport" \
	--log "$SLOG" >"$T/sync.out" 2>&1 &
SERVER_PIDS="$SERVER_PIDS $!"
i=0
while [ ! -s "$T/sport" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
SBASE="http://127.0.0.1:$(cat "$T/sport")"
ctl() { curl -s -X POST --data "$2" "$SBASE/_ctl/$1" >/dev/null; }
state() { curl -s "$SBASE/_ctl/state" >"$T/state.json"; }
id_of() { sq "SELECT id FROM episode WHERE guid = '$1'"; }
E1=$(id_of g1) E2=$(id_of g2) E3=$(id_of g3) E4=$(id_of g4)
pos() { sq "SELECT coalesce(position, 'none') || '/' || played FROM episode WHERE id = $1"; }
no_password() { ! grep -q "$PW" "$@"; }

# --- setup ---
PODCUE_SYNC_PASSWORD=wrong pc sync setup "$SBASE" --user alice --device laptop \
	>"$T/out" 2>"$T/err"
rc=$?
if [ $rc = 1 ] && grep -q "refused the user name or password (HTTP 401)" "$T/err" &&
	[ "$(pc sync status)" = "sync is off (podcue sync setup URL --user NAME)" ]; then
	ok "setup with a wrong password: 401 reported, nothing stored"
else
	not_ok "setup with a wrong password: 401 reported, nothing stored" "rc=$rc" "$(cat "$T/err")"
fi
check "setup refuses a URL with user:password@" sh -c \
	"! PODCUE_SYNC_PASSWORD=x '$PODCUE' --db '$DB' sync setup 'http://a:b@127.0.0.1/' --user a"

E2_PLAYED_BEFORE_SETUP=$(pc mark "$E4" played >/dev/null && pos "$E4")
if PODCUE_SYNC_PASSWORD="$PW" pc sync setup "$SBASE" --user alice --device laptop >"$T/out" 2>&1 &&
	grep -q '"path": "/api/2/auth/alice/login.json", "status": 200' "$SLOG" &&
	grep -q '"path": "/api/2/devices/alice/laptop.json", "status": 200' "$SLOG"; then
	ok "setup logs in and registers the device"
else
	not_ok "setup logs in and registers the device" "$(cat "$T/out")" "$(tail -3 "$SLOG")"
fi
pc sync status --json >"$T/st.json"
check "status names server, user, device and the pending changes of the cache" jq_py "$T/st.json" \
	"d['enabled'] and d['user'] == 'alice' and d['device'] == 'laptop' and d['pending'] == {'subscriptions': 1, 'episodes': 1} and d['last_sync'] is None"

# --- push ---
sq "UPDATE episode SET position = 42 WHERE id = $E1"
sq "UPDATE episode SET position = 12.4 WHERE id = $E1"
pc mark "$E2" played >/dev/null
export PODCUE_SYNC_PASSWORD="$PW"
pc sync --json >"$T/s1.json" 2>"$T/err"
check "first sync pushes the subscription and three episodes" jq_py "$T/s1.json" \
	"d == {'pushed': {'subscriptions': 1, 'actions': 3}, 'pulled': {'subscriptions': 0, 'actions': 0}, 'conflicts': 0}"
state
check "the server has the subscription" jq_py "$T/state.json" "d['subs'] == {'$FEED': 'add'}"
check "a position goes up as a play with started/position/total" jq_py "$T/state.json" \
	"[(a['action'], a['started'], a['position'], a['total'], a['device'], a['podcast']) for a in d['actions'] if a['episode'].endswith('/e1.mp3')] == [('play', 0, 12, 60, 'laptop', '$FEED')]"
check "played goes up as a play that reaches the end" jq_py "$T/state.json" \
	"[(a['action'], a['position'], a['total']) for a in d['actions'] if a['episode'].endswith('/e2.mp3')] == [('play', 60, 60)]"
check "requests after login carry the session cookie" \
	grep -q '"path": "/api/2/episodes/alice.json", "status": 200, "auth": "cookie"' "$SLOG"
pc sync --json >"$T/s2.json"
check "a second sync in a row changes nothing" jq_py "$T/s2.json" \
	"d == {'pushed': {'subscriptions': 0, 'actions': 0}, 'pulled': {'subscriptions': 0, 'actions': 0}, 'conflicts': 0}"

# --- pull, with conflicts both ways ---
# The phone's action on e1 is newer than what this computer sent before,
# older than the change made here since: the local change is kept.
NOW=$(date -u +%s)
sq "UPDATE episode SET position = 50 WHERE id = $E1"   # local, after NOW
pc mark "$E2" unplayed >/dev/null                     # local, before LATER
LATER=$(date -u -d "@$((NOW + 3600))" +%Y-%m-%dT%H:%M:%S)
ctl actions "[
 {\"podcast\":\"$FEED\",\"episode\":\"$BASE/e1.mp3\",\"device\":\"phone\",\"action\":\"play\",\"timestamp\":$NOW,\"started\":0,\"position\":10,\"total\":60},
 {\"podcast\":\"$FEED\",\"episode\":\"$BASE/e2.mp3\",\"device\":\"phone\",\"action\":\"PLAY\",\"timestamp\":\"$LATER\",\"started\":5,\"position\":15,\"total\":60},
 {\"podcast\":\"$FEED\",\"episode\":\"$BASE/e3.mp3\",\"device\":\"phone\",\"action\":\"play\",\"timestamp\":$NOW,\"started\":0,\"position\":20,\"total\":60},
 {\"podcast\":\"$FEED\",\"episode\":\"$BASE/e3.mp3\",\"device\":\"phone\",\"action\":\"play\",\"timestamp\":\"2021-01-01T00:00:00\",\"started\":0,\"position\":5,\"total\":60},
 {\"podcast\":\"$FEED\",\"episode\":\"https://cdn.example/moved/four.mp3\",\"guid\":\"g4\",\"action\":\"play\",\"timestamp\":$NOW,\"started\":0,\"position\":30,\"total\":-1},
 {\"podcast\":\"$FEED\",\"episode\":\"$BASE/e3.mp3\",\"action\":\"rate\",\"timestamp\":$NOW},
 {\"episode\":42}, \"junk\"
]"
pc sync --json >"$T/s3.json" 2>"$T/err"
check "pull: three actions applied, two conflicts, the kept local change pushed" jq_py "$T/s3.json" \
	"d == {'pushed': {'subscriptions': 0, 'actions': 1}, 'pulled': {'subscriptions': 0, 'actions': 3}, 'conflicts': 2}"
check "a local change newer than the pulled action is kept" test "$(pos "$E1")" = "50.0/0"
check "a pulled action newer than the local change wins" test "$(pos "$E2")" = "15.0/0"
check "the newest of an episode's actions wins, whatever its timestamp's shape" test "$(pos "$E3")" = "20.0/0"
check "an action is matched through the guid (and unplays)" test "$(pos "$E4")" = "30.0/0"
state
check "the kept local position went up" jq_py "$T/state.json" \
	"[a['position'] for a in d['actions'] if str(a.get('episode')).endswith('/e1.mp3')][-1] == 50"

# --- a pulled subscription ---
ctl subs "{\"add\": [\"$BASE/other.xml\"]}"
pc sync --json >"$T/s4.json" 2>"$T/err"
check "a subscription from the server is added and fetched" jq_py "$T/s4.json" \
	"d['pulled']['subscriptions'] == 1 and d['pushed'] == {'subscriptions': 0, 'actions': 0}"
check "its episodes are there" test "$(sq "SELECT count(*) FROM episode e JOIN podcast p ON p.id = e.podcast_id WHERE p.url = '$BASE/other.xml'")" = 1

# --- downloads and deletions go up; the phone's are recorded nowhere ---
head -c 3000 /dev/urandom >"$W/e1.mp3"
pc download "$E1" >/dev/null 2>&1
pc sync --json >"$T/d1.json" 2>"$T/err"
state
check "a finished download goes up as a download action" jq_py "$T/state.json" \
	"[(a['action'], a['device'], a['podcast']) for a in d['actions'] if a.get('episode') == '$BASE/e1.mp3' and a.get('action') == 'download'] == [('download', 'laptop', '$FEED')]"
check "...counted among the pushed actions" jq_py "$T/d1.json" "d['pushed']['actions'] == 1"
pc delete "$E1" >/dev/null 2>&1
pc sync --json >"$T/d2.json" 2>"$T/err"
state
check "its deletion goes up as a delete action" jq_py "$T/state.json" \
	"[(a['action'], a['device']) for a in d['actions'] if a.get('episode') == '$BASE/e1.mp3'][-1] == ('delete', 'laptop')"
NOW2=$(date -u +%s)
ctl actions "[
 {\"podcast\":\"$FEED\",\"episode\":\"$BASE/e3.mp3\",\"device\":\"phone\",\"action\":\"play\",\"timestamp\":$NOW2,\"started\":0,\"position\":25,\"total\":60},
 {\"podcast\":\"$FEED\",\"episode\":\"$BASE/e3.mp3\",\"device\":\"phone\",\"action\":\"download\",\"timestamp\":$((NOW2 + 5))},
 {\"podcast\":\"$FEED\",\"episode\":\"$BASE/e2.mp3\",\"device\":\"phone\",\"action\":\"delete\",\"timestamp\":$((NOW2 + 5))}
]"
pc sync --json >"$T/d3.json" 2>"$T/err"
check "the phone's download and delete start nothing here" test "$(sq "SELECT count(*) FROM download")" = 0
check "...and its play, older than its download, is still applied" test "$(pos "$E3")" = "25.0/0"
check "...one action applied, nothing sent back" jq_py "$T/d3.json" \
	"d['pulled']['actions'] == 1 and d['pushed']['actions'] == 0"

# --- an episode whose enclosure URL changed in the feed ---
sed -i "s|$BASE/e3.mp3|$BASE/e3-moved.mp3|" "$W/feed.xml"
pc refresh >/dev/null 2>&1
check "the feed's new enclosure URL is stored" test \
	"$(sq "SELECT enclosure_url FROM episode WHERE id = $E3")" = "$BASE/e3-moved.mp3"
check "...and the old one is remembered" test \
	"$(sq "SELECT url FROM episode_url WHERE episode_id = $E3")" = "$BASE/e3.mp3"
# Newer than the phone's play above (pulled again: the server answers
# since >= the last timestamp), older than the local change below.
ctl actions "[{\"podcast\":\"$FEED\",\"episode\":\"$BASE/e3.mp3\",\"device\":\"phone\",\"action\":\"play\",\"timestamp\":$((NOW2 + 1)),\"started\":0,\"position\":27,\"total\":60}]"
pc sync --json >"$T/h1.json" 2>"$T/err"
check "an action naming the episode's old URL is applied to it" test "$(pos "$E3")" = "27.0/0"
while [ "$(date -u +%s)" -le $((NOW2 + 1)) ]; do sleep 0.1; done
sq "UPDATE episode SET position = 28 WHERE id = $E3"
pc sync >/dev/null 2>&1
state
check "...and what goes up names its new URL" jq_py "$T/state.json" \
	"[(a['episode'], a.get('position')) for a in d['actions'] if a.get('device') == 'laptop'][-1] == ('$BASE/e3-moved.mp3', 28)"

# --- a feed that moved (itunes:new-feed-url) is sent with its new URL ---
rss "Moving Show" "m1|Moving one|Sat, 10 May 2025 10:00:00 GMT|1:00|$BASE/m1.mp3" >"$W/moved.xml"
cp "$W/moved.xml" "$W/moving.xml"
pc add "$BASE/moving.xml" >/dev/null 2>&1
pc sync >/dev/null 2>&1
sed -i "s|<channel>|<channel><itunes:new-feed-url>$BASE/moved.xml</itunes:new-feed-url>|" "$W/moving.xml"
M1=$(id_of m1)
sq "UPDATE episode SET position = 14 WHERE id = $M1"
pc refresh >/dev/null 2>&1
pc sync --json >"$T/m1.json" 2>"$T/err"
state
check "a moved feed: the old URL removed, the new one added on the server" jq_py "$T/state.json" \
	"d['subs'].get('$BASE/moving.xml') == 'remove' and d['subs'].get('$BASE/moved.xml') == 'add'"
check "...and its episode's action names the new feed URL" jq_py "$T/state.json" \
	"[a['podcast'] for a in d['actions'] if a.get('episode') == '$BASE/m1.mp3'] == ['$BASE/moved.xml']"
# What follows (another computer, mygpoclient, oPodSync) starts from the
# feed as it was, and without the moved feed.
sed -i "s|$BASE/e3-moved.mp3|$BASE/e3.mp3|" "$W/feed.xml"
pc refresh >/dev/null 2>&1
pc remove "$BASE/moved.xml" >/dev/null 2>&1
pc sync >/dev/null 2>&1

# --- URLs the server rewrote (update_urls) ---
rss "Rewritten Show" "rw1|Rewritten one|Sat, 10 May 2025 10:00:00 GMT|1:00|$BASE/rw1.mp3" >"$W/rw.xml"
ctl rewrite "{\"$BASE/rw.xml\": \"$BASE/rw.xml?server\", \"$BASE/rw1.mp3\": \"$BASE/rw1.mp3?server\"}"
pc add "$BASE/rw.xml" >/dev/null 2>&1
RW1=$(id_of rw1)
sq "UPDATE episode SET position = 9 WHERE id = $RW1"
pc sync >/dev/null 2>"$T/err"
state
check "the server took the feed and the action under its own URLs" jq_py "$T/state.json" \
	"d['subs'].get('$BASE/rw.xml?server') == 'add' and [a['podcast'] for a in d['actions'] if a.get('episode') == '$BASE/rw1.mp3?server'] == ['$BASE/rw.xml?server']"
NOW4=$(date -u +%s)
ctl actions "[{\"podcast\":\"$BASE/rw.xml?server\",\"episode\":\"$BASE/rw1.mp3?server\",\"device\":\"phone\",\"action\":\"play\",\"timestamp\":$((NOW4 + 1)),\"started\":0,\"position\":19,\"total\":60}]"
pc sync --json >"$T/u1.json" 2>"$T/err"
check "update_urls: the server's name for the feed subscribes nothing new" test \
	"$(sq "SELECT count(*) FROM podcast WHERE url LIKE '%rw.xml%'")" = 1
check "update_urls: an action under the server's name for the episode is applied to it" \
	test "$(pos "$RW1")" = "19.0/0"
pc remove "$BASE/rw.xml" >/dev/null 2>&1
pc sync >/dev/null 2>&1

# --- bad servers: a clear message, nothing local changed or lost ---
sq "UPDATE episode SET position = 33 WHERE id = $E3"
before=$(sq "SELECT group_concat(coalesce(position,'-') || played, ',') FROM episode; SELECT count(*) FROM sync_episode_change; SELECT actions_since FROM sync_state")
for m in "401:refused the user name or password" "500:answered HTTP 500" \
	"garbage:reply is not JSON" "huge:larger than 16 MiB" "drop:transfer closed" \
	"echo:reply is not JSON"; do
	mode=${m%%:*} msg=${m#*:}
	ctl mode "{\"mode\": \"$mode\"}"
	pc sync --json >"$T/out" 2>"$T/err"
	rc=$?
	after=$(sq "SELECT group_concat(coalesce(position,'-') || played, ',') FROM episode; SELECT count(*) FROM sync_episode_change; SELECT actions_since FROM sync_state")
	if [ $rc = 1 ] && grep -q "$msg" "$T/err" && [ "$before" = "$after" ] && [ ! -s "$T/out" ] &&
		no_password "$T/err"; then
		ok "server $mode: a clear message, nothing local changed, no password shown"
	else
		not_ok "server $mode: a clear message, nothing local changed, no password shown" \
			"rc=$rc" "$(cat "$T/err")" "$before" "$after"
	fi
done
ctl mode '{"mode": "normal"}'
pc sync status >"$T/status"
check "status shows the last error and the pending change" sh -c \
	"grep -q 'last error: ' '$T/status' && grep -q 'pending:   0 subscription changes, 1 episodes' '$T/status'"
pc sync --json >"$T/s5.json" 2>"$T/err"
check "once the server is back the pending change goes up" jq_py "$T/s5.json" \
	"d['pushed']['actions'] == 1"
check "no output ever showed the password" no_password "$T"/*.json "$T/err" "$T/out" "$T/status"

# --- the password typed on a terminal: a file of mode 0600 ---
unset PODCUE_SYNC_PASSWORD
# A pseudo-terminal: the password is typed once the prompt is there.
python3 - "$PODCUE" "$DB" "$SBASE" "$PW" >"$T/tty.out" 2>&1 <<'PY'
import os, pty, select, sys, time
podcue, db, base, pw = sys.argv[1:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(podcue, [podcue, "--db", db, "sync", "setup", base, "--user", "alice",
                      "--device", "laptop"])
seen, typed, deadline = b"", False, time.time() + 20
while time.time() < deadline:
    if not select.select([fd], [], [], 1)[0]:
        continue
    try:
        chunk = os.read(fd, 1024)
    except OSError:
        break
    if not chunk:
        break
    seen += chunk
    if not typed and b"sync password:" in seen:
        os.write(fd, pw.encode() + b"\n")
        typed = True
if time.time() >= deadline:
    os.kill(pid, 9)
os.waitpid(pid, 0)
sys.stdout.write(seen.decode("utf-8", "replace"))
PY
PWF="$XDG_CONFIG_HOME/podcue/sync-password"
if [ -f "$PWF" ] && [ "$(stat -c %a "$PWF")" = 600 ] && [ "$(cat "$PWF")" = "$PW" ] &&
	no_password "$T/tty.out" && ! sq .dump | grep -q "$PW"; then
	ok "a typed password: not echoed, kept in a 0600 file, never in the cache"
else
	not_ok "a typed password: not echoed, kept in a 0600 file, never in the cache" \
		"$(cat "$T/tty.out")" "$(ls -l "$PWF" 2>&1)"
fi
check "sync with the stored password" pc sync
check "sync off" pc sync off
check "off: status says so, the password file is gone" sh -c \
	"'$PODCUE' --db '$DB' sync status | grep -q 'sync is off' && [ ! -e '$PWF' ]"

# --- Nextcloud flavour, a second cache (another computer) ---
export PODCUE_SYNC_PASSWORD="$PW"
DB2="$T/cache2.db"
pc2() { "$PODCUE" --db "$DB2" "$@"; }
pc2 add "$FEED" >/dev/null 2>&1
check "Nextcloud setup" pc2 sync setup "$SBASE" --user alice --nextcloud
pc2 sync --json >"$T/n1.json" 2>"$T/err"
check "Nextcloud sync pulls the other device's subscription and positions" jq_py "$T/n1.json" \
	"d['pulled']['subscriptions'] == 1 and d['pulled']['actions'] >= 3"
check "Nextcloud paths were used" grep -q '"path": "/index.php/apps/gpoddersync/episode_action?since=0", "status": 200' "$SLOG"
check "positions arrived on the second computer" test \
	"$(sqlite3 "$DB2" "SELECT position FROM episode WHERE enclosure_url = '$BASE/e1.mp3'")" = 50.0

# --- gPodder's own client library as the other device ---
if ! /usr/bin/python3 -c 'import mygpoclient' 2>/dev/null; then
	skip "against mygpoclient" "python3-mygpoclient is not installed (apt-get install python3-mygpoclient)"
else
	LATER2=$(date -u -d "@$(($(date -u +%s) + 7200))" +%Y-%m-%dT%H:%M:%S)
	/usr/bin/python3 - "$SBASE" "$PW" "$FEED" "$BASE/e3.mp3" "$LATER2" >"$T/gpo.out" 2>&1 <<'PY'
import sys
from mygpoclient.api import MygPodderClient, EpisodeAction
base, pw, feed, e3, later = sys.argv[1:]
c = MygPodderClient("alice", pw, base)
got = c.download_episode_actions(since=0, device_id="laptop")
mine = [(a.action, a.started, a.position, a.total) for a in got.actions
        if a.device == "laptop" and a.episode.endswith("/e1.mp3")]
print("read back", mine[-1])
assert mine[-1] == ("play", 0, 50, 60), mine
assert feed in c.pull_subscriptions("phone2", 0).add
c.upload_episode_actions([EpisodeAction(feed, e3, "play", device="phone2", timestamp=later,
                                        started=10, position=44, total=60)])
PY
	if grep -q "read back" "$T/gpo.out"; then
		ok "mygpoclient reads back podcue's play action and subscription"
	else
		not_ok "mygpoclient reads back podcue's play action and subscription" "$(tail -5 "$T/gpo.out")"
	fi
	pc2 sync --json >"$T/g1.json" 2>"$T/err"
	check "podcue applies what mygpoclient uploaded" test \
		"$(sqlite3 "$DB2" "SELECT position FROM episode WHERE enclosure_url = '$BASE/e3.mp3'")" = 44.0
fi

# --- oPodSync, the real server, when ../shared and php are present ---
OPS="$ROOT/../shared/interop/opodsync/start.sh"
if [ ! -x "$OPS" ]; then
	skip "against oPodSync" "../shared/interop/opodsync is absent"
elif ! command -v php >/dev/null 2>&1; then
	skip "against oPodSync" "php is not installed (apt-get install php-cli php-sqlite3)"
else
	OPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	set -- $("$OPS" "$OPORT")
	SERVER_PIDS="$SERVER_PIDS $1"
	ODIR=$2
	DB3="$T/cache3.db"
	"$PODCUE" --db "$DB3" add "$FEED" >/dev/null 2>&1
	E1X=$(sqlite3 "$DB3" "SELECT id FROM episode WHERE guid = 'g1'")
	check "oPodSync: setup" env PODCUE_SYNC_PASSWORD=podcue "$PODCUE" --db "$DB3" sync setup \
		"http://127.0.0.1:$OPORT" --user podcue --device desk
	sqlite3 "$DB3" "UPDATE episode SET position = 21 WHERE id = $E1X"
	env PODCUE_SYNC_PASSWORD=podcue "$PODCUE" --db "$DB3" sync --json >"$T/o1.json" 2>"$T/err"
	check "oPodSync: first sync pushes the subscription and the position" jq_py "$T/o1.json" \
		"d['pushed'] == {'subscriptions': 1, 'actions': 1}"
	curl -s -u podcue:podcue "http://127.0.0.1:$OPORT/api/2/episodes/podcue.json?since=0" >"$T/o2.json"
	check "oPodSync: it holds the play action" jq_py "$T/o2.json" \
		"[(a['position'], a['total']) for a in d['actions']] == [(21, 60)]"
	OSYNC() { env PODCUE_SYNC_PASSWORD=podcue "$PODCUE" --db "$DB3" sync --json; }
	OSYNC >"$T/o3.json" 2>"$T/err"
	check "oPodSync: a second sync changes nothing" jq_py "$T/o3.json" \
		"d == {'pushed': {'subscriptions': 0, 'actions': 0}, 'pulled': {'subscriptions': 0, 'actions': 0}, 'conflicts': 0}"
	LATER3=$(date -u -d "@$(($(date -u +%s) + 60))" +%Y-%m-%dT%H:%M:%S)
	curl -s -u podcue:podcue -X POST "http://127.0.0.1:$OPORT/api/2/episodes/podcue.json" \
		--data "[{\"podcast\":\"$FEED\",\"episode\":\"$BASE/e2.mp3\",\"device\":\"phone\",\"action\":\"play\",\"timestamp\":\"$LATER3\",\"started\":0,\"position\":60,\"total\":60},
		{\"podcast\":\"$FEED\",\"episode\":\"$BASE/e3.mp3\",\"device\":\"phone\",\"action\":\"play\",\"timestamp\":\"$LATER3\",\"started\":3,\"position\":17,\"total\":60}]" >/dev/null
	OSYNC >"$T/o4.json" 2>"$T/err"
	check "oPodSync: another device's actions are applied (played, a position)" sh -c \
		"test \"\$(sqlite3 '$DB3' \"SELECT group_concat(coalesce(position, '-') || '/' || played, ' ') FROM (SELECT * FROM episode WHERE guid IN ('g2', 'g3') ORDER BY guid)\")\" = '-/1 17.0/0'"
	"$PODCUE" --db "$DB3" download "$E1X" >/dev/null 2>&1
	OSYNC >"$T/o5.json" 2>"$T/err"
	curl -s -u podcue:podcue "http://127.0.0.1:$OPORT/api/2/episodes/podcue.json?since=0" >"$T/o6.json"
	check "oPodSync: a finished download goes up as a download action" jq_py "$T/o6.json" \
		"sorted((a['action'], a.get('device')) for a in d['actions'] if a['episode'] == '$BASE/e1.mp3') == [('download', 'desk'), ('play', 'desk')]"
	rm -rf "$ODIR"
fi
finish
