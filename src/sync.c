/*
 * sync.c - the gpodder.net API v2 client (see sync.h).
 *
 * Authentication: HTTP Basic on every request (mygpoclient style, for
 * servers that never set a cookie) plus the session cookie that login.json
 * sets (AntennaPod style, for servers that want it): the easy handle's
 * cookie engine keeps it between the calls of one connection.
 */
#include "sync.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>

#include "util.h"
#include "version.h"

#define URL_MAX 4096
#define LIST_MAX 200000 /* entries in one reply */

struct sync_conn {
	CURL *e;
	char *base, *user_esc, *device_esc, *device;
	int flavour;
	int (*cancel)(void *ctx); /* asked during transfers: non-zero stops them */
	void *cancel_ctx;
	char *password; /* for curl, and to blank it out of any message */
	char **updates; /* update_urls of the replies to pushes: old, new, ... */
	size_t nupdates;
	char *err;
	char curl_err[CURL_ERROR_SIZE];
};

/* Each occurrence of the password in s becomes "***". Messages are ours,
 * but some quote the server (a JSON parser's "near '...'", curl's words),
 * and a server or a proxy may echo what it was sent. */
static char *blank_password(const char *s, const char *password)
{
	size_t plen = password ? strlen(password) : 0;
	sbuf b = SBUF_INIT;
	const char *hit;
	while (plen && (hit = strstr(s, password))) {
		sb_append(&b, s, (size_t)(hit - s));
		sb_append(&b, "***", 3);
		s = hit + plen;
	}
	sb_append(&b, s, strlen(s));
	return sb_steal(&b);
}

static void set_err(sync_conn *c, const char *fmt, ...) PC_PRINTF(2, 3);
static void set_err(sync_conn *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char buf[512];
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	free(c->err);
	c->err = blank_password(buf, c->password);
}

const char *sync_conn_error(const sync_conn *c)
{
	return c->err ? c->err : "";
}

sync_conn *sync_conn_new(const char *server, const char *user, const char *password,
			 const char *device, int flavour)
{
	CURL *e = curl_easy_init();
	if (!e)
		return NULL;
	sync_conn *c = xcalloc(1, sizeof *c);
	c->e = e;
	c->base = xstrdup(server);
	size_t len = strlen(c->base);
	while (len && c->base[len - 1] == '/')
		c->base[--len] = '\0';
	char *u = curl_easy_escape(e, user, 0);
	char *dv = curl_easy_escape(e, device ? device : "", 0);
	c->user_esc = xstrdup(u ? u : "");
	c->device_esc = xstrdup(dv ? dv : "");
	curl_free(u);
	curl_free(dv);
	c->device = xstrdup(device ? device : "");
	c->password = xstrdup(password ? password : "");
	c->flavour = flavour;
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, c->curl_err);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "podcue/" PODCUE_VERSION);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_COOKIEFILE, ""); /* the cookie engine, in memory */
	curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
	curl_easy_setopt(e, CURLOPT_USERNAME, user);
	curl_easy_setopt(e, CURLOPT_PASSWORD, c->password);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, 15L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, 120L);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 10L);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, 30L);
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)SYNC_MAX_REPLY);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	return c;
}

static int on_xfer(void *ud, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	sync_conn *c = ud;
	return c->cancel && c->cancel(c->cancel_ctx) ? 1 : 0;
}

void sync_conn_set_cancel(sync_conn *c, int (*cancel)(void *ctx), void *ctx)
{
	c->cancel = cancel;
	c->cancel_ctx = ctx;
	curl_easy_setopt(c->e, CURLOPT_XFERINFOFUNCTION, cancel ? on_xfer : NULL);
	curl_easy_setopt(c->e, CURLOPT_XFERINFODATA, c);
	curl_easy_setopt(c->e, CURLOPT_NOPROGRESS, cancel ? 0L : 1L);
}

void sync_conn_free(sync_conn *c)
{
	if (!c)
		return;
	curl_easy_cleanup(c->e);
	free(c->base);
	free(c->user_esc);
	free(c->device_esc);
	free(c->device);
	memset(c->password, 0, strlen(c->password));
	free(c->password);
	sync_urls_free(c->updates, c->nupdates);
	free(c->err);
	free(c);
}

/* --- one request ------------------------------------------------------- */

typedef struct reply {
	sbuf body;
	int too_big;
} reply;

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
	reply *r = ud;
	size_t len = size * n;
	if (r->body.len + len > (size_t)SYNC_MAX_REPLY) {
		r->too_big = 1;
		return 0; /* aborts the transfer */
	}
	sb_append(&r->body, p, len);
	return len;
}

