/*
 * upnext.c - what plays after an episode ends (see upnext.h).
 */
#include "upnext.h"

#include "config.h"
#include "log.h"

/* The queue as the user sees it: read, with the writes still queued. */
static int queue_list(db *d, dbw *w, db_queue_entry **v, size_t *n)
{
	return dbw_queue_read(w, d, v, n);
}

int64_t upnext_after(db *d, dbw *w, int mode, int64_t ended)
{
	int64_t next = 0;
	int rc = 1;
	if (mode == CONTINUE_QUEUE) {
		db_queue_entry *v = NULL;
		size_t n = 0;
		rc = queue_list(d, w, &v, &n);
		if (rc == 0 && n)
			next = v[0].episode_id;
		else if (rc == 0)
			rc = 1;
		db_queue_list_free(v, n);
	} else if (mode == CONTINUE_PODCAST && ended)
		rc = db_episode_next_newer(d, ended, &next);
	if (rc < 0)
		log_msg("upnext", "cannot read what plays next: %s", db_errmsg(d));
	return rc == 0 ? next : 0;
}

int64_t upnext_skip(db *d, dbw *w, int mode, int64_t current)
{
	db_queue_entry *v = NULL;
	size_t n = 0;
	int64_t next = 0;
	if (queue_list(d, w, &v, &n) != 0)
		log_msg("upnext", "cannot read the queue: %s", db_errmsg(d));
	for (size_t i = 0; i < n && !next; i++)
		if (v[i].episode_id != current)
			next = v[i].episode_id;
	db_queue_list_free(v, n);
	if (!next && mode == CONTINUE_PODCAST && current &&
	    db_episode_next_newer(d, current, &next) != 0)
		next = 0;
	return next;
}
