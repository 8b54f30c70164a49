/*
 * Unit tests for durations: the duration rule of SPEC section 3, a
 * hand-computed golden corpus (10 incidents over 3 months: times out of
 * order, missing ends, ends at and after the as-of instant, an incident
 * after it, unknown severity, even-sized groups, rows inserted out of
 * start order), bootstrap seeding per group, byte-identical reruns, and
 * the charts' data.
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
#include "pirx/durations.h"
#include "pirx/fsutil.h"
#include "pirx/mem.h"
#include "pirx/report.h"
#include "pirx/timefmt.h"

static int64_t when(const char *s)
{
	int64_t t;
	const char *why = NULL;

	if (!s)
		return -1;
	if (pirx_time_parse(s, strlen(s), &t, &why) != 0)
		fail_msg("cannot parse '%s': %s", s, why);
	return t;
}

struct inc {
	const char *id;
	int severity;   /* 0 unknown */
	const char *started, *detected, *acknowledged, *mitigated, *resolved;
};

/*
 * The golden corpus; report month 2026-03, as-of 2026-04-01T00:00:00Z.
 * Listed (and inserted) out of start order on purpose.
 */
static const struct inc golden[] = {
	/* March. H: mitigated exactly at as-of and resolved after it: neither counts. */
	{"H", 1, "2026-03-31T20:00:00Z", "2026-03-31T20:10:00Z", "2026-03-31T20:15:00Z",
	 "2026-04-01T00:00:00Z", "2026-04-01T02:00:00Z"},
	{"I", 2, "2026-03-15T06:00:00Z", "2026-03-15T06:03:00Z", "2026-03-15T06:04:00Z",
	 "2026-03-15T06:34:00Z", "2026-03-15T07:00:00Z"},
	/* After as-of: counted nowhere. */
	{"J", 2, "2026-04-02T00:00:00Z", "2026-04-02T00:05:00Z", NULL, NULL, NULL},
	/* January. */
	{"B", 2, "2026-01-10T08:00:00Z", "2026-01-10T08:02:00Z", "2026-01-10T08:03:00Z",
	 "2026-01-10T09:00:00Z", "2026-01-10T11:30:00Z"},
	{"A", 1, "2026-01-05T10:00:00Z", "2026-01-05T10:06:00Z", "2026-01-05T10:10:00Z",
	 "2026-01-05T10:40:00Z", "2026-01-05T12:00:00Z"},
	/* C: no acknowledgement (tta unknown); crosses midnight. */
	{"C", 2, "2026-01-20T23:50:00Z", "2026-01-21T00:00:00Z", NULL,
	 "2026-01-21T00:20:00Z", "2026-01-21T01:20:00Z"},
	/* D: unknown severity (in `all` only), ttd 0, resolved in February. */
	{"D", 0, "2026-01-31T23:00:00Z", "2026-01-31T23:00:00Z", "2026-01-31T23:05:00Z",
	 "2026-01-31T23:45:00Z", "2026-02-01T02:00:00Z"},
	/* February. E: resolved before it started: its ttr is left out. */
	{"E", 3, "2026-02-10T12:00:00Z", "2026-02-10T12:30:00Z", "2026-02-10T12:45:00Z",
	 "2026-02-10T13:00:00Z", "2026-02-10T11:00:00Z"},
	{"F", 3, "2026-02-14T09:00:00Z", "2026-02-14T09:05:00Z", "2026-02-14T09:15:00Z",
	 "2026-02-14T10:00:00Z", "2026-02-16T09:00:00Z"},
	/* G: still open. */
	{"G", 4, "2026-02-28T20:00:00Z", "2026-02-28T20:01:00Z", "2026-02-28T20:03:00Z",
	 "2026-02-28T21:00:00Z", NULL},
};

static const char golden_incidents[] =
	"month,severity,incidents\n"
	"2026-01,all,4\n"
	"2026-01,SEV1,1\n"
	"2026-01,SEV2,2\n"
	"2026-02,all,3\n"
	"2026-02,SEV3,2\n"
	"2026-02,SEV4,1\n"
	"2026-03,all,2\n"
	"2026-03,SEV1,1\n"
	"2026-03,SEV2,1\n";

/*
 * month, metric, severity, n, median, p90 (type 7), mean: worked by hand.
 * E.g. 2026-01 ttr all: 90 120 180 210 -> median (120+180)/2 = 150,
 * p90 at h = 3 * 0.9 = 2.7: 180 + 0.7 * 30 = 201, mean 600 / 4 = 150.
 */
