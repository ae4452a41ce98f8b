/*
 * db_fs.c - the cache and its file system (see db_int.h): opening a cache
 * the process may not write (a read-only file system, a file without
 * write permission) for reading, and the messages for a cache that is
 * read-only, on a full disk, or locked by another process, in place of
 * SQLite's "attempt to write a readonly database" and "database is
 * locked".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "db_int.h"
#include "util.h"

int dbi_readonly_reason(const char *path)
{
	struct statvfs vfs;
	if (access(path, F_OK) != 0)
		return DBI_RW; /* to be created: the open says why it cannot */
	if (statvfs(path, &vfs) == 0 && (vfs.f_flag & ST_RDONLY))
		return DBI_RO_FS;
	if (access(path, W_OK) != 0 && (errno == EACCES || errno == EROFS))
		return errno == EROFS ? DBI_RO_FS : DBI_RO_FILE;
	return DBI_RW;
}

/* "file:" URI of path, with the characters a URI gives meaning escaped. */
static char *file_uri(const char *path, const char *query)
{
	sbuf b = SBUF_INIT;
	sb_puts(&b, "file:");
	for (const char *p = path; *p; p++) {
		if (*p == '%' || *p == '?' || *p == '#')
			sb_printf(&b, "%%%02X", (unsigned char)*p);
		else
			sb_putc(&b, *p);
	}
	sb_printf(&b, "?%s", query);
	return sb_steal(&b);
}

/* 1 when path has a non-empty -wal file beside it. */
static int wal_left(const char *path)
{
	char *wal = xasprintf("%s-wal", path);
	struct stat st;
	int left = stat(wal, &st) == 0 && st.st_size > 0;
	free(wal);
	return left;
}

int dbi_open_readonly(const char *path, int why, int version, db **out, char **err)
{
	db *d = xcalloc(1, sizeof *d);
	d->ro = why;
	/* On a read-only file system nobody can change the file, so it may
	 * be read as immutable: SQLite then needs no -shm file for a WAL
	 * cache (it cannot create one there). Otherwise the -shm next to
	 * the file keeps a reader in step with a writer. */
	int v = -1, rc = SQLITE_CANTOPEN;
	/* A WAL left by a crash holds the latest writes: read it through its
	 * -shm when SQLite can; else the file alone, as it was at the last
	 * checkpoint (immutable: only on a read-only file system). */
	int first = why == DBI_RO_FS && !wal_left(path), last = why == DBI_RO_FS;
	for (int immutable = first; immutable <= last && v < 0; immutable++) {
		if (d->h)
			sqlite3_close(d->h);
		d->h = NULL;
		char *uri = file_uri(path, immutable ? "mode=ro&immutable=1" : "mode=ro");
		rc = sqlite3_open_v2(uri, &d->h,
				     SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX,
				     NULL);
		free(uri);
		if (rc == SQLITE_OK) {
			sqlite3_busy_timeout(d->h, 10000);
			sqlite3_extended_result_codes(d->h, 1);
			v = db_schema_version(d);
		}
	}
	if (v != version) {
		const char *why_text = dbi_readonly_text(why);
		if (v < 0)
			*err = xasprintf("cannot open cache %s (%s): %s", path, why_text,
					 d->h ? sqlite3_errmsg(d->h) : sqlite3_errstr(rc));
		else if (v < version)
			*err = xasprintf("cannot use cache %s: it needs an upgrade to this "
					 "podcue's schema, but %s", path, why_text);
		else
			*err = xasprintf("cannot use cache %s: it was written by a newer "
					 "podcue (schema %d, this one knows %d)", path, v, version);
		db_close(d);
		return -1;
	}
	dbi_exec(d, "PRAGMA foreign_keys=ON");
	*out = d;
	return 0;
}

int db_readonly(db *d)
{
	return d && d->ro != DBI_RW;
}

const char *dbi_readonly_text(int why)
{
	return why == DBI_RO_FS ? "the cache is on a read-only filesystem"
				: "the cache file is not writable";
}

/* Whether a /proc/locks line is a lock held (not waited for) on the file
 * (dev, ino) over any of bytes [at, at + len), by a process other than
 * self; its pid then. Lines read "1: POSIX  ADVISORY  WRITE 27689
 * fe:01:123456 120 120" (the device in hex, the end inclusive or EOF). */
