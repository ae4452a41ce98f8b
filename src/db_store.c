/*
 * db_store.c - storing a parsed feed: its podcast row, and its items as
 * episodes (with their links, transcripts and chapters) in batches, each
 * item's identity kept when a feed rewrites its guids, unchanged items
 * skipped by their hash. See db.h for the contracts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_int.h"
#include "util.h"

/* --- storing a parsed feed ------------------------------------------- */

/* The statements db_store_feed reuses for every item. */
struct store_stmts {
	sqlite3_stmt *find, *upsert, *del_links, *add_link, *del_tr, *add_tr, *pend, *unraw;
	dbi_chapter_stmts ch;
};

static void store_stmts_free(struct store_stmts *s)
{
	sqlite3_finalize(s->find);
	sqlite3_finalize(s->upsert);
	sqlite3_finalize(s->del_links);
	sqlite3_finalize(s->add_link);
	sqlite3_finalize(s->del_tr);
	sqlite3_finalize(s->add_tr);
	sqlite3_finalize(s->pend);
	sqlite3_finalize(s->unraw);
	dbi_chapter_stmts_free(&s->ch);
}

static int store_stmts_init(db *d, struct store_stmts *s)
{
	memset(s, 0, sizeof *s);
	s->find = dbi_prep(d, "SELECT item_hash FROM episode WHERE podcast_id = ? AND key = ?");
	s->upsert = dbi_prep(d,
		"INSERT INTO episode (podcast_id, key, guid, title, link, author,"
		" published, duration, enclosure_url, enclosure_type, enclosure_length,"
		" notes_html, notes_text, image, season, episode, episode_type,"
		" chapters_url, chapters_type, feed_order, first_seen, item_hash)"
		" VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,"
		" ?22)"
		" ON CONFLICT (podcast_id, key) DO UPDATE SET"
		" guid=excluded.guid, title=excluded.title, link=excluded.link,"
		" author=excluded.author, published=excluded.published,"
		" duration=excluded.duration, enclosure_url=excluded.enclosure_url,"
		" enclosure_type=excluded.enclosure_type,"
		" enclosure_length=excluded.enclosure_length,"
		" notes_html=excluded.notes_html, notes_text=excluded.notes_text,"
		" image=excluded.image, season=excluded.season, episode=excluded.episode,"
		" episode_type=excluded.episode_type, chapters_url=excluded.chapters_url,"
		" chapters_fetched = CASE WHEN chapters_url IS excluded.chapters_url"
		"   THEN chapters_fetched END,"
		" chapters_type=excluded.chapters_type, feed_order=excluded.feed_order,"
		" item_hash=excluded.item_hash"
		" RETURNING id");
	s->del_links = dbi_prep(d, "DELETE FROM episode_link WHERE episode_id = ?");
	s->add_link = dbi_prep(d, DBI_ADD_LINK_SQL);
	s->del_tr = dbi_prep(d, "DELETE FROM transcript WHERE episode_id = ?");
	s->add_tr = dbi_prep(d, "INSERT INTO transcript (episode_id, n, url, type, language, rel)"
			    " VALUES (?, ?, ?, ?, ?, ?)");
	/* A row left by a deleted episode whose id is used again says
	 * nothing about this one. */
	s->pend = dbi_prep(d, "INSERT INTO search_pending (eid, raw) VALUES (?, ?)"
			      " ON CONFLICT (eid) DO UPDATE SET raw = excluded.raw");
	s->unraw = dbi_prep(d, "UPDATE search_pending SET raw = 0 WHERE eid = ? AND raw");
	if (!s->find || !s->upsert || !s->del_links || !s->add_link || !s->del_tr ||
	    !s->add_tr || !s->pend || !s->unraw || dbi_chapter_stmts_init(d, &s->ch) != 0) {
		store_stmts_free(s);
		return -1;
	}
	return 0;
}

