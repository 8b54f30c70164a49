/*
 * test_mdreview: review documents parsed into records (front matter,
 * factors with categories, the action table), located errors for
 * malformed front matter, and a folder of reviews turned into corpus files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "pirx/err.h"
#include "pirx/fsutil.h"
#include "pirx/import.h"
#include "pirx/mdreview.h"

static const char review[] =
	"---\n"
	"id: INC-7\n"
	"title: 'Queue backlog: orders delayed'\n"
	"severity: major\n"
	"services: [orders, queue]\n"
	"started_at: 2024-05-02T10:00:00Z\n"
	"resolved_at:\n"
	"summary: |\n"
	"  Orders waited in the queue.\n"
	"  Nobody lost data.\n"
	"owner_notes: {a: 1, b: [2, 3]}\n"
	"---\n"
	"## Contributing Factors\n"
	"\n"
	"- technical: consumer pool too small\n"
	"  for the Monday peak\n"
	"* no alert on queue age\n"
	"    - nested detail stays with its factor\n"
	"2. **process**: capacity review skipped\n"
	"- Note that this: is not a category\n"
	"\n"
	"## Action items\n"
	"| Title | Priority | Due | Status |\n"
	"|:------|---------:|-----|--------|\n"
	"| Scale consumers on queue age \\| depth | high | 2024-06-01 | outstanding |\n"
	"| Alert on queue age | | | |\n"
	"|  |  |  |  |\n"
	"\n"
	"## Timeline\n"
	"- 10:00 not a factor\n";

static void test_parse(void **state)
{
	struct pirx_md_review r;
	struct pirx_err err;

	(void)state;
	assert_int_equal(pirx_mdreview_parse_text("r.md", review, sizeof(review) - 1, &r, &err), 0);
	assert_string_equal(r.field[PIRX_MD_ID], "INC-7");
	assert_int_equal(r.field_line[PIRX_MD_ID], 2);
	assert_string_equal(r.field[PIRX_MD_TITLE], "Queue backlog: orders delayed");
	assert_string_equal(r.field[PIRX_MD_SEVERITY], "major");
	assert_string_equal(r.field[PIRX_MD_SERVICE], "orders;queue");
	assert_string_equal(r.field[PIRX_MD_STARTED_AT], "2024-05-02T10:00:00Z");
	assert_string_equal(r.field[PIRX_MD_RESOLVED_AT], "");
	assert_null(r.field[PIRX_MD_TEAM]);
	assert_string_equal(r.field[PIRX_MD_SUMMARY], "Orders waited in the queue.\nNobody lost data.");
	assert_int_equal(r.unknown_keys, 1);
	assert_string_equal(r.first_unknown, "owner_notes");
	assert_int_equal(r.first_unknown_line, 11);

	assert_int_equal(r.nfactors, 4);
	assert_string_equal(r.factors[0].category, "technical");
	assert_string_equal(r.factors[0].text, "consumer pool too small for the Monday peak");
	assert_int_equal(r.factors[0].line, 15);
	assert_string_equal(r.factors[1].category, "");
	assert_string_equal(r.factors[1].text, "no alert on queue age nested detail stays with its factor");
	assert_string_equal(r.factors[2].category, "process");
	assert_string_equal(r.factors[2].text, "capacity review skipped");
	assert_string_equal(r.factors[3].category, "");
	assert_string_equal(r.factors[3].text, "Note that this: is not a category");

	assert_int_equal(r.nactions, 2);
	assert_string_equal(r.actions[0].col[PIRX_MA_TITLE], "Scale consumers on queue age | depth");
	assert_string_equal(r.actions[0].col[PIRX_MA_PRIORITY], "high");
	assert_string_equal(r.actions[0].col[PIRX_MA_DUE_AT], "2024-06-01");
	assert_string_equal(r.actions[0].col[PIRX_MA_STATUS], "outstanding");
	assert_string_equal(r.actions[0].col[PIRX_MA_ID], "");
	assert_int_equal(r.actions[0].line, 25);
	assert_string_equal(r.actions[1].col[PIRX_MA_TITLE], "Alert on queue age");
	pirx_mdreview_release(&r);
}

static void expect_error(const char *text, long line, const char *column, const char *words)
{
	struct pirx_md_review r;
	struct pirx_err err;

	assert_int_equal(pirx_mdreview_parse_text("bad.md", text, strlen(text), &r, &err), PIRX_EINPUT);
	pirx_mdreview_release(&r);
	assert_string_equal(err.file, "bad.md");
	if (err.line != line)
		fail_msg("line %ld, expected %ld (%s)", err.line, line, err.msg);
	assert_string_equal(err.column, column);
	if (!strstr(err.msg, words))
		fail_msg("message '%s' lacks '%s'", err.msg, words);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("# Review\n", 1, "", "no front matter");
	expect_error("---\nid: 1\n", 1, "", "not closed");
	/* Malformed YAML: the line of the problem, in the file's numbering. */
	expect_error("---\nid: INC-1\ntitle: \"open quote\nstarted_at: 2024-01-01\n---\n", 3, "",
		     "quoted scalar");
	expect_error("---\nid: INC-1\nstarted_at: 2024-01-01\n  oops: indented\n---\n", 4, "",
		     "not valid YAML");
	expect_error("---\nid: INC-1\nid: INC-2\n---\n", 3, "id", "twice");
	expect_error("---\nid: INC-1\nseverity:\n  level: 1\n---\n", 4, "severity", "not a mapping");
	expect_error("---\n- id\n- title\n---\n", 2, "", "'key: value'");
	expect_error("---\nid: INC-1\n---\n## Action items\n| id | title | cost |\n|--|--|--|\n", 5, "",
		     "unknown column 'cost'");
	expect_error("---\nid: INC-1\n---\n## Action items\n| id | title |\n| a | b |\n", 6, "",
		     "separator row");
	expect_error("---\nid: INC-1\n---\n## Action items\n| id | title |\n|--|--|\n| a | b | c |\n", 7,
		     "", "3 cells");
}

