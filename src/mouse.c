/*
 * mouse.c - SGR mouse reports and double clicks (see mouse.h).
 */
#include "mouse.h"

/* Reads a decimal number at k[*i]; -1 when there is no digit, or it is
 * absurdly long. */
static long number(const int *k, size_t n, size_t *i)
{
	long v = 0;
	size_t start = *i;
	while (*i < n && k[*i] >= '0' && k[*i] <= '9') {
		if (*i - start >= 6)
			return -2;
		v = v * 10 + (k[*i] - '0');
		(*i)++;
	}
	return *i == start ? -1 : v;
}

int mouse_sgr_parse(const int *k, size_t n, mouse_event *ev)
{
	static const int head[] = {'[', '<'};
	for (size_t j = 0; j < 2; j++) {
		if (j >= n)
			return 0;
		if (k[j] != head[j])
			return -1;
	}
	size_t i = 2;
	long v[3];
	for (int f = 0; f < 3; f++) {
		v[f] = number(k, n, &i);
		if (i >= n)
			return v[f] == -2 ? -1 : 0; /* still typing digits */
		if (v[f] < 0)
			return -1;
		int want = f < 2 ? ';' : -1;
		if (want > 0 && k[i] != want)
			return -1;
		if (want < 0 && k[i] != 'M' && k[i] != 'm')
			return -1;
		i++;
	}
	long b = v[0];
	if (v[1] < 1 || v[2] < 1)
		return -1;
	ev->x = (int)v[1] - 1;
	ev->y = (int)v[2] - 1;
	ev->button = 0;
	if (b & 32) { /* motion */
		ev->kind = MOUSE_OTHER;
	} else if (b & 64) { /* wheel: 64 up, 65 down; 66/67 sideways */
		ev->kind = (b & 3) == 0   ? MOUSE_WHEEL_UP
			   : (b & 3) == 1 ? MOUSE_WHEEL_DOWN
					  : MOUSE_OTHER;
	} else if ((b & 3) == 3) {
		ev->kind = MOUSE_OTHER;
	} else {
		ev->kind = k[i - 1] == 'M' ? MOUSE_PRESS : MOUSE_RELEASE;
		ev->button = (int)(b & 3) + 1;
	}
	return (int)i;
}

int mouse_click(mouse_clicks *c, int x, int y, int64_t now)
{
	if (c->at && c->x == x && c->y == y && now - c->at <= MOUSE_DOUBLE_MS) {
		c->at = 0;
		return 2;
	}
	c->x = x;
	c->y = y;
	c->at = now;
	return 1;
}
