/*
 * keys.h - key names and the key map: (context, key) -> command.
 *
 * A key is an int: a Unicode code point for a character (control keys are
 * their C0 code: Tab 9, Enter 10, Esc 27, C-a 1), or KEY_FN(code) for an
 * ncurses function key (KEY_FN(KEY_LEFT), KEY_FN(KEY_SLEFT), ...), so the two
 * ranges never collide. Front ends that read raw bytes (`podcue play`)
 * decode escape sequences into the same values.
 *
 * Key names in the config file and help: a printable character stands for
 * itself ("j", "?", "["); named keys are Space, Enter, Tab, S-Tab, Esc,
 * Backspace, Delete, Insert, Up, Down, Left, Right, S-Left, S-Right, Home,
 * End, PgUp, PgDn, F1..F12, and C-a..C-z.
 */
#ifndef PODCUE_KEYS_H
#define PODCUE_KEYS_H

#include <stddef.h>

#define KEY_FN(code) ((code) | 0x1000000)
#define KEY_IS_FN(k) (((k) & 0x1000000) != 0)

/* Contexts: a binding in a pane context wins over "common". "search" is the
 * episodes pane while it lists search results: its bindings win over the
 * episodes pane's, which still apply there. "queue" is the queue view,
 * "downloads" the downloads view. */
enum key_ctx {
	KCTX_COMMON, KCTX_PODCASTS, KCTX_EPISODES, KCTX_DETAILS, KCTX_SEARCH, KCTX_QUEUE,
	KCTX_DOWNLOADS,
	KCTX_COUNT
};

typedef struct keymap keymap;

/* A key map holding podcue's default bindings. */
keymap *keymap_new(void);
void keymap_free(keymap *k);
/* Binds KEY in context CTX (names as in the config file) to command CMD
 * ("none" unbinds). Returns NULL, or a message (caller frees). */
char *keymap_bind(keymap *k, const char *ctx, const char *key, const char *cmd);
/* The command bound to key in ctx (else, for search, in episodes; else in
 * common), or -1. */
int keymap_lookup(const keymap *k, int ctx, int key);
/* Keys bound to cmd in exactly ctx, in binding order; returns how many were
 * stored in keys[0..max). */
size_t keymap_keys(const keymap *k, int ctx, int cmd, int *keys, size_t max);

/* Decodes one key from raw terminal bytes b[0..n) (n >= 1): UTF-8
 * characters, C0 controls (CR is Enter, DEL and BS are Backspace), and the
 * CSI/SS3 escape sequences of arrows, Home/End, PgUp/PgDn, Insert/Delete,
 * F1-F12 and their Shift forms. Returns the bytes consumed (>= 1), or 0
 * when a sequence may still be incomplete (only when !final: the caller
 * waits briefly for more, then calls again with final set, and a lone ESC
 * is Esc). *key = -1 for bytes that are no key (unknown sequences). */
size_t keys_decode(const unsigned char *b, size_t n, int final, int *key);

/* Key by name, or -1. */
int keys_parse(const char *name);
/* Name of a key into buf (always NUL-terminated); returns buf. */
const char *keys_name(int key, char *buf, size_t n);
const char *keymap_ctx_name(int ctx);
/* Context by name, or -1. */
int keymap_ctx_parse(const char *name);

#endif
