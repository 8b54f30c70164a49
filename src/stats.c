/*
 * stats: GSL behind small functions on double arrays: order statistics,
 * the bootstrap interval of a median, a robust trend fit with honest
 * (cluster-robust) uncertainty, and the Kaplan-Meier estimator.
 *
 * Why the trend fit looks the way it does: incident durations are heavy
 * tailed and months differ from each other for reasons no model knows
 * (a bad week, a reorg). Fitting log durations with Huber's M-estimator
 * keeps a few huge outliers from steering the slope; estimating its
 * variance by leaving out one month at a time (cluster jackknife), and
 * testing with t on months - 1 degrees of freedom, makes the interval as
 * wide as the month-to-month noise really is. Counting every incident as
 * independent would call that noise a trend.
 */
#include "pirx/stats.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pirx/mem.h"
#include "pirx/sort.h"

struct pirx_rng {
	gsl_rng *g;
};

pirx_rng *pirx_rng_new(uint64_t seed)
{
	pirx_rng *r = pirx_xmalloc(sizeof(*r));

	r->g = gsl_rng_alloc(gsl_rng_mt19937);
	if (!r->g) {
		fprintf(stderr, "pirx: out of memory allocating a random stream\n");
		abort();
	}
	gsl_rng_set(r->g, (unsigned long)(seed ? seed : 1));
	return r;
}

void pirx_rng_free(pirx_rng *r)
{
	if (!r)
		return;
	gsl_rng_free(r->g);
	free(r);
}

double pirx_rng_uniform(pirx_rng *r)
{
	return gsl_rng_uniform(r->g);
}

unsigned long pirx_rng_below(pirx_rng *r, unsigned long n)
{
	return n ? gsl_rng_uniform_int(r->g, n) : 0;
}

double pirx_rng_beta(pirx_rng *r, double a, double b)
{
	return gsl_ran_beta(r->g, a, b);
}

/* A double's bits as an unsigned key that sorts in the same order:
 * negatives flipped whole, positives with the sign bit set. */
static uint64_t sort_key(double v)
{
	uint64_t u;

	memcpy(&u, &v, sizeof(u));
	return u >> 63 ? ~u : u | (UINT64_C(1) << 63);
}

/*
 * Ascending. Durations at 1M incidents are sorted in arrays of hundreds of
 * thousands (every month x metric x severity, then the bootstrap), where
 * GSL's heapsort was a third of the durations step; the keys above go
 * through sort.c's radix sort instead. Small arrays go to GSL.
 */
void pirx_stats_sort(double *x, size_t n)
{
	uint64_t *k;

	if (n < 512) {
		if (n > 1)
			gsl_sort(x, 1, n);
		return;
	}
	k = pirx_xmalloc(n * sizeof(*k));
	for (size_t i = 0; i < n; i++)
		k[i] = sort_key(x[i]);
	pirx_sort_u64(k, n);
	for (size_t i = 0; i < n; i++) {
		uint64_t u = k[i] >> 63 ? k[i] & ~(UINT64_C(1) << 63) : ~k[i];
		memcpy(&x[i], &u, sizeof(u));
	}
	free(k);
}

double pirx_stats_median_sorted(const double *sorted, size_t n)
{
	if (n == 0)
		return NAN;
	return gsl_stats_median_from_sorted_data(sorted, 1, n);
}

double pirx_stats_quantile_sorted(const double *sorted, size_t n, double q)
{
	if (n == 0)
		return NAN;
	return gsl_stats_quantile_from_sorted_data(sorted, 1, n, q);
}

double pirx_stats_mean(const double *x, size_t n)
{
	if (n == 0)
		return NAN;
	return gsl_stats_mean(x, 1, n);
}

double pirx_stats_mad_sorted(const double *sorted, size_t n, double *work)
{
	double med;

	if (n == 0)
		return NAN;
	med = pirx_stats_median_sorted(sorted, n);
	for (size_t i = 0; i < n; i++)
		work[i] = fabs(sorted[i] - med);
	pirx_stats_sort(work, n);
	return pirx_stats_median_sorted(work, n);
}

