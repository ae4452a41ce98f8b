/*
 * fetch.c - polite parallel fetching on one libcurl multi handle (see
 * fetch.h).
 *
 * Each request becomes a job. Jobs wait in a queue until a slot is free
 * (max_parallel) and their host runs fewer than max_per_host of them: the
 * first such job in the queue starts, so a host that never answers holds
 * at most max_per_host slots, never the ones other hosts need. A host
 * that lets a request time out without a single byte of a response is
 * taken for down for the rest of the fetcher's life: its queued requests
 * fail at once instead of each waiting out the timeout in turn. A started
 * job gets a fresh easy handle on the shared multi handle, which keeps
 * the connection and DNS caches. Per-hop bookkeeping
 * (status codes for permanent-redirect detection, headers of the final
 * response) happens in the header callback; the write callback enforces
 * the decoded body cap.
 */
#include "fetch.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include <pthread.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <curl/curl.h>

#include "curl_lazy.h"
#include "fetch_int.h"
#include "urlrule.h"
#include "util.h"
#include "version.h"

#define MAX_HEADER_VALUE 4096
/* The longest wait a Retry-After may ask for: a feed put off is reported
 * on every refresh, but a wrong year must not silence it for good. */
#define MAX_RETRY_AFTER_S (7 * 24 * 3600)

/* ---- global init ---------------------------------------------------- */

/* The first fetch of a run may start on any thread (a refresh, the
 * interface's worker, a download): libcurl itself is loaded on first use
 * (curl_lazy.h). */
static pthread_mutex_t global_mu = PTHREAD_MUTEX_INITIALIZER;
static int global_ready;

void fetch_global_init(void)
{
	pthread_mutex_lock(&global_mu);
	if (!global_ready && curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK)
		global_ready = 1;
	pthread_mutex_unlock(&global_mu);
}

void fetch_global_cleanup(void)
{
	pthread_mutex_lock(&global_mu);
	if (global_ready)
		curl_global_cleanup();
	global_ready = 0;
	pthread_mutex_unlock(&global_mu);
}

/* ---- options -------------------------------------------------------- */

void fetch_opts_default(fetch_opts *o)
{
	o->max_parallel = 8;
	o->max_per_host = 4;
	o->connect_timeout_ms = 10000;
	o->low_speed_limit = 10;
	o->low_speed_time = 20;
	o->total_timeout_ms = 120000;
	o->max_body = 64 * MIB;
	o->max_redirects = 8;
	o->user_agent = "podcue/" PODCUE_VERSION;
}

/* Replaces out-of-range fields of o with defaults (see fetch.h). */
static void opts_sanitize(fetch_opts *o)
{
	fetch_opts d;
	fetch_opts_default(&d);
	if (o->max_parallel <= 0)
		o->max_parallel = d.max_parallel;
	if (o->max_per_host <= 0)
		o->max_per_host = d.max_per_host;
	if (o->connect_timeout_ms <= 0)
		o->connect_timeout_ms = d.connect_timeout_ms;
	if (o->low_speed_limit < 0)
		o->low_speed_limit = d.low_speed_limit;
	if (o->low_speed_time < 0)
		o->low_speed_time = d.low_speed_time;
	if (o->total_timeout_ms < 0)
		o->total_timeout_ms = d.total_timeout_ms;
	if (o->max_body == 0)
		o->max_body = d.max_body;
	if (o->max_redirects < 0)
		o->max_redirects = d.max_redirects;
	if (!o->user_agent || !*o->user_agent)
		o->user_agent = d.user_agent;
}

/* ---- URL helpers ---------------------------------------------------- */

/* Host (lower-case, no brackets stripped) and port of url; NULL host when
 * it does not parse. Caller frees *host. */
