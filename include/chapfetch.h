/*
 * chapfetch.h - fetching Podcasting 2.0 chapter files (podcast:chapters)
 * with the same polite engine as feeds: parallel, conditional GET, capped.
 *
 * Files are fetched for the newest episodes during a refresh and lazily
 * when chapters of one episode are asked for; a file that held only a
 * placeholder (at most one chapter), or failed, is fetched again once it is
 * older than CHAPFETCH_STALE_S.
 */
#ifndef PODCUE_CHAPFETCH_H
#define PODCUE_CHAPFETCH_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "db.h"

#define CHAPFETCH_STALE_S (6 * 3600)
#define CHAPFETCH_PER_PODCAST 5

typedef struct chapfetch_stats {
	int fetched;   /* files parsed and stored */
	int unchanged; /* 304 */
	int failed;
} chapfetch_stats;

/* Fetches what db_chapter_jobs selects for (episode_id, ids, nids) and
 * stores the results. Returns 0, or -1 on a database error. */
int chapfetch_run(db *d, const config *c, int64_t episode_id, const int64_t *ids,
		  size_t nids, chapfetch_stats *st);

/* Reads the chapters embedded in an episode's media file (ID3v2 CHAP)
 * without playing it: the tag of a local file, or the head of a remote one
 * with an HTTP Range request (at most CHAPFETCH_HEAD_BYTES). Done once per
 * episode; the result (possibly no chapters) is stored. Returns the number
 * of chapters found, or -1 with *err set (caller frees). */
#define CHAPFETCH_HEAD_BYTES (512 * 1024)
int chapfetch_embedded(db *d, const config *c, const db_episode *e, int is_local, char **err);

#endif
