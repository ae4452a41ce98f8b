/*
 * fuzz_text.c - libFuzzer target for the terminal-safety layer (text.c):
 * text_sanitize, text_fit, text_wrap and text_utf8_fix on raw bytes.
 *
 * Invariants: sanitized text is valid UTF-8 with no C0 control (other than
 * '\n' when kept), no DEL, no C1 control and no bidi control; text_fit
 * never exceeds its width; wrapped lines never exceed their width (a wide
 * character that cannot fit gets a line of its own); text_utf8_fix output
 * is valid UTF-8 without NUL and its reported length is right.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "text.h"

int FUZZ_ENTRY(const uint8_t *data, size_t size);

static int text_is_bidi(int32_t cp)
{
	return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
	       cp == 0x200E || cp == 0x200F || cp == 0x061C;
}

/* 1 when s is valid UTF-8 and safe for a terminal (see text_sanitize). */
static int text_is_safe(const char *s, int keep_nl)
{
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		int32_t cp;
		i += text_utf8_next(s + i, n - i, &cp);
		if (cp < 0 || (cp < 0x20 && !(keep_nl && cp == '\n')) ||
		    (cp >= 0x7F && cp <= 0x9F) || text_is_bidi(cp))
			return 0;
	}
	return 1;
}

static void text_check_layout(const char *s, int cols)
{
	char *fit = text_fit(s, cols);
	FUZZ_CHECK(text_width(fit) <= cols);
	free(fit);
	size_t nl;
	char **lines = text_wrap(s, cols, &nl);
	for (size_t i = 0; i < nl; i++)
		FUZZ_CHECK(text_width(lines[i]) <= (cols < 2 ? 2 : cols));
	text_lines_free(lines);
}

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	for (int flags = 0; flags <= TEXT_KEEP_NEWLINES; flags++) {
		char *s = text_sanitize(in, size, flags);
		FUZZ_CHECK(text_is_safe(s, flags));
		text_check_layout(s, 1 + (int)(size % 30));
		free(s);
	}
	size_t fl;
	char *fixed = text_utf8_fix(in, size, &fl);
	FUZZ_CHECK(strlen(fixed) == fl);
	for (size_t i = 0; i < fl;) {
		int32_t cp;
		i += text_utf8_next(fixed + i, fl - i, &cp);
		FUZZ_CHECK(cp >= 0);
	}
	free(fixed);
	return 0;
}
