/*
 * test_desk.c - the pure parts of the desktop features: which links may be
 * opened and the argument vector that opens them (links.h), OSC 52, SGR
 * mouse reports and double clicks (mouse.h), media_keys_next and the
 * on/off settings (config.h).
 */
#include "testutil.h"

#include "config.h"
#include "links.h"
#include "mouse.h"

static void test_allowed(void **state)
{
	(void)state;
	assert_true(links_allowed("https://example.org/a?b=1&c=$(x)"));
	assert_true(links_allowed("HTTP://example.org/"));
	assert_true(links_allowed("mailto:a@example.org"));
	assert_false(links_allowed("javascript:alert(1)"));
	assert_false(links_allowed("JavaScript:alert(1)"));
	assert_false(links_allowed("file:///etc/passwd"));
	assert_false(links_allowed("data:text/html,x"));
	assert_false(links_allowed("ftp://example.org/"));
	assert_false(links_allowed("https://example.org/a b"));
	assert_false(links_allowed("https://example.org/\n--x"));
	assert_false(links_allowed("-https://x"));
	assert_false(links_allowed(""));
	assert_false(links_allowed(NULL));
}

static void test_argv(void **state)
{
	(void)state;
	const char *url = "https://e.org/?a=1;b=`id`";
	char **v = links_argv(NULL, url);
	assert_string_equal(v[0], "xdg-open");
	assert_string_equal(v[1], url);
	assert_null(v[2]);
	links_argv_free(v);
	v = links_argv("", url);
	assert_string_equal(v[0], "xdg-open");
	links_argv_free(v);
	v = links_argv("firefox --new-tab:chromium", url);
	assert_string_equal(v[0], "firefox");
	assert_string_equal(v[1], "--new-tab");
	assert_string_equal(v[2], url);
	assert_null(v[3]);
	links_argv_free(v);
	v = links_argv("open -u %s -x", url);
	assert_string_equal(v[1], "-u");
	assert_string_equal(v[2], url);
	assert_string_equal(v[3], "-x");
	assert_null(v[4]);
	links_argv_free(v);
}

static void test_open_refuses(void **state)
{
	(void)state;
	char *msg = NULL;
	assert_int_equal(links_open("file:///etc/passwd", &msg), -1);
	assert_non_null(strstr(msg, "refused: file:"));
	free(msg);
	assert_int_equal(links_open("javascript:alert(1)", &msg), -1);
	assert_non_null(strstr(msg, "refused: javascript:"));
	free(msg);
}

static void test_osc52(void **state)
{
	(void)state;
	char *s = links_osc52("https://a.b/");
	assert_string_equal(s, "\033]52;c;aHR0cHM6Ly9hLmIv\a");
	free(s);
	s = links_osc52("ab");
	assert_string_equal(s, "\033]52;c;YWI=\a");
	free(s);
	s = links_osc52("a");
	assert_string_equal(s, "\033]52;c;YQ==\a");
	free(s);
}

static int parse(const char *s, mouse_event *ev)
{
	int k[64];
	size_t n = strlen(s);
	for (size_t i = 0; i < n; i++)
		k[i] = (unsigned char)s[i];
	return mouse_sgr_parse(k, n, ev);
}

static void test_sgr(void **state)
{
	(void)state;
	mouse_event ev;
	assert_int_equal(parse("[<0;12;5M", &ev), 9);
	assert_int_equal(ev.kind, MOUSE_PRESS);
	assert_int_equal(ev.button, 1);
	assert_int_equal(ev.x, 11);
	assert_int_equal(ev.y, 4);
	assert_int_equal(parse("[<0;300;5mjunk", &ev), 10);
	assert_int_equal(ev.kind, MOUSE_RELEASE);
	assert_int_equal(ev.x, 299);
	assert_int_equal(parse("[<64;1;1M", &ev), 9);
	assert_int_equal(ev.kind, MOUSE_WHEEL_UP);
	assert_int_equal(parse("[<65;1;1M", &ev), 9);
	assert_int_equal(ev.kind, MOUSE_WHEEL_DOWN);
	assert_int_equal(parse("[<32;1;1M", &ev), 9);
	assert_int_equal(ev.kind, MOUSE_OTHER);
	assert_int_equal(parse("[<2;3;4M", &ev), 8);
	assert_int_equal(ev.button, 3);
	/* incomplete: more may come */
	assert_int_equal(parse("", &ev), 0);
	assert_int_equal(parse("[", &ev), 0);
	assert_int_equal(parse("[<0;12", &ev), 0);
	assert_int_equal(parse("[<0;12;", &ev), 0);
	/* not a report */
	assert_int_equal(parse("x", &ev), -1);
	assert_int_equal(parse("[A", &ev), -1);
	assert_int_equal(parse("[<0;12;5X", &ev), -1);
	assert_int_equal(parse("[<0;0;5M", &ev), -1);
	assert_int_equal(parse("[<;1;1M", &ev), -1);
	assert_int_equal(parse("[<99999999;1;1M", &ev), -1);
}

static void test_double_click(void **state)
{
	(void)state;
	mouse_clicks c = {0};
	assert_int_equal(mouse_click(&c, 3, 4, 1000), 1);
	assert_int_equal(mouse_click(&c, 3, 4, 1200), 2);
	assert_int_equal(mouse_click(&c, 3, 4, 1300), 1);
	assert_int_equal(mouse_click(&c, 3, 4, 1300 + MOUSE_DOUBLE_MS + 1), 1);
	assert_int_equal(mouse_click(&c, 5, 4, 1800), 1);
}

static void test_settings(void **state)
{
	(void)state;
	config c;
	config_defaults(&c);
	assert_int_equal(c.media_keys_next, MEDIA_KEYS_CHAPTER);
	assert_int_equal(c.mouse, 1);
	assert_int_equal(c.osc52, 1);
	assert_int_equal(c.mpris, 1);
	assert_null(config_set(&c, "media_keys_next", "episode"));
	assert_int_equal(c.media_keys_next, MEDIA_KEYS_EPISODE);
	int unknown;
	char *m = config_show(&c, "media_keys_next", &unknown);
	assert_string_equal(m, "media_keys_next episode");
	free(m);
	m = config_set(&c, "media_keys_next", "seek");
	assert_non_null(strstr(m, "not one of chapter, episode"));
	free(m);
	assert_int_equal(c.media_keys_next, MEDIA_KEYS_EPISODE);
	assert_null(config_set(&c, "mouse", "off"));
	assert_int_equal(c.mouse, 0);
	assert_null(config_set(&c, "mouse", "on"));
	assert_int_equal(c.mouse, 1);
	assert_null(config_set(&c, "osc52", "0"));
	assert_int_equal(c.osc52, 0);
	m = config_set(&c, "jobs", "on");
	assert_non_null(m); /* on/off only for 0..1 settings */
	free(m);
	config_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_allowed),      cmocka_unit_test(test_argv),
		cmocka_unit_test(test_open_refuses), cmocka_unit_test(test_osc52),
		cmocka_unit_test(test_sgr),          cmocka_unit_test(test_double_click),
		cmocka_unit_test(test_settings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
