/*
 * test_worker.c - the TUI's background thread on a real cache: the visible
 * chapter list it counts is the one the cache hands every front end
 * (hidden chapters neither take a number nor count towards "this episode
 * has a real list"), settings changed after the start reach it, and a
 * sync job without an account.
 *
 * Media: local files (file:// URLs of a podcast added as a local file)
 * holding no ID3 tag, so a probe finds nothing but is recorded.
 */
#include "testutil.h"

#include <poll.h>
#include <unistd.h>

#include "config.h"
#include "db.h"
#include "worker.h"

#define DEADLINE_MS 10000

static char *dir, *dbpath;
static db *d;
static config cfg;
static int64_t pod_id;

static feed_item item(const char *key)
{
	feed_item it = {0};
	it.key = xstrdup(key);
	it.guid = xstrdup(key);
	it.title = xstrdup(key);
	it.duration = 60;
	it.enclosure_url = xasprintf("file://%s/%s.mp3", dir, key);
	it.enclosure_length = -1;
	return it;
}

static int64_t find(const char *key)
{
	return episode_id_by_key(d, key);
}

/* A file with no ID3 tag at dir/key.mp3, and an episode that points at it. */
static int64_t add_episode(const char *key)
{
	char *path = xasprintf("%s/%s.mp3", dir, key);
	FILE *f = fopen(path, "w");
	free(path);
	if (!f)
		return 0;
	fputs("not an mp3 file, and no ID3 tag in it\n", f);
	fclose(f);
	feed fd = {0};
	fd.title = xstrdup("Show");
	fd.items = xcalloc(1, sizeof *fd.items);
	fd.items[0] = item(key);
	fd.nitems = 1;
	db_store_stats st;
	int rc = db_begin(d) || db_store_feed(d, pod_id, &fd, NULL, NULL, NULL, 1, 1, &st) ||
		 db_commit(d);
	feed_free(&fd);
	return rc ? 0 : find(key);
}

/* JSON chapters at 0, 10, 20, ... with hidden[i] telling which are hidden. */
static void set_json(int64_t id, size_t n, const int *hidden)
{
	chapter_list l = CHAPTER_LIST_INIT;
	for (size_t i = 0; i < n; i++) {
		char t[32];
		snprintf(t, sizeof t, "%s %zu", hidden[i] ? "Art" : "Part", i);
		chapter_list_push(&l, (chapter){.start = 10.0 * (double)i, .end = -1,
						.title = xstrdup(t), .hidden = hidden[i],
						.source = CHAP_SRC_JSON});
	}
	assert_int_equal(db_chapters_set(d, id, CHAP_SRC_JSON, &l), 0);
	chapter_list_clear(&l);
}

static int setup(void **state)
{
	(void)state;
	char tmpl[] = "/tmp/podcue-workertest.XXXXXX";
	if (!mkdtemp(tmpl))
		return -1;
	dir = xstrdup(tmpl);
	dbpath = xasprintf("%s/cache.db", dir);
	char *err = NULL;
	if (db_open(dbpath, &d, &err) != 0)
		return -1;
	int existed;
	char *feedurl = xasprintf("file://%s/feed.xml", dir);
	int rc = db_podcast_add(d, feedurl, 1, &pod_id, &existed);
	free(feedurl);
	config_defaults(&cfg);
	return rc;
}

static int teardown(void **state)
{
	(void)state;
	db_close(d);
	config_free(&cfg);
	char *cmd = xasprintf("rm -rf '%s'", dir);
	int rc = system(cmd);
	(void)rc;
	free(cmd);
	free(dir);
	free(dbpath);
	return 0;
}

/* Waits up to DEADLINE_MS for w's result of a job of kind, into *r;
 * 1 when it came. */
static int wait_result(worker *w, int kind, worker_result *r)
{
	int got = 0;
	for (int waited = 0; !got && waited < DEADLINE_MS; waited += 50) {
		struct pollfd p = {worker_fd(w), POLLIN, 0};
		poll(&p, 1, 50);
		while (!got && worker_poll(w, r))
			got = r->kind == kind;
	}
	return got;
}

/* Runs one job on a fresh worker and waits for its result. */
static worker_result run_job(int kind, int64_t id, const char *arg)
{
	worker *w;
	char *err = NULL;
	if (worker_start(dbpath, &cfg, &w, &err) != 0)
		fail_msg("worker_start: %s", err);
	worker_submit(w, kind, id, arg);
	worker_result r = {0};
	int got = wait_result(w, kind, &r);
	worker_stop(w);
	if (!got)
		fail_msg("no result for job %d", kind);
	return r;
}

/* Hidden chapters do not shift the numbers: chapter 2 is the second
 * visible one, whatever hides between. */
