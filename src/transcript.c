/*
 * transcript.c - transcripts to segments (see transcript.h).
 *
 * Each format has a reader that appends raw segments (start, end, speaker,
 * text as found) through seg_push, which cleans the text and enforces the
 * caps; finish() then puts the segments in order and fills in the ends.
 * SRT and WebVTT share one cue reader: real feeds serve either under the
 * other's name, and the two differ only in a header, comment blocks, the
 * decimal separator and voice tags, all of which the reader accepts.
 */
#include "transcript.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "text.h"
#include "util.h"

/* --- text ------------------------------------------------------------- */

/* Appends the entity at s[0..n) (s[0] == '&') decoded, returns the bytes
 * used; 0 when it is not a well-formed entity (the '&' is then text). */
static size_t put_entity(sbuf *b, const char *s, size_t n)
{
	static const struct {
		const char *name, *text;
	} named[] = {{"amp;", "&"},   {"lt;", "<"},        {"gt;", ">"},
		     {"quot;", "\""}, {"apos;", "'"},      {"nbsp;", " "},
		     {"#39;", "'"},   {"hellip;", "\u2026"}, {"mdash;", "\u2014"},
		     {"ndash;", "\u2013"}, {"rsquo;", "\u2019"}, {"lsquo;", "\u2018"},
		     {"rdquo;", "\u201d"}, {"ldquo;", "\u201c"}};
	for (size_t i = 0; i < sizeof named / sizeof *named; i++) {
		size_t l = strlen(named[i].name);
		if (n > l && memcmp(s + 1, named[i].name, l) == 0) {
			sb_puts(b, named[i].text);
			return l + 1;
		}
	}
	if (n < 4 || s[1] != '#')
		return 0;
	int hex = s[2] == 'x' || s[2] == 'X';
	size_t i = hex ? 3 : 2, digits = 0;
	uint32_t cp = 0;
	for (; i < n && digits < 8; i++, digits++) {
		int c = (unsigned char)s[i], v;
		if (c >= '0' && c <= '9')
			v = c - '0';
		else if (hex && isxdigit(c))
			v = (tolower(c) - 'a') + 10;
		else
			break;
		cp = cp * (hex ? 16u : 10u) + (uint32_t)v;
	}
	if (!digits || i >= n || s[i] != ';')
		return 0;
	if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = 0xFFFD;
	char u[8];
	/* Control characters decoded here are removed by text_sanitize later. */
	sb_append(b, u, text_utf8_encode((int32_t)cp, u));
	return i + 1;
}

/* s[0..n) with entities decoded. */
static void put_decoded(sbuf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t used = s[i] == '&' ? put_entity(b, s + i, n - i) : 0;
		if (used)
			i += used - 1;
		else
			sb_putc(b, s[i]);
	}
}

/* The terminal-safe, one-line, trimmed form of s[0..n), at most
 * TRANSCRIPT_MAX_TEXT bytes (cut on a character boundary); NULL when
 * nothing is left. */
static char *clean(const char *s, size_t n)
{
	char *t = text_sanitize(s, n, 0);
	size_t o = 0;
	int space = 1;
	for (size_t i = 0; t[i]; i++) {
		unsigned char c = (unsigned char)t[i];
		if (c == ' ') {
			if (!space)
				t[o++] = ' ';
			space = 1;
		} else {
			t[o++] = (char)c;
			space = 0;
		}
	}
	while (o && t[o - 1] == ' ')
		o--;
	if (o > TRANSCRIPT_MAX_TEXT) {
		o = TRANSCRIPT_MAX_TEXT;
		while (o && ((unsigned char)t[o] & 0xC0) == 0x80)
			o--;
	}
	t[o] = '\0';
	if (!o) {
		free(t);
		return NULL;
	}
	return t;
}

/* --- segments ------------------------------------------------------------- */

/* Readers pass NAN for "no time"; a negative time is 0. */
static double clamp_time(double t)
{
	if (!isfinite(t))
		return -1;
	if (t < 0)
		return 0;
	return t > TRANSCRIPT_MAX_TIME ? TRANSCRIPT_MAX_TIME : t;
}

/* Appends a segment; text and speaker (taken, may be NULL) are cleaned.
 * Returns 1 when the transcript is full (stop reading), else 0. */
