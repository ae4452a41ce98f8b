/*
 * dlpolicy.c - download policies and the cleanup (see dlpolicy.h).
 *
 * The cleanup reads every finished download once, newest first per
 * podcast, and decides in three passes: played ones past their days,
 * then each podcast beyond its keep count, then the total cap (played
 * first, then the oldest). Protected episodes are skipped in every pass
 * but still count toward a podcast's keep count and the total.
 */
#include "dlpolicy.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "dlfile.h"
#include "download.h"
#include "util.h"

const char *const dlpolicy_names[] = {"auto_download", "keep_downloads",
				      "delete_played_after", NULL};

void dlpolicy_effective(db *d, const config *c, int64_t podcast_id, dl_policy *out)
{
	db_dl_policy own;
	if (db_dl_policy_get(d, podcast_id, &own) != 0)
		own = (db_dl_policy){-1, -1, -1};
	out->auto_download = own.auto_download >= 0 ? own.auto_download : c->auto_download;
	out->keep_downloads = own.keep_downloads >= 0 ? own.keep_downloads : c->keep_downloads;
	out->delete_played_after =
		own.delete_played_after >= 0 ? own.delete_played_after : c->delete_played_after;
}

/* "on"/"off"/"1"/"0" for auto_download, a count for the others. */
static int parse_value(const char *name, const char *v, int *out)
{
	if (!strcmp(name, "auto_download")) {
		if (!strcasecmp(v, "on") || !strcmp(v, "1") || !strcasecmp(v, "yes"))
			return *out = 1, 0;
		if (!strcasecmp(v, "off") || !strcmp(v, "0") || !strcasecmp(v, "no"))
			return *out = 0, 0;
		return -1;
	}
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < 0 || n > 100000)
		return -1;
	*out = (int)n;
	return 0;
}

char *dlpolicy_set(db *d, int64_t podcast_id, const char *name, const char *value)
{
	db_dl_policy p;
	if (db_dl_policy_get(d, podcast_id, &p) != 0)
		return xstrdup(db_errmsg(d));
	int *f = !strcmp(name, "auto_download")	? &p.auto_download
		 : !strcmp(name, "keep_downloads")	? &p.keep_downloads
		 : !strcmp(name, "delete_played_after") ? &p.delete_played_after
							: NULL;
	if (!f)
		return xasprintf("unknown podcast setting: %s (auto_download, keep_downloads, "
				 "delete_played_after)", name);
	if (!strcmp(value, "default"))
		*f = -1;
	else if (parse_value(name, value, f) != 0)
		return xasprintf("bad value for %s: %s (%s, or default)", name, value,
				 f == &p.auto_download ? "on or off" : "a number of 0 or more");
	return db_dl_policy_set(d, podcast_id, &p) == 0 ? NULL : xstrdup(db_errmsg(d));
}

int dlpolicy_new_episodes(db *d, const config *c, int64_t since_id, int64_t **ids, size_t *n)
{
	*ids = NULL;
	*n = 0;
	db_dl_item *v;
	size_t m;
	if (db_dl_new_episodes(d, since_id, &v, &m) != 0)
		return -1;
	*ids = xcalloc(m + 1, sizeof **ids);
	dl_policy pol = {0, 0, 0};
	int64_t pod = -1;
	int taken = 0;
	for (size_t i = 0; i < m; i++) {
		if (v[i].podcast_id != pod) {
			pod = v[i].podcast_id;
			taken = 0;
			dlpolicy_effective(d, c, pod, &pol);
		}
		if (!pol.auto_download || (pol.keep_downloads > 0 && taken >= pol.keep_downloads))
			continue;
		taken++;
		(*ids)[(*n)++] = v[i].episode_id;
	}
	db_dl_item_list_free(v, m);
	return 0;
}

/* ---- the cleanup ------------------------------------------------------ */

typedef struct sweep {
	db *d;
	const config *c;
	db_dl_item *v;
	size_t n;
	char *gone;      /* per item: deleted (or failed to: never tried again) */
	int deleted;
	dlpolicy_say_fn say;
	void *ctx;
} sweep;

static int protected(const sweep *s, size_t i, const int64_t *keep, size_t nkeep)
{
	if (s->v[i].busy)
		return 1;
	for (size_t k = 0; k < nkeep; k++)
		if (keep[k] == s->v[i].episode_id)
			return 1;
	return 0;
}

static void say(const sweep *s, int error, char *line)
{
	if (s->say)
		s->say(error, line, s->ctx);
	free(line);
}

