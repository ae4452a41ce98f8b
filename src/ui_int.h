/*
 * ui_int.h - the TUI's private state, shared by its files:
 *   ui.c            the loop (one poll()), keys, commands, the pane registry;
 *   prompt.c        the one-line editor under the panes;
 *   ui_draw.c       layout, the frame, the status and bottom lines;
 *   pane_*.c        one file per pane: its ops, its Enter handler and its
 *                   rows (read from the cache in the pane's update, never
 *                   while drawing);
 *   help.c          the help screen.
 *   ui_writes.c     the queue with the writes not stored yet, and the
 *                   cache writer's news (dbwriter.h).
 * A new pane is one new pane_*.c defining a pane_ops, plus its PANE_*
 * number and its entry in the registry (ui_panes in ui.c); the layout and
 * the loop only go through the ops. Each pass of the loop runs ui_layout,
 * then every pane's update, then draw_screen, so drawing only draws.
 * Everything runs on the UI thread. It only reads the cache (WAL: a read
 * never waits for another process's write); every write goes to the
 * writer thread (dbwriter.h) and what it read is overlaid with the writes
 * still queued, so no key waits for a lock. Nothing outside these files
 * sees this state (the public entry is ui.h).
 */
#ifndef PODCUE_UI_INT_H
#define PODCUE_UI_INT_H

#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

#include "chapter.h"
#include "cli.h"
#include "db.h"
#include "dbwriter.h"
#include "frontend.h"
#include "heard.h"
#include "playback.h"
#include "player.h"
#include "prompt.h"
#include "dlworker.h"
#include "worker.h"

/* The queue, downloads and transcript views come last: each is laid out
 * alone, over the whole width. */
enum { PANE_PODCASTS, PANE_EPISODES, PANE_DETAILS, PANE_QUEUE, PANE_DOWNLOADS,
       PANE_TRANSCRIPT, PANE_COUNT };
/* What the episodes pane lists. */
enum { SRC_PODCAST, SRC_NEWEST, SRC_SEARCH, SRC_CONTINUE };
enum { PROMPT_NONE, PROMPT_COMMAND, PROMPT_SEARCH, PROMPT_ADD, PROMPT_CONFIRM_REMOVE,
       PROMPT_LINK, PROMPT_BOOKMARK };

typedef struct list_pos {
	size_t sel, top;
} list_pos;

/* One line of the details pane (already wrapped to its width). */
typedef struct detail_line {
	char *text;  /* sanitized */
	int elem;    /* theme element */
	int chapter; /* visible chapter number (1-based) on a chapter line, else 0 */
	int link;    /* link number (1-based) on a link line, else 0 */
} detail_line;

typedef struct ui ui;

/* A pane is a list of rows; the generic code moves the selection and the
 * pane's ops say what the rows are. Optional ops may be NULL. */
typedef struct pane_ops {
	int (*ctx)(const ui *u);         /* key context (keys.h) for its keys */
	const char *empty;               /* shown when there are no rows */
	int width_pct;                   /* share of a wide screen (the last pane: the rest) */
	/* Columns its content needs (0 = as many as it gets): a narrower
	 * pane gives the rest to the episodes pane (layout.h). Optional. */
	int (*want)(ui *u);
	void (*title)(ui *u, char *buf, size_t n);
	size_t (*count)(ui *u);
	/* Brings the rows up to date with the selection and the layout (reads
	 * the cache, may ask the worker); runs before every draw. Optional. */
	void (*update)(ui *u);
	/* Draws row i at screen row y, columns [x, x+w); reads no cache. */
	void (*row)(ui *u, size_t i, int y, int x, int w, int selected);
	void (*open)(ui *u, size_t i);   /* Enter on row i */
	void (*moved)(ui *u);            /* the selection changed. Optional. */
	void (*done)(ui *u);             /* frees the pane's rows. Optional. */
} pane_ops;

extern const pane_ops pane_podcasts, pane_episodes, pane_details, pane_queue,
	pane_downloads, pane_transcript;
/* The registry: pane number -> ops (ui.c). */
extern const pane_ops *const ui_panes[PANE_COUNT];

struct ui {
	app *a;
	db *d;
	config *cfg;
	int rows, cols;
	int focus;       /* PANE_* */
	int visible[PANE_COUNT]; /* laid out this frame */
	int px[PANE_COUNT], pw[PANE_COUNT];
	int panes_h;     /* rows for the panes (or the help screen) */
	int timeline;    /* a timeline row sits under the panes */
	int list_h;      /* rows available to a pane's list (below its title) */
	int help;        /* the help screen is open */
	list_pos help_pos;
	list_pos pos[PANE_COUNT];

	/* podcasts (few: loaded whole) */
	db_podcast *pods;
	size_t npods;
	int pods_want;    /* columns the widest podcast row needs */

