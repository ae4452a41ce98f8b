/*
 * cmd_play.c - `podcue play EPISODE [--chapter N | --at SECONDS | --unheard]
 * [--sleep WHEN]`: plays one episode without the full-screen interface
 * (--unheard: from its first chapter not heard yet, heard.h).
 *
 * One status line is redrawn in place on the terminal; the playback keys of
 * the key map (context "common", commands with CMDF_PLAYBACK) work as in
 * the TUI, with digits as a count (frontend.h, as in the TUI). Raw terminal
 * bytes are decoded by keys_decode. One poll() waits on stdin, the player
 * and the signal self-pipe (frontend.h); nothing else blocks.
 *
 * With --queue it plays the queue from its front instead: an episode that
 * ends has left the queue (playback.h), and the new front follows, until
 * the queue is empty.
 *
 * Exit status: 0 at the end of the episode, on q or s (the position is
 * saved); 1 when it cannot be played (message on stderr); 2 on usage
 * errors; 128 + signal number after SIGINT, SIGTERM or SIGHUP (position
 * saved too). While playing, stderr points at the log file so library
 * noise (ALSA) never reaches the terminal.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "command.h"
#include "frontend.h"
#include "keys.h"
#include "log.h"
#include "mpris.h"
#include "paths.h"
#include "playback.h"
#include "player.h"
#include "ptime.h"
#include "text.h"
#include "upnext.h"
#include "util.h"

#define USAGE                                                                          \
	"podcue play EPISODE [--chapter N | --at SECONDS | --unheard] "                         \
	"[--sleep 30m|chapter|episode] | "                                                     \
	"play --queue [--sleep ...]"
#define ESC_WAIT_MS 50     /* a lone ESC is Esc after this long */
#define MSG_MS 3000        /* a command's message shows this long */

typedef struct play_args {
	int64_t id;
	int chapter; /* 0 = none */
	double at;   /* -1 = resume */
	int queue;   /* --queue: play through the queue */
	int unheard; /* --unheard: from the first chapter not heard */
	const char *sleep; /* sleep timer (sleep.h), NULL none */
} play_args;

typedef struct session {
	app *a;
	player *p;
	playback *pb;
	dbw *w;      /* the cache's writes (dbwriter.h); NULL: written at once */
	int tty_in, tty_out;
	struct termios saved_tio;
	int raw;
	int read_stdin;
	unsigned char in[64]; /* undecoded input bytes */
	size_t nin;
	int64_t in_ms;        /* when in[] last grew */
	key_count count;
	char *msg;
	int64_t msg_ms;
	int cols;
	char *drawn;          /* the line on screen */
	char *status;         /* the last status line drawn (not a message) */
	mpris *mp;            /* MPRIS on the session bus, NULL when off */
	int done;
	int rc;
	int queue;            /* play --queue: go on with the queue's front */
} session;

static const int play_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGWINCH, SIGTSTP};

/* ---- arguments ---- */

static int parse_args(int argc, char **argv, play_args *pa)
{
	pa->id = 0;
	pa->chapter = 0;
	pa->at = -1;
	pa->queue = 0;
	pa->unheard = 0;
	pa->sleep = NULL;
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];
		if (strcmp(s, "--chapter") == 0 && i + 1 < argc && pa->at < 0 && !pa->chapter) {
			int64_t n = cli_parse_id(argv[++i]);
			if (n <= 0 || n > 1000000)
				return -1;
			pa->chapter = (int)n;
		} else if (strcmp(s, "--at") == 0 && i + 1 < argc && pa->at < 0 && !pa->chapter) {
			pa->at = ptime_duration(argv[++i]); /* "90", "1:30", "1:02:03" */
			if (pa->at < 0)
				return -1;
		} else if (strcmp(s, "--unheard") == 0 && pa->at < 0 && !pa->chapter) {
			pa->unheard = 1;
		} else if (strcmp(s, "--queue") == 0) {
			pa->queue = 1;
		} else if (strcmp(s, "--sleep") == 0 && i + 1 < argc && !pa->sleep) {
			pa->sleep = argv[++i];
		} else if (!pa->id && s[0] != '-') {
			if (!(pa->id = cli_parse_id(s)))
				return -1;
		} else {
			return -1;
		}
	}
	if (pa->unheard && (pa->chapter || pa->at >= 0))
		return -1;
	if (pa->queue) /* from the front of the queue, where it stopped */
		return pa->id || pa->chapter || pa->at >= 0 || pa->unheard ? -1 : 0;
	return pa->id ? 0 : -1;
}

