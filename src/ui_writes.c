/*
 * ui_writes.c - the TUI and the cache writer (dbwriter.h): the queue as the
 * user sees it (the cache's, with the edits still queued) and the writer's
 * news on the status line. UI thread only (ui_int.h).
 */
#include <stdlib.h>

#include "ui_int.h"

/* The queue as the user sees it (read, with the writes still queued). */
static int queue_now(ui *u, db_queue_entry **v, size_t *n)
{
	return dbw_queue_read(u->wr, u->d, v, n);
}

int ui_queue_count(ui *u, size_t *n)
{
	db_queue_entry *v;
	if (queue_now(u, &v, n) != 0)
		return -1;
	db_queue_list_free(v, *n);
	return 0;
}

/* 0 when ep is queued, 1 when not, -1 when the queue cannot be read. */
int ui_queued(ui *u, int64_t ep)
{
	db_queue_entry *v;
	size_t n;
	if (queue_now(u, &v, &n) != 0)
		return -1;
	int rc = 1;
	for (size_t i = 0; i < n; i++)
		if (v[i].episode_id == ep)
			rc = 0;
	db_queue_list_free(v, n);
	return rc;
}

/* The writer's news: a change that could not be saved, a lock that holds
 * changes back (then the status line counts them), or its end. Lists are
 * read again when writes landed: a write that lands between a read and
 * the overlay of what is queued is missing from that one frame only. */
void ui_writer_events(ui *u)
{
	int changed, error;
	char *msg;
	if (!dbw_poll(u->wr, &changed, &msg, &error))
		return;
	/* Beside what the last key said ("marked played"), not over it. */
	if (msg && u->message && *u->message && !u->message_writer)
		ui_message(u, error || u->message_error, "%s · %s", u->message, msg);
	else if (msg)
		ui_message(u, error, "%s", msg);
	u->message_writer = msg != NULL || u->message_writer;
	free(msg);
	if (changed) {
		/* A skip pattern has no overlay: playback reads them again. */
		if (u->pb && playback_episode(u->pb))
			playback_marks_changed(u->pb, playback_episode(u->pb));
		view_load_podcasts(u);
		view_reload_episodes(u);
		view_update_details(u, 1);
		view_queue_changed(u);
	}
}
