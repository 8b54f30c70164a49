/*
 * recurrence: recurring failure patterns and repeat incidents, from the
 * (incident, cluster) pairs clusters.c found. Owns recurrence.csv,
 * repeat_incidents.csv and the top_patterns chart; the rules are in
 * recurrence.h and docs/clustering.md. Incidents arrive in started_at
 * order (their index order), which every scan here relies on.
 */
#include "pirx/recurrence.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pirx/csvio.h"
#include "pirx/fsutil.h"
#include "pirx/mem.h"
#include "pirx/plot.h"
#include "pirx/sort.h"
#include "pirx/stats.h"
#include "pirx/timefmt.h"

/* Clusters drawn in the top_patterns chart. */
#define TOP_PATTERNS 6

struct rstat {
	long cluster;
	long window_incidents, month_incidents, months_active, services;
	double median_gap_days;
	int64_t last_seen;
	int recurring;
};

struct repeat {
	long incident, previous, service, cluster;
	double days;
};

static const struct pirx_recur_input *sort_in;

static int cmp_rstat(const void *x, const void *y)
{
	const struct rstat *a = x, *b = y;

	if (a->recurring != b->recurring)
		return a->recurring ? -1 : 1;
	if (a->window_incidents != b->window_incidents)
		return a->window_incidents > b->window_incidents ? -1 : 1;
	return strcmp(sort_in->cluster_id[a->cluster], sort_in->cluster_id[b->cluster]);
}

static int cmp_repeat(const void *x, const void *y)
{
	const struct repeat *a = x, *b = y;
	int c;

	if (a->incident != b->incident)
		return a->incident < b->incident ? -1 : 1;
	if ((c = strcmp(sort_in->service_name[a->service], sort_in->service_name[b->service])))
		return c;
	return strcmp(sort_in->cluster_id[a->cluster], sort_in->cluster_id[b->cluster]);
}

/* struct repeat's first field; the names order its ties. */
static uint64_t repeat_key(const void *x, const void *arg)
{
	(void)arg;
	return pirx_sort_key_i64(((const struct repeat *)x)->incident);
}

static int cmp_hits(const void *x, const void *y)
{
	const struct pirx_recur_hit *a = x, *b = y;

	if (a->cluster != b->cluster)
		return a->cluster < b->cluster ? -1 : 1;
	return a->incident < b->incident ? -1 : a->incident > b->incident;
}

/* Both halves when they fit in 32 bits (always, short of 4 billion
 * incidents), else the cluster alone and cmp_hits for the rest. */
static uint64_t hit_key(const void *x, const void *arg)
{
	const struct pirx_recur_hit *h = x;
	int both = *(const int *)arg;

	return both ? (uint64_t)h->cluster << 32 | (uint64_t)h->incident : (uint64_t)h->cluster;
}

void pirx_recur_sort_hits(struct pirx_recur_hit *hits, size_t n)
{
	int both = 1;

	for (size_t i = 0; i < n; i++)
		if (hits[i].cluster < 0 || hits[i].incident < 0 ||
		    (unsigned long)hits[i].cluster > UINT32_MAX || (unsigned long)hits[i].incident > UINT32_MAX)
			both = 0;
	pirx_sort_by_key(hits, n, sizeof(*hits), hit_key, &both, cmp_hits);
}

static int write_chart(const struct pirx_report_ctx *ctx, const struct pirx_recur_input *in,
		       const struct rstat *rs, size_t nrs, const struct pirx_recur_hit *hits,
		       struct pirx_err *err)
{
	size_t top = nrs < TOP_PATTERNS ? nrs : TOP_PATTERNS;
	int months = ctx->month - ctx->window_start + 1;
	double *count;
	pirx_plot *p;
	int rc;

