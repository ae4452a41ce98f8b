/*
 * db_mark.c - the user's marks: bookmarks (the user's own chapters),
 * the stretches heard, skip patterns and per-episode skip toggles, and the
 * seconds a podcast skips at either end (migration 11). See db.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_int.h"
#include "skiprule.h"
#include "util.h"

/* --- bookmarks ---------------------------------------------------------- */

static int episode_exists(db *d, int64_t id)
{
	return dbi_row_exists(d, "SELECT 1 FROM episode WHERE id = ?1", id, NULL, "find episode");
}

int db_bookmark_add(db *d, int64_t episode_id, double at, const char *note, int64_t *id)
{
	if (!isfinite(at) || at < 0) {
		free(d->err);
		d->err = xstrdup("a bookmark's time must be a number of seconds >= 0");
		return -1;
	}
	int have = episode_exists(d, episode_id);
	if (have <= 0)
		return have < 0 ? -1 : 1;
	sqlite3_stmt *st = dbi_prep(d, "INSERT INTO bookmark (episode_id, at, note, created)"
				       " VALUES (?, ?, ?, CAST(strftime('%s', 'now') AS INTEGER))");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, episode_id);
	sqlite3_bind_double(st, 2, at);
	dbi_bind_text(st, 3, note && !str_blank(note) ? note : NULL);
	if (dbi_run(d, st, "add bookmark") != 0)
		return -1;
	if (id)
		*id = sqlite3_last_insert_rowid(d->h);
	return 0;
}

int db_bookmark_delete(db *d, int64_t id)
{
	sqlite3_stmt *st = dbi_prep(d, "DELETE FROM bookmark WHERE id = ?");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (dbi_run(d, st, "delete bookmark") != 0)
		return -1;
	return sqlite3_changes(d->h) ? 0 : 1;
}

static void fill_bookmark(sqlite3_stmt *st, void *p)
{
	db_bookmark *b = p;
	b->id = sqlite3_column_int64(st, 0);
	b->episode_id = sqlite3_column_int64(st, 1);
	b->podcast_id = sqlite3_column_int64(st, 2);
	b->at = sqlite3_column_double(st, 3);
	b->note = dbi_col_text(st, 4);
	b->episode_title = dbi_col_text(st, 5);
	b->podcast_title = dbi_col_text(st, 6);
	b->created = sqlite3_column_int64(st, 7);
}

static void release_bookmarks(void *v, size_t n)
{
	db_bookmark_list_free(v, n);
}

int db_bookmark_list(db *d, int64_t episode_id, db_bookmark **out, size_t *n)
{
	sqlite3_stmt *st = dbi_prep(d,
		"SELECT b.id, b.episode_id, e.podcast_id, b.at, b.note, e.title, p.title, b.created"
		" FROM bookmark b JOIN episode e ON e.id = b.episode_id"
		" JOIN podcast p ON p.id = e.podcast_id"
		" WHERE ?1 = 0 OR b.episode_id = ?1"
		" ORDER BY e.published IS NULL, e.published DESC, b.episode_id, b.at, b.id");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, episode_id);
	void *v;
	int rc = dbi_collect_rows(d, st, sizeof **out, fill_bookmark, release_bookmarks, &v, n,
				  "bookmarks");
	*out = v;
	return rc;
}

void db_bookmark_list_free(db_bookmark *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].note);
		free(v[i].episode_title);
		free(v[i].podcast_title);
	}
	free(v);
}

int dbi_bookmark_chapters(db *d, int64_t episode_id, chapter_list *out)
{
	sqlite3_stmt *st = dbi_prep(d, "SELECT at, note FROM bookmark WHERE episode_id = ?"
				       " ORDER BY at, id");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, episode_id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		chapter c = {
			.start = sqlite3_column_double(st, 0),
			.end = -1,
			.title = dbi_col_text(st, 1),
			.source = CHAP_SRC_USER,
		};
		chapter_list_push(out, c);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : dbi_fail(d, "bookmarks");
}

int db_bookmark_chapters(db *d, int64_t episode_id, chapter_list *out)
{
	return dbi_bookmark_chapters(d, episode_id, out);
}

