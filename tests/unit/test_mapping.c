/*
 * test_mapping: pirx-mapping.csv rules, lookups and located errors.
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
#include "pirx/mapping.h"

static char dir[] = "/tmp/pirx-test-mapping-XXXXXX";

static const char *write_mapping(const char *text)
{
	static char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, PIRX_MAPPING_FILE);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	return path;
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char path[256];
	(void)state;
	snprintf(path, sizeof(path), "%s/%s", dir, PIRX_MAPPING_FILE);
	unlink(path);
	rmdir(dir);
	return 0;
}

static const char *col(const pirx_mapping *m, const char *file, const char *name)
{
	return pirx_mapping_column(m, file, name, strlen(name));
}

static const char *val(const pirx_mapping *m, const char *file, int kind, const char *s)
{
	return pirx_mapping_value(m, file, kind, s, strlen(s));
}

static void test_lookups(void **state)
{
	pirx_mapping *m = NULL;
	struct pirx_err err;

	(void)state;
	write_mapping("file,kind,from,to\n"
		      "incidents,column,Opened At,started_at\n"
		      "incidents.csv,column,url,\n"
		      "*,column,Ticket,incident_id\n"
		      "incidents.csv,severity,Sev Zero,critical\n"
		      ",severity,none,\n"
		      "incidents.csv,severity,none,info\n"
		      "action_items.csv,priority,Urgent,P1\n"
		      "action_items.csv,status,Won't Do,canceled\n");
	assert_int_equal(pirx_mapping_load_dir(dir, &m, &err), 0);
	assert_non_null(m);
	assert_int_equal(pirx_mapping_count(m), 8);
	/* Columns: case and blanks do not matter; "" means ignore quietly. */
	assert_string_equal(col(m, "incidents.csv", "opened at"), "started_at");
	assert_string_equal(col(m, "incidents.csv", "  OPENED AT "), "started_at");
	assert_null(col(m, "factors.csv", "Opened At"));
	assert_string_equal(col(m, "incidents.csv", "URL"), "");
	assert_string_equal(col(m, "factors.csv", "ticket"), "incident_id");
	assert_null(col(m, "incidents.csv", "title"));
	/* Values are stored normalized; a file's own rule wins over "any file". */
	assert_string_equal(val(m, "incidents.csv", PIRX_MAP_SEVERITY, "sev zero"), "SEV1");
	assert_string_equal(val(m, "incidents.csv", PIRX_MAP_SEVERITY, "None"), "SEV5");
	assert_string_equal(val(m, "pages.csv", PIRX_MAP_SEVERITY, "none"), "");
	assert_string_equal(val(m, "action_items.csv", PIRX_MAP_PRIORITY, "urgent"), "must-fix");
	assert_string_equal(val(m, "action_items.csv", PIRX_MAP_STATUS, "won't do"), "cancelled");
	assert_null(val(m, "action_items.csv", PIRX_MAP_STATUS, "open"));
	assert_null(val(m, "incidents.csv", PIRX_MAP_COLUMN, "Opened At"));
	pirx_mapping_free(m);
	/* No mapping: every lookup finds nothing. */
	assert_null(col(NULL, "incidents.csv", "x"));
	assert_null(val(NULL, "incidents.csv", PIRX_MAP_SEVERITY, "x"));
	pirx_mapping_free(NULL);
}

static void expect_error(const char *text, long line, const char *column, const char *words)
{
	pirx_mapping *m = (pirx_mapping *)1;
	struct pirx_err err;
	const char *path = write_mapping(text);

	pirx_err_clear(&err);
	assert_int_equal(pirx_mapping_load(path, &m, &err), PIRX_EINPUT);
	assert_null(m);
	assert_string_equal(err.file, path);
	assert_int_equal(err.line, line);
	assert_string_equal(err.column, column);
	if (!strstr(err.msg, words))
		fail_msg("message '%s' lacks '%s'", err.msg, words);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("file,kind,from\n", 1, "to", "missing from the header");
	expect_error("file,kind,from,to\nincidents,colour,a,b\n", 2, "kind", "cannot read 'colour' as a kind");
	expect_error("file,kind,from,to\nincidents,column,a,title\nevents,column,b,title\n", 3, "file",
		     "'events' is not a corpus file");
	expect_error("file,kind,from,to\nincidents,column,Owner,owner\n", 2, "to",
		     "'owner' is not a column of incidents.csv");
	expect_error("file,kind,from,to\nincidents,severity,urgent,SEV9\n", 2, "to",
		     "cannot read 'SEV9' as a severity");
	expect_error("file,kind,from,to\nincidents,column,,title\n", 2, "from", "is empty");
	expect_error("file,kind,from,to\nincidents,severity,High,1\nincidents.csv,severity,HIGH,2\n", 3,
		     "from", "mapped twice");
	expect_error("to,from,kind,file\ntitle,\"x\ny\",column,incidents\n,\"y\",status,\"bad\n\n\"\n", 4,
		     "file", "is not a corpus file");
}

static void test_add(void **state)
{
	pirx_mapping *m = pirx_mapping_new();
	struct pirx_err err;

	(void)state;
	assert_int_equal(pirx_mapping_add(m, NULL, PIRX_MAP_SEVERITY, "Sev Zero", "1", &err), 0);
	assert_int_equal(pirx_mapping_add(m, "incidents.csv", PIRX_MAP_STATUS, "x", "nope", &err), PIRX_EINPUT);
	assert_string_equal(val(m, "incidents.csv", PIRX_MAP_SEVERITY, "SEV ZERO"), "SEV1");
	assert_string_equal(pirx_mapping_kind_name(PIRX_MAP_PRIORITY), "priority");
	assert_null(pirx_mapping_kind_name(PIRX_MAP_KIND_COUNT));
	pirx_mapping_free(m);
}

static void test_absent(void **state)
{
	pirx_mapping *m = (pirx_mapping *)1;
	struct pirx_err err;

	(void)state;
	assert_int_equal(pirx_mapping_load_dir("/nonexistent-pirx-dir", &m, &err), 0);
	assert_null(m);
	assert_int_equal(pirx_mapping_load("/nonexistent-pirx-dir/x.csv", &m, &err), PIRX_EIO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookups),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_add),
		cmocka_unit_test(test_absent),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
