/*
 * feed.c - see feed.h. The field guide is shared/notes/formats.md §1-5, 7, 10.
 *
 * Pipeline: parse_doc() turns bytes into a libxml2 DOM, retrying with other
 * encodings, with HTML entities rewritten and finally in recovery mode;
 * read_feed()/read_item() walk the tree once, matching elements by
 * namespace URI (never by prefix); assign_keys() gives every item its
 * stable identity. The DOM is freed before feed_parse returns.
 *
 * Security: never XML_PARSE_NOENT or XML_PARSE_DTDLOAD, always
 * XML_PARSE_NONET. Internal entities that survive in the tree (entity
 * reference nodes) are expanded by our own text walker under a work budget,
 * because libxml2's own xmlNodeGetContent/xmlGetProp expand them without
 * limit (billion laughs). External entities are never expanded.
 */
#include "feed.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <libxml/HTMLparser.h>
#include <libxml/entities.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "ptime.h"
#include "util.h"

#define XML_OPTS                                                            \
	(XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOERROR |          \
	 XML_PARSE_NOWARNING)

/* Work budget (nodes visited + bytes copied) for expanding internal entity
 * references in one text value, and their maximum nesting. */
#define ENTITY_BUDGET 1000000L
#define ENTITY_DEPTH 8

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

/* ======================================================================
 * Text extraction (bounded entity expansion)
 * ====================================================================== */

static void collect_text(sbuf *b, const xmlNode *n, int depth, long *budget);

/* Appends the replacement text of an internal general entity reference.
 * External entities (SYSTEM/PUBLIC) are never read. */
static void collect_entity(sbuf *b, const xmlNode *ref, int depth, long *budget)
{
	if (depth >= ENTITY_DEPTH || !ref->doc)
		return;
	xmlEntity *ent = xmlGetDocEntity(ref->doc, ref->name);
	if (!ent || ent->etype != XML_INTERNAL_GENERAL_ENTITY)
		return;
	if (ent->children) {
		collect_text(b, ent->children, depth + 1, budget);
	} else if (ent->content && !strpbrk((const char *)ent->content, "&<")) {
		size_t n = strlen((const char *)ent->content);
		if ((long)n > *budget) {
			*budget = 0;
			return;
		}
		*budget -= (long)n;
		sb_append(b, (const char *)ent->content, n);
	}
}

/* Concatenates text and CDATA of n and its following siblings, descending
 * into elements, like xmlNodeGetContent but with a work budget. */
