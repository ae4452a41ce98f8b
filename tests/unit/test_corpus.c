/*
 * test_corpus.c - feed_parse over the shared corpus (../shared/corpus or
 * $PODCUE_SHARED/corpus): every feed under feeds/ with the item count a
 * reader of the XML expects, spot checks on real-world fields, and every
 * file under malformed/ must be ingested or rejected with a message, never
 * crash. Skipped when the shared folder is absent.
 *
 * Expected counts were taken by reading each file: <item> children of
 * <channel> (RSS) or <entry> children of <feed> (Atom). podcast:liveItem
 * (homegrown-hits, podverse) is a live stream, not an episode, and does not
 * count.
 */
#include "testutil.h"

#include <dirent.h>

#include "feed.h"
#include "util.h"

static const struct {
	const char *path; /* relative to corpus/ */
	size_t items;
} expected[] = {
	{"feeds/antennapod/feed-atom-testAtomBasic.xml", 10},
	{"feeds/antennapod/feed-rss-testMediaContentMime.xml", 1},
	{"feeds/antennapod/feed-rss-testPodcastIndexTranscript.xml", 1},
	{"feeds/antennapod/feed-rss-testRss2Basic.xml", 10},
	{"feeds/feedparser/itunes_item_duration.xml", 1},
	{"feeds/feedparser/itunes_namespace_uppercase.xml", 0},
	{"feeds/feedparser/psc-atomsimplechapter.xml", 1},
	{"feeds/feedparser/psc-atomsimplechapterexternal.xml", 1},
	{"feeds/feedparser/psc-ignore_multiple_psc_chapters.xml", 1},
	{"feeds/feedparser/psc-rss2.0simplechapter.xml", 1},
	{"feeds/gnome-podcasts/Ellinofreneia-2018-03-28.xml", 6},
	{"feeds/gnome-podcasts/Intercepted-2018-01-20.xml", 43},
	{"feeds/gnome-podcasts/Intercepted-2018-02-03.xml", 47},
	{"feeds/gnome-podcasts/LinuxUnplugged-2018-01-20.xml", 232},
	{"feeds/gnome-podcasts/de-grote-no-guid.xml", 12},
	{"feeds/gnome-podcasts/de-grote.xml", 12},
	{"feeds/gnome-podcasts/ndr-2024-03-13.xml", 2},
	{"feeds/gnome-podcasts/ndr-2024-03-14.xml", 2},
	{"feeds/gnome-podcasts/series-i-cinema-2022.xml", 50},
	{"feeds/gnome-podcasts/streetfightradio-2024-03-15.xml", 500},
	{"feeds/partytime/dk-podcast.xml", 59},
	{"feeds/partytime/homegrown-hits.xml", 4},
	{"feeds/partytime/launched.xml", 36},
	{"feeds/partytime/pc20rss-2021.xml", 56},
	{"feeds/partytime/podverse-test-feed.xml", 5},
	{"feeds/podcast-namespace/example.xml", 3},
	{"feeds/podcastparser/chapters.rss", 1},
	{"feeds/podcastparser/episode_podcast_chapters.rss", 1},
	{"feeds/podcastparser/episode_podcast_person.rss", 1},
	{"feeds/podcastparser/itunes_duration.rss", 1},
	{"feeds/podcastparser/no_guid.rss", 1},
	{"feeds/podcastparser/redirect_new_location.rss", 0},
	{"feeds/podcastparser/relative.rss", 1},
	{"feeds/podlove/freakshow-2017-m4a-page1.xml", 30},
};

static char *corpus_root;

static int setup(void **state)
{
	(void)state;
	corpus_root = shared_path("corpus");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(corpus_root);
	corpus_root = NULL;
	return 0;
}

static void need_corpus(void)
{
	if (!corpus_root) {
		printf("# SKIP corpus tests: ../shared/corpus not found\n");
		fflush(stdout);
		skip();
	}
}

/* ---- file discovery ---------------------------------------------------- */

typedef struct pathlist {
	char **v;
	size_t n;
} pathlist;

static int has_ext(const char *name, const char *const *exts)
{
	size_t n = strlen(name);
	for (; *exts; exts++) {
		size_t e = strlen(*exts);
		if (n > e && strcmp(name + n - e, *exts) == 0)
			return 1;
	}
	return 0;
}

/* Appends every regular file under dir (recursively) with one of exts;
 * paths are relative to the corpus root. */
