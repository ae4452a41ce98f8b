/*
 * db.h - the local cache. ALL SQL in podcue lives in the db module (src/db.c
 * and src/db_*.c) behind these typed functions; nothing else includes
 * sqlite3.h.
 *
 * The database is opened in WAL mode with foreign keys on and a busy timeout,
 * so a TUI and a `podcue refresh` in another process can share it. The schema
 * is versioned with PRAGMA user_version and migrated forward on open.
 *
 * Ownership: every struct filled by a db_* function owns its strings; free
 * it with the matching *_free / *_list_free function. Return convention:
 * 0 = success, 1 = not found (where stated), -1 = error (message from
 * db_errmsg()).
 */
#ifndef PODCUE_DB_H
#define PODCUE_DB_H

#include <stddef.h>
#include <stdint.h>

#include "chapter.h"
#include "feed.h"
#include "heard.h"
#include "transcript.h"

#define DB_SCHEMA_VERSION 17

typedef struct db db;

/* Opens (creating if needed) the cache at path and migrates it. On failure
 * returns -1 with *err set (caller frees). */
int db_open(const char *path, db **out, char **err);
/* A function db_open calls with a one-line message (without "podcue: ")
 * before a schema migration that takes seconds (rebuilding the search
 * index of a big cache), so the user knows why the start is slow. NULL
 * (the default) says nothing. Process-wide; set it before db_open. */
void db_set_migrate_notice(void (*fn)(const char *msg));
void db_close(db *d);
const char *db_errmsg(db *d);
/* 1 when the cache was opened read-only because it cannot be written (a
 * read-only file system, a file without write permission): reading works,
 * writes fail with "the cache is on a read-only filesystem" (or "the cache
 * file is not writable"). A cache error names a full disk ("the disk
 * holding the cache is full") and a lock another process held past the
 * 10 s busy timeout ("the cache is locked by another podcue (pid N)"). */
int db_readonly(db *d);
int db_schema_version(db *d);

/* After a call failed (-1): 1 when trying again later may succeed (the
 * cache was locked by another connection, the disk was full, read-only or
 * failed), 0 for a lasting error (a constraint, a corrupt file). */
int db_err_transient(db *d);
/* After a call failed: 1 when another connection held the lock. */
int db_err_busy(db *d);
/* How long a statement waits for another connection's lock (ms); db_open
 * sets 10 s. */
void db_set_busy_timeout(db *d, int ms);

/* Write transactions are IMMEDIATE so writers queue on the busy timeout
 * instead of failing with SQLITE_BUSY mid-transaction. */
int db_begin(db *d);
int db_commit(db *d);
void db_rollback(db *d);
/* After a failed write: resets any statement left part-way (it would pin
 * an old snapshot, and in WAL mode every later write would then fail with
 * SQLITE_BUSY_SNAPSHOT) and rolls back a transaction left open, so that
 * the next try starts afresh. */
void db_settle(db *d);

typedef struct db_podcast {
	int64_t id;
	char *url;
	char *title;
	char *link;
	char *description;
	char *author;
	char *image;
	char *etag;
	char *last_modified;
	char *last_error;
	int64_t last_refresh; /* 0 = never */
	int64_t episodes;     /* count of cached episodes */
	int64_t unplayed;
	int is_local;         /* added by the user as a local file: file:// allowed */
	uint64_t content_hash; /* hash of the last parsed body (skip identical) */
	int sort_order;       /* DB_SORT_*: its own episode order, or DB_SORT_DEFAULT */
	int64_t retry_after;  /* Unix time its server asked not to be asked before
	                         (Retry-After on a 429 or 503), or 0 */
} db_podcast;

/* A podcast's episode order: its own, or (DEFAULT) the oldest_first setting. */
enum { DB_SORT_DEFAULT = -1, DB_SORT_NEWEST = 0, DB_SORT_OLDEST = 1 };

void db_podcast_free(db_podcast *p);
void db_podcast_list_free(db_podcast *v, size_t n);

/* Subscribes url. *existed is set when it (or an alias of it) was already
 * subscribed; *id receives the podcast id either way. */
int db_podcast_add(db *d, const char *url, int is_local, int64_t *id, int *existed);
/* Finds by numeric id or by feed URL (current or former). 1 = not found. */
int db_podcast_find(db *d, const char *id_or_url, db_podcast *out);
int db_podcast_get(db *d, int64_t id, db_podcast *out);
/* Where a podcast's files are fetched from, for the URL rules: whether it
 * is local, and its feed URL in *url (caller frees; NULL when the podcast
 * cannot be read, then *is_local is 0). */
void db_podcast_origin(db *d, int64_t id, int *is_local, char **url);
/* All podcasts ordered by title, with episode and unplayed counts. */
int db_podcast_list(db *d, db_podcast **out, size_t *n);
/* Removes the podcast and (cascading) its episodes. 1 = not found. */
int db_podcast_remove(db *d, int64_t id);
/* Records a refresh failure (message kept, cached episodes untouched).
 * last_refresh stays the time of the last successful check: a failed
 * fetch does not make the cache any fresher. */
