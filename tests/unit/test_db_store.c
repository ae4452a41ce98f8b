/*
 * test_db_store.c - storing a big feed: only the items that changed are
 * written (the item hash), and a store without the caller's transaction
 * runs in batches whose last one holds the validators.
 *
 * "Written" is observed with SQLite's own count of changed rows on the
 * connection (dbi_total_changes, from the module's private header), which
 * counts every row inserted, updated or deleted, the search index's and
 * the triggers' included.
 */
#include "testutil.h"

#include "../../src/db_int.h"
#include "db.h"

#define BIG 5000

/* A feed of n items, newest first; item i (0 = the top) is episode
 * number base + n - 1 - i, so that a feed with one more item at the top
 * keeps every other item's key, title and notes. */
typedef struct bfeed {
	feed f;
	db_item_extra *x;
	char **notes;
	chapter_list *ch;
} bfeed;

static void bf_init(bfeed *b, size_t n, int base)
{
	memset(b, 0, sizeof *b);
	b->f.title = xstrdup("Big show");
	b->f.items = xcalloc(n, sizeof *b->f.items);
	b->f.nitems = n;
	b->x = xcalloc(n, sizeof *b->x);
	b->notes = xcalloc(n, sizeof *b->notes);
	b->ch = xcalloc(n, sizeof *b->ch);
	for (size_t i = 0; i < n; i++) {
		int e = base + (int)(n - 1 - i);
		feed_item *it = &b->f.items[i];
		it->key = xasprintf("ep-%d", e);
		it->guid = xstrdup(it->key);
		it->title = xasprintf("Episode %d zebra%dq", e, e);
		it->published = 1600000000 + (int64_t)e * 3600;
		it->has_published = 1;
		it->duration = 3600;
		it->enclosure_url = xasprintf("https://example.org/%d.mp3", e);
		it->enclosure_length = -1;
		it->feed_order = (int)i;
		b->notes[i] = xasprintf("Notes of episode %d about walrus%dq", e, e);
		chapter_list_push(&b->ch[i], (chapter){.start = 0, .end = -1,
						       .title = xasprintf("Intro %d", e),
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

static int64_t count(db *d, const char *sql)
{
	sqlite3_stmt *st = dbi_prep(d, sql);
	assert_non_null(st);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static size_t hits(db *d, const char *q)
{
	db_search_hit *v;
	size_t n;
	assert_int_equal(db_search(d, q, 10, &v, &n), 0);
	db_search_free(v, n);
	return n;
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

/* 5,000 items, then the same feed with one new item at the top: the
 * refresh writes that item (its row, chapter and index rows, the count
 * triggers, the podcast row), not 5,000. */
static void test_one_new_item_writes_one(void **state)
{
	(void)state;
	char *path;
	int64_t pid;
	db *d = open_fresh(&path, &pid);
	/* The counts below are the store's own writes: FTS5's segment merges
	 * (which write hundreds of rows of its shadow tables when the number of
	 * segments, which follows the timed batches, reaches a threshold) are
	 * index upkeep, paid once for many stores, so they are off here. */
	assert_int_equal(dbi_exec(d, "INSERT INTO search_fts (search_fts, rank) VALUES ('automerge', 0);"
				     "INSERT INTO search_fts (search_fts, rank) VALUES ('crisismerge', 1000000)"),
			 0);
	bfeed a;
	bf_init(&a, BIG, 0);
	db_store_stats st;
	int64_t c0 = dbi_total_changes(d);
	assert_int_equal(db_store_feed(d, pid, &a.f, a.x, "\"e1\"", NULL, 1, 1000, &st), 0);
	int64_t first = dbi_total_changes(d) - c0;
	assert_int_equal(st.added, BIG);
	assert_int_equal(st.updated, 0);
	assert_true(st.batches > 1);
	assert_true(first > 2 * BIG); /* the rows, chapters, index rows */

	bfeed b;
	bf_init(&b, BIG + 1, 0); /* episodes 0..5000: 5000 is new, at the top */
	c0 = dbi_total_changes(d);
	assert_int_equal(db_store_feed(d, pid, &b.f, b.x, "\"e2\"", NULL, 2, 2000, &st), 0);
	int64_t second = dbi_total_changes(d) - c0;
	assert_int_equal(st.added, 1);
	assert_int_equal(st.updated, 0);
	assert_int_equal(st.unchanged, BIG);
	print_message("# stored 5,000 items: %lld row changes; 5,000 + 1 new: %lld\n",
		      (long long)first, (long long)second);
	assert_true(second < 50);
	assert_int_equal(count(d, "SELECT count(*) FROM episode"), BIG + 1);
	assert_int_equal(count(d, "SELECT n_episodes FROM podcast"), BIG + 1);
	assert_int_equal(count(d, "SELECT count(*) FROM podcast WHERE etag = '\"e2\"'"
				  " AND content_hash = 2"), 1);
	/* Searchable: the new one, and the old ones still. */
	assert_int_equal(hits(d, "zebra5000q"), 1);
	assert_int_equal(hits(d, "walrus5000q"), 1);
	assert_int_equal(hits(d, "zebra17q"), 1);

	/* The order in the list is the feed's (the stored feed order is
	 * counted from the end, so the old items kept theirs). */
	db_episode *v;
	size_t n;
	assert_int_equal(db_episode_page(d, pid, 0, 0, 3, &v, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(v[0].key, "ep-5000");
	assert_string_equal(v[1].key, "ep-4999");
	db_episode_list_free(v, n);

	/* One item edited: one row rewritten, and its index rows. */
	free(b.f.items[10].title);
	b.f.items[10].title = xstrdup("Renamed quagga");
	b.x[10].hash = 0;
	c0 = dbi_total_changes(d);
	assert_int_equal(db_store_feed(d, pid, &b.f, b.x, "\"e3\"", NULL, 3, 3000, &st), 0);
	assert_int_equal(st.updated, 1);
	assert_int_equal(st.added, 0);
	int64_t third = dbi_total_changes(d) - c0;
	print_message("# one of 5,001 items edited: %lld row changes\n", (long long)third);
	assert_true(third < 50);
	assert_int_equal(hits(d, "quagga"), 1);
	assert_int_equal(hits(d, "zebra4990q"), 0);
	assert_int_equal(hits(d, "walrus4990q"), 1);
	bf_free(&a);
	bf_free(&b);
	db_close(d);
	rm_db(path);
}

/* A store that stops between batches (here an error in the third) leaves
 * whole episodes and the old validators; the next store completes the
 * feed, writing only what the first did not. */
static void test_batches_validators_last(void **state)
{
	(void)state;
	char *path;
	int64_t pid;
	db *d = open_fresh(&path, &pid);
	bfeed a;
	bf_init(&a, 1000, 0);
	/* Items are stored top first: the 601st item is ep-399. The first
	 * batch has 64 items, and each at most twice the one before. */
	assert_int_equal(dbi_exec(d, "CREATE TEMP TRIGGER boom BEFORE INSERT ON main.episode"
				     " WHEN new.key = 'ep-399' BEGIN SELECT RAISE(ABORT, 'boom'); END"),
			 0);
	db_store_stats st;
	assert_int_equal(db_store_feed(d, pid, &a.f, a.x, "\"e1\"", "Mon", 7, 1000, &st), -1);
	assert_true(sqlite3_get_autocommit(d->h)); /* nothing left open */
	int64_t stored = count(d, "SELECT count(*) FROM episode");
	assert_true(stored >= 64 && stored <= 600);
	/* Whole episodes: each has its chapter; no validators, no hash. */
	assert_int_equal(count(d, "SELECT count(*) FROM chapter"), stored);
	assert_int_equal(count(d, "SELECT count(*) FROM podcast WHERE etag IS NULL"
				  " AND last_modified IS NULL AND content_hash IS NULL"), 1);
	assert_int_equal(hits(d, "zebra999q"), 1);
	assert_int_equal(dbi_exec(d, "DROP TRIGGER temp.boom"), 0);
	assert_int_equal(db_store_feed(d, pid, &a.f, a.x, "\"e1\"", "Mon", 7, 2000, &st), 0);
	assert_int_equal(st.unchanged, stored);
	assert_int_equal(st.added, 1000 - stored);
	assert_int_equal(count(d, "SELECT count(*) FROM episode"), 1000);
	assert_int_equal(count(d, "SELECT count(*) FROM podcast WHERE etag = '\"e1\"'"
				  " AND content_hash = 7"), 1);
	assert_int_equal(hits(d, "zebra0q"), 1);
	bf_free(&a);
	db_close(d);
	rm_db(path);
}

/* Inside the caller's transaction there is one transaction: the caller's;
 * a feed of DB_STORE_WHOLE items gets one of its own. */
static void test_callers_transaction(void **state)
{
	(void)state;
	char *path;
	int64_t pid;
	db *d = open_fresh(&path, &pid);
	bfeed a;
	bf_init(&a, 600, 0);
	db_store_stats st;
	assert_int_equal(db_begin(d), 0);
	assert_int_equal(db_store_feed(d, pid, &a.f, a.x, NULL, NULL, 0, 1000, &st), 0);
	assert_int_equal(st.batches, 1);
	db_rollback(d);
	assert_int_equal(count(d, "SELECT count(*) FROM episode"), 0);
	/* A feed that is not big: one transaction of its own. */
	a.f.nitems = DB_STORE_WHOLE;
	assert_int_equal(db_store_feed(d, pid, &a.f, a.x, NULL, NULL, 0, 1000, &st), 0);
	assert_int_equal(st.batches, 1);
	a.f.nitems = 600;
	bf_free(&a);
	db_close(d);
	rm_db(path);
}

/* The hash covers every field and extra that is stored. */
static void test_item_hash(void **state)
{
	(void)state;
	bfeed a;
	bf_init(&a, 2, 0);
	feed_item *it = &a.f.items[0];
	db_item_extra *x = &a.x[0];
	uint64_t h = db_item_hash(it, x, 2);
	assert_true(h != 0);
	assert_true(h == db_item_hash(it, x, 2));
	/* Same place counted from the end: same hash. */
	it->feed_order = 1;
	assert_true(h == db_item_hash(it, x, 3));
	assert_true(h != db_item_hash(it, x, 2));
	it->feed_order = 0;
	it->duration = 3601;
	assert_true(h != db_item_hash(it, x, 2));
	it->duration = 3600;
	a.ch[0].v[0].start = 1;
	assert_true(h != db_item_hash(it, x, 2));
	a.ch[0].v[0].start = 0;
	assert_true(h != db_item_hash(it, NULL, 2));
	char *links[] = {"https://a.example/"};
	x->links = links;
	x->nlinks = 1;
	assert_true(h != db_item_hash(it, x, 2));
	x->nlinks = 0;
	assert_true(h == db_item_hash(it, x, 2));
	bf_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_new_item_writes_one),
		cmocka_unit_test(test_batches_validators_last),
		cmocka_unit_test(test_callers_transaction),
		cmocka_unit_test(test_item_hash),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
