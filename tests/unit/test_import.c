/*
 * test_import: export time formats, vendor words, and each vendor's sample
 * export (tests/fixtures/import/) turned into corpus files, byte for byte;
 * located problems and the all-or-nothing output directory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "pirx/err.h"
#include "pirx/fsutil.h"
#include "pirx/import.h"
#include "pirx/timefmt.h"

#define FIX "tests/fixtures/import/"

static char *slurp(const char *dir, const char *name)
{
	char path[512];
	FILE *fp;
	long n;
	char *s;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "rb");
	if (!fp)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	s = malloc((size_t)n + 1);
	assert_int_equal(fread(s, 1, (size_t)n, fp), (size_t)n);
	s[n] = '\0';
	fclose(fp);
	return s;
}

static void expect_file(const char *dir, const char *name, const char *want)
{
	char *got = slurp(dir, name);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static char *scratch(void)
{
	char *d = strdup("/tmp/pirx-test-import-XXXXXX");
	assert_non_null(mkdtemp(d));
	return d;
}

static int64_t t_of(const char *s, int off)
{
	int64_t t = -1;
	const char *why;
	if (pirx_import_time(s, strlen(s), off, &t, &why) != 0)
		return -1;
	return t;
}

static void test_times(void **state)
{
	const int64_t base = 1709296496;   /* 2024-03-01T12:34:56Z */
	const char *why = NULL;
	int64_t t;

	(void)state;
	assert_int_equal(t_of("2024-03-01T12:34:56Z", 0), base);
	assert_int_equal(t_of("2024-03-01 12:34:56 +0000", 0), base);
	assert_int_equal(t_of("2024-03-01 12:34:56 +0100", 0), base - 3600);
	assert_int_equal(t_of("2024-03-01 12:34:56 -05:30", 0), base + 5 * 3600 + 1800);
	assert_int_equal(t_of("2024-03-01 12:34:56.789 +0000 UTC", 0), base);
	assert_int_equal(t_of("2024-03-01 12:34:56 UTC", 0), base);
	assert_int_equal(t_of("  2024-03-01T12:34:56+00:00 ", 0), base);
	assert_int_equal(t_of("01/Mar/24 12:34 PM", 0), base - 56);
	assert_int_equal(t_of("01/mar/2024 12:34:56 pm", 0), base);
	assert_int_equal(t_of("1/Mar/24 12:34", 0), base - 56);
	assert_int_equal(t_of("01/Mar/24 12:05 AM", 0), base - 56 - 12 * 3600 - 29 * 60);
	/* Times without an offset take the assumed one; others keep theirs. */
	assert_int_equal(t_of("01/Mar/24 1:34 PM", 60), base - 56);
	assert_int_equal(t_of("2024-03-01 13:34:56", 60), base);
	assert_int_equal(t_of("2024-03-01T12:34:56Z", 60), base);
	/* A bare date is the start of the day (callers may take its end). */
	assert_int_equal(t_of("2024-03-01", 0), base - 45296);
	assert_int_equal(t_of(" 2024-03-01 ", 60), base - 45296 - 3600);
	assert_true(pirx_import_is_date(" 2024-03-01 ", 12));
	assert_false(pirx_import_is_date("2024-03-01T10:00", 16));
	/* Refused, with a reason. */
	assert_int_equal(t_of("", 0), -1);
	assert_int_equal(t_of("yesterday", 0), -1);
	assert_int_equal(t_of("31/Feb/24 10:00 AM", 0), -1);
	assert_int_equal(t_of("01/Foo/24 10:00 AM", 0), -1);
	assert_int_equal(t_of("01/Mar/24 13:00 PM", 0), -1);
	assert_int_equal(t_of("2024-13-01T00:00:00Z", 0), -1);
	assert_int_equal(pirx_import_time("2024-02-30 10:00", 16, 0, &t, &why), -1);
	assert_non_null(why);
	assert_null(strstr(why, "expected a time such as"));   /* timefmt's own reason */
}

