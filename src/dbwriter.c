/*
 * dbwriter.c - the TUI's writes, applied by a thread of their own (see
 * dbwriter.h).
 *
 * Threading: the queue of writes (ops), the flags and the message list are
 * shared and guarded by mu; the writer's connection belongs to its thread
 * (and, once the thread has ended, to dbw_stop). The first op stays in the
 * queue while the thread applies it (inflight), so the overlays still see
 * it and nothing is lost if it fails; the UI thread never changes an op in
 * flight.
 */
#include "dbwriter.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "ptime.h"
#include "text.h"
#include "util.h"

enum {
	OP_PLAYED, OP_POSITION, OP_QADD, OP_QREMOVE, OP_QMOVE, OP_SORT, OP_SPEED, OP_EMBEDDED,
	OP_BM_ADD, OP_BM_DELETE, OP_SKIP_SET, OP_RULE_ADD, OP_RULE_REMOVE
};

/* An OP_POSITION carries the episode's position (x; NAN: none) and the
 * stretches heard (h) saved with it: both are idempotent to write again,
 * so newer saves of the same episode merge into the queued one, even while
 * it is in flight (dirty: it is written again once it lands). */
typedef struct op {
	int kind;
	int64_t id;   /* episode; podcast for OP_SORT/OP_SPEED/OP_RULE_*; bookmark for OP_BM_DELETE */
	int64_t n;    /* played, front, position, sort order, skip; OP_EMBEDDED: when */
	double x;     /* position, speed, a bookmark's time, a skipped chapter's start */
	chapter_list ch;
	heard_list h;
	char *s;      /* a bookmark's note, a skip pattern */
	int dirty;
	struct op *next;
} op;

/* A lock is tried again after these pauses (ms), the last one repeated. */
static const int backoff_ms[] = {50, 100, 200, 400, 800, 1000};
/* How long one attempt waits inside SQLite for the lock. */
#define ATTEMPT_BUSY_MS 100

struct dbw {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;    /* queue grew, or stop */
	pthread_cond_t done;  /* the queue emptied */
	int pipe[2];
	db *d;
	op *head, **tail;
	size_t n;
	int inflight;
	int stop;             /* dbw_stop: leave now (queue kept) */
	int locked;           /* the first op meets a lock */
	int64_t locked_since; /* ms */
	int changed;          /* landed writes that lists show, since dbw_poll */
	uint64_t landed;      /* writes out of the queue so far (dbw_queue_read) */
	void (*read_hook)(void *ctx); /* dbw_set_read_hook (tests) */
	void *read_hook_ctx;
	sbuf msgs;            /* messages for the status line, '\n' between */
	int msg_error;
};

static void wake(dbw *w)
{
	ssize_t rc = write(w->pipe[1], "x", 1);
	(void)rc; /* a full pipe already means "wake up" */
}

static void op_free(op *o)
{
	chapter_list_clear(&o->ch);
	heard_clear(&o->h);
	free(o->s);
	free(o);
}

static int pos_apply(db *d, const op *o)
{
	int rc = o->h.n ? db_heard_add(d, o->id, &o->h) : 0;
	if (rc == 0 && !isnan(o->x))
		rc = db_episode_set_position(d, o->id, o->x);
	return rc;
}

/* 1 for the ops whose id is a podcast's. */
static int on_podcast(const op *o)
{
	return o->kind == OP_SORT || o->kind == OP_SPEED || o->kind == OP_RULE_ADD ||
	       o->kind == OP_RULE_REMOVE;
}

/* ---- applying one op (the writer thread, or the caller when w is NULL) ---- */

