/*
 * ui_marks.c - bookmarks, chapter skips, skip patterns and "resume at the
 * first unheard chapter" in the TUI (see ui_int.h). The marks themselves
 * live in the cache (db_mark.c) and playback follows them (playmarks.h);
 * this file only turns keys and the prompt into those calls. UI thread.
 */
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "ptime.h"
#include "text.h"
#include "ui_int.h"
#include "util.h"

/* After a mark changed: the playing episode rereads it, the details pane
 * shows it. */
static void marks_changed(ui *u, int64_t episode)
{
	if (u->pb)
		playback_marks_changed(u->pb, episode);
	view_update_details(u, 1);
}

/* Through the writer (never waits on another process's lock); the chapter
 * list and the timeline show it at once (dbw_overlay_bookmarks). */
static void add_bookmark(ui *u, int64_t ep, double at, const char *note)
{
	if (dbw_bookmark_add(u->wr, u->d, ep, at, note) != 0) {
		ui_message(u, 1, "cannot add the bookmark: %s", db_errmsg(u->d));
		return;
	}
	marks_changed(u, ep);
	char t[16];
	ptime_clock(at, t, sizeof t);
	ui_message(u, 0, "bookmarked at %s", t);
}

void ui_bookmark(ui *u, const char *arg)
{
	double at = u->pb ? playback_position(u->pb) : -1;
	if (!u->pb || !playback_episode(u->pb) || at < 0) {
		ui_message(u, 1, "nothing is playing to bookmark");
		return;
	}
	if (arg) {
		add_bookmark(u, playback_episode(u->pb), at, arg);
		return;
	}
	/* The moment is the one b was pressed at, not when the note is done. */
	u->bm_episode = playback_episode(u->pb);
	u->bm_at = at;
	u->prompt = PROMPT_BOOKMARK;
	prompt_set(&u->line, NULL);
}

void ui_bookmark_submit(ui *u, const char *note)
{
	if (u->bm_episode)
		add_bookmark(u, u->bm_episode, u->bm_at, note);
	u->bm_episode = 0;
}

/* The chapter line selected in the details pane (1-based), else 0. */
static int selected_chapter(ui *u)
{
	size_t sel = u->pos[PANE_DETAILS].sel;
	if (u->focus != PANE_DETAILS || !u->det_episode || sel >= u->nlines)
		return 0;
	return u->lines[sel].chapter;
}

void ui_skip_chapter(ui *u, int count)
{
	int n = selected_chapter(u);
	if (!n || (u->pb && playback_episode(u->pb) == u->det_episode && count > 0)) {
		char *msg = NULL;
		if (!u->pb || !playback_episode(u->pb))
			ui_message(u, 1, "select a chapter in the episode's details first");
		else if (playback_command(u->pb, CMD_SKIP_CHAPTER, count, &msg) < 0)
			ui_message(u, 1, "%s", msg ? msg : "cannot skip that");
		else
			view_update_details(u, 1);
		free(msg);
		return;
	}
	int on;
	int rc = dbw_chapter_skip_toggle(u->wr, u->d, u->det_episode, &u->det_chapters,
					 (size_t)n - 1, &on);
	if (rc != 0) {
		ui_message(u, 1, "%s", rc > 0 ? "a bookmark is never skipped" : db_errmsg(u->d));
		return;
	}
	marks_changed(u, u->det_episode);
	ui_message(u, 0, "chapter %d %s in this episode", n, on ? "is skipped" : "plays");
}

void ui_unheard(ui *u, int64_t selected)
{
	playback *pb = ui_playback(u);
	int64_t ep = pb && playback_episode(pb) ? playback_episode(pb) : selected;
	if (!pb || !ep) {
		if (pb)
			ui_message(u, 1, "select an episode first");
		return;
	}
	char *err = NULL;
	if (playback_play_unheard(pb, ep, &err) != 0)
		ui_message(u, 1, "%s", err ? err : "cannot play");
	free(err);
}

/* The podcast :skip works on: the episode shown's, else the selected. */
static int64_t skip_podcast(ui *u)
{
	if (u->det_episode && u->det.id == u->det_episode)
		return u->det.podcast_id;
	const db_podcast *p = view_selected_podcast(u);
	return p ? p->id : 0;
}

static void list_rules(ui *u, int64_t pod)
{
	char **pats;
	size_t n;
	if (db_skip_rules(u->d, pod, &pats, &n) != 0) {
		ui_message(u, 1, "%s", db_errmsg(u->d));
		return;
	}
	sbuf b = SBUF_INIT;
	for (size_t i = 0; i < n; i++)
		sb_printf(&b, "%s\"%s\"", i ? ", " : "", pats[i]);
	char *safe = text_sanitize(b.s ? b.s : "", b.len, 0);
	ui_message(u, 0, "skip patterns: %s", n ? safe : "none (:skip add PATTERN)");
	free(safe);
	sb_free(&b);
	db_strings_free(pats, n);
}

/* 1 when the podcast has the pattern, 0 when not, -1 (said) on error. */
static int has_rule(ui *u, int64_t pod, const char *pat)
{
	char **pats;
	size_t n;
	if (db_skip_rules(u->d, pod, &pats, &n) != 0) {
		ui_message(u, 1, "%s", db_errmsg(u->d));
		return -1;
	}
	int have = 0;
	for (size_t i = 0; i < n; i++)
		have |= strcmp(pats[i], pat) == 0;
	db_strings_free(pats, n);
	return have;
}

void ui_skip_rule(ui *u, const char *arg)
{
	int64_t pod = skip_podcast(u);
	const char *usage = "usage: :skip add PATTERN, :skip remove PATTERN or :skip list";
	if (!pod) {
		ui_message(u, 1, "select a podcast first");
		return;
	}
	if (!arg || strcmp(arg, "list") == 0) {
		list_rules(u, pod);
		return;
	}
	int add = strncmp(arg, "add ", 4) == 0, del = strncmp(arg, "remove ", 7) == 0;
	const char *pat = arg + (add ? 4 : del ? 7 : 0);
	while (*pat == ' ')
		pat++;
	if ((!add && !del) || !*pat) {
		ui_message(u, 1, "%s", usage);
		return;
	}
	/* Whether it is there already, from what the cache has (a pattern
	 * queued and not stored yet counts as not there: the write agrees). */
	int had = has_rule(u, pod, pat);
	if (had < 0)
		return;
	int rc = dbw_skip_rule(u->wr, u->d, pod, pat, add);
	if (rc < 0) {
		ui_message(u, 1, "%s", db_errmsg(u->d));
		return;
	}
	if (u->wr) /* queued: what the write will find */
		rc = add ? (had ? 2 : 0) : !had;
	/* No overlay: the lists and playback's plan read the patterns again
	 * once the write lands (ui_writer_events). */
	if (u->pb)
		playback_marks_changed(u->pb, playback_episode(u->pb));
	view_update_details(u, 1);
	char *safe = text_sanitize(pat, (size_t)-1, 0);
	const char *what = add ? (rc == 2 ? "already skipping" : "skipping")
			       : (rc == 1 ? "no such pattern:" : "no longer skipping");
	ui_message(u, rc == 1, "%s \"%s\"", what, safe);
	free(safe);
}
