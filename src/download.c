/*
 * download.c - the downloader (see download.h): jobs on one libcurl multi
 * handle, each writing NAME.part, checked and renamed when complete.
 *
 * A job decides what to do with the body at its first byte, when the
 * final response's headers are known: a 206 must continue exactly where
 * the partial file ends (else the transfer is abandoned and the partial
 * kept), a 200 truncates the partial file and starts over (so a file never
 * mixes two versions), anything else is an error. The response's
 * validator is stored before the first byte is written, so a process
 * killed mid-transfer resumes against the right version.
 */
#include "download.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <curl/curl.h>

#include "chapfetch.h"
#include "curl_lazy.h"
#include "fetch.h"
#include "log.h"
#include "paths.h"
#include "urlrule.h"
#include "util.h"

#define PROGRESS_SAVE_MS 1000
#define MAX_PER_HOST 2
#define DL_BUFFER (256 * 1024)
#define WRITEBACK_STEP (8 << 20)

typedef struct dl_job {
	struct dl_job *next;
	downloader *dl;
	int64_t id;
	char *url, *path, *part, *validator;
	char *host;          /* of url, lower case ("" when it does not parse) */
	int64_t resume_from; /* bytes of the .part asked to continue, 0 = fresh */
	FILE *fp;
	int lockfd;  /* the .part, locked while this process downloads it */
	CURL *easy;
	struct curl_slist *headers;
	int running;
	/* the latest response's head */
	long status;
	int64_t clen, cr_start, cr_total; /* -1 = absent */
	char *r_etag, *r_last_modified;
	int decided;
	int locked_out; /* another process holds the .part: leave its row alone */
	int64_t bytes, total;
	int64_t flushed; /* bytes whose writeback was started */
	char *error;
	int64_t saved_ms;
	char errbuf[CURL_ERROR_SIZE];
} dl_job;

struct downloader {
	db *d;
	const config *c;
	download_fn fn;
	void *ctx;
	CURLM *multi;
	dl_job *jobs; /* queued and running, in order added */
	int n_running;
	int n_done, n_failed;
	int64_t received;
	char *ua;
};

/* ---- events and the cache --------------------------------------------- */

static void emit(dl_job *j, int state, const char *msg)
{
	if (!j->dl->fn)
		return;
	download_event ev = {j->id, state, j->bytes, j->total, j->path, msg};
	j->dl->fn(&ev, j->dl->ctx);
}

/* Writes the whole row as the job stands. */
static void save_row(dl_job *j, int state, const char *error)
{
	db_download r = {j->id, state, j->bytes, j->total, j->path, (char *)error,
			 j->url, j->validator};
	if (db_download_save(j->dl->d, &r) < 0)
		log_msg("download", "cannot save download %" PRId64 ": %s", j->id,
			db_errmsg(j->dl->d));
}

static void note(dl_job *j, const char *msg)
{
	log_msg("download", "episode %" PRId64 ": %s", j->id, msg);
	emit(j, DL_RUNNING, msg);
}

/* Sets the job's error (first one wins) and aborts the transfer (the
 * write callback returns 0). */
static size_t fail_job(dl_job *j, char *msg)
{
	if (!j->error)
		j->error = msg;
	else
		free(msg);
	return 0;
}

/* ---- headers ---------------------------------------------------------- */

static void reset_head(dl_job *j)
{
	j->status = 0;
	j->clen = j->cr_start = j->cr_total = -1;
	free(j->r_etag);
	free(j->r_last_modified);
	j->r_etag = j->r_last_modified = NULL;
}

static char *header_value(const char *v, size_t n)
{
	char *raw = xstrndup(v, n > 4096 ? 4096 : n);
	char *t = str_trim_dup(raw);
	free(raw);
	return t;
}

static int64_t parse_i64(const char *s, const char **end)
{
	int64_t v = 0;
	const char *p = s;
	while (isdigit((unsigned char)*p) && v < INT64_MAX / 10)
		v = v * 10 + (*p++ - '0');
	*end = p;
	return p == s ? -1 : v;
}

