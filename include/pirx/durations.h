/*
 * durations: the four incident durations of SPEC section 3 (time to
 * detect, acknowledge, mitigate, resolve), read in one pass, and the
 * monthly counts and duration statistics built from them.
 *
 * The report step pirx_durations_run (declared in report.h) writes
 * incidents_monthly.csv, durations_monthly.csv and the charts ttr_trend,
 * ttd_trend and incidents_by_severity. trend.c reads the same durations
 * through pirx_durations_read.
 */
#ifndef PIRX_DURATIONS_H
#define PIRX_DURATIONS_H

#include <stddef.h>
#include <stdint.h>

#include "pirx/db.h"
#include "pirx/err.h"

/* The durations, in the order every output lists them. */
enum pirx_metric {
	PIRX_TTD,        /* started_at -> detected_at */
	PIRX_TTA,        /* detected_at -> acknowledged_at */
	PIRX_TTM,        /* started_at -> mitigated_at */
	PIRX_TTR,        /* started_at -> resolved_at */
	PIRX_NMETRICS
};

/* Severity slots: 0 is `all`, 1..5 are SEV1..SEV5. */
#define PIRX_NSEV 6

/* "ttd", "tta", "ttm", "ttr"; NULL out of range. */
const char *pirx_metric_name(int metric);

/* One incident's start, severity and durations. */
struct pirx_incident_durations {
	int64_t started_at;            /* Unix seconds UTC */
	int severity;                  /* 1..5, 0 unknown */
	double min[PIRX_NMETRICS];     /* minutes; NaN when it does not count */
};

/*
 * The duration from `from` to `to` in minutes, or NaN when it does not
 * count: an end is unknown (have_* = 0), it is negative, or `to` is at
 * or after as_of (SPEC section 3).
 */
double pirx_duration_minutes(int have_from, int64_t from, int have_to, int64_t to,
			     int64_t as_of);

/*
 * Reads every incident started in [from, as_of), ordered by started_at
 * (then id), with its four durations as of as_of, in one query. Returns
 * 0 and *out (an array of *n records; the caller frees it with free()),
 * or a negative PIRX_E* with err filled (*out is then NULL).
 */
int pirx_durations_read(pirx_db *db, int64_t from, int64_t as_of,
			struct pirx_incident_durations **out, size_t *n,
			struct pirx_err *err);

/*
 * The seed of one group's bootstrap: a mix of the run's seed and the
 * group (month index, metric, severity slot), so that each interval
 * depends only on its own group and the seed, never on the order groups
 * are computed in.
 */
uint64_t pirx_durations_group_seed(uint64_t seed, int month, int metric, int sev);

#endif