int db_podcast_set_error(db *d, int64_t id, const char *err);
/* Records a check that found nothing new (HTTP 304 or identical body):
 * updates last_refresh and clears last_error; nothing else is written. */
int db_podcast_touch(db *d, int64_t id, int64_t when);
/* Records the time before which the podcast's server asked not to be
 * asked again (a Retry-After); 0 clears it. */
int db_podcast_set_retry_after(db *d, int64_t id, int64_t when);
/* Names a podcast that has no title yet (say, with the title of its
 * outline in an imported OPML file); a title the feed gave is kept, and
 * the feed's own title replaces this one once it has one. NULL or blank
 * title: nothing is written. */
int db_podcast_set_title(db *d, int64_t id, const char *title);
/* Moves the podcast to a new feed URL, keeping the old one as an alias so
 * re-imports and `remove OLDURL` still find it. */
int db_podcast_set_url(db *d, int64_t id, const char *new_url);
/* Remembers a podcast's episode order (DB_SORT_*). 1 = not found. */
int db_podcast_set_sort(db *d, int64_t id, int sort_order);

/* The playback speed last chosen for the podcast into *speed: 0, or 1 when
 * none was (the speed setting applies), -1 on error. speed <= 0 forgets it. */
int db_podcast_speed(db *d, int64_t id, double *speed);
int db_podcast_set_speed(db *d, int64_t id, double speed);

/* Per-item data derived by the caller (show notes as text and their links,
 * chapters found in the notes). Arrays are parallel to feed->items. */
typedef struct db_item_extra {
	const char *notes_text;
	char *const *links;
	size_t nlinks;
	const chapter_list *notes_chapters; /* may be NULL */
	uint64_t hash; /* db_item_hash of the item, or 0: db_store_feed
	                  computes it */
	int raw;       /* the three above are not filled: the item's notes
	                  are to be derived (db_set_deriver, db_derived) */
} db_item_extra;

typedef struct db_store_stats {
	int added;     /* new episodes */
	int updated;   /* existing episodes whose feed data was rewritten */
	int unchanged; /* items whose hash matched: nothing written */
	int batches;   /* transactions the items were written in */
} db_store_stats;

/* When db_store_feed runs its own transactions: a feed of at most
 * DB_STORE_WHOLE items is stored in one (a kill leaves it wholly old or
 * wholly new); a bigger one in batches of about DB_STORE_BATCH_MS of
 * writing each, so that another process waits milliseconds for the write
 * lock, never for the whole of a big feed. */
#define DB_STORE_WHOLE 256
#define DB_STORE_BATCH_MS 50

/* A hash of everything db_store_feed writes for item it of a feed of
 * nitems items with the extras x (may be NULL): its columns, links,
 * transcripts and feed chapters. Raw extras are not hashed (they follow
 * from the notes, which are). Pure (no database): the parse thread
 * computes it. Never 0. */
uint64_t db_item_hash(const feed_item *it, const db_item_extra *x, size_t nitems);

/* Stores a parsed feed for podcast id: podcast metadata, conditional-GET
 * validators, every item upserted by its key (played state and position
 * are never touched), the item's links, transcripts and PSC/notes chapters
 * replaced, the search index updated. An item whose db_item_hash equals
 * the stored one is not written at all (nor its links, chapters or index
 * rows): a refresh that finds one new item among 5,000 writes one row.
 * Episodes missing from the feed stay in the cache.
 *
 * Inside the caller's transaction everything is written in it (on failure
 * the caller must roll back). Without one, the items are written in
 * batches (see DB_STORE_WHOLE; each episode whole in one), and the
 * podcast row with its validators and content hash, and the move to
 * new_url (db_podcast_set_url; NULL: none), in the last: a kill between
 * them leaves whole episodes and the old validators, so the next refresh
 * fetches the feed in full and completes it. Between transactions the
 * writer paces itself (db_pace). */
int db_store_feed(db *d, int64_t id, const feed *f, const db_item_extra *extra,
		  const char *etag, const char *last_modified, uint64_t content_hash,
		  int64_t when, db_store_stats *stats);
int db_store_feed_to(db *d, int64_t id, const feed *f, const db_item_extra *extra,
		     const char *etag, const char *last_modified, uint64_t content_hash,
		     int64_t when, const char *new_url, db_store_stats *stats);

/* For writers that run many transactions back to back (a refresh): called
 * between them. SQLite gives the write lock to whoever asks while it is
 * free, and a waiting process polls it (every 100 ms once it has waited a
 * while), so back-to-back transactions would starve it: once this
 * connection has written for DB_PACE_RUN_MS without a pause, it pauses for
 * DB_PACE_GAP_MS. */
#define DB_PACE_RUN_MS 500
#define DB_PACE_GAP_MS 150
void db_pace(db *d);

typedef struct db_episode {
	int64_t id;
	int64_t podcast_id;
	char *podcast_title;
	char *key;
	char *guid;
	char *title;
	char *link;
	char *author;
	int64_t published;
	int has_published;
	double duration; /* < 0 = unknown */
	char *enclosure_url;
	char *enclosure_type;
	int64_t enclosure_length; /* -1 = unknown */
	char *image;
	int season;
	int episode;
	char *episode_type;
	char *chapters_url;
	char *chapters_type;
	int played;
	double position; /* < 0 = none saved */
	int64_t last_played; /* when a position was last saved, Unix ms; 0 = never */
	/* Filled only by db_episode_get: */
	char *notes_html;
	char *notes_text;
} db_episode;