	/* episodes pane, paged from the cache */
	int src;
	int unplayed_only;
	int64_t ep_podcast;
	size_t ep_count;
	db_episode *win;  /* rows [win_off, win_off + win_n) */
	size_t win_off, win_n;
	db_search_hit *hits;
	size_t nhits;
	int hit_time_w;   /* columns of the widest chapter time among the hits */
	char *query;
	/* Where the podcast's list was when newest, search or continue
	 * replaced it: leaving them comes back here. */
	struct {
		int valid, focus;
		int64_t podcast, episode;
		list_pos pos;
	} back;

	/* details pane */
	int64_t det_episode;  /* episode shown, 0 = the podcast is shown */
	int64_t det_podcast;
	int64_t det_requested; /* episode whose chapters were asked of the worker */
	int det_width;
	db_episode det;
	chapter_list det_chapters; /* visible merged chapters */
	heard_list det_heard;      /* its stretches heard (heard.h) */
	int *det_skip;             /* which of det_chapters are skipped */
	detail_line *lines;
	size_t nlines;

	/* the queue view (small: loaded whole when stale) */
	db_queue_entry *queue;
	size_t nqueue;
	int queue_stale;
	int64_t queue_select; /* episode to select once reloaded, 0 = keep the selected one */
	int queue_back;     /* the pane focused before the queue view opened */

	/* the downloads view (read whole before each draw while it is open) */
	db_download_entry *dls;
	size_t ndls;
	int dls_back;       /* the pane focused before the downloads view opened */
	/* the transcript view (pane_transcript.c) */
	int64_t tx_episode;   /* episode shown, 0 = none */
	int64_t tx_requested; /* episode whose transcript was asked of the worker */
	transcript tx;        /* its segments, loaded when stale */
	int tx_stale;
	long tx_current;      /* the segment playing, -1 = none */
	char *tx_title;       /* the episode's title, sanitized */
	char *tx_error;       /* why the last fetch failed, sanitized, or NULL */
	int tx_back;          /* the pane focused before the view opened */

	/* prompt and messages */
	int prompt;         /* PROMPT_* */
	prompt_line line;   /* what is typed at the prompt */
	int64_t confirm_id;
	char *message;
	int message_error;
	int message_writer; /* the message is the writer's news (dbwriter.h) */
	key_count count;    /* digits typed before a command */
	int64_t bm_episode; /* the bookmark being noted (PROMPT_BOOKMARK): episode, */
	double bm_at;       /* and time when b was pressed */

	player *pl;
	playback *pb;
	long drawn_sec;     /* playback second last drawn */
	int64_t seen_episode; /* the playing episode the lists last showed */
	worker *wk;
	dbw *wr;  /* the cache's writes, off this thread (dbwriter.h); NULL: direct */
	dlworker *dw; /* downloads (dlworker.h), NULL when it could not start */
	int sig_fd;         /* the signal self-pipe (frontend.h) */
	struct mpris *mp;   /* MPRIS on the session bus, NULL when off (mpris.h) */
	/* background sync (ui_sync.c) */
	int64_t sync_last;      /* now_ms() when the last sync was asked for */
	int sync_playing;       /* something played at the last look */
	char *sync_msg;         /* the "synced: ..." line on screen, until: */
	int64_t sync_msg_until;
	int quit;
};

/* pane_podcasts.c */
void view_load_podcasts(ui *u);
const db_podcast *view_selected_podcast(ui *u);

/* pane_episodes.c */
void view_set_source(ui *u, int src, int64_t podcast_id);
void view_reload_episodes(ui *u);
/* The episode at row i of the episodes pane (paged in on demand), or NULL. */
const db_episode *view_episode(ui *u, size_t i);
/* The episode id selected in the episodes pane, 0 when none. */
int64_t view_selected_episode(ui *u);
void view_search(ui *u, const char *query);
/* 1 when the episodes pane lists the podcast oldest first (its own
 * order, or the oldest_first setting). */
int view_oldest_first(ui *u);

/* ui_listen.c: what the user was listening to. */
/* Selects episode ep in its podcast's list (focusing the episodes pane);
 * 0 when it is not in the cache. */
int listen_select(ui *u, int64_t ep);
/* The first screen's selection: the Continue list when something is in
 * progress (the last played episode on top), else the last played episode
 * in its podcast. */
void listen_first_screen(ui *u);
void listen_toggle_continue(ui *u);
/* Selects the playing episode, or the last played one. */
void listen_goto_playing(ui *u);
/* Space with nothing playing: resumes the last episode in progress. */
void listen_resume(ui *u);
/* Flips the selected podcast's order and remembers it in the cache. */
void listen_toggle_sort(ui *u);

/* pane_details.c: rebuilds the details pane for the current selection and
 * width (force: even when neither changed, after the cache changed). */
void view_update_details(ui *u, int force);

/* pane_queue.c: the queue changed (reloaded before the next draw); the
 * episode selected in the queue view, 0 when none. */
