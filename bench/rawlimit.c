/*
 * rawlimit.c - the least work a feed refresh can do, as a yardstick for
 * podcue's refresh in `make bench`.
 *
 *   build/bench/rawlimit [-j N] URLS.txt DB
 *
 * Fetches every URL in URLS.txt (one per line) over one libcurl multi handle,
 * N transfers at once (default 8, gzip accepted, connections reused), parses
 * each body with libxml2's xmlReadMemory as soon as it arrives, walks the
 * channel's <item>s for title, guid and enclosure url, and inserts them into
 * a fresh SQLite database DB with one prepared statement inside a single
 * transaction. No conditional GET, no show notes, no chapters: that is the
 * point. Prints one summary line on stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <sqlite3.h>

struct xfer {
	char *url;
	char *buf;
	size_t len, cap;
};

struct totals {
	sqlite3_stmt *ins;
	long feeds, items, failed;
	double bytes;
};

static void die(const char *what, const char *msg)
{
	fprintf(stderr, "rawlimit: %s: %s\n", what, msg);
	exit(1);
}

static size_t on_data(char *p, size_t sz, size_t nm, void *ud)
{
	struct xfer *x = ud;
	size_t n = sz * nm;
	if (x->len + n + 1 > x->cap) {
		size_t cap = x->cap ? x->cap : 65536;
		while (cap < x->len + n + 1)
			cap *= 2;
		char *b = realloc(x->buf, cap);
		if (!b)
			return 0;
		x->buf = b;
		x->cap = cap;
	}
	memcpy(x->buf + x->len, p, n);
	x->len += n;
	return n;
}

static const xmlNode *child(const xmlNode *n, const char *name)
{
	for (const xmlNode *c = n ? n->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && !c->ns && strcmp((const char *)c->name, name) == 0)
			return c;
	return NULL;
}

static void parse_and_store(struct totals *t, const struct xfer *x)
{
	xmlDoc *doc = xmlReadMemory(x->buf, (int)x->len, x->url, NULL,
				    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc) {
		t->failed++;
		return;
	}
	const xmlNode *chan = child(xmlDocGetRootElement(doc), "channel");
	for (const xmlNode *it = chan ? chan->children : NULL; it; it = it->next) {
		if (it->type != XML_ELEMENT_NODE || it->ns || strcmp((const char *)it->name, "item"))
			continue;
		xmlChar *title = NULL, *guid = NULL, *enc = NULL;
		const xmlNode *c;
		if ((c = child(it, "title")))
			title = xmlNodeGetContent(c);
		if ((c = child(it, "guid")))
			guid = xmlNodeGetContent(c);
		if ((c = child(it, "enclosure")))
			enc = xmlGetProp(c, (const xmlChar *)"url");
		sqlite3_bind_text(t->ins, 1, x->url, -1, SQLITE_STATIC);
		sqlite3_bind_text(t->ins, 2, (const char *)guid, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(t->ins, 3, (const char *)title, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(t->ins, 4, (const char *)enc, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(t->ins) != SQLITE_DONE)
			die("insert", sqlite3_errmsg(sqlite3_db_handle(t->ins)));
		sqlite3_reset(t->ins);
		xmlFree(title);
		xmlFree(guid);
		xmlFree(enc);
		t->items++;
	}
	xmlFreeDoc(doc);
	t->feeds++;
}

static CURL *make_easy(struct xfer *x)
{
	CURL *e = curl_easy_init();
	if (!e)
		die("curl", "curl_easy_init failed");
	curl_easy_setopt(e, CURLOPT_URL, x->url);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "gzip");
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(e, CURLOPT_PRIVATE, x);
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "podcue-rawlimit/1");
	return e;
}

static char **read_lines(const char *path, size_t *n)
{
	FILE *f = fopen(path, "r");
	if (!f)
		die(path, "cannot open");
	char **v = NULL;
	size_t cap = 0;
	*n = 0;
	char line[4096];
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0])
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			v = realloc(v, cap * sizeof *v);
			if (!v)
				die("read", "out of memory");
		}
		v[(*n)++] = strdup(line);
	}
	fclose(f);
	return v;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	long jobs = 8;
	int ai = 1;
	if (argc > 2 && strcmp(argv[1], "-j") == 0) {
		jobs = strtol(argv[2], NULL, 10);
		ai = 3;
	}
	if (argc - ai != 2 || jobs < 1) {
		fprintf(stderr, "usage: rawlimit [-j N] URLS.txt DB\n");
		return 2;
	}
	double t0 = now_s();
	size_t n;
	char **urls = read_lines(argv[ai], &n);

	sqlite3 *db;
	if (sqlite3_open(argv[ai + 1], &db) != SQLITE_OK)
		die(argv[ai + 1], sqlite3_errmsg(db));
	char *err = NULL;
	if (sqlite3_exec(db,
			 "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
			 "CREATE TABLE IF NOT EXISTS episode(id INTEGER PRIMARY KEY, feed TEXT,"
			 " guid TEXT, title TEXT, enclosure TEXT, UNIQUE(feed, guid));"
			 "BEGIN;",
			 NULL, NULL, &err) != SQLITE_OK)
		die("schema", err);
	struct totals t = {0};
	if (sqlite3_prepare_v2(db,
			       "INSERT OR REPLACE INTO episode(feed, guid, title, enclosure)"
			       " VALUES(?, ?, ?, ?)",
			       -1, &t.ins, NULL) != SQLITE_OK)
		die("prepare", sqlite3_errmsg(db));

	xmlInitParser();
	curl_global_init(CURL_GLOBAL_DEFAULT);
	CURLM *m = curl_multi_init();
	curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, jobs);
	curl_multi_setopt(m, CURLMOPT_MAX_HOST_CONNECTIONS, jobs);
	struct xfer *xs = calloc(n ? n : 1, sizeof *xs);
	size_t next = 0;
	long running_n = 0;
	while (next < n && running_n < jobs) {
		xs[next].url = urls[next];
		curl_multi_add_handle(m, make_easy(&xs[next]));
		next++;
		running_n++;
	}
	while (running_n > 0) {
		int still;
		curl_multi_perform(m, &still);
		CURLMsg *msg;
		int left;
		while ((msg = curl_multi_info_read(m, &left))) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			CURL *e = msg->easy_handle;
			CURLcode res = msg->data.result; /* msg dies with the handle */
			struct xfer *x;
			long code = 0;
			curl_easy_getinfo(e, CURLINFO_PRIVATE, (char **)&x);
			curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
			curl_multi_remove_handle(m, e);
			curl_easy_cleanup(e);
			running_n--;
			/* start the next transfer before parsing, so the server works
			 * while we do */
			if (next < n) {
				xs[next].url = urls[next];
				curl_multi_add_handle(m, make_easy(&xs[next]));
				next++;
				running_n++;
				curl_multi_perform(m, &still);
			}
			if (res == CURLE_OK && code == 200) {
				t.bytes += (double)x->len;
				parse_and_store(&t, x);
			} else {
				t.failed++;
			}
			free(x->buf);
			x->buf = NULL;
		}
		if (running_n > 0)
			curl_multi_poll(m, NULL, 0, 100, NULL);
	}
	curl_multi_cleanup(m);
	curl_global_cleanup();
	sqlite3_finalize(t.ins);
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, &err) != SQLITE_OK)
		die("commit", err);
	sqlite3_close(db);
	xmlCleanupParser();
	for (size_t i = 0; i < n; i++)
		free(urls[i]);
	free(urls);
	free(xs);
	fprintf(stderr, "rawlimit: %ld feeds, %ld items, %.1f MB decoded, %ld failed, %.3f s\n",
		t.feeds, t.items, t.bytes / 1e6, t.failed, now_s() - t0);
	return t.failed ? 1 : 0;
}
