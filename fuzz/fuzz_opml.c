/*
 * fuzz_opml.c - libFuzzer target for opml_parse, plus an export round trip.
 *
 * Invariants: every parsed feed has a non-blank url; exporting the parsed
 * list and parsing the export again never fails and never yields more
 * feeds (making strings XML-safe may merge two URLs, never split one).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "opml.h"
#include "util.h"

int FUZZ_ENTRY(const uint8_t *data, size_t size);

static void opml_round_trip(const opml_list *l)
{
	opml_export_item *items = xcalloc(l->n ? l->n : 1, sizeof *items);
	for (size_t i = 0; i < l->n; i++) {
		items[i].url = l->v[i].url;
		items[i].title = l->v[i].title;
		items[i].html_url = l->v[i].html_url;
	}
	char *doc = opml_export(items, l->n, 0);
	free(items);
	FUZZ_CHECK(doc != NULL);
	opml_list again;
	char *err = NULL;
	FUZZ_CHECK(opml_parse(doc, strlen(doc), &again, &err) == 0);
	FUZZ_CHECK(again.n <= l->n);
	opml_list_free(&again);
	free(err);
	free(doc);
}

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	opml_list l;
	char *err = NULL;
	if (opml_parse((const char *)data, size, &l, &err) == 0) {
		for (size_t i = 0; i < l.n; i++)
			FUZZ_CHECK(l.v[i].url && l.v[i].url[0]);
		opml_round_trip(&l);
	} else {
		FUZZ_CHECK(err && l.n == 0);
	}
	free(err);
	opml_list_free(&l);
	return 0;
}
