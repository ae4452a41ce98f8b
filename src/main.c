/*
 * main.c - global options and command dispatch.
 *
 *   podcue [--db FILE] [--config FILE] [--mpv-option KEY=VALUE]... [COMMAND ...]
 *
 * With no command, the full-screen interface opens (ui.h).
 */
#include <errno.h>
#include <locale.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "ingest.h"
#include "db.h"
#include "paths.h"
#include "ui.h"
#include "util.h"
#include "version.h"

static const cli_command commands[] = {
	{"add", cmd_add, "URL...", "subscribe to feeds (URL or local file) and fetch them now"},
	{"remove", cmd_remove, "PODCAST", "unsubscribe (PODCAST = id or feed URL)"},
	{"refresh", cmd_refresh, "[--jobs N] [PODCAST...]", "fetch feeds (all by default)"},
	{"import", cmd_import, "FILE.opml", "subscribe to every feed in an OPML file"},
	{"export", cmd_export, "[FILE]", "write subscriptions as OPML 2.0 ('-' = stdout)"},
	{"podcasts", cmd_podcasts, "[--json]", "list subscriptions"},
	{"episodes", cmd_episodes, "[PODCAST] [--json]", "list episodes, newest first"},
	{"show", cmd_show, "EPISODE [--json]", "episode metadata and show notes"},
	{"chapters", cmd_chapters, "EPISODE [--json]", "an episode's chapters from every source"},
	{"transcript", cmd_transcript, "EPISODE [--json]", "an episode's transcript (fetched when due)"},
	{"play", cmd_play, "EPISODE [--chapter N|--at T|--unheard] [--sleep W]",
	 "play from the saved position, chapter N or T seconds"},
	{"search", cmd_search, "QUERY... [--json]", "search titles, notes, chapters, transcripts (exit 1: no hit)"},
	{"queue", cmd_queue, "[add|remove|move|clear]", "list or change the up-next queue"},
	{"mark", cmd_mark, "EPISODE... played|unplayed", "mark played or unplayed (--podcast P: all)"},
	{"sync", cmd_sync, "[setup|status|off] [--json]",
	 "sync with a gpodder server (setup URL --user NAME [--device ID] [--nextcloud])"},
	{"download", cmd_download, "EPISODE...", "download to disk now (--podcast P [--latest N])"},
	{"downloads", cmd_downloads, "[--json|--cleanup]",
	 "list downloads: queued, running, done, failed (--cleanup: apply the policies)"},
	{"delete", cmd_delete, "EPISODE...", "delete downloaded files (the episodes stay)"},
	{"bookmark", cmd_bookmark, "EPISODE --at T [--note TEXT] [--json]",
	 "bookmark a moment (a chapter of your own); --delete ID removes one"},
	{"bookmarks", cmd_bookmarks, "[EPISODE] [--json]", "list bookmarks"},
	{"skip", cmd_skip, "PODCAST [list|add P...|remove P...|intro T|outro T]",
	 "chapter titles and seconds playback passes over, per podcast"},
	{"set-podcast", cmd_set_podcast, "PODCAST [NAME VALUE]",
	 "a podcast's own download policies (auto_download, keep_downloads, delete_played_after)"},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *f)
{
	fprintf(f, "usage: podcue [--db FILE] [--config FILE] [--mpv-option KEY=VALUE]... "
		   "[COMMAND [ARGS]]\n\nWith no command: the full-screen interface (? lists its keys)."
		   "\n\ncommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++) {
		char left[48];
		snprintf(left, sizeof left, "%s %s", commands[i].name, commands[i].args);
		fprintf(f, "  %-34s %s\n", left, commands[i].help);
	}
	fprintf(f, "\nfiles: cache $XDG_DATA_HOME/podcue/podcue.db, "
		   "config $XDG_CONFIG_HOME/podcue/config\n");
}

/* One global option at argv[*i] (with its value, *i then moves past it):
 * 1 when it was one, 0 when it is not a global option, -1 after printing
 * a usage error. */
static int global_option(app *a, int argc, char **argv, int *i)
{
	const char *opt = argv[*i];
	int known = !strcmp(opt, "--db") || !strcmp(opt, "--config") ||
		    !strcmp(opt, "--mpv-option");
	if (!known)
		return 0;
	if (*i + 1 >= argc) {
		cli_error("%s needs a value", opt);
		return -1;
	}
	const char *v = argv[++*i];
	if (strcmp(opt, "--db") == 0) {
		free(a->db_path);
		a->db_path = xstrdup(v);
	} else if (strcmp(opt, "--config") == 0) {
		free(a->config_path);
		a->config_path = xstrdup(v);
		a->config_explicit = 1;
	} else {
		if (!strchr(v, '=') || v[0] == '=') {
			cli_error("--mpv-option expects KEY=VALUE, got '%s'", v);
			return -1;
		}
		config_add_mpv_option(&a->cfg, v);
	}
	return 1;
}

/* Consumes global options; returns the index of the command word, or -1
 * after printing a usage error. */
