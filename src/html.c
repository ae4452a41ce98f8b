/*
 * html.c - show notes to plain text (see html.h).
 *
 * HTML goes through libxml2's recovering HTML parser; the tree is then
 * walked iteratively (first child / next sibling / parent), so nesting
 * depth costs no stack. Rendering keeps a little state: a pending
 * collapsed space, a pending number of line breaks, and whether we are at
 * the beginning of a line.
 */
#include "html.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "text.h"
#include "util.h"

/* ---- link numbering: array + open-addressing hash of indices -------- */

struct linkset {
	char **v;
	size_t n, cap;
	size_t *slot; /* 0 empty, else index + 1 */
	size_t nslot; /* power of two */
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static void link_rehash(struct linkset *ls)
{
	size_t ns = ls->nslot ? ls->nslot * 2 : 64;
	free(ls->slot);
	ls->slot = xcalloc(ns, sizeof *ls->slot);
	ls->nslot = ns;
	for (size_t i = 0; i < ls->n; i++) {
		size_t h = (size_t)hash_str(ls->v[i]) & (ns - 1);
		while (ls->slot[h])
			h = (h + 1) & (ns - 1);
		ls->slot[h] = i + 1;
	}
}

/* Number (1-based) of url, added when new. url is copied. */
static size_t link_add(struct linkset *ls, const char *url)
{
	size_t h;

	if ((ls->n + 1) * 2 > ls->nslot)
		link_rehash(ls);
	h = (size_t)hash_str(url) & (ls->nslot - 1);
	for (; ls->slot[h]; h = (h + 1) & (ls->nslot - 1))
		if (strcmp(ls->v[ls->slot[h] - 1], url) == 0)
			return ls->slot[h];
	if (ls->n == ls->cap) {
		ls->cap = ls->cap ? ls->cap * 2 : 8;
		ls->v = xrealloc(ls->v, ls->cap * sizeof *ls->v);
	}
	ls->v[ls->n++] = xstrdup(url);
	ls->slot[h] = ls->n;
	return ls->n;
}

static void link_finish(struct linkset *ls, html_text *out)
{
	free(ls->slot);
	out->links = ls->v;
	out->nlinks = ls->n;
}

/* ---- plain text ------------------------------------------------------- */

static int has_markup(const char *s, size_t n)
{
	const char *p = s, *end = s + n;

	while ((p = memchr(p, '<', (size_t)(end - p))) && p + 1 < end) {
		unsigned char c = (unsigned char)p[1];
		if (isalpha(c) || c == '/' || c == '!')
			return 1;
		p++;
	}
	return 0;
}

static void put_utf8(sbuf *b, unsigned long cp)
{
	char u[4];
	if (cp < 0x80) {
		sb_putc(b, (char)cp);
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		sb_append(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		sb_append(b, u, 3);
	} else {
		u[0] = (char)(0xF0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		sb_append(b, u, 4);
	}
}

/* Numeric character reference body "#123" / "#x1F" (between '&' and ';'). */
static unsigned long numeric_ref(const char *p, size_t n)
{
	unsigned long v = 0;
	int hex = n > 1 && (p[1] == 'x' || p[1] == 'X');
	size_t i = hex ? 2 : 1;

	if (i >= n || n - i > 7)
		return 0;
	for (; i < n; i++) {
		int c = (unsigned char)p[i], d;
		if (isdigit(c))
			d = c - '0';
		else if (hex && isxdigit(c))
			d = tolower(c) - 'a' + 10;
		else
			return 0;
		v = v * (hex ? 16 : 10) + (unsigned long)d;
	}
	if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	return v;
}

/* Decodes the entity at p ('&'); returns bytes consumed or 0 if none. */
static size_t decode_entity(sbuf *b, const char *p, const char *end)
{
	static const struct {
		const char *name;
		unsigned long cp;
	} named[] = {{"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'},
		     {"apos", '\''}, {"nbsp", 0xA0}};
	const char *semi = memchr(p, ';', (size_t)(end - p) < 12 ? (size_t)(end - p) : 12);
	size_t n;

	if (!semi)
		return 0;
	n = (size_t)(semi - p) - 1; /* body length */
	if (n > 0 && p[1] == '#') {
		unsigned long cp = numeric_ref(p + 1, n);
		if (cp == 0)
			return 0;
		put_utf8(b, cp);
		return n + 2;
	}
	for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
		if (strlen(named[i].name) == n && memcmp(p + 1, named[i].name, n) == 0) {
			put_utf8(b, named[i].cp);
			return n + 2;
		}
	}
	return 0;
}

static int url_stop(unsigned char c)
{
	return c <= 0x20 || c == '<' || c == '>' || c == '"' || c == 0x7F;
}

/* Length of u[0..n) without trailing punctuation and unbalanced ')'.
 * Parentheses are counted once, so a URL followed by a long run of ')' or
 * dots stays linear. */
static size_t url_trim_end(const char *u, size_t n)
{
	size_t open = 0, close = 0;
	for (size_t i = 0; i < n; i++) {
		open += u[i] == '(';
		close += u[i] == ')';
	}
	while (n > 0) {
		char c = u[n - 1];
		if (c && strchr(".,;:!?'\"", c)) {
			n--;
		} else if (c == ')' && close > open) {
			close--;
			n--;
		} else {
			break;
		}
	}
	return n;
}

static void collect_urls(struct linkset *ls, const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		const char *p = s + i;
		size_t skip = str_prefix(p, "http://", 1) ? 7 : str_prefix(p, "https://", 1) ? 8 : 0;
		if (!skip) {
			i++;
			continue;
		}
		size_t j = i + skip;
		while (j < len && !url_stop((unsigned char)s[j]))
			j++;
		size_t n = url_trim_end(p, j - i);
		if (n > skip) {
			char *u = xstrndup(p, n);
			link_add(ls, u);
			free(u);
		}
		i = j;
	}
}

/* Drops leading blank lines and trailing whitespace of the whole text. */
static char *trim_blank_edges(char *s)
{
	size_t start = 0, i = 0, n = strlen(s);

	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n')) {
		if (s[i] == '\n')
			start = i + 1;
		i++;
	}
	if (i == n)
		start = n;
	while (n > start && strchr(" \t\n", s[n - 1]))
		n--;
	memmove(s, s + start, n - start);
	s[n - start] = 0;
	return s;
}

static void plain_to_text(const char *s, size_t len, html_text *out)
{
	sbuf b = SBUF_INIT;
	struct linkset ls = {0};
	const char *end = s + len;

	for (const char *p = s; p < end; p++) {
		size_t k;
		if (*p == '\r') {
			sb_putc(&b, '\n');
			if (p + 1 < end && p[1] == '\n')
				p++;
		} else if (*p == '&' && (k = decode_entity(&b, p, end)) > 0) {
			p += k - 1;
		} else {
			sb_putc(&b, *p);
		}
	}
	out->text = trim_blank_edges(sb_steal(&b));
	collect_urls(&ls, out->text, strlen(out->text));
	link_finish(&ls, out);
}

/* ---- HTML rendering --------------------------------------------------- */

enum kind {
	K_INLINE,
	K_DROP,  /* content skipped */
	K_PARA,  /* blank line around */
	K_PRE,   /* blank line around, whitespace kept */
	K_BLOCK, /* line break around */
	K_LIST,  /* ul/ol: line break, one nesting level */
	K_LI,
	K_BR,
	K_CELL,
	K_A,
};

struct kind_entry {
	const char *name;
	enum kind kind;
};

static const struct kind_entry kinds[] = { /* sorted by name for bsearch */
	{"a", K_A}, {"address", K_BLOCK}, {"applet", K_DROP}, {"article", K_BLOCK},
	{"aside", K_BLOCK}, {"audio", K_DROP}, {"blockquote", K_PARA}, {"br", K_BR},
	{"canvas", K_DROP}, {"caption", K_BLOCK}, {"center", K_BLOCK}, {"dd", K_BLOCK},
	{"details", K_BLOCK}, {"dialog", K_BLOCK}, {"dir", K_LIST}, {"div", K_BLOCK},
	{"dl", K_PARA}, {"dt", K_BLOCK}, {"fieldset", K_BLOCK}, {"figcaption", K_BLOCK},
	{"figure", K_PARA}, {"footer", K_BLOCK}, {"form", K_BLOCK}, {"h1", K_PARA},
	{"h2", K_PARA}, {"h3", K_PARA}, {"h4", K_PARA}, {"h5", K_PARA}, {"h6", K_PARA},
	{"head", K_DROP}, {"header", K_BLOCK}, {"hr", K_PARA}, {"iframe", K_DROP},
	{"legend", K_BLOCK}, {"li", K_LI}, {"main", K_BLOCK}, {"math", K_DROP},
	{"menu", K_LIST}, {"nav", K_BLOCK}, {"noscript", K_DROP}, {"object", K_DROP},
	{"ol", K_LIST}, {"p", K_PARA}, {"pre", K_PRE}, {"script", K_DROP},
	{"section", K_BLOCK}, {"select", K_DROP}, {"style", K_DROP}, {"summary", K_BLOCK},
	{"svg", K_DROP}, {"table", K_PARA}, {"td", K_CELL}, {"template", K_DROP},
	{"textarea", K_DROP}, {"th", K_CELL}, {"title", K_DROP}, {"tr", K_BLOCK},
	{"ul", K_LIST}, {"video", K_DROP},
};

static int kind_cmp(const void *key, const void *elem)
{
	const char *name = key;
	return strcmp(name, ((const struct kind_entry *)elem)->name);
}

static enum kind classify(const xmlNode *n)
{
	const char *name = (const char *)n->name;
	const struct kind_entry *hit;

