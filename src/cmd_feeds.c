/*
 * cmd_feeds.c - subscription commands: add, remove, refresh, import, export.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "dlpolicy.h"
#include "fetch.h"
#include "index_run.h"
#include "notes_rescan.h"
#include "opml.h"
#include "paths.h"
#include "refresh.h"
#include "text.h"
#include "urlrule.h"
#include "util.h"

/* One line on stderr: "podcue: TITLE <URL>: MESSAGE". */
static void report_feed(const refresh_failure *f)
{
	fputs("podcue: ", stderr);
	cli_print_safe(stderr, f->title ? f->title : f->url, 0);
	if (f->title) {
		fputs(" <", stderr);
		cli_print_safe(stderr, f->url, 0);
		fputc('>', stderr);
	}
	fputs(": ", stderr);
	cli_print_safe(stderr, f->error, 0);
	fputc('\n', stderr);
}

/* Prints the per-feed failure summary (to stderr) and returns the exit
 * status: 0 only when every feed succeeded (a feed put off at its
 * server's request is no failure). */
static int report_refresh(const refresh_report *rep, int quiet_ok)
{
	for (size_t i = 0; i < rep->nfailures; i++)
		report_feed(&rep->failures[i]);
	for (size_t i = 0; i < rep->ndeferred; i++)
		report_feed(&rep->deferred[i]);
	if (!quiet_ok || rep->failed) {
		fprintf(stderr, "%d feed%s: %d updated, %d unchanged, %d failed; %d new episode%s",
			rep->total, rep->total == 1 ? "" : "s", rep->updated, rep->unchanged,
			rep->failed, rep->episodes_added, rep->episodes_added == 1 ? "" : "s");
		if (rep->ndeferred)
			fprintf(stderr, "; %zu put off (their servers asked to wait)", rep->ndeferred);
		fputc('\n', stderr);
	}
	return rep->failed ? EXIT_FAIL : EXIT_OK;
}

static void say_stderr(const char *msg, void *ctx)
{
	(void)ctx;
	fprintf(stderr, "podcue: %s\n", msg);
}

/* The refresh progress hook of a terminal: one line on stderr, redrawn in
 * place, cleared at the end. Never cancels. */
static int draw_bar(void *ctx, const refresh_progress *p)
{
	(void)ctx;
	if (p->final) {
		fprintf(stderr, "\r\033[K");
		return 0;
	}
	int width = 24, filled = p->total ? (int)((int64_t)p->done * width / p->total) : 0;
	char bar[32];
	for (int i = 0; i < width; i++)
		bar[i] = i < filled ? '#' : '.';
	bar[width] = '\0';
	/* Only our own ASCII and a URL trimmed to 40 bytes reach the terminal;
	 * every byte of the URL outside printable ASCII (controls, and bytes
	 * of C1 controls such as 0x9B, CSI on 8-bit terminals) is a '?'. */
	char cur[41] = "";
	if (p->current) {
		size_t k = 0;
		for (const char *s = p->current; *s && k < 40; s++)
			cur[k++] = ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f) ? '?' : *s;
		cur[k] = '\0';
	}
	fprintf(stderr, "\r\033[K[%s] %d/%d feeds  %.1f MB  %s", bar, p->done, p->total,
		(double)p->bytes / 1e6, cur);
	fflush(stderr);
	return 0;
}

/* Refresh options for ids (all podcasts when NULL), with the progress bar
 * when stderr is a terminal. */
static refresh_opts refresh_options(const int64_t *ids, size_t n)
{
	return (refresh_opts){.ids = ids, .nids = n,
			      .progress = isatty(STDERR_FILENO) ? draw_bar : NULL};
}

static int run_refresh(app *a, const int64_t *ids, size_t n, int quiet_ok)
{
	refresh_report rep;
	/* Feeds that do not change are never parsed again: their notes are
	 * read again here when the chapter finder has improved. */
	if (notes_rescan(a->d, say_stderr, NULL) < 0)
		cli_error("cache error while reading notes again: %s", db_errmsg(a->d));
	refresh_opts o = refresh_options(ids, n);
	/* New episodes are stored unindexed and indexed at the end (a first
	 * import is usable, and searchable, as soon as it is stored). */
	db_set_index_later(a->d, 1);
	int dberr = refresh_podcasts(a->d, &a->cfg, &o, &rep) != 0;
	db_set_index_later(a->d, 0);
	if (dberr)
		cli_error("cache error during refresh: %s", db_errmsg(a->d));
	else if (index_run_cli(a->d) < 0)
		cli_error("cache error while indexing for search: %s", db_errmsg(a->d));
	int rc = report_refresh(&rep, quiet_ok);
	if (dberr) /* nothing was recorded: not a success */
		rc = EXIT_FAIL;
	refresh_report_free(&rep);
	return rc;
}

