/*
 * fuzz_feed.c - libFuzzer target for feed_parse (RSS/Atom bytes to structs).
 *
 * Invariants checked beyond "no crash, no leak, no UB": a successful parse
 * gives every item a non-empty key and a feed_order equal to its index; a
 * failed one leaves the feed empty and always sets a message.
 *
 * The HTTP charset is picked from the input's length so that the encoding
 * retry path (formats.md §10.1) is exercised without extra input bytes:
 * replaying a file always takes the same path.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "feed.h"
#include "fuzz.h"

int FUZZ_ENTRY(const uint8_t *data, size_t size);

static const char *const feed_charsets[] = {NULL, "utf-8", "ISO-8859-1", "windows-1252",
					    "UTF-16", "bogus-charset"};

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	const char *cs = feed_charsets[size % (sizeof feed_charsets / sizeof feed_charsets[0])];
	feed f;
	char *err = NULL;
	int rc = feed_parse((const char *)data, size, "https://example.com/pod/feed.xml", cs,
			    &f, &err);
	if (rc == 0) {
		FUZZ_CHECK(err == NULL);
		for (size_t i = 0; i < f.nitems; i++) {
			FUZZ_CHECK(f.items[i].key && f.items[i].key[0]);
			FUZZ_CHECK(f.items[i].feed_order == (int)i);
		}
	} else {
		FUZZ_CHECK(err && !f.nitems && !f.items);
	}
	free(err);
	feed_free(&f);
	return 0;
}
