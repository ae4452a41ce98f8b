/*
 * test_opml.c - unit tests for opml.c (import and export).
 */
#include "testutil.h"

#include <dirent.h>
#include <unistd.h>

#include "opml.h"

#define FIX "tests/fixtures/opml/"

static int parse_file(const char *path, opml_list *l, char **err)
{
	size_t len;
	char *buf = fixture_read(path, &len);
	int rc = opml_parse(buf, len, l, err);
	free(buf);
	return rc;
}

static void check_feed(const opml_feed *f, const char *url, const char *title,
		       const char *html_url, const char *category)
{
	assert_string_equal(f->url, url);
	if (title)
		assert_string_equal(f->title, title);
	else
		assert_null(f->title);
	if (html_url)
		assert_string_equal(f->html_url, html_url);
	else
		assert_null(f->html_url);
	if (category)
		assert_string_equal(f->category, category);
	else
		assert_null(f->category);
}

/* Expects failure with an error starting with prefix. */
static void check_fail(const char *path, const char *prefix)
{
	opml_list l;
	char *err = NULL;
	assert_int_equal(parse_file(path, &l, &err), -1);
	assert_non_null(err);
	if (strncmp(err, prefix, strlen(prefix)) != 0)
		fail_msg("%s: error \"%s\" does not start with \"%s\"", path, err, prefix);
	assert_int_equal(l.n, 0);
	assert_null(l.v);
	free(err);
}

static void test_nested(void **state)
{
	(void)state;
	opml_list l;
	char *err = NULL;
	assert_int_equal(parse_file(FIX "nested.opml", &l, &err), 0);
	assert_null(err);
	assert_int_equal(l.n, 7);
	check_feed(&l.v[0], "https://top.example/feed.xml", "Top level", NULL, NULL);
	check_feed(&l.v[1], "https://tech.example/one.rss", "Tech One", NULL, "Tech");
	check_feed(&l.v[2], "https://deep.example/rss", "Deep Feed", NULL, "Tech/Linux/Kernel");
	check_feed(&l.v[3], "https://cat.example/rss", "Has category", NULL, "mine/own");
	check_feed(&l.v[4], "https://tech.example/two.rss", "Back in Tech", NULL, "Tech");
	check_feed(&l.v[5], "https://nameless.example/rss", "In nameless folder", NULL, NULL);
	check_feed(&l.v[6], "https://last.example/rss", "Last", NULL, NULL);
	opml_list_free(&l);
	assert_int_equal(l.n, 0);
	opml_list_free(&l);
	opml_list_free(NULL);
}

static void test_quirks(void **state)
{
	(void)state;
	opml_list l;
	assert_int_equal(parse_file(FIX "quirks.opml", &l, NULL), 0);
	assert_int_equal(l.n, 10);
	check_feed(&l.v[0], "https://lj.example/data/rss", "LiveJournal style", NULL, NULL);
	check_feed(&l.v[1], "https://pie.example/atom.xml", "Liferea Atom", NULL, NULL);
	check_feed(&l.v[2], "https://notype.example/feed", "No type", NULL, NULL);
	check_feed(&l.v[3], "https://titleonly.example/feed", "Only a title", NULL, NULL);
	check_feed(&l.v[4], "https://untitled.example/feed", NULL, NULL, NULL);
	check_feed(&l.v[5], "https://blanktext.example/feed", "Blank text", NULL, NULL);
	check_feed(&l.v[6], "https://amp.example/feed?a=1&b=2",
		   "Tom & Jerry's 'Show' \xE2\x80\x93 caf\xC3\xA9", "https://amp.example/", NULL);
	check_feed(&l.v[7], "https://padded.example/feed.xml", "Padded URL", NULL, NULL);
	check_feed(&l.v[8], "https://child.example/rss", "Child", NULL, "Blank xmlUrl is a folder");
	check_feed(&l.v[9], "https://emptyhtml.example/rss", "Empty htmlUrl", NULL, NULL);
	opml_list_free(&l);
}

