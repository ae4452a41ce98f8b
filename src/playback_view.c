/*
 * playback_view.c - what plays, as the status line and the timeline show
 * it (see playback.h: playback_status_line, playback_timeline).
 */
#include "playback.h"
#include "playback_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ptime.h"
#include "text.h"
#include "util.h"

static void put_speed(sbuf *b, double speed)
{
	char s[16];
	snprintf(s, sizeof s, "%.2f", speed);
	size_t n = strlen(s);
	if (n > 3 && s[n - 1] == '0')
		s[n - 1] = '\0';
	sb_printf(b, "  %sx", s);
}

static void put_chapter(sbuf *b, const playback *pb)
{
	int idx = playback_chapter_index(pb);
	if (idx < 0)
		return;
	const char *t = pb->chapters.v[idx].title;
	sb_printf(b, "  ch %d/%zu", idx + 1, pb->chapters.n);
	if (!str_blank(t)) {
		char *safe = text_sanitize(t, (size_t)-1, 0);
		char *fit = text_fit(safe, 32);
		sb_printf(b, " · %s", fit);
		free(fit);
		free(safe);
	}
}

static void put_state(sbuf *b, const player_state *st)
{
	if (st->status == PLAYER_LOADING)
		sb_puts(b, "  loading");
	else if (st->status == PLAYER_PAUSED)
		sb_puts(b, "  paused");
	if (st->buffering && st->status != PLAYER_LOADING)
		sb_puts(b, "  buffering");
	if (st->no_audio)
		sb_puts(b, "  no audio device");
}

/* A seek that failed; while the position is held back (see held), the
 * place that stays saved. */
static void put_seek_failed(sbuf *b, const playback *pb, const player_state *st)
{
	if (!st->seek_failed)
		return;
	if (!pbi_held(pb)) {
		sb_puts(b, "  cannot seek");
		return;
	}
	char at[16];
	ptime_clock(pbi_hold_floor(pb, st), at, sizeof at);
	sb_printf(b, "  cannot seek: %s stays saved", at);
}

/* "Podcast · Episode", each cut short enough to leave room for the rest. */
static void put_names(sbuf *b, const playback *pb)
{
	char *pod = text_fit(pb->podcast ? pb->podcast : "", 20);
	char *ep = text_fit(pb->title ? pb->title : "", 28);
	sb_printf(b, "  %s%s%s", pod, *pod && *ep ? " · " : "", ep);
	free(pod);
	free(ep);
}

char *playback_status_line(const playback *pb, int cols)
{
	const player_state *st = pbi_state(pb);
	sbuf b = SBUF_INIT;
	if (pb->episode && st) {
		static const char *const sym[] = {"■", "…", "▶", "⏸"};
		char at[16], end[16] = "--:--";
		ptime_clock(pbi_position(pb), at, sizeof at);
		if (pbi_duration(pb) > 0)
			ptime_clock(pbi_duration(pb), end, sizeof end);
		sb_printf(&b, "%s %s / %s", sym[st->status & 3], at, end);
		put_state(&b, st);
		put_seek_failed(&b, pb, st);
		put_names(&b, pb);
		put_chapter(&b, pb);
		const char *note = playmarks_note(pb->marks, now_ms());
		if (note)
			sb_printf(&b, "  %s", note);
		put_speed(&b, st->speed);
		sb_printf(&b, "  vol %d%s", (int)lround(st->volume), st->mute ? " muted" : "");
		char zz[48];
		sleep_describe(&pb->sleep, now_ms(), zz, sizeof zz);
		if (*zz)
			sb_printf(&b, "  %s", zz);
	}
	char *line = sb_steal(&b);
	char *fit = text_fit(line, cols);
	free(line);
	return fit;
}

char *playback_timeline(const playback *pb, int cols)
{
	double d = pbi_duration(pb);
	if (!pb->episode || d <= 0 || cols <= 0)
		return NULL;
	char *cell = xcalloc((size_t)cols, 1); /* 0 track, 1 tick, 2 position, 3 bookmark */
	for (size_t i = 0; i < pb->chapters.n; i++) {
		double s = pb->chapters.v[i].start;
		if (!(s < d))
			continue;
		int c = (int)(s / d * cols) < cols ? (int)(s / d * cols) : cols - 1;
		if (cell[c] != 3)
			cell[c] = pb->chapters.v[i].source == CHAP_SRC_USER ? 3 : 1;
	}
	double pos = pbi_position(pb);
	if (pos >= 0) {
		int c = (int)(pos / d * cols);
		cell[c < 0 ? 0 : c >= cols ? cols - 1 : c] = 2;
	}
	sbuf b = SBUF_INIT;
	static const char *const glyph[] = {"─", "│", "●", "◆"};
	for (int i = 0; i < cols; i++)
		sb_puts(&b, glyph[(int)cell[i]]);
	free(cell);
	return sb_steal(&b);
}
