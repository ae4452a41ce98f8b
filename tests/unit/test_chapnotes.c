/*
 * test_chapnotes.c - chapter lists in show notes.
 *
 * Fixtures: tests/fixtures/notes/NAME.txt or NAME.html holds one episode's
 * notes as a feed gives them, in one of the shapes seen in real show notes
 * (s00N-*: the seeds' episodes; x-*: other podcasts' shapes, described in
 * SHAPES.md there). NAME.expected holds the chapter list a careful
 * listener reads there, one "start<TAB>title" line per chapter (start in
 * seconds), after comment lines: "# duration: S" gives the finder the
 * episode's duration, "# warn" says the list is kept with a warning. A
 * fixture with no chapter line is a negative: nothing may be found. Every
 * fixture in the directory is a test of its own (the real entry point,
 * chapnotes_from_notes); starts must agree within 0.5 s and titles after
 * whitespace collapse.
 */
#include "testutil.h"

#include <dirent.h>
#include <time.h>

#include "chapnotes.h"
#include "chapter.h"

#define FIXDIR "tests/fixtures/notes/"

/* A fixture: NAME.txt or NAME.html (the notes as the feed gives them) and
 * NAME.expected (see the top of this file). */
struct fixture {
	char *name;
	char *input; /* path of the .txt or .html */
};

static struct fixture *fixtures;
static size_t nfixtures;

struct exp_ch {
	double start;
	char *title;
};

struct expected {
	struct exp_ch *v;
	size_t n;
	double duration; /* "# duration: S", else -1 */
	int warn;        /* "# warn": the list must carry a warning */
};

static void read_expected(const char *name, struct expected *e)
{
	char *path = xasprintf(FIXDIR "%s.expected", name);
	size_t len, cap = 0;
	char *buf = fixture_read(path, &len);
	memset(e, 0, sizeof *e);
	e->duration = -1;
	for (char *line = buf; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (strncmp(line, "# duration:", 11) == 0) {
			e->duration = strtod(line + 11, NULL);
		} else if (strncmp(line, "# warn", 6) == 0) {
			e->warn = 1;
		} else if (*line && *line != '#') {
			char *tab = strchr(line, '\t');
			if (!tab)
				fail_msg("%s: line without a tab: %s", path, line);
			*tab = '\0';
			if (e->n == cap) {
				cap = cap ? cap * 2 : 32;
				e->v = xrealloc(e->v, cap * sizeof *e->v);
			}
			e->v[e->n].start = strtod(line, NULL);
			e->v[e->n].title = xstrdup(tab + 1);
			e->n++;
		}
		line = nl ? nl + 1 : NULL;
	}
	free(buf);
	free(path);
}

/* s with every run of whitespace (ASCII blanks, NBSP) made one space and
 * none at either end: titles are compared as a reader sees them. */
