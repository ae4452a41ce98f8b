/*
 * ui.c - the TUI's loop, key dispatch, commands and the pane registry (see
 * ui.h and ui_int.h).
 *
 * One poll() waits on the terminal, the signal pipe, the worker's, the
 * downloader's and the cache writer's pipes and the player's pipe; nothing
 * in the loop waits on the network or on the cache's write lock. Keys go
 * through the key map to a command id, and run_command() is the one place
 * that knows what each command does in the TUI. Every pass that changed
 * something ends in frame(): layout, the panes' updates, then drawing.
 */
#include "ui.h"

#include <curses.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "command.h"
#include "fetch.h"
#include "frontend.h"
#include "keys.h"
#include "links.h"
#include "log.h"
#include "mpris.h"
#include "paths.h"
#include "text.h"
#include "ui_int.h"
#include "util.h"


const pane_ops *const ui_panes[PANE_COUNT] = {
	[PANE_PODCASTS] = &pane_podcasts,
	[PANE_EPISODES] = &pane_episodes,
	[PANE_DETAILS] = &pane_details,
	[PANE_QUEUE] = &pane_queue,
	[PANE_DOWNLOADS] = &pane_downloads,
	[PANE_TRANSCRIPT] = &pane_transcript,
};

void ui_message(ui *u, int error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sbuf b = SBUF_INIT;
	sb_vprintf(&b, fmt, ap);
	va_end(ap);
	free(u->message);
	u->message = text_sanitize(b.s ? b.s : "", b.len, 0);
	u->message_error = error;
	u->message_writer = 0;
	sb_free(&b);
	if (error)
		log_msg("ui", "%s", u->message);
}

playback *ui_playback(ui *u)
{
	if (u->pb)
		return u->pb;
	player_opts o = {
		.mpv_options = (const char *const *)u->cfg->mpv_options,
		.nmpv_options = u->cfg->nmpv_options,
		.user_agent = u->cfg->user_agent,
		.network_timeout = u->cfg->network_timeout,
	};
	char *err = NULL;
	if (player_new(&o, &u->pl, &err) != 0) {
		ui_message(u, 1, "cannot start the player: %s", err ? err : "libmpv failed");
		free(err);
		return NULL;
	}
	u->pb = playback_new(u->d, u->cfg, u->pl);
	playback_set_writer(u->pb, u->wr);
	return u->pb;
}

static int playing(const ui *u)
{
	return u->pb && playback_episode(u->pb) != 0;
}

/* ---- moving around ------------------------------------------------------ */

static size_t pane_count(ui *u, int pane)
{
	return ui_panes[pane]->count(u);
}

static void move_sel(ui *u, long delta)
{
	if (u->help)
		ui_move(u, -1, delta);
	else
		ui_move(u, u->focus, delta);
}

void ui_move(ui *u, int pane, long delta)
{
	list_pos *p = pane < 0 ? &u->help_pos : &u->pos[pane];
	size_t n = pane < 0 ? (size_t)-1 / 2 : pane_count(u, pane);
	if (!n)
		return;
	long s = (long)p->sel + delta;
	if (s < 0)
		s = 0;
	if ((size_t)s >= n)
		s = (long)n - 1;
	if ((size_t)s == p->sel)
		return;
	p->sel = (size_t)s;
	if (pane >= 0 && ui_panes[pane]->moved)
		ui_panes[pane]->moved(u);
}

void ui_show_podcast(ui *u)
{
	const db_podcast *p = view_selected_podcast(u);
	view_set_source(u, SRC_PODCAST, p ? p->id : 0);
}

void ui_focus(ui *u, int pane)
{
	if (pane < 0 || pane >= PANE_COUNT)
		return;
	if (pane == PANE_EPISODES && u->src == SRC_PODCAST && !u->ep_podcast)
		ui_show_podcast(u);
	if (pane == PANE_QUEUE && u->focus != PANE_QUEUE) { /* opens on what plays next */
		u->queue_back = u->focus;
		u->pos[PANE_QUEUE] = (list_pos){0, 0};
		view_queue_changed(u);
	}
	if (pane == PANE_DOWNLOADS && u->focus != PANE_DOWNLOADS) {
		u->dls_back = u->focus;
		u->pos[PANE_DOWNLOADS] = (list_pos){0, 0};
	}
	u->focus = pane;
}

