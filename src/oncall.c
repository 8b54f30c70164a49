/*
 * oncall: responder load and burnout risk (SPEC sections 3 and 4; the
 * definitions and the rule are in docs/responder-load.md).
 *
 * Roster, engagements and pages, all in order of responder, are walked
 * together as a merge join: one responder at a time, engagements in order
 * of joining (merged into a union of intervals as they come) and pages in
 * time order. The roster comes ordered from its query; engagements (joined
 * to their incidents) and pages are read whole and ordered here
 * (read_activity): at 100k incidents that takes half the time of SQLite's
 * join and sort, and the load builds no index of pages for it.
 *
 * Each merged interval is cut at UTC month boundaries and at the
 * responder's local 08:00, 18:00, 22:00 and midnight (tzlocal.c does the
 * time-zone work through the system tz database), so hours are exact
 * across DST changes. Per-responder scratch (one cell per month,
 * incident-month pairs) is reused from responder to responder: nothing is
 * allocated per row of the walk.
 *
 * Scoring compares each responder's trailing 3-month totals with those of
 * every responder active in the same 3 months, by median and MAD (stats.c).
 * Writing the CSV files and the chart is pirx_oncall_run's; csvio.c and
 * plot.c own the formats.
 */
#include "pirx/oncall.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pirx/csvio.h"
#include "pirx/fsutil.h"
#include "pirx/mem.h"
#include "pirx/plot.h"
#include "pirx/report.h"
#include "pirx/sort.h"
#include "pirx/stats.h"
#include "pirx/textnorm.h"
#include "pirx/timefmt.h"
#include "pirx/tzlocal.h"

#define HOUR 3600
#define DAY_START (8 * HOUR)     /* 08:00: working day and sleep band edge */
#define DAY_END (18 * HOUR)      /* 18:00 */
#define SLEEP_START (22 * HOUR)  /* 22:00 */

/* Signals of the rule, their units and the absolute minimums (3 months). */
enum { SIG_INCIDENTS, SIG_OFFHOURS, SIG_SLEEP, NSIG };
static const double sig_min[NSIG] = {6.0, 12.0, 6.0};
/* Scale floor: at least this fraction of the median and this many units. */
#define SCALE_MEDIAN_FRACTION 0.25
static const double sig_unit[NSIG] = {1.0, 2.0, 1.0};

/* Growable arrays. */
#define GROW(arr, len, cap)                                                   \
	do {                                                                  \
		if ((len) == (cap)) {                                         \
			(cap) = (cap) ? (cap) * 2 : 64;                       \
			(arr) = pirx_xreallocarray((arr), (cap), sizeof(*(arr))); \
		}                                                             \
	} while (0)

#define NONE ((size_t)-1)

/* One month of one responder while it is being read. */
struct mcell {
	long incidents, pages, offhours_pages, sleep_pages;
	int64_t engaged_s, offhours_s;
	int sleep_run;
	size_t row;          /* its row, or NONE */
};

struct pair {
	int month;
	int64_t incident;
};

/* A responder's trailing 3-month totals at one month. */
struct window {
	int month;
	size_t responder;
	size_t row;          /* the responder's row in that month, or NONE */
	int64_t engaged_s, offhours_s;
	double x[NSIG];     /* distinct incidents, off-hours hours, sleep pages */
};

struct zone {
	char *name;
	pirx_tzlocal *tz;   /* NULL: unknown, counted as UTC */
	long responders;
};

/* A row stream over one query ordered by responder. */
struct stream {
	pirx_stmt *st;
	int live;            /* a row is ready */
};

/* One engagement, in the order the merge walks them: by responder (names
 * in byte order), joining time, incident, end (unknown first). 24 bytes:
 * a million incidents have 2.3 million of them. */
#define END_UNKNOWN INT64_MIN
struct eng {
	int64_t joined;
	int64_t end;         /* left_at, or the incident's resolved_at, or
				END_UNKNOWN: still engaged */
	int32_t who;         /* the responder's rank in that order */
	int32_t incident;    /* the incident's position in its table */
};

/* One page, in the order the merge walks them: by responder, then time. */
struct page {
	int64_t at;
	int32_t who;
};

struct state {
	pirx_db *db;
	int month;           /* report month */
	int64_t as_of;
	struct stream roster;
	struct eng *eng;     /* every engagement before as_of, in order */
	size_t neng, ieng;   /* ieng: the next to walk */
	struct page *pg;     /* every page before as_of, in order */
	size_t npg, ipg;
	const char **who;    /* responder names by rank */
	struct pirx_buf pool;  /* all strings, by offset until the end */
	/* Responders (string offsets until the end). */
	struct rec {
		size_t name, team, tz, label;  /* (size_t)-1: none */
		int zone_known, rostered;
		int64_t first_seen;
	} *resp;
	size_t nresp, capresp;
	struct pirx_oncall_row *rows;
	size_t nrows, caprows;
	struct zone *zones;
	size_t nzones, capzones;
	pirx_tzlocal *utc;
	/* Per-responder scratch. */
	struct mcell *cells;
	size_t capcells;
	int m0;
	struct pair *pairs;
	size_t npairs, cappairs;
	uint32_t *seen;      /* by incident position: the window that counted it */
	size_t nincidents;
	uint32_t stamp;      /* the current window's mark in seen */
	struct window *win;
	size_t nwin, capwin;
	struct pirx_buf cur;   /* the responder being read */
};


static size_t pool_add(struct pirx_buf *pool, const char *s)
{
	size_t off = pool->len;

	pirx_buf_append(pool, s, strlen(s) + 1);
	return off;
}

static int stream_step(struct stream *s, struct pirx_err *err)
{
	int rc = pirx_stmt_step(s->st, err);

	if (rc < 0)
		return rc;
	s->live = rc == 1;
	return 0;
}

static struct zone *zone_get(struct state *s, const char *name)
{
	struct zone *z;

