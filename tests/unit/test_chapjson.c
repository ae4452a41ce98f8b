/*
 * test_chapjson.c - Podcasting 2.0 JSON chapters.
 *
 * Own fixtures live in tests/fixtures/chapters/; the shared corpus
 * (../shared/corpus/chapters-json) is used when present.
 */
#include "testutil.h"

#include <dirent.h>

#include "chapjson.h"
#include "chapter.h"

#define FIXDIR "tests/fixtures/chapters/"

/* Parses a fixture; returns chapjson_parse's result, *err freed. */
static int parse_fixture(const char *name, chapter_list *l, char **errmsg)
{
	char *path = xasprintf(FIXDIR "%s", name);
	size_t len;
	char *buf = fixture_read(path, &len);
	char *err = NULL;
	int rc = chapjson_parse(buf, len, l, &err);
	if (rc == 0)
		assert_null(err);
	else
		assert_non_null(err);
	if (errmsg)
		*errmsg = err;
	else
		free(err);
	free(buf);
	free(path);
	return rc;
}

static int parse_str(const char *s, chapter_list *l, char **err)
{
	size_t len = strlen(s);
	char *copy = xmalloc(len ? len : 1);
	memcpy(copy, s, len);
	int rc = chapjson_parse(copy, len, l, err);
	free(copy);
	return rc;
}

static void test_spec_like(void **state)
{
	(void)state;
	chapter_list l = CHAPTER_LIST_INIT;
	assert_int_equal(parse_fixture("spec-like.json", &l, NULL), 0);
	assert_int_equal(l.n, 4);
	assert_time_equal(l.v[0].start, 0);
	assert_string_equal(l.v[0].title, "Cold open");
	assert_null(l.v[0].url);
	assert_null(l.v[0].img);
	assert_time_equal(l.v[1].start, 95);
	assert_string_equal(l.v[1].img, "https://example.org/img/mail.png");
	assert_string_equal(l.v[2].url, "https://example.org/topic");
	assert_string_equal(l.v[2].img, "https://example.org/img/topic.jpg");
	assert_time_equal(l.v[3].start, 2405);
	assert_string_equal(l.v[3].title, "Wrap-up");
	for (size_t i = 0; i < l.n; i++) {
		assert_int_equal(l.v[i].source, CHAP_SRC_JSON);
		assert_int_equal(l.v[i].hidden, 0);
		assert_time_equal(l.v[i].end, -1);
	}
	assert_int_equal(chapjson_is_placeholder(&l), 0);
	chapter_list_clear(&l);
}

static void test_floats(void **state)
{
	(void)state;
	chapter_list l = CHAPTER_LIST_INIT;
	assert_int_equal(parse_fixture("floats.json", &l, NULL), 0);
	assert_int_equal(l.n, 5);
	assert_time_equal(l.v[1].start, 41.97);
	assert_time_equal(l.v[2].start, 241.514);
	assert_string_equal(l.v[2].title, "Kjøreopplevelsen 🚗");
	assert_time_equal(l.v[3].start, 1110.136);
	assert_string_equal(l.v[3].title, "Tech \"specs\"");
	assert_time_equal(l.v[4].start, 1500);
	chapter_list_clear(&l);
}

static void test_toc_false(void **state)
{
	(void)state;
	chapter_list l = CHAPTER_LIST_INIT;
	assert_int_equal(parse_fixture("toc-false.json", &l, NULL), 0);
	assert_int_equal(l.n, 6);
	const int hidden[] = {0, 1, 1, 0, 0, 1};
	for (size_t i = 0; i < 6; i++)
		assert_int_equal(l.v[i].hidden, hidden[i]);
	assert_null(l.v[1].title);
	assert_string_equal(l.v[1].img, "https://example.org/art/1.jpg");
	assert_time_equal(l.v[1].start, 12.5);
	assert_string_equal(l.v[4].title, "String toc is not false");
	assert_int_equal(chapjson_is_placeholder(&l), 0);
	chapter_list_clear(&l);
}

