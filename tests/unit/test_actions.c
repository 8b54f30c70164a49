/*
 * Unit tests for the action-item and review step (pirx_actions_run): a
 * hand-computed corpus over three months (cancelled items, items without
 * due dates, a completion exactly at and one after the as-of instant,
 * items created at and after as-of, unknown priority and team, a done item
 * without a completion time, a completion before creation, a review before
 * resolution, a review after as-of), every output file compared line by
 * line; the Kaplan-Meier table against a hand-worked curve and against
 * stats.c's estimator; a median that lands exactly on 0.5; and corpora
 * whose action_items.csv is absent or empty.
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

static int64_t when(const char *s)
{
	int64_t t;
	const char *why = NULL;

	if (pirx_time_parse(s, strlen(s), &t, &why) != 0)
		fail_msg("cannot parse '%s': %s", s, why);
	return t;
}

struct inc {
	const char *id, *team, *title, *started, *resolved, *review;
};

struct ai {
	const char *id, *incident, *title, *owner, *team, *priority;
	const char *created, *due, *completed, *status;
};

/*
 * Report month 2026-03, as-of 2026-04-01T00:00:00Z, window 2 (Feb, Mar).
 * Days to review: I1 2, I2 4, I3 1; I4's review is after as-of; I7 was
 * reviewed before it was resolved (its days are left out); I6 starts
 * after as-of.
 */
static const struct inc incs[] = {
	{"I1", "alpha", "checkout slow", "2026-01-05T10:00:00Z", "2026-01-05T12:00:00Z", "2026-01-07T12:00:00Z"},
	{"I2", "beta", "search down", "2026-01-20T00:00:00Z", "2026-01-21T00:00:00Z", "2026-01-25T00:00:00Z"},
	{"I3", "beta", "=cmd|' /C calc'!A0", "2026-02-10T00:00:00Z", "2026-02-10T06:00:00Z", "2026-02-11T06:00:00Z"},
	{"I4", "alpha", "queue backlog", "2026-02-20T00:00:00Z", "2026-02-21T00:00:00Z", "2026-04-02T00:00:00Z"},
	{"I5", "alpha", "disk full", "2026-03-10T00:00:00Z", NULL, NULL},
	{"I7", "gamma", "dns", "2026-03-20T00:00:00Z", "2026-03-22T00:00:00Z", "2026-03-21T00:00:00Z"},
	{"I6", "alpha", "later", "2026-04-05T00:00:00Z", NULL, NULL},
};

