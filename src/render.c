/*
 * render: the last step of the report pipeline. Reads the CSV files the
 * analysis steps wrote (SPEC section 4) and their SVG charts, and writes
 * report.md and report.html. It depends on the output contract only,
 * never on another module's internals: a file that is missing or has no
 * rows turns its section into one line that says so.
 *
 * Each section is built once as a small document (paragraphs, lists,
 * tables, key figures, charts) holding plain text, then emitted twice:
 * as Markdown and as HTML, each with its own escaping. The wording lives
 * in reports/: the page layouts (report.md.tmpl, report.html.tmpl,
 * style.css) and every sentence (phrases.txt), so a team can reword the
 * report without touching C. Sentences are rendered from phrases.txt with
 * plain values, then escaped as a whole for each format.
 */
#include "pirx/report.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pirx/csvio.h"
#include "pirx/embed.h"
#include "pirx/fsutil.h"
#include "pirx/html.h"
#include "pirx/md.h"
#include "pirx/mem.h"
#include "pirx/template.h"
#include "pirx/textnorm.h"
#include "pirx/timefmt.h"

/* ---- CSV tables ------------------------------------------------------- */

struct table {
	int present;        /* the file exists */
	size_t ncols;
	char **head;
	size_t nrows;       /* rows kept */
	size_t *cells;      /* nrows * ncols offsets into text */
	struct pirx_buf text; /* every cell, each NUL-terminated: one buffer,
				 not a malloc per cell */
	/* Over every row of the file, kept or not (see struct tally). */
	size_t total;       /* rows */
	size_t counted;     /* rows with the tally's value */
	size_t distinct;    /* distinct values of the tally's column */
};

/*
 * How a long list is read: overdue_actions.csv and repeat_incidents.csv
 * have hundreds of thousands of rows at 1M incidents, of which the report
 * shows the first ten (the writers put them in the report's order) and
 * counts the rest. Keeping them all cost most of this step. The steps
 * that write them put the counts in report_meta.csv (the *_key names):
 * then only the ten rows are read. Without them (render's test fixtures,
 * a directory put together by hand) every row is counted.
 */
struct tally {
	size_t keep;              /* rows kept (0: all) */
	const char *count_col;    /* counted: rows whose count_col ... */
	const char *count_value;  /* ... is this */
	const char *distinct_col; /* distinct: values of this column */
	const char *total_key, *count_key, *distinct_key;   /* in report_meta.csv */
};

/* A long list's counts, from report_meta.csv. */
struct given {
	size_t total, counted, distinct;
};

struct loading {
	struct table *t;
	size_t cap;
	const struct tally *tally;
	const struct given *given;    /* NULL: count every row */
	long count_at, distinct_at;   /* their columns, -1: none */
	pirx_strtab *seen;
};

/* The column of the header row named name, -1 when none. */
static long head_col(const struct pirx_csv_row *row, const char *name)
{
	for (size_t i = 0; name && i < row->nfields; i++)
		if (strcmp(row->field[i], name) == 0)
			return (long)i;
	return -1;
}

static int load_row(void *arg, const struct pirx_csv_row *row)
{
	struct loading *L = arg;
	struct table *t = L->t;

	if (row->index == 0 && L->tally && !L->given) {
		L->count_at = head_col(row, L->tally->count_col);
		L->distinct_at = head_col(row, L->tally->distinct_col);
	}
	if (row->index == 0) {
		t->ncols = row->nfields;
		t->head = pirx_xcalloc(row->nfields ? row->nfields : 1, sizeof(char *));
		for (size_t i = 0; i < row->nfields; i++)
			t->head[i] = pirx_xstrdup(row->field[i]);
		return 0;
	}
	if (L->given && t->nrows == L->tally->keep)
		return 1;   /* the rest is counted already */
	t->total++;
	if (L->count_at >= 0 && (size_t)L->count_at < row->nfields &&
	    strcmp(row->field[L->count_at], L->tally->count_value) == 0)
		t->counted++;
	if (L->distinct_at >= 0 && (size_t)L->distinct_at < row->nfields)
		pirx_strtab_intern(L->seen, row->field[L->distinct_at], (long)row->len[L->distinct_at], NULL);
	if (L->tally && L->tally->keep && t->nrows == L->tally->keep)
		return 0;
	if (t->nrows == L->cap) {
		L->cap = L->cap ? L->cap * 2 : 64;
		t->cells = pirx_xreallocarray(t->cells, L->cap * (t->ncols ? t->ncols : 1), sizeof(size_t));
	}
	for (size_t i = 0; i < t->ncols; i++) {
		t->cells[t->nrows * t->ncols + i] = t->text.len;
		if (i < row->nfields)
			pirx_buf_append(&t->text, row->field[i], row->len[i]);
		pirx_buf_append(&t->text, "", 1);
	}
	t->nrows++;
	return 0;
}

static void table_release(struct table *t)
{
	for (size_t i = 0; i < t->ncols; i++)
		free(t->head[i]);
	free(t->head);
	free(t->cells);
	pirx_buf_release(&t->text);
	memset(t, 0, sizeof(*t));
}

/* A missing file is not an error: the table is then absent. tally may
 * be NULL: every row is kept. given (with a tally): the counts, so that
 * only the rows kept are read. */
static int table_load(const char *dir, const char *file, const struct tally *tally,
		      const struct given *given, struct table *t, struct pirx_err *err)
{
	char *path = pirx_fs_join(dir, file);
	struct loading L = {t, 0, tally, tally ? given : NULL, -1, -1, NULL};
	int rc = 0;

	memset(t, 0, sizeof(*t));
	if (tally && tally->distinct_col && !L.given)
		L.seen = pirx_strtab_new();
	if (pirx_fs_exists(path)) {
		t->present = 1;
		rc = pirx_csv_read(path, load_row, &L, err);
		if (rc < 0)
			table_release(t);
	}
	if (L.seen)
		t->distinct = (size_t)pirx_strtab_count(L.seen);
	if (L.given && t->present && rc >= 0) {
		t->total = L.given->total;
		t->counted = L.given->counted;
		t->distinct = L.given->distinct;
	}
	pirx_strtab_free(L.seen);
	free(path);
	return rc < 0 ? rc : 0;
}

static int tcol(const struct table *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (strcmp(t->head[i], name) == 0)
			return (int)i;
	return -1;
}

static const char *tget(const struct table *t, size_t row, int col)
{
	if (col < 0 || row >= t->nrows)
		return "";
	return t->text.data + t->cells[row * t->ncols + (size_t)col];
}

/* A number from a cell; NaN when empty or not a number. */
static double num(const char *s)
{
	char *end;
	double v;

	if (!s || !*s)
		return NAN;
	v = strtod(s, &end);
	return *end ? NAN : v;
}

static long inum(const char *s)
{
	double v = num(s);

	return isnan(v) ? 0 : (long)llround(v);
}

/* ---- formatting ------------------------------------------------------- */

static const char *const month_names[] = {
	"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"
};

/* "June 2026" from a month index. */
static void month_name(int m, char *out, size_t n)
{
	int y = m >= 0 ? m / 12 : (m - 11) / 12;

	snprintf(out, n, "%s %d", month_names[m - y * 12], y);
}

/* A duration in minutes in readable units: "40 s", "45 min", "2 h 05 min", "3.2 days". */
static void fmt_dur(double min, char *out, size_t n)
{
	if (isnan(min)) {
		snprintf(out, n, "n/a");
	} else if (min < 1) {
		snprintf(out, n, "%.0f s", min * 60);
	} else if (min < 59.5) {
		snprintf(out, n, "%.0f min", min);
	} else if (min < 1440) {
		long m = lround(min);
		snprintf(out, n, "%ld h %02ld min", m / 60, m % 60);
	} else {
		snprintf(out, n, "%.1f days", min / 1440);
	}
}

/* A signed percentage: "-3.1%", "+2.0%". */
static void fmt_pct(double v, char *out, size_t n)
{
	if (isnan(v))
		snprintf(out, n, "n/a");
	else if (fabs(v) < 0.05)
		snprintf(out, n, "0.0%%");
	else
		snprintf(out, n, "%+.1f%%", v);
}

/* A share in 0..1 as "74%". */
static void fmt_share(double v, char *out, size_t n)
{
	if (isnan(v))
		snprintf(out, n, "n/a");
	else
		snprintf(out, n, "%.0f%%", v * 100);
}