static int apply(db *d, const op *o)
{
	switch (o->kind) {
	case OP_PLAYED:
		return db_episode_set_played(d, o->id, (int)o->n);
	case OP_POSITION:
		return pos_apply(d, o);
	case OP_QADD:
		return db_queue_add(d, &o->id, 1, (int)o->n, NULL);
	case OP_QREMOVE:
		return db_queue_remove(d, &o->id, 1, NULL);
	case OP_QMOVE:
		return db_queue_move(d, o->id, o->n);
	case OP_SORT:
		return db_podcast_set_sort(d, o->id, (int)o->n);
	case OP_SPEED:
		return db_podcast_set_speed(d, o->id, o->x);
	case OP_EMBEDDED:
		return db_embedded_done(d, o->id, &o->ch, o->n);
	case OP_BM_ADD:
		/* 1 (the episode is gone) is a lasting failure too. */
		return db_bookmark_add(d, o->id, o->x, o->s, NULL) == 0 ? 0 : -1;
	case OP_BM_DELETE:
		return db_bookmark_delete(d, o->id) < 0 ? -1 : 0;
	case OP_SKIP_SET:
		return db_chapter_skip_set(d, o->id, o->x, (int)o->n);
	case OP_RULE_ADD:
		return db_skip_rule_add(d, o->id, o->s) < 0 ? -1 : 0;
	case OP_RULE_REMOVE:
		return db_skip_rule_remove(d, o->id, o->s) < 0 ? -1 : 0;
	}
	return -1;
}

/* "marked played: Title" (title read through d, sanitized). */
static char *describe(db *d, const op *o)
{
	char *title = NULL;
	if (on_podcast(o)) {
		db_podcast p;
		if (d && db_podcast_get(d, o->id, &p) == 0) {
			title = text_sanitize(p.title ? p.title : p.url ? p.url : "", (size_t)-1, 0);
			db_podcast_free(&p);
		}
	} else if (o->kind != OP_BM_DELETE) {
		db_episode e;
		if (d && db_episode_get(d, o->id, &e) == 0) {
			title = text_sanitize(e.title ? e.title : "", (size_t)-1, 0);
			db_episode_free(&e);
		}
	}
	if (!title)
		title = xasprintf("%s %lld", on_podcast(o) ? "podcast"
				  : o->kind == OP_BM_DELETE ? "bookmark" : "episode", (long long)o->id);
	char at[16];
	char *s;
	switch (o->kind) {
	case OP_PLAYED:
		s = xasprintf("marked %s: %s", o->n ? "played" : "unplayed", title);
		break;
	case OP_POSITION:
		ptime_clock(o->x > 0 ? o->x : 0, at, sizeof at);
		s = isnan(o->x) ? xasprintf("what was heard of %s", title)
				: xasprintf("position %s in %s", at, title);
		break;
	case OP_BM_ADD:
		ptime_clock(o->x, at, sizeof at);
		s = xasprintf("bookmark at %s in %s", at, title);
		break;
	case OP_BM_DELETE:
		s = xasprintf("deleted %s", title);
		break;
	case OP_SKIP_SET:
		ptime_clock(o->x, at, sizeof at);
		s = xasprintf("chapter at %s %s in %s", at, o->n ? "skipped" : "played", title);
		break;
	case OP_RULE_ADD:
	case OP_RULE_REMOVE: {
		char *pat = text_sanitize(o->s, (size_t)-1, 0);
		s = xasprintf("skip pattern \"%s\" %s %s", pat,
			      o->kind == OP_RULE_ADD ? "added to" : "removed from", title);
		free(pat);
		break;
	}
	case OP_QADD:
		s = xasprintf("queued: %s", title);
		break;
	case OP_QREMOVE:
		s = xasprintf("taken out of the queue: %s", title);
		break;
	case OP_QMOVE:
		s = xasprintf("moved to %lld in the queue: %s", (long long)o->n, title);
		break;
	case OP_SORT:
		s = xasprintf("episode order of %s", title);
		break;
	case OP_SPEED:
		s = xasprintf("speed %.2fx for %s", o->x, title);
		break;
	default:
		s = xasprintf("chapters found in the file of %s", title);
		break;
	}
	free(title);
	return s;
}

/* ---- the thread ---- */

static void add_msg(dbw *w, int error, char *msg)
{
	if (w->msgs.len)
		sb_printf(&w->msgs, "\n");
	sb_printf(&w->msgs, "%s", msg);
	w->msg_error |= error;
	free(msg);
}

static void sleep_until_stop(dbw *w, int ms)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	while (!w->stop && pthread_cond_timedwait(&w->cv, &w->mu, &ts) != ETIMEDOUT)
		;
}

/* The first op landed, or failed for good (and was said): out of the
 * queue. */
