/*
 * sync_auto.h - sync from the interface: the job its worker thread runs
 * (one sync with the stored password, then the podcasts the server
 * brought fetched) and the one line the status bar shows for it.
 *
 * When it runs (at start, after playback stops, every sync_interval
 * minutes, and on the `sync` command) is the UI's business (ui_sync.c);
 * sync_auto_due is its pure rule.
 *
 * Threading: sync_auto_run blocks on the network: the worker's thread and
 * the worker's own db connection only. Messages never hold the password
 * (they are built from sync_run's sentences, which never do).
 */
#ifndef PODCUE_SYNC_AUTO_H
#define PODCUE_SYNC_AUTO_H

#include <stdint.h>

#include "config.h"
#include "db.h"
#include "refresh.h"
#include "sync_run.h"

typedef struct sync_outcome {
	int off;       /* sync is not set up: nothing was done */
	int failed;
	int changed;   /* the cache changed: what is on screen reloads */
	char *message; /* "synced: 3 up, 2 down", "sync failed: ...", or NULL
			* (an automatic sync when sync is off); owned */
} sync_outcome;

/* One sync. manual: asked for by the user (then "sync is off" is said).
 * cancel is asked during transfers (and passed to the refresh of new
 * podcasts through progress), may be NULL. */
void sync_auto_run(db *d, const config *c, int manual, sync_cancel_fn cancel,
		   refresh_progress_fn progress, void *ctx, sync_outcome *o);
void sync_outcome_free(sync_outcome *o);

/* The rule of the automatic syncs: 1 when one is due at now (ms), the
 * last one having started at last (ms; 0 = none yet), with interval
 * minutes between them (0 = never on a timer). */
int sync_auto_due(int64_t now, int64_t last, int interval);
/* Milliseconds until the next one is due (0 = now), -1 = none on a timer. */
int64_t sync_auto_wait(int64_t now, int64_t last, int interval);

#endif