static void fmt_num(double v, int decimals, char *out, size_t n)
{
	if (isnan(v))
		snprintf(out, n, "n/a");
	else
		snprintf(out, n, "%.*f", decimals, v);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
	if (n == 0)
		return NAN;
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* ---- the document model ----------------------------------------------- */

enum block_kind { B_P, B_NOTE, B_LIST, B_TABLE, B_FIGS, B_CHART };

struct block {
	enum block_kind kind;
	char *text;        /* P, NOTE; CHART: caption */
	char **items;      /* LIST items; TABLE cells (head row first); FIGS triples; CHART: stem */
	size_t n;          /* number of items */
	size_t ncols;      /* TABLE */
	char *align;       /* TABLE: 'l' or 'r' per column */
};

/* Blocks are allocated one by one, so a block pointer stays valid while
 * more blocks are added. */
struct doc {
	struct block **b;
	size_t n, cap;
};

static struct block *doc_add(struct doc *d, enum block_kind kind)
{
	struct block *b;

	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 8;
		d->b = pirx_xreallocarray(d->b, d->cap, sizeof(*d->b));
	}
	b = pirx_xcalloc(1, sizeof(*b));
	d->b[d->n++] = b;
	b->kind = kind;
	return b;
}

static void block_push(struct block *b, const char *s)
{
	b->items = pirx_xreallocarray(b->items, b->n + 1, sizeof(char *));
	b->items[b->n++] = pirx_xstrdup(s ? s : "");
}

static void doc_release(struct doc *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->b[i]->text);
		for (size_t j = 0; j < d->b[i]->n; j++)
			free(d->b[i]->items[j]);
		free(d->b[i]->items);
		free(d->b[i]->align);
		free(d->b[i]);
	}
	free(d->b);
	memset(d, 0, sizeof(*d));
}

/* Paragraphs take ownership of text. */
static void doc_p(struct doc *d, char *text)
{
	doc_add(d, B_P)->text = text;
}

static void doc_note(struct doc *d, char *text)
{
	doc_add(d, B_NOTE)->text = text;
}

static struct block *doc_table(struct doc *d, const char *align, const char *const *head)
{
	struct block *b = doc_add(d, B_TABLE);

	b->ncols = strlen(align);
	b->align = pirx_xstrdup(align);
	for (size_t i = 0; i < b->ncols; i++)
		block_push(b, head[i]);
	return b;
}

/* ---- the renderer ----------------------------------------------------- */

struct phrase {
	char *key;
	char *text;
};

struct render {
	const struct pirx_report_ctx *ctx;
	struct pirx_err *err;
	int rc;                        /* first error; sticky */
	struct phrase *ph;
	size_t nph;
	pirx_template_vars *v;         /* values of the next sentence */
	int month, window, window_start, first_month, anonymized;
	char month_name[32], prev_name[32], as_of[32];
	char *corpus_files;            /* NULL when report_meta.csv does not say */
};

/* phrases.txt: "key: text" lines; '#' starts a comment line. */
static void phrases_load(struct render *r, const char *text)
{
	const char *p = text;

	while (*p) {
		const char *eol = strchr(p, '\n'), *colon;
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		if (len && *p != '#' && (colon = memchr(p, ':', len))) {
			const char *k = p, *ke = colon, *t = colon + 1, *te = p + len;
			while (ke > k && isspace((unsigned char)ke[-1]))
				ke--;
			while (t < te && (*t == ' ' || *t == '\t'))
				t++;
			while (te > t && isspace((unsigned char)te[-1]))
				te--;
			r->ph = pirx_xreallocarray(r->ph, r->nph + 1, sizeof(*r->ph));
			r->ph[r->nph].key = pirx_xstrndup(k, (size_t)(ke - k));
			r->ph[r->nph].text = pirx_xstrndup(t, (size_t)(te - t));
			r->nph++;
		}
		p += len + (eol ? 1 : 0);
	}
}

static void fail(struct render *r, int rc)
{
	if (!r->rc)
		r->rc = rc;
}

/* The sentence key with the current values (plain text, heap). The values
 * are cleared afterwards. A missing key or a bad placeholder fails the run. */
static char *say(struct render *r, const char *key)
{
	struct pirx_buf b;
	const char *text = NULL;

	pirx_buf_init(&b);
	for (size_t i = 0; i < r->nph; i++)
		if (strcmp(r->ph[i].key, key) == 0)
			text = r->ph[i].text;
	if (!text) {
		if (!r->rc)
			fail(r, pirx_err_set(r->err, PIRX_EINPUT, "reports/phrases.txt", 0, NULL,
					     "no phrase '%s'", key));
	} else if (!r->rc) {
		struct pirx_err e;
		char name[160];
		snprintf(name, sizeof(name), "reports/phrases.txt: %s", key);
		if (pirx_template_render(text, name, r->v, NULL, &b, &e)) {
			*r->err = e;
			fail(r, e.code);
		}
	}
	pirx_template_vars_clear(r->v);
	/* The buffer's memory becomes the caller's string. */
	return b.data ? b.data : pirx_xstrdup("");
}

/* Sets a value of the next sentence, printf-style. */
static void var(struct render *r, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void var(struct render *r, const char *name, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	pirx_template_set(r->v, name, buf);
}

/* Sets a value of the next sentence from corpus text, whole. */
static void var_text(struct render *r, const char *name, const char *s)
{
	pirx_template_set(r->v, name, s);
}

static void var_month_values(struct render *r)
{
	var_text(r, "month", r->month_name);
	var_text(r, "previous_month", r->prev_name);
	var(r, "window", "%d", r->window);
}

/* 1 when the corpus had file, or when report_meta.csv does not say. */
static int corpus_has(const struct render *r, const char *file)
{
	const char *p = r->corpus_files;
	size_t fl = strlen(file);

	if (!p)
		return 1;
	while (*p) {
		const char *e = strchr(p, ';');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == fl && memcmp(p, file, fl) == 0)
			return 1;
		if (!e)
			break;
		p = e + 1;
	}
	return 0;
}

/* A section with a single "no data" line. */
static void say_none(struct render *r, struct doc *d, const char *key)
{
	var_month_values(r);
	doc_note(d, say(r, key));
}

static void add_chart(struct render *r, struct doc *d, const char *stem, const char *caption_key)
{
	char name[64], *svg, *png;
	struct block *b;

	snprintf(name, sizeof(name), "%s.svg", stem);
	svg = pirx_fs_join(r->ctx->charts_dir, name);
	snprintf(name, sizeof(name), "%s.png", stem);
	png = pirx_fs_join(r->ctx->charts_dir, name);
	if (pirx_fs_exists(svg) || pirx_fs_exists(png)) {
		b = doc_add(d, B_CHART);
		b->text = say(r, caption_key);
		block_push(b, stem);
	}
	free(svg);
	free(png);
}

/* ---- section 1: the month at a glance --------------------------------- */

static const char *metric_name(const char *m)
{
	if (strcmp(m, "ttd") == 0)
		return "Time to detect";
	if (strcmp(m, "tta") == 0)
		return "Time to acknowledge";
	if (strcmp(m, "ttm") == 0)
		return "Time to mitigate";
	if (strcmp(m, "ttr") == 0)
		return "Time to resolve";
	return m;
}

static int month_of_cell(const char *s)
{
	int m;

	return pirx_month_parse(s, &m) ? -100000 : m;
}

struct dur {
	int found;
	long n;
	double med, lo, hi;
};

static struct dur dur_get(const struct table *t, int month, const char *metric)
{
	struct dur d = {0, 0, NAN, NAN, NAN};
	int cm = tcol(t, "month"), cme = tcol(t, "metric"), cs = tcol(t, "severity");

	for (size_t i = 0; i < t->nrows; i++) {
		if (month_of_cell(tget(t, i, cm)) != month || strcmp(tget(t, i, cme), metric) ||
		    strcmp(tget(t, i, cs), "all"))
			continue;
		d.found = 1;
		d.n = inum(tget(t, i, tcol(t, "n")));
		d.med = num(tget(t, i, tcol(t, "median_min")));
		d.lo = num(tget(t, i, tcol(t, "ci95_low_min")));
		d.hi = num(tget(t, i, tcol(t, "ci95_high_min")));
	}
	return d;
}

/* The median of the monthly medians over the window, and how many months. */
static double dur_window(const struct render *r, const struct table *t, const char *metric, int *months)
{
	double v[1200];
	size_t n = 0;

	for (int m = r->window_start; m <= r->month && n < 1200; m++) {
		struct dur d = dur_get(t, m, metric);
		if (d.found && !isnan(d.med))
			v[n++] = d.med;
	}
	*months = (int)n;
	return median(v, n);
}

