/*
 * mpris.h - MPRIS 2 on the D-Bus session bus: the desktop's media keys and
 * now-playing widgets see and drive what podcue plays.
 *
 * While the TUI or `podcue play` runs, org.mpris.MediaPlayer2.podcue (or
 * .podcue.instance<pid> when another podcue holds the name) is on the bus
 * at /org/mpris/MediaPlayer2 with the root and Player interfaces. Next and
 * Previous move between chapters (setting media_keys_next = chapter), or
 * between episodes (= episode, and always for an episode without chapters)
 * through playback_next_episode. Metadata names the episode (xesam:title),
 * the podcast (xesam:album, xesam:artist) and the chapter (podcue:chapter,
 * podcue:chapterNumber).
 *
 * Built on sd-bus (libsystemd) when PODCUE_MPRIS is defined; otherwise
 * mpris_open always answers NULL. No session bus (or the setting mpris 0):
 * mpris_open logs one line and answers NULL, and podcue runs as before.
 *
 * Threading: the front end's thread only. The front end adds mpris_fd()
 * with mpris_events() to its one poll(), bounds its timeout with
 * mpris_timeout(), calls mpris_process() after every poll() return, and
 * mpris_update() after every pass (with the player events of that pass),
 * which sends PropertiesChanged and Seeked. Nothing here blocks after
 * mpris_open.
 */
#ifndef PODCUE_MPRIS_H
#define PODCUE_MPRIS_H

#include "config.h"
#include "db.h"
#include "playback.h"
#include "player.h"

typedef struct mpris mpris;

/* What the front end lends: its playback and player (NULL until they
 * exist; the TUI creates them on the first play), and its commands, run as
 * its keys run them so it shows their messages: CMD_PLAY (with nothing
 * playing), CMD_PAUSE, CMD_STOP, CMD_QUIT, CMD_NEXT_CHAPTER,
 * CMD_PREV_CHAPTER. */
typedef struct mpris_host {
	void *ctx;
	playback *(*playback)(void *ctx);
	player *(*player)(void *ctx);
	void (*command)(void *ctx, int cmd);
	int can_play_idle; /* CMD_PLAY with nothing playing starts something */
} mpris_host;

/* Connects and takes the bus name. NULL (one line in the log) when MPRIS
 * is off, not built in, or there is no session bus. Borrows c, d and h. */
mpris *mpris_open(const mpris_host *h, const config *c, db *d);
void mpris_close(mpris *m);
/* The bus's fd and poll() events, or -1. */
int mpris_fd(const mpris *m);
short mpris_events(const mpris *m);
/* Milliseconds until the bus needs mpris_process without fd activity, -1
 * for never. */
int mpris_timeout(const mpris *m);
/* Reads and answers what arrived (method calls, property reads). Returns
 * 1 when a call changed something the screen shows. */
int mpris_process(mpris *m);
/* Compares what plays with what was last announced and sends
 * PropertiesChanged for what changed (status, metadata on an episode or
 * chapter change, rate, volume, Can*), and Seeked when player_ev has
 * PLAYER_EV_SEEKED. */
void mpris_update(mpris *m, unsigned player_ev);

#endif
