/*
 * feed_xml.c - bytes to a libxml2 document for feed.c (see feed_xml.h).
 * The field guide is shared/notes/formats.md §10.1-10.3.
 *
 * Feeds in the wild are often not XML: undeclared windows-1252, HTML named
 * entities (&hellip;), bare '&' in URLs, truncated bodies. Each fallback
 * here is tried only after the strict parse failed, and a warning says
 * which one made the document readable.
 */
#include "feed_xml.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/encoding.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>

#include "util.h"

/* Never XML_PARSE_NOENT (entity substitution) or XML_PARSE_DTDLOAD. */
#define XML_OPTS                                                            \
	(XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOERROR |          \
	 XML_PARSE_NOWARNING)

/* ======================================================================
 * Entity references
 * ====================================================================== */

/* Appends code point cp (already range-checked) as UTF-8. */
static void put_utf8(sbuf *b, unsigned long cp)
{
	xmlChar u[8];
	int n = xmlCopyCharMultiByte(u, (int)cp);
	if (n > 0)
		sb_append(b, (const char *)u, (size_t)n);
}

/*
 * Recognises an entity reference at NUL-terminated s ("&name;", "&#123;",
 * "&#x1F;"). Returns its length including '&' and ';' and sets *cp, or 0
 * when s is not a complete reference to a known HTML4 entity or a valid
 * character. *named tells named references from numeric ones.
 */
static size_t entity_at(const char *s, unsigned long *cp, int *named)
{
	*named = s[1] != '#';
	if (!*named) {
		int hex = (s[2] | 0x20) == 'x';
		const char *d = s + 2 + hex;
		char *end;
		if (!(hex ? isxdigit((unsigned char)*d) : isdigit((unsigned char)*d)))
			return 0;
		unsigned long v = strtoul(d, &end, hex ? 16 : 10);
		if (*end != ';' || end - d > 8 || v == 0 || v > 0x10FFFF ||
		    (v >= 0xD800 && v <= 0xDFFF))
			return 0;
		*cp = v;
		return (size_t)(end - s) + 1;
	}
	char name[33];
	size_t i = 1;
	for (; isalnum((unsigned char)s[i]) && i <= 32; i++)
		name[i - 1] = s[i];
	if (i == 1 || s[i] != ';' || !isalpha((unsigned char)s[1]))
		return 0;
	name[i - 1] = '\0';
	const htmlEntityDesc *d = htmlEntityLookup((const xmlChar *)name);
	if (!d && strcmp(name, "apos") != 0)
		return 0;
	*cp = d ? d->value : '\'';
	return i + 1;
}

/* Decodes HTML entity references once (titles only: "&amp;amp;" arrives as
 * "&amp;" after XML parsing and should display as "&"). */
char *feed_xml_decode_entities(char *s)
{
	if (!s || !strchr(s, '&'))
		return s;
	sbuf b = SBUF_INIT;
	for (const char *p = s; *p;) {
		unsigned long cp;
		int named;
		size_t n = *p == '&' ? entity_at(p, &cp, &named) : 0;
		if (n) {
			put_utf8(&b, cp);
			p += n;
		} else {
			sb_putc(&b, *p++);
		}
	}
	free(s);
	return sb_steal(&b);
}


/* ======================================================================
 * Parsing bytes into a document (formats.md §10.1-10.3)
 * ====================================================================== */

/* The first real error libxml2 reported during one parse attempt. */
typedef struct xerr {
	int code, line, domain;
	char msg[256];
	int hostile; /* a sign of a hostile document was seen (is_hostile) */
	int limit;   /* a size limit was hit (is_size_limit) */
} xerr;

/* libxml2's own limits that only hostile documents reach: its entity
 * amplification check (billion laughs) and its nesting limit (256). Such a
 * document is refused even when recovery would yield something: what
 * would survive is cut at an arbitrary point, silently. */
static int is_hostile(const xmlError *e)
{
	return e->code == XML_ERR_ENTITY_LOOP ||
	       (e->message && strstr(e->message, "Excessive depth in document"));
}

