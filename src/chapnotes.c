/*
 * chapnotes.c - find the chapter list in show notes.
 *
 * One model, three steps, each linear in the text:
 *
 * 1. Lines. Notes are read on their own structure: HTML becomes the
 *    chapter view of html_render() (list items, rows with " | " between
 *    cells, paragraphs and <br> as lines; links as their words, never a
 *    reference number; markdown links as their words), and when the
 *    markup hides lines that the source has (no <br>, no <p>), the source
 *    lines are read too and the view with the longer list wins.
 *
 * 2. Candidates (chapnotes_scan.c): every timestamp that could start a
 *    chapter, with where its title is: after it (LEAD), before it (TRAIL)
 *    or on the next line (ALONE), and the decorations and ranges around it.
 *
 * 3. Runs (dynamic programming over the candidates in text order, constant
 *    work per candidate). A run is a sequence of candidates of one kind
 *    (LEAD and ALONE mix; TRAIL runs stand apart) with strictly increasing
 *    times, each with its title before the next member. Between two
 *    members may lie
 *      - candidates inside the title of a one-per-line entry ("12:00 -
 *        Recap (08:00) of last week") on that entry's line;
 *      - candidates of the other kind (a line of prose ending in a time);
 *      - one stray entry: a line that is an entry of the list but whose
 *        time is out of order (a typo "31:10" between "10:00" and
 *        "12:00"). It is kept as written and the list carries a warning.
 *    Members are at most 4 KiB apart. A run with a weak member (a time
 *    inside a line with neither separator nor bracket) is prose unless it
 *    has >= 4 entries from exactly 0:00. Otherwise a run qualifies as the
 *    chapter list when
 *      - it has >= 3 entries and starts within the first 60 s, or
 *      - it has exactly 2 entries, each on its own line, the first exactly
 *        0 ("00:00 Intro\n05:00 End"), or
 *      - it has >= 5 entries and starts within the first 10 minutes (a long
 *        list whose first chapter skips a cold open or an ad; not for
 *        titles before their times, which is how track lengths look).
 *    The longest qualifying run wins; on a tie the one that ends first
 *    (notes that repeat their list keep the first copy), then the better
 *    reading (a title before a bracketed time over the words after it).
 *
 * Reading the times. "01:58" is 1 min 58 s unless the episode's duration
 * says otherwise: when every entry has two fields, the list read as
 * minutes:seconds covers less than a quarter of the episode and read as
 * hours:minutes still fits in it, it is hours:minutes. Without a duration
 * the minutes:seconds reading stays. Times beyond the episode's duration
 * are kept: the caller flags them.
 *
 * Titles are the text between a member's time and the next member (or the
 * end of the line), the text before a TRAIL time, or an ALONE time's next
 * line, trimmed of separators, bullets and blanks. Punctuation that
 * belongs to the title ("...and then", "»Zitat«") is kept.
 *
 * Not supported: plain seconds ("at 90s") and lists that do not start
 * within ten minutes.
 */
#include "chapnotes.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chapnotes_int.h"
#include "html.h"
#include "ptime.h"
#include "util.h"

#define NEAR_ZERO 60.0       /* first chapter of a normal run (seconds) */
#define LONG_RUN_MIN 5       /* a run this long ... */
#define LONG_RUN_START 600.0 /* ... may start this late */
#define SKIP_WINDOW 4        /* predecessors looked at per candidate */
#define MAX_GAP 4096         /* bytes between two members of a run */
#define STRAY_PENALTY 3      /* score cost of an out-of-order entry */
#define WEAK_RUN_MIN 4       /* a run with weak members needs this many */
#define NONE SIZE_MAX
#define NIL UINT32_MAX /* NONE in a node */
#define MAX_TOKENS (UINT32_MAX - 1)

/* 32 bytes: the two arrays of nodes are the finder's biggest memory. */
struct node {
	double first;   /* the first member's time */
	uint32_t len;   /* 0: no run ends here */
	int32_t score;
	uint32_t pj;    /* predecessor token or NIL */
	uint32_t stray; /* an out-of-order entry between pj and here, or NIL */
	uint8_t pr;     /* the predecessor's reading */
	uint8_t weak;   /* a weak candidate is a member */
};

/* LEAD and ALONE entries mix in one list; TRAIL entries do not. */
static int compatible(int a, int b)
{
	return (a == TK_TRAIL) == (b == TK_TRAIL);
}

