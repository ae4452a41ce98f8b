/*
 * testold.h - caches at an older schema, for the migration tests.
 */
#ifndef PODCUE_TESTOLD_H
#define PODCUE_TESTOLD_H

#include "testutil.h"

#include "../../src/db_int.h"

/* A podcast (url) with n episodes written in plain SQL, for a cache opened
 * at an older schema: the store of today writes columns an old schema
 * lacks. Episode i has key URLgI, guid gI, title "ep I" and enclosure
 * URL I.mp3; ids[i] gets its id. Returns the podcast's id. */
static inline int64_t old_cache_podcast(db *d, const char *url, size_t n, int64_t *ids)
{
	char *sql = xasprintf("INSERT INTO podcast (url, title, added) VALUES ('%s', '%s', 0)",
			      url, url);
	assert_int_equal(dbi_exec(d, sql), 0);
	free(sql);
	int64_t pid = sqlite3_last_insert_rowid(d->h);
	for (size_t i = 0; i < n; i++) {
		sql = xasprintf("INSERT INTO episode (podcast_id, key, guid, title, enclosure_url,"
				" published, duration, feed_order, first_seen) VALUES (%lld, '%sg%zu',"
				" 'g%zu', 'ep %zu', '%s%zu.mp3', %lld, 60, %zu, 1000)",
				(long long)pid, url, i, i, i, url, i,
				(long long)(1700000000 + (int64_t)i * 86400), i);
		assert_int_equal(dbi_exec(d, sql), 0);
		free(sql);
		ids[i] = sqlite3_last_insert_rowid(d->h);
	}
	return pid;
}
#endif
