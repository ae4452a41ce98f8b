/*
 * db.c - the SQLite cache (see db.h): opening, transactions, the statement
 * helpers of db_int.h, and podcasts.
 *
 * The module is split by table; every SQL statement of podcue lives in
 * one of these files:
 *   db.c            open/close, transactions, helpers, podcasts
 *   db_fs.c         a cache on a read-only or failing file system
 *   db_migrate.c    the schema: migrations and the schema version
 *   db_store.c      storing a parsed feed (podcast row, items in batches)
 *   db_derive.c     what an episode's notes give, derived after the store
 *   db_episode.c    episodes (lists, pages, counts), links, transcripts,
 *                   position and played state
 *   db_chapter.c    chapters, chapter-file jobs, embedded chapters
 *   db_search.c     full-text search (FTS5) over titles, notes and
 *                   chapters, and keeping its index in bulk
 *   db_rank.c       how search hits are ranked
 *   db_index.c      the search index of show notes built in the background
 *   db_transcript.c fetched transcripts and their index
 *   db_mark.c       bookmarks, stretches heard, skip rules
 *   db_queue.c      the up-next queue
 *   db_download.c   downloads; db_dlpolicy.c what download policies read
 *   db_sync.c       the sync account and pending local changes
 * Threading: a connection (db *) belongs to one thread at a time; each
 * thread that needs the cache opens its own.
 */
#include "db.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db_int.h"
#include "util.h"