static void test_duplicates(void **state)
{
	(void)state;
	opml_list l;
	assert_int_equal(parse_file(FIX "duplicates.opml", &l, NULL), 0);
	assert_int_equal(l.n, 3);
	check_feed(&l.v[0], "https://dup.example/Feed.xml", "First", NULL, NULL);
	check_feed(&l.v[1], "https://dup.example/feed.xml", "Path case differs", NULL, NULL);
	check_feed(&l.v[2], "https://other.example/rss", "Other", NULL, "Folder");
	opml_list_free(&l);
}

static void test_head_body(void **state)
{
	(void)state;
	opml_list l;
	char *err = NULL;
	assert_int_equal(parse_file(FIX "no-head.opml", &l, &err), 0);
	assert_int_equal(l.n, 1);
	check_feed(&l.v[0], "http://headless.example/rss", "Headless", NULL, NULL);
	opml_list_free(&l);

	assert_int_equal(parse_file(FIX "folders-only.opml", &l, &err), 0);
	assert_null(err);
	assert_int_equal(l.n, 0);
	opml_list_free(&l);

	check_fail(FIX "no-body.opml", "OPML has no <body>");
}

static void test_errors(void **state)
{
	(void)state;
	opml_list l;
	char *err = NULL;

	check_fail(FIX "rss-root.xml", "not an OPML document (root element <rss>)");
	check_fail(FIX "mismatched.opml", "malformed OPML: ");
	assert_int_equal(parse_file(FIX "mismatched.opml", &l, &err), -1);
	assert_non_null(strstr(err, "mismatch"));
	assert_non_null(strstr(err, " line "));
	assert_null(strchr(err, '\n'));
	free(err);

	assert_int_equal(opml_parse("", 0, &l, &err), -1);
	assert_non_null(err);
	free(err);
	assert_int_equal(opml_parse(NULL, 0, &l, &err), -1);
	free(err);
	/* err is optional */
	assert_int_equal(opml_parse("<opml>", 6, &l, NULL), -1);
	/* buffer need not be NUL-terminated: only len bytes are read */
	const char doc[] = "<opml><body><outline xmlUrl='http://x.example/'/></body></opml>GARBAGE";
	assert_int_equal(opml_parse(doc, sizeof doc - 1 - 7, &l, NULL), 0);
	assert_int_equal(l.n, 1);
	opml_list_free(&l);
	/* no network, no external entities */
	const char *xxe = "<?xml version='1.0'?><!DOCTYPE opml [<!ENTITY x SYSTEM "
			  "'file:///etc/passwd'>]><opml><body><outline text='&x;' "
			  "xmlUrl='http://x.example/'/></body></opml>";
	if (opml_parse(xxe, strlen(xxe), &l, &err) == 0) {
		assert_int_equal(l.n, 1);
		assert_true(!l.v[0].title || !strstr(l.v[0].title, "root:"));
		opml_list_free(&l);
	} else {
		free(err);
	}
	/* binary garbage */
	char junk[4096];
	uint32_t x = 7;
	for (size_t i = 0; i < sizeof junk; i++) {
		x = x * 1103515245u + 12345u;
		junk[i] = (char)(x >> 16);
	}
	assert_int_equal(opml_parse(junk, sizeof junk, &l, &err), -1);
	free(err);
}

/* n feeds in folders of 100, every 10th listed twice. */
static void many_opml(sbuf *b, size_t n)
{
	sb_puts(b, "<?xml version=\"1.0\"?><opml version=\"2.0\"><body>");
	for (size_t i = 0; i < n; i++) {
		if (i % 100 == 0)
			sb_printf(b, "%s<outline text=\"folder %zu\">", i ? "</outline>" : "", i / 100);
		sb_printf(b, "<outline type=\"rss\" text=\"Feed %zu\" xmlUrl=\"https://h%zu.example/f/%zu\"/>",
			  i, i % 37, i);
		/* every 10th feed is listed twice (host in upper case) */
		if (i % 10 == 0)
			sb_printf(b, "<outline type=\"rss\" text=\"dup\" xmlUrl=\"https://H%zu.EXAMPLE/f/%zu\"/>",
				  i % 37, i);
	}
	sb_puts(b, "</outline></body></opml>");
}

