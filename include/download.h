/*
 * download.h - episodes downloaded to disk: file names from feed text, and
 * a downloader running a few transfers at once on one libcurl multi handle.
 *
 * Files go to DIR/PODCAST/DATE TITLE.EXT (DIR: the download_dir setting,
 * else $XDG_DATA_HOME/podcue/downloads). A transfer writes NAME.part and
 * renames it to NAME only when it is complete and its length matches what
 * the server announced; only then does the cache say "done". An
 * interrupted download resumes from its .part with Range + If-Range (the
 * ETag or Last-Modified of the first response), accepting only a 206 whose
 * Content-Range starts where the file ends; a 200 restarts from zero. Only
 * http: and https: are downloaded (redirects likewise). Audio is never
 * asked compressed.
 *
 * Ownership and threading: a downloader borrows its db and config for its
 * whole life and is driven by one thread (downloader_step); the callback
 * runs on that thread. The naming functions are pure.
 */
#ifndef PODCUE_DOWNLOAD_H
#define PODCUE_DOWNLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "db.h"

/* Longest name component (bytes) made from feed text, before the date and
 * the extension: a whole name stays far below NAME_MAX (255). */
#define DOWNLOAD_NAME_MAX 120

/* One file-name component from feed text: escape sequences and control
 * characters removed, '/' and '\\' turned into '-', runs of blanks into
 * one space, runs of dots into one dot, no leading dot or blank, no
 * trailing dot or blank, cut to max bytes on a UTF-8 boundary. fallback
 * when nothing is left. New string. */
char *download_name_part(const char *s, size_t max, const char *fallback);
/* The file extension (without the dot, lower case) from the URL's path,
 * else from the MIME type, else "audio". New string. */
char *download_ext(const char *url, const char *type);
/* "YYYY-MM-DD TITLE.EXT" (no date when has_published is 0). New string. */
char *download_file_name(const char *title, int64_t published, int has_published,
			 const char *url, const char *type);
/* dir + "/" + name, or with " (2)", " (3)"... before the extension when
 * taken(path, ctx) says the name is in use (taken checks the name and its
 * .part). NULL after 999 tries. New string. */
char *download_unique_path(const char *dir, const char *name,
			   int (*taken)(const char *path, void *ctx), void *ctx);
/* The folder downloads go to (the setting, or the XDG default). New string. */
char *download_dir(const config *c);

/* What the callback hears: a download started, finished, failed, or a
 * note about it (a resume, a restart from zero). Strings valid during the
 * call only. */
typedef struct download_event {
	int64_t episode_id;
	int state;         /* DL_* after the event */
	int64_t bytes, total; /* total -1 = unknown */
	const char *path;  /* the final file */
	const char *message; /* error (DL_FAILED), note, or NULL */
} download_event;

typedef void (*download_fn)(const download_event *ev, void *ctx);

typedef struct downloader downloader;

/* NULL when libcurl cannot create a multi handle. fn may be NULL. */
downloader *downloader_new(db *d, const config *c, download_fn fn, void *ctx);
/* Queues an episode: names its file (or keeps the name it had) and
 * records the row as queued. Returns 0 when queued, 1 when it is already
 * downloaded (the file exists and the enclosure did not change), 2 when
 * it is already queued here, -1 with *msg (caller frees): no such
 * episode, no audio file, not http/https, cannot create the folder. */
int downloader_add(downloader *dl, int64_t episode_id, char **msg);
/* Drives transfers for at most timeout_ms; returns how many downloads are
 * queued or running. */
int downloader_step(downloader *dl, int timeout_ms);

typedef struct download_progress {
	int queued, running, done, failed;
	int64_t bytes, total; /* over the running ones; total -1 when one is unknown */
	int64_t received;     /* bytes received this session, all downloads */
} download_progress;
void downloader_progress(const downloader *dl, download_progress *p);
/* Stops a queued or running download of the episode, keeping its .part
 * (a later download resumes it); the row becomes failed ("cancelled").
 * 1 = not downloading here. */
int downloader_cancel(downloader *dl, int64_t episode_id);
/* Cancels everything (as downloader_cancel) and frees. NULL is fine. */
void downloader_free(downloader *dl);

/* 1 when some podcue is downloading to path right now (its .part is
 * locked); a row left "running" by a killed podcue is not. */
int download_in_progress(const char *path);

/* Deleting files: dlfile.h. */

#endif
