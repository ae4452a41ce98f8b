/*
 * search_bench.c - the cache at scale: search, paging and counts.
 *
 *   build/bench/search_bench [PODCASTS [EPISODES [DIR]]]
 *   build/bench/search_bench --db CACHE    (measure an existing cache only)
 *
 * Builds a temporary cache (in a mktemp -d directory under DIR, default
 * $TMPDIR or /tmp; removed at exit unless SEARCH_BENCH_KEEP=1 is set in
 * the environment, for inspection with sqlite3) of PODCASTS (500) podcasts of EPISODES
 * (200) episodes each, through include/db.h only, as a refresh stores
 * them: db_store_feed with show notes as text and chapters found in them,
 * Podlove chapters on a quarter of the podcasts, and a JSON chapters file
 * (db_chapters_set; same chapters half a second later: duplicates that
 * search must collapse) on every tenth episode. All but the newest 20
 * episodes of each podcast are marked played. Text is deterministic: a
 * seeded generator draws words from a synthetic vocabulary with a skewed
 * (Zipf-like) distribution, plus a few words with diacritics.
 *
 * Then reopens the cache (a new connection, as the TUI would) and prints,
 * each as median, min and max over REPS runs (plus the very first call
 * after opening):
 *   db_podcast_list, the first db_episode_page of one podcast and of all
 *   podcasts (all and unplayed only), db_episode_count, a deep page,
 *   db_episode_list of everything (what a screen had to read before), and
 *   db_search over a fixed set of queries (rare, common, several words,
 *   prefixes, diacritics, no hit, hostile syntax), and peak RSS.
 *
 * Output: a readable report plus lines "RESULT key median min max unit".
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "chapter.h"
#include "db.h"
#include "feed.h"
#include "util.h"

#define REPS 21
#define PAGE 50
#define UNPLAYED_PER_PODCAST 20
#define CHAPTERS_PER_EPISODE 8

/* --- timing ------------------------------------------------------------- */

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void report(const char *key, const char *label, double first, double *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_double);
	double med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	printf("  %-44s %8.3f ms  (min %.3f, max %.3f, first %.3f)\n", label, med * 1e3,
	       v[0] * 1e3, v[n - 1] * 1e3, first * 1e3);
	printf("RESULT %s %.3f %.3f %.3f ms\n", key, med * 1e3, v[0] * 1e3, v[n - 1] * 1e3);
}

static void die(const char *what, db *d)
{
	fprintf(stderr, "search_bench: %s: %s\n", what, d ? db_errmsg(d) : "?");
	exit(1);
}

/* --- deterministic text --------------------------------------------------- */

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Uniform in [0, 1). */
static double unit_rand(void)
{
	return (double)(next_rand() >> 11) / 9007199254740992.0;
}

#define VOCAB 6000
static char *vocab[VOCAB];

/* A few real words with diacritics among the synthetic ones (ranks 40+). */
static const char *const accented[] = {"café", "crème", "naïve", "Zürich", "São", "Ångström",
				       "façade", "jalapeño", "smörgåsbord", "déjà"};

static void vocab_init(void)
{
	static const char *const cons[] = {"b", "d", "f", "g", "k", "l", "m", "n", "p",
					   "r", "s", "t", "v", "z", "ch", "st", "tr", "pl"};
	static const char *const vow[] = {"a", "e", "i", "o", "u", "ai", "ou", "ea"};
	for (size_t i = 0; i < VOCAB; i++) {
		size_t x = i, syl = 2 + i % 3;
		sbuf b = SBUF_INIT;
		for (size_t s = 0; s < syl; s++) {
			sb_puts(&b, cons[x % 18]);
			x /= 18;
			sb_puts(&b, vow[x % 8]);
			x /= 8;
			x += i * 7 + s;
		}
		vocab[i] = sb_steal(&b);
	}
	for (size_t i = 0; i < sizeof accented / sizeof *accented; i++) {
		free(vocab[40 + i * 37]);
		vocab[40 + i * 37] = xstrdup(accented[i]);
	}
}