int dbi_store_links(db *d, sqlite3_stmt *add, int64_t episode_id, char *const *links,
		    size_t n)
{
	for (size_t i = 0; i < n; i++) {
		sqlite3_bind_int64(add, 1, episode_id);
		sqlite3_bind_int64(add, 2, (int64_t)i + 1);
		dbi_bind_text(add, 3, links[i]);
		if (dbi_step_reset(d, add, "store a link") != 0)
			return -1;
	}
	return 0;
}

static int store_item_children(db *d, struct store_stmts *s, int64_t ep,
			       const feed_item *it, const db_item_extra *x)
{
	sqlite3_bind_int64(s->del_links, 1, ep);
	if (dbi_step_reset(d, s->del_links, "replace links") != 0)
		return -1;
	if (x && dbi_store_links(d, s->add_link, ep, x->links, x->nlinks) != 0)
		return -1;
	sqlite3_bind_int64(s->del_tr, 1, ep);
	if (dbi_step_reset(d, s->del_tr, "replace transcripts") != 0)
		return -1;
	for (size_t i = 0; i < it->ntranscripts; i++) {
		const feed_transcript *t = &it->transcripts[i];
		sqlite3_bind_int64(s->add_tr, 1, ep);
		sqlite3_bind_int64(s->add_tr, 2, (int64_t)i + 1);
		dbi_bind_text(s->add_tr, 3, t->url);
		dbi_bind_text(s->add_tr, 4, t->type);
		dbi_bind_text(s->add_tr, 5, t->language);
		dbi_bind_text(s->add_tr, 6, t->rel);
		if (dbi_step_reset(d, s->add_tr, "store transcript") != 0)
			return -1;
	}
	if (dbi_store_chapters(d, &s->ch, ep, CHAP_SRC_PSC, &it->psc) != 0)
		return -1;
	return dbi_store_chapters(d, &s->ch, ep, CHAP_SRC_NOTES, x ? x->notes_chapters : NULL);
}

/* --- the item hash (db_item_hash) --- */

/* Bumped whenever what db_store_feed writes for an item changes, so that
 * every row is written again once. */
#define ITEM_HASH_VERSION 1

/* Fed field by field, eight bytes at a time (a multiply and a shift per
 * word: the notes of 30,000 items hash in a few milliseconds). Detects
 * changes; not meant to resist a feed crafting collisions, which could
 * only keep its own item's old text. */
static uint64_t h_bytes(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	const uint64_t k = 0x9E3779B97F4A7C15ULL;
	uint64_t w;
	for (; n >= 8; b += 8, n -= 8) {
		memcpy(&w, b, 8);
		h = (h ^ w) * k;
		h ^= h >> 29;
	}
	w = (uint64_t)n << 56;
	for (size_t i = 0; i < n; i++)
		w |= (uint64_t)b[i] << (8 * i);
	h = (h ^ w) * k;
	return h ^ (h >> 29);
}

static uint64_t h_str(uint64_t h, const char *s)
{
	if (!s)
		return h_bytes(h, "\xff\xfe", 2); /* never the bytes of a string */
	return h_bytes(h, s, strlen(s) + 1);
}

static uint64_t h_int(uint64_t h, int64_t v)
{
	return h_bytes(h, &v, sizeof v);
}

static uint64_t h_dbl(uint64_t h, double v)
{
	return h_bytes(h, &v, sizeof v);
}

static uint64_t h_chapters(uint64_t h, const chapter_list *l)
{
	size_t n = l ? l->n : 0;
	h = h_int(h, (int64_t)n);
	for (size_t i = 0; i < n; i++) {
		const chapter *c = &l->v[i];
		h = h_dbl(h_dbl(h, c->start), c->end);
		h = h_str(h_str(h_str(h, c->title), c->url), c->img);
		h = h_int(h, c->hidden);
	}
	return h;
}

/* The feed order as stored: counted from the end of the feed, so that an
 * item added at the top (as feeds grow) leaves every other item's value,
 * and hash, as it was. The order within a feed is the same. */
