/*
 * db_rank.c - how search hits are ranked (see db_int.h): podcue_rank, an
 * FTS5 auxiliary function, in place of FTS5's bm25.
 *
 * bm25 costs what podcue cannot pay at scale, twice over. For its word
 * statistics it reads, on its first row, the whole list of every query
 * word: 12 ms for a word in 300,000 of 1.2 million index rows, whatever
 * the LIMIT. And for its length normalisation it looks up every ranked
 * row's size in the index's docsize table, a B-tree search each (3 us a
 * row). podcue_rank is BM25 without the length normalisation (b = 0: the
 * saturation of repeated words stays, so long show notes saying a word
 * ten times do not bury a title that says it once), with each word's
 * document count counted only up to RANK_DF_CAP rows before the query
 * (each word once per search).
 * The counts matter only between the words of one query (a lone word's
 * weight is the same for every hit), so a one-word query counts nothing;
 * and they are scaled to average 1, which keeps the ranks of every query
 * on one scale: minus 1.96 per word found in a title, minus 1 per word in
 * the notes alone (what dbi_rank_guess gives hits read outside the index).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "db_int.h"
#include "util.h"

#define RANK_K1 1.2
/* Column weights (title, notes): a word in a title counts ten times a word
 * in the show notes. */
static const double rank_weight[2] = {10.0, 1.0};
/* A word's rows are counted up to here: past it a word is common, and
 * how common barely moves its weight (log of the count). */
#define RANK_DF_CAP 5000

/* The words' weights for this query, computed on its first row from the
 * document counts (a blob of int64, one per phrase) and the row count. */
struct rank_idf {
	int n;
	double w[DB_SEARCH_MAX_WORDS];
};

static struct rank_idf *rank_idf_of(const Fts5ExtensionApi *api, Fts5Context *fts,
				    sqlite3_value *counts)
{
	struct rank_idf *r = api->xGetAuxdata(fts, 0);
	if (r)
		return r;
	r = sqlite3_malloc(sizeof *r);
	if (!r)
		return NULL;
	int n = api->xPhraseCount(fts);
	r->n = n < DB_SEARCH_MAX_WORDS ? n : DB_SEARCH_MAX_WORDS;
	sqlite3_int64 rows = 0;
	size_t have = counts && sqlite3_value_type(counts) == SQLITE_BLOB
			      ? (size_t)sqlite3_value_bytes(counts) / sizeof(int64_t)
			      : 0;
	const unsigned char *blob = have ? sqlite3_value_blob(counts) : NULL;
	if (have && api->xRowCount(fts, &rows) != SQLITE_OK)
		have = 0;
	double sum = 0;
	for (int i = 0; i < r->n; i++) {
		int64_t df = 0;
		if ((size_t)i < have)
			memcpy(&df, blob + (size_t)i * sizeof df, sizeof df);
		double idf = (size_t)i < have ? log(((double)rows - (double)df + 0.5) / ((double)df + 0.5))
					      : 1.0;
		r->w[i] = idf > 1e-6 ? idf : 1e-6; /* as bm25: a word in most rows still counts */
		sum += r->w[i];
	}
	for (int i = 0; i < r->n && sum > 0; i++)
		r->w[i] *= r->n / sum;
	if (api->xSetAuxdata(fts, r, sqlite3_free) != SQLITE_OK)
		return NULL; /* xSetAuxdata freed r */
	return r;
}

/* podcue_rank(search_fts [, counts]): lower (more negative) is better. */
static void rank_fn(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int nval,
		    sqlite3_value **val)
{
	struct rank_idf *r = rank_idf_of(api, fts, nval > 0 ? val[0] : NULL);
	int ninst = 0;
	if (!r || api->xInstCount(fts, &ninst) != SQLITE_OK) {
		sqlite3_result_error(ctx, "podcue_rank: cannot read the match", -1);
		return;
	}
	double freq[DB_SEARCH_MAX_WORDS] = {0};
	for (int i = 0; i < ninst; i++) {
		int phrase, col, off;
		if (api->xInst(fts, i, &phrase, &col, &off) == SQLITE_OK && phrase >= 0 &&
		    phrase < r->n && col >= 0 && col < 2)
			freq[phrase] += rank_weight[col];
	}
	double score = 0;
	for (int i = 0; i < r->n; i++)
		score += r->w[i] * freq[i] * (RANK_K1 + 1) / (freq[i] + RANK_K1);
	sqlite3_result_double(ctx, -score);
}

int dbi_rank_register(db *d, fts5_api *api)
{
	if (d->rank_ready)
		return 0;
	if (!api || api->xCreateFunction(api, "podcue_rank", NULL, rank_fn, NULL) != SQLITE_OK) {
		free(d->err);
		d->err = xstrdup("search: cannot register its ranking function");
		return -1;
	}
	d->rank_ready = 1;
	return 0;
}

int64_t dbi_rank_count(db *d, const char *phrase)
{
	sqlite3_stmt *st = dbi_prep(d, "SELECT count(*) FROM (SELECT 1 FROM search_fts"
				       " WHERE search_fts MATCH ?1 LIMIT ?2)");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, phrase, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, RANK_DF_CAP);
	int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_finalize(st);
	return n;
}

double dbi_rank_guess(size_t words, int in_title)
{
	double f = in_title ? rank_weight[0] : rank_weight[1];
	return -(double)words * f * (RANK_K1 + 1) / (f + RANK_K1);
}
