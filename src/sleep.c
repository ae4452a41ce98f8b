/*
 * sleep.c - the sleep timer (see sleep.h).
 */
#include "sleep.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ptime.h"

int sleep_parse(const char *s, int *kind, int *secs)
{
	*secs = 0;
	if (!s)
		return -1;
	while (*s == ' ')
		s++;
	if (strcmp(s, "off") == 0 || strcmp(s, "0") == 0) {
		*kind = SLEEP_OFF;
		return 0;
	}
	if (strcmp(s, "chapter") == 0 || strcmp(s, "episode") == 0) {
		*kind = s[0] == 'c' ? SLEEP_CHAPTER : SLEEP_EPISODE;
		return 0;
	}
	size_t n = strlen(s);
	if (!n || n > 16)
		return -1;
	char num[20];
	memcpy(num, s, n + 1);
	double unit = 60; /* minutes unless told */
	if (num[n - 1] == 'm' || num[n - 1] == 's' || num[n - 1] == 'h') {
		unit = num[n - 1] == 's' ? 1 : num[n - 1] == 'h' ? 3600 : 60;
		num[--n] = '\0';
	}
	if (strchr(num, ':'))
		return -1; /* "1:30" could be read two ways */
	double v = ptime_duration(num); /* a plain number, "1.5" too */
	if (v <= 0)
		return -1;
	double total = v * unit;
	if (total > 24 * 3600)
		return -1;
	*kind = SLEEP_MINUTES;
	*secs = (int)(total + 0.5);
	return 0;
}

void sleep_set(sleep_timer *t, int kind, int secs, int chapter, int64_t now)
{
	t->kind = kind;
	t->due_ms = kind == SLEEP_MINUTES ? now + (int64_t)secs * 1000 : 0;
	t->chapter = chapter;
}

void sleep_cycle(sleep_timer *t, int chapter, int64_t now)
{
	static const int minutes[] = {15, 30, 60};
	switch (t->kind) {
	case SLEEP_OFF:
		sleep_set(t, SLEEP_CHAPTER, 0, chapter, now);
		return;
	case SLEEP_CHAPTER:
		sleep_set(t, SLEEP_EPISODE, 0, chapter, now);
		return;
	case SLEEP_EPISODE:
		sleep_set(t, SLEEP_MINUTES, minutes[0] * 60, chapter, now);
		return;
	}
	/* minutes: the next longer step after what is left, then off */
	int64_t left = t->due_ms - now;
	for (size_t i = 0; i < sizeof minutes / sizeof *minutes; i++)
		if ((int64_t)minutes[i] * 60000 > left + 1000) {
			sleep_set(t, SLEEP_MINUTES, minutes[i] * 60, chapter, now);
			return;
		}
	sleep_set(t, SLEEP_OFF, 0, chapter, now);
}

int sleep_due(sleep_timer *t, int64_t now, int chapter, int seeked)
{
	if (t->kind == SLEEP_MINUTES)
		return now >= t->due_ms;
	if (t->kind != SLEEP_CHAPTER || chapter == t->chapter)
		return 0;
	if (seeked || chapter < t->chapter || t->chapter < 0) { /* < 0: set before a play */
		t->chapter = chapter;
		return 0;
	}
	return 1;
}

void sleep_describe(const sleep_timer *t, int64_t now, char *buf, size_t n)
{
	char left[16];
	switch (t->kind) {
	case SLEEP_MINUTES:
		ptime_clock(t->due_ms > now ? (double)(t->due_ms - now + 999) / 1000 : 0, left,
			    sizeof left);
		snprintf(buf, n, "sleep %s", left);
		return;
	case SLEEP_CHAPTER:
		snprintf(buf, n, "sleep: end of chapter");
		return;
	case SLEEP_EPISODE:
		snprintf(buf, n, "sleep: end of episode");
		return;
	}
	snprintf(buf, n, "%s", "");
}
