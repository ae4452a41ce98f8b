/*
 * cmd_marks.c - the user's marks from the command line:
 *
 *   podcue bookmark EPISODE --at SECONDS [--note TEXT] [--json]
 *   podcue bookmark --delete ID
 *   podcue bookmarks [EPISODE] [--json]
 *   podcue skip PODCAST [list] [--json]
 *   podcue skip PODCAST add PATTERN... | remove PATTERN...
 *   podcue skip PODCAST intro SECONDS|off | outro SECONDS|off
 *
 * SECONDS is "90", "1:30" or "1:02:03". Bookmark JSON (field names are a
 * contract): {"id", "episode_id", "podcast_id", "at", "note" (null when
 * none), "episode_title", "podcast_title", "created" (ISO 8601)}; `skip
 * list --json`: {"podcast_id", "patterns": [...], "intro", "outro"} with
 * intro/outro null when the podcast has none of its own (the skip_intro
 * and skip_outro settings apply). Exit status: 0, 1 (no such episode,
 * podcast, bookmark or pattern; a cache error), 2 (usage).
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ptime.h"
#include "util.h"

#define BOOKMARK_USAGE                                                                   \
	"podcue bookmark EPISODE --at SECONDS [--note TEXT] [--json] | bookmark --delete ID"
#define BOOKMARKS_USAGE "podcue bookmarks [EPISODE] [--json]"
#define SKIP_USAGE                                                                       \
	"podcue skip PODCAST [list [--json] | add PATTERN... | remove PATTERN... | "      \
	"intro SECONDS|off | outro SECONDS|off]"

static json_t *bookmark_json(const db_bookmark *b)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(b->id));
	json_object_set_new(o, "episode_id", json_integer(b->episode_id));
	json_object_set_new(o, "podcast_id", json_integer(b->podcast_id));
	json_object_set_new(o, "at", json_real(b->at));
	json_object_set_new(o, "note", cli_jstr(b->note));
	json_object_set_new(o, "episode_title", cli_jstr(b->episode_title));
	json_object_set_new(o, "podcast_title", cli_jstr(b->podcast_title));
	json_object_set_new(o, "created", cli_jtime(b->created, 1));
	return o;
}

static void bookmark_text(const db_bookmark *b)
{
	char at[16];
	ptime_clock(b->at, at, sizeof at);
	printf("%6lld  %6lld  %8s  ", (long long)b->id, (long long)b->episode_id, at);
	cli_print_safe(stdout, b->episode_title ? b->episode_title : "(untitled)", 0);
	if (b->note) {
		fputs(" \u2014 ", stdout);
		cli_print_safe(stdout, b->note, 0);
	}
	putchar('\n');
}

static int delete_bookmark(app *a, const char *arg)
{
	int64_t id = cli_parse_id(arg);
	if (!id) {
		cli_error("usage: %s", BOOKMARK_USAGE);
		return EXIT_USAGE;
	}
	if (!app_db(a))
		return EXIT_FAIL;
	int rc = db_bookmark_delete(a->d, id);
	if (rc != 0) {
		cli_error(rc > 0 ? "no such bookmark: %s" : "%s", rc > 0 ? arg : db_errmsg(a->d));
		return EXIT_FAIL;
	}
	printf("deleted bookmark %lld\n", (long long)id);
	return EXIT_OK;
}

/* Prints the bookmark just added (looked up again: what was stored). */
static int show_added(app *a, int64_t ep, int64_t id, int json)
{
	db_bookmark *v;
	size_t n;
	if (db_bookmark_list(a->d, ep, &v, &n) != 0) {
		cli_error("%s", db_errmsg(a->d));
		return EXIT_FAIL;
	}
	int rc = EXIT_OK;
	for (size_t i = 0; i < n; i++) {
		if (v[i].id != id)
			continue;
		if (json)
			rc = cli_emit_json(bookmark_json(&v[i]));
		else
			bookmark_text(&v[i]);
	}
	db_bookmark_list_free(v, n);
	return rc;
}

int cmd_bookmark(app *a, int argc, char **argv)
{
	const char *ep_arg = NULL, *at_arg = NULL, *note = NULL;
	int json = 0, bad = 0;
	for (int i = 1; i < argc && !bad; i++) {
		if (strcmp(argv[i], "--delete") == 0 && i + 1 < argc && argc == 3)
			return delete_bookmark(a, argv[++i]);
		if (strcmp(argv[i], "--at") == 0 && i + 1 < argc && !at_arg)
			at_arg = argv[++i];
		else if (strcmp(argv[i], "--note") == 0 && i + 1 < argc && !note)
			note = argv[++i];
		else if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (!ep_arg && argv[i][0] != '-')
			ep_arg = argv[i];
		else
			bad = 1;
	}
	int64_t ep = ep_arg ? cli_parse_id(ep_arg) : 0;
	double at = at_arg ? ptime_duration(at_arg) : -1;
	if (bad || !ep || !at_arg) {
		cli_error("usage: %s", BOOKMARK_USAGE);
		return EXIT_USAGE;
	}
	if (at < 0) {
		cli_error("--at takes seconds (90), M:SS or H:MM:SS, not '%s'", at_arg);
		return EXIT_USAGE;
	}
	if (!app_db(a))
		return EXIT_FAIL;
	int64_t id;
	int rc = db_bookmark_add(a->d, ep, at, note, &id);
	if (rc != 0) {
		cli_error(rc > 0 ? "no such episode: %s" : "%s", rc > 0 ? ep_arg : db_errmsg(a->d));
		return EXIT_FAIL;
	}
	return show_added(a, ep, id, json);
}

