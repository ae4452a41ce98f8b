/*
 * ptime.h - parsing and formatting of the times podcasts use: durations,
 * chapter offsets, feed dates. Pure functions.
 */
#ifndef PODCUE_PTIME_H
#define PODCUE_PTIME_H

#include <stddef.h>
#include <stdint.h>

/* The longest duration a feed may give: a week. No episode runs longer;
 * larger values are typos or overflow ("999999999999") and are unknown. */
#define PTIME_MAX_DURATION (7 * 24 * 3600.0)

/* itunes:duration in every real form: "3225", "1014.708375", "3:00",
 * "07:00", "1:43:53", "00:04:60" (fields over 59 are accepted as written).
 * Returns seconds, or -1 when empty, negative, unparseable or over
 * PTIME_MAX_DURATION. */
double ptime_duration(const char *s);

/* Normal Play Time as used by Podlove chapters: [[H:]M:]S[.fraction];
 * ".5" is half a second, ".250" a quarter. Returns -1 when invalid. */
double ptime_npt(const char *s);

/* Feed dates: RFC 822/1123 and sloppy variants via curl_getdate(), then
 * ISO 8601 / RFC 3339 (with or without zone, fractional seconds).
 * Returns 1 and sets *out on success, 0 when the date is unparseable. */
int ptime_date(const char *s, int64_t *out);

/* The dates a feed may give an episode: from 1900-01-01 to a day after
 * now (a clock or time zone off by hours is common; a year 20245 or
 * 275760 is a typo, and a date in the future would sort the episode
 * first for years). Returns 1 when t is in that range; feeds treat a date
 * outside it as no date. */
#define PTIME_EARLIEST INT64_C(-2208988800) /* 1900-01-01T00:00:00Z */
#define PTIME_FUTURE_SLACK (24 * 3600)
int ptime_date_plausible(int64_t t, int64_t now);

/* Formats t as ISO 8601 UTC "2025-05-14T10:00:00Z" into buf (>= 21 bytes). */
void ptime_iso8601(int64_t t, char *buf, size_t size);

/* The argument of :seek: "1:23:45", "90" or "1:30" go to that time;
 * "+90", "-30", "+1:30" move by it. Returns 0 with *secs (>= 0) and
 * *relative (then *secs carries the sign), or -1 when it is not a time. */
int ptime_seek_arg(const char *s, double *secs, int *relative);

/* Formats seconds as "M:SS" or "H:MM:SS" (no fraction) into buf. */
void ptime_clock(double seconds, char *buf, size_t size);

/* How far into an episode a saved position is, for lists: "42%" when the
 * duration is known (1% to 99%: started is never 0%, unfinished never
 * 100%), else the position as ptime_clock writes it; "" when there is no
 * position (position <= 0). Returns the percent, or -1 when it is not
 * known. */
int ptime_progress(double position, double duration, char *buf, size_t size);

#endif