/* Sends method (GET or POST with a JSON body) to path under the base URL;
 * on 2xx parses the reply as JSON into *doc (when doc is not NULL).
 * what names the call in messages. */
static int request(sync_conn *c, const char *path, const char *body, json_t **doc,
		   const char *what)
{
	char *url = xasprintf("%s%s", c->base, path);
	reply r = {0};
	struct curl_slist *h = NULL;
	CURL *e = c->e;
	c->curl_err[0] = '\0';
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, &r);
	if (body) {
		h = curl_slist_append(h, "Content-Type: application/json");
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	} else {
		curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
	}
	h = curl_slist_append(h, "Accept: application/json");
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
	CURLcode cc = curl_easy_perform(e);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(h);
	long status = 0;
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
	free(url);
	int rc = -1;
	if (r.too_big || cc == CURLE_FILESIZE_EXCEEDED) {
		set_err(c, "%s: the server's reply is larger than %ld MiB", what,
			SYNC_MAX_REPLY >> 20);
	} else if (cc == CURLE_ABORTED_BY_CALLBACK) {
		set_err(c, "%s: cancelled", what);
	} else if (cc != CURLE_OK) {
		set_err(c, "%s: %s", what, c->curl_err[0] ? c->curl_err : curl_easy_strerror(cc));
	} else if (status == 401 || status == 403) {
		set_err(c, "%s: the server refused the user name or password (HTTP %ld)", what,
			status);
	} else if (status < 200 || status > 299) {
		set_err(c, "%s: the server answered HTTP %ld", what, status);
	} else if (!doc) {
		rc = 0;
	} else {
		json_error_t je;
		*doc = json_loadb(r.body.s ? r.body.s : "", r.body.len,
				  0, &je);
		if (!*doc)
			set_err(c, "%s: the server's reply is not JSON (%s)", what, je.text);
		else
			rc = 0;
	}
	sb_free(&r.body);
	return rc;
}

/* --- login and devices ------------------------------------------------- */

int sync_login(sync_conn *c)
{
	if (c->flavour == SYNC_NEXTCLOUD) {
		json_t *doc = NULL;
		int rc = request(c, "/index.php/apps/gpoddersync/subscriptions?since=9999999999",
				 NULL, &doc, "login");
		json_decref(doc);
		return rc;
	}
	char *path = xasprintf("/api/2/auth/%s/login.json", c->user_esc);
	int rc = request(c, path, "", NULL, "login");
	free(path);
	return rc;
}

int sync_register_device(sync_conn *c, const char *caption)
{
	if (c->flavour == SYNC_NEXTCLOUD)
		return 0;
	json_t *j = json_pack("{s:s, s:s}", "caption", caption ? caption : "podcue", "type",
			      "desktop");
	char *body = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (!body) {
		set_err(c, "register the device: the caption is not valid UTF-8");
		return -1;
	}
	char *path = xasprintf("/api/2/devices/%s/%s.json", c->user_esc, c->device_esc);
	int rc = request(c, path, body, NULL, "register the device");
	free(path);
	free(body);
	return rc;
}

/* --- validation -------------------------------------------------------- */

int sync_url_ok(const char *s)
{
	if (!s || (strncmp(s, "http://", 7) != 0 && strncmp(s, "https://", 8) != 0))
		return 0;
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++, n++)
		if (*p < 0x21 || *p == 0x7f || n >= URL_MAX)
			return 0;
	return 1;
}

/* The reply's "timestamp": an integer, or digits in a string. */
static int reply_timestamp(sync_conn *c, json_t *doc, int64_t *ts, const char *what)
{
	json_t *t = json_object_get(doc, "timestamp");
	if (json_is_integer(t) && json_integer_value(t) >= 0) {
		*ts = json_integer_value(t);
		return 0;
	}
	if (json_is_string(t) && sync_parse_time(json_string_value(t), ts) == 0)
		return 0;
	set_err(c, "%s: the server's reply has no valid \"timestamp\"", what);
	return -1;
}

