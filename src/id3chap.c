/*
 * id3chap.c - CHAP frames from an ID3v2.3/2.4 tag (see id3chap.h).
 *
 * Layout reminders (id3.org ID3v2.3.0, ID3v2.4.0-structure, Chapter Frame
 * Addendum 1.0):
 *   header  "ID3" major rev flags size[4 syncsafe]       (10 bytes)
 *   flags   0x80 unsynchronisation, 0x40 extended header,
 *           0x10 footer present (v2.4 only)
 *   frame   id[4] size[4] status-flags format-flags       (10 bytes)
 *           v2.3 size is plain 32-bit; v2.4 size is syncsafe
 *   v2.3 format flags: 0x80 compressed (+4 bytes), 0x40 encrypted (+1),
 *                      0x20 grouping (+1)
 *   v2.4 format flags: 0x40 grouping (+1), 0x08 compressed,
 *                      0x04 encrypted (+1), 0x02 unsynchronised,
 *                      0x01 data length indicator (+4)
 *   CHAP    element-id NUL, start ms, end ms, start offset, end offset
 *           (32-bit BE each), then embedded frames (TIT2, WXXX, ...).
 *
 * Unsynchronisation: the writer inserted 0x00 after every 0xFF that is
 * followed by a byte >= 0xE0 or 0x00; reading drops every 0x00 that
 * follows 0xFF. In v2.3 this applies to the whole tag after the header
 * (frame sizes count the de-unsynchronised data); in v2.4 to each frame's
 * data (frame sizes count the stored data).
 *
 * Every offset is checked against the bytes actually present before it is
 * read; sizes are compared by subtraction so nothing can overflow.
 */
#include "id3chap.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "text.h"
#include "util.h"

#define HDR 10 /* tag header, footer and frame header size */

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static uint32_t syncsafe32(const unsigned char *p)
{
	return (uint32_t)(p[0] & 0x7f) << 21 | (uint32_t)(p[1] & 0x7f) << 14 |
	       (uint32_t)(p[2] & 0x7f) << 7 | (uint32_t)(p[3] & 0x7f);
}

static int is_syncsafe(const unsigned char *p)
{
	return !((p[0] | p[1] | p[2] | p[3]) & 0x80);
}

/* A v2.3/2.4 frame ID: four of A-Z 0-9. */
static int is_frame_id(const unsigned char *p)
{
	for (int i = 0; i < 4; i++)
		if (!((p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= '0' && p[i] <= '9')))
			return 0;
	return 1;
}

/* Header check shared by id3chap_tag_size and id3chap_parse. */
static int header_valid(const unsigned char *buf)
{
	return buf[3] != 0xff && buf[4] != 0xff && is_syncsafe(buf + 6);
}

size_t id3chap_tag_size(const unsigned char *buf, size_t len)
{
	if (!buf || len < HDR || memcmp(buf, "ID3", 3) != 0 || !header_valid(buf))
		return 0;
	size_t n = HDR + (size_t)syncsafe32(buf + 6);
	if (buf[3] == 4 && (buf[5] & 0x10))
		n += HDR;
	return n;
}

/* Copies in[0..n) to out dropping each 0x00 that follows 0xFF; returns
 * the new length (<= n). */
static size_t deunsync(const unsigned char *in, size_t n, unsigned char *out)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		out[o++] = in[i];
		if (in[i] == 0xff && i + 1 < n && in[i + 1] == 0x00)
			i++;
	}
	return o;
}

/* ---- frame walking ---------------------------------------------------- */

/* A region of frames: avail bytes are present in p; the region nominally
 * ends at end (>= avail; larger when the buffer is truncated, SIZE_MAX when
 * unknown). */
struct region {
	const unsigned char *p;
	size_t avail;
	size_t end;
	int major;
	int unsync_all; /* v2.4 tag-level flag: every frame unsynchronised */
};

struct frame {
	const unsigned char *id;
	const unsigned char *data; /* after the flag-dependent extra bytes */
	size_t len;
	int unsync;   /* data must be de-unsynchronised */
	int unusable; /* compressed or encrypted: skipped */
};

/* Is there a plausible frame boundary at off: the region's end, padding
 * (zero bytes) or a frame ID? 1 yes, 0 no, -1 cannot tell (not in buffer). */