static void finish_first(dbw *w)
{
	op *o = w->head;
	w->head = o->next;
	if (!w->head)
		w->tail = &w->head;
	w->n--;
	w->inflight = 0;
	w->landed++;
	if (o->kind != OP_POSITION)
		w->changed = 1;
	if (w->locked) {
		int64_t secs = (now_ms() - w->locked_since + 500) / 1000;
		w->locked = 0;
		add_msg(w, 0, xasprintf("the cache is free again: changes saved after %lld s",
					(long long)secs));
	}
	if (!w->head)
		pthread_cond_broadcast(&w->done);
	op_free(o);
}

/* A copy of a position op (under mu). */
static op *snapshot(const op *o)
{
	op *c = xcalloc(1, sizeof *c);
	c->kind = o->kind;
	c->id = o->id;
	c->x = o->x;
	c->ch = (chapter_list)CHAPTER_LIST_INIT;
	c->h = (heard_list)HEARD_LIST_INIT;
	for (size_t i = 0; i < o->h.n; i++)
		heard_add(&c->h, o->h.v[i].a, o->h.v[i].b);
	return c;
}

static void *thread_main(void *arg)
{
	dbw *w = arg;
	int tries = 0;
	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!w->head && !w->stop)
			pthread_cond_wait(&w->cv, &w->mu);
		if (w->stop)
			break;
		op *o = w->head;
		w->inflight = 1;
		/* A position op may grow while in flight: write a copy. */
		op *snap = o->kind == OP_POSITION ? snapshot(o) : NULL;
		o->dirty = 0;
		pthread_mutex_unlock(&w->mu);
		int rc = apply(w->d, snap ? snap : o);
		if (rc < 0)
			db_settle(w->d); /* the next try from a fresh snapshot */
		int again = rc < 0 && db_err_transient(w->d);
		char *what = rc < 0 && !again ? describe(w->d, snap ? snap : o) : NULL;
		if (snap)
			op_free(snap);
		if (rc < 0)
			log_msg("dbwriter", "%s (%s)", db_errmsg(w->d), again ? "trying again" : "given up");
		pthread_mutex_lock(&w->mu);
		if ((rc == 0 || !again) && o->dirty) {
			/* Newer values came meanwhile: they are written next
			 * (after a lasting error too: what failed was the old
			 * value, and the newer one gets its own try). */
			free(what);
			w->inflight = 0;
			tries = 0;
			continue;
		}
		if (!again) {
			if (what)
				add_msg(w, 1, xasprintf("could not save: %s (%s)", what, db_errmsg(w->d)));
			free(what);
			finish_first(w);
			tries = 0;
			wake(w);
			continue;
		}
		w->inflight = 0;
		if (!w->locked) {
			w->locked = 1;
			w->locked_since = now_ms();
			add_msg(w, 1, xasprintf("the cache is %s: %zu change%s wait%s to be saved",
						db_err_busy(w->d) ? "locked by another process"
								  : "not writable",
						w->n, w->n == 1 ? "" : "s", w->n == 1 ? "s" : ""));
			wake(w);
		}
		int nb = (int)(sizeof backoff_ms / sizeof *backoff_ms);
		sleep_until_stop(w, backoff_ms[tries < nb ? tries : nb - 1]);
		tries++;
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

int dbw_start(const char *db_path, dbw **out, char **err)
{
	dbw *w = xcalloc(1, sizeof *w);
	if (db_open(db_path, &w->d, err) != 0) {
		free(w);
		return -1;
	}
	db_set_busy_timeout(w->d, ATTEMPT_BUSY_MS);
	if (pipe(w->pipe) != 0) {
		*err = xasprintf("pipe: %s", strerror(errno));
		db_close(w->d);
		free(w);
		return -1;
	}
	for (int i = 0; i < 2; i++) {
		fcntl(w->pipe[i], F_SETFL, fcntl(w->pipe[i], F_GETFL) | O_NONBLOCK);
		fcntl(w->pipe[i], F_SETFD, FD_CLOEXEC);
	}
	w->tail = &w->head;
	w->msgs = (sbuf)SBUF_INIT;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	pthread_cond_init(&w->done, NULL);
	if (pthread_create(&w->thread, NULL, thread_main, w) != 0) {
		*err = xstrdup("cannot start the writer thread");
		close(w->pipe[0]);
		close(w->pipe[1]);
		db_close(w->d);
		free(w);
		return -1;
	}
	*out = w;
	return 0;
}

