/*
 * upnext.c - what plays after an episode ends (see upnext.h).
 */
#include "upnext.h"

#include "config.h"
#include "log.h"

int64_t upnext_after(db *d, int mode, int64_t ended)
{
	int64_t next = 0;
	int rc = 1;
	if (mode == CONTINUE_QUEUE)
		rc = db_queue_head(d, &next);
	else if (mode == CONTINUE_PODCAST && ended)
		rc = db_episode_next_newer(d, ended, &next);
	if (rc < 0)
		log_msg("upnext", "cannot read what plays next: %s", db_errmsg(d));
	return rc == 0 ? next : 0;
}
