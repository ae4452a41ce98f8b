/*
 * db.c - the SQLite cache (see db.h). Every SQL statement of podcue is here.
 */
#include "db.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "util.h"

struct db {
	sqlite3 *h;
	char *err; /* last error message, owned */
};

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
};

#define NMIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

static int fail(db *d, const char *what)
{
	free(d->err);
	d->err = xasprintf("%s: %s", what, sqlite3_errmsg(d->h));
	return -1;
}

const char *db_errmsg(db *d)
{
	return d->err ? d->err : sqlite3_errmsg(d->h);
}

static int exec(db *d, const char *sql)
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

/* Prepares a statement; prepared statements are cached by SQLite's own
 * statement cache only per call here, which keeps db.c simple. Hot paths
 * (db_store_feed) reuse their statements across items. */
static sqlite3_stmt *prep(db *d, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(d->h, sql, -1, &st, NULL) != SQLITE_OK) {
		fail(d, "prepare");
		return NULL;
	}
	return st;
}

int db_schema_version(db *d)
{
	sqlite3_stmt *st = prep(d, "PRAGMA user_version");
	int v = -1;
	if (st && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int migrate(db *d)
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
	while (v < NMIGRATIONS) {
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
		char pragma[64];
		snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
		if (exec(d, migrations[v]) != 0 || exec(d, pragma) != 0) {
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

int db_open(const char *path, db **out, char **err)
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
	if (exec(d, "PRAGMA journal_mode=WAL") != 0 ||
	    exec(d, "PRAGMA foreign_keys=ON") != 0 ||
	    exec(d, "PRAGMA synchronous=NORMAL") != 0 || migrate(d) != 0) {
		*err = xasprintf("cannot use cache %s: %s", path, db_errmsg(d));
		db_close(d);
		return -1;
	}
	*out = d;
	return 0;
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
	return exec(d, "BEGIN IMMEDIATE");
}

int db_commit(db *d)
{
	return exec(d, "COMMIT");
}

void db_rollback(db *d)
{
	if (!sqlite3_get_autocommit(d->h))
		sqlite3_exec(d->h, "ROLLBACK", NULL, NULL, NULL);
}

/* --- binding and column helpers ------------------------------------- */

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static void bind_opt_double(sqlite3_stmt *st, int i, double v)
{
	if (v >= 0)
		sqlite3_bind_double(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

static void bind_opt_int(sqlite3_stmt *st, int i, int64_t v, int present)
{
	if (present)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

static char *col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? xstrdup((const char *)s) : NULL;
}

static double col_opt_double(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? -1.0
							 : sqlite3_column_double(st, i);
}

/* Runs a statement expected to return no rows. Finalizes it. */
static int run(db *d, sqlite3_stmt *st, const char *what)
{
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return fail(d, what);
	return 0;
}

/* Steps st to its end, appending one elem_size element per row, filled by
 * fill(); finalizes st. The list is returned in *out / *n (NULL / 0 when
 * empty). On a step error what was collected is released with release()
 * and -1 returned. Every list-returning function goes through here. */
static int collect_rows(db *d, sqlite3_stmt *st, size_t elem_size,
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
		return fail(d, what);
	}
	return 0;
}

/* --- podcasts --------------------------------------------------------- */

#define PODCAST_COLS                                                         \
	"p.id, p.url, p.title, p.link, p.description, p.author, p.image,"   \
	" p.etag, p.last_modified, p.last_error, p.last_refresh,"           \
	" p.is_local, p.content_hash,"                                      \
	" (SELECT count(*) FROM episode e WHERE e.podcast_id = p.id),"      \
	" (SELECT count(*) FROM episode e WHERE e.podcast_id = p.id AND NOT e.played)"

static void podcast_from_row(sqlite3_stmt *st, db_podcast *p)
{
	memset(p, 0, sizeof *p);
	p->id = sqlite3_column_int64(st, 0);
	p->url = col_text(st, 1);
	p->title = col_text(st, 2);
	p->link = col_text(st, 3);
	p->description = col_text(st, 4);
	p->author = col_text(st, 5);
	p->image = col_text(st, 6);
	p->etag = col_text(st, 7);
	p->last_modified = col_text(st, 8);
	p->last_error = col_text(st, 9);
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
	return rc == SQLITE_DONE ? 1 : fail(d, "podcast lookup");
}

int db_podcast_get(db *d, int64_t id, db_podcast *out)
{
	sqlite3_stmt *st = prep(d, "SELECT " PODCAST_COLS " FROM podcast p WHERE p.id = ?");
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
	sqlite3_stmt *st = prep(d,
		"SELECT " PODCAST_COLS " FROM podcast p WHERE p.url = ?1"
		" OR p.id = (SELECT podcast_id FROM podcast_alias WHERE url = ?1)");
	if (st)
		bind_text(st, 1, id_or_url);
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
	sqlite3_stmt *st = prep(d, "INSERT INTO podcast (url, is_local, added) VALUES (?, ?, ?)");
	if (!st)
		return -1;
	bind_text(st, 1, url);
	sqlite3_bind_int(st, 2, is_local);
	sqlite3_bind_int64(st, 3, now_s());
	if (run(d, st, "subscribe") != 0)
		return -1;
	*id = sqlite3_last_insert_rowid(d->h);
	*existed = 0;
	return 0;
}

int db_podcast_list(db *d, db_podcast **out, size_t *n)
{
	sqlite3_stmt *st = prep(d, "SELECT " PODCAST_COLS " FROM podcast p"
				   " ORDER BY coalesce(p.title, p.url) COLLATE NOCASE, p.id");
	if (!st)
		return -1;
	void *v;
	int rc = collect_rows(d, st, sizeof **out, fill_podcast, release_podcasts, &v, n,
			      "list podcasts");
	*out = v;
	return rc;
}

int db_podcast_remove(db *d, int64_t id)
{
	sqlite3_stmt *st = prep(d, "DELETE FROM podcast WHERE id = ?");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (run(d, st, "remove podcast") != 0)
		return -1;
	return sqlite3_changes(d->h) ? 0 : 1;
}

int db_podcast_set_error(db *d, int64_t id, const char *err, int64_t when)
{
	sqlite3_stmt *st = prep(d, "UPDATE podcast SET last_error = ?, last_refresh = ? WHERE id = ?");
	if (!st)
		return -1;
	bind_text(st, 1, err);
	sqlite3_bind_int64(st, 2, when);
	sqlite3_bind_int64(st, 3, id);
	return run(d, st, "record feed error");
}

int db_podcast_touch(db *d, int64_t id, int64_t when)
{
	sqlite3_stmt *st = prep(d, "UPDATE podcast SET last_refresh = ?, last_error = NULL WHERE id = ?");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, when);
	sqlite3_bind_int64(st, 2, id);
	return run(d, st, "record feed check");
}

int db_podcast_set_url(db *d, int64_t id, const char *new_url)
{
	sqlite3_stmt *st = prep(d, "INSERT OR REPLACE INTO podcast_alias (url, podcast_id)"
				   " SELECT url, id FROM podcast WHERE id = ?");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (run(d, st, "keep old feed URL") != 0)
		return -1;
	/* The new URL may itself be a former alias, or (rarely) another
	 * subscription: an alias is simply dropped; a clash is an error. */
	st = prep(d, "DELETE FROM podcast_alias WHERE url = ?");
	if (!st)
		return -1;
	bind_text(st, 1, new_url);
	if (run(d, st, "update aliases") != 0)
		return -1;
	st = prep(d, "UPDATE podcast SET url = ? WHERE id = ?");
	if (!st)
		return -1;
	bind_text(st, 1, new_url);
	sqlite3_bind_int64(st, 2, id);
	return run(d, st, "move feed URL");
}

/* --- storing a parsed feed ------------------------------------------- */

/* The statements db_store_feed reuses for every item. */
struct store_stmts {
	sqlite3_stmt *find, *upsert, *del_links, *add_link, *del_tr, *add_tr;
	sqlite3_stmt *del_ch, *add_ch;
};

static void store_stmts_free(struct store_stmts *s)
{
	sqlite3_finalize(s->find);
	sqlite3_finalize(s->upsert);
	sqlite3_finalize(s->del_links);
	sqlite3_finalize(s->add_link);
	sqlite3_finalize(s->del_tr);
	sqlite3_finalize(s->add_tr);
	sqlite3_finalize(s->del_ch);
	sqlite3_finalize(s->add_ch);
}

static int store_stmts_init(db *d, struct store_stmts *s)
{
	memset(s, 0, sizeof *s);
	s->find = prep(d, "SELECT id FROM episode WHERE podcast_id = ? AND key = ?");
	s->upsert = prep(d,
		"INSERT INTO episode (podcast_id, key, guid, title, link, author,"
		" published, duration, enclosure_url, enclosure_type, enclosure_length,"
		" notes_html, notes_text, image, season, episode, episode_type,"
		" chapters_url, chapters_type, feed_order, first_seen)"
		" VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21)"
		" ON CONFLICT (podcast_id, key) DO UPDATE SET"
		" guid=excluded.guid, title=excluded.title, link=excluded.link,"
		" author=excluded.author, published=excluded.published,"
		" duration=excluded.duration, enclosure_url=excluded.enclosure_url,"
		" enclosure_type=excluded.enclosure_type,"
		" enclosure_length=excluded.enclosure_length,"
		" notes_html=excluded.notes_html, notes_text=excluded.notes_text,"
		" image=excluded.image, season=excluded.season, episode=excluded.episode,"
		" episode_type=excluded.episode_type, chapters_url=excluded.chapters_url,"
		" chapters_fetched = CASE WHEN chapters_url IS excluded.chapters_url"
		"   THEN chapters_fetched END,"
		" chapters_type=excluded.chapters_type, feed_order=excluded.feed_order"
		" RETURNING id");
	s->del_links = prep(d, "DELETE FROM episode_link WHERE episode_id = ?");
	s->add_link = prep(d, "INSERT INTO episode_link (episode_id, n, url) VALUES (?, ?, ?)");
	s->del_tr = prep(d, "DELETE FROM transcript WHERE episode_id = ?");
	s->add_tr = prep(d, "INSERT INTO transcript (episode_id, n, url, type, language, rel)"
			    " VALUES (?, ?, ?, ?, ?, ?)");
	s->del_ch = prep(d, "DELETE FROM chapter WHERE episode_id = ? AND source = ?");
	s->add_ch = prep(d, "INSERT INTO chapter (episode_id, source, n, start, end_time,"
			    " title, url, img, hidden) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (!s->find || !s->upsert || !s->del_links || !s->add_link || !s->del_tr ||
	    !s->add_tr || !s->del_ch || !s->add_ch) {
		store_stmts_free(s);
		return -1;
	}
	return 0;
}

/* Steps a reusable statement and resets it. */
static int step_reset(db *d, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return fail(d, what);
	return 0;
}

static int store_chapters(db *d, struct store_stmts *s, int64_t ep, int source,
			  const chapter_list *l)
{
	sqlite3_bind_int64(s->del_ch, 1, ep);
	sqlite3_bind_text(s->del_ch, 2, chapter_source_name(source), -1, SQLITE_STATIC);
	if (step_reset(d, s->del_ch, "replace chapters") != 0)
		return -1;
	for (size_t i = 0; l && i < l->n; i++) {
		const chapter *c = &l->v[i];
		sqlite3_bind_int64(s->add_ch, 1, ep);
		sqlite3_bind_text(s->add_ch, 2, chapter_source_name(source), -1, SQLITE_STATIC);
		sqlite3_bind_int64(s->add_ch, 3, (int64_t)i);
		sqlite3_bind_double(s->add_ch, 4, c->start);
		bind_opt_double(s->add_ch, 5, c->end);
		bind_text(s->add_ch, 6, c->title);
		bind_text(s->add_ch, 7, c->url);
		bind_text(s->add_ch, 8, c->img);
		sqlite3_bind_int(s->add_ch, 9, c->hidden);
		if (step_reset(d, s->add_ch, "store chapter") != 0)
			return -1;
	}
	return 0;
}

static int store_item_children(db *d, struct store_stmts *s, int64_t ep,
			       const feed_item *it, const db_item_extra *x)
{
	sqlite3_bind_int64(s->del_links, 1, ep);
	if (step_reset(d, s->del_links, "replace links") != 0)
		return -1;
	for (size_t i = 0; x && i < x->nlinks; i++) {
		sqlite3_bind_int64(s->add_link, 1, ep);
		sqlite3_bind_int64(s->add_link, 2, (int64_t)i + 1);
		bind_text(s->add_link, 3, x->links[i]);
		if (step_reset(d, s->add_link, "store link") != 0)
			return -1;
	}
	sqlite3_bind_int64(s->del_tr, 1, ep);
	if (step_reset(d, s->del_tr, "replace transcripts") != 0)
		return -1;
	for (size_t i = 0; i < it->ntranscripts; i++) {
		const feed_transcript *t = &it->transcripts[i];
		sqlite3_bind_int64(s->add_tr, 1, ep);
		sqlite3_bind_int64(s->add_tr, 2, (int64_t)i + 1);
		bind_text(s->add_tr, 3, t->url);
		bind_text(s->add_tr, 4, t->type);
		bind_text(s->add_tr, 5, t->language);
		bind_text(s->add_tr, 6, t->rel);
		if (step_reset(d, s->add_tr, "store transcript") != 0)
			return -1;
	}
	if (store_chapters(d, s, ep, CHAP_SRC_PSC, &it->psc) != 0)
		return -1;
	return store_chapters(d, s, ep, CHAP_SRC_NOTES, x ? x->notes_chapters : NULL);
}

static int store_item(db *d, struct store_stmts *s, int64_t pid, const feed_item *it,
		      const db_item_extra *x, int64_t when, db_store_stats *stats)
{
	sqlite3_bind_int64(s->find, 1, pid);
	bind_text(s->find, 2, it->key);
	int exists = sqlite3_step(s->find) == SQLITE_ROW;
	sqlite3_reset(s->find);
	sqlite3_clear_bindings(s->find);

	sqlite3_stmt *u = s->upsert;
	sqlite3_bind_int64(u, 1, pid);
	bind_text(u, 2, it->key);
	bind_text(u, 3, it->guid);
	bind_text(u, 4, it->title);
	bind_text(u, 5, it->link);
	bind_text(u, 6, it->author);
	bind_opt_int(u, 7, it->published, it->has_published);
	bind_opt_double(u, 8, it->duration);
	bind_text(u, 9, it->enclosure_url);
	bind_text(u, 10, it->enclosure_type);
	bind_opt_int(u, 11, it->enclosure_length, it->enclosure_length >= 0);
	bind_text(u, 12, it->notes);
	bind_text(u, 13, x ? x->notes_text : NULL);
	bind_text(u, 14, it->image);
	bind_opt_int(u, 15, it->season, it->season > 0);
	bind_opt_int(u, 16, it->episode, it->episode > 0);
	bind_text(u, 17, it->episode_type);
	bind_text(u, 18, it->chapters_url);
	bind_text(u, 19, it->chapters_type);
	sqlite3_bind_int(u, 20, it->feed_order);
	sqlite3_bind_int64(u, 21, when);
	int rc = sqlite3_step(u);
	int64_t ep = rc == SQLITE_ROW ? sqlite3_column_int64(u, 0) : 0;
	if (rc == SQLITE_ROW)
		rc = sqlite3_step(u);
	sqlite3_reset(u);
	sqlite3_clear_bindings(u);
	if (rc != SQLITE_DONE || !ep)
		return fail(d, "store episode");
	if (exists)
		stats->updated++;
	else
		stats->added++;
	return store_item_children(d, s, ep, it, x);
}

int db_store_feed(db *d, int64_t id, const feed *f, const db_item_extra *extra,
		  const char *etag, const char *last_modified, uint64_t content_hash,
		  int64_t when, db_store_stats *stats)
{
	memset(stats, 0, sizeof *stats);
	sqlite3_stmt *st = prep(d,
		"UPDATE podcast SET title = coalesce(?1, title), link = ?2, description = ?3,"
		" author = ?4, image = ?5, language = ?6, podcast_guid = ?7, etag = ?8,"
		" last_modified = ?9, content_hash = ?10, last_refresh = ?11, last_error = NULL"
		" WHERE id = ?12");
	if (!st)
		return -1;
	bind_text(st, 1, f->title);
	bind_text(st, 2, f->link);
	bind_text(st, 3, f->description);
	bind_text(st, 4, f->author);
	bind_text(st, 5, f->image);
	bind_text(st, 6, f->language);
	bind_text(st, 7, f->podcast_guid);
	bind_text(st, 8, etag);
	bind_text(st, 9, last_modified);
	sqlite3_bind_int64(st, 10, (sqlite3_int64)content_hash);
	sqlite3_bind_int64(st, 11, when);
	sqlite3_bind_int64(st, 12, id);
	if (run(d, st, "store podcast") != 0)
		return -1;

	struct store_stmts s;
	if (store_stmts_init(d, &s) != 0)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < f->nitems && rc == 0; i++)
		rc = store_item(d, &s, id, &f->items[i], extra ? &extra[i] : NULL, when, stats);
	store_stmts_free(&s);
	return rc;
}

/* --- episodes --------------------------------------------------------- */

#define EPISODE_COLS                                                         \
	"e.id, e.podcast_id, p.title, e.key, e.guid, e.title, e.link, e.author," \
	" e.published, e.duration, e.enclosure_url, e.enclosure_type,"       \
	" e.enclosure_length, e.image, e.season, e.episode, e.episode_type," \
	" e.chapters_url, e.chapters_type, e.played, e.position"

static void episode_from_row(sqlite3_stmt *st, db_episode *e)
{
	memset(e, 0, sizeof *e);
	e->id = sqlite3_column_int64(st, 0);
	e->podcast_id = sqlite3_column_int64(st, 1);
	e->podcast_title = col_text(st, 2);
	e->key = col_text(st, 3);
	e->guid = col_text(st, 4);
	e->title = col_text(st, 5);
	e->link = col_text(st, 6);
	e->author = col_text(st, 7);
	e->has_published = sqlite3_column_type(st, 8) != SQLITE_NULL;
	e->published = sqlite3_column_int64(st, 8);
	e->duration = col_opt_double(st, 9);
	e->enclosure_url = col_text(st, 10);
	e->enclosure_type = col_text(st, 11);
	e->enclosure_length = sqlite3_column_type(st, 12) == SQLITE_NULL
				      ? -1
				      : sqlite3_column_int64(st, 12);
	e->image = col_text(st, 13);
	e->season = sqlite3_column_int(st, 14);
	e->episode = sqlite3_column_int(st, 15);
	e->episode_type = col_text(st, 16);
	e->chapters_url = col_text(st, 17);
	e->chapters_type = col_text(st, 18);
	e->played = sqlite3_column_int(st, 19);
	e->position = col_opt_double(st, 20);
}

void db_episode_free(db_episode *e)
{
	if (!e)
		return;
	free(e->podcast_title);
	free(e->key);
	free(e->guid);
	free(e->title);
	free(e->link);
	free(e->author);
	free(e->enclosure_url);
	free(e->enclosure_type);
	free(e->image);
	free(e->episode_type);
	free(e->chapters_url);
	free(e->chapters_type);
	free(e->notes_html);
	free(e->notes_text);
	memset(e, 0, sizeof *e);
}

void db_episode_list_free(db_episode *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		db_episode_free(&v[i]);
	free(v);
}

static void fill_episode(sqlite3_stmt *st, void *e)
{
	episode_from_row(st, e);
}

static void release_episodes(void *v, size_t n)
{
	db_episode_list_free(v, n);
}

int db_episode_list(db *d, int64_t podcast_id, db_episode **out, size_t *n)
{
	sqlite3_stmt *st = prep(d,
		"SELECT " EPISODE_COLS " FROM episode e JOIN podcast p ON p.id = e.podcast_id"
		" WHERE ?1 = 0 OR e.podcast_id = ?1"
		" ORDER BY e.published IS NULL, e.published DESC, e.feed_order, e.id");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, podcast_id);
	void *v;
	int rc = collect_rows(d, st, sizeof **out, fill_episode, release_episodes, &v, n,
			      "list episodes");
	*out = v;
	return rc;
}

int db_episode_get(db *d, int64_t id, db_episode *out)
{
	sqlite3_stmt *st = prep(d, "SELECT " EPISODE_COLS ", e.notes_html, e.notes_text"
				   " FROM episode e JOIN podcast p ON p.id = e.podcast_id"
				   " WHERE e.id = ?");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		episode_from_row(st, out);
		out->notes_html = col_text(st, 21);
		out->notes_text = col_text(st, 22);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? 1 : fail(d, "episode lookup");
}

int db_episode_set_position(db *d, int64_t id, double pos)
{
	sqlite3_stmt *st = prep(d, "UPDATE episode SET position = ? WHERE id = ?");
	if (!st)
		return -1;
	bind_opt_double(st, 1, pos);
	sqlite3_bind_int64(st, 2, id);
	if (run(d, st, "save position") != 0)
		return -1;
	return sqlite3_changes(d->h) ? 0 : 1;
}

int db_episode_set_played(db *d, int64_t id, int played)
{
	/* Marking played also forgets the position: playing it again starts
	 * from the beginning, as users expect of a finished episode. */
	sqlite3_stmt *st = prep(d, "UPDATE episode SET played = ?1,"
				   " position = CASE WHEN ?1 THEN NULL ELSE position END WHERE id = ?2");
	if (!st)
		return -1;
	sqlite3_bind_int(st, 1, played ? 1 : 0);
	sqlite3_bind_int64(st, 2, id);
	if (run(d, st, "mark played") != 0)
		return -1;
	return sqlite3_changes(d->h) ? 0 : 1;
}

static void fill_link(sqlite3_stmt *st, void *l)
{
	*(char **)l = col_text(st, 0);
}

static void release_links(void *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(((char **)v)[i]);
	free(v);
}

int db_episode_links(db *d, int64_t id, char ***links, size_t *n)
{
	sqlite3_stmt *st = prep(d, "SELECT url FROM episode_link WHERE episode_id = ? ORDER BY n");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	void *v;
	int rc = collect_rows(d, st, sizeof **links, fill_link, release_links, &v, n, "links");
	*links = v;
	return rc;
}

static void fill_transcript(sqlite3_stmt *st, void *p)
{
	db_transcript *t = p;
	t->url = col_text(st, 0);
	t->type = col_text(st, 1);
	t->language = col_text(st, 2);
	t->rel = col_text(st, 3);
}

static void release_transcripts(void *v, size_t n)
{
	db_transcript_list_free(v, n);
}

int db_episode_transcripts(db *d, int64_t id, db_transcript **out, size_t *n)
{
	sqlite3_stmt *st = prep(d, "SELECT url, type, language, rel FROM transcript"
				   " WHERE episode_id = ? ORDER BY n");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	void *v;
	int rc = collect_rows(d, st, sizeof **out, fill_transcript, release_transcripts, &v, n,
			      "transcripts");
	*out = v;
	return rc;
}

void db_transcript_list_free(db_transcript *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].url);
		free(v[i].type);
		free(v[i].language);
		free(v[i].rel);
	}
	free(v);
}

