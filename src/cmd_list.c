/*
 * cmd_list.c - reading the cache: podcasts, episodes, show.
 *
 * JSON field names are a contract (see README "Command-line reference"):
 * add fields freely, never rename or remove one.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "cli.h"
#include "ptime.h"
#include "text.h"
#include "util.h"

static json_t *podcast_json(const db_podcast *p)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(p->id));
	json_object_set_new(o, "title", cli_jstr(p->title));
	json_object_set_new(o, "url", cli_jstr(p->url));
	json_object_set_new(o, "link", cli_jstr(p->link));
	json_object_set_new(o, "author", cli_jstr(p->author));
	json_object_set_new(o, "image", cli_jstr(p->image));
	json_object_set_new(o, "episodes", json_integer(p->episodes));
	json_object_set_new(o, "unplayed", json_integer(p->unplayed));
	json_object_set_new(o, "last_refresh", cli_jtime(p->last_refresh, p->last_refresh > 0));
	json_object_set_new(o, "last_error", cli_jstr(p->last_error));
	return o;
}

static void print_podcast_row(const db_podcast *p)
{
	char when[32] = "never";
	if (p->last_refresh > 0)
		ptime_iso8601(p->last_refresh, when, sizeof when);
	printf("%5lld  %5lld  %-20s  ", (long long)p->id, (long long)p->episodes, when);
	cli_print_safe(stdout, p->title ? p->title : p->url, 0);
	if (p->last_error) {
		fputs("  [error: ", stdout);
		cli_print_safe(stdout, p->last_error, 0);
		putchar(']');
	}
	putchar('\n');
}

int cmd_podcasts(app *a, int argc, char **argv)
{
	int json;
	const char *pos;
	if (cli_parse_args(argc, argv, &json, &pos) != 0 || pos) {
		cli_error("usage: podcue podcasts [--json]");
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
	int rc = EXIT_OK;
	if (json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, podcast_json(&v[i]));
		rc = cli_emit_json(arr);
	} else {
		if (n)
			printf("%5s  %5s  %-20s  %s\n", "ID", "EPS", "LAST REFRESH", "TITLE");
		for (size_t i = 0; i < n; i++)
			print_podcast_row(&v[i]);
	}
	db_podcast_list_free(v, n);
	return rc;
}

static json_t *episode_json(const db_episode *e)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(e->id));
	json_object_set_new(o, "podcast_id", json_integer(e->podcast_id));
	json_object_set_new(o, "podcast_title", cli_jstr(e->podcast_title));
	json_object_set_new(o, "title", cli_jstr(e->title));
	json_object_set_new(o, "guid", cli_jstr(e->guid));
	json_object_set_new(o, "published", cli_jtime(e->published, e->has_published));
	json_object_set_new(o, "duration", cli_jseconds(e->duration));
	json_object_set_new(o, "enclosure_url", cli_jstr(e->enclosure_url));
	json_object_set_new(o, "enclosure_type", cli_jstr(e->enclosure_type));
	json_object_set_new(o, "enclosure_length",
			    e->enclosure_length < 0 ? json_null()
						    : json_integer(e->enclosure_length));
	json_object_set_new(o, "link", cli_jstr(e->link));
	json_object_set_new(o, "image", cli_jstr(e->image));
	json_object_set_new(o, "season", e->season ? json_integer(e->season) : json_null());
	json_object_set_new(o, "episode", e->episode ? json_integer(e->episode) : json_null());
	json_object_set_new(o, "chapters_url", cli_jstr(e->chapters_url));
	json_object_set_new(o, "played", json_boolean(e->played));
	json_object_set_new(o, "position", cli_jseconds(e->position));
	/* How far in, in percent (1-99), when in progress and the duration
	 * is known; and when it was last listened to. */
	char buf[32];
	int pct = e->played ? -1 : ptime_progress(e->position, e->duration, buf, sizeof buf);
	json_object_set_new(o, "progress", pct < 0 ? json_null() : json_integer(pct));
	json_object_set_new(o, "last_played",
			    cli_jtime(e->last_played / 1000, e->last_played > 0));
	return o;
}

static void print_episode_row(const db_episode *e)
{
	char date[32] = "";
	char dur[16] = "";
	if (e->has_published) {
		ptime_iso8601(e->published, date, sizeof date);
		date[10] = '\0';
	}
	if (e->duration >= 0)
		ptime_clock(e->duration, dur, sizeof dur);
	/* x played; how far in when in progress ("42%", or the position). */
	char state[32] = "x";
	if (!e->played)
		ptime_progress(e->position, e->duration, state, sizeof state);
	printf("%6lld  %-10s  %8s  %7s  ", (long long)e->id, date, dur, state);
	cli_print_safe(stdout, e->title ? e->title : "(untitled)", 0);
	putchar('\n');
}

/* db_episode_each's callback of cmd_episodes: one row, or one element of
 * the JSON array laid out as cli_emit_json lays out a whole array. */
struct emit {
	int json;
	size_t n;
};

static int emit_episode(const db_episode *e, void *ctx)
{
	struct emit *em = ctx;
	if (!em->json) {
		print_episode_row(e);
		em->n++;
		return 0;
	}
	json_t *o = episode_json(e);
	char *s = json_dumps(o, JSON_INDENT(2) | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(15));
	json_decref(o);
	if (!s)
		return 1;
	fputs(em->n++ ? ",\n  " : "[\n  ", stdout);
	for (const char *p = s; *p; p++) {
		putchar(*p);
		if (*p == '\n')
			fputs("  ", stdout);
	}
	free(s);
	return 0;
}

