/*
 * test_curl_lazy.c - libcurl is not loaded until first used, and every
 * forwarded call reaches it with its argument intact: one option of each
 * type range (long, object pointer, function pointer, curl_off_t) whose
 * effect a file: transfer shows, getinfo, the multi and URL APIs.
 *
 * The order matters: the first test runs before anything has called libcurl.
 */
#include "testutil.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "curl_lazy.h"

/* Whether libcurl is mapped into this process. */
static int curl_mapped(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	if (!f)
		fail_msg("cannot read /proc/self/maps");
	char line[512];
	int found = 0;
	while (!found && fgets(line, sizeof line, f))
		found = strstr(line, "/libcurl") != NULL;
	fclose(f);
	return found;
}

static void test_not_loaded_until_used(void **state)
{
	(void)state;
	assert_false(curl_mapped()); /* the test binary links as podcue does */
	CURL *h = curl_easy_init();
	assert_non_null(h);
	assert_true(curl_mapped());
	assert_true(curl_lazy_loaded());
	assert_null(curl_lazy_error());
	curl_easy_cleanup(h);
}

struct sink {
	char buf[64];
	size_t n;
	int calls;
};

static size_t on_data(char *p, size_t size, size_t nmemb, void *ctx)
{
	struct sink *s = ctx;
	size_t n = size * nmemb, room = sizeof s->buf - 1 - s->n;
	memcpy(s->buf + s->n, p, n < room ? n : room);
	s->n += n < room ? n : room;
	s->calls++;
	return n;
}

/* A file: URL of a file holding text; path must hold 64 bytes. */
static void make_file(char *path, const char *text)
{
	strcpy(path, "/tmp/podcue-curl-lazy.XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void test_setopt_each_type(void **state)
{
	(void)state;
	char path[64], url[96];
	make_file(path, "twelve bytes");
	snprintf(url, sizeof url, "file://%s", path);
	CURL *h = curl_easy_init();
	struct sink s = {{0}, 0, 0};
	/* object pointers, a function pointer, a long */
	assert_int_equal(curl_easy_setopt(h, CURLOPT_URL, url), CURLE_OK);
	assert_int_equal(curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data), CURLE_OK);
	assert_int_equal(curl_easy_setopt(h, CURLOPT_WRITEDATA, &s), CURLE_OK);
	assert_int_equal(curl_easy_setopt(h, CURLOPT_RANGE, "0-5"), CURLE_OK);
	assert_int_equal(curl_easy_setopt(h, CURLOPT_NOBODY, 0L), CURLE_OK);
	assert_int_equal(curl_easy_perform(h), CURLE_OK);
	assert_true(s.calls > 0);
	assert_string_equal(s.buf, "twelve"); /* the range reached libcurl */
	curl_off_t got = -1;
	assert_int_equal(curl_easy_getinfo(h, CURLINFO_SIZE_DOWNLOAD_T, &got), CURLE_OK);
	assert_int_equal(got, 6);
	/* a curl_off_t: resuming from byte 7 reads the rest */
	assert_int_equal(curl_easy_setopt(h, CURLOPT_RANGE, NULL), CURLE_OK);
	assert_int_equal(curl_easy_setopt(h, CURLOPT_RESUME_FROM_LARGE, (curl_off_t)7), CURLE_OK);
	memset(&s, 0, sizeof s);
	assert_int_equal(curl_easy_perform(h), CURLE_OK);
	assert_string_equal(s.buf, "bytes");
	assert_non_null(strstr(curl_easy_strerror(CURLE_FILESIZE_EXCEEDED), "size"));
	/* a long: NOBODY set reads nothing */
	assert_int_equal(curl_easy_setopt(h, CURLOPT_RESUME_FROM_LARGE, (curl_off_t)0), CURLE_OK);
	assert_int_equal(curl_easy_setopt(h, CURLOPT_NOBODY, 1L), CURLE_OK);
	s.calls = 0;
	assert_int_equal(curl_easy_perform(h), CURLE_OK);
	assert_int_equal(s.calls, 0);
	curl_easy_cleanup(h);
	unlink(path);
}

static void test_multi(void **state)
{
	(void)state;
	char path[64], url[96];
	make_file(path, "multi");
	snprintf(url, sizeof url, "file://%s", path);
	CURLM *m = curl_multi_init();
	assert_non_null(m);
	assert_int_equal(curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, 2L), CURLM_OK);
	assert_int_equal(curl_multi_setopt(m, CURLMOPT_SOCKETFUNCTION, NULL), CURLM_OK);
	assert_int_equal(curl_multi_setopt(m, 999999, 0L), CURLM_UNKNOWN_OPTION);
	CURL *h = curl_easy_init();
	struct sink s = {{0}, 0, 0};
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &s);
	assert_int_equal(curl_multi_add_handle(m, h), CURLM_OK);
	int running = 1, left = 0;
	for (int i = 0; running && i < 1000; i++) {
		assert_int_equal(curl_multi_perform(m, &running), CURLM_OK);
		if (running)
			curl_multi_poll(m, NULL, 0, 100, NULL);
	}
	CURLMsg *msg = curl_multi_info_read(m, &left);
	assert_non_null(msg);
	assert_int_equal(msg->msg, CURLMSG_DONE);
	assert_int_equal(msg->data.result, CURLE_OK);
	assert_string_equal(s.buf, "multi");
	assert_int_equal(curl_multi_remove_handle(m, h), CURLM_OK);
	curl_easy_cleanup(h);
	assert_int_equal(curl_multi_cleanup(m), CURLM_OK);
	unlink(path);
}

static void test_url_and_helpers(void **state)
{
	(void)state;
	CURLU *u = curl_url();
	assert_int_equal(curl_url_set(u, CURLUPART_URL, "https://example.org/a b", CURLU_URLENCODE),
			 CURLUE_OK);
	char *host = NULL, *path = NULL;
	assert_int_equal(curl_url_get(u, CURLUPART_HOST, &host, 0), CURLUE_OK);
	assert_int_equal(curl_url_get(u, CURLUPART_PATH, &path, 0), CURLUE_OK);
	assert_string_equal(host, "example.org");
	assert_string_equal(path, "/a%20b");
	curl_free(host);
	curl_free(path);
	curl_url_cleanup(u);
	assert_int_equal(curl_getdate("Sun, 06 Nov 1994 08:49:37 GMT", NULL), 784111777);
	CURL *h = curl_easy_init();
	char *esc = curl_easy_escape(h, "a&b", 0);
	assert_string_equal(esc, "a%26b");
	curl_free(esc);
	curl_easy_cleanup(h);
	struct curl_slist *l = curl_slist_append(NULL, "X-A: 1");
	l = curl_slist_append(l, "X-B: 2");
	assert_string_equal(l->next->data, "X-B: 2");
	curl_slist_free_all(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_not_loaded_until_used),
		cmocka_unit_test(test_setopt_each_type),
		cmocka_unit_test(test_multi),
		cmocka_unit_test(test_url_and_helpers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