static char *collapse_ws(const char *s)
{
	sbuf b = SBUF_INIT;
	int space = 0;
	for (; *s; s++) {
		int ws = *s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' ||
		         ((unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0);
		if (ws) {
			if ((unsigned char)*s == 0xC2)
				s++;
			space = b.len > 0;
			continue;
		}
		if (space)
			sb_putc(&b, ' ');
		space = 0;
		sb_putc(&b, *s);
	}
	return b.s ? sb_steal(&b) : xstrdup("");
}

static void check_fixture(const struct fixture *fx)
{
	size_t len;
	char *text = fixture_read(fx->input, &len);
	struct expected exp;
	read_expected(fx->name, &exp);
	chapter_list l = CHAPTER_LIST_INIT;
	chapnotes_info info = {NULL, 0};
	size_t n = chapnotes_from_notes(text, len, exp.duration, &l, &info);
	for (size_t i = 0; i < l.n && i < 40; i++)
		print_message("#   got %9.3f  %s\n", l.v[i].start,
		              l.v[i].title ? l.v[i].title : "(null)");
	for (size_t i = 0; i < info.nwarnings; i++)
		print_message("#   warning: %s\n", info.warnings[i]);
	if (n != exp.n || l.n != exp.n)
		fail_msg("%s: %zu chapters, expected %zu", fx->name, n, exp.n);
	for (size_t i = 0; i < exp.n; i++) {
		const chapter *c = &l.v[i];
		if (c->start - exp.v[i].start > 0.5 || exp.v[i].start - c->start > 0.5)
			fail_msg("%s #%zu: start %.3f, expected %.3f", fx->name, i,
			         c->start, exp.v[i].start);
		char *got = collapse_ws(c->title ? c->title : "");
		char *want = collapse_ws(exp.v[i].title);
		if (strcmp(got, want) != 0)
			fail_msg("%s #%zu: title \"%s\", expected \"%s\"", fx->name, i,
			         got, want);
		free(got);
		free(want);
		assert_int_equal(c->source, CHAP_SRC_NOTES);
		assert_time_equal(c->end, -1.0);
		assert_null(c->url);
		assert_null(c->img);
		assert_int_equal(c->hidden, 0);
	}
	if (exp.warn && info.nwarnings == 0)
		fail_msg("%s: the list should carry a warning", fx->name);
	if (!exp.warn && info.nwarnings)
		fail_msg("%s: unexpected warning: %s", fx->name, info.warnings[0]);
	for (size_t i = 0; i < exp.n; i++)
		free(exp.v[i].title);
	free(exp.v);
	chapnotes_info_free(&info);
	chapter_list_clear(&l);
	free(text);
}

/* One test per fixture; the fixture is the initial state. */
static void test_fixture(void **state)
{
	check_fixture((const struct fixture *)*state);
}

static int file_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

static int fixture_cmp(const void *a, const void *b)
{
	return strcmp(((const struct fixture *)a)->name,
	              ((const struct fixture *)b)->name);
}

/* Every NAME.expected with its one input, sorted by name; an input
 * without its .expected (or with two inputs) fails the pairing test. */
static size_t pairing_errors;

static void discover_fixtures(void)
{
	DIR *d = opendir(FIXDIR);
	if (!d)
		return;
	struct dirent *e;
	size_t cap = 0;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		const char *ext = strrchr(e->d_name, '.');
		if (!ext || ext == e->d_name)
			continue;
		char *base = xstrndup(e->d_name, (size_t)(ext - e->d_name));
		char *exp = xasprintf(FIXDIR "%s.expected", base);
		char *txt = xasprintf(FIXDIR "%s.txt", base);
		char *html = xasprintf(FIXDIR "%s.html", base);
		if (strcmp(ext, ".txt") == 0 || strcmp(ext, ".html") == 0) {
			if (!file_exists(exp)) {
				print_message("# %s has no .expected\n", e->d_name);
				pairing_errors++;
			}
		} else if (strcmp(ext, ".expected") == 0 && n) {
			int t = file_exists(txt), h = file_exists(html);
			if (t == h) {
				print_message("# %s needs one of .txt or .html\n", base);
				pairing_errors++;
			} else {
				if (nfixtures == cap) {
					cap = cap ? cap * 2 : 64;
					fixtures = xrealloc(fixtures, cap * sizeof *fixtures);
				}
				fixtures[nfixtures].name = xstrdup(base);
				fixtures[nfixtures].input = xstrdup(t ? txt : html);
				nfixtures++;
			}
		}
		free(base);
		free(exp);
		free(txt);
		free(html);
	}
	closedir(d);
	if (nfixtures)
		qsort(fixtures, nfixtures, sizeof *fixtures, fixture_cmp);
}

static void test_fixtures_paired(void **state)
{
	(void)state;
	assert_int_equal(pairing_errors, 0);
	/* the seeds' 28 episodes and the other podcasts' shapes */
	assert_true(nfixtures >= 28);
}

/* Parses s (a copy exactly strlen(s) long, so ASan sees any over-read). */
static size_t parse_str(const char *s, chapter_list *l)
{
	size_t len = strlen(s);
	char *copy = xmalloc(len ? len : 1);
	memcpy(copy, s, len);
	size_t n = chapnotes_parse(copy, len, l);
	free(copy);
	return n;
}

static void expect_none(const char *s)
{
	chapter_list l = CHAPTER_LIST_INIT;
	size_t n = parse_str(s, &l);
	if (n != 0 || l.n != 0)
		fail_msg("found %zu chapters in \"%s\" (first: %.0f %s)", n, s,
		         l.n ? l.v[0].start : -1.0,
		         l.n && l.v[0].title ? l.v[0].title : "");
	chapter_list_clear(&l);
}

/* Expects exactly the chapters in starts[]/titles[] (n of them). */
static void expect_list(const char *s, size_t n, const double *starts,
                        const char *const *titles)
{
	chapter_list l = CHAPTER_LIST_INIT;
	size_t got = parse_str(s, &l);
	if (got != n || l.n != n)
		fail_msg("%zu chapters, expected %zu, in \"%s\"", got, n, s);
	for (size_t i = 0; i < n; i++) {
		if (l.v[i].start != starts[i])
			fail_msg("#%zu start %.3f, expected %.3f", i, l.v[i].start,
			         starts[i]);
		if (!l.v[i].title || strcmp(l.v[i].title, titles[i]) != 0)
			fail_msg("#%zu title \"%s\", expected \"%s\"", i,
			         l.v[i].title ? l.v[i].title : "(null)", titles[i]);
	}
	chapter_list_clear(&l);
}

static void test_negative_prose(void **state)
{
	(void)state;
	expect_none("");
	expect_none("we start at 19:00");
	expect_none("The show was filmed for a 16:9 screen.");
	expect_none("the score was 3:2 after extra time");
	expect_none("12:30");
	expect_none("See you at 12:30 - bring snacks.");
	expect_none("Doors open at 7:30 pm, the talk starts at 8:00 pm and "
	            "ends at 9:15 pm.");
	expect_none("We met at 00:10, then at 00:20 and again at 00:30.");
	expect_none("Recorded 2025-05-14 10:00 in Oslo.");
	expect_none("2025-05-14 10:00 - setup\n2025-05-14 10:30 - talk\n"
	            "2025-05-14 11:00 - questions");
	expect_none("Watch at https://x/?t=12:30 now");
	expect_none("https://x/?t=00:00 https://x/?t=05:00 "
	            "https://x/?t=10:00 https://x/#15:00");
	expect_none("Links: https://example.org/a/00:00/b "
	            "https://example.org/a/05:00/b https://example.org/10:00");
	expect_none("Chapters 1:1 with me, 2:1 odds, 10:1 ratio");
	expect_none("v1.12:30 - release notes\nv1.13:00 - more\nv1.14:00 - end");
}

