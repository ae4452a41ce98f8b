/*
 * upnext.h - what plays after an episode ends: the rule of the `continue`
 * setting (config.h), shared by the TUI and `podcue play --queue`.
 *
 * An episode that played to its end has already been marked played and
 * taken out of the queue by playback (playback_finished), so "the front
 * of the queue" is what comes after it. Reads the cache only; runs on the
 * caller's thread. w (may be NULL): the TUI's writes still queued
 * (dbwriter.h), laid over the queue read from d.
 */
#ifndef PODCUE_UPNEXT_H
#define PODCUE_UPNEXT_H

#include <stdint.h>

#include "db.h"
#include "dbwriter.h"

/* The episode to play after `ended` under mode (CONTINUE_*): the front of
 * the queue, the next newer episode of ended's podcast, or none. 0 when
 * nothing follows (or the cache cannot be read: logged). */
int64_t upnext_after(db *d, dbw *w, int mode, int64_t ended);

/* The episode a "next episode" request (a media key) skips to while
 * `current` plays: the first queue entry other than current (current
 * stays queued with its position), else under CONTINUE_PODCAST the next
 * newer episode of its podcast. 0 when none. */
int64_t upnext_skip(db *d, dbw *w, int mode, int64_t current);

#endif
