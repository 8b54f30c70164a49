/*
 * cmd_report: placeholder until the command lands; it refuses to run.
 */
#include <stdio.h>

#include "pirx/cmd.h"
#include "pirx/err.h"

int pirx_cmd_report(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "pirx: 'report' is not available in this build yet\n");
	return PIRX_EXIT_FAIL;
}
