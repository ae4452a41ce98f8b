/*
 * feed_int.h - what feed.c (items, channel, keys, streaming) and
 * feed_node.c (namespaces, text, values, URLs of libxml2 nodes) share;
 * internal to the feed module.
 *
 * Ownership: every char * returned is the caller's (free); the nodes
 * belong to the document being read. Threading: pure functions of their
 * arguments, safe on any thread (a document is read by one thread).
 */
#ifndef PODCUE_FEED_INT_H
#define PODCUE_FEED_INT_H

#include <stdint.h>

#include <libxml/tree.h>

/* Work budget (entity nodes visited + bytes copied from entity replacement
 * text) for a whole document: ENTITY_BUDGET plus the document's length, so
 * expansion stays linear in the input; a document that exhausts it is
 * refused as an entity bomb. Text written out in the document itself is
 * never charged. ENTITY_DEPTH bounds entities within entities. */
#define ENTITY_BUDGET 1000000L
#define ENTITY_DEPTH 8

/* NS_NONE: no namespace (RSS 2.0 core, namespace-less Atom); NS_RSS1:
 * RSS 1.0/0.90 core, treated like NS_NONE. */
enum ns { NS_NONE, NS_RSS1, NS_ATOM, NS_ITUNES, NS_CONTENT, NS_PODCAST,
	  NS_PSC, NS_MEDIA, NS_DC, NS_OTHER };
typedef struct qname {
	enum ns ns;
	const char *local;
} qname;
typedef struct ctx {
	const char *base_url; /* document URL from the caller, or NULL */
	const char *fallback_base; /* channel link when base_url is NULL */
	int64_t now; /* the parse's time: dates after a day from now are none */
} ctx;

/* Namespaces: an element's namespace and local name (undeclared prefixes
 * such as "itunes:" recognised), whether it is a core (RSS/Atom) one. */
qname fnode_qname(const xmlNode *n);
int fnode_is_core(enum ns ns);
int fnode_is_elem(const xmlNode *n);
int fnode_is_core_elem(const xmlNode *n, const char *local);

/* Text, with entity references expanded under the document's budget:
 * trimmed text of n, an attribute's, xml:lang in scope, the first child
 * element named local (core namespaces only when core_only) and its text,
 * the serialised children of an Atom type="xhtml" construct; NULL when
 * none. */
char *fnode_text_trim(const xmlNode *n);
char *fnode_attr_text(const xmlNode *n, const char *name);
char *fnode_lang(const xmlNode *n);
const xmlNode *fnode_first_child(const xmlNode *parent, const char *local, int core_only);
char *fnode_child_text(const xmlNode *parent, const char *local, int core_only);
char *fnode_markup(const xmlNode *n);
/* *slot = v unless already set (first one wins; v is then freed); the
 * same with n's text. */
void fnode_set_once(char **slot, char *v);
void fnode_set_text_once(char **slot, const xmlNode *n);

/* Values: a strict non-negative decimal (-1 when not one), a positive int
 * for itunes:season/episode (0 when none), a MIME type guessed from a
 * URL's extension (static, or NULL), whether a type is audio or video. */
long long fnode_parse_uint(const char *s);
int fnode_parse_posint(const char *s);
const char *fnode_mime_from_url(const char *url);
int fnode_is_av_type(const char *type);

/* URLs: whether s starts with a scheme ("http:", "mailto:"); raw (freed
 * here) trimmed and resolved against the document's URL (or the channel
 * link) and any xml:base at `at`, as written when absolute or when
 * resolution fails; NULL when empty. */
int fnode_has_scheme(const char *s);
char *fnode_resolve_url(const ctx *c, const xmlNode *at, char *raw);

#endif