static char *slurp(const char *dir, const char *name)
{
	char path[512];
	FILE *fp;
	long n;
	char *s;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "rb");
	assert_non_null(fp);
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
	assert_string_equal(got, want);
	free(got);
}

struct seen {
	int n;
	struct pirx_err first[4];
	int warnings;
};

static void on_problem(void *ctx, const struct pirx_err *e)
{
	struct seen *s = ctx;
	if (s->n < 4)
		s->first[s->n] = *e;
	s->n++;
}

static void on_warning(void *ctx, const struct pirx_err *e)
{
	struct seen *s = ctx;
	(void)e;
	s->warnings++;
}

static void test_convert_fixtures(void **state)
{
	char d[] = "/tmp/pirx-test-md-XXXXXX";
	struct pirx_import_stats st;
	struct pirx_import_opts o;
	struct pirx_err err;
	struct seen s = {0};

	(void)state;
	assert_non_null(mkdtemp(d));
	memset(&o, 0, sizeof(o));
	o.hooks.ctx = &s;
	o.hooks.problem = on_problem;
	o.hooks.warning = on_warning;
	assert_int_equal(pirx_mdreview_convert_dir("tests/fixtures/reviews", d, &o, &st, &err), 0);
	assert_int_equal(s.n, 0);
	assert_int_equal(s.warnings, 1);      /* the 'authors' key */
	expect_file(d, "incidents.csv",
		    "id,title,severity,service,team,started_at,detected_at,acknowledged_at,mitigated_at,"
		    "resolved_at,review_at,summary\n"
		    "INC-41,Checkout payments failing,SEV1,checkout-api;payments-gateway,Payments,"
		    "2024-03-01T12:20:00Z,2024-03-01T12:31:07Z,2024-03-01T12:33:00Z,2024-03-01T13:05:00Z,"
		    "2024-03-01T14:00:00Z,2024-03-06T10:00:00Z,Card authorisations timed out after a "
		    "configuration push set the gateway timeout to zero.\n"
		    "INC-42,Search results stale,SEV4,search,Search,2024-03-03T09:00:00Z,,,,"
		    "2024-03-03T11:30:00Z,,The nightly index build was skipped.\n");
	expect_file(d, "factors.csv",
		    "id,incident_id,category,text\n"
		    "INC-41#1,INC-41,technical,gateway timeout set to 0 by a config push\n"
		    "INC-41#2,INC-41,process,\"config pushes skip the canary stage, so the change reached "
		    "every region at once\"\n"
		    "INC-41#3,INC-41,communication,status page updated 40 minutes late\n"
		    "INC-41#4,INC-41,,retries from the mobile app amplified the load\n"
		    "INC-42#1,INC-42,,Nightly job skipped after a scheduler restart\n");
	/* A-2 has no created_at: it takes the review's review_at. */
	expect_file(d, "action_items.csv",
		    "id,incident_id,title,owner,team,priority,created_at,due_at,completed_at,status\n"
		    "A-1,INC-41,Add a canary stage to config pushes,Lee Park,Platform,must-fix,"
		    "2024-03-06T10:30:00Z,2024-03-31T00:00:00Z,2024-03-20T16:00:00Z,done\n"
		    "A-2,INC-41,Alert on authorisation timeouts | p99,Ana Souza,Payments,should-fix,"
		    "2024-03-06T10:00:00Z,2024-04-15T00:00:00Z,,open\n");
	assert_int_equal(st.rows[PIRX_IF_FACTORS], 5);
	/* The fixture folder is a review folder; the corpus written from it is not. */
	assert_true(pirx_mdreview_is_review_dir("tests/fixtures/reviews"));
	assert_false(pirx_mdreview_is_review_dir(d));
	assert_false(pirx_mdreview_is_review_dir("/nonexistent-pirx-dir"));
	pirx_fs_rmtree(d);
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void test_convert_problems(void **state)
{
	char d[] = "/tmp/pirx-test-md-XXXXXX";
	char out[64];
	struct pirx_import_stats st;
	struct pirx_import_opts o;
	struct pirx_err err;
	struct seen s = {0};
	char path[128];

	(void)state;
	assert_non_null(mkdtemp(d));
	snprintf(out, sizeof(out), "%s/out", d);
	assert_int_equal(pirx_fs_mkdir_p(out, &err), 0);
	write_file(d, "a.md", "---\nid: INC-1\nstarted_at: 2024-02-30T10:00:00Z\nseverity: meh\n---\n");
	write_file(d, "b.md", "---\nid: INC-1\nstarted_at: 2024-02-01T10:00:00Z\n---\n"
		   "## Action items\n| title | created_at |\n|---|---|\n| x | soon |\n");
	write_file(d, "c.md", "---\ntitle: no id\n---\n");
	memset(&o, 0, sizeof(o));
	o.hooks.ctx = &s;
	o.hooks.problem = on_problem;
	assert_int_equal(pirx_mdreview_convert_dir(d, out, &o, &st, &err), PIRX_EINPUT);
	assert_int_equal(s.n, 5);
	snprintf(path, sizeof(path), "%s/a.md", d);
	assert_string_equal(s.first[0].file, path);
	assert_int_equal(s.first[0].line, 3);
	assert_string_equal(s.first[0].column, "started_at");
	assert_int_equal(s.first[1].line, 4);
	assert_string_equal(s.first[1].column, "severity");
	snprintf(path, sizeof(path), "%s/b.md", d);
	assert_string_equal(s.first[2].file, path);
	assert_int_equal(s.first[2].line, 2);
	assert_non_null(strstr(s.first[2].msg, "used by another review"));
	assert_int_equal(s.first[3].line, 8);
	assert_string_equal(s.first[3].column, "created_at");
	pirx_fs_rmtree(d);
}

static void test_due_date_is_end_of_day(void **state)
{
	char d[] = "/tmp/pirx-test-md-XXXXXX";
	char out[64];
	struct pirx_import_stats st;
	struct pirx_err err;
	char *got;

	(void)state;
	assert_non_null(mkdtemp(d));
	snprintf(out, sizeof(out), "%s/out", d);
	assert_int_equal(pirx_fs_mkdir_p(out, &err), 0);
	write_file(d, "a.md", "---\nid: INC-1\nstarted_at: 2024-05-01T10:00:00Z\n---\n"
		   "## Action items\n| title | created | due |\n|---|---|---|\n| x | 2024-05-02 | 2024-06-01 |\n");
	assert_int_equal(pirx_mdreview_convert_dir(d, out, NULL, &st, &err), 0);
	got = slurp(out, "action_items.csv");
	assert_non_null(strstr(got, "INC-1#A1,INC-1,x,,,,2024-05-02T00:00:00Z,2024-06-01T23:59:59Z,,\n"));
	free(got);
	pirx_fs_rmtree(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_convert_fixtures),
		cmocka_unit_test(test_convert_problems),
		cmocka_unit_test(test_due_date_is_end_of_day),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