/* "bytes A-B/T" (T may be "*"), or "bytes * /T" (a 416's size of the
 * whole file: then cr_start stays -1). */
static void parse_content_range(dl_job *j, const char *v)
{
	const char *p;
	if (strncasecmp(v, "bytes ", 6))
		return;
	if (!strncmp(v + 6, "*/", 2)) {
		j->cr_total = parse_i64(v + 8, &p);
		return;
	}
	int64_t a = parse_i64(v + 6, &p);
	if (a < 0 || *p != '-')
		return;
	int64_t b = parse_i64(p + 1, &p);
	if (b < a || *p != '/')
		return;
	j->cr_start = a;
	j->cr_total = p[1] == '*' ? -1 : parse_i64(p + 1, &p);
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
	dl_job *j = ud;
	size_t len = size * n;
	if (len >= 5 && !memcmp(p, "HTTP/", 5)) {
		reset_head(j);
		const char *sp = memchr(p, ' ', len);
		if (sp && (size_t)(sp - p) + 4 <= len)
			j->status = strtol(sp + 1, NULL, 10);
		return len;
	}
	const char *colon = memchr(p, ':', len);
	if (!colon)
		return len;
	size_t nl = (size_t)(colon - p);
	char *v = header_value(colon + 1, len - nl - 1);
	const char *end;
	if (nl == 14 && !strncasecmp(p, "content-length", nl)) {
		j->clen = parse_i64(v, &end);
	} else if (nl == 13 && !strncasecmp(p, "content-range", nl)) {
		parse_content_range(j, v);
	} else if (nl == 4 && !strncasecmp(p, "etag", nl)) {
		free(j->r_etag);
		j->r_etag = v;
		v = NULL;
	} else if (nl == 13 && !strncasecmp(p, "last-modified", nl)) {
		free(j->r_last_modified);
		j->r_last_modified = v;
		v = NULL;
	}
	free(v);
	return len;
}

/* ---- the body --------------------------------------------------------- */

static int64_t cap_bytes(const dl_job *j)
{
	return (int64_t)j->dl->c->max_download_mb << 20;
}

/* Free bytes on the file system of path, or -1 when unknown. */
static int64_t free_space(const char *path)
{
	struct statvfs sv;
	if (statvfs(path, &sv) != 0)
		return -1;
	return (int64_t)sv.f_bavail * (int64_t)sv.f_frsize;
}

static char *mib_text(int64_t n)
{
	return xasprintf("%.1f MiB", (double)n / (1 << 20));
}

/* The validator a later resume sends as If-Range: a strong ETag, else
 * Last-Modified, else none (then a resume starts over). */
static char *validator_of(const dl_job *j)
{
	if (j->r_etag && strncmp(j->r_etag, "W/", 2))
		return xstrdup(j->r_etag);
	return xstrdup(j->r_last_modified);
}

/* Checks the space left for what remains; 0 or an error message. */
static char *space_error(dl_job *j)
{
	if (j->total < 0)
		return NULL;
	char *dir = xstrdup(j->part);
	*strrchr(dir, '/') = '\0';
	int64_t avail = free_space(dir);
	free(dir);
	int64_t need = j->total - j->bytes;
	if (avail < 0 || avail >= need)
		return NULL;
	char *a = mib_text(need), *b = mib_text(avail);
	char *msg = xasprintf("not enough free space: %s needed, %s free", a, b);
	free(a);
	free(b);
	return msg;
}

