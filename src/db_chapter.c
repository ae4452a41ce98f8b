/*
 * db_chapter.c - chapters of every source, the Podcasting 2.0 chapter
 * files to fetch, and chapters embedded in media files. See db.h.
 *
 * Chapters are replaced per (episode, source) by delete + insert; the
 * search index follows through the chapter triggers (migration 3).
 */
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_int.h"
#include "util.h"

/* --- chapters --------------------------------------------------------- */

/* Frees the chapters of l from index n on: l is as it was at n chapters. */
static void chapters_truncate(chapter_list *l, size_t n)
{
	for (size_t i = n; i < l->n; i++) {
		free(l->v[i].title);
		free(l->v[i].url);
		free(l->v[i].img);
	}
	l->n = n;
	if (!n)
		chapter_list_clear(l);
}

int db_chapters_get(db *d, int64_t episode_id, int source, chapter_list *out)
{
	if (source == CHAP_SRC_NOTES) { /* a raw episode: found in its notes here */
		db_derived x;
		int raw = dbi_derive_raw(d, episode_id, &x);
		for (size_t i = 0; raw > 0 && i < x.chapters.n; i++)
			chapter_list_push(out, x.chapters.v[i]); /* moves the strings */
		if (raw > 0)
			x.chapters.n = 0;
		db_derived_free(&x);
		if (raw != 0)
			return raw > 0 ? 0 : -1;
	}
	sqlite3_stmt *st = dbi_prep(d, "SELECT start, end_time, title, url, img, hidden"
				       " FROM chapter"
				   " WHERE episode_id = ? AND source = ? ORDER BY start, n");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, episode_id);
	sqlite3_bind_text(st, 2, chapter_source_name(source), -1, SQLITE_STATIC);
	size_t n0 = out->n;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		chapter c = {
			.start = sqlite3_column_double(st, 0),
			.end = dbi_col_opt_double(st, 1),
			.title = dbi_col_text(st, 2),
			.url = dbi_col_text(st, 3),
			.img = dbi_col_text(st, 4),
			.hidden = sqlite3_column_int(st, 5),
			.source = source,
		};
		chapter_list_push(out, c);
	}
	if (rc != SQLITE_DONE) {
		/* A step error ends the rows early: drop the ones read. */
		dbi_fail(d, "chapters");
		sqlite3_finalize(st);
		chapters_truncate(out, n0);
		return -1;
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
	/* The user's own chapters join whatever list won. */
	size_t n0 = out->n;
	if (rc == 0 && (rc = dbi_bookmark_chapters(d, episode_id, out)) != 0)
		chapters_truncate(out, n0);
	if (rc == 0 && out->n > n0)
		chapter_list_sort(out);
	return rc;
}

int db_chapters_visible(db *d, int64_t episode_id, chapter_list *out)
{
	chapter_list all = CHAPTER_LIST_INIT;
	int rc = db_chapters_merged(d, episode_id, &all);
	if (rc == 0)
		chapter_list_visible(&all, out);
	else
		chapter_list_clear(out);
	chapter_list_clear(&all);
	return rc;
}

int dbi_chapter_stmts_init(db *d, dbi_chapter_stmts *s)
{
	return dbi_chapter_stmts_init_in(d, s, "chapter");
}

int dbi_chapter_stmts_init_in(db *d, dbi_chapter_stmts *s, const char *table)
{
	char *del = xasprintf("DELETE FROM %s WHERE episode_id = ? AND source = ?", table);
	char *add = xasprintf("INSERT INTO %s (episode_id, source, n, start, end_time, title,"
			      " url, img, hidden) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
			      table);
	s->del = dbi_prep(d, del);
	s->add = dbi_prep(d, add);
	free(del);
	free(add);
	if (!s->del || !s->add) {
		dbi_chapter_stmts_free(s);
		return -1;
	}
	return 0;
}

void dbi_chapter_stmts_free(dbi_chapter_stmts *s)
{
	sqlite3_finalize(s->del);
	sqlite3_finalize(s->add);
	s->del = s->add = NULL;
}

