/*
 * curl_lazy.c - libcurl, loaded when first used (see curl_lazy.h).
 *
 * Each function below has the name and prototype <curl/curl.h> declares
 * (the compiler checks them against it) and forwards to the library's own,
 * looked up once. The executable is linked without -rdynamic, so these
 * definitions are not exported: libcurl, opened RTLD_LOCAL, keeps calling
 * its own functions.
 */
#define CURL_DISABLE_TYPECHECK /* the typecheck macros would rename our definitions */
#include "curl_lazy.h"

#include <curl/curl.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>

/* The library podcue was built against (the Makefile reads its SONAME),
 * then the other Debian flavours, which share its ABI. */
#ifndef PODCUE_CURL_SONAME
#define PODCUE_CURL_SONAME "libcurl.so.4"
#endif

#define CURL_FUNCTIONS(X)                                                               \
	X(global_init) X(global_cleanup) X(easy_init) X(easy_setopt) X(easy_perform)      \
	X(easy_cleanup) X(easy_getinfo) X(easy_strerror) X(easy_escape) X(free)           \
	X(slist_append) X(slist_free_all) X(getdate) X(multi_init) X(multi_add_handle)    \
	X(multi_remove_handle) X(multi_poll) X(multi_perform) X(multi_cleanup)            \
	X(multi_info_read) X(multi_setopt) X(url) X(url_cleanup) X(url_get) X(url_set)

static struct {
#define FIELD(f) __typeof__(curl_##f) *f;
	CURL_FUNCTIONS(FIELD)
#undef FIELD
} fn;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int ready;
static char load_error[256];

static void load(void)
{
	static const char *const names[] = {PODCUE_CURL_SONAME, "libcurl.so.4",
					    "libcurl-gnutls.so.4", "libcurl-nss.so.4"};
	void *lib = NULL;
	for (size_t i = 0; !lib && i < sizeof names / sizeof names[0]; i++)
		lib = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		const char *e = dlerror();
		snprintf(load_error, sizeof load_error, "cannot load libcurl: %s",
			 e ? e : "not found");
		return;
	}