	for (size_t i = 0; i < s->nzones; i++)
		if (strcmp(s->zones[i].name, name) == 0)
			return &s->zones[i];
	GROW(s->zones, s->nzones, s->capzones);
	z = &s->zones[s->nzones++];
	z->name = pirx_xstrdup(name);
	z->responders = 0;
	/* Offsets for the report's span; tzlocal grows it if data lies outside. */
	z->tz = pirx_tzlocal_new(name, pirx_month_start(s->month - 36), s->as_of);
	return z;
}

static struct mcell *cell_at(struct state *s, int64_t t)
{
	return &s->cells[pirx_month_of(t) - s->m0];
}

/* Adds the engaged interval [a, b) (a < b <= as_of) to the month cells. */
static void add_interval(struct state *s, pirx_tzlocal *tz, int64_t a, int64_t b)
{
	static const int bands[] = {8, 18, 22};
	int64_t t = a;

	while (t < b) {
		struct pirx_local_time lt;
		int m = pirx_month_of(t);
		int64_t u = pirx_tzlocal_piece(tz, t, bands, 3, &lt);
		int64_t mend = pirx_month_start(m + 1);
		struct mcell *c = &s->cells[m - s->m0];

		if (u > mend)
			u = mend;
		if (u > b)
			u = b;
		c->engaged_s += u - t;
		if (lt.wday == 0 || lt.wday == 6 || lt.sec_of_day < DAY_START ||
		    lt.sec_of_day >= DAY_END)
			c->offhours_s += u - t;
		t = u;
	}
}

static int cmp_pair(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;

	if (x->month != y->month)
		return x->month < y->month ? -1 : 1;
	return (x->incident > y->incident) - (x->incident < y->incident);
}

/* struct pair's order as one key (months and positions fit in 32 bits). */
static uint64_t pair_key(const void *x, const void *arg)
{
	const struct pair *p = x;

	(void)arg;
	return pirx_sort_key_i64((int64_t)p->month * (INT64_C(1) << 32) + p->incident);
}

/*
 * Appends the responder's trailing 3-month totals for every month whose
 * 3 months hold any of its activity (pairs sorted by month, incident).
 */
static void add_windows(struct state *s, size_t ri)
{
	size_t lo = 0, hi = 0;

	for (int m = s->m0; m <= s->month; m++) {
		struct window *e;
		int active = 0;

		for (int k = m - 2; k <= m; k++)
			if (k >= s->m0 && s->cells[k - s->m0].row != NONE)
				active = 1;
		while (lo < s->npairs && s->pairs[lo].month < m - 2)
			lo++;
		while (hi < s->npairs && s->pairs[hi].month <= m)
			hi++;
		if (!active)
			continue;
		GROW(s->win, s->nwin, s->capwin);
		e = &s->win[s->nwin++];
		memset(e, 0, sizeof(*e));
		e->month = m;
		e->responder = ri;
		e->row = s->cells[m - s->m0].row;
		for (int k = m - 2; k <= m; k++) {
			const struct mcell *c;
			if (k < s->m0)
				continue;
			c = &s->cells[k - s->m0];
			e->engaged_s += c->engaged_s;
			e->offhours_s += c->offhours_s;
			e->x[SIG_SLEEP] += (double)c->sleep_pages;
		}
		e->x[SIG_OFFHOURS] = (double)e->offhours_s / HOUR;
		/* Distinct incidents over the 3 months: each marked with the
		 * window's stamp when first counted. */
		if (++s->stamp == 0) {
			memset(s->seen, 0, s->nincidents * sizeof(*s->seen));
			s->stamp = 1;
		}
		for (size_t i = lo; i < hi; i++) {
			uint32_t *mark = &s->seen[s->pairs[i].incident];
			if (*mark != s->stamp) {
				*mark = s->stamp;
				e->x[SIG_INCIDENTS] += 1;
			}
		}
	}
}