static void fill_bookmark_hit(sqlite3_stmt *st, void *p)
{
	db_search_hit *h = p;
	memset(h, 0, sizeof *h);
	h->kind = DB_HIT_CHAPTER;
	h->source = CHAP_SRC_USER;
	h->episode_id = sqlite3_column_int64(st, 0);
	h->podcast_id = sqlite3_column_int64(st, 1);
	h->title = dbi_col_text(st, 2);
	h->episode_title = dbi_col_text(st, 3);
	h->podcast_title = dbi_col_text(st, 4);
	h->start = sqlite3_column_double(st, 5);
	h->rank = sqlite3_column_double(st, 6);
	h->played = sqlite3_column_int(st, 7);
	h->position = dbi_col_opt_double(st, 8);
	h->duration = dbi_col_opt_double(st, 9);
}

static void release_hits(void *v, size_t n)
{
	db_search_free(v, n);
}

int dbi_bookmark_hits(db *d, const char *fts, size_t limit, db_search_hit **out, size_t *n)
{
	sqlite3_stmt *st = dbi_prep(d,
		"SELECT b.episode_id, e.podcast_id, b.note, e.title, p.title, b.at, f.rank,"
		"  e.played, e.position, e.duration"
		" FROM bookmark_fts f JOIN bookmark b ON b.id = f.rowid"
		" JOIN episode e ON e.id = b.episode_id JOIN podcast p ON p.id = e.podcast_id"
		" WHERE bookmark_fts MATCH ?1 ORDER BY f.rank, b.id LIMIT ?2");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, fts, -1, SQLITE_STATIC);
	dbi_bind_size(st, 2, limit);
	void *v;
	int rc = dbi_collect_rows(d, st, sizeof **out, fill_bookmark_hit, release_hits, &v, n,
				  "search bookmarks");
	*out = v;
	return rc;
}

/* --- heard stretches ---------------------------------------------------- */

int db_heard_get(db *d, int64_t episode_id, heard_list *out)
{
	sqlite3_stmt *st = dbi_prep(d, "SELECT start, end_time FROM heard WHERE episode_id = ?"
				       " ORDER BY start");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, episode_id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		heard_add(out, sqlite3_column_double(st, 0), sqlite3_column_double(st, 1));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : dbi_fail(d, "heard stretches");
}

int db_heard_clear(db *d, int64_t episode_id)
{
	sqlite3_stmt *st = dbi_prep(d, "DELETE FROM heard WHERE episode_id = ?");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, episode_id);
	return dbi_run(d, st, "forget heard stretches");
}

static int heard_write(db *d, int64_t episode_id, const heard_list *l)
{
	if (db_heard_clear(d, episode_id) != 0)
		return -1;
	sqlite3_stmt *st = dbi_prep(d, "INSERT INTO heard (episode_id, start, end_time)"
				       " VALUES (?, ?, ?)");
	if (!st)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < l->n && rc == 0; i++) {
		sqlite3_bind_int64(st, 1, episode_id);
		sqlite3_bind_double(st, 2, l->v[i].a);
		sqlite3_bind_double(st, 3, l->v[i].b);
		rc = dbi_step_reset(d, st, "store heard stretch");
	}
	sqlite3_finalize(st);
	return rc;
}

int db_heard_add(db *d, int64_t episode_id, const heard_list *add)
{
	if (!add->n)
		return 0;
	int own;
	int rc = dbi_txn_begin(d, &own);
	heard_list all = HEARD_LIST_INIT;
	if (rc == 0)
		rc = db_heard_get(d, episode_id, &all);
	for (size_t i = 0; rc == 0 && i < add->n; i++)
		heard_add(&all, add->v[i].a, add->v[i].b);
	if (rc == 0)
		rc = heard_write(d, episode_id, &all);
	heard_clear(&all);
	return dbi_txn_end(d, own, rc);
}

/* --- skip rules --------------------------------------------------------- */

static void fill_string(sqlite3_stmt *st, void *p)
{
	*(char **)p = dbi_col_text(st, 0);
}

static void release_strings(void *v, size_t n)
{
	db_strings_free(v, n);
}

void db_strings_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int db_skip_rules(db *d, int64_t podcast_id, char ***pats, size_t *n)
{
	sqlite3_stmt *st = dbi_prep(d, "SELECT pattern FROM skip_rule WHERE podcast_id = ?"
				       " ORDER BY pattern");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, podcast_id);
	void *v;
	int rc = dbi_collect_rows(d, st, sizeof **pats, fill_string, release_strings, &v, n,
				  "skip rules");
	*pats = v;
	return rc;
}

static int podcast_exists(db *d, int64_t id)
{
	return dbi_row_exists(d, "SELECT 1 FROM podcast WHERE id = ?1", id, NULL, "find podcast");
}

