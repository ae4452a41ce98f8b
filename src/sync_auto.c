/*
 * sync_auto.c - the interface's background sync (see sync_auto.h): the
 * same sync as `podcue sync`, then the podcasts it brought fetched, summed
 * up in one line for the status bar.
 */
#include "sync_auto.h"

#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "util.h"

void sync_outcome_free(sync_outcome *o)
{
	free(o->message);
	memset(o, 0, sizeof *o);
}

/* The podcasts the server brought are fetched, so that they have episodes
 * (a failure there is the refresh's, said in the summary). */
static const char *fetch_new(db *d, const config *c, const sync_report *r,
			     refresh_progress_fn progress, void *ctx, int *failed_feeds)
{
	*failed_feeds = 0;
	if (!r->n_new)
		return NULL;
	refresh_opts o = {.ids = r->new_podcasts, .nids = r->n_new, .progress = progress,
			  .progress_ctx = ctx};
	refresh_report rep;
	int rc = refresh_podcasts(d, c, &o, &rep);
	*failed_feeds = rep.failed;
	refresh_report_free(&rep);
	return rc != 0 ? db_errmsg(d) : NULL;
}

void sync_auto_run(db *d, const config *c, int manual, sync_cancel_fn cancel,
		   refresh_progress_fn progress, void *ctx, sync_outcome *o)
{
	memset(o, 0, sizeof *o);
	db_sync_account acc;
	int got = db_sync_get(d, &acc);
	db_sync_account_free(&acc);
	if (got != 0) {
		o->off = got > 0;
		o->failed = got < 0 || manual;
		if (got < 0)
			o->message = xasprintf("sync failed: %s", db_errmsg(d));
		else if (manual)
			o->message = xstrdup("sync is off (podcue sync setup URL --user NAME)");
		return;
	}
	char *err = NULL;
	char *password = sync_password_get(&err);
	if (!password) {
		o->failed = 1;
		o->message = xasprintf("sync failed: %s", err);
		free(err);
		return;
	}
	sync_report r;
	int rc = sync_run_cancel(d, password, c->played_margin, cancel, ctx, &r, &err);
	memset(password, 0, strlen(password));
	free(password);
	if (rc != 0) {
		/* The server's and curl's words: no control characters on screen. */
		char *clean = text_sanitize(err ? err : "", (size_t)-1, 0);
		o->failed = 1;
		o->message = xasprintf("sync failed: %s (changes stay pending)", clean);
		free(clean);
		free(err);
		return;
	}
	int failed_feeds;
	const char *dberr = fetch_new(d, c, &r, progress, ctx, &failed_feeds);
	size_t up = r.pushed_subs + r.pushed_actions, down = r.pulled_subs + r.pulled_actions;
	o->changed = down > 0;
	sbuf b = SBUF_INIT;
	sb_printf(&b, "synced: %zu up, %zu down", up, down);
	if (r.conflicts)
		sb_printf(&b, ", %zu conflict%s (the newer change kept)", r.conflicts,
			  r.conflicts == 1 ? "" : "s");
	if (dberr) {
		sb_printf(&b, "; cache error fetching the new podcasts: %s", dberr);
		o->failed = 1;
	} else if (failed_feeds) {
		sb_printf(&b, "; %d new podcast%s could not be fetched", failed_feeds,
			  failed_feeds == 1 ? "" : "s");
		o->failed = 1;
	}
	o->message = sb_steal(&b);
	sync_report_free(&r);
}

int64_t sync_auto_wait(int64_t now, int64_t last, int interval)
{
	if (interval <= 0)
		return -1;
	if (!last)
		return 0;
	int64_t due = last + (int64_t)interval * 60000;
	return due > now ? due - now : 0;
}

int sync_auto_due(int64_t now, int64_t last, int interval)
{
	return sync_auto_wait(now, last, interval) == 0;
}
