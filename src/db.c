/*
 * db.c - the SQLite cache (see db.h): opening, schema migrations,
 * transactions, the statement helpers of db_int.h, and podcasts.
 *
 * The module is split by subject; every SQL statement of podcue lives in
 * one of these files:
 *   db.c          open/close, migrations, transactions, helpers, podcasts
 *   db_episode.c  storing a parsed feed, episodes (lists, pages, counts),
 *                 links, transcripts, position and played state
 *   db_chapter.c  chapters, chapter-file jobs, embedded chapters
 *   db_search.c   full-text search (FTS5) over titles, notes and chapters
 */
#include "db.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
};

#define NMIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

/* The migrations that (re)build the search index, which takes seconds on a
 * big cache: migration i brings the cache to version i + 1. */
static const unsigned char migration_indexes[] = {0, 0, 1, 1};
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

int dbi_fail(db *d, const char *what)
{
	free(d->err);
	d->err = xasprintf("%s: %s", what, sqlite3_errmsg(d->h));
	return -1;
}

const char *db_errmsg(db *d)
{
	return d->err ? d->err : sqlite3_errmsg(d->h);
}

int dbi_exec(db *d, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(d->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
		free(d->err);
		d->err = xstrdup(msg ? msg : sqlite3_errmsg(d->h));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* Prepares a statement; prepared statements are not cached across calls,
 * which keeps the module simple. Hot paths (db_store_feed) reuse their
 * statements across items. */
sqlite3_stmt *dbi_prep(db *d, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(d->h, sql, -1, &st, NULL) != SQLITE_OK) {
		dbi_fail(d, "prepare");
		return NULL;
	}
	return st;
}

int dbi_run(db *d, sqlite3_stmt *st, const char *what)
{
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return dbi_fail(d, what);
	return 0;
}

int dbi_step_reset(db *d, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return dbi_fail(d, what);
	return 0;
}

int dbi_collect_rows(db *d, sqlite3_stmt *st, size_t elem_size,
		     void (*fill)(sqlite3_stmt *st, void *elem),
		     void (*release)(void *v, size_t n), void **out, size_t *n,
		     const char *what)
{
	size_t cap = 0;
	char *v = NULL;
	*n = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			v = xrealloc(v, cap * elem_size);
		}
		fill(st, v + (*n)++ * elem_size);
	}
	sqlite3_finalize(st);
	*out = v;
	if (rc != SQLITE_DONE) {
		release(v, *n);
		*out = NULL;
		*n = 0;
		return dbi_fail(d, what);
	}
	return 0;
}

