/*
 * opml.c - OPML import and export (see opml.h).
 *
 * Import: strict libxml2 parse (no recovery), then an iterative walk of
 * <body> that keeps the folder path in a string buffer and a stack of its
 * lengths. Duplicates are found with an open-addressing hash of
 * normalised URLs.
 *
 * Attribute values are read by our own walker: libxml2's
 * xmlNodeListGetString expands internal entity references without limit,
 * and libxml2 2.9 only stops the exponential entity bomb at parse time, not
 * the quadratic one (a 100 KB entity referenced in thousands of
 * attributes). Expansion draws on one budget per document; a document
 * that exhausts it is refused.
 */
#include "opml.h"

#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/entities.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlsave.h>

#include "text.h"
#include "util.h"

/* ---- parse errors ----------------------------------------------------- */

/* First fatal (else first) error of a parse; set by the silent handler. */
struct parse_err {
	char *msg;
	int fatal;
};

static void record_error(void *ctx, xmlErrorPtr e)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct parse_err *pe = ctxt ? ctxt->_private : NULL;
	char *m;

	if (!pe || !e || e->level < XML_ERR_ERROR || (pe->msg && pe->fatal))
		return;
	if (pe->msg && e->level != XML_ERR_FATAL)
		return;
	m = str_trim_dup(e->message ? e->message : "unknown error");
	for (char *c = m; c && *c; c++)
		if (*c == '\n' || *c == '\r' || *c == '\t')
			*c = ' ';
	free(pe->msg);
	pe->msg = xasprintf("malformed OPML: %s line %d", m ? m : "unknown error", e->line);
	pe->fatal = e->level == XML_ERR_FATAL;
	free(m);
}

/* Index of the first occurrence of pat in buf[i..len), or len. */
static size_t find_from(const char *buf, size_t len, size_t i, const char *pat)
{
	const char *p = i < len ? memmem(buf + i, len - i, pat, strlen(pat)) : NULL;
	return p ? (size_t)(p - buf) : len;
}

/* Line (1-based) of the first comment holding "--" or ending in '-', or
 * 0 when there is none (CDATA skipped). XML forbids both, and libxml2 2.9
 * reports each "--" with a copy of the comment read so far: a comment of
 * a megabyte of dashes would take hours, so such a document is refused
 * before libxml2 sees it. Linear. */
static int bad_comment_line(const char *buf, size_t len)
{
	size_t i = 0;
	while (i < len) {
		const char *lt = memchr(buf + i, '<', len - i);
		if (!lt)
			return 0;
		i = (size_t)(lt - buf);
		if (len - i >= 9 && !memcmp(buf + i, "<![CDATA[", 9)) {
			i = find_from(buf, len, i + 9, "]]>");
		} else if (len - i >= 4 && !memcmp(buf + i, "<!--", 4)) {
			size_t end = find_from(buf, len, i + 4, "-->");
			size_t dash = find_from(buf, end, i + 4, "--");
			if (dash < end || (end > i + 4 && buf[end - 1] == '-')) {
				int line = 1;
				for (size_t k = 0; k < i; k++)
					line += buf[k] == '\n';
				return line;
			}
			i = end;
		} else {
			i++;
		}
	}
	return 0;
}

