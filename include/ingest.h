/*
 * ingest.h - the rules of a refresh, apart from its pipeline (refresh.h):
 * what one fetched feed becomes.
 *
 *   prepare (no database): a body identical to the last one parsed is
 *     "unchanged"; otherwise it is parsed (feed.h) in the charset its
 *     Content-Type names when the body does not decode as it declares
 *     itself, and each item's extras are derived: show notes as text with
 *     numbered links (html.h), chapters found in the notes (chapnotes.h);
 *     with a deriver set on the cache (db.h), they are left for the store
 *     or the indexer to derive instead (ingest_derive).
 *   store (database): a failed fetch is recorded on the podcast, a 304 or
 *     an unchanged body is a check that found nothing new, a parsed feed
 *     is stored in one transaction. The stored URL moves when every hop of
 *     a redirect chain was permanent, or when the feed fetched was the
 *     podcast's itunes:new-feed-url; a new-feed-url is followed only after
 *     the new URL was fetched and parsed, and only to an http(s) URL
 *     (urlrule.h). A broken new-feed-url is not an error: the old URL works.
 *
 * No threads of its own and no shared state: ingest_prepare runs on any
 * thread, ingest_store on the thread that owns the db handle.
 */
#ifndef PODCUE_INGEST_H
#define PODCUE_INGEST_H

#include <stdint.h>

#include "chapter.h"
#include "db.h"
#include "feed.h"
#include "fetch.h"
#include "refresh.h"

/* One feed request, as the rules see it; strings are borrowed. */
typedef struct ingest_job {
	int64_t id;        /* podcast */
	const char *url;   /* the URL fetched */
	const char *title; /* cached title, for messages; may be NULL */
	int is_move;       /* fetching a new-feed-url on behalf of podcast id */
	uint64_t old_hash; /* hash of the body parsed last time */
	int64_t retry_after; /* the stored Retry-After time, cleared once asked again */
} ingest_job;

/* Derived per-item data: notes as text, numbered links, notes chapters;
 * arrays parallel to the feed's items. With a deriver set (db.h), items
 * with notes are left raw instead (x[i].raw) and derived holds nothing. */
typedef struct ingest_extras {
	db_item_extra *x;
	db_derived *derived;
	size_t n;
} ingest_extras;

/* What notes give (db_deriver_fn): the reading text with its links
 * (html.h) and the chapters found in them (chapnotes.h), from one parse.
 * podcue sets it as the cache's deriver. Pure; any thread. */
void ingest_derive(const char *notes, double duration, db_derived *out);

/* What prepare made of a fetched body. Owns everything in it. */
typedef struct ingest_body {
	int unchanged;     /* the same body as last time */
	int parsed;        /* f and e are filled */
	char *parse_error; /* not a feed, when neither */
	uint64_t hash;     /* of the body */
	feed f;
	ingest_extras e;
} ingest_body;

/* Prepares the body of a successful, modified fetch (res->ok and not
 * res->not_modified) into b, then frees res->body (set to NULL). */
void ingest_prepare(const ingest_job *j, fetch_result *res, ingest_body *b);
void ingest_body_free(ingest_body *b);

/* when (Unix time) as the refresh messages show it: local
 * "YYYY-MM-DD HH:MM". Caller frees. */
char *ingest_time_text(int64_t when);

enum ingest_outcome {
	INGEST_FAILED,    /* recorded as an error (or a broken new-feed-url) */
	INGEST_UNCHANGED, /* nothing new: 304 or the same body */
	INGEST_STORED,    /* the feed was stored */
};

/* Records what fetching j gave, per the rules above, and counts it in rep
 * (updated, unchanged, failed with a failure entry, moved, episodes
 * added). b is the prepared body of a successful, modified fetch, else
 * unused. On INGEST_STORED, *follow is the feed's new-feed-url when it is
 * to be fetched next (borrowed from b), else NULL. *dberr is set to 1 on
 * a database error. */
enum ingest_outcome ingest_store(db *d, const ingest_job *j, const fetch_result *res,
				 const ingest_body *b, refresh_report *rep, const char **follow,
				 int *dberr);

#endif
