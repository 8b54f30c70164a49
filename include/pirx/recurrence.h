/*
 * recurrence: which factor clusters keep coming back (SPEC section 3,
 * "Recurrence") and which incidents repeat an earlier one on the same
 * service. Writes recurrence.csv, repeat_incidents.csv and the chart
 * top_patterns; the clusters themselves come from clusters.c.
 *
 * Rules (docs/clustering.md):
 * - recurring: inside the trailing window, the cluster appears in at least
 *   3 incidents spread over at least 2 distinct months;
 * - repeat incident: an incident started inside the window, paired with the
 *   most recent earlier incident on the same service that shares a factor
 *   cluster, when it started at most 30 days before (the earlier one may
 *   fall just before the window). One row per (incident, service, cluster).
 */
#ifndef PIRX_RECURRENCE_H
#define PIRX_RECURRENCE_H

#include <stddef.h>
#include <stdint.h>

#include "pirx/err.h"
#include "pirx/report.h"

/* Minimum incidents and distinct months for a recurring cluster. */
#define PIRX_RECUR_MIN_INCIDENTS 3
#define PIRX_RECUR_MIN_MONTHS 2
/* Largest gap between repeat incidents, seconds (30 days). */
#define PIRX_REPEAT_MAX_GAP (30 * 86400)

/* An incident appears in a cluster (one per distinct pair). */
struct pirx_recur_hit {
	long incident;   /* index into the incident arrays */
	long cluster;    /* index into the cluster arrays */
};

/* Sorts hits[0..n) by cluster, then incident. */
void pirx_recur_sort_hits(struct pirx_recur_hit *hits, size_t n);

/* Everything recurrence needs; all borrowed. Only incidents started
 * before ctx->as_of may be given. */
struct pirx_recur_input {
	size_t nincidents;
	const char *const *incident_id;
	const int64_t *started_at;
	/* services of incident i: service[svc_start[i] .. svc_start[i + 1]) */
	const size_t *svc_start;
	const long *service;
	const char *const *service_name;
	size_t nclusters;
	const char *const *cluster_id;
	const char *const *cluster_label;
	size_t nhits;
	const struct pirx_recur_hit *hits;
};

/*
 * Writes recurrence.csv (one row per cluster seen in the window, recurring
 * first, then by window incidents), repeat_incidents.csv and
 * charts/top_patterns.* into ctx->dir. Returns 0 or PIRX_EIO.
 */
int pirx_recurrence_write(const struct pirx_report_ctx *ctx, const struct pirx_recur_input *in,
			  struct pirx_err *err);

#endif
