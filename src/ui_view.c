/*
 * ui_view.c - what the TUI's panes show, read from the cache a page at a
 * time so the first screen costs the same with 10 or 100,000 episodes.
 *
 * The episodes pane keeps a window of rows around what is on screen
 * (EP_WINDOW screens' worth) and pages in more when the selection leaves
 * it. Podcasts are few and loaded whole.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ptime.h"
#include "text.h"
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

void view_load_podcasts(ui *u)
{
	int64_t keep = u->npods ? u->pods[u->pos[PANE_PODCASTS].sel].id : 0;
	db_podcast_list_free(u->pods, u->npods);
	u->pods = NULL;
	u->npods = 0;
	if (db_podcast_list(u->d, &u->pods, &u->npods) != 0)
		ui_message(u, 1, "cannot read podcasts: %s", db_errmsg(u->d));
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

size_t view_episode_rows(ui *u)
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

/* ---- details ------------------------------------------------------------ */

static void clear_details(ui *u)
{
	for (size_t i = 0; i < u->nlines; i++)
		free(u->lines[i].text);
	free(u->lines);
	u->lines = NULL;
	u->nlines = 0;
}

static void add_line(ui *u, const char *text, int elem, int chap)
{
	u->lines = xrealloc(u->lines, (u->nlines + 1) * sizeof *u->lines);
	u->lines[u->nlines++] = (detail_line){xstrdup(text), elem, chap};
}

/* Sanitizes and wraps text into lines of the pane's width. */
static void add_wrapped(ui *u, const char *text, int elem, int keep_newlines)
{
	char *clean = text_sanitize(text, (size_t)-1, keep_newlines ? TEXT_KEEP_NEWLINES : 0);
	size_t n;
	char **lines = text_wrap(clean, u->det_width, &n);
	for (size_t i = 0; i < n; i++)
		add_line(u, lines[i], elem, 0);
	text_lines_free(lines);
	free(clean);
}

static void podcast_details(ui *u, const db_podcast *p)
{
	add_wrapped(u, p->title ? p->title : p->url, THEME_TITLE, 0);
	add_wrapped(u, p->url, THEME_PLAYED, 0);
	char when[64] = "never";
	if (p->last_refresh)
		ptime_iso8601(p->last_refresh, when, sizeof when);
	char *meta = xasprintf("%lld episodes, %lld unplayed · refreshed %s",
			       (long long)p->episodes, (long long)p->unplayed, when);
	add_wrapped(u, meta, THEME_NORMAL, 0);
	free(meta);
	if (p->last_error) {
		add_line(u, "", THEME_NORMAL, 0);
		char *err = xasprintf("! %s", p->last_error);
		add_wrapped(u, err, THEME_ERROR, 0);
		free(err);
	}
	if (!str_blank(p->description)) {
		add_line(u, "", THEME_NORMAL, 0);
		add_wrapped(u, p->description, THEME_NORMAL, 1);
	}
}

static void chapter_lines(ui *u, const db_episode *e)
{
	if (!u->det_chapters.n)
		return;
	char head[64];
	snprintf(head, sizeof head, "Chapters (%zu)", u->det_chapters.n);
	add_line(u, "", THEME_NORMAL, 0);
	add_line(u, head, THEME_TITLE, 0);
	for (size_t i = 0; i < u->det_chapters.n; i++) {
		const chapter *c = &u->det_chapters.v[i];
		char t[32];
		ptime_clock(c->start, t, sizeof t);
		char *title = text_sanitize(c->title && *c->title ? c->title : "", (size_t)-1, 0);
		int past = e->duration > 0 && c->start >= e->duration;
		char *line = xasprintf("%3zu %8s  %s%s", i + 1, t,
				       *title ? title : "(untitled)", past ? "  (past the end)" : "");
		char *fit = text_fit(line, u->det_width);
		add_line(u, fit, past ? THEME_PLAYED : THEME_NORMAL, (int)i + 1);
		free(fit);
		free(line);
		free(title);
	}
}

