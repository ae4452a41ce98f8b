/*
 * feed_node.c - see feed_int.h: what the feed parser reads from libxml2
 * nodes (namespaces, text with bounded entity expansion, small values,
 * URLs). The security notes on entities are at the top of feed.c.
 */
#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <libxml/entities.h>
#include <libxml/tree.h>
#include <libxml/uri.h>

#include "feed_int.h"
#include "util.h"

/* ======================================================================
 * Namespaces
 * ====================================================================== */


static const struct {
	const char *uri; /* compared without scheme, trailing '/', case */
	enum ns id;
} ns_uris[] = {
	{"www.w3.org/2005/Atom", NS_ATOM},
	{"purl.org/atom/ns#", NS_ATOM},
	{"www.itunes.com/dtds/podcast-1.0.dtd", NS_ITUNES},
	{"purl.org/rss/1.0/modules/content", NS_CONTENT},
	{"podcastindex.org/namespace/1.0", NS_PODCAST},
	{"github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md",
	 NS_PODCAST},
	{"podlove.org/simple-chapters", NS_PSC},
	{"search.yahoo.com/mrss", NS_MEDIA},
	{"purl.org/dc/elements/1.1", NS_DC},
	{"purl.org/rss/1.0", NS_RSS1},
	{"my.netscape.com/rdf/simple/0.9", NS_RSS1},
};

/* Prefixes recognised on elements whose prefix was never declared: libxml2
 * then leaves ns NULL and keeps "itunes:duration" as the name. */
static const struct {
	const char *prefix;
	enum ns id;
} ns_prefixes[] = {
	{"itunes", NS_ITUNES}, {"content", NS_CONTENT}, {"podcast", NS_PODCAST},
	{"psc", NS_PSC},       {"media", NS_MEDIA},     {"atom", NS_ATOM},
	{"dc", NS_DC},
};

/* Case-insensitive URI match that ignores http/https and one trailing
 * slash: real feeds write the iTunes URI in any case and the Atom URI with
 * a stray '/' (formats.md, launched.xml). */
static int uri_matches(const char *uri, const char *want)
{
	if (str_prefix(uri, "http://", 1))
		uri += 7;
	else if (str_prefix(uri, "https://", 1))
		uri += 8;
	size_t n = strlen(uri), w = strlen(want);
	if (n == w + 1 && uri[w] == '/')
		n = w;
	return n == w && strncasecmp(uri, want, w) == 0;
}

static enum ns ns_of_uri(const char *uri)
{
	for (size_t i = 0; i < sizeof ns_uris / sizeof ns_uris[0]; i++)
		if (uri_matches(uri, ns_uris[i].uri))
			return ns_uris[i].id;
	return NS_OTHER;
}


/* Namespace and local name of an element; see ns_prefixes for the
 * undeclared-prefix rule. */
qname fnode_qname(const xmlNode *n)
{
	qname q = {NS_OTHER, (const char *)n->name};
	if (n->ns && n->ns->href) {
		q.ns = ns_of_uri((const char *)n->ns->href);
		return q;
	}
	const char *colon = strchr(q.local, ':');
	if (!colon) {
		q.ns = NS_NONE;
		return q;
	}
	size_t plen = (size_t)(colon - q.local);
	for (size_t i = 0; i < sizeof ns_prefixes / sizeof ns_prefixes[0]; i++) {
		if (strlen(ns_prefixes[i].prefix) == plen &&
		    strncmp(q.local, ns_prefixes[i].prefix, plen) == 0) {
			q.ns = ns_prefixes[i].id;
			break;
		}
	}
	q.local = colon + 1;
	return q;
}

/* RSS and Atom core elements may come without a namespace, in the RSS 1.0
 * namespace or in the Atom namespace; one handler serves all three. */
int fnode_is_core(enum ns ns)
{
	return ns == NS_NONE || ns == NS_RSS1 || ns == NS_ATOM;
}

