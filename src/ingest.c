/*
 * ingest.c - what one fetched feed becomes (see ingest.h).
 */
#include "ingest.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chapnotes.h"
#include "html.h"
#include "urlrule.h"
#include "util.h"

/* FNV-1a 64 of a body, used to skip re-parsing identical feeds. */
static uint64_t body_hash(const char *buf, size_t len)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)buf[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/* --- prepare: parse and derive (no database) ---------------------------- */

void ingest_derive(const char *notes, double duration, db_derived *out)
{
	memset(out, 0, sizeof *out);
	if (!notes)
		return;
	/* Parsed once for the reading text and the chapter views: the
	 * parse is most of a rendering's cost. Chapters are read on the
	 * notes' own structure, not on the reading text with its numbered
	 * links. */
	size_t len = strlen(notes);
	html_doc *doc = html_parse(notes, len);
	html_text t;
	html_doc_render(doc, 0, &t);
	out->text = t.text;
	out->links = t.links;
	out->nlinks = t.nlinks;
	if (chapnotes_may_hold(notes, len))
		chapnotes_from_doc(doc, duration, &out->chapters, NULL);
	html_doc_free(doc);
}

static void extras_build(ingest_extras *e, const feed *f)
{
	e->n = f->nitems;
	e->x = xcalloc(e->n, sizeof *e->x);
	e->derived = xcalloc(e->n, sizeof *e->derived);
	/* With a deriver set, the store derives what it writes now and
	 * leaves the rest to the indexer (db_set_deriver): a first import
	 * stores its episodes without paying for this. */
	int later = db_have_deriver();
	for (size_t i = 0; i < e->n; i++) {
		const feed_item *it = &f->items[i];
		if (later && it->notes) {
			e->x[i].raw = 1;
		} else {
			ingest_derive(it->notes, it->duration, &e->derived[i]);
			e->x[i].notes_text = e->derived[i].text;
			e->x[i].links = e->derived[i].links;
			e->x[i].nlinks = e->derived[i].nlinks;
			e->x[i].notes_chapters = &e->derived[i].chapters;
		}
		/* Here, off the store thread: the store compares it with the
		 * cached one and writes only the items that changed. */
		e->x[i].hash = db_item_hash(it, &e->x[i], f->nitems);
	}
}

static void extras_free(ingest_extras *e)
{
	for (size_t i = 0; i < e->n; i++)
		db_derived_free(&e->derived[i]);
	free(e->x);
	free(e->derived);
}

/* The charset parameter of a Content-Type header value, unquoted, or
 * NULL. ISO-8859-1, Latin-1 and US-ASCII labels become windows-1252, as
 * browsers read them (WHATWG Encoding): servers that say so usually send
 * windows-1252 punctuation. feed_parse tries it only when the body does
 * not decode as it declares itself. Caller frees. */
static char *content_charset(const char *ctype)
{
	const char *p = ctype ? strcasestr(ctype, "charset=") : NULL;
	if (!p)
		return NULL;
	p += 8;
	if (*p == '"')
		p++;
	size_t n = strcspn(p, "\"; \t");
	if (n == 0 || n > 40)
		return NULL;
	char *cs = xstrndup(p, n);
	static const char *const latin1[] = {"iso-8859-1", "iso8859-1", "latin1",
					     "l1", "us-ascii", "ascii"};
	for (size_t i = 0; i < sizeof latin1 / sizeof latin1[0]; i++) {
		if (str_ieq(cs, latin1[i])) {
			free(cs);
			return xstrdup("windows-1252");
		}
	}
	return cs;
}

void ingest_prepare(const ingest_job *j, fetch_result *res, ingest_body *b)
{
	memset(b, 0, sizeof *b);
	b->hash = body_hash(res->body, res->len);
	if (!j->is_move && b->hash == j->old_hash && !(res->redirects && res->permanent)) {
		b->unchanged = 1;
	} else {
		char *err = NULL;
		char *charset = content_charset(res->content_type);
		int rc = feed_parse(res->body, res->len, res->final_url, charset, &b->f, &err);
		free(charset);
		free(res->body); /* before the extras: peak memory (issue 16) */
		res->body = NULL;
		if (rc == 0) {
			b->parsed = 1;
			extras_build(&b->e, &b->f);
		} else {
			b->parse_error = err ? err : xstrdup("not a podcast feed");
		}
	}
	free(res->body);
	res->body = NULL;
}

void ingest_body_free(ingest_body *b)
{
	free(b->parse_error);
	if (b->parsed) {
		extras_free(&b->e);
		feed_free(&b->f);
	}
	memset(b, 0, sizeof *b);
}

char *ingest_time_text(int64_t when)
{
	time_t t = (time_t)when;
	struct tm tm;
	char buf[32];
	if (!localtime_r(&t, &tm) || !strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm))
		return xasprintf("%lld", (long long)when);
	return xstrdup(buf);
}