/* Word ranks skewed towards 0: rank = VOCAB * u^3. */
static const char *word(void)
{
	double u = unit_rand();
	return vocab[(size_t)(u * u * u * VOCAB)];
}

static void words(sbuf *b, int n, int capital)
{
	for (int i = 0; i < n; i++) {
		const char *w = word();
		if (i)
			sb_putc(b, ' ');
		if (capital && i == 0 && *w >= 'a' && *w <= 'z') {
			sb_putc(b, (char)(*w - 'a' + 'A'));
			w++;
		}
		sb_puts(b, w);
	}
}

static char *title(int lo, int hi)
{
	sbuf b = SBUF_INIT;
	words(&b, lo + (int)(next_rand() % (uint64_t)(hi - lo + 1)), 1);
	return sb_steal(&b);
}

/* --- building the cache --------------------------------------------------- */

struct item_text {
	char *notes;
	chapter_list chapters; /* the notes' chapters */
};

static void make_item(feed_item *it, struct item_text *x, int p, int e, int psc)
{
	memset(it, 0, sizeof *it);
	it->key = xasprintf("p%d-e%d", p, e);
	it->guid = xstrdup(it->key);
	it->title = title(3, 8);
	/* Newest first; a few undated episodes exercise the NULLs-last order. */
	it->has_published = e % 97 != 96;
	it->published = 1700000000 - (int64_t)e * 86400 - p * 60;
	it->duration = 3600;
	it->enclosure_url = xasprintf("https://example.org/p%d/e%d.mp3", p, e);
	it->enclosure_length = -1;
	it->feed_order = e;
	sbuf b = SBUF_INIT;
	words(&b, 60 + (int)(next_rand() % 140), 1);
	sb_puts(&b, "\n\nChapters\n");
	x->chapters = (chapter_list)CHAPTER_LIST_INIT;
	for (int c = 0; c < CHAPTERS_PER_EPISODE; c++) {
		char *t = title(2, 5);
		int at = c * 420 + (int)(next_rand() % 60);
		sb_printf(&b, "%02d:%02d %s\n", at / 60, at % 60, t);
		chapter ch = {.start = at, .end = -1, .title = xstrdup(t),
			      .source = CHAP_SRC_NOTES};
		chapter_list_push(&x->chapters, ch);
		if (psc)
			chapter_list_push(&it->psc, (chapter){.start = at, .end = -1, .title = t,
							      .source = CHAP_SRC_PSC});
		else
			free(t);
	}
	x->notes = sb_steal(&b);
	it->notes = xstrdup(x->notes);
}

/* JSON chapters on every tenth episode: the notes' chapters 0.5 s later. */
static void add_json_chapters(db *d, int64_t pid, struct item_text *x, int neps)
{
	db_episode *v;
	size_t n;
	if (db_episode_list(d, pid, &v, &n) != 0)
		die("list", d);
	for (size_t i = 0; i < n; i++) {
		int e = atoi(strchr(v[i].key, 'e') + 1);
		if (e % 10 || e >= neps)
			continue;
		chapter_list l = CHAPTER_LIST_INIT;
		for (size_t c = 0; c < x[e].chapters.n; c++) {
			chapter ch = x[e].chapters.v[c];
			ch.start += 0.5;
			ch.source = CHAP_SRC_JSON;
			chapter_list_push_copy(&l, &ch);
		}
		if (db_chapters_set(d, v[i].id, CHAP_SRC_JSON, &l) != 0)
			die("json chapters", d);
		chapter_list_clear(&l);
	}
	db_episode_list_free(v, n);
}

static void mark_played(db *d, int64_t pid)
{
	db_episode *v;
	size_t n;
	if (db_episode_list(d, pid, &v, &n) != 0)
		die("list", d);
	for (size_t i = UNPLAYED_PER_PODCAST; i < n; i++)
		if (db_episode_set_played(d, v[i].id, 1) != 0)
			die("played", d);
	db_episode_list_free(v, n);
}

