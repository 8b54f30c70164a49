/*
 * test_corpus: validation and loading of small corpora written to a
 * temporary directory: every class of invalid row, rows kept with times
 * out of order, defaults (factor ids, status), --skip-invalid.
 */
#include <dirent.h>
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

#include "pirx/corpus.h"
#include "pirx/csvio.h"
#include "pirx/db.h"
#include "pirx/err.h"
#include "pirx/fsutil.h"
#include "pirx/mem.h"

static char dir[64];
static struct pirx_buf problems;   /* one formatted problem per line */
static struct pirx_buf warnings;
static struct pirx_corpus_stats st;
static pirx_db *db;

static void on_problem(void *ctx, const struct pirx_err *e)
{
	char buf[1200];

	(void)ctx;
	pirx_buf_printf(&problems, "%s\n", pirx_err_format(e, buf, sizeof(buf)));
}

static void on_warning(void *ctx, const struct pirx_err *e)
{
	char buf[1200];

	(void)ctx;
	pirx_buf_printf(&warnings, "%s\n", pirx_err_format(e, buf, sizeof(buf)));
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/pirx-test-corpus-XXXXXX");
	assert_non_null(mkdtemp(dir));
	pirx_buf_init(&problems);
	pirx_buf_init(&warnings);
	db = NULL;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	pirx_db_close(db);
	db = NULL;
	pirx_fs_rmtree(dir);
	pirx_buf_release(&problems);
	pirx_buf_release(&warnings);
	return 0;
}

static void put(const char *name, const char *text, size_t n)
{
	char *path = pirx_fs_join(dir, name);
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(text, 1, n, fp), n);
	fclose(fp);
	free(path);
}

#define PUT(name, text) put(name, text, sizeof(text) - 1)

static void unlink_file(const char *name)
{
	char *path = pirx_fs_join(dir, name);

	assert_int_equal(unlink(path), 0);
	free(path);
}

static const char incidents_ok[] =
	"id,title,severity,service,started_at,detected_at,resolved_at,review_at\n"
	"INC-1,db down,SEV1,db; api ;db,2026-01-05T10:00:00Z,2026-01-05T10:05:00Z,2026-01-05T12:00:00Z,\n"
	"INC-2,web slow,minor,web,2026-01-06T10:00:00Z,2026-01-06T09:00:00Z,2026-01-06T08:00:00Z,2026-01-06T07:00:00Z\n"
	"INC-3,,p3,,2026-01-07 10:00,,,\n";

/* Runs the load (into a fresh scratch database when with_db). */
static int run(int with_db, int skip, pirx_csvw *rejects)
{
	struct pirx_corpus_opts o;
	struct pirx_err err;

	pirx_buf_reset(&problems);
	pirx_buf_reset(&warnings);
	pirx_buf_puts(&problems, "");
	pirx_buf_puts(&warnings, "");
	if (with_db) {
		char *path = pirx_fs_join(dir, "t.db");
		pirx_db_close(db);
		db = NULL;
		unlink(path);
		assert_int_equal(pirx_db_open(path, PIRX_DB_BULK, &db, &err), 0);
		free(path);
	}
	memset(&o, 0, sizeof(o));
	o.db = with_db ? db : NULL;
	o.skip_invalid = skip;
	o.rejects = rejects;
	o.hooks.problem = on_problem;
	o.hooks.warning = on_warning;
	pirx_err_clear(&err);
	return pirx_corpus_load(dir, &o, &st, &err);
}

/* The rows of a query, "a|b|c" per line. */
static char *query(const char *sql)
{
	struct pirx_buf b;
	struct pirx_err err;
	pirx_stmt *s;

	pirx_buf_init(&b);
	pirx_buf_puts(&b, "");
	assert_int_equal(pirx_db_prepare_sql(db, sql, &s, &err), 0);
	while (pirx_stmt_step(s, &err) == 1) {
		for (int i = 0; i < pirx_stmt_columns(s); i++)
			pirx_buf_printf(&b, "%s%s", i ? "|" : "", pirx_stmt_text(s, i));
		pirx_buf_puts(&b, "\n");
	}
	pirx_stmt_finalize(s);
	return b.data;
}

#define ASSERT_QUERY(sql, want) do { \
	char *got_ = query(sql); \
	assert_string_equal(got_, want); \
	free(got_); \
} while (0)

#define HAS_PROBLEM(text) do { \
	if (!strstr(pirx_buf_str(&problems), text)) \
		fail_msg("no problem '%s' in:\n%s", text, pirx_buf_str(&problems)); \
} while (0)