int fnode_is_elem(const xmlNode *n)
{
	return n && n->type == XML_ELEMENT_NODE;
}

/* 1 when n is an element called local in a core namespace (see fnode_is_core). */
int fnode_is_core_elem(const xmlNode *n, const char *local)
{
	if (!fnode_is_elem(n))
		return 0;
	qname q = fnode_qname(n);
	return fnode_is_core(q.ns) && !strcmp(q.local, local);
}

/* ======================================================================
 * Text extraction (bounded entity expansion)
 * ====================================================================== */

static void collect_text(sbuf *b, const xmlNode *n, int depth, int64_t *budget);

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

/* Appends the replacement text of an internal general entity reference.
 * External entities (SYSTEM/PUBLIC) are never read. */
static void collect_entity(sbuf *b, const xmlNode *ref, int depth, int64_t *budget)
{
	if (depth >= ENTITY_DEPTH || !ref->doc || !charge(budget, 1))
		return;
	xmlEntity *ent = xmlGetDocEntity(ref->doc, ref->name);
	if (!ent || ent->etype != XML_INTERNAL_GENERAL_ENTITY)
		return;
	if (ent->children) {
		collect_text(b, ent->children, depth + 1, budget);
	} else if (ent->content && !strpbrk((const char *)ent->content, "&<")) {
		size_t n = strlen((const char *)ent->content);
		if (charge(budget, n))
			sb_append(b, (const char *)ent->content, n);
	}
}

/* Concatenates text and CDATA of n and its following siblings, descending
 * into elements, like xmlNodeGetContent; inside entities (depth > 0) every
 * node and byte is charged to the budget and the walk stops when it runs
 * out. */
static void collect_text(sbuf *b, const xmlNode *n, int depth, int64_t *budget)
{
	for (; n; n = n->next) {
		if (depth > 0 && !charge(budget, 1))
			return;
		switch (n->type) {
		case XML_TEXT_NODE:
		case XML_CDATA_SECTION_NODE:
			if (n->content) {
				size_t len = strlen((const char *)n->content);
				if (depth == 0 || charge(budget, len))
					sb_append(b, (const char *)n->content, len);
			}
			break;
		case XML_ENTITY_REF_NODE:
			collect_entity(b, n, depth, budget);
			break;
		case XML_ELEMENT_NODE:
			collect_text(b, n->children, depth, budget);
			break;
		default:
			break;
		}
	}
}

/* The document's entity budget: feed_parse hangs it on doc->_private (the
 * field libxml2 leaves to applications) so that every value of one
 * document draws from it. A node without one gets an empty budget. */
static int64_t *doc_budget(const xmlNode *n)
{
	static _Thread_local int64_t none;
	none = 0;
	return n && n->doc && n->doc->_private ? n->doc->_private : &none;
}

/* Untrimmed text of the node list starting at first (an element's
 * children or an attribute's value), or NULL when there is none. The one
 * text walk behind every element and attribute value. */
static char *list_text_raw(const xmlNode *first)
{
	sbuf b = SBUF_INIT;
	collect_text(&b, first, 0, doc_budget(first));
	return b.s ? sb_steal(&b) : NULL;
}

/* Trimmed list_text_raw, or NULL when blank. */
static char *list_text(const xmlNode *first)
{
	char *raw = list_text_raw(first);
	char *t = str_trim_dup(raw);
	free(raw);
	return t;
}

/* Trimmed text content of an element, or NULL when blank. */
char *fnode_text_trim(const xmlNode *n)
{
	return list_text(n->children);
}

/* Trimmed value of the first attribute called name, or NULL when absent or
 * blank. Never xmlGetProp, which expands entities without a budget. */
char *fnode_attr_text(const xmlNode *n, const char *name)
{
	for (const xmlAttr *a = n->properties; a; a = a->next)
		if (a->type == XML_ATTRIBUTE_NODE && !strcmp((const char *)a->name, name))
			return list_text(a->children);
	return NULL;
}