/* ---- playing ------------------------------------------------------------ */

void ui_play(ui *u, int64_t ep, double at, int chap)
{
	playback *pb = ui_playback(u);
	if (!pb || !ep)
		return;
	char *err = NULL;
	int rc = chap > 0 ? playback_play_chapter(pb, ep, chap, &err)
			     : playback_play(pb, ep, at, &err);
	if (rc != 0)
		ui_message(u, 1, "%s", err ? err : "cannot play");
	free(err);
}

int64_t ui_selected_episode(ui *u)
{
	if (u->focus == PANE_QUEUE)
		return view_queue_selected(u);
	if (u->focus == PANE_DOWNLOADS)
		return view_downloads_selected(u);
	if (u->focus == PANE_DETAILS && u->det_episode)
		return u->det_episode;
	return u->focus == PANE_PODCASTS ? 0 : view_selected_episode(u);
}

static void toggle_played(ui *u)
{
	int64_t ep = ui_selected_episode(u);
	db_episode e;
	if (!ep || db_episode_get(u->d, ep, &e) != 0) {
		ui_message(u, 1, "no episode selected");
		return;
	}
	dbw_overlay_episode(u->wr, &e); /* a mark still queued counts */
	if (dbw_set_played(u->wr, u->d, ep, !e.played) != 0)
		ui_message(u, 1, "cannot mark played: %s", db_errmsg(u->d));
	else
		ui_message(u, 0, "marked %s", e.played ? "unplayed" : "played");
	db_episode_free(&e);
	view_load_podcasts(u);
	view_reload_episodes(u);
	view_update_details(u, 1);
}

/* Playback commands (arg: typed at the prompt, or NULL); with nothing
 * playing, seeks move between panes. */
static void playback_cmd(ui *u, int cmd, int count, const char *arg)
{
	if (!playing(u)) {
		if (cmd == CMD_SEEK_BACK)
			ui_focus(u, u->focus - 1);
		else if (cmd == CMD_SEEK_FORWARD)
			ui_focus(u, u->focus + 1);
		else if (cmd == CMD_PAUSE)
			listen_resume(u);
		else if (cmd != CMD_STOP)
			ui_message(u, 0, "nothing is playing");
		return;
	}
	char *msg = NULL;
	if (playback_command_arg(u->pb, cmd, arg, count, &msg) < 0)
		ui_message(u, 1, "%s", msg ? msg : "cannot do that now");
	free(msg);
}

/* ---- the prompt --------------------------------------------------------- */

static void open_prompt(ui *u, int kind, const char *initial)
{
	u->prompt = kind;
	prompt_set(&u->line, initial);
}

static void run_command(ui *u, int cmd, int count, const char *arg);

static void submit(ui *u, int kind, int64_t id, const char *arg)
{
	if (u->wk)
		worker_submit(u->wk, kind, id, arg);
	else
		ui_message(u, 1, "background work is unavailable (see the log)");
}

/* 1 when line's first word is word (followed by a blank or the end). */
static int first_word(const char *line, const char *word)
{
	size_t n = strlen(word);
	return strncmp(line, word, n) == 0 && (line[n] == '\0' || line[n] == ' ');
}

/* A config line typed at the prompt: ":set NAME" shows a value and ":set"
 * alone explains; the rest goes through config_command, as the file does,
 * and what the worker copied of the settings follows them. */
static void config_line(ui *u, const char *line)
{
	if (first_word(line, "set")) {
		const char *name = line + 3;
		while (*name == ' ')
			name++;
		size_t len = strcspn(name, " ");
		const char *rest = name + len + strspn(name + len, " ");
		if (!*rest) {
			char *nm = xstrndup(name, len);
			int unknown;
			char *msg = config_show(u->cfg, nm, &unknown);
			ui_message(u, unknown, "%s", msg);
			free(msg);
			free(nm);
			return;
		}
	}
	char *msg = config_command(u->cfg, line);
	if (msg)
		ui_message(u, 1, "%s", msg);
	else
		ui_message(u, 0, "ok: %s", line);
	free(msg);
	if (first_word(line, "color"))
		draw_init_colors(u);
	if (first_word(line, "set") && u->wk)
		worker_set_config(u->wk, u->cfg);
	if (first_word(line, "set"))
		dlworker_set_config(u->dw, u->cfg);
	if (first_word(line, "set"))
		ui_mouse_setup(u);
}