static void episode_details(ui *u, const db_episode *e)
{
	add_wrapped(u, e->title ? e->title : "(untitled)", THEME_TITLE, 0);
	sbuf m = SBUF_INIT;
	char buf[64];
	if (e->podcast_title) {
		char *pt = text_sanitize(e->podcast_title, (size_t)-1, 0);
		sb_printf(&m, "%s · ", pt);
		free(pt);
	}
	if (e->has_published) {
		ptime_iso8601(e->published, buf, sizeof buf);
		sb_printf(&m, "%.10s · ", buf);
	}
	if (e->duration > 0) {
		ptime_clock(e->duration, buf, sizeof buf);
		sb_printf(&m, "%s · ", buf);
	}
	sb_puts(&m, e->played ? "played" : "unplayed");
	if (e->position > 0) {
		ptime_clock(e->position, buf, sizeof buf);
		sb_printf(&m, " · at %s", buf);
	}
	add_wrapped(u, m.s, THEME_PLAYED, 0);
	sb_free(&m);
	char *cherr = db_chapter_file_error(u->d, e->id);
	if (cherr) {
		char *msg = xasprintf("! chapters file: %s", cherr);
		add_wrapped(u, msg, THEME_ERROR, 0);
		free(msg);
		free(cherr);
	}
	chapter_lines(u, e);
	if (!str_blank(e->notes_text)) {
		add_line(u, "", THEME_NORMAL, 0);
		add_wrapped(u, e->notes_text, THEME_NORMAL, 1);
	}
	char **links = NULL;
	size_t nlinks = 0;
	if (db_episode_links(u->d, e->id, &links, &nlinks) == 0 && nlinks) {
		add_line(u, "", THEME_NORMAL, 0);
		for (size_t i = 0; i < nlinks; i++) {
			char *l = xasprintf("[%zu] %s", i + 1, links[i]);
			add_wrapped(u, l, THEME_PLAYED, 0);
			free(l);
		}
	}
	for (size_t i = 0; i < nlinks; i++)
		free(links[i]);
	free(links);
}

/* Loads the episode and its visible merged chapters into u->det. */
static int load_episode(ui *u, int64_t id)
{
	db_episode_free(&u->det);
	chapter_list_clear(&u->det_chapters);
	if (db_episode_get(u->d, id, &u->det) != 0)
		return -1;
	db_chapters_visible(u->d, id, &u->det_chapters);
	return 0;
}

void view_update_details(ui *u, int force)
{
	int width = u->pw[PANE_DETAILS] > 2 ? u->pw[PANE_DETAILS] - 1 : 20;
	int64_t ep = u->focus == PANE_PODCASTS ? 0 : view_selected_episode(u);
	const db_podcast *p = view_selected_podcast(u);
	int64_t pid = ep ? 0 : (p ? p->id : 0);
	if (!force && ep == u->det_episode && pid == u->det_podcast && width == u->det_width)
		return;
	int same = ep && ep == u->det_episode;
	u->det_episode = ep;
	u->det_podcast = pid;
	u->det_width = width;
	clear_details(u);
	if (!same)
		u->pos[PANE_DETAILS] = (list_pos){0, 0};
	if (ep && (same && !force ? 0 : load_episode(u, ep)) == 0) {
		episode_details(u, &u->det);
		if (u->wk && u->det_requested != ep) {
			u->det_requested = ep;
			worker_submit(u->wk, WORK_CHAPTERS, ep, NULL);
		}
	} else if (p && !ep) {
		podcast_details(u, p);
	}
	if (u->pos[PANE_DETAILS].sel >= u->nlines)
		u->pos[PANE_DETAILS].sel = u->nlines ? u->nlines - 1 : 0;
}

void view_free(ui *u)
{
	clear_details(u);
	db_episode_free(&u->det);
	chapter_list_clear(&u->det_chapters);
	drop_window(u);
	drop_hits(u);
	db_podcast_list_free(u->pods, u->npods);
	free(u->query);
	free(u->message);
}
