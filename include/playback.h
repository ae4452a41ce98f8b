/*
 * playback.h - what is playing, on top of the player (player.h) and the
 * cache (db.h): resume from the saved position, chapters, saving the
 * position, marking played, storing the chapters libmpv found in the file.
 * Both the TUI and `podcue play` drive playback through this module and the
 * playback commands of command.h.
 *
 * Ownership: a playback borrows d, c and p for its whole life.
 */
#ifndef PODCUE_PLAYBACK_H
#define PODCUE_PLAYBACK_H

#include <stddef.h>
#include <stdint.h>

#include "chapter.h"
#include "config.h"
#include "db.h"
#include "dbwriter.h"
#include "player.h"

typedef struct playback playback;

playback *playback_new(db *d, const config *c, player *p);
/* From now on the cache's writes (positions, played marks, the queue, the
 * podcast's speed, the file's chapters) go through w, which the TUI's
 * keys and playback never wait for (dbwriter.h); reads see them at once.
 * Without one (podcue play) they are written through d. */
void playback_set_writer(playback *pb, dbw *w);
/* Saves the position of what plays (see playback_stop) and frees. */
void playback_free(playback *pb);

/* Plays an episode from at seconds; at < 0 resumes from the saved position
 * (minus resume_rewind) or starts from 0. A time past the end is clamped to
 * just before the end. Uses the local file when downloaded, else the
 * enclosure URL (http/https only unless the podcast is a local file).
 * Returns 0, or -1 with *err (caller frees): no such episode, no
 * enclosure, URL refused. */
int playback_play(playback *pb, int64_t episode_id, double at, char **err);
/* Plays an episode from the start of visible chapter index (1-based, as
 * listed). Returns -1 with *err when there is no such chapter. */
int playback_play_chapter(playback *pb, int64_t episode_id, int index, char **err);

/* Handles the player's events (call after player_process with its result):
 * records the stretches played (playmarks.h, written with the position),
 * passes over skipped stretches (a seek to their end, noted on the status
 * line: "skipped: TITLE (z: undo)");
 * saves the position every save_interval seconds while playing and on
 * pause; on load stores the file's own chapters (CHAP_SRC_EMBEDDED) when
 * they are news, remerges and writes the list into the player; near the
 * end (played_margin) or at the end of the file marks the episode played
 * (which clears its position). An end of file well before the known end
 * (a cut stream) keeps the position and sets playback_error. After ENDED
 * or ERROR nothing plays (playback_episode() == 0). Returns 1 when the
 * cache changed in a way lists show (played state, chapters), else 0;
 * position saves do not count. */
int playback_handle(playback *pb, unsigned ev);

/* Runs a playback command (enum cmd_id with CMDF_PLAYBACK: pause, stop,
 * seeks, chapters, volume, speed, bookmark (no note), skip-chapter (the
 * current chapter, or chapter count), skip-undo, resume-unheard; quit only
 * saves the position, the front end then exits). count is the typed count, 0 when none: seeks move
 * count (at least 1) steps, "chapter" jumps to visible chapter count
 * (1-based); the others ignore it. A chapter that starts at or past the
 * end is refused. Returns 0, 1 when the command needs something playing
 * and nothing is (the TUI then falls back, e.g. seek-back focuses the left
 * pane), or -1 with *msg (caller frees, sanitized) to show on the status
 * line. */
int playback_command(playback *pb, int cmd, int count, char **msg);

/* A playback command with the argument typed at the prompt (NULL: none,
 * as playback_command): "seek" takes 1:23:45, +90 or -30; "sleep" takes
 * what playback_sleep does; the others take none (an argument is an error,
 * never a count). Returns as playback_command. */
int playback_command_arg(playback *pb, int cmd, const char *arg, int count, char **msg);
/* Sets the sleep timer from "30m", "90s", "1h", "chapter", "episode" or
 * "off" (sleep.h); it pauses playback when due (the end of an episode ends
 * it anyway) and outlives the episode. Returns 0, or -1 with *msg. */
int playback_sleep(playback *pb, const char *arg, char **msg);

/* "Next episode" (dir 1): plays what upnext_skip names (the first other
 * queue entry, or the next newer episode under continue = podcast);
 * "previous" (dir -1): back to the start of this episode. With dry_run
 * only answers whether it could. 1 when it did (could), else 0. MPRIS
 * Next/Previous call it for episodes without chapters, at the last
 * chapter, and with media_keys_next = episode. */
int playback_next_episode(playback *pb, int dir, int dry_run);

/* Bookmarks the episode playing at `at` seconds (< 0: the position now)
 * with note (NULL or blank: none); the bookmark joins the chapter list and
 * the timeline, and the status line says so. Returns 0, 1 when nothing
 * plays, or -1 with *msg (caller frees). */
int playback_bookmark(playback *pb, double at, const char *note, char **msg);
/* The cache's bookmarks or skips of episode_id changed: when it is the
 * episode playing, its chapter list and skip plan are read again. */
void playback_marks_changed(playback *pb, int64_t episode_id);
/* Plays episode_id from the start of its first chapter not heard yet
 * (heard.h; bookmarks passed over), or seeks there when it is the one
 * playing. Returns 0, or -1 with *err (caller frees): no such episode, no
 * chapters, every chapter heard, or playback_play's errors. */
int playback_play_unheard(playback *pb, int64_t episode_id, char **err);

/* Saves the position and stops. */
void playback_stop(playback *pb);

/* The episode playing (0 when idle), its merged visible chapters (the list
 * the user sees, in order; hidden chapters removed), and the index into
 * that list of the chapter at the current position (-1 none). */
int64_t playback_episode(const playback *pb);
const chapter_list *playback_chapters(const playback *pb);
int playback_chapter_index(const playback *pb);
const char *playback_title(const playback *pb); /* episode title, sanitized, or NULL */
/* The episode that last played to its end (marked played and taken out of
 * the queue by playback_handle on ENDED; a cut stream does not count), 0
 * when none or when the sleep timer was waiting for that end (nothing
 * continues then); cleared by the next play. What a front end continues from
 * (upnext.h). */
int64_t playback_finished(const playback *pb);
/* Where the episode playing is and how long it is, in seconds (the file's
 * duration once known, else the feed's); -1 when unknown or idle. */
double playback_position(const playback *pb);
double playback_duration(const playback *pb);

/* The now-playing line, fitted to cols display columns:
 * "▶ 2:05 / 48:53  Podcast · Episode  ch 3/27 · Why Chroma has one API
 * 1.0x  vol 100" (names and chapter title cut short), with hours when needed, "paused", "buffering", "no audio
 * device", a seek that failed, "muted" and the sleep timer shown when they
 * apply. "" when idle (the front end shows playback_error once, as a
 * message). Caller frees. */
char *playback_status_line(const playback *pb, int cols);
/* A timeline of cols cells: '─' track, '│' (or '┼') at every chapter start,
 * '●' at the position. Caller frees. NULL when nothing plays or the
 * duration is unknown. A bookmark's cell is '◆'. */
char *playback_timeline(const playback *pb, int cols);
/* The last error (load failure, refused URL) as a sanitized one-line
 * message, or NULL; cleared by the next play. */
const char *playback_error(const playback *pb);

#endif