static const char *const golden_durations[] = {
	"2026-01,ttd,all,4,4.00,8.80,4.50",
	"2026-01,ttd,SEV1,1,6.00,6.00,6.00",
	"2026-01,ttd,SEV2,2,6.00,9.20,6.00",
	"2026-01,tta,all,3,4.00,4.80,3.33",
	"2026-01,tta,SEV1,1,4.00,4.00,4.00",
	"2026-01,tta,SEV2,1,1.00,1.00,1.00",
	"2026-01,ttm,all,4,42.50,55.50,43.75",
	"2026-01,ttm,SEV1,1,40.00,40.00,40.00",
	"2026-01,ttm,SEV2,2,45.00,57.00,45.00",
	"2026-01,ttr,all,4,150.00,201.00,150.00",
	"2026-01,ttr,SEV1,1,120.00,120.00,120.00",
	"2026-01,ttr,SEV2,2,150.00,198.00,150.00",
	"2026-02,ttd,all,3,5.00,25.00,12.00",
	"2026-02,ttd,SEV3,2,17.50,27.50,17.50",
	"2026-02,ttd,SEV4,1,1.00,1.00,1.00",
	"2026-02,tta,all,3,10.00,14.00,9.00",
	"2026-02,tta,SEV3,2,12.50,14.50,12.50",
	"2026-02,tta,SEV4,1,2.00,2.00,2.00",
	"2026-02,ttm,all,3,60.00,60.00,60.00",
	"2026-02,ttm,SEV3,2,60.00,60.00,60.00",
	"2026-02,ttm,SEV4,1,60.00,60.00,60.00",
	"2026-02,ttr,all,1,2880.00,2880.00,2880.00",
	"2026-02,ttr,SEV3,1,2880.00,2880.00,2880.00",
	"2026-03,ttd,all,2,6.50,9.30,6.50",
	"2026-03,ttd,SEV1,1,10.00,10.00,10.00",
	"2026-03,ttd,SEV2,1,3.00,3.00,3.00",
	"2026-03,tta,all,2,3.00,4.60,3.00",
	"2026-03,tta,SEV1,1,5.00,5.00,5.00",
	"2026-03,tta,SEV2,1,1.00,1.00,1.00",
	"2026-03,ttm,all,1,34.00,34.00,34.00",
	"2026-03,ttm,SEV2,1,34.00,34.00,34.00",
	"2026-03,ttr,all,1,60.00,60.00,60.00",
	"2026-03,ttr,SEV2,1,60.00,60.00,60.00",
};

static char *tmpdir(void)
{
	char tmpl[] = "/tmp/pirx-test-durations-XXXXXX";
	char *d = mkdtemp(tmpl);

	assert_non_null(d);
	return pirx_xstrdup(d);
}

static void bind_time(pirx_stmt *st, int idx, const char *s)
{
	if (s)
		pirx_stmt_bind_int64(st, idx, when(s));
	else
		pirx_stmt_bind_null(st, idx);
}

/* A database at dir/NAME holding incs[0..n), skipping those whose id is in skip. */
static pirx_db *make_db(const char *dir, const char *name, const struct inc *incs, size_t n,
			const char *skip)
{
	struct pirx_err err;
	pirx_db *db = NULL;
	pirx_stmt *st = NULL;
	char *path = pirx_fs_join(dir, name);

	pirx_err_clear(&err);
	assert_int_equal(pirx_db_open(path, PIRX_DB_CREATE, &db, &err), 0);
	assert_int_equal(pirx_db_run_script(db, "schema", &err), 0);
	assert_int_equal(pirx_db_prepare_sql(db,
		"INSERT INTO incidents (id, severity, started_at, detected_at, acknowledged_at,"
		" mitigated_at, resolved_at, source_line) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
		&st, &err), 0);
	for (size_t i = 0; i < n; i++) {
		if (skip && strstr(skip, incs[i].id))
			continue;
		pirx_stmt_bind_text(st, 1, incs[i].id, -1);
		if (incs[i].severity)
			pirx_stmt_bind_int64(st, 2, incs[i].severity);
		else
			pirx_stmt_bind_null(st, 2);
		bind_time(st, 3, incs[i].started);
		bind_time(st, 4, incs[i].detected);
		bind_time(st, 5, incs[i].acknowledged);
		bind_time(st, 6, incs[i].mitigated);
		bind_time(st, 7, incs[i].resolved);
		pirx_stmt_bind_int64(st, 8, (int64_t)i + 2);
		assert_int_equal(pirx_stmt_step(st, &err), 0);
		pirx_stmt_reset(st);
	}
	pirx_stmt_finalize(st);
	free(path);
	return db;
}

