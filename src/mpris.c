/*
 * mpris.c - MPRIS 2 over sd-bus, driven from the front end's poll() (see
 * mpris.h).
 *
 * Properties are read on demand from the playback; mpris_update keeps a
 * snapshot of what was last announced and sends PropertiesChanged for the
 * difference, so every change (a key in the TUI, the end of a chapter, a
 * call from the bus) is announced once, whoever caused it. Strings sent on
 * the bus are sanitized (valid UTF-8: the bus drops a connection that sends
 * anything else).
 */
#include "mpris.h"

#include <stdlib.h>

#include "log.h"

#ifndef PODCUE_MPRIS

mpris *mpris_open(const mpris_host *h, const config *c, db *d)
{
	(void)h;
	(void)d;
	if (c->mpris)
		log_msg("mpris", "media keys off: podcue was built without libsystemd");
	return NULL;
}
void mpris_close(mpris *m)
{
	(void)m;
}
int mpris_fd(const mpris *m)
{
	(void)m;
	return -1;
}
short mpris_events(const mpris *m)
{
	(void)m;
	return 0;
}
int mpris_timeout(const mpris *m)
{
	(void)m;
	return -1;
}
int mpris_process(mpris *m)
{
	(void)m;
	return 0;
}
void mpris_update(mpris *m, unsigned player_ev)
{
	(void)m;
	(void)player_ev;
}

#else

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <systemd/sd-bus.h>
#include <time.h>
#include <unistd.h>

#include "command.h"
#include "text.h"
#include "util.h"

#define OBJ_PATH "/org/mpris/MediaPlayer2"
#define ROOT_IFACE "org.mpris.MediaPlayer2"
#define PLAYER_IFACE "org.mpris.MediaPlayer2.Player"
#define BUS_NAME "org.mpris.MediaPlayer2.podcue"
#define NO_TRACK "/org/mpris/MediaPlayer2/TrackList/NoTrack"

/* What was last announced; a difference is a PropertiesChanged. */
typedef struct snapshot {
	int status; /* 0 stopped, 1 playing, 2 paused */
	int64_t episode;
	int chapter;
	size_t nchapters;
	int64_t length_us;
	double rate, volume;
	int can_next, can_prev, can_play;
} snapshot;

/* The episode's metadata, read from the cache once per episode. */
typedef struct meta {
	int64_t episode;
	char *title, *album, *url, *art;
} meta;

struct mpris {
	sd_bus *bus;
	sd_bus_slot *slots[2];
	mpris_host h;
	const config *c;
	db *d;
	snapshot last;
	meta m;
	int acted; /* a call changed something since the last mpris_process */
};

/* ---- what plays ---- */

static playback *pb_of(const mpris *m)
{
	return m->h.playback ? m->h.playback(m->h.ctx) : NULL;
}

static player *pl_of(const mpris *m)
{
	return m->h.player ? m->h.player(m->h.ctx) : NULL;
}

static int64_t episode_of(const mpris *m)
{
	playback *pb = pb_of(m);
	return pb ? playback_episode(pb) : 0;
}

static int status_of(const mpris *m)
{
	player *pl = pl_of(m);
	if (!episode_of(m) || !pl)
		return 0;
	return player_get(pl)->status == PLAYER_PAUSED ? 2 : 1;
}

/* Chapters count for Next/Previous when there are two or more. */
static int use_chapters(const mpris *m)
{
	playback *pb = pb_of(m);
	return m->c->media_keys_next == MEDIA_KEYS_CHAPTER && pb && playback_chapters(pb)->n >= 2;
}

static int can_next(const mpris *m)
{
	playback *pb = pb_of(m);
	if (!pb || !playback_episode(pb))
		return 0;
	if (use_chapters(m) && (size_t)(playback_chapter_index(pb) + 1) < playback_chapters(pb)->n)
		return 1;
	return playback_next_episode(pb, 1, 1);
}

