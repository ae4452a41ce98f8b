/*
 * db_migrate.c - the cache's schema: the forward migrations, the schema
 * version (PRAGMA user_version), and migrating a connection on open
 * (dbi_migrate, called by dbi_open_at_version in db.c). See db.h.
 *
 * Threading: as the rest of the module, a connection is used by one
 * thread at a time; the notice hook is set once, before any thread opens
 * the cache. Two processes may open an old cache at once: each step
 * re-reads the version inside its write transaction, so no step is ever
 * applied twice.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "db.h"
#include "db_int.h"
#include "util.h"

/* Forward migrations, applied in order; migrations[i] brings the schema from
 * version i to i + 1. Never edit a released step: append a new one. */
static const char *const migrations[] = {
	/* 0 -> 1: the feed cache */
	"CREATE TABLE podcast ("
	"  id INTEGER PRIMARY KEY,"
	"  url TEXT NOT NULL UNIQUE,"
	"  title TEXT, link TEXT, description TEXT, author TEXT, image TEXT,"
	"  language TEXT, podcast_guid TEXT,"
	"  etag TEXT, last_modified TEXT, content_hash INTEGER,"
	"  last_refresh INTEGER, last_error TEXT,"
	"  is_local INTEGER NOT NULL DEFAULT 0,"
	"  added INTEGER NOT NULL"
	");"
	"CREATE TABLE podcast_alias ("
	"  url TEXT PRIMARY KEY,"
	"  podcast_id INTEGER NOT NULL REFERENCES podcast(id) ON DELETE CASCADE"
	");"
	"CREATE TABLE episode ("
	"  id INTEGER PRIMARY KEY,"
	"  podcast_id INTEGER NOT NULL REFERENCES podcast(id) ON DELETE CASCADE,"
	"  key TEXT NOT NULL,"
	"  guid TEXT, title TEXT, link TEXT, author TEXT,"
	"  published INTEGER, duration REAL,"
	"  enclosure_url TEXT, enclosure_type TEXT, enclosure_length INTEGER,"
	"  notes_html TEXT, notes_text TEXT, image TEXT,"
	"  season INTEGER, episode INTEGER, episode_type TEXT,"
	"  chapters_url TEXT, chapters_type TEXT,"
	"  chapters_etag TEXT, chapters_last_modified TEXT,"
	"  chapters_fetched INTEGER, chapters_error TEXT,"
	"  feed_order INTEGER NOT NULL DEFAULT 0,"
	"  first_seen INTEGER NOT NULL,"
	"  played INTEGER NOT NULL DEFAULT 0,"
	"  position REAL,"
	"  UNIQUE (podcast_id, key)"
	");"
	"CREATE INDEX episode_by_date ON episode(podcast_id, published DESC);"
	"CREATE INDEX episode_all_by_date ON episode(published DESC);"
	"CREATE TABLE episode_link ("
	"  episode_id INTEGER NOT NULL REFERENCES episode(id) ON DELETE CASCADE,"
	"  n INTEGER NOT NULL, url TEXT NOT NULL,"
	"  PRIMARY KEY (episode_id, n)"
	") WITHOUT ROWID;"
	"CREATE TABLE transcript ("
	"  episode_id INTEGER NOT NULL REFERENCES episode(id) ON DELETE CASCADE,"
	"  n INTEGER NOT NULL, url TEXT NOT NULL, type TEXT, language TEXT, rel TEXT,"
	"  PRIMARY KEY (episode_id, n)"
	") WITHOUT ROWID;"
	"CREATE TABLE chapter ("
	"  episode_id INTEGER NOT NULL REFERENCES episode(id) ON DELETE CASCADE,"
	"  source TEXT NOT NULL, n INTEGER NOT NULL,"
	"  start REAL NOT NULL, end_time REAL, title TEXT, url TEXT, img TEXT,"
	"  hidden INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (episode_id, source, n)"
	") WITHOUT ROWID;",
	/* 1 -> 2: embedded chapters probed without playing (ID3 range read) */
	"ALTER TABLE episode ADD COLUMN embedded_probed INTEGER;",
	/* 2 -> 3: search and paging.
	 *
	 * search_fts is one contentless FTS5 index over episodes (title,
	 * notes_text) and the visible, titled chapters (title only), so that
	 * bm25 ranks both on one scale; its rowids are laid out as described
	 * at DBI_FTS_EPISODE_ROWID in db_int.h. prefix='3': a three-character
	 * prefix query reads one ready-made list instead of merging the lists
	 * of every word that starts so. (detail=column would be a third
	 * smaller, but bm25 ranks every match 0 on a contentless table so
	 * built.) automerge 16 instead of 4: each refresh transaction writes a
	 * segment, and merging them 16 at a time halves the cost of indexing
	 * with no measurable cost to searches (bench/search_bench.c).
	 *
	 * The index is kept in sync by triggers, which also fire for the
	 * cascades of db_podcast_remove. A contentless index deletes a row by
	 * being told the values it indexed: every 'delete' below passes exactly
	 * the OLD values under the same condition its INSERT used. Bulk writers
	 * suspend the triggers with a row in search_defer and index in bulk
	 * instead (see dbi_search_defer in db_int.h).
	 *
	 * The paging indexes hold the episode order of db_episode_list
	 * (published IS NULL, published DESC, feed_order, then rowid), per
	 * podcast and overall, and again for unplayed episodes only (partial
	 * indexes, also used by the unplayed counts of db_podcast_list). They
	 * replace the two date indexes, which could not serve that order. */
	"DROP INDEX episode_by_date;"
	"DROP INDEX episode_all_by_date;"
	"CREATE INDEX episode_page ON episode"
	"  (podcast_id, published IS NULL, published DESC, feed_order);"
	"CREATE INDEX episode_page_all ON episode"
	"  (published IS NULL, published DESC, feed_order);"
	"CREATE INDEX episode_page_unplayed ON episode"
	"  (podcast_id, published IS NULL, published DESC, feed_order) WHERE played = 0;"
	"CREATE INDEX episode_page_all_unplayed ON episode"
	"  (published IS NULL, published DESC, feed_order) WHERE played = 0;"
	"CREATE VIRTUAL TABLE search_fts USING fts5(title, notes, content='', prefix='3',"
	"  tokenize='unicode61 remove_diacritics 2');"
	"INSERT INTO search_fts (search_fts, rank) VALUES ('automerge', 16);"
	"CREATE TABLE search_defer (on_ INTEGER PRIMARY KEY CHECK (on_ = 1));"
	"INSERT INTO search_fts (rowid, title, notes)"
	"  SELECT " DBI_FTS_EPISODE_COLS "1" DBI_FTS_EPISODE_ORDER ";"
	"INSERT INTO search_fts (rowid, title, notes)"
	"  SELECT " DBI_FTS_CHAPTER_COLS "1" DBI_FTS_CHAPTER_ORDER ";"
	"CREATE TRIGGER episode_fts_insert AFTER INSERT ON episode"
	"  WHEN " DBI_FTS_LIVE " BEGIN"
	"  INSERT INTO search_fts (rowid, title, notes)"
	"   VALUES (" DBI_FTS_EPISODE_ROWID("new") ", new.title, new.notes_text);"
	" END;"
	"CREATE TRIGGER episode_fts_delete AFTER DELETE ON episode"
	"  WHEN " DBI_FTS_LIVE " BEGIN"
	"  INSERT INTO search_fts (search_fts, rowid, title, notes)"
	"   VALUES ('delete', " DBI_FTS_EPISODE_ROWID("old") ", old.title, old.notes_text);"
	" END;"
	/* A refresh rewrites every column of a changed feed's items, and
	 * played/position change often: reindex only on a real change. */
	"CREATE TRIGGER episode_fts_update AFTER UPDATE OF id, title, notes_text ON episode"
	"  WHEN (old.id IS NOT new.id OR old.title IS NOT new.title"
	"   OR old.notes_text IS NOT new.notes_text) AND " DBI_FTS_LIVE " BEGIN"
	"  INSERT INTO search_fts (search_fts, rowid, title, notes)"
	"   VALUES ('delete', " DBI_FTS_EPISODE_ROWID("old") ", old.title, old.notes_text);"
	"  INSERT INTO search_fts (rowid, title, notes)"
	"   VALUES (" DBI_FTS_EPISODE_ROWID("new") ", new.title, new.notes_text);"
	" END;"
	"CREATE TRIGGER chapter_fts_insert AFTER INSERT ON chapter"
	"  WHEN " DBI_FTS_CHAPTER_INDEXED("new") " AND " DBI_FTS_LIVE " BEGIN"
	"  INSERT INTO search_fts (rowid, title)"
	"   VALUES (" DBI_FTS_CHAPTER_ROWID("new") ", new.title);"
	" END;"
	"CREATE TRIGGER chapter_fts_delete AFTER DELETE ON chapter"
	"  WHEN " DBI_FTS_CHAPTER_INDEXED("old") " AND " DBI_FTS_LIVE " BEGIN"
	"  INSERT INTO search_fts (search_fts, rowid, title)"
	"   VALUES ('delete', " DBI_FTS_CHAPTER_ROWID("old") ", old.title);"
	" END;"
	"CREATE TRIGGER chapter_fts_update AFTER UPDATE ON chapter WHEN " DBI_FTS_LIVE " BEGIN"
	"  INSERT INTO search_fts (search_fts, rowid, title)"
	"   SELECT 'delete', " DBI_FTS_CHAPTER_ROWID("old") ", old.title"
	"   WHERE " DBI_FTS_CHAPTER_INDEXED("old") ";"
	"  INSERT INTO search_fts (rowid, title)"
	"   SELECT " DBI_FTS_CHAPTER_ROWID("new") ", new.title"
	"   WHERE " DBI_FTS_CHAPTER_INDEXED("new") ";"
	" END;",
	/* 3 -> 4: episode counts kept on the podcast row.
	 *
	 * db_podcast_list counted each podcast's episodes and unplayed
	 * episodes on every call, which at 100,000 episodes was two thirds of
	 * the TUI's first paint (bench/RESULTS.md). Triggers keep the counts
	 * instead, so every writer (the store, the played flag, removals and
	 * their cascades, and anyone editing the cache with sqlite3) keeps
	 * them right; a trigger costs about a microsecond per stored episode. */
	"ALTER TABLE podcast ADD COLUMN n_episodes INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE podcast ADD COLUMN n_unplayed INTEGER NOT NULL DEFAULT 0;"
	"UPDATE podcast SET"
	"  n_episodes = (SELECT count(*) FROM episode e WHERE e.podcast_id = podcast.id),"
	"  n_unplayed = (SELECT count(*) FROM episode e"
	"    WHERE e.podcast_id = podcast.id AND e.played = 0);"
	"CREATE TRIGGER episode_count_insert AFTER INSERT ON episode BEGIN"
	"  UPDATE podcast SET n_episodes = n_episodes + 1,"
	"   n_unplayed = n_unplayed + (new.played = 0) WHERE id = new.podcast_id;"
	" END;"
	"CREATE TRIGGER episode_count_delete AFTER DELETE ON episode BEGIN"
	"  UPDATE podcast SET n_episodes = n_episodes - 1,"
	"   n_unplayed = n_unplayed - (old.played = 0) WHERE id = old.podcast_id;"
	" END;"
	"CREATE TRIGGER episode_count_update AFTER UPDATE OF podcast_id, played ON episode"
	"  WHEN old.podcast_id IS NOT new.podcast_id OR (old.played = 0) IS NOT (new.played = 0)"
	" BEGIN"
	"  UPDATE podcast SET n_episodes = n_episodes - 1,"
	"   n_unplayed = n_unplayed - (old.played = 0) WHERE id = old.podcast_id;"
	"  UPDATE podcast SET n_episodes = n_episodes + 1,"
	"   n_unplayed = n_unplayed + (new.played = 0) WHERE id = new.podcast_id;"
	" END;"
	/* And a four-character prefix index beside the three-character one: a
	 * four-letter prefix shared by a quarter of a 100,000-episode library
	 * took 24 ms to merge word by word, and takes 6.6 ms from its own list
	 * (bench/search_bench.c). The price is a bigger index (+16 % of the
	 * cache) and ~10 % more CPU when thousands of episodes arrive at once.
	 * FTS5 cannot change the option of a built index: it is rebuilt, by
	 * the same statements as in version 3. */
	"DROP TABLE search_fts;"
	"CREATE VIRTUAL TABLE search_fts USING fts5(title, notes, content='', prefix='3 4',"
	"  tokenize='unicode61 remove_diacritics 2');"
	"INSERT INTO search_fts (search_fts, rank) VALUES ('automerge', 16);"
	"INSERT INTO search_fts (rowid, title, notes)"
	"  SELECT " DBI_FTS_EPISODE_COLS "1" DBI_FTS_EPISODE_ORDER ";"
	"INSERT INTO search_fts (rowid, title, notes)"
	"  SELECT " DBI_FTS_CHAPTER_COLS "1" DBI_FTS_CHAPTER_ORDER ";",
	/* 4 -> 5: what the user was listening to, and how a podcast sorts.
	 *
	 * last_played is when a position was last saved (Unix time in
	 * milliseconds: two episodes played within a second still order);
	 * positions saved before this version have none and sort last. Its
	 * index finds the last played episode, and the newest stamp, which
	 * the next one exceeds even if the clock went back. The
	 * partial index holds the episodes in progress (a position, not
	 * played) most recent first: the Continue list reads it in order.
	 * sort_order is a podcast's own episode order (0 newest first, 1
	 * oldest first); NULL follows the oldest_first setting. */
	"ALTER TABLE episode ADD COLUMN last_played INTEGER;"
	"ALTER TABLE podcast ADD COLUMN sort_order INTEGER;"
	"CREATE INDEX episode_in_progress ON episode (last_played DESC)"
	"  WHERE position > 0 AND played = 0;"
	"CREATE INDEX episode_last_played ON episode (last_played);",
	/* 5 -> 6: the "up next" queue (db_queue.c). Positions are dense,
	 * 1..N: the trigger closes the gap a removed row leaves, whoever
	 * removes it (db_queue_remove, or the cascade when its episode leaves
	 * the cache with its podcast). No UNIQUE on position: shifting a
	 * range row by row would collide midway. */
	"CREATE TABLE queue ("
	"  episode_id INTEGER PRIMARY KEY REFERENCES episode(id) ON DELETE CASCADE,"
	"  position INTEGER NOT NULL,"
	"  added INTEGER NOT NULL"
	");"
	"CREATE INDEX queue_position ON queue(position);"
	"CREATE TRIGGER queue_close_gap AFTER DELETE ON queue BEGIN"
	"  UPDATE queue SET position = position - 1 WHERE position > old.position;"
	" END;",
	/* 6 -> 7: the playback speed chosen for a podcast (NULL: the speed setting). */
	"ALTER TABLE podcast ADD COLUMN speed REAL;",
	/* 7 -> 8: when a feed's server, answering 429 or 503 with a
	 * Retry-After, asked not to be asked again before (Unix time; NULL:
	 * no such request). A refresh skips the feed until then. And the
	 * episodes of a podcast by enclosure: an item with a new guid but a
	 * known enclosure is that episode (db_store_feed, reconcile_keys). */
	"ALTER TABLE podcast ADD COLUMN retry_after INTEGER;"
	"CREATE INDEX episode_by_enclosure"
	"  ON episode(podcast_id, enclosure_url);",
	/* 8 -> 9: sync with a gpodder-compatible server (db_sync.c).
	 *
	 * sync_state is the one account (no row: sync is off); the password
	 * is never stored here. Local changes are recorded as they happen by
	 * triggers, whoever makes them (the TUI, the command line, a refresh
	 * that finds a feed moved): sync_sub_change holds the net add or
	 * remove per feed URL, sync_episode_change one row per episode whose
	 * position or played state changed, with the position the change
	 * started from (the action's "started") and when it was last made
	 * (Unix ms: the merge keeps a local change newer than a pulled one).
	 * Changes applied from the server are not changes to send back: the
	 * applier puts a row in sync_applying, as bulk indexers do with
	 * search_defer. The enclosure index matches pulled actions, which
	 * name an episode by its media URL. */
	"CREATE TABLE sync_state ("
	"  id INTEGER PRIMARY KEY CHECK (id = 1),"
	"  server TEXT NOT NULL, user TEXT NOT NULL, device TEXT NOT NULL,"
	"  flavour INTEGER NOT NULL DEFAULT 0,"
	"  subs_since INTEGER NOT NULL DEFAULT 0,"
	"  actions_since INTEGER NOT NULL DEFAULT 0,"
	"  last_sync INTEGER, last_error TEXT"
	");"
	"CREATE TABLE sync_sub_change ("
	"  url TEXT PRIMARY KEY, added INTEGER NOT NULL, at INTEGER NOT NULL"
	") WITHOUT ROWID;"
	"CREATE TABLE sync_episode_change ("
	"  episode_id INTEGER PRIMARY KEY REFERENCES episode(id) ON DELETE CASCADE,"
	"  started REAL, at INTEGER NOT NULL"
	");"
	"CREATE TABLE sync_applying (on_ INTEGER PRIMARY KEY CHECK (on_ = 1));"
	"CREATE INDEX episode_enclosure ON episode(enclosure_url);"
	"CREATE TRIGGER sync_podcast_insert AFTER INSERT ON podcast"
	"  WHEN NOT new.is_local AND " DBI_SYNC_LIVE " BEGIN"
	"  INSERT OR REPLACE INTO sync_sub_change (url, added, at)"
	"   VALUES (new.url, 1, " DBI_SYNC_NOW_MS ");"
	" END;"
	"CREATE TRIGGER sync_podcast_delete AFTER DELETE ON podcast"
	"  WHEN NOT old.is_local AND " DBI_SYNC_LIVE " BEGIN"
	"  INSERT OR REPLACE INTO sync_sub_change (url, added, at)"
	"   VALUES (old.url, 0, " DBI_SYNC_NOW_MS ");"
	" END;"
	"CREATE TRIGGER sync_podcast_moved AFTER UPDATE OF url ON podcast"
	"  WHEN old.url IS NOT new.url AND NOT new.is_local AND " DBI_SYNC_LIVE " BEGIN"
	"  INSERT OR REPLACE INTO sync_sub_change (url, added, at)"
	"   VALUES (old.url, 0, " DBI_SYNC_NOW_MS ");"
	"  INSERT OR REPLACE INTO sync_sub_change (url, added, at)"
	"   VALUES (new.url, 1, " DBI_SYNC_NOW_MS ");"
	" END;"
	"CREATE TRIGGER sync_episode_changed AFTER UPDATE OF position, played ON episode"
	"  WHEN (old.position IS NOT new.position OR old.played IS NOT new.played)"
	"  AND " DBI_SYNC_LIVE " BEGIN"
	"  INSERT INTO sync_episode_change (episode_id, started, at)"
	"   VALUES (new.id, old.position, " DBI_SYNC_NOW_MS ")"
	"   ON CONFLICT (episode_id) DO UPDATE SET at = excluded.at;"
	" END;",
	/* 9 -> 10: downloads. One row per episode asked for; path is the final
	 * file (NAME.part while it downloads), url the enclosure it was asked
	 * from (a changed enclosure downloads again), validator the ETag or
	 * Last-Modified of the first response (If-Range when resuming). */
	"CREATE TABLE download ("
	"  episode_id INTEGER PRIMARY KEY REFERENCES episode(id) ON DELETE CASCADE,"
	"  state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),"
	"  bytes INTEGER NOT NULL DEFAULT 0,"
	"  total INTEGER,"
	"  path TEXT, error TEXT, url TEXT, validator TEXT,"
	"  updated INTEGER NOT NULL"
	");"
	"CREATE UNIQUE INDEX download_path ON download(path);",
	/* 10 -> 11: sync, continued (db_sync.c).
	 *
	 * episode_url keeps the enclosure URLs an episode had before the feed
	 * changed them, whoever stores the feed: a server (or a phone) that
	 * learnt an episode by an old URL still names that episode.
	 * sync_file_change holds, per episode, the last download finished
	 * (downloaded = 1) or finished download deleted (0) not yet sent as a
	 * "download" or "delete" action; no foreign key, as a download row
	 * goes with its episode (the rows of episodes gone are never sent). */
	"CREATE TABLE episode_url ("
	"  url TEXT NOT NULL,"
	"  episode_id INTEGER NOT NULL REFERENCES episode(id) ON DELETE CASCADE,"
	"  PRIMARY KEY (url, episode_id)"
	") WITHOUT ROWID;"
	"CREATE INDEX episode_url_episode ON episode_url(episode_id);"
	"CREATE TRIGGER episode_url_moved AFTER UPDATE OF enclosure_url ON episode"
	"  WHEN old.enclosure_url IS NOT NULL AND old.enclosure_url IS NOT new.enclosure_url"
	"  BEGIN"
	"  INSERT OR IGNORE INTO episode_url (url, episode_id) VALUES (old.enclosure_url, new.id);"
	" END;"
	"CREATE TABLE sync_file_change ("
	"  episode_id INTEGER PRIMARY KEY, downloaded INTEGER NOT NULL, at INTEGER NOT NULL"
	");"
	"CREATE TRIGGER sync_download_new AFTER INSERT ON download"
	"  WHEN new.state = 'done' AND " DBI_SYNC_LIVE " BEGIN"
	"  INSERT OR REPLACE INTO sync_file_change (episode_id, downloaded, at)"
	"   VALUES (new.episode_id, 1, " DBI_SYNC_NOW_MS ");"
	" END;"
	"CREATE TRIGGER sync_download_done AFTER UPDATE OF state ON download"
	"  WHEN new.state = 'done' AND old.state IS NOT 'done' AND " DBI_SYNC_LIVE " BEGIN"
	"  INSERT OR REPLACE INTO sync_file_change (episode_id, downloaded, at)"
	"   VALUES (new.episode_id, 1, " DBI_SYNC_NOW_MS ");"
	" END;"
	"CREATE TRIGGER sync_download_deleted AFTER DELETE ON download"
	"  WHEN old.state = 'done' AND " DBI_SYNC_LIVE " BEGIN"
	"  INSERT OR REPLACE INTO sync_file_change (episode_id, downloaded, at)"
	"   VALUES (old.episode_id, 0, " DBI_SYNC_NOW_MS ");"
	" END;",
	/* 11 -> 12: the user's marks (db_mark.c). Bookmarks are the user's own
	 * chapters (source "user"), in their own table so that a refresh, which
	 * replaces the feed's chapters, never touches them; bookmark_fts
	 * indexes their notes for search (an external-content index, kept by
	 * the triggers below). heard holds the stretches actually played,
	 * merged (heard.h). skip_rule holds a podcast's title patterns and
	 * chapter_skip the per-episode toggles, keyed by the chapter's start
	 * (chapters have no stable id; a refresh that moves a chapter drops
	 * its toggle, which is the safe way round). skip_intro and skip_outro
	 * (NULL: the settings) are seconds a podcast skips at either end. */
	"CREATE TABLE bookmark ("
	"  id INTEGER PRIMARY KEY,"
	"  episode_id INTEGER NOT NULL REFERENCES episode(id) ON DELETE CASCADE,"
	"  at REAL NOT NULL, note TEXT, created INTEGER NOT NULL"
	");"
	"CREATE INDEX bookmark_episode ON bookmark(episode_id, at);"
	"CREATE VIRTUAL TABLE bookmark_fts USING fts5(note, content='bookmark',"
	"  content_rowid='id', tokenize='unicode61 remove_diacritics 2');"
	"CREATE TRIGGER bookmark_fts_insert AFTER INSERT ON bookmark BEGIN"
	"  INSERT INTO bookmark_fts (rowid, note) VALUES (new.id, new.note);"
	" END;"
	"CREATE TRIGGER bookmark_fts_delete AFTER DELETE ON bookmark BEGIN"
	"  INSERT INTO bookmark_fts (bookmark_fts, rowid, note) VALUES ('delete', old.id, old.note);"
	" END;"
	"CREATE TRIGGER bookmark_fts_update AFTER UPDATE OF note ON bookmark BEGIN"
	"  INSERT INTO bookmark_fts (bookmark_fts, rowid, note) VALUES ('delete', old.id, old.note);"
	"  INSERT INTO bookmark_fts (rowid, note) VALUES (new.id, new.note);"
	" END;"
	"CREATE TABLE heard ("
	"  episode_id INTEGER NOT NULL REFERENCES episode(id) ON DELETE CASCADE,"
	"  start REAL NOT NULL, end_time REAL NOT NULL,"
	"  PRIMARY KEY (episode_id, start)"
	") WITHOUT ROWID;"
	"CREATE TABLE skip_rule ("
	"  podcast_id INTEGER NOT NULL REFERENCES podcast(id) ON DELETE CASCADE,"
	"  pattern TEXT NOT NULL,"
	"  PRIMARY KEY (podcast_id, pattern)"
	") WITHOUT ROWID;"
	"CREATE TABLE chapter_skip ("
	"  episode_id INTEGER NOT NULL REFERENCES episode(id) ON DELETE CASCADE,"
	"  start REAL NOT NULL, skip INTEGER NOT NULL,"
	"  PRIMARY KEY (episode_id, start)"
	") WITHOUT ROWID;"
	"ALTER TABLE podcast ADD COLUMN skip_intro REAL;"
	"ALTER TABLE podcast ADD COLUMN skip_outro REAL;",
	/* 12 -> 13: a podcast's own download policies (dlpolicy.h); a NULL
	 * column, or no row, means the setting of the same name applies. */
	"CREATE TABLE download_policy ("
	"  podcast_id INTEGER PRIMARY KEY REFERENCES podcast(id) ON DELETE CASCADE,"
	"  auto_download INTEGER, keep_downloads INTEGER, delete_played_after INTEGER"
	");",
	/* 13 -> 14: a hash of everything db_store_feed writes for an item
	 * (db_item_hash): a refresh of a feed of 5,000 items with one new item
	 * compares hashes and writes one row, not 5,000. NULL (rows stored
	 * before this version) is never equal: such a row is rewritten once. */
	"ALTER TABLE episode ADD COLUMN item_hash INTEGER;",
	/* 14 -> 15: transcripts (db_transcript.c). The feed's transcript URLs
	 * stay in the transcript table (version 1), rewritten by every
	 * refresh; what was fetched is kept apart so a refresh never loses
	 * it. transcript_file is the fetch state of an episode's transcript
	 * (the URL it came from, its validators, when, and the last error);
	 * transcript_segment its segments, with id = episode_id * 65536 + n
	 * so that an episode's segments are one rowid range, in order, and an
	 * index scan in rowid order meets the newest episodes first (as
	 * search_fts). transcript_fts indexes their text; it is external
	 * content, so FTS5 needs the old text to unindex a row: the writer
	 * (db_transcript_store) and the trigger below unindex before they
	 * delete. Not in search_fts: its rowids have no room left. */
	"CREATE TABLE transcript_file ("
	"  episode_id INTEGER PRIMARY KEY REFERENCES episode(id) ON DELETE CASCADE,"
	"  url TEXT NOT NULL, format TEXT, etag TEXT, last_modified TEXT,"
	"  fetched INTEGER NOT NULL, error TEXT"
	");"
	"CREATE TABLE transcript_segment ("
	"  id INTEGER PRIMARY KEY,"
	"  start REAL, end_time REAL, speaker TEXT, text TEXT NOT NULL"
	");"
	"CREATE VIRTUAL TABLE transcript_fts USING fts5(text, content='transcript_segment',"
	"  content_rowid='id', prefix='3 4', tokenize='unicode61 remove_diacritics 2');"
	"INSERT INTO transcript_fts (transcript_fts, rank) VALUES ('automerge', 16);"
	"CREATE TRIGGER episode_transcript_delete AFTER DELETE ON episode BEGIN"
	"  INSERT INTO transcript_fts (transcript_fts, rowid, text)"
	"   SELECT 'delete', id, text FROM transcript_segment"
	"   WHERE id BETWEEN old.id * 65536 AND old.id * 65536 + 65535;"
	"  DELETE FROM transcript_segment"
	"   WHERE id BETWEEN old.id * 65536 AND old.id * 65536 + 65535;"
	" END;",
	/* 15 -> 16: the search index built in the background (db_index.c).
	 * search_pending holds the episodes whose index rows (the episode's
	 * and its chapters') are not in search_fts: a first import stores
	 * its episodes there instead of indexing them, and the indexer moves
	 * them into the index in short transactions. Invariant: an episode's
	 * rows are in search_fts exactly when its id is not in search_pending
	 * (a row for a deleted episode is harmless and dropped by the
	 * indexer). The triggers of version 3 are made to respect it, as the
	 * bulk writers do (db_search.c adds DBI_FTS_NOT_PENDING to their
	 * selections). */
	"CREATE TABLE search_pending (eid INTEGER PRIMARY KEY);"
	"DROP TRIGGER episode_fts_insert;"
	"DROP TRIGGER episode_fts_delete;"
	"DROP TRIGGER episode_fts_update;"
	"DROP TRIGGER chapter_fts_insert;"
	"DROP TRIGGER chapter_fts_delete;"
	"DROP TRIGGER chapter_fts_update;"
	"CREATE TRIGGER episode_fts_insert AFTER INSERT ON episode"
	"  WHEN " DBI_FTS_LIVE " AND " DBI_FTS_NOT_PENDING("new.id") " BEGIN"
	"  INSERT INTO search_fts (rowid, title, notes)"
	"   VALUES (" DBI_FTS_EPISODE_ROWID("new") ", new.title, new.notes_text);"
	" END;"
	"CREATE TRIGGER episode_fts_delete AFTER DELETE ON episode"
	"  WHEN " DBI_FTS_LIVE " AND " DBI_FTS_NOT_PENDING("old.id") " BEGIN"
	"  INSERT INTO search_fts (search_fts, rowid, title, notes)"
	"   VALUES ('delete', " DBI_FTS_EPISODE_ROWID("old") ", old.title, old.notes_text);"
	" END;"
	"CREATE TRIGGER episode_fts_update AFTER UPDATE OF id, title, notes_text ON episode"
	"  WHEN (old.id IS NOT new.id OR old.title IS NOT new.title"
	"   OR old.notes_text IS NOT new.notes_text) AND " DBI_FTS_LIVE " BEGIN"
	"  INSERT INTO search_fts (search_fts, rowid, title, notes)"
	"   SELECT 'delete', " DBI_FTS_EPISODE_ROWID("old") ", old.title, old.notes_text"
	"   WHERE " DBI_FTS_NOT_PENDING("old.id") ";"
	"  INSERT INTO search_fts (rowid, title, notes)"
	"   SELECT " DBI_FTS_EPISODE_ROWID("new") ", new.title, new.notes_text"
	"   WHERE " DBI_FTS_NOT_PENDING("new.id") ";"
	" END;"
	"CREATE TRIGGER chapter_fts_insert AFTER INSERT ON chapter"
	"  WHEN " DBI_FTS_CHAPTER_INDEXED("new") " AND " DBI_FTS_LIVE
	"  AND " DBI_FTS_NOT_PENDING("new.episode_id") " BEGIN"
	"  INSERT INTO search_fts (rowid, title)"
	"   VALUES (" DBI_FTS_CHAPTER_ROWID("new") ", new.title);"
	" END;"
	"CREATE TRIGGER chapter_fts_delete AFTER DELETE ON chapter"
	"  WHEN " DBI_FTS_CHAPTER_INDEXED("old") " AND " DBI_FTS_LIVE
	"  AND " DBI_FTS_NOT_PENDING("old.episode_id") " BEGIN"
	"  INSERT INTO search_fts (search_fts, rowid, title)"
	"   VALUES ('delete', " DBI_FTS_CHAPTER_ROWID("old") ", old.title);"
	" END;"
	"CREATE TRIGGER chapter_fts_update AFTER UPDATE ON chapter WHEN " DBI_FTS_LIVE " BEGIN"
	"  INSERT INTO search_fts (search_fts, rowid, title)"
	"   SELECT 'delete', " DBI_FTS_CHAPTER_ROWID("old") ", old.title"
	"   WHERE " DBI_FTS_CHAPTER_INDEXED("old") " AND " DBI_FTS_NOT_PENDING("old.episode_id") ";"
	"  INSERT INTO search_fts (rowid, title)"
	"   SELECT " DBI_FTS_CHAPTER_ROWID("new") ", new.title"
	"   WHERE " DBI_FTS_CHAPTER_INDEXED("new") " AND " DBI_FTS_NOT_PENDING("new.episode_id") ";"
	" END;",
	/* 16 -> 17: what the notes give, built in the background too
	 * (db_derive.c). A pending episode with raw set has its notes_html
	 * stored but not yet what is derived from them (notes_text, its
	 * links, the chapters found in the notes): a first import stores
	 * its new episodes so, and the indexer derives them just before
	 * indexing them. Readers derive a raw episode in memory. */
	"ALTER TABLE search_pending ADD COLUMN raw INTEGER NOT NULL DEFAULT 0;",
};

