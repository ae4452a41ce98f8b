/*
 * index_run.c - draining the search backlog from the command line (see
 * index_run.h).
 */
#include "index_run.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Episodes per transaction: a few tens of milliseconds of write lock. */
#define INDEX_BATCH 500

static volatile sig_atomic_t stop_asked;

static void on_int(int sig)
{
	(void)sig;
	stop_asked = 1;
}

int64_t index_run_cli(db *d)
{
	int64_t total = db_index_pending(d);
	if (total <= 0)
		return total;
	int tty = isatty(STDERR_FILENO), loud = total > INDEX_BATCH;
	struct sigaction sa, old;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_int;
	sigemptyset(&sa.sa_mask);
	stop_asked = 0;
	sigaction(SIGINT, &sa, &old);
	if (loud && !tty)
		fprintf(stderr, "podcue: indexing %lld episodes for search (Ctrl-C stops; the rest "
				"is indexed by the next refresh)\n", (long long)total);
	int64_t done = 0;
	long got = 0;
	while (!stop_asked && (got = db_index_step(d, INDEX_BATCH)) > 0) {
		done += got;
		if (loud && tty)
			fprintf(stderr, "\r\033[Kindexing for search: %lld/%lld episodes",
				(long long)done, (long long)total);
	}
	sigaction(SIGINT, &old, NULL);
	if (loud && tty)
		fprintf(stderr, "\r\033[K");
	if (got < 0)
		return -1;
	int64_t left = db_index_pending(d);
	if (left > 0)
		fprintf(stderr, "podcue: %lld episodes not indexed for search yet (searched without "
				"the index; the next refresh continues)\n", (long long)left);
	else if (loud && !tty)
		fprintf(stderr, "podcue: indexed %lld episodes for search\n", (long long)done);
	return left;
}