/* Listed out of creation order on purpose. */
static const struct ai items[] = {
	/* March. c1: completed exactly at as-of, so open and overdue by a second. */
	{"c1", "I5", "Add disk alerts", "kim", "alpha", "must-fix",
	 "2026-03-11T00:00:00Z", "2026-03-31T23:59:59Z", "2026-04-01T00:00:00Z", "done"},
	/* c2: due exactly at as-of, done before: on time, not overdue. */
	{"c2", "I5", "Rotate logs", "lee", "beta", "must-fix",
	 "2026-03-11T00:00:00Z", "2026-04-01T00:00:00Z", "2026-03-31T00:00:00Z", "done"},
	/* c3: completed before it was created: completed, but no duration. */
	{"c3", "I5", "Fix clock", "kim", NULL, "should-fix",
	 "2026-03-12T00:00:00Z", NULL, "2026-03-11T00:00:00Z", "done"},
	/* January. */
	{"a1", "I1", "Add timeout", "ann", "alpha", "must-fix",
	 "2026-01-07T12:00:00Z", "2026-01-17T12:00:00Z", "2026-01-10T12:00:00Z", "done"},
	{"a2", "I1", "Add retry", "ann", "alpha", "must-fix",
	 "2026-01-07T12:00:00Z", "2026-01-17T12:00:00Z", "2026-01-27T12:00:00Z", "done"},
	{"a3", "I1", "=SUM(A1)", "bo, jr", "beta", "should-fix",
	 "2026-01-07T12:00:00Z", "2026-02-07T00:00:00Z", NULL, "open"},
	{"a4", "I2", "Drop cache", "cy", "beta", "nice-to-have",
	 "2026-01-25T00:00:00Z", NULL, NULL, "cancelled"},
	/* a5: unknown priority and team; completed after as-of: open, overdue. */
	{"a5", "I2", "Tune index", "cy", NULL, NULL,
	 "2026-01-25T00:00:00Z", "2026-03-01T00:00:00Z", "2026-04-10T00:00:00Z", "done"},
	/* a6: done with no completion time. */
	{"a6", "I2", "Write runbook", "cy", "alpha", "should-fix",
	 "2026-01-25T00:00:00Z", NULL, NULL, "done"},
	/* February. */
	/* b1: done exactly at its due time: on time. */
	{"b1", "I3", "Pin version", "dee", "alpha", "must-fix",
	 "2026-02-11T06:00:00Z", "2026-02-12T06:00:00Z", "2026-02-12T06:00:00Z", "done"},
	{"b2", "I3", "Add canary", "dee", "alpha", "must-fix",
	 "2026-02-11T06:00:00Z", "2026-02-21T00:00:00Z", NULL, "open"},
	/* b3: due after as-of and open: not late yet (not settled). */
	{"b3", "I3", "Split job", "eve", "beta", "should-fix",
	 "2026-02-11T06:00:00Z", "2026-04-30T00:00:00Z", NULL, "open"},
	{"b4", "I3", "Add dashboard", "eve", "beta", "should-fix",
	 "2026-02-11T06:00:00Z", NULL, "2026-02-15T06:00:00Z", "done"},
	{"b5", "I3", "Share timeline", "eve", "beta", "nice-to-have",
	 "2026-02-11T06:00:00Z", "2026-03-01T00:00:00Z", "2026-03-05T06:00:00Z", "done"},
	{"b6", "I3", "Rename flag", "eve", "beta", "nice-to-have",
	 "2026-02-11T06:00:00Z", NULL, NULL, "cancelled"},
	/* a9: same due date as b2, sorts before it by id. */
	{"a9", "I4", "Drain queue", "fay", "alpha", "must-fix",
	 "2026-02-21T00:00:00Z", "2026-02-21T00:00:00Z", NULL, "open"},
	/* Created at and after as-of: they do not exist yet. */
	{"d1", "I5", "Later", "kim", "alpha", "must-fix",
	 "2026-04-01T00:00:00Z", "2026-03-01T00:00:00Z", NULL, "open"},
	{"d2", "I4", "Later too", "fay", "alpha", "must-fix",
	 "2026-04-03T00:00:00Z", NULL, NULL, "open"},
};

static const char golden_monthly[] =
	"month,priority,created,completed,completion_rate,on_time_rate,"
	"median_days_to_complete,open,overdue,cancelled,due_settled\n"
	"2026-01,all,6,3,0.6000,0.2500,11.50,2,2,1,4\n"
	"2026-01,must-fix,2,2,1.0000,0.5000,11.50,0,0,0,2\n"
	"2026-01,should-fix,2,1,0.5000,0.0000,,1,1,0,1\n"
	"2026-01,nice-to-have,1,0,,,,0,0,1,0\n"
	"2026-02,all,7,3,0.5000,0.2500,4.00,3,2,1,4\n"
	"2026-02,must-fix,3,1,0.3333,0.3333,1.00,2,2,0,3\n"
	"2026-02,should-fix,2,1,0.5000,,4.00,1,0,0,0\n"
	"2026-02,nice-to-have,2,1,1.0000,0.0000,22.00,0,0,1,1\n"
	"2026-03,all,3,2,0.6667,0.5000,20.00,1,1,0,2\n"
	"2026-03,must-fix,2,1,0.5000,0.5000,20.00,1,1,0,2\n"
	"2026-03,should-fix,1,1,1.0000,,,0,0,0,0\n";

/* Must-fix first, then the longest overdue, then id; unknown priority last. */
static const char golden_overdue[] =
	"id,incident_id,title,owner,team,priority,due_at,days_overdue,created_at\n"
	"a9,I4,Drain queue,fay,alpha,must-fix,2026-02-21T00:00:00Z,39.0,2026-02-21T00:00:00Z\n"
	"b2,I3,Add canary,dee,alpha,must-fix,2026-02-21T00:00:00Z,39.0,2026-02-11T06:00:00Z\n"
	"c1,I5,Add disk alerts,kim,alpha,must-fix,2026-03-31T23:59:59Z,0.0,2026-03-11T00:00:00Z\n"
	"a3,I1,\"'=SUM(A1)\",\"bo, jr\",beta,should-fix,2026-02-07T00:00:00Z,53.0,2026-01-07T12:00:00Z\n"
	"a5,I2,Tune index,cy,,,2026-03-01T00:00:00Z,31.0,2026-01-25T00:00:00Z\n";

static const char golden_teams[] =
	"team,created,completed,completion_rate,overdue,must_fix_overdue,cancelled,open\n"
	"alpha,4,1,0.2500,3,3,0,3\n"
	"beta,5,3,0.7500,0,0,1,1\n"
	",1,1,1.0000,0,0,0,0\n";

