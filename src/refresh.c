/*
 * refresh.c - the refresh engine's pipeline (see refresh.h); the rules it
 * applies to each feed are in ingest.c.
 *
 * Flow per feed: fetch (conditional GET) -> ingest_prepare (hash, parse,
 * derive) -> ingest_store (one transaction). A new-feed-url that the rules
 * say to follow is queued as a second request in the same run.
 *
 * Three threads share the work, as a pipeline, so that transfers, parsing
 * and SQLite overlap instead of taking turns:
 *   network thread (the caller): drives the fetcher and calls the
 *     progress hook, nothing else;
 *   parse thread: ingest_prepare on a fetched feed body (no database);
 *   store thread: everything that touches the database.
 * Once a podcast's feed is stored, the chapter files of its newest
 * episodes (chapfetch.h) are queued on the same fetcher, so they are
 * fetched while the other feeds still are; the podcasts whose feed was
 * not stored (unchanged, failed) get theirs at the end. Chapter files are
 * stored in batches, one transaction each. Only one thread uses the db
 * handle at a time: the store thread while the run lasts, the network
 * thread only while the store thread is idle (for that final query).
 * Feeds are handed to the fetcher only while fewer than a window of them
 * are fetched and not yet stored, which bounds the memory in the queues,
 * and at most per_host of one host at a time: the next feed handed over
 * is the first whose host has room, so the feeds of a host that never
 * answers do not fill the window the other hosts need (the fetcher, for
 * its part, fails the rest of a host it found dead at once). A feed whose
 * server asked to wait (Retry-After) is not asked for until then.
 * When a thread cannot be created, its work is done by the stage before.
 */
#include "refresh.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chapfetch.h"
#include "fetch.h"
#include "ingest.h"
#include "util.h"

/* One request: a feed, a feed's new-feed-url, or a chapters file. */
struct job {
	struct job *next, *prev; /* in run.out (next only), or run.submitted */
	int64_t id;       /* podcast id; the episode id for a chapters file */
	size_t slot;      /* the podcast's index in run.ids (feeds) */
	char *url;        /* the URL fetched */
	char *title;      /* cached title, for messages */
	int is_local;
	int is_move;      /* fetching a new-feed-url on behalf of podcast id */
	int is_chapters;
	uint64_t old_hash;
	int64_t retry_after;
	int host;         /* index in run.hosts (feeds), or -1 */
	char *etag, *last_modified;
	char *origin;     /* a chapters file's feed (fetch_request.origin), or NULL */
};

/* A finished transfer on its way through the pipeline: the result with
 * its strings copied and its body taken (the fetcher frees its own), and
 * what the parse stage made of a feed body (ingest_prepare). */
struct done {
	struct done *next;
	struct job *j;
	fetch_result res;
	int windowed;      /* a feed body: counts in run.in_flight until stored */
	int prepared;      /* prepare() ran; the body is freed */
	ingest_body b;     /* a feed body, prepared */
};

struct queue {
	struct done *head, *tail;
};

/* Feed bodies fetched but not yet stored, beyond the transfers running:
 * bounds the memory a fast network and a slow disk can pile up. */
#define FEED_BACKLOG 2
/* Chapter files stored per transaction, at most. */
#define CHAPTER_BATCH 64
/* Stored podcasts whose chapter files are looked up in one query, at most
 * (the query reads every episode, whatever the number of podcasts). */
#define CHAPTER_QUERY_BATCH 16

