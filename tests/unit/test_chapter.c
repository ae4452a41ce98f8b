/*
 * test_chapter.c - chapter list primitives and the merge rule.
 */
#include "testutil.h"

#include "chapter.h"

static void add(chapter_list *l, double start, const char *title, int hidden,
                int source)
{
	chapter c = {start, -1, xstrdup(title), NULL, NULL, hidden, source};
	chapter_list_push(l, c);
}

/* n chapters one minute apart, titles "<prefix> i". */
static void fill(chapter_list *l, int n, const char *prefix, int source)
{
	for (int i = 0; i < n; i++) {
		char t[64];
		snprintf(t, sizeof t, "%s %d", prefix, i);
		add(l, i * 60.0, t, 0, source);
	}
}

static void merge4(const chapter_list *json, const chapter_list *psc,
                   const chapter_list *emb, const chapter_list *notes,
                   chapter_list *out)
{
	const chapter_list *const lists[CHAP_SRC_COUNT] = {json, psc, emb, notes};
	chapter_merge(lists, out);
}

static void test_sources(void **state)
{
	(void)state;
	for (int i = 0; i < CHAP_SRC_COUNT; i++)
		assert_int_equal(chapter_source_parse(chapter_source_name(i)), i);
	assert_string_equal(chapter_source_name(CHAP_SRC_NOTES), "notes");
	assert_string_equal(chapter_source_name(99), "unknown");
	assert_int_equal(chapter_source_parse("nope"), -1);
	assert_int_equal(chapter_source_parse(NULL), -1);
}

static void test_json_beats_notes(void **state)
{
	(void)state;
	chapter_list json = CHAPTER_LIST_INIT, notes = CHAPTER_LIST_INIT,
	             out = CHAPTER_LIST_INIT;
	fill(&json, 3, "json", CHAP_SRC_JSON);
	fill(&notes, 12, "notes", CHAP_SRC_NOTES);
	merge4(&json, NULL, NULL, &notes, &out);
	assert_int_equal(out.n, 3);
	for (size_t i = 0; i < out.n; i++)
		assert_int_equal(out.v[i].source, CHAP_SRC_JSON);
	assert_string_equal(out.v[2].title, "json 2");
	chapter_list_clear(&out);

	/* PSC beats embedded and notes; embedded beats notes */
	chapter_list psc = CHAPTER_LIST_INIT, emb = CHAPTER_LIST_INIT;
	fill(&psc, 2, "psc", CHAP_SRC_PSC);
	fill(&emb, 5, "emb", CHAP_SRC_EMBEDDED);
	merge4(NULL, &psc, &emb, &notes, &out);
	assert_int_equal(out.n, 2);
	assert_int_equal(out.v[0].source, CHAP_SRC_PSC);
	chapter_list_clear(&out);
	merge4(NULL, NULL, &emb, &notes, &out);
	assert_int_equal(out.n, 5);
	assert_int_equal(out.v[0].source, CHAP_SRC_EMBEDDED);
	chapter_list_clear(&out);
	chapter_list_clear(&psc);
	chapter_list_clear(&emb);
	chapter_list_clear(&json);
	chapter_list_clear(&notes);
}

static void test_placeholder_loses(void **state)
{
	(void)state;
	chapter_list psc = CHAPTER_LIST_INIT, notes = CHAPTER_LIST_INIT,
	             json = CHAPTER_LIST_INIT, out = CHAPTER_LIST_INIT;
	fill(&psc, 1, "placeholder", CHAP_SRC_PSC);
	fill(&notes, 12, "notes", CHAP_SRC_NOTES);
	merge4(NULL, &psc, NULL, &notes, &out);
	assert_int_equal(out.n, 12);
	for (size_t i = 0; i < out.n; i++)
		assert_int_equal(out.v[i].source, CHAP_SRC_NOTES);
	/* the placeholder's title fills nothing: notes' titles are set */
	assert_string_equal(out.v[0].title, "notes 0");
	chapter_list_clear(&out);

	/* JSON with one visible chapter and many hidden ones is a
	 * placeholder too */
	add(&json, 0, "Only", 0, CHAP_SRC_JSON);
	for (int i = 1; i < 6; i++)
		add(&json, i * 10.0, "art", 1, CHAP_SRC_JSON);
	merge4(&json, &psc, NULL, &notes, &out);
	assert_int_equal(out.n, 12);
	assert_int_equal(out.v[0].source, CHAP_SRC_NOTES);
	chapter_list_clear(&out);

	/* nobody has two: the first non-empty list (PSC before notes) */
	chapter_list one = CHAPTER_LIST_INIT;
	fill(&one, 1, "one", CHAP_SRC_NOTES);
	merge4(NULL, &psc, NULL, &one, &out);
	assert_int_equal(out.n, 1);
	assert_string_equal(out.v[0].title, "placeholder 0");
	chapter_list_clear(&out);
	/* ... even when that list holds only hidden chapters */
	chapter_list hid = CHAPTER_LIST_INIT;
	add(&hid, 5, "hidden art", 1, CHAP_SRC_JSON);
	merge4(&hid, NULL, NULL, NULL, &out);
	assert_int_equal(out.n, 1);
	assert_int_equal(out.v[0].hidden, 1);
	chapter_list_clear(&out);

	chapter_list_clear(&hid);
	chapter_list_clear(&one);
	chapter_list_clear(&json);
	chapter_list_clear(&psc);
	chapter_list_clear(&notes);
}