static void store_podcast(db *d, int p, int neps)
{
	int64_t pid;
	int existed;
	char *url = xasprintf("https://example.org/p%d/feed.xml", p);
	if (db_podcast_add(d, url, 0, &pid, &existed) != 0)
		die("add", d);
	free(url);
	feed f = {0};
	f.title = xasprintf("Podcast %d %s", p, word());
	f.items = xcalloc((size_t)neps, sizeof *f.items);
	f.nitems = (size_t)neps;
	struct item_text *x = xcalloc((size_t)neps, sizeof *x);
	db_item_extra *extra = xcalloc((size_t)neps, sizeof *extra);
	for (int e = 0; e < neps; e++) {
		make_item(&f.items[e], &x[e], p, e, p % 4 == 0);
		extra[e].notes_text = x[e].notes;
		extra[e].notes_chapters = &x[e].chapters;
	}
	db_store_stats st;
	if (db_begin(d) != 0 || db_store_feed(d, pid, &f, extra, NULL, NULL, 0, 1, &st) != 0)
		die("store", d);
	add_json_chapters(d, pid, x, neps);
	mark_played(d, pid);
	if (db_commit(d) != 0)
		die("commit", d);
	for (int e = 0; e < neps; e++) {
		free(x[e].notes);
		chapter_list_clear(&x[e].chapters);
	}
	free(x);
	free(extra);
	feed_free(&f);
}

/* --- measuring ------------------------------------------------------------ */

enum op { OP_PODCASTS, OP_PAGE, OP_COUNT, OP_LIST, OP_SEARCH };

struct measure {
	const char *key, *label;
	enum op op;
	int64_t podcast;
	int unplayed;
	size_t offset;
	const char *query;
};

/* Runs one operation; returns the number of rows it produced. */
static size_t run_op(db *d, const struct measure *m)
{
	size_t n = 0;
	switch (m->op) {
	case OP_PODCASTS: {
		db_podcast *v;
		if (db_podcast_list(d, &v, &n) != 0)
			die(m->key, d);
		db_podcast_list_free(v, n);
		break;
	}
	case OP_PAGE: {
		db_episode *v;
		if (db_episode_page(d, m->podcast, m->unplayed, m->offset, PAGE, &v, &n) != 0)
			die(m->key, d);
		db_episode_list_free(v, n);
		break;
	}
	case OP_COUNT:
		if (db_episode_count(d, m->podcast, m->unplayed, &n) != 0)
			die(m->key, d);
		break;
	case OP_LIST: {
		db_episode *v;
		if (db_episode_list(d, m->podcast, &v, &n) != 0)
			die(m->key, d);
		db_episode_list_free(v, n);
		break;
	}
	case OP_SEARCH: {
		db_search_hit *v;
		if (db_search(d, m->query, 50, &v, &n) != 0)
			die(m->key, d);
		db_search_free(v, n);
		break;
	}
	}
	return n;
}

static void measure(db *d, const struct measure *m, double *search_all, size_t *nsearch)
{
	double t0 = now();
	size_t rows = run_op(d, m);
	double first = now() - t0;
	double v[REPS];
	for (int r = 0; r < REPS; r++) {
		t0 = now();
		run_op(d, m);
		v[r] = now() - t0;
		if (m->op == OP_SEARCH)
			search_all[(*nsearch)++] = v[r];
	}
	char label[96];
	snprintf(label, sizeof label, "%s [%zu]", m->label, rows);
	report(m->key, label, first, v, REPS);
}

static char *rm_dir;

static void cleanup(void)
{
	if (!rm_dir)
		return;
	const char *keep = getenv("SEARCH_BENCH_KEEP");
	if (keep && strcmp(keep, "1") == 0) {
		printf("kept %s/cache.db\n", rm_dir);
		free(rm_dir);
		return;
	}
	const char *suffix[] = {"", "-wal", "-shm"};
	for (size_t i = 0; i < 3; i++) {
		char *p = xasprintf("%s/cache.db%s", rm_dir, suffix[i]);
		unlink(p);
		free(p);
	}
	rmdir(rm_dir);
	free(rm_dir);
	rm_dir = NULL;
}

