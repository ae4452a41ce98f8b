/*
 * db_int.h - private to the db module (src/db*.c): the connection struct
 * and the statement helpers every db_*.c file shares. Nothing outside the
 * module includes this header (tests of the module may, for the hooks at
 * the end); the public contract is include/db.h.
 *
 * Helper conventions: dbi_prep/dbi_run/dbi_step_reset/dbi_collect_rows
 * record a message for db_errmsg() on failure and return NULL / -1;
 * dbi_run and dbi_collect_rows always finalize their statement.
 */
#ifndef PODCUE_DB_INT_H
#define PODCUE_DB_INT_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "db.h"
#include "util.h"

struct db {
	sqlite3 *h;
	char *err; /* last error message, owned */
	int code;  /* its SQLite (extended) result code */
	int ro;    /* DBI_RO_* when opened read-only, else DBI_RW */
	int64_t pace_run, pace_last; /* db_pace: the current run of writes */
	int index_later; /* db_set_index_later: new episodes wait for the indexer */
	int64_t unscanned; /* db_search_unscanned */
	int raw_scan;      /* db_set_search_raw_scan */
	int rank_ready;    /* podcue_rank is registered on h (db_rank.c) */
};

/* Whether the cache can be written (db_fs.c). */
enum { DBI_RW, DBI_RO_FS, DBI_RO_FILE };
/* DBI_RO_FS when path is on a read-only file system, DBI_RO_FILE when it
 * exists without write permission, else DBI_RW (also when it is absent). */
int dbi_readonly_reason(const char *path);
/* Opens an existing cache for reading only (immutable on a read-only file
 * system, where no -shm file can be made), without migrating: a schema
 * other than version is an error that says why. 0, or -1 with *err. */
int dbi_open_readonly(const char *path, int why, int version, db **out, char **err);
/* "the cache is on a read-only filesystem" / "the cache file is not
 * writable". Static. */
const char *dbi_readonly_text(int why);
/* The message for the connection's last error, "what: " first when what
 * is not NULL: read-only, full disk and a lock held past the busy timeout
 * (naming the holder's pid when the lock shows it) in words; otherwise
 * sqlite_msg. Caller frees. */
char *dbi_error_text(db *d, const char *what, const char *sqlite_msg);

/* Records "what: <sqlite message>" as the error; returns -1. */
int dbi_fail(db *d, const char *what);
/* Runs SQL text (several statements allowed) that returns no rows. */
int dbi_exec(db *d, const char *sql);
/* Prepares one statement; NULL (error recorded) on failure. */
sqlite3_stmt *dbi_prep(db *d, const char *sql);
/* Steps a statement expected to return no rows (or one row that is
 * ignored); finalizes it. A NULL st (failed dbi_prep) returns -1. */
int dbi_run(db *d, sqlite3_stmt *st, const char *what);
/* Whether sql (?1 = id, and ?2 = text when it has a second parameter)
 * returns a row: 1 or 0, -1 with "what: ..." recorded on failure. */
int dbi_row_exists(db *d, const char *sql, int64_t id, const char *text, const char *what);
/* Steps a reusable statement once, then resets it and clears bindings. */
int dbi_step_reset(db *d, sqlite3_stmt *st, const char *what);
/* Steps st to its end, appending one elem_size element per row, filled by
 * fill(); finalizes st. The list is returned in *out / *n (NULL / 0 when
 * empty). On a step error what was collected is released with release()
 * and -1 returned. Every list-returning function goes through here. */
int dbi_collect_rows(db *d, sqlite3_stmt *st, size_t elem_size,
		     void (*fill)(sqlite3_stmt *st, void *elem),
		     void (*release)(void *v, size_t n), void **out, size_t *n,
		     const char *what);

/* Binding and column helpers: NULL text, a negative double and an absent
 * integer all map to SQL NULL, and back. */