/* Reads every row of the responder s->cur and appends its month rows. */
static int read_responder(struct state *s, struct pirx_err *err)
{
	const char *name = pirx_buf_str(&s->cur);
	struct rec *r;
	pirx_tzlocal *tz = s->utc;
	int64_t first = INT64_MAX, cs = 0, ce = 0, last_night = 0;
	int have = 0, run = 0, run_month = 0, rc;
	size_t ri;

	GROW(s->resp, s->nresp, s->capresp);
	ri = s->nresp++;
	r = &s->resp[ri];
	r->name = pool_add(&s->pool, name);
	r->team = r->tz = r->label = NONE;
	r->zone_known = 0;
	r->rostered = 0;

	/* Roster: skip entries of people with no data, take this one's. */
	while (s->roster.live && strcmp(pirx_stmt_text(s->roster.st, 0), name) < 0)
		if ((rc = stream_step(&s->roster, err)))
			return rc;
	if (s->roster.live && strcmp(pirx_stmt_text(s->roster.st, 0), name) == 0) {
		const char *team = pirx_stmt_text(s->roster.st, 1);
		const char *zn = pirx_stmt_text(s->roster.st, 2);

		r->rostered = 1;
		if (!pirx_stmt_is_null(s->roster.st, 1) && *team)
			r->team = pool_add(&s->pool, team);
		if (!pirx_stmt_is_null(s->roster.st, 2) && *zn) {
			struct zone *z;
			r->tz = pool_add(&s->pool, zn);
			z = zone_get(s, zn);
			z->responders++;
			if (z->tz) {
				tz = z->tz;
				r->zone_known = 1;
			}
		}
	}

	/* The first month with this responder's data sizes the scratch. */
	if (s->ieng < s->neng && strcmp(s->who[s->eng[s->ieng].who], name) == 0)
		first = s->eng[s->ieng].joined;
	if (s->ipg < s->npg && strcmp(s->who[s->pg[s->ipg].who], name) == 0 &&
	    s->pg[s->ipg].at < first)
		first = s->pg[s->ipg].at;
	r->first_seen = first;
	s->m0 = pirx_month_of(first);
	{
		size_t need = (size_t)(s->month - s->m0 + 1);
		if (need > s->capcells) {
			s->capcells = need;
			s->cells = pirx_xreallocarray(s->cells, need, sizeof(*s->cells));
		}
		memset(s->cells, 0, need * sizeof(*s->cells));
	}
	s->npairs = 0;

	/* Engagements, in order of joining: merged into a union as they come. */
	for (; s->ieng < s->neng && strcmp(s->who[s->eng[s->ieng].who], name) == 0; s->ieng++) {
		const struct eng *e = &s->eng[s->ieng];
		int64_t inc = e->incident;
		int64_t a = e->joined;
		int64_t b = e->end != END_UNKNOWN ? e->end : s->as_of;
		int ma, mb;

		if (b > s->as_of)
			b = s->as_of;
		/* The incident counts in every month its engagement touches; one
		 * that ends before it starts (kept out-of-order data) counts in
		 * the month of joining, with no hours. */
		ma = pirx_month_of(a);
		mb = b > a ? pirx_month_of(b - 1) : ma;
		for (int m = ma; m <= mb; m++) {
			GROW(s->pairs, s->npairs, s->cappairs);
			s->pairs[s->npairs].month = m;
			s->pairs[s->npairs].incident = inc;
			s->npairs++;
		}
		if (b > a) {
			if (have && a <= ce) {
				if (b > ce)
					ce = b;
			} else {
				if (have)
					add_interval(s, tz, cs, ce);
				cs = a;
				ce = b;
				have = 1;
			}
		}
	}
	if (have)
		add_interval(s, tz, cs, ce);
	pirx_sort_by_key(s->pairs, s->npairs, sizeof(*s->pairs), pair_key, NULL, cmp_pair);
	for (size_t i = 0; i < s->npairs; i++)
		if (i == 0 || cmp_pair(&s->pairs[i - 1], &s->pairs[i]) != 0)
			s->cells[s->pairs[i].month - s->m0].incidents++;

	/* Pages, in time order; sleep-hour nights make runs. */
	for (; s->ipg < s->npg && strcmp(s->who[s->pg[s->ipg].who], name) == 0; s->ipg++) {
		int64_t t = s->pg[s->ipg].at;
		struct pirx_local_time lt;
		struct mcell *c = cell_at(s, t);

		pirx_tzlocal_piece(tz, t, NULL, 0, &lt);
		c->pages++;
		if (lt.wday == 0 || lt.wday == 6 || lt.sec_of_day < DAY_START ||
		    lt.sec_of_day >= DAY_END)
			c->offhours_pages++;
		if (lt.sec_of_day >= SLEEP_START || lt.sec_of_day < DAY_START) {
			/* The night of a page after midnight began the day before. */
			int64_t night = lt.sec_of_day >= SLEEP_START ? lt.day : lt.day - 1;

			c->sleep_pages++;
			if (run && night <= last_night) {
				run_month = pirx_month_of(t);
			} else if (run && night == last_night + 1) {
				run++;
				last_night = night;
				run_month = pirx_month_of(t);
			} else {
				if (run && run > s->cells[run_month - s->m0].sleep_run)
					s->cells[run_month - s->m0].sleep_run = run;
				run = 1;
				last_night = night;
				run_month = pirx_month_of(t);
			}
		}
	}
	if (run && run > s->cells[run_month - s->m0].sleep_run)
		s->cells[run_month - s->m0].sleep_run = run;

	for (int m = s->m0; m <= s->month; m++) {
		struct mcell *c = &s->cells[m - s->m0];
		struct pirx_oncall_row *row;

		c->row = NONE;
		if (!c->incidents && !c->pages && !c->engaged_s)
			continue;
		GROW(s->rows, s->nrows, s->caprows);
		c->row = s->nrows;
		row = &s->rows[s->nrows++];
		memset(row, 0, sizeof(*row));
		row->month = m;
		row->responder = ri;
		row->incidents = c->incidents;
		row->engaged_s = c->engaged_s;
		row->offhours_s = c->offhours_s;
		row->pages = c->pages;
		row->offhours_pages = c->offhours_pages;
		row->sleep_pages = c->sleep_pages;
		row->sleep_run = c->sleep_run;
		row->load_score = NAN;
		row->reasons = NULL;
	}
	add_windows(s, ri);
	return 0;
}

/* ---- scoring -------------------------------------------------------- */

static int cmp_window(const void *a, const void *b)
{
	const struct window *x = a, *y = b;

	if (x->month != y->month)
		return x->month < y->month ? -1 : 1;
	return (x->responder > y->responder) - (x->responder < y->responder);
}

static void fmt_value(struct pirx_buf *b, int sig, double v, int first)
{
	switch (sig) {
	case SIG_INCIDENTS:
		pirx_buf_printf(b, "%.0f incident%s", v, first && v == 1 ? "" : "s");
		break;
	case SIG_OFFHOURS:
		pirx_buf_printf(b, "%.1f off-hours hours engaged", v);
		break;
	default:
		pirx_buf_printf(b, "%.0f sleep-hour page%s", v, first && v == 1 ? "" : "s");
		break;
	}
}

/*
 * Scores every row against the responders active in the same trailing 3
 * months (s->win, one entry per responder and month with activity in the
 * 3 months ending there). See docs/responder-load.md for the rule.
 */