/* Builds the cache at path; prints the time taken. */
static void build_cache(const char *path, int npod, int neps)
{
	db *d;
	char *err = NULL;
	if (db_open(path, &d, &err) != 0) {
		fprintf(stderr, "search_bench: %s\n", err);
		exit(1);
	}
	printf("search_bench: %d podcasts x %d episodes = %d episodes\n", npod, neps, npod * neps);
	double t0 = now();
	for (int p = 0; p < npod; p++)
		store_podcast(d, p, neps);
	double build = now() - t0;
	db_close(d);
	printf("  %-44s %8.0f ms  (%.0f episodes/s, search index included)\n",
	       "build (store_feed + chapters + played)", build * 1e3, npod * neps / build);
	printf("RESULT build %.0f %.0f %.0f ms\n", build * 1e3, build * 1e3, build * 1e3);
}

/* Times every operation on the cache at path, on a new connection. */
static void measure_cache(const char *path)
{
	db *d;
	char *err = NULL;
	if (db_open(path, &d, &err) != 0) {
		fprintf(stderr, "search_bench: %s\n", err);
		exit(1);
	}
	size_t npod;
	db_podcast *pods;
	if (db_podcast_list(d, &pods, &npod) != 0 || npod == 0)
		die("no podcasts", d);
	int64_t mid = pods[npod / 2].id;
	db_podcast_list_free(pods, npod);
	const struct measure ms[] = {
		{"podcast_list", "db_podcast_list (with counts)", OP_PODCASTS, 0, 0, 0, NULL},
		{"page_podcast", "db_episode_page podcast, first 50", OP_PAGE, mid, 0, 0, NULL},
		{"page_podcast_unplayed", "db_episode_page podcast unplayed", OP_PAGE, mid, 1, 0,
		 NULL},
		{"page_all", "db_episode_page all podcasts, first 50", OP_PAGE, 0, 0, 0, NULL},
		{"page_all_unplayed", "db_episode_page all unplayed", OP_PAGE, 0, 1, 0, NULL},
		{"page_all_deep", "db_episode_page all, offset 50000", OP_PAGE, 0, 0, 50000, NULL},
		{"count_podcast", "db_episode_count podcast", OP_COUNT, mid, 0, 0, NULL},
		{"count_podcast_unplayed", "db_episode_count podcast unplayed", OP_COUNT, mid, 1, 0,
		 NULL},
		{"count_all", "db_episode_count all", OP_COUNT, 0, 0, 0, NULL},
		{"count_all_unplayed", "db_episode_count all unplayed", OP_COUNT, 0, 1, 0, NULL},
		{"list_all", "db_episode_list all (full read)", OP_LIST, 0, 0, 0, NULL},
	};
	/* Query words by frequency rank in the vocabulary. */
	char *q_common = xstrdup(vocab[0]), *q_mid = xstrdup(vocab[200]);
	char *q_rare = xstrdup(vocab[4000]);
	char *q_two = xasprintf("%s %s", vocab[30], vocab[150]);
	char *q_three = xasprintf("%s %s %s", vocab[5], vocab[60], vocab[300]);
	char *q_prefix = xstrndup(vocab[120], 3);
	char *q_prefix4 = xstrndup(vocab[700], 4);
	char *q_prefix5 = xstrndup(vocab[700], 5);
	const struct measure qs[] = {
		{"search_rare", "search rare word", OP_SEARCH, 0, 0, 0, q_rare},
		{"search_mid", "search mid-frequency word", OP_SEARCH, 0, 0, 0, q_mid},
		{"search_common", "search most common word", OP_SEARCH, 0, 0, 0, q_common},
		{"search_two", "search two words", OP_SEARCH, 0, 0, 0, q_two},
		{"search_three", "search three words", OP_SEARCH, 0, 0, 0, q_three},
		{"search_prefix3", "search 3-letter prefix", OP_SEARCH, 0, 0, 0, q_prefix},
		{"search_prefix4", "search 4-letter prefix", OP_SEARCH, 0, 0, 0, q_prefix4},
		{"search_prefix5", "search 5-letter prefix", OP_SEARCH, 0, 0, 0, q_prefix5},
		{"search_short", "search 1-letter word (no prefix)", OP_SEARCH, 0, 0, 0, "f"},
		{"search_diacritics", "search CREME (diacritics folded)", OP_SEARCH, 0, 0, 0,
		 "CREME"},
		{"search_none", "search no hit", OP_SEARCH, 0, 0, 0, "qqqzzzxxx"},
		{"search_hostile", "search hostile syntax", OP_SEARCH, 0, 0, 0,
		 "\"NEAR(a* OR -b:c) \" AND"},
	};
	double search_all[REPS * sizeof qs / sizeof *qs];
	size_t nsearch = 0;
	printf("paging and counts, median of %d (after one first call):\n", REPS);
	for (size_t i = 0; i < sizeof ms / sizeof *ms; i++)
		measure(d, &ms[i], search_all, &nsearch);
	printf("search, limit 50, median of %d:\n", REPS);
	for (size_t i = 0; i < sizeof qs / sizeof *qs; i++) {
		char label[80];
		snprintf(label, sizeof label, "%s '%.20s'", qs[i].label, qs[i].query);
		struct measure m = qs[i];
		m.label = label;
		measure(d, &m, search_all, &nsearch);
	}
	report("search_all", "search, every query above", 0, search_all, nsearch);
	db_close(d);
	free(q_common);
	free(q_mid);
	free(q_rare);
	free(q_two);
	free(q_three);
	free(q_prefix);
	free(q_prefix4);
	free(q_prefix5);
}

