/*
 * dlpolicy.h - the download policies: which new episodes a refresh
 * downloads, and the cleanup that keeps the downloads folder within what
 * the user set.
 *
 * Each policy is a setting (config.h) that a podcast may override
 * (`podcue set-podcast`, stored by db_dl_policy_set):
 *   auto_download        new episodes are downloaded after a refresh
 *   keep_downloads N     at most the N newest downloads of a podcast stay
 *   delete_played_after D  a played episode's file goes D days after it
 *                        was last played (or downloaded, when later)
 * and one is global: download_cap_mb, all downloads together; over it the
 * played ones go first, then the oldest.
 *
 * A cleanup never deletes an episode that is in the up-next queue, one in
 * progress (a saved position, not played), one that is downloading (only
 * finished downloads are considered) or one the caller protects (the
 * playing episode, the ones just downloaded); it says what it deleted.
 *
 * Threading: runs on the caller's thread and db.
 */
#ifndef PODCUE_DLPOLICY_H
#define PODCUE_DLPOLICY_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "db.h"

/* The policies that apply to a podcast: its own, else the settings. */
typedef struct dl_policy {
	int auto_download, keep_downloads, delete_played_after;
} dl_policy;
void dlpolicy_effective(db *d, const config *c, int64_t podcast_id, dl_policy *out);

/* Names a podcast may set (set-podcast), in order; NULL-terminated. */
extern const char *const dlpolicy_names[];
/* Sets a podcast's own policy NAME to VALUE ("on"/"off"/a number, or
 * "default" to follow the setting again). NULL or a message (caller frees). */
char *dlpolicy_set(db *d, int64_t podcast_id, const char *name, const char *value);

/* The episodes a refresh that began when the newest episode id was
 * since_id brings to download: the new ones of podcasts with
 * auto_download, newest first, at most keep_downloads of a podcast when
 * that is set. Returns 0 with a new array (caller frees), -1 on a db error. */
int dlpolicy_new_episodes(db *d, const config *c, int64_t since_id, int64_t **ids, size_t *n);

typedef void (*dlpolicy_say_fn)(int error, const char *line, void *ctx);
/* Applies the policies; say (may be NULL) hears one line per file deleted
 * ("deleted episode N (why): PATH") and per failure. keep: episode ids
 * never deleted. Returns how many files it deleted, -1 on a db error. */
int dlpolicy_cleanup(db *d, const config *c, const int64_t *keep, size_t nkeep,
		     dlpolicy_say_fn say, void *ctx);

/* Removing a podcast takes three steps, so that its files go only once
 * its row is gone (a failed remove keeps both):
 * dlpolicy_podcast_files checks that none of the podcast's files is being
 * downloaded (-1 with *msg, caller frees, when one is, or on a db error;
 * nothing is touched) and lists their paths (free with
 * dlpolicy_files_free); the caller removes the podcast; then
 * dlpolicy_delete_files deletes the files and .parts (dlfile.h: only
 * inside the download folder) and the emptied folders, telling say
 * (may be NULL) of each one kept or failed. Returns the files deleted. */
int dlpolicy_podcast_files(db *d, int64_t podcast_id, char ***paths, size_t *n, char **msg);
int dlpolicy_delete_files(const config *c, char **paths, size_t n, dlpolicy_say_fn say,
			  void *ctx);
void dlpolicy_files_free(char **paths, size_t n);

#endif
