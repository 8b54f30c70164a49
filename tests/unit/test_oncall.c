/*
 * Unit tests for oncall on small hand-built databases: exact engaged and
 * off-hours hours across the 2025 DST changes in Europe/Berlin and
 * America/New_York, overlapping and repeated engagements, intervals
 * crossing a month boundary, still-open engagements clipped to the as-of
 * instant, missing roster entries, unknown and path-like zones, page bands
 * at their 08:00/18:00/22:00 edges, runs of sleep-hour nights, the score
 * and its reasons, team concentration, and anonymized output that holds no
 * name anywhere (CSV files and chart data).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pirx/db.h"
#include "pirx/fsutil.h"
#include "pirx/mem.h"
#include "pirx/oncall.h"
#include "pirx/report.h"
#include "pirx/timefmt.h"

#define H 3600

static int64_t T(const char *s)
{
	int64_t t;
	const char *why;

	assert_int_equal(pirx_time_parse(s, strlen(s), &t, &why), 0);
	return t;
}

static int M(const char *s)
{
	int m;

	assert_int_equal(pirx_month_parse(s, &m), 0);
	return m;
}

static pirx_db *db_new(void)
{
	struct pirx_err err;
	pirx_db *db;

	pirx_err_clear(&err);
	assert_int_equal(pirx_db_open(":memory:", PIRX_DB_CREATE, &db, &err), 0);
	assert_int_equal(pirx_db_run_script(db, "schema", &err), 0);
	return db;
}

static void exec(pirx_db *db, const char *sql, const char *a, const char *b, int64_t x,
		 int64_t y)
{
	struct pirx_err err;
	pirx_stmt *st;

	pirx_err_clear(&err);
	assert_int_equal(pirx_db_prepare_sql(db, sql, &st, &err), 0);
	if (a)
		pirx_stmt_bind_text(st, 1, a, -1);
	else
		pirx_stmt_bind_null(st, 1);
	if (b)
		pirx_stmt_bind_text(st, 2, b, -1);
	else
		pirx_stmt_bind_null(st, 2);
	if (x != -1)
		pirx_stmt_bind_int64(st, 3, x);
	else
		pirx_stmt_bind_null(st, 3);
	if (y != -1)
		pirx_stmt_bind_int64(st, 4, y);
	else
		pirx_stmt_bind_null(st, 4);
	assert_int_equal(pirx_stmt_step(st, &err), 0);
	pirx_stmt_finalize(st);
}

/* An incident; resolved -1: still open. */
static void incident(pirx_db *db, const char *id, int64_t started, int64_t resolved)
{
	exec(db, "INSERT INTO incidents (id, title, started_at, resolved_at, source_line) "
		 "VALUES (?1, ?2, ?3, ?4, 1)", id, NULL, started, resolved);
}

/* An engagement; left -1: until the incident is resolved. */
static void engage(pirx_db *db, const char *inc, const char *who, int64_t joined, int64_t left)
{
	exec(db, "INSERT INTO responders (incident_id, responder, joined_at, left_at, source_line) "
		 "VALUES (?1, ?2, ?3, ?4, 1)", inc, who, joined, left);
}

static void page(pirx_db *db, const char *who, int64_t at)
{
	exec(db, "INSERT INTO pages (responder, incident_id, paged_at, source_line) "
		 "VALUES (?1, ?2, ?3, 1)", who, NULL, at, -1);
}

static void roster(pirx_db *db, const char *who, const char *team, const char *tz)
{
	struct pirx_err err;
	pirx_stmt *st;

	pirx_err_clear(&err);
	assert_int_equal(pirx_db_prepare_sql(db, "INSERT INTO roster (responder, team, timezone, "
						 "source_line) VALUES (?1, ?2, ?3, 1)", &st, &err), 0);
	pirx_stmt_bind_text(st, 1, who, -1);
	if (team)
		pirx_stmt_bind_text(st, 2, team, -1);
	else
		pirx_stmt_bind_null(st, 2);
	if (tz)
		pirx_stmt_bind_text(st, 3, tz, -1);
	else
		pirx_stmt_bind_null(st, 3);
	assert_int_equal(pirx_stmt_step(st, &err), 0);
	pirx_stmt_finalize(st);
}