static int can_prev(const mpris *m)
{
	playback *pb = pb_of(m);
	if (!pb || !playback_episode(pb))
		return 0;
	return use_chapters(m) || playback_next_episode(pb, -1, 1);
}

static void take_snapshot(const mpris *m, snapshot *s)
{
	playback *pb = pb_of(m);
	player *pl = pl_of(m);
	memset(s, 0, sizeof *s);
	s->status = status_of(m);
	s->episode = episode_of(m);
	s->chapter = pb ? playback_chapter_index(pb) : -1;
	s->nchapters = pb ? playback_chapters(pb)->n : 0;
	double d = pb ? playback_duration(pb) : -1;
	s->length_us = d > 0 ? (int64_t)llround(d * 1e6) : 0;
	s->rate = pl ? player_get(pl)->speed : 1.0;
	s->volume = pl ? player_get(pl)->volume / 100.0 : 1.0;
	s->can_next = can_next(m);
	s->can_prev = can_prev(m);
	s->can_play = s->episode != 0 || m->h.can_play_idle;
}

static void meta_clear(meta *x)
{
	free(x->title);
	free(x->album);
	free(x->url);
	free(x->art);
	memset(x, 0, sizeof *x);
}

static char *clean(const char *s)
{
	return s && *s ? text_sanitize(s, (size_t)-1, 0) : NULL;
}

/* Art only as a URL a desktop can fetch or open. */
static char *art_url(const char *u)
{
	if (!u ||
	    (strncmp(u, "http://", 7) && strncmp(u, "https://", 8) && strncmp(u, "file://", 7)))
		return NULL;
	return clean(u);
}

static const meta *meta_of(mpris *m, int64_t ep)
{
	if (m->m.episode == ep)
		return &m->m;
	meta_clear(&m->m);
	m->m.episode = ep;
	db_episode e;
	if (!ep || db_episode_get(m->d, ep, &e) != 0)
		return &m->m;
	m->m.title = clean(e.title);
	m->m.album = clean(e.podcast_title);
	m->m.url = clean(e.enclosure_url);
	m->m.art = art_url(e.image);
	if (!m->m.art) {
		db_podcast p;
		if (db_podcast_get(m->d, e.podcast_id, &p) == 0) {
			m->m.art = art_url(p.image);
			db_podcast_free(&p);
		}
	}
	db_episode_free(&e);
	return &m->m;
}

/* ---- building replies ---- */

static int dict_open(sd_bus_message *r, const char *key, const char *sig)
{
	int rc = sd_bus_message_open_container(r, 'e', "sv");
	if (rc >= 0)
		rc = sd_bus_message_append(r, "s", key);
	if (rc >= 0)
		rc = sd_bus_message_open_container(r, 'v', sig);
	return rc;
}

static int dict_close(sd_bus_message *r)
{
	int rc = sd_bus_message_close_container(r);
	return rc < 0 ? rc : sd_bus_message_close_container(r);
}

static int dict_s(sd_bus_message *r, const char *key, const char *sig, const char *v)
{
	if (!v)
		return 0;
	int rc = dict_open(r, key, sig);
	if (rc >= 0)
		rc = sd_bus_message_append(r, sig, v);
	return rc < 0 ? rc : dict_close(r);
}

static int dict_x(sd_bus_message *r, const char *key, const char *sig, int64_t v)
{
	int rc = dict_open(r, key, sig);
	if (rc >= 0)
		rc = sd_bus_message_append(r, sig, v);
	return rc < 0 ? rc : dict_close(r);
}

static int dict_as(sd_bus_message *r, const char *key, const char *v)
{
	if (!v)
		return 0;
	int rc = dict_open(r, key, "as");
	if (rc >= 0)
		rc = sd_bus_message_append(r, "as", 1, v);
	return rc < 0 ? rc : dict_close(r);
}

static void track_path(int64_t ep, char *buf, size_t n)
{
	if (ep)
		snprintf(buf, n, "/org/podcue/episode/%lld", (long long)ep);
	else
		snprintf(buf, n, "%s", NO_TRACK);
}

