/*
 * durations: incident counts and the four durations per month (SPEC
 * sections 3 and 4): incidents_monthly.csv, durations_monthly.csv and the
 * charts ttr_trend, ttd_trend and incidents_by_severity.
 *
 * One query returns every incident of the window with all its end
 * instants; they are put in order of start (then id) and the durations
 * computed here, and each month is summarised as soon as its last
 * incident has been read (rows of one month are contiguous). Statistics (median, type-7 p90,
 * mean, bootstrap interval of the median) come from stats.c; trends are
 * trend.c's.
 */
#include "pirx/durations.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pirx/csvio.h"
#include "pirx/fsutil.h"
#include "pirx/mem.h"
#include "pirx/plot.h"
#include "pirx/report.h"
#include "pirx/stats.h"
#include "pirx/timefmt.h"

/* Resamples of the median's bootstrap (SPEC: at least 2,000). */
#define RESAMPLES 2000

static const char *const metric_names[PIRX_NMETRICS] = {"ttd", "tta", "ttm", "ttr"};
static const char *const sev_names[PIRX_NSEV] = {"all", "SEV1", "SEV2", "SEV3", "SEV4", "SEV5"};

const char *pirx_metric_name(int metric)
{
	return metric >= 0 && metric < PIRX_NMETRICS ? metric_names[metric] : NULL;
}

double pirx_duration_minutes(int have_from, int64_t from, int have_to, int64_t to,
			     int64_t as_of)
{
	if (!have_from || !have_to || to < from || to >= as_of)
		return NAN;
	return (double)(to - from) / 60.0;
}

/*
 * The query scans the table (in SQLite's order) and the rows are sorted
 * here by start and id, the order every output and every bootstrap draw
 * follows: walking the start index with a table lookup per row and a sort
 * of ties by id cost SQLite ten times as much per row.
 */
int pirx_durations_read(pirx_db *db, int64_t from, int64_t as_of,
			struct pirx_incident_durations **out, size_t *n,
			struct pirx_err *err)
{
	pirx_stmt *st = NULL;
	struct pirx_incident_durations *v = NULL, *sorted = NULL;
	struct pirx_incident_order order;
	size_t len = 0, cap = 0;
	int rc, step;

	pirx_incident_order_init(&order);
	*out = NULL;
	*n = 0;
	if ((rc = pirx_db_prepare(db, "durations_incidents", &st, err)))
		goto out;
	pirx_stmt_bind_int64(st, 1, from);
	pirx_stmt_bind_int64(st, 2, as_of);
	while ((step = pirx_stmt_step(st, err)) == 1) {
		struct pirx_incident_durations *d;
		int64_t t[6];
		int have[6];

		if (len == cap) {
			cap = cap ? cap * 2 : 1024;
			v = pirx_xreallocarray(v, cap, sizeof(*v));
		}
		pirx_incident_order_add(&order, pirx_stmt_int64(st, 0), pirx_stmt_text(st, 6),
					(size_t)pirx_stmt_bytes(st, 6), len);
		d = &v[len++];
		for (int c = 0; c < 6; c++) {
			have[c] = !pirx_stmt_is_null(st, c);
			t[c] = have[c] ? pirx_stmt_int64(st, c) : 0;
		}
		d->started_at = t[0];
		d->severity = have[1] && t[1] >= 1 && t[1] <= 5 ? (int)t[1] : 0;
		/* Columns: 0 started, 2 detected, 3 acknowledged, 4 mitigated, 5 resolved. */
		d->min[PIRX_TTD] = pirx_duration_minutes(1, t[0], have[2], t[2], as_of);
		d->min[PIRX_TTA] = pirx_duration_minutes(have[2], t[2], have[3], t[3], as_of);
		d->min[PIRX_TTM] = pirx_duration_minutes(1, t[0], have[4], t[4], as_of);
		d->min[PIRX_TTR] = pirx_duration_minutes(1, t[0], have[5], t[5], as_of);
	}
	if (step < 0) {
		rc = step;
		goto out;
	}
	pirx_incident_order_sort(&order);
	sorted = pirx_xmalloc((len ? len : 1) * sizeof(*sorted));
	for (size_t i = 0; i < len; i++)
		sorted[i] = v[order.k[i].at];
	*out = sorted;
	*n = len;
	sorted = NULL;
	rc = 0;
out:
	free(v);
	free(sorted);
	pirx_incident_order_release(&order);
	pirx_stmt_finalize(st);
	return rc;
}