static struct pirx_oncall *compute(pirx_db *db, const char *month, int anonymize)
{
	struct pirx_oncall *o;
	struct pirx_err err;

	pirx_err_clear(&err);
	assert_int_equal(pirx_oncall_compute(db, M(month), anonymize, &o, &err), 0);
	return o;
}

static const struct pirx_oncall_row *row_of(const struct pirx_oncall *o, const char *who,
					    const char *month)
{
	int m = M(month);

	for (size_t i = 0; i < o->nrows; i++)
		if (o->rows[i].month == m && strcmp(o->responders[o->rows[i].responder].name, who) == 0)
			return &o->rows[i];
	return NULL;
}

static void test_dst_berlin(void **state)
{
	pirx_db *db = db_new();
	struct pirx_oncall *o;
	const struct pirx_oncall_row *r;

	(void)state;
	roster(db, "anna", "core", "Europe/Berlin");
	/* Sun 2025-03-30 01:00 CET to Mon 10:00 CEST: 32 h, of which Sunday
	 * (00:00Z-22:00Z, 22 h: the local day is 23 h long) and Monday
	 * 00:00-08:00 local (8 h) are off-hours; 08:00-10:00 is not. */
	incident(db, "I1", T("2025-03-30T00:00Z"), T("2025-03-31T08:00Z"));
	engage(db, "I1", "anna", T("2025-03-30T00:00Z"), -1);
	/* Mon 2025-10-27 06:00Z-07:30Z is 07:00-08:30 CET (after the change
	 * back): 1 h off-hours (CEST would give none). */
	incident(db, "I2", T("2025-10-27T06:00Z"), T("2025-10-27T08:00Z"));
	engage(db, "I2", "anna", T("2025-10-27T06:00Z"), T("2025-10-27T07:30Z"));
	/* The night of the change: Sat 2025-10-25 23:30Z (Sun 01:30 CEST) to
	 * Sun 02:30Z (03:30 CET): 3 h, all weekend. */
	incident(db, "I3", T("2025-10-25T23:00Z"), T("2025-10-26T03:00Z"));
	engage(db, "I3", "anna", T("2025-10-25T23:30Z"), T("2025-10-26T02:30Z"));
	o = compute(db, "2025-12", 0);
	r = row_of(o, "anna", "2025-03");
	assert_non_null(r);
	assert_int_equal(r->engaged_s, 32 * H);
	assert_int_equal(r->offhours_s, 30 * H);
	assert_int_equal(r->incidents, 1);
	r = row_of(o, "anna", "2025-10");
	assert_int_equal(r->engaged_s, 90 * 60 + 3 * H);
	assert_int_equal(r->offhours_s, 1 * H + 3 * H);
	assert_int_equal(r->incidents, 2);
	assert_string_equal(o->responders[r->responder].team, "core");
	assert_int_equal(o->nunknown, 0);
	/* Alone in the data: too few responders to compare. */
	assert_true(isnan(r->load_score));
	assert_int_equal(r->risk, PIRX_RISK_NORMAL);
	assert_string_equal(r->reasons, "only 1 responder active in these 3 months: too few to compare");
	pirx_oncall_free(o);
	pirx_db_close(db);
}

