/*
 * test_recurrence: the report step of clusters and recurrence on a
 * hand-made corpus, with the exact rows expected in factor_clusters.csv,
 * factor_assignments.csv, recurrence.csv and repeat_incidents.csv.
 *
 * Report month 2026-03, window 3 (2026-01..2026-03), as of 2026-04-01.
 *   I1 2025-12-25 checkout          certificate expired   (before the window)
 *   I2 2026-01-10 checkout          the TLS certificate expired
 *   I3 2026-01-20T12 search         cert expired again
 *   I4 2026-02-15 checkout;search   expired certificate + disk full on the log volume
 *   I5 2026-03-05 billing           disk full
 *   I6 2026-04-02 checkout          certificate expired   (after as-of: ignored)
 *
 * The same corpus inserted in another order, with a service listed twice,
 * gives the same files: the step orders rows itself (clusters.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "pirx/db.h"
#include "pirx/err.h"
#include "pirx/fsutil.h"
#include "pirx/mem.h"
#include "pirx/report.h"
#include "pirx/timefmt.h"

static int64_t at(const char *s)
{
	int64_t t;
	const char *why;

	assert_int_equal(pirx_time_parse(s, strlen(s), &t, &why), 0);
	return t;
}

static void exec(pirx_db *db, const char *sql, const char *a, const char *b, int64_t t, const char *c)
{
	pirx_stmt *st = NULL;
	struct pirx_err err;

	assert_int_equal(pirx_db_prepare_sql(db, sql, &st, &err), 0);
	if (a)
		pirx_stmt_bind_text(st, 1, a, -1);
	if (b)
		pirx_stmt_bind_text(st, 2, b, -1);
	if (t)
		pirx_stmt_bind_int64(st, 3, t);
	if (c)
		pirx_stmt_bind_text(st, 4, c, -1);
	assert_int_equal(pirx_stmt_step(st, &err), 0);
	pirx_stmt_finalize(st);
}

static void incident(pirx_db *db, const char *id, const char *services, const char *when)
{
	char buf[64], *p, *s;

	exec(db, "INSERT INTO incidents (id, service, team, started_at, source_line) VALUES (?1, ?2, 'storefront', ?3, 1)",
	     id, services, at(when), NULL);
	snprintf(buf, sizeof(buf), "%s", services);
	for (p = buf; (s = strsep(&p, ";"));)
		exec(db, "INSERT INTO incident_services (incident_id, service) VALUES (?1, ?2)", id, s, 0, NULL);
}

static void factor_at(pirx_db *db, const char *id, const char *incident_id, int line, const char *text)
{
	exec(db, "INSERT INTO factors (id, incident_id, source_line, text) VALUES (?1, ?2, ?3, ?4)",
	     id, incident_id, line, text);
}

static void factor(pirx_db *db, const char *id, const char *incident_id, const char *text)
{
	factor_at(db, id, incident_id, 1, text);
}

static char *slurp(const char *dir, const char *name)
{
	char *path = pirx_fs_join(dir, name);
	FILE *fp = fopen(path, "rb");
	char *buf = calloc(1, 65536);

	assert_non_null(fp);
	assert_true(fread(buf, 1, 65535, fp) < 65535);
	fclose(fp);
	free(path);
	return buf;
}

/* The hand-made corpus, in file order. */
static const struct {
	const char *id, *services, *started;
} incidents[] = {
	{"I1", "checkout", "2025-12-25T00:00:00Z"},
	{"I2", "checkout", "2026-01-10T00:00:00Z"},
	{"I3", "search", "2026-01-20T12:00:00Z"},
	{"I4", "checkout;search", "2026-02-15T00:00:00Z"},
	{"I5", "billing", "2026-03-05T00:00:00Z"},
	{"I6", "checkout", "2026-04-02T00:00:00Z"},
};
static const struct {
	const char *id, *incident, *text;
} factors[] = {
	{"I1#1", "I1", "certificate expired"},
	{"I2#1", "I2", "the TLS certificate expired on checkout"},
	{"I3#1", "I3", "cert expired again"},
	{"I4#1", "I4", "expired certificate"},
	{"I4#2", "I4", "disk full on the log volume"},
	{"I5#1", "I5", "disk full"},
	{"I6#1", "I6", "certificate expired"},
};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void fill_in_order(pirx_db *db)
{
	for (size_t i = 0; i < COUNT(incidents); i++)
		incident(db, incidents[i].id, incidents[i].services, incidents[i].started);
	for (size_t i = 0; i < COUNT(factors); i++)
		factor(db, factors[i].id, factors[i].incident, factors[i].text);
}

