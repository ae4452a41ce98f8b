/*
 * opml.h - OPML subscription list import and export.
 *
 * Ownership: opml_parse fills a list the caller frees with
 * opml_list_free(); every string in it is a separate heap copy.
 * opml_export returns a heap string the caller frees.
 */
#ifndef PODCUE_OPML_H
#define PODCUE_OPML_H

#include <stddef.h>
#include <stdint.h>

typedef struct opml_feed {
	char *url;      /* xmlUrl, trimmed; never NULL */
	char *title;    /* text, else title, trimmed; NULL when both are blank */
	char *html_url; /* htmlUrl, trimmed; NULL when blank (do not trust it) */
	char *category; /* category attribute, else folder path "a/b"; or NULL */
} opml_feed;

typedef struct opml_list {
	opml_feed *v;
	size_t n;
} opml_list;

/* Parses OPML 1.0/1.1/2.0 with libxml2 (XML_PARSE_NONET, no entity
 * substitution option, no DTD loading, errors never printed). The root
 * element must be <opml> (any namespace or version) with a <body> child.
 *
 * Every <outline> with an xmlUrl attribute is a feed, whatever its type
 * (attribute names are matched case-insensitively everywhere: xmlURL,
 * HTMLURL...); a blank xmlUrl counts as absent. Outlines are walked
 * iteratively at any depth; the children of a feed outline are walked too.
 * An outline without xmlUrl is a folder: its text (else title) becomes a
 * path component, and a feed with no non-blank category attribute gets the
 * path of its enclosing folders ("a/b"; nameless folders are skipped;
 * NULL at top level). Duplicates are dropped keeping the first: two URLs
 * are the same when equal after trimming, comparing the scheme and
 * authority (up to the first '/', '?' or '#' after "://")
 * case-insensitively and the rest exactly. Hash-based: linear time.
 *
 * Returns 0 (a body with zero feeds is 0 with n == 0), or -1 with out
 * empty and *err (optional; caller frees) set to a message such as
 * "not an OPML document (root element <rss>)",
 * "malformed OPML: Opening and ending tag mismatch: opml line 2 and bad
 * line 9", "OPML has no <body>", "malformed OPML: double hyphen within
 * comment line N" (refused up front: libxml2 is quadratic on them) or
 * "OPML refused: entity expansion beyond limits". buf need not be NUL-terminated. */
int opml_parse(const char *buf, size_t len, opml_list *out, char **err);

/* Frees the feeds and the array and empties l. NULL is fine. */
void opml_list_free(opml_list *l);

typedef struct opml_export_item {
	const char *url;      /* required; items with NULL or blank url are skipped */
	const char *title;    /* NULL or blank -> url is used */
	const char *html_url; /* optional */
} opml_export_item;

/* OPML 2.0 document:
 *   <opml version="2.0"><head><title>podcue subscriptions</title>
 *   <dateCreated>RFC 822 date of `created` (Unix seconds, UTC, 4-digit
 *   year, English names whatever the locale)</dateCreated></head><body>
 *   one <outline type="rss" text=".." title=".." xmlUrl=".."
 *   [htmlUrl=".."]/> per item</body></opml>
 * built with libxml2's tree and save API (escaping is libxml2's), UTF-8,
 * indented, with a trailing newline. Strings are made valid for XML
 * first: invalid UTF-8 -> U+FFFD, control characters other than TAB/LF/CR
 * removed. Caller frees. */
char *opml_export(const opml_export_item *items, size_t n, int64_t created);

#endif