static void test_title_fill(void **state)
{
	(void)state;
	chapter_list json = CHAPTER_LIST_INIT, psc = CHAPTER_LIST_INIT,
	             notes = CHAPTER_LIST_INIT, out = CHAPTER_LIST_INIT;
	add(&json, 0, NULL, 0, CHAP_SRC_JSON);
	add(&json, 60.5, "", 0, CHAP_SRC_JSON);
	add(&json, 120, "  ", 0, CHAP_SRC_JSON);
	add(&json, 180, NULL, 0, CHAP_SRC_JSON);
	add(&json, 240, "Own title", 0, CHAP_SRC_JSON);
	add(&json, 300, NULL, 0, CHAP_SRC_JSON);
	add(&json, 360.25, NULL, 0, CHAP_SRC_JSON);

	add(&notes, 0, "Intro", 0, CHAP_SRC_NOTES);
	add(&notes, 61.4, "Topic", 0, CHAP_SRC_NOTES);      /* 0.9 s */
	add(&notes, 121.0, "Exactly one", 0, CHAP_SRC_NOTES); /* 1.0 s */
	add(&notes, 181.01, "Too far", 0, CHAP_SRC_NOTES);  /* 1.01 s */
	add(&notes, 240, "Not used", 0, CHAP_SRC_NOTES);
	add(&notes, 300.8, "Farther", 0, CHAP_SRC_NOTES);
	add(&notes, 359.5, "Notes 359.5", 0, CHAP_SRC_NOTES);
	/* closest wins across sources; hidden donors are ignored */
	add(&psc, 300.2, "Closer", 0, CHAP_SRC_PSC);
	add(&psc, 360.0, "Hidden", 1, CHAP_SRC_PSC);
	add(&psc, 999, NULL, 0, CHAP_SRC_PSC);

	merge4(&json, &psc, NULL, &notes, &out);
	assert_int_equal(out.n, 7);
	assert_string_equal(out.v[0].title, "Intro");
	assert_string_equal(out.v[1].title, "Topic");
	assert_string_equal(out.v[2].title, "Exactly one");
	assert_null(out.v[3].title); /* no fill beyond 1 s */
	assert_string_equal(out.v[4].title, "Own title");
	assert_string_equal(out.v[5].title, "Closer");
	assert_string_equal(out.v[6].title, "Notes 359.5");
	/* each chapter keeps its own source and its own start */
	for (size_t i = 0; i < out.n; i++)
		assert_int_equal(out.v[i].source, CHAP_SRC_JSON);
	assert_time_equal(out.v[1].start, 60.5);
	chapter_list_clear(&out);

	/* ties on distance go to the preferred source */
	chapter_list a = CHAPTER_LIST_INIT, b = CHAPTER_LIST_INIT,
	             c = CHAPTER_LIST_INIT;
	add(&a, 10, NULL, 0, CHAP_SRC_PSC);
	add(&a, 20, "x", 0, CHAP_SRC_PSC);
	add(&b, 10.5, "embedded", 0, CHAP_SRC_EMBEDDED);
	add(&c, 9.5, "notes", 0, CHAP_SRC_NOTES);
	merge4(NULL, &a, &b, &c, &out);
	assert_string_equal(out.v[0].title, "embedded");
	chapter_list_clear(&out);

	chapter_list_clear(&a);
	chapter_list_clear(&b);
	chapter_list_clear(&c);
	chapter_list_clear(&json);
	chapter_list_clear(&psc);
	chapter_list_clear(&notes);
}

static void test_hidden_kept_and_deep_copy(void **state)
{
	(void)state;
	chapter_list json = CHAPTER_LIST_INIT, notes = CHAPTER_LIST_INIT,
	             out = CHAPTER_LIST_INIT;
	add(&json, 0, "Intro", 0, CHAP_SRC_JSON);
	add(&json, 30, "art", 1, CHAP_SRC_JSON);
	add(&json, 60, "Main", 0, CHAP_SRC_JSON);
	add(&json, 120.2, NULL, 1, CHAP_SRC_JSON);
	json.v[0].url = xstrdup("https://example.org/u");
	json.v[0].img = xstrdup("https://example.org/i.png");
	json.v[0].end = 29.5;
	fill(&notes, 5, "notes", CHAP_SRC_NOTES);
	merge4(&json, NULL, NULL, &notes, &out);
	assert_int_equal(out.n, 4);
	assert_int_equal(out.v[1].hidden, 1);
	assert_int_equal(out.v[3].hidden, 1);
	/* a hidden base chapter is filled like any other */
	assert_string_equal(out.v[3].title, "notes 2");
	assert_int_equal(out.v[3].source, CHAP_SRC_JSON);
	chapter_list_clear(&json);
	chapter_list_clear(&notes);
	/* deep copies survive their sources */
	assert_string_equal(out.v[0].title, "Intro");
	assert_string_equal(out.v[0].url, "https://example.org/u");
	assert_string_equal(out.v[0].img, "https://example.org/i.png");
	assert_time_equal(out.v[0].end, 29.5);
	chapter_list_clear(&out);
}

