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

#include <malloc.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "db.h"
#include "util.h"

/* ---- caches -------------------------------------------------------- */

/* A fresh cache path in a directory of its own (caller frees with rm_db,
 * which removes the cache, its WAL files and the directory). */
static inline char *tmp_db(void)
{
	char tmpl[] = "/tmp/podcue-test.XXXXXX";
	char *dir = mkdtemp(tmpl);
	assert_non_null(dir);
	return xasprintf("%s/cache.db", dir);
}

static inline void rm_db(char *path)
{
	char *wal = xasprintf("%s-wal", path), *shm = xasprintf("%s-shm", path);
	unlink(path);
	unlink(wal);
	unlink(shm);
	*strrchr(path, '/') = '\0';
	rmdir(path);
	free(wal);
	free(shm);
	free(path);
}

/* ---- time bounds -----------------------------------------------------
 * The wall clock grows whenever other processes share the machine, so no
 * test bounds it. Work that must be linear is checked as a ratio
 * (assert_linear); a bound that only guards against a hang or a blow-up
 * uses the CPU time of the calling thread (cpu_ms). */

/* CPU time the calling thread has used, in ns. */
static inline int64_t cpu_ns(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
		fail_msg("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static inline int64_t cpu_ms(void)
{
	return cpu_ns() / 1000000;
}

/* Builds an input of size n (not timed), runs the work under test on it
 * and returns the CPU ns the work alone took (cpu_ns around it). */
typedef int64_t (*sized_work)(size_t n, void *ctx);

static inline int64_t best_of_5(sized_work w, size_t n, void *ctx)
{
	int64_t best = INT64_MAX;
	for (int i = 0; i < 5; i++) { /* the least disturbed of five runs */
		int64_t t = w(n, ctx);
		if (t < best)
			best = t;
	}
	return best;
}

/* Fails unless the work's time grows linearly with n: from size n (doubled
 * until a run takes 2 ms, so the clock's granularity and noise are small
 * beside it) to 4n it may grow at most 8-fold. Linear work grows 4-fold,
 * n log n a little more, quadratic 16-fold. */
static inline void assert_linear(const char *what, sized_work w, size_t n, void *ctx)
{
	/* One untimed run at the larger size first: the heap grows to fit it
	 * once (page faults count as the thread's time), not during a timing.
	 * Big blocks stay in the heap as in podcue itself (main keeps 32 MB
	 * per heap): mapped and unmapped again on every run, their page faults
	 * made the larger size look quadratic. */
#ifdef __GLIBC__
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
	(void)w(4 * n, ctx);
	int64_t t1 = best_of_5(w, n, ctx);
	while (t1 < 2000000 && n < ((size_t)1 << 26)) {
		n *= 2;
		t1 = best_of_5(w, n, ctx);
	}
	/* Up to three measurements: a machine busy with other tests can
	 * disturb one (a CPU-time ratio of 8.8 was seen for linear work under
	 * make check's load); quadratic work exceeds 8x every time. */
	int64_t t4 = best_of_5(w, 4 * n, ctx);
	for (int again = 0; again < 2 && t4 > 8 * t1; again++) {
		t1 = best_of_5(w, n, ctx);
		t4 = best_of_5(w, 4 * n, ctx);
	}
	if (t4 > 8 * t1)
		fail_msg("%s: size %zu took %.1f ms, size %zu %.1f ms (%.1fx; linear is 4x)", what,
			 n, t1 / 1e6, 4 * n, t4 / 1e6, (double)t4 / (double)(t1 ? t1 : 1));
}

/* The id of the cached episode whose key is key, 0 when none. */
static inline int64_t episode_id_by_key(db *d, const char *key)
{
	db_episode *v;
	size_t n;
	int64_t id = 0;
	if (db_episode_list(d, 0, &v, &n) != 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].key, key) == 0)
			id = v[i].id;
	db_episode_list_free(v, n);
	return id;
}

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
