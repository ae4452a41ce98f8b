/*
 * text.h - terminal-safe text: sanitising hostile strings, UTF-8 decoding,
 * display width, truncation and word wrapping.
 *
 * Everything that arrives from the network is hostile. Store it faithfully,
 * and pass it through text_sanitize() at display/print time. The width,
 * fit and wrap functions expect sanitized UTF-8; on other input they do not
 * crash, they just treat each invalid sequence as one U+FFFD (width 1) and
 * control characters as width 0.
 *
 * Nothing here depends on setlocale(): UTF-8 is decoded by hand and widths
 * come from a built-in table (Unicode 14 East Asian Wide/Fullwidth,
 * combining marks and format characters).
 *
 * Ownership: every char * returned is a new heap string the caller frees.
 */
#ifndef PODCUE_TEXT_H
#define PODCUE_TEXT_H

#include <stddef.h>
#include <stdint.h>

#define TEXT_KEEP_NEWLINES 1 /* keep '\n' (else newline -> space) */

/* New string safe to write to a terminal, always valid UTF-8:
 * - invalid UTF-8 (overlongs, surrogates, > U+10FFFF, truncated sequences)
 *   -> one U+FFFD per maximal invalid subpart;
 * - ESC-introduced sequences removed whole: CSI "ESC [ params final",
 *   OSC "ESC ] ... BEL or ST", DCS/SOS/PM/APC "ESC P/X/^/_ ... ST", nF
 *   "ESC intermediates final" and two-byte "ESC x". A CSI is cut short by
 *   any byte outside 0x20-0x7E (that byte is then handled normally); an
 *   unterminated string sequence runs to the end of the input; CAN/SUB
 *   also end a string sequence;
 * - C1 controls U+0080-U+009F removed; U+009B (and a raw 0x9B byte) starts
 *   a CSI that is removed with its parameters and final byte, and U+0090,
 *   U+0098, U+009D, U+009E, U+009F start strings removed up to ST/BEL;
 * - other C0 controls, NUL and DEL removed; TAB -> space; CR removed;
 *   '\n' kept with TEXT_KEEP_NEWLINES, else turned into a space;
 * - bidi controls U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C
 *   removed.
 * len may be (size_t)-1 for strlen. NULL -> "". Linear time. */
char *text_sanitize(const char *s, size_t len, int flags);

/* Display width in terminal columns of a UTF-8 string (per code point:
 * CJK and wide emoji 2, combining/format 0, controls 0, else 1). NULL -> 0. */
int text_width(const char *s);
/* Same for the first n bytes of s. */
int text_width_n(const char *s, size_t n);

/* Longest prefix of s whose display width <= cols, as a new string, with
 * "…" (U+2026, width 1) appended when truncated; the ellipsis counts
 * within cols. Never splits a UTF-8 sequence or a wide char; combining
 * marks stay with their base. cols <= 0 or s NULL -> "". */
char *text_fit(const char *s, int cols);

/* Word-wraps s to cols columns by display width. Breaks at spaces (spaces
 * at a break are dropped, other runs of spaces kept), splits words longer
 * than cols, keeps existing '\n' (an empty paragraph gives an empty line;
 * a single trailing '\n' does not add a line). cols < 1 counts as 1; a wide
 * char that cannot fit still gets a line of its own. Returns an array of
 * *n new lines, also NULL-terminated; caller frees each line and the
 * array (see text_lines_free). "" or NULL -> *n == 0. */
char **text_wrap(const char *s, int cols, size_t *n);
/* Frees an array from text_wrap (NULL-terminated). NULL is fine. */
void text_lines_free(char **lines);

/* Decodes one code point from s[0..n) (n >= 1). Returns the number of
 * bytes consumed (>= 1). *cp is the code point, or -1 for an invalid
 * sequence (then the maximal invalid subpart was consumed). */
size_t text_utf8_next(const char *s, size_t n, int32_t *cp);
/* Writes code point cp (0..0x10FFFF, not a surrogate; else U+FFFD) as
 * UTF-8 into out (room for 4 bytes, not NUL-terminated); returns the
 * number of bytes written. */
size_t text_utf8_encode(int32_t cp, char *out);
/* Display width of one code point: 0, 1 or 2 (controls 0). */
int text_cp_width(int32_t cp);
/* Copy of s[0..len) with every invalid UTF-8 sequence and every NUL byte
 * replaced by U+FFFD; nothing else changes. len may be (size_t)-1 for
 * strlen. NULL -> "". *outlen (optional) receives the length. */
char *text_utf8_fix(const char *s, size_t len, size_t *outlen);

#endif
