/*
 * command.c - the command table (see command.h).
 */
#include "command.h"

#include <string.h>

#define PODCUE_CMD_ROW(id, name, flags, help) {CMD_##id, name, flags, help},
const cmd_info cmd_table[CMD_COUNT] = {PODCUE_COMMANDS(PODCUE_CMD_ROW)};
#undef PODCUE_CMD_ROW

int cmd_find(const char *name)
{
	for (int i = 0; i < CMD_COUNT; i++)
		if (strcmp(cmd_table[i].name, name) == 0)
			return i;
	return -1;
}
