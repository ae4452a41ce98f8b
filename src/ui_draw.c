/*
 * ui_draw.c - layout and drawing of the TUI.
 *
 * Every frame is drawn whole onto stdscr and curses sends only what
 * changed. All text from feeds has been through text_sanitize before it
 * gets here; widths come from text.h, so CJK and emoji truncate by display
 * width and never split.
 */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "keys.h"
#include "ptime.h"
#include "text.h"
#include "theme.h"
#include "ui_int.h"
#include "util.h"

static attr_t theme_attr(const theme *t, int elem)
{
	attr_t a = has_colors() ? COLOR_PAIR(elem + 1) : 0;
	int bits = t->c[elem].attr;
	if (bits & THEME_BOLD)
		a |= A_BOLD;
	if (bits & THEME_DIM)
		a |= A_DIM;
	if (bits & THEME_REVERSE)
		a |= A_REVERSE;
	if (bits & THEME_UNDERLINE)
		a |= A_UNDERLINE;
	return a;
}

static const theme *cur_theme;

void draw_init_colors(ui *u)
{
	cur_theme = &u->cfg->colors;
	if (!has_colors())
		return;
	start_color();
	use_default_colors();
	for (int e = 0; e < THEME_COUNT; e++) {
		short fg = u->cfg->colors.c[e].fg, bg = u->cfg->colors.c[e].bg;
		if (fg >= COLORS)
			fg = -1;
		if (bg >= COLORS)
			bg = -1;
		init_pair((short)(e + 1), fg, bg);
	}
}

void draw_text(int y, int x, int w, const char *text, int elem)
{
	if (w <= 0)
		return;
	char *fit = text_fit(text ? text : "", w);
	int used = text_width(fit);
	attrset(theme_attr(cur_theme, elem));
	mvaddstr(y, x, fit);
	for (int i = used; i < w; i++)
		addch(' ');
	attrset(A_NORMAL);
	free(fit);
}

/* left fitted into w columns with right flush against the right edge. */
static void draw_lr(int y, int x, int w, const char *left, const char *right, int elem)
{
	int rw = right ? text_width(right) : 0;
	if (rw + 2 > w)
		rw = 0;
	char *fit = text_fit(left, w - (rw ? rw + 1 : 0));
	sbuf b = SBUF_INIT;
	sb_puts(&b, fit);
	for (int i = text_width(fit); i < w - rw; i++)
		sb_putc(&b, ' ');
	if (rw)
		sb_puts(&b, right);
	draw_text(y, x, w, b.s, elem);
	sb_free(&b);
	free(fit);
}

static int row_elem(ui *u, int pane, int selected, int normal)
{
	if (!selected)
		return normal;
	return u->focus == pane && !u->help ? THEME_SELECTED : THEME_SELECTED_DIM;
}

/* ---- panes -------------------------------------------------------------- */

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
	int elem = row_elem(u, PANE_PODCASTS, selected, p->unplayed ? THEME_UNPLAYED : THEME_NORMAL);
	draw_lr(y, x, w, left, right, elem);
	if (p->last_error && !selected)
		draw_text(y, x, 1, "!", THEME_ERROR);
	free(left);
	free(title);
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

static size_t episodes_count(ui *u)
{
	return view_episode_rows(u);
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
		row_elem(u, PANE_EPISODES, selected, playing ? THEME_PLAYING : THEME_NORMAL));
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
	const db_episode *e = view_episode(u, i);
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
	draw_lr(y, x, w, left, dur, row_elem(u, PANE_EPISODES, selected, normal));
	free(left);
	free(pod);
	free(title);
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
	draw_text(y, x, w, l->text, row_elem(u, PANE_DETAILS, selected, elem));
}

const pane_ops ui_panes[PANE_COUNT] = {
	{KCTX_PODCASTS, podcasts_title, podcasts_count, podcasts_row, ui_open_podcast, ui_moved},
	{KCTX_EPISODES, episodes_title, episodes_count, episodes_row, ui_open_episode, ui_moved},
	{KCTX_DETAILS, details_title, details_count, details_row, ui_open_detail, ui_moved},
};

/* ---- layout ------------------------------------------------------------- */