int cmd_add(app *a, int argc, char **argv)
{
	if (argc < 2) {
		cli_error("usage: podcue add URL...");
		return EXIT_USAGE;
	}
	if (!app_db(a))
		return EXIT_FAIL;
	int64_t *ids = xcalloc((size_t)argc, sizeof *ids);
	size_t n = 0;
	int rc = EXIT_OK;
	for (int i = 1; i < argc; i++) {
		int local, existed;
		char *url = paths_feed_url(argv[i], &local);
		if (!url) {
			cli_error("%s: not an http(s) URL or an existing file", argv[i]);
			rc = EXIT_FAIL;
			continue;
		}
		int64_t id;
		if (db_podcast_add(a->d, url, local, &id, &existed) != 0) {
			cli_error("%s", db_errmsg(a->d));
			rc = EXIT_FAIL;
		} else if (existed) {
			fprintf(stderr, "podcue: already subscribed: %s (id %lld)\n", url,
				(long long)id);
		} else {
			ids[n++] = id;
		}
		free(url);
	}
	if (n) {
		refresh_report rep;
		refresh_opts o = refresh_options(ids, n);
		db_set_index_later(a->d, 1); /* as run_refresh */
		if (refresh_subscribe(a->d, &a->cfg, &o, &rep) != 0)
			cli_error("cache error: %s", db_errmsg(a->d));
		else if (index_run_cli(a->d) < 0)
			cli_error("cache error while indexing for search: %s", db_errmsg(a->d));
		db_set_index_later(a->d, 0);
		if (report_refresh(&rep, 1) != EXIT_OK)
			rc = EXIT_FAIL;
		for (size_t i = 0; i < n; i++) {
			db_podcast p;
			if (db_podcast_get(a->d, ids[i], &p) == 0) {
				printf("subscribed %lld: ", (long long)p.id);
				cli_print_safe(stdout, p.title ? p.title : p.url, 0);
				printf(" (%lld episode%s)\n", (long long)p.episodes,
				       p.episodes == 1 ? "" : "s");
				db_podcast_free(&p);
			}
		}
		refresh_report_free(&rep);
	}
	free(ids);
	return rc;
}

int cmd_remove(app *a, int argc, char **argv)
{
	if (argc != 2) {
		cli_error("usage: podcue remove PODCAST");
		return EXIT_USAGE;
	}
	if (!app_db(a))
		return EXIT_FAIL;
	db_podcast p;
	int rc = db_podcast_find(a->d, argv[1], &p);
	if (rc != 0) {
		cli_error(rc > 0 ? "no such podcast: %s" : "%s",
			  rc > 0 ? argv[1] : db_errmsg(a->d));
		return EXIT_FAIL;
	}
	/* Its downloaded files go with it (said), rather than stay behind
	 * unnamed by any row; only once its row is gone, so that a remove
	 * that fails keeps them. */
	char **paths, *msg;
	size_t n;
	if (dlpolicy_podcast_files(a->d, p.id, &paths, &n, &msg) != 0) {
		cli_error("%s (the podcast is kept)", msg);
		free(msg);
		db_podcast_free(&p);
		return EXIT_FAIL;
	}
	rc = db_podcast_remove(a->d, p.id);
	if (rc == 0) {
		cli_remove_podcast_files(a, paths, n);
		printf("removed %lld: ", (long long)p.id);
		cli_print_safe(stdout, p.title ? p.title : p.url, 0);
		putchar('\n');
	} else {
		cli_error("%s", db_errmsg(a->d));
	}
	dlpolicy_files_free(paths, n);
	db_podcast_free(&p);
	return rc == 0 ? EXIT_OK : EXIT_FAIL;
}

int cmd_refresh(app *a, int argc, char **argv)
{
	int64_t *ids = xcalloc((size_t)argc, sizeof *ids);
	size_t n = 0;
	int rc = EXIT_OK;
	if (!app_db(a)) {
		free(ids);
		return EXIT_FAIL;
	}
	for (int i = 1; i < argc && rc == EXIT_OK; i++) {
		if (strcmp(argv[i], "--jobs") == 0 || strcmp(argv[i], "-j") == 0) {
			char *msg = i + 1 < argc ? config_set(&a->cfg, "jobs", argv[++i])
						 : xstrdup("--jobs needs a number");
			if (msg) {
				cli_error("%s", msg);
				free(msg);
				rc = EXIT_USAGE;
			}
			continue;
		}
		db_podcast p;
		int found = db_podcast_find(a->d, argv[i], &p);
		if (found != 0) {
			cli_error("no such podcast: %s", argv[i]);
			rc = EXIT_FAIL;
			continue;
		}
		ids[n++] = p.id;
		db_podcast_free(&p);
	}
	int64_t since = 0;
	if (rc == EXIT_OK && db_episode_max_id(a->d, &since) != 0) {
		cli_error("%s", db_errmsg(a->d));
		rc = EXIT_USAGE + 1;
	}
	if (rc == EXIT_OK)
		rc = run_refresh(a, n ? ids : NULL, n, 0);
	/* New episodes are downloaded (auto_download), then the cleanup;
	 * after a refresh that failed for some feeds too. */
	if (rc == EXIT_OK || rc == EXIT_FAIL) {
		int r2 = cli_after_refresh(a, since);
		rc = rc != EXIT_OK ? rc : r2;
	}
	free(ids);
	return rc > EXIT_USAGE ? EXIT_FAIL : rc;
}