static void test_dst_new_york(void **state)
{
	pirx_db *db = db_new();
	struct pirx_oncall *o;
	const struct pirx_oncall_row *r;

	(void)state;
	roster(db, "bea", "edge", "America/New_York");
	/* Mon 2025-03-10 11:00Z-13:00Z is 07:00-09:00 EDT: 1 h off-hours. */
	incident(db, "I1", T("2025-03-10T11:00Z"), T("2025-03-10T13:00Z"));
	engage(db, "I1", "bea", T("2025-03-10T11:00Z"), -1);
	/* Mon 2025-11-03 21:30Z-23:30Z is 16:30-18:30 EST: 30 min off-hours. */
	incident(db, "I2", T("2025-11-03T21:30Z"), T("2025-11-03T23:30Z"));
	engage(db, "I2", "bea", T("2025-11-03T21:30Z"), -1);
	/* Fri 2025-03-07 22:30Z is 17:30 EST (not off-hours); Fri 2025-03-14
	 * 22:30Z is 18:30 EDT (off-hours). Both before 22:00: no sleep. */
	page(db, "bea", T("2025-03-07T22:30Z"));
	page(db, "bea", T("2025-03-14T22:30Z"));
	/* 2025-03-09 06:30Z is 01:30 EST, just before the jump: sleep. */
	page(db, "bea", T("2025-03-09T06:30Z"));
	o = compute(db, "2025-11", 0);
	r = row_of(o, "bea", "2025-03");
	assert_int_equal(r->engaged_s, 2 * H);
	assert_int_equal(r->offhours_s, 1 * H);
	assert_int_equal(r->pages, 3);
	assert_int_equal(r->offhours_pages, 2);
	assert_int_equal(r->sleep_pages, 1);
	r = row_of(o, "bea", "2025-11");
	assert_int_equal(r->engaged_s, 2 * H);
	assert_int_equal(r->offhours_s, 30 * 60);
	pirx_oncall_free(o);
	pirx_db_close(db);
}

static void test_overlaps_and_months(void **state)
{
	pirx_db *db = db_new();
	struct pirx_oncall *o;
	const struct pirx_oncall_row *r;

	(void)state;
	/* Not in the roster: UTC, no team. Wed 2025-01-15. */
	incident(db, "A", T("2025-01-15T10:00Z"), T("2025-01-15T12:00Z"));
	incident(db, "B", T("2025-01-15T11:00Z"), T("2025-01-15T13:00Z"));
	incident(db, "C", T("2025-01-15T11:15Z"), T("2025-01-15T11:45Z"));
	engage(db, "A", "carl", T("2025-01-15T10:00Z"), -1);
	engage(db, "B", "carl", T("2025-01-15T11:00Z"), -1);
	engage(db, "C", "carl", T("2025-01-15T11:15Z"), -1);
	/* Rejoining the same incident counts it once. */
	engage(db, "A", "carl", T("2025-01-15T17:00Z"), T("2025-01-15T19:00Z"));
	/* Fri 2025-01-31 22:00Z to Sat 03:00Z: 2 h in January, 3 in February. */
	incident(db, "D", T("2025-01-31T21:00Z"), T("2025-02-01T03:00Z"));
	engage(db, "D", "carl", T("2025-01-31T22:00Z"), -1);
	/* Left before joining (kept out-of-order data): the incident counts,
	 * no hours. */
	incident(db, "E", T("2025-02-10T10:00Z"), T("2025-02-10T11:00Z"));
	engage(db, "E", "carl", T("2025-02-10T10:30Z"), T("2025-02-10T10:00Z"));
	/* Still open with no left_at: until the as-of instant (2025-04-01). */
	incident(db, "F", T("2025-03-31T20:00Z"), -1);
	engage(db, "F", "carl", T("2025-03-31T20:00Z"), -1);
	/* After the as-of instant: not counted. */
	incident(db, "G", T("2025-04-02T10:00Z"), T("2025-04-02T11:00Z"));
	engage(db, "G", "carl", T("2025-04-02T10:00Z"), -1);
	page(db, "carl", T("2025-04-02T10:00Z"));
	o = compute(db, "2025-03", 0);
	assert_int_equal(o->first_month, M("2025-01"));
	r = row_of(o, "carl", "2025-01");
	assert_int_equal(r->incidents, 4);
	/* 10:00-13:00 (3 h) + 17:00-19:00 (2 h, 1 off-hours) + 22:00-24:00 (2 h off). */
	assert_int_equal(r->engaged_s, 7 * H);
	assert_int_equal(r->offhours_s, 3 * H);
	r = row_of(o, "carl", "2025-02");
	assert_int_equal(r->incidents, 2);
	assert_int_equal(r->engaged_s, 3 * H);
	assert_int_equal(r->offhours_s, 3 * H);
	r = row_of(o, "carl", "2025-03");
	assert_int_equal(r->incidents, 1);
	assert_int_equal(r->engaged_s, 4 * H);
	assert_int_equal(r->pages, 0);
	assert_null(row_of(o, "carl", "2025-04"));
	assert_null(o->responders[r->responder].team);
	assert_int_equal(o->unrostered, 1);
	/* The 3-month totals on the March row. */
	assert_int_equal(r->incidents3, 6);
	assert_int_equal(r->engaged3_s, 14 * H);
	pirx_oncall_free(o);
	pirx_db_close(db);
}

