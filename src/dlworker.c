/*
 * dlworker.c - the TUI's download thread (see dlworker.h).
 *
 * The thread sleeps on a condition variable while it has nothing to do;
 * while downloads run it steps the downloader in slices of 100 ms and
 * takes the UI's toggles between slices.
 */
#include "dlworker.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "dlfile.h"
#include "dlpolicy.h"
#include "download.h"
#include "util.h"

enum { OP_TOGGLE, OP_DELETE, OP_REFRESHED, OP_CANCEL_PODCAST };

typedef struct dl_op {
	int op;
	int64_t id;
} dl_op;

typedef struct dl_msg {
	struct dl_msg *next;
	char *text;
	int error;
} dl_msg;

struct dlworker {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int pipe[2];
	int stop;
	dl_op *todo; /* requests not yet taken by the thread */
	size_t ntodo;
	pthread_cond_t done_cv; /* signalled when a batch of requests is done */
	uint64_t asked, done;   /* requests made, requests carried out */
	int exited;             /* the thread has returned */
	int64_t playing;        /* never deleted by a cleanup */
	config next;            /* settings from the UI, taken when next_set */
	int next_set;
	dlworker_status status; /* for the status line */
	/* the thread's own */
	int64_t since;          /* newest episode id at the last refresh */
	int64_t *fresh;         /* downloaded in this session: no cleanup deletes them */
	size_t nfresh;
	dl_msg *head, *tail; /* messages for the UI */
	db *d;
	config c; /* the thread's copy */
};

static void push_msg(dlworker *w, int error, char *text)
{
	dl_msg *m = xcalloc(1, sizeof *m);
	m->text = text;
	m->error = error;
	pthread_mutex_lock(&w->mu);
	if (w->tail)
		w->tail->next = m;
	else
		w->head = m;
	w->tail = m;
	pthread_mutex_unlock(&w->mu);
	char b = 1;
	if (write(w->pipe[1], &b, 1) < 0 && errno != EAGAIN)
		return;
}

static void on_event(const download_event *ev, void *ctx)
{
	dlworker *w = ctx;
	if (ev->state == DL_DONE) {
		w->fresh = xrealloc(w->fresh, (w->nfresh + 1) * sizeof *w->fresh);
		w->fresh[w->nfresh++] = ev->episode_id;
		push_msg(w, 0, xasprintf("episode %" PRId64 " downloaded", ev->episode_id));
	}
	else if (ev->state == DL_FAILED)
		push_msg(w, 1, xasprintf("episode %" PRId64 ": %s", ev->episode_id,
					 ev->message ? ev->message : "download failed"));
}

static void toggle(dlworker *w, downloader *dl, int64_t id)
{
	if (downloader_cancel(dl, id) == 0)
		return; /* the event says "cancelled" */
	char *msg = NULL;
	int rc = downloader_add(dl, id, &msg);
	if (rc == 0)
		push_msg(w, 0, xasprintf("downloading episode %" PRId64, id));
	else if (msg)
		push_msg(w, rc < 0, msg), msg = NULL;
	free(msg);
}

static void say_cleanup(int error, const char *line, void *ctx)
{
	push_msg(ctx, error, xstrdup(line));
}

/* The cleanup of dlpolicy.h, sparing the playing episode and this
 * session's downloads. */
static void cleanup(dlworker *w)
{
	pthread_mutex_lock(&w->mu);
	int64_t playing = w->playing;
	pthread_mutex_unlock(&w->mu);
	int64_t *keep = xcalloc(w->nfresh + 1, sizeof *keep);
	for (size_t i = 0; i < w->nfresh; i++)
		keep[i] = w->fresh[i];
	keep[w->nfresh] = playing;
	if (dlpolicy_cleanup(w->d, &w->c, keep, w->nfresh + 1, say_cleanup, w) < 0)
		push_msg(w, 1, xasprintf("cleanup: %s", db_errmsg(w->d)));
	free(keep);
}

/* After a refresh: the new episodes of auto_download podcasts are queued;
 * 1 when some were. */
static int refreshed(dlworker *w, downloader *dl)
{
	int64_t *ids, top;
	size_t n, added = 0;
	if (db_episode_max_id(w->d, &top) != 0 ||
	    dlpolicy_new_episodes(w->d, &w->c, w->since, &ids, &n) != 0) {
		push_msg(w, 1, xasprintf("auto_download: %s", db_errmsg(w->d)));
		return 0;
	}
	w->since = top;
	for (size_t i = 0; i < n; i++) {
		char *msg = NULL;
		if (downloader_add(dl, ids[i], &msg) == 0)
			added++;
		else if (msg)
			push_msg(w, 1, msg), msg = NULL;
		free(msg);
	}
	free(ids);
	if (added)
		push_msg(w, 0, xasprintf("downloading %zu new episode%s (auto_download)", added,
					 added == 1 ? "" : "s"));
	return added > 0;
}

