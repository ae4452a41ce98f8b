/*
 * fuzz_chapnotes.c - libFuzzer target for chapnotes_parse (chapters in
 * plain show-note text).
 *
 * The input is handed over exactly as libFuzzer gives it, not
 * NUL-terminated: the parser promises never to read past len, and ASan
 * catches it if it does. Invariants: the return value equals the number of
 * chapters appended; chapters come out with strictly increasing, finite,
 * non-negative start times (a run is strictly increasing by definition).
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "chapnotes.h"
#include "fuzz.h"

int FUZZ_ENTRY(const uint8_t *data, size_t size);

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	chapter_list l = CHAPTER_LIST_INIT;
	size_t n = chapnotes_parse((const char *)data, size, &l);
	FUZZ_CHECK(n == l.n);
	for (size_t i = 0; i < l.n; i++) {
		const chapter *c = &l.v[i];
		FUZZ_CHECK(isfinite(c->start) && c->start >= 0);
		FUZZ_CHECK(c->source == CHAP_SRC_NOTES);
		FUZZ_CHECK(i == 0 || c->start > l.v[i - 1].start);
	}
	chapter_list_clear(&l);
	return 0;
}
