/*
 * db_search.c - full-text search over episode titles, show notes and
 * chapter titles (the FTS5 index search_fts of schema version 3; see the
 * migration in db_migrate.c for how triggers keep it in sync), with the
 * hits in transcripts (their own index: db_transcript.c) merged in. Contract in
 * db.h. Also the module's bulk indexing (dbi_search_defer and the rest,
 * contract in db_int.h), which the writers of db_store.c and
 * db_chapter.c use instead of the triggers.
 *
 * User text never reaches FTS5 as query syntax. It is split into tokens
 * by the very tokenizer the index uses (unicode61 remove_diacritics 2,
 * obtained through the fts5_api), so the words searched are exactly the
 * words indexed: no operator, quote, column filter or parenthesis can be
 * expressed, and a query with no token is known to have no hits before
 * FTS5 is asked. Each token is then written as a quoted FTS5 string,
 * joined by spaces (implicit AND), the last one with a prefix '*' when it
 * has SEARCH_PREFIX_MIN characters or more (see search_run).
 *
 * Duplicate chapters (the same chapter found by several sources) are
 * dropped here rather than in SQL: a chapter hit is dropped when a
 * chapter of the same episode from a preferred source, starting within
 * 1 s, matches the query too. Whether it matches is decided by
 * tokenizing its title, which for this AND-of-words query language is
 * exactly what the index would answer, without asking FTS5 per chapter.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_int.h"
#include "util.h"

/* Must match the tokenize= option of search_fts in the v3 migration. */
#define SEARCH_TOKENIZER "unicode61"
#define SEARCH_TOKENIZER_ARGS {"remove_diacritics", "2"}

/* The last word is also a prefix when it has at least this many
 * characters: shorter ones are usually whole words ("go", "AI"), and
 * expanding them would merge the lists of a large part of the vocabulary
 * (the index keeps ready-made lists for 3- and 4-character prefixes). */
#define SEARCH_PREFIX_MIN 3

/* At most this many matches are ranked: the newest ones in index order
 * (newest episode first, each with its chapters). Ranking reads each
 * match's word positions (podcue_rank, db_rank.c: under a microsecond a
 * match), and a word found in a third of a 1,000,000-episode library
 * would otherwise take a good part of a second to rank. Below the cap
 * (every query on a small library, and any specific one on a large
 * library) all matches are ranked. */
#define SEARCH_RANK_CAP 5000

_Static_assert(DB_SEARCH_MAX_WORDS <= 32, "matched words are a 32-bit mask");

/* --- tokens --------------------------------------------------------------- */

struct tokens {
	char *v[DB_SEARCH_MAX_WORDS];
	size_t n;
};

/* The index's tokenizer, created once per search. */
struct tokenizer {
	fts5_tokenizer tk;
	Fts5Tokenizer *tok;
};

static void tokens_free(struct tokens *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i]);
	t->n = 0;
}

static int tokenizer_open(db *d, struct tokenizer *z)
{
	fts5_api *api = NULL;
	sqlite3_stmt *st = dbi_prep(d, "SELECT fts5(?1)");
	if (!st)
		return -1;
	sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	const char *args[] = SEARCH_TOKENIZER_ARGS;
	void *ud = NULL;
	z->tok = NULL;
	if (dbi_rank_register(d, api) != 0)
		return -1;
	if (!api || api->xFindTokenizer(api, SEARCH_TOKENIZER, &ud, &z->tk) != SQLITE_OK ||
	    z->tk.xCreate(ud, args, (int)(sizeof args / sizeof *args), &z->tok) != SQLITE_OK) {
		free(d->err);
		d->err = xstrdup("search: no FTS5 " SEARCH_TOKENIZER " tokenizer in this SQLite");
		return -1;
	}
	return 0;
}

static void tokenizer_close(struct tokenizer *z)
{
	if (z->tok)
		z->tk.xDelete(z->tok);
	z->tok = NULL;
}

/* Runs the tokenizer over text, calling cb for each token. */
static int tokenize(struct tokenizer *z, int flags, const char *text, void *ctx,
		    int (*cb)(void *, int, const char *, int, int, int))
{
	size_t len = strlen(text);
	int rc = z->tk.xTokenize(z->tok, ctx, flags, text, len > INT_MAX ? INT_MAX : (int)len, cb);
	return rc == SQLITE_OK || rc == SQLITE_DONE ? 0 : -1;
}