static int has_kind(const struct tok *t, int kind)
{
	for (int a = 0; a < t->nr; a++)
		if (compatible(t->r[a].kind, kind))
			return 1;
	return 0;
}

/* Can reading y of token j come right before reading x of token i? A
 * weak time joins only weak ones, or others on its own line (a one-line
 * list after a label): never a list of lines, where it is prose. */
static int follows(const struct tok *tj, const struct reading *y,
                   const struct tok *ti, const struct reading *x)
{
	if (!compatible(y->kind, x->kind) || !(y->v < x->v))
		return 0;
	if (tj->weak != ti->weak && tj->eol != ti->eol)
		return 0;
	if (x->kind == TK_TRAIL)
		return x->start > tj->eol; /* one entry per line */
	if (y->kind == TK_ALONE)
		return tj->tb <= x->start;
	return tj->ftc < x->start;
}

/* May the candidates strictly between j and i (reading x) be passed over?
 * *stray receives the one out-of-order entry among them, if any. */
static int skippable(const struct tok *t, size_t j, size_t i,
                     const struct reading *x, size_t *stray)
{
	*stray = NONE;
	for (size_t m = j + 1; m < i; m++) {
		if (!has_kind(&t[m], x->kind) || (t[m].weak && !t[i].weak))
			continue; /* prose: another shape, or a time in a sentence */
		if (t[m].end <= t[j].eol && x->start > t[j].eol)
			continue; /* inside entry j's title */
		int own_line = t[m].sol > t[j].eol && x->start > t[m].eol;
		int entry = x->kind != TK_LEAD || t[m].lead;
		if (*stray != NONE || !own_line || !entry)
			return 0;
		*stray = m;
	}
	return 1;
}

static void link(const struct tok *t, struct node *nd, size_t i, int a,
                 size_t j, size_t stray)
{
	const struct reading *x = &t[i].r[a];
	struct node *cur = &nd[i * 2 + (size_t)a];
	for (int b = 0; b < t[j].nr; b++) {
		const struct node *pn = &nd[j * 2 + (size_t)b];
		if (!pn->len || !follows(&t[j], &t[j].r[b], &t[i], x))
			continue;
		size_t len = pn->len + 1;
		int32_t sc = pn->score + x->score - t[i].weak -
		             (stray != NONE ? STRAY_PENALTY : 0);
		if (len > cur->len || (len == cur->len && sc > cur->score)) {
			cur->len = len;
			cur->score = sc;
			cur->pj = (uint32_t)j;
			cur->pr = (uint8_t)b;
			cur->stray = stray == NONE ? NIL : (uint32_t)stray;
			cur->weak = pn->weak || t[i].weak;
			cur->first = pn->first;
		}
	}
}

static void dp_pass(const struct tok *t, size_t m, double first_max,
                    struct node *nd)
{
	for (size_t i = 0; i < m; i++) {
		for (int a = 0; a < 2; a++) {
			struct node *cur = &nd[i * 2 + (size_t)a];
			*cur = (struct node){0, 0, 0, NIL, NIL, 0, 0};
			if (a >= t[i].nr)
				continue;
			const struct reading *x = &t[i].r[a];
			if (x->v <= first_max) {
				cur->len = 1;
				cur->score = x->score - t[i].weak;
				cur->weak = (uint8_t)t[i].weak;
				cur->first = x->v;
			}
			for (size_t k = 1; k <= SKIP_WINDOW && k <= i; k++) {
				size_t j = i - k, stray;
				if (x->start < t[j].end || x->start - t[j].end > MAX_GAP)
					break;
				if (!skippable(t, j, i, x, &stray))
					break;
				link(t, nd, i, a, j, stray);
			}
		}
	}
}

/* Each on its own line: a LEAD time leading it, or any other kind. */
static int own_line(const struct tok *t, int a)
{
	return t->r[a].kind != TK_LEAD || t->lead;
}

static int qualifies(const struct tok *t, const struct node *nd, size_t i,
                     int a, int pass)
{
	const struct node *e = &nd[i * 2 + (size_t)a];
	if (e->weak) /* prose unless it looks like a list: four from 0:00 */
		return e->len >= WEAK_RUN_MIN && e->first == 0;
	if (pass == 1)
		return e->len >= LONG_RUN_MIN && t[i].r[a].kind != TK_TRAIL;
	if (e->len >= 3)
		return 1;
	if (e->len != 2)
		return 0;
	const struct tok *f = &t[e->pj];
	return own_line(&t[i], a) && own_line(f, e->pr) && f->r[e->pr].v == 0;
}

