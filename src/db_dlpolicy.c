/*
 * db_dlpolicy.c - what the download policies read (dlpolicy.h): a
 * podcast's own policies (migration 10 -> 11), the episodes that are new
 * since a refresh began, and the finished downloads with what protects
 * them from a cleanup. See db.h.
 *
 * Threading: as the rest of the module.
 */
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_int.h"
#include "util.h"

int db_dl_policy_get(db *d, int64_t podcast_id, db_dl_policy *out)
{
	*out = (db_dl_policy){-1, -1, -1};
	sqlite3_stmt *st = dbi_prep(d, "SELECT auto_download, keep_downloads, delete_played_after"
				       " FROM download_policy WHERE podcast_id = ?1");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, podcast_id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		int *f[] = {&out->auto_download, &out->keep_downloads, &out->delete_played_after};
		for (int i = 0; i < 3; i++)
			if (sqlite3_column_type(st, i) != SQLITE_NULL)
				*f[i] = sqlite3_column_int(st, i);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return dbi_fail(d, "read download policies");
	return 0;
}

int db_dl_policy_set(db *d, int64_t podcast_id, const db_dl_policy *p)
{
	int none = p->auto_download < 0 && p->keep_downloads < 0 && p->delete_played_after < 0;
	sqlite3_stmt *st = dbi_prep(
		d, none ? "DELETE FROM download_policy WHERE podcast_id = ?1"
			: "INSERT INTO download_policy (podcast_id, auto_download, keep_downloads,"
			  " delete_played_after) VALUES (?1, ?2, ?3, ?4)"
			  " ON CONFLICT (podcast_id) DO UPDATE SET auto_download = ?2,"
			  " keep_downloads = ?3, delete_played_after = ?4");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, podcast_id);
	if (!none) {
		dbi_bind_opt_int(st, 2, p->auto_download, p->auto_download >= 0);
		dbi_bind_opt_int(st, 3, p->keep_downloads, p->keep_downloads >= 0);
		dbi_bind_opt_int(st, 4, p->delete_played_after, p->delete_played_after >= 0);
	}
	return dbi_run(d, st, "save download policies");
}

int db_episode_max_id(db *d, int64_t *out)
{
	*out = 0;
	sqlite3_stmt *st = dbi_prep(d, "SELECT coalesce(max(id), 0) FROM episode");
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : dbi_fail(d, "read the newest episode id");
}

void db_dl_item_list_free(db_dl_item *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].path);
	free(v);
}

static void release_items(void *v, size_t n)
{
	db_dl_item_list_free(v, n);
}

/* Columns: episode id, podcast id, bytes, reference time, played, busy, path. */
static void fill_item(sqlite3_stmt *st, void *p)
{
	db_dl_item *r = p;
	memset(r, 0, sizeof *r);
	r->episode_id = sqlite3_column_int64(st, 0);
	r->podcast_id = sqlite3_column_int64(st, 1);
	r->bytes = sqlite3_column_int64(st, 2);
	r->ref_time = sqlite3_column_int64(st, 3);
	r->played = sqlite3_column_int(st, 4);
	r->busy = sqlite3_column_int(st, 5);
	r->path = dbi_col_text(st, 6);
}

/* The paging order of a podcast's episodes, newest first. */
#define NEWEST_FIRST " ORDER BY e.podcast_id, e.published IS NULL, e.published DESC, e.feed_order"
#define BUSY                                                                               \
	" (EXISTS (SELECT 1 FROM queue q WHERE q.episode_id = e.id)"                       \
	" OR (coalesce(e.position, 0) > 0 AND e.played = 0))"

int db_dl_new_episodes(db *d, int64_t since_id, db_dl_item **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = dbi_prep(
		d, "SELECT e.id, e.podcast_id, 0, 0, e.played, " BUSY ", NULL FROM episode e"
		   " WHERE e.id > ?1 AND e.played = 0 AND e.enclosure_url IS NOT NULL"
		   " AND e.enclosure_url <> ''"
		   " AND NOT EXISTS (SELECT 1 FROM download w WHERE w.episode_id = e.id)"
		   /* a podcast first fetched in this refresh has only old news */
		   " AND EXISTS (SELECT 1 FROM episode o WHERE o.podcast_id = e.podcast_id"
		   " AND o.id <= ?1)" NEWEST_FIRST);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, since_id);
	void *v;
	int rc = dbi_collect_rows(d, st, sizeof **out, fill_item, release_items, &v, n,
				  "list new episodes");
	*out = v;
	return rc;
}

int db_dl_done_list(db *d, int64_t podcast_id, int any_state, db_dl_item **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	/* The time a played download counts from: its last listening (ms in
	 * the cache), or when it finished downloading when later. */
	sqlite3_stmt *st = dbi_prep(
		d, "SELECT e.id, e.podcast_id, w.bytes,"
		   " max(coalesce(e.last_played, 0) / 1000, w.updated), e.played, " BUSY ", w.path"
		   " FROM download w JOIN episode e ON e.id = w.episode_id"
		   " WHERE (?2 OR w.state = 'done') AND w.path IS NOT NULL"
		   " AND (?1 = 0 OR e.podcast_id = ?1)"
		   NEWEST_FIRST);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, podcast_id);
	sqlite3_bind_int(st, 2, any_state);
	void *v;
	int rc = dbi_collect_rows(d, st, sizeof **out, fill_item, release_items, &v, n,
				  "list finished downloads");
	*out = v;
	return rc;
}

void db_download_entry_list_free(db_download_entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		db_download_free(&v[i].r);
		free(v[i].title);
		free(v[i].podcast_title);
	}
	free(v);
}

static void release_entries(void *v, size_t n)
{
	db_download_entry_list_free(v, n);
}

static void fill_entry(sqlite3_stmt *st, void *p)
{
	db_download_entry *x = p;
	memset(x, 0, sizeof *x);
	db_download *r = &x->r;
	r->episode_id = sqlite3_column_int64(st, 0);
	const char *state = (const char *)sqlite3_column_text(st, 1);
	r->state = DL_FAILED;
	for (int i = DL_QUEUED; i <= DL_FAILED; i++)
		if (state && !strcmp(state, db_download_state_name(i)))
			r->state = i;
	r->bytes = sqlite3_column_int64(st, 2);
	r->total = sqlite3_column_type(st, 3) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 3);
	r->path = dbi_col_text(st, 4);
	r->error = dbi_col_text(st, 5);
	x->title = dbi_col_text(st, 6);
	x->podcast_title = dbi_col_text(st, 7);
}

int db_download_entries(db *d, db_download_entry **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = dbi_prep(
		d, "SELECT w.episode_id, w.state, w.bytes, w.total, w.path, w.error, e.title,"
		   " p.title FROM download w JOIN episode e ON e.id = w.episode_id"
		   " JOIN podcast p ON p.id = e.podcast_id"
		   " ORDER BY CASE w.state WHEN 'running' THEN 0 WHEN 'queued' THEN 1"
		   " WHEN 'failed' THEN 2 ELSE 3 END, w.updated DESC, w.episode_id DESC");
	if (!st)
		return -1;
	void *v;
	int rc = dbi_collect_rows(d, st, sizeof **out, fill_entry, release_entries, &v, n,
				  "list downloads");
	*out = v;
	return rc;
}
