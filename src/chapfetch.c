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
#include "refresh.h"
#include "util.h"

struct cf_run {
	db *d;
	chapfetch_stats *st;
	int dberr;
};

static void on_chapters(fetch_result *r, void *ctx)
{
	struct cf_run *run = ctx;
	int64_t ep = *(int64_t *)r->user;
	int64_t when = now_s();
	int rc;
	if (!r->ok) {
		char *msg = xasprintf("chapters file: %s", r->error ? r->error : "download failed");
		rc = db_chapter_file_done(run->d, ep, NULL, NULL, NULL, msg, when);
		free(msg);
		run->st->failed++;
	} else if (r->not_modified) {
		rc = db_chapter_file_done(run->d, ep, NULL, NULL, NULL, NULL, when);
		run->st->unchanged++;
	} else {
		chapter_list l = CHAPTER_LIST_INIT;
		char *err = NULL;
		if (chapjson_parse(r->body, r->len, &l, &err) == 0) {
			rc = db_chapter_file_done(run->d, ep, &l, r->etag, r->last_modified, NULL,
						  when);
			run->st->fetched++;
		} else {
			char *msg = xasprintf("chapters file: %s", err ? err : "not valid");
			rc = db_chapter_file_done(run->d, ep, NULL, NULL, NULL, msg, when);
			free(msg);
			run->st->failed++;
		}
		free(err);
		chapter_list_clear(&l);
	}
	if (rc != 0)
		run->dberr = 1;
	free(r->user);
}

int chapfetch_run(db *d, const config *c, int64_t episode_id, const int64_t *ids,
		  size_t nids, chapfetch_stats *st)
{
	memset(st, 0, sizeof *st);
	db_chapter_job *jobs;
	size_t n;
	if (db_chapter_jobs(d, episode_id, ids, nids, CHAPFETCH_PER_PODCAST,
			    now_s() - CHAPFETCH_STALE_S, &jobs, &n) != 0)
		return -1;
	if (!n) {
		free(jobs);
		return 0;
	}
	fetch_global_init();
	fetch_opts o;
	refresh_fetch_opts(c, &o);
	o.max_body = 16u << 20; /* chapter JSON is small; 16 MiB is generous */
	struct cf_run run = {.d = d, .st = st};
	fetcher *f = fetcher_new(&o, on_chapters, &run);
	for (size_t i = 0; i < n; i++) {
		int64_t *ep = xmalloc(sizeof *ep);
		*ep = jobs[i].episode_id;
		fetch_request req = {
			.url = jobs[i].url,
			.etag = jobs[i].etag,
			.last_modified = jobs[i].last_modified,
			.allow_file = jobs[i].is_local,
			.user = ep,
		};
		fetcher_add(f, &req);
	}
	fetcher_run(f);
	fetcher_free(f);
	db_chapter_jobs_free(jobs, n);
	return run.dberr ? -1 : 0;
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
static int fetch_head(const config *c, const char *url, int is_local, struct head_result *h)
{
	fetch_global_init();
	fetch_opts o;
	refresh_fetch_opts(c, &o);
	o.max_body = CHAPFETCH_HEAD_BYTES;
	char range[32];
	snprintf(range, sizeof range, "0-%d", CHAPFETCH_HEAD_BYTES - 1);
	fetcher *f = fetcher_new(&o, on_head, h);
	fetch_request req = {.url = url, .allow_file = is_local, .range = range, .partial_ok = 1};
	fetcher_add(f, &req);
	fetcher_run(f);
	fetcher_free(f);
	return h->error ? -1 : 0;
}

int chapfetch_embedded(db *d, const config *c, const db_episode *e, int is_local, char **err)
{
	*err = NULL;
	if (!e->enclosure_url || db_embedded_probed(d, e->id))
		return 0;
	struct head_result h = {0};
	if (fetch_head(c, e->enclosure_url, is_local, &h) != 0) {
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
