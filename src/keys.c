/*
 * keys.c - key names and the key map (see keys.h).
 */
#include "keys.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "text.h"
#include "util.h"

typedef struct binding {
	int ctx;
	int key;
	int cmd;
} binding;

struct keymap {
	binding *v;
	size_t n, cap;
};

/* Named keys; the first name of a key is the one printed. */
static const struct {
	const char *name;
	int key;
} key_names[] = {
	{"Space", ' '},
	{"Enter", '\n'},
	{"Enter", '\r'},
	{"Enter", KEY_FN(KEY_ENTER)},
	{"Tab", '\t'},
	{"S-Tab", KEY_FN(KEY_BTAB)},
	{"Esc", 27},
	{"Backspace", KEY_FN(KEY_BACKSPACE)},
	{"Backspace", 127},
	{"Delete", KEY_FN(KEY_DC)},
	{"Insert", KEY_FN(KEY_IC)},
	{"Up", KEY_FN(KEY_UP)},
	{"Down", KEY_FN(KEY_DOWN)},
	{"Left", KEY_FN(KEY_LEFT)},
	{"Right", KEY_FN(KEY_RIGHT)},
	{"S-Left", KEY_FN(KEY_SLEFT)},
	{"S-Right", KEY_FN(KEY_SRIGHT)},
	{"Home", KEY_FN(KEY_HOME)},
	{"End", KEY_FN(KEY_END)},
	{"PgUp", KEY_FN(KEY_PPAGE)},
	{"PgDn", KEY_FN(KEY_NPAGE)},
};
#define NKEY_NAMES (sizeof key_names / sizeof key_names[0])

static const char *const ctx_names[KCTX_COUNT] = {"common", "podcasts", "episodes", "details",
						   "search"};

/* The default bindings, as config lines would write them. Digits are not
 * here: they type a count (command.h). */
static const struct {
	const char *key;
	int cmd;
} defaults[] = {
	{"q", CMD_QUIT},          {"?", CMD_HELP},          {"F1", CMD_HELP},
	{"k", CMD_UP},            {"Up", CMD_UP},           {"j", CMD_DOWN},
	{"Down", CMD_DOWN},       {"PgUp", CMD_PAGE_UP},    {"C-b", CMD_PAGE_UP},
	{"PgDn", CMD_PAGE_DOWN},  {"C-f", CMD_PAGE_DOWN},   {"g", CMD_TOP},
	{"Home", CMD_TOP},        {"G", CMD_BOTTOM},        {"End", CMD_BOTTOM},
	{"h", CMD_PANE_LEFT},     {"l", CMD_PANE_RIGHT},    {"Tab", CMD_PANE_NEXT},
	{"S-Tab", CMD_PANE_PREV}, {"Enter", CMD_OPEN},      {"/", CMD_SEARCH},
	{"N", CMD_NEWEST},        {"u", CMD_UNPLAYED},      {"m", CMD_PLAYED},
	{"r", CMD_REFRESH},       {"R", CMD_REFRESH_ONE},   {"a", CMD_ADD},
	{"d", CMD_REMOVE},        {":", CMD_PROMPT},        {"C-l", CMD_REDRAW},
	{"Space", CMD_PAUSE},     {"s", CMD_STOP},          {"Left", CMD_SEEK_BACK},
	{"Right", CMD_SEEK_FORWARD}, {"S-Left", CMD_SEEK_BACK_BIG},
	{"S-Right", CMD_SEEK_FORWARD_BIG}, {"n", CMD_NEXT_CHAPTER},
	{"p", CMD_PREV_CHAPTER},  {"c", CMD_CHAPTER},       {"+", CMD_VOLUME_UP},
	{"=", CMD_VOLUME_UP},     {"-", CMD_VOLUME_DOWN},   {"]", CMD_FASTER},
	{"[", CMD_SLOWER},
};

const char *keymap_ctx_name(int ctx)
{
	return ctx >= 0 && ctx < KCTX_COUNT ? ctx_names[ctx] : "?";
}

int keymap_ctx_parse(const char *name)
{
	for (int i = 0; i < KCTX_COUNT; i++)
		if (strcmp(ctx_names[i], name) == 0)
			return i;
	return -1;
}