struct run {
	db *d;
	fetcher *f;            /* network thread only */
	refresh_report *rep;   /* store thread (total: set before it starts) */
	refresh_progress_fn hook;
	void *hook_ctx;
	int cancelled;
	int64_t last_draw;
	int dberr;             /* store thread; read after it is joined */
	chapfetch_batch batch; /* store thread */
	chapfetch_stats cs;
	int64_t *ids;          /* the run's podcasts ... */
	unsigned char *chapters_queued; /* ... and whether their files are queued */
	size_t nids;
	int64_t *stored;       /* store thread: stored podcasts whose files are */
	size_t nstored;        /* not looked up yet */
	struct job *submitted; /* network thread: handed to the fetcher, no result yet
	                          (freed here if the fetcher drops them: cancel) */
	struct job **feeds;    /* feed requests; NULL once handed to the fetcher */
	size_t nfeeds, next_feed; /* feeds before next_feed are all handed over */
	int window;            /* feeds handed to the fetcher and not yet stored, at most */
	char **hosts;          /* network thread: the feeds' hosts ... */
	int *host_busy;        /* ... and how many of their transfers run */
	size_t nhosts;
	int per_host;

	/* Shared by the threads, under mu. */
	pthread_mutex_t mu;
	pthread_cond_t parse_cv; /* parse thread: an item, or stop */
	pthread_cond_t store_cv; /* store thread: an item, or stop */
	pthread_cond_t net;    /* network thread: a request, a feed stored, or idle */
	struct queue parse_q, store_q;
	struct job *out;       /* requests from the store thread, newest first */
	int pending;           /* transfers finished, not yet through the store thread */
	int store_busy;        /* store thread has work in hand (an item, a batch) */
	int parse_stop, store_stop, abandon; /* exit when drained; drop (cancel) */
	int has_parse, has_store; /* the threads that run */
	int in_flight;         /* feeds handed to the fetcher, not yet stored (or
	                          found without a body: 304, failed) */
	int feeds_done, feeds_total;
};

static void job_free(struct job *j)
{
	if (!j)
		return;
	free(j->url);
	free(j->title);
	free(j->etag);
	free(j->last_modified);
	free(j->origin);
	free(j);
}

/* Store thread: asks the network thread to fetch j. */
static void post_request(struct run *r, struct job *j, int is_feed)
{
	pthread_mutex_lock(&r->mu);
	j->next = r->out;
	r->out = j;
	if (is_feed)
		r->feeds_total++;
	pthread_cond_signal(&r->net);
	pthread_mutex_unlock(&r->mu);
}

/* Store thread: fetches new_url, the new-feed-url of j's podcast. */
static void queue_move(struct run *r, const struct job *j, const char *new_url)
{
	struct job *m = xcalloc(1, sizeof *m);
	m->id = j->id;
	m->slot = j->slot;
	m->url = xstrdup(new_url);
	m->title = xstrdup(j->title);
	m->is_move = 1;
	m->host = -1;
	post_request(r, m, 1);
}

/* The request for a chapters file; takes job's strings. */
static struct job *chapter_job(db_chapter_job *job)
{
	struct job *c = xcalloc(1, sizeof *c);
	c->id = job->episode_id;
	c->is_chapters = 1;
	c->host = -1;
	c->is_local = job->is_local;
	c->url = job->url;
	c->etag = job->etag;
	c->last_modified = job->last_modified;
	if (!job->is_local) {
		c->origin = job->feed_url;
		job->feed_url = NULL;
	}
	job->url = job->etag = job->last_modified = NULL;
	return c;
}

/* Store thread: queues the chapter files due for the podcasts stored
 * since the last call. */
static void queue_chapters(struct run *r)
{
	if (!r->nstored)
		return;
	db_chapter_job *jobs;
	size_t n;
	int rc = chapfetch_jobs(r->d, 0, r->stored, r->nstored, &jobs, &n);
	r->nstored = 0;
	if (rc != 0) {
		r->dberr = 1;
		return;
	}
	for (size_t i = 0; i < n; i++)
		post_request(r, chapter_job(&jobs[i]), 0);
	db_chapter_jobs_free(jobs, n);
}

/* Store thread: podcast j->id was stored; its chapter files are looked up
 * (once per run) with those of a few others. */
