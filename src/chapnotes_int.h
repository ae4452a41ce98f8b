/*
 * chapnotes_int.h - the candidate scanner shared by chapnotes.c and
 * chapnotes_scan.c (private to those two files).
 *
 * A candidate is one timestamp in the text that could start a chapter,
 * with up to two readings (a glued digit run has two; a time that may be
 * read with its title before or after it has two). Everything here works
 * on byte offsets into the scanned text; nothing is allocated but the
 * vector itself.
 */
#ifndef PODCUE_CHAPNOTES_INT_H
#define PODCUE_CHAPNOTES_INT_H

#include <stddef.h>

/* Where a candidate's title is. */
enum tkind {
	TK_LEAD,  /* after the time on its line: "00:00 - Intro" */
	TK_TRAIL, /* before the time on its line: "Intro - 00:00" */
	TK_ALONE, /* the time alone on its line, the title the next line */
};

struct reading {
	double v;     /* seconds, read as [H:]MM:SS */
	size_t start; /* first byte of this reading (digit or decoration) */
	int score;    /* preference between readings */
	int kind;     /* enum tkind */
};

struct tok {
	struct reading r[2];
	int nr;
	size_t end;  /* just past the timestamp (and a range's end time) */
	size_t ftc;  /* LEAD: first title character after end; ALONE: ta */
	size_t eol;  /* the '\n' ending the time's line, or len */
	size_t sol;  /* start of the time's line */
	size_t ta, tb; /* TRAIL and ALONE: the title's raw range */
	int lead;    /* line-leading (only a bullet or a label before it) */
	int hms;     /* written with hours (H:MM:SS) */
	int frac;    /* written with a fraction of a second */
	int weak;    /* inside a line, with neither separator nor bracket:
	              * "... 00:00 Opening 01:45 Boxes ..." */
};

struct tokvec {
	struct tok *v;
	size_t n, cap;
};

/* Finds every candidate in s[0..len), in text order, into tv (appended).
 * Linear in len. */
void chapnotes_scan(const unsigned char *s, size_t len, struct tokvec *tv);

/* Trims [*a, *b) of blanks and separators at both ends (a quote glyph
 * that touches a word is the title's, not a separator); 1 when something
 * remains. */
int chapnotes_trim(const unsigned char *s, size_t *a, size_t *b);

/* Skips a list index ("3. ", "12) ") at *a, within [*a, b). */
void chapnotes_skip_index(const unsigned char *s, size_t *a, size_t b);

#endif