/* 1 when podcast id was subscribed but never fetched successfully. */
static int never_fetched(db *d, int64_t id)
{
	db_podcast p;
	if (db_podcast_get(d, id, &p) != 0)
		return 0;
	int never = p.last_refresh == 0 && p.episodes == 0;
	db_podcast_free(&p);
	return never;
}

int cmd_import(app *a, int argc, char **argv)
{
	if (argc != 2) {
		cli_error("usage: podcue import FILE.opml");
		return EXIT_USAGE;
	}
	size_t len;
	char *buf = file_read_all(argv[1], &len);
	if (!buf) {
		cli_error("%s: %s", argv[1], strerror(errno));
		return EXIT_FAIL;
	}
	opml_list l = {0};
	char *err = NULL;
	int prc = opml_parse(buf, len, &l, &err);
	free(buf);
	if (prc != 0) {
		cli_error("%s: %s", argv[1], err ? err : "not an OPML file");
		free(err);
		return EXIT_FAIL;
	}
	if (!app_db(a)) {
		opml_list_free(&l);
		return EXIT_FAIL;
	}
	int64_t *ids = xcalloc(l.n + 1, sizeof *ids);
	size_t n = 0, skipped = 0, refused = 0, unfetched = 0;
	for (size_t i = 0; i < l.n; i++) {
		/* An OPML file may come from anyone: only http(s) feeds. */
		if (!urlrule_remote(l.v[i].url)) {
			char *shown = text_sanitize(l.v[i].url, (size_t)-1, 0);
			cli_error("skipping %s: only http and https feeds are imported", shown);
			free(shown);
			refused++;
			continue;
		}
		int64_t id;
		int existed;
		if (db_podcast_add(a->d, l.v[i].url, 0, &id, &existed) != 0) {
			cli_error("%s", db_errmsg(a->d));
			continue;
		}
		/* The outline's title names the feed until the feed gives one. */
		if (db_podcast_set_title(a->d, id, l.v[i].title) != 0)
			cli_error("%s", db_errmsg(a->d));
		if (!existed) {
			ids[n + unfetched] = id;
			n++;
		} else if (never_fetched(a->d, id)) {
			/* Subscribed by an import killed midway: fetched now. */
			ids[n + unfetched] = id;
			unfetched++;
		} else {
			skipped++;
		}
	}
	printf("imported %zu feed%s (%zu already subscribed, %zu refused)\n", n, n == 1 ? "" : "s",
	       skipped + unfetched, refused);
	if (unfetched)
		printf("fetching %zu feed%s subscribed before but never fetched\n", unfetched,
		       unfetched == 1 ? "" : "s");
	fflush(stdout);
	opml_list_free(&l);
	int rc = n + unfetched ? run_refresh(a, ids, n + unfetched, 0) : EXIT_OK;
	free(ids);
	return refused && rc == EXIT_OK ? EXIT_FAIL : rc;
}

int cmd_export(app *a, int argc, char **argv)
{
	if (argc > 2) {
		cli_error("usage: podcue export [FILE]");
		return EXIT_USAGE;
	}
	if (!app_db(a))
		return EXIT_FAIL;
	db_podcast *v;
	size_t n;
	if (db_podcast_list(a->d, &v, &n) != 0) {
		cli_error("%s", db_errmsg(a->d));
		return EXIT_FAIL;
	}
	opml_export_item *items = xcalloc(n + 1, sizeof *items);
	for (size_t i = 0; i < n; i++)
		items[i] = (opml_export_item){v[i].url, v[i].title, v[i].link};
	char *doc = opml_export(items, n, now_s());
	free(items);
	db_podcast_list_free(v, n);

	int rc = EXIT_OK;
	const char *path = argc == 2 ? argv[1] : "-";
	FILE *f = strcmp(path, "-") ? fopen(path, "w") : stdout;
	if (!f || fputs(doc, f) == EOF || (f != stdout && fclose(f) != 0)) {
		cli_error("%s: %s", path, strerror(errno));
		rc = EXIT_FAIL;
	}
	free(doc);
	return rc;
}
