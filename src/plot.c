/*
 * plot: builds gnuplot scripts and data files, and runs gnuplot.
 *
 * Safety: the script is assembled only from pirx's own constant text;
 * titles given by callers are still single-quoted with quotes doubled and
 * line breaks removed (gnuplot expands backquotes inside double-quoted
 * strings, and a newline would start a new command). Anything that may
 * come from the corpus goes into the data file, with quotes, tabs and line
 * breaks replaced, where gnuplot only ever reads it as a column title or a
 * tic label.
 */
#define _GNU_SOURCE
#include "pirx/plot.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pirx/fsutil.h"
#include "pirx/mem.h"
#include "pirx/timefmt.h"

struct series {
	enum pirx_plot_style style;
	int col, col2, notitle;
};

struct pirx_plot {
	char *name;
	enum pirx_plot_x x;
	int ncols;
	char **coltitle;       /* ncols + 1, [0] is the x column */
	char *title, *xlabel, *ylabel;
	int ylog;
	double ylo, yhi;
	struct pirx_buf data;
	int rows, cur;         /* rows added; values in the current row */
	int closed;            /* the last row has been ended */
	long finite;           /* values that are numbers (not missing) */
	struct series *series;
	int nseries;
};

static const char *const colors[] = {
	"#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2",
	"#b279a2", "#eeca3b", "#9d755d", "#ff9da6", "#bab0ac"
};

pirx_plot *pirx_plot_new(const char *name, enum pirx_plot_x x, int ncols)
{
	pirx_plot *p = pirx_xcalloc(1, sizeof(*p));

	p->name = pirx_xstrdup(name);
	for (char *s = p->name; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
			*s = '_';
	p->x = x;
	p->ncols = ncols;
	p->coltitle = pirx_xcalloc((size_t)ncols + 1, sizeof(char *));
	p->ylo = p->yhi = NAN;
	pirx_buf_init(&p->data);
	return p;
}

void pirx_plot_free(pirx_plot *p)
{
	if (!p)
		return;
	for (int i = 0; i <= p->ncols; i++)
		free(p->coltitle[i]);
	free(p->coltitle);
	free(p->name);
	free(p->title);
	free(p->xlabel);
	free(p->ylabel);
	free(p->series);
	pirx_buf_release(&p->data);
	free(p);
}

static char *dup_or_null(const char *s)
{
	return s ? pirx_xstrdup(s) : NULL;
}

void pirx_plot_title(pirx_plot *p, const char *title)
{
	free(p->title);
	p->title = dup_or_null(title);
}

void pirx_plot_labels(pirx_plot *p, const char *xlabel, const char *ylabel)
{
	free(p->xlabel);
	free(p->ylabel);
	p->xlabel = dup_or_null(xlabel);
	p->ylabel = dup_or_null(ylabel);
}

void pirx_plot_ylog(pirx_plot *p, int on)
{
	p->ylog = on;
}

void pirx_plot_yrange(pirx_plot *p, double lo, double hi)
{
	p->ylo = lo;
	p->yhi = hi;
}

void pirx_plot_column(pirx_plot *p, int col, const char *title)
{
	if (col < 1 || col > p->ncols)
		return;
	free(p->coltitle[col]);
	p->coltitle[col] = pirx_xstrdup(title);
}

/* Data-file text: a double-quoted cell with no quote, tab or line break. */
static void put_data_text(struct pirx_buf *b, const char *s)
{
	pirx_buf_puts(b, "\"");
	for (; *s; s++) {
		char c = *s;
		if (c == '"' || c == '`')
			c = '\'';
		else if (c == '\t' || c == '\n' || c == '\r' || (unsigned char)c < 0x20)
			c = ' ';
		pirx_buf_append(b, &c, 1);
	}
	pirx_buf_puts(b, "\"");
}

static void end_row(pirx_plot *p)
{
	if (p->rows == 0 && p->data.len == 0)
		return;
	while (p->cur < p->ncols) {
		pirx_buf_puts(&p->data, "\t?");
		p->cur++;
	}
	pirx_buf_puts(&p->data, "\n");
}

static void begin_row(pirx_plot *p)
{
	if (p->rows > 0)
		end_row(p);
	p->rows++;
	p->cur = 0;
}

void pirx_plot_row_month(pirx_plot *p, int month)
{
	char m[PIRX_MONTH_STRLEN];

	begin_row(p);
	pirx_month_format(month, m);
	pirx_buf_puts(&p->data, m);
}

void pirx_plot_row_number(pirx_plot *p, double x)
{
	begin_row(p);
	pirx_buf_printf(&p->data, "%.10g", x);
}

void pirx_plot_row_label(pirx_plot *p, const char *label)
{
	begin_row(p);
	put_data_text(&p->data, label);
}

void pirx_plot_value(pirx_plot *p, double v)
{
	if (p->cur >= p->ncols)
		return;
	if (isnan(v) || isinf(v)) {
		pirx_buf_puts(&p->data, "\t?");
	} else {
		pirx_buf_printf(&p->data, "\t%.10g", v);
		p->finite++;
	}
	p->cur++;
}

void pirx_plot_series(pirx_plot *p, enum pirx_plot_style style, int col, int col2, int notitle)
{
	p->series = pirx_xreallocarray(p->series, (size_t)p->nseries + 1, sizeof(*p->series));
	p->series[p->nseries].style = style;
	p->series[p->nseries].col = col;
	p->series[p->nseries].col2 = col2;
	p->series[p->nseries].notitle = notitle;
	p->nseries++;
}

int pirx_plot_rows(const pirx_plot *p)
{
	return p->rows;
}

/* Script text: single-quoted, quotes doubled, line breaks removed. */
static void put_quoted(FILE *f, const char *s)
{
	putc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("''", f);
		else if (*s == '\n' || *s == '\r' || *s == '\t')
			putc(' ', f);
		else
			putc(*s, f);
	}
	putc('\'', f);
}