/* libxml2's 10 MB limits on one text, CDATA section, attribute value or
 * name (lifted by XML_PARSE_HUGE, which feed_xml_stream uses only when no
 * entity is declared): recovery would drop everything after the node. */
static int is_size_limit(const xmlError *e)
{
	return e->message && (strstr(e->message, "too big") || strstr(e->message, "huge") ||
			      strstr(e->message, "too long") || strstr(e->message, "Huge"));
}

/* Structured error handler: keeps the first error, skipping warnings and
 * the non-fatal "namespace prefix not defined" class, and notes the first
 * hostile one. Never prints. */
static void on_xml_error(void *user, xmlErrorPtr e)
{
	xerr *x = user;
	if (e && is_hostile(e))
		x->hostile = 1; /* no line: inside an entity it is the entity's */
	if (e && is_size_limit(e))
		x->limit = 1;
	if (!e || x->code || e->level < XML_ERR_ERROR || e->domain == XML_FROM_NAMESPACE)
		return;
	x->code = e->code;
	x->line = e->line;
	x->domain = e->domain;
	snprintf(x->msg, sizeof x->msg, "%s", e->message ? e->message : "error");
	/* keep only the first line, without the trailing newline */
	x->msg[strcspn(x->msg, "\r\n")] = '\0';
}

static void on_generic_error(void *user, const char *fmt, ...)
{
	(void)user;
	(void)fmt;
}

/*
 * One xmlReadMemory attempt with our handlers installed (thread-local in
 * libxml2, restored afterwards so other modules keep theirs). enc forces
 * an encoding and makes libxml2 ignore the document's declaration.
 */
static xmlDoc *read_attempt(const char *buf, size_t len, const char *enc,
                            int extra, xerr *e)
{
	xmlStructuredErrorFunc old_s = xmlStructuredError;
	void *old_sctx = xmlStructuredErrorContext;
	xmlGenericErrorFunc old_g = xmlGenericError;
	void *old_gctx = xmlGenericErrorContext;

	memset(e, 0, sizeof *e);
	xmlSetStructuredErrorFunc(e, on_xml_error);
	xmlSetGenericErrorFunc(NULL, on_generic_error);
	int opts = XML_OPTS | extra | (enc ? XML_PARSE_IGNORE_ENC : 0);
	xmlDoc *doc = xmlReadMemory(buf, (int)len, NULL, enc, opts);
	xmlSetStructuredErrorFunc(old_sctx, old_s);
	xmlSetGenericErrorFunc(old_gctx, old_g);
	if (doc && !xmlDocGetRootElement(doc)) {
		xmlFreeDoc(doc);
		doc = NULL;
	}
	if (!doc && !e->code)
		snprintf(e->msg, sizeof e->msg, "no root element");
	return doc;
}

/* Errors that mean "these bytes are not in the encoding we assumed". */
static int is_encoding_error(const xerr *e)
{
	return e->domain == XML_FROM_I18N || e->code == XML_ERR_INVALID_CHAR ||
	       e->code == XML_ERR_UNKNOWN_ENCODING ||
	       e->code == XML_ERR_UNSUPPORTED_ENCODING ||
	       e->code == XML_ERR_INVALID_ENCODING;
}

/* 1 when the bytes are ASCII-compatible, so that a byte-level rewrite of
 * '&' is safe (not UTF-16/32). */
static int ascii_compatible(const char *buf, size_t len)
{
	const unsigned char *u = (const unsigned char *)buf;
	if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF)))
		return 0;
	return memchr(buf, '\0', len < 64 ? len : 64) == NULL;
}

/* Copies buf[i..] up to and including the terminator `end` into b;
 * returns the index after it (len when unterminated). */
static size_t copy_through(sbuf *b, const char *buf, size_t len, size_t i,
                           const char *end)
{
	size_t elen = strlen(end), j = i;
	while (j + elen <= len && memcmp(buf + j, end, elen) != 0)
		j++;
	j = j + elen <= len ? j + elen : len;
	sb_append(b, buf + i, j - i);
	return j;
}

/* One '&' at p for rewrite_entities: appends its replacement to b and
 * returns the number of input bytes consumed. */
