/*
 * Unit tests for stats: order statistics as SPEC section 3 defines them,
 * the exact-draw bootstrap of the median against its exact distribution
 * and against a brute-force bootstrap, and the robust trend fit.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pirx/stats.h"

/* Quantiles by selection equal the sorted data's, bit for bit: sizes
 * around the edges, ties, every pair of the quantiles the report uses. */
static void test_quantile_pair(void **state)
{
	static const size_t sizes[] = {1, 2, 3, 4, 5, 40, 41, 2000, 2001};
	static const double qs[][2] = {{0.025, 0.975}, {0.0, 1.0}, {0.5, 0.5}, {0.25, 0.75}, {0.9, 0.95}};
	uint64_t st = 88172645463325252u;

	(void)state;
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		for (int ties = 0; ties < 2; ties++) {
			size_t n = sizes[s];
			double *x = malloc(n * sizeof(*x)), *y = malloc(n * sizeof(*y));
			for (size_t i = 0; i < n; i++) {
				st ^= st << 13;
				st ^= st >> 7;
				st ^= st << 17;
				x[i] = ties ? (double)(st % 7) : (double)(st % 1000000) / 7.0;
			}
			memcpy(y, x, n * sizeof(*x));
			pirx_stats_sort(y, n);
			for (size_t q = 0; q < sizeof(qs) / sizeof(qs[0]); q++) {
				double a, b;
				pirx_stats_quantile_pair(x, n, qs[q][0], qs[q][1], &a, &b);
				assert_true(a == pirx_stats_quantile_sorted(y, n, qs[q][0]));
				assert_true(b == pirx_stats_quantile_sorted(y, n, qs[q][1]));
			}
			free(x);
			free(y);
		}
	}
}

static void test_order_statistics(void **state)
{
	double odd[] = {1, 2, 3, 4, 100};
	double even[] = {90, 120, 180, 210};
	double work[5];

	(void)state;
	assert_true(pirx_stats_median_sorted(odd, 5) == 3.0);
	assert_true(pirx_stats_median_sorted(even, 4) == 150.0);
	/* Type 7: h = (n - 1) q; 180 + 0.7 * 30. */
	assert_true(fabs(pirx_stats_quantile_sorted(even, 4, 0.9) - 201.0) < 1e-9);
	assert_true(pirx_stats_quantile_sorted(even, 4, 0.0) == 90.0);
	assert_true(pirx_stats_quantile_sorted(even, 4, 1.0) == 210.0);
	assert_true(fabs(pirx_stats_mean(even, 4) - 150.0) < 1e-12);
	assert_true(isnan(pirx_stats_median_sorted(even, 0)));
	assert_true(isnan(pirx_stats_quantile_sorted(even, 0, 0.5)));
	assert_true(isnan(pirx_stats_mean(even, 0)));
	/* |x - 3| = 2 1 0 1 97 -> median 1. */
	assert_true(pirx_stats_mad_sorted(odd, 5, work) == 1.0);
	{
		double x[] = {3, 1, 2};
		pirx_stats_sort(x, 3);
		assert_true(x[0] == 1 && x[1] == 2 && x[2] == 3);
	}
}

/*
 * Resampling 1..9 (n = 9): the resample median is at most j exactly when
 * at least 5 of 9 draws are <= j, so P(median <= j) = P(Bin(9, j/9) >= 5):
 * 0.0014 at j = 1, 0.0304 at j = 2, 0.9696 at j = 7, 0.9986 at j = 8.
 * The 2.5% point is 2 and the 97.5% point is 8, each more than 4 standard
 * errors of 20,000 resamples from a jump: a correct sampler gives [2, 8].
 */
static void test_median_ci_exact_odd(void **state)
{
	double x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
	pirx_rng *r = pirx_rng_new(3);
	double lo, hi;

	(void)state;
	pirx_stats_median_ci(x, 9, 20000, r, &lo, &hi);
	assert_true(lo == 2.0);
	assert_true(hi == 8.0);
	pirx_rng_free(r);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/*
 * Even n: the Beta draws (k-th order statistic, then the next one) must
 * give the same distribution as resampling and sorting. For this data the
 * exact distribution of the resample median (enumerated over all count
 * vectors) has P(<= 3) = 0.0192, P(<= 4) = 0.0474, P(<= 144) = 0.9733,
 * P(<= 160) = 0.9803: the interval is [4, 160]. Both the brute-force
 * bootstrap and the Beta draws must find it.
 */
static void test_median_ci_matches_brute_force(void **state)
{
	double x[10] = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512};
	const int big = 100000;
	double *med = malloc((size_t)big * sizeof(*med));
	pirx_rng *r = pirx_rng_new(11);
	double lo, hi, blo, bhi;

	(void)state;
	for (int i = 0; i < big; i++) {
		double s[10];
		for (int j = 0; j < 10; j++)
			s[j] = x[pirx_rng_below(r, 10)];
		qsort(s, 10, sizeof(s[0]), cmp_double);
		med[i] = 0.5 * (s[4] + s[5]);
	}
	qsort(med, (size_t)big, sizeof(*med), cmp_double);
	blo = pirx_stats_quantile_sorted(med, (size_t)big, 0.025);
	bhi = pirx_stats_quantile_sorted(med, (size_t)big, 0.975);
	pirx_stats_median_ci(x, 10, big, r, &lo, &hi);
	assert_true(blo == 4.0 && bhi == 160.0);
	assert_true(lo == 4.0 && hi == 160.0);
	free(med);
	pirx_rng_free(r);
}

