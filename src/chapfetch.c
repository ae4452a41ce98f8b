/*
 * chapfetch.c - Podcasting 2.0 chapter files (see chapfetch.h).
 */
#include "chapfetch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chapjson.h"
#include "fetch.h"
#include "id3chap.h"
#include "log.h"
#include "util.h"

/* --- jobs and requests ---------------------------------------------- */

int chapfetch_jobs(db *d, int64_t episode_id, const int64_t *ids, size_t nids,
		   db_chapter_job **jobs, size_t *n)
{
	return db_chapter_jobs(d, episode_id, ids, nids, CHAPFETCH_PER_PODCAST,
			       now_s() - CHAPFETCH_STALE_S, jobs, n);
}

void chapfetch_request(const db_chapter_job *job, fetch_request *req)
{
	memset(req, 0, sizeof *req);
	req->url = job->url;
	req->etag = job->etag;
	req->last_modified = job->last_modified;
	req->allow_file = job->is_local;
	req->origin = job->is_local ? NULL : job->feed_url;
}

/* --- results, stored in batches --------------------------------------- */

static void batch_push(chapfetch_batch *b, int64_t ep, const fetch_result *r,
		       const chapter_list *l, char *err)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 16;
		b->v = xrealloc(b->v, b->cap * sizeof *b->v);
	}
	chapfetch_item *it = &b->v[b->n++];
	memset(it, 0, sizeof *it);
	it->episode_id = ep;
	it->error = err;
	if (l) {
		it->chapters = *l;
		it->has_chapters = 1;
		it->etag = xstrdup(r->etag);
		it->last_modified = xstrdup(r->last_modified);
	}
}

void chapfetch_batch_add(chapfetch_batch *b, int64_t episode_id, const fetch_result *r,
			 chapfetch_stats *st)
{
	if (!r->ok) {
		batch_push(b, episode_id, r, NULL,
			   xasprintf("chapters file: %s", r->error ? r->error : "download failed"));
		st->failed++;
		return;
	}
	if (r->not_modified) {
		batch_push(b, episode_id, r, NULL, NULL);
		st->unchanged++;
		return;
	}
	if (r->len > CHAPFETCH_MAX_BODY) {
		/* A shared fetcher (refresh) caps bodies at the feed size only. */
		batch_push(b, episode_id, r, NULL,
			   xasprintf("chapters file: response too large (over %u MiB)",
				     CHAPFETCH_MAX_BODY >> 20));
		st->failed++;
		return;
	}
	chapter_list l = CHAPTER_LIST_INIT;
	char *err = NULL;
	if (chapjson_parse(r->body, r->len, &l, &err) == 0) {
		batch_push(b, episode_id, r, &l, NULL);
		st->fetched++;
	} else {
		chapter_list_clear(&l);
		batch_push(b, episode_id, r, NULL,
			   xasprintf("chapters file: %s", err ? err : "not valid"));
		st->failed++;
	}
	free(err);
}

static void batch_clear(chapfetch_batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		chapfetch_item *it = &b->v[i];
		chapter_list_clear(&it->chapters);
		free(it->etag);
		free(it->last_modified);
		free(it->error);
	}
	b->n = 0;
}

int chapfetch_batch_flush(chapfetch_batch *b, db *d)
{
	if (!b->n)
		return 0;
	db_chapter_file *v = xcalloc(b->n, sizeof *v);
	for (size_t i = 0; i < b->n; i++) {
		const chapfetch_item *it = &b->v[i];
		v[i] = (db_chapter_file){
			.episode_id = it->episode_id,
			.chapters = it->has_chapters ? &it->chapters : NULL,
			.etag = it->etag,
			.last_modified = it->last_modified,
			.error = it->error,
		};
	}
	int rc = db_chapter_files_done(d, v, b->n, now_s());
	free(v);
	batch_clear(b);
	return rc;
}

void chapfetch_batch_free(chapfetch_batch *b)
{
	batch_clear(b);
	free(b->v);
	b->v = NULL;
	b->cap = 0;
}

/* --- one run of its own ------------------------------------------------ */

struct cf_run {
	chapfetch_batch batch;
	chapfetch_stats *st;
};

static void on_chapters(fetch_result *r, void *ctx)
{
	struct cf_run *run = ctx;
	chapfetch_batch_add(&run->batch, *(int64_t *)r->user, r, run->st);
	free(r->user);
}

int chapfetch_run(db *d, const config *c, int64_t episode_id, const int64_t *ids,
		  size_t nids, chapfetch_stats *st)
{
	memset(st, 0, sizeof *st);
	db_chapter_job *jobs;
	size_t n;
	if (chapfetch_jobs(d, episode_id, ids, nids, &jobs, &n) != 0)
		return -1;
	if (!n) {
		free(jobs);
		return 0;
	}
	fetch_global_init();
	fetch_opts o;
	config_fetch_opts(c, &o);
	o.max_body = CHAPFETCH_MAX_BODY;
	struct cf_run run = {.batch = CHAPFETCH_BATCH_INIT, .st = st};
	fetcher *f = fetcher_new(&o, on_chapters, &run);
	for (size_t i = 0; i < n; i++) {
		int64_t *ep = xmalloc(sizeof *ep);
		*ep = jobs[i].episode_id;
		fetch_request req;
		chapfetch_request(&jobs[i], &req);
		req.user = ep;
		fetcher_add(f, &req);
	}
	fetcher_run(f);
	fetcher_free(f);
	db_chapter_jobs_free(jobs, n);
	/* Everything in one transaction: one commit and one search-index
	 * update instead of one per file. */
	int rc = chapfetch_batch_flush(&run.batch, d);
	chapfetch_batch_free(&run.batch);
	return rc;
}