static int append_metadata(mpris *m, sd_bus_message *r)
{
	playback *pb = pb_of(m);
	int64_t ep = episode_of(m);
	const meta *x = meta_of(m, ep);
	char path[64];
	track_path(ep, path, sizeof path);
	int rc = sd_bus_message_open_container(r, 'a', "{sv}");
	if (rc >= 0)
		rc = dict_s(r, "mpris:trackid", "o", path);
	if (rc < 0 || !ep)
		return rc < 0 ? rc : sd_bus_message_close_container(r);
	double d = playback_duration(pb);
	if (rc >= 0 && d > 0)
		rc = dict_x(r, "mpris:length", "x", (int64_t)llround(d * 1e6));
	if (rc >= 0)
		rc = dict_s(r, "xesam:title", "s", x->title ? x->title : "(untitled)");
	if (rc >= 0)
		rc = dict_s(r, "xesam:album", "s", x->album);
	if (rc >= 0)
		rc = dict_as(r, "xesam:artist", x->album);
	if (rc >= 0)
		rc = dict_s(r, "xesam:url", "s", x->url);
	if (rc >= 0)
		rc = dict_s(r, "mpris:artUrl", "s", x->art);
	int idx = playback_chapter_index(pb);
	if (rc >= 0 && idx >= 0) {
		char *t = clean(playback_chapters(pb)->v[idx].title);
		rc = dict_s(r, "podcue:chapter", "s", t ? t : "(untitled)");
		free(t);
		if (rc >= 0)
			rc = dict_x(r, "podcue:chapterNumber", "i", idx + 1);
	}
	return rc < 0 ? rc : sd_bus_message_close_container(r);
}

/* ---- properties ---- */

#define GETTER(name)                                                                               \
	static int name(sd_bus *bus, const char *path, const char *iface, const char *prop,        \
			sd_bus_message *r, void *ud, sd_bus_error *err)

GETTER(get_true)
{
	return sd_bus_message_append(r, "b", 1);
}

GETTER(get_false)
{
	return sd_bus_message_append(r, "b", 0);
}

GETTER(get_identity)
{
	return sd_bus_message_append(r, "s", "podcue");
}

GETTER(get_schemes)
{
	return sd_bus_message_append(r, "as", 2, "http", "https");
}

GETTER(get_mimes)
{
	return sd_bus_message_append(r, "as", 4, "audio/mpeg", "audio/mp4", "audio/ogg",
				     "audio/x-m4a");
}

GETTER(get_status)
{
	static const char *const names[] = {"Stopped", "Playing", "Paused"};
	return sd_bus_message_append(r, "s", names[status_of(ud)]);
}

GETTER(get_metadata)
{
	return append_metadata(ud, r);
}

GETTER(get_position)
{
	playback *pb = pb_of(ud);
	double pos = pb ? playback_position(pb) : -1;
	return sd_bus_message_append(r, "x", (int64_t)(pos > 0 ? llround(pos * 1e6) : 0));
}

GETTER(get_rate)
{
	player *pl = pl_of(ud);
	return sd_bus_message_append(r, "d", pl ? player_get(pl)->speed : 1.0);
}

GETTER(get_min_rate)
{
	return sd_bus_message_append(r, "d", 0.5);
}

GETTER(get_max_rate)
{
	return sd_bus_message_append(r, "d", 3.0);
}

GETTER(get_volume)
{
	player *pl = pl_of(ud);
	return sd_bus_message_append(r, "d", pl ? player_get(pl)->volume / 100.0 : 1.0);
}

GETTER(get_can_next)
{
	return sd_bus_message_append(r, "b", can_next(ud));
}

GETTER(get_can_prev)
{
	return sd_bus_message_append(r, "b", can_prev(ud));
}

GETTER(get_can_play)
{
	mpris *m = ud;
	return sd_bus_message_append(r, "b", episode_of(m) != 0 || m->h.can_play_idle);
}

GETTER(get_playing)
{
	return sd_bus_message_append(r, "b", episode_of(ud) != 0);
}