char *fetchi_url_host_port(const char *url, long *port)
{
	*port = 0;
	CURLU *u = curl_url();
	if (!u)
		return NULL;
	char *host = NULL, *ps = NULL, *out = NULL;
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
		out = xstrdup(host);
		for (char *c = out; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		if (curl_url_get(u, CURLUPART_PORT, &ps, CURLU_DEFAULT_PORT) == CURLUE_OK)
			*port = strtol(ps, NULL, 10);
	}
	curl_free(host);
	curl_free(ps);
	curl_url_cleanup(u);
	return out;
}

char *fetch_host_key(const char *url)
{
	long port;
	char *host = fetchi_url_host_port(url, &port);
	if (!host || !*host) {
		free(host);
		return NULL;
	}
	char *key = xasprintf("%s:%ld", host, port);
	free(host);
	return key;
}

/* The index of url's host in f->hosts (added when new), or -1. */
static int host_index(fetcher *f, const char *url)
{
	if (strncasecmp(url, "http://", 7) != 0 && strncasecmp(url, "https://", 8) != 0)
		return -1;
	char *key = fetch_host_key(url);
	if (!key)
		return -1;
	for (int i = 0; i < f->nhosts; i++) {
		if (!strcmp(f->hosts[i].key, key)) {
			free(key);
			return i;
		}
	}
	f->hosts = xrealloc(f->hosts, (size_t)(f->nhosts + 1) * sizeof *f->hosts);
	f->hosts[f->nhosts] = (fetch_host){.key = key, .is_public = -1};
	return f->nhosts++;
}

/* Decoded path of a file: URL, or a copy of url when it does not parse. */
char *fetchi_file_path(const char *url)
{
	char *out = NULL, *path = NULL;
	CURLU *u = curl_url();
	if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PATH, &path, CURLU_URLDECODE) == CURLUE_OK)
		out = xstrdup(path);
	curl_free(path);
	curl_url_cleanup(u);
	return out ? out : xstrdup(url);
}

/* RFC 6761: names under .invalid never resolve, so fail them without a
 * (possibly slow) DNS round trip. */
static int host_is_invalid_tld(const char *url)
{
	long port;
	char *h = fetchi_url_host_port(url, &port);
	if (!h)
		return 0;
	size_t n = strlen(h);
	if (n && h[n - 1] == '.')
		h[--n] = '\0';
	int bad = !strcmp(h, "invalid") ||
		  (n > 8 && !strcmp(h + n - 8, ".invalid"));
	free(h);
	return bad;
}

/* ---- private network access (urlrule.h) -------------------------------- */


/* 1 when the endpoint "ip:port" is listed in PODCUE_TEST_PUBLIC_ADDRS
 * (fetch.h: test-only). */
static int test_public(const char *key)
{
	const char *list = getenv("PODCUE_TEST_PUBLIC_ADDRS");
	size_t n = strlen(key);
	for (const char *p = list; p && *p;) {
		size_t len = strcspn(p, ",");
		if (len == n && !strncmp(p, key, n))
			return 1;
		p += len + (p[len] == ',');
	}
	return 0;
}

/* 1 when url's host has a public address (any of those it resolves to). */
static int resolves_public(const char *url)
{
	long port;
	char *host = fetchi_url_host_port(url, &port);
	if (!host)
		return 0;
	size_t n = strlen(host);
	if (n > 2 && host[0] == '[' && host[n - 1] == ']') { /* IPv6 literal */
		memmove(host, host + 1, n - 2);
		host[n - 2] = '\0';
	}
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
	int pub = 0;
	if (getaddrinfo(host, NULL, &hints, &res) == 0) {
		for (struct addrinfo *a = res; a && !pub; a = a->ai_next) {
			char ip[INET6_ADDRSTRLEN] = "";
			const void *raw = a->ai_family == AF_INET
						  ? (const void *)&((struct sockaddr_in *)a->ai_addr)->sin_addr
						  : (const void *)&((struct sockaddr_in6 *)a->ai_addr)->sin6_addr;
			if (inet_ntop(a->ai_family, raw, ip, sizeof ip))
				pub = !urlrule_addr_private(ip);
		}
		freeaddrinfo(res);
	}
	free(host);
	return pub;
}

