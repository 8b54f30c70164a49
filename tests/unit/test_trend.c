/*
 * Unit tests for trend: calibration of the verdict on simulated windows
 * (SPEC section 3: on data with no trend at most 1 window in 10 may say
 * improving or worsening), its power on a real 6%-a-month decline, the
 * insufficient_data rule, months counted past 255 incidents a month, and
 * trends.csv through the report step (shape and byte-identical reruns).
 *
 * The simulation is the hard case on purpose: log-normal durations
 * (median 120 min, log-sd 1), 5% of them multiplied by 20 (heavy tail),
 * and a random effect per month (log-sd 0.05 as `pirx gen` draws it, and
 * 0.25 for the hard case), so that months are not
 * independent collections of incidents. A method that counts incidents as
 * independent fails it: the test checks that too, so that the simulation
 * cannot silently become easy.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pirx/db.h"
#include "pirx/fsutil.h"
#include "pirx/mem.h"
#include "pirx/report.h"
#include "pirx/stats.h"
#include "pirx/timefmt.h"
#include "pirx/trend.h"

#define MEAN_MONTH_SEC (365.2425 * 86400.0 / 12.0)

static double normal(pirx_rng *r)
{
	double u = pirx_rng_uniform(r), v = pirx_rng_uniform(r);
	return sqrt(-2.0 * log(1.0 - u)) * cos(2.0 * M_PI * v);
}

static int poisson(pirx_rng *r, double mean)
{
	double l = exp(-mean), p = 1.0;
	int k = 0;

	do {
		k++;
		p *= pirx_rng_uniform(r);
	} while (p > l);
	return k - 1;
}

struct window {
	int64_t *t;
	double *min;
	size_t n;
};

/* One simulated window of `months` months starting at month index ws. */
static void simulate(pirx_rng *r, int ws, int months, double per_month, double pct,
		     double month_sd, double contamination, struct window *w)
{
	int64_t t0 = pirx_month_start(ws);

	w->n = 0;
	for (int m = 0; m < months; m++) {
		int64_t a = pirx_month_start(ws + m), b = pirx_month_start(ws + m + 1);
		double effect = month_sd * normal(r);
		int c = poisson(r, per_month);

		for (int i = 0; i < c; i++) {
			int64_t t = a + (int64_t)(pirx_rng_uniform(r) * (double)(b - a));
			double x = (double)(t - t0) / MEAN_MONTH_SEC;
			double v = exp(log(120.0) + x * log1p(pct / 100.0) + effect + normal(r));
			if (pirx_rng_uniform(r) < contamination)
				v *= 20.0;
			w->t = pirx_xreallocarray(w->t, w->n + 1, sizeof(*w->t));
			w->min = pirx_xreallocarray(w->min, w->n + 1, sizeof(*w->min));
			w->t[w->n] = t;
			w->min[w->n] = v;
			w->n++;
		}
	}
}

/*
 * The naive alternative: least squares on log(minutes + 1), every incident
 * independent, normal 95% interval. Returns 1 when it claims a trend.
 */
static int iid_says_trend(const struct window *w, int ws)
{
	double sx = 0, sy = 0, sxx = 0, sxy = 0, n = (double)w->n, b, a, rss = 0, se;
	int64_t t0 = pirx_month_start(ws);

	for (size_t i = 0; i < w->n; i++) {
		double x = (double)(w->t[i] - t0) / MEAN_MONTH_SEC, y = log1p(w->min[i]);
		sx += x;
		sy += y;
		sxx += x * x;
		sxy += x * y;
	}
	b = (n * sxy - sx * sy) / (n * sxx - sx * sx);
	a = (sy - b * sx) / n;
	for (size_t i = 0; i < w->n; i++) {
		double x = (double)(w->t[i] - t0) / MEAN_MONTH_SEC, e = log1p(w->min[i]) - a - b * x;
		rss += e * e;
	}
	se = sqrt(rss / (n - 2) / (sxx - sx * sx / n));
	return fabs(b / se) > 1.96;
}

struct tally {
	int improving, worsening, none, insufficient, iid;
};

