/*
 * cmd_chapters.c - `podcue chapters EPISODE [--json]`: the merged chapter
 * list of an episode (see chapter_merge for the rule).
 *
 * A chapter that starts at or after the episode's known duration is kept
 * and flagged past_end: show notes are often written for a longer video
 * cut. Players must never seek past the end.
 */
#include <stdlib.h>
#include <string.h>

#include "chapfetch.h"
#include "chapter.h"
#include "cli.h"
#include "ptime.h"
#include "util.h"

/* End of chapter i: its own end, else the next chapter's start, else the
 * episode's duration; -1 when unknown. */
static double chapter_end(const chapter_list *l, size_t i, double duration)
{
	if (l->v[i].end > l->v[i].start)
		return l->v[i].end;
	for (size_t k = i + 1; k < l->n; k++)
		if (l->v[k].start > l->v[i].start)
			return l->v[k].start;
	return duration > l->v[i].start ? duration : -1;
}

static int past_end(const chapter *c, double duration)
{
	return duration > 0 && c->start >= duration;
}

static json_t *chapters_json(const db_episode *e, const chapter_list *l)
{
	json_t *o = json_object();
	json_object_set_new(o, "episode_id", json_integer(e->id));
	json_object_set_new(o, "duration", cli_jseconds(e->duration));
	json_t *arr = json_array();
	int number = 0;
	for (size_t i = 0; i < l->n; i++) {
		const chapter *c = &l->v[i];
		json_t *x = json_object();
		char fallback[32];
		if (!c->hidden)
			number++;
		snprintf(fallback, sizeof fallback, "Chapter %d", number);
		json_object_set_new(x, "start", json_real(c->start));
		json_object_set_new(x, "end", cli_jseconds(chapter_end(l, i, e->duration)));
		json_object_set_new(x, "title", cli_jstr(c->title && *c->title ? c->title : fallback));
		json_object_set_new(x, "source", json_string(chapter_source_name(c->source)));
		json_object_set_new(x, "url", cli_jstr(c->url));
		json_object_set_new(x, "img", cli_jstr(c->img));
		json_object_set_new(x, "past_end", json_boolean(past_end(c, e->duration)));
		json_object_set_new(x, "hidden", json_boolean(c->hidden));
		json_array_append_new(arr, x);
	}
	json_object_set_new(o, "chapters", arr);
	return o;
}

static void chapters_text(const db_episode *e, const chapter_list *l)
{
	cli_print_safe(stdout, e->title ? e->title : "(untitled)", 0);
	putchar('\n');
	int number = 0;
	for (size_t i = 0; i < l->n; i++) {
		const chapter *c = &l->v[i];
		if (c->hidden)
			continue;
		char at[16];
		ptime_clock(c->start, at, sizeof at);
		printf("%4d  %8s  ", ++number, at);
		if (c->title && *c->title)
			cli_print_safe(stdout, c->title, 0);
		else
			printf("Chapter %d", number);
		printf("  [%s]%s\n", chapter_source_name(c->source),
		       past_end(c, e->duration) ? "  (past the end)" : "");
	}
	if (!number)
		puts("  no chapters found");
}

/* "podcue: episode 42: MESSAGE" on stderr, the message made safe. */
static void episode_warning(int64_t id, const char *msg)
{
	fprintf(stderr, "podcue: episode %lld: ", (long long)id);
	cli_print_safe(stderr, msg, 0);
	fputc('\n', stderr);
}

static size_t visible_count(const chapter_list *l)
{
	size_t n = 0;
	for (size_t i = 0; i < l->n; i++)
		n += !l->v[i].hidden;
	return n;
}

int cmd_chapters(app *a, int argc, char **argv)
{
	int json;
	db_episode e;
	int rc = cli_open_episode(a, argc, argv, "podcue chapters EPISODE [--json]  (EPISODE = id)",
				  &json, &e);
	if (rc != EXIT_OK)
		return rc;
	/* A chapters file never fetched (or a stale placeholder), and the
	 * media file when nothing else has chapters (see chapfetch_episode);
	 * a cache error there shows again when the list is read below. */
	chapfetch_outcome o;
	chapfetch_episode(a->d, &a->cfg, e.id, &o);
	if (o.file_error)
		episode_warning(e.id, o.file_error);
	chapter_list l = CHAPTER_LIST_INIT;
	if (db_chapters_merged(a->d, e.id, &l) != 0) {
		cli_error("%s", db_errmsg(a->d));
		rc = EXIT_FAIL;
	} else {
		/* Why the media file could not be read matters only when no
		 * source gave chapters. */
		if (o.media_error && !visible_count(&l))
			episode_warning(e.id, o.media_error);
		if (json)
			rc = cli_emit_json(chapters_json(&e, &l));
		else
			chapters_text(&e, &l);
	}
	chapfetch_outcome_free(&o);
	chapter_list_clear(&l);
	db_episode_free(&e);
	return rc;
}
