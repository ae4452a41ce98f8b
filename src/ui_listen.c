/*
 * ui_listen.c - what the user was listening to: the Continue list (the
 * episodes in progress, last played first), the first screen's
 * selection, jumping to the playing episode, resuming with nothing
 * playing, and a podcast's own episode order. The lists themselves are
 * the episodes pane's (pane_episodes.c); this file moves between them.
 * UI thread only (ui_int.h).
 */
#include <stdlib.h>

#include "text.h"
#include "ui_int.h"
#include "util.h"

/* Selects podcast pid in the podcasts pane; 0 when it is not there. */
static int select_podcast(ui *u, int64_t pid)
{
	for (size_t i = 0; i < u->npods; i++)
		if (u->pods[i].id == pid) {
			u->pos[PANE_PODCASTS].sel = i;
			return 1;
		}
	return 0;
}

int listen_select(ui *u, int64_t ep)
{
	db_episode e;
	if (!ep || db_episode_get(u->d, ep, &e) != 0)
		return 0;
	int64_t pid = e.podcast_id;
	db_episode_free(&e);
	if (!select_podcast(u, pid))
		return 0;
	view_set_source(u, SRC_PODCAST, pid);
	size_t at;
	int rc = db_episode_index(u->d, pid, u->unplayed_only, view_oldest_first(u), ep, &at);
	if (rc == 1 && u->unplayed_only) {
		/* Played, so hidden: show every episode to show this one. */
		u->unplayed_only = 0;
		view_reload_episodes(u);
		rc = db_episode_index(u->d, pid, 0, view_oldest_first(u), ep, &at);
	}
	if (rc != 0)
		return 0;
	/* On the middle line of the screen, where the eye looks first. */
	list_pos *p = &u->pos[PANE_EPISODES];
	size_t half = u->list_h > 2 ? (size_t)u->list_h / 2 : 0;
	p->sel = at;
	p->top = at > half ? at - half : 0;
	u->focus = PANE_EPISODES;
	return 1;
}

static size_t in_progress(ui *u)
{
	size_t n = 0;
	if (db_episode_progress_count(u->d, &n) != 0)
		ui_message(u, 1, "cannot read episodes: %s", db_errmsg(u->d));
	return n;
}

void listen_first_screen(ui *u)
{
	int64_t last;
	if (db_episode_last_played(u->d, &last) != 0 || !listen_select(u, last))
		return;
	/* The last played episode's place in its podcast is where leaving
	 * the Continue list comes back to. */
	if (in_progress(u)) {
		view_set_source(u, SRC_CONTINUE, 0);
		u->focus = PANE_EPISODES;
	}
}

void listen_toggle_continue(ui *u)
{
	if (u->src == SRC_CONTINUE) {
		ui_show_podcast(u);
		return;
	}
	view_set_source(u, SRC_CONTINUE, 0);
	ui_focus(u, PANE_EPISODES);
	if (!u->ep_count)
		ui_message(u, 0, "nothing in progress: episodes played part way show here");
}

void listen_goto_playing(ui *u)
{
	int64_t ep = u->pb ? playback_episode(u->pb) : 0;
	if (!ep && db_episode_last_played(u->d, &ep) != 0) {
		ui_message(u, 0, "nothing is playing, and nothing was played yet");
		return;
	}
	if (!listen_select(u, ep))
		ui_message(u, 1, "that episode is no longer in the cache");
}

void listen_resume(ui *u)
{
	db_episode *v;
	size_t n;
	if (db_episode_progress_page(u->d, 0, 1, &v, &n) != 0) {
		ui_message(u, 1, "cannot read episodes: %s", db_errmsg(u->d));
		return;
	}
	if (!n) {
		ui_message(u, 0, "nothing is playing, and nothing is in progress");
		return;
	}
	char *t = text_sanitize(v[0].title ? v[0].title : "(untitled)", (size_t)-1, 0);
	ui_message(u, 0, "resuming %s", t);
	free(t);
	ui_play(u, v[0].id, -1, 0);
	db_episode_list_free(v, n);
}

void listen_toggle_sort(ui *u)
{
	if (u->src != SRC_PODCAST || !u->ep_podcast) {
		ui_message(u, 0, "sort-order orders one podcast's episodes: select a podcast");
		return;
	}
	int64_t keep = view_selected_episode(u);
	int oldest = !view_oldest_first(u);
	if (dbw_podcast_set_sort(u->wr, u->d, u->ep_podcast,
				 oldest ? DB_SORT_OLDEST : DB_SORT_NEWEST) < 0) {
		ui_message(u, 1, "cannot save the order: %s", db_errmsg(u->d));
		return;
	}
	int focus = u->focus;
	view_load_podcasts(u);
	view_reload_episodes(u);
	if (keep && listen_select(u, keep))
		u->focus = focus;
	ui_message(u, 0, "%s first", oldest ? "oldest" : "newest");
}
