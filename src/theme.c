/*
 * theme.c - colour settings (see theme.h).
 */
#include "theme.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define PODCUE_THEME_ROW(id, name, fg, bg, attr, help) {name, help, {fg, bg, attr}},
static const struct {
	const char *name;
	const char *help;
	theme_color def;
} elements[THEME_COUNT] = {PODCUE_THEME_ELEMENTS(PODCUE_THEME_ROW)};
#undef PODCUE_THEME_ROW

static const char *const color_names[] = {"black", "red",     "green", "yellow",
					  "blue",  "magenta", "cyan",  "white"};
static const struct {
	const char *name;
	int bit;
} attr_names[] = {{"bold", THEME_BOLD},
		  {"dim", THEME_DIM},
		  {"reverse", THEME_REVERSE},
		  {"underline", THEME_UNDERLINE},
		  {"normal", 0}};

void theme_defaults(theme *t)
{
	for (int i = 0; i < THEME_COUNT; i++)
		t->c[i] = elements[i].def;
}

const char *theme_element_name(int e)
{
	return e >= 0 && e < THEME_COUNT ? elements[e].name : "?";
}

const char *theme_element_help(int e)
{
	return e >= 0 && e < THEME_COUNT ? elements[e].help : "";
}

/* Colour by name or number; -2 when invalid. */
static int parse_color(const char *s)
{
	if (strcmp(s, "default") == 0)
		return -1;
	for (int i = 0; i < 8; i++)
		if (strcmp(s, color_names[i]) == 0)
			return i;
	char *end;
	long v = strtol(s, &end, 10);
	if (end != s && !*end && v >= 0 && v <= 255)
		return (int)v;
	return -2;
}

static int parse_attr(const char *s)
{
	for (size_t i = 0; i < sizeof attr_names / sizeof attr_names[0]; i++)
		if (strcmp(s, attr_names[i].name) == 0)
			return attr_names[i].bit;
	return -1;
}

char *theme_set(theme *t, const char *args)
{
	char *copy = xstrdup(args), *save = NULL;
	char *word[8];
	int n = 0;
	for (char *w = strtok_r(copy, " \t", &save); w && n < 8; w = strtok_r(NULL, " \t", &save))
		word[n++] = w;
	char *msg = NULL;
	int e = -1;
	for (int i = 0; n > 0 && i < THEME_COUNT; i++)
		if (strcmp(word[0], elements[i].name) == 0)
			e = i;
	if (n < 2) {
		msg = xstrdup("usage: color ELEMENT FG [BG [ATTR...]]");
	} else if (e < 0) {
		msg = xasprintf("unknown colour element '%s'", word[0]);
	} else {
		theme_color c = {-1, -1, 0};
		int fg = parse_color(word[1]), bg = n > 2 ? parse_color(word[2]) : -1;
		if (fg < -1 || bg < -1)
			msg = xasprintf("unknown colour '%s'", fg < -1 ? word[1] : word[2]);
		c.fg = (short)fg;
		c.bg = (short)bg;
		for (int i = 3; !msg && i < n; i++) {
			int a = parse_attr(word[i]);
			if (a < 0)
				msg = xasprintf("unknown attribute '%s'", word[i]);
			else
				c.attr |= a;
		}
		if (!msg)
			t->c[e] = c;
	}
	free(copy);
	return msg;
}

static void color_word(short c, char *buf, size_t n)
{
	if (c < 0)
		snprintf(buf, n, "default");
	else if (c < 8)
		snprintf(buf, n, "%s", color_names[c]);
	else
		snprintf(buf, n, "%d", c);
}

const char *theme_describe(const theme *t, int e, char *buf, unsigned n)
{
	char fg[16], bg[16];
	color_word(t->c[e].fg, fg, sizeof fg);
	color_word(t->c[e].bg, bg, sizeof bg);
	int len = snprintf(buf, n, "%s %s", fg, bg);
	for (size_t i = 0; i < 4 && len > 0 && (unsigned)len < n; i++)
		if (t->c[e].attr & attr_names[i].bit)
			len += snprintf(buf + len, n - (unsigned)len, " %s", attr_names[i].name);
	return buf;
}