static void test_negative_structure(void **state)
{
	(void)state;
	/* decreasing */
	expect_none("10:00 a\n05:00 b\n01:00 c");
	/* a single timestamp */
	expect_none("Chapters:\n00:00 - Intro\n\nThat's all.");
	/* equal times are not increasing */
	expect_none("00:00 a\n00:00 b\n00:00 c");
	/* does not start near zero */
	expect_none("10:00 - a\n20:00 - b\n30:00 - c");
	/* times without titles (a player widget, durations) */
	expect_none("00:00\n05:00\n10:00\n15:00");
	expect_none("00:00 / 00:00\n15:00:00 / 00:00");
	expect_none("--------\n48:53\n--------\n48:53");
	/* two entries: only "line-leading, first exactly 0" counts */
	expect_none("00:30 Intro\n05:00 End");
	expect_none("Topics: 00:00 - Intro 05:00 - End");
	expect_none("won 3:2 and we start at 19:00");
	/* groups that go on are not times */
	expect_none("00:00:00:00 a\n00:01:00:00 b\n00:02:00:00 c");
	expect_none("00:000 a\n01:000 b\n02:000 c");
	expect_none("0:61 a\n1:61 b\n2:61 c");
	expect_none("1:60:00 a\n1:61:00 b\n1:62:00 c");
}

static void test_two_entries(void **state)
{
	(void)state;
	const double st[] = {0, 300};
	const char *const ti[] = {"Intro", "End"};
	expect_list("00:00 Intro\n05:00 End", 2, st, ti);
	expect_list("Chapters:\n• 0:00 – Intro\n• 5:00 – End\n", 2, st, ti);
}

static void test_brackets(void **state)
{
	(void)state;
	const double st[] = {0, 750, 3723};
	const char *const ti[] = {"Intro", "Middle part", "Wrap-up"};
	expect_list("(00:00) Intro\n(12:30) Middle part\n[1:02:03] Wrap-up\n", 3,
	            st, ti);
	expect_list("Topics: (0:00) Intro (12:30) Middle part [1:02:03] "
	            "Wrap-up", 3, st, ti);
	expect_list("[00:00] - Intro\n[12:30] - Middle part\n"
	            "[01:02:03] - Wrap-up", 3, st, ti);
	/* an opening bracket without its closing one is text (trimmed off
	 * the end of a title) */
	expect_list("00:00 Intro\n12:30 Middle part\n1:02:03 Wrap-up (\n", 3,
	            st, ti);
	expect_list("(00:00 Intro\n(12:30 Middle part\n(1:02:03 Wrap-up", 3,
	            st, ti);
}

static void test_separators_and_bullets(void **state)
{
	(void)state;
	const double st[] = {0, 20, 79, 3723};
	const char *const ti[] = {"Introduction", "Meet Marcel", "Grad school",
	                          "Closing"};
	expect_list("• 0:00 – Introduction\n• 0:20 – Meet Marcel\n"
	            "• 1:19 – Grad school\n• 1:02:03 – Closing\n", 4, st, ti);
	expect_list("- 0:00 - Introduction\n- 0:20 - Meet Marcel\n"
	            "- 1:19 - Grad school\n- 1:02:03 - Closing\n", 4, st, ti);
	expect_list("* 0:00: Introduction\n* 0:20: Meet Marcel\n"
	            "* 1:19: Grad school\n* 1:02:03: Closing\n", 4, st, ti);
	expect_list("– 00:00 — Introduction\n– 00:20 — Meet Marcel\n"
	            "– 01:19 — Grad school\n– 01:02:03 — Closing\n", 4, st, ti);
	expect_list("00:00 | Introduction\n00:20 | Meet Marcel\n"
	            "01:19 | Grad school\n1:02:03 | Closing\n", 4, st, ti);
	expect_list("1. 00:00 Introduction\n2. 00:20 Meet Marcel\n"
	            "3. 01:19 Grad school\n4. 1:02:03 Closing\n", 4, st, ti);
	expect_list("00:00\u00a0Introduction\u00a0\n00:20\tMeet Marcel\t\n"
	            "01:19  Grad school  \n1:02:03 Closing", 4, st, ti);
	/* separated by bullets on one line */
	expect_list("0:00 – Introduction • 0:20 – Meet Marcel • 1:19 – Grad "
	            "school • 1:02:03 – Closing", 4, st, ti);
}

