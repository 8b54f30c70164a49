/*
 * report: the report pipeline. Chooses the month and window, makes a
 * scratch directory beside the target, runs every analysis step in order,
 * writes report_meta.csv and data_quality.csv itself, and swaps the
 * finished directory into place. Analyses live in their own modules; the
 * narrative is rendered by render.c from the CSV files.
 */
#include "pirx/report.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pirx/cmd.h"
#include "pirx/csvio.h"
#include "pirx/fsutil.h"
#include "pirx/mem.h"
#include "pirx/timefmt.h"

void pirx_report_opts_init(struct pirx_report_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->month = -1;
	o->window = 12;
	o->seed = 1;
}

void pirx_report_progress(const struct pirx_report_ctx *ctx, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (!ctx->progress)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ctx->progress(ctx->progress_arg, buf);
}

/* One row, one integer column: runs a query that yields a single count. */
static int count_between(pirx_db *db, int64_t from, int64_t to, long *out, struct pirx_err *err)
{
	pirx_stmt *st = NULL;
	int rc;

	if ((rc = pirx_db_prepare(db, "month_incidents", &st, err)))
		return rc;
	pirx_stmt_bind_int64(st, 1, from);
	pirx_stmt_bind_int64(st, 2, to);
	rc = pirx_stmt_step(st, err);
	if (rc == 1) {
		*out = (long)pirx_stmt_int64(st, 0);
		rc = 0;
	}
	pirx_stmt_finalize(st);
	return rc;
}

/*
 * The last complete month: the month of the latest incident when the data
 * reaches its last day, otherwise the month before it.
 */
static int default_month(int64_t last)
{
	int m = pirx_month_of(last);
	int64_t last_day = pirx_month_start(m + 1) - 86400;

	return last >= last_day ? m : m - 1;
}

int pirx_quality_run(const struct pirx_report_ctx *ctx, struct pirx_err *err)
{
	pirx_stmt *st = NULL;
	pirx_csvw *w = NULL;
	char *path = pirx_fs_join(ctx->dir, "data_quality.csv");
	int rc, step;

	if ((rc = pirx_db_prepare(ctx->db, "data_quality_rows", &st, err)))
		goto out;
	if ((rc = pirx_csvw_open(path, &w, err)))
		goto out;
	pirx_csvw_header(w, "file,line,column,problem,kind");
	while ((step = pirx_stmt_step(st, err)) == 1) {
		pirx_csvw_text(w, pirx_stmt_text(st, 0));
		pirx_csvw_int(w, pirx_stmt_int64(st, 1));
		pirx_csvw_text(w, pirx_stmt_text(st, 2));
		pirx_csvw_text(w, pirx_stmt_text(st, 3));
		pirx_csvw_text(w, pirx_stmt_text(st, 4));
		pirx_csvw_end_row(w);
	}
	rc = step < 0 ? step : 0;
out:
	if (pirx_csvw_close(w, rc ? NULL : err) != 0 && rc == 0)
		rc = PIRX_EIO;
	pirx_stmt_finalize(st);
	free(path);
	return rc;
}

static int write_meta(const struct pirx_report_ctx *ctx, struct pirx_err *err)
{
	char *path = pirx_fs_join(ctx->dir, "report_meta.csv");
	pirx_csvw *w = NULL;
	pirx_stmt *st = NULL;
	struct pirx_buf files;
	int rc, step;

	pirx_buf_init(&files);
	if ((rc = pirx_db_prepare(ctx->db, "corpus_files", &st, err)))
		goto out;
	while ((step = pirx_stmt_step(st, err)) == 1) {
		if (files.len)
			pirx_buf_puts(&files, ";");
		pirx_buf_puts(&files, pirx_stmt_text(st, 0));
	}
	if (step < 0) {
		rc = step;
		goto out;
	}
	if ((rc = pirx_csvw_open(path, &w, err)))
		goto out;
	pirx_csvw_header(w, "key,value");
	pirx_csvw_text(w, "month");
	pirx_csvw_month(w, ctx->month);
	pirx_csvw_end_row(w);
	pirx_csvw_text(w, "window");
	pirx_csvw_int(w, ctx->window);
	pirx_csvw_end_row(w);
	pirx_csvw_text(w, "window_start");
	pirx_csvw_month(w, ctx->window_start);
	pirx_csvw_end_row(w);
	pirx_csvw_text(w, "first_month");
	pirx_csvw_month(w, ctx->first_month);
	pirx_csvw_end_row(w);
	pirx_csvw_text(w, "as_of");
	pirx_csvw_time(w, ctx->as_of);
	pirx_csvw_end_row(w);
	pirx_csvw_text(w, "seed");
	pirx_csvw_int(w, (int64_t)ctx->seed);
	pirx_csvw_end_row(w);
	pirx_csvw_text(w, "anonymized");
	pirx_csvw_text(w, ctx->anonymize ? "yes" : "no");
	pirx_csvw_end_row(w);
	pirx_csvw_text(w, "corpus_files");
	pirx_csvw_text(w, pirx_buf_str(&files));
	pirx_csvw_end_row(w);
	pirx_csvw_text(w, "pirx_version");
	pirx_csvw_text(w, PIRX_VERSION);
	pirx_csvw_end_row(w);
out:
	if (pirx_csvw_close(w, rc ? NULL : err) != 0 && rc == 0)
		rc = PIRX_EIO;
	pirx_stmt_finalize(st);
	pirx_buf_release(&files);
	free(path);
	return rc;
}