static void layout(ui *u, int panes_h)
{
	memset(u->visible, 0, sizeof u->visible);
	int c = u->cols;
	if (c >= 100) {
		u->pw[0] = c * 22 / 100;
		u->pw[1] = c * 36 / 100;
		u->pw[2] = c - u->pw[0] - u->pw[1] - 2;
		u->px[0] = 0;
		u->px[1] = u->pw[0] + 1;
		u->px[2] = u->px[1] + u->pw[1] + 1;
		u->visible[0] = u->visible[1] = u->visible[2] = 1;
	} else if (c >= 60) {
		int first = u->focus == PANE_PODCASTS ? PANE_PODCASTS : PANE_EPISODES;
		u->pw[first] = c * 40 / 100;
		u->pw[first + 1] = c - u->pw[first] - 1;
		u->px[first] = 0;
		u->px[first + 1] = u->pw[first] + 1;
		u->visible[first] = u->visible[first + 1] = 1;
	} else {
		u->px[u->focus] = 0;
		u->pw[u->focus] = c;
		u->visible[u->focus] = 1;
	}
	/* Hidden panes keep a width so the details text wraps sensibly. */
	for (int p = 0; p < PANE_COUNT; p++)
		if (!u->visible[p])
			u->pw[p] = c > 60 ? c / 2 : c;
	u->list_h = panes_h - 1;
}

/* Keeps the selection inside the list and on screen. */
static void clamp_pos(list_pos *p, size_t count, int h)
{
	if (count == 0) {
		p->sel = p->top = 0;
		return;
	}
	if (p->sel >= count)
		p->sel = count - 1;
	size_t hh = h > 0 ? (size_t)h : 1;
	if (p->sel < p->top)
		p->top = p->sel;
	if (p->sel >= p->top + hh)
		p->top = p->sel - hh + 1;
	if (p->top + hh > count)
		p->top = count > hh ? count - hh : 0;
}

static void draw_pane(ui *u, int pane)
{
	const pane_ops *o = &ui_panes[pane];
	int x = u->px[pane], w = u->pw[pane];
	char title[256];
	o->title(u, title, sizeof title);
	draw_text(0, x, w, title, u->focus == pane ? THEME_TITLE : THEME_PLAYED);
	size_t count = o->count(u);
	list_pos *p = &u->pos[pane];
	clamp_pos(p, count, u->list_h);
	for (int r = 0; r < u->list_h; r++) {
		size_t i = p->top + (size_t)r;
		if (i < count)
			o->row(u, i, r + 1, x, w, i == p->sel);
		else
			draw_text(r + 1, x, w, "", THEME_NORMAL);
	}
	if (!count && u->list_h > 0) {
		const char *empty = pane == PANE_PODCASTS ? "none yet (a adds one)"
				    : pane == PANE_EPISODES ? "no episodes" : "";
		draw_text(1, x, w, empty, THEME_PLAYED);
	}
}

void draw_help_lines(ui *u, char ***lines, int **elems, size_t *n)
{
	*lines = NULL;
	*elems = NULL;
	*n = 0;
	size_t cap = 0;
#define PUSH(text, e)                                                            \
	do {                                                                     \
		if (*n == cap) {                                                 \
			cap = cap ? 2 * cap : 64;                                \
			*lines = xrealloc(*lines, cap * sizeof **lines);         \
			*elems = xrealloc(*elems, cap * sizeof **elems);         \
		}                                                                \
		(*lines)[*n] = (text);                                           \
		(*elems)[(*n)++] = (e);                                          \
	} while (0)
	PUSH(xstrdup("podcue keys (q, Esc or ? closes; j/k scroll)"), THEME_TITLE);
	PUSH(xstrdup("Type digits before a key for a count: 12c jumps to chapter 12, "
		     "1-9 alone jump to that chapter."), THEME_NORMAL);
	PUSH(xstrdup(""), THEME_NORMAL);
	for (int ctx = 0; ctx < KCTX_COUNT; ctx++) {
		int any = 0;
		for (int c = 0; c < CMD_COUNT; c++) {
			int keys[8];
			size_t k = keymap_keys(u->cfg->keys, ctx, c, keys, 8);
			if (!k && ctx != KCTX_COMMON)
				continue;
			if (!any && ctx != KCTX_COMMON)
				PUSH(xasprintf("In the %s pane:", keymap_ctx_name(ctx)), THEME_TITLE);
			any = 1;
			sbuf b = SBUF_INIT;
			for (size_t i = 0; i < k; i++) {
				char name[32];
				sb_printf(&b, "%s%s", i ? ", " : "", keys_name(keys[i], name, sizeof name));
			}
			if (!k)
				sb_printf(&b, ":%s", cmd_table[c].name);
			char *keystr = sb_steal(&b);
			PUSH(xasprintf("  %-18s %-18s %s", keystr, cmd_table[c].name,
				       cmd_table[c].help),
			     THEME_NORMAL);
			free(keystr);
		}
	}
#undef PUSH
}

