/*
 * stats: the statistics every analysis shares (GSL lives here and in the
 * numeric modules that need it). Inputs are plain double arrays owned by
 * the caller; nothing here allocates per call beyond what it says.
 */
#ifndef PIRX_STATS_H
#define PIRX_STATS_H

#include <stddef.h>
#include <stdint.h>

/* A seeded random stream (GSL's mt19937). */
typedef struct pirx_rng pirx_rng;

/* A new stream for seed; free with pirx_rng_free. */
pirx_rng *pirx_rng_new(uint64_t seed);
void pirx_rng_free(pirx_rng *r);
/* Uniform on [0, 1). */
double pirx_rng_uniform(pirx_rng *r);
/* Uniform integer in [0, n). */
unsigned long pirx_rng_below(pirx_rng *r, unsigned long n);
/* Beta(a, b) draw. */
double pirx_rng_beta(pirx_rng *r, double a, double b);

/* Sorts x[0..n) ascending. */
void pirx_stats_sort(double *x, size_t n);
/* Median of sorted data (mean of the middle two for even n); NaN if n = 0. */
double pirx_stats_median_sorted(const double *sorted, size_t n);
/* Type-7 quantile of sorted data (GSL's quantile_from_sorted_data); NaN if n = 0. */
double pirx_stats_quantile_sorted(const double *sorted, size_t n, double q);
/*
 * The type-7 quantiles at q1 <= q2 of x[0..n), which need not be sorted:
 * exactly what pirx_stats_quantile_sorted gives on the sorted data, found
 * by selection in linear time. Reorders x. NaN if n = 0.
 */
void pirx_stats_quantile_pair(double *x, size_t n, double q1, double q2, double *v1, double *v2);
/* Arithmetic mean; NaN if n = 0. */
double pirx_stats_mean(const double *x, size_t n);
/*
 * Median absolute deviation about the median of sorted data (raw, not
 * scaled by 1.4826). work must hold n doubles. NaN if n = 0.
 */
double pirx_stats_mad_sorted(const double *sorted, size_t n, double *work);

/*
 * 95% percentile-bootstrap interval of the median of sorted[0..n), from
 * `resamples` resamples drawn from r. Each resample's median is drawn
 * exactly from its sampling distribution (order statistics of a resample
 * of n uniform indexes, via Beta draws), which is the same distribution as
 * resampling n values and sorting them, at O(1) per resample instead of
 * O(n log n). Sets *lo and *hi (NaN when n = 0).
 */
void pirx_stats_median_ci(const double *sorted, size_t n, int resamples,
			  pirx_rng *r, double *lo, double *hi);

/* Result of a robust linear trend fit. */
struct pirx_trend_fit {
	size_t n;          /* observations used */
	int groups;        /* distinct clusters (months) */
	double slope;      /* per unit of x */
	double se;         /* cluster-jackknife standard error of the slope */
	double ci_low;     /* 95% interval of the slope */
	double ci_high;
	double p_value;    /* two-sided, H0: slope = 0 */
	double mde;        /* smallest |slope| detectable with 80% power at 5% */
};

/*
 * Fits y = a + b x with Huber's M-estimator (IRLS, k = 1.345, scale by
 * MAD), and estimates the slope's uncertainty with the delete-one-cluster
 * jackknife over the groups in group[] (e.g. the month of each
 * observation; CV3: each group left out in turn and the fit redone), using
 * a t distribution with groups - 1 degrees of freedom. Needs at least 3
 * groups and 3 observations; returns 0, or -1 when the data cannot support
 * a fit (fit is then zeroed, NaN values).
 */
int pirx_stats_trend(const double *x, const double *y, const int *group,
		     size_t n, struct pirx_trend_fit *fit);

/* Kaplan-Meier estimate over n subjects: time[i] and done[i] (1 = event,
 * 0 = censored). Fills the step function into caller arrays of capacity n:
 * t[k], surv[k] (after the drop at t[k]); returns the number of steps.
 * Times need not be sorted (they are sorted in a copy). */
size_t pirx_stats_km(const double *time, const int *done, size_t n,
		     double *t, double *surv);

#endif