static void test_titles_kept_verbatim(void **state)
{
	(void)state;
	const double st[] = {0, 180, 420, 540, 600, 660};
	const char *const ti[] = {
		"Intro 🎉",
		"Pricing lessons: why $25 was too cheap",
		"Getting fired… and funded 12 days later",
		"Is MotherDuck like the “Turso for DuckDB”?",
		"\"Quoted\" 'title' at 3:2 odds, 16:9",
		"Q&A: 1:1 sessions?",
	};
	expect_list("00:00 – Intro 🎉\n"
	            "03:00 – Pricing lessons: why $25 was too cheap\n"
	            "07:00 – Getting fired… and funded 12 days later\n"
	            "09:00 – Is MotherDuck like the “Turso for DuckDB”?\n"
	            "10:00 – \"Quoted\" 'title' at 3:2 odds, 16:9\n"
	            "11:00 – Q&A: 1:1 sessions?\n",
	            6, st, ti);
	/* the same, run together */
	expect_list("Chapters:00:00 – Intro 🎉03:00 – Pricing lessons: why $25 "
	            "was too cheap07:00 – Getting fired… and funded 12 days "
	            "later09:00 – Is MotherDuck like the “Turso for DuckDB”?"
	            "10:00 – \"Quoted\" 'title' at 3:2 odds, 16:9"
	            "11:00 – Q&A: 1:1 sessions?",
	            6, st, ti);
}

static void test_glued_digits(void **state)
{
	(void)state;
	/* 13:00 < 16:00: "202016:00" is "2020" + "16:00" */
	const double st[] = {0, 780, 960, 1080};
	const char *const ti[] = {"Intro", "Gaps in local-first tooling in 2020",
	                          "Social apps", "Distributed systems"};
	expect_list("🕒 Chapters00:00 - Intro13:00 - Gaps in local-first tooling "
	            "in 202016:00 - Social apps18:00 - Distributed systems", 4, st,
	            ti);
	/* both readings increase (05:00 < 6:00 < 16:00 < 18:00): the year
	 * reading wins */
	const double st2[] = {0, 300, 960, 1080};
	const char *const ti2[] = {"Intro", "Gaps in 2020", "Social apps",
	                           "Distributed systems"};
	expect_list("Chapters00:00 - Intro05:00 - Gaps in 202016:00 - Social "
	            "apps18:00 - Distributed systems", 4, st2, ti2);
	/* only the one-digit reading increases: 01:00 < x < 09:00 makes
	 * "Web34:00" read "Web3" + "4:00", not "Web" + "34:00" */
	const double st3[] = {0, 60, 240, 540};
	const char *const ti3[] = {"Intro", "Why Web3", "Wallets", "Outro"};
	expect_list("Chapters00:00 - Intro01:00 - Why Web34:00 - Wallets09:00 - "
	            "Outro", 4, st3, ti3);
	/* hours glued onto letters and onto a year */
	const double st4[] = {0, 3540, 3663, 3720};
	const char *const ti4[] = {"Intro", "Vision for 2025", "Where to find us",
	                           "Bye"};
	expect_list("Chapters00:00 - Intro59:00 - Vision for 20251:01:03 - Where "
	            "to find us1:02:00 - Bye", 4, st4, ti4);
	/* "Intro01:27" is "Intro" + "01:27", never "Intro0" + "1:27" */
	const double st5[] = {0, 87, 290};
	const char *const ti5[] = {"Intro", "Journey", "Transition"};
	expect_list("Chapters00:00 - Intro01:27 - Journey04:50 - Transition", 3,
	            st5, ti5);
}

static void test_url_glued_list(void **state)
{
	(void)state;
	const double st[] = {0, 87, 290};
	const char *const ti[] = {"Intro", "Lev's journey", "Transition"};
	expect_list("Site: https://example.orgChapters00:00 - Intro01:27 - Lev's "
	            "journey04:50 - Transition", 3, st, ti);
	expect_list("Audio: https://example.org/a.fm🕒 Chapters00:00 - Intro"
	            "01:27 - Lev's journey04:50 - Transition\n", 3, st, ti);
}

static void test_time_inside_title(void **state)
{
	(void)state;
	const double st[] = {0, 300, 540};
	const char *const ti[] = {"Intro", "Recap (02:00) of last week", "End"};
	expect_list("00:00 - Intro\n05:00 - Recap (02:00) of last week\n"
	            "09:00 - End\n", 3, st, ti);
	const char *const ti3[] = {"Intro", "Topic (we met at 07:00 there)", "End"};
	expect_list("00:00 - Intro\n05:00 - Topic (we met at 07:00 there)\n"
	            "10:00 - End", 3, (const double[]){0, 300, 600}, ti3);
	const char *const ti2[] = {"Intro", "We meet at 19:00 sharp", "End"};
	expect_list("00:00 - Intro\n05:00 - We meet at 19:00 sharp\n09:00 - End",
	            3, st, ti2);
}

static void test_crlf(void **state)
{
	(void)state;
	const double st[] = {0, 300, 600};
	const char *const ti[] = {"Intro", "Middle", "End"};
	expect_list("Chapters:\r\n00:00 - Intro\r\n05:00 - Middle\r\n"
	            "10:00 - End\r\n", 3, st, ti);
	expect_list("Chapters:\r\n\r\n• 0:00 – Intro\r\n\r\n• 5:00 – Middle\r\n"
	            "\r\n• 10:00 – End", 3, st, ti);
}