static xmlDocPtr read_doc(const char *buf, size_t len, char **err)
{
	struct parse_err pe = {NULL, 0};
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc;
	int bad;

	if (len > INT_MAX) {
		*err = xstrdup("malformed OPML: document too large");
		return NULL;
	}
	if ((bad = bad_comment_line(buf, len)) > 0) {
		*err = xasprintf("malformed OPML: double hyphen within comment line %d", bad);
		return NULL;
	}
	ctxt = xmlNewParserCtxt();
	if (!ctxt) {
		*err = xstrdup("malformed OPML: out of memory");
		return NULL;
	}
	ctxt->_private = &pe;
	ctxt->sax->serror = record_error;
	doc = xmlCtxtReadMemory(ctxt, buf, (int)len, NULL, NULL,
				XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlFreeParserCtxt(ctxt);
	if (!doc)
		*err = pe.msg ? pe.msg : xstrdup("malformed OPML: unknown error line 0");
	else
		free(pe.msg);
	return doc;
}

/* ---- attributes and URL keys ------------------------------------------ */

/* Entity expansion work (nodes + bytes of replacement text) allowed for a
 * whole document: ENTITY_BUDGET plus its length, i.e. linear in the input;
 * and how deep entities may nest in entities. */
#define ENTITY_BUDGET 1000000
#define ENTITY_DEPTH 8

/* Charges n units of entity work; 0 (and the budget emptied) when they do
 * not fit. */
static int charge(int64_t *budget, size_t n)
{
	if (*budget <= 0 || (uint64_t)*budget < n) {
		*budget = 0;
		return 0;
	}
	*budget -= (int64_t)n;
	return 1;
}

/* Appends the text of the node list n to b, expanding internal entity
 * references (never external ones); text inside entities (depth > 0) is
 * charged to the budget. */
static void collect(sbuf *b, const xmlNode *n, int depth, int64_t *budget)
{
	for (; n; n = n->next) {
		if (n->type == XML_TEXT_NODE && n->content) {
			size_t len = strlen((const char *)n->content);
			if (depth > 0 && !charge(budget, len))
				return;
			sb_append(b, (const char *)n->content, len);
		} else if (n->type == XML_ENTITY_REF_NODE && depth < ENTITY_DEPTH &&
		           charge(budget, 1)) {
			xmlEntity *e = xmlGetDocEntity(n->doc, n->name);
			if (e && e->etype == XML_INTERNAL_GENERAL_ENTITY)
				collect(b, e->children, depth + 1, budget);
		}
	}
}

/* Trimmed value of the attribute named name (ASCII case-insensitive), or
 * NULL when absent or blank. The document's budget hangs on
 * doc->_private (see walk_body). */
static char *attr_ci(xmlNode *n, const char *name)
{
	int64_t none = 0, *budget = n->doc && n->doc->_private ? n->doc->_private : &none;
	for (xmlAttr *a = n->properties; a; a = a->next) {
		if (!a->name || !str_ieq((const char *)a->name, name))
			continue;
		sbuf b = SBUF_INIT;
		collect(&b, a->children, 0, budget);
		char *t = str_trim_dup(b.s);
		sb_free(&b);
		if (t)
			return t;
	}
	return NULL;
}

/* Dedupe key: scheme and authority lower-cased, the rest as is. */
static char *url_key(const char *url)
{
	char *k = xstrdup(url);
	char *sep = strstr(k, "://");
	char *p = k, *end;

	if (!sep)
		return k;
	end = sep + 3;
	end += strcspn(end, "/?#");
	for (; p < end; p++)
		*p = (char)tolower((unsigned char)*p);
	return k;
}

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/* Set of keys (owned) in open addressing; grows at half load. */
struct keyset {
	char **slot;
	size_t nslot, n;
};

static void keyset_grow(struct keyset *ks)
{
	size_t ns = ks->nslot ? ks->nslot * 2 : 256;
	char **slot = xcalloc(ns, sizeof *slot);

	for (size_t i = 0; i < ks->nslot; i++) {
		if (!ks->slot[i])
			continue;
		size_t h = (size_t)hash_str(ks->slot[i]) & (ns - 1);
		while (slot[h])
			h = (h + 1) & (ns - 1);
		slot[h] = ks->slot[i];
	}
	free(ks->slot);
	ks->slot = slot;
	ks->nslot = ns;
}

/* Adds key (taking ownership); returns 0 when it was already there (and
 * frees key). */
static int keyset_add(struct keyset *ks, char *key)
{
	size_t h;

	if ((ks->n + 1) * 2 > ks->nslot)
		keyset_grow(ks);
	h = (size_t)hash_str(key) & (ks->nslot - 1);
	for (; ks->slot[h]; h = (h + 1) & (ks->nslot - 1)) {
		if (strcmp(ks->slot[h], key) == 0) {
			free(key);
			return 0;
		}
	}
	ks->slot[h] = key;
	ks->n++;
	return 1;
}

static void keyset_free(struct keyset *ks)
{
	for (size_t i = 0; i < ks->nslot; i++)
		free(ks->slot[i]);
	free(ks->slot);
}

/* ---- walking the body ------------------------------------------------- */

struct walker {
	opml_list *out;
	size_t cap;
	struct keyset seen;
	sbuf path;     /* "a/b" of the enclosing folders */
	size_t *stack; /* path length at each entered element */
	size_t depth, stack_cap;
};

static void add_feed(struct walker *w, xmlNode *n, char *url)
{
	opml_feed f;

	if (!keyset_add(&w->seen, url_key(url))) {
		free(url);
		return;
	}
	f.url = url;
	f.title = attr_ci(n, "text");
	if (!f.title)
		f.title = attr_ci(n, "title");
	f.html_url = attr_ci(n, "htmlUrl");
	f.category = attr_ci(n, "category");
	if (!f.category && w->path.len)
		f.category = xstrdup(w->path.s);
	if (w->out->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 16;
		w->out->v = xrealloc(w->out->v, w->cap * sizeof *w->out->v);
	}
	w->out->v[w->out->n++] = f;
}

static void enter(struct walker *w, xmlNode *n)
{
	char *url, *name;

	if (w->depth == w->stack_cap) {
		w->stack_cap = w->stack_cap ? w->stack_cap * 2 : 32;
		w->stack = xrealloc(w->stack, w->stack_cap * sizeof *w->stack);
	}
	w->stack[w->depth++] = w->path.len;
	if (!n->name || !str_ieq((const char *)n->name, "outline"))
		return;
	url = attr_ci(n, "xmlUrl");
	if (url) {
		add_feed(w, n, url);
		return;
	}
	name = attr_ci(n, "text");
	if (!name)
		name = attr_ci(n, "title");
	if (name) {
		if (w->path.len)
			sb_putc(&w->path, '/');
		sb_puts(&w->path, name);
		free(name);
	}
}

static void leave(struct walker *w)
{
	w->path.len = w->stack[--w->depth];
	if (w->path.s)
		w->path.s[w->path.len] = 0;
}

static void walk_body(struct walker *w, xmlNode *body)
{
	xmlNode *n = body->children;

	while (n) {
		if (n->type == XML_ELEMENT_NODE) {
			enter(w, n);
			if (n->children) {
				n = n->children;
				continue;
			}
			leave(w);
		}
		while (!n->next) {
			n = n->parent;
			if (!n || n == body)
				return;
			leave(w);
		}
		n = n->next;
	}
}

static xmlNode *find_child(xmlNode *parent, const char *name)
{
	for (xmlNode *c = parent->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && c->name && str_ieq((const char *)c->name, name))
			return c;
	return NULL;
}

int opml_parse(const char *buf, size_t len, opml_list *out, char **err)
{
	char *e = NULL;
	xmlDocPtr doc;
	xmlNode *root, *body;

	memset(out, 0, sizeof *out);
	if (err)
		*err = NULL;
	doc = read_doc(buf ? buf : "", buf ? len : 0, &e);
	root = doc ? xmlDocGetRootElement(doc) : NULL;
	if (doc && (!root || !root->name || !str_ieq((const char *)root->name, "opml")))
		e = xasprintf("not an OPML document (root element <%.40s>)",
			      root && root->name ? (const char *)root->name : "");
	body = !e ? find_child(root, "body") : NULL;
	if (!e && !body)
		e = xstrdup("OPML has no <body>");
	if (!e) {
		struct walker w = {out, 0, {NULL, 0, 0}, SBUF_INIT, NULL, 0, 0};
		int64_t budget = ENTITY_BUDGET + (int64_t)len;
		doc->_private = &budget;
		walk_body(&w, body);
		keyset_free(&w.seen);
		sb_free(&w.path);
		free(w.stack);
		if (budget <= 0) {
			opml_list_free(out);
			e = xstrdup("OPML refused: entity expansion beyond limits "
				    "(an XML entity bomb)");
		}
	}
	xmlFreeDoc(doc);
	if (!e)
		return 0;
	if (err)
		*err = e;
	else
		free(e);
	return -1;
}

void opml_list_free(opml_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].url);
		free(l->v[i].title);
		free(l->v[i].html_url);
		free(l->v[i].category);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* ---- export ----------------------------------------------------------- */

