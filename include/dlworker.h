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
/* Moves one message into *msg (caller frees; error set for failures);
 * 0 when there is none. Also drains the wakeup pipe. */
int dlworker_poll(dlworker *w, char **msg, int *error);

#endif