int dbi_store_chapters(db *d, dbi_chapter_stmts *s, int64_t ep, int source,
		       const chapter_list *l)
{
	sqlite3_bind_int64(s->del, 1, ep);
	sqlite3_bind_text(s->del, 2, chapter_source_name(source), -1, SQLITE_STATIC);
	if (dbi_step_reset(d, s->del, "replace chapters") != 0)
		return -1;
	for (size_t i = 0; l && i < l->n; i++) {
		const chapter *c = &l->v[i];
		sqlite3_bind_int64(s->add, 1, ep);
		sqlite3_bind_text(s->add, 2, chapter_source_name(source), -1, SQLITE_STATIC);
		sqlite3_bind_int64(s->add, 3, (int64_t)i);
		sqlite3_bind_double(s->add, 4, c->start);
		dbi_bind_opt_double(s->add, 5, c->end);
		dbi_bind_text(s->add, 6, c->title);
		dbi_bind_text(s->add, 7, c->url);
		dbi_bind_text(s->add, 8, c->img);
		sqlite3_bind_int(s->add, 9, c->hidden);
		if (dbi_step_reset(d, s->add, "store chapter") != 0)
			return -1;
	}
	return 0;
}

/* One source's chapters of an episode (?1 episode, ?2 source name). */
#define SOURCE_CHAPTERS "c.episode_id = ?1 AND c.source = ?2"

int db_chapters_set(db *d, int64_t episode_id, int source, const chapter_list *l)
{
	dbi_chapter_stmts s;
	if (dbi_chapter_stmts_init(d, &s) != 0)
		return -1;
	/* Atomic, and indexed for search in bulk (see dbi_search_defer). */
	const char *name = chapter_source_name(source);
	int own;
	int rc = dbi_txn_begin(d, &own);
	if (rc == 0)
		rc = dbi_search_defer(d);
	if (rc == 0)
		rc = dbi_search_snapshot(d, "0", SOURCE_CHAPTERS, episode_id, name);
	if (rc == 0)
		rc = dbi_store_chapters(d, &s, episode_id, source, l);
	if (rc == 0)
		rc = dbi_search_apply(d, "0", SOURCE_CHAPTERS, episode_id, name);
	if (rc == 0)
		rc = dbi_search_resume(d);
	dbi_chapter_stmts_free(&s);
	return dbi_txn_end(d, own, rc);
}

/* --- chapter files ------------------------------------------------------ */

static void fill_chapter_job(sqlite3_stmt *st, void *p)
{
	db_chapter_job *j = p;
	j->episode_id = sqlite3_column_int64(st, 0);
	j->url = dbi_col_text(st, 1);
	j->etag = dbi_col_text(st, 2);
	j->last_modified = dbi_col_text(st, 3);
	j->is_local = sqlite3_column_int(st, 4);
	j->feed_url = dbi_col_text(st, 5);
}

static void release_chapter_jobs(void *v, size_t n)
{
	db_chapter_jobs_free(v, n);
}

int db_chapter_jobs(db *d, int64_t episode_id, const int64_t *ids, size_t nids,
		    int per_podcast, int64_t stale_before, db_chapter_job **out, size_t *n)
{
	sqlite3_stmt *st = dbi_prep(d,
		"SELECT id, chapters_url, chapters_etag, chapters_last_modified, is_local,"
		" feed_url FROM ("
		" SELECT e.id, e.chapters_url, e.chapters_etag, e.chapters_last_modified,"
		"  p.is_local, p.url AS feed_url, e.chapters_fetched, e.chapters_error,"
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
	int rc = dbi_collect_rows(d, st, sizeof **out, fill_chapter_job, release_chapter_jobs,
				  &v, n, "chapter files");
	*out = v;
	return rc;
}

void db_chapter_jobs_free(db_chapter_job *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].url);
		free(v[i].etag);
		free(v[i].last_modified);
		free(v[i].feed_url);
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
		st = dbi_prep(d, "UPDATE episode SET chapters_error = ?, chapters_fetched = ?"
				 " WHERE id = ?");
		if (st) {
			dbi_bind_text(st, 1, err);
			sqlite3_bind_int64(st, 2, when);
			sqlite3_bind_int64(st, 3, episode_id);
		}
	} else {
		st = dbi_prep(d, "UPDATE episode SET chapters_error = NULL, chapters_fetched = ?,"
			     " chapters_etag = coalesce(?, chapters_etag),"
			     " chapters_last_modified = coalesce(?, chapters_last_modified)"
			     " WHERE id = ?");
		if (st) {
			sqlite3_bind_int64(st, 1, when);
			dbi_bind_text(st, 2, etag);
			dbi_bind_text(st, 3, last_modified);
			sqlite3_bind_int64(st, 4, episode_id);
		}
	}
	int rc = dbi_run(d, st, "record chapters file");
	if (rc == 0 && !err && l)
		rc = db_chapters_set(d, episode_id, CHAP_SRC_JSON, l);
	if (rc == 0)
		return db_commit(d);
	db_rollback(d);
	return -1;
}