static void chapters_due(struct run *r, const struct job *j)
{
	if (r->chapters_queued[j->slot])
		return;
	r->chapters_queued[j->slot] = 1;
	r->stored[r->nstored++] = j->id;
	if (r->nstored >= CHAPTER_QUERY_BATCH)
		queue_chapters(r);
}

/* The feed request j as the rules see it. */
static ingest_job ingest_job_of(const struct job *j)
{
	return (ingest_job){.id = j->id, .url = j->url, .title = j->title,
			    .is_move = j->is_move, .old_hash = j->old_hash,
			    .retry_after = j->retry_after};
}

/* Parse stage (no database): prepares a fetched feed body (ingest_prepare,
 * which frees it). Anything else passes untouched. */
static void prepare(struct done *x)
{
	x->prepared = 1;
	if (x->j->is_chapters || !x->res.ok || x->res.not_modified)
		return;
	ingest_job ij = ingest_job_of(x->j);
	ingest_prepare(&ij, &x->res, &x->b);
}

/* Store thread: one finished feed. Once it is stored, its new-feed-url is
 * fetched when the rules say so, else its chapter files are due. */
static void handle_feed(struct run *r, struct done *x)
{
	ingest_job ij = ingest_job_of(x->j);
	const char *follow;
	if (ingest_store(r->d, &ij, &x->res, &x->b, r->rep, &follow, &r->dberr) != INGEST_STORED)
		return;
	if (follow)
		queue_move(r, x->j, follow);
	else
		chapters_due(r, x->j);
}

static void flush_chapters(struct run *r)
{
	if (chapfetch_batch_flush(&r->batch, r->d) != 0)
		r->dberr = 1;
}

/* Store thread: one finished transfer of any kind. */
static void handle_done(struct run *r, struct done *x)
{
	if (!x->prepared)
		prepare(x); /* no parse thread */
	if (x->j->is_chapters) {
		chapfetch_batch_add(&r->batch, x->j->id, &x->res, &r->cs);
		if (r->batch.n >= CHAPTER_BATCH)
			flush_chapters(r);
	} else {
		handle_feed(r, x);
	}
}

static void done_free(struct done *x)
{
	free(x->res.body);
	free(x->res.etag);
	free(x->res.last_modified);
	free(x->res.content_type);
	free(x->res.final_url);
	free(x->res.error);
	ingest_body_free(&x->b);
	job_free(x->j);
	free(x);
}

static void queue_push(struct queue *q, struct done *x)
{
	x->next = NULL;
	if (q->tail)
		q->tail->next = x;
	else
		q->head = x;
	q->tail = x;
}

static struct done *queue_pop(struct queue *q)
{
	struct done *x = q->head;
	if (x) {
		q->head = x->next;
		if (!q->head)
			q->tail = NULL;
	}
	return x;
}

/* Store stage: handles x (unless drop), frees it, and counts it done. */
static void finish(struct run *r, struct done *x, int drop)
{
	int is_feed = !x->j->is_chapters, windowed = x->windowed;
	if (!drop)
		handle_done(r, x);
	done_free(x);
	pthread_mutex_lock(&r->mu);
	r->feeds_done += is_feed;
	r->in_flight -= windowed;
	r->pending--;
	pthread_cond_signal(&r->net);
	pthread_mutex_unlock(&r->mu);
}