int db_schema_version(db *d)
{
	sqlite3_stmt *st = dbi_prep(d, "PRAGMA user_version");
	int v = -1;
	if (st && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Applies the migrations that bring the cache up to version `target`. */
static int migrate(db *d, int target)
{
	int v = db_schema_version(d);
	if (v < 0)
		return -1;
	if (v > NMIGRATIONS) {
		free(d->err);
		d->err = xasprintf("cache schema version %d is newer than this podcue "
				   "understands (%d)", v, NMIGRATIONS);
		return -1;
	}
	while (v < target) {
		if (db_begin(d) != 0)
			return -1;
		/* Re-read inside the write lock: another process may have just
		 * migrated. */
		int cur = db_schema_version(d);
		if (cur != v) {
			db_rollback(d);
			v = cur;
			continue;
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
		if (db_commit(d) != 0)
			return -1;
		v++;
	}
	return 0;
}

int dbi_open_at_version(const char *path, int version, db **out, char **err)
{
	db *d = xcalloc(1, sizeof *d);
	int rc = sqlite3_open_v2(path, &d->h,
				 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
					 SQLITE_OPEN_NOMUTEX,
				 NULL);
	if (rc != SQLITE_OK) {
		*err = xasprintf("cannot open cache %s: %s", path,
				 d->h ? sqlite3_errmsg(d->h) : sqlite3_errstr(rc));
		sqlite3_close(d->h);
		free(d);
		return -1;
	}
	sqlite3_busy_timeout(d->h, 10000);
	sqlite3_extended_result_codes(d->h, 1);
	if (dbi_exec(d, "PRAGMA journal_mode=WAL") != 0 ||
	    dbi_exec(d, "PRAGMA foreign_keys=ON") != 0 ||
	    dbi_exec(d, "PRAGMA synchronous=NORMAL") != 0 || migrate(d, version) != 0) {
		*err = xasprintf("cannot use cache %s: %s", path, db_errmsg(d));
		db_close(d);
		return -1;
	}
	*out = d;
	return 0;
}

int db_open(const char *path, db **out, char **err)
{
	return dbi_open_at_version(path, NMIGRATIONS, out, err);
}

void db_close(db *d)
{
	if (!d)
		return;
	sqlite3_close(d->h);
	free(d->err);
	free(d);
}

int db_begin(db *d)
{
	return dbi_exec(d, "BEGIN IMMEDIATE");
}

int db_commit(db *d)
{
	return dbi_exec(d, "COMMIT");
}

void db_rollback(db *d)
{
	if (!sqlite3_get_autocommit(d->h))
		sqlite3_exec(d->h, "ROLLBACK", NULL, NULL, NULL);
}

int dbi_txn_begin(db *d, int *own)
{
	*own = sqlite3_get_autocommit(d->h);
	return *own ? db_begin(d) : 0;
}

int dbi_txn_end(db *d, int own, int rc)
{
	if (!own)
		return rc;
	if (rc == 0)
		return db_commit(d);
	db_rollback(d);
	return rc;
}

/* --- the search index in bulk (see dbi_search_defer in db_int.h) ------ */

int dbi_search_defer(db *d)
{
	return dbi_exec(d, "INSERT OR IGNORE INTO search_defer VALUES (1)");
}

int dbi_search_resume(db *d)
{
	return dbi_exec(d, "DELETE FROM search_defer");
}

/* Runs the statement in q (freed) with ?1 = a and, when it has one, ?2 = b:
 * the WHERE clauses of the reindexing queries take one or two parameters. */
static int run_ab(db *d, sbuf *q, int64_t a, const char *b, const char *what)
{
	sqlite3_stmt *st = dbi_prep(d, q->s);
	sb_free(q);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, a);
	if (sqlite3_bind_parameter_count(st) >= 2)
		dbi_bind_text(st, 2, b);
	return dbi_run(d, st, what);
}

static int reindex_one(db *d, int add, const char *cols, const char *where, const char *order,
		       int64_t a, const char *b)
{
	if (strcmp(where, "0") == 0)
		return 0;
	sbuf q = SBUF_INIT;
	sb_puts(&q, add ? "INSERT INTO search_fts (rowid, title, notes) SELECT "
			: "INSERT INTO search_fts (search_fts, rowid, title, notes)"
			  " SELECT 'delete', ");
	sb_puts(&q, cols);
	sb_puts(&q, where);
	sb_puts(&q, order);
	return run_ab(d, &q, a, b, add ? "index for search" : "unindex for search");
}

int dbi_search_reindex(db *d, int add, const char *ep_where, const char *ch_where, int64_t a,
		       const char *b)
{
	if (reindex_one(d, add, DBI_FTS_EPISODE_COLS, ep_where, DBI_FTS_EPISODE_ORDER, a, b) != 0)
		return -1;
	return reindex_one(d, add, DBI_FTS_CHAPTER_COLS, ch_where, DBI_FTS_CHAPTER_ORDER, a, b);
}

/* Copies the index rows selected by where into the temp table `into`. */
static int copy_rows(db *d, const char *into, const char *cols, const char *where, int64_t a,
		     const char *b)
{
	if (strcmp(where, "0") == 0)
		return 0;
	sbuf q = SBUF_INIT;
	sb_printf(&q, "INSERT INTO temp.%s (rid, title, notes) SELECT ", into);
	sb_puts(&q, cols);
	sb_puts(&q, where);
	return run_ab(d, &q, a, b, "note search rows");
}

static int copy_selected(db *d, const char *into, const char *ep_where, const char *ch_where,
			 int64_t a, const char *b)
{
	if (copy_rows(d, into, DBI_FTS_EPISODE_COLS, ep_where, a, b) != 0)
		return -1;
	return copy_rows(d, into, DBI_FTS_CHAPTER_COLS, ch_where, a, b);
}

/* The rows of the connection's temp tables fts_old (the index rows before
 * the writes) and fts_new (after) that differ: to unindex, to index. */
#define FTS_CHANGED(x, y)                                                                \
	" FROM temp." x " LEFT JOIN temp." y " ON " y ".rid = " x ".rid WHERE " y ".rid IS NULL" \
	" OR " y ".title IS NOT " x ".title OR " y ".notes IS NOT " x ".notes ORDER BY " x ".rid"

int dbi_search_snapshot(db *d, const char *ep_where, const char *ch_where, int64_t a,
			const char *b)
{
	if (dbi_exec(d, "CREATE TEMP TABLE IF NOT EXISTS fts_old"
			" (rid INTEGER PRIMARY KEY, title TEXT, notes TEXT);"
			"CREATE TEMP TABLE IF NOT EXISTS fts_new"
			" (rid INTEGER PRIMARY KEY, title TEXT, notes TEXT);"
			"DELETE FROM temp.fts_old; DELETE FROM temp.fts_new;") != 0)
		return -1;
	return copy_selected(d, "fts_old", ep_where, ch_where, a, b);
}

int dbi_search_apply(db *d, const char *ep_where, const char *ch_where, int64_t a,
		     const char *b)
{
	if (copy_selected(d, "fts_new", ep_where, ch_where, a, b) != 0)
		return -1;
	return dbi_exec(d,
		"INSERT INTO search_fts (search_fts, rowid, title, notes)"
		" SELECT 'delete', fts_old.rid, fts_old.title, fts_old.notes"
		FTS_CHANGED("fts_old", "fts_new") ";"
		"INSERT INTO search_fts (rowid, title, notes)"
		" SELECT fts_new.rid, fts_new.title, fts_new.notes"
		FTS_CHANGED("fts_new", "fts_old") ";"
		"DELETE FROM temp.fts_old; DELETE FROM temp.fts_new;");
}

/* --- podcasts --------------------------------------------------------- */

#define PODCAST_COLS                                                         \
	"p.id, p.url, p.title, p.link, p.description, p.author, p.image,"   \
	" p.etag, p.last_modified, p.last_error, p.last_refresh,"           \
	" p.is_local, p.content_hash,"                                      \
	" p.n_episodes, p.n_unplayed"

static void podcast_from_row(sqlite3_stmt *st, db_podcast *p)
{
	memset(p, 0, sizeof *p);
	p->id = sqlite3_column_int64(st, 0);
	p->url = dbi_col_text(st, 1);
	p->title = dbi_col_text(st, 2);
	p->link = dbi_col_text(st, 3);
	p->description = dbi_col_text(st, 4);
	p->author = dbi_col_text(st, 5);
	p->image = dbi_col_text(st, 6);
	p->etag = dbi_col_text(st, 7);
	p->last_modified = dbi_col_text(st, 8);
	p->last_error = dbi_col_text(st, 9);
	p->last_refresh = sqlite3_column_int64(st, 10);
	p->is_local = sqlite3_column_int(st, 11);
	p->content_hash = (uint64_t)sqlite3_column_int64(st, 12);
	p->episodes = sqlite3_column_int64(st, 13);
	p->unplayed = sqlite3_column_int64(st, 14);
}

void db_podcast_free(db_podcast *p)
{
	if (!p)
		return;
	free(p->url);
	free(p->title);
	free(p->link);
	free(p->description);
	free(p->author);
	free(p->image);
	free(p->etag);
	free(p->last_modified);
	free(p->last_error);
	memset(p, 0, sizeof *p);
}

void db_podcast_list_free(db_podcast *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		db_podcast_free(&v[i]);
	free(v);
}

static void fill_podcast(sqlite3_stmt *st, void *p)
{
	podcast_from_row(st, p);
}

static void release_podcasts(void *v, size_t n)
{
	db_podcast_list_free(v, n);
}

static int podcast_query_one(db *d, sqlite3_stmt *st, db_podcast *out)
{
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		podcast_from_row(st, out);
		sqlite3_finalize(st);
		return 0;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 1 : dbi_fail(d, "podcast lookup");
}

int db_podcast_get(db *d, int64_t id, db_podcast *out)
{
	sqlite3_stmt *st = dbi_prep(d, "SELECT " PODCAST_COLS " FROM podcast p WHERE p.id = ?");
	if (st)
		sqlite3_bind_int64(st, 1, id);
	return podcast_query_one(d, st, out);
}

static int parse_id(const char *s, int64_t *id)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v <= 0)
		return 0;
	*id = v;
	return 1;
}

