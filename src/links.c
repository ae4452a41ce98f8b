/*
 * links.c - opening and copying the show notes' links (see links.h).
 */
#include "links.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

extern char **environ;

#define MAX_CHILDREN 16

static pid_t children[MAX_CHILDREN];

int links_allowed(const char *url)
{
	if (!url)
		return 0;
	for (const unsigned char *p = (const unsigned char *)url; *p; p++)
		if (*p <= ' ' || *p == 0x7f)
			return 0; /* a blank or control could smuggle a second argument to a wrapper */
	return strncasecmp(url, "http://", 7) == 0 || strncasecmp(url, "https://", 8) == 0 ||
	       strncasecmp(url, "mailto:", 7) == 0;
}

static void push(char ***v, size_t *n, char *s)
{
	*v = xrealloc(*v, (*n + 2) * sizeof **v);
	(*v)[(*n)++] = s;
	(*v)[*n] = NULL;
}

/* Replaces every "%s" in arg with url; *used set when there was one. */
static char *substitute(const char *arg, const char *url, int *used)
{
	sbuf b = SBUF_INIT;
	for (const char *p = arg; *p; p++) {
		if (p[0] == '%' && p[1] == 's') {
			sb_puts(&b, url);
			*used = 1;
			p++;
		} else {
			sb_putc(&b, *p);
		}
	}
	return sb_steal(&b);
}

char **links_argv(const char *browser, const char *url)
{
	char **v = NULL;
	size_t n = 0;
	int used = 0;
	size_t len = browser ? strcspn(browser, ":") : 0;
	char *entry = xstrndup(browser ? browser : "", len);
	for (char *save = NULL, *w = strtok_r(entry, " \t", &save); w;
	     w = strtok_r(NULL, " \t", &save))
		push(&v, &n, substitute(w, url, &used));
	free(entry);
	if (!n)
		push(&v, &n, xstrdup("xdg-open"));
	if (!used)
		push(&v, &n, xstrdup(url));
	return v;
}

void links_argv_free(char **argv)
{
	for (size_t i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
}

void links_reap(void)
{
	for (int i = 0; i < MAX_CHILDREN; i++)
		if (children[i] > 0 && waitpid(children[i], NULL, WNOHANG) != 0)
			children[i] = 0;
}

static void remember(pid_t pid)
{
	links_reap();
	for (int i = 0; i < MAX_CHILDREN; i++) {
		if (children[i] == 0) {
			children[i] = pid;
			return;
		}
	}
	/* Sixteen browsers still running: this one becomes a zombie until
	 * podcue exits, which is harmless. */
}

static int spawn(char **argv, pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	for (int fd = 0; fd < 3; fd++)
		posix_spawn_file_actions_addopen(&fa, fd, "/dev/null", fd ? O_WRONLY : O_RDONLY, 0);
	sigset_t none, dflt;
	sigemptyset(&none);
	sigemptyset(&dflt);
	/* podcue catches or ignores these; the browser gets the defaults */
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGWINCH, SIGPIPE, SIGTSTP, SIGCHLD};
	for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
		sigaddset(&dflt, sigs[i]);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &dflt);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
					      POSIX_SPAWN_SETSID);
	int rc = posix_spawnp(pid, argv[0], &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	return rc;
}

int links_open(const char *url, char **msg)
{
	*msg = NULL;
	if (!links_allowed(url)) {
		size_t scheme = url ? strcspn(url, ":/ ") : 0;
		*msg = url && url[scheme] == ':'
			       ? xasprintf(
					 "refused: %.*s: links are not opened (only http, https and "
					 "mailto)",
					 (int)(scheme < 20 ? scheme : 20), url)
			       : xstrdup("refused: not an http, https or mailto link");
		return -1;
	}
	char **argv = links_argv(getenv("BROWSER"), url);
	pid_t pid;
	int rc = spawn(argv, &pid);
	if (rc != 0)
		*msg = xasprintf("cannot start %s: %s", argv[0], strerror(rc));
	else
		remember(pid);
	links_argv_free(argv);
	return rc ? -1 : 0;
}

char *links_osc52(const char *text)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *s = (const unsigned char *)(text ? text : "");
	size_t n = strlen((const char *)s);
	sbuf b = SBUF_INIT;
	sb_puts(&b, "\033]52;c;");
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)s[i] << 16 | (i + 1 < n ? (unsigned)s[i + 1] << 8 : 0) |
			     (i + 2 < n ? s[i + 2] : 0);
		char q[5] = {b64[v >> 18 & 63], b64[v >> 12 & 63],
			     i + 1 < n ? b64[v >> 6 & 63] : '=', i + 2 < n ? b64[v & 63] : '=', 0};
		sb_puts(&b, q);
	}
	sb_puts(&b, "\a");
	return sb_steal(&b);
}

int links_copy(int fd, const char *text)
{
	char *seq = links_osc52(text);
	size_t n = strlen(seq), off = 0;
	int rc = 0;
	while (off < n) {
		ssize_t w = write(fd, seq + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			rc = -1;
			break;
		}
		off += (size_t)w;
	}
	free(seq);
	return rc;
}