static long locks_line_holder(const char *line, const struct stat *st, off_t at, off_t len)
{
	char kind[16], end[24];
	long pid;
	unsigned maj, min;
	unsigned long ino;
	long long start;
	const char *p = strchr(line, ':');
	if (!p || strstr(line, "->"))
		return 0;
	if (sscanf(p + 1, " %15s %*s %*s %ld %x:%x:%lu %lld %23s", kind, &pid, &maj, &min, &ino,
		   &start, end) != 7)
		return 0;
	if (strcmp(kind, "POSIX") != 0 || pid <= 0 || pid == (long)getpid() ||
	    maj != major(st->st_dev) || min != minor(st->st_dev) || ino != (unsigned long)st->st_ino)
		return 0;
	long long last = strcmp(end, "EOF") ? atoll(end) : -1;
	if (start >= at + len || (last >= 0 && last < at))
		return 0;
	return pid;
}

/* The process holding the write lock on the cache: the WAL write lock is
 * byte 120 of the -shm file (SQLite's WALINDEX_LOCK_OFFSET); a rollback
 * journal's is the database's pending byte. 0 when none is seen.
 *
 * Read from /proc/locks, never by opening the files: closing any
 * descriptor of a file drops every POSIX lock this process holds on it,
 * SQLite's own included, and another connection that then finds the
 * -shm file unlocked rebuilds it under our mapping (SIGBUS). */
static long lock_holder(const char *dbfile)
{
	struct {
		const char *suffix;
		off_t at, len;
	} where[] = {{"-shm", 120, 1}, {"", 0x40000000, 514}};
	FILE *locks = fopen("/proc/locks", "re");
	if (!locks)
		return 0;
	long pid = 0;
	for (size_t i = 0; !pid && i < sizeof where / sizeof where[0]; i++) {
		char *p = xasprintf("%s%s", dbfile, where[i].suffix);
		struct stat st;
		int have = stat(p, &st) == 0;
		free(p);
		char line[256];
		rewind(locks);
		while (have && !pid && fgets(line, sizeof line, locks))
			pid = locks_line_holder(line, &st, where[i].at, where[i].len);
	}
	fclose(locks);
	return pid;
}

/* "another podcue (pid 123)", "another process (pid 123, sqlite3)" or
 * "another process". */
static char *holder_text(const char *dbfile)
{
	long pid = dbfile ? lock_holder(dbfile) : 0;
	if (pid <= 0)
		return xstrdup("another process");
	char comm[64] = "", *path = xasprintf("/proc/%ld/comm", pid);
	FILE *f = fopen(path, "r");
	free(path);
	if (f) {
		if (!fgets(comm, sizeof comm, f))
			comm[0] = '\0';
		fclose(f);
	}
	comm[strcspn(comm, "\r\n")] = '\0';
	for (char *c = comm; *c; c++)
		if ((unsigned char)*c < ' ' || *c == 0x7f)
			*c = '?';
	if (!strcmp(comm, "podcue"))
		return xasprintf("another podcue (pid %ld)", pid);
	if (comm[0])
		return xasprintf("another process (pid %ld, %s)", pid, comm);
	return xasprintf("another process (pid %ld)", pid);
}

char *dbi_error_text(db *d, const char *what, const char *sqlite_msg)
{
	int code = sqlite3_extended_errcode(d->h) & 0xff;
	int sys = sqlite3_system_errno(d->h); /* what the OS said, for I/O errors */
	const char *file = sqlite3_db_filename(d->h, "main");
	char *msg;
	if (code == SQLITE_IOERR && (sys == ENOSPC || sys == EDQUOT))
		code = SQLITE_FULL;
	if (code == SQLITE_IOERR && sys == EROFS)
		code = SQLITE_READONLY;
	if (code == SQLITE_READONLY) {
		msg = xstrdup(d->ro ? dbi_readonly_text(d->ro) : "the cache is read-only");
	} else if (code == SQLITE_FULL) {
		msg = xstrdup(sys == EDQUOT ? "the disk quota for the cache is used up"
					    : "the disk holding the cache is full");
	} else if (code == SQLITE_BUSY) {
		char *who = holder_text(file);
		msg = xasprintf("the cache is locked by %s: it still held the lock "
				"after 10 s", who);
		free(who);
	} else {
		msg = xstrdup(sqlite_msg);
	}
	if (!what)
		return msg;
	char *out = xasprintf("%s: %s", what, msg);
	free(msg);
	return out;
}