size_t dbw_flush(dbw *w, int wait_ms)
{
	if (!w)
		return 0;
	int64_t deadline = now_ms() + wait_ms;
	pthread_mutex_lock(&w->mu);
	while (w->head) {
		int64_t left = deadline - now_ms();
		if (left <= 0)
			break;
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += (time_t)(left / 1000);
		ts.tv_nsec += (long)(left % 1000) * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&w->done, &w->mu, &ts);
	}
	size_t n = w->n;
	pthread_mutex_unlock(&w->mu);
	return n;
}

char *dbw_stop(dbw *w, int wait_ms)
{
	if (!w)
		return NULL;
	dbw_flush(w, wait_ms);
	pthread_mutex_lock(&w->mu);
	w->stop = 1;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	/* The thread is gone: its connection and the queue are ours. */
	sbuf lost = SBUF_INIT;
	for (op *o = w->head, *next; o; o = next) {
		next = o->next;
		char *s = describe(w->d, o);
		log_msg("dbwriter", "not saved: %s", s);
		sb_printf(&lost, "%s%s", lost.len ? "\n" : "", s);
		free(s);
		op_free(o);
	}
	db_close(w->d);
	close(w->pipe[0]);
	close(w->pipe[1]);
	sb_free(&w->msgs);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	pthread_cond_destroy(&w->done);
	free(w);
	if (!lost.len) {
		sb_free(&lost);
		return NULL;
	}
	return sb_steal(&lost);
}

int dbw_fd(const dbw *w)
{
	return w ? w->pipe[0] : -1;
}

int dbw_poll(dbw *w, int *changed, char **msg, int *error)
{
	*changed = 0;
	*msg = NULL;
	*error = 0;
	if (!w)
		return 0;
	char buf[64];
	while (read(w->pipe[0], buf, sizeof buf) > 0)
		;
	pthread_mutex_lock(&w->mu);
	*changed = w->changed;
	w->changed = 0;
	if (w->msgs.len) {
		/* The last message is the one that holds now. */
		const char *last = strrchr(w->msgs.s, '\n');
		*msg = xstrdup(last ? last + 1 : w->msgs.s);
		*error = w->msg_error && !strstr(*msg, "free again");
		if (strstr(w->msgs.s, "could not save") && !strstr(*msg, "could not save")) {
			/* A lost change outranks the news that the lock ended. */
			const char *p = strstr(w->msgs.s, "could not save");
			free(*msg);
			*msg = xstrndup(p, strcspn(p, "\n"));
			*error = 1;
		}
		sb_free(&w->msgs);
		w->msg_error = 0;
	}
	pthread_mutex_unlock(&w->mu);
	return *changed || *msg;
}

size_t dbw_pending(dbw *w, int *locked, int64_t *since_ms)
{
	if (!w) {
		if (locked)
			*locked = 0;
		return 0;
	}
	pthread_mutex_lock(&w->mu);
	size_t n = w->n;
	if (locked)
		*locked = w->locked;
	if (since_ms)
		*since_ms = w->locked_since;
	pthread_mutex_unlock(&w->mu);
	return n;
}

/* ---- queueing ---- */

static int submit(dbw *w, db *d, op *o)
{
	if (!w) {
		int rc = apply(d, o);
		op_free(o);
		return rc;
	}
	pthread_mutex_lock(&w->mu);
	*w->tail = o;
	w->tail = &o->next;
	w->n++;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	return 0;
}

static op *new_op(int kind, int64_t id, int64_t n, double x)
{
	op *o = xcalloc(1, sizeof *o);
	o->kind = kind;
	o->id = id;
	o->n = n;
	o->x = x;
	o->ch = (chapter_list)CHAPTER_LIST_INIT;
	o->h = (heard_list)HEARD_LIST_INIT;
	return o;
}

int dbw_set_played(dbw *w, db *d, int64_t episode, int played)
{
	return submit(w, d, new_op(OP_PLAYED, episode, played ? 1 : 0, 0));
}

