/*
 * ui.h - the full-screen terminal interface: `podcue` with no command.
 *
 * Panes (podcasts | episodes | details), a status line, a prompt; every key
 * runs a named command (command.h) through the key map (keys.h). The cache
 * is read page by page; refreshes and chapter fetches run on the worker
 * thread (worker.h); playback on libmpv (playback.h). One poll() waits on
 * the terminal, the player, the worker and signals.
 */
#ifndef PODCUE_UI_H
#define PODCUE_UI_H

#include "cli.h"

/* Runs the TUI until the user quits. Returns an exit status. */
int ui_run(app *a);

#endif
