/*
 * test_ptime.c - durations, NPT chapter offsets, feed dates, formatting.
 */
#include "testutil.h"

#include "ptime.h"

static void test_duration_forms(void **state)
{
	(void)state;
	assert_time_equal(ptime_duration("3225"), 3225);
	assert_time_equal(ptime_duration("  3225\n"), 3225);
	assert_time_equal(ptime_duration("1014.708375"), 1014.708375);
	assert_time_equal(ptime_duration("3:00"), 180);
	assert_time_equal(ptime_duration("07:00"), 420);
	assert_time_equal(ptime_duration("51:34"), 3094);
	assert_time_equal(ptime_duration("1:43:53"), 6233);
	assert_time_equal(ptime_duration("01:00:00"), 3600);
	assert_time_equal(ptime_duration("1:02:05"), 3725);
	assert_time_equal(ptime_duration("0"), 0);
	assert_time_equal(ptime_duration("12:34.5"), 754.5);
}

static void test_duration_fields_over_59(void **state)
{
	(void)state;
	assert_time_equal(ptime_duration("00:04:60"), 300);
	assert_time_equal(ptime_duration("75:00"), 4500);
	assert_time_equal(ptime_duration("0:90"), 90);
}

static void test_duration_invalid(void **state)
{
	(void)state;
	assert_true(ptime_duration("") < 0);
	assert_true(ptime_duration("   ") < 0);
	assert_true(ptime_duration(NULL) < 0);
	assert_true(ptime_duration("abc") < 0);
	assert_true(ptime_duration("-5") < 0);
	assert_true(ptime_duration("1:-5") < 0);
	assert_true(ptime_duration("1:2:3:4") < 0);
	assert_true(ptime_duration("1.5:00") < 0); /* fraction only at the end */
	assert_true(ptime_duration(":30") < 0);
	assert_true(ptime_duration("30:") < 0);
	assert_true(ptime_duration("12.") < 0);
	assert_true(ptime_duration("1e3") < 0);
	assert_true(ptime_duration("20 min") < 0);
}

/* Absurd durations are unknown, never infinite or weeks long (issue 16:
 * an infinite duration dropped the field from --json). */
static void test_duration_clamped(void **state)
{
	(void)state;
	sbuf b = SBUF_INIT;
	for (int i = 0; i < 400; i++)
		sb_putc(&b, '9');
	assert_true(ptime_duration(b.s) == -1);
	assert_true(ptime_npt(b.s) == -1);
	sb_free(&b);
	assert_true(ptime_duration("604800") == 604800);     /* a week: kept */
	assert_true(ptime_duration("604801") == -1);         /* over: unknown */
	assert_true(ptime_duration("99999:00:00") == -1);
	assert_true(ptime_duration("-5") == -1);
}

/* Dates: 1900 up to a day after now; year 20245 and 275760 are not. */
static void test_date_plausible(void **state)
{
	(void)state;
	int64_t now = 1750000000, t;
	assert_true(ptime_date_plausible(now, now));
	assert_true(ptime_date_plausible(now + 86400, now));
	assert_false(ptime_date_plausible(now + 86401, now));
	assert_true(ptime_date_plausible(PTIME_EARLIEST, now));
	assert_false(ptime_date_plausible(PTIME_EARLIEST - 1, now));
	assert_true(ptime_date("Mon, 01 Jan 20245 10:00:00 GMT", &t));
	assert_int_equal(ptime_date("Mon, 01 Jan 20245 10:00:00 GMT", &t) &&
	                         ptime_date_plausible(t, now),
	                 0);
	assert_int_equal(ptime_date("Sat, 13 Sep 275760 00:00:00 GMT", &t) &&
	                         ptime_date_plausible(t, now),
	                 0);
}

static void test_npt_forms(void **state)
{
	(void)state;
	assert_time_equal(ptime_npt("0"), 0);
	assert_time_equal(ptime_npt("01"), 1);
	assert_time_equal(ptime_npt("37"), 37);
	assert_time_equal(ptime_npt("01:02"), 62);
	assert_time_equal(ptime_npt("7:48"), 468);
	assert_time_equal(ptime_npt("01:02:03"), 3723);
	assert_time_equal(ptime_npt("01:02:03.400"), 3723.4);
	assert_time_equal(ptime_npt("12:42.345"), 762.345);
	assert_time_equal(ptime_npt("00:03:07.250"), 187.25);
	assert_time_equal(ptime_npt("35:12.250"), 2112.25);
	assert_time_equal(ptime_npt("05:12:03.5"), 18723.5);
	assert_time_equal(ptime_npt("01:35:52"), 5752);
	assert_time_equal(ptime_npt("npt:10.5"), 10.5);
	/* decimal fraction, not a count of milliseconds */
	assert_time_equal(ptime_npt("0.5"), 0.5);
	assert_time_equal(ptime_npt("0.05"), 0.05);
}

