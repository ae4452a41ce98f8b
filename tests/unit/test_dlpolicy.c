/*
 * test_dlpolicy.c - the download policies (dlpolicy.c, db_dlpolicy.c) on a
 * real cache with real files: keep_downloads keeps a podcast's newest and
 * never deletes an episode in the queue or in progress; played files go
 * after delete_played_after days (the cache's timestamps moved back), not
 * before, and never one the caller protects; download_cap_mb deletes the
 * played first, then the oldest, only until under; a podcast's own values
 * win over the settings and "default" gives them back; bad values change
 * nothing; new episodes for auto_download, not a first fetch's; a
 * podcast's files deleted before it is removed.
 */
#include "testfeed.h"

#include "../../src/db_int.h"
#include "config.h"
#include "db.h"
#include "dlfile.h"
#include "dlpolicy.h"

#define NEP 5

typedef struct fx {
	char *path, *dir;
	db *d;
	config c;
	int64_t pid, ep[NEP]; /* oldest first */
	char *file[NEP];
	int said;
} fx;

/* A file of bytes bytes downloaded ("done") for episode i. */
static void downloaded(fx *f, int i, int64_t bytes)
{
	f->file[i] = xasprintf("%s/ep%d.mp3", f->dir, i);
	FILE *fp = fopen(f->file[i], "w");
	assert_non_null(fp);
	fclose(fp);
	db_download r = {f->ep[i], DL_DONE, bytes, bytes, f->file[i], NULL,
			 (char *)"https://example.org/x.mp3", NULL};
	assert_int_equal(db_download_save(f->d, &r), 0);
}

static int setup(void **state)
{
	fx *f = xcalloc(1, sizeof *f);
	f->path = tmp_db();
	f->dir = xstrdup(f->path);
	*strrchr(f->dir, '/') = '\0';
	char *err = NULL;
	assert_int_equal(db_open(f->path, &f->d, &err), 0);
	config_defaults(&f->c);
	f->c.download_dir = xstrdup(f->dir); /* the files are deleted only inside it */
	int existed;
	assert_int_equal(db_podcast_add(f->d, "https://example.org/f.xml", 0, &f->pid, &existed), 0);
	test_store_episodes(f->d, f->pid, "https://example.org/f.xml", NEP, 0);
	test_episode_ids(f->d, f->pid, NEP, f->ep);
	for (int i = 0; i < NEP; i++)
		downloaded(f, i, 300000);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	for (int i = 0; i < NEP; i++) {
		if (f->file[i])
			unlink(f->file[i]);
		free(f->file[i]);
	}
	db_close(f->d);
	config_free(&f->c);
	free(f->dir);
	rm_db(f->path);
	free(f);
	return 0;
}

static void count_lines(int error, const char *line, void *ctx)
{
	fx *f = ctx;
	assert_false(error);
	assert_non_null(strstr(line, "deleted episode "));
	f->said++;
}

static int exists(const fx *f, int i)
{
	return access(f->file[i], F_OK) == 0;
}

static void test_keep_spares_queue_and_progress(void **state)
{
	fx *f = *state;
	assert_null(dlpolicy_set(f->d, f->pid, "keep_downloads", "2"));
	assert_int_equal(db_queue_add(f->d, &f->ep[0], 1, 0, NULL), 0);
	assert_int_equal(db_episode_set_position(f->d, f->ep[1], 30), 0);
	assert_int_equal(dlpolicy_cleanup(f->d, &f->c, NULL, 0, count_lines, f), 1);
	assert_int_equal(f->said, 1);
	assert_true(exists(f, 0) && exists(f, 1) && !exists(f, 2) && exists(f, 3) && exists(f, 4));
	db_download r;
	assert_int_equal(db_download_get(f->d, f->ep[2], &r), 1);
	/* A second cleanup has nothing more it may delete. */
	assert_int_equal(dlpolicy_cleanup(f->d, &f->c, NULL, 0, NULL, NULL), 0);
	/* "default": the setting (no limit) again. */
	assert_null(dlpolicy_set(f->d, f->pid, "keep_downloads", "default"));
	dl_policy p;
	dlpolicy_effective(f->d, &f->c, f->pid, &p);
	assert_int_equal(p.keep_downloads, 0);
	f->c.keep_downloads = 4;
	dlpolicy_effective(f->d, &f->c, f->pid, &p);
	assert_int_equal(p.keep_downloads, 4);
}

