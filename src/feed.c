/*
 * feed.c - see feed.h. The field guide is shared/notes/formats.md §1-5, 7, 10.
 *
 * Pipeline: feed_xml_read() (feed_xml.c) turns bytes into a libxml2 DOM,
 * retrying with other encodings, with HTML entities rewritten and finally
 * in recovery mode; read_feed()/read_item() walk the tree once, matching
 * elements by namespace URI (never by prefix); assign_keys() gives every
 * item its stable identity. The DOM is freed before feed_parse returns.
 *
 * Security: never XML_PARSE_NOENT or XML_PARSE_DTDLOAD, always
 * XML_PARSE_NONET. Internal entities that survive in the tree (entity
 * reference nodes) are expanded by our own text walker only, under one
 * work budget for the whole document, because libxml2's own
 * xmlNodeGetContent/xmlGetProp/xmlNodeGetBase/xmlNodeGetLang expand them
 * without limit. libxml2 2.9 stops the exponential "billion laughs" at
 * parse time, but not the quadratic blowup: one 100 KB entity referenced
 * thousands of times (in text or in an attribute) would cost gigabytes.
 * External entities are never expanded.
 */
#include "feed.h"

#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <libxml/entities.h>
#include <libxml/tree.h>
#include <libxml/uri.h>

#include "feed_xml.h"
#include "ptime.h"
#include "util.h"

/* Work budget (entity nodes visited + bytes copied from entity replacement
 * text) for a whole document: ENTITY_BUDGET plus the document's length, so
 * expansion stays linear in the input; a document that exhausts it is
 * refused as an entity bomb. Text written out in the document itself is
 * never charged. ENTITY_DEPTH bounds entities within entities. */
#define ENTITY_BUDGET 1000000L
#define ENTITY_DEPTH 8
/* An enclosure's length over a terabyte is a typo: unknown. */
#define MAX_ENCLOSURE_LENGTH (1LL << 40)

/* ======================================================================
 * Namespaces
 * ====================================================================== */

/* NS_NONE: no namespace (RSS 2.0 core, namespace-less Atom); NS_RSS1:
 * RSS 1.0/0.90 core, treated like NS_NONE. */
enum ns { NS_NONE, NS_RSS1, NS_ATOM, NS_ITUNES, NS_CONTENT, NS_PODCAST,
	  NS_PSC, NS_MEDIA, NS_DC, NS_OTHER };

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

typedef struct qname {
	enum ns ns;
	const char *local;
} qname;

/* Namespace and local name of an element; see ns_prefixes for the
 * undeclared-prefix rule. */
static qname node_qname(const xmlNode *n)
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
static int is_core(enum ns ns)
{
	return ns == NS_NONE || ns == NS_RSS1 || ns == NS_ATOM;
}

static int is_elem(const xmlNode *n)
{
	return n && n->type == XML_ELEMENT_NODE;
}

