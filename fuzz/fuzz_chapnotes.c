/*
 * fuzz_chapnotes.c - libFuzzer target for the show-notes chapter finder:
 * chapnotes_parse on the bytes as plain text, and chapnotes_from_notes on
 * them as notes (HTML or text) with a duration, as refresh runs it.
 *
 * The input is handed over exactly as libFuzzer gives it, not
 * NUL-terminated: the parser promises never to read past len, and ASan
 * catches it if it does. Invariants: the return value equals the number of
 * chapters appended; starts are finite and non-negative; every chapter
 * that is not after the one before it is an out-of-order entry, and each
 * of those has its warning.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "chapnotes.h"
#include "fuzz.h"

int FUZZ_ENTRY(const uint8_t *data, size_t size);

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	for (int pass = 0; pass < 2; pass++) {
		chapter_list l = CHAPTER_LIST_INIT;
		chapnotes_info info = {NULL, 0};
		size_t n = pass ? chapnotes_from_notes((const char *)data, size, 7200, &l,
		                                       &info)
		                : chapnotes_find((const char *)data, size, -1, &l, &info);
		FUZZ_CHECK(n == l.n);
		size_t down = 0;
		for (size_t i = 0; i < l.n; i++) {
			const chapter *c = &l.v[i];
			FUZZ_CHECK(isfinite(c->start) && c->start >= 0);
			FUZZ_CHECK(c->source == CHAP_SRC_NOTES);
			down += i > 0 && !(c->start > l.v[i - 1].start);
		}
		FUZZ_CHECK(down <= info.nwarnings);
		chapnotes_info_free(&info);
		chapter_list_clear(&l);
	}
	return 0;
}
