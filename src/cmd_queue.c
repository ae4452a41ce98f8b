/*
 * cmd_queue.c - `podcue queue` (the "up next" queue: list, add, remove,
 * move, clear) and `podcue mark` (played state of episodes or of a whole
 * podcast).
 *
 * A contract for scripts: `queue --json` is an array of
 * {"position", "episode_id", "title", "podcast_id"}; every change is all
 * or nothing (one transaction in the db module), and bad input (an
 * unknown episode, one not queued, a position outside 1..N) is reported
 * on stderr with exit status 1 and nothing changed; malformed arguments
 * exit 2. Options may stand anywhere among the arguments.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ptime.h"
#include "util.h"

#define QUEUE_USAGE                                                                          \
	"usage: podcue queue [--json] | queue add EPISODE... [--next] | "                    \
	"queue remove EPISODE... | queue move EPISODE POSITION | queue clear"
#define MARK_USAGE                                                                           \
	"usage: podcue mark EPISODE... played|unplayed | "                                   \
	"mark --podcast PODCAST played|unplayed"

/* ---- listing ---- */

static int queue_list(app *a, int json)
{
	db_queue_entry *q;
	size_t n;
	if (db_queue_list(a->d, &q, &n) != 0) {
		cli_error("%s", db_errmsg(a->d));
		return EXIT_FAIL;
	}
	int rc = EXIT_OK;
	if (json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, json_pack("{s:I, s:I, s:o, s:I}", "position",
							     (json_int_t)q[i].position, "episode_id",
							     (json_int_t)q[i].episode_id, "title",
							     cli_jstr(q[i].title), "podcast_id",
							     (json_int_t)q[i].podcast_id));
		rc = cli_emit_json(arr);
	} else {
		for (size_t i = 0; i < n; i++) {
			char dur[16] = "";
			if (q[i].duration >= 0)
				ptime_clock(q[i].duration, dur, sizeof dur);
			printf("%3lld. %6lld  %8s  ", (long long)q[i].position,
			       (long long)q[i].episode_id, dur);
			cli_print_safe(stdout, q[i].title ? q[i].title : "(untitled)", 0);
			fputs(" · ", stdout);
			cli_print_safe(stdout, q[i].podcast_title ? q[i].podcast_title : "?", 0);
			putchar('\n');
		}
	}
	db_queue_list_free(q, n);
	return rc;
}

/* ---- arguments ---- */

/* Episode ids from the arguments that are not options: into a new array
 * (*n of them). -1 when one is no id (usage error). */
static int parse_ids(int argc, char **argv, int64_t **ids, size_t *n)
{
	*ids = xcalloc((size_t)argc + 1, sizeof **ids);
	*n = 0;
	for (int i = 0; i < argc; i++) {
		int64_t id = cli_parse_id(argv[i]);
		if (!id) {
			cli_error("not an episode id: %s", argv[i]);
			return -1;
		}
		(*ids)[(*n)++] = id;
	}
	return 0;
}

/* Removes the flag `name` from argv (wherever it stands); 1 when it was
 * there. */
static int take_flag(int *argc, char **argv, const char *name)
{
	int found = 0, out = 0;
	for (int i = 0; i < *argc; i++) {
		if (strcmp(argv[i], name) == 0)
			found = 1;
		else
			argv[out++] = argv[i];
	}
	*argc = out;
	return found;
}

static void report_queue_size(app *a)
{
	size_t n;
	if (db_queue_count(a->d, &n) == 0)
		printf("%zu episode%s in the queue\n", n, n == 1 ? "" : "s");
}

/* ---- changes ---- */

static int queue_add(app *a, int argc, char **argv, int front)
{
	int64_t *ids;
	size_t n, bad = 0;
	if (parse_ids(argc, argv, &ids, &n) != 0 || !n) {
		free(ids);
		cli_error(QUEUE_USAGE);
		return EXIT_USAGE;
	}
	int rc = db_queue_add(a->d, ids, n, front, &bad);
	if (rc > 0)
		cli_error("no such episode: %lld (the queue is unchanged)", (long long)ids[bad]);
	else if (rc < 0)
		cli_error("%s", db_errmsg(a->d));
	else
		report_queue_size(a);
	free(ids);
	return rc == 0 ? EXIT_OK : EXIT_FAIL;
}

static int queue_remove(app *a, int argc, char **argv)
{
	int64_t *ids;
	size_t n, bad = 0;
	if (parse_ids(argc, argv, &ids, &n) != 0 || !n) {
		free(ids);
		cli_error(QUEUE_USAGE);
		return EXIT_USAGE;
	}
	int rc = db_queue_remove(a->d, ids, n, &bad);
	if (rc > 0)
		cli_error("episode %lld is not in the queue (the queue is unchanged)",
			  (long long)ids[bad]);
	else if (rc < 0)
		cli_error("%s", db_errmsg(a->d));
	else
		report_queue_size(a);
	free(ids);
	return rc == 0 ? EXIT_OK : EXIT_FAIL;
}

