/*
 * dlworker.h - downloads for the TUI: a thread with its own database
 * connection runs a downloader (download.h), so the interface never waits
 * on a transfer. The UI toggles episodes (download, or cancel one this
 * thread is downloading); one-line messages come back through a pipe
 * (dlworker_fd) that the UI's single poll() watches. Progress is in the
 * cache's download rows, which the episode list reads.
 *
 * Threading: every function here is for the UI thread; the thread owns
 * its downloader and a private copy of the settings it needs.
 */
#ifndef PODCUE_DLWORKER_H
#define PODCUE_DLWORKER_H

#include <stdint.h>

#include "config.h"

typedef struct dlworker dlworker;

/* Returns 0, or -1 with *err (caller frees). */
int dlworker_start(const char *db_path, const config *c, dlworker **out, char **err);
/* Cancels what runs (partial files kept), joins and frees. NULL is fine. */
void dlworker_stop(dlworker *w);
int dlworker_fd(const dlworker *w);
/* Downloads the episode, or cancels it when this thread is downloading it. */
void dlworker_toggle(dlworker *w, int64_t episode_id);
/* Deletes the episode's download (cancelling it first when it runs). */
void dlworker_delete(dlworker *w, int64_t episode_id);
/* Stops the podcast's queued and running downloads (partial files kept)
 * and returns once they are stopped: call it before removing the podcast.
 * NULL w is fine. */
void dlworker_cancel_podcast(dlworker *w, int64_t podcast_id);
/* A refresh finished: the new episodes of podcasts with auto_download are
 * downloaded (dlpolicy.h), and the cleanup runs when they are done (at
 * once when there are none). The cleanup also runs whenever downloads
 * finish; it spares this session's downloads and the playing episode. */
void dlworker_refreshed(dlworker *w);
void dlworker_set_playing(dlworker *w, int64_t episode_id);
/* The thread follows c's download settings (after :set in the UI) from
 * its next wakeup on, except download_dir (it keeps the folder it started
 * with). NULL w is fine. */
void dlworker_set_config(dlworker *w, const config *c);
/* Overall progress for the status line; 1 while downloads run. */
typedef struct dlworker_status {
	int running, queued;
	int64_t bytes, total; /* of the running ones; total -1 when one is unknown */
	double rate;          /* bytes per second lately */
} dlworker_status;
int dlworker_get_status(dlworker *w, dlworker_status *st);
/* Moves one message into *msg (caller frees; error set for failures);
 * 0 when there is none. Also drains the wakeup pipe. */
int dlworker_poll(dlworker *w, char **msg, int *error);

#endif
