/*
 * ptime.c - see ptime.h.
 *
 * Numbers are parsed by hand rather than with strtod() so that the result
 * never depends on LC_NUMERIC (libmpv and the UI may change the locale) and
 * so that signs, exponents, "inf" and hex forms are rejected.
 */
#include "ptime.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

#include "util.h"

/* ---- durations and NPT ------------------------------------------------- */

/*
 * Parses one non-negative decimal field "123" or "12.345" from s[0..n).
 * A fraction is accepted only when allow_frac; a bare "." or "12." is not a
 * number. Returns the value, or -1 when the field is invalid.
 */
static double parse_field(const char *s, size_t n, int allow_frac)
{
	double v = 0;
	size_t i = 0, digits = 0;

	for (; i < n && isdigit((unsigned char)s[i]); i++, digits++)
		v = v * 10 + (s[i] - '0');
	if (digits == 0)
		return -1;
	if (i < n && s[i] == '.' && allow_frac) {
		double scale = 0.1;
		size_t fdigits = 0;
		for (i++; i < n && isdigit((unsigned char)s[i]); i++, fdigits++) {
			v += (s[i] - '0') * scale;
			scale /= 10;
		}
		if (fdigits == 0)
			return -1;
	}
	return i == n ? v : -1;
}

/*
 * The shared grammar of itunes:duration and NPT: [[H:]M:]S[.fraction],
 * read right to left, fields not range-checked (formats.md §3: "00:04:60"
 * is 300 s). Only the last field may carry a fraction.
 */
static double parse_clock(const char *s)
{
	char *t = str_trim_dup(s);
	if (!t)
		return -1;

	const char *f[3];
	size_t flen[3], nf = 0;
	const char *p = t;
	for (;;) {
		const char *c = strchr(p, ':');
		if (nf == 3) {
			free(t);
			return -1; /* more than three fields */
		}
		f[nf] = p;
		flen[nf] = c ? (size_t)(c - p) : strlen(p);
		nf++;
		if (!c)
			break;
		p = c + 1;
	}

	double total = 0;
	for (size_t i = 0; i < nf; i++) {
		double v = parse_field(f[i], flen[i], i == nf - 1);
		if (v < 0) {
			free(t);
			return -1;
		}
		total = total * 60 + v;
	}
	free(t);
	/* four hundred digits overflow to infinity, which JSON cannot say */
	return isfinite(total) ? total : -1;
}

double ptime_duration(const char *s)
{
	double d = parse_clock(s);
	return d > PTIME_MAX_DURATION ? -1 : d;
}

double ptime_npt(const char *s)
{
	/* Media Fragments allow an explicit "npt:" prefix. */
	if (s && str_prefix(s, "npt:", 1))
		s += 4;
	return parse_clock(s);
}

/* ---- calendar arithmetic ------------------------------------------------ */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil): no timegm(), so no dependence on TZ or time_t range. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* ---- RFC 822 via curl_getdate ------------------------------------------- */

static int is_month_name(const char *s, size_t n)
{
	static const char *const mon[] = {"jan", "feb", "mar", "apr", "may",
	                                  "jun", "jul", "aug", "sep", "oct",
	                                  "nov", "dec"};
	if (n < 3)
		return 0;
	for (size_t i = 0; i < 12; i++)
		if (strncasecmp(s, mon[i], 3) == 0)
			return 1;
	return 0;
}

/*
 * curl_getdate maps a two-digit year YY to 19YY only when YY > 70, so
 * "01 Jan 70" becomes 2070. RFC 2822 §4.3 says 00-49 are 20YY and 50-99 are
 * 19YY. Returns a copy of s with a two-digit year right after a month name
 * ("Mon YY" or "DD-Mon-YY") widened by that rule, or NULL when there is none.
 */
static char *widen_two_digit_year(const char *s)
{
	const char *p = s;
	while (*p) {
		if (!isalpha((unsigned char)*p)) {
			p++;
			continue;
		}
		const char *w = p;
		while (isalpha((unsigned char)*p))
			p++;
		if (!is_month_name(w, (size_t)(p - w)))
			continue;
		/* Only "DD Mon YY": asctime's "Mon DD hh:mm" has no year here. */
		const char *q = w;
		while (q > s && (q[-1] == ' ' || q[-1] == '-' || q[-1] == '\t'))
			q--;
		if (q == w || q == s || !isdigit((unsigned char)q[-1]))
			return NULL;
		const char *y = p;
		while (*y == ' ' || *y == '-' || *y == '\t')
			y++;
		if (y == p || !isdigit((unsigned char)y[0]) ||
		    !isdigit((unsigned char)y[1]) ||
		    isdigit((unsigned char)y[2]) || y[2] == ':')
			return NULL;
		int yy = (y[0] - '0') * 10 + (y[1] - '0');
		sbuf b = SBUF_INIT;
		sb_append(&b, s, (size_t)(y - s));
		sb_printf(&b, "%d", yy < 50 ? 2000 + yy : 1900 + yy);
		sb_puts(&b, y + 2);
		return sb_steal(&b);
	}
	return NULL;
}