static const char golden_reviews[] =
	"month,resolved,reviewed,median_days_to_review,median_items_per_review,"
	"reviews_over_5_items,incidents\n"
	"2026-01,2,2,3.00,3.0,0,2\n"
	"2026-02,2,1,1.00,6.0,1,2\n"
	"2026-03,1,1,,0.0,0,2\n";

static const char golden_large[] =
	"incident_id,items,month,review_at,team,title\n"
	"I3,6,2026-02,2026-02-11T06:00:00Z,beta,\"'=cmd|' /C calc'!A0\"\n";

/*
 * Worked by hand. Days: completions rounded up, open items censored at the
 * whole days they were seen open. all: completions 1 (b1), 3 (a1), 4 (b4),
 * 20 (a2, c2), 22 (b5); censored 21 (c1), 39 (a9), 48 (b2, b3), 66 (a5),
 * 83 (a3). S: 11/12, 10/12, 9/12, 9/12 * 7/9 = 7/12, 7/12 * 5/6 = 35/72.
 * Greenwood at day 4: 1/132 + 1/110 + 1/90 = 1/36, se = 0.75 / 6 = 0.125,
 * band 0.75 -+ 0.245 = [0.5050, 0.9950].
 */
static const char golden_survival[] =
	"priority,days,remaining,at_risk,completed,censored,ci95_low,ci95_high\n"
	"all,0,1.0000,12,0,0,1.0000,1.0000\n"
	"all,1,0.9167,12,1,0,0.7603,1.0000\n"
	"all,3,0.8333,11,1,0,0.6225,1.0000\n"
	"all,4,0.7500,10,1,0,0.5050,0.9950\n"
	"all,20,0.5833,9,2,1,0.3044,0.8623\n"
	"all,22,0.4861,6,1,4,0.1958,0.7764\n"
	"all,83,0.4861,1,0,1,0.1958,0.7764\n"
	"must-fix,0,1.0000,7,0,0,1.0000,1.0000\n"
	"must-fix,1,0.8571,7,1,0,0.5979,1.0000\n"
	"must-fix,3,0.7143,6,1,0,0.3796,1.0000\n"
	"must-fix,20,0.4286,5,2,2,0.0620,0.7952\n"
	"must-fix,48,0.4286,1,0,1,0.0620,0.7952\n"
	"should-fix,0,1.0000,3,0,0,1.0000,1.0000\n"
	"should-fix,4,0.6667,3,1,1,0.1332,1.0000\n"
	"should-fix,83,0.6667,1,0,1,0.1332,1.0000\n"
	"nice-to-have,0,1.0000,1,0,0,1.0000,1.0000\n"
	"nice-to-have,22,0.0000,1,1,0,0.0000,0.0000\n";

/*
 * all: median 22 (first S <= 0.5), interval from day 20 (0.5833 - 0.2789
 * <= 0.5) with no upper end (the band never falls below 0.5); S(90) is
 * past the follow-up (83 days) and unknown. should-fix never reaches 0.5.
 * The plain medians of completion days (12, 11.5) look better than the KM
 * medians (22, 20) because they ignore the items still open.
 */
static const char golden_summary[] =
	"priority,items,completed,km_median_days,km_median_ci95_low,km_median_ci95_high,"
	"done_within_30d,done_within_60d,done_within_90d,open,completed_median_days,completed_no_time\n"
	"all,12,6,22.00,20.00,,0.5139,0.5139,,6,12.00,1\n"
	"must-fix,7,4,20.00,3.00,,0.5714,,,3,11.50,0\n"
	"should-fix,3,1,,4.00,,0.3333,0.3333,,2,4.00,1\n"
	"nice-to-have,1,1,22.00,22.00,22.00,1.0000,1.0000,1.0000,0,22.00,0\n";

static const char *const all_files[] = {
	"action_items_monthly.csv", "overdue_actions.csv", "reviews_monthly.csv",
	"action_survival.csv", "action_completion_summary.csv", "action_items_by_team.csv",
	"large_reviews.csv", NULL
};

static char *tmpdir(void)
{
	char tmpl[] = "/tmp/pirx-test-actions-XXXXXX";
	char *d = mkdtemp(tmpl);

	assert_non_null(d);
	return pirx_xstrdup(d);
}

static void bind_opt_text(pirx_stmt *st, int idx, const char *s)
{
	if (s)
		pirx_stmt_bind_text(st, idx, s, -1);
	else
		pirx_stmt_bind_null(st, idx);
}

