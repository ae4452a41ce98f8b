/*
 * test_marks.c - the user's marks: merging played stretches and deciding
 * which chapters are heard (heard.h), skip patterns and the stretches
 * playback passes over (skiprule.h), chapter ends that bookmarks do not
 * cut (chapter_end_of), and their cache (db_mark.c): bookmarks that join
 * the visible chapter list, survive a rewrite of the feed's chapters and
 * are found by search; heard stretches merged across writers; skip
 * patterns, toggles and a podcast's intro/outro seconds; the migration
 * from the schema before it.
 */
#include "testutil.h"

#include <math.h>

#include "../../src/db_int.h"
#include "chapter.h"
#include "db.h"
#include "heard.h"
#include "skiprule.h"

static void push(chapter_list *l, double start, const char *title, int source)
{
	chapter c = {.start = start, .end = -1, .title = title ? xstrdup(title) : NULL,
		     .source = source};
	chapter_list_push(l, c);
}

/* ---- heard ---- */

static void test_heard_merge(void **state)
{
	(void)state;
	heard_list l = HEARD_LIST_INIT;
	heard_add(&l, 10, 20);
	heard_add(&l, 40, 50);
	heard_add(&l, 0, 5);
	assert_int_equal(l.n, 3);
	assert_true(l.v[0].a == 0 && l.v[1].a == 10 && l.v[2].a == 40); /* sorted */
	heard_add(&l, 20.5, 30); /* within the join gap of [10, 20) */
	assert_int_equal(l.n, 3);
	assert_true(l.v[1].a == 10 && l.v[1].b == 30);
	heard_add(&l, 4, 45); /* bridges all three */
	assert_int_equal(l.n, 1);
	assert_true(l.v[0].a == 0 && l.v[0].b == 50);
	heard_add(&l, 60, 60);  /* empty */
	heard_add(&l, -5, 3);   /* negative */
	heard_add(&l, NAN, 70); /* not a number */
	heard_add(&l, 70, 65);  /* backwards */
	assert_int_equal(l.n, 1);
	heard_add(&l, 52, 53); /* a gap over HEARD_JOIN_S stays a gap */
	assert_int_equal(l.n, 2);
	assert_true(fabs(heard_covered(&l, 0, 100) - 51) < 1e-9);
	assert_true(fabs(heard_covered(&l, 45, 52.5) - 5.5) < 1e-9);
	heard_clear(&l);
	assert_int_equal(l.n, 0);
}

static void test_heard_chapters(void **state)
{
	(void)state;
	chapter_list c = CHAPTER_LIST_INIT;
	push(&c, 0, "Intro", CHAP_SRC_PSC);
	push(&c, 20, "Middle", CHAP_SRC_PSC);
	push(&c, 25, "my note", CHAP_SRC_USER); /* does not cut Middle short */
	push(&c, 40, "End", CHAP_SRC_PSC);
	heard_list l = HEARD_LIST_INIT;
	/* The furthest position says nothing: a seek from 0 to 39 heard only
	 * the first 3 s and the last second of Middle. */
	heard_add(&l, 0, 3);
	heard_add(&l, 39, 40);
	assert_false(heard_chapter(&l, &c, 0, 60));
	assert_false(heard_chapter(&l, &c, 1, 60));
	assert_int_equal(heard_first_unheard(&l, &c, 60), 0);
	heard_add(&l, 3, 16); /* 16 of 20 s: exactly 80% */
	assert_true(heard_chapter(&l, &c, 0, 60));
	assert_int_equal(heard_first_unheard(&l, &c, 60), 1);
	heard_add(&l, 20, 34); /* Middle is 20 s long (to 40, past the bookmark): 14 s + 1 s */
	assert_false(heard_chapter(&l, &c, 1, 60));
	heard_add(&l, 34, 37);
	assert_true(heard_chapter(&l, &c, 1, 60));
	/* The bookmark is passed over: End is next. */
	assert_int_equal(heard_first_unheard(&l, &c, 60), 3);
	/* The last chapter's end is the duration; unknown: never heard. */
	heard_add(&l, 40, 60);
	assert_true(heard_chapter(&l, &c, 3, 60));
	assert_false(heard_chapter(&l, &c, 3, -1));
	assert_int_equal(heard_first_unheard(&l, &c, 60), -1);
	assert_true(chapter_end_of(&c, 1, 60) == 40);
	assert_true(chapter_end_of(&c, 2, 60) == 40); /* a bookmark ends at the next chapter */
	heard_clear(&l);
	chapter_list_clear(&c);
}

