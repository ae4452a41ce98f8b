/*
 * test_db_derive.c - what the notes give, derived after the store
 * (db_derive.c, migration 17): a new item stored with index_later and raw
 * extras keeps only its notes until the indexer derives it; meanwhile
 * every reader (the episode, its links, its chapters, search) sees what
 * it will see after, and the indexer stores exactly that. Raw items that
 * are not new, or stored without index_later, are derived by the store.
 */
#include "testutil.h"

#include "../../src/db_int.h"
#include "db.h"
#include "ingest.h"

#define NOTES_FMT                                                                            \
	"<p>Episode %d talks about narwhal%d with <a href=\"https://example.org/g/%d\">a "     \
	"guest</a>.</p><ul><li>00:00 Intro</li><li>12:30 Tusk biology %d</li>"               \
	"<li>48:00 Outro</li></ul>"

typedef struct tfeed {
	feed f;
	db_item_extra x[3];
} tfeed;

/* Three items (episodes 0..2, newest first) whose notes hold a word and a
 * chapter of their own and a link; extras raw as ingest leaves them. */
static void tf_init(tfeed *t, const char *edited)
{
	memset(t, 0, sizeof *t);
	t->f.title = xstrdup("Narwhals");
	t->f.items = xcalloc(3, sizeof *t->f.items);
	t->f.nitems = 3;
	for (int i = 0; i < 3; i++) {
		int e = 2 - i;
		feed_item *it = &t->f.items[i];
		it->key = xasprintf("n-%d", e);
		it->guid = xstrdup(it->key);
		it->title = xasprintf("Episode %d", e);
		it->has_published = 1;
		it->published = 1600000000 + e * 3600;
		it->duration = 3600;
		it->enclosure_url = xasprintf("https://example.org/%d.mp3", e);
		it->enclosure_length = -1;
		it->feed_order = i;
		it->notes = e == 0 && edited ? xstrdup(edited) : xasprintf(NOTES_FMT, e, e, e, e);
		t->x[i].raw = 1;
		t->x[i].hash = db_item_hash(it, &t->x[i], 3);
	}
}

static int64_t store(db *d, tfeed *t, int64_t pid)
{
	db_store_stats st;
	assert_int_equal(db_store_feed(d, pid, &t->f, t->x, NULL, NULL, 0, 1000, &st), 0);
	return pid;
}

static int64_t episode_id(db *d, int e)
{
	sqlite3_stmt *st = dbi_prep(d, "SELECT id FROM episode WHERE key = ?");
	char *key = xasprintf("n-%d", e);
	sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	free(key);
	return id;
}

