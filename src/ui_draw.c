/*
 * ui_draw.c - layout and drawing of the TUI: the frame around the panes
 * (titles, separators, the timeline, status and bottom lines); each pane
 * draws its own rows (pane_*.c). Drawing reads only what the panes'
 * updates loaded, never the cache. UI thread only.
 *
 * Every frame is drawn whole onto stdscr and curses sends only what
 * changed. All text from feeds has been through text_sanitize before it
 * gets here; widths come from text.h, so CJK and emoji truncate by display
 * width and never split.
 */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"
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

void draw_lr(int y, int x, int w, const char *left, const char *right, int elem)
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

int draw_row_elem(const ui *u, int pane, int selected, int normal)
{
	if (!selected)
		return normal;
	return u->focus == pane && !u->help ? THEME_SELECTED : THEME_SELECTED_DIM;
}

/* ---- layout ------------------------------------------------------------- */

/* A pane's share of a wide screen: the settings for the podcasts and
 * episodes panes, the pane's own default for any other. */
static int pane_pct(const ui *u, int p)
{
	if (p == PANE_PODCASTS)
		return u->cfg->podcasts_width;
	if (p == PANE_EPISODES)
		return u->cfg->episodes_width;
	return ui_panes[p]->width_pct;
}

/* Which panes show and where, for a screen of u->cols columns: all of them
 * side by side on a wide screen, the focused one and its neighbour on a
 * medium one, the focused one alone on a narrow one. Widths follow the
 * settings' shares and the content (layout.h): columns a pane's content
 * does not need go to the episodes pane. One column separates panes. */
static void place_panes(ui *u)
{
	memset(u->visible, 0, sizeof u->visible);
	int c = u->cols;
	int first = u->focus, last = u->focus;
	/* The panes side by side; the queue, downloads and transcript views
	 * are always alone. */
	const int side = PANE_QUEUE;
	if (u->focus >= side) {
		/* first == last: alone, the whole width */
	} else if (c >= 100) {
		first = 0;
		last = side - 1;
	} else if (c >= 60 && side > 1) {
		first = u->focus < side - 1 ? u->focus : side - 2;
		last = first + 1;
	}
	/* Shares of the whole screen (the last side-by-side pane: the rest; a
	 * pane shown alone: all of it), then of the visible panes' part. */
	int share[PANE_COUNT], left = 100;
	for (int p = 0; p < side - 1; p++)
		left -= share[p] = pane_pct(u, p);
	share[side - 1] = left > 10 ? left : 10;
	for (int p = side; p < PANE_COUNT; p++)
		share[p] = 100;
	int n = last - first + 1, pct[PANE_COUNT], want[PANE_COUNT], w[PANE_COUNT], sum = 0;
	for (int p = first; p <= last; p++)
		sum += share[p];
	for (int i = 0; i < n; i++) {
		pct[i] = share[first + i] * 100 / (sum > 0 ? sum : 1);
		want[i] = ui_panes[first + i]->want ? ui_panes[first + i]->want(u) : 0;
	}
	int grow = PANE_EPISODES >= first && PANE_EPISODES <= last ? PANE_EPISODES - first : n - 1;
	layout_widths(c, n, pct, want, grow, w);
	int x = 0;
	for (int i = 0; i < n; i++) {
		u->px[first + i] = x;
		u->pw[first + i] = w[i];
		u->visible[first + i] = 1;
		x += w[i] + 1;
	}
	/* Hidden panes keep a width so the details text wraps sensibly. */
	for (int p = 0; p < PANE_COUNT; p++)
		if (!u->visible[p])
			u->pw[p] = c > 60 ? c / 2 : c;
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

void ui_layout(ui *u)
{
	getmaxyx(stdscr, u->rows, u->cols);
	char *tl = u->pb ? playback_timeline(u->pb, u->cols) : NULL;
	u->timeline = tl != NULL;
	free(tl);
	u->panes_h = u->rows - 2 - u->timeline;
	u->list_h = u->panes_h - 1;
	place_panes(u);
	/* The selections are kept on screen before the panes' updates, which
	 * load the rows that are then on screen. */
	for (int p = 0; p < PANE_COUNT; p++)
		clamp_pos(&u->pos[p], ui_panes[p]->count(u), u->list_h);
}

static void draw_pane(ui *u, int pane)
{
	const pane_ops *o = ui_panes[pane];
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
	if (!count && u->list_h > 0)
		draw_text(1, x, w, o->empty, THEME_PLAYED);
}

static void draw_status(ui *u, int y)
{
	char *left = u->pb ? playback_status_line(u->pb, u->cols) : NULL;
	if (u->count.n) { /* a count being typed */
		char *with = xasprintf("[%d] %s", u->count.n, left && *left ? left : "");
		free(left);
		left = with;
	}
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
		else if (kind == WORK_SYNC)
			snprintf(right, sizeof right, "syncing ");
		else if (kind == WORK_INDEX && total > 0)
			snprintf(right, sizeof right, "indexing for search %d/%d ", done, total);
	}
	int locked;
	size_t waiting = dbw_pending(u->wr, &locked, NULL);
	if (waiting && locked) { /* changes held back by another process's lock */
		size_t len = strlen(right);
		snprintf(right + len, sizeof right - len, "%zu unsaved (cache locked) ", waiting);
	}
	dlworker_status ds;
	if (dlworker_get_status(u->dw, &ds)) { /* downloads: overall progress and speed */
		size_t l = strlen(right);
		char pct[8] = "";
		if (ds.total > 0)
			snprintf(pct, sizeof pct, " %d%%", (int)(ds.bytes * 100 / ds.total));
		snprintf(right + l, sizeof right - l, "↓%d%s%s %.1f MiB/s ", ds.running,
			 ds.queued ? "+" : "", pct, ds.rate / (1 << 20));
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
				   : u->prompt == PROMPT_LINK ? "open link number: "
				   : u->prompt == PROMPT_BOOKMARK ? "bookmark note (Enter: none): "
				   : u->prompt == PROMPT_CONFIRM_REMOVE ? ""
				   : ":";
		char *typed = prompt_text(&u->line, u->line.len);
		char *clean = text_sanitize(typed, (size_t)-1, 0);
		free(typed);
		char *line = xasprintf("%s%s", lead, clean);
		if (u->prompt == PROMPT_CONFIRM_REMOVE) {
			free(line);
			line = xasprintf("%s", u->message ? u->message : "remove? (y/n)");
		}
		draw_text(y, 0, u->cols, line, THEME_NORMAL);
		/* Cursor after the text typed before it. */
		char *pre = prompt_text(&u->line, u->line.cur);
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
		draw_text(y, 0, u->cols,
			  " ? help  / search  Enter play  e queue  Q up next  N newest  r refresh"
			  "  q quit",
			  THEME_PLAYED);
}

void draw_screen(ui *u)
{
	erase();
	if (u->rows < 4 || u->cols < 16) {
		draw_text(0, 0, u->cols, "too small", THEME_ERROR);
		refresh();
		return;
	}
	int panes_h = u->panes_h;
	char *tl = u->timeline ? playback_timeline(u->pb, u->cols) : NULL;
	if (u->help) {
		help_draw(u);
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
	if (u->timeline)
		draw_text(panes_h, 0, u->cols, tl ? tl : "", THEME_TIMELINE);
	free(tl);
	draw_status(u, u->rows - 2);
	draw_bottom(u);
	refresh();
}
