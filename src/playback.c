/*
 * playback.c - what plays, on top of the player and the cache (see
 * playback.h).
 *
 * The position the user sees is the player's time_pos; pb->pos keeps the
 * last one known for the current episode, which is what gets saved (the
 * player forgets it once the file ended or stopped). Positions are saved
 * only once the file has loaded: a failed load must not overwrite a saved
 * position with the (rewound) start. Nor is a position that came from a
 * failed seek: when the start offset could not be reached (a server that
 * ignores Range requests, see player.h), nothing before it, or before the
 * position saved when the play began, is saved until a seek succeeds.
 */
#include "playback.h"
#include "playback_int.h"
#include "upnext.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "command.h"
#include "dlfile.h"
#include "log.h"
#include "playmarks.h"
#include "ptime.h"
#include "sleep.h"
#include "text.h"
#include "util.h"

/* A chapter counts as current from this much before its start: seeks land
 * a hair early (4.99999 for 5), and MP3 chapter times carry the encoder
 * delay. */
#define CHAPTER_EPS 0.1
/* An end-of-file this far before the known end is a cut stream, not the
 * end of the episode (unless played_margin is wider). */
#define EARLY_END_S 10.0

playback *playback_new(db *d, const config *c, player *p)
{
	playback *pb = xcalloc(1, sizeof *pb);
	pb->d = d;
	pb->c = c;
	pb->p = p;
	pb->pos = -1;
	pb->saved_pos = -1;
	pb->resumed_from = -1;
	pb->feed_duration = -1;
	pb->marks = playmarks_new(d);
	pb->held_fd = -1;
	return pb;
}

void playback_set_writer(playback *pb, dbw *w)
{
	pb->w = w;
	playmarks_set_writer(pb->marks, w);
}

void playback_free(playback *pb)
{
	if (!pb)
		return;
	playback_stop(pb);
	playmarks_free(pb->marks);
	free(pb->error);
	free(pb);
}

static void set_error(playback *pb, const char *fmt, ...) PC_PRINTF(2, 3);
static void set_error(playback *pb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sbuf b = SBUF_INIT;
	sb_vprintf(&b, fmt, ap);
	va_end(ap);
	free(pb->error);
	pb->error = text_sanitize(b.s ? b.s : "", b.len, 0);
	sb_free(&b);
	log_msg("playback", "%s", pb->error);
}

/* The player's state when it is about our episode, else NULL. */
const player_state *pbi_state(const playback *pb)
{
	const player_state *st = player_get(pb->p);
	return pb->episode && st->tag == pb->episode ? st : NULL;
}

double pbi_duration(const playback *pb)
{
	const player_state *st = pbi_state(pb);
	if (st && st->duration > 0)
		return st->duration;
	return pb->feed_duration;
}

/* The media's own duration, -1 while unknown: what skips plan by. The
 * feed's duration can be wrong by minutes, and a skip to its "end" (an
 * outro, a skipped last chapter) would jump over what is really left and
 * mark the episode played. */
static double media_duration(const playback *pb)
{
	const player_state *st = pbi_state(pb);
	return st && st->duration > 0 ? st->duration : -1;
}

double pbi_position(const playback *pb)
{
	const player_state *st = pbi_state(pb);
	if (st && st->time_pos >= 0)
		return st->time_pos;
	return pb->pos;
}

/* 1 when pos lies within played_margin of the end. */
static int in_margin(const playback *pb, double pos)
{
	double d = pbi_duration(pb);
	return d > 0 && pb->c->played_margin > 0 && pos >= d - pb->c->played_margin;
}

/* 1 while the position is not where the user was: the start offset could
 * not be reached, and playback is before it (or before the saved one). */
double pbi_hold_floor(const playback *pb, const player_state *st)
{
	return st->unreached > pb->resumed_from ? st->unreached : pb->resumed_from;
}

int pbi_held(const playback *pb)
{
	const player_state *st = pbi_state(pb);
	return st && st->unreached >= 0 && pbi_position(pb) < pbi_hold_floor(pb, st);
}