/* Runs the durations step for report month `month` into dir/sub. */
static char *run_step(pirx_db *db, const char *dir, const char *sub, const char *month,
		      const char *first, uint64_t seed)
{
	struct pirx_report_ctx ctx;
	struct pirx_err err;
	char *out = pirx_fs_join(dir, sub);
	char *charts = pirx_fs_join(out, "charts");

	pirx_err_clear(&err);
	memset(&ctx, 0, sizeof(ctx));
	assert_int_equal(pirx_fs_mkdir_p(charts, &err), 0);
	ctx.db = db;
	ctx.dir = out;
	ctx.charts_dir = charts;
	assert_int_equal(pirx_month_parse(month, &ctx.month), 0);
	assert_int_equal(pirx_month_parse(first, &ctx.first_month), 0);
	ctx.window = 12;
	ctx.window_start = ctx.month - 11;
	ctx.as_of = pirx_month_start(ctx.month + 1);
	ctx.seed = seed;
	if (pirx_durations_run(&ctx, &err) != 0)
		fail_msg("durations step failed: %s", err.msg);
	free(charts);
	return out;
}

static char *slurp(const char *dir, const char *name)
{
	char *path = pirx_fs_join(dir, name);
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	if (!fp)
		fail_msg("missing %s", path);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	buf = pirx_xmalloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	free(path);
	return buf;
}