static long incidents_get(const struct table *t, int month, const char *sev)
{
	int cm = tcol(t, "month"), cs = tcol(t, "severity"), ci = tcol(t, "incidents");

	for (size_t i = 0; i < t->nrows; i++)
		if (month_of_cell(tget(t, i, cm)) == month && strcmp(tget(t, i, cs), sev) == 0)
			return inum(tget(t, i, ci));
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The severity labels other than "all" that appear in the window, sorted. */
static size_t severities(const struct render *r, const struct table *t, char ***out)
{
	int cm = tcol(t, "month"), cs = tcol(t, "severity");
	char **s = NULL;
	size_t n = 0;

	for (size_t i = 0; i < t->nrows; i++) {
		int m = month_of_cell(tget(t, i, cm));
		const char *sev = tget(t, i, cs);
		size_t j;
		if (m < r->window_start || m > r->month || strcmp(sev, "all") == 0)
			continue;
		for (j = 0; j < n && strcmp(s[j], sev); j++)
			;
		if (j == n) {
			s = pirx_xreallocarray(s, n + 1, sizeof(char *));
			s[n++] = pirx_xstrdup(sev);
		}
	}
	if (n)
		qsort(s, n, sizeof(char *), cmp_str);
	*out = s;
	return n;
}

static void free_strs(char **s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(s[i]);
	free(s);
}

/* Months of the window that the data covers (the window may start before it). */
static int window_months(const struct render *r)
{
	int from = r->window_start > r->first_month ? r->window_start : r->first_month;

	return r->month - from + 1;
}

static void sec_glance(struct render *r, struct doc *d, const struct table *inc,
		       const struct table *dur, const struct table *overdue)
{
	char a[256], b[64], c[64];
	struct block *figs = NULL;
	struct doc tables = {0};

	if (inc->present && inc->nrows) {
		long now = incidents_get(inc, r->month, "all");
		long prev = incidents_get(inc, r->month - 1, "all");
		long sum = 0;
		int months = window_months(r);
		char **sev;
		size_t nsev = severities(r, inc, &sev);
		struct pirx_buf parts;

		for (int m = r->month - months + 1; m <= r->month; m++)
			sum += incidents_get(inc, m, "all");
		pirx_buf_init(&parts);
		for (size_t i = 0; i < nsev; i++) {
			long k = incidents_get(inc, r->month, sev[i]);
			if (!k)
				continue;
			pirx_buf_printf(&parts, "%s%ld %s", parts.len ? ", " : "", k, sev[i]);
		}
		figs = doc_add(d, B_FIGS);
		block_push(figs, "Incidents");
		snprintf(a, sizeof(a), "%ld", now);
		block_push(figs, a);
		snprintf(a, sizeof(a), "%s: %ld · %d-month average: %.1f", r->prev_name, prev, months,
			 (double)sum / months);
		block_push(figs, a);

		var_month_values(r);
		var(r, "incidents", "%ld", now);
		var(r, "previous", "%ld", prev);
		var(r, "average", "%.1f", (double)sum / months);
		var(r, "months", "%d", months);
		var_text(r, "by_severity", pirx_buf_str(&parts));
		doc_p(d, say(r, parts.len ? "glance.incidents" : "glance.incidents_nosev"));
		pirx_buf_release(&parts);

		if (nsev) {
			const char *head[] = {"Severity", r->month_name, r->prev_name, "Monthly average"};
			struct block *t = doc_table(&tables, "lrrr", head);
			for (size_t i = 0; i < nsev; i++) {
				long s = 0;
				for (int m = r->month - months + 1; m <= r->month; m++)
					s += incidents_get(inc, m, sev[i]);
				block_push(t, sev[i]);
				snprintf(a, sizeof(a), "%ld", incidents_get(inc, r->month, sev[i]));
				block_push(t, a);
				snprintf(a, sizeof(a), "%ld", incidents_get(inc, r->month - 1, sev[i]));
				block_push(t, a);
				snprintf(a, sizeof(a), "%.1f", (double)s / months);
				block_push(t, a);
			}
		}
		free_strs(sev, nsev);
	} else {
		say_none(r, d, "glance.no_incidents");
	}

	if (dur->present && dur->nrows) {
		static const char *const metrics[] = {"ttd", "tta", "ttm", "ttr"};
		const char *head[] = {"Median", r->month_name, "95% interval", "Incidents",
				      r->prev_name, "Window (typical month)"};
		struct block *t = NULL;
		for (size_t i = 0; i < 4; i++) {
			struct dur now = dur_get(dur, r->month, metrics[i]);
			struct dur prev = dur_get(dur, r->month - 1, metrics[i]);
			int wm;
			double win = dur_window(r, dur, metrics[i], &wm);
			int key = strcmp(metrics[i], "ttd") == 0 || strcmp(metrics[i], "ttr") == 0;

			if (!now.found && !prev.found && isnan(win))
				continue;
			if (!t)
				t = doc_table(&tables, "lrrrrr", head);
			block_push(t, metric_name(metrics[i]));
			fmt_dur(now.med, a, sizeof(a));
			block_push(t, now.found ? a : "no data");
			fmt_dur(now.lo, b, sizeof(b));
			fmt_dur(now.hi, c, sizeof(c));
			snprintf(a, sizeof(a), "%s to %s", b, c);
			block_push(t, now.found && !isnan(now.lo) ? a : "");
			snprintf(a, sizeof(a), "%ld", now.n);
			block_push(t, now.found ? a : "0");
			fmt_dur(prev.med, a, sizeof(a));
			block_push(t, prev.found ? a : "no data");
			fmt_dur(win, a, sizeof(a));
			block_push(t, a);

			if (!key)
				continue;
			if (figs) {
				block_push(figs, strcmp(metrics[i], "ttd") == 0 ? "Median time to detect"
										 : "Median time to resolve");
				fmt_dur(now.med, a, sizeof(a));
				block_push(figs, now.found ? a : "no data");
				fmt_dur(now.lo, b, sizeof(b));
				fmt_dur(now.hi, c, sizeof(c));
				snprintf(a, sizeof(a), "95%% interval %s to %s", b, c);
				block_push(figs, now.found && !isnan(now.lo) ? a : "");
			}
			var_month_values(r);
			var_text(r, "metric", metric_name(metrics[i]));
			if (!now.found || isnan(now.med)) {
				doc_p(d, say(r, "glance.duration_none"));
				continue;
			}
			fmt_dur(now.med, a, sizeof(a));
			var_text(r, "median", a);
			fmt_dur(now.lo, a, sizeof(a));
			var_text(r, "low", a);
			fmt_dur(now.hi, a, sizeof(a));
			var_text(r, "high", a);
			var(r, "n", "%ld", now.n);
			fmt_dur(prev.med, a, sizeof(a));
			var_text(r, "previous", a);
			fmt_dur(win, a, sizeof(a));
			var_text(r, "typical", a);
			var(r, "months", "%d", wm);
			const char *cmp = "glance.duration_same";
			if (!prev.found || isnan(prev.med))
				cmp = "glance.duration_noprev";
			else if (!isnan(now.lo) && !isnan(prev.hi) && now.lo > prev.hi)
				cmp = "glance.duration_longer";
			else if (!isnan(now.hi) && !isnan(prev.lo) && now.hi < prev.lo)
				cmp = "glance.duration_shorter";
			doc_p(d, say(r, cmp));
		}
		if (!t)
			say_none(r, d, "glance.no_durations");
	} else {
		say_none(r, d, "glance.no_durations");
	}
	if (figs && overdue->present) {
		block_push(figs, "Overdue must-fix items");
		snprintf(a, sizeof(a), "%zu", overdue->counted);
		block_push(figs, a);
		snprintf(a, sizeof(a), "%zu overdue items in all", overdue->total);
		block_push(figs, a);
	}
	/* The tables follow the sentences. */
	for (size_t i = 0; i < tables.n; i++) {
		doc_add(d, B_P);
		free(d->b[d->n - 1]);
		d->b[d->n - 1] = tables.b[i];
	}
	free(tables.b);
	var_month_values(r);
	add_chart(r, d, "incidents_by_severity", "chart.incidents_by_severity");
}

/* ---- section 2: trends ------------------------------------------------ */

static const char *verdict_words(const char *v)
{
	if (strcmp(v, "improving") == 0)
		return "improving";
	if (strcmp(v, "worsening") == 0)
		return "worsening";
	if (strcmp(v, "no_significant_change") == 0)
		return "no significant change";
	if (strcmp(v, "insufficient_data") == 0)
		return "insufficient data";
	return v;
}

static void sec_trends(struct render *r, struct doc *d, const struct table *t)
{
	int cm = tcol(t, "metric"), cs = tcol(t, "severity"), cv = tcol(t, "verdict");
	int cws = tcol(t, "window_start"), cwe = tcol(t, "window_end"), cn = tcol(t, "n");
	int cp = tcol(t, "pct_change_per_month"), cl = tcol(t, "ci95_low"), ch = tcol(t, "ci95_high");
	int cmde = tcol(t, "mde_pct_per_month"), cmwd = tcol(t, "months_with_data");
	struct block *list = NULL, *tab = NULL;
	char a[256];
	int others = 0;

	if (!t->present || !t->nrows) {
		say_none(r, d, "trends.none");
		add_chart(r, d, "ttr_trend", "chart.ttr_trend");
		add_chart(r, d, "ttd_trend", "chart.ttd_trend");
		return;
	}
	for (size_t i = 0; i < t->nrows; i++) {
		const char *verdict = tget(t, i, cv);
		int ws = month_of_cell(tget(t, i, cws)), we = month_of_cell(tget(t, i, cwe));
		int months = ws > -100000 && we > -100000 ? we - ws + 1 : r->window;
		const char *key;
		char *s;

		if (strcmp(tget(t, i, cs), "all")) {
			others++;
			continue;
		}
		var_text(r, "metric", metric_name(tget(t, i, cm)));
		var(r, "months", "%d", months);
		var(r, "n", "%ld", inum(tget(t, i, cn)));
		fmt_pct(num(tget(t, i, cp)), a, sizeof(a));
		var_text(r, "pct", a);
		fmt_pct(num(tget(t, i, cl)), a, sizeof(a));
		var_text(r, "low", a);
		fmt_pct(num(tget(t, i, ch)), a, sizeof(a));
		var_text(r, "high", a);
		if (strcmp(verdict, "improving") == 0)
			key = "trend.improving";
		else if (strcmp(verdict, "worsening") == 0)
			key = "trend.worsening";
		else if (strcmp(verdict, "no_significant_change") == 0)
			key = "trend.no_change";
		else if (cmwd >= 0 && *tget(t, i, cmwd)) {
			var(r, "months_with_data", "%ld", inum(tget(t, i, cmwd)));
			key = "trend.insufficient_months";
		} else {
			key = "trend.insufficient";
		}
		s = say(r, key);
		if (strcmp(verdict, "no_significant_change") == 0 && cmde >= 0 && !isnan(num(tget(t, i, cmde)))) {
			char *m;
			snprintf(a, sizeof(a), "%.1f%%", fabs(num(tget(t, i, cmde))));
			var_text(r, "mde", a);
			m = say(r, "trend.mde");
			s = pirx_xrealloc(s, strlen(s) + strlen(m) + 2);
			strcat(strcat(s, " "), m);
			free(m);
		}
		if (!list)
			list = doc_add(d, B_LIST);
		block_push(list, s);
		free(s);
	}
	if (!list)
		say_none(r, d, "trends.none");
	doc_note(d, say(r, "trend.explain"));
	if (others) {
		const char *head[] = {"Metric", "Severity", "Incidents", "Change a month",
				      "95% interval", "Verdict"};
		tab = doc_table(d, "llrrrl", head);
		for (size_t i = 0; i < t->nrows; i++) {
			char lo[32], hi[32];
			if (strcmp(tget(t, i, cs), "all") == 0)
				continue;
			block_push(tab, metric_name(tget(t, i, cm)));
			block_push(tab, tget(t, i, cs));
			block_push(tab, tget(t, i, cn));
			fmt_pct(num(tget(t, i, cp)), a, sizeof(a));
			block_push(tab, isnan(num(tget(t, i, cp))) ? "" : a);
			fmt_pct(num(tget(t, i, cl)), lo, sizeof(lo));
			fmt_pct(num(tget(t, i, ch)), hi, sizeof(hi));
			snprintf(a, sizeof(a), "%s to %s", lo, hi);
			block_push(tab, isnan(num(tget(t, i, cl))) ? "" : a);
			block_push(tab, verdict_words(tget(t, i, cv)));
		}
	}
	add_chart(r, d, "ttr_trend", "chart.ttr_trend");
	add_chart(r, d, "ttd_trend", "chart.ttd_trend");
}

/* ---- section 3: recurring patterns ------------------------------------ */

/* "3 services" from a count, or "api, web and db" from a ';' list. */
static void services_words(const char *s, char *out, size_t n)
{
	double v = num(s);
	const char *p;
	size_t k = 0, shown = 0;

	if (!isnan(v)) {
		snprintf(out, n, "%.0f service%s", v, v == 1 ? "" : "s");
		return;
	}
	if (!*s) {
		snprintf(out, n, "unknown services");
		return;
	}
	for (p = s; *p; p++)
		k += *p == ';';
	k++;
	out[0] = '\0';
	p = s;
	while (*p && shown < 3) {
		const char *e = strchr(p, ';');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		size_t used = strlen(out);
		const char *sep = shown == 0 ? "" : (shown + 1 == k ? " and " : ", ");
		snprintf(out + used, n - used, "%s%.*s", sep, (int)len, p);
		shown++;
		p += len + (e ? 1 : 0);
	}
	if (k > shown) {
		size_t used = strlen(out);
		snprintf(out + used, n - used, " and %zu more", k - shown);
	}
}

static const char *cluster_label(const struct table *rec, const struct table *clu, const char *id)
{
	int ci = tcol(rec, "cluster_id"), cl = tcol(rec, "label");

	for (size_t i = 0; i < rec->nrows; i++)
		if (strcmp(tget(rec, i, ci), id) == 0)
			return tget(rec, i, cl);
	ci = tcol(clu, "cluster_id");
	cl = tcol(clu, "label");
	for (size_t i = 0; i < clu->nrows; i++)
		if (strcmp(tget(clu, i, ci), id) == 0)
			return tget(clu, i, cl);
	return id;
}

/*
 * Sorts idx[0..n), rows of t: by rank(cell in rank_col) when rank is set,
 * then by the number in col, largest first (empty or not a number last),
 * then in file order. The keys are read once per row, not per comparison.
 */
struct rowkey {
	int rank;
	double v;
	size_t row;
};

static int cmp_rowkey(const void *a, const void *b)
{
	const struct rowkey *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank - y->rank;
	if (x->v != y->v)
		return x->v < y->v ? 1 : -1;
	return (x->row > y->row) - (x->row < y->row);
}

static void sort_rows(const struct table *t, size_t *idx, size_t n, int col,
		      int (*rank)(const char *), int rank_col)
{
	struct rowkey *k = pirx_xcalloc(n + 1, sizeof(*k));

	for (size_t i = 0; i < n; i++) {
		double v = num(tget(t, idx[i], col));
		k[i].rank = rank ? rank(tget(t, idx[i], rank_col)) : 0;
		k[i].v = isnan(v) ? -INFINITY : v;
		k[i].row = idx[i];
	}
	qsort(k, n, sizeof(*k), cmp_rowkey);
	for (size_t i = 0; i < n; i++)
		idx[i] = k[i].row;
	free(k);
}

static void sec_patterns(struct render *r, struct doc *d, const struct table *rec,
			 const struct table *clu, const struct table *rep)
{
	char a[256];

	if (!corpus_has(r, "factors.csv")) {
		say_none(r, d, "patterns.none_corpus");
		return;
	}
	if (!rec->present && !clu->present) {
		say_none(r, d, "patterns.none");
	} else {
		int crec = tcol(rec, "recurring");
		size_t *idx = pirx_xcalloc(rec->nrows + 1, sizeof(size_t)), n = 0;
		for (size_t i = 0; i < rec->nrows; i++)
			if (strcmp(tget(rec, i, crec), "yes") == 0)
				idx[n++] = i;
		sort_rows(rec, idx, n, tcol(rec, "window_incidents"), NULL, -1);
		var_month_values(r);
		var(r, "patterns", "%zu", n);
		var(r, "clusters", "%zu", clu->present ? clu->nrows : rec->nrows);
		doc_p(d, say(r, n == 0 ? "patterns.none_recurring" :
				n == 1 ? "patterns.recurring_one" : "patterns.recurring"));
		if (n) {
			struct block *list = doc_add(d, B_LIST);
			for (size_t k = 0; k < n && k < 8; k++) {
				size_t i = idx[k];
				long this_month = inum(tget(rec, i, tcol(rec, "month_incidents")));
				char *s;
				var_text(r, "label", tget(rec, i, tcol(rec, "label")));
				var(r, "incidents", "%ld", inum(tget(rec, i, tcol(rec, "window_incidents"))));
				var(r, "months", "%ld", inum(tget(rec, i, tcol(rec, "months_active"))));
				services_words(tget(rec, i, tcol(rec, "services")), a, sizeof(a));
				var_text(r, "services", a);
				var(r, "this_month", "%ld", this_month);
				var_text(r, "month", r->month_name);
				s = say(r, this_month ? "patterns.item_month" : "patterns.item");
				block_push(list, s);
				free(s);
			}
			if (n > 8) {
				var(r, "more", "%zu", n - 8);
				doc_note(d, say(r, "patterns.more"));
			}
		}
		free(idx);
		var_month_values(r);
		add_chart(r, d, "top_patterns", "chart.top_patterns");
	}

	if (!rep->present) {
		say_none(r, d, "repeats.none");
		return;
	}
	if (!rep->total) {
		say_none(r, d, "repeats.empty");
		return;
	}
	/* Rows are pairs: one incident can repeat several earlier ones. The
	 * sentence counts incidents (distinct incident_id), and gives the
	 * pairs too. */
	var(r, "repeats", "%zu", rep->distinct);
	var(r, "pairs", "%zu", rep->total);
	doc_p(d, say(r, rep->distinct == 1 ? (rep->total == 1 ? "repeats.one" : "repeats.one_pairs")
		     : "repeats.some"));
	{
		const char *head[] = {"Incident", "Earlier incident", "Service", "Pattern", "Days apart"};
		struct block *t = doc_table(d, "llllr", head);
		for (size_t i = 0; i < rep->nrows && i < 10; i++) {
			block_push(t, tget(rep, i, tcol(rep, "incident_id")));
			block_push(t, tget(rep, i, tcol(rep, "previous_incident_id")));
			block_push(t, tget(rep, i, tcol(rep, "service")));
			block_push(t, cluster_label(rec, clu, tget(rep, i, tcol(rep, "cluster_id"))));
			fmt_num(num(tget(rep, i, tcol(rep, "days_apart"))), 1, a, sizeof(a));
			block_push(t, a);
		}
		if (rep->total > 10) {
			var(r, "more", "%zu", rep->total - 10);
			doc_note(d, say(r, "repeats.more"));
		}
	}
}

/* ---- section 4: action items ------------------------------------------ */

static void sec_actions(struct render *r, struct doc *d, const struct table *mon,
			const struct table *summ, const struct table *over)
{
	char a[64], b[64];

	if (!corpus_has(r, "action_items.csv")) {
		say_none(r, d, "actions.none_corpus");
		return;
	}
	if (!mon->present && !over->present && !summ->present) {
		say_none(r, d, "actions.none");
		return;
	}
	if (mon->present) {
		static const char *const prios[] = {"all", "must-fix"};
		int cm = tcol(mon, "month"), cp = tcol(mon, "priority");
		for (size_t k = 0; k < 2; k++) {
			long created = 0, completed = 0, open = 0, overdue = 0, cancelled = 0;
			int rows = 0;
			for (size_t i = 0; i < mon->nrows; i++) {
				int m = month_of_cell(tget(mon, i, cm));
				if (m < r->window_start || m > r->month || strcmp(tget(mon, i, cp), prios[k]))
					continue;
				rows++;
				created += inum(tget(mon, i, tcol(mon, "created")));
				completed += inum(tget(mon, i, tcol(mon, "completed")));
				open += inum(tget(mon, i, tcol(mon, "open")));
				overdue += inum(tget(mon, i, tcol(mon, "overdue")));
				cancelled += inum(tget(mon, i, tcol(mon, "cancelled")));
			}
			if (!rows) {
				if (k == 0)
					say_none(r, d, "actions.empty");
				break;
			}
			var_month_values(r);
			var(r, "created", "%ld", created);
			var(r, "completed", "%ld", completed);
			var(r, "open", "%ld", open);
			var(r, "overdue", "%ld", overdue);
			var(r, "cancelled", "%ld", cancelled);
			/* As completion_rate: cancelled items leave the rate. */
			fmt_share(created > cancelled ? (double)completed / (created - cancelled) : NAN,
				  a, sizeof(a));
			var_text(r, "share", a);
			doc_p(d, say(r, k == 0 ? "actions.window" : "actions.window_mustfix"));
		}
	}
	if (summ->present && summ->nrows) {
		struct block *list = NULL;
		for (size_t i = 0; i < summ->nrows; i++) {
			double km = num(tget(summ, i, tcol(summ, "km_median_days")));
			double d30 = num(tget(summ, i, tcol(summ, "done_within_30d")));
			double d90 = num(tget(summ, i, tcol(summ, "done_within_90d")));
			char *s;
			var_text(r, "priority", tget(summ, i, tcol(summ, "priority")));
			var(r, "items", "%ld", inum(tget(summ, i, tcol(summ, "items"))));
			fmt_num(km, 0, a, sizeof(a));
			var_text(r, "median_days", a);
			fmt_share(d30 > 1 ? d30 / 100 : d30, a, sizeof(a));
			var_text(r, "within_30", a);
			fmt_share(d90 > 1 ? d90 / 100 : d90, b, sizeof(b));
			var_text(r, "within_90", b);
			s = say(r, isnan(km) ? "actions.survival_nomedian" : "actions.survival");
			if (!list)
				list = doc_add(d, B_LIST);
			block_push(list, s);
			free(s);
		}
		doc_note(d, say(r, "actions.survival_explain"));
	}
	var_month_values(r);
	add_chart(r, d, "action_completion", "chart.action_completion");
	add_chart(r, d, "action_survival", "chart.action_survival");

	if (!over->present) {
		say_none(r, d, "overdue.none");
		return;
	}
	if (!over->total) {
		say_none(r, d, "overdue.empty");
		return;
	}
	{
		int cp = tcol(over, "priority"), cd = tcol(over, "days_overdue");
		const char *head[] = {"Item", "Incident", "Title", "Team", "Priority", "Due", "Days overdue"};
		struct block *t;

		var_month_values(r);
		var(r, "overdue", "%zu", over->total);
		var(r, "must_fix", "%zu", over->counted);
		doc_p(d, say(r, "overdue.some"));
		/* The rows kept are the file's first: most urgent first. */
		t = doc_table(d, "llllllr", head);
		for (size_t i = 0; i < over->nrows && i < 10; i++) {
			block_push(t, tget(over, i, tcol(over, "id")));
			block_push(t, tget(over, i, tcol(over, "incident_id")));
			block_push(t, tget(over, i, tcol(over, "title")));
			block_push(t, tget(over, i, tcol(over, "team")));
			block_push(t, tget(over, i, cp));
			snprintf(a, sizeof(a), "%.10s", tget(over, i, tcol(over, "due_at")));
			block_push(t, a);
			fmt_num(num(tget(over, i, cd)), 0, a, sizeof(a));
			block_push(t, a);
		}
		if (over->total > 10) {
			var(r, "more", "%zu", over->total - 10);
			doc_note(d, say(r, "overdue.more"));
		}
		add_chart(r, d, "action_overdue", "chart.action_overdue");
	}
}

/* ---- section 5: review timeliness ------------------------------------- */

static void sec_reviews(struct render *r, struct doc *d, const struct table *rev)
{
	int cm = tcol(rev, "month");
	long resolved = 0, reviewed = 0, over5 = 0;
	const char *head[] = {"Month", "Resolved", "Reviewed", "Median days to review",
			      "Items per review", "Reviews over 5 items"};
	struct block *t;
	char a[256];
	int rows = 0;
	size_t this_month = (size_t)-1;

	if (!rev->present) {
		say_none(r, d, "reviews.none");
		return;
	}
	for (size_t i = 0; i < rev->nrows; i++) {
		int m = month_of_cell(tget(rev, i, cm));
		if (m < r->window_start || m > r->month)
			continue;
		rows++;
		resolved += inum(tget(rev, i, tcol(rev, "resolved")));
		reviewed += inum(tget(rev, i, tcol(rev, "reviewed")));
		over5 += inum(tget(rev, i, tcol(rev, "reviews_over_5_items")));
		if (m == r->month)
			this_month = i;
	}
	if (!rows) {
		say_none(r, d, "reviews.empty");
		return;
	}
	if (this_month == (size_t)-1) {
		say_none(r, d, "reviews.month_none");
	} else {
		size_t i = this_month;
		double days = num(tget(rev, i, tcol(rev, "median_days_to_review")));
		long res = inum(tget(rev, i, tcol(rev, "resolved")));
		long rv = inum(tget(rev, i, tcol(rev, "reviewed")));
		var_month_values(r);
		var(r, "resolved", "%ld", res);
		var(r, "reviewed", "%ld", rv);
		fmt_share(res ? (double)rv / res : NAN, a, sizeof(a));
		var_text(r, "share", a);
		fmt_num(days, 1, a, sizeof(a));
		var_text(r, "days", a);
		doc_p(d, say(r, isnan(days) ? "reviews.month_nodays" : "reviews.month"));
	}
	var_month_values(r);
	var(r, "resolved", "%ld", resolved);
	var(r, "reviewed", "%ld", reviewed);
	var(r, "over5", "%ld", over5);
	fmt_share(resolved ? (double)reviewed / resolved : NAN, a, sizeof(a));
	var_text(r, "share", a);
	doc_p(d, say(r, "reviews.window"));
	t = doc_table(d, "lrrrrr", head);
	for (size_t i = 0; i < rev->nrows; i++) {
		int m = month_of_cell(tget(rev, i, cm));
		if (m < r->window_start || m > r->month)
			continue;
		block_push(t, tget(rev, i, cm));
		block_push(t, tget(rev, i, tcol(rev, "resolved")));
		block_push(t, tget(rev, i, tcol(rev, "reviewed")));
		fmt_num(num(tget(rev, i, tcol(rev, "median_days_to_review"))), 1, a, sizeof(a));
		block_push(t, a);
		fmt_num(num(tget(rev, i, tcol(rev, "median_items_per_review"))), 1, a, sizeof(a));
		block_push(t, a);
		block_push(t, tget(rev, i, tcol(rev, "reviews_over_5_items")));
	}
}

/* ---- section 6: responder load ---------------------------------------- */

static int risk_rank(const char *s)
{
	if (strcmp(s, "high") == 0)
		return 0;
	if (strcmp(s, "elevated") == 0)
		return 1;
	return 2;
}

static void sec_load(struct render *r, struct doc *d, const struct table *load)
{
	int cm = tcol(load, "month"), cr = tcol(load, "risk");
	size_t *idx, n = 0;
	long high = 0, elevated = 0;
	char a[256];

	if (!corpus_has(r, "responders.csv") && !corpus_has(r, "pages.csv")) {
		say_none(r, d, "load.none_corpus");
		return;
	}
	if (!load->present) {
		say_none(r, d, "load.none");
		return;
	}
	idx = pirx_xcalloc(load->nrows + 1, sizeof(size_t));
	for (size_t i = 0; i < load->nrows; i++) {
		if (month_of_cell(tget(load, i, cm)) != r->month)
			continue;
		idx[n++] = i;
		high += strcmp(tget(load, i, cr), "high") == 0;
		elevated += strcmp(tget(load, i, cr), "elevated") == 0;
	}
	if (!n) {
		say_none(r, d, "load.empty");
		free(idx);
		return;
	}
	sort_rows(load, idx, n, tcol(load, "load_score"), risk_rank, cr);
	var_month_values(r);
	var(r, "responders", "%zu", n);
	var(r, "high", "%ld", high);
	var(r, "elevated", "%ld", elevated);
	doc_p(d, say(r, high || elevated ? "load.summary" : "load.summary_calm"));
	{
		const char *head[] = {"Responder", "Team", "Incidents", "Engaged hours", "Off-hours hours",
				      "Pages", "Sleep pages", "Risk", "Why"};
		struct block *t = doc_table(d, "llrrrrrll", head);
		for (size_t k = 0; k < n && k < 10; k++) {
			size_t i = idx[k];
			block_push(t, tget(load, i, tcol(load, "responder")));
			block_push(t, tget(load, i, tcol(load, "team")));
			block_push(t, tget(load, i, tcol(load, "incidents")));
			fmt_num(num(tget(load, i, tcol(load, "engaged_hours"))), 1, a, sizeof(a));
			block_push(t, a);
			fmt_num(num(tget(load, i, tcol(load, "offhours_hours"))), 1, a, sizeof(a));
			block_push(t, a);
			block_push(t, tget(load, i, tcol(load, "pages")));
			block_push(t, tget(load, i, tcol(load, "sleep_pages")));
			block_push(t, tget(load, i, cr));
			block_push(t, tget(load, i, tcol(load, "reasons")));
		}
	}
	if (n > 10) {
		var(r, "more", "%zu", n - 10);
		doc_note(d, say(r, "load.more"));
	}
	doc_note(d, say(r, r->anonymized ? "load.anonymized" : "load.blameless"));
	var_month_values(r);
	add_chart(r, d, "responder_load", "chart.responder_load");
	free(idx);
}

/* ---- section 7: data quality ------------------------------------------ */

struct qgroup {
	const char *file, *column, *problem, *kind;
	long rows;
};

static void sec_quality(struct render *r, struct doc *d, const struct table *q)
{
	static const struct {
		const char *file, *effect;
	} optional[] = {
		{"factors.csv", "quality.no_factors"},
		{"action_items.csv", "quality.no_action_items"},
		{"responders.csv", "quality.no_responders"},
		{"pages.csv", "quality.no_pages"},
		{"roster.csv", "quality.no_roster"},
	};
	int cf = tcol(q, "file"), cc = tcol(q, "column"), cp = tcol(q, "problem"), ck = tcol(q, "kind");
	struct qgroup *g = NULL;
	size_t ng = 0;
	long rejected = 0, kept = 0;

	if (!q->present) {
		say_none(r, d, "quality.none");
	} else if (!q->nrows) {
		say_none(r, d, "quality.clean");
	} else {
		for (size_t i = 0; i < q->nrows; i++) {
			const char *kind = tget(q, i, ck);
			int is_kept = strcmp(kind, "kept") == 0;
			size_t j;
			if (is_kept)
				kept++;
			else
				rejected++;
			/* Kept rows group by their problem (it names what was left out);
			 * rejected rows by file and column, with the first problem as example. */
			for (j = 0; j < ng; j++)
				if (strcmp(g[j].file, tget(q, i, cf)) == 0 && strcmp(g[j].column, tget(q, i, cc)) == 0 &&
				    strcmp(g[j].kind, kind) == 0 && (!is_kept || strcmp(g[j].problem, tget(q, i, cp)) == 0))
					break;
			if (j == ng) {
				g = pirx_xreallocarray(g, ng + 1, sizeof(*g));
				g[ng].file = tget(q, i, cf);
				g[ng].column = tget(q, i, cc);
				g[ng].problem = tget(q, i, cp);
				g[ng].kind = kind;
				g[ng].rows = 0;
				ng++;
			}
			g[j].rows++;
		}
		var(r, "rejected", "%ld", rejected);
		var(r, "kept", "%ld", kept);
		doc_p(d, say(r, "quality.summary"));
		{
			const char *head[] = {"File", "Column", "Rows", "Problem (first example)", "Effect"};
			struct block *t = doc_table(d, "llrll", head);
			char a[32];
			for (size_t j = 0; j < ng && j < 15; j++) {
				block_push(t, g[j].file);
				block_push(t, g[j].column);
				snprintf(a, sizeof(a), "%ld", g[j].rows);
				block_push(t, a);
				block_push(t, g[j].problem);
				block_push(t, strcmp(g[j].kind, "kept") == 0 ? "row kept, duration left out"
									     : "row left out");
			}
			if (ng > 15) {
				var(r, "more", "%zu", ng - 15);
				doc_note(d, say(r, "quality.more"));
			}
		}
		free(g);
	}
	if (r->corpus_files) {
		struct block *list = NULL;
		for (size_t i = 0; i < sizeof(optional) / sizeof(optional[0]); i++) {
			char *s;
			if (corpus_has(r, optional[i].file))
				continue;
			var_text(r, "file", optional[i].file);
			s = say(r, optional[i].effect);
			if (!list) {
				doc_p(d, say(r, "quality.missing_files"));
				list = doc_add(d, B_LIST);
			}
			block_push(list, s);
			free(s);
		}
	}
}

/* ---- emitting ------------------------------------------------------- */

static void emit_md(const struct render *r, const struct doc *d, struct pirx_buf *o)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct block *b = d->b[i];
		switch (b->kind) {
		case B_P:
			pirx_md_escape_str(o, b->text);
			pirx_buf_puts(o, "\n\n");
			break;
		case B_NOTE:
			pirx_buf_puts(o, "_");
			pirx_md_escape_str(o, b->text);
			pirx_buf_puts(o, "_\n\n");
			break;
		case B_LIST:
			for (size_t j = 0; j < b->n; j++) {
				pirx_buf_puts(o, "- ");
				pirx_md_escape_str(o, b->items[j]);
				pirx_buf_puts(o, "\n");
			}
			pirx_buf_puts(o, "\n");
			break;
		case B_FIGS:
			for (size_t j = 0; j + 2 < b->n; j += 3) {
				pirx_buf_puts(o, "- **");
				pirx_md_escape_str(o, b->items[j]);
				pirx_buf_puts(o, ": ");
				pirx_md_escape_str(o, b->items[j + 1]);
				pirx_buf_puts(o, "**");
				if (*b->items[j + 2]) {
					pirx_buf_puts(o, " (");
					pirx_md_escape_str(o, b->items[j + 2]);
					pirx_buf_puts(o, ")");
				}
				pirx_buf_puts(o, "\n");
			}
			pirx_buf_puts(o, "\n");
			break;
		case B_TABLE:
			for (size_t j = 0; j < b->n; j++) {
				size_t c = j % b->ncols;
				pirx_buf_puts(o, c == 0 ? "| " : " | ");
				pirx_md_escape_str(o, b->items[j]);
				if (c + 1 == b->ncols) {
					pirx_buf_puts(o, " |\n");
					if (j + 1 == b->ncols) {
						for (size_t k = 0; k < b->ncols; k++)
							pirx_buf_puts(o, b->align[k] == 'r' ? "| ---: " : "| --- ");
						pirx_buf_puts(o, "|\n");
					}
				}
			}
			pirx_buf_puts(o, "\n");
			break;
		case B_CHART: {
			char *png;
			char name[80];
			snprintf(name, sizeof(name), "%s.png", b->items[0]);
			png = pirx_fs_join(r->ctx->charts_dir, name);
			if (pirx_fs_exists(png)) {
				pirx_buf_puts(o, "![");
				pirx_md_escape_str(o, b->text);
				pirx_buf_printf(o, "](charts/%s.png)\n\n", b->items[0]);
			}
			free(png);
			break;
		}
		}
	}
	/* No trailing blank line: the template places sections. */
	while (o->len && o->data[o->len - 1] == '\n')
		o->data[--o->len] = '\0';
}

