/*
 * feed.h - parse one podcast feed document (RSS 2.0 or Atom, with the
 * iTunes, content, Podcasting 2.0, Podlove and Media RSS namespaces) into
 * plain C structs. Pure: no I/O, no database.
 *
 * Parsing uses libxml2 with XML_PARSE_NONET and without entity
 * substitution, so a feed can never make podcue read a file or the network.
 *
 * Ownership: feed_parse fills a caller-provided struct feed; every string and
 * array in it is owned by it and released by feed_free.
 */
#ifndef PODCUE_FEED_H
#define PODCUE_FEED_H

#include <stddef.h>
#include <stdint.h>

#include "chapter.h"

typedef struct feed_transcript {
	char *url;
	char *type;
	char *language; /* or NULL */
	char *rel;      /* or NULL */
} feed_transcript;

typedef struct feed_item {
	/* Stable identity within the podcast: the trimmed guid when it is unique
	 * in this document, else the enclosure URL, else link + title, else a
	 * hash of title and date. Never NULL after feed_parse. */
	char *key;
	char *guid; /* the trimmed <guid>/<id> as written, or NULL */
	char *title;
	char *link;
	char *author;
	int64_t published; /* Unix time; valid only when has_published, which a
	                      date outside ptime_date_plausible (before 1900,
	                      or over a day after the parse) does not set */
	int has_published;
	double duration; /* seconds, finite, at most PTIME_MAX_DURATION (a
	                    week); < 0 when unknown */
	char *enclosure_url; /* absolute (resolved against the feed URL) */
	char *enclosure_type;
	int64_t enclosure_length; /* bytes, at most 1 TiB; -1 when unknown */
	char *notes; /* best show notes: content:encoded, description,
	                itunes:summary, itunes:subtitle (HTML or text) */
	char *image;
	int season;  /* 0 when absent */
	int episode; /* 0 when absent */
	char *episode_type; /* full/trailer/bonus or NULL */
	char *chapters_url;  /* podcast:chapters, absolute */
	char *chapters_type;
	feed_transcript *transcripts;
	size_t ntranscripts;
	chapter_list psc; /* inline Podlove chapters (first block), sorted */
	int feed_order;   /* position in the document, 0 = first */
} feed_item;

typedef struct feed {
	char *title;
	char *link;
	char *description;
	char *author;
	char *image;
	char *language;
	char *new_feed_url; /* itunes:new-feed-url or <redirect><newLocation> */
	char *podcast_guid;
	int is_atom;
	feed_item *items;
	size_t nitems;
	/* Set when the document only parsed in recovery mode or with a
	 * fallback encoding: a human-readable note, else NULL. */
	char *warning;
} feed;

/*
 * Parses buf[0..len). base_url is the final URL the body came from (for
 * resolving relative links; may be NULL). http_charset is the charset from
 * the Content-Type header, or NULL.
 *
 * Returns 0 on success. On failure returns -1, leaves *out empty (safe to
 * feed_free) and sets *err, when err is not NULL, to a readable message
 * (caller frees): "empty document", "not a podcast feed (root element
 * <html>)", "not a podcast feed (<rss> without <channel>)" or
 * "malformed XML: <libxml2 message> (line N)", "refused: entity expansion
 * beyond limits (an XML entity bomb)" or "refused: entity expansion or
 * nesting beyond limits" (billion laughs, quadratic blow-ups, nesting
 * deeper than 256: one expansion budget per document). UTF-16 documents
 * are converted to UTF-8 first. A document that is damaged but yields a
 * channel still succeeds, with out->warning set (also when HTML entities or
 * bare '&' had to be repaired, or a comment full of "--" was neutralised,
 * "repaired a malformed comment", because libxml2 is quadratic on them). An <rss> whose only
 * content is a legacy <redirect><newLocation> succeeds with zero items and
 * new_feed_url set. Item image is the item's own artwork or NULL (callers
 * fall back to feed->image). Never prints anything.
 */
int feed_parse(const char *buf, size_t len, const char *base_url,
	       const char *http_charset, feed *out, char **err);
void feed_free(feed *f);

#endif