static void test_fractions_and_near_zero(void **state)
{
	(void)state;
	const double st[] = {0.5, 187.25, 506};
	const char *const ti[] = {"Intro", "News", "Resumée"};
	expect_list("00:00.5 Intro\n03:07.250 News\n08:26 Resumée", 3, st, ti);
	/* first chapter within a minute */
	const double st2[] = {45, 300, 600};
	const char *const ti2[] = {"Intro", "Middle", "End"};
	expect_list("00:45 - Intro\n05:00 - Middle\n10:00 - End", 3, st2, ti2);
	/* a long list may skip a cold open of up to ten minutes */
	const double st3[] = {150, 300, 600, 900, 1200};
	const char *const ti3[] = {"a", "b", "c", "d", "e"};
	expect_list("02:30 a\n05:00 b\n10:00 c\n15:00 d\n20:00 e", 5, st3, ti3);
	expect_none("02:30 a\n05:00 b\n10:00 c\n15:00 d");
}

static void test_first_of_repeated_lists(void **state)
{
	(void)state;
	const char *s = "Chapters:\n00:00 - A\n05:00 - B\n10:00 - C\n\n"
	                "Chapters again:\n00:00 - X\n05:00 - Y\n10:00 - Z\n";
	const double st[] = {0, 300, 600};
	const char *const ti[] = {"A", "B", "C"};
	expect_list(s, 3, st, ti);
	/* the longer list wins */
	const char *s2 = "00:00 - A\n05:00 - B\n10:00 - C\n\n"
	                 "00:00 - W\n02:00 - X\n05:00 - Y\n10:00 - Z\n";
	const double st2[] = {0, 120, 300, 600};
	const char *const ti2[] = {"W", "X", "Y", "Z"};
	expect_list(s2, 4, st2, ti2);
}

static void test_appends_and_bounds(void **state)
{
	(void)state;
	chapter_list l = CHAPTER_LIST_INIT;
	chapter c = {5, -1, xstrdup("existing"), NULL, NULL, 0, CHAP_SRC_JSON};
	chapter_list_push(&l, c);
	const char *s = "00:00 - A\n05:00 - B\n10:00 - C\n15:00 - D";
	/* cut in the middle of the last timestamp: "15:0" is no time */
	size_t cut = strlen(s) - 8;
	char *copy = xmalloc(cut);
	memcpy(copy, s, cut);
	assert_int_equal(chapnotes_parse(copy, cut, &l), 3);
	assert_int_equal(l.n, 4);
	assert_string_equal(l.v[0].title, "existing");
	assert_string_equal(l.v[3].title, "C");
	/* cut right after a title's first letter */
	assert_int_equal(chapnotes_parse(copy, 23, &l), 2);
	assert_string_equal(l.v[5].title, "B");
	free(copy);
	assert_int_equal(chapnotes_parse(NULL, 10, &l), 0);
	assert_int_equal(chapnotes_parse("00:00 a", 0, &l), 0);
	chapter_list_clear(&l);
}

/* Notes through the real entry point with a duration: exactly starts[] and
 * titles[], and nwarn warnings. */
static void expect_notes(const char *notes, double duration, size_t n,
                         const double *starts, const char *const *titles,
                         size_t nwarn)
{
	chapter_list l = CHAPTER_LIST_INIT;
	chapnotes_info info = {NULL, 0};
	size_t got = chapnotes_from_notes(notes, strlen(notes), duration, &l, &info);
	if (got != n || l.n != n)
		fail_msg("%zu chapters, expected %zu, in \"%s\"", got, n, notes);
	for (size_t i = 0; i < n; i++) {
		if (l.v[i].start != starts[i])
			fail_msg("#%zu start %.3f, expected %.3f in \"%s\"", i,
			         l.v[i].start, starts[i], notes);
		if (!l.v[i].title || strcmp(l.v[i].title, titles[i]) != 0)
			fail_msg("#%zu title \"%s\", expected \"%s\"", i,
			         l.v[i].title ? l.v[i].title : "(null)", titles[i]);
	}
	if (info.nwarnings != nwarn)
		fail_msg("%zu warnings, expected %zu, in \"%s\"", info.nwarnings,
		         nwarn, notes);
	chapnotes_info_free(&info);
	chapter_list_clear(&l);
}

static const double ST3[] = {0, 250, 860};

/* Class 1: a link's words stay, its number never appears, and a link
 * right before the next time does not hide it. */
static void test_links_keep_words(void **state)
{
	(void)state;
	const char *const ti[] = {"Intro with the blog", "Slides (Deck, Video)",
	                          "Next topic"};
	expect_notes("<p>00:00 Intro with <a href=\"https://e.org/b\">the blog</a>"
	             "<br>04:10 Slides (<a href=\"https://e.org/s\">Deck</a>, "
	             "<a href=\"https://e.org/v\">Video</a>)<br>"
	             "<a href=\"#t=14:20\">14:20</a> Next topic</p>",
	             -1, 3, ST3, ti, 0);
	/* markdown that was never rendered */
	expect_notes("00:00 Intro with [the blog](https://e.org/b)\n"
	             "04:10 Slides ([Deck](https://e.org/s), [Video](https://e.org/v))\n"
	             "**[14:20](#t=14:20)** Next topic\n",
	             -1, 3, ST3, ti, 0);
}

