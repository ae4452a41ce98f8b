/*
 * test_db.c - the cache: schema and migrations (a slow one announced),
 * episode counts kept by triggers, upserts that keep user
 * state, aliases, cascades, chapters, sharing between two connections,
 * paging (same order as the full list, query plans that use an index),
 * and full-text search (kept in sync by every writer, safe against any
 * user text, ranking and duplicate chapters).
 *
 * The module's private header gives two test hooks: opening a cache at an
 * older schema version, and the query plan of a page. The search index is
 * also inspected directly with the sqlite3 shell, because db_search joins
 * its matches back to live rows and would hide a stale index entry. Errors
 * in the middle of a query are made with SQLite's own hooks on the
 * connection (an authorizer, a progress handler), through the same header.
 */
#include "testutil.h"

#include <limits.h>
#include <unistd.h>

#include "../../src/db_int.h"
#include "db.h"

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

/* Authorizer: lets the first read of PRAGMA user_version through and
 * refuses the rest, as a cache that turns unreadable (I/O error, lock)
 * right after the first read would. Writes of the version pass. */
static int refuse_later_version_reads(void *ctx, int action, const char *a1, const char *a2,
				      const char *a3, const char *a4)
{
	int *reads = ctx;
	(void)a3;
	(void)a4;
	if (action != SQLITE_PRAGMA || strcmp(a1, "user_version") != 0 || a2)
		return SQLITE_OK;
	return (*reads)++ ? SQLITE_DENY : SQLITE_OK;
}

/* The version is read before the migrations and again inside each step's
 * transaction; when those reads fail, migrating fails with a message that
 * says so, applies nothing (no migrations[-1]), and works once the cache
 * is readable again. */
static void test_migrate_unreadable_version(void **state)
{
	(void)state;
	char *path = tmp_db();
	db *d;
	char *err = NULL;
	assert_int_equal(dbi_open_at_version(path, 1, &d, &err), 0);
	int reads = 0;
	sqlite3_set_authorizer(d->h, refuse_later_version_reads, &reads);
	assert_int_equal(dbi_migrate(d, DB_SCHEMA_VERSION), -1);
	assert_true(reads >= 2);
	assert_non_null(strstr(db_errmsg(d), "cannot read the cache schema version"));
	sqlite3_set_authorizer(d->h, NULL, NULL);
	assert_int_equal(db_schema_version(d), 1);
	assert_int_equal(dbi_migrate(d, DB_SCHEMA_VERSION), 0);
	assert_int_equal(db_schema_version(d), DB_SCHEMA_VERSION);
	db_close(d);
	rm_db(path);
}

static void test_podcast_speed(void **state)
{
	(void)state;
	char *path = tmp_db();
	db *d;
	char *err = NULL;
	assert_int_equal(db_open(path, &d, &err), 0);
	int64_t id;
	int existed;
	assert_int_equal(db_podcast_add(d, "https://example.org/feed", 0, &id, &existed), 0);
	double speed = -1;
	assert_int_equal(db_podcast_speed(d, id, &speed), 1); /* never chosen */
	assert_true(speed == -1);
	assert_int_equal(db_podcast_set_speed(d, id, 1.25), 0);
	assert_int_equal(db_podcast_speed(d, id, &speed), 0);
	assert_true(speed == 1.25);
	assert_int_equal(db_podcast_set_speed(d, id, 0), 0); /* forgotten */
	assert_int_equal(db_podcast_speed(d, id, &speed), 1);
	assert_int_equal(db_podcast_speed(d, id + 99, &speed), 1);
	db_close(d);
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

/* --- helpers for paging and search ---------------------------------- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static db *open_db(const char *path)
{
	db *d;
	char *err = NULL;
	if (db_open(path, &d, &err) != 0)
		fail_msg("db_open: %s", err);
	return d;
}

static int64_t add_podcast(db *d, const char *url)
{
	int64_t id;
	int existed;
	assert_int_equal(db_podcast_add(d, url, 0, &id, &existed), 0);
	return id;
}

/* A feed under construction with the per-item extras db_store_feed takes. */
typedef struct tfeed {
	feed f;
	db_item_extra *x;
	char **notes;
	chapter_list *nch; /* chapters "found in the notes" */
} tfeed;

static void tf_init(tfeed *t, const char *title, size_t n)
{
	memset(t, 0, sizeof *t);
	t->f.title = xstrdup(title);
	t->f.items = xcalloc(n, sizeof *t->f.items);
	t->f.nitems = n;
	t->x = xcalloc(n, sizeof *t->x);
	t->notes = xcalloc(n, sizeof *t->notes);
	t->nch = xcalloc(n, sizeof *t->nch);
}

/* Item i; date < 0 = undated. */
static void tf_item(tfeed *t, size_t i, const char *key, const char *title, const char *notes,
		    int64_t date)
{
	feed_item *it = &t->f.items[i];
	*it = make_item(key, title, date < 0 ? 0 : date);
	it->has_published = date >= 0;
	it->feed_order = (int)i;
	t->notes[i] = xstrdup(notes);
	t->x[i].notes_text = t->notes[i];
	t->x[i].notes_chapters = &t->nch[i];
}

static void push_chapter(chapter_list *l, double start, const char *title, int source,
			 int hidden)
{
	chapter_list_push(l, (chapter){.start = start, .end = -1, .title = xstrdup(title),
				       .hidden = hidden, .source = source});
}

static void tf_store(db *d, int64_t pid, tfeed *t)
{
	db_store_stats st;
	assert_int_equal(db_begin(d), 0);
	assert_int_equal(db_store_feed(d, pid, &t->f, t->x, NULL, NULL, 0, 1000, &st), 0);
	assert_int_equal(db_commit(d), 0);
}

static void tf_free(tfeed *t)
{
	for (size_t i = 0; i < t->f.nitems; i++) {
		free(t->notes[i]);
		chapter_list_clear(&t->nch[i]);
	}
	free(t->notes);
	free(t->nch);
	free(t->x);
	feed_free(&t->f);
}

static int64_t episode_id(db *d, int64_t pid, const char *key)
{
	db_episode *v;
	size_t n;
	int64_t id = 0;
	assert_int_equal(db_episode_list(d, pid, &v, &n), 0);
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].key, key) == 0)
			id = v[i].id;
	db_episode_list_free(v, n);
	assert_true(id > 0);
	return id;
}

/* Hits for q (asserting success); caller frees with db_search_free. */
static db_search_hit *search(db *d, const char *q, size_t *n)
{
	db_search_hit *v = (db_search_hit *)&v; /* must be reset by db_search */
	*n = 99;
	if (db_search(d, q, 100, &v, n) != 0)
		fail_msg("db_search(%s): %s", q, db_errmsg(d));
	if (*n == 0)
		assert_null(v);
	return v;
}

static size_t count_hits(db *d, const char *q)
{
	size_t n;
	db_search_hit *v = search(d, q, &n);
	db_search_free(v, n);
	return n;
}