/* A count typed as an argument ("5"), or 0 when arg is not one. */
static int count_arg(const char *arg)
{
	if (strspn(arg, "0123456789") != strlen(arg) || strlen(arg) > 5 || arg[0] == '0')
		return 0;
	return atoi(arg);
}

static void run_line(ui *u, const char *line)
{
	while (*line == ' ')
		line++;
	if (!*line)
		return;
	if (first_word(line, "set") || first_word(line, "bind") || first_word(line, "color")) {
		config_line(u, line);
		return;
	}
	char *name = xstrdup(line);
	char *arg = strchr(name, ' ');
	if (arg) {
		*arg++ = '\0';
		while (*arg == ' ')
			arg++;
	}
	int cmd = cmd_find(name);
	int flags = cmd >= 0 ? cmd_table[cmd].flags : 0;
	if (arg && !*arg)
		arg = NULL;
	/* An argument is a count only for a command that takes no text and
	 * only when it is one: ":down 5" moves five, ":pause 5" is an error. */
	int count = arg && !(flags & CMDF_ARG) ? count_arg(arg) : 0;
	if (cmd < 0)
		ui_message(u, 1, "unknown command '%s' (? lists them)", name);
	else if (arg && !(flags & CMDF_ARG) && !((flags & CMDF_COUNT) && count > 0))
		ui_message(u, 1, "%s takes %s (got '%s')", name,
			   flags & CMDF_COUNT ? "only a count" : "no argument", arg);
	else
		run_command(u, cmd, count, flags & CMDF_ARG ? arg : NULL);
	free(name);
}

static void submit_prompt(ui *u)
{
	char *text = prompt_text(&u->line, u->line.len);
	int kind = u->prompt;
	u->prompt = PROMPT_NONE;
	if (kind == PROMPT_SEARCH) {
		if (str_blank(text)) {
			ui_show_podcast(u);
		} else {
			view_search(u, text);
			ui_focus(u, PANE_EPISODES);
		}
	} else if (kind == PROMPT_ADD) {
		if (!str_blank(text)) {
			submit(u, WORK_ADD, 0, text);
			ui_message(u, 0, "subscribing...");
		}
	} else if (kind == PROMPT_COMMAND) {
		run_line(u, text);
	} else if (kind == PROMPT_BOOKMARK) {
		ui_bookmark_submit(u, text);
	} else if (kind == PROMPT_LINK && !str_blank(text)) {
		int n = atoi(text);
		if (n > 0)
			ui_open_link(u, n);
		else
			ui_message(u, 1, "not a link number: %s", text);
	}
	free(text);
}

static void on_prompt_key(ui *u, int key)
{
	if (u->prompt == PROMPT_CONFIRM_REMOVE) {
		u->prompt = PROMPT_NONE;
		if (key == 'y' || key == 'Y') {
			/* No download of it may finish after its rows are gone. */
			dlworker_cancel_podcast(u->dw, u->confirm_id);
			submit(u, WORK_REMOVE, u->confirm_id, NULL);
			ui_message(u, 0, "removing...");
		} else {
			ui_message(u, 0, "kept");
		}
		return;
	}
	int r = prompt_key(&u->line, key);
	if (r == PROMPT_KEY_ENTER)
		submit_prompt(u);
	else if (r == PROMPT_KEY_CANCEL)
		u->prompt = PROMPT_NONE;
}

/* ---- commands ----------------------------------------------------------- */

