/*
 * log.h - podcue's log file: messages from libraries (libmpv, libcurl) and
 * errors that must never be written over the curses screen.
 *
 * One process-wide log, opened once by the front end (TUI or `podcue
 * play`); every function is safe to call from any thread, and a no-op while
 * the log is closed. Lines are "YYYY-mm-ddTHH:MM:SS WHO: message".
 */
#ifndef PODCUE_LOG_H
#define PODCUE_LOG_H

#include "util.h"

/* Opens path for appending (creating its directory). 0, or -1 with errno. */
int log_open(const char *path);
void log_close(void);
/* Appends one line; text is sanitized (no control characters). */
void log_msg(const char *who, const char *fmt, ...) PC_PRINTF(2, 3);
/* Points fd 2 at the log so stray library output (ALSA, PipeWire) lands
 * there instead of on the screen. The old stderr is kept and put back by
 * log_restore_stderr(). 0, or -1 when the log is not open. */
int log_capture_stderr(void);
void log_restore_stderr(void);

#endif