static int has_style(const pirx_plot *p, enum pirx_plot_style s)
{
	for (int i = 0; i < p->nseries; i++)
		if (p->series[i].style == s)
			return 1;
	return 0;
}

static void write_plot_command(const pirx_plot *p, FILE *f)
{
	int bars = has_style(p, PIRX_PLOT_STACKED) || has_style(p, PIRX_PLOT_BARS);
	const char *xs = bars ? "" : "1:";

	fprintf(f, "plot ");
	for (int i = 0; i < p->nseries; i++) {
		const struct series *s = &p->series[i];
		const char *color = colors[i % (int)(sizeof(colors) / sizeof(colors[0]))];
		int c = s->col + 1, c2 = s->col2 + 1;

		fprintf(f, "%s'%s.dat' using ", i ? ", \\\n     " : "", p->name);
		switch (s->style) {
		case PIRX_PLOT_BAND:
			fprintf(f, "%s%d:%d with filledcurves fs transparent solid 0.22 noborder lc rgb '%s'",
				xs, c, c2, color);
			break;
		case PIRX_PLOT_LINE:
			fprintf(f, "%s%d with lines lw 2 lc rgb '%s'", xs, c, color);
			break;
		case PIRX_PLOT_LINEPOINTS:
			fprintf(f, "%s%d with linespoints lw 2 pt 7 ps 0.6 lc rgb '%s'", xs, c, color);
			break;
		case PIRX_PLOT_STEPS:
			fprintf(f, "%s%d with steps lw 2 lc rgb '%s'", xs, c, color);
			break;
		case PIRX_PLOT_STACKED:
		case PIRX_PLOT_BARS:
			if (i == 0 && p->rows > 14)
				/* At most about 14 labels, however long the series. */
				fprintf(f, "%d:xtic(int($0) %% %d == 0 ? stringcolumn(1) : '') lc rgb '%s'",
					c, (p->rows + 13) / 14, color);
			else if (i == 0)
				fprintf(f, "%d:xtic(1) lc rgb '%s'", c, color);
			else
				fprintf(f, "%d lc rgb '%s'", c, color);
			break;
		}
		if (s->notitle || s->style == PIRX_PLOT_BAND)
			fprintf(f, " notitle");
		else
			fprintf(f, " title columnheader(%d)", c);
	}
	fprintf(f, "\n");
}