void db_episode_free(db_episode *e);
void db_episode_list_free(db_episode *v, size_t n);

/* Episodes of one podcast (podcast_id > 0) or of all podcasts (0), newest
 * first (undated ones after dated, in feed order). Notes are not loaded. */
int db_episode_list(db *d, int64_t podcast_id, db_episode **out, size_t *n);
/* The same episodes in the same order (oldest_first: the exact reverse),
 * one at a time: each is passed to fn (valid during the call only), so
 * memory stays bounded whatever the size of the library. A non-zero return
 * from fn stops the walk and is returned; -1 on a database error. */
int db_episode_each(db *d, int64_t podcast_id, int oldest_first,
		    int (*fn)(const db_episode *e, void *ctx),
		    void *ctx);
/* One page of the same list, for screens that show a window of it: rows
 * offset .. offset+limit-1 in db_episode_list's order, only unplayed
 * episodes when unplayed_only. Reads only those rows through an index
 * (cost grows with offset + limit, not with the number of episodes).
 * *out is NULL and *n 0 when the page is empty. */
int db_episode_page(db *d, int64_t podcast_id, int unplayed_only, size_t offset, size_t limit,
		    db_episode **out, size_t *n);
/* Number of episodes db_episode_page can return for these filters. */
int db_episode_count(db *d, int64_t podcast_id, int unplayed_only, size_t *n);
/* db_episode_page in either order: oldest_first lists the exact reverse
 * of newest first (so undated episodes, which come last, come first). */
int db_episode_page_sorted(db *d, int64_t podcast_id, int unplayed_only, int oldest_first,
			   size_t offset, size_t limit, db_episode **out, size_t *n);
/* The row of episode id in that list (what offset shows it) into *index.
 * 1 = the episode is not in the list (another podcast, or played while
 * unplayed_only). */
int db_episode_index(db *d, int64_t podcast_id, int unplayed_only, int oldest_first,
		     int64_t id, size_t *index);
/* Episodes in progress (a saved position, not played) of every podcast,
 * most recently played first: one page, and how many there are. */
int db_episode_progress_page(db *d, size_t offset, size_t limit, db_episode **out, size_t *n);
int db_episode_progress_count(db *d, size_t *n);
/* The episode whose position was saved last (played since or not) into
 * *id. 1 = nothing was ever played. */
int db_episode_last_played(db *d, int64_t *id);
/* One episode with its notes. 1 = not found. */
int db_episode_get(db *d, int64_t id, db_episode *out);
/* Saves the playback position (pos < 0 clears it) and, when it saves
 * one, stamps the episode last_played. 1 = no such episode. */
int db_episode_set_position(db *d, int64_t id, double pos);
/* Marks played (which also clears the position) or unplayed. 1 = not found. */
int db_episode_set_played(db *d, int64_t id, int played);
/* The numbered links of an episode's notes (1-based order). */
int db_episode_links(db *d, int64_t id, char ***links, size_t *n);

typedef struct db_transcript {
	char *url;
	char *type;
	char *language;
	char *rel;
} db_transcript;
int db_episode_transcripts(db *d, int64_t id, db_transcript **out, size_t *n);
void db_transcript_list_free(db_transcript *v, size_t n);

/* Chapters of one source for an episode (sorted by start), appended to
 * out; on an error out is left as it was. */
int db_chapters_get(db *d, int64_t episode_id, int source, chapter_list *out);
/* Every source's chapters merged into out (appended; see chapter_merge),
 * then the user's bookmarks (CHAP_SRC_USER, never merged away), sorted
 * by start. Hidden chapters stay in the list, flagged. */
int db_chapters_merged(db *d, int64_t episode_id, chapter_list *out);
/* The episode's visible chapter list (chapter_list_visible of the merged
 * list) into out, cleared first: what the details pane numbers, what
 * playback jumps to and what the worker counts. Every front end reads the
 * list through here. -1 on a cache error (out is then empty). */
int db_chapters_visible(db *d, int64_t episode_id, chapter_list *out);
/* Replaces the chapters of one source for an episode (atomically: in the
 * caller's transaction, or in one of its own). */
int db_chapters_set(db *d, int64_t episode_id, int source, const chapter_list *l);

/* Show notes to read chapters from again, when the finder has improved. */
typedef struct db_notes_row {
	int64_t episode_id;
	char *notes_html;
	double duration; /* < 0 = unknown */
} db_notes_row;
/* The version of the show-notes chapter finder that found the notes
 * chapters in this cache (0 when never recorded), and setting it. */
int db_notes_finder_version(db *d);
int db_notes_finder_set_version(db *d, int version);
/* Up to limit episodes with id > after whose notes may hold a timestamp,
 * by id, raw ones left out (their notes are derived with the current
 * finder anyway). Free with db_notes_rows_free. */