/* 1 when a request named by origin must stay off private addresses. */
static int origin_is_public(fetcher *f, const char *origin)
{
	int i = host_index(f, origin); /* -1: file: or no host, a local feed */
	if (i < 0)
		return 0;
	fetch_host *h = &f->hosts[i];
	if (h->is_public < 0)
		h->is_public = test_public(h->key) || resolves_public(origin);
	return h->is_public;
}

/* 1 when libcurl would send requests through a proxy from the
 * environment: the address it connects to is then the proxy's. */
static int proxy_in_env(void)
{
	static const char *const vars[] = {"http_proxy", "https_proxy", "HTTPS_PROXY",
					   "all_proxy", "ALL_PROXY"};
	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
		if (!str_blank(getenv(vars[i])))
			return 1;
	return 0;
}

/* The private-address refusal of a job checked before it starts, through
 * a proxy (where the connected address says nothing about the target):
 * the target's name as resolved here. Weaker than on_prereq (the proxy
 * resolves again, and redirects are not seen), and noted so in README. */
static char *proxied_refusal(const fetch_job *j)
{
	if (!j->no_private || !proxy_in_env() || resolves_public(j->url))
		return NULL;
	long port;
	char *host = fetchi_url_host_port(j->url, &port);
	char *key = xasprintf("%s:%ld", host ? host : "?", port);
	char *msg = test_public(key) ? NULL
				     : fetchi_one_line(xasprintf("refused: a feed on a public address may "
							  "not make podcue request a private one (%s); "
							  "allow_private_from_public = 1 allows it",
							  host ? host : "?"));
	free(key);
	free(host);
	return msg;
}

/* libcurl calls this once a connection (new or reused) is up, before each
 * request, redirects included: the address is the one reached. */
static int on_prereq(void *ud, char *ip, char *local_ip, int port, int local_port)
{
	fetch_job *j = ud;
	(void)local_ip;
	(void)local_port;
	if (!j->no_private || !urlrule_addr_private(ip) || proxy_in_env())
		return CURL_PREREQFUNC_OK;
	char *key = strchr(ip, ':') ? xasprintf("[%s]:%d", ip, port) : xasprintf("%s:%d", ip, port);
	int pub = test_public(key);
	if (!pub) {
		free(j->refused_ip);
		j->refused_ip = key;
		return CURL_PREREQFUNC_ABORT;
	}
	free(key);
	return CURL_PREREQFUNC_OK;
}

/* ---- curl callbacks ------------------------------------------------- */

static void clear_response(fetch_job *j)
{
	free(j->reason);
	free(j->r_etag);
	free(j->r_last_modified);
	free(j->r_content_type);
	free(j->r_location);
	free(j->r_retry_after);
	free(j->r_content_encoding);
	j->reason = j->r_etag = j->r_last_modified = NULL;
	j->r_content_type = j->r_location = j->r_retry_after = j->r_content_encoding = NULL;
	sb_free(&j->body);
	j->too_large = 0;
}

/* "HTTP/1.1 301 Moved Permanently" or "HTTP/2 301": a new response. */
static void on_status_line(fetch_job *j, const char *p, size_t len)
{
	const char *end = p + len, *c = p;
	while (c < end && *c != ' ')
		c++;
	while (c < end && *c == ' ')
		c++;
	long code = 0;
	int digits = 0;
	for (; c < end && digits < 3 && isdigit((unsigned char)*c); c++, digits++)
		code = code * 10 + (*c - '0');
	if (digits != 3)
		return;
	if (j->status >= 300 && j->status < 400) {
		j->hops++;
		if (j->status != 301 && j->status != 308)
			j->all_permanent = 0;
	}
	clear_response(j);
	j->status = code;
	while (c < end && *c == ' ')
		c++;
	char *reason = xstrndup(c, (size_t)(end - c));
	j->reason = str_trim_dup(reason);
	free(reason);
}