static void ask_remove(ui *u)
{
	const db_podcast *p = u->focus == PANE_PODCASTS || u->src == SRC_PODCAST
				      ? view_selected_podcast(u)
				      : NULL;
	if (!p) {
		ui_message(u, 1, "select a podcast to remove");
		return;
	}
	char *t = text_sanitize(p->title ? p->title : p->url, (size_t)-1, 0);
	char *fit = text_fit(t, 50);
	u->confirm_id = p->id;
	u->prompt = PROMPT_CONFIRM_REMOVE;
	ui_message(u, 0, "Remove \"%s\" and its %lld episode%s? (y/n)", fit,
		   (long long)p->episodes, p->episodes == 1 ? "" : "s");
	free(fit);
	free(t);
}

static void toggle_newest(ui *u)
{
	if (u->src == SRC_NEWEST) {
		ui_show_podcast(u);
	} else {
		view_set_source(u, SRC_NEWEST, 0);
		ui_focus(u, PANE_EPISODES);
	}
}

static void nav_command(ui *u, int cmd, int count)
{
	long page = u->list_h > 1 ? u->list_h - 1 : 1;
	long n = count > 0 ? count : 1;
	switch (cmd) {
	case CMD_UP: move_sel(u, -n); break;
	case CMD_DOWN: move_sel(u, n); break;
	case CMD_PAGE_UP: move_sel(u, -page); break;
	case CMD_PAGE_DOWN: move_sel(u, page); break;
	case CMD_TOP: move_sel(u, -(long)((size_t)-1 / 4)); break;
	case CMD_BOTTOM: move_sel(u, (long)((size_t)-1 / 4)); break;
	case CMD_PANE_LEFT: ui_focus(u, u->focus - 1); break;
	case CMD_PANE_RIGHT: ui_focus(u, u->focus + 1); break;
	case CMD_PANE_NEXT: ui_focus(u, (u->focus + 1) % PANE_COUNT); break;
	case CMD_PANE_PREV: ui_focus(u, (u->focus + PANE_COUNT - 1) % PANE_COUNT); break;
	}
}

static void run_command(ui *u, int cmd, int count, const char *arg)
{
	switch (cmd) {
	case CMD_QUIT: u->quit = 1; break;
	case CMD_HELP: u->help = !u->help; u->help_pos = (list_pos){0, 0}; break;
	case CMD_OPEN: {
		size_t sel = u->pos[u->focus].sel;
		if (sel < pane_count(u, u->focus))
			ui_panes[u->focus]->open(u, sel);
		break;
	}
	case CMD_PLAY: ui_play(u, ui_selected_episode(u), -1, 0); break;
	case CMD_SEARCH:
		if (arg) {
			view_search(u, arg);
			ui_focus(u, PANE_EPISODES);
		} else {
			open_prompt(u, PROMPT_SEARCH, NULL);
		}
		break;
	case CMD_ADD:
		if (arg) {
			submit(u, WORK_ADD, 0, arg);
			ui_message(u, 0, "subscribing...");
		} else {
			open_prompt(u, PROMPT_ADD, NULL);
		}
		break;
	case CMD_REMOVE: ask_remove(u); break;
	case CMD_PROMPT: open_prompt(u, PROMPT_COMMAND, NULL); break;
	case CMD_NEWEST: toggle_newest(u); break;
	case CMD_CONTINUE: listen_toggle_continue(u); break;
	case CMD_GOTO_PLAYING: listen_goto_playing(u); break;
	case CMD_SORT: listen_toggle_sort(u); break;
	case CMD_UNPLAYED:
		u->unplayed_only = !u->unplayed_only;
		u->pos[PANE_EPISODES] = (list_pos){0, 0};
		view_reload_episodes(u);
		break;
	case CMD_PLAYED: toggle_played(u); break;
	case CMD_DOWNLOAD: ui_download_toggle(u); break;
	case CMD_QUEUE: ui_queue_view(u); break;
	case CMD_DOWNLOADS: ui_downloads_view(u); break;
	case CMD_DOWNLOAD_DELETE: ui_download_delete(u); break;
	case CMD_TRANSCRIPT: view_transcript_toggle(u, ui_selected_episode(u)); break;
	case CMD_QUEUE_ADD: ui_queue_add(u, 0); break;
	case CMD_QUEUE_NEXT: ui_queue_add(u, 1); break;
	case CMD_QUEUE_REMOVE: ui_queue_remove(u); break;
	case CMD_QUEUE_UP: ui_queue_shift(u, -(count > 0 ? count : 1)); break;
	case CMD_QUEUE_DOWN: ui_queue_shift(u, count > 0 ? count : 1); break;
	case CMD_REFRESH:
		submit(u, WORK_REFRESH, 0, NULL);
		break;
	case CMD_SYNC: ui_sync(u, 1); break;
	case CMD_REFRESH_ONE: {
		const db_podcast *p = view_selected_podcast(u);
		if (p)
			submit(u, WORK_REFRESH, p->id, NULL);
		break;
	}
	case CMD_REDRAW: clearok(curscr, TRUE); break;
	case CMD_OPEN_LINK: ui_open_link(u, count); break;
	case CMD_BOOKMARK: ui_bookmark(u, arg); break;
	case CMD_SKIP_CHAPTER: ui_skip_chapter(u, count); break;
	case CMD_UNHEARD: ui_unheard(u, ui_selected_episode(u)); break;
	case CMD_SKIP_RULE: ui_skip_rule(u, arg); break;
	case CMD_COPY_LINK: ui_copy_link(u, count); break;
	default:
		if (cmd_table[cmd].flags & CMDF_PLAYBACK)
			playback_cmd(u, cmd, count, arg);
		else
			nav_command(u, cmd, count);
	}
}

