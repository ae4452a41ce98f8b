/*
 * test_keys.c - what the playback front ends share: the raw key decoder
 * (keys_decode) and the typed count (frontend.h).
 */
#include "testutil.h"

#include <curses.h>

#include "frontend.h"
#include "keys.h"

static int decode(const char *bytes, int final, size_t *used)
{
	int key = -2;
	*used = keys_decode((const unsigned char *)bytes, strlen(bytes), final, &key);
	return key;
}

static void test_decode(void **state)
{
	(void)state;
	size_t used;
	assert_int_equal(decode("j", 0, &used), 'j');
	assert_int_equal(used, 1);
	assert_int_equal(decode("\r", 0, &used), '\n');
	assert_int_equal(decode("\x7f", 0, &used), KEY_FN(KEY_BACKSPACE));
	assert_int_equal(decode("\033[A", 0, &used), KEY_FN(KEY_UP));
	assert_int_equal(used, 3);
	assert_int_equal(decode("\033[1;2C", 0, &used), KEY_FN(KEY_SRIGHT));
	assert_int_equal(decode("\033OP", 0, &used), KEY_FN(KEY_F(1)));
	assert_int_equal(decode("\033[5~", 0, &used), KEY_FN(KEY_PPAGE));
	assert_int_equal(decode("\033[1;5C", 0, &used), -1); /* Ctrl: not bindable */
	assert_int_equal(used, 6);
	/* a lone ESC waits for more, unless the input is final */
	decode("\033", 0, &used);
	assert_int_equal(used, 0);
	assert_int_equal(decode("\033", 1, &used), 27);
	assert_int_equal(used, 1);
	/* UTF-8: a partial character waits; a whole one is its code point */
	decode("\xc3", 0, &used);
	assert_int_equal(used, 0);
	assert_int_equal(decode("\xc3\xa9", 0, &used), 0xe9);
	assert_int_equal(used, 2);
}

static void test_count(void **state)
{
	(void)state;
	key_count c = {0};
	assert_int_equal(key_count_wait(&c, 0), -1);
	assert_int_equal(key_count_digit(&c, '0', 100), 0); /* 0 starts no count */
	assert_int_equal(key_count_digit(&c, '1', 100), 1);
	assert_int_equal(key_count_digit(&c, '0', 200), 1);
	assert_int_equal(c.n, 10);
	assert_int_equal(key_count_wait(&c, 200), KEY_COUNT_WAIT_MS);
	assert_int_equal(key_count_wait(&c, 200 + KEY_COUNT_WAIT_MS + 5), 0);
	assert_int_equal(key_count_digit(&c, 'c', 300), 0);
	assert_int_equal(key_count_take(&c), 10);
	assert_int_equal(key_count_take(&c), 0);
	for (int i = 0; i < 8; i++)
		key_count_digit(&c, '9', 400);
	assert_int_equal(c.n, KEY_COUNT_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_count),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
