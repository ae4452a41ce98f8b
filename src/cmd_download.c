/*
 * cmd_download.c - `podcue download` (episodes to disk, now, with progress
 * on a terminal), `podcue downloads` (what is downloaded, downloading or
 * failed) and `podcue delete` (remove the file, keep the episode).
 *
 * A contract for scripts: `downloads --json` is an array of
 * {"episode_id", "state", "bytes", "total", "path", "error"} with state
 * one of queued, running, done, failed; total null when unknown; path the
 * file on disk, null unless done; error null unless failed. Exit status 1
 * when any download failed, 2 on malformed arguments.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "dlfile.h"
#include "download.h"
#include "util.h"

#define DOWNLOAD_USAGE "usage: podcue download EPISODE... | download --podcast PODCAST [--latest N]"
#define DELETE_USAGE "usage: podcue delete EPISODE..."

typedef struct dl_ui {
	int tty;      /* progress line on stderr */
	int drawn;    /* a progress line is showing */
	int failed;
} dl_ui;

static void clear_line(dl_ui *u)
{
	if (u->drawn)
		fputs("\r\033[K", stderr);
	u->drawn = 0;
}

static void on_event(const download_event *ev, void *ctx)
{
	dl_ui *u = ctx;
	clear_line(u);
	if (ev->state == DL_FAILED) {
		u->failed = 1;
		fprintf(stderr, "podcue: episode %" PRId64 ": ", ev->episode_id);
		cli_print_safe(stderr, ev->message ? ev->message : "failed", 0);
		fputc('\n', stderr);
	} else if (ev->state == DL_DONE) {
		printf("episode %" PRId64 ": done, %" PRId64 " bytes: ", ev->episode_id, ev->bytes);
		cli_print_safe(stdout, ev->path, 0);
		putchar('\n');
	} else if (ev->message) {
		printf("episode %" PRId64 ": ", ev->episode_id);
		cli_print_safe(stdout, ev->message, 0);
		putchar('\n');
	} else if (!u->tty) {
		printf("episode %" PRId64 ": downloading\n", ev->episode_id);
	}
	fflush(stdout);
}

static void draw_progress(dl_ui *u, const downloader *dl, int64_t started)
{
	if (!u->tty)
		return;
	download_progress p;
	downloader_progress(dl, &p);
	double secs = (double)(now_ms() - started) / 1000.0;
	double rate = secs > 0 ? (double)p.received / secs / (1 << 20) : 0;
	char pct[16] = "";
	if (p.total > 0)
		snprintf(pct, sizeof pct, " %3d%%", (int)(p.bytes * 100 / p.total));
	fprintf(stderr, "\r\033[K%d running, %d queued, %d done%s  %.1f MiB  %.1f MiB/s", p.running,
		p.queued, p.done, pct, (double)p.bytes / (1 << 20), rate);
	u->drawn = 1;
}

/* Episode ids of a podcast, newest first, at most latest (0 = all). */
static int podcast_ids(app *a, const char *which, size_t latest, int64_t **ids, size_t *n)
{
	db_podcast p;
	int rc = db_podcast_find(a->d, which, &p);
	if (rc != 0) {
		cli_error(rc > 0 ? "no such podcast: %s" : "%s", rc > 0 ? which : db_errmsg(a->d));
		return -1;
	}
	db_episode *v;
	size_t m;
	rc = db_episode_page(a->d, p.id, 0, 0, latest ? latest : (size_t)-1 / 2, &v, &m);
	db_podcast_free(&p);
	if (rc != 0) {
		cli_error("%s", db_errmsg(a->d));
		return -1;
	}
	*ids = xcalloc(m + 1, sizeof **ids);
	for (size_t i = 0; i < m; i++)
		(*ids)[i] = v[i].id;
	*n = m;
	db_episode_list_free(v, m);
	return 0;
}

int cli_download_ids(app *a, const int64_t *ids, size_t n)
{
	dl_ui u = {isatty(STDERR_FILENO), 0, 0};
	downloader *dl = downloader_new(a->d, &a->cfg, on_event, &u);
	if (!dl) {
		cli_error("cannot start libcurl");
		return EXIT_FAIL;
	}
	for (size_t i = 0; i < n; i++) {
		char *msg;
		int rc = downloader_add(dl, ids[i], &msg);
		if (rc < 0) {
			u.failed = 1;
			cli_error("%s", msg);
		} else if (rc == 1) {
			printf("episode %" PRId64 ": ", ids[i]);
			cli_print_safe(stdout, msg, 0);
			putchar('\n');
		}
		free(msg);
	}
	int64_t started = now_ms();
	while (downloader_step(dl, 200) > 0)
		draw_progress(&u, dl, started);
	clear_line(&u);
	downloader_free(dl);
	if (cli_cleanup(a, ids, n) != EXIT_OK)
		u.failed = 1;
	return u.failed ? EXIT_FAIL : EXIT_OK;
}

