/*
 * fetch.h - polite parallel HTTP(S) fetching on one libcurl multi handle.
 *
 * A fetcher owns a queue of requests and runs at most max_parallel of them
 * at once, and at most max_per_host to any one host (name and port):
 * requests to other hosts pass those of a host at its cap, so a host that
 * never answers holds no more than its share. A host that lets a request
 * time out without any response is taken for down: the requests queued
 * for it then fail at once ("not tried: ..."). Connections are reused. It is single-threaded: fetcher_step()/fetcher_run() drive the
 * transfers and call the done callback on the calling thread, once per
 * request, in completion order. Nothing here prints or raises signals.
 *
 * Only the URLs urlrule.h allows are fetched: http: and https:, plus file:
 * for requests that set allow_file; redirects are followed to http: and
 * https: only. Bodies are
 * decoded (gzip/deflate) and capped at max_body decoded bytes.
 */
#ifndef PODCUE_FETCH_H
#define PODCUE_FETCH_H

#include <stddef.h>
#include <stdint.h>

/* Tunables. Start from fetch_opts_default() and change fields. When a
 * fetcher is created, out-of-range values fall back to the default:
 * max_parallel, max_per_host, connect_timeout_ms <= 0; max_body == 0;
 * max_redirects, low_speed_limit, low_speed_time, total_timeout_ms < 0.
 * low_speed_limit or low_speed_time == 0 disables the stall check;
 * total_timeout_ms == 0 means no overall limit; max_redirects == 0 follows
 * no redirect (a redirect is then "too many redirects"). */
typedef struct fetch_opts {
	int max_parallel;        /* transfers at once; default 8 */
	int max_per_host;        /* connections per host; default 4 */
	long connect_timeout_ms; /* default 10000 */
	long low_speed_limit;    /* bytes/s; default 10 */
	long low_speed_time;     /* seconds below low_speed_limit before aborting; default 20 */
	long total_timeout_ms;   /* whole transfer; default 120000; 0 = none */
	size_t max_body;         /* cap on the DECODED body; default 64 MiB */
	int max_redirects;       /* default 8 */
	const char *user_agent;  /* default "podcue/<version>"; fetcher_new copies it */
	int allow_private_from_public; /* 0 (default): see fetch_request.origin */
} fetch_opts;

void fetch_opts_default(fetch_opts *o);

typedef struct fetch_request {
	const char *url;
	const char *etag;          /* sent as If-None-Match, may be NULL */
	const char *last_modified; /* sent as If-Modified-Since (verbatim value), may be NULL */
	int allow_file;            /* permit file:// (feeds the user added as local files) */
	const char *range;         /* HTTP Range bytes, e.g. "0-262143", or NULL */
	int partial_ok;            /* a body cut at max_body is a success, not an error
	                              (for reading just a file's head when a server
	                              ignores Range) */
	const char *origin;        /* the feed that named url, or NULL for what the
	                              user asked for. When origin's host has a
	                              public address and the opts do not allow it,
	                              a connection to a loopback, link-local or
	                              private address (urlrule_addr_private;
	                              checked on the address actually reached,
	                              redirects included) is refused */
	void *user;                /* handed back in the result */
} fetch_request;               /* fetcher_add copies the strings */

/* Handed to the done callback; every pointer in it is owned by the fetcher
 * and freed when the callback returns, except that the callback may take
 * ownership of body (free() it later) by setting r->body = NULL. */
typedef struct fetch_result {
	const char *url;     /* as requested */
	void *user;
	long status;         /* final HTTP status; 0 on transport failure; 200 for file:// */
	int ok;              /* 1 for a 2xx with a non-empty body, or a 304 */
	int not_modified;    /* 1 on 304 */
	char *body;          /* decoded, NUL-terminated (NUL not counted in len); "" when
	                        empty; NULL when no response was received */
	size_t len;
	char *etag, *last_modified, *content_type; /* final response's headers, or NULL */
	char *final_url;     /* effective URL after redirects (never NULL) */
	int redirects;       /* hops followed */
	int permanent;       /* 1 when redirects > 0 and every hop was 301 or 308 */
	char *error;         /* one-line readable message when !ok, else NULL */
	long elapsed_ms;     /* from the start of the transfer to its end */
	int64_t retry_after; /* a 429 or 503's Retry-After as Unix time (at most a
	                        week ahead), or 0 */
} fetch_result;

typedef void (*fetch_done_fn)(fetch_result *r, void *ctx);
typedef struct fetcher fetcher;

/* opts NULL = defaults; opts is copied. Calls fetch_global_init(). The
 * callback may call fetcher_add() on the same fetcher but must not free it.
 * Returns NULL only when libcurl cannot create a multi handle. */
fetcher *fetcher_new(const fetch_opts *opts, fetch_done_fn done, void *ctx);

/* Queues a request (started as slots free). A request whose URL is not
 * allowed (see urlrule_refusal) is not handed to libcurl: it completes in
 * the next fetcher_step() with status 0 and the error "unsupported URL
 * scheme" (or "malformed URL (...)" for an http/https/file URL without a
 * host or with spaces or control characters). */
void fetcher_add(fetcher *f, const fetch_request *req);

/* Drives transfers for at most timeout_ms (0 = do what is ready, never
 * wait), dispatching finished ones; returns early once at least one
 * request has completed. Returns how many requests are still queued or
 * running. */
int fetcher_step(fetcher *f, int timeout_ms);

/* Steps until nothing is queued or running. */
void fetcher_run(fetcher *f);

typedef struct fetch_progress {
	int done;            /* requests completed (callback called) */
	int total;           /* requests ever added */
	int running;         /* transfers handed to libcurl right now */
	int64_t bytes;       /* decoded body bytes received so far, all requests */
	const char *current; /* URL of a running transfer, or NULL; valid until the next step */
} fetch_progress;

void fetcher_progress(const fetcher *f, fetch_progress *p);

/* Aborts anything queued or running without calling the callback, and
 * frees everything. NULL is fine. */
void fetcher_free(fetcher *f);

/* "host:port" of an http(s) URL (host lower-case, default port filled
 * in), the unit the per-host cap counts; NULL when there is no host.
 * Caller frees. */
char *fetch_host_key(const char *url);

/* Test-only: PODCUE_TEST_PUBLIC_ADDRS, a comma-separated list of
 * "ip:port" (the form fetch_host_key gives for a literal address), makes
 * those endpoints count as public, so that the loopback test server can
 * play a public feed. Never set it otherwise. */

/* curl_global_init once; safe to call repeatedly, from any thread. */
void fetch_global_init(void);
/* curl_global_cleanup when fetch_global_init() ran; call after every
 * fetcher is freed (tests, program exit). fetch_global_init() may run again. */
void fetch_global_cleanup(void);

#endif
