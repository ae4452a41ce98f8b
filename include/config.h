/*
 * config.h - podcue's settings and the config file reader.
 *
 * The config file is a list of commands, one per line ('#' starts a
 * comment):
 *     set NAME VALUE
 *     bind PANE KEY COMMAND       (keys.h; COMMAND "none" unbinds)
 *     color ELEMENT FG [BG [ATTR...]]   (theme.h)
 * Every setting, its default and its meaning are in the table in config.c,
 * which config.example mirrors. Unknown settings and bad values are
 * reported as "FILE:LINE: message" warnings and otherwise ignored, so an old
 * config never stops podcue from starting.
 */
#ifndef PODCUE_CONFIG_H
#define PODCUE_CONFIG_H

#include <stddef.h>

#include "keys.h"
#include "theme.h"

/* What plays when an episode ends (set continue): the front of the
 * queue, the next newer episode of the same podcast, or nothing. */
enum { CONTINUE_QUEUE, CONTINUE_PODCAST, CONTINUE_OFF };
enum { MEDIA_KEYS_CHAPTER, MEDIA_KEYS_EPISODE };

typedef struct config {
	int jobs;              /* feeds refreshed at once */
	int per_host;          /* connections per host */
	int connect_timeout;   /* seconds */
	int stall_timeout;     /* seconds with (almost) no data before giving up */
	int feed_timeout;      /* seconds for a whole feed download */
	int max_feed_mb;       /* cap on a decoded feed body */
	int max_redirects;
	char *user_agent;
	int allow_private_from_public; /* 1: a public feed may name private addresses */
	/* playback */
	int seek_step;         /* seconds, Left/Right */
	int seek_step_big;     /* seconds, Shift-Left/Right */
	int resume_rewind;     /* seconds replayed when resuming a saved position */
	int played_margin;     /* seconds from the end at which an episode counts as played */
	int save_interval;     /* seconds between position saves while playing */
	int prev_chapter_grace; /* seconds into a chapter within which prev-chapter goes one back */
	int skip_intro;        /* seconds skipped at the start (a podcast's own wins) */
	int skip_outro;        /* seconds skipped at the end (a podcast's own wins) */
	int volume_step;       /* percent */
	double speed;          /* default playback speed (a podcast's own wins) */
	int speed_step;        /* percent of normal speed */
	int network_timeout;   /* seconds libmpv waits on a stalled stream */
	/* screen */
	int podcasts_width;    /* percent of a wide screen for the podcasts pane */
	int episodes_width;    /* percent for the episodes pane (details: the rest) */
	int oldest_first;      /* a podcast's episodes oldest first unless set per podcast */
	int continue_mode;     /* CONTINUE_*: what plays after an episode ends */
	/* desktop */
	int mpris;             /* 1: media keys and now-playing over D-Bus (mpris.h) */
	int media_keys_next;   /* MEDIA_KEYS_*: what MPRIS Next/Previous move between */
	int mouse;             /* 1: clicks and the wheel work in the TUI */
	int osc52;             /* 1: copy-link copies through the terminal (OSC 52) */
	/* downloads */
	char *download_dir;    /* NULL or "": $XDG_DATA_HOME/podcue/downloads */
	int download_jobs;     /* downloads at once */
	int max_download_mb;   /* cap on one file */
	/* sync */
	int sync_interval;     /* minutes between background syncs in the TUI; 0 = none */
	int auto_download;     /* 1: new episodes are downloaded after a refresh (dlpolicy.h) */
	int keep_downloads;    /* per podcast, 0 = no limit */
	int delete_played_after; /* days, 0 = never */
	int download_cap_mb;   /* all downloads, 0 = no cap */
	char **mpv_options;    /* "key=value" strings */
	size_t nmpv_options;
	keymap *keys;          /* default bindings plus the file's bind lines */
	theme colors;
} config;

void config_defaults(config *c);
void config_free(config *c);
/* The network settings of c as fetch options (fetch.h), feed body cap
 * included; callers lower max_body for smaller documents. */
struct fetch_opts;
void config_fetch_opts(const config *c, struct fetch_opts *o);
/* Reads path. When the file does not exist and must_exist is 0, returns 0
 * and leaves c untouched. Warnings are appended to *warnings (one per line,
 * caller frees; NULL when none). Returns -1 only when the file exists but
 * cannot be read (message in *warnings). */
int config_load(config *c, const char *path, int must_exist, char **warnings);
/* Applies one "NAME VALUE" setting; returns NULL or a message (caller frees). */
char *config_set(config *c, const char *name, const char *value);
/* Runs one config line ("set ...", "bind ...", "color ..."); blank lines and
 * comments are fine. Returns NULL or a message (caller frees). The TUI's
 * ':' prompt accepts the same lines. */
char *config_command(config *c, const char *line);
/* What ":set NAME" and ":set" answer: "NAME VALUE" with the current value
 * (every value of a repeatable setting), or with name NULL/empty how set
 * works and every setting's name. *unknown is 1 (and the message says so)
 * when there is no such setting. Caller frees. */
char *config_show(const config *c, const char *name, int *unknown);
/* Writes every setting with its current value and one-line help, as
 * "# help\nset NAME VALUE" pairs, to f (used to check config.example). */
/* The settings table, for generated documentation: the number of
 * settings, and for setting i its name, help and current value in c (a
 * new string; "" for an unset string or mpv_option). */
size_t config_option_count(void);
const char *config_option_name(size_t i);
const char *config_option_help(size_t i);
char *config_option_value(const config *c, size_t i);
/* Adds a "key=value" mpv option (from --mpv-option or the config). */
void config_add_mpv_option(config *c, const char *kv);

#endif