static void save(playback *pb)
{
	double now = pbi_position(pb);
	if (now >= 0)
		pb->pos = now;
	if (pb->episode)
		pb->marks_changed |= playmarks_flush(pb->marks, pbi_duration(pb));
	if (!pb->episode || !pb->loaded || pb->pos < 0 || pb->pos == pb->saved_pos || pbi_held(pb))
		return;
	if (pb->played && in_margin(pb, pb->pos))
		return; /* finished: keep it played without a position */
	if (dbw_set_position(pb->w, pb->d, pb->episode, pb->pos) < 0)
		log_msg("playback", "cannot save the position: %s", db_errmsg(pb->d));
	pb->saved_pos = pb->pos;
	pb->last_save_ms = now_ms();
}

/* Lets a cleanup delete the file played until now. */
static void release_file(playback *pb)
{
	if (pb->held_fd >= 0)
		close(pb->held_fd);
	pb->held_fd = -1;
}

static void forget_episode(playback *pb)
{
	release_file(pb);
	playmarks_stop(pb->marks, pbi_duration(pb));
	pb->episode = 0;
	pb->loaded = 0;
	pb->want_chapter = 0;
	pb->pos = -1;
	pb->saved_pos = -1;
	pb->resumed_from = -1;
	pb->feed_duration = -1;
	free(pb->title);
	free(pb->podcast);
	pb->title = pb->podcast = NULL;
	pb->podcast_id = 0;
	chapter_list_clear(&pb->chapters);
}

void playback_stop(playback *pb)
{
	if (!pb->episode)
		return;
	/* What libmpv reported before the stop (the file loaded, a position)
	 * is taken first: a stop right after the load keeps where it was. */
	playback_handle(pb, player_process(pb->p));
	if (!pb->episode)
		return;
	save(pb);
	player_stop(pb->p);
	forget_episode(pb);
}

/* The visible chapters of id merged as the cache will have them once the
 * file's own chapters, still queued for the writer, are stored. */
static int chapters_with_queued(playback *pb, int64_t id, chapter_list *out)
{
	chapter_list src[CHAP_SRC_COUNT], all = CHAPTER_LIST_INIT;
	const chapter_list *lists[CHAP_SRC_COUNT];
	int rc = 0;
	for (int s = 0; s < CHAP_SRC_COUNT; s++) {
		src[s] = (chapter_list)CHAPTER_LIST_INIT;
		lists[s] = &src[s];
	}
	if (!dbw_overlay_embedded(pb->w, id, &src[CHAP_SRC_EMBEDDED]))
		rc = 1;
	for (int s = 0; rc == 0 && s < CHAP_SRC_COUNT; s++)
		if (s != CHAP_SRC_EMBEDDED && db_chapters_get(pb->d, id, s, &src[s]) != 0)
			rc = -1;
	if (rc == 0) {
		chapter_merge(lists, &all);
		/* The user's own chapters join the merged list (as in
		 * db_chapters_merged). */
		if (db_bookmark_chapters(pb->d, id, &all) != 0)
			log_msg("playback", "cannot read bookmarks: %s", db_errmsg(pb->d));
		chapter_list_sort(&all);
		chapter_list_clear(out);
		chapter_list_visible(&all, out);
	}
	chapter_list_clear(&all);
	for (int s = 0; s < CHAP_SRC_COUNT; s++)
		chapter_list_clear(&src[s]);
	return rc;
}

/* The visible chapters of id into out (cleared). */
static void load_chapters(playback *pb, int64_t id, chapter_list *out)
{
	int rc = chapters_with_queued(pb, id, out);
	if (rc > 0)
		rc = db_chapters_visible(pb->d, id, out);
	if (rc != 0)
		log_msg("playback", "cannot read chapters: %s", db_errmsg(pb->d));
	dbw_overlay_bookmarks(pb->w, id, out); /* bookmarks not stored yet */
}

/* The file's chapters were looked for (stored, or queued to be). */
static int embedded_probed(playback *pb, int64_t id)
{
	chapter_list l = CHAPTER_LIST_INIT;
	int queued = dbw_overlay_embedded(pb->w, id, &l);
	chapter_list_clear(&l);
	return queued || db_embedded_probed(pb->d, id);
}

/* Where a play starts. A start past the end is not clamped with the feed's
 * duration, which is often wrong: the player clamps it with the file's. */
static double start_of(const db_episode *e, double at, int rewind)
{
	double s = at;
	if (s < 0)
		s = e->position >= 0 ? e->position - rewind : 0;
	return s < 0 || !isfinite(s) ? 0 : s;
}

