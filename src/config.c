/*
 * config.c - settings table and config file reader (see config.h).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "util.h"
#include "version.h"

/* After the version: fetch.h defines a default of its own. */
#include "fetch.h"

/* OPT_REAL: a double, its min/max in 1/100. */
enum opt_type { OPT_INT, OPT_REAL, OPT_STR, OPT_MPV, OPT_ENUM };

/* The names an OPT_ENUM setting takes, by value (its row's max is the
 * index of its list here). */
static const char *const *const enum_names[] = {
	(const char *const[]){"queue", "podcast", "off", NULL}, /* continue */
	(const char *const[]){"chapter", "episode", NULL},      /* media_keys_next */
};

/* One row per setting: the single source for parsing, defaults and docs. */
struct option {
	const char *name;
	enum opt_type type;
	size_t offset;
	int min, max;
	const char *help;
};

#define OFF(f) offsetof(config, f)
static const struct option options[] = {
	{"jobs", OPT_INT, OFF(jobs), 1, 64, "feeds refreshed at once"},
	{"per_host", OPT_INT, OFF(per_host), 1, 16, "connections to one host at once"},
	{"connect_timeout", OPT_INT, OFF(connect_timeout), 1, 300,
	 "seconds to wait for a connection"},
	{"stall_timeout", OPT_INT, OFF(stall_timeout), 1, 600,
	 "seconds a download may stall before it is abandoned"},
	{"feed_timeout", OPT_INT, OFF(feed_timeout), 5, 3600,
	 "seconds a whole feed download may take"},
	{"max_feed_mb", OPT_INT, OFF(max_feed_mb), 1, 1024,
	 "largest feed accepted, in MiB after decompression"},
	{"max_redirects", OPT_INT, OFF(max_redirects), 0, 30, "redirects followed per request"},
	{"user_agent", OPT_STR, OFF(user_agent), 0, 0, "User-Agent header sent to servers"},
	{"allow_private_from_public", OPT_INT, OFF(allow_private_from_public), 0, 1,
	 "1: a feed on a public address may make podcue fetch loopback, link-local and "
	 "private addresses (its chapter files, transcripts, media probes); 0 refuses them, as browsers do"},
	{"seek_step", OPT_INT, OFF(seek_step), 1, 3600, "seconds seek-back/seek-forward move"},
	{"seek_step_big", OPT_INT, OFF(seek_step_big), 1, 36000,
	 "seconds seek-back-big/seek-forward-big move"},
	{"resume_rewind", OPT_INT, OFF(resume_rewind), 0, 600,
	 "seconds replayed when an episode resumes from its saved position"},
	{"played_margin", OPT_INT, OFF(played_margin), 0, 3600,
	 "an episode played to within this many seconds of its end is marked played"},
	{"save_interval", OPT_INT, OFF(save_interval), 1, 600,
	 "seconds between saves of the position while playing"},
	{"prev_chapter_grace", OPT_INT, OFF(prev_chapter_grace), 0, 60,
	 "within this many seconds of a chapter start, prev-chapter goes to the one before"},
	{"skip_intro", OPT_INT, OFF(skip_intro), 0, 3600,
	 "seconds passed over at the start of every episode (`podcue skip PODCAST intro N` sets one podcast's own)"},
	{"skip_outro", OPT_INT, OFF(skip_outro), 0, 3600,
	 "seconds passed over at the end of every episode (`podcue skip PODCAST outro N` sets one podcast's own)"},
	{"volume_step", OPT_INT, OFF(volume_step), 1, 50, "percent volume-up/volume-down change"},
	{"speed", OPT_REAL, OFF(speed), 50, 300,
	 "playback speed of a podcast whose own speed was never chosen (0.5 to 3.0)"},
	{"speed_step", OPT_INT, OFF(speed_step), 1, 100,
	 "percent of normal speed faster/slower change"},
	{"network_timeout", OPT_INT, OFF(network_timeout), 1, 600,
	 "seconds a stream may stall before playback gives up"},
	{"podcasts_width", OPT_INT, OFF(podcasts_width), 5, 60,
	 "percent of a wide screen for the podcasts pane (less when its titles are short)"},
	{"episodes_width", OPT_INT, OFF(episodes_width), 10, 80,
	 "percent of a wide screen for the episodes pane (details: the rest)"},
	{"oldest_first", OPT_INT, OFF(oldest_first), 0, 1,
	 "1: list a podcast's episodes oldest first (sort-order sets one podcast's own)"},
	{"continue", OPT_ENUM, OFF(continue_mode), 0, 0,
	 "what plays when an episode ends: queue (the front of the queue), podcast (the "
	 "next newer episode of the same podcast) or off"},
	{"mpris", OPT_INT, OFF(mpris), 0, 1,
	 "1: media keys and desktop now-playing widgets (MPRIS over D-Bus); 0: off"},
	{"media_keys_next", OPT_ENUM, OFF(media_keys_next), 0, 1,
	 "what the Next/Previous media keys move between: chapter or episode"},
	{"mouse", OPT_INT, OFF(mouse), 0, 1,
	 "1: click selects, double click opens, the wheel scrolls, timeline clicks seek; 0: off"},
	{"osc52", OPT_INT, OFF(osc52), 0, 1,
	 "1: copy-link copies to the clipboard through the terminal (OSC 52); 0: off"},
	{"download_dir", OPT_STR, OFF(download_dir), 0, 0,
	 "folder for downloaded episodes (unset: $XDG_DATA_HOME/podcue/downloads; a leading ~/ is the home folder)"},
	{"download_jobs", OPT_INT, OFF(download_jobs), 1, 16,
	 "episodes downloaded at once (at most two from one host)"},
	{"max_download_mb", OPT_INT, OFF(max_download_mb), 1, 1048576,
	 "largest episode file downloaded, in MiB"},
	{"sync_interval", OPT_INT, OFF(sync_interval), 0, 1440,
	 "minutes between syncs in the background while the interface runs (when sync is set "
	 "up; it also syncs at start and when playback stops); 0: only the sync command"},
	{"auto_download", OPT_INT, OFF(auto_download), 0, 1,
	 "1: download new episodes after each refresh (set-podcast overrides per podcast)"},
	{"keep_downloads", OPT_INT, OFF(keep_downloads), 0, 100000,
	 "keep at most this many downloads per podcast, the newest (0: no limit; per podcast: set-podcast)"},
	{"delete_played_after", OPT_INT, OFF(delete_played_after), 0, 36500,
	 "delete a played episode's download this many days after it was played (0: never; per podcast: set-podcast)"},
	{"download_cap_mb", OPT_INT, OFF(download_cap_mb), 0, 1073741824,
	 "all downloads together at most this many MiB; over it the oldest go, played first (0: no cap)"},
	{"mpv_option", OPT_MPV, 0, 0, 0, "extra libmpv option KEY=VALUE (repeatable)"},
};
#undef OFF

