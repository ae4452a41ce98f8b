/*
 * player.c - libmpv, headless and audio only (see player.h).
 *
 * Event flow: libmpv calls wakeup() on one of its threads; that only writes
 * a byte to a non-blocking pipe. The owner polls the pipe's read end and
 * calls player_process(), which drains the pipe and then every queued
 * libmpv event with mpv_wait_event(h, 0). Nothing here waits.
 *
 * Which file an event belongs to: loadfile returns a playlist entry id, and
 * START_FILE/END_FILE carry one, so events of a file that was replaced (or
 * failed after the user already moved on) are never mistaken for the
 * current one.
 *
 * libmpv's facts this relies on (measured on mpv 0.35, see the notes):
 * chapter-list is writable; END_FILE error codes are generic, so the last
 * specific warn/error log line is kept per file; with
 * audio-fallback-to-null a missing audio device plays silently with
 * current-ao "null"; access-references=no refuses playlists and other
 * files that point elsewhere, so an enclosure can never make libmpv open a
 * second URL.
 *
 * Seeks are checked: on a server that ignores Range requests libmpv refuses
 * to seek ("Cannot seek in this stream", and the start offset is silently
 * dropped), so force-seekable=yes is one of podcue's defaults (libmpv then
 * reads forward through the stream, or seeks in what it cached). Where a
 * seek still fails (the log line above, or a PLAYBACK_RESTART far from the
 * target) the optimistic target is taken back and PLAYER_EV_SEEK_FAILED
 * says so; a failed start offset stays in state.unreached, so the caller
 * never saves an earlier position in its place.
 */
#include "player.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <dlfcn.h>
#include <pthread.h>

#include <mpv/client.h>

#include "fetch.h"
#include "log.h"
#include "urlrule.h"
#include "util.h"
#include "version.h"


/*
 * libmpv is opened with dlopen() when the first player is created, not
 * linked: it pulls in about 200 shared libraries (ffmpeg, X11, Wayland,
 * PipeWire...) whose loading cost every start of podcue ~50 ms and ~40 MB
 * of memory, while most runs (browsing, refresh, every CLI command) never
 * play a sound. The header still comes from pkg-config's mpv cflags, so the
 * prototypes are checked at compile time; MPV() calls through the table.
 */
static struct {
	__typeof__(mpv_client_api_version) *client_api_version;
	__typeof__(mpv_create) *create;
	__typeof__(mpv_initialize) *initialize;
	__typeof__(mpv_terminate_destroy) *terminate_destroy;
	__typeof__(mpv_set_option_string) *set_option_string;
	__typeof__(mpv_command) *command;
	__typeof__(mpv_command_async) *command_async;
	__typeof__(mpv_command_node) *command_node;
	__typeof__(mpv_error_string) *error_string;
	__typeof__(mpv_free) *free;
	__typeof__(mpv_free_node_contents) *free_node_contents;
	__typeof__(mpv_get_property) *get_property;
	__typeof__(mpv_get_property_string) *get_property_string;
	__typeof__(mpv_observe_property) *observe_property;
	__typeof__(mpv_request_log_messages) *request_log_messages;
	__typeof__(mpv_set_property) *set_property;
	__typeof__(mpv_set_property_async) *set_property_async;
	__typeof__(mpv_set_wakeup_callback) *set_wakeup_callback;
	__typeof__(mpv_wait_event) *wait_event;
} mpv;

static pthread_once_t mpv_once = PTHREAD_ONCE_INIT;
static char *mpv_load_error;

static void mpv_load(void)
{
	static const char *const names[] = {"libmpv.so.2", "libmpv.so.1", "libmpv.so"};
	void *lib = NULL;
	for (size_t i = 0; !lib && i < sizeof names / sizeof names[0]; i++)
		lib = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		const char *e = dlerror();
		mpv_load_error = xasprintf("cannot load libmpv: %s", e ? e : "not found");
		return;
	}