static void test_npt_invalid(void **state)
{
	(void)state;
	assert_true(ptime_npt("") < 0);
	assert_true(ptime_npt(NULL) < 0);
	assert_true(ptime_npt("x") < 0);
	assert_true(ptime_npt("-1") < 0);
	assert_true(ptime_npt("1:2:3:4") < 0);
	assert_true(ptime_npt("01:02.5:03") < 0);
}

static int64_t date_or_fail(const char *s)
{
	int64_t t = 12345;
	if (!ptime_date(s, &t))
		fail_msg("ptime_date(\"%s\") failed", s);
	return t;
}

static void test_date_rfc822(void **state)
{
	(void)state;
	/* 2025-05-14T10:00:00Z = 1747216800 */
	assert_int_equal(date_or_fail("Wed, 14 May 2025 10:00:00 GMT"), 1747216800);
	assert_int_equal(date_or_fail("Wed, 14 May 2025 10:00:00 +0000"), 1747216800);
	assert_int_equal(date_or_fail("Wed, 14 May 2025 12:00:00 +0200"), 1747216800);
	assert_int_equal(date_or_fail("14 May 2025 10:00:00 UT"), 1747216800);
	assert_int_equal(date_or_fail("Wed, 14 May 2025 10:00 GMT"), 1747216800);
	assert_int_equal(date_or_fail("  Wed, 14 May 2025 10:00:00 GMT \n"), 1747216800);
	/* -0000: UTC with an unknown local offset (launched.xml) */
	assert_int_equal(date_or_fail("Wed, 14 May 2025 10:00:00 -0000"), 1747216800);
	/* US zones: EDT is -4 h, PST is -8 h */
	assert_int_equal(date_or_fail("Wed, 14 May 2025 06:00:00 EDT"), 1747216800);
	assert_int_equal(date_or_fail("Wed, 14 May 2025 02:00:00 PST"), 1747216800);
	assert_int_equal(date_or_fail("Wed, 14 May 2025 05:00:00 -0500"), 1747216800);
	/* a weekday that contradicts the date is ignored */
	assert_int_equal(date_or_fail("Fri, 14 May 2025 10:00:00 GMT"), 1747216800);
}

static void test_date_two_digit_year(void **state)
{
	(void)state;
	/* curl_getdate alone maps "70" to 2070; RFC 2822 says 1970. */
	assert_int_equal(date_or_fail("01 Jan 70 01:00:00 +0100"), 0);
	assert_int_equal(date_or_fail("Thu, 01 Jan 70 01:00:00 +0100"), 0);
	assert_int_equal(date_or_fail("Mon, 06 Sep 21 16:45:00 -0000"), 1630946700);
	assert_int_equal(date_or_fail("15 Mar 24 10:00:00 +0000"), 1710496800);
	/* 50-99 are 19xx, 00-49 are 20xx */
	assert_int_equal(date_or_fail("01 Jan 50 00:00:00 GMT"), -631152000);
	assert_int_equal(date_or_fail("01 Jan 49 00:00:00 GMT"), 2493072000LL);
	/* RFC 850 form */
	assert_int_equal(date_or_fail("Sunday, 06-Nov-94 08:49:37 GMT"), 784111777);
	/* asctime has no two-digit year to widen */
	assert_int_equal(date_or_fail("Sun Nov  6 08:49:37 1994"), 784111777);
}

static void test_date_iso8601(void **state)
{
	(void)state;
	assert_int_equal(date_or_fail("2025-05-14T10:00:00Z"), 1747216800);
	assert_int_equal(date_or_fail("2025-05-14T12:00:00+02:00"), 1747216800);
	assert_int_equal(date_or_fail("2025-05-14T12:00:00+0200"), 1747216800);
	assert_int_equal(date_or_fail("2025-05-14T06:30:00-03:30"), 1747216800);
	assert_int_equal(date_or_fail("2025-05-14T10:00:00"), 1747216800);
	assert_int_equal(date_or_fail("2025-05-14 10:00:00"), 1747216800);
	assert_int_equal(date_or_fail("2025-05-14T10:00:00.123Z"), 1747216800);
	assert_int_equal(date_or_fail("2025-05-14T10:00:00.5+00:00"), 1747216800);
	assert_int_equal(date_or_fail("2025-05-14T10:00Z"), 1747216800);
	assert_int_equal(date_or_fail("2025-05-14"), 1747180800);
	assert_int_equal(date_or_fail("2024-02-29T00:00:00Z"), 1709164800);
	assert_int_equal(date_or_fail("1970-01-01T00:00:00Z"), 0);
}

