/*
 * test_download.c - downloads: file names made from hostile feed text
 * (download_name.c: no '/', no "..", no control characters or escape
 * sequences, a length limit on a UTF-8 boundary, the extension, unique on
 * collision) and the downloads table (db_download.c: save, progress,
 * paths unique across rows, done path, remove, cascade with the podcast,
 * the migration from version 9 keeping what was there).
 */
#include "testutil.h"

#include <unistd.h>

#include "../../src/db_int.h"
#include "testold.h"
#include "db.h"
#include "download.h"
#include "text.h"

/* ---- names ------------------------------------------------------------ */

static void assert_safe(const char *s)
{
	assert_null(strchr(s, '/'));
	assert_null(strstr(s, ".."));
	assert_true(s[0] != '.' && s[0] != ' ' && s[0] != '\0');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		assert_true(*p >= 0x20 && *p != 0x7f);
}

static void test_name_part_hostile(void **state)
{
	static const char *const bad[] = {
		"../../etc/passwd", "..", ".", "/", "a/b\\c", "\x1b[31mred\x1b[0m\n\tx",
		"....hidden", " .. / .. ", "x\x07y\x7fz", ("\xc2\x9b" "31mC1"), "",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *s = download_name_part(bad[i], DOWNLOAD_NAME_MAX, "untitled");
		assert_safe(s);
		free(s);
	}
	char *s = download_name_part("../../etc/passwd", 100, "x");
	assert_string_equal(s, "-.-etc-passwd");
	free(s);
	s = download_name_part("\x1b[31mRed\x1b[0m  and\tblue", 100, "x");
	assert_string_equal(s, "Red and blue");
	free(s);
	s = download_name_part("..", 100, "untitled");
	assert_string_equal(s, "untitled");
	free(s);
	s = download_name_part("Episode 1...", 100, "x");
	assert_string_equal(s, "Episode 1");
	free(s);
}

static void test_name_part_length(void **state)
{
	/* 200 two-byte characters: cut to at most 120 bytes, never mid-character. */
	sbuf b = {0};
	for (int i = 0; i < 200; i++)
		sb_append(&b, "\xc3\xa9", 2);
	char *in = sb_steal(&b);
	char *s = download_name_part(in, 121, "x");
	assert_true(strlen(s) <= 121);
	assert_int_equal(strlen(s) % 2, 0);
	char *fixed = text_utf8_fix(s, (size_t)-1, NULL);
	assert_string_equal(fixed, s); /* valid UTF-8 */
	free(fixed);
	free(s);
	free(in);
}

static void test_ext_and_file_name(void **state)
{
	char *e = download_ext("https://x.org/a/ep.MP3?token=1#t", NULL);
	assert_string_equal(e, "mp3");
	free(e);
	e = download_ext("https://x.org/a.b/episode", "audio/mp4");
	assert_string_equal(e, "m4a");
	free(e);
	e = download_ext("https://x.org/ep.mp3%2F..%2F", "weird/type");
	assert_string_equal(e, "audio");
	free(e);
	char *n = download_file_name("../Hi/There", 1747216800, 1, "http://h/x.ogg", NULL);
	assert_string_equal(n, "2025-05-14 -Hi-There.ogg");
	free(n);
	n = download_file_name(NULL, 0, 0, "http://h/x", "audio/mpeg");
	assert_string_equal(n, "untitled.mp3");
	free(n);
}

static int taken_below(const char *path, void *ctx)
{
	int *left = ctx;
	(void)path;
	return (*left)-- > 0;
}

static void test_unique_path(void **state)
{
	int left = 0;
	char *p = download_unique_path("/d", "2025 A.mp3", taken_below, &left);
	assert_string_equal(p, "/d/2025 A.mp3");
	free(p);
	left = 2;
	p = download_unique_path("/d", "2025 A.mp3", taken_below, &left);
	assert_string_equal(p, "/d/2025 A (3).mp3");
	free(p);
	left = 5000;
	assert_null(download_unique_path("/d", "x.mp3", taken_below, &left));
}

/* ---- the table -------------------------------------------------------- */

/* A podcast with two episodes; their ids into ids[2]. */
static int64_t add_podcast(db *d, int64_t *ids)
{
	int64_t pid;
	int existed;
	assert_int_equal(db_podcast_add(d, "https://example.org/f.xml", 0, &pid, &existed), 0);
	feed f = {0};
	f.title = xstrdup("F");
	f.items = xcalloc(2, sizeof *f.items);
	f.nitems = 2;
	for (size_t i = 0; i < 2; i++) {
		f.items[i].key = xasprintf("k%zu", i);
		f.items[i].title = xasprintf("ep %zu", i);
		f.items[i].enclosure_url = xasprintf("https://example.org/%zu.mp3", i);
		f.items[i].enclosure_length = -1;
		f.items[i].duration = -1;
		f.items[i].feed_order = (int)i;
	}
	db_store_stats st = {0};
	assert_int_equal(db_store_feed(d, pid, &f, NULL, NULL, NULL, 0, 1000, &st), 0);
	feed_free(&f);
	db_episode *v;
	size_t n;
	assert_int_equal(db_episode_list(d, pid, &v, &n), 0);
	assert_int_equal(n, 2);
	ids[0] = v[0].id;
	ids[1] = v[1].id;
	db_episode_list_free(v, n);
	return pid;
}