/* Number of hits of kind with this title (NULL = any title). */
static size_t count_kind(db *d, const char *q, int kind, const char *title)
{
	size_t n, k = 0;
	db_search_hit *v = search(d, q, &n);
	for (size_t i = 0; i < n; i++)
		if (v[i].kind == kind && (!title || (v[i].title && strcmp(v[i].title, title) == 0)))
			k++;
	db_search_free(v, n);
	return k;
}

/* The number printed by one SQL query run by the sqlite3 shell (outside
 * podcue's connection); -1 when the shell fails. */
static long shell_count(const char *path, const char *sql)
{
	char *cmd = xasprintf("sqlite3 '%s' \"%s\" 2>/dev/null", path, sql);
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	long n = -1;
	if (fscanf(f, "%ld", &n) != 1)
		n = -1;
	if (pclose(f) != 0)
		n = -1;
	free(cmd);
	return n;
}

/* Rows of the search index itself matching an FTS5 expression (not
 * joined to live rows as db_search does, so stale entries show). */
static long fts_rows(const char *path, const char *match)
{
	char *sql = xasprintf("SELECT count(*) FROM search_fts WHERE search_fts MATCH '%s'", match);
	long n = shell_count(path, sql);
	free(sql);
	return n;
}

/* --- a query that stops on an error ------------------------------------- */

/* Progress handler: counts virtual machine steps and, once *limit is
 * reached (limit 0: never), interrupts the running statement, which then
 * fails with SQLITE_INTERRUPT at that point of its rows. */
struct vm_budget {
	long steps, limit;
};

static int spend_vm_step(void *ctx)
{
	struct vm_budget *b = ctx;
	return b->limit && ++b->steps >= b->limit;
}

/* A chapter query interrupted after some of its rows fails and leaves the
 * list as it was (not the rows read so far, as a success); the merged
 * list likewise. */
static void test_chapters_fail_on_step_error(void **state)
{
	(void)state;
	char *path = tmp_db();
	db *d = open_db(path);
	int64_t pid = add_podcast(d, "https://x.example/f");
	tfeed t;
	tf_init(&t, "Show", 1);
	tf_item(&t, 0, "e", "Episode", "notes", 1700000000);
	tf_store(d, pid, &t);
	tf_free(&t);
	int64_t ep = episode_id(d, pid, "e");
	chapter_list l = CHAPTER_LIST_INIT;
	for (int i = 0; i < 40; i++)
		push_chapter(&l, i * 60.0, "Chapter", CHAP_SRC_PSC, 0);
	assert_int_equal(db_chapters_set(d, ep, CHAP_SRC_PSC, &l), 0);
	chapter_list_clear(&l);

	/* How many steps the whole query takes, then a budget of 3/4 of it:
	 * the sort is done and part of the rows returned. */
	struct vm_budget b = {0, 0};
	sqlite3_progress_handler(d->h, 1, spend_vm_step, &b);
	b.limit = LONG_MAX;
	assert_int_equal(db_chapters_get(d, ep, CHAP_SRC_PSC, &l), 0);
	assert_int_equal(l.n, 40);
	chapter_list_clear(&l);
	long whole = b.steps;
	b.steps = 0;
	b.limit = whole * 3 / 4;
	assert_int_equal(db_chapters_get(d, ep, CHAP_SRC_PSC, &l), -1);
	assert_int_equal(l.n, 0);
	assert_null(l.v);
	assert_non_null(strstr(db_errmsg(d), "interrupt"));
	b.steps = 0;
	assert_int_equal(db_chapters_merged(d, ep, &l), -1);
	assert_int_equal(l.n, 0);

	sqlite3_progress_handler(d->h, 0, NULL, NULL);
	assert_int_equal(db_chapters_get(d, ep, CHAP_SRC_PSC, &l), 0);
	assert_int_equal(l.n, 40);
	chapter_list_clear(&l);
	db_close(d);
	rm_db(path);
}

/* --- episode counts on the podcast row (schema 4) ------------------------ */

/* Checks every podcast's kept counts against a fresh count of its rows. */
static void assert_counts_true(db *d, const char *path)
{
	db_podcast *v;
	size_t n;
	assert_int_equal(db_podcast_list(d, &v, &n), 0);
	for (size_t i = 0; i < n; i++) {
		char *all = xasprintf("SELECT count(*) FROM episode WHERE podcast_id = %lld",
				      (long long)v[i].id);
		char *unp = xasprintf("SELECT count(*) FROM episode WHERE podcast_id = %lld"
				      " AND played = 0", (long long)v[i].id);
		assert_int_equal(v[i].episodes, shell_count(path, all));
		assert_int_equal(v[i].unplayed, shell_count(path, unp));
		free(all);
		free(unp);
	}
	db_podcast_list_free(v, n);
}

static int64_t podcast_count(db *d, int64_t id, int unplayed)
{
	db_podcast *v;
	size_t n;
	int64_t c = -1;
	assert_int_equal(db_podcast_list(d, &v, &n), 0);
	for (size_t i = 0; i < n; i++)
		if (v[i].id == id)
			c = unplayed ? v[i].unplayed : v[i].episodes;
	db_podcast_list_free(v, n);
	return c;
}

/* The counts db_podcast_list returns are kept by triggers: they must follow
 * the store (new and dropped-then-kept episodes), the played flag, an edit
 * by another program (the sqlite3 shell), a moved episode and a removal. */