static int queue_move(app *a, int argc, char **argv)
{
	int64_t id = argc == 2 ? cli_parse_id(argv[0]) : 0;
	char *end = NULL;
	long long pos = argc == 2 ? strtoll(argv[1], &end, 10) : 0;
	if (!id || !end || end == argv[1] || *end) {
		cli_error(QUEUE_USAGE);
		return EXIT_USAGE;
	}
	int rc = db_queue_move(a->d, id, pos);
	size_t n = 0;
	if (rc == 1) {
		cli_error("episode %lld is not in the queue", (long long)id);
	} else if (rc == 2) {
		db_queue_count(a->d, &n);
		cli_error("position %lld is outside the queue (1 to %zu)", pos, n);
	} else if (rc < 0) {
		cli_error("%s", db_errmsg(a->d));
	}
	return rc == 0 ? EXIT_OK : EXIT_FAIL;
}

int cmd_queue(app *a, int argc, char **argv)
{
	/* The sub-command is the first word that is not an option. */
	int json = take_flag(&argc, argv, "--json");
	int next = take_flag(&argc, argv, "--next");
	const char *sub = argc > 1 ? argv[1] : NULL;
	if ((sub && (json || sub[0] == '-')) || (next && (!sub || strcmp(sub, "add") != 0))) {
		cli_error(QUEUE_USAGE);
		return EXIT_USAGE;
	}
	if (!app_db(a))
		return EXIT_FAIL;
	if (!sub)
		return queue_list(a, json);
	if (strcmp(sub, "add") == 0)
		return queue_add(a, argc - 2, argv + 2, next);
	if (strcmp(sub, "remove") == 0)
		return queue_remove(a, argc - 2, argv + 2);
	if (strcmp(sub, "move") == 0)
		return queue_move(a, argc - 2, argv + 2);
	if (strcmp(sub, "clear") == 0 && argc == 2) {
		if (db_queue_clear(a->d) != 0) {
			cli_error("%s", db_errmsg(a->d));
			return EXIT_FAIL;
		}
		return EXIT_OK;
	}
	cli_error(QUEUE_USAGE);
	return EXIT_USAGE;
}

/* ---- mark ---- */

static int mark_podcast(app *a, const char *which, int played)
{
	db_podcast p;
	int rc = db_podcast_find(a->d, which, &p);
	if (rc != 0) {
		cli_error(rc > 0 ? "no such podcast: %s" : "%s", rc > 0 ? which : db_errmsg(a->d));
		return EXIT_FAIL;
	}
	size_t changed = 0;
	rc = db_podcast_set_played(a->d, p.id, played, &changed);
	if (rc != 0)
		cli_error("%s", rc > 0 ? "the podcast went away" : db_errmsg(a->d));
	else
		printf("marked %zu episode%s %s\n", changed, changed == 1 ? "" : "s",
		       played ? "played" : "unplayed");
	db_podcast_free(&p);
	return rc == 0 ? EXIT_OK : EXIT_FAIL;
}

/* Every episode exists (else a message and 1), then all are marked in one
 * transaction. */
static int mark_episodes(app *a, const int64_t *ids, size_t n, int played)
{
	for (size_t i = 0; i < n; i++) {
		db_episode e;
		int rc = db_episode_get(a->d, ids[i], &e);
		if (rc != 0) {
			if (rc > 0)
				cli_error("no such episode: %lld (nothing was marked)", (long long)ids[i]);
			else
				cli_error("%s", db_errmsg(a->d));
			return EXIT_FAIL;
		}
		db_episode_free(&e);
	}
	int rc = db_begin(a->d);
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = db_episode_set_played(a->d, ids[i], played);
	if (rc == 0)
		rc = db_commit(a->d);
	else
		db_rollback(a->d);
	if (rc != 0) {
		cli_error("%s", db_errmsg(a->d));
		return EXIT_FAIL;
	}
	printf("marked %zu episode%s %s\n", n, n == 1 ? "" : "s", played ? "played" : "unplayed");
	return EXIT_OK;
}

int cmd_mark(app *a, int argc, char **argv)
{
	const char *podcast = NULL;
	int state = -1, out = 0, bad = 0;
	char **rest = xcalloc((size_t)argc + 1, sizeof *rest);
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--podcast") == 0 && i + 1 < argc && !podcast)
			podcast = argv[++i];
		else if (state < 0 && (!strcmp(argv[i], "played") || !strcmp(argv[i], "unplayed")))
			state = strcmp(argv[i], "played") == 0;
		else if (argv[i][0] == '-')
			bad = 1;
		else
			rest[out++] = argv[i];
	}
	int64_t *ids = NULL;
	size_t n = 0;
	if (bad || state < 0 || (podcast && out) || (!podcast && !out) ||
	    (!podcast && parse_ids(out, rest, &ids, &n) != 0)) {
		free(ids);
		free(rest);
		cli_error(MARK_USAGE);
		return EXIT_USAGE;
	}
	free(rest);
	int rc = EXIT_FAIL;
	if (app_db(a))
		rc = podcast ? mark_podcast(a, podcast, state) : mark_episodes(a, ids, n, state);
	free(ids);
	return rc;
}
