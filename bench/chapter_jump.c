/*
 * chapter_jump.c - chapter-jump latency of the player: from player_seek()
 * to a chapter's start until PLAYER_EV_SEEKED arrives in the caller's poll
 * loop, the delay a user feels after pressing n, p or 12c.
 *
 *   build/bench/chapter_jump [-n JUMPS] [-o MPVKEY=VALUE]... [URL]
 *
 * Without URL it is self-contained: ffmpeg makes a 60-minute M4A and a
 * 60-minute MP3 with a chapter every minute in a temporary directory, a
 * small Range-capable HTTP server runs on 127.0.0.1 in a thread, and four
 * cases are measured: local M4A, local MP3, loopback HTTP M4A, loopback
 * HTTP MP3. With URL only that file is measured (its own chapters, or ten
 * points spread over it when it has none).
 *
 * Each case loads the file (ao=null, podcue's own libmpv options), waits
 * until it plays, then jumps JUMPS times (default 30) to chapters in a
 * fixed pseudo-random order while it plays. Prints per case the first jump
 * (nothing cached yet) and median/min/max over all jumps in milliseconds,
 * plus a "RESULT name median min max ms" line for scripts.
 *
 * -o adds libmpv options after podcue's (as --mpv-option does), e.g.
 * -o cache=no to make every HTTP jump a new Range request instead of a hit
 * in the demuxer cache, which holds these small files whole.
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "player.h"
#include "util.h"

#define WAIT_MS 30000
#define MAX_OPTS 16

static const char *mpv_opts[MAX_OPTS + 1] = {"ao=null"};
static size_t nmpv_opts = 1;

/* ---- a tiny HTTP/1.1 file server with Range (one thread a connection) ---- */

static const char *serve_dir;

static void send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

/* Reads the request head; returns its length or -1. */
static int read_head(int fd, char *buf, size_t cap)
{
	size_t n = 0;
	while (n + 1 < cap) {
		ssize_t r = recv(fd, buf + n, cap - 1 - n, 0);
		if (r <= 0)
			return -1;
		n += (size_t)r;
		buf[n] = '\0';
		if (strstr(buf, "\r\n\r\n"))
			return (int)n;
	}
	return -1;
}

static void send_file(int fd, FILE *f, long long from, long long to)
{
	char chunk[65536];
	fseeko(f, from, SEEK_SET);
	for (long long left = to - from + 1; left > 0;) {
		size_t want = left < (long long)sizeof chunk ? (size_t)left : sizeof chunk;
		size_t got = fread(chunk, 1, want, f);
		if (!got)
			return;
		send_all(fd, chunk, got);
		left -= (long long)got;
	}
}

static void *serve_conn(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char head[8192], name[256], path[1024];
	FILE *f = NULL;
	if (read_head(fd, head, sizeof head) < 0 || sscanf(head, "GET /%255s ", name) != 1 ||
	    strchr(name, '/') || strstr(name, ".."))
		goto out;
	snprintf(path, sizeof path, "%s/%s", serve_dir, name);
	struct stat st;
	if (!(f = fopen(path, "rb")) || fstat(fileno(f), &st) != 0) {
		const char *nf = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n"
				 "Connection: close\r\n\r\n";
		send_all(fd, nf, strlen(nf));
		goto out;
	}
	long long size = st.st_size, from = 0, to = size - 1;
	const char *range = strcasestr(head, "\r\nRange: bytes=");
	int partial = range && sscanf(range + 15, "%lld", &from) == 1;
	if (partial && range[15 + strspn(range + 15, "0123456789")] == '-')
		sscanf(range + 16 + strspn(range + 15, "0123456789"), "%lld", &to);
	if (from < 0 || from >= size || to >= size || to < from)
		from = 0, to = size - 1, partial = 0;
	char *hdr = xasprintf("HTTP/1.1 %s\r\nContent-Type: audio/mpeg\r\nAccept-Ranges: bytes\r\n"
			      "Content-Length: %lld\r\nContent-Range: bytes %lld-%lld/%lld\r\n"
			      "Connection: close\r\n\r\n",
			      partial ? "206 Partial Content" : "200 OK", to - from + 1, from, to, size);
	send_all(fd, hdr, strlen(hdr));
	free(hdr);
	send_file(fd, f, from, to);
out:
	if (f)
		fclose(f);
	close(fd);
	return NULL;
}

