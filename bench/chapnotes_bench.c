/*
 * chapnotes_bench.c - throughput of show-note chapter extraction.
 *
 *   build/bench/chapnotes_bench [FEEDDIR]
 *
 * (a) With FEEDDIR (the feeds/ directory written by bench/gen_library.py):
 *     parses every *.xml with feed_parse, turns each item's notes into text
 *     with html_to_text (timed once, as refresh does it), then times
 *     chapnotes_parse over all the texts (median of several passes).
 * (b) Builds 1 MB show notes in memory and times chapnotes_parse on each
 *     (median, min and max over REPS runs):
 *       list+prose  a 12,000-entry "H:MM:SS - title" list inside prose
 *       glued       one 1 MB line "Chapters00:00 - Intro01:27 - ..."
 *       prose       1 MB of prose full of clock times, ratios, ?t= links
 *     and html_to_text + chapnotes_from_notes on the HTML form of list+prose
 *     ("<p>0:00:00 - ...<br>...</p>"), which is what refresh runs per item
 *     (the reading text, then the chapter view and the finder).
 *
 * Output: a readable report, plus lines "RESULT key median min max unit"
 * that bench/run.sh folds into its table.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chapnotes.h"
#include "chapter.h"
#include "feed.h"
#include "html.h"
#include "util.h"

#define REPS 9
#define ONE_MB (1024 * 1024)

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Sorts v and returns the median. */
static double median(double *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct notes {
	char **text;
	size_t *len;
	size_t n, cap;
	size_t bytes;
};

static void notes_add(struct notes *ns, char *t)
{
	if (ns->n == ns->cap) {
		ns->cap = ns->cap ? ns->cap * 2 : 1024;
		ns->text = xrealloc(ns->text, ns->cap * sizeof *ns->text);
		ns->len = xrealloc(ns->len, ns->cap * sizeof *ns->len);
	}
	ns->text[ns->n] = t;
	ns->len[ns->n] = strlen(t);
	ns->bytes += ns->len[ns->n];
	ns->n++;
}

static int load_feeds(const char *dir, struct notes *ns, double *html_s, size_t *html_bytes,
		      size_t *nfeeds)
{
	DIR *d = opendir(dir);
	if (!d) {
		perror(dir);
		return -1;
	}
	struct dirent *de;
	*html_s = 0;
	*html_bytes = 0;
	*nfeeds = 0;
	while ((de = readdir(d))) {
		size_t nl = strlen(de->d_name);
		if (nl < 5 || strcmp(de->d_name + nl - 4, ".xml") != 0)
			continue;
		char *path = xasprintf("%s/%s", dir, de->d_name);
		size_t len;
		char *buf = file_read_all(path, &len);
		free(path);
		if (!buf)
			continue;
		feed f = {0};
		if (feed_parse(buf, len, NULL, NULL, &f, NULL) == 0) {
			(*nfeeds)++;
			for (size_t i = 0; i < f.nitems; i++) {
				const char *in = f.items[i].notes;
				if (!in)
					continue;
				html_text ht;
				size_t il = strlen(in);
				double t0 = now();
				html_to_text(in, il, &ht);
				*html_s += now() - t0;
				*html_bytes += il;
				notes_add(ns, ht.text);
				ht.text = NULL;
				html_text_free(&ht);
			}
		}
		feed_free(&f);
		free(buf);
	}
	closedir(d);
	return 0;
}

static const char *const WORDS[] = {
	"the", "guest", "talks", "about", "databases", "and", "why", "we", "moved",
	"to", "SQLite", "in", "production", "coffee", "kernel", "music", "Rust",
	"episode", "recorded", "live", "with", "our", "friends", "from", "Berlin",
};
#define NWORDS (sizeof WORDS / sizeof WORDS[0])

static unsigned rng_state = 12345;
static unsigned rnd(void)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return (rng_state >> 16) & 0x7fff;
}