/* --- chapters --------------------------------------------------------- */

int db_chapters_get(db *d, int64_t episode_id, int source, chapter_list *out)
{
	sqlite3_stmt *st = prep(d, "SELECT start, end_time, title, url, img, hidden FROM chapter"
				   " WHERE episode_id = ? AND source = ? ORDER BY start, n");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, episode_id);
	sqlite3_bind_text(st, 2, chapter_source_name(source), -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		chapter c = {
			.start = sqlite3_column_double(st, 0),
			.end = col_opt_double(st, 1),
			.title = col_text(st, 2),
			.url = col_text(st, 3),
			.img = col_text(st, 4),
			.hidden = sqlite3_column_int(st, 5),
			.source = source,
		};
		chapter_list_push(out, c);
	}
	sqlite3_finalize(st);
	return 0;
}

int db_chapters_merged(db *d, int64_t episode_id, chapter_list *out)
{
	chapter_list src[CHAP_SRC_COUNT];
	const chapter_list *lists[CHAP_SRC_COUNT];
	int rc = 0;
	for (int s = 0; s < CHAP_SRC_COUNT; s++) {
		src[s] = (chapter_list)CHAPTER_LIST_INIT;
		if (db_chapters_get(d, episode_id, s, &src[s]) != 0)
			rc = -1;
		lists[s] = &src[s];
	}
	if (rc == 0)
		chapter_merge(lists, out);
	for (int s = 0; s < CHAP_SRC_COUNT; s++)
		chapter_list_clear(&src[s]);
	return rc;
}

