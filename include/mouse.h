/*
 * mouse.h - mouse reports from the terminal, as the TUI uses them.
 *
 * The TUI asks for SGR reports (DECSET 1006: "ESC [ < b ; x ; y M/m",
 * which work at any column, in xterm, tmux and others) on top of what
 * curses enables. A report that curses decodes itself arrives as KEY_MOUSE
 * (getmouse); one it does not know arrives as plain characters after an
 * Esc, which mouse_sgr_parse reads. Both become a mouse_event. Pure
 * functions, no state but the caller's.
 */
#ifndef PODCUE_MOUSE_H
#define PODCUE_MOUSE_H

#include <stddef.h>
#include <stdint.h>

enum { MOUSE_PRESS = 1, MOUSE_RELEASE, MOUSE_WHEEL_UP, MOUSE_WHEEL_DOWN, MOUSE_OTHER };

typedef struct mouse_event {
	int kind;   /* MOUSE_* */
	int button; /* 1 left, 2 middle, 3 right (presses and releases) */
	int x, y;   /* 0-based cell */
} mouse_event;

/* Reads an SGR report from the keys after an Esc: k[0..n) should be
 * '[', '<', digits ';' digits ';' digits, then 'M' (press, wheel) or 'm'
 * (release). Returns how many keys it used (> 0) with *ev filled, 0 when
 * k could still grow into a report, -1 when it is not one. Motion reports
 * (drag) come out as MOUSE_OTHER. */
int mouse_sgr_parse(const int *k, size_t n, mouse_event *ev);

/* Double clicks: a left press at the same cell within MOUSE_DOUBLE_MS of
 * the last one. */
#define MOUSE_DOUBLE_MS 400
typedef struct mouse_clicks {
	int x, y;
	int64_t at; /* ms of the last left press, 0 none */
} mouse_clicks;
/* Records a left press; returns 2 for a double click (then forgotten, so
 * a third press is a single click again), else 1. */
int mouse_click(mouse_clicks *c, int x, int y, int64_t now);

#endif