/* The attribute xml:NAME of element n itself (not defaulted from a DTD):
 * its untrimmed value, "" when empty; NULL when absent. */
static char *xml_attr(const xmlNode *n, const char *name)
{
	for (const xmlAttr *a = n->properties; a; a = a->next) {
		if (a->type != XML_ATTRIBUTE_NODE || strcmp((const char *)a->name, name) ||
		    !a->ns || !a->ns->href ||
		    strcmp((const char *)a->ns->href, (const char *)XML_XML_NAMESPACE))
			continue;
		char *v = list_text_raw(a->children);
		return v ? v : xstrdup("");
	}
	return NULL;
}

/* xml:lang in scope at n (the nearest one), trimmed, or NULL. Like
 * xmlNodeGetLang, but under the entity budget. */
char *fnode_lang(const xmlNode *n)
{
	for (; n; n = n->parent) {
		if (!fnode_is_elem(n))
			continue;
		char *v = xml_attr(n, "lang");
		if (v) {
			char *t = str_trim_dup(v);
			free(v);
			return t;
		}
	}
	return NULL;
}

/* xml:base in scope at n, combined upwards as xmlNodeGetBase does (and
 * stopping at the same absolute prefixes), but under the entity budget.
 * Returns NULL when there is none; caller frees with xmlFree. */
static xmlChar *node_base(const xmlNode *n)
{
	xmlChar *acc = NULL;
	for (; n; n = n->parent) {
		if (!fnode_is_elem(n))
			continue;
		char *v = xml_attr(n, "base");
		if (!v)
			continue;
		xmlChar *next = acc ? xmlBuildURI(acc, (const xmlChar *)v)
		                    : xmlStrdup((const xmlChar *)v);
		free(v);
		xmlFree(acc);
		acc = next;
		if (!acc)
			return NULL;
		if (str_prefix((const char *)acc, "http://", 0) ||
		    str_prefix((const char *)acc, "ftp://", 0) ||
		    str_prefix((const char *)acc, "urn:", 0))
			break;
	}
	return acc;
}

/* First child element of parent with the local name `local` (in a core
 * namespace when core_only, else in any), or NULL. */
const xmlNode *fnode_first_child(const xmlNode *parent, const char *local,
                                  int core_only)
{
	for (const xmlNode *k = parent->children; k; k = k->next) {
		if (!fnode_is_elem(k))
			continue;
		qname q = fnode_qname(k);
		if ((!core_only || fnode_is_core(q.ns)) && !strcmp(q.local, local))
			return k;
	}
	return NULL;
}

/* Trimmed text of fnode_first_child(parent, local, core_only), or NULL. */
char *fnode_child_text(const xmlNode *parent, const char *local, int core_only)
{
	const xmlNode *k = fnode_first_child(parent, local, core_only);
	return k ? fnode_text_trim(k) : NULL;
}

/* Serialised children of an Atom type="xhtml" text construct. */
char *fnode_markup(const xmlNode *n)
{
	xmlBuffer *buf = xmlBufferCreate();
	if (!buf)
		return NULL;
	for (xmlNode *c = n->children; c; c = c->next)
		xmlNodeDump(buf, n->doc, c, 0, 0);
	char *s = str_trim_dup((const char *)xmlBufferContent(buf));
	xmlBufferFree(buf);
	return s;
}

/* Stores v in *slot unless the slot is already filled (first one wins). */
void fnode_set_once(char **slot, char *v)
{
	if (!*slot)
		*slot = v;
	else
		free(v);
}

void fnode_set_text_once(char **slot, const xmlNode *n)
{
	if (!*slot)
		*slot = fnode_text_trim(n);
}

/* ======================================================================
 * Small value helpers
 * ====================================================================== */

