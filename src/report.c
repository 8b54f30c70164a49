/*
 * report: the report pipeline. Chooses the month and window, makes a
 * scratch directory beside the target, runs every analysis step in order,
 * writes report_meta.csv and data_quality.csv itself, and swaps the
 * finished directory into place. Analyses live in their own modules; the
 * narrative is rendered by render.c from the CSV files.
 *
 * Steps share nothing but the database (read only) and the scratch
 * directory (each writes its own files), so two lanes run the analyses at
 * once: this process and a child on a connection of its own. They take
 * the steps from one queue, longest first, as each finishes its last: on
 * two cores the report takes about half the sum of the steps, whichever
 * core is slower (the machines pirx is measured on are shared: fixed lanes
 * ended up to 0.3 s apart in a 1 s report at 100k; docs/scale.md).
 * A fork, not threads: the steps' modules need not be thread-safe, and
 * the child opens its own SQLite connection (none is carried across the
 * fork). PIRX_REPORT_JOBS=1 runs every step in order in one process.
 */
#include "pirx/report.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pirx/cmd.h"
#include "pirx/csvio.h"
#include "pirx/fsutil.h"
#include "pirx/mem.h"
#include "pirx/plot.h"
#include "pirx/sort.h"
#include "pirx/timefmt.h"

void pirx_report_opts_init(struct pirx_report_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->month = -1;
	o->window = 12;
	o->seed = 1;
}

void pirx_report_progress(const struct pirx_report_ctx *ctx, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (!ctx->progress)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ctx->progress(ctx->progress_arg, buf);
}

static int cmp_incident_key(const void *x, const void *y)
{
	const struct pirx_incident_key *a = x, *b = y;

	if (a->started != b->started)
		return a->started < b->started ? -1 : 1;
	return strcmp(a->id, b->id);
}

static uint64_t incident_key(const void *x, const void *arg)
{
	(void)arg;
	return pirx_sort_key_i64(((const struct pirx_incident_key *)x)->started);
}

void pirx_incident_order_init(struct pirx_incident_order *o)
{
	memset(o, 0, sizeof(*o));
	pirx_buf_init(&o->ids);
}

void pirx_incident_order_add(struct pirx_incident_order *o, int64_t started,
			     const char *id, size_t len, size_t at)
{
	if (o->n == o->cap) {
		o->cap = o->cap ? o->cap * 2 : 1024;
		o->k = pirx_xreallocarray(o->k, o->cap, sizeof(*o->k));
		o->id_off = pirx_xreallocarray(o->id_off, o->cap, sizeof(*o->id_off));
	}
	o->k[o->n].started = started;
	o->k[o->n].id = NULL;
	o->k[o->n].at = at;
	o->id_off[o->n] = o->ids.len;
	pirx_buf_append(&o->ids, id, len);
	pirx_buf_append(&o->ids, "", 1);
	o->n++;
}

void pirx_incident_order_sort(struct pirx_incident_order *o)
{
	for (size_t i = 0; i < o->n; i++)
		o->k[i].id = o->ids.data + o->id_off[i];
	pirx_sort_by_key(o->k, o->n, sizeof(*o->k), incident_key, NULL, cmp_incident_key);
}

void pirx_incident_order_release(struct pirx_incident_order *o)
{
	free(o->k);
	free(o->id_off);
	pirx_buf_release(&o->ids);
	memset(o, 0, sizeof(*o));
}

/* One row, one integer column: runs a query that yields a single count. */
static int count_between(pirx_db *db, int64_t from, int64_t to, long *out, struct pirx_err *err)
{
	pirx_stmt *st = NULL;
	int rc;

	if ((rc = pirx_db_prepare(db, "month_incidents", &st, err)))
		return rc;
	pirx_stmt_bind_int64(st, 1, from);
	pirx_stmt_bind_int64(st, 2, to);
	rc = pirx_stmt_step(st, err);
	if (rc == 1) {
		*out = (long)pirx_stmt_int64(st, 0);
		rc = 0;
	}
	pirx_stmt_finalize(st);
	return rc;
}

/*
 * The last complete month: the month of the latest incident when the data
 * reaches its last day, otherwise the month before it; but never a month
 * before the corpus begins (a corpus of a few days reports its one month).
 */
static int default_month(int64_t first, int64_t last)
{
	int m = pirx_month_of(last);
	int64_t last_day = pirx_month_start(m + 1) - 86400;

	if (last >= last_day || m - 1 < pirx_month_of(first))
		return m;
	return m - 1;
}