static void test_words(void **state)
{
	(void)state;
	assert_int_equal(pirx_import_severity("Highest", 7), 1);
	assert_int_equal(pirx_import_severity("High", 4), 2);
	assert_int_equal(pirx_import_severity("medium", 6), 3);
	assert_int_equal(pirx_import_severity("Low", 3), 4);
	assert_int_equal(pirx_import_severity("Lowest", 6), 5);
	assert_int_equal(pirx_import_severity("Blocker", 7), 1);
	assert_int_equal(pirx_import_severity("Trivial", 7), 5);
	assert_int_equal(pirx_import_severity(" SEV-2 ", 7), 2);
	assert_int_equal(pirx_import_severity("P5", 2), 5);
	assert_int_equal(pirx_import_severity("Critical", 8), 1);
	assert_int_equal(pirx_import_severity("Major", 5), 2);
	assert_int_equal(pirx_import_severity("Minor", 5), 4);
	assert_int_equal(pirx_import_severity("whenever", 8), -1);
	assert_string_equal(pirx_import_priority("Urgent", 6), "must-fix");
	assert_string_equal(pirx_import_priority("medium", 6), "should-fix");
	assert_string_equal(pirx_import_priority("Low", 3), "nice-to-have");
	assert_string_equal(pirx_import_priority("P2", 2), "should-fix");
	assert_null(pirx_import_priority("soon", 4));
	assert_string_equal(pirx_import_status("Outstanding", 11), "open");
	assert_string_equal(pirx_import_status("Completed", 9), "done");
	assert_string_equal(pirx_import_status("Not doing", 9), "cancelled");
	assert_string_equal(pirx_import_status("canceled", 8), "cancelled");
	assert_null(pirx_import_status("maybe", 5));
	assert_int_equal(pirx_import_kind_parse("incident.io"), PIRX_IMPORT_INCIDENTIO);
	assert_int_equal(pirx_import_kind_parse("PagerDuty"), PIRX_IMPORT_PAGERDUTY);
	assert_int_equal(pirx_import_kind_parse("servicenow"), -1);
}

static void test_pagerduty(void **state)
{
	char *d = scratch();
	struct pirx_import_stats st;
	struct pirx_err err;

	(void)state;
	assert_int_equal(pirx_import_to_dir(PIRX_IMPORT_PAGERDUTY, FIX "pagerduty.csv", d, NULL, &st, &err), 0);
	expect_file(d, "incidents.csv",
		    "id,title,severity,service,team,started_at,detected_at,acknowledged_at,mitigated_at,"
		    "resolved_at,review_at,summary\n"
		    "PT4KHLK,[checkout-api] 5xx rate above 5% for 10 minutes,SEV1,checkout-api,Payments,"
		    "2024-03-01T12:34:56Z,2024-03-01T12:34:56Z,2024-03-01T12:37:59Z,,2024-03-01T14:02:11Z,,\n"
		    "PX9ZQ2M,Disk usage above 90% on db-replica-3,SEV4,postgres,Data,2024-03-02T08:00:00Z,"
		    "2024-03-02T08:00:00Z,2024-03-02T08:07:00Z,,2024-03-02T09:00:00Z,,\n"
		    "PQ7RT0B,\"Latency SLO burn on search, \"\"fast\"\" window\",SEV3,search,,2024-03-06T03:15:00Z,"
		    "2024-03-06T03:15:00Z,,,2024-03-06T09:40:00Z,,\n");
	expect_file(d, "responders.csv",
		    "incident_id,responder,role,joined_at,left_at\n"
		    "PT4KHLK,Ana Souza,assignee,2024-03-01T12:37:59Z,\n"
		    "PT4KHLK,Lee Park,assignee,2024-03-01T12:37:59Z,\n"
		    "PX9ZQ2M,Kim Ito,assignee,2024-03-02T08:07:00Z,\n");
	assert_null(slurp(d, "action_items.csv"));
	assert_int_equal(st.rows[PIRX_IF_INCIDENTS], 3);
	assert_int_equal(st.unused_columns, 2);
	pirx_fs_rmtree(d);
	free(d);
}