/* Trimmed copy valid as XML character data, or NULL when blank. */
static char *xml_clean(const char *s)
{
	char *fixed, *t;
	size_t o = 0;

	if (!s)
		return NULL;
	fixed = text_utf8_fix(s, (size_t)-1, NULL);
	for (size_t i = 0; fixed[i]; i++) {
		unsigned char c = (unsigned char)fixed[i];
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			continue;
		fixed[o++] = (char)c;
		/* U+FFFE and U+FFFF are not XML characters: make them U+FFFD */
		if ((c == 0xBE || c == 0xBF) && o >= 3 && (unsigned char)fixed[o - 3] == 0xEF &&
		    (unsigned char)fixed[o - 2] == 0xBF)
			fixed[o - 1] = '\xBD';
	}
	fixed[o] = 0;
	t = str_trim_dup(fixed);
	free(fixed);
	return t;
}

static void rfc822_date(char *buf, size_t n, int64_t t)
{
	static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm)) {
		tt = 0;
		gmtime_r(&tt, &tm);
	}
	snprintf(buf, n, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday % 7],
		 tm.tm_mday, months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
		 tm.tm_sec);
}

static void add_outline(xmlNode *body, const opml_export_item *it)
{
	char *url = xml_clean(it->url);
	char *title, *html;
	xmlNode *o;

	if (!url)
		return;
	title = xml_clean(it->title);
	html = xml_clean(it->html_url);
	o = xmlNewChild(body, NULL, BAD_CAST "outline", NULL);
	xmlNewProp(o, BAD_CAST "type", BAD_CAST "rss");
	xmlNewProp(o, BAD_CAST "text", BAD_CAST(title ? title : url));
	xmlNewProp(o, BAD_CAST "title", BAD_CAST(title ? title : url));
	xmlNewProp(o, BAD_CAST "xmlUrl", BAD_CAST url);
	if (html)
		xmlNewProp(o, BAD_CAST "htmlUrl", BAD_CAST html);
	free(url);
	free(title);
	free(html);
}

char *opml_export(const opml_export_item *items, size_t n, int64_t created)
{
	xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
	xmlNode *root = xmlNewNode(NULL, BAD_CAST "opml");
	xmlNode *head, *body;
	xmlChar *mem = NULL;
	int size = 0;
	char date[64], *s;

	xmlDocSetRootElement(doc, root);
	xmlNewProp(root, BAD_CAST "version", BAD_CAST "2.0");
	head = xmlNewChild(root, NULL, BAD_CAST "head", NULL);
	xmlNewTextChild(head, NULL, BAD_CAST "title", BAD_CAST "podcue subscriptions");
	rfc822_date(date, sizeof date, created);
	xmlNewTextChild(head, NULL, BAD_CAST "dateCreated", BAD_CAST date);
	body = xmlNewChild(root, NULL, BAD_CAST "body", NULL);
	for (size_t i = 0; items && i < n; i++)
		add_outline(body, &items[i]);
	xmlDocDumpFormatMemoryEnc(doc, &mem, &size, "UTF-8", 1);
	s = xstrndup(mem ? (const char *)mem : "", mem ? (size_t)size : 0);
	xmlFree(mem);
	xmlFreeDoc(doc);
	return s;
}
