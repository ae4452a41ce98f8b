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
	return dbi_row_exists(d, "SELECT 1 FROM episode WHERE id = ?1", episode_id, NULL,
			      "find episode");
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

/* Matching segments, newest first. Not ranked by bm25, whose word
 * statistics read a word's whole doclist at every query (30 ms for a
 * common word over two million segments). */
static const char match_sql[] =
	"SELECT rowid FROM transcript_fts WHERE transcript_fts MATCH ?1 ORDER BY rowid DESC";
/* One hit's columns, for segment ?1. */
static const char hit_sql[] =
	"SELECT ?1 >> 16, e.podcast_id, s.text, e.title, p.title, s.start, 0,"
	" e.played, e.position, e.duration"
	" FROM transcript_segment s JOIN episode e ON e.id = ?1 >> 16"
	" JOIN podcast p ON p.id = e.podcast_id WHERE s.id = ?1";

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

/* At most this many matching segments are read (the newest): a word said
 * in most episodes matches millions of segments, a hundred or more in
 * each episode. */
#define TRANSCRIPT_READ_CAP 50000

/* Frees the strings of n hits (not the array). */
static void drop_hits(db_search_hit *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].title);
		free(v[i].episode_title);
		free(v[i].podcast_title);
	}
}

/* Appends the transcript hits t (newest episode first) to *out (ranked):
 * when both have more than fit in limit, the transcript hits keep at
 * least half of it, so that they show even for a word common in titles
 * and notes. */
static void merge(db_search_hit **out, size_t *n, db_search_hit *t, size_t tn, size_t limit)
{
	if (!tn) {
		free(t); /* nothing to merge: *out stays as it is (NULL when empty) */
		return;
	}
	size_t keep = *n;
	if (keep + tn > limit)
		keep = tn >= limit - limit / 2 ? limit / 2 : limit - tn;
	if (keep > *n)
		keep = *n;
	size_t nt = tn < limit - keep ? tn : limit - keep;
	db_search_hit *v = xmalloc((keep + nt ? keep + nt : 1) * sizeof *v);
	if (keep) /* *out may be NULL */
		memcpy(v, *out, keep * sizeof *v);
	memcpy(v + keep, t, nt * sizeof *v);
	if (*n > keep)
		drop_hits(*out + keep, *n - keep);
	drop_hits(t + nt, tn - nt);
	free(*out);
	free(t);
	*out = v;
	*n = keep + nt;
}

/* The segments (rowids) to show for fts: walking the matches newest
 * first, each episode's DB_SEARCH_TRANSCRIPT_PER_EPISODE earliest ones
 * (its last ones in this order), until limit. */
static int pick(db *d, const char *fts, size_t limit, int64_t **ids, size_t *n)
{
	sqlite3_stmt *st = dbi_prep(d, match_sql);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, fts, -1, SQLITE_STATIC);
	enum { K = DB_SEARCH_TRANSCRIPT_PER_EPISODE };
	int64_t ring[K], ep = -1;
	size_t inring = 0, read = 0;
	*ids = xmalloc((limit + K) * sizeof **ids);
	*n = 0;
	int rc;
	for (;;) {
		rc = sqlite3_step(st);
		int64_t rid = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
		if (rc == SQLITE_ROW && rid >> 16 == ep && ++read < TRANSCRIPT_READ_CAP) {
			ring[inring++ % K] = rid; /* keeps the last K: the earliest */
			continue;
		}
		/* Another episode (or the end): the one before is complete. */
		size_t k = inring < K ? inring : K;
		for (size_t i = 0; i < k && *n < limit; i++) /* in time order */
			(*ids)[(*n)++] = ring[(inring - 1 - i) % K];
		if (rc != SQLITE_ROW || *n >= limit || read >= TRANSCRIPT_READ_CAP)
			break;
		ep = rid >> 16;
		ring[0] = rid;
		inring = 1;
		read++;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return 0;
	free(*ids);
	*ids = NULL;
	return dbi_fail(d, "search transcripts");
}

int dbi_transcript_hits(db *d, const char *fts, const char *const *words, size_t nw,
			size_t rank_cap, size_t limit, db_search_hit **out, size_t *n)
{
	(void)rank_cap;
	int64_t *ids;
	size_t nid;
	/* Only as many as merge() can keep: the transcripts get what the
	 * other hits leave of limit, and at least half of it. Reading the
	 * matches costs most when the words are common and seldom together. */
	size_t want = limit - (*n < limit / 2 ? *n : limit / 2);
	if (pick(d, fts, want, &ids, &nid) != 0)
		return -1;
	sqlite3_stmt *st = nid ? dbi_prep(d, hit_sql) : NULL;
	if (nid && !st) {
		free(ids);
		return -1;
	}
	db_search_hit *t = xmalloc((nid ? nid : 1) * sizeof *t);
	size_t tn = 0;
	int rc = SQLITE_DONE;
	for (size_t i = 0; i < nid; i++) {
		sqlite3_bind_int64(st, 1, ids[i]);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			fill(st, &t[tn++], words, nw);
		else if (rc != SQLITE_DONE)
			break;
		sqlite3_reset(st);
		rc = SQLITE_DONE;
	}
	sqlite3_finalize(st);
	free(ids);
	if (rc != SQLITE_DONE) {
		db_search_free(t, tn);
		return dbi_fail(d, "search transcripts");
	}
	merge(out, n, t, tn, limit);
	return 0;
}