static void draw_help(ui *u, int panes_h)
{
	char **lines;
	int *elems;
	size_t n;
	draw_help_lines(u, &lines, &elems, &n);
	clamp_pos(&u->help_pos, n, panes_h);
	u->help_pos.top = u->help_pos.sel;
	if (n > (size_t)panes_h && u->help_pos.top > n - (size_t)panes_h)
		u->help_pos.top = n - (size_t)panes_h;
	for (int r = 0; r < panes_h; r++) {
		size_t i = u->help_pos.top + (size_t)r;
		draw_text(r, 0, u->cols, i < n ? lines[i] : "", i < n ? elems[i] : THEME_NORMAL);
	}
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	free(elems);
}

static void draw_status(ui *u, int y)
{
	char *left = u->pb ? playback_status_line(u->pb, u->cols) : NULL;
	if (!left || !*left) {
		free(left);
		size_t eps = 0;
		for (size_t i = 0; i < u->npods; i++)
			eps += (size_t)u->pods[i].episodes;
		left = xasprintf(" podcue · %zu podcast%s · %zu episode%s", u->npods,
				 u->npods == 1 ? "" : "s", eps, eps == 1 ? "" : "s");
	}
	int kind, done, total;
	char right[64] = "";
	if (u->wk && worker_busy(u->wk, &kind, &done, &total)) {
		if (kind == WORK_REFRESH || kind == WORK_ADD)
			snprintf(right, sizeof right, "refreshing %d/%d ", done, total);
		else if (kind == WORK_CHAPTERS)
			snprintf(right, sizeof right, "fetching chapters ");
	}
	draw_lr(y, 0, u->cols, left, *right ? right : NULL, THEME_STATUS);
	free(left);
}

static void draw_bottom(ui *u)
{
	int y = u->rows - 1;
	if (u->prompt != PROMPT_NONE) {
		const char *lead = u->prompt == PROMPT_SEARCH ? "/"
				   : u->prompt == PROMPT_ADD ? "add feed URL: "
				   : u->prompt == PROMPT_CONFIRM_REMOVE ? ""
				   : ":";
		char *typed = prompt_utf8(u->pbuf, u->plen);
		char *clean = text_sanitize(typed, (size_t)-1, 0);
		free(typed);
		char *line = xasprintf("%s%s", lead, clean);
		if (u->prompt == PROMPT_CONFIRM_REMOVE) {
			free(line);
			line = xasprintf("%s", u->message ? u->message : "remove? (y/n)");
		}
		draw_text(y, 0, u->cols, line, THEME_NORMAL);
		/* Cursor after the text typed before it. */
		char *pre = prompt_utf8(u->pbuf, u->pcur);
		int cx = text_width(lead) + text_width(pre);
		free(pre);
		if (u->prompt == PROMPT_CONFIRM_REMOVE)
			cx = text_width(line);
		move(y, cx < u->cols ? cx : u->cols - 1);
		curs_set(1);
		free(line);
		free(clean);
		return;
	}
	curs_set(0);
	if (u->message)
		draw_text(y, 0, u->cols, u->message, u->message_error ? THEME_ERROR : THEME_NORMAL);
	else if (!u->npods)
		draw_text(y, 0, u->cols, " No podcasts yet: press a to add a feed URL or file "
					 "(? help, q quit)", THEME_NORMAL);
	else
		draw_text(y, 0, u->cols, " ? help  / search  Enter play  N newest  r refresh  q quit",
			  THEME_PLAYED);
}

void draw_screen(ui *u)
{
	getmaxyx(stdscr, u->rows, u->cols);
	erase();
	if (u->rows < 4 || u->cols < 16) {
		draw_text(0, 0, u->cols, "too small", THEME_ERROR);
		refresh();
		return;
	}
	char *tl = u->pb ? playback_timeline(u->pb, u->cols) : NULL;
	int panes_h = u->rows - 2 - (tl ? 1 : 0);
	layout(u, panes_h);
	view_update_details(u, 0);
	if (u->help) {
		draw_help(u, panes_h);
	} else {
		for (int p = 0; p < PANE_COUNT; p++) {
			if (!u->visible[p])
				continue;
			draw_pane(u, p);
			if (u->px[p] + u->pw[p] < u->cols) {
				attrset(theme_attr(cur_theme, THEME_PLAYED));
				mvvline(0, u->px[p] + u->pw[p], ACS_VLINE, panes_h);
				attrset(A_NORMAL);
			}
		}
	}
	if (tl)
		draw_text(panes_h, 0, u->cols, tl, THEME_TIMELINE);
	free(tl);
	draw_status(u, u->rows - 2);
	draw_bottom(u);
	refresh();
}
