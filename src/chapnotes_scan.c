/*
 * chapnotes_scan.c - timestamp candidates in show-note text (see
 * chapnotes_int.h; the model as a whole is described in chapnotes.c).
 *
 * One pass over the text finds M:SS, MM:SS, MMM:SS, H:MM:SS and HH:MM:SS
 * (seconds, and the minutes of H:MM:SS, exactly two digits <= 59; minutes
 * of M:SS may exceed 59: "74:05"), with an optional fraction (".5",
 * ".250"), and the decorations people put around them: "(...)", "[...]",
 * "[@...]", "(ca. ...)", a range's end ("00:00 - 5:10"). It rejects what a
 * reader would not take for a position in the episode:
 *   - digit groups that go on ("12:34:56:78", "12:345"); ratios and
 *     scores ("16:9", "(1:3)") never match, their second group has one
 *     digit;
 *   - times inside URLs (after "://" up to the next blank, quote or
 *     non-ASCII byte) unless glued straight onto letters, which is how a
 *     list looks when the URL before it lost its line break;
 *   - times right after '/', '=', '#', '%', '+', '@' ("?t=12:30", "+2:05")
 *     or after "3." / "3," (decimal numbers);
 *   - clock times: "2025-05-14 10:00", "14/05/2025 10:00", "10:00 am",
 *     "3:30pm EST", "20:15 Uhr", "18:00 CET".
 * Then it decides where the candidate's title would be:
 *   - LEAD, after the time on its line. The time leads its line (only
 *     blanks, bullets, an emoji, a list index "3." or a short label
 *     "Chapters:" before it), or is bracketed, or is followed by a
 *     separator (" - ", " – ", ": ", " | ", "•"): "Intro01:27 - Lev's
 *     journey" is a glued list. Otherwise it is *weak*: between blanks
 *     inside a line and followed by a word ("we start at 19:00 sharp", or
 *     a flattened one-line list "... 00:00 Opening 01:45 Boxes"), and
 *     only a run that looks like a list may use it.
 *   - TRAIL, before the time: the time is the first on its line, ends the
 *     line (or a bracketed time is followed by a separator and a
 *     description: "Topic (ca. 02:30): more words"), and words that are
 *     not a label come before it ("Welcome: 00:00:00", "Housekeeping
 *     [0:04:10]", "Listener mail - 1:13", a table row "Intro | 00:00").
 *   - ALONE, the time by itself on its line: the title is the next
 *     non-blank line, when that line has words and does not start with a
 *     time ("00:00\nIntro", "• 00:00\n• Intro").
 * A title may begin with any punctuation but "/,;)]}%+" ("...and then",
 * "«Zitat»", "›Wort‹", quotes, emoji).
 *
 * Glued digits. The leading field is one or two digits. When more digits
 * come before the first colon ("in 202016:00"), or two digits glued to a
 * letter that do not start with 0 ("Web34:00"), the candidate gets two
 * readings: the last two digits lead (the rest stays at the end of the
 * previous title), or only the last digit does; +2 when the digits left to
 * the previous title are a year (19xx/20xx). Three digits standing alone
 * ("104:05") are minutes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chapnotes_int.h"
#include "util.h"

#define MAX_GAP 4096         /* bytes from an ALONE time to its title */
#define LEAD_PREFIX_MAX 64   /* bytes before a line-leading timestamp */
#define TRAIL_PREFIX_MAX 240 /* bytes of title before a TRAIL timestamp */