/* What to play and whether local files are allowed for it: the
 * downloaded file when it is still there (no network needed), else the
 * enclosure. *own receives a string to free, or NULL. */
static const char *media_url(playback *pb, const db_episode *e, int *allow_local, char **own)
{
	db_podcast pod;
	*allow_local = 0;
	*own = NULL;
	char *file;
	if (db_download_done_path(pb->d, e->id, &file) == 0) {
		struct stat st;
		if (stat(file, &st) == 0 && S_ISREG(st.st_mode)) {
			*allow_local = 1; /* a path podcue itself chose and wrote */
			/* No cleanup (here or in another podcue) deletes it while
			 * it plays. */
			release_file(pb);
			pb->held_fd = download_hold(file);
			*own = file;
			log_msg("playback", "episode %lld: playing the downloaded file",
				(long long)e->id);
			return file;
		}
		log_msg("playback", "episode %lld: the downloaded file %s is gone; streaming "
				    "the enclosure", (long long)e->id, file);
		free(file);
	}
	if (db_podcast_get(pb->d, e->podcast_id, &pod) == 0) {
		*allow_local = pod.is_local;
		db_podcast_free(&pod);
	}
	return str_blank(e->enclosure_url) ? NULL : e->enclosure_url;
}

/* The podcast's title, and the speed chosen for it (else the setting). */
static void podcast_info(playback *pb, int64_t id)
{
	db_podcast pod;
	pb->podcast_id = id;
	if (db_podcast_get(pb->d, id, &pod) == 0) {
		const char *t = !str_blank(pod.title) ? pod.title : pod.url;
		pb->podcast = text_sanitize(t ? t : "", (size_t)-1, 0);
		db_podcast_free(&pod);
	}
	double speed;
	if (!dbw_overlay_speed(pb->w, id, &speed) && db_podcast_speed(pb->d, id, &speed) != 0)
		speed = pb->c->speed > 0 ? pb->c->speed : 1.0;
	player_set_speed(pb->p, speed);
}

/* The seconds the podcast skips at the start (outro 0) or the end. */
static double skip_end(playback *pb, int64_t podcast, int outro)
{
	double secs;
	if (db_podcast_skip_end(pb->d, podcast, outro, &secs) != 0)
		secs = outro ? pb->c->skip_outro : pb->c->skip_intro;
	return secs;
}

static int start_episode(playback *pb, const db_episode *e, double at, char **err)
{
	int allow_local;
	char *own;
	const char *url = media_url(pb, e, &allow_local, &own);
	if (!url) {
		*err = xasprintf("episode %lld has no audio file", (long long)e->id);
		return -1;
	}
	double start = start_of(e, at, pb->c->resume_rewind);
	chapter_list ch = CHAPTER_LIST_INIT;
	load_chapters(pb, e->id, &ch);
	char *why = NULL;
	if (player_load(pb->p, url, allow_local, e->id, start, &ch, &why) != 0) {
		char *safe = text_sanitize(url, (size_t)-1, 0);
		*err = xasprintf("cannot play %s: %s", safe, why);
		free(safe);
		free(why);
		free(own);
		chapter_list_clear(&ch);
		release_file(pb);
		return -1;
	}
	free(own);
	pb->episode = e->id;
	pb->title = text_sanitize(e->title ? e->title : "", (size_t)-1, 0);
	podcast_info(pb, e->podcast_id);
	pb->feed_duration = e->duration;
	pb->chapters = ch;
	pb->pos = start;
	pb->resumed_from = e->position;
	pb->paused = 0;
	pb->played = 0;
	pb->was_played = e->played;
	pb->last_save_ms = now_ms();
	playmarks_start(pb->marks, e->id, &pb->chapters, -1, /* planned once known */
			skip_end(pb, e->podcast_id, 0), skip_end(pb, e->podcast_id, 1));
	return 0;
}