static void test_valid_load(void **state)
{
	(void)state;
	PUT("incidents.csv", incidents_ok);
	PUT("factors.csv", "incident_id,id,text,category\n"
	    "INC-1,,pool exhausted,technical\nINC-2,,cache,\nINC-1,F-X,no runbook,process\n"
	    "INC-1,,third,\n");
	PUT("action_items.csv", " ID ,Incident_ID,priority,created_at,completed_at,status\n"
	    "A1,INC-1,P1,2026-01-06T00:00:00Z,,\n"
	    "A2,INC-1,should-fix,2026-01-06T00:00:00Z,2026-01-05T00:00:00Z,\n"
	    "A3,INC-2,,2026-01-06T00:00:00Z,,Canceled\n");
	PUT("responders.csv", "incident_id,responder,joined_at,left_at\n"
	    "INC-1,ana,2026-01-05T10:06:00Z,2026-01-05T10:00:00Z\nINC-1,bo,2026-01-05T10:06:00Z\n");
	PUT("pages.csv", "responder,paged_at,incident_id\nana,2026-01-05T10:05:00Z,INC-1\nbo,2026-01-09T03:00:00Z,\n");
	assert_int_equal(run(1, 0, NULL), 0);
	assert_string_equal(pirx_buf_str(&problems), "");
	assert_int_equal(st.loaded[PIRX_CF_INCIDENTS], 3);
	assert_int_equal(st.loaded[PIRX_CF_FACTORS], 4);
	assert_int_equal(st.present[PIRX_CF_ROSTER], 0);
	ASSERT_QUERY("SELECT id, severity, started_at, ifnull(resolved_at, 'null'), source_line FROM incidents ORDER BY id",
		     "INC-1|1|1767607200|1767614400|2\nINC-2|4|1767693600|1767686400|3\nINC-3|3|1767780000|null|4\n");
	ASSERT_QUERY("SELECT incident_id, service FROM incident_services ORDER BY rowid",
		     "INC-1|db\nINC-1|api\nINC-2|web\n");
	/* Defaults: "<incident_id>#<n>", n = place among the incident's rows. */
	ASSERT_QUERY("SELECT id, incident_id, ifnull(category, 'null') FROM factors ORDER BY rowid",
		     "INC-1#1|INC-1|technical\nINC-2#1|INC-2|null\nF-X|INC-1|process\nINC-1#3|INC-1|null\n");
	ASSERT_QUERY("SELECT id, ifnull(priority, 'null'), status FROM action_items ORDER BY id",
		     "A1|must-fix|open\nA2|should-fix|done\nA3|null|cancelled\n");
	/* An absent optional file (roster.csv) has no row. */
	ASSERT_QUERY("SELECT file, rows, rejected FROM corpus_files ORDER BY file",
		     "action_items.csv|3|0\nfactors.csv|4|0\nincidents.csv|3|0\n"
		     "pages.csv|2|0\nresponders.csv|2|0\n");
	/* Out of order: kept, one data_quality row per broken pair. */
	ASSERT_QUERY("SELECT file, line, \"column\", problem, kind FROM data_quality ORDER BY rowid",
		     "incidents.csv|3|detected_at|detected_at is before started_at; ttd left out|kept\n"
		     "incidents.csv|3|resolved_at|resolved_at is before started_at; ttr left out|kept\n"
		     "incidents.csv|3|review_at|review_at is before resolved_at; days to review left out|kept\n"
		     "action_items.csv|3|completed_at|completed_at is before created_at; days to complete left out|kept\n"
		     "responders.csv|2|left_at|left_at is before joined_at; engaged time left out|kept\n");
	assert_int_equal(st.kept, 5);
}

static void test_header_problems(void **state)
{
	(void)state;
	PUT("incidents.csv", "ID,title,Title,started_at\nINC-1,a,b,2026-01-05T10:00:00Z\n");
	assert_int_equal(run(0, 0, NULL), PIRX_EINPUT);
	HAS_PROBLEM("incidents.csv:1: title: column appears twice in the header (columns 2 and 3)\n");
	assert_int_equal(st.fatal, 1);

	PUT("incidents.csv", "id,title,Colour,,colour\nINC-1,a,b,c,d\n");
	assert_int_equal(run(0, 0, NULL), PIRX_EINPUT);
	HAS_PROBLEM("incidents.csv:1: started_at: required column is missing from the header\n");
	assert_string_equal(pirx_buf_str(&warnings),
			    "incidents.csv:1: unknown column 'Colour' is ignored\n"
			    "incidents.csv:1: column 4 has no name; it is ignored\n"
			    "incidents.csv:1: unknown column 'colour' is ignored\n");

	/* Unknown columns warn once, not per row; --skip-invalid cannot skip a header problem. */
	PUT("incidents.csv", "id,started_at,x\nINC-1,2026-01-05T10:00:00Z,1\nINC-2,2026-01-05T10:00:00Z,2\n");
	assert_int_equal(run(0, 0, NULL), 0);
	assert_string_equal(pirx_buf_str(&warnings), "incidents.csv:1: unknown column 'x' is ignored\n");
	PUT("factors.csv", "incident_id\nINC-1\n");
	assert_int_equal(run(0, 1, NULL), PIRX_EINPUT);
	HAS_PROBLEM("factors.csv:1: text: required column is missing from the header\n");
}

