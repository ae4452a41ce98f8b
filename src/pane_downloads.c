/*
 * pane_downloads.c - the downloads view: every download with its state,
 * size, percent and error, running ones first. It has the whole width
 * (ui_draw.c lays it out alone); `downloads` (w) opens and closes it.
 * Enter plays the selection (from its file when downloaded), `download`
 * (D) cancels or downloads it again, `delete-download` (x, this view's
 * own binding) deletes its file.
 *
 * The list is small and read whole before every draw while the view is
 * open: the download thread writes progress to the cache, and the UI
 * wakes about once a second while downloads run (ui.c). UI thread only.
 */
#include <stdio.h>
#include <stdlib.h>

#include "download.h"
#include "keys.h"
#include "text.h"
#include "theme.h"
#include "ui_int.h"
#include "util.h"

int64_t view_downloads_selected(ui *u)
{
	size_t sel = u->pos[PANE_DOWNLOADS].sel;
	return sel < u->ndls ? u->dls[sel].r.episode_id : 0;
}

static void dls_update(ui *u)
{
	if (u->focus != PANE_DOWNLOADS)
		return;
	int64_t keep = view_downloads_selected(u);
	db_download_entry_list_free(u->dls, u->ndls);
	u->dls = NULL;
	u->ndls = 0;
	if (db_download_entries(u->d, &u->dls, &u->ndls) != 0)
		ui_message(u, 1, "cannot read the downloads: %s", db_errmsg(u->d));
	/* The selection stays on its episode while it is listed. */
	for (size_t i = 0; i < u->ndls; i++)
		if (u->dls[i].r.episode_id == keep)
			u->pos[PANE_DOWNLOADS].sel = i;
	/* A row left running by a podcue that was killed is interrupted. */
	for (size_t i = 0; i < u->ndls; i++) {
		db_download *r = &u->dls[i].r;
		if (r->state == DL_RUNNING && !download_in_progress(r->path)) {
			r->state = DL_FAILED;
			free(r->error);
			r->error = xstrdup("interrupted (D resumes)");
		}
	}
}

static int dls_ctx(const ui *u)
{
	(void)u;
	return KCTX_DOWNLOADS;
}

static void dls_title(ui *u, char *buf, size_t n)
{
	int64_t bytes = 0;
	for (size_t i = 0; i < u->ndls; i++)
		bytes += u->dls[i].r.state == DL_DONE ? u->dls[i].r.bytes : 0;
	snprintf(buf, n, "Downloads (%zu, %.1f MiB on disk)", u->ndls, (double)bytes / (1 << 20));
}

static size_t dls_count(ui *u)
{
	return u->ndls;
}

/* "running 42%  12.3/45.6 MiB", "done  45.6 MiB"... */
static void size_text(const db_download *r, char *buf, size_t n)
{
	double mb = (double)r->bytes / (1 << 20);
	const char *state = db_download_state_name(r->state);
	if (r->state == DL_DONE || r->total <= 0)
		snprintf(buf, n, "%-7s %8.1f MiB", state, mb);
	else
		snprintf(buf, n, "%-7s %3d%% %6.1f/%.1f MiB", state,
			 (int)(r->bytes * 100 / r->total), mb, (double)r->total / (1 << 20));
}

static void dls_row(ui *u, size_t i, int y, int x, int w, int selected)
{
	const db_download_entry *e = &u->dls[i];
	int playing = u->pb && playback_episode(u->pb) == e->r.episode_id;
	char *title = text_sanitize(e->title ? e->title : "(untitled)", (size_t)-1, 0);
	char *pod = text_sanitize(e->podcast_title ? e->podcast_title : "", (size_t)-1, 0);
	char *err = e->r.state == DL_FAILED && e->r.error
			    ? text_sanitize(e->r.error, (size_t)-1, 0)
			    : NULL;
	char *left = xasprintf("%s%s · %s%s%s", playing ? "▶" : " ", title, pod, err ? " — " : "",
			       err ? err : "");
	char right[64];
	size_text(&e->r, right, sizeof right);
	int normal = e->r.state == DL_FAILED ? THEME_ERROR
		     : playing		      ? THEME_PLAYING
		     : e->r.state == DL_DONE  ? THEME_NORMAL
					      : THEME_UNPLAYED;
	draw_lr(y, x, w, left, right, draw_row_elem(u, PANE_DOWNLOADS, selected, normal));
	free(left);
	free(err);
	free(pod);
	free(title);
}

static void dls_open(ui *u, size_t i)
{
	if (i < u->ndls)
		ui_play(u, u->dls[i].r.episode_id, -1, 0);
}

static void dls_done(ui *u)
{
	db_download_entry_list_free(u->dls, u->ndls);
	u->dls = NULL;
	u->ndls = 0;
}

const pane_ops pane_downloads = {
	.ctx = dls_ctx,
	.empty = "nothing downloaded (D downloads the selected episode)",
	.width_pct = 100,
	.title = dls_title,
	.count = dls_count,
	.update = dls_update,
	.row = dls_row,
	.open = dls_open,
	.done = dls_done,
};