int dbi_fail(db *d, const char *what)
{
	free(d->err);
	d->code = sqlite3_extended_errcode(d->h);
	d->err = dbi_error_text(d, what, sqlite3_errmsg(d->h));
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
		d->code = sqlite3_extended_errcode(d->h);
		d->err = dbi_error_text(d, NULL, msg ? msg : sqlite3_errmsg(d->h));
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

int dbi_row_exists(db *d, const char *sql, int64_t id, const char *text, const char *what)
{
	sqlite3_stmt *st = dbi_prep(d, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_bind_parameter_count(st) >= 2)
		dbi_bind_text(st, 2, text);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return dbi_fail(d, what);
	return rc == SQLITE_ROW;
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

int dbi_open_at_version(const char *path, int version, db **out, char **err)
{
	int ro = dbi_readonly_reason(path);
	if (ro != DBI_RW)
		return dbi_open_readonly(path, ro, version, out, err);
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
	    dbi_exec(d, "PRAGMA synchronous=NORMAL") != 0 || dbi_migrate(d, version) != 0) {
		*err = xasprintf("cannot use cache %s: %s", path, db_errmsg(d));
		db_close(d);
		return -1;
	}
	*out = d;
	return 0;
}

int db_open(const char *path, db **out, char **err)
{
	return dbi_open_at_version(path, DB_SCHEMA_VERSION, out, err);
}

void db_close(db *d)
{
	if (!d)
		return;
	sqlite3_close(d->h);
	free(d->err);
	free(d);
}

int db_err_transient(db *d)
{
	switch (d->code & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_FULL:
	case SQLITE_IOERR:
	case SQLITE_READONLY:
	case SQLITE_CANTOPEN:
	case SQLITE_PROTOCOL:
		return 1;
	default:
		return 0;
	}
}

int db_err_busy(db *d)
{
	int c = d->code & 0xff;
	return c == SQLITE_BUSY || c == SQLITE_LOCKED;
}

void db_set_busy_timeout(db *d, int ms)
{
	sqlite3_busy_timeout(d->h, ms);
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

void db_settle(db *d)
{
	for (sqlite3_stmt *st = sqlite3_next_stmt(d->h, NULL); st; st = sqlite3_next_stmt(d->h, st))
		if (sqlite3_stmt_busy(st))
			sqlite3_reset(st);
	if (!sqlite3_get_autocommit(d->h))
		db_rollback(d);
}

int dbi_txn_begin(db *d, int *own)
{
	*own = sqlite3_get_autocommit(d->h);
	return *own ? db_begin(d) : 0;
}

int64_t dbi_total_changes(db *d)
{
	return (int64_t)sqlite3_total_changes64(d->h);
}

void db_pace(db *d)
{
	int64_t now = now_ms();
	/* A pause of the writer's own (waiting for the network, parsing) as
	 * long as the gap lets waiting processes in: a new run. */
	if (!d->pace_last || now - d->pace_last >= DB_PACE_GAP_MS)
		d->pace_run = now;
	if (now - d->pace_run >= DB_PACE_RUN_MS) {
		struct timespec ts = {0, DB_PACE_GAP_MS * 1000000L};
		while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
			;
		now = now_ms();
		d->pace_run = now;
	}
	d->pace_last = now;
}

int dbi_txn_end(db *d, int own, int rc)
{
	if (!own)
		return rc;
	if (rc == 0 && db_commit(d) == 0)
		return 0;
	/* A failed COMMIT leaves the transaction open, holding the lock. */
	if (!sqlite3_get_autocommit(d->h))
		db_rollback(d);
	return rc ? rc : -1;
}

/* --- podcasts --------------------------------------------------------- */

#define PODCAST_COLS                                                         \
	"p.id, p.url, p.title, p.link, p.description, p.author, p.image,"   \
	" p.etag, p.last_modified, p.last_error, p.last_refresh,"           \
	" p.is_local, p.content_hash,"                                      \
	" p.n_episodes, p.n_unplayed, coalesce(p.sort_order, -1),"         \
	" coalesce(p.retry_after, 0)"

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
	p->sort_order = sqlite3_column_int(st, 15);
	p->retry_after = sqlite3_column_int64(st, 16);
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

void db_podcast_origin(db *d, int64_t id, int *is_local, char **url)
{
	db_podcast p;
	*is_local = 0;
	*url = NULL;
	if (db_podcast_get(d, id, &p) != 0)
		return;
	*is_local = p.is_local;
	*url = p.url;
	p.url = NULL;
	db_podcast_free(&p);
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
	/* Another process may subscribe the same URL between the lookup and
	 * the insert: then it is simply there already. */
	sqlite3_stmt *st = dbi_prep(d, "INSERT INTO podcast (url, is_local, added)"
				       " VALUES (?, ?, ?) ON CONFLICT (url) DO NOTHING");
	if (!st)
		return -1;
	dbi_bind_text(st, 1, url);
	sqlite3_bind_int(st, 2, is_local);
	sqlite3_bind_int64(st, 3, now_s());
	if (dbi_run(d, st, "subscribe") != 0)
		return -1;
	if (sqlite3_changes(d->h) == 0) {
		rc = db_podcast_find(d, url, &p);
		if (rc != 0) {
			if (rc > 0)
				dbi_fail(d, "subscribe (the podcast left as it came)");
			return -1;
		}
		*id = p.id;
		*existed = 1;
		db_podcast_free(&p);
		return 0;
	}
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

int db_podcast_set_retry_after(db *d, int64_t id, int64_t when)
{
	sqlite3_stmt *st = dbi_prep(d, "UPDATE podcast SET retry_after = ? WHERE id = ?");
	if (!st)
		return -1;
	if (when > 0)
		sqlite3_bind_int64(st, 1, when);
	else
		sqlite3_bind_null(st, 1);
	sqlite3_bind_int64(st, 2, id);
	return dbi_run(d, st, "record when to ask a feed again");
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

int db_podcast_speed(db *d, int64_t id, double *speed)
{
	sqlite3_stmt *st = dbi_prep(d, "SELECT speed FROM podcast WHERE id = ?");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	int found = rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL;
	if (found)
		*speed = sqlite3_column_double(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		return dbi_fail(d, "read podcast speed");
	}
	return found ? 0 : 1;
}

int db_podcast_set_speed(db *d, int64_t id, double speed)
{
	sqlite3_stmt *st = dbi_prep(d, "UPDATE podcast SET speed = ? WHERE id = ?");
	if (!st)
		return -1;
	if (speed > 0)
		sqlite3_bind_double(st, 1, speed);
	else
		sqlite3_bind_null(st, 1);
	sqlite3_bind_int64(st, 2, id);
	return dbi_run(d, st, "save podcast speed");
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


int db_podcast_set_sort(db *d, int64_t id, int sort_order)
{
	sqlite3_stmt *st = dbi_prep(d, "UPDATE podcast SET sort_order = ?1 WHERE id = ?2");
	if (!st)
		return -1;
	dbi_bind_opt_int(st, 1, sort_order, sort_order == DB_SORT_NEWEST ||
						    sort_order == DB_SORT_OLDEST);
	sqlite3_bind_int64(st, 2, id);
	if (dbi_run(d, st, "save sort order") != 0)
		return -1;
	return sqlite3_changes(d->h) ? 0 : 1;
}
