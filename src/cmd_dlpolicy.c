/*
 * cmd_dlpolicy.c - the download policies on the command line (see
 * dlpolicy.h): `podcue set-podcast PODCAST [NAME VALUE]`, what `podcue
 * refresh` downloads and cleans up afterwards, `podcue downloads
 * --cleanup`, and the files `podcue remove` deletes with a podcast.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dlpolicy.h"
#include "util.h"

#define SET_USAGE "usage: podcue set-podcast PODCAST [NAME VALUE|default]"

static void print_policies(app *a, const db_podcast *p)
{
	db_dl_policy own;
	dl_policy eff;
	if (db_dl_policy_get(a->d, p->id, &own) != 0)
		own = (db_dl_policy){-1, -1, -1};
	dlpolicy_effective(a->d, &a->cfg, p->id, &eff);
	int o[] = {own.auto_download, own.keep_downloads, own.delete_played_after};
	int e[] = {eff.auto_download, eff.keep_downloads, eff.delete_played_after};
	for (int i = 0; dlpolicy_names[i]; i++) {
		if (i == 0)
			printf("%s %s", dlpolicy_names[i], e[i] ? "on" : "off");
		else
			printf("%s %d", dlpolicy_names[i], e[i]);
		puts(o[i] >= 0 ? "" : " (the setting)");
	}
}

int cmd_set_podcast(app *a, int argc, char **argv)
{
	if (argc != 2 && argc != 4) {
		cli_error(SET_USAGE);
		return EXIT_USAGE;
	}
	if (!app_db(a))
		return EXIT_FAIL;
	db_podcast p;
	int rc = db_podcast_find(a->d, argv[1], &p);
	if (rc != 0) {
		cli_error(rc > 0 ? "no such podcast: %s" : "%s", rc > 0 ? argv[1] : db_errmsg(a->d));
		return EXIT_FAIL;
	}
	char *msg = argc == 4 ? dlpolicy_set(a->d, p.id, argv[2], argv[3]) : NULL;
	if (msg) {
		cli_error("%s", msg);
		free(msg);
		db_podcast_free(&p);
		return EXIT_USAGE;
	}
	print_policies(a, &p);
	db_podcast_free(&p);
	return EXIT_OK;
}

static void say_line(int error, const char *line, void *ctx)
{
	int *failed = ctx;
	if (error) {
		*failed = 1;
		cli_error("%s", line);
		return;
	}
	cli_print_safe(stdout, line, 0);
	putchar('\n');
}

int cli_cleanup(app *a, const int64_t *keep, size_t nkeep)
{
	int failed = 0;
	if (dlpolicy_cleanup(a->d, &a->cfg, keep, nkeep, say_line, &failed) < 0) {
		cli_error("cleanup: %s", db_errmsg(a->d));
		return EXIT_FAIL;
	}
	fflush(stdout);
	return failed ? EXIT_FAIL : EXIT_OK;
}

int cli_after_refresh(app *a, int64_t since)
{
	int64_t *ids;
	size_t n;
	if (dlpolicy_new_episodes(a->d, &a->cfg, since, &ids, &n) != 0) {
		cli_error("%s", db_errmsg(a->d));
		return EXIT_FAIL;
	}
	int rc;
	if (n) {
		printf("downloading %zu new episode%s (auto_download)\n", n, n == 1 ? "" : "s");
		fflush(stdout);
		rc = cli_download_ids(a, ids, n); /* the cleanup follows */
	} else {
		rc = cli_cleanup(a, NULL, 0);
	}
	free(ids);
	return rc;
}

static void say_kept(int error, const char *line, void *ctx)
{
	(void)error;
	(void)ctx;
	cli_error("%s", line);
}

int cli_remove_podcast_files(app *a, char **paths, size_t n)
{
	int k = dlpolicy_delete_files(&a->cfg, paths, n, say_kept, NULL);
	if (k)
		printf("deleted %d downloaded file%s\n", k, k == 1 ? "" : "s");
	return EXIT_OK;
}