#define LOAD(f)                                                                   \
	do {                                                                      \
		*(void **)(&mpv.f) = dlsym(lib, "mpv_" #f);                        \
		if (!mpv.f && !mpv_load_error)                                    \
			mpv_load_error = xstrdup("libmpv lacks mpv_" #f);          \
	} while (0)
	LOAD(client_api_version);
	LOAD(create);
	LOAD(initialize);
	LOAD(terminate_destroy);
	LOAD(set_option_string);
	LOAD(command);
	LOAD(command_async);
	LOAD(command_node);
	LOAD(error_string);
	LOAD(free);
	LOAD(free_node_contents);
	LOAD(get_property);
	LOAD(get_property_string);
	LOAD(observe_property);
	LOAD(request_log_messages);
	LOAD(set_property);
	LOAD(set_property_async);
	LOAD(set_wakeup_callback);
	LOAD(wait_event);
#undef LOAD
	if (!mpv_load_error && (mpv.client_api_version() >> 16) != MPV_CLIENT_API_VERSION >> 16)
		mpv_load_error = xasprintf("libmpv client API %lu.x, podcue was built for %lu.x",
					   mpv.client_api_version() >> 16,
					   (unsigned long)(MPV_CLIENT_API_VERSION >> 16));
}

#define mpv_create mpv.create
#define mpv_initialize mpv.initialize
#define mpv_terminate_destroy mpv.terminate_destroy
#define mpv_set_option_string mpv.set_option_string
#define mpv_command mpv.command
#define mpv_command_async mpv.command_async
#define mpv_command_node mpv.command_node
#define mpv_error_string mpv.error_string
#define mpv_free mpv.free
#define mpv_free_node_contents mpv.free_node_contents
#define mpv_get_property mpv.get_property
#define mpv_get_property_string mpv.get_property_string
#define mpv_observe_property mpv.observe_property
#define mpv_request_log_messages mpv.request_log_messages
#define mpv_set_property mpv.set_property
#define mpv_set_property_async mpv.set_property_async
#define mpv_set_wakeup_callback mpv.set_wakeup_callback
#define mpv_wait_event mpv.wait_event

/* Reply ids of the observed properties. */
enum { OBS_TIME = 1, OBS_DURATION, OBS_PAUSE, OBS_SPEED, OBS_VOLUME, OBS_CHAPTER,
       OBS_CACHE, OBS_AO, OBS_MUTE };

struct player {
	mpv_handle *h;
	int pipe[2];
	player_state st;
	int64_t entry;         /* playlist entry id of the current load, 0 none */
	int64_t started;       /* entry id of the last START_FILE */
	int loaded;            /* FILE_LOADED seen for entry */
	int seeking;           /* a seek (or the start offset) is under way */
	int reached;           /* a seek (or the start) of this load completed */
	double pending_seek;   /* asked for while loading; applied when loaded; -1 none */
	double seek_target;    /* of the seek under way, -1 none */
	double start;          /* start offset of the current load */
	double seek_from;      /* time_pos before the seek under way, -1 unknown */
	double burst[8];       /* earlier targets of the seeks under way (keys in a */
	int nburst;            /* row): their restarts are not ours, nor failures */
	int64_t load_ms;       /* when the current load started */
	int want_null_ao;      /* the user asked for ao=null: silence is not a fault */
	int network_timeout;
	chapter_list pending;  /* visible chapters to write into chapter-list */
	int has_pending;
	chapter_list file_chapters;
	char *warn_line;       /* last specific warning of the current file */
	char *error_line;      /* last specific error of the current file */
	char *error;           /* the message for the last PLAYER_EV_ERROR */
	int error_code;        /* END_FILE error waiting for its log lines, 0 none */
};

static void wakeup(void *ctx)
{
	player *p = ctx;
	ssize_t r = write(p->pipe[1], "x", 1);
	(void)r; /* EAGAIN: the pipe is full, so a wakeup is pending anyway */
}

static int set_opt(player *p, const char *name, const char *value, char **err)
{
	int rc = mpv_set_option_string(p->h, name, value);
	if (rc < 0 && err)
		*err = xasprintf("mpv option %s=%s: %s", name, value, mpv_error_string(rc));
	return rc < 0 ? -1 : 0;
}

/* podcue's own defaults; a failure is logged, never fatal (an option that a
 * later libmpv renamed must not stop playback). */
static void set_defaults(player *p, const player_opts *o)
{
	static const char *const defaults[][2] = {
		{"config", "no"}, {"terminal", "no"}, {"input-terminal", "no"},
		{"input-default-bindings", "no"}, {"input-vo-keyboard", "no"},
		{"input-media-keys", "no"}, {"osc", "no"}, {"vid", "no"}, {"vo", "null"},
		{"audio-display", "no"}, {"ytdl", "no"}, {"load-scripts", "no"},
		{"load-stats-overlay", "no"}, {"load-osd-console", "no"},
		{"load-auto-profiles", "no"}, {"idle", "yes"}, {"resume-playback", "no"},
		{"save-position-on-quit", "no"}, {"access-references", "no"},
		{"audio-file-auto", "no"}, {"sub-auto", "no"}, {"cover-art-auto", "no"},
		{"audio-fallback-to-null", "yes"}, {"demuxer-lavf-o", "usetoc=1"},
		{"audio-client-name", "podcue"}, {"hr-seek", "yes"}, {"force-seekable", "yes"},
	};
	char *err = NULL;
	for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++)
		if (set_opt(p, defaults[i][0], defaults[i][1], &err) != 0) {
			log_msg("player", "%s", err);
			free(err);
			err = NULL;
		}
	char buf[32];
	snprintf(buf, sizeof buf, "%d", p->network_timeout);
	set_opt(p, "network-timeout", buf, NULL);
	set_opt(p, "user-agent", o->user_agent && *o->user_agent ? o->user_agent
								 : "podcue/" PODCUE_VERSION, NULL);
}