static void test_counts_follow_writers(void **state)
{
	(void)state;
	char *path = tmp_db();
	db *d = open_db(path);
	int64_t a, b;
	int existed;
	assert_int_equal(db_podcast_add(d, "https://a.example/f", 0, &a, &existed), 0);
	assert_int_equal(db_podcast_add(d, "https://b.example/f", 0, &b, &existed), 0);
	feed f;
	const char *ka[] = {"a1", "a2", "a3"}, *ta[] = {"A1", "A2", "A3"};
	const char *kb[] = {"b1", "b2"}, *tb[] = {"B1", "B2"};
	db_store_stats st;
	make_feed(&f, 3, ka, ta);
	assert_int_equal(store(d, a, &f, &st), 0);
	feed_free(&f);
	make_feed(&f, 2, kb, tb);
	assert_int_equal(store(d, b, &f, &st), 0);
	/* Stored again unchanged: upserts, not new rows. */
	assert_int_equal(store(d, b, &f, &st), 0);
	feed_free(&f);
	assert_int_equal(podcast_count(d, a, 0), 3);
	assert_int_equal(podcast_count(d, a, 1), 3);
	assert_int_equal(podcast_count(d, b, 0), 2);

	db_episode *v;
	size_t n;
	assert_int_equal(db_episode_page(d, a, 0, 0, 10, &v, &n), 0);
	assert_int_equal(n, 3);
	int64_t e0 = v[0].id, e1 = v[1].id;
	db_episode_list_free(v, n);
	assert_int_equal(db_episode_set_played(d, e0, 1), 0);
	assert_int_equal(db_episode_set_played(d, e0, 1), 0); /* twice: counted once */
	assert_int_equal(db_episode_set_played(d, e1, 1), 0);
	assert_int_equal(podcast_count(d, a, 1), 1);
	assert_int_equal(db_episode_set_played(d, e1, 0), 0);
	assert_int_equal(podcast_count(d, a, 1), 2);
	assert_int_equal(podcast_count(d, a, 0), 3);
	db_close(d);

	/* Another program edits the cache: a played value other than 1, a
	 * deleted episode, an episode moved to the other podcast. */
	char *cmd = xasprintf("sqlite3 '%s' \"PRAGMA foreign_keys = ON;"
			      " UPDATE episode SET played = 2 WHERE id = %lld;"
			      " DELETE FROM episode WHERE id = %lld;"
			      " UPDATE episode SET podcast_id = %lld WHERE podcast_id = %lld"
			      "  AND played = 0;\"",
			      path, (long long)e1, (long long)e0, (long long)b, (long long)a);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	d = open_db(path);
	assert_int_equal(podcast_count(d, a, 0), 1);
	assert_int_equal(podcast_count(d, a, 1), 0);
	assert_int_equal(podcast_count(d, b, 0), 3);
	assert_int_equal(podcast_count(d, b, 1), 3);
	assert_counts_true(d, path);
	assert_int_equal(db_podcast_remove(d, b), 0);
	assert_int_equal(podcast_count(d, a, 0), 1);
	assert_counts_true(d, path);
	db_close(d);
	rm_db(path);
}

/* --- slow migrations are announced ---------------------------------------- */

static char *notice_seen;
static int notices;

static void record_notice(const char *msg)
{
	free(notice_seen);
	notice_seen = xstrdup(msg);
	notices++;
}

/* A version 3 cache with 6,000 episodes: opening it rebuilds the search
 * index (version 4), and the notice hook hears of it once, before; a
 * small cache upgrades silently. */
static void test_migrate_notice_on_big_cache(void **state)
{
	(void)state;
	char *big = tmp_db(), *small = tmp_db();
	char *paths[] = {big, small};
	int rows[] = {6000, 10};
	for (int i = 0; i < 2; i++) {
		db *d;
		char *err = NULL;
		assert_int_equal(dbi_open_at_version(paths[i], 3, &d, &err), 0);
		db_close(d);
		char *cmd = xasprintf(
			"sqlite3 '%s' \"INSERT INTO podcast (id, url, title, added)"
			"  VALUES (1, 'https://big.example/f', 'Big', 0);"
			" WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < %d)"
			" INSERT INTO episode (podcast_id, key, title, notes_text, feed_order, first_seen)"
			"  SELECT 1, 'e' || i, 'Episode ' || i, 'walrus notes', i, 0 FROM k;\"",
			paths[i], rows[i]);
		assert_int_equal(system(cmd), 0);
		free(cmd);
	}
	db_set_migrate_notice(record_notice);
	db *d = open_db(big);
	assert_int_equal(notices, 1);
	assert_non_null(strstr(notice_seen, "version 4"));
	assert_non_null(strstr(notice_seen, "6000 episodes"));
	assert_int_equal(podcast_count(d, 1, 0), 6000);
	db_search_hit *h;
	size_t n;
	assert_int_equal(db_search(d, "walr", 10, &h, &n), 0); /* 4-letter prefix */
	assert_int_equal(n, 10);
	db_search_free(h, n);
	db_close(d);
	d = open_db(small);
	assert_int_equal(notices, 1);
	db_close(d);
	db_set_migrate_notice(NULL);
	free(notice_seen);
	notice_seen = NULL;
	rm_db(big);
	rm_db(small);
}

/* --- migration ----------------------------------------------------------- */

/* A version 2 cache (no search index, the old indexes), filled by the
 * sqlite3 shell as podcue 2 would have (today's writers expect version
 * 3), then opened by this version: the index must cover the old rows,
 * and later writes must find them (a contentless index unindexes a row
 * only when told exactly what it indexed). */
static void test_migrate_v2_builds_index(void **state)
{
	(void)state;
	char *path = tmp_db();
	db *d;
	char *err = NULL;
	assert_int_equal(dbi_open_at_version(path, 2, &d, &err), 0);
	assert_int_equal(db_schema_version(d), 2);
	db_close(d);
	char *cmd = xasprintf(
		"sqlite3 '%s' \"PRAGMA foreign_keys = ON;"
		" INSERT INTO podcast (id, url, title, added)"
		"  VALUES (7, 'https://old.example/f', 'Old', 0);"
		" INSERT INTO episode (id, podcast_id, key, title, notes_text, published,"
		"  feed_order, first_seen) VALUES"
		"  (1, 7, 'o1', 'Zeppelin stories', 'Notes about airships',"
		"  1700000000, 0, 0), (2, 7, 'o2', 'Second', 'Nothing much', 1700086400, 1, 0);"
		" INSERT INTO chapter (episode_id, source, n, start, title, hidden) VALUES"
		"  (1, 'notes', 0, 30, 'Hindenburg', 0), (2, 'psc', 0, 60, 'Secret chapter', 1),"
		"  (2, 'json', 0, 61, 'Landing', 0);\"",
		path);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	assert_int_equal(fts_rows(path, "x"), -1); /* no index yet: the shell fails */

	d = open_db(path);
	assert_int_equal(db_schema_version(d), DB_SCHEMA_VERSION);
	/* Version 4 counted the rows that were already there. */
	assert_int_equal(podcast_count(d, 7, 0), 2);
	assert_int_equal(podcast_count(d, 7, 1), 2);
	assert_int_equal(count_kind(d, "zeppelin", DB_HIT_EPISODE, "Zeppelin stories"), 1);
	assert_int_equal(count_kind(d, "airships", DB_HIT_EPISODE, "Zeppelin stories"), 1);
	assert_int_equal(count_kind(d, "hindenburg", DB_HIT_CHAPTER, "Hindenburg"), 1);
	assert_int_equal(count_kind(d, "landing", DB_HIT_CHAPTER, "Landing"), 1);
	assert_int_equal(count_hits(d, "secret"), 0); /* hidden */
	db_episode *v;
	size_t n;
	assert_int_equal(db_episode_page(d, 7, 0, 0, 10, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].id, 2);
	assert_int_equal(v[1].id, 1);
	db_episode_list_free(v, n);

	/* The feed re-titles an old episode and drops its notes chapter. */
	tfeed t;
	tf_init(&t, "Old", 1);
	tf_item(&t, 0, "o1", "Blimp stories", "Notes about dirigibles", 1700000000);
	tf_store(d, 7, &t);
	tf_free(&t);
	assert_int_equal(count_hits(d, "zeppelin"), 0);
	assert_int_equal(count_hits(d, "hindenburg"), 0);
	assert_int_equal(count_hits(d, "blimp dirigibles"), 1);
	/* Old rows are deleted from the index like new ones. */
	assert_int_equal(db_podcast_remove(d, 7), 0);
	assert_int_equal(count_hits(d, "landing"), 0);
	db_close(d);
	assert_int_equal(fts_rows(path, "zeppelin OR airships OR hindenburg OR second OR landing"
				   " OR blimp OR dirigibles"), 0);
	rm_db(path);
}