int db_skip_rule_add(db *d, int64_t podcast_id, const char *pattern)
{
	int have = podcast_exists(d, podcast_id);
	if (have <= 0)
		return have < 0 ? -1 : 1;
	sqlite3_stmt *st = dbi_prep(d, "INSERT OR IGNORE INTO skip_rule (podcast_id, pattern)"
				       " VALUES (?, ?)");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, podcast_id);
	dbi_bind_text(st, 2, pattern);
	if (dbi_run(d, st, "add skip rule") != 0)
		return -1;
	return sqlite3_changes(d->h) ? 0 : 2;
}

int db_skip_rule_remove(db *d, int64_t podcast_id, const char *pattern)
{
	sqlite3_stmt *st = dbi_prep(d, "DELETE FROM skip_rule WHERE podcast_id = ? AND pattern = ?");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, podcast_id);
	dbi_bind_text(st, 2, pattern);
	if (dbi_run(d, st, "remove skip rule") != 0)
		return -1;
	return sqlite3_changes(d->h) ? 0 : 1;
}

int db_podcast_skip_end(db *d, int64_t podcast_id, int outro, double *secs)
{
	sqlite3_stmt *st = dbi_prep(d, outro ? "SELECT skip_outro FROM podcast WHERE id = ?"
					     : "SELECT skip_intro FROM podcast WHERE id = ?");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, podcast_id);
	int rc = sqlite3_step(st);
	int found = rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL;
	if (found)
		*secs = sqlite3_column_double(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return dbi_fail(d, "read skip seconds");
	return found ? 0 : 1;
}

int db_podcast_set_skip_end(db *d, int64_t podcast_id, int outro, double secs)
{
	sqlite3_stmt *st = dbi_prep(d, outro ? "UPDATE podcast SET skip_outro = ? WHERE id = ?"
					     : "UPDATE podcast SET skip_intro = ? WHERE id = ?");
	if (!st)
		return -1;
	dbi_bind_opt_double(st, 1, secs >= 0 && isfinite(secs) ? secs : -1);
	sqlite3_bind_int64(st, 2, podcast_id);
	if (dbi_run(d, st, "save skip seconds") != 0)
		return -1;
	return sqlite3_changes(d->h) ? 0 : 1;
}

/* The episode's podcast, 0 when unknown. */
static int64_t podcast_of(db *d, int64_t episode_id)
{
	sqlite3_stmt *st = dbi_prep(d, "SELECT podcast_id FROM episode WHERE id = ?");
	if (!st)
		return 0;
	sqlite3_bind_int64(st, 1, episode_id);
	int64_t id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return id;
}

int db_chapter_skips(db *d, int64_t episode_id, const chapter_list *c, int *skip)
{
	char **pats = NULL;
	size_t npats = 0;
	if (db_skip_rules(d, podcast_of(d, episode_id), &pats, &npats) != 0)
		return -1;
	for (size_t i = 0; i < c->n; i++)
		skip[i] = c->v[i].source != CHAP_SRC_USER &&
			  skip_title_matches(pats, npats, c->v[i].title);
	db_strings_free(pats, npats);
	sqlite3_stmt *st = dbi_prep(d, "SELECT start, skip FROM chapter_skip WHERE episode_id = ?");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, episode_id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		double start = sqlite3_column_double(st, 0);
		for (size_t i = 0; i < c->n; i++)
			if (c->v[i].source != CHAP_SRC_USER && fabs(c->v[i].start - start) < 0.01)
				skip[i] = sqlite3_column_int(st, 1) != 0;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : dbi_fail(d, "chapter skips");
}

int db_chapter_skip_toggle(db *d, int64_t episode_id, const chapter_list *c, size_t i, int *on)
{
	if (i >= c->n || c->v[i].source == CHAP_SRC_USER)
		return 1;
	int *skip = xcalloc(c->n, sizeof *skip);
	int rc = db_chapter_skips(d, episode_id, c, skip);
	*on = !skip[i];
	free(skip);
	return rc == 0 ? db_chapter_skip_set(d, episode_id, c->v[i].start, *on) : -1;
}

int db_chapter_skip_set(db *d, int64_t episode_id, double start, int skip)
{
	sqlite3_stmt *st = dbi_prep(d, "INSERT INTO chapter_skip (episode_id, start, skip)"
				       " VALUES (?, ?, ?) ON CONFLICT (episode_id, start)"
				       " DO UPDATE SET skip = excluded.skip");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, episode_id);
	sqlite3_bind_double(st, 2, start);
	sqlite3_bind_int(st, 3, skip != 0);
	return dbi_run(d, st, "toggle chapter skip");
}
