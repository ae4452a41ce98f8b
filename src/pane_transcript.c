/*
 * pane_transcript.c - the transcript view: an episode's transcript, one
 * segment a row ("time  Speaker: text"), laid out alone over the whole
 * width like the queue view. `transcript` (T) opens it on the playing
 * episode, else the selected one, and closes it again.
 *
 * It follows playback: while its episode plays, the segment at the
 * position is drawn as playing and the selection moves onto it whenever
 * playback enters another segment (so it stays in view, with the two
 * before it above); when another episode starts playing the view shows
 * that one. Enter on a segment seeks there, or plays the episode from
 * there.
 *
 * Segments are read from the cache in the update after something marked
 * them stale (opening, another episode, the worker having fetched); a
 * transcript not in the cache yet is asked of the worker once per episode
 * shown (WORK_TRANSCRIPT, which fetches only when due: trfetch.h). UI
 * thread only.
 */
#include <stdio.h>
#include <stdlib.h>

#include "command.h"
#include "keys.h"
#include "ptime.h"
#include "text.h"
#include "theme.h"
#include "ui_int.h"
#include "util.h"

/* Rows kept above the playing segment when the view follows it. */
#define FOLLOW_CONTEXT 2

void view_transcript_changed(ui *u)
{
	u->tx_stale = 1;
}

static void show_episode(ui *u, int64_t ep)
{
	if (ep == u->tx_episode)
		return;
	u->tx_episode = ep;
	u->tx_current = -1;
	u->pos[PANE_TRANSCRIPT] = (list_pos){0, 0};
	free(u->tx_title);
	u->tx_title = NULL;
	db_episode e;
	if (ep && db_episode_get(u->d, ep, &e) == 0) {
		u->tx_title = text_sanitize(e.title ? e.title : "(untitled)", (size_t)-1, 0);
		db_episode_free(&e);
	}
	view_transcript_changed(u);
}

void view_transcript_toggle(ui *u, int64_t selected)
{
	if (u->focus == PANE_TRANSCRIPT) {
		ui_focus(u, u->tx_back);
		return;
	}
	int64_t ep = u->pb && playback_episode(u->pb) ? playback_episode(u->pb) : selected;
	if (!ep) {
		ui_message(u, 1, "select an episode first (or play one)");
		return;
	}
	u->tx_back = u->focus;
	show_episode(u, ep);
	view_transcript_changed(u); /* a fetch may have ended while closed */
	ui_focus(u, PANE_TRANSCRIPT);
}

static void reload(ui *u)
{
	u->tx_stale = 0;
	transcript_free(&u->tx);
	free(u->tx_error);
	u->tx_error = NULL;
	if (!u->tx_episode)
		return;
	int rc = db_transcript_get(u->d, u->tx_episode, &u->tx);
	if (rc < 0)
		ui_message(u, 1, "cannot read the transcript: %s", db_errmsg(u->d));
	db_transcript_state s;
	if (db_transcript_state_get(u->d, u->tx_episode, &s) == 0) {
		u->tx_error = s.error ? text_sanitize(s.error, (size_t)-1, 0) : NULL;
		db_transcript_state_free(&s);
	}
	db_transcript *listed = NULL;
	size_t nlisted = 1;
	if (db_episode_transcripts(u->d, u->tx_episode, &listed, &nlisted) == 0) {
		db_transcript_list_free(listed, nlisted);
		if (!nlisted && !u->tx_error)
			u->tx_error = xstrdup("the feed lists no transcript for this episode");
	}
	/* Fetched (or refreshed) when due, once per episode shown. */
	if (u->wk && u->tx_requested != u->tx_episode) {
		u->tx_requested = u->tx_episode;
		worker_submit(u->wk, WORK_TRANSCRIPT, u->tx_episode, NULL);
	}
	if (u->pos[PANE_TRANSCRIPT].sel >= u->tx.n)
		u->pos[PANE_TRANSCRIPT] = (list_pos){0, 0};
	u->tx_current = -1;
}