struct entry {
	size_t tok;
	int rd;
	int stray;
};

/* The first reading of stray token m that fits a run of kind. */
static int stray_reading(const struct tok *m, int kind)
{
	for (int a = 0; a < m->nr; a++)
		if (compatible(m->r[a].kind, kind))
			return a;
	return 0;
}

/* The chosen run, in text order, strays included; returns its length. */
static size_t run_entries(const struct tok *t, const struct node *nd,
                          size_t i, int a, struct entry **out)
{
	size_t n = 0;
	for (size_t k = i, r = (size_t)a; k != NONE;) {
		const struct node *e = &nd[k * 2 + r];
		n += 1 + (e->stray != NIL);
		r = (size_t)e->pr;
		k = e->pj == NIL ? NONE : e->pj;
	}
	struct entry *v = xmalloc(n * sizeof *v);
	size_t w = n;
	int kind = t[i].r[a].kind;
	for (size_t k = i, r = (size_t)a; k != NONE;) {
		const struct node *e = &nd[k * 2 + r];
		v[--w] = (struct entry){k, (int)r, 0};
		if (e->stray != NIL)
			v[--w] = (struct entry){e->stray,
			                        stray_reading(&t[e->stray], kind), 1};
		r = (size_t)e->pr;
		k = e->pj == NIL ? NONE : e->pj;
	}
	*out = v;
	return n;
}

static int is_upper(unsigned char c)
{
	return c >= 'A' && c <= 'Z';
}

/* 1 when a CJK character (kana, kanji, full-width forms: U+3040 to
 * U+9FFF, U+FF00 to U+FFEF) is encoded at s[i..i+3) within b. */
static int cjk_at(const unsigned char *s, size_t i, size_t b)
{
	if (i + 3 > b || (s[i] & 0xF0) != 0xE0)
		return 0;
	unsigned cp = ((s[i] & 0x0Fu) << 12) | ((s[i + 1] & 0x3Fu) << 6) |
	              (s[i + 2] & 0x3Fu);
	return (cp >= 0x3040 && cp <= 0x9FFF) || (cp >= 0xFF00 && cp <= 0xFFEF);
}

/* An upper-case label at i: "PRODUCED BY:", "LINKS:" (upper-case words
 * of four letters or more in all, then ':'; "Q&A:" is a title's), read at
 * most 40 bytes far. */
static int caps_label(const unsigned char *s, size_t i, size_t b)
{
	size_t lim = i + 40 < b ? i + 40 : b, letters = 0, word = 0;
	for (; i < lim; i++) {
		if (is_upper(s[i])) {
			letters++;
			word++;
		} else if (s[i] == ' ' && word >= 2 && i + 1 < lim &&
		           is_upper(s[i + 1])) {
			word = 0;
		} else {
			return s[i] == ':' && word >= 2 && letters >= 4;
		}
	}
	return 0;
}

/* The end of the last title of a list run together on one line: the line
 * goes on with whatever the notes say next, so the title stops at a URL or
 * an upper-case label ("... (52:20) Closing thoughts PRODUCED BY: ..."). */
static size_t inline_end(const unsigned char *s, size_t a, size_t b)
{
	int words = 0;
	for (size_t i = a + 1; i < b; i++) {
		words |= s[i - 1] >= 0x80 || is_upper(s[i - 1]) ||
		         (s[i - 1] >= 'a' && s[i - 1] <= 'z');
		if (s[i - 1] != ' ' || !words)
			continue;
		/* Japanese and Chinese titles have no spaces: one between
		 * two such characters starts what the notes say next. */
		if (i >= 4 && cjk_at(s, i - 4, i) && cjk_at(s, i, b))
			return i - 1;
		if ((b - i >= 7 && memcmp(s + i, "http://", 7) == 0) ||
		    (b - i >= 8 && memcmp(s + i, "https://", 8) == 0) ||
		    (b - i >= 4 && memcmp(s + i, "www.", 4) == 0) ||
		    (is_upper(s[i]) && caps_label(s, i, b)))
			return i;
	}
	return b;
}