#define LOOKUP(f)                                                                   \
	*(void **)(&fn.f) = dlsym(lib, "curl_" #f);                                 \
	if (!fn.f) {                                                                \
		snprintf(load_error, sizeof load_error, "libcurl lacks curl_" #f);  \
		return;                                                             \
	}
	CURL_FUNCTIONS(LOOKUP)
#undef LOOKUP
	ready = 1;
}

/* Whether the library is usable, opening it on the first call. */
static int have(void)
{
	pthread_once(&once, load);
	return ready;
}

const char *curl_lazy_error(void)
{
	return have() ? NULL : load_error;
}

int curl_lazy_loaded(void)
{
	return have();
}

/* --- global, easy --------------------------------------------------------- */

CURLcode curl_global_init(long flags)
{
	return have() ? fn.global_init(flags) : CURLE_FAILED_INIT;
}

void curl_global_cleanup(void)
{
	if (have())
		fn.global_cleanup();
}

CURL *curl_easy_init(void)
{
	return have() ? fn.easy_init() : NULL;
}

/* The variadic argument's type follows from the option's number range
 * (CURLOPTTYPE_*), as libcurl itself reads it. Multi options use the same
 * ranges. */
typedef void (*any_fn)(void);

CURLcode curl_easy_setopt(CURL *h, CURLoption opt, ...)
{
	if (!have())
		return CURLE_FAILED_INIT;
	va_list ap;
	va_start(ap, opt);
	CURLcode rc;
	if (opt < CURLOPTTYPE_OBJECTPOINT)
		rc = fn.easy_setopt(h, opt, va_arg(ap, long));
	else if (opt < CURLOPTTYPE_FUNCTIONPOINT)
		rc = fn.easy_setopt(h, opt, va_arg(ap, void *));
	else if (opt < CURLOPTTYPE_OFF_T)
		rc = fn.easy_setopt(h, opt, va_arg(ap, any_fn));
	else if (opt < CURLOPTTYPE_BLOB)
		rc = fn.easy_setopt(h, opt, va_arg(ap, curl_off_t));
	else
		rc = fn.easy_setopt(h, opt, va_arg(ap, void *));
	va_end(ap);
	return rc;
}

CURLcode curl_easy_perform(CURL *h)
{
	return have() ? fn.easy_perform(h) : CURLE_FAILED_INIT;
}

void curl_easy_cleanup(CURL *h)
{
	if (have())
		fn.easy_cleanup(h);
}

/* Every CURLINFO takes one pointer to where the answer goes. */
CURLcode curl_easy_getinfo(CURL *h, CURLINFO info, ...)
{
	if (!have())
		return CURLE_FAILED_INIT;
	va_list ap;
	va_start(ap, info);
	CURLcode rc = fn.easy_getinfo(h, info, va_arg(ap, void *));
	va_end(ap);
	return rc;
}

const char *curl_easy_strerror(CURLcode code)
{
	return have() ? fn.easy_strerror(code) : load_error;
}

char *curl_easy_escape(CURL *h, const char *s, int len)
{
	return have() ? fn.easy_escape(h, s, len) : NULL;
}

void curl_free(void *p)
{
	if (p && have())
		fn.free(p);
}

struct curl_slist *curl_slist_append(struct curl_slist *l, const char *s)
{
	return have() ? fn.slist_append(l, s) : NULL;
}

void curl_slist_free_all(struct curl_slist *l)
{
	if (l && have())
		fn.slist_free_all(l);
}

time_t curl_getdate(const char *p, const time_t *unused)
{
	return have() ? fn.getdate(p, unused) : -1;
}

/* --- multi ---------------------------------------------------------------- */

CURLM *curl_multi_init(void)
{
	return have() ? fn.multi_init() : NULL;
}

CURLMcode curl_multi_add_handle(CURLM *m, CURL *h)
{
	return have() ? fn.multi_add_handle(m, h) : CURLM_INTERNAL_ERROR;
}

CURLMcode curl_multi_remove_handle(CURLM *m, CURL *h)
{
	return have() ? fn.multi_remove_handle(m, h) : CURLM_INTERNAL_ERROR;
}

CURLMcode curl_multi_poll(CURLM *m, struct curl_waitfd extra[], unsigned int nextra,
			  int timeout_ms, int *ret)
{
	return have() ? fn.multi_poll(m, extra, nextra, timeout_ms, ret) : CURLM_INTERNAL_ERROR;
}

CURLMcode curl_multi_perform(CURLM *m, int *running)
{
	return have() ? fn.multi_perform(m, running) : CURLM_INTERNAL_ERROR;
}

CURLMcode curl_multi_cleanup(CURLM *m)
{
	return have() ? fn.multi_cleanup(m) : CURLM_INTERNAL_ERROR;
}

CURLMsg *curl_multi_info_read(CURLM *m, int *left)
{
	return have() ? fn.multi_info_read(m, left) : NULL;
}

CURLMcode curl_multi_setopt(CURLM *m, CURLMoption opt, ...)
{
	if (!have())
		return CURLM_INTERNAL_ERROR;
	va_list ap;
	va_start(ap, opt);
	CURLMcode rc;
	if (opt < CURLOPTTYPE_OBJECTPOINT)
		rc = fn.multi_setopt(m, opt, va_arg(ap, long));
	else if (opt < CURLOPTTYPE_FUNCTIONPOINT)
		rc = fn.multi_setopt(m, opt, va_arg(ap, void *));
	else if (opt < CURLOPTTYPE_OFF_T)
		rc = fn.multi_setopt(m, opt, va_arg(ap, any_fn));
	else
		rc = fn.multi_setopt(m, opt, va_arg(ap, curl_off_t));
	va_end(ap);
	return rc;
}

/* --- URLs ----------------------------------------------------------------- */

CURLU *curl_url(void)
{
	return have() ? fn.url() : NULL;
}

void curl_url_cleanup(CURLU *u)
{
	if (u && have())
		fn.url_cleanup(u);
}

CURLUcode curl_url_get(CURLU *u, CURLUPart what, char **part, unsigned int flags)
{
	return have() ? fn.url_get(u, what, part, flags) : CURLUE_OUT_OF_MEMORY;
}

CURLUcode curl_url_set(CURLU *u, CURLUPart what, const char *part, unsigned int flags)
{
	return have() ? fn.url_set(u, what, part, flags) : CURLUE_OUT_OF_MEMORY;
}