int cmd_download(app *a, int argc, char **argv)
{
	const char *podcast = NULL;
	long latest = 0;
	int64_t *ids = xcalloc((size_t)argc + 1, sizeof *ids);
	size_t n = 0;
	int bad = 0;
	for (int i = 1; i < argc && !bad; i++) {
		if (!strcmp(argv[i], "--podcast") && i + 1 < argc && !podcast) {
			podcast = argv[++i];
		} else if (!strcmp(argv[i], "--latest") && i + 1 < argc && !latest) {
			char *end;
			latest = strtol(argv[++i], &end, 10);
			bad = *end || latest <= 0;
		} else {
			int64_t id = cli_parse_id(argv[i]);
			bad = !id;
			ids[n++] = id;
		}
	}
	if (bad || (podcast && n) || (!podcast && (!n || latest))) {
		free(ids);
		cli_error(DOWNLOAD_USAGE);
		return EXIT_USAGE;
	}
	if (!app_db(a)) {
		free(ids);
		return EXIT_FAIL;
	}
	if (podcast) {
		free(ids);
		if (podcast_ids(a, podcast, (size_t)latest, &ids, &n) != 0)
			return EXIT_FAIL;
	}
	int rc = cli_download_ids(a, ids, n);
	free(ids);
	return rc;
}

static json_t *download_json(const db_download *r)
{
	int done = r->state == DL_DONE;
	return json_pack("{s:I, s:s, s:I, s:o, s:o, s:o}", "episode_id",
			 (json_int_t)r->episode_id, "state", db_download_state_name(r->state),
			 "bytes", (json_int_t)r->bytes, "total",
			 r->total < 0 ? json_null() : json_integer(r->total), "path",
			 done ? cli_jstr(r->path) : json_null(), "error",
			 r->state == DL_FAILED ? cli_jstr(r->error) : json_null());
}

int cmd_downloads(app *a, int argc, char **argv)
{
	int json;
	const char *pos;
	if (argc == 2 && !strcmp(argv[1], "--cleanup"))
		return app_db(a) ? cli_cleanup(a, NULL, 0) : EXIT_FAIL;
	if (cli_parse_args(argc, argv, &json, &pos) != 0 || pos) {
		cli_error("usage: podcue downloads [--json] | downloads --cleanup");
		return EXIT_USAGE;
	}
	if (!app_db(a))
		return EXIT_FAIL;
	db_download *v;
	size_t n;
	if (db_download_list(a->d, &v, &n) != 0) {
		cli_error("%s", db_errmsg(a->d));
		return EXIT_FAIL;
	}
	/* A row left running by a podcue that was killed is reported as what
	 * it is: stopped, its partial file kept for the next download. */
	for (size_t i = 0; i < n; i++)
		if (v[i].state == DL_RUNNING && !download_in_progress(v[i].path)) {
			v[i].state = DL_FAILED;
			free(v[i].error);
			v[i].error = xstrdup("interrupted (download again to resume)");
		}
	int rc = EXIT_OK;
	if (json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, download_json(&v[i]));
		rc = cli_emit_json(arr);
	}
	for (size_t i = 0; !json && i < n; i++) {
		const db_download *r = &v[i];
		char size[48];
		if (r->total >= 0 && r->state != DL_DONE)
			snprintf(size, sizeof size, "%" PRId64 "/%" PRId64, r->bytes, r->total);
		else
			snprintf(size, sizeof size, "%" PRId64, r->bytes);
		printf("%6" PRId64 "  %-7s  %21s  ", r->episode_id, db_download_state_name(r->state),
		       size);
		cli_print_safe(stdout, r->state == DL_FAILED ? r->error : r->path, 0);
		putchar('\n');
	}
	db_download_list_free(v, n);
	return rc;
}

int cmd_delete(app *a, int argc, char **argv)
{
	if (argc < 2) {
		cli_error(DELETE_USAGE);
		return EXIT_USAGE;
	}
	for (int i = 1; i < argc; i++)
		if (!cli_parse_id(argv[i])) {
			cli_error("not an episode id: %s", argv[i]);
			return EXIT_USAGE;
		}
	if (!app_db(a))
		return EXIT_FAIL;
	int rc = EXIT_OK;
	for (int i = 1; i < argc; i++) {
		int64_t id = cli_parse_id(argv[i]);
		char *msg;
		int r = download_delete(a->d, &a->cfg, id, &msg);
		if (r == 0) {
			printf("episode %" PRId64 ": download deleted\n", id);
		} else if (r == 2) {
			rc = EXIT_FAIL;
			cli_error("episode %" PRId64 ": download forgotten; %s", id, msg);
		} else {
			rc = EXIT_FAIL;
			if (r > 0)
				cli_error("episode %" PRId64 " is not downloaded", id);
			else
				cli_error("%s", msg);
		}
		free(msg);
	}
	return rc;
}
