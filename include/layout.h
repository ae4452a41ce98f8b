/*
 * layout.h - how wide the TUI's panes are: pure arithmetic on column
 * counts (no curses, no state), so it is unit-tested on its own.
 *
 * The visible panes share a row of cols columns, one column between
 * neighbours. Each takes its share (a percentage, from the pane_widths
 * setting); a pane whose content is narrower than its share (its "want":
 * a podcasts pane of short titles) keeps only what it needs, and the
 * columns it frees go to the pane that grows (the episodes pane, whose
 * titles are the longest text on the screen). No pane is narrower than
 * LAYOUT_MIN_WIDTH while the screen has room for that. Any thread.
 */
#ifndef PODCUE_LAYOUT_H
#define PODCUE_LAYOUT_H

#define LAYOUT_MIN_WIDTH 12

/* Widths of n panes (n >= 1) into w[]: pct[i] is pane i's share in
 * percent (the last pane takes whatever is left, so its pct is ignored),
 * want[i] its content's width (0 = as wide as it gets), grow the index of
 * the pane that takes the freed columns. The widths plus the n - 1
 * separators add up to cols exactly (when cols >= 2n - 1). */
void layout_widths(int cols, int n, const int *pct, const int *want, int grow, int *w);

#endif
