/*
 * db_episode.c - episodes: lists, pages and counts for the TUI, one
 * episode with its notes, links, transcripts, playback position and
 * played state (storing them from a feed is db_store.c). See db.h for the
 * contracts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_int.h"
#include "util.h"

/* --- episodes --------------------------------------------------------- */

#define EPISODE_COLS                                                         \
	"e.id, e.podcast_id, p.title, e.key, e.guid, e.title, e.link, e.author," \
	" e.published, e.duration, e.enclosure_url, e.enclosure_type,"       \
	" e.enclosure_length, e.image, e.season, e.episode, e.episode_type," \
	" e.chapters_url, e.chapters_type, e.played, e.position,"       \
	" coalesce(e.last_played, 0)"

static void episode_from_row(sqlite3_stmt *st, db_episode *e)
{
	memset(e, 0, sizeof *e);
	e->id = sqlite3_column_int64(st, 0);
	e->podcast_id = sqlite3_column_int64(st, 1);
	e->podcast_title = dbi_col_text(st, 2);
	e->key = dbi_col_text(st, 3);
	e->guid = dbi_col_text(st, 4);
	e->title = dbi_col_text(st, 5);
	e->link = dbi_col_text(st, 6);
	e->author = dbi_col_text(st, 7);
	e->has_published = sqlite3_column_type(st, 8) != SQLITE_NULL;
	e->published = sqlite3_column_int64(st, 8);
	e->duration = dbi_col_opt_double(st, 9);
	e->enclosure_url = dbi_col_text(st, 10);
	e->enclosure_type = dbi_col_text(st, 11);
	e->enclosure_length = sqlite3_column_type(st, 12) == SQLITE_NULL
				      ? -1
				      : sqlite3_column_int64(st, 12);
	e->image = dbi_col_text(st, 13);
	e->season = sqlite3_column_int(st, 14);
	e->episode = sqlite3_column_int(st, 15);
	e->episode_type = dbi_col_text(st, 16);
	e->chapters_url = dbi_col_text(st, 17);
	e->chapters_type = dbi_col_text(st, 18);
	e->played = sqlite3_column_int(st, 19);
	e->position = dbi_col_opt_double(st, 20);
	e->last_played = sqlite3_column_int64(st, 21);
}

void db_episode_free(db_episode *e)
{
	if (!e)
		return;
	free(e->podcast_title);
	free(e->key);
	free(e->guid);
	free(e->title);
	free(e->link);
	free(e->author);
	free(e->enclosure_url);
	free(e->enclosure_type);
	free(e->image);
	free(e->episode_type);
	free(e->chapters_url);
	free(e->chapters_type);
	free(e->notes_html);
	free(e->notes_text);
	memset(e, 0, sizeof *e);
}

void db_episode_list_free(db_episode *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		db_episode_free(&v[i]);
	free(v);
}

static void fill_episode(sqlite3_stmt *st, void *e)
{
	episode_from_row(st, e);
}

static void release_episodes(void *v, size_t n)
{
	db_episode_list_free(v, n);
}

/* The episode order of every list and page: newest first, undated after
 * dated in feed order, the id breaking ties. The v3 paging indexes hold
 * exactly this order (rowid last). The filters are spelled out per case
 * rather than as "?1 = 0 OR ...", which would defeat the indexes, and
 * "played = 0" matches the partial indexes' WHERE so the planner can use
 * them. */
#define EPISODE_FROM " FROM episode e JOIN podcast p ON p.id = e.podcast_id"
#define EPISODE_ORDER " ORDER BY e.published IS NULL, e.published DESC, e.feed_order, e.id"

/* [per podcast][unplayed only]; ?1 = podcast id. */
static const char *const episode_where[2][2] = {
	{"", " WHERE e.played = 0"},
	{" WHERE e.podcast_id = ?1", " WHERE e.podcast_id = ?1 AND e.played = 0"},
};

/* The ids of one page (?2 limit, ?3 offset), read from the index alone:
 * rows skipped by the offset cost an index step each, not a row lookup
 * and a join. The filter goes between PAGE_IDS_HEAD and PAGE_IDS_TAIL. */