/* ---- keys --------------------------------------------------------------- */

static void help_key(ui *u, int key)
{
	int cmd = keymap_lookup(u->cfg->keys, KCTX_COMMON, key);
	if (key == 27 || cmd == CMD_QUIT || cmd == CMD_HELP)
		u->help = 0;
	else if (cmd >= 0 && !(cmd_table[cmd].flags & CMDF_PLAYBACK))
		nav_command(u, cmd, 0);
	else if (cmd >= 0)
		playback_cmd(u, cmd, 0, NULL);
}


static void on_key(ui *u, int key)
{
	if (key == KEY_FN(KEY_RESIZE))
		return; /* the next draw lays out for the new size */
	if (u->prompt != PROMPT_NONE) {
		on_prompt_key(u, key);
		return;
	}
	free(u->message);
	u->message = NULL;
	if (u->help) {
		help_key(u, key);
		return;
	}
	/* Digits only type a count; the key after it (5j, 12c) takes it, or
	 * after KEY_COUNT_WAIT_MS alone it jumps to that chapter. */
	if (key_count_digit(&u->count, key, now_ms()))
		return;
	int count = key_count_take(&u->count);
	if (key == 27) {
		if (u->focus == PANE_QUEUE)
			ui_queue_view(u);
		else if (u->focus == PANE_DOWNLOADS)
			ui_downloads_view(u);
		else if (u->focus == PANE_TRANSCRIPT)
			view_transcript_toggle(u, 0);
		else if (u->src != SRC_PODCAST) /* search, newest, continue */
			ui_show_podcast(u);
		return;
	}
	int cmd = keymap_lookup(u->cfg->keys, ui_panes[u->focus]->ctx(u), key);
	if (cmd < 0) {
		char name[32];
		ui_message(u, 0, "%s is not bound to a command (? lists the keys)",
			   keys_name(key, name, sizeof name));
		return;
	}
	run_command(u, cmd, count, NULL);
}

static void read_keys(ui *u)
{
	wint_t wc;
	int rc;
	while ((rc = get_wch(&wc)) != ERR) {
		int key = rc == KEY_CODE_YES ? KEY_FN((int)wc) : (int)wc;
		if (!ui_mouse_key(u, key))
			on_key(u, key);
		if (u->quit)
			return;
	}
}

/* ---- events from the player and the worker ----------------------------- */

