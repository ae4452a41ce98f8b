/*
 * test_hostile.c - hostile input across the parsers, at unit level.
 *
 * 1. Every file in tests/fixtures/fuzz/ is replayed through the libFuzzer
 *    target named by its prefix (feed-, chapnotes-, chapjson-, opml-,
 *    html-, text-, id3chap-), with the target's own invariants: the target sources
 *    in fuzz/ are compiled into this test with renamed entry points, so
 *    every normal and ASan test build replays each crasher ever found.
 * 2. Denial-of-service shapes that fuzzing with small inputs cannot reach
 *    (each found by review and fixed): entity quadratic blowup in text,
 *    attributes, xml:lang and xml:base; dash-filled comments; large damaged
 *    feeds; URLs followed by a long run of ')'. Each must stay fast and
 *    small.
 * 3. External entities, external DTD subsets and parameter entities, by
 *    file path and by http URL: no marker from the file may appear in any
 *    result, and a listening loopback socket must never see a connection.
 */
#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "chapjson.h"
#include "chapnotes.h"
#include "feed.h"
#include "html.h"
#include "opml.h"
#include "text.h"
#include "util.h"

/* ---- the fuzz targets, compiled in ---------------------------------- */

#define FUZZ_FAIL(what) fail_msg("fuzz invariant failed: %s", what)

#define FUZZ_ENTRY fuzz_feed_one
#include "../../fuzz/fuzz_feed.c"
#undef FUZZ_ENTRY
#define FUZZ_ENTRY fuzz_chapnotes_one
#include "../../fuzz/fuzz_chapnotes.c"
#undef FUZZ_ENTRY
#define FUZZ_ENTRY fuzz_chapjson_one
#include "../../fuzz/fuzz_chapjson.c"
#undef FUZZ_ENTRY
#define FUZZ_ENTRY fuzz_opml_one
#include "../../fuzz/fuzz_opml.c"
#undef FUZZ_ENTRY
#define FUZZ_ENTRY fuzz_html_one
#include "../../fuzz/fuzz_html.c"
#undef FUZZ_ENTRY
#define FUZZ_ENTRY fuzz_text_one
#include "../../fuzz/fuzz_text.c"
#undef FUZZ_ENTRY
#define FUZZ_ENTRY fuzz_id3chap_one
#include "../../fuzz/fuzz_id3chap.c"
#undef FUZZ_ENTRY

#define FUZZ_FIXTURES "tests/fixtures/fuzz"

static const struct {
	const char *prefix;
	int (*run)(const uint8_t *, size_t);
} targets[] = {
	{"feed-", fuzz_feed_one},   {"chapnotes-", fuzz_chapnotes_one},
	{"chapjson-", fuzz_chapjson_one}, {"opml-", fuzz_opml_one},
	{"html-", fuzz_html_one},   {"text-", fuzz_text_one},
	{"id3chap-", fuzz_id3chap_one},
};

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names of the regular files in dir; *n of them. */
static char **list_dir(const char *dir, size_t *n)
{
	DIR *d = opendir(dir);
	if (!d)
		fail_msg("cannot open %s", dir);
	char **v = NULL;
	*n = 0;
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_name[0] == '.' || !strcmp(e->d_name, "README.md"))
			continue;
		v = xrealloc(v, (*n + 1) * sizeof *v);
		v[(*n)++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (*n)
		qsort(v, *n, sizeof *v, by_name);
	return v;
}

static void test_fuzz_fixtures(void **state)
{
	(void)state;
	size_t n, per[sizeof targets / sizeof targets[0]] = {0};
	char **names = list_dir(FUZZ_FIXTURES, &n);
	assert_true(n > 0);
	for (size_t i = 0; i < n; i++) {
		size_t t = 0;
		while (t < sizeof targets / sizeof targets[0] &&
		       !str_prefix(names[i], targets[t].prefix, 0))
			t++;
		if (t == sizeof targets / sizeof targets[0])
			fail_msg("%s: no fuzz target for this prefix", names[i]);
		char *path = xasprintf(FUZZ_FIXTURES "/%s", names[i]);
		size_t len;
		char *buf = fixture_read(path, &len);
		/* an exact-size copy, so ASan sees any read past the end */
		uint8_t *exact = xmalloc(len);
		memcpy(exact, buf, len);
		int64_t t0 = cpu_ms();
		targets[t].run(exact, len);
		if (cpu_ms() - t0 > 5000)
			fail_msg("%s: took %lld ms", names[i], (long long)(cpu_ms() - t0));
		per[t]++;
		free(exact);
		free(buf);
		free(path);
		free(names[i]);
	}
	free(names);
	for (size_t t = 0; t < sizeof targets / sizeof targets[0]; t++)
		print_message("# replayed %zu %s* fixtures\n", per[t], targets[t].prefix);
}