static int plausible_next(const struct region *r, size_t off)
{
	if (off == r->end)
		return 1;
	if (off > r->end)
		return 0;
	size_t n = r->end - off < 4 ? r->end - off : 4;
	if (off > r->avail || r->avail - off < n)
		return -1;
	const unsigned char *q = r->p + off;
	int zero = 1;
	for (size_t i = 0; i < n; i++)
		if (q[i])
			zero = 0;
	if (zero)
		return 1;
	return n == 4 && is_frame_id(q);
}

/* Size of the v2.4 frame whose header is at `at`, coping with tags written
 * with plain 32-bit sizes (iTunes). SIZE_MAX when neither reading leads
 * to a plausible next frame. */
static size_t v24_frame_size(const struct region *r, size_t at)
{
	const unsigned char *sz = r->p + at + 4;
	uint32_t raw = be32(sz);
	if (!is_syncsafe(sz))
		return raw; /* cannot be syncsafe: the plain reading */
	uint32_t ss = syncsafe32(sz);
	if (ss == raw)
		return ss; /* < 0x80: both readings agree */
	size_t base = at + HDR;
	if (plausible_next(r, base + ss) == 1)
		return ss;
	if (plausible_next(r, base + raw) == 1)
		return raw;
	return SIZE_MAX;
}

/* Reads the frame header at *pos; returns 1 with *f filled and *pos moved
 * past the frame, 0 at the end of the frames (padding, region end, invalid
 * ID, size overrunning the buffer or the region). */
static int next_frame(const struct region *r, size_t *pos, struct frame *f)
{
	size_t at = *pos;
	if (at > r->avail || r->avail - at < HDR)
		return 0;
	const unsigned char *h = r->p + at;
	if (!is_frame_id(h))
		return 0;
	size_t size = r->major == 4 ? v24_frame_size(r, at) : be32(h + 4);
	if (size > r->avail - at - HDR || size > r->end - at - HDR)
		return 0;

	unsigned fmt = h[9];
	size_t extra = 0;
	int unsync = 0, unusable = 0;
	if (r->major == 3) {
		if (fmt & 0x80) {
			extra += 4;
			unusable = 1;
		}
		if (fmt & 0x40) {
			extra += 1;
			unusable = 1;
		}
		if (fmt & 0x20)
			extra += 1;
	} else {
		if (fmt & 0x40)
			extra += 1;
		if (fmt & 0x08)
			unusable = 1;
		if (fmt & 0x04) {
			extra += 1;
			unusable = 1;
		}
		if (fmt & 0x01)
			extra += 4;
		unsync = (fmt & 0x02) || r->unsync_all;
	}
	if (extra > size) {
		unusable = 1;
		extra = size;
	}
	f->id = h;
	f->data = h + HDR + extra;
	f->len = size - extra;
	f->unsync = unsync;
	f->unusable = unusable;
	*pos = at + HDR + size;
	return 1;
}

/* The frame's data, de-unsynchronised into *tmp (caller frees) if needed. */
static const unsigned char *frame_data(const struct frame *f, size_t *len,
                                       unsigned char **tmp)
{
	*tmp = NULL;
	if (!f->unsync) {
		*len = f->len;
		return f->data;
	}
	*tmp = xmalloc(f->len ? f->len : 1);
	*len = deunsync(f->data, f->len, *tmp);
	return *tmp;
}

/* ---- text ------------------------------------------------------------- */

static void put_utf8(sbuf *b, uint32_t cp)
{
	char u[4];
	if (cp < 0x80) {
		u[0] = (char)cp;
		sb_append(b, u, 1);
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		sb_append(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		sb_append(b, u, 3);
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		sb_append(b, u, 4);
	}
}

/* sbuf contents as a string, NULL when empty. */
static char *steal_nonempty(sbuf *b)
{
	if (b->len == 0) {
		sb_free(b);
		return NULL;
	}
	return sb_steal(b);
}

/* ISO-8859-1 up to the first NUL. */
static char *latin1_to_utf8(const unsigned char *p, size_t n)
{
	sbuf b = SBUF_INIT;
	for (size_t i = 0; i < n && p[i]; i++)
		put_utf8(&b, p[i]);
	return steal_nonempty(&b);
}

/* UTF-16 up to the first NUL unit; an odd trailing byte is ignored. A BOM
 * at the start overrides be. */
static char *utf16_to_utf8(const unsigned char *p, size_t n, int be)
{
	if (n >= 2 && ((p[0] == 0xfe && p[1] == 0xff) ||
	               (p[0] == 0xff && p[1] == 0xfe))) {
		be = p[0] == 0xfe;
		p += 2;
		n -= 2;
	}
	sbuf b = SBUF_INIT;
	size_t i = 0;
	while (n - i >= 2) {
		uint32_t u = be ? (uint32_t)p[i] << 8 | p[i + 1]
		                : (uint32_t)p[i + 1] << 8 | p[i];
		i += 2;
		if (u == 0)
			break;
		if (u >= 0xd800 && u <= 0xdbff && n - i >= 2) {
			uint32_t lo = be ? (uint32_t)p[i] << 8 | p[i + 1]
			                 : (uint32_t)p[i + 1] << 8 | p[i];
			if (lo >= 0xdc00 && lo <= 0xdfff) {
				i += 2;
				put_utf8(&b, 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00));
				continue;
			}
		}
		if (u >= 0xd800 && u <= 0xdfff)
			u = 0xfffd; /* unpaired surrogate */
		put_utf8(&b, u);
	}
	return steal_nonempty(&b);
}

