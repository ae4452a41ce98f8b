/*
 * player.h - the one module that owns libmpv.
 *
 * Audio only, headless: no terminal output, no default key bindings, no
 * config files, scripts or youtube-dl; libmpv's log messages go to podcue's
 * log (log.h). The caller polls player_fd() in its single wait point and
 * calls player_process() when it is readable; nothing here blocks.
 *
 * Only http/https URLs, and file:// URLs or absolute paths when the caller
 * allows local files, are ever handed to libmpv (urlrule_playable).
 */
#ifndef PODCUE_PLAYER_H
#define PODCUE_PLAYER_H

#include <stddef.h>
#include <stdint.h>

#include "chapter.h"

typedef struct player player;

typedef struct player_opts {
	const char *const *mpv_options; /* "key=value", applied after podcue's own */
	size_t nmpv_options;
	const char *user_agent;
	int network_timeout; /* seconds */
} player_opts;

enum player_status { PLAYER_IDLE, PLAYER_LOADING, PLAYER_PLAYING, PLAYER_PAUSED };

typedef struct player_state {
	int status;       /* enum player_status */
	int64_t tag;      /* caller's id of the loaded item; 0 when idle */
	double time_pos;  /* seconds; -1 unknown. Once a file ended, failed or
	                     was replaced, the last value, until the next load. */
	double duration;  /* seconds; -1 unknown (kept like time_pos) */
	double speed;     /* 1.0 = normal */
	double volume;    /* 0..130 */
	int mute;
	int chapter;      /* libmpv's current chapter index, -1 none */
	int buffering;    /* waiting for network data */
	int no_audio;     /* no usable audio device: playing silently */
	int seek_failed;  /* the last seek could not be done (until one is) */
	double unreached; /* a start offset that could not be reached, -1 none;
	                     until a seek succeeds, positions before it are not
	                     where the user was */
} player_state;

/* Bits returned by player_process(). */
enum {
	PLAYER_EV_STATE = 1,   /* status/pause/speed/volume/chapter changed */
	PLAYER_EV_POS = 2,     /* time_pos moved */
	PLAYER_EV_LOADED = 4,  /* a file is loaded: duration and file chapters known */
	PLAYER_EV_SEEKED = 8,  /* a seek (or the start offset) completed */
	PLAYER_EV_ENDED = 16,  /* the file played to its end (status now IDLE) */
	PLAYER_EV_ERROR = 32,  /* the file failed to load or play: see player_error */
	PLAYER_EV_STOPPED = 64, /* stopped by player_stop or replaced by a load
	                          (then state already describes the new load) */
	PLAYER_EV_SEEK_FAILED = 128 /* a seek (or the start offset) could not be
	                               done: time_pos is where playback is */
};

/* Creates and initialises libmpv. LC_NUMERIC must be "C" (libmpv refuses
 * other locales). podcue's defaults: audio only, no terminal, no config,
 * scripts or ytdl, no playlists or references to other files
 * (access-references=no), fall back to silent output when no audio device
 * works (state.no_audio then set), demuxer-lavf-o=usetoc=1, and
 * force-seekable=yes (on a server without Range requests libmpv reads
 * forward to a seek target instead of refusing). A bad user
 * option (o->mpv_options) is an error. Returns 0, or -1 with *err (caller
 * frees). */
int player_new(const player_opts *o, player **out, char **err);
/* Stops playback and destroys libmpv (never blocks on the network). */
void player_free(player *p);
/* Readable (POLLIN) when player_process has work (a non-blocking pipe that
 * libmpv's wakeup callback writes to; player_process drains it). */
int player_fd(const player *p);
/* Drains libmpv's events; returns the OR of PLAYER_EV_* that happened. */
unsigned player_process(player *p);
const player_state *player_get(const player *p);

/* Replaces whatever plays with url, starting at start seconds (>= 0), and
 * tags it with tag. When chapters is non-NULL its visible chapters are
 * written into libmpv's chapter-list once the file is loaded (after the
 * file's own chapters were read, see player_file_chapters), so mpv's chapter
 * commands agree with what the user sees. Returns 0, or -1 with *err when
 * the URL is refused (scheme not allowed). Load failures arrive later as
 * PLAYER_EV_ERROR. */
int player_load(player *p, const char *url, int allow_local, int64_t tag, double start,
		const chapter_list *chapters, char **err);
/* The chapters the media file itself carried (source CHAP_SRC_EMBEDDED,
 * times rounded to milliseconds), valid from PLAYER_EV_LOADED until the
 * next load; empty when it had none. */
const chapter_list *player_file_chapters(const player *p);
/* Replaces the chapters written into libmpv's chapter-list (l's visible
 * list, chapter_list_visible; NULL forgets a pending list): now when a file is loaded, else when the
 * loading file is. Used after the chapters were remerged. */
void player_set_chapters(player *p, const chapter_list *l);
/* A readable reason for the last PLAYER_EV_ERROR (libmpv's last specific
 * error or warning line for that file, e.g. "http: HTTP error 404 Not
 * Found"; "not an audio file..."; "no answer within N s"), or NULL. It may
 * hold text from the network: sanitize before display. */
const char *player_error(const player *p);

void player_stop(player *p);
void player_set_pause(player *p, int pause);
/* Seeks to secs (absolute) or by secs (relative to the last target, so
 * repeated keys add up); clamped to [0, duration - 1] so a seek to the end
 * still ends the file normally. A seek while loading is applied once the
 * file is loaded. time_pos shows the target at once; PLAYER_EV_SEEKED
 * follows when libmpv has seeked, or PLAYER_EV_SEEK_FAILED when it could
 * not (time_pos then goes back to where playback is). */
void player_seek(player *p, double secs, int absolute);
void player_set_volume(player *p, double vol);  /* clamped to 0..130 */
void player_set_mute(player *p, int mute);
void player_set_speed(player *p, double speed); /* clamped to 0.5..3.0 */

#endif
