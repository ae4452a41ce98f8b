/*
 * cmd_sync.c - `podcue sync` (setup, a sync now, status, off): the
 * command line of sync with a gpodder-compatible server (sync_run.h).
 *
 * A contract for scripts: `sync --json` prints {"pushed":{"subscriptions",
 * "actions"},"pulled":{"subscriptions","actions"},"conflicts"}; a failure
 * is one line on stderr and exit status 1, with nothing local lost (the
 * changes stay pending). The password is read from the terminal without
 * echo (or PODCUE_SYNC_PASSWORD) and never printed.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "curl_lazy.h"
#include "paths.h"
#include "ptime.h"
#include "refresh.h"
#include "sync.h"
#include "sync_run.h"
#include "util.h"

#define SYNC_USAGE                                                                           \
	"usage: podcue sync [--json] | sync setup URL --user NAME [--device ID] [--nextcloud]" \
	" | sync status [--json] | sync off"

/* --- setup ------------------------------------------------------------- */

/* A line from the terminal with echo off (NULL when there is none). */
static char *ask_password(void)
{
	FILE *tty = fopen("/dev/tty", "r+");
	if (!tty)
		return NULL;
	/* Echo goes off before the prompt shows: what is typed after the
	 * prompt is neither echoed nor flushed away. */
	struct termios old, quiet;
	int have = tcgetattr(fileno(tty), &old) == 0;
	if (have) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
	}
	fputs("sync password: ", tty);
	fflush(tty);
	char buf[1024];
	char *line = fgets(buf, sizeof buf, tty) ? xstrdup(buf) : NULL;
	if (have)
		tcsetattr(fileno(tty), TCSAFLUSH, &old);
	fputc('\n', tty);
	fclose(tty);
	memset(buf, 0, sizeof buf);
	if (line)
		line[strcspn(line, "\r\n")] = '\0';
	return line;
}

/* A device id as the API wants it ([A-Za-z0-9_.-]+): "podcue-HOST". */
static char *default_device(void)
{
	char host[256] = "";
	if (gethostname(host, sizeof host - 1) != 0)
		host[0] = '\0';
	char *id = xasprintf("podcue-%s", host[0] ? host : "desktop");
	for (char *p = id; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-' && *p != '_')
			*p = '_';
	return id;
}

static int device_ok(const char *s)
{
	if (!*s || strlen(s) > 64)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '.' && *s != '-' && *s != '_')
			return 0;
	return 1;
}

/* http(s), and no user:password@ (the password would end up in logs). */
static int server_ok(const char *url)
{
	if (!sync_url_ok(url))
		return 0;
	const char *host = strstr(url, "://") + 3;
	size_t auth = strcspn(host, "/?#");
	return memchr(host, '@', auth) == NULL;
}

