/*
 * test_playback.c - playback on a real cache and a real player (ao=null):
 * resume with rewind, position saves (pause, stop, switch), embedded
 * chapters stored at load, chapter commands and the past-end rule, counts,
 * the status line and timeline, played at the margin and at the end, a cut
 * stream, and errors that leave the saved position alone.
 *
 * Media: a 30 s MP3 with ID3 chapters at 0/10/20 made by ffmpeg, played
 * through file:// URLs of a podcast added as a local file.
 */
#include "testutil.h"

#include <poll.h>
#include <unistd.h>

#include "command.h"
#include "config.h"
#include "db.h"
#include "playback.h"
#include "player.h"
#include "text.h"

#define DEADLINE_MS 10000

static char *dir, *dbpath;
static db *d;
static config cfg;
static int64_t ep_id, ep2_id, ep3_id, hostile_id, past_id, many_id, missing_id, cut_id,
	fresh_id, fresh2_id, remote_id;

static int gen_media(void)
{
	char *meta = xasprintf("%s/meta.txt", dir);
	FILE *f = fopen(meta, "w");
	if (!f)
		return -1;
	fputs(";FFMETADATA1\n", f);
	const char *titles[] = {"One", "Two", "Three"};
	for (int i = 0; i < 3; i++)
		fprintf(f, "[CHAPTER]\nTIMEBASE=1/1000\nSTART=%d\nEND=%d\ntitle=%s\n", i * 10000,
			(i + 1) * 10000, titles[i]);
	fclose(f);
	/* cut.mp3: the first 40% of the file (12 s) with the header's 30 s. */
	char *cmd = xasprintf(
		"ffmpeg -nostdin -loglevel error -y -f lavfi -i sine=frequency=440:duration=30 "
		"-i '%s' -map 0:a -map_metadata 1 -map_chapters 1 -ac 1 -ar 22050 -c:a libmp3lame "
		"-b:a 32k -id3v2_version 3 '%s/ch.mp3' && "
		"head -c $(( $(stat -c %%s '%s/ch.mp3') * 4 / 10 )) '%s/ch.mp3' > '%s/cut.mp3'",
		meta, dir, dir, dir, dir);
	int rc = system(cmd);
	free(cmd);
	free(meta);
	return rc == 0 ? 0 : -1;
}

static feed_item item(const char *key, const char *file, double duration)
{
	feed_item it = {0};
	it.key = xstrdup(key);
	it.guid = xstrdup(key);
	it.title = xstrdup(key);
	it.duration = duration;
	it.enclosure_url = xasprintf("file://%s/%s", dir, file);
	it.enclosure_length = -1;
	return it;
}

static int64_t find(const char *key)
{
	return episode_id_by_key(d, key);
}

static void set_psc(int64_t id, size_t n, const double *starts, const char *const *titles)
{
	chapter_list l = CHAPTER_LIST_INIT;
	for (size_t i = 0; i < n; i++) {
		char buf[32];
		snprintf(buf, sizeof buf, "Part %zu", i + 1);
		chapter c = {.start = starts ? starts[i] : (double)i, .end = -1,
			     .title = xstrdup(titles ? titles[i] : buf), .source = CHAP_SRC_PSC};
		chapter_list_push(&l, c);
	}
	db_chapters_set(d, id, CHAP_SRC_PSC, &l);
	chapter_list_clear(&l);
}

static int store_items(int64_t pid, feed_item *items, size_t n)
{
	feed f = {0};
	f.title = xstrdup("Show");
	f.items = items;
	f.nitems = n;
	for (size_t i = 0; i < n; i++)
		f.items[i].feed_order = (int)i;
	db_store_stats st;
	int rc = db_begin(d) || db_store_feed(d, pid, &f, NULL, NULL, NULL, (uint64_t)pid, 1, &st) ||
		 db_commit(d);
	feed_free(&f);
	return rc;
}