static void test_sorted_stable(void **state)
{
	(void)state;
	chapter_list emb = CHAPTER_LIST_INIT, out = CHAPTER_LIST_INIT;
	add(&emb, 120, "C", 0, CHAP_SRC_EMBEDDED);
	add(&emb, 60, "B1", 0, CHAP_SRC_EMBEDDED);
	add(&emb, 0, "A", 0, CHAP_SRC_EMBEDDED);
	add(&emb, 60, "B2", 0, CHAP_SRC_EMBEDDED);
	add(&emb, 60, "B3", 0, CHAP_SRC_EMBEDDED);
	merge4(NULL, NULL, &emb, NULL, &out);
	const char *order[] = {"A", "B1", "B2", "B3", "C"};
	assert_int_equal(out.n, 5);
	for (size_t i = 0; i < 5; i++)
		assert_string_equal(out.v[i].title, order[i]);
	chapter_list_clear(&out);
	chapter_list_clear(&emb);
}

static void test_empty(void **state)
{
	(void)state;
	chapter_list e = CHAPTER_LIST_INIT, out = CHAPTER_LIST_INIT;
	merge4(NULL, NULL, NULL, NULL, &out);
	assert_int_equal(out.n, 0);
	merge4(&e, &e, &e, &e, &out);
	assert_int_equal(out.n, 0);
}

static void test_large_fill(void **state)
{
	(void)state;
	/* 10,000 untitled JSON chapters and 10,000 titled notes: the fill
	 * uses a binary search, not a quadratic scan. */
	chapter_list json = CHAPTER_LIST_INIT, notes = CHAPTER_LIST_INIT,
	             out = CHAPTER_LIST_INIT;
	for (int i = 0; i < 10000; i++) {
		add(&json, i * 10.0, NULL, 0, CHAP_SRC_JSON);
		char t[32];
		snprintf(t, sizeof t, "n%d", 9999 - i);
		add(&notes, (9999 - i) * 10.0 + 0.5, t, 0, CHAP_SRC_NOTES);
	}
	merge4(&json, NULL, NULL, &notes, &out);
	assert_int_equal(out.n, 10000);
	assert_string_equal(out.v[0].title, "n0");
	assert_string_equal(out.v[9999].title, "n9999");
	chapter_list_clear(&out);
	chapter_list_clear(&json);
	chapter_list_clear(&notes);
}

/* The visible list numbers only what the user sees: a hidden chapter
 * between two visible ones does not shift the second one's number. */
static void test_visible_numbering(void **state)
{
	(void)state;
	chapter_list all = CHAPTER_LIST_INIT, out = CHAPTER_LIST_INIT;
	add(&all, 0, "Intro", 0, CHAP_SRC_JSON);
	add(&all, 5, "art", 1, CHAP_SRC_JSON);
	add(&all, 6, "more art", 1, CHAP_SRC_JSON);
	add(&all, 30, "Main", 0, CHAP_SRC_JSON);
	add(&all, 20, "Middle", 0, CHAP_SRC_JSON);
	add(&out, 1, "stale", 0, CHAP_SRC_JSON); /* out is replaced, not appended to */
	chapter_list_visible(&all, &out);
	assert_int_equal(out.n, 3);
	assert_string_equal(out.v[0].title, "Intro");
	assert_string_equal(out.v[1].title, "Middle"); /* chapter 2, sorted by start */
	assert_string_equal(out.v[2].title, "Main");
	for (size_t i = 0; i < out.n; i++)
		assert_int_equal(out.v[i].hidden, 0);
	assert_int_equal(all.n, 5); /* the input is left alone */
	chapter_list_visible(NULL, &out);
	assert_int_equal(out.n, 0);
	chapter_list_clear(&all);
	chapter_list_clear(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sources),
		cmocka_unit_test(test_json_beats_notes),
		cmocka_unit_test(test_placeholder_loses),
		cmocka_unit_test(test_title_fill),
		cmocka_unit_test(test_hidden_kept_and_deep_copy),
		cmocka_unit_test(test_sorted_stable),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_large_fill),
		cmocka_unit_test(test_visible_numbering),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
