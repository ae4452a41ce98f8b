/*
 * playmarks.h - the marks a play leaves and follows, for playback.c: the
 * stretches heard (recorded as they are played, written to the cache with
 * the position) and the stretches passed over (skip patterns, the
 * episode's own toggles, the podcast's intro and outro seconds; skiprule.h),
 * with the one skip just made that `z` takes back, and a short note for
 * the status line.
 *
 * Ownership: a playmarks borrows d (and the writer) for its life and the chapter list given
 * to playmarks_start until playmarks_stop. Main thread only (as playback).
 */
#ifndef PODCUE_PLAYMARKS_H
#define PODCUE_PLAYMARKS_H

#include <stdint.h>

#include "chapter.h"
#include "db.h"
#include "dbwriter.h"

typedef struct playmarks playmarks;

playmarks *playmarks_new(db *d);
/* From now on what was heard is written, and toggles read, through w
 * (dbwriter.h; NULL: straight through d). */
void playmarks_set_writer(playmarks *m, dbw *w);
void playmarks_free(playmarks *m);

/* A play of episode (of podcast) begins: reads its heard stretches, skip
 * rules and toggles; intro / outro are the seconds to skip at either end
 * (the podcast's own, else the settings). chapters is the visible list
 * playback keeps (borrowed; call playmarks_replan when it changes).
 * duration, here and in replan and position, is the media's own (-1 while
 * unknown): the end of an outro or of a skipped last chapter is planned
 * only from it, never from a feed's claim. */
void playmarks_start(playmarks *m, int64_t episode, const chapter_list *chapters,
		     double duration, double intro, double outro);
/* The chapters, skips or the duration changed: reread the episode's skips
 * and rebuild the plan (a skip taken back stays taken back). */
void playmarks_replan(playmarks *m, double duration);
/* A position of the episode at speed (seeked: it came from a seek).
 * Records what was heard, and returns where to seek to pass over
 * a skipped stretch the position is in, or -1 (also while a skip to the
 * same place is under way). can_skip 0: only records (the file is not
 * loaded yet, or the position is held back by a failed seek). */
double playmarks_position(playmarks *m, double pos, double duration, double speed,
			  int seeked, int can_skip, int64_t now_ms);
/* Writes the stretches heard since the last flush to the cache. Returns 1
 * when the number of heard chapters changed (lists show the marks). */
int playmarks_flush(playmarks *m, double duration);
/* Flushes and forgets the episode. */
void playmarks_stop(playmarks *m, double duration);

/* Takes back the skip just made: where to seek (its start) into *to and 0;
 * -1 with *msg (caller frees) when there is none to take back. */
int playmarks_undo(playmarks *m, double *to, char **msg, int64_t now_ms);
/* Sets the status note (shown for a few seconds). */
void playmarks_set_note(playmarks *m, const char *note, int64_t now_ms);
/* The note, sanitized, while it is fresh; else NULL. */
const char *playmarks_note(const playmarks *m, int64_t now_ms);
/* Visible chapter index of the first chapter not heard (bookmarks passed
 * over), with what was played so far; -1 when none. */
int playmarks_first_unheard(const playmarks *m, double duration);
/* For an episode not playing: the start of its first chapter not heard
 * (from the cache) into *at and 0; -1 with *msg (caller frees): no such
 * episode, no chapters, every chapter heard. */
int playmarks_unheard_at(db *d, dbw *w, int64_t episode_id, double *at, char **msg);

#endif