static void test_missing_titles(void **state)
{
	(void)state;
	chapter_list l = CHAPTER_LIST_INIT;
	assert_int_equal(parse_fixture("missing-titles.json", &l, NULL), 0);
	assert_int_equal(l.n, 5);
	assert_null(l.v[0].title);
	assert_string_equal(l.v[1].title, "Named");
	assert_null(l.v[2].title); /* number */
	assert_null(l.v[3].title); /* null */
	assert_null(l.v[3].url);
	assert_null(l.v[3].img);
	assert_string_equal(l.v[4].title, ""); /* kept as given */
	chapter_list_clear(&l);
}

static void test_endtime(void **state)
{
	(void)state;
	chapter_list l = CHAPTER_LIST_INIT;
	assert_int_equal(parse_fixture("endtime.json", &l, NULL), 0);
	assert_int_equal(l.n, 6);
	assert_time_equal(l.v[0].end, 59.5);
	for (size_t i = 1; i < 6; i++)
		assert_time_equal(l.v[i].end, -1);
	chapter_list_clear(&l);
}

static void test_wrong_types(void **state)
{
	(void)state;
	chapter_list l = CHAPTER_LIST_INIT;
	assert_int_equal(parse_fixture("wrong-types.json", &l, NULL), 0);
	assert_int_equal(l.n, 3);
	assert_time_equal(l.v[0].start, 5);
	assert_string_equal(l.v[0].title, "Valid A");
	assert_null(l.v[0].url);
	assert_null(l.v[0].img);
	assert_time_equal(l.v[1].start, 8);
	assert_null(l.v[1].title);
	assert_string_equal(l.v[2].title, "Valid C");
	chapter_list_clear(&l);
}

static void test_negative_and_huge(void **state)
{
	(void)state;
	chapter_list l = CHAPTER_LIST_INIT;
	assert_int_equal(parse_fixture("negative.json", &l, NULL), 0);
	assert_int_equal(l.n, 3);
	/* sorted: -0.0 (== 0), 3.25, 1e308 */
	assert_string_equal(l.v[0].title, "Negative zero");
	assert_time_equal(l.v[0].start, 0);
	assert_string_equal(l.v[1].title, "Normal");
	assert_string_equal(l.v[2].title, "Huge but finite");
	assert_true(l.v[2].start > 1e307);
	chapter_list_clear(&l);

	/* numbers JSON cannot hold make the document invalid (jansson) */
	char *err = NULL;
	assert_int_equal(parse_str("{\"chapters\":[{\"startTime\":1e999}]}", &l,
	                           &err), -1);
	assert_non_null(err);
	free(err);
	assert_int_equal(parse_str("{\"chapters\":[{\"startTime\":NaN}]}", &l,
	                           &err), -1);
	free(err);
	assert_int_equal(l.n, 0);
}

static void test_sorted_stable(void **state)
{
	(void)state;
	chapter_list l = CHAPTER_LIST_INIT;
	assert_int_equal(parse_fixture("unsorted.json", &l, NULL), 0);
	const char *order[] = {"A", "A2", "B1", "B2", "B3", "C"};
	assert_int_equal(l.n, 6);
	for (size_t i = 0; i < 6; i++)
		assert_string_equal(l.v[i].title, order[i]);
	chapter_list_clear(&l);
}

static void test_appends(void **state)
{
	(void)state;
	chapter_list l = CHAPTER_LIST_INIT;
	chapter c = {9999, -1, xstrdup("before"), NULL, NULL, 0, CHAP_SRC_NOTES};
	chapter_list_push(&l, c);
	assert_int_equal(parse_fixture("spec-like.json", &l, NULL), 0);
	assert_int_equal(l.n, 5);
	assert_string_equal(l.v[0].title, "before"); /* not re-sorted */
	assert_string_equal(l.v[1].title, "Cold open");
	/* a failed parse leaves the list alone */
	assert_int_equal(parse_fixture("not-json.json", &l, NULL), -1);
	assert_int_equal(l.n, 5);
	chapter_list_clear(&l);
}

