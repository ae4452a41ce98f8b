/*
 * trfetch.c - an episode's transcript, fetched when due (see trfetch.h).
 */
#include "trfetch.h"

#include <stdlib.h>
#include <string.h>

#include "fetch.h"
#include "log.h"
#include "transcript.h"
#include "urlrule.h"
#include "util.h"

struct one {
	char *body;
	size_t len;
	int not_modified;
	char *etag, *last_modified;
	char *error;
};

static void on_done(fetch_result *r, void *ctx)
{
	struct one *o = ctx;
	if (!r->ok) {
		o->error = xstrdup(r->error ? r->error : "download failed");
		return;
	}
	o->not_modified = r->not_modified;
	o->body = r->body;
	o->len = r->len;
	r->body = NULL;
	o->etag = r->etag ? xstrdup(r->etag) : NULL;
	o->last_modified = r->last_modified ? xstrdup(r->last_modified) : NULL;
}

static void one_free(struct one *o)
{
	free(o->body);
	free(o->etag);
	free(o->last_modified);
	free(o->error);
}

/* One request for url, with the validators when given; origin is the feed
 * that named it (the private network rule, fetch.h), NULL for a local one. */
static void fetch_one(const config *c, const char *url, int is_local, const char *origin,
		      const char *etag, const char *last_modified, struct one *o)
{
	memset(o, 0, sizeof *o);
	const char *why = urlrule_refusal(url, is_local);
	if (why) {
		o->error = xstrdup(why);
		return;
	}
	fetch_global_init();
	fetch_opts opts;
	config_fetch_opts(c, &opts);
	opts.max_body = TRANSCRIPT_MAX_BYTES;
	fetcher *f = fetcher_new(&opts, on_done, o);
	if (!f) {
		o->error = xstrdup("cannot start a transfer");
		return;
	}
	fetch_request req = {.url = url, .etag = etag, .last_modified = last_modified,
			     .allow_file = is_local, .origin = is_local ? NULL : origin};
	fetcher_add(f, &req);
	fetcher_run(f);
	fetcher_free(f);
}

/* Transcripts in preference order (stable). */
static void sort_by_type(db_transcript *v, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		db_transcript x = v[i];
		size_t j = i;
		for (; j > 0 && transcript_type_rank(v[j - 1].type) > transcript_type_rank(x.type); j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

static int listed(const db_transcript *v, size_t n, const char *url)
{
	for (size_t i = 0; url && i < n; i++)
		if (strcmp(v[i].url, url) == 0)
			return 1;
	return 0;
}

static int due(const db_transcript *v, size_t n, int have, const db_transcript_state *s)
{
	if (!have || !listed(v, n, s->url))
		return 1;
	int64_t age = now_s() - s->fetched;
	if (s->error)
		return age >= TRFETCH_RETRY_S || age < 0;
	return !s->segments || age >= TRFETCH_REVALIDATE_S || age < 0;
}

/* Tries candidate v: 0 stored (or unchanged), -1 failed (*err set), -2 db. */
static int try_one(db *d, const config *c, int64_t ep, int is_local, const char *origin,
		   const db_transcript *v, const db_transcript_state *s, trfetch_outcome *out,
		   char **err)
{
	int same = s->url && strcmp(s->url, v->url) == 0 && s->segments > 0;
	struct one o;
	fetch_one(c, v->url, is_local, origin, same ? s->etag : NULL,
		  same ? s->last_modified : NULL, &o);
	out->fetched = 1;
	int rc = -1;
	if (o.error) {
		*err = xasprintf("transcript: %s", o.error);
	} else if (o.not_modified) {
		rc = db_transcript_store(d, ep, v->url, NULL, NULL, NULL, NULL, now_s()) < 0 ? -2 : 0;
	} else {
		transcript t;
		char *perr = NULL;
		if (transcript_parse(v->type, o.body, o.len, &t, &perr) == 0) {
			rc = db_transcript_store(d, ep, v->url, &t, o.etag, o.last_modified, NULL,
						 now_s()) < 0 ? -2 : 0;
			out->changed = rc == 0;
			transcript_free(&t);
		} else {
			*err = xasprintf("transcript: %s", perr ? perr : "not readable");
		}
		free(perr);
	}
	one_free(&o);
	return rc;
}

static int fetch_due(db *d, const config *c, int64_t ep, int is_local, const char *origin,
		     db_transcript *v, size_t n, const db_transcript_state *s,
		     trfetch_outcome *out)
{
	char *first_err = NULL;
	for (size_t i = 0; i < n; i++) {
		char *err = NULL;
		int rc = try_one(d, c, ep, is_local, origin, &v[i], s, out, &err);
		if (rc != -1) {
			free(first_err);
			free(err);
			return rc == -2 ? -1 : 0;
		}
		log_msg("transcript", "episode %lld: %s: %s", (long long)ep, v[i].url, err);
		if (!first_err)
			first_err = err;
		else
			free(err);
	}
	/* All failed: remembered with the first (preferred) one, tried again
	 * after TRFETCH_RETRY_S; segments stored earlier stay. */
	out->error = first_err;
	return db_transcript_store(d, ep, v[0].url, NULL, NULL, NULL, first_err, now_s()) < 0 ? -1
												  : 0;
}

int trfetch_episode(db *d, const config *c, int64_t episode_id, trfetch_outcome *out)
{
	memset(out, 0, sizeof *out);
	db_episode e;
	int rc = db_episode_get(d, episode_id, &e);
	if (rc != 0)
		return rc;
	db_transcript *v = NULL;
	size_t n = 0;
	db_transcript_state s;
	int have = 0;
	rc = db_episode_transcripts(d, episode_id, &v, &n);
	if (rc == 0)
		have = db_transcript_state_get(d, episode_id, &s);
	if (rc == 0 && have < 0)
		rc = -1;
	have = have == 0;
	out->listed = (int)n;
	if (rc == 0 && n) {
		sort_by_type(v, n);
		if (due(v, n, have, &s)) {
			int local;
			char *feed_url;
			db_podcast_origin(d, e.podcast_id, &local, &feed_url);
			rc = fetch_due(d, c, episode_id, local, feed_url, v, n,
				       have ? &s : &(db_transcript_state){0}, out);
			free(feed_url);
		} else if (have && s.error) {
			out->error = xstrdup(s.error);
		}
	}
	if (have)
		db_transcript_state_free(&s);
	db_transcript_list_free(v, n);
	db_episode_free(&e);
	return rc;
}

void trfetch_outcome_free(trfetch_outcome *o)
{
	free(o->error);
	memset(o, 0, sizeof *o);
}
