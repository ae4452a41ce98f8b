#!/usr/bin/env python3
"""gen_cache.py - a big podcue cache written directly (no feeds, no refresh).

    python3 bench/gen_cache.py --db FILE --podcue BIN \
        [--podcasts 2000] [--episodes 500] [--seed 1]

Creates FILE with podcue's own schema (BIN opens it once, which migrates a
new cache), then writes PODCASTS x EPISODES episodes in podcue's layout:
titles, dates, durations, enclosures, 100-250 bytes of show notes (as
HTML and as the text podcue derives from it (15-30 words), as a refresh stores them), a
played flag on two thirds of them and a position on a few. The search
index is built in one statement at the end, as migration 3 builds it, with
the row-by-row triggers suspended meanwhile (search_defer), which is
several times faster than indexing row by row. Chapters, links and
transcripts are not generated.

The words come from a seeded Zipf-like vocabulary of made-up words, so
searches have common words, rare words and shared prefixes. Prints the
search words it guarantees on stdout as JSON: {"rare": word found in about
one episode in 100,000, "common": one in about one in ten, "prefix": a 4-letter prefix}.
"""
import argparse
import json
import os
import random
import sqlite3
import subprocess
import sys
import time

SYL = ("ka", "lo", "mi", "ne", "su", "ta", "vo", "ri", "pe", "zu", "ba", "do",
       "fi", "gu", "ha", "je", "ku", "ma", "no", "pa", "ro", "si", "te", "wa")


def vocab(rng, n):
    seen, out = set(), []
    while len(out) < n:
        w = "".join(rng.choice(SYL) for _ in range(rng.randint(2, 4)))
        if w not in seen:
            seen.add(w)
            out.append(w)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--podcue", required=True)
    ap.add_argument("--podcasts", type=int, default=2000)
    ap.add_argument("--episodes", type=int, default=500)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    words = vocab(rng, 20000)
    # Zipf-like: word i with weight 1/(i+1).
    cum, t = [], 0.0
    for i in range(len(words)):
        t += 1.0 / (i + 1)
        cum.append(t)
    # A pool of pre-drawn words (drawing per word with bisect is the slow part).
    import bisect
    pool = [words[bisect.bisect_left(cum, rng.random() * t)] for _ in range(200003)]
    rare = words[-1]
    common = words[3]
    prefix = next(w for w in words if len(w) >= 6)[:4]

    subprocess.run([a.podcue, "--db", a.db, "podcasts"], check=True,
                   stdout=subprocess.DEVNULL)
    c = sqlite3.connect(a.db, isolation_level=None)
    c.execute("PRAGMA synchronous=OFF")
    c.execute("PRAGMA cache_size=-65536")
    c.execute("BEGIN")
    c.execute("INSERT OR IGNORE INTO search_defer VALUES (1)")
    # The episode table's indexes and triggers, exactly as podcue made
    # them: dropped for the bulk insert, made again after it (an index
    # built from sorted rows costs a fraction of one kept row by row).
    later = c.execute("SELECT sql FROM sqlite_master WHERE tbl_name = 'episode'"
                      " AND type IN ('index', 'trigger') AND sql IS NOT NULL"
                      " ORDER BY type = 'trigger'").fetchall()
    for (kind, name) in c.execute("SELECT type, name FROM sqlite_master"
                                  " WHERE tbl_name = 'episode' AND type IN ('index', 'trigger')"
                                  " AND sql IS NOT NULL").fetchall():
        c.execute("DROP %s %s" % (kind.upper(), name))
    now = int(time.time())
    c.executemany("INSERT INTO podcast (id, url, title, author, description, last_refresh, added)"
                  " VALUES (?, ?, ?, ?, ?, ?, ?)",
                  ((p + 1, "https://feeds.example/%d.xml" % p,
                    "Podcast %d %s %s" % (p, pool[p * 7 % len(pool)].title(),
                                          pool[p * 11 % len(pool)]),
                    "Host %d" % p, "About podcast %d" % p, now, now)
                   for p in range(a.podcasts)))
    k = [0]

    def notes(n):
        j = k[0]
        k[0] = (j + n) % (len(pool) - n)
        return " ".join(pool[j:j + n])

    def rows():
        eid = 0
        for p in range(a.podcasts):
            base = now - rng.randint(0, 86400 * 30)
            for e in range(a.episodes):
                eid += 1
                text = notes(rng.randint(15, 30))
                if eid % 100000 == 50000:
                    text += " " + rare
                if eid % 10 == 0:
                    text += " " + common
                html = "<p>" + text + "</p>"
                played = 1 if e >= a.episodes // 3 else 0
                pos = 600.0 if e % 97 == 5 and not played else None
                yield (eid, p + 1, "k%d" % eid, "g%d" % eid,
                       "Episode %d: %s %s" % (a.episodes - e, pool[eid % len(pool)],
                                              pool[(eid * 3) % len(pool)]),
                       base - e * 86400 * 3, 1800 + (eid % 3600),
                       "https://cdn.example/%d/%d.mp3" % (p, e), "audio/mpeg",
                       10000000 + eid, html, text, e - a.episodes, now, played, pos)
    t0 = time.time()
    c.executemany("INSERT INTO episode (id, podcast_id, key, guid, title, published,"
                  " duration, enclosure_url, enclosure_type, enclosure_length,"
                  " notes_html, notes_text, feed_order, first_seen, played, position)"
                  " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows())
    for (sql,) in later:
        c.execute(sql)
    c.execute("UPDATE podcast SET"
              " n_episodes = (SELECT count(*) FROM episode e WHERE e.podcast_id = podcast.id),"
              " n_unplayed = (SELECT count(*) FROM episode e"
              "  WHERE e.podcast_id = podcast.id AND e.played = 0)")
    t1 = time.time()
    c.execute("INSERT INTO search_fts (rowid, title, notes)"
              " SELECT id * 262144, title, notes_text FROM episode ORDER BY id")
    c.execute("DELETE FROM search_defer")
    c.execute("COMMIT")
    t2 = time.time()
    c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    c.close()
    sys.stderr.write("gen_cache: %d episodes in %.1f s, search index %.1f s\n"
                     % (a.podcasts * a.episodes, t1 - t0, t2 - t1))
    print(json.dumps({"rare": rare, "common": common, "prefix": prefix}))


if __name__ == "__main__":
    main()
