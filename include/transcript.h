/*
 * transcript.h - Podcasting 2.0 transcripts (podcast:transcript) parsed
 * into timed segments: SRT, WebVTT, the JSON format of the spec (word- or
 * phrase-level) and HTML (<cite>/<time>/<p>, or plain paragraphs), plus
 * plain text.
 *
 * The format is decided by the content first and by the declared type only
 * when the content does not say (feeds mislabel: SRT served as text/vtt,
 * JSON as text/plain). Every input is hostile: the document is capped at
 * TRANSCRIPT_MAX_BYTES, JSON nesting at TRANSCRIPT_MAX_DEPTH, the number of
 * segments at TRANSCRIPT_MAX_SEGMENTS and each text at TRANSCRIPT_MAX_TEXT
 * bytes; times that are not finite numbers make a segment untimed,
 * negative ones become 0, times past TRANSCRIPT_MAX_TIME are clamped, an
 * end before its start is the start. Text and speakers come out as one
 * line of valid UTF-8 without control characters or escape sequences
 * (text_sanitize), entities decoded and markup removed.
 *
 * Pure functions, no state: any thread. Every string returned belongs to
 * the transcript (transcript_free).
 */
#ifndef PODCUE_TRANSCRIPT_H
#define PODCUE_TRANSCRIPT_H

#include <stddef.h>

#define TRANSCRIPT_MAX_BYTES (8u << 20)
#define TRANSCRIPT_MAX_SEGMENTS 20000
#define TRANSCRIPT_MAX_DEPTH 32
#define TRANSCRIPT_MAX_TEXT 4096
#define TRANSCRIPT_MAX_TIME (100.0 * 3600.0)

/* Words of word-level JSON are merged into segments of at least
 * TRANSCRIPT_MIN_SPAN seconds, ended at a sentence's end once that long,
 * never longer than TRANSCRIPT_MAX_SPAN, and broken where the speaker
 * changes or the speech pauses TRANSCRIPT_GAP seconds (as AntennaPod). */
#define TRANSCRIPT_MIN_SPAN 5.0
#define TRANSCRIPT_MAX_SPAN 8.0
#define TRANSCRIPT_GAP 2.0

enum transcript_format {
	TRANSCRIPT_UNKNOWN,
	TRANSCRIPT_SRT,
	TRANSCRIPT_VTT,
	TRANSCRIPT_JSON,
	TRANSCRIPT_HTML,
	TRANSCRIPT_TEXT,
};

typedef struct transcript_segment {
	double start;  /* seconds; < 0: untimed (HTML or text without times) */
	double end;    /* seconds, >= start; < 0 when start is */
	char *speaker; /* NULL when none */
	char *text;    /* never NULL nor empty */
} transcript_segment;

typedef struct transcript {
	transcript_segment *v;
	size_t n, cap;
	int format; /* enum transcript_format that was parsed */
} transcript;

#define TRANSCRIPT_INIT {NULL, 0, 0, TRANSCRIPT_UNKNOWN}

/* The format of body: what its content says ("WEBVTT", a cue timing line
 * with "-->" and a decimal comma (SRT) or point (WebVTT), '{' or '[',
 * '<' markup), else what type says (a MIME type
 * such as application/x-subrip, application/srt, text/vtt,
 * application/json, text/html, text/plain; parameters and case ignored),
 * else TRANSCRIPT_TEXT. */
int transcript_sniff(const char *type, const char *body, size_t len);
/* "srt", "vtt", "json", "html", "text" or "unknown". Static. */
const char *transcript_format_name(int format);

/* Parses body into *out (overwritten, not freed first): 0, or -1 with *err
 * (caller frees; err may be NULL) for an empty or oversized document,
 * JSON that is not JSON or too deep, or no segment with any text. Timed
 * segments are sorted by start (stable); an untimed transcript keeps its
 * order. */
int transcript_parse(const char *type, const char *body, size_t len, transcript *out,
		     char **err);
void transcript_free(transcript *t);

/* The index of the segment playing at pos (the last timed one starting at
 * or before pos + TRANSCRIPT_AT_SLACK), or -1 (before the first one, or
 * untimed). The slack: a seek to a segment's start may land on the audio
 * frame before it (up to 144 ms for an MP3 at 8 kHz), and the segment
 * sought is the one to show. */
#define TRANSCRIPT_AT_SLACK 0.3
long transcript_at(const transcript_segment *v, size_t n, double pos);

/* The rank of a MIME type among several transcripts of one episode: lower
 * is preferred (JSON, WebVTT, SRT, HTML, then anything else). */
int transcript_type_rank(const char *type);

#endif