	if (!name)
		return K_INLINE;
	hit = bsearch(name, kinds, sizeof kinds / sizeof kinds[0], sizeof kinds[0], kind_cmp);
	return hit ? hit->kind : K_INLINE;
}

struct render {
	int flags;  /* HTML_CHAPTERS, HTML_SRC_LINES */
	int src_breaks; /* a source newline before a digit was collapsed */
	sbuf b;
	int space;  /* a collapsed space is pending */
	int brk;    /* line breaks wanted before the next content (0-2) */
	int bol;    /* at the beginning of a line (or just after a bullet) */
	int bullet; /* nothing but a bullet on the current line yet */
	int pre;    /* depth of <pre> */
	int lists;  /* depth of ul/ol */
	struct linkset links;
};

/* Nested lists indent two spaces per level, up to this many levels (the
 * output stays linear in the input). */
#define MAX_INDENT 8

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static int is_digit_c(char c)
{
	return c >= '0' && c <= '9';
}

static void want_break(struct render *r, int n)
{
	if (r->bullet)
		return; /* "<li><p>x" stays on the bullet's line */
	if (n > r->brk)
		r->brk = n;
	r->space = 0;
}

/* Emits pending breaks or the pending space before new content. */
static void flush(struct render *r)
{
	if (r->brk) {
		if (r->b.len) {
			int have = 0;
			while (have < r->brk && (size_t)have < r->b.len &&
			       r->b.s[r->b.len - 1 - (size_t)have] == '\n')
				have++;
			for (; have < r->brk; have++)
				sb_putc(&r->b, '\n');
		}
		r->brk = 0;
		r->bol = 1;
	} else if (r->space && !r->bol) {
		sb_putc(&r->b, ' ');
	}
	r->space = 0;
}

static void put_raw(struct render *r, const char *s, size_t n)
{
	if (n == 0)
		return;
	flush(r);
	sb_append(&r->b, s, n);
	r->bol = s[n - 1] == '\n';
	r->bullet = 0;
}

static void put_text(struct render *r, const char *s)
{
	if (r->pre) {
		put_raw(r, s, strlen(s));
		return;
	}
	while (*s) {
		const char *q = s;
		if (is_ws(*s)) {
			int nl = 0;
			while (is_ws(*s))
				nl |= *s++ == '\n';
			if (nl && (r->flags & HTML_SRC_LINES))
				want_break(r, 1);
			else if (!r->bol)
				r->space = 1;
			if (nl && (is_digit_c(*s) || *s == '[' || *s == '('))
				r->src_breaks = 1;
			continue;
		}
		while (*q && !is_ws(*q))
			q++;
		put_raw(r, s, (size_t)(q - s));
		s = q;
	}
}

static void put_newline(struct render *r)
{
	flush(r);
	sb_putc(&r->b, '\n');
	r->bol = 1;
	r->bullet = 0;
}

static void put_bullet(struct render *r)
{
	want_break(r, 1);
	flush(r);
	for (int i = 1; i < r->lists && i <= MAX_INDENT; i++)
		sb_puts(&r->b, "  ");
	sb_puts(&r->b, "\xE2\x80\xA2 ");
	r->bol = 1;
	r->bullet = 1;
}

static int href_usable(const char *h)
{
	return *h && *h != '#' && !str_prefix(h, "javascript:", 1) && !str_prefix(h, "data:", 1);
}

static void put_link(struct render *r, xmlNode *n)
{
	xmlChar *raw = xmlGetProp(n, (const xmlChar *)"href");
	char *h = raw ? str_trim_dup((const char *)raw) : NULL;

	if (h && href_usable(h) && !(r->flags & HTML_CHAPTERS)) {
		char num[32];
		snprintf(num, sizeof num, " [%zu]", link_add(&r->links, h));
		put_text(r, num);
	}
	free(h);
	xmlFree(raw);
}

/* A footnote or reference marker: <sup> or <a> whose whole text is a small
 * number, bracketed or not ("1", "[12]"). The chapter view drops it, as a
 * listener skips it in a title; "14:20" and words are never markers. */
static int ref_marker(xmlNode *n)
{
	const char *name = (const char *)n->name;
	if (!name || (strcmp(name, "sup") != 0 && strcmp(name, "a") != 0))
		return 0;
	/* Only a short subtree is read: a marker is a few characters. */
	xmlNode *c = n->children;
	while (c && c->type == XML_ELEMENT_NODE && c->children == c->last)
		c = c->children;
	if (!c || c->type != XML_TEXT_NODE || c->next || !c->content)
		return 0;
	const char *t = (const char *)c->content;
	size_t len = strlen(t), a = 0, digits = 0;
	while (a < len && is_ws(t[a]))
		a++;
	while (len > a && is_ws(t[len - 1]))
		len--;
	if (len - a >= 2 && t[a] == '[' && t[len - 1] == ']') {
		a++;
		len--;
	}
	int bracketed = a > 0 && t[a - 1] == '[';
	for (size_t i = a; i < len; i++) {
		if (t[i] < '0' || t[i] > '9')
			return 0;
		digits++;
	}
	if (digits < 1 || digits > 3)
		return 0;
	if (name[0] == 's' || bracketed)
		return 1;
	/* a bare number in a link is a marker only when it points inside
	 * the page ("#fn3"), not at a time ("#t=") or another page */
	xmlChar *href = xmlGetProp(n, (const xmlChar *)"href");
	int inside = href && href[0] == '#' && href[1] != 't';
	xmlFree(href);
	return inside;
}

/* Start of node n; returns 1 when its children are to be visited. */
static int enter(struct render *r, xmlNode *n)
{
	if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
		if (n->content)
			put_text(r, (const char *)n->content);
		return 0;
	}
	if (n->type != XML_ELEMENT_NODE)
		return 0;
	if ((r->flags & HTML_CHAPTERS) && ref_marker(n))
		return 0;
	switch (classify(n)) {
	case K_DROP:
		return 0;
	case K_PRE:
		r->pre++;
		/* fall through */
	case K_PARA:
		want_break(r, 2);
		break;
	case K_LIST:
		r->lists++;
		/* fall through */
	case K_BLOCK:
		want_break(r, 1);
		break;
	case K_LI:
		put_bullet(r);
		break;
	case K_BR:
		put_newline(r);
		break;
	case K_CELL:
		/* The chapter view keeps a visible cell boundary: a row "title |
		 * time" is a title before its time, not one run of words. */
		if (!r->bol && (r->flags & HTML_CHAPTERS))
			put_raw(r, " |", 2);
		if (!r->bol)
			r->space = 1;
		break;
	case K_A:
	case K_INLINE:
		break;
	}
	return 1;
}