/* splitmix64's finaliser: a good 64-bit mix of its input. */
static uint64_t mix64(uint64_t z)
{
	z += 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint64_t pirx_durations_group_seed(uint64_t seed, int month, int metric, int sev)
{
	uint64_t h = mix64(seed);

	h = mix64(h ^ (uint64_t)(uint32_t)month);
	h = mix64(h ^ ((uint64_t)(uint32_t)metric << 8 | (uint64_t)(uint32_t)sev));
	/* The generator takes 32 bits of seed: fold the high half in. */
	h = (h ^ (h >> 32)) & 0xffffffffULL;
	return h ? h : 1;
}

/* A growable array of minutes, reused month after month. */
struct vec {
	double *v;
	size_t n, cap;
};

static void vec_push(struct vec *a, double x)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 64;
		a->v = pirx_xreallocarray(a->v, a->cap, sizeof(*a->v));
	}
	a->v[a->n++] = x;
}

/* One month's median and interval of a duration, for a chart. */
struct chart_pt {
	int month;
	double median, lo, hi;
};

struct run_state {
	const struct pirx_report_ctx *ctx;
	pirx_csvw *inc, *dur;
	struct vec g[PIRX_NMETRICS][PIRX_NSEV];
	/* Chart data: months first_month..month. */
	int nmonths;
	long (*sev_counts)[PIRX_NSEV + 1];   /* per month: all, SEV1..5, unknown */
	struct chart_pt *ttr, *ttd;          /* per month; NaN when no data */
};

/* Writes the rows of one month and records its chart points. */
static void flush_month(struct run_state *s, int month, const long counts[PIRX_NSEV + 1])
{
	int mi = month - s->ctx->first_month;

	for (int sev = 0; sev < PIRX_NSEV; sev++) {
		if (counts[sev] == 0)
			continue;
		pirx_csvw_month(s->inc, month);
		pirx_csvw_text(s->inc, sev_names[sev]);
		pirx_csvw_int(s->inc, counts[sev]);
		pirx_csvw_end_row(s->inc);
	}
	if (mi >= 0 && mi < s->nmonths)
		memcpy(s->sev_counts[mi], counts, sizeof(s->sev_counts[mi]));

	for (int m = 0; m < PIRX_NMETRICS; m++) {
		for (int sev = 0; sev < PIRX_NSEV; sev++) {
			struct vec *a = &s->g[m][sev];
			double med, p90, mean, lo, hi;
			pirx_rng *r;

			if (a->n == 0)
				continue;
			pirx_stats_sort(a->v, a->n);
			med = pirx_stats_median_sorted(a->v, a->n);
			p90 = pirx_stats_quantile_sorted(a->v, a->n, 0.9);
			mean = pirx_stats_mean(a->v, a->n);
			r = pirx_rng_new(pirx_durations_group_seed(s->ctx->seed, month, m, sev));
			pirx_stats_median_ci(a->v, a->n, RESAMPLES, r, &lo, &hi);
			pirx_rng_free(r);

			pirx_csvw_month(s->dur, month);
			pirx_csvw_text(s->dur, metric_names[m]);
			pirx_csvw_text(s->dur, sev_names[sev]);
			pirx_csvw_int(s->dur, (int64_t)a->n);
			pirx_csvw_fixed(s->dur, med, 2);
			pirx_csvw_fixed(s->dur, p90, 2);
			pirx_csvw_fixed(s->dur, mean, 2);
			pirx_csvw_fixed(s->dur, lo, 2);
			pirx_csvw_fixed(s->dur, hi, 2);
			pirx_csvw_end_row(s->dur);

			if (sev == 0 && mi >= 0 && mi < s->nmonths && (m == PIRX_TTR || m == PIRX_TTD)) {
				struct chart_pt *p = m == PIRX_TTR ? &s->ttr[mi] : &s->ttd[mi];
				p->median = med;
				p->lo = lo;
				p->hi = hi;
			}
			a->n = 0;
		}
	}
}