/* The line of text that starts with prefix (a month,metric,severity key), or NULL. */
static char *find_line(char *text, const char *prefix)
{
	size_t k = strlen(prefix);

	for (char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (strncmp(p, prefix, k) == 0)
			return p;
	return NULL;
}

static void test_duration_rule(void **state)
{
	int64_t as_of = when("2026-04-01T00:00:00Z");
	int64_t t0 = when("2026-03-31T23:00:00Z");

	(void)state;
	assert_true(pirx_duration_minutes(1, t0, 1, t0 + 90, as_of) == 1.5);
	assert_true(pirx_duration_minutes(1, t0, 1, t0, as_of) == 0.0);
	assert_true(isnan(pirx_duration_minutes(1, t0, 1, t0 - 1, as_of)));   /* negative */
	assert_true(isnan(pirx_duration_minutes(0, t0, 1, t0 + 60, as_of)));  /* no start */
	assert_true(isnan(pirx_duration_minutes(1, t0, 0, t0 + 60, as_of)));  /* no end */
	assert_true(isnan(pirx_duration_minutes(1, t0, 1, as_of, as_of)));    /* at as-of */
	assert_true(pirx_duration_minutes(1, t0, 1, as_of - 1, as_of) == 3599.0 / 60.0);
	assert_string_equal(pirx_metric_name(PIRX_TTD), "ttd");
	assert_string_equal(pirx_metric_name(PIRX_TTR), "ttr");
	assert_null(pirx_metric_name(PIRX_NMETRICS));
}

static void test_golden(void **state)
{
	char *dir = tmpdir();
	pirx_db *db = make_db(dir, "g.db", golden, sizeof(golden) / sizeof(golden[0]), NULL);
	char *out = run_step(db, dir, "out", "2026-03", "2026-01", 1);
	char *inc = slurp(out, "incidents_monthly.csv");
	char *dur = slurp(out, "durations_monthly.csv");
	size_t ngold = sizeof(golden_durations) / sizeof(golden_durations[0]);
	size_t lines = 0;
	char *p;

	(void)state;
	assert_string_equal(inc, golden_incidents);
	assert_true(strncmp(dur, "month,metric,severity,n,median_min,p90_min,mean_min,"
			    "ci95_low_min,ci95_high_min\n", 79) == 0);
	for (p = dur; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, ngold + 1);
	/* Rows in order, each with its hand-computed statistics. */
	p = strchr(dur, '\n') + 1;
	for (size_t i = 0; i < ngold; i++) {
		const char *g = golden_durations[i];
		size_t k = strlen(g);
		double lo, hi, med, p90;
		int cells;
		char *end = strchr(p, '\n');

		assert_non_null(end);
		if (strncmp(p, g, k) != 0 || p[k] != ',')
			fail_msg("row %zu: want %s, got %.*s", i + 1, g, (int)(end - p), p);
		cells = sscanf(p + k + 1, "%lf,%lf", &lo, &hi);
		assert_int_equal(cells, 2);
		/* The interval of the median lies within the data and is ordered. */
		{
			const char *c = g;
			for (int f = 0; f < 4; f++)
				c = strchr(c, ',') + 1;
			sscanf(c, "%lf,%lf", &med, &p90);
		}
		assert_true(lo <= hi);
		assert_true(lo >= 0);
		/* One value (or all values equal): the interval is that value. */
		if (strstr(g, ",1,") || med == p90) {
			assert_true(fabs(lo - med) < 1e-9);
			assert_true(fabs(hi - med) < 1e-9);
		}
		p = end + 1;
	}
	/* Two values 2 and 10 (2026-01 ttd SEV2): resampled medians are 2, 6 or 10. */
	{
		char *l = find_line(dur, "2026-01,ttd,SEV2,");
		double lo, hi;
		assert_non_null(l);
		assert_int_equal(sscanf(l, "2026-01,ttd,SEV2,2,6.00,9.20,6.00,%lf,%lf", &lo, &hi), 2);
		assert_true(lo == 2.0 && hi == 10.0);
	}
	free(inc);
	free(dur);
	free(out);
	pirx_db_close(db);
	pirx_fs_rmtree(dir);
	free(dir);
}

/* A larger corpus for the bootstrap tests: n per month with spread durations. */
static pirx_db *random_db(const char *dir, const char *name, int drop_january)
{
	struct inc *incs = pirx_xcalloc(300, sizeof(*incs));
	char (*times)[2][32] = pirx_xcalloc(300, sizeof(*times));
	char (*ids)[16] = pirx_xcalloc(300, sizeof(*ids));
	uint64_t x;
	size_t n = 0;
	pirx_db *db;

	for (int m = 0; m < 3; m++) {
		if (m == 0 && drop_january)
			continue;
		for (int i = 0; i < 100; i++) {
			int64_t s = when("2026-01-01T00:00:00Z") + (int64_t)m * 31 * 86400 + i * 7000;
			int64_t d;
			/* A hash of (m, i): the same incident in both databases. */
			x = ((uint64_t)m * 1000 + (uint64_t)i + 1) * 0x9e3779b97f4a7c15ULL;
			x ^= x >> 29;
			d = 60 + (int64_t)((x >> 13) % 20000);
			snprintf(ids[n], sizeof(ids[n]), "R%d-%d", m, i);
			pirx_time_format(s, times[n][0]);
			pirx_time_format(s + d, times[n][1]);
			incs[n].id = ids[n];
			incs[n].severity = 1 + i % 5;
			incs[n].started = times[n][0];
			incs[n].detected = times[n][1];
			incs[n].resolved = times[n][1];
			n++;
		}
	}
	db = make_db(dir, name, incs, n, NULL);
	free(incs);
	free(times);
	free(ids);
	return db;
}

/* Rows of text from the first line starting with `from` to the end. */
static const char *from_line(const char *text, const char *from)
{
	const char *p = strstr(text, from);

	assert_non_null(p);
	return p;
}

static void test_bootstrap_seeding(void **state)
{
	char *dir = tmpdir();
	pirx_db *all = random_db(dir, "all.db", 0);
	pirx_db *later = random_db(dir, "later.db", 1);
	char *o1 = run_step(all, dir, "o1", "2026-03", "2026-01", 7);
	char *o2 = run_step(all, dir, "o2", "2026-03", "2026-01", 7);
	char *o3 = run_step(later, dir, "o3", "2026-03", "2026-02", 7);
	char *o4 = run_step(all, dir, "o4", "2026-03", "2026-01", 8);
	char *d1 = slurp(o1, "durations_monthly.csv");
	char *d2 = slurp(o2, "durations_monthly.csv");
	char *d3 = slurp(o3, "durations_monthly.csv");
	char *d4 = slurp(o4, "durations_monthly.csv");
	char *i1 = slurp(o1, "incidents_monthly.csv");
	char *i2 = slurp(o2, "incidents_monthly.csv");

	(void)state;
	/* Same seed: byte-identical files. */
	assert_string_equal(d1, d2);
	assert_string_equal(i1, i2);
	/* A group's interval depends on its own data and the seed only, not on
	 * which groups were computed before it. */
	assert_string_equal(from_line(d1, "2026-02,"), from_line(d3, "2026-02,"));
	/* Another seed moves some interval. */
	assert_string_not_equal(d1, d4);
	/* Different groups get different streams. */
	assert_true(pirx_durations_group_seed(1, 100, 0, 0) != pirx_durations_group_seed(1, 100, 0, 1));
	assert_true(pirx_durations_group_seed(1, 100, 0, 0) != pirx_durations_group_seed(1, 101, 0, 0));
	assert_true(pirx_durations_group_seed(1, 100, 0, 0) != pirx_durations_group_seed(2, 100, 0, 0));
	free(d1);
	free(d2);
	free(d3);
	free(d4);
	free(i1);
	free(i2);
	free(o1);
	free(o2);
	free(o3);
	free(o4);
	pirx_db_close(all);
	pirx_db_close(later);
	pirx_fs_rmtree(dir);
	free(dir);
}

static void test_charts(void **state)
{
	char *dir = tmpdir();
	pirx_db *db = make_db(dir, "g.db", golden, sizeof(golden) / sizeof(golden[0]), NULL);
	char *out = run_step(db, dir, "out", "2026-05", "2026-01", 1);
	char *charts = pirx_fs_join(out, "charts");
	char *ttr = slurp(charts, "ttr_trend.dat");
	char *sev = slurp(charts, "incidents_by_severity.dat");
	const char *names[] = {"ttr_trend", "ttd_trend", "incidents_by_severity"};
	const char *ext[] = {".gp", ".dat", ".svg", ".png"};

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		for (size_t e = 0; e < 4; e++) {
			char name[64];
			char *path;
			snprintf(name, sizeof(name), "%s%s", names[i], ext[e]);
			path = pirx_fs_join(charts, name);
			if (!pirx_fs_exists(path))
				fail_msg("missing chart file %s", name);
			free(path);
		}
	}
	/* ttr: one row per month with data (April and May have none), median
	 * first; as of June, H's resolution (360 min) counts in March. */
	assert_non_null(strstr(ttr, "2026-01\t150\t"));
	assert_non_null(strstr(ttr, "2026-02\t2880\t2880\t2880\n"));
	assert_non_null(strstr(ttr, "2026-03\t210\t"));
	assert_null(strstr(ttr, "2026-04"));
	assert_null(strstr(ttr, "2026-05"));
	/* 60 to 2880 minutes: more than a factor of 30, so a log axis. */
	{
		char *gp = slurp(charts, "ttr_trend.gp");
		assert_non_null(strstr(gp, "set logscale y\n"));
		free(gp);
	}
	/* Severity bars: every month up to the report month, unknown severity
	 * as its own segment so that bars add up to `all`. */
	assert_non_null(strstr(sev, "\"unknown\""));
	assert_non_null(strstr(sev, "2026-01\t1\t2\t0\t0\t0\t1\n"));
	assert_non_null(strstr(sev, "2026-02\t0\t0\t2\t1\t0\t0\n"));
	assert_non_null(strstr(sev, "2026-04\t0\t1\t0\t0\t0\t0\n"));
	assert_non_null(strstr(sev, "2026-05\t0\t0\t0\t0\t0\t0\n"));
	free(ttr);
	free(sev);
	free(charts);
	free(out);
	pirx_db_close(db);
	pirx_fs_rmtree(dir);
	free(dir);
}