static int stored_order(const feed_item *it, size_t nitems)
{
	return it->feed_order - (int)nitems;
}

uint64_t db_item_hash(const feed_item *it, const db_item_extra *x, size_t nitems)
{
	uint64_t h = h_int(1469598103934665603ULL, ITEM_HASH_VERSION);
	h = h_str(h_str(h_str(h, it->key), it->guid), it->title);
	h = h_str(h_str(h, it->link), it->author);
	h = h_int(h, it->has_published ? it->published : INT64_MIN);
	h = h_dbl(h, it->duration >= 0 ? it->duration : -1.0);
	h = h_str(h_str(h, it->enclosure_url), it->enclosure_type);
	h = h_int(h, it->enclosure_length >= 0 ? it->enclosure_length : -1);
	int derived = x && !x->raw; /* raw extras follow from the notes */
	h = h_str(h_str(h, it->notes), derived ? x->notes_text : NULL);
	h = h_str(h, it->image);
	h = h_int(h_int(h, it->season > 0 ? it->season : 0), it->episode > 0 ? it->episode : 0);
	h = h_str(h_str(h_str(h, it->episode_type), it->chapters_url), it->chapters_type);
	h = h_int(h, stored_order(it, nitems));
	h = h_int(h, derived ? (int64_t)x->nlinks : -1);
	for (size_t i = 0; derived && i < x->nlinks; i++)
		h = h_str(h, x->links[i]);
	h = h_int(h, (int64_t)it->ntranscripts);
	for (size_t i = 0; i < it->ntranscripts; i++) {
		const feed_transcript *t = &it->transcripts[i];
		h = h_str(h_str(h_str(h_str(h, t->url), t->type), t->language), t->rel);
	}
	h = h_chapters(h, &it->psc);
	h = h_chapters(h, derived ? x->notes_chapters : NULL);
	return h ? h : 1;
}

/* What store_item does with an item. */
enum item_state { ITEM_SAME, ITEM_CHANGED, ITEM_NEW };

/* Whether the item is cached with this hash, cached otherwise, or new;
 * -1 on error. */
static int item_state(db *d, struct store_stmts *s, int64_t pid, const feed_item *it,
		      uint64_t hash)
{
	sqlite3_bind_int64(s->find, 1, pid);
	dbi_bind_text(s->find, 2, it->key);
	int rc = sqlite3_step(s->find);
	int st = ITEM_NEW;
	if (rc == SQLITE_ROW)
		st = sqlite3_column_type(s->find, 0) != SQLITE_NULL &&
				     (uint64_t)sqlite3_column_int64(s->find, 0) == hash
			     ? ITEM_SAME
			     : ITEM_CHANGED;
	sqlite3_reset(s->find);
	sqlite3_clear_bindings(s->find);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return dbi_fail(d, "look up episode");
	return st;
}

