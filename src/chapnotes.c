/*
 * chapnotes.c - find the chapter list in plain show-note text.
 *
 * The parser works in three linear passes.
 *
 * 1. Tokenizer. It scans the text once and finds timestamp candidates:
 *    M:SS, MM:SS, H:MM:SS and HH:MM:SS (the seconds and the minutes of
 *    H:MM:SS must be exactly two digits, <= 59), optionally with a fraction
 *    (".5"), and optionally wrapped in "(...)" or "[...]". It rejects
 *      - digit groups that go on ("12:34:56:78", "12:345", ratios "16:9",
 *        scores "3:2" never match because the second group has one digit);
 *      - times inside URLs (after "://" up to the next blank, quote or
 *        non-ASCII byte) unless glued straight onto letters, which is how
 *        a chapter list looks when the URL before it lost its line break
 *        ("https://databaseschool.comChapters00:00 - Intro");
 *      - times right after '/', '=', '#', '%', '+', '@' ("?t=12:30")
 *        or after "3." / "3," (decimal numbers);
 *      - clock times: "2025-05-14 10:00", "14/05/2025 10:00", "10:00 am";
 *      - candidates with no title after them on their line.
 *    A candidate is *line-leading* when it is the first one on its line and
 *    only blanks, bullets, an emoji, a list index ("3.") or a short label
 *    ("Chapters:", "🕒 Chapters", "Timestamps") come before it. A candidate
 *    that is not line-leading and not bracketed must be followed by a
 *    separator (" - ", " – ", " — ", ": ", " | ", "•"): "we start at 19:00
 *    sharp" is prose, "Intro01:27 - Lev's journey" is a glued list.
 *
 * 2. Glued digits. The leading field is one or two digits. When more
 *    digits come before the first colon ("in 202016:00"), or two digits
 *    that are glued to a letter and do not start with 0 ("Web34:00"), the
 *    candidate gets two readings: the last two digits lead (the rest stays
 *    at the end of the previous title), or only the last digit does.
 *    "202016:00" reads "2020" + "16:00" or "20201" + "6:00". Run selection
 *    keeps the reading that makes the run longest, i.e. keeps it strictly
 *    increasing (13:00 -> 16:00 -> 18:00). When both readings give equally
 *    long runs, a preference score decides: +1 for the two-digit reading,
 *    +2 when the digits left to the previous title are a year (19xx/20xx).
 *    "Intro01:27" and "Metal?00:39" have one reading: "Intro" + "01:27".
 *
 * 3. Run selection (dynamic programming over the candidates in text order,
 *    constant work per candidate). A run is a sequence of candidates with
 *    strictly increasing times, each with a title before the next one.
 *    Members are consecutive candidates, with one exception: in a
 *    one-per-line list, up to 2 candidates inside a member's title may be
 *    skipped ("12:00 - Recap (08:00) of last week\n15:00 - Next"): they must
 *    be on the member's line and the next member on a later line. Members
 *    are at most 4 KiB apart.
 *    A run qualifies as the chapter list when
 *      - it has >= 3 entries and starts within the first 60 s, or
 *      - it has exactly 2 entries, both line-leading, the first exactly 0
 *        ("00:00 Intro\n05:00 End"), or
 *      - it has >= 5 entries and starts within the first 10 minutes (a long
 *        list whose first chapter skips a cold open or an ad).
 *    The longest qualifying run wins; on a tie the one that ends first
 *    (notes that repeat their list keep the first copy), preferring the
 *    60 s rule. Times beyond the episode's duration are kept: the caller
 *    flags them.
 *
 * Titles are the text between a member's timestamp and the next member (or
 * the end of the line), with separators, bullets and blanks (including
 * NBSP) trimmed from both ends. Skipped candidates stay in the title.
 *
 * Not supported: titles written before their time ("Intro (0:00)"), plain
 * seconds ("at 90s"), and lists that do not start near zero.
 */