/* --- paging ------------------------------------------------------------- */

/* Two podcasts with equal dates, undated items and feed-order ties. */
static void fill_paging(db *d, int64_t *p1, int64_t *p2)
{
	*p1 = add_podcast(d, "https://a.example/feed");
	*p2 = add_podcast(d, "https://b.example/feed");
	tfeed t;
	tf_init(&t, "A", 7);
	tf_item(&t, 0, "a0", "A0", "", 1700000000);
	tf_item(&t, 1, "a1", "A1", "", -1);
	tf_item(&t, 2, "a2", "A2", "", 1700000000);
	tf_item(&t, 3, "a3", "A3", "", 1600000000);
	tf_item(&t, 4, "a4", "A4", "", -1);
	tf_item(&t, 5, "a5", "A5", "", 1800000000);
	tf_item(&t, 6, "a6", "A6", "", 1700000000);
	tf_store(d, *p1, &t);
	tf_free(&t);
	tf_init(&t, "B", 4);
	tf_item(&t, 0, "b0", "B0", "", 1700000000);
	tf_item(&t, 1, "b1", "B1", "", -1);
	tf_item(&t, 2, "b2", "B2", "", 1750000000);
	tf_item(&t, 3, "b3", "B3", "", 1700000000);
	tf_store(d, *p2, &t);
	tf_free(&t);
}

/* Pages of 3 concatenated equal the full list (filtered when unplayed). */
static void check_pages(db *d, int64_t pid, int unplayed)
{
	db_episode *all;
	size_t nall;
	assert_int_equal(db_episode_list(d, pid, &all, &nall), 0);
	size_t want = 0;
	for (size_t i = 0; i < nall; i++)
		want += !unplayed || !all[i].played;
	size_t count = 99;
	assert_int_equal(db_episode_count(d, pid, unplayed, &count), 0);
	assert_int_equal(count, want);

	size_t k = 0, got = 0;
	for (size_t off = 0;; off += 3) {
		db_episode *v;
		size_t n;
		assert_int_equal(db_episode_page(d, pid, unplayed, off, 3, &v, &n), 0);
		assert_true(n <= 3);
		if (n == 0) {
			assert_null(v);
			break;
		}
		for (size_t i = 0; i < n; i++, got++) {
			while (k < nall && unplayed && all[k].played)
				k++;
			assert_true(k < nall);
			assert_int_equal(v[i].id, all[k].id);
			assert_string_equal(v[i].title, all[k].title);
			assert_int_equal(v[i].played, all[k].played);
			if (unplayed)
				assert_false(v[i].played);
			k++;
		}
		db_episode_list_free(v, n);
	}
	assert_int_equal(got, want);
	db_episode_list_free(all, nall);
}