static int seg_push(transcript *t, double start, double end, char *speaker, char *text)
{
	if (t->n >= TRANSCRIPT_MAX_SEGMENTS) {
		free(speaker);
		free(text);
		return 1;
	}
	char *ct = text ? clean(text, strlen(text)) : NULL;
	char *cs = speaker ? clean(speaker, strlen(speaker)) : NULL;
	free(text);
	free(speaker);
	if (!ct) {
		free(cs);
		return 0;
	}
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 64;
		t->v = xrealloc(t->v, t->cap * sizeof *t->v);
	}
	start = clamp_time(start);
	end = start < 0 ? -1 : clamp_time(end);
	t->v[t->n++] = (transcript_segment){start, end, cs, ct};
	return t->n >= TRANSCRIPT_MAX_SEGMENTS;
}

void transcript_free(transcript *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].speaker);
		free(t->v[i].text);
	}
	free(t->v);
	*t = (transcript)TRANSCRIPT_INIT;
}

struct keyed {
	double start;
	size_t i;
	transcript_segment s;
};

static int cmp_keyed(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

/* Orders the segments and completes their times: an untimed segment among
 * timed ones starts with the one before it (or at 0); a missing end is
 * the next start. */
static void finish(transcript *t)
{
	int timed = 0;
	for (size_t i = 0; i < t->n && !timed; i++)
		timed = t->v[i].start >= 0;
	if (!timed)
		return;
	double last = 0;
	for (size_t i = 0; i < t->n; i++) {
		if (t->v[i].start < 0)
			t->v[i].start = last;
		last = t->v[i].start;
	}
	struct keyed *k = xmalloc(t->n * sizeof *k);
	for (size_t i = 0; i < t->n; i++)
		k[i] = (struct keyed){t->v[i].start, i, t->v[i]};
	qsort(k, t->n, sizeof *k, cmp_keyed);
	for (size_t i = 0; i < t->n; i++)
		t->v[i] = k[i].s;
	free(k);
	for (size_t i = 0; i < t->n; i++) {
		transcript_segment *s = &t->v[i];
		if (s->end < s->start)
			s->end = i + 1 < t->n && t->v[i + 1].start > s->start ? t->v[i + 1].start
									       : s->start;
	}
}

/* --- SRT and WebVTT ------------------------------------------------------ */

/* A cue time [[H:]M:]S[.,]fraction at *p; advances *p. -1 when invalid. */
static double cue_time(const char **p, const char *end)
{
	const char *s = *p;
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	double fields[3];
	int nf = 0;
	double frac = 0;
	for (;;) {
		if (s >= end || !isdigit((unsigned char)*s) || nf == 3)
			return -1;
		double v = 0;
		int digits = 0;
		while (s < end && isdigit((unsigned char)*s) && digits < 12) {
			v = v * 10 + (*s++ - '0');
			digits++;
		}
		fields[nf++] = v;
		if (s < end && *s == ':') {
			s++;
			continue;
		}
		if (s < end && (*s == '.' || *s == ',')) {
			double scale = 0.1;
			for (s++; s < end && isdigit((unsigned char)*s); s++, scale /= 10)
				frac += (*s - '0') * scale;
		}
		break;
	}
	*p = s;
	double t = 0;
	for (int i = 0; i < nf; i++)
		t = t * 60 + fields[i];
	return t + frac;
}

/* The next line of [*p, end) into [*ls, *le) without its line break. */
static int next_line(const char **p, const char *end, const char **ls, const char **le)
{
	if (*p >= end)
		return 0;
	const char *s = *p, *e = s;
	while (e < end && *e != '\n' && *e != '\r')
		e++;
	*ls = s;
	*le = e;
	if (e < end && *e == '\r')
		e++;
	if (e < end && *e == '\n')
		e++;
	*p = e;
	return 1;
}

static int blank(const char *s, const char *e)
{
	for (; s < e; s++)
		if (!isspace((unsigned char)*s))
			return 0;
	return 1;
}

/* Cue text without markup: tags removed, a <v Name> voice tag's name into
 * *voice (first one wins), entities decoded. */
static char *cue_text(const char *s, size_t n, char **voice)
{
	sbuf raw = SBUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '<') {
			sb_putc(&raw, s[i]);
			continue;
		}
		size_t j = i + 1;
		while (j < n && s[j] != '>')
			j++;
		if (j >= n) { /* no '>': a '<' in the text */
			sb_putc(&raw, s[i]);
			continue;
		}
		if (s[i + 1] == 'v' && !*voice && j > i + 2) {
			size_t k = i + 2;
			while (k < j && s[k] != ' ' && s[k] != '\t')
				k++; /* past classes: <v.loud Name> */
			if (k < j) {
				sbuf v = SBUF_INIT;
				put_decoded(&v, s + k + 1, j - k - 1);
				*voice = sb_steal(&v);
			}
		}
		i = j;
	}
	sbuf out = SBUF_INIT;
	put_decoded(&out, raw.s ? raw.s : "", raw.len);
	sb_free(&raw);
	return sb_steal(&out);
}