static void test_file_problems(void **state)
{
	(void)state;
	assert_int_equal(run(0, 0, NULL), PIRX_EINPUT);
	HAS_PROBLEM("incidents.csv: file is missing (a corpus needs incidents.csv)\n");
	PUT("incidents.csv", "");
	assert_int_equal(run(0, 0, NULL), PIRX_EINPUT);
	HAS_PROBLEM("incidents.csv:1: file is empty (expected a header row naming the columns)\n");
	PUT("incidents.csv", "id,started_at\nINC-1,2026-01-05T10:00:00Z\n");
	PUT("pages.csv", "");
	assert_int_equal(run(0, 0, NULL), PIRX_EINPUT);
	HAS_PROBLEM("pages.csv:1: file is empty");
	PUT("pages.csv", "responder,paged_at\nana,\"2026-01-05\n");
	assert_int_equal(run(0, 1, NULL), PIRX_EINPUT);
	HAS_PROBLEM("pages.csv:2: unterminated quoted field (the closing quote is missing)\n");
	PUT("pages.csv", "responder,paged_at\nana,2026\"01\n");
	assert_int_equal(run(0, 0, NULL), PIRX_EINPUT);
	HAS_PROBLEM("pages.csv:2: malformed CSV");
	{
		struct pirx_corpus_opts o;
		struct pirx_err err;
		memset(&o, 0, sizeof(o));
		assert_int_equal(pirx_corpus_load("/nonexistent/corpus", &o, &st, &err), PIRX_EINPUT);
		assert_string_equal(err.msg, "no such corpus directory");
	}
}

static void test_cell_problems(void **state)
{
	(void)state;
	PUT("incidents.csv",
	    "id,severity,started_at,resolved_at,title\n"
	    ",SEV1,2026-01-05T10:00:00Z,,missing id\n"
	    "INC-1,SEV1,2026-13-01T10:00:00Z,,bad month\n"
	    "INC-2,urgent,2026-01-05T10:00:00Z,,bad severity\n"
	    "INC-3,SEV2,,,missing start\n"
	    "INC-4,SEV2, 2026-01-05T10:00:00Z ,2026-02-30T00:00:00Z,trimmed start; bad end\n"
	    "INC-5,SEV2,2026-01-05T10:00:00Z,,too,many\n"
	    "INC-6,SEV2,2026-01-05T10:00:00Z\n"
	    "INC-6,SEV3,2026-01-05T10:00:00Z,,dup\n"
	    "INC-7,SEV2,\"2026-01-05\nT10:00:00Z\",,newline in time\n");
	assert_int_equal(run(0, 0, NULL), PIRX_EINPUT);
	HAS_PROBLEM("incidents.csv:2: id: is empty, but a value is required\n");
	HAS_PROBLEM("incidents.csv:3: started_at: cannot parse '2026-13-01T10:00:00Z' as a time (month is out of range 01-12)\n");
	HAS_PROBLEM("incidents.csv:4: severity: cannot read 'urgent' as a severity (expected SEV1..SEV5, P1..P5, 1..5, or critical");
	HAS_PROBLEM("incidents.csv:5: started_at: is empty, but a value is required\n");
	HAS_PROBLEM("incidents.csv:6: resolved_at: cannot parse '2026-02-30T00:00:00Z' as a time (day does not exist in that month)\n");
	HAS_PROBLEM("incidents.csv:7: row has 6 fields, but the header has 5\n");
	HAS_PROBLEM("incidents.csv:9: id: 'INC-6' repeats; ids must be unique (first seen on line 8)\n");
	HAS_PROBLEM("incidents.csv:10: started_at: cannot parse '2026-01-05\\nT10:00:00Z' as a time");
	assert_int_equal(st.problems, 8);
	assert_int_equal(st.bad_rows, 8);
	assert_int_equal(st.loaded[PIRX_CF_INCIDENTS], 1);   /* INC-6, fewer fields is fine */
}