int db_notes_rows(db *d, int64_t after, size_t limit, db_notes_row **out, size_t *n);
void db_notes_rows_free(db_notes_row *v, size_t n);

/* A Podcasting 2.0 chapters file that should be (re)fetched. */
typedef struct db_chapter_job {
	int64_t episode_id;
	char *url;
	char *etag;
	char *last_modified;
	int is_local; /* the podcast is a local file: file:// allowed */
	char *feed_url; /* the podcast's feed, which named the file */
} db_chapter_job;

/* Chapter files to fetch: episodes with a chapters URL never fetched, or
 * fetched before stale_before while the result was an error or a
 * placeholder (at most one visible chapter). Restricted to one episode
 * (episode_id > 0), or to the per_podcast newest episodes of each podcast
 * in ids (all podcasts when ids is NULL). */
int db_chapter_jobs(db *d, int64_t episode_id, const int64_t *ids, size_t nids,
		    int per_podcast, int64_t stale_before, db_chapter_job **out, size_t *n);
void db_chapter_jobs_free(db_chapter_job *v, size_t n);
/* Records a chapters-file fetch: on success (err NULL) the JSON chapters
 * are replaced by l (NULL = unchanged, e.g. HTTP 304) and the validators
 * stored; on failure the message is kept and the old chapters stay. */
int db_chapter_file_done(db *d, int64_t episode_id, const chapter_list *l, const char *etag,
			 const char *last_modified, const char *err, int64_t when);
/* 1 when the media file's embedded chapters were already probed. */
int db_embedded_probed(db *d, int64_t episode_id);
/* Stores chapters found inside the media file (l may be empty) and marks
 * the episode probed, in one transaction. */
int db_embedded_done(db *d, int64_t episode_id, const chapter_list *l, int64_t when);
/* Error of the last chapters-file fetch of an episode, or NULL (caller frees). */
char *db_chapter_file_error(db *d, int64_t episode_id);

/* --- search ------------------------------------------------------------- */

enum { DB_HIT_EPISODE = 0, DB_HIT_CHAPTER = 1, DB_HIT_TRANSCRIPT = 2 };

typedef struct db_search_hit {
	int kind;               /* DB_HIT_EPISODE, _CHAPTER or _TRANSCRIPT */
	int64_t episode_id;
	int64_t podcast_id;
	char *title;            /* the episode's or the chapter's title (may be
				 * NULL); a transcript hit's words around the hit */
	char *episode_title;    /* may be NULL */
	char *podcast_title;    /* may be NULL */
	double start;           /* chapter or transcript segment start in seconds;
				 * -1 for episode hits and untimed transcripts */
	int source;             /* a chapter's source (CHAP_SRC_USER: a bookmark,
				   its note the title); -1 for other hits */
	double rank;            /* lower (more negative) is better */
	int played;             /* the episode's played flag, */
	double position;        /* saved position (< 0 = none) */
	double duration;        /* and duration (< 0 = unknown) */
} db_search_hit;

/* Full-text search of episode titles, show notes (as text), the titles
 * of visible chapters and the segments of stored transcripts, case- and diacritic-insensitive ("creme" finds
 * "Crème"). The index is kept in sync by the cache itself.
 *
 * query is user text, never search syntax: it is split into words by the
 * index's own tokenizer (letters and digits; quotes, operators,
 * punctuation and symbols only separate words), and a hit must contain
 * every word. The LAST word also matches as a prefix when it has 3
 * characters or more ("postg" finds "Postgres"; "go" is only "go"),
 * unless the word as typed already gives limit hits in titles, notes and
 * chapters: those are the answer (a common complete word, whose expansion
 * would be slow and crowded out anyway). Only the first DB_SEARCH_MAX_WORDS words count.
 * A query with no word in it (empty or NULL, only punctuation or emoji)
 * has no hits; no query text makes the search fail.
 *
 * Hits are episodes and chapters interleaved by rank (BM25 without length
 * normalisation, db_rank.c: a word in a title weighing ten times one in
 * the notes, repeats saturating, rarer words of the query weighing more;
 * ties: episodes first, then by id and start), at most limit of them. A chapter found by several
 * sources (same episode, starts within 1 s) is one hit, from the
 * preferred source (json, psc, embedded, notes). A query so common that
 * it matches more than 5,000 episodes and chapters ranks only the newest
 * 5,000 matches (or 2 * limit + 32, if more), which keeps a search within
 * milliseconds at any library size. Bookmarks whose note matches (as
 * chapter hits with source CHAP_SRC_USER) come first, best first: the
 * user's own words about a moment beat anything a feed said. Transcript
 * segments are searched in
 * an index of their own with the same words (the newest 2,000 matching
 * segments, or 2 * limit + 32 if more, are read; not ranked by bm25, whose
 * word statistics would read every match): their hits come after the
 * others, newest episode first, at most DB_SEARCH_TRANSCRIPT_PER_EPISODE
 * per episode (its earliest), and keep at least half of limit when both
 * kinds have more hits than fit. A transcript hit's title is "…words
 * around the hit…", its rank 0. *out is NULL and *n 0 when nothing
 * matches. */
