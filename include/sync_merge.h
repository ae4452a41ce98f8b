/*
 * sync_merge.h - the pure part of sync: the episode actions of the
 * gpodder.net API as data, their timestamps in every shape servers send,
 * and the rules that merge a pulled action into an episode's local state.
 * No I/O, no globals: safe from any thread.
 *
 * Owns nothing beyond what its functions document.
 */
#ifndef PODCUE_SYNC_MERGE_H
#define PODCUE_SYNC_MERGE_H

#include <stddef.h>
#include <stdint.h>

enum sync_kind { SYNC_ACT_OTHER, SYNC_ACT_PLAY, SYNC_ACT_NEW, SYNC_ACT_DOWNLOAD, SYNC_ACT_DELETE };

/* One episode action. Strings are owned (NULL = absent); started,
 * position and total are seconds, < 0 = absent (servers send -1 too). */
typedef struct sync_action {
	char *podcast, *episode, *guid, *device;
	int kind;
	int64_t timestamp; /* Unix seconds, UTC */
	double started, position, total;
} sync_action;

void sync_action_clear(sync_action *a);
void sync_actions_free(sync_action *v, size_t n);
/* "play", "PLAY", "Play"...: the kind (SYNC_ACT_OTHER when unknown). */
int sync_kind_parse(const char *s);
const char *sync_kind_name(int kind);

/* A timestamp: ISO 8601 "YYYY-MM-DDTHH:MM:SS" (or a space for T) with
 * optional fraction and an optional zone (Z, +hh:mm, +hhmm; none = UTC),
 * or whole Unix seconds in digits. 0 with *t set, -1 when malformed. */
int sync_parse_time(const char *s, int64_t *t);
/* "YYYY-MM-DDTHH:MM:SS" in UTC, as the API wants it (buf >= 20 bytes). */
void sync_format_time(int64_t t, char *buf, size_t size);

/* Keeps, of the actions that name the same episode (podcast and episode
 * URL), only the newest (a later one in v wins a tie); the others are
 * freed. Returns the new count; the order of the kept ones is kept. */
size_t sync_actions_newest(sync_action *v, size_t n);

/* An episode as the cache holds it. */
typedef struct sync_local {
	double position; /* < 0 = none */
	double duration; /* < 0 = unknown */
	int played;
	int changed;         /* a local change waits to be pushed, */
	int64_t changed_at;  /* made at this Unix time in ms (0 = unknown) */
	int64_t last_played; /* Unix ms of the last listening here, or of the
				action last applied from the server (0 = never) */
} sync_local;

enum sync_verdict {
	SYNC_IGNORE,     /* an action that says nothing about position or played */
	SYNC_SAME,       /* the episode is already so */
	SYNC_APPLY,      /* set played and position to the result */
	SYNC_KEEP_LOCAL, /* the local change is newer (or as new): kept */
};

typedef struct sync_result {
	int played;
	double position; /* < 0 = none */
	int conflict;    /* both sides changed the episode since the last sync */
} sync_result;

/* The merge rule for one pulled action: a play sets the position, or
 * played when it reaches within played_margin seconds of the end (total,
 * else the local duration); "new" marks unplayed from the start. A local
 * change made at or after the action's time wins. */
int sync_merge(const sync_local *l, const sync_action *a, int played_margin, sync_result *out);

#endif