/*
 * Id sets at scale: 150k incidents grow the set through many doublings
 * into a huge-page table, factors refer to them out of order (and in runs,
 * which the last-found shortcut serves), default factor ids count per
 * incident, a repeat is caught 150k lines later, a dangling id that shares
 * a prefix with a real one is not mistaken for it, and the next file's set
 * (emptied, not freed) starts empty.
 */
static void test_many_ids(void **state)
{
	enum { N = 150000 };
	struct pirx_buf b;

	(void)state;
	pirx_buf_init(&b);
	pirx_buf_puts(&b, "id,started_at\n");
	for (int i = 1; i <= N; i++)
		pirx_buf_printf(&b, "INC-%07d,2026-01-05T10:00:00Z\n", i);
	pirx_buf_puts(&b, "INC-0000007,2026-01-05T10:00:00Z\n");
	put("incidents.csv", b.data, b.len);
	pirx_buf_reset(&b);
	pirx_buf_puts(&b, "incident_id,text\n");
	for (int i = N; i >= 1; i -= 7)
		pirx_buf_printf(&b, "INC-%07d,a\nINC-%07d,b\n", i, i);
	pirx_buf_printf(&b, "INC-%07d,c\nINC-00000070,d\n", N);
	put("factors.csv", b.data, b.len);
	pirx_buf_reset(&b);
	pirx_buf_puts(&b, "id,incident_id,created_at\n");
	for (int i = 1; i <= N; i++)
		pirx_buf_printf(&b, "INC-%07d#1,INC-%07d,2026-01-06T00:00:00Z\n", i, i);
	put("action_items.csv", b.data, b.len);
	pirx_buf_release(&b);
	assert_int_equal(run(1, 1, NULL), 0);
	HAS_PROBLEM("incidents.csv:150002: id: 'INC-0000007' repeats; ids must be unique (first seen on line 8)\n");
	HAS_PROBLEM("factors.csv:42861: incident_id: no incident 'INC-00000070' in incidents.csv\n");
	assert_int_equal(st.problems, 2);
	assert_int_equal(st.loaded[PIRX_CF_INCIDENTS], N);
	assert_int_equal(st.loaded[PIRX_CF_FACTORS], 2 * ((N + 6) / 7) + 1);
	/* Action item ids equal to factor ids are fine: each file has its own set. */
	assert_int_equal(st.loaded[PIRX_CF_ACTION_ITEMS], N);
	ASSERT_QUERY("SELECT id FROM factors WHERE incident_id = 'INC-0150000' ORDER BY rowid",
		     "INC-0150000#1\nINC-0150000#2\nINC-0150000#3\n");
	ASSERT_QUERY("SELECT count(DISTINCT id), max(id) FROM factors",
		     "42859|INC-0150000#3\n");
}

/*
 * Ids in order need no lookup until one comes out of order: INC-9 sorts
 * before INC-10 (shorter first), and the repeat of INC-9 after them, the
 * first id out of order, is caught, as is a later repeat of INC-12. References
 * walk forward from the last incident found (over INC-11, which was
 * rejected, to INC-12), fall back to the table for one further back
 * (INC-8) or one missing between two that exist (INC-105), and a factor
 * id in order that repeats one far back is caught in its own file.
 */
static void test_ids_in_and_out_of_order(void **state)
{
	(void)state;
	PUT("incidents.csv", "id,started_at\n"
	    "INC-8,2026-01-05T10:00:00Z\n"
	    "INC-9,2026-01-05T10:00:00Z\n"
	    "INC-10,2026-01-05T10:00:00Z\n"
	    "INC-11,yesterday\n"
	    "INC-12,2026-01-05T10:00:00Z\n"
	    "INC-9,2026-01-05T10:00:00Z\n"
	    "INC-12,2026-01-05T10:00:00Z\n"
	    "INC-100,2026-01-05T10:00:00Z\n"
	    "INC-110,2026-01-05T10:00:00Z\n");
	PUT("factors.csv", "id,incident_id,text\n"
	    "F1,INC-10,a\nF2,INC-11,b\nF3,INC-12,c\nF4,INC-8,d\nF5,INC-105,e\n"
	    "F6,INC-100,f\nF7,INC-110,g\nF1,INC-110,h\n");
	assert_int_equal(run(0, 0, NULL), PIRX_EINPUT);
	HAS_PROBLEM("incidents.csv:5: started_at: cannot parse 'yesterday' as a time");
	HAS_PROBLEM("incidents.csv:7: id: 'INC-9' repeats; ids must be unique (first seen on line 3)\n");
	HAS_PROBLEM("incidents.csv:8: id: 'INC-12' repeats; ids must be unique (first seen on line 6)\n");
	HAS_PROBLEM("factors.csv:3: incident_id: incident 'INC-11' was rejected (incidents.csv:5)\n");
	HAS_PROBLEM("factors.csv:6: incident_id: no incident 'INC-105' in incidents.csv\n");
	HAS_PROBLEM("factors.csv:9: id: 'F1' repeats; ids must be unique (first seen on line 2)\n");
	assert_int_equal(st.problems, 6);
	assert_int_equal(st.loaded[PIRX_CF_FACTORS], 5);
}

