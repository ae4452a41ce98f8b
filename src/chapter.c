/*
 * chapter.c - chapter list primitives (see chapter.h).
 */
#include "chapter.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

void chapter_list_push(chapter_list *l, chapter c)
{
	if (l->n == l->cap) {
		/* small first: a feed's every item may hold a list */
		l->cap = l->cap ? l->cap * 2 : 4;
		l->v = xrealloc(l->v, l->cap * sizeof *l->v);
	}
	l->v[l->n++] = c;
}

void chapter_list_push_copy(chapter_list *l, const chapter *c)
{
	chapter d = *c;
	d.title = xstrdup(c->title);
	d.url = xstrdup(c->url);
	d.img = xstrdup(c->img);
	chapter_list_push(l, d);
}

void chapter_list_visible(const chapter_list *all, chapter_list *out)
{
	chapter_list_clear(out);
	for (size_t i = 0; all && i < all->n; i++)
		if (!all->v[i].hidden)
			chapter_list_push_copy(out, &all->v[i]);
	chapter_list_sort(out);
}

/* Insertion sort is stable and lists are short and nearly always sorted
 * already; fall back to a merge via qsort on index for long lists. */
struct keyed {
	double start;
	size_t idx;
};

static int keyed_cmp(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	if (x->start < y->start)
		return -1;
	if (x->start > y->start)
		return 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

void chapter_list_sort(chapter_list *l)
{
	if (l->n < 2)
		return;
	struct keyed *k = xmalloc(l->n * sizeof *k);
	int sorted = 1;
	for (size_t i = 0; i < l->n; i++) {
		k[i].start = l->v[i].start;
		k[i].idx = i;
		if (i && l->v[i].start < l->v[i - 1].start)
			sorted = 0;
	}
	if (!sorted) {
		qsort(k, l->n, sizeof *k, keyed_cmp);
		chapter *v = xmalloc(l->n * sizeof *v);
		for (size_t i = 0; i < l->n; i++)
			v[i] = l->v[k[i].idx];
		free(l->v);
		l->v = v;
		l->cap = l->n;
	}
	free(k);
}

void chapter_list_clear(chapter_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].title);
		free(l->v[i].url);
		free(l->v[i].img);
	}
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

static const char *const source_names[CHAP_SRC_USER + 1] = {
	[CHAP_SRC_JSON] = "json",
	[CHAP_SRC_PSC] = "psc",
	[CHAP_SRC_EMBEDDED] = "embedded",
	[CHAP_SRC_NOTES] = "notes",
	[CHAP_SRC_USER] = "user",
};

const char *chapter_source_name(int source)
{
	if (source < 0 || source > CHAP_SRC_USER)
		return "unknown";
	return source_names[source];
}

int chapter_source_parse(const char *name)
{
	for (int i = 0; i <= CHAP_SRC_USER; i++)
		if (name && strcmp(name, source_names[i]) == 0)
			return i;
	return -1;
}

/*
 * Merging chapter lists from several sources.
 *
 * Rule:
 * 1. Base list. Sources are tried in preference order JSON, PSC, EMBEDDED,
 *    NOTES (publisher data first, then what the file carries, then what we
 *    guessed from the notes). The base is the first source whose list has
 *    at least 2 visible (toc != false) chapters. If no source has 2, the
 *    base is the first non-empty list (a single chapter, or only hidden
 *    ones, is still better than nothing). So a richer list beats a
 *    one-chapter placeholder ("PSC: 1 chapter, notes: 12" -> notes), but a
 *    deliberate short publisher list (2+ chapters) is never overridden by
 *    a longer guessed one: we do not second-guess publishers on length.
 * 2. Titles. For every base chapter whose title is NULL or blank, the
 *    title of a visible, titled chapter from another source whose start is
 *    within 1.0 s is copied in: the closest start wins, ties go to the
 *    preferred source. Nothing else is taken from other sources (no
 *    chapters are added, no urls/images), so the base's structure stays.
 * 3. Every chapter keeps the source it came from (a filled title does not
 *    change it); hidden chapters are kept; the result is sorted by start
 *    (stable: file order breaks ties).
 */
