/*
 * test_transcript.c - transcripts to segments (transcript.h): the formats
 * of the Podcasting 2.0 spec as its examples shape them, mislabelled types,
 * and hostile documents. Fixtures in tests/fixtures/transcripts/.
 */
#include "testutil.h"

#include "transcript.h"

#define FIXDIR "tests/fixtures/transcripts/"

static int parse_file(const char *name, const char *type, transcript *t, char **err)
{
	char *path = xasprintf(FIXDIR "%s", name);
	size_t len;
	char *buf = fixture_read(path, &len);
	*t = (transcript)TRANSCRIPT_INIT;
	int rc = transcript_parse(type, buf, len, t, err);
	free(buf);
	free(path);
	return rc;
}

static int parse_str(const char *type, const char *s, transcript *t, char **err)
{
	*t = (transcript)TRANSCRIPT_INIT;
	return transcript_parse(type, s, strlen(s), t, err);
}

static void assert_seg(const transcript_segment *s, double start, double end,
		       const char *speaker, const char *text)
{
	assert_float_equal(s->start, start, 0.001);
	assert_float_equal(s->end, end, 0.001);
	if (speaker)
		assert_string_equal(s->speaker, speaker);
	else
		assert_null(s->speaker);
	assert_string_equal(s->text, text);
}

static void test_srt(void **state)
{
	(void)state;
	transcript t;
	assert_int_equal(parse_file("spec.srt", "application/x-subrip", &t, NULL), 0);
	assert_int_equal(t.format, TRANSCRIPT_SRT);
	assert_int_equal(t.n, 4);
	assert_seg(&t.v[0], 0, 2.5, "Maya", "Welcome back to Tidepool, the show about small harbours.");
	/* The speaker lasts until the next "Name:". */
	assert_seg(&t.v[1], 2.5, 5.25, "Maya", "Today we talk about lighthouse keepers and their logbooks.");
	assert_seg(&t.v[2], 5.25, 9, "Ravi", "Thanks Maya, I brought three logbooks from Orkney.");
	assert_string_equal(t.v[3].speaker, "Ravi");
	transcript_free(&t);
}

static void test_vtt(void **state)
{
	(void)state;
	transcript t;
	assert_int_equal(parse_file("spec.vtt", "text/vtt", &t, NULL), 0);
	assert_int_equal(t.format, TRANSCRIPT_VTT);
	assert_int_equal(t.n, 4);
	/* Header, NOTE, cue id and settings skipped; markup gone; hours optional. */
	assert_seg(&t.v[0], 0, 4, "Maya", "Welcome back to Tidepool, the show about small harbours.");
	assert_seg(&t.v[1], 4, 8.5, "Ravi", "I brought three logbooks & a barometer.");
	assert_seg(&t.v[2], 8.5, 13, "Maya", "Which storm was the worst one in the logbooks?");
	transcript_free(&t);
}

static void test_json_words_merged(void **state)
{
	(void)state;
	transcript t;
	assert_int_equal(parse_file("words.json", "application/json", &t, NULL), 0);
	assert_int_equal(t.format, TRANSCRIPT_JSON);
	/* 25 words: a sentence ends after 5 s, the speaker changes. */
	assert_int_equal(t.n, 3);
	assert_seg(&t.v[0], 0.5, 6.1, "Maya",
		   "Welcome back to Tidepool, the show about small harbours. Today we meet "
		   "lighthouse keepers.");
	assert_seg(&t.v[1], 6.3, 8.9, "Maya", "They kept logbooks of every storm.");
	assert_seg(&t.v[2], 9.2, 10.9, "Ravi", "Even the winter gale.");
	for (size_t i = 0; i < t.n; i++)
		assert_true(t.v[i].end - t.v[i].start <= TRANSCRIPT_MAX_SPAN);
	transcript_free(&t);
}

static void test_json_phrases(void **state)
{
	(void)state;
	transcript t;
	assert_int_equal(parse_file("phrases.json", "application/json", &t, NULL), 0);
	assert_int_equal(t.n, 3);
	assert_seg(&t.v[0], 0, 6.5, "Maya", "Welcome back to Tidepool, the show about small harbours.");
	assert_seg(&t.v[1], 6.5, 14, "Ravi", "I brought three logbooks from Orkney with me today.");
	/* Times as strings, no speaker. */
	assert_seg(&t.v[2], 14, 20, NULL, "A word from nobody in particular.");
	transcript_free(&t);
}

static void test_html_spec(void **state)
{
	(void)state;
	transcript t;
	assert_int_equal(parse_file("spec.html", "text/html", &t, NULL), 0);
	assert_int_equal(t.format, TRANSCRIPT_HTML);
	assert_int_equal(t.n, 3);
	assert_seg(&t.v[0], 0, 9, "Maya",
		   "Welcome back to Tidepool, the show about small harbours & their keepers.");
	assert_seg(&t.v[1], 9, 3723, "Ravi", "I brought three logbooks from Orkney.");
	assert_seg(&t.v[2], 3723, 3723, "Maya", "Which storm was the worst?");
	transcript_free(&t);
}

