/*
 * test_db_index.c - the search index built in the background
 * (search_pending, db_index_step): a search gives the same hits before,
 * during and after indexing as a cache indexed as it was stored, also
 * when a refresh arrives while indexing runs, and the index ends intact.
 */
#include "testutil.h"

#include "../../src/db_int.h"
#include "db.h"

#define N 1200

typedef struct bfeed {
	feed f;
	db_item_extra *x;
	char **notes;
	chapter_list *ch;
} bfeed;

/* n items, newest first (item i is episode base + n - 1 - i); the episode
 * numbered `changed` (when >= 0) gets another title and notes. */
static void bf_init(bfeed *b, size_t n, int base, int changed)
{
	memset(b, 0, sizeof *b);
	b->f.title = xstrdup("Big show");
	b->f.items = xcalloc(n, sizeof *b->f.items);
	b->f.nitems = n;
	b->x = xcalloc(n, sizeof *b->x);
	b->notes = xcalloc(n, sizeof *b->notes);
	b->ch = xcalloc(n, sizeof *b->ch);
	for (size_t i = 0; i < n; i++) {
		int e = base + (int)(n - 1 - i), ch = e == changed;
		feed_item *it = &b->f.items[i];
		it->key = xasprintf("ep-%d", e);
		it->guid = xstrdup(it->key);
		it->title = xasprintf("Episode %d %s%dq", e, ch ? "okapi" : "zebra", e);
		it->published = 1600000000 + (int64_t)e * 3600;
		it->has_published = 1;
		it->duration = 3600;
		it->enclosure_url = xasprintf("https://example.org/%d.mp3", e);
		it->enclosure_length = -1;
		it->feed_order = (int)i;
		b->notes[i] = xasprintf("Notes of episode %d about %s%dq and Café %d", e,
					ch ? "lemur" : "walrus", e, e % 7);
		chapter_list_push(&b->ch[i], (chapter){.start = 0, .end = -1,
						       .title = xasprintf("Intro %d", e % 13),
						       .source = CHAP_SRC_NOTES});
		b->x[i].notes_text = b->notes[i];
		b->x[i].notes_chapters = &b->ch[i];
	}
}

static void bf_free(bfeed *b)
{
	for (size_t i = 0; i < b->f.nitems; i++) {
		free(b->notes[i]);
		chapter_list_clear(&b->ch[i]);
	}
	free(b->notes);
	free(b->ch);
	free(b->x);
	feed_free(&b->f);
}

static db *open_fresh(char **path, int64_t *pid)
{
	*path = tmp_db();
	db *d;
	char *err = NULL;
	assert_int_equal(db_open(*path, &d, &err), 0);
	int existed;
	assert_int_equal(db_podcast_add(d, "https://example.org/big.xml", 0, pid, &existed), 0);
	return d;
}

static void store(db *d, int64_t pid, size_t n, int base, int changed)
{
	bfeed b;
	bf_init(&b, n, base, changed);
	db_store_stats st;
	assert_int_equal(db_store_feed(d, pid, &b.f, b.x, NULL, NULL, 1, 1000, &st), 0);
	bf_free(&b);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The hits of q as a sorted list of "kind episode start" lines. */
static char *hit_set(db *d, const char *q)
{
	db_search_hit *v;
	size_t n;
	assert_int_equal(db_search(d, q, 4000, &v, &n), 0);
	char **line = xcalloc(n + 1, sizeof *line);
	for (size_t i = 0; i < n; i++)
		line[i] = xasprintf("%d %lld %.1f", v[i].kind, (long long)v[i].episode_id,
				    v[i].start);
	qsort(line, n, sizeof *line, cmp_str);
	sbuf b = SBUF_INIT;
	sb_printf(&b, "%zu:", n);
	for (size_t i = 0; i < n; i++) {
		sb_printf(&b, "%s,", line[i]);
		free(line[i]);
	}
	free(line);
	db_search_free(v, n);
	return sb_steal(&b);
}

static const char *const queries[] = {
	"zebra17q", "walrus1000q", "okapi", "lemur", "intro 5", "episode", "walru", "cafe 3",
	"notes about", "nothing-here", "episode 99",
};
#define NQ (sizeof queries / sizeof *queries)

/* Every query answers on d exactly as on ref. */
static void same_answers(db *ref, db *d)
{
	for (size_t i = 0; i < NQ; i++) {
		char *a = hit_set(ref, queries[i]), *b = hit_set(d, queries[i]);
		if (strcmp(a, b) != 0)
			fail_msg("query %s: indexed %.80s, background %.80s", queries[i], a, b);
		free(a);
		free(b);
	}
}

static int64_t pending(db *d)
{
	int64_t n = db_index_pending(d);
	assert_true(n >= 0);
	return n;
}

static void intact(db *d)
{
	assert_int_equal(dbi_exec(d, "INSERT INTO search_fts (search_fts) VALUES ('integrity-check')"),
			 0);
}

static void test_before_during_after(void **state)
{
	(void)state;
	char *rp, *bp;
	int64_t rpid, bpid;
	db *ref = open_fresh(&rp, &rpid), *d = open_fresh(&bp, &bpid);
	store(ref, rpid, N, 0, -1);
	db_set_index_later(d, 1);
	store(d, bpid, N, 0, -1);
	assert_int_equal(pending(ref), 0);
	assert_int_equal(pending(d), N);
	char *one = hit_set(d, "zebra17q");
	assert_memory_equal(one, "1:0 ", 4); /* one episode, found with nothing indexed */
	free(one);
	same_answers(ref, d); /* before */
	assert_int_equal(db_index_step(d, 500), 500);
	assert_int_equal(pending(d), N - 500);
	same_answers(ref, d); /* during */
	while (db_index_step(d, 500) > 0)
		;
	assert_int_equal(pending(d), 0);
	same_answers(ref, d); /* after */
	intact(d);
	assert_int_equal(db_search_unscanned(d), 0);
	db_close(ref);
	db_close(d);
	free(rp);
	free(bp);
}

/* A refresh arrives while indexing runs: one new item, one changed item
 * that is indexed, one that is still pending; with and without
 * index_later. */
static void test_refresh_while_indexing(void **state)
{
	(void)state;
	char *rp, *bp;
	int64_t rpid, bpid;
	db *ref = open_fresh(&rp, &rpid), *d = open_fresh(&bp, &bpid);
	store(ref, rpid, N, 0, -1);
	db_set_index_later(d, 1);
	store(d, bpid, N, 0, -1);
	assert_int_equal(db_index_step(d, 500), 500); /* the newest 500: 700..1199 */
	/* Episode 1100 (indexed) changes, and 1201 is new. */
	store(ref, rpid, N + 2, 0, 1100);
	store(d, bpid, N + 2, 0, 1100);
	assert_int_equal(pending(d), N - 500 + 2);
	same_answers(ref, d);
	/* Episode 3 (pending) changes, stored without index_later. */
	db_set_index_later(d, 0);
	store(ref, rpid, N + 2, 0, 3);
	store(d, bpid, N + 2, 0, 3);
	same_answers(ref, d);
	intact(d);
	while (db_index_step(d, 300) > 0)
		;
	assert_int_equal(pending(d), 0);
	same_answers(ref, d);
	intact(d);
	db_close(ref);
	db_close(d);
	free(rp);
	free(bp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_before_during_after),
		cmocka_unit_test(test_refresh_while_indexing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