static void list_files(pathlist *l, const char *rel, const char *const *exts)
{
	char *dir = xasprintf("%s/%s", corpus_root, rel);
	DIR *d = opendir(dir);
	if (!d)
		fail_msg("cannot open %s", dir);
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char *sub = xasprintf("%s/%s", rel, e->d_name);
		char *full = xasprintf("%s/%s", corpus_root, sub);
		struct stat st;
		if (stat(full, &st) == 0 && S_ISDIR(st.st_mode)) {
			list_files(l, sub, exts);
			free(sub);
		} else if (has_ext(e->d_name, exts)) {
			l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
			l->v[l->n++] = sub;
		} else {
			free(sub);
		}
		free(full);
	}
	closedir(d);
	free(dir);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void pathlist_free(pathlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

/* ---- parsing helpers ----------------------------------------------------- */

/* Parses corpus/rel; returns feed_parse's result, *err set on failure. */
static int parse_rel(const char *rel, const char *base, feed *f, char **err)
{
	char *path = xasprintf("%s/%s", corpus_root, rel);
	size_t len;
	char *buf = fixture_read(path, &len);
	int rc = feed_parse(buf, len, base, NULL, f, err);
	free(buf);
	free(path);
	return rc;
}

static void parse_rel_ok(const char *rel, const char *base, feed *f)
{
	char *err = NULL;
	if (parse_rel(rel, base, f, &err) != 0)
		fail_msg("%s: %s", rel, err);
}

static int cmp_key(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Number of distinct keys in f. */
static size_t distinct_keys(const feed *f)
{
	if (f->nitems == 0)
		return 0;
	char **k = xmalloc(f->nitems * sizeof *k);
	for (size_t i = 0; i < f->nitems; i++)
		k[i] = f->items[i].key;
	qsort(k, f->nitems, sizeof *k, cmp_key);
	size_t n = 1;
	for (size_t i = 1; i < f->nitems; i++)
		n += strcmp(k[i - 1], k[i]) != 0;
	free(k);
	return n;
}

/* ---- tests ----------------------------------------------------------------- */

static void test_every_feed_item_count(void **state)
{
	(void)state;
	need_corpus();
	static const char *const exts[] = {".xml", ".rss", NULL};
	pathlist l = {0};
	list_files(&l, "feeds", exts);
	qsort(l.v, l.n, sizeof *l.v, cmp_str);
	assert_true(l.n >= sizeof expected / sizeof expected[0]);

	size_t checked = 0;
	for (size_t i = 0; i < l.n; i++) {
		feed f;
		parse_rel_ok(l.v[i], NULL, &f);
		size_t k = 0;
		while (k < sizeof expected / sizeof expected[0] &&
		       strcmp(expected[k].path, l.v[i]) != 0)
			k++;
		if (k == sizeof expected / sizeof expected[0]) {
			printf("# note: %s parsed (%zu items), no expected count\n",
			       l.v[i], f.nitems);
		} else {
			if (f.nitems != expected[k].items)
				fail_msg("%s: %zu items, expected %zu", l.v[i], f.nitems,
				         expected[k].items);
			checked++;
		}
		for (size_t j = 0; j < f.nitems; j++)
			assert_non_null(f.items[j].key);
		feed_free(&f);
	}
	assert_int_equal(checked, sizeof expected / sizeof expected[0]);
	pathlist_free(&l);
}

static void test_freakshow_psc(void **state)
{
	(void)state;
	need_corpus();
	feed f;
	parse_rel_ok("feeds/podlove/freakshow-2017-m4a-page1.xml", NULL, &f);
	size_t total = 0;
	for (size_t i = 0; i < f.nitems; i++) {
		const chapter_list *l = &f.items[i].psc;
		total += l->n;
		for (size_t j = 0; j < l->n; j++) {
			assert_int_equal(l->v[j].source, CHAP_SRC_PSC);
			assert_true(l->v[j].end < 0);
			if (j > 0)
				assert_true(l->v[j - 1].start <= l->v[j].start);
		}
		assert_true(f.items[i].duration > 0);
		assert_non_null(f.items[i].enclosure_url);
	}
	assert_int_equal(total, 693);
	assert_null(f.warning);
	feed_free(&f);
}

static void test_spot_checks(void **state)
{
	(void)state;
	need_corpus();
	feed f;

	parse_rel_ok("feeds/partytime/podverse-test-feed.xml", NULL, &f);
	assert_int_equal(f.nitems, 5);
	assert_true(f.items[0].duration < 0); /* the video item has none */
	assert_time_equal(f.items[1].duration, 1014.708375);
	assert_time_equal(f.items[4].duration, 1031.870813);
	feed_free(&f);

	parse_rel_ok("feeds/gnome-podcasts/series-i-cinema-2022.xml", NULL, &f);
	assert_string_equal(f.title, "S\xc3\xa8ries i Cinema"); /* ISO-8859-1 */
	feed_free(&f);

	parse_rel_ok("feeds/gnome-podcasts/de-grote.xml", NULL, &f);
	assert_string_equal(f.new_feed_url,
	                    "https://podcasts.vrt.be/v1/program-6f4b068a-7178-4809-ab2f-fd016e1f4df3");
	assert_true(f.items[0].duration > 0); /* undeclared itunes: prefix */
	assert_int_equal(distinct_keys(&f), 12);
	feed_free(&f);

	parse_rel_ok("feeds/gnome-podcasts/de-grote-no-guid.xml", NULL, &f);
	for (size_t i = 0; i < f.nitems; i++)
		assert_string_equal(f.items[i].key, f.items[i].enclosure_url);
	assert_int_equal(distinct_keys(&f), 12);
	feed_free(&f);

	parse_rel_ok("feeds/podcastparser/itunes_duration.rss", NULL, &f);
	assert_time_equal(f.items[0].duration, 1200);
	feed_free(&f);

	parse_rel_ok("feeds/podcastparser/redirect_new_location.rss", NULL, &f);
	assert_string_equal(f.new_feed_url, "http://weblog.infoworld.com/udell/rss.xml");
	feed_free(&f);

	parse_rel_ok("feeds/podcastparser/relative.rss", "https://example.com/pod/feed.rss", &f);
	assert_string_equal(f.items[0].enclosure_url, "https://example.com/pod/example.mp3");
	feed_free(&f);

	parse_rel_ok("feeds/gnome-podcasts/ndr-2024-03-14.xml", NULL, &f);
	int saw300 = 0;
	for (size_t i = 0; i < f.nitems; i++) {
		saw300 |= f.items[i].duration == 300;
		assert_int_equal(f.items[i].enclosure_length, -1); /* no length attr */
	}
	assert_true(saw300); /* "00:04:60" */
	feed_free(&f);

	parse_rel_ok("feeds/antennapod/feed-rss-testRss2Basic.xml", NULL, &f);
	assert_true(f.items[0].has_published);
	assert_int_equal(f.items[0].published, 0); /* "01 Jan 70 01:00:00 +0100" */
	assert_string_equal(f.items[0].enclosure_type, "audio/mp3");
	feed_free(&f);

	parse_rel_ok("feeds/antennapod/feed-rss-testMediaContentMime.xml", NULL, &f);
	assert_string_equal(f.items[0].enclosure_url, "https://www.example.com/file.mp4");
	assert_string_equal(f.items[0].enclosure_type, "video/mp4");
	feed_free(&f);

	parse_rel_ok("feeds/antennapod/feed-rss-testPodcastIndexTranscript.xml", NULL, &f);
	assert_int_equal(f.items[0].ntranscripts, 2);
	assert_string_equal(f.items[0].transcripts[1].type, "application/srt");
	feed_free(&f);
}

static void test_chapters_rss_psc_times(void **state)
{
	(void)state;
	need_corpus();
	static const double want[] = {0, 1, 62, 3723, 3723.4};
	feed f;
	parse_rel_ok("feeds/podcastparser/chapters.rss", NULL, &f);
	const chapter_list *l = &f.items[0].psc;
	assert_int_equal(l->n, 5);
	for (size_t i = 0; i < 5; i++)
		assert_time_equal(l->v[i].start, want[i]);
	assert_string_equal(l->v[4].url, "http://example.net/psc");
	assert_string_equal(l->v[4].img, "http://example.net/image2.png");
	feed_free(&f);

	parse_rel_ok("feeds/feedparser/psc-ignore_multiple_psc_chapters.xml", NULL, &f);
	assert_int_equal(f.items[0].psc.n, 4);
	feed_free(&f);
}

static void test_real_world_feeds(void **state)
{
	(void)state;
	need_corpus();
	feed f;

	parse_rel_ok("feeds/partytime/pc20rss-2021.xml", NULL, &f);
	size_t chapters = 0, transcripts = 0;
	for (size_t i = 0; i < f.nitems; i++) {
		chapters += f.items[i].chapters_url != NULL;
		transcripts += f.items[i].ntranscripts;
	}
	assert_int_equal(chapters, 48); /* old namespace URI */
	assert_int_equal(transcripts, 47);
	assert_string_equal(f.podcast_guid, "917393e3-1b1e-5cef-ace4-edaa54e1f810");
	feed_free(&f);

	parse_rel_ok("feeds/partytime/launched.xml", NULL, &f);
	for (size_t i = 0; i < f.nitems; i++) {
		assert_true(f.items[i].has_published); /* "-0000" offsets */
		assert_true(f.items[i].duration > 0);  /* mixed M:SS / H:MM:SS */
	}
	feed_free(&f);

	parse_rel_ok("feeds/gnome-podcasts/streetfightradio-2024-03-15.xml", NULL, &f);
	assert_int_equal(distinct_keys(&f), 500);
	feed_free(&f);

	/* the later snapshot adds 4 new items in front of the same 43 */
	feed a, b;
	parse_rel_ok("feeds/gnome-podcasts/Intercepted-2018-01-20.xml", NULL, &a);
	parse_rel_ok("feeds/gnome-podcasts/Intercepted-2018-02-03.xml", NULL, &b);
	assert_int_equal(b.nitems, a.nitems + 4);
	for (size_t i = 0; i < a.nitems; i++)
		assert_string_equal(a.items[i].key, b.items[i + 4].key);
	feed_free(&a);
	feed_free(&b);
}

static void test_malformed(void **state)
{
	(void)state;
	need_corpus();
	static const char *const exts[] = {".xml", ".rss", ".opml", NULL};
	pathlist l = {0};
	list_files(&l, "malformed", exts);
	qsort(l.v, l.n, sizeof *l.v, cmp_str);
	assert_true(l.n > 0);

	for (size_t i = 0; i < l.n; i++) {
		feed f;
		char *err = NULL;
		int rc = parse_rel(l.v[i], NULL, &f, &err);
		int opml = strstr(l.v[i], "opml") || strstr(l.v[i], "listparser");
		if (opml) {
			if (rc != -1 || !strstr(err, "not a podcast feed"))
				fail_msg("%s: OPML must be rejected, got rc=%d err=%s", l.v[i],
				         rc, err ? err : "");
		} else if (rc == 0) {
			for (size_t j = 0; j < f.nitems; j++)
				assert_non_null(f.items[j].key);
			feed_free(&f);
		} else {
			assert_non_null(err);
			assert_true(err[0] != '\0');
		}
		free(err);
	}
	pathlist_free(&l);
}

static void test_malformed_recoveries(void **state)
{
	(void)state;
	need_corpus();
	feed f;

	parse_rel_ok("malformed/feedparser-entity-hellip.xml", NULL, &f);
	assert_string_equal(f.title, "testing \xe2\x80\xa6 entity");
	feed_free(&f);

	parse_rel_ok("malformed/feedparser-rss_item_link_corrupted_ampersands.xml", NULL, &f);
	assert_non_null(f.warning);
	assert_int_equal(f.nitems, 1);
	assert_string_equal(f.items[0].link, "http://link/get?a=1&b=2");
	feed_free(&f);

	parse_rel_ok("malformed/feedparser-chardet-koi8r.xml", NULL, &f);
	assert_non_null(f.warning);
	assert_int_equal(f.nitems, 1);
	feed_free(&f);

	parse_rel_ok("malformed/podcastparser-itunes_no_xmlns.rss", NULL, &f);
	assert_time_equal(f.items[0].duration, 1200);
	feed_free(&f);

	/* mojibake is shown as it is */
	parse_rel_ok("malformed/feedparser-double-encoded-html.xml", NULL, &f);
	assert_string_equal(f.items[0].notes, "\xc3\xa2\xc2\x80\xc2\xa6");
	feed_free(&f);

	char *err = NULL;
	assert_int_equal(parse_rel("malformed/castero-broken_no_channel.xml", NULL, &f, &err), -1);
	assert_non_null(strstr(err, "not a podcast feed"));
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_feed_item_count),
		cmocka_unit_test(test_freakshow_psc),
		cmocka_unit_test(test_spot_checks),
		cmocka_unit_test(test_chapters_rss_psc_times),
		cmocka_unit_test(test_real_world_feeds),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_malformed_recoveries),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