static void test_paging_matches_list(void **state)
{
	(void)state;
	char *path = tmp_db();
	db *d = open_db(path);
	int64_t p1, p2;
	fill_paging(d, &p1, &p2);

	/* The documented order, spelled out: newest first, undated last, feed
	 * order then id among equals. */
	db_episode *v;
	size_t n;
	assert_int_equal(db_episode_list(d, p1, &v, &n), 0);
	const char *order[] = {"A5", "A0", "A2", "A6", "A3", "A1", "A4"};
	assert_int_equal(n, 7);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(v[i].title, order[i]);
	db_episode_list_free(v, n);

	for (int unplayed = 0; unplayed < 2; unplayed++) {
		check_pages(d, p1, unplayed);
		check_pages(d, p2, unplayed);
		check_pages(d, 0, unplayed);
	}
	/* Played episodes leave the unplayed pages and counts. */
	assert_int_equal(db_episode_set_played(d, episode_id(d, p1, "a0"), 1), 0);
	assert_int_equal(db_episode_set_played(d, episode_id(d, p1, "a4"), 1), 0);
	assert_int_equal(db_episode_set_played(d, episode_id(d, p2, "b2"), 1), 0);
	for (int unplayed = 0; unplayed < 2; unplayed++) {
		check_pages(d, p1, unplayed);
		check_pages(d, p2, unplayed);
		check_pages(d, 0, unplayed);
	}
	size_t c;
	assert_int_equal(db_episode_count(d, 0, 1, &c), 0);
	assert_int_equal(c, 8);
	assert_int_equal(db_episode_count(d, p2, 1, &c), 0);
	assert_int_equal(c, 3);
	/* Past the end, and an empty limit. */
	assert_int_equal(db_episode_page(d, 0, 0, 11, 5, &v, &n), 0);
	assert_int_equal(n, 0);
	assert_null(v);
	assert_int_equal(db_episode_page(d, 0, 0, 0, 0, &v, &n), 0);
	assert_int_equal(n, 0);

	db_podcast *pv;
	assert_int_equal(db_podcast_list(d, &pv, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(pv[0].episodes, 7);
	assert_int_equal(pv[0].unplayed, 5);
	assert_int_equal(pv[1].episodes, 4);
	assert_int_equal(pv[1].unplayed, 3);
	db_podcast_list_free(pv, n);
	db_close(d);
	rm_db(path);
}

/* Every page is read by an index range scan that stops after offset +
 * limit entries: no sort of the episodes (the hook explains the query
 * that selects the page's ids; the rows are then fetched by id). */
static void test_page_plans_use_index(void **state)
{
	(void)state;
	char *path = tmp_db();
	db *d = open_db(path);
	const char *want[2][2] = {{"episode_page_all", "episode_page_all_unplayed"},
				  {"episode_page", "episode_page_unplayed"}};
	for (int per = 0; per < 2; per++) {
		for (int unplayed = 0; unplayed < 2; unplayed++) {
			char *plan;
			assert_int_equal(dbi_episode_page_plan(d, per ? 7 : 0, unplayed, &plan), 0);
			/* "SCAN e USING [COVERING ]INDEX name\n" or
			 * "SEARCH e USING [COVERING ]INDEX name (podcast_id=?)" */
			char *scan = xasprintf(" INDEX %s\n", want[per][unplayed]);
			char *seek = xasprintf(" INDEX %s (", want[per][unplayed]);
			int uses = strstr(plan, scan) || strstr(plan, seek);
			if (!uses || strstr(plan, "TEMP B-TREE"))
				fail_msg("page plan (podcast %d, unplayed %d) should use %s:\n%s",
					 per, unplayed, want[per][unplayed], plan);
			free(scan);
			free(seek);
			free(plan);
		}
	}
	db_close(d);
	rm_db(path);
}

/* --- search --------------------------------------------------------------- */

static void test_search_follows_store_feed(void **state)
{
	(void)state;
	char *path = tmp_db();
	db *d = open_db(path);
	int64_t pid = add_podcast(d, "https://k.example/feed");
	tfeed t;
	tf_init(&t, "K Show", 2);
	tf_item(&t, 0, "k1", "Kubernetes basics", "We talk about containers.", 1700000000);
	tf_item(&t, 1, "k2", "Other things", "Nothing here.", 1700086400);
	push_chapter(&t.nch[0], 120, "Helm charts", CHAP_SRC_NOTES, 0);
	push_chapter(&t.f.items[1].psc, 30, "Podlove part", CHAP_SRC_PSC, 0);
	tf_store(d, pid, &t);
	tf_free(&t);
	assert_int_equal(count_kind(d, "kubernetes", DB_HIT_EPISODE, "Kubernetes basics"), 1);
	assert_int_equal(count_kind(d, "containers", DB_HIT_EPISODE, "Kubernetes basics"), 1);
	assert_int_equal(count_kind(d, "helm", DB_HIT_CHAPTER, "Helm charts"), 1);
	assert_int_equal(count_kind(d, "podlove", DB_HIT_CHAPTER, "Podlove part"), 1);

	/* Played state and position are not search data: nothing changes. */
	int64_t k1 = episode_id(d, pid, "k1");
	assert_int_equal(db_episode_set_played(d, k1, 1), 0);
	assert_int_equal(db_episode_set_position(d, episode_id(d, pid, "k2"), 12.5), 0);
	assert_int_equal(count_hits(d, "kubernetes"), 1);

	/* The feed re-titles k1, rewrites its notes and chapters, adds k3. */
	tf_init(&t, "K Show", 3);
	tf_item(&t, 0, "k1", "Docker basics", "Now about podman.", 1700000000);
	tf_item(&t, 1, "k2", "Other things", "Nothing here.", 1700086400);
	tf_item(&t, 2, "k3", "Kubernetes again", "More.", 1700172800);
	push_chapter(&t.nch[0], 120, "Compose files", CHAP_SRC_NOTES, 0);
	tf_store(d, pid, &t);
	assert_int_equal(count_kind(d, "kubernetes", DB_HIT_EPISODE, "Kubernetes again"), 1);
	assert_int_equal(count_hits(d, "kubernetes"), 1);
	assert_int_equal(count_hits(d, "containers"), 0);
	assert_int_equal(count_hits(d, "helm"), 0);
	assert_int_equal(count_hits(d, "podlove"), 0);
	assert_int_equal(count_kind(d, "podman", DB_HIT_EPISODE, "Docker basics"), 1);
	assert_int_equal(count_kind(d, "compose", DB_HIT_CHAPTER, "Compose files"), 1);
	/* Storing the same feed again, here outside any transaction (it then
	 * opens its own), writes no row (the items' hashes match) and leaves
	 * exactly one index row each. */
	db_store_stats st;
	assert_int_equal(db_store_feed(d, pid, &t.f, t.x, NULL, NULL, 0, 1000, &st), 0);
	assert_int_equal(st.updated, 0);
	tf_free(&t);
	db_close(d);
	assert_int_equal(fts_rows(path, "kubernetes"), 1);
	assert_int_equal(fts_rows(path, "docker"), 1);
	assert_int_equal(fts_rows(path, "compose"), 1);
	assert_int_equal(fts_rows(path, "containers OR helm OR podlove"), 0);
	/* The bulk writers leave the triggers on: another program's writes
	 * are indexed too. */
	assert_int_equal(shell_count(path, "SELECT count(*) FROM search_defer"), 0);
	assert_int_equal(shell_count(path, "UPDATE episode SET title = 'Renamed by hand'"
					   " WHERE key = 'k3'; SELECT changes()"), 1);
	assert_int_equal(fts_rows(path, "renamed"), 1);
	assert_int_equal(fts_rows(path, "again"), 0);
	rm_db(path);
}

static void test_search_follows_chapter_writers(void **state)
{
	(void)state;
	char *path = tmp_db();
	db *d = open_db(path);
	int64_t pid = add_podcast(d, "https://c.example/feed");
	tfeed t;
	tf_init(&t, "C Show", 1);
	tf_item(&t, 0, "c1", "Episode", "", 1700000000);
	tf_store(d, pid, &t);
	tf_free(&t);
	int64_t ep = episode_id(d, pid, "c1");

	chapter_list l = CHAPTER_LIST_INIT;
	push_chapter(&l, 0, "Opening", CHAP_SRC_JSON, 0);
	push_chapter(&l, 12.5, "Sponsor", CHAP_SRC_JSON, 1);
	push_chapter(&l, 61.25, "Main topic", CHAP_SRC_JSON, 0);
	assert_int_equal(db_chapters_set(d, ep, CHAP_SRC_JSON, &l), 0);
	chapter_list_clear(&l);
	size_t n;
	db_search_hit *v = search(d, "main topic", &n);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].kind, DB_HIT_CHAPTER);
	assert_int_equal(v[0].episode_id, ep);
	assert_int_equal(v[0].podcast_id, pid);
	assert_string_equal(v[0].title, "Main topic");
	assert_string_equal(v[0].episode_title, "Episode");
	assert_string_equal(v[0].podcast_title, "C Show");
	assert_time_equal(v[0].start, 61.25);
	db_search_free(v, n);
	assert_int_equal(count_hits(d, "sponsor"), 0); /* toc:false */
	assert_int_equal(fts_rows(path, "sponsor"), 0); /* ...not even indexed */

	/* A fetched chapters file replaces the list. */
	push_chapter(&l, 5, "Closing", CHAP_SRC_JSON, 0);
	assert_int_equal(db_chapter_file_done(d, ep, &l, "\"e\"", NULL, NULL, 2000), 0);
	chapter_list_clear(&l);
	assert_int_equal(count_hits(d, "opening"), 0);
	assert_int_equal(count_kind(d, "closing", DB_HIT_CHAPTER, "Closing"), 1);

	/* Embedded chapters, then an empty probe result. */
	push_chapter(&l, 20, "Sören’s café", CHAP_SRC_EMBEDDED, 0);
	assert_int_equal(db_embedded_done(d, ep, &l, 3000), 0);
	chapter_list_clear(&l);
	v = search(d, "soren cafe", &n);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].title, "Sören’s café");
	assert_time_equal(v[0].start, 20);
	db_search_free(v, n);
	assert_int_equal(db_embedded_done(d, ep, &l, 4000), 0);
	assert_int_equal(count_hits(d, "soren"), 0);
	db_close(d);
	assert_int_equal(fts_rows(path, "closing"), 1);
	assert_int_equal(fts_rows(path, "opening OR sponsor OR soren OR main"), 0);
	rm_db(path);
}