/* Rows come back by start, then id, whatever order they were stored in
 * (the bootstrap draws follow that order). */
static void test_read_order(void **state)
{
	static const struct inc rows[] = {
		{"I-9", 1, "2026-01-02T10:00:00Z", NULL, NULL, NULL, "2026-01-02T10:09:00Z"},
		{"I-10", 1, "2026-01-02T10:00:00Z", NULL, NULL, NULL, "2026-01-02T10:10:00Z"},
		{"I-8", 1, "2026-01-01T10:00:00Z", NULL, NULL, NULL, "2026-01-01T10:08:00Z"},
		{"I-2", 1, "2026-01-02T10:00:00Z", NULL, NULL, NULL, "2026-01-02T10:02:00Z"},
		{"I-late", 1, "2026-03-01T10:00:00Z", NULL, NULL, NULL, NULL},
	};
	static const double ttr[] = {8, 10, 2, 9};   /* I-8, then I-10 < I-2 < I-9 (bytes) */
	char *dir = tmpdir();
	struct pirx_incident_durations *v = NULL;
	struct pirx_err err;
	pirx_db *db = make_db(dir, "order.db", rows, sizeof(rows) / sizeof(rows[0]), NULL);
	size_t n = 0;

	(void)state;
	pirx_err_clear(&err);
	assert_int_equal(pirx_durations_read(db, when("2026-01-01T00:00:00Z"), when("2026-02-01T00:00:00Z"),
					     &v, &n, &err), 0);
	assert_int_equal(n, 4);
	for (size_t i = 0; i < n; i++)
		assert_true(v[i].min[PIRX_TTR] == ttr[i]);
	free(v);
	pirx_db_close(db);
	pirx_fs_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duration_rule),
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_bootstrap_seeding),
		cmocka_unit_test(test_charts),
		cmocka_unit_test(test_read_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
