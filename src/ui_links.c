/*
 * ui_links.c - the TUI's open-link and copy-link: links of the episode in
 * the details pane, by the number the notes give them, or the link line
 * selected there (links.h does the opening and copying). UI thread only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "links.h"
#include "ui_int.h"
#include "util.h"

/* The link number on the selected line of the details pane, or 0. */
static int selected_link(const ui *u)
{
	size_t sel = u->pos[PANE_DETAILS].sel;
	return u->focus == PANE_DETAILS && sel < u->nlines ? u->lines[sel].link : 0;
}

/* Link n of the episode in the details pane (caller frees), or NULL with
 * a message shown. */
static char *link_url(ui *u, int n)
{
	if (!u->det_episode) {
		ui_message(u, 1, "select an episode first: its notes number the links");
		return NULL;
	}
	char **links = NULL;
	size_t nlinks = 0, i;
	char *url = NULL;
	if (db_episode_links(u->d, u->det_episode, &links, &nlinks) != 0)
		ui_message(u, 1, "cannot read the links: %s", db_errmsg(u->d));
	else if (!nlinks)
		ui_message(u, 1, "this episode's notes have no links");
	else if (n < 1 || (size_t)n > nlinks)
		ui_message(u, 1, "no link %d (there are %zu)", n, nlinks);
	else
		url = links[n - 1];
	for (i = 0; i < nlinks; i++)
		if (links[i] != url)
			free(links[i]);
	free(links);
	return url;
}

void ui_open_link(ui *u, int n)
{
	if (n <= 0)
		n = selected_link(u);
	if (n <= 0) {
		if (!u->det_episode) {
			ui_message(u, 1, "select an episode first: its notes number the links");
			return;
		}
		u->prompt = PROMPT_LINK;
		prompt_set(&u->line, NULL);
		return;
	}
	char *url = link_url(u, n);
	if (!url)
		return;
	char *msg = NULL;
	if (links_open(url, &msg) != 0)
		ui_message(u, 1, "%s", msg);
	else
		ui_message(u, 0, "opened link %d: %s", n, url);
	free(msg);
	free(url);
}

void ui_copy_link(ui *u, int n)
{
	if (!u->cfg->osc52) {
		ui_message(u, 1, "copying is off (set osc52 1)");
		return;
	}
	if (n <= 0)
		n = selected_link(u);
	if (n <= 0) {
		ui_message(u, 1, "select a link in the details, or type its number first (3y)");
		return;
	}
	char *url = link_url(u, n);
	if (!url)
		return;
	if (links_copy(STDOUT_FILENO, url) != 0)
		ui_message(u, 1, "cannot write to the terminal");
	else
		ui_message(u, 0, "copied link %d: %s", n, url);
	free(url);
}