static int date_rfc822(const char *s, int64_t *out)
{
	char *wide = widen_two_digit_year(s);
	time_t t = curl_getdate(wide ? wide : s, NULL);
	free(wide);
	/* -1 is also 1969-12-31T23:59:59Z; losing that one second is fine. */
	if (t == (time_t)-1)
		return 0;
	*out = (int64_t)t;
	return 1;
}

/* ---- ISO 8601 / RFC 3339 ------------------------------------------------ */

/* Reads exactly n digits at *p into *v and advances. */
static int digits(const char **p, int n, int *v)
{
	int x = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return 0;
		x = x * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*v = x;
	return 1;
}

/* Parses "Z", "+hh:mm", "+hhmm", "+hh" or nothing (UTC) into seconds east
 * of UTC. Returns 0 when trailing text is not a zone. */
static int parse_zone(const char *p, int *off)
{
	int hh = 0, mm = 0;
	*off = 0;
	while (*p == ' ')
		p++;
	if (*p == '\0')
		return 1;
	if ((*p == 'Z' || *p == 'z') && p[1] == '\0')
		return 1;
	if (str_ieq(p, "UTC") || str_ieq(p, "GMT"))
		return 1;
	if (*p != '+' && *p != '-')
		return 0;
	int sign = *p++ == '-' ? -1 : 1;
	if (!digits(&p, 2, &hh))
		return 0;
	if (*p == ':')
		p++;
	if (*p && !digits(&p, 2, &mm))
		return 0;
	if (*p || hh > 23 || mm > 59)
		return 0;
	*off = sign * (hh * 3600 + mm * 60);
	return 1;
}

/* YYYY-MM-DD[(T|' ')hh:mm[:ss[.frac]]][zone]; a missing zone means UTC. */
static int date_iso8601(const char *s, int64_t *out)
{
	const char *p = s;
	int y, mo, d, h = 0, mi = 0, sec = 0, off = 0;

	if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) ||
	    *p++ != '-' || !digits(&p, 2, &d))
		return 0;
	if (*p == 'T' || *p == 't' || (*p == ' ' && isdigit((unsigned char)p[1]))) {
		p++;
		if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi))
			return 0;
		if (*p == ':') {
			p++;
			if (!digits(&p, 2, &sec))
				return 0;
			if (*p == '.' || *p == ',') {
				p++;
				if (!isdigit((unsigned char)*p))
					return 0;
				while (isdigit((unsigned char)*p))
					p++; /* fractions are dropped: time is whole seconds */
			}
		}
	}
	if (!parse_zone(p, &off))
		return 0;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || sec > 60)
		return 0;
	*out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - off;
	return 1;
}

int ptime_date(const char *s, int64_t *out)
{
	char *t = str_trim_dup(s);
	int64_t v = 0;
	int ok = 0;

	if (t)
		ok = date_rfc822(t, &v) || date_iso8601(t, &v);
	free(t);
	if (ok)
		*out = v;
	return ok;
}

int ptime_date_plausible(int64_t t, int64_t now)
{
	return t >= PTIME_EARLIEST && t <= now + PTIME_FUTURE_SLACK;
}

/* ---- formatting ---------------------------------------------------------- */

void ptime_iso8601(int64_t t, char *buf, size_t size)
{
	int64_t days = t / 86400, rem = t % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	int64_t y;
	int m, d;
	civil_from_days(days, &y, &m, &d);
	snprintf(buf, size, "%04lld-%02d-%02dT%02d:%02d:%02dZ", (long long)y, m,
	         d, (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
}

/* Negative, NaN and absurd values format as "0:00": callers show unknown
 * durations differently anyway. The fraction is dropped, not rounded. */
void ptime_clock(double seconds, char *buf, size_t size)
{
	long long s = 0;
	if (seconds > 0 && seconds < 1e12)
		s = (long long)floor(seconds);
	if (s >= 3600)
		snprintf(buf, size, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60,
		         s % 60);
	else
		snprintf(buf, size, "%lld:%02lld", s / 60, s % 60);
}

int ptime_progress(double position, double duration, char *buf, size_t size)
{
	if (size)
		buf[0] = '\0';
	if (!(position > 0))
		return -1;
	if (!(duration > 0) || duration > 1e12) {
		ptime_clock(position, buf, size);
		return -1;
	}
	double f = floor(position * 100.0 / duration);
	int pct = f < 1 ? 1 : f > 99 ? 99 : (int)f;
	snprintf(buf, size, "%d%%", pct);
	return pct;
}

int ptime_seek_arg(const char *s, double *secs, int *relative)
{
	if (!s)
		return -1;
	while (*s == ' ')
		s++;
	int sign = *s == '+' ? 1 : *s == '-' ? -1 : 0;
	const char *num = sign ? s + 1 : s;
	if (!*num || *num == ' ' || *num == '+' || *num == '-')
		return -1;
	double v = ptime_duration(num);
	if (v < 0)
		return -1;
	*relative = sign != 0;
	*secs = sign < 0 ? -v : v;
	return 0;
}