/* The same rows the other way round: factors first, newest first (so
 * I4's second factor before its first, both on one line: the id decides),
 * then incidents newest first, I4 listing checkout twice. */
static void fill_scrambled(pirx_db *db)
{
	for (size_t i = COUNT(factors); i-- > 0;)
		factor(db, factors[i].id, factors[i].incident, factors[i].text);
	for (size_t i = COUNT(incidents); i-- > 0;)
		incident(db, incidents[i].id,
			 strcmp(incidents[i].id, "I4") == 0 ? "search;checkout;checkout" : incidents[i].services,
			 incidents[i].started);
}

/* A scratch folder with a database filled by fill, and the step run on it
 * for report month 2026-03, window 3. */
struct fixture {
	char dir[40];
	char *charts;
	pirx_db *db;
	struct pirx_buf log;   /* the step's progress lines */
};

static void log_line(void *arg, const char *what)
{
	pirx_buf_printf(arg, "%s\n", what);
}

static void run_step(struct fixture *f, void (*fill)(pirx_db *db))
{
	struct pirx_report_ctx ctx;
	struct pirx_err err;
	char *dbpath;
	int month;

	snprintf(f->dir, sizeof(f->dir), "/tmp/pirx-test-recurrence-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	dbpath = pirx_fs_join(f->dir, "t.db");
	f->charts = pirx_fs_join(f->dir, "charts");
	assert_int_equal(pirx_fs_mkdir_p(f->charts, &err), 0);
	{
		/* As the report writes it before any step. */
		char *meta = pirx_fs_join(f->dir, "report_meta.csv");
		FILE *fp = fopen(meta, "wb");
		assert_non_null(fp);
		fputs("key,value\n", fp);
		assert_int_equal(fclose(fp), 0);
		free(meta);
	}
	assert_int_equal(pirx_db_open(dbpath, PIRX_DB_CREATE, &f->db, &err), 0);
	free(dbpath);
	assert_int_equal(pirx_db_run_script(f->db, "schema", &err), 0);
	fill(f->db);
	assert_int_equal(pirx_db_run_script(f->db, "indexes", &err), 0);

	memset(&ctx, 0, sizeof(ctx));
	pirx_buf_init(&f->log);
	ctx.progress = log_line;
	ctx.progress_arg = &f->log;
	assert_int_equal(pirx_month_parse("2026-03", &month), 0);
	ctx.db = f->db;
	ctx.dir = f->dir;
	ctx.charts_dir = f->charts;
	ctx.month = month;
	ctx.window = 3;
	ctx.window_start = month - 2;
	ctx.first_month = month - 3;
	ctx.as_of = pirx_month_start(month + 1);
	ctx.seed = 1;
	assert_int_equal(pirx_clusters_run(&ctx, &err), 0);
}

static void fixture_done(struct fixture *f)
{
	pirx_buf_release(&f->log);
	pirx_db_close(f->db);
	pirx_fs_rmtree(f->dir);
	free(f->charts);
}

static void check_corpus(void (*fill)(pirx_db *db))
{
	struct fixture f;
	char *s;

	run_step(&f, fill);
	s = slurp(f.dir, "factor_assignments.csv");
	assert_string_equal(s,
		"factor_id,incident_id,cluster_id\n"
		"I1#1,I1,cert-expiry\n"
		"I2#1,I2,cert-expiry\n"
		"I3#1,I3,cert-expiry\n"
		"I4#1,I4,cert-expiry\n"
		"I4#2,I4,disk-full\n"
		"I5#1,I5,disk-full\n");
	free(s);
	s = slurp(f.dir, "factor_clusters.csv");
	assert_string_equal(s,
		"cluster_id,label,factors,incidents,services,first_seen,last_seen,example,category,source\n"
		"cert-expiry,Certificate expiry,4,4,2,2025-12-25T00:00:00Z,2026-02-15T00:00:00Z,the TLS certificate expired on checkout,technical,taxonomy\n"
		"disk-full,Disk full,2,2,3,2026-02-15T00:00:00Z,2026-03-05T00:00:00Z,disk full on the log volume,technical,taxonomy\n");
	free(s);
	s = slurp(f.dir, "recurrence.csv");
	assert_string_equal(s,
		"cluster_id,label,window_incidents,month_incidents,months_active,services,median_gap_days,last_seen,recurring\n"
		"cert-expiry,Certificate expiry,3,0,2,2,18.00,2026-02-15T00:00:00Z,yes\n"
		"disk-full,Disk full,2,1,2,3,18.00,2026-03-05T00:00:00Z,no\n");
	free(s);
	s = slurp(f.dir, "repeat_incidents.csv");
	assert_string_equal(s,
		"incident_id,previous_incident_id,service,cluster_id,days_apart\n"
		"I2,I1,checkout,cert-expiry,16.00\n"
		"I4,I3,search,cert-expiry,25.50\n");
	free(s);
	/* Its totals, which render reads instead of counting. */
	s = slurp(f.dir, "report_meta.csv");
	assert_string_equal(s, "key,value\nrepeat_incidents_rows,2\nrepeat_incidents_incidents,2\n");
	free(s);
	s = slurp(f.charts, "top_patterns.dat");
	assert_non_null(strstr(s, "Certificate expiry"));
	free(s);

	fixture_done(&f);
}

static void test_hand_made_corpus(void **state)
{
	(void)state;
	check_corpus(fill_in_order);
}

static void test_any_row_order(void **state)
{
	(void)state;
	check_corpus(fill_scrambled);
}

/* Within an incident, factors go by line, then id. */
static void fill_lines(pirx_db *db)
{
	fill_in_order(db);
	exec(db, "UPDATE factors SET source_line = 9 WHERE id = 'I4#1'", NULL, NULL, 0, NULL);
	exec(db, "UPDATE factors SET source_line = 4 WHERE id = 'I4#2'", NULL, NULL, 0, NULL);
}

static void test_factors_by_line(void **state)
{
	struct fixture f;
	char *s;

	(void)state;
	run_step(&f, fill_lines);
	s = slurp(f.dir, "factor_assignments.csv");
	assert_string_equal(s,
		"factor_id,incident_id,cluster_id\n"
		"I1#1,I1,cert-expiry\n"
		"I2#1,I2,cert-expiry\n"
		"I3#1,I3,cert-expiry\n"
		"I4#2,I4,disk-full\n"
		"I4#1,I4,cert-expiry\n"
		"I5#1,I5,disk-full\n");
	free(s);
	fixture_done(&f);
}

/* Service and team names say where, not what failed: a factor that names
 * one is the same text as one that names another. Names come from
 * incident_services, incidents.service (one name) and incidents.team, of
 * every incident, counted or not (N4 starts after as-of). */
static void fill_names(pirx_db *db)
{
	incident(db, "N1", "zetasvc", "2026-01-05T00:00:00Z");
	incident(db, "N2", "omegasvc;alphasvc", "2026-01-06T00:00:00Z");
	incident(db, "N3", "billing", "2026-01-07T00:00:00Z");
	incident(db, "N4", "latersvc;othersvc", "2026-05-01T00:00:00Z");
	exec(db, "UPDATE incidents SET team = 'payteam' WHERE id = 'N3'", NULL, NULL, 0, NULL);
	/* Only in incidents.service (a database not written by pirx load). */
	exec(db, "INSERT INTO incidents (id, service, started_at, source_line) VALUES (?1, ?2, ?3, 1)",
	     "N5", "solosvc", at("2026-01-08T00:00:00Z"), NULL);
	factor(db, "N5#1", "N5", "solosvc frobnicator jammed");
	factor(db, "N1#1", "N1", "zetasvc frobnicator jammed");
	factor(db, "N2#1", "N2", "omegasvc frobnicator jammed");
	factor(db, "N2#2", "N2", "alphasvc frobnicator jammed");
	factor(db, "N3#1", "N3", "payteam frobnicator jammed");
	factor(db, "N3#2", "N3", "latersvc frobnicator jammed");
	factor(db, "N3#3", "N3", "frobnicator jammed");
}

static void test_noise_names(void **state)
{
	struct fixture f;

	(void)state;
	run_step(&f, fill_names);
	assert_non_null(strstr(pirx_buf_str(&f.log), "\n1 distinct normalized texts"));
	fixture_done(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hand_made_corpus),
		cmocka_unit_test(test_any_row_order),
		cmocka_unit_test(test_factors_by_line),
		cmocka_unit_test(test_noise_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
