/*
 * test_render: report.md and report.html from a hand-written report
 * directory (tests/e2e/2400-render/fixture, with hostile corpus strings
 * and a chart that carries a script), checked against a golden report.md;
 * a directory with no CSV at all; determinism.
 * PIRX_UPDATE_GOLDEN=1 rewrites the golden file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>
#include <sys/stat.h>

#include "pirx/err.h"
#include "pirx/fsutil.h"
#include "pirx/mem.h"
#include "pirx/report.h"
#include "pirx/timefmt.h"

#define FIXTURE "tests/e2e/2400-render/fixture"
#define GOLDEN "tests/e2e/2400-render/fixture-report.md"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct pirx_buf b;
	char buf[4096];
	size_t n;

	if (!f)
		return NULL;
	pirx_buf_init(&b);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		pirx_buf_append(&b, buf, n);
	fclose(f);
	return b.data ? b.data : pirx_xstrdup("");
}

static void copy_dir(const char *from, const char *to)
{
	DIR *d = opendir(from);
	struct dirent *e;

	assert_non_null(d);
	mkdir(to, 0777);
	while ((e = readdir(d))) {
		char *src, *dst;
		struct stat st;
		if (e->d_name[0] == '.')
			continue;
		src = pirx_fs_join(from, e->d_name);
		dst = pirx_fs_join(to, e->d_name);
		assert_int_equal(stat(src, &st), 0);
		if (S_ISDIR(st.st_mode)) {
			copy_dir(src, dst);
		} else {
			FILE *in = fopen(src, "rb"), *out = fopen(dst, "wb");
			char buf[4096];
			size_t n;
			assert_non_null(in);
			assert_non_null(out);
			while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
				fwrite(buf, 1, n, out);
			fclose(in);
			fclose(out);
		}
		free(src);
		free(dst);
	}
	closedir(d);
}

/* Renders dir (month 2026-03, window 12); returns report.md and report.html. */
static int render(const char *dir, char **md, char **html)
{
	struct pirx_report_ctx ctx;
	struct pirx_err err;
	char *charts = pirx_fs_join(dir, "charts"), *p;
	int rc;

	memset(&ctx, 0, sizeof(ctx));
	pirx_month_parse("2026-03", &ctx.month);
	ctx.window = 12;
	ctx.window_start = ctx.month - 11;
	pirx_month_parse("2025-01", &ctx.first_month);
	ctx.as_of = pirx_month_start(ctx.month + 1);
	ctx.seed = 1;
	ctx.dir = dir;
	ctx.charts_dir = charts;
	mkdir(charts, 0777);
	pirx_err_clear(&err);
	rc = pirx_render_run(&ctx, &err);
	if (rc)
		fprintf(stderr, "render: %s\n", err.msg);
	p = pirx_fs_join(dir, "report.md");
	*md = slurp(p);
	free(p);
	p = pirx_fs_join(dir, "report.html");
	*html = slurp(p);
	free(p);
	free(charts);
	return rc;
}

static char *scratch(void)
{
	char tmpl[] = "/tmp/pirx-render-XXXXXX";
	char *d = mkdtemp(tmpl);

	assert_non_null(d);
	return pirx_xstrdup(d);
}

static void test_golden_md(void **state)
{
	char *dir = scratch(), *md, *html, *want;

	(void)state;
	copy_dir(FIXTURE, dir);
	assert_int_equal(render(dir, &md, &html), 0);
	assert_non_null(md);
	if (getenv("PIRX_UPDATE_GOLDEN")) {
		FILE *f = fopen(GOLDEN, "wb");
		assert_non_null(f);
		fputs(md, f);
		fclose(f);
	}
	want = slurp(GOLDEN);
	assert_non_null(want);
	assert_string_equal(md, want);
	free(want);
	free(md);
	free(html);
	pirx_fs_rmtree(dir);
	free(dir);
}