#define DB_SEARCH_TRANSCRIPT_PER_EPISODE 3
#define DB_SEARCH_MAX_WORDS 32
int db_search(db *d, const char *query, size_t limit, db_search_hit **out, size_t *n);
void db_search_free(db_search_hit *v, size_t n);
/* Episodes waiting for the background indexer are searched too, by
 * reading them (the first DB_SEARCH_PENDING_SCAN in id order, with the index's own
 * tokenizer, so the answer is the one the index will give; their hits are
 * ranked as the index will rank them, with the same word counts). Reading
 * costs about 40 us an episode (show notes of a few kB), so the scan is
 * bounded to keep a search under 0.2 s; the indexer goes in the same
 * order (a feed is stored top down: its newest episodes first), so what
 * is left unread is what it reaches last, for the seconds it needs. db_search_unscanned: how many pending
 * episodes the last db_search on d could not read (0 normally), which the
 * caller says are not searched yet. */
#define DB_SEARCH_PENDING_SCAN 4000
int64_t db_search_unscanned(db *d);
/* Raw episodes (db_set_deriver) among those are derived for the search
 * first, ~0.12 ms each: at most n of them per search on d (n <= 0: the
 * default, DB_SEARCH_PENDING_SCAN, so all); the others are left unread and counted
 * in db_search_unscanned. The interface, which searches on its own
 * thread, keeps a search's cost bounded so. */
void db_set_search_raw_scan(db *d, int n);

/* The search index in the background (db_index.c; migration 16). With
 * index_later on, db_store_feed marks the episodes it adds pending
 * instead of indexing them (a first import stores 30,000 episodes without
 * paying for their index). db_index_step indexes the first batch pending
 * episodes (lowest ids) in one transaction (its own, unless the caller has one open)
 * and returns how many it indexed (0 when none is left), -1 on error.
 * A kill -9 at any moment loses nothing: what is not indexed stays
 * pending. db_index_pending counts them (-1 on error). Any thread with its
 * own connection. */
void db_set_index_later(db *d, int on);
long db_index_step(db *d, int batch);
int64_t db_index_pending(db *d);

/* What an episode's notes give besides themselves (migration 17,
 * db_derive.c): the reading text with its numbered links, and the
 * chapters found in the notes. Deriving them is most of the CPU of a
 * first import, so it too is done in the background: a store with
 * index_later on keeps a new item whose extras are raw (db_item_extra.raw)
 * as its notes_html alone, pending and marked raw, and db_index_step
 * derives each raw episode of its batch (in the same transaction, just
 * before indexing it). A raw item that is not new, or stored without
 * index_later, is derived by the store. Until then every reader derives
 * a raw episode in memory, without writing: db_episode_get (notes_text),
 * db_episode_links, db_chapters_get of CHAP_SRC_NOTES (and so the merged
 * and visible lists), and db_search's scan of pending episodes.
 *
 * The deriver is set once per process, before any thread uses the cache
 * (podcue: ingest_derive). Without one, raw extras are never stored raw:
 * callers derive themselves (ingest does when db_have_deriver is 0). */
typedef struct db_derived {
	char *text;            /* the reading text, or NULL */
	char **links;          /* numbered as in text */
	size_t nlinks;
	chapter_list chapters; /* CHAP_SRC_NOTES */
} db_derived;
typedef void (*db_deriver_fn)(const char *notes_html, double duration, db_derived *out);
void db_set_deriver(db_deriver_fn fn);
int db_have_deriver(void);
void db_derived_free(db_derived *x);

/* One chapters-file fetch, for db_chapter_files_done: as the arguments of
 * db_chapter_file_done (chapters NULL = unchanged, e.g. HTTP 304). */
typedef struct db_chapter_file {
	int64_t episode_id;
	const chapter_list *chapters;
	const char *etag;
	const char *last_modified;
	const char *error; /* NULL on success */
} db_chapter_file;
/* db_chapter_file_done for n files at once, atomically (in the caller's
 * transaction, or in one of its own), with the search index updated in
 * bulk: what a refresh that fetched many files uses. */
int db_chapter_files_done(db *d, const db_chapter_file *v, size_t n, int64_t when);

/* --- the "up next" queue (db_queue.c) ---------------------------------- */

/* One queued episode. Positions are dense, 1..N, in play order; an
 * episode is queued at most once, and leaves the queue when it leaves the
 * cache. Every change below is one transaction (the caller's, or one of
 * its own): on any failure nothing changed. */
typedef struct db_queue_entry {
	int64_t position;
	int64_t episode_id;
	int64_t podcast_id;
	char *title;          /* may be NULL */
	char *podcast_title;  /* may be NULL */
	double duration;      /* < 0 = unknown */
	double saved;         /* saved position, < 0 = none */
} db_queue_entry;

/* The queue in order. *out is NULL and *n 0 when it is empty. */
int db_queue_list(db *d, db_queue_entry **out, size_t *n);
void db_queue_list_free(db_queue_entry *v, size_t n);
/* Queues the n episodes ids, in that order, at the end (front = 0) or
 * at the front (front = 1: ids[0] plays next). An episode already queued
 * moves there. 1 = ids[*bad] is no episode (nothing changed). */
