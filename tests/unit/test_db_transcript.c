/*
 * test_db_transcript.c - transcripts in the cache (db_transcript.c):
 * segments stored, replaced and read back in order, the fetch state (a
 * failure keeps the stored segments), the search index following every
 * write (replace, a podcast's removal), transcript hits merged into
 * db_search by rank with the words around the hit, at most
 * DB_SEARCH_TRANSCRIPT_PER_EPISODE per episode, and a refresh that leaves
 * them alone.
 */
#include "testutil.h"
#include "testfeed.h"

#include "db.h"

/* A transcript of the given texts, 10 s apart, from 0. */
static transcript make(const char *const *texts, size_t n)
{
	transcript t = TRANSCRIPT_INIT;
	t.format = TRANSCRIPT_VTT;
	t.v = xcalloc(n, sizeof *t.v);
	t.n = t.cap = n;
	for (size_t i = 0; i < n; i++) {
		t.v[i].start = 10.0 * (double)i;
		t.v[i].end = 10.0 * (double)i + 9.5;
		t.v[i].speaker = i % 2 ? xstrdup("Ravi") : NULL;
		t.v[i].text = xstrdup(texts[i]);
	}
	return t;
}

static size_t kind_hits(db *d, const char *q, int kind, int64_t ep, double start)
{
	db_search_hit *v;
	size_t n, k = 0;
	assert_int_equal(db_search(d, q, 100, &v, &n), 0);
	for (size_t i = 0; i < n; i++)
		k += v[i].kind == kind && (!ep || v[i].episode_id == ep) &&
		     (start < 0 || v[i].start == start);
	db_search_free(v, n);
	return k;
}

static void test_store_read_search(void **state)
{
	(void)state;
	char *path = tmp_db();
	db *d;
	char *err = NULL;
	assert_int_equal(db_open(path, &d, &err), 0);
	int64_t ep[2];
	test_add_podcast(d, "https://example.org/a.xml", 2, 600, ep);

	transcript got;
	assert_int_equal(db_transcript_get(d, ep[0], &got), 1);
	db_transcript_state s;
	assert_int_equal(db_transcript_state_get(d, ep[0], &s), 1);

	static const char *const a[] = {"welcome to the harbour", "the zeppelin lands at noon",
					"lighthouse keepers keep logbooks"};
	transcript t = make(a, 3);
	assert_int_equal(db_transcript_store(d, ep[0], "https://x/t.vtt", &t, "\"e1\"", NULL, NULL,
					     5000), 0);
	assert_int_equal(db_transcript_get(d, ep[0], &got), 0);
	assert_int_equal(got.n, 3);
	assert_int_equal(got.format, TRANSCRIPT_VTT);
	assert_string_equal(got.v[1].text, "the zeppelin lands at noon");
	assert_string_equal(got.v[1].speaker, "Ravi");
	assert_null(got.v[0].speaker);
	assert_float_equal(got.v[2].start, 20, 0.001);
	assert_float_equal(got.v[2].end, 29.5, 0.001);
	transcript_free(&got);
	assert_int_equal(db_transcript_state_get(d, ep[0], &s), 0);
	assert_string_equal(s.url, "https://x/t.vtt");
	assert_string_equal(s.format, "vtt");
	assert_string_equal(s.etag, "\"e1\"");
	assert_null(s.error);
	assert_int_equal(s.segments, 3);
	db_transcript_state_free(&s);

	/* Search: the segment's start, the words around it. */
	db_search_hit *v;
	size_t n;
	assert_int_equal(db_search(d, "zeppelin", 10, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].kind, DB_HIT_TRANSCRIPT);
	assert_int_equal(v[0].episode_id, ep[0]);
	assert_float_equal(v[0].start, 10, 0.001);
	assert_string_equal(v[0].title, "\u2026the zeppelin lands at noon\u2026");
	assert_string_equal(v[0].episode_title, "ep 0");
	db_search_free(v, n);
	assert_int_equal(kind_hits(d, "zepp", DB_HIT_TRANSCRIPT, ep[0], 10), 1); /* prefix */

	/* A failure keeps the segments; the error is recorded. */
	assert_int_equal(db_transcript_store(d, ep[0], "https://x/t.vtt", NULL, NULL, NULL,
					     "transcript: 404", 6000), 0);
	assert_int_equal(db_transcript_state_get(d, ep[0], &s), 0);
	assert_string_equal(s.error, "transcript: 404");
	assert_string_equal(s.etag, "\"e1\""); /* validators of the last success */
	assert_int_equal(s.fetched, 6000);
	assert_int_equal(s.segments, 3);
	db_transcript_state_free(&s);
	assert_int_equal(kind_hits(d, "zeppelin", DB_HIT_TRANSCRIPT, ep[0], -1), 1);

	/* A new version replaces the segments and the index. */
	static const char *const b[] = {"only airships now"};
	transcript t2 = make(b, 1);
	assert_int_equal(db_transcript_store(d, ep[0], "https://x/t.vtt", &t2, NULL, NULL, NULL,
					     7000), 0);
	assert_int_equal(kind_hits(d, "zeppelin", DB_HIT_TRANSCRIPT, 0, -1), 0);
	assert_int_equal(kind_hits(d, "airships", DB_HIT_TRANSCRIPT, ep[0], 0), 1);
	assert_int_equal(db_transcript_state_get(d, ep[0], &s), 0);
	assert_null(s.error);
	db_transcript_state_free(&s);

	/* Another episode; an unknown one is 1. */
	assert_int_equal(db_transcript_store(d, ep[1], "u", &t, NULL, NULL, NULL, 1), 0);
	assert_int_equal(db_transcript_store(d, 999999, "u", &t, NULL, NULL, NULL, 1), 1);
	assert_int_equal(kind_hits(d, "zeppelin", DB_HIT_TRANSCRIPT, ep[1], 10), 1);

	/* The podcast leaves: so do its transcripts and their index rows. */
	int64_t pid = 0;
	db_podcast *pv;
	size_t pn;
	assert_int_equal(db_podcast_list(d, &pv, &pn), 0);
	pid = pv[0].id;
	db_podcast_list_free(pv, pn);
	assert_int_equal(db_podcast_remove(d, pid), 0);
	assert_int_equal(kind_hits(d, "zeppelin", DB_HIT_TRANSCRIPT, 0, -1), 0);
	assert_int_equal(kind_hits(d, "airships", DB_HIT_TRANSCRIPT, 0, -1), 0);
	assert_int_equal(db_transcript_get(d, ep[1], &got), 1);

	transcript_free(&t);
	transcript_free(&t2);
	db_close(d);
	rm_db(path);
}

