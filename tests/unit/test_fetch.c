/*
 * test_fetch.c - integration tests of fetch.c against tests/httpd.py.
 *
 * The group setup starts the loopback server on a free port with a fresh
 * temporary document root and request log; the teardown stops it, removes
 * the directory and releases libcurl's globals. Only the loopback server
 * is ever contacted, as 127.0.0.1 or (a second host name for the fairness
 * test) localhost; "nosuch.invalid" never reaches a resolver.
 */
#include "testutil.h"

#include <arpa/inet.h>
#include <ftw.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <curl/curl.h>

#include "config.h"
#include "fetch.h"
#include "urlrule.h"

static char tmpdir[64];
static char rootdir[128];
static char logpath[128];
static pid_t server_pid;
static int server_port;
static char *feed_xml;

/* ---- server fixture ------------------------------------------------- */

static void write_file(const char *dir, const char *name, const char *data)
{
	char *p = xasprintf("%s/%s", dir, name);
	FILE *fp = fopen(p, "w");
	if (!fp)
		fail_msg("cannot write %s", p);
	fputs(data, fp);
	fclose(fp);
	free(p);
}

static void make_root(void)
{
	sbuf b = SBUF_INIT;
	sb_puts(&b, "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel>"
		    "<title>Test feed</title>\n");
	for (int i = 0; i < 40; i++)
		sb_printf(&b, "<item><title>Episode %d</title><guid>ep-%d</guid></item>\n", i, i);
	sb_puts(&b, "</channel></rss>\n");
	feed_xml = sb_steal(&b);
	write_file(rootdir, "feed.xml", feed_xml);
	write_file(rootdir, "plain.txt", "hello, plain\n");
	write_file(rootdir, "empty.txt", "");
}

static int read_port(const char *path)
{
	FILE *fp = fopen(path, "r");
	if (!fp)
		return 0;
	int port = 0;
	if (fscanf(fp, "%d", &port) != 1)
		port = 0;
	fclose(fp);
	return port;
}

static int start_server(void)
{
	char *portfile = xasprintf("%s/port", tmpdir);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		execlp("python3", "python3", "tests/httpd.py", "--root", rootdir, "--port", "0",
		       "--port-file", portfile, "--log", logpath, (char *)NULL);
		_exit(127);
	}
	server_pid = pid;
	for (int i = 0; i < 500 && !server_port; i++) {
		server_port = read_port(portfile);
		if (!server_port)
			usleep(10000);
	}
	free(portfile);
	return server_port ? 0 : -1;
}

static void stop_server(void)
{
	if (server_pid <= 0)
		return;
	kill(server_pid, SIGTERM);
	for (int i = 0; i < 300; i++) {
		if (waitpid(server_pid, NULL, WNOHANG) == server_pid) {
			server_pid = 0;
			return;
		}
		usleep(10000);
	}
	kill(server_pid, SIGKILL);
	waitpid(server_pid, NULL, 0);
	server_pid = 0;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int group_setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/podcue-fetch-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(rootdir, sizeof rootdir, "%s/root", tmpdir);
	snprintf(logpath, sizeof logpath, "%s/requests.log", tmpdir);
	if (mkdir(rootdir, 0700) != 0)
		return -1;
	make_root();
	/* Never route loopback requests through a proxy from the environment. */
	setenv("no_proxy", "127.0.0.1,localhost", 1);
	setenv("NO_PROXY", "127.0.0.1,localhost", 1);
	fetch_global_init();
	return start_server();
}

static int group_teardown(void **state)
{
	(void)state;
	stop_server();
	nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(feed_xml);
	fetch_global_cleanup();
	return 0;
}

/* ---- helpers -------------------------------------------------------- */

static char *url_of(const char *path)
{
	return xasprintf("http://127.0.0.1:%d%s", server_port, path);
}

/* A deep copy of one fetch_result. */
typedef struct got {
	int called;
	long status;
	int ok, not_modified, redirects, permanent;
	char *body;
	size_t len;
	char *etag, *last_modified, *content_type, *final_url, *error;
	long elapsed_ms;
	int64_t retry_after;
	void *user;
} got;