int db_chapters_set(db *d, int64_t episode_id, int source, const chapter_list *l)
{
	struct store_stmts s;
	if (store_stmts_init(d, &s) != 0)
		return -1;
	int rc = store_chapters(d, &s, episode_id, source, l);
	store_stmts_free(&s);
	return rc;
}

/* --- chapter files ------------------------------------------------------ */

static void fill_chapter_job(sqlite3_stmt *st, void *p)
{
	db_chapter_job *j = p;
	j->episode_id = sqlite3_column_int64(st, 0);
	j->url = col_text(st, 1);
	j->etag = col_text(st, 2);
	j->last_modified = col_text(st, 3);
	j->is_local = sqlite3_column_int(st, 4);
}

static void release_chapter_jobs(void *v, size_t n)
{
	db_chapter_jobs_free(v, n);
}

int db_chapter_jobs(db *d, int64_t episode_id, const int64_t *ids, size_t nids,
		    int per_podcast, int64_t stale_before, db_chapter_job **out, size_t *n)
{
	sqlite3_stmt *st = prep(d,
		"SELECT id, chapters_url, chapters_etag, chapters_last_modified, is_local FROM ("
		" SELECT e.id, e.chapters_url, e.chapters_etag, e.chapters_last_modified,"
		"  p.is_local, e.chapters_fetched, e.chapters_error,"
		"  row_number() OVER (PARTITION BY e.podcast_id"
		"   ORDER BY e.published IS NULL, e.published DESC, e.feed_order) AS rank"
		" FROM episode e JOIN podcast p ON p.id = e.podcast_id"
		" WHERE e.chapters_url IS NOT NULL AND (?1 = 0 OR e.id = ?1)"
		" AND (?4 IS NULL OR e.podcast_id IN (SELECT value FROM json_each(?4)))) AS x"
		" WHERE (?1 <> 0 OR rank <= ?2)"
		" AND (chapters_fetched IS NULL OR (chapters_fetched < ?3 AND"
		"  (chapters_error IS NOT NULL OR (SELECT count(*) FROM chapter c"
		"   WHERE c.episode_id = x.id AND c.source = 'json' AND NOT c.hidden) <= 1)))");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, episode_id);
	sqlite3_bind_int(st, 2, per_podcast);
	sqlite3_bind_int64(st, 3, stale_before);
	if (ids) {
		/* The podcast filter travels as a JSON array: one statement for any
		 * number of ids. */
		sbuf b = SBUF_INIT;
		sb_putc(&b, '[');
		for (size_t i = 0; i < nids; i++)
			sb_printf(&b, "%s%lld", i ? "," : "", (long long)ids[i]);
		sb_putc(&b, ']');
		sqlite3_bind_text(st, 4, b.s, (int)b.len, SQLITE_TRANSIENT);
		sb_free(&b);
	}
	void *v;
	int rc = collect_rows(d, st, sizeof **out, fill_chapter_job, release_chapter_jobs, &v, n,
			      "chapter files");
	*out = v;
	return rc;
}

