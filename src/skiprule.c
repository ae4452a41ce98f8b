/*
 * skiprule.c - skip patterns and the stretches playback passes over (see
 * skiprule.h).
 */
#include "skiprule.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

static int fold(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Glob over the whole of s: '*' any run, '?' one byte. Iterative, with
 * one backtrack point: linear in practice, never exponential. */
static int glob_match(const char *p, const char *s)
{
	const char *star = NULL, *retry = NULL;
	while (*s) {
		if (*p == '*') {
			star = ++p;
			retry = s;
		} else if (*p && (*p == '?' || fold((unsigned char)*p) == fold((unsigned char)*s))) {
			p++;
			s++;
		} else if (star) {
			p = star;
			s = ++retry;
		} else {
			return 0;
		}
	}
	while (*p == '*')
		p++;
	return !*p;
}

static int contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; *hay; hay++) {
		size_t i = 0;
		while (i < n && hay[i] && fold((unsigned char)hay[i]) == fold((unsigned char)needle[i]))
			i++;
		if (i == n)
			return 1;
	}
	return 0;
}

int skip_pattern_match(const char *pattern, const char *title)
{
	if (!pattern || str_blank(pattern) || !title)
		return 0;
	if (strpbrk(pattern, "*?"))
		return glob_match(pattern, title);
	return contains(title, pattern);
}

int skip_title_matches(char *const *pats, size_t n, const char *title)
{
	for (size_t i = 0; i < n; i++)
		if (skip_pattern_match(pats[i], title))
			return 1;
	return 0;
}

void skip_plan_clear(skip_plan *plan)
{
	free(plan->v);
	*plan = (skip_plan)SKIP_PLAN_INIT;
}

static void add(skip_plan *plan, double a, double b, int idx)
{
	if (!(b > a))
		return;
	plan->v = xrealloc(plan->v, (plan->n + 1) * sizeof *plan->v);
	plan->v[plan->n++] = (skip_span){a, b, idx, 0};
}

void skip_plan_build(skip_plan *plan, const chapter_list *c, const int *skip, double duration,
		     double intro, double outro)
{
	skip_plan_clear(plan);
	for (size_t i = 0; skip && i < c->n; i++) {
		if (!skip[i] || c->v[i].source == CHAP_SRC_USER)
			continue;
		double end = chapter_end_of(c, i, duration);
		if (end > 0)
			add(plan, c->v[i].start, end, (int)i);
	}
	if (intro > 0)
		add(plan, 0, duration > 0 && intro > duration ? duration : intro, -1);
	if (outro > 0 && duration > 0)
		add(plan, duration > outro ? duration - outro : 0, duration, -1);
}

int skip_plan_find(const skip_plan *plan, double pos)
{
	for (size_t i = 0; i < plan->n; i++) {
		const skip_span *s = &plan->v[i];
		if (!s->undone && pos >= s->a - 0.1 && pos < s->b - SKIP_END_EPS)
			return (int)i;
	}
	return -1;
}