static void leave(struct render *r, xmlNode *n)
{
	if (n->type != XML_ELEMENT_NODE)
		return;
	switch (classify(n)) {
	case K_PRE:
		r->pre--;
		/* fall through */
	case K_PARA:
		want_break(r, 2);
		break;
	case K_LIST:
		r->lists--;
		/* fall through */
	case K_BLOCK:
	case K_LI:
		want_break(r, 1);
		break;
	case K_A:
		put_link(r, n);
		break;
	default:
		break;
	}
}

/* Pre-order walk without recursion. */
static void walk(struct render *r, xmlNode *n)
{
	while (n) {
		if (enter(r, n) && n->children) {
			n = n->children;
			continue;
		}
		leave(r, n);
		while (!n->next) {
			n = n->parent;
			if (!n || n->type != XML_ELEMENT_NODE)
				return;
			leave(r, n);
		}
		n = n->next;
	}
}

/* Per line: trailing spaces/U+00A0 removed; blank runs collapsed to one
 * blank line; no leading or trailing blank lines. */
static char *tidy_lines(const char *s)
{
	sbuf b = SBUF_INIT;
	int blank = 0;

	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		for (;;) {
			if (n >= 1 && s[n - 1] == ' ')
				n--;
			else if (n >= 2 && s[n - 2] == '\xC2' && s[n - 1] == '\xA0')
				n -= 2;
			else
				break;
		}
		if (n == 0) {
			blank = b.len > 0;
		} else {
			if (b.len)
				sb_puts(&b, blank ? "\n\n" : "\n");
			sb_append(&b, s, n);
			blank = 0;
		}
		s = nl ? nl + 1 : s + strlen(s);
	}
	return sb_steal(&b);
}