/* The monthly median of one duration with its 95% band, on a log axis. */
static int duration_chart(const struct run_state *s, const char *name, const char *title,
			  const struct chart_pt *pts, struct pirx_err *err)
{
	pirx_plot *p = pirx_plot_new(name, PIRX_PLOT_X_MONTH, 3);
	double lo = INFINITY, hi = 0;
	int rc, ylog;

	/*
	 * A log axis when the values span more than a factor of 30 (a few
	 * small months' wide intervals would flatten everything else on a
	 * linear one); otherwise linear from 0, which reads more plainly.
	 */
	for (int i = 0; i < s->nmonths; i++) {
		if (isnan(pts[i].median))
			continue;
		if (pts[i].lo > 0 && pts[i].lo < lo)
			lo = pts[i].lo;
		if (pts[i].median > 0 && pts[i].median < lo)
			lo = pts[i].median;
		if (pts[i].hi > hi)
			hi = pts[i].hi;
	}
	ylog = isfinite(lo) && hi / lo > 30.0;
	pirx_plot_title(p, title);
	pirx_plot_labels(p, NULL, ylog ? "minutes (log scale)" : "minutes");
	pirx_plot_ylog(p, ylog);
	pirx_plot_column(p, 1, "median");
	pirx_plot_column(p, 2, "95% interval of the median");
	pirx_plot_column(p, 3, "upper");
	for (int i = 0; i < s->nmonths; i++) {
		/* A month with no duration has no point: the line bridges it. */
		if (isnan(pts[i].median))
			continue;
		pirx_plot_row_month(p, pts[i].month);
		/* A log axis cannot show 0: such a month's band is left out. */
		pirx_plot_value(p, ylog && !(pts[i].median > 0) ? NAN : pts[i].median);
		pirx_plot_value(p, ylog && !(pts[i].lo > 0) ? NAN : pts[i].lo);
		pirx_plot_value(p, ylog && !(pts[i].hi > 0) ? NAN : pts[i].hi);
	}
	pirx_plot_series(p, PIRX_PLOT_BAND, 2, 3, 0);
	pirx_plot_series(p, PIRX_PLOT_LINEPOINTS, 1, 0, 0);
	rc = pirx_plot_write(p, s->ctx->charts_dir, s->ctx->charts, err);
	pirx_plot_free(p);
	return rc;
}

/* Incidents per month, stacked by severity (unknown only when some are). */
static int severity_chart(const struct run_state *s, struct pirx_err *err)
{
	int unknown = 0, ncols, rc;
	long most = 1;
	pirx_plot *p;

	for (int i = 0; i < s->nmonths; i++) {
		unknown |= s->sev_counts[i][PIRX_NSEV] > 0;
		if (s->sev_counts[i][0] > most)
			most = s->sev_counts[i][0];
	}
	ncols = PIRX_NSEV - 1 + unknown;
	p = pirx_plot_new("incidents_by_severity", PIRX_PLOT_X_MONTH, ncols);
	pirx_plot_title(p, "Incidents per month by severity");
	pirx_plot_labels(p, NULL, "incidents");
	/* Headroom above the tallest bar for the key. */
	pirx_plot_yrange(p, 0, ceil((double)most * 1.2));
	for (int sev = 1; sev < PIRX_NSEV; sev++)
		pirx_plot_column(p, sev, sev_names[sev]);
	if (unknown)
		pirx_plot_column(p, PIRX_NSEV, "unknown");
	for (int i = 0; i < s->nmonths; i++) {
		pirx_plot_row_month(p, s->ctx->first_month + i);
		for (int c = 1; c <= ncols; c++)
			pirx_plot_value(p, (double)s->sev_counts[i][c]);
	}
	for (int c = 1; c <= ncols; c++)
		pirx_plot_series(p, PIRX_PLOT_STACKED, c, 0, 0);
	rc = pirx_plot_write(p, s->ctx->charts_dir, s->ctx->charts, err);
	pirx_plot_free(p);
	return rc;
}