/* The episode's position op queued after its last played mark (which
 * clears positions), in flight or not; NULL when none. Under mu. */
static op *position_op(dbw *w, int64_t episode)
{
	op *same = NULL;
	for (op *o = w->head; o; o = o->next)
		if (o->id == episode && (o->kind == OP_POSITION || o->kind == OP_PLAYED))
			same = o->kind == OP_POSITION ? o : NULL;
	return same;
}

int dbw_set_position(dbw *w, db *d, int64_t episode, double pos)
{
	if (w) {
		/* The newer position replaces the one queued, so a lock held
		 * for long costs one op, not one per save_interval. */
		pthread_mutex_lock(&w->mu);
		op *same = position_op(w, episode);
		if (same) {
			same->x = pos;
			same->dirty = 1;
		}
		pthread_mutex_unlock(&w->mu);
		if (same)
			return 0;
	}
	return submit(w, d, new_op(OP_POSITION, episode, 0, pos));
}

int dbw_heard_add(dbw *w, db *d, int64_t episode, const heard_list *add)
{
	if (!add || !add->n)
		return 0;
	if (w) {
		/* Joins the episode's queued position: one change saved. */
		pthread_mutex_lock(&w->mu);
		op *same = position_op(w, episode);
		for (size_t i = 0; same && i < add->n; i++)
			heard_add(&same->h, add->v[i].a, add->v[i].b);
		if (same)
			same->dirty = 1;
		pthread_mutex_unlock(&w->mu);
		if (same)
			return 0;
	}
	op *o = new_op(OP_POSITION, episode, 0, NAN);
	for (size_t i = 0; i < add->n; i++)
		heard_add(&o->h, add->v[i].a, add->v[i].b);
	return submit(w, d, o);
}

int dbw_queue_add(dbw *w, db *d, int64_t episode, int front)
{
	return submit(w, d, new_op(OP_QADD, episode, front ? 1 : 0, 0));
}

int dbw_queue_remove(dbw *w, db *d, int64_t episode)
{
	return submit(w, d, new_op(OP_QREMOVE, episode, 0, 0));
}

int dbw_queue_move(dbw *w, db *d, int64_t episode, int64_t position)
{
	return submit(w, d, new_op(OP_QMOVE, episode, position, 0));
}

int dbw_podcast_set_sort(dbw *w, db *d, int64_t podcast, int sort_order)
{
	return submit(w, d, new_op(OP_SORT, podcast, sort_order, 0));
}

int dbw_podcast_set_speed(dbw *w, db *d, int64_t podcast, double speed)
{
	return submit(w, d, new_op(OP_SPEED, podcast, 0, speed));
}

int dbw_embedded_done(dbw *w, db *d, int64_t episode, const chapter_list *l, int64_t when)
{
	op *o = new_op(OP_EMBEDDED, episode, when, 0);
	for (size_t i = 0; l && i < l->n; i++)
		chapter_list_push_copy(&o->ch, &l->v[i]);
	return submit(w, d, o);
}

int dbw_bookmark_add(dbw *w, db *d, int64_t episode, double at, const char *note)
{
	op *o = new_op(OP_BM_ADD, episode, 0, at);
	o->s = note && !str_blank(note) ? xstrdup(note) : NULL;
	return submit(w, d, o);
}

int dbw_bookmark_delete(dbw *w, db *d, int64_t bookmark)
{
	return submit(w, d, new_op(OP_BM_DELETE, bookmark, 0, 0));
}

int dbw_chapter_skips(dbw *w, db *d, int64_t episode, const chapter_list *c, int *skip)
{
	int rc = db_chapter_skips(d, episode, c, skip);
	if (rc != 0 || !w)
		return rc;
	pthread_mutex_lock(&w->mu);
	for (const op *o = w->head; o; o = o->next) {
		if (o->kind != OP_SKIP_SET || o->id != episode)
			continue;
		for (size_t i = 0; i < c->n; i++)
			if (c->v[i].source != CHAP_SRC_USER && fabs(c->v[i].start - o->x) < 0.01)
				skip[i] = (int)o->n;
	}
	pthread_mutex_unlock(&w->mu);
	return 0;
}