static int setup(void **state)
{
	(void)state;
	char tmpl[] = "/tmp/podcue-playbacktest.XXXXXX";
	if (!mkdtemp(tmpl))
		return -1;
	dir = xstrdup(tmpl);
	if (gen_media() != 0)
		return -1;
	dbpath = xasprintf("%s/cache.db", dir);
	char *err = NULL;
	if (db_open(dbpath, &d, &err) != 0)
		return -1;
	int64_t local, remote;
	int existed;
	char *feedurl = xasprintf("file://%s/feed.xml", dir);
	db_podcast_add(d, feedurl, 1, &local, &existed);
	db_podcast_add(d, "https://example.org/feed.xml", 0, &remote, &existed);
	free(feedurl);
	feed_item *li = xcalloc(10, sizeof *li);
	li[0] = item("ep", "ch.mp3", 30);
	li[1] = item("ep2", "ch.mp3", 30);
	li[2] = item("ep3", "ch.mp3", 30);
	li[3] = item("hostile", "ch.mp3", 30);
	li[4] = item("past", "ch.mp3", 30);
	li[5] = item("many", "ch.mp3", 30);
	li[6] = item("missing", "nope.mp3", 30);
	li[7] = item("cut", "cut.mp3", -1);
	li[8] = item("fresh", "ch.mp3", 30);
	li[9] = item("fresh2", "ch.mp3", 30);
	feed_item *ri = xcalloc(1, sizeof *ri);
	ri[0] = item("remote", "ch.mp3", 30);
	if (store_items(local, li, 10) || store_items(remote, ri, 1))
		return -1;
	ep_id = find("ep"), ep2_id = find("ep2"), ep3_id = find("ep3");
	hostile_id = find("hostile"), past_id = find("past"), many_id = find("many");
	missing_id = find("missing"), cut_id = find("cut"), remote_id = find("remote");
	fresh_id = find("fresh"), fresh2_id = find("fresh2");
	const char *evil[] = {"Evil \033[31mred\033]2;PWNED\007 end\r\n", "Second"};
	set_psc(hostile_id, 2, (const double[]){0, 15}, evil);
	const char *pt[] = {"A", "B", "Past the end"};
	set_psc(past_id, 3, (const double[]){0, 10, 45}, pt);
	set_psc(many_id, 27, NULL, NULL);
	config_defaults(&cfg);
	cfg.played_margin = 3;
	cfg.save_interval = 1;
	cfg.resume_rewind = 3;
	cfg.prev_chapter_grace = 3;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	db_close(d);
	config_free(&cfg);
	char *cmd = xasprintf("rm -rf '%s'", dir);
	int rc = system(cmd);
	(void)rc;
	free(cmd);
	free(dir);
	free(dbpath);
	return 0;
}

/* ---- helpers ---- */

typedef struct rig {
	player *p;
	playback *pb;
	int changed;
} rig;

static rig rig_new(const char *extra)
{
	const char *opts[2] = {"ao=null", extra};
	player_opts o = {opts, extra ? 2 : 1, NULL, 5};
	rig r = {0};
	char *err = NULL;
	if (player_new(&o, &r.p, &err) != 0)
		fail_msg("player_new: %s", err);
	r.pb = playback_new(d, &cfg, r.p);
	return r;
}

static void rig_free(rig *r)
{
	playback_free(r->pb);
	player_free(r->p);
}

typedef int (*pred)(rig *r, void *arg);

/* Runs the loop until a bit of mask arrived or ok holds; fails at the
 * deadline. Returns the events seen. */
static unsigned pump(rig *r, unsigned mask, pred ok, void *arg)
{
	unsigned seen = 0;
	int64_t end = now_ms() + DEADLINE_MS;
	for (;;) {
		if ((mask && (seen & mask)) || (ok && ok(r, arg)))
			return seen;
		int64_t left = end - now_ms();
		if (left <= 0)
			fail_msg("deadline passed (mask %#x, seen %#x)", mask, seen);
		struct pollfd pfd = {player_fd(r->p), POLLIN, 0};
		poll(&pfd, 1, (int)left);
		unsigned ev = player_process(r->p);
		r->changed |= playback_handle(r->pb, ev);
		seen |= ev;
	}
}

static void play(rig *r, int64_t id, double at)
{
	char *err = NULL;
	if (playback_play(r->pb, id, at, &err) != 0)
		fail_msg("playback_play: %s", err);
}

static int cmd(rig *r, int c, int count)
{
	char *msg = NULL;
	int rc = playback_command(r->pb, c, count, &msg);
	free(msg);
	return rc;
}