/* Raw title range of entry k of v[0..n). */
static void title_range(const unsigned char *s, size_t len, const struct tok *t,
                        const struct entry *v, size_t n, size_t k,
                        size_t *pa, size_t *pb)
{
	const struct tok *x = &t[v[k].tok];
	int kind = x->r[v[k].rd].kind;
	if (kind != TK_LEAD) {
		*pa = x->ta;
		*pb = x->tb;
		chapnotes_trim(s, pa, pb);
		if (kind == TK_TRAIL)
			chapnotes_skip_index(s, pa, *pb);
		return;
	}
	*pa = x->end;
	*pb = k + 1 < n ? t[v[k + 1].tok].r[v[k + 1].rd].start : len;
	if (*pb > x->eol || *pb < *pa)
		*pb = x->eol;
	if (k + 1 == n && k > 0 && t[v[k - 1].tok].eol == x->eol)
		*pb = inline_end(s, *pa, *pb);
}

/* Hours:minutes when the duration says so (see the top of the file). */
static double time_scale(const struct tok *t, const struct entry *v, size_t n,
                         double duration)
{
	if (duration <= 0)
		return 1;
	double last = 0;
	for (size_t k = 0; k < n; k++) {
		const struct tok *x = &t[v[k].tok];
		if (x->hms || x->frac)
			return 1;
		if (x->r[v[k].rd].v > last)
			last = x->r[v[k].rd].v;
	}
	if (last > 0 && last < duration / 4 && last * 60 <= duration * 1.02 + 60)
		return 60;
	return 1;
}

static void warn(chapnotes_info *info, char *msg)
{
	if (!info) {
		free(msg);
		return;
	}
	info->warnings = xrealloc(info->warnings,
	                          (info->nwarnings + 1) * sizeof *info->warnings);
	info->warnings[info->nwarnings++] = msg;
}

static size_t emit(const char *text, size_t len, const struct tok *t,
                   const struct entry *v, size_t n, double duration,
                   chapter_list *out, chapnotes_info *info)
{
	const unsigned char *s = (const unsigned char *)text;
	double scale = time_scale(t, v, n, duration);
	for (size_t k = 0; k < n; k++) {
		size_t ta, tb;
		title_range(s, len, t, v, n, k, &ta, &tb);
		chapter c;
		memset(&c, 0, sizeof c);
		c.start = t[v[k].tok].r[v[k].rd].v * scale;
		c.end = -1;
		c.source = CHAP_SRC_NOTES;
		if (chapnotes_trim(s, &ta, &tb))
			c.title = xstrndup(text + ta, tb - ta);
		if (v[k].stray) {
			/* Named by its time and title, not a number: listings
			 * sort by time, the notes do not. */
			char at[16];
			ptime_clock(c.start, at, sizeof at);
			warn(info, xasprintf("%s \"%s\" is out of order in the notes; "
			                     "kept as written", at,
			                     c.title ? c.title : ""));
		}
		chapter_list_push(out, c);
	}
	return n;
}

size_t chapnotes_find(const char *text, size_t len, double duration,
                      chapter_list *out, chapnotes_info *info)
{
	if (!text || !out || len == 0)
		return 0;
	const unsigned char *s = (const unsigned char *)text;
	struct tokvec tv = {NULL, 0, 0};
	chapnotes_scan(s, len, &tv);
	size_t m = tv.n;
	if (m < 2 || m > MAX_TOKENS) {
		free(tv.v);
		return 0;
	}
	struct node *nd[2];
	nd[0] = xmalloc(m * 2 * sizeof *nd[0]);
	nd[1] = xmalloc(m * 2 * sizeof *nd[1]);
	dp_pass(tv.v, m, NEAR_ZERO, nd[0]);
	dp_pass(tv.v, m, LONG_RUN_START, nd[1]);

	size_t best_len = 0, best_i = 0;
	int32_t best_score = 0;
	int best_a = 0, best_pass = 0;
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < m; i++)
			for (int a = 0; a < tv.v[i].nr; a++) {
				const struct node *e = &nd[pass][i * 2 + (size_t)a];
				if (!qualifies(tv.v, nd[pass], i, a, pass))
					continue;
				if (e->len > best_len ||
				    (e->len == best_len && i == best_i &&
				     e->score > best_score)) {
					best_len = e->len;
					best_score = e->score;
					best_i = i;
					best_a = a;
					best_pass = pass;
				}
			}
	size_t added = 0;
	if (best_len) {
		struct entry *v;
		size_t n = run_entries(tv.v, nd[best_pass], best_i, best_a, &v);
		added = emit(text, len, tv.v, v, n, duration, out, info);
		free(v);
	}
	free(nd[0]);
	free(nd[1]);
	free(tv.v);
	return added;
}

size_t chapnotes_parse(const char *text, size_t len, chapter_list *out)
{
	return chapnotes_find(text, len, -1, out, NULL);
}