#include "chapnotes.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define NEAR_ZERO 60.0      /* first chapter of a normal run (seconds) */
#define LONG_RUN_MIN 5      /* a run this long ... */
#define LONG_RUN_START 600.0 /* ... may start this late */
#define SKIP_WINDOW 3       /* predecessors looked at per candidate */
#define MAX_GAP 4096        /* bytes between two members of a run */
#define LEAD_PREFIX_MAX 64  /* bytes before a line-leading timestamp */
#define NONE SIZE_MAX

struct reading {
	double v;     /* seconds */
	size_t start; /* first byte of this reading (digit or bracket) */
	int score;    /* preference between readings (rule 2) */
};

struct tok {
	struct reading r[2];
	int nr;
	size_t end; /* just past the timestamp and its closing bracket */
	size_t ftc; /* first title character at or after end, or eol */
	size_t eol; /* the '\n' ending the line, or len */
	int lead;   /* line-leading */
};

struct tokvec {
	struct tok *v;
	size_t n, cap;
};

struct node {
	size_t len; /* 0: no run ends here */
	long score;
	size_t pj; /* predecessor token or NONE */
	int pr;    /* its reading */
};

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static size_t u8len(const unsigned char *s, size_t i, size_t len)
{
	unsigned char c = s[i];
	size_t n = c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
	if (n > len - i)
		n = len - i;
	return n;
}

/* Length of a blank (not '\n') at i, or 0: ASCII blanks, NBSP, the Unicode
 * spaces U+2000..U+200B, U+202F, U+205F, U+3000 and a BOM. */
static size_t blank_at(const unsigned char *s, size_t i, size_t len)
{
	unsigned char c = s[i];
	if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v')
		return 1;
	if (c == 0xC2 && i + 1 < len && s[i + 1] == 0xA0)
		return 2;
	if (i + 2 >= len)
		return 0;
	if (c == 0xE2 && s[i + 1] == 0x80 &&
	    (s[i + 2] <= 0x8B || s[i + 2] == 0xAF))
		return 3;
	if (c == 0xE2 && s[i + 1] == 0x81 && s[i + 2] == 0x9F)
		return 3;
	if (c == 0xE3 && s[i + 1] == 0x80 && s[i + 2] == 0x80)
		return 3;
	if (c == 0xEF && s[i + 1] == 0xBB && s[i + 2] == 0xBF)
		return 3;
	return 0;
}

/* Length of a separator or bullet glyph at i, or 0. */
static size_t sep_at(const unsigned char *s, size_t i, size_t len)
{
	unsigned char c = s[i];
	if (c < 0x80)
		return strchr("-|:*~>=", c) && c ? 1 : 0;
	if (c == 0xC2 && i + 1 < len && (s[i + 1] == 0xB7 || s[i + 1] == 0xBB))
		return 2; /* · » */
	if (c != 0xE2 || i + 2 >= len)
		return 0;
	unsigned char b = s[i + 1], d = s[i + 2];
	if (b == 0x80 && ((d >= 0x92 && d <= 0x95) || d == 0xA2 || d == 0xA3 ||
	                  d == 0xBA))
		return 3; /* ‒ – — ― • ‣ › */
	if (b == 0x81 && d == 0x83)
		return 3; /* ⁃ */
	if ((b == 0x88 && d == 0x92) || (b == 0x86 && d == 0x92))
		return 3; /* − → */
	if (b == 0x96 && (d == 0xAA || d == 0xAB || d == 0xB6 || d == 0xB8 ||
	                  d == 0xBA))
		return 3; /* ▪ ▫ ▶ ▸ ► */
	if (b == 0x97 && (d == 0x8B || d == 0x8F || d == 0xA6 || d == 0xBE))
		return 3; /* ○ ● ◦ ◾ */
	return 0;
}

/* 1 when the character at i can be part of a title's text proper: an ASCII
 * letter or digit, or a non-ASCII character that is neither blank nor a
 * separator (letters, quotes, emoji). */
static int title_char_at(const unsigned char *s, size_t i, size_t len)
{
	unsigned char c = s[i];
	if (c < 0x80)
		return is_digit(c) || is_alpha(c);
	if (c < 0xC0)
		return 0;
	return !blank_at(s, i, len) && !sep_at(s, i, len);
}