/* --- store: record the outcome (database) ------------------------------- */

static void add_failure(refresh_report *rep, const ingest_job *j, const char *msg)
{
	rep->failures = xrealloc(rep->failures, (rep->nfailures + 1) * sizeof *rep->failures);
	refresh_failure *f = &rep->failures[rep->nfailures++];
	f->id = j->id;
	f->url = xstrdup(j->url);
	f->title = xstrdup(j->title);
	f->error = xstrdup(msg);
	rep->failed++;
}

static void record_error(db *d, const ingest_job *j, const char *msg, refresh_report *rep,
			 int *dberr)
{
	if (j->is_move) {
		/* The old URL still works; a broken new-feed-url is only noted. */
		return;
	}
	add_failure(rep, j, msg);
	if (db_podcast_set_error(d, j->id, msg) != 0)
		*dberr = 1;
}

static enum ingest_outcome record_unchanged(db *d, const ingest_job *j, refresh_report *rep,
					    int *dberr)
{
	rep->unchanged++;
	if (db_podcast_touch(d, j->id, now_s()) != 0)
		*dberr = 1;
	return INGEST_UNCHANGED;
}

/* Stores a parsed feed; moves the URL when asked. */
static int store(db *d, const ingest_job *j, const ingest_body *b, const fetch_result *res,
		 const char *move_to, refresh_report *rep)
{
	db_store_stats st = {0};
	/* In transactions of its own, a big feed in several (db_store_feed):
	 * other processes wait milliseconds for the write lock. */
	int rc = db_store_feed_to(d, j->id, &b->f, b->e.x, res->etag, res->last_modified,
				  b->hash, now_s(), move_to, &st);
	if (rc == 0) {
		rep->updated++;
		rep->episodes_added += st.added;
		if (move_to)
			rep->moved++;
	}
	return rc;
}

/* 1 when move_to is (or was) the URL of another subscription: the feed
 * keeps its URL and is not stored, and the error says why (on the feed,
 * even for a new-feed-url, so that it does not go quietly stale). */
static int move_clash(db *d, const ingest_job *j, const char *move_to, refresh_report *rep,
		      int *dberr)
{
	db_podcast other;
	int rc = db_podcast_find(d, move_to, &other);
	if (rc < 0) {
		*dberr = 1;
		return 0;
	}
	if (rc > 0)
		return 0;
	int clash = other.id != j->id;
	if (clash) {
		char *msg = xasprintf("moved to %s, which is already subscribed (id %lld%s%s); "
				      "kept at the old URL: remove one of the two", move_to,
				      (long long)other.id, other.title ? ": " : "",
				      other.title ? other.title : "");
		add_failure(rep, j, msg);
		if (db_podcast_set_error(d, j->id, msg) != 0)
			*dberr = 1;
		free(msg);
	}
	db_podcast_free(&other);
	return clash;
}

/* The new-feed-url of a stored feed when it is to be fetched next. */
static const char *new_feed_url(const ingest_job *j, const feed *f)
{
	const char *u = f->new_feed_url;
	if (j->is_move || !u || strcmp(u, j->url) == 0 || !urlrule_remote(u))
		return NULL;
	return u;
}

enum ingest_outcome ingest_store(db *d, const ingest_job *j, const fetch_result *res,
				 const ingest_body *b, refresh_report *rep, const char **follow,
				 int *dberr)
{
	*follow = NULL;
	if (!j->is_move && (res->retry_after || j->retry_after) &&
	    db_podcast_set_retry_after(d, j->id, res->retry_after) != 0)
		*dberr = 1;
	if (!res->ok && res->retry_after) {
		char *when = ingest_time_text(res->retry_after);
		char *msg = xasprintf("%s; retry after %s", res->error ? res->error : "busy", when);
		record_error(d, j, msg, rep, dberr);
		free(msg);
		free(when);
		return INGEST_FAILED;
	}
	if (!res->ok) {
		record_error(d, j, res->error ? res->error : "download failed", rep, dberr);
		return INGEST_FAILED;
	}
	if (res->not_modified || b->unchanged)
		return record_unchanged(d, j, rep, dberr);
	if (!b->parsed) {
		record_error(d, j, b->parse_error, rep, dberr);
		return INGEST_FAILED;
	}
	const char *move_to = NULL;
	if (j->is_move)
		move_to = j->url;
	else if (res->redirects && res->permanent && res->final_url &&
		 strcmp(res->final_url, j->url) != 0)
		move_to = res->final_url;
	if (move_to && move_clash(d, j, move_to, rep, dberr))
		return INGEST_FAILED;
	if (store(d, j, b, res, move_to, rep) != 0) {
		*dberr = 1;
		add_failure(rep, j, db_errmsg(d));
		return INGEST_FAILED;
	}
	*follow = new_feed_url(j, &b->f);
	return INGEST_STORED;
}