static int player_events(ui *u, unsigned *evp)
{
	unsigned ev = player_process(u->pl);
	*evp = ev;
	int64_t had = playback_episode(u->pb);
	int changed = playback_handle(u->pb, ev);
	/* Playing another episode, or none: the lists show its progress. */
	if (playback_episode(u->pb) != u->seen_episode) {
		u->seen_episode = playback_episode(u->pb);
		changed = 1;
	}
	/* Once, on the message line (the next key clears it): a failed load,
	 * a cut stream, a chapter refused once the file was read. */
	if (had && !playback_episode(u->pb) && playback_error(u->pb))
		ui_message(u, 1, "%s", playback_error(u->pb));
	if ((ev & PLAYER_EV_ENDED) && !playing(u) && playback_finished(u->pb))
		ui_continue(u);
	if (changed) {
		view_load_podcasts(u);
		view_reload_episodes(u);
		view_update_details(u, 1);
		view_queue_changed(u);
	}
	/* time-pos arrives ~15 times a second; the screen shows whole
	 * seconds, so a position update alone redraws once a second. */
	if (ev == PLAYER_EV_POS) {
		long sec = (long)player_get(u->pl)->time_pos;
		if (sec == u->drawn_sec)
			return 0;
		u->drawn_sec = sec;
	}
	return ev != 0;
}

/* Messages of the download thread on the status line; the episode list
 * redraws with the marks the cache now holds. */
static void download_events(ui *u)
{
	char *msg;
	int error;
	while (u->dw && dlworker_poll(u->dw, &msg, &error)) {
		ui_message(u, error, "%s", msg);
		free(msg);
	}
}

static void worker_events(ui *u)
{
	worker_result r;
	int reload = 0;
	while (worker_poll(u->wk, &r)) {
		reload |= r.changed;
		if (r.kind == WORK_REFRESH) /* auto_download, then the cleanup */
			dlworker_refreshed(u->dw);
		if (r.kind == WORK_SYNC)
			ui_sync_result(u, &r);
		else if (r.message)
			ui_message(u, r.failed, "%s", r.message);
		worker_result_free(&r);
	}
	if (reload) {
		view_load_podcasts(u);
		if (u->src == SRC_PODCAST) {
			const db_podcast *p = view_selected_podcast(u);
			u->ep_podcast = p ? p->id : 0;
		}
		view_reload_episodes(u);
		view_update_details(u, 1);
		view_queue_changed(u); /* a removed podcast's episodes left it */
		view_transcript_changed(u);
	}
}

/* ---- setup and the loop ------------------------------------------------- */

static void setup_signals(ui *u)
{
	/* Our own SIGWINCH handler (installed before initscr, so curses keeps
	 * it): the size is read with TIOCGWINSZ in the loop, so a burst of
	 * resizes always ends at the final size. */
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGWINCH};
	u->sig_fd = sigpipe_open(sigs, sizeof sigs / sizeof *sigs);
}

static void start_curses(ui *u)
{
	initscr();
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	draw_init_colors(u);
	ui_mouse_setup(u);
}

/* Reads the signal pipe: SIGWINCH resizes, anything else quits. */
static void signals(ui *u)
{
	int buf[16];
	size_t n;
	while ((n = sigpipe_read(buf, sizeof buf / sizeof *buf)) > 0) {
		for (size_t i = 0; i < n; i++) {
			if (buf[i] != SIGWINCH) {
				u->quit = 1;
				continue;
			}
			struct winsize ws;
			if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col)
				resizeterm(ws.ws_row, ws.ws_col);
		}
	}
}

static int poll_timeout(const ui *u)
{
	int t = key_count_wait(&u->count, now_ms()), m = mpris_timeout(u->mp);
	t = t < 0 || (m >= 0 && m < t) ? m : t;
	m = ui_sync_timeout(u);
	if (m >= 0 && (t < 0 || m < t))
		t = m;
	/* While downloads run, their progress is drawn about once a second. */
	dlworker_status ds;
	if (dlworker_get_status(u->dw, &ds) && (t < 0 || t > 1000))
		t = 1000;
	return t;
}

static void count_timeout(ui *u)
{
	if (key_count_wait(&u->count, now_ms()) != 0)
		return;
	int n = key_count_take(&u->count);
	if (playing(u))
		playback_cmd(u, CMD_CHAPTER, n, NULL);
}

/* One screen: sizes first, then each pane loads what it shows (hidden
 * ones too: the details of the selection are fetched even on a narrow
 * screen), then everything is drawn from what was loaded. */
