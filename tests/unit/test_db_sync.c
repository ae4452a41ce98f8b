/*
 * test_db_sync.c - sync state in the cache (db_sync.c, migration 8): the
 * account, changes recorded by the triggers only while sync is set up and
 * never for what the server sent, the first sync's seed, a sent change
 * forgotten only when it was not made again, finding a pulled action's
 * episode by enclosure URL and by guid, pulled subscriptions (a pending
 * local change of the same feed wins), downloads finished and deleted
 * (migration 10), an episode found through its former enclosure URLs and
 * the server's update_urls, and the migrations.
 */
#include "testutil.h"

#include <unistd.h>

#include "../../src/db_int.h"
#include "testold.h"
#include "db.h"

static void store(db *d, int64_t pid, const char *url, const char *enc0);

/* A podcast with two episodes (guids g0, g1; enclosures URL/0.mp3, 1.mp3). */
static int64_t add_podcast(db *d, const char *url, int64_t *ids)
{
	int64_t pid;
	int existed;
	assert_int_equal(db_podcast_add(d, url, 0, &pid, &existed), 0);
	store(d, pid, url, NULL);
	for (int i = 0; i < 2; i++) {
		char *key = xasprintf("%sg%d", url, i);
		ids[i] = episode_id_by_key(d, key);
		assert_true(ids[i] > 0);
		free(key);
	}
	return pid;
}

/* Stores the feed of add_podcast, the first enclosure enc0 when not NULL. */
static void store(db *d, int64_t pid, const char *url, const char *enc0)
{
	feed f = {0};
	f.title = xstrdup(url);
	f.items = xcalloc(2, sizeof *f.items);
	f.nitems = 2;
	for (size_t i = 0; i < 2; i++) {
		feed_item *it = &f.items[i];
		it->key = xasprintf("%sg%zu", url, i);
		it->guid = xasprintf("g%zu", i);
		it->title = xasprintf("ep %zu", i);
		it->published = 1700000000 + (int64_t)i * 86400;
		it->has_published = 1;
		it->duration = 60;
		it->enclosure_url = i == 0 && enc0 ? xstrdup(enc0) : xasprintf("%s%zu.mp3", url, i);
		it->enclosure_length = -1;
	}
	db_store_stats stats = {0};
	assert_int_equal(db_store_feed(d, pid, &f, NULL, NULL, NULL, 0, 1000, &stats), 0);
	feed_free(&f);
}

static size_t pending_files(db *d, int *downloaded)
{
	db_sync_file *f;
	size_t n;
	assert_int_equal(db_sync_pending_files(d, &f, &n), 0);
	if (n && downloaded)
		*downloaded = f[n - 1].downloaded;
	db_sync_files_free(f, n);
	return n;
}

/* Downloads finished and deleted are recorded (only finished ones, only
 * while sync is set up) and forgotten once sent; an episode is found by
 * the enclosure URLs it had before; the server's update_urls give a feed
 * and an episode another name. */
