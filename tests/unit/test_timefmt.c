/*
 * test_timefmt: the strict timestamp grammar of SPEC section 2 and the
 * month helpers every monthly metric is built on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pirx/timefmt.h"

static int64_t ok(const char *s)
{
	int64_t t = -1;
	const char *why = NULL;

	if (pirx_time_parse(s, strlen(s), &t, &why) != 0)
		fail_msg("'%s' should parse but did not: %s", s, why);
	return t;
}

static const char *bad(const char *s)
{
	int64_t t = 12345;
	const char *why = NULL;

	if (pirx_time_parse(s, strlen(s), &t, &why) == 0)
		fail_msg("'%s' should be refused", s);
	assert_non_null(why);
	assert_int_equal(t, 12345);   /* untouched on failure */
	return why;
}

static void test_forms(void **state)
{
	(void)state;
	assert_int_equal(ok("1970-01-01T00:00:00Z"), 0);
	assert_int_equal(ok("2026-01-05T10:00:00Z"), 1767607200);
	assert_int_equal(ok("2026-01-05T10:00Z"), 1767607200);          /* no seconds */
	assert_int_equal(ok("2026-01-05 10:00:00Z"), 1767607200);       /* space for T */
	assert_int_equal(ok("2026-01-05T10:00:00"), 1767607200);        /* no offset = UTC */
	assert_int_equal(ok("2026-01-05T10:00"), 1767607200);
	assert_int_equal(ok("2026-01-05t10:00:00z"), 1767607200);
}

static void test_offsets(void **state)
{
	(void)state;
	assert_int_equal(ok("2026-01-05T12:00:00+02:00"), 1767607200);
	assert_int_equal(ok("2026-01-05T05:30:00-04:30"), 1767607200);
	assert_int_equal(ok("2026-01-05T10:00:00+00:00"), 1767607200);
	assert_int_equal(ok("2026-01-05T10:00:00-00:00"), 1767607200);
	/* Crossing midnight and the year boundary with an offset. */
	assert_int_equal(ok("2026-01-01T01:00:00+02:00"), ok("2025-12-31T23:00:00Z"));
	assert_string_equal(bad("2026-01-05T10:00:00+24:00"), "offset is out of range");
	assert_string_equal(bad("2026-01-05T10:00:00+02:60"), "offset is out of range");
	bad("2026-01-05T10:00:00+2");
}

static void test_fractions(void **state)
{
	(void)state;
	/* Fractions are cut toward the past. */
	assert_int_equal(ok("2026-01-05T10:00:00.999Z"), 1767607200);
	assert_int_equal(ok("2026-01-05T10:00:00.5+01:00"), 1767607200 - 3600);
	assert_int_equal(ok("2026-01-05T10:00:00.123456789"), 1767607200);
	assert_string_equal(bad("2026-01-05T10:00:00.Z"), "expected digits after the decimal point");
}

static void test_calendar(void **state)
{
	(void)state;
	assert_int_equal(ok("2024-02-29T00:00:00Z"), 1709164800);       /* leap year */
	assert_string_equal(bad("2025-02-29T00:00:00Z"), "day does not exist in that month");
	assert_string_equal(bad("2024-02-30T00:00:00Z"), "day does not exist in that month");
	ok("2000-02-29T00:00:00Z");                                     /* 400-year rule */
	bad("1900-02-29T00:00:00Z");                                    /* 100-year rule */
	assert_string_equal(bad("2026-04-31T00:00:00Z"), "day does not exist in that month");
	assert_string_equal(bad("2026-13-01T00:00:00Z"), "month is out of range 01-12");
	assert_string_equal(bad("2026-00-01T00:00:00Z"), "month is out of range 01-12");
	assert_string_equal(bad("2026-01-00T00:00:00Z"), "day does not exist in that month");
	assert_string_equal(bad("2026-01-05T24:00:00Z"), "hour is out of range 00-23");
	assert_string_equal(bad("2026-01-05T10:60:00Z"), "minute is out of range 00-59");
	bad("2026-01-05T10:00:61Z");
	/* A leap second counts as :59. */
	assert_int_equal(ok("2016-12-31T23:59:60Z"), ok("2016-12-31T23:59:59Z"));
}

static void test_junk(void **state)
{
	(void)state;
	assert_string_equal(bad(""), "expected YYYY-MM-DD");
	assert_string_equal(bad("2026-01-05T10:00:00Z junk"), "unexpected text after the time");
	assert_string_equal(bad("2026-01-05T10:00:00ZZ"), "unexpected text after the time");
	assert_string_equal(bad("2026-01-05"), "expected a time of day after the date");
	assert_string_equal(bad("2026-01-05X10:00"), "expected 'T' or a space between date and time");
	bad(" 2026-01-05T10:00:00Z");                /* blanks are the caller's to trim */
	bad("2026-01-05T10:00:00Z ");
	bad("26-01-05T10:00:00Z");
	bad("2026-1-5T10:00:00Z");
	bad("2026/01/05T10:00:00Z");
	bad("2026-01-05T1000");
	bad("yesterday");
	/* The length is what counts, not a NUL. */
	{
		int64_t t;
		const char *why;
		assert_int_equal(pirx_time_parse("2026-01-05T10:00Zjunk", 17, &t, &why), 0);
		assert_int_equal(t, 1767607200);
	}
}