/* Strict non-negative decimal integer (leading zeros allowed), or -1. */
long long fnode_parse_uint(const char *s)
{
	char *t = str_trim_dup(s);
	long long v = -1;
	if (t && isdigit((unsigned char)t[0])) {
		v = 0;
		for (const char *p = t; *p; p++) {
			if (!isdigit((unsigned char)*p) || v > (LLONG_MAX - 9) / 10) {
				v = -1;
				break;
			}
			v = v * 10 + (*p - '0');
		}
	}
	free(t);
	return v;
}

/* Positive int for itunes:season/episode, else 0. */
int fnode_parse_posint(const char *s)
{
	long long v = fnode_parse_uint(s);
	return v > 0 && v <= INT_MAX ? (int)v : 0;
}

/* MIME type guessed from a URL's file extension (query/fragment ignored). */
const char *fnode_mime_from_url(const char *url)
{
	static const struct {
		const char *ext, *mime;
	} map[] = {
		{"mp3", "audio/mpeg"}, {"m4a", "audio/mp4"},  {"m4b", "audio/mp4"},
		{"aac", "audio/aac"},  {"ogg", "audio/ogg"},  {"oga", "audio/ogg"},
		{"opus", "audio/opus"}, {"flac", "audio/flac"}, {"wav", "audio/wav"},
		{"mp4", "video/mp4"},  {"m4v", "video/mp4"},  {"mov", "video/quicktime"},
		{"webm", "video/webm"}, {"mkv", "video/x-matroska"},
		{"ogv", "video/ogg"},
	};
	if (!url)
		return NULL;
	size_t end = strcspn(url, "?#");
	const char *dot = NULL;
	for (size_t i = 0; i < end; i++) {
		if (url[i] == '.')
			dot = url + i;
		else if (url[i] == '/')
			dot = NULL;
	}
	if (!dot)
		return NULL;
	size_t elen = (size_t)(url + end - dot - 1);
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strlen(map[i].ext) == elen &&
		    strncasecmp(dot + 1, map[i].ext, elen) == 0)
			return map[i].mime;
	return NULL;
}

int fnode_is_av_type(const char *type)
{
	return type && (str_prefix(type, "audio/", 1) || str_prefix(type, "video/", 1));
}

/* ======================================================================
 * URL resolution
 * ====================================================================== */

/* 1 when s starts with an RFC 3986 scheme ("http:", "mailto:"). */
int fnode_has_scheme(const char *s)
{
	if (!isalpha((unsigned char)*s))
		return 0;
	for (s++; isalnum((unsigned char)*s) || *s == '+' || *s == '-' || *s == '.'; s++)
		;
	return *s == ':';
}


/*
 * Trimmed raw URL at node `at`, resolved against the caller's base URL (or
 * the channel link) and any xml:base on the way. Absolute URLs are returned
 * as written; when resolution fails the trimmed text is returned. The
 * parser does not filter schemes: that is the network layer's job.
 */
char *fnode_resolve_url(const ctx *c, const xmlNode *at, char *raw)
{
	char *u = str_trim_dup(raw);
	free(raw);
	if (!u || fnode_has_scheme(u))
		return u;

	xmlChar *xbase = at ? node_base(at) : NULL;
	const char *base = c->base_url ? c->base_url : c->fallback_base;
	CURLU *h = curl_url();
	char *out = NULL;
	int ok = h != NULL;
	if (ok && base)
		ok = curl_url_set(h, CURLUPART_URL, base, CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK;
	if (ok && xbase)
		ok = curl_url_set(h, CURLUPART_URL, (const char *)xbase,
		                  CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK;
	if (ok && (base || xbase) &&
	    curl_url_set(h, CURLUPART_URL, u, CURLU_NON_SUPPORT_SCHEME | CURLU_URLENCODE) ==
	        CURLUE_OK &&
	    curl_url_get(h, CURLUPART_URL, &out, 0) == CURLUE_OK) {
		free(u);
		u = xstrdup(out);
	}
	curl_free(out);
	curl_url_cleanup(h);
	xmlFree(xbase);
	return u;
}

