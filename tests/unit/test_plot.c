/*
 * test_plot: drawing charts now or in a batch. A batch is drawn by one
 * gnuplot, started at its first chart and handed each chart as it is
 * written, and its charts are the ones a gnuplot per chart draws, PNG
 * byte for byte and SVG but for one attribute of empty groups (settings of
 * one script do not reach the next: a time axis, bars and a log scale
 * drawn in turn, which without `reset session` go wrong); a failing gnuplot
 * is reported with the script and line it names, or the charts it had.
 * PIRX_GNUPLOT points at small shell scripts that count the runs or fail.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "pirx/err.h"
#include "pirx/fsutil.h"
#include "pirx/mem.h"
#include "pirx/plot.h"

static char base[] = "/tmp/pirx-test-plot-XXXXXX";

/* Three charts whose scripts differ in the settings they make: a time
 * axis with a band, labels with bars, a log scale. */
static pirx_plot *chart(int which)
{
	pirx_plot *p;

	switch (which) {
	case 0:
		p = pirx_plot_new("trend", PIRX_PLOT_X_MONTH, 3);
		pirx_plot_title(p, "Monthly median");
		pirx_plot_column(p, 1, "median");
		pirx_plot_column(p, 2, "low");
		pirx_plot_column(p, 3, "high");
		for (int m = 0; m < 6; m++) {
			pirx_plot_row_month(p, 676 + m);
			pirx_plot_value(p, 30 + m);
			pirx_plot_value(p, 20 + m);
			pirx_plot_value(p, 40 + m);
		}
		pirx_plot_series(p, PIRX_PLOT_BAND, 2, 3, 1);
		pirx_plot_series(p, PIRX_PLOT_LINEPOINTS, 1, 0, 0);
		return p;
	case 1:
		p = pirx_plot_new("bars", PIRX_PLOT_X_LABEL, 1);
		pirx_plot_column(p, 1, "count");
		pirx_plot_row_label(p, "disk full");
		pirx_plot_value(p, 4);
		pirx_plot_row_label(p, "cert expired");
		pirx_plot_value(p, 2);
		pirx_plot_series(p, PIRX_PLOT_BARS, 1, 0, 0);
		return p;
	default:
		p = pirx_plot_new("logscale", PIRX_PLOT_X_NUMBER, 1);
		pirx_plot_ylog(p, 1);
		pirx_plot_column(p, 1, "minutes");
		for (int i = 1; i <= 5; i++) {
			pirx_plot_row_number(p, i);
			pirx_plot_value(p, i * i * 10.0);
		}
		pirx_plot_series(p, PIRX_PLOT_LINE, 1, 0, 0);
		return p;
	}
}

/* Writes charts 0..n-1 into dir, to draw now (later NULL) or with later. */
static void write_charts(const char *dir, pirx_plot_batch *later, int n)
{
	struct pirx_err err;

	for (int i = 0; i < n; i++) {
		pirx_plot *p = chart(i);
		assert_int_equal(pirx_plot_write(p, dir, later, &err), 0);
		pirx_plot_free(p);
	}
}

static char *sub(const char *name)
{
	char *dir = pirx_fs_join(base, name);

	mkdir(dir, 0755);
	return dir;
}

/* A stand-in for gnuplot in base: logs each run's arguments to runs.log,
 * then does `body`. */
static void fake_gnuplot(const char *body)
{
	char *path = pirx_fs_join(base, "gp.sh");
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fprintf(f, "#!/bin/sh\necho \"$*\" >> %s/runs.log\n%s\n", base, body);
	fclose(f);
	chmod(path, 0755);
	setenv("PIRX_GNUPLOT", path, 1);
	free(path);
	path = pirx_fs_join(base, "runs.log");
	unlink(path);
	free(path);
}

static int runs(void)
{
	char *path = pirx_fs_join(base, "runs.log");
	FILE *f = fopen(path, "r");
	char line[1024];
	int n = 0;

	free(path);
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		n++;
	fclose(f);
	return n;
}