static int write_script(const pirx_plot *p, const char *path, struct pirx_err *err)
{
	FILE *f = fopen(path, "w");
	int bars = has_style(p, PIRX_PLOT_STACKED) || has_style(p, PIRX_PLOT_BARS);

	if (!f)
		return pirx_err_set(err, PIRX_EIO, path, 0, NULL, "cannot write: %s", strerror(errno));
	fprintf(f, "# %s.gp: written by pirx. Draws %s.svg and %s.png from %s.dat;\n"
		"# run `gnuplot %s.gp` in this directory to redraw them.\n",
		p->name, p->name, p->name, p->name, p->name);
	fprintf(f, "set encoding utf8\n"
		"set datafile separator tab\n"
		"set datafile missing '?'\n"
		"set key autotitle columnheader\n"
		"set terminal svg size 860,420 dynamic noenhanced font 'sans,12' background rgb 'white'\n"
		"set output '%s.svg'\n", p->name);
	if (p->title) {
		fprintf(f, "set title ");
		put_quoted(f, p->title);
		fprintf(f, "\n");
	}
	if (p->xlabel) {
		fprintf(f, "set xlabel ");
		put_quoted(f, p->xlabel);
		fprintf(f, "\n");
	}
	if (p->ylabel) {
		fprintf(f, "set ylabel ");
		put_quoted(f, p->ylabel);
		fprintf(f, "\n");
	}
	fprintf(f, "set border 3\nset tics nomirror\nset grid ytics lc rgb '#dddddd'\n"
		"set key top left horizontal noopaque reverse Left\n");
	if (p->ylog)
		fprintf(f, "set logscale y\n");
	if (!isnan(p->ylo) || !isnan(p->yhi)) {
		fprintf(f, "set yrange [");
		if (!isnan(p->ylo))
			fprintf(f, "%.10g", p->ylo);
		fprintf(f, ":");
		if (!isnan(p->yhi))
			fprintf(f, "%.10g", p->yhi);
		fprintf(f, "]\n");
	} else if (!p->ylog) {
		fprintf(f, "set yrange [0:*]\n");
	}
	if (bars) {
		fprintf(f, "set style data histograms\n"
			"set style histogram %s\n"
			"set style fill solid 0.85 border rgb 'white'\n"
			"set boxwidth 0.8\n"
			"set xtics rotate by -45 scale 0\n",
			has_style(p, PIRX_PLOT_STACKED) ? "rowstacked" : "clustered gap 1");
	} else if (p->x == PIRX_PLOT_X_MONTH) {
		fprintf(f, "set xdata time\nset timefmt '%%Y-%%m'\nset format x \"%%b\\n%%Y\"\n");
	}
	if (p->finite > 0) {
		write_plot_command(p, f);
	} else {
		/* gnuplot refuses to plot nothing: draw an empty frame that says so. */
		fprintf(f, "unset xdata\nunset logscale\nunset key\nunset xtics\nunset ytics\n"
			"set xrange [0:1]\nset yrange [0:1]\n"
			"set label 1 'no data for this chart' at graph 0.5, 0.5 center\n"
			"plot NaN notitle\n");
	}
	fprintf(f, "set terminal pngcairo size 860,420 noenhanced font 'sans,10' background rgb 'white'\n"
		"set output '%s.png'\nreplot\nunset output\n", p->name);
	if (fclose(f) != 0)
		return pirx_err_set(err, PIRX_EIO, path, 0, NULL, "cannot write: %s", strerror(errno));
	return 0;
}

static int write_data(pirx_plot *p, const char *path, struct pirx_err *err)
{
	FILE *f = fopen(path, "w");
	struct pirx_buf head;
	int ok;

	if (!f)
		return pirx_err_set(err, PIRX_EIO, path, 0, NULL, "cannot write: %s", strerror(errno));
	pirx_buf_init(&head);
	put_data_text(&head, p->x == PIRX_PLOT_X_MONTH ? "month" : p->x == PIRX_PLOT_X_LABEL ? "label" : "x");
	for (int i = 1; i <= p->ncols; i++) {
		pirx_buf_puts(&head, "\t");
		put_data_text(&head, p->coltitle[i] ? p->coltitle[i] : "");
	}
	pirx_buf_puts(&head, "\n");
	if (p->rows > 0 && !p->closed) {
		end_row(p);
		p->closed = 1;
	}
	fputs(pirx_buf_str(&head), f);
	fputs(pirx_buf_str(&p->data), f);
	pirx_buf_release(&head);
	ok = fclose(f) == 0;
	if (!ok)
		return pirx_err_set(err, PIRX_EIO, path, 0, NULL, "cannot write: %s", strerror(errno));
	return 0;
}

/* ---- drawing: one gnuplot for one chart or for a batch ---------------- */

/*
 * A batch is one gnuplot reading commands from a pipe, started when the
 * first chart is added or when asked: each chart is handed over as it is
 * written (`reset session`, then `load 'NAME.gp'`, so that no setting of
 * one reaches the next: the charts are byte for byte those of one gnuplot
 * each), and gnuplot draws it while the steps go on. The report starts
 * its batch before it forks its second lane, and both lanes write to it.
 * At the end only the last steps' charts are left to draw.
 */
struct pirx_plot_batch {
	char *dir;
	int n;             /* charts handed over (by this process) */
	char *first;       /* the first of them, for errors */
	pid_t pid;         /* the batch's gnuplot, -1: none yet */
	pid_t owner;       /* the process that started it: a fork of it only
			      writes to it, and never waits for or stops it */
	int fd;            /* its standard input */
	char *errpath;     /* its standard error, read on failure */
	int start_errno;   /* why it could not be started, 0: it was */
};