/* xTokenize callback: keeps the first DB_SEARCH_MAX_WORDS tokens. */
static int keep_token(void *ctx, int flags, const char *tok, int len, int start, int end)
{
	struct tokens *t = ctx;
	(void)start;
	(void)end;
	if ((flags & FTS5_TOKEN_COLOCATED) || len <= 0)
		return SQLITE_OK; /* a synonym of the previous token: none here */
	if (t->n == DB_SEARCH_MAX_WORDS)
		return SQLITE_DONE; /* enough words: stop */
	t->v[t->n++] = xstrndup(tok, (size_t)len);
	return SQLITE_OK;
}

/* The query's tokens: the words of the index, at most DB_SEARCH_MAX_WORDS. */
static int query_tokens(db *d, struct tokenizer *z, const char *query, struct tokens *t)
{
	t->n = 0;
	if (tokenize(z, FTS5_TOKENIZE_QUERY, query, t, keep_token) == 0)
		return 0;
	tokens_free(t);
	free(d->err);
	d->err = xstrdup("search: the tokenizer failed");
	return -1;
}

/* Length of a UTF-8 token in characters. */
static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static int last_can_be_prefix(const struct tokens *t)
{
	return utf8_chars(t->v[t->n - 1]) >= SEARCH_PREFIX_MIN;
}

/* '"a" "b" "c"*': every token a quoted string (an embedded '"' doubled,
 * although the tokenizer never yields one), AND-ed, the last a prefix
 * when asked. */
static char *fts_query(const struct tokens *t, int prefix)
{
	sbuf b = SBUF_INIT;
	for (size_t i = 0; i < t->n; i++) {
		if (i)
			sb_putc(&b, ' ');
		sb_putc(&b, '"');
		for (const char *p = t->v[i]; *p; p++) {
			if (*p == '"')
				sb_putc(&b, '"');
			sb_putc(&b, *p);
		}
		sb_putc(&b, '"');
	}
	if (prefix)
		sb_putc(&b, '*');
	return sb_steal(&b);
}

/* --- does a title match the query? ---------------------------------------- */

struct title_match {
	const struct tokens *q;
	int prefix;     /* the last query token is a prefix */
	uint32_t found; /* bit i: query token i seen in the title */
	double *freq;   /* when not NULL: += weight for each token i seen */
	double weight;
};

static int see_token(void *ctx, int flags, const char *tok, int len, int start, int end)
{
	struct title_match *m = ctx;
	(void)flags;
	(void)start;
	(void)end;
	for (size_t i = 0; i < m->q->n; i++) {
		const char *w = m->q->v[i];
		size_t wl = strlen(w);
		int pre = m->prefix && i == m->q->n - 1;
		if ((pre ? (size_t)len >= wl : (size_t)len == wl) && memcmp(tok, w, wl) == 0) {
			m->found |= (uint32_t)1 << i;
			if (m->freq)
				m->freq[i] += m->weight;
		}
	}
	return SQLITE_OK;
}

/* 1 when the index would match title against the query: every query token
 * among the title's tokens (the last as a prefix when prefix is set). */
static int title_matches(struct tokenizer *z, const struct tokens *q, int prefix,
			 const char *title)
{
	struct title_match m = {.q = q, .prefix = prefix, .found = 0};
	if (tokenize(z, FTS5_TOKENIZE_DOCUMENT, title, &m, see_token) != 0)
		return 0;
	uint32_t all = q->n == 32 ? UINT32_MAX : ((uint32_t)1 << q->n) - 1;
	return m.found == all;
}

/* --- the search ----------------------------------------------------------- */

/* ?1 the FTS5 query, ?2 how many ranked matches to consider (best first),
 * ?3..?6 the chapter source names in enum chapter_source order, ?7 the cap,
 * ?8 the words' document counts for podcue_rank (db_rank.c).
 * Rowids are decoded as laid out at DBI_FTS_EPISODE_ROWID (db_int.h).
 *
 * m: the best ?2 of the newest ?7 matches, by rank; k < 0 for an episode,
 *    else the chapter's source (k >> 16, also its preference) and n.
 * Then each match with its episode, podcast and (for chapters) chapter
 * row, best first. The last column tells the caller whether m was cut at
 * ?2 (lower-ranked matches exist: dropped duplicates may have left the
 * answer short). */