int cmd_bookmarks(app *a, int argc, char **argv)
{
	int json;
	const char *pos;
	int64_t ep = 0;
	if (cli_parse_args(argc, argv, &json, &pos) != 0 || (pos && !(ep = cli_parse_id(pos)))) {
		cli_error("usage: %s", BOOKMARKS_USAGE);
		return EXIT_USAGE;
	}
	if (!app_db(a))
		return EXIT_FAIL;
	if (ep) {
		db_episode e;
		int rc = db_episode_get(a->d, ep, &e);
		if (rc != 0) {
			cli_error(rc > 0 ? "no such episode: %s" : "%s", rc > 0 ? pos : db_errmsg(a->d));
			return EXIT_FAIL;
		}
		db_episode_free(&e);
	}
	db_bookmark *v;
	size_t n;
	if (db_bookmark_list(a->d, ep, &v, &n) != 0) {
		cli_error("%s", db_errmsg(a->d));
		return EXIT_FAIL;
	}
	int rc = EXIT_OK;
	if (json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, bookmark_json(&v[i]));
		rc = cli_emit_json(arr);
	} else {
		for (size_t i = 0; i < n; i++)
			bookmark_text(&v[i]);
		if (!n)
			puts("no bookmarks (b while playing, or podcue bookmark EPISODE --at SECONDS)");
	}
	db_bookmark_list_free(v, n);
	return rc;
}

/* ---- skip ---- */

static int skip_list(app *a, int64_t pod, int json)
{
	char **pats;
	size_t n;
	double intro = -1, outro = -1;
	if (db_skip_rules(a->d, pod, &pats, &n) != 0 ||
	    db_podcast_skip_end(a->d, pod, 0, &intro) < 0 ||
	    db_podcast_skip_end(a->d, pod, 1, &outro) < 0) {
		cli_error("%s", db_errmsg(a->d));
		return EXIT_FAIL;
	}
	int rc = EXIT_OK;
	if (json) {
		json_t *o = json_object(), *arr = json_array();
		json_object_set_new(o, "podcast_id", json_integer(pod));
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, cli_jstr(pats[i]));
		json_object_set_new(o, "patterns", arr);
		json_object_set_new(o, "intro", cli_jseconds(intro));
		json_object_set_new(o, "outro", cli_jseconds(outro));
		rc = cli_emit_json(o);
	} else {
		for (size_t i = 0; i < n; i++) {
			cli_print_safe(stdout, pats[i], 0);
			putchar('\n');
		}
		if (!n)
			puts("no skip patterns");
		if (intro >= 0)
			printf("intro: %g s\n", intro);
		if (outro >= 0)
			printf("outro: %g s\n", outro);
	}
	db_strings_free(pats, n);
	return rc;
}

static int skip_patterns(app *a, int64_t pod, int add, int argc, char **argv)
{
	int rc = EXIT_OK;
	for (int i = 0; i < argc; i++) {
		if (str_blank(argv[i])) {
			cli_error("a pattern must not be blank");
			return EXIT_USAGE;
		}
	}
	for (int i = 0; i < argc; i++) {
		int r = add ? db_skip_rule_add(a->d, pod, argv[i])
			    : db_skip_rule_remove(a->d, pod, argv[i]);
		if (r < 0) {
			cli_error("%s", db_errmsg(a->d));
			return EXIT_FAIL;
		}
		if (!add && r == 1) {
			fputs("podcue: no such pattern: ", stderr);
			cli_print_safe(stderr, argv[i], 0);
			fputc('\n', stderr);
			rc = EXIT_FAIL;
		}
	}
	return rc;
}

static int skip_end(app *a, int64_t pod, int outro, const char *arg)
{
	double secs = strcmp(arg, "off") == 0 ? -1 : ptime_duration(arg);
	if (secs < 0 && strcmp(arg, "off") != 0) {
		cli_error("%s takes seconds (90), M:SS or off, not '%s'", outro ? "outro" : "intro",
			  arg);
		return EXIT_USAGE;
	}
	if (db_podcast_set_skip_end(a->d, pod, outro, secs) < 0) {
		cli_error("%s", db_errmsg(a->d));
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

int cmd_skip(app *a, int argc, char **argv)
{
	int json = argc > 1 && strcmp(argv[argc - 1], "--json") == 0;
	int n = json ? argc - 1 : argc;
	const char *verb = n > 2 ? argv[2] : "list";
	int list = strcmp(verb, "list") == 0;
	int pats = strcmp(verb, "add") == 0 || strcmp(verb, "remove") == 0;
	int ends = strcmp(verb, "intro") == 0 || strcmp(verb, "outro") == 0;
	if (n < 2 || argv[1][0] == '-' || (list && n > 3) || (pats && n < 4) ||
	    (ends && n != 4) || (!list && !pats && !ends) || (json && !list)) {
		cli_error("usage: %s", SKIP_USAGE);
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
	int64_t pod = p.id;
	db_podcast_free(&p);
	if (list)
		return skip_list(a, pod, json);
	if (pats)
		return skip_patterns(a, pod, verb[0] == 'a', n - 3, argv + 3);
	return skip_end(a, pod, verb[0] == 'o', argv[3]);
}