pirx_plot_batch *pirx_plot_batch_new(const char *dir)
{
	pirx_plot_batch *b = pirx_xcalloc(1, sizeof(*b));

	b->dir = pirx_xstrdup(dir);
	b->pid = -1;
	b->fd = -1;
	return b;
}

int pirx_plot_batch_count(const pirx_plot_batch *b)
{
	return b ? b->n : 0;
}

/* The last non-empty line of the file at path (gnuplot's error comes
 * last), without its line break, into buf; "" when there is none. */
static void last_line(const char *path, char *buf, size_t cap)
{
	char line[400];
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0])
			snprintf(buf, cap, "%s", line);
	}
	fclose(f);
}

static const char *gnuplot_prog(void)
{
	const char *prog = getenv("PIRX_GNUPLOT");

	return prog && *prog ? prog : "gnuplot";
}

/*
 * Starts argv[0] in dir with in as its standard input (-1: /dev/null),
 * standard output discarded and standard error in dir/errname. Returns
 * its pid, or -1 (errno set).
 */
static pid_t spawn(const char *dir, char *const *argv, int in, const char *errname)
{
	pid_t pid = fork();

	if (pid == 0) {
		int devnull = open("/dev/null", O_RDWR);
		int efd;
#ifdef __linux__
		/* A batch's gnuplot lives as long as the process that started
		 * it: it dies with it (kept across exec). */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
		if (chdir(dir) != 0)
			_exit(126);
		efd = open(errname, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (devnull >= 0) {
			dup2(in >= 0 ? in : devnull, 0);
			dup2(devnull, 1);
		}
		if (efd >= 0)
			dup2(efd, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	return pid;
}

/*
 * Waits for gnuplot (pid) and says how it ended: 0, or PIRX_EIO with the
 * last line of its standard error (errpath, then removed), which names the
 * script and line that failed, or else the first of its n charts.
 */
static int gnuplot_result(pid_t pid, const char *dir, const char *errpath, const char *first,
			  int n, struct pirx_err *err)
{
	char why[512];
	int status, rc = 0;

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			rc = pirx_err_set(err, PIRX_EIO, NULL, 0, NULL, "lost the gnuplot process: %s",
					  strerror(errno));
			goto out;
		}
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		rc = pirx_err_set(err, PIRX_EIO, NULL, 0, NULL,
				  "gnuplot is missing: cannot run '%s' (install gnuplot-nox)", gnuplot_prog());
	} else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		/* gnuplot names the script and line that failed ("NAME.gp" line
		 * 12: ...); without that, the charts it was given. */
		last_line(errpath, why, sizeof(why));
		if (why[0])
			rc = pirx_err_set(err, PIRX_EIO, NULL, 0, NULL, "gnuplot failed in %s (exit %d): %s",
					  dir, WIFEXITED(status) ? WEXITSTATUS(status) : -1, why);
		else if (first)
			rc = pirx_err_set(err, PIRX_EIO, NULL, 0, NULL,
					  "gnuplot failed on %s/%s%s (exit %d)", dir, first,
					  n > 1 ? " and the charts after it" : "",
					  WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		else
			rc = pirx_err_set(err, PIRX_EIO, NULL, 0, NULL,
					  "gnuplot failed on the charts in %s (exit %d)", dir,
					  WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	}
out:
	unlink(errpath);
	return rc;
}

/* Runs gnuplot in dir on one script, now. */
static int run_gnuplot(const char *dir, const char *script, struct pirx_err *err)
{
	char *argv[] = {(char *)gnuplot_prog(), (char *)script, NULL};
	char errname[64], *errpath;
	pid_t pid;
	int rc;

	/* Both lanes of a report draw into the same directory. */
	snprintf(errname, sizeof(errname), ".gnuplot-errors.%ld", (long)getpid());
	errpath = pirx_fs_join(dir, errname);
	if ((pid = spawn(dir, argv, -1, errname)) < 0)
		rc = pirx_err_set(err, PIRX_EIO, NULL, 0, NULL, "cannot start gnuplot: %s", strerror(errno));
	else
		rc = gnuplot_result(pid, dir, errpath, script, 1, err);
	free(errpath);
	return rc;
}

/* Writes s to fd whole; a reader that has gone (gnuplot stopped at an
 * error) is no signal here: gnuplot_result reports why it stopped. */
static void write_quietly(int fd, const char *s, size_t n)
{
	sigset_t pipe_set, old;
	int broken = 0;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	while (n > 0) {
		ssize_t k = write(fd, s, n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			broken = errno == EPIPE;
			break;
		}
		s += k;
		n -= (size_t)k;
	}
	if (broken) {
		const struct timespec none = {0, 0};
		sigtimedwait(&pipe_set, NULL, &none);   /* the SIGPIPE just raised */
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* Starts the batch's gnuplot when it has none yet. */
void pirx_plot_batch_start(pirx_plot_batch *b)
{
	if (b->pid < 0 && !b->start_errno) {
		char *argv[] = {(char *)gnuplot_prog(), NULL};
		char errname[64];
		int in[2];

		snprintf(errname, sizeof(errname), ".gnuplot-errors.%ld.batch", (long)getpid());
		b->errpath = pirx_fs_join(b->dir, errname);
		if (pipe2(in, O_CLOEXEC) != 0) {
			b->start_errno = errno;
		} else {
			b->pid = spawn(b->dir, argv, in[0], errname);
			if (b->pid < 0) {
				b->start_errno = errno;
				close(in[1]);
			} else {
				b->fd = in[1];
				b->owner = getpid();
			}
			close(in[0]);
		}
	}
}

/* Hands script (NAME.gp in b->dir) to the batch's gnuplot, started on the
 * first one. Each chart starts from a new session: the charts of two
 * processes may come in any order. One write of under PIPE_BUF bytes, so
 * two writers never interleave. */
static void batch_add(pirx_plot_batch *b, const char *script)
{
	char line[300];

	pirx_plot_batch_start(b);
	if (!b->first)
		b->first = pirx_xstrdup(script);
	if (b->fd >= 0) {
		snprintf(line, sizeof(line), "reset session\nload '%s'\n", script);
		write_quietly(b->fd, line, strlen(line));
	}
	b->n++;
}

/* Whether this process started b's gnuplot (and so waits for it). */
static int owns(const pirx_plot_batch *b)
{
	return b->pid > 0 && b->owner == getpid();
}

/* Forgets the batch's charts and its gnuplot (already waited for). */
static void batch_reset(pirx_plot_batch *b)
{
	if (b->errpath)
		unlink(b->errpath);
	free(b->errpath);
	free(b->first);
	b->errpath = NULL;
	b->first = NULL;
	b->n = 0;
	b->pid = -1;
	b->fd = -1;
	b->start_errno = 0;
}

void pirx_plot_batch_free(pirx_plot_batch *b)
{
	if (!b)
		return;
	if (b->fd >= 0)
		close(b->fd);
	if (owns(b)) {
		/* Not drawn (the lane failed): end gnuplot without waiting on it. */
		kill(b->pid, SIGTERM);
		while (waitpid(b->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	batch_reset(b);
	free(b->dir);
	free(b);
}

int pirx_plot_batch_draw(pirx_plot_batch *b, struct pirx_err *err)
{
	int rc;

	if (b && b->pid > 0 && !owns(b)) {
		/* A fork's share: its charts are handed over; the owner waits. */
		close(b->fd);
		batch_reset(b);
		return 0;
	}
	if (!b || (b->n == 0 && b->pid < 0))
		return 0;
	if (b->pid < 0) {
		rc = pirx_err_set(err, PIRX_EIO, NULL, 0, NULL, "cannot start gnuplot: %s",
				  strerror(b->start_errno));
	} else {
		close(b->fd);   /* end of its commands: it exits when done */
		b->fd = -1;
		rc = gnuplot_result(b->pid, b->dir, b->errpath, b->first, b->n, err);
	}
	batch_reset(b);
	return rc;
}

int pirx_plot_write(pirx_plot *p, const char *dir, pirx_plot_batch *later, struct pirx_err *err)
{
	struct pirx_buf name;
	char *path = NULL;
	int rc;

	pirx_buf_init(&name);
	pirx_buf_printf(&name, "%s.dat", p->name);
	path = pirx_fs_join(dir, pirx_buf_str(&name));
	if ((rc = write_data(p, path, err)))
		goto out;
	free(path);
	pirx_buf_reset(&name);
	pirx_buf_printf(&name, "%s.gp", p->name);
	path = pirx_fs_join(dir, pirx_buf_str(&name));
	if ((rc = write_script(p, path, err)))
		goto out;
	if (later && strcmp(later->dir, dir) == 0)
		batch_add(later, pirx_buf_str(&name));
	else
		rc = run_gnuplot(dir, pirx_buf_str(&name), err);
out:
	free(path);
	pirx_buf_release(&name);
	return rc;
}
