/*
 * db_transcript.c - fetched transcripts in the cache: their fetch state,
 * their segments and the search index over them (schema version 11; see
 * the migration for the tables). Contract in db.h; the transcript part of
 * db_search is dbi_transcript_hits (db_int.h).
 *
 * Segments are written in bulk: one statement unindexes an episode's old
 * rows, one deletes them, the new rows are inserted, then one statement
 * indexes them (FTS5 writes an index segment per statement, so indexing
 * row by row would cost a segment per row).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_int.h"
#include "util.h"

#define SEG_SHIFT 16
#define SEG_MAX 65536
/* The rowid range of episode ?1's segments. */
#define SEG_RANGE "id BETWEEN ?1 * 65536 AND ?1 * 65536 + 65535"

_Static_assert(TRANSCRIPT_MAX_SEGMENTS <= SEG_MAX, "segment numbers fit the rowid layout");

int db_transcript_state_get(db *d, int64_t episode_id, db_transcript_state *out)
{
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st = dbi_prep(d, "SELECT url, format, etag, last_modified, fetched, error,"
				       " (SELECT count(*) FROM transcript_segment WHERE " SEG_RANGE ")"
				       " FROM transcript_file WHERE episode_id = ?1");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, episode_id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->url = dbi_col_text(st, 0);
		out->format = dbi_col_text(st, 1);
		out->etag = dbi_col_text(st, 2);
		out->last_modified = dbi_col_text(st, 3);
		out->fetched = sqlite3_column_int64(st, 4);
		out->error = dbi_col_text(st, 5);
		out->segments = (size_t)sqlite3_column_int64(st, 6);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? 1 : dbi_fail(d, "transcript state");
}

void db_transcript_state_free(db_transcript_state *s)
{
	free(s->url);
	free(s->format);
	free(s->etag);
	free(s->last_modified);
	free(s->error);
	memset(s, 0, sizeof *s);
}

static int run_ep(db *d, const char *sql, int64_t episode_id, const char *what)
{
	sqlite3_stmt *st = dbi_prep(d, sql);
	if (st)
		sqlite3_bind_int64(st, 1, episode_id);
	return dbi_run(d, st, what);
}

static int replace_segments(db *d, int64_t episode_id, const transcript *t)
{
	if (run_ep(d, "INSERT INTO transcript_fts (transcript_fts, rowid, text)"
		      " SELECT 'delete', id, text FROM transcript_segment WHERE " SEG_RANGE,
		   episode_id, "unindex transcript") != 0 ||
	    run_ep(d, "DELETE FROM transcript_segment WHERE " SEG_RANGE, episode_id,
		   "delete transcript") != 0)
		return -1;
	sqlite3_stmt *st = dbi_prep(d, "INSERT INTO transcript_segment"
				       " (id, start, end_time, speaker, text) VALUES (?, ?, ?, ?, ?)");
	if (!st)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < t->n && i < SEG_MAX && rc == 0; i++) {
		const transcript_segment *s = &t->v[i];
		sqlite3_bind_int64(st, 1, episode_id * SEG_MAX + (int64_t)i);
		dbi_bind_opt_double(st, 2, s->start);
		dbi_bind_opt_double(st, 3, s->start >= 0 ? s->end : -1);
		dbi_bind_text(st, 4, s->speaker);
		dbi_bind_text(st, 5, s->text);
		rc = dbi_step_reset(d, st, "store transcript");
	}
	sqlite3_finalize(st);
	if (rc != 0)
		return -1;
	return run_ep(d, "INSERT INTO transcript_fts (rowid, text)"
			 " SELECT id, text FROM transcript_segment WHERE " SEG_RANGE " ORDER BY id",
		      episode_id, "index transcript");
}

static int episode_exists(db *d, int64_t episode_id)
{
	sqlite3_stmt *st = dbi_prep(d, "SELECT 1 FROM episode WHERE id = ?");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, episode_id);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : dbi_fail(d, "find episode");
}

