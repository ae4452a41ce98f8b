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
#include "download.h"
#include "util.h"

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
	int64_t *todo; /* toggles not yet taken by the thread */
	size_t ntodo;
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
	if (ev->state == DL_DONE)
		push_msg(w, 0, xasprintf("episode %" PRId64 " downloaded", ev->episode_id));
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

static void *run(void *arg)
{
	dlworker *w = arg;
	downloader *dl = downloader_new(w->d, &w->c, on_event, w);
	int active = 0;
	for (;;) {
		pthread_mutex_lock(&w->mu);
		while (!w->stop && !w->ntodo && !active)
			pthread_cond_wait(&w->cv, &w->mu);
		int64_t *todo = w->todo;
		size_t n = w->ntodo;
		int stop = w->stop;
		w->todo = NULL;
		w->ntodo = 0;
		pthread_mutex_unlock(&w->mu);
		for (size_t i = 0; dl && !stop && i < n; i++)
			toggle(w, dl, todo[i]);
		free(todo);
		if (stop || !dl)
			break;
		active = downloader_step(dl, 100) > 0;
	}
	downloader_free(dl);
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
	if (pthread_create(&w->th, NULL, run, w) != 0) {
		*err = xstrdup("cannot start the download thread");
		pthread_mutex_destroy(&w->mu);
		pthread_cond_destroy(&w->cv);
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
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
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

void dlworker_toggle(dlworker *w, int64_t episode_id)
{
	pthread_mutex_lock(&w->mu);
	w->todo = xrealloc(w->todo, (w->ntodo + 1) * sizeof *w->todo);
	w->todo[w->ntodo++] = episode_id;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
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