static const char search_sql[] =
	"WITH m AS MATERIALIZED ("
	" SELECT rid, r, rid >> 18 AS eid, (rid & 262143) - 1 AS k FROM ("
	"  SELECT rowid AS rid, podcue_rank(search_fts, ?8) AS r FROM search_fts"
	"  WHERE search_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?7)"
	" ORDER BY r LIMIT ?2)"
	" SELECT m.k >= 0, m.eid, e.podcast_id, coalesce(ch.title, e.title), e.title, p.title,"
	"  ch.start, m.r, m.k >> 16, (SELECT count(*) FROM m), e.played, e.position, e.duration"
	" FROM m JOIN episode e ON e.id = m.eid JOIN podcast p ON p.id = e.podcast_id"
	" LEFT JOIN chapter ch ON m.k >= 0 AND ch.episode_id = m.eid AND ch.n = (m.k & 65535)"
	"  AND ch.source = CASE m.k >> 16 WHEN 0 THEN ?3 WHEN 1 THEN ?4 WHEN 2 THEN ?5 ELSE ?6 END"
	" WHERE m.k < 0 OR (ch.episode_id IS NOT NULL AND NOT ch.hidden)"
	" ORDER BY m.r, m.k >= 0, m.eid, ch.start";

/* Titles of the indexed chapters of episode ?1 that start between ?2 and
 * ?3 and come from a source preferred to ?4 (a preference number); ?5..?8
 * the source names in enum chapter_source order. See dup_of_better(). */
static const char dup_sql[] =
	"SELECT title FROM chapter WHERE episode_id = ?1 AND start BETWEEN ?2 AND ?3"
	" AND " DBI_FTS_CHAPTER_INDEXED("chapter")
	" AND CASE source WHEN ?5 THEN 0 WHEN ?6 THEN 1 WHEN ?7 THEN 2 ELSE 3 END < ?4";

_Static_assert(DBI_FTS_SHIFT == 18, "search_sql decodes rowids with 18 low bits");
_Static_assert(CHAP_SRC_JSON == 0 && CHAP_SRC_PSC == 1 && CHAP_SRC_EMBEDDED == 2 &&
		       CHAP_SRC_NOTES == 3 && CHAP_SRC_COUNT == 4,
	       "the search index numbers chapter sources in enum order");

struct search {
	db *d;
	struct tokenizer z;
	struct tokens q;
	int prefix; /* the last token is searched as a prefix */
	char *fts;  /* the FTS5 query for q and prefix */
	/* Each word's index rows (dbi_rank_count), -2 until counted; the last
	 * word's at q.n - 1 as typed, at q.n as a prefix. counts: those of
	 * the words as searched now (NULL: one word, or counting failed). */
	int64_t df[DB_SEARCH_MAX_WORDS + 1];
	int64_t *counts;
	sqlite3_stmt *dup;
};

static void bind_sources(sqlite3_stmt *st, int first)
{
	for (int s = 0; s < CHAP_SRC_COUNT; s++)
		sqlite3_bind_text(st, first + s, chapter_source_name(s), -1, SQLITE_STATIC);
}

/* 1 when the chapter hit (episode, start, source pref) has a duplicate
 * from a preferred source that matches the query as well, 0 when not, -1
 * (error recorded) when the lookup fails. */
static int dup_of_better(struct search *s, int64_t episode_id, double start, int pref)
{
	if (pref <= 0)
		return 0;
	sqlite3_stmt *st = s->dup;
	sqlite3_bind_int64(st, 1, episode_id);
	sqlite3_bind_double(st, 2, start - 1.0);
	sqlite3_bind_double(st, 3, start + 1.0);
	sqlite3_bind_int(st, 4, pref);
	int dup = 0, rc = SQLITE_DONE;
	while (!dup && (rc = sqlite3_step(st)) == SQLITE_ROW)
		dup = title_matches(&s->z, &s->q, s->prefix,
				    (const char *)sqlite3_column_text(st, 0));
	if (!dup && rc != SQLITE_DONE)
		dup = dbi_fail(s->d, "search: duplicate chapters");
	sqlite3_reset(st);
	return dup;
}

/* dup_of_better for the match in the current row of search_sql. */
static int row_is_dup(struct search *s, sqlite3_stmt *st)
{
	if (!sqlite3_column_int(st, 0))
		return 0; /* an episode */
	return dup_of_better(s, sqlite3_column_int64(st, 1), sqlite3_column_double(st, 6),
			     sqlite3_column_int(st, 8));
}

