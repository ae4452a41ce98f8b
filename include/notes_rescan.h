/*
 * notes_rescan.h - reading the cached show notes again when the chapter
 * finder has improved.
 *
 * Chapters found in show notes are stored at refresh time, and a feed that
 * has not changed is never parsed again. When CHAPNOTES_VERSION is newer
 * than the version recorded in the cache, every cached episode whose notes
 * may hold a timestamp is read again and its notes chapters replaced, in
 * batches of one transaction each, then the version is recorded. A run cut
 * short (kill -9) loses nothing: the next run starts over.
 *
 * Runs on the caller's thread with the caller's db connection.
 */
#ifndef PODCUE_NOTES_RESCAN_H
#define PODCUE_NOTES_RESCAN_H

#include "db.h"

/* Brings the cache's notes chapters up to CHAPNOTES_VERSION. say (may be
 * NULL) gets one line when the rescan is more than one batch. Returns the number
 * of episodes read again (0 when the cache was current), -1 on a cache
 * error (db_errmsg). */
long notes_rescan(db *d, void (*say)(const char *msg, void *ctx), void *ctx);

#endif
