/*
 * paths.h - where podcue keeps its files (XDG base directories).
 *
 *   cache:  $XDG_DATA_HOME/podcue/podcue.db   (default ~/.local/share)
 *   config: $XDG_CONFIG_HOME/podcue/config    (default ~/.config)
 *   log:    $XDG_STATE_HOME/podcue/podcue.log (default ~/.local/state)
 *
 * All functions return new strings (caller frees).
 */
#ifndef PODCUE_PATHS_H
#define PODCUE_PATHS_H

char *paths_default_db(void);
char *paths_default_config(void);
char *paths_default_log(void);
/* The sync password's file (mode 0600), beside the config. */
char *paths_sync_password(void);
/* Creates the directory that will hold file (mkdir -p of its dirname).
 * Returns 0 or -1 with errno set. */
int paths_make_parent(const char *file);
/* An absolute file:// URL for a local path, or NULL if it does not exist. */
char *paths_file_url(const char *path);
/* Turns what a user typed as a feed into a URL: http(s) URLs as they are,
 * file:// URLs and existing local paths as local feeds (*is_local = 1).
 * NULL when it is neither. */
char *paths_feed_url(const char *arg, int *is_local);

#endif
