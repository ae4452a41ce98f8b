/*
 * sleep.h - the sleep timer's logic: after N minutes, at the end of the
 * chapter playing, or at the end of the episode, playback pauses. Pure
 * functions on a small struct; playback.c owns one and feeds it the clock
 * and the chapter, the front ends only show sleep_describe().
 */
#ifndef PODCUE_SLEEP_H
#define PODCUE_SLEEP_H

#include <stddef.h>
#include <stdint.h>

enum sleep_kind { SLEEP_OFF, SLEEP_MINUTES, SLEEP_CHAPTER, SLEEP_EPISODE };

typedef struct sleep_timer {
	int kind;       /* enum sleep_kind */
	int64_t due_ms; /* SLEEP_MINUTES: when */
	int chapter;    /* SLEEP_CHAPTER: the chapter whose end it waits for */
} sleep_timer;

/* "30m", "30" (minutes), "90s", "1.5h", "chapter", "episode", "off" (no
 * "1:30": hours or minutes?). Returns 0 with *kind and *secs (SLEEP_MINUTES
 * only), or -1. */
int sleep_parse(const char *s, int *kind, int *secs);
/* Arms the timer: SLEEP_MINUTES runs secs from now; SLEEP_CHAPTER waits
 * for the end of chapter (the index playing now). */
void sleep_set(sleep_timer *t, int kind, int secs, int chapter, int64_t now);
/* The next setting of the key that cycles: off, end of chapter, end of
 * episode, 15, 30, 60 minutes, off. */
void sleep_cycle(sleep_timer *t, int chapter, int64_t now);
/* 1 when the timer is due now: its minutes passed, or the chapter playing
 * moved on from the one it waits for by playing (seeked: the user moved,
 * so it waits for the end of the chapter they moved to). Not for
 * SLEEP_EPISODE, which the end of the file ends. */
int sleep_due(sleep_timer *t, int64_t now, int chapter, int seeked);
/* "sleep 29:41", "sleep: end of chapter", "sleep: end of episode", or ""
 * when off, into buf. */
void sleep_describe(const sleep_timer *t, int64_t now, char *buf, size_t n);

#endif