static int read_file(const char *path, struct pirx_buf *out)
{
	FILE *f = fopen(path, "rb");
	char buf[65536];
	size_t n;
	int rc = 0;

	if (!f)
		return -1;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		pirx_buf_append(out, buf, n);
	if (ferror(f))
		rc = -1;
	fclose(f);
	return rc;
}

static void emit_html(struct render *r, const struct doc *d, struct pirx_buf *o)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct block *b = d->b[i];
		switch (b->kind) {
		case B_P:
		case B_NOTE:
			pirx_buf_puts(o, b->kind == B_P ? "<p>" : "<p class=\"note\">");
			pirx_html_escape_str(o, b->text);
			pirx_buf_puts(o, "</p>\n");
			break;
		case B_LIST:
			pirx_buf_puts(o, "<ul>\n");
			for (size_t j = 0; j < b->n; j++) {
				pirx_buf_puts(o, "<li>");
				pirx_html_escape_str(o, b->items[j]);
				pirx_buf_puts(o, "</li>\n");
			}
			pirx_buf_puts(o, "</ul>\n");
			break;
		case B_FIGS:
			pirx_buf_puts(o, "<div class=\"figures\">\n");
			for (size_t j = 0; j + 2 < b->n; j += 3) {
				pirx_buf_puts(o, "<div class=\"figure\"><div class=\"label\">");
				pirx_html_escape_str(o, b->items[j]);
				pirx_buf_puts(o, "</div><div class=\"value\">");
				pirx_html_escape_str(o, b->items[j + 1]);
				pirx_buf_puts(o, "</div><div class=\"detail\">");
				pirx_html_escape_str(o, b->items[j + 2]);
				pirx_buf_puts(o, "</div></div>\n");
			}
			pirx_buf_puts(o, "</div>\n");
			break;
		case B_TABLE:
			pirx_buf_puts(o, "<div class=\"table\"><table>\n<thead><tr>");
			for (size_t j = 0; j < b->n; j++) {
				size_t c = j % b->ncols;
				int head = j < b->ncols;
				if (c == 0 && j)
					pirx_buf_puts(o, j == b->ncols ? "</tr></thead>\n<tbody>\n<tr>" : "</tr>\n<tr>");
				pirx_buf_puts(o, head ? "<th scope=\"col\"" : "<td");
				if (b->align[c] == 'r')
					pirx_buf_puts(o, " class=\"num\"");
				pirx_buf_puts(o, ">");
				pirx_html_escape_str(o, b->items[j]);
				pirx_buf_puts(o, head ? "</th>" : "</td>");
			}
			pirx_buf_puts(o, b->n > b->ncols ? "</tr>\n</tbody></table></div>\n"
							 : "</tr></thead>\n</table></div>\n");
			break;
		case B_CHART: {
			char name[80], *path;
			struct pirx_buf svg;
			struct pirx_err e;
			snprintf(name, sizeof(name), "%s.svg", b->items[0]);
			path = pirx_fs_join(r->ctx->charts_dir, name);
			pirx_buf_init(&svg);
			if (pirx_fs_exists(path)) {
				pirx_buf_puts(o, "<figure>\n");
				if (read_file(path, &svg) ||
				    pirx_html_inline_svg(o, svg.data ? svg.data : "", svg.len, b->items[0], b->text, &e)) {
					char *s;
					var_text(r, "chart", name);
					s = say(r, "chart.refused");
					pirx_buf_puts(o, "<p class=\"note\">");
					pirx_html_escape_str(o, s);
					pirx_buf_puts(o, "</p>");
					free(s);
				}
				pirx_buf_puts(o, "\n<figcaption>");
				pirx_html_escape_str(o, b->text);
				pirx_buf_puts(o, "</figcaption>\n</figure>\n");
			}
			pirx_buf_release(&svg);
			free(path);
			break;
		}
		}
	}
	while (o->len && o->data[o->len - 1] == '\n')
		o->data[--o->len] = '\0';
}