static void test_files_and_former_urls(void **state)
{
	(void)state;
	char *path = tmp_db();
	db *d;
	char *err = NULL;
	assert_int_equal(db_open(path, &d, &err), 0);
	int64_t a[2];
	int64_t pid = add_podcast(d, "https://a.example/", a);
	db_download r = {.episode_id = a[0], .state = DL_DONE, .total = -1, .path = "/x/0.mp3"};
	assert_int_equal(db_download_save(d, &r), 0);
	assert_int_equal(pending_files(d, NULL), 0); /* sync is off */
	assert_int_equal(db_sync_setup(d, "https://s/", "u", "dev", 0), 0);
	int dl = -1;
	assert_int_equal(pending_files(d, &dl), 1); /* the seed */
	assert_int_equal(dl, 1);
	db_sync_file *f;
	size_t n;
	assert_int_equal(db_sync_pending_files(d, &f, &n), 0);
	assert_string_equal(f[0].episode_url, "https://a.example/0.mp3");
	assert_string_equal(f[0].podcast_url, "https://a.example/");
	assert_int_equal(db_sync_files_sent(d, f, n), 0);
	db_sync_files_free(f, n);
	assert_int_equal(pending_files(d, NULL), 0);

	r = (db_download){.episode_id = a[1], .state = DL_QUEUED, .total = -1, .path = "/x/1.mp3"};
	assert_int_equal(db_download_save(d, &r), 0);
	assert_int_equal(db_download_progress(d, a[1], DL_RUNNING, 10, 100), 0);
	assert_int_equal(pending_files(d, NULL), 0); /* not finished */
	r.state = DL_DONE;
	assert_int_equal(db_download_save(d, &r), 0);
	assert_int_equal(pending_files(d, &dl), 1);
	assert_int_equal(dl, 1);
	assert_int_equal(db_download_remove(d, a[1]), 0);
	assert_int_equal(pending_files(d, &dl), 1); /* the net change: deleted */
	assert_int_equal(dl, 0);
	size_t subs, eps;
	assert_int_equal(db_sync_pending_count(d, &subs, &eps), 0);
	assert_int_equal(eps, 1);

	/* The feed moves episode 0 to another URL: the old one still finds it. */
	store(d, pid, "https://a.example/", "https://cdn.example/zero.mp3");
	db_sync_local l;
	assert_int_equal(db_sync_find_episode(d, NULL, "https://a.example/0.mp3", NULL, &l), 0);
	assert_int_equal(l.episode_id, a[0]);
	assert_int_equal(db_sync_find_episode(d, NULL, "https://cdn.example/zero.mp3", NULL, &l), 0);
	assert_int_equal(l.episode_id, a[0]);
	assert_int_equal(db_sync_find_episode(d, NULL, "https://a.example/9.mp3", NULL, &l), 1);

	/* update_urls. */
	char *pairs[] = {"https://a.example/", "https://a.example/?srv",
			 "https://a.example/1.mp3", "https://a.example/1.mp3?srv"};
	assert_int_equal(db_sync_url_updates(d, pairs, 2), 0);
	db_podcast p;
	assert_int_equal(db_podcast_find(d, "https://a.example/?srv", &p), 0);
	assert_int_equal(p.id, pid);
	db_podcast_free(&p);
	assert_int_equal(db_sync_find_episode(d, NULL, "https://a.example/1.mp3?srv", NULL, &l), 0);
	assert_int_equal(l.episode_id, a[1]);
	db_close(d);
	rm_db(path);
}

static void test_migrates_from_previous(void **state)
{
	(void)state;
	char *path = tmp_db();
	db *d;
	char *err = NULL;
	assert_int_equal(dbi_open_at_version(path, 10, &d, &err), 0);
	int64_t a[2];
	old_cache_podcast(d, "https://a.example/", 2, a);
	db_download r = {.episode_id = a[0], .state = DL_DONE, .total = -1, .path = "/x/0.mp3"};
	assert_int_equal(db_download_save(d, &r), 0);
	db_close(d);
	assert_int_equal(db_open(path, &d, &err), 0);
	assert_int_equal(db_schema_version(d), DB_SCHEMA_VERSION);
	assert_int_equal(db_sync_setup(d, "https://s/", "u", "dev", 0), 0);
	assert_int_equal(pending_files(d, NULL), 1);
	db_close(d);
	rm_db(path);
}

static size_t count(db *d, const char *table)
{
	size_t subs, eps;
	assert_int_equal(db_sync_pending_count(d, &subs, &eps), 0);
	return strcmp(table, "subs") == 0 ? subs : eps;
}