#define MERGE_TITLE_WINDOW 1.0

static size_t visible_count(const chapter_list *l)
{
	size_t n = 0;
	for (size_t i = 0; l && i < l->n; i++)
		if (!l->v[i].hidden)
			n++;
	return n;
}

/* Indices of the donor chapters of l (visible, titled), sorted by start. */
struct donor {
	double start;
	size_t idx;
};

static int donor_cmp(const void *a, const void *b)
{
	const struct donor *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static struct donor *donors_of(const chapter_list *l, size_t *n)
{
	*n = 0;
	if (!l || !l->n)
		return NULL;
	struct donor *d = xmalloc(l->n * sizeof *d);
	for (size_t i = 0; i < l->n; i++)
		if (!l->v[i].hidden && !str_blank(l->v[i].title)) {
			d[*n].start = l->v[i].start;
			d[*n].idx = i;
			(*n)++;
		}
	qsort(d, *n, sizeof *d, donor_cmp);
	return d;
}

void chapter_merge(const chapter_list *const lists[CHAP_SRC_COUNT],
                   chapter_list *out)
{
	int base = -1;
	for (int s = 0; s < CHAP_SRC_COUNT && base < 0; s++)
		if (visible_count(lists[s]) >= 2)
			base = s;
	for (int s = 0; s < CHAP_SRC_COUNT && base < 0; s++)
		if (lists[s] && lists[s]->n)
			base = s;
	if (base < 0)
		return;

	struct donor *don[CHAP_SRC_COUNT] = {NULL};
	size_t ndon[CHAP_SRC_COUNT] = {0};
	int donors_ready = 0;
	const chapter_list *b = lists[base];
	for (size_t i = 0; i < b->n; i++) {
		chapter_list_push_copy(out, &b->v[i]);
		chapter *c = &out->v[out->n - 1];
		if (!str_blank(c->title))
			continue;
		if (!donors_ready) {
			for (int s = 0; s < CHAP_SRC_COUNT; s++)
				if (s != base)
					don[s] = donors_of(lists[s], &ndon[s]);
			donors_ready = 1;
		}
		const char *best = NULL;
		double best_d = MERGE_TITLE_WINDOW;
		for (int s = 0; s < CHAP_SRC_COUNT; s++) {
			/* first donor with start >= c->start - window */
			size_t lo = 0, hi = ndon[s];
			while (lo < hi) {
				size_t mid = lo + (hi - lo) / 2;
				if (don[s][mid].start < c->start - MERGE_TITLE_WINDOW)
					lo = mid + 1;
				else
					hi = mid;
			}
			for (size_t k = lo; k < ndon[s]; k++) {
				double d = don[s][k].start - c->start;
				if (d > MERGE_TITLE_WINDOW)
					break;
				if (d < 0)
					d = -d;
				if (d < best_d || (!best && d <= best_d)) {
					best_d = d;
					best = lists[s]->v[don[s][k].idx].title;
				}
			}
		}
		if (best) {
			free(c->title);
			c->title = xstrdup(best);
		}
	}
	for (int s = 0; s < CHAP_SRC_COUNT; s++)
		free(don[s]);
	chapter_list_sort(out);
}

double chapter_end_of(const chapter_list *l, size_t i, double duration)
{
	const chapter *c = &l->v[i];
	if (c->end > c->start)
		return c->end;
	for (size_t k = i + 1; k < l->n; k++)
		if (l->v[k].start > c->start &&
		    (c->source == CHAP_SRC_USER || l->v[k].source != CHAP_SRC_USER))
			return l->v[k].start;
	return duration > c->start ? duration : -1;
}
