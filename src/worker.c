/*
 * worker.c - the TUI's background thread (see worker.h).
 *
 * Threading: the queue, the progress counters and the result list are
 * shared and guarded by one mutex; everything else (the db connection, the
 * config copy) belongs to the worker thread alone. The UI thread never
 * touches the worker's db connection.
 */
#include "worker.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chapfetch.h"
#include "dlpolicy.h"
#include "db.h"
#include "log.h"
#include "notes_rescan.h"
#include "trfetch.h"
#include "paths.h"
#include "refresh.h"
#include "sync_auto.h"
#include "text.h"
#include "util.h"

typedef struct job {
	int kind;
	int64_t id;
	char *arg;
	struct job *next;
} job;

typedef struct result_node {
	worker_result r;
	struct result_node *next;
} result_node;

struct worker {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int pipe[2];
	int quit;
	job *queue;
	result_node *results, **results_tail;
	int running, run_kind, done, total;
	db *d;
	config cfg; /* network settings and download_dir (our copies) */
	/* Settings changed in the UI (:set), taken over by the thread before
	 * its next job; guarded by mu. */
	config next;
	int has_next;
	/* The search index in the background (db_index.c), between jobs:
	 * episodes indexed so far in this run; index_more while some may be
	 * left. Guarded by mu. */
	int64_t index_done;
	int index_more;
};

/* Episodes per indexing transaction: short enough (tens of ms) that a
 * job or another writer never waits long. */
#define INDEX_BATCH 200

/* A copy of c's network settings and download folder (user_agent and
 * download_dir copied; no mpv options, no key map), which config_free
 * releases. */
static void copy_settings(config *dst, const config *c)
{
	*dst = *c;
	dst->user_agent = xstrdup(c->user_agent);
	dst->download_dir = c->download_dir ? xstrdup(c->download_dir) : NULL;
	dst->mpv_options = NULL;
	dst->nmpv_options = 0;
	dst->keys = NULL;
}

static void wake(worker *w)
{
	ssize_t rc = write(w->pipe[1], "x", 1);
	(void)rc; /* a full pipe already means "wake up" */
}

static void post(worker *w, int kind, int64_t id, int failed, int changed, char *msg)
{
	result_node *n = xcalloc(1, sizeof *n);
	n->r = (worker_result){kind, id, failed, changed, msg};
	pthread_mutex_lock(&w->mu);
	*w->results_tail = n;
	w->results_tail = &n->next;
	pthread_mutex_unlock(&w->mu);
	wake(w);
}

static int on_progress(void *ctx, const refresh_progress *p)
{
	worker *w = ctx;
	int done = p->done, total = p->total;
	pthread_mutex_lock(&w->mu);
	int changed = w->done != done || w->total != total;
	w->done = done;
	w->total = total;
	int quit = w->quit;
	pthread_mutex_unlock(&w->mu);
	if (changed)
		wake(w);
	return quit;
}

/* "3 feeds: 2 updated, 1 failed (Title: error)" with feed text sanitized. */
static char *refresh_summary(const refresh_report *rep)
{
	sbuf b = SBUF_INIT;
	sb_printf(&b, "refreshed %d feed%s: %d updated, %d unchanged, %d failed, %d new episode%s",
		  rep->total, rep->total == 1 ? "" : "s", rep->updated, rep->unchanged,
		  rep->failed, rep->episodes_added, rep->episodes_added == 1 ? "" : "s");
	if (rep->ndeferred)
		sb_printf(&b, ", %zu put off (their servers asked to wait)", rep->ndeferred);
	if (rep->nfailures) {
		const refresh_failure *f = &rep->failures[0];
		char *who = text_sanitize(f->title ? f->title : f->url, (size_t)-1, 0);
		char *why = text_sanitize(f->error, (size_t)-1, 0);
		sb_printf(&b, " (%s: %s)", who, why);
		free(who);
		free(why);
	}
	return sb_steal(&b);
}

static void do_refresh(worker *w, int64_t id)
{
	refresh_report rep;
	/* See run_refresh in cmd_feeds.c: notes read again by a newer finder. */
	if (notes_rescan(w->d, NULL, NULL) < 0)
		log_msg("worker", "reading notes again: %s", db_errmsg(w->d));
	refresh_opts o = {.ids = id ? &id : NULL, .nids = id ? 1 : 0,
			  .progress = on_progress, .progress_ctx = w};
	int rc = refresh_podcasts(w->d, &w->cfg, &o, &rep);
	char *msg = rc != 0 ? xasprintf("cache error during refresh: %s", db_errmsg(w->d))
			    : refresh_summary(&rep);
	post(w, WORK_REFRESH, id, rc != 0 || rep.failed > 0, 1, msg);
	refresh_report_free(&rep);
}