static void delete_one(dlworker *w, downloader *dl, int64_t id)
{
	downloader_cancel(dl, id);
	char *msg = NULL;
	int rc = download_delete(w->d, &w->c, id, &msg);
	if (rc == 0)
		push_msg(w, 0, xasprintf("episode %" PRId64 ": download deleted", id));
	else if (rc > 0)
		push_msg(w, 1, xasprintf("episode %" PRId64 " is not downloaded", id));
	else
		push_msg(w, 1, msg), msg = NULL; /* kept (2) or failed */
	free(msg);
}

/* Before a podcast is removed: its queued and running downloads stop
 * here, so that none finishes into a file no row names. */
static void cancel_podcast(dlworker *w, downloader *dl, int64_t podcast_id)
{
	db_dl_item *v;
	size_t n;
	if (db_dl_done_list(w->d, podcast_id, 1, &v, &n) != 0)
		return;
	for (size_t i = 0; i < n; i++)
		downloader_cancel(dl, v[i].episode_id);
	db_dl_item_list_free(v, n);
}

/* Overall progress for the UI; the speed is measured over windows of
 * about two seconds (the first one while it fills). */
typedef struct rate_meter {
	int64_t ms, bytes; /* the window's start */
	double rate;       /* of the last full window, < 0 while none */
} rate_meter;

static void publish(dlworker *w, downloader *dl, rate_meter *m)
{
	download_progress p;
	downloader_progress(dl, &p);
	int64_t now = now_ms();
	double rate = m->rate;
	if (now - m->ms >= 2000 || rate < 0)
		rate = now > m->ms ? (double)(p.received - m->bytes) * 1000.0 / (double)(now - m->ms)
				   : 0;
	if (now - m->ms >= 2000) {
		m->rate = rate;
		m->ms = now;
		m->bytes = p.received;
	}
	pthread_mutex_lock(&w->mu);
	w->status = (dlworker_status){p.running, p.queued, p.bytes, p.total, p.running ? rate : 0};
	pthread_mutex_unlock(&w->mu);
}