static void run_windows(uint64_t seed, int count, double pct, double month_sd, struct tally *t)
{
	pirx_rng *r = pirx_rng_new(seed);
	struct window w = {NULL, NULL, 0};
	int ws;

	memset(t, 0, sizeof(*t));
	assert_int_equal(pirx_month_parse("2025-07", &ws), 0);
	for (int k = 0; k < count; k++) {
		struct pirx_trend_result res;
		simulate(r, ws, 12, 60.0, pct, month_sd, 0.05, &w);
		pirx_trend_series(w.t, w.min, w.n, ws, &res);
		switch (res.verdict) {
		case PIRX_VERDICT_IMPROVING:
			t->improving++;
			break;
		case PIRX_VERDICT_WORSENING:
			t->worsening++;
			break;
		case PIRX_VERDICT_NONE:
			t->none++;
			break;
		case PIRX_VERDICT_INSUFFICIENT:
			t->insufficient++;
			break;
		}
		t->iid += iid_says_trend(&w, ws);
	}
	free(w.t);
	free(w.min);
	pirx_rng_free(r);
}

/*
 * The bar of the calibration bench (20 windows, month wobble 0.05 as
 * `pirx gen` makes it), for a few seeds; then a sharper one on 200 windows
 * with a strong month effect (0.25), where counting incidents as
 * independent calls noise a trend in about a third of the windows.
 */
static void test_calibration_no_trend(void **state)
{
	struct tally t;

	(void)state;
	for (uint64_t seed = 1; seed <= 3; seed++) {
		run_windows(seed, 20, 0.0, 0.05, &t);
		print_message("no trend, seed %d: %d improving, %d worsening of 20\n",
			      (int)seed, t.improving, t.worsening);
		assert_true(t.improving + t.worsening <= 2);
		assert_int_equal(t.insufficient, 0);
	}
	run_windows(100, 200, 0.0, 0.25, &t);
	print_message("no trend, month effect 0.25, 200 windows: %d improving, %d worsening "
		      "(least squares with iid errors: %d)\n", t.improving, t.worsening, t.iid);
	/* Nominal 5%: 10 expected; 8% is the most an honest method reaches by chance. */
	assert_true(t.improving + t.worsening <= 16);
	/* Treating incidents as independent fails here: the month effect is real. */
	assert_true(t.iid >= 40);
}

static void test_power_six_percent(void **state)
{
	struct tally t;

	(void)state;
	for (uint64_t seed = 1; seed <= 3; seed++) {
		run_windows(1000 + seed, 20, -6.0, 0.05, &t);
		print_message("-6%%/month, seed %d: %d improving of 20\n", (int)seed, t.improving);
		assert_true(t.improving >= 18);
		assert_int_equal(t.worsening, 0);
	}
	/* Worsening is found as well as improving. */
	run_windows(2000, 20, 6.0, 0.05, &t);
	assert_true(t.worsening >= 18);
	assert_int_equal(t.improving, 0);
	/* With a strong month effect the interval widens: less power, not more noise. */
	run_windows(3000, 20, -6.0, 0.25, &t);
	print_message("-6%%/month, month effect 0.25: %d improving of 20\n", t.improving);
	assert_true(t.improving >= 8);
	assert_int_equal(t.worsening, 0);
}

static void test_result_fields(void **state)
{
	pirx_rng *r = pirx_rng_new(9);
	struct window w = {NULL, NULL, 0};
	struct pirx_trend_result res;
	int ws;

	(void)state;
	assert_int_equal(pirx_month_parse("2025-07", &ws), 0);
	simulate(r, ws, 12, 60.0, -6.0, 0.0, 0.0, &w);
	pirx_trend_series(w.t, w.min, w.n, ws, &res);
	assert_int_equal(res.verdict, PIRX_VERDICT_IMPROVING);
	assert_int_equal(res.months, 12);
	assert_int_equal(res.n, w.n);
	/* Percent per month: the truth is -6. */
	assert_true(res.pct_change > -9 && res.pct_change < -3);
	assert_true(res.ci_low < res.pct_change && res.pct_change < res.ci_high && res.ci_high < 0);
	assert_true(res.p_value >= 0 && res.p_value < 0.01);
	assert_true(res.mde_pct > 0 && res.mde_pct < 6);
	assert_string_equal(pirx_verdict_name(res.verdict), "improving");
	assert_string_equal(pirx_verdict_name(PIRX_VERDICT_NONE), "no_significant_change");
	assert_string_equal(pirx_verdict_name(PIRX_VERDICT_WORSENING), "worsening");
	assert_string_equal(pirx_verdict_name(PIRX_VERDICT_INSUFFICIENT), "insufficient_data");
	free(w.t);
	free(w.min);
	pirx_rng_free(r);
}