static void frame(ui *u)
{
	/* A cleanup never deletes what plays. */
	dlworker_set_playing(u->dw, u->pb ? playback_episode(u->pb) : 0);
	ui_layout(u);
	for (int p = 0; p < PANE_COUNT; p++)
		if (ui_panes[p]->update)
			ui_panes[p]->update(u);
	draw_screen(u);
}

static void loop(ui *u)
{
	while (!u->quit) {
		struct pollfd fds[7] = {
			{STDIN_FILENO, POLLIN, 0},
			{u->sig_fd, POLLIN, 0},
			{u->wk ? worker_fd(u->wk) : -1, POLLIN, 0},
			{u->pl ? player_fd(u->pl) : -1, POLLIN, 0},
			{mpris_fd(u->mp), mpris_events(u->mp), 0},
			{dlworker_fd(u->dw), POLLIN, 0},
			{dbw_fd(u->wr), POLLIN, 0},
		};
		int rc = poll(fds, 7, poll_timeout(u));
		if (rc < 0 && errno != EINTR)
			break;
		int64_t woke = now_ms();
		/* Anything but a player event that changes nothing shown (a
		 * position within the same second, a log line) redraws: a key
		 * read beside such an event is drawn now, not at the next one. */
		int redraw = rc <= 0;
		for (int i = 0; i < 7; i++)
			if (i != 3 && fds[i].revents)
				redraw = 1;
		if (rc <= 0) {
			count_timeout(u);
			read_keys(u); /* EINTR: a resize arrives as KEY_RESIZE */
		}
		if (rc > 0 && fds[1].revents)
			signals(u);
		if (rc > 0 && (fds[0].revents & (POLLHUP | POLLERR | POLLNVAL)) &&
		    !(fds[0].revents & POLLIN))
			u->quit = 1; /* the terminal went away */
		if (rc > 0 && fds[0].revents & POLLIN)
			read_keys(u);
		if (rc > 0 && fds[2].revents)
			worker_events(u);
		if (rc > 0 && fds[5].revents)
			download_events(u);
		if (rc > 0 && fds[6].revents)
			ui_writer_events(u);
		unsigned ev = 0;
		if (rc > 0 && fds[3].revents && u->pl && player_events(u, &ev))
			redraw = 1;
		if (mpris_process(u->mp))
			redraw = 1;
		mpris_update(u->mp, ev);
		links_reap();
		if (ui_sync_tick(u))
			redraw = 1;
		if (redraw && !u->quit)
			frame(u);
		/* Nothing here should wait; when something did, the log says so. */
		int64_t took = now_ms() - woke;
		if (took >= 1000)
			log_msg("ui", "the interface was busy for %lld ms in one turn",
				(long long)took);
	}
}

/* The config file's mistakes, which went to stderr just before the screen
 * covered it: each into the log, the first (and how many more) on the
 * message line. */
static void config_warnings(ui *u, const char *warnings)
{
	if (!warnings || !*warnings)
		return;
	size_t n = 0;
	for (const char *l = warnings; *l;) {
		size_t len = strcspn(l, "\n");
		log_msg("config", "%.*s", (int)len, l);
		n++;
		l += len + (l[len] == '\n');
	}
	int first = (int)strcspn(warnings, "\n");
	if (n > 1)
		ui_message(u, 1, "%.*s (and %zu more in the log)", first, warnings, n - 1);
	else
		ui_message(u, 1, "%.*s", first, warnings);
}

/* ---- MPRIS: the bus runs the same commands as the keys ---- */

static playback *host_playback(void *ctx)
{
	return ((ui *)ctx)->pb;
}

static player *host_player(void *ctx)
{
	return ((ui *)ctx)->pl;
}

static void host_command(void *ctx, int cmd)
{
	run_command(ctx, cmd, 0, NULL);
}

static void start_mpris(ui *u)
{
	mpris_host h = {u, host_playback, host_player, host_command, 1};
	u->mp = mpris_open(&h, u->cfg, u->d);
}

