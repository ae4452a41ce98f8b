/*
 * urlrule.c - which URLs podcue may hand to libcurl and libmpv (see
 * urlrule.h for the rule and who relies on it).
 */
#include "urlrule.h"

#include <arpa/inet.h>
#include <string.h>

#include <stddef.h>
#include <string.h>

#include "util.h"

const char *urlrule_refusal(const char *url, int allow_file)
{
	const char *rest;
	int is_file = 0;
	if (!url)
		return "unsupported URL scheme";
	if (str_prefix(url, "http://", 1))
		rest = url + 7;
	else if (str_prefix(url, "https://", 1))
		rest = url + 8;
	else if (allow_file && str_prefix(url, "file://", 1))
		rest = url + 7, is_file = 1;
	else
		return "unsupported URL scheme";
	for (const unsigned char *p = (const unsigned char *)url; *p; p++)
		if (*p <= ' ' || *p == 0x7f)
			return "malformed URL (contains spaces or control characters)";
	/* http needs a host ("http:///x" is not fetchable); file:///x is fine. */
	if (!*rest || (!is_file && strchr("/?#", *rest)))
		return "malformed URL (no host)";
	return NULL;
}

int urlrule_fetchable(const char *url, int allow_file)
{
	return urlrule_refusal(url, allow_file) == NULL;
}

int urlrule_remote(const char *url)
{
	return urlrule_fetchable(url, 0);
}

int urlrule_playable(const char *url, int allow_local)
{
	if (!url || !*url)
		return 0;
	if (url[0] == '/') {
		if (!allow_local)
			return 0;
		for (const unsigned char *s = (const unsigned char *)url; *s; s++)
			if (*s < 0x20 || *s == 0x7f)
				return 0;
		return 1;
	}
	return urlrule_fetchable(url, allow_local);
}

const char *urlrule_curl_protocols(int allow_file)
{
	return allow_file ? "http,https,file" : "http,https";
}

const char *urlrule_curl_redirect_protocols(void)
{
	return "http,https";
}

/* ---- private network access ------------------------------------------ */

static int v4_private(const unsigned char *a)
{
	return a[0] == 0 || a[0] == 10 || a[0] == 127 || (a[0] == 169 && a[1] == 254) ||
	       (a[0] == 172 && (a[1] & 0xf0) == 16) || (a[0] == 192 && a[1] == 168) ||
	       (a[0] == 100 && (a[1] & 0xc0) == 64) || a[0] >= 224;
}

int urlrule_addr_private(const char *ip)
{
	unsigned char a[16];
	if (!ip)
		return 1;
	if (inet_pton(AF_INET, ip, a) == 1)
		return v4_private(a);
	if (inet_pton(AF_INET6, ip, a) != 1)
		return 1;
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	if (!memcmp(a, mapped, 12))
		return v4_private(a + 12);
	int zero = 1;
	for (int i = 0; i < 15; i++)
		zero &= a[i] == 0;
	if (zero) /* :: and ::1 */
		return 1;
	return (a[0] & 0xfe) == 0xfc || (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) ||
	       a[0] == 0xff;
}
