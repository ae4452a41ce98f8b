/*
 * trfetch.h - fetching an episode's transcript (podcast:transcript) when
 * it is wanted: for the episode on screen (the TUI's worker) and for
 * `podcue transcript`. As chapter files: one polite request at a time on
 * the feed fetcher (conditional GET, size cap, the URL rules of urlrule.h,
 * a file: URL only for a local podcast).
 *
 * Of an episode's transcripts the preferred type is fetched first (JSON,
 * WebVTT, SRT, HTML, then the rest: transcript_type_rank); when it fails
 * the next is tried, and the first that parses is stored. A fetch that
 * failed is tried again once TRFETCH_RETRY_S old; a stored transcript is
 * revalidated (If-None-Match / If-Modified-Since) once TRFETCH_REVALIDATE_S
 * old, or at once when the feed no longer lists its URL.
 *
 * Runs on the calling thread, on its db connection.
 */
#ifndef PODCUE_TRFETCH_H
#define PODCUE_TRFETCH_H

#include <stdint.h>

#include "config.h"
#include "db.h"

#define TRFETCH_RETRY_S 3600
#define TRFETCH_REVALIDATE_S (7 * 24 * 3600)

typedef struct trfetch_outcome {
	int listed;  /* how many transcripts the feed lists for the episode */
	int fetched; /* a request was made */
	int changed; /* new segments were stored */
	char *error; /* why the last fetch failed (as stored), or NULL */
} trfetch_outcome;

/* Fetches episode_id's transcript when due (see above) and stores it.
 * Returns 0 (1 when there is no such episode), or -1 on a database error
 * (db_errmsg); *out is filled either way (trfetch_outcome_free). */
int trfetch_episode(db *d, const config *c, int64_t episode_id, trfetch_outcome *out);
void trfetch_outcome_free(trfetch_outcome *o);

#endif