/* 1 when n is an element called local in a core namespace (see is_core). */
static int is_core_elem(const xmlNode *n, const char *local)
{
	if (!is_elem(n))
		return 0;
	qname q = node_qname(n);
	return is_core(q.ns) && !strcmp(q.local, local);
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
static char *node_text_trim(const xmlNode *n)
{
	return list_text(n->children);
}

/* Trimmed value of the first attribute called name, or NULL when absent or
 * blank. Never xmlGetProp, which expands entities without a budget. */
static char *attr_text(const xmlNode *n, const char *name)
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
static char *node_lang(const xmlNode *n)
{
	for (; n; n = n->parent) {
		if (!is_elem(n))
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
		if (!is_elem(n))
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
static const xmlNode *first_child(const xmlNode *parent, const char *local,
                                  int core_only)
{
	for (const xmlNode *k = parent->children; k; k = k->next) {
		if (!is_elem(k))
			continue;
		qname q = node_qname(k);
		if ((!core_only || is_core(q.ns)) && !strcmp(q.local, local))
			return k;
	}
	return NULL;
}

/* Trimmed text of first_child(parent, local, core_only), or NULL. */
static char *child_text(const xmlNode *parent, const char *local, int core_only)
{
	const xmlNode *k = first_child(parent, local, core_only);
	return k ? node_text_trim(k) : NULL;
}

/* Serialised children of an Atom type="xhtml" text construct. */
static char *node_markup(const xmlNode *n)
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
static void set_once(char **slot, char *v)
{
	if (!*slot)
		*slot = v;
	else
		free(v);
}

static void set_text_once(char **slot, const xmlNode *n)
{
	if (!*slot)
		*slot = node_text_trim(n);
}

/* ======================================================================
 * Small value helpers
 * ====================================================================== */

/* Strict non-negative decimal integer (leading zeros allowed), or -1. */
static long long parse_uint(const char *s)
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
static int parse_posint(const char *s)
{
	long long v = parse_uint(s);
	return v > 0 && v <= INT_MAX ? (int)v : 0;
}

/* MIME type guessed from a URL's file extension (query/fragment ignored). */
static const char *mime_from_url(const char *url)
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

static int is_av_type(const char *type)
{
	return type && (str_prefix(type, "audio/", 1) || str_prefix(type, "video/", 1));
}

/* ======================================================================
 * URL resolution
 * ====================================================================== */

/* 1 when s starts with an RFC 3986 scheme ("http:", "mailto:"). */
static int has_scheme(const char *s)
{
	if (!isalpha((unsigned char)*s))
		return 0;
	for (s++; isalnum((unsigned char)*s) || *s == '+' || *s == '-' || *s == '.'; s++)
		;
	return *s == ':';
}

typedef struct ctx {
	const char *base_url; /* document URL from the caller, or NULL */
	const char *fallback_base; /* channel link when base_url is NULL */
	int64_t now; /* the parse's time: dates after a day from now are none */
} ctx;

/*
 * Trimmed raw URL at node `at`, resolved against the caller's base URL (or
 * the channel link) and any xml:base on the way. Absolute URLs are returned
 * as written; when resolution fails the trimmed text is returned. The
 * parser does not filter schemes: that is the network layer's job.
 */
static char *resolve_url(const ctx *c, const xmlNode *at, char *raw)
{
	char *u = str_trim_dup(raw);
	free(raw);
	if (!u || has_scheme(u))
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

/* ======================================================================
 * Items
 * ====================================================================== */

typedef struct encl {
	char *url, *type;
	long long length;
	int av; /* audio/video by type */
} encl;

/* Candidates collected while walking one item, resolved in finish_item. */
typedef struct scratch {
	char *content_encoded, *content, *description, *summary;
	char *it_summary, *it_subtitle, *it_title;
	char *it_author, *author, *dc_creator;
	char *it_image, *pod_image, *media_thumb;
	char *date_pub, *date_upd, *dc_date;
	char *duration;
	encl enc, media; /* best <enclosure>/rel=enclosure, best media:content */
	int it_season, it_episode, pod_season, pod_episode;
	int psc_seen;
} scratch;

static void scratch_free(scratch *s)
{
	char **strs[] = {&s->content_encoded, &s->content, &s->description,
	                 &s->summary, &s->it_summary, &s->it_subtitle,
	                 &s->it_title, &s->it_author, &s->author, &s->dc_creator,
	                 &s->it_image, &s->pod_image, &s->media_thumb,
	                 &s->date_pub, &s->date_upd, &s->dc_date, &s->duration,
	                 &s->enc.url, &s->enc.type, &s->media.url, &s->media.type};
	for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
		free(*strs[i]);
}

/* Offers an enclosure candidate: the first audio/video one wins, else the
 * first one (formats.md §1). Takes ownership of url and type. */
static void offer_enclosure(encl *best, char *url, char *type, long long length)
{
	if (!url) {
		free(type);
		return;
	}
	if (!type && mime_from_url(url))
		type = xstrdup(mime_from_url(url));
	int av = is_av_type(type);
	if (best->url && (best->av || !av)) {
		free(url);
		free(type);
		return;
	}
	free(best->url);
	free(best->type);
	best->url = url;
	best->type = type;
	best->length = length > 0 && length <= MAX_ENCLOSURE_LENGTH ? length : -1;
	best->av = av;
}

static long long attr_length(const xmlNode *n, const char *name)
{
	char *v = attr_text(n, name);
	long long len = parse_uint(v);
	free(v);
	return len;
}

/* Podlove Simple Chapters: one <psc:chapters> block into it->psc. */
static void read_psc(const ctx *c, feed_item *it, const xmlNode *block)
{
	for (const xmlNode *n = block->children; n; n = n->next) {
		if (!is_elem(n))
			continue;
		qname q = node_qname(n);
		if (q.ns != NS_PSC || strcmp(q.local, "chapter"))
			continue;
		char *start = attr_text(n, "start");
		double t = ptime_npt(start);
		free(start);
		if (t < 0)
			continue; /* start is required */
		chapter ch = {0};
		ch.start = t;
		ch.end = -1;
		ch.title = attr_text(n, "title");
		ch.url = resolve_url(c, n, attr_text(n, "href"));
		ch.img = resolve_url(c, n, attr_text(n, "image"));
		ch.source = CHAP_SRC_PSC;
		chapter_list_push(&it->psc, ch);
	}
	chapter_list_sort(&it->psc);
}

static void read_transcript(const ctx *c, feed_item *it, const xmlNode *n)
{
	char *url = resolve_url(c, n, attr_text(n, "url"));
	if (!url)
		return;
	feed_transcript t = {0};
	t.url = url;
	t.type = attr_text(n, "type");
	if (!t.type) {
		/* type is required by the spec; guess from the extension */
		const char *ext = strrchr(url, '.');
		const char *g = "text/plain";
		if (ext && str_prefix(ext, ".vtt", 1))
			g = "text/vtt";
		else if (ext && str_prefix(ext, ".srt", 1))
			g = "application/x-subrip";
		else if (ext && str_prefix(ext, ".json", 1))
			g = "application/json";
		else if (ext && str_prefix(ext, ".htm", 1))
			g = "text/html";
		t.type = xstrdup(g);
	}
	t.language = attr_text(n, "language");
	t.rel = attr_text(n, "rel");
	it->transcripts = xrealloc(it->transcripts,
	                           (it->ntranscripts + 1) * sizeof *it->transcripts);
	it->transcripts[it->ntranscripts++] = t;
}

/* RSS/Atom <link>: RSS text, or Atom href with rel alternate/enclosure. */
static void item_link(const ctx *c, feed_item *it, scratch *s, const xmlNode *n)
{
	char *href = attr_text(n, "href");
	if (!href) {
		if (!it->link)
			it->link = resolve_url(c, n, node_text_trim(n));
		return;
	}
	char *rel = attr_text(n, "rel");
	if (!rel || str_ieq(rel, "alternate")) {
		set_once(&it->link, resolve_url(c, n, href));
	} else if (str_ieq(rel, "enclosure")) {
		offer_enclosure(&s->enc, resolve_url(c, n, href), attr_text(n, "type"),
		                attr_length(n, "length"));
	} else {
		free(href);
	}
	free(rel);
}

/* Atom <author><name>, RSS <author> text. */
static char *author_text(const xmlNode *n)
{
	const xmlNode *name = first_child(n, "name", 0);
	return node_text_trim(name ? name : n);
}

static void item_core(const ctx *c, feed_item *it, scratch *s, const xmlNode *n,
                      const char *l)
{
	if (!strcmp(l, "title")) {
		set_text_once(&it->title, n);
	} else if (!strcmp(l, "link")) {
		item_link(c, it, s, n);
	} else if (!strcmp(l, "guid") || !strcmp(l, "id")) {
		set_text_once(&it->guid, n);
	} else if (!strcmp(l, "description")) {
		set_text_once(&s->description, n);
	} else if (!strcmp(l, "summary")) {
		set_text_once(&s->summary, n);
	} else if (!strcmp(l, "content")) {
		char *type = attr_text(n, "type");
		if (!s->content)
			s->content = type && str_ieq(type, "xhtml") ? node_markup(n)
			                                            : node_text_trim(n);
		free(type);
	} else if (!strcmp(l, "pubDate") || !strcmp(l, "published") ||
	           !strcmp(l, "issued")) {
		set_text_once(&s->date_pub, n);
	} else if (!strcmp(l, "updated") || !strcmp(l, "modified")) {
		set_text_once(&s->date_upd, n);
	} else if (!strcmp(l, "enclosure")) {
		offer_enclosure(&s->enc, resolve_url(c, n, attr_text(n, "url")),
		                attr_text(n, "type"), attr_length(n, "length"));
	} else if (!strcmp(l, "author")) {
		set_once(&s->author, author_text(n));
	}
}

/* itunes:image: the URL is in href (Apple), sometimes url= or the text. */
static char *itunes_image(const ctx *c, const xmlNode *n)
{
	char *v = attr_text(n, "href");
	if (!v)
		v = attr_text(n, "url");
	if (!v)
		v = node_text_trim(n);
	return resolve_url(c, n, v);
}

/* itunes:episodeType: full/trailer/bonus (any case), anything else NULL. */
static char *episode_type(const xmlNode *n)
{
	char *v = node_text_trim(n);
	for (char *p = v; p && *p; p++)
		*p = (char)tolower((unsigned char)*p);
	if (v && (!strcmp(v, "full") || !strcmp(v, "trailer") || !strcmp(v, "bonus")))
		return v;
	free(v);
	return NULL;
}

/* The iTunes elements a channel and an item share: the first of each wins.
 * Returns 1 when l was one of them. */
static int itunes_shared(const ctx *c, const xmlNode *n, const char *l, char **image,
			 char **author, char **summary, char **subtitle, char **title)
{
	if (!strcmp(l, "image"))
		set_once(image, itunes_image(c, n));
	else if (!strcmp(l, "author"))
		set_text_once(author, n);
	else if (!strcmp(l, "summary"))
		set_text_once(summary, n);
	else if (!strcmp(l, "subtitle"))
		set_text_once(subtitle, n);
	else if (!strcmp(l, "title"))
		set_text_once(title, n);
	else
		return 0;
	return 1;
}

static void item_itunes(const ctx *c, feed_item *it, scratch *s,
                        const xmlNode *n, const char *l)
{
	if (itunes_shared(c, n, l, &s->it_image, &s->it_author, &s->it_summary,
			  &s->it_subtitle, &s->it_title))
		return;
	if (!strcmp(l, "duration")) {
		set_text_once(&s->duration, n);
	} else if (!strcmp(l, "episodeType")) {
		set_once(&it->episode_type, episode_type(n));
	} else if (!strcmp(l, "season") || !strcmp(l, "episode")) {
		char *v = node_text_trim(n);
		int *slot = l[0] == 's' ? &s->it_season : &s->it_episode;
		if (!*slot)
			*slot = parse_posint(v);
		free(v);
	}
}

static void item_podcast(const ctx *c, feed_item *it, scratch *s,
                         const xmlNode *n, const char *l)
{
	if (!strcmp(l, "chapters")) {
		if (!it->chapters_url) {
			it->chapters_url = resolve_url(c, n, attr_text(n, "url"));
			if (it->chapters_url)
				it->chapters_type = attr_text(n, "type");
		}
	} else if (!strcmp(l, "transcript")) {
		read_transcript(c, it, n);
	} else if (!strcmp(l, "image")) {
		set_once(&s->pod_image, resolve_url(c, n, attr_text(n, "href")));
	} else if (!strcmp(l, "season") || !strcmp(l, "episode")) {
		/* podcast:episode may be "315.5": only whole numbers fit here */
		char *v = node_text_trim(n);
		int *slot = l[0] == 's' ? &s->pod_season : &s->pod_episode;
		if (!*slot)
			*slot = parse_posint(v);
		free(v);
	}
}

/* media:content (possibly inside media:group) and media:thumbnail. */
static void item_media(const ctx *c, scratch *s, const xmlNode *n, const char *l)
{
	if (!strcmp(l, "content")) {
		char *type = attr_text(n, "type");
		char *url = resolve_url(c, n, attr_text(n, "url"));
		offer_enclosure(&s->media, url, type, attr_length(n, "fileSize"));
	} else if (!strcmp(l, "thumbnail")) {
		set_once(&s->media_thumb, resolve_url(c, n, attr_text(n, "url")));
	} else if (!strcmp(l, "group")) {
		for (const xmlNode *k = n->children; k; k = k->next) {
			if (!is_elem(k))
				continue;
			qname q = node_qname(k);
			if (q.ns == NS_MEDIA && strcmp(q.local, "group"))
				item_media(c, s, k, q.local);
		}
	}
}

static void item_child(const ctx *c, feed_item *it, scratch *s, const xmlNode *n)
{
	qname q = node_qname(n);
	const char *l = q.local;

	if (is_core(q.ns)) {
		item_core(c, it, s, n, l);
	} else if (q.ns == NS_ITUNES) {
		item_itunes(c, it, s, n, l);
	} else if (q.ns == NS_CONTENT) {
		if (!strcmp(l, "encoded"))
			set_text_once(&s->content_encoded, n);
	} else if (q.ns == NS_PODCAST) {
		item_podcast(c, it, s, n, l);
	} else if (q.ns == NS_PSC) {
		if (!strcmp(l, "chapters") && !s->psc_seen) {
			s->psc_seen = 1; /* only the first block counts (PSC 1.2) */
			read_psc(c, it, n);
		}
	} else if (q.ns == NS_MEDIA) {
		item_media(c, s, n, l);
	} else if (q.ns == NS_DC) {
		if (!strcmp(l, "creator"))
			set_text_once(&s->dc_creator, n);
		else if (!strcmp(l, "date"))
			set_text_once(&s->dc_date, n);
	}
}

/* Moves the first non-NULL of the n candidates into *dst. */
static void pick(char **dst, size_t n, char **cand[])
{
	for (size_t i = 0; i < n && !*dst; i++) {
		*dst = *cand[i];
		*cand[i] = NULL;
	}
}

/* Turns the scratch candidates into the item's final fields. */
static void finish_item(const ctx *c, feed_item *it, scratch *s)
{
	char **notes[] = {&s->content_encoded, &s->content, &s->description,
	                  &s->summary, &s->it_summary, &s->it_subtitle};
	char **author[] = {&s->it_author, &s->author, &s->dc_creator};
	char **image[] = {&s->it_image, &s->pod_image, &s->media_thumb};
	char **title[] = {&s->it_title};
	char **date[] = {&s->date_pub, &s->dc_date, &s->date_upd};

	pick(&it->notes, 6, notes);
	pick(&it->author, 3, author);
	pick(&it->image, 3, image);
	if (!it->title)
		pick(&it->title, 1, title);
	it->title = feed_xml_decode_entities(it->title);

	char *d = NULL;
	pick(&d, 3, date);
	it->has_published = d && ptime_date(d, &it->published) &&
	                    ptime_date_plausible(it->published, c->now);
	free(d);

	it->duration = s->duration ? ptime_duration(s->duration) : -1;
	it->season = s->it_season ? s->it_season : s->pod_season;
	it->episode = s->it_episode ? s->it_episode : s->pod_episode;

	encl *e = s->enc.url ? &s->enc : &s->media;
	it->enclosure_url = e->url;
	it->enclosure_type = e->type;
	it->enclosure_length = e->url ? e->length : -1;
	e->url = e->type = NULL;
}

static void read_item(const ctx *c, feed *f, const xmlNode *node)
{
	/* The array doubles (64, 128, 256, ...): growing it by a fixed step
	 * copied a 40,000-item feed quadratically. nitems is the capacity's
	 * only record, so the capacity is the next power of two from 64. */
	size_t have = f->nitems;
	if (have == 0 || (have >= 64 && (have & (have - 1)) == 0))
		f->items = xrealloc(f->items, (have ? 2 * have : 64) * sizeof *f->items);
	feed_item *it = &f->items[f->nitems];
	memset(it, 0, sizeof *it);
	it->feed_order = (int)f->nitems++;

	scratch s;
	memset(&s, 0, sizeof s);
	for (const xmlNode *n = node->children; n; n = n->next)
		if (is_elem(n))
			item_child(c, it, &s, n);
	finish_item(c, it, &s);
	scratch_free(&s);
}

/* ======================================================================
 * Identity keys (formats.md §10.6)
 * ====================================================================== */

/* FNV-1a, 64 bit: a stable, dependency-free hash for the last-resort key. */
static uint64_t fnv1a(uint64_t h, const char *s)
{
	for (; s && *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* The key an item gets without a usable guid: enclosure URL, else link +
 * "\n" + title, else a hash of title and date (and of the notes when both
 * are missing, so that undated untitled items still differ). */
static char *fallback_key(const feed_item *it)
{
	if (it->enclosure_url)
		return xstrdup(it->enclosure_url);
	if (it->link)
		return xasprintf("%s\n%s", it->link, it->title ? it->title : "");
	char date[32] = "";
	if (it->has_published)
		ptime_iso8601(it->published, date, sizeof date);
	uint64_t h = fnv1a(0xcbf29ce484222325ULL, it->title);
	h = fnv1a(fnv1a(h, "\n"), date);
	if (!it->title && !date[0])
		h = fnv1a(fnv1a(h, "\n"), it->notes);
	return xasprintf("hash:%016llx", (unsigned long long)h);
}

typedef struct guid_ref {
	const char *guid;
	size_t idx;
} guid_ref;

static int cmp_guid_ref(const void *a, const void *b)
{
	const guid_ref *x = a, *y = b;
	int c = strcmp(x->guid, y->guid);
	if (c)
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Sets every item's key. Duplicate guids are found by sorting (n log n):
 * items sharing a guid are keyed guid + "\n" + their fallback key. */
static void assign_keys(feed *f)
{
	size_t n = f->nitems, ng = 0;
	guid_ref *refs = xmalloc((n ? n : 1) * sizeof *refs);
	unsigned char *dup = xcalloc(n ? n : 1, 1);

	for (size_t i = 0; i < n; i++)
		if (f->items[i].guid)
			refs[ng++] = (guid_ref){f->items[i].guid, i};
	qsort(refs, ng, sizeof *refs, cmp_guid_ref);
	for (size_t i = 1; i < ng; i++)
		if (strcmp(refs[i - 1].guid, refs[i].guid) == 0)
			dup[refs[i - 1].idx] = dup[refs[i].idx] = 1;

	for (size_t i = 0; i < n; i++) {
		feed_item *it = &f->items[i];
		if (it->guid && !dup[i]) {
			it->key = xstrdup(it->guid);
		} else {
			char *fb = fallback_key(it);
			it->key = it->guid ? xasprintf("%s\n%s", it->guid, fb) : xstrdup(fb);
			free(fb);
		}
	}
	free(refs);
	free(dup);
}

/* ======================================================================
 * Channel
 * ====================================================================== */

typedef struct chan_scratch {
	char *it_image, *image_url, *media_thumb, *pod_image, *logo, *icon;
	char *description, *subtitle, *it_summary, *it_subtitle;
	char *it_author, *author, *editor, *dc_creator, *it_title;
	char *new_feed_url, *redirect;
} chan_scratch;

static void chan_core(const ctx *c, feed *f, chan_scratch *s, const xmlNode *n,
                      const char *l)
{
	if (!strcmp(l, "item") || !strcmp(l, "entry")) {
		read_item(c, f, n);
	} else if (!strcmp(l, "title")) {
		set_text_once(&f->title, n);
	} else if (!strcmp(l, "link")) {
		char *href = attr_text(n, "href"), *rel = attr_text(n, "rel");
		if (!href)
			set_once(&f->link, resolve_url(c, n, node_text_trim(n)));
		else if (!rel || str_ieq(rel, "alternate"))
			set_once(&f->link, resolve_url(c, n, href));
		else
			free(href);
		free(rel);
	} else if (!strcmp(l, "description")) {
		set_text_once(&s->description, n);
	} else if (!strcmp(l, "subtitle")) {
		set_text_once(&s->subtitle, n);
	} else if (!strcmp(l, "language")) {
		set_text_once(&f->language, n);
	} else if (!strcmp(l, "image")) {
		set_once(&s->image_url, resolve_url(c, n, child_text(n, "url", 1)));
	} else if (!strcmp(l, "logo") || !strcmp(l, "icon")) {
		set_once(l[0] == 'l' ? &s->logo : &s->icon,
		         resolve_url(c, n, node_text_trim(n)));
	} else if (!strcmp(l, "author")) {
		set_once(&s->author, author_text(n));
	} else if (!strcmp(l, "managingEditor")) {
		set_text_once(&s->editor, n);
	} else if (!strcmp(l, "redirect")) {
		/* legacy feed move: <redirect><newLocation>URL</newLocation> */
		set_once(&s->redirect, child_text(n, "newLocation", 0));
	}
}

static void chan_child(const ctx *c, feed *f, chan_scratch *s, const xmlNode *n)
{
	qname q = node_qname(n);
	const char *l = q.local;

	if (is_core(q.ns)) {
		chan_core(c, f, s, n, l);
	} else if (q.ns == NS_ITUNES) {
		if (!itunes_shared(c, n, l, &s->it_image, &s->it_author, &s->it_summary,
				   &s->it_subtitle, &s->it_title) &&
		    !strcmp(l, "new-feed-url"))
			set_text_once(&s->new_feed_url, n);
	} else if (q.ns == NS_PODCAST) {
		if (!strcmp(l, "guid"))
			set_text_once(&f->podcast_guid, n);
		else if (!strcmp(l, "image"))
			set_once(&s->pod_image, resolve_url(c, n, attr_text(n, "href")));
	} else if (q.ns == NS_MEDIA && !strcmp(l, "thumbnail")) {
		set_once(&s->media_thumb, resolve_url(c, n, attr_text(n, "url")));
	} else if (q.ns == NS_DC) {
		if (!strcmp(l, "creator"))
			set_text_once(&s->dc_creator, n);
		else if (!strcmp(l, "language"))
			set_text_once(&f->language, n);
	}
}

static void chan_finish(feed *f, chan_scratch *s)
{
	char **desc[] = {&s->description, &s->subtitle, &s->it_summary, &s->it_subtitle};
	char **author[] = {&s->it_author, &s->author, &s->editor, &s->dc_creator};
	char **image[] = {&s->it_image, &s->image_url, &s->pod_image,
	                  &s->media_thumb, &s->logo, &s->icon};
	char **moved[] = {&s->new_feed_url, &s->redirect};
	char **title[] = {&s->it_title};

	pick(&f->description, 4, desc);
	pick(&f->author, 4, author);
	pick(&f->image, 6, image);
	pick(&f->new_feed_url, 2, moved);
	pick(&f->title, 1, title);
	f->title = feed_xml_decode_entities(f->title);

	char **all[] = {&s->it_image, &s->image_url, &s->media_thumb, &s->pod_image,
	                &s->logo, &s->icon, &s->description, &s->subtitle,
	                &s->it_summary, &s->it_subtitle, &s->it_author, &s->author,
	                &s->editor, &s->dc_creator, &s->it_title,
	                &s->new_feed_url, &s->redirect};
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		free(*all[i]);
}

/* Text of the first core <link> without href: the fallback base URL. */
static char *channel_link_text(const xmlNode *chan)
{
	for (const xmlNode *n = chan->children; n; n = n->next) {
		if (!is_core_elem(n, "link"))
			continue;
		char *v = attr_text(n, "href");
		if (!v)
			v = node_text_trim(n);
		if (v && has_scheme(v))
			return v;
		free(v);
	}
	return NULL;
}

/*
 * Reads the channel (or Atom feed) element and every item: the channel's
 * own item/entry children plus, for RSS 1.0 and sloppy RSS, <item>
 * siblings of the channel under the root.
 */
static void read_feed(const char *base_url, feed *f, const xmlNode *root,
                      const xmlNode *chan)
{
	chan_scratch s;
	memset(&s, 0, sizeof s);
	ctx c = {base_url, NULL, (int64_t)time(NULL)};
	char *link = base_url ? NULL : channel_link_text(chan);
	c.fallback_base = link;

	for (const xmlNode *n = chan->children; n; n = n->next)
		if (is_elem(n))
			chan_child(&c, f, &s, n);
	if (root != chan) {
		for (const xmlNode *n = root->children; n; n = n->next) {
			if (n != chan && (is_core_elem(n, "item") || is_core_elem(n, "redirect")))
				chan_core(&c, f, &s, n, node_qname(n).local);
		}
	}
	if (!f->language)
		f->language = node_lang(chan);
	chan_finish(f, &s);
	assign_keys(f);
	free(link);
}

/* ======================================================================
 * Streaming (feed_xml_stream): the channel's children one at a time
 * ====================================================================== */

/* The visitor's state. chan_depth is the depth of the channel element
 * (0 for Atom's <feed>), or -1 before it is met. */
typedef struct streamer {
	ctx c;
	feed *f;
	chan_scratch s;
	char *link;  /* the fallback base when there is no base URL */
	char *lang;  /* xml:lang in scope at the channel */
	int chan_depth;
} streamer;

static int stream_start(void *user, xmlNode *n, int depth)
{
	streamer *st = user;
	if (depth == 0) {
		const char *name = node_qname(n).local;
		if (!strcmp(name, "feed")) {
			st->f->is_atom = 1;
			st->chan_depth = 0;
			st->lang = node_lang(n);
			return FX_DESCEND;
		}
		/* anything else (and <rss> without <channel>) is left to the
		 * DOM path and its messages */
		return !strcmp(name, "rss") || !strcmp(name, "RDF") ? FX_DESCEND : FX_STOP;
	}
	if (depth == st->chan_depth + 1)
		return FX_TAKE;
	if (depth == 1 && st->chan_depth < 0 && is_core_elem(n, "channel")) {
		st->chan_depth = 1;
		st->lang = node_lang(n);
		return FX_DESCEND;
	}
	/* RSS 1.0 and sloppy RSS: items beside the channel */
	return depth == 1 && (is_core_elem(n, "item") || is_core_elem(n, "redirect")) ? FX_TAKE
	                                                                                : FX_SKIP;
}

static void stream_take(void *user, xmlNode *n, int depth)
{
	streamer *st = user;
	if (depth != st->chan_depth + 1) {
		chan_core(&st->c, st->f, &st->s, n, node_qname(n).local);
		return;
	}
	/* Without a base URL the channel's link is the base for what follows
	 * it (the DOM path looks ahead; a link after the items is rare). */
	if (!st->c.base_url && !st->link && is_core_elem(n, "link")) {
		char *v = attr_text(n, "href");
		if (!v)
			v = node_text_trim(n);
		if (v && has_scheme(v))
			st->c.fallback_base = st->link = v;
		else
			free(v);
	}
	chan_child(&st->c, st->f, &st->s, n);
}

/* feed_parse's first try: 1 when the document streamed (out filled, *e set
 * on an entity bomb), 0 when the DOM path must decide (out emptied). */
static int read_streamed(const char *buf, size_t len, const char *base_url, feed *out,
			 char **e)
{
	int64_t budget = ENTITY_BUDGET + (int64_t)len;
	streamer st;
	memset(&st, 0, sizeof st);
	st.c.base_url = base_url;
	st.c.now = (int64_t)time(NULL);
	st.f = out;
	st.chan_depth = -1;
	feed_xml_visitor v = {stream_start, stream_take, &st, &budget};
	int ok = feed_xml_stream(buf, len, &v) && st.chan_depth >= 0;
	if (ok) {
		if (!out->language) {
			out->language = st.lang;
			st.lang = NULL;
		}
		chan_finish(out, &st.s);
		assign_keys(out);
		if (budget <= 0)
			*e = xstrdup("refused: entity expansion beyond limits (an XML entity bomb)");
	} else {
		chan_finish(out, &st.s);
		feed_free(out);
	}
	free(st.lang);
	free(st.link);
	return ok;
}

/* ======================================================================
 * Entry points
 * ====================================================================== */

static int is_blank_bytes(const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!isspace((unsigned char)buf[i]))
			return 0;
	return 1;
}

/* Finds the element holding channel data, or sets *err. */
static const xmlNode *find_channel(const xmlNode *root, feed *out, char **err)
{
	const char *name = node_qname(root).local;
	if (!strcmp(name, "feed")) {
		out->is_atom = 1;
		return root;
	}
	if (!strcmp(name, "rss") || !strcmp(name, "RDF")) {
		const xmlNode *chan = first_child(root, "channel", 1);
		if (chan)
			return chan;
		if (first_child(root, "redirect", 1))
			return root; /* a feed that only says where it moved */
		*err = xasprintf("not a podcast feed (<%s> without <channel>)", name);
		return NULL;
	}
	*err = xasprintf("not a podcast feed (root element <%.40s>)", (const char *)root->name);
	return NULL;
}

int feed_parse(const char *buf, size_t len, const char *base_url,
               const char *http_charset, feed *out, char **err)
{
	char *e = NULL, *warning = NULL;
	memset(out, 0, sizeof *out);

	if (!buf || is_blank_bytes(buf, len)) {
		e = xstrdup("empty document");
	} else if (len > INT_MAX) {
		e = xstrdup("document too large");
	} else if (read_streamed(buf, len, base_url, out, &e)) {
		/* the common case: a well-formed feed, never whole in memory */
	} else {
		xmlDoc *doc = feed_xml_read(buf, len, http_charset, &warning, &e);
		if (doc) {
			int64_t budget = ENTITY_BUDGET + (int64_t)len;
			doc->_private = &budget;
			const xmlNode *root = xmlDocGetRootElement(doc);
			const xmlNode *chan = find_channel(root, out, &e);
			if (chan)
				read_feed(base_url, out, root, chan);
			if (budget <= 0 && !e)
				e = xstrdup("refused: entity expansion beyond limits "
				            "(an XML entity bomb)");
			xmlFreeDoc(doc);
		}
	}
	if (e) {
		free(warning);
		feed_free(out);
		if (err)
			*err = e;
		else
			free(e);
		return -1;
	}
	out->warning = warning;
	return 0;
}

static void item_free(feed_item *it)
{
	char *strs[] = {it->key, it->guid, it->title, it->link, it->author,
	                it->enclosure_url, it->enclosure_type, it->notes,
	                it->image, it->episode_type, it->chapters_url,
	                it->chapters_type};
	for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
		free(strs[i]);
	for (size_t i = 0; i < it->ntranscripts; i++) {
		free(it->transcripts[i].url);
		free(it->transcripts[i].type);
		free(it->transcripts[i].language);
		free(it->transcripts[i].rel);
	}
	free(it->transcripts);
	chapter_list_clear(&it->psc);
}

void feed_free(feed *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->nitems; i++)
		item_free(&f->items[i]);
	free(f->items);
	char *strs[] = {f->title, f->link, f->description, f->author, f->image,
	                f->language, f->new_feed_url, f->podcast_guid, f->warning};
	for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
		free(strs[i]);
	memset(f, 0, sizeof *f);
}
