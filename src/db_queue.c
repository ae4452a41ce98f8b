/*
 * db_queue.c - the "up next" queue (table queue, migration 5), the
 * episode that follows another in its podcast, and marking a whole podcast
 * played. See db.h.
 *
 * Positions stay dense (1..N): every function here shifts the rows it
 * passes over, and a trigger closes the gap any removal leaves. Each
 * change runs in one transaction (dbi_txn_begin), so a failure or a bad
 * argument leaves the queue as it was.
 *
 * Threading: as the rest of the module.
 */
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_int.h"
#include "util.h"

static void fill_entry(sqlite3_stmt *st, void *p)
{
	db_queue_entry *q = p;
	q->position = sqlite3_column_int64(st, 0);
	q->episode_id = sqlite3_column_int64(st, 1);
	q->podcast_id = sqlite3_column_int64(st, 2);
	q->title = dbi_col_text(st, 3);
	q->podcast_title = dbi_col_text(st, 4);
	q->duration = dbi_col_opt_double(st, 5);
	q->saved = dbi_col_opt_double(st, 6);
}

void db_queue_list_free(db_queue_entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].title);
		free(v[i].podcast_title);
	}
	free(v);
}

static void release_entries(void *v, size_t n)
{
	db_queue_list_free(v, n);
}

int db_queue_list(db *d, db_queue_entry **out, size_t *n)
{
	sqlite3_stmt *st = dbi_prep(d, "SELECT q.position, q.episode_id, e.podcast_id, e.title,"
				       " p.title, e.duration, e.position"
				       " FROM queue q JOIN episode e ON e.id = q.episode_id"
				       " JOIN podcast p ON p.id = e.podcast_id"
				       " ORDER BY q.position");
	*out = NULL;
	*n = 0;
	if (!st)
		return -1;
	void *v;
	int rc = dbi_collect_rows(d, st, sizeof **out, fill_entry, release_entries, &v, n,
				  "list the queue");
	*out = v;
	return rc;
}

/* One integer from a statement with id bound as ?1; 1 = no row. */
static int int_query(db *d, const char *sql, int64_t id, int64_t *v, const char *what)
{
	sqlite3_stmt *st = dbi_prep(d, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		*v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return dbi_fail(d, what);
	return rc == SQLITE_ROW ? 0 : 1;
}

/* Runs sql with ?1 = a and ?2 = b bound. */
static int run2(db *d, const char *sql, int64_t a, int64_t b, const char *what)
{
	sqlite3_stmt *st = dbi_prep(d, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, a);
	sqlite3_bind_int64(st, 2, b);
	return dbi_run(d, st, what);
}

static int queue_len(db *d, int64_t *n)
{
	*n = 0;
	return int_query(d, "SELECT count(*) FROM queue", 0, n, "count the queue") < 0
		       ? -1
		       : 0;
}

int db_queue_count(db *d, size_t *n)
{
	int64_t v;
	int rc = queue_len(d, &v);
	*n = rc == 0 ? (size_t)v : 0;
	return rc;
}

/* The position of a queued episode; 1 = not queued. */
static int position_of(db *d, int64_t id, int64_t *pos)
{
	return int_query(d, "SELECT position FROM queue WHERE episode_id = ?1", id, pos,
			 "find in the queue");
}

/* Moves a queued episode from position from to to (both in 1..N), inside
 * the caller's transaction: the rows between shift by one. */
static int shift_to(db *d, int64_t id, int64_t from, int64_t to)
{
	int rc = 0;
	if (to < from)
		rc = run2(d, "UPDATE queue SET position = position + 1"
			     " WHERE position >= ?1 AND position < ?2", to, from, "move in the queue");
	else if (to > from)
		rc = run2(d, "UPDATE queue SET position = position - 1"
			     " WHERE position > ?2 AND position <= ?1", to, from, "move in the queue");
	if (rc == 0)
		rc = run2(d, "UPDATE queue SET position = ?2 WHERE episode_id = ?1", id, to,
			  "move in the queue");
	return rc;
}

/* Puts one episode at position at (1..N+1 for a new one, 1..N for a
 * queued one), inside the caller's transaction. */
static int place(db *d, int64_t id, int64_t at)
{
	int64_t from, n;
	int rc = position_of(d, id, &from);
	if (rc < 0 || queue_len(d, &n) != 0)
		return -1;
	if (rc == 0)
		return shift_to(d, id, from, at > n ? n : at);
	if (run2(d, "UPDATE queue SET position = position + 1 WHERE position >= ?1", at, 0,
		 "add to the queue") != 0)
		return -1;
	sqlite3_stmt *st = dbi_prep(d, "INSERT INTO queue (episode_id, position, added)"
				       " VALUES (?1, ?2, ?3)");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, at);
	sqlite3_bind_int64(st, 3, now_s());
	return dbi_run(d, st, "add to the queue");
}

