/*
 * test_db_rank.c - how db_search ranks its hits (db_rank.c): a word said
 * more often ranks higher but saturates, a title outweighs the notes, and
 * between the words of one query the rarer weighs more.
 */
#include "testfeed.h"

/* Stores episodes with these titles (and notes) into a new podcast, the
 * first in the list the oldest; their ids into ids[]. */
static void store_titles(db *d, const char *const *titles, const char *const *notes, size_t n,
			 int64_t *ids)
{
	int64_t pid;
	int existed;
	assert_int_equal(db_podcast_add(d, "https://rank.example/feed", 0, &pid, &existed), 0);
	feed f = {0};
	f.title = xstrdup("Rank");
	f.items = xcalloc(n, sizeof *f.items);
	f.nitems = n;
	db_item_extra *x = xcalloc(n, sizeof *x);
	for (size_t i = 0; i < n; i++) {
		f.items[i].key = xasprintf("k%zu", i);
		f.items[i].title = xstrdup(titles[i]);
		f.items[i].published = 1700000000 + (int64_t)i * 86400;
		f.items[i].has_published = 1;
		f.items[i].duration = -1;
		f.items[i].enclosure_length = -1;
		f.items[i].feed_order = (int)(n - 1 - i);
		x[i].notes_text = notes ? notes[i] : "";
	}
	db_store_stats st = {0};
	assert_int_equal(db_store_feed(d, pid, &f, x, NULL, NULL, 0, 1000, &st), 0);
	feed_free(&f);
	free(x);
	test_episode_ids(d, pid, n, ids);
}

/* The ids of the hits of q, best first, into ids[] (at most max). */
static size_t hit_ids(db *d, const char *q, int64_t *ids, size_t max)
{
	db_search_hit *v;
	size_t n;
	if (db_search(d, q, 50, &v, &n) != 0)
		fail_msg("db_search(%s): %s", q, db_errmsg(d));
	for (size_t i = 1; i < n; i++)
		assert_true(v[i - 1].rank <= v[i].rank);
	for (size_t i = 0; i < n && i < max; i++)
		ids[i] = v[i].episode_id;
	db_search_free(v, n);
	return n;
}

#define NFILL 30

/* "common" is in every title, "rare" in two: X says rare three times and
 * common once, Y the other way round. Weighing the words alike would tie
 * them (each says one word three times and the other once); the rare word
 * weighs more, so X comes first whichever order the words are typed in,
 * and Y (stored before X: the lower id, first on a tie) second. */
static void test_rarer_word_weighs_more(void **state)
{
	(void)state;
	char *path = tmp_db(), *err = NULL;
	db *d;
	assert_int_equal(db_open(path, &d, &err), 0);
	const char *titles[NFILL + 2];
	char *fill[NFILL];
	for (size_t i = 0; i < NFILL; i++)
		titles[i] = fill[i] = xasprintf("common filler %zu", i);
	titles[NFILL] = "rare common common common"; /* Y */
	titles[NFILL + 1] = "rare rare rare common";     /* X */
	int64_t ids[NFILL + 2], got[4];
	store_titles(d, titles, NULL, NFILL + 2, ids);
	int64_t y = ids[NFILL], x = ids[NFILL + 1];
	assert_int_equal(hit_ids(d, "common rare", got, 4), 2);
	if (got[0] != x || got[1] != y)
		fail_msg("'common rare' ranked %lld before %lld; X is %lld (rare word three times)",
			 (long long)got[0], (long long)got[1], (long long)x);
	assert_int_equal(hit_ids(d, "rare common", got, 4), 2);
	assert_true(got[0] == x && got[1] == y);
	/* One word: said three times beats said once. */
	assert_int_equal(hit_ids(d, "rare", got, 4), 2);
	assert_true(got[0] == x && got[1] == y);
	for (size_t i = 0; i < NFILL; i++)
		free(fill[i]);
	db_close(d);
	rm_db(path);
}

/* A word in the title outweighs the same word several times in the notes;
 * repeats in long notes saturate rather than add up. */
static void test_title_beats_notes(void **state)
{
	(void)state;
	char *path = tmp_db(), *err = NULL;
	db *d;
	assert_int_equal(db_open(path, &d, &err), 0);
	const char *titles[] = {"Weekly chat", "Vacuum tuning", "Another chat"};
	const char *notes[] = {"vacuum vacuum vacuum vacuum vacuum and more vacuum", "Short.",
			       "Nothing here."};
	int64_t ids[3], got[3];
	store_titles(d, titles, notes, 3, ids);
	assert_int_equal(hit_ids(d, "vacuum", got, 3), 2);
	assert_true(got[0] == ids[1] && got[1] == ids[0]);
	db_close(d);
	rm_db(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rarer_word_weighs_more),
		cmocka_unit_test(test_title_beats_notes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
