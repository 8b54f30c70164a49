/*
 * trend: whether a duration is really getting better over the trailing
 * window (SPEC section 3, "Trends"): a robust fit of log(minutes + 1)
 * against time with month-clustered uncertainty, and a verdict.
 *
 * The report step pirx_trend_run (declared in report.h) writes trends.csv;
 * pirx_trend_series is the computation for one series, public so that its
 * calibration can be tested on simulated data.
 */
#ifndef PIRX_TREND_H
#define PIRX_TREND_H

#include <stddef.h>
#include <stdint.h>

/* Fewer durations or months with data than this: insufficient_data. */
#define PIRX_TREND_MIN_N 30
#define PIRX_TREND_MIN_MONTHS 6

enum pirx_verdict {
	PIRX_VERDICT_INSUFFICIENT,   /* insufficient_data */
	PIRX_VERDICT_NONE,           /* no_significant_change */
	PIRX_VERDICT_IMPROVING,      /* the whole interval below 0 */
	PIRX_VERDICT_WORSENING       /* the whole interval above 0 */
};

/* The verdict as trends.csv spells it. */
const char *pirx_verdict_name(enum pirx_verdict v);

/* One series' trend. Percentages are per month; NaN when insufficient. */
struct pirx_trend_result {
	size_t n;                 /* durations in the window */
	int months;               /* distinct months with at least one */
	enum pirx_verdict verdict;
	double pct_change;        /* 100 (exp(slope) - 1) */
	double ci_low, ci_high;   /* 95% interval, same transform */
	double p_value;           /* two-sided, H0: no change */
	double mde_pct;           /* smallest change detectable with 80% power */
};

/*
 * The trend of n durations: started_at[i] (Unix seconds UTC) and
 * minutes[i] (>= 0), all started at or after the first instant of month
 * index window_start. Fills *res; never fails (too little data gives
 * PIRX_VERDICT_INSUFFICIENT).
 */
void pirx_trend_series(const int64_t *started_at, const double *minutes, size_t n,
		       int window_start, struct pirx_trend_result *res);

#endif
