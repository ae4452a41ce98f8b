/*
 * fetch_int.h - what fetch.c and fetch_msg.c share: the fetcher, its jobs
 * and hosts, and the helpers each side calls on the other. Private to the
 * fetch module; the contract is fetch.h. Same threading: a fetcher and its
 * jobs belong to the thread driving it.
 */
#ifndef PODCUE_FETCH_INT_H
#define PODCUE_FETCH_INT_H

#include <stdint.h>

#include <curl/curl.h>

#include "fetch.h"
#include "util.h"

#define MIB ((size_t)1 << 20)

/* A host (name:port) the fetcher has seen: how many of its requests run,
 * and whether it is taken for down. */
typedef struct fetch_host {
	char *key;
	int running;
	int down;
	int is_public; /* as an origin: -1 not yet known, 0 private, 1 public */
} fetch_host;

typedef struct fetch_job {
	struct fetch_job *next; /* queue or running list */
	fetcher *f;
	char *url, *etag, *last_modified, *range;
	int allow_file;
	int partial_ok;
	int no_private;    /* refuse private destinations (fetch_request.origin) */
	char *refused_ip;  /* the private address refused, or NULL */
	void *user;
	CURL *easy;
	struct curl_slist *headers;
	sbuf body;
	long status;       /* code of the latest status line seen */
	char *reason;      /* its reason phrase, or NULL */
	char *r_etag, *r_last_modified, *r_content_type, *r_location, *r_retry_after;
	char *r_content_encoding;
	int host;          /* index in f->hosts, or -1 (file:, no host) */
	int hops;          /* 3xx responses followed by another response */
	int all_permanent; /* every such hop was 301 or 308 */
	int too_large;
	int64_t started;
	char errbuf[CURL_ERROR_SIZE];
} fetch_job;

struct fetcher {
	fetch_opts o;
	char *user_agent;
	fetch_done_fn done;
	void *ctx;
	CURLM *multi;
	fetch_job *queue_head, *queue_tail;
	fetch_job *running;
	fetch_host *hosts;
	int nhosts;
	int n_queued, n_running, n_done, n_total;
	int64_t bytes;
};

/* fetch.c: host (lower-case) and port of url, NULL host when it does not
 * parse; the decoded path of a file: URL (a copy of url when it does not
 * parse). Caller frees. */
char *fetchi_url_host_port(const char *url, long *port);
char *fetchi_file_path(const char *url);

/* fetch_msg.c: the one-line messages a failed request reports. Each
 * returns a string the caller frees. fetchi_one_line takes ownership of s
 * and turns control characters into spaces, trimming the ends;
 * fetchi_status_text is "HTTP 404 Not Found"; fetchi_error_text is what
 * a libcurl error means for url, in words a user can act on. */
char *fetchi_one_line(char *s);
char *fetchi_status_text(const fetch_job *j, long status);
char *fetchi_error_text(const fetch_job *j, CURLcode rc, const char *url);

#endif