static void set_header(char **slot, const char *v, size_t n)
{
	if (n > MAX_HEADER_VALUE)
		return;
	char *raw = xstrndup(v, n);
	free(*slot);
	*slot = str_trim_dup(raw);
	free(raw);
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
	fetch_job *j = ud;
	size_t len = size * n;
	if (len >= 5 && !memcmp(p, "HTTP/", 5)) {
		on_status_line(j, p, len);
		return len;
	}
	const char *colon = memchr(p, ':', len);
	if (!colon)
		return len;
	size_t nlen = (size_t)(colon - p);
	const char *v = colon + 1;
	size_t vlen = len - nlen - 1;
	static const struct {
		const char *name;
		size_t off;
	} wanted[] = {
		{"etag", offsetof(fetch_job, r_etag)},
		{"last-modified", offsetof(fetch_job, r_last_modified)},
		{"content-type", offsetof(fetch_job, r_content_type)},
		{"location", offsetof(fetch_job, r_location)},
		{"retry-after", offsetof(fetch_job, r_retry_after)},
		{"content-encoding", offsetof(fetch_job, r_content_encoding)},
	};
	for (size_t i = 0; i < sizeof wanted / sizeof wanted[0]; i++)
		if (strlen(wanted[i].name) == nlen && !strncasecmp(p, wanted[i].name, nlen))
			set_header((char **)((char *)j + wanted[i].off), v, vlen);
	return len;
}

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
	fetch_job *j = ud;
	size_t len = size * n;
	if (len > j->f->o.max_body - j->body.len) {
		j->too_large = 1;
		return 0; /* CURLE_WRITE_ERROR */
	}
	sb_append(&j->body, p, len);
	j->f->bytes += (int64_t)len;
	return len;
}

/* ---- jobs ----------------------------------------------------------- */

static void job_free(fetch_job *j)
{
	if (!j)
		return;
	clear_response(j);
	if (j->easy)
		curl_easy_cleanup(j->easy);
	curl_slist_free_all(j->headers);
	free(j->url);
	free(j->etag);
	free(j->last_modified);
	free(j->range);
	free(j->refused_ip);
	free(j);
}

static void add_header(fetch_job *j, const char *name, const char *value)
{
	if (str_blank(value) || strchr(value, '\r') || strchr(value, '\n'))
		return;
	char *h = xasprintf("%s: %s", name, value);
	struct curl_slist *l = curl_slist_append(j->headers, h);
	free(h);
	if (l)
		j->headers = l;
}

static void job_setopts(fetcher *f, fetch_job *j)
{
	CURL *e = j->easy;
	const fetch_opts *o = &f->o;
	curl_easy_setopt(e, CURLOPT_URL, j->url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, (void *)j);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, j->errbuf);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, (void *)j);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, (void *)j);
	curl_easy_setopt(e, CURLOPT_USERAGENT, f->user_agent);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(e, CURLOPT_MAXREDIRS, (long)o->max_redirects);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, urlrule_curl_protocols(j->allow_file));
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, urlrule_curl_redirect_protocols());
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms);
	if (o->low_speed_limit > 0 && o->low_speed_time > 0) {
		curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, o->low_speed_limit);
		curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, o->low_speed_time);
	}
	if (o->total_timeout_ms > 0)
		curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, o->total_timeout_ms);
	if (!j->partial_ok)
		curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_body);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	if (j->no_private) {
		curl_easy_setopt(e, CURLOPT_PREREQFUNCTION, on_prereq);
		curl_easy_setopt(e, CURLOPT_PREREQDATA, (void *)j);
	}
	add_header(j, "If-None-Match", j->etag);
	add_header(j, "If-Modified-Since", j->last_modified);
	if (j->range)
		curl_easy_setopt(e, CURLOPT_RANGE, j->range);
	if (j->headers)
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, j->headers);
}

