/*
 * heard.c - played stretches and heard chapters (see heard.h).
 */
#include "heard.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void heard_clear(heard_list *l)
{
	free(l->v);
	*l = (heard_list)HEARD_LIST_INIT;
}

/* Removes v[i] from the list. */
static void drop(heard_list *l, size_t i)
{
	memmove(&l->v[i], &l->v[i + 1], (l->n - i - 1) * sizeof *l->v);
	l->n--;
}

void heard_add(heard_list *l, double a, double b)
{
	if (!isfinite(a) || !isfinite(b) || a < 0 || b <= a)
		return;
	/* Where the new stretch goes: after every stretch that ends (with the
	 * join gap) before it starts. */
	size_t i = 0;
	while (i < l->n && l->v[i].b + HEARD_JOIN_S < a)
		i++;
	if (i == l->n || l->v[i].a > b + HEARD_JOIN_S) {
		if (l->n == l->cap) {
			l->cap = l->cap ? l->cap * 2 : 8;
			l->v = xrealloc(l->v, l->cap * sizeof *l->v);
		}
		memmove(&l->v[i + 1], &l->v[i], (l->n - i) * sizeof *l->v);
		l->v[i] = (heard_span){a, b};
		l->n++;
		return;
	}
	/* It touches v[i]: widen v[i], then swallow the ones it now reaches. */
	if (a < l->v[i].a)
		l->v[i].a = a;
	if (b > l->v[i].b)
		l->v[i].b = b;
	while (i + 1 < l->n && l->v[i + 1].a <= l->v[i].b + HEARD_JOIN_S) {
		if (l->v[i + 1].b > l->v[i].b)
			l->v[i].b = l->v[i + 1].b;
		drop(l, i + 1);
	}
}

double heard_covered(const heard_list *l, double a, double b)
{
	double sum = 0;
	for (size_t i = 0; i < l->n; i++) {
		double lo = l->v[i].a > a ? l->v[i].a : a;
		double hi = l->v[i].b < b ? l->v[i].b : b;
		if (hi > lo)
			sum += hi - lo;
	}
	return sum;
}

int heard_span_heard(const heard_list *l, double a, double b)
{
	return b > a && heard_covered(l, a, b) >= HEARD_FRACTION * (b - a);
}

int heard_chapter(const heard_list *l, const chapter_list *c, size_t i, double duration)
{
	if (i >= c->n)
		return 0;
	double end = chapter_end_of(c, i, duration);
	return end > 0 && heard_span_heard(l, c->v[i].start, end);
}

int heard_first_unheard(const heard_list *l, const chapter_list *c, double duration)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].source != CHAP_SRC_USER && !heard_chapter(l, c, i, duration))
			return (int)i;
	return -1;
}