void sync_urls_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* The valid URLs of a JSON array (others skipped) into an owned array. */
static int url_list(sync_conn *c, json_t *arr, char ***out, size_t *n, const char *what)
{
	*out = NULL;
	*n = 0;
	if (!json_is_array(arr) || json_array_size(arr) > LIST_MAX) {
		set_err(c, "%s: the server's reply is not a list of URLs", what);
		return -1;
	}
	*out = xcalloc(json_array_size(arr) + 1, sizeof **out);
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) {
		if (json_is_string(v) && sync_url_ok(json_string_value(v)))
			(*out)[(*n)++] = xstrdup(json_string_value(v));
	}
	return 0;
}

/* --- subscriptions ----------------------------------------------------- */

static char *subs_path(sync_conn *c, int push, int64_t since)
{
	if (c->flavour == SYNC_NEXTCLOUD)
		return push ? xstrdup("/index.php/apps/gpoddersync/subscription_change/create")
			    : xasprintf("/index.php/apps/gpoddersync/subscriptions?since=%lld",
					(long long)since);
	if (push)
		return xasprintf("/api/2/subscriptions/%s/%s.json", c->user_esc, c->device_esc);
	return xasprintf("/api/2/subscriptions/%s/%s.json?since=%lld", c->user_esc,
			 c->device_esc, (long long)since);
}

int sync_pull_subs(sync_conn *c, int64_t since, char ***add, size_t *nadd, char ***rem,
		   size_t *nrem, int64_t *timestamp)
{
	const char *what = "pull subscriptions";
	*add = *rem = NULL;
	*nadd = *nrem = 0;
	char *path = subs_path(c, 0, since);
	json_t *doc = NULL;
	int rc = request(c, path, NULL, &doc, what);
	free(path);
	if (rc == 0 && !json_is_object(doc)) {
		set_err(c, "%s: the server's reply is not a JSON object", what);
		rc = -1;
	}
	if (rc == 0)
		rc = reply_timestamp(c, doc, timestamp, what);
	if (rc == 0)
		rc = url_list(c, json_object_get(doc, "add"), add, nadd, what);
	if (rc == 0)
		rc = url_list(c, json_object_get(doc, "remove"), rem, nrem, what);
	json_decref(doc);
	if (rc != 0) {
		sync_urls_free(*add, *nadd);
		sync_urls_free(*rem, *nrem);
		*add = *rem = NULL;
		*nadd = *nrem = 0;
	}
	return rc;
}

/* The reply's "update_urls" ([[old, new], ...]: URLs the server rewrote
 * and names so from now on) kept for sync_conn_take_updates; malformed
 * pairs are skipped. */
static void keep_updates(sync_conn *c, json_t *doc)
{
	json_t *arr = json_object_get(doc, "update_urls");
	if (!json_is_array(arr) || json_array_size(arr) > LIST_MAX)
		return;
	size_t i;
	json_t *pair;
	json_array_foreach(arr, i, pair) {
		const char *from = json_string_value(json_array_get(pair, 0));
		const char *to = json_string_value(json_array_get(pair, 1));
		if (json_array_size(pair) != 2 || !sync_url_ok(from) || !sync_url_ok(to) ||
		    !strcmp(from, to) || c->nupdates >= 2 * (size_t)LIST_MAX)
			continue;
		c->updates = xrealloc(c->updates, (c->nupdates + 2) * sizeof *c->updates);
		c->updates[c->nupdates++] = xstrdup(from);
		c->updates[c->nupdates++] = xstrdup(to);
	}
}

size_t sync_conn_take_updates(sync_conn *c, char ***pairs)
{
	*pairs = c->updates;
	size_t n = c->nupdates / 2;
	c->updates = NULL;
	c->nupdates = 0;
	return n;
}