static int ci_contains(const unsigned char *s, size_t a, size_t b,
                       const char *w)
{
	size_t n = strlen(w);
	for (size_t i = a; i + n <= b; i++) {
		size_t k = 0;
		while (k < n) {
			unsigned char c = s[i + k];
			if (c >= 'A' && c <= 'Z')
				c = (unsigned char)(c - 'A' + 'a');
			if (c != (unsigned char)w[k])
				break;
			k++;
		}
		if (k == n)
			return 1;
	}
	return 0;
}

/* Is [a, b) (the text before the first timestamp on a line) short enough
 * and plain enough for that timestamp to lead the line? */
static int lead_prefix(const unsigned char *s, size_t a, size_t b)
{
	if (b - a > LEAD_PREFIX_MAX)
		return 0;
	int colon = 0;
	for (;;) { /* strip blanks and bullets on the left */
		size_t k = a < b ? blank_at(s, a, b) : 0;
		if (!k && a < b)
			k = sep_at(s, a, b);
		if (!k)
			break;
		a += k;
	}
	while (a < b) { /* and on the right (ASCII only: enough for labels) */
		unsigned char c = s[b - 1];
		if (c == ' ' || c == '\t' || c == '(' || c == '[' || c == '-')
			b--;
		else if (c == ':') {
			colon = 1;
			b--;
		} else if (c == 0xA0 && b - a >= 2 && s[b - 2] == 0xC2)
			b -= 2;
		else
			break;
	}
	if (a == b)
		return 1;
	int alnum = 0;
	for (size_t i = a; i < b; i++)
		if (s[i] < 0x80 && (is_digit(s[i]) || is_alpha(s[i])))
			alnum = 1;
	if (!alnum && b - a <= 16)
		return 1; /* emoji, "(", "#" */
	size_t i = a;
	while (i < b && is_digit(s[i]))
		i++;
	if (i > a && i - a <= 3 && i + 1 == b && (s[i] == '.' || s[i] == ')'))
		return 1; /* list index "3." */
	if (b - a > 40)
		return 0;
	return colon || ci_contains(s, a, b, "chapter") ||
	       ci_contains(s, a, b, "timestamp") ||
	       ci_contains(s, a, b, "time stamp") ||
	       ci_contains(s, a, b, "timecode") ||
	       ci_contains(s, a, b, "agenda") || ci_contains(s, a, b, "outline") ||
	       ci_contains(s, a, b, "contents");
}

/* 1 when exactly two digits start at k (no third one). */
static int two_digits(const unsigned char *s, size_t len, size_t k)
{
	return k + 1 < len && is_digit(s[k]) && is_digit(s[k + 1]) &&
	       (k + 2 >= len || !is_digit(s[k + 2]));
}

static int is_date_before(const unsigned char *s, size_t b0)
{
	/* "2025-05-14 10:00", "2025-05-14T10:00", "14/05/2025 10:00",
	 * "14.05.2025 10:00" */
	if (b0 < 11)
		return 0;
	const unsigned char *p = s + b0 - 11;
	if (p[10] != ' ' && p[10] != 'T')
		return 0;
	if (is_digit(p[0]) && is_digit(p[1]) && is_digit(p[2]) &&
	    is_digit(p[3]) && p[4] == '-' && is_digit(p[5]) && is_digit(p[6]) &&
	    p[7] == '-' && is_digit(p[8]) && is_digit(p[9]))
		return 1;
	if (is_digit(p[0]) && is_digit(p[1]) && (p[2] == '/' || p[2] == '.') &&
	    is_digit(p[3]) && is_digit(p[4]) && p[5] == p[2] &&
	    is_digit(p[6]) && is_digit(p[7]) && is_digit(p[8]) &&
	    is_digit(p[9]))
		return 1;
	return 0;
}

