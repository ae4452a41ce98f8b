/*
 * urlrule.h - which URLs podcue may hand to libcurl and libmpv.
 *
 * This is a security boundary: feeds, OPML files, chapter files and
 * redirects come from anyone, and a URL in them must never make podcue
 * read a local file, talk another protocol (ftp:, gopher:, dict:, smb:) or
 * open one of libmpv's pseudo-inputs (av://, lavfi:, a relative path). Every
 * decision on a URL's scheme is made here, and nowhere else:
 *
 *   feeds typed by the user     http, https; file:// and existing paths
 *                               make the podcast local (paths_feed_url)
 *   feeds from an OPML file     http, https
 *   itunes:new-feed-url         http, https
 *   redirects (any request)     to http, https only
 *   chapter files, media files  http, https; file:// (and, to play, an
 *                               absolute path) only for a local podcast
 *
 * "Local podcast" is the flag db_podcast.is_local, set only when the user
 * subscribed a file: callers pass it as allow_file/allow_local. Schemes are
 * compared case-insensitively; a URL with spaces or control characters, or
 * an http(s) URL without a host, is refused whatever its scheme.
 *
 * Private network access (as browsers have it): a feed fetched from a
 * public address may not make podcue request a loopback, link-local or
 * private address (chapter files, media probes), unless the user allows it
 * (allow_private_from_public = 1); feeds that are themselves local (a
 * file, or a host with a private address) are unaffected. urlrule_addr_private
 * is the rule; fetch.c applies it to the address each connection actually
 * reached (so a name that resolves differently the second time, DNS
 * rebinding, gains nothing), and to every redirect hop.
 *
 * Pure functions of their arguments, no state: any thread.
 */
#ifndef PODCUE_URLRULE_H
#define PODCUE_URLRULE_H

/* Why url may not be fetched, or NULL when it may: "unsupported URL
 * scheme", "malformed URL (no host)" or "malformed URL (contains spaces or
 * control characters)". NULL url: refused. Static string. */
const char *urlrule_refusal(const char *url, int allow_file);

/* 1 when url may be fetched (urlrule_refusal is NULL): http:// and https://
 * always, file:// only when allow_file. */
int urlrule_fetchable(const char *url, int allow_file);

/* 1 for an http:// or https:// URL that may be fetched: the rule for
 * anything a remote document names as a feed (OPML outlines,
 * itunes:new-feed-url) and for the first test on what the user typed. */
int urlrule_remote(const char *url);

/* 1 when libmpv may be handed url: as urlrule_fetchable, plus an absolute
 * path without control characters when allow_local. */
int urlrule_playable(const char *url, int allow_local);

/* The protocols libcurl is told to allow (CURLOPT_PROTOCOLS_STR) for a
 * request, and on redirects (CURLOPT_REDIR_PROTOCOLS_STR): the same rule,
 * enforced again by libcurl itself. Static strings. */
const char *urlrule_curl_protocols(int allow_file);
const char *urlrule_curl_redirect_protocols(void);

/* 1 when ip (a numeric IPv4 or IPv6 address, as libcurl reports it) is
 * not a public one: loopback (127/8, ::1), link-local (169.254/16,
 * fe80::/10), private (10/8, 172.16/12, 192.168/16, fc00::/7), shared
 * (100.64/10), "this network" (0/8, ::) and multicast, also inside an
 * IPv4-mapped IPv6 address. An unparseable ip counts as private. */
int urlrule_addr_private(const char *ip);

#endif
