/*
 * dlfile.h - deleting downloaded files safely, and the locks that say a
 * file is being written or played.
 *
 * A path comes from the cache, which another program (or a hand with
 * sqlite3) may have changed: a file is deleted only when it is a regular
 * file (not a symlink) whose folder, resolved, lies inside the download
 * folder (the download_dir setting, or the XDG default), resolved; else
 * it is kept and the caller is told why. The same holds for its .part and
 * for removing a podcast's emptied folder.
 *
 * A player holds a shared flock on the file it plays (download_hold); a
 * cleanup leaves a file alone when it cannot take the exclusive lock
 * (download_in_use).
 *
 * Ownership and threading: no state; any thread. Strings returned are new.
 */
#ifndef PODCUE_DLFILE_H
#define PODCUE_DLFILE_H

#include <stdint.h>

#include "config.h"
#include "db.h"

/* Deletes path and path.part when they may be deleted. 0 = deleted (one
 * or both), 1 = neither is there, 2 = kept (*msg says why), -1 = could not
 * delete (*msg). *msg NULL otherwise (caller frees). */
int download_unlink(const config *c, const char *path, char **msg);
/* Removes path's folder when it is empty and strictly inside the download
 * folder (never the download folder itself). */
void download_rmdir(const config *c, const char *path);

/* Deletes an episode's file (and .part) as download_unlink does and
 * forgets its row. 0 = deleted, 1 = nothing to delete, 2 = the row is
 * forgotten but the file kept (*msg says why), -1 with *msg (the row
 * stays). *msg NULL otherwise (caller frees). */
int download_delete(db *d, const config *c, int64_t episode_id, char **msg);

/* A shared lock on path for as long as the returned fd is open (-1 when
 * the file cannot be opened or someone holds it exclusively). Close it to
 * release. */
int download_hold(const char *path);
/* 1 when some podcue holds path (download_hold): it is being played. */
int download_in_use(const char *path);

#endif