/* ---- skip patterns ---- */

static void test_skip_patterns(void **state)
{
	(void)state;
	assert_true(skip_pattern_match("sponsor", "Our SPONSORS this week"));
	assert_true(skip_pattern_match("Ad Break", "mid-roll ad break"));
	assert_false(skip_pattern_match("sponsor", "Spons or"));
	assert_true(skip_pattern_match("ad *", "Ad read: Acme"));
	assert_false(skip_pattern_match("ad *", "Bad news")); /* a glob is anchored */
	assert_true(skip_pattern_match("*house?eeping*", "Housekeeping & news"));
	assert_true(skip_pattern_match("*", "anything"));
	assert_false(skip_pattern_match("", "anything"));
	assert_false(skip_pattern_match("   ", "anything"));
	assert_false(skip_pattern_match("x", NULL));
	assert_true(skip_pattern_match("crème", "La Crème")); /* bytes compare as they are */
	/* A hostile glob stays fast (no exponential backtracking). */
	char title[4001];
	memset(title, 'a', 4000);
	title[4000] = '\0';
	int64_t t0 = cpu_ms();
	assert_false(skip_pattern_match("*a*a*a*a*a*a*a*a*a*a*b", title));
	assert_true(cpu_ms() - t0 < 2000);
	char *pats[] = {"sponsor", "ad break"};
	assert_true(skip_title_matches(pats, 2, "An Ad Break"));
	assert_false(skip_title_matches(pats, 2, "Interview"));
}

static void test_skip_plan(void **state)
{
	(void)state;
	chapter_list c = CHAPTER_LIST_INIT;
	push(&c, 0, "Intro", CHAP_SRC_JSON);
	push(&c, 20, "Sponsor", CHAP_SRC_JSON);
	push(&c, 30, "note", CHAP_SRC_USER);
	push(&c, 40, "Outro ad", CHAP_SRC_JSON);
	int skip[] = {0, 1, 1, 1};
	skip_plan p = SKIP_PLAN_INIT;
	skip_plan_build(&p, &c, skip, 60, 5, 0);
	assert_int_equal(p.n, 3); /* Sponsor, Outro ad, the intro; never the bookmark */
	assert_true(p.v[0].a == 20 && p.v[0].b == 40 && p.v[0].chapter == 1);
	assert_true(p.v[1].a == 40 && p.v[1].b == 60 && p.v[1].chapter == 3);
	assert_true(p.v[2].a == 0 && p.v[2].b == 5 && p.v[2].chapter == -1);
	assert_int_equal(skip_plan_find(&p, 2), 2);
	assert_int_equal(skip_plan_find(&p, 19.95), 0); /* a seek lands a hair early */
	assert_int_equal(skip_plan_find(&p, 25), 0);
	assert_int_equal(skip_plan_find(&p, 39.6), -1); /* at the end of the first */
	assert_int_equal(skip_plan_find(&p, 39.95), 1); /* and at the start of the next */
	assert_int_equal(skip_plan_find(&p, 10), -1);
	p.v[0].undone = 1;
	assert_int_equal(skip_plan_find(&p, 25), -1);
	/* The outro needs the duration; an unknown last end is left out. */
	skip_plan_build(&p, &c, skip, -1, 0, 10);
	assert_int_equal(p.n, 1);
	skip_plan_build(&p, &c, skip, 60, 0, 10);
	assert_int_equal(p.n, 3);
	assert_true(p.v[2].a == 50 && p.v[2].b == 60);
	skip_plan_clear(&p);
	chapter_list_clear(&c);
}

/* ---- the cache ---- */