static void assert_near(double got, double want, double tol)
{
	if (got < want - tol || got > want + tol)
		fail_msg("got %.3f, want %.3f +- %.3f", got, want, tol);
}

static db_episode get(int64_t id)
{
	db_episode e;
	assert_int_equal(db_episode_get(d, id, &e), 0);
	return e;
}

static double saved_pos(int64_t id)
{
	db_episode e = get(id);
	double p = e.position;
	db_episode_free(&e);
	return p;
}

static int is_played(int64_t id)
{
	db_episode e = get(id);
	int p = e.played;
	db_episode_free(&e);
	return p;
}

static int paused(rig *r, void *arg)
{
	(void)arg;
	return player_get(r->p)->status == PLAYER_PAUSED;
}

static int saved_near(rig *r, void *arg)
{
	(void)r;
	double want = *(double *)arg, got = saved_pos(ep_id);
	return got >= want - 0.5 && got <= want + 0.5;
}

/* ---- tests ---- */

static void test_resume_and_saves(void **state)
{
	(void)state;
	db_episode_set_position(d, ep_id, 15);
	rig r = rig_new(NULL);
	play(&r, ep_id, -1);
	assert_int_equal(playback_episode(r.pb), ep_id);
	pump(&r, PLAYER_EV_SEEKED, NULL, NULL);
	assert_near(player_get(r.p)->time_pos, 12, 0.3); /* 15 - resume_rewind */
	assert_int_equal(cmd(&r, CMD_PAUSE, 0), 0);
	pump(&r, 0, paused, NULL);
	double at = player_get(r.p)->time_pos;
	pump(&r, 0, saved_near, &at); /* saved on pause */
	assert_int_equal(cmd(&r, CMD_SEEK_FORWARD, 2), 0); /* 2 x seek_step (10) */
	pump(&r, PLAYER_EV_SEEKED, NULL, NULL);
	assert_near(player_get(r.p)->time_pos, at + 20 > 29 ? 29 : at + 20, 0.3);
	assert_int_equal(cmd(&r, CMD_SEEK_BACK_BIG, 0), 0); /* 60 s back: 0 */
	pump(&r, PLAYER_EV_SEEKED, NULL, NULL);
	assert_near(player_get(r.p)->time_pos, 0, 0.2);
	assert_int_equal(cmd(&r, CMD_SEEK_FORWARD, 0), 0); /* count 0 = 1 */
	pump(&r, PLAYER_EV_SEEKED, NULL, NULL);
	assert_near(player_get(r.p)->time_pos, 10, 0.2);
	assert_int_equal(cmd(&r, CMD_STOP, 0), 0);
	assert_int_equal(playback_episode(r.pb), 0);
	assert_near(saved_pos(ep_id), 10, 0.3); /* saved on stop */
	/* With nothing playing, playback commands say so (1); quit is fine. */
	assert_int_equal(cmd(&r, CMD_SEEK_BACK, 0), 1);
	assert_int_equal(cmd(&r, CMD_PAUSE, 0), 1);
	assert_int_equal(cmd(&r, CMD_QUIT, 0), 0);
	rig_free(&r);
}

static void test_switch_saves(void **state)
{
	(void)state;
	rig r = rig_new(NULL);
	play(&r, ep2_id, 5);
	pump(&r, PLAYER_EV_SEEKED, NULL, NULL);
	play(&r, ep3_id, 0); /* a switch saves what played */
	assert_near(saved_pos(ep2_id), 5, 0.5);
	pump(&r, PLAYER_EV_SEEKED, NULL, NULL);
	assert_int_equal(player_get(r.p)->tag, ep3_id);
	rig_free(&r); /* playback_free saves too */
	assert_true(saved_pos(ep3_id) >= 0);
}

static void test_embedded_chapters_stored(void **state)
{
	(void)state;
	rig r = rig_new(NULL);
	assert_false(db_embedded_probed(d, ep_id));
	play(&r, ep_id, 0);
	assert_int_equal(playback_chapters(r.pb)->n, 0); /* nothing known yet */
	r.changed = 0;
	pump(&r, PLAYER_EV_LOADED, NULL, NULL);
	assert_true(r.changed);
	assert_true(db_embedded_probed(d, ep_id));
	chapter_list l = CHAPTER_LIST_INIT;
	assert_int_equal(db_chapters_get(d, ep_id, CHAP_SRC_EMBEDDED, &l), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[1].title, "Two");
	chapter_list_clear(&l);
	const chapter_list *vis = playback_chapters(r.pb);
	assert_int_equal(vis->n, 3);
	assert_near(vis->v[2].start, 20, 0.2);
	/* The same chapters again are not news. */
	play(&r, ep_id, 0);
	r.changed = 0;
	pump(&r, PLAYER_EV_LOADED, NULL, NULL);
	assert_false(r.changed);
	rig_free(&r);
}