#define NMIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

/* The migrations that (re)build the search index, which takes seconds on a
 * big cache: migration i brings the cache to version i + 1. */
static const unsigned char migration_indexes[] = {0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
_Static_assert(sizeof migration_indexes == NMIGRATIONS, "one flag per migration");

/* Below this many episodes an index rebuild takes under a second. */
#define MIGRATE_NOTICE_EPISODES 5000

static void (*migrate_notice)(const char *msg);

void db_set_migrate_notice(void (*fn)(const char *msg))
{
	migrate_notice = fn;
}

/* Tells the user, through the notice hook, before a migration that will
 * take a while. */
static void notice_slow_migration(db *d, int v)
{
	if (!migrate_notice || !migration_indexes[v])
		return;
	sqlite3_stmt *st = dbi_prep(d, "SELECT count(*) FROM episode");
	int64_t n = st && sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	if (n < MIGRATE_NOTICE_EPISODES)
		return;
	char *msg = xasprintf("upgrading the cache to version %d: indexing %lld episodes "
			      "for search (once; this takes a few seconds)",
			      v + 1, (long long)n);
	migrate_notice(msg);
	free(msg);
}

/* The code below and DB_SCHEMA_VERSION must move together. */
_Static_assert(NMIGRATIONS == DB_SCHEMA_VERSION, "one migration per schema version");

int db_schema_version(db *d)
{
	sqlite3_stmt *st = dbi_prep(d, "PRAGMA user_version");
	if (!st)
		return -1;
	int v = -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	else
		dbi_fail(d, "schema version");
	sqlite3_finalize(st);
	return v;
}

/* The cache's schema version into *v: 0 with 0 <= *v <= NMIGRATIONS, or
 * -1 (error recorded) when it cannot be read or is newer than this podcue. */
static int read_version(db *d, int *v)
{
	*v = db_schema_version(d);
	if (*v < 0) {
		char *msg = xasprintf("cannot read the cache schema version: %s", db_errmsg(d));
		free(d->err);
		d->err = msg;
		return -1;
	}
	if (*v > NMIGRATIONS) {
		free(d->err);
		d->err = xasprintf("cache schema version %d is newer than this podcue "
				   "understands (%d)", *v, NMIGRATIONS);
		return -1;
	}
	return 0;
}

/* Applies migrations[v] in a transaction of its own. Returns the version
 * the cache is at afterwards (v + 1, or what another process migrated it
 * to meanwhile), -1 on error. */
static int migrate_step(db *d, int v)
{
	if (db_begin(d) != 0)
		return -1;
	/* Re-read inside the write lock: another process may have just
	 * migrated. */
	int cur;
	if (read_version(d, &cur) != 0) {
		db_rollback(d);
		return -1;
	}
	if (cur != v) {
		db_rollback(d);
		return cur;
	}
	notice_slow_migration(d, v);
	char pragma[64];
	snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
	if (dbi_exec(d, migrations[v]) != 0 || dbi_exec(d, pragma) != 0) {
		char *msg = xasprintf("migrating cache to version %d: %s", v + 1,
				      d->err ? d->err : "?");
		db_rollback(d);
		free(d->err);
		d->err = msg;
		return -1;
	}
	return db_commit(d) == 0 ? v + 1 : -1;
}

/* See db_int.h. */
int dbi_migrate(db *d, int target)
{
	int v;
	if (read_version(d, &v) != 0)
		return -1;
	while (v >= 0 && v < target)
		v = migrate_step(d, v);
	return v < 0 ? -1 : 0;
}
