/*
 * actions: action-item follow-through and review timeliness, a step of the
 * report pipeline (SPEC sections 3 and 4; every definition, denominator
 * and the survival method are written out in docs/actions.md).
 *
 * Writes action_items_monthly.csv, overdue_actions.csv, reviews_monthly.csv,
 * action_survival.csv, action_completion_summary.csv,
 * action_items_by_team.csv, large_reviews.csv and the charts
 * action_completion, action_overdue and action_survival.
 *
 * The monthly figures, the per-team table, the Kaplan-Meier curves and the
 * overdue list come from one scan of the items, in no particular order,
 * and one pass in C: each month of creation has its accumulators, written
 * out when the scan ends; teams are found by a small hash table of their
 * names; the survival curves are built from per-day histograms of
 * completions and censorings (times are whole days). The overdue items
 * are kept (their text in one arena) and sorted in C, most urgent first:
 * SQLite's sort of the same rows, and a second scan, cost more than the
 * rest of the step. The reviews come from one more pass over the
 * incidents in order of start. Medians come from stats.c; csvio.c and
 * plot.c own the output formats.
 */
#include "pirx/report.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pirx/csvio.h"
#include "pirx/fsutil.h"
#include "pirx/mem.h"
#include "pirx/plot.h"
#include "pirx/sort.h"
#include "pirx/stats.h"
#include "pirx/textnorm.h"
#include "pirx/timefmt.h"

#define DAY 86400
#define Z95 1.959963984540054   /* two-sided 95% normal quantile */
#define CHART_MAX_DAYS 365      /* the survival chart shows the first year */
#define LARGE_REVIEW 5          /* more items than this: a large review */

/* Groups: `all`, the three priorities, and unknown priority (`all` only). */
enum { G_ALL, G_MUST, G_SHOULD, G_NICE, G_UNKNOWN, NGROUP };
#define NROWGROUPS 4            /* groups with rows of their own in the CSVs */
static const char *const group_name[NGROUP] = {
	"all", "must-fix", "should-fix", "nice-to-have", "unknown"
};

/* What an item is at the as-of instant. */
enum { O_OPEN, O_DONE, O_CANCELLED };

struct item {
	int64_t created, due, done;
	int has_due;
	int has_time;     /* done with a known completion time (before as-of) */
	int group;        /* G_MUST .. G_UNKNOWN */
	int outcome;      /* O_* */
};

/* One month of one group while the items stream by. */
struct acc {
	long created, cancelled, completed, open, overdue, settled, on_time;
	double *days;     /* days to complete, reused from month to month */
	size_t ndays, cap;
};

/* One row of a Kaplan-Meier table (times in whole days). */
struct km_row {
	int day;
	long at_risk, completed, censored;
	double surv, se;  /* S(day) after the drop at day; Greenwood standard error */
};

/* A Kaplan-Meier curve in the making: histograms over whole days. */
struct km {
	long *ev, *cens;  /* completions and censorings per day, 0..cap - 1 */
	size_t cap;
	long items, done;
	long untimed;     /* completed with no known time: not on the curve */
	int last_day;     /* largest day observed (completion or censoring), -1: none */
	struct km_row *rows;
	size_t nrows;
};

/* Follow-through of one owning team over the window. */
struct team {
	char *name;       /* NULL: unknown team */
	long created, cancelled, completed, open, overdue, must_overdue;
};

/* Teams by name: open addressing over indexes into team[]. */
struct teams {
	struct team *team;
	size_t n, cap;
	size_t *slot;     /* index + 1, 0 empty */
	size_t nslot;     /* a power of two, at least twice n */
	struct team unknown;   /* items with no team (listed last) */
};

/* The accumulators of one month of creation. */
struct month_acc {
	struct acc g[NGROUP];
};

/* An overdue item; its text cells (id, incident_id, title, owner, team,
 * priority) are in the arena. */
struct overdue {
	int64_t due, created;
	size_t cells;
	const char *id;           /* set once the arena stops moving */
	uint32_t id_len;
	int prio;                 /* 0 must-fix .. 3 unknown */
};

struct actions {
	const struct pirx_report_ctx *ctx;
	int first_month;          /* month of the first item; -1 when none */
	int nmonths;              /* first_month .. ctx->month */
	/* Items arrive in no particular order: a month's accumulators, from
	 * mon_first on, are all kept until the pass ends. */
	struct month_acc *mon;
	int mon_first, nmon;
	int64_t first_created;
	struct km km[NROWGROUPS];
	struct overdue *od;       /* overdue items, in no order until sorted */
	size_t nod, od_cap;
	struct pirx_buf cells;    /* their text */
	double *rate;             /* [month offset][NROWGROUPS] completion rate */
	long *overdue;            /* [month offset][NGROUP] overdue items */
	long items;
	int64_t window_from;      /* first instant of the window */
	struct teams teams;
	/* Items per incident (created before as-of), for the reviews. */
	pirx_strtab *item_incidents;
	long *item_count;
	size_t count_cap;
	long item_last;           /* the previous item's incident */
};

/* Counts one item of the incident of id s[0..n). */
static void count_item(struct actions *A, const char *s, long n)
{
	/* An incident's items mostly come together. */
	long k = pirx_strtab_find_near(A->item_incidents, s, n, A->item_last);

	if (k < 0)
		k = pirx_strtab_intern(A->item_incidents, s, n, NULL);
	if ((size_t)k >= A->count_cap) {
		size_t old = A->count_cap;
		A->count_cap = A->count_cap ? A->count_cap * 2 : 1024;
		A->item_count = pirx_xreallocarray(A->item_count, A->count_cap, sizeof(long));
		memset(A->item_count + old, 0, (A->count_cap - old) * sizeof(long));
	}
	A->item_count[k]++;
	A->item_last = k;
}

/* Binds v to every use of the named parameter (":as_of"). */
static void bind_i64(pirx_stmt *st, const char *name, int64_t v)
{
	int n = pirx_stmt_param_count(st);

	for (int i = 1; i <= n; i++) {
		const char *p = pirx_stmt_param_name(st, i);
		if (p && strcmp(p + 1, name) == 0)
			pirx_stmt_bind_int64(st, i, v);
	}
}