static void *parse_main(void *arg)
{
	struct run *r = arg;
	pthread_mutex_lock(&r->mu);
	for (;;) {
		struct done *x = queue_pop(&r->parse_q);
		if (!x) {
			if (r->parse_stop)
				break;
			pthread_cond_wait(&r->parse_cv, &r->mu);
			continue;
		}
		int drop = r->abandon;
		pthread_mutex_unlock(&r->mu);
		if (!drop)
			prepare(x);
		pthread_mutex_lock(&r->mu);
		queue_push(&r->store_q, x);
		pthread_cond_signal(&r->store_cv);
	}
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

/* Store thread, nothing queued: what was put off for a batch is done now
 * (chapter-file lookups, storing chapter files). Returns 1 if it did any. */
static int store_idle_work(struct run *r)
{
	if (r->abandon || (!r->nstored && !r->batch.n))
		return 0;
	queue_chapters(r);
	flush_chapters(r);
	return 1;
}

static void *store_main(void *arg)
{
	struct run *r = arg;
	pthread_mutex_lock(&r->mu);
	for (;;) {
		struct done *x = queue_pop(&r->store_q);
		if (x) {
			r->store_busy = 1;
			int drop = r->abandon;
			pthread_mutex_unlock(&r->mu);
			finish(r, x, drop);
			pthread_mutex_lock(&r->mu);
			continue;
		}
		pthread_mutex_unlock(&r->mu);
		int did = store_idle_work(r);
		pthread_mutex_lock(&r->mu);
		if (did || r->store_q.head)
			continue;
		r->store_busy = 0;
		pthread_cond_signal(&r->net);
		if (r->store_stop)
			break;
		pthread_cond_wait(&r->store_cv, &r->mu);
	}
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

/* Network thread: the fetcher's callback. Hands the result to the next
 * stage that runs: the parse thread for a feed body, else the store
 * thread, else handles it right here. */
static void on_done(fetch_result *res, void *ctx)
{
	struct run *r = ctx;
	struct done *x = xcalloc(1, sizeof *x);
	x->j = res->user;
	if (x->j->prev)
		x->j->prev->next = x->j->next;
	else
		r->submitted = x->j->next;
	if (x->j->next)
		x->j->next->prev = x->j->prev;
	x->j->next = x->j->prev = NULL;
	if (x->j->host >= 0)
		r->host_busy[x->j->host]--;
	x->res = *res;
	x->res.url = NULL;
	x->res.user = NULL;
	res->body = NULL; /* taken */
	x->res.etag = xstrdup(res->etag);
	x->res.last_modified = xstrdup(res->last_modified);
	x->res.content_type = xstrdup(res->content_type);
	x->res.final_url = xstrdup(res->final_url);
	x->res.error = xstrdup(res->error);
	int is_feed = !x->j->is_chapters;
	x->windowed = is_feed && res->ok && !res->not_modified;
	pthread_mutex_lock(&r->mu);
	r->pending++;
	/* A 304 or a failure holds no body: it leaves the window now, so
	 * that it does not hold transfers back behind slow stores. */
	r->in_flight -= is_feed && !x->windowed;
	if (!r->has_store) {
		pthread_mutex_unlock(&r->mu);
		finish(r, x, 0);
		return;
	}
	if (r->has_parse && x->windowed) {
		queue_push(&r->parse_q, x);
		pthread_cond_signal(&r->parse_cv);
	} else {
		queue_push(&r->store_q, x);
		pthread_cond_signal(&r->store_cv);
	}
	pthread_mutex_unlock(&r->mu);
}

/* Network thread: calls the progress hook, at most every 100 ms unless
 * final. */
static void report_progress(struct run *r, int final)
{
	if (!r->hook)
		return;
	int64_t t = now_ms();
	if (!final && t - r->last_draw < 100)
		return;
	r->last_draw = t;
	fetch_progress fp;
	fetcher_progress(r->f, &fp);
	refresh_progress p = {.bytes = fp.bytes, .current = fp.current, .final = final};
	/* Feeds stored of feeds to fetch (chapter files are not counted). */
	pthread_mutex_lock(&r->mu);
	p.done = r->feeds_done;
	p.total = r->feeds_total;
	pthread_mutex_unlock(&r->mu);
	if (r->hook(r->hook_ctx, &p) != 0)
		r->cancelled = 1;
}

/* The index of url's host in r->hosts (added when new), or -1. */
static int run_host(struct run *r, const char *url)
{
	char *key = fetch_host_key(url);
	if (!key)
		return -1;
	for (size_t i = 0; i < r->nhosts; i++) {
		if (!strcmp(r->hosts[i], key)) {
			free(key);
			return (int)i;
		}
	}
	r->hosts[r->nhosts] = key;
	return (int)r->nhosts++;
}

/* A podcast whose server asked to wait: reported, not fetched. */
static void defer_podcast(struct run *r, const db_podcast *p)
{
	refresh_report *rep = r->rep;
	rep->deferred = xrealloc(rep->deferred, (rep->ndeferred + 1) * sizeof *rep->deferred);
	refresh_failure *f = &rep->deferred[rep->ndeferred++];
	char *when = ingest_time_text(p->retry_after);
	f->id = p->id;
	f->url = xstrdup(p->url);
	f->title = xstrdup(p->title);
	f->error = xasprintf("not checked until %s (the server asked to wait)", when);
	free(when);
}

static void queue_podcast(struct run *r, db_podcast *p)
{
	if (p->retry_after > now_s()) {
		defer_podcast(r, p);
		return;
	}
	struct job *j = xcalloc(1, sizeof *j);
	j->id = p->id;
	j->slot = r->nids;
	j->url = xstrdup(p->url);
	j->title = xstrdup(p->title);
	j->is_local = p->is_local;
	j->old_hash = p->content_hash;
	j->retry_after = p->retry_after;
	j->host = p->is_local ? -1 : run_host(r, p->url);
	j->etag = xstrdup(p->etag);
	j->last_modified = xstrdup(p->last_modified);
	r->ids[r->nids++] = p->id;
	r->feeds[r->nfeeds++] = j;
	r->rep->total++;
	r->feeds_total++;
}

/* Network thread: hands a request to the fetcher. */
static void submit(struct run *r, struct job *j)
{
	j->prev = NULL;
	j->next = r->submitted;
	if (j->next)
		j->next->prev = j;
	r->submitted = j;
	fetch_request req = {
		.url = j->url,
		.etag = j->etag,
		.last_modified = j->last_modified,
		.allow_file = j->is_local,
		.origin = j->origin,
		.user = j,
	};
	fetcher_add(r->f, &req);
}

/* Network thread: picks up to room feeds, in order among those whose host
 * has room, into take; returns how many. */
static int pick_feeds(struct run *r, int room, struct job **take)
{
	int n = 0;
	for (size_t i = r->next_feed; i < r->nfeeds && n < room; i++) {
		struct job *j = r->feeds[i];
		if (!j || (j->host >= 0 && r->host_busy[j->host] >= r->per_host))
			continue;
		if (j->host >= 0)
			r->host_busy[j->host]++;
		take[n++] = j;
		r->feeds[i] = NULL;
	}
	while (r->next_feed < r->nfeeds && !r->feeds[r->next_feed])
		r->next_feed++;
	return n;
}

/* Network thread: the store thread's requests, then feeds while fewer
 * than window are fetched and not yet stored (and their hosts have room). */
static void submit_ready(struct run *r)
{
	struct job *picked[64];
	pthread_mutex_lock(&r->mu);
	struct job *out = r->out;
	r->out = NULL;
	int room = r->window - r->in_flight;
	if (room > (int)(sizeof picked / sizeof picked[0]))
		room = (int)(sizeof picked / sizeof picked[0]);
	int take = room > 0 ? pick_feeds(r, room, picked) : 0;
	r->in_flight += take;
	pthread_mutex_unlock(&r->mu);
	/* out is newest first; the moves count as feeds in flight. */
	struct job *rev = NULL;
	while (out) {
		struct job *n = out->next;
		out->next = rev;
		rev = out;
		out = n;
	}
	for (struct job *j = rev, *n; j; j = n) {
		n = j->next;
		j->next = NULL;
		if (!j->is_chapters) {
			pthread_mutex_lock(&r->mu);
			r->in_flight++;
			pthread_mutex_unlock(&r->mu);
		}
		submit(r, j);
	}
	for (int i = 0; i < take; i++)
		submit(r, picked[i]);
}

/* Network thread, store thread idle: the chapter files of the podcasts
 * whose feed was not stored in this run. Returns how many were queued. */
static size_t queue_remaining_chapters(struct run *r)
{
	int64_t *ids = xcalloc(r->nids ? r->nids : 1, sizeof *ids);
	size_t n = 0;
	for (size_t i = 0; i < r->nids; i++) {
		if (!r->chapters_queued[i]) {
			r->chapters_queued[i] = 1;
			ids[n++] = r->ids[i];
		}
	}
	db_chapter_job *jobs = NULL;
	size_t njobs = 0;
	if (n && chapfetch_jobs(r->d, 0, ids, n, &jobs, &njobs) != 0)
		r->dberr = 1;
	free(ids);
	for (size_t i = 0; i < njobs; i++)
		submit(r, chapter_job(&jobs[i]));
	db_chapter_jobs_free(jobs, njobs);
	return njobs;
}

/* Network thread: 1 when nothing is queued, running, handed over or
 * waiting to be asked for. While the threads are busy and nothing can be
 * handed to the fetcher, waits up to 100 ms for them first. */
static int pipeline_idle(struct run *r)
{
	pthread_mutex_lock(&r->mu);
	int idle = !r->pending && !r->store_busy && !r->out && r->next_feed == r->nfeeds;
	int blocked = !r->out && (r->next_feed == r->nfeeds || r->in_flight >= r->window);
	if (!idle && blocked && r->has_store) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 100 * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&r->net, &r->mu, &ts);
	}
	pthread_mutex_unlock(&r->mu);
	return idle;
}