static void got_free(got *g)
{
	free(g->body);
	free(g->etag);
	free(g->last_modified);
	free(g->content_type);
	free(g->final_url);
	free(g->error);
	memset(g, 0, sizeof *g);
}

static void on_done_one(fetch_result *r, void *ctx)
{
	got *g = ctx;
	g->called++;
	g->status = r->status;
	g->ok = r->ok;
	g->not_modified = r->not_modified;
	g->redirects = r->redirects;
	g->permanent = r->permanent;
	g->body = r->body;
	r->body = NULL; /* take ownership */
	g->len = r->len;
	g->etag = xstrdup(r->etag);
	g->last_modified = xstrdup(r->last_modified);
	g->content_type = xstrdup(r->content_type);
	g->final_url = xstrdup(r->final_url);
	g->error = xstrdup(r->error);
	g->elapsed_ms = r->elapsed_ms;
	g->retry_after = r->retry_after;
	g->user = r->user;
}

/* Fetches one request to completion. opts NULL = defaults. */
static void fetch_req(const fetch_opts *o, const fetch_request *req, got *g)
{
	memset(g, 0, sizeof *g);
	fetcher *f = fetcher_new(o, on_done_one, g);
	assert_non_null(f);
	fetcher_add(f, req);
	fetcher_run(f);
	fetcher_free(f);
	assert_int_equal(g->called, 1);
}

static void fetch_path(const fetch_opts *o, const char *path, got *g)
{
	char *url = url_of(path);
	fetch_request req = {.url = url};
	fetch_req(o, &req, g);
	free(url);
}

#define assert_contains(hay, needle)                                            \
	do {                                                                    \
		const char *h_ = (hay);                                         \
		if (!h_ || !strstr(h_, (needle)))                               \
			fail_msg("\"%s\" does not contain \"%s\"", h_ ? h_ : "(null)", \
				 (needle));                                     \
	} while (0)

/* The last server-log line for exactly this request path, or NULL. */
static char *log_last(const char *path)
{
	size_t len;
	char *all = file_read_all(logpath, &len);
	if (!all)
		return NULL;
	char *key = xasprintf("{\"path\": \"%s\"", path);
	char *found = NULL;
	for (char *line = strtok(all, "\n"); line; line = strtok(NULL, "\n"))
		if (str_prefix(line, key, 0)) {
			free(found);
			found = xstrdup(line);
		}
	free(key);
	free(all);
	return found;
}

static double log_num(const char *line, const char *field)
{
	char *key = xasprintf("\"%s\": ", field);
	const char *p = strstr(line, key);
	free(key);
	assert_non_null(p);
	return strtod(p + strlen(field) + 4, NULL);
}

/* ---- tests: plain responses ----------------------------------------- */

static void test_get_200(void **state)
{
	(void)state;
	got g;
	fetch_path(NULL, "/plain.txt", &g);
	assert_true(g.ok);
	assert_int_equal(g.status, 200);
	assert_false(g.not_modified);
	assert_string_equal(g.body, "hello, plain\n");
	assert_int_equal(g.len, 13);
	assert_null(g.error);
	assert_non_null(g.etag);
	assert_non_null(g.last_modified);
	assert_contains(g.content_type, "text/plain");
	assert_int_equal(g.redirects, 0);
	assert_false(g.permanent);
	char *url = url_of("/plain.txt");
	assert_string_equal(g.final_url, url);
	free(url);
	got_free(&g);
}