int pirx_quality_run(const struct pirx_report_ctx *ctx, struct pirx_err *err)
{
	pirx_stmt *st = NULL;
	pirx_csvw *w = NULL;
	char *path = pirx_fs_join(ctx->dir, "data_quality.csv");
	int rc, step;

	if ((rc = pirx_db_prepare(ctx->db, "data_quality_rows", &st, err)))
		goto out;
	if ((rc = pirx_csvw_open(path, &w, err)))
		goto out;
	pirx_csvw_header(w, "file,line,column,problem,kind");
	while ((step = pirx_stmt_step(st, err)) == 1) {
		pirx_csvw_text(w, pirx_stmt_text(st, 0));
		pirx_csvw_int(w, pirx_stmt_int64(st, 1));
		pirx_csvw_text(w, pirx_stmt_text(st, 2));
		pirx_csvw_text(w, pirx_stmt_text(st, 3));
		pirx_csvw_text(w, pirx_stmt_text(st, 4));
		pirx_csvw_end_row(w);
	}
	rc = step < 0 ? step : 0;
out:
	if (pirx_csvw_close(w, rc ? NULL : err) != 0 && rc == 0)
		rc = PIRX_EIO;
	pirx_stmt_finalize(st);
	free(path);
	return rc;
}

/* The size of report_meta.csv as write_meta left it: the steps' rows
 * (pirx_report_meta_add) come after it. */
static off_t meta_base;

int pirx_report_meta_add(const struct pirx_report_ctx *ctx, const char *key, long value,
			 struct pirx_err *err)
{
	char *path = pirx_fs_join(ctx->dir, "report_meta.csv");
	char line[96];
	int n = snprintf(line, sizeof(line), "%s,%ld\n", key, value);
	int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	int rc = 0;

	/* O_APPEND: the other lane may append at the same time; a line is
	 * one write, so the two never interleave. */
	if (fd < 0 || n <= 0 || (size_t)n >= sizeof(line) || write(fd, line, (size_t)n) != n)
		rc = pirx_err_set(err, PIRX_EIO, path, 0, NULL, "cannot add %s: %s", key,
				  strerror(errno));
	if (fd >= 0)
		close(fd);
	free(path);
	return rc;
}

