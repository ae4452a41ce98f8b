/*
 * test_chapnotes.c - chapter lists in show-note text.
 *
 * Fixtures: tests/fixtures/notes/NAME.txt holds one episode's notes in one
 * of the shapes seen in real show notes; NAME.expected holds the chapter
 * list a human reads there, one "start<TAB>title" line per chapter (start in
 * seconds). Every fixture must be listed in fixtures[] below, and every
 * listed fixture must exist (test_fixture_table_complete).
 */
#include "testutil.h"

#include <dirent.h>
#include <time.h>

#include "chapnotes.h"
#include "chapter.h"

#define FIXDIR "tests/fixtures/notes/"

static const char *const fixtures[] = {
	/* seed 000: one line, "Chapters:" glued after a sentence */
	"s000-prisma-glued",
	/* seed 001: one page, twenty episodes */
	"s001-chroma-endash",          /* en dash, HH:MM:SS hours */
	"s001-motherduck-hyphen",      /* quotes, $25, "12 days", "…" */
	"s001-denis-endash",
	"s001-gajus-endash",
	"s001-turbopuffer-hyphen",     /* "Chapters" without colon */
	"s001-tigris-hyphen",
	"s001-preston-hyphen",
	"s001-tigerbeetle-hyphen",
	"s001-samlambert-hyphen",      /* times beyond the audio's length */
	"s001-marcel-bullets",         /* "  • 0:20 – Meet Marcel" */
	"s001-lev-bullets",            /* "  • 00:00 - Intro" */
	"s001-glauber-nbsp",           /* trailing " \u00a0" on each line */
	"s001-sugu-blanklines",        /* M:SS, blank line between entries */
	"s001-richard-blanklines",
	"s001-johannes-blanklines",    /* "🕒 Chapters", "in 2020" */
	"s001-josh-oneline",           /* whole notes on one line */
	"s001-heikki-oneline-nolabel", /* one line, no "Chapters" label */
	"s001-carl-oneline",
	"s001-mike-oneline",
	"s001-soren-hyphen",
	/* seed 002: run together */
	"s002-lev-glued",      /* URL + "Chapters00:00", "vision1:01:03" */
	"s002-glauber-oneline",
	"s002-sugu-glued",     /* "Intro1:38" */
	"s002-richard-glued",  /* "Metal?00:39" */
	"s002-johannes-glued", /* "in 202016:00", ends without newline */
	/* seed 003: "00:00 Title", no separator */
	"s003-soren-nosep",
	/* seed 004: label and first entry on one line, then one per line */
	"s004-carl-labelfirst",
};
#define NFIX (sizeof fixtures / sizeof fixtures[0])

struct exp_ch {
	double start;
	char *title;
};

static size_t read_expected(const char *name, struct exp_ch **out)
{
	char *path = xasprintf(FIXDIR "%s.expected", name);
	size_t len;
	char *buf = fixture_read(path, &len);
	size_t n = 0, cap = 0;
	struct exp_ch *v = NULL;
	char *line = buf;
	while (*line) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (*line) {
			char *tab = strchr(line, '\t');
			if (!tab)
				fail_msg("%s: line without a tab: %s", path, line);
			*tab = '\0';
			if (n == cap) {
				cap = cap ? cap * 2 : 32;
				v = xrealloc(v, cap * sizeof *v);
			}
			v[n].start = strtod(line, NULL);
			v[n].title = xstrdup(tab + 1);
			n++;
		}
		if (!nl)
			break;
		line = nl + 1;
	}
	free(buf);
	free(path);
	*out = v;
	return n;
}

static void check_fixture(const char *name)
{
	char *path = xasprintf(FIXDIR "%s.txt", name);
	size_t len;
	char *text = fixture_read(path, &len);
	struct exp_ch *exp;
	size_t nexp = read_expected(name, &exp);
	chapter_list l = CHAPTER_LIST_INIT;
	size_t n = chapnotes_parse(text, len, &l);
	if (n != nexp || l.n != nexp)
		fail_msg("%s: %zu chapters, expected %zu", name, n, nexp);
	for (size_t i = 0; i < nexp; i++) {
		const chapter *c = &l.v[i];
		if (c->start - exp[i].start > 0.0005 ||
		    exp[i].start - c->start > 0.0005)
			fail_msg("%s #%zu: start %.3f, expected %.3f", name, i,
			         c->start, exp[i].start);
		if (!c->title || strcmp(c->title, exp[i].title) != 0)
			fail_msg("%s #%zu: title \"%s\", expected \"%s\"", name, i,
			         c->title ? c->title : "(null)", exp[i].title);
		assert_int_equal(c->source, CHAP_SRC_NOTES);
		assert_time_equal(c->end, -1.0);
		assert_null(c->url);
		assert_null(c->img);
		assert_int_equal(c->hidden, 0);
	}
	for (size_t i = 0; i < nexp; i++)
		free(exp[i].title);
	free(exp);
	chapter_list_clear(&l);
	free(text);
	free(path);
}

/* One test per fixture; the fixture's name is the initial state. */
static void test_fixture(void **state)
{
	check_fixture((const char *)*state);
}

static int listed(const char *base)
{
	for (size_t i = 0; i < NFIX; i++)
		if (strcmp(fixtures[i], base) == 0)
			return 1;
	return 0;
}

static void test_fixture_table_complete(void **state)
{
	(void)state;
	DIR *d = opendir(FIXDIR);
	assert_non_null(d);
	struct dirent *e;
	size_t txt = 0;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (n > 4 && strcmp(e->d_name + n - 4, ".txt") == 0) {
			char *base = xstrndup(e->d_name, n - 4);
			if (!listed(base))
				fail_msg("fixture %s is not in fixtures[]", base);
			free(base);
			txt++;
		}
	}
	closedir(d);
	assert_int_equal(txt, NFIX);
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

int main(void)
{
	const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_fixture_table_complete),
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
		cmocka_unit_test(test_one_megabyte),
	};
	size_t nfixed = sizeof fixed / sizeof fixed[0];
	struct CMUnitTest *tests = xcalloc(NFIX + nfixed, sizeof *tests);
	char *names[NFIX];
	for (size_t i = 0; i < NFIX; i++) {
		names[i] = xasprintf("fixture %s", fixtures[i]);
		tests[i].name = names[i];
		tests[i].test_func = test_fixture;
		tests[i].initial_state = (void *)(uintptr_t)fixtures[i];
	}
	memcpy(tests + NFIX, fixed, sizeof fixed);
	int rc = _cmocka_run_group_tests("test_chapnotes", tests, NFIX + nfixed,
	                                 NULL, NULL);
	for (size_t i = 0; i < NFIX; i++)
		free(names[i]);
	free(tests);
	return rc;
}