static void test_etag_roundtrip(void **state)
{
	(void)state;
	got g, g2;
	fetch_path(NULL, "/plain.txt", &g);
	assert_true(g.ok);
	assert_non_null(g.etag);
	char *url = url_of("/plain.txt");
	fetch_request req = {.url = url, .etag = g.etag};
	fetch_req(NULL, &req, &g2);
	assert_int_equal(g2.status, 304);
	assert_true(g2.ok);
	assert_true(g2.not_modified);
	assert_int_equal(g2.len, 0);
	assert_null(g2.error);
	char *line = log_last("/plain.txt");
	assert_non_null(line);
	assert_contains(line, "\"status\": 304");
	/* The etag is quoted, so it appears JSON-escaped: check its inside. */
	char *inner = xstrndup(g.etag + 1, strlen(g.etag) - 2);
	assert_contains(line, inner);
	assert_null(strstr(line, "\"if_none_match\": null"));
	free(inner);
	free(line);
	free(url);
	got_free(&g);
	got_free(&g2);
}

static void test_last_modified_roundtrip(void **state)
{
	(void)state;
	got g, g2;
	fetch_path(NULL, "/plain.txt", &g);
	assert_non_null(g.last_modified);
	char *url = url_of("/plain.txt");
	fetch_request req = {.url = url, .last_modified = g.last_modified};
	fetch_req(NULL, &req, &g2);
	assert_int_equal(g2.status, 304);
	assert_true(g2.ok && g2.not_modified);
	char *line = log_last("/plain.txt");
	assert_non_null(line);
	assert_contains(line, g.last_modified);
	assert_contains(line, "\"if_none_match\": null");
	assert_contains(line, "\"status\": 304");
	free(line);
	free(url);
	got_free(&g);
	got_free(&g2);
}

static void test_gzip_decoded(void **state)
{
	(void)state;
	got g;
	fetch_path(NULL, "/feed.xml", &g);
	assert_true(g.ok);
	assert_int_equal(g.len, strlen(feed_xml));
	assert_string_equal(g.body, feed_xml);
	assert_contains(g.etag, "-gz"); /* the server sent the gzip variant */
	assert_contains(g.content_type, "xml");
	char *line = log_last("/feed.xml");
	assert_non_null(line);
	assert_contains(line, "\"accept_encoding\": \"");
	assert_contains(line, "gzip");
	free(line);
	got_free(&g);
}

static void test_http_errors(void **state)
{
	(void)state;
	got g;
	fetch_path(NULL, "/_/status/404", &g);
	assert_false(g.ok);
	assert_int_equal(g.status, 404);
	assert_string_equal(g.error, "HTTP 404 Not Found");
	got_free(&g);
	fetch_path(NULL, "/_/status/500", &g);
	assert_false(g.ok);
	assert_int_equal(g.status, 500);
	assert_string_equal(g.error, "HTTP 500 Internal Server Error");
	got_free(&g);
	fetch_path(NULL, "/no-such-file.xml", &g);
	assert_string_equal(g.error, "HTTP 404 Not Found");
	got_free(&g);
	fetch_path(NULL, "/empty.txt", &g);
	assert_false(g.ok);
	assert_int_equal(g.status, 200);
	assert_contains(g.error, "empty response");
	got_free(&g);
}

/* ---- tests: redirects ----------------------------------------------- */

static void test_redirect_301_chain(void **state)
{
	(void)state;
	got g;
	fetch_path(NULL, "/_/redirect/301/2/feed.xml", &g);
	assert_true(g.ok);
	assert_int_equal(g.status, 200);
	assert_int_equal(g.redirects, 3); /* N=2, 1, 0, then the file */
	assert_true(g.permanent);
	char *url = url_of("/feed.xml");
	assert_string_equal(g.final_url, url);
	assert_string_equal(g.body, feed_xml);
	got_free(&g);
	fetch_path(NULL, "/_/redirect/308/1/feed.xml", &g);
	assert_true(g.ok && g.permanent);
	assert_int_equal(g.redirects, 2);
	assert_string_equal(g.final_url, url);
	got_free(&g);
	fetch_path(NULL, "/_/redirect/302/2/feed.xml", &g);
	assert_true(g.ok);
	assert_false(g.permanent);
	assert_int_equal(g.redirects, 3);
	got_free(&g);
	free(url);
}