/* The user's options (config and --mpv-option) after podcue's, so they win.
 * A bad one is an error: the user should learn about the typo. */
static int set_user_options(player *p, const player_opts *o, char **err)
{
	for (size_t i = 0; i < o->nmpv_options; i++) {
		const char *kv = o->mpv_options[i];
		const char *eq = kv ? strchr(kv, '=') : NULL;
		if (!eq || eq == kv) {
			*err = xasprintf("mpv option '%s': expected KEY=VALUE", kv ? kv : "");
			return -1;
		}
		char *key = xstrndup(kv, (size_t)(eq - kv));
		int rc = set_opt(p, key, eq + 1, err);
		free(key);
		if (rc != 0)
			return -1;
	}
	return 0;
}

static void observe(player *p)
{
	mpv_observe_property(p->h, OBS_TIME, "time-pos", MPV_FORMAT_DOUBLE);
	mpv_observe_property(p->h, OBS_DURATION, "duration", MPV_FORMAT_DOUBLE);
	mpv_observe_property(p->h, OBS_PAUSE, "pause", MPV_FORMAT_FLAG);
	mpv_observe_property(p->h, OBS_SPEED, "speed", MPV_FORMAT_DOUBLE);
	mpv_observe_property(p->h, OBS_VOLUME, "volume", MPV_FORMAT_DOUBLE);
	mpv_observe_property(p->h, OBS_CHAPTER, "chapter", MPV_FORMAT_INT64);
	mpv_observe_property(p->h, OBS_CACHE, "paused-for-cache", MPV_FORMAT_FLAG);
	mpv_observe_property(p->h, OBS_AO, "current-ao", MPV_FORMAT_STRING);
	mpv_observe_property(p->h, OBS_MUTE, "mute", MPV_FORMAT_FLAG);
}

static void reset_state(player_state *st)
{
	double speed = st->speed, volume = st->volume;
	int no_audio = st->no_audio, mute = st->mute;
	memset(st, 0, sizeof *st);
	st->status = PLAYER_IDLE;
	st->time_pos = -1;
	st->duration = -1;
	st->chapter = -1;
	st->speed = speed;
	st->volume = volume;
	st->no_audio = no_audio;
	st->mute = mute;
	st->unreached = -1;
}

/* 1 when the user's ao option selects the null output on purpose. */
static int ao_is_null(mpv_handle *h)
{
	char *ao = mpv_get_property_string(h, "options/ao");
	int null = ao && strncmp(ao, "null", 4) == 0;
	mpv_free(ao);
	return null;
}

static int player_init(player *p, const player_opts *o, char **err)
{
	const char *num = setlocale(LC_NUMERIC, NULL);
	if (num && strcmp(num, "C") != 0) {
		*err = xstrdup("libmpv needs LC_NUMERIC=C (call setlocale(LC_NUMERIC, \"C\"))");
		return -1;
	}
	if (pipe2(p->pipe, O_NONBLOCK | O_CLOEXEC) != 0) {
		*err = xasprintf("cannot create a pipe: %s", strerror(errno));
		p->pipe[0] = p->pipe[1] = -1;
		return -1;
	}
	p->h = mpv_create();
	if (!p->h) {
		*err = xstrdup("cannot create a libmpv player");
		return -1;
	}
	set_defaults(p, o);
	if (set_user_options(p, o, err) != 0)
		return -1;
	mpv_request_log_messages(p->h, "info");
	int rc = mpv_initialize(p->h);
	if (rc < 0) {
		*err = xasprintf("cannot start libmpv: %s", mpv_error_string(rc));
		return -1;
	}
	p->want_null_ao = ao_is_null(p->h);
	double nt; /* the user's network-timeout option may have replaced ours */
	if (mpv_get_property(p->h, "network-timeout", MPV_FORMAT_DOUBLE, &nt) >= 0 && nt > 0)
		p->network_timeout = (int)nt;
	observe(p);
	mpv_set_wakeup_callback(p->h, wakeup, p);
	return 0;
}

int player_new(const player_opts *o, player **out, char **err)
{
	player *p = xcalloc(1, sizeof *p);
	p->pipe[0] = p->pipe[1] = -1;
	p->network_timeout = o->network_timeout > 0 ? o->network_timeout : 10;
	p->pending_seek = -1;
	p->seek_target = -1;
	p->st.speed = 1.0;
	p->st.volume = 100;
	reset_state(&p->st);
	*err = NULL;
	pthread_once(&mpv_once, mpv_load);
	if (mpv_load_error) {
		*err = xstrdup(mpv_load_error);
		player_free(p);
		*out = NULL;
		return -1;
	}
	if (player_init(p, o, err) != 0) {
		player_free(p);
		*out = NULL;
		return -1;
	}
	*out = p;
	return 0;
}