static int parse_globals(app *a, int argc, char **argv)
{
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *opt = argv[i];
		if (strcmp(opt, "--help") == 0 || strcmp(opt, "-h") == 0) {
			usage(stdout);
			exit(EXIT_OK);
		}
		if (strcmp(opt, "--version") == 0) {
			printf("podcue %s\n", PODCUE_VERSION);
			exit(EXIT_OK);
		}
		int rc = global_option(a, argc, argv, &i);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			cli_error("unknown option %s", opt);
			return -1;
		}
	}
	return i;
}

/* Global options may also follow the command among its own arguments
 * (`podcue play 12 --chapter 3 --mpv-option ao=null`): they are applied
 * and taken out, so each command sees only its own; "--" ends them.
 * Returns the new argc, or -1 after a usage error. */
static int take_trailing_globals(app *a, int argc, char **argv)
{
	int out = 1, i = 1;
	for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
		int rc = global_option(a, argc, argv, &i);
		if (rc < 0)
			return -1;
		if (rc == 0)
			argv[out++] = argv[i];
	}
	for (; i < argc; i++)
		argv[out++] = argv[i];
	argv[out] = NULL;
	return out;
}

static int load_config(app *a)
{
	if (!a->config_path)
		a->config_path = paths_default_config();
	/* Options given on the command line win over the file: keep them and
	 * append them after the file's. */
	config cmdline = a->cfg;
	config_defaults(&a->cfg);
	char *warnings = NULL;
	int rc = config_load(&a->cfg, a->config_path, a->config_explicit, &warnings);
	if (warnings)
		fputs(warnings, stderr);
	a->config_warnings = warnings; /* the TUI shows them: its screen hides stderr */
	for (size_t i = 0; i < cmdline.nmpv_options; i++)
		config_add_mpv_option(&a->cfg, cmdline.mpv_options[i]);
	for (size_t i = 0; i < cmdline.nmpv_options; i++)
		free(cmdline.mpv_options[i]);
	free(cmdline.mpv_options);
	return rc;
}

/* Before a slow cache upgrade, while the terminal is still ours. */
static void migrate_notice(const char *msg)
{
	fprintf(stderr, "podcue: %s\n", msg);
}

/* At exit (every path, exit() included): what a command wrote to stdout
 * must have reached it. A full disk or a closed pipe would otherwise lose
 * the output of `podcue export - > file` with exit status 0. A reader
 * that went away (EPIPE: `podcue episodes | head`) only sets the status. */
static void close_stdout(void)
{
	int err = 0;
	if (fflush(stdout) != 0)
		err = errno;
	else if (ferror(stdout))
		err = EIO;
	if (fclose(stdout) != 0 && !err)
		err = errno;
	if (!err)
		return;
	if (err != EPIPE)
		fprintf(stderr, "podcue: cannot write to standard output: %s\n", strerror(err));
	_exit(EXIT_FAIL);
}

int main(int argc, char **argv)
{
	/* glibc gives freed memory back to the kernel as soon as 128 KB sit
	 * free at the top of a heap. A refresh frees each feed's parse right
	 * after storing it, so its threads trimmed and regrew their heaps once
	 * per feed: a third of the system time of a cold import of 300 small
	 * feeds, 1.4 s instead of 1.0 s (bench/RESULTS.md), for ~1 MB less
	 * peak memory. Keep up to 32 MB free per heap instead. */
	mallopt(M_TRIM_THRESHOLD, 32 << 20);
	atexit(close_stdout);
	setlocale(LC_ALL, "");
	setlocale(LC_NUMERIC, "C"); /* libmpv and number formatting need "C" */

	db_set_migrate_notice(migrate_notice);
	/* What the notes give is derived after a big store (db.h). */
	db_set_deriver(ingest_derive);
	app a = {0};
	int cmd = parse_globals(&a, argc, argv);
	int cargc = cmd >= 0 && cmd < argc ? take_trailing_globals(&a, argc - cmd, argv + cmd) : 0;
	if (cmd < 0 || cargc < 0) {
		usage(stderr);
		config_free(&a.cfg);
		free(a.db_path);
		free(a.config_path);
		return EXIT_USAGE;
	}
	if (!a.db_path)
		a.db_path = paths_default_db();
	int rc = EXIT_USAGE;
	if (load_config(&a) != 0) {
		rc = EXIT_FAIL;
	} else if (cmd >= argc) {
		rc = ui_run(&a);
	} else {
		const cli_command *c = NULL;
		for (size_t i = 0; i < NCOMMANDS; i++)
			if (strcmp(commands[i].name, argv[cmd]) == 0)
				c = &commands[i];
		if (c) {
			rc = c->run(&a, cargc, argv + cmd);
		} else if (strcmp(argv[cmd], "help") == 0) {
			usage(stdout);
			rc = EXIT_OK;
		} else {
			cli_error("unknown command '%s' (try 'podcue help')", argv[cmd]);
		}
	}
	db_close(a.d);
	config_free(&a.cfg);
	free(a.config_warnings);
	free(a.db_path);
	free(a.config_path);
	return rc;
}
