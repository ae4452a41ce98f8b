/*
 * theme.h - colours of the TUI, set with `color ELEMENT FG [BG [ATTR...]]`
 * in the config file.
 *
 * Colours: default, black, red, green, yellow, blue, magenta, cyan, white,
 * or a palette number 0-255. Attributes: bold, dim, reverse, underline,
 * normal. The UI turns a theme into curses pairs; this module knows no
 * curses so the config can be checked without a terminal.
 */
#ifndef PODCUE_THEME_H
#define PODCUE_THEME_H

#define PODCUE_THEME_ELEMENTS(X)                                                      \
	X(NORMAL, "normal", -1, -1, 0, "list and text")                                  \
	X(SELECTED, "selected", -1, -1, THEME_REVERSE, "selected line in the focused pane") \
	X(SELECTED_DIM, "selected_inactive", -1, -1, THEME_UNDERLINE,                    \
	  "selected line in other panes")                                               \
	X(TITLE, "title", 4, -1, THEME_BOLD, "pane titles")                              \
	X(UNPLAYED, "unplayed", -1, -1, THEME_BOLD, "unplayed episodes")                 \
	X(PLAYED, "played", 8, -1, 0, "played episodes and secondary text")              \
	X(ERROR, "error", 1, -1, THEME_BOLD, "feed error markers and error messages")    \
	X(STATUS, "status", -1, -1, THEME_REVERSE, "status line")                        \
	X(PLAYING, "playing", 2, -1, THEME_BOLD, "the playing episode and chapter")     \
	X(TIMELINE, "timeline", 6, -1, 0, "the timeline bar")                            \
	X(KEY, "key", 3, -1, THEME_BOLD, "keys in the help screen")

#define PODCUE_THEME_ENUM(id, name, fg, bg, attr, help) THEME_##id,
enum { THEME_BOLD = 1, THEME_DIM = 2, THEME_REVERSE = 4, THEME_UNDERLINE = 8 };
enum theme_element { PODCUE_THEME_ELEMENTS(PODCUE_THEME_ENUM) THEME_COUNT };
#undef PODCUE_THEME_ENUM

typedef struct theme_color {
	short fg, bg; /* -1 = terminal default */
	int attr;     /* THEME_* bits */
} theme_color;

typedef struct theme {
	theme_color c[THEME_COUNT];
} theme;

void theme_defaults(theme *t);
/* Applies "ELEMENT FG [BG [ATTR...]]"; NULL or a message (caller frees). */
char *theme_set(theme *t, const char *args);
const char *theme_element_name(int e);
const char *theme_element_help(int e);
/* "FG BG ATTR..." of an element as the config file writes it, into buf. */
const char *theme_describe(const theme *t, int e, char *buf, unsigned n);

#endif
