/*
 * links.h - the show notes' links leave podcue: opened in a browser, or
 * copied to the clipboard through the terminal.
 *
 * A link is opened only when its scheme is http, https or mailto (and it
 * holds no blanks or control characters); anything else is refused with a
 * message. The browser is the first entry of $BROWSER (a ':'-separated
 * list; an entry is split at blanks into a program and its arguments, and
 * "%s" in an argument is replaced by the URL, else the URL is appended),
 * or xdg-open. It is started with posix_spawnp and an argument vector,
 * never through a shell, in a new session, with /dev/null as its stdin,
 * stdout and stderr so it can never draw over the TUI, and with default
 * signal handling. The URL is always exactly one argument.
 *
 * Threading: the UI thread. Children are reaped with links_reap().
 */
#ifndef PODCUE_LINKS_H
#define PODCUE_LINKS_H

#include <stddef.h>

/* 1 when url may be opened (http, https, mailto; case-insensitive). */
int links_allowed(const char *url);
/* The argument vector that opens url (NULL-terminated; free with
 * links_argv_free): from browser ($BROWSER's value, may be NULL or empty)
 * or xdg-open. */
char **links_argv(const char *browser, const char *url);
void links_argv_free(char **argv);
/* Opens url. Returns 0, or -1 with *msg (caller frees): refused scheme,
 * the program could not be started. */
int links_open(const char *url, char **msg);
/* Reaps browsers that have exited (never waits). */
void links_reap(void);

/* The OSC 52 sequence that puts text on the clipboard ("ESC ] 52 ; c ;
 * base64 BEL"). Caller frees. */
char *links_osc52(const char *text);
/* Writes it to fd (the terminal). Returns 0, or -1. */
int links_copy(int fd, const char *text);

#endif