static void test_html_plain_paragraphs(void **state)
{
	(void)state;
	transcript t;
	assert_int_equal(parse_file("plain.html", "text/html", &t, NULL), 0);
	assert_int_equal(t.n, 3);
	assert_true(t.v[0].start < 0); /* untimed */
	assert_string_equal(t.v[0].text, "Tidepool 12: transcript");
	assert_string_equal(t.v[2].text, "Today we meet lighthouse keepers and read their logbooks.");
	assert_int_equal(transcript_at(t.v, t.n, 10), -1);
	transcript_free(&t);
}

static void test_plain_text(void **state)
{
	(void)state;
	transcript t;
	assert_int_equal(parse_file("plain.txt", "text/plain", &t, NULL), 0);
	assert_int_equal(t.format, TRANSCRIPT_TEXT);
	assert_int_equal(t.n, 2);
	assert_seg(&t.v[0], -1, -1, "Maya", "Welcome back to Tidepool. The show about small harbours.");
	assert_string_equal(t.v[1].speaker, "Ravi");
	transcript_free(&t);
}

/* Real feeds mislabel: the content decides. */
static void test_mislabelled(void **state)
{
	(void)state;
	static const struct {
		const char *file, *type;
		int format;
		size_t n;
	} cases[] = {
		{"spec.srt", "text/vtt", TRANSCRIPT_SRT, 4},
		{"spec.vtt", "application/srt", TRANSCRIPT_VTT, 4},
		{"words.json", "text/plain", TRANSCRIPT_JSON, 3},
		{"phrases.json", "text/html", TRANSCRIPT_JSON, 3},
		{"spec.html", "application/json", TRANSCRIPT_HTML, 3},
		{"spec.srt", "text/html", TRANSCRIPT_SRT, 4},
		{"spec.srt", NULL, TRANSCRIPT_SRT, 4},
		{"plain.txt", "application/json", TRANSCRIPT_TEXT, 2},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		transcript t;
		char *err = NULL;
		assert_int_equal(parse_file(cases[i].file, cases[i].type, &t, &err), 0);
		assert_null(err);
		assert_int_equal(t.format, cases[i].format);
		assert_int_equal(t.n, cases[i].n);
		assert_non_null(strstr(t.v[0].text, "Tidepool"));
		transcript_free(&t);
	}
	/* A BOM and blank lines before the header. */
	transcript t;
	assert_int_equal(parse_str("text/plain", "\xEF\xBB\xBF\n\nWEBVTT\n\n00:01.000 --> 00:02.000\nhi\n",
				   &t, NULL), 0);
	assert_int_equal(t.format, TRANSCRIPT_VTT);
	assert_int_equal(t.n, 1);
	transcript_free(&t);
}

static void test_escapes_stripped(void **state)
{
	(void)state;
	transcript t;
	assert_int_equal(parse_file("escapes.vtt", "text/vtt", &t, NULL), 0);
	assert_int_equal(t.n, 2);
	for (size_t i = 0; i < t.n; i++) {
		for (const char *p = t.v[i].text; *p; p++)
			assert_true((unsigned char)*p >= 0x20);
		for (const char *p = t.v[i].speaker ? t.v[i].speaker : ""; *p; p++)
			assert_true((unsigned char)*p >= 0x20);
		assert_null(strstr(t.v[i].text, "\xe2\x80\xae")); /* bidi override */
	}
	assert_string_equal(t.v[0].text, "Hello clipboard red text");
	assert_string_equal(t.v[1].text, "bidi reversed");
	transcript_free(&t);
}

static void test_invalid_times(void **state)
{
	(void)state;
	transcript t;
	assert_int_equal(parse_file("badtimes.srt", "application/srt", &t, NULL), 0);
	/* The cue without a start is dropped, the others sorted and clamped. */
	assert_int_equal(t.n, 4);
	assert_seg(&t.v[0], 1, 1.5, NULL, "Out of order.");
	assert_seg(&t.v[1], 5, 7, NULL, "End before start."); /* end: the next start */
	assert_seg(&t.v[2], 7, TRANSCRIPT_MAX_TIME, NULL, "No end."); /* the next start */
	assert_true(t.v[3].start <= TRANSCRIPT_MAX_TIME && t.v[3].end >= t.v[3].start);
	assert_int_equal(transcript_at(t.v, t.n, 0.5), -1);
	assert_int_equal(transcript_at(t.v, t.n, 1.2), 0);
	assert_int_equal(transcript_at(t.v, t.n, 6.6), 1);
	/* A seek to 7 that lands on the frame before is at the segment of 7. */
	assert_int_equal(transcript_at(t.v, t.n, 6.9), 2);
	assert_int_equal(transcript_at(t.v, t.n, 1e9), 3);
	transcript_free(&t);

	assert_int_equal(parse_str("application/json",
				   "{\"segments\":[{\"startTime\":-5,\"endTime\":1e300,\"body\":\"a\"},"
				   "{\"startTime\":\"x\",\"body\":\"untimed\"},"
				   "{\"startTime\":3,\"endTime\":1,\"body\":\"b\"}]}",
				   &t, NULL), 0);
	assert_int_equal(t.n, 3);
	assert_float_equal(t.v[0].start, 0, 0.001);
	assert_float_equal(t.v[0].end, TRANSCRIPT_MAX_TIME, 0.001);
	for (size_t i = 0; i < t.n; i++)
		assert_true(t.v[i].start >= 0 && t.v[i].end >= t.v[i].start);
	transcript_free(&t);
}

