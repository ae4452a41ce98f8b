/*
 * test_db.c - the cache: schema, upserts that keep user state, aliases,
 * cascades, chapters, and sharing between two connections.
 */
#include "testutil.h"

#include <unistd.h>

#include "db.h"

static char *tmp_db(void)
{
	char tmpl[] = "/tmp/podcue-dbtest.XXXXXX";
	char *dir = mkdtemp(tmpl);
	assert_non_null(dir);
	return xasprintf("%s/cache.db", dir);
}

static void rm_db(char *path)
{
	char *wal = xasprintf("%s-wal", path), *shm = xasprintf("%s-shm", path);
	unlink(path);
	unlink(wal);
	unlink(shm);
	*strrchr(path, '/') = '\0';
	rmdir(path);
	free(wal);
	free(shm);
	free(path);
}

static feed_item make_item(const char *key, const char *title, int64_t date)
{
	feed_item it = {0};
	it.key = xstrdup(key);
	it.guid = xstrdup(key);
	it.title = xstrdup(title);
	it.published = date;
	it.has_published = 1;
	it.duration = 60;
	it.enclosure_url = xasprintf("https://example.org/%s.mp3", key);
	it.enclosure_length = -1;
	return it;
}

static void make_feed(feed *f, size_t n, const char *const *keys, const char *const *titles)
{
	memset(f, 0, sizeof *f);
	f->title = xstrdup("Show");
	f->items = xcalloc(n, sizeof *f->items);
	f->nitems = n;
	for (size_t i = 0; i < n; i++) {
		f->items[i] = make_item(keys[i], titles[i], 1700000000 + (int64_t)i * 86400);
		f->items[i].feed_order = (int)i;
	}
}

static int store(db *d, int64_t id, const feed *f, db_store_stats *st)
{
	assert_int_equal(db_begin(d), 0);
	int rc = db_store_feed(d, id, f, NULL, "\"etag1\"", NULL, 42, 1000, st);
	assert_int_equal(db_commit(d), 0);
	return rc;
}

static void test_open_migrates(void **state)
{
	(void)state;
	char *path = tmp_db();
	db *d;
	char *err = NULL;
	assert_int_equal(db_open(path, &d, &err), 0);
	assert_int_equal(db_schema_version(d), DB_SCHEMA_VERSION);
	db_close(d);
	/* Re-opening an up-to-date cache is a no-op. */
	assert_int_equal(db_open(path, &d, &err), 0);
	assert_int_equal(db_schema_version(d), DB_SCHEMA_VERSION);
	db_close(d);
	rm_db(path);
}

static void test_refuses_newer_schema(void **state)
{
	(void)state;
	char *path = tmp_db();
	db *d;
	char *err = NULL;
	assert_int_equal(db_open(path, &d, &err), 0);
	db_close(d);
	char *cmd = xasprintf("sqlite3 '%s' 'PRAGMA user_version = 999'", path);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	assert_int_equal(db_open(path, &d, &err), -1);
	assert_non_null(strstr(err, "newer"));
	free(err);
	rm_db(path);
}

static void test_upsert_keeps_state(void **state)
{
	(void)state;
	char *path = tmp_db();
	db *d;
	char *err = NULL;
	assert_int_equal(db_open(path, &d, &err), 0);
	int64_t id;
	int existed;
	assert_int_equal(db_podcast_add(d, "https://example.org/feed", 0, &id, &existed), 0);
	assert_false(existed);

	feed f;
	const char *k1[] = {"a", "b", "c"}, *t1[] = {"A", "B", "C"};
	make_feed(&f, 3, k1, t1);
	db_store_stats st;
	assert_int_equal(store(d, id, &f, &st), 0);
	assert_int_equal(st.added, 3);
	feed_free(&f);

	/* The user plays "b". */
	db_episode *v;
	size_t n;
	assert_int_equal(db_episode_list(d, id, &v, &n), 0);
	assert_int_equal(n, 3);
	int64_t bid = 0;
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].key, "b") == 0)
			bid = v[i].id;
	db_episode_list_free(v, n);
	char *cmd = xasprintf("sqlite3 '%s' 'UPDATE episode SET played=1, position=99.5 WHERE id=%lld'",
			      path, (long long)bid);
	assert_int_equal(system(cmd), 0);
	free(cmd);

	/* The feed drops "a", renames "b", adds "d". */
	const char *k2[] = {"b", "c", "d"}, *t2[] = {"B renamed", "C", "D"};
	make_feed(&f, 3, k2, t2);
	assert_int_equal(store(d, id, &f, &st), 0);
	assert_int_equal(st.added, 1);
	assert_int_equal(st.updated, 2);
	feed_free(&f);

	db_episode e;
	assert_int_equal(db_episode_get(d, bid, &e), 0);
	assert_string_equal(e.title, "B renamed");
	assert_int_equal(e.played, 1);
	assert_true(e.position > 99.4 && e.position < 99.6);
	db_episode_free(&e);

	assert_int_equal(db_episode_list(d, id, &v, &n), 0);
	assert_int_equal(n, 4); /* "a" vanished from the feed but stays */
	db_episode_list_free(v, n);

	db_podcast p;
	assert_int_equal(db_podcast_get(d, id, &p), 0);
	assert_string_equal(p.etag, "\"etag1\"");
	assert_int_equal(p.episodes, 4);
	assert_int_equal(p.content_hash, 42);
	db_podcast_free(&p);
	db_close(d);
	rm_db(path);
}

