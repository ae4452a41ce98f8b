/*
 * cmd_transcript.c - `podcue transcript EPISODE [--json]`: an episode's
 * transcript, fetched first when it is due (trfetch.h).
 *
 * Text output is for people, one line per segment:
 *     START  Speaker: text
 * (no START column for a transcript without times). --json prints one
 * array; field names are a contract (add, never rename):
 *     [{"start": seconds|null, "end": seconds|null, "speaker": "..."|null,
 *       "text": "..."}]
 * Exit status: 0 with a transcript, 1 when there is none (the feed lists
 * none, or none could be fetched: the reason on stderr) or on a cache
 * error, 2 on a usage error.
 */
#include <stdlib.h>

#include "cli.h"
#include "ptime.h"
#include "transcript.h"
#include "trfetch.h"
#include "util.h"

static json_t *transcript_json(const transcript *t)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < t->n; i++) {
		const transcript_segment *s = &t->v[i];
		json_t *o = json_object();
		json_object_set_new(o, "start", cli_jseconds(s->start));
		json_object_set_new(o, "end", cli_jseconds(s->start >= 0 ? s->end : -1));
		json_object_set_new(o, "speaker", cli_jstr(s->speaker));
		json_object_set_new(o, "text", cli_jstr(s->text));
		json_array_append_new(arr, o);
	}
	return arr;
}

static void transcript_text(const db_episode *e, const transcript *t)
{
	cli_print_safe(stdout, e->title ? e->title : "(untitled)", 0);
	putchar('\n');
	for (size_t i = 0; i < t->n; i++) {
		const transcript_segment *s = &t->v[i];
		if (s->start >= 0) {
			char at[16];
			ptime_clock(s->start, at, sizeof at);
			printf("%8s  ", at);
		}
		if (s->speaker) {
			cli_print_safe(stdout, s->speaker, 0);
			fputs(": ", stdout);
		}
		cli_print_safe(stdout, s->text, 0);
		putchar('\n');
	}
}

/* "podcue: episode 42: MESSAGE" on stderr, the message made safe. */
static void episode_warning(int64_t id, const char *msg)
{
	fprintf(stderr, "podcue: episode %lld: ", (long long)id);
	cli_print_safe(stderr, msg, 0);
	fputc('\n', stderr);
}

int cmd_transcript(app *a, int argc, char **argv)
{
	int json;
	db_episode e;
	int rc = cli_open_episode(a, argc, argv, "podcue transcript EPISODE [--json]  (EPISODE = id)",
				  &json, &e);
	if (rc != EXIT_OK)
		return rc;
	trfetch_outcome o;
	if (trfetch_episode(a->d, &a->cfg, e.id, &o) < 0) {
		cli_error("%s", db_errmsg(a->d));
		trfetch_outcome_free(&o);
		db_episode_free(&e);
		return EXIT_FAIL;
	}
	transcript t;
	int got = db_transcript_get(a->d, e.id, &t);
	if (got < 0) {
		cli_error("%s", db_errmsg(a->d));
		rc = EXIT_FAIL;
	} else if (got > 0) {
		episode_warning(e.id, o.listed ? (o.error ? o.error : "no transcript")
					       : "the feed lists no transcript");
		rc = EXIT_FAIL;
	} else {
		/* A stored copy is shown even when refreshing it failed. */
		if (o.error)
			episode_warning(e.id, o.error);
		if (json) {
			rc = cli_emit_json(transcript_json(&t));
		} else {
			transcript_text(&e, &t);
			rc = EXIT_OK;
		}
	}
	transcript_free(&t);
	trfetch_outcome_free(&o);
	db_episode_free(&e);
	return rc;
}
