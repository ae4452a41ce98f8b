/*
 * db_sync.c - the sync account and the pending local changes (tables
 * sync_*, migration 8). See db.h.
 *
 * Local changes are recorded by the triggers of migration 8, never here:
 * every writer of podcasts and positions is covered without knowing about
 * sync. What the server sends is applied with a row in sync_applying, so
 * that it is not recorded as a change to send back. A pending change is
 * forgotten only once the server took it, and only if it was not made
 * again meanwhile (its stamp is compared).
 *
 * Threading: as the rest of the module.
 */
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_int.h"
#include "util.h"

void db_sync_account_free(db_sync_account *a)
{
	if (!a)
		return;
	free(a->server);
	free(a->user);
	free(a->device);
	free(a->last_error);
	memset(a, 0, sizeof *a);
}

int db_sync_get(db *d, db_sync_account *out)
{
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st = dbi_prep(d, "SELECT server, user, device, flavour, subs_since,"
				       " actions_since, coalesce(last_sync, 0), last_error"
				       " FROM sync_state WHERE id = 1");
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->server = dbi_col_text(st, 0);
		out->user = dbi_col_text(st, 1);
		out->device = dbi_col_text(st, 2);
		out->flavour = sqlite3_column_int(st, 3);
		out->subs_since = sqlite3_column_int64(st, 4);
		out->actions_since = sqlite3_column_int64(st, 5);
		out->last_sync = sqlite3_column_int64(st, 6);
		out->last_error = dbi_col_text(st, 7);
		sqlite3_finalize(st);
		return 0;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 1 : dbi_fail(d, "read the sync account");
}

int db_sync_setup(db *d, const char *server, const char *user, const char *device,
		  int flavour)
{
	int own;
	if (dbi_txn_begin(d, &own) != 0)
		return -1;
	int rc = dbi_exec(d, "DELETE FROM sync_state; DELETE FROM sync_sub_change;"
			     " DELETE FROM sync_episode_change; DELETE FROM sync_file_change;");
	sqlite3_stmt *st = rc ? NULL
			      : dbi_prep(d, "INSERT INTO sync_state (id, server, user, device,"
					    " flavour) VALUES (1, ?, ?, ?, ?)");
	if (st) {
		dbi_bind_text(st, 1, server);
		dbi_bind_text(st, 2, user);
		dbi_bind_text(st, 3, device);
		sqlite3_bind_int(st, 4, flavour);
		rc = dbi_run(d, st, "set up sync");
	} else {
		rc = -1;
	}
	/* What this cache already holds goes up with the first sync. */
	if (rc == 0)
		rc = dbi_exec(d, "INSERT INTO sync_sub_change (url, added, at)"
				 " SELECT url, 1, 0 FROM podcast WHERE NOT is_local;"
				 "INSERT INTO sync_episode_change (episode_id, started, at)"
				 " SELECT id, NULL, coalesce(last_played, 0) FROM episode"
				 " WHERE (position > 0 OR played) AND enclosure_url IS NOT NULL;"
				 "INSERT INTO sync_file_change (episode_id, downloaded, at)"
				 " SELECT episode_id, 1, updated * 1000 FROM download"
				 " WHERE state = 'done';");
	return dbi_txn_end(d, own, rc);
}

int db_sync_off(db *d)
{
	int own;
	if (dbi_txn_begin(d, &own) != 0)
		return -1;
	int rc = dbi_exec(d, "DELETE FROM sync_state; DELETE FROM sync_sub_change;"
			     " DELETE FROM sync_episode_change; DELETE FROM sync_file_change;");
	return dbi_txn_end(d, own, rc);
}

int db_sync_done(db *d, int64_t subs_since, int64_t actions_since, int64_t when)
{
	sqlite3_stmt *st = dbi_prep(d, "UPDATE sync_state SET subs_since = ?, actions_since = ?,"
				       " last_sync = ?, last_error = NULL WHERE id = 1");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, subs_since);
	sqlite3_bind_int64(st, 2, actions_since);
	sqlite3_bind_int64(st, 3, when);
	return dbi_run(d, st, "record the sync");
}

int db_sync_failed(db *d, const char *err)
{
	sqlite3_stmt *st = dbi_prep(d, "UPDATE sync_state SET last_error = ? WHERE id = 1");
	if (!st)
		return -1;
	dbi_bind_text(st, 1, err);
	return dbi_run(d, st, "record the sync error");
}

/* --- pending subscription changes -------------------------------------- */

static void fill_sub(sqlite3_stmt *st, void *p)
{
	db_sync_sub *s = p;
	s->url = dbi_col_text(st, 0);
	s->added = sqlite3_column_int(st, 1);
	s->at = sqlite3_column_int64(st, 2);
}