	if (top == 0)
		return 0;
	count = pirx_xcalloc(top * (size_t)months, sizeof(double));
	for (size_t k = 0; k < top; k++) {
		for (size_t i = 0; i < in->nhits; i++) {
			int m;
			if (hits[i].cluster != rs[k].cluster)
				continue;
			m = pirx_month_of(in->started_at[hits[i].incident]) - ctx->window_start;
			if (m >= 0 && m < months)
				count[k * (size_t)months + (size_t)m] += 1;
		}
	}
	p = pirx_plot_new("top_patterns", PIRX_PLOT_X_MONTH, (int)top);
	pirx_plot_title(p, "Top recurring failure patterns: incidents per month");
	pirx_plot_labels(p, "month", "incidents");
	for (size_t k = 0; k < top; k++) {
		pirx_plot_column(p, (int)k + 1, in->cluster_label[rs[k].cluster]);
		pirx_plot_series(p, PIRX_PLOT_STACKED, (int)k + 1, 0, 0);
	}
	{
		/* Room above the tallest bar for the key. */
		double top_total = 0;
		for (int m = 0; m < months; m++) {
			double sum = 0;
			for (size_t k = 0; k < top; k++)
				sum += count[k * (size_t)months + (size_t)m];
			if (sum > top_total)
				top_total = sum;
		}
		pirx_plot_yrange(p, 0, top_total > 0 ? ceil(top_total * 1.35) : 1);
	}
	for (int m = 0; m < months; m++) {
		pirx_plot_row_month(p, ctx->window_start + m);
		for (size_t k = 0; k < top; k++)
			pirx_plot_value(p, count[k * (size_t)months + (size_t)m]);
	}
	rc = pirx_plot_write(p, ctx->charts_dir, ctx->charts, err);
	pirx_plot_free(p);
	free(count);
	return rc;
}

int pirx_recurrence_write(const struct pirx_report_ctx *ctx, const struct pirx_recur_input *in,
			  struct pirx_err *err)
{
	int64_t wstart = pirx_month_start(ctx->window_start);
	int64_t mstart = pirx_month_start(ctx->month);
	struct pirx_recur_hit *hits = pirx_xmalloc((in->nhits ? in->nhits : 1) * sizeof(*hits));
	struct rstat *rs = pirx_xcalloc(in->nclusters ? in->nclusters : 1, sizeof(*rs));
	size_t nrs = 0, nrep = 0, repcap = 0;
	long repeated = 0;   /* distinct incidents among the repeats */
	struct repeat *rep = NULL;
	size_t nsvc = 0;
	long *last_inc, *last_stamp, *month_seen;
	double *gaps = pirx_xmalloc((in->nhits ? in->nhits : 1) * sizeof(double));
	char *path = NULL;
	pirx_csvw *w = NULL;
	int rc;

	for (size_t i = 0; i < in->nincidents; i++)
		for (size_t k = in->svc_start[i]; k < in->svc_start[i + 1]; k++)
			if ((size_t)in->service[k] + 1 > nsvc)
				nsvc = (size_t)in->service[k] + 1;
	last_inc = pirx_xmalloc((nsvc ? nsvc : 1) * sizeof(long));
	last_stamp = pirx_xmalloc((nsvc ? nsvc : 1) * sizeof(long));
	for (size_t s = 0; s < nsvc; s++)
		last_stamp[s] = -1;
	month_seen = pirx_xmalloc((size_t)(ctx->window > 0 ? ctx->window : 1) * sizeof(long));
	memcpy(hits, in->hits, in->nhits * sizeof(*hits));
	pirx_recur_sort_hits(hits, in->nhits);
	sort_in = in;

