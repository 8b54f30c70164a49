/*
 * Unit tests for tzlocal: zone-name checks (path tricks refused), offsets
 * and their change instants in Europe/Berlin, America/New_York and
 * Australia/Sydney around the 2025 DST changes, local-day pieces across a
 * change, growth of the range, and TZ restored after loading.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pirx/timefmt.h"
#include "pirx/tzlocal.h"

static int64_t T(const char *s)
{
	int64_t t;
	const char *why;

	assert_int_equal(pirx_time_parse(s, strlen(s), &t, &why), 0);
	return t;
}

static void test_known_names(void **state)
{
	(void)state;
	assert_true(pirx_tzlocal_known("Europe/Berlin"));
	assert_true(pirx_tzlocal_known("America/New_York"));
	assert_true(pirx_tzlocal_known("UTC"));
	assert_true(pirx_tzlocal_known("America/Argentina/Buenos_Aires"));
	assert_false(pirx_tzlocal_known(""));
	assert_false(pirx_tzlocal_known(NULL));
	assert_false(pirx_tzlocal_known("Mars/Olympus_Mons"));
	assert_false(pirx_tzlocal_known("/etc/passwd"));
	assert_false(pirx_tzlocal_known("../../../etc/passwd"));
	assert_false(pirx_tzlocal_known("Europe/../Europe/Berlin"));
	assert_false(pirx_tzlocal_known("Europe/./Berlin"));
	assert_false(pirx_tzlocal_known("Europe//Berlin"));
	assert_false(pirx_tzlocal_known("Europe/Berlin/"));
	assert_false(pirx_tzlocal_known("Europe"));          /* a directory */
	assert_false(pirx_tzlocal_known("CET-1CEST"));       /* a POSIX string */
	assert_false(pirx_tzlocal_known("Europe/Berlin\n"));
	assert_false(pirx_tzlocal_known("Europe/Berlin x"));
	assert_false(pirx_tzlocal_known("localtime"));
	assert_null(pirx_tzlocal_new("Mars/Olympus_Mons", 0, 1));
}

/* Roster exports are careless with case: the tz database's spelling is
 * found, and the zone behaves as the correctly spelled one. */
static void test_names_ignore_case(void **state)
{
	char canon[PIRX_TZ_NAME_MAX];
	pirx_tzlocal *z;

	(void)state;
	assert_true(pirx_tzlocal_resolve("europe/berlin", canon, sizeof(canon)));
	assert_string_equal(canon, "Europe/Berlin");
	assert_true(pirx_tzlocal_resolve("AMERICA/NEW_YORK", canon, sizeof(canon)));
	assert_string_equal(canon, "America/New_York");
	assert_true(pirx_tzlocal_resolve("america/argentina/buenos_aires", canon, sizeof(canon)));
	assert_string_equal(canon, "America/Argentina/Buenos_Aires");
	assert_true(pirx_tzlocal_resolve("Europe/Berlin", canon, sizeof(canon)));
	assert_string_equal(canon, "Europe/Berlin");
	assert_true(pirx_tzlocal_known("utc"));
	assert_false(pirx_tzlocal_known("europe/nowhere"));
	assert_false(pirx_tzlocal_known("europe"));            /* still a directory */
	assert_false(pirx_tzlocal_known("../../etc/passwd"));
	assert_false(pirx_tzlocal_resolve("Europe/Berlin", canon, 5)); /* no room */
	z = pirx_tzlocal_new("europe/berlin", T("2025-01-01T00:00Z"), T("2026-01-01T00:00Z"));
	assert_non_null(z);
	assert_int_equal(pirx_tzlocal_offset(z, T("2025-07-01T00:00Z"), NULL), 7200);
	pirx_tzlocal_free(z);
}

static void test_berlin_changes(void **state)
{
	pirx_tzlocal *z = pirx_tzlocal_new("Europe/Berlin", T("2025-01-01T00:00Z"),
					   T("2026-01-01T00:00Z"));
	int64_t next;

	(void)state;
	assert_non_null(z);
	assert_int_equal(pirx_tzlocal_offset(z, T("2025-03-29T12:00Z"), &next), 3600);
	assert_true(next == T("2025-03-30T01:00Z"));
	assert_int_equal(pirx_tzlocal_offset(z, T("2025-03-30T00:59:59Z"), NULL), 3600);
	assert_int_equal(pirx_tzlocal_offset(z, T("2025-03-30T01:00Z"), &next), 7200);
	assert_true(next == T("2025-10-26T01:00Z"));
	assert_int_equal(pirx_tzlocal_offset(z, T("2025-10-26T00:59:59Z"), NULL), 7200);
	assert_int_equal(pirx_tzlocal_offset(z, T("2025-10-26T01:00Z"), NULL), 3600);
	/* Outside the range first asked for: the table grows. */
	assert_int_equal(pirx_tzlocal_offset(z, T("2028-07-01T00:00Z"), NULL), 7200);
	assert_int_equal(pirx_tzlocal_offset(z, T("2028-03-26T00:59:59Z"), &next), 3600);
	assert_true(next == T("2028-03-26T01:00Z"));
	assert_int_equal(pirx_tzlocal_offset(z, T("2019-12-01T00:00Z"), NULL), 3600);
	pirx_tzlocal_free(z);
}

