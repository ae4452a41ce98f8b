/*
 * pane_details.c - the details pane: the selected podcast, or the selected
 * episode with its chapters (numbered as everywhere: the visible list of
 * db_chapters_visible), show notes (wrapped to the pane's width) and links
 * (one line each, cut with "…"). Enter on a chapter plays from it; on a
 * link, opens the link. A chapter line is marked "✓" when the chapter is
 * heard (heard.h), ends in "[skip]" when playback passes over it
 * (skiprule.h), and a bookmark's title (its note) starts with "◆".
 *
 * The pane's update rebuilds the lines when the selection or the width
 * changed, and asks the worker once per episode for its chapters file and
 * embedded chapters. UI thread only.
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
	u->lines[u->nlines++] = (detail_line){xstrdup(text), elem, chap, 0};
}

/* A link is one line, cut with "…" when long: wrapped into pieces it could
 * not be read or copied whole. */
static void add_link(ui *u, size_t n, const char *url)
{
	char *clean = text_sanitize(url, (size_t)-1, 0);
	char *l = xasprintf("[%zu] %s", n, clean);
	char *fit = text_fit(l, u->det_width);
	add_line(u, fit, THEME_PLAYED, 0);
	u->lines[u->nlines - 1].link = (int)n;
	free(fit);
	free(l);
	free(clean);
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
	char *meta = xasprintf("%lld episode%s, %lld unplayed · refreshed %s",
			       (long long)p->episodes, p->episodes == 1 ? "" : "s",
			       (long long)p->unplayed, when);
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
		int user = c->source == CHAP_SRC_USER;
		int heard = !user && heard_chapter(&u->det_heard, &u->det_chapters, i, e->duration);
		int skip = u->det_skip && u->det_skip[i];
		char *line = xasprintf("%3zu %s%8s  %s%s%s%s", i + 1, heard ? "✓" : " ", t,
				       user ? "◆ " : "",
				       *title ? title : user ? "bookmark" : "(untitled)",
				       skip ? "  [skip]" : "", past ? "  (past the end)" : "");
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
		for (size_t i = 0; i < nlinks; i++)
			add_link(u, i + 1, links[i]);
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
	heard_clear(&u->det_heard);
	free(u->det_skip);
	u->det_skip = NULL;
	if (db_episode_get(u->d, id, &u->det) != 0)
		return -1;
	dbw_overlay_episode(u->wr, &u->det);
	/* With the marks still queued for the writer laid over them. */
	db_chapters_visible(u->d, id, &u->det_chapters);
	dbw_overlay_bookmarks(u->wr, id, &u->det_chapters);
	db_heard_get(u->d, id, &u->det_heard);
	dbw_overlay_heard(u->wr, id, &u->det_heard);
	if (u->det_chapters.n) {
		u->det_skip = xcalloc(u->det_chapters.n, sizeof *u->det_skip);
		dbw_chapter_skips(u->wr, u->d, id, &u->det_chapters, u->det_skip);
	}
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
			/* Its transcript too, when due: then it can be searched. */
			worker_submit(u->wk, WORK_TRANSCRIPT, ep, NULL);
		}
	} else if (p && !ep) {
		podcast_details(u, p);
	}
	if (u->pos[PANE_DETAILS].sel >= u->nlines)
		u->pos[PANE_DETAILS].sel = u->nlines ? u->nlines - 1 : 0;
}

static void details_title(ui *u, char *buf, size_t n)
{
	snprintf(buf, n, "%s", u->det_episode ? "Episode" : "Podcast");
}

static size_t details_count(ui *u)
{
	return u->nlines;
}

static void details_row(ui *u, size_t i, int y, int x, int w, int selected)
{
	const detail_line *l = &u->lines[i];
	int elem = l->elem;
	if (l->chapter && u->pb && playback_episode(u->pb) == u->det_episode &&
	    playback_chapter_index(u->pb) == l->chapter - 1)
		elem = THEME_PLAYING;
	draw_text(y, x, w, l->text, draw_row_elem(u, PANE_DETAILS, selected, elem));
}

static int details_ctx(const ui *u)
{
	(void)u;
	return KCTX_DETAILS;
}

static void details_update(ui *u)
{
	view_update_details(u, 0);
}

static void details_open(ui *u, size_t i)
{
	if (!u->det_episode)
		return;
	if (i < u->nlines && u->lines[i].link) {
		ui_open_link(u, u->lines[i].link); /* Enter on a link opens it, never plays */
		return;
	}
	int chap = i < u->nlines ? u->lines[i].chapter : 0;
	ui_play(u, u->det_episode, -1, chap);
}

static void details_done(ui *u)
{
	clear_details(u);
	db_episode_free(&u->det);
	chapter_list_clear(&u->det_chapters);
	heard_clear(&u->det_heard);
	free(u->det_skip);
	u->det_skip = NULL;
}

const pane_ops pane_details = {
	.ctx = details_ctx,
	.empty = "",
	.width_pct = 0,
	.title = details_title,
	.count = details_count,
	.update = details_update,
	.row = details_row,
	.open = details_open,
	.done = details_done,
};