/* ---- helpers -------------------------------------------------------- */

/* An internal DTD declaring entity e as `size` bytes of 'A', for the
 * document element root. */
static void entity_dtd(sbuf *b, const char *root, size_t size)
{
	sb_printf(b, "<?xml version=\"1.0\"?>\n<!DOCTYPE %s [<!ENTITY e \"", root);
	for (size_t i = 0; i < size; i++)
		sb_putc(b, 'A');
	sb_puts(b, "\">]>\n");
}

static void repeat(sbuf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sb_puts(b, s);
}

static size_t slen(const char *s)
{
	return s ? strlen(s) : 0;
}

/* Bytes of text a parsed feed holds. */
static size_t feed_bytes(const feed *f)
{
	size_t total = slen(f->title) + slen(f->language) + slen(f->description) + slen(f->link);
	for (size_t i = 0; i < f->nitems; i++) {
		const feed_item *it = &f->items[i];
		total += slen(it->title) + slen(it->notes) + slen(it->link) + slen(it->key) +
			 slen(it->guid) + slen(it->enclosure_url);
	}
	return total;
}

/* Parses b with feed_parse within ms of CPU time; returns its result, with *err
 * (caller frees) on failure. */
static int parse_timed(const sbuf *b, feed *f, char **err, int64_t ms)
{
	*err = NULL;
	int64_t t0 = cpu_ms();
	int rc = feed_parse(b->s, b->len, "https://example.com/feed.xml", NULL, f, err);
	int64_t took = cpu_ms() - t0;
	if (took > ms)
		fail_msg("feed_parse took %lld ms (limit %lld)", (long long)took, (long long)ms);
	return rc;
}

/* Parses b with feed_parse; fails unless it succeeds within ms. */
static void parse_fast(const sbuf *b, feed *f, int64_t ms)
{
	char *err;
	if (parse_timed(b, f, &err, ms) != 0)
		fail_msg("feed_parse failed: %s", err ? err : "?");
}

/* Parses b with feed_parse; fails unless it is refused as an entity bomb
 * within ms. */
static void parse_refused(const sbuf *b, int64_t ms)
{
	feed f;
	char *err;
	if (parse_timed(b, &f, &err, ms) == 0)
		fail_msg("an entity bomb was accepted (%zu bytes of text)", feed_bytes(&f));
	assert_string_equal(err, "refused: entity expansion beyond limits (an XML entity bomb)");
	assert_null(f.items);
	free(err);
}

/* ---- entity expansion ----------------------------------------------- */

/* libxml2 2.9 stops the exponential bomb, not the quadratic one: a 100 KB
 * entity referenced 10 times in each of 3,000 items was 3 GB and 10 s.
 * Now the document is refused, quickly, with a clear message. */
static void test_entity_quadratic_text(void **state)
{
	(void)state;
	sbuf b = SBUF_INIT;
	entity_dtd(&b, "rss", 100000);
	sb_puts(&b, "<rss><channel><title>Quadratic</title>");
	for (int i = 0; i < 3000; i++) {
		sb_printf(&b, "<item><guid>g%d</guid><title>&e;</title><description>", i);
		repeat(&b, "&e;", 10);
		sb_puts(&b, "</description></item>");
	}
	sb_puts(&b, "</channel></rss>");
	parse_refused(&b, 3000);
	sb_free(&b);
}

/* Attributes: xml:lang (read with xmlNodeGetLang before), xml:base
 * (xmlNodeGetBase) and plain attributes (enclosure url). */
