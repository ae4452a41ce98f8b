/*
 * prompt.h - the TUI's one-line editor (the `:`, `/` and add prompts): a
 * line of code points with a cursor, edited by keys (keys.h values), read
 * back as UTF-8 whatever the locale.
 *
 * Plain data owned by its caller; UI thread only.
 */
#ifndef PODCUE_PROMPT_H
#define PODCUE_PROMPT_H

#include <stddef.h>
#include <wchar.h>

typedef struct prompt_line {
	wchar_t buf[512]; /* NUL-terminated */
	size_t len, cur;  /* code points typed, cursor position */
} prompt_line;

/* What a key did to the line. */
enum { PROMPT_KEY_EDIT, PROMPT_KEY_ENTER, PROMPT_KEY_CANCEL };

/* Empties the line, then types initial (UTF-8, may be NULL). */
void prompt_set(prompt_line *l, const char *initial);
/* Applies one key: editing keys (arrows, Home/End, C-a/C-e, C-u,
 * Backspace, Delete, printable characters) change the line; Enter returns
 * PROMPT_KEY_ENTER; Esc, C-g and Backspace on an empty line return
 * PROMPT_KEY_CANCEL. */
int prompt_key(prompt_line *l, int key);
/* The first n code points of the line as UTF-8 (n > len: all). Caller frees. */
char *prompt_text(const prompt_line *l, size_t n);

#endif