#define NOPTIONS (sizeof options / sizeof options[0])

size_t config_option_count(void)
{
	return NOPTIONS;
}

const char *config_option_name(size_t i)
{
	return i < NOPTIONS ? options[i].name : NULL;
}

const char *config_option_help(size_t i)
{
	return i < NOPTIONS ? options[i].help : NULL;
}

char *config_option_value(const config *c, size_t i)
{
	if (i >= NOPTIONS)
		return NULL;
	const struct option *o = &options[i];
	if (o->type == OPT_INT)
		return xasprintf("%d", *(const int *)(const void *)((const char *)c + o->offset));
	if (o->type == OPT_REAL)
		return xasprintf("%g", *(const double *)(const void *)((const char *)c + o->offset));
	if (o->type == OPT_STR) {
		const char *s = *(char *const *)(const void *)((const char *)c + o->offset);
		return xstrdup(s ? s : "");
	}
	if (o->type == OPT_ENUM)
		return xstrdup(enum_names[o->max][*(const int *)(const void *)((const char *)c +
										  o->offset)]);
	return xstrdup("");
}

void config_defaults(config *c)
{
	memset(c, 0, sizeof *c);
	c->jobs = 8;
	c->per_host = 4;
	c->connect_timeout = 10;
	c->stall_timeout = 20;
	c->feed_timeout = 120;
	c->max_feed_mb = 64;
	c->max_redirects = 8;
	c->user_agent = xstrdup("podcue/" PODCUE_VERSION);
	c->seek_step = 10;
	c->seek_step_big = 60;
	c->resume_rewind = 3;
	c->played_margin = 30;
	c->save_interval = 5;
	c->prev_chapter_grace = 3;
	c->volume_step = 5;
	c->speed = 1.0;
	c->speed_step = 10;
	c->network_timeout = 10;
	c->podcasts_width = 22;
	c->episodes_width = 44;
	c->continue_mode = CONTINUE_QUEUE;
	c->mpris = 1;
	c->media_keys_next = MEDIA_KEYS_CHAPTER;
	c->mouse = 1;
	c->sync_interval = 30;
	c->osc52 = 1;
	c->download_jobs = 3;
	c->max_download_mb = 4096;
	c->keys = keymap_new();
	theme_defaults(&c->colors);
}