int playback_play(playback *pb, int64_t episode_id, double at, char **err)
{
	*err = NULL;
	playback_stop(pb); /* a switch saves what played */
	free(pb->error);
	pb->error = NULL;
	pb->finished = 0;
	pb->slept = 0;
	db_episode e;
	int rc = db_episode_get(pb->d, episode_id, &e);
	if (rc != 0) {
		*err = rc > 0 ? xasprintf("no such episode: %lld", (long long)episode_id)
			      : xstrdup(db_errmsg(pb->d));
		set_error(pb, "%s", *err);
		return -1;
	}
	dbw_overlay_episode(pb->w, &e); /* a position not stored yet */
	rc = start_episode(pb, &e, at, err);
	if (rc != 0)
		set_error(pb, "%s", *err);
	db_episode_free(&e);
	return rc;
}

/* Message for a chapter that cannot be a jump target, or NULL. */
static char *chapter_refusal(const chapter_list *l, int index, double dur)
{
	if (index < 1 || (size_t)index > l->n)
		return l->n ? xasprintf("no chapter %d (there are %zu)", index, l->n)
			    : xasprintf("no chapter %d (this episode has no chapters)", index);
	double s = l->v[index - 1].start;
	if (dur > 0 && s >= dur) {
		char at[16], end[16];
		ptime_clock(s, at, sizeof at);
		ptime_clock(dur, end, sizeof end);
		return xasprintf("chapter %d starts at %s, past the end (%s)", index, at, end);
	}
	return NULL;
}

int playback_play_chapter(playback *pb, int64_t episode_id, int index, char **err)
{
	*err = NULL;
	chapter_list l = CHAPTER_LIST_INIT;
	load_chapters(pb, episode_id, &l);
	db_episode e;
	double dur = -1;
	if (db_episode_get(pb->d, episode_id, &e) == 0) {
		dur = e.duration;
		db_episode_free(&e);
	}
	/* Chapters inside the file are known only once it is loaded: when the
	 * file was never probed, start at 0 and jump then. */
	int defer = index > 0 && (size_t)index > l.n && !embedded_probed(pb, episode_id);
	char *why = defer ? NULL : chapter_refusal(&l, index, dur);
	double at = why || defer ? 0 : l.v[index - 1].start;
	chapter_list_clear(&l);
	if (why) {
		*err = why;
		set_error(pb, "%s", why);
		return -1;
	}
	if (playback_play(pb, episode_id, at, err) != 0)
		return -1;
	pb->want_chapter = defer ? index : 0;
	return 0;
}

/* ---- events ---- */

static int same_chapters(const chapter_list *a, const chapter_list *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++) {
		const char *ta = a->v[i].title ? a->v[i].title : "";
		const char *tb = b->v[i].title ? b->v[i].title : "";
		if (fabs(a->v[i].start - b->v[i].start) > 0.25 || strcmp(ta, tb) != 0)
			return 0;
	}
	return 1;
}

/* Stores the chapters found in the file when they are news; returns 1 when
 * the cache changed. ID3 chapters read earlier from the file's head are
 * kept when libmpv agrees with them (its MP3 times carry the encoder
 * delay, the tag's are exact). */
static int store_embedded(playback *pb)
{
	const chapter_list *fc = player_file_chapters(pb->p);
	if (embedded_probed(pb, pb->episode)) {
		chapter_list old = CHAPTER_LIST_INIT;
		int same = (dbw_overlay_embedded(pb->w, pb->episode, &old) ||
			    db_chapters_get(pb->d, pb->episode, CHAP_SRC_EMBEDDED, &old) == 0) &&
			   same_chapters(&old, fc);
		chapter_list_clear(&old);
		if (same)
			return 0;
	}
	if (dbw_embedded_done(pb->w, pb->d, pb->episode, fc, now_s()) != 0) {
		log_msg("playback", "cannot store embedded chapters: %s", db_errmsg(pb->d));
		return 0;
	}
	return 1;
}

static void jump_to(playback *pb, int index, char **msg);

static int on_loaded(playback *pb)
{
	pb->loaded = 1;
	int changed = store_embedded(pb);
	if (changed) {
		load_chapters(pb, pb->episode, &pb->chapters);
		player_set_chapters(pb->p, &pb->chapters);
	}
	playmarks_replan(pb->marks, media_duration(pb));
	if (pb->want_chapter) {
		char *msg = NULL;
		jump_to(pb, pb->want_chapter, &msg);
		pb->want_chapter = 0;
		if (msg) {
			set_error(pb, "%s", msg);
			free(msg);
			save(pb);
			player_stop(pb->p);
			forget_episode(pb);
			return 1;
		}
	}
	return changed;
}