int db_transcript_store(db *d, int64_t episode_id, const char *url, const transcript *t,
			const char *etag, const char *last_modified, const char *error,
			int64_t when)
{
	int own;
	if (dbi_txn_begin(d, &own) != 0)
		return -1;
	int rc = episode_exists(d, episode_id);
	if (rc <= 0)
		return dbi_txn_end(d, own, rc < 0 ? -1 : 1);
	sqlite3_stmt *st;
	if (error || !t) {
		/* Failed or unchanged: the stored segments and validators stay. */
		st = dbi_prep(d, "INSERT INTO transcript_file (episode_id, url, fetched, error)"
				 " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (episode_id) DO UPDATE SET"
				 " url = excluded.url, fetched = excluded.fetched,"
				 " error = excluded.error");
		if (st) {
			sqlite3_bind_int64(st, 1, episode_id);
			dbi_bind_text(st, 2, url);
			sqlite3_bind_int64(st, 3, when);
			dbi_bind_text(st, 4, error);
		}
	} else {
		st = dbi_prep(d, "INSERT OR REPLACE INTO transcript_file (episode_id, url, format,"
				 " etag, last_modified, fetched, error) VALUES (?, ?, ?, ?, ?, ?, NULL)");
		if (st) {
			sqlite3_bind_int64(st, 1, episode_id);
			dbi_bind_text(st, 2, url);
			dbi_bind_text(st, 3, transcript_format_name(t->format));
			dbi_bind_text(st, 4, etag);
			dbi_bind_text(st, 5, last_modified);
			sqlite3_bind_int64(st, 6, when);
		}
	}
	rc = dbi_run(d, st, "record transcript");
	if (rc == 0 && t && !error)
		rc = replace_segments(d, episode_id, t);
	return dbi_txn_end(d, own, rc);
}

int db_transcript_get(db *d, int64_t episode_id, transcript *out)
{
	*out = (transcript)TRANSCRIPT_INIT;
	sqlite3_stmt *st = dbi_prep(d, "SELECT start, end_time, speaker, text,"
				       " (SELECT format FROM transcript_file WHERE episode_id = ?1)"
				       " FROM transcript_segment WHERE " SEG_RANGE " ORDER BY id");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, episode_id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (out->n == out->cap) {
			out->cap = out->cap ? 2 * out->cap : 64;
			out->v = xrealloc(out->v, out->cap * sizeof *out->v);
		}
		transcript_segment *s = &out->v[out->n++];
		s->start = dbi_col_opt_double(st, 0);
		s->end = dbi_col_opt_double(st, 1);
		s->speaker = dbi_col_text(st, 2);
		s->text = dbi_col_text(st, 3);
		if (!s->text)
			s->text = xstrdup("");
		const char *f = (const char *)sqlite3_column_text(st, 4);
		for (int k = TRANSCRIPT_SRT; f && k <= TRANSCRIPT_TEXT; k++)
			if (strcmp(f, transcript_format_name(k)) == 0)
				out->format = k;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		transcript_free(out);
		return dbi_fail(d, "read transcript");
	}
	return out->n ? 0 : 1;
}

/* --- search ------------------------------------------------------------- */

/* Segments longer than this are cut to the words around the hit. */
#define AROUND_BYTES 100
#define AROUND_BEFORE 40

/* Where the first of the query words starts a word of text (ASCII case
 * folded; a word the tokenizer folded from accented letters may not be
 * found: then the start), as a byte offset. */
static size_t find_word(const char *text, const char *const *words, size_t nw)
{
	size_t best = (size_t)-1;
	for (size_t w = 0; w < nw; w++) {
		size_t wl = strlen(words[w]);
		for (size_t i = 0; text[i] && i < best; i++) {
			if (i && isalnum((unsigned char)text[i - 1]))
				continue;
			if (strncasecmp(text + i, words[w], wl) == 0) {
				best = i;
				break;
			}
		}
	}
	return best == (size_t)-1 ? 0 : best;
}

/* "…words around the hit…": the segment, or AROUND_BYTES of it around the
 * first query word, cut at spaces and never inside a character. */
static char *around(const char *text, const char *const *words, size_t nw)
{
	size_t len = strlen(text), a = 0, b = len;
	if (len > AROUND_BYTES) {
		size_t at = find_word(text, words, nw);
		a = at > AROUND_BEFORE ? at - AROUND_BEFORE : 0;
		b = a + AROUND_BYTES < len ? a + AROUND_BYTES : len;
		while (a > 0 && text[a - 1] != ' ' && at - a < AROUND_BEFORE + 20)
			a--;
		while (b < len && text[b] != ' ' && b - a < AROUND_BYTES + 20)
			b++;
		while (a < len && ((unsigned char)text[a] & 0xC0) == 0x80)
			a++;
		while (b < len && ((unsigned char)text[b] & 0xC0) == 0x80)
			b++;
	}
	return xasprintf("\u2026%.*s\u2026", (int)(b - a), text + a);
}

