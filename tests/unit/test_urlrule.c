/*
 * test_urlrule.c - the URL rule per use: remote feeds, playable media,
 * and the protocol lists libcurl enforces (the fetch table is in
 * test_fetch.c).
 */
#include "testutil.h"

#include "urlrule.h"

static void test_remote_is_http_only(void **state)
{
	(void)state;
	assert_true(urlrule_remote("https://example.org/feed.xml"));
	assert_true(urlrule_remote("HTTP://example.org/feed.xml"));
	assert_false(urlrule_remote("file:///etc/passwd"));
	assert_false(urlrule_remote("ftp://example.org/feed.xml"));
	assert_false(urlrule_remote("feed.xml"));
	assert_false(urlrule_remote(NULL));
}

static void test_playable(void **state)
{
	(void)state;
	static const struct {
		const char *url;
		int remote, local;
	} t[] = {
		{"https://example.org/a.mp3", 1, 1},
		{"http://example.org/a.mp3", 1, 1},
		{"file:///home/me/a.mp3", 0, 1},
		{"/home/me/a.mp3", 0, 1},
		{"/home/me/a\n.mp3", 0, 0},
		{"a.mp3", 0, 0},
		{"av://lavfi:sine", 0, 0},
		{"lavfi:sine", 0, 0},
		{"ytdl://x", 0, 0},
		{"", 0, 0},
		{NULL, 0, 0},
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		if (urlrule_playable(t[i].url, 0) != t[i].remote ||
		    urlrule_playable(t[i].url, 1) != t[i].local)
			fail_msg("urlrule_playable(\"%s\") wrong", t[i].url ? t[i].url : "NULL");
	}
}

static void test_curl_protocols(void **state)
{
	(void)state;
	assert_string_equal(urlrule_curl_protocols(0), "http,https");
	assert_string_equal(urlrule_curl_protocols(1), "http,https,file");
	assert_string_equal(urlrule_curl_redirect_protocols(), "http,https");
}

static void test_refusal_reasons(void **state)
{
	(void)state;
	assert_null(urlrule_refusal("https://example.org/", 0));
	assert_string_equal(urlrule_refusal("gopher://example.org/", 1), "unsupported URL scheme");
	assert_string_equal(urlrule_refusal("http:///x", 0), "malformed URL (no host)");
	assert_null(urlrule_refusal("file:///x", 1));
	assert_non_null(strstr(urlrule_refusal("http://a b/", 0), "spaces"));
}

/* Private network access: which addresses a public feed may not reach. */
static void test_addr_private(void **state)
{
	(void)state;
	const char *priv[] = {"127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.0.1",
			      "172.31.255.255", "192.168.1.1", "169.254.169.254", "0.0.0.0",
			      "100.64.0.1", "224.0.0.1", "::1", "::", "fe80::1", "fd00::5",
			      "fc12::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "ff02::1",
			      "not-an-ip", NULL};
	const char *pub[] = {"93.184.216.34", "172.32.0.1", "172.15.255.255", "8.8.8.8",
			     "100.128.0.1", "2606:2800:220:1::1", "::ffff:8.8.8.8"};
	for (size_t i = 0; i < sizeof priv / sizeof priv[0]; i++)
		if (!urlrule_addr_private(priv[i]))
			fail_msg("%s should be private", priv[i] ? priv[i] : "NULL");
	for (size_t i = 0; i < sizeof pub / sizeof pub[0]; i++)
		if (urlrule_addr_private(pub[i]))
			fail_msg("%s should be public", pub[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr_private),
		cmocka_unit_test(test_remote_is_http_only),
		cmocka_unit_test(test_playable),
		cmocka_unit_test(test_curl_protocols),
		cmocka_unit_test(test_refusal_reasons),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