static void do_add(worker *w, const char *arg)
{
	int local = 0, existed = 0;
	int64_t id = 0;
	char *url = paths_feed_url(arg, &local);
	char *shown = text_sanitize(arg, (size_t)-1, 0);
	if (!url) {
		post(w, WORK_ADD, 0, 1, 0, xasprintf("%s: not an http(s) URL or a file", shown));
	} else if (db_podcast_add(w->d, url, local, &id, &existed) != 0) {
		post(w, WORK_ADD, 0, 1, 0, xasprintf("cache error: %s", db_errmsg(w->d)));
	} else if (existed) {
		post(w, WORK_ADD, id, 0, 0, xasprintf("already subscribed: %s", shown));
	} else {
		refresh_report rep;
		refresh_opts o = {.ids = &id, .nids = 1, .progress = on_progress, .progress_ctx = w};
		refresh_subscribe(w->d, &w->cfg, &o, &rep);
		if (rep.failed) {
			char *why = refresh_summary(&rep);
			post(w, WORK_ADD, 0, 1, 1, xasprintf("not subscribed: %s", why));
			free(why);
		} else {
			post(w, WORK_ADD, id, 0, 1,
			     xasprintf("subscribed: %s (%d episode%s)", shown, rep.episodes_added,
				       rep.episodes_added == 1 ? "" : "s"));
		}
		refresh_report_free(&rep);
	}
	free(shown);
	free(url);
}

static void do_chapters(worker *w, int64_t episode_id)
{
	chapfetch_outcome o;
	chapfetch_episode(w->d, &w->cfg, episode_id, &o);
	post(w, WORK_CHAPTERS, episode_id, 0, o.changed, NULL);
	chapfetch_outcome_free(&o);
}

static void do_transcript(worker *w, int64_t episode_id)
{
	trfetch_outcome o;
	int rc = trfetch_episode(w->d, &w->cfg, episode_id, &o);
	post(w, WORK_TRANSCRIPT, episode_id, rc < 0 || o.error, o.changed || o.fetched,
	     rc < 0 ? xasprintf("transcript: %s", db_errmsg(w->d)) : NULL);
	trfetch_outcome_free(&o);
}

static void do_remove(worker *w, int64_t id)
{
	/* Its downloaded files go with it, and the message says how many;
	 * only once its row is gone, so that a remove that fails keeps them. */
	char **paths, *msg = NULL;
	size_t n;
	if (dlpolicy_podcast_files(w->d, id, &paths, &n, &msg) != 0) {
		post(w, WORK_REMOVE, id, 1, 0, xasprintf("remove failed: %s", msg));
		free(msg);
		return;
	}
	int rc = db_podcast_remove(w->d, id);
	int files = 0;
	if (rc == 0)
		files = dlpolicy_delete_files(&w->cfg, paths, n, NULL, NULL);
	dlpolicy_files_free(paths, n);
	post(w, WORK_REMOVE, id, rc != 0, rc == 0,
	     rc == 0 ? (files ? xasprintf("unsubscribed; %d downloaded file%s deleted", files,
					  files == 1 ? "" : "s")
			      : xstrdup("unsubscribed"))
		     : xasprintf("remove failed: %s", rc > 0 ? "no such podcast" : db_errmsg(w->d)));
}

static int quitting(void *ctx)
{
	worker *w = ctx;
	pthread_mutex_lock(&w->mu);
	int quit = w->quit;
	pthread_mutex_unlock(&w->mu);
	return quit;
}

static void do_sync(worker *w, int manual)
{
	sync_outcome o;
	sync_auto_run(w->d, &w->cfg, manual, quitting, on_progress, w, &o);
	post(w, WORK_SYNC, manual, o.failed, o.changed, o.message);
	o.message = NULL; /* now the result's */
	sync_outcome_free(&o);
}

static void run_job(worker *w, job *j)
{
	switch (j->kind) {
	case WORK_REFRESH:
		do_refresh(w, j->id);
		break;
	case WORK_ADD:
		do_add(w, j->arg ? j->arg : "");
		break;
	case WORK_CHAPTERS:
		do_chapters(w, j->id);
		break;
	case WORK_REMOVE:
		do_remove(w, j->id);
		break;
	case WORK_SYNC:
		do_sync(w, j->id != 0);
		break;
	case WORK_TRANSCRIPT:
		do_transcript(w, j->id);
		break;
	}
}

/* One batch of the search backlog, called with mu held and the queue
 * empty; returns with mu held. Shows as a WORK_INDEX "job" with the
 * episodes done of the total. */
static void index_some(worker *w)
{
	w->running = 1;
	w->run_kind = WORK_INDEX;
	pthread_mutex_unlock(&w->mu);
	/* Counted first: a connection that has nothing to index never takes
	 * the write lock for it. */
	int64_t before = db_index_pending(w->d);
	long got = before > 0 ? db_index_step(w->d, INDEX_BATCH) : before < 0 ? -1 : 0;
	int64_t left = got > 0 ? db_index_pending(w->d) : 0;
	if (got < 0)
		log_msg("worker", "indexing for search: %s", db_errmsg(w->d));
	pthread_mutex_lock(&w->mu);
	w->running = 0;
	w->index_done += got > 0 ? got : 0;
	w->index_more = got > 0 && left > 0;
	int64_t total = w->index_done + (left > 0 ? left : 0);
	w->done = (int)(w->index_done < INT32_MAX ? w->index_done : INT32_MAX);
	w->total = (int)(total < INT32_MAX ? total : INT32_MAX);
	if (!w->index_more)
		w->index_done = 0;
	pthread_mutex_unlock(&w->mu);
	wake(w); /* the status bar shows the progress */
	pthread_mutex_lock(&w->mu);
}

