/*
 * sync_run.c - one sync: pull, merge, push (see sync_run.h).
 *
 * Order: both pulls first (network only), then everything they bring is
 * applied in one transaction together with the new "since" timestamps, so
 * a failure part way leaves the cache as it was. Then the pushes; each
 * accepted batch forgets its pending changes, a failed one keeps them for
 * the next sync. Pulled actions this device uploaded itself are skipped
 * (the gpodder.net flavour names the device; on Nextcloud they merge as
 * "already so"), which is why a second sync in a row changes nothing.
 */
#include "sync_run.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "curl_lazy.h"
#include "paths.h"
#include "sync.h"
#include "sync_merge.h"
#include "util.h"

void sync_report_free(sync_report *r)
{
	free(r->new_podcasts);
	memset(r, 0, sizeof *r);
}

/* --- the password ------------------------------------------------------ */

char *sync_password_get(char **err)
{
	const char *env = getenv("PODCUE_SYNC_PASSWORD");
	if (env && *env)
		return xstrdup(env);
	char *path = paths_sync_password();
	size_t len;
	char *s = file_read_all(path, &len);
	if (!s) {
		*err = xasprintf("no sync password: set PODCUE_SYNC_PASSWORD or run "
				 "`podcue sync setup` again (%s: %s)", path, strerror(errno));
		free(path);
		return NULL;
	}
	free(path);
	s[strcspn(s, "\r\n")] = '\0';
	return s;
}