static int write_meta(const struct pirx_report_ctx *ctx, struct pirx_err *err)
{
	char *path = pirx_fs_join(ctx->dir, "report_meta.csv");
	pirx_csvw *w = NULL;
	pirx_stmt *st = NULL;
	struct pirx_buf files;
	int rc, step;

	pirx_buf_init(&files);
	if ((rc = pirx_db_prepare(ctx->db, "corpus_files", &st, err)))
		goto out;
	while ((step = pirx_stmt_step(st, err)) == 1) {
		if (files.len)
			pirx_buf_puts(&files, ";");
		pirx_buf_puts(&files, pirx_stmt_text(st, 0));
	}
	if (step < 0) {
		rc = step;
		goto out;
	}
	if ((rc = pirx_csvw_open(path, &w, err)))
		goto out;
	pirx_csvw_header(w, "key,value");
	pirx_csvw_text(w, "month");
	pirx_csvw_month(w, ctx->month);
	pirx_csvw_end_row(w);
	pirx_csvw_text(w, "window");
	pirx_csvw_int(w, ctx->window);
	pirx_csvw_end_row(w);
	pirx_csvw_text(w, "window_start");
	pirx_csvw_month(w, ctx->window_start);
	pirx_csvw_end_row(w);
	pirx_csvw_text(w, "first_month");
	pirx_csvw_month(w, ctx->first_month);
	pirx_csvw_end_row(w);
	pirx_csvw_text(w, "as_of");
	pirx_csvw_time(w, ctx->as_of);
	pirx_csvw_end_row(w);
	pirx_csvw_text(w, "seed");
	pirx_csvw_int(w, (int64_t)ctx->seed);
	pirx_csvw_end_row(w);
	pirx_csvw_text(w, "anonymized");
	pirx_csvw_text(w, ctx->anonymize ? "yes" : "no");
	pirx_csvw_end_row(w);
	pirx_csvw_text(w, "corpus_files");
	pirx_csvw_text(w, pirx_buf_str(&files));
	pirx_csvw_end_row(w);
	pirx_csvw_text(w, "pirx_version");
	pirx_csvw_text(w, PIRX_VERSION);
	pirx_csvw_end_row(w);
out:
	if (pirx_csvw_close(w, rc ? NULL : err) != 0 && rc == 0)
		rc = PIRX_EIO;
	if (rc == 0) {
		struct stat sb;
		meta_base = stat(path, &sb) == 0 ? sb.st_size : 0;
	}
	pirx_stmt_finalize(st);
	pirx_buf_release(&files);
	free(path);
	return rc;
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Puts the rows the steps added to report_meta.csv in key order, in
 * place: the two lanes append theirs in whichever order they finish, and
 * a report is the same file for the same corpus.
 */
static int order_meta(const struct pirx_report_ctx *ctx, struct pirx_err *err)
{
	char *path = pirx_fs_join(ctx->dir, "report_meta.csv");
	int fd = open(path, O_RDWR | O_CLOEXEC);
	struct stat sb;
	struct pirx_buf sorted;
	char *tail = NULL, **line = NULL;
	size_t len = 0, n = 0;
	int rc = PIRX_EIO;

	pirx_buf_init(&sorted);
	if (fd < 0 || fstat(fd, &sb) != 0 || sb.st_size < meta_base)
		goto out;
	len = (size_t)(sb.st_size - meta_base);
	tail = pirx_xmalloc(len + 1);
	if (pread(fd, tail, len, meta_base) != (ssize_t)len)
		goto out;
	tail[len] = '\0';
	line = pirx_xmalloc((len / 2 + 1) * sizeof(*line));
	for (char *p = tail; p < tail + len;) {   /* every row ends in \n */
		char *nl = strchr(p, '\n');
		if (!nl)
			goto out;
		*nl = '\0';
		line[n++] = p;
		p = nl + 1;
	}
	qsort(line, n, sizeof(*line), cmp_line);
	for (size_t i = 0; i < n; i++)
		pirx_buf_printf(&sorted, "%s\n", line[i]);
	if (pwrite(fd, sorted.data, sorted.len, meta_base) == (ssize_t)len)
		rc = 0;
out:
	if (rc)
		pirx_err_set(err, PIRX_EIO, path, 0, NULL, "cannot order the rows the steps added");
	if (fd >= 0)
		close(fd);
	free(tail);
	free(line);
	pirx_buf_release(&sorted);
	free(path);
	return rc;
}

/* The analyses (after = 0), in the order the lanes take them: longest
 * first at 1M incidents (6.0, 2.5, 2.4, 2.4 and 0.7 s), so that the last
 * step to start is a short one; at 100k they are closer (3.6, 1.2, 1.6,
 * 1.5, 1.4 G instructions) and the lanes end together either way. Then
 * the steps that read the CSV files of the others (after = 1), in this
 * process. */
struct step {
	const char *what;
	int (*run)(const struct pirx_report_ctx *ctx, struct pirx_err *err);
	int after;
};

static const struct step steps[] = {
	{"contributing-factor clusters", pirx_clusters_run, 0},
	{"trends", pirx_trend_run, 0},
	{"responder load", pirx_oncall_run, 0},
	{"action items and reviews", pirx_actions_run, 0},
	{"incident counts and durations", pirx_durations_run, 0},
	{"data quality", pirx_quality_run, 1},
	{"report.md and report.html", pirx_render_run, 1},
	{NULL, NULL, 0}
};

/* The step to run after prev (NULL: the first), or NULL when none is
 * left: the next analysis from the queue (one byte, its index in steps[],
 * read whole: a pipe hands each byte to one reader), or with queue < 0 the
 * next of the steps after them. */
static const struct step *next_step(int queue, const struct step *prev)
{
	unsigned char i;
	ssize_t got;

	if (queue < 0) {
		const struct step *s = prev ? prev + 1 : steps;
		while (s->what && !s->after)
			s++;
		return s->what ? s : NULL;
	}
	do
		got = read(queue, &i, 1);
	while (got < 0 && errno == EINTR);
	return got == 1 && i < sizeof(steps) / sizeof(steps[0]) - 1 ? &steps[i] : NULL;
}

/* Runs steps: the analyses from the queue (queue >= 0), or the steps
 * after them (queue < 0). Their charts go to ctx->charts. */
static int run_lane(const struct pirx_report_ctx *ctx, int queue, struct pirx_err *err)
{
	int rc = 0;

	for (const struct step *s = next_step(queue, NULL); s; s = rc ? NULL : next_step(queue, s)) {
		pirx_report_progress(ctx, "%s", s->what);
		rc = s->run(ctx, err);
		pirx_mem_trim();
	}
	return rc;
}

/* The child's progress lines start with "| ": they interleave with the
 * parent's, and the bar says which lane a line belongs to. */
struct lane_note {
	void (*fn)(void *arg, const char *what);
	void *arg;
};

static void lane_progress(void *arg, const char *what)
{
	const struct lane_note *n = arg;
	char buf[600];

	snprintf(buf, sizeof(buf), "| %s", what);
	n->fn(n->arg, buf);
}

/* In the child: analyses from the queue on its own read-only connection;
 * the error, if any, goes to fd as one struct pirx_err (under PIPE_BUF:
 * one atomic write). */
static void child_lane(const struct pirx_report_ctx *parent, pid_t parent_pid, int queue, int fd)
{
	struct pirx_report_ctx ctx = *parent;
	struct lane_note note = {parent->progress, parent->progress_arg};
	struct pirx_err err;
	pirx_db *db = NULL;
	int rc;

	pirx_err_clear(&err);
#ifdef __linux__
	/* A lane dies with the report: a killed report leaves no orphan at
	 * work in its scratch directory. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent_pid)
		_exit(1);
#endif
	if (ctx.progress) {
		ctx.progress = lane_progress;
		ctx.progress_arg = &note;
	}
	rc = pirx_db_open(pirx_db_path(parent->db), PIRX_DB_READ, &db, &err);
	if (rc == 0) {
		ctx.db = db;
		rc = run_lane(&ctx, queue, &err);
	}
	/* Lets go of the shared gnuplot: the parent waits for its charts. */
	pirx_plot_batch_free(ctx.charts);
	if (rc == 0)
		pirx_report_progress(&ctx, "second lane done");
	pirx_db_close(db);
	if (rc) {
		if (err.code == 0)
			err.code = rc;
		if (write(fd, &err, sizeof(err)) != (ssize_t)sizeof(err))
			rc = PIRX_EIO;
	}
	close(fd);
	_exit(rc ? 1 : 0);
}

/* Waits for the child of lane 1 and takes its error. */
static int join_lane(pid_t pid, int fd, struct pirx_err *err)
{
	struct pirx_err child;
	ssize_t got;
	int status;

	do
		got = read(fd, &child, sizeof(child));
	while (got < 0 && errno == EINTR);
	close(fd);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return pirx_err_set(err, PIRX_EIO, NULL, 0, NULL,
					    "lost the report's second process: %s", strerror(errno));
	if (got == (ssize_t)sizeof(child)) {
		*err = child;
		return child.code;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return pirx_err_set(err, PIRX_EIO, NULL, 0, NULL,
				    "the report's second process failed (%s %d)",
				    WIFEXITED(status) ? "exit" : "signal",
				    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	return 0;
}

/* Fills a queue with the analyses, in order: a pipe holding their
 * indexes, its writing end closed, so that a read finds the next or the
 * end. Returns its reading end, or -1. */
static int make_queue(struct pirx_err *err)
{
	unsigned char order[sizeof(steps) / sizeof(steps[0])];
	size_t n = 0;
	int q[2];

	for (size_t i = 0; steps[i].what; i++)
		if (!steps[i].after)
			order[n++] = (unsigned char)i;
	if (pipe(q) != 0) {
		pirx_err_set(err, PIRX_EIO, NULL, 0, NULL, "cannot make the report's queue: %s",
			     strerror(errno));
		return -1;
	}
	if (write(q[1], order, n) != (ssize_t)n) {
		pirx_err_set(err, PIRX_EIO, NULL, 0, NULL, "cannot fill the report's queue: %s",
			     strerror(errno));
		close(q[0]);
		close(q[1]);
		return -1;
	}
	close(q[1]);
	return q[0];
}

/*
 * Runs every step: two lanes take the analyses when a child can be made,
 * then this process the steps after them. One gnuplot, started first and
 * shared by the lanes, draws every chart as it is written (a second one
 * cost 0.07 s of CPU to start, a tenth of a lane at 100k incidents); the
 * steps after the analyses read the SVGs, so it is waited for first.
 */
static int run_steps(const struct pirx_report_ctx *parent, struct pirx_err *err)
{
	const char *jobs = getenv("PIRX_REPORT_JOBS");
	struct pirx_report_ctx c = *parent, *ctx = &c;
	pid_t pid = -1;
	int fds[2] = {-1, -1};
	int queue, rc;

	if ((queue = make_queue(err)) < 0)
		return PIRX_EIO;
	c.charts = pirx_plot_batch_new(parent->charts_dir);
	pirx_plot_batch_start(c.charts);
	if (!(jobs && strcmp(jobs, "1") == 0) && pipe(fds) == 0) {
		pid_t self = getpid();

		fflush(NULL);
		pid = fork();
		if (pid == 0) {
			close(fds[0]);
			child_lane(ctx, self, queue, fds[1]);
		}
		close(fds[1]);
		if (pid < 0)
			close(fds[0]);
	}
	rc = run_lane(ctx, queue, err);
	close(queue);
	if (pid > 0) {
		if (rc) {
			struct pirx_err ignored;
			kill(pid, SIGTERM);
			join_lane(pid, fds[0], &ignored);
			goto out;
		}
		pirx_report_progress(ctx, "waiting for the second lane");
		if ((rc = join_lane(pid, fds[0], err)))
			goto out;
	} else if (rc) {
		goto out;
	}
	pirx_report_progress(ctx, "drawing the charts");
	if ((rc = pirx_plot_batch_draw(c.charts, err)) || (rc = order_meta(ctx, err)))
		goto out;
	/* Any chart from here on is drawn as it is written. */
	pirx_plot_batch_free(c.charts);
	c.charts = NULL;
	rc = run_lane(ctx, -1, err);
out:
	pirx_plot_batch_free(c.charts);
	return rc;
}

int pirx_report_run(pirx_db *db, const struct pirx_report_opts *opts,
		    struct pirx_report_result *res, struct pirx_err *err)
{
	struct pirx_report_ctx ctx;
	pirx_stmt *st = NULL;
	char *scratch = NULL, *charts = NULL, *parent = NULL;
	char out[4096];
	int64_t first = 0, last = 0;
	long n = 0;
	int rc, step;

	memset(&ctx, 0, sizeof(ctx));
	memset(res, 0, sizeof(*res));
	if ((rc = pirx_db_check_schema(db, err)))
		goto out;
	if ((rc = pirx_db_prepare(db, "report_span", &st, err)))
		goto out;
	if ((step = pirx_stmt_step(st, err)) != 1) {
		rc = step < 0 ? step : PIRX_EIO;
		goto out;
	}
	n = (long)pirx_stmt_int64(st, 2);
	first = pirx_stmt_int64(st, 0);
	last = pirx_stmt_int64(st, 1);
	pirx_stmt_finalize(st);
	st = NULL;
	if (n == 0) {
		rc = pirx_err_set(err, PIRX_EINPUT, NULL, 0, NULL, "the corpus has no incidents: nothing to report");
		goto out;
	}
	ctx.db = db;
	ctx.first_month = pirx_month_of(first);
	ctx.month = opts->month >= 0 ? opts->month : default_month(first, last);
	if (ctx.month < ctx.first_month) {
		char a[PIRX_MONTH_STRLEN], b[PIRX_MONTH_STRLEN];
		pirx_month_format(ctx.month, a);
		pirx_month_format(ctx.first_month, b);
		rc = pirx_err_set(err, PIRX_EINPUT, NULL, 0, "--month",
				  "%s is before the corpus begins (%s)", a, b);
		goto out;
	}
	ctx.window = opts->window > 0 ? opts->window : 12;
	ctx.window_start = ctx.month - ctx.window + 1;
	ctx.as_of = pirx_month_start(ctx.month + 1);
	ctx.seed = opts->seed;
	ctx.anonymize = opts->anonymize;
	ctx.taxonomy = opts->taxonomy;
	ctx.progress = opts->progress;
	ctx.progress_arg = opts->progress_arg;

	if (opts->out) {
		snprintf(out, sizeof(out), "%s", opts->out);
	} else {
		char m[PIRX_MONTH_STRLEN];
		pirx_month_format(ctx.month, m);
		snprintf(out, sizeof(out), "out/%s", m);
	}
	while (strlen(out) > 1 && out[strlen(out) - 1] == '/')
		out[strlen(out) - 1] = '\0';
	parent = pirx_fs_dirname(out);
	rc = pirx_fs_mkdir_p(parent, err);
	free(parent);   /* before the lanes fork: the child never returns here */
	parent = NULL;
	if (rc)
		goto out;
	if (!(scratch = pirx_fs_temp_dir_beside(out, err))) {
		rc = PIRX_EIO;
		goto out;
	}
	charts = pirx_fs_join(scratch, "charts");
	if ((rc = pirx_fs_mkdir_p(charts, err)))
		goto out;
	ctx.dir = scratch;
	ctx.charts_dir = charts;

	if ((rc = write_meta(&ctx, err)))
		goto out;
	if ((rc = run_steps(&ctx, err)))
		goto out;
	if ((rc = pirx_fs_fsync(scratch, err)))
		goto out;
	if ((rc = pirx_fs_replace_dir(scratch, out, err)))
		goto out;
	free(scratch);
	scratch = NULL;
	snprintf(res->out, sizeof(res->out), "%s", out);
	res->month = ctx.month;
	rc = count_between(db, pirx_month_start(ctx.month), ctx.as_of, &res->incidents, err);
out:
	if (scratch) {
		pirx_fs_rmtree(scratch);
		free(scratch);
	}
	pirx_stmt_finalize(st);
	free(charts);
	free(parent);
	return rc;
}
