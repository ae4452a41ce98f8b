/*
 * paths.c - XDG locations (see paths.h).
 */
#include "paths.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>

#include "urlrule.h"
#include "util.h"

/* $VAR/podcue/name, or $HOME/fallback/podcue/name when $VAR is unset or
 * not absolute (as the XDG spec requires). */
static char *xdg_file(const char *var, const char *fallback, const char *name)
{
	const char *base = getenv(var);
	if (base && base[0] == '/')
		return xasprintf("%s/podcue/%s", base, name);
	const char *home = getenv("HOME");
	if (!home || !*home)
		home = ".";
	return xasprintf("%s/%s/podcue/%s", home, fallback, name);
}

char *paths_default_db(void)
{
	return xdg_file("XDG_DATA_HOME", ".local/share", "podcue.db");
}

char *paths_default_config(void)
{
	return xdg_file("XDG_CONFIG_HOME", ".config", "config");
}

char *paths_sync_password(void)
{
	return xdg_file("XDG_CONFIG_HOME", ".config", "sync-password");
}

char *paths_default_log(void)
{
	return xdg_file("XDG_STATE_HOME", ".local/state", "podcue.log");
}

int paths_make_parent(const char *file)
{
	char *dir = xstrdup(file);
	char *slash = strrchr(dir, '/');
	if (!slash) {
		free(dir);
		return 0;
	}
	*slash = '\0';
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			free(dir);
			return -1;
		}
		*p = '/';
	}
	int rc = (*dir && mkdir(dir, 0700) != 0 && errno != EEXIST) ? -1 : 0;
	free(dir);
	return rc;
}

char *paths_file_url(const char *path)
{
	char *abs = realpath(path, NULL);
	if (!abs)
		return NULL;
	/* Percent-encode through curl's URL API so spaces and '#' survive. */
	CURLU *u = curl_url();
	char *out = NULL;
	char *url = NULL;
	if (u && curl_url_set(u, CURLUPART_SCHEME, "file", 0) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_HOST, "", 0) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_PATH, abs, CURLU_URLENCODE) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_URL, &url, 0) == CURLUE_OK)
		out = xstrdup(url);
	curl_free(url);
	curl_url_cleanup(u);
	if (!out)
		out = xasprintf("file://%s", abs);
	free(abs);
	return out;
}

char *paths_feed_url(const char *arg, int *is_local)
{
	*is_local = 0;
	if (urlrule_remote(arg))
		return xstrdup(arg);
	if (str_prefix(arg, "file://", 1)) {
		*is_local = 1;
		return xstrdup(arg);
	}
	if (!strstr(arg, "://")) {
		char *u = paths_file_url(arg);
		if (u)
			*is_local = 1;
		return u;
	}
	return NULL;
}