static void queue_push(fetcher *f, fetch_job *j)
{
	j->next = NULL;
	if (f->queue_tail)
		f->queue_tail->next = j;
	else
		f->queue_head = j;
	f->queue_tail = j;
	f->n_queued++;
}

static fetch_job *queue_pop(fetcher *f)
{
	fetch_job *j = f->queue_head;
	if (!j)
		return NULL;
	f->queue_head = j->next;
	if (!f->queue_head)
		f->queue_tail = NULL;
	j->next = NULL;
	f->n_queued--;
	return j;
}

static void running_remove(fetcher *f, fetch_job *j)
{
	for (fetch_job **pp = &f->running; *pp; pp = &(*pp)->next) {
		if (*pp == j) {
			*pp = j->next;
			j->next = NULL;
			f->n_running--;
			return;
		}
	}
}

/* ---- completion ----------------------------------------------------- */

/* Hands r to the callback, then frees the job and r's strings. */
static void dispatch(fetcher *f, fetch_job *j, fetch_result *r)
{
	r->url = j->url;
	r->user = j->user;
	r->elapsed_ms = j->started ? (long)(now_ms() - j->started) : 0;
	f->n_done++;
	if (f->done)
		f->done(r, f->ctx);
	free(r->body);
	free(r->etag);
	free(r->last_modified);
	free(r->content_type);
	free(r->final_url);
	free(r->error);
	job_free(j);
}

/* Completes j without a transfer: status 0 and msg (taken). */
static void finish_early(fetcher *f, fetch_job *j, char *msg)
{
	fetch_result r = {0};
	r.final_url = xstrdup(j->url);
	r.error = msg;
	dispatch(f, j, &r);
}

/* The Unix time a Retry-After value (delay-seconds or an HTTP date) names,
 * at most MAX_RETRY_AFTER_S ahead; 0 when it is missing, malformed or
 * already past. */
static int64_t retry_after_time(const char *v)
{
	if (str_blank(v))
		return 0;
	int64_t now = now_s(), when = 0;
	if (isdigit((unsigned char)*v)) {
		char *end;
		errno = 0;
		unsigned long long n = strtoull(v, &end, 10);
		if (*end != '\0')
			return 0;
		when = errno || n > MAX_RETRY_AFTER_S ? now + MAX_RETRY_AFTER_S : now + (int64_t)n;
	} else {
		time_t t = curl_getdate(v, NULL);
		if (t <= 0)
			return 0;
		when = (int64_t)t;
	}
	if (when <= now)
		return 0;
	return when - now > MAX_RETRY_AFTER_S ? now + MAX_RETRY_AFTER_S : when;
}

/* Fills r from a transfer that curl reports as successful. */
static void result_from_response(fetch_job *j, fetch_result *r, long status)
{
	r->status = status;
	r->len = j->body.len;
	r->body = sb_steal(&j->body);
	r->etag = j->r_etag;
	r->last_modified = j->r_last_modified;
	r->content_type = j->r_content_type;
	j->r_etag = j->r_last_modified = j->r_content_type = NULL;
	if (status == 304) {
		r->ok = r->not_modified = 1;
	} else if (status >= 200 && status < 300) {
		r->ok = r->len > 0;
		if (!r->ok)
			r->error = xasprintf("empty response (HTTP %ld)", status);
	} else {
		r->error = fetchi_status_text(j, status);
		if (status == 429 || status == 503)
			r->retry_after = retry_after_time(j->r_retry_after);
	}
}

