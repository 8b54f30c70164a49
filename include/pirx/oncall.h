/*
 * oncall: responder load and burnout risk (SPEC sections 3 and 4),
 * docs/responder-load.md.
 *
 * Per responder and UTC month: distinct incidents engaged in, engaged
 * hours (the union of the engagement intervals, overlaps counted once),
 * off-hours hours (outside 08:00-18:00 Monday-Friday in the responder's
 * roster time zone), pages, off-hours pages, sleep-hour pages (22:00-08:00
 * local, every day), and a load score and risk level over the trailing
 * 3 months relative to the other responders active in them (median and
 * MAD), with the reasons in words. Per team and month: how the team's
 * engaged hours are spread and the longest run of nights with sleep-hour
 * pages.
 *
 * pirx_oncall_run (report.h) writes responder_load.csv,
 * team_concentration.csv, oncall_warnings.csv and the responder_load
 * chart from what pirx_oncall_compute returns.
 */
#ifndef PIRX_ONCALL_H
#define PIRX_ONCALL_H

#include <stddef.h>
#include <stdint.h>

#include "pirx/db.h"
#include "pirx/err.h"

enum pirx_risk { PIRX_RISK_NORMAL = 0, PIRX_RISK_ELEVATED = 1, PIRX_RISK_HIGH = 2 };

/* One responder: the corpus name, and what the output shows. */
struct pirx_oncall_responder {
	const char *name;      /* as in the corpus (never written when anonymized) */
	const char *label;     /* the name, or the pseudonym when anonymized */
	const char *team;      /* roster team, NULL when unknown */
	const char *timezone;  /* roster zone as written, NULL when none */
	int zone_known;        /* 0: off-hours counted in UTC */
	int64_t first_seen;    /* earliest engagement or page (Unix seconds) */
};

/* One responder-month (a row of responder_load.csv). */
struct pirx_oncall_row {
	int month;             /* month index */
	size_t responder;      /* index into responders */
	long incidents;
	int64_t engaged_s;     /* seconds; the CSV shows hours */
	int64_t offhours_s;
	long pages, offhours_pages, sleep_pages;
	int sleep_run;         /* longest run of consecutive nights with sleep-hour
				  pages that ends in this month (0 when none) */
	/* Trailing 3 months (this month and the two before). */
	long incidents3;       /* distinct incidents */
	int64_t engaged3_s, offhours3_s;
	long sleep3;
	double load_score;     /* sum of the positive robust z of the three
				  signals (incidents, off-hours hours, sleep
				  pages); NaN when too few responders to compare */
	enum pirx_risk risk;
	const char *reasons;   /* "" when nothing stands out */
};

/* One team-month (a row of team_concentration.csv). */
struct pirx_oncall_team {
	int month;
	const char *team;      /* NULL: responders missing from the roster */
	long responders;
	int64_t engaged_s;
	double busiest_share;  /* NaN when the team has no engaged time */
	size_t busiest;        /* responder index (valid when share is a number) */
	int sleep_run;         /* longest run of sleep-page nights ending this month */
	size_t sleep_run_who;  /* responder index, valid when sleep_run > 0 */
};

struct pirx_oncall {
	struct pirx_oncall_responder *responders;
	size_t nresponders;
	struct pirx_oncall_row *rows;   /* by month, then label (pseudonym number) */
	size_t nrows;
	struct pirx_oncall_team *teams; /* by month, then team (unknown last) */
	size_t nteams;
	char **unknown_zones;           /* distinct non-empty zone names not in the
					   tz database (sorted), each treated as UTC */
	size_t nunknown;
	long unknown_zone_responders;   /* responders in those zones */
	long unrostered;                /* responders missing from the roster */
	int first_month;                /* first month with responder data, -1 none */
	/* Storage behind the pointers above (owned; freed by pirx_oncall_free). */
	char *pool_store, *label_store, *reasons_store;
};

/* Thresholds of the rule (docs/responder-load.md). */
#define PIRX_ONCALL_MIN_PEERS 5     /* fewer active responders: no comparison */
#define PIRX_ONCALL_Z_HIGH 3.5
#define PIRX_ONCALL_Z_ELEVATED 2.5

/*
 * Computes responder load for every month with responder data up to
 * `month` (instants at or after the first instant of month + 1 do not
 * count). anonymize replaces labels with "responder-NNN", numbered in
 * order of first appearance in the corpus (ties by name). Returns 0 and
 * *out (free with pirx_oncall_free), or PIRX_EIO on a database failure.
 */
int pirx_oncall_compute(pirx_db *db, int month, int anonymize, struct pirx_oncall **out,
			struct pirx_err *err);
void pirx_oncall_free(struct pirx_oncall *o);

#endif