static void test_entity_quadratic_attributes(void **state)
{
	(void)state;
	sbuf b = SBUF_INIT;
	entity_dtd(&b, "rss", 100000);
	sb_puts(&b, "<rss><channel xml:lang=\"");
	repeat(&b, "&e;", 2000);
	sb_puts(&b, "\"><title>Attrs</title>");
	for (int i = 0; i < 1000; i++) {
		sb_printf(&b, "<item xml:base=\"http://x.example/&e;&e;&e;&e;&e;/\"><guid>g%d</guid>"
			      "<link>rel/%d</link><enclosure url=\"&e;&e;&e;&e;&e;.mp3\"/></item>",
			  i, i);
	}
	sb_puts(&b, "</channel></rss>");
	parse_refused(&b, 3000);
	sb_free(&b);

	/* each attribute on its own */
	static const char *const attrs[][2] = {
		{"<channel xml:lang=\"", "\"><title>t</title>"},
		{"<channel><title>t</title><item xml:base=\"http://x/",
		 "/\"><guid>g</guid><link>rel</link></item>"},
		{"<channel><title>t</title><item><guid>g</guid><enclosure url=\"",
		 ".mp3\"/></item>"},
	};
	for (size_t i = 0; i < 3; i++) {
		entity_dtd(&b, "rss", 100000);
		sb_puts(&b, "<rss>");
		sb_puts(&b, attrs[i][0]);
		repeat(&b, "&e;", 20);
		sb_puts(&b, attrs[i][1]);
		sb_puts(&b, "</channel></rss>");
		parse_refused(&b, 2000);
		sb_free(&b);
	}
}

/* The exponential bomb is caught by libxml2 itself, and refused too. */
static void test_entity_exponential(void **state)
{
	(void)state;
	size_t len;
	char *buf = fixture_read("tests/fixtures/feeds/billion-laughs.xml", &len);
	feed f;
	char *err = NULL;
	int64_t t0 = cpu_ms();
	assert_int_equal(feed_parse(buf, len, NULL, NULL, &f, &err), -1);
	assert_true(cpu_ms() - t0 < 2000);
	assert_string_equal(err, "refused: entity expansion or nesting beyond limits");
	free(err);
	free(buf);

	/* nesting past libxml2's limit is refused the same way */
	sbuf b = SBUF_INIT;
	sb_puts(&b, "<rss><channel><title>Deep</title><item><guid>a</guid><description>");
	repeat(&b, "<a>", 300);
	repeat(&b, "</a>", 300);
	sb_puts(&b, "</description></item></channel></rss>");
	assert_int_equal(parse_timed(&b, &f, &err, 2000), -1);
	assert_string_equal(err, "refused: entity expansion or nesting beyond limits");
	free(err);
	sb_free(&b);
}

/* Entities that are used sparingly still expand, xml:base and xml:lang
 * still work through them. */
static void test_entity_small_still_expands(void **state)
{
	(void)state;
	sbuf b = SBUF_INIT;
	sb_puts(&b, "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [<!ENTITY host \"media.example\">"
		    "<!ENTITY lang \"de\">]>\n<rss><channel xml:lang=\" &lang; \"><title>T</title>"
		    "<item xml:base=\"https://&host;/ep/\"><guid>a</guid><title>On &host;</title>"
		    "<enclosure url=\"a.mp3\" type=\"audio/mpeg\"/></item></channel></rss>");
	feed f;
	parse_fast(&b, &f, 2000);
	assert_null(f.warning);
	assert_string_equal(f.language, "de");
	assert_string_equal(f.items[0].title, "On media.example");
	assert_string_equal(f.items[0].enclosure_url, "https://media.example/ep/a.mp3");
	feed_free(&f);
	sb_free(&b);
}

static void test_entity_quadratic_opml(void **state)
{
	(void)state;
	sbuf b = SBUF_INIT;
	entity_dtd(&b, "opml", 100000);
	sb_puts(&b, "<opml version=\"2.0\"><body>");
	for (int i = 0; i < 3000; i++)
		sb_printf(&b, "<outline text=\"&e;&e;&e;&e;&e;\" xmlUrl=\"http://h.example/%d\"/>", i);
	sb_puts(&b, "</body></opml>");
	opml_list l;
	char *err = NULL;
	int64_t t0 = cpu_ms();
	assert_int_equal(opml_parse(b.s, b.len, &l, &err), -1);
	assert_true(cpu_ms() - t0 < 3000);
	assert_string_equal(err, "OPML refused: entity expansion beyond limits "
				 "(an XML entity bomb)");
	assert_int_equal(l.n, 0);
	free(err);
	sb_free(&b);
}

/* ---- libxml2 and our own quadratic corners --------------------------- */

