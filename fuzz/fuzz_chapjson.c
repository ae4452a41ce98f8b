/*
 * fuzz_chapjson.c - libFuzzer target for chapjson_parse (Podcasting 2.0
 * JSON chapters).
 *
 * Invariants: 0 means at least one and at most CHAPJSON_MAX_CHAPTERS
 * chapters, sorted, with finite start >= 0 and end either -1 or > start;
 * -1 means nothing appended and a message set.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "chapjson.h"
#include "fuzz.h"

int FUZZ_ENTRY(const uint8_t *data, size_t size);

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	chapter_list l = CHAPTER_LIST_INIT;
	char *err = NULL;
	int rc = chapjson_parse((const char *)data, size, &l, &err);
	if (rc == 0) {
		FUZZ_CHECK(!err && l.n > 0 && l.n <= CHAPJSON_MAX_CHAPTERS);
		for (size_t i = 0; i < l.n; i++) {
			const chapter *c = &l.v[i];
			FUZZ_CHECK(isfinite(c->start) && c->start >= 0);
			FUZZ_CHECK(c->end == -1 || (isfinite(c->end) && c->end > c->start));
			FUZZ_CHECK(i == 0 || c->start >= l.v[i - 1].start);
		}
	} else {
		FUZZ_CHECK(err && l.n == 0);
	}
	(void)chapjson_is_placeholder(&l);
	free(err);
	chapter_list_clear(&l);
	return 0;
}