static void silent_error(void *ctx, xmlErrorPtr err)
{
	(void)ctx;
	(void)err;
}

/* Show notes are sometimes CDATA-wrapped twice; browsers would show the
 * markers as junk. Drop "<![CDATA[" and each "]]>" closing one, in place;
 * returns the new length. */
static size_t strip_cdata_markers(char *s, size_t len)
{
	static const char open[] = "<![CDATA[";
	size_t i = 0, o = 0, depth = 0;

	while (i < len) {
		if (s[i] == '<' && len - i >= 9 && memcmp(s + i, open, 9) == 0) {
			depth++;
			i += 9;
		} else if (depth && s[i] == ']' && len - i >= 3 && memcmp(s + i, "]]>", 3) == 0) {
			depth--;
			i += 3;
		} else {
			s[o++] = s[i++];
		}
	}
	s[o] = 0;
	return o;
}

/* The tree of markup s (CDATA markers dropped in place first); NULL when
 * libxml2 cannot allocate a parser. A document it cannot make sense of is
 * an empty tree, not an error. */
static xmlDocPtr markup_parse(char *s, size_t len, int *fail)
{
	int opts = HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR |
		   HTML_PARSE_NOWARNING | HTML_PARSE_IGNORE_ENC | XML_PARSE_HUGE;
	len = strip_cdata_markers(s, len);
	htmlParserCtxtPtr ctxt = htmlNewParserCtxt();
	if (!ctxt) {
		*fail = 1;
		return NULL;
	}
	ctxt->sax->serror = silent_error;
	xmlDocPtr doc = htmlCtxtReadMemory(ctxt, s, (int)len, NULL, "UTF-8", opts);
	htmlFreeParserCtxt(ctxt);
	return doc;
}

