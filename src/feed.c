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

#include "feed_int.h"
#include "feed_xml.h"
#include "ptime.h"
#include "util.h"

/* An enclosure's length over a terabyte is a typo: unknown. */
#define MAX_ENCLOSURE_LENGTH (1LL << 40)

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
	if (!type && fnode_mime_from_url(url))
		type = xstrdup(fnode_mime_from_url(url));
	int av = fnode_is_av_type(type);
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
	char *v = fnode_attr_text(n, name);
	long long len = fnode_parse_uint(v);
	free(v);
	return len;
}

/* Podlove Simple Chapters: one <psc:chapters> block into it->psc. */
static void read_psc(const ctx *c, feed_item *it, const xmlNode *block)
{
	for (const xmlNode *n = block->children; n; n = n->next) {
		if (!fnode_is_elem(n))
			continue;
		qname q = fnode_qname(n);
		if (q.ns != NS_PSC || strcmp(q.local, "chapter"))
			continue;
		char *start = fnode_attr_text(n, "start");
		double t = ptime_npt(start);
		free(start);
		if (t < 0)
			continue; /* start is required */
		chapter ch = {0};
		ch.start = t;
		ch.end = -1;
		ch.title = fnode_attr_text(n, "title");
		ch.url = fnode_resolve_url(c, n, fnode_attr_text(n, "href"));
		ch.img = fnode_resolve_url(c, n, fnode_attr_text(n, "image"));
		ch.source = CHAP_SRC_PSC;
		chapter_list_push(&it->psc, ch);
	}
	chapter_list_sort(&it->psc);
}

static void read_transcript(const ctx *c, feed_item *it, const xmlNode *n)
{
	char *url = fnode_resolve_url(c, n, fnode_attr_text(n, "url"));
	if (!url)
		return;
	feed_transcript t = {0};
	t.url = url;
	t.type = fnode_attr_text(n, "type");
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
	t.language = fnode_attr_text(n, "language");
	t.rel = fnode_attr_text(n, "rel");
	it->transcripts = xrealloc(it->transcripts,
	                           (it->ntranscripts + 1) * sizeof *it->transcripts);
	it->transcripts[it->ntranscripts++] = t;
}

/* RSS/Atom <link>: RSS text, or Atom href with rel alternate/enclosure. */
static void item_link(const ctx *c, feed_item *it, scratch *s, const xmlNode *n)
{
	char *href = fnode_attr_text(n, "href");
	if (!href) {
		if (!it->link)
			it->link = fnode_resolve_url(c, n, fnode_text_trim(n));
		return;
	}
	char *rel = fnode_attr_text(n, "rel");
	if (!rel || str_ieq(rel, "alternate")) {
		fnode_set_once(&it->link, fnode_resolve_url(c, n, href));
	} else if (str_ieq(rel, "enclosure")) {
		offer_enclosure(&s->enc, fnode_resolve_url(c, n, href), fnode_attr_text(n, "type"),
		                attr_length(n, "length"));
	} else {
		free(href);
	}
	free(rel);
}

/* Atom <author><name>, RSS <author> text. */
static char *author_text(const xmlNode *n)
{
	const xmlNode *name = fnode_first_child(n, "name", 0);
	return fnode_text_trim(name ? name : n);
}

static void item_core(const ctx *c, feed_item *it, scratch *s, const xmlNode *n,
                      const char *l)
{
	if (!strcmp(l, "title")) {
		fnode_set_text_once(&it->title, n);
	} else if (!strcmp(l, "link")) {
		item_link(c, it, s, n);
	} else if (!strcmp(l, "guid") || !strcmp(l, "id")) {
		fnode_set_text_once(&it->guid, n);
	} else if (!strcmp(l, "description")) {
		fnode_set_text_once(&s->description, n);
	} else if (!strcmp(l, "summary")) {
		fnode_set_text_once(&s->summary, n);
	} else if (!strcmp(l, "content")) {
		char *type = fnode_attr_text(n, "type");
		if (!s->content)
			s->content = type && str_ieq(type, "xhtml") ? fnode_markup(n)
			                                            : fnode_text_trim(n);
		free(type);
	} else if (!strcmp(l, "pubDate") || !strcmp(l, "published") ||
	           !strcmp(l, "issued")) {
		fnode_set_text_once(&s->date_pub, n);
	} else if (!strcmp(l, "updated") || !strcmp(l, "modified")) {
		fnode_set_text_once(&s->date_upd, n);
	} else if (!strcmp(l, "enclosure")) {
		offer_enclosure(&s->enc, fnode_resolve_url(c, n, fnode_attr_text(n, "url")),
		                fnode_attr_text(n, "type"), attr_length(n, "length"));
	} else if (!strcmp(l, "author")) {
		fnode_set_once(&s->author, author_text(n));
	}
}