/* Engagements and pages are ordered (and engagements joined to their
 * incidents) by oncall.c: inserted in any order they give the same
 * figures, names go in byte order ("Zoe" before "amy") as the roster
 * query sorts them, and an engagement of an incident not in the corpus is
 * left out. */
static void test_engagements_in_any_order(void **state)
{
	pirx_db *db = db_new();
	struct pirx_oncall *o;
	const struct pirx_oncall_row *r;

	(void)state;
	/* Wed 2025-01-15, working hours. */
	incident(db, "A", T("2025-01-15T10:00Z"), T("2025-01-15T12:00Z"));
	incident(db, "B", T("2025-01-15T11:00Z"), T("2025-01-15T13:00Z"));
	engage(db, "A", "amy", T("2025-01-15T12:30Z"), T("2025-01-15T14:00Z"));
	engage(db, "B", "amy", T("2025-01-15T11:00Z"), -1);
	engage(db, "X", "Zoe", T("2025-01-15T09:00Z"), T("2025-01-15T23:00Z"));
	engage(db, "A", "Zoe", T("2025-01-15T10:00Z"), -1);
	engage(db, "A", "amy", T("2025-01-15T10:00Z"), T("2025-01-15T10:30Z"));
	page(db, "amy", T("2025-01-15T11:00Z"));
	page(db, "Zoe", T("2025-01-15T10:00Z"));
	/* Three nights in a row, stored out of time order. */
	page(db, "amy", T("2025-01-20T23:00Z"));
	page(db, "amy", T("2025-01-18T23:00Z"));
	page(db, "amy", T("2025-01-19T23:00Z"));
	o = compute(db, "2025-01", 0);
	assert_int_equal(o->nresponders, 2);
	assert_string_equal(o->responders[0].name, "Zoe");
	assert_string_equal(o->responders[1].name, "amy");
	/* 10:00-10:30 and 11:00-14:00 (B until resolved, then A again). */
	r = row_of(o, "amy", "2025-01");
	assert_int_equal(r->incidents, 2);
	assert_int_equal(r->engaged_s, 7 * H / 2);
	assert_int_equal(r->pages, 4);
	assert_int_equal(r->sleep_pages, 3);
	assert_int_equal(r->sleep_run, 3);
	/* A until resolved; X is not an incident of the corpus. */
	r = row_of(o, "Zoe", "2025-01");
	assert_int_equal(r->incidents, 1);
	assert_int_equal(r->engaged_s, 2 * H);
	assert_int_equal(r->offhours_s, 0);
	assert_int_equal(r->pages, 1);
	pirx_oncall_free(o);
	pirx_db_close(db);
}