/* ?1 the FTS5 query, ?2 how many ranked matches, ?3 the cap on matches
 * ranked (the newest), ?4 hits per episode. */
static const char hits_sql[] =
	"WITH m AS MATERIALIZED ("
	" SELECT rid, r FROM ("
	"  SELECT rowid AS rid, bm25(transcript_fts) AS r FROM transcript_fts"
	"  WHERE transcript_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?3)"
	" ORDER BY r LIMIT ?2),"
	" k AS (SELECT rid, r, row_number() OVER (PARTITION BY rid >> 16 ORDER BY r, rid) AS nth"
	"  FROM m)"
	" SELECT k.rid >> 16, e.podcast_id, s.text, e.title, p.title, s.start, k.r,"
	"  e.played, e.position, e.duration"
	" FROM k JOIN transcript_segment s ON s.id = k.rid JOIN episode e ON e.id = k.rid >> 16"
	" JOIN podcast p ON p.id = e.podcast_id WHERE k.nth <= ?4 ORDER BY k.r, k.rid";

static void fill(sqlite3_stmt *st, db_search_hit *h, const char *const *words, size_t nw)
{
	memset(h, 0, sizeof *h);
	h->kind = DB_HIT_TRANSCRIPT;
	h->episode_id = sqlite3_column_int64(st, 0);
	h->podcast_id = sqlite3_column_int64(st, 1);
	const char *text = (const char *)sqlite3_column_text(st, 2);
	h->title = around(text ? text : "", words, nw);
	h->episode_title = dbi_col_text(st, 3);
	h->podcast_title = dbi_col_text(st, 4);
	h->start = dbi_col_opt_double(st, 5);
	h->rank = sqlite3_column_double(st, 6);
	h->played = sqlite3_column_int(st, 7);
	h->position = dbi_col_opt_double(st, 8);
	h->duration = dbi_col_opt_double(st, 9);
}

/* At most this many matching segments are ranked (the newest): bm25 costs
 * about a microsecond a match, and a word said in most episodes matches
 * millions of segments. Fewer than db_search's 5,000: a segment is a
 * smaller unit than an episode, and a hit is one of a few per episode. */
#define TRANSCRIPT_RANK_CAP 1000

/* Merges the transcript hits t (by rank) into *out (by rank), ties to
 * *out's, keeping at most limit. */
static void merge(db_search_hit **out, size_t *n, db_search_hit *t, size_t tn, size_t limit)
{
	if (!tn) {
		free(t); /* nothing to merge: *out stays as it is (NULL when empty) */
		return;
	}
	size_t total = *n + tn, k = 0, i = 0, j = 0;
	db_search_hit *v = xmalloc(total * sizeof *v);
	while (i < *n || j < tn) {
		int take_t = i >= *n || (j < tn && t[j].rank < (*out)[i].rank);
		db_search_hit *h = take_t ? &t[j++] : &(*out)[i++];
		if (k < limit) {
			v[k++] = *h;
		} else {
			free(h->title);
			free(h->episode_title);
			free(h->podcast_title);
		}
	}
	free(*out);
	free(t);
	*out = v;
	*n = k;
}

int dbi_transcript_hits(db *d, const char *fts, const char *const *words, size_t nw,
			size_t rank_cap, size_t limit, db_search_hit **out, size_t *n)
{
	sqlite3_stmt *st = dbi_prep(d, hits_sql);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, fts, -1, SQLITE_STATIC);
	size_t window = limit > SIZE_MAX / 4 ? SIZE_MAX : limit * 2 + 32;
	dbi_bind_size(st, 2, window);
	if (rank_cap > TRANSCRIPT_RANK_CAP)
		rank_cap = TRANSCRIPT_RANK_CAP;
	dbi_bind_size(st, 3, rank_cap > window ? rank_cap : window);
	sqlite3_bind_int(st, 4, DB_SEARCH_TRANSCRIPT_PER_EPISODE);
	db_search_hit *t = NULL;
	size_t tn = 0, cap = 0;
	int rc = SQLITE_DONE;
	while (tn < limit && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (tn == cap) {
			cap = cap ? 2 * cap : 16;
			t = xrealloc(t, cap * sizeof *t);
		}
		fill(st, &t[tn++], words, nw);
	}
	if (tn >= limit)
		rc = SQLITE_DONE;
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		db_search_free(t, tn);
		return dbi_fail(d, "search transcripts");
	}
	merge(out, n, t, tn, limit);
	return 0;
}