/* ---- the step ----------------------------------------------------------- */

static const char *const section_names[] = {
	"section_glance", "section_trends", "section_patterns", "section_actions",
	"section_reviews", "section_load", "section_quality"
};
#define NSECTIONS 7

static void read_meta(struct render *r, const struct table *meta)
{
	const struct pirx_report_ctx *ctx = r->ctx;
	int ck = tcol(meta, "key"), cv = tcol(meta, "value");

	r->month = ctx->month;
	r->window = ctx->window;
	r->window_start = ctx->window_start;
	r->first_month = ctx->first_month;
	r->anonymized = ctx->anonymize;
	pirx_time_format(ctx->as_of, r->as_of);
	for (size_t i = 0; i < meta->nrows; i++) {
		const char *k = tget(meta, i, ck), *v = tget(meta, i, cv);
		int m;
		if (strcmp(k, "month") == 0 && !pirx_month_parse(v, &m))
			r->month = m;
		else if (strcmp(k, "window") == 0 && inum(v) > 0)
			r->window = (int)inum(v);
		else if (strcmp(k, "window_start") == 0 && !pirx_month_parse(v, &m))
			r->window_start = m;
		else if (strcmp(k, "first_month") == 0 && !pirx_month_parse(v, &m))
			r->first_month = m;
		else if (strcmp(k, "anonymized") == 0)
			r->anonymized = strcmp(v, "yes") == 0;
		else if (strcmp(k, "as_of") == 0)
			snprintf(r->as_of, sizeof(r->as_of), "%s", v);
		else if (strcmp(k, "corpus_files") == 0)
			r->corpus_files = pirx_xstrdup(v);
	}
	month_name(r->month, r->month_name, sizeof(r->month_name));
	month_name(r->month - 1, r->prev_name, sizeof(r->prev_name));
}