static void finish_transfer(fetcher *f, fetch_job *j, CURLcode rc)
{
	if (j->host >= 0) {
		fetch_host *h = &f->hosts[j->host];
		h->running--;
		/* Timed out without a status line: the host accepts (or
		 * swallows) connections and never answers. */
		if (rc == CURLE_OPERATION_TIMEDOUT && j->status == 0)
			h->down = 1;
	}
	fetch_result r = {0};
	char *eff = NULL, *scheme = NULL;
	long status = 0, redirects = 0;
	curl_easy_getinfo(j->easy, CURLINFO_EFFECTIVE_URL, &eff);
	curl_easy_getinfo(j->easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(j->easy, CURLINFO_REDIRECT_COUNT, &redirects);
	curl_easy_getinfo(j->easy, CURLINFO_SCHEME, &scheme);
	r.final_url = xstrdup(eff ? eff : j->url);
	r.redirects = (int)redirects;
	if (rc == CURLE_WRITE_ERROR && j->too_large && j->partial_ok && j->body.len)
		rc = CURLE_OK; /* the head of the body is all that was wanted */
	if (rc == CURLE_OK) {
		if (scheme && str_ieq(scheme, "file"))
			status = 200;
		result_from_response(j, &r, status);
		r.permanent = redirects > 0 && j->hops > 0 && j->all_permanent;
	} else {
		r.error = fetchi_error_text(j, rc, r.final_url);
	}
	dispatch(f, j, &r);
}

/* ---- fetcher -------------------------------------------------------- */

fetcher *fetcher_new(const fetch_opts *opts, fetch_done_fn done, void *ctx)
{
	fetch_global_init();
	fetcher *f = xcalloc(1, sizeof *f);
	if (opts)
		f->o = *opts;
	else
		fetch_opts_default(&f->o);
	opts_sanitize(&f->o);
	f->user_agent = xstrdup(f->o.user_agent);
	f->o.user_agent = f->user_agent;
	f->done = done;
	f->ctx = ctx;
	f->multi = curl_multi_init();
	if (!f->multi) {
		free(f->user_agent);
		free(f);
		return NULL;
	}
	curl_multi_setopt(f->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)f->o.max_per_host);
	return f;
}

void fetcher_add(fetcher *f, const fetch_request *req)
{
	fetch_job *j = xcalloc(1, sizeof *j);
	j->f = f;
	j->url = xstrdup(req->url ? req->url : "");
	j->etag = xstrdup(req->etag);
	j->last_modified = xstrdup(req->last_modified);
	j->allow_file = req->allow_file;
	j->range = xstrdup(req->range);
	j->partial_ok = req->partial_ok;
	j->no_private = req->origin && !f->o.allow_private_from_public &&
			origin_is_public(f, req->origin);
	j->user = req->user;
	j->all_permanent = 1;
	j->host = host_index(f, j->url);
	queue_push(f, j);
	f->n_total++;
}

/* Starts one job; returns 1 when it completed at once (callback ran). */
static int start_job(fetcher *f, fetch_job *j)
{
	j->started = now_ms();
	const char *refusal = urlrule_refusal(j->url, j->allow_file);
	if (refusal) {
		finish_early(f, j, xstrdup(refusal));
		return 1;
	}
	char *proxied = proxied_refusal(j);
	if (proxied) {
		finish_early(f, j, proxied);
		return 1;
	}
	if (host_is_invalid_tld(j->url)) {
		long port;
		char *host = fetchi_url_host_port(j->url, &port);
		finish_early(f, j, fetchi_one_line(xasprintf("could not resolve host: %s", host)));
		free(host);
		return 1;
	}
	j->easy = curl_easy_init();
	if (!j->easy) {
		finish_early(f, j, xstrdup(curl_lazy_error() ? curl_lazy_error() : "could not start transfer"));
		return 1;
	}
	job_setopts(f, j);
	if (curl_multi_add_handle(f->multi, j->easy) != CURLM_OK) {
		finish_early(f, j, xstrdup(curl_lazy_error() ? curl_lazy_error() : "could not start transfer"));
		return 1;
	}
	j->next = f->running;
	f->running = j;
	f->n_running++;
	if (j->host >= 0)
		f->hosts[j->host].running++;
	return 0;
}