/* Cheap test for "d:dd" anywhere: most notes have no timestamp at all and
 * need not be rendered a second time. */
static int may_hold_time(const char *s, size_t len)
{
	for (const char *p = s, *end = s + len;
	     (p = memchr(p, ':', (size_t)(end - p))) != NULL; p++)
		if (p > s && p + 2 < end && p[-1] >= '0' && p[-1] <= '9' &&
		    p[1] >= '0' && p[1] <= '9' && p[2] >= '0' && p[2] <= '9')
			return 1;
	return 0;
}

/* 1 when rest (what follows a title across a source line break) reads as
 * a new sentence rather than the title's wrapped end: it starts with a
 * capital and holds a sentence end ("Thanks to our guest. This ..."), or
 * is longer than any title. */
static int new_sentence(const char *rest)
{
	size_t n = strlen(rest);
	if (n > 120)
		return 1;
	if (!(rest[0] >= 'A' && rest[0] <= 'Z') && (unsigned char)rest[0] < 0xC0)
		return 0;
	return strstr(rest, ". ") || strstr(rest, "! ") || strstr(rest, "? ") ||
	       (n > 1 && strchr(".!?", rest[n - 1]));
}

/* The same list read with and without the source's lines: where the source
 * line ended a title and what followed is a new sentence, the shorter
 * title is the right one; a wrapped title keeps its end. */
static void take_sentence_cuts(chapter_list *a, const chapter_list *b)
{
	for (size_t i = 0; i < a->n && i < b->n; i++) {
		char *ta = a->v[i].title;
		const char *tb = b->v[i].title;
		if (!ta || !tb || a->v[i].start != b->v[i].start)
			continue;
		size_t k = strlen(tb);
		if (strncmp(ta, tb, k) != 0 || ta[k] != ' ' || !new_sentence(ta + k + 1))
			continue;
		ta[k] = '\0';
	}
}

/* Chapters of one rendering of the notes, into l and inf. */
static size_t find_in_view(const html_doc *doc, int flags, double duration, chapter_list *l,
                           chapnotes_info *inf, int *src_breaks)
{
	html_text v;
	html_doc_render(doc, flags, &v);
	size_t n = chapnotes_find(v.text, strlen(v.text), duration, l, inf);
	if (src_breaks)
		*src_breaks = v.src_breaks;
	html_text_free(&v);
	return n;
}

int chapnotes_may_hold(const char *notes, size_t len)
{
	return notes && may_hold_time(notes, len == (size_t)-1 ? strlen(notes) : len);
}

size_t chapnotes_from_notes(const char *notes, size_t len, double duration,
                            chapter_list *out, chapnotes_info *info)
{
	if (!notes || !out || !chapnotes_may_hold(notes, len))
		return 0;
	html_doc *doc = html_parse(notes, len);
	size_t n = chapnotes_from_doc(doc, duration, out, info);
	html_doc_free(doc);
	return n;
}

size_t chapnotes_from_doc(const html_doc *doc, double duration, chapter_list *out,
                          chapnotes_info *info)
{
	if (!doc || !out)
		return 0;
	chapter_list a = CHAPTER_LIST_INIT, b = CHAPTER_LIST_INIT;
	chapnotes_info ia = {NULL, 0}, ib = {NULL, 0};
	int src_breaks = 0;
	size_t n = find_in_view(doc, HTML_CHAPTERS, duration, &a, &ia, &src_breaks);
	size_t nb = 0;
	if (src_breaks)
		nb = find_in_view(doc, HTML_CHAPTERS | HTML_SRC_LINES, duration, &b, &ib, NULL);
	if (nb && nb == n)
		take_sentence_cuts(&a, &b);
	if (nb > n) {
		chapter_list tl = a;
		chapnotes_info ti = ia;
		a = b;
		ia = ib;
		b = tl;
		ib = ti;
	}
	for (size_t i = 0; i < a.n; i++)
		chapter_list_push(out, a.v[i]); /* moves the strings */
	free(a.v);
	for (size_t i = 0; i < ia.nwarnings; i++)
		warn(info, ia.warnings[i]);
	free(ia.warnings);
	chapter_list_clear(&b);
	chapnotes_info_free(&ib);
	return a.n;
}

void chapnotes_info_free(chapnotes_info *info)
{
	if (!info)
		return;
	for (size_t i = 0; i < info->nwarnings; i++)
		free(info->warnings[i]);
	free(info->warnings);
	info->warnings = NULL;
	info->nwarnings = 0;
}