/* Fewer than 30 durations or 6 months: insufficient_data, numbers NaN. */
static void test_insufficient(void **state)
{
	int64_t t[40];
	double v[40];
	struct pirx_trend_result res;
	int ws;

	(void)state;
	assert_int_equal(pirx_month_parse("2025-07", &ws), 0);
	/* 30 durations over 6 months: enough. */
	for (int i = 0; i < 30; i++) {
		t[i] = pirx_month_start(ws + i % 6) + 86400 * (1 + i);
		v[i] = 60.0 + 13.0 * (i % 7) + 5.0 * (i % 4);
	}
	pirx_trend_series(t, v, 30, ws, &res);
	assert_int_not_equal(res.verdict, PIRX_VERDICT_INSUFFICIENT);
	assert_int_equal(res.months, 6);
	assert_true(isfinite(res.pct_change));
	/* 29 durations. */
	pirx_trend_series(t, v, 29, ws, &res);
	assert_int_equal(res.verdict, PIRX_VERDICT_INSUFFICIENT);
	assert_true(isnan(res.pct_change) && isnan(res.p_value) && isnan(res.mde_pct));
	/* 40 durations over 5 months. */
	for (int i = 0; i < 40; i++)
		t[i] = pirx_month_start(ws + i % 5) + 3600 * (1 + i);
	pirx_trend_series(t, v, 30, ws, &res);
	assert_int_equal(res.verdict, PIRX_VERDICT_INSUFFICIENT);
	assert_int_equal(res.months, 5);
	pirx_trend_series(t, v, 0, ws, &res);
	assert_int_equal(res.verdict, PIRX_VERDICT_INSUFFICIENT);
	assert_int_equal(res.n, 0);
	/* Enough durations, but all the same (time to detect always 0): there
	 * is nothing to fit, which is not the same as no change. */
	for (int i = 0; i < 40; i++) {
		t[i] = pirx_month_start(ws + i % 8) + 3600 * (1 + i);
		v[i] = 0.0;
	}
	pirx_trend_series(t, v, 40, ws, &res);
	assert_int_equal(res.verdict, PIRX_VERDICT_INSUFFICIENT);
	assert_true(isnan(res.pct_change));
}

/* Months with data are counted right past 255 incidents in a month. */
static void test_many_per_month(void **state)
{
	pirx_rng *r = pirx_rng_new(5);
	struct window w = {NULL, NULL, 0};
	struct pirx_trend_result res;
	int ws;

	(void)state;
	assert_int_equal(pirx_month_parse("2025-07", &ws), 0);
	simulate(r, ws, 12, 400.0, 0.0, 0.05, 0.05, &w);
	pirx_trend_series(w.t, w.min, w.n, ws, &res);
	assert_int_equal(res.months, 12);
	free(w.t);
	free(w.min);
	pirx_rng_free(r);
}

