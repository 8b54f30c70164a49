/*
 * test_vocab: severity, priority and status words (SPEC section 2).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "pirx/vocab.h"

static int sev(const char *s)
{
	return pirx_vocab_severity(s, strlen(s));
}

static void test_severity(void **state)
{
	(void)state;
	for (int i = 1; i <= 5; i++) {
		char a[16], b[16], c[16];
		snprintf(a, sizeof(a), "SEV%d", i);
		snprintf(b, sizeof(b), "p%d", i);
		snprintf(c, sizeof(c), "%d", i);
		assert_int_equal(sev(a), i);
		assert_int_equal(sev(b), i);
		assert_int_equal(sev(c), i);
	}
	assert_int_equal(sev("sev1"), 1);
	assert_int_equal(sev("Sev-2"), 2);
	assert_int_equal(sev("SEV 3"), 3);
	assert_int_equal(sev("critical"), 1);
	assert_int_equal(sev("MAJOR"), 2);
	assert_int_equal(sev("High"), 2);
	assert_int_equal(sev("medium"), 3);
	assert_int_equal(sev("moderate"), 3);
	assert_int_equal(sev("minor"), 4);
	assert_int_equal(sev("low"), 4);
	assert_int_equal(sev("info"), 5);
	assert_int_equal(sev("none"), 5);
	assert_int_equal(sev(""), -1);
	assert_int_equal(sev("0"), -1);
	assert_int_equal(sev("6"), -1);
	assert_int_equal(sev("SEV0"), -1);
	assert_int_equal(sev("SEV6"), -1);
	assert_int_equal(sev("P6"), -1);
	assert_int_equal(sev("SEV12"), -1);
	assert_int_equal(sev("crit"), -1);
	assert_int_equal(sev("critical!"), -1);
	assert_int_equal(sev("urgent"), -1);
	assert_int_equal(pirx_vocab_severity("SEV1x", 4), 1);   /* length, not NUL */
	assert_string_equal(pirx_vocab_severity_name(1), "SEV1");
	assert_string_equal(pirx_vocab_severity_name(5), "SEV5");
	assert_string_equal(pirx_vocab_severity_name(0), "unknown");
}

static const char *prio(const char *s)
{
	return pirx_vocab_priority(s, strlen(s));
}

static void test_priority(void **state)
{
	(void)state;
	assert_string_equal(prio("must-fix"), "must-fix");
	assert_string_equal(prio("Should-Fix"), "should-fix");
	assert_string_equal(prio("nice_to_have"), "nice-to-have");
	assert_string_equal(prio("nice to have"), "nice-to-have");
	assert_string_equal(prio("P1"), "must-fix");
	assert_string_equal(prio("p2"), "should-fix");
	assert_string_equal(prio("P3"), "nice-to-have");
	assert_null(prio("P4"));
	assert_null(prio(""));
	assert_null(prio("must"));
	assert_null(prio("mustfix"));
	assert_null(prio("high"));
}

static const char *status(const char *s)
{
	return pirx_vocab_status(s, strlen(s));
}

static void test_status(void **state)
{
	(void)state;
	assert_string_equal(status("open"), "open");
	assert_string_equal(status("DONE"), "done");
	assert_string_equal(status("cancelled"), "cancelled");
	assert_string_equal(status("Canceled"), "cancelled");
	assert_null(status(""));
	assert_null(status("closed"));
	assert_null(status("opened"));
}

static void test_custom_severity(void **state)
{
	pirx_vocab *v = pirx_vocab_new();

	(void)state;
	assert_int_equal(pirx_vocab_add_severity(v, "P0", 2, 1), 0);
	assert_int_equal(pirx_vocab_add_severity(v, "High", 4, 3), 0);   /* overrides a default */
	assert_int_equal(pirx_vocab_add_severity(v, "high", 4, 4), 0);   /* last one wins */
	assert_int_equal(pirx_vocab_add_severity(v, "x", 1, 6), -1);
	assert_int_equal(pirx_vocab_add_severity(v, "", 0, 1), -1);
	assert_int_equal(pirx_vocab_severity_in(v, "p0", 2), 1);
	assert_int_equal(pirx_vocab_severity_in(v, "HIGH", 4), 4);
	assert_int_equal(pirx_vocab_severity_in(v, "major", 5), 2);      /* defaults still apply */
	assert_int_equal(pirx_vocab_severity_in(v, "blocker", 7), -1);
	assert_int_equal(pirx_vocab_severity_in(NULL, "P0", 2), -1);
	assert_int_equal(pirx_vocab_severity("high", 4), 2);             /* defaults untouched */
	pirx_vocab_free(v);
	pirx_vocab_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_severity),
		cmocka_unit_test(test_priority),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_custom_severity),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