void player_free(player *p)
{
	if (!p)
		return;
	if (p->h) {
		mpv_set_wakeup_callback(p->h, NULL, NULL);
		mpv_terminate_destroy(p->h);
	}
	if (p->pipe[0] >= 0)
		close(p->pipe[0]);
	if (p->pipe[1] >= 0)
		close(p->pipe[1]);
	chapter_list_clear(&p->pending);
	chapter_list_clear(&p->file_chapters);
	free(p->warn_line);
	free(p->error_line);
	free(p->error);
	free(p);
}

int player_fd(const player *p)
{
	return p->pipe[0];
}

const player_state *player_get(const player *p)
{
	return &p->st;
}

const chapter_list *player_file_chapters(const player *p)
{
	return &p->file_chapters;
}

const char *player_error(const player *p)
{
	return p->error;
}

/* ---- log lines and error messages ---- */

/* Lines that say only "it failed", which the line before says better. */
static int generic_line(const char *prefix, const char *text)
{
	return (strcmp(prefix, "stream") == 0 && strncmp(text, "Failed to open", 14) == 0) ||
	       strstr(text, "avformat_open_input() failed") || strstr(text, "(FFmpeg bug)") ||
	       strncmp(text, "Use the --", 10) == 0;
}

static unsigned seek_failed(player *p, double actual);

static unsigned on_log(player *p, const mpv_event_log_message *m)
{
	char *text = xstrdup(m->text ? m->text : "");
	size_t n = strlen(text);
	while (n && (text[n - 1] == '\n' || text[n - 1] == ' '))
		text[--n] = '\0';
	if (!n) {
		free(text);
		return 0;
	}
	log_msg("mpv", "[%s] %s: %s", m->level, m->prefix, text);
	int lvl = m->log_level;
	if (strcmp(m->prefix, "cplayer") == 0 && strncmp(text, "Cannot seek", 11) == 0) {
		free(text);
		return seek_failed(p, -1);
	}
	if (lvl <= MPV_LOG_LEVEL_WARN && !generic_line(m->prefix, text)) {
		char **slot = lvl <= MPV_LOG_LEVEL_ERROR ? &p->error_line : &p->warn_line;
		free(*slot);
		*slot = text;
		return 0;
	}
	free(text);
	return 0;
}

static void set_error(player *p, int code)
{
	const char *detail = p->error_line ? p->error_line : p->warn_line;
	double waited = (double)(now_ms() - p->load_ms) / 1000.0;
	free(p->error);
	if (code == MPV_ERROR_UNKNOWN_FORMAT || code == MPV_ERROR_NOTHING_TO_PLAY)
		p->error = xasprintf("not an audio file%s%s", detail ? ": " : "",
				     detail ? detail : "");
	else if (detail)
		p->error = xstrdup(detail);
	else if (code == MPV_ERROR_LOADING_FAILED && waited >= p->network_timeout - 0.5)
		p->error = xasprintf("no answer within %d s", p->network_timeout);
	else if (code == MPV_ERROR_LOADING_FAILED)
		p->error = xstrdup("cannot open the file");
	else
		p->error = xstrdup(mpv_error_string(code));
}

/* ---- chapters ---- */

/* One entry of libmpv's chapter-list ({time, title} map) as a chapter. */
static chapter chapter_from_node(const mpv_node *item)
{
	chapter c = {.start = 0, .end = -1, .source = CHAP_SRC_EMBEDDED};
	for (int k = 0; k < item->u.list->num; k++) {
		const char *key = item->u.list->keys[k];
		const mpv_node *v = &item->u.list->values[k];
		if (strcmp(key, "time") == 0 && v->format == MPV_FORMAT_DOUBLE)
			c.start = round(v->u.double_ * 1000) / 1000;
		else if (strcmp(key, "title") == 0 && v->format == MPV_FORMAT_STRING && !c.title)
			c.title = xstrdup(v->u.string);
	}
	if (c.start < 0 || !isfinite(c.start)) /* the MP3 encoder delay can make 0 -0.05 */
		c.start = 0;
	return c;
}

static void read_file_chapters(player *p)
{
	chapter_list_clear(&p->file_chapters);
	mpv_node n;
	if (mpv_get_property(p->h, "chapter-list", MPV_FORMAT_NODE, &n) < 0)
		return;
	for (int i = 0; n.format == MPV_FORMAT_NODE_ARRAY && i < n.u.list->num; i++)
		if (n.u.list->values[i].format == MPV_FORMAT_NODE_MAP)
			chapter_list_push(&p->file_chapters, chapter_from_node(&n.u.list->values[i]));
	mpv_free_node_contents(&n);
	chapter_list_sort(&p->file_chapters);
}