static json_t *json_urls(char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

int sync_push_subs(sync_conn *c, char *const *add, size_t nadd, char *const *rem, size_t nrem)
{
	json_t *j = json_pack("{s:o, s:o}", "add", json_urls(add, nadd), "remove",
			      json_urls(rem, nrem));
	char *body = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	char *path = subs_path(c, 1, 0);
	json_t *doc = NULL;
	int rc = body ? request(c, path, body, &doc, "push subscriptions") : -1;
	if (rc == 0)
		keep_updates(c, doc);
	json_decref(doc);
	free(path);
	free(body);
	return rc;
}

/* --- episode actions --------------------------------------------------- */

static char *opt_string(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	const char *s = json_is_string(v) ? json_string_value(v) : NULL;
	/* AntennaPod sends the string "null" for a missing guid. */
	return s && *s && strcmp(s, "null") != 0 && strlen(s) < URL_MAX ? xstrdup(s) : NULL;
}

/* A number of seconds; -1 when absent, negative or absurd. */
static double opt_seconds(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	double x = json_is_number(v) ? json_number_value(v) : -1;
	return x >= 0 && x < 1e8 ? x : -1;
}

/* One action from its JSON; 0 when valid (else *a is left clear). */
static int parse_action(json_t *o, sync_action *a)
{
	memset(a, 0, sizeof *a);
	if (!json_is_object(o))
		return -1;
	json_t *k = json_object_get(o, "action");
	json_t *t = json_object_get(o, "timestamp");
	a->kind = sync_kind_parse(json_is_string(k) ? json_string_value(k) : NULL);
	int ts_ok = json_is_integer(t) ? (a->timestamp = json_integer_value(t), 1)
		    : json_is_string(t) ? sync_parse_time(json_string_value(t), &a->timestamp) == 0
					: 0;
	a->podcast = opt_string(o, "podcast");
	a->episode = opt_string(o, "episode");
	if (!ts_ok || !sync_url_ok(a->episode) || (a->podcast && !sync_url_ok(a->podcast))) {
		sync_action_clear(a);
		return -1;
	}
	a->guid = opt_string(o, "guid");
	a->device = opt_string(o, "device");
	a->started = opt_seconds(o, "started");
	a->position = opt_seconds(o, "position");
	a->total = opt_seconds(o, "total");
	return 0;
}

static char *actions_path(sync_conn *c, int push, int64_t since)
{
	if (c->flavour == SYNC_NEXTCLOUD)
		return push ? xstrdup("/index.php/apps/gpoddersync/episode_action/create")
			    : xasprintf("/index.php/apps/gpoddersync/episode_action?since=%lld",
					(long long)since);
	if (push)
		return xasprintf("/api/2/episodes/%s.json", c->user_esc);
	return xasprintf("/api/2/episodes/%s.json?since=%lld", c->user_esc, (long long)since);
}

int sync_pull_actions(sync_conn *c, int64_t since, sync_action **out, size_t *n,
		      int64_t *timestamp)
{
	const char *what = "pull episode actions";
	*out = NULL;
	*n = 0;
	char *path = actions_path(c, 0, since);
	json_t *doc = NULL;
	int rc = request(c, path, NULL, &doc, what);
	free(path);
	json_t *arr = rc == 0 ? json_object_get(doc, "actions") : NULL;
	if (rc == 0 && (!json_is_array(arr) || json_array_size(arr) > LIST_MAX)) {
		set_err(c, "%s: the server's reply has no list of \"actions\"", what);
		rc = -1;
	}
	if (rc == 0)
		rc = reply_timestamp(c, doc, timestamp, what);
	if (rc == 0) {
		*out = xcalloc(json_array_size(arr) + 1, sizeof **out);
		size_t i;
		json_t *v;
		json_array_foreach(arr, i, v) {
			if (parse_action(v, &(*out)[*n]) == 0)
				(*n)++;
		}
	}
	json_decref(doc);
	return rc;
}

static json_t *action_json(const sync_conn *c, const sync_action *a)
{
	char ts[32];
	sync_format_time(a->timestamp, ts, sizeof ts);
	json_t *o = json_pack("{s:s?, s:s, s:s, s:s}", "podcast", a->podcast, "episode",
			      a->episode, "action", sync_kind_name(a->kind), "timestamp", ts);
	if (!o)
		return NULL;
	if (a->guid)
		json_object_set_new(o, "guid", json_string(a->guid));
	if (c->flavour == SYNC_GPODDER)
		json_object_set_new(o, "device", json_string(c->device));
	/* The API wants whole seconds; total only when known. */
	if (a->kind == SYNC_ACT_PLAY && a->position >= 0) {
		json_object_set_new(o, "started", json_integer((json_int_t)(a->started >= 0 ? a->started : 0)));
		json_object_set_new(o, "position", json_integer((json_int_t)(a->position + 0.5)));
		if (a->total > 0)
			json_object_set_new(o, "total", json_integer((json_int_t)(a->total + 0.5)));
	}
	return o;
}

int sync_push_actions(sync_conn *c, const sync_action *v, size_t n)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *o = action_json(c, &v[i]);
		if (o)
			json_array_append_new(arr, o);
	}
	char *body = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	char *path = actions_path(c, 1, 0);
	json_t *doc = NULL;
	int rc = body ? request(c, path, body, &doc, "push episode actions") : -1;
	if (rc == 0)
		keep_updates(c, doc);
	json_decref(doc);
	free(path);
	free(body);
	return rc;
}
