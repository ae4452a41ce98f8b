/*
 * layout.c - pane widths (see layout.h).
 */
#include "layout.h"

/* Moves columns from pane `from` to pane `to` until from is at most
 * limit wide (never below floor). */
static void give(int *w, int from, int to, int limit, int floor)
{
	if (limit < floor)
		limit = floor;
	if (from == to || w[from] <= limit)
		return;
	w[to] += w[from] - limit;
	w[from] = limit;
}

void layout_widths(int cols, int n, const int *pct, const int *want, int grow, int *w)
{
	if (n <= 0)
		return;
	int room = cols - (n - 1); /* columns for the panes themselves */
	if (room < n)
		room = n;
	int used = 0;
	for (int i = 0; i < n - 1; i++) {
		int p = pct[i] < 0 ? 0 : pct[i];
		w[i] = room * p / 100;
		used += w[i];
	}
	w[n - 1] = room - used;
	int floor = room >= n * LAYOUT_MIN_WIDTH ? LAYOUT_MIN_WIDTH : room / n;
	if (floor < 1)
		floor = 1;
	/* Shares too large for the others: the last pane gives first, then
	 * the ones before it, so every pane keeps at least floor columns. */
	for (int i = 0; i < n; i++) {
		for (int j = n - 1; w[i] < floor && j >= 0; j--) {
			if (j == i || w[j] <= floor)
				continue;
			int moved = w[j] - floor < floor - w[i] ? w[j] - floor : floor - w[i];
			w[j] -= moved;
			w[i] += moved;
		}
	}
	if (grow < 0 || grow >= n)
		return;
	/* Content narrower than its share: the rest goes to grow. A little
	 * slack keeps the pane's border off its longest line. */
	for (int i = 0; i < n; i++)
		if (want && want[i] > 0)
			give(w, i, grow, want[i] + 1, floor);
}