struct line {
	size_t start;  /* first byte of the line */
	int has_tok;   /* a candidate was already found on it */
	int in_url;
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

/* "»" and "›" separate ("00:00 » Intro") unless they touch a word, when
 * they are the title's own quotes ("»Zitat«", "›Wort‹"). */
static int quote_glyph(const unsigned char *s, size_t i, size_t len)
{
	return (s[i] == 0xC2 && i + 1 < len && s[i + 1] == 0xBB) ||
	       (s[i] == 0xE2 && i + 2 < len && s[i + 1] == 0x80 &&
	        s[i + 2] == 0xBA);
}

/* Separator length at i, 0 for a quote glyph that opens a word. */
static size_t lead_sep_at(const unsigned char *s, size_t i, size_t len)
{
	size_t k = sep_at(s, i, len);
	if (k && quote_glyph(s, i, len) && i + k < len &&
	    !blank_at(s, i + k, len) && s[i + k] != '\n' && !sep_at(s, i + k, len))
		return 0;
	return k;
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

/* Words that introduce a chapter list rather than name a chapter. */
static int is_label(const unsigned char *s, size_t a, size_t b)
{
	static const char *const words[] = {
		"chapter", "timestamp", "time stamp", "timecode", "time code",
		"agenda", "outline", "contents", "kapitel", "zeitmarke",
		"inhalt", "themen", "sprungmarke", "\xE7\x9B\xAE\xE6\xAC\xA1",
		"\xE3\x83\x81\xE3\x83\xA3\xE3\x83\x97\xE3\x82\xBF\xE3\x83\xBC",
		("\xE3\x82\xBF\xE3\x82\xA4\xE3\x83\xA0\xE3\x82\xB9\xE3\x82\xBF"
		 "\xE3\x83\xB3\xE3\x83\x97"),
	};
	if (b - a > 40)
		return 0;
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (ci_contains(s, a, b, words[i]))
			return 1;
	return 0;
}

void chapnotes_skip_index(const unsigned char *s, size_t *pa, size_t b)
{
	size_t i = *pa;
	while (i < b && is_digit(s[i]))
		i++;
	if (i > *pa && i - *pa <= 3 && i + 1 < b && (s[i] == '.' || s[i] == ')') &&
	    (s[i + 1] == ' ' || s[i + 1] == '\t'))
		*pa = i + 2;
}

/* Strips blanks and bullets from the left of [*a, b). */
static void skip_bullets(const unsigned char *s, size_t *pa, size_t b)
{
	size_t a = *pa;
	for (;;) {
		size_t k = a < b ? blank_at(s, a, b) : 0;
		if (!k && a < b)
			k = lead_sep_at(s, a, b);
		if (!k)
			break;
		a += k;
	}
	*pa = a;
}

/* Is [a, b) (the text before the first timestamp on a line) short enough
 * and plain enough for that timestamp to lead the line? */
static int lead_prefix(const unsigned char *s, size_t a, size_t b)
{
	if (b - a > LEAD_PREFIX_MAX)
		return 0;
	int colon = 0;
	skip_bullets(s, &a, b);
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
	return colon || is_label(s, a, b);
}

/* Title words before a time at b0 on a line starting at a: 1 when the text
 * there, without bullets and a list index, is a title and not a label. */
static int title_before(const unsigned char *s, size_t a, size_t b0)
{
	if (b0 - a > TRAIL_PREFIX_MAX)
		return 0;
	skip_bullets(s, &a, b0);
	chapnotes_skip_index(s, &a, b0);
	size_t b = b0;
	if (!chapnotes_trim(s, &a, &b))
		return 0;
	int words = 0;
	for (size_t i = a; i < b; i += u8len(s, i, b))
		if (title_char_at(s, i, b) && !is_digit(s[i]))
			words = 1;
	return words && !is_label(s, a, b);
}

/* 1 when a separator (or a tab, a table cell's edge) ends [a, b0) after
 * its last word: "Welcome: |00:00", "Listener mail - |1:13". */
static int sep_before(const unsigned char *s, size_t a, size_t b0)
{
	size_t b = b0;
	int blank = 0;
	while (b > a) {
		size_t c = b - 1;
		while (c > a && (s[c] & 0xC0) == 0x80 && b - c < 4)
			c--;
		size_t k = blank_at(s, c, b);
		if (k == b - c) {
			if (s[c] == '\t')
				return 1;
			blank = 1;
			b = c;
			continue;
		}
		return sep_at(s, c, b) == b - c && (blank || s[c] == ':');
	}
	return 0;
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

/* A word right after a time that makes it a time of day: "10:00 am",
 * "3:30pm", "20:15 Uhr", "20:15h", "18:00 CET". Zones are matched as
 * written (upper case), so a title such as "Ist das so?" stays a title. */
static int is_clock_suffix(const unsigned char *s, size_t len, size_t k)
{
	static const char *const words[] = {
		"Uhr", "UTC", "GMT", "CET", "CEST", "MEZ", "MESZ", "EST", "EDT",
		"CST", "CDT", "MST", "MDT", "PST", "PDT", "BST", "JST", "KST",
		"AEST", "IST", "ET", "PT", "CT", "o'clock", "hrs",
	};
	if (k < len && s[k] == 'h' && (k + 1 >= len || !is_alpha(s[k + 1])))
		return 1; /* "20:15h" */
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
	for (size_t z = 0; z < sizeof words / sizeof words[0]; z++) {
		size_t n = strlen(words[z]);
		if (k + n <= len && memcmp(s + k, words[z], n) == 0 &&
		    (k + n == len || !is_alpha(s[k + n])))
			return 1;
	}
	/* 時 (o'clock in Japanese and Chinese) */
	return k + 2 < len && s[k] == 0xE6 && s[k + 1] == 0x99 && s[k + 2] == 0x82;
}

static unsigned digits_val(const unsigned char *s, size_t a, size_t b)
{
	unsigned v = 0;
	for (size_t i = a; i < b && i - a < 9; i++)
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

/* A time's shape at k ("5:10", "01:05:10.5"): returns its end, or k. */
static size_t time_shape(const unsigned char *s, size_t len, size_t k)
{
	size_t i = k;
	while (i < len && is_digit(s[i]) && i - k < 3)
		i++;
	if (i == k || i >= len || s[i] != ':' || !two_digits(s, len, i + 1))
		return k;
	i += 3;
	if (i < len && s[i] == ':' && two_digits(s, len, i + 1))
		i += 3;
	if (i + 1 < len && s[i] == '.' && is_digit(s[i + 1]))
		for (i++; i < len && is_digit(s[i]);)
			i++;
	return i;
}

/* Skips blanks and separators from k on one line; *sep is set when a
 * separator glyph was among them. */
static size_t skip_seps(const unsigned char *s, size_t len, size_t k, int *sep)
{
	while (k < len && s[k] != '\n') {
		size_t m = blank_at(s, k, len);
		if (!m) {
			m = lead_sep_at(s, k, len);
			if (!m)
				break;
			*sep = 1;
		}
		k += m;
	}
	return k;
}

/* The next non-blank line after eol, as the title of an ALONE time: 1 and
 * [*ta, *tb) when it has words and does not itself start with a time. */
static int next_line_title(const unsigned char *s, size_t len, size_t eol,
                           size_t *ta, size_t *tb)
{
	size_t k = eol;
	while (k < len && k - eol <= MAX_GAP) {
		if (s[k] == '\n') {
			k++;
			continue;
		}
		size_t a = k;
		skip_bullets(s, &a, len);
		size_t e = a;
		while (e < len && s[e] != '\n')
			e++;
		if (a == e) { /* a blank or bullet-only line */
			k = e;
			continue;
		}
		if (time_shape(s, len, a) != a ||
		    ((s[a] == '(' || s[a] == '[') && a + 1 < len &&
		     time_shape(s, len, a + 1) != a + 1))
			return 0;
		*ta = a;
		*tb = e;
		size_t x = a, y = e;
		return chapnotes_trim(s, &x, &y);
	}
	return 0;
}

/* The time's value and shape, parsed from the digits [p, q) and ':' at q.
 * Returns its end (> q), or 0 when it is no time; *skip says where a
 * rejected group ends. */
struct tparse {
	unsigned g2, g3;
	int hms;
	double frac;
	int has_frac;
};

static size_t parse_time(const unsigned char *s, size_t len, size_t q,
                         struct tparse *t, size_t *skip)
{
	memset(t, 0, sizeof *t);
	*skip = q;
	if (!two_digits(s, len, q + 1))
		return 0;
	t->g2 = digits_val(s, q + 1, q + 3);
	size_t r = q + 3;
	if (r + 1 < len && s[r] == ':' && is_digit(s[r + 1])) {
		if (!two_digits(s, len, r + 1)) {
			*skip = skip_group(s, len, r);
			return 0;
		}
		t->g3 = digits_val(s, r + 1, r + 3);
		r += 3;
		t->hms = 1;
		if (r + 1 < len && s[r] == ':' && is_digit(s[r + 1])) {
			*skip = skip_group(s, len, r);
			return 0;
		}
	}
	if (r + 1 < len && s[r] == '.' && is_digit(s[r + 1])) {
		double scale = 0.1;
		t->has_frac = 1;
		r++;
		while (r < len && is_digit(s[r])) {
			t->frac += scale * (s[r] - '0');
			scale /= 10;
			r++;
		}
	}
	*skip = r;
	if (t->g2 > 59 || (t->hms && t->g3 > 59))
		return 0;
	return r;
}

/* Opening decoration before the digits at p: "(", "[", "[@", "(ca. ".
 * Returns its first byte (p when none) and the closing bracket wanted. */
static size_t decoration(const unsigned char *s, size_t p, unsigned char *want)
{
	*want = 0;
	size_t o = p;
	if (p > 0 && (s[p - 1] == '(' || s[p - 1] == '['))
		o = p - 1;
	else if (p > 1 && s[p - 1] == '@' && s[p - 2] == '[')
		o = p - 2;
	else if (p > 4 && s[p - 1] == ' ' && s[p - 2] == '.' && s[p - 3] == 'a' &&
	         (s[p - 4] == 'c' || s[p - 4] == 'C') &&
	         (s[p - 5] == '(' || s[p - 5] == '['))
		o = p - 5;
	if (o < p)
		*want = s[o] == '(' ? ')' : ']';
	return o;
}

static int title_start_ok(const unsigned char *s, size_t len, size_t k)
{
	if (title_char_at(s, k, len) || s[k] >= 0x80)
		return 1;
	return !strchr("/,;)]}%+", s[k]);
}

/* Fills t's readings for the digits [p, q) (value rest and multiplier mul
 * for the leading field); returns 0 when the digits cannot lead. */
static int readings(const unsigned char *s, size_t p, size_t q, size_t b0,
                    int bracketed, double mul, double rest, struct tok *t)
{
	size_t n = q - p;
	unsigned char pc = p > 0 ? s[p - 1] : '\n';
	/* Two readings when the digits may continue the previous title:
	 * always with three or more digits glued to text, and for two digits
	 * glued to a word when the first is not 0 ("Web31:38" may be "Web3"
	 * + "1:38"; "Intro01:27" is "Intro" + "01:27"). */
	int glued = n > 2 || (n == 2 && is_alpha(pc) && s[p] != '0');
	if (n == 3 && (pc == ' ' || pc == '\t' || pc == '\n' || pc == '(' ||
	               pc == '[')) {
		/* "104:05" standing alone: minutes past 99, else "1" + "04:05" */
		t->nr = 2;
		t->r[0].v = digits_val(s, p, q) * mul + rest;
		t->r[0].start = b0;
		t->r[0].score = 1;
		t->r[1].v = digits_val(s, p + 1, q) * mul + rest;
		t->r[1].start = p + 1;
		t->r[1].score = 0;
		return 1;
	}
	if (bracketed || n == 1 || !glued) {
		if (n > 2)
			return 0;
		t->nr = 1;
		t->r[0].v = digits_val(s, p, q) * mul + rest;
		t->r[0].start = b0;
		t->r[0].score = 1;
		return 1;
	}
	t->nr = 2; /* reading 0: the last two digits lead; 1: the last one */
	for (int i = 0; i < 2; i++) {
		size_t st = q - 2 + (size_t)i;
		t->r[i].v = digits_val(s, st, q) * mul + rest;
		t->r[i].start = st;
		t->r[i].score = i == 0;
		if (st - p == 4) {
			unsigned y = digits_val(s, p, st);
			if (y >= 1900 && y <= 2099)
				t->r[i].score += 2;
		}
	}
	return 1;
}

/* The digit run [p, q) is followed by ':' at q. Parses the timestamp there,
 * pushes a candidate when it qualifies, and returns where scanning goes on
 * (always > p). */
static size_t parse_at(const unsigned char *s, size_t len, size_t p, size_t q,
                       const struct line *ln, struct tokvec *tv)
{
	struct tparse tp;
	size_t skip;
	size_t r = parse_time(s, len, q, &tp, &skip);
	if (!r)
		return skip > q ? skip : q;

	unsigned char want;
	size_t o = decoration(s, p, &want);
	int bracketed = want && q - p <= 2 && r < len && s[r] == want;
	size_t b0 = bracketed ? o : p;
	size_t end = bracketed ? r + 1 : r;
	unsigned char pc = b0 > 0 ? s[b0 - 1] : '\n';

	if (pc && strchr("/=#%+@", pc))
		return r;
	if ((pc == '.' || pc == ',') && b0 >= 2 && is_digit(s[b0 - 2]))
		return r;
	if (ln->in_url && !is_alpha(pc))
		return r;
	if (is_date_before(s, b0) || is_clock_suffix(s, len, end))
		return r;

	struct tok t;
	memset(&t, 0, sizeof t);
	t.sol = ln->start;
	t.hms = tp.hms;
	t.frac = tp.has_frac;
	/* Separators, a range's end ("00:00 - 5:10"), then the title. */
	int has_sep = 0, range_sep = 0;
	size_t k = skip_seps(s, len, end, &has_sep);
	size_t re = has_sep ? time_shape(s, len, k) : k;
	size_t ret = r;
	if (re > k && (re >= len || !is_digit(s[re]))) {
		if (bracketed && re < len && s[re] == want)
			re++;
		end = ret = re;
		k = skip_seps(s, len, re, &range_sep);
	}
	int nothing = k >= len || s[k] == '\n';
	if (!nothing && !title_start_ok(s, len, k))
		return ret; /* "00:00 / 00:00", "12:30, then" */

	double rest = tp.hms ? tp.g2 * 60.0 + tp.g3 + tp.frac : tp.g2 + tp.frac;
	double mul = tp.hms ? 3600.0 : 60.0;
	if (!readings(s, p, q, b0, bracketed, mul, rest, &t))
		return ret;
	t.end = end;
	t.lead = !ln->has_tok && lead_prefix(s, ln->start, b0);
	/* Words before the time, only looked for where they could be the
	 * title (a bracketed time with a description, or nothing after). */
	int may_trail = !ln->has_tok && t.nr == 1 && (nothing || (bracketed && has_sep));
	int before = may_trail && title_before(s, ln->start, b0);
	int sepb = before && (bracketed || sep_before(s, ln->start, b0));

	if (!nothing) {
		t.ftc = k;
		/* Inside a line with no separator: a one-line list flattened
		 * by a host ("... 00:00 Opening 01:45 Boxes ..."), or prose;
		 * the run decides (see chapnotes.c). */
		t.weak = !t.lead && !bracketed && !has_sep;
		if (t.weak && !(blank_at(s, b0 - (b0 > 0), len) && end < len &&
		                blank_at(s, end, len) && title_char_at(s, k, len)))
			return ret;
		t.r[0].kind = t.r[1].kind = TK_LEAD;
		if (before && bracketed && has_sep) {
			/* "Topic (ca. 02:30): more words": the topic is
			 * the title; the words after are its description. */
			t.r[0].score = 0;
			t.r[1] = t.r[0];
			t.r[1].kind = TK_TRAIL;
			t.r[1].score = 1;
			t.nr = 2;
			t.ta = ln->start;
			t.tb = b0;
		}
	} else if (before && (sepb || pc == ' ')) {
		t.r[0].kind = TK_TRAIL;
		t.ta = ln->start;
		t.tb = b0;
	} else if (t.lead && t.nr == 1 &&
	           next_line_title(s, len, k, &t.ta, &t.tb)) {
		t.r[0].kind = TK_ALONE;
		t.ftc = t.ta;
	} else {
		return ret;
	}
	tok_push(tv, &t);
	return ret;
}

void chapnotes_scan(const unsigned char *s, size_t len, struct tokvec *tv)
{
	struct line ln = {0, 0, 0};
	size_t i = 0, ntok_line = tv->n;
	while (i < len) {
		unsigned char c = s[i];
		if (c == '\n') {
			ln.start = i + 1;
			ntok_line = tv->n;
			ln.in_url = 0;
			i++;
			continue;
		}
		if (c <= ' ' || c >= 0x80 || c == '"' || c == '<' || c == '>')
			ln.in_url = 0;
		else if (c == ':' && i + 2 < len && s[i + 1] == '/' &&
		         s[i + 2] == '/')
			ln.in_url = 1;
		if (!is_digit(c)) {
			i++;
			continue;
		}
		size_t q = i;
		while (q < len && is_digit(s[q]))
			q++;
		if (q < len && s[q] == ':') {
			ln.has_tok = tv->n != ntok_line;
			i = parse_at(s, len, i, q, &ln, tv);
			if (i <= q)
				i = q;
		} else {
			i = q;
		}
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

int chapnotes_trim(const unsigned char *s, size_t *pa, size_t *pb)
{
	size_t a = *pa, b = *pb;
	while (a < b) {
		size_t k = blank_at(s, a, b);
		if (!k)
			k = lead_sep_at(s, a, b);
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
		if (b - c == 1 && x && strchr("|,;:*([-~", x)) {
			b = c;
			continue;
		}
		if (b - c > 1 && sep_at(s, c, b) == b - c &&
		    !(quote_glyph(s, c, b) && c > a && !blank_at(s, c - 1, b))) {
			b = c;
			continue;
		}
		break;
	}
	*pa = a;
	*pb = b;
	return a < b;
}