static void fill_hit(sqlite3_stmt *st, db_search_hit *h)
{
	h->kind = sqlite3_column_int(st, 0) ? DB_HIT_CHAPTER : DB_HIT_EPISODE;
	h->episode_id = sqlite3_column_int64(st, 1);
	h->podcast_id = sqlite3_column_int64(st, 2);
	h->title = dbi_col_text(st, 3);
	h->episode_title = dbi_col_text(st, 4);
	h->podcast_title = dbi_col_text(st, 5);
	h->start = h->kind == DB_HIT_CHAPTER ? sqlite3_column_double(st, 6) : -1.0;
	h->source = h->kind == DB_HIT_CHAPTER ? sqlite3_column_int(st, 8) : -1;
	h->rank = sqlite3_column_double(st, 7);
	h->played = sqlite3_column_int(st, 10);
	h->position = dbi_col_opt_double(st, 11);
	h->duration = dbi_col_opt_double(st, 12);
}

/* Frees the strings of n hits, not the array. */
static void hits_free_strings(db_search_hit *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].title);
		free(v[i].episode_title);
		free(v[i].podcast_title);
	}
}

void db_search_free(db_search_hit *v, size_t n)
{
	hits_free_strings(v, n);
	free(v);
}

/* One pass over the best `window` of the newest `rank_cap` matches: up
 * to limit hits into *out / *n (empty on entry); *cut set when the window
 * was full. */
static int search_window(struct search *s, size_t window, size_t rank_cap, size_t limit,
			 db_search_hit **out, size_t *n, int *cut)
{
	sqlite3_stmt *st = dbi_prep(s->d, search_sql);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, s->fts, -1, SQLITE_STATIC);
	dbi_bind_size(st, 2, window);
	bind_sources(st, 3);
	dbi_bind_size(st, 7, rank_cap);
	if (s->counts)
		sqlite3_bind_blob(st, 8, s->counts, (int)(s->q.n * sizeof *s->counts), SQLITE_STATIC);
	size_t cap = 0;
	int rc = SQLITE_DONE;
	*cut = 0;
	while (*n < limit && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		*cut = (size_t)sqlite3_column_int64(st, 9) >= window;
		int dup = row_is_dup(s, st);
		if (dup < 0) {
			sqlite3_finalize(st);
			return -1;
		}
		if (dup)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*out = xrealloc(*out, cap * sizeof **out);
		}
		fill_hit(st, &(*out)[(*n)++]);
	}
	sqlite3_finalize(st);
	/* SQLITE_ROW: stopped at limit. On an error the caller frees *out. */
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : dbi_fail(s->d, "search");
}

/* s->counts for s->q and s->prefix: each word alone as an FTS5 query,
 * counted once per search (the prefix pass recounts only the last). */
static void rank_counts(struct search *s)
{
	free(s->counts);
	s->counts = NULL;
	if (s->q.n < 2)
		return;
	int64_t *v = xcalloc(s->q.n, sizeof *v);
	for (size_t i = 0; i < s->q.n; i++) {
		int pre = s->prefix && i == s->q.n - 1;
		int64_t *df = &s->df[pre ? s->q.n : i];
		if (*df == -2) {
			struct tokens t = {.v = {s->q.v[i]}, .n = 1};
			char *one = fts_query(&t, pre);
			*df = dbi_rank_count(s->d, one);
			free(one);
		}
		if (*df < 0) { /* the search itself will say what failed */
			free(v);
			return;
		}
		v[i] = *df;
	}
	s->counts = v;
}

/* Ranks the matches of s->q (with s->prefix) into at most limit hits. */
static int search_ranked(struct search *s, size_t limit, db_search_hit **out, size_t *n)
{
	free(s->fts);
	s->fts = fts_query(&s->q, s->prefix);
	rank_counts(s);
	/* Look up only as many ranked matches as the answer can need; a
	 * window cut short by dropped duplicate chapters is widened and run
	 * again (up to the cap, past which nothing is ranked). */
	size_t window = limit > SIZE_MAX / 4 ? SIZE_MAX : limit * 2 + 32;
	size_t rank_cap = window > SEARCH_RANK_CAP ? window : SEARCH_RANK_CAP;
	for (;;) {
		int cut;
		if (search_window(s, window, rank_cap, limit, out, n, &cut) != 0)
			return -1;
		if (*n >= limit || !cut || window >= rank_cap)
			return 0;
		db_search_free(*out, *n);
		*out = NULL;
		*n = 0;
		window = window > rank_cap / 4 ? rank_cap : window * 4;
	}
}

/* A last word long enough to be a prefix is first searched as the word
 * itself: when that alone fills the answer (a common, complete word),
 * expanding it would merge the lists of every word it starts, the costly
 * part of a search, for hits that would not fit anyway. The transcripts
 * are searched once, the way the index was last. */
