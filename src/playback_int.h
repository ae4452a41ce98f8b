/*
 * playback_int.h - what playback.c and playback_view.c share: the state of
 * what plays, and the readings of it both need. Private to the playback
 * module; the contract is playback.h. Same thread as the playback.
 */
#ifndef PODCUE_PLAYBACK_INT_H
#define PODCUE_PLAYBACK_INT_H

#include <stdint.h>

#include "chapter.h"
#include "config.h"
#include "db.h"
#include "dbwriter.h"
#include "player.h"
#include "playmarks.h"
#include "sleep.h"

struct playback {
	db *d;
	dbw *w; /* the TUI's writer (dbwriter.h), NULL: write through d */
	const config *c;
	player *p;
	int64_t episode;        /* 0 = idle */
	char *title;            /* sanitized */
	char *podcast;          /* its podcast's title, sanitized */
	int64_t podcast_id;
	double feed_duration;   /* from the feed, -1 unknown */
	chapter_list chapters;  /* visible merged chapters, sorted */
	double pos;             /* last known position of episode, -1 none */
	int loaded;             /* the player loaded the file */
	int paused;             /* last pause state seen */
	int played;             /* marked played during this play */
	int was_played;         /* played before this play began */
	int want_chapter;       /* chapter to jump to once chapters are known, 0 none */
	int64_t last_save_ms;
	double saved_pos;       /* last position written, -1 none */
	double resumed_from;    /* the saved position when the play began, -1 none */
	char *error;            /* sanitized, or NULL */
	int64_t finished;       /* episode last played to its end, 0 none */
	sleep_timer sleep;      /* outlives an episode (a queue plays on) */
	int64_t sleep_seen_ms;  /* when it was last checked while playing */
	int slept;              /* the episode that ended had "sleep episode" */
	playmarks *marks;       /* heard stretches and skips (playmarks.h) */
	int held_fd;            /* a shared lock on the downloaded file played (dlfile.h), -1 */
	int marks_changed;      /* a chapter became heard since the last handle */
};

/* The player's state when it is about pb's episode, else NULL. */
const player_state *pbi_state(const playback *pb);
/* The duration and position the user sees: the player's, else the feed's
 * duration and the last position known; -1 when unknown. */
double pbi_duration(const playback *pb);
double pbi_position(const playback *pb);
/* While a start offset could not be reached (see playback.c), nothing
 * before pbi_hold_floor is saved: pbi_held says whether the position is
 * below it now. */
double pbi_hold_floor(const playback *pb, const player_state *st);
int pbi_held(const playback *pb);

#endif