static void test_redirect_mixed(void **state)
{
	(void)state;
	got g;
	fetch_path(NULL, "/_/redirect-mixed/feed.xml", &g);
	assert_true(g.ok);
	assert_int_equal(g.redirects, 2);
	assert_false(g.permanent);
	char *url = url_of("/feed.xml");
	assert_string_equal(g.final_url, url);
	free(url);
	got_free(&g);
}

static void test_redirect_loop(void **state)
{
	(void)state;
	got g;
	fetch_path(NULL, "/_/loop", &g);
	assert_false(g.ok);
	assert_int_equal(g.status, 0);
	assert_string_equal(g.error, "too many redirects (over 8)");
	assert_null(g.body);
	got_free(&g);
	fetch_opts o;
	fetch_opts_default(&o);
	o.max_redirects = 2;
	fetch_path(&o, "/_/redirect/301/5/feed.xml", &g);
	assert_string_equal(g.error, "too many redirects (over 2)");
	got_free(&g);
}

static void test_redirect_to_file_refused(void **state)
{
	(void)state;
	const char *targets[] = {"/_/redirect-to?url=file:///etc/passwd",
				 "/_/redirect-to?url=ftp://127.0.0.1/x",
				 "/_/redirect-to?url=gopher://127.0.0.1:70/1",
				 "/_/redirect-to?url=dict://127.0.0.1/d:x"};
	for (int allow = 0; allow < 2; allow++) {
		for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++) {
			got g;
			char *url = url_of(targets[i]);
			fetch_request req = {.url = url, .allow_file = allow};
			fetch_req(NULL, &req, &g);
			assert_false(g.ok);
			assert_null(g.body);
			assert_contains(g.error, "redirect to a non-HTTP URL refused");
			free(url);
			got_free(&g);
		}
	}
}

/* ---- tests: transport failures -------------------------------------- */

static int closed_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	struct sockaddr_in a = {.sin_family = AF_INET};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t alen = sizeof a;
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &alen), 0);
	close(fd);
	return ntohs(a.sin_port);
}

static void test_connection_refused(void **state)
{
	(void)state;
	int port = closed_port();
	char *url = xasprintf("http://127.0.0.1:%d/feed.xml", port);
	char *want = xasprintf("connection refused (127.0.0.1:%d)", port);
	got g;
	fetch_request req = {.url = url};
	fetch_req(NULL, &req, &g);
	assert_false(g.ok);
	assert_int_equal(g.status, 0);
	assert_string_equal(g.error, want);
	free(want);
	free(url);
	got_free(&g);
}

static void test_dns_failure(void **state)
{
	(void)state;
	got g;
	fetch_request req = {.url = "http://nosuch.invalid/feed.xml"};
	int64_t t0 = now_ms();
	fetch_req(NULL, &req, &g);
	assert_true(now_ms() - t0 < 2000);
	assert_false(g.ok);
	assert_int_equal(g.status, 0);
	assert_string_equal(g.error, "could not resolve host: nosuch.invalid");
	got_free(&g);
}

/* https:// to the plain-HTTP test server: the TLS handshake fails fast
 * with a readable message, and no body is handed back. */
static void test_tls_failure(void **state)
{
	(void)state;
	char *url = xasprintf("https://127.0.0.1:%d/feed.xml", server_port);
	got g;
	fetch_request req = {.url = url};
	int64_t t0 = now_ms();
	fetch_req(NULL, &req, &g);
	assert_true(now_ms() - t0 < 5000);
	assert_false(g.ok);
	assert_int_equal(g.status, 0);
	assert_null(g.body);
	assert_true(str_prefix(g.error, "TLS error: ", 0));
	assert_null(strchr(g.error, '\n'));
	free(url);
	got_free(&g);
}

static void test_hang_low_speed_timeout(void **state)
{
	(void)state;
	fetch_opts o;
	fetch_opts_default(&o);
	o.low_speed_time = 2;
	o.total_timeout_ms = 8000;
	got g;
	int64_t t0 = now_ms();
	fetch_path(&o, "/_/hang", &g);
	int64_t took = now_ms() - t0;
	assert_true(took >= 1500 && took < 5000);
	assert_false(g.ok);
	assert_string_equal(g.error, "timed out: no data for 2 s");
	got_free(&g);
}