static void set_played(playback *pb, int played)
{
	if (dbw_set_played(pb->w, pb->d, pb->episode, played) < 0)
		log_msg("playback", "cannot mark played: %s", db_errmsg(pb->d));
	pb->played = played;
	pb->saved_pos = -1;
}

/* Records what plays and passes over a skipped stretch the position is
 * in (never while the position is held back by a failed seek: it is not
 * where the user is). */
static void follow_marks(playback *pb, const player_state *st, int seeked)
{
	double to = playmarks_position(pb->marks, st->time_pos, media_duration(pb), st->speed, seeked,
				       pb->loaded && !pbi_held(pb), now_ms());
	if (to >= 0)
		player_seek(pb->p, to, 1); /* to the end: plays out and ends (player.h) */
}

/* Reaching the margin marks the episode played; going back out of it
 * (a seek to the end and back) undoes that, unless it was played before. */
static int on_position(playback *pb, const player_state *st)
{
	pb->pos = st->time_pos;
	int changed = 0, near_end = in_margin(pb, pb->pos);
	if (near_end && !pb->played) {
		set_played(pb, 1);
		changed = 1;
	} else if (!near_end && pb->played) {
		if (!pb->was_played)
			set_played(pb, 0);
		pb->played = 0;
		changed = !pb->was_played;
	}
	if (st->status == PLAYER_PLAYING &&
	    now_ms() - pb->last_save_ms >= (int64_t)pb->c->save_interval * 1000)
		save(pb);
	return changed;
}

/* End of file: the episode is played, unless the stream was cut well
 * before its known end (then the position is kept and it is an error). */
static int on_ended(playback *pb)
{
	const player_state *st = player_get(pb->p); /* keeps the last values */
	double d = st->duration > 0 ? st->duration : pb->feed_duration;
	if (st->time_pos > pb->pos)
		pb->pos = st->time_pos;
	double early = pb->c->played_margin > EARLY_END_S ? pb->c->played_margin : EARLY_END_S;
	int changed = 0;
	if (d > 0 && pb->pos >= 0 && pb->pos < d - early) {
		char at[16], end[16];
		ptime_clock(pb->pos, at, sizeof at);
		ptime_clock(d, end, sizeof end);
		set_error(pb, "the stream ended early, at %s of %s", at, end);
		save(pb);
	} else {
		if (!pb->played) {
			set_played(pb, 1);
			changed = 1;
		}
		/* Played to the end: it leaves the queue (if it was queued). */
		changed |= dbw_queue_remove(pb->w, pb->d, pb->episode) == 0;
		pb->finished = pb->episode;
	}
	forget_episode(pb);
	return changed;
}

/* Pauses when the sleep timer is due. Checked on position events, which
 * come only while playing: a timer that came due during a pause (a gap
 * since the last check) is dropped rather than pausing a resumed play. */
static void check_sleep(playback *pb, const player_state *st, int seeked)
{
	if (!pb->sleep.kind || st->status != PLAYER_PLAYING)
		return;
	int64_t now = now_ms(), gap = now - pb->sleep_seen_ms;
	pb->sleep_seen_ms = now;
	if (!sleep_due(&pb->sleep, now, playback_chapter_index(pb), seeked))
		return;
	int dropped = pb->sleep.kind == SLEEP_MINUTES && gap > 2000;
	sleep_set(&pb->sleep, SLEEP_OFF, 0, -1, now);
	if (dropped)
		return;
	log_msg("playback", "sleep timer: pausing");
	player_set_pause(pb->p, 1);
	save(pb);
}