static int store_item(db *d, struct store_stmts *s, int64_t pid, const feed_item *it,
		      const db_item_extra *x, size_t nitems, uint64_t hash, int64_t when,
		      int pending, int raw)
{
	sqlite3_stmt *u = s->upsert;
	sqlite3_bind_int64(u, 1, pid);
	dbi_bind_text(u, 2, it->key);
	dbi_bind_text(u, 3, it->guid);
	dbi_bind_text(u, 4, it->title);
	dbi_bind_text(u, 5, it->link);
	dbi_bind_text(u, 6, it->author);
	dbi_bind_opt_int(u, 7, it->published, it->has_published);
	dbi_bind_opt_double(u, 8, it->duration);
	dbi_bind_text(u, 9, it->enclosure_url);
	dbi_bind_text(u, 10, it->enclosure_type);
	dbi_bind_opt_int(u, 11, it->enclosure_length, it->enclosure_length >= 0);
	dbi_bind_text(u, 12, it->notes);
	dbi_bind_text(u, 13, x ? x->notes_text : NULL);
	dbi_bind_text(u, 14, it->image);
	dbi_bind_opt_int(u, 15, it->season, it->season > 0);
	dbi_bind_opt_int(u, 16, it->episode, it->episode > 0);
	dbi_bind_text(u, 17, it->episode_type);
	dbi_bind_text(u, 18, it->chapters_url);
	dbi_bind_text(u, 19, it->chapters_type);
	sqlite3_bind_int(u, 20, stored_order(it, nitems));
	sqlite3_bind_int64(u, 21, when);
	sqlite3_bind_int64(u, 22, (sqlite3_int64)hash);
	int rc = sqlite3_step(u);
	int64_t ep = rc == SQLITE_ROW ? sqlite3_column_int64(u, 0) : 0;
	if (rc == SQLITE_ROW)
		rc = sqlite3_step(u);
	sqlite3_reset(u);
	sqlite3_clear_bindings(u);
	if (rc != SQLITE_DONE || !ep)
		return dbi_fail(d, "store episode");
	if (pending) { /* before its chapters: they are left out of the index too */
		sqlite3_bind_int64(s->pend, 1, ep);
		sqlite3_bind_int(s->pend, 2, raw);
		if (dbi_step_reset(d, s->pend, "mark episode for indexing") != 0)
			return -1;
	} else if (x && !x->raw) { /* derived now: a raw episode no longer */
		sqlite3_bind_int64(s->unraw, 1, ep);
		if (dbi_step_reset(d, s->unraw, "store derived notes") != 0)
			return -1;
	}
	return store_item_children(d, s, ep, it, raw ? NULL : x);
}

/* The feed's items among the podcast's episodes (?1 podcast, ?2 a JSON
 * array of item keys), and their chapters from the feed (PSC, notes):
 * what db_store_feed may rewrite, for dbi_search_snapshot/apply. */
#define FEED_EPISODES "e.podcast_id = ?1 AND e.key IN (SELECT value FROM json_each(?2))"
#define FEED_CHAPTERS                                                                    \
	"c.source IN ('psc', 'notes') AND c.episode_id IN (SELECT id FROM episode"          \
	" WHERE podcast_id = ?1 AND key IN (SELECT value FROM json_each(?2)))"

/* The keys of items [lo, hi) (those with pick[i - lo] set when pick is
 * not NULL) as a JSON array of strings. */
static char *keys_json(const feed *f, size_t lo, size_t hi, const unsigned char *pick)
{
	sbuf b = SBUF_INIT;
	sb_putc(&b, '[');
	int first = 1;
	for (size_t i = lo; i < hi; i++) {
		if (pick && !pick[i - lo])
			continue;
		sb_puts(&b, first ? "\"" : ",\"");
		first = 0;
		const unsigned char *p = (const unsigned char *)f->items[i].key;
		for (; p && *p; p++) {
			if (*p == '"' || *p == '\\')
				sb_printf(&b, "\\%c", *p);
			else if (*p < 0x20)
				sb_printf(&b, "\\u%04x", *p);
			else
				sb_putc(&b, (char)*p);
		}
		sb_putc(&b, '"');
	}
	sb_putc(&b, ']');
	return sb_steal(&b);
}

/* keys_json of the items whose state is not ITEM_SAME. */
static char *keys_json_changed(const feed *f, size_t lo, size_t hi, const unsigned char *state)
{
	unsigned char *pick = xcalloc(hi - lo ? hi - lo : 1, 1);
	for (size_t i = 0; i < hi - lo; i++)
		pick[i] = state[i] != ITEM_SAME;
	char *k = keys_json(f, lo, hi, pick);
	free(pick);
	return k;
}