static void expect_error(const char *fixture, const char *needle)
{
	chapter_list l = CHAPTER_LIST_INIT;
	char *err = NULL;
	assert_int_equal(parse_fixture(fixture, &l, &err), -1);
	assert_int_equal(l.n, 0);
	if (!strstr(err, needle))
		fail_msg("%s: error \"%s\" lacks \"%s\"", fixture, err, needle);
	free(err);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("marker-draft.json", "no valid chapters");
	expect_error("not-json.json", "not JSON");
	expect_error("empty.json", "empty");
	expect_error("trailing-comma.json", "not JSON");
	expect_error("top-array.json", "\"chapters\" array");
	expect_error("chapters-object.json", "\"chapters\" array");
	expect_error("chapters-empty.json", "no valid chapters");

	chapter_list l = CHAPTER_LIST_INIT;
	char *err = NULL;
	assert_int_equal(parse_str("{}", &l, &err), -1);
	free(err);
	assert_int_equal(parse_str("\"chapters\"", &l, &err), -1);
	free(err);
	assert_int_equal(parse_str("{\"chapters\":[]} trailing", &l, &err), -1);
	free(err);
	/* err may be NULL */
	assert_int_equal(parse_str("nope", &l, NULL), -1);
	assert_int_equal(chapjson_parse(NULL, 0, &l, NULL), -1);
	assert_int_equal(l.n, 0);
}

static void test_placeholder(void **state)
{
	(void)state;
	chapter_list l = CHAPTER_LIST_INIT;
	assert_int_equal(chapjson_is_placeholder(&l), 1);
	assert_int_equal(parse_fixture("placeholder.json", &l, NULL), 0);
	assert_int_equal(l.n, 2);
	assert_int_equal(chapjson_is_placeholder(&l), 1); /* 1 visible */
	chapter c = {60, -1, xstrdup("Second"), NULL, NULL, 0, CHAP_SRC_JSON};
	chapter_list_push(&l, c);
	assert_int_equal(chapjson_is_placeholder(&l), 0);
	chapter_list_clear(&l);
	assert_int_equal(chapjson_is_placeholder(NULL), 1);
}

static void test_cap(void **state)
{
	(void)state;
	sbuf b = SBUF_INIT;
	sb_puts(&b, "{\"version\":\"1.2.0\",\"chapters\":[");
	/* 100,000 chapters written in reverse order: the cap keeps the first
	 * 10,000 in file order (the latest times), then sorts them. */
	for (int i = 99999; i >= 0; i--)
		sb_printf(&b, "%s{\"startTime\":%d.5,\"title\":\"c%d\"}",
		          i == 99999 ? "" : ",", i, i);
	sb_puts(&b, "]}");
	chapter_list l = CHAPTER_LIST_INIT;
	char *err = NULL;
	assert_int_equal(chapjson_parse(b.s, b.len, &l, &err), 0);
	assert_null(err);
	assert_int_equal(l.n, CHAPJSON_MAX_CHAPTERS);
	assert_time_equal(l.v[0].start, 90000.5);
	assert_string_equal(l.v[0].title, "c90000");
	assert_time_equal(l.v[l.n - 1].start, 99999.5);
	for (size_t i = 1; i < l.n; i++)
		assert_true(l.v[i - 1].start < l.v[i].start);
	chapter_list_clear(&l);
	sb_free(&b);
}

