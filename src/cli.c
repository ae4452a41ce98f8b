/*
 * cli.c - helpers shared by the command implementations (see cli.h).
 */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "paths.h"
#include "ptime.h"
#include "text.h"
#include "util.h"

void cli_error(const char *fmt, ...)
{
	va_list ap;
	fputs("podcue: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cli_print_safe(FILE *f, const char *s, int keep_newlines)
{
	if (!s)
		return;
	char *t = text_sanitize(s, (size_t)-1, keep_newlines ? TEXT_KEEP_NEWLINES : 0);
	fputs(t, f);
	free(t);
}

int64_t cli_parse_id(const char *s)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v <= 0)
		return 0;
	return v;
}

db *app_db(app *a)
{
	if (a->d)
		return a->d;
	if (paths_make_parent(a->db_path) != 0) {
		cli_error("cannot create the directory for %s: %s", a->db_path, strerror(errno));
		return NULL;
	}
	char *err = NULL;
	if (db_open(a->db_path, &a->d, &err) != 0) {
		cli_error("%s", err);
		free(err);
		return NULL;
	}
	return a->d;
}

/* A JSON string, or null for NULL. Text from feeds is valid UTF-8 after
 * libxml2, but a string that jansson rejects is repaired, never dropped. */
json_t *cli_jstr(const char *s)
{
	if (!s)
		return json_null();
	json_t *j = json_string(s);
	if (!j) {
		char *fixed = text_sanitize(s, (size_t)-1, TEXT_KEEP_NEWLINES);
		j = json_string(fixed);
		free(fixed);
	}
	return j ? j : json_null();
}

json_t *cli_jtime(int64_t t, int present)
{
	if (!present)
		return json_null();
	char buf[32];
	ptime_iso8601(t, buf, sizeof buf);
	return json_string(buf);
}

json_t *cli_jseconds(double v)
{
	return v < 0 ? json_null() : json_real(v);
}

/* Prints one JSON document to stdout and frees it. Fifteen significant
 * digits is what a double holds exactly in decimal: every number that was
 * read as a decimal (a feed's times, a chapters file) comes back as written. */
int cli_emit_json(json_t *doc)
{
	size_t flags = JSON_INDENT(2) | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(15);
	int rc = json_dumpf(doc, stdout, flags) == 0 ? EXIT_OK : EXIT_FAIL;
	putchar('\n');
	json_decref(doc);
	return rc;
}

/* Parses "[ARG] [--json]" style arguments: at most one positional. */
int cli_parse_args(int argc, char **argv, int *json, const char **pos)
{
	*json = 0;
	*pos = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			*json = 1;
		else if (!*pos && argv[i][0] != '-')
			*pos = argv[i];
		else
			return -1;
	}
	return 0;
}

int cli_open_episode(app *a, int argc, char **argv, const char *usage, int *json,
		     db_episode *e)
{
	const char *pos;
	int64_t id;
	if (cli_parse_args(argc, argv, json, &pos) != 0 || !pos || !(id = cli_parse_id(pos))) {
		cli_error("usage: %s", usage);
		return EXIT_USAGE;
	}
	if (!app_db(a))
		return EXIT_FAIL;
	int rc = db_episode_get(a->d, id, e);
	if (rc != 0) {
		cli_error(rc > 0 ? "no such episode: %s" : "%s", rc > 0 ? pos : db_errmsg(a->d));
		return EXIT_FAIL;
	}
	return EXIT_OK;
}
