/*
 * test_dbwriter.c - the TUI's writer thread (dbwriter.c): writes queued
 * while another connection holds the write lock return at once, show in
 * the overlays, are counted as held back, and land in order once the lock
 * goes; quitting with the lock still held names what was not saved; a
 * burst of queue edits read back through the overlays while the thread
 * applies them ends in the same queue as applied one by one (a test for
 * TSan: the UI thread and the writer share the queue), with the last
 * position of each episode stored even when it came while the one before
 * was being written; the marks (heard stretches saved with the position,
 * bookmarks, chapter skip toggles, skip patterns) queue, show in their
 * overlays and land the same way.
 */
#include "testutil.h"

#include "../../src/db_int.h"
#include "db.h"
#include "dbwriter.h"

typedef struct fx {
	char *path;
	db *d;      /* the UI's connection (reads) */
	int64_t ep[6];
	int64_t pid;
} fx;

static int setup(void **state)
{
	fx *f = xcalloc(1, sizeof *f);
	char *err = NULL;
	f->path = tmp_db();
	assert_int_equal(db_open(f->path, &f->d, &err), 0);
	int64_t pid;
	int existed;
	assert_int_equal(db_podcast_add(f->d, "https://example.org/feed", 0, &pid, &existed), 0);
	feed fd = {0};
	fd.title = xstrdup("Show");
	fd.nitems = 6;
	fd.items = xcalloc(fd.nitems, sizeof *fd.items);
	for (size_t i = 0; i < fd.nitems; i++) {
		feed_item *it = &fd.items[i];
		it->key = xasprintf("k%zu", i);
		it->title = xasprintf("ep %zu", i);
		it->published = 1700000000 + (int64_t)i * 86400;
		it->has_published = 1;
		it->duration = 600;
		it->enclosure_url = xasprintf("https://example.org/%zu.mp3", i);
		it->enclosure_length = -1;
		it->feed_order = (int)(fd.nitems - 1 - i);
	}
	db_store_stats st = {0};
	assert_int_equal(db_store_feed(f->d, pid, &fd, NULL, NULL, NULL, 0, 1000, &st), 0);
	feed_free(&fd);
	db_episode *v;
	size_t n;
	assert_int_equal(db_episode_list(f->d, pid, &v, &n), 0);
	assert_int_equal(n, 6);
	for (size_t i = 0; i < n; i++)
		f->ep[i] = v[n - 1 - i].id; /* oldest first */
	db_episode_list_free(v, n);
	f->pid = pid;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	db_close(f->d);
	rm_db(f->path);
	free(f);
	return 0;
}

/* Another connection takes the write lock and writes (as a refresh). */
static db *hold_lock(const char *path)
{
	db *o;
	char *err = NULL;
	assert_int_equal(db_open(path, &o, &err), 0);
	assert_int_equal(db_begin(o), 0);
	assert_int_equal(dbi_exec(o, "UPDATE podcast SET description = 'busy'"), 0);
	return o;
}