void db_sync_subs_free(db_sync_sub *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].url);
	free(v);
}

static void release_subs(void *v, size_t n)
{
	db_sync_subs_free(v, n);
}

int db_sync_pending_subs(db *d, db_sync_sub **out, size_t *n)
{
	sqlite3_stmt *st = dbi_prep(d, "SELECT url, added, at FROM sync_sub_change ORDER BY at, url");
	if (!st)
		return -1;
	void *v;
	int rc = dbi_collect_rows(d, st, sizeof **out, fill_sub, release_subs, &v, n,
				  "pending subscription changes");
	*out = v;
	return rc;
}

int db_sync_subs_sent(db *d, const db_sync_sub *v, size_t n)
{
	int own;
	if (dbi_txn_begin(d, &own) != 0)
		return -1;
	sqlite3_stmt *st = dbi_prep(d, "DELETE FROM sync_sub_change WHERE url = ? AND added = ?"
				       " AND at = ?");
	int rc = st ? 0 : -1;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		dbi_bind_text(st, 1, v[i].url);
		sqlite3_bind_int(st, 2, v[i].added);
		sqlite3_bind_int64(st, 3, v[i].at);
		rc = dbi_step_reset(d, st, "forget a sent subscription change");
	}
	sqlite3_finalize(st);
	return dbi_txn_end(d, own, rc);
}

/* --- pending episode changes ------------------------------------------- */

static void fill_episode(sqlite3_stmt *st, void *p)
{
	db_sync_episode *e = p;
	e->episode_id = sqlite3_column_int64(st, 0);
	e->podcast_url = dbi_col_text(st, 1);
	e->episode_url = dbi_col_text(st, 2);
	e->guid = dbi_col_text(st, 3);
	e->started = dbi_col_opt_double(st, 4);
	e->position = dbi_col_opt_double(st, 5);
	e->duration = dbi_col_opt_double(st, 6);
	e->played = sqlite3_column_int(st, 7);
	e->at = sqlite3_column_int64(st, 8);
}

void db_sync_episodes_free(db_sync_episode *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].podcast_url);
		free(v[i].episode_url);
		free(v[i].guid);
	}
	free(v);
}

static void release_episodes(void *v, size_t n)
{
	db_sync_episodes_free(v, n);
}

int db_sync_pending_episodes(db *d, db_sync_episode **out, size_t *n)
{
	sqlite3_stmt *st = dbi_prep(d, "SELECT e.id, p.url, e.enclosure_url, e.guid, c.started,"
				       " e.position, e.duration, e.played, c.at"
				       " FROM sync_episode_change c JOIN episode e ON e.id = c.episode_id"
				       " JOIN podcast p ON p.id = e.podcast_id"
				       " WHERE e.enclosure_url IS NOT NULL AND NOT p.is_local"
				       " ORDER BY c.at, e.id");
	if (!st)
		return -1;
	void *v;
	int rc = dbi_collect_rows(d, st, sizeof **out, fill_episode, release_episodes, &v, n,
				  "pending episode changes");
	*out = v;
	return rc;
}

int db_sync_episodes_sent(db *d, const db_sync_episode *v, size_t n)
{
	int own;
	if (dbi_txn_begin(d, &own) != 0)
		return -1;
	sqlite3_stmt *st = dbi_prep(d, "DELETE FROM sync_episode_change WHERE episode_id = ?"
				       " AND at = ?");
	int rc = st ? 0 : -1;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		sqlite3_bind_int64(st, 1, v[i].episode_id);
		sqlite3_bind_int64(st, 2, v[i].at);
		rc = dbi_step_reset(d, st, "forget a sent episode change");
	}
	sqlite3_finalize(st);
	return dbi_txn_end(d, own, rc);
}

/* --- pending downloads and deletions ------------------------------------ */

static void fill_file(sqlite3_stmt *st, void *p)
{
	db_sync_file *f = p;
	f->episode_id = sqlite3_column_int64(st, 0);
	f->podcast_url = dbi_col_text(st, 1);
	f->episode_url = dbi_col_text(st, 2);
	f->guid = dbi_col_text(st, 3);
	f->downloaded = sqlite3_column_int(st, 4);
	f->at = sqlite3_column_int64(st, 5);
}

void db_sync_files_free(db_sync_file *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].podcast_url);
		free(v[i].episode_url);
		free(v[i].guid);
	}
	free(v);
}

static void release_files(void *v, size_t n)
{
	db_sync_files_free(v, n);
}