static void test_drip_total_timeout(void **state)
{
	(void)state;
	fetch_opts o;
	fetch_opts_default(&o);
	o.total_timeout_ms = 1500;
	got g;
	int64_t t0 = now_ms();
	fetch_path(&o, "/_/drip?bytes=30", &g);
	assert_true(now_ms() - t0 < 4000);
	assert_false(g.ok);
	assert_int_equal(g.status, 0);
	assert_null(g.body);
	assert_string_equal(g.error, "timed out after 1.5 s");
	got_free(&g);
}

static void test_huge_aborted(void **state)
{
	(void)state;
	fetch_opts o;
	fetch_opts_default(&o);
	o.max_body = 1 << 20;
	got g;
	int64_t t0 = now_ms();
	fetch_path(&o, "/_/huge?mb=2000", &g); /* 2 GB if not aborted */
	assert_true(now_ms() - t0 < 3000);
	assert_false(g.ok);
	assert_null(g.body);
	assert_string_equal(g.error, "response too large (over 1 MiB)");
	got_free(&g);
}

static void test_gzip_bomb_aborted(void **state)
{
	(void)state;
	got g;
	/* No clock: the error says decoding stopped at the 64 MiB cap, not
	 * after the body's 1 GiB. */
	fetch_path(NULL, "/_/gzipbomb", &g);
	assert_false(g.ok);
	assert_null(g.body);
	assert_string_equal(g.error, "response too large (over 64 MiB)");
	got_free(&g);
	/* A declared length over the cap is refused before the body. */
	fetch_opts o;
	fetch_opts_default(&o);
	o.max_body = 1000;
	fetch_path(&o, "/_/garbage?bytes=5000", &g); /* Content-Length: 5000 */
	assert_false(g.ok);
	assert_contains(g.error, "response too large (over 1000 bytes)");
	got_free(&g);
}

/* ---- tests: parallelism, queue, progress ---------------------------- */

typedef struct par_ctx {
	int done, ok;
} par_ctx;

static void on_done_count(fetch_result *r, void *ctx)
{
	par_ctx *c = ctx;
	c->done++;
	c->ok += r->ok && r->status == 200;
}

/* Most requests the server was handling at once, from the t0/t1 of every
 * logged request whose path contains tag. */
static int server_max_overlap(const char *tag, int *count)
{
	size_t len;
	char *all = file_read_all(logpath, &len);
	assert_non_null(all);
	double t0[64], t1[64];
	int n = 0;
	for (char *line = strtok(all, "\n"); line; line = strtok(NULL, "\n")) {
		if (!strstr(line, tag) || n == 64)
			continue;
		t0[n] = log_num(line, "t0");
		t1[n] = log_num(line, "t1");
		n++;
	}
	free(all);
	int best = 0;
	for (int i = 0; i < n; i++) {
		int at = 0;
		for (int k = 0; k < n; k++)
			at += t0[k] <= t0[i] && t0[i] < t1[k];
		if (at > best)
			best = at;
	}
	*count = n;
	return best;
}

static void test_parallel_limit(void **state)
{
	(void)state;
	fetch_opts o;
	fetch_opts_default(&o);
	o.max_parallel = 4;
	o.max_per_host = 8; /* so max_parallel is what limits */
	par_ctx c = {0};
	fetcher *f = fetcher_new(&o, on_done_count, &c);
	for (int i = 0; i < 20; i++) {
		char *url = url_of("/_/delay?ms=200&tag=par4&i=");
		char *u2 = xasprintf("%s%d", url, i);
		fetch_request req = {.url = u2};
		fetcher_add(f, &req);
		free(u2);
		free(url);
	}
	int max_running = 0, pending;
	fetch_progress p;
	int64_t t0 = now_ms();
	do {
		pending = fetcher_step(f, 20);
		fetcher_progress(f, &p);
		if (p.running > max_running)
			max_running = p.running;
		assert_true(p.running == 0 || p.current != NULL);
	} while (pending > 0);
	int64_t took = now_ms() - t0;
	assert_int_equal(c.done, 20);
	assert_int_equal(c.ok, 20);
	assert_int_equal(p.done, 20);
	assert_int_equal(p.total, 20);
	assert_int_equal(p.running, 0);
	assert_null(p.current);
	assert_true(p.bytes > 0);
	assert_int_equal(max_running, 4);
	/* 5 waves of 200 ms; all at once would be ~200 ms, one by one 4 s. */
	assert_true(took >= 900 && took < 3000);
	int n, overlap = server_max_overlap("tag=par4&", &n);
	assert_int_equal(n, 20);
	assert_true(overlap <= 4);
	assert_true(overlap >= 3);
	fetcher_free(f);
}

