/*
 * pane_queue.c - the queue view ("Up next"): the queued episodes in play
 * order, the playing one marked. It has the whole width (ui_draw.c lays it
 * out alone); `queue` opens and closes it. Enter plays the selection;
 * queue-up / queue-down move it, queue-remove takes it out.
 *
 * The queue is small and loaded whole, in the update after something
 * marked it stale (view_queue_changed): a queue command, the end of an
 * episode, a refresh that removed a podcast, opening the view. UI thread
 * only.
 */
#include <stdio.h>
#include <stdlib.h>

#include "keys.h"
#include "ptime.h"
#include "text.h"
#include "theme.h"
#include "ui_int.h"
#include "util.h"

void view_queue_changed(ui *u)
{
	u->queue_stale = 1;
}

static void queue_update(ui *u)
{
	if (!u->queue_stale)
		return;
	u->queue_stale = 0;
	int64_t keep = u->queue_select ? u->queue_select : view_queue_selected(u);
	u->queue_select = 0;
	db_queue_list_free(u->queue, u->nqueue);
	u->queue = NULL;
	u->nqueue = 0;
	if (dbw_queue_read(u->wr, u->d, &u->queue, &u->nqueue) != 0) /* with unsaved edits */
		ui_message(u, 1, "cannot read the queue: %s", db_errmsg(u->d));
	/* The selection stays on its episode while that is still queued. */
	for (size_t i = 0; i < u->nqueue; i++)
		if (u->queue[i].episode_id == keep)
			u->pos[PANE_QUEUE].sel = i;
}

int64_t view_queue_selected(ui *u)
{
	size_t sel = u->pos[PANE_QUEUE].sel;
	return sel < u->nqueue ? u->queue[sel].episode_id : 0;
}

static int queue_ctx(const ui *u)
{
	(void)u;
	return KCTX_QUEUE;
}

static void queue_title(ui *u, char *buf, size_t n)
{
	snprintf(buf, n, "Up next (%zu)", u->nqueue);
}

static size_t queue_count(ui *u)
{
	return u->nqueue;
}

static void queue_row(ui *u, size_t i, int y, int x, int w, int selected)
{
	const db_queue_entry *q = &u->queue[i];
	int playing = u->pb && playback_episode(u->pb) == q->episode_id;
	char *title = text_sanitize(q->title ? q->title : "(untitled)", (size_t)-1, 0);
	char *pod = text_sanitize(q->podcast_title ? q->podcast_title : "", (size_t)-1, 0);
	char *left = xasprintf("%s%3lld. %s · %s", playing ? "▶" : " ", (long long)q->position,
			       title, pod);
	char right[48] = "";
	if (q->duration > 0 && q->saved > 0 && q->saved < q->duration) {
		char t[16];
		ptime_clock(q->duration - q->saved, t, sizeof t);
		snprintf(right, sizeof right, "%s left", t);
	} else if (q->duration > 0) {
		ptime_clock(q->duration, right, sizeof right);
	}
	int elem = draw_row_elem(u, PANE_QUEUE, selected, playing ? THEME_PLAYING : THEME_NORMAL);
	draw_lr(y, x, w, left, *right ? right : NULL, elem);
	free(left);
	free(pod);
	free(title);
}

static void queue_open(ui *u, size_t i)
{
	if (i < u->nqueue)
		ui_play(u, u->queue[i].episode_id, -1, 0);
}

static void queue_done(ui *u)
{
	db_queue_list_free(u->queue, u->nqueue);
	u->queue = NULL;
	u->nqueue = 0;
}

const pane_ops pane_queue = {
	.ctx = queue_ctx,
	.empty = "the queue is empty (e queues the selected episode, E plays it next)",
	.width_pct = 100,
	.title = queue_title,
	.count = queue_count,
	.update = queue_update,
	.row = queue_row,
	.open = queue_open,
	.done = queue_done,
};