static void test_visible_list(void **state)
{
	(void)state;
	int64_t id = add_episode("numbers");
	assert_true(id > 0);
	set_json(id, 5, (const int[]){0, 1, 1, 0, 0});
	chapter_list l = CHAPTER_LIST_INIT;
	assert_int_equal(db_chapters_visible(d, id, &l), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[0].title, "Part 0");
	assert_string_equal(l.v[1].title, "Part 3");
	assert_string_equal(l.v[2].title, "Part 4");
	/* the merged list still carries them, flagged */
	chapter_list all = CHAPTER_LIST_INIT;
	assert_int_equal(db_chapters_merged(d, id, &all), 0);
	assert_int_equal(all.n, 5);
	chapter_list_clear(&all);
	chapter_list_clear(&l);
}

/* The worker probes the media file when the user would see fewer than two
 * chapters: one visible chapter among hidden ones is no real list. */
static void test_worker_counts_visible(void **state)
{
	(void)state;
	int64_t placeholder = add_episode("placeholder");
	int64_t real = add_episode("real");
	assert_true(placeholder > 0 && real > 0);
	set_json(placeholder, 4, (const int[]){0, 1, 1, 1});
	set_json(real, 3, (const int[]){0, 1, 0});

	worker_result r = run_job(WORK_CHAPTERS, placeholder, NULL);
	assert_int_equal(r.id, placeholder);
	worker_result_free(&r);
	assert_int_equal(db_embedded_probed(d, placeholder), 1);

	r = run_job(WORK_CHAPTERS, real, NULL);
	worker_result_free(&r);
	assert_int_equal(db_embedded_probed(d, real), 0);
}

/* A feed file of about 2 MiB (a long description), as a local podcast. */
static int64_t add_big_feed(void)
{
	char *path = xasprintf("%s/big.xml", dir);
	FILE *f = fopen(path, "w");
	if (!f)
		fail_msg("cannot write %s", path);
	fputs("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Big</title>"
	      "<description>", f);
	for (int i = 0; i < 2 * 1024; i++)
		fprintf(f, "%01023d ", 0);
	fputs("</description><item><guid>big1</guid><title>Big one</title></item>"
	      "</channel></rss>\n", f);
	fclose(f);
	char *url = xasprintf("file://%s", path);
	int64_t id = 0;
	int existed;
	assert_int_equal(db_podcast_add(d, url, 1, &id, &existed), 0);
	free(url);
	free(path);
	return id;
}

/* Settings changed after the start (the UI's :set) reach the thread: the
 * same refresh that passes with the defaults fails once the largest feed
 * accepted is 1 MiB. */
static void test_set_config_reaches_thread(void **state)
{
	(void)state;
	int64_t id = add_big_feed();
	worker *w;
	char *err = NULL;
	if (worker_start(dbpath, &cfg, &w, &err) != 0)
		fail_msg("worker_start: %s", err);
	int failed[2];
	for (int round = 0; round < 2; round++) {
		if (round == 1) {
			config small = cfg;
			small.max_feed_mb = 1;
			worker_set_config(w, &small);
		}
		worker_submit(w, WORK_REFRESH, id, NULL);
		worker_result r = {0};
		if (!wait_result(w, WORK_REFRESH, &r))
			fail_msg("no refresh result in round %d", round);
		failed[round] = r.failed;
		worker_result_free(&r);
	}
	worker_stop(w);
	assert_int_equal(failed[0], 0);
	assert_int_equal(failed[1], 1);
}

/* A sync with no account: the automatic one is silent, the one asked for
 * says sync is off; a sync queued behind another job is not queued twice
 * (the one result says it was asked for). */
static void test_sync_when_off(void **state)
{
	(void)state;
	worker_result r = run_job(WORK_SYNC, 0, NULL);
	assert_null(r.message);
	assert_int_equal(r.failed, 0);
	worker_result_free(&r);
	r = run_job(WORK_SYNC, 1, NULL);
	assert_non_null(r.message);
	assert_non_null(strstr(r.message, "sync is off"));
	assert_int_equal(r.failed, 1);
	assert_int_equal(r.id, 1);
	worker_result_free(&r);

	worker *w;
	char *err = NULL;
	if (worker_start(dbpath, &cfg, &w, &err) != 0)
		fail_msg("worker_start: %s", err);
	worker_submit(w, WORK_REFRESH, 0, NULL); /* something to queue behind */
	worker_submit(w, WORK_SYNC, 0, NULL);
	worker_submit(w, WORK_SYNC, 1, NULL);
	worker_submit(w, WORK_SYNC, 0, NULL);
	/* However the three met the queue, the one asked for is answered as
	 * such, once, and there are never three syncs. */
	int syncs = 0, asked = 0;
	for (int waited = 0; !asked && waited < DEADLINE_MS; waited += 50) {
		struct pollfd p = {worker_fd(w), POLLIN, 0};
		poll(&p, 1, 50);
		worker_result x;
		while (worker_poll(w, &x)) {
			if (x.kind == WORK_SYNC) {
				syncs++;
				asked += x.id == 1;
			}
			worker_result_free(&x);
		}
	}
	worker_stop(w); /* what was still queued is dropped */
	assert_int_equal(asked, 1);
	assert_true(syncs <= 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_visible_list),
		cmocka_unit_test(test_worker_counts_visible),
		cmocka_unit_test(test_set_config_reaches_thread),
		cmocka_unit_test(test_sync_when_off),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
