/*
 * help.c - the help screen: every command with every key that runs it,
 * those bound for one pane only named with their pane, from the live key
 * map (so bindings from the config file and :bind show). j/k scroll it.
 * UI thread only.
 */
#include <stdio.h>
#include <stdlib.h>

#include "command.h"
#include "keys.h"
#include "theme.h"
#include "ui_int.h"
#include "util.h"

/* Every key that runs cmd: the common ones, then those bound for one pane
 * only, named with their pane ("Q (episodes)"); ":name" when none. */
static char *command_keys(const keymap *km, int cmd)
{
	sbuf b = SBUF_INIT;
	for (int ctx = 0; ctx < KCTX_COUNT; ctx++) {
		int keys[8];
		size_t k = keymap_keys(km, ctx, cmd, keys, 8);
		for (size_t i = 0; i < k; i++) {
			char name[32];
			sb_printf(&b, "%s%s", b.len ? ", " : "", keys_name(keys[i], name, sizeof name));
			if (ctx != KCTX_COMMON)
				sb_printf(&b, " (%s)", keymap_ctx_name(ctx));
		}
	}
	if (!b.len)
		sb_printf(&b, ":%s", cmd_table[cmd].name);
	return sb_steal(&b);
}

void help_lines(ui *u, char ***lines, int **elems, size_t *n)
{
	*lines = NULL;
	*elems = NULL;
	*n = 0;
	size_t cap = 0;
#define PUSH(text, e)                                                            \
	do {                                                                     \
		if (*n == cap) {                                                 \
			cap = cap ? 2 * cap : 64;                                \
			*lines = xrealloc(*lines, cap * sizeof **lines);         \
			*elems = xrealloc(*elems, cap * sizeof **elems);         \
		}                                                                \
		(*lines)[*n] = (text);                                           \
		(*elems)[(*n)++] = (e);                                          \
	} while (0)
	PUSH(xstrdup("podcue keys (q, Esc or ? closes; j/k scroll)"), THEME_TITLE);
	PUSH(xstrdup("Type digits before a key for a count: 5j moves five rows, 12c jumps "
		     "to chapter 12; digits alone jump to that chapter after a second."),
	     THEME_NORMAL);
	PUSH(xstrdup(""), THEME_NORMAL);
	for (int c = 0; c < CMD_COUNT; c++) {
		char *keystr = command_keys(u->cfg->keys, c);
		PUSH(xasprintf("  %-18s %-18s %s", keystr, cmd_table[c].name, cmd_table[c].help),
		     THEME_NORMAL);
		free(keystr);
	}
#undef PUSH
}

void help_draw(ui *u)
{
	int panes_h = u->panes_h;
	char **lines;
	int *elems;
	size_t n;
	help_lines(u, &lines, &elems, &n);
	if (u->help_pos.sel >= n)
		u->help_pos.sel = n ? n - 1 : 0;
	u->help_pos.top = u->help_pos.sel;
	if (n > (size_t)panes_h && u->help_pos.top > n - (size_t)panes_h)
		u->help_pos.top = n - (size_t)panes_h;
	for (int r = 0; r < panes_h; r++) {
		size_t i = u->help_pos.top + (size_t)r;
		draw_text(r, 0, u->cols, i < n ? lines[i] : "", i < n ? elems[i] : THEME_NORMAL);
	}
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	free(elems);
}