/* Class 2: the title before its time; ranges start at the first time. */
static void test_title_before_time(void **state)
{
	(void)state;
	const char *const ti[] = {"Welcome", "Housekeeping", "Listener mail"};
	expect_notes("Welcome: 00:00:00\nHousekeeping [0:04:10]\n"
	             "Listener mail - 0:14:20\n", -1, 3, ST3, ti, 0);
	expect_notes("<table><tr><td>Welcome</td><td>00:00</td></tr>"
	             "<tr><td>Housekeeping</td><td>04:10</td></tr>"
	             "<tr><td>Listener mail</td><td>14:20</td></tr></table>",
	             -1, 3, ST3, ti, 0);
	expect_notes("Welcome : 00:00 - 4:10\nHousekeeping : 4:10 - 14:20\n"
	             "Listener mail : 14:20 - 30:00\n", -1, 3, ST3, ti, 0);
	expect_notes("Welcome (ca. 00:00): hello and news\nHousekeeping (ca. "
	             "04:10): the admin part\nListener mail (ca. 14:20): your "
	             "letters\n", -1, 3, ST3, ti, 0);
}

/* Class 3: decorated times. */
static void test_decorated_times(void **state)
{
	(void)state;
	const char *const ti[] = {"Intro", "Topic", "Minutes over 59"};
	const double st[] = {0, 135.5, 4445};
	expect_notes("[@00:00] - Intro\n~ 00:02:15.500 Topic\n74:05\tMinutes "
	             "over 59\n", -1, 3, st, ti, 0);
}

/* Class 4: a list of hours:minutes, read so by the episode's duration. */
static void test_hours_minutes(void **state)
{
	(void)state;
	const char *notes = "00:00 Intro\n00:05 First\n01:58 Last\n";
	const char *const ti[] = {"Intro", "First", "Last"};
	const double hm[] = {0, 300, 7080}, ms[] = {0, 5, 118};
	expect_notes(notes, 7260, 3, hm, ti, 0);
	expect_notes(notes, -1, 3, ms, ti, 0);  /* no duration: as written */
	expect_notes(notes, 600, 3, ms, ti, 0); /* a short episode: M:SS */
	/* a list with hours written out is never rescaled */
	const double hms[] = {0, 5, 3600};
	expect_notes("0:00:00 Intro\n0:00:05 First\n1:00:00 Last\n", 7260, 3, hms,
	             ti, 0);
}

/* Class 5 and 7: lines that only the source has; a time alone. */
static void test_lines_and_lone_times(void **state)
{
	(void)state;
	const char *const ti[] = {"Intro", "Topic", "End"};
	const double st[] = {0, 300, 600};
	expect_notes("<p>Notes\n00:00 Intro\n05:00 Topic\n10:00 End</p><p>Bye</p>",
	             -1, 3, st, ti, 0);
	expect_notes("<pre>00:00 Intro\n05:00 Topic\n10:00 End</pre>", -1, 3, st,
	             ti, 0);
	expect_notes("00:00\nIntro\n\n05:00\nTopic\n\n10:00\nEnd\n", -1, 3, st, ti,
	             0);
	expect_notes("<ul><li>00:00</li><li>Intro</li><li>05:00</li><li>Topic</li>"
	             "<li>10:00</li><li>End</li></ul>", -1, 3, st, ti, 0);
	/* a wrapped title in the source stays whole when the markup has lines */
	const char *const ti2[] = {"Intro that wraps", "Topic", "End"};
	expect_notes("<ul><li>00:00 Intro that\nwraps</li><li>05:00 Topic</li>"
	             "<li>10:00 End</li></ul>", -1, 3, st, ti2, 0);
}

/* Class 6: one stray time keeps the list, as written, with a warning. */
static void test_stray_entry(void **state)
{
	(void)state;
	const char *const ti[] = {"Intro", "A", "Typo", "B", "C"};
	const double st[] = {0, 600, 1870, 720, 900};
	expect_notes("00:00 Intro\n10:00 A\n31:10 Typo\n12:00 B\n15:00 C\n", -1, 5,
	             st, ti, 1);
	const double st2[] = {0, 1500, 420, 2280};
	const char *const ti2[] = {"Intro", "B", "Stray", "C"};
	expect_notes("0:00:00 Intro\n0:25:00 B\n7:00 Stray\n0:38:00 C\n", -1, 4,
	             st2, ti2, 1);
	/* a time inside prose between entries is no stray */
	const double st3[] = {0, 300, 600};
	const char *const ti3[] = {"Intro", "Topic", "End"};
	expect_notes("00:00 Intro\n05:00 Topic\nWe met at 02:00 that day.\n"
	             "10:00 End\n", -1, 3, st3, ti3, 0);
}