static void test_unknown_zones(void **state)
{
	pirx_db *db = db_new();
	struct pirx_oncall *o;
	const struct pirx_oncall_row *r;

	(void)state;
	roster(db, "dee", "ops", "Mars/Olympus_Mons");
	roster(db, "eli", "ops", "Mars/Olympus_Mons");
	roster(db, "fay", "ops", "../../../etc/passwd");
	roster(db, "gus", "ops", "");
	roster(db, "hank", NULL, NULL);                 /* in the roster, nothing known */
	roster(db, "nobody", "ops", "Europe/Berlin");   /* no data: not reported */
	/* Mon 2025-06-02 07:00Z-09:00Z: 1 h before 08:00 UTC. */
	incident(db, "I", T("2025-06-02T07:00Z"), T("2025-06-02T09:00Z"));
	engage(db, "I", "dee", T("2025-06-02T07:00Z"), -1);
	engage(db, "I", "eli", T("2025-06-02T07:00Z"), -1);
	engage(db, "I", "fay", T("2025-06-02T07:00Z"), -1);
	engage(db, "I", "gus", T("2025-06-02T07:00Z"), -1);
	engage(db, "I", "hank", T("2025-06-02T07:00Z"), -1);
	o = compute(db, "2025-06", 0);
	assert_int_equal(o->nresponders, 5);
	assert_int_equal(o->nunknown, 2);
	assert_string_equal(o->unknown_zones[0], "../../../etc/passwd");
	assert_string_equal(o->unknown_zones[1], "Mars/Olympus_Mons");
	assert_int_equal(o->unknown_zone_responders, 3);
	assert_int_equal(o->unrostered, 0);
	r = row_of(o, "dee", "2025-06");
	assert_int_equal(r->offhours_s, 1 * H);
	assert_false(o->responders[r->responder].zone_known);
	r = row_of(o, "hank", "2025-06");
	assert_int_equal(r->offhours_s, 1 * H);
	assert_null(o->responders[r->responder].team);
	r = row_of(o, "gus", "2025-06");
	assert_int_equal(r->offhours_s, 1 * H);
	/* Five responders active: enough to compare; all alike, all normal. */
	assert_false(isnan(r->load_score));
	assert_int_equal(r->risk, PIRX_RISK_NORMAL);
	assert_string_equal(r->reasons, "");
	pirx_oncall_free(o);
	pirx_db_close(db);
}

static void test_page_edges_and_runs(void **state)
{
	pirx_db *db = db_new();
	struct pirx_oncall *o;
	const struct pirx_oncall_row *r;

	(void)state;
	roster(db, "hal", "web", "UTC");
	roster(db, "ida", "web", "Europe/Berlin");
	/* Tue 2025-06-03 in UTC. */
	page(db, "hal", T("2025-06-03T07:59:59Z"));   /* sleep, off-hours */
	page(db, "hal", T("2025-06-03T08:00:00Z"));   /* neither */
	page(db, "hal", T("2025-06-03T17:59:59Z"));   /* neither */
	page(db, "hal", T("2025-06-03T18:00:00Z"));   /* off-hours */
	page(db, "hal", T("2025-06-03T21:59:59Z"));   /* off-hours */
	page(db, "hal", T("2025-06-03T22:00:00Z"));   /* sleep, off-hours */
	page(db, "hal", T("2025-06-07T12:00:00Z"));   /* Saturday: off-hours */
	/* Berlin in winter: 21:00Z is 22:00 local (sleep), 06:59Z is 07:59. */
	page(db, "ida", T("2025-01-14T21:00Z"));
	page(db, "ida", T("2025-01-15T06:59Z"));       /* the same night */
	page(db, "ida", T("2025-01-15T22:30Z"));       /* night 2 */
	page(db, "ida", T("2025-01-17T01:00Z"));       /* 02:00 local: night 3 */
	page(db, "ida", T("2025-01-17T23:00Z"));       /* 00:00 local on the 18th: night 4 */
	page(db, "ida", T("2025-01-19T22:00Z"));       /* 23:00 on the 19th: night 6 */
	/* A run that goes on into February ends there. */
	page(db, "ida", T("2025-01-31T22:00Z"));
	page(db, "ida", T("2025-02-01T22:00Z"));
	o = compute(db, "2025-06", 0);
	r = row_of(o, "hal", "2025-06");
	assert_int_equal(r->pages, 7);
	assert_int_equal(r->sleep_pages, 2);
	assert_int_equal(r->offhours_pages, 5);
	assert_int_equal(r->engaged_s, 0);
	assert_int_equal(r->sleep_run, 2);   /* the nights of the 2nd and the 3rd */
	r = row_of(o, "ida", "2025-01");
	assert_int_equal(r->sleep_pages, 7);
	assert_int_equal(r->sleep_run, 4);
	r = row_of(o, "ida", "2025-02");
	assert_int_equal(r->sleep_run, 2);
	/* Team concentration: the longest run and who. */
	for (size_t i = 0; i < o->nteams; i++)
		if (o->teams[i].month == M("2025-01")) {
			assert_string_equal(o->teams[i].team, "web");
			assert_int_equal(o->teams[i].sleep_run, 4);
			assert_string_equal(o->responders[o->teams[i].sleep_run_who].name, "ida");
			assert_true(isnan(o->teams[i].busiest_share));
		}
	pirx_oncall_free(o);
	pirx_db_close(db);
}