/* Maps a uniform order statistic to the sorted sample it selects. */
static double pick(const double *sorted, size_t n, double u)
{
	double k = ceil(u * (double)n) - 1.0;

	if (k < 0)
		k = 0;
	if (k > (double)(n - 1))
		k = (double)(n - 1);
	return sorted[(size_t)k];
}

static void swap_d(double *x, size_t i, size_t j)
{
	double t = x[i];

	x[i] = x[j];
	x[j] = t;
}

/*
 * Hoare's selection: puts the k-th smallest of x[lo..hi) at x[k], with
 * none larger before it and none smaller after. Three-way partitions
 * around a median of three, so ties cost nothing.
 */
static void select_kth(double *x, size_t lo, size_t hi, size_t k)
{
	while (hi - lo > 1) {
		double a = x[lo], b = x[lo + (hi - lo) / 2], c = x[hi - 1];
		double p = a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
		size_t lt = lo, i = lo, gt = hi;

		while (i < gt) {
			if (x[i] < p)
				swap_d(x, lt++, i++);
			else if (x[i] > p)
				swap_d(x, i, --gt);
			else
				i++;
		}
		if (k < lt)
			hi = lt;
		else if (k >= gt)
			lo = gt;
		else
			return;
	}
}

/*
 * Puts at k and k + 1 (when there) the values sorting would put there,
 * which is all a type-7 quantile at k reads. x[0..from) holds no value
 * larger than any of x[from..n); returns the same bound past the values
 * placed, for a later, larger k.
 */
static size_t place_quantile(double *x, size_t from, size_t n, size_t k)
{
	for (size_t want = k; want <= k + 1 && want < n; want++) {
		if (want < from)
			continue;
		select_kth(x, from, n, want);
		from = want + 1;
	}
	return from;
}

/* The position a type-7 quantile at q reads first, computed as GSL does. */
static size_t quantile_at(size_t n, double q)
{
	return (size_t)(int)(q * (double)(n - 1));
}

void pirx_stats_quantile_pair(double *x, size_t n, double q1, double q2, double *v1, double *v2)
{
	size_t from;

	if (n == 0) {
		*v1 = *v2 = NAN;
		return;
	}
	/* Only the four values the two quantiles read are put in place; the
	 * quantile then reads those and nothing else. */
	from = place_quantile(x, 0, n, quantile_at(n, q1));
	place_quantile(x, from, n, quantile_at(n, q2));
	*v1 = pirx_stats_quantile_sorted(x, n, q1);
	*v2 = pirx_stats_quantile_sorted(x, n, q2);
}

void pirx_stats_median_ci(const double *sorted, size_t n, int resamples,
			  pirx_rng *r, double *lo, double *hi)
{
	double *med;
	double kk;

	if (n == 0 || resamples < 1) {
		*lo = *hi = NAN;
		return;
	}
	med = pirx_xmalloc((size_t)resamples * sizeof(*med));
	/*
	 * A resample is n draws of uniform U mapped to sorted[ceil(nU) - 1];
	 * its k-th smallest value is the image of the k-th smallest of n
	 * uniforms, which is Beta(k, n - k + 1). For even n the (k+1)-th is
	 * the k-th plus the minimum of the n - k uniforms above it.
	 */
	kk = (double)((n + 1) / 2);
	for (int i = 0; i < resamples; i++) {
		double uk = pirx_rng_beta(r, kk, (double)n - kk + 1.0);
		if (n % 2) {
			med[i] = pick(sorted, n, uk);
		} else {
			double next = n - (size_t)kk > 0
				? uk + (1.0 - uk) * pirx_rng_beta(r, 1.0, (double)n - kk)
				: uk;
			med[i] = 0.5 * (pick(sorted, n, uk) + pick(sorted, n, next));
		}
	}
	pirx_stats_quantile_pair(med, (size_t)resamples, 0.025, 0.975, lo, hi);
	free(med);
}

