/*
 * download_name.c - file names for downloads, made from feed text (see
 * download.h). Pure functions except download_dir (environment) and the
 * caller's taken() callback.
 *
 * A feed is anyone's text: a title may hold "../", '/', escape sequences
 * or thousands of bytes. Nothing of it may pick a folder, hide a file or
 * reach the terminal later through a file name.
 */
#include "download.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "paths.h"
#include "text.h"
#include "util.h"

/* Drops a cut UTF-8 sequence at the end of s[0..n): the new length. */
static size_t utf8_boundary(const char *s, size_t n)
{
	size_t i = n;
	while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
		i--;
	if (i == 0)
		return 0;
	unsigned char lead = (unsigned char)s[i - 1];
	size_t need = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
	return n - (i - 1) >= need ? n : i - 1;
}

/* Trailing dots and blanks off s[0..n): the new length. */
static size_t trim_end(const char *s, size_t n)
{
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '.'))
		n--;
	return n;
}

char *download_name_part(const char *s, size_t max, const char *fallback)
{
	char *clean = text_sanitize(s ? s : "", (size_t)-1, 0);
	sbuf b = {0};
	char prev = 0;
	for (const char *p = clean; *p; p++) {
		char c = *p;
		if (c == '/' || c == '\\')
			c = '-';
		else if (isspace((unsigned char)c))
			c = ' ';
		/* No leading blank or dot (a hidden file, ".."), no runs of
		 * either ("..", "   "). */
		if ((c == ' ' || c == '.') && (b.len == 0 || c == prev))
			continue;
		sb_append(&b, &c, 1);
		prev = c;
	}
	free(clean);
	char *out = sb_steal(&b);
	if (!out)
		out = xstrdup("");
	size_t n = strlen(out);
	if (n > max)
		n = utf8_boundary(out, max);
	n = trim_end(out, n);
	out[n] = '\0';
	if (!n) {
		free(out);
		return xstrdup(fallback);
	}
	return out;
}

static const struct {
	const char *type, *ext;
} type_exts[] = {
	{"audio/mpeg", "mp3"},   {"audio/mp3", "mp3"},  {"audio/x-mp3", "mp3"},
	{"audio/mp4", "m4a"},    {"audio/x-m4a", "m4a"}, {"audio/aac", "aac"},
	{"audio/ogg", "ogg"},    {"audio/opus", "opus"}, {"audio/flac", "flac"},
	{"audio/wav", "wav"},    {"audio/x-wav", "wav"}, {"video/mp4", "mp4"},
	{"video/webm", "webm"},  {"audio/webm", "webm"},
};

char *download_ext(const char *url, const char *type)
{
	if (url) {
		/* The last path segment, before any query or fragment. */
		const char *end = url + strcspn(url, "?#");
		const char *slash = url, *dot = NULL;
		for (const char *p = url; p < end; p++)
			if (*p == '/')
				slash = p;
		for (const char *p = slash; p < end; p++)
			if (*p == '.')
				dot = p;
		size_t n = dot ? (size_t)(end - dot - 1) : 0;
		int ok = n >= 1 && n <= 5;
		for (size_t i = 0; ok && i < n; i++)
			ok = isalnum((unsigned char)dot[1 + i]);
		if (ok) {
			char *e = xstrndup(dot + 1, n);
			for (char *c = e; *c; c++)
				*c = (char)tolower((unsigned char)*c);
			return e;
		}
	}
	for (size_t i = 0; type && i < sizeof type_exts / sizeof type_exts[0]; i++)
		if (str_prefix(type, type_exts[i].type, 1))
			return xstrdup(type_exts[i].ext);
	return xstrdup("audio");
}

char *download_file_name(const char *title, int64_t published, int has_published,
			 const char *url, const char *type)
{
	char *t = download_name_part(title, DOWNLOAD_NAME_MAX, "untitled");
	char *ext = download_ext(url, type);
	char date[16] = "";
	time_t when = (time_t)published;
	struct tm tm;
	if (has_published && gmtime_r(&when, &tm))
		strftime(date, sizeof date, "%Y-%m-%d ", &tm);
	char *name = xasprintf("%s%s.%s", date, t, ext);
	free(t);
	free(ext);
	return name;
}

char *download_unique_path(const char *dir, const char *name,
			   int (*taken)(const char *path, void *ctx), void *ctx)
{
	const char *dot = strrchr(name, '.');
	size_t stem = dot && dot != name ? (size_t)(dot - name) : strlen(name);
	for (int i = 1; i < 1000; i++) {
		char *p = i == 1 ? xasprintf("%s/%s", dir, name)
				 : xasprintf("%s/%.*s (%d)%s", dir, (int)stem, name, i, name + stem);
		if (!taken || !taken(p, ctx))
			return p;
		free(p);
	}
	return NULL;
}

char *download_dir(const config *c)
{
	if (c && !str_blank(c->download_dir)) {
		const char *home = getenv("HOME");
		if (str_prefix(c->download_dir, "~/", 0) && home && *home)
			return xasprintf("%s%s", home, c->download_dir + 1);
		return xstrdup(c->download_dir);
	}
	char *base = paths_default_db(); /* DATA/podcue/podcue.db */
	char *slash = strrchr(base, '/');
	if (slash)
		*slash = '\0';
	char *dir = xasprintf("%s/downloads", base);
	free(base);
	return dir;
}