/* Completion times of the fairness test: healthy (127.0.0.1) and dead
 * (localhost) requests. */
typedef struct fair_ctx {
	int64_t t0, healthy_last, dead_last;
	int healthy_ok, timed_out, not_tried;
} fair_ctx;

static void on_done_fair(fetch_result *r, void *ctx)
{
	fair_ctx *c = ctx;
	int64_t t = now_ms() - c->t0;
	if (strstr(r->url, "localhost")) {
		c->dead_last = t;
		c->timed_out += r->error && str_prefix(r->error, "timed out", 0);
		c->not_tried += r->error && str_prefix(r->error, "not tried: localhost", 0);
	} else {
		c->healthy_last = t;
		c->healthy_ok += r->ok;
	}
}

/* Six requests to a host that never answers, queued first, hold two
 * slots (max_per_host), not all of them: the four to a healthy host pass
 * them and finish at once. Once the first two time out without an answer,
 * the host is down and the other four fail without a try: the whole run
 * is one timeout. */
static void test_host_fairness(void **state)
{
	(void)state;
	fetch_opts o;
	fetch_opts_default(&o);
	o.max_parallel = 4;
	o.max_per_host = 2;
	o.low_speed_time = 2;
	fair_ctx c = {.t0 = now_ms()};
	fetcher *f = fetcher_new(&o, on_done_fair, &c);
	for (int i = 0; i < 10; i++) {
		char *url = i < 6 ? xasprintf("http://localhost:%d/_/hang?i=%d", server_port, i)
				  : xasprintf("http://127.0.0.1:%d/_/delay?ms=100&i=%d", server_port, i);
		fetch_request req = {.url = url};
		fetcher_add(f, &req);
		free(url);
	}
	fetcher_run(f);
	fetcher_free(f);
	assert_int_equal(c.healthy_ok, 4);
	assert_true(c.healthy_last < 1500);
	assert_int_equal(c.timed_out, 2);
	assert_int_equal(c.not_tried, 4);
	assert_true(c.dead_last >= 1500 && c.dead_last < 3500);
}

/* Retry-After on 429 and 503, in seconds or as a date, becomes a time;
 * without it, or on another status, there is none. */
static void test_retry_after(void **state)
{
	(void)state;
	got g;
	int64_t now = now_s();
	fetch_path(NULL, "/_/retry-after/429?after=30", &g);
	assert_false(g.ok);
	assert_int_equal(g.status, 429);
	assert_true(g.retry_after >= now + 29 && g.retry_after <= now + 31);
	got_free(&g);
	fetch_path(NULL, "/_/retry-after/503?date=600", &g);
	assert_true(g.retry_after >= now + 598 && g.retry_after <= now + 602);
	got_free(&g);
	fetch_path(NULL, "/_/retry-after/429?after=99999999", &g);
	assert_true(g.retry_after <= now + 7 * 24 * 3600 + 2); /* capped at a week */
	got_free(&g);
	fetch_path(NULL, "/_/retry-after/429?after=soon", &g);
	assert_int_equal(g.retry_after, 0);
	got_free(&g);
	fetch_path(NULL, "/_/retry-after/500?after=30", &g);
	assert_int_equal(g.retry_after, 0);
	got_free(&g);
	fetch_path(NULL, "/_/status/503", &g);
	assert_int_equal(g.retry_after, 0);
	got_free(&g);
}