/* "Name: text" with a short, capitalised name of at most three words:
 * the SRT convention for a change of speaker. Splits it off into *who. */
static char *split_speaker(char *text, char **who)
{
	char *colon = strstr(text, ": ");
	if (!colon || colon == text || colon - text > 32 || !isupper((unsigned char)text[0]))
		return text;
	int words = 1;
	for (char *p = text; p < colon; p++) {
		if (*p == ' ')
			words++;
		else if (strchr(".,;!?\"()[]", *p))
			return text;
	}
	if (words > 3)
		return text;
	*who = xstrndup(text, (size_t)(colon - text));
	char *rest = xstrdup(colon + 2);
	free(text);
	return rest;
}

static const char *find_arrow(const char *s, const char *e)
{
	for (; s + 3 <= e; s++)
		if (s[0] == '-' && s[1] == '-' && s[2] == '>')
			return s;
	return NULL;
}

static void read_cues(const char *body, size_t len, transcript *t)
{
	const char *p = body, *end = body + len, *ls, *le;
	char *speaker = NULL; /* an SRT "Name:" lasts until the next one */
	while (next_line(&p, end, &ls, &le)) {
		const char *arrow = find_arrow(ls, le);
		if (!arrow)
			continue; /* header, cue number or id, NOTE and STYLE blocks */
		const char *q = ls;
		double start = cue_time(&q, arrow);
		q = arrow + 3;
		double stop = cue_time(&q, le);
		if (stop < 0)
			stop = NAN;
		sbuf txt = SBUF_INIT;
		const char *save = p;
		while (next_line(&p, end, &ls, &le) && !blank(ls, le) && !find_arrow(ls, le)) {
			if (txt.len)
				sb_putc(&txt, ' ');
			sb_append(&txt, ls, (size_t)(le - ls));
			save = p;
		}
		p = save;
		if (start < 0) {
			sb_free(&txt);
			continue;
		}
		char *voice = NULL;
		char *text = cue_text(txt.s ? txt.s : "", txt.len, &voice);
		sb_free(&txt);
		if (!voice)
			text = split_speaker(text, &voice);
		if (voice) {
			free(speaker);
			speaker = voice;
		}
		if (seg_push(t, start, stop, speaker ? xstrdup(speaker) : NULL, text))
			break;
	}
	free(speaker);
}

/* --- JSON ---------------------------------------------------------------- */

/* A time field: a number, or a string holding one ("12.5", "00:00:12,5");
 * NAN when there is none. */
static double json_time(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (json_is_number(v))
		return json_number_value(v);
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		double t = cue_time(&s, s + strlen(s));
		return *s || t < 0 ? NAN : t;
	}
	return NAN;
}