void db_chapter_jobs_free(db_chapter_job *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].url);
		free(v[i].etag);
		free(v[i].last_modified);
	}
	free(v);
}

int db_chapter_file_done(db *d, int64_t episode_id, const chapter_list *l, const char *etag,
			 const char *last_modified, const char *err, int64_t when)
{
	if (db_begin(d) != 0)
		return -1;
	sqlite3_stmt *st;
	if (err) {
		st = prep(d, "UPDATE episode SET chapters_error = ?, chapters_fetched = ? WHERE id = ?");
		if (st) {
			bind_text(st, 1, err);
			sqlite3_bind_int64(st, 2, when);
			sqlite3_bind_int64(st, 3, episode_id);
		}
	} else {
		st = prep(d, "UPDATE episode SET chapters_error = NULL, chapters_fetched = ?,"
			     " chapters_etag = coalesce(?, chapters_etag),"
			     " chapters_last_modified = coalesce(?, chapters_last_modified) WHERE id = ?");
		if (st) {
			sqlite3_bind_int64(st, 1, when);
			bind_text(st, 2, etag);
			bind_text(st, 3, last_modified);
			sqlite3_bind_int64(st, 4, episode_id);
		}
	}
	int rc = run(d, st, "record chapters file");
	if (rc == 0 && !err && l)
		rc = db_chapters_set(d, episode_id, CHAP_SRC_JSON, l);
	if (rc == 0)
		return db_commit(d);
	db_rollback(d);
	return -1;
}

