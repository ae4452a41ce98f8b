/*
 * chapnotes.h - chapter lists found in plain show-note text.
 *
 * Show notes write chapters as a run of timestamps, each followed by a
 * title: one per line ("00:00 - Intro", "• 0:20 – Meet Marcel",
 * "[1:02:03] Wrap-up", "00:00 Introduction"), several on one line
 * separated by spaces, or glued together with no spaces at all
 * ("Chapters00:00 - Intro01:27 - Lev's journey04:50 - Transition").
 * The exact selection rule is documented at the top of chapnotes.c.
 */
#ifndef PODCUE_CHAPNOTES_H
#define PODCUE_CHAPNOTES_H

#include <stddef.h>

#include "chapter.h"

/* Finds the chapter list in plain show-note text (UTF-8, '\n' line breaks;
 * HTML has already been converted to text). Appends chapters (source
 * CHAP_SRC_NOTES, end = -1, url/img NULL, titles trimmed of
 * separators/bullets/whitespace) to out and returns how many were added;
 * 0 when the text holds no chapter list. Linear time in len; never reads
 * past len (text need not be NUL-terminated). */
size_t chapnotes_parse(const char *text, size_t len, chapter_list *out);

#endif