int db_queue_add(db *d, const int64_t *ids, size_t n, int front, size_t *bad);
/* Removes the n episodes from the queue. 1 = ids[*bad] is not queued
 * (nothing changed; bad may be NULL). */
int db_queue_remove(db *d, const int64_t *ids, size_t n, size_t *bad);
/* Moves a queued episode to position (1..N; the others shift). 1 = the
 * episode is not queued, 2 = position is outside 1..N. */
int db_queue_move(db *d, int64_t id, int64_t position);
int db_queue_clear(db *d);
/* The episode at the front of the queue into *id. 1 = the queue is empty. */
int db_queue_head(db *d, int64_t *id);
/* Number of queued episodes. */
int db_queue_count(db *d, size_t *n);
/* The episode of the same podcast listed just before id by
 * db_episode_list (newest first), i.e. the next newer one: what follows id
 * when a podcast is heard in order. 1 = none (id is the newest, or no
 * such episode). */
int db_episode_next_newer(db *d, int64_t id, int64_t *next);
/* Marks every episode of a podcast played (clearing positions) or
 * unplayed, in one statement; *changed (may be NULL) receives how many
 * changed. 1 = no such podcast. */
int db_podcast_set_played(db *d, int64_t podcast_id, int played, size_t *changed);

/* --- sync with a gpodder-compatible server (db_sync.c, migration 8) --- */

/* The sync account (no password: that is kept outside the cache). */
typedef struct db_sync_account {
	char *server, *user, *device;
	int flavour;           /* 0 gpodder.net API v2, 1 Nextcloud gPodder Sync */
	int64_t subs_since;    /* the server's timestamps of the last pulls */
	int64_t actions_since;
	int64_t last_sync;     /* Unix s of the last complete sync; 0 = never */
	char *last_error;      /* of the last failed sync, or NULL */
} db_sync_account;

void db_sync_account_free(db_sync_account *a);
/* The account into *out. 1 = sync is off. */
int db_sync_get(db *d, db_sync_account *out);
/* Sets up sync (replacing any earlier account): the timestamps restart at
 * 0, and every subscription and every episode with a position or played
 * becomes a pending change, so that the first sync sends them. An
 * episode's pending change is dated by its last_played (0 when unknown:
 * then any pulled action is newer). */
int db_sync_setup(db *d, const char *server, const char *user, const char *device,
		  int flavour);
/* Turns sync off: the account and the pending changes go. */
int db_sync_off(db *d);
/* After a sync: the new timestamps and last_sync, or an error (then the
 * timestamps stay; err NULL clears it). */
int db_sync_done(db *d, int64_t subs_since, int64_t actions_since, int64_t when);
int db_sync_failed(db *d, const char *err);

/* A pending subscription change. */
typedef struct db_sync_sub {
	char *url;
	int added; /* 1 add, 0 remove */
	int64_t at;
} db_sync_sub;
int db_sync_pending_subs(db *d, db_sync_sub **out, size_t *n);
void db_sync_subs_free(db_sync_sub *v, size_t n);
/* Forgets the pushed changes, each only if it was not made again since
 * (its at is unchanged). */
int db_sync_subs_sent(db *d, const db_sync_sub *v, size_t n);

/* A pending episode change, with what a play action needs. */
typedef struct db_sync_episode {
	int64_t episode_id;
	char *podcast_url, *episode_url, *guid;
	double started;  /* position the change started from, < 0 = none */
	double position; /* < 0 = none */
	double duration; /* < 0 = unknown */
	int played;
	int64_t at;      /* Unix ms of the last local change; 0 = unknown */
} db_sync_episode;
/* Pending episode changes, oldest first (episodes without an enclosure
 * URL cannot be named to the server and are left out). */
int db_sync_pending_episodes(db *d, db_sync_episode **out, size_t *n);
void db_sync_episodes_free(db_sync_episode *v, size_t n);
int db_sync_episodes_sent(db *d, const db_sync_episode *v, size_t n);
/* A finished download (downloaded = 1) or its deletion (0) not yet sent
 * as a "download" or "delete" action (recorded by triggers, migration 10). */
typedef struct db_sync_file {
	int64_t episode_id;
	char *podcast_url, *episode_url, *guid;
	int downloaded;
	int64_t at; /* Unix ms */
} db_sync_file;
int db_sync_pending_files(db *d, db_sync_file **out, size_t *n);
void db_sync_files_free(db_sync_file *v, size_t n);
/* Forgets the sent ones (each only if not made again since) and those of
 * episodes that are gone. */
int db_sync_files_sent(db *d, const db_sync_file *v, size_t n);
/* The total count of pending changes (for `sync status`; downloads and
 * deletions count among the episodes). */
int db_sync_pending_count(db *d, size_t *subs, size_t *episodes);

/* Finds the episode a pulled action names: by enclosure URL (preferring
 * the podcast with that feed URL), else by an enclosure URL the episode
 * had before (episode_url), else by guid within that podcast
 * (guid may be NULL). Fills id, position, played, duration and the
 * pending local change (at = 0 and changed = 0 when none). 1 = unknown. */