static void network_loop(struct run *r)
{
	int tail_done = 0;
	for (;;) {
		submit_ready(r);
		int left = fetcher_step(r->f, 10);
		report_progress(r, 0);
		if (r->cancelled)
			return;
		if (left > 0 || !pipeline_idle(r))
			continue;
		if (!r->has_store && store_idle_work(r))
			continue;
		if (tail_done || queue_remaining_chapters(r) == 0)
			return;
		tail_done = 1;
	}
}

/* Starts the parse and store threads; a stage whose thread cannot be
 * created is done by the one before it (see on_done, handle_done). */
static void threads_start(struct run *r, pthread_t *pt, pthread_t *st)
{
	r->has_store = pthread_create(st, NULL, store_main, r) == 0;
	if (r->has_store)
		r->has_parse = pthread_create(pt, NULL, parse_main, r) == 0;
}

/* Lets the threads drain their queues (dropping what they have not
 * started when the run was cancelled) and waits for them: the parse
 * thread first, as it feeds the store thread. */
static void threads_stop(struct run *r, const pthread_t *pt, const pthread_t *st)
{
	pthread_mutex_lock(&r->mu);
	r->abandon = r->cancelled;
	r->parse_stop = 1;
	pthread_cond_signal(&r->parse_cv);
	pthread_mutex_unlock(&r->mu);
	if (r->has_parse)
		pthread_join(*pt, NULL);
	pthread_mutex_lock(&r->mu);
	r->store_stop = 1;
	pthread_cond_signal(&r->store_cv);
	pthread_mutex_unlock(&r->mu);
	if (r->has_store)
		pthread_join(*st, NULL);
}

