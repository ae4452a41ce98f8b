/*
 * pane_episodes.c - the episodes pane: one podcast's episodes (newest or
 * oldest first), the newest of all podcasts, the episodes in progress
 * (Continue), or search hits (episodes and chapters). Every row marks
 * how far into its episode the saved position is. Enter plays.
 *
 * Episodes are read from the cache a page at a time so the first screen
 * costs the same with 10 or 100,000 of them: the pane keeps a window of
 * rows around what is on screen (EP_WINDOW screens' worth), and its update
 * pages in more when the rows on screen leave it. UI thread only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "download.h"
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
	int rc = u->src == SRC_CONTINUE
			 ? db_episode_progress_count(u->d, &u->ep_count)
			 : db_episode_count(u->d, pid, u->unplayed_only, &u->ep_count);
	if (rc != 0) {
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

/* Leaving a podcast's list for another view: remember where it was. */
static void remember_place(ui *u)
{
	u->back.valid = 1;
	u->back.focus = u->focus;
	u->back.podcast = u->ep_podcast;
	u->back.episode = view_selected_episode(u);
	u->back.pos = u->pos[PANE_EPISODES];
}

/* Back in the podcast's list it left: the same episode selected (found
 * again if the list moved under it), on the same screen line. */
static void restore_place(ui *u)
{
	u->back.valid = 0;
	u->pos[PANE_EPISODES] = u->back.pos;
	view_reload_episodes(u);
	size_t at;
	if (u->back.episode && view_selected_episode(u) != u->back.episode &&
	    db_episode_index(u->d, u->ep_podcast, u->unplayed_only, view_oldest_first(u),
			     u->back.episode, &at) == 0) {
		list_pos *p = &u->pos[PANE_EPISODES];
		size_t line = p->sel >= p->top ? p->sel - p->top : 0;
		p->top = at >= line ? at - line : 0;
		p->sel = at;
	}
	u->focus = u->back.focus;
}

void view_set_source(ui *u, int src, int64_t podcast_id)
{
	if (src != SRC_SEARCH)
		drop_hits(u);
	if (u->src == src && u->ep_podcast == podcast_id && src != SRC_SEARCH)
		return;
	if (u->src == SRC_PODCAST && src != SRC_PODCAST)
		remember_place(u);
	int back = u->src != SRC_PODCAST && src == SRC_PODCAST && u->back.valid &&
		   u->back.podcast == podcast_id;
	if (src == SRC_PODCAST && u->src != SRC_PODCAST && !back)
		u->back.valid = 0;
	u->src = src;
	u->ep_podcast = podcast_id;
	u->pos[PANE_EPISODES] = (list_pos){0, 0};
	drop_window(u);
	if (back)
		restore_place(u);
	else
		view_reload_episodes(u);
}

int view_oldest_first(ui *u)
{
	if (u->src != SRC_PODCAST)
		return 0;
	for (size_t i = 0; i < u->npods; i++)
		if (u->pods[i].id == u->ep_podcast)
			return u->pods[i].sort_order == DB_SORT_DEFAULT
				       ? u->cfg->oldest_first != 0
				       : u->pods[i].sort_order == DB_SORT_OLDEST;
	return u->cfg->oldest_first != 0;
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
	int rc = u->src == SRC_CONTINUE
			 ? db_episode_progress_page(u->d, off, EP_WINDOW * page, &u->win, &u->win_n)
			 : db_episode_page_sorted(u->d, pid, u->unplayed_only, view_oldest_first(u),
						  off, EP_WINDOW * page, &u->win, &u->win_n);
	if (rc != 0) {
		ui_message(u, 1, "cannot read episodes: %s", db_errmsg(u->d));
		return NULL;
	}
	u->win_off = off;
	dbw_overlay_episodes(u->wr, u->win, u->win_n); /* marks not stored yet */
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
	view_set_source(u, SRC_SEARCH, 0);
	/* Chapter times right-aligned in a column as wide as the widest. */
	u->hit_time_w = 0;
	for (size_t i = 0; i < u->nhits; i++) {
		char when[32];
		ptime_clock(u->hits[i].start, when, sizeof when);
		if (u->hits[i].start >= 0 && text_width(when) > u->hit_time_w)
			u->hit_time_w = text_width(when);
	}
	u->pos[PANE_EPISODES] = (list_pos){0, 0};
	long long unscanned = (long long)db_search_unscanned(u->d);
	if (unscanned > 0) /* the index is still being built */
		ui_message(u, 0, "%zu result%s for \"%s\" (%lld episodes not indexed yet: not searched)",
			   u->nhits, u->nhits == 1 ? "" : "s", query, unscanned);
	else
		ui_message(u, 0, "%zu result%s for \"%s\"", u->nhits, u->nhits == 1 ? "" : "s",
			   query);
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
	} else if (u->src == SRC_CONTINUE) {
		snprintf(buf, n, "Continue listening (%zu)", u->ep_count);
	} else {
		const db_podcast *p = view_selected_podcast(u);
		char *t = text_sanitize(p ? (p->title ? p->title : p->url) : "", (size_t)-1, 0);
		snprintf(buf, n, "%s (%zu%s%s)", p ? t : "Episodes", u->ep_count, filter,
			 view_oldest_first(u) ? ", oldest first" : "");
		free(t);
	}
}

/* The mark before a row: playing, in progress (with how far, in the
 * row's right column), unplayed or played. */
static const char *row_mark(int playing, int played, double position)
{
	if (playing)
		return "▶";
	if (played)
		return " ";
	return position > 0 ? "◐" : "●";
}