static const char *json_str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int same_speaker(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int ends_sentence(const sbuf *b)
{
	size_t n = b->len;
	while (n && (b->s[n - 1] == ' ' || b->s[n - 1] == '"' || b->s[n - 1] == '\''))
		n--;
	return n && strchr(".!?", b->s[n - 1]);
}

/* Appends a word or phrase, with a space unless it is punctuation that
 * belongs to the word before. */
static void join_word(sbuf *b, const char *w)
{
	while (*w == ' ')
		w++;
	if (b->len && !strchr(",.!?;:%)", *w))
		sb_putc(b, ' ');
	sb_puts(b, w);
}

/* Reads segments[i..) of arr, merging words into spans (transcript.h);
 * returns the index after the span. */
static size_t json_span(json_t *arr, size_t i, transcript *t, int *full)
{
	json_t *o = json_array_get(arr, i);
	double start = json_time(o, "startTime"), end = json_time(o, "endTime");
	if (!(end >= start))
		end = start; /* no end, or an end before the start */
	const char *who = json_str(o, "speaker");
	sbuf b = SBUF_INIT;
	join_word(&b, json_str(o, "body") ? json_str(o, "body") : "");
	size_t n = json_array_size(arr);
	for (i++; start >= 0 && i < n; i++) {
		json_t *x = json_array_get(arr, i);
		double s = json_time(x, "startTime"), e = json_time(x, "endTime");
		const char *body = json_str(x, "body");
		if (!(e >= s))
			e = s;
		if (!json_is_object(x) || !body || !(s >= 0))
			break;
		if (!same_speaker(who, json_str(x, "speaker")) || s - end > TRANSCRIPT_GAP ||
		    s < start || (e > start + TRANSCRIPT_MAX_SPAN && end > start) ||
		    (end - start >= TRANSCRIPT_MIN_SPAN && ends_sentence(&b)) ||
		    b.len > TRANSCRIPT_MAX_TEXT)
			break;
		join_word(&b, body);
		if (e > end)
			end = e;
	}
	*full = seg_push(t, start, end, who ? xstrdup(who) : NULL, sb_steal(&b));
	return i;
}

static int read_json(const char *body, size_t len, transcript *t, char **err)
{
	if (json_too_deep(body, len, TRANSCRIPT_MAX_DEPTH)) {
		*err = xasprintf("nesting deeper than %d", TRANSCRIPT_MAX_DEPTH);
		return -1;
	}
	json_error_t je;
	json_t *root = json_loadb(body, len, 0, &je);
	if (!root) {
		*err = xasprintf("not JSON: %s (line %d)", je.text, je.line);
		return -1;
	}
	json_t *arr = json_is_array(root) ? root : json_object_get(root, "segments");
	if (!json_is_array(arr)) {
		json_decref(root);
		*err = xstrdup("JSON without a \"segments\" array");
		return -1;
	}
	int full = 0;
	for (size_t i = 0; i < json_array_size(arr) && !full;) {
		json_t *o = json_array_get(arr, i);
		if (!json_is_object(o) || !json_str(o, "body")) {
			i++;
			continue;
		}
		i = json_span(arr, i, t, &full);
	}
	json_decref(root);
	return 0;
}

/* --- HTML ----------------------------------------------------------------- */

struct html {
	transcript *t;
	sbuf text, cite, time;
	sbuf *into; /* where character data goes */
	char *speaker;
	double at;
	int full;
};

/* Ends a paragraph: a segment when it has text (the time before it
 * applies to it alone; whitespace between tags is no paragraph). */
static void html_flush(struct html *h)
{
	if (h->text.len && !blank(h->text.s, h->text.s + h->text.len)) {
		if (!h->full)
			h->full = seg_push(h->t, h->at, NAN,
					   h->speaker ? xstrdup(h->speaker) : NULL,
					   xstrdup(h->text.s));
		h->at = NAN;
	}
	sb_free(&h->text);
}

static int tag_is(const char *name, size_t n, const char *const *set)
{
	for (; *set; set++)
		if (strlen(*set) == n && strncasecmp(*set, name, n) == 0)
			return 1;
	return 0;
}

/* Where a skipped element (script, style) ends: past its closing tag. */
static const char *skip_element(const char *p, const char *end, const char *name, size_t n)
{
	for (; p + n + 2 < end; p++)
		if (p[0] == '<' && p[1] == '/' && strncasecmp(p + 2, name, n) == 0)
			break;
	while (p < end && *p != '>')
		p++;
	return p < end ? p + 1 : end;
}

static void html_tag(struct html *h, const char *name, size_t n, int closing)
{
	static const char *const blocks[] = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5",
					     "h6", "tr", "section", "article", "blockquote",
					     "body", "dd", "dt", NULL};
	if (n == 4 && strncasecmp(name, "cite", 4) == 0) {
		if (!closing) {
			html_flush(h);
			sb_free(&h->cite);
			h->into = &h->cite;
		} else {
			free(h->speaker);
			char *s = h->cite.s ? clean(h->cite.s, h->cite.len) : NULL;
			size_t l = s ? strlen(s) : 0;
			if (l && s[l - 1] == ':')
				s[--l] = '\0';
			while (l && s[l - 1] == ' ')
				s[--l] = '\0';
			if (s && !*s) {
				free(s);
				s = NULL;
			}
			h->speaker = s;
			h->into = &h->text;
		}
	} else if (n == 4 && strncasecmp(name, "time", 4) == 0) {
		if (!closing) {
			sb_free(&h->time);
			h->into = &h->time;
		} else {
			const char *s = h->time.s ? h->time.s : "";
			char *c = clean(s, strlen(s));
			const char *q = c ? c : "";
			double at = cue_time(&q, q + strlen(q));
			if (c && !*q)
				h->at = at;
			free(c);
			h->into = &h->text;
		}
	} else if (tag_is(name, n, blocks)) {
		if (h->into == &h->text)
			html_flush(h);
		h->into = &h->text;
	} else if (n == 2 && strncasecmp(name, "br", 2) == 0) {
		sb_putc(h->into, ' ');
	}
}