static void test_new_york_and_sydney(void **state)
{
	pirx_tzlocal *ny = pirx_tzlocal_new("America/New_York", T("2025-01-01T00:00Z"),
					    T("2026-01-01T00:00Z"));
	pirx_tzlocal *sy = pirx_tzlocal_new("Australia/Sydney", T("2025-01-01T00:00Z"),
					    T("2026-01-01T00:00Z"));
	int64_t next;

	(void)state;
	assert_int_equal(pirx_tzlocal_offset(ny, T("2025-03-09T06:59:59Z"), &next), -18000);
	assert_true(next == T("2025-03-09T07:00Z"));
	assert_int_equal(pirx_tzlocal_offset(ny, T("2025-03-09T07:00Z"), NULL), -14400);
	assert_int_equal(pirx_tzlocal_offset(ny, T("2025-11-02T05:59:59Z"), &next), -14400);
	assert_true(next == T("2025-11-02T06:00Z"));
	assert_int_equal(pirx_tzlocal_offset(ny, T("2025-11-02T06:00Z"), NULL), -18000);
	/* Sydney: summer time ends 2025-04-06 03:00 local (16:00Z the day before). */
	assert_int_equal(pirx_tzlocal_offset(sy, T("2025-04-05T15:59:59Z"), NULL), 39600);
	assert_int_equal(pirx_tzlocal_offset(sy, T("2025-04-05T16:00Z"), NULL), 36000);
	pirx_tzlocal_free(ny);
	pirx_tzlocal_free(sy);
}

static void test_utc_zone(void **state)
{
	pirx_tzlocal *z = pirx_tzlocal_new(NULL, 0, 0);
	struct pirx_local_time lt;
	const int hours[] = {8, 18, 22};
	int64_t next;

	(void)state;
	assert_int_equal(pirx_tzlocal_offset(z, T("2025-06-01T12:00Z"), &next), 0);
	assert_true(next == INT64_MAX);
	assert_true(pirx_tzlocal_piece(z, T("2025-06-01T12:00Z"), hours, 3, &lt) ==
		    T("2025-06-01T18:00Z"));
	assert_int_equal(lt.wday, 0);   /* a Sunday */
	assert_int_equal(lt.sec_of_day, 12 * 3600);
	assert_true(pirx_tzlocal_piece(z, T("2025-06-01T23:00Z"), hours, 3, &lt) ==
		    T("2025-06-02T00:00Z"));
	pirx_tzlocal_free(z);
}

static void test_pieces_across_change(void **state)
{
	pirx_tzlocal *z = pirx_tzlocal_new("Europe/Berlin", T("2025-03-01T00:00Z"),
					   T("2025-04-01T00:00Z"));
	const int hours[] = {8, 18, 22};
	struct pirx_local_time lt;
	int64_t t;

	(void)state;
	/* 00:30Z is 01:30 CET; the clock jumps at 01:00Z (02:00 -> 03:00). */
	t = pirx_tzlocal_piece(z, T("2025-03-30T00:30Z"), hours, 3, &lt);
	assert_true(t == T("2025-03-30T01:00Z"));
	assert_int_equal(lt.sec_of_day, 5400);
	assert_int_equal(lt.mday, 30);
	assert_int_equal(lt.offset, 3600);
	t = pirx_tzlocal_piece(z, t, hours, 3, &lt);
	assert_int_equal(lt.sec_of_day, 3 * 3600);
	assert_int_equal(lt.offset, 7200);
	assert_true(t == T("2025-03-30T06:00Z"));   /* 08:00 CEST */
	/* 21:00Z on the 29th is 22:00 CET: the next piece ends at local midnight. */
	t = pirx_tzlocal_piece(z, T("2025-03-29T21:00Z"), hours, 3, &lt);
	assert_int_equal(lt.wday, 6);
	assert_true(t == T("2025-03-29T23:00Z"));
	pirx_tzlocal_free(z);
}

static void test_tz_restored(void **state)
{
	pirx_tzlocal *z;

	(void)state;
	setenv("TZ", "UTC", 1);
	z = pirx_tzlocal_new("Asia/Kolkata", T("2025-01-01T00:00Z"), T("2025-02-01T00:00Z"));
	assert_string_equal(getenv("TZ"), "UTC");
	assert_int_equal(pirx_tzlocal_offset(z, T("2025-01-15T00:00Z"), NULL), 19800);
	pirx_tzlocal_free(z);
	unsetenv("TZ");
	z = pirx_tzlocal_new("Asia/Kolkata", 0, 1);
	assert_null(getenv("TZ"));
	pirx_tzlocal_free(z);
	setenv("TZ", "UTC", 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_names),
		cmocka_unit_test(test_names_ignore_case),
		cmocka_unit_test(test_berlin_changes),
		cmocka_unit_test(test_new_york_and_sydney),
		cmocka_unit_test(test_utc_zone),
		cmocka_unit_test(test_pieces_across_change),
		cmocka_unit_test(test_tz_restored),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