/* Class 8: titles that begin with punctuation are kept verbatim. */
static void test_punctuation_titles(void **state)
{
	(void)state;
	const char *const ti[] = {"...and then", "«Zitat»", "›Wort‹", "\"Quote\"",
	                          "🎉 Party", "Plain"};
	const double st[] = {0, 300, 420, 480, 540, 600};
	expect_notes("00:00 ...and then\n05:00 «Zitat»\n07:00 ›Wort‹\n"
	             "08:00 \"Quote\"\n09:00 🎉 Party\n10:00 » Plain\n", -1, 6, st,
	             ti, 0);
}

/* What must stay prose. */
static void test_negative_other_shows(void **state)
{
	(void)state;
	const char *none[] = {
		"Schedule:\n8:00 a.m. - 9:15 a.m. Breakfast\n9:15 a.m. - 10:00 "
		"a.m. Talk\n10:00 a.m. - 11:00 a.m. Panel\n",
		"Live at 3:30pm EST\nStream 4:00pm EST\nEnds 5:00pm EST\n",
		"Wir starten um 20:15 Uhr.\nTeil 2 um 21:00 Uhr\nEnde 22:00 Uhr\n",
		"Live 00:30 CET\nThen 00:45 CET\nEnd 00:55 CET\n",
		"Final score (1:3)\nRatio 4:3\nMark 4:12\nJohn 5:30\nLuke 6:45\n",
		"Tracks:\n1. Opening [MP3, 0:12]\n2. Second [MP3, 4:05]\n3. "
		"Third [MP3, 5:01]\n",
		"He said \"meet me at 00:30\"\nand she said \"no, at 00:45\"\n"
		"then \"fine, 00:55\"\n",
		"Gap +0:05\nGap +3:10\nGap +4:00\n",
		"We talked for 00:10 about it, then 00:30 about that, and 00:50 "
		"about this.",
	};
	for (size_t i = 0; i < sizeof none / sizeof none[0]; i++) {
		chapter_list l = CHAPTER_LIST_INIT;
		if (chapnotes_from_notes(none[i], strlen(none[i]), 3600, &l, NULL))
			fail_msg("found %zu chapters in \"%s\" (first %.0f %s)", l.n,
			         none[i], l.v[0].start,
			         l.v[0].title ? l.v[0].title : "");
		chapter_list_clear(&l);
	}
}

static void test_one_megabyte(void **state)
{
	(void)state;
	/* 1 MB of prose full of decoy times, with the list in the middle. */
	sbuf b = SBUF_INIT;
	const char *prose =
		"We start at 19:00 on a 16:9 screen; the score was 3:2 and the "
		"stream (https://x/?t=12:30) began 2025-05-14 10:00. ";
	size_t half = 512 * 1024;
	while (b.len < half)
		sb_puts(&b, prose);
	sb_puts(&b, "\nChapters:\n");
	for (int i = 0; i < 40; i++)
		sb_printf(&b, "%d:%02d:%02d - Part %d\n", i / 4, (i % 4) * 15, i,
		          i + 1);
	while (b.len < 2 * half)
		sb_puts(&b, prose);
	int64_t t0 = now_ms();
	chapter_list l = CHAPTER_LIST_INIT;
	assert_int_equal(chapnotes_parse(b.s, b.len, &l), 40);
	int64_t t1 = now_ms();
	for (int i = 0; i < 40; i++) {
		assert_time_equal(l.v[i].start,
		                  (i / 4) * 3600.0 + (i % 4) * 900.0 + i);
		char want[32];
		snprintf(want, sizeof want, "Part %d", i + 1);
		assert_string_equal(l.v[i].title, want);
	}
	chapter_list_clear(&l);
	print_message("# 1 MB of prose parsed in %lld ms\n", (long long)(t1 - t0));

	/* 1 MB on one line: ~75,000 glued chapters, all of them kept. */
	sb_free(&b);
	size_t n = 0;
	while (b.len < 2 * half) {
		sb_printf(&b, "%zu:%02zu:%02zu - t%zu", n / 3600, n / 60 % 60,
		          n % 60, n % 10);
		n++;
	}
	t0 = now_ms();
	assert_int_equal(chapnotes_parse(b.s, b.len, &l), n);
	t1 = now_ms();
	assert_time_equal(l.v[n - 1].start, (double)(n - 1));
	chapter_list_clear(&l);
	print_message("# 1 MB glued list (%zu chapters) parsed in %lld ms\n", n,
	              (long long)(t1 - t0));

	/* 1 MB of near-misses: digits and colons, times without titles,
	 * decreasing lists. */
	sb_free(&b);
	while (b.len < 2 * half)
		sb_puts(&b, "1:1:1:12:34:56:78 00:00 / 00:00 10:00 - a 05:00 - b "
		            "01:00 - c 2020");
	sb_puts(&b, "16:00");
	t0 = now_ms();
	assert_int_equal(chapnotes_parse(b.s, b.len, &l), 0);
	t1 = now_ms();
	print_message("# 1 MB of near-misses parsed in %lld ms\n",
	              (long long)(t1 - t0));
	sb_free(&b);
}

