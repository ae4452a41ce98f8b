/*
 * html.h - show notes (HTML or plain text) to plain text with a link list.
 *
 * The result is stored/rendered text, NOT terminal-safe: control characters
 * and escape sequences from the input survive. Pass it through
 * text_sanitize(..., TEXT_KEEP_NEWLINES) before display.
 */
#ifndef PODCUE_HTML_H
#define PODCUE_HTML_H

#include <stddef.h>

typedef struct html_text {
	char *text;   /* plain UTF-8 text, '\n' line breaks, no trailing blank lines */
	char **links; /* absolute or as-written hrefs, numbered 1..nlinks in text as "[N]" */
	size_t nlinks;
	int src_breaks; /* HTML only: a newline in the source text, before a
	                 * digit or bracket, was collapsed into a space */
} html_text;

/* Converts show notes to text. out is overwritten (not freed first); free
 * it with html_text_free(). Invalid UTF-8 and NUL bytes in the input
 * become U+FFFD first; len may be (size_t)-1 for strlen; NULL is "".
 *
 * Plain text (no '<' followed by a letter, '/' or '!'): CRLF/CR become
 * '\n', line breaks and whitespace runs inside lines are kept, trailing
 * whitespace at the end is dropped, and the well-formed entities &amp;
 * &lt; &gt; &quot; &apos; &nbsp; &#N; &#xH; are decoded (anything else
 * with '&' stays as written). http(s) URLs are collected into links in
 * order of first appearance (no "[N]" is inserted); trailing .,;:!?'"
 * and an unbalanced ')' are not part of a URL.
 *
 * HTML (libxml2's HTML parser, recovering, no network, silent):
 * - p, h1-h6, pre, blockquote, table, dl, figure and hr are separated
 *   from their surroundings by a blank line; other block elements (div,
 *   li, ul/ol, tr, dt/dd, section, article, header, footer, ...) and br
 *   by a line break; li is prefixed with "• " (two extra spaces of
 *   indent per nested list level, at most 8 levels); td/th are
 *   separated by a space; br is a line break (blank-line runs are
 *   collapsed, see below); images are ignored;
 * - inline whitespace is collapsed as a browser would (not inside pre);
 *   U+00A0 is kept as is;
 * - head, script, style, template, noscript, iframe, object, svg, math
 *   and comments are dropped; "<![CDATA[" and its "]]>" are removed
 *   before parsing (double-wrapped notes);
 * - every <a href> gets " [N]" after its content, N numbering distinct
 *   hrefs (trimmed, compared exactly) in order of first appearance, even
 *   when the anchor text is the URL itself (so every link can be opened
 *   by number). href values that are empty, "#..." fragments,
 *   javascript: or data: URLs are not numbered. hrefs are kept as
 *   written (no base URL is known here).
 * - final clean-up: spaces/U+00A0 at line ends removed, leading blank
 *   lines removed, runs of blank lines collapsed into one.
 * Chapter lists such as "<p>00:00 - Intro<br>01:27 - Next</p>" or
 * "<li>0:20 – Meet</li>" come out one entry per line, text unchanged.
 *
 * Linear in the input; the tree is walked iteratively (any nesting depth).
 * Returns 0 (also for "" and for garbage, which give whatever text
 * survives), or -1 when the input is larger than INT_MAX or libxml2
 * cannot allocate a parser (out is then valid and empty: text "" and no
 * links). Never writes to stderr. */
int html_to_text(const char *in, size_t len, html_text *out);

/* html_render() flags. The chapter view is the text the show-notes chapter
 * finder reads: the document's own lines, without the reader's aids. */
#define HTML_CHAPTERS 1  /* links keep their words, never a " [N]"; table
                          * cells are separated by " | "; markdown links
                          * "[words](url)" become their words and "**" is
                          * dropped (plain text and HTML alike) */
#define HTML_SRC_LINES 2 /* a newline in the HTML source text is a line
                          * break (notes whose lines are only source lines,
                          * with no <br> or <p>); not inside <pre> */

/* html_to_text() with flags (0 is html_to_text itself). Same contract,
 * same linear bound. */
int html_render(const char *in, size_t len, int flags, html_text *out);

/* A show note parsed once, to render several views of it (the reading
 * text and the chapter views) without parsing it again: libxml2's parse is
 * most of a rendering's cost. html_parse never returns NULL; a note
 * html_render would fail on renders "" with -1 in every view.
 * html_doc_render(html_parse(in, len), flags, out) is exactly
 * html_render(in, len, flags, out). One thread at a time; free with
 * html_doc_free. */
typedef struct html_doc html_doc;
html_doc *html_parse(const char *in, size_t len);
int html_doc_render(const html_doc *d, int flags, html_text *out);
void html_doc_free(html_doc *d);

/* Frees the contents of t (not t itself) and empties it. NULL is fine. */
void html_text_free(html_text *t);

#endif