int db_podcast_find(db *d, const char *id_or_url, db_podcast *out)
{
	int64_t id;
	if (parse_id(id_or_url, &id))
		return db_podcast_get(d, id, out);
	sqlite3_stmt *st = dbi_prep(d,
		"SELECT " PODCAST_COLS " FROM podcast p WHERE p.url = ?1"
		" OR p.id = (SELECT podcast_id FROM podcast_alias WHERE url = ?1)");
	if (st)
		dbi_bind_text(st, 1, id_or_url);
	return podcast_query_one(d, st, out);
}

int db_podcast_add(db *d, const char *url, int is_local, int64_t *id, int *existed)
{
	db_podcast p;
	int rc = db_podcast_find(d, url, &p);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		*id = p.id;
		*existed = 1;
		db_podcast_free(&p);
		return 0;
	}
	sqlite3_stmt *st = dbi_prep(d, "INSERT INTO podcast (url, is_local, added)"
				       " VALUES (?, ?, ?)");
	if (!st)
		return -1;
	dbi_bind_text(st, 1, url);
	sqlite3_bind_int(st, 2, is_local);
	sqlite3_bind_int64(st, 3, now_s());
	if (dbi_run(d, st, "subscribe") != 0)
		return -1;
	*id = sqlite3_last_insert_rowid(d->h);
	*existed = 0;
	return 0;
}