/* 20 responders with a light, even load and one with far more. */
static pirx_db *population(void)
{
	pirx_db *db = db_new();
	char who[32], id[32];
	int64_t day = T("2025-05-05T10:00Z");  /* a Monday */

	for (int p = 0; p < 20; p++) {
		snprintf(who, sizeof(who), "person%02d", p);
		roster(db, who, p < 10 ? "red" : "blue", "UTC");
		for (int k = 0; k < 3; k++) {
			int64_t t = day + (int64_t)k * 86400;   /* Mon-Wed 10:00 */
			snprintf(id, sizeof(id), "P%02d-%d", p, k);
			incident(db, id, t, t + H);
			engage(db, id, who, t, -1);
			page(db, who, t);
		}
		page(db, who, day + (int64_t)p * 86400 + 13 * H);   /* one at 23:00 */
	}
	roster(db, "zed", "red", "UTC");
	for (int k = 0; k < 20; k++) {
		int64_t t = day + (int64_t)k * 86400 + 14 * H;   /* midnight UTC */
		snprintf(id, sizeof(id), "Z%02d", k);
		incident(db, id, t, t + 2 * H);
		engage(db, id, "zed", t, -1);
		page(db, "zed", t);
	}
	return db;
}

static void test_score_and_reasons(void **state)
{
	pirx_db *db = population();
	struct pirx_oncall *o = compute(db, "2025-05", 0);
	const struct pirx_oncall_row *r;
	long high = 0;

	(void)state;
	r = row_of(o, "zed", "2025-05");
	assert_int_equal(r->incidents, 20);
	assert_int_equal(r->sleep_pages, 20);
	assert_int_equal(r->risk, PIRX_RISK_HIGH);
	/* Strongest first: z = 40 / 2 h, then (20 - 1) / 1, then (20 - 3) / 1. */
	assert_string_equal(r->reasons, "40.0 off-hours hours engaged in 3 months (median 0.0); "
			    "20 sleep-hour pages (median 1); 20 incidents (median 3), compared "
			    "with the 21 responders active in these months");
	assert_true(fabs(r->load_score - (20.0 + 19.0 + 17.0)) < 1e-9);
	assert_non_null(strstr(r->reasons, "the 21 responders active"));
	assert_null(strstr(r->reasons, "zed"));
	for (size_t i = 0; i < o->nrows; i++)
		high += o->rows[i].risk != PIRX_RISK_NORMAL;
	assert_int_equal(high, 1);
	r = row_of(o, "person03", "2025-05");
	assert_int_equal(r->risk, PIRX_RISK_NORMAL);
	assert_string_equal(r->reasons, "");
	/* Team red: zed carries 40 of its 70 engaged hours. */
	for (size_t i = 0; i < o->nteams; i++)
		if (strcmp(o->teams[i].team, "red") == 0) {
			assert_int_equal(o->teams[i].responders, 11);
			assert_int_equal(o->teams[i].engaged_s, 70 * H);
			assert_true(fabs(o->teams[i].busiest_share - 40.0 / 70.0) < 1e-12);
			assert_string_equal(o->responders[o->teams[i].busiest].name, "zed");
		}
	pirx_oncall_free(o);
	pirx_db_close(db);
}

