/*
 * dlfile.c - deleting downloaded files safely (see dlfile.h).
 */
#include "dlfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "download.h"
#include "text.h"
#include "util.h"

/* The resolved folder of path, or NULL. */
static char *real_dir(const char *path)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	if (!slash) {
		free(dir);
		dir = xstrdup(".");
	} else if (slash == dir) {
		slash[1] = '\0';
	} else {
		*slash = '\0';
	}
	char *r = realpath(dir, NULL);
	free(dir);
	return r;
}

/* 1 when path's folder, resolved, is the download folder or inside it
 * (strict: inside only). */
static int contained(const config *c, const char *path, int strict)
{
	char *root = download_dir(c);
	char *rroot = realpath(root, NULL);
	char *rdir = real_dir(path);
	int in = 0;
	if (rroot && rdir) {
		size_t n = strlen(rroot);
		if (!strcmp(rroot, "/"))
			n = 0; /* everything is inside "/" */
		in = !strncmp(rdir, rroot, n) &&
		     (rdir[n] == '/' || (!strict && rdir[n] == '\0'));
	}
	free(root);
	free(rroot);
	free(rdir);
	return in;
}

static char *kept(const char *path, const char *why)
{
	char *safe = text_sanitize(path, (size_t)-1, 0);
	char *m = xasprintf("kept %s: %s", safe, why);
	free(safe);
	return m;
}

/* One file: 0 deleted, 1 not there, 2 kept, -1 failed. */
static int unlink_one(const char *path, int inside, char **msg)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 1 : (*msg = xasprintf("cannot delete %s: %s", path,
							        strerror(errno)), -1);
	if (S_ISLNK(st.st_mode))
		return *msg = kept(path, "a symbolic link, not a file podcue wrote"), 2;
	if (!S_ISREG(st.st_mode))
		return *msg = kept(path, "not a regular file"), 2;
	if (!inside)
		return *msg = kept(path, "outside the download folder"), 2;
	if (unlink(path) != 0 && errno != ENOENT)
		return *msg = xasprintf("cannot delete %s: %s", path, strerror(errno)), -1;
	return 0;
}

int download_unlink(const config *c, const char *path, char **msg)
{
	*msg = NULL;
	if (!path)
		return 1;
	int inside = contained(c, path, 0);
	char *part = xasprintf("%s.part", path);
	char *m2 = NULL;
	int a = unlink_one(path, inside, msg);
	int b = unlink_one(part, inside, *msg ? &m2 : msg);
	free(m2);
	free(part);
	if (a < 0 || b < 0)
		return -1;
	if (a == 2 || b == 2)
		return 2;
	return a == 0 || b == 0 ? 0 : 1;
}

void download_rmdir(const config *c, const char *path)
{
	if (!path || !contained(c, path, 1))
		return;
	char *dir = real_dir(path);
	if (dir)
		rmdir(dir); /* fails, harmlessly, when something is left in it */
	free(dir);
}

int download_delete(db *d, const config *c, int64_t episode_id, char **msg)
{
	*msg = NULL;
	db_download r;
	int rc = db_download_get(d, episode_id, &r);
	if (rc != 0) {
		if (rc < 0)
			*msg = xstrdup(db_errmsg(d));
		return rc;
	}
	rc = download_unlink(c, r.path, msg);
	db_download_free(&r);
	if (rc < 0)
		return -1;
	if (db_download_remove(d, episode_id) < 0) {
		free(*msg);
		*msg = xstrdup(db_errmsg(d));
		return -1;
	}
	return rc == 1 ? 0 : rc;
}

int download_hold(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	/* Never waits: a cleanup tests its lock only for an instant, and a
	 * downloader that has just renamed its .part still holds one. */
	if (flock(fd, LOCK_SH | LOCK_NB) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int download_in_use(const char *path)
{
	if (!path)
		return 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return 0;
	int busy = flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
	close(fd);
	return busy;
}
