#!/bin/sh
# End-to-end: private network access (issue 16). A feed on a public
# address may not make podcue request a loopback or private address — its
# chapter files, transcripts, media probes, and redirects on the way there — unless
# allow_private_from_public = 1; a local feed is unaffected. The loopback
# server plays the public host through PODCUE_TEST_PUBLIC_ADDRS (test-only,
# fetch.h); a second loopback server is the private one.
. "$(dirname "$0")/../lib.sh"

W="$T/www"
P="$T/private"
mkdir -p "$W" "$P/ch"
start_server "$W"
PUB=$BASE
rm -f "$T/pport"
python3 "$ROOT/tests/httpd.py" --root "$P" --port 0 --port-file "$T/pport" \
	--log "$T/private.log" >"$T/private.out" 2>&1 &
SERVER_PIDS="$SERVER_PIDS $!"
i=0
while [ ! -s "$T/pport" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
PRIV="http://127.0.0.1:$(cat "$T/pport")"
printf '{"version":"1.2.0","chapters":[{"startTime":0,"title":"Secret start"},{"startTime":30,"title":"Secret middle"}]}\n' \
	>"$P/ch/c.json"
head -c 4096 /dev/zero >"$P/m.mp3"
printf 'WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nSecret words\n' >"$P/t.vtt"

# feed NAME CHAPTERS-URL: a one-episode feed whose media is on the private host.
feed() {
	cat <<EOT
<?xml version="1.0"?>
<rss version="2.0" xmlns:podcast="https://podcastindex.org/namespace/1.0"><channel><title>$1</title>
<item><guid>$1-1</guid><title>$1 one</title><pubDate>Thu, 15 May 2025 10:00:00 GMT</pubDate>
<enclosure url="$PRIV/m.mp3" type="audio/mpeg" length="4096"/>
<podcast:chapters url="$2" type="application/json+chapters"/>
<podcast:transcript url="$PRIV/t.vtt" type="text/vtt"/></item>
</channel></rss>
EOT
}
feed Direct "$PRIV/ch/c.json" >"$W/direct.xml"
feed Hop "$PUB/_/redirect-to?url=$PRIV/ch/c.json" >"$W/hop.xml"
export PODCUE_TEST_PUBLIC_ADDRS="127.0.0.1:$PORT"

pc add "$PUB/direct.xml" "$PUB/hop.xml" >"$T/add.out" 2>&1
err_of() { sq "SELECT chapters_error FROM episode WHERE guid = '$1'"; }
check "a public feed's chapter file on a private address is refused" sh -c \
	'echo "$1" | grep -q "may not make podcue request a private one"' _ "$(err_of Direct-1)"
check "a redirect from the public host to a private address is refused" sh -c \
	'echo "$1" | grep -q "may not make podcue request a private one"' _ "$(err_of Hop-1)"
id=$(sq "SELECT id FROM episode WHERE guid = 'Direct-1'")
pc chapters "$id" >"$T/ch.out" 2>"$T/ch.err"
check "the media probe of a public feed's episode on a private address is refused" \
	grep -q "media file: refused: a feed on a public address" "$T/ch.err"
pc transcript "$id" >"$T/tr.out" 2>"$T/tr.err"
check "a public feed's transcript on a private address is refused" \
	grep -q "may not make podcue request a private one" "$T/tr.err"
check "the private server never saw a request" sh -c '! [ -s "$1" ]' _ "$T/private.log"

# Through a proxy (a dead one: the request must not get that far), the
# target's name is checked before the request.
sq "UPDATE episode SET chapters_fetched = NULL"
http_proxy=http://127.0.0.1:9 pc chapters "$id" >"$T/chp.out" 2>"$T/chp.err"
check "through a proxy, a private target is refused before the request" \
	sh -c '[ "$(sqlite3 "$1" "SELECT chapters_error FROM episode WHERE id = $2")" != "" ] &&
		sqlite3 "$1" "SELECT chapters_error FROM episode WHERE id = $2" |
		grep -q "may not make podcue request a private one (127.0.0.1)"' _ "$DB" "$id"

# The user allows it.
mkdir -p "$XDG_CONFIG_HOME/podcue"
echo "set allow_private_from_public 1" >"$XDG_CONFIG_HOME/podcue/config"
sq "UPDATE episode SET chapters_fetched = NULL" # due again, not in a day
pc chapters "$id" >"$T/ch2.out" 2>"$T/ch2.err"
check "allow_private_from_public = 1 lets the chapter file through" \
	grep -q "Secret middle" "$T/ch2.out"
sq "UPDATE transcript_file SET fetched = 0" # due again, not in an hour
pc transcript "$id" >"$T/tr2.out" 2>"$T/tr2.err"
check "allow_private_from_public = 1 lets the transcript through" \
	grep -q "Secret words" "$T/tr2.out"
rm -f "$XDG_CONFIG_HOME/podcue/config"

# A feed that is itself private (the loopback server, not listed as public).
unset PODCUE_TEST_PUBLIC_ADDRS
feed Local "$PRIV/ch/c.json" >"$W/local.xml"
pc add "$PUB/local.xml" >/dev/null 2>&1
lid=$(sq "SELECT id FROM episode WHERE guid = 'Local-1'")
pc chapters "$lid" >"$T/ch3.out" 2>"$T/ch3.err"
check "a local feed's chapter file on a private address is fetched" \
	grep -q "Secret middle" "$T/ch3.out"

finish
