/*
 * test_db_queue.c - the "up next" queue in the cache (db_queue.c): adding
 * at the end and at the front, moving, removing, clearing, positions that
 * stay dense 1..N through every change (including an episode leaving the
 * cache with its podcast), bad arguments that change nothing, the queue
 * surviving a reopen and the migration from version 5; the next newer
 * episode of a podcast, and marking a whole podcast played.
 */
#include "testutil.h"
#include "testfeed.h"

#include <unistd.h>

#include "../../src/db_int.h"
#include "testold.h"
#include "db.h"

/* Asserts the queue is exactly want[0..n), at positions 1..n. */
static void assert_queue(db *d, const int64_t *want, size_t n)
{
	db_queue_entry *q;
	size_t m;
	assert_int_equal(db_queue_list(d, &q, &m), 0);
	assert_int_equal(m, n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(q[i].position, (int64_t)i + 1);
		assert_int_equal(q[i].episode_id, want[i]);
		assert_non_null(q[i].title);
	}
	db_queue_list_free(q, m);
	size_t count;
	assert_int_equal(db_queue_count(d, &count), 0);
	assert_int_equal(count, n);
}

static void test_add_front_move_remove(void **state)
{
	(void)state;
	char *path = tmp_db();
	db *d;
	char *err = NULL;
	assert_int_equal(db_open(path, &d, &err), 0);
	int64_t e[6];
	test_add_podcast(d, "https://a.example/feed", 6, 60, e);

	int64_t head;
	assert_int_equal(db_queue_head(d, &head), 1); /* empty */
	assert_queue(d, NULL, 0);

	int64_t add1[] = {e[0], e[1], e[2]};
	assert_int_equal(db_queue_add(d, add1, 3, 0, NULL), 0);
	assert_queue(d, add1, 3);
	assert_int_equal(db_queue_head(d, &head), 0);
	assert_int_equal(head, e[0]);

	/* --next: in the order given, before the rest. */
	int64_t next[] = {e[4], e[3]};
	assert_int_equal(db_queue_add(d, next, 2, 1, NULL), 0);
	assert_queue(d, (int64_t[]){e[4], e[3], e[0], e[1], e[2]}, 5);

	/* Adding a queued episode moves it (to the end, or to the front). */
	assert_int_equal(db_queue_add(d, &e[4], 1, 0, NULL), 0);
	assert_queue(d, (int64_t[]){e[3], e[0], e[1], e[2], e[4]}, 5);
	assert_int_equal(db_queue_add(d, &e[2], 1, 1, NULL), 0);
	assert_queue(d, (int64_t[]){e[2], e[3], e[0], e[1], e[4]}, 5);

	/* Moves down, up, to the ends, and onto itself. */
	assert_int_equal(db_queue_move(d, e[2], 4), 0);
	assert_queue(d, (int64_t[]){e[3], e[0], e[1], e[2], e[4]}, 5);
	assert_int_equal(db_queue_move(d, e[4], 1), 0);
	assert_queue(d, (int64_t[]){e[4], e[3], e[0], e[1], e[2]}, 5);
	assert_int_equal(db_queue_move(d, e[4], 5), 0);
	assert_queue(d, (int64_t[]){e[3], e[0], e[1], e[2], e[4]}, 5);
	assert_int_equal(db_queue_move(d, e[1], 3), 0);
	assert_queue(d, (int64_t[]){e[3], e[0], e[1], e[2], e[4]}, 5);

	/* Removing from the middle and the ends closes the gaps. */
	int64_t rm[] = {e[1], e[3]};
	assert_int_equal(db_queue_remove(d, rm, 2, NULL), 0);
	assert_queue(d, (int64_t[]){e[0], e[2], e[4]}, 3);
	assert_int_equal(db_queue_remove(d, &e[4], 1, NULL), 0);
	assert_queue(d, (int64_t[]){e[0], e[2]}, 2);

	assert_int_equal(db_queue_clear(d), 0);
	assert_queue(d, NULL, 0);
	db_close(d);
	rm_db(path);
}

static void test_bad_arguments_change_nothing(void **state)
{
	(void)state;
	char *path = tmp_db();
	db *d;
	char *err = NULL;
	assert_int_equal(db_open(path, &d, &err), 0);
	int64_t e[3];
	test_add_podcast(d, "https://a.example/feed", 3, 60, e);
	assert_int_equal(db_queue_add(d, e, 2, 0, NULL), 0);

	/* An unknown episode among good ones: none is added. */
	size_t bad = 99;
	int64_t add[] = {e[2], 999999};
	assert_int_equal(db_queue_add(d, add, 2, 1, &bad), 1);
	assert_int_equal(bad, 1);
	assert_queue(d, e, 2);

	/* Removing one that is not queued: the queued one stays too. */
	int64_t rm[] = {e[0], e[2]};
	bad = 99;
	assert_int_equal(db_queue_remove(d, rm, 2, &bad), 1);
	assert_int_equal(bad, 1);
	assert_queue(d, e, 2);

	/* Moves out of range or of an episode not queued. */
	assert_int_equal(db_queue_move(d, e[0], 0), 2);
	assert_int_equal(db_queue_move(d, e[0], 3), 2);
	assert_int_equal(db_queue_move(d, e[0], -1), 2);
	assert_int_equal(db_queue_move(d, e[2], 1), 1);
	assert_int_equal(db_queue_move(d, 424242, 1), 1);
	assert_queue(d, e, 2);

	/* Inside a caller's transaction, a refusal leaves it to the caller. */
	assert_int_equal(db_begin(d), 0);
	assert_int_equal(db_queue_add(d, &e[2], 1, 0, NULL), 0);
	assert_int_equal(db_queue_move(d, e[2], 7), 2);
	db_rollback(d);
	assert_queue(d, e, 2);
	db_close(d);
	rm_db(path);
}