static void test_references_and_vocab(void **state)
{
	(void)state;
	PUT("incidents.csv", "id,started_at\nINC-1,2026-01-05T10:00:00Z\n");
	PUT("factors.csv", "id,incident_id,text\nF1,INC-1,a\nF1,INC-1,b\nF2,INC-9,c\nF3,INC-1,\n");
	PUT("action_items.csv", "id,incident_id,created_at,priority,status\n"
	    "A1,INC-1,2026-01-06T00:00:00Z,high,\nA2,INC-1,2026-01-06T00:00:00Z,,closed\n"
	    "A2,INC-1,2026-01-06T00:00:00Z,,\nA3,INC-404,2026-01-06T00:00:00Z,,\n");
	PUT("responders.csv", "incident_id,responder,joined_at\nINC-2,ana,2026-01-05T10:00:00Z\n");
	PUT("pages.csv", "responder,paged_at,incident_id\nana,2026-01-05T10:00:00Z,\nbo,2026-01-05T10:00:00Z,INC-3\n");
	PUT("roster.csv", "responder,timezone\nana,UTC\nAna,UTC\nana,Europe/Berlin\n");
	assert_int_equal(run(0, 0, NULL), PIRX_EINPUT);
	HAS_PROBLEM("factors.csv:3: id: 'F1' repeats; ids must be unique (first seen on line 2)\n");
	HAS_PROBLEM("factors.csv:4: incident_id: no incident 'INC-9' in incidents.csv\n");
	HAS_PROBLEM("factors.csv:5: text: is empty, but a value is required\n");
	HAS_PROBLEM("action_items.csv:2: priority: cannot read 'high' as a priority (expected must-fix, should-fix, nice-to-have, P1, P2 or P3)\n");
	HAS_PROBLEM("action_items.csv:3: status: cannot read 'closed' as a status (expected open, done or cancelled)\n");
	HAS_PROBLEM("action_items.csv:4: id: 'A2' repeats");
	HAS_PROBLEM("action_items.csv:5: incident_id: no incident 'INC-404' in incidents.csv\n");
	HAS_PROBLEM("responders.csv:2: incident_id: no incident 'INC-2' in incidents.csv\n");
	HAS_PROBLEM("pages.csv:3: incident_id: no incident 'INC-3' in incidents.csv\n");
	HAS_PROBLEM("roster.csv:4: responder: 'ana' repeats; ids must be unique (first seen on line 2)\n");
	assert_int_equal(st.problems, 10);
	assert_int_equal(st.loaded[PIRX_CF_PAGES], 1);        /* empty incident_id is fine */
	assert_int_equal(st.loaded[PIRX_CF_ROSTER], 2);       /* ids are case-sensitive */
}

static void test_encoding(void **state)
{
	static const char inc[] = "id,title,started_at\nINC-1,caf\xC3\xA9,2026-01-05T10:00:00Z\n"
				  "INC-2,bad\xFF,2026-01-05T10:00:00Z\nINC-3,nul\0x,2026-01-05T10:00:00Z\n"
				  "INC-4,t,2026-01-05T10:00:00Z,\xFF\n";

	(void)state;
	put("incidents.csv", inc, sizeof(inc) - 1);
	assert_int_equal(run(0, 0, NULL), PIRX_EINPUT);
	HAS_PROBLEM("incidents.csv:3: title: is not valid UTF-8; save the file as UTF-8\n");
	HAS_PROBLEM("incidents.csv:4: title: contains a NUL byte; cells must be UTF-8 text\n");
	HAS_PROBLEM("incidents.csv:5: is not valid UTF-8 (column 4); save the file as UTF-8\n");
	assert_int_equal(st.problems, 3);
}