static void test_played_after_days(void **state)
{
	fx *f = *state;
	f->c.delete_played_after = 3;
	assert_int_equal(db_episode_set_played(f->d, f->ep[4], 1), 0);
	assert_int_equal(db_episode_set_played(f->d, f->ep[3], 1), 0);
	assert_int_equal(dlpolicy_cleanup(f->d, &f->c, NULL, 0, NULL, NULL), 0);
	char *sql = xasprintf("UPDATE download SET updated = strftime('%%s','now') - 4 * 86400;"
			      "UPDATE episode SET last_played = NULL");
	assert_int_equal(dbi_exec(f->d, sql), 0);
	free(sql);
	/* Four days ago: the played ones go, except one the caller protects. */
	int64_t keep = f->ep[3];
	assert_int_equal(dlpolicy_cleanup(f->d, &f->c, &keep, 1, NULL, NULL), 1);
	assert_true(!exists(f, 4) && exists(f, 3) && exists(f, 2));
	/* A podcast's own days win: 10 keeps the one left. */
	assert_null(dlpolicy_set(f->d, f->pid, "delete_played_after", "10"));
	assert_int_equal(dlpolicy_cleanup(f->d, &f->c, NULL, 0, NULL, NULL), 0);
	assert_true(exists(f, 3));
	/* Listened to recently counts from then, not from the download. */
	assert_null(dlpolicy_set(f->d, f->pid, "delete_played_after", "default"));
	sql = xasprintf("UPDATE episode SET last_played = strftime('%%s','now') * 1000 WHERE id = %lld",
			(long long)f->ep[3]);
	assert_int_equal(dbi_exec(f->d, sql), 0);
	free(sql);
	assert_int_equal(dlpolicy_cleanup(f->d, &f->c, NULL, 0, NULL, NULL), 0);
}

static void test_cap(void **state)
{
	fx *f = *state;
	f->c.download_cap_mb = 1; /* 5 x 300000 on disk: 1500000 > 1048576 */
	assert_int_equal(db_episode_set_played(f->d, f->ep[3], 1), 0);
	assert_int_equal(db_queue_add(f->d, &f->ep[0], 1, 0, NULL), 0);
	/* The played one first, then the oldest not queued: 900000 left. */
	assert_int_equal(dlpolicy_cleanup(f->d, &f->c, NULL, 0, NULL, NULL), 2);
	assert_true(exists(f, 0) && !exists(f, 1) && exists(f, 2) && !exists(f, 3) && exists(f, 4));
	assert_int_equal(dlpolicy_cleanup(f->d, &f->c, NULL, 0, NULL, NULL), 0);
}

static void test_set_refuses(void **state)
{
	fx *f = *state;
	char *m = dlpolicy_set(f->d, f->pid, "auto_download", "maybe");
	assert_non_null(m);
	free(m);
	m = dlpolicy_set(f->d, f->pid, "keep_downloads", "-1");
	assert_non_null(m);
	free(m);
	m = dlpolicy_set(f->d, f->pid, "colour", "on");
	assert_non_null(m);
	free(m);
	db_dl_policy p;
	assert_int_equal(db_dl_policy_get(f->d, f->pid, &p), 0);
	assert_true(p.auto_download < 0 && p.keep_downloads < 0 && p.delete_played_after < 0);
	assert_null(dlpolicy_set(f->d, f->pid, "auto_download", "on"));
	assert_int_equal(db_dl_policy_get(f->d, f->pid, &p), 0);
	assert_int_equal(p.auto_download, 1);
}