/* UTF-8 up to the first NUL, a leading BOM dropped, invalid sequences
 * replaced by U+FFFD. */
static char *utf8_clean(const unsigned char *p, size_t n)
{
	const unsigned char *z = memchr(p, 0, n);
	if (z)
		n = (size_t)(z - p);
	if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) {
		p += 3;
		n -= 3;
	}
	if (n == 0)
		return NULL;
	return text_utf8_fix((const char *)p, n, NULL);
}

/* The first string of an encoded text field; NULL when empty or the
 * encoding is unknown. */
static char *decode_text(int enc, const unsigned char *p, size_t n)
{
	switch (enc) {
	case 0:
		return latin1_to_utf8(p, n);
	case 1: /* BOM required; big-endian when missing (RFC 2781) */
	case 2: /* UTF-16BE; a stray BOM is honoured */
		return utf16_to_utf8(p, n, 1);
	case 3:
		return utf8_clean(p, n);
	default:
		return NULL;
	}
}

/* Length of an encoded NUL-terminated string including its terminator,
 * or 0 when there is no terminator. */
static size_t encoded_strlen(int enc, const unsigned char *p, size_t n)
{
	if (enc == 1 || enc == 2) {
		for (size_t i = 0; n - i >= 2; i += 2)
			if (p[i] == 0 && p[i + 1] == 0)
				return i + 2;
		return 0;
	}
	const unsigned char *z = memchr(p, 0, n);
	return z ? (size_t)(z - p) + 1 : 0;
}

/* TIT2 body -> title. */
static char *text_frame(const unsigned char *p, size_t n)
{
	if (n < 1)
		return NULL;
	return decode_text(p[0], p + 1, n - 1);
}

/* WXXX body: encoding, description (encoded, terminated), URL (ISO-8859-1,
 * to the end or a NUL) -> trimmed URL. */
static char *wxxx_frame(const unsigned char *p, size_t n)
{
	if (n < 1 || p[0] > 3)
		return NULL;
	size_t d = encoded_strlen(p[0], p + 1, n - 1);
	if (d == 0)
		return NULL;
	char *raw = latin1_to_utf8(p + 1 + d, n - 1 - d);
	char *url = str_trim_dup(raw);
	free(raw);
	return url;
}

/* ---- CHAP ------------------------------------------------------------- */

/* Parses one CHAP body; appends a chapter to l unless malformed. */
static void parse_chap(const unsigned char *p, size_t n, int major,
                       chapter_list *l)
{
	const unsigned char *z = memchr(p, 0, n);
	if (!z)
		return; /* element ID without terminator */
	size_t at = (size_t)(z - p) + 1;
	if (n - at < 16)
		return;
	uint32_t start_ms = be32(p + at);
	uint32_t end_ms = be32(p + at + 4);
	at += 16;

	chapter c = {0};
	c.start = start_ms / 1000.0;
	c.end = (end_ms == 0xffffffffu || end_ms <= start_ms) ? -1 : end_ms / 1000.0;
	c.source = CHAP_SRC_EMBEDDED;

	struct region sub = {p + at, n - at, n - at, major, 0};
	size_t pos = 0;
	struct frame f;
	while ((!c.title || !c.url) && next_frame(&sub, &pos, &f)) {
		int tit2 = !memcmp(f.id, "TIT2", 4), wxxx = !memcmp(f.id, "WXXX", 4);
		if (f.unusable || (!tit2 && !wxxx) || (tit2 && c.title) ||
		    (wxxx && c.url))
			continue;
		unsigned char *tmp;
		size_t len;
		const unsigned char *d = frame_data(&f, &len, &tmp);
		if (tit2)
			c.title = text_frame(d, len);
		else
			c.url = wxxx_frame(d, len);
		free(tmp);
	}
	chapter_list_push(l, c);
}