static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	char *s;
	long n;

	if (!fp)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	s = pirx_xmalloc((size_t)n + 1);
	assert_int_equal(fread(s, 1, (size_t)n, fp), (size_t)n);
	s[n] = '\0';
	fclose(fp);
	return s;
}

static void test_anonymized_run(void **state)
{
	pirx_db *db = population();
	struct pirx_report_ctx ctx;
	struct pirx_err err;
	struct pirx_oncall *o;
	char dir[] = "/tmp/pirx-oncall-XXXXXX";
	char charts[64];
	static const char *const files[] = {
		"responder_load.csv", "team_concentration.csv", "oncall_warnings.csv",
		"charts/responder_load.dat", "charts/responder_load.gp"
	};

	(void)state;
	/* Pseudonyms in order of first appearance (ties by name): everyone
	 * else starts at 10:00 on the 5th, zed at midnight after it. */
	o = compute(db, "2025-05", 1);
	assert_string_equal(o->responders[0].label, "responder-001");   /* person00 */
	for (size_t i = 0; i < o->nresponders; i++)
		if (strcmp(o->responders[i].name, "zed") == 0)
			assert_string_equal(o->responders[i].label, "responder-021");
	/* Rows follow pseudonym order, not name order. */
	for (size_t i = 1; i < o->nrows; i++)
		assert_true(strcmp(o->responders[o->rows[i - 1].responder].label,
				   o->responders[o->rows[i].responder].label) < 0);
	pirx_oncall_free(o);

	assert_non_null(mkdtemp(dir));
	snprintf(charts, sizeof(charts), "%s/charts", dir);
	assert_int_equal(mkdir(charts, 0755), 0);
	memset(&ctx, 0, sizeof(ctx));
	ctx.db = db;
	ctx.dir = dir;
	ctx.charts_dir = charts;
	ctx.month = M("2025-05");
	ctx.window = 12;
	ctx.window_start = ctx.month - 11;
	ctx.first_month = ctx.month;
	ctx.as_of = pirx_month_start(ctx.month + 1);
	ctx.anonymize = 1;
	pirx_err_clear(&err);
	assert_int_equal(pirx_oncall_run(&ctx, &err), 0);
	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		char *path = pirx_fs_join(dir, files[f]);
		char *text = slurp(path);
		assert_non_null(text);
		assert_null(strstr(text, "person"));
		assert_null(strstr(text, "zed"));
		if (f == 0)
			assert_non_null(strstr(text, "2025-05,responder-021,red,20,40.00,"));
		free(text);
		free(path);
	}
	pirx_fs_rmtree(dir);
	pirx_db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dst_berlin),
		cmocka_unit_test(test_dst_new_york),
		cmocka_unit_test(test_overlaps_and_months),
		cmocka_unit_test(test_engagements_in_any_order),
		cmocka_unit_test(test_unknown_zones),
		cmocka_unit_test(test_page_edges_and_runs),
		cmocka_unit_test(test_score_and_reasons),
		cmocka_unit_test(test_anonymized_run),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