static int store_podcast_row(db *d, int64_t id, const feed *f, const char *etag,
			     const char *last_modified, uint64_t content_hash, int64_t when)
{
	sqlite3_stmt *st = dbi_prep(d,
		"UPDATE podcast SET title = coalesce(nullif(?1, ''), title), link = ?2, description = ?3,"
		" author = ?4, image = ?5, language = ?6, podcast_guid = ?7, etag = ?8,"
		" last_modified = ?9, content_hash = ?10, last_refresh = ?11, last_error = NULL"
		" WHERE id = ?12");
	if (!st)
		return -1;
	dbi_bind_text(st, 1, f->title);
	dbi_bind_text(st, 2, f->link);
	dbi_bind_text(st, 3, f->description);
	dbi_bind_text(st, 4, f->author);
	dbi_bind_text(st, 5, f->image);
	dbi_bind_text(st, 6, f->language);
	dbi_bind_text(st, 7, f->podcast_guid);
	dbi_bind_text(st, 8, etag);
	dbi_bind_text(st, 9, last_modified);
	sqlite3_bind_int64(st, 10, (sqlite3_int64)content_hash);
	sqlite3_bind_int64(st, 11, when);
	sqlite3_bind_int64(st, 12, id);
	return dbi_run(d, st, "store podcast");
}

/* Re-keys episode ep to key; 1 when done, 0 when another episode of the
 * podcast has that key, -1 on error. */
static int rekey(db *d, sqlite3_stmt *st, int64_t ep, const char *key)
{
	sqlite3_bind_int64(st, 1, ep);
	dbi_bind_text(st, 2, key);
	if (dbi_step_reset(d, st, "re-key episode") != 0)
		return -1;
	return sqlite3_changes(d->h) > 0;
}

/* Same key, but both the enclosure and the title changed: a new item has
 * taken over the guid of an old one. */
static int guid_taken_over(const feed_item *it, const char *enc, const char *title)
{
	return enc && it->enclosure_url && strcmp(enc, it->enclosure_url) != 0 && title &&
	       it->title && strcmp(title, it->title) != 0;
}

/* The statements of reconcile_keys. */
struct id_stmts {
	sqlite3_stmt *find, *by_enclosure, *rekey;
};

/* Moves the episode a new item took the key of to a key of its own:
 * key + "\n" + its enclosure (what the item would be keyed if it came
 * back beside the new one), else + "\n#" + its id. */
static int move_aside(db *d, struct id_stmts *s, const char *key, int64_t ep, const char *enc)
{
	char *k = xasprintf("%s\n%s", key, enc);
	int rc = rekey(d, s->rekey, ep, k);
	free(k);
	if (rc == 0) {
		k = xasprintf("%s\n#%lld", key, (long long)ep);
		rc = rekey(d, s->rekey, ep, k);
		free(k);
	}
	return rc < 0 ? -1 : 0;
}

/* One item of reconcile_keys. */
static int reconcile_item(db *d, struct id_stmts *s, int64_t pid, const feed_item *it,
			  const char *keys)
{
	sqlite3_bind_int64(s->find, 1, pid);
	dbi_bind_text(s->find, 2, it->key);
	int found = sqlite3_step(s->find) == SQLITE_ROW;
	int64_t ep = found ? sqlite3_column_int64(s->find, 0) : 0;
	char *enc = found ? dbi_col_text(s->find, 1) : NULL;
	char *title = found ? dbi_col_text(s->find, 2) : NULL;
	sqlite3_reset(s->find);
	int rc = 0, taken = found && guid_taken_over(it, enc, title);
	if (taken)
		rc = move_aside(d, s, it->key, ep, enc);
	free(enc);
	free(title);
	if (rc != 0 || (found && !taken) || !it->enclosure_url)
		return rc;
	sqlite3_bind_int64(s->by_enclosure, 1, pid);
	dbi_bind_text(s->by_enclosure, 2, it->enclosure_url);
	dbi_bind_text(s->by_enclosure, 3, keys);
	int match = sqlite3_step(s->by_enclosure) == SQLITE_ROW;
	ep = match ? sqlite3_column_int64(s->by_enclosure, 0) : 0;
	sqlite3_reset(s->by_enclosure);
	return match && rekey(d, s->rekey, ep, it->key) < 0 ? -1 : 0;
}