/* Weighted least squares for y = a + b x with weights w. -1 if singular. */
static int wls(const double *x, const double *y, const double *w, size_t n,
	       double *a, double *b)
{
	double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0, det;

	for (size_t i = 0; i < n; i++) {
		sw += w[i];
		sx += w[i] * x[i];
		sy += w[i] * y[i];
		sxx += w[i] * x[i] * x[i];
		sxy += w[i] * x[i] * y[i];
	}
	det = sw * sxx - sx * sx;
	if (!(fabs(det) > 1e-12 * (sw * sxx + 1e-300)))
		return -1;
	*b = (sw * sxy - sx * sy) / det;
	*a = (sy - *b * sx) / sw;
	return 0;
}

/* Huber's tuning constant: 95% efficiency at the normal. */
#define HUBER_K 1.345

/*
 * Robust scale of residuals: MAD / 0.6745 (about the sd for normal
 * noise). When more than half the residuals are exactly 0 (a time to
 * detect that is mostly 0), the MAD is 0 and would make every other point
 * an outlier: fall back to the mean absolute residual scaled the same way.
 */
static double robust_scale(double *work, size_t n)
{
	double s, sum = 0;

	/* work holds the absolute residuals. Quickselect (rearranges work):
	 * O(n), where a sort per IRLS step was the cost. */
	s = gsl_stats_median(work, 1, n) / 0.6745;
	if (s > 1e-12)
		return s;
	for (size_t i = 0; i < n; i++)
		sum += work[i];
	s = sum / (double)n * 1.2533;
	return s > 1e-12 ? s : 1e-12;
}

/*
 * The observations a fit leaves out: those of one group, x[lo..hi), the
 * groups being contiguous (lo = hi: none). Each pass runs over the two
 * ranges around it, in order: the same sums as testing every observation's
 * group, without the test (a left-out observation added only zeros).
 */
struct cut {
	size_t lo, hi;
};

/*
 * One IRLS step at a fixed scale: the Huber weights of the residuals of
 * the current (*a, *b), then wls on them, fused into one pass with the
 * arithmetic of the two loops it replaces (bit for bit the same fit).
 */
static int huber_wls(const double *x, const double *y, size_t n, const struct cut *c,
		     double sc, double *a, double *b)
{
	const double a0 = *a, b0 = *b;
	double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0, det;

	for (int k = 0; k < 2; k++) {
		for (size_t i = k ? c->hi : 0; i < (k ? n : c->lo); i++) {
			double u = fabs(y[i] - a0 - b0 * x[i]) / sc;
			double wi = u <= HUBER_K ? 1.0 : HUBER_K / u;
			sw += wi;
			sx += wi * x[i];
			sy += wi * y[i];
			sxx += wi * x[i] * x[i];
			sxy += wi * x[i] * y[i];
		}
	}
	det = sw * sxx - sx * sx;
	if (!(fabs(det) > 1e-12 * (sw * sxx + 1e-300)))
		return -1;
	*b = (sw * sxy - sx * sy) / det;
	*a = (sy - *b * sx) / sw;
	return 0;
}

/*
 * Newton's method for the Huber fit at a fixed scale sc, over the
 * observations whose group is not `skip`: each step solves the normal
 * equations of the observations inside the Huber corner (|u| <= k) for the
 * step that zeroes the estimating equations sum psi(u_i) (1, x_i), which
 * is where IRLS converges too. The objective is piecewise quadratic, so
 * once the inside set stops changing one step lands on the solution: 2-4
 * passes where IRLS takes about 10 (the jackknife refits, 12 per series,
 * were most of the trends step). Stops on the IRLS criterion; returns 0,
 * or -1 when a step is singular or it has not converged in 30 steps (the
 * caller then runs IRLS from the start instead).
 */