static void run_init(struct run *r, size_t npodcasts, const fetch_opts *fo)
{
	int max_parallel = fo->max_parallel;
	r->per_host = fo->max_per_host > 0 ? fo->max_per_host : 4;
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->parse_cv, NULL);
	pthread_cond_init(&r->store_cv, NULL);
	pthread_cond_init(&r->net, NULL);
	r->batch = (chapfetch_batch)CHAPFETCH_BATCH_INIT;
	r->window = (max_parallel > 0 ? max_parallel : 8) + FEED_BACKLOG;
	size_t n = npodcasts ? npodcasts : 1;
	r->ids = xcalloc(n, sizeof *r->ids);
	r->stored = xcalloc(n, sizeof *r->stored);
	r->chapters_queued = xcalloc(n, 1);
	r->feeds = xcalloc(n, sizeof *r->feeds);
	r->hosts = xcalloc(n, sizeof *r->hosts);
	r->host_busy = xcalloc(n, sizeof *r->host_busy);
}

static void run_free(struct run *r)
{
	struct done *x;
	while ((x = queue_pop(&r->parse_q)) || (x = queue_pop(&r->store_q)))
		done_free(x);
	while (r->out) {
		struct job *j = r->out;
		r->out = j->next;
		job_free(j);
	}
	while (r->submitted) {
		struct job *j = r->submitted;
		r->submitted = j->next;
		job_free(j);
	}
	for (size_t i = r->next_feed; i < r->nfeeds; i++)
		job_free(r->feeds[i]);
	free(r->feeds);
	for (size_t i = 0; i < r->nhosts; i++)
		free(r->hosts[i]);
	free(r->hosts);
	free(r->host_busy);
	free(r->ids);
	free(r->stored);
	free(r->chapters_queued);
	chapfetch_batch_free(&r->batch);
	pthread_cond_destroy(&r->parse_cv);
	pthread_cond_destroy(&r->store_cv);
	pthread_cond_destroy(&r->net);
	pthread_mutex_destroy(&r->mu);
}