/* Identities hold across refreshes. The feed module keys each item (guid,
 * else enclosure, ...; formats.md §10.6); before the items are stored,
 * episodes are re-keyed so that
 * - an episode whose key a new item took over (same guid, but a new
 *   enclosure and a new title) keeps its row, played state and queue
 *   place under a key of its own, and the new item gets a new row;
 * - an item with a key the cache does not know, whose enclosure is that
 *   of an episode whose key left the feed (a guid that changes on every
 *   refresh, a guid no longer shared), is that episode: it takes its row.
 * Re-keying touches no indexed text, so the search index is unaffected. */
static int reconcile_keys(db *d, int64_t pid, const feed *f, const char *keys, size_t lo,
			  size_t hi)
{
	struct id_stmts s = {
		dbi_prep(d, "SELECT id, enclosure_url, title FROM episode"
			    " WHERE podcast_id = ? AND key = ?"),
		dbi_prep(d, "SELECT id FROM episode WHERE podcast_id = ?1 AND enclosure_url = ?2"
			    " AND key NOT IN (SELECT value FROM json_each(?3)) ORDER BY id LIMIT 1"),
		dbi_prep(d, "UPDATE OR IGNORE episode SET key = ?2 WHERE id = ?1"),
	};
	int rc = s.find && s.by_enclosure && s.rekey ? 0 : -1;
	for (size_t i = lo; i < hi && rc == 0; i++)
		rc = reconcile_item(d, &s, pid, &f->items[i], keys);
	sqlite3_finalize(s.find);
	sqlite3_finalize(s.by_enclosure);
	sqlite3_finalize(s.rekey);
	return rc;
}

/* One batch of a store: items [lo, hi). Only the items whose hash
 * differs from the stored one are written, indexed in bulk (see
 * dbi_search_defer), and only their index rows are compared and
 * rewritten (dbi_search_snapshot/apply). */
static int store_batch(db *d, struct store_stmts *s, int64_t id, const feed *f,
		       const db_item_extra *extra, size_t lo, size_t hi, int64_t when,
		       db_store_stats *stats)
{
	size_t n = hi - lo, nwrite = 0;
	unsigned char *state = xcalloc(n ? n : 1, 1);
	uint64_t *hash = xcalloc(n ? n : 1, sizeof *hash);
	int rc = 0;
	for (size_t i = lo; i < hi && rc == 0; i++) {
		const db_item_extra *x = extra ? &extra[i] : NULL;
		hash[i - lo] = x && x->hash ? x->hash : db_item_hash(&f->items[i], x, f->nitems);
		int st = item_state(d, s, id, &f->items[i], hash[i - lo]);
		if (st < 0)
			rc = -1;
		else
			state[i - lo] = (unsigned char)st;
		nwrite += st > ITEM_SAME;
		stats->added += st == ITEM_NEW;
		stats->updated += st == ITEM_CHANGED;
	}
	char *keys = NULL;
	if (rc == 0 && nwrite) {
		keys = keys_json_changed(f, lo, hi, state);
		rc = dbi_search_defer(d);
		if (rc == 0)
			rc = dbi_search_snapshot(d, FEED_EPISODES, FEED_CHAPTERS, id, keys);
	}
	for (size_t i = lo; i < hi && rc == 0; i++) {
		if (!state[i - lo]) {
			stats->unchanged++;
			continue;
		}
		int pending = d->index_later && state[i - lo] == ITEM_NEW;
		const db_item_extra *x = extra ? &extra[i] : NULL;
		/* A new episode indexed later is derived later too; any
		 * other raw item is derived here (db_set_deriver). */
		int raw = x && x->raw && pending && db_have_deriver();
		db_item_extra now;
		db_derived dv = {0};
		if (x && x->raw && !raw) {
			dbi_derive(f->items[i].notes, f->items[i].duration, &dv);
			now = (db_item_extra){dv.text, dv.links, dv.nlinks, &dv.chapters, x->hash, 0};
			x = &now;
		}
		rc = store_item(d, s, id, &f->items[i], x, f->nitems, hash[i - lo], when, pending,
				raw);
		db_derived_free(&dv);
	}
	if (rc == 0 && nwrite)
		rc = dbi_search_apply(d, FEED_EPISODES, FEED_CHAPTERS, id, keys);
	if (rc == 0 && nwrite)
		rc = dbi_search_resume(d);
	free(keys);
	free(state);
	free(hash);
	return rc;
}