static void test_merge_rank_cap(void **state)
{
	(void)state;
	char *path = tmp_db();
	db *d;
	char *err = NULL;
	assert_int_equal(db_open(path, &d, &err), 0);
	int64_t ep[3];
	test_add_podcast(d, "https://example.org/b.xml", 3, 600, ep);
	/* Episode 0 says "walrus" in 6 segments; episode 1's title has it. */
	static const char *const a[] = {"walrus one", "walrus two", "walrus three", "walrus four",
					"walrus five", "walrus six"};
	transcript t = make(a, 6);
	assert_int_equal(db_transcript_store(d, ep[0], "u", &t, NULL, NULL, NULL, 1), 0);
	transcript_free(&t);
	static const char *const longtext[] = {
		"a very long segment of speech that goes on and on about harbours and boats "
		"and the sea and then at last mentions the walrus that lived under the pier "
		"for many years before it moved away to the north"};
	t = make(longtext, 1);
	assert_int_equal(db_transcript_store(d, ep[2], "u", &t, NULL, NULL, NULL, 1), 0);
	transcript_free(&t);
	db_search_hit *v;
	size_t n;
	assert_int_equal(db_search(d, "walrus", 100, &v, &n), 0);
	size_t per0 = 0;
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(v[i].kind, DB_HIT_TRANSCRIPT);
		per0 += v[i].episode_id == ep[0];
		if (i) /* newest episode first */
			assert_true(v[i - 1].episode_id >= v[i].episode_id);
		if (v[i].episode_id == ep[2]) {
			/* Cut around the hit, on spaces, with ellipses. */
			assert_non_null(strstr(v[i].title, "walrus"));
			assert_true(strlen(v[i].title) < strlen(longtext[0]));
			assert_true(strncmp(v[i].title, "\u2026", 3) == 0);
			assert_null(strstr(v[i].title, "harbours and boats and"));
		}
	}
	assert_int_equal(per0, DB_SEARCH_TRANSCRIPT_PER_EPISODE);
	assert_int_equal(n, DB_SEARCH_TRANSCRIPT_PER_EPISODE + 1);
	db_search_free(v, n);
	/* The earliest segments of an episode are its hits. */
	assert_int_equal(db_search(d, "walrus", 100, &v, &n), 0);
	for (size_t i = 0; i < n; i++)
		if (v[i].episode_id == ep[0])
			assert_true(v[i].start < 30);
	db_search_free(v, n);
	/* The limit holds across both kinds. */
	assert_int_equal(db_search(d, "walrus", 2, &v, &n), 0);
	assert_int_equal(n, 2);
	db_search_free(v, n);
	db_close(d);
	rm_db(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_store_read_search),
		cmocka_unit_test(test_merge_rank_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