/* ---- terminal ---- */

static void term_raw(session *s)
{
	if (!s->tty_in || tcgetattr(0, &s->saved_tio) != 0)
		return;
	struct termios t = s->saved_tio;
	t.c_lflag &= ~(tcflag_t)(ICANON | ECHO | IEXTEN); /* ISIG stays: C-c is SIGINT */
	t.c_iflag &= ~(tcflag_t)(IXON | ICRNL | INLCR);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(0, TCSANOW, &t) == 0)
		s->raw = 1;
}

static void term_restore(session *s)
{
	if (s->raw)
		tcsetattr(0, TCSANOW, &s->saved_tio);
	s->raw = 0;
}

static int term_cols(void)
{
	struct winsize w;
	if (ioctl(1, TIOCGWINSZ, &w) == 0 && w.ws_col > 0)
		return w.ws_col;
	return 80;
}

static void put(const char *str)
{
	size_t n = strlen(str);
	while (n) {
		ssize_t w = write(1, str, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		str += w;
		n -= (size_t)w;
	}
}

/* ---- status ---- */

/* A narrower terminal (tmux, xterm) splits the line drawn into rows above
 * the cursor's: those are cleared before the line is redrawn. Checked at
 * every draw, not only on SIGWINCH: a line drawn for the old width after
 * the resize but before the signal is read would wrap. */
static void fit_width(session *s)
{
	int cols = term_cols();
	if (cols == s->cols)
		return;
	int w = s->drawn ? text_width(s->drawn) : 0;
	if (cols > 0 && w > cols) {
		char up[32];
		snprintf(up, sizeof up, "\r\033[%dA\033[J", (w - 1) / cols);
		put(up);
	}
	s->cols = cols;
	free(s->drawn); /* redraw */
	s->drawn = NULL;
}

static void draw(session *s, int force)
{
	if (!s->tty_out)
		return;
	fit_width(s);
	sbuf b = SBUF_INIT;
	int w = s->cols > 1 ? s->cols - 1 : 1; /* never touch the last column: no wrap */
	if (s->msg && now_ms() - s->msg_ms < MSG_MS) {
		sb_puts(&b, s->msg);
	} else {
		char *st = playback_status_line(s->pb, w);
		if (s->count.n) /* first: a long line is cut at its end */
			sb_printf(&b, "[%d] ", s->count.n);
		sb_puts(&b, st);
		free(s->status);
		s->status = st;
	}
	char *text = sb_steal(&b);
	char *line = text_fit(text, w);
	free(text);
	if (!force && s->drawn && strcmp(s->drawn, line) == 0) {
		free(line);
		return;
	}
	char *out = xasprintf("\r%s\033[K", line);
	put(out);
	free(out);
	free(s->drawn);
	s->drawn = line;
}

static void show_msg(session *s, char *msg)
{
	free(s->msg);
	s->msg = msg ? text_sanitize(msg, (size_t)-1, 0) : NULL;
	free(msg);
	s->msg_ms = now_ms();
}

/* ---- keys and commands ---- */

static void run_cmd(session *s, int cmd, int count)
{
	if (cmd == CMD_QUIT || cmd == CMD_STOP) {
		playback_stop(s->pb); /* saves the position */
		s->done = 1;
		s->rc = EXIT_OK;
		return;
	}
	char *msg = NULL;
	if (playback_command(s->pb, cmd, count, &msg) < 0)
		show_msg(s, msg);
	else
		free(msg);
}

static void on_key(session *s, int key)
{
	free(s->msg); /* a key press dismisses the last message */
	s->msg = NULL;
	/* Digits only type a count: the next key takes it (3c, 2Right), or
	 * after KEY_COUNT_WAIT_MS alone it jumps to that chapter. */
	if (key_count_digit(&s->count, key, now_ms()))
		return;
	int count = key_count_take(&s->count);
	if (key < 0 || key == 27)
		return; /* Esc cancels a count */
	int cmd = keymap_lookup(s->a->cfg.keys, KCTX_COMMON, key);
	if (cmd < 0 || cmd >= CMD_COUNT || !(cmd_table[cmd].flags & CMDF_PLAYBACK)) {
		char name[32];
		show_msg(s, xasprintf("%s: not a playback key (q quits)",
				      keys_name(key, name, sizeof name)));
		return;
	}
	run_cmd(s, cmd, count);
}

/* Decodes what is buffered; final: a pending partial sequence is done. */
static void decode_input(session *s, int final)
{
	size_t off = 0;
	while (off < s->nin && !s->done) {
		int key;
		size_t used = keys_decode(s->in + off, s->nin - off, final, &key);
		if (!used)
			break;
		off += used;
		on_key(s, key);
	}
	memmove(s->in, s->in + off, s->nin - off);
	s->nin -= off;
}

static void read_input(session *s)
{
	ssize_t r = read(0, s->in + s->nin, sizeof s->in - s->nin);
	if (r < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (r <= 0) {
		s->read_stdin = 0; /* EOF or error: play on without keys */
		return;
	}
	s->nin += (size_t)r;
	s->in_ms = now_ms();
	decode_input(s, s->nin == sizeof s->in);
}

/* ---- signals ---- */

static void suspend(session *s)
{
	term_restore(s);
	if (s->tty_out)
		put("\r\033[K");
	sigpipe_suspend();
	term_raw(s);
	s->cols = term_cols();
	draw(s, 1);
}

static void read_signals(session *s)
{
	int sigs[16];
	size_t n = sigpipe_read(sigs, sizeof sigs / sizeof *sigs);
	for (size_t i = 0; i < n; i++) {
		if (sigs[i] == SIGWINCH) {
			draw(s, 1); /* it notices the new width */
		} else if (sigs[i] == SIGTSTP) {
			suspend(s);
		} else {
			playback_stop(s->pb);
			s->done = 1;
			s->rc = 128 + sigs[i];
		}
	}
}

/* ---- the loop ---- */

static int poll_timeout(const session *s)
{
	int64_t now = now_ms(), t = key_count_wait(&s->count, now);
	if (s->nin && (t < 0 || s->in_ms + ESC_WAIT_MS - now < t))
		t = s->in_ms + ESC_WAIT_MS - now;
	if (s->msg && (t < 0 || s->msg_ms + MSG_MS - now < t))
		t = s->msg_ms + MSG_MS - now;
	int m = mpris_timeout(s->mp);
	if (m >= 0 && (t < 0 || m < t))
		t = m;
	return t < 0 ? (s->count.n || s->nin || s->msg ? 0 : -1) : (int)t;
}

static void on_timers(session *s)
{
	int64_t now = now_ms();
	if (s->nin && now - s->in_ms >= ESC_WAIT_MS)
		decode_input(s, 1);
	if (key_count_wait(&s->count, now) == 0)
		run_cmd(s, CMD_CHAPTER, key_count_take(&s->count));
	if (s->msg && now - s->msg_ms >= MSG_MS) {
		free(s->msg);
		s->msg = NULL;
	}
}

static void header(session *s);

/* play --queue: an episode played to its end has left the queue (playback
 * took it out); the new front plays next. 1 when one does. */
static int play_next_in_queue(session *s)
{
	int64_t next = s->queue && playback_finished(s->pb)
			       ? upnext_after(s->a->d, s->w, CONTINUE_QUEUE, playback_finished(s->pb))
			       : 0;
	char *err = NULL;
	if (!next || playback_play(s->pb, next, -1, &err) != 0) {
		free(err); /* playback_error says it */
		return 0;
	}
	header(s);
	free(s->drawn);
	s->drawn = NULL;
	return 1;
}

static unsigned on_player(session *s)
{
	unsigned ev = player_process(s->p);
	playback_handle(s->pb, ev);
	if (!playback_episode(s->pb) && !play_next_in_queue(s)) {
		/* ended, failed, or stopped on a refusal */
		s->done = 1;
		s->rc = playback_error(s->pb) ? EXIT_FAIL : EXIT_OK;
	}
	return ev;
}

/* A lock on the cache that holds writes back, its end, a lost write. */
static void writer_news(session *s)
{
	int changed, error;
	char *msg;
	if (dbw_poll(s->w, &changed, &msg, &error) && msg)
		show_msg(s, msg);
	else
		free(msg);
}

static void loop(session *s, int sig_fd)
{
	while (!s->done) {
		draw(s, 0);
		struct pollfd fds[5] = {
			{sig_fd, POLLIN, 0},
			{player_fd(s->p), POLLIN, 0},
			{mpris_fd(s->mp), mpris_events(s->mp), 0},
			{dbw_fd(s->w), POLLIN, 0},
			{s->read_stdin ? 0 : -1, POLLIN, 0},
		};
		int n = poll(fds, 5, poll_timeout(s));
		if (n < 0 && errno != EINTR) {
			log_msg("play", "poll: %s", strerror(errno));
			break;
		}
		if (fds[0].revents & POLLIN)
			read_signals(s);
		unsigned ev = 0;
		if (!s->done && (fds[1].revents & POLLIN))
			ev = on_player(s);
		if (!s->done)
			mpris_process(s->mp);
		if (!s->done)
			mpris_update(s->mp, ev);
		if (fds[3].revents)
			writer_news(s);
		if (!s->done && s->read_stdin && fds[4].revents) {
			if (fds[4].revents & POLLIN)
				read_input(s);
			else /* POLLHUP/POLLERR without data: never poll it again */
				s->read_stdin = 0;
		}
		if (!s->done)
			on_timers(s);
	}
}

/* ---- setup and teardown ---- */

static int start(session *s, const play_args *pa, char **err)
{
	const config *c = &s->a->cfg;
	player_opts o = {(const char *const *)c->mpv_options, c->nmpv_options, c->user_agent,
			 c->network_timeout};
	if (player_new(&o, &s->p, err) != 0)
		return -1;
	s->pb = playback_new(s->a->d, c, s->p);
	char *why = NULL; /* without a writer, writes go straight to the cache */
	if (dbw_start(s->a->db_path, &s->w, &why) != 0) {
		log_msg("play", "no background writer: %s", why);
		free(why);
	}
	playback_set_writer(s->pb, s->w);
	if (pa->sleep && playback_sleep(s->pb, pa->sleep, err) != 0)
		return -1;
	if (pa->queue) {
		int64_t head = 0;
		int rc = db_queue_head(s->a->d, &head);
		if (rc != 0) {
			*err = rc > 0 ? xstrdup("the queue is empty") : xstrdup(db_errmsg(s->a->d));
			return -1;
		}
		s->queue = 1;
		return playback_play(s->pb, head, -1, err);
	}
	if (pa->chapter)
		return playback_play_chapter(s->pb, pa->id, pa->chapter, err);
	if (pa->unheard)
		return playback_play_unheard(s->pb, pa->id, err);
	return playback_play(s->pb, pa->id, pa->at, err);
}

/* MPRIS runs the same commands as the keys. */
static playback *host_playback(void *ctx)
{
	return ((session *)ctx)->pb;
}

static player *host_player(void *ctx)
{
	return ((session *)ctx)->p;
}

static void host_command(void *ctx, int cmd)
{
	session *s = ctx;
	if (cmd != CMD_PLAY && !s->done)
		run_cmd(s, cmd, 0);
}

static void start_mpris(session *s)
{
	mpris_host h = {s, host_playback, host_player, host_command, 0};
	s->mp = mpris_open(&h, &s->a->cfg, s->a->d);
}

static void header(session *s)
{
	if (!s->tty_out)
		return;
	const char *t = playback_title(s->pb);
	char *line = text_fit(t && *t ? t : "(untitled)", s->cols > 1 ? s->cols - 1 : 1);
	char *out = xasprintf("\r%s\033[K\n", line);
	put(out);
	free(out);
	free(line);
}

/* The last line left on the terminal. */
/* The writes still queued land before we go (waiting for another
 * process's lock up to 10 s, saying so), or what could not be saved is
 * returned, one line each (caller frees). */
static char *flush_writes(session *s)
{
	size_t n = dbw_flush(s->w, 300);
	if (n)
		cli_error("saving %zu change%s: the cache is locked by another process "
			  "(waiting up to 10 s)", n, n == 1 ? "" : "s");
	char *lost = dbw_stop(s->w, n ? 10000 : 0);
	s->w = NULL;
	return lost;
}

static void farewell(session *s)
{
	if (!s->tty_out)
		return;
	put("\r\033[K");
	if (s->rc == EXIT_OK && s->status && *s->status) {
		put(s->status);
		put("\n");
	}
}

int cmd_play(app *a, int argc, char **argv)
{
	play_args pa;
	if (parse_args(argc, argv, &pa) != 0) {
		cli_error("usage: %s", USAGE);
		return EXIT_USAGE;
	}
	if (!app_db(a))
		return EXIT_FAIL;
	session s = {.a = a, .rc = EXIT_FAIL};
	s.tty_in = isatty(0);
	s.tty_out = isatty(1);
	s.read_stdin = s.tty_in;
	s.cols = term_cols();
	char *logpath = paths_default_log();
	if (log_open(logpath) == 0)
		log_capture_stderr(); /* ALSA/PipeWire write to fd 2 directly */
	free(logpath);
	char *err = NULL;
	int sig_fd = sigpipe_open(play_signals, sizeof play_signals / sizeof *play_signals);
	if (sig_fd < 0) {
		err = xasprintf("cannot create a pipe: %s", strerror(errno));
	} else if (start(&s, &pa, &err) == 0) {
		start_mpris(&s);
		term_raw(&s);
		header(&s);
		loop(&s, sig_fd);
		term_restore(&s);
		farewell(&s);
	}
	if (!err && s.rc == EXIT_FAIL)
		err = xstrdup(s.pb && playback_error(s.pb) ? playback_error(s.pb)
							    : "playback failed (details in the log)");
	mpris_close(s.mp);
	playback_free(s.pb); /* saves the position of anything still playing */
	player_free(s.p);
	sigpipe_close();
	log_restore_stderr();
	char *lost = flush_writes(&s);
	if (err) {
		fputs("podcue: ", stderr);
		cli_print_safe(stderr, err, 0);
		fputc('\n', stderr);
		s.rc = EXIT_FAIL;
	}
	if (lost) {
		cli_error("the cache stayed locked by another process; not saved:");
		for (char *l = strtok(lost, "\n"); l; l = strtok(NULL, "\n"))
			fprintf(stderr, "  %s\n", l);
		s.rc = EXIT_FAIL;
		free(lost);
	}
	free(err);
	free(s.msg);
	free(s.drawn);
	free(s.status);
	log_close();
	return s.rc;
}
