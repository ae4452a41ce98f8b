/*
 * log.c - the log file (see log.h).
 */
#include "log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "paths.h"
#include "text.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *log_file;
static int saved_stderr = -1;

int log_open(const char *path)
{
	if (paths_make_parent(path) != 0)
		return -1;
	FILE *f = fopen(path, "ae");
	if (!f)
		return -1;
	setvbuf(f, NULL, _IOLBF, 0);
	pthread_mutex_lock(&lock);
	if (log_file)
		fclose(log_file);
	log_file = f;
	pthread_mutex_unlock(&lock);
	return 0;
}

void log_close(void)
{
	log_restore_stderr();
	pthread_mutex_lock(&lock);
	if (log_file)
		fclose(log_file);
	log_file = NULL;
	pthread_mutex_unlock(&lock);
}

void log_msg(const char *who, const char *fmt, ...)
{
	pthread_mutex_lock(&lock);
	if (!log_file) {
		pthread_mutex_unlock(&lock);
		return;
	}
	pthread_mutex_unlock(&lock);
	va_list ap;
	va_start(ap, fmt);
	sbuf b = SBUF_INIT;
	sb_vprintf(&b, fmt, ap);
	va_end(ap);
	char *clean = text_sanitize(b.s ? b.s : "", b.len, 0);
	sb_free(&b);
	char stamp[32];
	time_t t = time(NULL);
	struct tm tm;
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", localtime_r(&t, &tm));
	pthread_mutex_lock(&lock);
	if (log_file)
		fprintf(log_file, "%s %s: %s\n", stamp, who, clean);
	pthread_mutex_unlock(&lock);
	free(clean);
}

int log_capture_stderr(void)
{
	pthread_mutex_lock(&lock);
	int rc = -1;
	if (log_file && saved_stderr < 0) {
		fflush(stderr);
		saved_stderr = dup(2);
		if (saved_stderr >= 0 && dup2(fileno(log_file), 2) >= 0)
			rc = 0;
	} else if (log_file) {
		rc = 0;
	}
	pthread_mutex_unlock(&lock);
	return rc;
}

void log_restore_stderr(void)
{
	pthread_mutex_lock(&lock);
	if (saved_stderr >= 0) {
		fflush(stderr);
		dup2(saved_stderr, 2);
		close(saved_stderr);
		saved_stderr = -1;
	}
	pthread_mutex_unlock(&lock);
}
