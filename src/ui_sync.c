/*
 * ui_sync.c - the interface's background sync (sync_auto.h): when it
 * runs and what the status line says of it.
 *
 * Automatic syncs, while sync_interval is not 0: at start, when playback
 * stops (whoever stopped it: a key, the end, an error, MPRIS) and every
 * sync_interval minutes. The `sync` command syncs at once whatever the
 * setting. The sync itself runs on the worker's thread with the worker's
 * db connection (WORK_SYNC): no key waits on the network. A failure stays
 * on the message line (the next key clears it, as any message); a success
 * shows for a few seconds.
 */
#include <stdlib.h>
#include <string.h>

#include "sync_auto.h"
#include "ui_int.h"
#include "util.h"

#define SYNC_MSG_MS 5000 /* how long "synced: ..." stays */

static int is_playing(const ui *u)
{
	return u->pb && playback_episode(u->pb) != 0;
}

/* 1 when an account is set up (a read of the cache: automatic syncs are
 * not even queued without one, so "syncing" never flickers for nothing). */
static int set_up(ui *u)
{
	db_sync_account acc;
	int got = db_sync_get(u->d, &acc);
	db_sync_account_free(&acc);
	return got == 0;
}

void ui_sync(ui *u, int manual)
{
	if (!manual && u->cfg->sync_interval <= 0)
		return;
	if (!manual && !set_up(u)) {
		u->sync_last = now_ms(); /* looked: the timer waits for the next look */
		return;
	}
	if (!u->wk) {
		if (manual)
			ui_message(u, 1, "background work is unavailable (see the log)");
		return;
	}
	worker_submit(u->wk, WORK_SYNC, manual ? 1 : 0, NULL);
	u->sync_last = now_ms();
}

void ui_sync_result(ui *u, const worker_result *r)
{
	if (!r->message)
		return;
	/* An automatic sync that brought nothing does not cover a message
	 * that says something went wrong. */
	if (!r->id && !r->failed && !r->changed && u->message && u->message_error)
		return;
	ui_message(u, r->failed, "%s", r->message);
	free(u->sync_msg);
	u->sync_msg = NULL;
	u->sync_msg_until = 0;
	if (!r->failed && u->message) {
		u->sync_msg = xstrdup(u->message);
		u->sync_msg_until = now_ms() + SYNC_MSG_MS;
	}
}

int ui_sync_tick(ui *u)
{
	int redraw = 0;
	int64_t now = now_ms();
	int playing_now = is_playing(u);
	if (u->sync_playing && !playing_now)
		ui_sync(u, 0);
	u->sync_playing = playing_now;
	if (u->wk && sync_auto_due(now, u->sync_last, u->cfg->sync_interval))
		ui_sync(u, 0);
	if (u->sync_msg_until && now >= u->sync_msg_until) {
		/* Only the success line goes, not a message that replaced it. */
		if (u->message && u->sync_msg && !strcmp(u->message, u->sync_msg) &&
		    !u->message_error) {
			free(u->message);
			u->message = NULL;
			redraw = 1;
		}
		free(u->sync_msg);
		u->sync_msg = NULL;
		u->sync_msg_until = 0;
	}
	return redraw;
}

int ui_sync_timeout(const ui *u)
{
	int64_t now = now_ms(), t = -1;
	if (u->wk)
		t = sync_auto_wait(now, u->sync_last, u->cfg->sync_interval);
	if (u->sync_msg_until) {
		int64_t m = u->sync_msg_until > now ? u->sync_msg_until - now : 0;
		if (t < 0 || m < t)
			t = m;
	}
	return t < 0 ? -1 : t > 3600000 ? 3600000 : (int)t;
}

void ui_sync_done(ui *u)
{
	free(u->sync_msg);
	u->sync_msg = NULL;
}
