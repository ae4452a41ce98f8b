/*
 * keys.c - key names, the key map, and the decoder of raw terminal input
 * (see keys.h).
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
						   "search", "queue", "downloads"};

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
	{"C", CMD_CONTINUE},      {"P", CMD_GOTO_PLAYING},  {"O", CMD_SORT},
	{"Q", CMD_QUEUE},         {"e", CMD_QUEUE_ADD},     {"E", CMD_QUEUE_NEXT},
	{"x", CMD_QUEUE_REMOVE},  {"K", CMD_QUEUE_UP},      {"J", CMD_QUEUE_DOWN},
	{"o", CMD_OPEN_LINK},     {"y", CMD_COPY_LINK},
	{"Backspace", CMD_SPEED_RESET}, {"M", CMD_MUTE},  {"Z", CMD_SLEEP},
	{"D", CMD_DOWNLOAD},      {"U", CMD_SYNC},        {"T", CMD_TRANSCRIPT},
	{"b", CMD_BOOKMARK},      {"X", CMD_SKIP_CHAPTER},  {"z", CMD_SKIP_UNDO},
	{"H", CMD_UNHEARD},
	{"w", CMD_DOWNLOADS},
};

/* Default bindings of one pane only (they win over common there). */
static const struct {
	int ctx;
	const char *key;
	int cmd;
} pane_defaults[] = {
	{KCTX_DOWNLOADS, "x", CMD_DOWNLOAD_DELETE},
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
	for (size_t i = 0; i < sizeof pane_defaults / sizeof pane_defaults[0]; i++)
		set_binding(k, pane_defaults[i].ctx, keys_parse(pane_defaults[i].key),
			    pane_defaults[i].cmd);
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

/* The command bound to key in exactly ctx, or -1. */
static int lookup_in(const keymap *k, int ctx, int key)
{
	for (size_t i = 0; i < k->n; i++)
		if (k->v[i].key == key && k->v[i].ctx == ctx)
			return k->v[i].cmd;
	return -1;
}

int keymap_lookup(const keymap *k, int ctx, int key)
{
	int cmd = lookup_in(k, ctx, key);
	/* Search results are listed in the episodes pane: its keys apply. */
	if (cmd < 0 && ctx == KCTX_SEARCH)
		cmd = lookup_in(k, KCTX_EPISODES, key);
	if (cmd < 0 && ctx != KCTX_COMMON)
		cmd = lookup_in(k, KCTX_COMMON, key);
	return cmd;
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

/* ---- decoding raw terminal bytes ---- */

/* Key of a CSI "ESC [ params final" or SS3 "ESC O final" sequence: the
 * first parameter p1 and the modifier mod (1 none, 2 Shift). -1 unknown. */
static int csi_key(int p1, int mod, int final)
{
	static const struct {
		char final;
		int plain, shift;
	} letters[] = {
		{'A', KEY_UP, KEY_SR},       {'B', KEY_DOWN, KEY_SF},   {'C', KEY_RIGHT, KEY_SRIGHT},
		{'D', KEY_LEFT, KEY_SLEFT},  {'H', KEY_HOME, KEY_SHOME}, {'F', KEY_END, KEY_SEND},
		{'P', KEY_F(1), KEY_F(13)},  {'Q', KEY_F(2), KEY_F(14)}, {'R', KEY_F(3), KEY_F(15)},
		{'S', KEY_F(4), KEY_F(16)},  {'Z', KEY_BTAB, KEY_BTAB},
	};
	static const int tilde[] = {
		[1] = KEY_HOME, [2] = KEY_IC, [3] = KEY_DC, [4] = KEY_END, [5] = KEY_PPAGE,
		[6] = KEY_NPAGE, [7] = KEY_HOME, [8] = KEY_END, [11] = KEY_F(1), [12] = KEY_F(2),
		[13] = KEY_F(3), [14] = KEY_F(4), [15] = KEY_F(5), [17] = KEY_F(6), [18] = KEY_F(7),
		[19] = KEY_F(8), [20] = KEY_F(9), [21] = KEY_F(10), [23] = KEY_F(11), [24] = KEY_F(12),
	};
	if (mod != 1 && mod != 2)
		return -1; /* Ctrl/Alt combinations are not bindable */
	if (final == '~')
		return p1 > 0 && p1 < (int)(sizeof tilde / sizeof *tilde) && tilde[p1] && mod == 1
			       ? KEY_FN(tilde[p1])
			       : -1;
	for (size_t i = 0; i < sizeof letters / sizeof *letters; i++)
		if (letters[i].final == final)
			return KEY_FN(mod == 2 ? letters[i].shift : letters[i].plain);
	return -1;
}

/* Decodes an escape sequence at b[0] == ESC. Returns the bytes it takes, 0
 * when it may still be incomplete (and !final). */
static size_t decode_esc(const unsigned char *b, size_t n, int final, int *key)
{
	*key = 27;
	if (n < 2)
		return final ? 1 : 0;
	if (b[1] != '[' && b[1] != 'O')
		return 1; /* Esc, then the next byte on its own */
	int p[2] = {0, 1}, np = 0;
	for (size_t i = 2; i < n; i++) {
		unsigned char c = b[i];
		if (c >= '0' && c <= '9') {
			if (np < 2)
				p[np] = p[np] * 10 + (c - '0') > 9999 ? 9999 : p[np] * 10 + (c - '0');
		} else if (c == ';') {
			np++;
			if (np < 2)
				p[np] = 0;
		} else if (c >= 0x40 && c <= 0x7e) {
			*key = csi_key(p[0], np >= 1 && p[1] ? p[1] : 1, c);
			return i + 1;
		} else if (c < 0x20 || c > 0x7e) {
			*key = -1; /* malformed: drop it */
			return i;
		}
	}
	if (!final && n < 16)
		return 0;
	*key = -1;
	return n;
}

size_t keys_decode(const unsigned char *b, size_t n, int final, int *key)
{
	if (b[0] == 0x1b)
		return decode_esc(b, n, final, key);
	if (b[0] == 0x7f || b[0] == 0x08) {
		*key = KEY_FN(KEY_BACKSPACE);
		return 1;
	}
	if (b[0] == '\r') {
		*key = '\n';
		return 1;
	}
	if (b[0] >= 0x80) {
		size_t need = b[0] >= 0xf0 ? 4 : b[0] >= 0xe0 ? 3 : 2;
		if (n < need && !final)
			return 0;
	}
	int32_t cp;
	size_t used = text_utf8_next((const char *)b, n, &cp);
	*key = cp;
	return used ? used : 1;
}