/* A refresh's batch of chapter files: new lists replace the JSON chapters
 * (and their index rows), a failed or unchanged (304) file keeps them. */
static void test_search_follows_chapter_file_batch(void **state)
{
	(void)state;
	char *path = tmp_db();
	db *d = open_db(path);
	int64_t pid = add_podcast(d, "https://b.example/feed");
	tfeed t;
	tf_init(&t, "B", 3);
	tf_item(&t, 0, "b1", "One", "", 1700000000);
	tf_item(&t, 1, "b2", "Two", "", 1700000001);
	tf_item(&t, 2, "b3", "Three", "", 1700000002);
	tf_store(d, pid, &t);
	tf_free(&t);
	int64_t ep[3] = {episode_id(d, pid, "b1"), episode_id(d, pid, "b2"),
			 episode_id(d, pid, "b3")};
	const char *old[3] = {"Aardvark", "Bonobo", "Capybara"};
	for (int i = 0; i < 3; i++) {
		chapter_list l = CHAPTER_LIST_INIT;
		push_chapter(&l, 10, old[i], CHAP_SRC_JSON, 0);
		assert_int_equal(db_chapters_set(d, ep[i], CHAP_SRC_JSON, &l), 0);
		chapter_list_clear(&l);
	}
	chapter_list fresh = CHAPTER_LIST_INIT;
	push_chapter(&fresh, 5, "Dingo", CHAP_SRC_JSON, 0);
	push_chapter(&fresh, 50, "Echidna", CHAP_SRC_JSON, 1);
	db_chapter_file v[3] = {
		{.episode_id = ep[0], .chapters = &fresh, .etag = "\"e1\""},
		{.episode_id = ep[1], .error = "HTTP 500"},
		{.episode_id = ep[2], .chapters = NULL, .etag = "\"e3\""}, /* 304 */
	};
	assert_int_equal(db_chapter_files_done(d, v, 3, 5000), 0);
	chapter_list_clear(&fresh);
	assert_int_equal(count_hits(d, "aardvark"), 0);
	assert_int_equal(count_kind(d, "dingo", DB_HIT_CHAPTER, "Dingo"), 1);
	assert_int_equal(count_hits(d, "echidna"), 0);
	assert_int_equal(count_kind(d, "bonobo", DB_HIT_CHAPTER, "Bonobo"), 1);
	assert_int_equal(count_kind(d, "capybara", DB_HIT_CHAPTER, "Capybara"), 1);
	char *e = db_chapter_file_error(d, ep[1]);
	assert_non_null(e);
	assert_string_equal(e, "HTTP 500");
	free(e);
	db_close(d);
	assert_int_equal(fts_rows(path, "aardvark OR echidna"), 0);
	assert_int_equal(fts_rows(path, "dingo OR bonobo OR capybara"), 3);
	assert_int_equal(shell_count(path, "SELECT count(*) FROM search_defer"), 0);
	rm_db(path);
}

static void test_search_forgets_removed_podcast(void **state)
{
	(void)state;
	char *path = tmp_db();
	db *d = open_db(path);
	int64_t p1 = add_podcast(d, "https://one.example/feed");
	int64_t p2 = add_podcast(d, "https://two.example/feed");
	tfeed t;
	tf_init(&t, "One", 2);
	tf_item(&t, 0, "x", "Shared word alpha", "Unique notes wombat.", 1700000000);
	tf_item(&t, 1, "y", "Another alpha", "", 1700000001);
	push_chapter(&t.nch[0], 10, "Platypus chapter", CHAP_SRC_NOTES, 0);
	push_chapter(&t.f.items[1].psc, 10, "Echidna chapter", CHAP_SRC_PSC, 0);
	tf_store(d, p1, &t);
	tf_free(&t);
	tf_init(&t, "Two", 1);
	tf_item(&t, 0, "x", "Shared word beta", "", 1700000000);
	tf_store(d, p2, &t);
	tf_free(&t);
	chapter_list l = CHAPTER_LIST_INIT;
	push_chapter(&l, 5, "Numbat", CHAP_SRC_JSON, 0);
	assert_int_equal(db_chapters_set(d, episode_id(d, p1, "x"), CHAP_SRC_JSON, &l), 0);
	chapter_list_clear(&l);
	assert_int_equal(count_hits(d, "shared word"), 2);
	assert_int_equal(count_hits(d, "numbat"), 1);

	assert_int_equal(db_podcast_remove(d, p1), 0);
	size_t n;
	db_search_hit *v = search(d, "shared word", &n);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].podcast_id, p2);
	db_search_free(v, n);
	assert_int_equal(count_hits(d, "alpha"), 0);
	assert_int_equal(count_hits(d, "wombat"), 0);
	db_close(d);
	assert_int_equal(fts_rows(path, "alpha OR wombat OR platypus OR echidna OR numbat"), 0);
	assert_int_equal(fts_rows(path, "beta"), 1);
	rm_db(path);
}

static void test_search_hostile_queries(void **state)
{
	(void)state;
	char *path = tmp_db();
	db *d = open_db(path);
	int64_t pid = add_podcast(d, "https://h.example/feed");
	tfeed t;
	tf_init(&t, "H", 1);
	tf_item(&t, 0, "h", "Kubernetes basics", "Near the end, OR and AND are words.", 1700000000);
	tf_store(d, pid, &t);
	tf_free(&t);

	/* Never an error; FTS5 syntax is never syntax. */
	const char *never_fail[] = {
		"\"", "\"\"", "\"kubernetes", "*", "-", "-kubernetes", "NEAR(kubernetes basics)",
		"kubernetes OR", "OR", "AND", "NOT", "a OR b", ":", "title:kubernetes", "(", ")",
		"((kubernetes", "^kubernetes", "+", "{title notes}: x", "'", "\\", "%_",
		"kubernetes\"*", "\xff\xfe\x80 broken utf-8 \xc3", "日本語", "Ελληνικά",
	};
	for (size_t i = 0; i < sizeof never_fail / sizeof *never_fail; i++)
		count_hits(d, never_fail[i]);
	/* Words inside operators and quotes are found. */
	assert_int_equal(count_hits(d, "\"kubernetes\""), 1);
	assert_int_equal(count_hits(d, "(kubernetes) basics*"), 1);
	assert_int_equal(count_hits(d, "-kubernetes"), 1);
	assert_int_equal(count_hits(d, "near the end"), 1);
	assert_int_equal(count_hits(d, "OR AND"), 1); /* plain words here */
	assert_int_equal(count_hits(d, "kubernetes NOT basics"), 0); /* "not" is a word */
	/* No word at all: no hits, no error. */
	const char *empty[] = {"", "   ", "\"\"", "!!!",
			       "\xf0\x9f\x98\x80\xf0\x9f\x8e\xa7", /* emoji */
			       "\xe2\x80\x94"};                         /* dash */
	for (size_t i = 0; i < sizeof empty / sizeof *empty; i++)
		assert_int_equal(count_hits(d, empty[i]), 0);
	db_search_hit *v = (db_search_hit *)&v;
	size_t n = 99;
	assert_int_equal(db_search(d, NULL, 10, &v, &n), 0);
	assert_int_equal(n, 0);
	assert_null(v);

	/* 10 KB of operators, quotes, bytes and words. */
	sbuf b = SBUF_INIT;
	const char *bits[] = {"\"", "*", "-", "NEAR(", "OR", ":", "(", ")", "^", "\xc3", "x",
			      "kubernetes", " ", "\xf0\x9f\x98\x80", "\t", "\n"};
	for (size_t i = 0; b.len < 10240; i++)
		sb_puts(&b, bits[(i * 7 + i / 3) % (sizeof bits / sizeof *bits)]);
	count_hits(d, b.s);
	sb_free(&b);
	/* Only the first DB_SEARCH_MAX_WORDS words count. */
	for (int i = 0; i < DB_SEARCH_MAX_WORDS; i++)
		sb_puts(&b, "kubernetes ");
	sb_puts(&b, "nosuchword");
	assert_int_equal(count_hits(d, b.s), 1);
	sb_free(&b);
	db_close(d);
	rm_db(path);
}

