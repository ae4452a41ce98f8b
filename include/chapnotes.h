/*
 * chapnotes.h - chapter lists found in show notes.
 *
 * Show notes write chapters as a run of timestamps, each with a title:
 * one per line ("00:00 - Intro", "• 0:20 – Meet Marcel", "[1:02:03]
 * Wrap-up", "Welcome: 00:00:00", "Housekeeping [0:04:10]"), a time alone
 * on its line with the title on the next, several on one line, glued
 * together ("Chapters00:00 - Intro01:27 - Lev's journey"), in tables and
 * in lists. The model (candidates, runs, the reading of the times) is
 * documented at the top of chapnotes.c, the candidates in
 * chapnotes_scan.c.
 *
 * Pure functions; no global state; safe from any thread.
 */
#ifndef PODCUE_CHAPNOTES_H
#define PODCUE_CHAPNOTES_H

#include <stddef.h>

#include "chapter.h"
#include "html.h"

/* Raised whenever the finder reads notes differently, so that caches read
 * the notes they hold again (see notes_rescan.h). */
#define CHAPNOTES_VERSION 2

/* What the finder noticed about a list it kept despite an anomaly. */
typedef struct chapnotes_info {
	char **warnings; /* n human-readable sentences, owned */
	size_t nwarnings;
} chapnotes_info;

/* Finds the chapter list in plain show-note text (UTF-8, '\n' line
 * breaks). duration is the episode's length in seconds (<= 0 unknown): it
 * decides whether "01:58" in a list means 1 h 58 min or 1 min 58 s. Appends
 * chapters (source CHAP_SRC_NOTES, end = -1, url/img NULL, titles trimmed
 * of separators, bullets and the time's decoration) to out in the order
 * written and returns how many were added; 0 when the text holds no
 * chapter list. info (may be NULL; zero it first) receives warnings.
 * Linear time in len; never reads past len (text need not be
 * NUL-terminated). */
size_t chapnotes_find(const char *text, size_t len, double duration,
                      chapter_list *out, chapnotes_info *info);

/* chapnotes_find() without a duration and without warnings. */
size_t chapnotes_parse(const char *text, size_t len, chapter_list *out);

/* Finds the chapter list in an episode's notes as the feed gives them
 * (HTML or plain text): reads the document's own lines (list items, rows,
 * paragraphs, line breaks, and source lines when the markup has none),
 * with links as their words and no reference numbers. Same contract as
 * chapnotes_find(). */
size_t chapnotes_from_notes(const char *notes, size_t len, double duration,
                            chapter_list *out, chapnotes_info *info);

/* The same for notes already parsed (html_parse), which the caller also
 * renders for reading: chapnotes_from_notes(notes, len, ...) is
 * chapnotes_may_hold(notes, len) ? chapnotes_from_doc(html_parse(notes,
 * len), ...) : 0. chapnotes_may_hold is a cheap first look: 0 when the
 * notes hold no "d:dd" at all, so no chapter list. */
int chapnotes_may_hold(const char *notes, size_t len);
size_t chapnotes_from_doc(const html_doc *doc, double duration, chapter_list *out,
                          chapnotes_info *info);

/* Frees the warnings and empties info. NULL is fine. */
void chapnotes_info_free(chapnotes_info *info);

#endif