/* Every "--" in a comment made libxml2 copy the comment read so far. */
static void test_comment_of_dashes(void **state)
{
	(void)state;
	sbuf b = SBUF_INIT;
	sb_puts(&b, "<rss><channel><title>Dashes</title><!--");
	repeat(&b, "-", 1000000);
	sb_puts(&b, "--><item><guid>a</guid><title>Kept <![CDATA[<!-- a -- b -->]]></title>"
		    "</item></channel></rss>");
	feed f;
	parse_fast(&b, &f, 3000);
	assert_int_equal(f.nitems, 1);
	assert_string_equal(f.items[0].title, "Kept <!-- a -- b -->"); /* CDATA untouched */
	assert_non_null(f.warning);
	assert_non_null(strstr(f.warning, "comment"));
	feed_free(&f);

	/* unterminated, as a whole document */
	sb_free(&b);
	sb_puts(&b, "<rss><channel><title>x</title><!--");
	repeat(&b, "-", 1000000);
	char *err = NULL;
	int64_t t0 = cpu_ms();
	if (feed_parse(b.s, b.len, NULL, NULL, &f, &err) == 0)
		feed_free(&f);
	free(err);
	assert_true(cpu_ms() - t0 < 3000);

	/* the same in UTF-16, which the byte-level repair cannot see */
	sb_free(&b);
	const char *head = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><rss><channel>"
			   "<title>Wide &hellip;</title><!--";
	const char *tail = "--><item><guid>w</guid><title>Kept</title></item></channel></rss>";
	sb_append(&b, "\xff\xfe", 2);
	for (const char *c = head; *c; c++)
		sb_append(&b, (char[]){*c, 0}, 2);
	for (int i = 0; i < 500000; i++)
		sb_append(&b, "-", 2); /* '-' and the NUL after it */
	for (const char *c = tail; *c; c++)
		sb_append(&b, (char[]){*c, 0}, 2);
	parse_fast(&b, &f, 3000);
	assert_string_equal(f.title, "Wide \xe2\x80\xa6");
	assert_int_equal(f.nitems, 1);
	assert_string_equal(f.items[0].title, "Kept");
	feed_free(&f);

	/* OPML is strict: refused at once */
	opml_list l;
	sb_free(&b);
	sb_puts(&b, "<opml><body>\n<!--");
	repeat(&b, "-", 1000000);
	sb_puts(&b, "--></body></opml>");
	t0 = cpu_ms();
	assert_int_equal(opml_parse(b.s, b.len, &l, &err), -1);
	assert_true(cpu_ms() - t0 < 3000);
	assert_string_equal(err, "malformed OPML: double hyphen within comment line 2");
	free(err);
	sb_free(&b);
}

/* A large damaged feed goes through the entity rewrite; searching for the
 * next '&' to the end of the buffer at every '<' made it quadratic (a
 * truncated 4 MB feed took 16 s). */
/* A feed of n items cut off in the middle of the next one. */
static void damaged_feed(sbuf *b, size_t n)
{
	sb_puts(b, "<rss><channel><title>Damaged</title>");
	for (size_t i = 0; i < n; i++)
		sb_printf(b, "<item><guid>g%zu</guid><title>Episode %zu</title>"
			     "<description>x</description></item>",
			  i, i);
	sb_puts(b, "<item><title>cut"); /* truncated */
}

static int64_t parse_damaged(size_t n, void *ctx)
{
	(void)ctx;
	sbuf b = SBUF_INIT;
	damaged_feed(&b, n);
	feed f;
	char *err = NULL;
	int64_t t0 = cpu_ns();
	int rc = feed_parse(b.s, b.len, "https://example.com/feed.xml", NULL, &f, &err);
	int64_t t = cpu_ns() - t0;
	if (rc == 0)
		feed_free(&f);
	free(err);
	sb_free(&b);
	return t;
}

static void test_large_damaged_feed(void **state)
{
	(void)state;
	sbuf b = SBUF_INIT;
	damaged_feed(&b, 40000);
	feed f;
	parse_fast(&b, &f, 5000);
	assert_true(f.nitems >= 40000);
	assert_non_null(f.warning);
	feed_free(&f);
	/* every item is kept in linear time (the item array once grew by a
	 * fixed step: quadratic copying) */
	assert_linear("damaged feed", parse_damaged, 5000, NULL);

	/* unclosed markup all the way down */
	sb_free(&b);
	sb_puts(&b, "<rss><channel><title>Deep</title>");
	repeat(&b, "<a href=\"https://e.example/\">x", 100000);
	char *err = NULL;
	int64_t t0 = cpu_ms();
	if (feed_parse(b.s, b.len, NULL, NULL, &f, &err) == 0)
		feed_free(&f);
	free(err);
	assert_true(cpu_ms() - t0 < 3000);
	sb_free(&b);
}

