/*
 * heard.h - the stretches of an episode actually played, and which
 * chapters they make "heard". Pure: no I/O, no state outside the lists.
 *
 * A stretch is [a, b) in seconds of the episode. The list is kept sorted
 * and merged: stretches that overlap, or leave a gap of at most
 * HEARD_JOIN_S between them, become one. A chapter is heard when at least
 * HEARD_FRACTION of it (from its start to chapter_end_of) was played;
 * a chapter whose end is unknown is never heard.
 *
 * Ownership: a heard_list owns its array.
 */
#ifndef PODCUE_HEARD_H
#define PODCUE_HEARD_H

#include <stddef.h>

#include "chapter.h"

#define HEARD_FRACTION 0.8
#define HEARD_JOIN_S 1.0

typedef struct heard_span {
	double a, b;
} heard_span;

typedef struct heard_list {
	heard_span *v;
	size_t n, cap;
} heard_list;

#define HEARD_LIST_INIT {NULL, 0, 0}

/* Adds [a, b) (ignored unless 0 <= a < b, both finite), merging. */
void heard_add(heard_list *l, double a, double b);
void heard_clear(heard_list *l);
/* Seconds of [a, b) covered by the list. */
double heard_covered(const heard_list *l, double a, double b);
/* 1 when [a, b) is heard (b > a and covered >= HEARD_FRACTION of it). */
int heard_span_heard(const heard_list *l, double a, double b);
/* 1 when chapter i of the sorted list c is heard (its end: chapter_end_of
 * with duration, which may be -1 when unknown). */
int heard_chapter(const heard_list *l, const chapter_list *c, size_t i, double duration);
/* The index of the first chapter that is not heard, bookmarks
 * (CHAP_SRC_USER) passed over; -1 when every chapter is heard or there is
 * none. */
int heard_first_unheard(const heard_list *l, const chapter_list *c, double duration);

#endif