static size_t rewrite_amp(sbuf *b, const char *p, size_t left, int *changed)
{
	char tmp[41]; /* NUL-terminated window: entity_at stays in bounds */
	size_t tn = left < 40 ? left : 40;
	unsigned long cp;
	int named;
	memcpy(tmp, p, tn);
	tmp[tn] = '\0';

	size_t n = entity_at(tmp, &cp, &named);
	if (n && named && (cp > 127 || !strchr("&<>\"'", (int)cp))) {
		sb_printf(b, "&#%lu;", cp); /* HTML-only name: numeric reference */
		*changed = 1;
		return n;
	}
	if (n) {
		sb_append(b, p, n);
		return n;
	}
	size_t name = strspn(tmp + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                              "0123456789._-");
	if (tmp[1] == '#' || (name && tmp[1 + name] == ';')) {
		sb_putc(b, '&'); /* unknown but well-formed: leave it to libxml2 */
		return 1;
	}
	sb_puts(b, "&amp;"); /* bare ampersand */
	*changed = 1;
	return 1;
}

/* Index of the first '<' or '&' in buf[i..len), or len. One forward scan:
 * searching for each byte separately to the end of the buffer would make
 * a large damaged feed quadratic. */
static size_t next_special(const char *buf, size_t len, size_t i)
{
	while (i < len && buf[i] != '<' && buf[i] != '&')
		i++;
	return i;
}

/*
 * Rewrites what strict XML rejects but feeds are full of: HTML named
 * entities (&hellip; -> &#8230;) and bare '&' (-> &amp;). CDATA sections,
 * comments and the DOCTYPE are copied untouched. Returns NULL when nothing
 * changed.
 */
static char *rewrite_entities(const char *buf, size_t len, size_t *outlen)
{
	sbuf b = SBUF_INIT;
	int changed = 0;
	size_t i = 0;

	while (i < len) {
		const char *p = buf + i;
		size_t left = len - i;
		if (left >= 9 && memcmp(p, "<![CDATA[", 9) == 0) {
			i = copy_through(&b, buf, len, i, "]]>");
		} else if (left >= 4 && memcmp(p, "<!--", 4) == 0) {
			i = copy_through(&b, buf, len, i, "-->");
		} else if (left >= 9 && memcmp(p, "<!DOCTYPE", 9) == 0) {
			size_t k = 0; /* an internal subset ends with "]>" */
			while (k < left && p[k] != '[' && p[k] != '>')
				k++;
			i = copy_through(&b, buf, len, i, k < left && p[k] == '[' ? "]>" : ">");
		} else if (*p == '&') {
			i += rewrite_amp(&b, p, left, &changed);
		} else {
			size_t next = next_special(buf, len, i + 1);
			sb_append(&b, p, next - i);
			i = next;
		}
	}
	if (!changed) {
		sb_free(&b);
		return NULL;
	}
	*outlen = b.len;
	return sb_steal(&b);
}