static void bind_opt_time(pirx_stmt *st, int idx, const char *s)
{
	if (s)
		pirx_stmt_bind_int64(st, idx, when(s));
	else
		pirx_stmt_bind_null(st, idx);
}

static void exec(pirx_db *db, const char *sql)
{
	struct pirx_err err;
	pirx_stmt *st = NULL;

	pirx_err_clear(&err);
	if (pirx_db_prepare_sql(db, sql, &st, &err) != 0)
		fail_msg("%s: %s", sql, err.msg);
	assert_int_equal(pirx_stmt_step(st, &err), 0);
	pirx_stmt_finalize(st);
}

/*
 * A database holding incidents and action items; files_row: -1 no
 * corpus_files row for action_items.csv, else its row count.
 */
static pirx_db *make_db(const char *dir, const char *name, const struct inc *in, size_t nin,
			const struct ai *ai, size_t nai, long files_row)
{
	struct pirx_err err;
	pirx_db *db = NULL;
	pirx_stmt *st = NULL;
	char *path = pirx_fs_join(dir, name);
	char sql[160];

	pirx_err_clear(&err);
	assert_int_equal(pirx_db_open(path, PIRX_DB_CREATE, &db, &err), 0);
	assert_int_equal(pirx_db_run_script(db, "schema", &err), 0);
	assert_int_equal(pirx_db_prepare_sql(db,
		"INSERT INTO incidents (id, team, title, started_at, resolved_at, review_at, source_line)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", &st, &err), 0);
	for (size_t i = 0; i < nin; i++) {
		pirx_stmt_bind_text(st, 1, in[i].id, -1);
		bind_opt_text(st, 2, in[i].team);
		bind_opt_text(st, 3, in[i].title);
		bind_opt_time(st, 4, in[i].started);
		bind_opt_time(st, 5, in[i].resolved);
		bind_opt_time(st, 6, in[i].review);
		pirx_stmt_bind_int64(st, 7, (int64_t)i + 2);
		assert_int_equal(pirx_stmt_step(st, &err), 0);
		pirx_stmt_reset(st);
	}
	pirx_stmt_finalize(st);
	assert_int_equal(pirx_db_prepare_sql(db,
		"INSERT INTO action_items (id, incident_id, title, owner, team, priority, created_at,"
		" due_at, completed_at, status, source_line)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)", &st, &err), 0);
	for (size_t i = 0; i < nai; i++) {
		pirx_stmt_bind_text(st, 1, ai[i].id, -1);
		pirx_stmt_bind_text(st, 2, ai[i].incident, -1);
		bind_opt_text(st, 3, ai[i].title);
		bind_opt_text(st, 4, ai[i].owner);
		bind_opt_text(st, 5, ai[i].team);
		bind_opt_text(st, 6, ai[i].priority);
		bind_opt_time(st, 7, ai[i].created);
		bind_opt_time(st, 8, ai[i].due);
		bind_opt_time(st, 9, ai[i].completed);
		pirx_stmt_bind_text(st, 10, ai[i].status, -1);
		pirx_stmt_bind_int64(st, 11, (int64_t)i + 2);
		assert_int_equal(pirx_stmt_step(st, &err), 0);
		pirx_stmt_reset(st);
	}
	pirx_stmt_finalize(st);
	snprintf(sql, sizeof(sql), "INSERT INTO corpus_files VALUES ('incidents.csv', %zu, 0)", nin);
	exec(db, sql);
	if (files_row >= 0) {
		snprintf(sql, sizeof(sql), "INSERT INTO corpus_files VALUES ('action_items.csv', %ld, 0)",
			 files_row);
		exec(db, sql);
	}
	free(path);
	return db;
}

static void put_file(const char *dir, const char *name, const char *text)
{
	char *path = pirx_fs_join(dir, name);
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
	free(path);
}