static inline void dbi_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static inline void dbi_bind_opt_double(sqlite3_stmt *st, int i, double v)
{
	if (v >= 0)
		sqlite3_bind_double(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

static inline void dbi_bind_opt_int(sqlite3_stmt *st, int i, int64_t v, int present)
{
	if (present)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

/* A size_t count bound as a LIMIT/OFFSET: values past INT64_MAX clamp. */
static inline void dbi_bind_size(sqlite3_stmt *st, int i, size_t v)
{
	sqlite3_bind_int64(st, i, v > (size_t)INT64_MAX ? INT64_MAX : (sqlite3_int64)v);
}

static inline char *dbi_col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? xstrdup((const char *)s) : NULL;
}

static inline double dbi_col_opt_double(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? -1.0
							 : sqlite3_column_double(st, i);
}

/* Rowids of the search index search_fts (migration 3), as SQL over the
 * columns of row r ("new", "old" or a table name). One integer space holds
 * both kinds so that a single index scan in rowid order visits an episode
 * and its chapters together, newest episode first (db_search caps the
 * number of matches it ranks that way):
 *   episode:  id << 18
 *   chapter:  (episode_id << 18) + 1 + source * 65536 + n
 * with source = enum chapter_source (its preference order) and n its
 * position in that source's list (the key of the chapter table). Only
 * visible, titled chapters with n < 65535 are indexed. Episode ids stay
 * far below 2^45. FROZEN: these expressions are part of migration 3's
 * triggers; changing them needs a migration that rebuilds search_fts. */
#define DBI_FTS_SHIFT 18
#define DBI_FTS_EPISODE_ROWID(r) "(" r ".id * 262144)"
#define DBI_FTS_CHAPTER_ROWID(r)                                                         \
	"(" r ".episode_id * 262144 + 1 + " r ".n + 65536 * CASE " r ".source"            \
	" WHEN 'json' THEN 0 WHEN 'psc' THEN 1 WHEN 'embedded' THEN 2 ELSE 3 END)"
#define DBI_FTS_CHAPTER_INDEXED(r)                                                       \
	"(NOT " r ".hidden AND " r ".title IS NOT NULL AND " r ".n BETWEEN 0 AND 65534"  \
	" AND " r ".source IN ('json', 'psc', 'embedded', 'notes'))"

/* Selecting the index rows (rowid, title, notes) of the episodes "e" and
 * of the indexed chapters "c": "SELECT " [ "'delete', " ] COLS where ORDER.
 * In rowid order: FTS5 writes a new segment whenever rowids go down. Also
 * migration 3's initial build: frozen likewise. */
#define DBI_FTS_EPISODE_COLS                                                             \
	DBI_FTS_EPISODE_ROWID("e") ", e.title, e.notes_text FROM episode e WHERE "
#define DBI_FTS_EPISODE_ORDER " ORDER BY e.id"
#define DBI_FTS_CHAPTER_COLS                                                             \
	DBI_FTS_CHAPTER_ROWID("c") " AS rid, c.title, NULL FROM chapter c"                \
	" WHERE " DBI_FTS_CHAPTER_INDEXED("c") " AND "
#define DBI_FTS_CHAPTER_ORDER " ORDER BY rid"
/* The triggers index only while search_defer is empty. */
/* A last_played stamp for now: Unix time in milliseconds, and always
 * later than every stamp already stored (a clock set back, or two saves
 * in one millisecond, cannot reorder what was played). */
#define DBI_NOW_MS                                                          \
	"max(CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER),"    \
	" coalesce((SELECT max(last_played) FROM episode), 0) + 1)"

#define DBI_FTS_LIVE "NOT EXISTS (SELECT 1 FROM search_defer)"
/* Episode eid's rows belong in search_fts now: it is not waiting for the
 * background indexer (migration 16, db_index.c). FROZEN with migration 16. */
#define DBI_FTS_NOT_PENDING(eid) "NOT EXISTS (SELECT 1 FROM search_pending WHERE eid = " eid ")"

/* Sync (migration 8, FROZEN like the above: part of its triggers): local
 * changes are recorded while an account is set up and no pulled change is
 * being applied; stamped in Unix ms. */
#define DBI_SYNC_LIVE                                                       \
	"(EXISTS (SELECT 1 FROM sync_state) AND NOT EXISTS (SELECT 1 FROM sync_applying))"
#define DBI_SYNC_NOW_MS "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)"

/* Indexing in bulk. FTS5 flushes its pending changes into a new index
 * segment at every statement of a transaction once it has been written
 * to, so the row-by-row triggers make a writer that stores many rows one
 * statement at a time (db_store_feed, chapter lists) pay a segment and
 * its merging per row (twice the time, measured). Such a writer instead,
 * inside one transaction (no other connection ever sees the switch):
 *   dbi_search_defer()                      the triggers stop indexing,
 *   dbi_search_snapshot(...)                note the index rows of what it
 *                                           may rewrite,
 *   its writes,
 *   dbi_search_apply(...)                   unindex the rows that changed
 *                                           or went, index the new ones,
 *   dbi_search_resume()                     the triggers index again.
 * (or dbi_search_reindex(0, ...) before and (1, ...) after the writes,
 * which reindexes everything selected, changed or not). On failure the
 * transaction must be rolled back. Not nested. */
int dbi_search_defer(db *d);
int dbi_search_resume(db *d);
/* The selection is as for dbi_search_reindex; snapshot and apply must
 * select the same rows (before and after the writes). A refresh that
 * rewrites a feed's 100 items of which one is new indexes one episode. */
int dbi_search_snapshot(db *d, const char *ep_where, const char *ch_where, int64_t a,
			const char *b);
int dbi_search_apply(db *d, const char *ep_where, const char *ch_where, int64_t a,
		     const char *b);
/* Removes (add = 0) or adds (add = 1) the index rows of the episodes "e"
 * matching ep_where and of the chapters "c" matching ch_where (SQL with
 * ?1 = a and ?2 = b bound; "0" selects nothing), one statement each. */
int dbi_search_reindex(db *d, int add, const char *ep_where, const char *ch_where, int64_t a,
		       const char *b);
/* db_search's transcript part (db_transcript.c): the hits of the FTS5
 * query fts (made of the query words, which pick the words around each
 * hit) among the newest matching segments, added to the limit hits of
 * *out / *n as db_search describes (rank_cap is unused). */
int dbi_transcript_hits(db *d, const char *fts, const char *const *words, size_t nw,
			size_t rank_cap, size_t limit, db_search_hit **out, size_t *n);
/* Search ranking (db_rank.c). dbi_rank_register adds the FTS5 auxiliary
 * function podcue_rank(search_fts [, counts]) to d's connection (once);
 * counts is a blob of int64, one per phrase of the query in its order,
 * each phrase's number of index rows (NULL: the phrases weigh alike).
 * dbi_rank_count: that number for one phrase (an FTS5 query of one word),
 * counted up to a cap; -1 on failure. What podcue_rank computes, for
 * ranking hits found outside the index alike: dbi_rank_weights, the n
 * words' weights w[] from their counts df (NULL: all alike);
 * dbi_rank_column_weight, what one occurrence in column col (0 title,
 * 1 notes) adds to a word's freq; dbi_rank_score, the rank. */
int dbi_rank_register(db *d, fts5_api *api);
int64_t dbi_rank_count(db *d, const char *phrase);
void dbi_rank_weights(const int64_t *df, size_t n, double *w);
double dbi_rank_column_weight(int col);
double dbi_rank_score(const double *w, const double *freq, size_t n);
/* Begins a transaction when none is open (*own set): for functions that
 * must be atomic whether or not their caller opened one. dbi_txn_end
 * commits (rc == 0) or rolls back an owned one and returns rc. */
int dbi_txn_begin(db *d, int *own);
int dbi_txn_end(db *d, int own, int rc);
/* Changes made by the connection since it opened (sqlite3_total_changes64):
 * for tests that prove a store wrote only what changed. */
int64_t dbi_total_changes(db *d);

/* Replacing one source's chapters of an episode (db_chapter.c); the pair
 * of statements is reused by db_store_feed across items. */
typedef struct dbi_chapter_stmts {
	sqlite3_stmt *del, *add;
} dbi_chapter_stmts;

int dbi_chapter_stmts_init(db *d, dbi_chapter_stmts *s);
/* The same on another table of the chapter table's columns (a name of the
 * code's own, never from input: it is put into the SQL). */
int dbi_chapter_stmts_init_in(db *d, dbi_chapter_stmts *s, const char *table);
void dbi_chapter_stmts_free(dbi_chapter_stmts *s);
/* Deletes the episode's chapters of source, then inserts l (may be NULL).
 * Runs inside the caller's transaction (if any); the search index is the
 * caller's business (see dbi_search_defer). */
int dbi_store_chapters(db *d, dbi_chapter_stmts *s, int64_t episode_id, int source,
		       const chapter_list *l);

/* Notes derived later (db_derive.c; see db_set_deriver in db.h).
 * dbi_raw: 1 when episode eid is pending and raw, 0 when not, -1 on error.
 * dbi_derive: the deriver's answer for the notes (0), or -1 without a
 * deriver (out is then empty). dbi_derive_raw: 1 and the derived data of
 * episode eid into out when it is raw, 0 when it is not (out empty), -1
 * on error. dbi_derive_each derives the raw episodes (at most max) among
 * the first `window` pending ones, in id order, and hands each to fn (which
 * may take x's contents; a non-zero return stops it and is returned);
 * no write: the search of pending episodes reads them so. The indexer's
 * batch (db_index_step): dbi_derive_ahead keeps those of the first `batch`
 * pending ones, derived before the write lock is taken (deriving is most of the work: other processes must not
 * wait for it); inside the transaction dbi_derive_batch stores them for
 * the raw episodes of temp.index_batch, deriving again any whose notes
 * changed meanwhile (or that ahead, which may be NULL, lacks), and clears
 * their raw mark. */
typedef struct dbi_derived_batch {
	int64_t *id;  /* ascending */
	char **notes; /* what each was derived from */
	db_derived *x;
	size_t n;
} dbi_derived_batch;
int dbi_raw(db *d, int64_t eid);
int dbi_derive(const char *notes_html, double duration, db_derived *out);
int dbi_derive_raw(db *d, int64_t eid, db_derived *out);
typedef int (*dbi_derived_fn)(void *ctx, int64_t id, const char *notes, db_derived *x);
int dbi_derive_each(db *d, int window, int max, dbi_derived_fn fn, void *ctx);
int dbi_derive_ahead(db *d, int batch, dbi_derived_batch *b);
void dbi_derived_batch_free(dbi_derived_batch *b);
int dbi_derive_batch(db *d, const dbi_derived_batch *ahead);

/* An episode's links, numbered from 1, with a statement prepared from
 * DBI_ADD_LINK_SQL (db_store.c); inside the caller's transaction. */
#define DBI_ADD_LINK_SQL "INSERT INTO episode_link (episode_id, n, url) VALUES (?, ?, ?)"
int dbi_store_links(db *d, sqlite3_stmt *add, int64_t episode_id, char *const *links,
		    size_t n);

/* The episode's bookmarks as chapters (CHAP_SRC_USER), appended to out
 * (db_mark.c). */
int dbi_bookmark_chapters(db *d, int64_t episode_id, chapter_list *out);
/* Up to limit bookmarks whose note matches the FTS5 query fts, best first,
 * as chapter hits with source CHAP_SRC_USER (db_mark.c). */
int dbi_bookmark_hits(db *d, const char *fts, size_t limit, db_search_hit **out, size_t *n);

/* Brings the connection's cache up to schema version `target` (at most
 * DB_SCHEMA_VERSION), one migration per transaction (db_migrate.c); -1
 * with the error recorded. dbi_open_at_version runs it on every open. */
int dbi_migrate(db *d, int target);

/* --- hooks for the module's own tests --------------------------------- */

/* Opens like db_open but migrates only up to schema version `version`
 * (<= DB_SCHEMA_VERSION): builds an "old" cache to test migrations. */
int dbi_open_at_version(const char *path, int version, db **out, char **err);
/* EXPLAIN QUERY PLAN of the part of db_episode_page that reads many rows
 * (the page's ids, with its offset), for these arguments: one plan line
 * per '\n'-terminated line (caller frees). */
int dbi_episode_page_plan(db *d, int64_t podcast_id, int unplayed_only, char **plan);

#endif
