/*
 * report: the pipeline every analysis plugs into.
 *
 * pirx_report_run builds the whole report directory in a scratch
 * directory beside the target and swaps it into place only when every
 * step succeeded; a failed run leaves the previous report untouched.
 *
 * Each analysis is one step: a function that reads the database, writes
 * its CSV files (SPEC section 4) into ctx->dir and its charts into
 * ctx->charts_dir, and returns 0 or a negative PIRX_E* with err filled.
 * Steps never print; they may call pirx_report_progress. The narrative
 * (report.md, report.html) is the last step and reads the CSV files the
 * others wrote, so it depends only on the output contract.
 */
#ifndef PIRX_REPORT_H
#define PIRX_REPORT_H

#include <stdint.h>

#include "pirx/db.h"
#include "pirx/err.h"
#include "pirx/mem.h"

struct pirx_report_ctx {
	pirx_db *db;            /* the loaded corpus, read only */
	const char *dir;        /* where this run writes (a scratch directory) */
	const char *charts_dir; /* dir/charts, exists */
	/* Charts written into charts_dir go to the report's one gnuplot,
	 * which both lanes share; NULL: each is drawn when written. */
	struct pirx_plot_batch *charts;
	int month;              /* report month (month index, timefmt.h) */
	int window;             /* trailing months for trends and recurrence */
	int window_start;       /* month - window + 1 */
	int first_month;        /* month of the earliest incident */
	int64_t as_of;          /* first instant of month + 1: nothing at or after counts */
	uint64_t seed;          /* every random step is seeded from this */
	int anonymize;          /* --anonymize-responders */
	const char *taxonomy;   /* --taxonomy FILE, or NULL for the built-in one */
	/* Progress sink (stderr in the command); may be NULL. */
	void (*progress)(void *arg, const char *what);
	void *progress_arg;
};

/*
 * Adds the row key,value to report_meta.csv, from a step in either lane
 * (one append of one short line). The steps that write the long lists
 * give their totals here, so that render reads the ten rows it shows
 * instead of counting every row again. key is a fixed name: letters,
 * digits and underscores. Returns 0 or PIRX_EIO.
 */
int pirx_report_meta_add(const struct pirx_report_ctx *ctx, const char *key, long value,
			 struct pirx_err *err);

/* Reports progress of a long step ("clustering 12034 factor texts"). */
void pirx_report_progress(const struct pirx_report_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Incidents in report order: by start, then id (bytes). Steps read
 * incidents with one table scan, add each here as it is read and sort
 * them at the end: SQLite's walk of the start index costs a table lookup
 * per row and a sort of ties. After pirx_incident_order_sort, k[0..n) is
 * in report order and each k[i].at says which row (the caller's count)
 * it was.
 */
struct pirx_incident_key {
	int64_t started;
	const char *id;         /* set by pirx_incident_order_sort */
	size_t at;
};
struct pirx_incident_order {
	struct pirx_incident_key *k;
	size_t n, cap;
	size_t *id_off;         /* each id's offset in ids (ids may move) */
	struct pirx_buf ids;    /* the ids, each NUL-terminated */
};
void pirx_incident_order_init(struct pirx_incident_order *o);
void pirx_incident_order_add(struct pirx_incident_order *o, int64_t started,
			     const char *id, size_t len, size_t at);
void pirx_incident_order_sort(struct pirx_incident_order *o);
void pirx_incident_order_release(struct pirx_incident_order *o);

/* The options of one report run. */
struct pirx_report_opts {
	int month;              /* -1: the last complete month in the data */
	int window;             /* default 12 */
	const char *out;        /* NULL: out/YYYY-MM */
	uint64_t seed;          /* default 1 */
	int anonymize;
	const char *taxonomy;
	void (*progress)(void *arg, const char *what);
	void *progress_arg;
};

/* Sets the defaults of SPEC section 1. */
void pirx_report_opts_init(struct pirx_report_opts *o);

/* What a finished run reports back, for the command's summary line. */
struct pirx_report_result {
	char out[4096];         /* the report directory written */
	int month;
	long incidents;         /* incidents in the report month */
	int files;              /* files written */
};

/*
 * Runs every step on db and puts the report directory in place. Returns 0,
 * or a negative PIRX_E* (PIRX_EINPUT when the data has no incidents or the
 * month is out of range, PIRX_EIO on I/O, gnuplot or database failure).
 */
int pirx_report_run(pirx_db *db, const struct pirx_report_opts *opts,
		    struct pirx_report_result *res, struct pirx_err *err);

/*
 * The steps, one per analysis module, run in this order by
 * pirx_report_run. Each owns the outputs named beside it.
 */
/* durations.c: incidents_monthly.csv, durations_monthly.csv, charts ttr, ttd, severity */
int pirx_durations_run(const struct pirx_report_ctx *ctx, struct pirx_err *err);
/* trend.c: trends.csv */
int pirx_trend_run(const struct pirx_report_ctx *ctx, struct pirx_err *err);
/* clusters.c and recurrence.c: factor_clusters.csv, factor_assignments.csv,
 * recurrence.csv, repeat_incidents.csv, chart of top patterns */
int pirx_clusters_run(const struct pirx_report_ctx *ctx, struct pirx_err *err);
/* actions.c: action_items_monthly.csv, overdue_actions.csv, reviews_monthly.csv,
 * action_survival.csv, charts */
int pirx_actions_run(const struct pirx_report_ctx *ctx, struct pirx_err *err);
/* oncall.c: responder_load.csv, team_concentration.csv, chart */
int pirx_oncall_run(const struct pirx_report_ctx *ctx, struct pirx_err *err);
/* report.c: data_quality.csv */
int pirx_quality_run(const struct pirx_report_ctx *ctx, struct pirx_err *err);
/* render.c: report.md and report.html from the CSV files above */
int pirx_render_run(const struct pirx_report_ctx *ctx, struct pirx_err *err);

#endif