int dbw_chapter_skip_toggle(dbw *w, db *d, int64_t episode, const chapter_list *c, size_t i,
			    int *on)
{
	if (i >= c->n || c->v[i].source == CHAP_SRC_USER)
		return 1;
	int *skip = xcalloc(c->n, sizeof *skip);
	int rc = dbw_chapter_skips(w, d, episode, c, skip);
	*on = !skip[i];
	free(skip);
	return rc == 0 ? submit(w, d, new_op(OP_SKIP_SET, episode, *on, c->v[i].start)) : -1;
}

int dbw_skip_rule(dbw *w, db *d, int64_t podcast, const char *pattern, int add)
{
	if (!w)
		return add ? db_skip_rule_add(d, podcast, pattern)
			   : db_skip_rule_remove(d, podcast, pattern);
	op *o = new_op(add ? OP_RULE_ADD : OP_RULE_REMOVE, podcast, 0, 0);
	o->s = xstrdup(pattern);
	return submit(w, d, o);
}

/* ---- overlays ---- */

void dbw_overlay_episodes(dbw *w, db_episode *v, size_t n)
{
	if (!w || !n)
		return;
	pthread_mutex_lock(&w->mu);
	for (const op *o = w->head; o; o = o->next) {
		if ((o->kind != OP_PLAYED && o->kind != OP_POSITION) ||
		    (o->kind == OP_POSITION && isnan(o->x)))
			continue;
		for (size_t i = 0; i < n; i++) {
			if (v[i].id != o->id)
				continue;
			if (o->kind == OP_POSITION) {
				v[i].position = o->x;
			} else {
				v[i].played = (int)o->n;
				if (o->n)
					v[i].position = -1;
			}
		}
	}
	pthread_mutex_unlock(&w->mu);
}

void dbw_overlay_episode(dbw *w, db_episode *e)
{
	dbw_overlay_episodes(w, e, 1);
}

static size_t queue_find(const db_queue_entry *v, size_t n, int64_t ep)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].episode_id == ep)
			return i;
	return n;
}

/* Takes entry i out of v (its strings go to *out). */
static void queue_take(db_queue_entry *v, size_t *n, size_t i, db_queue_entry *out)
{
	*out = v[i];
	memmove(v + i, v + i + 1, (*n - i - 1) * sizeof *v);
	(*n)--;
}

static void queue_put(db_queue_entry **v, size_t *n, size_t at, const db_queue_entry *e)
{
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	memmove(*v + at + 1, *v + at, (*n - at) * sizeof **v);
	(*v)[at] = *e;
	(*n)++;
}

static int queue_entry_read(db *d, int64_t ep, db_queue_entry *out)
{
	db_episode e;
	if (db_episode_get(d, ep, &e) != 0)
		return -1;
	*out = (db_queue_entry){0, e.id, e.podcast_id, e.title, e.podcast_title, e.duration,
				e.played ? -1 : e.position};
	e.title = e.podcast_title = NULL;
	db_episode_free(&e);
	return 0;
}

/* One queue op on the list (as db_queue.c does it on the table). */
static void queue_apply(db *d, const op *o, db_queue_entry **v, size_t *n)
{
	size_t i = queue_find(*v, *n, o->id);
	db_queue_entry e;
	if (o->kind == OP_QREMOVE && i < *n) {
		queue_take(*v, n, i, &e);
		free(e.title);
		free(e.podcast_title);
	} else if (o->kind == OP_QADD) {
		if (i < *n)
			queue_take(*v, n, i, &e);
		else if (queue_entry_read(d, o->id, &e) != 0)
			return;
		queue_put(v, n, o->n ? 0 : *n, &e);
	} else if (o->kind == OP_QMOVE && i < *n && o->n >= 1 && (size_t)o->n <= *n) {
		queue_take(*v, n, i, &e);
		queue_put(v, n, (size_t)o->n - 1, &e);
	}
}

