/*
 * cmd_search.c - `podcue search QUERY... [--json]`: full-text search of
 * episode titles, show notes, chapter titles and transcripts (db_search).
 *
 * The words are joined into one query; every word must match, the last
 * one (from 3 characters on) also as a prefix; case, accents and
 * punctuation are ignored (see db_search in db.h). Arguments after "--" are query words even when they
 * look like options. At most SEARCH_LIMIT hits, best first.
 *
 * Exit status, as grep: 0 = at least one hit, 1 = no hit (or the cache
 * could not be read: then a message is on stderr), 2 = usage error (no
 * query, unknown option).
 *
 * Text output is for people, one line per hit:
 *     ID  START  Podcast — Chapter (in Episode)
 *     ID  START  Podcast — …words of the transcript… (in Episode)
 *     ID         Podcast — Episode
 * --json prints one array; field names are a contract (add, never rename):
 *     [{"kind": "episode"|"chapter"|"transcript", "episode_id": N, "title": "...",
 *       "start": seconds|null, "podcast_id": N, "podcast_title": "...",
 *       "episode_title": "...", "source": "json"|...|"user" (chapters only)}]
 * A bookmark whose note matches is a chapter hit with source "user" (the
 * note as its title); bookmarks come first.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ptime.h"
#include "util.h"

#define SEARCH_LIMIT 100
#define SEARCH_USAGE "usage: podcue search QUERY... [--json]"

static const char *kind_name(int kind)
{
	return kind == DB_HIT_CHAPTER ? "chapter" : kind == DB_HIT_TRANSCRIPT ? "transcript" : "episode";
}

static json_t *hit_json(const db_search_hit *h)
{
	json_t *o = json_object();
	json_object_set_new(o, "kind", json_string(kind_name(h->kind)));
	json_object_set_new(o, "episode_id", json_integer(h->episode_id));
	json_object_set_new(o, "title", cli_jstr(h->title));
	json_object_set_new(o, "start", cli_jseconds(h->kind != DB_HIT_EPISODE ? h->start : -1));
	json_object_set_new(o, "podcast_id", json_integer(h->podcast_id));
	json_object_set_new(o, "podcast_title", cli_jstr(h->podcast_title));
	json_object_set_new(o, "episode_title", cli_jstr(h->episode_title));
	if (h->kind == DB_HIT_CHAPTER) /* "user": a bookmark, its note the title */
		json_object_set_new(o, "source", json_string(chapter_source_name(h->source)));
	return o;
}

static void print_hit(const db_search_hit *h)
{
	char at[16] = "";
	if (h->kind != DB_HIT_EPISODE && h->start >= 0)
		ptime_clock(h->start, at, sizeof at);
	printf("%6lld  %8s  ", (long long)h->episode_id, at);
	cli_print_safe(stdout, h->podcast_title ? h->podcast_title : "(untitled)", 0);
	fputs(" \u2014 ", stdout);
	cli_print_safe(stdout, h->title ? h->title : "(untitled)", 0);
	if (h->kind != DB_HIT_EPISODE) {
		fputs(" (in ", stdout);
		cli_print_safe(stdout, h->episode_title ? h->episode_title : "(untitled)", 0);
		putchar(')');
	}
	putchar('\n');
}

/* Joins the query words of argv (argv[0] is the command) into *query and
 * sets *json. -1 on an unknown option or when no word has any text. */
static int parse(int argc, char **argv, int *json, char **query)
{
	sbuf b = SBUF_INIT;
	int words_only = 0, any = 0;
	*json = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!words_only && strcmp(a, "--") == 0) {
			words_only = 1;
		} else if (!words_only && strcmp(a, "--json") == 0) {
			*json = 1;
		} else if (!words_only && strncmp(a, "--", 2) == 0) {
			sb_free(&b);
			return -1;
		} else {
			if (b.len)
				sb_putc(&b, ' ');
			sb_puts(&b, a);
			any |= !str_blank(a);
		}
	}
	if (!any) {
		sb_free(&b);
		return -1;
	}
	*query = sb_steal(&b);
	return 0;
}

int cmd_search(app *a, int argc, char **argv)
{
	int json;
	char *query;
	if (parse(argc, argv, &json, &query) != 0) {
		cli_error(SEARCH_USAGE);
		return EXIT_USAGE;
	}
	if (!app_db(a)) {
		free(query);
		return EXIT_FAIL;
	}
	db_search_hit *v;
	size_t n;
	int rc = db_search(a->d, query, SEARCH_LIMIT, &v, &n);
	free(query);
	if (rc != 0) {
		cli_error("%s", db_errmsg(a->d));
		return EXIT_FAIL;
	}
	rc = n ? EXIT_OK : EXIT_FAIL;
	int64_t unscanned = db_search_unscanned(a->d);
	if (unscanned > 0)
		fprintf(stderr, "podcue: %lld episodes not indexed yet were not searched "
				"(`podcue refresh` indexes them)\n", (long long)unscanned);
	if (json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, hit_json(&v[i]));
		if (cli_emit_json(arr) != EXIT_OK)
			rc = EXIT_FAIL;
	} else {
		for (size_t i = 0; i < n; i++)
			print_hit(&v[i]);
	}
	db_search_free(v, n);
	return rc;
}