struct step {
	const char *what;
	int (*run)(const struct pirx_report_ctx *ctx, struct pirx_err *err);
};

static const struct step steps[] = {
	{"incident counts and durations", pirx_durations_run},
	{"trends", pirx_trend_run},
	{"contributing-factor clusters", pirx_clusters_run},
	{"action items and reviews", pirx_actions_run},
	{"responder load", pirx_oncall_run},
	{"data quality", pirx_quality_run},
	{"report.md and report.html", pirx_render_run},
	{NULL, NULL}
};

int pirx_report_run(pirx_db *db, const struct pirx_report_opts *opts,
		    struct pirx_report_result *res, struct pirx_err *err)
{
	struct pirx_report_ctx ctx;
	pirx_stmt *st = NULL;
	char *scratch = NULL, *charts = NULL, *parent = NULL;
	char out[4096];
	int64_t first = 0, last = 0;
	long n = 0;
	int rc, step;

	memset(&ctx, 0, sizeof(ctx));
	memset(res, 0, sizeof(*res));
	if ((rc = pirx_db_check_schema(db, err)))
		goto out;
	if ((rc = pirx_db_prepare(db, "report_span", &st, err)))
		goto out;
	if ((step = pirx_stmt_step(st, err)) != 1) {
		rc = step < 0 ? step : PIRX_EIO;
		goto out;
	}
	n = (long)pirx_stmt_int64(st, 2);
	first = pirx_stmt_int64(st, 0);
	last = pirx_stmt_int64(st, 1);
	pirx_stmt_finalize(st);
	st = NULL;
	if (n == 0) {
		rc = pirx_err_set(err, PIRX_EINPUT, NULL, 0, NULL, "the corpus has no incidents: nothing to report");
		goto out;
	}
	ctx.db = db;
	ctx.first_month = pirx_month_of(first);
	ctx.month = opts->month >= 0 ? opts->month : default_month(last);
	if (ctx.month < ctx.first_month) {
		char a[PIRX_MONTH_STRLEN], b[PIRX_MONTH_STRLEN];
		pirx_month_format(ctx.month, a);
		pirx_month_format(ctx.first_month, b);
		rc = pirx_err_set(err, PIRX_EINPUT, NULL, 0, "--month",
				  "%s is before the corpus begins (%s)", a, b);
		goto out;
	}
	ctx.window = opts->window > 0 ? opts->window : 12;
	ctx.window_start = ctx.month - ctx.window + 1;
	ctx.as_of = pirx_month_start(ctx.month + 1);
	ctx.seed = opts->seed;
	ctx.anonymize = opts->anonymize;
	ctx.taxonomy = opts->taxonomy;
	ctx.progress = opts->progress;
	ctx.progress_arg = opts->progress_arg;

	if (opts->out) {
		snprintf(out, sizeof(out), "%s", opts->out);
	} else {
		char m[PIRX_MONTH_STRLEN];
		pirx_month_format(ctx.month, m);
		snprintf(out, sizeof(out), "out/%s", m);
	}
	while (strlen(out) > 1 && out[strlen(out) - 1] == '/')
		out[strlen(out) - 1] = '\0';
	parent = pirx_fs_dirname(out);
	if ((rc = pirx_fs_mkdir_p(parent, err)))
		goto out;
	if (!(scratch = pirx_fs_temp_dir_beside(out, err))) {
		rc = PIRX_EIO;
		goto out;
	}
	charts = pirx_fs_join(scratch, "charts");
	if ((rc = pirx_fs_mkdir_p(charts, err)))
		goto out;
	ctx.dir = scratch;
	ctx.charts_dir = charts;

	if ((rc = write_meta(&ctx, err)))
		goto out;
	for (const struct step *s = steps; s->what; s++) {
		pirx_report_progress(&ctx, "%s", s->what);
		if ((rc = s->run(&ctx, err)))
			goto out;
	}
	if ((rc = pirx_fs_fsync(scratch, err)))
		goto out;
	if ((rc = pirx_fs_replace_dir(scratch, out, err)))
		goto out;
	free(scratch);
	scratch = NULL;
	snprintf(res->out, sizeof(res->out), "%s", out);
	res->month = ctx.month;
	rc = count_between(db, pirx_month_start(ctx.month), ctx.as_of, &res->incidents, err);
out:
	if (scratch) {
		pirx_fs_rmtree(scratch);
		free(scratch);
	}
	pirx_stmt_finalize(st);
	free(charts);
	free(parent);
	return rc;
}