static int search_run(struct search *s, size_t limit, db_search_hit **out, size_t *n)
{
	s->dup = dbi_prep(s->d, dup_sql);
	if (!s->dup)
		return -1;
	bind_sources(s->dup, 5);
	s->prefix = 0;
	if (search_ranked(s, limit, out, n) != 0)
		return -1;
	if (*n < limit && last_can_be_prefix(&s->q)) {
		db_search_free(*out, *n);
		*out = NULL;
		*n = 0;
		s->prefix = 1;
		if (search_ranked(s, limit, out, n) != 0)
			return -1;
	}
	return dbi_transcript_hits(s->d, s->fts, (const char *const *)s->q.v, s->q.n,
				   SEARCH_RANK_CAP, limit, out, n);
}

/* Puts the bookmarks matching fts (the query the search ran last) before
 * the hits, keeping at most limit in all. */
static int with_bookmarks(db *d, const char *fts, size_t limit, db_search_hit **out, size_t *n)
{
	db_search_hit *b;
	size_t nb;
	if (!fts || dbi_bookmark_hits(d, fts, limit, &b, &nb) != 0)
		return fts ? -1 : 0;
	if (!nb)
		return 0;
	size_t keep = *n < limit - nb ? *n : limit - nb;
	db_search_hit *all = xcalloc(nb + keep, sizeof *all);
	memcpy(all, b, nb * sizeof *b);
	if (keep)
		memcpy(all + nb, *out, keep * sizeof **out);
	if (*n > keep) /* the hits left out */
		hits_free_strings(*out + keep, *n - keep);
	free(*out);
	free(b);
	*out = all;
	*n = nb + keep;
	return 0;
}

/* --- episodes not indexed yet (search_pending, db_index.c) ------------- */

/* The first DB_SEARCH_PENDING_SCAN pending episodes (?1; the indexer's
 * order: what it reaches last is what is left unread), and the indexed
 * chapters of those (kind 1), each with what fill_hit reads: the
 * episode's text to match in col 3 (title, notes), the chapter's title. */
static const char pending_sql[] =
	"WITH pe AS MATERIALIZED (SELECT eid FROM"
	" (SELECT eid, raw FROM search_pending ORDER BY eid LIMIT ?1)"
	" WHERE NOT raw OR eid IN (SELECT eid FROM temp.raw_text))"
	" SELECT 0, e.id, e.podcast_id, e.title, e.title, p.title, NULL, 0, -1, 0,"
	"  e.played, e.position, e.duration, coalesce(e.notes_text, rt.text)"
	" FROM pe JOIN episode e ON e.id = pe.eid JOIN podcast p ON p.id = e.podcast_id"
	" LEFT JOIN temp.raw_text rt ON rt.eid = pe.eid"
	" UNION ALL"
	" SELECT 1, e.id, e.podcast_id, c.title, e.title, p.title, c.start, 0,"
	"  CASE c.source WHEN ?2 THEN 0 WHEN ?3 THEN 1 WHEN ?4 THEN 2 ELSE 3 END, 0,"
	"  e.played, e.position, e.duration, NULL"
	" FROM pe JOIN (SELECT episode_id, source, n, start, title, hidden FROM chapter"
	"  UNION ALL SELECT episode_id, source, n, start, title, hidden FROM temp.raw_chapter) c"
	"  ON c.episode_id = pe.eid AND " DBI_FTS_CHAPTER_INDEXED("c")
	" JOIN episode e ON e.id = pe.eid JOIN podcast p ON p.id = e.podcast_id";

/* The raw episodes among those pending_sql reads (db_derive.c): their text
 * and chapters, derived in memory for this search, in tables private to
 * the connection (writing them takes no lock on the cache). */
static const char raw_tables_sql[] =
	"CREATE TEMP TABLE IF NOT EXISTS raw_text (eid INTEGER PRIMARY KEY, text TEXT);"
	"CREATE TEMP TABLE IF NOT EXISTS raw_chapter (episode_id INTEGER, source TEXT,"
	" n INTEGER, start REAL, end_time REAL, title TEXT, url TEXT, img TEXT, hidden INTEGER);"
	"CREATE INDEX IF NOT EXISTS temp.raw_chapter_episode ON raw_chapter (episode_id, source);"
	"DELETE FROM temp.raw_text;"
	"DELETE FROM temp.raw_chapter;";

/* The statements that fill the tables above (the chapters as the cache
 * stores them, dbi_store_chapters). */
struct raw_fill {
	db *d;
	sqlite3_stmt *text;
	dbi_chapter_stmts ch;
};