static void test_date_garbage(void **state)
{
	(void)state;
	const char *bad[] = {"", "   ", "garbage", "not a date at all",
	                     "2025-13-01T00:00:00Z", "2025-05-14T10:00:00 nonsense",
	                     "2025-05-14T25:00:00Z", "2025/05/14", "14.05.2025",
	                     "\xce\xa4\xcf\x81\xce\xaf, 29 \xce\x99\xce\xbf\xcf\x8d\xce\xbd 2004 12:53:00 GMT"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int64_t t = 42;
		if (ptime_date(bad[i], &t) != 0)
			fail_msg("ptime_date(\"%s\") should fail, got %lld", bad[i], (long long)t);
		assert_int_equal(t, 42); /* untouched on failure */
	}
	int64_t t = 42;
	assert_int_equal(ptime_date(NULL, &t), 0);
}

static void test_iso8601_format(void **state)
{
	(void)state;
	char buf[32];
	ptime_iso8601(1747216800, buf, sizeof buf);
	assert_string_equal(buf, "2025-05-14T10:00:00Z");
	ptime_iso8601(0, buf, sizeof buf);
	assert_string_equal(buf, "1970-01-01T00:00:00Z");
	ptime_iso8601(-1, buf, sizeof buf);
	assert_string_equal(buf, "1969-12-31T23:59:59Z");
	ptime_iso8601(1709164800 + 86399, buf, sizeof buf);
	assert_string_equal(buf, "2024-02-29T23:59:59Z");
	/* round trip */
	int64_t t = 0;
	assert_true(ptime_date(buf, &t));
	assert_int_equal(t, 1709164800 + 86399);
}

static void test_clock_format(void **state)
{
	(void)state;
	char buf[32];
	ptime_clock(65, buf, sizeof buf);
	assert_string_equal(buf, "1:05");
	ptime_clock(3725, buf, sizeof buf);
	assert_string_equal(buf, "1:02:05");
	ptime_clock(0, buf, sizeof buf);
	assert_string_equal(buf, "0:00");
	ptime_clock(59.9, buf, sizeof buf);
	assert_string_equal(buf, "0:59");
	ptime_clock(3599, buf, sizeof buf);
	assert_string_equal(buf, "59:59");
	ptime_clock(3600, buf, sizeof buf);
	assert_string_equal(buf, "1:00:00");
	ptime_clock(36000 * 3 + 61, buf, sizeof buf);
	assert_string_equal(buf, "30:01:01");
	ptime_clock(-5, buf, sizeof buf);
	assert_string_equal(buf, "0:00");
}

static void test_progress_format(void **state)
{
	(void)state;
	char b[32];
	assert_int_equal(ptime_progress(42, 100, b, sizeof b), 42);
	assert_string_equal(b, "42%");
	assert_int_equal(ptime_progress(0.2, 3600, b, sizeof b), 1); /* started: never 0% */
	assert_string_equal(b, "1%");
	assert_int_equal(ptime_progress(99.9, 100, b, sizeof b), 99);
	assert_int_equal(ptime_progress(150, 100, b, sizeof b), 99); /* never 100% */
	assert_int_equal(ptime_progress(754, -1, b, sizeof b), -1);  /* no duration */
	assert_string_equal(b, "12:34");
	assert_int_equal(ptime_progress(-1, 100, b, sizeof b), -1);  /* no position */
	assert_string_equal(b, "");
	assert_int_equal(ptime_progress(0, 100, b, sizeof b), -1);
	assert_string_equal(b, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duration_forms),
		cmocka_unit_test(test_duration_fields_over_59),
		cmocka_unit_test(test_duration_invalid),
		cmocka_unit_test(test_duration_clamped),
		cmocka_unit_test(test_date_plausible),
		cmocka_unit_test(test_npt_forms),
		cmocka_unit_test(test_npt_invalid),
		cmocka_unit_test(test_date_rfc822),
		cmocka_unit_test(test_date_two_digit_year),
		cmocka_unit_test(test_date_iso8601),
		cmocka_unit_test(test_date_garbage),
		cmocka_unit_test(test_iso8601_format),
		cmocka_unit_test(test_clock_format),
		cmocka_unit_test(test_progress_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