static void first_screen(ui *u)
{
	view_load_podcasts(u);
	const db_podcast *p = view_selected_podcast(u);
	u->focus = PANE_PODCASTS;
	view_set_source(u, SRC_PODCAST, p ? p->id : 0);
	listen_first_screen(u);
	frame(u);
}

/* How long quitting waits for changes held back by another process's
 * lock on the cache (the screen says so meanwhile). */
#define QUIT_WAIT_MS 10000
/* Raw episodes a search in the interface derives (db_set_search_raw_scan). */
#define UI_SEARCH_RAW_SCAN 800

/* The writes still queued land before we go, or what could not be saved
 * is returned (one line each; caller frees), to be said after the screen
 * is gone. */
static char *flush_writes(ui *u)
{
	/* Unless another process holds the lock, they land in milliseconds. */
	size_t n = dbw_flush(u->wr, 300);
	if (n) {
		ui_message(u, 1, "saving %zu change%s: the cache is locked by another process "
				 "(waiting up to %d s)", n, n == 1 ? "" : "s", QUIT_WAIT_MS / 1000);
		frame(u);
	}
	char *lost = dbw_stop(u->wr, n ? QUIT_WAIT_MS : 0);
	u->wr = NULL;
	return lost;
}

static char *shutdown_ui(ui *u)
{
	mpris_close(u->mp);
	if (u->pb)
		playback_free(u->pb); /* saves the position */
	if (u->pl)
		player_free(u->pl);
	u->pb = NULL; /* flush_writes may draw a frame */
	u->pl = NULL;
	char *lost = flush_writes(u);
	worker_stop(u->wk);
	dlworker_stop(u->dw);
	ui_mouse_off();
	endwin();
	log_restore_stderr();
	for (int p = 0; p < PANE_COUNT; p++)
		if (ui_panes[p]->done)
			ui_panes[p]->done(u);
	free(u->message);
	ui_sync_done(u);
	sigpipe_close();
	return lost;
}

int ui_run(app *a)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		cli_error("the interface needs a terminal (see 'podcue help' for commands)");
		return EXIT_USAGE;
	}
	if (!app_db(a))
		return EXIT_FAIL;
	ui u;
	memset(&u, 0, sizeof u);
	u.a = a;
	u.d = a->d;
	/* A search here runs on the interface's thread: while a first
	 * import's notes are still being worked out, it reads at most this
	 * many of those episodes (~0.1 s) and says the rest are not searched
	 * yet. */
	db_set_search_raw_scan(u.d, UI_SEARCH_RAW_SCAN);
	u.cfg = &a->cfg;
	char *logp = paths_default_log();
	if (log_open(logp) == 0)
		log_capture_stderr(); /* library noise must never reach the screen */
	free(logp);
	setup_signals(&u);
	start_curses(&u);
	config_warnings(&u, a->config_warnings);
	first_screen(&u);
	int rc = EXIT_OK;
	if (!getenv("PODCUE_EXIT_AFTER_PAINT")) {
		char *err = NULL;
		if (dbw_start(a->db_path, &u.wr, &err) != 0) {
			ui_message(&u, 1, "saving in the background unavailable: %s", err);
			free(err);
		}
		/* libcurl (loaded on first use, curl_lazy.h) now that the
		 * screen is up, before the threads that fetch: no key ever
		 * waits for it. */
		fetch_global_init();
		if (worker_start(a->db_path, &a->cfg, &u.wk, &err) != 0) {
			ui_message(&u, 1, "background work unavailable: %s", err);
			free(err);
		}
		if (dlworker_start(a->db_path, &a->cfg, &u.dw, &err) != 0) {
			ui_message(&u, 1, "downloads unavailable: %s", err);
			free(err);
		}
		view_update_details(&u, 1); /* now the worker can fetch its chapters */
		ui_sync(&u, 0);
		start_mpris(&u);
		frame(&u);
		loop(&u);
	}
	char *lost = shutdown_ui(&u);
	if (lost) {
		cli_error("the cache stayed locked by another process; not saved:");
		for (char *l = strtok(lost, "\n"); l; l = strtok(NULL, "\n"))
			fprintf(stderr, "  %s\n", l);
		rc = EXIT_FAIL;
		free(lost);
	}
	log_close();
	return rc;
}