/* dbi_derive_each's callback: one raw episode into the tables. */
static int raw_row(void *ctx, int64_t eid, const char *notes, db_derived *x)
{
	(void)notes;
	struct raw_fill *r = ctx;
	sqlite3_bind_int64(r->text, 1, eid);
	dbi_bind_text(r->text, 2, x->text);
	if (dbi_step_reset(r->d, r->text, "derive a raw episode") != 0)
		return -1;
	return dbi_store_chapters(r->d, &r->ch, eid, CHAP_SRC_NOTES, &x->chapters);
}

void db_set_search_raw_scan(db *d, int n)
{
	d->raw_scan = n > 0 ? n : 0; /* 0: the default */
}

/* Derives the first raw episodes among those pending_sql reads, within
 * d's budget; *left: how many raw ones it left unread. */
static int raw_prepare(db *d, int64_t *left)
{
	*left = 0;
	if (dbi_exec(d, raw_tables_sql) != 0)
		return -1;
	int budget = !db_have_deriver() ? 0 : d->raw_scan ? d->raw_scan : DB_SEARCH_PENDING_SCAN;
	sqlite3_stmt *nraw = dbi_prep(d, "SELECT count(*) FROM (SELECT raw FROM search_pending"
					 " ORDER BY eid LIMIT ?) WHERE raw");
	if (!nraw)
		return -1;
	sqlite3_bind_int(nraw, 1, DB_SEARCH_PENDING_SCAN);
	int64_t nr = sqlite3_step(nraw) == SQLITE_ROW ? sqlite3_column_int64(nraw, 0) : 0;
	sqlite3_finalize(nraw);
	*left = nr > budget ? nr - budget : 0;
	if (!nr)
		return 0;
	struct raw_fill r = {d, dbi_prep(d, "INSERT INTO temp.raw_text (eid, text) VALUES (?, ?)"),
			     {NULL, NULL}};
	int rc = r.text && dbi_chapter_stmts_init_in(d, &r.ch, "temp.raw_chapter") == 0
			 ? dbi_derive_each(d, DB_SEARCH_PENDING_SCAN, budget, raw_row, &r)
			 : -1;
	sqlite3_finalize(r.text);
	dbi_chapter_stmts_free(&r.ch);
	return rc;
}

/* Would the index match this row of pending_sql? Its rank, as
 * podcue_rank would give it, into *rank. */
static int pending_match(struct search *s, sqlite3_stmt *st, double *rank)
{
	const char *col[2] = {(const char *)sqlite3_column_text(st, 3),
			      (const char *)sqlite3_column_text(st, 13)};
	double freq[DB_SEARCH_MAX_WORDS] = {0}, w[DB_SEARCH_MAX_WORDS];
	uint32_t found = 0;
	for (int c = 0; c < 2; c++) {
		struct title_match m = {.q = &s->q, .prefix = s->prefix, .freq = freq,
					.weight = dbi_rank_column_weight(c)};
		if (col[c] && tokenize(&s->z, FTS5_TOKENIZE_DOCUMENT, col[c], &m, see_token) != 0)
			return 0;
		found |= m.found;
	}
	/* A document matches when each word is in some column. */
	uint32_t all = s->q.n == 32 ? UINT32_MAX : ((uint32_t)1 << s->q.n) - 1;
	if (found != all)
		return 0;
	dbi_rank_weights(s->counts, s->q.n, w);
	*rank = dbi_rank_score(w, freq, s->q.n);
	return 1;
}

static void push_hit(db_search_hit **v, size_t *n, size_t *cap, const db_search_hit *h)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*v = xrealloc(*v, *cap * sizeof **v);
	}
	(*v)[(*n)++] = *h;
}

/* The order of search_sql: rank, then episodes before chapters, then by
 * episode id and start. */
static int by_rank(const void *a, const void *b)
{
	const db_search_hit *x = a, *y = b;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind - y->kind;
	if (x->episode_id != y->episode_id)
		return x->episode_id < y->episode_id ? -1 : 1;
	return (x->start > y->start) - (x->start < y->start);
}

/* Keeps the best limit of the n hits in v (sorted). */
static void keep_best(db_search_hit *v, size_t *n, size_t limit)
{
	if (*n > 1) /* v is NULL when there are none */
		qsort(v, *n, sizeof *v, by_rank);
	if (*n > limit) {
		hits_free_strings(v + limit, *n - limit);
		*n = limit;
	}
}

