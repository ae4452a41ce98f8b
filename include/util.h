/*
 * util.h - allocation that never returns NULL, a growable string buffer,
 * and small string helpers shared by every module.
 *
 * Ownership: every function returning char * returns a heap string the
 * caller frees with free(). NULL in means NULL out where documented.
 */
#ifndef PODCUE_UTIL_H
#define PODCUE_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#define PC_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define PC_PRINTF(a, b)
#endif

/* On allocation failure these print a message and exit(2): podcue has no
 * sensible way to continue without memory, and callers stay simple. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/* xstrdup(NULL) and xstrndup(NULL, n) return NULL. */
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) PC_PRINTF(1, 2);

/* Growable NUL-terminated byte buffer. Zero-initialise (SBUF_INIT) before
 * use; s is NULL until the first append. */
typedef struct sbuf {
	char *s;
	size_t len;
	size_t cap;
} sbuf;
#define SBUF_INIT {NULL, 0, 0}

void sb_append(sbuf *b, const char *p, size_t n);
void sb_puts(sbuf *b, const char *s);
void sb_putc(sbuf *b, char c);
void sb_printf(sbuf *b, const char *fmt, ...) PC_PRINTF(2, 3);
void sb_vprintf(sbuf *b, const char *fmt, va_list ap) PC_PRINTF(2, 0);
/* Returns the buffer (never NULL: "" when empty) and resets b. */
char *sb_steal(sbuf *b);
void sb_free(sbuf *b);

/* A new copy of s without leading/trailing ASCII whitespace; NULL for NULL.
 * Returns NULL when the trimmed string is empty. */
char *str_trim_dup(const char *s);
/* 1 when s is NULL or only ASCII whitespace. */
int str_blank(const char *s);
/* 1 when the JSON text nests arrays and objects (outside strings) deeper
 * than limit: checked before a parser that recurses sees it. Linear, no
 * allocation; stray closers never buy depth. */
int json_too_deep(const char *buf, size_t len, int limit);
/* Case-insensitive ASCII compare of two NUL-terminated strings. */
int str_ieq(const char *a, const char *b);
/* 1 when s starts with prefix (case-insensitive ASCII when icase). */
int str_prefix(const char *s, const char *prefix, int icase);

/* Read a whole file into a NUL-terminated buffer (the NUL is not counted in
 * *len). Returns NULL with errno set on failure. "-" means stdin. */
char *file_read_all(const char *path, size_t *len);

/* Monotonic clock in milliseconds, and wall clock in seconds. */
int64_t now_ms(void);
int64_t now_s(void);

#endif