static int fail(char **err, const char *msg)
{
	if (err)
		*err = xstrdup(msg);
	return -1;
}

int id3chap_parse(const unsigned char *buf, size_t len, chapter_list *out,
                  char **err)
{
	if (err)
		*err = NULL;
	if (!buf || len < HDR || memcmp(buf, "ID3", 3) != 0)
		return 0;
	if (!header_valid(buf))
		return fail(err, "invalid ID3v2 header");
	int major = buf[3];
	if (major < 3)
		return 0; /* v2.2 (3-character frame IDs) has no CHAP frames */
	if (major > 4) {
		if (err)
			*err = xasprintf("unsupported ID3v2.%d tag", major);
		return -1;
	}
	unsigned flags = buf[5];
	size_t tsize = syncsafe32(buf + 6);
	int truncated = len - HDR < tsize;
	struct region r = {buf + HDR, truncated ? len - HDR : tsize, tsize, major, 0};
	unsigned char *copy = NULL;

	if (major == 3 && (flags & 0x80)) {
		copy = xmalloc(r.avail ? r.avail : 1);
		r.avail = deunsync(r.p, r.avail, copy);
		r.p = copy;
		/* The de-unsynchronised length of the missing part is unknown. */
		r.end = truncated ? SIZE_MAX : r.avail;
	} else if (major == 4) {
		r.unsync_all = (flags & 0x80) != 0;
	}

	size_t pos = 0;
	if (flags & 0x40) {
		size_t ext;
		if (r.avail < 4) {
			free(copy);
			if (truncated)
				return 0;
			return fail(err, "extended header does not fit in the tag");
		}
		if (major == 3)
			ext = (size_t)be32(r.p) + 4; /* size excludes itself */
		else /* syncsafe, includes itself; some writers use plain */
			ext = is_syncsafe(r.p) ? syncsafe32(r.p) : be32(r.p);
		if (ext < 4 || ext > r.end) {
			free(copy);
			return fail(err, "extended header does not fit in the tag");
		}
		if (ext > r.avail) {
			free(copy);
			return 0; /* truncated inside the extended header */
		}
		pos = ext;
	}

	chapter_list got = CHAPTER_LIST_INIT;
	struct frame f;
	while (got.n < ID3CHAP_MAX_CHAPTERS && next_frame(&r, &pos, &f)) {
		if (f.unusable || memcmp(f.id, "CHAP", 4) != 0)
			continue;
		unsigned char *tmp;
		size_t n;
		const unsigned char *d = frame_data(&f, &n, &tmp);
		parse_chap(d, n, major, &got);
		free(tmp);
	}
	free(copy);

	chapter_list_sort(&got);
	for (size_t i = 0; i < got.n; i++)
		chapter_list_push(out, got.v[i]);
	int n = (int)got.n;
	free(got.v);
	return n;
}

int id3chap_parse_file(const char *path, chapter_list *out, char **err)
{
	if (err)
		*err = NULL;
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		if (err)
			*err = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	unsigned char head[HDR];
	size_t got = fread(head, 1, sizeof head, fp);
	if (ferror(fp)) {
		int e = errno;
		fclose(fp);
		if (err)
			*err = xasprintf("%s: %s", path, strerror(e));
		return -1;
	}
	size_t want = id3chap_tag_size(head, got);
	if (want == 0) {
		fclose(fp);
		return id3chap_parse(head, got, out, err); /* 0, or -1 bad header */
	}
	/* Never allocate more than the file holds (hostile header sizes). */
	struct stat st;
	if (fstat(fileno(fp), &st) == 0 && st.st_size >= 0 &&
	    (unsigned long long)st.st_size < want)
		want = (size_t)st.st_size;
	if (want < HDR)
		want = HDR;
	unsigned char *buf = xmalloc(want);
	memcpy(buf, head, HDR);
	size_t n = HDR + fread(buf + HDR, 1, want - HDR, fp);
	int bad = ferror(fp);
	int e = errno;
	fclose(fp);
	if (bad) {
		free(buf);
		if (err)
			*err = xasprintf("%s: %s", path, strerror(e));
		return -1;
	}
	int rc = id3chap_parse(buf, n, out, err);
	free(buf);
	return rc;
}