char *db_chapter_file_error(db *d, int64_t episode_id)
{
	sqlite3_stmt *st = dbi_prep(d, "SELECT chapters_error FROM episode WHERE id = ?");
	char *msg = NULL;
	if (!st)
		return NULL;
	sqlite3_bind_int64(st, 1, episode_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		msg = dbi_col_text(st, 0);
	sqlite3_finalize(st);
	return msg;
}

int db_embedded_probed(db *d, int64_t episode_id)
{
	sqlite3_stmt *st = dbi_prep(d, "SELECT embedded_probed IS NOT NULL FROM episode"
				       " WHERE id = ?");
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
	sqlite3_stmt *st = dbi_prep(d, "UPDATE episode SET embedded_probed = ? WHERE id = ?");
	if (st) {
		sqlite3_bind_int64(st, 1, when);
		sqlite3_bind_int64(st, 2, episode_id);
	}
	int rc = dbi_run(d, st, "mark embedded chapters probed");
	if (rc == 0)
		rc = db_chapters_set(d, episode_id, CHAP_SRC_EMBEDDED, l);
	if (rc == 0)
		return db_commit(d);
	db_rollback(d);
	return -1;
}

/* --- chapter files in bulk ---------------------------------------------- */

/* The episode ids of the files in v that bring new chapters, as a JSON
 * array (for json_each), or NULL when none does. Caller frees. */
static char *new_chapter_ids(const db_chapter_file *v, size_t n)
{
	sbuf b = SBUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (!v[i].error && v[i].chapters)
			sb_printf(&b, "%c%lld", b.len ? ',' : '[', (long long)v[i].episode_id);
	}
	if (!b.len)
		return NULL;
	sb_putc(&b, ']');
	return sb_steal(&b);
}

/* Records one file of the batch (the UPDATE of db_chapter_file_done). */
static int record_chapter_file(db *d, sqlite3_stmt *ok, sqlite3_stmt *bad,
			       const db_chapter_file *f, int64_t when)
{
	if (f->error) {
		dbi_bind_text(bad, 1, f->error);
		sqlite3_bind_int64(bad, 2, when);
		sqlite3_bind_int64(bad, 3, f->episode_id);
		return dbi_step_reset(d, bad, "record chapters file");
	}
	sqlite3_bind_int64(ok, 1, when);
	dbi_bind_text(ok, 2, f->etag);
	dbi_bind_text(ok, 3, f->last_modified);
	sqlite3_bind_int64(ok, 4, f->episode_id);
	return dbi_step_reset(d, ok, "record chapters file");
}

/* The batch's writes; the search index of the replaced JSON chapters is
 * updated in bulk around them, one statement each way (see
 * dbi_search_defer), instead of one index segment per file. */