struct head_result {
	char *body;
	size_t len;
	char *error;
};

static void on_head(fetch_result *r, void *ctx)
{
	struct head_result *h = ctx;
	if (r->ok && !r->not_modified) {
		h->body = r->body;
		h->len = r->len;
		r->body = NULL;
	} else {
		h->error = xstrdup(r->error ? r->error : "download failed");
	}
}

/* Fetches at most CHAPFETCH_HEAD_BYTES of url. */
static int fetch_head(const config *c, const char *url, int is_local, const char *origin,
		      struct head_result *h)
{
	fetch_global_init();
	fetch_opts o;
	config_fetch_opts(c, &o);
	o.max_body = CHAPFETCH_HEAD_BYTES;
	char range[32];
	snprintf(range, sizeof range, "0-%d", CHAPFETCH_HEAD_BYTES - 1);
	fetcher *f = fetcher_new(&o, on_head, h);
	fetch_request req = {.url = url, .allow_file = is_local, .range = range, .partial_ok = 1,
			     .origin = is_local ? NULL : origin};
	fetcher_add(f, &req);
	fetcher_run(f);
	fetcher_free(f);
	return h->error ? -1 : 0;
}

int chapfetch_local(db *d, int64_t episode_id, const char *path, char **err)
{
	*err = NULL;
	chapter_list l = CHAPTER_LIST_INIT;
	char *perr = NULL;
	int n = id3chap_parse_file(path, &l, &perr);
	if (n < 0) {
		*err = xasprintf("downloaded file: %s", perr ? perr : "unreadable ID3 tag");
		n = 0;
	}
	free(perr);
	/* The file is the episode's own: what it says (even nothing) is the
	 * answer, stored so that nothing probes the network for it later. */
	if (db_embedded_done(d, episode_id, &l, now_s()) != 0 && !*err)
		*err = xstrdup(db_errmsg(d));
	chapter_list_clear(&l);
	return *err ? -1 : n;
}

int chapfetch_embedded(db *d, const config *c, const db_episode *e, int is_local,
		       const char *feed_url, char **err)
{
	*err = NULL;
	if (!e->enclosure_url || db_embedded_probed(d, e->id))
		return 0;
	char *path = NULL;
	if (db_download_done_path(d, e->id, &path) == 0) {
		int n = chapfetch_local(d, e->id, path, err);
		free(path);
		return n;
	}
	struct head_result h = {0};
	if (fetch_head(c, e->enclosure_url, is_local, feed_url, &h) != 0) {
		*err = xasprintf("media file: %s", h.error);
		free(h.error);
		return -1;
	}
	chapter_list l = CHAPTER_LIST_INIT;
	char *perr = NULL;
	int n = id3chap_parse((const unsigned char *)h.body, h.len, &l, &perr);
	free(h.body);
	if (n < 0) {
		*err = xasprintf("media file: %s", perr ? perr : "unreadable ID3 tag");
		n = 0;
	}
	free(perr);
	/* A file without a tag, or with a broken one, is not probed again. */
	if (db_embedded_done(d, e->id, &l, now_s()) != 0 && !*err)
		*err = xstrdup(db_errmsg(d));
	chapter_list_clear(&l);
	return *err ? -1 : n;
}

/* --- one episode, for the front ends ------------------------------------ */

/* 1 when e's media file is to be probed: see chapfetch_episode. */
static int media_due(db *d, const db_episode *e)
{
	if (!e->enclosure_url || db_embedded_probed(d, e->id))
		return 0;
	chapter_list l = CHAPTER_LIST_INIT;
	size_t visible = 2; /* the cache cannot say: no network for it */
	if (db_chapters_visible(d, e->id, &l) == 0)
		visible = l.n;
	chapter_list_clear(&l);
	return visible < 2;
}

int chapfetch_episode(db *d, const config *c, int64_t episode_id, chapfetch_outcome *out)
{
	memset(out, 0, sizeof *out);
	db_episode e;
	int rc = db_episode_get(d, episode_id, &e);
	if (rc != 0)
		return rc;
	chapfetch_stats st;
	if (e.chapters_url) {
		rc = chapfetch_run(d, c, e.id, NULL, 0, &st);
		out->changed = rc == 0 && st.fetched > 0;
		out->file_error = rc == 0 ? db_chapter_file_error(d, e.id) : NULL;
	}
	if (rc == 0 && media_due(d, &e)) {
		int local;
		char *feed_url;
		db_podcast_origin(d, e.podcast_id, &local, &feed_url);
		if (chapfetch_embedded(d, c, &e, local, feed_url, &out->media_error) > 0)
			out->changed = 1;
		free(feed_url);
		if (out->media_error)
			log_msg("chapters", "episode %lld: %s", (long long)e.id, out->media_error);
	}
	db_episode_free(&e);
	return rc;
}

void chapfetch_outcome_free(chapfetch_outcome *o)
{
	free(o->file_error);
	free(o->media_error);
	memset(o, 0, sizeof *o);
}
