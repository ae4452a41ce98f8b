/*
 * ui_mouse.c - the mouse in the TUI (setting `mouse`): a click selects the
 * row under it and focuses its pane, a double click opens or plays it, the
 * wheel scrolls the pane under the pointer, a click on the timeline seeks
 * there (onto a chapter mark: to that chapter's start), and a click on a
 * chapter of the episode playing jumps to it.
 *
 * curses enables the reports its terminfo knows; SGR encoding (1006) is
 * asked for on top, so reports work at any column. Reports curses decodes
 * arrive as KEY_MOUSE; SGR reports it does not know (TERM=tmux-256color,
 * screen) arrive as characters after an Esc and are read here with
 * mouse_sgr_parse. UI thread only.
 */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "command.h"
#include "keys.h"
#include "mouse.h"
#include "ui_int.h"
#include "util.h"

#define WHEEL_LINES 3

static mouse_clicks clicks;
static int enabled;

static void put(const char *s)
{
	ssize_t w = write(STDOUT_FILENO, s, strlen(s));
	(void)w; /* the terminal went away: the loop notices */
}

void ui_mouse_setup(ui *u)
{
	if (u->cfg->mouse && !enabled) {
		mouseinterval(0); /* presses come at once; double clicks are ours */
		/* A terminal curses knows no mouse for would type its reports
		 * as keys: ask for them only when curses can enable them. */
		if (!mousemask(ALL_MOUSE_EVENTS, NULL))
			return;
		put("\033[?1000h\033[?1006h");
		enabled = 1;
	} else if (!u->cfg->mouse && enabled) {
		ui_mouse_off();
	}
}

void ui_mouse_off(void)
{
	if (!enabled)
		return;
	mousemask(0, NULL);
	put("\033[?1006l\033[?1000l");
	enabled = 0;
}

/* The pane whose columns hold x, or -1. */
static int pane_at(const ui *u, int x)
{
	for (int p = 0; p < PANE_COUNT; p++)
		if (u->visible[p] && x >= u->px[p] && x < u->px[p] + u->pw[p])
			return p;
	return -1;
}

/* A click on the timeline: onto a chapter mark jumps to that chapter,
 * elsewhere seeks in proportion. */
static void timeline_click(ui *u, int x)
{
	double d = playback_duration(u->pb);
	if (d <= 0 || u->cols <= 0)
		return;
	const chapter_list *l = playback_chapters(u->pb);
	for (size_t i = 0; i < l->n; i++) {
		int cell = (int)(l->v[i].start / d * u->cols);
		if (l->v[i].start < d && (cell < u->cols ? cell : u->cols - 1) == x) {
			char *msg = NULL;
			playback_command(u->pb, CMD_CHAPTER, (int)i + 1, &msg);
			free(msg);
			return;
		}
	}
	player_seek(u->pl, (x + 0.5) / u->cols * d, 1);
}

/* A click on a chapter line of the episode playing jumps to it. */
static int chapter_click(ui *u, size_t i)
{
	if (i >= u->nlines || !u->lines[i].chapter || !u->pb ||
	    playback_episode(u->pb) != u->det_episode || !u->det_episode)
		return 0;
	char *msg = NULL;
	if (playback_command(u->pb, CMD_CHAPTER, u->lines[i].chapter, &msg) < 0)
		ui_message(u, 1, "%s", msg ? msg : "cannot jump there");
	free(msg);
	return 1;
}

static void list_click(ui *u, int pane, int y, int times)
{
	size_t i = u->pos[pane].top + (size_t)(y - 1);
	ui_focus(u, pane);
	if (y < 1 || i >= ui_panes[pane]->count(u))
		return; /* the title or below the rows: focus only */
	ui_move(u, pane, (long)i - (long)u->pos[pane].sel);
	if (pane == PANE_DETAILS && times == 1 && chapter_click(u, i))
		return;
	if (times == 2)
		ui_panes[pane]->open(u, i);
}

static void on_event(ui *u, const mouse_event *ev)
{
	if (u->help || u->prompt != PROMPT_NONE)
		return; /* the keyboard owns those */
	int pane = ev->y < u->panes_h ? pane_at(u, ev->x) : -1;
	if (ev->kind == MOUSE_WHEEL_UP || ev->kind == MOUSE_WHEEL_DOWN) {
		if (pane >= 0)
			ui_move(u, pane, ev->kind == MOUSE_WHEEL_UP ? -WHEEL_LINES : WHEEL_LINES);
		return;
	}
	if (ev->kind != MOUSE_PRESS || ev->button != 1)
		return;
	int times = mouse_click(&clicks, ev->x, ev->y, now_ms());
	if (u->timeline && ev->y == u->panes_h && u->pb && playback_episode(u->pb))
		timeline_click(u, ev->x);
	else if (pane >= 0)
		list_click(u, pane, ev->y, times);
}

/* An SGR report after an Esc: reads on while it could be one. Keys read
 * that turn out not to be one go back to curses, to be read as keys. */
static int sgr_after_esc(ui *u)
{
	int k[32];
	size_t n = 0;
	mouse_event ev;
	int rc = 0;
	while (n < sizeof k / sizeof *k) {
		wint_t wc;
		int r = get_wch(&wc);
		if (r == ERR)
			break;
		k[n++] = r == KEY_CODE_YES ? KEY_FN((int)wc) : (int)wc;
		if ((rc = mouse_sgr_parse(k, n, &ev)) != 0)
			break;
	}
	if (rc > 0) {
		on_event(u, &ev);
		return 1;
	}
	while (n > 0) { /* back in order: the last read goes first */
		n--;
		if (KEY_IS_FN(k[n]))
			ungetch(k[n] & ~0x1000000);
		else
			unget_wch((wchar_t)k[n]);
	}
	return 0;
}

int ui_mouse_key(ui *u, int key)
{
	if (!enabled)
		return 0;
	if (key == KEY_FN(KEY_MOUSE)) {
		MEVENT me;
		if (getmouse(&me) != OK)
			return 1;
		mouse_event ev = {MOUSE_OTHER, 0, me.x, me.y};
		if (me.bstate & BUTTON1_PRESSED)
			ev = (mouse_event){MOUSE_PRESS, 1, me.x, me.y};
		else if (me.bstate & BUTTON4_PRESSED)
			ev.kind = MOUSE_WHEEL_UP;
#ifdef BUTTON5_PRESSED
		else if (me.bstate & BUTTON5_PRESSED)
			ev.kind = MOUSE_WHEEL_DOWN;
#endif
		on_event(u, &ev);
		return 1;
	}
	return key == 27 && sgr_after_esc(u);
}
