/*
 * frontend.c - the typed count and the signal self-pipe of the playback
 * front ends (see frontend.h).
 */
#include "frontend.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

int key_count_digit(key_count *c, int key, int64_t now)
{
	if (key < '0' || key > '9' || (key == '0' && !c->n))
		return 0;
	c->n = c->n * 10 + (key - '0');
	if (c->n > KEY_COUNT_MAX)
		c->n = KEY_COUNT_MAX;
	c->at = now;
	return 1;
}

int key_count_take(key_count *c)
{
	int n = c->n;
	c->n = 0;
	c->at = 0;
	return n;
}

int key_count_wait(const key_count *c, int64_t now)
{
	if (!c->n)
		return -1;
	int64_t left = c->at + KEY_COUNT_WAIT_MS - now;
	return left > 0 ? (int)left : 0;
}

static int pipe_fd[2] = {-1, -1};
static int opened[8];
static size_t nopened;

static void on_signal(int sig)
{
	int saved = errno;
	unsigned char c = (unsigned char)sig;
	ssize_t r = write(pipe_fd[1], &c, 1);
	(void)r; /* a full pipe already holds a wakeup */
	errno = saved;
}

static void install(int sig)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

int sigpipe_open(const int *sigs, size_t n)
{
	if (pipe_fd[0] < 0 && pipe2(pipe_fd, O_NONBLOCK | O_CLOEXEC) != 0)
		return -1;
	for (size_t i = 0; i < n && nopened < sizeof opened / sizeof *opened; i++) {
		install(sigs[i]);
		opened[nopened++] = sigs[i];
	}
	signal(SIGPIPE, SIG_IGN);
	return pipe_fd[0];
}

size_t sigpipe_read(int *sigs, size_t max)
{
	unsigned char buf[16];
	size_t got = 0;
	while (got < max && pipe_fd[0] >= 0) {
		size_t want = max - got < sizeof buf ? max - got : sizeof buf;
		ssize_t r = read(pipe_fd[0], buf, want);
		if (r <= 0)
			break;
		for (ssize_t i = 0; i < r; i++)
			sigs[got++] = buf[i];
	}
	return got;
}

void sigpipe_suspend(void)
{
	signal(SIGTSTP, SIG_DFL);
	raise(SIGTSTP); /* stops here until SIGCONT */
	install(SIGTSTP);
}

void sigpipe_close(void)
{
	for (size_t i = 0; i < nopened; i++)
		signal(opened[i], SIG_DFL);
	nopened = 0;
	for (int i = 0; i < 2; i++) {
		if (pipe_fd[i] >= 0)
			close(pipe_fd[i]);
		pipe_fd[i] = -1;
	}
}
