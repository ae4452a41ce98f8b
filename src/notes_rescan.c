/*
 * notes_rescan.c - reading the cached show notes again (see notes_rescan.h).
 */
#include "notes_rescan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chapnotes.h"
#include "util.h"

#define BATCH 256       /* episodes per transaction: short write locks */

/* Re-reads one batch in one transaction; returns its size, or -1. */
static long rescan_batch(db *d, int64_t *after)
{
	db_notes_row *rows;
	size_t n;
	if (db_notes_rows(d, *after, BATCH, &rows, &n) != 0)
		return -1;
	if (n == 0)
		return 0;
	int rc = db_begin(d);
	for (size_t i = 0; i < n && rc == 0; i++) {
		chapter_list l = CHAPTER_LIST_INIT;
		const char *notes = rows[i].notes_html ? rows[i].notes_html : "";
		chapnotes_from_notes(notes, strlen(notes), rows[i].duration, &l, NULL);
		rc = db_chapters_set(d, rows[i].episode_id, CHAP_SRC_NOTES, &l);
		chapter_list_clear(&l);
	}
	*after = rows[n - 1].episode_id;
	db_notes_rows_free(rows, n);
	if (rc != 0) {
		db_rollback(d);
		return -1;
	}
	return db_commit(d) == 0 ? (long)n : -1;
}

long notes_rescan(db *d, void (*say)(const char *msg, void *ctx), void *ctx)
{
	int v = db_notes_finder_version(d);
	if (v < 0)
		return -1;
	if (v >= CHAPNOTES_VERSION)
		return 0;
	int64_t after = 0;
	long total = 0, got;
	while ((got = rescan_batch(d, &after)) > 0) {
		if (say && total == 0 && got == BATCH)
			say("reading the show notes in the cache again for chapters "
			    "(the finder has improved)", ctx);
		total += got;
	}
	if (got < 0)
		return -1;
	return db_notes_finder_set_version(d, CHAPNOTES_VERSION) == 0 ? total : -1;
}