static void collect_text(sbuf *b, const xmlNode *n, int depth, long *budget)
{
	for (; n && *budget > 0; n = n->next) {
		(*budget)--;
		switch (n->type) {
		case XML_TEXT_NODE:
		case XML_CDATA_SECTION_NODE:
			if (n->content) {
				size_t len = strlen((const char *)n->content);
				if (depth > 0)
					*budget -= (long)len;
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

/* Text content of an element, or NULL when it has none. */
static char *node_text(const xmlNode *n)
{
	sbuf b = SBUF_INIT;
	long budget = ENTITY_BUDGET;
	collect_text(&b, n->children, 0, &budget);
	if (!b.s)
		return NULL;
	return sb_steal(&b);
}

/* Trimmed text content, or NULL when blank. */
static char *node_text_trim(const xmlNode *n)
{
	char *raw = node_text(n);
	char *t = str_trim_dup(raw);
	free(raw);
	return t;
}

/* Trimmed value of the un-namespaced attribute name, or NULL when absent or
 * blank. Reads attribute children itself (see collect_text). */
static char *attr_text(const xmlNode *n, const char *name)
{
	for (const xmlAttr *a = n->properties; a; a = a->next) {
		if (a->type != XML_ATTRIBUTE_NODE || strcmp((const char *)a->name, name))
			continue;
		sbuf b = SBUF_INIT;
		long budget = ENTITY_BUDGET;
		collect_text(&b, a->children, 0, &budget);
		char *t = str_trim_dup(b.s);
		sb_free(&b);
		return t;
	}
	return NULL;
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
static char *decode_entities_once(char *s)
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

	xmlChar *xbase = at ? xmlNodeGetBase(at->doc, at) : NULL;
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
	best->length = length > 0 ? length : -1;
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
	for (const xmlNode *k = n->children; k; k = k->next)
		if (is_elem(k) && strcmp(node_qname(k).local, "name") == 0)
			return node_text_trim(k);
	return node_text_trim(n);
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

static void item_itunes(const ctx *c, feed_item *it, scratch *s,
                        const xmlNode *n, const char *l)
{
	if (!strcmp(l, "duration")) {
		set_text_once(&s->duration, n);
	} else if (!strcmp(l, "image")) {
		set_once(&s->it_image, itunes_image(c, n));
	} else if (!strcmp(l, "summary")) {
		set_text_once(&s->it_summary, n);
	} else if (!strcmp(l, "subtitle")) {
		set_text_once(&s->it_subtitle, n);
	} else if (!strcmp(l, "title")) {
		set_text_once(&s->it_title, n);
	} else if (!strcmp(l, "author")) {
		set_text_once(&s->it_author, n);
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
static void finish_item(feed_item *it, scratch *s)
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
	it->title = decode_entities_once(it->title);

	char *d = NULL;
	pick(&d, 3, date);
	it->has_published = d && ptime_date(d, &it->published);
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
	if (f->nitems % 64 == 0)
		f->items = xrealloc(f->items, (f->nitems + 64) * sizeof *f->items);
	feed_item *it = &f->items[f->nitems];
	memset(it, 0, sizeof *it);
	it->feed_order = (int)f->nitems++;

	scratch s;
	memset(&s, 0, sizeof s);
	for (const xmlNode *n = node->children; n; n = n->next)
		if (is_elem(n))
			item_child(c, it, &s, n);
	finish_item(it, &s);
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

/* <redirect><newLocation>URL</newLocation></redirect> (legacy feed move). */
static char *redirect_location(const xmlNode *n)
{
	for (const xmlNode *k = n->children; k; k = k->next)
		if (is_elem(k) && !strcmp(node_qname(k).local, "newLocation"))
			return node_text_trim(k);
	return NULL;
}

/* RSS <image><url>. */
static char *image_url(const xmlNode *n)
{
	for (const xmlNode *k = n->children; k; k = k->next)
		if (is_elem(k) && is_core(node_qname(k).ns) &&
		    !strcmp(node_qname(k).local, "url"))
			return node_text_trim(k);
	return NULL;
}

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
		set_once(&s->image_url, resolve_url(c, n, image_url(n)));
	} else if (!strcmp(l, "logo") || !strcmp(l, "icon")) {
		set_once(l[0] == 'l' ? &s->logo : &s->icon,
		         resolve_url(c, n, node_text_trim(n)));
	} else if (!strcmp(l, "author")) {
		set_once(&s->author, author_text(n));
	} else if (!strcmp(l, "managingEditor")) {
		set_text_once(&s->editor, n);
	} else if (!strcmp(l, "redirect")) {
		set_once(&s->redirect, redirect_location(n));
	}
}

static void chan_child(const ctx *c, feed *f, chan_scratch *s, const xmlNode *n)
{
	qname q = node_qname(n);
	const char *l = q.local;

	if (is_core(q.ns)) {
		chan_core(c, f, s, n, l);
	} else if (q.ns == NS_ITUNES) {
		if (!strcmp(l, "image")) {
			set_once(&s->it_image, itunes_image(c, n));
		} else if (!strcmp(l, "author")) {
			set_text_once(&s->it_author, n);
		} else if (!strcmp(l, "summary")) {
			set_text_once(&s->it_summary, n);
		} else if (!strcmp(l, "subtitle")) {
			set_text_once(&s->it_subtitle, n);
		} else if (!strcmp(l, "title")) {
			set_text_once(&s->it_title, n);
		} else if (!strcmp(l, "new-feed-url")) {
			set_text_once(&s->new_feed_url, n);
		}
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
	f->title = decode_entities_once(f->title);

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
		if (!is_elem(n) || !is_core(node_qname(n).ns) ||
		    strcmp(node_qname(n).local, "link"))
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
	ctx c = {base_url, NULL};
	char *link = base_url ? NULL : channel_link_text(chan);
	c.fallback_base = link;

	for (const xmlNode *n = chan->children; n; n = n->next)
		if (is_elem(n))
			chan_child(&c, f, &s, n);
	if (root != chan) {
		for (const xmlNode *n = root->children; n; n = n->next) {
			if (!is_elem(n) || n == chan || !is_core(node_qname(n).ns))
				continue;
			const char *l = node_qname(n).local;
			if (!strcmp(l, "item") || !strcmp(l, "redirect"))
				chan_core(&c, f, &s, n, l);
		}
	}
	if (!f->language) {
		xmlChar *lang = xmlNodeGetLang(chan);
		f->language = str_trim_dup((const char *)lang);
		xmlFree(lang);
	}
	chan_finish(f, &s);
	assign_keys(f);
	free(link);
}

/* ======================================================================
 * Parsing bytes into a document (formats.md §10.1-10.3)
 * ====================================================================== */

/* The first real error libxml2 reported during one parse attempt. */
typedef struct xerr {
	int code, line, domain;
	char msg[256];
} xerr;

/* Structured error handler: keeps the first error, skipping warnings and
 * the non-fatal "namespace prefix not defined" class. Never prints. */
static void on_xml_error(void *user, xmlErrorPtr e)
{
	xerr *x = user;
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
			const char *next = memchr(p + 1, '<', left - 1);
			const char *amp = memchr(p + 1, '&', left - 1);
			if (!next || (amp && amp < next))
				next = amp;
			size_t run = next ? (size_t)(next - p) : left;
			sb_append(&b, p, run);
			i += run;
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

/*
 * Bytes to DOM, per formats.md §10.1: as declared; on an encoding error
 * with the HTTP charset, then windows-1252; then with HTML entities and
 * bare ampersands rewritten; finally in recovery mode. Sets *warning when
 * anything but the first attempt succeeded, *err when nothing did.
 */
static xmlDoc *parse_doc(const char *buf, size_t len, const char *http_charset,
                         char **warning, char **err)
{
	xerr first, e;
	xmlDoc *doc = read_attempt(buf, len, NULL, 0, &first);
	if (doc)
		return doc;

	const char *data = buf, *enc = NULL;
	size_t dlen = len;
	if (is_encoding_error(&first)) {
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
	if (doc)
		*warning = fmt_xerr("recovered from malformed XML", &first);
	else
		*err = fmt_xerr("malformed XML", &first);
	return doc;
}

/* ======================================================================
 * Entry points
 * ====================================================================== */

static const xmlNode *child_elem(const xmlNode *parent, const char *local)
{
	for (const xmlNode *n = parent->children; n; n = n->next)
		if (is_elem(n) && is_core(node_qname(n).ns) &&
		    !strcmp(node_qname(n).local, local))
			return n;
	return NULL;
}

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
		const xmlNode *chan = child_elem(root, "channel");
		if (chan)
			return chan;
		if (child_elem(root, "redirect"))
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
	} else {
		xmlDoc *doc = parse_doc(buf, len, http_charset, &warning, &e);
		if (doc) {
			const xmlNode *root = xmlDocGetRootElement(doc);
			const xmlNode *chan = find_channel(root, out, &e);
			if (chan)
				read_feed(base_url, out, root, chan);
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