/* Trimming an unbalanced ')' counted every parenthesis of the URL again
 * for each one trimmed: 200 KB of ')' took 18 s. */
static int64_t parens_work(size_t n, void *ctx)
{
	(void)ctx;
	sbuf b = SBUF_INIT;
	sb_puts(&b, "see https://x.example/a_(b)");
	repeat(&b, ")", n);
	html_text t;
	int64_t t0 = cpu_ns();
	assert_int_equal(html_to_text(b.s, b.len, &t), 0);
	int64_t took = cpu_ns() - t0;
	html_text_free(&t);
	sb_free(&b);
	return took;
}

static void test_url_before_parens(void **state)
{
	(void)state;
	assert_linear("')' after a URL", parens_work, 20000, NULL);
	sbuf b = SBUF_INIT;
	sb_puts(&b, "see https://x.example/a_(b)");
	repeat(&b, ")", 500000);
	html_text t;
	assert_int_equal(html_to_text(b.s, b.len, &t), 0);
	assert_int_equal(t.nlinks, 1);
	assert_string_equal(t.links[0], "https://x.example/a_(b)");
	html_text_free(&t);
	sb_free(&b);
}

/* ---- external entities and DTDs ------------------------------------- */

#define MARKER "podcue-secret-7f3a9c"

static char tmpdir[64];

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void write_file(const char *path, const char *data)
{
	FILE *fp = fopen(path, "w");
	if (!fp)
		fail_msg("cannot write %s", path);
	fputs(data, fp);
	fclose(fp);
}