/* The first byte of the final response: continue, restart or refuse. */
static int decide(dl_job *j)
{
	j->decided = 1;
	if (j->status == 206) {
		if (!j->resume_from || j->cr_start != j->resume_from) {
			fail_job(j, xasprintf("server sent a range that does not continue the "
					      "file (asked from byte %" PRId64 ")", j->resume_from));
			return -1;
		}
		j->total = j->cr_total;
		j->fp = fopen(j->part, "ab");
	} else if (j->status == 200) {
		if (j->resume_from)
			note(j, "the server sent the whole file (no range support, or the file "
				"changed): starting over from 0");
		j->resume_from = 0;
		j->bytes = 0;
		j->total = j->clen;
		j->fp = fopen(j->part, "wb");
		free(j->validator);
		j->validator = validator_of(j);
		save_row(j, DL_RUNNING, NULL); /* the validator first */
	} else {
		fail_job(j, xasprintf("HTTP %ld", j->status));
		return -1;
	}
	if (!j->fp) {
		fail_job(j, xasprintf("cannot write %s: %s", j->part, strerror(errno)));
		return -1;
	}
	/* libcurl hands over DL_BUFFER at a time: each is one write(2), not
	 * copied through a 4 KiB stdio buffer first. */
	setvbuf(j->fp, NULL, _IONBF, 0);
	j->flushed = j->resume_from;
	if (j->total > cap_bytes(j)) {
		char *c = mib_text(cap_bytes(j));
		fail_job(j, xasprintf("file too large (over %s, max_download_mb)", c));
		free(c);
		return -1;
	}
	char *why = space_error(j);
	if (why) {
		fail_job(j, why);
		return -1;
	}
	return 0;
}

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
	dl_job *j = ud;
	size_t len = size * n;
	if (j->status == 416 && j->resume_from)
		return len; /* judged at the end (job_finish) */
	if (!j->decided && decide(j) != 0)
		return 0;
	if (j->bytes + (int64_t)len > cap_bytes(j) ||
	    (j->total >= 0 && j->bytes + (int64_t)len > j->total))
		return fail_job(j, j->bytes + (int64_t)len > cap_bytes(j)
					   ? xstrdup("file too large (max_download_mb)")
					   : xstrdup("server sent more than it announced"));
	if (fwrite(p, 1, len, j->fp) != len) {
		int e = errno;
		return fail_job(j, e == ENOSPC ? xstrdup("disk full (the partial file is kept)")
					       : xasprintf("cannot write %s: %s", j->part,
							   strerror(e)));
	}
	j->bytes += (int64_t)len;
	j->dl->received += (int64_t)len;
	/* Start the disk writes as the file grows, so that the fsync before
	 * the rename has little left to wait for (and dirty pages do not pile
	 * up in memory); asynchronous, errors surface at that fsync. */
	if (j->bytes - j->flushed >= WRITEBACK_STEP) {
		sync_file_range(fileno(j->fp), j->flushed, j->bytes - j->flushed,
				SYNC_FILE_RANGE_WRITE);
		j->flushed = j->bytes;
	}
	int64_t now = now_ms();
	if (now - j->saved_ms >= PROGRESS_SAVE_MS) {
		j->saved_ms = now;
		fflush(j->fp);
		db_download_progress(j->dl->d, j->id, DL_RUNNING, j->bytes, j->total);
	}
	return len;
}

/* ---- jobs ------------------------------------------------------------- */

static void job_free(dl_job *j)
{
	if (!j)
		return;
	if (j->easy) {
		curl_multi_remove_handle(j->dl->multi, j->easy);
		curl_easy_cleanup(j->easy);
	}
	if (j->fp)
		fclose(j->fp);
	if (j->lockfd >= 0)
		close(j->lockfd);
	curl_slist_free_all(j->headers);
	reset_head(j);
	free(j->url);
	free(j->host);
	free(j->path);
	free(j->part);
	free(j->validator);
	free(j->error);
	free(j);
}

static void unlink_job(downloader *dl, dl_job *j)
{
	for (dl_job **pp = &dl->jobs; *pp; pp = &(*pp)->next)
		if (*pp == j) {
			*pp = j->next;
			break;
		}
	if (j->running)
		dl->n_running--;
}

static void add_header(dl_job *j, const char *h)
{
	struct curl_slist *l = curl_slist_append(j->headers, h);
	if (l)
		j->headers = l;
}

/* Size of the partial file, 0 when there is none. */
static int64_t part_size(const char *part)
{
	struct stat st;
	return stat(part, &st) == 0 && S_ISREG(st.st_mode) ? (int64_t)st.st_size : 0;
}