static int store_chapter_files(db *d, const db_chapter_file *v, size_t n, int64_t when,
			       const char *ids)
{
	static const char where[] =
		"c.episode_id IN (SELECT value FROM json_each(?2)) AND c.source = 'json'";
	sqlite3_stmt *bad = dbi_prep(d, "UPDATE episode SET chapters_error = ?,"
				       " chapters_fetched = ? WHERE id = ?");
	sqlite3_stmt *ok = dbi_prep(d, "UPDATE episode SET chapters_error = NULL,"
				      " chapters_fetched = ?,"
				      " chapters_etag = coalesce(?, chapters_etag),"
				      " chapters_last_modified = coalesce(?, chapters_last_modified)"
				      " WHERE id = ?");
	dbi_chapter_stmts s = {0};
	int rc = bad && ok && dbi_chapter_stmts_init(d, &s) == 0 ? 0 : -1;
	if (rc == 0 && ids)
		rc = dbi_search_defer(d);
	if (rc == 0 && ids)
		rc = dbi_search_reindex(d, 0, "0", where, 0, ids);
	for (size_t i = 0; i < n && rc == 0; i++) {
		rc = record_chapter_file(d, ok, bad, &v[i], when);
		if (rc == 0 && !v[i].error && v[i].chapters)
			rc = dbi_store_chapters(d, &s, v[i].episode_id, CHAP_SRC_JSON,
						v[i].chapters);
	}
	if (rc == 0 && ids)
		rc = dbi_search_reindex(d, 1, "0", where, 0, ids);
	if (rc == 0 && ids)
		rc = dbi_search_resume(d);
	dbi_chapter_stmts_free(&s);
	sqlite3_finalize(bad);
	sqlite3_finalize(ok);
	return rc;
}

int db_chapter_files_done(db *d, const db_chapter_file *v, size_t n, int64_t when)
{
	if (!n)
		return 0;
	char *ids = new_chapter_ids(v, n);
	int own;
	int rc = dbi_txn_begin(d, &own);
	if (rc == 0)
		rc = store_chapter_files(d, v, n, when, ids);
	free(ids);
	return dbi_txn_end(d, own, rc);
}

/* --- notes read again by a newer finder --------------------------------- */

/* One row, created when first set: the version is bookkeeping of the
 * finder, not part of the schema's meaning, and an older podcue that does
 * not know the table simply ignores it. */
static int notes_finder_table(db *d)
{
	return dbi_exec(d, "CREATE TABLE IF NOT EXISTS notes_finder"
			   " (version INTEGER NOT NULL)");
}

int db_notes_finder_version(db *d)
{
	/* Read-only: every refresh asks, and most find the cache current. */
	sqlite3_stmt *st = dbi_prep(d, "SELECT count(*) FROM sqlite_master"
				       " WHERE type = 'table' AND name = 'notes_finder'");
	if (!st)
		return -1;
	int have = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_finalize(st);
	if (have <= 0)
		return have < 0 ? dbi_fail(d, "notes finder version") : 0;
	st = dbi_prep(d, "SELECT coalesce(max(version), 0) FROM notes_finder");
	if (!st)
		return -1;
	int v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_finalize(st);
	return v < 0 ? dbi_fail(d, "notes finder version") : v;
}

int db_notes_finder_set_version(db *d, int version)
{
	if (notes_finder_table(d) != 0 || db_begin(d) != 0)
		return -1;
	sqlite3_stmt *st = dbi_prep(d, "DELETE FROM notes_finder");
	int rc = dbi_run(d, st, "notes finder version");
	if (rc == 0) {
		st = dbi_prep(d, "INSERT INTO notes_finder (version) VALUES (?)");
		if (st)
			sqlite3_bind_int(st, 1, version);
		rc = dbi_run(d, st, "notes finder version");
	}
	if (rc != 0) {
		db_rollback(d);
		return -1;
	}
	return db_commit(d);
}

static void fill_notes_row(sqlite3_stmt *st, void *p)
{
	db_notes_row *r = p;
	r->episode_id = sqlite3_column_int64(st, 0);
	r->notes_html = dbi_col_text(st, 1);
	r->duration = sqlite3_column_type(st, 2) == SQLITE_NULL ? -1
								 : sqlite3_column_double(st, 2);
}

static void release_notes_rows(void *v, size_t n)
{
	db_notes_rows_free(v, n);
}

int db_notes_rows(db *d, int64_t after, size_t limit, db_notes_row **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = dbi_prep(d, "SELECT id, notes_html, duration FROM episode"
				       " WHERE id > ? AND notes_html GLOB '*[0-9]:[0-9][0-9]*'"
				       " AND id NOT IN (SELECT eid FROM search_pending WHERE raw)"
				       " ORDER BY id LIMIT ?");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int64(st, 2, (int64_t)limit);
	void *v;
	int rc = dbi_collect_rows(d, st, sizeof **out, fill_notes_row, release_notes_rows, &v, n,
				  "notes to read again");
	*out = v;
	return rc;
}

void db_notes_rows_free(db_notes_row *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].notes_html);
	free(v);
}
