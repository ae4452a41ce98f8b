/*
 * prompt.c - the TUI's one-line editor (see prompt.h).
 *
 * The line is kept as code points rather than bytes so the cursor moves by
 * character and the encoding never depends on the locale.
 */
#include "prompt.h"

#include <curses.h>
#include <stdint.h>
#include <string.h>

#include "keys.h"
#include "text.h"
#include "util.h"

#define CAP (sizeof ((prompt_line *)0)->buf / sizeof ((prompt_line *)0)->buf[0])

void prompt_set(prompt_line *l, const char *initial)
{
	l->len = 0;
	for (const char *s = initial; s && *s && l->len + 12 < CAP;) {
		int32_t cp;
		s += text_utf8_next(s, strlen(s), &cp);
		if (cp > 0)
			l->buf[l->len++] = (wchar_t)cp;
	}
	l->cur = l->len;
	l->buf[l->len] = 0;
}

char *prompt_text(const prompt_line *l, size_t n)
{
	sbuf b = SBUF_INIT;
	for (size_t i = 0; i < n && i < l->len; i++) {
		char enc[4];
		sb_append(&b, enc, text_utf8_encode((int32_t)l->buf[i], enc));
	}
	return sb_steal(&b);
}

static void delete_at(prompt_line *l, size_t i)
{
	memmove(&l->buf[i], &l->buf[i + 1], (l->len - i) * sizeof *l->buf);
	l->len--;
}

int prompt_key(prompt_line *l, int key)
{
	if (key == '\n' || key == '\r' || key == KEY_FN(KEY_ENTER))
		return PROMPT_KEY_ENTER;
	if (key == 27 || key == 7)
		return PROMPT_KEY_CANCEL;
	if (key == KEY_FN(KEY_BACKSPACE) || key == 127 || key == 8) {
		if (!l->len)
			return PROMPT_KEY_CANCEL;
		if (l->cur > 0)
			delete_at(l, --l->cur);
	} else if (key == KEY_FN(KEY_DC) && l->cur < l->len) {
		delete_at(l, l->cur);
	} else if (key == KEY_FN(KEY_LEFT) && l->cur > 0) {
		l->cur--;
	} else if (key == KEY_FN(KEY_RIGHT) && l->cur < l->len) {
		l->cur++;
	} else if (key == KEY_FN(KEY_HOME) || key == 1) {
		l->cur = 0;
	} else if (key == KEY_FN(KEY_END) || key == 5) {
		l->cur = l->len;
	} else if (key == 21) { /* C-u */
		l->len = l->cur = 0;
		l->buf[0] = 0;
	} else if (!KEY_IS_FN(key) && key >= 0x20 && key != 0x7f && l->len + 1 < CAP) {
		memmove(&l->buf[l->cur + 1], &l->buf[l->cur], (l->len - l->cur + 1) * sizeof *l->buf);
		l->buf[l->cur++] = (wchar_t)key;
		l->len++;
	}
	return PROMPT_KEY_EDIT;
}