static void test_median_ci_edges(void **state)
{
	double one[1] = {42};
	double two[2] = {2, 10};
	pirx_rng *r = pirx_rng_new(1);
	double lo, hi;

	(void)state;
	pirx_stats_median_ci(one, 1, 2000, r, &lo, &hi);
	assert_true(lo == 42 && hi == 42);
	/* Resample medians of {2, 10}: 2, 6, 10 with probabilities 1/4, 1/2, 1/4. */
	pirx_stats_median_ci(two, 2, 2000, r, &lo, &hi);
	assert_true(lo == 2 && hi == 10);
	pirx_stats_median_ci(one, 0, 2000, r, &lo, &hi);
	assert_true(isnan(lo) && isnan(hi));
	pirx_rng_free(r);
	/* The same seed gives the same interval. */
	{
		double x[7] = {1, 3, 3, 5, 9, 20, 50}, a, b, c, d;
		pirx_rng *r1 = pirx_rng_new(5), *r2 = pirx_rng_new(5);
		pirx_stats_median_ci(x, 7, 2000, r1, &a, &b);
		pirx_stats_median_ci(x, 7, 2000, r2, &c, &d);
		assert_true(a == c && b == d);
		pirx_rng_free(r1);
		pirx_rng_free(r2);
	}
}

static double normal(pirx_rng *r)
{
	double u = pirx_rng_uniform(r), v = pirx_rng_uniform(r);
	return sqrt(-2.0 * log(1.0 - u)) * cos(2.0 * M_PI * v);
}

static void test_trend_exact_line(void **state)
{
	double x[24], y[24];
	int g[24];
	struct pirx_trend_fit fit;

	(void)state;
	for (int i = 0; i < 24; i++) {
		x[i] = i * 0.5;
		y[i] = 2.0 - 0.25 * x[i];
		g[i] = i / 2;
	}
	assert_int_equal(pirx_stats_trend(x, y, g, 24, &fit), 0);
	assert_int_equal(fit.groups, 12);
	assert_true(fabs(fit.slope + 0.25) < 1e-9);
	assert_true(fit.se < 1e-9);
	assert_true(fit.ci_high < 0);
}

/* One wild point per month must not steer a robust slope. */
static void test_trend_robust_to_outliers(void **state)
{
	enum { N = 600 };
	double *x = malloc(N * sizeof(*x)), *y = malloc(N * sizeof(*y));
	int *g = malloc(N * sizeof(*g));
	pirx_rng *r = pirx_rng_new(2);
	struct pirx_trend_fit fit;

	(void)state;
	for (int i = 0; i < N; i++) {
		x[i] = 12.0 * i / N;
		g[i] = (int)x[i];
		y[i] = 1.0 + 0.1 * x[i] + 0.3 * normal(r);
		/* The last month's outliers are huge: least squares would tilt up. */
		if (i % 50 == 0)
			y[i] += g[i] >= 10 ? 40.0 : 5.0;
	}
	assert_int_equal(pirx_stats_trend(x, y, g, N, &fit), 0);
	assert_true(fabs(fit.slope - 0.1) < 0.02);
	assert_true(fit.ci_low < 0.1 && fit.ci_high > 0.1);
	assert_true(fit.p_value < 0.001);
	assert_true(fit.mde > 0 && fit.mde < 0.1);
	/* The jackknife refits (Newton steps) agree with the IRLS they
	 * replaced: these are IRLS's figures for this data. */
	assert_true(fabs(fit.slope / 0.097553003775903729 - 1) < 1e-9);
	assert_true(fabs(fit.se / 0.0042140499965850481 - 1) < 1e-7);
	/* Months in any order: the fit puts each month's observations
	 * together first, and gives the same figures. */
	for (int i = 0; i < N; i++) {
		int j = (int)((unsigned)i * 7919u % N);   /* 7919 is prime to N */
		double tx = x[i], ty = y[i];
		int tg = g[i];
		x[i] = x[j], y[i] = y[j], g[i] = g[j];
		x[j] = tx, y[j] = ty, g[j] = tg;
	}
	assert_int_equal(pirx_stats_trend(x, y, g, N, &fit), 0);
	assert_true(fabs(fit.slope / 0.097553003775903729 - 1) < 1e-9);
	assert_true(fabs(fit.se / 0.0042140499965850481 - 1) < 1e-7);
	free(x);
	free(y);
	free(g);
	pirx_rng_free(r);
}

