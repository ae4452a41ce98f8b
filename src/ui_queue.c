/*
 * ui_queue.c - the queue and the downloads in the TUI: the queue view and
 * its commands (add at the end or the front, take out, move), what plays
 * next when an episode ends (the continue setting, upnext.c), and the
 * download commands and view. Writes go through the cache writer
 * (dbwriter.h), so no key waits on the cache's write lock. UI thread only
 * (ui_int.h).
 */
#include "ui_int.h"
#include "upnext.h"

/* 1 when a download command can act on ep; else says why (none: the
 * message for no selection). */
static int download_target(ui *u, int64_t ep, const char *none)
{
	if (!ep)
		ui_message(u, 1, "%s", none);
	else if (!u->dw)
		ui_message(u, 1, "downloads are unavailable");
	return ep && u->dw;
}

/* Downloads the selected episode, or cancels its download (dlworker). */
void ui_download_toggle(ui *u)
{
	int64_t ep = ui_selected_episode(u);
	if (download_target(u, ep, "no episode selected"))
		dlworker_toggle(u->dw, ep);
}

/* downloads: opens or closes the downloads view. */
void ui_downloads_view(ui *u)
{
	ui_focus(u, u->focus == PANE_DOWNLOADS ? u->dls_back : PANE_DOWNLOADS);
}

/* delete-download: the selected download's file, in the downloads view. */
void ui_download_delete(ui *u)
{
	int64_t ep = u->focus == PANE_DOWNLOADS ? view_downloads_selected(u) : 0;
	if (u->focus != PANE_DOWNLOADS)
		ui_message(u, 1, "delete-download works in the downloads view (downloads)");
	else if (download_target(u, ep, "no download selected"))
		dlworker_delete(u->dw, ep);
}

void ui_queue_view(ui *u)
{
	ui_focus(u, u->focus == PANE_QUEUE ? u->queue_back : PANE_QUEUE);
}

/* queue-add (at the end) and queue-next (at the front). */
void ui_queue_add(ui *u, int front)
{
	int64_t ep = ui_selected_episode(u);
	size_t n = 0;
	if (!ep) {
		ui_message(u, 1, "no episode selected");
	} else if (dbw_queue_add(u->wr, u->d, ep, front) != 0 || ui_queue_count(u, &n) != 0) {
		ui_message(u, 1, "cannot change the queue: %s", db_errmsg(u->d));
	} else {
		ui_message(u, 0, "%s (%zu in the queue)", front ? "plays next" : "queued", n);
		u->queue_select = u->focus == PANE_QUEUE ? ep : 0; /* the selection follows */
	}
	view_queue_changed(u);
}

void ui_queue_remove(ui *u)
{
	int64_t ep = ui_selected_episode(u);
	int rc = 1;
	if (ep && (rc = ui_queued(u, ep)) == 0)
		rc = dbw_queue_remove(u->wr, u->d, ep);
	if (!ep)
		ui_message(u, 1, "no episode selected");
	else if (rc > 0)
		ui_message(u, 1, "that episode is not in the queue");
	else if (rc < 0)
		ui_message(u, 1, "cannot change the queue: %s", db_errmsg(u->d));
	else
		ui_message(u, 0, "taken out of the queue");
	view_queue_changed(u);
}

/* queue-up / queue-down: moves the selected queue entry by delta places
 * (clamped to the ends); the selection moves with it. */
void ui_queue_shift(ui *u, long delta)
{
	if (u->focus != PANE_QUEUE) {
		ui_message(u, 1, "queue-up and queue-down work in the queue view (queue)");
		return;
	}
	int64_t ep = view_queue_selected(u);
	if (!ep)
		return;
	long to = (long)u->pos[PANE_QUEUE].sel + 1 + delta;
	to = to < 1 ? 1 : to > (long)u->nqueue ? (long)u->nqueue : to;
	if (dbw_queue_move(u->wr, u->d, ep, to) != 0)
		ui_message(u, 1, "cannot change the queue: %s", db_errmsg(u->d));
	u->queue_select = ep; /* the selection follows it */
	view_queue_changed(u);
}

/* An episode played to its end (playback marked it played and took it
 * out of the queue): what the continue setting says plays next. */
void ui_continue(ui *u)
{
	view_queue_changed(u);
	int64_t next = upnext_after(u->d, u->wr, u->cfg->continue_mode, playback_finished(u->pb));
	if (next)
		ui_play(u, next, -1, 0);
}