typedef struct db_sync_local {
	int64_t episode_id;
	double position, duration;
	int played;
	int changed;
	int64_t changed_at; /* Unix ms */
	int64_t last_played; /* Unix ms, 0 = never */
} db_sync_local;
int db_sync_find_episode(db *d, const char *podcast_url, const char *episode_url,
			 const char *guid, db_sync_local *out);
/* Applies a pulled state (played, position < 0 = none) to an episode
 * without recording it as a local change, and drops the episode's pending
 * change (the pulled one is newer); a position dates last_played by at_ms,
 * the action's time (0: now), so that a later pull compares with when it
 * was heard. */
int db_sync_apply_episode(db *d, int64_t episode_id, double position, int played,
			  int64_t at_ms);
/* The server's update_urls (pairs old, new): a feed's new URL becomes an
 * alias of its podcast, an episode's joins the URLs it had before, so that
 * what the server sends under the new names finds them. */
int db_sync_url_updates(db *d, char *const *pairs, size_t n);
/* Applies pulled subscription changes, not recorded as local ones: a
 * feed added (1) is subscribed unless it is; removed (0) is unsubscribed
 * if it is. *changed: 1 when the cache changed; *id the podcast added. */
int db_sync_apply_sub(db *d, const char *url, int added, int *changed, int64_t *id);

/* --- the user's marks (db_mark.c, migration 11) ------------------------ */

/* A bookmark: the user's own chapter (CHAP_SRC_USER) at a moment of an
 * episode, with an optional note (its title in the chapter list). They
 * live in their own table: a refresh never touches them. */
typedef struct db_bookmark {
	int64_t id;
	int64_t episode_id;
	int64_t podcast_id;
	double at;            /* seconds */
	char *note;           /* NULL when none */
	char *episode_title;  /* may be NULL */
	char *podcast_title;  /* may be NULL */
	int64_t created;      /* Unix s */
} db_bookmark;

/* Adds a bookmark at `at` seconds (>= 0, finite) with note (NULL or blank:
 * none); *id receives its id. 1 = no such episode. */
int db_bookmark_add(db *d, int64_t episode_id, double at, const char *note, int64_t *id);
/* Deletes bookmark id. 1 = there is none. */
int db_bookmark_delete(db *d, int64_t id);
/* Bookmarks of one episode (episode_id > 0) or of all, by episode (newest
 * first) then time. *out is NULL and *n 0 when there are none. */
int db_bookmark_list(db *d, int64_t episode_id, db_bookmark **out, size_t *n);
void db_bookmark_list_free(db_bookmark *v, size_t n);
/* An episode's bookmarks as chapters (CHAP_SRC_USER, the note as title),
 * appended to out unsorted. */
int db_bookmark_chapters(db *d, int64_t episode_id, chapter_list *out);

/* The stretches of an episode played so far (heard.h), appended to out. */
int db_heard_get(db *d, int64_t episode_id, heard_list *out);
/* Adds the stretches of add to the episode's, merged, atomically (another
 * process may have added its own meanwhile). */
int db_heard_add(db *d, int64_t episode_id, const heard_list *add);
/* Forgets them. */
int db_heard_clear(db *d, int64_t episode_id);

/* A podcast's skip patterns (skiprule.h), sorted; *pats NULL and *n 0
 * when none. Free with db_strings_free. */
int db_skip_rules(db *d, int64_t podcast_id, char ***pats, size_t *n);
void db_strings_free(char **v, size_t n);
/* Adds a pattern (2 = it was already there). 1 = no such podcast. */
int db_skip_rule_add(db *d, int64_t podcast_id, const char *pattern);
/* Removes a pattern. 1 = the podcast has no such pattern. */
int db_skip_rule_remove(db *d, int64_t podcast_id, const char *pattern);
/* Seconds a podcast skips at the start (outro 0) or the end (outro 1)
 * into *secs: 0, or 1 when it has none of its own (the setting applies). */
int db_podcast_skip_end(db *d, int64_t podcast_id, int outro, double *secs);
/* Sets them (secs < 0: forget, the setting applies). 1 = no such podcast. */
int db_podcast_set_skip_end(db *d, int64_t podcast_id, int outro, double secs);
/* Which chapters of the visible list c of an episode are skipped, into
 * skip[0..c->n): the episode's own toggle for a chapter (by its start,
 * within 0.01 s) when there is one, else whether its title matches one of
 * the podcast's patterns. Bookmarks never are. */
int db_chapter_skips(db *d, int64_t episode_id, const chapter_list *c, int *skip);
/* Sets the toggle of the episode's chapter starting at start. */
int db_chapter_skip_set(db *d, int64_t episode_id, double start, int skip);
/* Flips whether chapter i of the episode's visible list c is skipped (its
 * toggle set to the opposite of what db_chapter_skips says now); *on
 * receives the new state. 1 = i is no chapter of c, or a bookmark. */
int db_chapter_skip_toggle(db *d, int64_t episode_id, const chapter_list *c, size_t i, int *on);

/* --- downloads (db_download.c) ----------------------------------------- */

/* An episode's download. state moves queued -> running -> done | failed;
 * "done" is written only once the file is complete and renamed (path
 * then names it). path is the final file name chosen when it was queued
 * (the partial file is path + ".part"); two rows never share a path. */
