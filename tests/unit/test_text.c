/*
 * test_text.c - unit tests for text.c (sanitising, widths, fit, wrap).
 */
#include "testutil.h"

#include "text.h"

static void check_san(const char *in, size_t len, int flags, const char *want)
{
	char *got = text_sanitize(in, len, flags);
	assert_string_equal(got, want);
	free(got);
}

/* Every byte sequence text_sanitize returns is valid UTF-8 with no C0/C1
 * control other than '\n' and no ESC. */
static void assert_terminal_safe(const char *s)
{
	size_t n = strlen(s), i = 0;
	while (i < n) {
		int32_t cp;
		i += text_utf8_next(s + i, n - i, &cp);
		assert_true(cp >= 0);
		assert_true(cp == '\n' || (cp >= 0x20 && cp != 0x7F && (cp < 0x80 || cp > 0x9F)));
		assert_false(cp == 0x202E || cp == 0x2066 || cp == 0x200F);
	}
}

static void test_sanitize_plain(void **state)
{
	(void)state;
	check_san("Hello, world", (size_t)-1, 0, "Hello, world");
	check_san("caf\xC3\xA9 \xE2\x80\x93 \xF0\x9F\x8E\x99", (size_t)-1, 0,
		  "caf\xC3\xA9 \xE2\x80\x93 \xF0\x9F\x8E\x99");
	check_san(NULL, 0, 0, "");
	check_san("", (size_t)-1, 0, "");
	check_san("a\tb\r\nc", (size_t)-1, 0, "a b c");
	check_san("a\tb\r\nc", (size_t)-1, TEXT_KEEP_NEWLINES, "a b\nc");
	check_san("a\0b\x01\x7F" "c", 6, 0, "abc");
	check_san("abcdef", 3, 0, "abc");
}

static void test_sanitize_csi(void **state)
{
	(void)state;
	check_san("\x1b[31mred\x1b[0m plain", (size_t)-1, 0, "red plain");
	check_san("\x1b[1;38;5;196mX\x1b[m", (size_t)-1, 0, "X");
	check_san("\x1b[2J\x1b[Hclear", (size_t)-1, 0, "clear");
	check_san("\x1b[?25l", (size_t)-1, 0, "");
	/* bracketed paste markers */
	check_san("\x1b[200~rm -rf /\x1b[201~", (size_t)-1, 0, "rm -rf /");
	/* CSI cut short by a newline: newline handled, rest is text */
	check_san("\x1b[12\nabc", (size_t)-1, TEXT_KEEP_NEWLINES, "\nabc");
	/* unterminated CSI at the end */
	check_san("ok\x1b[1;2", (size_t)-1, 0, "ok");
	/* two-byte and nF escapes, lone ESC */
	check_san("a\x1b" "7b\x1b" "8c\x1b(Bd\x1b", (size_t)-1, 0, "abcd");
	check_san("a\x1b\x1b[0mb", (size_t)-1, 0, "ab");
}

static void test_sanitize_osc(void **state)
{
	(void)state;
	check_san("\x1b]0;evil\x07title", (size_t)-1, 0, "title");
	check_san("\x1b]0;evil\x1b\\title", (size_t)-1, 0, "title");
	check_san("\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", (size_t)-1, 0, "link");
	check_san("\x1b]52;c;ZXZpbA==\x07ok", (size_t)-1, 0, "ok"); /* clipboard */
	check_san("\x1bPq#0;2;0;0;0\x1b\\after", (size_t)-1, 0, "after"); /* DCS */
	check_san("\x1b_apc\x1b\\x\x1b^pm\x1b\\y\x1bXsos\x1b\\z", (size_t)-1, 0, "xyz");
	check_san("\x1b]0;evil\xC2\x9Cok", (size_t)-1, 0, "ok"); /* C1 ST */
	check_san("\x1b]0;never ends", (size_t)-1, 0, "");
	/* ESC inside the string ends it and starts a new sequence */
	check_san("\x1b]0;t\x1b[31mx", (size_t)-1, 0, "x");
}

static void test_sanitize_c1(void **state)
{
	(void)state;
	/* U+009B (8-bit CSI encoded as UTF-8) with parameters and final byte */
	check_san("a\xC2\x9B" "31mb", (size_t)-1, 0, "ab");
	/* raw 0x9B byte */
	check_san("a\x9B" "2Jb", (size_t)-1, 0, "ab");
	/* U+009D OSC up to BEL; other C1 simply dropped */
	check_san("a\xC2\x9D" "0;t\x07" "b\xC2\x85" "c", (size_t)-1, 0, "abc");
	/* other raw C1 bytes are invalid UTF-8 */
	check_san("a\x85" "b", (size_t)-1, 0, "a\xEF\xBF\xBD" "b");
}

