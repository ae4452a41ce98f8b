/*
 * test_db_lock.c - the message for a cache locked by another process.
 *
 * The message names the process holding the lock ("another process (pid
 * N, name)"). Finding it must not cost this process its own locks: closing
 * any descriptor of a file drops every POSIX lock the process holds on it,
 * SQLite's included, and a connection of another process that then finds
 * the -shm file unlocked rebuilds it under this process's mapping, which
 * ended in SIGBUS in the interface (seen under load in e2e/locked.sh).
 */
#include <signal.h>
#include <sqlite3.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#include "testutil.h"

/* The lock holder: a child that opens its own connection only after the
 * fork (no SQLite state carried over), takes the write lock, says so on
 * `ready` and holds it until a byte arrives on `go`. */
static void hold_lock(const char *path, int ready, int go)
{
	sqlite3 *h;
	char c = 'r';
	if (sqlite3_open(path, &h) != SQLITE_OK || sqlite3_busy_timeout(h, 5000) != SQLITE_OK ||
	    sqlite3_exec(h, "BEGIN IMMEDIATE; UPDATE podcast SET title = 'held'", NULL, NULL,
			 NULL) != SQLITE_OK)
		_exit(2);
	if (write(ready, &c, 1) != 1 || read(go, &c, 1) < 0)
		_exit(3);
	sqlite3_exec(h, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(h);
	_exit(0);
}

/* SQLite's unix VFS keeps a shared lock on this byte of the -shm file for
 * as long as a connection uses it (UNIX_SHM_DMS: 120 + SQLITE_SHM_NLOCK);
 * a process that finds it unlocked may rebuild the file. */
#define SHM_DMS_BYTE 128

/* Whether this process holds a POSIX lock on byte `at` of the file, from
 * /proc/locks. Its lines are ranges, and the kernel merges adjacent ranges
 * of one process (a read mark next to the DMS byte shows as one line), so
 * the lines are not counted, only the range searched. */
static int own_lock_covers(const char *file, long at)
{
	struct stat st;
	assert_int_equal(stat(file, &st), 0);
	FILE *f = fopen("/proc/locks", "r");
	assert_non_null(f);
	char line[256], end[32];
	int found = 0;
	while (fgets(line, sizeof line, f)) {
		long pid, from;
		unsigned maj, min;
		unsigned long ino;
		const char *p = strchr(line, ':');
		if (p && !strstr(line, "->") &&
		    sscanf(p + 1, " POSIX %*s %*s %ld %x:%x:%lu %ld %31s", &pid, &maj, &min, &ino,
			   &from, end) == 6 &&
		    pid == (long)getpid() && maj == major(st.st_dev) && min == minor(st.st_dev) &&
		    ino == (unsigned long)st.st_ino && from <= at &&
		    (strcmp(end, "EOF") == 0 || atol(end) >= at))
			found = 1;
	}
	fclose(f);
	return found;
}

static void test_locked_message_keeps_own_locks(void **state)
{
	(void)state;
	char *path = tmp_db(), *shm = xasprintf("%s-shm", path), *err = NULL;
	int ready[2], go[2];
	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(go), 0);
	db *d;
	assert_int_equal(db_open(path, &d, &err), 0);
	int64_t id;
	int existed;
	assert_int_equal(db_podcast_add(d, "https://x.example/f", 0, &id, &existed), 0);
	fflush(NULL);
	pid_t kid = fork();
	assert_true(kid >= 0);
	if (kid == 0) {
		/* Only the parent writes `go`: when it dies (a failed check),
		 * the child reads EOF and ends instead of waiting forever. */
		close(go[1]);
		close(ready[0]);
		hold_lock(path, ready[1], go[0]);
	}
	close(go[0]);
	close(ready[1]);
	char c;
	assert_int_equal(read(ready[0], &c, 1), 1);

	/* Reading keeps the -shm file mapped and locked (SQLite's shared lock
	 * saying a connection uses it). */
	db_podcast *v;
	size_t n;
	assert_int_equal(db_podcast_list(d, &v, &n), 0);
	db_podcast_list_free(v, n);
	if (!own_lock_covers(shm, SHM_DMS_BYTE))
		fail_msg("no lock of this process on the -shm file's DMS byte to begin with");

	db_set_busy_timeout(d, 50);
	assert_int_equal(db_podcast_set_speed(d, id, 1.5), -1);
	assert_true(db_err_busy(d));
	char *want = xasprintf("locked by another process (pid %ld", (long)kid);
	const char *msg = db_errmsg(d);
	if (!strstr(msg, want))
		fail_msg("the message \"%s\" does not name pid %ld", msg, (long)kid);
	free(want);
	if (!own_lock_covers(shm, SHM_DMS_BYTE))
		fail_msg("finding the holder dropped this process's lock on the -shm file");

	assert_int_equal(write(go[1], "g", 1), 1);
	int st;
	assert_int_equal(waitpid(kid, &st, 0), kid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	db_set_busy_timeout(d, 10000);
	assert_int_equal(db_podcast_set_speed(d, id, 1.5), 0);
	db_close(d);
	close(ready[0]);
	close(go[1]);
	free(shm);
	rm_db(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_locked_message_keeps_own_locks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
