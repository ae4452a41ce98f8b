/*
 * feed_xml.h - private to feed.c: turning feed bytes into a libxml2
 * document (encoding retries and entity repair, formats.md §10.1-10.3),
 * and the one-shot HTML entity decoding that titles need.
 *
 * Security contract: documents are parsed with XML_PARSE_NONET and never
 * with XML_PARSE_NOENT or XML_PARSE_DTDLOAD, so no external entity or DTD
 * is ever read; internal entity references stay in the tree as
 * XML_ENTITY_REF_NODE and are expanded (under a budget) by feed.c's own
 * text walker only.
 */
#ifndef PODCUE_FEED_XML_H
#define PODCUE_FEED_XML_H

#include <stddef.h>

#include <libxml/tree.h>

/*
 * Bytes to DOM: as declared; on an encoding error with the HTTP charset,
 * then windows-1252; then with HTML entities and bare ampersands
 * rewritten; finally in recovery mode. len must be <= INT_MAX (the caller
 * checks). Returns a document with a root element (caller frees with
 * xmlFreeDoc) and sets *warning (caller frees) when anything but the first
 * attempt succeeded; returns NULL and sets *err (caller frees,
 * "malformed XML: <message> (line N)") when nothing did. Never prints:
 * libxml2's error handlers are swapped for silent ones and restored.
 */
xmlDoc *feed_xml_read(const char *buf, size_t len, const char *http_charset,
                      char **warning, char **err);

/* What feed_xml_stream does with an element it shows the visitor. */
enum { FX_SKIP, FX_DESCEND, FX_TAKE, FX_STOP };

typedef struct feed_xml_visitor {
	/* At an element's start tag (its attributes and ancestors are
	 * there, its children not yet); depth 0 is the root. Returns FX_*:
	 * FX_DESCEND visits the children one by one, FX_TAKE hands the
	 * complete subtree to take(), FX_SKIP passes over it, FX_STOP ends
	 * the stream (which then counts as failed). */
	int (*start)(void *user, xmlNode *n, int depth);
	/* The whole element; it and its subtree are freed after the call. */
	void (*take)(void *user, xmlNode *n, int depth);
	void *user;
	void *doc_private; /* hung on the document's _private for the walk */
} feed_xml_visitor;

/*
 * Reads buf strictly, one top-level piece at a time, so that only the
 * element being taken is ever in memory as a tree (a DOM of a whole feed
 * is several times the feed's size). Text nodes may exceed libxml2's
 * 10 MB default when the document declares no entities (the body cap
 * bounds them). Returns 1 when the whole document was read without an
 * error; 0 when the caller must discard what the visitor built and use
 * feed_xml_read (not well-formed, not ASCII-compatible, a comment needing
 * repair, nesting deeper than 200, FX_STOP). Never prints.
 */
int feed_xml_stream(const char *buf, size_t len, const feed_xml_visitor *v);

/* Decodes HTML entity references once ("&amp;amp;" arrives as "&amp;"
 * after XML parsing and should display as "&"). Takes ownership of s and
 * returns it or a new string; NULL stays NULL. */
char *feed_xml_decode_entities(char *s);

#endif
