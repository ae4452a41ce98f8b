/*
 * skiprule.h - what playback passes over: chapters whose title matches one
 * of the podcast's skip patterns (or that the user toggled for this
 * episode), and seconds at the start and at the end. Pure: no I/O.
 *
 * A pattern matches a chapter title case-insensitively (ASCII letters
 * fold; other bytes compare as they are). A pattern with '*' or '?' is a
 * glob over the whole title ('*' any run, '?' one byte); any other
 * pattern matches anywhere in the title ("sponsor" matches "Our
 * Sponsors"). Blank patterns match nothing.
 *
 * Ownership: a skip_plan owns its array.
 */
#ifndef PODCUE_SKIPRULE_H
#define PODCUE_SKIPRULE_H

#include <stddef.h>

#include "chapter.h"

/* A stretch to pass over: [a, b); chapter is its visible index, -1 for the
 * intro or outro seconds. undone: the user took this skip back (it is not
 * skipped again during this play). */
typedef struct skip_span {
	double a, b;
	int chapter;
	int undone;
} skip_span;

typedef struct skip_plan {
	skip_span *v;
	size_t n;
} skip_plan;

#define SKIP_PLAN_INIT {NULL, 0}
/* How close to a stretch's end a position must be to count as past it (a
 * seek lands a hair early). */
#define SKIP_END_EPS 0.5

int skip_pattern_match(const char *pattern, const char *title);
/* 1 when title matches any of pats[0..n). */
int skip_title_matches(char *const *pats, size_t n, const char *title);

/* Builds the plan for a sorted visible chapter list c: chapter i is
 * skipped when skip[i] is set (bookmarks, CHAP_SRC_USER, never are); then
 * [0, intro) and [duration - outro, duration) when intro / outro > 0 (the
 * outro only once duration is known). Each stretch ends at chapter_end_of;
 * a chapter whose end is unknown is not in the plan. plan is cleared
 * first. */
void skip_plan_build(skip_plan *plan, const chapter_list *c, const int *skip, double duration,
		     double intro, double outro);
void skip_plan_clear(skip_plan *plan);
/* The stretch pos lies in (a - 0.1 <= pos < b - SKIP_END_EPS) that is not
 * undone, or -1. */
int skip_plan_find(const skip_plan *plan, double pos);

#endif