/* A listening loopback TCP socket (non-blocking); sets *port. */
static int listener(int *port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	assert_true(fd >= 0);
	struct sockaddr_in a = {.sin_family = AF_INET};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t alen = sizeof a;
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(listen(fd, 16), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &alen), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

/* Fails when anyone connected to the listener. */
static void assert_no_connection(int fd)
{
	int c = accept(fd, NULL, NULL);
	if (c >= 0) {
		close(c);
		fail_msg("the parser opened a network connection");
	}
	assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
}

static void assert_no_marker(const char *s)
{
	if (s && strstr(s, MARKER))
		fail_msg("external content leaked: %.80s", s);
}

/* Documents that try every way of pulling in a file or a URL. */
static char *external_doc(const char *root, const char *body, int port)
{
	return xasprintf(
		"<?xml version=\"1.0\"?>\n"
		"<!DOCTYPE %s SYSTEM \"%s/evil.dtd\" [\n"
		"  <!ENTITY %% pe SYSTEM \"file://%s/evil.dtd\"> %%pe;\n"
		"  <!ENTITY %% net SYSTEM \"http://127.0.0.1:%d/pe.dtd\"> %%net;\n"
		"  <!ENTITY file SYSTEM \"file://%s/secret.txt\">\n"
		"  <!ENTITY rel SYSTEM \"secret.txt\">\n"
		"  <!ENTITY web SYSTEM \"http://127.0.0.1:%d/secret.txt\">\n"
		"  <!ENTITY pub PUBLIC \"-//X//Y\" \"http://127.0.0.1:%d/pub.dtd\">\n"
		"]>\n%s",
		root, tmpdir, tmpdir, port, tmpdir, port, port, body);
}

static void test_external_entities_never_read(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/podcue-hostile-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	char *p = xasprintf("%s/secret.txt", tmpdir);
	write_file(p, MARKER "\n");
	free(p);
	p = xasprintf("%s/evil.dtd", tmpdir);
	write_file(p, "<!ENTITY leak \"" MARKER "\">\n");
	free(p);
	int port, lfd = listener(&port);

	/* feed */
	char *doc = external_doc("rss",
				 "<rss><channel><title>X &file; &rel; &web; &pub; &leak;</title>"
				 "<description>&file;</description>"
				 "<item><guid>&file;</guid><title>&web;&leak;</title>"
				 "<description>&file;</description>"
				 "<enclosure url=\"https://e.example/&file;.mp3\"/></item>"
				 "</channel></rss>",
				 port);
	feed f;
	char *err = NULL;
	if (feed_parse(doc, strlen(doc), NULL, NULL, &f, &err) == 0) {
		const char *ch[] = {f.title, f.description, f.link, f.warning};
		for (size_t i = 0; i < 4; i++)
			assert_no_marker(ch[i]);
		for (size_t i = 0; i < f.nitems; i++) {
			const feed_item *it = &f.items[i];
			const char *s[] = {it->key, it->guid, it->title, it->notes,
					   it->enclosure_url, it->link};
			for (size_t k = 0; k < 6; k++)
				assert_no_marker(s[k]);
		}
		feed_free(&f);
	} else {
		assert_no_marker(err);
		free(err);
	}
	free(doc);

	/* OPML */
	doc = external_doc("opml",
			   "<opml><body><outline text=\"&file;&leak;\" "
			   "xmlUrl=\"http://a.example/&web;\"/></body></opml>",
			   port);
	opml_list l;
	err = NULL;
	if (opml_parse(doc, strlen(doc), &l, &err) == 0) {
		for (size_t i = 0; i < l.n; i++) {
			assert_no_marker(l.v[i].url);
			assert_no_marker(l.v[i].title);
		}
		opml_list_free(&l);
	} else {
		assert_no_marker(err);
		free(err);
	}
	free(doc);

	/* show notes (HTML parser) */
	doc = xasprintf("<!DOCTYPE html SYSTEM \"http://127.0.0.1:%d/x.dtd\">"
			"<p>notes <img src=\"file://%s/secret.txt\"> "
			"<iframe src=\"http://127.0.0.1:%d/\"></iframe></p>",
			port, tmpdir, port);
	html_text t;
	html_to_text(doc, strlen(doc), &t);
	assert_no_marker(t.text);
	html_text_free(&t);
	free(doc);

	assert_no_connection(lfd);
	close(lfd);
	nftw(tmpdir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

/* ---- terminal safety end to end (parser -> sanitizer) ---------------- */

/* C0 controls cannot survive XML, but C1 controls (U+009B is CSI), bidi
 * overrides and, via JSON, ESC itself can: each must reach the display
 * path intact (stored faithfully) and leave it harmless. */
static void test_controls_reach_display_harmless(void **state)
{
	(void)state;
	const char *xml = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>"
			  "<rss><channel><title>T</title><item><guid>a</guid>"
			  "<title>A \x9b" "2J \xc2 &#x202E;rtl &#x9d;0;x&#x9c; end</title></item>"
			  "</channel></rss>";
	feed f;
	char *err = NULL;
	assert_int_equal(feed_parse(xml, strlen(xml), NULL, NULL, &f, &err), 0);
	const char *title = f.items[0].title;
	assert_non_null(strstr(title, "\xc2\x9b")); /* stored faithfully */
	assert_non_null(strstr(title, "\xe2\x80\xae"));
	char *safe = text_sanitize(title, (size_t)-1, 0);
	assert_true(text_is_safe(safe, 0));
	assert_non_null(strstr(safe, "end"));
	free(safe);
	feed_free(&f);

	const char *json = "{\"chapters\":[{\"startTime\":0,\"title\":\"\\u001b]0;owned\\u0007"
			   "\\u001b[200~paste\\u001b[201~ \\u009b31m red\"},{\"startTime\":5}]}";
	chapter_list l = CHAPTER_LIST_INIT;
	assert_int_equal(chapjson_parse(json, strlen(json), &l, &err), 0);
	assert_non_null(strchr(l.v[0].title, '\x1b'));
	safe = text_sanitize(l.v[0].title, (size_t)-1, 0);
	assert_true(text_is_safe(safe, 0));
	assert_string_equal(safe, "paste  red");
	free(safe);
	chapter_list_clear(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fuzz_fixtures),
		cmocka_unit_test(test_entity_quadratic_text),
		cmocka_unit_test(test_entity_quadratic_attributes),
		cmocka_unit_test(test_entity_small_still_expands),
		cmocka_unit_test(test_entity_exponential),
		cmocka_unit_test(test_entity_quadratic_opml),
		cmocka_unit_test(test_comment_of_dashes),
		cmocka_unit_test(test_large_damaged_feed),
		cmocka_unit_test(test_url_before_parens),
		cmocka_unit_test(test_external_entities_never_read),
		cmocka_unit_test(test_controls_reach_display_harmless),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