static void read_html(const char *body, size_t len, transcript *t)
{
	static const char *const skipped[] = {"script", "style", "head", "title", NULL};
	struct html h = {.t = t, .at = NAN};
	h.into = &h.text;
	const char *p = body, *end = body + len;
	while (p < end && !h.full) {
		if (*p == '&') {
			size_t used = put_entity(h.into, p, (size_t)(end - p));
			if (!used)
				sb_putc(h.into, '&');
			p += used ? used : 1;
			continue;
		}
		if (*p != '<') {
			if (h.into->len < TRANSCRIPT_MAX_TEXT * 2)
				sb_putc(h.into, *p);
			p++;
			continue;
		}
		const char *q = p + 1;
		int closing = q < end && *q == '/';
		q += closing;
		const char *name = q;
		while (q < end && isalnum((unsigned char)*q))
			q++;
		size_t n = (size_t)(q - name);
		while (q < end && *q != '>')
			q++;
		if (!closing && n && tag_is(name, n, skipped)) {
			p = skip_element(q, end, name, n);
			continue;
		}
		if (n)
			html_tag(&h, name, n, closing);
		p = q < end ? q + 1 : end;
	}
	html_flush(&h);
	sb_free(&h.cite);
	sb_free(&h.time);
	free(h.speaker);
}

/* --- plain text: one segment per paragraph (or line) ------------------- */

static void read_text(const char *body, size_t len, transcript *t)
{
	const char *p = body, *end = body + len, *ls, *le;
	int paragraphs = 0;
	for (const char *q = body; next_line(&q, end, &ls, &le);)
		if (blank(ls, le)) {
			paragraphs = 1;
			break;
		}
	sbuf b = SBUF_INIT;
	int full = 0;
	while (!full && next_line(&p, end, &ls, &le)) {
		if (!blank(ls, le)) {
			if (b.len)
				sb_putc(&b, ' ');
			sb_append(&b, ls, (size_t)(le - ls));
		}
		if ((!paragraphs || blank(ls, le)) && b.len) {
			char *who = NULL;
			char *txt = split_speaker(sb_steal(&b), &who);
			full = seg_push(t, NAN, NAN, who, txt);
		}
	}
	if (b.len && !full) {
		char *who = NULL;
		char *txt = split_speaker(sb_steal(&b), &who);
		seg_push(t, NAN, NAN, who, txt);
	}
	sb_free(&b);
}

/* --- the format ---------------------------------------------------------- */

const char *transcript_format_name(int format)
{
	switch (format) {
	case TRANSCRIPT_SRT: return "srt";
	case TRANSCRIPT_VTT: return "vtt";
	case TRANSCRIPT_JSON: return "json";
	case TRANSCRIPT_HTML: return "html";
	case TRANSCRIPT_TEXT: return "text";
	default: return "unknown";
	}
}