static double rate(long num, long den)
{
	return den > 0 ? (double)num / (double)den : NAN;
}

/* Opens dir/name and writes its header row. */
static int open_csv(const struct pirx_report_ctx *ctx, const char *name, const char *header,
		    pirx_csvw **w, struct pirx_err *err)
{
	char *path = pirx_fs_join(ctx->dir, name);
	int rc = pirx_csvw_open(path, w, err);

	free(path);
	if (rc == 0)
		pirx_csvw_header(*w, header);
	return rc;
}

/* Closes w, keeping the first error. */
static int close_csv(pirx_csvw *w, int rc, struct pirx_err *err)
{
	if (pirx_csvw_close(w, rc ? NULL : err) != 0 && rc == 0)
		rc = PIRX_EIO;
	return rc;
}

/* 1 when the load found action_items.csv with at least one row. */
static int have_items_file(pirx_db *db, int *have, struct pirx_err *err)
{
	pirx_stmt *st = NULL;
	int rc, step;

	*have = 0;
	if ((rc = pirx_db_prepare(db, "corpus_files", &st, err)))
		return rc;
	while ((step = pirx_stmt_step(st, err)) == 1)
		if (strcmp(pirx_stmt_text(st, 0), "action_items.csv") == 0 && pirx_stmt_int64(st, 1) > 0)
			*have = 1;
	pirx_stmt_finalize(st);
	return step < 0 ? step : 0;
}

/* ---- the pass over the items ----------------------------------------- */

/*
 * Reads one row of actions_items. A known completed_at decides: done when
 * before as-of, open otherwise. Without one the status decides, and a done
 * item then has no completion time (it counts as completed, but in no
 * duration, on-time figure or curve).
 */
static void read_item(pirx_stmt *st, int64_t as_of, struct item *it)
{
	int status = (int)pirx_stmt_int64(st, 4);

	it->created = pirx_stmt_int64(st, 0);
	it->has_due = !pirx_stmt_is_null(st, 1);
	it->due = it->has_due ? pirx_stmt_int64(st, 1) : 0;
	it->group = G_MUST + (int)pirx_stmt_int64(st, 3);
	it->has_time = 0;
	it->done = 0;
	if (!pirx_stmt_is_null(st, 2)) {
		it->done = pirx_stmt_int64(st, 2);
		it->has_time = it->done < as_of;
		it->outcome = it->has_time ? O_DONE : O_OPEN;
	} else {
		it->outcome = status == 2 ? O_CANCELLED : status == 1 ? O_DONE : O_OPEN;
	}
}

static void acc_add(struct acc *a, const struct item *it, int64_t as_of)
{
	a->created++;
	switch (it->outcome) {
	case O_CANCELLED:
		a->cancelled++;
		break;
	case O_DONE:
		a->completed++;
		if (it->has_time && it->done >= it->created) {
			if (a->ndays == a->cap) {
				a->cap = a->cap ? a->cap * 2 : 256;
				a->days = pirx_xreallocarray(a->days, a->cap, sizeof(*a->days));
			}
			a->days[a->ndays++] = (double)(it->done - it->created) / DAY;
		}
		if (it->has_time && it->has_due) {
			a->settled++;
			a->on_time += it->done <= it->due;
		}
		break;
	default:
		a->open++;
		if (it->has_due && it->due < as_of) {
			a->overdue++;
			a->settled++;
		}
		break;
	}
}

/* The accumulators of month m, made (zeroed) when new. */
static struct month_acc *month_at(struct actions *A, int m)
{
	size_t sz = sizeof(*A->mon);

	if (A->nmon == 0) {
		A->mon = pirx_xcalloc(1, sz);
		A->mon_first = m;
		A->nmon = 1;
	} else if (m < A->mon_first) {
		int add = A->mon_first - m;
		A->mon = pirx_xreallocarray(A->mon, (size_t)(A->nmon + add), sz);
		memmove(A->mon + add, A->mon, (size_t)A->nmon * sz);
		memset(A->mon, 0, (size_t)add * sz);
		A->nmon += add;
		A->mon_first = m;
	} else if (m >= A->mon_first + A->nmon) {
		int need = m - A->mon_first + 1;
		A->mon = pirx_xreallocarray(A->mon, (size_t)need, sz);
		memset(A->mon + A->nmon, 0, (size_t)(need - A->nmon) * sz);
		A->nmon = need;
	}
	return &A->mon[m - A->mon_first];
}