static void *thread_main(void *arg)
{
	worker *w = arg;
	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!w->quit && !w->queue && w->index_more)
			index_some(w);
		while (!w->quit && !w->queue)
			pthread_cond_wait(&w->cv, &w->mu);
		if (w->quit)
			break;
		job *j = w->queue;
		w->queue = j->next;
		w->running = 1;
		w->run_kind = j->kind;
		w->done = w->total = 0;
		if (w->has_next) {
			config_free(&w->cfg);
			w->cfg = w->next;
			w->has_next = 0;
		}
		pthread_mutex_unlock(&w->mu);
		run_job(w, j);
		free(j->arg);
		free(j);
		pthread_mutex_lock(&w->mu);
		w->running = 0;
		w->index_more = 1; /* a job may have stored episodes to index */
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

int worker_start(const char *db_path, const config *c, worker **out, char **err)
{
	worker *w = xcalloc(1, sizeof *w);
	if (db_open(db_path, &w->d, err) != 0) {
		free(w);
		return -1;
	}
	if (pipe2(w->pipe, O_NONBLOCK | O_CLOEXEC) != 0) {
		*err = xstrdup("cannot create a pipe");
		db_close(w->d);
		free(w);
		return -1;
	}
	copy_settings(&w->cfg, c);
	/* Episodes this connection stores are indexed between jobs, and
	 * whatever an earlier run left (a killed import) first. */
	db_set_index_later(w->d, 1);
	w->index_more = 1;
	w->results_tail = &w->results;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	if (pthread_create(&w->thread, NULL, thread_main, w) != 0) {
		*err = xstrdup("cannot start the background thread");
		close(w->pipe[0]);
		close(w->pipe[1]);
		db_close(w->d);
		config_free(&w->cfg);
		free(w);
		return -1;
	}
	*out = w;
	return 0;
}

void worker_stop(worker *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->quit = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	while (w->queue) {
		job *j = w->queue;
		w->queue = j->next;
		free(j->arg);
		free(j);
	}
	worker_result r;
	while (worker_poll(w, &r))
		worker_result_free(&r);
	close(w->pipe[0]);
	close(w->pipe[1]);
	db_close(w->d);
	config_free(&w->cfg);
	if (w->has_next)
		config_free(&w->next);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w);
}

void worker_set_config(worker *w, const config *c)
{
	config n;
	copy_settings(&n, c);
	pthread_mutex_lock(&w->mu);
	if (w->has_next)
		config_free(&w->next);
	w->next = n;
	w->has_next = 1;
	pthread_mutex_unlock(&w->mu);
}

int worker_fd(const worker *w)
{
	return w->pipe[0];
}

void worker_submit(worker *w, int kind, int64_t id, const char *arg)
{
	job *j = xcalloc(1, sizeof *j);
	j->kind = kind;
	j->id = id;
	j->arg = xstrdup(arg);
	pthread_mutex_lock(&w->mu);
	job **p = &w->queue;
	while (*p) {
		if (kind == WORK_REFRESH && (*p)->kind == WORK_REFRESH &&
		    ((*p)->id == id || (*p)->id == 0)) {
			/* Already queued (or a refresh of everything is): pressing r
			 * five times must not refresh five times. */
			pthread_mutex_unlock(&w->mu);
			free(j->arg);
			free(j);
			return;
		}
		if (kind == WORK_SYNC && (*p)->kind == WORK_SYNC) {
			(*p)->id |= id; /* one sync will do; asked for: say so */
			pthread_mutex_unlock(&w->mu);
			free(j->arg);
			free(j);
			return;
		}
		if ((kind == WORK_CHAPTERS || kind == WORK_TRANSCRIPT) && (*p)->kind == kind) {
			job *old = *p; /* only the episode on screen matters */
			*p = old->next;
			free(old->arg);
			free(old);
			continue;
		}
		p = &(*p)->next;
	}
	*p = j;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

int worker_busy(worker *w, int *kind, int *done, int *total)
{
	pthread_mutex_lock(&w->mu);
	int busy = w->running || w->queue || w->index_more;
	*kind = w->running ? w->run_kind
			   : (w->queue ? w->queue->kind : (w->index_more ? WORK_INDEX : -1));
	*done = w->done;
	*total = w->total;
	pthread_mutex_unlock(&w->mu);
	return busy;
}

int worker_poll(worker *w, worker_result *out)
{
	char buf[64];
	while (read(w->pipe[0], buf, sizeof buf) > 0)
		;
	pthread_mutex_lock(&w->mu);
	result_node *n = w->results;
	if (n) {
		w->results = n->next;
		if (!w->results)
			w->results_tail = &w->results;
	}
	pthread_mutex_unlock(&w->mu);
	if (!n)
		return 0;
	*out = n->r;
	free(n);
	return 1;
}

void worker_result_free(worker_result *r)
{
	free(r->message);
	r->message = NULL;
}