static int64_t count(db *d, const char *sql)
{
	sqlite3_stmt *st = dbi_prep(d, sql);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* What every reader gives for episode e, as one string. */
static char *reading(db *d, int e)
{
	int64_t id = episode_id(d, e);
	db_episode ep;
	assert_int_equal(db_episode_get(d, id, &ep), 0);
	char **links;
	size_t nl;
	assert_int_equal(db_episode_links(d, id, &links, &nl), 0);
	chapter_list ch = CHAPTER_LIST_INIT;
	assert_int_equal(db_chapters_visible(d, id, &ch), 0);
	sbuf b = SBUF_INIT;
	sb_printf(&b, "text=%s|links=%zu", ep.notes_text ? ep.notes_text : "(null)", nl);
	for (size_t i = 0; i < nl; i++)
		sb_printf(&b, ",%s", links[i]);
	for (size_t i = 0; i < ch.n; i++)
		sb_printf(&b, "|%.1f %s %d", ch.v[i].start, ch.v[i].title, ch.v[i].source);
	for (size_t i = 0; i < nl; i++)
		free(links[i]);
	free(links);
	chapter_list_clear(&ch);
	db_episode_free(&ep);
	return sb_steal(&b);
}

/* The hits of query, as "kind episode title" lines. */
static char *hits(db *d, const char *query)
{
	db_search_hit *v;
	size_t n;
	assert_int_equal(db_search(d, query, 20, &v, &n), 0);
	sbuf b = SBUF_INIT;
	for (size_t i = 0; i < n; i++)
		sb_printf(&b, "%d %lld %s %.1f\n", v[i].kind, (long long)v[i].episode_id,
			  v[i].title, v[i].start);
	db_search_free(v, n);
	return b.s ? sb_steal(&b) : xstrdup("");
}

static db *open_fresh(char **path)
{
	*path = tmp_db();
	db *d;
	char *err = NULL;
	assert_int_equal(db_open(*path, &d, &err), 0);
	return d;
}

/* A fresh cache with one podcast (its id into *pid). */
static db *with_podcast(char **path, int64_t *pid)
{
	db *d = open_fresh(path);
	int existed;
	assert_int_equal(db_podcast_add(d, "https://example.org/n.xml", 0, pid, &existed), 0);
	return d;
}

/* with_podcast, its three items stored raw. */
static db *stored_raw(char **path, int64_t *pid)
{
	db *d = with_podcast(path, pid);
	db_set_index_later(d, 1);
	tfeed t;
	tf_init(&t, NULL);
	store(d, &t, *pid);
	feed_free(&t.f);
	return d;
}

static void test_raw_until_indexed(void **state)
{
	(void)state;
	char *path;
	int64_t pid;
	db *d = with_podcast(&path, &pid);
	db_set_index_later(d, 1);
	tfeed t;
	tf_init(&t, NULL);
	store(d, &t, pid);
	/* Stored raw: the notes alone, pending and marked raw. */
	assert_int_equal(count(d, "SELECT count(*) FROM search_pending WHERE raw"), 3);
	assert_int_equal(count(d, "SELECT count(*) FROM episode WHERE notes_text IS NULL"), 3);
	assert_int_equal(count(d, "SELECT count(*) FROM episode_link"), 0);
	assert_int_equal(count(d, "SELECT count(*) FROM chapter"), 0);
	/* Read as they will be: derived in memory. */
	char *before = reading(d, 1);
	assert_non_null(strstr(before, "Episode 1 talks about narwhal1 with a guest [1]."));
	assert_non_null(strstr(before, "links=1,https://example.org/g/1"));
	assert_non_null(strstr(before, "|750.0 Tusk biology 1 3|"));
	char *word = hits(d, "narwhal1"), *chap = hits(d, "tusk biology 2");
	assert_non_null(strstr(word, "Episode 1"));
	assert_non_null(strstr(chap, "Tusk biology 2 750.0"));
	/* The indexer derives, stores and indexes them. */
	assert_int_equal(db_index_step(d, 100), 3);
	assert_int_equal(count(d, "SELECT count(*) FROM search_pending"), 0);
	assert_int_equal(count(d, "SELECT count(*) FROM episode WHERE notes_text IS NULL"), 0);
	assert_int_equal(count(d, "SELECT count(*) FROM episode_link"), 3);
	assert_int_equal(count(d, "SELECT count(*) FROM chapter WHERE source = 'notes'"), 9);
	char *after = reading(d, 1);
	assert_string_equal(before, after);
	char *word2 = hits(d, "narwhal1"), *chap2 = hits(d, "tusk biology 2");
	assert_string_equal(word, word2);
	assert_string_equal(chap, chap2);
	assert_int_equal(count(d, "SELECT count(*) FROM search_fts WHERE search_fts MATCH 'tusk'"),
			 6); /* three episodes' notes and three chapters */
	free(before);
	free(after);
	free(word);
	free(word2);
	free(chap);
	free(chap2);
	/* The same feed again: nothing changed, nothing written. */
	db_set_index_later(d, 1);
	int64_t changes = dbi_total_changes(d);
	store(d, &t, pid);
	assert_int_equal(dbi_total_changes(d) - changes, 1); /* the podcast row */
	feed_free(&t.f);
	db_close(d);
	rm_db(path);
}

/* Raw extras of an item that is not new, or stored without index_later,
 * are derived by the store: nothing waits. An edited raw episode is
 * derived and stays pending (for its index rows) but not raw. */
static void test_store_derives_the_rest(void **state)
{
	(void)state;
	char *path;
	int64_t pid;
	db *d = with_podcast(&path, &pid);
	tfeed t;
	tf_init(&t, NULL);
	store(d, &t, pid); /* index_later off */
	assert_int_equal(count(d, "SELECT count(*) FROM search_pending"), 0);
	assert_int_equal(count(d, "SELECT count(*) FROM episode WHERE notes_text IS NULL"), 0);
	assert_int_equal(count(d, "SELECT count(*) FROM chapter WHERE source = 'notes'"), 9);
	char *w = hits(d, "narwhal0");
	assert_non_null(strstr(w, "Episode 0"));
	free(w);
	feed_free(&t.f);
	/* A first store with index_later leaves all three raw; then episode
	 * 0's notes change: the store derives it. */
	db_close(d);
	rm_db(path);
	d = stored_raw(&path, &pid);
	tf_init(&t, "<p>Now about seals.</p><p>00:00 Start</p><p>30:00 Seal facts</p>");
	store(d, &t, pid);
	int64_t e0 = episode_id(d, 0);
	assert_int_equal(dbi_raw(d, e0), 0);
	assert_int_equal(count(d, "SELECT count(*) FROM search_pending WHERE raw"), 2);
	assert_int_equal(count(d, "SELECT count(*) FROM search_pending"), 3);
	char *r = reading(d, 0);
	assert_non_null(strstr(r, "text=Now about seals."));
	assert_non_null(strstr(r, "|1800.0 Seal facts 3"));
	free(r);
	w = hits(d, "seal facts");
	assert_non_null(strstr(w, "Seal facts 1800.0"));
	free(w);
	assert_int_equal(db_index_step(d, 100), 3);
	w = hits(d, "seal facts");
	assert_non_null(strstr(w, "Seal facts 1800.0"));
	free(w);
	feed_free(&t.f);
	db_close(d);
	rm_db(path);
}

/* A pending row left by a deleted episode whose id comes back does not
 * make the new episode look derived. */
static void test_reused_id(void **state)
{
	(void)state;
	char *path;
	int64_t pid;
	db *d = with_podcast(&path, &pid);
	assert_int_equal(dbi_exec(d, "INSERT INTO search_pending (eid, raw) VALUES (1, 0), (2, 0),"
				     " (3, 0)"), 0);
	db_set_index_later(d, 1);
	tfeed t;
	tf_init(&t, NULL);
	store(d, &t, pid);
	feed_free(&t.f);
	assert_int_equal(count(d, "SELECT count(*) FROM search_pending WHERE raw"), 3);
	assert_int_equal(db_index_step(d, 100), 3);
	assert_int_equal(count(d, "SELECT count(*) FROM episode WHERE notes_text IS NULL"), 0);
	db_close(d);
	rm_db(path);
}

/* A search derives at most the connection's budget of raw episodes; the
 * rest are counted as not searched, never half read. */
static void test_search_budget(void **state)
{
	(void)state;
	char *path;
	int64_t pid;
	db *d = stored_raw(&path, &pid); /* episode 2 first: the lowest id */
	db_set_search_raw_scan(d, 1);
	char *h = hits(d, "narwhal2");
	assert_non_null(strstr(h, "Episode 2"));
	assert_int_equal(db_search_unscanned(d), 2);
	free(h);
	h = hits(d, "episode 0"); /* its title alone would match: not read */
	assert_null(strstr(h, "Episode 0"));
	free(h);
	db_set_search_raw_scan(d, 0);
	h = hits(d, "narwhal0");
	assert_non_null(strstr(h, "Episode 0"));
	assert_int_equal(db_search_unscanned(d), 0);
	free(h);
	db_close(d);
	rm_db(path);
}

/* A program with no deriver leaves raw episodes for one that has it. */
static void test_no_deriver_waits(void **state)
{
	(void)state;
	char *path;
	int64_t pid;
	db *d = stored_raw(&path, &pid);
	db_set_deriver(NULL);
	assert_int_equal(db_index_step(d, 100), 0);
	assert_int_equal(count(d, "SELECT count(*) FROM search_pending WHERE raw"), 3);
	db_set_deriver(ingest_derive);
	assert_int_equal(db_index_step(d, 100), 3);
	assert_int_equal(count(d, "SELECT count(*) FROM episode WHERE notes_text IS NULL"), 0);
	db_close(d);
	rm_db(path);
}

/* The indexer derives ahead, before its write lock; notes that change in
 * between are derived again, never stored from the stale derivation. */
static void test_ahead_then_changed(void **state)
{
	(void)state;
	char *path;
	int64_t pid;
	db *d = stored_raw(&path, &pid);
	int64_t e1 = episode_id(d, 1);
	dbi_derived_batch ahead;
	assert_int_equal(dbi_derive_ahead(d, 100, &ahead), 0);
	assert_int_equal(ahead.n, 3);
	char *sql = xasprintf("UPDATE episode SET notes_html = '<p>Fresh words.</p>"
			      "<p>00:00 A</p><p>10:00 Brand new chapter</p>' WHERE id = %lld;"
			      "CREATE TEMP TABLE IF NOT EXISTS index_batch (eid INTEGER PRIMARY KEY);"
			      "DELETE FROM temp.index_batch;"
			      "INSERT INTO temp.index_batch SELECT eid FROM search_pending;",
			      (long long)e1);
	assert_int_equal(dbi_exec(d, sql), 0);
	free(sql);
	assert_int_equal(db_begin(d), 0);
	assert_int_equal(dbi_derive_batch(d, &ahead), 0);
	assert_int_equal(db_commit(d), 0);
	dbi_derived_batch_free(&ahead);
	char *r = reading(d, 1);
	assert_non_null(strstr(r, "text=Fresh words."));
	assert_non_null(strstr(r, "|600.0 Brand new chapter 3"));
	assert_null(strstr(r, "narwhal"));
	free(r);
	r = reading(d, 2); /* derived ahead, stored as derived */
	assert_non_null(strstr(r, "narwhal2"));
	free(r);
	assert_int_equal(count(d, "SELECT count(*) FROM search_pending WHERE raw"), 0);
	db_close(d);
	rm_db(path);
}

/* A raw item's hash covers its notes, not what they will give. */
static void test_raw_hash(void **state)
{
	(void)state;
	tfeed t;
	tf_init(&t, NULL);
	feed_item *it = &t.f.items[0];
	uint64_t h = db_item_hash(it, &t.x[0], 3);
	t.x[0].notes_text = "ignored";
	t.x[0].nlinks = 0;
	assert_true(db_item_hash(it, &t.x[0], 3) == h);
	db_item_extra derived = {.notes_text = "ignored"};
	assert_true(db_item_hash(it, &derived, 3) != h);
	free(it->notes);
	it->notes = xstrdup("<p>other notes</p>");
	assert_true(db_item_hash(it, &t.x[0], 3) != h);
	feed_free(&t.f);
}

int main(void)
{
	db_set_deriver(ingest_derive);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_raw_until_indexed),
		cmocka_unit_test(test_store_derives_the_rest),
		cmocka_unit_test(test_no_deriver_waits),
		cmocka_unit_test(test_reused_id),
		cmocka_unit_test(test_search_budget),
		cmocka_unit_test(test_ahead_then_changed),
		cmocka_unit_test(test_raw_hash),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