int db_podcast_list(db *d, db_podcast **out, size_t *n)
{
	sqlite3_stmt *st = dbi_prep(d, "SELECT " PODCAST_COLS " FROM podcast p"
				   " ORDER BY coalesce(p.title, p.url) COLLATE NOCASE, p.id");
	if (!st)
		return -1;
	void *v;
	int rc = dbi_collect_rows(d, st, sizeof **out, fill_podcast, release_podcasts, &v, n,
				  "list podcasts");
	*out = v;
	return rc;
}

int db_podcast_remove(db *d, int64_t id)
{
	sqlite3_stmt *st = dbi_prep(d, "DELETE FROM podcast WHERE id = ?");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (dbi_run(d, st, "remove podcast") != 0)
		return -1;
	return sqlite3_changes(d->h) ? 0 : 1;
}

int db_podcast_set_error(db *d, int64_t id, const char *err)
{
	sqlite3_stmt *st = dbi_prep(d, "UPDATE podcast SET last_error = ? WHERE id = ?");
	if (!st)
		return -1;
	dbi_bind_text(st, 1, err);
	sqlite3_bind_int64(st, 2, id);
	return dbi_run(d, st, "record feed error");
}

int db_podcast_touch(db *d, int64_t id, int64_t when)
{
	sqlite3_stmt *st = dbi_prep(d, "UPDATE podcast SET last_refresh = ?, last_error = NULL"
				       " WHERE id = ?");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, when);
	sqlite3_bind_int64(st, 2, id);
	return dbi_run(d, st, "record feed check");
}

int db_podcast_set_title(db *d, int64_t id, const char *title)
{
	if (str_blank(title))
		return 0;
	sqlite3_stmt *st = dbi_prep(d, "UPDATE podcast SET title = ?"
				       " WHERE id = ? AND coalesce(title, '') = ''");
	if (!st)
		return -1;
	dbi_bind_text(st, 1, title);
	sqlite3_bind_int64(st, 2, id);
	return dbi_run(d, st, "name podcast");
}

int db_podcast_set_url(db *d, int64_t id, const char *new_url)
{
	sqlite3_stmt *st = dbi_prep(d, "INSERT OR REPLACE INTO podcast_alias (url, podcast_id)"
				   " SELECT url, id FROM podcast WHERE id = ?");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (dbi_run(d, st, "keep old feed URL") != 0)
		return -1;
	/* The new URL may itself be a former alias, or (rarely) another
	 * subscription: an alias is simply dropped; a clash is an error. */
	st = dbi_prep(d, "DELETE FROM podcast_alias WHERE url = ?");
	if (!st)
		return -1;
	dbi_bind_text(st, 1, new_url);
	if (dbi_run(d, st, "update aliases") != 0)
		return -1;
	st = dbi_prep(d, "UPDATE podcast SET url = ? WHERE id = ?");
	if (!st)
		return -1;
	dbi_bind_text(st, 1, new_url);
	sqlite3_bind_int64(st, 2, id);
	return dbi_run(d, st, "move feed URL");
}

