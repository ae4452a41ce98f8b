/*
 * test_db_progress.c - what the user was listening to, and a podcast's
 * own order: last_played stamps (set by saving a position, strictly
 * increasing), the in-progress list most recent first, the last played
 * episode, the row of an episode in a list (both orders, with filters),
 * oldest-first pages as the exact reverse of newest first, a podcast's
 * remembered sort order, search hits carrying the progress, and a
 * version 4 cache whose saved positions survive the migration.
 */
#include "testutil.h"

#include <unistd.h>

#include "../../src/db_int.h"
#include "db.h"

static db *open_db(const char *path)
{
	db *d;
	char *err = NULL;
	if (db_open(path, &d, &err) != 0)
		fail_msg("db_open: %s", err);
	return d;
}

/* A podcast with n items: key "<prefix><i>", dated one day apart (i = 0
 * oldest) except those in undated (a string of indexes, e.g. "03"). */
static int64_t add_feed(db *d, const char *url, const char *prefix, size_t n,
			const char *undated)
{
	int64_t id;
	int existed;
	assert_int_equal(db_podcast_add(d, url, 0, &id, &existed), 0);
	feed f;
	memset(&f, 0, sizeof f);
	f.title = xstrdup(prefix);
	f.items = xcalloc(n, sizeof *f.items);
	f.nitems = n;
	for (size_t i = 0; i < n; i++) {
		feed_item *it = &f.items[i];
		it->key = xasprintf("%s%zu", prefix, i);
		it->title = xasprintf("%s title %zu", prefix, i);
		it->published = 1700000000 + (int64_t)i * 86400;
		it->has_published = !strchr(undated, (char)('0' + i));
		it->duration = 100;
		it->enclosure_url = xasprintf("https://example.org/%s%zu.mp3", prefix, i);
		it->enclosure_length = -1;
		it->feed_order = (int)(n - i);
	}
	db_store_stats st;
	assert_int_equal(db_store_feed(d, id, &f, NULL, NULL, NULL, 0, 1000, &st), 0);
	feed_free(&f);
	return id;
}

static int64_t ep(db *d, int64_t pid, size_t row)
{
	db_episode *v;
	size_t n;
	assert_int_equal(db_episode_page(d, pid, 0, row, 1, &v, &n), 0);
	assert_int_equal(n, 1);
	int64_t id = v[0].id;
	db_episode_list_free(v, n);
	return id;
}

