/*
 * dbwriter.h - the TUI's writes to the cache, off the UI thread.
 *
 * Another process may hold the cache's write lock for seconds (a cron
 * `podcue refresh` storing a big feed, a second podcue, an sqlite3 shell).
 * The UI thread must never wait for it, so every write a key or playback
 * causes (played marks, positions and the stretches heard, queue edits, a
 * podcast's order and speed, the chapters found in a file, bookmarks,
 * chapter skips and skip patterns) is queued here and applied by one
 * writer thread with its own connection, in the order queued. A write that
 * meets a lock (or a full or read-only disk) stays first in the queue and
 * is tried again with a growing pause (50 ms to 1 s) until it lands; only
 * a lasting error (say, the episode was removed meanwhile) drops it, with
 * a message. The UI reads with its own connection (WAL: readers never wait
 * for a writer) and lays the queued writes over what it read (the
 * dbw_overlay_* calls), so a mark shows at once and a position is kept in
 * memory until stored.
 *
 * Why a thread of its own rather than the worker (worker.h): the worker
 * runs long network jobs (a refresh), and a played mark must not wait
 * behind one; the writer's jobs are milliseconds each.
 *
 * Every call that queues takes (w, d): with w NULL (the command line's
 * `podcue play`, or a writer that could not start) it writes through d at
 * once, as before, and returns what the db call returned; with a writer it
 * returns 0 (queued). Threading: all calls are from the UI thread; the
 * queue is shared with the writer thread under one mutex.
 */
#ifndef PODCUE_DBWRITER_H
#define PODCUE_DBWRITER_H

#include <stddef.h>
#include <stdint.h>

#include "chapter.h"
#include "db.h"
#include "heard.h"

typedef struct dbw dbw;

/* Opens its own connection to db_path and starts the thread. Returns 0, or
 * -1 with *err (caller frees). */
int dbw_start(const char *db_path, dbw **out, char **err);
/* Waits up to wait_ms for the queued writes to land; returns how many
 * still wait. */
size_t dbw_flush(dbw *w, int wait_ms);
/* Waits up to wait_ms for the queued writes to land, then stops the thread.
 * Returns the writes that could not be stored as one line each ("marked
 * played: episode 12"), NULL when none (caller frees). NULL w is fine. */
char *dbw_stop(dbw *w, int wait_ms);
/* Readable when writes landed or failed, or a lock began to hold them. */
int dbw_fd(const dbw *w);

/* What the writer has to say since the last call: *changed when queued
 * writes landed that lists show, *msg (caller frees, NULL when none) a
 * failed write or the end of a wait on a lock. Drains the wakeup pipe.
 * Returns 1 when there was something. */
int dbw_poll(dbw *w, int *changed, char **msg, int *error);
/* Writes waiting; *locked (may be NULL) 1 while the first one meets a
 * lock held by another process (or a full or read-only disk), *since_ms
 * (may be NULL) since when. */
size_t dbw_pending(dbw *w, int *locked, int64_t *since_ms);

/* The writes (see the db.h functions of the same names). */
int dbw_set_played(dbw *w, db *d, int64_t episode, int played);
/* Repeated saves of one episode's position replace the one queued last
 * (after its last played mark), even one being written (it is written
 * again with the newer value). */
int dbw_set_position(dbw *w, db *d, int64_t episode, double pos);
/* Stretches heard (db_heard_add); they join the episode's queued position
 * (one change: saved with the position), else are queued alone. add is
 * copied. */
int dbw_heard_add(dbw *w, db *d, int64_t episode, const heard_list *add);
int dbw_queue_add(dbw *w, db *d, int64_t episode, int front);
int dbw_queue_remove(dbw *w, db *d, int64_t episode);
int dbw_queue_move(dbw *w, db *d, int64_t episode, int64_t position);
int dbw_podcast_set_sort(dbw *w, db *d, int64_t podcast, int sort_order);
int dbw_podcast_set_speed(dbw *w, db *d, int64_t podcast, double speed);
/* l is copied. */
int dbw_embedded_done(dbw *w, db *d, int64_t episode, const chapter_list *l, int64_t when);
/* A bookmark (its id is not known until it lands: nothing needs it at
 * once). A missing episode is a lasting failure (said, as any). */
int dbw_bookmark_add(dbw *w, db *d, int64_t episode, double at, const char *note);
/* No overlay: lists show the delete once it lands (dbw_poll's changed). */
int dbw_bookmark_delete(dbw *w, db *d, int64_t bookmark);
/* db_chapter_skips with the queued toggles laid over it (a read, then the
 * overlay). */
int dbw_chapter_skips(dbw *w, db *d, int64_t episode, const chapter_list *c, int *skip);
/* Flips chapter i of c as db_chapter_skip_toggle does, from what
 * dbw_chapter_skips says now (so a second X before the first lands undoes
 * it); *on receives the new state. 1 = a bookmark or no such chapter. */
int dbw_chapter_skip_toggle(dbw *w, db *d, int64_t episode, const chapter_list *c, size_t i,
			    int *on);
/* Adds (add 1) or removes a skip pattern of a podcast. Without a writer
 * returns what db_skip_rule_add / _remove return (1, 2); with one 0. No
 * overlay: what a pattern skips is worked out by reading (db_chapter_skips),
 * so the lists and playback's plan are read again when it lands (the
 * caller follows dbw_poll's changed). */
int dbw_skip_rule(dbw *w, db *d, int64_t podcast, const char *pattern, int add);

/* Overlays: what d read, with the queued writes applied. NULL w: no-ops.
 * A write that lands between the read and the overlay is missing from
 * that result (and one landing as the overlay runs may count twice, which
 * every write here allows): read again when dbw_poll says writes landed. */
void dbw_overlay_episode(dbw *w, db_episode *e);
void dbw_overlay_episodes(dbw *w, db_episode *v, size_t n);
/* The queue as read into *v and *n, with queued adds, removes and moves done
 * (an added episode's row is read through d). */
void dbw_overlay_queue(dbw *w, db *d, db_queue_entry **v, size_t *n);
/* The queue as the user sees it: db_queue_list with dbw_overlay_queue, read
 * again when a write landed in between (then it would be in neither), so
 * a count said right after an edit includes every edit. -1 as
 * db_queue_list; free with db_queue_list_free. dbw_set_read_hook: fn runs
 * between the read and the overlay (tests make a write land there). */
int dbw_queue_read(dbw *w, db *d, db_queue_entry **v, size_t *n);
void dbw_set_read_hook(dbw *w, void (*fn)(void *ctx), void *ctx);
/* A queued speed (1, into *speed) or order (1, into *sort) of a podcast. */
int dbw_overlay_speed(dbw *w, int64_t podcast, double *speed);
int dbw_overlay_sort(dbw *w, int64_t podcast, int *sort);
/* The file's chapters queued for the episode (1, a copy into *out), else 0. */
int dbw_overlay_embedded(dbw *w, int64_t episode, chapter_list *out);
/* The stretches heard queued for the episode, added into *out. */
void dbw_overlay_heard(dbw *w, int64_t episode, heard_list *out);
/* The bookmarks queued for the episode added to the chapter list l as
 * CHAP_SRC_USER chapters (sorted again); 1 when there were some. */
int dbw_overlay_bookmarks(dbw *w, int64_t episode, chapter_list *l);

#endif
