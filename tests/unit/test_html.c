/*
 * test_html.c - unit tests for html.c (show notes to text).
 */
#include "testutil.h"

#include <limits.h>

#include <unistd.h>

#include "html.h"
#include "text.h"

/* Converts in and compares text and links (want_links NULL-terminated). */
static void check(const char *in, const char *want, const char *const *want_links)
{
	html_text t;
	size_t n = 0;

	assert_int_equal(html_to_text(in, (size_t)-1, &t), 0);
	assert_non_null(t.text);
	assert_string_equal(t.text, want);
	while (want_links && want_links[n])
		n++;
	assert_int_equal(t.nlinks, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(t.links[i], want_links[i]);
	html_text_free(&t);
}

static void test_blocks(void **state)
{
	(void)state;
	check("<p>one</p><p>two</p>", "one\n\ntwo", NULL);
	check("<p>a<br>b<br/>c</p>", "a\nb\nc", NULL);
	check("<h1>Title</h1>text<h2>Sub</h2><div>x</div><div>y</div>",
	      "Title\n\ntext\n\nSub\n\nx\ny", NULL);
	check("<ul><li>one</li><li>two</li></ul>after",
	      "\xE2\x80\xA2 one\n\xE2\x80\xA2 two\nafter", NULL);
	check("<ol><li>a<ul><li>b</li></ul></li><li><p>c</p></li></ol>",
	      "\xE2\x80\xA2 a\n  \xE2\x80\xA2 b\n\xE2\x80\xA2 c", NULL);
	check("<blockquote>q</blockquote><hr>z", "q\n\nz", NULL);
	check("<table><tr><td>a</td><td>b</td></tr><tr><th>c</th></tr></table>",
	      "a b\nc", NULL);
	check("<p>  lots   of\n\n   space\t<b>bold</b> <i>it</i></p>",
	      "lots of space bold it", NULL);
	check("<pre>  keep\n    this</pre>x", "  keep\n    this\n\nx", NULL);
	check("<p>&nbsp;</p><p>a</p><p> </p><p>&nbsp;</p><p>b</p><br><br>",
	      "a\n\nb", NULL);
}

static void test_chapters(void **state)
{
	(void)state;
	check("<p>00:00 - Intro<br>01:27 - Lev's journey<br>\n"
	      "12:05 \xE2\x80\x93 \xE2\x80\x9CQuotes\xE2\x80\x9D \xF0\x9F\x8E\x89</p>",
	      "00:00 - Intro\n01:27 - Lev's journey\n"
	      "12:05 \xE2\x80\x93 \xE2\x80\x9CQuotes\xE2\x80\x9D \xF0\x9F\x8E\x89",
	      NULL);
	check("<p>Chapters:</p>\n<ul>\n<li>0:20 \xE2\x80\x93 Meet Marcel</li>\n"
	      "<li>1:02:03 \xE2\x80\x94 Q&amp;A</li>\n</ul>",
	      "Chapters:\n\n\xE2\x80\xA2 0:20 \xE2\x80\x93 Meet Marcel\n"
	      "\xE2\x80\xA2 1:02:03 \xE2\x80\x94 Q&A",
	      NULL);
	check("<div>(00:00) Start</div><div>(05:30) End</div>",
	      "(00:00) Start\n(05:30) End", NULL);
}

static void test_links(void **state)
{
	(void)state;
	const char *l1[] = {"https://a.example/x?a=1&b=2", "http://b.example/", NULL};
	check("<p>See <a href=\"https://a.example/x?a=1&amp;b=2\">this</a>, "
	      "<a href=' http://b.example/ '>that</a> and "
	      "<a href=\"https://a.example/x?a=1&amp;b=2\">this again</a>.</p>",
	      "See this [1], that [2] and this again [1].", l1);
	const char *l2[] = {"https://x.example", "/relative/path", NULL};
	check("<a href=\"https://x.example\">https://x.example</a> "
	      "<a href=\"javascript:alert(1)\">js</a> <a href=\"#top\">top</a> "
	      "<a href=\"\">empty</a> <a>none</a> <a href=\"/relative/path\">rel</a>",
	      "https://x.example [1] js top empty none rel [2]", l2);
	const char *l3[] = {"https://img.example/", NULL};
	check("<a href=\"https://img.example/\"><img src=\"x.png\"></a>", "[1]", l3);
}

static void test_entities(void **state)
{
	(void)state;
	check("<p>&amp; &lt;tag&gt; &quot;q&quot; &#39;s &eacute; &#x1F600; &hellip; &mdash;</p>",
	      "& <tag> \"q\" 's \xC3\xA9 \xF0\x9F\x98\x80 \xE2\x80\xA6 \xE2\x80\x94", NULL);
	/* plain text: only the well-formed basic entities */
	check("Tom &amp; Jerry &#8211; AT&T &bogus; &#0; &lt;3",
	      "Tom & Jerry \xE2\x80\x93 AT&T &bogus; &#0; <3", NULL);
}

static void test_plain(void **state)
{
	(void)state;
	const char *l[] = {"https://example.com/ep1", "http://a.example/x_(y)",
			   "HTTPS://q.example/?a=1&b=2", NULL};
	check("\n\nLine one\r\n  indented   twice\rthird\n\n\nSee https://example.com/ep1. "
	      "Also (http://a.example/x_(y)) and https://example.com/ep1 and "
	      "HTTPS://q.example/?a=1&amp;b=2\n  \n",
	      "Line one\n  indented   twice\nthird\n\n\nSee https://example.com/ep1. "
	      "Also (http://a.example/x_(y)) and https://example.com/ep1 and "
	      "HTTPS://q.example/?a=1&b=2",
	      l);
	check("1 < 2 and 3 > 2, <3 <=", "1 < 2 and 3 > 2, <3 <=", NULL);
	check("http:// alone", "http:// alone", NULL);
}

static void test_dropped(void **state)
{
	(void)state;
	check("<html><head><title>T</title><style>p{color:red}</style></head>"
	      "<body><script>alert('x')</script><p>visible</p><noscript>ns</noscript>"
	      "<!-- hidden --><svg><text>s</text></svg><iframe src=x>if</iframe></body></html>",
	      "visible", NULL);
	check("<p>a<script>document.write('<p>b</p>')</script>c</p>", "ac", NULL);
}

static void test_cdata_junk(void **state)
{
	(void)state;
	check("<![CDATA[<p>Hi <b>there</b></p>]]>", "Hi there", NULL);
	check("<p>x</p>]]>", "x\n\n]]>", NULL);
	check("<![CDATA[unterminated <p>y", "unterminated\n\ny", NULL);
}

static void test_malformed(void **state)
{
	(void)state;
	check("<div><p>unclosed <b>bold <i>it", "unclosed bold it", NULL);
	check("</p></div>stray<p <b>x</b>", "stray\n\nx", NULL);
	check("<p>a</b></i>b</p></li></ul>c", "ab\n\nc", NULL);
	check("<ul><li>one<li>two</ul>", "\xE2\x80\xA2 one\n\xE2\x80\xA2 two", NULL);
	/* a meta charset must not override UTF-8 */
	check("<meta charset=\"iso-8859-1\"><p>caf\xC3\xA9</p>", "caf\xC3\xA9", NULL);
	/* invalid UTF-8 becomes U+FFFD instead of switching to Latin-1 */
	check("<p>bad \xFF byte, then caf\xC3\xA9</p>",
	      "bad \xEF\xBF\xBD byte, then caf\xC3\xA9", NULL);
}

static void test_not_sanitized(void **state)
{
	(void)state;
	/* plain text keeps controls; HTML keeps what libxml2 keeps (not ESC,
	 * which is not an XML character), e.g. bidi overrides */
	check("\x1b[31mred\x1b[0m\x07", "\x1b[31mred\x1b[0m\x07", NULL);
	check("<p>a\xE2\x80\xAE" "b</p>", "a\xE2\x80\xAE" "b", NULL);
}

static void test_empty(void **state)
{
	(void)state;
	check("", "", NULL);
	check("   \n\n  ", "", NULL);
	check("<p></p><div> </div>", "", NULL);
	check("<!-- only a comment -->", "", NULL);
	html_text t;
	assert_int_equal(html_to_text(NULL, 0, &t), 0);
	assert_string_equal(t.text, "");
	assert_int_equal(t.nlinks, 0);
	html_text_free(&t);
	html_text_free(&t); /* idempotent */
	html_text_free(NULL);
}

static void test_nested(void **state)
{
	(void)state;
	const size_t depth = 50000;
	sbuf b = SBUF_INIT;
	for (size_t i = 0; i < depth; i++)
		sb_puts(&b, "<div>");
	sb_puts(&b, "deep <a href=\"https://deep.example/\">x</a>");
	for (size_t i = 0; i < depth; i++)
		sb_puts(&b, "</div>");
	html_text t;
	assert_int_equal(html_to_text(b.s, b.len, &t), 0);
	assert_non_null(strstr(t.text, "deep"));
	html_text_free(&t);

	/* unclosed nesting too */
	b.len = 0;
	for (size_t i = 0; i < depth; i++)
		sb_puts(&b, "<ul><li><b>");
	sb_puts(&b, "bottom");
	assert_int_equal(html_to_text(b.s, b.len, &t), 0);
	assert_non_null(strstr(t.text, "bottom"));
	html_text_free(&t);
	sb_free(&b);
}

static void assert_valid_utf8(const char *s)
{
	size_t n = strlen(s), i = 0;
	while (i < n) {
		int32_t cp;
		i += text_utf8_next(s + i, n - i, &cp);
		assert_true(cp >= 0);
	}
}

static void test_garbage(void **state)
{
	(void)state;
	size_t n = 64 * 1024;
	char *buf = xmalloc(n);
	uint32_t x = 12345;
	for (int round = 0; round < 4; round++) {
		for (size_t i = 0; i < n; i++) {
			x = x * 1103515245u + 12345u;
			buf[i] = (char)(x >> 16);
			if (round == 1 && i % 7 == 0)
				buf[i] = '<';
			if (round == 2 && i % 5 == 0)
				buf[i] = "<>&/!"[(x >> 8) % 5];
		}
		html_text t;
		assert_int_equal(html_to_text(buf, n, &t), 0);
		assert_non_null(t.text);
		assert_valid_utf8(t.text);
		html_text_free(&t);
	}
	free(buf);
}

/* About n bytes of paragraphs with links, entities and chapter lines. */
static void big_html(sbuf *b, size_t n)
{
	while (b->len < n)
		sb_printf(b, "<p>Paragraph %zu with <a href=\"https://e.example/%zu\">a link</a>"
			     " &amp; <b>bold</b> text<br>00:%02zu - chapter</p>\n",
			  b->len, b->len % 5000, b->len % 60);
}

static int64_t big_work(size_t n, void *ctx)
{
	(void)ctx;
	sbuf b = SBUF_INIT;
	big_html(&b, n);
	html_text t;
	int64_t t0 = cpu_ns();
	assert_int_equal(html_to_text(b.s, b.len, &t), 0);
	int64_t took = cpu_ns() - t0;
	html_text_free(&t);
	sb_free(&b);
	return took;
}

static void test_big(void **state)
{
	(void)state;
	assert_linear("html_to_text", big_work, 64 * 1024, NULL);
	sbuf b = SBUF_INIT;
	big_html(&b, 1024 * 1024);
	html_text t;
	assert_int_equal(html_to_text(b.s, b.len, &t), 0);
	assert_true(strlen(t.text) > 400 * 1024);
	assert_true(t.nlinks > 100);
	html_text_free(&t);
	sb_free(&b);
}

static void test_silent(void **state)
{
	(void)state;
	char path[] = "/tmp/podcue-test-html-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	fflush(stderr);
	int saved = dup(2);
	dup2(fd, 2);
	html_text t;
	html_to_text("<p><b>x</i></zz:foo>&bogus;<a href=1 href=2><</p>\xFF", (size_t)-1, &t);
	html_text_free(&t);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	struct stat st;
	assert_int_equal(fstat(fd, &st), 0);
	close(fd);
	unlink(path);
	assert_int_equal(st.st_size, 0);
}

/* The chapter view: flags as given, text compared. */
static void check_view(const char *in, int flags, const char *want, int src_breaks)
{
	html_text t;
	assert_int_equal(html_render(in, (size_t)-1, flags, &t), 0);
	assert_string_equal(t.text, want);
	assert_int_equal(t.src_breaks, src_breaks);
	html_text_free(&t);
}

static void test_chapter_view(void **state)
{
	(void)state;
	/* links keep their words, with no number; the links are still listed */
	check_view("<p>00:00 <a href=\"https://e.org/a\">Intro</a> and "
	           "<a href=\"https://e.org/b\">more</a></p>",
	           HTML_CHAPTERS, "00:00 Intro and more", 0);
	/* footnote markers are dropped; a time link and words are not */
	check_view("<p>00:00 Intro<sup><a href=\"#fn1\">1</a></sup> and "
	           "<a href=\"#fn2\">[2]</a> <a href=\"#t=05:00\">05:00</a> "
	           "<a href=\"https://e.org\">7</a></p>",
	           HTML_CHAPTERS, "00:00 Intro and 05:00 7", 0);
	/* table cells keep a visible edge */
	check_view("<table><tr><td>Intro</td><td>00:00</td></tr></table>",
	           HTML_CHAPTERS, "Intro | 00:00", 0);
	/* markdown links and emphasis, in HTML text and in plain text */
	check_view("<p>**[00:20](#t=00:20)** Title [x](https://e.org) [y] (z)</p>",
	           HTML_CHAPTERS, "00:20 Title x [y] (z)", 0);
	check_view("**[00:20](#t=00:20)** Title", HTML_CHAPTERS, "00:20 Title", 0);
	/* the reading view is unchanged */
	check_view("<p>**[00:20](#t=00:20)** <a href=\"https://e.org\">T</a></p>", 0,
	           "**[00:20](#t=00:20)** T [1]", 0);
	/* source lines: noticed, and read as lines on request; not in <pre> */
	check_view("<p>Notes\n00:00 Intro\n05:00 End</p>", HTML_CHAPTERS,
	           "Notes 00:00 Intro 05:00 End", 1);
	check_view("<p>Notes\n00:00 Intro\n05:00 End</p>",
	           HTML_CHAPTERS | HTML_SRC_LINES, "Notes\n00:00 Intro\n05:00 End", 1);
	check_view("<p>a wrapped\nline</p>", HTML_CHAPTERS, "a wrapped line", 0);
	check_view("<pre>00:00 a\n05:00 b</pre>", HTML_CHAPTERS | HTML_SRC_LINES,
	           "00:00 a\n05:00 b", 0);
}

/* One parse, every view: each view of a parsed note is the one a parse of
 * its own gives, whatever was rendered from the tree before (rendering
 * never changes it). Also for plain text, CDATA-wrapped notes and
 * garbage. */
static void test_one_parse_many_views(void **state)
{
	(void)state;
	static const char *const notes[] = {
		"<p>Notes\n00:00 <a href=\"https://e.org/a\">Intro</a>\n05:00 End</p>"
		"<ul><li>10:00 – Meet [x](https://e.org/x)</li><li>**12:00** Go</li></ul>"
		"<table><tr><td>Outro</td><td>58:00</td></tr></table>",
		"<![CDATA[<p>00:00 Intro<br>01:27 Next &amp; last</p>]]>",
		"00:00 Intro\r\n01:27 Next https://e.org/p?q=1.\n[link](https://e.org)",
		"<div><b>unclosed <i>tags\n12:30 here",
		"",
	};
	static const int flags[] = {0, HTML_CHAPTERS, HTML_CHAPTERS | HTML_SRC_LINES,
				    HTML_SRC_LINES, 0};
	for (size_t i = 0; i < sizeof notes / sizeof notes[0]; i++) {
		html_doc *d = html_parse(notes[i], (size_t)-1);
		for (size_t k = 0; k < sizeof flags / sizeof flags[0]; k++) {
			html_text a, b;
			assert_int_equal(html_doc_render(d, flags[k], &a),
					 html_render(notes[i], strlen(notes[i]), flags[k], &b));
			assert_string_equal(a.text, b.text);
			assert_int_equal(a.nlinks, b.nlinks);
			for (size_t l = 0; l < a.nlinks; l++)
				assert_string_equal(a.links[l], b.links[l]);
			assert_int_equal(a.src_breaks, b.src_breaks);
			html_text_free(&a);
			html_text_free(&b);
		}
		html_doc_free(d);
	}
	/* A note too large to parse fails in every view, as html_render does. */
	html_doc *d = html_parse("x", (size_t)INT_MAX + 1);
	html_text t;
	assert_int_equal(html_doc_render(d, 0, &t), -1);
	assert_string_equal(t.text, "");
	html_text_free(&t);
	assert_int_equal(html_doc_render(d, HTML_CHAPTERS, &t), -1);
	html_text_free(&t);
	html_doc_free(d);
	html_doc_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blocks),
		cmocka_unit_test(test_chapters),
		cmocka_unit_test(test_links),
		cmocka_unit_test(test_entities),
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_dropped),
		cmocka_unit_test(test_cdata_junk),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_not_sanitized),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_nested),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_big),
		cmocka_unit_test(test_silent),
		cmocka_unit_test(test_chapter_view),
		cmocka_unit_test(test_one_parse_many_views),
	};
	return cmocka_run_group_tests_name("html", tests, NULL, NULL);
}