static const char *embedded(struct render *r, const char *name)
{
	const struct pirx_embed *e = pirx_embed_find(pirx_embedded_reports, name);

	if (!e) {
		fail(r, pirx_err_set(r->err, PIRX_EIO, NULL, 0, NULL,
				     "report template '%s' is not built into this pirx", name));
		return NULL;
	}
	return e->text;
}

/* Writes text to dir/name through a scratch file renamed into place. */
static int write_out(const char *dir, const char *name, const struct pirx_buf *text, struct pirx_err *err)
{
	char *path = pirx_fs_join(dir, name);
	FILE *f = fopen(path, "wb");
	int rc = 0;

	if (!f || fwrite(text->data ? text->data : "", 1, text->len, f) != text->len)
		rc = pirx_err_set(err, PIRX_EIO, path, 0, NULL, "cannot write the report");
	if (f && fclose(f) && !rc)
		rc = pirx_err_set(err, PIRX_EIO, path, 0, NULL, "cannot write the report");
	free(path);
	return rc;
}

enum {
	T_INC, T_DUR, T_TRENDS, T_CLU, T_REC, T_REP, T_ACT, T_SUMM, T_OVER, T_REV, T_LOAD, T_DQ, T_META, NT
};

static const char *const table_files[NT] = {
	"incidents_monthly.csv", "durations_monthly.csv", "trends.csv", "factor_clusters.csv",
	"recurrence.csv", "repeat_incidents.csv", "action_items_monthly.csv",
	"action_completion_summary.csv", "overdue_actions.csv", "reviews_monthly.csv",
	"responder_load.csv", "data_quality.csv", "report_meta.csv"
};