static void test_search_prefix_and_folding(void **state)
{
	(void)state;
	char *path = tmp_db();
	db *d = open_db(path);
	int64_t pid = add_podcast(d, "https://f.example/feed");
	tfeed t;
	tf_init(&t, "F", 3);
	tf_item(&t, 0, "a", "Crème brûlée in Zürich", "", 1700000000);
	tf_item(&t, 1, "b", "Postgres internals", "", 1700000001);
	tf_item(&t, 2, "c", "Go concurrency", "", 1700000002);
	tf_store(d, pid, &t);
	tf_free(&t);
	int64_t pg = episode_id(d, pid, "b");
	assert_int_equal(count_hits(d, "creme"), 1);
	assert_int_equal(count_hits(d, "CRÈME BRULEE"), 1);
	assert_int_equal(count_hits(d, "zurich"), 1);
	assert_int_equal(count_hits(d, "ZÜRICH"), 1);
	assert_int_equal(count_hits(d, "Pöstgres"), 1);
	/* The last word is a prefix from 3 characters on; earlier words not. */
	assert_int_equal(count_hits(d, "postg"), 1);
	assert_int_equal(count_hits(d, "pos"), 1);
	assert_int_equal(count_hits(d, "internals postg"), 1);
	assert_int_equal(count_hits(d, "postg internals"), 0);
	assert_int_equal(count_hits(d, "go"), 1);
	assert_int_equal(count_hits(d, "conc"), 1);
	assert_int_equal(count_hits(d, "co"), 0);
	assert_int_equal(count_hits(d, "zür"), 1);

	/* A complete word that fills the answer is not expanded. */
	tf_init(&t, "G", 3);
	tf_item(&t, 0, "p1", "Post mortem", "", 1700000000);
	tf_item(&t, 1, "p2", "Blog post", "", 1700000001);
	tf_item(&t, 2, "p3", "Post office", "", 1700000002);
	tf_store(d, add_podcast(d, "https://g.example/feed"), &t);
	tf_free(&t);
	db_search_hit *v;
	size_t n;
	assert_int_equal(db_search(d, "post", 3, &v, &n), 0);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++)
		assert_int_not_equal(v[i].episode_id, pg);
	db_search_free(v, n);
	assert_int_equal(db_search(d, "post", 4, &v, &n), 0);
	assert_int_equal(n, 4);
	size_t with_pg = 0;
	for (size_t i = 0; i < n; i++)
		with_pg += v[i].episode_id == pg;
	assert_int_equal(with_pg, 1);
	db_search_free(v, n);
	db_close(d);
	rm_db(path);
}

static void test_search_chapters_hidden_and_duplicates(void **state)
{
	(void)state;
	char *path = tmp_db();
	db *d = open_db(path);
	int64_t pid = add_podcast(d, "https://d.example/feed");
	tfeed t;
	tf_init(&t, "D", 1);
	tf_item(&t, 0, "d", "Episode", "", 1700000000);
	/* Notes and PSC find the same chapters as the JSON file, slightly off. */
	push_chapter(&t.nch[0], 0, "Intro", CHAP_SRC_NOTES, 0);
	push_chapter(&t.nch[0], 61, "Deep dive", CHAP_SRC_NOTES, 0);
	push_chapter(&t.nch[0], 1200, "Deep dive outro", CHAP_SRC_NOTES, 0);
	push_chapter(&t.nch[0], 1305, "Questions", CHAP_SRC_NOTES, 0);
	push_chapter(&t.f.items[0].psc, 60, "Deep dive", CHAP_SRC_PSC, 0);
	push_chapter(&t.f.items[0].psc, 1300, "Questions", CHAP_SRC_PSC, 0);
	tf_store(d, pid, &t);
	tf_free(&t);
	int64_t ep = episode_id(d, pid, "d");
	chapter_list l = CHAPTER_LIST_INIT;
	push_chapter(&l, 0, "Cold open", CHAP_SRC_JSON, 0);
	push_chapter(&l, 60.5, "Deep dive", CHAP_SRC_JSON, 0);
	push_chapter(&l, 300, "Ads", CHAP_SRC_JSON, 1);
	push_chapter(&l, 600, "Deep dive again", CHAP_SRC_JSON, 0);
	assert_int_equal(db_chapters_set(d, ep, CHAP_SRC_JSON, &l), 0);
	chapter_list_clear(&l);

	size_t n;
	db_search_hit *v = search(d, "deep dive", &n);
	double starts[3] = {-1, -1, -1};
	size_t nch = 0;
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(v[i].kind, DB_HIT_CHAPTER);
		if (nch < 3)
			starts[nch] = v[i].start;
		nch++;
		if (v[i].start < 100)
			assert_string_equal(v[i].title, "Deep dive");
	}
	db_search_free(v, n);
	/* 60, 60.5 and 61 are one chapter, from the JSON file. */
	assert_int_equal(nch, 3);
	qsort(starts, 3, sizeof *starts, cmp_double);
	assert_time_equal(starts[0], 60.5);
	assert_time_equal(starts[1], 600);
	assert_time_equal(starts[2], 1200);
	/* Further apart than a second: two chapters. */
	assert_int_equal(count_kind(d, "questions", DB_HIT_CHAPTER, "Questions"), 2);
	/* Only hits collapse: "intro" matches the notes chapter alone. */
	v = search(d, "intro", &n);
	assert_int_equal(n, 1);
	assert_time_equal(v[0].start, 0);
	db_search_free(v, n);
	assert_int_equal(count_hits(d, "ads"), 0);
	db_close(d);
	rm_db(path);
}

/* Progress handler: interrupts the search's lookup of duplicate chapters
 * (the statement that selects chapters by "start BETWEEN") while it runs,
 * and nothing else. */