static void test_recorded_only_while_set_up(void **state)
{
	(void)state;
	char *path = tmp_db();
	db *d;
	char *err = NULL;
	assert_int_equal(db_open(path, &d, &err), 0);
	db_sync_account acc;
	assert_int_equal(db_sync_get(d, &acc), 1); /* off */
	int64_t a[2], b[2];
	add_podcast(d, "https://a.example/", a);
	assert_int_equal(db_episode_set_position(d, a[0], 12), 0);
	assert_int_equal(count(d, "subs"), 0); /* off: nothing recorded */
	assert_int_equal(count(d, "eps"), 0);

	/* Setup seeds what the cache holds. */
	assert_int_equal(db_sync_setup(d, "https://s/", "u", "dev", 0), 0);
	assert_int_equal(db_sync_get(d, &acc), 0);
	assert_string_equal(acc.device, "dev");
	assert_int_equal(acc.subs_since, 0);
	db_sync_account_free(&acc);
	assert_int_equal(count(d, "subs"), 1);
	assert_int_equal(count(d, "eps"), 1);

	/* Changes are recorded by whoever makes them. */
	int64_t pb = add_podcast(d, "https://b.example/", b);
	assert_int_equal(db_episode_set_played(d, b[1], 1), 0);
	assert_int_equal(db_episode_set_position(d, a[0], 20), 0);
	assert_int_equal(count(d, "subs"), 2);
	assert_int_equal(count(d, "eps"), 2);
	db_sync_episode *e;
	size_t n;
	assert_int_equal(db_sync_pending_episodes(d, &e, &n), 0);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++) {
		if (e[i].episode_id == a[0]) {
			assert_true(e[i].position == 20);
			assert_true(e[i].duration == 60);
			assert_string_equal(e[i].podcast_url, "https://a.example/");
			assert_string_equal(e[i].episode_url, "https://a.example/0.mp3");
		} else {
			assert_int_equal(e[i].episode_id, b[1]);
			assert_int_equal(e[i].played, 1);
			assert_true(e[i].started < 0); /* it had no position */
			assert_true(e[i].at > 0);
		}
	}

	/* Sent: forgotten, unless made again meanwhile. */
	assert_int_equal(db_episode_set_position(d, a[0], 25), 0);
	sqlite3_exec(d->h, "UPDATE sync_episode_change SET at = at + 5", NULL, NULL, NULL);
	assert_int_equal(db_sync_episodes_sent(d, e, n), 0);
	assert_int_equal(count(d, "eps"), 0 + 2); /* both stamps moved */
	db_sync_episodes_free(e, n);
	assert_int_equal(db_sync_pending_episodes(d, &e, &n), 0);
	assert_int_equal(db_sync_episodes_sent(d, e, n), 0);
	assert_int_equal(count(d, "eps"), 0);
	db_sync_episodes_free(e, n);

	/* A removal replaces the pending add of the same feed. */
	assert_int_equal(db_podcast_remove(d, pb), 0);
	db_sync_sub *s;
	assert_int_equal(db_sync_pending_subs(d, &s, &n), 0);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(s[i].added, strcmp(s[i].url, "https://a.example/") == 0);
	assert_int_equal(db_sync_subs_sent(d, s, n), 0);
	db_sync_subs_free(s, n);
	assert_int_equal(count(d, "subs"), 0);

	/* A moved feed: remove the old URL, add the new. */
	int64_t pa;
	db_podcast p;
	assert_int_equal(db_podcast_find(d, "https://a.example/", &p), 0);
	pa = p.id;
	db_podcast_free(&p);
	assert_int_equal(db_podcast_set_url(d, pa, "https://a2.example/"), 0);
	assert_int_equal(count(d, "subs"), 2);

	/* Off forgets everything, and records nothing more. */
	assert_int_equal(db_sync_off(d), 0);
	assert_int_equal(db_episode_set_position(d, a[0], 30), 0);
	assert_int_equal(count(d, "subs") + count(d, "eps"), 0);
	db_close(d);
	rm_db(path);
}