static db *open_with_episode(char **path, int64_t *pod, int64_t *ep)
{
	*path = tmp_db();
	db *d;
	char *err = NULL;
	assert_int_equal(db_open(*path, &d, &err), 0);
	int existed;
	assert_int_equal(db_podcast_add(d, "https://example.org/feed.xml", 0, pod, &existed), 0);
	assert_int_equal(dbi_exec(d, "INSERT INTO episode (podcast_id, key, title, duration,"
				     " first_seen) VALUES (1, 'k', 'Episode', 60, 0)"), 0);
	*ep = 1;
	return d;
}

static void test_db_bookmarks(void **state)
{
	(void)state;
	char *path;
	int64_t pod, ep, id, id2;
	db *d = open_with_episode(&path, &pod, &ep);
	chapter_list feedc = CHAPTER_LIST_INIT;
	push(&feedc, 0, "Intro", CHAP_SRC_PSC);
	push(&feedc, 30, "Sponsor", CHAP_SRC_PSC);
	assert_int_equal(db_chapters_set(d, ep, CHAP_SRC_PSC, &feedc), 0);
	assert_int_equal(db_bookmark_add(d, ep, 12.5, "Crème brûlée recipe", &id), 0);
	assert_int_equal(db_bookmark_add(d, ep, 40, "  ", &id2), 0); /* blank: no note */
	assert_int_equal(db_bookmark_add(d, 999, 1, NULL, NULL), 1);
	assert_int_equal(db_bookmark_add(d, ep, -1, NULL, NULL), -1);
	assert_int_equal(db_bookmark_add(d, ep, NAN, NULL, NULL), -1);
	chapter_list v = CHAPTER_LIST_INIT;
	assert_int_equal(db_chapters_visible(d, ep, &v), 0);
	assert_int_equal(v.n, 4);
	assert_true(v.v[1].source == CHAP_SRC_USER && v.v[1].start == 12.5);
	assert_string_equal(v.v[1].title, "Crème brûlée recipe");
	assert_true(v.v[3].source == CHAP_SRC_USER && v.v[3].title == NULL);
	/* A refresh rewrites the feed's chapters: the bookmarks stay. */
	chapter_list_clear(&feedc);
	push(&feedc, 0, "Intro (new)", CHAP_SRC_PSC);
	assert_int_equal(db_chapters_set(d, ep, CHAP_SRC_PSC, &feedc), 0);
	assert_int_equal(db_chapters_visible(d, ep, &v), 0);
	assert_int_equal(v.n, 3);
	assert_string_equal(v.v[0].title, "Intro (new)");
	assert_true(v.v[1].source == CHAP_SRC_USER && v.v[1].start == 12.5);
	assert_true(v.v[2].source == CHAP_SRC_USER && v.v[2].start == 40);
	/* Search finds the note (diacritics folded), first, as a user chapter. */
	db_search_hit *h;
	size_t n;
	assert_int_equal(db_search(d, "creme brul", 10, &h, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(h[0].kind, DB_HIT_CHAPTER);
	assert_int_equal(h[0].source, CHAP_SRC_USER);
	assert_true(h[0].start == 12.5 && h[0].episode_id == ep);
	db_search_free(h, n);
	assert_int_equal(db_search(d, "intro", 10, &h, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(h[0].source, CHAP_SRC_PSC);
	db_search_free(h, n);
	/* Listing, deleting (and the index forgets it). */
	db_bookmark *b;
	assert_int_equal(db_bookmark_list(d, 0, &b, &n), 0);
	assert_int_equal(n, 2);
	assert_true(b[0].id == id && b[0].podcast_id == pod);
	assert_string_equal(b[0].episode_title, "Episode");
	db_bookmark_list_free(b, n);
	assert_int_equal(db_bookmark_delete(d, id), 0);
	assert_int_equal(db_bookmark_delete(d, id), 1);
	assert_int_equal(db_search(d, "creme", 10, &h, &n), 0);
	assert_int_equal(n, 0);
	chapter_list_clear(&v);
	chapter_list_clear(&feedc);
	db_close(d);
	rm_db(path);
}

static void test_db_heard_and_skips(void **state)
{
	(void)state;
	char *path;
	int64_t pod, ep;
	db *d = open_with_episode(&path, &pod, &ep);
	heard_list a = HEARD_LIST_INIT, got = HEARD_LIST_INIT;
	heard_add(&a, 0, 10);
	assert_int_equal(db_heard_add(d, ep, &a), 0);
	heard_clear(&a);
	heard_add(&a, 10.5, 20); /* another play: merged with what is stored */
	heard_add(&a, 40, 45);
	assert_int_equal(db_heard_add(d, ep, &a), 0);
	assert_int_equal(db_heard_get(d, ep, &got), 0);
	assert_int_equal(got.n, 2);
	assert_true(got.v[0].a == 0 && got.v[0].b == 20 && got.v[1].a == 40);
	heard_clear(&got);
	heard_clear(&a);
	/* Patterns, toggles, intro and outro. */
	assert_int_equal(db_skip_rule_add(d, pod, "sponsor"), 0);
	assert_int_equal(db_skip_rule_add(d, pod, "sponsor"), 2);
	assert_int_equal(db_skip_rule_add(d, 999, "x"), 1);
	chapter_list c = CHAPTER_LIST_INIT;
	push(&c, 0, "Intro", CHAP_SRC_JSON);
	push(&c, 10, "Sponsor", CHAP_SRC_JSON);
	push(&c, 15, "note", CHAP_SRC_USER);
	push(&c, 20, "Talk", CHAP_SRC_JSON);
	int skip[4];
	assert_int_equal(db_chapter_skips(d, ep, &c, skip), 0);
	assert_true(!skip[0] && skip[1] && !skip[2] && !skip[3]);
	assert_int_equal(db_chapter_skip_set(d, ep, 10, 0), 0); /* this episode: play it */
	assert_int_equal(db_chapter_skip_set(d, ep, 20, 1), 0);
	assert_int_equal(db_chapter_skips(d, ep, &c, skip), 0);
	assert_true(!skip[0] && !skip[1] && !skip[2] && skip[3]);
	assert_int_equal(db_skip_rule_remove(d, pod, "sponsor"), 0);
	assert_int_equal(db_skip_rule_remove(d, pod, "sponsor"), 1);
	double s = 0;
	assert_int_equal(db_podcast_skip_end(d, pod, 0, &s), 1);
	assert_int_equal(db_podcast_set_skip_end(d, pod, 0, 12), 0);
	assert_int_equal(db_podcast_skip_end(d, pod, 0, &s), 0);
	assert_true(s == 12);
	assert_int_equal(db_podcast_skip_end(d, pod, 1, &s), 1);
	assert_int_equal(db_podcast_set_skip_end(d, pod, 0, -1), 0);
	assert_int_equal(db_podcast_skip_end(d, pod, 0, &s), 1);
	assert_int_equal(db_podcast_set_skip_end(d, 999, 0, 3), 1);
	chapter_list_clear(&c);
	db_close(d);
	rm_db(path);
}

/* A cache of the schema before the marks migrates, keeping its data. */
static void test_migration(void **state)
{
	(void)state;
	char *path = tmp_db();
	db *d;
	char *err = NULL;
	assert_int_equal(dbi_open_at_version(path, 11, &d, &err), 0);
	int64_t pod;
	int existed;
	assert_int_equal(db_podcast_add(d, "https://example.org/f.xml", 0, &pod, &existed), 0);
	db_close(d);
	assert_int_equal(db_open(path, &d, &err), 0);
	assert_int_equal(db_schema_version(d), DB_SCHEMA_VERSION);
	assert_int_equal(db_skip_rule_add(d, pod, "ads"), 0);
	db_close(d);
	rm_db(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_heard_merge),
		cmocka_unit_test(test_heard_chapters),
		cmocka_unit_test(test_skip_patterns),
		cmocka_unit_test(test_skip_plan),
		cmocka_unit_test(test_db_bookmarks),
		cmocka_unit_test(test_db_heard_and_skips),
		cmocka_unit_test(test_migration),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