char *db_chapter_file_error(db *d, int64_t episode_id)
{
	sqlite3_stmt *st = prep(d, "SELECT chapters_error FROM episode WHERE id = ?");
	char *msg = NULL;
	if (!st)
		return NULL;
	sqlite3_bind_int64(st, 1, episode_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		msg = col_text(st, 0);
	sqlite3_finalize(st);
	return msg;
}

int db_embedded_probed(db *d, int64_t episode_id)
{
	sqlite3_stmt *st = prep(d, "SELECT embedded_probed IS NOT NULL FROM episode WHERE id = ?");
	int probed = 0;
	if (!st)
		return 0;
	sqlite3_bind_int64(st, 1, episode_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		probed = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return probed;
}

int db_embedded_done(db *d, int64_t episode_id, const chapter_list *l, int64_t when)
{
	if (db_begin(d) != 0)
		return -1;
	sqlite3_stmt *st = prep(d, "UPDATE episode SET embedded_probed = ? WHERE id = ?");
	if (st) {
		sqlite3_bind_int64(st, 1, when);
		sqlite3_bind_int64(st, 2, episode_id);
	}
	int rc = run(d, st, "mark embedded chapters probed");
	if (rc == 0)
		rc = db_chapters_set(d, episode_id, CHAP_SRC_EMBEDDED, l);
	if (rc == 0)
		return db_commit(d);
	db_rollback(d);
	return -1;
}