static int is_clock_suffix(const unsigned char *s, size_t len, size_t k)
{
	if (k < len && s[k] == ' ')
		k++;
	if (k + 1 >= len)
		return 0;
	unsigned char c = s[k], d = s[k + 1];
	int am = (c == 'a' || c == 'p') && d == 'm';
	int AM = (c == 'A' || c == 'P') && d == 'M';
	if ((am || AM) && (k + 2 >= len || !is_alpha(s[k + 2])))
		return 1;
	if ((c == 'a' || c == 'p') && d == '.' && k + 2 < len && s[k + 2] == 'm')
		return 1;
	return 0;
}

static unsigned digits_val(const unsigned char *s, size_t a, size_t b)
{
	unsigned v = 0;
	for (size_t i = a; i < b; i++)
		v = v * 10 + (unsigned)(s[i] - '0');
	return v;
}

static void tok_push(struct tokvec *tv, const struct tok *t)
{
	if (tv->n == tv->cap) {
		tv->cap = tv->cap ? tv->cap * 2 : 64;
		tv->v = xrealloc(tv->v, tv->cap * sizeof *tv->v);
	}
	tv->v[tv->n++] = *t;
}

/* Skips digits and colons from k: used to step over a rejected group. */
static size_t skip_group(const unsigned char *s, size_t len, size_t k)
{
	while (k < len && (is_digit(s[k]) || s[k] == ':'))
		k++;
	return k;
}

/* The digit run [p, q) is followed by ':' at q. Parses the timestamp there,
 * pushes a candidate when it qualifies, and returns where scanning goes on
 * (always > p). */
static size_t parse_at(const unsigned char *s, size_t len, size_t p, size_t q,
                       size_t line_start, int line_has_tok, int in_url,
                       struct tokvec *tv)
{
	if (!two_digits(s, len, q + 1))
		return q;
	unsigned g2 = digits_val(s, q + 1, q + 3), g3 = 0;
	size_t r = q + 3;
	int hms = 0;
	if (r + 1 < len && s[r] == ':' && is_digit(s[r + 1])) {
		if (!two_digits(s, len, r + 1))
			return skip_group(s, len, r);
		g3 = digits_val(s, r + 1, r + 3);
		r += 3;
		hms = 1;
		if (r + 1 < len && s[r] == ':' && is_digit(s[r + 1]))
			return skip_group(s, len, r);
	}
	double frac = 0;
	if (r + 1 < len && s[r] == '.' && is_digit(s[r + 1])) {
		double scale = 0.1;
		r++;
		while (r < len && is_digit(s[r])) {
			frac += scale * (s[r] - '0');
			scale /= 10;
			r++;
		}
	}
	if (g2 > 59 || (hms && g3 > 59))
		return r;

	size_t n = q - p;
	unsigned char open = p > 0 ? s[p - 1] : 0;
	unsigned char want = open == '(' ? ')' : open == '[' ? ']' : 0;
	int bracketed = want && n <= 2 && r < len && s[r] == want;
	size_t b0 = bracketed ? p - 1 : p;
	size_t end = bracketed ? r + 1 : r;
	unsigned char pc = b0 > 0 ? s[b0 - 1] : '\n';

	if (pc && strchr("/=#%+@", pc))
		return r;
	if ((pc == '.' || pc == ',') && b0 >= 2 && is_digit(s[b0 - 2]))
		return r;
	if (in_url && !is_alpha(pc))
		return r;
	if (is_date_before(s, b0) || is_clock_suffix(s, len, end))
		return r;

	struct tok t;
	memset(&t, 0, sizeof t);
	t.end = end;
	/* Separators, then the first character of the title. */
	size_t k = end;
	int has_sep = 0;
	while (k < len && s[k] != '\n') {
		size_t m = blank_at(s, k, len);
		if (!m) {
			m = sep_at(s, k, len);
			if (!m)
				break;
			has_sep = 1;
		}
		k += m;
	}
	if (k >= len || s[k] == '\n')
		return r; /* no title */
	if (!title_char_at(s, k, len) && !strchr("\"'([{$#@&", s[k]))
		return r; /* "00:00 / 00:00", "12:30, then" */
	while (k < len && s[k] != '\n' && !title_char_at(s, k, len))
		k += u8len(s, k, len);
	t.ftc = k;