static void test_hostile_html(void **state)
{
	char *dir = scratch(), *md, *html;

	(void)state;
	copy_dir(FIXTURE, dir);
	assert_int_equal(render(dir, &md, &html), 0);
	assert_non_null(html);
	/* Nothing executable and nothing loaded. */
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "<img"));
	assert_null(strstr(html, "<b>"));
	assert_null(strstr(html, " src=\""));
	assert_null(strstr(html, " href=\"h"));
	assert_null(strstr(html, "http:"));
	assert_null(strstr(html, "https:"));
	/* Corpus strings arrive escaped. */
	assert_non_null(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; pool"));
	assert_non_null(strstr(html, "&lt;b&gt;eve&lt;/b&gt; &amp; &quot;mallory&quot;"));
	assert_non_null(strstr(html, "&lt;img src=x onerror=alert(1)&gt;"));
	assert_non_null(strstr(html, "payments &amp; billing"));
	/* The gnuplot chart is inlined (its text escaped by gnuplot), the one
	 * with a script is left out with a note. */
	assert_non_null(strstr(html, "<svg viewBox=\"0 0 860 420\" class=\"chart\""));
	assert_non_null(strstr(html, "&lt;script>alert(1)&lt;/script>"));
	assert_non_null(strstr(html, "The chart responder_load.svg was left out"));
	assert_null(strstr(html, "alert('chart')"));
	/* Markdown: pipes and markup in corpus text cannot break tables. */
	assert_non_null(strstr(md, "checkout\\|api"));
	assert_non_null(strstr(md, "\\<script\\>alert(1)\\</script\\> \\& pool"));
	assert_non_null(strstr(md, "![The most frequent failure patterns in the window.](charts/top_patterns.png)"));
	/* responder_load.png does not exist: no link to it. */
	assert_null(strstr(md, "responder_load.png"));
	free(md);
	free(html);
	pirx_fs_rmtree(dir);
	free(dir);
}

static void test_deterministic(void **state)
{
	char *dir = scratch(), *md1, *html1, *md2, *html2;

	(void)state;
	copy_dir(FIXTURE, dir);
	assert_int_equal(render(dir, &md1, &html1), 0);
	assert_int_equal(render(dir, &md2, &html2), 0);
	assert_string_equal(md1, md2);
	assert_string_equal(html1, html2);
	free(md1);
	free(md2);
	free(html1);
	free(html2);
	pirx_fs_rmtree(dir);
	free(dir);
}

static void test_no_data(void **state)
{
	char *dir = scratch(), *md, *html;

	(void)state;
	assert_int_equal(render(dir, &md, &html), 0);
	assert_non_null(md);
	assert_non_null(html);
	assert_non_null(strstr(md, "# Incident learning report: March 2026"));
	assert_non_null(strstr(md, "No incident counts for this report"));
	assert_non_null(strstr(md, "No trends for this report"));
	assert_non_null(strstr(md, "No failure patterns for this report"));
	assert_non_null(strstr(md, "No action-item figures for this report"));
	assert_non_null(strstr(md, "No review data for this report"));
	assert_non_null(strstr(md, "No responder load for this report"));
	assert_non_null(strstr(md, "No data-quality record for this report"));
	assert_non_null(strstr(html, "<h1>March 2026</h1>"));
	free(md);
	free(html);
	pirx_fs_rmtree(dir);
	free(dir);
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char *p = pirx_fs_join(dir, name);
	FILE *f = fopen(p, "wb");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(p);
}

/* Header-only files: the data exists but is empty, and the corpus lacks
 * the optional files, so the sections say that rather than "missing". */
static void test_empty_files(void **state)
{
	char *dir = scratch(), *md, *html;

	(void)state;
	write_file(dir, "report_meta.csv", "key,value\nmonth,2026-03\ncorpus_files,incidents.csv;factors.csv\n");
	write_file(dir, "repeat_incidents.csv", "incident_id,previous_incident_id,service,cluster_id,days_apart\n");
	write_file(dir, "recurrence.csv",
		   "cluster_id,label,window_incidents,month_incidents,months_active,services,median_gap_days,last_seen,recurring\n");
	write_file(dir, "data_quality.csv", "file,line,column,problem,kind\n");
	assert_int_equal(render(dir, &md, &html), 0);
	assert_non_null(strstr(md, "No repeat incidents: no service was hit again"));
	assert_non_null(strstr(md, "No failure pattern recurred in the window"));
	assert_non_null(strstr(md, "No action items in this corpus."));
	assert_non_null(strstr(md, "No responders or pages in this corpus"));
	assert_non_null(strstr(md, "No data-quality problems"));
	assert_non_null(strstr(md, "action\\_items.csv: no action-item follow-through"));
	free(md);
	free(html);
	pirx_fs_rmtree(dir);
	free(dir);
}