	for (size_t i = 0; i < in->nhits;) {
		size_t j = i, ngaps = 0;
		long cl = hits[i].cluster;
		struct rstat *r = &rs[nrs];
		int64_t prev_t = 0;

		while (j < in->nhits && hits[j].cluster == cl)
			j++;
		memset(r, 0, sizeof(*r));
		r->cluster = cl;
		for (int m = 0; m < ctx->window; m++)
			month_seen[m] = 0;
		for (size_t k = i; k < j; k++) {
			long inc = hits[k].incident;
			int64_t t = in->started_at[inc];
			int in_window = t >= wstart && t < ctx->as_of;

			/* Repeat incidents: the latest earlier incident per service. */
			for (size_t q = in->svc_start[inc]; q < in->svc_start[inc + 1]; q++) {
				long s = in->service[q];
				if (last_stamp[s] == cl && in_window
				    && t - in->started_at[last_inc[s]] <= PIRX_REPEAT_MAX_GAP) {
					if (nrep == repcap) {
						repcap = repcap ? repcap * 2 : 256;
						rep = pirx_xreallocarray(rep, repcap, sizeof(*rep));
					}
					rep[nrep].incident = inc;
					rep[nrep].previous = last_inc[s];
					rep[nrep].service = s;
					rep[nrep].cluster = cl;
					rep[nrep].days = (double)(t - in->started_at[last_inc[s]]) / 86400.0;
					nrep++;
				}
				last_stamp[s] = cl;
				last_inc[s] = inc;
			}
			if (!in_window)
				continue;
			if (r->window_incidents)
				gaps[ngaps++] = (double)(t - prev_t) / 86400.0;
			prev_t = t;
			r->window_incidents++;
			if (t >= mstart)
				r->month_incidents++;
			{
				int m = pirx_month_of(t) - ctx->window_start;
				if (m >= 0 && m < ctx->window && !month_seen[m]++)
					r->months_active++;
			}
			if (t > r->last_seen || r->window_incidents == 1)
				r->last_seen = t;
		}
		/* Distinct services in the window (second pass, services marked by cluster). */
		{
			long *seen = pirx_xcalloc(nsvc ? nsvc : 1, sizeof(long));
			for (size_t k = i; k < j; k++) {
				long inc = hits[k].incident;
				int64_t t = in->started_at[inc];
				if (t < wstart || t >= ctx->as_of)
					continue;
				for (size_t q = in->svc_start[inc]; q < in->svc_start[inc + 1]; q++)
					if (!seen[in->service[q]]++)
						r->services++;
			}
			free(seen);
		}
		pirx_stats_sort(gaps, ngaps);
		r->median_gap_days = ngaps ? pirx_stats_median_sorted(gaps, ngaps) : NAN;
		r->recurring = r->window_incidents >= PIRX_RECUR_MIN_INCIDENTS
			       && r->months_active >= PIRX_RECUR_MIN_MONTHS;
		if (r->window_incidents)
			nrs++;
		i = j;
	}
	qsort(rs, nrs, sizeof(*rs), cmp_rstat);
	pirx_sort_by_key(rep, nrep, sizeof(*rep), repeat_key, NULL, cmp_repeat);

	path = pirx_fs_join(ctx->dir, "recurrence.csv");
	if ((rc = pirx_csvw_open(path, &w, err)))
		goto out;
	pirx_csvw_header(w, "cluster_id,label,window_incidents,month_incidents,months_active,services,median_gap_days,last_seen,recurring");
	for (size_t k = 0; k < nrs; k++) {
		pirx_csvw_text(w, in->cluster_id[rs[k].cluster]);
		pirx_csvw_text(w, in->cluster_label[rs[k].cluster]);
		pirx_csvw_int(w, rs[k].window_incidents);
		pirx_csvw_int(w, rs[k].month_incidents);
		pirx_csvw_int(w, rs[k].months_active);
		pirx_csvw_int(w, rs[k].services);
		pirx_csvw_fixed(w, rs[k].median_gap_days, 2);
		pirx_csvw_time(w, rs[k].last_seen);
		pirx_csvw_text(w, rs[k].recurring ? "yes" : "no");
		pirx_csvw_end_row(w);
	}
	rc = pirx_csvw_close(w, err);
	w = NULL;
	if (rc)
		goto out;
	free(path);
	path = pirx_fs_join(ctx->dir, "repeat_incidents.csv");
	if ((rc = pirx_csvw_open(path, &w, err)))
		goto out;
	pirx_csvw_header(w, "incident_id,previous_incident_id,service,cluster_id,days_apart");
	for (size_t k = 0; k < nrep; k++) {
		/* Rows come by incident: a new one starts a run. */
		repeated += k == 0 || rep[k].incident != rep[k - 1].incident;
		pirx_csvw_text(w, in->incident_id[rep[k].incident]);
		pirx_csvw_text(w, in->incident_id[rep[k].previous]);
		pirx_csvw_text(w, in->service_name[rep[k].service]);
		pirx_csvw_text(w, in->cluster_id[rep[k].cluster]);
		pirx_csvw_fixed(w, rep[k].days, 2);
		pirx_csvw_end_row(w);
	}
	rc = pirx_csvw_close(w, err);
	w = NULL;
	/* The list's totals, for render (which shows ten rows). */
	if (rc || (rc = pirx_report_meta_add(ctx, "repeat_incidents_rows", (long)nrep, err)) ||
	    (rc = pirx_report_meta_add(ctx, "repeat_incidents_incidents", repeated, err)))
		goto out;
	rc = write_chart(ctx, in, rs, nrs, hits, err);
out:
	if (w)
		pirx_csvw_close(w, NULL);
	free(path);
	free(hits);
	free(rs);
	free(rep);
	free(last_inc);
	free(last_stamp);
	free(month_seen);
	free(gaps);
	return rc;
}