/* Writes l, a visible chapter list (chapter_list_visible), into libmpv's
 * chapter-list, so that mpv's chapter numbers are the user's. */
static void write_chapters(player *p, const chapter_list *l)
{
	size_t n = l->n;
	mpv_node *items = xcalloc(n ? n : 1, sizeof *items);
	mpv_node_list *maps = xcalloc(n ? n : 1, sizeof *maps);
	mpv_node *vals = xcalloc(n ? 2 * n : 1, sizeof *vals);
	char **keys = xcalloc(n ? 2 * n : 1, sizeof *keys);
	for (size_t j = 0; j < n; j++) {
		const chapter *c = &l->v[j];
		keys[2 * j] = "time";
		vals[2 * j].format = MPV_FORMAT_DOUBLE;
		vals[2 * j].u.double_ = c->start;
		keys[2 * j + 1] = "title";
		vals[2 * j + 1].format = MPV_FORMAT_STRING;
		vals[2 * j + 1].u.string = c->title ? c->title : "";
		maps[j] = (mpv_node_list){2, &vals[2 * j], &keys[2 * j]};
		items[j].format = MPV_FORMAT_NODE_MAP;
		items[j].u.list = &maps[j];
	}
	mpv_node_list arr = {(int)n, items, NULL};
	mpv_node top = {.format = MPV_FORMAT_NODE_ARRAY, .u.list = &arr};
	int rc = mpv_set_property(p->h, "chapter-list", MPV_FORMAT_NODE, &top);
	if (rc < 0)
		log_msg("player", "cannot set chapter-list: %s", mpv_error_string(rc));
	free(items);
	free(maps);
	free(vals);
	free(keys);
}

void player_set_chapters(player *p, const chapter_list *l)
{
	chapter_list_clear(&p->pending);
	p->has_pending = 0;
	if (!l)
		return;
	chapter_list_visible(l, &p->pending);
	if (p->entry && p->loaded) {
		write_chapters(p, &p->pending);
		chapter_list_clear(&p->pending);
		return;
	}
	p->has_pending = 1;
}

/* ---- commands ---- */

static void clear_file(player *p)
{
	free(p->warn_line);
	free(p->error_line);
	free(p->error);
	p->warn_line = p->error_line = p->error = NULL;
	p->error_code = 0;
	chapter_list_clear(&p->file_chapters);
}

static int64_t loadfile(player *p, const char *url, double start)
{
	char startbuf[32];
	snprintf(startbuf, sizeof startbuf, "%.3f", start > 0 ? start : 0.0);
	char *okeys[] = {"start"};
	mpv_node ovals[] = {{.format = MPV_FORMAT_STRING, .u.string = startbuf}};
	mpv_node_list opts = {1, ovals, okeys};
	char *keys[] = {"name", "url", "flags", "options"};
	mpv_node vals[] = {
		{.format = MPV_FORMAT_STRING, .u.string = "loadfile"},
		{.format = MPV_FORMAT_STRING, .u.string = (char *)url},
		{.format = MPV_FORMAT_STRING, .u.string = "replace"},
		{.format = MPV_FORMAT_NODE_MAP, .u.list = &opts},
	};
	/* No start option for 0: libmpv would seek there, which a stream that
	 * cannot seek refuses. */
	mpv_node_list args = {start > 0 ? 4 : 3, vals, keys};
	mpv_node cmd = {.format = MPV_FORMAT_NODE_MAP, .u.list = &args};
	mpv_node res;
	int rc = mpv_command_node(p->h, &cmd, &res);
	if (rc < 0) {
		log_msg("player", "loadfile failed: %s", mpv_error_string(rc));
		return -1;
	}
	int64_t id = 0;
	if (res.format == MPV_FORMAT_NODE_MAP)
		for (int i = 0; i < res.u.list->num; i++)
			if (strcmp(res.u.list->keys[i], "playlist_entry_id") == 0 &&
			    res.u.list->values[i].format == MPV_FORMAT_INT64)
				id = res.u.list->values[i].u.int64;
	mpv_free_node_contents(&res);
	if (!id) /* events could not be told apart; libmpv older than 0.33 */
		log_msg("player", "loadfile returned no playlist entry id");
	return id ? id : -1;
}

int player_load(player *p, const char *url, int allow_local, int64_t tag, double start,
		const chapter_list *chapters, char **err)
{
	*err = NULL;
	if (!urlrule_playable(url, allow_local)) {
		*err = xstrdup(allow_local ? "only http, https and local files can be played"
					   : "only http and https URLs can be played");
		return -1;
	}
	clear_file(p);
	reset_state(&p->st);
	int no = 0;
	mpv_set_property(p->h, "pause", MPV_FORMAT_FLAG, &no);
	p->entry = loadfile(p, url, start);
	if (p->entry < 0) {
		p->entry = 0;
		*err = xstrdup("libmpv refused to load the file");
		return -1;
	}
	p->loaded = 0;
	p->seeking = 1;
	p->reached = 0;
	p->pending_seek = -1;
	p->seek_target = -1;
	p->seek_from = -1;
	p->load_ms = now_ms();
	p->start = start > 0 ? start : 0;
	p->st.status = PLAYER_LOADING;
	p->st.tag = tag;
	p->st.time_pos = start > 0 ? start : 0;
	player_set_chapters(p, chapters);
	return 0;
}