static int sync_setup(app *a, int argc, char **argv)
{
	const char *url = NULL, *user = NULL, *device = NULL;
	int nextcloud = 0;
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--user") && i + 1 < argc)
			user = argv[++i];
		else if (!strcmp(argv[i], "--device") && i + 1 < argc)
			device = argv[++i];
		else if (!strcmp(argv[i], "--nextcloud"))
			nextcloud = 1;
		else if (!url && argv[i][0] != '-')
			url = argv[i];
		else
			goto usage;
	}
	if (!url || !user || !*user)
		goto usage;
	if (!server_ok(url)) {
		cli_error("%s: not an http(s) URL without user:password@", url);
		return EXIT_USAGE;
	}
	if (device && !device_ok(device)) {
		cli_error("--device: letters, digits, '.', '-' and '_' only (at most 64)");
		return EXIT_USAGE;
	}
	const char *env = getenv("PODCUE_SYNC_PASSWORD");
	char *password = env && *env ? xstrdup(env) : ask_password();
	if (!password || !*password) {
		cli_error("no password: run on a terminal or set PODCUE_SYNC_PASSWORD");
		free(password);
		return EXIT_FAIL;
	}
	if (!app_db(a)) {
		free(password);
		return EXIT_FAIL;
	}
	char *dev = device ? xstrdup(device) : default_device();
	int flavour = nextcloud ? SYNC_NEXTCLOUD : SYNC_GPODDER;
	sync_conn *c = sync_conn_new(url, user, password, dev, flavour);
	int rc = c ? EXIT_OK : EXIT_FAIL;
	if (!c)
		cli_error("sync setup: %s",
			  curl_lazy_error() ? curl_lazy_error() : "cannot start an HTTP connection");
	char host[128] = "";
	gethostname(host, sizeof host - 1);
	char *caption = xasprintf("podcue on %s", host[0] ? host : "a desktop");
	if (c && (sync_login(c) != 0 || sync_register_device(c, caption) != 0)) {
		cli_error("sync setup: %s", sync_conn_error(c));
		rc = EXIT_FAIL;
	}
	char *err = NULL;
	if (rc == EXIT_OK && !(env && *env) && sync_password_save(password, &err) != 0) {
		cli_error("%s", err);
		rc = EXIT_FAIL;
	}
	if (rc == EXIT_OK && db_sync_setup(a->d, url, user, dev, flavour) != 0) {
		cli_error("%s", db_errmsg(a->d));
		rc = EXIT_FAIL;
	}
	if (rc == EXIT_OK)
		printf("sync set up: %s as %s, device %s%s; run `podcue sync` to sync now\n", url,
		       user, dev, nextcloud ? " (Nextcloud)" : "");
	free(err);
	free(caption);
	free(dev);
	sync_conn_free(c);
	memset(password, 0, strlen(password));
	free(password);
	return rc;
usage:
	cli_error(SYNC_USAGE);
	return EXIT_USAGE;
}

/* --- sync now ---------------------------------------------------------- */

/* The podcasts the server brought are fetched now, so they have episodes. */
static void fetch_new(app *a, const sync_report *r)
{
	if (!r->n_new)
		return;
	refresh_opts o = {.ids = r->new_podcasts, .nids = r->n_new};
	refresh_report rep;
	if (refresh_podcasts(a->d, &a->cfg, &o, &rep) != 0)
		cli_error("cache error while fetching new podcasts: %s", db_errmsg(a->d));
	for (size_t i = 0; i < rep.nfailures; i++) {
		fputs("podcue: ", stderr);
		cli_print_safe(stderr, rep.failures[i].url, 0);
		fputs(": ", stderr);
		cli_print_safe(stderr, rep.failures[i].error, 0);
		fputc('\n', stderr);
	}
	refresh_report_free(&rep);
}

static int sync_now(app *a, int json)
{
	if (!app_db(a))
		return EXIT_FAIL;
	db_sync_account acc;
	int got = db_sync_get(a->d, &acc);
	db_sync_account_free(&acc);
	if (got != 0) {
		cli_error("%s", got > 0 ? "sync is not set up (podcue sync setup URL --user NAME)"
					: db_errmsg(a->d));
		return EXIT_FAIL;
	}
	char *err = NULL;
	char *password = sync_password_get(&err);
	if (!password) {
		cli_error("%s", err);
		free(err);
		return EXIT_FAIL;
	}
	sync_report r;
	int rc = sync_run(a->d, password, a->cfg.played_margin, &r, &err);
	memset(password, 0, strlen(password));
	free(password);
	if (rc != 0) {
		cli_error("sync failed: %s (nothing local was lost; pending changes are sent "
			  "next time)", err);
		free(err);
		return EXIT_FAIL;
	}
	fetch_new(a, &r);
	if (json) {
		rc = cli_emit_json(json_pack(
			"{s:{s:I, s:I}, s:{s:I, s:I}, s:I}", "pushed", "subscriptions",
			(json_int_t)r.pushed_subs, "actions", (json_int_t)r.pushed_actions, "pulled",
			"subscriptions", (json_int_t)r.pulled_subs, "actions",
			(json_int_t)r.pulled_actions, "conflicts", (json_int_t)r.conflicts));
	} else {
		printf("pushed %zu subscription changes and %zu episode actions; pulled %zu "
		       "subscription changes and %zu episode actions; %zu conflicts\n",
		       r.pushed_subs, r.pushed_actions, r.pulled_subs, r.pulled_actions,
		       r.conflicts);
	}
	sync_report_free(&r);
	return rc;
}