/* Takes j, which follows prev (NULL: the head), out of the queue. */
static void queue_unlink(fetcher *f, fetch_job *prev, fetch_job *j)
{
	if (prev)
		prev->next = j->next;
	else
		f->queue_head = j->next;
	if (f->queue_tail == j)
		f->queue_tail = prev;
	j->next = NULL;
	f->n_queued--;
}

/* Completes j, queued for a host taken for down, without trying it. */
static void fail_host_down(fetcher *f, fetch_job *j)
{
	j->started = now_ms();
	char *host = xstrdup(f->hosts[j->host].key);
	char *colon = strrchr(host, ':');
	if (colon)
		*colon = '\0';
	finish_early(f, j, fetchi_one_line(xasprintf("not tried: %s did not answer another "
					      "request in time", host)));
	free(host);
}

/* Fills free slots from the queue, first come first served among the
 * jobs whose host has room; fails the jobs of hosts taken for down.
 * Returns how many completed at once. */
static int start_queued(fetcher *f)
{
	int completed = 0;
	fetch_job *prev = NULL, *j = f->queue_head;
	while (j) {
		fetch_job *next = j->next;
		fetch_host *h = j->host >= 0 ? &f->hosts[j->host] : NULL;
		if (h && h->down) {
			queue_unlink(f, prev, j);
			fail_host_down(f, j);
			completed++;
		} else if (f->n_running < f->o.max_parallel &&
			   (!h || h->running < f->o.max_per_host)) {
			queue_unlink(f, prev, j);
			completed += start_job(f, j);
		} else {
			prev = j;
		}
		j = next;
	}
	return completed;
}

/* Dispatches every finished transfer; returns how many. */
static int collect_done(fetcher *f)
{
	int completed = 0, left;
	CURLMsg *m;
	while ((m = curl_multi_info_read(f->multi, &left))) {
		if (m->msg != CURLMSG_DONE)
			continue;
		CURL *e = m->easy_handle;
		CURLcode rc = m->data.result;
		char *priv = NULL;
		curl_easy_getinfo(e, CURLINFO_PRIVATE, &priv);
		fetch_job *j = (fetch_job *)(void *)priv;
		curl_multi_remove_handle(f->multi, e);
		if (!j) {
			curl_easy_cleanup(e);
			continue;
		}
		running_remove(f, j);
		finish_transfer(f, j, rc);
		completed++;
	}
	return completed;
}

int fetcher_step(fetcher *f, int timeout_ms)
{
	int64_t deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	int completed = 0, still = 0;
	for (;;) {
		completed += start_queued(f);
		if (f->n_running == 0)
			break;
		curl_multi_perform(f->multi, &still);
		completed += collect_done(f);
		if (completed) {
			start_queued(f);
			break;
		}
		int64_t left = deadline - now_ms();
		if (left <= 0)
			break;
		curl_multi_poll(f->multi, NULL, 0, (int)left, NULL);
	}
	return f->n_queued + f->n_running;
}

void fetcher_run(fetcher *f)
{
	while (fetcher_step(f, 1000) > 0)
		;
}

void fetcher_progress(const fetcher *f, fetch_progress *p)
{
	p->done = f->n_done;
	p->total = f->n_total;
	p->running = f->n_running;
	p->bytes = f->bytes;
	p->current = f->running ? f->running->url : NULL;
}

void fetcher_free(fetcher *f)
{
	if (!f)
		return;
	while (f->running) {
		fetch_job *j = f->running;
		f->running = j->next;
		curl_multi_remove_handle(f->multi, j->easy);
		job_free(j);
	}
	fetch_job *j;
	while ((j = queue_pop(f)))
		job_free(j);
	curl_multi_cleanup(f->multi);
	for (int i = 0; i < f->nhosts; i++)
		free(f->hosts[i].key);
	free(f->hosts);
	free(f->user_agent);
	free(f);
}