	t.lead = !line_has_tok && lead_prefix(s, line_start, b0);
	if (!t.lead && !bracketed && !has_sep)
		return r;

	double rest = hms ? g2 * 60.0 + g3 + frac : g2 + frac;
	double mul = hms ? 3600.0 : 60.0;
	/* Two readings when the digits may continue the previous title:
	 * always with three or more digits, and for two digits glued to a
	 * word when the first is not 0 ("Web31:38" may be "Web3" + "1:38";
	 * "Intro01:27" is "Intro" + "01:27"). */
	int glued = n > 2 || (n == 2 && is_alpha(pc) && s[p] != '0');
	if (bracketed || n == 1 || !glued) {
		if (n > 2)
			return r;
		t.nr = 1;
		t.r[0].v = digits_val(s, p, q) * mul + rest;
		t.r[0].start = b0;
		t.r[0].score = 1;
	} else {
		/* Reading 0: last two digits lead; reading 1: the last one. */
		t.nr = 2;
		for (int i = 0; i < 2; i++) {
			size_t st = q - 2 + (size_t)i;
			t.r[i].v = digits_val(s, st, q) * mul + rest;
			t.r[i].start = st;
			t.r[i].score = i == 0;
			if (st - p == 4) {
				unsigned y = digits_val(s, p, st);
				if (y >= 1900 && y <= 2099)
					t.r[i].score += 2;
			}
		}
	}
	tok_push(tv, &t);
	return r;
}

static void tokenize(const unsigned char *s, size_t len, struct tokvec *tv)
{
	size_t line_start = 0, i = 0;
	int in_url = 0;
	size_t ntok_line = tv->n;
	while (i < len) {
		unsigned char c = s[i];
		if (c == '\n') {
			line_start = i + 1;
			ntok_line = tv->n;
			in_url = 0;
			i++;
			continue;
		}
		if (c <= ' ' || c >= 0x80 || c == '"' || c == '<' || c == '>')
			in_url = 0;
		else if (c == ':' && i + 2 < len && s[i + 1] == '/' &&
		         s[i + 2] == '/')
			in_url = 1;
		if (!is_digit(c)) {
			i++;
			continue;
		}
		size_t q = i;
		while (q < len && is_digit(s[q]))
			q++;
		if (q < len && s[q] == ':')
			i = parse_at(s, len, i, q, line_start, tv->n != ntok_line,
			             in_url, tv);
		else
			i = q;
	}
	/* Line ends, with one forward-moving pointer. */
	size_t p = 0;
	for (size_t t = 0; t < tv->n; t++) {
		if (p < tv->v[t].end)
			p = tv->v[t].end;
		while (p < len && s[p] != '\n')
			p++;
		tv->v[t].eol = p;
	}
}

static void dp_pass(const struct tok *t, size_t m, double first_max,
                    struct node *nd)
{
	for (size_t i = 0; i < m; i++) {
		for (int a = 0; a < 2; a++) {
			struct node *cur = &nd[i * 2 + (size_t)a];
			cur->len = 0;
			cur->score = 0;
			cur->pj = NONE;
			cur->pr = 0;
			if (a >= t[i].nr)
				continue;
			const struct reading *x = &t[i].r[a];
			if (x->v <= first_max) {
				cur->len = 1;
				cur->score = x->score;
			}
			for (size_t k = 1; k <= SKIP_WINDOW && k <= i; k++) {
				size_t j = i - k;
				if (x->start < t[j].end ||
				    x->start - t[j].end > MAX_GAP)
					break;
				for (int b = 0; b < t[j].nr; b++) {
					const struct node *pn = &nd[j * 2 + (size_t)b];
					if (!pn->len || !(t[j].r[b].v < x->v) ||
					    t[j].ftc >= x->start)
						continue;
					size_t len = pn->len + 1;
					long sc = pn->score + x->score;
					if (len > cur->len ||
					    (len == cur->len && sc > cur->score)) {
						cur->len = len;
						cur->score = sc;
						cur->pj = j;
						cur->pr = b;
					}
				}
				/* Only a time inside the title of a one-per-line
				 * entry may be skipped: j+1..i-1 on j's line, i on a
				 * later one. */
				if (j == 0 || x->start <= t[j - 1].eol ||
				    t[i - 1].end > t[j - 1].eol)
					break;
			}
		}
	}
}

