/*
 * fuzz_html.c - libFuzzer target for html_to_text (show notes to text),
 * followed by what the display path does with the result.
 *
 * Invariants: the text is valid UTF-8 without NUL bytes (html.h: invalid
 * input becomes U+FFFD); every link is non-empty; text_sanitize of the text
 * leaves no C0 (other than '\n'), DEL or C1 control, and wrapping the
 * sanitized text never yields a line wider than asked (or than one wide
 * character, which gets a line of its own).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "html.h"
#include "text.h"

int FUZZ_ENTRY(const uint8_t *data, size_t size);

/* 1 when s[0..n) is valid UTF-8 without NUL bytes. */
static int html_valid_utf8(const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		int32_t cp;
		i += text_utf8_next(s + i, n - i, &cp);
		if (cp <= 0)
			return 0;
	}
	return 1;
}

/* 1 when s holds no control character but '\n'. */
static int html_no_controls(const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		int32_t cp;
		i += text_utf8_next(s + i, n - i, &cp);
		if ((cp < 0x20 && cp != '\n') || (cp >= 0x7F && cp <= 0x9F))
			return 0;
	}
	return 1;
}

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	html_text t;
	html_to_text((const char *)data, size, &t);
	FUZZ_CHECK(t.text && html_valid_utf8(t.text, strlen(t.text)));
	for (size_t i = 0; i < t.nlinks; i++)
		FUZZ_CHECK(t.links[i] && t.links[i][0]);
	char *safe = text_sanitize(t.text, (size_t)-1, TEXT_KEEP_NEWLINES);
	FUZZ_CHECK(html_valid_utf8(safe, strlen(safe)) && html_no_controls(safe));
	size_t nl;
	int cols = 20 + (int)(size % 40);
	char **lines = text_wrap(safe, cols, &nl);
	for (size_t i = 0; i < nl; i++)
		FUZZ_CHECK(text_width(lines[i]) <= cols);
	text_lines_free(lines);
	free(safe);
	html_text_free(&t);
	return 0;
}