/* The long lists: the report shows ten rows of each (struct tally). */
static const struct tally overdue_tally = {
	10, "priority", "must-fix", NULL,
	"overdue_actions_rows", "overdue_actions_must_fix", NULL
};
static const struct tally repeat_tally = {
	10, NULL, NULL, "incident_id",
	"repeat_incidents_rows", NULL, "repeat_incidents_incidents"
};

/* The value of key in report_meta.csv as a count; 0 when absent. */
static int meta_count(const struct table *meta, const char *key, size_t *out)
{
	int k = tcol(meta, "key"), v = tcol(meta, "value");

	for (size_t i = 0; key && i < meta->nrows; i++) {
		if (strcmp(tget(meta, i, k), key) == 0) {
			char *end;
			unsigned long long n = strtoull(tget(meta, i, v), &end, 10);
			if (end == tget(meta, i, v) || *end)
				return 0;
			*out = (size_t)n;
			return 1;
		}
	}
	return 0;
}

/* The counts of a long list that report_meta.csv gives, all of them, or
 * NULL (they are then counted while reading). */
static const struct given *given_counts(const struct table *meta, const struct tally *tally,
					 struct given *g)
{
	memset(g, 0, sizeof(*g));
	if (!meta_count(meta, tally->total_key, &g->total) ||
	    (tally->count_key && !meta_count(meta, tally->count_key, &g->counted)) ||
	    (tally->distinct_key && !meta_count(meta, tally->distinct_key, &g->distinct)))
		return NULL;
	return g;
}