static void test_alias_and_cascade(void **state)
{
	(void)state;
	char *path = tmp_db();
	db *d;
	char *err = NULL;
	assert_int_equal(db_open(path, &d, &err), 0);
	int64_t id, id2;
	int existed;
	assert_int_equal(db_podcast_add(d, "http://old.example/feed", 0, &id, &existed), 0);
	assert_int_equal(db_podcast_set_url(d, id, "https://new.example/feed"), 0);
	db_podcast p;
	assert_int_equal(db_podcast_find(d, "http://old.example/feed", &p), 0);
	assert_int_equal(p.id, id);
	assert_string_equal(p.url, "https://new.example/feed");
	db_podcast_free(&p);
	/* Adding the old URL again finds the moved subscription. */
	assert_int_equal(db_podcast_add(d, "http://old.example/feed", 0, &id2, &existed), 0);
	assert_true(existed);
	assert_int_equal(id2, id);

	feed f;
	const char *k[] = {"x"}, *t[] = {"X"};
	make_feed(&f, 1, k, t);
	chapter_list cl = CHAPTER_LIST_INIT;
	chapter_list_push(&cl, (chapter){.start = 1.5, .end = -1, .title = xstrdup("One"),
					 .source = CHAP_SRC_PSC});
	f.items[0].psc = cl;
	db_store_stats st;
	assert_int_equal(store(d, id, &f, &st), 0);
	feed_free(&f);

	db_episode *v;
	size_t n;
	assert_int_equal(db_episode_list(d, 0, &v, &n), 0);
	assert_int_equal(n, 1);
	chapter_list got = CHAPTER_LIST_INIT;
	assert_int_equal(db_chapters_get(d, v[0].id, CHAP_SRC_PSC, &got), 0);
	assert_int_equal(got.n, 1);
	assert_string_equal(got.v[0].title, "One");
	assert_time_equal(got.v[0].start, 1.5);
	assert_true(got.v[0].end < 0);
	chapter_list_clear(&got);
	db_episode_list_free(v, n);

	assert_int_equal(db_podcast_remove(d, id), 0);
	assert_int_equal(db_podcast_remove(d, id), 1);
	assert_int_equal(db_episode_list(d, 0, &v, &n), 0);
	assert_int_equal(n, 0);
	free(v);
	assert_int_equal(db_podcast_find(d, "http://old.example/feed", &p), 1);
	db_close(d);
	rm_db(path);
}

static void test_two_connections(void **state)
{
	(void)state;
	char *path = tmp_db();
	db *a, *b;
	char *err = NULL;
	assert_int_equal(db_open(path, &a, &err), 0);
	assert_int_equal(db_open(path, &b, &err), 0);
	int64_t id;
	int existed;
	/* A reader sees committed data while another connection writes. */
	assert_int_equal(db_begin(a), 0);
	assert_int_equal(db_podcast_add(a, "https://x.example/f", 0, &id, &existed), 0);
	db_podcast *v;
	size_t n;
	assert_int_equal(db_podcast_list(b, &v, &n), 0);
	assert_int_equal(n, 0);
	free(v);
	assert_int_equal(db_commit(a), 0);
	assert_int_equal(db_podcast_list(b, &v, &n), 0);
	assert_int_equal(n, 1);
	db_podcast_list_free(v, n);
	db_close(a);
	db_close(b);
	rm_db(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_migrates),
		cmocka_unit_test(test_refuses_newer_schema),
		cmocka_unit_test(test_upsert_keeps_state),
		cmocka_unit_test(test_alias_and_cascade),
		cmocka_unit_test(test_two_connections),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