static int qualifies(const struct tok *t, const struct node *nd, size_t i,
                     int a, int pass)
{
	const struct node *e = &nd[i * 2 + (size_t)a];
	if (pass == 1)
		return e->len >= LONG_RUN_MIN;
	if (e->len >= 3)
		return 1;
	if (e->len != 2)
		return 0;
	const struct tok *f = &t[e->pj];
	return t[i].lead && f->lead && f->r[e->pr].v == 0;
}

/* Trims [*a, *b) of blanks and separators; 1 when something remains. */
static int trim_title(const unsigned char *s, size_t *pa, size_t *pb)
{
	size_t a = *pa, b = *pb;
	while (a < b) {
		size_t k = blank_at(s, a, b);
		if (!k)
			k = sep_at(s, a, b);
		if (!k)
			break;
		a += k;
	}
	while (a < b) {
		size_t c = b - 1; /* start of the last character */
		while (c > a && (s[c] & 0xC0) == 0x80 && b - c < 4)
			c--;
		if (blank_at(s, c, b) == b - c) {
			b = c;
			continue;
		}
		unsigned char x = s[c];
		if (b - c == 1 && x && strchr("|,;*([-~", x)) {
			b = c;
			continue;
		}
		if (b - c > 1 && sep_at(s, c, b) == b - c) {
			b = c;
			continue;
		}
		break;
	}
	*pa = a;
	*pb = b;
	return a < b;
}

size_t chapnotes_parse(const char *text, size_t len, chapter_list *out)
{
	if (!text || !out || len == 0)
		return 0;
	const unsigned char *s = (const unsigned char *)text;
	struct tokvec tv = {NULL, 0, 0};
	tokenize(s, len, &tv);
	size_t m = tv.n;
	if (m < 2) {
		free(tv.v);
		return 0;
	}
	struct node *nd[2];
	nd[0] = xmalloc(m * 2 * sizeof *nd[0]);
	nd[1] = xmalloc(m * 2 * sizeof *nd[1]);
	dp_pass(tv.v, m, NEAR_ZERO, nd[0]);
	dp_pass(tv.v, m, LONG_RUN_START, nd[1]);

	size_t best_len = 0, best_i = 0;
	int best_a = 0, best_pass = 0;
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < m; i++)
			for (int a = 0; a < tv.v[i].nr; a++)
				if (nd[pass][i * 2 + (size_t)a].len > best_len &&
				    qualifies(tv.v, nd[pass], i, a, pass)) {
					best_len = nd[pass][i * 2 + (size_t)a].len;
					best_i = i;
					best_a = a;
					best_pass = pass;
				}
	size_t added = 0;
	if (best_len) {
		size_t *mi = xmalloc(best_len * sizeof *mi);
		int *ma = xmalloc(best_len * sizeof *ma);
		size_t i = best_i, k = best_len;
		int a = best_a;
		while (k > 0) {
			mi[--k] = i;
			ma[k] = a;
			const struct node *e = &nd[best_pass][i * 2 + (size_t)a];
			i = e->pj;
			a = e->pr;
		}
		for (k = 0; k < best_len; k++) {
			const struct tok *t = &tv.v[mi[k]];
			size_t ta = t->end;
			size_t tb = k + 1 < best_len ? tv.v[mi[k + 1]].r[ma[k + 1]].start
			                             : len;
			if (tb > t->eol)
				tb = t->eol;
			chapter c;
			memset(&c, 0, sizeof c);
			c.start = t->r[ma[k]].v;
			c.end = -1;
			c.source = CHAP_SRC_NOTES;
			if (trim_title(s, &ta, &tb))
				c.title = xstrndup(text + ta, tb - ta);
			chapter_list_push(out, c);
			added++;
		}
		free(mi);
		free(ma);
	}
	free(nd[0]);
	free(nd[1]);
	free(tv.v);
	return added;
}