static int index_is(rig *r, void *arg)
{
	return playback_chapter_index(r->pb) == *(int *)arg;
}

static void jump(rig *r, int c, int count, int want_index)
{
	assert_int_equal(cmd(r, c, count), 0);
	pump(r, PLAYER_EV_SEEKED, NULL, NULL);
	pump(r, 0, index_is, &want_index);
}

static void test_chapter_commands(void **state)
{
	(void)state;
	rig r = rig_new(NULL);
	play(&r, ep_id, 0);
	pump(&r, PLAYER_EV_SEEKED, NULL, NULL);
	cmd(&r, CMD_PAUSE, 0);
	pump(&r, 0, paused, NULL);
	assert_int_equal(playback_chapter_index(r.pb), 0);
	jump(&r, CMD_NEXT_CHAPTER, 0, 1);
	jump(&r, CMD_NEXT_CHAPTER, 0, 2);
	char *msg = NULL;
	assert_int_equal(playback_command(r.pb, CMD_NEXT_CHAPTER, 0, &msg), -1);
	assert_non_null(strstr(msg, "last chapter"));
	free(msg);
	jump(&r, CMD_PREV_CHAPTER, 0, 1); /* at 20, within grace: the one before */
	player_seek(r.p, 15, 1);          /* 5 s into chapter 2: its start */
	pump(&r, PLAYER_EV_SEEKED, NULL, NULL);
	jump(&r, CMD_PREV_CHAPTER, 0, 1);
	assert_near(player_get(r.p)->time_pos, 10, 0.2);
	jump(&r, CMD_CHAPTER, 3, 2);
	jump(&r, CMD_CHAPTER, 1, 0);
	assert_int_equal(playback_command(r.pb, CMD_CHAPTER, 4, &msg), -1);
	assert_non_null(strstr(msg, "no chapter 4"));
	free(msg);
	assert_int_equal(playback_command(r.pb, CMD_CHAPTER, 0, &msg), -1);
	free(msg);
	rig_free(&r);
}

static void test_past_end_refused(void **state)
{
	(void)state;
	rig r = rig_new(NULL);
	char *err = NULL;
	assert_int_equal(playback_play_chapter(r.pb, past_id, 3, &err), -1);
	assert_non_null(strstr(err, "past the end"));
	free(err);
	assert_int_equal(playback_episode(r.pb), 0);
	assert_int_equal(playback_play_chapter(r.pb, past_id, 2, &err), 0);
	pump(&r, PLAYER_EV_SEEKED, NULL, NULL);
	assert_near(player_get(r.p)->time_pos, 10, 0.2);
	assert_int_equal(playback_chapter_index(r.pb), 1);
	char *msg = NULL;
	assert_int_equal(playback_command(r.pb, CMD_NEXT_CHAPTER, 0, &msg), -1);
	assert_non_null(strstr(msg, "past the end"));
	free(msg);
	assert_int_equal(playback_command(r.pb, CMD_CHAPTER, 3, &msg), -1);
	assert_non_null(strstr(msg, "past the end"));
	free(msg);
	/* Nothing was sought: still in chapter 2. */
	assert_true(player_get(r.p)->time_pos < 20);
	rig_free(&r);
}

static void test_many_chapters(void **state)
{
	(void)state;
	rig r = rig_new(NULL);
	play(&r, many_id, 0);
	assert_int_equal(playback_chapters(r.pb)->n, 27);
	rig_free(&r);
}