static int interrupt_dup_lookup(void *ctx)
{
	sqlite3 *h = ctx;
	for (sqlite3_stmt *st = sqlite3_next_stmt(h, NULL); st; st = sqlite3_next_stmt(h, st)) {
		const char *sql = sqlite3_sql(st);
		if (sqlite3_stmt_busy(st) && sql && strstr(sql, "start BETWEEN"))
			return 1;
	}
	return 0;
}

/* A search whose duplicate-chapter lookup fails fails as a whole, rather
 * than answering as if no better chapter existed (the PSC copy of a JSON
 * chapter listed as a hit of its own). */
static void test_search_fails_when_duplicates_unknown(void **state)
{
	(void)state;
	char *path = tmp_db();
	db *d = open_db(path);
	int64_t pid = add_podcast(d, "https://e.example/feed");
	tfeed t;
	tf_init(&t, "E", 1);
	tf_item(&t, 0, "e", "Episode", "", 1700000000);
	push_chapter(&t.f.items[0].psc, 60, "Walrus talk", CHAP_SRC_PSC, 0);
	tf_store(d, pid, &t);
	tf_free(&t);
	chapter_list l = CHAPTER_LIST_INIT;
	push_chapter(&l, 60.5, "Walrus talk", CHAP_SRC_JSON, 0);
	assert_int_equal(db_chapters_set(d, episode_id(d, pid, "e"), CHAP_SRC_JSON, &l), 0);
	chapter_list_clear(&l);

	size_t n;
	db_search_hit *v = search(d, "walrus", &n);
	assert_int_equal(n, 1);
	db_search_free(v, n);
	sqlite3_progress_handler(d->h, 1, interrupt_dup_lookup, d->h);
	assert_int_equal(db_search(d, "walrus", 10, &v, &n), -1);
	assert_null(v);
	assert_int_equal(n, 0);
	assert_non_null(strstr(db_errmsg(d), "interrupt"));
	sqlite3_progress_handler(d->h, 0, NULL, NULL);
	v = search(d, "walrus", &n);
	assert_int_equal(n, 1);
	db_search_free(v, n);
	db_close(d);
	rm_db(path);
}

/* Many duplicates: the first window of ranked matches holds too few
 * distinct chapters, so it is widened; every kept hit is the JSON one. */
static void test_search_widens_past_duplicates(void **state)
{
	(void)state;
	char *path = tmp_db();
	db *d = open_db(path);
	int64_t pid = add_podcast(d, "https://w.example/feed");
	tfeed t;
	tf_init(&t, "W", 1);
	tf_item(&t, 0, "w", "Episode", "", 1700000000);
	tf_store(d, pid, &t);
	tf_free(&t);
	int64_t ep = episode_id(d, pid, "w");
	for (int s = 0; s < CHAP_SRC_COUNT; s++) {
		chapter_list l = CHAPTER_LIST_INIT;
		char title[32];
		snprintf(title, sizeof title, "Loop %s", chapter_source_name(s));
		for (int i = 0; i < 100; i++)
			push_chapter(&l, i * 10 + s * 0.1, title, s, 0);
		assert_int_equal(db_chapters_set(d, ep, s, &l), 0);
		chapter_list_clear(&l);
	}
	db_search_hit *v;
	size_t n;
	assert_int_equal(db_search(d, "loop", 100, &v, &n), 0);
	assert_int_equal(n, 100);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(v[i].title, "Loop json");
	db_search_free(v, n);
	db_close(d);
	rm_db(path);
}

static void test_search_rank_and_limit(void **state)
{
	(void)state;
	char *path = tmp_db();
	db *d = open_db(path);
	int64_t pid = add_podcast(d, "https://r.example/feed");
	tfeed t;
	/* bm25 needs a corpus where the word is rare: (idf <= 0 ranks all
	 * matches alike), hence the unrelated episodes. */
	tf_init(&t, "R", 23);
	tf_item(&t, 0, "notes", "Other", "Today we discuss autovacuum, and vacuum at length.",
		1700000000);
	tf_item(&t, 1, "title", "Vacuum tuning", "Nothing to see.", 1700000001);
	push_chapter(&t.nch[0], 90, "Vacuum", CHAP_SRC_NOTES, 0);
	for (size_t i = 2; i < 23; i++) {
		char key[16];
		snprintf(key, sizeof key, "none%zu", i);
		tf_item(&t, i, key, "Unrelated", "Nothing.", 1700000000 + (int64_t)i);
	}
	tf_store(d, pid, &t);
	tf_free(&t);
	size_t n;
	db_search_hit *v = search(d, "vacuum", &n);
	assert_int_equal(n, 3);
	assert_true(v[0].rank < 0); /* bm25 really ranks (lower is better) */
	for (size_t i = 1; i < n; i++)
		assert_true(v[i - 1].rank <= v[i].rank);
	/* Title matches (episode and chapter) beat the notes-only episode. */
	assert_int_equal(v[2].kind, DB_HIT_EPISODE);
	assert_string_equal(v[2].title, "Other");
	assert_true(v[2].start < 0);
	db_search_free(v, n);
	assert_int_equal(db_search(d, "vacuum", 1, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_true(v[0].kind == DB_HIT_CHAPTER || strcmp(v[0].title, "Vacuum tuning") == 0);
	db_search_free(v, n);
	v = (db_search_hit *)&v;
	assert_int_equal(db_search(d, "vacuum", 0, &v, &n), 0);
	assert_int_equal(n, 0);
	assert_null(v);
	db_close(d);
	rm_db(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_migrates),
		cmocka_unit_test(test_podcast_speed),
		cmocka_unit_test(test_refuses_newer_schema),
		cmocka_unit_test(test_migrate_unreadable_version),
		cmocka_unit_test(test_upsert_keeps_state),
		cmocka_unit_test(test_alias_and_cascade),
		cmocka_unit_test(test_two_connections),
		cmocka_unit_test(test_migrate_v2_builds_index),
		cmocka_unit_test(test_chapters_fail_on_step_error),
		cmocka_unit_test(test_counts_follow_writers),
		cmocka_unit_test(test_migrate_notice_on_big_cache),
		cmocka_unit_test(test_paging_matches_list),
		cmocka_unit_test(test_page_plans_use_index),
		cmocka_unit_test(test_search_follows_store_feed),
		cmocka_unit_test(test_search_follows_chapter_writers),
		cmocka_unit_test(test_search_follows_chapter_file_batch),
		cmocka_unit_test(test_search_forgets_removed_podcast),
		cmocka_unit_test(test_search_hostile_queries),
		cmocka_unit_test(test_search_prefix_and_folding),
		cmocka_unit_test(test_search_chapters_hidden_and_duplicates),
		cmocka_unit_test(test_search_fails_when_duplicates_unknown),
		cmocka_unit_test(test_search_widens_past_duplicates),
		cmocka_unit_test(test_search_rank_and_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
