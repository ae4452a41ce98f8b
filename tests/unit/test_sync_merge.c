/*
 * test_sync_merge.c - the pure rules of sync (sync_merge.c): timestamps in
 * every shape servers send, the newest action per episode, and merging a
 * pulled action into an episode's local state (position, played, a newer
 * local change kept, a newer remote one applied, nothing to do).
 */
#include "testutil.h"

#include "sync_auto.h"
#include "sync_merge.h"

static void test_parse_time(void **state)
{
	(void)state;
	int64_t t;
	assert_int_equal(sync_parse_time("2020-01-01T10:00:00Z", &t), 0);
	assert_int_equal(t, 1577872800);
	assert_int_equal(sync_parse_time("2020-01-01T10:00:00", &t), 0); /* no zone = UTC */
	assert_int_equal(t, 1577872800);
	assert_int_equal(sync_parse_time("2020-01-01 10:00:00.123456", &t), 0);
	assert_int_equal(t, 1577872800);
	assert_int_equal(sync_parse_time("2020-01-01T12:00:00+02:00", &t), 0);
	assert_int_equal(t, 1577872800);
	assert_int_equal(sync_parse_time("2020-01-01T05:30:00-0430", &t), 0);
	assert_int_equal(t, 1577872800);
	assert_int_equal(sync_parse_time("2020-01-01T10:00", &t), 0);
	assert_int_equal(t, 1577872800);
	assert_int_equal(sync_parse_time("1577872800", &t), 0); /* epoch in a string */
	assert_int_equal(t, 1577872800);
	assert_int_equal(sync_parse_time("1969-12-31T23:59:59Z", &t), 0);
	assert_int_equal(t, -1);
	const char *bad[] = {"", "yesterday", "2020-13-01T00:00:00", "2020-01-01",
			     "2020-01-01T25:00:00", "2020-01-01T10:00:00+", "2020-01-01T10:00:00Zx",
			     "99999999999999999999", "2020-01-01T10:00:00."};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(sync_parse_time(bad[i], &t), -1);
	assert_int_equal(sync_parse_time(NULL, &t), -1);
	char buf[32];
	sync_format_time(1577872800, buf, sizeof buf);
	assert_string_equal(buf, "2020-01-01T10:00:00");
}

static void test_kinds(void **state)
{
	(void)state;
	assert_int_equal(sync_kind_parse("play"), SYNC_ACT_PLAY);
	assert_int_equal(sync_kind_parse("PLAY"), SYNC_ACT_PLAY); /* Nextcloud */
	assert_int_equal(sync_kind_parse("New"), SYNC_ACT_NEW);
	assert_int_equal(sync_kind_parse("delete"), SYNC_ACT_DELETE);
	assert_int_equal(sync_kind_parse("flag"), SYNC_ACT_OTHER);
	assert_int_equal(sync_kind_parse(NULL), SYNC_ACT_OTHER);
	assert_string_equal(sync_kind_name(SYNC_ACT_PLAY), "play");
}

static sync_action act(const char *ep, int64_t ts, double pos)
{
	sync_action a = {0};
	a.podcast = xstrdup("https://f/");
	a.episode = xstrdup(ep);
	a.kind = SYNC_ACT_PLAY;
	a.timestamp = ts;
	a.started = 0;
	a.position = pos;
	a.total = 100;
	return a;
}

static void test_newest(void **state)
{
	(void)state;
	sync_action *v = xcalloc(6, sizeof *v);
	v[0] = act("https://a", 10, 1);
	v[1] = act("https://b", 30, 2);
	v[2] = act("https://a", 50, 3); /* a's newest */
	v[3] = act("https://a", 20, 4);
	v[4] = act("https://b", 30, 5); /* a tie: the later one wins */
	v[5] = act("https://c", 1, 6);
	size_t n = sync_actions_newest(v, 6);
	assert_int_equal(n, 3);
	assert_string_equal(v[0].episode, "https://a");
	assert_true(v[0].position == 3);
	assert_string_equal(v[1].episode, "https://b");
	assert_true(v[1].position == 5);
	assert_string_equal(v[2].episode, "https://c");
	sync_actions_free(v, n);
}

