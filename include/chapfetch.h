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
#include "fetch.h"

#define CHAPFETCH_STALE_S (6 * 3600)
#define CHAPFETCH_PER_PODCAST 5

typedef struct chapfetch_stats {
	int fetched;   /* files parsed and stored */
	int unchanged; /* 304 */
	int failed;
} chapfetch_stats;

/* Fetches what chapfetch_jobs selects for (episode_id, ids, nids) and
 * stores the results, all in one transaction at the end. Returns 0, or -1
 * on a database error. */
int chapfetch_run(db *d, const config *c, int64_t episode_id, const int64_t *ids,
		  size_t nids, chapfetch_stats *st);

/* The pieces of chapfetch_run, for a caller that fetches chapter files on
 * its own fetcher (the refresh engine, alongside the feeds). */

/* Largest chapters file accepted (decoded bytes). */
#define CHAPFETCH_MAX_BODY (16u << 20)

/* The files due for (episode_id, ids, nids): db_chapter_jobs with this
 * module's policy (the CHAPFETCH_PER_PODCAST newest episodes of each
 * podcast; placeholders and failures again after CHAPFETCH_STALE_S). */
int chapfetch_jobs(db *d, int64_t episode_id, const int64_t *ids, size_t nids,
		   db_chapter_job **jobs, size_t *n);
/* The request for a job; its strings point into job, user is NULL. */
void chapfetch_request(const db_chapter_job *job, fetch_request *req);

/* Fetched files waiting to be stored: each is parsed when added (errors
 * are kept as the file's error), and all are stored together by
 * chapfetch_batch_flush. Single-threaded; owns everything in it. */
typedef struct chapfetch_item {
	int64_t episode_id;
	chapter_list chapters;
	int has_chapters; /* 0: unchanged (304) or failed */
	char *etag, *last_modified, *error;
} chapfetch_item;

typedef struct chapfetch_batch {
	chapfetch_item *v;
	size_t n, cap;
} chapfetch_batch;

#define CHAPFETCH_BATCH_INIT {NULL, 0, 0}

/* Adds the result of fetching episode_id's chapters file; counts it in st. */
void chapfetch_batch_add(chapfetch_batch *b, int64_t episode_id, const fetch_result *r,
			 chapfetch_stats *st);
/* Stores the batch in one transaction (db_chapter_files_done) and empties
 * it, stored or not. Returns 0, or -1 on a database error. */
int chapfetch_batch_flush(chapfetch_batch *b, db *d);
/* Frees the batch; what was not flushed is dropped. */
void chapfetch_batch_free(chapfetch_batch *b);

/* Reads the chapters embedded in an episode's media file (ID3v2 CHAP)
 * without playing it: the tag of a local file, or the head of a remote one
 * with an HTTP Range request (at most CHAPFETCH_HEAD_BYTES). Done once per
 * episode; the result (possibly no chapters) is stored. Returns the number
 * of chapters found, or -1 with *err set (caller frees). */
#define CHAPFETCH_HEAD_BYTES (512 * 1024)
int chapfetch_embedded(db *d, const config *c, const db_episode *e, int is_local,
		       const char *feed_url, char **err);
/* Reads the chapters embedded in a downloaded file (path, complete) and
 * stores them as chapfetch_embedded does, with no network: the downloader
 * calls it when a file is complete, and chapfetch_embedded prefers a
 * downloaded file to the network. Returns chapters found or -1 with *err. */
int chapfetch_local(db *d, int64_t episode_id, const char *path, char **err);

/* What chapfetch_episode did. Owns its strings (chapfetch_outcome_free). */
typedef struct chapfetch_outcome {
	int changed;       /* chapters were stored: a file parsed, or some in the media */
	char *file_error;  /* the chapters file's error (as stored), or NULL */
	char *media_error; /* why the media file could not be probed, or NULL */
} chapfetch_outcome;

/* The one rule for what an episode's chapters need before they are shown,
 * for every front end (`podcue chapters`, the interface's worker): its
 * chapters file is fetched when due (chapfetch_run); then its media file is
 * probed (chapfetch_embedded) only when it has one that was never probed
 * and no other source has a real list (at least two visible chapters), so
 * an episode whose notes or file gave chapters costs no Range request and
 * shows no network error for it. A failed probe is also written to the
 * log (log.h). Runs on the calling thread, on its db.
 * Returns 0 (1 when there is no such episode), or -1 on a database error
 * (message in db_errmsg); *out is filled either way. */
int chapfetch_episode(db *d, const config *c, int64_t episode_id, chapfetch_outcome *out);
void chapfetch_outcome_free(chapfetch_outcome *o);

#endif