int sync_password_save(const char *password, char **err)
{
	char *path = paths_sync_password();
	if (paths_make_parent(path) != 0) {
		*err = xasprintf("cannot create the directory for %s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	char *tmp = xasprintf("%s.tmp", path);
	unlink(tmp);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	size_t len = strlen(password);
	int rc = -1;
	if (fd >= 0 && write(fd, password, len) == (ssize_t)len && write(fd, "\n", 1) == 1 &&
	    fsync(fd) == 0) {
		rc = close(fd);
		fd = -1;
		if (rc == 0)
			rc = rename(tmp, path);
	}
	if (rc != 0)
		*err = xasprintf("cannot write %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	free(path);
	return rc;
}

int sync_password_forget(void)
{
	char *path = paths_sync_password();
	int rc = unlink(path) == 0 || errno == ENOENT ? 0 : -1;
	free(path);
	return rc;
}

/* --- pull -------------------------------------------------------------- */

typedef struct pulled {
	char **add, **rem;
	size_t nadd, nrem;
	sync_action *actions;
	size_t nactions;
	int64_t subs_ts, actions_ts;
} pulled;

static void pulled_free(pulled *p)
{
	sync_urls_free(p->add, p->nadd);
	sync_urls_free(p->rem, p->nrem);
	sync_actions_free(p->actions, p->nactions);
}

static int apply_subs(db *d, const pulled *p, sync_report *r)
{
	for (int added = 0; added <= 1; added++) {
		char **v = added ? p->add : p->rem;
		size_t n = added ? p->nadd : p->nrem;
		for (size_t i = 0; i < n; i++) {
			int changed;
			int64_t id;
			if (db_sync_apply_sub(d, v[i], added, &changed, &id) != 0)
				return -1;
			r->pulled_subs += (size_t)changed;
			if (changed && added) {
				r->new_podcasts = xrealloc(r->new_podcasts,
							   (r->n_new + 1) * sizeof *r->new_podcasts);
				r->new_podcasts[r->n_new++] = id;
			}
		}
	}
	return 0;
}

/* Drops the actions that say nothing about position or played state
 * (unknown kinds, and download and delete: another device's files are its
 * own business; they never start a download or delete a file here), before
 * the newest per episode is picked: a phone's download after its play
 * does not hide the play. */
static void keep_relevant(pulled *p)
{
	size_t m = 0;
	for (size_t i = 0; i < p->nactions; i++) {
		sync_action *a = &p->actions[i];
		if (a->kind == SYNC_ACT_PLAY || a->kind == SYNC_ACT_NEW) {
			if (m != i) {
				p->actions[m] = *a;
				memset(a, 0, sizeof *a);
			}
			m++;
		} else {
			sync_action_clear(a);
		}
	}
	p->nactions = m;
}

static int apply_actions(db *d, const char *device, pulled *p, int margin, sync_report *r)
{
	keep_relevant(p);
	p->nactions = sync_actions_newest(p->actions, p->nactions);
	for (size_t i = 0; i < p->nactions; i++) {
		const sync_action *a = &p->actions[i];
		/* This device's own action, newest of its episode: the cache
		 * already holds what it says (an older one of another device
		 * must not win in its place). */
		if (a->device && device && strcmp(a->device, device) == 0)
			continue;
		db_sync_local l;
		int rc = db_sync_find_episode(d, a->podcast, a->episode, a->guid, &l);
		if (rc < 0)
			return -1;
		if (rc > 0)
			continue; /* an episode this cache does not have */
		sync_local sl = {l.position, l.duration, l.played, l.changed, l.changed_at,
				 l.last_played};
		sync_result res;
		int v = sync_merge(&sl, a, margin, &res);
		r->conflicts += (size_t)res.conflict;
		if (v != SYNC_APPLY)
			continue;
		/* Dated by the action: a later pull compares with when it was
		 * heard, not with when it was applied here. */
		if (db_sync_apply_episode(d, l.episode_id, res.position, res.played,
					  a->timestamp > 0 ? a->timestamp * 1000 : 0) != 0)
			return -1;
		r->pulled_actions++;
	}
	return 0;
}

/* --- push -------------------------------------------------------------- */

/* The play (or new) action that says what a pending change left. 0 when
 * there is nothing to say (played, but the length is unknown). */
static int action_of(const db_sync_episode *e, const char *device, sync_action *a)
{
	memset(a, 0, sizeof *a);
	a->podcast = e->podcast_url;
	a->episode = e->episode_url;
	a->guid = e->guid;
	a->timestamp = e->at > 0 ? e->at / 1000 : now_s();
	a->started = a->position = a->total = -1;
	(void)device;
	if (e->played) {
		if (e->duration <= 0)
			return 0;
		a->kind = SYNC_ACT_PLAY;
		a->started = e->started >= 0 ? e->started : 0;
		a->position = a->total = e->duration;
	} else if (e->position > 0) {
		a->kind = SYNC_ACT_PLAY;
		a->started = e->started >= 0 && e->started <= e->position ? e->started : 0;
		a->position = e->position;
		a->total = e->duration;
	} else {
		a->kind = SYNC_ACT_NEW;
	}
	return 1;
}

static int push_actions(db *d, sync_conn *c, const char *device, sync_report *r, char **err)
{
	db_sync_episode *e;
	size_t n;
	if (db_sync_pending_episodes(d, &e, &n) != 0) {
		*err = xstrdup(db_errmsg(d));
		return -1;
	}
	sync_action *acts = xcalloc(SYNC_BATCH, sizeof *acts);
	int rc = 0;
	for (size_t at = 0; rc == 0 && at < n; at += SYNC_BATCH) {
		size_t m = n - at < SYNC_BATCH ? n - at : SYNC_BATCH, k = 0;
		for (size_t i = 0; i < m; i++)
			k += (size_t)action_of(&e[at + i], device, &acts[k]);
		if (k && sync_push_actions(c, acts, k) != 0) {
			*err = xstrdup(sync_conn_error(c));
			rc = -1;
		} else if (db_sync_episodes_sent(d, e + at, m) != 0) {
			*err = xstrdup(db_errmsg(d));
			rc = -1;
		} else {
			r->pushed_actions += k;
		}
	}
	free(acts); /* the strings belong to e */
	db_sync_episodes_free(e, n);
	return rc;
}

/* Downloads finished and deleted here, as "download" and "delete"
 * actions, in batches like the plays. */
static int push_files(db *d, sync_conn *c, sync_report *r, char **err)
{
	db_sync_file *f;
	size_t n;
	if (db_sync_pending_files(d, &f, &n) != 0) {
		*err = xstrdup(db_errmsg(d));
		return -1;
	}
	sync_action *acts = xcalloc(SYNC_BATCH, sizeof *acts);
	int rc = 0;
	for (size_t at = 0; rc == 0 && at < n; at += SYNC_BATCH) {
		size_t m = n - at < SYNC_BATCH ? n - at : SYNC_BATCH;
		for (size_t i = 0; i < m; i++) {
			const db_sync_file *x = &f[at + i];
			acts[i] = (sync_action){
				.podcast = x->podcast_url, .episode = x->episode_url, .guid = x->guid,
				.kind = x->downloaded ? SYNC_ACT_DOWNLOAD : SYNC_ACT_DELETE,
				.timestamp = x->at > 0 ? x->at / 1000 : now_s(),
				.started = -1, .position = -1, .total = -1};
		}
		if (sync_push_actions(c, acts, m) != 0) {
			*err = xstrdup(sync_conn_error(c));
			rc = -1;
		} else if (db_sync_files_sent(d, f + at, m) != 0) {
			*err = xstrdup(db_errmsg(d));
			rc = -1;
		} else {
			r->pushed_actions += m;
		}
	}
	if (rc == 0 && n == 0 && db_sync_files_sent(d, NULL, 0) != 0) {
		*err = xstrdup(db_errmsg(d));
		rc = -1;
	}
	free(acts); /* the strings belong to f */
	db_sync_files_free(f, n);
	return rc;
}

static int push_subs(db *d, sync_conn *c, sync_report *r, char **err)
{
	db_sync_sub *s;
	size_t n;
	if (db_sync_pending_subs(d, &s, &n) != 0) {
		*err = xstrdup(db_errmsg(d));
		return -1;
	}
	char **add = xcalloc(n + 1, sizeof *add), **rem = xcalloc(n + 1, sizeof *rem);
	size_t na = 0, nr = 0;
	for (size_t i = 0; i < n; i++) {
		if (!sync_url_ok(s[i].url))
			continue; /* a file:// or odd URL the server cannot take */
		if (s[i].added)
			add[na++] = s[i].url;
		else
			rem[nr++] = s[i].url;
	}
	int rc = 0;
	if (na + nr && sync_push_subs(c, add, na, rem, nr) != 0) {
		*err = xstrdup(sync_conn_error(c));
		rc = -1;
	} else if (db_sync_subs_sent(d, s, n) != 0) {
		*err = xstrdup(db_errmsg(d));
		rc = -1;
	} else {
		r->pushed_subs = na + nr;
	}
	free(add);
	free(rem);
	db_sync_subs_free(s, n);
	return rc;
}

/* --- the whole sync ---------------------------------------------------- */

static int pull(sync_conn *c, const db_sync_account *acc, pulled *p, char **err)
{
	if (sync_pull_subs(c, acc->subs_since, &p->add, &p->nadd, &p->rem, &p->nrem,
			   &p->subs_ts) != 0 ||
	    sync_pull_actions(c, acc->actions_since, &p->actions, &p->nactions,
			      &p->actions_ts) != 0) {
		*err = xstrdup(sync_conn_error(c));
		return -1;
	}
	return 0;
}

static int apply(db *d, const db_sync_account *acc, pulled *p, int margin, sync_report *r,
		 char **err)
{
	int rc = db_begin(d);
	if (rc == 0)
		rc = apply_subs(d, p, r);
	if (rc == 0)
		rc = apply_actions(d, acc->device, p, margin, r);
	if (rc == 0)
		rc = db_sync_done(d, p->subs_ts, p->actions_ts, acc->last_sync);
	if (rc == 0)
		rc = db_commit(d);
	if (rc != 0) {
		*err = xstrdup(db_errmsg(d));
		db_rollback(d);
		sync_report_free(r);
	}
	return rc;
}

int sync_run(db *d, const char *password, int played_margin, sync_report *r, char **err)
{
	return sync_run_cancel(d, password, played_margin, NULL, NULL, r, err);
}

int sync_run_cancel(db *d, const char *password, int played_margin, sync_cancel_fn cancel,
		    void *ctx, sync_report *r, char **err)
{
	memset(r, 0, sizeof *r);
	*err = NULL;
	db_sync_account acc;
	int got = db_sync_get(d, &acc);
	if (got != 0) {
		*err = xstrdup(got > 0 ? "sync is not set up (podcue sync setup URL --user NAME)"
				       : db_errmsg(d));
		return -1;
	}
	sync_conn *c = sync_conn_new(acc.server, acc.user, password, acc.device, acc.flavour);
	pulled p = {0};
	int rc = c ? 0 : -1;
	if (!c)
		*err = xstrdup(curl_lazy_error() ? curl_lazy_error() : "cannot start an HTTP connection");
	else if (cancel)
		sync_conn_set_cancel(c, cancel, ctx);
	if (rc == 0 && acc.flavour == SYNC_GPODDER && sync_login(c) != 0) {
		*err = xstrdup(sync_conn_error(c));
		rc = -1;
	}
	if (rc == 0)
		rc = pull(c, &acc, &p, err);
	if (rc == 0)
		rc = apply(d, &acc, &p, played_margin, r, err);
	if (rc == 0)
		rc = push_subs(d, c, r, err);
	if (rc == 0)
		rc = push_actions(d, c, acc.device, r, err);
	if (rc == 0)
		rc = push_files(d, c, r, err);
	if (c) {
		char **pairs;
		size_t n = sync_conn_take_updates(c, &pairs);
		if (n && db_sync_url_updates(d, pairs, n) != 0 && rc == 0) {
			*err = xstrdup(db_errmsg(d));
			rc = -1;
		}
		sync_urls_free(pairs, 2 * n);
	}
	if (rc == 0 && db_sync_done(d, p.subs_ts, p.actions_ts, now_s()) != 0) {
		*err = xstrdup(db_errmsg(d));
		rc = -1;
	}
	if (rc != 0)
		db_sync_failed(d, *err);
	pulled_free(&p);
	sync_conn_free(c);
	db_sync_account_free(&acc);
	return rc;
}
