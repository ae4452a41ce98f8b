/*
 * id3chap.h - chapters embedded in an MP3's ID3v2 tag (the "ID3v2 Chapter
 * Frame Addendum": CHAP frames), read without playing the file.
 *
 * The tag sits at the very start of the file, so a client can learn an
 * episode's chapters before playback by fetching the first 10 bytes (or a
 * few KiB) with an HTTP Range request, asking id3chap_tag_size() how long
 * the whole tag is, fetching that many bytes and calling id3chap_parse().
 *
 * What is read, and how it relates to FFmpeg/mpv (formats.md section 8):
 * - one chapter per CHAP frame, like FFmpeg's ff_id3v2_parse_chapters();
 *   CTOC frames are ignored (FFmpeg ignores them too). The list is sorted
 *   by start, file order breaking ties, like mpv's chapter-list;
 * - start/end from the millisecond fields (the byte offsets are ignored);
 * - title from the first embedded TIT2 sub-frame, url from the first
 *   embedded WXXX sub-frame (FFmpeg does not expose WXXX); img is always
 *   NULL (APIC images are not extracted).
 * Only a tag at offset 0 is read: ID3v2 tags appended at the end of a file
 * (v2.4 footer "3DI") and a second tag after the first are not looked for.
 *
 * Everything here treats its input as hostile: no read outside
 * buf[0..len), no recursion, work linear in len.
 */
#ifndef PODCUE_ID3CHAP_H
#define PODCUE_ID3CHAP_H

#include <stddef.h>

#include "chapter.h"

/* Most chapters kept from one tag: the first ones in file order. */
#define ID3CHAP_MAX_CHAPTERS 10000

/* Size in bytes of the whole ID3v2 tag (10-byte header + body + 10-byte
 * footer when the v2.4 footer flag is set) given at least the first 10
 * bytes of a file; 0 when len < 10 or buf does not start with a valid
 * ID3v2 header ("ID3", version bytes != 0xFF, syncsafe size bytes < 0x80).
 * Used to decide how many bytes to fetch with an HTTP Range request. Any
 * major version is measured (v2.2 too), since the audio starts after it. */
size_t id3chap_tag_size(const unsigned char *buf, size_t len);

/* Parses CHAP frames (ID3v2.3 and v2.4; v2.2 has none) from buf, the start
 * of the file (at least the whole tag when possible). Appends chapters
 * (source CHAP_SRC_EMBEDDED) to out, the appended ones sorted by start
 * (stable; chapters already in out are left untouched):
 * - start = start milliseconds / 1000; end = end ms / 1000, or -1 when the
 *   end field is 0xFFFFFFFF or <= start;
 * - title from the first TIT2 sub-frame, decoded from its text encoding
 *   (0 ISO-8859-1, 1 UTF-16 with BOM - big-endian when the BOM is missing,
 *   2 UTF-16BE, 3 UTF-8) into valid UTF-8 (invalid sequences and unpaired
 *   surrogates become U+FFFD); only the first string of a multi-string
 *   frame is kept; NULL when missing or empty;
 * - url from the first WXXX sub-frame's URL field (ISO-8859-1, trimmed),
 *   NULL when missing or empty; img NULL; hidden 0.
 * Handles tag-level unsynchronisation (v2.3: whole tag; v2.4: every frame),
 * v2.4 frame-level unsynchronisation, grouping and data-length-indicator
 * frame flags, v2.4 syncsafe frame sizes and the iTunes bug of v2.4 tags
 * written with plain 32-bit sizes (per frame: the syncsafe reading is used
 * when the next frame header is plausible - a frame ID, padding or the
 * end of the tag - else the plain reading if that one is), extended
 * headers and padding. Compressed or encrypted frames are skipped.
 *
 * A truncated tag (len < id3chap_tag_size()) yields the CHAP frames that
 * are wholly inside buf. The frame walk stops cleanly, keeping what was
 * read, at padding, at an invalid frame ID, or at a frame whose size
 * overruns the tag or the buffer. A CHAP frame with a malformed body is
 * skipped. At most ID3CHAP_MAX_CHAPTERS chapters are read.
 *
 * Returns the number of chapters appended: 0 when buf has no ID3v2 tag, is
 * shorter than the 10-byte header, is a v2.2 tag or has no CHAP frames.
 * Returns -1 with *err (caller frees) on a malformed tag: "ID3" followed by
 * an invalid header (version byte 0xFF, size byte >= 0x80), an unknown
 * major version (> 4), or an extended header that does not fit in the tag.
 * err may be NULL; when not, *err is set to NULL on success. */
int id3chap_parse(const unsigned char *buf, size_t len, chapter_list *out,
                  char **err);

/* Reads just the ID3v2 tag at the start of the local file path (a
 * downloaded episode) and parses it as id3chap_parse() does. A file
 * without a tag gives 0. Returns -1 with *err (caller frees, err may be
 * NULL) when the file cannot be opened or read, or the tag is malformed. */
int id3chap_parse_file(const char *path, chapter_list *out, char **err);

#endif