static void score(struct state *s, struct pirx_buf *reasons, size_t **reason_off)
{
	struct window *w = s->win;
	size_t nw = s->nwin;
	double *v = pirx_xreallocarray(NULL, nw + 1, sizeof(*v));
	double *work = pirx_xreallocarray(NULL, nw + 1, sizeof(*work));
	size_t *roff = pirx_xcalloc(s->nrows + 1, sizeof(*roff));

	for (size_t i = 0; i < s->nrows; i++)
		roff[i] = NONE;
	if (nw)
		qsort(w, nw, sizeof(*w), cmp_window);
	for (size_t a = 0; a < nw;) {
		size_t b = a, n;
		double med[NSIG], scale[NSIG];

		while (b < nw && w[b].month == w[a].month)
			b++;
		n = b - a;
		for (int g = 0; g < NSIG; g++) {
			for (size_t k = 0; k < n; k++)
				v[k] = w[a + k].x[g];
			pirx_stats_sort(v, n);
			med[g] = pirx_stats_median_sorted(v, n);
			scale[g] = 1.4826 * pirx_stats_mad_sorted(v, n, work);
			if (scale[g] < SCALE_MEDIAN_FRACTION * med[g])
				scale[g] = SCALE_MEDIAN_FRACTION * med[g];
			if (scale[g] < sig_unit[g])
				scale[g] = sig_unit[g];
		}
		for (size_t k = a; k < b; k++) {
			struct pirx_oncall_row *row;
			double z[NSIG], sum = 0;
			int order[NSIG], nshow = 0, nhigh = 0;

			if (w[k].row == NONE)
				continue;
			row = &s->rows[w[k].row];
			row->incidents3 = (long)w[k].x[SIG_INCIDENTS];
			row->engaged3_s = w[k].engaged_s;
			row->offhours3_s = w[k].offhours_s;
			row->sleep3 = (long)w[k].x[SIG_SLEEP];
			if (n < PIRX_ONCALL_MIN_PEERS) {
				roff[w[k].row] = reasons->len;
				pirx_buf_printf(reasons, "only %zu responder%s active in these 3 months: "
						"too few to compare", n, n == 1 ? "" : "s");
				pirx_buf_append(reasons, "", 1);
				continue;
			}
			for (int g = 0; g < NSIG; g++) {
				z[g] = (w[k].x[g] - med[g]) / scale[g];
				if (z[g] > 0)
					sum += z[g];
				if (w[k].x[g] < sig_min[g] || z[g] < PIRX_ONCALL_Z_ELEVATED)
					continue;
				order[nshow++] = g;
				nhigh += z[g] >= PIRX_ONCALL_Z_HIGH;
			}
			row->load_score = round(sum * 100.0) / 100.0;
			/* Two signals well above: high; one well above, or two above: elevated. */
			row->risk = nhigh >= 2 ? PIRX_RISK_HIGH
				  : nhigh == 1 || nshow >= 2 ? PIRX_RISK_ELEVATED : PIRX_RISK_NORMAL;
			if (row->risk == PIRX_RISK_NORMAL)
				continue;
			/* Reasons, the strongest signal first. */
			for (int i = 1; i < nshow; i++)
				for (int j = i; j > 0 && z[order[j]] > z[order[j - 1]]; j--) {
					int t = order[j];
					order[j] = order[j - 1];
					order[j - 1] = t;
				}
			roff[w[k].row] = reasons->len;
			for (int i = 0; i < nshow; i++) {
				int g = order[i];
				pirx_buf_puts(reasons, i ? "; " : "");
				fmt_value(reasons, g, w[k].x[g], 1);
				pirx_buf_puts(reasons, i ? " (median " : " in 3 months (median ");
				pirx_buf_printf(reasons, g == SIG_OFFHOURS ? "%.1f)" : "%.0f)", med[g]);
			}
			pirx_buf_printf(reasons, ", compared with the %zu responders active in these months", n);
			pirx_buf_append(reasons, "", 1);
		}
		a = b;
	}
	free(v);
	free(work);
	*reason_off = roff;
}

/* ---- ordering and teams ------------------------------------------------ */

static const struct pirx_oncall *sort_o;
static const size_t *sort_rank;   /* label order of each responder */

static int cmp_row(const void *a, const void *b)
{
	const struct pirx_oncall_row *x = a, *y = b;

	if (x->month != y->month)
		return x->month < y->month ? -1 : 1;
	return (sort_rank[x->responder] > sort_rank[y->responder]) -
	       (sort_rank[x->responder] < sort_rank[y->responder]);
}

static int cmp_team(const char *a, const char *b)
{
	if (!a || !b)
		return (a == NULL) - (b == NULL);  /* unknown team last */
	return strcmp(a, b);
}

static int cmp_row_team(const void *a, const void *b)
{
	const struct pirx_oncall_row *x = *(const struct pirx_oncall_row *const *)a;
	const struct pirx_oncall_row *y = *(const struct pirx_oncall_row *const *)b;
	int c;

	if (x->month != y->month)
		return x->month < y->month ? -1 : 1;
	c = cmp_team(sort_o->responders[x->responder].team, sort_o->responders[y->responder].team);
	if (c)
		return c;
	return (sort_rank[x->responder] > sort_rank[y->responder]) -
	       (sort_rank[x->responder] < sort_rank[y->responder]);
}

static int cmp_first_seen(const void *a, const void *b)
{
	const struct pirx_oncall_responder *x = &sort_o->responders[*(const size_t *)a];
	const struct pirx_oncall_responder *y = &sort_o->responders[*(const size_t *)b];

	if (x->first_seen != y->first_seen)
		return x->first_seen < y->first_seen ? -1 : 1;
	return strcmp(x->name, y->name);
}