void player_stop(player *p)
{
	if (!p->entry)
		return;
	/* Synchronous: an async stop queued before a following loadfile can run
	 * after it and stop the new file (it clears the playlist). */
	const char *cmd[] = {"stop", NULL};
	mpv_command(p->h, cmd);
	/* From now on the file's events are stale: its END_FILE reports
	 * PLAYER_EV_STOPPED as a replaced file's does. */
	p->entry = 0;
	p->loaded = 0;
	p->seeking = 0;
	p->pending_seek = -1;
	p->seek_target = -1;
	double pos = p->st.time_pos, dur = p->st.duration;
	reset_state(&p->st);
	p->st.time_pos = pos;
	p->st.duration = dur;
}

void player_set_pause(player *p, int pause)
{
	int flag = pause ? 1 : 0;
	mpv_set_property_async(p->h, 0, "pause", MPV_FORMAT_FLAG, &flag);
	if (p->st.status == PLAYER_PLAYING || p->st.status == PLAYER_PAUSED)
		p->st.status = flag ? PLAYER_PAUSED : PLAYER_PLAYING;
}

/* The latest point a seek may reach: a second before the end, so a seek
 * "to the end" still plays out and ends the file normally. */
static double seek_limit(const player *p)
{
	double d = p->st.duration;
	return d > 1 ? d - 1 : d > 0 ? 0 : -1;
}

void player_seek(player *p, double secs, int absolute)
{
	if (!p->entry || !isfinite(secs))
		return;
	double base = p->pending_seek >= 0 ? p->pending_seek : p->st.time_pos;
	double target = absolute ? secs : (base >= 0 ? base : 0) + secs;
	double lim = seek_limit(p);
	if (lim >= 0 && target > lim)
		target = lim;
	if (target < 0)
		target = 0;
	if (!p->loaded) {
		p->pending_seek = target; /* libmpv cannot seek before FILE_LOADED */
		p->st.time_pos = target;
		return;
	}
	char buf[32];
	snprintf(buf, sizeof buf, "%.3f", target);
	const char *cmd[] = {"seek", buf, "absolute", NULL};
	mpv_command_async(p->h, 0, cmd);
	if (!p->seeking || p->seek_from < 0)
		p->seek_from = p->st.time_pos;
	if (!p->seeking)
		p->nburst = 0;
	else if (p->seek_target >= 0)
		p->burst[p->nburst++ % 8] = p->seek_target;
	/* Optimistic: repeated keys build on the target, not a stale time. */
	p->st.time_pos = target;
	p->seek_target = target;
	p->seeking = 1;
}

void player_set_volume(player *p, double vol)
{
	if (!isfinite(vol))
		return;
	vol = vol < 0 ? 0 : vol > 130 ? 130 : vol; /* libmpv's volume-max */
	mpv_set_property_async(p->h, 0, "volume", MPV_FORMAT_DOUBLE, &vol);
	p->st.volume = vol;
}

void player_set_mute(player *p, int mute)
{
	int flag = mute ? 1 : 0;
	mpv_set_property_async(p->h, 0, "mute", MPV_FORMAT_FLAG, &flag);
	p->st.mute = flag;
}

void player_set_speed(player *p, double speed)
{
	if (!isfinite(speed))
		return;
	speed = speed < 0.5 ? 0.5 : speed > 3.0 ? 3.0 : speed;
	mpv_set_property_async(p->h, 0, "speed", MPV_FORMAT_DOUBLE, &speed);
	p->st.speed = speed;
}

/* ---- events ---- */