static int type_format(const char *type)
{
	if (!type)
		return TRANSCRIPT_UNKNOWN;
	size_t n = strcspn(type, "; \t");
	char *t = xstrndup(type, n);
	for (char *c = t; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	int f = TRANSCRIPT_UNKNOWN;
	if (strstr(t, "json"))
		f = TRANSCRIPT_JSON;
	else if (strstr(t, "vtt"))
		f = TRANSCRIPT_VTT;
	else if (strstr(t, "srt") || strstr(t, "subrip") || strstr(t, "srr"))
		f = TRANSCRIPT_SRT;
	else if (strstr(t, "html"))
		f = TRANSCRIPT_HTML;
	else if (strcmp(t, "text/plain") == 0)
		f = TRANSCRIPT_TEXT;
	free(t);
	return f;
}

int transcript_type_rank(const char *type)
{
	switch (type_format(type)) {
	case TRANSCRIPT_JSON: return 0;
	case TRANSCRIPT_VTT: return 1;
	case TRANSCRIPT_SRT: return 2;
	case TRANSCRIPT_HTML: return 3;
	default: return 4;
	}
}

/* The format of the first cue timing line ("00:00:01,000 --> ...") among
 * the first lines of [p, end): SRT with a decimal comma, WebVTT with a
 * point; TRANSCRIPT_UNKNOWN when there is none. */
static int cue_format(const char *p, const char *end)
{
	const char *ls, *le;
	for (int lines = 0; lines < 12 && next_line(&p, end, &ls, &le); lines++) {
		const char *arrow = find_arrow(ls, le), *q = ls;
		if (arrow && cue_time(&q, arrow) >= 0)
			return memchr(ls, ',', (size_t)(arrow - ls)) ? TRANSCRIPT_SRT : TRANSCRIPT_VTT;
	}
	return TRANSCRIPT_UNKNOWN;
}

int transcript_sniff(const char *type, const char *body, size_t len)
{
	const char *p = body, *end = body + len;
	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	while (p < end && isspace((unsigned char)*p))
		p++;
	size_t n = (size_t)(end - p);
	if (n >= 6 && memcmp(p, "WEBVTT", 6) == 0)
		return TRANSCRIPT_VTT;
	if (n && (*p == '{' || *p == '['))
		return TRANSCRIPT_JSON;
	int cues = cue_format(p, end);
	if (cues != TRANSCRIPT_UNKNOWN)
		return cues;
	if (n && *p == '<')
		return TRANSCRIPT_HTML;
	int f = type_format(type);
	/* Text that is none of the structured formats, whatever its label. */
	return f == TRANSCRIPT_HTML ? TRANSCRIPT_HTML : TRANSCRIPT_TEXT;
}

int transcript_parse(const char *type, const char *body, size_t len, transcript *out,
		     char **err)
{
	char *e = NULL;
	*out = (transcript)TRANSCRIPT_INIT;
	if (!body || !len)
		e = xstrdup("empty document");
	else if (len > TRANSCRIPT_MAX_BYTES)
		e = xasprintf("document larger than %u MiB", TRANSCRIPT_MAX_BYTES >> 20);
	int f = e ? TRANSCRIPT_UNKNOWN : transcript_sniff(type, body, len);
	out->format = f;
	switch (f) {
	case TRANSCRIPT_SRT:
	case TRANSCRIPT_VTT: read_cues(body, len, out); break;
	case TRANSCRIPT_JSON: read_json(body, len, out, &e); break;
	case TRANSCRIPT_HTML: read_html(body, len, out); break;
	case TRANSCRIPT_TEXT: read_text(body, len, out); break;
	}
	if (!e && !out->n)
		e = xasprintf("no text in this %s transcript", transcript_format_name(f));
	if (e) {
		transcript_free(out);
		out->format = f;
		if (err)
			*err = e;
		else
			free(e);
		return -1;
	}
	finish(out);
	return 0;
}

long transcript_at(const transcript_segment *v, size_t n, double pos)
{
	/* Binary search: the last segment with start <= pos + slack. */
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid].start <= pos + TRANSCRIPT_AT_SLACK)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo || v[lo - 1].start < 0)
		return -1;
	return (long)lo - 1;
}