/* The best limit hits among the pending episodes, sorted, into *pv / *pn. */
static int pending_scan(struct search *s, size_t limit, db_search_hit **pv, size_t *pn)
{
	int64_t left;
	if (raw_prepare(s->d, &left) != 0)
		return -1;
	s->d->unscanned += left;
	sqlite3_stmt *st = dbi_prep(s->d, pending_sql);
	if (!st)
		return -1;
	sqlite3_bind_int(st, 1, DB_SEARCH_PENDING_SCAN);
	bind_sources(st, 2);
	size_t cap = 0;
	int rc = SQLITE_DONE;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		double rank;
		if (!pending_match(s, st, &rank))
			continue;
		int dup = row_is_dup(s, st);
		if (dup < 0)
			break;
		if (dup)
			continue;
		db_search_hit h;
		fill_hit(st, &h);
		h.rank = rank;
		push_hit(pv, pn, &cap, &h);
		if (*pn >= 2 * limit + 64) /* only the best limit can be in the answer */
			keep_best(*pv, pn, limit);
	}
	sqlite3_finalize(st);
	keep_best(*pv, pn, limit);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return dbi_fail(s->d, "search episodes not indexed yet");
	return 0;
}

/* Merges the pending hits (sorted by by_rank) into the index's hits before
 * the transcript hits, keeping at most limit. */
static void merge_pending(db_search_hit **out, size_t *n, db_search_hit *pv, size_t pn,
			  size_t limit)
{
	db_search_hit *all = xcalloc(*n + pn + 1, sizeof *all);
	size_t i = 0, j = 0, k = 0;
	while (i < *n || j < pn) {
		int tr = i < *n && (*out)[i].kind == DB_HIT_TRANSCRIPT;
		int take_p = j < pn && (i == *n || tr || by_rank(&pv[j], &(*out)[i]) < 0);
		all[k++] = take_p ? pv[j++] : (*out)[i++];
	}
	if (k > limit)
		hits_free_strings(all + limit, k - limit);
	free(*out);
	free(pv);
	*out = all;
	*n = k < limit ? k : limit;
}

/* Adds the hits of the episodes the background indexer has not reached. */
static int with_pending(struct search *s, size_t limit, db_search_hit **out, size_t *n)
{
	int64_t np = db_index_pending(s->d);
	if (np < 0)
		return -1;
	s->d->unscanned = np > DB_SEARCH_PENDING_SCAN ? np - DB_SEARCH_PENDING_SCAN : 0;
	if (np == 0)
		return 0;
	if (!s->dup) {
		s->dup = dbi_prep(s->d, dup_sql);
		if (!s->dup)
			return -1;
		bind_sources(s->dup, 5);
	}
	db_search_hit *pv = NULL;
	size_t pn = 0;
	if (pending_scan(s, limit, &pv, &pn) != 0) {
		db_search_free(pv, pn);
		return -1;
	}
	if (pn)
		merge_pending(out, n, pv, pn, limit);
	else
		free(pv);
	return 0;
}

int64_t db_search_unscanned(db *d)
{
	return d->unscanned;
}

int db_search(db *d, const char *query, size_t limit, db_search_hit **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	struct search s = {.d = d};
	for (size_t i = 0; i <= DB_SEARCH_MAX_WORDS; i++)
		s.df[i] = -2;
	if (tokenizer_open(d, &s.z) != 0)
		return -1;
	int rc = query_tokens(d, &s.z, query ? query : "", &s.q);
	if (rc == 0 && s.q.n && limit)
		rc = search_run(&s, limit, out, n);
	if (rc == 0 && s.q.n && limit)
		rc = with_pending(&s, limit, out, n);
	if (rc == 0 && s.q.n && limit)
		rc = with_bookmarks(d, s.fts, limit, out, n);
	if (rc != 0) {
		db_search_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	sqlite3_finalize(s.dup);
	free(s.fts);
	free(s.counts);
	tokens_free(&s.q);
	tokenizer_close(&s.z);
	return rc;
}

/* --- the search index in bulk (see dbi_search_defer in db_int.h) ------ */

int dbi_search_defer(db *d)
{
	return dbi_exec(d, "INSERT OR IGNORE INTO search_defer VALUES (1)");
}

int dbi_search_resume(db *d)
{
	return dbi_exec(d, "DELETE FROM search_defer");
}

/* Runs the statement in q (freed) with ?1 = a and, when it has one, ?2 = b:
 * the WHERE clauses of the reindexing queries take one or two parameters. */
static int run_ab(db *d, sbuf *q, int64_t a, const char *b, const char *what)
{
	sqlite3_stmt *st = dbi_prep(d, q->s);
	sb_free(q);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, a);
	if (sqlite3_bind_parameter_count(st) >= 2)
		dbi_bind_text(st, 2, b);
	return dbi_run(d, st, what);
}

