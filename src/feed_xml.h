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

/* Decodes HTML entity references once ("&amp;amp;" arrives as "&amp;"
 * after XML parsing and should display as "&"). Takes ownership of s and
 * returns it or a new string; NULL stays NULL. */
char *feed_xml_decode_entities(char *s);

#endif
