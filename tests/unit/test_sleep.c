/*
 * test_sleep.c - the sleep timer's parser and logic, and the :seek
 * argument parser (ptime_seek_arg).
 */
#include "testutil.h"

#include "ptime.h"
#include "sleep.h"

static void test_parse(void **state)
{
	(void)state;
	int kind, secs;
	assert_int_equal(sleep_parse("30m", &kind, &secs), 0);
	assert_int_equal(kind, SLEEP_MINUTES);
	assert_int_equal(secs, 1800);
	assert_int_equal(sleep_parse("30", &kind, &secs), 0);
	assert_int_equal(secs, 1800);
	assert_int_equal(sleep_parse("90s", &kind, &secs), 0);
	assert_int_equal(secs, 90);
	assert_int_equal(sleep_parse("1.5h", &kind, &secs), 0);
	assert_int_equal(secs, 5400);
	assert_int_equal(sleep_parse("chapter", &kind, &secs), 0);
	assert_int_equal(kind, SLEEP_CHAPTER);
	assert_int_equal(sleep_parse("episode", &kind, &secs), 0);
	assert_int_equal(kind, SLEEP_EPISODE);
	assert_int_equal(sleep_parse("off", &kind, &secs), 0);
	assert_int_equal(kind, SLEEP_OFF);
	const char *bad[] = {"", "m", "-5m", "1:30", "soon", "30x", "25h", "0m", NULL};
	for (int i = 0; bad[i]; i++)
		assert_int_equal(sleep_parse(bad[i], &kind, &secs), -1);
	assert_int_equal(sleep_parse(NULL, &kind, &secs), -1);
}

static void test_minutes(void **state)
{
	(void)state;
	sleep_timer t = {0};
	sleep_set(&t, SLEEP_MINUTES, 60, 0, 1000);
	assert_false(sleep_due(&t, 60999, 3, 1));
	assert_true(sleep_due(&t, 61000, 0, 0));
	char buf[48];
	sleep_describe(&t, 1000, buf, sizeof buf);
	assert_string_equal(buf, "sleep 1:00");
	sleep_describe(&t, 31500, buf, sizeof buf);
	assert_string_equal(buf, "sleep 0:30");
}

static void test_chapter(void **state)
{
	(void)state;
	sleep_timer t = {0};
	sleep_set(&t, SLEEP_CHAPTER, 0, 2, 0);
	assert_false(sleep_due(&t, 0, 2, 0));
	/* the user seeks into chapter 4: it waits for the end of that one */
	assert_false(sleep_due(&t, 0, 4, 1));
	assert_false(sleep_due(&t, 0, 4, 0));
	assert_true(sleep_due(&t, 0, 5, 0));
	/* set before anything played (-1): the first chapter seen is the one */
	sleep_set(&t, SLEEP_CHAPTER, 0, -1, 0);
	assert_false(sleep_due(&t, 0, 0, 0));
	assert_true(sleep_due(&t, 0, 1, 0));
	/* back to an earlier chapter by playing (a seek back) never fires */
	sleep_set(&t, SLEEP_CHAPTER, 0, 3, 0);
	assert_false(sleep_due(&t, 0, 1, 0));
	assert_true(sleep_due(&t, 0, 2, 0));
	char buf[48];
	sleep_describe(&t, 0, buf, sizeof buf);
	assert_string_equal(buf, "sleep: end of chapter");
	sleep_set(&t, SLEEP_EPISODE, 0, 0, 0);
	assert_false(sleep_due(&t, 1 << 30, 9, 0));
	sleep_describe(&t, 0, buf, sizeof buf);
	assert_string_equal(buf, "sleep: end of episode");
	sleep_set(&t, SLEEP_OFF, 0, 0, 0);
	sleep_describe(&t, 0, buf, sizeof buf);
	assert_string_equal(buf, "");
}

static void test_cycle(void **state)
{
	(void)state;
	sleep_timer t = {0};
	int want[] = {SLEEP_CHAPTER, SLEEP_EPISODE, SLEEP_MINUTES, SLEEP_MINUTES, SLEEP_MINUTES,
		      SLEEP_OFF};
	int64_t left[] = {0, 0, 15 * 60000, 30 * 60000, 60 * 60000, 0};
	for (int i = 0; i < 6; i++) {
		sleep_cycle(&t, 1, 5000);
		assert_int_equal(t.kind, want[i]);
		if (t.kind == SLEEP_MINUTES)
			assert_int_equal(t.due_ms - 5000, left[i]);
	}
}

static void test_seek_arg(void **state)
{
	(void)state;
	double s;
	int rel;
	assert_int_equal(ptime_seek_arg("1:23:45", &s, &rel), 0);
	assert_false(rel);
	assert_true(s == 5025);
	assert_int_equal(ptime_seek_arg("90", &s, &rel), 0);
	assert_false(rel);
	assert_true(s == 90);
	assert_int_equal(ptime_seek_arg("+90", &s, &rel), 0);
	assert_true(rel);
	assert_true(s == 90);
	assert_int_equal(ptime_seek_arg("-30", &s, &rel), 0);
	assert_true(rel);
	assert_true(s == -30);
	assert_int_equal(ptime_seek_arg(" +1:30", &s, &rel), 0);
	assert_true(rel && s == 90);
	const char *bad[] = {"", "+", "-", "+-5", "--5", "abc", "1:x", "+ 5", NULL};
	for (int i = 0; bad[i]; i++)
		assert_int_equal(ptime_seek_arg(bad[i], &s, &rel), -1);
	assert_int_equal(ptime_seek_arg(NULL, &s, &rel), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_minutes),
		cmocka_unit_test(test_chapter),
		cmocka_unit_test(test_cycle),
		cmocka_unit_test(test_seek_arg),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