static void test_deep_json(void **state)
{
	(void)state;
	size_t depth = 100000;
	char *buf = xmalloc(2 * depth + 1);
	memset(buf, '[', depth);
	memset(buf + depth, ']', depth);
	buf[2 * depth] = '\0';
	transcript t;
	char *err = NULL;
	assert_int_equal(parse_str("application/json", buf, &t, &err), -1);
	assert_non_null(strstr(err, "nesting"));
	free(err);
	free(buf);
	err = NULL;
	assert_int_equal(parse_str("application/json", "{\"segments\": [1, 2", &t, &err), -1);
	assert_non_null(strstr(err, "not JSON"));
	free(err);
	err = NULL;
	assert_int_equal(parse_str("application/json", "{\"segments\": {}}", &t, &err), -1);
	free(err);
}

static void test_huge(void **state)
{
	(void)state;
	/* Over the size cap: refused whole. */
	size_t big = TRANSCRIPT_MAX_BYTES + 1;
	char *buf = xmalloc(big);
	memset(buf, 'a', big);
	transcript t;
	char *err = NULL;
	assert_int_equal(transcript_parse("text/plain", buf, big, &t, &err), -1);
	assert_non_null(strstr(err, "larger"));
	free(err);
	free(buf);
	/* Under it, but more cues than the cap: the first ones are kept. */
	sbuf b = SBUF_INIT;
	for (int i = 0; i < TRANSCRIPT_MAX_SEGMENTS + 500; i++)
		sb_printf(&b, "%d\n00:%02d:%02d,000 --> 00:%02d:%02d,500\nw%d\n\n", i + 1,
			  (i / 60) % 60, i % 60, (i / 60) % 60, i % 60, i);
	assert_int_equal(transcript_parse("application/srt", b.s, b.len, &t, NULL), 0);
	assert_int_equal(t.n, TRANSCRIPT_MAX_SEGMENTS);
	transcript_free(&t);
	sb_free(&b);
	/* One endless cue line: its text is capped. */
	sb_puts(&b, "00:00:01,000 --> 00:00:02,000\n");
	for (int i = 0; i < 100000; i++)
		sb_puts(&b, "long ");
	assert_int_equal(transcript_parse("application/srt", b.s, b.len, &t, NULL), 0);
	assert_int_equal(t.n, 1);
	assert_true(strlen(t.v[0].text) <= TRANSCRIPT_MAX_TEXT);
	transcript_free(&t);
	sb_free(&b);
}

static void test_empty_and_wrong(void **state)
{
	(void)state;
	transcript t;
	char *err = NULL;
	assert_int_equal(parse_str("text/vtt", "", &t, &err), -1);
	free(err);
	err = NULL;
	assert_int_equal(parse_str("text/vtt", "WEBVTT\n\n", &t, &err), -1);
	assert_non_null(strstr(err, "no text"));
	free(err);
	err = NULL;
	/* An image served as a transcript: binary junk, no segment of text. */
	assert_int_equal(parse_str("text/html", "<html><body><img src=x></body></html>", &t, &err), -1);
	free(err);
}

static void test_sniff_and_rank(void **state)
{
	(void)state;
	assert_int_equal(transcript_sniff("TEXT/VTT; charset=utf-8", "hello", 5), TRANSCRIPT_TEXT);
	assert_int_equal(transcript_sniff("text/html", "hello", 5), TRANSCRIPT_HTML);
	assert_int_equal(transcript_sniff("text/plain", " [ ]", 4), TRANSCRIPT_JSON);
	assert_true(transcript_type_rank("application/json") < transcript_type_rank("text/vtt"));
	assert_true(transcript_type_rank("text/vtt") < transcript_type_rank("application/x-subrip"));
	assert_true(transcript_type_rank("application/srt") < transcript_type_rank("text/html"));
	assert_true(transcript_type_rank("text/html") < transcript_type_rank("text/plain"));
	assert_string_equal(transcript_format_name(TRANSCRIPT_SRT), "srt");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_srt),
		cmocka_unit_test(test_vtt),
		cmocka_unit_test(test_json_words_merged),
		cmocka_unit_test(test_json_phrases),
		cmocka_unit_test(test_html_spec),
		cmocka_unit_test(test_html_plain_paragraphs),
		cmocka_unit_test(test_plain_text),
		cmocka_unit_test(test_mislabelled),
		cmocka_unit_test(test_escapes_stripped),
		cmocka_unit_test(test_invalid_times),
		cmocka_unit_test(test_deep_json),
		cmocka_unit_test(test_huge),
		cmocka_unit_test(test_empty_and_wrong),
		cmocka_unit_test(test_sniff_and_rank),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