static void drop(sweep *s, size_t i, const char *why)
{
	s->gone[i] = 1;
	/* Being played here or by another podcue: its turn comes later. */
	if (download_in_use(s->v[i].path)) {
		say(s, 0, xasprintf("kept episode %" PRId64 " (%s): it is being played",
				    s->v[i].episode_id, why));
		return;
	}
	char *msg = NULL;
	int rc = download_delete(s->d, s->c, s->v[i].episode_id, &msg);
	if (rc == 0) {
		s->deleted++;
		say(s, 0, xasprintf("deleted episode %" PRId64 " (%s): %s", s->v[i].episode_id,
				    why, s->v[i].path));
	} else if (rc == 2 || rc < 0) {
		say(s, 1, xasprintf("episode %" PRId64 ": %s", s->v[i].episode_id,
				    msg ? msg : "cannot delete"));
	}
	free(msg);
}

/* The index among the remaining items of the cap pass: played first,
 * then the oldest; SIZE_MAX when none is left. */
static size_t cap_victim(const sweep *s, const int64_t *keep, size_t nkeep)
{
	size_t best = (size_t)-1;
	for (size_t i = 0; i < s->n; i++) {
		if (s->gone[i] || protected(s, i, keep, nkeep))
			continue;
		if (best == (size_t)-1 || s->v[i].played > s->v[best].played ||
		    /* ties go to the older episode (later in the list) */
		    (s->v[i].played == s->v[best].played && s->v[i].ref_time <= s->v[best].ref_time))
			best = i;
	}
	return best;
}

int dlpolicy_cleanup(db *d, const config *c, const int64_t *keep, size_t nkeep,
		     dlpolicy_say_fn say_fn, void *ctx)
{
	sweep s = {d, c, NULL, 0, NULL, 0, say_fn, ctx};
	if (db_dl_done_list(d, 0, 0, &s.v, &s.n) != 0)
		return -1;
	s.gone = xcalloc(s.n + 1, 1);
	int64_t now = (int64_t)time(NULL);
	dl_policy pol = {0, 0, 0};
	int64_t pod = -1;
	int rank = 0;
	for (size_t i = 0; i < s.n; i++) {
		if (s.v[i].podcast_id != pod) {
			pod = s.v[i].podcast_id;
			rank = 0;
			dlpolicy_effective(d, c, pod, &pol);
		}
		int safe = protected(&s, i, keep, nkeep);
		int64_t days = pol.delete_played_after;
		if (!safe && s.v[i].played && days > 0 && now - s.v[i].ref_time >= days * 86400) {
			char *why = xasprintf("played over %" PRId64 " day%s ago", days,
					      days == 1 ? "" : "s");
			drop(&s, i, why);
			free(why);
			continue;
		}
		if (!safe && pol.keep_downloads > 0 && rank >= pol.keep_downloads) {
			char *why = xasprintf("keep_downloads %d", pol.keep_downloads);
			drop(&s, i, why);
			free(why);
			continue;
		}
		rank++;
	}
	if (c->download_cap_mb > 0) {
		int64_t cap = (int64_t)c->download_cap_mb << 20, total = 0;
		for (size_t i = 0; i < s.n; i++)
			total += s.gone[i] ? 0 : s.v[i].bytes;
		size_t i;
		while (total > cap && (i = cap_victim(&s, keep, nkeep)) != (size_t)-1) {
			char *why = xasprintf("over download_cap_mb %d", c->download_cap_mb);
			drop(&s, i, why);
			free(why);
			total -= s.v[i].bytes;
		}
	}
	free(s.gone);
	db_dl_item_list_free(s.v, s.n);
	return s.deleted;
}

int dlpolicy_podcast_files(db *d, int64_t podcast_id, char ***paths, size_t *n, char **msg)
{
	*paths = NULL;
	*n = 0;
	*msg = NULL;
	db_dl_item *v;
	size_t m;
	if (db_dl_done_list(d, podcast_id, 1, &v, &m) != 0) {
		*msg = xstrdup(db_errmsg(d));
		return -1;
	}
	/* Every file is checked before any is deleted: a refusal deletes
	 * nothing. */
	for (size_t i = 0; i < m; i++)
		if (download_in_progress(v[i].path)) {
			*msg = xasprintf("episode %" PRId64 " is downloading (cancel it first)",
					 v[i].episode_id);
			db_dl_item_list_free(v, m);
			return -1;
		}
	*paths = xcalloc(m + 1, sizeof **paths);
	for (size_t i = 0; i < m; i++)
		if (v[i].path)
			(*paths)[(*n)++] = xstrdup(v[i].path);
	db_dl_item_list_free(v, m);
	return 0;
}

int dlpolicy_delete_files(const config *c, char **paths, size_t n, dlpolicy_say_fn say_fn,
			  void *ctx)
{
	int deleted = 0;
	for (size_t i = 0; i < n; i++) {
		char *msg = NULL;
		int rc = download_unlink(c, paths[i], &msg);
		if (rc == 0)
			deleted++;
		else if (msg && say_fn)
			say_fn(1, msg, ctx);
		free(msg);
	}
	/* The podcast's folder, when nothing else is in it. */
	for (size_t i = 0; i < n; i++)
		download_rmdir(c, paths[i]);
	return deleted;
}

void dlpolicy_files_free(char **paths, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}
