/*
 * fuzz_id3chap.c - libFuzzer target for id3chap_parse and id3chap_tag_size
 * (ID3v2 CHAP frames in the head of a remote media file).
 *
 * Invariants: -1 comes with a message and nothing appended; otherwise the
 * return value is the number appended (at most ID3CHAP_MAX_CHAPTERS),
 * sorted by start, each with a finite start >= 0, an end of -1 or after
 * the start, and a title and url that are valid UTF-8 when present.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "id3chap.h"
#include "text.h"

int FUZZ_ENTRY(const uint8_t *data, size_t size);

/* 1 when s is NULL or valid UTF-8. */
static int id3_valid_utf8(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	for (size_t i = 0; i < n;) {
		int32_t cp;
		i += text_utf8_next(s + i, n - i, &cp);
		if (cp < 0)
			return 0;
	}
	return 1;
}

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	(void)id3chap_tag_size(data, size);
	chapter_list l = CHAPTER_LIST_INIT;
	char *err = NULL;
	int rc = id3chap_parse(data, size, &l, &err);
	if (rc < 0) {
		FUZZ_CHECK(err && l.n == 0);
	} else {
		FUZZ_CHECK(!err && (size_t)rc == l.n && l.n <= ID3CHAP_MAX_CHAPTERS);
		for (size_t i = 0; i < l.n; i++) {
			const chapter *c = &l.v[i];
			FUZZ_CHECK(isfinite(c->start) && c->start >= 0);
			FUZZ_CHECK(c->end == -1 || c->end > c->start);
			FUZZ_CHECK(i == 0 || c->start >= l.v[i - 1].start);
			FUZZ_CHECK(id3_valid_utf8(c->title) && id3_valid_utf8(c->url));
		}
	}
	free(err);
	chapter_list_clear(&l);
	return 0;
}