static void test_limits(void **state)
{
	(void)state;
	chapter_list l = CHAPTER_LIST_INIT;
	char *err = NULL;

	/* 100,000 '[': fails cleanly, no recursion */
	size_t n = 100000;
	char *deep = xmalloc(n);
	memset(deep, '[', n);
	assert_int_equal(chapjson_parse(deep, n, &l, &err), -1);
	assert_non_null(strstr(err, "nesting"));
	free(err);
	free(deep);

	/* closing brackets first must not buy depth for the opening ones */
	sbuf lead = SBUF_INIT;
	for (int i = 0; i < 1000; i++)
		sb_putc(&lead, i % 2 ? ']' : '}');
	for (int i = 0; i < 100; i++)
		sb_putc(&lead, '[');
	assert_int_equal(chapjson_parse(lead.s, lead.len, &l, &err), -1);
	assert_string_equal(err, "nesting deeper than 64");
	free(err);
	sb_free(&lead);

	/* exactly 64 levels pass, 65 fail; brackets in strings don't count */
	for (int depth = 64; depth <= 65; depth++) {
		sbuf b = SBUF_INIT;
		/* object + array + chapter object = 3 levels, the rest in "x" */
		sb_puts(&b, "{\"chapters\":[{\"startTime\":1,\"title\":\"[[[{{{\","
		            "\"x\":");
		for (int i = 3; i < depth; i++)
			sb_putc(&b, '[');
		for (int i = 3; i < depth; i++)
			sb_putc(&b, ']');
		if (depth == 3)
			sb_puts(&b, "0");
		sb_puts(&b, "}]}");
		err = NULL;
		int rc = chapjson_parse(b.s, b.len, &l, &err);
		if (depth == 64) {
			assert_int_equal(rc, 0);
			assert_string_equal(l.v[0].title, "[[[{{{");
		} else {
			assert_int_equal(rc, -1);
			assert_non_null(strstr(err, "nesting"));
		}
		free(err);
		chapter_list_clear(&l);
		sb_free(&b);
	}

	/* over 16 MiB is refused before parsing */
	size_t big = CHAPJSON_MAX_BYTES + 1;
	char *huge = xmalloc(big);
	memset(huge, ' ', big);
	memcpy(huge, "{\"chapters\":[{\"startTime\":0}]}", 30);
	err = NULL;
	assert_int_equal(chapjson_parse(huge, big, &l, &err), -1);
	assert_non_null(strstr(err, "larger"));
	free(err);
	/* ... and exactly 16 MiB (whitespace-padded) is parsed */
	assert_int_equal(chapjson_parse(huge, big - 1, &l, &err), 0);
	assert_int_equal(l.n, 1);
	chapter_list_clear(&l);
	free(huge);
}

/* The shared corpus: counts determined by reading the files. */
struct corpus_case {
	const char *file;
	int rc;
	size_t n, hidden, untitled, urls, imgs;
	double first, last;
};

static const struct corpus_case corpus[] = {
	{"cdspill-Outrun.json", 0, 57, 23, 0, 6, 2, 0, -1},
	/* its one "img" is null: not a string, not kept */
	{"cdspill-1995.json", 0, 106, 2, 0, 0, 0, 0, 9024.773},
	{"cdspill-cg.json", 0, 36, 9, 0, 0, 0, 0, 4837},
	{"cdspill-p_ske2026.json", 0, 68, 12, 0, 0, 28, 0, 4108.586},
	{"cdspill-TILTcast5.json", 0, 32, 21, 0, 0, 0, 0, 2978.516},
	{"podcast-namespace-example.json", 0, 9, 0, 0, 2, 3, 0, 6089},
	{"podcast-namespace-exampleComplex.json", 0, 11, 1, 1, 4, 4, 0, -1},
	{"podcast-namespace-example-v1.0.0-marker.json", -1, 0, 0, 0, 0, 0, 0,
	 -1},
};

