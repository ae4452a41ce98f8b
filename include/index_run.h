/*
 * index_run.h - `podcue refresh`'s last step: the episodes the refresh
 * stored unindexed (db_set_index_later) are moved into the search index,
 * one short transaction per batch, with progress on stderr (redrawn on a
 * terminal; a line before and after otherwise, for more than one batch).
 * SIGINT between batches stops it cleanly (the handler is installed only
 * for this step); whatever is left stays pending, is still found by a
 * search (db_search scans it), and is indexed by the next refresh or the
 * TUI. A kill -9 loses nothing either.
 *
 * Caller's thread and connection.
 */
#ifndef PODCUE_INDEX_RUN_H
#define PODCUE_INDEX_RUN_H

#include <stdint.h>

#include "db.h"

/* Returns how many episodes are left unindexed (0 when all are done, > 0
 * after SIGINT), -1 on a cache error (db_errmsg). */
int64_t index_run_cli(db *d);

#endif
