/*
 * fetch_msg.c - the messages of failed requests (see fetch_int.h): what
 * happened, in one line a user can act on, with the server's own words
 * where they help.
 */
#include "fetch_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* s with control characters turned into spaces and surrounding blanks
 * trimmed: always one line. Takes ownership of s. */
char *fetchi_one_line(char *s)
{
	for (char *c = s; *c; c++)
		if ((unsigned char)*c < ' ' || *c == 0x7f)
			*c = ' ';
	char *t = str_trim_dup(s);
	free(s);
	return t ? t : xstrdup("unknown error");
}

static char *size_text(size_t n)
{
	if (n >= MIB && n % MIB == 0)
		return xasprintf("%zu MiB", n / MIB);
	if (n >= 1024 && n % 1024 == 0)
		return xasprintf("%zu KiB", n / 1024);
	return xasprintf("%zu bytes", n);
}

static char *seconds_text(long ms)
{
	if (ms % 1000 == 0)
		return xasprintf("%ld s", ms / 1000);
	return xasprintf("%.1f s", (double)ms / 1000.0);
}

static const char *reason_for(long code)
{
	switch (code) {
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 406: return "Not Acceptable";
	case 408: return "Request Timeout";
	case 410: return "Gone";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return NULL;
	}
}

char *fetchi_status_text(const fetch_job *j, long status)
{
	const char *reason = j->reason && *j->reason ? j->reason : reason_for(status);
	if (reason)
		return fetchi_one_line(xasprintf("HTTP %ld %s", status, reason));
	return xasprintf("HTTP %ld", status);
}

static char *too_large_text(const fetcher *f)
{
	char *sz = size_text(f->o.max_body);
	char *msg = xasprintf("response too large (over %s)", sz);
	free(sz);
	return msg;
}

/* "text (detail)" with detail being errbuf, or curl's generic message. */
static char *with_detail(const fetch_job *j, CURLcode rc, const char *text)
{
	const char *d = j->errbuf[0] ? j->errbuf : curl_easy_strerror(rc);
	return fetchi_one_line(xasprintf("%s: %s", text, d));
}

static char *connect_error_text(const fetch_job *j, const char *url)
{
	long port, err = 0;
	char *host = fetchi_url_host_port(url, &port);
	curl_easy_getinfo(j->easy, CURLINFO_OS_ERRNO, &err);
	const char *what = "could not connect";
	if (err == ECONNREFUSED || strstr(j->errbuf, "refused"))
		what = "connection refused";
	else if (err == ETIMEDOUT)
		what = "connection timed out";
	else if (err == ENETUNREACH || err == EHOSTUNREACH)
		what = "network unreachable";
	char *msg = xasprintf("%s (%s:%ld)", what, host ? host : "?", port);
	free(host);
	return msg;
}

static char *timeout_error_text(const fetch_job *j)
{
	const fetch_opts *o = &j->f->o;
	if (strstr(j->errbuf, "too slow"))
		return xasprintf("timed out: no data for %ld s", o->low_speed_time);
	if (strstr(j->errbuf, "Resolving timed out"))
		return xstrdup("could not resolve host (timed out)");
	curl_off_t connected = 0;
	curl_easy_getinfo(j->easy, CURLINFO_CONNECT_TIME_T, &connected);
	if (strstr(j->errbuf, "onnection timed out") || connected == 0)
		return xstrdup("connection timed out");
	char *s = seconds_text(o->total_timeout_ms);
	char *msg = xasprintf("timed out after %s", s);
	free(s);
	return msg;
}

static int is_tls_error(CURLcode rc)
{
	switch (rc) {
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_USE_SSL_FAILED:
		return 1;
	default:
		return 0;
	}
}

static char *file_error_text(const char *url)
{
	char *path = fetchi_file_path(url);
	struct stat st;
	char *msg = stat(path, &st) == 0 ? xasprintf("cannot read file: %s", path)
					  : xasprintf("file not found: %s", path);
	free(path);
	return msg;
}

/* A body that does not decode as its Content-Encoding says: a server
 * that labels a plain body gzip, or a damaged one. */
static char *bad_encoding_text(const fetch_job *j)
{
	if (!j->r_content_encoding)
		return xstrdup("corrupt compressed response");
	return fetchi_one_line(xasprintf("the body is not the \"%.40s\" the server's "
				  "Content-Encoding says (%s)",
				  j->r_content_encoding,
				  j->errbuf[0] ? j->errbuf : "corrupt compressed response"));
}

/* Readable one-line message for a failed transfer. url is the URL curl
 * was working on (effective URL). */
char *fetchi_error_text(const fetch_job *j, CURLcode rc, const char *url)
{
	long port;
	char *host, *msg;
	if (is_tls_error(rc))
		return with_detail(j, rc, "TLS error");
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
		host = fetchi_url_host_port(url, &port);
		msg = xasprintf("could not resolve host: %s", host ? host : url);
		free(host);
		return fetchi_one_line(msg);
	case CURLE_COULDNT_RESOLVE_PROXY:
		return with_detail(j, rc, "could not resolve proxy");
	case CURLE_COULDNT_CONNECT:
		return connect_error_text(j, url);
	case CURLE_OPERATION_TIMEDOUT:
		return timeout_error_text(j);
	case CURLE_TOO_MANY_REDIRECTS:
		return xasprintf("too many redirects (over %d)", j->f->o.max_redirects);
	case CURLE_UNSUPPORTED_PROTOCOL:
		/* curl's words for a reply that does not start "HTTP/" */
		if (strstr(j->errbuf, "HTTP/0.9"))
			return xstrdup("server sent no HTTP status line (not an HTTP reply)");
		if (j->status >= 300 && j->status < 400)
			return fetchi_one_line(xasprintf("redirect to a non-HTTP URL refused (%s)",
						  j->r_location ? j->r_location : "?"));
		return xstrdup("unsupported URL scheme");
	case CURLE_FILESIZE_EXCEEDED:
		return too_large_text(j->f);
	case CURLE_WRITE_ERROR:
		return j->too_large ? too_large_text(j->f) : with_detail(j, rc, "write error");
	case CURLE_FILE_COULDNT_READ_FILE:
		return file_error_text(url);
	case CURLE_GOT_NOTHING:
		return xstrdup("empty reply from server");
	case CURLE_PARTIAL_FILE:
		return xstrdup("connection closed early (partial response)");
	case CURLE_BAD_CONTENT_ENCODING:
		return bad_encoding_text(j);
	case CURLE_OUT_OF_MEMORY:
		/* libcurl 7.x refuses headers over 100 KB with this code and no
		 * message; a real lack of memory would have stopped us first */
		return xstrdup("response headers too large (a header over 100 KB)");
	case CURLE_WEIRD_SERVER_REPLY:
		return xstrdup("invalid response from server");
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
		return with_detail(j, rc, "connection error");
	case CURLE_URL_MALFORMAT:
		return xstrdup("malformed URL");
	case CURLE_ABORTED_BY_CALLBACK:
		if (j->refused_ip)
			return fetchi_one_line(xasprintf("refused: a feed on a public address may not make "
						  "podcue request a private one (%s); "
						  "allow_private_from_public = 1 allows it",
						  j->refused_ip));
		return fetchi_one_line(xstrdup(j->errbuf[0] ? j->errbuf : curl_easy_strerror(rc)));
	default:
		return fetchi_one_line(xstrdup(j->errbuf[0] ? j->errbuf : curl_easy_strerror(rc)));
	}
}

