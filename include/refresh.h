/*
 * refresh.h - the refresh engine: fetch subscribed feeds in parallel (see
 * fetch.h) and hand each one to the rules of ingest.h (parse, derive show-
 * note text and chapters, store each feed in its own transaction). The
 * Podcasting 2.0 chapter files of each podcast's newest episodes
 * (chapfetch.h) are fetched in the same run, alongside the feeds. This
 * module is the pipeline: threads, queues, the fetch window, progress.
 *
 * A failure on one feed (network, HTTP, not a feed, malformed XML) is
 * recorded on that feed and never stops the others; its cached episodes stay.
 *
 * A refresh runs on the calling thread plus two of its own (parsing, and
 * storing: see refresh.c), which use the db handle while the call lasts;
 * the call returns only when they are done with it.
 */
#ifndef PODCUE_REFRESH_H
#define PODCUE_REFRESH_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "db.h"

typedef struct refresh_failure {
	int64_t id;
	char *url;
	char *title; /* may be NULL (never fetched) */
	char *error;
} refresh_failure;

typedef struct refresh_report {
	int total;     /* feeds checked */
	int updated;   /* parsed and stored */
	int unchanged; /* 304 or identical body */
	int failed;
	int moved;     /* stored URL changed (permanent redirect / new-feed-url) */
	int episodes_added;
	refresh_failure *failures;
	size_t nfailures;
	/* Feeds not asked for, as their server asked to wait (Retry-After):
	 * not counted in total; error says until when. */
	refresh_failure *deferred;
	size_t ndeferred;
} refresh_report;

/* Where a run is, for whoever shows it (the CLI's progress bar, the
 * interface's status line). */
typedef struct refresh_progress {
	int done;            /* feeds stored, found unchanged or failed */
	int total;           /* feeds to fetch (chapter files are not counted) */
	int64_t bytes;       /* body bytes received so far, chapter files included */
	const char *current; /* URL of a running transfer, or NULL; borrowed for the call */
	int final;           /* 1 on the last call, once the run is over */
} refresh_progress;

/* Called about every 100 ms and once at the end (final); returning non-zero
 * cancels the refresh (feeds already stored stay stored, the rest are left
 * as they were). */
typedef int (*refresh_progress_fn)(void *ctx, const refresh_progress *p);

/* What to refresh and who watches. Zero-initialised: every podcast, no
 * progress. */
typedef struct refresh_opts {
	const int64_t *ids;           /* the podcasts to refresh; NULL = all */
	size_t nids;
	refresh_progress_fn progress; /* may be NULL */
	void *progress_ctx;
} refresh_opts;

/* Refreshes the podcasts o names. Runs on whatever thread calls it, on that
 * thread's own db, and calls the progress hook on that thread. Returns 0
 * when the engine ran (check rep->failed), -1 on a database error (message
 * in db_errmsg) or when libcurl could not start. rep is filled either way;
 * free it with refresh_report_free. */
int refresh_podcasts(db *d, const config *c, const refresh_opts *o, refresh_report *rep);
void refresh_report_free(refresh_report *rep);

/* The first refresh of podcasts just added with db_podcast_add: as
 * refresh_podcasts, and then every one of them that failed is removed
 * again. A feed that cannot be fetched or parsed on the first try is most
 * likely a mistyped URL; kept, it would only show its error forever. The
 * failures stay in rep for the caller to report. */
int refresh_subscribe(db *d, const config *c, const refresh_opts *o, refresh_report *rep);

#endif