/* --- status and off ---------------------------------------------------- */

static int sync_status(app *a, int json)
{
	if (!app_db(a))
		return EXIT_FAIL;
	db_sync_account acc;
	int got = db_sync_get(a->d, &acc);
	size_t subs = 0, eps = 0;
	if (got < 0 || (got == 0 && db_sync_pending_count(a->d, &subs, &eps) != 0)) {
		cli_error("%s", db_errmsg(a->d));
		db_sync_account_free(&acc);
		return EXIT_FAIL;
	}
	int rc = EXIT_OK;
	if (json) {
		json_t *o = got ? json_pack("{s:b}", "enabled", 0)
				: json_pack("{s:b, s:o, s:o, s:o, s:s, s:o, s:o, s:{s:I, s:I}}",
					    "enabled", 1, "server", cli_jstr(acc.server), "user",
					    cli_jstr(acc.user), "device", cli_jstr(acc.device),
					    "flavour", acc.flavour ? "nextcloud" : "gpodder",
					    "last_sync", cli_jtime(acc.last_sync, acc.last_sync > 0),
					    "last_error", cli_jstr(acc.last_error), "pending",
					    "subscriptions", (json_int_t)subs, "episodes",
					    (json_int_t)eps);
		rc = cli_emit_json(o);
	} else if (got) {
		puts("sync is off (podcue sync setup URL --user NAME)");
	} else {
		char when[32] = "never";
		if (acc.last_sync > 0)
			ptime_iso8601(acc.last_sync, when, sizeof when);
		printf("server:    ");
		cli_print_safe(stdout, acc.server, 0);
		printf("%s\nuser:      ", acc.flavour ? " (Nextcloud)" : "");
		cli_print_safe(stdout, acc.user, 0);
		printf("\ndevice:    ");
		cli_print_safe(stdout, acc.device, 0);
		printf("\nlast sync: %s\npending:   %zu subscription changes, %zu episodes\n", when,
		       subs, eps);
		if (acc.last_error) {
			printf("last error: ");
			cli_print_safe(stdout, acc.last_error, 0);
			putchar('\n');
		}
	}
	db_sync_account_free(&acc);
	return rc;
}

static int sync_off(app *a)
{
	if (!app_db(a))
		return EXIT_FAIL;
	if (db_sync_off(a->d) != 0) {
		cli_error("%s", db_errmsg(a->d));
		return EXIT_FAIL;
	}
	if (sync_password_forget() != 0)
		cli_error("could not remove the password file");
	puts("sync is off; the server keeps what it has");
	return EXIT_OK;
}

int cmd_sync(app *a, int argc, char **argv)
{
	const char *sub = argc > 1 && argv[1][0] != '-' ? argv[1] : NULL;
	if (sub && !strcmp(sub, "setup"))
		return sync_setup(a, argc, argv);
	int json = 0;
	for (int i = sub ? 2 : 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") != 0) {
			cli_error(SYNC_USAGE);
			return EXIT_USAGE;
		}
		json = 1;
	}
	if (!sub)
		return sync_now(a, json);
	if (!strcmp(sub, "status"))
		return sync_status(a, json);
	if (!strcmp(sub, "off") && !json)
		return sync_off(a);
	cli_error(SYNC_USAGE);
	return EXIT_USAGE;
}
