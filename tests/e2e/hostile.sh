#!/bin/sh
# End-to-end: hostile feeds, servers, URLs and text against the real binary.
#
# Every hostile feed fails (or is cleaned) with a clear message on that one
# feed or episode, while a good feed in the same refresh still updates; a
# feed never makes podcue read a local file or the network; URLs from
# remote feeds are refused unless http(s); text output never carries an
# escape sequence while --json keeps every byte (escaped). Related cases
# already covered elsewhere: truncated feeds, binary garbage and a server
# that never answers (feeds.sh), a file: chapters URL (chapters.sh).
. "$(dirname "$0")/../lib.sh"

W="$T/www"
mkdir -p "$W/ch"
start_server "$W"
MARK="podcue-secret-$$-e2e"
printf '%s\n' "$MARK" >"$T/secret.txt"

cat >"$T/fast.conf" <<EOC
set stall_timeout 2
set feed_timeout 8
set connect_timeout 2
set max_feed_mb 2
EOC
pcf() { "$PODCUE" --db "$DB" --config "$T/fast.conf" "$@"; }

# lasterr URL: the stored last_error of the podcast subscribed as URL.
lasterr() {
	pc podcasts --json | python3 -c '
import json, sys
for p in json.load(sys.stdin):
    if p["url"] == sys.argv[1]:
        print(p["last_error"] or "")' "$1"
}

# err_like NAME URL REGEX: the feed at URL failed with a message matching
# REGEX (extended, case-insensitive).
err_like() {
	e=$(lasterr "$2")
	if printf '%s\n' "$e" | grep -Eqi "$3"; then
		ok "$1"
	else
		not_ok "$1" "url: $2" "last_error: $e" "wanted: $3"
	fi
}

# clean_text FILE: valid UTF-8 without C0 (but newline), DEL, C1 or bidi
# controls: what a terminal can show without being steered.
clean_text() {
	python3 - "$1" <<'PY'
import sys
raw = open(sys.argv[1], "rb").read()
try:
    s = raw.decode("utf-8")
except UnicodeDecodeError as e:
    print("not UTF-8:", e); sys.exit(1)
bad = [c for c in s if (ord(c) < 0x20 and c != "\n") or 0x7f <= ord(c) <= 0x9f
       or 0x202a <= ord(c) <= 0x202e or 0x2066 <= ord(c) <= 0x2069
       or c in "\u200e\u200f\u061c"]
if bad or not s:
    print("controls:", [hex(ord(c)) for c in bad[:10]], "len", len(s)); sys.exit(1)
PY
}

# json_escaped FILE: parses as JSON and holds no raw control byte but
# the newlines of the layout (jansson escapes the rest).
json_escaped() {
	python3 - "$1" <<'PY'
import json, sys
raw = open(sys.argv[1], "rb").read()
json.loads(raw)
bad = [b for b in raw if b < 0x20 and b != 0x0a]
if bad:
    print("raw control bytes:", bad[:10]); sys.exit(1)
PY
}

# ---- feeds ------------------------------------------------------------------

good() {
	rss "Good Show" "$@" >"$W/good.xml"
}
D1="Wed, 14 May 2025 10:00:00 +0000"
D2="Tue, 13 May 2025 10:00:00 +0000"
D3="Mon, 12 May 2025 10:00:00 +0000"
good "g-2|Second|$D2|10:00|$BASE/g2.mp3" "g-1|First|$D3|10:00|$BASE/g1.mp3"
check "add a good feed" pc add "$BASE/good.xml"

cp "$ROOT/tests/fixtures/feeds/billion-laughs.xml" "$W/laughs.xml"
python3 - "$W/quadratic.xml" <<'PY'
import sys
big = "A" * 100000
items = "".join("<item><guid>q%d</guid><title>&e;</title><description>%s</description></item>"
                % (i, "&e;" * 10) for i in range(2000))
open(sys.argv[1], "w").write('<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY e "%s">]>\n'
    '<rss><channel><title>Quadratic</title>%s</channel></rss>\n' % (big, items))