int db_sync_pending_files(db *d, db_sync_file **out, size_t *n)
{
	sqlite3_stmt *st = dbi_prep(d, "SELECT e.id, p.url, e.enclosure_url, e.guid, f.downloaded,"
				       " f.at FROM sync_file_change f JOIN episode e ON e.id = f.episode_id"
				       " JOIN podcast p ON p.id = e.podcast_id"
				       " WHERE e.enclosure_url IS NOT NULL AND NOT p.is_local"
				       " ORDER BY f.at, e.id");
	if (!st)
		return -1;
	void *v;
	int rc = dbi_collect_rows(d, st, sizeof **out, fill_file, release_files, &v, n,
				  "pending downloads and deletions");
	*out = v;
	return rc;
}

int db_sync_files_sent(db *d, const db_sync_file *v, size_t n)
{
	int own;
	if (dbi_txn_begin(d, &own) != 0)
		return -1;
	sqlite3_stmt *st = dbi_prep(d, "DELETE FROM sync_file_change WHERE episode_id = ?"
				       " AND at = ?");
	int rc = st ? 0 : -1;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		sqlite3_bind_int64(st, 1, v[i].episode_id);
		sqlite3_bind_int64(st, 2, v[i].at);
		rc = dbi_step_reset(d, st, "forget a sent download or deletion");
	}
	sqlite3_finalize(st);
	/* Those of episodes gone (their podcast removed) can never be sent. */
	if (rc == 0)
		rc = dbi_exec(d, "DELETE FROM sync_file_change WHERE episode_id NOT IN"
				 " (SELECT id FROM episode)");
	return dbi_txn_end(d, own, rc);
}

int db_sync_pending_count(db *d, size_t *subs, size_t *episodes)
{
	sqlite3_stmt *st = dbi_prep(d, "SELECT (SELECT count(*) FROM sync_sub_change),"
				       " (SELECT count(*) FROM sync_episode_change)"
				       " + (SELECT count(*) FROM sync_file_change f"
				       "    JOIN episode e ON e.id = f.episode_id)");
	if (!st)
		return -1;
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return dbi_fail(d, "count pending changes");
	}
	*subs = (size_t)sqlite3_column_int64(st, 0);
	*episodes = (size_t)sqlite3_column_int64(st, 1);
	sqlite3_finalize(st);
	return 0;
}

/* --- applying what the server sent ------------------------------------- */

#define LOCAL_COLS                                                                   \
	"e.id, e.position, e.duration, e.played, c.episode_id IS NOT NULL,"         \
	" coalesce(c.at, 0), coalesce(e.last_played, 0)"                             \
	" FROM episode e JOIN podcast p ON p.id = e.podcast_id"                      \
	" LEFT JOIN sync_episode_change c ON c.episode_id = e.id "

static int find_one(db *d, sqlite3_stmt *st, db_sync_local *out)
{
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->episode_id = sqlite3_column_int64(st, 0);
		out->position = dbi_col_opt_double(st, 1);
		out->duration = dbi_col_opt_double(st, 2);
		out->played = sqlite3_column_int(st, 3);
		out->changed = sqlite3_column_int(st, 4);
		out->changed_at = sqlite3_column_int64(st, 5);
		out->last_played = sqlite3_column_int64(st, 6);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : dbi_fail(d, "find an episode");
}

int db_sync_find_episode(db *d, const char *podcast_url, const char *episode_url,
			 const char *guid, db_sync_local *out)
{
	memset(out, 0, sizeof *out);
	int rc = 1;
	if (episode_url) {
		sqlite3_stmt *st = dbi_prep(d, "SELECT " LOCAL_COLS "WHERE e.enclosure_url = ?1"
					       " ORDER BY p.url IS NOT ?2, e.id LIMIT 1");
		if (st) {
			dbi_bind_text(st, 1, episode_url);
			dbi_bind_text(st, 2, podcast_url);
		}
		rc = find_one(d, st, out);
	}
	/* An enclosure URL the episode had before the feed changed it. */
	if (rc == 1 && episode_url) {
		sqlite3_stmt *st = dbi_prep(d, "SELECT " LOCAL_COLS "WHERE e.id IN (SELECT episode_id"
					       "  FROM episode_url WHERE url = ?1)"
					       " ORDER BY p.url IS NOT ?2, e.id LIMIT 1");
		if (st) {
			dbi_bind_text(st, 1, episode_url);
			dbi_bind_text(st, 2, podcast_url);
		}
		rc = find_one(d, st, out);
	}
	if (rc == 1 && guid && *guid && podcast_url) {
		sqlite3_stmt *st = dbi_prep(d, "SELECT " LOCAL_COLS "WHERE e.guid = ?2 AND"
					       " (p.url = ?1 OR p.id IN (SELECT podcast_id"
					       "  FROM podcast_alias WHERE url = ?1)) LIMIT 1");
		if (st) {
			dbi_bind_text(st, 1, podcast_url);
			dbi_bind_text(st, 2, guid);
		}
		rc = find_one(d, st, out);
	}
	return rc;
}

