/*
 * test_layout.c - pane widths: shares of the screen, content narrower
 * than its share giving columns to the growing pane, a floor width, and
 * every column accounted for at any screen width.
 */
#include "testutil.h"

#include "layout.h"

static int total(const int *w, int n)
{
	int t = n - 1;
	for (int i = 0; i < n; i++)
		t += w[i];
	return t;
}

static void test_shares(void **state)
{
	(void)state;
	int pct[3] = {20, 40, 0}, w[3];
	layout_widths(202, 3, pct, NULL, 1, w);
	assert_int_equal(w[0], 40);
	assert_int_equal(w[1], 80);
	assert_int_equal(w[2], 80);
	assert_int_equal(total(w, 3), 202);
	/* One pane takes the whole row. */
	layout_widths(50, 1, pct, NULL, 0, w);
	assert_int_equal(w[0], 50);
}

static void test_content_gives_to_grow(void **state)
{
	(void)state;
	int pct[3] = {25, 40, 0}, want[3] = {18, 0, 0}, w[3];
	layout_widths(162, 3, pct, want, 1, w);
	/* 160 columns: 40 | 64 | 56, then podcasts keep 19 and episodes get 21 more. */
	assert_int_equal(w[0], 19);
	assert_int_equal(w[1], 85);
	assert_int_equal(w[2], 56);
	assert_int_equal(total(w, 3), 162);
	/* Content wider than the share: the share it is. */
	want[0] = 100;
	layout_widths(162, 3, pct, want, 1, w);
	assert_int_equal(w[0], 40);
	/* Tiny content still keeps the floor. */
	want[0] = 2;
	layout_widths(162, 3, pct, want, 1, w);
	assert_int_equal(w[0], LAYOUT_MIN_WIDTH);
	assert_int_equal(total(w, 3), 162);
	/* The last pane may be the one that grows. */
	int pct2[2] = {50, 0}, want2[2] = {20, 0}, w2[2];
	layout_widths(81, 2, pct2, want2, 1, w2);
	assert_int_equal(w2[0], 21);
	assert_int_equal(w2[1], 59);
}

static void test_floor_and_every_width(void **state)
{
	(void)state;
	/* Shares that leave the last pane nothing: it still gets the floor. */
	int pct[3] = {60, 40, 0}, want[3] = {30, 0, 0}, w[3];
	layout_widths(100, 3, pct, NULL, 1, w);
	assert_true(w[2] >= LAYOUT_MIN_WIDTH);
	assert_int_equal(total(w, 3), 100);
	for (int cols = 5; cols < 400; cols++) {
		layout_widths(cols, 3, pct, want, 1, w);
		assert_int_equal(total(w, 3), cols);
		for (int i = 0; i < 3; i++) {
			assert_true(w[i] >= 1);
			if (cols >= 3 * LAYOUT_MIN_WIDTH + 2)
				assert_true(w[i] >= LAYOUT_MIN_WIDTH);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shares),
		cmocka_unit_test(test_content_gives_to_grow),
		cmocka_unit_test(test_floor_and_every_width),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