static void test_apply_and_find(void **state)
{
	(void)state;
	char *path = tmp_db();
	db *d;
	char *err = NULL;
	assert_int_equal(db_open(path, &d, &err), 0);
	int64_t a[2];
	add_podcast(d, "https://a.example/", a);
	assert_int_equal(db_sync_setup(d, "https://s/", "u", "dev", 1), 0);
	size_t n0 = count(d, "eps");

	db_sync_local l;
	/* By enclosure URL, and by guid within the podcast. */
	assert_int_equal(db_sync_find_episode(d, NULL, "https://a.example/1.mp3", NULL, &l), 0);
	assert_int_equal(l.episode_id, a[1]);
	assert_int_equal(db_sync_find_episode(d, "https://a.example/", "https://cdn/x.mp3", "g0", &l),
			 0);
	assert_int_equal(l.episode_id, a[0]);
	assert_int_equal(db_sync_find_episode(d, "https://other/", "https://cdn/x.mp3", "g0", &l), 1);
	assert_int_equal(db_sync_find_episode(d, "https://a.example/", "https://cdn/x.mp3", NULL, &l),
			 1);

	/* A local change shows in the lookup; applying a pulled state drops it
	 * and is not itself recorded. */
	assert_int_equal(db_episode_set_position(d, a[0], 5), 0);
	assert_int_equal(db_sync_find_episode(d, NULL, "https://a.example/0.mp3", NULL, &l), 0);
	assert_int_equal(l.changed, 1);
	assert_true(l.changed_at > 0);
	assert_int_equal(db_sync_apply_episode(d, a[0], 42, 0, 1700000000000LL), 0);
	assert_int_equal(db_sync_apply_episode(d, a[1], -1, 1, 0), 0);
	assert_int_equal(count(d, "eps"), n0);
	db_episode e;
	assert_int_equal(db_episode_get(d, a[0], &e), 0);
	assert_true(e.position == 42);
	assert_true(e.last_played == 1700000000000LL); /* dated by the action */
	db_episode_free(&e);
	assert_int_equal(db_sync_find_episode(d, NULL, "https://a.example/0.mp3", NULL, &l), 0);
	assert_true(l.last_played == 1700000000000LL);
	assert_int_equal(db_episode_get(d, a[1], &e), 0);
	assert_int_equal(e.played, 1);
	db_episode_free(&e);

	/* Pulled subscriptions, not recorded; a pending local change wins. */
	int changed;
	int64_t id;
	size_t s0 = count(d, "subs");
	assert_int_equal(db_sync_apply_sub(d, "https://n.example/", 1, &changed, &id), 0);
	assert_int_equal(changed, 1);
	assert_true(id > 0);
	assert_int_equal(db_sync_apply_sub(d, "https://n.example/", 1, &changed, &id), 0);
	assert_int_equal(changed, 0);
	assert_int_equal(count(d, "subs"), s0);
	assert_int_equal(db_sync_apply_sub(d, "https://a.example/", 0, &changed, &id), 0);
	assert_int_equal(changed, 0); /* its pending add (the seed) is kept */
	assert_int_equal(db_sync_apply_sub(d, "https://n.example/", 0, &changed, &id), 0);
	assert_int_equal(changed, 1);
	db_podcast p;
	assert_int_equal(db_podcast_find(d, "https://n.example/", &p), 1);
	assert_int_equal(count(d, "subs"), s0);

	assert_int_equal(db_sync_done(d, 7, 9, 1234), 0);
	assert_int_equal(db_sync_failed(d, "boom"), 0);
	db_sync_account acc;
	assert_int_equal(db_sync_get(d, &acc), 0);
	assert_int_equal(acc.subs_since, 7);
	assert_int_equal(acc.actions_since, 9);
	assert_int_equal(acc.last_sync, 1234);
	assert_int_equal(acc.flavour, 1);
	assert_string_equal(acc.last_error, "boom");
	db_sync_account_free(&acc);
	db_close(d);
	rm_db(path);
}

static void test_migrates_from_v8(void **state)
{
	(void)state;
	char *path = tmp_db();
	db *d;
	char *err = NULL;
	assert_int_equal(dbi_open_at_version(path, 8, &d, &err), 0);
	int64_t a[2];
	old_cache_podcast(d, "https://a.example/", 2, a);
	assert_int_equal(db_episode_set_position(d, a[0], 12), 0);
	db_close(d);
	assert_int_equal(db_open(path, &d, &err), 0);
	assert_int_equal(db_schema_version(d), DB_SCHEMA_VERSION);
	db_episode e;
	assert_int_equal(db_episode_get(d, a[0], &e), 0);
	assert_true(e.position == 12);
	db_episode_free(&e);
	db_sync_account acc;
	assert_int_equal(db_sync_get(d, &acc), 1);
	assert_int_equal(db_sync_setup(d, "https://s/", "u", "dev", 0), 0);
	assert_int_equal(count(d, "eps"), 1);
	db_close(d);
	rm_db(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recorded_only_while_set_up),
		cmocka_unit_test(test_apply_and_find),
		cmocka_unit_test(test_migrates_from_v8),
		cmocka_unit_test(test_files_and_former_urls),
		cmocka_unit_test(test_migrates_from_previous),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