static void test_skip_invalid(void **state)
{
	char *path = NULL;
	pirx_csvw *w;
	struct pirx_err err;
	char *text;
	FILE *fp;
	long n;

	(void)state;
	PUT("incidents.csv", "id,started_at,title\nINC-1,2026-01-05T10:00:00Z,ok\nINC-2,never,\"=bad, \"\"row\"\"\"\n");
	PUT("factors.csv", "incident_id,text\nINC-1,a\nINC-2,b\n");
	PUT("responders.csv", "incident_id,responder,joined_at\nINC-1,ana,2026-01-05T10:00:00Z\nINC-2,bo,2026-01-05T10:00:00Z\n");
	path = pirx_fs_join(dir, "rejects.csv");
	assert_int_equal(pirx_csvw_open(path, &w, &err), 0);
	assert_int_equal(run(1, 1, w), 0);
	assert_int_equal(pirx_csvw_close(w, &err), 0);
	HAS_PROBLEM("factors.csv:3: incident_id: incident 'INC-2' was rejected (incidents.csv:3)\n");
	assert_int_equal(st.loaded[PIRX_CF_INCIDENTS], 1);
	assert_int_equal(st.rejected[PIRX_CF_INCIDENTS], 1);
	assert_int_equal(st.rejected[PIRX_CF_FACTORS], 1);
	ASSERT_QUERY("SELECT id FROM incidents", "INC-1\n");
	ASSERT_QUERY("SELECT id FROM factors", "INC-1#1\n");
	ASSERT_QUERY("SELECT file, rows, rejected FROM corpus_files ORDER BY file",
		     "factors.csv|1|1\nincidents.csv|1|1\nresponders.csv|1|1\n");
	ASSERT_QUERY("SELECT file, line, \"column\", kind FROM data_quality ORDER BY rowid",
		     "incidents.csv|3|started_at|rejected\nfactors.csv|3|incident_id|rejected\n"
		     "responders.csv|3|incident_id|rejected\n");
	fp = fopen(path, "rb");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	text = pirx_xmalloc((size_t)n + 1);
	assert_int_equal(fread(text, 1, (size_t)n, fp), (size_t)n);
	text[n] = '\0';
	fclose(fp);
	assert_string_equal(text,
		"file,line,column,problem,row\n"
		"incidents.csv,3,started_at,cannot parse 'never' as a time (expected YYYY-MM-DD),"
		"\"INC-2,never,\"\"=bad, \"\"\"\"row\"\"\"\"\"\"\"\n"
		"factors.csv,3,incident_id,incident 'INC-2' was rejected (incidents.csv:3),\"INC-2,b\"\n"
		"responders.csv,3,incident_id,incident 'INC-2' was rejected (incidents.csv:3),"
		"\"INC-2,bo,2026-01-05T10:00:00Z\"\n");
	free(text);
	free(path);
}

static void test_check_only_writes_nothing(void **state)
{
	char *path;

	(void)state;
	PUT("incidents.csv", incidents_ok);
	assert_int_equal(run(0, 0, NULL), 0);
	assert_int_equal(st.loaded[PIRX_CF_INCIDENTS], 3);
	assert_int_equal(st.kept, 3);
	path = pirx_fs_join(dir, "t.db");
	assert_false(pirx_fs_exists(path));
	free(path);
}

static void test_severity_words(void **state)
{
	(void)state;
	PUT("incidents.csv", "id,severity,started_at\nI1,P0,2026-01-01T00:00:00Z\nI2,High,2026-01-01T00:00:00Z\n"
	    "I3,SEV2,2026-01-01T00:00:00Z\n");
	assert_int_equal(run(0, 0, NULL), PIRX_EINPUT);
	HAS_PROBLEM("incidents.csv:2: severity: cannot read 'P0' as a severity");
	PUT("severity.csv", "word,severity\np0,1\nhigh,sev3\n");
	assert_int_equal(run(1, 0, NULL), 0);
	ASSERT_QUERY("SELECT id, severity FROM incidents ORDER BY id", "I1|1\nI2|3\nI3|2\n");
	/* Problems in severity.csv are never skipped: they change every severity. */
	PUT("severity.csv", "word,severity\np0,0\n");
	assert_int_equal(run(0, 1, NULL), PIRX_EINPUT);
	HAS_PROBLEM("severity.csv:2: severity: cannot read '0' as a severity");
	assert_int_equal(st.fatal, 1);
}

