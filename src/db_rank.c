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
 * on one scale (minus 1.96 per word found once in a title, minus 1 per
 * word found once in the notes alone). The search ranks hits read outside
 * the index (db_search.c, pending episodes) with the same functions.
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

/* Weights are log(RANK_IDF_REF / count): a fixed reference rather than
 * the index's row count, so that hits read outside the index (episodes
 * waiting for the indexer) are ranked with the very same numbers. */
#define RANK_IDF_REF (2.0 * RANK_DF_CAP)

void dbi_rank_weights(const int64_t *df, size_t n, double *w)
{
	double sum = 0;
	for (size_t i = 0; i < n; i++) {
		double idf = df ? log(RANK_IDF_REF / ((double)df[i] + 0.5)) : 1.0;
		w[i] = idf > 1e-6 ? idf : 1e-6;
		sum += w[i];
	}
	for (size_t i = 0; i < n; i++)
		w[i] *= (double)n / sum;
}

double dbi_rank_score(const double *w, const double *freq, size_t n)
{
	double score = 0;
	for (size_t i = 0; i < n; i++)
		score += w[i] * freq[i] * (RANK_K1 + 1) / (freq[i] + RANK_K1);
	return -score;
}

double dbi_rank_column_weight(int col)
{
	return col == 0 ? rank_weight[0] : rank_weight[1];
}

/* The words' weights for this query, computed on its first row from the
 * counts (a blob of int64, one per phrase). */
struct rank_w {
	int n;
	double w[DB_SEARCH_MAX_WORDS];
};

static struct rank_w *rank_w_of(const Fts5ExtensionApi *api, Fts5Context *fts,
				sqlite3_value *counts)
{
	struct rank_w *r = api->xGetAuxdata(fts, 0);
	if (r)
		return r;
	r = sqlite3_malloc(sizeof *r);
	if (!r)
		return NULL;
	int n = api->xPhraseCount(fts);
	r->n = n < DB_SEARCH_MAX_WORDS ? n : DB_SEARCH_MAX_WORDS;
	int64_t df[DB_SEARCH_MAX_WORDS];
	int have = counts && sqlite3_value_type(counts) == SQLITE_BLOB &&
		   (size_t)sqlite3_value_bytes(counts) >= (size_t)r->n * sizeof *df;
	if (have)
		memcpy(df, sqlite3_value_blob(counts), (size_t)r->n * sizeof *df);
	dbi_rank_weights(have ? df : NULL, (size_t)r->n, r->w);
	if (api->xSetAuxdata(fts, r, sqlite3_free) != SQLITE_OK)
		return NULL; /* xSetAuxdata freed r */
	return r;
}

/* podcue_rank(search_fts [, counts]): lower (more negative) is better. */
static void rank_fn(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int nval,
		    sqlite3_value **val)
{
	struct rank_w *r = rank_w_of(api, fts, nval > 0 ? val[0] : NULL);
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
			freq[phrase] += dbi_rank_column_weight(col);
	}
	sqlite3_result_double(ctx, dbi_rank_score(r->w, freq, (size_t)r->n));
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
