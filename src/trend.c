/*
 * trend: trends.csv, the change per month of each duration over the
 * trailing window, for all incidents and each severity, with a verdict
 * that must not call noise a trend (SPEC section 3).
 *
 * Per series: y = log(minutes + 1) (log because durations are
 * multiplicative and heavy tailed; +1 because a time to detect is often
 * 0), x = time since the window start in mean months (a continuous
 * value), clusters = calendar months; pirx_stats_trend fits it robustly
 * with month-clustered uncertainty. The slope b per month becomes a
 * percentage 100 (exp(b) - 1), and so do its interval ends. The
 * durations come from durations.c; the statistics from stats.c.
 */
#include "pirx/trend.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pirx/csvio.h"
#include "pirx/durations.h"
#include "pirx/fsutil.h"
#include "pirx/mem.h"
#include "pirx/report.h"
#include "pirx/stats.h"
#include "pirx/timefmt.h"

/* Mean Gregorian month, seconds: 365.2425 days / 12. */
#define MEAN_MONTH_SEC (365.2425 * 86400.0 / 12.0)

static const char *const sev_names[PIRX_NSEV] = {"all", "SEV1", "SEV2", "SEV3", "SEV4", "SEV5"};

const char *pirx_verdict_name(enum pirx_verdict v)
{
	switch (v) {
	case PIRX_VERDICT_NONE:
		return "no_significant_change";
	case PIRX_VERDICT_IMPROVING:
		return "improving";
	case PIRX_VERDICT_WORSENING:
		return "worsening";
	case PIRX_VERDICT_INSUFFICIENT:
		break;
	}
	return "insufficient_data";
}

static double pct(double slope)
{
	return 100.0 * expm1(slope);
}

void pirx_trend_series(const int64_t *started_at, const double *minutes, size_t n,
		       int window_start, struct pirx_trend_result *res)
{
	double *x, *y;
	int *g;
	int64_t t0 = pirx_month_start(window_start);
	struct pirx_trend_fit fit;

	memset(res, 0, sizeof(*res));
	res->verdict = PIRX_VERDICT_INSUFFICIENT;
	res->pct_change = res->ci_low = res->ci_high = res->p_value = res->mde_pct = NAN;
	res->n = n;
	if (n == 0)
		return;
	x = pirx_xmalloc(n * sizeof(*x));
	y = pirx_xmalloc(n * sizeof(*y));
	g = pirx_xmalloc(n * sizeof(*g));
	for (size_t i = 0; i < n; i++) {
		x[i] = (double)(started_at[i] - t0) / MEAN_MONTH_SEC;
		y[i] = log1p(minutes[i]);
		g[i] = pirx_month_of(started_at[i]);
	}
	{
		/* Months with data (started_at need not be sorted): a bitmap over the span. */
		int lo = g[0], hi = g[0];
		for (size_t i = 1; i < n; i++) {
			if (g[i] < lo)
				lo = g[i];
			if (g[i] > hi)
				hi = g[i];
		}
		{
			char *seen = pirx_xcalloc((size_t)(hi - lo + 1), 1);
			for (size_t i = 0; i < n; i++) {
				if (!seen[g[i] - lo])
					res->months++;
				seen[g[i] - lo] = 1;
			}
			free(seen);
		}
	}
	if (n < PIRX_TREND_MIN_N || res->months < PIRX_TREND_MIN_MONTHS)
		goto out;
	{
		/* Every duration the same (a feed that sets detected_at to
		 * started_at): there is no change to measure, not "no change". */
		size_t i = 1;
		while (i < n && y[i] == y[0])
			i++;
		if (i == n)
			goto out;
	}
	if (pirx_stats_trend(x, y, g, n, &fit) != 0)
		goto out;
	res->pct_change = pct(fit.slope);
	res->ci_low = pct(fit.ci_low);
	res->ci_high = pct(fit.ci_high);
	res->p_value = fit.p_value;
	res->mde_pct = pct(fit.mde);
	if (fit.ci_high < 0)
		res->verdict = PIRX_VERDICT_IMPROVING;
	else if (fit.ci_low > 0)
		res->verdict = PIRX_VERDICT_WORSENING;
	else
		res->verdict = PIRX_VERDICT_NONE;
out:
	free(x);
	free(y);
	free(g);
}

int pirx_trend_run(const struct pirx_report_ctx *ctx, struct pirx_err *err)
{
	struct pirx_incident_durations *rec = NULL;
	int64_t *t = NULL;
	double *v = NULL;
	pirx_csvw *w = NULL;
	char *path = NULL;
	size_t n = 0;
	int rc;

	if ((rc = pirx_durations_read(ctx->db, pirx_month_start(ctx->window_start), ctx->as_of,
				      &rec, &n, err)))
		goto out;
	path = pirx_fs_join(ctx->dir, "trends.csv");
	if ((rc = pirx_csvw_open(path, &w, err)))
		goto out;
	pirx_csvw_header(w, "metric,severity,window_start,window_end,n,pct_change_per_month,"
			 "ci95_low,ci95_high,p_value,verdict,mde_pct_per_month,months_with_data");
	t = pirx_xmalloc((n ? n : 1) * sizeof(*t));
	v = pirx_xmalloc((n ? n : 1) * sizeof(*v));
	for (int m = 0; m < PIRX_NMETRICS; m++) {
		for (int sev = 0; sev < PIRX_NSEV; sev++) {
			struct pirx_trend_result r;
			size_t k = 0;

			for (size_t i = 0; i < n; i++) {
				if (isnan(rec[i].min[m]) || (sev && rec[i].severity != sev))
					continue;
				t[k] = rec[i].started_at;
				v[k] = rec[i].min[m];
				k++;
			}
			pirx_trend_series(t, v, k, ctx->window_start, &r);
			pirx_csvw_text(w, pirx_metric_name(m));
			pirx_csvw_text(w, sev_names[sev]);
			pirx_csvw_month(w, ctx->window_start);
			pirx_csvw_month(w, ctx->month);
			pirx_csvw_int(w, (int64_t)r.n);
			pirx_csvw_fixed(w, r.pct_change, 2);
			pirx_csvw_fixed(w, r.ci_low, 2);
			pirx_csvw_fixed(w, r.ci_high, 2);
			pirx_csvw_fixed(w, r.p_value, 4);
			pirx_csvw_text(w, pirx_verdict_name(r.verdict));
			pirx_csvw_fixed(w, r.mde_pct, 2);
			pirx_csvw_int(w, r.months);
			pirx_csvw_end_row(w);
		}
	}
	rc = pirx_csvw_close(w, err);
	w = NULL;
out:
	pirx_csvw_close(w, NULL);
	free(path);
	free(t);
	free(v);
	free(rec);
	return rc;
}