static void markup_to_text(const xmlDoc *doc, int flags, html_text *out)
{
	struct render r = {flags, 0, SBUF_INIT, 0, 0, 1, 0, 0, 0, {0}};
	if (doc)
		walk(&r, doc->children);
	out->text = tidy_lines(r.b.s ? r.b.s : "");
	out->src_breaks = r.src_breaks;
	sb_free(&r.b);
	link_finish(&r.links, out);
}

/* Longest markdown link text or URL looked at: keeps the pass linear. */
#define MD_SPAN_MAX 512

/* End of a "[text](url)" starting at s[i] == '[' on one line: the index
 * just past ')', with the text's end in *te; 0 when there is none. */
static size_t md_link_at(const char *s, size_t i, size_t n, size_t *te)
{
	size_t k = i + 1;
	while (k < n && k - i < MD_SPAN_MAX && s[k] != ']' && s[k] != '[' &&
	       s[k] != '\n')
		k++;
	if (k + 1 >= n || s[k] != ']' || s[k + 1] != '(')
		return 0;
	*te = k;
	k += 2;
	size_t u = k;
	while (k < n && k - u < MD_SPAN_MAX && s[k] != ')' && !is_ws(s[k]))
		k++;
	return k < n && s[k] == ')' && k > u ? k + 1 : 0;
}