/* Mostly zeros (a time to detect of 0): the MAD is 0 yet the fit stands. */
static void test_trend_mostly_zero(void **state)
{
	enum { N = 240 };
	double x[N], y[N];
	int g[N];
	pirx_rng *r = pirx_rng_new(4);
	struct pirx_trend_fit fit;

	(void)state;
	for (int i = 0; i < N; i++) {
		x[i] = 12.0 * i / N;
		g[i] = (int)x[i];
		y[i] = i % 3 == 0 ? 1.0 + 0.5 * normal(r) : 0.0;
	}
	assert_int_equal(pirx_stats_trend(x, y, g, N, &fit), 0);
	assert_true(isfinite(fit.slope) && isfinite(fit.se) && fit.se > 0);
	assert_true(fit.ci_low < 0 && fit.ci_high > 0);
	assert_true(fabs(fit.slope / 4.841329056617576e-06 - 1) < 1e-9);
	assert_true(fabs(fit.se / 2.9326181438820152e-05 - 1) < 1e-7);
	pirx_rng_free(r);
}

static void test_trend_too_few_groups(void **state)
{
	double x[] = {0, 0.5, 1, 1.5}, y[] = {1, 2, 3, 4};
	int g[] = {0, 0, 1, 1};
	struct pirx_trend_fit fit;

	(void)state;
	assert_int_equal(pirx_stats_trend(x, y, g, 4, &fit), -1);
	assert_true(isnan(fit.slope));
	assert_int_equal(pirx_stats_trend(x, y, g, 2, &fit), -1);
}

static void test_km(void **state)
{
	double t[] = {5, 1, 3, 3, 8}, st[5], sv[5];
	int done[] = {1, 1, 0, 1, 0};
	size_t k;

	(void)state;
	k = pirx_stats_km(t, done, 5, st, sv);
	/* 1: 5 at risk, 1 event -> 0.8; 3: 4 at risk, 1 event -> 0.6; 5: 2 at risk -> 0.3. */
	assert_int_equal(k, 3);
	assert_true(st[0] == 1 && fabs(sv[0] - 0.8) < 1e-12);
	assert_true(st[1] == 3 && fabs(sv[1] - 0.6) < 1e-12);
	assert_true(st[2] == 5 && fabs(sv[2] - 0.3) < 1e-12);
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* pirx_stats_sort agrees with qsort on either side of its radix-sort
 * threshold: negatives, zeros of both signs, repeats, infinities, tiny and
 * huge magnitudes, already sorted and reversed input. */
static void test_sort_matches_qsort(void **state)
{
	static const size_t sizes[] = {0, 1, 2, 511, 512, 513, 4096, 100000};
	pirx_rng *rng = pirx_rng_new(7);

	(void)state;
	for (size_t z = 0; z < sizeof(sizes) / sizeof(sizes[0]); z++) {
		for (int shape = 0; shape < 3; shape++) {
			size_t n = sizes[z];
			double *a = malloc((n + 1) * sizeof(*a)), *b = malloc((n + 1) * sizeof(*b));
			for (size_t i = 0; i < n; i++) {
				double u = pirx_rng_uniform(rng);
				switch (i % 9) {
				case 0: a[i] = -u * 1e6; break;
				case 1: a[i] = i % 2 ? 0.0 : -0.0; break;
				case 2: a[i] = floor(u * 10); break;          /* repeats */
				case 3: a[i] = u * 1e-310; break;              /* subnormal */
				case 4: a[i] = i % 18 == 4 ? INFINITY : -INFINITY; break;
				case 5: a[i] = u * 1e300; break;
				default: a[i] = u * 1440; break;
				}
			}
			if (shape > 0) {
				qsort(a, n, sizeof(*a), cmp_dbl);
				if (shape == 2)
					for (size_t i = 0; i < n / 2; i++) {
						double t = a[i];
						a[i] = a[n - 1 - i];
						a[n - 1 - i] = t;
					}
			}
			memcpy(b, a, n * sizeof(*a));
			pirx_stats_sort(a, n);
			qsort(b, n, sizeof(*b), cmp_dbl);
			for (size_t i = 0; i < n; i++)
				if (!(a[i] == b[i]))
					fail_msg("n %zu shape %d: at %zu %g, expected %g", n, shape, i, a[i], b[i]);
			free(a);
			free(b);
		}
	}
	pirx_rng_free(rng);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_statistics),
		cmocka_unit_test(test_quantile_pair),
		cmocka_unit_test(test_sort_matches_qsort),
		cmocka_unit_test(test_median_ci_exact_odd),
		cmocka_unit_test(test_median_ci_matches_brute_force),
		cmocka_unit_test(test_median_ci_edges),
		cmocka_unit_test(test_trend_exact_line),
		cmocka_unit_test(test_trend_robust_to_outliers),
		cmocka_unit_test(test_trend_mostly_zero),
		cmocka_unit_test(test_trend_too_few_groups),
		cmocka_unit_test(test_km),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
