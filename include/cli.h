/*
 * cli.h - the command-line interface: global options, the command table and
 * the shared context every command receives.
 *
 * The command line is a contract that scripts rely on: text output is for
 * people (sanitized for the terminal), --json output is one JSON document
 * with stable field names, written as ASCII (everything else as \uXXXX
 * escapes) so that printing it to a terminal is safe too. Errors go to stderr; exit status 0 = success,
 * 1 = the operation failed, 2 = usage error.
 */
#ifndef PODCUE_CLI_H
#define PODCUE_CLI_H

#include <stdio.h>

#include <jansson.h>

#include "config.h"
#include "db.h"
#include "util.h"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

typedef struct app {
	char *db_path;
	char *config_path;
	int config_explicit; /* --config given: the file must exist */
	config cfg;
	char *config_warnings; /* "FILE:LINE: message" lines from the config, or NULL */
	db *d; /* opened by app_db() on first use */
} app;

/* Opens the cache on first use (creating its directory). Prints the error
 * and returns NULL on failure. */
db *app_db(app *a);

typedef struct cli_command {
	const char *name;
	int (*run)(app *a, int argc, char **argv); /* argv[0] is the command */
	const char *args;
	const char *help;
} cli_command;

/* Feed management: add, remove, refresh, import, export (cmd_feeds.c). */
int cmd_add(app *a, int argc, char **argv);
int cmd_remove(app *a, int argc, char **argv);
int cmd_refresh(app *a, int argc, char **argv);
int cmd_import(app *a, int argc, char **argv);
int cmd_export(app *a, int argc, char **argv);
/* Browsing the cache: podcasts, episodes, show, chapters (cmd_list.c). */
int cmd_podcasts(app *a, int argc, char **argv);
int cmd_episodes(app *a, int argc, char **argv);
int cmd_show(app *a, int argc, char **argv);
/* Chapters of an episode, merged from every source (cmd_chapters.c). */
int cmd_chapters(app *a, int argc, char **argv);
/* An episode's transcript, fetched when due (cmd_transcript.c). */
int cmd_transcript(app *a, int argc, char **argv);
/* Plays one episode with a status line and the playback keys (cmd_play.c). */
int cmd_play(app *a, int argc, char **argv);
/* The "up next" queue and played state: queue, mark (cmd_queue.c). */
int cmd_queue(app *a, int argc, char **argv);
int cmd_mark(app *a, int argc, char **argv);
/* Full-text search of titles, show notes, chapters and transcripts (cmd_search.c). */
int cmd_search(app *a, int argc, char **argv);
int cmd_sync(app *a, int argc, char **argv);

/* Downloads: download, downloads, delete (cmd_download.c). */
int cmd_download(app *a, int argc, char **argv);
int cmd_downloads(app *a, int argc, char **argv);
int cmd_delete(app *a, int argc, char **argv);
/* Downloads ids now (progress on a terminal), then the cleanup of
 * dlpolicy.h sparing them; EXIT_* (cmd_download.c). */
int cli_download_ids(app *a, const int64_t *ids, size_t n);
/* The download policies: set-podcast; after a refresh that began at
 * episode id since, the new episodes' downloads and the cleanup; the
 * files of a podcast being removed (cmd_dlpolicy.c). */
int cmd_set_podcast(app *a, int argc, char **argv);
int cli_after_refresh(app *a, int64_t since);
/* Runs the cleanup, printing each deletion; EXIT_*. */
int cli_cleanup(app *a, const int64_t *keep, size_t nkeep);
/* Deletes the files of a removed podcast (dlpolicy_podcast_files). */
int cli_remove_podcast_files(app *a, char **paths, size_t n);

/* The user's marks: bookmark, bookmarks, skip (cmd_marks.c). */
int cmd_bookmark(app *a, int argc, char **argv);
int cmd_bookmarks(app *a, int argc, char **argv);
int cmd_skip(app *a, int argc, char **argv);
/* Prints "podcue: " + message to stderr. */
void cli_error(const char *fmt, ...) PC_PRINTF(1, 2);
/* Writes s to f made safe for a terminal (escape sequences and control
 * characters removed; newlines kept when keep_newlines). */
void cli_print_safe(FILE *f, const char *s, int keep_newlines);
/* Parses a positive integer id; 0 when s is not one. */
int64_t cli_parse_id(const char *s);
/* Parses "[ARG] [--json]": at most one positional argument. -1 on misuse. */
int cli_parse_args(int argc, char **argv, int *json, const char **pos);

/* Parses "EPISODE [--json]" and loads the episode (with notes) into *e.
 * Prints the usage or lookup error itself; returns EXIT_OK or the exit
 * status to return. */
int cli_open_episode(app *a, int argc, char **argv, const char *usage, int *json,
		     db_episode *e);

/* JSON output helpers (new references): a string or null for NULL (invalid
 * UTF-8 is repaired, never dropped); an ISO 8601 UTC time or null; seconds
 * or null when negative. cli_emit_json prints the document and frees it;
 * it writes numbers with at most 15 significant digits, so a time read as
 * 57.734 is written 57.734, not with the binary noise of the full double
 * (57.734000000000002). */
json_t *cli_jstr(const char *s);
json_t *cli_jtime(int64_t t, int present);
json_t *cli_jseconds(double v);
int cli_emit_json(json_t *doc);

#endif