static void test_corpus(void **state)
{
	(void)state;
	char *dir = shared_path("corpus/chapters-json");
	if (!dir) {
		print_message("# SKIP chapters-json corpus: ../shared/corpus not "
		              "found\n");
		skip();
		return;
	}
	for (size_t k = 0; k < sizeof corpus / sizeof corpus[0]; k++) {
		const struct corpus_case *cc = &corpus[k];
		char *path = xasprintf("%s/%s", dir, cc->file);
		size_t len;
		char *buf = file_read_all(path, &len);
		if (!buf) {
			print_message("# corpus file %s missing\n", cc->file);
			free(path);
			continue;
		}
		chapter_list l = CHAPTER_LIST_INIT;
		char *err = NULL;
		int rc = chapjson_parse(buf, len, &l, &err);
		if (rc != cc->rc)
			fail_msg("%s: rc %d (%s)", cc->file, rc, err ? err : "");
		if (rc < 0)
			assert_non_null(strstr(err, "no valid chapters"));
		size_t hidden = 0, untitled = 0, urls = 0, imgs = 0;
		for (size_t i = 0; i < l.n; i++) {
			hidden += l.v[i].hidden != 0;
			untitled += l.v[i].title == NULL;
			urls += l.v[i].url != NULL;
			imgs += l.v[i].img != NULL;
			if (i)
				assert_true(l.v[i - 1].start <= l.v[i].start);
		}
		if (l.n != cc->n || hidden != cc->hidden ||
		    untitled != cc->untitled || urls != cc->urls ||
		    imgs != cc->imgs)
			fail_msg("%s: n %zu hidden %zu untitled %zu urls %zu imgs %zu",
			         cc->file, l.n, hidden, untitled, urls, imgs);
		if (l.n) {
			assert_time_equal(l.v[0].start, cc->first);
			if (cc->last >= 0)
				assert_time_equal(l.v[l.n - 1].start, cc->last);
			assert_int_equal(chapjson_is_placeholder(&l), 0);
		}
		chapter_list_clear(&l);
		free(err);
		free(buf);
		free(path);
	}
	/* Spot checks: fractional times and UTF-8 titles. */
	char *path = xasprintf("%s/cdspill-Outrun.json", dir);
	size_t len;
	char *buf = file_read_all(path, &len);
	if (buf) {
		chapter_list l = CHAPTER_LIST_INIT;
		assert_int_equal(chapjson_parse(buf, len, &l, NULL), 0);
		assert_time_equal(l.v[1].start, 41.97);
		assert_time_equal(l.v[2].start, 241.514);
		assert_string_equal(l.v[1].title, "Velkommen til cd SPILL");
		chapter_list_clear(&l);
		free(buf);
	}
	free(path);
	path = xasprintf("%s/podcast-namespace-exampleComplex.json", dir);
	buf = file_read_all(path, &len);
	if (buf) {
		chapter_list l = CHAPTER_LIST_INIT;
		assert_int_equal(chapjson_parse(buf, len, &l, NULL), 0);
		assert_time_equal(l.v[7].start, 4826);
		assert_null(l.v[7].title);
		assert_int_equal(l.v[7].hidden, 1);
		assert_string_equal(l.v[7].img,
		                    "https://example.com/images/parisfrance.jpg");
		chapter_list_clear(&l);
		free(buf);
	}
	free(path);

	/* Every other file in the folder must at least parse without harm. */
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char *p = xasprintf("%s/%s", dir, e->d_name);
		char *b = file_read_all(p, &len);
		if (b) {
			chapter_list l = CHAPTER_LIST_INIT;
			char *err = NULL;
			(void)chapjson_parse(b, len, &l, &err);
			free(err);
			chapter_list_clear(&l);
			free(b);
		}
		free(p);
	}
	if (d)
		closedir(d);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_like),
		cmocka_unit_test(test_floats),
		cmocka_unit_test(test_toc_false),
		cmocka_unit_test(test_missing_titles),
		cmocka_unit_test(test_endtime),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_negative_and_huge),
		cmocka_unit_test(test_sorted_stable),
		cmocka_unit_test(test_appends),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_placeholder),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_corpus),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