int cmd_episodes(app *a, int argc, char **argv)
{
	int json;
	const char *pos;
	if (cli_parse_args(argc, argv, &json, &pos) != 0) {
		cli_error("usage: podcue episodes [PODCAST] [--json]");
		return EXIT_USAGE;
	}
	if (!app_db(a))
		return EXIT_FAIL;
	int64_t pid = 0;
	int oldest = 0;
	if (pos) {
		db_podcast p;
		if (db_podcast_find(a->d, pos, &p) != 0) {
			cli_error("no such podcast: %s", pos);
			return EXIT_FAIL;
		}
		pid = p.id;
		/* One podcast lists in its order, as the interface does (O). */
		oldest = p.sort_order == DB_SORT_DEFAULT ? a->cfg.oldest_first != 0
							 : p.sort_order == DB_SORT_OLDEST;
		db_podcast_free(&p);
	}
	/* Streamed: a library of a million episodes lists in bounded memory. */
	struct emit em = {.json = json};
	int rc = db_episode_each(a->d, pid, oldest, emit_episode, &em);
	if (rc < 0) {
		cli_error("%s", db_errmsg(a->d));
		return EXIT_FAIL;
	}
	if (json)
		fputs(em.n ? "\n]\n" : "[]\n", stdout);
	return rc == 0 ? EXIT_OK : EXIT_FAIL;
}

static void print_field(const char *label, const char *value)
{
	if (!value || !*value)
		return;
	printf("%-10s ", label);
	cli_print_safe(stdout, value, 0);
	putchar('\n');
}

static char *downloaded_file(db *d, int64_t id);

static void show_text(db *d, const db_episode *e, char **links, size_t nlinks)
{
	char buf[64];
	print_field("Title:", e->title);
	print_field("Podcast:", e->podcast_title);
	if (e->has_published) {
		ptime_iso8601(e->published, buf, sizeof buf);
		print_field("Published:", buf);
	}
	if (e->duration >= 0) {
		ptime_clock(e->duration, buf, sizeof buf);
		print_field("Duration:", buf);
	}
	if (e->position >= 0) {
		ptime_clock(e->position, buf, sizeof buf);
		print_field("Position:", buf);
	}
	print_field("Played:", e->played ? "yes" : "no");
	print_field("Media:", e->enclosure_url);
	char *file = downloaded_file(d, e->id);
	print_field("File:", file);
	free(file);
	print_field("Link:", e->link);
	if (e->notes_text && *e->notes_text) {
		putchar('\n');
		cli_print_safe(stdout, e->notes_text, 1);
		putchar('\n');
	}
	if (nlinks)
		puts("\nLinks:");
	for (size_t i = 0; i < nlinks; i++) {
		printf("[%zu] ", i + 1);
		cli_print_safe(stdout, links[i], 0);
		putchar('\n');
	}
}

/* The downloaded file of an episode when it is still there, else NULL. */
static char *downloaded_file(db *d, int64_t id)
{
	char *path;
	struct stat st;
	if (db_download_done_path(d, id, &path) != 0)
		return NULL;
	if (stat(path, &st) == 0)
		return path;
	free(path);
	return NULL;
}

static json_t *show_json(db *d, const db_episode *e, char **links, size_t nlinks)
{
	json_t *o = episode_json(e);
	json_object_set_new(o, "author", cli_jstr(e->author));
	json_object_set_new(o, "notes", cli_jstr(e->notes_text ? e->notes_text : ""));
	json_object_set_new(o, "notes_html", cli_jstr(e->notes_html));
	json_t *arr = json_array();
	for (size_t i = 0; i < nlinks; i++)
		json_array_append_new(arr, cli_jstr(links[i]));
	json_object_set_new(o, "links", arr);
	db_transcript *t;
	size_t nt;
	json_t *tr = json_array();
	if (db_episode_transcripts(d, e->id, &t, &nt) == 0) {
		for (size_t i = 0; i < nt; i++) {
			json_t *x = json_object();
			json_object_set_new(x, "url", cli_jstr(t[i].url));
			json_object_set_new(x, "type", cli_jstr(t[i].type));
			json_object_set_new(x, "language", cli_jstr(t[i].language));
			json_array_append_new(tr, x);
		}
		db_transcript_list_free(t, nt);
	}
	json_object_set_new(o, "transcripts", tr);
	char *file = downloaded_file(d, e->id);
	json_object_set_new(o, "download_path", cli_jstr(file));
	free(file);
	return o;
}

int cmd_show(app *a, int argc, char **argv)
{
	int json;
	db_episode e;
	int rc = cli_open_episode(a, argc, argv, "podcue show EPISODE [--json]  (EPISODE = id)",
				  &json, &e);
	if (rc != EXIT_OK)
		return rc;
	int64_t id = e.id;
	char **links;
	size_t nlinks;
	if (db_episode_links(a->d, id, &links, &nlinks) != 0)
		nlinks = 0, links = NULL;
	rc = EXIT_OK;
	if (json)
		rc = cli_emit_json(show_json(a->d, &e, links, nlinks));
	else
		show_text(a->d, &e, links, nlinks);
	for (size_t i = 0; i < nlinks; i++)
		free(links[i]);
	free(links);
	db_episode_free(&e);
	return rc;
}
