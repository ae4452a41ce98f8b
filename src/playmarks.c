/*
 * playmarks.c - heard stretches and skips of the episode playing (see
 * playmarks.h).
 *
 * Heard: a run [run_a, run_b] grows while positions advance as playing
 * does (no further than the wall-clock time since the last one at the
 * speed, plus RUN_SLACK_S: a busy machine that reads events late still
 * extends the run); a seek, a jump or a step back closes it into the
 * pending list, which playmarks_flush adds to the cache. So a seek across a chapter never
 * counts it as heard: only what actually played does.
 *
 * Skips: the plan (skiprule.h) is rebuilt whenever the chapters, the
 * toggles or the duration change. A position inside a stretch asks for a
 * seek to its end; the same stretch is not asked for again until
 * SKIP_RETRY_MS passed (the seek is in flight; a seek that fails is
 * handled by the player and playback as any other). `z` marks the stretch
 * just skipped undone and seeks back to its start.
 */
#include "playmarks.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heard.h"
#include "log.h"
#include "ptime.h"
#include "skiprule.h"
#include "text.h"
#include "util.h"

#define RUN_SLACK_S 1.5
#define SKIP_RETRY_MS 1500
#define NOTE_MS 5000

struct playmarks {
	db *d;
	dbw *w;                          /* the writer (dbwriter.h), or NULL */
	int64_t episode;                 /* 0 = none */
	const chapter_list *chapters;    /* borrowed from playback */
	double intro, outro;
	heard_list heard;                /* what the cache had, plus what played */
	heard_list pending;              /* played, not yet written */
	double run_a, run_b;             /* the run being played; run_a < 0: none */
	int64_t run_ms;                  /* when run_b was seen */
	int heard_count;                 /* heard chapters at the last flush */
	skip_plan plan;
	double plan_duration;
	int last;                        /* the plan's stretch skipped last, -1 none */
	int asked;                       /* the stretch a seek was asked for, -1 none */
	int64_t asked_ms;
	char *note;
	int64_t note_ms;
};

playmarks *playmarks_new(db *d)
{
	playmarks *m = xcalloc(1, sizeof *m);
	m->d = d;
	m->run_a = -1;
	m->last = m->asked = -1;
	return m;
}

void playmarks_set_writer(playmarks *m, dbw *w)
{
	m->w = w;
}

void playmarks_free(playmarks *m)
{
	if (!m)
		return;
	playmarks_stop(m, -1);
	free(m->note);
	free(m);
}

static int count_heard(const playmarks *m, double duration)
{
	int n = 0;
	for (size_t i = 0; m->chapters && i < m->chapters->n; i++)
		n += m->chapters->v[i].source != CHAP_SRC_USER &&
		     heard_chapter(&m->heard, m->chapters, i, duration);
	return n;
}

/* The plan for the current chapters, skips and duration; stretches taken
 * back stay so. */
static void build_plan(playmarks *m, double duration)
{
	skip_plan old = m->plan;
	double last_a = m->last >= 0 && (size_t)m->last < old.n ? old.v[m->last].a : -1;
	m->plan = (skip_plan)SKIP_PLAN_INIT;
	const chapter_list *c = m->chapters;
	int *skip = c && c->n ? xcalloc(c->n, sizeof *skip) : NULL;
	if (skip && dbw_chapter_skips(m->w, m->d, m->episode, c, skip) != 0) {
		log_msg("playback", "cannot read skips: %s", db_errmsg(m->d));
		memset(skip, 0, c->n * sizeof *skip);
	}
	static const chapter_list none = CHAPTER_LIST_INIT;
	skip_plan_build(&m->plan, c ? c : &none, skip, duration, m->intro, m->outro);
	free(skip);
	for (size_t i = 0; i < m->plan.n; i++)
		for (size_t k = 0; k < old.n; k++)
			if (old.v[k].undone && fabs(old.v[k].a - m->plan.v[i].a) < 0.01)
				m->plan.v[i].undone = 1;
	skip_plan_clear(&old);
	m->plan_duration = duration;
	m->last = m->asked = -1;
	for (size_t i = 0; last_a >= 0 && i < m->plan.n; i++)
		if (fabs(m->plan.v[i].a - last_a) < 0.01)
			m->last = (int)i;
}

void playmarks_start(playmarks *m, int64_t episode, const chapter_list *chapters,
		     double duration, double intro, double outro)
{
	playmarks_stop(m, -1);
	m->episode = episode;
	m->chapters = chapters;
	m->intro = intro;
	m->outro = outro;
	if (db_heard_get(m->d, episode, &m->heard) != 0)
		log_msg("playback", "cannot read what was heard: %s", db_errmsg(m->d));
	dbw_overlay_heard(m->w, episode, &m->heard); /* not stored yet */
	m->heard_count = count_heard(m, duration);
	skip_plan_clear(&m->plan);
	build_plan(m, duration);
}

void playmarks_replan(playmarks *m, double duration)
{
	if (m->episode)
		build_plan(m, duration);
}

/* Closes the run into the pending (and known) stretches. */
static void close_run(playmarks *m)
{
	if (m->run_a >= 0 && m->run_b > m->run_a) {
		heard_add(&m->pending, m->run_a, m->run_b);
		heard_add(&m->heard, m->run_a, m->run_b);
	}
	m->run_a = -1;
}

static void track(playmarks *m, double pos, int seeked, double speed, int64_t now_ms)
{
	double can = (double)(now_ms - m->run_ms) / 1000.0 * (speed > 0 ? speed : 1) + RUN_SLACK_S;
	m->run_ms = now_ms;
	if (m->run_a >= 0 && !seeked && pos >= m->run_b && pos - m->run_b <= can) {
		m->run_b = pos;
		return;
	}
	close_run(m);
	m->run_a = m->run_b = pos;
}

