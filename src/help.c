/*
 * help.c - the help screen: every command with its keys, common ones first
 * and then the keys bound for one pane only, from the live key map (so
 * bindings from the config file and :bind show). j/k scroll it. UI
 * thread only.
 */
#include <stdio.h>
#include <stdlib.h>

#include "command.h"
#include "keys.h"
#include "theme.h"
#include "ui_int.h"
#include "util.h"

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
	PUSH(xstrdup("Type digits before a key for a count: 12c jumps to chapter 12, "
		     "1-9 alone jump to that chapter."), THEME_NORMAL);
	PUSH(xstrdup(""), THEME_NORMAL);
	for (int ctx = 0; ctx < KCTX_COUNT; ctx++) {
		int any = 0;
		for (int c = 0; c < CMD_COUNT; c++) {
			int keys[8];
			size_t k = keymap_keys(u->cfg->keys, ctx, c, keys, 8);
			if (!k && ctx != KCTX_COMMON)
				continue;
			if (!any && ctx != KCTX_COMMON)
				PUSH(xasprintf("In the %s pane:", keymap_ctx_name(ctx)), THEME_TITLE);
			any = 1;
			sbuf b = SBUF_INIT;
			for (size_t i = 0; i < k; i++) {
				char name[32];
				sb_printf(&b, "%s%s", i ? ", " : "", keys_name(keys[i], name, sizeof name));
			}
			if (!k)
				sb_printf(&b, ":%s", cmd_table[c].name);
			char *keystr = sb_steal(&b);
			PUSH(xasprintf("  %-18s %-18s %s", keystr, cmd_table[c].name,
				       cmd_table[c].help),
			     THEME_NORMAL);
			free(keystr);
		}
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
