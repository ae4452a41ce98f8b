/*
 * db_derive.c - what an episode's notes give, derived after the store
 * (migration 17; contract at db_set_deriver in db.h).
 *
 * A raw episode has its notes_html and no notes_text, links or notes
 * chapters yet, and is pending for the search index with raw set. The
 * indexer derives it just before indexing it, in the same transaction, so
 * a kill -9 leaves it either raw and pending or derived and indexed.
 * Readers that meet a raw episode derive it in memory and write nothing:
 * the interface reads on its own thread and must never wait on the cache.
 */
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_int.h"
#include "util.h"

/* Set once, before any thread uses the cache. */
static db_deriver_fn deriver;

void db_set_deriver(db_deriver_fn fn)
{
	deriver = fn;
}

int db_have_deriver(void)
{
	return deriver != NULL;
}

void db_derived_free(db_derived *x)
{
	if (!x)
		return;
	free(x->text);
	for (size_t i = 0; i < x->nlinks; i++)
		free(x->links[i]);
	free(x->links);
	chapter_list_clear(&x->chapters);
	memset(x, 0, sizeof *x);
}

int dbi_derive(const char *notes_html, double duration, db_derived *out)
{
	memset(out, 0, sizeof *out);
	if (!deriver)
		return -1;
	if (notes_html)
		deriver(notes_html, duration, out);
	return 0;
}

int dbi_raw(db *d, int64_t eid)
{
	return dbi_row_exists(d, "SELECT 1 FROM search_pending WHERE eid = ? AND raw", eid, NULL,
			      "look up a raw episode");
}

int dbi_derive_raw(db *d, int64_t eid, db_derived *out)
{
	memset(out, 0, sizeof *out);
	if (!deriver)
		return 0;
	sqlite3_stmt *st = dbi_prep(d, "SELECT e.notes_html, e.duration FROM search_pending p"
				       " JOIN episode e ON e.id = p.eid WHERE p.eid = ? AND p.raw");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, eid);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		dbi_derive((const char *)sqlite3_column_text(st, 0), dbi_col_opt_double(st, 1), out);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return dbi_fail(d, "read a raw episode's notes");
	return rc == SQLITE_ROW;
}

/* Stores what the notes of episode eid gave, in place of nothing. */
static int store_derived(db *d, sqlite3_stmt *text, sqlite3_stmt *link, dbi_chapter_stmts *ch,
			 int64_t eid, const db_derived *x)
{
	dbi_bind_text(text, 1, x->text);
	sqlite3_bind_int64(text, 2, eid);
	if (dbi_step_reset(d, text, "store the notes' text") != 0)
		return -1;
	if (dbi_store_links(d, link, eid, x->links, x->nlinks) != 0)
		return -1;
	return dbi_store_chapters(d, ch, eid, CHAP_SRC_NOTES, &x->chapters);
}

void dbi_derived_batch_free(dbi_derived_batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->notes[i]);
		db_derived_free(&b->x[i]);
	}
	free(b->id);
	free(b->notes);
	free(b->x);
	memset(b, 0, sizeof *b);
}

int dbi_derive_each(db *d, int window, int max, dbi_derived_fn fn, void *ctx)
{
	if (!deriver || max <= 0)
		return 0;
	sqlite3_stmt *q = dbi_prep(d, "SELECT e.id, e.notes_html, e.duration FROM"
				      " (SELECT eid, raw FROM search_pending ORDER BY eid LIMIT ?1) p"
				      " JOIN episode e ON e.id = p.eid WHERE p.raw ORDER BY e.id LIMIT ?2");
	if (!q)
		return -1;
	sqlite3_bind_int(q, 1, window);
	sqlite3_bind_int(q, 2, max);
	int rc = 0, step;
	while (rc == 0 && (step = sqlite3_step(q)) == SQLITE_ROW) {
		db_derived x;
		const char *notes = (const char *)sqlite3_column_text(q, 1);
		dbi_derive(notes, dbi_col_opt_double(q, 2), &x);
		rc = fn(ctx, sqlite3_column_int64(q, 0), notes, &x);
		db_derived_free(&x);
	}
	sqlite3_finalize(q);
	if (rc == 0 && step != SQLITE_DONE)
		return dbi_fail(d, "derive raw episodes");
	return rc;
}

/* dbi_derive_each's callback for dbi_derive_ahead: keeps each. */
static int keep_derived(void *ctx, int64_t id, const char *notes, db_derived *x)
{
	dbi_derived_batch *b = ctx;
	if ((b->n & (b->n - 1)) == 0) { /* 0, 1, 2, 4...: full */
		size_t cap = b->n ? b->n * 2 : 1;
		b->id = xrealloc(b->id, cap * sizeof *b->id);
		b->notes = xrealloc(b->notes, cap * sizeof *b->notes);
		b->x = xrealloc(b->x, cap * sizeof *b->x);
	}
	b->id[b->n] = id;
	b->notes[b->n] = notes ? xstrdup(notes) : NULL;
	b->x[b->n] = *x; /* moved */
	memset(x, 0, sizeof *x);
	b->n++;
	return 0;
}

int dbi_derive_ahead(db *d, int batch, dbi_derived_batch *b)
{
	memset(b, 0, sizeof *b);
	int rc = dbi_derive_each(d, batch, batch, keep_derived, b);
	if (rc != 0)
		dbi_derived_batch_free(b);
	return rc;
}

/* ahead's derivation of episode id from these notes, or NULL (ahead is
 * in id order). */
static const db_derived *ahead_of(const dbi_derived_batch *ahead, int64_t id, const char *notes)
{
	size_t lo = 0, hi = ahead ? ahead->n : 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ahead->id[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == (ahead ? ahead->n : 0) || ahead->id[lo] != id)
		return NULL;
	const char *was = ahead->notes[lo];
	return (was && notes && strcmp(was, notes) == 0) ? &ahead->x[lo] : NULL;
}

int dbi_derive_batch(db *d, const dbi_derived_batch *ahead)
{
	if (!deriver)
		return 0;
	sqlite3_stmt *q = dbi_prep(d, "SELECT e.id, e.notes_html, e.duration FROM temp.index_batch b"
				      " JOIN search_pending p ON p.eid = b.eid AND p.raw"
				      " JOIN episode e ON e.id = b.eid");
	sqlite3_stmt *text = dbi_prep(d, "UPDATE episode SET notes_text = ? WHERE id = ?");
	sqlite3_stmt *link = dbi_prep(d, DBI_ADD_LINK_SQL);
	dbi_chapter_stmts ch = {0};
	int rc = q && text && link && dbi_chapter_stmts_init(d, &ch) == 0 ? 0 : -1;
	int step = SQLITE_DONE;
	while (rc == 0 && (step = sqlite3_step(q)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(q, 0);
		const char *notes = (const char *)sqlite3_column_text(q, 1);
		/* Derived before the lock was taken, unless the episode
		 * changed since (a refresh stored new notes). */
		const db_derived *x = ahead_of(ahead, id, notes);
		db_derived now = {0};
		if (!x) {
			dbi_derive(notes, dbi_col_opt_double(q, 2), &now);
			x = &now;
		}
		rc = store_derived(d, text, link, &ch, id, x);
		db_derived_free(&now);
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = dbi_fail(d, "derive raw episodes");
	sqlite3_finalize(q);
	sqlite3_finalize(text);
	sqlite3_finalize(link);
	dbi_chapter_stmts_free(&ch);
	if (rc == 0)
		rc = dbi_exec(d, "UPDATE search_pending SET raw = 0 WHERE raw AND eid IN"
				 " (SELECT eid FROM temp.index_batch)");
	return rc;
}