static int64_t many_work(size_t n, void *ctx)
{
	(void)ctx;
	sbuf b = SBUF_INIT;
	many_opml(&b, n);
	opml_list l;
	int64_t t0 = cpu_ns();
	assert_int_equal(opml_parse(b.s, b.len, &l, NULL), 0);
	int64_t took = cpu_ns() - t0;
	assert_int_equal(l.n, n);
	opml_list_free(&l);
	sb_free(&b);
	return took;
}

static void test_many(void **state)
{
	(void)state;
	const size_t n = 5000;
	assert_linear("opml_parse", many_work, 500, NULL);
	sbuf b = SBUF_INIT;
	many_opml(&b, n);
	opml_list l;
	assert_int_equal(opml_parse(b.s, b.len, &l, NULL), 0);
	assert_int_equal(l.n, n);
	for (size_t i = 0; i < n; i += 499) {
		char want[64];
		snprintf(want, sizeof want, "Feed %zu", i);
		assert_string_equal(l.v[i].title, want);
		snprintf(want, sizeof want, "folder %zu", i / 100);
		assert_string_equal(l.v[i].category, want);
	}
	opml_list_free(&l);
	sb_free(&b);
}

static void test_export(void **state)
{
	(void)state;
	const opml_export_item items[] = {
		{"https://a.example/feed?x=1&y=2", "A \"quoted\" <title> & more", "https://a.example/"},
		{"https://b.example/rss", NULL, NULL},
		{NULL, "skipped", NULL},
		{"   ", "blank url skipped", NULL},
		{"https://c.example/rss", "Ctrl\x01 and bad \xFF utf8 \xE2\x80\x93 ok", ""},
	};
	char *s = opml_export(items, 5, 1700000000);
	assert_non_null(s);
	assert_true(strlen(s) > 0 && s[strlen(s) - 1] == '\n');
	assert_non_null(strstr(s, "<opml version=\"2.0\">"));
	assert_non_null(strstr(s, "<title>podcue subscriptions</title>"));
	assert_non_null(strstr(s, "<dateCreated>Tue, 14 Nov 2023 22:13:20 +0000</dateCreated>"));
	assert_non_null(strstr(s, "UTF-8"));
	assert_null(strstr(s, "skipped"));
	assert_null(strchr(s, '\x01'));

	/* round trip */
	opml_list l;
	char *err = NULL;
	assert_int_equal(opml_parse(s, strlen(s), &l, &err), 0);
	assert_int_equal(l.n, 3);
	check_feed(&l.v[0], "https://a.example/feed?x=1&y=2", "A \"quoted\" <title> & more",
		   "https://a.example/", NULL);
	check_feed(&l.v[1], "https://b.example/rss", "https://b.example/rss", NULL, NULL);
	check_feed(&l.v[2], "https://c.example/rss",
		   "Ctrl and bad \xEF\xBF\xBD utf8 \xE2\x80\x93 ok", NULL, NULL);
	opml_list_free(&l);
	free(s);

	/* empty export is still a valid, empty OPML */
	s = opml_export(NULL, 0, 0);
	assert_non_null(strstr(s, "<dateCreated>Thu, 01 Jan 1970 00:00:00 +0000</dateCreated>"));
	assert_int_equal(opml_parse(s, strlen(s), &l, &err), 0);
	assert_int_equal(l.n, 0);
	opml_list_free(&l);
	free(s);
}

/* Expected feed counts of the shared corpus, determined by reading the
 * files (antennapod lists two feeds twice, german-tech one). */