static void build_teams(struct pirx_oncall *o)
{
	const struct pirx_oncall_row **idx = pirx_xcalloc(o->nrows + 1, sizeof(*idx));
	size_t cap = 0;

	for (size_t i = 0; i < o->nrows; i++)
		idx[i] = &o->rows[i];
	if (o->nrows)
		qsort(idx, o->nrows, sizeof(*idx), cmp_row_team);
	for (size_t a = 0; a < o->nrows;) {
		const char *team = o->responders[idx[a]->responder].team;
		struct pirx_oncall_team *t;
		size_t b = a;
		int64_t most = -1;

		GROW(o->teams, o->nteams, cap);
		t = &o->teams[o->nteams++];
		memset(t, 0, sizeof(*t));
		t->month = idx[a]->month;
		t->team = team;
		t->busiest = NONE;
		t->sleep_run_who = NONE;
		while (b < o->nrows && idx[b]->month == t->month &&
		       cmp_team(o->responders[idx[b]->responder].team, team) == 0) {
			const struct pirx_oncall_row *r = idx[b];
			t->responders++;
			t->engaged_s += r->engaged_s;
			if (r->engaged_s > most) {
				most = r->engaged_s;
				t->busiest = r->responder;
			}
			if (r->sleep_run > t->sleep_run) {
				t->sleep_run = r->sleep_run;
				t->sleep_run_who = r->responder;
			}
			b++;
		}
		t->busiest_share = t->engaged_s > 0 ? (double)most / (double)t->engaged_s : NAN;
		a = b;
	}
	free(idx);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_eng(const void *x, const void *y)
{
	const struct eng *a = x, *b = y;

	if (a->who != b->who)
		return a->who < b->who ? -1 : 1;
	if (a->joined != b->joined)
		return a->joined < b->joined ? -1 : 1;
	if (a->incident != b->incident)
		return a->incident < b->incident ? -1 : 1;
	return (a->end > b->end) - (a->end < b->end);   /* END_UNKNOWN first */
}

static int cmp_page(const void *x, const void *y)
{
	const struct page *a = x, *b = y;

	if (a->who != b->who)
		return a->who < b->who ? -1 : 1;
	return (a->at > b->at) - (a->at < b->at);
}

/*
 * The sort keys of engagements and pages: the responder's rank in the high
 * bits, the time since the earliest in the low ones; when the ranks or the
 * span of times do not fit, the rank alone (the comparators then order
 * each responder's rows).
 */
struct rank_time {
	int64_t t0;
	int bits;            /* 0: the rank alone */
};

#define TIME_BITS 40     /* 34,000 years of seconds */

static void rank_time_bits(const struct state *s, long nnames, struct rank_time *k)
{
	int64_t lo = INT64_MAX, hi = INT64_MIN;

	for (size_t i = 0; i < s->neng; i++) {
		lo = s->eng[i].joined < lo ? s->eng[i].joined : lo;
		hi = s->eng[i].joined > hi ? s->eng[i].joined : hi;
	}
	for (size_t i = 0; i < s->npg; i++) {
		lo = s->pg[i].at < lo ? s->pg[i].at : lo;
		hi = s->pg[i].at > hi ? s->pg[i].at : hi;
	}
	k->t0 = lo;
	k->bits = lo <= hi && (uint64_t)hi - (uint64_t)lo < (UINT64_C(1) << TIME_BITS) &&
		  nnames < (1L << (64 - TIME_BITS)) ? TIME_BITS : 0;
}

static uint64_t rank_time_key(int32_t who, int64_t t, const struct rank_time *k)
{
	if (!k->bits)
		return (uint64_t)(uint32_t)who;
	return (uint64_t)(uint32_t)who << k->bits | ((uint64_t)t - (uint64_t)k->t0);
}

static uint64_t eng_key(const void *x, const void *arg)
{
	const struct eng *e = x;

	return rank_time_key(e->who, e->joined, arg);
}

static uint64_t page_key(const void *x, const void *arg)
{
	const struct page *p = x;

	return rank_time_key(p->who, p->at, arg);
}

/*
 * Every engagement that began before as-of, with the instant it ends (its
 * left_at, else its incident's resolved_at), unordered; who is the name's
 * id in names until read_activity ranks them. The incidents are read
 * first: their ids map to their position and resolution; an engagement of
 * an unknown incident is left out, as the join it replaces did.
 */
static int read_engagements(struct state *s, pirx_strtab *incidents, pirx_strtab *names,
			    struct pirx_err *err)
{
	pirx_stmt *st = NULL;
	int64_t *resolved = NULL;   /* by incident; END_UNKNOWN when NULL */
	size_t cap = 0, ninc_cap = 0;
	int rc, step;

	if ((rc = pirx_db_prepare(s->db, "oncall_incidents", &st, err)))
		goto out;
	while ((step = pirx_stmt_step(st, err)) == 1) {
		/* Ids are unique in the table: appended, not looked up. */
		long i = pirx_strtab_append(incidents, pirx_stmt_text(st, 0), pirx_stmt_bytes(st, 0));
		while ((size_t)i >= ninc_cap) {
			ninc_cap = ninc_cap ? ninc_cap * 2 : 1024;
			resolved = pirx_xreallocarray(resolved, ninc_cap, sizeof(*resolved));
		}
		resolved[i] = pirx_stmt_is_null(st, 1) ? END_UNKNOWN : pirx_stmt_int64(st, 1);
	}
	if ((rc = step < 0 ? step : 0))
		goto out;
	pirx_stmt_finalize(st);
	st = NULL;

	if ((rc = pirx_db_prepare(s->db, "oncall_engagements", &st, err)))
		goto out;
	pirx_stmt_bind_int64(st, 1, s->as_of);
	while ((step = pirx_stmt_step(st, err)) == 1) {
		/* An incident's responders mostly come together. */
		long inc = pirx_strtab_find_near(incidents, pirx_stmt_text(st, 1), pirx_stmt_bytes(st, 1),
						 s->neng ? s->eng[s->neng - 1].incident : -1);
		struct eng *e;
		if (inc < 0)
			continue;
		GROW(s->eng, s->neng, cap);
		e = &s->eng[s->neng++];
		e->who = (int32_t)pirx_strtab_intern(names, pirx_stmt_text(st, 0), pirx_stmt_bytes(st, 0), NULL);
		e->incident = (int32_t)inc;
		e->joined = pirx_stmt_int64(st, 2);
		e->end = pirx_stmt_is_null(st, 3) ? resolved[inc] : pirx_stmt_int64(st, 3);
	}
	rc = step < 0 ? step : 0;
out:
	pirx_stmt_finalize(st);
	free(resolved);
	return rc;
}

static int read_pages(struct state *s, pirx_strtab *names, struct pirx_err *err)
{
	pirx_stmt *st = NULL;
	size_t cap = 0;
	int rc, step;

	if ((rc = pirx_db_prepare(s->db, "oncall_pages", &st, err)))
		return rc;
	pirx_stmt_bind_int64(st, 1, s->as_of);
	while ((step = pirx_stmt_step(st, err)) == 1) {
		GROW(s->pg, s->npg, cap);
		s->pg[s->npg].who = (int32_t)pirx_strtab_intern(names, pirx_stmt_text(st, 0),
								 pirx_stmt_bytes(st, 0), NULL);
		s->pg[s->npg].at = pirx_stmt_int64(st, 1);
		s->npg++;
	}
	pirx_stmt_finalize(st);
	return step < 0 ? step : 0;
}

/*
 * Every engagement and page before as-of, in the merge's order: responder
 * names ranked in byte order (SQLite's BINARY, as the roster is sorted),
 * then struct eng's and struct page's orders.
 */
static int read_activity(struct state *s, pirx_strtab *incidents, pirx_strtab *names,
			 struct pirx_err *err)
{
	long nnames, *rank;
	struct rank_time k;
	int rc;

	if ((rc = read_engagements(s, incidents, names, err)) || (rc = read_pages(s, names, err)))
		return rc;
	nnames = pirx_strtab_count(names);
	s->who = pirx_xmalloc((size_t)(nnames ? nnames : 1) * sizeof(*s->who));
	rank = pirx_xmalloc((size_t)(nnames ? nnames : 1) * sizeof(*rank));
	for (long i = 0; i < nnames; i++)
		s->who[i] = pirx_strtab_str(names, i);
	qsort(s->who, (size_t)nnames, sizeof(*s->who), cmp_str);
	for (long r = 0; r < nnames; r++)
		rank[pirx_strtab_find(names, s->who[r], -1)] = r;
	for (size_t i = 0; i < s->neng; i++)
		s->eng[i].who = (int32_t)rank[s->eng[i].who];
	for (size_t i = 0; i < s->npg; i++)
		s->pg[i].who = (int32_t)rank[s->pg[i].who];
	rank_time_bits(s, nnames, &k);
	pirx_sort_by_key(s->eng, s->neng, sizeof(*s->eng), eng_key, &k, cmp_eng);
	pirx_sort_by_key(s->pg, s->npg, sizeof(*s->pg), page_key, &k, cmp_page);
	free(rank);
	return 0;
}

int pirx_oncall_compute(pirx_db *db, int month, int anonymize, struct pirx_oncall **out,
			struct pirx_err *err)
{
	struct state s;
	struct pirx_oncall *o = NULL;
	struct pirx_buf reasons;
	size_t *roff = NULL, *rank = NULL, *order = NULL;
	pirx_strtab *incidents = pirx_strtab_new(), *names = pirx_strtab_new();
	int rc;

	*out = NULL;
	memset(&s, 0, sizeof(s));
	pirx_buf_init(&s.pool);
	pirx_buf_init(&s.cur);
	pirx_buf_init(&reasons);
	s.db = db;
	s.month = month;
	s.as_of = pirx_month_start(month + 1);
	s.utc = pirx_tzlocal_new(NULL, 0, 0);
	rc = read_activity(&s, incidents, names, err);
	s.nincidents = (size_t)pirx_strtab_count(incidents);
	s.seen = pirx_xcalloc(s.nincidents ? s.nincidents : 1, sizeof(*s.seen));
	/* Only the engagements' join needs the incidents' ids. */
	pirx_strtab_free(incidents);
	incidents = NULL;
	if (rc)
		goto out;
	if ((rc = pirx_db_prepare(db, "oncall_roster", &s.roster.st, err)))
		goto out;
	if ((rc = stream_step(&s.roster, err)))
		goto out;
	while (s.ieng < s.neng || s.ipg < s.npg) {
		const char *e = s.ieng < s.neng ? s.who[s.eng[s.ieng].who] : NULL;
		const char *p = s.ipg < s.npg ? s.who[s.pg[s.ipg].who] : NULL;
		const char *next = !e ? p : !p ? e : strcmp(e, p) <= 0 ? e : p;

		pirx_buf_reset(&s.cur);
		pirx_buf_puts(&s.cur, next);
		if ((rc = read_responder(&s, err)))
			goto out;
	}

	o = pirx_xcalloc(1, sizeof(*o));
	o->first_month = -1;
	score(&s, &reasons, &roff);
	/* Strings are final now: turn offsets into pointers. */
	o->nresponders = s.nresp;
	o->responders = pirx_xcalloc(s.nresp + 1, sizeof(*o->responders));
	for (size_t i = 0; i < s.nresp; i++) {
		struct pirx_oncall_responder *r = &o->responders[i];
		r->name = s.pool.data + s.resp[i].name;
		r->team = s.resp[i].team == NONE ? NULL : s.pool.data + s.resp[i].team;
		r->timezone = s.resp[i].tz == NONE ? NULL : s.pool.data + s.resp[i].tz;
		r->zone_known = s.resp[i].zone_known;
		r->first_seen = s.resp[i].first_seen;
		r->label = r->name;
		if (!s.resp[i].rostered)
			o->unrostered++;
	}
	/* Pseudonyms: responder-NNN in order of first appearance (ties by name). */
	rank = pirx_xcalloc(s.nresp + 1, sizeof(*rank));
	order = pirx_xcalloc(s.nresp + 1, sizeof(*order));
	sort_o = o;
	if (anonymize) {
		char *labels;
		int width = 3;
		size_t each;

		for (size_t n = s.nresp; n >= 1000; n /= 10)
			width++;
		each = (size_t)width + 12;
		for (size_t i = 0; i < s.nresp; i++)
			order[i] = i;
		qsort(order, s.nresp, sizeof(*order), cmp_first_seen);
		labels = pirx_xcalloc(s.nresp + 1, each);
		for (size_t k = 0; k < s.nresp; k++) {
			char num[24], *lab = labels + k * each;
			int len = snprintf(num, sizeof(num), "%zu", k + 1);

			memcpy(lab, "responder-", 10);
			for (int d = len; d < width; d++)
				lab[10 + (d - len)] = '0';
			strcpy(lab + 10 + (len < width ? width - len : 0), num);
			o->responders[order[k]].label = labels + k * each;
			rank[order[k]] = k;
		}
		o->label_store = labels;
	} else {
		/* Responders were read in name order. */
		for (size_t i = 0; i < s.nresp; i++)
			rank[i] = i;
	}
	sort_rank = rank;
	for (size_t i = 0; i < s.nrows; i++)
		s.rows[i].reasons = roff[i] == NONE ? "" : reasons.data + roff[i];
	o->reasons_store = reasons.data;
	reasons.data = NULL;
	if (s.nrows)
		qsort(s.rows, s.nrows, sizeof(*s.rows), cmp_row);
	o->rows = s.rows;
	o->nrows = s.nrows;
	s.rows = NULL;
	o->first_month = o->nrows ? o->rows[0].month : -1;
	build_teams(o);
	/* Unknown zones, sorted. */
	for (size_t i = 0; i < s.nzones; i++) {
		if (s.zones[i].tz)
			continue;
		o->unknown_zones = pirx_xreallocarray(o->unknown_zones, o->nunknown + 1,
						      sizeof(*o->unknown_zones));
		o->unknown_zones[o->nunknown++] = pirx_xstrdup(s.zones[i].name);
		o->unknown_zone_responders += s.zones[i].responders;
	}
	if (o->nunknown)
		qsort(o->unknown_zones, o->nunknown, sizeof(char *), cmp_str);
	o->pool_store = s.pool.data;
	s.pool.data = NULL;
	*out = o;
	o = NULL;
	rc = 0;
out:
	pirx_oncall_free(o);
	pirx_stmt_finalize(s.roster.st);
	free(s.eng);
	free(s.pg);
	free(s.who);
	pirx_strtab_free(incidents);
	pirx_strtab_free(names);
	for (size_t i = 0; i < s.nzones; i++) {
		free(s.zones[i].name);
		pirx_tzlocal_free(s.zones[i].tz);
	}
	free(s.zones);
	pirx_tzlocal_free(s.utc);
	free(s.resp);
	free(s.rows);
	free(s.cells);
	free(s.pairs);
	free(s.seen);
	free(s.win);
	free(roff);
	free(rank);
	free(order);
	pirx_buf_release(&s.pool);
	pirx_buf_release(&s.cur);
	pirx_buf_release(&reasons);
	return rc;
}

void pirx_oncall_free(struct pirx_oncall *o)
{
	if (!o)
		return;
	free(o->responders);
	free(o->rows);
	free(o->teams);
	for (size_t i = 0; i < o->nunknown; i++)
		free(o->unknown_zones[i]);
	free(o->unknown_zones);
	free(o->label_store);
	free(o->reasons_store);
	free(o->pool_store);
	free(o);
}

/* ---- the report step ------------------------------------------------- */

static const char *const risk_name[] = {"normal", "elevated", "high"};

/* Hours with 2 decimals, rounded from whole seconds (half up). */
static void put_hours(pirx_csvw *w, int64_t s)
{
	int64_t h100 = (s * 100 + HOUR / 2) / HOUR;

	pirx_csvw_fixed(w, (double)h100 / 100.0, 2);
}

static int write_load(const struct pirx_report_ctx *ctx, const struct pirx_oncall *o,
		      struct pirx_err *err)
{
	char *path = pirx_fs_join(ctx->dir, "responder_load.csv");
	pirx_csvw *w = NULL;
	int rc;

	if ((rc = pirx_csvw_open(path, &w, err)))
		goto out;
	pirx_csvw_header(w, "month,responder,team,incidents,engaged_hours,offhours_hours,pages,"
			    "offhours_pages,sleep_pages,load_score,risk,reasons,"
			    "incidents_3m,engaged_hours_3m,offhours_hours_3m,sleep_pages_3m,sleep_run_nights");
	for (size_t i = 0; i < o->nrows; i++) {
		const struct pirx_oncall_row *r = &o->rows[i];
		const struct pirx_oncall_responder *p = &o->responders[r->responder];

		pirx_csvw_month(w, r->month);
		pirx_csvw_text(w, p->label);
		if (p->team)
			pirx_csvw_text(w, p->team);
		else
			pirx_csvw_empty(w);
		pirx_csvw_int(w, r->incidents);
		put_hours(w, r->engaged_s);
		put_hours(w, r->offhours_s);
		pirx_csvw_int(w, r->pages);
		pirx_csvw_int(w, r->offhours_pages);
		pirx_csvw_int(w, r->sleep_pages);
		pirx_csvw_fixed(w, r->load_score, 2);
		pirx_csvw_text(w, risk_name[r->risk]);
		pirx_csvw_text(w, r->reasons);
		pirx_csvw_int(w, r->incidents3);
		put_hours(w, r->engaged3_s);
		put_hours(w, r->offhours3_s);
		pirx_csvw_int(w, r->sleep3);
		pirx_csvw_int(w, r->sleep_run);
		pirx_csvw_end_row(w);
	}
out:
	if (pirx_csvw_close(w, rc ? NULL : err) != 0 && rc == 0)
		rc = PIRX_EIO;
	free(path);
	return rc;
}

static int write_teams(const struct pirx_report_ctx *ctx, const struct pirx_oncall *o,
		       struct pirx_err *err)
{
	char *path = pirx_fs_join(ctx->dir, "team_concentration.csv");
	pirx_csvw *w = NULL;
	int rc;

	if ((rc = pirx_csvw_open(path, &w, err)))
		goto out;
	pirx_csvw_header(w, "month,team,responders,engaged_hours,busiest_share,busiest_responder,"
			    "longest_sleep_run,longest_sleep_run_responder");
	for (size_t i = 0; i < o->nteams; i++) {
		const struct pirx_oncall_team *t = &o->teams[i];

		pirx_csvw_month(w, t->month);
		if (t->team)
			pirx_csvw_text(w, t->team);
		else
			pirx_csvw_empty(w);
		pirx_csvw_int(w, t->responders);
		put_hours(w, t->engaged_s);
		pirx_csvw_fixed(w, t->busiest_share, 4);
		if (!isnan(t->busiest_share))
			pirx_csvw_text(w, o->responders[t->busiest].label);
		else
			pirx_csvw_empty(w);
		pirx_csvw_int(w, t->sleep_run);
		if (t->sleep_run > 0)
			pirx_csvw_text(w, o->responders[t->sleep_run_who].label);
		else
			pirx_csvw_empty(w);
		pirx_csvw_end_row(w);
	}
out:
	if (pirx_csvw_close(w, rc ? NULL : err) != 0 && rc == 0)
		rc = PIRX_EIO;
	free(path);
	return rc;
}

/* Zone names are corpus text: shown on stderr only as printable ASCII. */
static void printable(const char *s, char *out, size_t n)
{
	size_t k = 0;

	for (; *s && k + 1 < n; s++)
		out[k++] = *s >= 0x20 && *s < 0x7f ? *s : '?';
	out[k] = '\0';
}

static int write_warnings(const struct pirx_report_ctx *ctx, const struct pirx_oncall *o,
			  struct pirx_err *err)
{
	char *path = pirx_fs_join(ctx->dir, "oncall_warnings.csv");
	pirx_csvw *w = NULL;
	char shown[128];
	int rc;

	if ((rc = pirx_csvw_open(path, &w, err)))
		goto out;
	pirx_csvw_header(w, "kind,value,responders,detail");
	for (size_t i = 0; i < o->nunknown; i++) {
		long n = 0;
		for (size_t k = 0; k < o->nresponders; k++)
			n += o->responders[k].timezone && !o->responders[k].zone_known &&
			     strcmp(o->responders[k].timezone, o->unknown_zones[i]) == 0;
		pirx_csvw_text(w, "unknown_timezone");
		pirx_csvw_text(w, o->unknown_zones[i]);
		pirx_csvw_int(w, n);
		pirx_csvw_text(w, "not a zone of the tz database: off-hours counted in UTC");
		pirx_csvw_end_row(w);
		printable(o->unknown_zones[i], shown, sizeof(shown));
		pirx_report_progress(ctx, "responder load: time zone '%s' is not in the tz "
				     "database; off-hours counted in UTC", shown);
	}
	if (o->unrostered) {
		pirx_csvw_text(w, "not_in_roster");
		pirx_csvw_empty(w);
		pirx_csvw_int(w, o->unrostered);
		pirx_csvw_text(w, "responders missing from the roster: no team, off-hours counted in UTC");
		pirx_csvw_end_row(w);
	}
out:
	if (pirx_csvw_close(w, rc ? NULL : err) != 0 && rc == 0)
		rc = PIRX_EIO;
	free(path);
	return rc;
}

#define CHART_PEOPLE 6

/*
 * Chart responder_load: engaged hours per month over the window for the
 * CHART_PEOPLE responders with the highest load score in the report month
 * (ties: more engaged hours over 3 months, then label order).
 */
static int write_chart(const struct pirx_report_ctx *ctx, const struct pirx_oncall *o,
		       struct pirx_err *err)
{
	const struct pirx_oncall_row *top[CHART_PEOPLE];
	int ntop = 0, from, rc;
	double *hours;
	pirx_plot *p;

	for (size_t i = 0; i < o->nrows; i++) {
		const struct pirx_oncall_row *r = &o->rows[i];
		int j;

		if (r->month != ctx->month)
			continue;
		/* Insertion into the top list, best first. */
		for (j = ntop; j > 0; j--) {
			const struct pirx_oncall_row *q = top[j - 1];
			double sr = isnan(r->load_score) ? -1 : r->load_score;
			double sq = isnan(q->load_score) ? -1 : q->load_score;
			if (sr < sq || (sr == sq && r->engaged3_s <= q->engaged3_s))
				break;
			if (j < CHART_PEOPLE)
				top[j] = q;
		}
		if (j < CHART_PEOPLE) {
			top[j] = r;
			if (ntop < CHART_PEOPLE)
				ntop++;
		}
	}
	if (!ntop)
		return 0;
	from = ctx->window_start > o->first_month ? ctx->window_start : o->first_month;
	p = pirx_plot_new("responder_load", PIRX_PLOT_X_MONTH, ntop);
	pirx_plot_title(p, "Engaged hours per month, most loaded responders");
	pirx_plot_labels(p, NULL, "engaged hours");
	for (int k = 0; k < ntop; k++)
		pirx_plot_column(p, k + 1, o->responders[top[k]->responder].label);
	hours = pirx_xcalloc((size_t)(ctx->month - from + 1) * CHART_PEOPLE, sizeof(*hours));
	for (size_t i = 0; i < o->nrows; i++) {
		const struct pirx_oncall_row *r = &o->rows[i];
		if (r->month < from)
			continue;
		for (int k = 0; k < ntop; k++)
			if (r->responder == top[k]->responder)
				hours[(size_t)(r->month - from) * CHART_PEOPLE + (size_t)k] =
					(double)r->engaged_s / HOUR;
	}
	for (int m = from; m <= ctx->month; m++) {
		pirx_plot_row_month(p, m);
		for (int k = 0; k < ntop; k++)
			pirx_plot_value(p, hours[(size_t)(m - from) * CHART_PEOPLE + (size_t)k]);
	}
	free(hours);
	for (int k = 0; k < ntop; k++)
		pirx_plot_series(p, PIRX_PLOT_LINEPOINTS, k + 1, 0, 0);
	rc = pirx_plot_write(p, ctx->charts_dir, ctx->charts, err);
	pirx_plot_free(p);
	return rc;
}

int pirx_oncall_run(const struct pirx_report_ctx *ctx, struct pirx_err *err)
{
	struct pirx_oncall *o = NULL;
	int rc;

	if ((rc = pirx_oncall_compute(ctx->db, ctx->month, ctx->anonymize, &o, err)))
		return rc;
	if (!(rc = write_load(ctx, o, err)) && !(rc = write_teams(ctx, o, err)) &&
	    !(rc = write_warnings(ctx, o, err)))
		rc = write_chart(ctx, o, err);
	pirx_oncall_free(o);
	return rc;
}