/* itunes:image: the URL is in href (Apple), sometimes url= or the text. */
static char *itunes_image(const ctx *c, const xmlNode *n)
{
	char *v = fnode_attr_text(n, "href");
	if (!v)
		v = fnode_attr_text(n, "url");
	if (!v)
		v = fnode_text_trim(n);
	return fnode_resolve_url(c, n, v);
}

/* itunes:episodeType: full/trailer/bonus (any case), anything else NULL. */
static char *episode_type(const xmlNode *n)
{
	char *v = fnode_text_trim(n);
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
		fnode_set_once(image, itunes_image(c, n));
	else if (!strcmp(l, "author"))
		fnode_set_text_once(author, n);
	else if (!strcmp(l, "summary"))
		fnode_set_text_once(summary, n);
	else if (!strcmp(l, "subtitle"))
		fnode_set_text_once(subtitle, n);
	else if (!strcmp(l, "title"))
		fnode_set_text_once(title, n);
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
		fnode_set_text_once(&s->duration, n);
	} else if (!strcmp(l, "episodeType")) {
		fnode_set_once(&it->episode_type, episode_type(n));
	} else if (!strcmp(l, "season") || !strcmp(l, "episode")) {
		char *v = fnode_text_trim(n);
		int *slot = l[0] == 's' ? &s->it_season : &s->it_episode;
		if (!*slot)
			*slot = fnode_parse_posint(v);
		free(v);
	}
}

static void item_podcast(const ctx *c, feed_item *it, scratch *s,
                         const xmlNode *n, const char *l)
{
	if (!strcmp(l, "chapters")) {
		if (!it->chapters_url) {
			it->chapters_url = fnode_resolve_url(c, n, fnode_attr_text(n, "url"));
			if (it->chapters_url)
				it->chapters_type = fnode_attr_text(n, "type");
		}
	} else if (!strcmp(l, "transcript")) {
		read_transcript(c, it, n);
	} else if (!strcmp(l, "image")) {
		fnode_set_once(&s->pod_image, fnode_resolve_url(c, n, fnode_attr_text(n, "href")));
	} else if (!strcmp(l, "season") || !strcmp(l, "episode")) {
		/* podcast:episode may be "315.5": only whole numbers fit here */
		char *v = fnode_text_trim(n);
		int *slot = l[0] == 's' ? &s->pod_season : &s->pod_episode;
		if (!*slot)
			*slot = fnode_parse_posint(v);
		free(v);
	}
}

/* media:content (possibly inside media:group) and media:thumbnail. */
static void item_media(const ctx *c, scratch *s, const xmlNode *n, const char *l)
{
	if (!strcmp(l, "content")) {
		char *type = fnode_attr_text(n, "type");
		char *url = fnode_resolve_url(c, n, fnode_attr_text(n, "url"));
		offer_enclosure(&s->media, url, type, attr_length(n, "fileSize"));
	} else if (!strcmp(l, "thumbnail")) {
		fnode_set_once(&s->media_thumb, fnode_resolve_url(c, n, fnode_attr_text(n, "url")));
	} else if (!strcmp(l, "group")) {
		for (const xmlNode *k = n->children; k; k = k->next) {
			if (!fnode_is_elem(k))
				continue;
			qname q = fnode_qname(k);
			if (q.ns == NS_MEDIA && strcmp(q.local, "group"))
				item_media(c, s, k, q.local);
		}
	}
}

static void item_child(const ctx *c, feed_item *it, scratch *s, const xmlNode *n)
{
	qname q = fnode_qname(n);
	const char *l = q.local;

	if (fnode_is_core(q.ns)) {
		item_core(c, it, s, n, l);
	} else if (q.ns == NS_ITUNES) {
		item_itunes(c, it, s, n, l);
	} else if (q.ns == NS_CONTENT) {
		if (!strcmp(l, "encoded"))
			fnode_set_text_once(&s->content_encoded, n);
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
			fnode_set_text_once(&s->dc_creator, n);
		else if (!strcmp(l, "date"))
			fnode_set_text_once(&s->dc_date, n);
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
		if (fnode_is_elem(n))
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
		fnode_set_text_once(&f->title, n);
	} else if (!strcmp(l, "link")) {
		char *href = fnode_attr_text(n, "href"), *rel = fnode_attr_text(n, "rel");
		if (!href)
			fnode_set_once(&f->link, fnode_resolve_url(c, n, fnode_text_trim(n)));
		else if (!rel || str_ieq(rel, "alternate"))
			fnode_set_once(&f->link, fnode_resolve_url(c, n, href));
		else
			free(href);
		free(rel);
	} else if (!strcmp(l, "description")) {
		fnode_set_text_once(&s->description, n);
	} else if (!strcmp(l, "subtitle")) {
		fnode_set_text_once(&s->subtitle, n);
	} else if (!strcmp(l, "language")) {
		fnode_set_text_once(&f->language, n);
	} else if (!strcmp(l, "image")) {
		fnode_set_once(&s->image_url, fnode_resolve_url(c, n, fnode_child_text(n, "url", 1)));
	} else if (!strcmp(l, "logo") || !strcmp(l, "icon")) {
		fnode_set_once(l[0] == 'l' ? &s->logo : &s->icon,
		         fnode_resolve_url(c, n, fnode_text_trim(n)));
	} else if (!strcmp(l, "author")) {
		fnode_set_once(&s->author, author_text(n));
	} else if (!strcmp(l, "managingEditor")) {
		fnode_set_text_once(&s->editor, n);
	} else if (!strcmp(l, "redirect")) {
		/* legacy feed move: <redirect><newLocation>URL</newLocation> */
		fnode_set_once(&s->redirect, fnode_child_text(n, "newLocation", 0));
	}
}