/* The rows of episodes waiting for the indexer (db_index.c) are not in
 * the index: every selection of the writers leaves them out. */
#define EP_NOT_PENDING " AND " DBI_FTS_NOT_PENDING("e.id")
#define CH_NOT_PENDING " AND " DBI_FTS_NOT_PENDING("c.episode_id")

static int reindex_one(db *d, int add, const char *cols, const char *where, const char *np,
		       const char *order, int64_t a, const char *b)
{
	if (strcmp(where, "0") == 0)
		return 0;
	sbuf q = SBUF_INIT;
	sb_puts(&q, add ? "INSERT INTO search_fts (rowid, title, notes) SELECT "
			: "INSERT INTO search_fts (search_fts, rowid, title, notes)"
			  " SELECT 'delete', ");
	sb_puts(&q, cols);
	sb_printf(&q, "(%s)", where);
	sb_puts(&q, np);
	sb_puts(&q, order);
	return run_ab(d, &q, a, b, add ? "index for search" : "unindex for search");
}

int dbi_search_reindex(db *d, int add, const char *ep_where, const char *ch_where, int64_t a,
		       const char *b)
{
	if (reindex_one(d, add, DBI_FTS_EPISODE_COLS, ep_where, EP_NOT_PENDING,
			DBI_FTS_EPISODE_ORDER, a, b) != 0)
		return -1;
	return reindex_one(d, add, DBI_FTS_CHAPTER_COLS, ch_where, CH_NOT_PENDING,
			   DBI_FTS_CHAPTER_ORDER, a, b);
}

/* Copies the index rows selected by where into the temp table `into`. */
static int copy_rows(db *d, const char *into, const char *cols, const char *where,
		     const char *np, int64_t a, const char *b)
{
	if (strcmp(where, "0") == 0)
		return 0;
	sbuf q = SBUF_INIT;
	sb_printf(&q, "INSERT INTO temp.%s (rid, title, notes) SELECT ", into);
	sb_puts(&q, cols);
	sb_printf(&q, "(%s)", where);
	sb_puts(&q, np);
	return run_ab(d, &q, a, b, "note search rows");
}

static int copy_selected(db *d, const char *into, const char *ep_where, const char *ch_where,
			 int64_t a, const char *b)
{
	if (copy_rows(d, into, DBI_FTS_EPISODE_COLS, ep_where, EP_NOT_PENDING, a, b) != 0)
		return -1;
	return copy_rows(d, into, DBI_FTS_CHAPTER_COLS, ch_where, CH_NOT_PENDING, a, b);
}

/* The rows of the connection's temp tables fts_old (the index rows before
 * the writes) and fts_new (after) that differ: to unindex, to index. */
#define FTS_CHANGED(x, y)                                                                \
	" FROM temp." x " LEFT JOIN temp." y " ON " y ".rid = " x ".rid WHERE " y ".rid IS NULL" \
	" OR " y ".title IS NOT " x ".title OR " y ".notes IS NOT " x ".notes ORDER BY " x ".rid"

int dbi_search_snapshot(db *d, const char *ep_where, const char *ch_where, int64_t a,
			const char *b)
{
	if (dbi_exec(d, "CREATE TEMP TABLE IF NOT EXISTS fts_old"
			" (rid INTEGER PRIMARY KEY, title TEXT, notes TEXT);"
			"CREATE TEMP TABLE IF NOT EXISTS fts_new"
			" (rid INTEGER PRIMARY KEY, title TEXT, notes TEXT);"
			"DELETE FROM temp.fts_old; DELETE FROM temp.fts_new;") != 0)
		return -1;
	return copy_selected(d, "fts_old", ep_where, ch_where, a, b);
}

int dbi_search_apply(db *d, const char *ep_where, const char *ch_where, int64_t a,
		     const char *b)
{
	if (copy_selected(d, "fts_new", ep_where, ch_where, a, b) != 0)
		return -1;
	return dbi_exec(d,
		"INSERT INTO search_fts (search_fts, rowid, title, notes)"
		" SELECT 'delete', fts_old.rid, fts_old.title, fts_old.notes"
		FTS_CHANGED("fts_old", "fts_new") ";"
		"INSERT INTO search_fts (rowid, title, notes)"
		" SELECT fts_new.rid, fts_new.title, fts_new.notes"
		FTS_CHANGED("fts_new", "fts_old") ";"
		"DELETE FROM temp.fts_old; DELETE FROM temp.fts_new;");
}