int playback_handle(playback *pb, unsigned ev)
{
	if (!pb->episode)
		return 0;
	int changed = 0;
	const player_state *st = pbi_state(pb);
	if (ev & PLAYER_EV_LOADED)
		changed |= on_loaded(pb);
	st = pbi_state(pb);
	if (st && (ev & (PLAYER_EV_POS | PLAYER_EV_SEEKED)) && st->time_pos >= 0 && pb->loaded) {
		changed |= on_position(pb, st);
		follow_marks(pb, st, (ev & PLAYER_EV_SEEKED) != 0);
	}
	if (st && (ev & (PLAYER_EV_POS | PLAYER_EV_SEEKED)))
		check_sleep(pb, st, ev & PLAYER_EV_SEEKED);
	if (st && (ev & PLAYER_EV_STATE)) {
		int paused = st->status == PLAYER_PAUSED;
		if (paused && !pb->paused)
			save(pb);
		pb->paused = paused;
	}
	changed |= pb->marks_changed;
	pb->marks_changed = 0;
	if (ev & PLAYER_EV_ENDED) {
		pb->slept = pb->sleep.kind == SLEEP_EPISODE;
		if (pb->slept)
			sleep_set(&pb->sleep, SLEEP_OFF, 0, -1, 0);
		changed |= on_ended(pb);
	} else if (ev & PLAYER_EV_ERROR) {
		/* Before the load nothing was played: the saved position stays. */
		const char *why = player_error(pb->p);
		set_error(pb, "%s: %s", pb->loaded ? "playback stopped" : "cannot play",
			  why ? why : "unknown error");
		save(pb);
		forget_episode(pb);
	}
	return changed;
}

/* ---- commands ---- */

int playback_chapter_index(const playback *pb)
{
	double pos = pbi_position(pb);
	int idx = -1;
	for (size_t i = 0; i < pb->chapters.n; i++)
		if (pb->chapters.v[i].start <= pos + CHAPTER_EPS)
			idx = (int)i;
	return idx;
}

/* Seeks to visible chapter index (1-based) or sets *msg. */
static void jump_to(playback *pb, int index, char **msg)
{
	*msg = chapter_refusal(&pb->chapters, index, pbi_duration(pb));
	if (!*msg)
		player_seek(pb->p, pb->chapters.v[index - 1].start, 1);
}

static int next_chapter(playback *pb, char **msg)
{
	int idx = playback_chapter_index(pb);
	if ((size_t)(idx + 1) >= pb->chapters.n) {
		*msg = xstrdup(pb->chapters.n ? "this is the last chapter"
					      : "this episode has no chapters");
		return -1;
	}
	jump_to(pb, idx + 2, msg);
	return *msg ? -1 : 0;
}

/* To the start of this chapter, or of the one before when within
 * prev_chapter_grace seconds of this one's start. */
static int prev_chapter(playback *pb)
{
	int idx = playback_chapter_index(pb);
	if (idx < 0) {
		player_seek(pb->p, 0, 1);
		return 0;
	}
	if (idx > 0 && pbi_position(pb) - pb->chapters.v[idx].start < pb->c->prev_chapter_grace)
		idx--;
	player_seek(pb->p, pb->chapters.v[idx].start, 1);
	return 0;
}

/* Sets the speed and remembers it for the podcast (dir 0: normal speed). */
static void step_speed(playback *pb, int dir)
{
	double s = dir ? player_get(pb->p)->speed + dir * pb->c->speed_step / 100.0 : 1.0;
	player_set_speed(pb->p, round(s * 100) / 100);
	if (pb->podcast_id &&
	    dbw_podcast_set_speed(pb->w, pb->d, pb->podcast_id, player_get(pb->p)->speed) != 0)
		log_msg("playback", "cannot save the speed: %s", db_errmsg(pb->d));
}

static int seek_cmd(playback *pb, int cmd, int count)
{
	int n = count > 0 ? count : 1;
	double step = cmd == CMD_SEEK_BACK || cmd == CMD_SEEK_FORWARD ? pb->c->seek_step
								      : pb->c->seek_step_big;
	int back = cmd == CMD_SEEK_BACK || cmd == CMD_SEEK_BACK_BIG;
	player_seek(pb->p, (back ? -1 : 1) * step * n, 0);
	return 0;
}

/* ---- marks: bookmarks, skips, heard chapters ---- */

void playback_marks_changed(playback *pb, int64_t episode_id)
{
	if (!pb->episode || pb->episode != episode_id)
		return;
	load_chapters(pb, pb->episode, &pb->chapters);
	if (pb->loaded)
		player_set_chapters(pb->p, &pb->chapters);
	playmarks_replan(pb->marks, media_duration(pb));
}

