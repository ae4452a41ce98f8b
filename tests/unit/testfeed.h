/*
 * testfeed.h - podcasts with episodes in a test cache, stored as a
 * refresh stores a feed (db_store_feed), for the cache tests.
 */
#ifndef PODCUE_TESTFEED_H
#define PODCUE_TESTFEED_H

#include "testutil.h"

#include "db.h"
#include "feed.h"

/* Stores n episodes into podcast pid as the feed at url would give them:
 * key URL#i, title "ep i", published a day apart from 2023-11-14 (i = 0
 * the oldest), duration seconds (< 0: none), enclosure
 * https://example.org/i.mp3, in feed order newest first. */
static inline void test_store_episodes(db *d, int64_t pid, const char *url, size_t n,
				       double duration)
{
	feed f = {0};
	f.title = xstrdup(url);
	f.items = xcalloc(n ? n : 1, sizeof *f.items);
	f.nitems = n;
	for (size_t i = 0; i < n; i++) {
		feed_item *it = &f.items[i];
		it->key = xasprintf("%s#%zu", url, i);
		it->title = xasprintf("ep %zu", i);
		it->published = 1700000000 + (int64_t)i * 86400;
		it->has_published = 1;
		it->duration = duration;
		it->enclosure_url = xasprintf("https://example.org/%zu.mp3", i);
		it->enclosure_length = -1;
		it->feed_order = (int)(n - 1 - i); /* newest first, as feeds are */
	}
	db_store_stats stats = {0};
	assert_int_equal(db_store_feed(d, pid, &f, NULL, NULL, NULL, 0, 1000, &stats), 0);
	feed_free(&f);
}

/* The ids of podcast pid's n episodes into ids[], the oldest first. */
static inline void test_episode_ids(db *d, int64_t pid, size_t n, int64_t *ids)
{
	db_episode *v;
	size_t m;
	assert_int_equal(db_episode_list(d, pid, &v, &m), 0);
	assert_int_equal(m, n);
	for (size_t i = 0; i < n; i++)
		ids[i] = v[n - 1 - i].id; /* the list is newest first */
	db_episode_list_free(v, m);
}

/* A new podcast at url with test_store_episodes' n episodes; their ids
 * into ids[] (the i-th oldest first). Returns the podcast's id. */
static inline int64_t test_add_podcast(db *d, const char *url, size_t n, double duration,
				       int64_t *ids)
{
	int64_t pid;
	int existed;
	assert_int_equal(db_podcast_add(d, url, 0, &pid, &existed), 0);
	test_store_episodes(d, pid, url, n, duration);
	test_episode_ids(d, pid, n, ids);
	return pid;
}

#endif