static void job_setopts(dl_job *j)
{
	const config *c = j->dl->c;
	CURL *e = j->easy;
	curl_easy_setopt(e, CURLOPT_URL, j->url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, (void *)j);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, j->errbuf);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, (void *)j);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, (void *)j);
	curl_easy_setopt(e, CURLOPT_USERAGENT, j->dl->ua);
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(e, CURLOPT_MAXREDIRS, (long)c->max_redirects);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, urlrule_curl_protocols(0));
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, urlrule_curl_redirect_protocols());
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)c->connect_timeout * 1000);
	/* The stall guard; no limit on the whole transfer, which may be long. */
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, (long)c->stall_timeout);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	/* Larger reads than libcurl's 16 KiB: a quarter of the callbacks
	 * and write calls of curl's own tool (100 KiB), fewer than that on a
	 * fast link (bench/download.sh). */
	curl_easy_setopt(e, CURLOPT_BUFFERSIZE, (long)DL_BUFFER);
	/* Audio does not compress; a decoded length would not match the
	 * announced one, and a range of a compressed body is no range of the
	 * file. */
	add_header(j, "Accept-Encoding: identity");
	if (j->resume_from > 0) {
		char *r = xasprintf("%" PRId64 "-", j->resume_from);
		curl_easy_setopt(e, CURLOPT_RANGE, r);
		free(r);
		char *h = xasprintf("If-Range: %s", j->validator);
		add_header(j, h);
		free(h);
	}
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, j->headers);
}

/* Locks the partial file (creating it) so that another podcue never
 * writes it at the same time; -1 with j->error set. */