int db_queue_add(db *d, const int64_t *ids, size_t n, int front, size_t *bad)
{
	int own, rc = dbi_txn_begin(d, &own);
	if (rc != 0)
		return -1;
	for (size_t i = 0; i < n && rc == 0; i++) {
		int64_t one, len;
		rc = int_query(d, "SELECT 1 FROM episode WHERE id = ?1", ids[i], &one,
			       "find the episode");
		if (rc == 1 && bad)
			*bad = i;
		if (rc == 0)
			rc = queue_len(d, &len);
		if (rc == 0)
			rc = place(d, ids[i], front ? (int64_t)i + 1 : len + 1);
	}
	return dbi_txn_end(d, own, rc);
}

int db_queue_remove(db *d, const int64_t *ids, size_t n, size_t *bad)
{
	int own, rc = dbi_txn_begin(d, &own);
	if (rc != 0)
		return -1;
	for (size_t i = 0; i < n && rc == 0; i++) {
		/* The trigger queue_close_gap renumbers the rows after it. */
		rc = run2(d, "DELETE FROM queue WHERE episode_id = ?1", ids[i], 0,
			  "remove from the queue");
		if (rc == 0 && !sqlite3_changes(d->h)) {
			rc = 1;
			if (bad)
				*bad = i;
		}
	}
	return dbi_txn_end(d, own, rc);
}

int db_queue_move(db *d, int64_t id, int64_t position)
{
	int own, rc = dbi_txn_begin(d, &own);
	if (rc != 0)
		return -1;
	int64_t from, n = 0;
	rc = position_of(d, id, &from);
	if (rc == 0)
		rc = queue_len(d, &n);
	if (rc == 0 && (position < 1 || position > n))
		rc = 2;
	if (rc == 0)
		rc = shift_to(d, id, from, position);
	return dbi_txn_end(d, own, rc);
}

int db_queue_clear(db *d)
{
	return dbi_exec(d, "DELETE FROM queue");
}

int db_queue_head(db *d, int64_t *id)
{
	return int_query(d, "SELECT episode_id FROM queue ORDER BY position LIMIT 1",
			 0, id, "read the queue");
}

/* The listing order of db_episode_list (EPISODE_ORDER in db_episode.c) as
 * one comparable row value, for episode row r. */
#define LIST_KEY(r)                                                                  \
	"(" r ".published IS NULL, coalesce(-" r ".published, 0), " r ".feed_order, " r ".id)"

int db_episode_next_newer(db *d, int64_t id, int64_t *next)
{
	return int_query(d, "SELECT e.id FROM episode c JOIN episode e"
			    " ON e.podcast_id = c.podcast_id"
			    " WHERE c.id = ?1 AND " LIST_KEY("e") " < " LIST_KEY("c")
			    " ORDER BY e.published IS NULL DESC, coalesce(-e.published, 0) DESC,"
			    " e.feed_order DESC, e.id DESC LIMIT 1",
			 id, next, "find the next episode");
}

int db_podcast_set_played(db *d, int64_t podcast_id, int played, size_t *changed)
{
	if (changed)
		*changed = 0;
	int64_t one;
	int rc = int_query(d, "SELECT 1 FROM podcast WHERE id = ?1", podcast_id, &one,
			   "find the podcast");
	if (rc != 0)
		return rc;
	/* As db_episode_set_played: played forgets the position. */
	rc = run2(d, "UPDATE episode SET played = ?2,"
		     " position = CASE WHEN ?2 THEN NULL ELSE position END"
		     " WHERE podcast_id = ?1 AND played IS NOT ?2",
		  podcast_id, played ? 1 : 0, "mark the podcast played");
	if (rc == 0 && changed)
		*changed = (size_t)sqlite3_changes(d->h);
	return rc;
}