static void chan_child(const ctx *c, feed *f, chan_scratch *s, const xmlNode *n)
{
	qname q = fnode_qname(n);
	const char *l = q.local;

	if (fnode_is_core(q.ns)) {
		chan_core(c, f, s, n, l);
	} else if (q.ns == NS_ITUNES) {
		if (!itunes_shared(c, n, l, &s->it_image, &s->it_author, &s->it_summary,
				   &s->it_subtitle, &s->it_title) &&
		    !strcmp(l, "new-feed-url"))
			fnode_set_text_once(&s->new_feed_url, n);
	} else if (q.ns == NS_PODCAST) {
		if (!strcmp(l, "guid"))
			fnode_set_text_once(&f->podcast_guid, n);
		else if (!strcmp(l, "image"))
			fnode_set_once(&s->pod_image, fnode_resolve_url(c, n, fnode_attr_text(n, "href")));
	} else if (q.ns == NS_MEDIA && !strcmp(l, "thumbnail")) {
		fnode_set_once(&s->media_thumb, fnode_resolve_url(c, n, fnode_attr_text(n, "url")));
	} else if (q.ns == NS_DC) {
		if (!strcmp(l, "creator"))
			fnode_set_text_once(&s->dc_creator, n);
		else if (!strcmp(l, "language"))
			fnode_set_text_once(&f->language, n);
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
		if (!fnode_is_core_elem(n, "link"))
			continue;
		char *v = fnode_attr_text(n, "href");
		if (!v)
			v = fnode_text_trim(n);
		if (v && fnode_has_scheme(v))
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
		if (fnode_is_elem(n))
			chan_child(&c, f, &s, n);
	if (root != chan) {
		for (const xmlNode *n = root->children; n; n = n->next) {
			if (n != chan && (fnode_is_core_elem(n, "item") || fnode_is_core_elem(n, "redirect")))
				chan_core(&c, f, &s, n, fnode_qname(n).local);
		}
	}
	if (!f->language)
		f->language = fnode_lang(chan);
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
		const char *name = fnode_qname(n).local;
		if (!strcmp(name, "feed")) {
			st->f->is_atom = 1;
			st->chan_depth = 0;
			st->lang = fnode_lang(n);
			return FX_DESCEND;
		}
		/* anything else (and <rss> without <channel>) is left to the
		 * DOM path and its messages */
		return !strcmp(name, "rss") || !strcmp(name, "RDF") ? FX_DESCEND : FX_STOP;
	}
	if (depth == st->chan_depth + 1)
		return FX_TAKE;
	if (depth == 1 && st->chan_depth < 0 && fnode_is_core_elem(n, "channel")) {
		st->chan_depth = 1;
		st->lang = fnode_lang(n);
		return FX_DESCEND;
	}
	/* RSS 1.0 and sloppy RSS: items beside the channel */
	return depth == 1 && (fnode_is_core_elem(n, "item") || fnode_is_core_elem(n, "redirect")) ? FX_TAKE
	                                                                                : FX_SKIP;
}

static void stream_take(void *user, xmlNode *n, int depth)
{
	streamer *st = user;
	if (depth != st->chan_depth + 1) {
		chan_core(&st->c, st->f, &st->s, n, fnode_qname(n).local);
		return;
	}
	/* Without a base URL the channel's link is the base for what follows
	 * it (the DOM path looks ahead; a link after the items is rare). */
	if (!st->c.base_url && !st->link && fnode_is_core_elem(n, "link")) {
		char *v = fnode_attr_text(n, "href");
		if (!v)
			v = fnode_text_trim(n);
		if (v && fnode_has_scheme(v))
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
	const char *name = fnode_qname(root).local;
	if (!strcmp(name, "feed")) {
		out->is_atom = 1;
		return root;
	}
	if (!strcmp(name, "rss") || !strcmp(name, "RDF")) {
		const xmlNode *chan = fnode_first_child(root, "channel", 1);
		if (chan)
			return chan;
		if (fnode_first_child(root, "redirect", 1))
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