/* pirx-mapping.csv: renamed, ignored and unknown columns; mapped words. */
static void test_mapping(void **state)
{
	(void)state;
	PUT("incidents.csv", "Ticket,Opened At,Sev,url,notes\n"
	    "I1,2026-01-05T10:00:00Z,Sev Zero,http://x,a\n"
	    "I2,2026-01-06T10:00:00Z,cosmetic,,b\n"
	    "I3,2026-01-07T10:00:00Z,major,,c\n");
	PUT("action_items.csv", "id,Ticket,created_at,priority,status\n"
	    "A1,I1,2026-01-06T00:00:00Z,Urgent,Won't do\n"
	    "A2,I1,2026-01-06T00:00:00Z,should-fix,\n");
	PUT("pages.csv", "responder,paged_at,Ticket\nana,2026-01-05T10:05:00Z,I1\n");
	PUT("pirx-mapping.csv", "file,kind,from,to\n"
	    "incidents,column,Opened At,started_at\n"
	    "*,column,ticket,id\n"
	    "action_items,column,Ticket,incident_id\n"
	    "incidents,column,Sev,severity\n"
	    "incidents,column,URL,\n"
	    "incidents,severity,sev zero,SEV1\n"
	    "incidents,severity,cosmetic,\n"
	    "action_items,priority,Urgent,must-fix\n"
	    "action_items,status,Won't do,cancelled\n");
	/* Mapped words are pirx's own: severity.csv does not redefine them. */
	PUT("severity.csv", "word,severity\nsev1,5\n");
	assert_int_equal(run(1, 0, NULL), 0);
	assert_string_equal(pirx_buf_str(&problems), "");
	/* url is ignored quietly; notes warns as usual; pages.csv has no id column. */
	assert_string_equal(pirx_buf_str(&warnings),
			    "incidents.csv:1: unknown column 'notes' is ignored\n"
			    "pages.csv:1: column 'Ticket' is mapped to 'id' (pirx-mapping.csv), which is "
			    "not a column of this file; it is ignored\n");
	ASSERT_QUERY("SELECT id, ifnull(severity, 'null'), started_at FROM incidents ORDER BY id",
		     "I1|1|1767607200\nI2|null|1767693600\nI3|2|1767780000\n");
	ASSERT_QUERY("SELECT id, incident_id, priority, status FROM action_items ORDER BY id",
		     "A1|I1|must-fix|cancelled\nA2|I1|should-fix|open\n");

	/* Words the mapping does not name are read as usual, and the message says
	 * where else a word may come from. */
	PUT("incidents.csv", "Ticket,Opened At,Sev\nI1,2026-01-05T10:00:00Z,meh\n");
	PUT("action_items.csv", "id,Ticket,created_at\n");
	assert_int_equal(run(0, 1, NULL), 0);
	HAS_PROBLEM("incidents.csv:2: severity: cannot read 'meh' as a severity (expected ");
	HAS_PROBLEM(", or a word of severity.csv, or a rule in pirx-mapping.csv)\n");

	/* Without the mapping the same header misses its required columns. */
	unlink_file("pirx-mapping.csv");
	assert_int_equal(run(0, 0, NULL), PIRX_EINPUT);
	HAS_PROBLEM("incidents.csv:1: id: required column is missing from the header\n");
}

/* A bad rule refuses the corpus, located in the mapping file. */
static void test_mapping_invalid(void **state)
{
	(void)state;
	PUT("incidents.csv", incidents_ok);
	PUT("pirx-mapping.csv", "file,kind,from,to\n"
	    "incidents,column,Opened At,started_at\n"
	    "incidents,severity,Sev Zero,SEV9\n");
	assert_int_equal(run(1, 1, NULL), PIRX_EINPUT);
	HAS_PROBLEM("pirx-mapping.csv:3: to: cannot read 'SEV9' as a severity");
	assert_int_equal(st.fatal, 1);
	assert_int_equal(st.problems, 1);
	assert_int_equal(st.present[PIRX_CF_INCIDENTS], 0);   /* nothing was read */

	PUT("pirx-mapping.csv", "file,kind,from\n");
	assert_int_equal(run(0, 0, NULL), PIRX_EINPUT);
	HAS_PROBLEM("pirx-mapping.csv:1: to: required column is missing from the header");
}

static const char review_ok[] =
	"---\n"
	"id: R-1\n"
	"severity: SEV0\n"
	"service: [api, db]\n"
	"started_at: 2026-01-05T10:00:00Z\n"
	"resolved_at: 2026-01-05T12:00:00Z\n"
	"---\n"
	"## Contributing factors\n"
	"- technical: pool exhausted\n"
	"## Action items\n"
	"| id | title | priority | status |\n"
	"|----|-------|----------|--------|\n"
	"| A1 | add alert | Urgent | |\n";