static void *serve(void *arg)
{
	int lfd = (int)(intptr_t)arg;
	for (;;) {
		int fd = accept(lfd, NULL, NULL);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			return NULL;
		}
		pthread_t t;
		if (pthread_create(&t, NULL, serve_conn, (void *)(intptr_t)fd) == 0)
			pthread_detach(t);
		else
			close(fd);
	}
}

/* Starts the server on 127.0.0.1; returns the port, 0 on failure. */
static int server_start(const char *dir)
{
	serve_dir = dir;
	int lfd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof a;
	pthread_t t;
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof a) != 0 || listen(lfd, 64) != 0 ||
	    getsockname(lfd, (struct sockaddr *)&a, &len) != 0 ||
	    pthread_create(&t, NULL, serve, (void *)(intptr_t)lfd) != 0)
		return 0;
	pthread_detach(t);
	return ntohs(a.sin_port);
}

/* ---- media ---- */

static int make_media(const char *dir)
{
	char *meta = xasprintf("%s/ch.txt", dir);
	FILE *f = fopen(meta, "w");
	if (!f)
		return -1;
	fputs(";FFMETADATA1\ntitle=Long\n", f);
	for (int i = 0; i < 60; i++)
		fprintf(f, "[CHAPTER]\nTIMEBASE=1/1000\nSTART=%d\nEND=%d\ntitle=Chapter %d\n",
			i * 60000, (i + 1) * 60000, i + 1);
	fclose(f);
	/* -t after every input (before the second -i it would bind to the
	 * metadata input and anullsrc would never end). */
	char *cmd = xasprintf(
		"ffmpeg -nostdin -loglevel error -y -f lavfi -i anullsrc=r=8000:cl=mono -i '%s' "
		"-map 0:a -map_metadata 1 -map_chapters 1 -t 3600 -c:a aac -b:a 8k "
		"-movflags +faststart '%s/long.m4a' && "
		"ffmpeg -nostdin -loglevel error -y -f lavfi -i anullsrc=r=8000:cl=mono -i '%s' "
		"-map 0:a -map_metadata 1 -map_chapters 1 -t 3600 -c:a libmp3lame -b:a 8k "
		"-id3v2_version 3 '%s/long.mp3'",
		meta, dir, meta, dir);
	int rc = system(cmd);
	free(cmd);
	free(meta);
	return rc == 0 ? 0 : -1;
}

/* ---- measuring ---- */