int playback_bookmark(playback *pb, double at, const char *note, char **msg)
{
	*msg = NULL;
	if (!pb->episode)
		return 1;
	if (at < 0)
		at = pbi_position(pb);
	/* Through the writer, shown at once (its overlay); its id is not
	 * needed. */
	if (dbw_bookmark_add(pb->w, pb->d, pb->episode, at < 0 ? 0 : at, note) != 0) {
		*msg = xasprintf("cannot add the bookmark: %s", db_errmsg(pb->d));
		return -1;
	}
	playback_marks_changed(pb, pb->episode);
	char t[16];
	ptime_clock(at < 0 ? 0 : at, t, sizeof t);
	char *n = xasprintf("bookmarked at %s", t);
	playmarks_set_note(pb->marks, n, now_ms());
	free(n);
	return 0;
}

/* Toggles skipping visible chapter index (1-based; 0: the current one,
 * the feed's or file's chapter playing, not a bookmark just made in it). */
static int toggle_skip(playback *pb, int index, char **msg)
{
	int i = index > 0 ? index - 1 : playback_chapter_index(pb), on;
	while (index <= 0 && i >= 0 && pb->chapters.v[i].source == CHAP_SRC_USER)
		i--;
	int rc = i < 0 ? 1
		       : dbw_chapter_skip_toggle(pb->w, pb->d, pb->episode, &pb->chapters,
						 (size_t)i, &on);
	if (rc != 0) {
		*msg = rc > 0 ? xstrdup("no chapter to skip there (a bookmark is never skipped)")
			      : xasprintf("cannot change the skip: %s", db_errmsg(pb->d));
		return -1;
	}
	playback_marks_changed(pb, pb->episode);
	char *n = xasprintf("chapter %d %s", i + 1, on ? "skipped (X again: play it)" : "plays");
	playmarks_set_note(pb->marks, n, now_ms());
	free(n);
	return 0;
}

static int undo_skip(playback *pb, char **msg)
{
	double to;
	if (playmarks_undo(pb->marks, &to, msg, now_ms()) != 0)
		return -1;
	player_seek(pb->p, to, 1);
	return 0;
}

int playback_play_unheard(playback *pb, int64_t episode_id, char **err)
{
	*err = NULL;
	double at;
	if (pb->episode != episode_id)
		return playmarks_unheard_at(pb->d, pb->w, episode_id, &at, err) == 0
			       ? playback_play(pb, episode_id, at, err)
			       : -1;
	int idx = playmarks_first_unheard(pb->marks, pbi_duration(pb));
	if (idx < 0) {
		*err = xstrdup(pb->chapters.n ? "every chapter is heard"
					      : "this episode has no chapters");
		return -1;
	}
	player_seek(pb->p, pb->chapters.v[idx].start, 1);
	return 0;
}

int playback_command(playback *pb, int cmd, int count, char **msg)
{
	*msg = NULL;
	if (cmd == CMD_QUIT) {
		save(pb);
		return 0;
	}
	if (!pb->episode)
		return 1;
	const player_state *st = player_get(pb->p);
	switch (cmd) {
	case CMD_PAUSE:
		player_set_pause(pb->p, st->status != PLAYER_PAUSED);
		return 0;
	case CMD_STOP:
		playback_stop(pb);
		return 0;
	case CMD_SEEK_BACK:
	case CMD_SEEK_FORWARD:
	case CMD_SEEK_BACK_BIG:
	case CMD_SEEK_FORWARD_BIG:
		return seek_cmd(pb, cmd, count);
	case CMD_NEXT_CHAPTER:
		return next_chapter(pb, msg);
	case CMD_PREV_CHAPTER:
		return prev_chapter(pb);
	case CMD_CHAPTER:
		if (count <= 0) {
			*msg = xstrdup("type the chapter number first, e.g. 3c");
			return -1;
		}
		jump_to(pb, count, msg);
		return *msg ? -1 : 0;
	case CMD_VOLUME_UP:
	case CMD_VOLUME_DOWN:
		player_set_volume(pb->p, st->volume + (cmd == CMD_VOLUME_UP ? 1 : -1) *
							      pb->c->volume_step);
		return 0;
	case CMD_FASTER:
	case CMD_SLOWER:
	case CMD_SPEED_RESET:
		step_speed(pb, cmd == CMD_FASTER ? 1 : cmd == CMD_SLOWER ? -1 : 0);
		return 0;
	case CMD_MUTE:
		player_set_mute(pb->p, !st->mute);
		return 0;
	case CMD_SLEEP:
		if (count > 0)
			sleep_set(&pb->sleep, SLEEP_MINUTES, count * 60, -1, now_ms());
		else
			sleep_cycle(&pb->sleep, playback_chapter_index(pb), now_ms());
		if (pb->sleep.kind == SLEEP_CHAPTER && !pb->chapters.n) /* none to end */
			sleep_cycle(&pb->sleep, -1, now_ms());
		pb->sleep_seen_ms = now_ms();
		return 0;
	case CMD_SEEK:
		*msg = xstrdup("usage: seek 1:23:45 (to a time), seek +90 or seek -30 (seconds)");
		return -1;
	case CMD_BOOKMARK:
		return playback_bookmark(pb, -1, NULL, msg);
	case CMD_SKIP_CHAPTER:
		return toggle_skip(pb, count, msg);
	case CMD_SKIP_UNDO:
		return undo_skip(pb, msg);
	case CMD_UNHEARD:
		return playback_play_unheard(pb, pb->episode, msg);
	}
	*msg = xasprintf("'%s' is not a playback command",
			 cmd >= 0 && cmd < CMD_COUNT ? cmd_table[cmd].name : "?");
	return -1;
}