static int set_rate(sd_bus *bus, const char *path, const char *iface, const char *prop,
		    sd_bus_message *v, void *ud, sd_bus_error *err)
{
	mpris *m = ud;
	double rate;
	int rc = sd_bus_message_read(v, "d", &rate);
	if (rc < 0)
		return rc;
	player *pl = pl_of(m);
	if (pl && isfinite(rate) && rate > 0) /* 0 would mean pause; ignored as the spec allows */
		player_set_speed(pl, rate);
	m->acted = 1;
	return 0;
}

static int set_volume(sd_bus *bus, const char *path, const char *iface, const char *prop,
		      sd_bus_message *v, void *ud, sd_bus_error *err)
{
	mpris *m = ud;
	double vol;
	int rc = sd_bus_message_read(v, "d", &vol);
	if (rc < 0)
		return rc;
	player *pl = pl_of(m);
	if (pl && isfinite(vol))
		player_set_volume(pl, (vol < 0 ? 0 : vol) * 100.0);
	m->acted = 1;
	return 0;
}

/* ---- methods ---- */

#define METHOD(name) static int name(sd_bus_message *msg, void *ud, sd_bus_error *err)

static int done(mpris *m, sd_bus_message *msg)
{
	m->acted = 1;
	return sd_bus_reply_method_return(msg, "");
}

static void command(mpris *m, int cmd)
{
	if (m->h.command)
		m->h.command(m->h.ctx, cmd);
}

METHOD(m_raise)
{
	return done(ud, msg); /* a terminal program cannot raise its window */
}

METHOD(m_quit)
{
	command(ud, CMD_QUIT);
	return done(ud, msg);
}

METHOD(m_play)
{
	mpris *m = ud;
	int s = status_of(m);
	if (s == 2)
		command(m, CMD_PAUSE);
	else if (s == 0 && m->h.can_play_idle)
		command(m, CMD_PLAY);
	return done(m, msg);
}

METHOD(m_pause)
{
	mpris *m = ud;
	if (status_of(m) == 1)
		command(m, CMD_PAUSE);
	return done(m, msg);
}

METHOD(m_play_pause)
{
	mpris *m = ud;
	if (status_of(m))
		command(m, CMD_PAUSE);
	else if (m->h.can_play_idle)
		command(m, CMD_PLAY);
	return done(m, msg);
}

METHOD(m_stop)
{
	mpris *m = ud;
	if (status_of(m))
		command(m, CMD_STOP);
	return done(m, msg);
}

/* Next and Previous: chapters first (the reason podcue exists); the queue
 * when the episode has no chapters, it is the last one, or the setting
 * says episodes. */
METHOD(m_next)
{
	mpris *m = ud;
	playback *pb = pb_of(m);
	if (!pb || !playback_episode(pb))
		return done(m, msg);
	if (use_chapters(m) && (size_t)(playback_chapter_index(pb) + 1) < playback_chapters(pb)->n)
		command(m, CMD_NEXT_CHAPTER);
	else
		playback_next_episode(pb, 1, 0);
	return done(m, msg);
}

METHOD(m_previous)
{
	mpris *m = ud;
	playback *pb = pb_of(m);
	if (!pb || !playback_episode(pb))
		return done(m, msg);
	if (use_chapters(m))
		command(m, CMD_PREV_CHAPTER);
	else
		playback_next_episode(pb, -1, 0);
	return done(m, msg);
}

METHOD(m_seek)
{
	mpris *m = ud;
	int64_t off;
	int rc = sd_bus_message_read(msg, "x", &off);
	if (rc < 0)
		return rc;
	playback *pb = pb_of(m);
	player *pl = pl_of(m);
	if (pb && pl && playback_episode(pb)) {
		double to = playback_position(pb) + (double)off / 1e6;
		player_seek(pl, to < 0 ? 0 : to, 1); /* the player clamps the end */
	}
	return done(m, msg);
}