static void *run(void *arg)
{
	dlworker *w = arg;
	downloader *dl = downloader_new(w->d, &w->c, on_event, w);
	int active = 0;
	rate_meter meter = {0, 0, -1};
	for (;;) {
		pthread_mutex_lock(&w->mu);
		while (!w->stop && !w->ntodo && !active)
			pthread_cond_wait(&w->cv, &w->mu);
		dl_op *todo = w->todo;
		size_t n = w->ntodo;
		uint64_t asked = w->asked;
		int stop = w->stop;
		if (w->next_set) { /* the numbers only; the thread reads them between steps */
			w->c.download_jobs = w->next.download_jobs;
			w->c.max_download_mb = w->next.max_download_mb;
			w->c.auto_download = w->next.auto_download;
			w->c.keep_downloads = w->next.keep_downloads;
			w->c.delete_played_after = w->next.delete_played_after;
			w->c.download_cap_mb = w->next.download_cap_mb;
			w->c.stall_timeout = w->next.stall_timeout;
			w->c.connect_timeout = w->next.connect_timeout;
			w->next_set = 0;
		}
		w->todo = NULL;
		w->ntodo = 0;
		pthread_mutex_unlock(&w->mu);
		int after_refresh = 0;
		for (size_t i = 0; dl && !stop && i < n; i++) {
			if (todo[i].op == OP_TOGGLE)
				toggle(w, dl, todo[i].id);
			else if (todo[i].op == OP_DELETE)
				delete_one(w, dl, todo[i].id);
			else if (todo[i].op == OP_CANCEL_PODCAST)
				cancel_podcast(w, dl, todo[i].id);
			else
				after_refresh |= !refreshed(w, dl);
		}
		free(todo);
		pthread_mutex_lock(&w->mu);
		w->done = asked;
		pthread_cond_broadcast(&w->done_cv);
		pthread_mutex_unlock(&w->mu);
		if (stop || !dl)
			break;
		if (!active) { /* a new burst of downloads: a new speed */
			download_progress p;
			downloader_progress(dl, &p);
			meter = (rate_meter){now_ms(), p.received, -1};
		}
		int was = active;
		active = downloader_step(dl, 100) > 0;
		publish(w, dl, &meter);
		/* The cleanup once the downloads are over, or after a refresh
		 * that brought none. */
		if ((was && !active) || (after_refresh && !active))
			cleanup(w);
	}
	downloader_free(dl);
	pthread_mutex_lock(&w->mu);
	w->exited = 1;
	pthread_cond_broadcast(&w->done_cv);
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

int dlworker_start(const char *db_path, const config *c, dlworker **out, char **err)
{
	*out = NULL;
	*err = NULL;
	dlworker *w = xcalloc(1, sizeof *w);
	if (db_open(db_path, &w->d, err) != 0) {
		free(w);
		return -1;
	}
	config_defaults(&w->c);
	w->c.download_dir = xstrdup(c->download_dir);
	w->c.download_jobs = c->download_jobs;
	w->c.max_download_mb = c->max_download_mb;
	w->c.auto_download = c->auto_download;
	w->c.keep_downloads = c->keep_downloads;
	w->c.delete_played_after = c->delete_played_after;
	w->c.download_cap_mb = c->download_cap_mb;
	/* Episodes stored after this are new to auto_download. */
	db_episode_max_id(w->d, &w->since);
	w->c.connect_timeout = c->connect_timeout;
	w->c.stall_timeout = c->stall_timeout;
	w->c.max_redirects = c->max_redirects;
	free(w->c.user_agent);
	w->c.user_agent = xstrdup(c->user_agent);
	if (pipe2(w->pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
		*err = xasprintf("pipe: %s", strerror(errno));
		goto fail;
	}
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	pthread_cond_init(&w->done_cv, NULL);
	if (pthread_create(&w->th, NULL, run, w) != 0) {
		*err = xstrdup("cannot start the download thread");
		pthread_mutex_destroy(&w->mu);
		pthread_cond_destroy(&w->cv);
		pthread_cond_destroy(&w->done_cv);
		close(w->pipe[0]);
		close(w->pipe[1]);
		goto fail;
	}
	*out = w;
	return 0;
fail:
	config_free(&w->c);
	db_close(w->d);
	free(w);
	return -1;
}

void dlworker_stop(dlworker *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->th, NULL);
	while (w->head) {
		dl_msg *m = w->head;
		w->head = m->next;
		free(m->text);
		free(m);
	}
	free(w->todo);
	free(w->fresh);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	pthread_cond_destroy(&w->done_cv);
	close(w->pipe[0]);
	close(w->pipe[1]);
	config_free(&w->c);
	db_close(w->d);
	free(w);
}

int dlworker_fd(const dlworker *w)
{
	return w ? w->pipe[0] : -1;
}

static uint64_t request(dlworker *w, int op, int64_t episode_id)
{
	pthread_mutex_lock(&w->mu);
	w->todo = xrealloc(w->todo, (w->ntodo + 1) * sizeof *w->todo);
	w->todo[w->ntodo++] = (dl_op){op, episode_id};
	uint64_t seq = ++w->asked;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	return seq;
}

void dlworker_cancel_podcast(dlworker *w, int64_t podcast_id)
{
	if (!w)
		return;
	uint64_t mine = request(w, OP_CANCEL_PODCAST, podcast_id);
	pthread_mutex_lock(&w->mu);
	while (w->done < mine && !w->exited)
		pthread_cond_wait(&w->done_cv, &w->mu);
	pthread_mutex_unlock(&w->mu);
}

void dlworker_toggle(dlworker *w, int64_t episode_id)
{
	request(w, OP_TOGGLE, episode_id);
}

void dlworker_delete(dlworker *w, int64_t episode_id)
{
	request(w, OP_DELETE, episode_id);
}

void dlworker_refreshed(dlworker *w)
{
	if (w)
		request(w, OP_REFRESHED, 0);
}

void dlworker_set_playing(dlworker *w, int64_t episode_id)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->playing = episode_id;
	pthread_mutex_unlock(&w->mu);
}

void dlworker_set_config(dlworker *w, const config *c)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->next.download_jobs = c->download_jobs;
	w->next.max_download_mb = c->max_download_mb;
	w->next.auto_download = c->auto_download;
	w->next.keep_downloads = c->keep_downloads;
	w->next.delete_played_after = c->delete_played_after;
	w->next.download_cap_mb = c->download_cap_mb;
	w->next.stall_timeout = c->stall_timeout;
	w->next.connect_timeout = c->connect_timeout;
	w->next_set = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

int dlworker_get_status(dlworker *w, dlworker_status *st)
{
	memset(st, 0, sizeof *st);
	if (!w)
		return 0;
	pthread_mutex_lock(&w->mu);
	*st = w->status;
	pthread_mutex_unlock(&w->mu);
	return st->running > 0;
}

int dlworker_poll(dlworker *w, char **msg, int *error)
{
	char buf[64];
	while (read(w->pipe[0], buf, sizeof buf) > 0)
		;
	pthread_mutex_lock(&w->mu);
	dl_msg *m = w->head;
	if (m) {
		w->head = m->next;
		if (!w->head)
			w->tail = NULL;
	}
	pthread_mutex_unlock(&w->mu);
	if (!m)
		return 0;
	*msg = m->text;
	*error = m->error;
	free(m);
	return 1;
}
