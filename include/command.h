/*
 * command.h - every user action is a named command in this one table.
 *
 * Keys are bound to commands (keys.h, `bind PANE KEY COMMAND` in the
 * config file); `:NAME` at the prompt runs one by name; the help screen,
 * the README key table and the man page are generated from this table and
 * the default bindings, so they cannot drift apart.
 *
 * A command may take a count typed before its key (digits, as in vi):
 * `12c` runs "chapter" with count 12. Commands marked CMDF_PLAYBACK act on
 * the player only, so `podcue play` (no TUI) accepts them too.
 */
#ifndef PODCUE_COMMAND_H
#define PODCUE_COMMAND_H

#include <stddef.h>

enum {
	CMDF_PLAYBACK = 1, /* needs only the player: also valid in `podcue play` */
	CMDF_ARG = 2,      /* takes a text argument at the ':' prompt */
	CMDF_COUNT = 4,    /* uses the count typed before the key */
};

/* X(ID, "name", flags, "help") */
#define PODCUE_COMMANDS(X)                                                                  \
	X(QUIT, "quit", CMDF_PLAYBACK, "quit (the position is saved)")                      \
	X(HELP, "help", 0, "show every key and command")                                    \
	X(UP, "up", CMDF_COUNT, "move up")                                                   \
	X(DOWN, "down", CMDF_COUNT, "move down")                                             \
	X(PAGE_UP, "page-up", 0, "move up one screen")                                      \
	X(PAGE_DOWN, "page-down", 0, "move down one screen")                                \
	X(TOP, "top", 0, "go to the first line")                                            \
	X(BOTTOM, "bottom", 0, "go to the last line")                                       \
	X(PANE_LEFT, "pane-left", 0, "focus the pane on the left")                          \
	X(PANE_RIGHT, "pane-right", 0, "focus the pane on the right")                       \
	X(PANE_NEXT, "pane-next", 0, "focus the next pane")                                 \
	X(PANE_PREV, "pane-prev", 0, "focus the previous pane")                             \
	X(OPEN, "open", 0, "open the selection; on an episode or chapter, play it")         \
	X(SEARCH, "search", CMDF_ARG, "search titles, notes, chapters and transcripts")           \
	X(NEWEST, "newest", 0, "toggle the list of newest episodes of every podcast")       \
	X(CONTINUE, "continue", 0, "toggle the list of episodes in progress, last played first") \
	X(GOTO_PLAYING, "goto-playing", 0, "select the playing (or last played) episode")  \
	X(SORT, "sort-order", 0, "list this podcast oldest or newest first (remembered)")  \
	X(UNPLAYED, "toggle-unplayed", 0, "toggle showing only unplayed episodes")          \
	X(PLAYED, "toggle-played", 0, "mark the selected episode played or unplayed")       \
	X(DOWNLOAD, "download", 0, "download the selected episode (again: cancel)")         \
	X(DOWNLOADS, "downloads", 0, "open or close the downloads view (state, size, errors)") \
	X(DOWNLOAD_DELETE, "delete-download", 0,                                           \
	  "in the downloads view: delete the selected download's file (the episode stays)") \
	X(REFRESH, "refresh", 0, "refresh every feed in the background")                    \
	X(REFRESH_ONE, "refresh-podcast", 0, "refresh the selected podcast")                \
	X(SYNC, "sync", 0, "sync with the gpodder-compatible server now (podcue sync setup)") \
	X(ADD, "add", CMDF_ARG, "subscribe to a feed URL")                                  \
	X(REMOVE, "remove", 0, "unsubscribe from the selected podcast (asks first)")        \
	X(QUEUE, "queue", 0, "open or close the queue view (up next)")                      \
	X(TRANSCRIPT, "transcript", 0,                                                       \
	  "open or close the transcript view (follows playback; Enter seeks there)")        \
	X(QUEUE_ADD, "queue-add", 0, "add the selected episode to the end of the queue")    \
	X(QUEUE_NEXT, "queue-next", 0, "play the selected episode next (front of the queue)") \
	X(QUEUE_REMOVE, "queue-remove", 0, "take the selected episode out of the queue")    \
	X(QUEUE_UP, "queue-up", CMDF_COUNT, "in the queue view: move the selected episode up") \
	X(QUEUE_DOWN, "queue-down", CMDF_COUNT,                                              \
	  "in the queue view: move the selected episode down")                              \
	X(PROMPT, "command", 0, "type a command by name")                                   \
	X(REDRAW, "redraw", 0, "redraw the screen")                                         \
	X(PLAY, "play", 0, "play the selected episode from its saved position")             \
	X(PAUSE, "pause", CMDF_PLAYBACK,                                                    \
	  "pause or resume (with nothing playing: resume the last episode in progress)")    \
	X(STOP, "stop", CMDF_PLAYBACK, "stop playback (the position is saved)")             \
	X(SEEK_BACK, "seek-back", CMDF_PLAYBACK | CMDF_COUNT,                                \
	  "seek back seek_step seconds (with nothing playing: focus the left pane)")         \
	X(SEEK_FORWARD, "seek-forward", CMDF_PLAYBACK | CMDF_COUNT,                          \
	  "seek forward seek_step seconds (with nothing playing: focus the right pane)")     \
	X(SEEK_BACK_BIG, "seek-back-big", CMDF_PLAYBACK | CMDF_COUNT,                        \
	  "seek back seek_step_big seconds")                                                \
	X(SEEK_FORWARD_BIG, "seek-forward-big", CMDF_PLAYBACK | CMDF_COUNT,                  \
	  "seek forward seek_step_big seconds")                                             \
	X(NEXT_CHAPTER, "next-chapter", CMDF_PLAYBACK, "jump to the next chapter")          \
	X(PREV_CHAPTER, "prev-chapter", CMDF_PLAYBACK,                                      \
	  "jump to the start of this chapter, or the one before when near its start")       \
	X(CHAPTER, "chapter", CMDF_PLAYBACK | CMDF_COUNT,                                    \
	  "jump to chapter COUNT of the playing episode (a count alone: after a second)")             \
	X(VOLUME_UP, "volume-up", CMDF_PLAYBACK, "volume up (to 130)")                               \
	X(VOLUME_DOWN, "volume-down", CMDF_PLAYBACK, "volume down")                         \
	X(FASTER, "faster", CMDF_PLAYBACK, "play faster (up to 3.0x)")                      \
	X(SLOWER, "slower", CMDF_PLAYBACK, "play slower (down to 0.5x)")                    \
	X(OPEN_LINK, "open-link", CMDF_COUNT,                                               \
	  "open link COUNT of the episode's notes in $BROWSER (o alone asks which)")        \
	X(COPY_LINK, "copy-link", CMDF_COUNT,                                               \
	  "copy link COUNT, or the selected link, to the clipboard (OSC 52)")               \
	X(SPEED_RESET, "speed-reset", CMDF_PLAYBACK, "play at normal speed (1.0x)")        \
	X(MUTE, "mute", CMDF_PLAYBACK, "mute or unmute")                                    \
	X(SEEK, "seek", CMDF_PLAYBACK | CMDF_ARG,                                            \
	  "seek to a time (:seek 1:23:45) or by seconds (:seek +90, :seek -30)")          \
	X(BOOKMARK, "bookmark", CMDF_PLAYBACK | CMDF_ARG,                                    \
	  "bookmark the position playing, with a note (asked for; :bookmark TEXT)")         \
	X(SKIP_CHAPTER, "skip-chapter", CMDF_PLAYBACK | CMDF_COUNT,                          \
	  "toggle skipping the selected chapter in this episode (playing: the current one, " \
	  "or chapter COUNT)")                                                              \
	X(SKIP_UNDO, "skip-undo", CMDF_PLAYBACK,                                             \
	  "take back the skip just made: back to its start, not skipped again this play")   \
	X(UNHEARD, "resume-unheard", CMDF_PLAYBACK,                                          \
	  "play from the first chapter not heard yet (the playing or selected episode)")    \
	X(SKIP_RULE, "skip", CMDF_ARG,                                                       \
	  "skip patterns of the selected podcast: :skip add PATTERN, :skip remove PATTERN, " \
	  ":skip list")                                                                     \
	X(SLEEP, "sleep", CMDF_PLAYBACK | CMDF_ARG | CMDF_COUNT,                             \
	  "sleep timer (pauses): COUNT minutes, else the next of end of chapter, end of "  \
	  "episode, 15, 30, 60 min, off; :sleep 30m, chapter, episode or off")

#define PODCUE_CMD_ENUM(id, name, flags, help) CMD_##id,
enum cmd_id { PODCUE_COMMANDS(PODCUE_CMD_ENUM) CMD_COUNT };
#undef PODCUE_CMD_ENUM

typedef struct cmd_info {
	int id;
	const char *name;
	int flags;
	const char *help;
} cmd_info;

/* The table, indexed by enum cmd_id. */
extern const cmd_info cmd_table[CMD_COUNT];
/* Command id by name, or -1. */
int cmd_find(const char *name);

#endif