int pirx_render_run(const struct pirx_report_ctx *ctx, struct pirx_err *err)
{
	struct render r;
	struct table t[NT];
	struct doc docs[NSECTIONS];
	struct pirx_buf md, html, part;
	pirx_template_vars *page = pirx_template_vars_new();
	const char *tmpl;
	char window_first[32];
	int rc = 0;

	memset(&r, 0, sizeof(r));
	memset(t, 0, sizeof(t));
	memset(docs, 0, sizeof(docs));
	pirx_buf_init(&md);
	pirx_buf_init(&html);
	pirx_buf_init(&part);
	r.ctx = ctx;
	r.err = err;
	r.v = pirx_template_vars_new();
	/* report_meta.csv first: it holds the counts of the long lists. */
	if ((rc = table_load(ctx->dir, table_files[T_META], NULL, NULL, &t[T_META], err)))
		goto out;
	for (int i = 0; i < T_META; i++) {
		const struct tally *tl = i == T_OVER ? &overdue_tally : i == T_REP ? &repeat_tally : NULL;
		struct given g;
		if ((rc = table_load(ctx->dir, table_files[i], tl, tl ? given_counts(&t[T_META], tl, &g) : NULL,
				     &t[i], err)))
			goto out;
	}
	if (!(tmpl = embedded(&r, "phrases")))
		goto done;
	phrases_load(&r, tmpl);
	read_meta(&r, &t[T_META]);

	sec_glance(&r, &docs[0], &t[T_INC], &t[T_DUR], &t[T_OVER]);
	sec_trends(&r, &docs[1], &t[T_TRENDS]);
	sec_patterns(&r, &docs[2], &t[T_REC], &t[T_CLU], &t[T_REP]);
	sec_actions(&r, &docs[3], &t[T_ACT], &t[T_SUMM], &t[T_OVER]);
	sec_reviews(&r, &docs[4], &t[T_REV]);
	sec_load(&r, &docs[5], &t[T_LOAD]);
	sec_quality(&r, &docs[6], &t[T_DQ]);
	if (r.rc)
		goto done;

	/* The page values common to both formats. */
	month_name(r.window_start > r.first_month ? r.window_start : r.first_month,
		   window_first, sizeof(window_first));
	var_month_values(&r);
	var_text(&r, "window_first", window_first);
	var_text(&r, "as_of", r.as_of);
	{
		char *intro = say(&r, window_months(&r) < r.window ? "intro.short" : "intro");
		pirx_template_set(page, "intro", intro);
		free(intro);
	}
	pirx_template_set(page, "month", r.month_name);
	{
		char m[PIRX_MONTH_STRLEN];
		pirx_month_format(r.month, m);
		pirx_template_set(page, "month_id", m);
	}
	pirx_template_set(page, "as_of", r.as_of);
	pirx_template_setf(page, "window", "%d", r.window);
	pirx_template_set(page, "window_first", window_first);
	pirx_template_set(page, "previous_month", r.prev_name);
	pirx_template_set(page, "pirx_version", "");
	pirx_template_setf(page, "seed", "%llu", (unsigned long long)ctx->seed);
	for (size_t i = 0; i < t[T_META].nrows; i++)
		if (strcmp(tget(&t[T_META], i, tcol(&t[T_META], "key")), "pirx_version") == 0)
			pirx_template_set(page, "pirx_version", tget(&t[T_META], i, tcol(&t[T_META], "value")));

	for (int i = 0; i < NSECTIONS; i++) {
		pirx_buf_reset(&part);
		emit_md(&r, &docs[i], &part);
		pirx_template_set_raw(page, section_names[i], pirx_buf_str(&part));
	}
	if (!(tmpl = embedded(&r, "report.md")))
		goto done;
	if ((rc = pirx_template_render(tmpl, "reports/report.md.tmpl", page, pirx_md_escape, &md, err)))
		goto out;

	for (int i = 0; i < NSECTIONS; i++) {
		pirx_buf_reset(&part);
		emit_html(&r, &docs[i], &part);
		pirx_template_set_raw(page, section_names[i], pirx_buf_str(&part));
	}
	if (r.rc || !(tmpl = embedded(&r, "style")))
		goto done;
	pirx_template_set_raw(page, "css", tmpl);
	if (!(tmpl = embedded(&r, "report.html")))
		goto done;
	if ((rc = pirx_template_render(tmpl, "reports/report.html.tmpl", page, pirx_html_escape, &html, err)))
		goto out;

	if ((rc = write_out(ctx->dir, "report.md", &md, err)))
		goto out;
	rc = write_out(ctx->dir, "report.html", &html, err);
	goto out;
done:
	rc = r.rc;
out:
	for (int i = 0; i < NT; i++)
		table_release(&t[i]);
	for (int i = 0; i < NSECTIONS; i++)
		doc_release(&docs[i]);
	for (size_t i = 0; i < r.nph; i++) {
		free(r.ph[i].key);
		free(r.ph[i].text);
	}
	free(r.ph);
	free(r.corpus_files);
	pirx_template_vars_free(r.v);
	pirx_template_vars_free(page);
	pirx_buf_release(&md);
	pirx_buf_release(&html);
	pirx_buf_release(&part);
	return rc;
}
