/*
 * db_download.c - the downloads table (migration 7 -> 8): one row per
 * episode asked for, its state, progress, file and resume validator. See
 * db.h.
 *
 * The row is the only record that a file on disk belongs to podcue: the
 * download module names files here first (db_download_save with a path no
 * other row has) and writes "done" only after its rename.
 *
 * Threading: as the rest of the module.
 */
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_int.h"
#include "util.h"

static const char *const state_names[] = {"queued", "running", "done", "failed"};

const char *db_download_state_name(int state)
{
	return state >= DL_QUEUED && state <= DL_FAILED ? state_names[state] : "failed";
}

static int state_of(const char *s)
{
	for (int i = DL_QUEUED; i <= DL_FAILED; i++)
		if (s && !strcmp(s, state_names[i]))
			return i;
	return DL_FAILED;
}

void db_download_free(db_download *r)
{
	if (!r)
		return;
	free(r->path);
	free(r->error);
	free(r->url);
	free(r->validator);
	memset(r, 0, sizeof *r);
}

void db_download_list_free(db_download *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		db_download_free(&v[i]);
	free(v);
}

static void release_rows(void *v, size_t n)
{
	db_download_list_free(v, n);
}

#define COLS "episode_id, state, bytes, total, path, error, url, validator"

static void fill_row(sqlite3_stmt *st, void *p)
{
	db_download *r = p;
	r->episode_id = sqlite3_column_int64(st, 0);
	r->state = state_of((const char *)sqlite3_column_text(st, 1));
	r->bytes = sqlite3_column_int64(st, 2);
	r->total = sqlite3_column_type(st, 3) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 3);
	r->path = dbi_col_text(st, 4);
	r->error = dbi_col_text(st, 5);
	r->url = dbi_col_text(st, 6);
	r->validator = dbi_col_text(st, 7);
}

int db_download_get(db *d, int64_t episode_id, db_download *out)
{
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st = dbi_prep(d, "SELECT " COLS " FROM download WHERE episode_id = ?1");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, episode_id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		fill_row(st, out);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return dbi_fail(d, "read a download");
	return rc == SQLITE_ROW ? 0 : 1;
}

int db_download_list(db *d, db_download **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = dbi_prep(d, "SELECT " COLS " FROM download ORDER BY episode_id");
	if (!st)
		return -1;
	void *v;
	int rc = dbi_collect_rows(d, st, sizeof **out, fill_row, release_rows, &v, n,
				  "list downloads");
	*out = v;
	return rc;
}

/* 1 when a row of sql (?1 = id, ?2 = text) exists, 0 when not, -1. */
int db_download_path_taken(db *d, const char *path, int64_t episode_id)
{
	if (!path)
		return 0;
	return dbi_row_exists(d, "SELECT 1 FROM download WHERE path = ?2 AND episode_id <> ?1",
			      episode_id, path, "look up a download path");
}

int db_download_save(db *d, const db_download *r)
{
	int own, rc = dbi_txn_begin(d, &own);
	if (rc != 0)
		return -1;
	int ep = dbi_row_exists(d, "SELECT 1 FROM episode WHERE id = ?1", r->episode_id, NULL,
				"find the episode");
	int taken = ep == 1 ? db_download_path_taken(d, r->path, r->episode_id) : 0;
	if (ep < 0 || taken < 0)
		return dbi_txn_end(d, own, -1);
	if (!ep || taken) {
		dbi_txn_end(d, own, -1); /* nothing written: a rollback is fine */
		return ep ? 2 : 1;
	}
	sqlite3_stmt *st = dbi_prep(
		d, "INSERT INTO download (" COLS ", updated)"
		   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, strftime('%s', 'now'))"
		   " ON CONFLICT (episode_id) DO UPDATE SET state = ?2, bytes = ?3, total = ?4,"
		   " path = ?5, error = ?6, url = ?7, validator = ?8,"
		   " updated = strftime('%s', 'now')");
	if (st) {
		sqlite3_bind_int64(st, 1, r->episode_id);
		sqlite3_bind_text(st, 2, db_download_state_name(r->state), -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, r->bytes);
		dbi_bind_opt_int(st, 4, r->total, r->total >= 0);
		dbi_bind_text(st, 5, r->path);
		dbi_bind_text(st, 6, r->error);
		dbi_bind_text(st, 7, r->url);
		dbi_bind_text(st, 8, r->validator);
	}
	return dbi_txn_end(d, own, dbi_run(d, st, "save a download"));
}

int db_download_progress(db *d, int64_t episode_id, int state, int64_t bytes, int64_t total)
{
	sqlite3_stmt *st = dbi_prep(d, "UPDATE download SET state = ?2, bytes = ?3, total = ?4,"
				       " updated = strftime('%s', 'now') WHERE episode_id = ?1");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, episode_id);
	sqlite3_bind_text(st, 2, db_download_state_name(state), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, bytes);
	dbi_bind_opt_int(st, 4, total, total >= 0);
	if (dbi_run(d, st, "save download progress") != 0)
		return -1;
	return sqlite3_changes(d->h) ? 0 : 1;
}

int db_download_done_path(db *d, int64_t episode_id, char **path)
{
	*path = NULL;
	db_download r;
	int rc = db_download_get(d, episode_id, &r);
	if (rc != 0)
		return rc;
	if (r.state == DL_DONE && r.path) {
		*path = r.path;
		r.path = NULL;
	}
	db_download_free(&r);
	return *path ? 0 : 1;
}

int db_download_remove(db *d, int64_t episode_id)
{
	sqlite3_stmt *st = dbi_prep(d, "DELETE FROM download WHERE episode_id = ?1");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, episode_id);
	if (dbi_run(d, st, "forget a download") != 0)
		return -1;
	return sqlite3_changes(d->h) ? 0 : 1;
}