static void test_new_episodes(void **state)
{
	fx *f = *state;
	int64_t since;
	assert_int_equal(db_episode_max_id(f->d, &since), 0);
	/* Two new items in the old podcast; a new podcast's whole catalogue. */
	test_store_episodes(f->d, f->pid, "https://example.org/f.xml", NEP + 2, 0);
	int64_t other;
	int existed;
	assert_int_equal(db_podcast_add(f->d, "https://example.org/g.xml", 0, &other, &existed), 0);
	test_store_episodes(f->d, other, "https://example.org/g.xml", 3, 0);
	int64_t *ids;
	size_t n;
	assert_int_equal(dlpolicy_new_episodes(f->d, &f->c, since, &ids, &n), 0);
	assert_int_equal(n, 0); /* auto_download is off */
	free(ids);
	f->c.auto_download = 1;
	assert_int_equal(dlpolicy_new_episodes(f->d, &f->c, since, &ids, &n), 0);
	assert_int_equal(n, 2);
	db_episode e;
	assert_int_equal(db_episode_get(f->d, ids[0], &e), 0);
	assert_string_equal(e.title, "ep 6"); /* newest first */
	assert_int_equal(e.podcast_id, f->pid);
	db_episode_free(&e);
	free(ids);
	/* keep_downloads 1: the newest one only. */
	assert_null(dlpolicy_set(f->d, f->pid, "keep_downloads", "1"));
	assert_int_equal(dlpolicy_new_episodes(f->d, &f->c, since, &ids, &n), 0);
	assert_int_equal(n, 1);
	free(ids);
	/* The podcast's own "off" wins over the setting. */
	assert_null(dlpolicy_set(f->d, f->pid, "auto_download", "off"));
	assert_int_equal(dlpolicy_new_episodes(f->d, &f->c, since, &ids, &n), 0);
	assert_int_equal(n, 0);
	free(ids);
}

static void test_delete_podcast(void **state)
{
	fx *f = *state;
	char *part = xasprintf("%s.part", f->file[0]);
	FILE *fp = fopen(part, "w");
	assert_non_null(fp);
	fclose(fp);
	char **paths, *msg;
	size_t n;
	assert_int_equal(dlpolicy_podcast_files(f->d, f->pid, &paths, &n, &msg), 0);
	assert_null(msg);
	assert_int_equal(n, NEP);
	/* Nothing is deleted before the podcast is removed. */
	for (int i = 0; i < NEP; i++)
		assert_true(exists(f, i));
	assert_int_equal(db_podcast_remove(f->d, f->pid), 0);
	assert_int_equal(dlpolicy_delete_files(&f->c, paths, n, NULL, NULL), NEP);
	dlpolicy_files_free(paths, n);
	for (int i = 0; i < NEP; i++)
		assert_false(exists(f, i));
	assert_int_equal(access(part, F_OK), -1);
	free(part);
	db_download *v;
	size_t m;
	assert_int_equal(db_download_list(f->d, &v, &m), 0);
	assert_int_equal(m, 0);
}

static void count_kept(int error, const char *line, void *ctx)
{
	int *kept = ctx;
	*kept += error && strstr(line, "kept ") != NULL;
}

/* A path outside the download folder (or a symlink in it) is kept. */
static void test_delete_outside_kept(void **state)
{
	fx *f = *state;
	free(f->c.download_dir);
	f->c.download_dir = xasprintf("%s/dl", f->dir);
	assert_int_equal(mkdir(f->c.download_dir, 0700), 0);
	char *link = xasprintf("%s/dl/link.mp3", f->dir);
	assert_int_equal(symlink(f->file[1], link), 0);
	char *sneaky = xasprintf("%s/dl/../ep0.mp3", f->dir);
	char *paths[] = {sneaky, link};
	int kept = 0;
	assert_int_equal(dlpolicy_delete_files(&f->c, paths, 2, count_kept, &kept), 0);
	assert_int_equal(kept, 2);
	assert_true(exists(f, 0));
	assert_true(exists(f, 1));
	/* download_delete forgets the row and keeps the file. */
	char *msg;
	assert_int_equal(download_delete(f->d, &f->c, f->ep[2], &msg), 2);
	assert_non_null(strstr(msg, "outside the download folder"));
	free(msg);
	assert_true(exists(f, 2));
	db_download r;
	assert_int_equal(db_download_get(f->d, f->ep[2], &r), 1);
	unlink(link);
	rmdir(f->c.download_dir);
	free(link);
	free(sneaky);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_keep_spares_queue_and_progress, setup, teardown),
		cmocka_unit_test_setup_teardown(test_played_after_days, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_refuses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_new_episodes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_podcast, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_outside_kept, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
