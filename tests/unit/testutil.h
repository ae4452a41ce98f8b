/*
 * testutil.h - helpers for the cmocka unit tests.
 *
 * Unit tests run with the repository root as the working directory, so
 * fixtures are named "tests/fixtures/...". The optional shared corpus lives
 * in ../shared (override with PODCUE_SHARED); tests that use it must call
 * shared_path() and skip() with a message when it returns NULL.
 */
#ifndef PODCUE_TESTUTIL_H
#define PODCUE_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "util.h"

/* Reads a fixture or fails the test. Caller frees. */
static inline char *fixture_read(const char *path, size_t *len)
{
	char *buf = file_read_all(path, len);
	if (!buf)
		fail_msg("cannot read fixture %s", path);
	return buf;
}

/* Absolute-or-relative path of sub (e.g. "corpus/feeds") inside the shared
 * folder, or NULL when the folder is absent. Caller frees. */
static inline char *shared_path(const char *sub)
{
	const char *root = getenv("PODCUE_SHARED");
	if (!root || !*root)
		root = "../shared";
	char *p = xasprintf("%s/%s", root, sub);
	struct stat st;
	if (stat(p, &st) != 0) {
		free(p);
		return NULL;
	}
	return p;
}

/* Approximate double equality for times. */
#define assert_time_equal(a, b) \
	assert_true(((a) - (b)) < 0.0005 && ((b) - (a)) < 0.0005)

#endif