static void on_done_never(fetch_result *r, void *ctx)
{
	(void)r;
	(void)ctx;
	fail_msg("callback after fetcher_free");
}

static void test_free_aborts_pending(void **state)
{
	(void)state;
	fetch_opts o;
	fetch_opts_default(&o);
	o.max_parallel = 2;
	fetcher *f = fetcher_new(&o, on_done_never, NULL);
	char *url = url_of("/_/hang");
	fetch_request req = {.url = url, .etag = "\"x\"", .last_modified = "y"};
	for (int i = 0; i < 5; i++)
		fetcher_add(f, &req);
	free(url);
	int64_t t0 = now_ms();
	assert_int_equal(fetcher_step(f, 150), 5);
	int64_t took = now_ms() - t0;
	assert_true(took >= 100 && took < 1000); /* honours the timeout */
	fetch_progress p;
	fetcher_progress(f, &p);
	assert_int_equal(p.running, 2);
	assert_int_equal(p.total, 5);
	assert_int_equal(p.done, 0);
	assert_non_null(p.current);
	fetcher_free(f);
	fetcher_free(NULL);
}

/* The callback may add more requests; they run in the same fetcher_run. */
static void on_done_chain(fetch_result *r, void *ctx)
{
	int *n = ctx;
	(*n)++;
	fetcher *f = r->user;
	if (*n < 3) {
		fetch_request req = {.url = r->url, .user = f};
		fetcher_add(f, &req);
	}
}

static void test_add_from_callback(void **state)
{
	(void)state;
	int n = 0;
	fetcher *f = fetcher_new(NULL, on_done_chain, &n);
	char *url = url_of("/plain.txt");
	fetch_request req = {.url = url, .user = f};
	fetcher_add(f, &req);
	free(url);
	fetcher_run(f);
	assert_int_equal(n, 3);
	fetcher_free(f);
}

/* ---- tests: schemes and files --------------------------------------- */

static void test_unsupported_scheme(void **state)
{
	(void)state;
	const char *urls[] = {"ftp://127.0.0.1/feed.xml", "gopher://127.0.0.1/", "feed.xml",
			      "data:text/plain,hi"};
	for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++) {
		got g;
		fetch_request req = {.url = urls[i], .allow_file = 1};
		fetch_req(NULL, &req, &g);
		assert_false(g.ok);
		assert_int_equal(g.status, 0);
		assert_string_equal(g.error, "unsupported URL scheme");
		assert_string_equal(g.final_url, urls[i]);
		got_free(&g);
	}
	const char *bad[] = {"http://", "http:///feed.xml", "http://127.0.0.1/a b"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		got g;
		fetch_request req = {.url = bad[i]};
		fetch_req(NULL, &req, &g);
		assert_false(g.ok);
		assert_contains(g.error, "malformed URL (");
		got_free(&g);
	}
}

static void test_file_url(void **state)
{
	(void)state;
	char *url = xasprintf("file://%s/feed.xml", rootdir);
	got g;
	fetch_request req = {.url = url, .allow_file = 1, .user = &g};
	fetch_req(NULL, &req, &g);
	assert_true(g.ok);
	assert_int_equal(g.status, 200);
	assert_ptr_equal(g.user, &g);
	assert_string_equal(g.body, feed_xml);
	got_free(&g);

	req.allow_file = 0;
	fetch_req(NULL, &req, &g);
	assert_false(g.ok);
	assert_int_equal(g.status, 0);
	assert_string_equal(g.error, "unsupported URL scheme");
	got_free(&g);
	free(url);

	url = xasprintf("file://%s/missing.xml", rootdir);
	char *want = xasprintf("file not found: %s/missing.xml", rootdir);
	req.url = url;
	req.allow_file = 1;
	fetch_req(NULL, &req, &g);
	assert_false(g.ok);
	assert_string_equal(g.error, want);
	got_free(&g);
	free(want);
	free(url);
}

