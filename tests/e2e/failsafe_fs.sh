#!/bin/sh
# End-to-end: the cache's file system says what happened (issue 16) — on
# a read-only file system the commands that only read still work and the
# others say "the cache is on a read-only filesystem"; a full disk says
# so; a lock another process holds past the busy timeout names it.
# The file-system checks mount small tmpfs file systems: root only.
. "$(dirname "$0")/../lib.sh"

W="$T/www"
mkdir -p "$W"
start_server "$W"
rss "Readable" \
	"r1|Readable one|Thu, 15 May 2025 10:00:00 GMT|1:00|$BASE/a.mp3" \
	"r2|Readable two|Wed, 14 May 2025 10:00:00 GMT|1:00|$BASE/b.mp3" >"$W/readable.xml"
head -c 4096 /dev/zero >"$W/a.mp3" # no chapters in it, but it is there
python3 - "$W/many.xml" <<'PY'
import sys
with open(sys.argv[1], "w") as fh:
    fh.write('<?xml version="1.0"?>\n<rss version="2.0"><channel><title>Many</title>\n')
    for i in range(3000):
        fh.write('<item><guid>m%d</guid><title>Many %d</title><description>%s</description></item>\n'
                 % (i, i, ("notes of episode %d " % i) * 40))
    fh.write('</channel></rss>\n')
PY

# says NAME TEXT CMD...: CMD fails and its stderr has TEXT.
says() {
	name=$1 text=$2
	shift 2
	"$@" >"$T/says.out" 2>"$T/says.err"
	rc=$?
	check "$name" sh -c '[ "$1" -ne 0 ] && grep -qF "$2" "$3"' _ "$rc" "$text" "$T/says.err"
}

# ---- a lock held past the busy timeout --------------------------------------
pc add "$BASE/readable.xml" >/dev/null 2>&1
lock_start 30 || not_ok "take the lock"
says "a lock held by another process names it, not \"database is locked\"" \
	"the cache is locked by another process (pid $LOCKPID" pc add "$BASE/many.xml"
lock_release

if [ "$(id -u)" != 0 ]; then
	skip "read-only and full file systems" "needs root to mount tmpfs"
	finish
fi

# ---- a read-only file system ------------------------------------------------
RO="$T/ro"
mkdir -p "$RO"
if ! mount -t tmpfs -o size=8m tmpfs "$RO" 2>"$T/mount.err"; then
	skip "read-only and full file systems" "cannot mount tmpfs: $(cat "$T/mount.err")"
	finish
fi
MOUNTS="$RO"
trap 'for m in $MOUNTS; do umount "$m" 2>/dev/null; done; cleanup' EXIT INT TERM
RDB="$RO/cache.db"
"$PODCUE" --db "$RDB" add "$BASE/readable.xml" >/dev/null 2>&1
id=$(sqlite3 "$RDB" "SELECT id FROM episode WHERE guid = 'r1'")
mount -o remount,ro "$RO"
check "the cache is on a read-only file system now" sh -c '! touch "$1/x" 2>/dev/null' _ "$RO"
for c in podcasts episodes "search readable" "show $id" "chapters $id"; do
	# shellcheck disable=SC2086
	"$PODCUE" --db "$RDB" $c >"$T/ro.out" 2>"$T/ro.err"
	rc=$?
	check "podcue $c works on a read-only cache" sh -c \
		'[ "$1" -eq 0 ] && [ -s "$2" ] && ! [ -s "$3" ]' _ "$rc" "$T/ro.out" "$T/ro.err"
done
check "the episodes are read from it" grep -q "Readable one" "$T/ro.out" ||
	"$PODCUE" --db "$RDB" episodes | grep -q "Readable one"
says "a write says the cache is on a read-only filesystem" \
	"the cache is on a read-only filesystem" "$PODCUE" --db "$RDB" add "$BASE/many.xml"
says "a refresh says so too" "the cache is on a read-only filesystem" "$PODCUE" --db "$RDB" refresh

# ---- a full disk -------------------------------------------------------------
FULL="$T/full"
mkdir -p "$FULL"
mount -t tmpfs -o size=1m tmpfs "$FULL"
MOUNTS="$MOUNTS $FULL"
FDB="$FULL/cache.db"
"$PODCUE" --db "$FDB" add "$BASE/readable.xml" >/dev/null 2>&1
dd if=/dev/zero of="$FULL/filler" bs=4k 2>/dev/null
says "a full disk says so" "the disk holding the cache is full" \
	"$PODCUE" --db "$FDB" add "$BASE/many.xml"
rm -f "$FULL/filler"
check "the cache is whole after the full disk" sh -c \
	'[ "$(sqlite3 "$1" "PRAGMA integrity_check")" = ok ]' _ "$FDB"

finish