static void test_table(void **state)
{
	char *path = tmp_db();
	db *d;
	char *err = NULL;
	assert_int_equal(db_open(path, &d, &err), 0);
	int64_t ids[2];
	int64_t pid = add_podcast(d, ids);
	db_download r = {ids[0], DL_QUEUED, 0, -1, "/dl/a.mp3", NULL, "https://e/0.mp3", NULL};
	assert_int_equal(db_download_save(d, &r), 0);
	db_download g;
	assert_int_equal(db_download_get(d, ids[0], &g), 0);
	assert_int_equal(g.state, DL_QUEUED);
	assert_int_equal(g.total, -1);
	assert_string_equal(g.path, "/dl/a.mp3");
	assert_null(g.error);
	db_download_free(&g);
	/* Two rows never share a path; an unknown episode has no row. */
	db_download r2 = {ids[1], DL_QUEUED, 0, -1, "/dl/a.mp3", NULL, "u", NULL};
	assert_int_equal(db_download_save(d, &r2), 2);
	assert_int_equal(db_download_path_taken(d, "/dl/a.mp3", ids[1]), 1);
	assert_int_equal(db_download_path_taken(d, "/dl/a.mp3", ids[0]), 0);
	r2.episode_id = 99999;
	r2.path = "/dl/b.mp3";
	assert_int_equal(db_download_save(d, &r2), 1);
	assert_int_equal(db_download_get(d, 99999, &g), 1);
	/* Progress, then done: the done path. */
	assert_int_equal(db_download_done_path(d, ids[0], &err), 1);
	assert_int_equal(db_download_progress(d, ids[0], DL_RUNNING, 500, 1000), 0);
	assert_int_equal(db_download_get(d, ids[0], &g), 0);
	assert_int_equal(g.state, DL_RUNNING);
	assert_int_equal(g.bytes, 500);
	assert_int_equal(g.total, 1000);
	db_download_free(&g);
	r.state = DL_DONE;
	r.bytes = r.total = 1000;
	r.validator = "\"etag\"";
	assert_int_equal(db_download_save(d, &r), 0);
	char *p;
	assert_int_equal(db_download_done_path(d, ids[0], &p), 0);
	assert_string_equal(p, "/dl/a.mp3");
	free(p);
	r2.episode_id = ids[1];
	r2.state = DL_FAILED;
	r2.error = "HTTP 404";
	assert_int_equal(db_download_save(d, &r2), 0);
	db_download *v;
	size_t n;
	assert_int_equal(db_download_list(d, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(db_download_state_name(v[0].state), v[0].episode_id == ids[0] ? "done" : "failed");
	db_download_list_free(v, n);
	assert_int_equal(db_download_remove(d, ids[1]), 0);
	assert_int_equal(db_download_remove(d, ids[1]), 1);
	/* The row goes with its podcast. */
	assert_int_equal(db_podcast_remove(d, pid), 0);
	assert_int_equal(db_download_list(d, &v, &n), 0);
	assert_int_equal(n, 0);
	db_close(d);
	rm_db(path);
}

static void test_migrates_from_v9(void **state)
{
	char *path = tmp_db();
	db *d;
	char *err = NULL;
	assert_int_equal(dbi_open_at_version(path, 9, &d, &err), 0);
	int64_t ids[2];
	old_cache_podcast(d, "https://example.org/", 2, ids);
	assert_int_equal(db_episode_set_position(d, ids[0], 42), 0);
	db_close(d);
	assert_int_equal(db_open(path, &d, &err), 0);
	assert_int_equal(db_schema_version(d), DB_SCHEMA_VERSION);
	db_episode e;
	assert_int_equal(db_episode_get(d, ids[0], &e), 0);
	assert_true(e.position == 42);
	db_episode_free(&e);
	db_download *v;
	size_t n;
	assert_int_equal(db_download_list(d, &v, &n), 0);
	assert_int_equal(n, 0);
	db_close(d);
	rm_db(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_part_hostile),
		cmocka_unit_test(test_name_part_length),
		cmocka_unit_test(test_ext_and_file_name),
		cmocka_unit_test(test_unique_path),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_migrates_from_v9),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