static unsigned on_property(player *p, const mpv_event *e)
{
	const mpv_event_property *pr = e->data;
	int have = pr->format != MPV_FORMAT_NONE && pr->data;
	switch (e->reply_userdata) {
	case OBS_TIME:
		/* Ignored while a seek or load runs: the value may be the old file's
		 * or the old position, and would undo the optimistic target. Also
		 * ignored while paused: after a seek in pause libmpv reports the
		 * target minus the audio output's buffer (0.2 s early), which would
		 * show the chapter before the one just jumped to. */
		if (!have || p->seeking || !p->loaded || p->st.status == PLAYER_PAUSED)
			return 0;
		p->st.time_pos = *(double *)pr->data;
		return PLAYER_EV_POS;
	case OBS_DURATION:
		if (have && p->loaded)
			p->st.duration = *(double *)pr->data;
		return PLAYER_EV_STATE;
	case OBS_PAUSE:
		if (have && p->loaded)
			p->st.status = *(int *)pr->data ? PLAYER_PAUSED : PLAYER_PLAYING;
		return PLAYER_EV_STATE;
	case OBS_SPEED:
		if (have)
			p->st.speed = *(double *)pr->data;
		return PLAYER_EV_STATE;
	case OBS_VOLUME:
		if (have)
			p->st.volume = *(double *)pr->data;
		return PLAYER_EV_STATE;
	case OBS_CHAPTER:
		p->st.chapter = have && p->loaded ? (int)*(int64_t *)pr->data : -1;
		return PLAYER_EV_STATE;
	case OBS_MUTE:
		if (have)
			p->st.mute = *(int *)pr->data;
		return PLAYER_EV_STATE;
	case OBS_CACHE:
		p->st.buffering = have && *(int *)pr->data;
		return PLAYER_EV_STATE;
	case OBS_AO:
		if (have && **(char **)pr->data)
			p->st.no_audio = !p->want_null_ao && strcmp(*(char **)pr->data, "null") == 0;
		return PLAYER_EV_STATE;
	}
	return 0;
}

static unsigned on_loaded(player *p)
{
	p->loaded = 1;
	read_file_chapters(p);
	if (p->has_pending) {
		write_chapters(p, &p->pending);
		chapter_list_clear(&p->pending);
		p->has_pending = 0;
	}
	double d;
	if (mpv_get_property(p->h, "duration", MPV_FORMAT_DOUBLE, &d) >= 0)
		p->st.duration = d;
	int pause = 0;
	mpv_get_property(p->h, "pause", MPV_FORMAT_FLAG, &pause);
	p->st.status = pause ? PLAYER_PAUSED : PLAYER_PLAYING;
	/* A start past the end would end the file with an error at once (the
	 * feed's duration, used to clamp it, can be wrong): start just before
	 * the end instead. The start seek has not run yet, so this one wins. */
	double lim = seek_limit(p);
	if (p->pending_seek < 0 && lim >= 0 && p->start > lim)
		p->pending_seek = lim;
	if (p->pending_seek >= 0) {
		double t = p->pending_seek;
		p->pending_seek = -1;
		player_seek(p, t, 1);
	}
	return PLAYER_EV_LOADED | PLAYER_EV_STATE;
}

static unsigned on_end(player *p, const mpv_event_end_file *ef)
{
	if (ef->playlist_entry_id != p->entry)
		return ef->reason == MPV_END_FILE_REASON_STOP ? PLAYER_EV_STOPPED : 0;
	unsigned ev = PLAYER_EV_STATE;
	switch (ef->reason) {
	case MPV_END_FILE_REASON_EOF:
		ev |= PLAYER_EV_ENDED;
		break;
	case MPV_END_FILE_REASON_ERROR:
		/* A file that loaded and then failed on its start offset before
		 * reaching it: the start was past the end and libmpv did not
		 * know the duration in time to let on_loaded move it. */
		if (p->loaded && p->seeking && !p->reached && p->start > 0 &&
		    p->seek_target < 0) {
			log_msg("player", "the start %.1f s was past the end", p->start);
			ev |= PLAYER_EV_ENDED;
			break;
		}
		/* libmpv hands out log lines only when no other event is queued,
		 * so the line naming the cause may come after END_FILE: the
		 * message is made once the queue is drained. */
		p->error_code = ef->error < 0 ? ef->error : MPV_ERROR_GENERIC;
		ev |= PLAYER_EV_ERROR;
		break;
	case MPV_END_FILE_REASON_REDIRECT:
		/* A playlist: refused by access-references=no, but be explicit. */
		free(p->error);
		p->error = xstrdup("not an audio file (a playlist)");
		ev |= PLAYER_EV_ERROR;
		break;
	default:
		ev |= PLAYER_EV_STOPPED;
	}
	p->entry = 0;
	p->loaded = 0;
	p->seeking = 0;
	p->pending_seek = -1;
	p->seek_target = -1;
	double pos = p->st.time_pos, dur = p->st.duration;
	reset_state(&p->st);
	p->st.time_pos = pos; /* the last known values, until the next load */
	p->st.duration = dur;
	return ev;
}

/* A seek that lands this far from its target did not happen (hr-seek makes
 * the ones that do exact; in pause libmpv reports 0.2 s early). */
#define SEEK_TOLERANCE 2.0

/* The seek under way failed: playback is at actual (< 0: ask libmpv). The
 * optimistic target is taken back, so a chapter jump that cannot seek
 * changes nothing; a failed start offset is kept in state.unreached. */