static int open_csv(const struct pirx_report_ctx *ctx, const char *name, pirx_csvw **w,
		    struct pirx_err *err)
{
	char *path = pirx_fs_join(ctx->dir, name);
	int rc = pirx_csvw_open(path, w, err);

	free(path);
	return rc;
}

int pirx_durations_run(const struct pirx_report_ctx *ctx, struct pirx_err *err)
{
	struct pirx_incident_durations *rec = NULL;
	struct run_state s;
	size_t n = 0, i = 0;
	int rc;

	memset(&s, 0, sizeof(s));
	s.ctx = ctx;
	s.nmonths = ctx->month - ctx->first_month + 1;
	if (s.nmonths < 1)
		s.nmonths = 1;
	s.sev_counts = pirx_xcalloc((size_t)s.nmonths, sizeof(*s.sev_counts));
	s.ttr = pirx_xcalloc((size_t)s.nmonths, sizeof(*s.ttr));
	s.ttd = pirx_xcalloc((size_t)s.nmonths, sizeof(*s.ttd));
	for (int k = 0; k < s.nmonths; k++) {
		s.ttr[k].month = s.ttd[k].month = ctx->first_month + k;
		s.ttr[k].median = s.ttr[k].lo = s.ttr[k].hi = NAN;
		s.ttd[k].median = s.ttd[k].lo = s.ttd[k].hi = NAN;
	}

	pirx_report_progress(ctx, "reading incident durations");
	if ((rc = pirx_durations_read(ctx->db, pirx_month_start(ctx->first_month), ctx->as_of,
				      &rec, &n, err)))
		goto out;
	if ((rc = open_csv(ctx, "incidents_monthly.csv", &s.inc, err)))
		goto out;
	if ((rc = open_csv(ctx, "durations_monthly.csv", &s.dur, err)))
		goto out;
	pirx_csvw_header(s.inc, "month,severity,incidents");
	pirx_csvw_header(s.dur, "month,metric,severity,n,median_min,p90_min,mean_min,"
			 "ci95_low_min,ci95_high_min");

	while (i < n) {
		int month = pirx_month_of(rec[i].started_at);
		long counts[PIRX_NSEV + 1] = {0};

		for (; i < n && pirx_month_of(rec[i].started_at) == month; i++) {
			const struct pirx_incident_durations *d = &rec[i];
			int sev = d->severity;

			counts[0]++;
			counts[sev ? sev : PIRX_NSEV]++;
			for (int m = 0; m < PIRX_NMETRICS; m++) {
				if (isnan(d->min[m]))
					continue;
				vec_push(&s.g[m][0], d->min[m]);
				if (sev)
					vec_push(&s.g[m][sev], d->min[m]);
			}
		}
		flush_month(&s, month, counts);
	}

	if ((rc = pirx_csvw_close(s.inc, err)))
		goto out;
	s.inc = NULL;
	if ((rc = pirx_csvw_close(s.dur, err)))
		goto out;
	s.dur = NULL;

	pirx_report_progress(ctx, "charts of time to resolve, time to detect, incidents by severity");
	if ((rc = duration_chart(&s, "ttr_trend", "Time to resolve, all incidents: monthly median (line), 95% interval (band)",
				 s.ttr, err)))
		goto out;
	if ((rc = duration_chart(&s, "ttd_trend", "Time to detect, all incidents: monthly median (line), 95% interval (band)",
				 s.ttd, err)))
		goto out;
	rc = severity_chart(&s, err);
out:
	pirx_csvw_close(s.inc, NULL);
	pirx_csvw_close(s.dur, NULL);
	for (int m = 0; m < PIRX_NMETRICS; m++)
		for (int sev = 0; sev < PIRX_NSEV; sev++)
			free(s.g[m][sev].v);
	free(s.sev_counts);
	free(s.ttr);
	free(s.ttd);
	free(rec);
	return rc;
}