static void release_lock(db *o)
{
	assert_int_equal(db_commit(o), 0);
	db_close(o);
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* Waits (up to 30 s: a loaded machine) until pending is n (and, with
 * locked >= 0, the lock flag is that). */
static void wait_pending(dbw *w, size_t n, int locked)
{
	for (int i = 0; i < 3000; i++) {
		int l;
		if (dbw_pending(w, &l, NULL) == n && (locked < 0 || l == locked))
			return;
		sleep_ms(10);
	}
	fail_msg("pending %zu, not %zu", dbw_pending(w, NULL, NULL), n);
}

static db_episode get(fx *f, dbw *w, int64_t id)
{
	db_episode e;
	assert_int_equal(db_episode_get(f->d, id, &e), 0);
	dbw_overlay_episode(w, &e);
	return e;
}

static void assert_queue(fx *f, dbw *w, const int64_t *want, size_t n)
{
	db_queue_entry *q;
	size_t m;
	assert_int_equal(db_queue_list(f->d, &q, &m), 0);
	dbw_overlay_queue(w, f->d, &q, &m);
	assert_int_equal(m, n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(q[i].episode_id, want[i]);
		assert_int_equal(q[i].position, (int64_t)i + 1);
		assert_non_null(q[i].title);
	}
	db_queue_list_free(q, m);
}

/* The read hook: the held lock goes, and the queued write lands, between
 * the queue's read and its overlay. */
struct land_now {
	db *lock;
	dbw *w;
	int calls;
};

static void land_now(void *ctx)
{
	struct land_now *l = ctx;
	if (l->calls++)
		return;
	release_lock(l->lock);
	wait_pending(l->w, 0, -1);
}

/* A write that lands between the read and the overlay is in the queue read
 * all the same (it was in neither: the count said after an edit missed
 * it). */
static void test_queue_read_sees_a_write_landing(void **state)
{
	fx *f = *state;
	dbw *w;
	char *err = NULL;
	assert_int_equal(dbw_start(f->path, &w, &err), 0);
	assert_int_equal(dbw_queue_add(w, f->d, f->ep[0], 0), 0);
	wait_pending(w, 0, -1);
	struct land_now l = {hold_lock(f->path), w, 0};
	assert_int_equal(dbw_queue_add(w, f->d, f->ep[1], 0), 0);
	dbw_set_read_hook(w, land_now, &l);
	db_queue_entry *q;
	size_t m;
	assert_int_equal(dbw_queue_read(w, f->d, &q, &m), 0);
	assert_int_equal(l.calls, 2); /* read again */
	assert_int_equal(m, 2);
	assert_int_equal(q[1].episode_id, f->ep[1]);
	db_queue_list_free(q, m);
	assert_null(dbw_stop(w, 1000));
}

static void test_locked_then_lands(void **state)
{
	fx *f = *state;
	dbw *w;
	char *err = NULL;
	assert_int_equal(dbw_start(f->path, &w, &err), 0);
	db *o = hold_lock(f->path);

	assert_int_equal(dbw_set_played(w, f->d, f->ep[0], 1), 0);
	assert_int_equal(dbw_set_position(w, f->d, f->ep[1], 12.5), 0);
	/* A newer position replaces the one queued last. */
	assert_int_equal(dbw_set_position(w, f->d, f->ep[1], 20), 0);
	assert_int_equal(dbw_queue_add(w, f->d, f->ep[2], 0), 0);
	assert_int_equal(dbw_queue_add(w, f->d, f->ep[3], 1), 0);
	assert_int_equal(dbw_queue_add(w, f->d, f->ep[4], 0), 0);
	assert_int_equal(dbw_queue_move(w, f->d, f->ep[4], 1), 0);
	assert_int_equal(dbw_queue_remove(w, f->d, f->ep[3]), 0);
	assert_int_equal(dbw_podcast_set_speed(w, f->d, f->pid, 1.5), 0);
	/* Positions coalesce across other episodes' writes, not across a
	 * played mark of their own episode. */
	assert_int_equal(dbw_set_position(w, f->d, f->ep[1], 25), 0);
	assert_int_equal(dbw_set_position(w, f->d, f->ep[0], 30), 0);
	wait_pending(w, 9, 1);

	/* The overlays show it all; the cache has none of it yet. */
	db_episode e = get(f, w, f->ep[0]);
	assert_int_equal(e.played, 1);
	db_episode_free(&e);
	e = get(f, w, f->ep[1]);
	assert_true(e.position == 25);
	db_episode_free(&e);
	e = get(f, w, f->ep[0]);
	assert_true(e.position == 30 && e.played == 1);
	db_episode_free(&e);
	assert_int_equal(db_episode_get(f->d, f->ep[0], &e), 0);
	assert_int_equal(e.played, 0);
	db_episode_free(&e);
	int64_t want[] = {f->ep[4], f->ep[2]};
	assert_queue(f, w, want, 2);
	assert_queue(f, NULL, NULL, 0);
	double speed = 0;
	assert_int_equal(dbw_overlay_speed(w, f->pid, &speed), 1);
	assert_true(speed == 1.5);

	int changed, error;
	char *msg;
	assert_int_equal(dbw_poll(w, &changed, &msg, &error), 1);
	assert_non_null(strstr(msg, "locked by another process"));
	assert_int_equal(error, 1);
	assert_int_equal(changed, 0);
	free(msg);

	release_lock(o);
	wait_pending(w, 0, 0);
	assert_queue(f, NULL, want, 2);
	assert_int_equal(db_episode_get(f->d, f->ep[0], &e), 0);
	assert_int_equal(e.played, 1);
	db_episode_free(&e);
	assert_int_equal(db_episode_get(f->d, f->ep[1], &e), 0);
	assert_true(e.position == 25);
	db_episode_free(&e);
	assert_int_equal(db_episode_get(f->d, f->ep[0], &e), 0);
	assert_true(e.position == 30 && e.played == 1);
	db_episode_free(&e);
	assert_int_equal(db_podcast_speed(f->d, f->pid, &speed), 0);
	assert_true(speed == 1.5);
	assert_int_equal(dbw_poll(w, &changed, &msg, &error), 1);
	assert_int_equal(changed, 1);
	assert_non_null(strstr(msg, "free again"));
	assert_int_equal(error, 0);
	free(msg);
	assert_null(dbw_stop(w, 1000));
}

static void test_stop_while_locked_names_what_is_lost(void **state)
{
	fx *f = *state;
	dbw *w;
	char *err = NULL;
	assert_int_equal(dbw_start(f->path, &w, &err), 0);
	db *o = hold_lock(f->path);
	assert_int_equal(dbw_set_played(w, f->d, f->ep[5], 1), 0);
	assert_int_equal(dbw_queue_add(w, f->d, f->ep[5], 0), 0);
	heard_list h = HEARD_LIST_INIT;
	heard_add(&h, 0, 5);
	assert_int_equal(dbw_heard_add(w, f->d, f->ep[4], &h), 0);
	heard_clear(&h);
	char *lost = dbw_stop(w, 300);
	assert_non_null(lost);
	assert_non_null(strstr(lost, "marked played: ep 5\nqueued: ep 5\nwhat was heard of ep 4"));
	free(lost);
	release_lock(o);
	db_episode e;
	assert_int_equal(db_episode_get(f->d, f->ep[5], &e), 0);
	assert_int_equal(e.played, 0);
	db_episode_free(&e);
}

/* A write that fails for good is dropped with a message naming it, and
 * the writes after it still land. */
static void test_lasting_error_is_said(void **state)
{
	fx *f = *state;
	assert_int_equal(dbi_exec(f->d, "CREATE TRIGGER no_marks BEFORE UPDATE OF played ON episode"
				      " BEGIN SELECT RAISE(ABORT, 'refused by a trigger'); END"), 0);
	dbw *w;
	char *err = NULL;
	assert_int_equal(dbw_start(f->path, &w, &err), 0);
	assert_int_equal(dbw_set_played(w, f->d, f->ep[3], 1), 0);
	assert_int_equal(dbw_queue_add(w, f->d, f->ep[3], 0), 0);
	wait_pending(w, 0, 0);
	int changed, error;
	char *msg;
	assert_int_equal(dbw_poll(w, &changed, &msg, &error), 1);
	assert_non_null(msg);
	assert_non_null(strstr(msg, "could not save: marked played: ep 3"));
	assert_non_null(strstr(msg, "refused by a trigger"));
	assert_int_equal(error, 1);
	free(msg);
	int64_t want[] = {f->ep[3]};
	assert_queue(f, NULL, want, 1);
	assert_null(dbw_stop(w, 1000));
}

/* The marks: queued while locked, shown by the overlays, landed after. */
static void test_marks_locked_then_land(void **state)
{
	fx *f = *state;
	dbw *w;
	char *err = NULL;
	assert_int_equal(dbw_start(f->path, &w, &err), 0);
	db *o = hold_lock(f->path);

	heard_list h = HEARD_LIST_INIT;
	heard_add(&h, 0, 10);
	assert_int_equal(dbw_heard_add(w, f->d, f->ep[0], &h), 0);
	/* The position and more stretches join it: one change. */
	assert_int_equal(dbw_set_position(w, f->d, f->ep[0], 10), 0);
	heard_clear(&h);
	heard_add(&h, 20, 30);
	assert_int_equal(dbw_heard_add(w, f->d, f->ep[0], &h), 0);
	heard_clear(&h);
	assert_int_equal(dbw_bookmark_add(w, f->d, f->ep[1], 12, "a note"), 0);
	chapter_list c = CHAPTER_LIST_INIT;
	chapter_list_push(&c, (chapter){.start = 0, .end = -1, .title = xstrdup("Intro")});
	chapter_list_push(&c, (chapter){.start = 30, .end = -1, .title = xstrdup("Sponsor")});
	chapter_list_push(&c, (chapter){.start = 40, .end = -1, .title = xstrdup("Talk")});
	int on = -1;
	assert_int_equal(dbw_chapter_skip_toggle(w, f->d, f->ep[1], &c, 1, &on), 0);
	assert_int_equal(on, 1);
	assert_int_equal(dbw_chapter_skip_toggle(w, f->d, f->ep[1], &c, 2, &on), 0);
	/* The second toggle of a chapter sees the first (still queued). */
	assert_int_equal(dbw_chapter_skip_toggle(w, f->d, f->ep[1], &c, 2, &on), 0);
	assert_int_equal(on, 0);
	assert_int_equal(dbw_skip_rule(w, f->d, f->pid, "sponsor", 1), 0);
	wait_pending(w, 6, 1);

	heard_list got = HEARD_LIST_INIT;
	assert_int_equal(db_heard_get(f->d, f->ep[0], &got), 0);
	assert_int_equal(got.n, 0);
	dbw_overlay_heard(w, f->ep[0], &got);
	assert_int_equal(got.n, 2);
	assert_true(got.v[0].a == 0 && got.v[0].b == 10 && got.v[1].a == 20 && got.v[1].b == 30);
	heard_clear(&got);
	chapter_list l = CHAPTER_LIST_INIT;
	chapter_list_push(&l, (chapter){.start = 20, .end = -1, .title = xstrdup("Later")});
	assert_int_equal(dbw_overlay_bookmarks(w, f->ep[1], &l), 1);
	assert_int_equal(l.n, 2);
	assert_true(l.v[0].start == 12 && l.v[0].source == CHAP_SRC_USER);
	assert_string_equal(l.v[0].title, "a note");
	chapter_list_clear(&l);
	int skip[3];
	assert_int_equal(db_chapter_skips(f->d, f->ep[1], &c, skip), 0);
	assert_true(skip[0] == 0 && skip[1] == 0 && skip[2] == 0);
	assert_int_equal(dbw_chapter_skips(w, f->d, f->ep[1], &c, skip), 0);
	assert_true(skip[0] == 0 && skip[1] == 1 && skip[2] == 0);
	db_episode e = get(f, w, f->ep[0]);
	assert_true(e.position == 10);
	db_episode_free(&e);

	release_lock(o);
	wait_pending(w, 0, 0);
	assert_int_equal(db_heard_get(f->d, f->ep[0], &got), 0);
	assert_int_equal(got.n, 2);
	heard_clear(&got);
	assert_int_equal(db_episode_get(f->d, f->ep[0], &e), 0);
	assert_true(e.position == 10);
	db_episode_free(&e);
	db_bookmark *b;
	size_t nb;
	assert_int_equal(db_bookmark_list(f->d, f->ep[1], &b, &nb), 0);
	assert_int_equal(nb, 1);
	assert_true(b[0].at == 12);
	assert_string_equal(b[0].note, "a note");
	int64_t bid = b[0].id;
	db_bookmark_list_free(b, nb);
	/* Sponsor is skipped by its toggle, and would be by the pattern too. */
	assert_int_equal(db_chapter_skips(f->d, f->ep[1], &c, skip), 0);
	assert_true(skip[0] == 0 && skip[1] == 1 && skip[2] == 0);
	char **pats;
	size_t np;
	assert_int_equal(db_skip_rules(f->d, f->pid, &pats, &np), 0);
	assert_int_equal(np, 1);
	assert_string_equal(pats[0], "sponsor");
	db_strings_free(pats, np);

	assert_int_equal(dbw_bookmark_delete(w, f->d, bid), 0);
	assert_int_equal(dbw_skip_rule(w, f->d, f->pid, "sponsor", 0), 0);
	wait_pending(w, 0, 0);
	assert_int_equal(db_bookmark_list(f->d, f->ep[1], &b, &nb), 0);
	assert_int_equal(nb, 0);
	db_bookmark_list_free(b, nb);
	assert_int_equal(db_skip_rules(f->d, f->pid, &pats, &np), 0);
	assert_int_equal(np, 0);
	db_strings_free(pats, np);
	chapter_list_clear(&c);
	assert_null(dbw_stop(w, 1000));
}

/* Without a writer the calls write through d at once (podcue play). */
static void test_no_writer_writes_through(void **state)
{
	fx *f = *state;
	assert_int_equal(dbw_set_played(NULL, f->d, f->ep[2], 1), 0);
	assert_int_equal(dbw_queue_remove(NULL, f->d, f->ep[2]), 1); /* not queued */
	db_episode e;
	assert_int_equal(db_episode_get(f->d, f->ep[2], &e), 0);
	assert_int_equal(e.played, 1);
	db_episode_free(&e);
}

/* A burst of queue edits while the thread applies them, the overlays read
 * between them: the end state is the model's, in order. */
static void test_burst_in_order(void **state)
{
	fx *f = *state;
	dbw *w;
	char *err = NULL;
	assert_int_equal(dbw_start(f->path, &w, &err), 0);
	int64_t model[6];
	int last[6];
	size_t n = 0;
	for (int i = 0; i < 300; i++) {
		int64_t ep = f->ep[(i * 7) % 6];
		last[(i * 7) % 6] = i;
		int front = i % 3 == 0;
		size_t at = n;
		for (size_t k = 0; k < n; k++)
			if (model[k] == ep)
				at = k;
		if (i % 5 == 4) { /* a remove */
			if (at < n) {
				memmove(model + at, model + at + 1, (n - at - 1) * sizeof *model);
				n--;
			}
			dbw_queue_remove(w, f->d, ep);
		} else {
			if (at < n) {
				memmove(model + at, model + at + 1, (n - at - 1) * sizeof *model);
				n--;
			}
			if (front) {
				memmove(model + 1, model, n * sizeof *model);
				model[0] = ep;
			} else {
				model[n] = ep;
			}
			n++;
			dbw_queue_add(w, f->d, ep, front);
		}
		dbw_set_position(w, f->d, ep, i);
		heard_list h = HEARD_LIST_INIT;
		heard_add(&h, i, i + 0.5);
		dbw_heard_add(w, f->d, ep, &h);
		heard_clear(&h);
		if (i % 10 == 0) { /* read as the UI does, while the thread writes */
			db_queue_entry *q;
			size_t m;
			assert_int_equal(db_queue_list(f->d, &q, &m), 0);
			dbw_overlay_queue(w, f->d, &q, &m);
			db_queue_list_free(q, m);
			int changed, error;
			char *msg;
			dbw_poll(w, &changed, &msg, &error);
			free(msg);
		}
	}
	wait_pending(w, 0, -1);
	assert_queue(f, NULL, model, n);
	/* A position saved while the one before was being written is not
	 * lost: it is written again. */
	for (int k = 0; k < 6; k++) {
		db_episode e;
		assert_int_equal(db_episode_get(f->d, f->ep[k], &e), 0);
		assert_true(e.position == last[k]);
		db_episode_free(&e);
		heard_list got = HEARD_LIST_INIT;
		assert_int_equal(db_heard_get(f->d, f->ep[k], &got), 0);
		assert_true(heard_covered(&got, last[k], last[k] + 0.5) > 0.49);
		heard_clear(&got);
	}
	assert_null(dbw_stop(w, 1000));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_locked_then_lands, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_read_sees_a_write_landing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_stop_while_locked_names_what_is_lost, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_marks_locked_then_land, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_writer_writes_through, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lasting_error_is_said, setup, teardown),
		cmocka_unit_test_setup_teardown(test_burst_in_order, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