/* An episode leaves the queue when it leaves the cache (its podcast is
 * removed); the others close up, and the queue survives a reopen. */
static void test_cascade_and_reopen(void **state)
{
	(void)state;
	char *path = tmp_db();
	db *d;
	char *err = NULL;
	assert_int_equal(db_open(path, &d, &err), 0);
	int64_t a[3], b[2];
	test_add_podcast(d, "https://a.example/feed", 3, 60, a);
	int64_t pb = test_add_podcast(d, "https://b.example/feed", 2, 60, b);
	int64_t mixed[] = {b[0], a[0], b[1], a[1], a[2]};
	assert_int_equal(db_queue_add(d, mixed, 5, 0, NULL), 0);
	assert_int_equal(db_podcast_remove(d, pb), 0);
	assert_queue(d, (int64_t[]){a[0], a[1], a[2]}, 3);
	db_close(d);
	assert_int_equal(db_open(path, &d, &err), 0);
	assert_queue(d, (int64_t[]){a[0], a[1], a[2]}, 3);
	db_close(d);
	rm_db(path);
}

/* A version 5 cache (before the queue) gains the empty queue and keeps
 * its episodes. */
static void test_migrates_from_v5(void **state)
{
	(void)state;
	char *path = tmp_db();
	db *d;
	char *err = NULL;
	assert_int_equal(dbi_open_at_version(path, 5, &d, &err), 0);
	assert_int_equal(db_schema_version(d), 5);
	int64_t e[2];
	old_cache_podcast(d, "https://a.example/feed", 2, e);
	db_close(d);
	assert_int_equal(db_open(path, &d, &err), 0);
	assert_int_equal(db_schema_version(d), DB_SCHEMA_VERSION);
	assert_queue(d, NULL, 0);
	assert_int_equal(db_queue_add(d, e, 2, 0, NULL), 0);
	assert_queue(d, e, 2);
	db_close(d);
	rm_db(path);
}

static void test_next_newer(void **state)
{
	(void)state;
	char *path = tmp_db();
	db *d;
	char *err = NULL;
	assert_int_equal(db_open(path, &d, &err), 0);
	int64_t a[3], b[2];
	test_add_podcast(d, "https://a.example/feed", 3, 60, a);
	test_add_podcast(d, "https://b.example/feed", 2, 60, b);
	int64_t next = 0;
	assert_int_equal(db_episode_next_newer(d, a[0], &next), 0);
	assert_int_equal(next, a[1]);
	assert_int_equal(db_episode_next_newer(d, a[1], &next), 0);
	assert_int_equal(next, a[2]);
	assert_int_equal(db_episode_next_newer(d, a[2], &next), 1); /* the newest */
	assert_int_equal(db_episode_next_newer(d, b[0], &next), 0);
	assert_int_equal(next, b[1]); /* never another podcast's */
	assert_int_equal(db_episode_next_newer(d, 777777, &next), 1);
	db_close(d);
	rm_db(path);
}

static void test_podcast_set_played(void **state)
{
	(void)state;
	char *path = tmp_db();
	db *d;
	char *err = NULL;
	assert_int_equal(db_open(path, &d, &err), 0);
	int64_t a[3], b[2];
	int64_t pa = test_add_podcast(d, "https://a.example/feed", 3, 60, a);
	test_add_podcast(d, "https://b.example/feed", 2, 60, b);
	assert_int_equal(db_episode_set_position(d, a[1], 42), 0);
	assert_int_equal(db_episode_set_played(d, a[2], 1), 0);
	size_t changed = 99;
	assert_int_equal(db_podcast_set_played(d, pa, 1, &changed), 0);
	assert_int_equal(changed, 2); /* a[2] was played already */
	db_podcast p;
	assert_int_equal(db_podcast_get(d, pa, &p), 0);
	assert_int_equal(p.unplayed, 0);
	db_podcast_free(&p);
	db_episode e;
	assert_int_equal(db_episode_get(d, a[1], &e), 0);
	assert_int_equal(e.played, 1);
	assert_true(e.position < 0); /* played forgets the position */
	db_episode_free(&e);
	assert_int_equal(db_episode_get(d, b[0], &e), 0);
	assert_int_equal(e.played, 0); /* the other podcast is untouched */
	db_episode_free(&e);
	assert_int_equal(db_podcast_set_played(d, pa, 0, &changed), 0);
	assert_int_equal(changed, 3);
	assert_int_equal(db_podcast_get(d, pa, &p), 0);
	assert_int_equal(p.unplayed, 3);
	db_podcast_free(&p);
	assert_int_equal(db_podcast_set_played(d, 98765, 1, &changed), 1);
	db_close(d);
	rm_db(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_front_move_remove),
		cmocka_unit_test(test_bad_arguments_change_nothing),
		cmocka_unit_test(test_cascade_and_reopen),
		cmocka_unit_test(test_migrates_from_v5),
		cmocka_unit_test(test_next_newer),
		cmocka_unit_test(test_podcast_set_played),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