/* search_bench --db CACHE QUERY...: only db_search of each query, as the
 * interface runs it (limit 50), on a cache made elsewhere
 * (bench/scale.sh's million episodes); RESULT keys query_1, query_2... */
static int measure_queries(const char *path, char **q, int nq)
{
	db *d;
	char *err = NULL;
	if (db_open(path, &d, &err) != 0) {
		fprintf(stderr, "search_bench: %s\n", err);
		return 1;
	}
	double all[REPS * 8];
	size_t nall = 0;
	for (int i = 0; i < nq; i++) {
		char key[32], label[64];
		snprintf(key, sizeof key, "query_%d", i + 1);
		snprintf(label, sizeof label, "search '%s'", q[i]);
		struct measure m = {key, label, OP_SEARCH, 0, 0, 0, q[i]};
		nall = 0; /* measure() appends every run of a search here */
		measure(d, &m, all, &nall);
	}
	db_close(d);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0); /* progress shows when piped */
	if (argc > 3 && strcmp(argv[1], "--db") == 0)
		return measure_queries(argv[2], argv + 3, argc - 3);
	vocab_init();
	char *path;
	if (argc == 3 && strcmp(argv[1], "--db") == 0) {
		path = xstrdup(argv[2]);
	} else {
		int npod = argc > 1 ? atoi(argv[1]) : 500;
		int neps = argc > 2 ? atoi(argv[2]) : 200;
		const char *tmp = argc > 3 ? argv[3] : getenv("TMPDIR");
		if (npod < 1 || neps < 1 || argc > 4) {
			fprintf(stderr, "usage: search_bench [PODCASTS [EPISODES [DIR]]]\n"
					"       search_bench --db CACHE [QUERY...]\n");
			return 2;
		}
		char *tmpl = xasprintf("%s/podcue-search-bench.XXXXXX",
				       tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(tmpl)) {
			perror("mkdtemp");
			return 1;
		}
		rm_dir = tmpl;
		atexit(cleanup);
		path = xasprintf("%s/cache.db", tmpl);
		build_cache(path, npod, neps);
	}
	measure_cache(path);

	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("  %-44s %8ld kB\n", "peak RSS", ru.ru_maxrss);
	printf("RESULT peak_rss %ld %ld %ld kB\n", ru.ru_maxrss, ru.ru_maxrss, ru.ru_maxrss);
	free(path);
	for (size_t i = 0; i < VOCAB; i++)
		free(vocab[i]);
	return 0;
}
