-- factors_incidents: every incident in order of start, with the names it
-- is filed under. clusters.c counts those started before the report's
-- as-of instant (they come first) for clustering and recurrence, and takes
-- every team and single service as a noise name: a name removed from
-- factor texts before clustering (it says where, not what failed).
-- Parameters: none.
-- Columns: id, started_at (Unix seconds UTC), service (as in the corpus:
-- ';' between several), team.
SELECT id, started_at, service, team
FROM incidents
ORDER BY started_at, id;