static int huber_newton(const double *x, const double *y, size_t n, const struct cut *c,
			double sc, double *a, double *b)
{
	for (int iter = 0; iter < 30; iter++) {
		double s0 = 0, s1 = 0, s2 = 0, g0 = 0, g1 = 0, det, da, db;
		const double a0 = *a, b0 = *b;

		for (int k = 0; k < 2; k++) {
			for (size_t i = k ? c->hi : 0; i < (k ? n : c->lo); i++) {
				double u = (y[i] - a0 - b0 * x[i]) / sc, psi;
				if (fabs(u) <= HUBER_K) {
					psi = u;
					s0 += 1;
					s1 += x[i];
					s2 += x[i] * x[i];
				} else {
					psi = u > 0 ? HUBER_K : -HUBER_K;
				}
				g0 += psi;
				g1 += psi * x[i];
			}
		}
		det = s0 * s2 - s1 * s1;
		if (!(fabs(det) > 1e-12 * (s0 * s2 + 1e-300)))
			return -1;
		da = sc * (s2 * g0 - s1 * g1) / det;
		db = sc * (s0 * g1 - s1 * g0) / det;
		*a += da;
		*b += db;
		if (fabs(da) < 1e-10 * (1 + fabs(*a)) && fabs(db) < 1e-10 * (1 + fabs(*b)))
			return 0;
	}
	return -1;
}

/*
 * Huber IRLS for y = a + b x over the observations outside c. Starts from
 * *a, *b. When *s is 0 the scale is re-estimated from the residuals at
 * every iteration (and returned); otherwise it is held fixed. work holds
 * n doubles. Returns 0, or -1 when the design is singular.
 */
static int huber_irls(const double *x, const double *y, size_t n, const struct cut *c,
		      double *a, double *b, double *s, double *work)
{
	int fixed = *s > 0;

	if (fixed) {
		double na = *a, nb = *b;
		if (huber_newton(x, y, n, c, *s, &na, &nb) == 0) {
			*a = na;
			*b = nb;
			return 0;
		}
	}
	for (int iter = 0; iter < 200; iter++) {
		double pa = *a, pb = *b, sc;
		size_t m = 0;

		/* The absolute residuals are only needed for a new scale: with
		 * the scale held (a jackknife refit Newton could not finish)
		 * this pass is skipped. */
		if (!fixed)
			for (int k = 0; k < 2; k++)
				for (size_t i = k ? c->hi : 0; i < (k ? n : c->lo); i++)
					work[m++] = fabs(y[i] - *a - *b * x[i]);
		sc = fixed ? *s : robust_scale(work, m);
		/* One pass: weights and the sums of wls together, the same
		 * operations in the same order as a weights pass and wls. */
		if (huber_wls(x, y, n, c, sc, a, b) != 0)
			return -1;
		if (!fixed)
			*s = sc;
		if (fabs(*a - pa) < 1e-10 * (1 + fabs(*a)) && fabs(*b - pb) < 1e-10 * (1 + fabs(*b)))
			break;
	}
	return 0;
}

/* Group, then position: the order that makes each group contiguous and
 * keeps its observations in their order. */
static const int *sort_group;

static int cmp_by_group(const void *pa, const void *pb)
{
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;

	if (sort_group[a] != sort_group[b])
		return sort_group[a] < sort_group[b] ? -1 : 1;
	return (a > b) - (a < b);
}