/* Runs the player until a bit of mask arrives; -1 on error or timeout. */
static int wait_for(player *p, unsigned mask)
{
	int64_t end = now_ms() + WAIT_MS;
	while (now_ms() < end) {
		struct pollfd pfd = {player_fd(p), POLLIN, 0};
		poll(&pfd, 1, (int)(end - now_ms()));
		unsigned ev = player_process(p);
		if (ev & PLAYER_EV_ERROR) {
			fprintf(stderr, "chapter_jump: %s\n", player_error(p) ? player_error(p) : "error");
			return -1;
		}
		if (ev & mask)
			return 0;
	}
	fprintf(stderr, "chapter_jump: timed out\n");
	return -1;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Jump targets: the file's chapters, else ten points over its duration. */
static size_t targets(player *p, double *t, size_t max)
{
	const chapter_list *l = player_file_chapters(p);
	size_t n = 0;
	for (size_t i = 0; i < l->n && n < max; i++)
		t[n++] = l->v[i].start;
	double d = player_get(p)->duration;
	for (int i = 0; n < 2 && i < 10 && d > 0; i++)
		t[n++] = d * i / 10;
	return n;
}

static int measure(const char *name, const char *url, int jumps)
{
	player_opts o = {mpv_opts, nmpv_opts, "podcue-bench", 10};
	player *p;
	char *err = NULL;
	if (player_new(&o, &p, &err) != 0 || player_load(p, url, 1, 1, 0, NULL, &err) != 0) {
		fprintf(stderr, "chapter_jump: %s: %s\n", name, err);
		free(err);
		return -1;
	}
	int64_t t0 = now_ms();
	if (wait_for(p, PLAYER_EV_SEEKED) != 0) {
		player_free(p);
		return -1;
	}
	double load_ms = (double)(now_ms() - t0);
	double t[256], *ms = xcalloc((size_t)jumps, sizeof *ms);
	size_t nt = targets(p, t, 256);
	unsigned seed = 12345;
	size_t cur = 0;
	int done = 0;
	for (int i = 0; i < jumps && nt > 1; i++) {
		size_t next;
		do {
			seed = seed * 1103515245u + 12345u;
			next = (seed >> 16) % nt;
		} while (next == cur);
		cur = next;
		struct timespec a, b;
		clock_gettime(CLOCK_MONOTONIC, &a);
		player_seek(p, t[cur], 1);
		if (wait_for(p, PLAYER_EV_SEEKED) != 0)
			break;
		clock_gettime(CLOCK_MONOTONIC, &b);
		ms[done++] = (double)(b.tv_sec - a.tv_sec) * 1e3 +
			     (double)(b.tv_nsec - a.tv_nsec) / 1e6;
	}
	int ok = done == jumps;
	if (done) {
		double first = ms[0];
		qsort(ms, (size_t)done, sizeof *ms, cmp_double);
		printf("%-10s load %6.1f ms  first jump %6.2f ms  %d jumps over %zu chapters: "
		       "median %6.2f  min %6.2f  max %7.2f ms\n",
		       name, load_ms, first, done, nt, ms[done / 2], ms[0], ms[done - 1]);
		printf("RESULT chapter_jump_%s %.3f %.3f %.3f ms\n", name, ms[done / 2], ms[0],
		       ms[done - 1]);
	}
	free(ms);
	player_free(p);
	return ok ? 0 : -1;
}

int main(int argc, char **argv)
{
	int jumps = 30;
	const char *url = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
			jumps = atoi(argv[++i]);
		else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc && nmpv_opts < MAX_OPTS)
			mpv_opts[nmpv_opts++] = argv[++i];
		else if (argv[i][0] != '-' && !url)
			url = argv[i];
		else {
			fprintf(stderr, "usage: chapter_jump [-n JUMPS] [-o MPVKEY=VALUE]... [URL]\n");
			return 2;
		}
	}
	if (jumps < 1)
		jumps = 1;
	signal(SIGPIPE, SIG_IGN);
	if (url)
		return measure("url", url, jumps) == 0 ? 0 : 1;

	char tmpl[] = "/tmp/podcue-chapjump.XXXXXX";
	if (!mkdtemp(tmpl))
		return 1;
	int rc = 1, port;
	fprintf(stderr, "chapter_jump: making 60-minute M4A and MP3 files in %s\n", tmpl);
	if (make_media(tmpl) != 0 || !(port = server_start(tmpl))) {
		fprintf(stderr, "chapter_jump: cannot make the media or start the server\n");
	} else {
		char *lm4a = xasprintf("%s/long.m4a", tmpl), *lmp3 = xasprintf("%s/long.mp3", tmpl);
		char *hm4a = xasprintf("http://127.0.0.1:%d/long.m4a", port);
		char *hmp3 = xasprintf("http://127.0.0.1:%d/long.mp3", port);
		rc = measure("local_m4a", lm4a, jumps) | measure("local_mp3", lmp3, jumps) |
		     measure("http_m4a", hm4a, jumps) | measure("http_mp3", hmp3, jumps);
		rc = rc ? 1 : 0;
		free(lm4a);
		free(lmp3);
		free(hm4a);
		free(hmp3);
	}
	char *cmd = xasprintf("rm -rf '%s'", tmpl);
	if (system(cmd) != 0)
		fprintf(stderr, "chapter_jump: could not remove %s\n", tmpl);
	free(cmd);
	return rc;
}