static int lock_part(dl_job *j)
{
	j->lockfd = open(j->part, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (j->lockfd < 0) {
		j->error = xasprintf("cannot write %s: %s", j->part, strerror(errno));
		return -1;
	}
	if (flock(j->lockfd, LOCK_EX | LOCK_NB) != 0) {
		j->error = xstrdup("another podcue is downloading this episode");
		j->locked_out = 1;
		return -1;
	}
	return 0;
}

static void job_start(downloader *dl, dl_job *j)
{
	if (lock_part(j) != 0) {
		j->running = 1;
		dl->n_running++;
		return;
	}
	int64_t have = part_size(j->part);
	/* Resume only what can be validated: without a validator a partial
	 * file might be of another version. */
	j->resume_from = have > 0 && !str_blank(j->validator) &&
					 !strchr(j->validator, '\n') && !strchr(j->validator, '\r')
				 ? have
				 : 0;
	j->bytes = j->resume_from;
	j->running = 1;
	dl->n_running++;
	j->saved_ms = now_ms();
	save_row(j, DL_RUNNING, NULL);
	emit(j, DL_RUNNING, NULL);
	if (j->resume_from) {
		char *m = xasprintf("resuming from byte %" PRId64, j->resume_from);
		note(j, m);
		free(m);
	}
	j->easy = curl_easy_init();
	if (!j->easy) {
		j->error = xstrdup(curl_lazy_error() ? curl_lazy_error() : "could not start the transfer");
		return;
	}
	job_setopts(j);
	if (curl_multi_add_handle(dl->multi, j->easy) != CURLM_OK)
		j->error = xstrdup(curl_lazy_error() ? curl_lazy_error() : "could not start the transfer");
}

/* Why curl stopped, readable; NULL when it did not fail. */
static char *transfer_error(dl_job *j, CURLcode rc)
{
	if (j->error)
		return xstrdup(j->error);
	switch (rc) {
	case CURLE_OK:
		return NULL;
	case CURLE_PARTIAL_FILE:
		if (j->total < 0)
			return xasprintf("connection closed early after %" PRId64
					 " bytes (the partial file is kept)", j->bytes);
		return xasprintf("connection closed early: got %" PRId64 " of %" PRId64
				 " bytes (the partial file is kept)",
				 j->bytes, j->total);
	case CURLE_OPERATION_TIMEDOUT:
		return xasprintf("stalled: no data for %d s (the partial file is kept)",
				 j->dl->c->stall_timeout);
	case CURLE_UNSUPPORTED_PROTOCOL:
		return xstrdup("only http and https are downloaded");
	case CURLE_TOO_MANY_REDIRECTS:
		return xstrdup("too many redirects");
	default:
		return xstrdup(j->errbuf[0] ? j->errbuf : curl_easy_strerror(rc));
	}
}

/* A transfer ended: check, rename, record. */
static void job_finish(downloader *dl, dl_job *j, CURLcode rc)
{
	char *err = transfer_error(j, rc);
	if (!err && j->status == 416 && j->resume_from) {
		/* Asked for the bytes after the end: the partial file is whole
		 * when the server says the file is that long (a podcue killed
		 * between the last byte and the rename), else start over. */
		if (j->cr_total == j->resume_from) {
			j->decided = 1;
			j->total = j->resume_from;
		} else {
			unlink(j->part);
			err = xstrdup("the server refused to resume; the next download starts over");
		}
	}
	if (!err && !j->decided)
		err = j->status == 200 || j->status == 206 ? xstrdup("the server sent an empty file")
							    : xasprintf("HTTP %ld", j->status);
	if (j->fp) {
		if ((fflush(j->fp) != 0 || fsync(fileno(j->fp)) != 0) && !err)
			err = xasprintf("cannot write %s: %s", j->part, strerror(errno));
		if (fclose(j->fp) != 0 && !err)
			err = xasprintf("cannot write %s: %s", j->part, strerror(errno));
		j->fp = NULL;
	}
	if (!err && j->total >= 0 && j->bytes != j->total)
		err = xasprintf("incomplete: got %" PRId64 " of %" PRId64 " bytes", j->bytes,
				j->total);
	if (!err && part_size(j->part) != j->bytes)
		err = xasprintf("%s changed while downloading", j->part);
	if (!err && rename(j->part, j->path) != 0)
		err = xasprintf("cannot rename %s: %s", j->part, strerror(errno));
	if (err && j->locked_out) {
		log_msg("download", "episode %" PRId64 ": %s", j->id, err);
		emit(j, DL_FAILED, err);
		dl->n_failed++;
		free(err);
		return;
	}
	if (err) {
		/* A part longer than what it claims to continue is no use. */
		if ((j->total >= 0 && part_size(j->part) > j->total) || part_size(j->part) == 0)
			unlink(j->part);
		j->bytes = part_size(j->part);
		log_msg("download", "episode %" PRId64 " failed: %s", j->id, err);
		save_row(j, DL_FAILED, err);
		emit(j, DL_FAILED, err);
		dl->n_failed++;
		free(err);
		return;
	}
	j->total = j->bytes;
	log_msg("download", "episode %" PRId64 " done: %s (%" PRId64 " bytes)", j->id, j->path,
		j->bytes);
	save_row(j, DL_DONE, NULL);
	/* Chapters inside the file, from the disk, once (no Range request
	 * for them again). */
	char *cerr = NULL;
	if (chapfetch_local(dl->d, j->id, j->path, &cerr) < 0)
		log_msg("download", "episode %" PRId64 ": %s", j->id, cerr);
	free(cerr);
	emit(j, DL_DONE, NULL);
	dl->n_done++;
}

/* The host of url, lower case; "" when it does not parse. */
static char *host_of(const char *url)
{
	char *h = NULL, *out = NULL;
	CURLU *u = curl_url();
	if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK)
		out = xstrdup(h);
	curl_free(h);
	curl_url_cleanup(u);
	if (!out)
		out = xstrdup("");
	for (char *c = out; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	return out;
}

/* ---- the downloader --------------------------------------------------- */

downloader *downloader_new(db *d, const config *c, download_fn fn, void *ctx)
{
	fetch_global_init();
	downloader *dl = xcalloc(1, sizeof *dl);
	dl->d = d;
	dl->c = c;
	dl->fn = fn;
	dl->ctx = ctx;
	dl->ua = xstrdup(!str_blank(c->user_agent) ? c->user_agent : "podcue");
	dl->multi = curl_multi_init();
	if (!dl->multi) {
		free(dl->ua);
		free(dl);
		return NULL;
	}
	curl_multi_setopt(dl->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)MAX_PER_HOST);
	return dl;
}

