/*
 * sync_merge.c - pulled episode actions against local state (see
 * sync_merge.h). Pure: every rule here has a unit test in
 * tests/unit/test_sync_merge.c.
 */
#include "sync_merge.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

void sync_action_clear(sync_action *a)
{
	free(a->podcast);
	free(a->episode);
	free(a->guid);
	free(a->device);
	memset(a, 0, sizeof *a);
}

void sync_actions_free(sync_action *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sync_action_clear(&v[i]);
	free(v);
}

static const char *const kind_names[] = {"other", "play", "new", "download", "delete"};

int sync_kind_parse(const char *s)
{
	for (int k = SYNC_ACT_PLAY; k <= SYNC_ACT_DELETE; k++)
		if (s && strcasecmp(s, kind_names[k]) == 0)
			return k;
	return SYNC_ACT_OTHER;
}

const char *sync_kind_name(int kind)
{
	return kind >= 0 && kind <= SYNC_ACT_DELETE ? kind_names[kind] : "other";
}

/* n digits at *p into *v (advancing *p); -1 if they are not all digits. */
static int digits(const char **p, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++, (*p)++) {
		if (!isdigit((unsigned char)**p))
			return -1;
		*v = *v * 10 + (**p - '0');
	}
	return 0;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; Howard Hinnant's). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int parse_zone(const char *p, int64_t *offset)
{
	*offset = 0;
	if (!*p || ((*p == 'Z' || *p == 'z') && !p[1]))
		return 0;
	if (*p != '+' && *p != '-')
		return -1;
	int sign = *p++ == '-' ? -1 : 1, hh, mm = 0;
	if (digits(&p, 2, &hh) != 0)
		return -1;
	if (*p == ':')
		p++;
	if (*p && digits(&p, 2, &mm) != 0)
		return -1;
	if (*p || hh > 23 || mm > 59)
		return -1;
	*offset = sign * (hh * 3600 + mm * 60);
	return 0;
}

int sync_parse_time(const char *s, int64_t *t)
{
	if (!s || !*s)
		return -1;
	size_t len = strlen(s);
	if (strspn(s, "0123456789") == len) {
		if (len > 12) /* past the year 33000: not a time */
			return -1;
		*t = strtoll(s, NULL, 10);
		return 0;
	}
	const char *p = s;
	int y, mo, d, h, mi, sec;
	if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) || *p++ != '-' ||
	    digits(&p, 2, &d) || (*p != 'T' && *p != 't' && *p != ' ') || !++p ||
	    digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi))
		return -1;
	sec = 0;
	if (*p == ':') {
		p++;
		if (digits(&p, 2, &sec))
			return -1;
		if (*p == '.' || *p == ',') {
			p++;
			if (!isdigit((unsigned char)*p))
				return -1;
			while (isdigit((unsigned char)*p))
				p++;
		}
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -1;
	int64_t off;
	if (parse_zone(p, &off) != 0)
		return -1;
	*t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - off;
	return 0;
}

void sync_format_time(int64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&tt, &tm))
		memset(&tm, 0, sizeof tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
}

/* --- newest per episode ------------------------------------------------ */

typedef struct ranked {
	sync_action *a;
	size_t i;
} ranked;

static int strcmp_null(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

/* Same episode together, newest (then latest in the input) first. */
static int cmp_ranked(const void *x, const void *y)
{
	const ranked *a = x, *b = y;
	int c = strcmp_null(a->a->episode, b->a->episode);
	if (!c)
		c = strcmp_null(a->a->podcast, b->a->podcast);
	if (!c && a->a->timestamp != b->a->timestamp)
		c = a->a->timestamp > b->a->timestamp ? -1 : 1;
	if (!c)
		c = a->i > b->i ? -1 : 1;
	return c;
}

size_t sync_actions_newest(sync_action *v, size_t n)
{
	if (n < 2)
		return n;
	ranked *r = calloc(n, sizeof *r);
	unsigned char *keep = calloc(n, 1);
	if (!r || !keep) {
		free(r);
		free(keep);
		return n;
	}
	for (size_t i = 0; i < n; i++)
		r[i] = (ranked){&v[i], i};
	qsort(r, n, sizeof *r, cmp_ranked);
	for (size_t i = 0; i < n; i++)
		keep[r[i].i] = i == 0 || strcmp_null(r[i].a->episode, r[i - 1].a->episode) ||
			       strcmp_null(r[i].a->podcast, r[i - 1].a->podcast);
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		if (keep[i])
			v[m++] = v[i];
		else
			sync_action_clear(&v[i]);
	}
	free(r);
	free(keep);
	return m;
}

/* --- the merge --------------------------------------------------------- */

static int same_position(double a, double b)
{
	if (a < 0 || b < 0)
		return (a < 0) == (b < 0);
	return fabs(a - b) < 1.0; /* the API speaks whole seconds */
}

int sync_merge(const sync_local *l, const sync_action *a, int played_margin, sync_result *out)
{
	memset(out, 0, sizeof *out);
	out->position = -1;
	if (a->kind == SYNC_ACT_PLAY && a->position >= 0) {
		double total = a->total > 0 ? a->total : l->duration;
		out->played = total > 0 && a->position >= total - (played_margin > 0 ? played_margin : 0);
		out->position = out->played ? -1 : a->position;
	} else if (a->kind != SYNC_ACT_NEW) {
		return SYNC_IGNORE;
	}
	if (l->changed && l->changed_at >= a->timestamp * 1000) {
		out->conflict = 1;
		return SYNC_KEEP_LOCAL;
	}
	/* Heard here after that action (and already pushed): an old action
	 * uploaded late by an offline phone must not rewind it. */
	if (a->timestamp > 0 && l->last_played > a->timestamp * 1000)
		return SYNC_KEEP_LOCAL;
	if (!!l->played == out->played &&
	    (out->played || same_position(l->position > 0 ? l->position : -1,
					  out->position > 0 ? out->position : -1)))
		return SYNC_SAME;
	out->conflict = l->changed;
	return SYNC_APPLY;
}
