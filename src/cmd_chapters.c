/*
 * cmd_chapters.c - `podcue chapters EPISODE [--json]`: the merged chapter
 * list of an episode (see chapter_merge for the rule).
 *
 * The user's bookmarks are in the list as chapters with source "user"
 * (JSON: also "bookmark_id" and "note"); every chapter says whether it is
 * "heard" (heard.h: at least 80% of it played) and whether playback will
 * "skip" it (skip patterns and the episode's toggles, skiprule.h); text
 * output marks them with a check mark and [skip].
 *
 * A chapter that starts at or after the episode's known duration is kept
 * and flagged past_end: show notes are often written for a longer video
 * cut. Players must never seek past the end.
 */
#include <stdlib.h>
#include <string.h>

#include "chapfetch.h"
#include "chapnotes.h"
#include "chapter.h"
#include "cli.h"
#include "ptime.h"
#include "util.h"

/* The marks of the listing: what was heard, which chapters are skipped,
 * the episode's bookmarks (for their ids). */
typedef struct marks {
	heard_list heard;
	int *skip; /* per chapter of the list */
	db_bookmark *bm;
	size_t nbm;
} marks;

/* The id of the bookmark that user chapter c is (same time and note). */
static int64_t bookmark_id(const marks *m, const chapter *c)
{
	for (size_t i = 0; i < m->nbm; i++)
		if (m->bm[i].at == c->start &&
		    ((!m->bm[i].note && !c->title) ||
		     (m->bm[i].note && c->title && strcmp(m->bm[i].note, c->title) == 0)))
			return m->bm[i].id;
	return 0;
}

static int heard(const marks *m, const chapter_list *l, size_t i, double duration)
{
	return l->v[i].source != CHAP_SRC_USER && heard_chapter(&m->heard, l, i, duration);
}

static int past_end(const chapter *c, double duration)
{
	return duration > 0 && c->start >= duration;
}

/* Warnings about the list found in the notes, when that list is the one
 * shown (another source may have won the merge). They are found again from
 * the stored notes: cheap for one episode, and never stale. */
static void notes_warnings(const db_episode *e, const chapter_list *l,
                           chapnotes_info *info)
{
	int from_notes = 0;
	for (size_t i = 0; i < l->n; i++)
		from_notes |= l->v[i].source == CHAP_SRC_NOTES;
	if (!from_notes || !e->notes_html)
		return;
	chapter_list tmp = CHAPTER_LIST_INIT;
	chapnotes_from_notes(e->notes_html, strlen(e->notes_html), e->duration, &tmp,
	                     info);
	chapter_list_clear(&tmp);
}

static json_t *chapters_json(const db_episode *e, const chapter_list *l,
                             const chapnotes_info *info, const marks *m)
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
		if (c->source == CHAP_SRC_USER)
			snprintf(fallback, sizeof fallback, "Bookmark");
		else
			snprintf(fallback, sizeof fallback, "Chapter %d", number);
		json_object_set_new(x, "start", json_real(c->start));
		json_object_set_new(x, "end", cli_jseconds(chapter_end_of(l, i, e->duration)));
		json_object_set_new(x, "title", cli_jstr(c->title && *c->title ? c->title : fallback));
		json_object_set_new(x, "source", json_string(chapter_source_name(c->source)));
		json_object_set_new(x, "url", cli_jstr(c->url));
		json_object_set_new(x, "img", cli_jstr(c->img));
		json_object_set_new(x, "past_end", json_boolean(past_end(c, e->duration)));
		json_object_set_new(x, "hidden", json_boolean(c->hidden));
		json_object_set_new(x, "heard", json_boolean(heard(m, l, i, e->duration)));
		json_object_set_new(x, "skip", json_boolean(m->skip && m->skip[i]));
		if (c->source == CHAP_SRC_USER) {
			json_object_set_new(x, "bookmark_id", json_integer(bookmark_id(m, c)));
			json_object_set_new(x, "note", cli_jstr(c->title));
		}
		json_array_append_new(arr, x);
	}
	json_object_set_new(o, "chapters", arr);
	json_t *w = json_array();
	for (size_t i = 0; i < info->nwarnings; i++)
		json_array_append_new(w, cli_jstr(info->warnings[i]));
	json_object_set_new(o, "warnings", w);
	return o;
}

static void chapters_text(const db_episode *e, const chapter_list *l,
                          const chapnotes_info *info, const marks *m)
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
		printf("%4d %s %8s  ", ++number, heard(m, l, i, e->duration) ? "\u2713" : " ", at);
		if (c->title && *c->title)
			cli_print_safe(stdout, c->title, 0);
		else if (c->source == CHAP_SRC_USER)
			fputs("Bookmark", stdout);
		else
			printf("Chapter %d", number);
		printf("  [%s]%s%s\n", chapter_source_name(c->source),
		       m->skip && m->skip[i] ? " [skip]" : "",
		       past_end(c, e->duration) ? "  (past the end)" : "");
	}
	if (!number)
		puts("  no chapters found");
	for (size_t i = 0; i < info->nwarnings; i++) {
		fputs("  note: ", stdout);
		cli_print_safe(stdout, info->warnings[i], 0);
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
	chapfetch_outcome o = {0};
	if (!db_readonly(a->d)) /* a read-only cache shows what it has */
		chapfetch_episode(a->d, &a->cfg, e.id, &o);
	if (o.file_error)
		episode_warning(e.id, o.file_error);
	chapter_list l = CHAPTER_LIST_INIT;
	chapnotes_info info = {NULL, 0};
	if (db_chapters_merged(a->d, e.id, &l) != 0) {
		cli_error("%s", db_errmsg(a->d));
		rc = EXIT_FAIL;
	} else {
		/* Why the media file could not be read matters only when no
		 * source gave chapters. */
		if (o.media_error && !visible_count(&l))
			episode_warning(e.id, o.media_error);
		notes_warnings(&e, &l, &info);
		marks m = {HEARD_LIST_INIT, l.n ? xcalloc(l.n, sizeof *m.skip) : NULL, NULL, 0};
		if (db_heard_get(a->d, e.id, &m.heard) != 0 ||
		    db_bookmark_list(a->d, e.id, &m.bm, &m.nbm) != 0 ||
		    (m.skip && db_chapter_skips(a->d, e.id, &l, m.skip) != 0))
			episode_warning(e.id, db_errmsg(a->d));
		if (json) {
			rc = cli_emit_json(chapters_json(&e, &l, &info, &m));
		} else {
			chapters_text(&e, &l, &info, &m);
			rc = EXIT_OK;
		}
		heard_clear(&m.heard);
		free(m.skip);
		db_bookmark_list_free(m.bm, m.nbm);
	}
	chapnotes_info_free(&info);
	chapfetch_outcome_free(&o);
	chapter_list_clear(&l);
	db_episode_free(&e);
	return rc;
}
