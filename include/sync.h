/*
 * sync.h - a client of the gpodder.net API v2 (subscriptions and episode
 * actions), in both flavours servers speak: gpodder.net's own paths
 * (/api/2/..., also oPodSync and gpodder2go) and the Nextcloud gPodder
 * Sync app's (/index.php/apps/gpoddersync/...). libcurl and jansson.
 *
 * Every reply is treated as hostile: bodies are capped (SYNC_MAX_REPLY),
 * JSON is validated field by field, entries that are malformed are
 * skipped, and a failure is one clear sentence (sync_conn_error) that
 * never contains the password.
 *
 * Ownership: a sync_conn owns its curl handle (with the session cookie)
 * and copies of its settings. Threading: one connection is used by one
 * thread at a time; curl_global_init is the caller's (main does it).
 */
#ifndef PODCUE_SYNC_H
#define PODCUE_SYNC_H

#include <stddef.h>
#include <stdint.h>

#include "sync_merge.h"

enum { SYNC_GPODDER = 0, SYNC_NEXTCLOUD = 1 };

#define SYNC_MAX_REPLY (16L << 20) /* bytes */
#define SYNC_BATCH 100             /* episode actions per upload */

typedef struct sync_conn sync_conn;

/* server is the base URL (http or https, no user:password@). */
sync_conn *sync_conn_new(const char *server, const char *user, const char *password,
			 const char *device, int flavour);
void sync_conn_free(sync_conn *c);
/* cancel (may be NULL) is called about once a second and whenever data
 * moves, on the connection's thread; non-zero ends the request at once,
 * as a failure ("cancelled"). */
void sync_conn_set_cancel(sync_conn *c, int (*cancel)(void *ctx), void *ctx);
/* The last failure, "" when none. Valid until the next call. */
const char *sync_conn_error(const sync_conn *c);

/* Logs in (gpodder.net: POST auth/USER/login.json, keeping the session
 * cookie; Nextcloud: a cheap authenticated GET). 0 or -1. */
int sync_login(sync_conn *c);
/* Registers or updates this device (gpodder.net only; a no-op on
 * Nextcloud, which has no devices). */
int sync_register_device(sync_conn *c, const char *caption);

/* Subscription changes since a timestamp: owned URL arrays (http/https
 * only) and the server's timestamp for the next pull. */
int sync_pull_subs(sync_conn *c, int64_t since, char ***add, size_t *nadd, char ***rem,
		   size_t *nrem, int64_t *timestamp);
int sync_push_subs(sync_conn *c, char *const *add, size_t nadd, char *const *rem, size_t nrem);
void sync_urls_free(char **v, size_t n);

/* Episode actions since a timestamp (owned; free with sync_actions_free). */
int sync_pull_actions(sync_conn *c, int64_t since, sync_action **out, size_t *n,
		      int64_t *timestamp);
/* Uploads n actions (at most SYNC_BATCH: the caller batches). */
int sync_push_actions(sync_conn *c, const sync_action *v, size_t n);

/* The "update_urls" the server's replies to pushes gave since the last
 * call: URLs (of feeds or episodes) it rewrote, as pairs: (*pairs)[2i]
 * became (*pairs)[2i+1]. Returns the pair count; free with
 * sync_urls_free(*pairs, 2 * count). */
size_t sync_conn_take_updates(sync_conn *c, char ***pairs);

/* A URL fit to be a subscription or an episode: http(s), printable, not
 * too long. */
int sync_url_ok(const char *s);

#endif