int keys_parse(const char *name)
{
	if (!name || !*name)
		return -1;
	for (size_t i = 0; i < NKEY_NAMES; i++)
		if (strcmp(key_names[i].name, name) == 0)
			return key_names[i].key;
	size_t len = strlen(name);
	if (name[0] == 'C' && name[1] == '-' && len == 3) {
		char c = name[2];
		if (c >= 'a' && c <= 'z')
			return c - 'a' + 1;
		if (c >= 'A' && c <= 'Z')
			return c - 'A' + 1;
		return -1;
	}
	if (name[0] == 'F' && len >= 2 && len <= 3) {
		char *end;
		long f = strtol(name + 1, &end, 10);
		if (!*end && f >= 1 && f <= 12)
			return KEY_FN(KEY_F((int)f));
		return -1;
	}
	/* A single printable character (any code point, e.g. "ö"). */
	int32_t cp;
	size_t used = text_utf8_next(name, len, &cp);
	if (used != len || cp < 0x21 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
		return -1;
	return cp;
}

const char *keys_name(int key, char *buf, size_t n)
{
	for (size_t i = 0; i < NKEY_NAMES; i++)
		if (key_names[i].key == key) {
			snprintf(buf, n, "%s", key_names[i].name);
			return buf;
		}
	if (KEY_IS_FN(key)) {
		int code = key & ~0x1000000;
		if (code >= KEY_F(1) && code <= KEY_F(12))
			snprintf(buf, n, "F%d", code - KEY_F0);
		else
			snprintf(buf, n, "key-%d", code);
	} else if (key >= 1 && key <= 26) {
		snprintf(buf, n, "C-%c", 'a' + key - 1);
	} else if (key > 0x20 && key < 0x110000) {
		char u[5] = {0};
		text_utf8_encode(key, u);
		snprintf(buf, n, "%s", u);
	} else {
		snprintf(buf, n, "key-%d", key);
	}
	return buf;
}

/* Sets (or with cmd -1 removes) the binding of key in ctx. */
static void set_binding(keymap *k, int ctx, int key, int cmd)
{
	for (size_t i = 0; i < k->n; i++) {
		if (k->v[i].ctx != ctx || k->v[i].key != key)
			continue;
		if (cmd >= 0) {
			k->v[i].cmd = cmd;
		} else {
			memmove(&k->v[i], &k->v[i + 1], (k->n - i - 1) * sizeof *k->v);
			k->n--;
		}
		return;
	}
	if (cmd < 0)
		return;
	if (k->n == k->cap) {
		k->cap = k->cap ? 2 * k->cap : 64;
		k->v = xrealloc(k->v, k->cap * sizeof *k->v);
	}
	k->v[k->n++] = (binding){ctx, key, cmd};
}

keymap *keymap_new(void)
{
	keymap *k = xcalloc(1, sizeof *k);
	for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++)
		set_binding(k, KCTX_COMMON, keys_parse(defaults[i].key), defaults[i].cmd);
	/* Enter also means Enter when the terminal sends CR or KEY_ENTER. */
	set_binding(k, KCTX_COMMON, '\r', CMD_OPEN);
	set_binding(k, KCTX_COMMON, KEY_FN(KEY_ENTER), CMD_OPEN);
	return k;
}

void keymap_free(keymap *k)
{
	if (!k)
		return;
	free(k->v);
	free(k);
}

char *keymap_bind(keymap *k, const char *ctx, const char *key, const char *cmd)
{
	int c = keymap_ctx_parse(ctx);
	if (c < 0)
		return xasprintf("unknown pane '%s' (common, podcasts, episodes, details, search)",
				 ctx);
	int kc = keys_parse(key);
	if (kc < 0)
		return xasprintf("unknown key '%s'", key);
	if (kc >= '0' && kc <= '9')
		return xasprintf("digits type a count and cannot be bound");
	int id = -1;
	if (strcmp(cmd, "none") != 0 && (id = cmd_find(cmd)) < 0)
		return xasprintf("unknown command '%s'", cmd);
	set_binding(k, c, kc, id);
	if (kc == '\n' && c >= 0) /* Enter arrives as LF or CR depending on the tty */
		set_binding(k, c, '\r', id);
	return NULL;
}

int keymap_lookup(const keymap *k, int ctx, int key)
{
	int common = -1;
	for (size_t i = 0; i < k->n; i++) {
		if (k->v[i].key != key)
			continue;
		if (k->v[i].ctx == ctx)
			return k->v[i].cmd;
		if (k->v[i].ctx == KCTX_COMMON)
			common = k->v[i].cmd;
	}
	return common;
}

size_t keymap_keys(const keymap *k, int ctx, int cmd, int *keys, size_t max)
{
	size_t got = 0;
	for (size_t i = 0; i < k->n && got < max; i++) {
		if (k->v[i].ctx != ctx || k->v[i].cmd != cmd)
			continue;
		if (k->v[i].key == '\r' || k->v[i].key == KEY_FN(KEY_ENTER))
			continue; /* shown as "Enter" once */
		keys[got++] = k->v[i].key;
	}
	return got;
}
