/*
 * chapter.h - the chapter model shared by every chapter source, the cache
 * and (later) the player.
 *
 * A chapter_list owns its chapters and every string in them.
 */
#ifndef PODCUE_CHAPTER_H
#define PODCUE_CHAPTER_H

#include <stddef.h>

/* Where a chapter came from. The numeric order is the preference order used
 * when lists are merged (lower wins). */
enum chapter_source {
	CHAP_SRC_JSON = 0,     /* Podcasting 2.0 podcast:chapters file */
	CHAP_SRC_PSC = 1,      /* Podlove Simple Chapters in the feed */
	CHAP_SRC_EMBEDDED = 2, /* chapters inside the media file (libmpv) */
	CHAP_SRC_NOTES = 3,    /* timestamps found in the show notes */
	CHAP_SRC_COUNT,        /* the sources above: the feed's and the file's, merged */
	/* The user's own bookmarks (db_bookmark_*): kept in their own table,
	 * never merged or replaced by a refresh, added to the merged list by
	 * db_chapters_merged. Not counted in CHAP_SRC_COUNT. */
	CHAP_SRC_USER = CHAP_SRC_COUNT
};

typedef struct chapter {
	double start; /* seconds from the start, >= 0, fractions kept */
	double end;   /* seconds, or -1 when unknown */
	char *title;  /* may be NULL (untitled JSON chapter) */
	char *url;    /* related link, or NULL */
	char *img;    /* chapter image, or NULL */
	int hidden;   /* JSON toc:false: kept, not listed, not a jump target */
	int source;   /* enum chapter_source (CHAP_SRC_USER: the note is the title) */
} chapter;

typedef struct chapter_list {
	chapter *v;
	size_t n;
	size_t cap;
} chapter_list;

#define CHAPTER_LIST_INIT {NULL, 0, 0}

/* Appends a chapter; the list takes ownership of the strings in c. */
void chapter_list_push(chapter_list *l, chapter c);
/* Appends a deep copy of c. */
void chapter_list_push_copy(chapter_list *l, const chapter *c);
/* Stable sort by start time (file order breaks ties, as mpv does). */
void chapter_list_sort(chapter_list *l);
/* Frees every chapter and resets the list to empty. */
void chapter_list_clear(chapter_list *l);
/* The visible chapter list: the chapters of all (a merged list) that are
 * not hidden, deep-copied into out (cleared first), sorted by start. This
 * is the one list the user sees numbered 1..n, that jumps and counts
 * target and that mpv's chapter-list carries; a hidden chapter never takes
 * a number. out must not be all. */
void chapter_list_visible(const chapter_list *all, chapter_list *out);
/* Name of a source as used in the database and JSON output:
 * "json", "psc", "embedded", "notes", "user". */
const char *chapter_source_name(int source);
/* Inverse of chapter_source_name; -1 when unknown. */
int chapter_source_parse(const char *name);

/* Merges per-source lists (lists[CHAP_SRC_JSON..CHAP_SRC_NOTES], any may be
 * NULL/empty) into out (deep copies, appended; out is sorted by start).
 * The base list is the first source in preference order (JSON, PSC,
 * EMBEDDED, NOTES) with >= 2 visible chapters, else the first non-empty
 * one: a richer list beats a one-chapter placeholder. Base chapters with a
 * NULL/blank title take the title of a visible chapter from another source
 * starting within 1.0 s. Each chapter keeps its own source; hidden chapters
 * stay in out (callers filter). The full rule is documented in chapter.c. */
void chapter_merge(const chapter_list *const lists[CHAP_SRC_COUNT],
                   chapter_list *out);

/* Where chapter i of l (a sorted list) ends: its own end, else the start
 * of the next chapter that starts later, else duration; -1 when unknown.
 * A bookmark (CHAP_SRC_USER) is a point in time, not a boundary: it never
 * ends another chapter (it ends where the next chapter of any kind
 * starts). */
double chapter_end_of(const chapter_list *l, size_t i, double duration);

#endif