/* Skips a UTF-8 BOM, which would be mojibake under a forced 8-bit encoding. */
static size_t bom_skip(const char *buf, size_t len)
{
	return len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

static char *fmt_xerr(const char *what, const xerr *e)
{
	if (e->line > 0)
		return xasprintf("%s: %s (line %d)", what, e->msg, e->line);
	return xasprintf("%s: %s", what, e->msg);
}

/* Index of the first occurrence of pat in buf[i..len), or len. */
static size_t find_from(const char *buf, size_t len, size_t i, const char *pat)
{
	const char *p = i < len ? memmem(buf + i, len - i, pat, strlen(pat)) : NULL;
	return p ? (size_t)(p - buf) : len;
}

/*
 * A copy of buf in which every '-' of a comment body that another '-'
 * follows, or that ends the body, is a space; NULL when no comment needs
 * it. XML forbids "--" inside comments, and libxml2 2.9 reports each one
 * with a copy of the whole comment read so far, so a comment made of a
 * megabyte of dashes costs hours (quadratic). Comments are dropped anyway.
 * CDATA sections are skipped; the length never changes, so line numbers
 * in messages stay right. ASCII-compatible encodings only.
 */
static char *fix_comments(const char *buf, size_t len)
{
	char *out = NULL;
	size_t i = 0;
	while (i < len) {
		const char *lt = memchr(buf + i, '<', len - i);
		if (!lt)
			break;
		i = (size_t)(lt - buf);
		if (len - i >= 9 && !memcmp(buf + i, "<![CDATA[", 9)) {
			i = find_from(buf, len, i + 9, "]]>");
			continue;
		}
		if (len - i < 4 || memcmp(buf + i, "<!--", 4)) {
			i++;
			continue;
		}
		size_t end = find_from(buf, len, i + 4, "-->");
		for (size_t k = i + 4; k < end; k++) {
			if (buf[k] != '-' || (k + 1 < end && buf[k + 1] != '-'))
				continue;
			if (!out)
				out = xstrndup(buf, len); /* no NUL inside: ascii_compatible */
			out[k] = ' ';
		}
		i = end;
	}
	return out;
}

/* The attempts of feed_xml_read, on bytes whose comments are sound.
 * forced, when not NULL, is the encoding the bytes are known to be in
 * (then no other is tried). */
static xmlDoc *read_doc(const char *buf, size_t len, const char *forced,
                        const char *http_charset, char **warning, char **err)
{
	xerr first, e;
	xmlDoc *doc = read_attempt(buf, len, forced, 0, &first);
	if (doc)
		return doc;

	const char *data = buf, *enc = forced;
	size_t dlen = len;
	if (!forced && is_encoding_error(&first)) {
		const char *cands[] = {http_charset, "windows-1252"};
		for (size_t i = 0; i < 2 && !doc; i++) {
			const char *cand = cands[i];
			if (!cand || !*cand)
				continue;
			size_t skip = str_prefix(cand, "utf-8", 1) ? 0 : bom_skip(buf, len);
			doc = read_attempt(buf + skip, len - skip, cand, 0, &e);
			if (doc) {
				*warning = xasprintf("decoded as %s: %s", cand, first.msg);
				return doc;
			}
			if (!is_encoding_error(&e)) { /* this encoding fits; other trouble */
				enc = cand;
				data = buf + skip;
				dlen = len - skip;
				break;
			}
		}
	}

	size_t rlen = 0;
	char *fixed = ascii_compatible(data, dlen) ? rewrite_entities(data, dlen, &rlen) : NULL;
	if (fixed) {
		doc = read_attempt(fixed, rlen, enc, 0, &e);
		if (doc) {
			*warning = fmt_xerr("repaired HTML entities or bare '&'", &first);
			free(fixed);
			return doc;
		}
		data = fixed;
		dlen = rlen;
	}

	doc = read_attempt(data, dlen, enc, XML_PARSE_RECOVER, &e);
	free(fixed);
	if (doc && (e.hostile || first.hostile)) {
		xmlFreeDoc(doc);
		*err = xstrdup("refused: entity expansion or nesting beyond limits");
		return NULL;
	}
	if (doc && (e.limit || first.limit)) {
		xmlFreeDoc(doc);
		*err = xstrdup("refused: a text over 10 MB in a document that declares "
		               "entities (what follows it would be lost)");
		return NULL;
	}
	if (doc)
		*warning = fmt_xerr("recovered from malformed XML", &first);
	else
		*err = fmt_xerr("malformed XML", &first);
	return doc;
}

/*
 * A UTF-16 document (by its BOM or its first "<?", as libxml2 detects it)
 * as UTF-8 without the BOM, so that the byte-level repairs (comments,
 * entities) apply to it as well; *outlen gets the length. NULL when buf is
 * not UTF-16 or does not convert cleanly (libxml2 then reads it as is).
 */
static char *utf16_to_utf8(const char *buf, size_t len, size_t *outlen)
{
	const unsigned char *u = (const unsigned char *)buf;
	xmlCharEncoding ce = len >= 4 ? xmlDetectCharEncoding(u, 4) : XML_CHAR_ENCODING_NONE;
	if (ce != XML_CHAR_ENCODING_UTF16LE && ce != XML_CHAR_ENCODING_UTF16BE)
		return NULL;
	xmlCharEncodingHandler *h = xmlGetCharEncodingHandler(ce);
	size_t skip = (u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF) ? 2 : 0;
	size_t in = (len - skip) & ~(size_t)1, cap = in / 2 * 3;
	if (!h || !h->input || cap > INT_MAX)
		return NULL;
	unsigned char *out = xmalloc(cap + 1);
	int olen = (int)cap, ilen = (int)in;
	int rc = h->input(out, &olen, u + skip, &ilen);
	xmlCharEncCloseFunc(h);
	if (rc < 0 || (size_t)ilen != in || memchr(out, '\0', (size_t)olen)) {
		free(out);
		return NULL;
	}
	out[olen] = '\0';
	*outlen = (size_t)olen;
	return (char *)out;
}

/* See feed_xml.h; formats.md §10.1 has the reasons for the order. */
xmlDoc *feed_xml_read(const char *buf, size_t len, const char *http_charset,
                      char **warning, char **err)
{
	size_t ulen = 0;
	char *utf8 = utf16_to_utf8(buf, len, &ulen);
	const char *forced = utf8 ? "UTF-8" : NULL;
	if (utf8) {
		buf = utf8;
		len = ulen;
	}
	char *fixed = ascii_compatible(buf, len) && memchr(buf, '\0', len) == NULL
	                      ? fix_comments(buf, len)
	                      : NULL;
	xmlDoc *doc = read_doc(fixed ? fixed : buf, len, forced, http_charset, warning, err);
	free(utf8);
	if (!fixed)
		return doc;
	free(fixed);
	if (doc) {
		const char *note = "repaired a malformed comment";
		char *w = *warning ? xasprintf("%s; %s", note, *warning) : xstrdup(note);
		free(*warning);
		*warning = w;
	}
	return doc;
}

/* ======================================================================
 * Streaming: one element at a time (the memory goal of issue 16)
 * ====================================================================== */

/* Deeper than this, the stream gives up and feed_xml_read (whose libxml2
 * refuses depth 256 as hostile) decides: XML_PARSE_HUGE, used here for
 * large text nodes, would raise libxml2's own limit to 2048. */
#define STREAM_MAX_DEPTH 200

/* Depth of the deepest node under n, counted from n (0 for a leaf);
 * iterative, so a hostile subtree cannot overflow the stack. */
static int subtree_depth(const xmlNode *n)
{
	int d = 0, max = 0;
	const xmlNode *top = n;
	for (;;) {
		if (n->children && n->type == XML_ELEMENT_NODE) {
			n = n->children;
			if (++d > max)
				max = d;
			continue;
		}
		while (n != top && !n->next) {
			n = n->parent;
			d--;
		}
		if (n == top)
			return max;
		n = n->next;
	}
}

/* A CDATA section longer than this is turned into text before streaming:
 * the reader's push parser appends a long CDATA section in small pieces,
 * each copying what came before (11 MB took 20 s of CPU), while a text
 * node of any length grows by doubling. */
#define STREAM_MAX_CDATA (1024 * 1024)

/* 1 when buf holds a CDATA section over STREAM_MAX_CDATA (or one never
 * closed); one linear scan. */
static int long_cdata(const char *buf, size_t len)
{
	size_t i = 0;
	for (;;) {
		const char *o = memmem(buf + i, len - i, "<![CDATA[", 9);
		if (!o)
			return 0;
		i = (size_t)(o - buf) + 9;
		const char *c = memmem(buf + i, len - i, "]]>", 3);
		if (!c || (size_t)(c - buf) - i > STREAM_MAX_CDATA)
			return 1;
		i = (size_t)(c - buf) + 3;
	}
}

/* buf with every CDATA section as the same characters escaped (&amp;,
 * &lt;, &gt;), so the reader sees text; *outlen gets the length. NULL when
 * a section is never closed (the whole-document parser then decides). A
 * marker inside a comment is rewritten too, which can only make the
 * document malformed, and a malformed one is read the other way. */
static char *cdata_as_text(const char *buf, size_t len, size_t *outlen)
{
	sbuf b = SBUF_INIT;
	size_t i = 0;
	for (;;) {
		const char *o = memmem(buf + i, len - i, "<![CDATA[", 9);
		size_t start = o ? (size_t)(o - buf) : len;
		sb_append(&b, buf + i, start - i);
		if (!o)
			break;
		i = start + 9;
		const char *c = memmem(buf + i, len - i, "]]>", 3);
		if (!c) {
			sb_free(&b);
			return NULL;
		}
		for (size_t end = (size_t)(c - buf); i < end;) {
			size_t run = i;
			while (run < end && buf[run] != '&' && buf[run] != '<' && buf[run] != '>')
				run++;
			sb_append(&b, buf + i, run - i);
			if (run < end)
				sb_puts(&b, buf[run] == '&' ? "&amp;" : buf[run] == '<' ? "&lt;" : "&gt;");
			i = run + (run < end);
		}
		i += 3;
	}
	*outlen = b.len;
	return sb_steal(&b);
}

static int stream_doc(const char *buf, size_t len, const feed_xml_visitor *v);

/* See feed_xml.h. */
int feed_xml_stream(const char *buf, size_t len, const feed_xml_visitor *v)
{
	if (len == 0 || len > INT_MAX || !ascii_compatible(buf, len) ||
	    memchr(buf, '\0', len))
		return 0;
	if (!long_cdata(buf, len))
		return stream_doc(buf, len, v);
	size_t tlen = 0;
	char *text = cdata_as_text(buf, len, &tlen);
	int ok = text && tlen <= INT_MAX && stream_doc(text, tlen, v);
	free(text);
	return ok;
}

static int stream_doc(const char *buf, size_t len, const feed_xml_visitor *v)
{
	char *fixed = fix_comments(buf, len);
	if (fixed) {
		free(fixed);
		return 0;
	}
	/* Without entity declarations nothing can expand, so the only limit
	 * XML_PARSE_HUGE lifts that matters is the 10 MB text node (the body
	 * cap bounds them); with declarations, libxml2's amplification check
	 * (which HUGE turns off in 2.9) stays on. */
	int huge = memmem(buf, len, "<!ENTITY", 8) == NULL;
	xerr e;
	memset(&e, 0, sizeof e);
	xmlGenericErrorFunc old_g = xmlGenericError;
	void *old_gctx = xmlGenericErrorContext;
	xmlSetGenericErrorFunc(NULL, on_generic_error);
	xmlTextReaderPtr r = xmlReaderForMemory(buf, (int)len, NULL, NULL,
	                                        XML_OPTS | (huge ? XML_PARSE_HUGE : 0));
	int ok = 0;
	if (r) {
		xmlTextReaderSetStructuredErrorHandler(r, on_xml_error, &e);
		int rc = xmlTextReaderRead(r), doc_set = 0;
		while (rc == 1 && !e.code && !e.hostile) {
			xmlNode *n = xmlTextReaderCurrentNode(r);
			int depth = xmlTextReaderDepth(r);
			if (!doc_set && n && n->doc) {
				n->doc->_private = v->doc_private;
				doc_set = 1;
			}
			if (!n || xmlTextReaderNodeType(r) != XML_READER_TYPE_ELEMENT) {
				rc = xmlTextReaderRead(r);
				continue;
			}
			int what = v->start(v->user, n, depth);
			if (what == FX_STOP)
				break;
			if (what == FX_DESCEND) {
				rc = xmlTextReaderRead(r);
				continue;
			}
			/* Expanded even when skipped: the depth check needs it,
			 * and the reader builds the subtree anyway. */
			xmlNode *full = xmlTextReaderExpand(r);
			if (!full || e.code || depth + subtree_depth(full) > STREAM_MAX_DEPTH)
				break;
			if (what == FX_TAKE)
				v->take(v->user, full, depth);
			rc = xmlTextReaderNext(r); /* frees the subtree */
		}
		ok = rc == 0 && !e.code && !e.hostile;
		xmlFreeTextReader(r);
	}
	xmlSetGenericErrorFunc(old_gctx, old_g);
	return ok;
}