/* Runs the step for report month `month` (window `window`) into dir/sub. */
static char *run_step(pirx_db *db, const char *dir, const char *sub, const char *month, int window)
{
	struct pirx_report_ctx ctx;
	struct pirx_err err;
	char *out = pirx_fs_join(dir, sub);
	char *charts = pirx_fs_join(out, "charts");

	pirx_err_clear(&err);
	memset(&ctx, 0, sizeof(ctx));
	assert_int_equal(pirx_fs_mkdir_p(charts, &err), 0);
	put_file(out, "report_meta.csv", "key,value\n");   /* as the report writes it first */
	ctx.db = db;
	ctx.dir = out;
	ctx.charts_dir = charts;
	assert_int_equal(pirx_month_parse(month, &ctx.month), 0);
	ctx.window = window;
	ctx.window_start = ctx.month - window + 1;
	ctx.first_month = ctx.window_start;
	ctx.as_of = pirx_month_start(ctx.month + 1);
	ctx.seed = 1;
	if (pirx_actions_run(&ctx, &err) != 0)
		fail_msg("actions step failed: %s", err.msg);
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

static void expect_file(const char *dir, const char *name, const char *want)
{
	char *got = slurp(dir, name);

	if (strcmp(got, want) != 0)
		fail_msg("%s differs:\n--- got\n%s--- want\n%s", name, got, want);
	free(got);
}

/* The first line of a file (its header), with its "\n". */
static char *header_of(const char *dir, const char *name)
{
	char *s = slurp(dir, name);
	char *nl = strchr(s, '\n');

	assert_non_null(nl);
	nl[1] = '\0';
	return s;
}

static void test_golden(void **state)
{
	char *dir = tmpdir(), *out, *charts;
	pirx_db *db;

	(void)state;
	db = make_db(dir, "c.db", incs, sizeof(incs) / sizeof(incs[0]), items,
		     sizeof(items) / sizeof(items[0]), (long)(sizeof(items) / sizeof(items[0])));
	out = run_step(db, dir, "out", "2026-03", 2);
	expect_file(out, "action_items_monthly.csv", golden_monthly);
	expect_file(out, "overdue_actions.csv", golden_overdue);
	expect_file(out, "action_items_by_team.csv", golden_teams);
	expect_file(out, "reviews_monthly.csv", golden_reviews);
	expect_file(out, "large_reviews.csv", golden_large);
	expect_file(out, "action_survival.csv", golden_survival);
	expect_file(out, "action_completion_summary.csv", golden_summary);

	/* Charts: the completion rates of the window and the overdue stack. */
	charts = pirx_fs_join(out, "charts");
	expect_file(charts, "action_completion.dat",
		    "\"month\"\t\"all\"\t\"must-fix\"\t\"should-fix\"\t\"nice-to-have\"\n"
		    "2026-02\t0.5\t0.3333333333\t0.5\t1\n"
		    "2026-03\t0.6666666667\t0.5\t1\t?\n");
	expect_file(charts, "action_overdue.dat",
		    "\"label\"\t\"must-fix\"\t\"should-fix\"\t\"nice-to-have\"\t\"unknown\"\n"
		    "\"before 2026-02\"\t0\t1\t0\t1\n"
		    "\"2026-02\"\t2\t0\t0\t0\n"
		    "\"2026-03\"\t1\t0\t0\t0\n");
	{
		char *surv = slurp(charts, "action_survival.dat");
		/* Day 22: all 35/72; nice-to-have reached 0 and stays drawn. */
		assert_non_null(strstr(surv, "\n22\t0.4861111111\t0.4285714286\t0.6666666667\t0\n"));
		/* Day 83: must-fix's follow-up ended at 48 days. */
		assert_non_null(strstr(surv, "\n83\t0.4861111111\t?\t0.6666666667\t0\n"));
		free(surv);
	}
	free(charts);
	pirx_db_close(db);
	pirx_fs_rmtree(dir);
	free(out);
	free(dir);
}

/* Incidents stored newest first (and a large review added, with an id
 * that sorts before its twin's of the same start) give the reviews files
 * in report order: actions.c orders the rows itself. */
static void test_reviews_any_order(void **state)
{
	enum { N = sizeof(incs) / sizeof(incs[0]) };
	struct inc rev[N + 1];
	struct ai more[sizeof(items) / sizeof(items[0]) + 6];
	size_t nai = sizeof(items) / sizeof(items[0]);
	char *dir = tmpdir(), *out;
	pirx_db *db;

	(void)state;
	for (size_t i = 0; i < N; i++)
		rev[i] = incs[N - 1 - i];
	/* I3b starts with I3 and has 6 items too; "I3" < "I3b" in bytes. */
	rev[N] = (struct inc){"I3b", "gamma", "cache stampede", "2026-02-10T00:00:00Z",
			      "2026-02-10T06:00:00Z", "2026-02-12T06:00:00Z"};
	memcpy(more, items, sizeof(items));
	for (int k = 0; k < 6; k++) {
		static const char *const ids[] = {"x1", "x2", "x3", "x4", "x5", "x6"};
		more[nai + (size_t)k] = (struct ai){ids[k], "I3b", "follow up", "kim", "gamma", "should-fix",
						 "2026-02-11T00:00:00Z", NULL, "2026-02-12T00:00:00Z", "done"};
	}
	db = make_db(dir, "r.db", rev, N + 1, more, nai + 6, (long)(nai + 6));
	out = run_step(db, dir, "out", "2026-03", 2);
	expect_file(out, "reviews_monthly.csv",
		    "month,resolved,reviewed,median_days_to_review,median_items_per_review,"
		    "reviews_over_5_items,incidents\n"
		    "2026-01,2,2,3.00,3.0,0,2\n"
		    "2026-02,3,2,1.50,6.0,2,3\n"
		    "2026-03,1,1,,0.0,0,2\n");
	expect_file(out, "large_reviews.csv",
		    "incident_id,items,month,review_at,team,title\n"
		    "I3,6,2026-02,2026-02-11T06:00:00Z,beta,\"'=cmd|' /C calc'!A0\"\n"
		    "I3b,6,2026-02,2026-02-12T06:00:00Z,gamma,cache stampede\n");
	pirx_db_close(db);
	pirx_fs_rmtree(dir);
	free(out);
	free(dir);
}

static int prio_rank(const char *p)
{
	return !strcmp(p, "must-fix") ? 0 : !strcmp(p, "should-fix") ? 1 : !strcmp(p, "nice-to-have") ? 2 : 3;
}

/* Enough overdue items for the radix sort (not qsort's small arrays), in
 * shuffled order, with ties of priority and of due date: the list comes
 * out most urgent first, then by due date, then by id, every item once. */
static void test_overdue_many(void **state)
{
	enum { N = 1000 };
	static const char *const prios[] = {"must-fix", "should-fix", "nice-to-have", NULL};
	static const char *const dues[] = {"2026-01-20T00:00:00Z", "2026-02-01T00:00:00Z",
					   "2026-02-01T00:00:01Z", "2026-03-15T12:00:00Z"};
	struct ai *ai = calloc(N, sizeof(*ai));
	char (*ids)[16] = calloc(N, sizeof(*ids));
	char *dir = tmpdir(), *out, *csv, *line, *save = NULL;
	char prev_id[16] = "", prev_due[32] = "", meta[128];
	int prev_rank = -1, rows = 0, must_fix = 0;
	unsigned seed = 7;
	pirx_db *db;

	(void)state;
	for (int i = 0; i < N; i++) {
		seed = seed * 1103515245u + 12345u;
		/* 7919 is prime to N: the ids are a shuffle of k0000..k0999. */
		snprintf(ids[i], sizeof(ids[i]), "k%04d", i * 7919 % N);
		ai[i] = (struct ai){ids[i], "I1", "follow up", "kim", "alpha", prios[(seed >> 16) % 4],
				    "2026-01-10T00:00:00Z", dues[(seed >> 20) % 4], NULL, "open"};
	}
	db = make_db(dir, "m.db", incs, 1, ai, N, N);
	out = run_step(db, dir, "out", "2026-03", 2);
	csv = slurp(out, "overdue_actions.csv");
	for (line = strtok_r(csv, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[9], *cur = line;
		int rank;
		if (rows++ == 0)
			continue;   /* the header */
		for (int c = 0; c < 9; c++) {
			f[c] = cur;
			cur = strchr(cur, ',');
			if (cur)
				*cur++ = '\0';
			else
				assert_int_equal(c, 8);
		}
		rank = prio_rank(f[5]);
		must_fix += rank == 0;
		assert_true(rank >= prev_rank);
		if (rank == prev_rank) {
			assert_true(strcmp(f[6], prev_due) >= 0);
			if (strcmp(f[6], prev_due) == 0)
				assert_true(strcmp(f[0], prev_id) > 0);
		}
		prev_rank = rank;
		snprintf(prev_due, sizeof(prev_due), "%s", f[6]);
		snprintf(prev_id, sizeof(prev_id), "%s", f[0]);
	}
	assert_int_equal(rows, N + 1);
	free(csv);
	/* The list's totals, which render reads instead of counting. */
	csv = slurp(out, "report_meta.csv");
	snprintf(meta, sizeof(meta), "key,value\noverdue_actions_rows,%d\noverdue_actions_must_fix,%d\n",
		 N, must_fix);
	assert_true(must_fix > 0 && must_fix < N);
	assert_string_equal(csv, meta);
	free(csv);
	pirx_db_close(db);
	pirx_fs_rmtree(dir);
	free(out);
	free(dir);
	free(ids);
	free(ai);
}

/* The remaining column agrees with stats.c's Kaplan-Meier on the same days. */
static void test_km_matches_stats(void **state)
{
	/* all: days of completion (done = 1) and censoring (done = 0), as in the golden. */
	const double days[] = {1, 3, 4, 20, 20, 22, 21, 39, 48, 48, 66, 83};
	const int done[] = {1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0};
	double t[12], s[12];
	size_t k = pirx_stats_km(days, done, 12, t, s);
	const double want_t[] = {1, 3, 4, 20, 22};
	const double want_s[] = {11.0 / 12, 10.0 / 12, 9.0 / 12, 7.0 / 12, 35.0 / 72};

	(void)state;
	assert_int_equal(k, 5);
	for (size_t i = 0; i < k; i++) {
		char line[64];
		assert_true(t[i] == want_t[i]);
		assert_true(fabs(s[i] - want_s[i]) < 1e-12);
		snprintf(line, sizeof(line), "\nall,%d,%.4f,", (int)t[i], s[i]);
		assert_non_null(strstr(golden_survival, line));
	}
}

/*
 * Four must-fix items done after 1, 2, 3 and 4 days, nothing censored: S
 * is exactly 0.5 from day 2 to day 3, so the KM median is 2.5, the plain
 * median. Band: day 1 0.75 - 1.96 * 0.2165 <= 0.5 (lower 1); the upper
 * edge falls below 0.5 only at day 4, where S = 0.
 */
static void test_km_median_on_half(void **state)
{
	static const struct inc in[] = {
		{"X", "t", "x", "2026-01-01T00:00:00Z", "2026-01-01T01:00:00Z", "2026-01-01T02:00:00Z"},
	};
	static const struct ai ai[] = {
		{"m1", "X", "a", "o", "t", "must-fix", "2026-01-02T00:00:00Z", NULL, "2026-01-03T00:00:00Z", "done"},
		{"m2", "X", "b", "o", "t", "must-fix", "2026-01-02T00:00:00Z", NULL, "2026-01-04T00:00:00Z", "done"},
		{"m3", "X", "c", "o", "t", "must-fix", "2026-01-02T00:00:00Z", NULL, "2026-01-05T00:00:00Z", "done"},
		{"m4", "X", "d", "o", "t", "must-fix", "2026-01-02T00:00:00Z", NULL, "2026-01-05T12:00:00Z", "done"},
	};
	char *dir = tmpdir(), *out;
	pirx_db *db;

	(void)state;
	db = make_db(dir, "h.db", in, 1, ai, 4, 4);
	out = run_step(db, dir, "out", "2026-01", 12);
	expect_file(out, "action_completion_summary.csv",
		    "priority,items,completed,km_median_days,km_median_ci95_low,km_median_ci95_high,"
		    "done_within_30d,done_within_60d,done_within_90d,open,completed_median_days,completed_no_time\n"
		    "all,4,4,2.50,1.00,4.00,1.0000,1.0000,1.0000,0,2.50,0\n"
		    "must-fix,4,4,2.50,1.00,4.00,1.0000,1.0000,1.0000,0,2.50,0\n");
	/* m4 took 3.5 days: its completion counts on day 4 (rounded up). */
	expect_file(out, "action_survival.csv",
		    "priority,days,remaining,at_risk,completed,censored,ci95_low,ci95_high\n"
		    "all,0,1.0000,4,0,0,1.0000,1.0000\n"
		    "all,1,0.7500,4,1,0,0.3257,1.0000\n"
		    "all,2,0.5000,3,1,0,0.0100,0.9900\n"
		    "all,3,0.2500,2,1,0,0.0000,0.6743\n"
		    "all,4,0.0000,1,1,0,0.0000,0.0000\n"
		    "must-fix,0,1.0000,4,0,0,1.0000,1.0000\n"
		    "must-fix,1,0.7500,4,1,0,0.3257,1.0000\n"
		    "must-fix,2,0.5000,3,1,0,0.0100,0.9900\n"
		    "must-fix,3,0.2500,2,1,0,0.0000,0.6743\n"
		    "must-fix,4,0.0000,1,1,0,0.0000,0.0000\n");
	pirx_db_close(db);
	pirx_fs_rmtree(dir);
	free(out);
	free(dir);
}

/*
 * Completions known only by status (no time) are not on the curve; when no
 * completion has a time, the curve would hold the open items alone, so its
 * figures are left empty rather than say that nothing gets done.
 */
static void test_untimed_completions(void **state)
{
	static const struct inc in[] = {
		{"X", "t", "x", "2026-01-01T00:00:00Z", "2026-01-01T01:00:00Z", "2026-01-01T02:00:00Z"},
	};
	static const struct ai ai[] = {
		{"u1", "X", "a", "o", "t", "must-fix", "2026-01-02T00:00:00Z", NULL, NULL, "done"},
		{"u2", "X", "b", "o", "t", "must-fix", "2026-01-02T00:00:00Z", NULL, NULL, "open"},
	};
	char *dir = tmpdir(), *out;
	pirx_db *db;

	(void)state;
	db = make_db(dir, "u.db", in, 1, ai, 2, 2);
	out = run_step(db, dir, "out", "2026-01", 12);
	expect_file(out, "action_completion_summary.csv",
		    "priority,items,completed,km_median_days,km_median_ci95_low,km_median_ci95_high,"
		    "done_within_30d,done_within_60d,done_within_90d,open,completed_median_days,completed_no_time\n"
		    "all,1,0,,,,,,,1,,1\n"
		    "must-fix,1,0,,,,,,,1,,1\n");
	expect_file(out, "action_items_monthly.csv",
		    "month,priority,created,completed,completion_rate,on_time_rate,"
		    "median_days_to_complete,open,overdue,cancelled,due_settled\n"
		    "2026-01,all,2,1,0.5000,,,1,0,0,0\n"
		    "2026-01,must-fix,2,1,0.5000,,,1,0,0,0\n");
	pirx_db_close(db);
	pirx_fs_rmtree(dir);
	free(out);
	free(dir);
}

/*
 * No action items: absent from the corpus (no corpus_files row), or
 * present with no rows. Every action file is written with its header
 * only, no action chart is drawn, and review timeliness still comes from
 * the incidents, with the item columns empty (unknown, not zero).
 */
static void run_no_items(long files_row)
{
	char *dir = tmpdir(), *out, *charts;
	pirx_db *db;

	db = make_db(dir, "e.db", incs, sizeof(incs) / sizeof(incs[0]), NULL, 0, files_row);
	out = run_step(db, dir, "out", "2026-03", 2);
	for (int i = 0; all_files[i]; i++) {
		char *h = header_of(out, all_files[i]);
		char *whole = slurp(out, all_files[i]);
		if (strcmp(all_files[i], "reviews_monthly.csv") != 0 && strcmp(h, whole) != 0)
			fail_msg("%s has rows:\n%s", all_files[i], whole);
		free(h);
		free(whole);
	}
	expect_file(out, "reviews_monthly.csv",
		    "month,resolved,reviewed,median_days_to_review,median_items_per_review,"
		    "reviews_over_5_items,incidents\n"
		    "2026-01,2,2,3.00,,,2\n"
		    "2026-02,2,1,1.00,,,2\n"
		    "2026-03,1,1,,,,2\n");
	charts = pirx_fs_join(out, "charts");
	{
		const char *names[] = {"action_completion.gp", "action_overdue.gp", "action_survival.gp"};
		for (int i = 0; i < 3; i++) {
			char *c = pirx_fs_join(charts, names[i]);
			assert_false(pirx_fs_exists(c));
			free(c);
		}
	}
	free(charts);
	pirx_db_close(db);
	pirx_fs_rmtree(dir);
	free(out);
	free(dir);
}

static void test_absent_file(void **state)
{
	(void)state;
	run_no_items(-1);
}

static void test_empty_file(void **state)
{
	(void)state;
	run_no_items(0);
}

/* The same database gives byte-identical files. */
static void test_deterministic(void **state)
{
	char *dir = tmpdir(), *a, *b;
	pirx_db *db;

	(void)state;
	db = make_db(dir, "c.db", incs, sizeof(incs) / sizeof(incs[0]), items,
		     sizeof(items) / sizeof(items[0]), 10);
	a = run_step(db, dir, "a", "2026-03", 2);
	b = run_step(db, dir, "b", "2026-03", 2);
	for (int i = 0; all_files[i]; i++) {
		char *x = slurp(a, all_files[i]), *y = slurp(b, all_files[i]);
		assert_string_equal(x, y);
		free(x);
		free(y);
	}
	pirx_db_close(db);
	pirx_fs_rmtree(dir);
	free(a);
	free(b);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_reviews_any_order),
		cmocka_unit_test(test_overdue_many),
		cmocka_unit_test(test_km_matches_stats),
		cmocka_unit_test(test_km_median_on_half),
		cmocka_unit_test(test_untimed_completions),
		cmocka_unit_test(test_absent_file),
		cmocka_unit_test(test_empty_file),
		cmocka_unit_test(test_deterministic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
