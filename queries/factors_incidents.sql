-- factors_incidents: every incident with its start and the names it is
-- filed under, in no particular order (one table scan). clusters.c counts
-- those started before the report's as-of instant, numbered in report
-- order (start, then id), for clustering and recurrence, and takes every
-- team and single service as a noise name: a name removed from factor
-- texts before clustering (it says where, not what failed).
-- Parameters: none.
-- Columns: id, started_at (Unix seconds UTC), service (as in the corpus:
-- ';' between several), team.
SELECT id, started_at, service, team
FROM incidents;
