/*
 * durations: placeholder step of the report pipeline; writes nothing yet.
 */
#include "pirx/report.h"

int pirx_durations_run(const struct pirx_report_ctx *ctx, struct pirx_err *err)
{
	(void)ctx;
	(void)err;
	return 0;
}