static void test_deferred_chapter(void **state)
{
	(void)state;
	rig r = rig_new(NULL);
	char *err = NULL;
	/* Never probed: the file's chapters are known only once it loads, so
	 * chapter 3 starts at 0 and jumps then. */
	assert_false(db_embedded_probed(d, fresh_id));
	assert_int_equal(playback_play_chapter(r.pb, fresh_id, 3, &err), 0);
	int want = 2;
	pump(&r, 0, index_is, &want);
	assert_near(player_get(r.p)->time_pos, 20, 0.5);
	/* A chapter the file turns out not to have stops with a message. */
	assert_int_equal(playback_play_chapter(r.pb, fresh2_id, 7, &err), 0);
	pump(&r, PLAYER_EV_LOADED, NULL, NULL);
	assert_int_equal(playback_episode(r.pb), 0);
	assert_non_null(strstr(playback_error(r.pb), "no chapter 7"));
	rig_free(&r);
}

static void test_status_line(void **state)
{
	(void)state;
	rig r = rig_new(NULL);
	char *line = playback_status_line(r.pb, 80);
	assert_string_equal(line, ""); /* idle, no error */
	free(line);
	play(&r, hostile_id, 0);
	pump(&r, PLAYER_EV_SEEKED, NULL, NULL);
	cmd(&r, CMD_PAUSE, 0);
	pump(&r, 0, paused, NULL);
	cmd(&r, CMD_VOLUME_DOWN, 0);
	for (int i = 0; i < 3; i++)
		cmd(&r, CMD_FASTER, 0);
	line = playback_status_line(r.pb, 200);
	assert_non_null(strstr(line, "⏸ 0:00 / 0:30"));
	assert_non_null(strstr(line, "paused"));
	assert_non_null(strstr(line, "1.3x"));
	assert_non_null(strstr(line, "vol 95"));
	assert_non_null(strstr(line, "ch 1/2 · Evil red end"));
	assert_non_null(strstr(line, "Show · ")); /* podcast · episode */
	assert_null(strstr(line, "muted"));
	cmd(&r, CMD_MUTE, 0);
	cmd(&r, CMD_SLEEP, 0); /* the first of the cycle */
	free(line);
	line = playback_status_line(r.pb, 200);
	assert_non_null(strstr(line, "vol 95 muted"));
	assert_non_null(strstr(line, "sleep: end of chapter"));
	cmd(&r, CMD_MUTE, 0);
	for (int i = 0; i < 5; i++)
		cmd(&r, CMD_SLEEP, 0); /* episode, 15, 30, 60, off */
	free(line);
	line = playback_status_line(r.pb, 200);
	assert_null(strstr(line, "muted"));
	assert_null(strstr(line, "sleep"));
	for (const unsigned char *s = (const unsigned char *)line; *s; s++)
		assert_true(*s >= 0x20 && *s != 0x7f);
	assert_null(strstr(line, "PWNED"));
	free(line);
	line = playback_status_line(r.pb, 20);
	assert_true(text_width(line) <= 20);
	free(line);
	/* Timeline: ticks at 0 and 15 of 30 s, the position at 0 wins its cell. */
	player_seek(r.p, 7.6, 1);
	pump(&r, PLAYER_EV_SEEKED, NULL, NULL);
	char *tl = playback_timeline(r.pb, 30);
	double dur = player_get(r.p)->duration;
	assert_int_equal(strlen(tl), 30 * 3); /* every glyph is 3 bytes of UTF-8 */
	int ticks = 0, dots = 0;
	for (int i = 0; i < 30; i++) {
		const char *g = tl + 3 * i;
		ticks += strncmp(g, "│", 3) == 0;
		dots += strncmp(g, "●", 3) == 0;
	}
	assert_int_equal(ticks, 2);
	assert_int_equal(dots, 1);
	assert_memory_equal(tl, "│", 3);
	assert_memory_equal(tl + 3 * (int)(15 / dur * 30), "│", 3);
	assert_memory_equal(tl + 3 * (int)(7.6 / dur * 30), "●", 3);
	free(tl);
	for (int i = 0; i < 20; i++)
		cmd(&r, CMD_SLOWER, 0);
	assert_true(player_get(r.p)->speed == 0.5);
	for (int i = 0; i < 30; i++)
		cmd(&r, CMD_VOLUME_UP, 0);
	assert_true(player_get(r.p)->volume == 130);
	rig_free(&r);
}

static int played_now(rig *r, void *arg)
{
	(void)r;
	return is_played(*(int64_t *)arg);
}

