/*
 * worker.h - background work for the TUI: refreshes, subscribing to a new
 * feed and fetching one episode's chapters run on one thread with its own
 * database connection, so the UI never waits on the network or on parsing.
 *
 * Results and progress come back through a pipe (worker_fd) that the UI's
 * single poll() watches; the UI then calls worker_poll until it returns 0.
 * Jobs run one at a time in submission order; a newer chapters (or
 * transcript) job replaces a queued older one (only the episode on screen
 * matters); a sync already queued takes a newer one in.
 */
#ifndef PODCUE_WORKER_H
#define PODCUE_WORKER_H

#include <stdint.h>

#include "config.h"

typedef struct worker worker;

enum worker_kind {
	WORK_REFRESH,  /* id 0 = every podcast, else that podcast */
	WORK_ADD,      /* arg = URL or path as typed */
	WORK_CHAPTERS, /* id = episode: chapters file and embedded chapters */
	WORK_REMOVE,   /* id = podcast */
	WORK_SYNC,     /* id 1 = asked for by the user, 0 = automatic (sync_auto.h) */
	WORK_TRANSCRIPT, /* id = episode: its transcript, when due (trfetch.h) */
	WORK_INDEX,    /* not submitted: the search index, built between jobs
			* (db_index_step); done/total are episodes */
};

typedef struct worker_result {
	int kind;
	int64_t id;    /* the job's id (for WORK_ADD: the new podcast, or 0) */
	int failed;
	int changed;   /* the cache changed: reload what is on screen */
	char *message; /* one line for the status bar (our text + sanitized
			* feed text), or NULL */
} worker_result;

/* Starts the thread with its own connection to db_path and a private copy
 * of c's network settings. Returns 0, or -1 with *err (caller frees). */
int worker_start(const char *db_path, const config *c, worker **out, char **err);
/* Cancels the running job (a refresh stops within about 100 ms), drops
 * queued ones, joins the thread and frees. NULL is fine. */
void worker_stop(worker *w);
/* Replaces the thread's copy of the network settings with c's (after :set
 * in the UI); the next job uses them, a running one finishes with the old. */
void worker_set_config(worker *w, const config *c);
int worker_fd(const worker *w);
/* Queues a job; arg is copied (may be NULL). */
void worker_submit(worker *w, int kind, int64_t id, const char *arg);
/* 1 while a job runs or waits, or the search index is being built
 * (WORK_INDEX, between jobs: whatever a refresh or an earlier run stored
 * unindexed); *kind, *done and *total describe the running one (feeds
 * done of total for a refresh, episodes for the index). */
int worker_busy(worker *w, int *kind, int *done, int *total);
/* Moves one finished result into *out (free with worker_result_free);
 * returns 0 when there is none. Also drains the wakeup pipe. */
int worker_poll(worker *w, worker_result *out);
void worker_result_free(worker_result *r);

#endif