/* trends.csv from a database: 24 rows in order, identical on a rerun. */
static void test_trends_csv(void **state)
{
	char tmpl[] = "/tmp/pirx-test-trend-XXXXXX";
	char *dir = mkdtemp(tmpl);
	char *path, *o1, *o2, *c1, *c2;
	struct pirx_err err;
	pirx_db *db = NULL;
	pirx_stmt *st = NULL;
	pirx_rng *r = pirx_rng_new(21);
	struct window w = {NULL, NULL, 0};
	struct pirx_report_ctx ctx;
	char *text[2];

	(void)state;
	assert_non_null(dir);
	pirx_err_clear(&err);
	path = pirx_fs_join(dir, "t.db");
	assert_int_equal(pirx_db_open(path, PIRX_DB_CREATE, &db, &err), 0);
	assert_int_equal(pirx_db_run_script(db, "schema", &err), 0);
	assert_int_equal(pirx_db_prepare_sql(db,
		"INSERT INTO incidents (id, severity, started_at, detected_at, resolved_at, source_line)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6)", &st, &err), 0);
	memset(&ctx, 0, sizeof(ctx));
	assert_int_equal(pirx_month_parse("2025-01", &ctx.first_month), 0);
	assert_int_equal(pirx_month_parse("2025-12", &ctx.month), 0);
	ctx.window = 12;
	ctx.window_start = ctx.month - 11;
	ctx.as_of = pirx_month_start(ctx.month + 1);
	ctx.seed = 1;
	ctx.db = db;
	simulate(r, ctx.window_start, 12, 40.0, -6.0, 0.05, 0.05, &w);
	assert_int_equal(pirx_db_begin(db, &err), 0);
	for (size_t i = 0; i < w.n; i++) {
		char id[32];
		snprintf(id, sizeof(id), "S%05zu", i);
		pirx_stmt_bind_text(st, 1, id, -1);
		/* SEV1 gets 1 in 40 incidents: too few for a trend. */
		pirx_stmt_bind_int64(st, 2, i % 40 == 0 ? 1 : 3);
		pirx_stmt_bind_int64(st, 3, w.t[i]);
		pirx_stmt_bind_int64(st, 4, w.t[i] + (int64_t)(w.min[i] * 0.05 * 60.0));
		pirx_stmt_bind_int64(st, 5, w.t[i] + (int64_t)(w.min[i] * 60.0));
		pirx_stmt_bind_int64(st, 6, (int64_t)i + 2);
		assert_int_equal(pirx_stmt_step(st, &err), 0);
		pirx_stmt_reset(st);
	}
	assert_int_equal(pirx_db_commit(db, &err), 0);
	pirx_stmt_finalize(st);

	o1 = pirx_fs_join(dir, "o1");
	o2 = pirx_fs_join(dir, "o2");
	for (int k = 0; k < 2; k++) {
		char *out = k ? o2 : o1;
		assert_int_equal(pirx_fs_mkdir_p(out, &err), 0);
		ctx.dir = out;
		ctx.charts_dir = out;
		if (pirx_trend_run(&ctx, &err) != 0)
			fail_msg("trend step failed: %s", err.msg);
		c1 = pirx_fs_join(out, "trends.csv");
		{
			FILE *fp = fopen(c1, "rb");
			long n;
			assert_non_null(fp);
			fseek(fp, 0, SEEK_END);
			n = ftell(fp);
			fseek(fp, 0, SEEK_SET);
			text[k] = pirx_xmalloc((size_t)n + 1);
			assert_int_equal(fread(text[k], 1, (size_t)n, fp), (size_t)n);
			text[k][n] = '\0';
			fclose(fp);
		}
		free(c1);
	}
	assert_string_equal(text[0], text[1]);
	c1 = text[0];
	assert_true(strncmp(c1, "metric,severity,window_start,window_end,n,pct_change_per_month,"
			    "ci95_low,ci95_high,p_value,verdict,mde_pct_per_month,months_with_data\n",
			    133) == 0);
	{
		size_t lines = 0;
		for (c2 = c1; *c2; c2++)
			lines += *c2 == '\n';
		assert_int_equal(lines, 25);
	}
	/* Order and content: ttd first, severities all then SEV1..SEV5. */
	c2 = strchr(c1, '\n') + 1;
	assert_true(strncmp(c2, "ttd,all,2025-01,2025-12,", 24) == 0);
	assert_non_null(strstr(c1, "\nttd,SEV1,2025-01,2025-12,"));
	assert_non_null(strstr(c1, ",,,,,insufficient_data,,"));
	/* SEV2: no incidents at all, still a row. */
	assert_non_null(strstr(c1, "\nttr,SEV2,2025-01,2025-12,0,,,,,insufficient_data,,0\n"));
	assert_non_null(strstr(c1, "\nttm,SEV5,2025-01,2025-12,0,,,,,insufficient_data,,0\n"));
	{
		char *ttr = strstr(c1, "\nttr,all,");
		char verdict[64];
		double pct, lo, hi, p, mde;
		int n, months;
		assert_non_null(ttr);
		assert_int_equal(sscanf(ttr, "\nttr,all,2025-01,2025-12,%d,%lf,%lf,%lf,%lf,%63[a-z_],%lf,%d",
					&n, &pct, &lo, &hi, &p, verdict, &mde, &months), 8);
		assert_int_equal((size_t)n, w.n);
		assert_string_equal(verdict, "improving");
		assert_int_equal(months, 12);
		assert_true(lo < pct && pct < hi && hi < 0);
	}
	free(text[0]);
	free(text[1]);
	free(o1);
	free(o2);
	free(path);
	free(w.t);
	free(w.min);
	pirx_rng_free(r);
	pirx_db_close(db);
	pirx_fs_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_calibration_no_trend),
		cmocka_unit_test(test_power_six_percent),
		cmocka_unit_test(test_result_fields),
		cmocka_unit_test(test_insufficient),
		cmocka_unit_test(test_many_per_month),
		cmocka_unit_test(test_trends_csv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