void view_queue_changed(ui *u);
int64_t view_queue_selected(ui *u);
/* ui_marks.c: bookmarks, skips and heard chapters in the TUI. b: asks for
 * a note (arg: the note given) for a bookmark at the position now;
 * submitted with the note typed. X: the chapter line selected in the
 * details pane, else the playing chapter (count: chapter COUNT). H: the
 * playing episode, else the selected one. :skip add|remove|list on the
 * podcast of the episode shown, else the selected podcast. */
void ui_bookmark(ui *u, const char *arg);
void ui_bookmark_submit(ui *u, const char *note);
void ui_skip_chapter(ui *u, int count);
void ui_unheard(ui *u, int64_t selected);
void ui_skip_rule(ui *u, const char *arg);

/* ui.c: the episode the keys act on: the queue's, the downloads', the
 * details pane's or the episodes pane's selection; 0 when none. */
int64_t ui_selected_episode(ui *u);

/* ui_queue.c: the queue view and its commands (queue-add at the end,
 * queue-next at the front; take out; move by delta places, clamped, in the
 * queue view); after an episode played to its end, what the continue
 * setting says plays next; the download commands (toggle, delete in the
 * downloads view) and the downloads view. */
void ui_queue_view(ui *u);
void ui_queue_add(ui *u, int front);
void ui_queue_remove(ui *u);
void ui_queue_shift(ui *u, long delta);
void ui_continue(ui *u);
void ui_download_toggle(ui *u);
void ui_download_delete(ui *u);
void ui_downloads_view(ui *u);

/* ui_writes.c: the number of episodes in the queue as the user sees it
 * (read, with the writes still queued); 0 when ep is in it, 1 when not,
 * -1 when the queue cannot be read; the writer's news (dbw_poll) on the
 * message line, and the lists read again when writes landed. */
int ui_queue_count(ui *u, size_t *n);
int ui_queued(ui *u, int64_t ep);
void ui_writer_events(ui *u);
/* pane_downloads.c: the episode selected in the downloads view, 0 when none. */
int64_t view_downloads_selected(ui *u);
/* pane_transcript.c: opens the transcript view on the playing episode,
 * else on selected (an episode id, 0 = none), or closes it; the cache
 * may hold new segments (reloaded before the next draw). */
void view_transcript_toggle(ui *u, int64_t selected);
void view_transcript_changed(ui *u);
/* ui_links.c: link n (1-based) of the episode in the details pane opened
 * or copied; n <= 0: the link line selected in the details pane, else
 * (open) a prompt for the number. */
void ui_open_link(ui *u, int n);
void ui_copy_link(ui *u, int n);

/* ui_mouse.c: mouse reports on or off as the setting says; the terminal
 * back to no reports (at exit); 1 when key began a mouse report (then
 * handled whole), else 0 and key is a key. */
void ui_mouse_setup(ui *u);
void ui_mouse_off(void);
int ui_mouse_key(ui *u, int key);

/* ui_sync.c: a sync on the worker now (manual: asked for; automatic
 * ones only while sync_interval is not 0); its result on the message
 * line; each pass of the loop: the automatic syncs that are due (a timer,
 * playback that stopped) and the success line's end (1: redraw); the
 * poll timeout they need (-1 none); freeing at exit. */
void ui_sync(ui *u, int manual);
void ui_sync_result(ui *u, const worker_result *r);
int ui_sync_tick(ui *u);
int ui_sync_timeout(const ui *u);
void ui_sync_done(ui *u);

/* help.c: the help screen's lines (caller frees each and both arrays). */
void help_lines(ui *u, char ***lines, int **elems, size_t *n);
void help_draw(ui *u);

/* ui_draw.c */
void draw_init_colors(ui *u);
/* Sizes the screen and the panes; the first step of every pass. */
void ui_layout(ui *u);
void draw_screen(ui *u);
/* Writes text (sanitized already) at (y, x) fitted to w columns, padded. */
void draw_text(int y, int x, int w, const char *text, int elem);
/* left fitted into w columns, right (may be NULL) flush right. */
void draw_lr(int y, int x, int w, const char *left, const char *right, int elem);
/* The theme element of a row of pane: normal, or a selection colour. */
int draw_row_elem(const ui *u, int pane, int selected, int normal);

/* ui.c: what the panes' Enter handlers and moves call. */
void ui_focus(ui *u, int pane);
/* Moves pane's selection by delta rows (clamped), as the keys do. */
void ui_move(ui *u, int pane, long delta);
/* Back from the newest or search view to the selected podcast's episodes. */
void ui_show_podcast(ui *u);
/* Plays episode ep from at seconds (< 0: where it stopped), or its
 * chapter chap (> 0); problems go to the message line. */
void ui_play(ui *u, int64_t ep, double at, int chap);
void ui_message(ui *u, int error, const char *fmt, ...) PC_PRINTF(3, 4);
/* Lazily creates the player; NULL (and a message) when libmpv fails. */
playback *ui_playback(ui *u);

#endif