static unsigned seek_failed(player *p, double actual)
{
	if (!p->entry || !p->seeking)
		return 0;
	double target = p->seek_target >= 0 ? p->seek_target : p->start;
	double t;
	if (actual < 0)
		actual = mpv_get_property(p->h, "time-pos", MPV_FORMAT_DOUBLE, &t) >= 0 ? t
			 : p->reached && p->seek_from >= 0                             ? p->seek_from
											: 0;
	log_msg("player", "cannot seek to %.1f s; playback is at %.1f s", target, actual);
	if (!p->reached && target > p->st.unreached)
		p->st.unreached = target;
	p->st.seek_failed = 1;
	p->st.time_pos = actual;
	p->seeking = 0;
	p->seek_target = -1;
	p->seek_from = -1;
	p->pending_seek = -1;
	p->nburst = 0;
	return PLAYER_EV_SEEK_FAILED | PLAYER_EV_POS | PLAYER_EV_STATE;
}

/* The duration, asked of libmpv when it was not reported yet. */
static double duration_now(player *p)
{
	double d;
	if (p->st.duration <= 0 &&
	    mpv_get_property(p->h, "duration", MPV_FORMAT_DOUBLE, &d) >= 0 && d > 0)
		p->st.duration = d;
	return p->st.duration;
}

/* A seek (or the start offset) completed. Seeks are exact (hr-seek), so in
 * pause the target is the position (see OBS_TIME for why libmpv's is not). */
static unsigned on_restart(player *p)
{
	double t = -1;
	int have = mpv_get_property(p->h, "time-pos", MPV_FORMAT_DOUBLE, &t) >= 0;
	/* The restart of the load's own start offset can arrive after on_loaded
	 * already replaced that offset with a seek of ours (a start past the
	 * end): it is not the seek the caller waits for, so wait for ours. */
	if (p->seek_target >= 0 && p->start > 0 && have && fabs(t - p->start) < 0.5 &&
	    fabs(t - p->seek_target) > 0.5)
		return 0;
	/* A start past the end whose duration was not known at FILE_LOADED:
	 * libmpv may land past the end; go to just before it instead. */
	duration_now(p);
	double lim = seek_limit(p);
	if (have && lim >= 0 && t > lim + 0.5) {
		player_seek(p, lim, 1);
		return 0;
	}
	/* Or libmpv knows neither where it is nor how long the file is: the
	 * start was not reached (the end of the file follows), so this is no
	 * SEEKED to report. */
	if (!have && lim < 0 && p->seeking && p->seek_target < 0 && p->start > 0)
		return 0;
	if (!p->seeking) { /* an earlier failure already took this one back */
		if (have)
			p->st.time_pos = t;
		return PLAYER_EV_POS;
	}
	double target = p->seek_target >= 0 ? p->seek_target : p->start;
	if (have && fabs(t - target) > SEEK_TOLERANCE) {
		for (int i = 0; i < p->nburst && i < 8; i++)
			if (fabs(t - p->burst[i]) <= SEEK_TOLERANCE)
				return 0; /* an earlier seek of the burst: ours follows */
		return seek_failed(p, t);
	}
	p->seeking = 0;
	p->nburst = 0;
	p->reached = 1;
	p->st.seek_failed = 0;
	p->st.unreached = -1;
	if (p->st.status == PLAYER_PAUSED && p->seek_target >= 0)
		p->st.time_pos = p->seek_target;
	else if (have)
		p->st.time_pos = t;
	p->seek_target = -1;
	p->seek_from = -1;
	return PLAYER_EV_SEEKED | PLAYER_EV_POS;
}

static unsigned on_event(player *p, mpv_event *e)
{
	switch (e->event_id) {
	case MPV_EVENT_LOG_MESSAGE:
		return on_log(p, e->data);
	case MPV_EVENT_PROPERTY_CHANGE:
		return on_property(p, e);
	case MPV_EVENT_START_FILE:
		p->started = ((mpv_event_start_file *)e->data)->playlist_entry_id;
		return 0;
	case MPV_EVENT_FILE_LOADED:
		/* FILE_LOADED names no file: it is ours only after our START_FILE. */
		return p->entry && p->started == p->entry ? on_loaded(p) : 0;
	case MPV_EVENT_PLAYBACK_RESTART:
		if (!p->entry || !p->loaded)
			return 0;
		return on_restart(p);
	case MPV_EVENT_END_FILE:
		return on_end(p, e->data);
	default:
		return 0;
	}
}

unsigned player_process(player *p)
{
	char buf[64];
	while (read(p->pipe[0], buf, sizeof buf) > 0)
		;
	unsigned ev = 0;
	for (;;) {
		mpv_event *e = mpv_wait_event(p->h, 0);
		if (e->event_id == MPV_EVENT_NONE)
			break;
		ev |= on_event(p, e);
	}
	if (p->error_code) {
		set_error(p, p->error_code);
		p->error_code = 0;
	}
	return ev;
}