static void test_incidentio(void **state)
{
	char *d = scratch();
	struct pirx_import_stats st;
	struct pirx_import_opts o;
	struct pirx_err err;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.follow_ups = FIX "incidentio-follow-ups.csv";
	assert_int_equal(pirx_import_to_dir(PIRX_IMPORT_INCIDENTIO, FIX "incidentio.csv", d, &o, &st, &err), 0);
	expect_file(d, "incidents.csv",
		    "id,title,severity,service,team,started_at,detected_at,acknowledged_at,mitigated_at,"
		    "resolved_at,review_at,summary\n"
		    "INC-41,Checkout payments failing,SEV1,checkout-api;payments-gateway,Payments,"
		    "2024-03-01T12:20:00Z,2024-03-01T12:31:07Z,2024-03-01T12:33:00Z,2024-03-01T13:05:00Z,"
		    "2024-03-01T14:00:00Z,2024-03-06T10:00:00Z,Card authorisations timed out after a config push.\n"
		    "INC-42,Search results stale,SEV4,search,Search,2024-03-03T09:00:00Z,2024-03-03T09:00:00Z,"
		    ",,2024-03-03T11:30:00Z,,\n");
	/* A follow-up may name its incident by reference or by ULID. */
	expect_file(d, "action_items.csv",
		    "id,incident_id,title,owner,team,priority,created_at,due_at,completed_at,status\n"
		    "01HQFU0001,INC-41,Add a canary stage to config pushes,Lee Park,,must-fix,"
		    "2024-03-06T10:30:00Z,2024-03-31T00:00:00Z,2024-03-20T16:00:00Z,done\n"
		    "01HQFU0002,INC-41,Alert on authorisation timeouts,Ana Souza,,should-fix,"
		    "2024-03-06T10:31:00Z,,,open\n"
		    "01HQFU0003,INC-42,Rebuild index nightly,,,nice-to-have,2024-03-04T09:00:00Z,,,cancelled\n");
	expect_file(d, "responders.csv",
		    "incident_id,responder,role,joined_at,left_at\n"
		    "INC-41,Ana Souza,lead,2024-03-01T12:33:00Z,\n");
	assert_int_equal(st.skipped, 1);     /* the merged incident */
	assert_int_equal(st.source_rows, 6);
	pirx_fs_rmtree(d);
	free(d);
}

static void test_jira(void **state)
{
	char *d = scratch();
	struct pirx_import_stats st;
	struct pirx_import_opts o;
	struct pirx_err err;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.labels_as_factors = 1;
	o.assume_offset_min = 60;      /* the exporting user was on UTC+01:00 */
	assert_int_equal(pirx_import_to_dir(PIRX_IMPORT_JIRA, FIX "jira.csv", d, &o, &st, &err), 0);
	expect_file(d, "incidents.csv",
		    "id,title,severity,service,team,started_at,detected_at,acknowledged_at,mitigated_at,"
		    "resolved_at,review_at,summary\n"
		    "OPS-101,Checkout outage after config push,SEV1,checkout-api;payments-gateway,Payments,"
		    "2024-03-01T11:20:00Z,2024-03-01T11:34:00Z,,,2024-03-01T13:02:00Z,,"
		    "\"Card authorisations timed out.\nA config push set the gateway timeout to 0.\n\n"
		    "See the review for details.\"\n"
		    "OPS-102,Search index stale,SEV3,search,Search,2024-03-03T08:00:00Z,2024-03-03T08:00:00Z,"
		    ",,2024-03-03T10:30:00Z,,Nightly job skipped.\n"
		    "OPS-103,Disk filling on replica,SEV4,postgres,Data,2024-03-12T22:45:00Z,"
		    "2024-03-12T22:45:00Z,,,,,\n");
	/* Every Labels column is read; labels become factors only when asked. */
	expect_file(d, "factors.csv",
		    "id,incident_id,category,text\n"
		    "OPS-101#1,OPS-101,,Config change shipped without a canary\n"
		    "OPS-101#2,OPS-101,label,postmortem\n"
		    "OPS-101#3,OPS-101,label,config push\n"
		    "OPS-102#1,OPS-102,label,stale index\n");
	pirx_fs_rmtree(d);
	free(d);

	d = scratch();
	o.labels_as_factors = 0;
	o.assume_offset_min = 0;
	assert_int_equal(pirx_import_to_dir(PIRX_IMPORT_JIRA, FIX "jira.csv", d, &o, &st, &err), 0);
	expect_file(d, "factors.csv",
		    "id,incident_id,category,text\n"
		    "OPS-101#1,OPS-101,,Config change shipped without a canary\n");
	pirx_fs_rmtree(d);
	free(d);
}