int refresh_subscribe(db *d, const config *c, const refresh_opts *o, refresh_report *rep)
{
	int rc = refresh_podcasts(d, c, o, rep);
	for (size_t i = 0; i < rep->nfailures; i++)
		db_podcast_remove(d, rep->failures[i].id);
	return rc;
}

/* Queues the podcasts o names, from the list of all of them. */
static void queue_wanted(struct run *r, const refresh_opts *o, db_podcast *all, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int wanted = o->ids == NULL;
		for (size_t k = 0; !wanted && k < o->nids; k++)
			wanted = o->ids[k] == all[i].id;
		if (wanted)
			queue_podcast(r, &all[i]);
	}
}

int refresh_podcasts(db *d, const config *c, const refresh_opts *o, refresh_report *rep)
{
	memset(rep, 0, sizeof *rep);
	fetch_global_init();
	fetch_opts fo;
	config_fetch_opts(c, &fo);
	db_podcast *all = NULL;
	size_t n = 0;
	if (db_podcast_list(d, &all, &n) != 0)
		return -1;
	struct run r = {.d = d, .rep = rep, .hook = o->progress, .hook_ctx = o->progress_ctx};
	run_init(&r, n, &fo);
	queue_wanted(&r, o, all, n);
	db_podcast_list_free(all, n);

	r.f = fetcher_new(&fo, on_done, &r);
	if (!r.f) { /* libcurl could not start: nothing was done */
		run_free(&r);
		return -1;
	}
	pthread_t parse_thread, store_thread;
	threads_start(&r, &parse_thread, &store_thread);
	network_loop(&r);
	report_progress(&r, 1);
	fetcher_free(r.f); /* when cancelled, aborts the transfers still running */
	threads_stop(&r, &parse_thread, &store_thread);
	if (!r.has_store && !r.cancelled)
		store_idle_work(&r);
	int dberr = r.dberr;
	run_free(&r);
	return dberr ? -1 : 0;
}

static void failures_free(refresh_failure *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].url);
		free(v[i].title);
		free(v[i].error);
	}
	free(v);
}

void refresh_report_free(refresh_report *rep)
{
	failures_free(rep->failures, rep->nfailures);
	failures_free(rep->deferred, rep->ndeferred);
	memset(rep, 0, sizeof *rep);
}