static dl_job *find_job(downloader *dl, int64_t id)
{
	for (dl_job *j = dl->jobs; j; j = j->next)
		if (j->id == id)
			return j;
	return NULL;
}

typedef struct taken_ctx {
	db *d;
	int64_t id;
} taken_ctx;

/* A name is taken by a file, a partial file or another download's row. */
static int name_taken(const char *path, void *ctx)
{
	taken_ctx *t = ctx;
	char *part = xasprintf("%s.part", path);
	struct stat st;
	int taken = lstat(path, &st) == 0 || lstat(part, &st) == 0 ||
		    db_download_path_taken(t->d, path, t->id) != 0;
	free(part);
	return taken;
}

static char *choose_path(downloader *dl, const db_episode *e)
{
	char *root = download_dir(dl->c);
	char *fallback = xasprintf("podcast %" PRId64, e->podcast_id);
	char *pod = download_name_part(e->podcast_title, DOWNLOAD_NAME_MAX, fallback);
	char *dir = xasprintf("%s/%s", root, pod);
	char *name = download_file_name(e->title, e->published, e->has_published,
					e->enclosure_url, e->enclosure_type);
	taken_ctx t = {dl->d, e->id};
	char *path = download_unique_path(dir, name, name_taken, &t);
	free(root);
	free(fallback);
	free(pod);
	free(dir);
	free(name);
	return path;
}

/* 1 when the row is a finished download of url whose file still exists. */
static int already_done(const db_download *r, const char *url)
{
	struct stat st;
	return r->state == DL_DONE && r->path && r->url && !strcmp(r->url, url) &&
	       stat(r->path, &st) == 0;
}

int downloader_add(downloader *dl, int64_t episode_id, char **msg)
{
	*msg = NULL;
	if (find_job(dl, episode_id))
		return 2;
	db_episode e;
	int rc = db_episode_get(dl->d, episode_id, &e);
	if (rc != 0) {
		*msg = rc > 0 ? xasprintf("no such episode: %" PRId64, episode_id)
			      : xstrdup(db_errmsg(dl->d));
		return -1;
	}
	const char *refusal = str_blank(e.enclosure_url) ? NULL
				: urlrule_refusal(e.enclosure_url, 0);
	if (str_blank(e.enclosure_url) || refusal) {
		*msg = refusal ? xasprintf("episode %" PRId64 ": %s (only http and https are "
					   "downloaded)", episode_id, refusal)
			       : xasprintf("episode %" PRId64 " has no audio file", episode_id);
		db_episode_free(&e);
		return -1;
	}
	db_download row;
	int have = db_download_get(dl->d, episode_id, &row) == 0;
	if (have && already_done(&row, e.enclosure_url)) {
		*msg = xasprintf("already downloaded: %s", row.path);
		db_download_free(&row);
		db_episode_free(&e);
		return 1;
	}
	dl_job *j = xcalloc(1, sizeof *j);
	j->dl = dl;
	j->id = episode_id;
	j->lockfd = -1;
	j->url = xstrdup(e.enclosure_url);
	j->host = host_of(j->url);
	j->total = -1;
	j->clen = j->cr_start = j->cr_total = -1;
	/* The row's name is kept (a finished file of an older enclosure is
	 * replaced by the rename); a changed enclosure's partial file is not
	 * resumed. */
	j->path = have && row.path ? xstrdup(row.path) : choose_path(dl, &e);
	int same = have && row.url && !strcmp(row.url, e.enclosure_url);
	j->validator = same ? xstrdup(row.validator) : NULL;
	db_download_free(&row);
	db_episode_free(&e);
	if (!j->path || paths_make_parent(j->path) != 0) {
		*msg = j->path ? xasprintf("cannot create the folder of %s: %s", j->path,
					   strerror(errno))
			       : xstrdup("no free file name");
		job_free(j);
		return -1;
	}
	j->part = xasprintf("%s.part", j->path);
	if (!same)
		unlink(j->part);
	j->bytes = part_size(j->part);
	save_row(j, DL_QUEUED, NULL);
	dl_job **pp = &dl->jobs;
	while (*pp)
		pp = &(*pp)->next;
	*pp = j;
	return 0;
}