static void prose(sbuf *b, size_t bytes, int tricky)
{
	size_t start = b->len;
	while (b->len - start < bytes) {
		for (int w = 0; w < 12; w++) {
			sb_puts(b, WORDS[rnd() % NWORDS]);
			sb_putc(b, ' ');
		}
		if (tricky) {
			switch (rnd() % 6) {
			case 0: sb_printf(b, "we start at %u:%02u sharp ", rnd() % 24, rnd() % 60); break;
			case 1: sb_printf(b, "recorded 2025-05-14 %u:%02u ", rnd() % 24, rnd() % 60); break;
			case 2: sb_printf(b, "https://youtu.be/x?t=%u:%02u ", rnd() % 60, rnd() % 60); break;
			case 3: sb_puts(b, "shot in 16:9 and 3:2 "); break;
			case 4: sb_printf(b, "doors open %u:%02u pm ", rnd() % 12 + 1, rnd() % 60); break;
			default: sb_printf(b, "score %u.%u:%02u ", rnd() % 9, rnd() % 9, rnd() % 60); break;
			}
		}
		sb_puts(b, rnd() % 4 ? ". " : ".\n\n");
	}
}

static void hms(sbuf *b, unsigned s)
{
	sb_printf(b, "%u:%02u:%02u", s / 3600, s / 60 % 60, s % 60);
}

/* The three 1 MB plain-text notes and the HTML form of the first. */
static char *make_list_prose(int html, size_t *nchap)
{
	sbuf b = SBUF_INIT;
	if (html)
		sb_puts(&b, "<p>");
	prose(&b, 300 * 1024, 0);
	sb_puts(&b, html ? "</p><p>Chapters<br>" : "\nChapters\n");
	unsigned t = 0;
	*nchap = 0;
	while (b.len < 800 * 1024) {
		hms(&b, t);
		sb_puts(&b, " - ");
		for (int w = rnd() % 4 + 1; w > 0; w--) {
			sb_puts(&b, WORDS[rnd() % NWORDS]);
			sb_putc(&b, ' ');
		}
		sb_puts(&b, html ? "<br>" : "\n");
		t += 5 + rnd() % 5;
		(*nchap)++;
	}
	if (html)
		sb_puts(&b, "</p><p>");
	prose(&b, ONE_MB - b.len - (html ? 4 : 0), 0);
	if (html)
		sb_puts(&b, "</p>");
	return sb_steal(&b);
}

static char *make_glued(size_t *nchap)
{
	sbuf b = SBUF_INIT;
	sb_puts(&b, "Chapters");
	unsigned t = 0;
	*nchap = 0;
	while (b.len < ONE_MB) {
		hms(&b, t);
		sb_puts(&b, " - ");
		for (int w = rnd() % 3 + 1; w > 0; w--) {
			if (w != 1 || rnd() % 2)
				sb_putc(&b, ' ');
			sb_puts(&b, WORDS[rnd() % NWORDS]);
		}
		t += 5 + rnd() % 5;
		(*nchap)++;
	}
	return sb_steal(&b);
}

static char *make_prose(void)
{
	sbuf b = SBUF_INIT;
	prose(&b, ONE_MB, 1);
	return sb_steal(&b);
}

/* Times chapnotes_parse on one text REPS times; returns chapters found. */
static size_t time_parse(const char *t, size_t len, double *ms)
{
	size_t found = 0;
	for (int r = 0; r < REPS; r++) {
		chapter_list l = CHAPTER_LIST_INIT;
		double t0 = now();
		found = chapnotes_parse(t, len, &l);
		ms[r] = (now() - t0) * 1e3;
		chapter_list_clear(&l);
	}
	return found;
}

static void report(const char *key, const char *what, size_t len, double *ms, size_t found)
{
	double med = median(ms, REPS);
	printf("  %-34s %7.2f ms (min %.2f, max %.2f)  %7.1f MB/s  %zu chapters\n", what, med,
	       ms[0], ms[REPS - 1], (double)len / 1e6 / (med / 1e3), found);
	printf("RESULT %s %.3f %.3f %.3f ms\n", key, med, ms[0], ms[REPS - 1]);
}