METHOD(m_set_position)
{
	mpris *m = ud;
	const char *track;
	int64_t pos;
	int rc = sd_bus_message_read(msg, "ox", &track, &pos);
	if (rc < 0)
		return rc;
	playback *pb = pb_of(m);
	player *pl = pl_of(m);
	char want[64];
	track_path(episode_of(m), want, sizeof want);
	double d = pb ? playback_duration(pb) : -1;
	/* The spec: a stale track id or a position outside the track is ignored. */
	if (pl && episode_of(m) && strcmp(track, want) == 0 && pos >= 0 &&
	    (d <= 0 || (double)pos / 1e6 <= d))
		player_seek(pl, (double)pos / 1e6, 1);
	return done(m, msg);
}

METHOD(m_open_uri)
{
	return sd_bus_error_set_const(err, SD_BUS_ERROR_NOT_SUPPORTED,
				      "podcue plays episodes of its podcasts only");
}

#define RO(name, sig, get) SD_BUS_PROPERTY(name, sig, get, 0, SD_BUS_VTABLE_PROPERTY_CONST)
#define RW(name, sig, get) SD_BUS_PROPERTY(name, sig, get, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE)

static const sd_bus_vtable root_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_METHOD("Raise", "", "", m_raise, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD("Quit", "", "", m_quit, SD_BUS_VTABLE_UNPRIVILEGED),
	RO("CanQuit", "b", get_true),
	RO("CanRaise", "b", get_false),
	RO("HasTrackList", "b", get_false),
	RO("Identity", "s", get_identity),
	RO("DesktopEntry", "s", get_identity),
	RO("SupportedUriSchemes", "as", get_schemes),
	RO("SupportedMimeTypes", "as", get_mimes),
	SD_BUS_VTABLE_END,
};

