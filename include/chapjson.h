/*
 * chapjson.h - Podcasting 2.0 JSON chapters (application/json+chapters).
 */
#ifndef PODCUE_CHAPJSON_H
#define PODCUE_CHAPJSON_H

#include <stddef.h>

#include "chapter.h"

/* Most chapters kept from one document; later ones are ignored. */
#define CHAPJSON_MAX_CHAPTERS 10000
/* Largest document accepted, and deepest nesting of arrays/objects. */
#define CHAPJSON_MAX_BYTES (16u * 1024u * 1024u)
#define CHAPJSON_MAX_DEPTH 64

/* Parses a Podcasting 2.0 JSON chapters document. Appends valid chapters
 * (source CHAP_SRC_JSON) sorted by startTime (stable), returns 0; -1 with
 * *err (caller frees) for non-JSON, wrong top-level shape (not an object
 * with a "chapters" array), nesting deeper than CHAPJSON_MAX_DEPTH, a
 * document over CHAPJSON_MAX_BYTES, or no valid chapters. Chapters without
 * a numeric, finite, >= 0 startTime are skipped (v1.0.0 drafts with
 * "marker" end up with no chapters -> -1 "no valid chapters"). endTime kept
 * when numeric, finite and > startTime, else -1. toc:false -> hidden=1.
 * title/url/img kept when strings. At most CHAPJSON_MAX_CHAPTERS valid
 * chapters are kept, the first ones in file order. err may be NULL. */
int chapjson_parse(const char *buf, size_t len, chapter_list *out, char **err);

/* 1 when the list is a placeholder worth re-fetching later: at most one
 * visible chapter. */
int chapjson_is_placeholder(const chapter_list *l);

#endif