PY
cat >"$W/xxe-file.xml" <<EOF
<?xml version="1.0"?>
<!DOCTYPE rss [
  <!ENTITY xxe SYSTEM "file://$T/secret.txt">
  <!ENTITY % pe SYSTEM "file://$T/secret.txt">
]>
<rss version="2.0"><channel><title>XXE file &xxe;</title>
<description>&xxe;</description>
<item><guid>xxe-1</guid><title>Leak &xxe; here</title><description>&xxe;</description>
<enclosure url="https://example.org/&xxe;.mp3" type="audio/mpeg"/></item>
</channel></rss>
EOF
cat >"$W/xxe-net.xml" <<EOF
<?xml version="1.0"?>
<!DOCTYPE rss SYSTEM "$BASE/xxe/external-subset.dtd" [
  <!ENTITY % pe SYSTEM "$BASE/xxe/parameter.dtd"> %pe;
  <!ENTITY web SYSTEM "$BASE/xxe/general.txt">
  <!ENTITY pub PUBLIC "-//podcue//x" "$BASE/xxe/public.dtd">
]>
<rss version="2.0"><channel><title>XXE net &web;&pub;</title>
<item><guid>net-1</guid><title>Net &web;</title></item>
</channel></rss>
EOF
printf '<!ENTITY web "%s">\n' "$MARK" >"$W/xxe-general.dtd"
mkdir -p "$W/xxe"
cp "$W/xxe-general.dtd" "$W/xxe/external-subset.dtd"
cp "$W/xxe-general.dtd" "$W/xxe/parameter.dtd"
cp "$T/secret.txt" "$W/xxe/general.txt"
cp "$W/xxe-general.dtd" "$W/xxe/public.dtd"
python3 - "$W/deep.xml" <<'PY'
import sys
open(sys.argv[1], "w").write("<rss><channel><title>Deep</title><item><guid>d</guid><description>"
    + "<div>" * 100000 + "x" + "</div>" * 100000 + "</description></item></channel></rss>")
PY
printf 'Caf\351 \223quoted\224 \205' >"$T/cp1252-title"
{
	printf '<rss version="2.0"><channel><title>Latin body, UTF-8 header</title>'
	printf '<item><guid>l1</guid><title>%s</title></item></channel></rss>\n' "$(cat "$T/cp1252-title")"
} >"$W/latin1.xml"
cp "$W/latin1.xml" "$W/latin1-b.xml"
printf '<rss version="2.0"><channel><title>UTF-8 body, Latin-1 header</title><item><guid>u1</guid><title>Caf\303\251 \342\234\223</title></item></channel></rss>\n' >"$W/utf8.xml"
rss "PNG Show" "p-1|Typed as an image|$D1|1:00|$BASE/p.mp3" >"$W/png.xml"
# windows-1251 without a declaration: only the HTTP charset tells.
printf '<rss version="2.0"><channel><title>Cyrillic</title><item><guid>c1</guid><title>\317\360\350\342\345\362</title></item></channel></rss>\n' >"$W/cyr.xml"

Q="application/rss%2Bxml%3B%20charset%3Dutf-8"
L1="application/xml%3B%20charset%3DISO-8859-1"
U_LAUGHS="$BASE/laughs.xml"
U_QUAD="$BASE/quadratic.xml"
U_XXEF="$BASE/xxe-file.xml"
U_XXEN="$BASE/xxe-net.xml"
U_DEEP="$BASE/deep.xml"
U_LAT="$BASE/_/type?file=latin1.xml&ct=$Q"
U_LAT2="$BASE/_/type?file=latin1-b.xml&ct=$L1"
U_UTF="$BASE/_/type?file=utf8.xml&ct=text/html%3B%20charset%3DISO-8859-1"
U_PNG="$BASE/_/type?file=png.xml&ct=image/png"
U_CYR="$BASE/_/type?file=cyr.xml&ct=application/rss%2Bxml%3B%20charset%3D%22windows-1251%22"
U_BOMB="$BASE/_/gzipbomb"
U_DRIP="$BASE/_/drip?bytes=60"
U_LOOP="$BASE/_/loop"
U_RFILE="$BASE/_/redirect-to?url=file:///etc/passwd"
U_RFTP="$BASE/_/redirect-to?url=ftp://127.0.0.1:$PORT/feed.xml"
U_RGOPHER="$BASE/_/redirect-to?url=gopher://127.0.0.1:$PORT/1"
U_TLS="https://127.0.0.1:$PORT/good.xml"
U_DNS="http://podcue-hostile.invalid/feed.xml"

