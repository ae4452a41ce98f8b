/*
 * pane_podcasts.c - the podcasts pane: every subscription with its unplayed
 * count. Podcasts are few and loaded whole. Moving here shows the selected
 * podcast's episodes; Enter moves to them. UI thread only.
 */
#include <stdio.h>
#include <stdlib.h>

#include "keys.h"
#include "text.h"
#include "theme.h"
#include "ui_int.h"
#include "util.h"

void view_load_podcasts(ui *u)
{
	int64_t keep = u->npods ? u->pods[u->pos[PANE_PODCASTS].sel].id : 0;
	db_podcast_list_free(u->pods, u->npods);
	u->pods = NULL;
	u->npods = 0;
	if (db_podcast_list(u->d, &u->pods, &u->npods) != 0)
		ui_message(u, 1, "cannot read podcasts: %s", db_errmsg(u->d));
	for (size_t i = 0; i < u->npods; i++) /* an order not stored yet */
		dbw_overlay_sort(u->wr, u->pods[i].id, &u->pods[i].sort_order);
	/* The widest row: mark, title, unplayed count. */
	u->pods_want = 0;
	for (size_t i = 0; i < u->npods; i++) {
		const db_podcast *q = &u->pods[i];
		char *t = text_sanitize(q->title ? q->title : q->url, (size_t)-1, 0);
		char count[32];
		int cw = q->unplayed ? snprintf(count, sizeof count, "%lld", (long long)q->unplayed) + 1
				     : 0;
		int want = 2 + text_width(t) + cw;
		if (want > u->pods_want)
			u->pods_want = want;
		free(t);
	}
	list_pos *p = &u->pos[PANE_PODCASTS];
	p->sel = 0;
	for (size_t i = 0; i < u->npods; i++)
		if (u->pods[i].id == keep)
			p->sel = i;
}

const db_podcast *view_selected_podcast(ui *u)
{
	if (!u->npods)
		return NULL;
	if (u->pos[PANE_PODCASTS].sel >= u->npods)
		u->pos[PANE_PODCASTS].sel = u->npods - 1;
	return &u->pods[u->pos[PANE_PODCASTS].sel];
}

static int podcasts_ctx(const ui *u)
{
	(void)u;
	return KCTX_PODCASTS;
}

static void podcasts_title(ui *u, char *buf, size_t n)
{
	snprintf(buf, n, "Podcasts (%zu)", u->npods);
}

static size_t podcasts_count(ui *u)
{
	return u->npods;
}

static void podcasts_row(ui *u, size_t i, int y, int x, int w, int selected)
{
	const db_podcast *p = &u->pods[i];
	char *title = text_sanitize(p->title ? p->title : p->url, (size_t)-1, 0);
	char *left = xasprintf("%s %s", p->last_error ? "!" : " ", title);
	char right[32] = "";
	if (p->unplayed)
		snprintf(right, sizeof right, "%lld", (long long)p->unplayed);
	int elem = draw_row_elem(u, PANE_PODCASTS, selected,
				 p->unplayed ? THEME_UNPLAYED : THEME_NORMAL);
	draw_lr(y, x, w, left, right, elem);
	if (p->last_error && !selected)
		draw_text(y, x, 1, "!", THEME_ERROR);
	free(left);
	free(title);
}

static int podcasts_want(ui *u)
{
	/* The title "Podcasts (N)" fits too. */
	return u->pods_want > 16 ? u->pods_want : 16;
}

static void podcasts_open(ui *u, size_t i)
{
	(void)i;
	ui_focus(u, PANE_EPISODES);
}

static void podcasts_done(ui *u)
{
	db_podcast_list_free(u->pods, u->npods);
	u->pods = NULL;
	u->npods = 0;
}

const pane_ops pane_podcasts = {
	.ctx = podcasts_ctx,
	.empty = "none yet (a adds one)",
	.width_pct = 22, /* the podcasts_width setting */
	.want = podcasts_want,
	.title = podcasts_title,
	.count = podcasts_count,
	.row = podcasts_row,
	.open = podcasts_open,
	.moved = ui_show_podcast,
	.done = podcasts_done,
};