#define PAGE_IDS_HEAD "SELECT e.id FROM episode e"
#define PAGE_IDS_TAIL EPISODE_ORDER " LIMIT ?2 OFFSET ?3"

/* Prepares head + the filter for these arguments + tail, ?1 bound. */
static sqlite3_stmt *prep_filtered(db *d, const char *head, int64_t podcast_id,
				   int unplayed_only, const char *tail)
{
	sbuf b = SBUF_INIT;
	sb_puts(&b, head);
	sb_puts(&b, episode_where[podcast_id != 0][unplayed_only != 0]);
	sb_puts(&b, tail);
	sqlite3_stmt *st = dbi_prep(d, b.s);
	sb_free(&b);
	if (st)
		sqlite3_bind_int64(st, 1, podcast_id);
	return st;
}

/* Oldest first is the exact reverse of EPISODE_ORDER, so the same
 * indexes serve it, read backwards. */
#define EPISODE_ORDER_OLDEST                                                   \
	" ORDER BY e.published IS NULL DESC, e.published, e.feed_order DESC, e.id DESC"
#define PAGE_IDS_TAIL_OLDEST EPISODE_ORDER_OLDEST " LIMIT ?2 OFFSET ?3"
#define PAGE_JOIN ") AS k JOIN episode e ON e.id = k.id JOIN podcast p ON p.id = e.podcast_id"

int db_episode_page(db *d, int64_t podcast_id, int unplayed_only, size_t offset, size_t limit,
		    db_episode **out, size_t *n)
{
	return db_episode_page_sorted(d, podcast_id, unplayed_only, 0, offset, limit, out, n);
}

int db_episode_page_sorted(db *d, int64_t podcast_id, int unplayed_only, int oldest_first,
			   size_t offset, size_t limit, db_episode **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	/* Then the page's rows in order: a sort of at most limit rows. */
	sqlite3_stmt *st =
		oldest_first ? prep_filtered(d, "SELECT " EPISODE_COLS " FROM (" PAGE_IDS_HEAD,
					     podcast_id, unplayed_only,
					     PAGE_IDS_TAIL_OLDEST PAGE_JOIN EPISODE_ORDER_OLDEST)
			     : prep_filtered(d, "SELECT " EPISODE_COLS " FROM (" PAGE_IDS_HEAD,
					     podcast_id, unplayed_only,
					     PAGE_IDS_TAIL PAGE_JOIN EPISODE_ORDER);
	if (!st)
		return -1;
	dbi_bind_size(st, 2, limit);
	dbi_bind_size(st, 3, offset);
	void *v;
	int rc = dbi_collect_rows(d, st, sizeof **out, fill_episode, release_episodes, &v, n,
				  "list episodes");
	*out = v;
	return rc;
}

int db_episode_list(db *d, int64_t podcast_id, db_episode **out, size_t *n)
{
	/* Every row: one index scan in order, no sort. */
	sqlite3_stmt *st = prep_filtered(d, "SELECT " EPISODE_COLS EPISODE_FROM, podcast_id, 0,
					 EPISODE_ORDER);
	if (!st)
		return -1;
	void *v;
	int rc = dbi_collect_rows(d, st, sizeof **out, fill_episode, release_episodes, &v, n,
				  "list episodes");
	*out = v;
	return rc;
}

int db_episode_each(db *d, int64_t podcast_id, int oldest_first,
		    int (*fn)(const db_episode *e, void *ctx), void *ctx)
{
	sqlite3_stmt *st = prep_filtered(d, "SELECT " EPISODE_COLS EPISODE_FROM, podcast_id, 0,
					 oldest_first ? EPISODE_ORDER_OLDEST : EPISODE_ORDER);
	if (!st)
		return -1;
	int rc, stop = 0;
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		db_episode e;
		episode_from_row(st, &e);
		stop = fn(&e, ctx);
		db_episode_free(&e);
	}
	sqlite3_finalize(st);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? 0 : dbi_fail(d, "list episodes");
}