void config_free(config *c)
{
	free(c->user_agent);
	free(c->download_dir);
	for (size_t i = 0; i < c->nmpv_options; i++)
		free(c->mpv_options[i]);
	free(c->mpv_options);
	keymap_free(c->keys);
	memset(c, 0, sizeof *c);
}

void config_fetch_opts(const config *c, fetch_opts *o)
{
	fetch_opts_default(o);
	o->max_parallel = c->jobs;
	o->max_per_host = c->per_host;
	o->connect_timeout_ms = (long)c->connect_timeout * 1000;
	o->low_speed_time = c->stall_timeout;
	o->total_timeout_ms = (long)c->feed_timeout * 1000;
	o->max_body = (size_t)c->max_feed_mb << 20;
	o->max_redirects = c->max_redirects;
	o->user_agent = c->user_agent;
	o->allow_private_from_public = c->allow_private_from_public;
}

void config_add_mpv_option(config *c, const char *kv)
{
	c->mpv_options = xrealloc(c->mpv_options, (c->nmpv_options + 1) * sizeof *c->mpv_options);
	c->mpv_options[c->nmpv_options++] = xstrdup(kv);
}

static char *set_int(config *c, const struct option *o, const char *value)
{
	char *end;
	errno = 0;
	long v = strtol(value, &end, 10);
	/* A 0..1 setting is a switch: "on" and "off" read better. */
	if (o->min == 0 && o->max == 1 && (!strcmp(value, "on") || !strcmp(value, "off"))) {
		*(int *)((char *)c + o->offset) = value[1] == 'n';
		return NULL;
	}
	if (errno || end == value || *end)
		return xasprintf("%s: not a number: %s", o->name, value);
	if (v < o->min || v > o->max)
		return xasprintf("%s: %ld is out of range (%d to %d)", o->name, v, o->min, o->max);
	*(int *)((char *)c + o->offset) = (int)v;
	return NULL;
}

static char *set_enum(config *c, const struct option *o, const char *value)
{
	const char *const *names = enum_names[o->max];
	for (int i = 0; names[i]; i++)
		if (strcmp(names[i], value) == 0) {
			*(int *)((char *)c + o->offset) = i;
			return NULL;
		}
	sbuf b = SBUF_INIT;
	sb_printf(&b, "%s: %s is not one of", o->name, value);
	for (int i = 0; names[i]; i++)
		sb_printf(&b, "%s %s", i ? "," : "", names[i]);
	return sb_steal(&b);
}

static char *set_real(config *c, const struct option *o, const char *value)
{
	char *end;
	errno = 0;
	double v = strtod(value, &end);
	if (errno || end == value || *end || v != v)
		return xasprintf("%s: not a number: %s", o->name, value);
	if (v * 100 < o->min - 1e-9 || v * 100 > o->max + 1e-9)
		return xasprintf("%s: %s is out of range (%g to %g)", o->name, value, o->min / 100.0,
				 o->max / 100.0);
	*(double *)(void *)((char *)c + o->offset) = v;
	return NULL;
}

char *config_set(config *c, const char *name, const char *value)
{
	for (size_t i = 0; i < NOPTIONS; i++) {
		const struct option *o = &options[i];
		if (strcmp(o->name, name) != 0)
			continue;
		switch (o->type) {
		case OPT_INT:
			return set_int(c, o, value);
		case OPT_REAL:
			return set_real(c, o, value);
		case OPT_STR: {
			char **slot = (char **)(void *)((char *)c + o->offset);
			free(*slot);
			*slot = xstrdup(value);
			return NULL;
		}
		case OPT_ENUM:
			return set_enum(c, o, value);
		case OPT_MPV:
			if (!strchr(value, '=') || value[0] == '=')
				return xasprintf("%s: expected KEY=VALUE, got %s", name, value);
			config_add_mpv_option(c, value);
			return NULL;
		}
	}
	return xasprintf("unknown setting '%s'", name);
}