int main(int argc, char **argv)
{
	if (argc > 2) {
		fprintf(stderr, "usage: chapnotes_bench [FEEDDIR]\n");
		return 2;
	}
	if (argc == 2) {
		struct notes ns = {0};
		double html_s;
		size_t html_bytes, nfeeds;
		if (load_feeds(argv[1], &ns, &html_s, &html_bytes, &nfeeds) != 0)
			return 1;
		size_t with = 0, chapters = 0;
		double pass[REPS];
		for (int r = 0; r < REPS; r++) {
			with = chapters = 0;
			double t0 = now();
			for (size_t i = 0; i < ns.n; i++) {
				chapter_list l = CHAPTER_LIST_INIT;
				size_t k = chapnotes_parse(ns.text[i], ns.len[i], &l);
				with += k > 0;
				chapters += k;
				chapter_list_clear(&l);
			}
			pass[r] = now() - t0;
		}
		double med = median(pass, REPS);
		printf("(a) generated show notes: %zu feeds, %zu notes, %.1f MB HTML -> %.1f MB text\n",
		       nfeeds, ns.n, (double)html_bytes / 1e6, (double)ns.bytes / 1e6);
		printf("  html_to_text (once)                %7.1f ms  %7.1f MB/s of HTML\n",
		       html_s * 1e3, (double)html_bytes / 1e6 / html_s);
		printf("  chapnotes_parse, all notes         %7.1f ms (min %.1f, max %.1f)  %7.1f MB/s"
		       "  %.1f us/note\n",
		       med * 1e3, pass[0] * 1e3, pass[REPS - 1] * 1e3, (double)ns.bytes / 1e6 / med,
		       med * 1e6 / (double)(ns.n ? ns.n : 1));
		printf("  notes with a chapter list: %zu of %zu, %zu chapters\n", with, ns.n, chapters);
		printf("RESULT all_notes %.3f %.3f %.3f ms\n", med * 1e3, pass[0] * 1e3,
		       pass[REPS - 1] * 1e3);
		printf("RESULT all_notes_mbps %.1f 0 0 MB/s\n", (double)ns.bytes / 1e6 / med);
		printf("RESULT html_to_text_mbps %.1f 0 0 MB/s\n",
		       (double)html_bytes / 1e6 / html_s);
		for (size_t i = 0; i < ns.n; i++)
			free(ns.text[i]);
		free(ns.text);
		free(ns.len);
	}

	printf("(b) 1 MB show notes, chapnotes_parse, %d runs each\n", REPS);
	double ms[REPS];
	size_t nchap;
	char *t = make_list_prose(0, &nchap);
	size_t len = strlen(t);
	size_t found = time_parse(t, len, ms);
	char what[96];
	snprintf(what, sizeof what, "list+prose (%zu KB, %zu-entry list)", len / 1024, nchap);
	report("note_1mb", what, len, ms, found);
	free(t);

	t = make_glued(&nchap);
	len = strlen(t);
	found = time_parse(t, len, ms);
	snprintf(what, sizeof what, "glued one line (%zu KB, %zu entries)", len / 1024, nchap);
	report("note_1mb_glued", what, len, ms, found);
	free(t);

	t = make_prose();
	len = strlen(t);
	found = time_parse(t, len, ms);
	snprintf(what, sizeof what, "prose, false positives (%zu KB)", len / 1024);
	report("note_1mb_prose", what, len, ms, found);
	free(t);

	/* The whole per-item path of refresh on a 1 MB HTML note. */
	t = make_list_prose(1, &nchap);
	len = strlen(t);
	for (int r = 0; r < REPS; r++) {
		html_text ht;
		chapter_list l = CHAPTER_LIST_INIT;
		double t0 = now();
		html_to_text(t, len, &ht);
		found = chapnotes_from_notes(t, len, -1, &l, NULL);
		ms[r] = (now() - t0) * 1e3;
		chapter_list_clear(&l);
		html_text_free(&ht);
	}
	snprintf(what, sizeof what, "HTML: reading text + chapter view + parse (%zu KB)",
		 len / 1024);
	report("note_1mb_html", what, len, ms, found);
	free(t);
	return 0;
}
