/*
 * pane_episodes.c - the episodes pane: one podcast's episodes, the newest
 * of all podcasts, or search hits (episodes and chapters). Enter plays.
 *
 * Episodes are read from the cache a page at a time so the first screen
 * costs the same with 10 or 100,000 of them: the pane keeps a window of
 * rows around what is on screen (EP_WINDOW screens' worth), and its update
 * pages in more when the rows on screen leave it. UI thread only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"
#include "ptime.h"
#include "text.h"
#include "theme.h"
#include "ui_int.h"
#include "util.h"

#define EP_WINDOW 3

static void drop_window(ui *u)
{
	db_episode_list_free(u->win, u->win_n);
	u->win = NULL;
	u->win_n = u->win_off = 0;
}

static void drop_hits(ui *u)
{
	db_search_free(u->hits, u->nhits);
	u->hits = NULL;
	u->nhits = 0;
}

static size_t episodes_count(ui *u)
{
	return u->src == SRC_SEARCH ? u->nhits : u->ep_count;
}

void view_reload_episodes(ui *u)
{
	int64_t keep = view_selected_episode(u);
	drop_window(u);
	u->ep_count = 0;
	if (u->src == SRC_SEARCH)
		return;
	if (u->src == SRC_PODCAST && !u->ep_podcast)
		return;
	int64_t pid = u->src == SRC_NEWEST ? 0 : u->ep_podcast;
	if (db_episode_count(u->d, pid, u->unplayed_only, &u->ep_count) != 0) {
		ui_message(u, 1, "cannot read episodes: %s", db_errmsg(u->d));
		return;
	}
	list_pos *p = &u->pos[PANE_EPISODES];
	if (p->sel >= u->ep_count)
		p->sel = u->ep_count ? u->ep_count - 1 : 0;
	/* Keep the same episode selected when it is still near. */
	if (keep) {
		const db_episode *e = view_episode(u, p->sel);
		if (!e || e->id != keep)
			for (size_t i = u->win_off; i < u->win_off + u->win_n; i++)
				if (u->win[i - u->win_off].id == keep)
					p->sel = i;
	}
}

void view_set_source(ui *u, int src, int64_t podcast_id)
{
	if (src != SRC_SEARCH)
		drop_hits(u);
	if (u->src == src && u->ep_podcast == podcast_id && src != SRC_SEARCH)
		return;
	u->src = src;
	u->ep_podcast = podcast_id;
	u->pos[PANE_EPISODES] = (list_pos){0, 0};
	drop_window(u);
	view_reload_episodes(u);
}

const db_episode *view_episode(ui *u, size_t i)
{
	if (u->src == SRC_SEARCH || i >= u->ep_count)
		return NULL;
	if (i >= u->win_off && i < u->win_off + u->win_n)
		return &u->win[i - u->win_off];
	size_t page = (size_t)(u->list_h > 0 ? u->list_h : 24);
	size_t off = i > page ? i - page : 0;
	drop_window(u);
	int64_t pid = u->src == SRC_NEWEST ? 0 : u->ep_podcast;
	if (db_episode_page(u->d, pid, u->unplayed_only, off, EP_WINDOW * page, &u->win,
			    &u->win_n) != 0) {
		ui_message(u, 1, "cannot read episodes: %s", db_errmsg(u->d));
		return NULL;
	}
	u->win_off = off;
	return i < off + u->win_n ? &u->win[i - off] : NULL;
}

int64_t view_selected_episode(ui *u)
{
	size_t sel = u->pos[PANE_EPISODES].sel;
	if (u->src == SRC_SEARCH)
		return sel < u->nhits ? u->hits[sel].episode_id : 0;
	const db_episode *e = view_episode(u, sel);
	return e ? e->id : 0;
}

void view_search(ui *u, const char *query)
{
	drop_hits(u);
	free(u->query);
	u->query = xstrdup(query);
	if (db_search(u->d, query, 500, &u->hits, &u->nhits) != 0) {
		ui_message(u, 1, "search failed: %s", db_errmsg(u->d));
		u->nhits = 0;
	}
	u->src = SRC_NEWEST; /* force view_set_source to reset */
	view_set_source(u, SRC_SEARCH, 0);
	u->pos[PANE_EPISODES] = (list_pos){0, 0};
	ui_message(u, 0, "%zu result%s for \"%s\"", u->nhits, u->nhits == 1 ? "" : "s", query);
}

/* Row i when it is paged in already: drawing never reads the cache. */
static const db_episode *paged(const ui *u, size_t i)
{
	if (i >= u->win_off && i < u->win_off + u->win_n)
		return &u->win[i - u->win_off];
	return NULL;
}