static const char *span_title(const playmarks *m, const skip_span *s)
{
	if (s->chapter < 0)
		return s->a <= 0 ? "the intro" : "the outro";
	const char *t = m->chapters && (size_t)s->chapter < m->chapters->n
				? m->chapters->v[s->chapter].title
				: NULL;
	return t && !str_blank(t) ? t : "a chapter";
}

double playmarks_position(playmarks *m, double pos, double duration, double speed,
			  int seeked, int can_skip, int64_t now_ms)
{
	if (!m->episode || pos < 0)
		return -1;
	track(m, pos, seeked, speed, now_ms);
	if (duration > 0 && fabs(duration - m->plan_duration) > 0.5)
		build_plan(m, duration);
	if (!can_skip)
		return -1;
	int i = skip_plan_find(&m->plan, pos);
	if (i < 0)
		return -1;
	if (i == m->asked && now_ms - m->asked_ms < SKIP_RETRY_MS)
		return -1;
	/* A seek to the end lands a second before it (player.h) and plays
	 * out: already there, nothing more to pass over. */
	if (duration > 0 && m->plan.v[i].b >= duration - 1.0 && pos >= duration - 1.1)
		return -1;
	m->asked = m->last = i;
	m->asked_ms = now_ms;
	char *note = xasprintf("skipped: %s (z: undo)", span_title(m, &m->plan.v[i]));
	playmarks_set_note(m, note, now_ms);
	free(note);
	log_msg("playback", "episode %lld: skipping %.1f..%.1f", (long long)m->episode,
		m->plan.v[i].a, m->plan.v[i].b);
	return m->plan.v[i].b;
}

int playmarks_flush(playmarks *m, double duration)
{
	if (!m->episode)
		return 0;
	if (m->run_a >= 0 && m->run_b > m->run_a) {
		double b = m->run_b;
		close_run(m);
		m->run_a = m->run_b = b; /* the run goes on from here */
	}
	/* Through the writer: a lock held by another process never stops
	 * playback (the stretches join the position queued with them). */
	if (m->pending.n && dbw_heard_add(m->w, m->d, m->episode, &m->pending) != 0)
		log_msg("playback", "cannot save what was heard: %s", db_errmsg(m->d));
	heard_clear(&m->pending);
	int n = count_heard(m, duration);
	int changed = n != m->heard_count;
	m->heard_count = n;
	return changed;
}

void playmarks_stop(playmarks *m, double duration)
{
	if (!m->episode)
		return;
	close_run(m);
	playmarks_flush(m, duration);
	heard_clear(&m->heard);
	heard_clear(&m->pending);
	skip_plan_clear(&m->plan);
	m->episode = 0;
	m->chapters = NULL;
	m->run_a = -1;
	m->last = m->asked = -1;
}

int playmarks_undo(playmarks *m, double *to, char **msg, int64_t now_ms)
{
	*msg = NULL;
	if (!m->episode || m->last < 0 || (size_t)m->last >= m->plan.n) {
		*msg = xstrdup("nothing was skipped to undo");
		return -1;
	}
	skip_span *s = &m->plan.v[m->last];
	s->undone = 1;
	*to = s->a;
	char *note = xasprintf("not skipping %s this time", span_title(m, s));
	playmarks_set_note(m, note, now_ms);
	free(note);
	m->last = m->asked = -1;
	return 0;
}

void playmarks_set_note(playmarks *m, const char *note, int64_t now_ms)
{
	free(m->note);
	m->note = note ? text_sanitize(note, (size_t)-1, 0) : NULL;
	m->note_ms = now_ms;
}

const char *playmarks_note(const playmarks *m, int64_t now_ms)
{
	return m->note && now_ms - m->note_ms < NOTE_MS ? m->note : NULL;
}

int playmarks_unheard_at(db *d, dbw *w, int64_t episode_id, double *at, char **msg)
{
	*msg = NULL;
	db_episode e;
	int rc = db_episode_get(d, episode_id, &e);
	if (rc != 0) {
		*msg = rc > 0 ? xasprintf("no such episode: %lld", (long long)episode_id)
			      : xstrdup(db_errmsg(d));
		return -1;
	}
	chapter_list l = CHAPTER_LIST_INIT;
	heard_list h = HEARD_LIST_INIT;
	if (db_chapters_visible(d, episode_id, &l) != 0 || db_heard_get(d, episode_id, &h) != 0)
		log_msg("playback", "cannot read chapters or what was heard: %s", db_errmsg(d));
	dbw_overlay_bookmarks(w, episode_id, &l);
	dbw_overlay_heard(w, episode_id, &h);
	int idx = heard_first_unheard(&h, &l, e.duration);
	if (idx >= 0)
		*at = l.v[idx].start;
	else
		*msg = xstrdup(l.n ? "every chapter is heard" : "this episode has no chapters");
	chapter_list_clear(&l);
	heard_clear(&h);
	db_episode_free(&e);
	return idx >= 0 ? 0 : -1;
}

int playmarks_first_unheard(const playmarks *m, double duration)
{
	if (!m->chapters)
		return -1;
	heard_list all = HEARD_LIST_INIT;
	for (size_t i = 0; i < m->heard.n; i++)
		heard_add(&all, m->heard.v[i].a, m->heard.v[i].b);
	if (m->run_a >= 0)
		heard_add(&all, m->run_a, m->run_b);
	int idx = heard_first_unheard(&all, m->chapters, duration);
	heard_clear(&all);
	return idx;
}