static void test_merge(void **state)
{
	(void)state;
	sync_result r;
	sync_local l = {.position = 10, .duration = 100, .played = 0};
	sync_action a = act("https://a", 1000, 40);

	/* A pulled position applies. */
	assert_int_equal(sync_merge(&l, &a, 5, &r), SYNC_APPLY);
	assert_false(r.played);
	assert_true(r.position == 40);
	assert_false(r.conflict);

	/* Reaching the end (within the margin) is played, the position goes. */
	a.position = 96;
	assert_int_equal(sync_merge(&l, &a, 5, &r), SYNC_APPLY);
	assert_true(r.played);
	assert_true(r.position < 0);
	a.position = 94;
	assert_int_equal(sync_merge(&l, &a, 5, &r), SYNC_APPLY);
	assert_false(r.played);

	/* Without a total the local duration decides. */
	a.total = -1;
	a.position = 99;
	assert_int_equal(sync_merge(&l, &a, 5, &r), SYNC_APPLY);
	assert_true(r.played);
	sync_local unknown = {.position = 10, .duration = -1};
	assert_int_equal(sync_merge(&unknown, &a, 5, &r), SYNC_APPLY);
	assert_false(r.played); /* no length known: just a position */
	a.total = 100;

	/* Already so (whole seconds): nothing to do. */
	a.position = 10.4;
	assert_int_equal(sync_merge(&l, &a, 5, &r), SYNC_SAME);
	sync_local done = {.position = -1, .duration = 100, .played = 1};
	a.position = 100;
	assert_int_equal(sync_merge(&done, &a, 5, &r), SYNC_SAME);

	/* A local change after the action: kept, a conflict. At the same
	 * second too: the local side is never overwritten by a tie. */
	sync_local changed = {.position = 70, .duration = 100, .changed = 1,
			      .changed_at = 1000 * 1000 + 1};
	a.position = 30;
	assert_int_equal(sync_merge(&changed, &a, 5, &r), SYNC_KEEP_LOCAL);
	assert_true(r.conflict);
	changed.changed_at = 1000 * 1000;
	assert_int_equal(sync_merge(&changed, &a, 5, &r), SYNC_KEEP_LOCAL);

	/* A local change before the action: the action wins, a conflict. */
	changed.changed_at = 999 * 1000;
	assert_int_equal(sync_merge(&changed, &a, 5, &r), SYNC_APPLY);
	assert_true(r.conflict);
	assert_true(r.position == 30);

	/* Heard here after the action, and already pushed (no pending
	 * change): an old action uploaded late does not rewind it; one
	 * newer than the last listening here applies. */
	sync_local heard = {.position = 2400, .duration = 3600, .last_played = 1000 * 1000 + 500};
	a.total = 3600;
	a.position = 600;
	assert_int_equal(sync_merge(&heard, &a, 5, &r), SYNC_KEEP_LOCAL);
	assert_false(r.conflict);
	heard.last_played = 999 * 1000;
	assert_int_equal(sync_merge(&heard, &a, 5, &r), SYNC_APPLY);
	assert_true(r.position == 600);
	a.total = 100;
	a.position = 30;

	/* A played episode heard again elsewhere becomes unplayed there. */
	assert_int_equal(sync_merge(&done, &a, 5, &r), SYNC_APPLY);
	assert_false(r.played);
	assert_true(r.position == 30);

	/* "new" marks unplayed from the start. */
	a.kind = SYNC_ACT_NEW;
	assert_int_equal(sync_merge(&done, &a, 5, &r), SYNC_APPLY);
	assert_false(r.played);
	assert_true(r.position < 0);

	/* What says nothing about position or played is ignored, as is a
	 * play without a position (servers send -1). */
	a.kind = SYNC_ACT_DOWNLOAD;
	assert_int_equal(sync_merge(&l, &a, 5, &r), SYNC_IGNORE);
	a.kind = SYNC_ACT_PLAY;
	a.position = -1;
	assert_int_equal(sync_merge(&l, &a, 5, &r), SYNC_IGNORE);
	sync_action_clear(&a);
}

/* The interface's timer: due at once when none ran yet, then every
 * interval minutes after the last one; never with interval 0. */
static void test_auto_schedule(void **state)
{
	(void)state;
	int64_t t0 = 1700000000000;
	assert_true(sync_auto_due(t0, 0, 30));
	assert_int_equal(sync_auto_wait(t0, 0, 30), 0);
	assert_false(sync_auto_due(t0 + 1000, t0, 30));
	assert_int_equal(sync_auto_wait(t0 + 1000, t0, 30), 30 * 60000 - 1000);
	assert_false(sync_auto_due(t0 + 30 * 60000 - 1, t0, 30));
	assert_true(sync_auto_due(t0 + 30 * 60000, t0, 30));
	assert_true(sync_auto_due(t0 + 90 * 60000, t0, 30)); /* late: once, not thrice */
	assert_false(sync_auto_due(t0, 0, 0));
	assert_false(sync_auto_due(t0 + 99 * 60000, t0, 0));
	assert_int_equal(sync_auto_wait(t0, t0, 0), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_time),
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_newest),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_auto_schedule),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