static char *slurp(const char *dir, const char *name, size_t *len)
{
	char *path = pirx_fs_join(dir, name);
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		fail_msg("%s was not drawn", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = pirx_xmalloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	free(path);
	*len = (size_t)n;
	return buf;
}

/*
 * Removes the stroke="..." of every <g fill="none" ...> line of an SVG
 * (in place; returns the new length). gnuplot's svg terminal opens each
 * group with the stroke colour its last plot left, so the first group of
 * a chart drawn after another says stroke="black" where a fresh gnuplot
 * says stroke="currentColor"; the group is empty and draws nothing. No
 * `reset` clears that state, and it is the only difference.
 */
static size_t drop_group_strokes(char *svg)
{
	char *out = svg;

	for (const char *p = svg; *p;) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) + 1 : strlen(p);
		const char *st = strstr(p, " stroke=\"");
		if (strncmp(p, "<g fill=\"none\" color=\"", 22) == 0 && st && st < p + n) {
			const char *end = strchr(st + 9, '"');
			memmove(out, p, (size_t)(st - p));
			out += st - p;
			memmove(out, end + 1, (size_t)(p + n - end - 1));
			out += p + n - end - 1;
		} else {
			memmove(out, p, n);
			out += n;
		}
		p += n;
	}
	*out = '\0';
	return (size_t)(out - svg);
}

static void test_batch_same_charts(void **state)
{
	static const char *const files[] = {"trend.svg", "trend.png", "bars.svg", "bars.png",
					    "logscale.svg", "logscale.png"};
	struct pirx_err err;
	char *one = sub("one"), *batch = sub("batch");
	pirx_plot_batch *b = pirx_plot_batch_new(batch);

	(void)state;
	fake_gnuplot("exec gnuplot \"$@\"");
	write_charts(one, NULL, 3);
	assert_int_equal(runs(), 3);
	fake_gnuplot("exec gnuplot \"$@\"");
	write_charts(batch, b, 3);
	/* One gnuplot, started at the first chart, drew all three by the
	 * time the batch is drawn. */
	assert_int_equal(pirx_plot_batch_count(b), 3);
	assert_int_equal(pirx_plot_batch_draw(b, &err), 0);
	assert_int_equal(runs(), 1);
	assert_int_equal(pirx_plot_batch_count(b), 0);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		size_t n1, n2;
		char *a = slurp(one, files[i], &n1), *c = slurp(batch, files[i], &n2);
		if (strstr(files[i], ".svg")) {
			n1 = drop_group_strokes(a);
			n2 = drop_group_strokes(c);
		}
		if (n1 != n2 || memcmp(a, c, n1) != 0)
			fail_msg("%s differs when drawn in a batch", files[i]);
		free(a);
		free(c);
	}
	/* An empty batch runs nothing. */
	assert_int_equal(pirx_plot_batch_draw(b, &err), 0);
	assert_int_equal(runs(), 1);
	pirx_plot_batch_free(b);
	free(one);
	free(batch);
}

static void test_batch_failures(void **state)
{
	struct pirx_err err;
	char *dir = sub("fail");
	pirx_plot_batch *b = pirx_plot_batch_new(dir);

	(void)state;
	/* gnuplot says nothing: the message names the first chart. */
	fake_gnuplot("exit 3");
	write_charts(dir, b, 3);
	pirx_err_clear(&err);
	assert_int_equal(pirx_plot_batch_draw(b, &err), PIRX_EIO);
	assert_non_null(strstr(err.msg, "gnuplot failed on"));
	assert_non_null(strstr(err.msg, "/trend.gp and the charts after it (exit 3)"));

	/* gnuplot names the script and line: that is the message. */
	fake_gnuplot("echo 'some warning' >&2\necho '\"bars.gp\" line 19: undefined variable: x' >&2\nexit 1");
	write_charts(dir, b, 2);
	pirx_err_clear(&err);
	assert_int_equal(pirx_plot_batch_draw(b, &err), PIRX_EIO);
	assert_non_null(strstr(err.msg, "(exit 1): \"bars.gp\" line 19: undefined variable: x"));

	/* One chart drawn at once fails at once. */
	fake_gnuplot("exit 3");
	{
		pirx_plot *p = chart(2);
		pirx_err_clear(&err);
		assert_int_equal(pirx_plot_write(p, dir, NULL, &err), PIRX_EIO);
		assert_non_null(strstr(err.msg, "/logscale.gp (exit 3)"));
		pirx_plot_free(p);
	}
	/* The error file is gone either way. */
	{
		char name[64];
		char *path;
		snprintf(name, sizeof(name), ".gnuplot-errors.%ld", (long)getpid());
		path = pirx_fs_join(dir, name);
		assert_int_not_equal(access(path, F_OK), 0);
		free(path);
	}
	pirx_plot_batch_free(b);
	free(dir);
}

