/*
 * refresh.c - the refresh engine (see refresh.h).
 *
 * Flow per feed: fetch (conditional GET) -> 304: touch -> same body hash:
 * touch -> parse -> derive text/links/chapters per item -> one transaction:
 * store feed (+ URL move on an all-permanent redirect chain) -> commit.
 * itunes:new-feed-url is honoured only after the new URL has been fetched
 * and parsed successfully: it is queued as a second request in the same run.
 */
#include "refresh.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chapfetch.h"
#include "chapnotes.h"
#include "feed.h"
#include "fetch.h"
#include "html.h"
#include "util.h"

struct job {
	int64_t id;
	char *url;   /* the URL fetched */
	char *title; /* cached title, for messages */
	int is_local;
	int is_move; /* fetching a new-feed-url on behalf of podcast id */
	uint64_t old_hash;
	char *etag, *last_modified;
};

struct run {
	db *d;
	fetcher *f;
	refresh_report *rep;
	int progress;
	refresh_progress_fn hook;
	void *hook_ctx;
	int cancelled;
	int64_t last_draw;
	int dberr;
};

uint64_t refresh_hash(const char *buf, size_t len)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)buf[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static void job_free(struct job *j)
{
	if (!j)
		return;
	free(j->url);
	free(j->title);
	free(j->etag);
	free(j->last_modified);
	free(j);
}

static void add_failure(struct run *r, const struct job *j, const char *msg)
{
	refresh_report *rep = r->rep;
	rep->failures = xrealloc(rep->failures, (rep->nfailures + 1) * sizeof *rep->failures);
	refresh_failure *f = &rep->failures[rep->nfailures++];
	f->id = j->id;
	f->url = xstrdup(j->url);
	f->title = xstrdup(j->title);
	f->error = xstrdup(msg);
	rep->failed++;
}

static void record_error(struct run *r, const struct job *j, const char *msg)
{
	if (j->is_move) {
		/* The old URL still works; a broken new-feed-url is only noted. */
		return;
	}
	add_failure(r, j, msg);
	if (db_podcast_set_error(r->d, j->id, msg, now_s()) != 0)
		r->dberr = 1;
}

/* Derived per-item data: notes as text, numbered links, notes chapters. */
struct extras {
	db_item_extra *x;
	html_text *texts;
	chapter_list *chapters;
	size_t n;
};

static void extras_build(struct extras *e, const feed *f)
{
	e->n = f->nitems;
	e->x = xcalloc(e->n, sizeof *e->x);
	e->texts = xcalloc(e->n, sizeof *e->texts);
	e->chapters = xcalloc(e->n, sizeof *e->chapters);
	for (size_t i = 0; i < e->n; i++) {
		const feed_item *it = &f->items[i];
		if (it->notes)
			html_to_text(it->notes, strlen(it->notes), &e->texts[i]);
		const char *text = e->texts[i].text;
		if (text)
			chapnotes_parse(text, strlen(text), &e->chapters[i]);
		e->x[i].notes_text = text;
		e->x[i].links = e->texts[i].links;
		e->x[i].nlinks = e->texts[i].nlinks;
		e->x[i].notes_chapters = &e->chapters[i];
	}
}

static void extras_free(struct extras *e)
{
	for (size_t i = 0; i < e->n; i++) {
		html_text_free(&e->texts[i]);
		chapter_list_clear(&e->chapters[i]);
	}
	free(e->x);
	free(e->texts);
	free(e->chapters);
}

static void queue_move(struct run *r, const struct job *j, const char *new_url)
{
	if (!new_url || strcmp(new_url, j->url) == 0 || !fetch_url_allowed(new_url, 0))
		return;
	struct job *m = xcalloc(1, sizeof *m);
	m->id = j->id;
	m->url = xstrdup(new_url);
	m->title = xstrdup(j->title);
	m->is_move = 1;
	fetch_request req = {.url = m->url, .user = m};
	fetcher_add(r->f, &req);
}

/* Stores a parsed feed in one transaction; moves the URL when asked. */
static int store(struct run *r, const struct job *j, const feed *f, const fetch_result *res,
		 uint64_t hash, const char *move_to)
{
	struct extras e;
	extras_build(&e, f);
	db_store_stats st = {0};
	int rc = db_begin(r->d);
	if (rc == 0)
		rc = db_store_feed(r->d, j->id, f, e.x, res->etag, res->last_modified, hash,
				   now_s(), &st);
	if (rc == 0 && move_to)
		rc = db_podcast_set_url(r->d, j->id, move_to);
	if (rc == 0)
		rc = db_commit(r->d);
	if (rc != 0)
		db_rollback(r->d);
	extras_free(&e);
	if (rc == 0) {
		r->rep->updated++;
		r->rep->episodes_added += st.added;
		if (move_to)
			r->rep->moved++;
	}
	return rc;
}

static void handle_body(struct run *r, struct job *j, fetch_result *res)
{
	uint64_t hash = refresh_hash(res->body, res->len);
	if (!j->is_move && hash == j->old_hash && !(res->redirects && res->permanent)) {
		r->rep->unchanged++;
		if (db_podcast_touch(r->d, j->id, now_s()) != 0)
			r->dberr = 1;
		return;
	}
	feed f = {0};
	char *err = NULL;
	if (feed_parse(res->body, res->len, res->final_url, NULL, &f, &err) != 0) {
		record_error(r, j, err ? err : "not a podcast feed");
		free(err);
		return;
	}
	const char *move_to = NULL;
	if (j->is_move)
		move_to = j->url;
	else if (res->redirects && res->permanent && res->final_url &&
		 strcmp(res->final_url, j->url) != 0)
		move_to = res->final_url;
	if (store(r, j, &f, res, hash, move_to) != 0) {
		r->dberr = 1;
		add_failure(r, j, db_errmsg(r->d));
	} else if (!j->is_move && f.new_feed_url) {
		queue_move(r, j, f.new_feed_url);
	}
	feed_free(&f);
}

static void on_done(fetch_result *res, void *ctx)
{
	struct run *r = ctx;
	struct job *j = res->user;
	if (!res->ok) {
		record_error(r, j, res->error ? res->error : "download failed");
	} else if (res->not_modified) {
		r->rep->unchanged++;
		if (db_podcast_touch(r->d, j->id, now_s()) != 0)
			r->dberr = 1;
	} else {
		handle_body(r, j, res);
	}
	job_free(j);
}

static void draw_progress(struct run *r, int final)
{
	if (!r->progress && !r->hook)
		return;
	int64_t t = now_ms();
	if (!final && t - r->last_draw < 100)
		return;
	r->last_draw = t;
	fetch_progress p;
	fetcher_progress(r->f, &p);
	if (r->hook) {
		if (r->hook(r->hook_ctx, p.done, p.total) != 0)
			r->cancelled = 1;
		return;
	}
	if (final) {
		fprintf(stderr, "\r\033[K");
		return;
	}
	int width = 24, filled = p.total ? (int)((int64_t)p.done * width / p.total) : 0;
	char bar[32];
	for (int i = 0; i < width; i++)
		bar[i] = i < filled ? '#' : '.';
	bar[width] = '\0';
	/* Only our own ASCII and a URL trimmed to 40 bytes reach the terminal;
	 * control bytes in a URL are replaced. */
	char cur[41] = "";
	if (p.current) {
		size_t k = 0;
		for (const char *s = p.current; *s && k < 40; s++)
			cur[k++] = ((unsigned char)*s < 0x20 || *s == 0x7f) ? '?' : *s;
		cur[k] = '\0';
	}
	fprintf(stderr, "\r\033[K[%s] %d/%d feeds  %.1f MB  %s", bar, p.done, p.total,
		(double)p.bytes / 1e6, cur);
	fflush(stderr);
}

void refresh_fetch_opts(const config *c, fetch_opts *o)
{
	fetch_opts_default(o);
	o->max_parallel = c->jobs;
	o->max_per_host = c->per_host;
	o->connect_timeout_ms = (long)c->connect_timeout * 1000;
	o->low_speed_time = c->stall_timeout;
	o->total_timeout_ms = (long)c->feed_timeout * 1000;
	o->max_body = (size_t)c->max_feed_mb << 20;
	o->max_redirects = c->max_redirects;
	o->user_agent = c->user_agent;
}

static void queue_podcast(struct run *r, db_podcast *p)
{
	struct job *j = xcalloc(1, sizeof *j);
	j->id = p->id;
	j->url = xstrdup(p->url);
	j->title = xstrdup(p->title);
	j->is_local = p->is_local;
	j->old_hash = p->content_hash;
	j->etag = xstrdup(p->etag);
	j->last_modified = xstrdup(p->last_modified);
	fetch_request req = {
		.url = j->url,
		.etag = j->etag,
		.last_modified = j->last_modified,
		.allow_file = j->is_local,
		.user = j,
	};
	r->rep->total++;
	fetcher_add(r->f, &req);
}

int refresh_podcasts(db *d, const config *c, const int64_t *ids, size_t nids,
		     int progress, refresh_report *rep)
{
	return refresh_podcasts_hook(d, c, ids, nids, progress, NULL, NULL, rep);
}

int refresh_podcasts_hook(db *d, const config *c, const int64_t *ids, size_t nids,
			  int progress, refresh_progress_fn hook, void *ctx, refresh_report *rep)
{
	memset(rep, 0, sizeof *rep);
	fetch_global_init();
	fetch_opts o;
	refresh_fetch_opts(c, &o);
	struct run r = {.d = d, .rep = rep, .progress = progress, .hook = hook, .hook_ctx = ctx};
	r.f = fetcher_new(&o, on_done, &r);

	db_podcast *all = NULL;
	size_t n = 0;
	if (db_podcast_list(d, &all, &n) != 0) {
		fetcher_free(r.f);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		int wanted = ids == NULL;
		for (size_t k = 0; !wanted && k < nids; k++)
			wanted = ids[k] == all[i].id;
		if (wanted)
			queue_podcast(&r, &all[i]);
	}
	db_podcast_list_free(all, n);

	while (!r.cancelled && fetcher_step(r.f, 100) > 0)
		draw_progress(&r, 0);
	draw_progress(&r, 1);
	fetcher_free(r.f); /* when cancelled, aborts the transfers still running */
	if (r.cancelled)
		return r.dberr ? -1 : 0;
	/* Chapter files of the newest episodes come after the feeds, with the
	 * same engine; their failures are kept on the episode, not the feed. */
	chapfetch_stats cs;
	if (chapfetch_run(d, c, 0, ids, nids, &cs) != 0)
		r.dberr = 1;
	return r.dberr ? -1 : 0;
}

void refresh_report_free(refresh_report *rep)
{
	for (size_t i = 0; i < rep->nfailures; i++) {
		free(rep->failures[i].url);
		free(rep->failures[i].title);
		free(rep->failures[i].error);
	}
	free(rep->failures);
	memset(rep, 0, sizeof *rep);
}
