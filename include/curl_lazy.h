/*
 * curl_lazy.h - libcurl, loaded when first used.
 *
 * podcue is not linked against libcurl: its chain of ~30 shared libraries
 * (TLS, Kerberos, LDAP, SSH, IDN...) took 14 of the 21 ms that every start
 * spent in the dynamic loader, and most runs (the interface's first paint,
 * search, list, every command that only reads the cache) never touch the
 * network. src/curl_lazy.c defines the libcurl functions podcue calls, under
 * their own names and with <curl/curl.h>'s prototypes; the first call to any
 * of them opens the library (dlopen, once, thread-safe) and every call goes
 * through to it. Call sites are plain libcurl.
 *
 * If the library cannot be opened, the functions fail the way libcurl does
 * when it cannot start (NULL handles, CURLE_FAILED_INIT, CURLM_INTERNAL_ERROR,
 * CURLUE_OUT_OF_MEMORY, -1 from curl_getdate), so every caller's existing
 * error path runs; curl_lazy_error() says why.
 *
 * Any thread.
 */
#ifndef PODCUE_CURL_LAZY_H
#define PODCUE_CURL_LAZY_H

/* Opens libcurl now if not yet opened. Returns NULL when it is usable, or
 * a static message ("cannot load libcurl: ...") when it is not. */
const char *curl_lazy_error(void);

/* Whether this process has opened libcurl (for tests). */
int curl_lazy_loaded(void);

#endif