static void test_url_allowed_table(void **state)
{
	(void)state;
	static const struct {
		const char *url;
		int plain, with_file;
	} t[] = {
		{"http://example.com/feed", 1, 1},
		{"https://example.com/feed", 1, 1},
		{"HTTP://EXAMPLE.COM/", 1, 1},
		{"HtTpS://x", 1, 1},
		{"file:///home/u/feed.xml", 0, 1},
		{"FILE:///tmp/x.xml", 0, 1},
		{"file://", 0, 0},
		{"ftp://example.com/x", 0, 0},
		{"gopher://example.com/", 0, 0},
		{"dict://example.com/", 0, 0},
		{"data:text/plain,hi", 0, 0},
		{"av://v4l2:/dev/video0", 0, 0},
		{"lavfi:sine", 0, 0},
		{"lavfi", 0, 0},
		{"lavfi://sine", 0, 0},
		{"edl://a.mp3,0,10;b.mp3", 0, 0},
		{"memory://#EXTM3U", 0, 0},
		{"fd://0", 0, 0},
		{"smb://host/share", 0, 0},
		{"javascript:alert(1)", 0, 0},
		{"/etc/passwd", 0, 0},
		{"feed.xml", 0, 0},
		{"//example.com/x", 0, 0},
		{"http:/example.com", 0, 0},
		{"http://", 0, 0},
		{"http:///path", 0, 0},
		{" http://example.com/", 0, 0},
		{"http://example.com/a b", 0, 0},
		{"http://example.com/\r\nX: y", 0, 0},
		{"httpx://example.com/", 0, 0},
		{"", 0, 0},
		{NULL, 0, 0},
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		if (urlrule_fetchable(t[i].url, 0) != t[i].plain ||
		    urlrule_fetchable(t[i].url, 1) != t[i].with_file)
			fail_msg("urlrule_fetchable(\"%s\") wrong", t[i].url ? t[i].url : "NULL");
	}
}

static void test_opts_default(void **state)
{
	(void)state;
	fetch_opts o;
	fetch_opts_default(&o);
	assert_int_equal(o.max_parallel, 8);
	assert_int_equal(o.max_per_host, 4);
	assert_int_equal(o.connect_timeout_ms, 10000);
	assert_int_equal(o.low_speed_limit, 10);
	assert_int_equal(o.low_speed_time, 20);
	assert_int_equal(o.total_timeout_ms, 120000);
	assert_int_equal(o.max_body, 64u << 20);
	assert_int_equal(o.max_redirects, 8);
	assert_true(str_prefix(o.user_agent, "podcue/", 0));
	/* The same version as the user_agent setting's default (version.h). */
	config c;
	config_defaults(&c);
	assert_string_equal(o.user_agent, c.user_agent);
	config_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_opts_default),
		cmocka_unit_test(test_url_allowed_table),
		cmocka_unit_test(test_get_200),
		cmocka_unit_test(test_etag_roundtrip),
		cmocka_unit_test(test_last_modified_roundtrip),
		cmocka_unit_test(test_gzip_decoded),
		cmocka_unit_test(test_http_errors),
		cmocka_unit_test(test_redirect_301_chain),
		cmocka_unit_test(test_redirect_mixed),
		cmocka_unit_test(test_redirect_loop),
		cmocka_unit_test(test_redirect_to_file_refused),
		cmocka_unit_test(test_connection_refused),
		cmocka_unit_test(test_dns_failure),
		cmocka_unit_test(test_tls_failure),
		cmocka_unit_test(test_hang_low_speed_timeout),
		cmocka_unit_test(test_host_fairness),
		cmocka_unit_test(test_retry_after),
		cmocka_unit_test(test_drip_total_timeout),
		cmocka_unit_test(test_huge_aborted),
		cmocka_unit_test(test_gzip_bomb_aborted),
		cmocka_unit_test(test_parallel_limit),
		cmocka_unit_test(test_free_aborts_pending),
		cmocka_unit_test(test_add_from_callback),
		cmocka_unit_test(test_unsupported_scheme),
		cmocka_unit_test(test_file_url),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