static const sd_bus_vtable player_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_METHOD("Next", "", "", m_next, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD("Previous", "", "", m_previous, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD("Pause", "", "", m_pause, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD("PlayPause", "", "", m_play_pause, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD("Stop", "", "", m_stop, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD("Play", "", "", m_play, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD("Seek", "x", "", m_seek, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD("SetPosition", "ox", "", m_set_position, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD("OpenUri", "s", "", m_open_uri, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_SIGNAL("Seeked", "x", 0),
	RW("PlaybackStatus", "s", get_status),
	RW("Metadata", "a{sv}", get_metadata),
	SD_BUS_WRITABLE_PROPERTY("Rate", "d", get_rate, set_rate, 0,
				 SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE | SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_WRITABLE_PROPERTY("Volume", "d", get_volume, set_volume, 0,
				 SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE | SD_BUS_VTABLE_UNPRIVILEGED),
	/* Position changes all the time: read, never announced (the spec). */
	SD_BUS_PROPERTY("Position", "x", get_position, 0, 0),
	RO("MinimumRate", "d", get_min_rate),
	RO("MaximumRate", "d", get_max_rate),
	RW("CanGoNext", "b", get_can_next),
	RW("CanGoPrevious", "b", get_can_prev),
	RW("CanPlay", "b", get_can_play),
	RW("CanPause", "b", get_playing),
	RW("CanSeek", "b", get_playing),
	RO("CanControl", "b", get_true),
	SD_BUS_VTABLE_END,
};

/* ---- the connection ---- */

static int take_name(sd_bus *bus)
{
	int rc = sd_bus_request_name(bus, BUS_NAME, 0);
	if (rc == -EEXIST) { /* another podcue: the spec's per-instance name */
		char name[96];
		snprintf(name, sizeof name, "%s.instance%ld", BUS_NAME, (long)getpid());
		rc = sd_bus_request_name(bus, name, 0);
	}
	return rc;
}

mpris *mpris_open(const mpris_host *h, const config *c, db *d)
{
	if (!c->mpris)
		return NULL;
	sd_bus *bus = NULL;
	int rc = sd_bus_open_user(&bus);
	mpris *m = xcalloc(1, sizeof *m);
	m->h = *h;
	m->c = c;
	m->d = d;
	if (rc >= 0)
		rc = sd_bus_add_object_vtable(bus, &m->slots[0], OBJ_PATH, ROOT_IFACE, root_vtable,
					      m);
	if (rc >= 0)
		rc = sd_bus_add_object_vtable(bus, &m->slots[1], OBJ_PATH, PLAYER_IFACE,
					      player_vtable, m);
	if (rc >= 0)
		rc = take_name(bus); /* the one blocking call: a local round trip at start */
	if (rc < 0) {
		log_msg("mpris", "media keys off: no session bus (%s)", strerror(-rc));
		for (int i = 0; i < 2; i++)
			sd_bus_slot_unref(m->slots[i]);
		sd_bus_flush_close_unref(bus);
		free(m);
		return NULL;
	}
	m->bus = bus;
	take_snapshot(m, &m->last);
	log_msg("mpris", "on the session bus as %s", BUS_NAME);
	return m;
}

void mpris_close(mpris *m)
{
	if (!m)
		return;
	for (int i = 0; i < 2; i++)
		sd_bus_slot_unref(m->slots[i]);
	sd_bus_flush_close_unref(m->bus);
	meta_clear(&m->m);
	free(m);
}

int mpris_fd(const mpris *m)
{
	return m ? sd_bus_get_fd(m->bus) : -1;
}

short mpris_events(const mpris *m)
{
	int e = m ? sd_bus_get_events(m->bus) : 0;
	return e > 0 ? (short)e : 0;
}

int mpris_timeout(const mpris *m)
{
	uint64_t until;
	if (!m || sd_bus_get_timeout(m->bus, &until) < 0 || until == UINT64_MAX)
		return -1;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	uint64_t now = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
	return until <= now ? 0 : (int)((until - now + 999) / 1000);
}

int mpris_process(mpris *m)
{
	if (!m)
		return 0;
	int rc;
	while ((rc = sd_bus_process(m->bus, NULL)) > 0)
		;
	if (rc < 0 && rc != -EBUSY)
		log_msg("mpris", "bus: %s", strerror(-rc));
	int acted = m->acted;
	m->acted = 0;
	return acted;
}

/* Appends name to the list of changed properties when a differs from b. */
#define CHANGED(cond, name)                                                                        \
	do {                                                                                       \
		if (cond)                                                                          \
			names[n++] = (char *)(name);                                               \
	} while (0)

void mpris_update(mpris *m, unsigned player_ev)
{
	if (!m)
		return;
	snapshot s;
	take_snapshot(m, &s);
	const snapshot *o = &m->last;
	char *names[16];
	size_t n = 0;
	CHANGED(s.status != o->status, "PlaybackStatus");
	CHANGED(s.episode != o->episode || s.chapter != o->chapter || s.nchapters != o->nchapters ||
			s.length_us != o->length_us,
		"Metadata");
	CHANGED(fabs(s.rate - o->rate) > 1e-9, "Rate");
	CHANGED(fabs(s.volume - o->volume) > 1e-9, "Volume");
	CHANGED(s.can_next != o->can_next, "CanGoNext");
	CHANGED(s.can_prev != o->can_prev, "CanGoPrevious");
	CHANGED(s.can_play != o->can_play, "CanPlay");
	CHANGED((s.episode != 0) != (o->episode != 0), "CanPause");
	CHANGED((s.episode != 0) != (o->episode != 0), "CanSeek");
	names[n] = NULL;
	m->last = s;
	if (n) {
		int rc = sd_bus_emit_properties_changed_strv(m->bus, OBJ_PATH, PLAYER_IFACE, names);
		if (rc < 0)
			log_msg("mpris", "PropertiesChanged: %s", strerror(-rc));
	}
	playback *pb = pb_of(m);
	if ((player_ev & PLAYER_EV_SEEKED) && s.episode) {
		double pos = playback_position(pb);
		sd_bus_emit_signal(m->bus, OBJ_PATH, PLAYER_IFACE, "Seeked", "x",
				   (int64_t)(pos > 0 ? llround(pos * 1e6) : 0));
	}
}

#endif