char *config_show(const config *c, const char *name, int *unknown)
{
	*unknown = 0;
	if (!name || !*name) {
		sbuf b = SBUF_INIT;
		sb_puts(&b, "set NAME VALUE changes a setting, set NAME shows it; NAME is");
		for (size_t i = 0; i < NOPTIONS; i++)
			sb_printf(&b, "%s %s", i ? "," : "", options[i].name);
		return sb_steal(&b);
	}
	for (size_t i = 0; i < NOPTIONS; i++) {
		if (strcmp(options[i].name, name) != 0)
			continue;
		if (options[i].type != OPT_MPV) {
			char *v = config_option_value(c, i);
			char *msg = xasprintf("%s %s", name, *v ? v : "(empty)");
			free(v);
			return msg;
		}
		sbuf b = SBUF_INIT;
		sb_puts(&b, name);
		for (size_t j = 0; j < c->nmpv_options; j++)
			sb_printf(&b, "%s%s", j ? ", " : " ", c->mpv_options[j]);
		if (!c->nmpv_options)
			sb_puts(&b, " (none)");
		return sb_steal(&b);
	}
	*unknown = 1;
	return xasprintf("unknown setting '%s'", name);
}

/* Splits "word rest" in place: returns the rest after the first run of
 * blanks (or "" when there is none) and NUL-terminates the word. */
static char *split_word(char *s)
{
	while (*s && !isspace((unsigned char)*s))
		s++;
	if (!*s)
		return s;
	*s++ = '\0';
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

char *config_command(config *c, const char *line)
{
	char *buf = xstrdup(line);
	char *cmd = buf;
	while (isspace((unsigned char)*cmd))
		cmd++;
	size_t n = strlen(cmd);
	while (n && isspace((unsigned char)cmd[n - 1]))
		cmd[--n] = '\0';
	char *msg = NULL;
	if (!*cmd || *cmd == '#') {
		free(buf);
		return NULL;
	}
	char *rest = split_word(cmd);
	if (strcmp(cmd, "set") == 0) {
		char *value = split_word(rest);
		if (!*rest || !*value)
			msg = xstrdup("usage: set NAME VALUE");
		else
			msg = config_set(c, rest, value);
	} else if (strcmp(cmd, "bind") == 0) {
		char *key = split_word(rest);
		char *command = split_word(key);
		char *extra = split_word(command);
		if (!*rest || !*key || !*command || *extra)
			msg = xstrdup("usage: bind PANE KEY COMMAND (PANE: common, podcasts, episodes,"
				      " details or search; COMMAND none unbinds; ? lists commands)");
		else
			msg = keymap_bind(c->keys, rest, key, command);
	} else if (strcmp(cmd, "color") == 0) {
		msg = theme_set(&c->colors, rest);
	} else {
		msg = xasprintf("unknown command '%s'", cmd);
	}
	free(buf);
	return msg;
}

/* Longest warning shown, in columns: a bad line of a megabyte is cut. */
#define WARNING_COLS 200

/* Appends "path:lineno: msg" to w, safe for a terminal (the message
 * quotes the bad line: its escape sequences are removed) and cut to
 * WARNING_COLS columns. */
static void warn_line(sbuf *w, const char *path, int lineno, const char *msg)
{
	char *raw = xasprintf("%s:%d: %s", path, lineno, msg);
	char *safe = text_sanitize(raw, (size_t)-1, 0);
	char *cut = text_fit(safe, WARNING_COLS);
	sb_printf(w, "%s\n", cut);
	free(cut);
	free(safe);
	free(raw);
}

int config_load(config *c, const char *path, int must_exist, char **warnings)
{
	*warnings = NULL;
	size_t len;
	char *buf = file_read_all(path, &len);
	if (!buf) {
		if (errno == ENOENT && !must_exist)
			return 0;
		*warnings = xasprintf("%s: %s\n", path, strerror(errno));
		return -1;
	}
	sbuf warn = SBUF_INIT;
	int lineno = 0;
	/* Lines are cut by length, not by NUL: a NUL byte is an error on its
	 * line, not a silent end of the file. */
	for (size_t at = 0; at < len;) {
		char *line = buf + at, *nl = memchr(line, '\n', len - at);
		size_t n = nl ? (size_t)(nl - line) : len - at;
		line[n] = '\0';
		at += n + 1;
		lineno++;
		char *msg = memchr(line, '\0', n) ? xstrdup("a NUL byte (is this a text file?); "
							     "line ignored")
						  : config_command(c, line);
		if (msg)
			warn_line(&warn, path, lineno, msg);
		free(msg);
	}
	free(buf);
	if (warn.len)
		*warnings = sb_steal(&warn);
	return 0;
}