static void test_last_played_and_progress(void **state)
{
	(void)state;
	char *path = tmp_db();
	db *d = open_db(path);
	int64_t a = add_feed(d, "https://a.example/f", "a", 4, "");
	int64_t b = add_feed(d, "https://b.example/f", "b", 3, "");
	int64_t last;
	assert_int_equal(db_episode_last_played(d, &last), 1);
	size_t n = 9;
	assert_int_equal(db_episode_progress_count(d, &n), 0);
	assert_int_equal(n, 0);

	int64_t a1 = ep(d, a, 1), b0 = ep(d, b, 0), a3 = ep(d, a, 3);
	/* Saved back to back (same millisecond likely): still ordered. */
	assert_int_equal(db_episode_set_position(d, a1, 10), 0);
	assert_int_equal(db_episode_set_position(d, b0, 20), 0);
	assert_int_equal(db_episode_set_position(d, a3, 30), 0);
	db_episode e;
	assert_int_equal(db_episode_get(d, a3, &e), 0);
	int64_t stamp3 = e.last_played;
	db_episode_free(&e);
	assert_int_equal(db_episode_get(d, a1, &e), 0);
	assert_true(e.last_played > 1600000000000LL); /* milliseconds */
	assert_true(e.last_played < stamp3);
	db_episode_free(&e);
	/* Clearing a position is not listening: the stamp stays. */
	assert_int_equal(db_episode_set_position(d, a3, -1), 0);
	assert_int_equal(db_episode_get(d, a3, &e), 0);
	assert_int_equal(e.last_played, stamp3);
	db_episode_free(&e);
	assert_int_equal(db_episode_last_played(d, &last), 0);
	assert_int_equal(last, a3);

	/* In progress: a1 and b0 (a3 has no position), b0 first. Then a1
	 * played again moves to the top; b0 marked played leaves. */
	db_episode *v;
	assert_int_equal(db_episode_progress_page(d, 0, 10, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].id, b0);
	assert_int_equal(v[1].id, a1);
	assert_true(v[0].position == 20);
	db_episode_list_free(v, n);
	assert_int_equal(db_episode_set_position(d, a1, 11), 0);
	assert_int_equal(db_episode_set_played(d, b0, 1), 0);
	assert_int_equal(db_episode_progress_count(d, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(db_episode_progress_page(d, 0, 10, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].id, a1);
	db_episode_list_free(v, n);
	assert_int_equal(db_episode_progress_page(d, 1, 10, &v, &n), 0);
	assert_int_equal(n, 0);
	assert_null(v);
	assert_int_equal(db_episode_last_played(d, &last), 0);
	assert_int_equal(last, a1);
	db_close(d);
	rm_db(path);
}

/* Every episode's index equals its row in the pages of that list. */
static void check_index(db *d, int64_t pid, int unplayed, int oldest)
{
	size_t count;
	assert_int_equal(db_episode_count(d, pid, unplayed, &count), 0);
	db_episode *v;
	size_t n;
	assert_int_equal(db_episode_page_sorted(d, pid, unplayed, oldest, 0, 1000, &v, &n), 0);
	assert_int_equal(n, count);
	for (size_t i = 0; i < n; i++) {
		size_t at = 999;
		assert_int_equal(db_episode_index(d, pid, unplayed, oldest, v[i].id, &at), 0);
		assert_int_equal(at, i);
	}
	db_episode_list_free(v, n);
}

static void test_oldest_first_and_index(void **state)
{
	(void)state;
	char *path = tmp_db();
	db *d = open_db(path);
	/* Undated items and equal feed orders make the tie-breaks matter. */
	int64_t a = add_feed(d, "https://a.example/f", "a", 6, "14");
	int64_t b = add_feed(d, "https://b.example/f", "b", 3, "");
	assert_int_equal(db_episode_set_played(d, ep(d, a, 2), 1), 0);

	for (int pass = 0; pass < 2; pass++) {
		int64_t pid = pass ? 0 : a;
		db_episode *nw, *old;
		size_t nn, no;
		assert_int_equal(db_episode_page_sorted(d, pid, 0, 0, 0, 100, &nw, &nn), 0);
		assert_int_equal(db_episode_page_sorted(d, pid, 0, 1, 0, 100, &old, &no), 0);
		assert_int_equal(nn, pass ? 9 : 6);
		assert_int_equal(no, nn);
		for (size_t i = 0; i < nn; i++)
			assert_int_equal(old[i].id, nw[nn - 1 - i].id);
		/* Pages of two read the same order. */
		for (size_t off = 0; off < no; off += 2) {
			db_episode *p;
			size_t np;
			assert_int_equal(db_episode_page_sorted(d, pid, 0, 1, off, 2, &p, &np), 0);
			for (size_t i = 0; i < np; i++)
				assert_int_equal(p[i].id, old[off + i].id);
			db_episode_list_free(p, np);
		}
		db_episode_list_free(nw, nn);
		db_episode_list_free(old, no);
		for (int unplayed = 0; unplayed < 2; unplayed++)
			for (int oldest = 0; oldest < 2; oldest++)
				check_index(d, pid, unplayed, oldest);
	}
	/* Not in the list: another podcast's episode, a played one when
	 * only unplayed ones show. */
	size_t at;
	assert_int_equal(db_episode_index(d, a, 0, 0, ep(d, b, 0), &at), 1);
	int64_t played = 0;
	db_episode *v;
	size_t n;
	assert_int_equal(db_episode_page(d, a, 0, 0, 100, &v, &n), 0);
	for (size_t i = 0; i < n; i++)
		if (v[i].played)
			played = v[i].id;
	db_episode_list_free(v, n);
	assert_true(played > 0);
	assert_int_equal(db_episode_index(d, a, 1, 0, played, &at), 1);
	assert_int_equal(db_episode_index(d, a, 0, 0, played, &at), 0);
	db_close(d);
	rm_db(path);
}

static void test_podcast_sort_order(void **state)
{
	(void)state;
	char *path = tmp_db();
	db *d = open_db(path);
	int64_t a = add_feed(d, "https://a.example/f", "a", 1, "");
	db_podcast p;
	assert_int_equal(db_podcast_get(d, a, &p), 0);
	assert_int_equal(p.sort_order, DB_SORT_DEFAULT);
	db_podcast_free(&p);
	assert_int_equal(db_podcast_set_sort(d, a, DB_SORT_OLDEST), 0);
	db_close(d);
	/* Remembered across opens, and back to the default. */
	d = open_db(path);
	assert_int_equal(db_podcast_get(d, a, &p), 0);
	assert_int_equal(p.sort_order, DB_SORT_OLDEST);
	db_podcast_free(&p);
	assert_int_equal(db_podcast_set_sort(d, a, DB_SORT_NEWEST), 0);
	db_podcast *v;
	size_t n;
	assert_int_equal(db_podcast_list(d, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].sort_order, DB_SORT_NEWEST);
	db_podcast_list_free(v, n);
	assert_int_equal(db_podcast_set_sort(d, a, DB_SORT_DEFAULT), 0);
	assert_int_equal(db_podcast_get(d, a, &p), 0);
	assert_int_equal(p.sort_order, DB_SORT_DEFAULT);
	db_podcast_free(&p);
	assert_int_equal(db_podcast_set_sort(d, a + 100, DB_SORT_OLDEST), 1);
	db_close(d);
	rm_db(path);
}

static void test_search_hits_carry_progress(void **state)
{
	(void)state;
	char *path = tmp_db();
	db *d = open_db(path);
	int64_t a = add_feed(d, "https://a.example/f", "zebra", 2, "");
	int64_t e0 = ep(d, a, 0);
	assert_int_equal(db_episode_set_position(d, e0, 42), 0);
	db_search_hit *h;
	size_t n;
	assert_int_equal(db_search(d, "zebra", 10, &h, &n), 0);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++) {
		assert_true(h[i].duration == 100);
		assert_false(h[i].played);
		assert_true(h[i].episode_id == e0 ? h[i].position == 42 : h[i].position < 0);
	}
	db_search_free(h, n);
	db_close(d);
	rm_db(path);
}

static void test_migrate_keeps_positions(void **state)
{
	(void)state;
	char *path = tmp_db();
	db *d;
	char *err = NULL;
	if (dbi_open_at_version(path, 4, &d, &err) != 0)
		fail_msg("open at version 4: %s", err);
	/* Written as version 4 wrote them (its functions read columns
	 * that are not there yet): a position saved without last_played. */
	assert_int_equal(dbi_exec(d, "INSERT INTO podcast (id, url, added) VALUES (1, 'u', 0);"
				     "INSERT INTO episode (podcast_id, key, published, first_seen)"
				     " VALUES (1, 'a0', 100, 0), (1, 'a1', 200, 0), (1, 'a2', 300, 0);"
				     "UPDATE episode SET position = 30 WHERE key = 'a0'"),
			 0);
	int64_t a = 1;
	db_close(d);
	d = open_db(path);
	assert_int_equal(db_schema_version(d), DB_SCHEMA_VERSION);
	int64_t a0 = ep(d, a, 2), a2 = ep(d, a, 0), last;
	db_episode *v;
	size_t n;
	assert_int_equal(db_episode_progress_page(d, 0, 10, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].id, a0);
	assert_true(v[0].position == 30);
	assert_int_equal(v[0].last_played, 0);
	db_episode_list_free(v, n);
	assert_int_equal(db_episode_last_played(d, &last), 1);
	/* Played now: ahead of the undated old one. */
	assert_int_equal(db_episode_set_position(d, a2, 5), 0);
	assert_int_equal(db_episode_progress_page(d, 0, 10, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].id, a2);
	assert_int_equal(v[1].id, a0);
	db_episode_list_free(v, n);
	db_close(d);
	rm_db(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_last_played_and_progress),
		cmocka_unit_test(test_oldest_first_and_index),
		cmocka_unit_test(test_podcast_sort_order),
		cmocka_unit_test(test_search_hits_carry_progress),
		cmocka_unit_test(test_migrate_keeps_positions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