/* The chapter view reads markdown that was never rendered the way a reader
 * does: "[words](url)" is its words and "**" is emphasis, not text. In
 * place; the text only shrinks. */
static void markdown_strip(char *s)
{
	size_t n = strlen(s), o = 0, i = 0, te;
	while (i < n) {
		size_t e;
		if (s[i] == '[' && (e = md_link_at(s, i, n, &te)) > 0) {
			memmove(s + o, s + i + 1, te - i - 1);
			o += te - i - 1;
			i = e;
		} else if (s[i] == '*' && i + 1 < n && s[i + 1] == '*') {
			i += 2;
		} else {
			s[o++] = s[i++];
		}
	}
	s[o] = 0;
}

struct html_doc {
	char *fixed;  /* the input, valid UTF-8 (plain text is rendered from it) */
	size_t flen;
	int markup;   /* HTML: rendered from doc */
	xmlDocPtr doc;
	int fail;     /* too large, or no parser: every view is "" and -1 */
};

html_doc *html_parse(const char *in, size_t len)
{
	html_doc *d = xcalloc(1, sizeof *d);
	if (in && len == (size_t)-1)
		len = strlen(in);
	if (in && len > INT_MAX) {
		d->fail = 1;
		return d;
	}
	d->fixed = text_utf8_fix(in, in ? len : 0, &d->flen);
	d->markup = has_markup(d->fixed, d->flen);
	if (d->markup) {
		d->doc = markup_parse(d->fixed, d->flen, &d->fail);
		free(d->fixed); /* the tree holds the text now */
		d->fixed = NULL;
		d->flen = 0;
	}
	return d;
}

int html_doc_render(const html_doc *d, int flags, html_text *out)
{
	memset(out, 0, sizeof *out);
	if (d->fail) {
		out->text = xstrdup("");
		return -1;
	}
	if (d->markup)
		markup_to_text(d->doc, flags, out);
	else
		plain_to_text(d->fixed, d->flen, out);
	if (flags & HTML_CHAPTERS)
		markdown_strip(out->text);
	return 0;
}

void html_doc_free(html_doc *d)
{
	if (!d)
		return;
	free(d->fixed);
	xmlFreeDoc(d->doc);
	free(d);
}

int html_to_text(const char *in, size_t len, html_text *out)
{
	return html_render(in, len, 0, out);
}

int html_render(const char *in, size_t len, int flags, html_text *out)
{
	html_doc *d = html_parse(in, len);
	int rc = html_doc_render(d, flags, out);
	html_doc_free(d);
	return rc;
}

void html_text_free(html_text *t)
{
	if (!t)
		return;
	free(t->text);
	for (size_t i = 0; i < t->nlinks; i++)
		free(t->links[i]);
	free(t->links);
	memset(t, 0, sizeof *t);
}