/* The playing segment, and the selection onto it when it changed. */
static void follow(ui *u)
{
	if (!u->pb || playback_episode(u->pb) != u->tx_episode || !u->tx.n)
		return;
	long cur = transcript_at(u->tx.v, u->tx.n, playback_position(u->pb));
	if (cur == u->tx_current)
		return;
	u->tx_current = cur;
	if (cur < 0)
		return;
	list_pos *p = &u->pos[PANE_TRANSCRIPT];
	p->sel = (size_t)cur;
	p->top = p->sel > FOLLOW_CONTEXT ? p->sel - FOLLOW_CONTEXT : 0;
}

static void tx_update(ui *u)
{
	if (u->focus != PANE_TRANSCRIPT)
		return;
	int64_t playing = u->pb ? playback_episode(u->pb) : 0;
	if (playing && playing != u->tx_episode)
		show_episode(u, playing);
	if (u->tx_stale)
		reload(u);
	follow(u);
}

static int tx_ctx(const ui *u)
{
	(void)u;
	return KCTX_COMMON;
}

static void tx_title(ui *u, char *buf, size_t n)
{
	const char *state = u->tx.n ? "" : u->tx_error ? u->tx_error : "fetching\u2026";
	if (u->tx.n)
		snprintf(buf, n, "Transcript: %s (%zu)", u->tx_title ? u->tx_title : "", u->tx.n);
	else
		snprintf(buf, n, "Transcript: %s \u2014 %s", u->tx_title ? u->tx_title : "", state);
}

static size_t tx_count(ui *u)
{
	return u->tx.n;
}

static void tx_row(ui *u, size_t i, int y, int x, int w, int selected)
{
	const transcript_segment *s = &u->tx.v[i];
	char at[16] = "";
	if (s->start >= 0)
		ptime_clock(s->start, at, sizeof at);
	/* The text was cleaned when parsed; sanitized again as everything
	 * drawn from the cache is. */
	char *text = text_sanitize(s->text, (size_t)-1, 0);
	char *who = s->speaker ? text_sanitize(s->speaker, (size_t)-1, 0) : NULL;
	int playing = (long)i == u->tx_current;
	char *line = xasprintf("%s%8s  %s%s%s", playing ? "\u25b6" : " ", at, who ? who : "",
			       who ? ": " : "", text);
	draw_lr(y, x, w, line, NULL,
		draw_row_elem(u, PANE_TRANSCRIPT, selected, playing ? THEME_PLAYING : THEME_NORMAL));
	free(line);
	free(who);
	free(text);
}

static void tx_open(ui *u, size_t i)
{
	if (i >= u->tx.n)
		return;
	double at = u->tx.v[i].start;
	if (at < 0) {
		ui_message(u, 1, "this transcript has no times");
		return;
	}
	if (u->pb && playback_episode(u->pb) == u->tx_episode) {
		char arg[32], *msg = NULL;
		snprintf(arg, sizeof arg, "%.3f", at);
		if (playback_command_arg(u->pb, CMD_SEEK, arg, 0, &msg) < 0)
			ui_message(u, 1, "%s", msg ? msg : "cannot seek");
		free(msg);
	} else {
		ui_play(u, u->tx_episode, at, 0);
	}
	u->tx_current = -1; /* the selection follows from there */
}

static void tx_done(ui *u)
{
	transcript_free(&u->tx);
	free(u->tx_error);
	free(u->tx_title);
	u->tx_error = u->tx_title = NULL;
}

const pane_ops pane_transcript = {
	.ctx = tx_ctx,
	.empty = "no transcript to show (the feed may list none)",
	.width_pct = 100,
	.title = tx_title,
	.count = tx_count,
	.update = tx_update,
	.row = tx_row,
	.open = tx_open,
	.done = tx_done,
};