/* Number of entries in the scratch parent (TMPDIR of the test). */
static int entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* A folder of reviews loads directly; the other files come from beside it. */
static void test_review_folder(void **state)
{
	char *tmp = pirx_fs_join(dir, "tmp");
	char *old = getenv("TMPDIR") ? pirx_xstrdup(getenv("TMPDIR")) : NULL;

	(void)state;
	assert_int_equal(mkdir(tmp, 0700), 0);
	setenv("TMPDIR", tmp, 1);
	PUT("r1.md", review_ok);
	PUT("README.md", "# not a review\n");
	PUT("responders.csv", "incident_id,responder,joined_at\nR-1,ana,2026-01-05T10:05:00Z\n");
	PUT("factors.csv", "incident_id,text\nR-1,ignored\n");
	PUT("pirx-mapping.csv", "file,kind,from,to\n"
	    "incidents,severity,SEV0,SEV1\n"
	    "action_items,priority,urgent,must-fix\n"
	    "responders,column,joined_at,\n");
	/* The mapping's column rules apply to the files beside the reviews. */
	assert_int_equal(run(1, 0, NULL), PIRX_EINPUT);
	HAS_PROBLEM("responders.csv:1: joined_at: required column is missing from the header\n");
	assert_int_equal(entries(tmp), 0);

	/* A scale shifted by one (SEV0..SEV4): the words are mapped once, in
	 * the reviews, and not again in the converted files. */
	PUT("pirx-mapping.csv", "file,kind,from,to\n"
	    "incidents,severity,SEV0,SEV1\n"
	    "incidents,severity,SEV1,SEV2\n"
	    "action_items,priority,urgent,must-fix\n");
	assert_int_equal(run(1, 0, NULL), 0);
	assert_string_equal(pirx_buf_str(&problems), "");
	assert_string_equal(pirx_buf_str(&warnings), "factors.csv: is ignored in a folder of reviews: "
			    "factors come from the reviews' contributing factors\n");
	ASSERT_QUERY("SELECT id, severity, service FROM incidents", "R-1|1|api;db\n");
	ASSERT_QUERY("SELECT id, text FROM factors", "R-1#1|pool exhausted\n");
	ASSERT_QUERY("SELECT id, priority, status FROM action_items", "A1|must-fix|open\n");
	ASSERT_QUERY("SELECT incident_id, responder FROM responders", "R-1|ana\n");
	assert_int_equal(entries(tmp), 0);   /* the scratch directory is gone */

	/* A bad review: located at the .md file (inside the corpus) and line,
	 * fatal even with skip_invalid, nothing left behind. */
	PUT("r2.md", "---\nid: R-2\nstarted_at: 2026-02-30T10:00:00Z\n---\n");
	assert_int_equal(run(1, 1, NULL), PIRX_EINPUT);
	assert_string_equal(pirx_buf_str(&problems), "r2.md:3: started_at: cannot parse "
			    "'2026-02-30T10:00:00Z' as a time (day does not exist in that month)\n");
	assert_int_equal(st.fatal, 1);
	assert_int_equal(st.problems, 1);
	assert_int_equal(entries(tmp), 0);

	/* With incidents.csv beside them, the .md files are not reviews to read. */
	PUT("incidents.csv", incidents_ok);
	PUT("factors.csv", "incident_id,text\n");
	PUT("responders.csv", "incident_id,responder,joined_at\n");
	assert_int_equal(run(0, 0, NULL), 0);
	assert_int_equal(st.loaded[PIRX_CF_INCIDENTS], 3);

	if (old)
		setenv("TMPDIR", old, 1);
	else
		unsetenv("TMPDIR");
	free(old);
	pirx_fs_rmtree(tmp);
	free(tmp);
}

static void test_quote(void **state)
{
	char out[200];

	(void)state;
	assert_string_equal(pirx_corpus_quote("abc", 3, out, sizeof(out)), "abc");
	assert_string_equal(pirx_corpus_quote("a\nb\tc\x01\\", 7, out, sizeof(out)), "a\\nb\\tc\\x01\\\\");
	assert_string_equal(pirx_corpus_quote("\xFF" "caf\xC3\xA9", 6, out, sizeof(out)), "\\xffcaf\xC3\xA9");
	assert_string_equal(pirx_corpus_quote("0123456789012345678901234567890123456789XYZ", 43, out, sizeof(out)),
			    "0123456789012345678901234567890123456789...");
	assert_string_equal(pirx_corpus_quote("x\0y", 3, out, sizeof(out)), "x\\x00y");
	assert_string_equal(pirx_corpus_quote("abcdef", 6, out, 8), "a");   /* never overflows */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_valid_load, setup, teardown),
		cmocka_unit_test_setup_teardown(test_header_problems, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_problems, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cell_problems, setup, teardown),
		cmocka_unit_test_setup_teardown(test_references_and_vocab, setup, teardown),
		cmocka_unit_test_setup_teardown(test_encoding, setup, teardown),
		cmocka_unit_test_setup_teardown(test_skip_invalid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_only_writes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_severity_words, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mapping, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mapping_invalid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_review_folder, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_ids, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ids_in_and_out_of_order, setup, teardown),
		cmocka_unit_test(test_quote),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