int pirx_stats_trend(const double *x, const double *y, const int *group,
		     size_t n, struct pirx_trend_fit *fit)
{
	double *w = NULL, *work = NULL, *xc = NULL, *yc = NULL;
	int *gc = NULL;
	size_t *start = NULL;
	double a = 0, b = 0, s = 0, v = 0;
	int groups = 0, rc = -1, df;
	struct cut none = {n, n};

	memset(fit, 0, sizeof(*fit));
	fit->slope = fit->se = fit->ci_low = fit->ci_high = fit->p_value = fit->mde = NAN;
	fit->n = n;
	if (n < 3)
		return -1;
	/* The jackknife leaves out a group's observations as one range: put
	 * the groups in order when they are not (the report's months are). */
	for (size_t i = 1; i < n; i++) {
		if (group[i] < group[i - 1]) {
			size_t *idx = pirx_xmalloc(n * sizeof(*idx));
			for (size_t j = 0; j < n; j++)
				idx[j] = j;
			sort_group = group;
			qsort(idx, n, sizeof(*idx), cmp_by_group);
			xc = pirx_xmalloc(n * sizeof(*xc));
			yc = pirx_xmalloc(n * sizeof(*yc));
			gc = pirx_xmalloc(n * sizeof(*gc));
			for (size_t j = 0; j < n; j++) {
				xc[j] = x[idx[j]];
				yc[j] = y[idx[j]];
				gc[j] = group[idx[j]];
			}
			free(idx);
			x = xc;
			y = yc;
			group = gc;
			break;
		}
	}
	w = pirx_xmalloc(n * sizeof(*w));
	work = pirx_xmalloc(n * sizeof(*work));
	/* The groups, now in order: group g's observations are
	 * x[start[g]..start[g + 1]). */
	start = pirx_xmalloc((n + 1) * sizeof(*start));
	for (size_t i = 0; i < n; i++)
		if (i == 0 || group[i] != group[i - 1])
			start[groups++] = i;
	start[groups] = n;
	fit->groups = groups;
	if (groups < 3)
		goto out;

	for (size_t i = 0; i < n; i++)
		w[i] = 1.0;
	if (wls(x, y, w, n, &a, &b) != 0)
		goto out;
	if (huber_irls(x, y, n, &none, &a, &b, &s, work) != 0)
		goto out;

	/*
	 * Uncertainty: the delete-one-cluster jackknife (CV3 in MacKinnon,
	 * Nielsen and Webb, "Cluster-robust inference: a guide to empirical
	 * practice", 2023). Each month is left out in turn and the Huber fit
	 * redone (same scale, started from the full fit); the spread of those
	 * slopes around the full slope is the variance,
	 *   V = (G - 1) / G * sum_g (b_-g - b)^2.
	 * The CR1 sandwich this replaces understates the variance with a
	 * dozen clusters, worst for a regressor like time that changes between
	 * clusters (it said "trend" in about 8-9% of windows without one at a
	 * nominal 5%); CV3 does not, and it needs no derivative of psi.
	 */
	for (int g = 0; g < groups; g++) {
		double ag = a, bg = b, sg = s;
		struct cut c = {start[g], start[g + 1]};
		if (huber_irls(x, y, n, &c, &ag, &bg, &sg, work) != 0)
			goto out;
		v += (bg - b) * (bg - b);
	}
	v *= (double)(groups - 1) / (double)groups;
	if (!(v >= 0) || !isfinite(v))
		goto out;
	df = groups - 1;
	fit->slope = b;
	fit->se = sqrt(v);
	{
		double tc = gsl_cdf_tdist_Pinv(0.975, df);
		double tp = gsl_cdf_tdist_Pinv(0.80, df);
		fit->ci_low = b - tc * fit->se;
		fit->ci_high = b + tc * fit->se;
		fit->mde = (tc + tp) * fit->se;
		fit->p_value = fit->se > 0 ? 2.0 * gsl_cdf_tdist_Q(fabs(b) / fit->se, df) : (b == 0 ? 1.0 : 0.0);
	}
	rc = 0;
out:
	free(w);
	free(work);
	free(start);
	free(xc);
	free(yc);
	free(gc);
	return rc;
}

struct km_pt {
	double t;
	int done;
};

static int cmp_km(const void *pa, const void *pb)
{
	const struct km_pt *a = pa, *b = pb;

	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	/* Events before censorings at the same time (the usual convention). */
	return b->done - a->done;
}

size_t pirx_stats_km(const double *time, const int *done, size_t n,
		     double *t, double *surv)
{
	struct km_pt *p = pirx_xmalloc((n ? n : 1) * sizeof(*p));
	double s = 1.0;
	size_t at_risk = n, steps = 0, i = 0;

	for (size_t j = 0; j < n; j++) {
		p[j].t = time[j];
		p[j].done = done[j] != 0;
	}
	qsort(p, n, sizeof(*p), cmp_km);
	while (i < n) {
		size_t j = i, d = 0;
		while (j < n && p[j].t == p[i].t) {
			d += (size_t)p[j].done;
			j++;
		}
		if (d > 0) {
			s *= 1.0 - (double)d / (double)at_risk;
			t[steps] = p[i].t;
			surv[steps] = s;
			steps++;
		}
		at_risk -= j - i;
		i = j;
	}
	free(p);
	return steps;
}