struct seen {
	int n;
	struct pirx_err first[4];
};

static void on_problem(void *ctx, const struct pirx_err *e)
{
	struct seen *s = ctx;
	if (s->n < 4)
		s->first[s->n] = *e;
	s->n++;
}

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void test_problems_located(void **state)
{
	char *d = scratch();
	char src[600], out[600];
	struct pirx_import_stats st;
	struct pirx_import_opts o;
	struct pirx_err err;
	struct seen s = {0};

	(void)state;
	snprintf(src, sizeof(src), "%s/jira-bad.csv", d);
	snprintf(out, sizeof(out), "%s/corpus", d);
	write_file(src, "Issue key,Summary,Description,Created,Priority\n"
		   "OPS-1,ok,\"two\nlines\",01/Mar/24 9:00 AM,High\n"
		   "OPS-2,bad time,x,\"yesterday\",High\n"
		   "OPS-3,bad word,x,01/Mar/24 9:00 AM,Whenever\n"
		   "OPS-1,repeat,x,01/Mar/24 9:00 AM,Low\n");
	memset(&o, 0, sizeof(o));
	o.hooks.ctx = &s;
	o.hooks.problem = on_problem;
	assert_int_equal(pirx_import_run(PIRX_IMPORT_JIRA, src, out, &o, &st, &err), PIRX_EINPUT);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.first[0].file, src);
	assert_int_equal(s.first[0].line, 4);
	assert_string_equal(s.first[0].column, "Created");
	assert_non_null(strstr(s.first[0].msg, "cannot parse 'yesterday' as a time"));
	assert_int_equal(s.first[1].line, 5);
	assert_string_equal(s.first[1].column, "Priority");
	assert_int_equal(s.first[2].line, 6);
	assert_string_equal(s.first[2].column, "Issue key");
	/* Nothing is left behind: no corpus, no scratch directory. */
	assert_false(pirx_fs_exists(out));
	{
		char cmd[700];
		snprintf(cmd, sizeof(cmd), "test $(ls -A %s | wc -l) -eq 1", d);
		assert_int_equal(system(cmd), 0);
	}
	/* A missing required column names what was expected. */
	write_file(src, "Key,Summary\nOPS-1,x\n");
	s.n = 0;
	assert_int_equal(pirx_import_run(PIRX_IMPORT_JIRA, src, out, &o, &st, &err), PIRX_EINPUT);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.first[0].line, 1);
	assert_non_null(strstr(s.first[0].msg, "'issue key'"));
	pirx_fs_rmtree(d);
	free(d);
}

static void test_replace_rules(void **state)
{
	char *d = scratch();
	char out[600], path[700];
	struct pirx_import_stats st;
	struct pirx_err err;
	char *m;

	(void)state;
	snprintf(out, sizeof(out), "%s/corpus", d);
	/* A folder with other files is never replaced. */
	mkdir(out, 0777);
	snprintf(path, sizeof(path), "%s/notes.txt", out);
	write_file(path, "mine\n");
	assert_int_equal(pirx_import_run(PIRX_IMPORT_PAGERDUTY, FIX "pagerduty.csv", out, NULL, &st, &err),
			 PIRX_EUSAGE);
	assert_true(pirx_fs_exists(path));
	unlink(path);
	/* A corpus is replaced, and keeps its mapping file. */
	snprintf(path, sizeof(path), "%s/pirx-mapping.csv", out);
	write_file(path, "file,kind,from,to\n");
	snprintf(path, sizeof(path), "%s/incidents.csv", out);
	write_file(path, "old\n");
	assert_int_equal(pirx_import_run(PIRX_IMPORT_PAGERDUTY, FIX "pagerduty.csv", out, NULL, &st, &err), 0);
	m = slurp(out, "pirx-mapping.csv");
	assert_non_null(m);
	assert_string_equal(m, "file,kind,from,to\n");
	free(m);
	m = slurp(out, "incidents.csv");
	assert_non_null(strstr(m, "PT4KHLK"));
	free(m);
	pirx_fs_rmtree(d);
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_times),
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_pagerduty),
		cmocka_unit_test(test_incidentio),
		cmocka_unit_test(test_jira),
		cmocka_unit_test(test_problems_located),
		cmocka_unit_test(test_replace_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
