/*
 * frontend.h - what the two playback front ends (the TUI and `podcue
 * play`) share besides the key map: a count typed before a key ("12c"),
 * and signals turned into bytes on a self-pipe so that one poll() sees
 * them. Keys themselves are decoded by keys.h.
 *
 * Threading: the main thread only. The signal handler writes one byte and
 * touches nothing else; there is one pipe per process.
 */
#ifndef PODCUE_FRONTEND_H
#define PODCUE_FRONTEND_H

#include <stddef.h>
#include <stdint.h>

#define KEY_COUNT_WAIT_MS 1000 /* a count that could still grow waits this long */
#define KEY_COUNT_MAX 99999

/* Digits typed before a command. n is 0 when none are pending. */
typedef struct key_count {
	int n;
	int64_t at; /* ms of the last digit */
} key_count;

/* When key is a digit that belongs to the count (a 0 only after another
 * digit), adds it (capped at KEY_COUNT_MAX) and returns 1; else 0. */
int key_count_digit(key_count *c, int key, int64_t now);
/* The count (0 when none), now forgotten. */
int key_count_take(key_count *c);
/* Milliseconds until a pending count is due (0: now), -1 when none is. */
int key_count_wait(const key_count *c, int64_t now);

/* Installs handlers for sigs[0..n) that write the signal's number to a
 * non-blocking pipe, and ignores SIGPIPE. SA_RESTART: libmpv's threads
 * must not see EINTR. Returns the pipe's read end, or -1 (errno set). */
int sigpipe_open(const int *sigs, size_t n);
/* Signal numbers that arrived, up to max into sigs; returns how many. */
size_t sigpipe_read(int *sigs, size_t max);
/* Stops the process as SIGTSTP would (the default action), and re-installs
 * the handler once it continues. */
void sigpipe_suspend(void);
/* Restores the default actions of the signals opened and closes the pipe. */
void sigpipe_close(void);

#endif