/* Runs between applying_on and applying_off, in a transaction: the
 * triggers do not record what the server sent. */
static int applying_on(db *d, int *own)
{
	if (dbi_txn_begin(d, own) != 0)
		return -1;
	return dbi_exec(d, "INSERT OR IGNORE INTO sync_applying (on_) VALUES (1)");
}

static int applying_off(db *d, int own, int rc)
{
	if (dbi_exec(d, "DELETE FROM sync_applying") != 0)
		rc = -1;
	return dbi_txn_end(d, own, rc);
}

int db_sync_apply_episode(db *d, int64_t episode_id, double position, int played,
			  int64_t at_ms)
{
	int own;
	int rc = applying_on(d, &own);
	sqlite3_stmt *st = rc ? NULL
			      : dbi_prep(d, "UPDATE episode SET played = ?1, position = ?2,"
					    " last_played = CASE WHEN ?2 IS NULL THEN last_played"
					    "  ELSE coalesce(?4, " DBI_NOW_MS ") END WHERE id = ?3");
	if (st) {
		sqlite3_bind_int(st, 1, played ? 1 : 0);
		dbi_bind_opt_double(st, 2, played ? -1 : position);
		sqlite3_bind_int64(st, 3, episode_id);
		if (at_ms > 0)
			sqlite3_bind_int64(st, 4, at_ms);
		rc = dbi_run(d, st, "apply a pulled position");
	} else {
		rc = -1;
	}
	st = rc ? NULL : dbi_prep(d, "DELETE FROM sync_episode_change WHERE episode_id = ?");
	if (st) {
		sqlite3_bind_int64(st, 1, episode_id);
		rc = dbi_run(d, st, "drop a superseded change");
	} else {
		rc = -1;
	}
	return applying_off(d, own, rc);
}

int db_sync_apply_sub(db *d, const char *url, int added, int *changed, int64_t *id)
{
	*changed = 0;
	*id = 0;
	/* A local change of the same feed not yet pushed was made after the
	 * last sync too: it is kept (and pushed), the pulled one ignored. */
	sqlite3_stmt *st = dbi_prep(d, "SELECT 1 FROM sync_sub_change WHERE url = ?");
	if (!st)
		return -1;
	dbi_bind_text(st, 1, url);
	int step = sqlite3_step(st);
	sqlite3_finalize(st);
	if (step == SQLITE_ROW)
		return 0;
	if (step != SQLITE_DONE)
		return dbi_fail(d, "look up a pending change");
	int own;
	int rc = applying_on(d, &own);
	db_podcast p;
	int found = rc ? -1 : db_podcast_find(d, url, &p);
	if (found < 0) {
		rc = -1;
	} else if (found == 0) {
		*id = p.id;
		if (!added && !p.is_local) {
			rc = db_podcast_remove(d, p.id) < 0 ? -1 : 0;
			*changed = rc == 0;
		}
		db_podcast_free(&p);
	} else if (added) {
		int existed;
		rc = db_podcast_add(d, url, 0, id, &existed);
		*changed = rc == 0 && !existed;
	}
	return applying_off(d, own, rc);
}

int db_sync_url_updates(db *d, char *const *pairs, size_t n)
{
	int own;
	if (dbi_txn_begin(d, &own) != 0)
		return -1;
	/* A feed: the new URL becomes an alias of the podcast (unless it is a
	 * subscription itself); the podcast keeps the URL it is fetched from. */
	sqlite3_stmt *pod = dbi_prep(d, "INSERT OR IGNORE INTO podcast_alias (url, podcast_id)"
					 " SELECT ?2, id FROM podcast WHERE (url = ?1 OR id IN"
					 "  (SELECT podcast_id FROM podcast_alias WHERE url = ?1))"
					 " AND NOT EXISTS (SELECT 1 FROM podcast WHERE url = ?2)");
	/* An episode: the new URL joins those it had before. */
	sqlite3_stmt *ep = dbi_prep(d, "INSERT OR IGNORE INTO episode_url (url, episode_id)"
				       " SELECT ?2, id FROM episode WHERE enclosure_url = ?1");
	int rc = pod && ep ? 0 : -1;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		dbi_bind_text(pod, 1, pairs[2 * i]);
		dbi_bind_text(pod, 2, pairs[2 * i + 1]);
		rc = dbi_step_reset(d, pod, "keep a feed URL the server rewrote");
		if (rc == 0) {
			dbi_bind_text(ep, 1, pairs[2 * i]);
			dbi_bind_text(ep, 2, pairs[2 * i + 1]);
			rc = dbi_step_reset(d, ep, "keep an episode URL the server rewrote");
		}
	}
	sqlite3_finalize(pod);
	sqlite3_finalize(ep);
	return dbi_txn_end(d, own, rc);
}