/* Running downloads from host. Counted here rather than left to libcurl's
 * per-host cap, under which a waiting transfer's connect timeout would
 * run while it waits. */
static int running_on(const downloader *dl, const char *host)
{
	int n = 0;
	for (const dl_job *j = dl->jobs; j; j = j->next)
		n += j->running && !strcmp(j->host, host);
	return n;
}

/* Finishes the jobs curl is done with; returns how many. */
static int collect(downloader *dl)
{
	int n = 0, left;
	CURLMsg *m;
	while ((m = curl_multi_info_read(dl->multi, &left))) {
		if (m->msg != CURLMSG_DONE)
			continue;
		char *priv = NULL;
		CURLcode rc = m->data.result;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &priv);
		dl_job *j = (dl_job *)(void *)priv;
		if (!j)
			continue;
		job_finish(dl, j, rc);
		unlink_job(dl, j);
		job_free(j);
		n++;
	}
	return n;
}

/* Starts queued jobs while slots are free. A job that cannot start
 * finishes at once. */
static void start_jobs(downloader *dl)
{
	for (dl_job *j = dl->jobs, *next; j && dl->n_running < dl->c->download_jobs; j = next) {
		next = j->next;
		if (j->running || running_on(dl, j->host) >= MAX_PER_HOST)
			continue;
		job_start(dl, j);
		if (j->error) {
			job_finish(dl, j, CURLE_OK);
			unlink_job(dl, j);
			job_free(j);
		}
	}
}

static int count_jobs(const downloader *dl)
{
	int n = 0;
	for (const dl_job *j = dl->jobs; j; j = j->next)
		n++;
	return n;
}

int downloader_step(downloader *dl, int timeout_ms)
{
	int64_t deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	for (;;) {
		start_jobs(dl);
		if (!dl->n_running)
			break;
		int still;
		curl_multi_perform(dl->multi, &still);
		if (collect(dl)) {
			start_jobs(dl);
			break;
		}
		int64_t left = deadline - now_ms();
		if (left <= 0)
			break;
		curl_multi_poll(dl->multi, NULL, 0, (int)left, NULL);
	}
	return count_jobs(dl);
}

void downloader_progress(const downloader *dl, download_progress *p)
{
	memset(p, 0, sizeof *p);
	p->done = dl->n_done;
	p->failed = dl->n_failed;
	p->received = dl->received;
	for (const dl_job *j = dl->jobs; j; j = j->next) {
		if (!j->running) {
			p->queued++;
			continue;
		}
		p->running++;
		p->bytes += j->bytes;
		if (j->total < 0 || p->total < 0)
			p->total = -1;
		else
			p->total += j->total;
	}
}

int downloader_cancel(downloader *dl, int64_t episode_id)
{
	dl_job *j = find_job(dl, episode_id);
	if (!j)
		return 1;
	if (j->fp)
		fflush(j->fp);
	j->bytes = part_size(j->part);
	save_row(j, DL_FAILED, "cancelled");
	emit(j, DL_FAILED, "cancelled");
	unlink_job(dl, j);
	job_free(j);
	return 0;
}

void downloader_free(downloader *dl)
{
	if (!dl)
		return;
	while (dl->jobs)
		downloader_cancel(dl, dl->jobs->id);
	curl_multi_cleanup(dl->multi);
	free(dl->ua);
	free(dl);
}

int download_in_progress(const char *path)
{
	if (!path)
		return 0;
	char *part = xasprintf("%s.part", path);
	int fd = open(part, O_RDONLY | O_CLOEXEC);
	free(part);
	if (fd < 0)
		return 0;
	int busy = flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
	close(fd);
	return busy;
}