/* A batch's gnuplot draws each chart as it is handed over, before the
 * batch is drawn; a batch freed undrawn (a lane that failed) stops its
 * gnuplot at once and leaves no file of its own. */
static void test_batch_streams(void **state)
{
	struct pirx_err err;
	char *dir = sub("stream"), *svg, *errfile;
	char name[64];
	pirx_plot_batch *b = pirx_plot_batch_new(dir);
	pirx_plot *p = chart(0);
	time_t t0;

	(void)state;
	fake_gnuplot("exec gnuplot \"$@\"");
	assert_int_equal(pirx_plot_write(p, dir, b, &err), 0);
	pirx_plot_free(p);
	svg = pirx_fs_join(dir, "trend.svg");
	for (t0 = time(NULL); access(svg, F_OK) != 0 && time(NULL) - t0 < 20;)
		usleep(10000);
	assert_int_equal(access(svg, F_OK), 0);
	assert_int_equal(pirx_plot_batch_draw(b, &err), 0);
	free(svg);

	fake_gnuplot("sleep 30");
	p = chart(1);
	assert_int_equal(pirx_plot_write(p, dir, b, &err), 0);
	pirx_plot_free(p);
	t0 = time(NULL);
	pirx_plot_batch_free(b);
	assert_true(time(NULL) - t0 < 10);
	snprintf(name, sizeof(name), ".gnuplot-errors.%ld.batch", (long)getpid());
	errfile = pirx_fs_join(dir, name);
	assert_int_not_equal(access(errfile, F_OK), 0);
	free(errfile);
	free(dir);
}

/* A batch started before a fork is shared: the fork hands its chart over
 * and lets go (its draw and free neither wait for gnuplot nor stop it),
 * and the process that started it draws both charts with one gnuplot. */
static void test_batch_shared_by_fork(void **state)
{
	static const char *const files[] = {"trend.svg", "trend.png", "bars.svg", "bars.png"};
	struct pirx_err err;
	char *dir = sub("shared");
	pirx_plot_batch *b = pirx_plot_batch_new(dir);
	pid_t pid;
	int status;

	(void)state;
	fake_gnuplot("exec gnuplot \"$@\"");
	pirx_plot_batch_start(b);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		pirx_plot *p = chart(1);
		int rc = pirx_plot_write(p, dir, b, &err);
		pirx_plot_free(p);
		rc = rc || pirx_plot_batch_draw(b, &err) != 0;
		pirx_plot_batch_free(b);
		_exit(rc ? 1 : 0);
	}
	write_charts(dir, b, 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(pirx_plot_batch_draw(b, &err), 0);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *path = pirx_fs_join(dir, files[i]);
		struct stat sb;
		if (stat(path, &sb) != 0 || sb.st_size == 0)
			fail_msg("%s was not drawn", files[i]);
		free(path);
	}
	assert_int_equal(runs(), 1);
	pirx_plot_batch_free(b);
	free(dir);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(base) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_batch_same_charts),
		cmocka_unit_test(test_batch_failures),
		cmocka_unit_test(test_batch_streams),
		cmocka_unit_test(test_batch_shared_by_fork),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