int playback_next_episode(playback *pb, int dir, int dry_run)
{
	if (!pb->episode)
		return 0;
	if (dir < 0) { /* no "previous episode": back to this one's start */
		if (!dry_run && pb->loaded)
			player_seek(pb->p, 0, 1);
		return pb->loaded;
	}
	int64_t next = upnext_skip(pb->d, pb->w, pb->c->continue_mode, pb->episode);
	if (!next || dry_run)
		return next != 0;
	char *err = NULL;
	if (playback_play(pb, next, -1, &err) != 0) {
		free(err); /* playback_error says it */
		return 0;
	}
	return 1;
}

int playback_sleep(playback *pb, const char *arg, char **msg)
{
	int kind, secs;
	*msg = NULL;
	if (sleep_parse(arg, &kind, &secs) != 0) {
		*msg = xstrdup("usage: sleep 30m, 90s, 1h, chapter, episode or off");
		return -1;
	}
	if (kind == SLEEP_CHAPTER && pb->episode && !pb->chapters.n) {
		*msg = xstrdup("this episode has no chapters (sleep episode waits for its end)");
		return -1;
	}
	sleep_set(&pb->sleep, kind, secs, playback_chapter_index(pb), now_ms());
	pb->sleep_seen_ms = now_ms();
	return 0;
}

int playback_command_arg(playback *pb, int cmd, const char *arg, int count, char **msg)
{
	*msg = NULL;
	if (!arg)
		return playback_command(pb, cmd, count, msg);
	if (cmd == CMD_SLEEP)
		return playback_sleep(pb, arg, msg);
	if (cmd == CMD_BOOKMARK)
		return playback_bookmark(pb, -1, arg, msg);
	if (cmd != CMD_SEEK) {
		char *safe = text_sanitize(arg, (size_t)-1, 0);
		*msg = xasprintf("%s takes no argument (got '%s')",
				 cmd >= 0 && cmd < CMD_COUNT ? cmd_table[cmd].name : "?", safe);
		free(safe);
		return -1;
	}
	double secs;
	int rel;
	if (ptime_seek_arg(arg, &secs, &rel) != 0)
		return playback_command(pb, CMD_SEEK, 0, msg); /* its usage */
	if (!pb->episode)
		return 1;
	player_seek(pb->p, secs, !rel);
	return 0;
}

/* ---- accessors and display ---- */

int64_t playback_finished(const playback *pb)
{
	return pb->slept ? 0 : pb->finished;
}

int64_t playback_episode(const playback *pb)
{
	return pb->episode;
}

const chapter_list *playback_chapters(const playback *pb)
{
	return &pb->chapters;
}

const char *playback_title(const playback *pb)
{
	return pb->episode ? pb->title : NULL;
}

double playback_position(const playback *pb)
{
	return pb->episode ? pbi_position(pb) : -1;
}

double playback_duration(const playback *pb)
{
	return pb->episode ? pbi_duration(pb) : -1;
}

const char *playback_error(const playback *pb)
{
	return pb->error;
}