static void test_played_at_margin(void **state)
{
	(void)state;
	rig r = rig_new(NULL);
	db_episode_set_played(d, ep2_id, 0);
	db_episode_set_position(d, ep2_id, 20);
	play(&r, ep2_id, 26.5); /* played_margin 3: played from 27 on */
	r.changed = 0;
	pump(&r, 0, played_now, &ep2_id);
	assert_true(r.changed);
	assert_true(playback_episode(r.pb) == ep2_id); /* still playing */
	assert_true(saved_pos(ep2_id) < 0);
	cmd(&r, CMD_STOP, 0); /* within the margin: no position comes back */
	assert_true(saved_pos(ep2_id) < 0);
	assert_true(is_played(ep2_id));
	rig_free(&r);
}

static void test_played_at_end(void **state)
{
	(void)state;
	rig r = rig_new("ao-null-untimed=yes");
	db_episode_set_played(d, ep3_id, 0);
	db_episode_set_position(d, ep3_id, 21);
	cfg.played_margin = 0; /* only the end of the file counts */
	play(&r, ep3_id, 22);
	unsigned ev = pump(&r, PLAYER_EV_ENDED | PLAYER_EV_ERROR, NULL, NULL);
	cfg.played_margin = 3;
	assert_true(ev & PLAYER_EV_ENDED);
	assert_int_equal(playback_episode(r.pb), 0);
	assert_null(playback_error(r.pb));
	assert_true(is_played(ep3_id));
	assert_true(saved_pos(ep3_id) < 0);
	rig_free(&r);
}

static void test_cut_stream(void **state)
{
	(void)state;
	rig r = rig_new(NULL);
	play(&r, cut_id, 9);
	unsigned ev = pump(&r, PLAYER_EV_ENDED | PLAYER_EV_ERROR, NULL, NULL);
	if (!(ev & PLAYER_EV_ENDED))
		fail_msg("expected an end of file, got %#x: %s", ev,
			 player_error(r.p) ? player_error(r.p) : "");
	assert_non_null(playback_error(r.pb));
	assert_non_null(strstr(playback_error(r.pb), "ended early"));
	assert_false(is_played(cut_id));
	assert_true(saved_pos(cut_id) >= 10);
	rig_free(&r);
}

static void test_errors(void **state)
{
	(void)state;
	rig r = rig_new(NULL);
	db_episode_set_position(d, missing_id, 7);
	play(&r, missing_id, -1);
	unsigned ev = pump(&r, PLAYER_EV_ERROR | PLAYER_EV_LOADED, NULL, NULL);
	assert_true(ev & PLAYER_EV_ERROR);
	assert_int_equal(playback_episode(r.pb), 0);
	assert_non_null(strstr(playback_error(r.pb), "cannot play"));
	assert_non_null(strstr(playback_error(r.pb), "No such file"));
	assert_near(saved_pos(missing_id), 7, 0.001); /* untouched */
	/* The front end shows the error once, as a message: not here too. */
	char *line = playback_status_line(r.pb, 100);
	assert_string_equal(line, "");
	free(line);
	char *err = NULL;
	assert_int_equal(playback_play(r.pb, remote_id, 0, &err), -1);
	assert_non_null(strstr(err, "only http and https"));
	free(err);
	assert_int_equal(playback_play(r.pb, 999999, 0, &err), -1);
	assert_non_null(strstr(err, "no such episode"));
	free(err);
	/* And the next play works. */
	play(&r, ep_id, 0);
	assert_null(playback_error(r.pb));
	ev = pump(&r, PLAYER_EV_LOADED | PLAYER_EV_ERROR, NULL, NULL);
	assert_true(ev & PLAYER_EV_LOADED);
	rig_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_embedded_chapters_stored),
		cmocka_unit_test(test_resume_and_saves),
		cmocka_unit_test(test_switch_saves),
		cmocka_unit_test(test_chapter_commands),
		cmocka_unit_test(test_past_end_refused),
		cmocka_unit_test(test_many_chapters),
		cmocka_unit_test(test_deferred_chapter),
		cmocka_unit_test(test_status_line),
		cmocka_unit_test(test_played_at_margin),
		cmocka_unit_test(test_played_at_end),
		cmocka_unit_test(test_cut_stream),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