static uint64_t hash_name(const char *s)
{
	uint64_t h = 1469598103934665603u;   /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

static void teams_rehash(struct teams *T)
{
	free(T->slot);
	T->nslot = T->nslot ? T->nslot * 2 : 64;
	T->slot = pirx_xcalloc(T->nslot, sizeof(*T->slot));
	for (size_t i = 0; i < T->n; i++) {
		size_t j = (size_t)hash_name(T->team[i].name) & (T->nslot - 1);
		while (T->slot[j])
			j = (j + 1) & (T->nslot - 1);
		T->slot[j] = i + 1;
	}
}

/* The team named name (NULL: the unknown team), added when new. */
static struct team *teams_get(struct teams *T, const char *name)
{
	size_t j;

	if (!name)
		return &T->unknown;
	if (2 * (T->n + 1) > T->nslot)
		teams_rehash(T);
	j = (size_t)hash_name(name) & (T->nslot - 1);
	while (T->slot[j]) {
		struct team *t = &T->team[T->slot[j] - 1];
		if (strcmp(t->name, name) == 0)
			return t;
		j = (j + 1) & (T->nslot - 1);
	}
	if (T->n == T->cap) {
		T->cap = T->cap ? T->cap * 2 : 16;
		T->team = pirx_xreallocarray(T->team, T->cap, sizeof(*T->team));
	}
	memset(&T->team[T->n], 0, sizeof(T->team[T->n]));
	T->team[T->n].name = pirx_xstrdup(name);
	T->slot[j] = ++T->n;
	return &T->team[T->n - 1];
}

static void team_add(struct team *t, const struct item *it, int64_t as_of)
{
	t->created++;
	if (it->outcome == O_CANCELLED) {
		t->cancelled++;
	} else if (it->outcome == O_DONE) {
		t->completed++;
	} else {
		t->open++;
		if (it->has_due && it->due < as_of) {
			t->overdue++;
			t->must_overdue += it->group == G_MUST;
		}
	}
}

/* Makes room in the histograms for day. */
static void km_reserve(struct km *k, int64_t day)
{
	size_t old = k->cap;

	if ((size_t)day < k->cap)
		return;
	k->cap = k->cap ? k->cap : 64;
	while (k->cap <= (size_t)day)
		k->cap *= 2;
	k->ev = pirx_xreallocarray(k->ev, k->cap, sizeof(*k->ev));
	k->cens = pirx_xreallocarray(k->cens, k->cap, sizeof(*k->cens));
	memset(k->ev + old, 0, (k->cap - old) * sizeof(*k->ev));
	memset(k->cens + old, 0, (k->cap - old) * sizeof(*k->cens));
}

/* Adds an item to a curve: completions at the whole day reached (rounded
 * up), open items censored at the last whole day they were seen open. */
static void km_add(struct km *k, const struct item *it, int64_t as_of)
{
	int64_t day;

	if (it->outcome == O_CANCELLED)
		return;
	if (it->outcome == O_DONE && !it->has_time) {
		k->untimed++;
		return;
	}
	if (it->outcome == O_DONE) {
		if (it->done < it->created)
			return;   /* out of order: the duration is left out */
		day = (it->done - it->created + DAY - 1) / DAY;
		km_reserve(k, day);
		k->ev[day]++;
		k->done++;
	} else {
		day = (as_of - it->created) / DAY;
		km_reserve(k, day);
		k->cens[day]++;
	}
	k->items++;
	if (day > k->last_day)
		k->last_day = (int)day;
}

/*
 * The Kaplan-Meier table: a row at day 0, at every day with completions
 * and at the last day observed. `censored` on a row counts the items whose
 * follow-up ends from that day up to the next row, so that each row's
 * at_risk is the previous one's minus its completed and censored. Ties:
 * items censored on a day are still at risk on that day. Greenwood's
 * variance, S^2 * sum d / (n (n - d)); zero once S reaches 0.
 */
static void km_build(struct km *k)
{
	long n = k->items;
	double s = 1.0, g = 0.0;

	k->nrows = 0;
	if (k->items == 0)
		return;
	k->rows = pirx_xreallocarray(k->rows, (size_t)k->last_day + 2, sizeof(*k->rows));
	for (int d = 0; d <= k->last_day; d++) {
		long dd = k->ev[d];
		if (d == 0 || dd > 0 || d == k->last_day) {
			struct km_row *r = &k->rows[k->nrows++];
			if (dd > 0) {
				s *= 1.0 - (double)dd / (double)n;
				if (n > dd)
					g += (double)dd / ((double)n * (double)(n - dd));
			}
			r->day = d;
			r->at_risk = n;
			r->completed = dd;
			r->censored = 0;
			r->surv = s;
			r->se = s > 0 ? s * sqrt(g) : 0.0;
		}
		k->rows[k->nrows - 1].censored += k->cens[d];
		n -= dd + k->cens[d];
	}
}

/* S(t) for whole days t: NaN past the follow-up unless the curve reached 0. */
static double km_surv_at(const struct km *k, int t)
{
	double s = 1.0;

	if (k->nrows == 0)
		return NAN;
	for (size_t i = 0; i < k->nrows && k->rows[i].day <= t; i++)
		s = k->rows[i].surv;
	if (t > k->last_day && s > 0)
		return NAN;
	return s;
}

/*
 * The KM median: the first day S falls to 0.5 or below; when S is exactly
 * 0.5 there, the midpoint to the next completion day (so that with nothing
 * censored it is the ordinary median). NaN when S never reaches 0.5. Its
 * 95% interval (Brookmeyer-Crowley with Greenwood's variance, the plain
 * band): the days t with |S(t) - 0.5| <= z se(t), from the first day the
 * band's lower edge reaches 0.5 to the first day its upper edge falls below
 * it (NaN when it never does).
 */
static void km_median(const struct km *k, double *med, double *lo, double *hi)
{
	*med = *lo = *hi = NAN;
	for (size_t i = 0; i < k->nrows; i++) {
		const struct km_row *r = &k->rows[i];
		if (isnan(*med) && r->surv <= 0.5 + 1e-12) {
			*med = r->day;
			if (fabs(r->surv - 0.5) <= 1e-12) {
				for (size_t j = i + 1; j < k->nrows; j++)
					if (k->rows[j].completed > 0) {
						*med = (r->day + k->rows[j].day) / 2.0;
						break;
					}
			}
		}
		if (isnan(*lo) && r->surv - Z95 * r->se <= 0.5 + 1e-12)
			*lo = r->day;
		if (isnan(*hi) && r->surv + Z95 * r->se < 0.5 - 1e-12)
			*hi = r->day;
	}
}

/* Writes the monthly rows of month m from its accumulators, then frees them. */
static void flush_month(struct actions *A, pirx_csvw *w, int m)
{
	int off = m - A->first_month;

	for (int g = 0; g < NGROUP; g++) {
		struct acc *a = &A->mon[m - A->mon_first].g[g];
		if (g < NROWGROUPS && a->created > 0) {
			pirx_stats_sort(a->days, a->ndays);
			pirx_csvw_month(w, m);
			pirx_csvw_text(w, group_name[g]);
			pirx_csvw_int(w, a->created);
			pirx_csvw_int(w, a->completed);
			pirx_csvw_fixed(w, rate(a->completed, a->created - a->cancelled), 4);
			pirx_csvw_fixed(w, rate(a->on_time, a->settled), 4);
			pirx_csvw_fixed(w, pirx_stats_median_sorted(a->days, a->ndays), 2);
			pirx_csvw_int(w, a->open);
			pirx_csvw_int(w, a->overdue);
			pirx_csvw_int(w, a->cancelled);
			pirx_csvw_int(w, a->settled);
			pirx_csvw_end_row(w);
			A->rate[(size_t)off * NROWGROUPS + (size_t)g] =
				rate(a->completed, a->created - a->cancelled);
		}
		A->overdue[(size_t)off * NGROUP + (size_t)g] = a->overdue;
		free(a->days);
		a->days = NULL;
	}
}

/* Sizes the per-month arrays once the first item is known. */
static void start(struct actions *A)
{
	const struct pirx_report_ctx *ctx = A->ctx;

	A->first_month = pirx_month_of(A->first_created);
	A->nmonths = ctx->month - A->first_month + 1;
	A->rate = pirx_xcalloc((size_t)A->nmonths * NROWGROUPS, sizeof(*A->rate));
	for (size_t i = 0; i < (size_t)A->nmonths * NROWGROUPS; i++)
		A->rate[i] = NAN;
	A->overdue = pirx_xcalloc((size_t)A->nmonths * NGROUP, sizeof(*A->overdue));
}

/* Text cells of a query row kept for later, in an arena: each a length
 * (CELL_NULL: SQL NULL), its bytes and a NUL. Returns where they begin. */
#define CELL_NULL UINT32_MAX

static size_t cells_keep(struct pirx_buf *b, pirx_stmt *st, int col, int n)
{
	size_t at = b->len;

	for (int c = col; c < col + n; c++) {
		const char *text = pirx_stmt_is_null(st, c) ? NULL : pirx_stmt_text(st, c);
		uint32_t len = text ? (uint32_t)pirx_stmt_bytes(st, c) : CELL_NULL;
		pirx_buf_append(b, (const char *)&len, sizeof(len));
		if (text)
			pirx_buf_append(b, text, (size_t)len + 1);
	}
	return at;
}

/* The cell at *p, which moves past it: its bytes (NULL for SQL NULL). */
static const char *cells_next(const char **p, uint32_t *len)
{
	const char *text;

	memcpy(len, *p, sizeof(*len));
	*p += sizeof(*len);
	if (*len == CELL_NULL)
		return NULL;
	text = *p;
	*p += *len + 1;
	return text;
}

/* Writes the cell at *p (an empty cell for SQL NULL), moving past it. */
static void cell_write(pirx_csvw *w, const char **p)
{
	uint32_t len;
	const char *text = cells_next(p, &len);

	if (text)
		pirx_csvw_textn(w, text, len);
	else
		pirx_csvw_empty(w);
}

/* Keeps the current row as an overdue item. */
static void keep_overdue(struct actions *A, pirx_stmt *st, const struct item *it)
{
	struct overdue *o;

	if (A->nod == A->od_cap) {
		A->od_cap = A->od_cap ? A->od_cap * 2 : 256;
		A->od = pirx_xreallocarray(A->od, A->od_cap, sizeof(*A->od));
	}
	o = &A->od[A->nod++];
	o->due = it->due;
	o->created = it->created;
	o->prio = it->group - G_MUST;
	o->cells = cells_keep(&A->cells, st, 5, 6);
	o->id = NULL;
	o->id_len = 0;
}

static const char monthly_header[] =
	"month,priority,created,completed,completion_rate,on_time_rate,"
	"median_days_to_complete,open,overdue,cancelled,due_settled";

/* action_items_monthly.csv, and the curves' histograms, in one pass. */
static int pass_items(struct actions *A, int have, struct pirx_err *err)
{
	const struct pirx_report_ctx *ctx = A->ctx;
	pirx_stmt *st = NULL;
	pirx_csvw *w = NULL;
	struct item it;
	int rc, step = 0, month = -1;

	if ((rc = open_csv(ctx, "action_items_monthly.csv", monthly_header, &w, err)))
		goto out;
	if (!have)
		goto out;
	if ((rc = pirx_db_prepare(ctx->db, "actions_items", &st, err)))
		goto out;
	bind_i64(st, "as_of", ctx->as_of);
	while ((step = pirx_stmt_step(st, err)) == 1) {
		struct month_acc *mon;
		read_item(st, ctx->as_of, &it);
		mon = month_at(A, pirx_month_of(it.created));
		if (A->items++ == 0 || it.created < A->first_created)
			A->first_created = it.created;
		count_item(A, pirx_stmt_text(st, 6), pirx_stmt_bytes(st, 6));
		acc_add(&mon->g[G_ALL], &it, ctx->as_of);
		acc_add(&mon->g[it.group], &it, ctx->as_of);
		if (it.created >= A->window_from)
			team_add(teams_get(&A->teams, pirx_stmt_is_null(st, 9) ? NULL
					   : pirx_stmt_text(st, 9)), &it, ctx->as_of);
		km_add(&A->km[G_ALL], &it, ctx->as_of);
		if (it.group < NROWGROUPS)
			km_add(&A->km[it.group], &it, ctx->as_of);
		if (it.outcome == O_OPEN && it.has_due && it.due < ctx->as_of)
			keep_overdue(A, st, &it);
	}
	if (step < 0) {
		rc = step;
		goto out;
	}
	if (A->items)
		start(A);
	for (month = A->mon_first; month < A->mon_first + A->nmon; month++)
		if (A->mon[month - A->mon_first].g[G_ALL].created > 0)
			flush_month(A, w, month);
out:
	rc = close_csv(w, rc, err);
	pirx_stmt_finalize(st);
	return rc;
}

/* The day of the k-th (1-based) earliest completion of a curve. */
static int hist_kth(const struct km *k, long kth)
{
	long seen = 0;

	for (int d = 0; d <= k->last_day; d++) {
		seen += k->ev[d];
		if (seen >= kth)
			return d;
	}
	return k->last_day;
}

/* action_survival.csv and action_completion_summary.csv. */
static int write_survival(struct actions *A, struct pirx_err *err)
{
	const struct pirx_report_ctx *ctx = A->ctx;
	pirx_csvw *w = NULL, *s = NULL;
	int rc;

	if ((rc = open_csv(ctx, "action_survival.csv",
			   "priority,days,remaining,at_risk,completed,censored,ci95_low,ci95_high",
			   &w, err)))
		goto out;
	if ((rc = open_csv(ctx, "action_completion_summary.csv",
			   "priority,items,completed,km_median_days,km_median_ci95_low,"
			   "km_median_ci95_high,done_within_30d,done_within_60d,done_within_90d,"
			   "open,completed_median_days,completed_no_time",
			   &s, err)))
		goto out;
	for (int g = 0; g < NROWGROUPS; g++) {
		struct km *k = &A->km[g];
		double med, lo, hi, plain;
		int untimed_only;
		km_build(k);
		if (k->items == 0 && k->untimed == 0)
			continue;
		for (size_t i = 0; i < k->nrows; i++) {
			const struct km_row *r = &k->rows[i];
			pirx_csvw_text(w, group_name[g]);
			pirx_csvw_int(w, r->day);
			pirx_csvw_fixed(w, r->surv, 4);
			pirx_csvw_int(w, r->at_risk);
			pirx_csvw_int(w, r->completed);
			pirx_csvw_int(w, r->censored);
			pirx_csvw_fixed(w, fmax(0.0, r->surv - Z95 * r->se), 4);
			pirx_csvw_fixed(w, fmin(1.0, r->surv + Z95 * r->se), 4);
			pirx_csvw_end_row(w);
		}
		km_median(k, &med, &lo, &hi);
		/* Completions only without times: the curve would be the open items alone. */
		untimed_only = k->done == 0 && k->untimed > 0;
		/* The plain median of the completion days, for contrast. */
		plain = k->done == 0 ? NAN : k->done % 2 ? hist_kth(k, (k->done + 1) / 2)
			: (hist_kth(k, k->done / 2) + hist_kth(k, k->done / 2 + 1)) / 2.0;
		pirx_csvw_text(s, group_name[g]);
		pirx_csvw_int(s, k->items);
		pirx_csvw_int(s, k->done);
		pirx_csvw_fixed(s, untimed_only ? NAN : med, 2);
		pirx_csvw_fixed(s, untimed_only ? NAN : lo, 2);
		pirx_csvw_fixed(s, untimed_only ? NAN : hi, 2);
		for (int t = 30; t <= 90; t += 30)
			pirx_csvw_fixed(s, untimed_only ? NAN : 1.0 - km_surv_at(k, t), 4);
		pirx_csvw_int(s, k->items - k->done);
		pirx_csvw_fixed(s, plain, 2);
		pirx_csvw_int(s, k->untimed);
		pirx_csvw_end_row(s);
	}
out:
	rc = close_csv(w, rc, err);
	rc = close_csv(s, rc, err);
	return rc;
}

/* An owner and the number of its pseudonym. */
struct owner {
	char *name;
	size_t n;
};

struct owners {
	struct owner *v;          /* sorted by name for bsearch */
	size_t len;
};

static int cmp_owner(const void *a, const void *b)
{
	return strcmp(((const struct owner *)a)->name, ((const struct owner *)b)->name);
}

/*
 * --anonymize-responders: owners are people too. Each gets "owner-NNN",
 * numbered by first item (queries/actions_owners.sql), a numbering of its
 * own: an owner's pseudonym does not tell which responder they are.
 */
static int owners_load(const struct pirx_report_ctx *ctx, struct owners *o,
		       struct pirx_err *err)
{
	pirx_stmt *st = NULL;
	size_t cap = 0;
	int rc, step;

	memset(o, 0, sizeof(*o));
	if ((rc = pirx_db_prepare(ctx->db, "actions_owners", &st, err)))
		return rc;
	while ((step = pirx_stmt_step(st, err)) == 1) {
		if (o->len == cap) {
			cap = cap ? 2 * cap : 64;
			o->v = pirx_xreallocarray(o->v, cap, sizeof(*o->v));
		}
		o->v[o->len].name = pirx_xstrdup(pirx_stmt_text(st, 0));
		o->v[o->len].n = o->len + 1;    /* rows come in order of first item */
		o->len++;
	}
	pirx_stmt_finalize(st);
	if (step < 0)
		return step;
	qsort(o->v, o->len, sizeof(*o->v), cmp_owner);
	return 0;
}

static void owners_release(struct owners *o)
{
	for (size_t i = 0; i < o->len; i++)
		free(o->v[i].name);
	free(o->v);
}

/* Writes the owner's pseudonym, or an empty cell for no owner. */
static void owner_cell(pirx_csvw *w, const struct owners *o, const char *name)
{
	struct owner key = {(char *)name, 0}, *hit;
	char label[32];

	hit = o->len ? bsearch(&key, o->v, o->len, sizeof(*o->v), cmp_owner) : NULL;
	if (!hit) {
		pirx_csvw_empty(w);
		return;
	}
	snprintf(label, sizeof(label), "owner-%03zu", hit->n);
	pirx_csvw_text(w, label);
}

/* Most urgent first: priority, then the longest overdue, then id (bytes,
 * as SQLite's BINARY collation orders them). */
static int cmp_overdue(const void *x, const void *y)
{
	const struct overdue *a = x, *b = y;
	int c;

	if (a->prio != b->prio)
		return a->prio < b->prio ? -1 : 1;
	if (a->due != b->due)
		return a->due < b->due ? -1 : 1;
	c = memcmp(a->id, b->id, a->id_len < b->id_len ? a->id_len : b->id_len);
	return c ? c : (a->id_len > b->id_len) - (a->id_len < b->id_len);
}

/* Priority in the top bits, the due instant after the earliest below
 * (capped: a cap only makes ties, which cmp_overdue orders). */
static uint64_t overdue_key(const void *x, const void *arg)
{
	const struct overdue *o = x;
	uint64_t since = (uint64_t)o->due - (uint64_t)*(const int64_t *)arg;
	uint64_t cap = (UINT64_C(1) << 61) - 1;

	return (uint64_t)o->prio << 61 | (since < cap ? since : cap);
}

/* overdue_actions.csv: the overdue items pass_items kept, most urgent
 * first; days overdue, 1 decimal. */
static int write_overdue(struct actions *A, int have, struct pirx_err *err)
{
	const struct pirx_report_ctx *ctx = A->ctx;
	struct owners owners = {0};
	pirx_csvw *w = NULL;
	int64_t earliest = INT64_MAX;
	long must_fix = 0;
	int rc;

	if ((rc = open_csv(ctx, "overdue_actions.csv",
			   "id,incident_id,title,owner,team,priority,due_at,days_overdue,created_at",
			   &w, err)))
		goto out;
	if (!have)
		goto out;
	if (ctx->anonymize && (rc = owners_load(ctx, &owners, err)))
		goto out;
	for (size_t i = 0; i < A->nod; i++) {
		const char *p = A->cells.data + A->od[i].cells;
		A->od[i].id = cells_next(&p, &A->od[i].id_len);
		earliest = A->od[i].due < earliest ? A->od[i].due : earliest;
	}
	pirx_sort_by_key(A->od, A->nod, sizeof(*A->od), overdue_key, &earliest, cmp_overdue);
	for (size_t i = 0; i < A->nod; i++) {
		const struct overdue *o = &A->od[i];
		const char *p = A->cells.data + o->cells;
		for (int c = 0; c < 6; c++) {
			if (c == 3 && ctx->anonymize) {
				uint32_t len;
				const char *text = cells_next(&p, &len);
				owner_cell(w, &owners, text ? text : "");
			} else {
				cell_write(w, &p);
			}
		}
		pirx_csvw_time(w, o->due);
		pirx_csvw_fixed(w, (double)(ctx->as_of - o->due) / DAY, 1);
		pirx_csvw_time(w, o->created);
		pirx_csvw_end_row(w);
		must_fix += o->prio == 0;
	}
out:
	rc = close_csv(w, rc, err);
	owners_release(&owners);
	/* The list's totals, for render (which shows ten rows). */
	if (rc == 0 && (rc = pirx_report_meta_add(ctx, "overdue_actions_rows",
						  have ? (long)A->nod : 0, err)) == 0)
		rc = pirx_report_meta_add(ctx, "overdue_actions_must_fix", must_fix, err);
	return rc;
}

static int cmp_team(const void *a, const void *b)
{
	return strcmp(((const struct team *)a)->name, ((const struct team *)b)->name);
}

static void team_row(pirx_csvw *w, const struct team *t)
{
	if (t->name)
		pirx_csvw_text(w, t->name);
	else
		pirx_csvw_empty(w);
	pirx_csvw_int(w, t->created);
	pirx_csvw_int(w, t->completed);
	pirx_csvw_fixed(w, rate(t->completed, t->created - t->cancelled), 4);
	pirx_csvw_int(w, t->overdue);
	pirx_csvw_int(w, t->must_overdue);
	pirx_csvw_int(w, t->cancelled);
	pirx_csvw_int(w, t->open);
	pirx_csvw_end_row(w);
}

/* action_items_by_team.csv over the window: by team name, unknown last. */
static int write_teams(struct actions *A, struct pirx_err *err)
{
	pirx_csvw *w = NULL;
	int rc;

	if ((rc = open_csv(A->ctx, "action_items_by_team.csv",
			   "team,created,completed,completion_rate,overdue,must_fix_overdue,"
			   "cancelled,open",
			   &w, err)))
		goto out;
	if (A->teams.n)
		qsort(A->teams.team, A->teams.n, sizeof(*A->teams.team), cmp_team);
	for (size_t i = 0; i < A->teams.n; i++)
		team_row(w, &A->teams.team[i]);
	if (A->teams.unknown.created)
		team_row(w, &A->teams.unknown);
out:
	return close_csv(w, rc, err);
}

/* ---- review timeliness ------------------------------------------------ */

/* A review with more than five items, its text kept in an arena. */
struct large {
	long items;
	int64_t started, review;
	size_t seq;                /* order of the query: start, then id */
	size_t cells;              /* id, team, title in the arena (cells_keep) */
};

struct rev_month {
	long incidents, resolved, reviewed, over5;
	double *days, *items;     /* reused from month to month */
	size_t ndays, nitems, cap;
	struct large *large;      /* large reviews of the window */
	size_t nlarge, large_cap;
	struct pirx_buf text;
};

static void rev_flush(struct rev_month *r, pirx_csvw *w, int m, int have)
{
	pirx_stats_sort(r->days, r->ndays);
	pirx_stats_sort(r->items, r->nitems);
	pirx_csvw_month(w, m);
	pirx_csvw_int(w, r->resolved);
	pirx_csvw_int(w, r->reviewed);
	pirx_csvw_fixed(w, pirx_stats_median_sorted(r->days, r->ndays), 2);
	if (have) {
		pirx_csvw_fixed(w, pirx_stats_median_sorted(r->items, r->nitems), 1);
		pirx_csvw_int(w, r->over5);
	} else {
		pirx_csvw_empty(w);
		pirx_csvw_empty(w);
	}
	pirx_csvw_int(w, r->incidents);
	pirx_csvw_end_row(w);
	r->incidents = r->resolved = r->reviewed = r->over5 = 0;
	r->ndays = r->nitems = 0;
}

/* Keeps the current row of reviews_incidents as a large review; its seq
 * is set when the rows are walked in order. Returns its index. */
static long keep_large(struct rev_month *r, pirx_stmt *st, long items)
{
	struct large *l;

	if (r->nlarge == r->large_cap) {
		r->large_cap = r->large_cap ? r->large_cap * 2 : 64;
		r->large = pirx_xreallocarray(r->large, r->large_cap, sizeof(*r->large));
	}
	l = &r->large[r->nlarge];
	l->items = items;
	l->started = pirx_stmt_int64(st, 0);
	l->review = pirx_stmt_int64(st, 2);
	l->seq = 0;
	l->cells = cells_keep(&r->text, st, 3, 3);
	return (long)r->nlarge++;
}

/* An incident of reviews_incidents, read whole before the rows are put in
 * report order (pirx_incident_order_sort). */
struct review_row {
	int64_t started, resolved, review;
	long items;
	long large;                /* its entry in r->large, or -1 */
	unsigned char has_resolved, has_review;
};

static int cmp_large(const void *a, const void *b)
{
	const struct large *x = a, *y = b;

	if (x->items != y->items)
		return x->items > y->items ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* large_reviews.csv: largest first, then in order of start and id. */
static int write_large(struct actions *A, struct rev_month *r, struct pirx_err *err)
{
	pirx_csvw *w = NULL;
	int rc;

	if ((rc = open_csv(A->ctx, "large_reviews.csv", "incident_id,items,month,review_at,team,title",
			   &w, err)))
		goto out;
	if (r->nlarge)
		qsort(r->large, r->nlarge, sizeof(*r->large), cmp_large);
	for (size_t i = 0; i < r->nlarge; i++) {
		const struct large *l = &r->large[i];
		const char *p = r->text.data + l->cells;
		for (int c = 0; c < 3; c++) {
			if (c == 1) {
				pirx_csvw_int(w, l->items);
				pirx_csvw_month(w, pirx_month_of(l->started));
				pirx_csvw_time(w, l->review);
			}
			cell_write(w, &p);
		}
		pirx_csvw_end_row(w);
	}
out:
	return close_csv(w, rc, err);
}

/*
 * reviews_monthly.csv, per month of started_at, and large_reviews.csv from
 * the same pass. Without action items in the corpus the two item columns
 * are empty (not zero: unknown).
 */
static int write_reviews(struct actions *A, int have, struct pirx_err *err)
{
	const struct pirx_report_ctx *ctx = A->ctx;
	struct rev_month r;
	struct review_row *rows = NULL;
	struct pirx_incident_order order;
	pirx_stmt *st = NULL;
	pirx_csvw *w = NULL;
	size_t nrows = 0, cap = 0, seq = 0;
	int rc, step, month = -1;
	long hint = -1;

	memset(&r, 0, sizeof(r));
	pirx_buf_init(&r.text);
	pirx_incident_order_init(&order);
	if ((rc = open_csv(ctx, "reviews_monthly.csv",
			   "month,resolved,reviewed,median_days_to_review,median_items_per_review,"
			   "reviews_over_5_items,incidents",
			   &w, err)))
		goto out;
	if ((rc = pirx_db_prepare(ctx->db, "reviews_incidents", &st, err)))
		goto out;
	bind_i64(st, "as_of", ctx->as_of);
	while ((step = pirx_stmt_step(st, err)) == 1) {
		struct review_row *row;
		if (nrows == cap) {
			cap = cap ? cap * 2 : 1024;
			rows = pirx_xreallocarray(rows, cap, sizeof(*rows));
		}
		row = &rows[nrows];
		row->started = pirx_stmt_int64(st, 0);
		row->has_resolved = !pirx_stmt_is_null(st, 1);
		row->resolved = pirx_stmt_int64(st, 1);
		row->has_review = !pirx_stmt_is_null(st, 2);
		row->review = pirx_stmt_int64(st, 2);
		row->items = 0;
		if (A->item_incidents) {
			/* Incidents come in the order their items were counted. */
			long k = pirx_strtab_find_near(A->item_incidents, pirx_stmt_text(st, 3),
						       pirx_stmt_bytes(st, 3), hint);
			row->items = k >= 0 ? A->item_count[k] : 0;
			if (k >= 0)
				hint = k;
		}
		row->large = -1;
		if (have && row->has_review && row->review < ctx->as_of &&
		    row->items > LARGE_REVIEW && row->started >= A->window_from)
			row->large = keep_large(&r, st, row->items);
		pirx_incident_order_add(&order, row->started, pirx_stmt_text(st, 3),
					(size_t)pirx_stmt_bytes(st, 3), nrows);
		nrows++;
	}
	if (step < 0) {
		rc = step;
		goto out;
	}
	pirx_incident_order_sort(&order);
	for (size_t k = 0; k < nrows; k++) {
		const struct review_row *row = &rows[order.k[k].at];
		int m = pirx_month_of(row->started);
		int resolved = row->has_resolved && row->resolved < ctx->as_of;
		int reviewed = row->has_review && row->review < ctx->as_of;
		long items = row->items;

		if (m != month) {
			if (month >= 0)
				rev_flush(&r, w, month, have);
			month = m;
		}
		if (r.nitems == r.cap) {
			r.cap = r.cap ? r.cap * 2 : 256;
			r.days = pirx_xreallocarray(r.days, r.cap, sizeof(*r.days));
			r.items = pirx_xreallocarray(r.items, r.cap, sizeof(*r.items));
		}
		r.incidents++;
		r.resolved += resolved;
		if (!reviewed)
			continue;
		r.reviewed++;
		r.items[r.nitems++] = (double)items;
		r.over5 += items > LARGE_REVIEW;
		if (row->large >= 0)
			r.large[row->large].seq = seq++;
		if (resolved && row->review >= row->resolved)
			r.days[r.ndays++] = (double)(row->review - row->resolved) / DAY;
	}
	if (month >= 0)
		rev_flush(&r, w, month, have);
out:
	rc = close_csv(w, rc, err);
	pirx_stmt_finalize(st);
	if (rc == 0)
		rc = write_large(A, &r, err);
	free(r.days);
	free(r.items);
	free(r.large);
	pirx_buf_release(&r.text);
	free(rows);
	pirx_incident_order_release(&order);
	return rc;
}

/* ---- charts ----------------------------------------------------------- */

/* First month the monthly charts show: the window, or the first item's month. */
static int chart_from(const struct actions *A)
{
	return A->ctx->window_start > A->first_month ? A->ctx->window_start : A->first_month;
}

/* action_completion: monthly completion rate by priority, lines. */
static int chart_completion(const struct actions *A, struct pirx_err *err)
{
	pirx_plot *p = pirx_plot_new("action_completion", PIRX_PLOT_X_MONTH, NROWGROUPS);
	int rc;

	pirx_plot_title(p, "Action items completed, by month created and priority");
	pirx_plot_labels(p, "month created", "share completed (excluding cancelled)");
	pirx_plot_yrange(p, 0.0, 1.2);
	for (int g = 0; g < NROWGROUPS; g++)
		pirx_plot_column(p, g + 1, group_name[g]);
	for (int m = chart_from(A); m <= A->ctx->month; m++) {
		pirx_plot_row_month(p, m);
		for (int g = 0; g < NROWGROUPS; g++)
			pirx_plot_value(p, A->rate[(size_t)(m - A->first_month) * NROWGROUPS + (size_t)g]);
	}
	for (int g = 0; g < NROWGROUPS; g++)
		pirx_plot_series(p, PIRX_PLOT_LINEPOINTS, g + 1, 0, 0);
	rc = pirx_plot_write(p, A->ctx->charts_dir, A->ctx->charts, err);
	pirx_plot_free(p);
	return rc;
}

/*
 * action_overdue: items overdue at as-of by month created and priority,
 * stacked; months before the window are summed into one first bar.
 */
static int chart_overdue(const struct actions *A, struct pirx_err *err)
{
	int from = chart_from(A), ncols = NGROUP - 1, rc;
	long before[NGROUP] = {0}, unknown = 0, top = 0, sum_before = 0;
	pirx_plot *p;
	char label[64], mon[PIRX_MONTH_STRLEN];

	for (int off = 0; off < A->nmonths; off++) {
		unknown += A->overdue[(size_t)off * NGROUP + G_UNKNOWN];
		if (A->first_month + off < from)
			for (int g = 0; g < NGROUP; g++)
				before[g] += A->overdue[(size_t)off * NGROUP + (size_t)g];
	}
	if (!unknown)
		ncols--;   /* no column for unknown priority when there is none */
	for (int off = 0; off < A->nmonths; off++) {
		long sum = 0;
		if (A->first_month + off < from)
			continue;
		for (int g = G_MUST; g < NGROUP; g++)
			sum += A->overdue[(size_t)off * NGROUP + (size_t)g];
		if (sum > top)
			top = sum;
	}
	for (int g = G_MUST; g < NGROUP; g++)
		sum_before += before[g];
	if (sum_before > top)
		top = sum_before;
	p = pirx_plot_new("action_overdue", PIRX_PLOT_X_LABEL, ncols);
	pirx_plot_title(p, "Open action items past their due date, by month created");
	pirx_plot_labels(p, "month created", "items overdue");
	pirx_plot_yrange(p, 0.0, top > 0 ? ceil((double)top * 1.2) : 1.0);   /* room for the key */
	for (int c = 0; c < ncols; c++)
		pirx_plot_column(p, c + 1, group_name[G_MUST + c]);
	if (from > A->first_month) {
		pirx_month_format(from, mon);
		snprintf(label, sizeof(label), "before %s", mon);
		pirx_plot_row_label(p, label);
		for (int c = 0; c < ncols; c++)
			pirx_plot_value(p, (double)before[G_MUST + c]);
	}
	for (int m = from; m <= A->ctx->month; m++) {
		pirx_month_format(m, mon);
		pirx_plot_row_label(p, mon);
		for (int c = 0; c < ncols; c++)
			pirx_plot_value(p, (double)A->overdue[(size_t)(m - A->first_month) * NGROUP +
							      (size_t)(G_MUST + c)]);
	}
	for (int c = 0; c < ncols; c++)
		pirx_plot_series(p, PIRX_PLOT_STACKED, c + 1, 0, 0);
	rc = pirx_plot_write(p, A->ctx->charts_dir, A->ctx->charts, err);
	pirx_plot_free(p);
	return rc;
}

/*
 * action_survival: the KM curves, share still open by days since creation,
 * over the first year; a curve stops where its follow-up ends.
 */
static int chart_survival(const struct actions *A, struct pirx_err *err)
{
	int cap = 0, rc;
	size_t next[NROWGROUPS] = {0};
	double cur[NROWGROUPS];
	pirx_plot *p;

	for (int g = 0; g < NROWGROUPS; g++) {
		cur[g] = 1.0;
		if (A->km[g].items > 0 && A->km[g].last_day > cap)
			cap = A->km[g].last_day;
	}
	if (cap > CHART_MAX_DAYS)
		cap = CHART_MAX_DAYS;
	p = pirx_plot_new("action_survival", PIRX_PLOT_X_NUMBER, NROWGROUPS);
	pirx_plot_title(p, "Action items still open, by days since created (Kaplan-Meier)");
	pirx_plot_labels(p, "days since created", "share still open");
	pirx_plot_yrange(p, 0.0, 1.25);
	for (int g = 0; g < NROWGROUPS; g++)
		pirx_plot_column(p, g + 1, group_name[g]);
	for (int d = 0; d <= cap; d++) {
		int change = d == 0 || d == cap;
		for (int g = 0; g < NROWGROUPS; g++) {
			const struct km *k = &A->km[g];
			if (next[g] < k->nrows && k->rows[next[g]].day == d) {
				cur[g] = k->rows[next[g]++].surv;
				change = 1;
			}
		}
		if (!change)
			continue;
		pirx_plot_row_number(p, d);
		for (int g = 0; g < NROWGROUPS; g++) {
			const struct km *k = &A->km[g];
			pirx_plot_value(p, k->items > 0 && (d <= k->last_day || cur[g] == 0) ? cur[g] : NAN);
		}
	}
	for (int g = 0; g < NROWGROUPS; g++)
		if (A->km[g].items > 0)
			pirx_plot_series(p, PIRX_PLOT_STEPS, g + 1, 0, 0);
	rc = pirx_plot_write(p, A->ctx->charts_dir, A->ctx->charts, err);
	pirx_plot_free(p);
	return rc;
}

int pirx_actions_run(const struct pirx_report_ctx *ctx, struct pirx_err *err)
{
	struct actions A;
	int have = 0, rc;

	memset(&A, 0, sizeof(A));
	A.ctx = ctx;
	A.first_month = -1;
	A.item_incidents = pirx_strtab_new();
	pirx_buf_init(&A.cells);
	A.window_from = pirx_month_start(ctx->window_start);
	for (int g = 0; g < NROWGROUPS; g++)
		A.km[g].last_day = -1;
	if ((rc = have_items_file(ctx->db, &have, err)))
		goto out;
	if ((rc = pass_items(&A, have, err)) || (rc = write_survival(&A, err)) ||
	    (rc = write_overdue(&A, have, err)) || (rc = write_teams(&A, err)) ||
	    (rc = write_reviews(&A, have, err)))
		goto out;
	if (A.items > 0 && ((rc = chart_completion(&A, err)) || (rc = chart_overdue(&A, err)) ||
			    (rc = chart_survival(&A, err))))
		goto out;
out:
	for (int m = 0; m < A.nmon; m++)
		for (int g = 0; g < NGROUP; g++)
			free(A.mon[m].g[g].days);
	free(A.mon);
	free(A.od);
	pirx_buf_release(&A.cells);
	for (int g = 0; g < NROWGROUPS; g++) {
		free(A.km[g].ev);
		free(A.km[g].cens);
		free(A.km[g].rows);
	}
	pirx_strtab_free(A.item_incidents);
	free(A.item_count);
	for (size_t i = 0; i < A.teams.n; i++)
		free(A.teams.team[i].name);
	free(A.teams.team);
	free(A.teams.slot);
	free(A.rate);
	free(A.overdue);
	return rc;
}