static void test_sanitize_invalid_utf8(void **state)
{
	(void)state;
	/* overlong '/' and overlong NUL */
	check_san("\xC0\xAF", (size_t)-1, 0, "\xEF\xBF\xBD\xEF\xBF\xBD");
	check_san("\xE0\x80\xAF", (size_t)-1, 0,
		  "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
	/* surrogate U+D800 */
	check_san("x\xED\xA0\x80y", (size_t)-1, 0,
		  "x\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDy");
	/* > U+10FFFF */
	check_san("\xF4\x90\x80\x80", (size_t)-1, 0,
		  "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
	/* truncated sequences: maximal subpart -> one U+FFFD */
	check_san("ab\xE2\x80", (size_t)-1, 0, "ab\xEF\xBF\xBD");
	check_san("ab\xF0\x9F\x8E", (size_t)-1, 0, "ab\xEF\xBF\xBD");
	check_san("\xE2\x80x", (size_t)-1, 0, "\xEF\xBF\xBDx");
	check_san("\xFF\xFE", (size_t)-1, 0, "\xEF\xBF\xBD\xEF\xBF\xBD");
	/* sequence cut by len */
	check_san("\xC3\xA9", 1, 0, "\xEF\xBF\xBD");
}

static void test_sanitize_bidi(void **state)
{
	(void)state;
	check_san("abc\xE2\x80\xAE" "fdp.exe", (size_t)-1, 0, "abcfdp.exe");
	check_san("\xE2\x81\xA6x\xE2\x81\xA9\xE2\x80\x8Fy\xD8\x9Cz", (size_t)-1, 0, "xyz");
	/* ordinary RTL text is kept */
	check_san("\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D", (size_t)-1, 0,
		  "\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D");
}

/* n bytes of text mixing escapes, controls and (broken) UTF-8. */
static char *mixed_text(size_t n)
{
	char *big = xmalloc(n + 1);
	for (size_t i = 0; i < n; i++)
		big[i] = "ab\x1b[1m\xC3\xA9\x07\xE2\x80\xAE\xFF"[i % 14];
	big[n] = 0;
	return big;
}

static int64_t sanitize_work(size_t n, void *ctx)
{
	(void)ctx;
	char *big = mixed_text(n);
	int64_t t0 = cpu_ns();
	char *s = text_sanitize(big, n, 0);
	int64_t took = cpu_ns() - t0;
	free(s);
	free(big);
	return took;
}

static void test_sanitize_big(void **state)
{
	(void)state;
	size_t n = 100 * 1024;
	assert_linear("text_sanitize", sanitize_work, n / 4, NULL);
	char *big = mixed_text(n);
	char *s = text_sanitize(big, n, 0);
	assert_terminal_safe(s);
	assert_true(strlen(s) > n / 4);
	free(s);

	/* one huge unterminated OSC: linear, empty */
	memset(big, 'x', n);
	big[0] = 0x1b;
	big[1] = ']';
	s = text_sanitize(big, n, 0);
	assert_string_equal(s, "");
	free(s);

	/* every byte value in every position: output always safe */
	for (size_t i = 0; i < n; i++)
		big[i] = (char)(unsigned char)((i * 7919u) >> 3);
	s = text_sanitize(big, n, TEXT_KEEP_NEWLINES);
	assert_terminal_safe(s);
	free(s);
	free(big);
}

static void test_width(void **state)
{
	(void)state;
	assert_int_equal(text_width(""), 0);
	assert_int_equal(text_width(NULL), 0);
	assert_int_equal(text_width("abc"), 3);
	assert_int_equal(text_width("caf\xC3\xA9"), 4);
	assert_int_equal(text_width("cafe\xCC\x81"), 4); /* combining acute */
	assert_int_equal(text_width("\xE6\x97\xA5\xE6\x9C\xAC"), 4); /* 日本 */
	assert_int_equal(text_width("\xED\x95\x9C"), 2); /* 한 */
	assert_int_equal(text_width("\xEF\xBC\xA1"), 2); /* fullwidth A */
	assert_int_equal(text_width("\xF0\x9F\x8E\xA7"), 2); /* U+1F3A7 headphone */
	assert_int_equal(text_width("\xF0\x9F\x98\x80"), 2); /* 😀 */
	assert_int_equal(text_width("\xF0\x9F\xA4\x94"), 2); /* 🤔 */
	assert_int_equal(text_width("\xE2\x80\x93"), 1); /* en dash */
	assert_int_equal(text_width("\xE2\x80\xA6"), 1); /* ellipsis */
	assert_int_equal(text_width("\xE2\x80\x8B"), 0); /* ZWSP */
	assert_int_equal(text_width("\xEF\xB8\x8F"), 0); /* VS16 */
	assert_int_equal(text_width("\xF0\xA0\x80\x80"), 2); /* CJK ext B */
	assert_int_equal(text_width("\xFF"), 1); /* invalid: one U+FFFD */
	assert_int_equal(text_width_n("\xE6\x97\xA5\xE6\x9C\xAC", 3), 2);
	assert_int_equal(text_cp_width(0x1F399), 1); /* text-default emoji */
	assert_int_equal(text_cp_width(0x1F3A7), 2);
	assert_int_equal(text_cp_width(0x0A), 0);
}

static void check_fit(const char *s, int cols, const char *want)
{
	char *got = text_fit(s, cols);
	assert_string_equal(got, want);
	assert_true(text_width(got) <= (cols > 0 ? cols : 0));
	free(got);
}

static void test_fit(void **state)
{
	(void)state;
	check_fit("hello", 10, "hello");
	check_fit("hello", 5, "hello");
	check_fit("hello", 4, "hel\xE2\x80\xA6");
	check_fit("hello", 1, "\xE2\x80\xA6");
	check_fit("hello", 0, "");
	check_fit("hello", -3, "");
	check_fit(NULL, 5, "");
	/* 日本語 is 6 columns */
	check_fit("\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E", 6, "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E");
	check_fit("\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E", 5, "\xE6\x97\xA5\xE6\x9C\xAC\xE2\x80\xA6");
	check_fit("\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E", 4, "\xE6\x97\xA5\xE2\x80\xA6");
	check_fit("\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E", 2, "\xE2\x80\xA6");
	check_fit("a\xE6\x97\xA5" "b", 3, "a\xE2\x80\xA6");
	/* combining mark stays with its base */
	check_fit("e\xCC\x81" "abc", 2, "e\xCC\x81\xE2\x80\xA6");
	/* emoji at the boundary */
	check_fit("ab\xF0\x9F\x98\x80" "cd", 4, "ab\xE2\x80\xA6");
	check_fit("ab\xF0\x9F\x98\x80" "cd", 5, "ab\xF0\x9F\x98\x80\xE2\x80\xA6");

	/* exhaustive: never exceeds cols, never splits a sequence */
	const char *mix = "x\xE6\x97\xA5y\xF0\x9F\x98\x80z\xCC\x81\xE2\x80\x93w\xEF\xBC\xA1";
	for (int c = 0; c <= text_width(mix) + 1; c++) {
		char *got = text_fit(mix, c);
		assert_true(text_width(got) <= c);
		size_t n = strlen(got), i = 0;
		while (i < n) {
			int32_t cp;
			i += text_utf8_next(got + i, n - i, &cp);
			assert_true(cp >= 0);
		}
		free(got);
	}
}

static void check_wrap(const char *s, int cols, const char *const *want, size_t nwant)
{
	size_t n = 99;
	char **l = text_wrap(s, cols, &n);
	assert_non_null(l);
	assert_int_equal(n, nwant);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(l[i], want[i]);
	assert_null(l[n]);
	text_lines_free(l);
}

static void test_wrap(void **state)
{
	(void)state;
	const char *w1[] = {"the quick", "brown fox", "jumps"};
	check_wrap("the quick brown fox jumps", 10, w1, 3);
	const char *w2[] = {"a", "", "b c"};
	check_wrap("a\n\nb c\n", 10, w2, 3);
	const char *w3[] = {"abcd", "efgh", "ij k", "lmno", "p"};
	check_wrap("abcdefghij k lmnop", 4, w3, 5);
	const char *w4[] = {"  indented", "text"};
	check_wrap("  indented text", 10, w4, 2);
	const char *w5[] = {"a  b", "c"};
	check_wrap("a  b   c   ", 4, w5, 2);
	check_wrap("", 10, NULL, 0);
	check_wrap(NULL, 10, NULL, 0);
	/* wide chars never split, never overflow */
	const char *w6[] = {"\xE6\x97\xA5\xE6\x9C\xAC", "\xE8\xAA\x9E"};
	check_wrap("\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E", 5, w6, 2);
	/* one column: a wide char still gets its own line */
	const char *w7[] = {"\xE6\x97\xA5", "a"};
	check_wrap("\xE6\x97\xA5" "a", 1, w7, 2);
	const char *w8[] = {"x", "y"};
	check_wrap("x y", 0, w8, 2);

	/* width invariant on a longer text */
	size_t n;
	const char *para = "Folge 12 \xE2\x80\x93 Gespr\xC3\xA4" "ch mit \xE6\x97\xA5\xE6\x9C\xAC "
			   "\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80 supercalifragilistic "
			   "expialidocious and more words here";
	for (int c = 2; c < 30; c++) {
		char **l = text_wrap(para, c, &n);
		for (size_t i = 0; i < n; i++)
			assert_true(text_width(l[i]) <= c);
		text_lines_free(l);
	}
}

static void test_utf8_fix(void **state)
{
	(void)state;
	size_t n;
	char *s = text_utf8_fix("a\0b\xC3\xA9\xFF\x1b", 7, &n);
	assert_int_equal(n, 11);
	assert_memory_equal(s, "a\xEF\xBF\xBD" "b\xC3\xA9\xEF\xBF\xBD\x1b", 11);
	free(s);
	s = text_utf8_fix(NULL, 0, &n);
	assert_string_equal(s, "");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sanitize_plain),
		cmocka_unit_test(test_sanitize_csi),
		cmocka_unit_test(test_sanitize_osc),
		cmocka_unit_test(test_sanitize_c1),
		cmocka_unit_test(test_sanitize_invalid_utf8),
		cmocka_unit_test(test_sanitize_bidi),
		cmocka_unit_test(test_sanitize_big),
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_fit),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_utf8_fix),
	};
	return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