# A relay in front of the server counts the bytes that reach podcue.
cat >"$T/relay.py" <<'PY'
import os, socket, sys, threading, time
up, portfile, log = int(sys.argv[1]), sys.argv[2], sys.argv[3]
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(16)
srv.settimeout(0.5)
open(portfile + ".tmp", "w").write("%d\n" % srv.getsockname()[1])
os.replace(portfile + ".tmp", portfile)
def pump(a, b, count):
    n = 0
    try:
        while True:
            d = a.recv(65536)
            if not d:
                break
            b.sendall(d)
            n += len(d)
    except OSError:
        pass
    for s in (a, b):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
    if count:
        with open(log, "a") as f:
            f.write("%d\n" % n)
def handle(c):
    u = socket.create_connection(("127.0.0.1", up))
    threading.Thread(target=pump, args=(c, u, False), daemon=True).start()
    pump(u, c, True)
end = time.time() + 300
while time.time() < end:
    try:
        c, _ = srv.accept()
    except socket.timeout:
        continue
    threading.Thread(target=handle, args=(c,), daemon=True).start()
PY
: >"$T/relay.log"
python3 "$T/relay.py" "$PORT" "$T/relay.port" "$T/relay.log" &
SERVER_PIDS="$SERVER_PIDS $!"
i=0
while [ ! -s "$T/relay.port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
U_HUGE="http://127.0.0.1:$(cat "$T/relay.port")/_/huge?mb=1024"

ALL="$U_LAUGHS $U_QUAD $U_XXEF $U_XXEN $U_DEEP $U_LAT $U_LAT2 $U_UTF $U_PNG $U_CYR $U_BOMB $U_DRIP
$U_LOOP $U_RFILE $U_RFTP $U_RGOPHER $U_TLS $U_DNS $U_HUGE"
{
	printf '<opml version="2.0"><body>\n'
	for u in $ALL; do
		printf '<outline type="rss" text="hostile" xmlUrl="%s"/>\n' \
			"$(printf '%s' "$u" | sed 's/&/\&amp;/g')"
	done
	printf '</body></opml>\n'
} >"$T/hostile.opml"
pcf import "$T/hostile.opml" >"$T/import.out" 2>"$T/import.err"
check "every hostile feed is subscribed" \
	sh -c 'test "$("$1" --db "$2" podcasts --json | python3 -c "import json,sys; print(len(json.load(sys.stdin)))")" -eq 20' _ "$PODCUE" "$DB"

# The good feed changes; one refresh of everything follows.
sleep 1.1
good "g-3|Third|$D1|10:00|$BASE/g3.mp3" "g-2|Second|$D2|10:00|$BASE/g2.mp3" \
	"g-1|First|$D3|10:00|$BASE/g1.mp3"
start=$(date +%s)
pcf refresh >"$T/r.out" 2>"$T/r.err"
st=$?
took=$(($(date +%s) - start))
if [ $st -ne 0 ]; then ok "refresh exits non-zero"; else not_ok "refresh exits non-zero"; fi
check "the whole hostile refresh takes at most 20 s (took ${took} s)" test "$took" -le 20
pc episodes 1 --json >"$T/good.json"
check "the good feed still updates in the same refresh" \
	jq_py "$T/good.json" '[e["title"] for e in d] == ["Third", "Second", "First"]'
check "the good feed has no error" sh -c 'test -z "$1"' _ "$(lasterr "$BASE/good.xml")"
check "the summary counts 12 failures" grep -q "20 feeds: 1 updated.* 12 failed" "$T/r.err"

# --- XML bombs and external entities ---
err_like "billion laughs is refused with a message" "$U_LAUGHS" "^refused: entity expansion"
err_like "quadratic entity blowup is refused with a message" "$U_QUAD" \
	"^refused: entity expansion beyond limits \(an XML entity bomb\)"
err_like "100,000 nested elements are refused with a message" "$U_DEEP" "nesting beyond limits"
check "an external entity never reads a local file" \
	sh -c '! sqlite3 "$1" .dump | grep -q "$2"' _ "$DB" "$MARK"
check "the XXE feed itself is stored (without the file)" \
	sh -c 'sqlite3 "$1" "SELECT title FROM episode WHERE guid = '"'xxe-1'"'" | grep -q "^Leak"' _ "$DB"
check "external DTDs and entities are never requested" \
	sh -c '! grep -q "/xxe/" "$1"' _ "$HTTPLOG"
check "the XXE feeds still parse" sh -c 'test -z "$1" && test -z "$2"' _ \
	"$(lasterr "$U_XXEF")" "$(lasterr "$U_XXEN")"

# --- sizes ---
err_like "a 1 GB body is cut at the cap" "$U_HUGE" "response too large \(over 2 MiB\)"
bytes=$(sort -n "$T/relay.log" | tail -1)
check "the 1 GB body was aborted early (${bytes:-?} bytes reached podcue)" \
	test "${bytes:-999999999}" -lt 33554432
err_like "a gzip bomb is cut at the decoded cap" "$U_BOMB" "response too large \(over 2 MiB\)"

# --- lying types and charsets ---
pc episodes --json >"$T/all.json"
check "Latin-1 bytes sent as UTF-8 are read as windows-1252" \
	jq_py "$T/all.json" '[e["title"] for e in d if e["guid"] == "l1"] == ["Caf\u00e9 \u201cquoted\u201d \u2026"] * 2'
check "UTF-8 bytes sent as ISO-8859-1 stay UTF-8" \
	jq_py "$T/all.json" '[e["title"] for e in d if e["guid"] == "u1"] == ["Caf\u00e9 \u2713"]'
check "an undeclared body is decoded with the charset of the HTTP header" \
	jq_py "$T/all.json" '[e["title"] for e in d if e["guid"] == "c1"] == ["\u041f\u0440\u0438\u0432\u0435\u0442"]'
check "a feed served as image/png is still read" \
	jq_py "$T/all.json" '[e["title"] for e in d if e["guid"] == "p-1"] == ["Typed as an image"]'

# --- network ---
err_like "a server that drips a byte a second times out" "$U_DRIP" "timed out"
err_like "a redirect loop stops" "$U_LOOP" "too many redirects"
err_like "a redirect to file: is refused" "$U_RFILE" "redirect to a non-HTTP URL refused \(file:///etc/passwd\)"
err_like "a redirect to ftp: is refused" "$U_RFTP" "redirect to a non-HTTP URL refused \(ftp:"
err_like "a redirect to gopher: is refused" "$U_RGOPHER" "redirect to a non-HTTP URL refused \(gopher:"
err_like "https to a plain HTTP port is a TLS error" "$U_TLS" "^TLS error: "
err_like "a name under .invalid does not resolve" "$U_DNS" "could not resolve host: podcue-hostile.invalid"
check "nothing of /etc/passwd is stored" sh -c '! sqlite3 "$1" .dump | grep -q "root:x:0:0"' _ "$DB"
check "every failed feed is named on stderr" \
	sh -c 'test "$(grep -c "^podcue: " "$1")" -ge 12' _ "$T/r.err"
check "refresh stderr is terminal-safe" clean_text "$T/r.err"

# ---- URLs in remote feeds ------------------------------------------------------

cat >"$W/schemes.xml" <<EOF
<rss version="2.0" xmlns:podcast="https://podcastindex.org/namespace/1.0"><channel><title>Schemes</title>
<item><guid>s-av</guid><title>av</title><podcast:chapters url="av://lavfi:sine" type="application/json+chapters"/></item>
<item><guid>s-lavfi</guid><title>lavfi</title><podcast:chapters url="lavfi://sine=f=440" type="application/json+chapters"/></item>
<item><guid>s-edl</guid><title>edl</title><podcast:chapters url="edl://$T/secret.txt,0,10" type="application/json+chapters"/></item>
<item><guid>s-mem</guid><title>memory</title><podcast:chapters url="memory://{&quot;chapters&quot;:[]}" type="application/json+chapters"/></item>
<item><guid>s-ftp</guid><title>ftp</title><podcast:chapters url="ftp://127.0.0.1:$PORT/c.json" type="application/json+chapters"/></item>
<item><guid>s-gopher</guid><title>gopher</title><podcast:chapters url="gopher://127.0.0.1:$PORT/1" type="application/json+chapters"/></item>
<item><guid>s-file</guid><title>file media</title><enclosure url="file://$T/secret.txt" type="audio/mpeg" length="1"/></item>
</channel></rss>
EOF
check "add a feed with hostile chapter and media URLs" pc add "$BASE/schemes.xml"
for g in s-av s-lavfi s-edl s-mem s-ftp s-gopher; do
	id=$(sqlite3 "$DB" "SELECT id FROM episode WHERE guid = '$g'")
	pc chapters "$id" >"$T/c.out" 2>"$T/c.err"
	stored=$(sqlite3 "$DB" "SELECT chapters_error FROM episode WHERE id = $id")
	if grep -q "unsupported URL scheme" "$T/c.err" &&
		[ "$stored" = "chapters file: unsupported URL scheme" ]; then
		ok "chapters URL $g is refused, with the error stored"
	else
		not_ok "chapters URL $g is refused, with the error stored" "stderr: $(cat "$T/c.err")" "stored: $stored"
	fi
done
id=$(sqlite3 "$DB" "SELECT id FROM episode WHERE guid = 's-file'")
pc chapters "$id" >"$T/c.out" 2>"$T/c.err"
check "a file: media URL from a remote feed is never read for chapters" \
	sh -c 'grep -q "media file: unsupported URL scheme" "$1" && ! grep -q "$3" "$1" "$2"' \
	_ "$T/c.err" "$T/c.out" "$MARK"

# ---- text ---------------------------------------------------------------------------

# ISO-8859-1 bytes 0x9B (CSI), 0x9D (OSC) and 0x9C (ST) are C1 controls
# that survive XML; C0 controls do not (libxml2 drops them).
python3 - "$W/text.xml" "$BASE" <<'PY'
import sys
base = sys.argv[2].encode()
t1 = b"Evil \x9b2J \x9d0;title\x9c \x9b200~paste\x9b201~ &#x202E;gnp.exe&#x200F; \x1b]0;x\x07 end"
big = b"L" * 100000
doc = (b'<?xml version="1.0" encoding="ISO-8859-1"?>\n'
       b'<rss version="2.0" xmlns:podcast="https://podcastindex.org/namespace/1.0">'
       b'<channel><title>Text \x9b31mShow</title>'
       b'<item><guid>t1</guid><title>' + t1 + b'</title>'
       b'<description><![CDATA[<p>Notes \x9b1;31mred\x9b0m &#x202E;rtl</p><p>00:00 - In\x9btro</p>'
       b'<p>01:00 - Mid</p><p>02:00 - End</p><a href="https://e.example/\x9b2J">x</a>]]></description>'
       b'<podcast:chapters url="' + base + b'/ch/esc.json" type="application/json+chapters"/>'
       b'</item>'
       b'<item><guid>t2</guid><title>' + big + b'</title></item>'
       b'</channel></rss>\n')
open(sys.argv[1], "wb").write(doc)
PY
cat >"$W/ch/esc.json" <<'EOF'
{"version":"1.2.0","chapters":[
 {"startTime":0,"title":"\u001b]0;pwned\u0007\u001b[2JClear"},
 {"startTime":10,"title":"\u001b[200~pasted\u001b[201~ \u009b31m\u202egnp"},
 {"startTime":20,"title":"bell\u0007 del\u007f nul-free"}]}
EOF
check "add a feed with hostile text" pc add "$BASE/text.xml"
t1=$(sqlite3 "$DB" "SELECT id FROM episode WHERE guid = 't1'")
t2=$(sqlite3 "$DB" "SELECT id FROM episode WHERE guid = 't2'")
pid=$(sqlite3 "$DB" "SELECT podcast_id FROM episode WHERE id = $t1")
pc episodes >"$T/ep.txt"
check "episodes: text output has no control characters" clean_text "$T/ep.txt"
check "episodes: the hostile title is still listed" grep -q "Evil   paste gnp.exe ]0;x end" "$T/ep.txt"
pc episodes "$pid" >"$T/ep1.txt"
check "episodes PODCAST: text output has no control characters" clean_text "$T/ep1.txt"
check "episodes: a 100 KB title is printed whole" \
	sh -c 'test "$(grep -o "L*" "$1" | awk "{ if (length > m) m = length } END { print m }")" -eq 100000' _ "$T/ep1.txt"
pc show "$t1" >"$T/show.txt"
check "show: text output has no control characters" clean_text "$T/show.txt"
pc show "$t2" >"$T/show2.txt"
check "show: a 100 KB title is fine" clean_text "$T/show2.txt"
pc chapters "$t1" >"$T/ch.txt" 2>"$T/ch.err"
check "chapters: text output has no control characters" clean_text "$T/ch.txt"
check "chapters: JSON chapters were fetched" grep -q "pasted" "$T/ch.txt"
pc podcasts >"$T/pod.txt"
check "podcasts: text output has no control characters" clean_text "$T/pod.txt"

pc episodes "$pid" --json >"$T/ep.json"
check "episodes --json: control characters are escaped" json_escaped "$T/ep.json"
check "episodes --json: the title is stored faithfully" \
	jq_py "$T/ep.json" '[e["title"] for e in d if e["guid"] == "t1"] == ["Evil \x9b2J \x9d0;title\x9c \x9b200~paste\x9b201~ \u202egnp.exe\u200f ]0;x end"]'
check "episodes --json: the 100 KB title is whole" \
	jq_py "$T/ep.json" '[len(e["title"]) for e in d if e["guid"] == "t2"] == [100000]'
pc show "$t1" --json >"$T/show.json"
check "show --json: control characters are escaped" json_escaped "$T/show.json"
check "show --json: notes keep their controls" \
	jq_py "$T/show.json" '"\x9b1;31mred\x9b0m \u202ertl" in d["notes"] and d["links"] == ["https://e.example/\x9b2J"]'
pc chapters "$t1" --json >"$T/ch.json"
check "chapters --json: control characters are escaped" json_escaped "$T/ch.json"
check "chapters --json: titles are stored faithfully" \
	jq_py "$T/ch.json" '[c["title"] for c in d["chapters"] if c["source"] == "json"] == ["\x1b]0;pwned\x07\x1b[2JClear", "\x1b[200~pasted\x1b[201~ \x9b31m\u202egnp", "bell\x07 del\x7f nul-free"]'
pc podcasts --json >"$T/pod.json"
check "podcasts --json: control characters are escaped" json_escaped "$T/pod.json"

# ---- chapter JSON -------------------------------------------------------------------

python3 - "$W/ch" <<'PY'
import json, sys
d = sys.argv[1]
json.dump({"chapters": [{"startTime": i, "title": "c%d" % i} for i in range(100000)]},
          open(d + "/many.json", "w"))
open(d + "/deep.json", "w").write('{"chapters":' + "[" * 100000 + "]" * 100000 + "}")
open(d + "/types.json", "w").write(json.dumps({"chapters": [
    {"startTime": "0", "title": "string time"}, {"startTime": -5, "title": "negative"},
    {"startTime": None}, {"startTime": [1]}, {"startTime": {"a": 1}}, "not an object", 7,
    {"startTime": 1e308, "endTime": -1, "title": "huge"},
    {"startTime": 3, "title": ["not", "a", "string"], "url": 5, "img": {}},
    {"startTime": 1, "endTime": 0.5, "title": "end before start"}]}))
open(d + "/nan.json", "w").write('{"chapters":[{"startTime":NaN},{"startTime":Infinity}]}')
PY
cat >"$W/chj.xml" <<EOF
<rss version="2.0" xmlns:podcast="https://podcastindex.org/namespace/1.0"><channel><title>Chapter JSON</title>
<item><guid>j-many</guid><title>many</title><podcast:chapters url="ch/many.json" type="application/json+chapters"/></item>
<item><guid>j-deep</guid><title>deep</title><podcast:chapters url="ch/deep.json" type="application/json+chapters"/></item>
<item><guid>j-types</guid><title>types</title><podcast:chapters url="ch/types.json" type="application/json+chapters"/></item>
<item><guid>j-nan</guid><title>nan</title><podcast:chapters url="ch/nan.json" type="application/json+chapters"/></item>
</channel></rss>
EOF
check "add a feed with hostile chapter files" pc add "$BASE/chj.xml"
jid() { sqlite3 "$DB" "SELECT id FROM episode WHERE guid = '$1'"; }
start=$(date +%s)
pc chapters "$(jid j-many)" --json >"$T/many.json" 2>"$T/many.err"
took=$(($(date +%s) - start))
check "100,000 chapters: the first 10,000 are kept (${took} s)" \
	jq_py "$T/many.json" 'len(d["chapters"]) == 10000 and d["chapters"][-1]["title"] == "c9999"'
pc chapters "$(jid j-deep)" >"$T/deep.out" 2>"$T/deep.err"
check "deeply nested chapter JSON is refused with a message" grep -q "nesting deeper than 64" "$T/deep.err"
check "the nesting error is stored on the episode" \
	sh -c 'sqlite3 "$1" "SELECT chapters_error FROM episode WHERE guid = '"'j-deep'"'" | grep -q "nesting deeper"' _ "$DB"
pc chapters "$(jid j-types)" --json >"$T/types.json" 2>"$T/types.err"
check "wrong types, negative and huge times: only valid chapters are kept" \
	jq_py "$T/types.json" '[(c["start"], c["title"]) for c in d["chapters"]] == [(1, "end before start"), (3, "Chapter 2"), (1e308, "huge")]'
pc chapters "$(jid j-nan)" >"$T/nan.out" 2>"$T/nan.err"
check "NaN and Infinity are not JSON: refused with a message" grep -q "not JSON" "$T/nan.err"

# ---- OPML ---------------------------------------------------------------------------

DB2="$T/opml.db"
DEAD=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 - "$T/big.opml" "$DEAD" <<'PY'
import sys
path, port = sys.argv[1], sys.argv[2]
out = ['<?xml version="1.0"?>\n<opml version="2.0"><head><title>big</title></head><body>']
depth = 0
for i in range(1000):
    if i % 100 == 0:
        out.append('<outline text="folder %d">' % i)   # nest ten levels deep
        depth += 1
    out.append('<outline type="rss" text="Feed %d" xmlUrl="http://127.0.0.1:%s/f%d.xml"/>' % (i, port, i))
    if i % 3 == 0:   # duplicates: same URL, different case of the host, blanks
        out.append('<outline text="dup" xmlUrl="  HTTP://127.0.0.1:%s/f%d.xml "/>' % (port, i))
out.append('<outline text="no url"/><outline xmlUrl=""/><outline xmlUrl="   "/>')
out.append('<outline text="local" xmlUrl="file:///etc/passwd"/>')
out.append('<outline text="js" xmlUrl="javascript:alert(1)"/>')
out.append('<outline text="ftp" xmlUrl="ftp://127.0.0.1/feed.xml"/>')
out.append("</outline>" * depth)
out.append("</body></opml>\n")
open(path, "w").write("".join(out))
PY
start=$(date +%s)
"$PODCUE" --db "$DB2" --config "$T/fast.conf" import "$T/big.opml" >"$T/imp.out" 2>"$T/imp.err"
took=$(($(date +%s) - start))
check "OPML import of 1,000 nested feeds with duplicates finishes (${took} s)" test "$took" -le 30
"$PODCUE" --db "$DB2" podcasts --json >"$T/p2.json"
check "OPML: duplicates dropped, folders and blank URLs skipped" jq_py "$T/p2.json" 'len(d) == 1000'
check "OPML: file:, javascript: and ftp: URLs are refused with a message" \
	sh -c 'grep -q "skipping file:///etc/passwd" "$1" && grep -q "skipping javascript:" "$1" && grep -q "skipping ftp:" "$1"' _ "$T/imp.err"
python3 - "$T/bomb.opml" <<'PY'
import sys
open(sys.argv[1], "w").write('<?xml version="1.0"?>\n<!DOCTYPE opml [<!ENTITY e "%s">]>\n<opml><body>%s</body></opml>\n'
    % ("A" * 100000, "".join('<outline text="&e;&e;&e;" xmlUrl="http://a.example/%d"/>' % i for i in range(3000))))
PY
if "$PODCUE" --db "$DB2" import "$T/bomb.opml" >/dev/null 2>"$T/bomb.err"; then
	not_ok "OPML entity bomb is refused"
else
	check "OPML entity bomb is refused with a message" grep -q "entity expansion beyond limits" "$T/bomb.err"
fi

finish