/* Pages in the rows on screen (the selection was clamped by the layout). */
static void episodes_update(ui *u)
{
	const list_pos *p = &u->pos[PANE_EPISODES];
	size_t n = episodes_count(u);
	if (u->src == SRC_SEARCH || !n)
		return;
	size_t last = p->top + (size_t)(u->list_h > 0 ? u->list_h : 1) - 1;
	if (last >= n)
		last = n - 1;
	if (!paged(u, p->top) || !paged(u, last))
		view_episode(u, p->top);
}

static int episodes_ctx(const ui *u)
{
	return u->src == SRC_SEARCH ? KCTX_SEARCH : KCTX_EPISODES;
}

static void episodes_title(ui *u, char *buf, size_t n)
{
	const char *filter = u->unplayed_only ? ", unplayed" : "";
	if (u->src == SRC_SEARCH) {
		char *q = text_sanitize(u->query, (size_t)-1, 0);
		snprintf(buf, n, "Search \"%s\" (%zu)", q, u->nhits);
		free(q);
	} else if (u->src == SRC_NEWEST) {
		snprintf(buf, n, "Newest episodes (%zu%s)", u->ep_count, filter);
	} else {
		const db_podcast *p = view_selected_podcast(u);
		char *t = text_sanitize(p ? (p->title ? p->title : p->url) : "", (size_t)-1, 0);
		snprintf(buf, n, "%s (%zu%s)", p ? t : "Episodes", u->ep_count, filter);
		free(t);
	}
}

static void hit_row(ui *u, size_t i, int y, int x, int w, int selected)
{
	const db_search_hit *h = &u->hits[i];
	char *title = text_sanitize(h->title, (size_t)-1, 0);
	char *ep = text_sanitize(h->kind == DB_HIT_CHAPTER ? h->episode_title : h->podcast_title,
				 (size_t)-1, 0);
	char when[32] = "";
	if (h->kind == DB_HIT_CHAPTER)
		ptime_clock(h->start, when, sizeof when);
	char *left = h->kind == DB_HIT_CHAPTER ? xasprintf("  ch %s  %s · %s", when, title, ep)
					       : xasprintf("  ep %s · %s", title, ep);
	int playing = u->pb && playback_episode(u->pb) == h->episode_id;
	draw_lr(y, x, w, left, NULL,
		draw_row_elem(u, PANE_EPISODES, selected, playing ? THEME_PLAYING : THEME_NORMAL));
	free(left);
	free(ep);
	free(title);
}

static void episodes_row(ui *u, size_t i, int y, int x, int w, int selected)
{
	if (u->src == SRC_SEARCH) {
		hit_row(u, i, y, x, w, selected);
		return;
	}
	const db_episode *e = paged(u, i);
	if (!e)
		return;
	int playing = u->pb && playback_episode(u->pb) == e->id;
	char *title = text_sanitize(e->title ? e->title : "(untitled)", (size_t)-1, 0);
	char *pod = u->src == SRC_NEWEST ? text_sanitize(e->podcast_title, (size_t)-1, 0) : NULL;
	char date[32] = "";
	if (e->has_published && w >= 40) {
		ptime_iso8601(e->published, date, sizeof date);
		date[10] = '\0';
	}
	char dur[32] = "";
	if (e->duration > 0)
		ptime_clock(e->duration, dur, sizeof dur);
	const char *mark = playing ? "▶" : (e->played ? " " : "●");
	char *left = xasprintf("%s %s%s%s%s%s", mark, date, *date ? "  " : "", pod ? pod : "",
			       pod ? ": " : "", title);
	int normal = playing ? THEME_PLAYING : (e->played ? THEME_PLAYED : THEME_UNPLAYED);
	draw_lr(y, x, w, left, dur, draw_row_elem(u, PANE_EPISODES, selected, normal));
	free(left);
	free(pod);
	free(title);
}

static void episodes_open(ui *u, size_t i)
{
	if (u->src == SRC_SEARCH) {
		if (i < u->nhits) {
			const db_search_hit *h = &u->hits[i];
			ui_play(u, h->episode_id, h->kind == DB_HIT_CHAPTER ? h->start : -1, 0);
		}
		return;
	}
	const db_episode *e = view_episode(u, i);
	if (e)
		ui_play(u, e->id, -1, 0);
}

static void episodes_done(ui *u)
{
	drop_window(u);
	drop_hits(u);
	free(u->query);
	u->query = NULL;
}

const pane_ops pane_episodes = {
	.ctx = episodes_ctx,
	.empty = "no episodes",
	.width_pct = 36,
	.title = episodes_title,
	.count = episodes_count,
	.update = episodes_update,
	.row = episodes_row,
	.open = episodes_open,
	.done = episodes_done,
};