/* The items [lo, hi) in the current transaction. */
static int store_range(db *d, int64_t id, const feed *f, const db_item_extra *extra,
		       size_t lo, size_t hi, int64_t when, db_store_stats *stats)
{
	struct store_stmts s;
	if (store_stmts_init(d, &s) != 0)
		return -1;
	int rc = store_batch(d, &s, id, f, extra, lo, hi, when, stats);
	store_stmts_free(&s);
	return rc;
}

/* The last transaction of a store: the podcast row and the move. */
static int store_feed_row(db *d, int64_t id, const feed *f, const char *etag,
			  const char *last_modified, uint64_t content_hash, int64_t when,
			  const char *new_url)
{
	int rc = store_podcast_row(d, id, f, etag, last_modified, content_hash, when);
	if (rc == 0 && new_url)
		rc = db_podcast_set_url(d, id, new_url);
	return rc;
}

/* The size of the next batch of a big feed: as many items as take about
 * DB_STORE_BATCH_MS at the pace of the last batch (ms milliseconds for n
 * items), whatever the machine's load. */
static size_t next_batch(size_t n, int64_t ms)
{
	size_t want = ms > 0 ? (size_t)((double)n * DB_STORE_BATCH_MS / (double)ms) : n * 2;
	if (want > n * 2)
		want = n * 2; /* grow gently */
	return want < 16 ? 16 : want > 2000 ? 2000 : want;
}

int db_store_feed_to(db *d, int64_t id, const feed *f, const db_item_extra *extra,
		     const char *etag, const char *last_modified, uint64_t content_hash,
		     int64_t when, const char *new_url, db_store_stats *stats)
{
	memset(stats, 0, sizeof *stats);
	int own;
	if (dbi_txn_begin(d, &own) != 0)
		return -1;
	size_t batch = own && f->nitems > DB_STORE_WHOLE ? 64 : f->nitems + 1;
	char *keys = keys_json(f, 0, f->nitems, NULL);
	int rc = 0;
	for (size_t lo = 0; rc == 0;) {
		int64_t t0 = now_ms();
		size_t hi = f->nitems - lo > batch ? lo + batch : f->nitems;
		rc = reconcile_keys(d, id, f, keys, lo, hi);
		if (rc == 0)
			rc = store_range(d, id, f, extra, lo, hi, when, stats);
		stats->batches++;
		if (rc != 0 || hi == f->nitems)
			break;
		/* Whole episodes so far; the validators wait for the last. */
		rc = dbi_txn_end(d, own, rc);
		batch = next_batch(hi - lo, now_ms() - t0);
		lo = hi;
		if (rc == 0) {
			db_pace(d);
			rc = db_begin(d);
		}
		if (rc != 0) {
			if (!sqlite3_get_autocommit(d->h))
				db_rollback(d);
			free(keys);
			return -1;
		}
	}
	free(keys);
	if (rc == 0)
		rc = store_feed_row(d, id, f, etag, last_modified, content_hash, when, new_url);
	rc = dbi_txn_end(d, own, rc);
	if (rc == 0 && own)
		db_pace(d);
	return rc;
}

int db_store_feed(db *d, int64_t id, const feed *f, const db_item_extra *extra,
		  const char *etag, const char *last_modified, uint64_t content_hash,
		  int64_t when, db_store_stats *stats)
{
	return db_store_feed_to(d, id, f, extra, etag, last_modified, content_hash, when, NULL,
				stats);
}