enum { DL_QUEUED, DL_RUNNING, DL_DONE, DL_FAILED };

typedef struct db_download {
	int64_t episode_id;
	int state;        /* DL_* */
	int64_t bytes;    /* on disk so far (done: the file's size) */
	int64_t total;    /* expected size, -1 = unknown */
	char *path;       /* NULL until named */
	char *error;      /* why it failed, or NULL */
	char *url;        /* the enclosure URL it downloads */
	char *validator;  /* ETag or Last-Modified of the first response, or NULL */
} db_download;

/* "queued", "running", "done", "failed". */
const char *db_download_state_name(int state);
void db_download_free(db_download *r);
void db_download_list_free(db_download *v, size_t n);
/* One episode's row. 1 = none. */
int db_download_get(db *d, int64_t episode_id, db_download *out);
/* Every row, by episode id. */
int db_download_list(db *d, db_download **out, size_t *n);
/* Inserts or replaces the row of r->episode_id with every field of r.
 * 1 = no such episode; 2 = another episode's row has this path. */
int db_download_save(db *d, const db_download *r);
/* Progress only (state, bytes, total). 1 = no row. */
int db_download_progress(db *d, int64_t episode_id, int state, int64_t bytes, int64_t total);
/* 1 when some row other than episode_id's names path. */
int db_download_path_taken(db *d, const char *path, int64_t episode_id);
/* The file of a finished download into *path (caller frees). 1 = the
 * episode is not downloaded. */
int db_download_done_path(db *d, int64_t episode_id, char **path);
/* Forgets the row. 1 = there was none. */
int db_download_remove(db *d, int64_t episode_id);

/* --- download policies (db_dlpolicy.c) ---------------------------------- */

/* A podcast's own policies; -1 = not set (the setting applies). */
typedef struct db_dl_policy {
	int auto_download, keep_downloads, delete_played_after;
} db_dl_policy;
/* Fills *out (all -1 when the podcast has none of its own). */
int db_dl_policy_get(db *d, int64_t podcast_id, db_dl_policy *out);
/* Stores the podcast's own policies (a row of all -1 is removed). */
int db_dl_policy_set(db *d, int64_t podcast_id, const db_dl_policy *p);
/* The largest episode id in the cache (0 when none): episodes stored
 * later have larger ids. */
int db_episode_max_id(db *d, int64_t *out);

/* An episode for the download policies. */
typedef struct db_dl_item {
	int64_t episode_id, podcast_id;
	int64_t bytes;      /* the file's size (done downloads) */
	int64_t ref_time;   /* Unix s: when it was last played or else downloaded */
	int played;
	int busy;           /* in the queue, or in progress (a position, not played) */
	char *path;         /* done downloads: the file */
} db_dl_item;
void db_dl_item_list_free(db_dl_item *v, size_t n);
/* Episodes with id > since_id that have an audio URL, are not played and
 * were never asked for, of podcasts that had episodes up to since_id (a
 * podcast fetched for the first time brings no "new" episodes), by
 * podcast, newest first. */
int db_dl_new_episodes(db *d, int64_t since_id, db_dl_item **out, size_t *n);
/* Finished downloads (any_state: every download row with a file name),
 * of podcast_id only when > 0, by podcast, newest episode first. */
int db_dl_done_list(db *d, int64_t podcast_id, int any_state, db_dl_item **out, size_t *n);

/* A download as the downloads view lists it. */
typedef struct db_download_entry {
	db_download r;
	char *title, *podcast_title; /* may be NULL */
} db_download_entry;
void db_download_entry_list_free(db_download_entry *v, size_t n);
/* Every download: running, queued, failed, then done; the most recently
 * changed first within each. */
int db_download_entries(db *d, db_download_entry **out, size_t *n);

/* --- transcripts (db_transcript.c) -------------------------------------- */

/* What was fetched for an episode's transcript (not the feed's list of
 * transcript URLs: db_episode_transcripts). */
typedef struct db_transcript_state {
	char *url;           /* the URL last fetched */
	char *format;        /* of the stored segments ("srt", ...), NULL when none */
	char *etag, *last_modified; /* of the stored segments' response */
	int64_t fetched;     /* Unix time of the last attempt */
	char *error;         /* why the last attempt failed, NULL when it did not */
	size_t segments;     /* how many are stored */
} db_transcript_state;
/* 1 = nothing was ever fetched for the episode. */
int db_transcript_state_get(db *d, int64_t episode_id, db_transcript_state *out);
void db_transcript_state_free(db_transcript_state *s);

/* Records a fetch of url for the episode, atomically: t (its segments,
 * at most 65,536) replaces the stored ones, and the search index, when
 * not NULL; NULL keeps them (304, or a failure: error then set; validators
 * are kept from the last success). 1 = no such episode. */
int db_transcript_store(db *d, int64_t episode_id, const char *url, const transcript *t,
			const char *etag, const char *last_modified, const char *error,
			int64_t when);
/* The stored segments in order (*out overwritten); 1 = none stored. */
int db_transcript_get(db *d, int64_t episode_id, transcript *out);

#endif
