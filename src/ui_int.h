/*
 * ui_int.h - the TUI's private state, shared by its three files:
 *   ui.c       the loop (one poll()), keys, commands, the prompt;
 *   ui_view.c  what the panes show, paged from the cache;
 *   ui_draw.c  layout and drawing.
 * Nothing outside these files sees it (the public entry is ui.h).
 */
#ifndef PODCUE_UI_INT_H
#define PODCUE_UI_INT_H

#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

#include "chapter.h"
#include "cli.h"
#include "db.h"
#include "playback.h"
#include "player.h"
#include "worker.h"

enum { PANE_PODCASTS, PANE_EPISODES, PANE_DETAILS, PANE_COUNT };
/* What the episodes pane lists. */
enum { SRC_PODCAST, SRC_NEWEST, SRC_SEARCH };
enum { PROMPT_NONE, PROMPT_COMMAND, PROMPT_SEARCH, PROMPT_ADD, PROMPT_CONFIRM_REMOVE };
/* Result flags of commands and pane operations. */
enum { UI_REDRAW = 1, UI_RELOAD = 2 };

typedef struct list_pos {
	size_t sel, top;
} list_pos;

/* One line of the details pane (already wrapped to its width). */
typedef struct detail_line {
	char *text;  /* sanitized */
	int elem;    /* theme element */
	int chapter; /* visible chapter number (1-based) on a chapter line, else 0 */
} detail_line;

typedef struct ui ui;

/* A pane is a list of rows; the generic code moves the selection and the
 * pane's ops say what the rows are. */
typedef struct pane_ops {
	int ctx;                         /* key context (keys.h) */
	void (*title)(ui *u, char *buf, size_t n);
	size_t (*count)(ui *u);
	/* Draws row i at screen row y, columns [x, x+w). */
	void (*row)(ui *u, size_t i, int y, int x, int w, int selected);
	int (*open)(ui *u, size_t i);    /* Enter on row i; returns UI_* */
	void (*moved)(ui *u);            /* the selection changed */
} pane_ops;

extern const pane_ops ui_panes[PANE_COUNT];

struct ui {
	app *a;
	db *d;
	config *cfg;
	int rows, cols;
	int focus;       /* PANE_* */
	int visible[PANE_COUNT]; /* laid out this frame */
	int px[PANE_COUNT], pw[PANE_COUNT];
	int list_h;      /* rows available to a pane's list (below its title) */
	int help;        /* the help screen is open */
	list_pos help_pos;
	list_pos pos[PANE_COUNT];

	/* podcasts (few: loaded whole) */
	db_podcast *pods;
	size_t npods;

	/* episodes pane, paged from the cache */
	int src;
	int unplayed_only;
	int64_t ep_podcast;
	size_t ep_count;
	db_episode *win;  /* rows [win_off, win_off + win_n) */
	size_t win_off, win_n;
	db_search_hit *hits;
	size_t nhits;
	char *query;

	/* details pane */
	int64_t det_episode;  /* episode shown, 0 = the podcast is shown */
	int64_t det_podcast;
	int64_t det_requested; /* episode whose chapters were asked of the worker */
	int det_width;
	db_episode det;
	chapter_list det_chapters; /* visible merged chapters */
	detail_line *lines;
	size_t nlines;

	/* prompt and messages */
	int prompt;
	wchar_t pbuf[512];
	size_t plen, pcur;
	int64_t confirm_id;
	char *message;
	int message_error;
	int count;          /* digits typed before a command */
	int64_t count_at;   /* ms when the last digit was typed; 0 = none pending */

	player *pl;
	playback *pb;
	long drawn_sec;     /* playback second last drawn */
	worker *wk;
	int sig_pipe[2];
	int quit;
};

/* ui_view.c: loading what the panes show. */
void view_load_podcasts(ui *u);
void view_set_source(ui *u, int src, int64_t podcast_id);
void view_reload_episodes(ui *u);
/* The episode at row i of the episodes pane (paged in on demand), or NULL. */
const db_episode *view_episode(ui *u, size_t i);
size_t view_episode_rows(ui *u);
/* The episode id selected in the episodes pane, 0 when none. */
int64_t view_selected_episode(ui *u);
const db_podcast *view_selected_podcast(ui *u);
/* Rebuilds the details pane for the current selection and width. */
void view_update_details(ui *u, int force);
void view_free(ui *u);
void view_search(ui *u, const char *query);

/* ui_draw.c */
void draw_init_colors(ui *u);
void draw_screen(ui *u);
/* Writes text (sanitized already) at (y, x) fitted to w columns, padded. */
void draw_text(int y, int x, int w, const char *text, int elem);
void draw_help_lines(ui *u, char ***lines, int **elems, size_t *n);

/* ui.c: Enter on a row of each pane, and selection changes. */
int ui_open_podcast(ui *u, size_t i);
int ui_open_episode(ui *u, size_t i);
int ui_open_detail(ui *u, size_t i);
void ui_moved(ui *u);
/* w[0..n) as a new UTF-8 string, whatever the locale. */
char *prompt_utf8(const wchar_t *w, size_t n);
void ui_message(ui *u, int error, const char *fmt, ...) PC_PRINTF(3, 4);
/* Lazily creates the player; NULL (and a message) when libmpv fails. */
playback *ui_playback(ui *u);

#endif