/* CPU seconds of the fastest of three finds on notes built by make(n). */
static double best_cpu(char *(*make)(size_t), size_t n)
{
	char *notes = make(n);
	size_t len = strlen(notes);
	double best = 1e9;
	for (int r = 0; r < 3; r++) {
		chapter_list l = CHAPTER_LIST_INIT;
		chapnotes_info info = {NULL, 0};
		clock_t c0 = clock();
		chapnotes_from_notes(notes, len, 3600, &l, &info);
		double t = (double)(clock() - c0) / CLOCKS_PER_SEC;
		if (t < best)
			best = t;
		chapnotes_info_free(&info);
		chapter_list_clear(&l);
	}
	free(notes);
	return best;
}

static char *repeat_to(const char *unit, size_t n)
{
	sbuf b = SBUF_INIT;
	sb_puts(&b, "<p>");
	while (b.len < n)
		sb_puts(&b, unit);
	sb_puts(&b, "</p>");
	return sb_steal(&b);
}

static char *make_prose(size_t n)
{
	return repeat_to("We start at 19:00 on a 16:9 screen; 3:2 (https://x/?t=12:30) "
	                 "Intro - 0:45\nat 10:30 - then\n", n);
}

static char *make_entries(size_t n)
{
	sbuf b = SBUF_INIT;
	for (size_t i = 0; b.len < n; i++)
		sb_printf(&b, "%zu:%02zu:%02zu - <a href=\"https://e.org/%zu\">t</a>"
		          "%s\n", i / 3600, i / 60 % 60, i % 60, i % 50,
		          i % 7 ? "" : "\n7:00 stray");
	return sb_steal(&b);
}

static char *make_near_misses(size_t n)
{
	return repeat_to("1:1:1:12:34:56:78 00:00 / 00:00 10:00 - a 05:00 - b "
	                 "[[[[(((( 01:00 - c 2020 Intro: 00:00\n00:05\n", n);
}

/* The finder is linear: four times the notes cost about four times the
 * CPU, never sixteen (quadratic). The bound is a ratio of CPU times on
 * one machine, so a slow or busy machine does not break it. */
static void test_linear_time(void **state)
{
	(void)state;
	char *(*makers[])(size_t) = {make_prose, make_entries, make_near_misses};
	const char *names[] = {"prose", "entries", "near-misses"};
	const size_t n = 128 * 1024;
	for (size_t i = 0; i < 3; i++) {
		double t1 = best_cpu(makers[i], n);
		double t4 = best_cpu(makers[i], 4 * n);
		double ratio = t4 / (t1 > 1e-4 ? t1 : 1e-4);
		print_message("# %s: %.1f ms for 128 KB, %.1f ms for 512 KB (x%.1f)\n",
		              names[i], t1 * 1e3, t4 * 1e3, ratio);
		if (ratio > 8)
			fail_msg("%s: 4x the notes took %.1fx the time", names[i], ratio);
	}
}

int main(void)
{
	const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_fixtures_paired),
		cmocka_unit_test(test_negative_prose),
		cmocka_unit_test(test_negative_structure),
		cmocka_unit_test(test_two_entries),
		cmocka_unit_test(test_brackets),
		cmocka_unit_test(test_separators_and_bullets),
		cmocka_unit_test(test_titles_kept_verbatim),
		cmocka_unit_test(test_glued_digits),
		cmocka_unit_test(test_url_glued_list),
		cmocka_unit_test(test_time_inside_title),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_fractions_and_near_zero),
		cmocka_unit_test(test_first_of_repeated_lists),
		cmocka_unit_test(test_appends_and_bounds),
		cmocka_unit_test(test_links_keep_words),
		cmocka_unit_test(test_title_before_time),
		cmocka_unit_test(test_decorated_times),
		cmocka_unit_test(test_hours_minutes),
		cmocka_unit_test(test_lines_and_lone_times),
		cmocka_unit_test(test_stray_entry),
		cmocka_unit_test(test_punctuation_titles),
		cmocka_unit_test(test_negative_other_shows),
		cmocka_unit_test(test_one_megabyte),
		cmocka_unit_test(test_linear_time),
	};
	discover_fixtures();
	size_t nfixed = sizeof fixed / sizeof fixed[0];
	struct CMUnitTest *tests = xcalloc(nfixtures + nfixed, sizeof *tests);
	char **names = xcalloc(nfixtures + 1, sizeof *names);
	for (size_t i = 0; i < nfixtures; i++) {
		names[i] = xasprintf("fixture %s", fixtures[i].name);
		tests[i].name = names[i];
		tests[i].test_func = test_fixture;
		tests[i].initial_state = &fixtures[i];
	}
	memcpy(tests + nfixtures, fixed, sizeof fixed);
	int rc = _cmocka_run_group_tests("test_chapnotes", tests,
	                                 nfixtures + nfixed, NULL, NULL);
	for (size_t i = 0; i < nfixtures; i++) {
		free(names[i]);
		free(fixtures[i].name);
		free(fixtures[i].input);
	}
	free(names);
	free(fixtures);
	free(tests);
	return rc;
}