int db_episode_count(db *d, int64_t podcast_id, int unplayed_only, size_t *n)
{
	*n = 0;
	sqlite3_stmt *st = prep_filtered(d, "SELECT count(*) FROM episode e", podcast_id,
					 unplayed_only, "");
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*n = (size_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : dbi_fail(d, "count episodes");
}

/* The sort key of EPISODE_ORDER as a row value: a row comes before
 * episode ?4 in the list when its key is smaller (newest first) or
 * greater (oldest first). */
#define SORT_KEY(t) "((" t ".published IS NULL), -coalesce(" t ".published, 0), " t ".feed_order, " t ".id)"

int db_episode_index(db *d, int64_t podcast_id, int unplayed_only, int oldest_first,
		     int64_t id, size_t *index)
{
	*index = 0;
	sbuf b = SBUF_INIT;
	sb_puts(&b, "SELECT (SELECT count(*) FROM episode e");
	sb_puts(&b, episode_where[podcast_id != 0][unplayed_only != 0]);
	sb_puts(&b, podcast_id || unplayed_only ? " AND " : " WHERE ");
	sb_printf(&b, "%s %c %s) FROM episode t WHERE t.id = ?4", SORT_KEY("e"),
		  oldest_first ? '>' : '<', SORT_KEY("t"));
	if (podcast_id)
		sb_puts(&b, " AND t.podcast_id = ?1");
	if (unplayed_only)
		sb_puts(&b, " AND t.played = 0");
	sqlite3_stmt *st = dbi_prep(d, b.s);
	sb_free(&b);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, podcast_id);
	sqlite3_bind_int64(st, 4, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*index = (size_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? 1 : dbi_fail(d, "find episode in list");
}

/* In progress: a saved position, not played (the partial index's WHERE,
 * spelled the same so the planner uses it). */
#define IN_PROGRESS " WHERE e.position > 0 AND e.played = 0"
#define PROGRESS_ORDER " ORDER BY e.last_played DESC, e.id DESC"

int db_episode_progress_page(db *d, size_t offset, size_t limit, db_episode **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = dbi_prep(d, "SELECT " EPISODE_COLS EPISODE_FROM IN_PROGRESS
				   PROGRESS_ORDER " LIMIT ?1 OFFSET ?2");
	if (!st)
		return -1;
	dbi_bind_size(st, 1, limit);
	dbi_bind_size(st, 2, offset);
	void *v;
	int rc = dbi_collect_rows(d, st, sizeof **out, fill_episode, release_episodes, &v, n,
				  "list episodes in progress");
	*out = v;
	return rc;
}

int db_episode_progress_count(db *d, size_t *n)
{
	*n = 0;
	sqlite3_stmt *st = dbi_prep(d, "SELECT count(*) FROM episode e" IN_PROGRESS);
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*n = (size_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : dbi_fail(d, "count episodes in progress");
}

int db_episode_last_played(db *d, int64_t *id)
{
	*id = 0;
	sqlite3_stmt *st = dbi_prep(d, "SELECT id FROM episode WHERE last_played IS NOT NULL"
				   " ORDER BY last_played DESC LIMIT 1");
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? 1 : dbi_fail(d, "last played episode");
}

int dbi_episode_page_plan(db *d, int64_t podcast_id, int unplayed_only, char **plan)
{
	*plan = NULL;
	sqlite3_stmt *st = prep_filtered(d, "EXPLAIN QUERY PLAN " PAGE_IDS_HEAD, podcast_id,
					 unplayed_only, PAGE_IDS_TAIL);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 2, 50);
	sqlite3_bind_int64(st, 3, 0);
	sbuf b = SBUF_INIT;
	int rc;
	/* Columns: id, parent, notused, detail. */
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		sb_printf(&b, "%s\n", (const char *)sqlite3_column_text(st, 3));
	sqlite3_finalize(st);
	*plan = sb_steal(&b);
	return rc == SQLITE_DONE ? 0 : dbi_fail(d, "explain");
}

int db_episode_get(db *d, int64_t id, db_episode *out)
{
	sqlite3_stmt *st = dbi_prep(d, "SELECT " EPISODE_COLS ", e.notes_html, e.notes_text"
				   " FROM episode e JOIN podcast p ON p.id = e.podcast_id"
				   " WHERE e.id = ?");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		episode_from_row(st, out);
		out->notes_html = dbi_col_text(st, 22);
		out->notes_text = dbi_col_text(st, 23);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW && !out->notes_text && out->notes_html) {
		db_derived x; /* a raw episode: its text derived here */
		int raw = dbi_derive_raw(d, id, &x);
		out->notes_text = x.text;
		x.text = NULL;
		db_derived_free(&x);
		if (raw < 0) {
			db_episode_free(out);
			return -1;
		}
	}
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? 1 : dbi_fail(d, "episode lookup");
}

int db_episode_set_position(db *d, int64_t id, double pos)
{
	/* Saving a position is listening: it dates the episode for the
	 * Continue list and for "resume the last played". */
	sqlite3_stmt *st = dbi_prep(d, "UPDATE episode SET position = ?1,"
				   " last_played = CASE WHEN ?1 IS NULL THEN last_played"
				   "  ELSE " DBI_NOW_MS " END WHERE id = ?2");
	if (!st)
		return -1;
	dbi_bind_opt_double(st, 1, pos);
	sqlite3_bind_int64(st, 2, id);
	if (dbi_run(d, st, "save position") != 0)
		return -1;
	return sqlite3_changes(d->h) ? 0 : 1;
}

int db_episode_set_played(db *d, int64_t id, int played)
{
	/* Marking played also forgets the position: playing it again starts
	 * from the beginning, as users expect of a finished episode. */
	sqlite3_stmt *st = dbi_prep(d, "UPDATE episode SET played = ?1,"
				   " position = CASE WHEN ?1 THEN NULL ELSE position END"
				   " WHERE id = ?2");
	if (!st)
		return -1;
	sqlite3_bind_int(st, 1, played ? 1 : 0);
	sqlite3_bind_int64(st, 2, id);
	if (dbi_run(d, st, "mark played") != 0)
		return -1;
	return sqlite3_changes(d->h) ? 0 : 1;
}

static void fill_link(sqlite3_stmt *st, void *l)
{
	*(char **)l = dbi_col_text(st, 0);
}

static void release_links(void *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(((char **)v)[i]);
	free(v);
}

int db_episode_links(db *d, int64_t id, char ***links, size_t *n)
{
	db_derived x; /* a raw episode: its links derived here */
	int raw = dbi_derive_raw(d, id, &x);
	if (raw != 0) {
		*links = raw > 0 ? x.links : NULL;
		*n = raw > 0 ? x.nlinks : 0;
		x.links = NULL;
		x.nlinks = 0;
		db_derived_free(&x);
		return raw > 0 ? 0 : -1;
	}
	sqlite3_stmt *st = dbi_prep(d, "SELECT url FROM episode_link WHERE episode_id = ?"
				       " ORDER BY n");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	void *v;
	int rc = dbi_collect_rows(d, st, sizeof **links, fill_link, release_links, &v, n, "links");
	*links = v;
	return rc;
}

static void fill_transcript(sqlite3_stmt *st, void *p)
{
	db_transcript *t = p;
	t->url = dbi_col_text(st, 0);
	t->type = dbi_col_text(st, 1);
	t->language = dbi_col_text(st, 2);
	t->rel = dbi_col_text(st, 3);
}

static void release_transcripts(void *v, size_t n)
{
	db_transcript_list_free(v, n);
}

int db_episode_transcripts(db *d, int64_t id, db_transcript **out, size_t *n)
{
	sqlite3_stmt *st = dbi_prep(d, "SELECT url, type, language, rel FROM transcript"
				   " WHERE episode_id = ? ORDER BY n");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	void *v;
	int rc = dbi_collect_rows(d, st, sizeof **out, fill_transcript, release_transcripts, &v, n,
				  "transcripts");
	*out = v;
	return rc;
}

void db_transcript_list_free(db_transcript *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].url);
		free(v[i].type);
		free(v[i].language);
		free(v[i].rel);
	}
	free(v);
}

