/*
 * sync_run.h - one sync of the cache with the account set up in it: pull
 * subscriptions and episode actions, merge them (sync_merge.h) into the
 * cache, push the pending local changes (db_sync.c), record the new
 * timestamps. A failed request leaves every unsent change pending and the
 * timestamps as they were: the next sync retries. And the sync password,
 * which never enters the cache.
 *
 * Threading: runs on the caller's thread with the caller's connection
 * (blocking network I/O: not for the TUI's thread).
 */
#ifndef PODCUE_SYNC_RUN_H
#define PODCUE_SYNC_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

typedef struct sync_report {
	size_t pushed_subs, pushed_actions;
	size_t pulled_subs, pulled_actions;
	size_t conflicts;
	int64_t *new_podcasts; /* podcasts subscribed from the server (owned) */
	size_t n_new;
} sync_report;

void sync_report_free(sync_report *r);

/* One sync. 0, or -1 with *err (owned) a sentence without the password. */
int sync_run(db *d, const char *password, int played_margin, sync_report *r, char **err);

/* The same, stopped (as a failure, "cancelled") as soon as cancel(ctx)
 * returns non-zero; cancel is asked on this thread during transfers. */
typedef int (*sync_cancel_fn)(void *ctx);
int sync_run_cancel(db *d, const char *password, int played_margin, sync_cancel_fn cancel,
		    void *ctx, sync_report *r, char **err);

/* The password: $PODCUE_SYNC_PASSWORD, else the password file. NULL with
 * *err when there is none. */
char *sync_password_get(char **err);
/* Writes the password file with mode 0600 (created so, never widened). */
int sync_password_save(const char *password, char **err);
int sync_password_forget(void);

#endif