void dbw_overlay_queue(dbw *w, db *d, db_queue_entry **v, size_t *n)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	/* Reading an added episode's row under mu is a read on the UI's own
	 * connection (WAL: it never waits for a writer). */
	for (const op *o = w->head; o; o = o->next) {
		if (o->kind == OP_QADD || o->kind == OP_QREMOVE || o->kind == OP_QMOVE) {
			queue_apply(d, o, v, n);
			continue;
		}
		if ((o->kind != OP_PLAYED && o->kind != OP_POSITION) ||
		    (o->kind == OP_POSITION && isnan(o->x)))
			continue;
		size_t i = queue_find(*v, *n, o->id);
		if (i < *n)
			(*v)[i].saved = o->kind == OP_POSITION ? o->x : o->n ? -1 : (*v)[i].saved;
	}
	pthread_mutex_unlock(&w->mu);
	for (size_t i = 0; i < *n; i++)
		(*v)[i].position = (int64_t)i + 1;
}

static uint64_t landed_so_far(dbw *w)
{
	pthread_mutex_lock(&w->mu);
	uint64_t n = w->landed;
	pthread_mutex_unlock(&w->mu);
	return n;
}

/* A write that lands after the read began and before the overlay would
 * be in neither (the read missed it, the overlay no longer has it): the
 * queue is then read again. Writes land far apart, so a second read is
 * nearly always the last; after a few the answer is returned as read. */
int dbw_queue_read(dbw *w, db *d, db_queue_entry **v, size_t *n)
{
	for (int tries = 0;; tries++) {
		uint64_t before = w ? landed_so_far(w) : 0;
		if (db_queue_list(d, v, n) != 0)
			return -1;
		if (w && w->read_hook)
			w->read_hook(w->read_hook_ctx);
		dbw_overlay_queue(w, d, v, n);
		if (!w || landed_so_far(w) == before || tries == 4)
			return 0;
		db_queue_list_free(*v, *n);
		*v = NULL;
		*n = 0;
	}
}

void dbw_set_read_hook(dbw *w, void (*fn)(void *ctx), void *ctx)
{
	w->read_hook = fn;
	w->read_hook_ctx = ctx;
}

int dbw_overlay_speed(dbw *w, int64_t podcast, double *speed)
{
	int found = 0;
	if (!w)
		return 0;
	pthread_mutex_lock(&w->mu);
	for (const op *o = w->head; o; o = o->next)
		if (o->kind == OP_SPEED && o->id == podcast) {
			*speed = o->x;
			found = 1;
		}
	pthread_mutex_unlock(&w->mu);
	return found;
}

int dbw_overlay_sort(dbw *w, int64_t podcast, int *sort)
{
	int found = 0;
	if (!w)
		return 0;
	pthread_mutex_lock(&w->mu);
	for (const op *o = w->head; o; o = o->next)
		if (o->kind == OP_SORT && o->id == podcast) {
			*sort = (int)o->n;
			found = 1;
		}
	pthread_mutex_unlock(&w->mu);
	return found;
}

int dbw_overlay_embedded(dbw *w, int64_t episode, chapter_list *out)
{
	const op *found = NULL;
	if (!w)
		return 0;
	pthread_mutex_lock(&w->mu);
	for (const op *o = w->head; o; o = o->next)
		if (o->kind == OP_EMBEDDED && o->id == episode)
			found = o;
	if (found)
		for (size_t i = 0; i < found->ch.n; i++)
			chapter_list_push_copy(out, &found->ch.v[i]);
	pthread_mutex_unlock(&w->mu);
	return found != NULL;
}

void dbw_overlay_heard(dbw *w, int64_t episode, heard_list *out)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	for (const op *o = w->head; o; o = o->next)
		if (o->kind == OP_POSITION && o->id == episode)
			for (size_t i = 0; i < o->h.n; i++)
				heard_add(out, o->h.v[i].a, o->h.v[i].b);
	pthread_mutex_unlock(&w->mu);
}

int dbw_overlay_bookmarks(dbw *w, int64_t episode, chapter_list *l)
{
	size_t n0 = l->n;
	if (!w)
		return 0;
	pthread_mutex_lock(&w->mu);
	for (const op *o = w->head; o; o = o->next)
		if (o->kind == OP_BM_ADD && o->id == episode)
			chapter_list_push(l, (chapter){.start = o->x, .end = -1,
						       .title = o->s ? xstrdup(o->s) : NULL,
						       .source = CHAP_SRC_USER});
	pthread_mutex_unlock(&w->mu);
	if (l->n > n0)
		chapter_list_sort(l);
	return l->n > n0;
}
