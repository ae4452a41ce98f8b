/*
 * transcript_bench.c - adds transcripts to a cache built by search_bench,
 * for bench/transcript_search.sh (which then runs search_bench --db on it:
 * the same queries, now over titles, notes, chapters AND transcripts).
 *
 *   build/bench/transcript_bench CACHE [TRANSCRIPTS [SEGMENTS [WORDS]]]
 *   build/bench/transcript_bench --search CACHE QUERY...
 *
 * Gives TRANSCRIPTS (10,000) episodes, spread evenly over the cache (every
 * tenth of 100,000), a transcript of SEGMENTS (225: half an hour in 8 s
 * segments, as word-level JSON is merged) segments of WORDS (20) words,
 * stored through db.h (db_transcript_store) as `podcue transcript` stores
 * them, 100 transcripts a transaction. Words are drawn from the cache's
 * own show notes (so their frequencies follow search_bench's Zipf-like
 * vocabulary, and its queries hit transcripts too). Deterministic.
 * Prints the time taken and lines "RESULT key value unit".
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "db.h"
#include "transcript.h"
#include "util.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void die(const char *what, db *d)
{
	fprintf(stderr, "transcript_bench: %s: %s\n", what, d ? db_errmsg(d) : "?");
	exit(1);
}

/* Every word of the notes of the first episodes, in order (repeats kept). */
struct pool {
	char **w;
	size_t n, cap;
};

static void pool_add_text(struct pool *p, const char *s)
{
	while (s && *s) {
		while (*s == ' ' || *s == '\n')
			s++;
		size_t l = strcspn(s, " \n");
		if (l) {
			if (p->n == p->cap) {
				p->cap = p->cap ? 2 * p->cap : 4096;
				p->w = xrealloc(p->w, p->cap * sizeof *p->w);
			}
			p->w[p->n++] = xstrndup(s, l);
		}
		s += l;
	}
}

static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

#define REPS 21

/* --search CACHE QUERY...: db_search (limit 50, as search_bench) of each
 * query, REPS times after one warm-up: the median wall and CPU time. CPU
 * time is what a search costs when the machine is not shared (the search
 * is one thread on cached pages); wall time is what it took here. */
static int search_mode(int argc, char **argv)
{
	db *d;
	char *err = NULL;
	if (db_open(argv[2], &d, &err) != 0) {
		fprintf(stderr, "transcript_bench: %s\n", err);
		return 1;
	}
	for (int q = 3; q < argc; q++) {
		double wall[REPS], cpu[REPS];
		size_t n = 0, tx = 0;
		for (int r = -1; r < REPS; r++) {
			db_search_hit *v;
			double w0 = now(), c0 = cpu_now();
			if (db_search(d, argv[q], 50, &v, &n) != 0)
				die("search", d);
			double w = now() - w0, c = cpu_now() - c0;
			tx = 0;
			for (size_t i = 0; i < n; i++)
				tx += v[i].kind == DB_HIT_TRANSCRIPT;
			db_search_free(v, n);
			if (r >= 0) {
				wall[r] = w;
				cpu[r] = c;
			}
		}
		qsort(wall, REPS, sizeof *wall, cmp_double);
		qsort(cpu, REPS, sizeof *cpu, cmp_double);
		printf("  %-36s [%zu, %zu transcript] wall %8.3f ms  cpu %8.3f ms\n", argv[q], n, tx,
		       wall[REPS / 2] * 1e3, cpu[REPS / 2] * 1e3);
		printf("RESULT q%d %.3f %.3f ms\n", q - 2, wall[REPS / 2] * 1e3, cpu[REPS / 2] * 1e3);
	}
	db_close(d);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 3 && strcmp(argv[1], "--search") == 0)
		return search_mode(argc, argv);
	if (argc < 2 || argc > 5) {
		fprintf(stderr, "usage: transcript_bench CACHE [TRANSCRIPTS [SEGMENTS [WORDS]]]\n");
		return 2;
	}
	size_t ntx = argc > 2 ? (size_t)atol(argv[2]) : 10000;
	size_t nseg = argc > 3 ? (size_t)atol(argv[3]) : 225;
	size_t nwords = argc > 4 ? (size_t)atol(argv[4]) : 20;
	db *d;
	char *err = NULL;
	if (db_open(argv[1], &d, &err) != 0) {
		fprintf(stderr, "transcript_bench: %s\n", err);
		return 1;
	}
	db_episode *eps;
	size_t neps;
	if (db_episode_list(d, 0, &eps, &neps) != 0)
		die("list episodes", d);
	if (!neps || ntx > neps)
		die("too few episodes", d);
	struct pool p = {0};
	for (size_t i = 0; i < 500 && i < neps; i++) {
		db_episode e;
		if (db_episode_get(d, eps[i * (neps / 500 ? neps / 500 : 1) % neps].id, &e) == 0) {
			pool_add_text(&p, e.notes_text);
			pool_add_text(&p, e.title);
			db_episode_free(&e);
		}
	}
	if (!p.n)
		die("no words in the notes", d);
	printf("transcripts: %zu episodes of %zu, %zu segments of %zu words (pool %zu words)\n",
	       ntx, neps, nseg, nwords, p.n);
	double t0 = now();
	size_t step = neps / ntx;
	sbuf b = SBUF_INIT;
	for (size_t k = 0; k < ntx; k++) {
		if (k % 100 == 0 && db_begin(d) != 0)
			die("begin", d);
		transcript t = TRANSCRIPT_INIT;
		t.format = TRANSCRIPT_JSON;
		t.v = xcalloc(nseg, sizeof *t.v);
		t.n = t.cap = nseg;
		for (size_t s = 0; s < nseg; s++) {
			for (size_t w = 0; w < nwords; w++) {
				if (w)
					sb_putc(&b, ' ');
				sb_puts(&b, p.w[next_rand() % p.n]);
			}
			t.v[s].start = 8.0 * (double)s;
			t.v[s].end = 8.0 * (double)s + 8.0;
			t.v[s].speaker = xstrdup(s % 3 ? "Host" : "Guest");
			t.v[s].text = sb_steal(&b);
		}
		if (db_transcript_store(d, eps[k * step].id, "https://example.org/t.json", &t, NULL,
					NULL, NULL, 1) != 0)
			die("store transcript", d);
		transcript_free(&t);
		if ((k % 100 == 99 || k + 1 == ntx) && db_commit(d) != 0)
			die("commit", d);
		if (k % 1000 == 999)
			printf("  %zu transcripts stored (%.1f s)\n", k + 1, now() - t0);
	}
	double took = now() - t0;
	printf("  stored %zu transcripts (%zu segments) in %.1f s\n", ntx, ntx * nseg, took);
	printf("RESULT transcripts_store %.1f %.1f %.1f s\n", took, took, took);
	db_episode_list_free(eps, neps);
	for (size_t i = 0; i < p.n; i++)
		free(p.w[i]);
	free(p.w);
	db_close(d);
	struct stat st;
	if (stat(argv[1], &st) == 0)
		printf("RESULT cache_size %.1f %.1f %.1f MB\n", st.st_size / 1e6, st.st_size / 1e6,
		       st.st_size / 1e6);
	return 0;
}