static void test_format(void **state)
{
	char buf[PIRX_TIME_STRLEN];

	(void)state;
	pirx_time_format(0, buf);
	assert_string_equal(buf, "1970-01-01T00:00:00Z");
	pirx_time_format(1767607200, buf);
	assert_string_equal(buf, "2026-01-05T10:00:00Z");
	pirx_time_format(-1, buf);
	assert_string_equal(buf, "1969-12-31T23:59:59Z");
	pirx_time_format(ok("2024-02-29T23:59:59Z"), buf);
	assert_string_equal(buf, "2024-02-29T23:59:59Z");
	pirx_time_format(ok("0001-01-01T00:00:00Z"), buf);
	assert_string_equal(buf, "0001-01-01T00:00:00Z");
	pirx_time_format(ok("9999-12-31T23:59:59Z"), buf);
	assert_string_equal(buf, "9999-12-31T23:59:59Z");
	/* Every 7919 s from 1900 to 2200 reads back as the instant it came
	 * from, in the fixed 20-character form. */
	for (int64_t t = -2208988800LL; t < 7258118400LL; t += 7919) {
		int64_t back;
		const char *why;
		pirx_time_format(t, buf);
		assert_int_equal(strlen(buf), PIRX_TIME_STRLEN - 1);
		assert_int_equal(pirx_time_parse(buf, strlen(buf), &back, &why), 0);
		assert_true(back == t);
	}
}

static void test_months(void **state)
{
	char buf[PIRX_MONTH_STRLEN];
	int m;

	(void)state;
	assert_int_equal(pirx_month_of(ok("2026-01-31T23:59:59Z")), 2026 * 12);
	assert_int_equal(pirx_month_of(ok("2026-02-01T00:00:00Z")), 2026 * 12 + 1);
	/* An offset can move an instant into the previous month (UTC months). */
	assert_int_equal(pirx_month_of(ok("2026-02-01T01:00:00+02:00")), 2026 * 12);
	assert_int_equal(pirx_month_start(2026 * 12 + 1), ok("2026-02-01T00:00:00Z"));
	assert_int_equal(pirx_month_start(2025 * 12 + 11) + 31 * 86400, pirx_month_start(2026 * 12));
	pirx_month_format(2026 * 12 + 11, buf);
	assert_string_equal(buf, "2026-12");
	assert_int_equal(pirx_month_parse("2026-03", &m), 0);
	assert_int_equal(m, 2026 * 12 + 2);
	assert_int_equal(pirx_month_parse("2026-13", &m), -1);
	assert_int_equal(pirx_month_parse("2026-3", &m), -1);
	assert_int_equal(pirx_month_parse("2026-03-01", &m), -1);
	assert_int_equal(pirx_month_parse("", &m), -1);
	assert_int_equal(pirx_days_in_month(2024, 2), 29);
	assert_int_equal(pirx_days_in_month(2100, 2), 28);
	assert_int_equal(pirx_days_in_month(2026, 12), 31);
	assert_int_equal(pirx_days_from_civil(1970, 1, 1), 0);
	{
		int y, mo, d;
		pirx_civil_from_days(pirx_days_from_civil(2024, 2, 29), &y, &mo, &d);
		assert_int_equal(y, 2024);
		assert_int_equal(mo, 2);
		assert_int_equal(d, 29);
	}
}

/* pirx_month_of remembers the last month: runs, jumps back and forth,
 * month edges and times before 1970 all agree with the calendar. */
static int month_by_calendar(int64_t t)
{
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int y, m, d;

	pirx_civil_from_days(days, &y, &m, &d);
	return y * 12 + m - 1;
}

static void test_month_of_runs(void **state)
{
	int64_t edge = pirx_month_start(2026 * 12 + 2);
	const int64_t jumps[] = {edge - 1, edge, edge - 1, edge + 1, -1, 0, -86400 * 40, edge, edge - 1};

	(void)state;
	for (int64_t t = -2208988800; t < 7258118400; t += 7919)   /* 1900 to 2200 */
		assert_int_equal(pirx_month_of(t), month_by_calendar(t));
	for (size_t i = 0; i < sizeof(jumps) / sizeof(jumps[0]); i++)
		assert_int_equal(pirx_month_of(jumps[i]), month_by_calendar(jumps[i]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_offsets),
		cmocka_unit_test(test_fractions),
		cmocka_unit_test(test_calendar),
		cmocka_unit_test(test_junk),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_months),
		cmocka_unit_test(test_month_of_runs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
