/*
 * cli.c - helpers shared by the command implementations (see cli.h).
 */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "paths.h"
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
