/*
 * db_index.c - the search index of show notes built in the background
 * (search_pending, migration 16). Contract in db.h (db_index_*).
 *
 * A store with db_set_index_later on marks each new episode pending
 * instead of indexing it (db_store.c); db_index_step moves the pending
 * episodes stored first, with their chapters, into search_fts in one short
 * transaction each, so a kill -9 loses at most the batch in flight, which
 * stays pending and is indexed by the next run. Until then db_search
 * scans the pending episodes (db_search.c).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "db.h"
#include "db_int.h"

void db_set_index_later(db *d, int on)
{
	d->index_later = on;
}

int64_t db_index_pending(db *d)
{
	sqlite3_stmt *st = dbi_prep(d, "SELECT count(*) FROM search_pending");
	if (!st)
		return -1;
	int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	if (n < 0)
		dbi_fail(d, "count episodes to index");
	sqlite3_finalize(st);
	return n;
}

/* The batch: the pending episodes stored first (a feed is stored top
 * down, so each feed's newest episodes come first), then their rows in one statement in rowid order (episode, then
 * its chapters: FTS5 starts a new segment whenever rowids go down). */
static const char batch_sql[] =
	"CREATE TEMP TABLE IF NOT EXISTS index_batch (eid INTEGER PRIMARY KEY);"
	"DELETE FROM temp.index_batch;"
	"INSERT INTO temp.index_batch SELECT eid FROM search_pending%s ORDER BY eid LIMIT %d;";
/* Its raw episodes are derived (db_derive.c) before this runs. */
static const char step_sql[] =
	"INSERT INTO search_fts (rowid, title, notes) SELECT * FROM ("
	" SELECT " DBI_FTS_EPISODE_COLS "e.id IN (SELECT eid FROM temp.index_batch)"
	" UNION ALL SELECT " DBI_FTS_CHAPTER_COLS "c.episode_id IN"
	"  (SELECT eid FROM temp.index_batch)) ORDER BY 1;"
	"DELETE FROM search_pending WHERE eid IN (SELECT eid FROM temp.index_batch);";

long db_index_step(db *d, int batch)
{
	if (batch <= 0)
		batch = 1;
	dbi_derived_batch ahead;
	if (dbi_derive_ahead(d, batch, &ahead) != 0)
		return -1;
	int own;
	if (dbi_txn_begin(d, &own) != 0) {
		dbi_derived_batch_free(&ahead);
		return -1;
	}
	/* Without a deriver (a program that does not set one), raw episodes
	 * wait for one that can derive them. */
	char sql[sizeof batch_sql + 32];
	snprintf(sql, sizeof sql, batch_sql, db_have_deriver() ? "" : " WHERE NOT raw", batch);
	int rc = dbi_exec(d, sql);
	if (rc == 0)
		rc = dbi_derive_batch(d, &ahead);
	dbi_derived_batch_free(&ahead);
	if (rc == 0)
		rc = dbi_exec(d, step_sql);
	long n = rc == 0 ? (long)sqlite3_changes(d->h) : -1;
	if (dbi_txn_end(d, own, rc) != 0)
		return -1;
	return n;
}
