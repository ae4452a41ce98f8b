/*
 * chapjson.c - Podcasting 2.0 JSON chapters, parsed with jansson.
 *
 * Limits, checked before jansson sees the document: at most
 * CHAPJSON_MAX_BYTES (16 MiB) and at most CHAPJSON_MAX_DEPTH (64) nested
 * arrays/objects (a real chapters file nests 4 deep; jansson's own limit is
 * 2048). At most CHAPJSON_MAX_CHAPTERS (10,000) chapters are kept: the
 * largest real file we know has ~700 marks, and the cap bounds memory and
 * UI work for hostile files.
 */
#include "chapjson.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static int fail(char **err, char *msg)
{
	if (err)
		*err = msg;
	else
		free(msg);
	return -1;
}

static char *str_or_null(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? xstrdup(json_string_value(v)) : NULL;
}

int chapjson_parse(const char *buf, size_t len, chapter_list *out, char **err)
{
	if (err)
		*err = NULL;
	if (!buf || len == 0)
		return fail(err, xstrdup("empty document"));
	if (len > CHAPJSON_MAX_BYTES)
		return fail(err, xasprintf("document larger than %u bytes",
		                           CHAPJSON_MAX_BYTES));
	if (json_too_deep(buf, len, CHAPJSON_MAX_DEPTH))
		return fail(err, xasprintf("nesting deeper than %d",
		                           CHAPJSON_MAX_DEPTH));

	json_error_t je;
	json_t *root = json_loadb(buf, len, 0, &je);
	if (!root)
		return fail(err, xasprintf("not JSON: %s (line %d, column %d)",
		                           je.text, je.line, je.column));
	json_t *arr = json_is_object(root) ? json_object_get(root, "chapters")
	                                   : NULL;
	if (!json_is_array(arr)) {
		json_decref(root);
		return fail(err, xstrdup("top level is not an object with a "
		                         "\"chapters\" array"));
	}

	chapter_list tmp = CHAPTER_LIST_INIT;
	size_t i;
	json_t *o;
	json_array_foreach(arr, i, o) {
		if (tmp.n >= CHAPJSON_MAX_CHAPTERS)
			break;
		if (!json_is_object(o))
			continue;
		json_t *st = json_object_get(o, "startTime");
		if (!json_is_number(st))
			continue;
		double start = json_number_value(st);
		if (!isfinite(start) || start < 0)
			continue;
		chapter c;
		memset(&c, 0, sizeof c);
		c.start = start;
		c.end = -1;
		json_t *et = json_object_get(o, "endTime");
		if (json_is_number(et)) {
			double end = json_number_value(et);
			if (isfinite(end) && end > start)
				c.end = end;
		}
		c.hidden = json_is_false(json_object_get(o, "toc"));
		c.source = CHAP_SRC_JSON;
		c.title = str_or_null(o, "title");
		c.url = str_or_null(o, "url");
		c.img = str_or_null(o, "img");
		chapter_list_push(&tmp, c);
	}
	json_decref(root);

	if (tmp.n == 0) {
		chapter_list_clear(&tmp);
		return fail(err, xstrdup("no valid chapters"));
	}
	chapter_list_sort(&tmp);
	for (i = 0; i < tmp.n; i++)
		chapter_list_push(out, tmp.v[i]); /* ownership moves */
	free(tmp.v);
	return 0;
}

int chapjson_is_placeholder(const chapter_list *l)
{
	size_t visible = 0;
	for (size_t i = 0; l && i < l->n; i++)
		if (!l->v[i].hidden)
			visible++;
	return visible <= 1;
}