/* Renders dir with report_meta.csv's rows after its own (meta_rows),
 * and checks the two long lists: ten rows each, and the counts said. */
static void check_long_lists(const char *dir, const char *meta_rows, long overdue, long must,
			     long repeats, long pairs)
{
	struct pirx_buf meta, want;
	char *md, *html;

	pirx_buf_init(&meta);
	pirx_buf_init(&want);
	pirx_buf_printf(&meta, "key,value\nmonth,2026-03\n"
			"corpus_files,incidents.csv;factors.csv;action_items.csv\n%s", meta_rows);
	write_file(dir, "report_meta.csv", pirx_buf_str(&meta));
	assert_int_equal(render(dir, &md, &html), 0);
	pirx_buf_printf(&want, "%ld open items are past their due date, %ld of them must-fix.",
			overdue, must);
	pirx_buf_printf(&want, "|And %ld more in overdue\\_actions.csv.", overdue - 10);
	pirx_buf_printf(&want, "|%ld repeat incidents: a service hit again by the same pattern "
			"within 30 days (%ld pairs with earlier incidents", repeats, pairs);
	pirx_buf_printf(&want, "|And %ld more in repeat\\_incidents.csv.", pairs - 10);
	for (char *w = want.data, *bar; w; w = bar ? bar + 1 : NULL) {
		if ((bar = strchr(w, '|')))
			*bar = '\0';
		if (!strstr(md, w))
			fail_msg("no '%s' in the report", w);
	}
	assert_non_null(strstr(md, "| X10 |"));
	assert_null(strstr(md, "| X11 |"));
	assert_non_null(strstr(md, "| P10 |"));
	assert_null(strstr(md, "| P11 |"));
	pirx_buf_release(&meta);
	pirx_buf_release(&want);
	free(md);
	free(html);
}

/* Long lists: ten rows are shown and every row is counted, the rows past
 * the tenth too (must-fix items, distinct repeat incidents), unless
 * report_meta.csv gives the counts: then render reads the ten rows it
 * shows and takes the counts from there. A list missing one of its keys
 * is counted. */
static void test_long_lists(void **state)
{
	char *dir = scratch();
	struct pirx_buf over, rep;
	/* Must-fix at 1-3, 12 and 14; the first ten are the file's. */
	static const int must[] = {1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1};
	/* R1..R9: R1 and R5 twice among the first ten, R8 and R1 again after. */
	static const char *const inc[] = {"R1", "R1", "R2", "R3", "R4", "R5", "R5", "R6", "R7", "R8",
					  "R8", "R1", "R9"};

	(void)state;
	pirx_buf_init(&over);
	pirx_buf_init(&rep);
	pirx_buf_printf(&over, "id,incident_id,title,owner,team,priority,due_at,days_overdue,created_at\n");
	for (int i = 0; i < 14; i++)
		pirx_buf_printf(&over, "X%d,INC-1,fix %d,ann,edge,%s,2026-02-01T00:00:00Z,%d.0,"
				"2026-01-01T00:00:00Z\n", i + 1, i + 1, must[i] ? "must-fix" : "should-fix",
				60 - i);
	pirx_buf_printf(&rep, "incident_id,previous_incident_id,service,cluster_id,days_apart\n");
	for (int i = 0; i < 13; i++)
		pirx_buf_printf(&rep, "%s,P%d,api,dns,1.00\n", inc[i], i + 1);
	write_file(dir, "overdue_actions.csv", pirx_buf_str(&over));
	write_file(dir, "repeat_incidents.csv", pirx_buf_str(&rep));
	check_long_lists(dir, "", 14, 5, 9, 13);
	check_long_lists(dir, "overdue_actions_must_fix,137\noverdue_actions_rows,731\n"
			 "repeat_incidents_rows,5000\n", 731, 137, 9, 13);
	check_long_lists(dir, "repeat_incidents_incidents,4000\nrepeat_incidents_rows,5000\n",
			 14, 5, 4000, 5000);
	pirx_buf_release(&over);
	pirx_buf_release(&rep);
	pirx_fs_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_md),
		cmocka_unit_test(test_hostile_html),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_no_data),
		cmocka_unit_test(test_empty_files),
		cmocka_unit_test(test_long_lists),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