/* The download mark of an episode into buf: "↓" downloaded (its file
 * still there), "↓42%" downloading, "↓…" queued, "↓!" failed or
 * interrupted; "" when never downloaded. */
static void download_mark(ui *u, int64_t id, char *buf, size_t size)
{
	db_download r;
	buf[0] = '\0';
	if (db_download_get(u->d, id, &r) != 0)
		return;
	struct stat st;
	if (r.state == DL_DONE && r.path && stat(r.path, &st) == 0)
		snprintf(buf, size, "↓");
	else if (r.state == DL_RUNNING && r.total > 0 && download_in_progress(r.path))
		snprintf(buf, size, "↓%d%%", (int)(r.bytes * 100 / r.total));
	else if (r.state == DL_QUEUED ||
		 (r.state == DL_RUNNING && download_in_progress(r.path)))
		snprintf(buf, size, "↓…");
	else if (r.state != DL_DONE)
		snprintf(buf, size, "↓!");
	db_download_free(&r);
}

/* Appends s fitted into w columns and padded to exactly w. */
static void put_col(sbuf *b, const char *s, int w)
{
	if (w <= 0)
		return;
	char *fit = text_fit(s, w);
	sb_puts(b, fit);
	for (int i = text_width(fit); i < w; i++)
		sb_putc(b, ' ');
	free(fit);
}

/* A hit: mark, kind, the chapter's time right-aligned in a column, then
 * two columns: the hit's title and the episode's (or, for an episode,
 * the podcast's). */
static void hit_row(ui *u, size_t i, int y, int x, int w, int selected)
{
	const db_search_hit *h = &u->hits[i];
	int ch = h->kind != DB_HIT_EPISODE; /* a chapter or transcript hit */
	char *title = text_sanitize(h->title, (size_t)-1, 0);
	char *other = text_sanitize(ch ? h->episode_title : h->podcast_title, (size_t)-1, 0);
	char when[32] = "", prog[32];
	if (ch && h->start >= 0)
		ptime_clock(h->start, when, sizeof when);
	int playing = u->pb && playback_episode(u->pb) == h->episode_id;
	ptime_progress(h->played ? -1 : h->position, h->duration, prog, sizeof prog);
	if (w < 60)
		prog[0] = '\0'; /* the mark says "in progress"; the titles need the room */
	sbuf b = SBUF_INIT;
	sb_printf(&b, "%s %s ", row_mark(playing, h->played, h->position),
		  h->kind == DB_HIT_TRANSCRIPT ? "tx" : ch ? "ch" : "ep");
	for (int k = text_width(when); k < u->hit_time_w; k++)
		sb_putc(&b, ' ');
	sb_printf(&b, "%s%s", when, u->hit_time_w ? "  " : "");
	/* Room for "99%" on every row keeps the columns straight. */
	int pw = w < 60 ? 0 : *prog && text_width(prog) > 4 ? text_width(prog) + 1 : 5;
	int rest = w - text_width(b.s) - pw;
	int first = rest >= 24 ? rest * 11 / 20 : rest;
	put_col(&b, title, first);
	if (rest - first > 2) {
		sb_puts(&b, "  ");
		put_col(&b, other, rest - first - 2);
	}
	int normal = playing ? THEME_PLAYING : h->played ? THEME_PLAYED : THEME_NORMAL;
	draw_lr(y, x, w, b.s, *prog ? prog : NULL,
		draw_row_elem(u, PANE_EPISODES, selected, normal));
	sb_free(&b);
	free(other);
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
	char *pod = u->src == SRC_NEWEST || u->src == SRC_CONTINUE
			    ? text_sanitize(e->podcast_title, (size_t)-1, 0)
			    : NULL;
	/* The date only where the title keeps room beside it. */
	char date[32] = "";
	if (e->has_published && w >= 60) {
		ptime_iso8601(e->published, date, sizeof date);
		date[10] = '\0';
	}
	char dur[32] = "", prog[32], right[80];
	if (e->duration > 0)
		ptime_clock(e->duration, dur, sizeof dur);
	ptime_progress(e->played ? -1 : e->position, e->duration, prog, sizeof prog);
	char dl[16];
	download_mark(u, e->id, dl, sizeof dl);
	snprintf(right, sizeof right, "%s%s%s%s%s", dl, *dl ? " " : "", prog,
		 *prog && *dur ? " of " : "", dur);
	if (w < 60 && *prog)
		snprintf(right, sizeof right, "%s%s%s", dl, *dl ? " " : "",
			 prog); /* the title needs the room */
	char *left = xasprintf("%s %s%s%s%s%s", row_mark(playing, e->played, e->position), date,
			       *date ? "  " : "", pod ? pod : "", pod ? ": " : "", title);
	int normal = playing ? THEME_PLAYING : (e->played ? THEME_PLAYED : THEME_UNPLAYED);
	draw_lr(y, x, w, left, *right ? right : NULL,
		draw_row_elem(u, PANE_EPISODES, selected, normal));
	free(left);
	free(pod);
	free(title);
}

static void episodes_open(ui *u, size_t i)
{
	if (u->src == SRC_SEARCH) {
		if (i < u->nhits) {
			const db_search_hit *h = &u->hits[i];
			ui_play(u, h->episode_id, h->kind != DB_HIT_EPISODE ? h->start : -1, 0);
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
	.width_pct = 44, /* the episodes_width setting */
	.title = episodes_title,
	.count = episodes_count,
	.update = episodes_update,
	.row = episodes_row,
	.open = episodes_open,
	.done = episodes_done,
};