static const struct {
	const char *file;
	size_t n;
} corpus_counts[] = {
	{"antennapod-export-2019.opml", 31},
	{"castero-valid_complete.xml", 2},
	{"castero-valid_minimal.xml", 0},
	{"german-tech-podcasts.opml", 111},
	{"gnome-podcasts-export.opml", 6},
	{"listparser-hier-2-nested.xml", 1},
	{"listparser-opml_version-missing.xml", 0},
	{"listparser-outline_title-text_missing.xml", 1},
	{"listparser-outline_type-missing.xml", 1},
	{"listparser-outline_type-pie.xml", 1},
	{"listparser-outline_xmlUrl-miscapitalized.xml", 1},
	{"newsboat-category.opml", 1},
	{"newsboat-example.opml", 7},
	{"newsboat-example2.opml", 7},
};

static void parse_corpus_file(const char *dir, const char *name, opml_list *l, int *rc,
			      char **err)
{
	char *path = xasprintf("%s/%s", dir, name);
	size_t len;
	char *buf = file_read_all(path, &len);
	if (!buf)
		fail_msg("cannot read %s", path);
	*rc = opml_parse(buf, len, l, err);
	free(buf);
	free(path);
}

static void test_corpus(void **state)
{
	(void)state;
	char *dir = shared_path("corpus/opml");
	if (!dir) {
		printf("# SKIP opml corpus: ../shared/corpus not found\n");
		skip();
	}
	for (size_t i = 0; i < sizeof corpus_counts / sizeof corpus_counts[0]; i++) {
		opml_list l;
		char *err = NULL;
		int rc;
		parse_corpus_file(dir, corpus_counts[i].file, &l, &rc, &err);
		if (rc != 0 || l.n != corpus_counts[i].n)
			fail_msg("%s: rc %d, %zu feeds, want %zu (%s)", corpus_counts[i].file, rc,
				 l.n, corpus_counts[i].n, err ? err : "");
		opml_list_free(&l);
	}

	/* spot checks */
	opml_list l;
	char *err = NULL;
	int rc;
	parse_corpus_file(dir, "listparser-hier-2-nested.xml", &l, &rc, &err);
	assert_string_equal(l.v[0].category, "grouping1/grouping2");
	opml_list_free(&l);
	parse_corpus_file(dir, "newsboat-category.opml", &l, &rc, &err);
	assert_string_equal(l.v[0].category, "tag one,tag_two,tag/three");
	assert_null(l.v[0].title);
	assert_null(l.v[0].html_url);
	opml_list_free(&l);
	parse_corpus_file(dir, "gnome-podcasts-export.opml", &l, &rc, &err);
	assert_string_equal(l.v[0].title, "David Harvey's Anti-Capitalist Chronicles");
	opml_list_free(&l);
	free(dir);
}

static void test_corpus_malformed(void **state)
{
	(void)state;
	char *dir = shared_path("corpus/malformed");
	if (!dir) {
		printf("# SKIP opml corpus: ../shared/corpus not found\n");
		skip();
	}
	DIR *d = opendir(dir);
	assert_non_null(d);
	struct dirent *e;
	size_t seen = 0;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		opml_list l;
		char *err = NULL;
		int rc;
		parse_corpus_file(dir, e->d_name, &l, &rc, &err);
		if (rc == 0) {
			assert_null(err);
		} else {
			assert_non_null(err);
			assert_int_equal(l.n, 0);
			assert_null(strchr(err, '\n'));
		}
		if (strstr(e->d_name, "opml") || strstr(e->d_name, "listparser"))
			assert_int_equal(rc, -1); /* the three OPML ones are all broken */
		opml_list_free(&l);
		free(err);
		seen++;
	}
	closedir(d);
	assert_true(seen > 0);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nested),
		cmocka_unit_test(test_quirks),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_head_body),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_export),
		cmocka_unit_test(test_corpus),
		cmocka_unit_test(test_corpus_malformed),
	};
	return cmocka_run_group_tests_name("opml", tests, NULL, NULL);
}
